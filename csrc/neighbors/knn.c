/* knn.c: brute-force k nearest neighbours (see knn.h). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "metrics/distance.h"
#include "neighbors/knn.h"

const char *mlc_knn_check_params(int64_t k, int64_t m, int metric, int weights) {
    if (k < 1) return "n_neighbors must be >= 1";
    if (k > m) return "n_neighbors must be <= the number of fitted samples";
    if (weights != MLC_WEIGHTS_UNIFORM && weights != MLC_WEIGHTS_DISTANCE) return "unknown weights code";
    return mlc_distance_check_params(metric);
}

/* Push row i's distances to Y rows j0..j0+by into its heap. raw (BY) in: the raw tile row.
 * Most values cannot enter a full heap: a cheap, vectorised estimate of each (no refinement, no
 * clipping) rejects a chunk of 8 at once against the heap's worst, and only the chunks with a
 * candidate pay for mlc_distance_finish and the heap. The estimate errs by far less than the
 * margin, so no value that belongs in the heap is rejected. */
static void select_row(double *vals, int64_t *idx, int64_t *size, int64_t k, const double *raw,
                       const mlc_dist_rows *X, int64_t i, const mlc_dist_rows *Y, int64_t j0, int64_t by,
                       int metric) {
    const double ax = metric == MLC_METRIC_MANHATTAN ? 0.0 : X->aux[i];
    const double *ay = metric == MLC_METRIC_MANHATTAN ? NULL : Y->aux + j0;
    const int angular = metric == MLC_METRIC_COSINE || metric == MLC_METRIC_CORRELATION;
    int64_t j = 0;
    for (; j < by && *size < k; j++)
        mlc_topk_push(vals, idx, size, k, mlc_distance_finish(raw[j], X, i, Y, j0 + j, metric), j0 + j);
    // slack: the estimate differs from the finished value by rounding, clipping to [0, 2] or the
    // refinement of near-zero squared distances (below MLC_DIST_REFINE of the norms)
    const double slack = 1e-6 * (1.0 + (metric == MLC_METRIC_MANHATTAN ? 0.0 : ax));
    for (; j < by; j += 8) {
        const int64_t len = MLC_MIN(8, by - j);
        const double worst = vals[0] + slack;
        int any = 0;
        if (metric == MLC_METRIC_MANHATTAN) {
            for (int64_t t = 0; t < len; t++) any |= raw[j + t] < worst;
        } else if (angular) {
#pragma omp simd reduction(| : any)
            for (int64_t t = 0; t < len; t++) any |= 1.0 - raw[j + t] * ax * ay[j + t] < worst;
        } else {
#pragma omp simd reduction(| : any)
            for (int64_t t = 0; t < len; t++)
                any |= (ax + ay[j + t]) - 2.0 * raw[j + t] < worst + MLC_DIST_REFINE * ay[j + t];
        }
        if (!any) continue;
        for (int64_t t = 0; t < len; t++)
            mlc_topk_push(vals, idx, size, k, mlc_distance_finish(raw[j + t], X, i, Y, j0 + j + t, metric),
                          j0 + j + t);
    }
}

static int kneighbors(double *dist, int64_t *ind, const mlc_dist_rows *rx, const mlc_dist_rows *ry,
                      int64_t k, int metric, int n_threads, const mlc_progress *p) {
    const int64_t n = rx->rows, m = ry->rows;
    // a block's heaps hold bx * k entries: keep them near a MiB when k is large
    const int64_t bx = MLC_MAX(1, MLC_MIN(MLC_DIST_BX, (int64_t)65536 / k));
    const int64_t nblocks = (n + bx - 1) / bx;
    int stop = 0, nomem = 0;
    mlc_blas_single_begin();
#pragma omp parallel num_threads(n_threads)
    {
        double *tile = mlc_malloc(sizeof(double) * bx * MLC_DIST_BY);
        double *hv = mlc_malloc(sizeof(double) * bx * k);
        int64_t *hi = mlc_malloc(sizeof(int64_t) * bx * k);
        int64_t *hs = mlc_malloc(sizeof(int64_t) * bx);
        int ok = tile && hv && hi && hs;
        if (!ok) {
#pragma omp atomic write
            nomem = 1;
        }
        
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < nblocks; b++) {
            int halt;
#pragma omp atomic read
            halt = stop;
            if (halt || !ok) continue;
            const int64_t i0 = b * bx, nb = MLC_MIN(bx, n - i0);
            memset(hs, 0, sizeof(int64_t) * nb);
            for (int64_t j0 = 0; j0 < m; j0 += MLC_DIST_BY) {
                const int64_t by = MLC_MIN(MLC_DIST_BY, m - j0);
                mlc_distance_tile(tile, MLC_DIST_BY, rx, i0, nb, ry, j0, by, metric, 1);
                for (int64_t r = 0; r < nb; r++)
                    select_row(hv + r * k, hi + r * k, &hs[r], k, tile + r * MLC_DIST_BY, rx, i0 + r,
                               ry, j0, by, metric);
            }
            for (int64_t r = 0; r < nb; r++) {
                mlc_topk_sort(hv + r * k, hi + r * k, k);
                for (int64_t t = 0; t < k; t++) {
                    dist[(i0 + r) * k + t] = mlc_distance_unreduce(hv[r * k + t], metric);
                    ind[(i0 + r) * k + t] = hi[r * k + t];
                }
            }
            if (omp_get_thread_num() == 0 && mlc_progress_tick(p, b, nblocks)) {
#pragma omp atomic write
                stop = 1;
            }
        }
        
        mlc_free(tile);
        mlc_free(hv);
        mlc_free(hi);
        mlc_free(hs);
    }
    mlc_blas_single_end();
    if (nomem) return MLC_ENOMEM;
    return stop ? MLC_EINTERRUPTED : MLC_OK;
}

#define DEFINE_KNEIGHBORS(SUFFIX, T)                                                              \
    int mlc_knn_kneighbors_##SUFFIX(double *dist, int64_t *ind, const T *X, const T *Y, int64_t n, \
                                    int64_t m, int64_t d, int64_t k, int metric, int n_threads,    \
                                    const mlc_progress *p) {                                       \
        if (mlc_knn_check_params(k, m, metric, MLC_WEIGHTS_UNIFORM)) return MLC_EINVAL;            \
        mlc_dist_rows rx, ry;                                                                      \
        int st = mlc_distance_rows_##SUFFIX(&rx, X, n, d, metric);                                 \
        if (st == MLC_OK) st = mlc_distance_rows_##SUFFIX(&ry, Y, m, d, metric);                   \
        else memset(&ry, 0, sizeof ry);                                                            \
        if (st == MLC_OK) st = kneighbors(dist, ind, &rx, &ry, k, metric, n_threads, p);           \
        mlc_distance_rows_free(&rx);                                                               \
        mlc_distance_rows_free(&ry);                                                               \
        return st;                                                                                 \
    }

DEFINE_KNEIGHBORS(f64, double)
DEFINE_KNEIGHBORS(f32, float)

/* w (K) out: the weights of one row's neighbours; returns their sum. */
static double row_weights(double *w, const double *dist, int64_t k, int weights) {
    if (weights == MLC_WEIGHTS_UNIFORM) {
        for (int64_t t = 0; t < k; t++) w[t] = 1.0;
        return (double)k;
    }
    int any_zero = 0;
    for (int64_t t = 0; t < k; t++) any_zero |= dist[t] == 0.0;
    double sum = 0.0;
    for (int64_t t = 0; t < k; t++) {
        w[t] = any_zero ? (dist[t] == 0.0 ? 1.0 : 0.0) : 1.0 / dist[t];
        sum += w[t];
    }
    return sum;
}

int mlc_knn_vote(double *proba, const int64_t *ind, const double *dist, const int32_t *y, int64_t n,
                 int64_t k, int64_t c, int weights) {
    double *w = mlc_malloc(sizeof(double) * k);
    if (w == NULL) return MLC_ENOMEM;
    for (int64_t i = 0; i < n; i++) {
        double *pr = proba + i * c;
        memset(pr, 0, sizeof(double) * c);
        double sum = row_weights(w, dist + i * k, k, weights);
        for (int64_t t = 0; t < k; t++) pr[y[ind[i * k + t]]] += w[t];
        for (int64_t j = 0; j < c; j++) pr[j] /= sum;
    }
    mlc_free(w);
    return MLC_OK;
}

int mlc_knn_average(double *pred, const int64_t *ind, const double *dist, const double *y, int64_t n,
                    int64_t k, int64_t t_out, int weights) {
    double *w = mlc_malloc(sizeof(double) * k);
    if (w == NULL) return MLC_ENOMEM;
    for (int64_t i = 0; i < n; i++) {
        double *pr = pred + i * t_out;
        memset(pr, 0, sizeof(double) * t_out);
        double sum = row_weights(w, dist + i * k, k, weights);
        for (int64_t t = 0; t < k; t++) {
            const double *yt = y + ind[i * k + t] * t_out;
            for (int64_t o = 0; o < t_out; o++) pr[o] += w[t] * yt[o];
        }
        for (int64_t o = 0; o < t_out; o++) pr[o] /= sum;
    }
    mlc_free(w);
    return MLC_OK;
}
