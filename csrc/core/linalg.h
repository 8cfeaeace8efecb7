/* linalg.h: thin LAPACK wrappers: 64-bit sizes in, workspace queried and allocated, info mapped
 * to a status. One source for float64 (_f64) and float32 (_f32).
 *
 * Every matrix here is COLUMN-MAJOR (LAPACK's order) with an explicit leading dimension. A
 * row-major (R, C) C array is the column-major (C, R) matrix, its transpose: callers use that to
 * avoid copies (see decomposition/pca.c).
 *
 * Status: MLC_OK; MLC_EINVAL when a size does not fit LAPACK's 32-bit integers or LAPACK rejects
 * an argument (info < 0: a bug); MLC_ENOTCONVERGED when the iteration inside failed (info > 0);
 * MLC_ENOMEM when the workspace could not be allocated.
 */
#ifndef MLC_LINALG_H
#define MLC_LINALG_H

#include "mlc.h"

/* Thin SVD A = U diag(s) VT of A (m, n), r = min(m, n), by divide and conquer (xGESDD, jobz 'S').
 *   s  (r) out, descending
 *   u  (m, r) out, ld ldu
 *   vt (r, n) out, ld ldvt
 *   a  (m, n) inout, ld lda: destroyed */
int mlc_linalg_svd_f64(double *s, double *u, double *vt, double *a, int64_t m, int64_t n, int64_t lda,
                       int64_t ldu, int64_t ldvt);
int mlc_linalg_svd_f32(float *s, float *u, float *vt, float *a, int64_t m, int64_t n, int64_t lda,
                       int64_t ldu, int64_t ldvt);

/* Symmetric eigendecomposition A = Z diag(w) Z^T by divide and conquer (xSYEVD, jobz 'V', the
 * lower triangle of A is read).
 *   w (n) out, ascending
 *   a (n, n) inout, ld lda: overwritten by Z (eigenvectors in columns) */
int mlc_linalg_eigh_f64(double *w, double *a, int64_t n, int64_t lda);
int mlc_linalg_eigh_f32(float *w, float *a, int64_t n, int64_t lda);

/* The eigenvalues only of the symmetric A (n, n) (xSYEVD, jobz 'N', the lower triangle is read).
 *   w (n) out, ascending
 *   a (n, n) inout, ld lda: destroyed */
int mlc_linalg_eigvalsh_f64(double *w, double *a, int64_t n, int64_t lda);
int mlc_linalg_eigvalsh_f32(float *w, float *a, int64_t n, int64_t lda);

/* Symmetric-definite generalized eigendecomposition A z = w B z by divide and conquer (xSYGVD,
 * itype 1, jobz 'V', the lower triangles of A and B are read): the eigenvectors are B-orthonormal
 * (Z^T B Z = I). MLC_ENOTCONVERGED: B is not positive definite, or the iteration failed.
 *   w (n) out, ascending
 *   a (n, n) inout, ld lda: overwritten by Z (eigenvectors in columns)
 *   b (n, n) inout, ld ldb: overwritten by the Cholesky factor of B */
int mlc_linalg_eigh_generalized_f64(double *w, double *a, double *b, int64_t n, int64_t lda, int64_t ldb);
int mlc_linalg_eigh_generalized_f32(float *w, float *a, float *b, int64_t n, int64_t lda, int64_t ldb);

/* Householder QR of A (m, n), m >= n (xGEQRF): on return the upper triangle of A's first n rows
 * holds R; with form_q, A is then overwritten by the m x n orthonormal factor Q (xORGQR). */
int mlc_linalg_qr_f64(double *a, int64_t m, int64_t n, int64_t lda, int form_q);
int mlc_linalg_qr_f32(float *a, int64_t m, int64_t n, int64_t lda, int form_q);

/* QR and LU (with partial pivoting) of a ROW-MAJOR (m, n) A, m >= n, ld n, in place (LAPACK's column-major
 * view of it is A^T):
 *   orth_rows: the orthonormal Q of A = Q R, by the LQ factorisation A^T = R^T Q^T (xGELQF, xORGLQ);
 *   lu_pl_rows: P L of A = P L U with partial pivoting (whole rows swapped: contiguous here), by
 *     recursive halving of the columns (xTRSM, xGEMM on the trailing block); ipiv (n) scratch. */
int mlc_linalg_orth_rows_f64(double *a, int64_t m, int64_t n);
int mlc_linalg_orth_rows_f32(float *a, int64_t m, int64_t n);
int mlc_linalg_lu_pl_rows_f64(double *a, int64_t m, int64_t n, int *ipiv);
int mlc_linalg_lu_pl_rows_f32(float *a, int64_t m, int64_t n, int *ipiv);

/* An (m, n_op) operator given by its products with a ROW-MAJOR block of L columns: adjoint 0,
 * out (m, L) = op in (in (n_op, L)); adjoint 1, out (n_op, L) = op^T in (in (m, L)). Returns a status. */
typedef int (*mlc_linalg_op_f64)(void *ctx, double *out, const double *in, int adjoint);
typedef int (*mlc_linalg_op_f32)(void *ctx, float *out, const float *in, int adjoint);

/* The randomized range finder with subspace iteration (Halko, Martinsson & Tropp, SIAM Review 53(2),
 * 2011, Alg. 4.4), everything ROW-MAJOR so that the products (dense GEMM or sparse) write in place:
 *     Z = Omega (n_op, L) standard normal (mlc's RNG from seed, drawn column by column)
 *     n_iter times:  Q = normalize(op Z),  Z = normalize(op^T Q)
 *     Q = orth(op Z);  Z = op^T Q
 * normalize: MLC_PCA_NORMALIZER_NONE, _QR (orth_rows) or _LU (lu_pl_rows, scikit-learn's
 * permute_l=True), core/enums.h.
 *   Q (m, L) out: orthonormal columns;  Z (n_op, L) out: op^T Q = B^T for B = Q^T op
 *   ipiv (L) scratch;  progress may be NULL (asked once per power iteration) */
int mlc_linalg_range_finder_f64(double *Q, double *Z, int64_t m, int64_t n_op, int64_t l, int64_t n_iter,
                                int normalizer, uint64_t seed, mlc_linalg_op_f64 op, void *ctx,
                                const mlc_progress *progress, int *ipiv);
int mlc_linalg_range_finder_f32(float *Q, float *Z, int64_t m, int64_t n_op, int64_t l, int64_t n_iter,
                                int normalizer, uint64_t seed, mlc_linalg_op_f32 op, void *ctx,
                                const mlc_progress *progress, int *ipiv);

/* Cholesky factorisation of the symmetric positive definite A (n, n) (xPOTRF): with upper = 0,
 * A = L L^T and L overwrites A's lower triangle; with upper = 1, A = U^T U and U overwrites the
 * upper triangle (the other triangle is neither read nor written). MLC_ENOTCONVERGED: A is not
 * positive definite. */
int mlc_linalg_cholesky_f64(double *a, int64_t n, int64_t lda, int upper);
int mlc_linalg_cholesky_f32(float *a, int64_t n, int64_t lda, int upper);

/* *rcond out: the reciprocal condition number in the 1-norm of A, estimated (xPOCON) from the lower
 * factor L of mlc_linalg_cholesky(a, ..., upper = 0) and anorm, the 1-norm of A before factoring.
 *   a (n, n) in, ld lda */
int mlc_linalg_cholesky_rcond_f64(double *rcond, const double *a, int64_t n, int64_t lda, double anorm);
int mlc_linalg_cholesky_rcond_f32(float *rcond, const float *a, int64_t n, int64_t lda, float anorm);

/* B <- A^-1 B from the lower factor L of mlc_linalg_cholesky(a, ..., upper = 0) (xPOTRS).
 *   b (n, nrhs) inout, ld ldb
 *   a (n, n) in, ld lda */
int mlc_linalg_cholesky_solve_f64(double *b, const double *a, int64_t n, int64_t nrhs, int64_t lda,
                                  int64_t ldb);
int mlc_linalg_cholesky_solve_f32(float *b, const float *a, int64_t n, int64_t nrhs, int64_t lda,
                                  int64_t ldb);

/* B <- L^-1 B for the lower triangle L of A (xTRTRS, non-unit diagonal). MLC_ENOTCONVERGED: L is
 * singular.
 *   b (n, nrhs) inout, ld ldb
 *   a (n, n) in, ld lda */
int mlc_linalg_lower_solve_f64(double *b, const double *a, int64_t n, int64_t nrhs, int64_t lda,
                               int64_t ldb);
int mlc_linalg_lower_solve_f32(float *b, const float *a, int64_t n, int64_t nrhs, int64_t lda,
                               int64_t ldb);

/* C (n, k) out = A (n, d) in times B (k, d) in, transposed, all ROW-MAJOR: a linear model's scores
 * X coef^T, by mlc's BLAS (a small product runs on one thread, blas.h) rather than NumPy's. */
int mlc_linalg_matmul_t_f64(double *c, const double *a, const double *b, int64_t n, int64_t d, int64_t k);

/* C <- C + A A^T on the lower triangle of C (xSYRK), for thin A: csrc/core/linalg_syrk.c, dispatched
 * per CPU level. Entries above the diagonal may be written too (with their A A^T increments).
 *   c (n, n) inout, ld n
 *   a (n, k) in, ld n (a row-major (k, n) block: C += B^T B); read up to 8 values past its end
 *   next (next_bytes) in or NULL: what the caller reads next (its next block of rows), prefetched */
void mlc_linalg_syrk_f64(double *c, const double *a, int64_t n, int64_t k, const void *next,
                         int64_t next_bytes);

#endif
