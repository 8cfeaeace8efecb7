/* smo.h: kernel support vector machines (C-SVC, epsilon-SVR) by SMO, as LIBSVM solves them.
 *
 * Legend: N training samples (rows of X), M rows of Y (query rows / support vectors), D features.
 *
 * Kernels (LIBSVM's numbering): linear x.y; poly (gamma x.y + coef0)^degree;
 * rbf exp(-gamma ||x - y||^2); sigmoid tanh(gamma x.y + coef0).
 */
#ifndef MLC_SMO_H
#define MLC_SMO_H

#include "mlc.h"

enum { MLC_SVM_LINEAR = 0, MLC_SVM_POLY = 1, MLC_SVM_RBF = 2, MLC_SVM_SIGMOID = 3, MLC_SVM_N_KERNELS = 4 };

typedef struct {
    int kernel;
    int degree;
    double gamma;
    double coef0;
} mlc_svm_kernel;

/* NULL, or a message naming the bad hyper-parameter. */
const char *mlc_svm_check_params(const mlc_svm_kernel *k, double tol, double cache_mb);

/* Kmat (N, M) out: kernel values of every row of X with every row of Y, one GEMM per block of
 * rows. X (N, D) in; Y (M, D) in. */
int mlc_svm_kernel_matrix_f64(double *Kmat, const double *X, const double *Y, int64_t n, int64_t m,
                              int64_t d, const mlc_svm_kernel *k);

/* Binary C-SVC. coef (N) out: alpha_i y_i (0 off the support); *rho out: decision = sum coef K - rho;
 * *n_iter out. X (N, D) in; y (N) in: +1 / -1; Cw (N) in: the upper bound of each alpha_i
 * (C x class weight); shrinking 0/1 (LIBSVM's heuristic). Returns MLC_OK, MLC_ENOTCONVERGED (max_iter reached; outputs are written),
 * MLC_ENOMEM or MLC_EINTERRUPTED. max_iter < 0: no limit. */
int mlc_svm_solve_c_svc_f64(double *coef, double *rho, int64_t *n_iter, const double *X, const double *y,
                            const double *Cw, int64_t n, int64_t d, const mlc_svm_kernel *k, double tol,
                            double cache_mb, int shrinking, int64_t max_iter, const mlc_progress *p);

/* epsilon-SVR. coef (N) out: alpha_i - alpha_i^*; *rho out: prediction = sum coef K - rho.
 * y (N) in: targets. */
int mlc_svm_solve_epsilon_svr_f64(double *coef, double *rho, int64_t *n_iter, const double *X,
                                  const double *y, int64_t n, int64_t d, const mlc_svm_kernel *k, double C,
                                  double epsilon, double tol, double cache_mb, int shrinking, int64_t max_iter,
                                  const mlc_progress *p);

#endif
