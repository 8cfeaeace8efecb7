/* logistic.c: logistic-regression loss/gradient by blocked GEMM, and the fit driver (logistic.h).
 *
 * The solver minimises, over W (K, D) and b (K),
 *   F(W, b) = (1 / S) sum_i s_i loss_i + l2/2 ||W||^2 + l1 ||W||_1,   S = sum_i s_i,
 *   l2 = (1 - r) / (C S), l1 = r / (C S),
 * which is scikit-learn's objective C sum s_i loss_i + (1-r)/2 ||W||^2 + r ||W||_1 divided by C S
 * (scikit-learn's lbfgs minimises the same scaled form, so tol compares like with like).
 * lbfgs: L-BFGS on F (l1 = 0); owlqn: OWL-QN (optim.c); the first-order solvers take steps on
 * the gradient of the smooth part of F estimated on a full batch, one row, or a mini-batch of
 * shuffled rows, each followed by the proximal step of the L1 term (mlc_optim_prox_l1); newton-cg and
 * newton-cholesky (l1 = 0): logistic_newton.c, on this file's passes. C = inf means no penalty at all.
 */
#include "linear/logistic.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "blas.h"
#include "core/dispatch.h"
#include "core/reduce.h"
#include "core/vmath.h"
#include "linear/logistic_sag.h"

/* Dispatched per CPU level (core/dispatch.h). The rows go by fours, each four read once for the
 * logits and once more, still in cache, for the gradient; OpenBLAS's row-major GEMV ran at a fraction
 * of the memory's speed here. sigmoid(t) and log(1 + e^t) share e^-|t| (the operations of
 * mlc_sigmoid_f64 and mlc_log1pexp_f64, so their bits), in vector lanes across rows. */
/* The binary loss of the logits z_i + b (N) in, each replaced by its residual s_i (sigmoid - y_i). */
static inline double binary_loss_resid(double *z, const int32_t *y, const double *sw, double b, double scale,
                                       int64_t n) {
    double loss = 0.0;
#pragma omp simd reduction(+ : loss)
    for (int64_t i = 0; i < n; i++) {
        const double t = z[i] + b, s = scale * (sw != NULL ? sw[i] : 1.0), yi = y[i] == 1 ? 1.0 : 0.0;
        const uint64_t u = mlc_vm_d2u(t), neg = (uint64_t)((int64_t)u >> 63);
        const double e = mlc_exp_f64(-mlc_vm_u2d(u & MLC_VM_ABS64)), q = 1.0 / (1.0 + e);
        // log(1 + e^t) - y t = max(+-t, 0) + log(1 + e^-|t|), without t - t: the loss keeps its own digits
        loss += s * (fmax(t - 2.0 * yi * t, 0.0) + mlc_vm_log1p01_f64(e));
        z[i] = s * (mlc_vm_sel64(neg, e * q, q) - yi);
    }
    return loss;
}

#define AHEAD 32 /* rows */
double MLC_ISA(mlc_logistic_binary_block)(double *grad, double *z, const double *Xb, const double *w,
                                          const int32_t *y, const double *sw, double b, double scale, int64_t n,
                                          int64_t d) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const double *x0 = Xb + i * d, *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
        for (int64_t o = 0; o < 4 * d; o += 8) __builtin_prefetch(x0 + AHEAD * d + o, 0, 3);
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
        for (int64_t j = 0; j < d; j++) {
            s0 += x0[j] * w[j];
            s1 += x1[j] * w[j];
            s2 += x2[j] * w[j];
            s3 += x3[j] * w[j];
        }
        z[i] = s0;
        z[i + 1] = s1;
        z[i + 2] = s2;
        z[i + 3] = s3;
    }
    for (; i < n; i++) {
        const double *x0 = Xb + i * d;
        double s0 = 0.0;
#pragma omp simd reduction(+ : s0)
        for (int64_t j = 0; j < d; j++) s0 += x0[j] * w[j];
        z[i] = s0;
    }
    const double loss = binary_loss_resid(z, y, sw, b, scale, n);
    if (grad == NULL) return loss;
    for (i = 0; i + 4 <= n; i += 4) {
        const double *x0 = Xb + i * d, *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
        const double r0 = z[i], r1 = z[i + 1], r2 = z[i + 2], r3 = z[i + 3];
#pragma omp simd
        for (int64_t j = 0; j < d; j++) grad[j] += (r0 * x0[j] + r1 * x1[j]) + (r2 * x2[j] + r3 * x3[j]);
    }
    for (; i < n; i++) {
        const double *x0 = Xb + i * d, r0 = z[i];
#pragma omp simd
        for (int64_t j = 0; j < d; j++) grad[j] += r0 * x0[j];
    }
    return loss;
}

/* Class by class, in vector lanes across the rows (Zt is the transposed logits): each row's max and sum
 * run over the classes in order, the same bits at every level; the loss sums in lanes. */
double MLC_ISA(mlc_logistic_softmax_block)(double *Zt, double *scratch, const int32_t *y, const double *sw,
                                           const double *b, double scale, int64_t n, int64_t k) {
    double *mx = scratch, *sum = scratch + n;
    for (int64_t i = 0; i < n; i++) mx[i] = -INFINITY, sum[i] = 0.0;
    for (int64_t c = 0; c < k; c++) {
        double *zc = Zt + c * n;
        const double bc = b != NULL ? b[c] : 0.0;
#pragma omp simd
        for (int64_t i = 0; i < n; i++) {
            const double t = zc[i] + bc;
            zc[i] = t;
            mx[i] = t > mx[i] ? t : mx[i];
        }
    }
    // loss_i = (max - t_y) + log(sum): two non-negative terms, no large sums that cancel
    double loss = 0.0;
    for (int64_t i = 0; i < n; i++) loss += (scale * (sw != NULL ? sw[i] : 1.0)) * (mx[i] - Zt[y[i] * n + i]);
    for (int64_t c = 0; c < k; c++) {
        double *zc = Zt + c * n;
#pragma omp simd
        for (int64_t i = 0; i < n; i++) {
            const double e = mlc_exp_f64(zc[i] - mx[i]);
            zc[i] = e;
            sum[i] += e;
        }
    }
#pragma omp simd reduction(+ : loss)
    for (int64_t i = 0; i < n; i++) {
        const double s = scale * (sw != NULL ? sw[i] : 1.0);
        loss += s * mlc_log_f64(sum[i]);
        sum[i] = s / sum[i];
    }
    for (int64_t c = 0; c < k; c++) {
        double *zc = Zt + c * n;
#pragma omp simd
        for (int64_t i = 0; i < n; i++) zc[i] *= sum[i];
    }
    for (int64_t i = 0; i < n; i++) Zt[y[i] * n + i] -= scale * (sw != NULL ? sw[i] : 1.0);
    return loss;
}

#if MLC_ISA_ONCE
#define BLOCK 256
#define MAX_CHUNKS 8

/* The mlc_optim method behind a first-order solver ('gd' and 'sgd' are plain steps, on the full
 * batch and on small batches). */
static int optim_method(int solver) {
    switch (solver) {
    case MLC_LOGISTIC_MOMENTUM: return MLC_OPTIM_MOMENTUM;
    case MLC_LOGISTIC_NESTEROV: return MLC_OPTIM_NESTEROV;
    case MLC_LOGISTIC_ADAGRAD: return MLC_OPTIM_ADAGRAD;
    case MLC_LOGISTIC_ADAM: return MLC_OPTIM_ADAM;
    default: return MLC_OPTIM_SGD;
    }
}

/* lbfgs and owlqn: the quasi-Newton solvers (the others are first-order). */
static int quasi_newton(int solver) { return solver == MLC_LOGISTIC_LBFGS || solver == MLC_LOGISTIC_OWLQN; }

static int sag_family(int solver) { return solver == MLC_LOGISTIC_SAG || solver == MLC_LOGISTIC_SAGA; }

/* newton-cg and newton-cholesky (logistic_newton.c; the latter may finish with L-BFGS). */
static int newton(int solver) { return solver == MLC_LOGISTIC_NEWTON_CG || solver == MLC_LOGISTIC_NEWTON_CHOLESKY; }

const char *mlc_logistic_check_params(int64_t n, int64_t d, int64_t n_classes, const mlc_logistic_params *p) {
    if (n < 1 || d < 0) return "X must have at least one sample";
    if (n_classes < 2) return "n_classes must be >= 2";
    if (!mlc_logistic_solver_valid(p->solver)) return "unknown solver";
    if (!mlc_penalty_valid(p->penalty)) return "unknown penalty";
    if (!(p->C > 0)) return "C must be > 0 (inf: no penalty)";
    if (p->penalty == MLC_PENALTY_ELASTICNET && !(p->l1_ratio >= 0 && p->l1_ratio <= 1))
        return "l1_ratio must be in [0, 1]";
    const int has_l1 = p->penalty == MLC_PENALTY_L1 || (p->penalty == MLC_PENALTY_ELASTICNET && p->l1_ratio > 0);
    if (has_l1 && p->solver == MLC_LOGISTIC_LBFGS)
        return "lbfgs supports only penalties 'l2' or None; use solver='owlqn' (or a first-order solver) for "
               "'l1' or 'elasticnet'";
    if (has_l1 && newton(p->solver)) return "the Newton solvers support only penalties 'l2' or None";
    if (p->max_iter < 1) return "max_iter must be >= 1";
    if (!(p->tol >= 0)) return "tol must be >= 0";
    if (sag_family(p->solver)) return mlc_logistic_sag_check_params(p);
    if (quasi_newton(p->solver) || newton(p->solver)) {
        if (p->lbfgs_memory < 1) return "lbfgs memory must be >= 1";
        if (p->line_search != MLC_LINESEARCH_MORE_THUENTE && p->line_search != MLC_LINESEARCH_BACKTRACKING)
            return "unknown line search";
    } else {
        if (p->batch_size < 1) return "batch_size must be >= 1";
        if (p->n_iter_no_change < 1) return "n_iter_no_change must be >= 1";
        const char *msg = mlc_optim_lr_check_params(&p->lr);
        if (msg) return msg;
        msg = mlc_optim_check_params(optim_method(p->solver), 1, p->momentum, p->beta1, p->beta2, p->eps);
        if (msg) return msg;
    }
    return NULL;
}

int64_t mlc_logistic_n_params(int64_t d, int64_t n_classes, int fit_intercept) {
    const int64_t k = n_classes == 2 ? 1 : n_classes;
    return k * d + (fit_intercept ? k : 0);
}

static int64_t zsize(int64_t k) { return BLOCK * (k + 4); }

/* The gathered dense rows of a chunk's scratch (CSR rows are read where they are). */
static int64_t xb_size(const mlc_logistic_problem *pr) { return pr->X != NULL ? BLOCK * pr->d : 0; }

/* The CSR passes gather w and scatter into acc at random columns: (D) arrays that do not stay in L2,
 * so each entry asks for the line of the entry AHEAD_NNZ later (its column is known already). */
#if defined(__GNUC__)
#define PREFETCH_R(p) __builtin_prefetch((p), 0, 3)
#define PREFETCH_W(p) __builtin_prefetch((p), 1, 3)
#else
#define PREFETCH_R(p) ((void)(p))
#define PREFETCH_W(p) ((void)(p))
#endif
#define AHEAD_NNZ 24

/* The logits of CSR rows [r0, r0 + b) (mini-batch: rows[r0 ..]): Zt (K, b) out = W x_i^T. */
static void csr_logits(double *Zt, const mlc_logistic_problem *pr, const double *w, int64_t r0, int64_t b) {
    const int64_t d = pr->d, k = pr->k, nnz = pr->indptr[pr->n];
    const double *data = pr->data;
    const int32_t *ind = pr->indices;
    const int64_t *indptr = pr->indptr;
    for (int64_t i = 0; i < b; i++) {
        const int64_t r = pr->rows != NULL ? pr->rows[r0 + i] : r0 + i;
        for (int64_t c = 0; c < k; c++) {
            const double *wc = w + c * d;
            double s = 0.0;
            for (int64_t t = indptr[r], end = indptr[r + 1]; t < end; t++) {
                if (t + AHEAD_NNZ < nnz) PREFETCH_R(wc + ind[t + AHEAD_NNZ]);
                s += data[t] * wc[ind[t]];
            }
            Zt[c * b + i] = s;
        }
    }
}

/* acc (K, D) += Rt X_b for the CSR rows of csr_logits: each row's entries scattered. */
static void csr_scatter(double *acc, const mlc_logistic_problem *pr, const double *Rt, int64_t r0, int64_t b) {
    const int64_t d = pr->d, k = pr->k, nnz = pr->indptr[pr->n];
    const double *data = pr->data;
    const int32_t *ind = pr->indices;
    const int64_t *indptr = pr->indptr;
    for (int64_t i = 0; i < b; i++) {
        const int64_t r = pr->rows != NULL ? pr->rows[r0 + i] : r0 + i;
        for (int64_t c = 0; c < k; c++) {
            double *ac = acc + c * d;
            const double rc = Rt[c * b + i];
            for (int64_t t = indptr[r], end = indptr[r + 1]; t < end; t++) {
                if (t + AHEAD_NNZ < nnz) PREFETCH_W(ac + ind[t + AHEAD_NNZ]);
                ac[ind[t]] += rc * data[t];
            }
        }
    }
}

/* One block of rows [r0, r1): adds sum s_i loss_i * scale to *acc_loss and the gradient to acc. */
static void block_loss_grad(const mlc_logistic_problem *pr, const double *w, int64_t r0, int64_t r1, double *xb,
                            double *z, double *acc, double *acc_loss, int want_grad) {
    const int64_t d = pr->d, k = pr->k, b = r1 - r0;
    const double *Xb = NULL;
    if (pr->X == NULL) {
        // CSR rows: read in place
    } else if (pr->rows != NULL) {
        for (int64_t i = 0; i < b; i++) memcpy(xb + i * d, pr->X + pr->rows[r0 + i] * d, sizeof(double) * d);
        Xb = xb;
    } else {
        Xb = pr->X + r0 * d;
    }
    const double *bias = pr->fit_intercept ? w + k * d : NULL;
    const int32_t *yb = pr->y + r0;
    const double *sb = pr->sw != NULL ? pr->sw + r0 : NULL;
    if (pr->rows != NULL) { // a mini-batch: its labels and weights gathered next to its rows
        int32_t *yg = (int32_t *)(z + BLOCK * k);
        double *sg = pr->sw != NULL ? z + BLOCK * (k + 1) : NULL;
        for (int64_t i = 0; i < b; i++) {
            yg[i] = pr->y[pr->rows[r0 + i]];
            if (sg) sg[i] = pr->sw[pr->rows[r0 + i]];
        }
        yb = yg;
        sb = sg;
    }
    double loss;
    if (pr->X == NULL) {
        csr_logits(z, pr, w, r0, b);
        loss = k == 1 ? binary_loss_resid(z, yb, sb, bias ? bias[0] : 0.0, pr->data_scale, b)
                      : mlc_logistic_softmax_block(z, z + BLOCK * (k + 2), yb, sb, bias, pr->data_scale, b, k);
        if (want_grad) csr_scatter(acc, pr, z, r0, b);
    } else if (k == 1) { // log(1 + e^t) - y t and sigmoid(t) - y, both without overflow
        loss = mlc_logistic_binary_block(want_grad ? acc : NULL, z, Xb, w, yb, sb, bias ? bias[0] : 0.0,
                                         pr->data_scale, b, d);
    } else {
        // the logits transposed, Zt (K, b) = W Xb^T: one GEMM; the softmax then runs across rows
        if (d == 0) memset(z, 0, sizeof(double) * b * k);
        else
            mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)k, (mlc_blasint)b, (mlc_blasint)d,
                            1.0, w, (mlc_blasint)d, Xb, (mlc_blasint)d, 0.0, z, (mlc_blasint)b);
        loss = mlc_logistic_softmax_block(z, z + BLOCK * (k + 2), yb, sb, bias, pr->data_scale, b, k);
    }
    *acc_loss += loss;
    if (pr->resid != NULL) { // (K, b) to the rows' (b, K)
        double *r = pr->resid + r0 * k;
        for (int64_t c = 0; c < k; c++)
            for (int64_t i = 0; i < b; i++) r[i * k + c] = z[c * b + i];
    }
    if (!want_grad) return;
    // gradient: dW (K, D) += Rt Xb (binary: done above), db += row sums of Rt (the residuals, (K, b))
    if (d > 0 && k > 1 && pr->X != NULL)
        mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)k, (mlc_blasint)d, (mlc_blasint)b,
                        1.0, z, (mlc_blasint)b, Xb, (mlc_blasint)d, 1.0, acc, (mlc_blasint)d);
    if (pr->fit_intercept)
        for (int64_t c = 0; c < k; c++)
            for (int64_t i = 0; i < b; i++) acc[k * d + c] += z[c * b + i];
}

/* mlc_optim_fn: F without the L1 term. */
int mlc_logistic_problem_fn(void *ctx, const double *w, double *grad, double *loss) {
    mlc_logistic_problem *pr = ctx;
    const int64_t d = pr->d, k = pr->k, P = k * d + (pr->fit_intercept ? k : 0);
    if (pr->memo != NULL && grad != NULL) {
        const double *mw = pr->memo;
        pr->memo = NULL;
        if (memcmp(mw, w, sizeof(double) * P) == 0) {
            memcpy(grad, mw + P, sizeof(double) * P);
            *loss = mw[2 * P];
            return MLC_OK;
        }
    }
    const int64_t rows = pr->rows != NULL ? pr->n_rows : pr->n;
    const int64_t nblocks = (rows + BLOCK - 1) / BLOCK;
    const mlc_chunks ch = mlc_chunks_even(nblocks, 1, MAX_CHUNKS);
    const int64_t nch = ch.count;
    const int want = grad != NULL;
    const int64_t width = pr->X != NULL ? d : pr->indptr[pr->n] / pr->n + 1; /* entries per row */
    const int team = (int)MLC_MIN(mlc_team_size(rows * k * (2 * width + MLC_EXP_WORK), pr->n_threads), nch);
    mlc_blas_single_begin();
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        double *xb = pr->scratch + c * pr->chunk_size, *z = xb + xb_size(pr), *acc = z + zsize(k);
        memset(acc, 0, sizeof(double) * (P + 1));
        for (int64_t blk = mlc_chunk_begin(ch, c); blk < mlc_chunk_end(ch, c); blk++)
            block_loss_grad(pr, w, blk * BLOCK, MLC_MIN(rows, (blk + 1) * BLOCK), xb, z, acc, acc + P, want);
    }
    mlc_blas_single_end();
    double *acc = pr->scratch + xb_size(pr) + zsize(k); /* chunk 0's (gradient, loss): the chunks merge there */
    if (want) {
        mlc_chunks_merge(acc, acc, nch, P + 1, pr->chunk_size);
        memcpy(grad, acc, sizeof(double) * P);
    } else {
        mlc_chunks_merge(acc + P, acc + P, nch, 1, pr->chunk_size);
    }
    double f = acc[P];
    if (pr->l2 > 0) {
        double sq = 0.0;
        for (int64_t j = 0; j < k * d; j++) {
            sq += w[j] * w[j];
            if (want) grad[j] += pr->l2 * w[j];
        }
        f += 0.5 * pr->l2 * sq;
    }
    *loss = f;
    return isfinite(f) ? MLC_OK : MLC_ENUMERIC;
}

int mlc_logistic_problem_init(mlc_logistic_problem *pr, const double *X, const double *data, const int32_t *indices,
                              const int64_t *indptr, const int32_t *y, const double *sw, int64_t n, int64_t d,
                              int64_t n_classes, int fit_intercept, int n_threads) {
    memset(pr, 0, sizeof *pr);
    pr->X = X;
    pr->data = data;
    pr->indices = indices;
    pr->indptr = indptr;
    pr->y = y;
    pr->sw = sw;
    pr->n = n;
    pr->d = d;
    pr->k = n_classes == 2 ? 1 : n_classes;
    pr->fit_intercept = fit_intercept;
    pr->n_threads = n_threads;
    double S = 0.0;
    for (int64_t i = 0; i < n; i++) S += sw != NULL ? sw[i] : 1.0;
    if (!(S > 0)) return MLC_EINVAL;
    pr->data_scale = 1.0 / S;
    pr->chunk_size = xb_size(pr) + zsize(pr->k) + mlc_logistic_n_params(d, n_classes, fit_intercept) + 1;
    pr->scratch = mlc_malloc(sizeof(double) * MAX_CHUNKS * pr->chunk_size);
    return pr->scratch == NULL ? MLC_ENOMEM : MLC_OK;
}

int mlc_logistic_loss_grad(double *loss, double *grad, const double *w, const double *X, const int32_t *y,
                           const double *sw, int64_t n, int64_t d, int64_t n_classes, int fit_intercept,
                           int n_threads) {
    mlc_logistic_problem pr;
    int st = mlc_logistic_problem_init(&pr, X, NULL, NULL, NULL, y, sw, n, d, n_classes, fit_intercept, n_threads);
    if (st == MLC_OK) st = mlc_logistic_problem_fn(&pr, w, grad, loss);
    mlc_free(pr.scratch);
    return st;
}

/* sum_j l1_j |w_j|, 0 without l1. */
static double l1_term(const double *w, const double *l1, int64_t P) {
    double s = 0.0;
    for (int64_t j = 0; l1 != NULL && j < P; j++) s += l1[j] * fabs(w[j]);
    return s;
}

/* What the per-iteration hook needs to split F into data loss and penalty. */
typedef struct {
    double *loss_curve, *objective_curve;
    int64_t n_curve, cap, k, d;
    double l2, l1;
    int64_t max_iter;
    const mlc_progress *progress;
} recorder;

static int record(void *ctx, int64_t iter, const double *w, double objective) {
    recorder *r = ctx;
    double pen = 0.0;
    for (int64_t j = 0; j < r->k * r->d; j++) pen += 0.5 * r->l2 * w[j] * w[j] + r->l1 * fabs(w[j]);
    if (r->n_curve < r->cap) {
        r->loss_curve[r->n_curve] = objective - pen;
        r->objective_curve[r->n_curve] = objective;
        r->n_curve++;
    }
    return mlc_progress_tick(r->progress, iter, r->max_iter) ? MLC_EINTERRUPTED : MLC_OK;
}

/* The first-order solvers: max_iter epochs of steps on the gradient of F's smooth part over
 * batches of batch_size shuffled rows (mlc_rng, seeded: reproducible), each step followed by the
 * proximal L1 step when l1 (P) is not NULL. Full batch: converged when max |pseudo-gradient of F|
 * <= tol (checked before each step); otherwise after each epoch F is evaluated on all
 * rows and the fit stops when it has not improved by tol * max(1, |best F|) for n_iter_no_change
 * epochs. */
static int fit_first_order(double *w, int64_t *n_iter, int *converged, mlc_logistic_problem *pr, const double *l1,
                           const mlc_logistic_params *p, recorder *rec) {
    const int64_t n = pr->n, P = mlc_logistic_n_params(pr->d, pr->k == 1 ? 2 : pr->k, pr->fit_intercept);
    const int full = p->batch_size >= n;
    const int64_t bs = full ? n : p->batch_size;
    mlc_optim o;
    int st = mlc_optim_init(&o, optim_method(p->solver), P, p->momentum, p->beta1, p->beta2, p->eps);
    if (st != MLC_OK) return st;
    double *grad = mlc_malloc(sizeof(double) * 2 * P), *pg = grad + P;
    int64_t *perm = full ? NULL : mlc_malloc(sizeof(int64_t) * n);
    if (grad == NULL || (!full && perm == NULL)) {
        st = MLC_ENOMEM;
        goto done;
    }
    const double scale_all = pr->data_scale;
    mlc_rng rng;
    mlc_rng_seed(&rng, p->seed);
    if (perm)
        for (int64_t i = 0; i < n; i++) perm[i] = i;
    double best = INFINITY, f;
    int64_t stall = 0, epoch;
    *converged = 0;
    if (!full) { // the curve starts at the initial point
        if ((st = mlc_logistic_problem_fn(pr, w, NULL, &f)) != MLC_OK) goto done;
        if ((st = record(rec, 0, w, f + l1_term(w, l1, P))) != MLC_OK) goto done;
    }
    for (epoch = 0; epoch < p->max_iter; epoch++) {
        const double lr = mlc_optim_lr_at(&p->lr, epoch);
        if (full) {
            if ((st = mlc_logistic_problem_fn(pr, w, grad, &f)) != MLC_OK) goto done;
            if ((st = record(rec, epoch, w, f + l1_term(w, l1, P))) != MLC_OK) goto done;
            mlc_optim_pseudo_gradient(pg, w, grad, l1, P);
            double gmax = 0.0;
            for (int64_t j = 0; j < P; j++) gmax = fmax(gmax, fabs(pg[j]));
            if (gmax <= p->tol) {
                *converged = 1;
                break;
            }
            mlc_optim_step(&o, w, grad, lr);
            if (l1 != NULL) mlc_optim_prox_l1(&o, w, l1, lr);
            continue;
        }
        for (int64_t i = n - 1; i > 0; i--) { // Fisher-Yates
            const int64_t j = (int64_t)mlc_rng_below(&rng, (uint64_t)(i + 1));
            const int64_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        for (int64_t s0 = 0; s0 < n; s0 += bs) {
            pr->rows = perm + s0;
            pr->n_rows = MLC_MIN(bs, n - s0);
            pr->data_scale = scale_all * (double)n / (double)pr->n_rows;
            st = mlc_logistic_problem_fn(pr, w, grad, &f);
            pr->rows = NULL;
            pr->data_scale = scale_all;
            if (st != MLC_OK) goto done;
            mlc_optim_step(&o, w, grad, lr);
            if (l1 != NULL) mlc_optim_prox_l1(&o, w, l1, lr);
        }
        if ((st = mlc_logistic_problem_fn(pr, w, NULL, &f)) != MLC_OK) goto done;
        f += l1_term(w, l1, P);
        if ((st = record(rec, epoch + 1, w, f)) != MLC_OK) goto done;
        if (epoch == 0 || f < best - p->tol * fmax(1.0, fabs(best))) {
            best = f;
            stall = 0;
        } else if (++stall >= p->n_iter_no_change) {
            *converged = 1;
            epoch++;
            break;
        }
    }
    if (full && !*converged) { // the curve ends at the returned w
        if ((st = mlc_logistic_problem_fn(pr, w, NULL, &f)) != MLC_OK) goto done;
        if ((st = record(rec, epoch, w, f + l1_term(w, l1, P))) != MLC_OK) goto done;
    }
    *n_iter = epoch;
done:
    pr->rows = NULL;
    mlc_free(grad);
    mlc_free(perm);
    mlc_optim_free(&o);
    return st;
}

/* mlc_logistic_fit on dense X or CSR (data, indices, indptr; X NULL). */
static int fit(double *w, double *loss_curve, double *objective_curve, int64_t *n_curve, int64_t *n_iter,
               int *converged, const double *X, const double *data, const int32_t *indices, const int64_t *indptr,
               const int32_t *y, const double *sw, int64_t n, int64_t d, int64_t n_classes,
               const mlc_logistic_params *p, int n_threads, const mlc_progress *progress) {
    if (mlc_logistic_check_params(n, d, n_classes, p)) return MLC_EINVAL;
    mlc_logistic_problem pr;
    int st = mlc_logistic_problem_init(&pr, X, data, indices, indptr, y, sw, n, d, n_classes, p->fit_intercept,
                                       n_threads);
    const int64_t P = mlc_logistic_n_params(d, n_classes, p->fit_intercept);
    double *l1 = NULL, *memo = NULL;
    mlc_optim_lbfgs lb;
    memset(&lb, 0, sizeof lb);
    if (st != MLC_OK) goto done;
    const double cs = pr.data_scale / p->C; // 1 / (C S)
    double r = p->penalty == MLC_PENALTY_L1 ? 1.0 : p->penalty == MLC_PENALTY_ELASTICNET ? p->l1_ratio : 0.0;
    if (p->penalty == MLC_PENALTY_NONE) r = 0.0;
    pr.l2 = p->penalty == MLC_PENALTY_NONE ? 0.0 : (1.0 - r) * cs;
    recorder rec = {loss_curve, objective_curve, 0, p->max_iter + 1, pr.k, d, pr.l2, r * cs, p->max_iter, progress};
    *converged = 0;
    *n_iter = 0;
    if (r > 0 && cs > 0) { // per-coordinate L1 weights; the intercepts (the last K) are never penalised
        if ((l1 = mlc_malloc(sizeof(double) * P)) == NULL) {
            st = MLC_ENOMEM;
            goto done;
        }
        for (int64_t j = 0; j < P; j++) l1[j] = j < pr.k * d ? r * cs : 0.0;
    }
    if (newton(p->solver)) {
        double f;
        st = mlc_logistic_newton_minimize(w, &f, n_iter, converged, &pr, p, record, &rec);
    } else if (quasi_newton(p->solver)) {
        if ((st = mlc_optim_lbfgs_init(&lb, P, p->lbfgs_memory)) != MLC_OK) goto done;
        lb.line_search = p->line_search;
        if ((memo = mlc_malloc(sizeof(double) * (2 * P + 1))) == NULL) {
            st = MLC_ENOMEM;
            goto done;
        }
        // the starting point's objective is the curve's first entry; its gradient, computed in the same
        // pass, is the solver's first evaluation
        memcpy(memo, w, sizeof(double) * P);
        if ((st = mlc_logistic_problem_fn(&pr, w, memo + P, memo + 2 * P)) != MLC_OK) goto done;
        pr.memo = memo;
        double f = memo[2 * P];
        if ((st = record(&rec, 0, w, f + l1_term(w, l1, P))) != MLC_OK) goto done;
        st = mlc_optim_lbfgs_minimize(&lb, w, &f, n_iter, converged, mlc_logistic_problem_fn, &pr, l1, p->max_iter, p->tol, record,
                                      &rec);
    } else if (sag_family(p->solver)) { // the curve holds the start and the end: a pass per epoch costs an epoch
        double f;
        if ((st = mlc_logistic_problem_fn(&pr, w, NULL, &f)) != MLC_OK || (st = record(&rec, 0, w, f + l1_term(w, l1, P))) != MLC_OK)
            goto done;
        if ((st = mlc_logistic_sag_fit(w, n_iter, converged, &pr, p, progress)) != MLC_OK)
            goto done;
        if ((st = mlc_logistic_problem_fn(&pr, w, NULL, &f)) != MLC_OK ||
            (st = record(&rec, *n_iter, w, f + l1_term(w, l1, P))) != MLC_OK)
            goto done;
    } else {
        st = fit_first_order(w, n_iter, converged, &pr, l1, p, &rec);
    }
    *n_curve = rec.n_curve;
done:
    mlc_optim_lbfgs_free(&lb);
    mlc_free(l1);
    mlc_free(memo);
    mlc_free(pr.scratch);
    return st;
}

int mlc_logistic_fit(double *w, double *loss_curve, double *objective_curve, int64_t *n_curve, int64_t *n_iter,
                     int *converged, const double *X, const int32_t *y, const double *sw, int64_t n, int64_t d,
                     int64_t n_classes, const mlc_logistic_params *p, int n_threads, const mlc_progress *progress) {
    return fit(w, loss_curve, objective_curve, n_curve, n_iter, converged, X, NULL, NULL, NULL, y, sw, n, d,
               n_classes, p, n_threads, progress);
}

int mlc_logistic_fit_csr(double *w, double *loss_curve, double *objective_curve, int64_t *n_curve, int64_t *n_iter,
                         int *converged, const double *data, const int32_t *indices, const int64_t *indptr,
                         const int32_t *y, const double *sw, int64_t n, int64_t d, int64_t n_classes,
                         const mlc_logistic_params *p, int n_threads, const mlc_progress *progress) {
    if (data == NULL || indices == NULL || indptr == NULL) return MLC_EINVAL;
    return fit(w, loss_curve, objective_curve, n_curve, n_iter, converged, NULL, data, indices, indptr, y, sw, n, d,
               n_classes, p, n_threads, progress);
}
#endif
