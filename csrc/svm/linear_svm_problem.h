/* linear_svm_problem.h: the binary problem and the helpers that LIBLINEAR's solvers share, private to
 * linear_svm.c (the SVM solvers and the drivers) and linear_svm_lr.c (the logistic-regression solvers).
 * Legend as in linear_svm.h: N samples, D features, P = D (+ 1 with the intercept feature `bias`). */
#ifndef MLC_LINEAR_SVM_PROBLEM_H
#define MLC_LINEAR_SVM_PROBLEM_H

#include <math.h>
#include <string.h>

#include "blas.h"
#include "core/reduce.h"
#include "mlc.h"

/* ---- dense-row kernels: the whole inner loop of the dual solvers ---- */
/* x.y with 8 independent partial sums (a fixed order: deterministic), so the additions do not wait
 * on one another; the compiler keeps them in vector registers. */
static inline double dot(const double *a, const double *b, int64_t d) {
    double acc[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, tail = 0.0;
    int64_t j = 0;
    for (; j + 8 <= d; j += 8)
        for (int k = 0; k < 8; k++) acc[k] += a[j + k] * b[j + k];
    for (; j < d; j++) tail += a[j] * b[j];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
}

static inline void axpy(double *y, double a, const double *x, int64_t d) {
#pragma omp simd
    for (int64_t j = 0; j < d; j++) y[j] += a * x[j];
}

/* Uniform in [0, bound) by Lemire's multiply-shift: one 64-bit draw, no division (the bias, at
 * most bound / 2^64, is far below anything observable). */
static inline int64_t rand_below(mlc_rng *rng, int64_t bound) {
#if defined(__SIZEOF_INT128__)
    return (int64_t)(((unsigned __int128)mlc_rng_next(rng) * (uint64_t)bound) >> 64);
#else
    return (int64_t)mlc_rng_below(rng, (uint64_t)bound);
#endif
}

static inline void swap_i64(int64_t *a, int64_t *b) {
    const int64_t t = *a;
    *a = *b;
    *b = t;
}

/* The columns of X~ as CSC for the l1 solvers on CSR rows: X's entries by feature, then the intercept
 * column (bias in every row) when P > D. O(NNZ + N); built once per fit, shared by the problems.
 *   ptr (P + 1), row (ptr[P]) the sample of each entry, ascending in a column, val (ptr[P]) x_ij. */
typedef struct {
    int64_t *ptr;
    int32_t *row;
    double *val;
} columns;

/* One binary (or regression) problem and the scratch every solver shares; allocated once per fit. */
typedef struct {
    const double *X;   /* (N, D), or NULL: the rows are the CSR matrix (data, indices, indptr) */
    const double *data;
    const int32_t *indices;
    const int64_t *indptr;
    int64_t n, d, P;   /* P = D + (bias > 0) */
    double bias;
    double *yv;        /* (N) +-1 labels, or regression targets */
    double *cost;      /* (N) C_i; 0: sample left out */
    double *alpha;     /* (N) dual variables */
    double *qd;        /* (N) ||x~_i||^2 (+ the diagonal term) */
    double *diag;      /* (N) 0 (hinge) or 1 / (2 C_i) (squared hinge) */
    double *margin;    /* (N) primal solver: X w~ */
    double *resid;     /* (N) primal gradient weights; l1 solver: b_i = 1 - y_i w~.x~_i */
    int64_t *index;    /* (max(N, P)) the random order */
    const int32_t *label; /* (N) Crammer-Singer: class codes */
    int64_t n_classes; /* Crammer-Singer: C */
    double *cs;        /* Crammer-Singer: alpha (N, C), then G, B, sorted D, new alpha (C each) */
    double *xt;        /* (P, N) l1 solvers on dense rows only: y_i x_ij by column, then y_i bias */
    const columns *cols; /* l1 solvers on CSR rows: the columns (xt NULL), plain x_ij */
    double *xj_sq;     /* (P) l1 solver only */
    double *vec;       /* (8 P) the logistic primal solvers' vectors */
    mlc_rng rng;
    const mlc_progress *progress;
    mlc_par *par;      /* the parallel one-vs-rest loop's: another thread failed or was stopped */
    int64_t work;      /* elementary steps since the last progress tick */
} problem;


/* The progress hook takes the GIL: call it only after about 2^20 elementary steps. */
static inline int tick(problem *pr, int64_t work, int64_t iter, int64_t max_iter) {
    pr->work += work;
    if (pr->work < ((int64_t)1 << 20)) return 0;
    pr->work = 0;
    return (pr->par != NULL && mlc_par_halted(pr->par)) || mlc_progress_tick(pr->progress, iter, max_iter);
}

/* Recorded curves of one problem. */
typedef struct {
    double *loss, *objective;
    int64_t n, cap;
} curves;

/* Append; when full, the last slot keeps the newest entry (so the final one is always there). */
static inline void curve_push(curves *c, double loss, double objective) {
    const int64_t at = c->n < c->cap ? c->n++ : c->cap - 1;
    c->loss[at] = loss;
    c->objective[at] = objective;
}

/* ---- a row of X, dense or CSR: what the row-wise solvers read ---- */
/* x_i.w over the D features. */
static inline double row_dot(const problem *pr, int64_t i, const double *w) {
    if (pr->X != NULL) return dot(pr->X + i * pr->d, w, pr->d);
    double s = 0.0;
    for (int64_t t = pr->indptr[i]; t < pr->indptr[i + 1]; t++) s += pr->data[t] * w[pr->indices[t]];
    return s;
}

/* w (D) += a x_i. */
static inline void row_axpy(double *w, double a, const problem *pr, int64_t i) {
    if (pr->X != NULL) {
        axpy(w, a, pr->X + i * pr->d, pr->d);
        return;
    }
    for (int64_t t = pr->indptr[i]; t < pr->indptr[i + 1]; t++) w[pr->indices[t]] += a * pr->data[t];
}

/* ||x_i||^2. */
static inline double row_sq(const problem *pr, int64_t i) {
    if (pr->X != NULL) return dot(pr->X + i * pr->d, pr->X + i * pr->d, pr->d);
    double s = 0.0;
    for (int64_t t = pr->indptr[i]; t < pr->indptr[i + 1]; t++) s += pr->data[t] * pr->data[t];
    return s;
}

/* out (D) = X^T v + beta out (one GEMV on dense rows; CSR rows scattered). */
static inline void xt_times(double *out, const problem *pr, const double *v, double beta) {
    if (pr->X != NULL) {
        mlc_cblas_dgemv(CblasRowMajor, CblasTrans, (mlc_blasint)pr->n, (mlc_blasint)pr->d, 1.0, pr->X,
                        (mlc_blasint)pr->d, v, 1, beta, out, 1);
        return;
    }
    for (int64_t j = 0; j < pr->d; j++) out[j] *= beta;
    for (int64_t i = 0; i < pr->n; i++) row_axpy(out, v[i], pr, i);
}

/* margin (N) out = X w + bias w_b (exact, one GEMV on dense rows). */
static inline void margins(double *out, const problem *pr, const double *w) {
    if (pr->X != NULL)
        mlc_cblas_dgemv(CblasRowMajor, CblasNoTrans, (mlc_blasint)pr->n, (mlc_blasint)pr->d, 1.0, pr->X,
                        (mlc_blasint)pr->d, w, 1, 0.0, out, 1);
    else
        for (int64_t i = 0; i < pr->n; i++) out[i] = row_dot(pr, i, w);
    if (pr->P > pr->d) {
        const double b = pr->bias * w[pr->d];
        for (int64_t i = 0; i < pr->n; i++) out[i] += b;
    }
}

static inline double half_sq(const double *w, int64_t P) { return 0.5 * dot(w, w, P); }

/* Samples with C_i > 0 into index[0..l); returns l. */
static inline int64_t active_samples(problem *pr) {
    int64_t l = 0;
    for (int64_t i = 0; i < pr->n; i++)
        if (pr->cost[i] > 0) pr->index[l++] = i;
    return l;
}

/* tol max(min(#pos, #neg), 1) / l over the samples with C_i > 0: LIBLINEAR's primal tolerance. */
static inline double primal_tol(const problem *pr, double tol) {
    int64_t pos = 0, l = 0;
    for (int64_t i = 0; i < pr->n; i++)
        if (pr->cost[i] > 0) {
            l++;
            pos += pr->yv[i] > 0;
        }
    return l == 0 ? tol : tol * (double)MLC_MAX(MLC_MIN(pos, l - pos), 1) / (double)l;
}

/* Dense rows: xt (P, N) = the columns y_i x_ij of this problem (LIBLINEAR folds the labels into the
 * data the same way), then the bias column y_i bias; with by_label 0 the plain columns x_ij and bias.
 * Blocked so that both sides stay in cache. (CSR rows: the shared pr->cols instead.) */
static inline void fold_columns(problem *pr, int by_label) {
    const int64_t n = pr->n, d = pr->d, T = 64;
    for (int64_t i0 = 0; i0 < n; i0 += T)
        for (int64_t j0 = 0; j0 < d; j0 += T)
            for (int64_t i = i0; i < MLC_MIN(n, i0 + T); i++) {
                const double s = by_label ? pr->yv[i] : 1.0;
                for (int64_t j = j0; j < MLC_MIN(d, j0 + T); j++) pr->xt[j * n + i] = s * pr->X[i * d + j];
            }
    if (pr->P > d)
        for (int64_t i = 0; i < n; i++) pr->xt[d * n + i] = (by_label ? pr->yv[i] : 1.0) * pr->bias;
}

/* The l1 solvers' test of coordinate w_j whose loss derivative is G (penalty |w_j|): the violation,
 * |minimum-norm subgradient|, or -1 when w_j = 0 lies so deep inside the subgradient box (|G| < 1 -
 * bound) that the coordinate may be shrunk. */
static inline double l1_violation(double wj, double G, double bound) {
    const double Gp = G + 1.0, Gn = G - 1.0;
    if (wj == 0) {
        if (Gp < 0) return -Gp;
        if (Gn > 0) return Gn;
        return Gp > bound && Gn < -bound ? -1.0 : 0.0;
    }
    return wj > 0 ? fabs(Gp) : fabs(Gn);
}

/* The minimiser d of |w_j + d| + G d + H d^2 / 2 (H > 0): a Newton step with soft thresholding. */
static inline double l1_newton_step(double wj, double G, double H) {
    const double Gp = G + 1.0, Gn = G - 1.0;
    return Gp < H * wj ? -Gp / H : Gn > H * wj ? -Gn / H : -wj;
}

/* The logistic-regression solvers (linear_svm_lr.c): LIBLINEAR solvers 0, 7 and 6 on one binary
 * problem. Each writes w (P), *n_iter and the curves cv; returns MLC_OK or a negative status. */
int mlc_linear_svm_solve_l2r_lr(double *w, int64_t *n_iter, curves *cv, problem *pr, double tol, int64_t max_iter);
int mlc_linear_svm_solve_l2r_lr_dual(double *w, int64_t *n_iter, curves *cv, problem *pr, double tol,
                                     int64_t max_iter);
int mlc_linear_svm_solve_l1r_lr(double *w, int64_t *n_iter, curves *cv, problem *pr, double tol, int64_t max_iter);

#endif
