/* kernel.h: the kernels of the kernel SVMs (kernel.c): kernel values from dot products, kernel
 * matrices by GEMM, and the decision values of a fitted model.
 *
 * Legend: N rows of X (training samples or queries), M rows of Y (support vectors), D features,
 * P outputs.
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
 * X (N, D) in; SV (M, D) in: support vectors; W (M, P) in: their coefficients, one column per
 * output (a one-vs-one pair); b (P) in. Returns MLC_OK or MLC_ENOMEM. */
int mlc_svm_decision(double *dec, const double *X, const double *SV, const double *W, const double *b,
                     int64_t n, int64_t m, int64_t d, int64_t p, const mlc_svm_kernel *k, int n_threads);

/* Kmat (N, M) out: kernel values of every row of X with every row of Y, one GEMM per block of
 * rows. X (N, D) in; Y (M, D) in. */
int mlc_svm_kernel_matrix(double *Kmat, const double *X, const double *Y, int64_t n, int64_t m,
                          int64_t d, const mlc_svm_kernel *k, int n_threads);

#endif
