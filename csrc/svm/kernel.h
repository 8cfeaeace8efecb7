/* kernel.h: the kernels of the kernel SVMs (kernel.c): kernel values from dot products, kernel
 * matrices by GEMM, and the decision values of a fitted model.
 *
 * Legend: N rows of X (training samples or queries), M rows of Y (support vectors), D features,
 * P outputs, NNZ stored entries of a sparse matrix.
 *
 * Kernels (MLC_SVM_*, LIBSVM's numbering): linear x.y; poly (gamma x.y + coef0)^degree;
 * rbf exp(-gamma ||x - y||^2); sigmoid tanh(gamma x.y + coef0).
 */
#ifndef MLC_SVM_KERNEL_H
#define MLC_SVM_KERNEL_H

#include "core/enums.h" /* MLC_SVM_LINEAR, _POLY, _RBF, _SIGMOID */
#include "mlc.h"

typedef struct {
    int kernel;
    int degree;
    double gamma;
    double coef0;
} mlc_svm_kernel;

/* The rows a solver or a prediction reads: dense, X (N, D) row-major; or sparse, CSR as
 * core/sparse.h has it (indices sorted within a row), when indices is not NULL: data (NNZ),
 * indices (NNZ), indptr (N + 1), whose offsets are absolute (a run of rows [r0, r1) is indptr + r0). */
typedef struct {
    const double *X;
    const double *data;
    const int32_t *indices;
    const int64_t *indptr;
} mlc_svm_rows;

/* The rows [a0, a0 + na) then [b0, b0 + nb) of the CSR rows R by feature (CSC): colptr (D + 1) out,
 * rows (NNZ of those rows) out: the row numbers 0 .. na + nb - 1, ascending in each column; vals out. */
void mlc_svm_rows_by_feature(int64_t *colptr, int32_t *rows, double *vals, const mlc_svm_rows *R, int64_t a0,
                             int64_t na, int64_t b0, int64_t nb, int64_t d);

/* v (M) out = K(x, y_j) for the M rows y_j of Y given by feature (colptr, rows, vals of
 * mlc_svm_rows_by_feature); x sparse: xi (nx) its columns, xv (nx) its values; sq (M) in: ||y_j||^2,
 * read for rbf only, sqx = ||x||^2. The sums run in feature order, as mlc_svm_kernel_row's. */
void mlc_svm_kernel_row_csr(double *v, const int64_t *colptr, const int32_t *rows, const double *vals,
                            const int32_t *xi, const double *xv, int64_t nx, int64_t m, double sqx,
                            const double *sq, const mlc_svm_kernel *k);

/* sq (N) out: the squared norm of each row of X (N, D) in. */
void mlc_svm_row_sqnorms(double *sq, const double *X, int64_t n, int64_t d);

/* v (N) in/out: dot products <x, y_j> in, kernel values K(x, y_j) out. sqx = ||x||^2 and sqy (N)
 * in = ||y_j||^2 are read for rbf only (sqy may be NULL otherwise). */
void mlc_svm_kernel_from_dots(const mlc_svm_kernel *k, double *v, int64_t n, double sqx, const double *sqy);

/* out[c0, c1) out = K(x, y_j) as float for the samples j in [c0, c1), dispatched per CPU level. XT (D, ld)
 * in: the samples by feature (column j of XT is y_j); x (D) in; sq (ld) in: ||y_j||^2, read for rbf only
 * (may be NULL otherwise), sqx = ||x||^2. */
void mlc_svm_kernel_row(float *out, const double *XT, const double *x, const double *sq, int64_t ld, int64_t c0,
                        int64_t c1, int64_t d, double sqx, const mlc_svm_kernel *k);

/* dec (N, P) out: sum_s K(x_i, sv_s) W[s, p] + b[p], the decision values of a fitted model.
 * X (N rows) in; SV (M rows) in: support vectors, both dense or both CSR (else MLC_EINVAL); W (M, P) in:
 * their coefficients, one column per output (a one-vs-one pair); b (P) in. Returns MLC_OK,
 * MLC_EINVAL or MLC_ENOMEM. */
int mlc_svm_decision(double *dec, const mlc_svm_rows *X, const mlc_svm_rows *SV, const double *W, const double *b,
                     int64_t n, int64_t m, int64_t d, int64_t p, const mlc_svm_kernel *k, int n_threads);

/* Kmat (N, M) out: kernel values of every row of X with every row of Y, one GEMM per block of
 * rows. X (N, D) in; Y (M, D) in. */
int mlc_svm_kernel_matrix(double *Kmat, const double *X, const double *Y, int64_t n, int64_t m,
                          int64_t d, const mlc_svm_kernel *k, int n_threads);

#endif
