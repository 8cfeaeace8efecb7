/* knn.h: brute-force k nearest neighbours in blocks, and the neighbour votes.
 *
 * Legend: N query rows (X), M fitted rows (Y), D features, K neighbours, C classes, T outputs.
 *
 * Memory stays O(threads x (BX x BY + BX x K)): the N x M distance matrix is never formed. Each
 * block of BX query rows walks Y in tiles of BY rows (metrics/distance.h), pushing every reduced
 * distance into a bounded max-heap per row (core/select.c).
 *
 * Ties: neighbours come back sorted by (distance, index): of equal distances the fitted row with
 * the smaller index comes first, and it is the one kept at the k-th place.
 */
#ifndef MLC_KNN_H
#define MLC_KNN_H

#include "core/enums.h" /* MLC_WEIGHTS_*, MLC_METRIC_* */
#include "mlc.h"

const char *mlc_knn_check_params(int64_t k, int64_t m, int metric, int weights);

/* dist (N, K) out; ind (N, K) out; X (N, D) in; Y (M, D) in */
int mlc_knn_kneighbors_f64(double *dist, int64_t *ind, const double *X, const double *Y, int64_t n,
                           int64_t m, int64_t d, int64_t k, int metric, int n_threads,
                           const mlc_progress *p);
int mlc_knn_kneighbors_f32(double *dist, int64_t *ind, const float *X, const float *Y, int64_t n,
                           int64_t m, int64_t d, int64_t k, int metric, int n_threads,
                           const mlc_progress *p);

/* The same search for CSR queries among CSR fitted rows (core/sparse.h's legend: data, indices
 * int32 sorted, indptr int64), float64, metric euclidean, sqeuclidean, manhattan or cosine (else
 * MLC_EINVAL). Never forms a dense row of Y nor the N x M distances.
 *   dist (N, K) out; ind (N, K) out; X: xdata, xidx, xptr (N + 1) in; Y: ydata, yidx, yptr (M + 1) in
 * Returns MLC_OK, MLC_EINVAL, MLC_ENOMEM or MLC_EINTERRUPTED. */
int mlc_knn_kneighbors_csr(double *dist, int64_t *ind, const double *xdata, const int32_t *xidx,
                           const int64_t *xptr, const double *ydata, const int32_t *yidx,
                           const int64_t *yptr, int64_t n, int64_t m, int64_t d, int64_t k, int metric,
                           int n_threads, const mlc_progress *p);

/* dist (N, M) out: the distance of every CSR query row to every CSR fitted row, by the same pairs
 * as mlc_knn_kneighbors_csr (the brute radius search takes it by blocks of queries). Returns MLC_OK,
 * MLC_EINVAL (metric), MLC_ENOMEM or MLC_EINTERRUPTED. */
int mlc_knn_distances_csr(double *dist, const double *xdata, const int32_t *xidx, const int64_t *xptr,
                          const double *ydata, const int32_t *yidx, const int64_t *yptr, int64_t n, int64_t m,
                          int64_t d, int metric, int n_threads, const mlc_progress *p);

/* Class probabilities from neighbours. Weights: uniform, or 1/distance (a row with neighbours at
 * distance 0 uses only those, each with weight 1: scikit-learn's rule).
 * proba (N, C) out; ind (N, K) in; dist (N, K) in; y (M) in class codes 0..C-1 */
int mlc_knn_vote(double *proba, const int64_t *ind, const double *dist, const int32_t *y, int64_t n,
                 int64_t k, int64_t c, int weights);

/* Weighted mean of neighbour targets. pred (N, T) out; ind (N, K) in; dist (N, K) in; y (M, T) in */
int mlc_knn_average(double *pred, const int64_t *ind, const double *dist, const double *y, int64_t n,
                    int64_t k, int64_t t, int weights);

#endif
