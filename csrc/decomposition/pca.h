/* pca.h: PCA and truncated SVD: centring, the three SVD solvers, projection and its inverse.
 *
 * Legend: N samples (rows of X), D features, R = min(N, D), K components kept,
 * L = min(K + n_oversamples, R) columns of the randomized test matrix.
 *
 * Every kernel exists for float64 (_f64) and float32 (_f32), from one source (pca_impl.h).
 * Column statistics (mean, sum of squared deviations) are float64 whatever the input. The solvers
 * work in the input's precision (float32 data: sgeqrf/sgesdd, as scikit-learn keeps float32),
 * except the covariance path, which forms and diagonalises X^T X in float64 (it is D x D).
 *
 * Signs: each row v of `components` is flipped so that its entry of largest |v| is positive
 * (scikit-learn's svd_flip with u_based_decision=False), so solvers agree with each other and with
 * scikit-learn up to rounding.
 */
#ifndef MLC_PCA_H
#define MLC_PCA_H

#include "core/enums.h" /* MLC_PCA_NORMALIZER_* */
#include "mlc.h"

/* NULL, or why the sizes / randomized parameters are unusable: 1 <= k <= min(n, d) (k = 0: not
 * randomized, skip those checks), n_oversamples >= 0, n_iter >= 0, normalizer one of the codes. */
const char *mlc_pca_check_params(int64_t n, int64_t d, int64_t k, int64_t n_oversamples,
                                 int64_t n_iter, int normalizer);

/* Column means and sums of squared deviations by two passes (the second with the correction
 * term sum(x - m)^2 / N), rows in a fixed set of chunks merged in order: the result does not
 * depend on n_threads. Optionally writes the centred data.
 *   Xc   (N, D) out or NULL: X - mean, row-major, or column-major when colmajor (Xc[j N + i])
 *   mean (D) out
 *   ssq  (D) out   sum_i (X[i, j] - mean[j])^2
 *   X    (N, D) in
 * Returns MLC_OK or MLC_ENOMEM. */
int mlc_pca_center_f64(double *Xc, double *mean, double *ssq, const double *X, int64_t n, int64_t d,
                       int colmajor, int n_threads);
int mlc_pca_center_f32(float *Xc, double *mean, double *ssq, const float *X, int64_t n, int64_t d,
                       int colmajor, int n_threads);

/* Exact thin SVD of A = X - mean (center) or A = X (not center): A = U diag(s) Vt, by LAPACK's
 * divide-and-conquer xGESDD (see pca.c for the QR-first path when N >= D).
 *   s          (R) out, descending
 *   components (R, D) out: the rows of Vt
 *   mean, ssq  (D) out: as mlc_pca_center (mean of X even when not center)
 *   X          (N, D) in (not modified: the kernel works on its own copy) */
int mlc_svd_full_f64(double *s, double *components, double *mean, double *ssq, const double *X,
                     int64_t n, int64_t d, int center, int n_threads);
int mlc_svd_full_f32(float *s, float *components, double *mean, double *ssq, const float *X,
                     int64_t n, int64_t d, int center, int n_threads);

/* PCA through the covariance matrix C = (X - mean)^T (X - mean) / (N - 1) (N >= 2):
 * eigenvalues and eigenvectors of C (xSYEVD), largest first; negative rounding noise is clipped
 * to 0. X holding NaN or infinity: every output is NaN (no eigh; the caller's check names it, so
 * that X is read once).
 *   s          (D) out   sqrt(ev (N - 1)): the singular values of X - mean
 *   ev         (D) out   eigenvalues of C: the explained variances
 *   components (D, D) out
 *   mean, ssq  (D) out
 *   X          (N, D) in */
int mlc_pca_covariance_f64(double *s, double *ev, double *components, double *mean, double *ssq,
                           const double *X, int64_t n, int64_t d, int n_threads);
int mlc_pca_covariance_f32(float *s, float *ev, float *components, double *mean, double *ssq,
                           const float *X, int64_t n, int64_t d, int n_threads);

/* Randomized truncated SVD of A = X - mean (center) or X: the K leading singular triplets
 * (Halko, Martinsson & Tropp 2011).
 *   s          (K) out
 *   components (K, D) out
 *   mean, ssq  (D) out
 *   X          (N, D) in
 *   k, n_oversamples, n_iter (power iterations), normalizer (MLC_PCA_NORMALIZER_*), seed
 *   progress   may be NULL; asked once per power iteration */
int mlc_svd_randomized_f64(double *s, double *components, double *mean, double *ssq,
                           const double *X, int64_t n, int64_t d, int64_t k, int64_t n_oversamples,
                           int64_t n_iter, int normalizer, uint64_t seed, int center,
                           const mlc_progress *progress, int n_threads);
int mlc_svd_randomized_f32(float *s, float *components, double *mean, double *ssq, const float *X,
                           int64_t n, int64_t d, int64_t k, int64_t n_oversamples, int64_t n_iter,
                           int normalizer, uint64_t seed, int center, const mlc_progress *progress,
                           int n_threads);

/* The same for a CSR X (core/sparse.h's legend: data (NNZ), indices (NNZ) int32, indptr (N + 1)),
 * not centred (truncated SVD). mean, ssq (D) out count the implicit zeros. Returns MLC_OK,
 * MLC_EINVAL, MLC_ENOMEM or MLC_EINTERRUPTED. */
int mlc_svd_randomized_csr_f64(double *s, double *components, double *mean, double *ssq,
                               const double *data, const int32_t *indices, const int64_t *indptr,
                               int64_t n, int64_t d, int64_t k, int64_t n_oversamples,
                               int64_t n_iter, int normalizer, uint64_t seed,
                               const mlc_progress *progress, int n_threads);
int mlc_svd_randomized_csr_f32(float *s, float *components, double *mean, double *ssq,
                               const float *data, const int32_t *indices, const int64_t *indptr,
                               int64_t n, int64_t d, int64_t k, int64_t n_oversamples,
                               int64_t n_iter, int normalizer, uint64_t seed,
                               const mlc_progress *progress, int n_threads);

/* Projection: out = ((X - mean) components^T) / scale, computed as X components^T (one GEMM)
 * less the row mean components^T (as scikit-learn does: X is not copied).
 *   out        (N, K) out
 *   X          (N, D) in
 *   components (K, D) in
 *   mean       (D) in or NULL (zeros)
 *   scale      (K) in or NULL (ones): sqrt(explained_variance_) when whitening */
int mlc_pca_transform_f64(double *out, const double *X, const double *components,
                          const double *mean, const double *scale, int64_t n, int64_t d, int64_t k,
                          int n_threads);
int mlc_pca_transform_f32(float *out, const float *X, const float *components, const double *mean,
                          const double *scale, int64_t n, int64_t d, int64_t k, int n_threads);

/* The inverse map: out = (Y diag(scale)) components + mean.
 *   out (N, D) out, Y (N, K) in, components (K, D) in, mean (D) in or NULL, scale (K) in or NULL
 * Returns MLC_OK or MLC_ENOMEM (the scaled components need a K x D buffer). */
int mlc_pca_inverse_f64(double *out, const double *Y, const double *components, const double *mean,
                        const double *scale, int64_t n, int64_t d, int64_t k, int n_threads);
int mlc_pca_inverse_f32(float *out, const float *Y, const float *components, const double *mean,
                        const double *scale, int64_t n, int64_t d, int64_t k, int n_threads);

#endif
