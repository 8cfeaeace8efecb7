/* scale.h: column statistics and per-column affine maps for StandardScaler and MinMaxScaler.
 *
 * Legend: N samples (rows of X), D features (columns of X).
 *
 * Missing values: a NaN in X is skipped by the statistics (each column keeps its own count) and
 * stays NaN through the transforms, as in scikit-learn's scalers. Statistics are accumulated in
 * float64 whatever the input type (float32 input is widened on load, as scikit-learn upcasts its
 * accumulators); the transforms compute in float64 and round once to the output type.
 *
 * Every kernel is parallel over rows with n_threads OpenMP threads. The statistics split the rows
 * into a fixed set of chunks (independent of n_threads) merged in a fixed order, so the result is
 * bit-identical whatever the number of threads.
 */
#ifndef MLC_SCALE_H
#define MLC_SCALE_H

#include "mlc.h"

/* NULL, or why (lo, hi) is not a usable clip range (lo < hi, both finite). */
const char *mlc_scale_check_params(double lo, double hi);

/* Weighted mean and variance of each column, merged into running statistics (partial_fit).
 *
 * The rows are cut into blocks small enough for cache; a block's statistics come from the
 * corrected two-pass algorithm (mean, then sum w(x-m)^2 - (sum w(x-m))^2 / sum w), and blocks,
 * chunks and finally the running statistics are combined with Chan, Golub & LeVeque's pairwise
 * update (The American Statistician 37(3), 1983, eq. 1.5):
 *     n = na + nb,  delta = mb - ma,  m = ma + delta nb / n,  M2 = M2a + M2b + delta^2 na nb / n
 * which is what scikit-learn's _incremental_mean_and_var computes, to rounding. Everything is
 * summed about a pivot (the running mean, else the column's first value) so that the merges see
 * deviations of the size of the spread, not of the mean.
 *
 *   mean  (D) inout  running weighted mean of each column (anything where count is 0)
 *   var   (D) inout  running population variance M2 / count (anything where count is 0)
 *   count (D) inout  running sum of the weights of the non-NaN values of each column (0 at start)
 *   X     (N, D) in
 *   w     (N) in     sample weights, or NULL for all ones
 * A column with no weight yet keeps count 0 and gets mean 0, var 0.
 * Returns MLC_OK or MLC_ENOMEM (mean/var/count are then unchanged). */
int mlc_scale_mean_var_f64(double *mean, double *var, double *count, const double *X,
                           const double *w, int64_t n, int64_t d, int n_threads);
int mlc_scale_mean_var_f32(double *mean, double *var, double *count, const float *X,
                           const double *w, int64_t n, int64_t d, int n_threads);

/* Minimum and maximum of each column, NaN skipped; NaN for a column with no value (or N = 0).
 *   cmin (D) out, cmax (D) out, X (N, D) in
 * Returns MLC_OK or MLC_ENOMEM. */
int mlc_scale_min_max_f64(double *cmin, double *cmax, const double *X, int64_t n, int64_t d,
                          int n_threads);
int mlc_scale_min_max_f32(float *cmin, float *cmax, const float *X, int64_t n, int64_t d,
                          int n_threads);

/* out = (X - shift) * scale + offset, column by column; then, if clip, each value limited to
 * [lo, hi] (NaN stays NaN). StandardScaler: shift = mean, scale = 1 / std, offset = 0;
 * MinMaxScaler: shift = data_min, scale = (max - min) / data_range, offset = min (so the
 * training minimum maps to exactly min).
 *   out   (N, D) out  may be X itself (in place)
 *   X     (N, D) in
 *   shift (D) in      or NULL for zeros
 *   scale (D) in      or NULL for ones
 * Returns MLC_OK. */
int mlc_scale_transform_f64(double *out, const double *X, const double *shift, const double *scale,
                            int64_t n, int64_t d, double offset, int clip, double lo, double hi,
                            int n_threads);
int mlc_scale_transform_f32(float *out, const float *X, const double *shift, const double *scale,
                            int64_t n, int64_t d, double offset, int clip, double lo, double hi,
                            int n_threads);

/* The inverse of mlc_scale_transform with the same parameters: out = (X - offset) / scale + shift.
 *   out (N, D) out (may be X), X (N, D) in, shift (D) in or NULL, scale (D) in or NULL
 * Returns MLC_OK. */
int mlc_scale_inverse_f64(double *out, const double *X, const double *shift, const double *scale,
                          int64_t n, int64_t d, double offset, int n_threads);
int mlc_scale_inverse_f32(float *out, const float *X, const double *shift, const double *scale,
                          int64_t n, int64_t d, double offset, int n_threads);

/* ---- Sparse input (core/sparse.h's CSR legend: data (NNZ), indices (NNZ) int32, indptr (N + 1)).
 * A CSC matrix goes through the two column-wise kernels as one CSR row whose indices are the
 * column of each stored entry. */

/* mlc_scale_mean_var on a CSR batch, the implicit zeros being values; w (N) in or NULL.
 * Returns MLC_OK or MLC_ENOMEM. */
int mlc_scale_mean_var_csr_f64(double *mean, double *var, double *count, const double *data,
                               const int32_t *indices, const int64_t *indptr, const double *w,
                               int64_t n, int64_t d);
int mlc_scale_mean_var_csr_f32(double *mean, double *var, double *count, const float *data,
                               const int32_t *indices, const int64_t *indptr, const double *w,
                               int64_t n, int64_t d);

/* out (NNZ) out = data * scale[col] (inverse: / scale[col]); col (NNZ) in, scale (D) in. */
int mlc_scale_sparse_map_f64(double *out, const double *data, const int32_t *col,
                             const double *scale, int64_t nnz, int inverse, int n_threads);
int mlc_scale_sparse_map_f32(float *out, const float *data, const int32_t *col,
                             const double *scale, int64_t nnz, int inverse, int n_threads);

/* cmax (D) out: max |value| of each column's stored entries, NaN skipped, 0 when none. */
int mlc_scale_max_abs_sparse_f64(double *cmax, const double *data, const int32_t *col, int64_t nnz,
                                 int64_t d);
int mlc_scale_max_abs_sparse_f32(double *cmax, const float *data, const int32_t *col, int64_t nnz,
                                 int64_t d);

#endif
