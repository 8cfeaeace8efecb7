/* naive_bayes.c: the naive Bayes kernels (see naive_bayes.h).
 *
 * Every sum over rows goes through chunked_sum: a fixed set of row chunks (at most NB_CHUNKS, fewer
 * when their float64 partials would pass NB_PARTIAL_BYTES) each fills its own partial, and the
 * partials are added in chunk order, so the bits do not depend on the thread count. The joint
 * log-likelihoods write each output row from its own input row: no reduction.
 */
#include "naive_bayes/naive_bayes.h"

#include <math.h>
#include <string.h>

#include "blas.h"
#include "core/reduce.h"
#include "core/sparse.h"
#include "core/vmath.h"

#define NB_CHUNKS 8
#define NB_MIN_ROWS 2048
#define NB_PARTIAL_BYTES ((int64_t)64 << 20)
#define NB_ROW_BLOCK 64

const char *mlc_naive_bayes_check_params(int64_t c) {
    if (c < 1) return "naive Bayes needs at least one class";
    if (c > INT32_MAX) return "too many classes";
    return NULL;
}

static int codes_valid(const int32_t *y, int64_t n, int64_t c) {
    for (int64_t i = 0; i < n; i++)
        if (y[i] < 0 || y[i] >= c) return 0;
    return 1;
}

/* One chunk's rows [i0, i1) summed into acc (len, zeroed). */
typedef void (*chunk_fn)(double *acc, int64_t i0, int64_t i1, const void *ctx);

/* out (len) out = the sum over the rows [0, n) that fn accumulates, chunk partials merged in order;
 * work: the elementary steps of the whole pass (mlc_team_size). */
static int chunked_sum(double *out, int64_t len, int64_t n, int64_t work, chunk_fn fn, const void *ctx,
                       int n_threads) {
    const int64_t per = MLC_MAX(1, len * (int64_t)sizeof(double));
    const mlc_chunks ch = mlc_chunks_even(n, NB_MIN_ROWS, MLC_MAX(1, MLC_MIN(NB_CHUNKS, NB_PARTIAL_BYTES / per)));
    if (ch.count <= 1) {
        memset(out, 0, sizeof(double) * (size_t)len);
        if (n > 0) fn(out, 0, n, ctx);
        return MLC_OK;
    }
    double *part = mlc_malloc(sizeof(double) * (size_t)(ch.count * len));
    if (part == NULL) return MLC_ENOMEM;
    const int nthr = (int)MLC_MIN(ch.count, mlc_team_size(work, n_threads));
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t k = 0; k < ch.count; k++) {
        double *acc = part + k * len;
        memset(acc, 0, sizeof(double) * (size_t)len);
        fn(acc, mlc_chunk_begin(ch, k), mlc_chunk_end(ch, k), ctx);
    }
    mlc_chunks_merge(out, part, ch.count, len, len);
    mlc_free(part);
    return MLC_OK;
}

/* ---- per-class sums (count models, Gaussian pass 1) --------------------------------------------- */

typedef struct {
    const double *X, *data, *w, *mean;
    const int32_t *y, *indices;
    const int64_t *indptr, *Xi, *offset;
    int64_t d, c;
} nb_ctx;

/* acc: S (C, D) | W (C) */
static void sum_dense(double *acc, int64_t i0, int64_t i1, const void *p) {
    const nb_ctx *t = p;
    const int64_t d = t->d;
    double *W = acc + t->c * d;
    for (int64_t i = i0; i < i1; i++) {
        const double wi = t->w != NULL ? t->w[i] : 1.0;
        const double *x = t->X + i * d;
        double *s = acc + (int64_t)t->y[i] * d;
#pragma omp simd
        for (int64_t j = 0; j < d; j++) s[j] += wi * x[j];
        W[t->y[i]] += wi;
    }
}

static void sum_csr(double *acc, int64_t i0, int64_t i1, const void *p) {
    const nb_ctx *t = p;
    double *W = acc + t->c * t->d;
    for (int64_t i = i0; i < i1; i++) {
        const double wi = t->w != NULL ? t->w[i] : 1.0;
        double *s = acc + (int64_t)t->y[i] * t->d;
        for (int64_t q = t->indptr[i]; q < t->indptr[i + 1]; q++) s[t->indices[q]] += wi * t->data[q];
        W[t->y[i]] += wi;
    }
}

/* Adds the merged sums S (C, D) | W (C) to feature_count and class_count. */
static int count_into(double *feature_count, double *class_count, int64_t work, chunk_fn fn, const nb_ctx *t,
                      int64_t n, int n_threads) {
    const int64_t cd = t->c * t->d, len = cd + t->c;
    double *sum = mlc_malloc(sizeof(double) * (size_t)len);
    if (sum == NULL) return MLC_ENOMEM;
    const int st = chunked_sum(sum, len, n, work, fn, t, n_threads);
    if (st == MLC_OK) {
        for (int64_t q = 0; q < cd; q++) feature_count[q] += sum[q];
        for (int64_t k = 0; k < t->c; k++) class_count[k] += sum[cd + k];
    }
    mlc_free(sum);
    return st;
}

int mlc_naive_bayes_count(double *feature_count, double *class_count, const double *X, const int32_t *y,
                          const double *w, int64_t n, int64_t d, int64_t c, int n_threads) {
    if (!codes_valid(y, n, c)) return MLC_EINVAL;
    const nb_ctx t = {.X = X, .w = w, .y = y, .d = d, .c = c};
    return count_into(feature_count, class_count, n * d * MLC_WORK_STREAM, sum_dense, &t, n, n_threads);
}

int mlc_naive_bayes_count_csr(double *feature_count, double *class_count, const double *data,
                              const int32_t *indices, const int64_t *indptr, const int32_t *y,
                              const double *w, int64_t n, int64_t d, int64_t c, int n_threads) {
    if (!codes_valid(y, n, c)) return MLC_EINVAL;
    const nb_ctx t = {.data = data, .indices = indices, .indptr = indptr, .w = w, .y = y, .d = d, .c = c};
    return count_into(feature_count, class_count, (indptr[n] + n) * MLC_WORK_STREAM, sum_csr, &t, n, n_threads);
}

/* ---- the linear joint log-likelihood and the posterior ------------------------------------------- */

int mlc_naive_bayes_jll(double *jll, const double *X, const double *Wt, const double *bias, int64_t n,
                        int64_t d, int64_t c, int n_threads) {
    (void)n_threads; /* BLAS runs with mlc's thread count (mlc_blas_begin decides small calls) */
    for (int64_t i = 0; i < n; i++) memcpy(jll + i * c, bias, sizeof(double) * (size_t)c);
    if (n > 0 && d > 0)
        mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)n, (mlc_blasint)c,
                        (mlc_blasint)d, 1.0, X, (mlc_blasint)d, Wt, (mlc_blasint)c, 1.0, jll, (mlc_blasint)c);
    return MLC_OK;
}

int mlc_naive_bayes_jll_csr(double *jll, const double *data, const int32_t *indices, const int64_t *indptr,
                            const double *Wt, const double *bias, int64_t n, int64_t d, int64_t c,
                            int n_threads) {
    const int st = mlc_sparse_csr_mm_f64(jll, data, indices, indptr, Wt, n, d, c, n_threads);
    if (st != MLC_OK) return st;
    const int nthr = mlc_team_size(n * c * MLC_WORK_STREAM, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < c; k++) jll[i * c + k] += bias[k];
    return MLC_OK;
}

int mlc_naive_bayes_normalize(double *out, int64_t n, int64_t c, int proba, int n_threads) {
    const int nthr = mlc_team_size(n * c * MLC_EXP_WORK * (proba ? 2 : 1), n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        double *o = out + i * c;
        const double lse = mlc_vlogsumexp_f64(o, c);
        for (int64_t k = 0; k < c; k++) o[k] -= lse;
        if (proba) mlc_vexp_f64(o, o, c);
    }
    return MLC_OK;
}

/* ---- GaussianNB ---------------------------------------------------------------------------------- */

/* pass 2: acc = Q (C, D) | colq (D): the weighted squared deviations from each class's batch mean
 * t->mean (C, D), and the unweighted ones from the column mean t->mean + C D. */
static void ssd_dense(double *acc, int64_t i0, int64_t i1, const void *p) {
    const nb_ctx *t = p;
    const int64_t d = t->d;
    const double *colmean = t->mean + t->c * d;
    double *colq = acc + t->c * d;
    for (int64_t i = i0; i < i1; i++) {
        const double wi = t->w != NULL ? t->w[i] : 1.0;
        const double *x = t->X + i * d, *m = t->mean + (int64_t)t->y[i] * d;
        double *q = acc + (int64_t)t->y[i] * d;
#pragma omp simd
        for (int64_t j = 0; j < d; j++) {
            const double r = x[j] - m[j], s = x[j] - colmean[j];
            q[j] += wi * (r * r);
            colq[j] += s * s;
        }
    }
}

/* pass 1 for the column mean too: acc = S (C, D) | W (C) | colsum (D) | count (C) */
static void sum_gaussian(double *acc, int64_t i0, int64_t i1, const void *p) {
    const nb_ctx *t = p;
    const int64_t d = t->d, c = t->c;
    sum_dense(acc, i0, i1, p);
    double *colsum = acc + c * d + c, *count = colsum + d;
    for (int64_t i = i0; i < i1; i++) {
        const double *x = t->X + i * d;
#pragma omp simd
        for (int64_t j = 0; j < d; j++) colsum[j] += x[j];
        count[t->y[i]] += 1.0;
    }
}

int mlc_naive_bayes_gaussian_update(double *theta, double *var, double *class_count, double *epsilon,
                                    const double *X, const int32_t *y, const double *w, int64_t n,
                                    int64_t d, int64_t c, double var_smoothing, int n_threads) {
    if (!codes_valid(y, n, c)) return MLC_EINVAL;
    const int64_t cd = c * d, len1 = cd + c + d + c, len2 = cd + d;
    const int64_t work = n * d * MLC_WORK_STREAM;
    mlc_arena a = {0};
    double *s1 = NULL, *mean = NULL, *s2 = NULL;
    for (int pass = 0; pass < 2; pass++) {
        s1 = mlc_arena_take(&a, sizeof(double) * (size_t)len1);
        mean = mlc_arena_take(&a, sizeof(double) * (size_t)(cd + d));
        s2 = mlc_arena_take(&a, sizeof(double) * (size_t)len2);
        if (pass == 0 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
    }
    nb_ctx t = {.X = X, .w = w, .y = y, .d = d, .c = c, .mean = mean};
    int st = chunked_sum(s1, len1, n, work, sum_gaussian, &t, n_threads);
    if (st != MLC_OK) goto done;
    const double *S = s1, *W = s1 + cd, *colsum = W + c, *count = colsum + d;
    for (int64_t k = 0; k < c; k++)
        for (int64_t j = 0; j < d; j++) mean[k * d + j] = W[k] != 0.0 ? S[k * d + j] / W[k] : 0.0;
    for (int64_t j = 0; j < d; j++) mean[cd + j] = n > 0 ? colsum[j] / (double)n : 0.0;
    st = chunked_sum(s2, len2, n, work, ssd_dense, &t, n_threads);
    if (st != MLC_OK) goto done;
    double vmax = 0.0; // np.max(np.var(X, axis=0))
    for (int64_t j = 0; j < d && n > 0; j++) {
        const double v = s2[cd + j] / (double)n;
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
        const double *m = mean + k * d, *q = s2 + k * d;
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
done:
    mlc_free(a.base);
    return st;
}

int mlc_naive_bayes_gaussian_jll(double *jll, const double *X, const double *theta, const double *var,
                                 const double *log_prior, int64_t n, int64_t d, int64_t c, int n_threads) {
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

/* acc = counts (offset[D]) | W (C) */
static void sum_categories(double *acc, int64_t i0, int64_t i1, const void *p) {
    const nb_ctx *t = p;
    const int64_t d = t->d, c = t->c;
    double *W = acc + t->offset[d];
    for (int64_t i = i0; i < i1; i++) {
        const double wi = t->w != NULL ? t->w[i] : 1.0;
        const int64_t *x = t->Xi + i * d, k = t->y[i];
        for (int64_t j = 0; j < d; j++) {
            const int64_t kj = (t->offset[j + 1] - t->offset[j]) / c;
            acc[t->offset[j] + k * kj + x[j]] += wi;
        }
        W[k] += wi;
    }
}

static int categories_valid(const int64_t *X, const int64_t *offset, int64_t n, int64_t d, int64_t c) {
    for (int64_t j = 0; j <= d; j++)
        if (offset[j] < 0 || (j > 0 && (offset[j] < offset[j - 1] || (offset[j] - offset[j - 1]) % c != 0)))
            return 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < d; j++)
            if (X[i * d + j] < 0 || X[i * d + j] >= (offset[j + 1] - offset[j]) / c) return 0;
    return 1;
}

int mlc_naive_bayes_category_count(double *category_count, double *class_count, const int64_t *X,
                                   const int64_t *offset, const int32_t *y, const double *w, int64_t n,
                                   int64_t d, int64_t c, int n_threads) {
    if (!codes_valid(y, n, c) || !categories_valid(X, offset, n, d, c)) return MLC_EINVAL;
    const int64_t len = offset[d] + c;
    double *sum = mlc_malloc(sizeof(double) * (size_t)len);
    if (sum == NULL) return MLC_ENOMEM;
    const nb_ctx t = {.Xi = X, .offset = offset, .w = w, .y = y, .d = d, .c = c};
    const int st = chunked_sum(sum, len, n, n * d * MLC_WORK_STREAM, sum_categories, &t, n_threads);
    if (st == MLC_OK) {
        for (int64_t q = 0; q < offset[d]; q++) category_count[q] += sum[q];
        for (int64_t k = 0; k < c; k++) class_count[k] += sum[offset[d] + k];
    }
    mlc_free(sum);
    return st;
}

int mlc_naive_bayes_categorical_jll(double *jll, const int64_t *X, const double *log_prob,
                                    const int64_t *offset, const double *log_prior, int64_t n, int64_t d,
                                    int64_t c, int n_threads) {
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
