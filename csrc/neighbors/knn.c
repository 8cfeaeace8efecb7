/* knn.c: brute-force k nearest neighbours (see knn.h). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/reduce.h"
#include "metrics/distance.h"
#include "neighbors/knn.h"

const char *mlc_knn_check_params(int64_t k, int64_t m, int metric, int weights) {
    if (k < 1) return "n_neighbors must be >= 1";
    if (k > m) return "n_neighbors must be <= the number of fitted samples";
    if (weights != MLC_WEIGHTS_UNIFORM && weights != MLC_WEIGHTS_DISTANCE) return "unknown weights code";
    return mlc_distance_check_params(metric);
}

/* Push row i's distances to Y rows j0..j0+by into its heap, from a screening tile.
 *
 * raw (BY) in: the float32 estimates g of mlc_distance_rows_add_screen (screen), or float64 reduced
 * distances (manhattan, and data whose norms overflow). Rounding the inputs to float32 and summing
 * DF terms in float32 moves g by at most (DF + 3) u sum|terms| (u = 2^-24; Higham, Accuracy and
 * Stability, 3.1), plus 2^-149 a term where float32 underflows: with the scaled norms and ymax, the
 * tile's largest scaled ||y||, at most (D + 4) u (2 ||x|| ymax + ymax^2) for euclidean and
 * (D + 4) u for cosine, plus (D + 4) 2^-140. A pair can enter the heap only if
 * g < (worst - offset) scale^2 + that bound, so one float comparison rejects almost every pair;
 * the few left get their exact float64 distance (mlc_distance_exact) before the heap sees them.
 * The result is what an exact float64 search returns, at float32 GEMM speed. */
static void select_row(double *vals, int64_t *idx, int64_t *size, int64_t k, const void *raw,
                       const mlc_distance_rows *X, int64_t i, const mlc_distance_rows *Y, int64_t j0, int64_t by,
                       int metric, int screen, double ymax) {
    const double *rd = raw;
    const float *rf = raw;
    int64_t j = 0;
    for (; j < by && *size < k; j++)
        mlc_topk_push(vals, idx, size, k, mlc_distance_exact(X, i, Y, j0 + j, metric), j0 + j);
    if (j >= by) return;
    if (!screen) { /* raw holds exact reduced distances */
        for (; j < by; j++)
            if (rd[j] < vals[0]) mlc_topk_push(vals, idx, size, k, rd[j], j0 + j);
        return;
    }
    const int euclid = metric == MLC_METRIC_EUCLIDEAN || metric == MLC_METRIC_SQEUCLIDEAN;
    const double u = 0x1p-24, s = X->fscale, s2 = s * s, terms = (double)(X->d + 4);
    const double xn = s * X->nrm[i];
    const double bound = terms * (u * (euclid ? 2.0 * xn * ymax + ymax * ymax : 1.0) * 1.01 + 0x1p-140);
    const double offset = euclid ? X->aux[i] : 1.0; /* reduced distance = g / scale^2 + offset */
    float thr = 0.0f;
    int stale = 1;
    for (; j < by; j += 16) {
        if (stale) {
            // rounding the threshold to float must not lower it
            const double t = (vals[0] - offset) * s2 + bound;
            thr = (float)t;
            if ((double)thr < t) thr = nextafterf(thr, INFINITY);
            stale = 0;
        }
        const int64_t len = MLC_MIN(16, by - j);
        int any = 0;
#pragma omp simd reduction(| : any)
        for (int64_t t = 0; t < len; t++) any |= rf[j + t] < thr;
        if (!any) continue;
        for (int64_t t = 0; t < len; t++) {
            if (!(rf[j + t] < thr)) continue;
            double v = mlc_distance_exact(X, i, Y, j0 + j + t, metric);
            if (v < vals[0]) {
                mlc_topk_push(vals, idx, size, k, v, j0 + j + t);
                stale = 1;
            }
        }
    }
}

/* The power of two that brings the largest norm of X and Y near 1 (for the screening rows), or 0
 * when a norm is not finite in float64 and the search must use exact tiles. */
static double screening_scale(const mlc_distance_rows *rx, const mlc_distance_rows *ry, int metric) {
    if (metric == MLC_METRIC_MANHATTAN) return 0.0;
    if (metric != MLC_METRIC_EUCLIDEAN && metric != MLC_METRIC_SQEUCLIDEAN) return 1.0; /* unit rows */
    double big = 0.0; /* aux: squared norms */
    for (int64_t i = 0; i < rx->rows; i++) big = MLC_MAX(big, rx->aux[i]);
    for (int64_t j = 0; j < ry->rows; j++) big = MLC_MAX(big, ry->aux[j]);
    if (!isfinite(big)) return 0.0;
    if (big == 0.0) return 1.0;
    int e;
    frexp(sqrt(big), &e);
    return ldexp(1.0, -e);
}

static int kneighbors(double *dist, int64_t *ind, const mlc_distance_rows *rx, const mlc_distance_rows *ry,
                      int64_t k, int metric, int n_threads, const mlc_progress *p) {
    const int64_t n = rx->rows, m = ry->rows;
    const int screen = rx->xf != NULL; /* float32 screening tiles */
    /* the exact tiles rank by the reduced distance, as the heap does */
    const int tile_metric = metric == MLC_METRIC_EUCLIDEAN ? MLC_METRIC_SQEUCLIDEAN : metric;
    const size_t elem = sizeof(double); /* room for either kind of tile */
    // a block's heaps hold bx * k entries: keep them near a MiB when k is large
    const int64_t bx = MLC_MAX(1, MLC_MIN(MLC_DISTANCE_BX, (int64_t)65536 / k));
    const int64_t nblocks = (n + bx - 1) / bx;
    mlc_par par = mlc_par_init(p);
    const int team = MLC_MIN(mlc_team_size(n * m * rx->d, n_threads), (int)MLC_MIN(nblocks, 64));
    mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        char *tile = mlc_malloc(elem * bx * MLC_DISTANCE_BY);
        double *hv = mlc_malloc(sizeof(double) * bx * k);
        int64_t *hi = mlc_malloc(sizeof(int64_t) * bx * k);
        int64_t *hs = mlc_malloc(sizeof(int64_t) * bx);
        if (!(tile && hv && hi && hs)) mlc_par_fail(&par, MLC_ENOMEM);
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < nblocks; b++) {
            if (mlc_par_halted(&par)) continue;
            const int64_t i0 = b * bx, nb = MLC_MIN(bx, n - i0);
            memset(hs, 0, sizeof(int64_t) * nb);
            for (int64_t j0 = 0; j0 < m; j0 += MLC_DISTANCE_BY) {
                const int64_t by = MLC_MIN(MLC_DISTANCE_BY, m - j0);
                double ymax = 0.0;
                if (screen) {
                    for (int64_t j = 0; j < by; j++) ymax = MLC_MAX(ymax, ry->nrm[j0 + j]);
                    ymax *= ry->fscale;
                    mlc_distance_tile_screen((float *)(void *)tile, MLC_DISTANCE_BY, rx, i0, nb, ry, j0, by);
                } else {
                    mlc_distance_tile((double *)(void *)tile, MLC_DISTANCE_BY, rx, i0, nb, ry, j0, by, tile_metric);
                }
                for (int64_t r = 0; r < nb; r++)
                    select_row(hv + r * k, hi + r * k, &hs[r], k,
                               tile + (screen ? sizeof(float) : sizeof(double)) * r * MLC_DISTANCE_BY, rx,
                               i0 + r, ry, j0, by, metric, screen, ymax);
            }
            for (int64_t r = 0; r < nb; r++) {
                mlc_topk_sort(hv + r * k, hi + r * k, k);
                for (int64_t t = 0; t < k; t++) {
                    dist[(i0 + r) * k + t] = mlc_distance_unreduce(hv[r * k + t], metric);
                    ind[(i0 + r) * k + t] = hi[r * k + t];
                }
            }
            mlc_par_tick(&par, b, nblocks);
        }
        mlc_free(tile);
        mlc_free(hv);
        mlc_free(hi);
        mlc_free(hs);
    }
    mlc_blas_single_end();
    return mlc_par_status(&par);
}

#define T double
#define SFX f64
#include "neighbors/knn_impl.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "neighbors/knn_impl.h"
#undef T
#undef SFX

/* ---- Sparse queries among sparse fitted rows (mlc_knn_kneighbors_csr) ----------------------
 * Each query row is scattered into a dense D-vector q (per-thread scratch, cleared from the row's
 * own entries afterwards) and every fitted row's entries are walked once against it: a pair costs
 * O(nnz of the fitted row), the N x M distances are never stored. The query's entries where y has
 * none enter through the query's own sums, so no difference is formed between unrelated norms:
 *   squared euclidean  sum_{j in y} (y_j - q_j)^2 + (|q|^2 - sum_{j in y} q_j^2)
 *   manhattan          sum_{j in y} |y_j - q_j|   + (|q|_1 - sum_{j in y} |q_j|)
 *   cosine             1 - q.y / (|q| |y|), clipped to [0, 2]; a zero row is at distance 1. */
#define CSR_LANES 4

static double lanes_sum(const double *s) { return (s[0] + s[1]) + (s[2] + s[3]); }

static double csr_pair(const double *q, double qsq, double q1, double qinv, const double *ydata,
                       const int32_t *yidx, int64_t t0, int64_t t1, double yinv, int metric) {
    // CSR_LANES independent sums: a single running sum would wait on its own latency every entry
    double a[CSR_LANES] = {0.0}, b[CSR_LANES] = {0.0};
    const int64_t t2 = t0 + (t1 - t0) / CSR_LANES * CSR_LANES;
    if (metric == MLC_METRIC_MANHATTAN) {
        for (int64_t t = t0; t < t2; t += CSR_LANES)
            for (int u = 0; u < CSR_LANES; u++) {
                const double qj = q[yidx[t + u]];
                a[u] += fabs(ydata[t + u] - qj);
                b[u] += fabs(qj);
            }
        for (int64_t t = t2; t < t1; t++) {
            const double qj = q[yidx[t]];
            a[0] += fabs(ydata[t] - qj);
            b[0] += fabs(qj);
        }
        const double out = q1 - lanes_sum(b);
        return lanes_sum(a) + (out > 0.0 ? out : 0.0);
    }
    if (metric == MLC_METRIC_COSINE) {
        for (int64_t t = t0; t < t2; t += CSR_LANES)
            for (int u = 0; u < CSR_LANES; u++) a[u] += ydata[t + u] * q[yidx[t + u]];
        for (int64_t t = t2; t < t1; t++) a[0] += ydata[t] * q[yidx[t]];
        const double v = 1.0 - lanes_sum(a) * qinv * yinv;
        return v < 0.0 ? 0.0 : (v > 2.0 ? 2.0 : v);
    }
    for (int64_t t = t0; t < t2; t += CSR_LANES)
        for (int u = 0; u < CSR_LANES; u++) {
            const double qj = q[yidx[t + u]], r = ydata[t + u] - qj;
            a[u] += r * r;
            b[u] += qj * qj;
        }
    for (int64_t t = t2; t < t1; t++) {
        const double qj = q[yidx[t]], r = ydata[t] - qj;
        a[0] += r * r;
        b[0] += qj * qj;
    }
    const double out = qsq - lanes_sum(b);
    return lanes_sum(a) + (out > 0.0 ? out : 0.0);
}

static int csr_metric_ok(int metric) {
    return metric == MLC_METRIC_EUCLIDEAN || metric == MLC_METRIC_SQEUCLIDEAN || metric == MLC_METRIC_MANHATTAN ||
           metric == MLC_METRIC_COSINE;
}

/* (M) 1 / ||y_j|| (0 for a zero row), allocated, or NULL. */
static double *csr_inv_norms(const double *ydata, const int64_t *yptr, int64_t m) {
    double *yinv = mlc_malloc(sizeof(double) * (size_t)(m + 1));
    if (yinv == NULL) return NULL;
    for (int64_t j = 0; j < m; j++) {
        double s = 0.0;
        for (int64_t t = yptr[j]; t < yptr[j + 1]; t++) s += ydata[t] * ydata[t];
        yinv[j] = s > 0.0 ? 1.0 / sqrt(s) : 0.0;
    }
    return yinv;
}

/* A query row's sums, for csr_pair. */
typedef struct {
    double qsq, q1, qinv;
} csr_query;

/* q (D) inout: zero in, query row i (entries [t0, t1) of xdata, xidx) scattered out; returns its sums.
 * csr_clear zeroes q again from the row's own entries. */
static csr_query csr_scatter(double *q, const double *xdata, const int32_t *xidx, int64_t t0, int64_t t1) {
    csr_query c = {0.0, 0.0, 0.0};
    for (int64_t t = t0; t < t1; t++) {
        q[xidx[t]] = xdata[t];
        c.qsq += xdata[t] * xdata[t];
        c.q1 += fabs(xdata[t]);
    }
    c.qinv = c.qsq > 0.0 ? 1.0 / sqrt(c.qsq) : 0.0;
    return c;
}

static void csr_clear(double *q, const int32_t *xidx, int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) q[xidx[t]] = 0.0;
}

/* The CSR searches: with ind, the k nearest fitted rows of each query (dist, ind (N, K) out); with
 * ind NULL, every pair's distance (dist (N, M) out). */
static int csr_search(double *dist, int64_t *ind, const double *xdata, const int32_t *xidx, const int64_t *xptr,
                      const double *ydata, const int32_t *yidx, const int64_t *yptr, int64_t n, int64_t m,
                      int64_t d, int64_t k, int metric, int n_threads, const mlc_progress *p) {
    if (!csr_metric_ok(metric) || (ind != NULL && (k < 1 || k > m))) return MLC_EINVAL;
    double *yinv = csr_inv_norms(ydata, yptr, m);
    if (yinv == NULL) return MLC_ENOMEM;
    mlc_par par = mlc_par_init(p);
    const int team = mlc_team_size(n * (yptr[m] + m), n_threads);
#pragma omp parallel num_threads(team)
    {
        double *q = mlc_malloc(sizeof(double) * (size_t)(d + 1));
        double *hv = ind != NULL ? mlc_malloc(sizeof(double) * (size_t)k) : NULL;
        int64_t *hi = ind != NULL ? mlc_malloc(sizeof(int64_t) * (size_t)k) : NULL;
        if (q == NULL || (ind != NULL && !(hv && hi))) mlc_par_fail(&par, MLC_ENOMEM);
        else memset(q, 0, sizeof(double) * (size_t)d);
#pragma omp for schedule(dynamic, 16)
        for (int64_t i = 0; i < n; i++) {
            if (mlc_par_halted(&par)) continue;
            const csr_query c = csr_scatter(q, xdata, xidx, xptr[i], xptr[i + 1]);
            if (ind == NULL) {
                for (int64_t j = 0; j < m; j++)
                    dist[i * m + j] = mlc_distance_unreduce(
                        csr_pair(q, c.qsq, c.q1, c.qinv, ydata, yidx, yptr[j], yptr[j + 1], yinv[j], metric), metric);
            } else {
                int64_t size = 0;
                for (int64_t j = 0; j < m; j++) {
                    const double v = csr_pair(q, c.qsq, c.q1, c.qinv, ydata, yidx, yptr[j], yptr[j + 1], yinv[j], metric);
                    if (size < k || v <= hv[0]) mlc_topk_push(hv, hi, &size, k, v, j);
                }
                mlc_topk_sort(hv, hi, k);
                for (int64_t t = 0; t < k; t++) {
                    dist[i * k + t] = mlc_distance_unreduce(hv[t], metric);
                    ind[i * k + t] = hi[t];
                }
            }
            csr_clear(q, xidx, xptr[i], xptr[i + 1]);
            mlc_par_tick(&par, i, n);
        }
        mlc_free(q);
        mlc_free(hv);
        mlc_free(hi);
    }
    mlc_free(yinv);
    return mlc_par_status(&par);
}

int mlc_knn_kneighbors_csr(double *dist, int64_t *ind, const double *xdata, const int32_t *xidx,
                           const int64_t *xptr, const double *ydata, const int32_t *yidx,
                           const int64_t *yptr, int64_t n, int64_t m, int64_t d, int64_t k, int metric,
                           int n_threads, const mlc_progress *p) {
    if (ind == NULL) return MLC_EINVAL;
    return csr_search(dist, ind, xdata, xidx, xptr, ydata, yidx, yptr, n, m, d, k, metric, n_threads, p);
}

int mlc_knn_distances_csr(double *dist, const double *xdata, const int32_t *xidx, const int64_t *xptr,
                          const double *ydata, const int32_t *yidx, const int64_t *yptr, int64_t n, int64_t m,
                          int64_t d, int metric, int n_threads, const mlc_progress *p) {
    return csr_search(dist, NULL, xdata, xidx, xptr, ydata, yidx, yptr, n, m, d, 0, metric, n_threads, p);
}

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
