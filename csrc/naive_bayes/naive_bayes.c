/* naive_bayes.c: the naive Bayes kernels (see naive_bayes.h).
 *
 * The sums over rows (counts, means, squared deviations) are split by COLUMN, not by row: each thread
 * owns a range of features and runs over every row, adding into its own columns only. Every sum is
 * then made in row order by one thread, the same bits as one thread makes, with no partials to merge
 * (the per-class partials of a row split are C D each: 8 MB for a 50k-word vocabulary and 20 classes).
 * The joint log-likelihoods write each output row from its own input row: no reduction.
 *
 * The sparse passes read a row's counts or table lines at random places of a (C, D) or (D, C) array
 * bigger than the L2 cache; the entry NB_PREFETCH places ahead has its line requested meanwhile, so
 * those misses overlap (the sums and their order are unchanged).
 *
 * The kernels are dispatched per CPU level (core/dispatch.h); the posterior's sum of exponentials
 * and GaussianNB's sum over features run in lanes of the vector width (their last bits follow the
 * level), every other kernel gives the same bits at every level.
 */
#include "naive_bayes/naive_bayes.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "blas.h"
#include "core/dispatch.h"
#include "core/vmath.h"

#define NB_ROW_BLOCK 64
#define NB_PREFETCH 32

#if MLC_ISA_ONCE
const char *mlc_naive_bayes_check_params(int64_t c) {
    if (c < 1) return "naive Bayes needs at least one class";
    if (c > INT32_MAX) return "too many classes";
    return NULL;
}
#endif

static int codes_valid(const int32_t *y, int64_t n, int64_t c) {
    for (int64_t i = 0; i < n; i++)
        if (y[i] < 0 || y[i] >= c) return 0;
    return 1;
}

/* The team of a column-split pass: at most one thread per column. */
static int column_team(int64_t work, int64_t d, int n_threads) {
    return (int)MLC_MAX(1, MLC_MIN(d, mlc_team_size(work, n_threads)));
}

/* The columns [*j0, *j1) the calling thread owns in a column-split region. */
static void own_columns(int64_t d, int64_t *j0, int64_t *j1) {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    *j0 = d * t / nt;
    *j1 = d * (t + 1) / nt;
}

/* class_count (C) inout += the weight of each class's rows (count (C) out, or NULL: their number). */
static void class_totals(double *class_count, double *count, const int32_t *y, const double *w, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        class_count[y[i]] += w != NULL ? w[i] : 1.0;
        if (count != NULL) count[y[i]] += 1.0;
    }
}

/* S (C, D) inout += each row of X times its weight, into its class's row; columns split. */
static void class_sums(double *S, const double *X, const int32_t *y, const double *w, int64_t n, int64_t d,
                       int nthr) {
#pragma omp parallel num_threads(nthr)
    {
        int64_t j0, j1;
        own_columns(d, &j0, &j1);
        for (int64_t i = 0; i < n; i++) {
            const double wi = w != NULL ? w[i] : 1.0;
            const double *x = X + i * d;
            double *s = S + (int64_t)y[i] * d;
#pragma omp simd
            for (int64_t j = j0; j < j1; j++) s[j] += wi * x[j];
        }
    }
}

/* ---- the count models ---------------------------------------------------------------------------- */

int MLC_ISA(mlc_naive_bayes_count)(double *feature_count, double *class_count, const double *X,
                                   const int32_t *y, const double *w, int64_t n, int64_t d, int64_t c,
                                   int n_threads) {
    if (!codes_valid(y, n, c)) return MLC_EINVAL;
    class_totals(class_count, NULL, y, w, n);
    class_sums(feature_count, X, y, w, n, d, column_team(n * d * MLC_WORK_STREAM, d, n_threads));
    return MLC_OK;
}

int MLC_ISA(mlc_naive_bayes_count_csr)(double *feature_count, double *class_count, const double *data,
                                       const int32_t *indices, const int64_t *indptr, const int32_t *y,
                                       const double *w, int64_t n, int64_t d, int64_t c, int n_threads) {
    if (!codes_valid(y, n, c)) return MLC_EINVAL;
    class_totals(class_count, NULL, y, w, n);
    const int nthr = column_team((indptr[n] + n) * MLC_WORK_STREAM, d, n_threads);
    const int64_t last = indptr[n] - 1;
#pragma omp parallel num_threads(nthr)
    {
        int64_t j0, j1;
        own_columns(d, &j0, &j1);
        for (int64_t i = 0; i < n; i++) {
            const double wi = w != NULL ? w[i] : 1.0;
            const int64_t end = indptr[i + 1];
            double *s = feature_count + (int64_t)y[i] * d;
            // the entry ahead is this row's or, mostly, the next one's
            double *s_next = feature_count + (int64_t)y[MLC_MIN(i + 1, n - 1)] * d;
            if (j0 == 0 && j1 == d) // one thread: no column test
                for (int64_t q = indptr[i]; q < end; q++) {
                    const int64_t ahead = MLC_MIN(q + NB_PREFETCH, last);
                    __builtin_prefetch((ahead < end ? s : s_next) + indices[ahead], 1, 3);
                    s[indices[q]] += wi * data[q];
                }
            else
                for (int64_t q = indptr[i]; q < end; q++) {
                    const int64_t ahead = MLC_MIN(q + NB_PREFETCH, last);
                    // a column outside the thread's own is clamped into them: no line of another thread's
                    __builtin_prefetch((ahead < end ? s : s_next) + MLC_MIN(MLC_MAX(indices[ahead], j0), j1 - 1), 1, 3);
                    if (indices[q] >= j0 && indices[q] < j1) s[indices[q]] += wi * data[q];
                }
        }
    }
    return MLC_OK;
}

/* ---- the linear joint log-likelihood and the posterior ------------------------------------------- */

/* o (w) inout: one row's joint log-likelihood (any lane past the classes -inf) becomes its log
 * posterior, or with proba its posterior. */
static inline __attribute__((always_inline)) void row_posterior(double *o, int64_t w, int proba) {
    double m = o[0];
#pragma omp simd reduction(max : m)
    for (int64_t k = 1; k < w; k++) m = o[k] > m ? o[k] : m;
    if (proba && isfinite(m)) { // exp(o - m) / sum: one exp an entry where exp(o - lse) takes two
        double sum = 0.0;
#pragma omp simd reduction(+ : sum)
        for (int64_t k = 0; k < w; k++) {
            o[k] = mlc_exp_f64(o[k] - m);
            sum += o[k];
        }
        for (int64_t k = 0; k < w; k++) o[k] /= sum;
        return;
    }
    const double lse = mlc_vlogsumexp_f64(o, w);
    for (int64_t k = 0; k < w; k++) o[k] -= lse;
    if (proba) mlc_vexp_f64(o, o, w);
}

int MLC_ISA(mlc_naive_bayes_normalize)(double *out, int64_t n, int64_t c, int proba, int n_threads) {
    const int nthr = mlc_team_size(n * c * MLC_EXP_WORK, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) row_posterior(out + i * c, c, proba);
    return MLC_OK;
}

#if MLC_ISA_ONCE /* one BLAS call */
int mlc_naive_bayes_jll(double *out, const double *X, const double *W, const double *bias, int64_t n,
                        int64_t d, int64_t c, int output, int n_threads) {
    if (!mlc_nb_output_valid(output)) return MLC_EINVAL;
    for (int64_t i = 0; i < n; i++) memcpy(out + i * c, bias, sizeof(double) * (size_t)c);
    // BLAS runs with mlc's thread count (mlc_blas_begin decides small calls)
    if (n > 0 && d > 0)
        mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)n, (mlc_blasint)c, (mlc_blasint)d,
                        1.0, X, (mlc_blasint)d, W, (mlc_blasint)d, 1.0, out, (mlc_blasint)c);
    if (output == MLC_NB_JOINT_LOG_PROBA) return MLC_OK;
    return mlc_naive_bayes_normalize(out, n, c, output == MLC_NB_PROBA, n_threads);
}
#endif

/* o (lanes) out: the stored values q0..q1 of a row times lanes [0, lanes <= 32) of the rows of Wt (D, ldw),
 * summed in stored order (the table lines of entry q + NB_PREFETCH, at most entry last, are requested
 * meanwhile). With lanes a constant, the sums live in registers. */
static inline __attribute__((always_inline)) void csr_row_dot(double *restrict o, const double *data,
                                                             const int32_t *indices, int64_t q0, int64_t q1,
                                                             int64_t last, const double *Wt, int64_t ldw,
                                                             int64_t lanes) {
    double acc[32];
    for (int64_t k = 0; k < lanes; k++) acc[k] = 0.0;
    for (int64_t q = q0; q < q1; q++) {
        const double *ahead = Wt + (int64_t)indices[MLC_MIN(q + NB_PREFETCH, last)] * ldw;
        for (int64_t l = 0; l < lanes; l += 8) __builtin_prefetch(ahead + l, 0, 3);
        const double v = data[q], *b = Wt + (int64_t)indices[q] * ldw;
#pragma omp simd
        for (int64_t k = 0; k < lanes; k++) acc[k] += v * b[k];
    }
    for (int64_t k = 0; k < lanes; k++) o[k] = acc[k];
}

/* o (w) out: row q0..q1 of X times Wt (D, w) plus bw (w), 32 lanes a pass over the row, and with
 * posterior its posterior (row_posterior). Inlined with w = 8, 16, 24 or 32: one pass, in registers. */
static inline __attribute__((always_inline)) void csr_jll_row(double *o, const double *data,
                                                             const int32_t *indices, int64_t q0, int64_t q1,
                                                             int64_t last, const double *Wt, const double *bw,
                                                             int64_t w, int posterior, int proba) {
    for (int64_t l0 = 0; l0 < w; l0 += 32)
        csr_row_dot(o + l0, data, indices, q0, q1, last, Wt + l0, w, MLC_MIN(w - l0, 32));
    for (int64_t k = 0; k < w; k++) o[k] += bw[k];
    if (posterior) row_posterior(o, w, proba);
}

int MLC_ISA(mlc_naive_bayes_jll_csr)(double *out, const double *data, const int32_t *indices,
                                     const int64_t *indptr, const double *W, const double *bias, int64_t n,
                                     int64_t d, int64_t c, int output, int n_threads) {
    if (!mlc_nb_output_valid(output)) return MLC_EINVAL;
    const int posterior = output != MLC_NB_JOINT_LOG_PROBA, proba = output == MLC_NB_PROBA;
    // a table row of whole 64-byte lines; the pad lanes add 0 to the sums and hold -inf in the posterior
    const int64_t w = (c + 7) / 8 * 8, last = indptr[n] - 1;
    const int nthr = mlc_team_size(indptr[n] * c + d * c + n * c * (posterior ? MLC_EXP_WORK : 1), n_threads);
    // Wt (D, w) | the bias (w) | each thread's row (w)
    double *Wt = mlc_malloc(sizeof(double) * (size_t)((d + 1 + nthr) * w));
    if (Wt == NULL) return MLC_ENOMEM;
    double *bw = Wt + d * w, *rows = bw + w;
    for (int64_t k = 0; k < w; k++) bw[k] = k < c ? bias[k] : -INFINITY;
#pragma omp parallel num_threads(nthr)
    {
#pragma omp for schedule(static)
        for (int64_t j = 0; j < d; j++) {
            for (int64_t k = 0; k < c; k++) Wt[j * w + k] = W[k * d + j];
            for (int64_t k = c; k < w; k++) Wt[j * w + k] = 0.0;
        }
        double *acc = rows + omp_get_thread_num() * w;
#pragma omp for schedule(dynamic, 64)
        for (int64_t i = 0; i < n; i++) {
            const int64_t q0 = indptr[i], q1 = indptr[i + 1];
            switch (w) {
            case 8: csr_jll_row(acc, data, indices, q0, q1, last, Wt, bw, 8, posterior, proba); break;
            case 16: csr_jll_row(acc, data, indices, q0, q1, last, Wt, bw, 16, posterior, proba); break;
            case 24: csr_jll_row(acc, data, indices, q0, q1, last, Wt, bw, 24, posterior, proba); break;
            case 32: csr_jll_row(acc, data, indices, q0, q1, last, Wt, bw, 32, posterior, proba); break;
            default: csr_jll_row(acc, data, indices, q0, q1, last, Wt, bw, w, posterior, proba);
            }
            memcpy(out + i * c, acc, sizeof(double) * (size_t)c);
        }
    }
    mlc_free(Wt);
    return MLC_OK;
}

/* ---- GaussianNB ---------------------------------------------------------------------------------- */

int MLC_ISA(mlc_naive_bayes_gaussian_update)(double *theta, double *var, double *class_count,
                                             double *epsilon, const double *X, const int32_t *y,
                                             const double *w, int64_t n, int64_t d, int64_t c,
                                             double var_smoothing, int n_threads) {
    if (!codes_valid(y, n, c)) return MLC_EINVAL;
    const int64_t cd = c * d;
    // S | mean | Q (C, D each), then W | count (C each), colmean | colq (D each), zeroed
    double *S = mlc_malloc(sizeof(double) * (size_t)(3 * cd + 2 * c + 2 * d));
    if (S == NULL) return MLC_ENOMEM;
    memset(S, 0, sizeof(double) * (size_t)(3 * cd + 2 * c + 2 * d));
    double *mean = S + cd, *Q = mean + cd, *W = Q + cd, *count = W + c, *colmean = count + c, *colq = colmean + d;
    const int nthr = column_team(n * d * MLC_WORK_STREAM, d, n_threads);
    class_totals(W, count, y, w, n);
    class_sums(S, X, y, w, n, d, nthr);
#pragma omp parallel num_threads(nthr)
    {
        int64_t j0, j1;
        own_columns(d, &j0, &j1);
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = j0; j < j1; j++) colmean[j] += X[i * d + j];
        for (int64_t j = j0; j < j1; j++) {
            colmean[j] /= (double)n;
            for (int64_t k = 0; k < c; k++) mean[k * d + j] = W[k] != 0.0 ? S[k * d + j] / W[k] : 0.0;
        }
        // the second pass: squared deviations from each class's batch mean (weighted) and from the
        // column mean (unweighted, for epsilon)
        for (int64_t i = 0; i < n; i++) {
            const double wi = w != NULL ? w[i] : 1.0;
            const double *x = X + i * d, *m = mean + (int64_t)y[i] * d;
            double *q = Q + (int64_t)y[i] * d;
#pragma omp simd
            for (int64_t j = j0; j < j1; j++) {
                const double r = x[j] - m[j], s = x[j] - colmean[j];
                q[j] += wi * (r * r);
                colq[j] += s * s;
            }
        }
    }
    double vmax = 0.0; // np.max(np.var(X, axis=0))
    for (int64_t j = 0; j < d && n > 0; j++) {
        const double v = colq[j] / (double)n;
        if (j == 0 || v > vmax) vmax = v;
    }
    const double eps = var_smoothing * vmax;
    *epsilon = eps;
    for (int64_t q = 0; q < cd; q++) var[q] -= eps;
    for (int64_t k = 0; k < c; k++) {
        const double n1 = W[k], n0 = class_count[k];
        if (count[k] == 0.0) continue;  // a class absent from the batch keeps its statistics
        class_count[k] = n0 + n1;
        if (w != NULL && fabs(n1) <= 1e-8) continue;
        double *th = theta + k * d, *v = var + k * d;
        const double *m = mean + k * d, *q = Q + k * d;
        if (n0 == 0.0) {
            for (int64_t j = 0; j < d; j++) {
                th[j] = m[j];
                v[j] = q[j] / n1;
            }
            continue;
        }
        const double nt = n0 + n1;
        for (int64_t j = 0; j < d; j++) {
            const double dm = th[j] - m[j];
            th[j] = (n1 * m[j] + n0 * th[j]) / nt;
            v[j] = (n0 * v[j] + n1 * (q[j] / n1) + (n1 * n0 / nt) * dm * dm) / nt;
        }
    }
    for (int64_t q = 0; q < cd; q++) var[q] += eps;
    mlc_free(S);
    return MLC_OK;
}

int MLC_ISA(mlc_naive_bayes_gaussian_jll)(double *jll, const double *X, const double *theta,
                                          const double *var, const double *log_prior, int64_t n, int64_t d,
                                          int64_t c, int n_threads) {
    // (x - theta)^2 / var directly, not the GEMM of x^2 and x: that form cancels where a class's
    // variance is tiny (a constant feature: var = epsilon) and scikit-learn's numbers are kept
    double *ivar = mlc_malloc(sizeof(double) * (size_t)(c * d + c));
    if (ivar == NULL) return MLC_ENOMEM;
    double *cst = ivar + c * d;
    for (int64_t k = 0; k < c; k++) {
        double s = 0.0;
        for (int64_t j = 0; j < d; j++) {
            s += log(2.0 * 3.141592653589793 * var[k * d + j]);
            ivar[k * d + j] = 1.0 / var[k * d + j];
        }
        cst[k] = -0.5 * s;
    }
    const int nthr = mlc_team_size(n * c * d * 3, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t b = 0; b < n; b += NB_ROW_BLOCK) {
        const int64_t e = MLC_MIN(n, b + NB_ROW_BLOCK);
        for (int64_t k = 0; k < c; k++) {
            const double *th = theta + k * d, *iv = ivar + k * d;
            for (int64_t i = b; i < e; i++) {
                const double *x = X + i * d;
                double s = 0.0;
#pragma omp simd reduction(+ : s)
                for (int64_t j = 0; j < d; j++) {
                    const double r = x[j] - th[j];
                    s += r * r * iv[j];
                }
                jll[i * c + k] = log_prior[k] + (cst[k] - 0.5 * s);
            }
        }
    }
    mlc_free(ivar);
    return MLC_OK;
}

/* ---- CategoricalNB ------------------------------------------------------------------------------- */

static int categories_valid(const int64_t *X, const int64_t *offset, int64_t n, int64_t d, int64_t c) {
    for (int64_t j = 0; j <= d; j++)
        if (offset[j] < 0 || (j > 0 && (offset[j] < offset[j - 1] || (offset[j] - offset[j - 1]) % c != 0)))
            return 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < d; j++)
            if (X[i * d + j] < 0 || X[i * d + j] >= (offset[j + 1] - offset[j]) / c) return 0;
    return 1;
}

int MLC_ISA(mlc_naive_bayes_category_count)(double *category_count, double *class_count, const int64_t *X,
                                            const int64_t *offset, const int32_t *y, const double *w,
                                            int64_t n, int64_t d, int64_t c, int n_threads) {
    if (!codes_valid(y, n, c) || !categories_valid(X, offset, n, d, c)) return MLC_EINVAL;
    class_totals(class_count, NULL, y, w, n);
    const int nthr = column_team(n * d * MLC_WORK_STREAM, d, n_threads);
#pragma omp parallel num_threads(nthr)
    {
        int64_t j0, j1;
        own_columns(d, &j0, &j1);
        for (int64_t i = 0; i < n; i++) {
            const double wi = w != NULL ? w[i] : 1.0;
            const int64_t *x = X + i * d, k = y[i];
            for (int64_t j = j0; j < j1; j++)
                category_count[offset[j] + k * ((offset[j + 1] - offset[j]) / c) + x[j]] += wi;
        }
    }
    return MLC_OK;
}

int MLC_ISA(mlc_naive_bayes_categorical_jll)(double *jll, const int64_t *X, const double *log_prob,
                                             const int64_t *offset, const double *log_prior, int64_t n,
                                             int64_t d, int64_t c, int n_threads) {
    if (!categories_valid(X, offset, n, d, c)) return MLC_EINVAL;
    const int nthr = mlc_team_size(n * c * d * MLC_WORK_STREAM, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        double *o = jll + i * c;
        const int64_t *x = X + i * d;
        for (int64_t k = 0; k < c; k++) o[k] = 0.0;
        for (int64_t j = 0; j < d; j++) {
            const int64_t kj = (offset[j + 1] - offset[j]) / c;
            const double *lp = log_prob + offset[j] + x[j];
            for (int64_t k = 0; k < c; k++) o[k] += lp[k * kj];
        }
        for (int64_t k = 0; k < c; k++) o[k] += log_prior[k];
    }
    return MLC_OK;
}
