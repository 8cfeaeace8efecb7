/* distance.h: pairwise distances, computed tile by tile (shared with neighbors/knn.c).
 *
 * Legend: N rows of X, M rows of Y, D features; BX x BY a tile of the distance matrix.
 *
 * Metrics: euclidean, sqeuclidean, cosine and correlation go through one GEMM per tile
 * (||x-y||^2 = ||x||^2 + ||y||^2 - 2 x.y; cos = x.y / (||x|| ||y||)); manhattan is a direct loop.
 * Everything is computed in float64: float32 input is widened row by row when it is prepared (as
 * scikit-learn upcasts chunks), so float32 and float64 give the same distances to float32 rounding.
 * A row of zero norm has cosine (or, after centring, correlation) distance 1 to every row, as in
 * scikit-learn's cosine_distances; scipy's cdist gives NaN there.
 */
#ifndef MLC_DISTANCE_H
#define MLC_DISTANCE_H

#include "mlc.h"

enum {
    MLC_METRIC_EUCLIDEAN = 0,
    MLC_METRIC_SQEUCLIDEAN = 1,
    MLC_METRIC_MANHATTAN = 2,
    MLC_METRIC_COSINE = 3,
    MLC_METRIC_CORRELATION = 4,
    MLC_N_METRICS = 5
};

/* Tile sizes: a BX x BY tile of doubles (1 MiB) stays in L2 next to the GEMM panels. */
#define MLC_DIST_BX 128
#define MLC_DIST_BY 1024

const char *mlc_distance_check_params(int metric);

/* Rows ready for tiles: float64 data (the caller's, or an owned widened/centred copy) and one
 * number per row (squared norm for euclidean, inverse norm for cosine/correlation). */
typedef struct {
    const double *x; /* (rows, D) in */
    double *own;     /* (rows, D) owned copy, or NULL when x is the caller's array */
    double *aux;     /* (rows) owned */
    int64_t rows, d;
} mlc_dist_rows;

/* X (rows, D) in. Returns MLC_OK or MLC_ENOMEM; free with mlc_distance_rows_free either way. */
int mlc_distance_rows_f64(mlc_dist_rows *r, const double *X, int64_t rows, int64_t d, int metric);
int mlc_distance_rows_f32(mlc_dist_rows *r, const float *X, int64_t rows, int64_t d, int metric);
void mlc_distance_rows_free(mlc_dist_rows *r);

/* S (BX, BY) out with row stride lds: rows i0..i0+bx of X against rows j0..j0+by of Y.
 * raw = 0: distances. raw = 1: what the metric's finish step starts from (dot products for the
 * GEMM metrics, distances already for manhattan), to be turned into distances one by one with
 * mlc_distance_finish. Calls BLAS: a parallel region around it goes between
 * mlc_blas_single_begin/end. */
void mlc_distance_tile(double *S, int64_t lds, const mlc_dist_rows *X, int64_t i0, int64_t bx,
                       const mlc_dist_rows *Y, int64_t j0, int64_t by, int metric, int raw);

/* Below this fraction of ||x||^2 + ||y||^2, a squared distance from the GEMM identity has lost
 * too many digits and is recomputed directly. */
#define MLC_DIST_REFINE 1e-7

double mlc_distance_sq_direct(const double *x, const double *y, int64_t d);

/* One raw tile value (dot = x_i . y_j) to its reduced distance (squared for euclidean), exactly
 * as mlc_distance_tile computes it: the one place that says what each metric is. */
static inline double mlc_distance_finish(double dot, const mlc_dist_rows *X, int64_t i,
                                         const mlc_dist_rows *Y, int64_t j, int metric) {
    if (metric == MLC_METRIC_MANHATTAN) return dot;
    if (metric == MLC_METRIC_COSINE || metric == MLC_METRIC_CORRELATION) {
        double v = 1.0 - dot * X->aux[i] * Y->aux[j];
        return v < 0.0 ? 0.0 : (v > 2.0 ? 2.0 : v);
    }
    double norms = X->aux[i] + Y->aux[j];
    double v = norms - 2.0 * dot;
    // ||x||^2 + ||y||^2 - 2x.y cancels badly when x ~ y: recompute those few directly
    if (v < MLC_DIST_REFINE * norms) v = mlc_distance_sq_direct(X->x + i * X->d, Y->x + j * Y->d, X->d);
    return v;
}

/* The distance from a reduced one (the square root for euclidean). */
double mlc_distance_unreduce(double v, int metric);

/* out (N, M) out; X (N, D) in; Y (M, D) in (Y may be X: pass same = 1 to make the diagonal exactly 0).
 * Parallel over tiles with n_threads OpenMP threads. */
int mlc_distance_pairwise_f64(double *out, const double *X, const double *Y, int64_t n, int64_t m,
                              int64_t d, int metric, int same, int n_threads, const mlc_progress *p);
int mlc_distance_pairwise_f32(float *out, const float *X, const float *Y, int64_t n, int64_t m,
                              int64_t d, int metric, int same, int n_threads, const mlc_progress *p);

#endif
