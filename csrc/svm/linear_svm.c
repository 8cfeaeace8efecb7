/* linear_svm.c: LIBLINEAR's linear SVM solvers on dense or CSR rows (linear_svm.h).
 *
 * The data stay row-major (N, D) or CSR, read through linear_svm_problem.h's row helpers; the intercept is a virtual feature of constant value `bias`
 * appended to every row (its weight w_b is the last entry of w~), so X is never copied except by
 * the l1 solvers, which work on columns: on dense rows each problem writes y_i x_ij by column into
 * its scratch; on CSR rows the fit builds X's CSC (O(NNZ + N)) once and the problems share it.
 * Solver 4 (Crammer-Singer) has its own block below the binary ones.
 */
#include "svm/linear_svm.h"
#include "svm/linear_svm_problem.h"

#include <math.h>
#include <string.h>

#include "blas.h"
#include "core/dispatch.h"
#include "core/reduce.h"
#include "linear/optim.h"
#include "svm/kernel.h"

/* ---- the column passes of the l1 solver, dispatched per CPU level (core/dispatch.h) ----
 * Branch-free (a mask, not a jump, per sample) so that they vectorise: which b_i are positive
 * changes with every step and a branch on it is mispredicted about half the time. */
void MLC_ISA(mlc_linear_svm_l1_column_grad)(double *gH, const double *x, const double *b, const double *c,
                                             int64_t n) {
    double g = 0.0, H = 0.0;
#pragma omp simd reduction(+ : g, H)
    for (int64_t i = 0; i < n; i++) {
        const double bi = b[i], ci = c[i], t = (bi > 0 ? ci : 0.0) * x[i];
        g += t * bi;
        H += t * x[i];
    }
    gH[0] = g;
    gH[1] = H;
}

double MLC_ISA(mlc_linear_svm_l1_column_step)(double *b, const double *x, const double *c, double a, int64_t n) {
    double loss = 0.0;
#pragma omp simd reduction(+ : loss)
    for (int64_t i = 0; i < n; i++) {
        const double bn = b[i] + a * x[i], bp = bn > 0 ? bn : 0.0;
        b[i] = bn;
        loss += c[i] * bp * bp;
    }
    return loss;
}

#if MLC_ISA_ONCE
static int is_svr(int solver) {
    return solver == MLC_LINEAR_SVM_L2R_L2LOSS_SVR_DUAL || solver == MLC_LINEAR_SVM_L2R_L1LOSS_SVR_DUAL;
}

const char *mlc_linear_svm_check_params(int64_t n, int64_t d, int64_t n_classes, const mlc_linear_svm_params *p) {
    if (n < 1) return "X must have at least one sample";
    if (d < 1) return "X must have at least one feature";
    const int s = p->solver;
    if (s != MLC_LINEAR_SVM_L2R_L2LOSS_DUAL && s != MLC_LINEAR_SVM_L2R_L2LOSS_PRIMAL && s != MLC_LINEAR_SVM_L2R_L1LOSS_DUAL &&
        s != MLC_LINEAR_SVM_L1R_L2LOSS && s != MLC_LINEAR_SVM_MCSVM_CS && !is_svr(s) && s != MLC_LINEAR_SVM_L2R_LR &&
        s != MLC_LINEAR_SVM_L1R_LR && s != MLC_LINEAR_SVM_L2R_LR_DUAL)
        return "unknown solver";
    if (!is_svr(s) && n_classes < 2) return "n_classes must be >= 2";
    if (!(p->C > 0) || !isfinite(p->C)) return "C must be > 0 and finite";
    if (!(p->tol > 0) || !isfinite(p->tol)) return "tol must be > 0 and finite";
    if (p->max_iter < 0) return "max_iter must be >= 0";
    if (!(p->bias >= 0) || !isfinite(p->bias)) return "bias (intercept_scaling) must be >= 0 and finite";
    if (is_svr(s) && (!(p->epsilon >= 0) || !isfinite(p->epsilon))) return "epsilon must be >= 0 and finite";
    if (p->curve_cap < 0) return "curve_cap must be >= 0";
    return NULL;
}

int64_t mlc_linear_svm_curve_len(const mlc_linear_svm_params *p) {
    return p->curve_cap > 0 ? p->curve_cap : p->max_iter + 1;
}

/* Ask for the cache lines of a row and of its sample's scalars ahead of their use: the passes
 * visit samples in random order, so the hardware prefetcher cannot guess the next one. */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 1)
#else
#define PREFETCH(p) ((void)(p))
#endif
#define AHEAD 3 /* samples */

// a macro, not a function: GCC judges a function of prefetches alone free of effects and drops the call
#define PREFETCH_SAMPLE(pr, i)                                                                    \
    do {                                                                                          \
        if ((pr)->X != NULL) { /* dense rows; a CSR row is short */                              \
            const double *x_ = (pr)->X + (i) * (pr)->d;                                           \
            for (int64_t j_ = 0; j_ < (pr)->d; j_ += 8) PREFETCH(x_ + j_);                        \
            PREFETCH(x_ + (pr)->d - 1); /* rows are not line-aligned: the last line too */        \
        }                                                                                         \
        PREFETCH((pr)->alpha + (i));                                                              \
        PREFETCH((pr)->qd + (i));                                                                 \
        PREFETCH((pr)->diag + (i));                                                               \
        PREFETCH((pr)->yv + (i));                                                                 \
        PREFETCH((pr)->cost + (i));                                                               \
    } while (0)


/* ---- L2-regularised hinge / squared-hinge SVC, dual coordinate descent ------------------------
 *   min_alpha  0.5 alpha^T (Q + D) alpha - e^T alpha,   0 <= alpha_i <= U_i,
 *   Q_ij = y_i y_j x~_i.x~_j;  hinge: D_ii = 0, U_i = C_i;  squared hinge: D_ii = 1/(2 C_i), U_i = inf,
 * and w~ = sum_i alpha_i y_i x~_i kept up to date, so each coordinate step costs one dot and one axpy
 * over a row. Each outer iteration visits the active variables in a random order; a variable at a
 * bound whose gradient points out of the box by more than last pass's extreme projected gradient is
 * shrunk (removed until the next full pass). Stop when max PG - min PG <= tol over a full pass.
 * Hsieh, Chang, Lin, Keerthi and Sundararajan, ICML 2008, Algorithm 3 (LIBLINEAR solvers 1 and 3).
 * Writes w (P) and *n_iter. */
static int solve_dual_svc(double *w, int64_t *n_iter, curves *cv, problem *pr, int solver, double tol,
                          int64_t max_iter) {
    const int64_t d = pr->d, P = pr->P;
    const int hinge = solver == MLC_LINEAR_SVM_L2R_L1LOSS_DUAL;
    const double B = pr->bias, B2 = B * B;
    double *alpha = pr->alpha, *qd = pr->qd, *diag = pr->diag;
    int64_t *index = pr->index;
    memset(w, 0, sizeof(double) * P);
    const int64_t l = active_samples(pr);
    for (int64_t s = 0; s < l; s++) {
        const int64_t i = index[s];
        diag[i] = hinge ? 0.0 : 0.5 / pr->cost[i];
        qd[i] = diag[i] + row_sq(pr, i) + (P > d ? B2 : 0.0);
        alpha[i] = 0.0;
    }
    // the dual objective's loss part sum_i alpha_i - diag_i alpha_i^2 / 2, kept up to date
    double conj = 0.0;
    int64_t active = l, iter = 0;
    double pg_max_old = INFINITY, pg_min_old = -INFINITY;
    while (iter < max_iter) {
        double pg_max = -INFINITY, pg_min = INFINITY;
        const int64_t visited = active;
        for (int64_t s = 0; s < active; s++)
            swap_i64(&index[s], &index[s + rand_below(&pr->rng, active - s)]);
        for (int64_t s = 0; s < active; s++) {
            const int64_t i = index[s];
            if (s + AHEAD < active) PREFETCH_SAMPLE(pr, index[s + AHEAD]);
            const double yi = pr->yv[i], ci = pr->cost[i];
            const double mi = yi * (row_dot(pr, i, w) + (P > d ? B * w[d] : 0.0));
            const double G = mi - 1.0 + alpha[i] * diag[i];
            const double U = hinge ? ci : INFINITY;
            double PG = 0.0;
            if (alpha[i] == 0) {
                if (G > pg_max_old) { // at the lower bound and pushed further out: shrink
                    swap_i64(&index[s], &index[--active]);
                    s--;
                    continue;
                }
                if (G < 0) PG = G;
            } else if (alpha[i] == U) {
                if (G < pg_min_old) {
                    swap_i64(&index[s], &index[--active]);
                    s--;
                    continue;
                }
                if (G > 0) PG = G;
            } else {
                PG = G;
            }
            pg_max = MLC_MAX(pg_max, PG);
            pg_min = MLC_MIN(pg_min, PG);
            if (fabs(PG) > 1e-12) {
                const double old = alpha[i];
                alpha[i] = MLC_MIN(MLC_MAX(old - G / qd[i], 0.0), U);
                const double delta = (alpha[i] - old) * yi;
                row_axpy(w, delta, pr, i);
                if (P > d) w[d] += delta * B;
                conj += alpha[i] - old - 0.5 * diag[i] * (alpha[i] * alpha[i] - old * old);
            }
        }
        iter++;
        curve_push(cv, conj, conj - half_sq(w, P));
        if (tick(pr, visited * d, iter, max_iter)) return MLC_EINTERRUPTED;
        if (pg_max - pg_min <= tol) {
            if (active == l) break;
            active = l; // converged on the shrunk set: one more full pass to confirm
            pg_max_old = INFINITY;
            pg_min_old = -INFINITY;
            continue;
        }
        pg_max_old = pg_max <= 0 ? INFINITY : pg_max;
        pg_min_old = pg_min >= 0 ? -INFINITY : pg_min;
    }
    *n_iter = iter;
    conj = 0.0; // the last entry from scratch: exact, whatever the rounding of the updates
    for (int64_t s = 0; s < l; s++) {
        const double a = alpha[index[s]];
        conj += a - 0.5 * diag[index[s]] * a * a;
    }
    if (cv->n > 0 && iter > 0) cv->n--;
    curve_push(cv, conj, conj - half_sq(w, P));
    return MLC_OK;
}

/* ---- L2-regularised squared-hinge SVC, primal ------------------------------------------------
 *   min_w~  f(w~) = 0.5 ||w~||^2 + sum_i C_i max(0, 1 - y_i w~.x~_i)^2
 * f is convex and once continuously differentiable, grad = w~ - 2 sum_{i: m_i < 1} C_i y_i (1 - m_i) x~_i.
 * LIBLINEAR (solver 2) uses a trust-region Newton method; this uses L-BFGS (optim.c) with
 * LIBLINEAR's stopping rule ||grad f|| <= tol' ||grad f(0)||, tol' = tol max(min(#pos, #neg), 1) / l
 * (here with the max-norm, which is not larger). Same optimum; the objective is recorded per iteration. */
typedef struct {
    problem *pr;
    curves *cv;
    int64_t max_iter;
} primal_ctx;

static int primal_fn(void *ctx, const double *w, double *grad, double *loss) {
    const problem *pr = ((primal_ctx *)ctx)->pr;
    const int64_t n = pr->n, d = pr->d, P = pr->P;
    double *z = pr->margin, *r = pr->resid;
    margins(z, pr, w);
    double f = 0.0, rb = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const double e = 1.0 - pr->yv[i] * z[i], c = pr->cost[i];
        if (e > 0 && c > 0) {
            f += c * e * e;
            r[i] = -2.0 * c * pr->yv[i] * e;
            rb += r[i];
        } else {
            r[i] = 0.0;
        }
    }
    f += half_sq(w, P);
    *loss = f;
    if (grad != NULL) {
        memcpy(grad, w, sizeof(double) * P);
        xt_times(grad, pr, r, 1.0);
        if (P > d) grad[d] += pr->bias * rb;
    }
    return isfinite(f) ? MLC_OK : MLC_ENUMERIC;
}

static int primal_record(void *ctx, int64_t iter, const double *w, double objective) {
    primal_ctx *c = ctx;
    curve_push(c->cv, objective - half_sq(w, c->pr->P), objective);
    return tick(c->pr, c->pr->n * c->pr->d, iter, c->max_iter) ? MLC_EINTERRUPTED : MLC_OK;
}

static int solve_primal_svc(double *w, int64_t *n_iter, curves *cv, problem *pr, mlc_optim_lbfgs *lb, double tol,
                            int64_t max_iter) {
    const int64_t P = pr->P;
    primal_ctx ctx = {pr, cv, max_iter};
    memset(w, 0, sizeof(double) * P);
    double f;
    // ||grad f(0)||_2 scales the tolerance, as in TRON
    int st = primal_fn(&ctx, w, lb->g_new, &f);
    if (st != MLC_OK) return st;
    const double g0 = sqrt(dot(lb->g_new, lb->g_new, P));
    curve_push(cv, f, f);
    int converged = 0;
    *n_iter = 0;
    if (max_iter == 0 || g0 == 0) return MLC_OK;
    return mlc_optim_lbfgs_minimize(lb, w, &f, n_iter, &converged, primal_fn, &ctx, NULL, max_iter,
                                    primal_tol(pr, tol) * g0, primal_record, &ctx);
}

/* mlc_linear_svm_l1_column_grad and _step on column j of the CSR problem's shared columns (its
 * entries only; the labels y are folded in here). step returns the change of sum_i C_i max(0, b_i)^2, as LIBLINEAR's sparse loop does. */
static void l1_column_grad_csc(double *gH, const columns *cc, int64_t j, const double *y, const double *b,
                               const double *c) {
    const int32_t *row = cc->row;
    const double *val = cc->val;
    double g = 0.0, H = 0.0;
    for (int64_t q = cc->ptr[j], end = cc->ptr[j + 1]; q < end; q++) {
        const int64_t i = row[q];
        const double bi = b[i], x = y[i] * val[q], t = (bi > 0 ? c[i] : 0.0) * x;
        g += t * bi;
        H += t * x;
    }
    gH[0] = g;
    gH[1] = H;
}

/* b += a y x_j; with the change of the loss (want_change) or without (LIBLINEAR's sure step). */
static double l1_column_step_csc(double *b, const columns *cc, int64_t j, const double *y, const double *c,
                                 double a, int want_change) {
    const int32_t *row = cc->row;
    const double *val = cc->val;
    double change = 0.0;
    if (!want_change) {
        for (int64_t q = cc->ptr[j], end = cc->ptr[j + 1]; q < end; q++) b[row[q]] += a * y[row[q]] * val[q];
        return 0.0;
    }
    for (int64_t q = cc->ptr[j], end = cc->ptr[j + 1]; q < end; q++) {
        const int64_t i = row[q];
        const double bo = b[i], bn = bo + a * y[i] * val[q], po = bo > 0 ? bo : 0.0, pn = bn > 0 ? bn : 0.0;
        b[i] = bn;
        change += c[i] * (pn * pn - po * po);
    }
    return change;
}

/* ---- L1-regularised squared-hinge SVC, primal coordinate descent ------------------------------
 *   min_w~  ||w~||_1 + sum_i C_i max(0, b_i)^2,   b_i = 1 - y_i w~.x~_i  (kept up to date)
 * Each coordinate j takes the Newton step of the one-variable problem (the generalised second
 * derivative H = 2 sum_{b_i > 0} C_i x_ij^2) with soft thresholding, then backtracks (Armijo,
 * sigma = 0.01, at most 20 halvings; the first test uses the upper bound xj_sq d^2 of the loss
 * change and needs no pass over the column). Variables at 0 with |grad| well inside the subgradient
 * box are shrunk. Stop when the l1 norm of the minimum-norm subgradient is <= tol' times its first
 * value, tol' as in the primal solver. Yuan, Chang, Hsieh and Lin, JMLR 2010, and the appendix of
 * Fan et al. 2008 (LIBLINEAR solver 5). Works on the columns: xt (P, N) for dense rows, the shared CSC
 * pr->cols for CSR rows (each pass then touches a column's entries only). Writes w (P), *n_iter. */
static int solve_l1_svc(double *w, int64_t *n_iter, curves *cv, problem *pr, double tol, int64_t max_iter) {
    const int64_t n = pr->n, P = pr->P;
    const double sigma = 0.01;
    const int max_ls = 20;
    double *b = pr->resid, *xj_sq = pr->xj_sq, *c = pr->cost, *y = pr->yv;
    int64_t *index = pr->index;
    const double eps = primal_tol(pr, tol);
    const columns *cc = pr->cols; // CSR rows: the shared columns; dense rows: xt
    memset(w, 0, sizeof(double) * P);
    if (cc == NULL) fold_columns(pr, 1);
    double loss = 0.0; // sum_i C_i max(0, b_i)^2 at the current b
    for (int64_t i = 0; i < n; i++) {
        b[i] = 1.0;
        loss += c[i];
    }
    for (int64_t j = 0; j < P; j++) {
        double s = 0.0;
        if (cc != NULL) {
            for (int64_t q = cc->ptr[j]; q < cc->ptr[j + 1]; q++) s += c[cc->row[q]] * cc->val[q] * cc->val[q];
        } else {
            const double *xj = pr->xt + j * n;
#pragma omp simd reduction(+ : s)
            for (int64_t i = 0; i < n; i++) s += c[i] * xj[i] * xj[i];
        }
        xj_sq[j] = s;
        index[j] = j;
    }
    int64_t active = P, iter = 0;
    double gmax_old = INFINITY, gnorm1_init = -1.0;
    double l = 0;
    for (int64_t i = 0; i < n; i++) l += c[i] > 0;
    while (iter < max_iter) {
        double gmax = 0.0, gnorm1 = 0.0;
        const int64_t visited = active;
        for (int64_t s = 0; s < active; s++)
            swap_i64(&index[s], &index[s + rand_below(&pr->rng, active - s)]);
        for (int64_t s = 0; s < active; s++) {
            const int64_t j = index[s];
            const double *xj = cc == NULL ? pr->xt + j * n : NULL;
            double gH[2]; // xj holds y_i x_ij
            if (cc == NULL) mlc_linear_svm_l1_column_grad(gH, xj, b, c, n);
            else l1_column_grad_csc(gH, cc, j, y, b, c);
            const double G_loss = -2.0 * gH[0], H = MLC_MAX(2.0 * gH[1], 1e-12);
            const double violation = l1_violation(w[j], G_loss, gmax_old / l);
            if (violation < 0) {
                swap_i64(&index[s], &index[--active]);
                s--;
                continue;
            }
            gmax = MLC_MAX(gmax, violation);
            gnorm1 += violation;
            double dir = l1_newton_step(w[j], G_loss, H);
            if (fabs(dir) < 1e-12) continue;
            // the loss change is measured from the loss before this coordinate's step (loss0, or the
            // sum of the partial steps' changes), as in LIBLINEAR
            double delta = fabs(w[j] + dir) - fabs(w[j]) + G_loss * dir, d_old = 0.0, change = 0.0;
            const double loss0 = loss;
            int ls;
            for (ls = 0; ls < max_ls; ls++) {
                const double d_diff = d_old - dir; // b moves by -y x_j (dir - d_old)
                double cond = fabs(w[j] + dir) - fabs(w[j]) - sigma * delta;
                const int sure = xj_sq[j] * dir * dir + G_loss * dir + cond <= 0; // sufficient decrease for sure
                if (cc != NULL) { // the column's entries only; loss is recomputed after the pass
                    change += l1_column_step_csc(b, cc, j, y, c, d_diff, !sure);
                    if (sure || cond + change <= 0) break;
                } else { // the update of b and the new loss in one pass
                    loss = mlc_linear_svm_l1_column_step(b, xj, c, d_diff, n);
                    cond += loss - loss0;
                    if (sure || cond <= 0) break;
                }
                d_old = dir;
                dir *= 0.5;
                delta *= 0.5;
            }
            w[j] += dir;
            if (ls >= max_ls) { // b drifted through many updates: recompute it from w
                margins(b, pr, w);
                loss = 0.0;
                for (int64_t i = 0; i < n; i++) {
                    b[i] = 1.0 - y[i] * b[i];
                    if (b[i] > 0) loss += c[i] * b[i] * b[i];
                }
            }
        }
        if (iter == 0) gnorm1_init = gnorm1;
        iter++;
        if (cc != NULL) {
            loss = 0.0;
            for (int64_t i = 0; i < n; i++) loss += b[i] > 0 ? c[i] * b[i] * b[i] : 0.0;
        }
        double pen = 0.0;
        for (int64_t j = 0; j < P; j++) pen += fabs(w[j]);
        curve_push(cv, loss, loss + pen);
        if (tick(pr, cc == NULL ? visited * n : cc->ptr[P], iter, max_iter)) return MLC_EINTERRUPTED;
        if (gnorm1 <= eps * gnorm1_init) {
            if (active == P) break;
            active = P;
            gmax_old = INFINITY;
            continue;
        }
        gmax_old = gmax;
    }
    if (iter == 0) curve_push(cv, loss, loss);
    *n_iter = iter;
    return MLC_OK;
}

/* ---- L2-regularised epsilon-insensitive SVR, dual coordinate descent ---------------------------
 *   min_beta  0.5 beta^T (Q + diag(lambda)) beta + epsilon sum_i |beta_i| - sum_i y_i beta_i,
 *             -U_i <= beta_i <= U_i,   Q_ij = x~_i.x~_j,
 *   absolute loss: lambda_i = 0, U_i = C_i;  squared loss: lambda_i = 1/(2 C_i), U_i = inf,
 * with w~ = sum_i beta_i x~_i. Each step minimises the one-variable piecewise quadratic exactly (a
 * Newton step on the side of 0 its gradient points to), then clips to the box; shrinking and the
 * stopping rule (l1 norm of the violations <= tol times its first value) are LIBLINEAR's.
 * Ho and Lin, JMLR 2012, Algorithm 4 (LIBLINEAR solvers 12 and 13). Writes w (P), *n_iter. */
static int solve_dual_svr(double *w, int64_t *n_iter, curves *cv, problem *pr, int solver, double tol,
                          int64_t max_iter, double epsilon) {
    const int64_t d = pr->d, P = pr->P;
    const int absolute = solver == MLC_LINEAR_SVM_L2R_L1LOSS_SVR_DUAL;
    const double B = pr->bias, B2 = B * B;
    double *beta = pr->alpha, *qd = pr->qd, *lambda = pr->diag;
    int64_t *index = pr->index;
    memset(w, 0, sizeof(double) * P);
    const int64_t l = active_samples(pr);
    for (int64_t s = 0; s < l; s++) {
        const int64_t i = index[s];
        lambda[i] = absolute ? 0.0 : 0.5 / pr->cost[i];
        qd[i] = row_sq(pr, i) + (P > d ? B2 : 0.0);
        beta[i] = 0.0;
    }
    // the dual objective's loss part sum_i y_i beta_i - epsilon |beta_i| - lambda_i beta_i^2 / 2
    double conj = 0.0;
    int64_t active = l, iter = 0;
    double gmax_old = INFINITY, gnorm1_init = -1.0;
    while (iter < max_iter) {
        double gmax = 0.0, gnorm1 = 0.0;
        const int64_t visited = active;
        for (int64_t s = 0; s < active; s++)
            swap_i64(&index[s], &index[s + rand_below(&pr->rng, active - s)]);
        for (int64_t s = 0; s < active; s++) {
            const int64_t i = index[s];
            if (s + AHEAD < active) PREFETCH_SAMPLE(pr, index[s + AHEAD]);
            const double zi = row_dot(pr, i, w) + (P > d ? B * w[d] : 0.0), yi = pr->yv[i];
            const double G = zi - yi + lambda[i] * beta[i], H = qd[i] + lambda[i];
            const double U = absolute ? pr->cost[i] : INFINITY;
            const double Gp = G + epsilon, Gn = G - epsilon;
            double violation = 0.0;
            int shrink = 0;
            if (beta[i] == 0) {
                if (Gp < 0) violation = -Gp;
                else if (Gn > 0) violation = Gn;
                else shrink = Gp > gmax_old && Gn < -gmax_old;
            } else if (beta[i] >= U) {
                if (Gp > 0) violation = Gp;
                else shrink = Gp < -gmax_old;
            } else if (beta[i] <= -U) {
                if (Gn < 0) violation = -Gn;
                else shrink = Gn > gmax_old;
            } else {
                violation = beta[i] > 0 ? fabs(Gp) : fabs(Gn);
            }
            if (shrink) {
                swap_i64(&index[s], &index[--active]);
                s--;
                continue;
            }
            gmax = MLC_MAX(gmax, violation);
            gnorm1 += violation;
            const double dir = Gp < H * beta[i] ? -Gp / H : Gn > H * beta[i] ? -Gn / H : -beta[i];
            if (fabs(dir) < 1e-12) continue;
            const double old = beta[i];
            beta[i] = MLC_MIN(MLC_MAX(old + dir, -U), U);
            const double step = beta[i] - old;
            if (step != 0) {
                row_axpy(w, step, pr, i);
                if (P > d) w[d] += step * B;
                conj += yi * step - epsilon * (fabs(beta[i]) - fabs(old)) -
                        0.5 * lambda[i] * (beta[i] * beta[i] - old * old);
            }
        }
        if (iter == 0) gnorm1_init = gnorm1;
        iter++;
        curve_push(cv, conj, conj - half_sq(w, P));
        if (tick(pr, visited * d, iter, max_iter)) return MLC_EINTERRUPTED;
        if (gnorm1 <= tol * gnorm1_init) {
            if (active == l) break;
            active = l;
            gmax_old = INFINITY;
            continue;
        }
        gmax_old = gmax;
    }
    *n_iter = iter;
    conj = 0.0;
    for (int64_t s = 0; s < l; s++) {
        const int64_t i = index[s];
        conj += pr->yv[i] * beta[i] - epsilon * fabs(beta[i]) - 0.5 * lambda[i] * beta[i] * beta[i];
    }
    if (cv->n > 0 && iter > 0) cv->n--;
    curve_push(cv, conj, conj - half_sq(w, P));
    return MLC_OK;
}

/* ---- Crammer-Singer multi-class SVM, dual coordinate descent by sample ---------------------------
 *   min_alpha  0.5 sum_c ||w~_c||^2 - sum_i alpha_i,y_i,   w~_c = sum_i alpha_ic x~_i,
 *              alpha_ic <= C_i [c = y_i],  sum_c alpha_ic = 0,
 * the dual of 0.5 sum_c ||w~_c||^2 + sum_i C_i max(0, max_{c != y_i} 1 + (w~_c - w~_{y_i}).x~_i).
 * Each step solves the sub-problem of one sample's C variables exactly: with A = ||x~_i||^2 and
 * B_c = G_c - A alpha_ic (G the gradient), alpha_ic = min(bound_c, (beta - B_c) / A), beta found
 * by sorting (Crammer and Singer 2001; Keerthi et al. KDD 2008; the appendix of Fan et al. 2008,
 * LIBLINEAR solver 4). Stop when max_c G_c - min of the G_c that can still decrease is < tol over
 * a pass. LIBLINEAR also shrinks classes and samples; this visits every sample every pass.
 * W (C, P) out; *n_iter out; the curve holds the dual objective (maximised) sum_i alpha_i,y_i -
 * 0.5 ||W~||^2 with loss part sum_i alpha_i,y_i. */
static int solve_crammer_singer(double *W, int64_t *n_iter, curves *cv, problem *pr, double tol, int64_t max_iter) {
    const int64_t n = pr->n, d = pr->d, P = pr->P, K = pr->n_classes;
    const double B2 = P > d ? pr->bias * pr->bias : 0.0;
    double *alpha = pr->cs, *G = alpha + n * K, *Bv = G + K, *D = Bv + K, *anew = D + K;
    int64_t *index = pr->index;
    memset(W, 0, sizeof(double) * K * P);
    memset(alpha, 0, sizeof(double) * n * K);
    const int64_t l = active_samples(pr);
    for (int64_t s = 0; s < l; s++) pr->qd[index[s]] = row_sq(pr, index[s]) + B2;
    double conj = 0.0;
    int64_t iter = 0;
    while (iter < max_iter) {
        double stopping = -INFINITY;
        for (int64_t s = 0; s < l; s++) swap_i64(&index[s], &index[s + rand_below(&pr->rng, l - s)]);
        for (int64_t s = 0; s < l; s++) {
            const int64_t i = index[s];
            const double A = pr->qd[i], Ci = pr->cost[i];
            const int32_t yi = pr->label[i];
            double *ai = alpha + i * K;
            if (!(A > 0)) continue;
            double minG = INFINITY, maxG = -INFINITY;
            for (int64_t c = 0; c < K; c++) {
                const double *wc = W + c * P;
                G[c] = (c == yi ? 0.0 : 1.0) + row_dot(pr, i, wc) + (P > d ? pr->bias * wc[d] : 0.0);
                const double bound = c == yi ? Ci : 0.0;
                if (ai[c] < bound) minG = MLC_MIN(minG, G[c]);
                maxG = MLC_MAX(maxG, G[c]);
            }
            if (maxG - minG <= 1e-12) continue;
            stopping = MLC_MAX(stopping, maxG - minG);
            // the sub-problem: sort D = B (+ A C_i at y_i) descending, grow beta over its top
            for (int64_t c = 0; c < K; c++) Bv[c] = G[c] - A * ai[c];
            for (int64_t c = 0; c < K; c++) {
                const double v = Bv[c] + (c == yi ? A * Ci : 0.0);
                int64_t r = c;
                for (; r > 0 && D[r - 1] < v; r--) D[r] = D[r - 1];
                D[r] = v;
            }
            double beta = D[0] - A * Ci;
            int64_t r = 1;
            for (; r < K && beta < (double)r * D[r]; r++) beta += D[r];
            beta /= (double)r;
            for (int64_t c = 0; c < K; c++) anew[c] = MLC_MIN(c == yi ? Ci : 0.0, (beta - Bv[c]) / A);
            for (int64_t c = 0; c < K; c++) {
                const double delta = anew[c] - ai[c];
                if (fabs(delta) < 1e-12) continue;
                if (c == yi) conj += delta;
                ai[c] = anew[c];
                double *wc = W + c * P;
                row_axpy(wc, delta, pr, i);
                if (P > d) wc[d] += delta * pr->bias;
            }
        }
        iter++;
        curve_push(cv, conj, conj - half_sq(W, K * P));
        if (tick(pr, l * K * d, iter, max_iter)) return MLC_EINTERRUPTED;
        if (stopping < tol) break;
    }
    *n_iter = iter;
    conj = 0.0;
    for (int64_t s = 0; s < l; s++) conj += alpha[index[s] * K + pr->label[index[s]]];
    if (cv->n > 0 && iter > 0) cv->n--;
    curve_push(cv, conj, conj - half_sq(W, K * P));
    return MLC_OK;
}

/* ---- drivers ---------------------------------------------------------------------------------- */

/* X, or all three CSR arrays. */
static int rows_valid(const mlc_linear_svm_rows *rows) {
    return rows->X != NULL || (rows->data != NULL && rows->indices != NULL && rows->indptr != NULL);
}

/* The l1 solvers' shared columns of CSR rows (linear_svm_problem.h): X by feature (svm/kernel.c's
 * mlc_svm_rows_by_feature), then the intercept column. One allocation, cc->ptr; MLC_OK or MLC_ENOMEM. */
static int columns_init(columns *cc, const mlc_linear_svm_rows *rows, int64_t n, int64_t d, double bias) {
    const int64_t nnz = rows->indptr[n], P = d + (bias > 0 ? 1 : 0), m = nnz + (P > d ? n : 0);
    cc->ptr = mlc_malloc(sizeof(int64_t) * (size_t)(P + 1) + (sizeof(double) + sizeof(int32_t)) * (size_t)m);
    if (cc->ptr == NULL) return MLC_ENOMEM;
    cc->val = (double *)(void *)(cc->ptr + P + 1);
    cc->row = (int32_t *)(void *)(cc->val + m);
    const mlc_svm_rows R = {NULL, rows->data, rows->indices, rows->indptr};
    mlc_svm_rows_by_feature(cc->ptr, cc->row, cc->val, &R, 0, n, 0, 0, d);
    if (P > d) {
        for (int64_t i = 0; i < n; i++) {
            cc->row[nnz + i] = (int32_t)i;
            cc->val[nnz + i] = bias;
        }
        cc->ptr[P] = m;
    }
    return MLC_OK;
}

/* Carves one allocation into the problem's arrays (the l1 solver's transposed copy of dense X only
 * when it is used; cols: CSR rows' shared columns or NULL). Returns MLC_OK or MLC_ENOMEM; free with
 * mlc_free(*block). */
static int problem_init(problem *pr, void **block, const mlc_linear_svm_rows *rows, const columns *cols, int64_t n,
                        int64_t d, int64_t n_classes, const mlc_linear_svm_params *p, const mlc_progress *progress) {
    memset(pr, 0, sizeof *pr);
    pr->X = rows->X;
    pr->data = rows->data;
    pr->indices = rows->indices;
    pr->indptr = rows->indptr;
    pr->n = n;
    pr->d = d;
    pr->bias = p->bias;
    pr->P = d + (p->bias > 0 ? 1 : 0);
    pr->progress = progress;
    pr->cols = cols;
    mlc_rng_seed(&pr->rng, p->seed);
    const int l1 = p->solver == MLC_LINEAR_SVM_L1R_L2LOSS || p->solver == MLC_LINEAR_SVM_L1R_LR;
    const int lr = p->solver == MLC_LINEAR_SVM_L2R_LR || p->solver == MLC_LINEAR_SVM_L1R_LR;
    const int64_t P = pr->P, ni = MLC_MAX(n, P), k = p->solver == MLC_LINEAR_SVM_MCSVM_CS ? n_classes : 0;
    const size_t doubles =
        (size_t)(7 * n) + (l1 ? (size_t)((cols == NULL ? P * n : 0) + P) : 0) + (size_t)(k * (n + 4)) +
        (lr ? (size_t)(8 * P) : 0);
    double *blk = mlc_malloc(sizeof(double) * doubles + sizeof(int64_t) * (size_t)ni);
    *block = blk;
    if (blk == NULL) return MLC_ENOMEM;
    double *q = blk;
    double **arrays[] = {&pr->yv, &pr->cost, &pr->alpha, &pr->qd, &pr->diag, &pr->margin, &pr->resid};
    for (size_t a = 0; a < sizeof arrays / sizeof *arrays; a++, q += n) *arrays[a] = q;
    if (k > 0) {
        pr->cs = q;
        pr->n_classes = k;
        q += k * (n + 4);
    }
    if (l1 && cols == NULL) {
        pr->xt = q;
        q += P * n;
    }
    if (l1) {
        pr->xj_sq = q;
        q += P;
    }
    if (lr) {
        pr->vec = q;
        q += 8 * P;
    }
    pr->index = (int64_t *)q;
    return MLC_OK;
}

static int solve(double *w, int64_t *n_iter, curves *cv, problem *pr, mlc_optim_lbfgs *lb,
                 const mlc_linear_svm_params *p) {
    switch (p->solver) {
    case MLC_LINEAR_SVM_L2R_L2LOSS_DUAL:
    case MLC_LINEAR_SVM_L2R_L1LOSS_DUAL: return solve_dual_svc(w, n_iter, cv, pr, p->solver, p->tol, p->max_iter);
    case MLC_LINEAR_SVM_L2R_L2LOSS_PRIMAL: return solve_primal_svc(w, n_iter, cv, pr, lb, p->tol, p->max_iter);
    case MLC_LINEAR_SVM_L1R_L2LOSS: return solve_l1_svc(w, n_iter, cv, pr, p->tol, p->max_iter);
    case MLC_LINEAR_SVM_L2R_LR: return mlc_linear_svm_solve_l2r_lr(w, n_iter, cv, pr, p->tol, p->max_iter);
    case MLC_LINEAR_SVM_L2R_LR_DUAL: return mlc_linear_svm_solve_l2r_lr_dual(w, n_iter, cv, pr, p->tol, p->max_iter);
    case MLC_LINEAR_SVM_L1R_LR: return mlc_linear_svm_solve_l1r_lr(w, n_iter, cv, pr, p->tol, p->max_iter);
    default: return solve_dual_svr(w, n_iter, cv, pr, p->solver, p->tol, p->max_iter, p->epsilon);
    }
}

int mlc_linear_svm_fit_svc(double *coef, int64_t *n_iter, double *loss_curve, double *objective_curve, int64_t *n_curve,
                           const mlc_linear_svm_rows *rows, const int32_t *y, const double *sw, const double *cw, int64_t n, int64_t d,
                           int64_t n_classes, const mlc_linear_svm_params *p, int n_threads,
                           const mlc_progress *progress) {
    if (mlc_linear_svm_check_params(n, d, n_classes, p) || is_svr(p->solver) || !rows_valid(rows)) return MLC_EINVAL;
    const int64_t K = n_classes == 2 ? 1 : n_classes, cap = mlc_linear_svm_curve_len(p);
    if (p->solver == MLC_LINEAR_SVM_MCSVM_CS) {
        problem pr;
        void *block = NULL;
        int st = problem_init(&pr, &block, rows, NULL, n, d, n_classes, p, progress);
        if (st == MLC_OK) {
            for (int64_t i = 0; i < n; i++) pr.cost[i] = p->C * (cw ? cw[y[i]] : 1.0) * (sw ? sw[i] : 1.0);
            pr.label = y;
            curves cv = {loss_curve, objective_curve, 0, cap};
            st = solve_crammer_singer(coef, n_iter, &cv, &pr, p->tol, p->max_iter);
            n_curve[0] = cv.n;
        }
        mlc_free(block);
        return st;
    }
    // The one-vs-rest problems are independent: one per thread, each with its own scratch and its own
    // random stream (seed, k), so the result does not depend on the number of threads.
    const int64_t P = d + (p->bias > 0 ? 1 : 0);
    const int team = (int)MLC_MIN((int64_t)mlc_team_size(K * n * P * 8, n_threads), K);
    columns cols = {NULL, NULL, NULL};
    if (rows->X == NULL && (p->solver == MLC_LINEAR_SVM_L1R_L2LOSS || p->solver == MLC_LINEAR_SVM_L1R_LR) &&
        columns_init(&cols, rows, n, d, p->bias) != MLC_OK)
        return MLC_ENOMEM;
    mlc_par par = mlc_par_init(NULL);
    if (team > 1) mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        problem pr;
        void *block = NULL;
        mlc_optim_lbfgs lb;
        memset(&lb, 0, sizeof lb);
        // the progress hook (and so Ctrl-C) is thread 0's; the others stop at their next problem
        int st = problem_init(&pr, &block, rows, cols.ptr != NULL ? &cols : NULL, n, d, n_classes, p,
                              omp_get_thread_num() == 0 ? progress : NULL);
        pr.par = &par;
        if (st == MLC_OK && p->solver == MLC_LINEAR_SVM_L2R_L2LOSS_PRIMAL) st = mlc_optim_lbfgs_init(&lb, pr.P, 10);
        if (st != MLC_OK) mlc_par_fail(&par, st);
#pragma omp for schedule(dynamic, 1)
        for (int64_t k = 0; k < K; k++) {
            if (mlc_par_halted(&par)) continue;
            // LIBLINEAR's costs: binary C cw[1] / C cw[0]; one-vs-rest C cw[k] / C
            const int32_t pos = K == 1 ? 1 : (int32_t)k;
            const double cpos = p->C * (cw ? cw[pos] : 1.0), cneg = p->C * (K == 1 && cw ? cw[0] : 1.0);
            for (int64_t i = 0; i < n; i++) {
                const int is_pos = y[i] == pos;
                pr.yv[i] = is_pos ? 1.0 : -1.0;
                pr.cost[i] = (is_pos ? cpos : cneg) * (sw ? sw[i] : 1.0);
            }
            mlc_rng_seed_stream(&pr.rng, p->seed, (uint64_t)k);
            curves cv = {loss_curve + k * cap, objective_curve + k * cap, 0, cap};
            st = solve(coef + k * P, &n_iter[k], &cv, &pr, &lb, p);
            n_curve[k] = cv.n;
            if (st != MLC_OK) mlc_par_fail(&par, st);
        }
        mlc_optim_lbfgs_free(&lb);
        mlc_free(block);
    }
    if (team > 1) mlc_blas_single_end();
    mlc_free(cols.ptr);
    return mlc_par_status(&par);
}

int mlc_linear_svm_fit_svr(double *coef, int64_t *n_iter, double *loss_curve, double *objective_curve, int64_t *n_curve,
                           const mlc_linear_svm_rows *rows, const double *y, const double *sw, int64_t n, int64_t d,
                           const mlc_linear_svm_params *p, const mlc_progress *progress) {
    if (mlc_linear_svm_check_params(n, d, 2, p) || !is_svr(p->solver) || !rows_valid(rows)) return MLC_EINVAL;
    problem pr;
    void *block = NULL;
    int st = problem_init(&pr, &block, rows, NULL, n, d, 0, p, progress);
    if (st == MLC_OK) {
        for (int64_t i = 0; i < n; i++) {
            pr.yv[i] = y[i];
            pr.cost[i] = p->C * (sw ? sw[i] : 1.0);
        }
        curves cv = {loss_curve, objective_curve, 0, mlc_linear_svm_curve_len(p)};
        st = solve(coef, n_iter, &cv, &pr, NULL, p);
        *n_curve = cv.n;
    }
    mlc_free(block);
    return st;
}
#endif
