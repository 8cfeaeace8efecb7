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

#include "core/enums.h" /* MLC_METRIC_* */
#include "mlc.h"

/* Tile sizes: a BX x BY tile of doubles (1 MiB) stays in L2 next to the GEMM panels. */
#ifndef MLC_DISTANCE_BX
#define MLC_DISTANCE_BX 128
#endif
#ifndef MLC_DISTANCE_BY
#define MLC_DISTANCE_BY 1024
#endif

const char *mlc_distance_check_params(int metric);

/* Rows ready for tiles: float64 data (the caller's, or an owned widened/centred copy) and one
 * number per row (squared norm for euclidean, inverse norm for cosine/correlation). */
typedef struct {
    const double *x; /* (rows, D) in */
    double *own;     /* (rows, D) owned copy, or NULL when x is the caller's array */
    double *aux;     /* (rows) owned */
    float *xf;       /* (rows, DF) owned float32 screening rows, or NULL (mlc_distance_rows_add_screen) */
    double *nrm;     /* (rows) owned: ||x|| (for the float32 error bound), or NULL */
    double fscale;   /* the power of two the screening rows were scaled by */
    int64_t rows, d, df;
} mlc_distance_rows;

/* X (rows, D) in. Returns MLC_OK or MLC_ENOMEM; free with mlc_distance_rows_free either way. */
int mlc_distance_rows_f64(mlc_distance_rows *r, const double *X, int64_t rows, int64_t d, int metric);
int mlc_distance_rows_f32(mlc_distance_rows *r, const float *X, int64_t rows, int64_t d, int metric);
void mlc_distance_rows_free(mlc_distance_rows *r);
/* Add the float32 rows and the norms of a screening pass (GEMM metrics), so that one sgemm of
 * query rows (query = 1) against fitted rows (query = 0) gives, per pair, a float32 estimate g of
 * the reduced distance less a per-query constant:
 *   euclidean:  [-2x, 1] . [y, ||y||^2] = ||y||^2 - 2 x.y    (= ||x - y||^2 - ||x||^2)
 *   cosine:     [-x/||x||] . [y/||y||]   = -cos(x, y)         (= distance - 1)
 * with the euclidean rows scaled by `scale` (a power of two, so exactly; g scales by scale^2):
 * the caller picks it so that the largest norm is near 1 and float32 neither overflows nor
 * underflows where it matters. DF is D + 1 for euclidean, D for cosine/correlation. */
int mlc_distance_rows_add_screen(mlc_distance_rows *r, int metric, int query, double scale);

/* S (BX, BY) out with row stride lds: the distances of rows i0..i0+bx of X to rows j0..j0+by of Y.
 * Calls BLAS: a parallel region around it goes between mlc_blas_single_begin/end. */
void mlc_distance_tile(double *S, int64_t lds, const mlc_distance_rows *X, int64_t i0, int64_t bx,
                       const mlc_distance_rows *Y, int64_t j0, int64_t by, int metric);

/* Below this fraction of ||x||^2 + ||y||^2, a squared distance from the GEMM identity has lost
 * too many digits and is recomputed directly. */
#define MLC_DISTANCE_REFINE 1e-7

/* sum_k (x_k - y_k)^2 and sum_k x_k y_k, directly in float64. x, y (D) in */
double mlc_distance_sq_direct(const double *x, const double *y, int64_t d);
double mlc_distance_dot_direct(const double *x, const double *y, int64_t d);

/* S (BX, BY) out: the screening estimates g of rows i0.. of X (query rows) and j0.. of Y (see
 * mlc_distance_rows_add_screen). Calls BLAS (sgemm). */
void mlc_distance_tile_screen(float *S, int64_t lds, const mlc_distance_rows *X, int64_t i0, int64_t bx,
                              const mlc_distance_rows *Y, int64_t j0, int64_t by);

/* The reduced distance of row i of X to row j of Y (squared for euclidean), computed directly in
 * float64: what a search ranks by once screening has let a pair through. */
double mlc_distance_exact(const mlc_distance_rows *X, int64_t i, const mlc_distance_rows *Y, int64_t j, int metric);

/* The distance from a reduced one (the square root for euclidean). */
double mlc_distance_unreduce(double v, int metric);

/* out (N, M) out; X (N, D) in; Y (M, D) in (Y may be X: pass same = 1 to make the diagonal exactly 0).
 * Parallel over tiles with n_threads OpenMP threads. */
int mlc_distance_pairwise_f64(double *out, const double *X, const double *Y, int64_t n, int64_t m,
                              int64_t d, int metric, int same, int n_threads, const mlc_progress *p);
int mlc_distance_pairwise_f32(float *out, const float *X, const float *Y, int64_t n, int64_t m,
                              int64_t d, int metric, int same, int n_threads, const mlc_progress *p);

#endif
