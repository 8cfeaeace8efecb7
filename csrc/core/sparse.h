/* sparse.h: the CSR kernels every family's sparse path shares.
 *
 * Legend: N rows, D columns of the sparse matrix A, NNZ = indptr[N] stored entries, K columns of
 * the dense operand. A is CSR: data (NNZ) values, indices (NNZ) the column of each value (int32,
 * sorted and unique within a row: mlc/_validation.py makes it so), indptr (N + 1) int64 row starts.
 * Dense operands are row-major. Every kernel exists for float64 and float32 (sparse_impl.h);
 * sums are float64.
 */
#ifndef MLC_SPARSE_H
#define MLC_SPARSE_H

#include "mlc.h"

/* NULL, or why (indices, indptr) cannot be a CSR matrix of shape (N, D): indptr[0] != 0,
 * decreasing, indptr[N] != nnz, or a column outside [0, D). O(N + NNZ). */
const char *mlc_sparse_check_csr(const int32_t *indices, const int64_t *indptr, int64_t n, int64_t d,
                                 int64_t nnz);

/* Y = A B.  Y (N, K) out, B (D, K) in. Rows in parallel: bits independent of n_threads. */
int mlc_sparse_csr_mm_f64(double *Y, const double *data, const int32_t *indices,
                          const int64_t *indptr, const double *B, int64_t n, int64_t d, int64_t k,
                          int n_threads);
int mlc_sparse_csr_mm_f32(float *Y, const float *data, const int32_t *indices,
                          const int64_t *indptr, const float *B, int64_t n, int64_t d, int64_t k,
                          int n_threads);

/* Y = A^T B.  Y (D, K) out, B (N, K) in. Returns MLC_OK or MLC_ENOMEM (float64 partials of a
 * fixed set of row chunks, merged in order: bits independent of n_threads). */
int mlc_sparse_csr_tmm_f64(double *Y, const double *data, const int32_t *indices,
                           const int64_t *indptr, const double *B, int64_t n, int64_t d, int64_t k,
                           int n_threads);
int mlc_sparse_csr_tmm_f32(float *Y, const float *data, const int32_t *indices,
                           const int64_t *indptr, const float *B, int64_t n, int64_t d, int64_t k,
                           int n_threads);

/* sqnorm (N) out: sum_j A[i, j]^2. */
int mlc_sparse_csr_row_sqnorms_f64(double *sqnorm, const double *data, const int64_t *indptr,
                                   int64_t n, int n_threads);
int mlc_sparse_csr_row_sqnorms_f32(double *sqnorm, const float *data, const int64_t *indptr,
                                   int64_t n, int n_threads);

/* Column statistics counting the implicit zeros: mean (D) out, ssq (D) out = sum_i (A[i, j] -
 * mean[j])^2, and nnz_col (D) out or NULL (stored entries per column). Returns MLC_OK or
 * MLC_ENOMEM. */
int mlc_sparse_csr_col_stats_f64(double *mean, double *ssq, int64_t *nnz_col, const double *data,
                                 const int32_t *indices, const int64_t *indptr, int64_t n,
                                 int64_t d, int n_threads);
int mlc_sparse_csr_col_stats_f32(double *mean, double *ssq, int64_t *nnz_col, const float *data,
                                 const int32_t *indices, const int64_t *indptr, int64_t n,
                                 int64_t d, int n_threads);

#endif
