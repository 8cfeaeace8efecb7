/* scatter.c: class order, class means, scatter matrices and their shrinkage (see scatter.h). */
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/enums.h"
#include "core/linalg.h"
#include "core/reduce.h"
#include "discriminant_analysis/scatter.h"

#define DA_BLOCK 128       /* rows per syrk block: the block and its next stay in L2 */
#define DA_CHUNKS 8        /* the fixed partition of a pass (thread-count independent) */

int mlc_discriminant_analysis_work_init(mlc_discriminant_analysis_work *w, const int32_t *y, int64_t n,
                                        int64_t d, int64_t c) {
    memset(w, 0, sizeof *w);
    /* fewer chunks when their D x D partials would pass 64 MiB */
    w->chunks = MLC_MAX(1, MLC_MIN(DA_CHUNKS, ((int64_t)64 << 20) / (d * d * (int64_t)sizeof(double))));
    w->order = mlc_malloc(sizeof(int64_t) * (size_t)n);
    w->start = mlc_malloc(sizeof(int64_t) * (size_t)(c + 1));
    w->part = mlc_malloc(sizeof(double) * (size_t)(w->chunks * (d * d + d)));
    w->buf = mlc_malloc(sizeof(double) * (size_t)(w->chunks * (DA_BLOCK * d + 8)));
    if (w->order == NULL || w->start == NULL || w->part == NULL || w->buf == NULL) return MLC_ENOMEM;
    memset(w->buf, 0, sizeof(double) * (size_t)(w->chunks * (DA_BLOCK * d + 8)));
    /* counting sort: start[k + 1] counts class k, then the prefix sums place the rows */
    memset(w->start, 0, sizeof(int64_t) * (size_t)(c + 1));
    for (int64_t i = 0; i < n; i++) {
        if (y[i] < 0 || y[i] >= c) return MLC_EINVAL;
        w->start[y[i] + 1]++;
    }
    for (int64_t k = 0; k < c; k++) {
        if (w->start[k + 1] == 0) return MLC_EINVAL;
        w->start[k + 1] += w->start[k];
    }
    int64_t *next = mlc_malloc(sizeof(int64_t) * (size_t)c);
    if (next == NULL) return MLC_ENOMEM;
    memcpy(next, w->start, sizeof(int64_t) * (size_t)c);
    for (int64_t i = 0; i < n; i++) w->order[next[y[i]]++] = i;
    mlc_free(next);
    return MLC_OK;
}

void mlc_discriminant_analysis_work_free(mlc_discriminant_analysis_work *w) {
    mlc_free(w->order);
    mlc_free(w->start);
    mlc_free(w->part);
    mlc_free(w->buf);
    memset(w, 0, sizeof *w);
}

/* The chunks of rows r0 .. r1 and the team for `work` steps on them. */
static mlc_chunks chunks_of(const mlc_discriminant_analysis_work *w, int64_t r0, int64_t r1) {
    return mlc_chunks_even(r1 - r0, DA_BLOCK, w->chunks);
}

static int team(mlc_chunks ch, int64_t work, int n_threads) {
    return ch.count > 1 ? (int)MLC_MIN(ch.count, mlc_team_size(work, n_threads)) : 1;
}

void mlc_discriminant_analysis_mean(double *mean, const double *X, const mlc_discriminant_analysis_work *w,
                                    int64_t r0, int64_t r1, int64_t d, int n_threads) {
    const mlc_chunks ch = chunks_of(w, r0, r1);
    const int64_t *rows = w->order + r0;
#pragma omp parallel for num_threads(team(ch, (r1 - r0) * d, n_threads)) schedule(static)
    for (int64_t c = 0; c < ch.count; c++) {
        double *acc = w->part + c * d;
        memset(acc, 0, sizeof(double) * (size_t)d);
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const double *x = X + rows[i] * d;
#pragma omp simd
            for (int64_t j = 0; j < d; j++) acc[j] += x[j];
        }
    }
    mlc_chunks_merge(mean, w->part, ch.count, d, d);
    for (int64_t j = 0; j < d; j++) mean[j] /= (double)(r1 - r0);
}

void mlc_discriminant_analysis_scatter(double *S, const double *mean, const double *X,
                                       const mlc_discriminant_analysis_work *w, int64_t r0, int64_t r1,
                                       int64_t d, int n_threads) {
    const mlc_chunks ch = chunks_of(w, r0, r1);
    const int64_t *rows = w->order + r0;
    const int nthr = team(ch, (r1 - r0) * d * d, n_threads);
    if (nthr > 1) mlc_blas_single_begin();
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t c = 0; c < ch.count; c++) {
        double *Sc = w->part + c * d * d, *buf = w->buf + c * (DA_BLOCK * d + 8);
        const int64_t i1 = mlc_chunk_end(ch, c);
        memset(Sc, 0, sizeof(double) * (size_t)(d * d));
        for (int64_t i0 = mlc_chunk_begin(ch, c); i0 < i1; i0 += DA_BLOCK) {
            const int64_t b = MLC_MIN(DA_BLOCK, i1 - i0);
            for (int64_t i = 0; i < b; i++) {
                const double *x = X + rows[i0 + i] * d;
                double *o = buf + i * d;
#pragma omp simd
                for (int64_t j = 0; j < d; j++) o[j] = x[j] - mean[j];
            }
            /* buf row-major (b, D) is the column-major (D, b) matrix B^T: S += B^T B (lower) */
            mlc_linalg_syrk_f64(Sc, buf, d, b, NULL, 0);
        }
    }
    if (nthr > 1) mlc_blas_single_end();
    mlc_chunks_merge(S, w->part, ch.count, d * d, d * d);
    for (int64_t j = 0; j < d; j++)
        for (int64_t i = j + 1; i < d; i++) S[i * d + j] = S[j * d + i];
}

/* sum_i (sum_j (x_ij - mean_j)^2 inv_var_j)^2 over the rows: the fourth moment in Ledoit-Wolf's beta. */
static double quartic(const double *X, const double *mean, const double *inv_var,
                      const mlc_discriminant_analysis_work *w, int64_t r0, int64_t r1, int64_t d, int n_threads) {
    const mlc_chunks ch = chunks_of(w, r0, r1);
    const int64_t *rows = w->order + r0;
#pragma omp parallel for num_threads(team(ch, 3 * (r1 - r0) * d, n_threads)) schedule(static)
    for (int64_t c = 0; c < ch.count; c++) {
        double acc = 0.0;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const double *x = X + rows[i] * d;
            double q = 0.0;
#pragma omp simd reduction(+ : q)
            for (int64_t j = 0; j < d; j++) q += (x[j] - mean[j]) * (x[j] - mean[j]) * inv_var[j];
            acc += q * q;
        }
        w->part[c] = acc;
    }
    return mlc_chunks_sum(w->part, ch.count);
}

/* Ledoit-Wolf on the standardised rows z = (x - mean) / scale (scikit-learn: StandardScaler, whose
 * scale is 1 for a constant feature, then ledoit_wolf, then the scale put back):
 *   C~ = cov / (scale scale^T), mu = tr(C~) / D, delta = (|C~|_F^2 - D mu^2) / D,
 *   beta = min(delta, (sum_i |z_i|^4 / m - |C~|_F^2) / (D m)), s = beta / delta,
 *   cov <- (1 - s) cov + s mu diag(scale^2). */
static void ledoit_wolf(double *cov, const double *mean, const double *X, const mlc_discriminant_analysis_work *w,
                        int64_t r0, int64_t r1, int64_t d, int n_threads) {
    if (d == 1) return; /* one feature: the same whatever the shrinkage (scikit-learn returns 0) */
    const double m = (double)(r1 - r0);
    double *scale2 = w->buf, *inv_var = w->buf + d; /* the pass below does not use buf */
    for (int64_t j = 0; j < d; j++) {
        const double var = cov[j * d + j], bound = m * mean[j] * DBL_EPSILON;
        /* scikit-learn's _is_constant_feature: var within the rounding of its computation */
        scale2[j] = var <= m * DBL_EPSILON * var + bound * bound ? 1.0 : var;
        inv_var[j] = 1.0 / scale2[j];
    }
    double trace = 0.0, frob = 0.0;
    for (int64_t i = 0; i < d; i++) {
        trace += cov[i * d + i] * inv_var[i];
        for (int64_t j = 0; j < d; j++) {
            const double v = cov[i * d + j] / sqrt(scale2[i] * scale2[j]);
            frob += v * v;
        }
    }
    const double mu = trace / (double)d;
    const double beta_ = quartic(X, mean, inv_var, w, r0, r1, d, n_threads);
    double beta = (beta_ / m - frob) / ((double)d * m);
    const double delta = (frob - 2.0 * mu * trace + (double)d * mu * mu) / (double)d;
    beta = MLC_MIN(beta, delta);
    const double s = beta == 0.0 ? 0.0 : beta / delta;
    for (int64_t k = 0; k < d * d; k++) cov[k] *= 1.0 - s;
    for (int64_t j = 0; j < d; j++) cov[j * d + j] += s * mu * scale2[j];
}

void mlc_discriminant_analysis_shrink(double *cov, const double *mean, const double *X,
                                      const mlc_discriminant_analysis_work *w, int64_t r0, int64_t r1,
                                      int64_t d, int shrinkage, double alpha, int n_threads) {
    if (shrinkage == MLC_DA_SHRINKAGE_AUTO) {
        ledoit_wolf(cov, mean, X, w, r0, r1, d, n_threads);
    } else if (shrinkage == MLC_DA_SHRINKAGE_FIXED) {
        double trace = 0.0;
        for (int64_t j = 0; j < d; j++) trace += cov[j * d + j];
        for (int64_t k = 0; k < d * d; k++) cov[k] *= 1.0 - alpha;
        for (int64_t j = 0; j < d; j++) cov[j * d + j] += alpha * trace / (double)d;
    }
}
