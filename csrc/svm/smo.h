/* smo.h: kernel support vector machines (C-SVC, epsilon-SVR) by SMO, as LIBSVM solves them.
 *
 * Legend: N training samples (rows of X), D features. The kernels are svm/kernel.h's. X is dense or
 * CSR (mlc_svm_rows); on the same rows both give the same model, up to the rounding of the dot products.
 */
#ifndef MLC_SMO_H
#define MLC_SMO_H

#include "mlc.h"
#include "svm/kernel.h"

/* NULL, or a message naming the bad hyper-parameter. */
const char *mlc_svm_check_params(const mlc_svm_kernel *k, double tol, double cache_mb);

/* Binary C-SVC. coef (N) out: alpha_i y_i (0 off the support); *rho out: decision = sum coef K - rho;
 * *n_iter out. X (N rows) in; y (N) in: +1 / -1; Cw (N) in: the upper bound of each alpha_i
 * (C x class weight x sample weight); shrinking 0/1 (LIBSVM's heuristic). Returns MLC_OK,
 * MLC_ENOTCONVERGED (max_iter reached; outputs are written), MLC_ENOMEM or MLC_EINTERRUPTED. max_iter < 0: no limit. */
int mlc_svm_solve_c_svc(double *coef, double *rho, int64_t *n_iter, const mlc_svm_rows *X, const double *y,
                        const double *Cw, int64_t n, int64_t d, const mlc_svm_kernel *k, double tol,
                        double cache_mb, int shrinking, int64_t max_iter, const mlc_progress *p);

/* One-vs-one C-SVC over K classes (LIBSVM's multiclass): one binary problem per pair (i, j), i < j,
 * in the order (0, 1), (0, 2), ..., (K-2, K-1), class i as +1; the pairs are solved in parallel.
 * dual (K - 1, N) out: LIBSVM's layout: pair (i, j) writes alpha_t y_t of class i's rows in row j - 1
 * and of class j's rows in row i (every entry belongs to one pair); rho (P) out; n_iter (P) out,
 * P = K (K - 1) / 2. X (N rows) in: grouped by class; start (K + 1) in: class c's rows are
 * [start[c], start[c + 1]); Cw (N) in: each row's bound. A class with no rows gives its pairs no
 * coefficients and rho -1 (the other class is +1), 1 (the other class is -1) or 0 (both empty).
 * Returns as mlc_svm_solve_c_svc (MLC_ENOTCONVERGED when any pair reached max_iter). */
int mlc_svm_solve_c_svc_ovo(double *dual, double *rho, int64_t *n_iter, const mlc_svm_rows *X, const int64_t *start,
                            const double *Cw, int64_t n, int64_t d, int64_t n_classes,
                            const mlc_svm_kernel *k, double tol, double cache_mb, int shrinking,
                            int64_t max_iter, int n_threads, const mlc_progress *p);

/* epsilon-SVR. coef (N) out: alpha_i - alpha_i^*; *rho out: prediction = sum coef K - rho.
 * y (N) in: targets; Cw (N) in: the upper bound of alpha_i and alpha_i^* (C x sample weight). */
int mlc_svm_solve_epsilon_svr(double *coef, double *rho, int64_t *n_iter, const mlc_svm_rows *X,
                              const double *y, const double *Cw, int64_t n, int64_t d,
                              const mlc_svm_kernel *k, double epsilon, double tol, double cache_mb,
                              int shrinking, int64_t max_iter, const mlc_progress *p);

#endif
