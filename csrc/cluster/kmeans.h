/* kmeans.h: k-means (Lloyd and Elkan), k-means++ seeding, and the mini-batch step.
 *
 * Legend: N samples (rows of X), D features, K clusters, B rows of a mini-batch, L local trials, R runs.
 * The _csr kernels take X as CSR (core/sparse.h): data (NNZ) in, indices (NNZ) int32 in (sorted within
 * a row), indptr (N + 1) int64 in; they give the dense kernels' results on the dense copy of X, to
 * rounding (the rows are not centred: see kmeans_csr_impl.h).
 *
 * Every kernel comes in float64 (_f64) and float32 (_f32) from one source (kmeans_impl.h). Sums,
 * inertia, distances of bounds and shifts are float64 in both; centres are stored in the input
 * type (float32 stays float32, as in scikit-learn). Sample weights have the type of X and must be
 * >= 0 (the caller checks). Results do not depend on the number of threads: rows are cut into
 * a fixed set of groups of blocks whose partial sums are reduced in group order.
 */
#ifndef MLC_KMEANS_H
#define MLC_KMEANS_H

#include "core/enums.h" /* MLC_KMEANS_LLOYD, MLC_KMEANS_ELKAN */
#include "mlc.h"

/* NULL when the sizes and hyper-parameters are usable, else a message. */
const char *mlc_kmeans_check_params(int64_t n, int64_t d, int64_t k, int algorithm, int64_t max_iter,
                                    double tol);

/* k-means++ seeding (greedy: L local trials per centre, 1 <= L <= 64, the best one kept), R runs, one per seed.
 *   centers (R, K, D) out; indices (R, K) out: the rows of X picked
 *   X (N, D) in; sample_weight (N) in; seeds (R) in
 * The same seed gives the same centres whatever n_threads. Small runs go one per thread (a pass of one
 * would not occupy every thread), larger ones in turn with their passes threaded. */
int mlc_kmeans_plusplus_f64(double *centers, int64_t *indices, const double *X,
                            const double *sample_weight, int64_t n, int64_t d, int64_t k, int64_t runs,
                            int64_t n_local_trials, const uint64_t *seeds, int n_threads, const mlc_progress *p);
int mlc_kmeans_plusplus_f32(float *centers, int64_t *indices, const float *X,
                            const float *sample_weight, int64_t n, int64_t d, int64_t k, int64_t runs,
                            int64_t n_local_trials, const uint64_t *seeds, int n_threads, const mlc_progress *p);

int mlc_kmeans_plusplus_csr_f64(double *centers, int64_t *indices, const double *data, const int32_t *col,
                                const int64_t *indptr, const double *sample_weight, int64_t n, int64_t d,
                                int64_t k, int64_t runs, int64_t n_local_trials, const uint64_t *seeds,
                                int n_threads, const mlc_progress *p);
int mlc_kmeans_plusplus_csr_f32(float *centers, int64_t *indices, const float *data, const int32_t *col,
                                const int64_t *indptr, const float *sample_weight, int64_t n, int64_t d,
                                int64_t k, int64_t runs, int64_t n_local_trials, const uint64_t *seeds,
                                int n_threads, const mlc_progress *p);

/* R k-means runs, each from its given centres (Lloyd or Elkan, see kmeans_fit_impl.h), on the rows of X minus
 * mean; run r's results are those of a fit of its own (the runs are spread over the threads as the seedings
 * are).
 *   centers (R, K, D) inout: the initial centres in, the final ones out (both minus mean)
 *   labels (R, N) out; inertia (R) out; n_iter (R) out
 *   X (N, D) in; sample_weight (N) in; mean (D) in, or NULL for zeros: the fit sees x_i - mean rounded
 *   to X's type, as on a centred copy of X (which it never makes)
 * tol: the absolute bound on the sum of squared centre shifts (the caller scales it).
 * bounds: Lloyd skips the rows whose label Hamerly's bounds prove (1), or ranks every row every
 * iteration (0); the same labels, centres and inertia either way, bit for bit. Elkan runs the same
 * engine (the same bits as Lloyd). */
int mlc_kmeans_fit_f64(double *centers, int32_t *labels, double *inertia, int64_t *n_iter,
                       const double *X, const double *sample_weight, const double *mean, int64_t n, int64_t d, int64_t k,
                       int64_t runs, int algorithm, int64_t max_iter, double tol, int bounds, int n_threads,
                       const mlc_progress *p);
int mlc_kmeans_fit_f32(float *centers, int32_t *labels, double *inertia, int64_t *n_iter,
                       const float *X, const float *sample_weight, const float *mean, int64_t n, int64_t d, int64_t k,
                       int64_t runs, int algorithm, int64_t max_iter, double tol, int bounds, int n_threads,
                       const mlc_progress *p);

/* R Lloyd runs on CSR rows, as mlc_kmeans_fit (no bounds, no centring; algorithm is Lloyd's). */
int mlc_kmeans_fit_csr_f64(double *centers, int32_t *labels, double *inertia, int64_t *n_iter,
                           const double *data, const int32_t *indices, const int64_t *indptr,
                           const double *sample_weight, int64_t n, int64_t d, int64_t k, int64_t runs,
                           int64_t max_iter, double tol, int n_threads, const mlc_progress *p);
int mlc_kmeans_fit_csr_f32(float *centers, int32_t *labels, double *inertia, int64_t *n_iter,
                           const float *data, const int32_t *indices, const int64_t *indptr,
                           const float *sample_weight, int64_t n, int64_t d, int64_t k, int64_t runs,
                           int64_t max_iter, double tol, int n_threads, const mlc_progress *p);

/* The centring and tolerance of a fit, in one pass over X (N, D) in:
 *   mean (D) out: the column means; *var out: the mean over the columns of their variances (1/N) */
int mlc_kmeans_moments_f64(double *mean, double *var, const double *X, int64_t n, int64_t d, int n_threads);
int mlc_kmeans_moments_f32(double *mean, double *var, const float *X, int64_t n, int64_t d, int n_threads);

/* Nearest centre of each row and the weighted inertia.
 *   labels (N) out; *inertia out (may be NULL)
 *   X (N, D) in; sample_weight (N) in, or NULL for unit weights; centers (K, D) in */
int mlc_kmeans_assign_f64(int32_t *labels, double *inertia, const double *X,
                          const double *sample_weight, const double *centers, int64_t n, int64_t d,
                          int64_t k, int n_threads, const mlc_progress *p);
int mlc_kmeans_assign_f32(int32_t *labels, double *inertia, const float *X,
                          const float *sample_weight, const float *centers, int64_t n, int64_t d,
                          int64_t k, int n_threads, const mlc_progress *p);

int mlc_kmeans_assign_csr_f64(int32_t *labels, double *inertia, const double *data, const int32_t *indices,
                              const int64_t *indptr, const double *sample_weight, const double *centers,
                              int64_t n, int64_t d, int64_t k, int n_threads, const mlc_progress *p);
int mlc_kmeans_assign_csr_f32(int32_t *labels, double *inertia, const float *data, const int32_t *indices,
                              const int64_t *indptr, const float *sample_weight, const float *centers,
                              int64_t n, int64_t d, int64_t k, int n_threads, const mlc_progress *p);

/* One mini-batch step (Sculley 2010, with scikit-learn's per-centre learning rate):
 * assign the batch to the current centres, then move each centre j that received weight to
 *   c_j <- (W_j c_j + sum_{i in j} w_i x_i) / (W_j + sum_{i in j} w_i),   W_j += sum_{i in j} w_i.
 *   centers (K, D) inout; weight_sums (K) inout: W
 *   labels (B) out; *inertia out: the batch's weighted inertia against the centres it came in with
 *   X (B, D) in; sample_weight (B) in */
int mlc_kmeans_minibatch_step_f64(double *centers, double *weight_sums, int32_t *labels,
                                  double *inertia, const double *X, const double *sample_weight,
                                  int64_t b, int64_t d, int64_t k, int n_threads,
                                  const mlc_progress *p);
int mlc_kmeans_minibatch_step_f32(float *centers, double *weight_sums, int32_t *labels,
                                  double *inertia, const float *X, const float *sample_weight,
                                  int64_t b, int64_t d, int64_t k, int n_threads,
                                  const mlc_progress *p);

int mlc_kmeans_minibatch_step_csr_f64(double *centers, double *weight_sums, int32_t *labels,
                                      double *inertia, const double *data, const int32_t *indices,
                                      const int64_t *indptr, const double *sample_weight, int64_t b,
                                      int64_t d, int64_t k, int n_threads, const mlc_progress *p);
int mlc_kmeans_minibatch_step_csr_f32(float *centers, double *weight_sums, int32_t *labels,
                                      double *inertia, const float *data, const int32_t *indices,
                                      const int64_t *indptr, const float *sample_weight, int64_t b,
                                      int64_t d, int64_t k, int n_threads, const mlc_progress *p);

#endif
