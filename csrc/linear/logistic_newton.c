/* logistic_newton.c: the Newton solvers of logistic regression, scikit-learn's 'newton-cg' and
 * 'newton-cholesky' (1.9), on logistic.c's objective and passes (logistic.h).
 *
 * Both minimise, over W (K, D) and b (K),
 *   F(W, b) = (1 / S) sum_i s_i loss_i + l2/2 ||W||^2,   S = sum_i s_i,  l2 = 1 / (C S) (0: no penalty),
 * scikit-learn's LinearModelLoss with l2_reg_strength = 1 / (C S), and write w, n_iter, converged.
 * With w_i = s_i / S and p_i the predicted probabilities, the Hessian of the data term is
 *   binary:      sum_i w_i p_i (1 - p_i) x~_i x~_i^T                   x~_i = (x_i, 1) with an intercept
 *   multinomial: sum_i w_i (diag(p_i) - p_i p_i^T) (x) x~_i x~_i^T    (K D~) x (K D~), D~ = D (+ 1)
 *
 * newton-cg (sklearn.utils.optimize._newton_cg; truncated Newton, Nocedal & Wright alg. 7.1): each
 *   iteration solves H d = -g by conjugate gradients on Hessian-vector products, at most 200 + 1
 *   steps, until sum |r| <= min(1/2, sqrt(sum |g|)) sum |g|, stopping early at curvature
 *   <= 16 eps |p|^2 (Royer et al. 2018's capped CG; negative curvature at the first step: the
 *   steepest-descent step). Then the MINPACK More-Thuente search of scipy's line_search_wolfe1
 *   (ftol 1e-4, gtol 0.9, xtol 1e-14, steps <= 50, first trial min(1, 2.02 (F - F_prev) / g.d)); when
 *   it fails, the full step is taken if F moved by <= 16 eps |F| and sum |g| decreased, else the
 *   solver stops ("line search failed": not converged). Converged when max |g| <= tol at the top of
 *   an iteration; n_iter counts the steps.
 * newton-cholesky (scikit-learn's NewtonCholeskySolver): H d = -g by the Cholesky factors of the
 *   Hessian (built as a Gram of weighted rows, core/linalg_syrk.c), then backtracking (t = 1, 1/2, ..,
 *   2^-20) until F(w + t d) - F(w) <= 2^-11 t g.d or, when F moved by <= 16 eps |F|, sum |g| decreased.
 *   Converged when max |g| <= tol and d^T H d / 2 <= tol after a step. Multinomial: the softmax
 *   does not change when a constant is added to one feature's (or the intercept's) coefficients over
 *   all classes, so without a penalty the last class's coefficients are held at 0 (with one, its
 *   intercept only), the system drops them, and the result is centred over the classes at the end
 *   (scikit-learn's symmetric parametrisation). When the Hessian is not positive definite or its
 *   reciprocal condition number is below eps (where scikit-learn's solve raises or warns), the step is
 *   not a descent direction, or the search fails, the remaining iterations are L-BFGS's (optim.c),
 *   as in scikit-learn; the log callback says why.
 *
 * The passes over rows (gradients: logistic.c; Hessian-vector products and the Hessian: here) run in
 * blocks of BLOCK rows cut into at most MAX_CHUNKS chunks that depend on N only, each chunk with its
 * own partial sums merged in order: the result is the same bits at any thread count.
 */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "blas.h"
#include "core/linalg.h"
#include "core/reduce.h"
#include "linear/logistic.h"

#define BLOCK 256
#define MAX_CHUNKS 8
#define HESS_ACC_BYTES ((int64_t)64 << 20) /* the Hessian partials of all chunks together, at most */
#define CG_MAX_ITER 200                    /* scikit-learn's maxinner */
#define EPS16 (16 * DBL_EPSILON)

typedef struct {
    mlc_logistic_problem *pr;
    int64_t P, d1, nh; /* parameters; D + intercept; the Hessian's order K d1 (classes major) */
    double *curv;      /* (N, K) binary: w_i p_i (1 - p_i); multinomial: p_ic, at the current point */
    double *chunks;    /* MAX_CHUNKS * (BLOCK K + P): the Hessian-vector products' partials */
} newton;

static double dot(const double *a, const double *b, int64_t n) {
    double s = 0.0;
    for (int64_t j = 0; j < n; j++) s += a[j] * b[j];
    return s;
}

static double sum_abs(const double *a, int64_t n) {
    double s = 0.0;
    for (int64_t j = 0; j < n; j++) s += fabs(a[j]);
    return s;
}

static double max_abs(const double *a, int64_t n) {
    double m = 0.0;
    for (int64_t j = 0; j < n; j++) m = fmax(m, fabs(a[j]));
    return m;
}

static double row_weight(const mlc_logistic_problem *pr, int64_t i) {
    return pr->data_scale * (pr->sw != NULL ? pr->sw[i] : 1.0);
}

/* The parameter (in w's layout: W then b) of entry a = c d1 + j of the Hessian's order. */
static int64_t param_of(const newton *nw, int64_t a) {
    const int64_t d = nw->pr->d, c = a / nw->d1, j = a % nw->d1;
    return j < d ? c * d + j : nw->pr->k * d + c;
}

/* The curvature at the point of the last pass, from its residuals r = w_i (p - onehot): a badly
 * misclassified row (|logit| > ~37) loses its probability's digits there, and weighs ~0 anyway. */
static void curvature_from_residuals(newton *nw) {
    const mlc_logistic_problem *pr = nw->pr;
    const int64_t k = pr->k;
    for (int64_t i = 0; i < pr->n; i++) {
        const double wi = row_weight(pr, i), *r = pr->resid + i * k;
        double *h = nw->curv + i * k;
        if (!(wi > 0)) {
            for (int64_t c = 0; c < k; c++) h[c] = 0.0;
        } else if (k == 1) { // p (1 - p) w from |r| = w min(p, 1 - p)
            h[0] = fmax(0.0, fabs(r[0]) * (1.0 - fabs(r[0]) / wi));
        } else {
            for (int64_t c = 0; c < k; c++) h[c] = r[c] / wi + (c == pr->y[i] ? 1.0 : 0.0);
        }
    }
}

/* out (P) = H v: one chunked pass over X. Binary: X~^T (h .* X~ v); multinomial, per row,
 * t = V x~_i, t_c <- w_i p_c (t_c - p.t), out += t (x) x~_i. */
static void hess_vec(double *out, const double *v, newton *nw) {
    const mlc_logistic_problem *pr = nw->pr;
    const int64_t n = pr->n, d = pr->d, k = pr->k, P = nw->P, part = BLOCK * k + P;
    const int fi = pr->fit_intercept;
    const mlc_chunks ch = mlc_chunks_even((n + BLOCK - 1) / BLOCK, 1, MAX_CHUNKS);
    const int64_t width = pr->X != NULL ? d : pr->indptr[n] / n + 1; /* entries per row */
    const int team = (int)MLC_MIN(mlc_team_size(n * width * k * 4, pr->n_threads), ch.count);
    mlc_blas_single_begin();
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < ch.count; c++) {
        double *t = nw->chunks + c * part, *acc = t + BLOCK * k;
        memset(acc, 0, sizeof(double) * P);
        for (int64_t blk = mlc_chunk_begin(ch, c); blk < mlc_chunk_end(ch, c); blk++) {
            const int64_t r0 = blk * BLOCK, b = MLC_MIN(n, r0 + BLOCK) - r0;
            const double *Xb = pr->X != NULL ? pr->X + r0 * d : NULL, *h = nw->curv + r0 * k;
            // t (b, K) = Xb V^T
            if (d == 0) memset(t, 0, sizeof(double) * b * k);
            else if (Xb == NULL)
                for (int64_t i = 0; i < b; i++)
                    for (int64_t q = 0; q < k; q++) {
                        double s = 0.0;
                        for (int64_t e = pr->indptr[r0 + i]; e < pr->indptr[r0 + i + 1]; e++)
                            s += pr->data[e] * v[q * d + pr->indices[e]];
                        t[i * k + q] = s;
                    }
            else
                mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)b, (mlc_blasint)k,
                                (mlc_blasint)d, 1.0, Xb, (mlc_blasint)d, v, (mlc_blasint)d, 0.0, t, (mlc_blasint)k);
            for (int64_t i = 0; i < b; i++) {
                double *ti = t + i * k;
                const double *hi = h + i * k;
                if (fi)
                    for (int64_t q = 0; q < k; q++) ti[q] += v[k * d + q];
                if (k == 1) {
                    ti[0] *= hi[0];
                    continue;
                }
                const double wi = row_weight(pr, r0 + i);
                double m = 0.0;
                for (int64_t q = 0; q < k; q++) m += hi[q] * ti[q];
                for (int64_t q = 0; q < k; q++) ti[q] = wi * hi[q] * (ti[q] - m);
            }
            // acc_W (K, D) += t^T Xb, acc_b += column sums of t
            if (d > 0 && Xb == NULL)
                for (int64_t i = 0; i < b; i++)
                    for (int64_t q = 0; q < k; q++)
                        for (int64_t e = pr->indptr[r0 + i]; e < pr->indptr[r0 + i + 1]; e++)
                            acc[q * d + pr->indices[e]] += t[i * k + q] * pr->data[e];
            else if (d > 0)
                mlc_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (mlc_blasint)k, (mlc_blasint)d,
                                (mlc_blasint)b, 1.0, t, (mlc_blasint)k, Xb, (mlc_blasint)d, 1.0, acc, (mlc_blasint)d);
            if (fi)
                for (int64_t i = 0; i < b; i++)
                    for (int64_t q = 0; q < k; q++) acc[k * d + q] += t[i * k + q];
        }
    }
    mlc_blas_single_end();
    mlc_chunks_merge(out, nw->chunks + BLOCK * k, ch.count, P, part);
    for (int64_t j = 0; j < k * d; j++) out[j] += pr->l2 * v[j];
}

/* ---- newton-cg ---- */

/* sklearn.utils.optimize._cg: x (P) out ~ -H^-1 g; r, p, Ap (P) scratch. */
static void conjugate_gradient(double *x, const double *g, double tol, newton *nw, double *r, double *p,
                               double *Ap) {
    const int64_t P = nw->P;
    memset(x, 0, sizeof(double) * P);
    memcpy(r, g, sizeof(double) * P);
    for (int64_t j = 0; j < P; j++) p[j] = -r[j];
    double rr = dot(r, r, P), pp = rr;
    for (int64_t i = 0; i <= CG_MAX_ITER; i++) {
        if (sum_abs(r, P) <= tol) break;
        hess_vec(Ap, p, nw);
        const double curv = dot(p, Ap, P);
        if (curv >= 0 && curv <= EPS16 * pp) break;
        if (curv < 0) { // negative curvature: stop, or at the first step take the steepest descent
            if (i == 0)
                for (int64_t j = 0; j < P; j++) x[j] += rr / curv * p[j];
            break;
        }
        const double alpha = rr / curv;
        for (int64_t j = 0; j < P; j++) {
            x[j] += alpha * p[j];
            r[j] += alpha * Ap[j];
        }
        const double rr1 = dot(r, r, P), beta = rr1 / rr;
        for (int64_t j = 0; j < P; j++) p[j] = -r[j] + beta * p[j];
        pp = rr1 + beta * beta * pp; // |p|^2 without a pass: p_i = -r_i + beta p_{i-1}, r_i . p_{i-1} = 0
        rr = rr1;
    }
}

/* The full step's fallback of scikit-learn's _line_search_wolfe12, at wn = w + d: accepted when F
 * moved by rounding only and sum |g| decreased. MLC_OK: *ok set; another status: an error. */
static int tiny_step(int *ok, double *wn, double *fn, double *gn, mlc_logistic_problem *pr, const double *w,
                     double f, const double *g, const double *d, int64_t P) {
    for (int64_t j = 0; j < P; j++) wn[j] = w[j] + d[j];
    int st = mlc_logistic_problem_fn(pr, wn, gn, fn);
    *ok = 0;
    if (st == MLC_ENUMERIC) return MLC_OK;
    if (st != MLC_OK) return st;
    *ok = fabs(*fn - f) <= fabs(f) * EPS16 && sum_abs(gn, P) < sum_abs(g, P);
    return MLC_OK;
}

static int newton_cg(double *w, double *f_out, int64_t *n_iter, int *converged, newton *nw, const mlc_logistic_params *p,
                     double *work, mlc_optim_iter_fn on_iter, void *iter_ctx) {
    mlc_logistic_problem *pr = nw->pr;
    const int64_t P = nw->P;
    double *g = work, *d = g + P, *wn = d + P, *gn = wn + P, *r = gn + P, *q = r + P, *Aq = q + P;
    double f, f_prev = 0.0;
    int64_t it = 0;
    int st = mlc_logistic_problem_fn(pr, w, g, &f);
    if (st == MLC_OK && on_iter != NULL) st = on_iter(iter_ctx, 0, w, f);
    while (st == MLC_OK && it < p->max_iter) {
        if (max_abs(g, P) <= p->tol) {
            *converged = 1;
            break;
        }
        curvature_from_residuals(nw);
        const double gsum = sum_abs(g, P);
        conjugate_gradient(d, g, fmin(0.5, sqrt(gsum)) * gsum, nw, r, q, Aq);
        const double gd = dot(g, d, P);
        double step = 1.0, fn = f;
        if (it > 0 && gd != 0) { // scipy's first trial: where a quadratic would take the last decrease
            step = fmin(1.0, 1.01 * 2 * (f - f_prev) / gd);
            if (step < 0) step = 1.0;
        }
        st = mlc_optim_line_search_more_thuente(&step, wn, &fn, gn, NULL, mlc_logistic_problem_fn, pr, w, f, g, d, P,
                                                1e-4, 0.9, 1e-14, 50.0, 100);
        if (st == MLC_EINVAL || st == MLC_ENOTCONVERGED) {
            int ok;
            if ((st = tiny_step(&ok, wn, &fn, gn, pr, w, f, g, d, P)) != MLC_OK) break;
            if (!ok) {
                mlc_log("newton-cg: the line search failed at iteration %lld\n", (long long)it);
                break;
            }
        } else if (st != MLC_OK) {
            break;
        }
        f_prev = f;
        f = fn;
        memcpy(w, wn, sizeof(double) * P);
        memcpy(g, gn, sizeof(double) * P);
        it++;
        if (on_iter != NULL) st = on_iter(iter_ctx, it, w, f);
    }
    *f_out = f;
    *n_iter = it;
    return st;
}

/* ---- newton-cholesky ---- */

/* o (D) out = s x_i, a dense or CSR row. */
static void scaled_row(double *o, const mlc_logistic_problem *pr, int64_t i, double s) {
    const int64_t d = pr->d;
    if (pr->X != NULL) {
        const double *x = pr->X + i * d;
        for (int64_t j = 0; j < d; j++) o[j] = s * x[j];
        return;
    }
    memset(o, 0, sizeof(double) * d);
    for (int64_t e = pr->indptr[i]; e < pr->indptr[i + 1]; e++) o[pr->indices[e]] = s * pr->data[e];
}

/* H (nh, nh) out, its lower triangle (column-major; the upper is garbage): the Hessian of F in the
 * classes-major order. Binary: the Gram of the rows sqrt(h_i) x~_i. Multinomial: the Gram of the
 * rows sqrt(w_i) p_i (x) x~_i minus, per class c, that of the rows sqrt(w_i p_ic) x~_i (both signs
 * are sums of squares: BLAS syrk), negated. part (count, stride) scratch. */
static void build_hessian(double *H, newton *nw, mlc_chunks ch, double *part, int64_t stride) {
    const mlc_logistic_problem *pr = nw->pr;
    const int64_t n = pr->n, d = pr->d, k = pr->k, d1 = nw->d1, nh = nw->nh;
    const int team = (int)MLC_MIN(mlc_team_size(n * nh * nh, pr->n_threads), ch.count);
    mlc_blas_single_begin();
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < ch.count; c++) {
        double *Hc = part + c * stride, *buf = Hc + nh * nh, *cls = buf + BLOCK * nh + 8;
        memset(Hc, 0, sizeof(double) * nh * nh);
        for (int64_t blk = mlc_chunk_begin(ch, c); blk < mlc_chunk_end(ch, c); blk++) {
            const int64_t r0 = blk * BLOCK, b = MLC_MIN(n, r0 + BLOCK) - r0;
            for (int64_t i = 0; i < b; i++) {
                const double *h = nw->curv + (r0 + i) * k;
                const double s = k == 1 ? sqrt(h[0]) : sqrt(row_weight(pr, r0 + i));
                for (int64_t q = 0; q < k; q++) {
                    double *o = buf + i * nh + q * d1;
                    const double sq = k == 1 ? s : s * h[q];
                    scaled_row(o, pr, r0 + i, sq);
                    if (d1 > d) o[d] = sq;
                }
            }
            mlc_linalg_syrk_f64(Hc, buf, nh, b, NULL, 0);
            for (int64_t q = 0; q < k && k > 1; q++) {
                for (int64_t i = 0; i < b; i++) {
                    const double s = sqrt(row_weight(pr, r0 + i) * nw->curv[(r0 + i) * k + q]);
                    scaled_row(cls + i * d1, pr, r0 + i, s);
                    if (d1 > d) cls[i * d1 + d] = s;
                }
                mlc_cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (mlc_blasint)d1, (mlc_blasint)b, -1.0, cls,
                                (mlc_blasint)d1, 1.0, Hc + q * d1 * nh + q * d1, (mlc_blasint)nh);
            }
        }
    }
    mlc_blas_single_end();
    const double sign = k == 1 ? 1.0 : -1.0;
    for (int64_t j = 0; j < nh; j++)
        for (int64_t i = j; i < nh; i++) {
            double s = 0.0;
            for (int64_t c = 0; c < ch.count; c++) s += part[c * stride + j * nh + i];
            H[j * nh + i] = sign * s + (i == j && i % d1 < d ? pr->l2 : 0.0);
        }
}

/* The 1-norm of the symmetric A (m, m) from its lower triangle (column-major, ld lda). */
static double sym_norm1(const double *A, int64_t m, int64_t lda) {
    double best = 0.0;
    for (int64_t j = 0; j < m; j++) {
        double s = 0.0;
        for (int64_t i = 0; i < j; i++) s += fabs(A[i * lda + j]);
        for (int64_t i = j; i < m; i++) s += fabs(A[j * lda + i]);
        best = fmax(best, s);
    }
    return best;
}

/* The multinomial symmetry of scikit-learn's solver: shift (at the start) the last class's held
 * coefficients to 0, or centre (at the end) over the classes; `all`: every feature, else the
 * intercepts only. */
static void multinomial_gauge(double *w, const newton *nw, int all, int centre) {
    const int64_t d = nw->pr->d, k = nw->pr->k;
    for (int64_t j = all ? 0 : d; j < nw->d1; j++) {
        double *col = j < d ? w + j : w + k * d;
        const int64_t stride = j < d ? d : 1;
        double s = col[(k - 1) * stride];
        if (centre) {
            s = 0.0;
            for (int64_t c = 0; c < k; c++) s += col[c * stride];
            s /= (double)k;
        }
        for (int64_t c = 0; c < k; c++) col[c * stride] -= s;
    }
}

static int newton_cholesky(double *w, double *f_out, int64_t *n_iter, int *converged, newton *nw,
                           const mlc_logistic_params *p, double *work, double *H, double *part, mlc_optim_iter_fn on_iter,
                           void *iter_ctx) {
    mlc_logistic_problem *pr = nw->pr;
    const int64_t P = nw->P, k = pr->k, nh = nw->nh;
    const int multi = k > 1, all = multi && pr->l2 == 0, fixed = all ? (int)nw->d1 : multi && pr->fit_intercept;
    const int64_t m = nh - fixed; // the system without the held entries, the last ones of the order
    double *g = work, *d = g + P, *wn = d + P, *gn = wn + P, *gh = gn + P;
    const mlc_chunks ch = mlc_chunks_even((pr->n + BLOCK - 1) / BLOCK, 1,
                                          MLC_MAX(1, MLC_MIN(MAX_CHUNKS, HESS_ACC_BYTES / (nh * nh * 8))));
    const int64_t stride = nh * nh + BLOCK * nh + 8 + BLOCK * nw->d1;
    if (fixed) multinomial_gauge(w, nw, all, 0);
    double f;
    int64_t it = 0;
    int st = mlc_logistic_problem_fn(pr, w, g, &f), fallback = 0;
    if (st == MLC_OK && on_iter != NULL) st = on_iter(iter_ctx, 0, w, f);
    while (st == MLC_OK && it < p->max_iter && !*converged) {
        curvature_from_residuals(nw);
        build_hessian(H, nw, ch, part, stride);
        const double anorm = sym_norm1(H, m, nh);
        double rcond = 0.0;
        st = mlc_linalg_cholesky_f64(H, m, nh, 0);
        if (st == MLC_OK) st = mlc_linalg_cholesky_rcond_f64(&rcond, H, m, nh, anorm);
        if (st == MLC_ENOTCONVERGED || (st == MLC_OK && !(rcond >= DBL_EPSILON))) {
            mlc_log("newton-cholesky: singular or ill-conditioned Hessian (rcond %g) at iteration %lld: L-BFGS "
                    "from here\n", rcond, (long long)it + 1);
            st = MLC_OK;
            fallback = 1;
            break;
        }
        if (st != MLC_OK) break;
        for (int64_t a = 0; a < m; a++) gh[a] = -g[param_of(nw, a)];
        if ((st = mlc_linalg_cholesky_solve_f64(gh, H, m, 1, nh, m)) != MLC_OK) break;
        memset(d, 0, sizeof(double) * P);
        for (int64_t a = 0; a < m; a++) d[param_of(nw, a)] = gh[a];
        const double gd = dot(g, d, P);
        if (gd > 0) {
            mlc_log("newton-cholesky: not a descent direction at iteration %lld: L-BFGS from here\n", (long long)it + 1);
            fallback = 1;
            break;
        }
        double t = 1.0, fn = f, gsum_old = -1.0;
        int accepted = 0;
        for (int ls = 0; ls < 21 && !accepted; ls++, t *= 0.5) {
            for (int64_t j = 0; j < P; j++) wn[j] = w[j] + t * d[j];
            st = mlc_logistic_problem_fn(pr, wn, gn, &fn);
            if (st == MLC_ENUMERIC) { // an overflow: a shorter step
                st = MLC_OK;
                continue;
            }
            if (st != MLC_OK) break;
            const double gain = fn - f;
            if (gain <= t * 0x1p-11 * gd) accepted = 1;
            else if (fabs(gain) <= fabs(f) * EPS16) {
                if (gsum_old < 0) gsum_old = sum_abs(g, P);
                accepted = sum_abs(gn, P) < gsum_old;
            }
        }
        if (st != MLC_OK) break;
        if (!accepted) {
            mlc_log("newton-cholesky: the line search failed at iteration %lld: L-BFGS from here\n", (long long)it + 1);
            fallback = 1;
            break;
        }
        f = fn;
        memcpy(w, wn, sizeof(double) * P);
        memcpy(g, gn, sizeof(double) * P);
        it++;
        if (on_iter != NULL && (st = on_iter(iter_ctx, it, w, f)) != MLC_OK) break;
        // the Newton decrement: d^T H d = -g.d, H d = -g solved at the previous point
        *converged = max_abs(g, P) <= p->tol && -0.5 * gd <= p->tol;
    }
    if (st == MLC_OK && fallback) {
        mlc_optim_lbfgs lb;
        int64_t more = 0;
        st = mlc_optim_lbfgs_init(&lb, P, p->lbfgs_memory);
        if (st == MLC_OK)
            st = mlc_optim_lbfgs_minimize(&lb, w, &f, &more, converged, mlc_logistic_problem_fn, pr, NULL,
                                          p->max_iter - it - 1, p->tol, on_iter, iter_ctx);
        mlc_optim_lbfgs_free(&lb);
        it += more;
    }
    if (fixed) multinomial_gauge(w, nw, all, 1);
    *f_out = f;
    *n_iter = it;
    return st;
}

int mlc_logistic_newton_minimize(double *w, double *f_out, int64_t *n_iter, int *converged, mlc_logistic_problem *pr,
                                 const mlc_logistic_params *p, mlc_optim_iter_fn on_iter, void *iter_ctx) {
    const int64_t n = pr->n, d = pr->d, k = pr->k, fi = pr->fit_intercept;
    newton nw = {pr, k * d + (fi ? k : 0), d + fi, k * (d + fi), NULL, NULL};
    const int64_t P = nw.P, nh = nw.nh;
    const int chol = p->solver == MLC_LOGISTIC_NEWTON_CHOLESKY;
    const int64_t hess_chunks = MLC_MAX(1, MLC_MIN(MAX_CHUNKS, HESS_ACC_BYTES / (nh * nh * 8)));
    mlc_arena a = {NULL, 0};
    double *work = NULL, *H = NULL, *part = NULL, *resid = NULL;
    *converged = 0;
    *n_iter = 0;
    for (int pass = 0; pass < 2; pass++) { // size, then carve (mlc.h)
        if (pass == 1 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        resid = mlc_arena_take(&a, sizeof(double) * n * k);
        nw.curv = mlc_arena_take(&a, sizeof(double) * n * k);
        work = mlc_arena_take(&a, sizeof(double) * (7 * P + nh));
        if (chol) {
            H = mlc_arena_take(&a, sizeof(double) * nh * nh);
            part = mlc_arena_take(&a, sizeof(double) * hess_chunks * (nh * nh + BLOCK * nh + 8 + BLOCK * nw.d1));
        } else {
            nw.chunks = mlc_arena_take(&a, sizeof(double) * MAX_CHUNKS * (BLOCK * k + P));
        }
    }
    pr->resid = resid;
    const int st = chol ? newton_cholesky(w, f_out, n_iter, converged, &nw, p, work, H, part, on_iter, iter_ctx)
                        : newton_cg(w, f_out, n_iter, converged, &nw, p, work, on_iter, iter_ctx);
    pr->resid = NULL;
    mlc_free(a.base);
    return st;
}
