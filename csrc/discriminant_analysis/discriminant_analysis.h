/* discriminant_analysis.h: linear and quadratic discriminant analysis (scikit-learn's
 * LinearDiscriminantAnalysis and QuadraticDiscriminantAnalysis), float64.
 *
 * Legend: N samples (rows of X), D features, C classes (C >= 2). y (N) holds int32 class codes
 * 0 .. C-1 and every class has at least one row. Matrices are row-major.
 *
 * Both models start from the class statistics of scatter.c: the rows of one class at a time (a
 * stable counting sort by class), its mean, and its scatter sum (x - mean)(x - mean)^T in one
 * pass of syrk over blocks of centred rows, in a fixed set of chunks merged in order (the same
 * bits for any thread count). Covariances are the biased ones (scatter / rows), as scikit-learn's.
 * Shrinkage (MLC_DA_SHRINKAGE_*) of a covariance S of D features: fixed alpha gives
 * (1 - alpha) S + alpha tr(S) / D I; auto takes alpha from Ledoit & Wolf (2004) on the
 * standardised rows (scikit-learn's _cov(X, 'auto')).
 */
#ifndef MLC_DISCRIMINANT_ANALYSIS_H
#define MLC_DISCRIMINANT_ANALYSIS_H

#include "core/enums.h" /* MLC_DA_SOLVER_*, MLC_DA_SHRINKAGE_* */
#include "mlc.h"

/* NULL, or why the parameters are unusable: n >= 1, d >= 1, c >= 2, lda: solver svd, lsqr or
 * eigen (QDA: svd or eigen), shrinkage none with svd, 0 <= alpha <= 1 when fixed, tol >= 0,
 * 0 <= reg_param <= 1. */
const char *mlc_discriminant_analysis_check_params(int64_t n, int64_t d, int64_t c, int lda, int solver,
                                                   int shrinkage, double alpha, double reg_param, double tol);

/* Linear discriminant analysis, scikit-learn's three solvers.
 *   svd:   std = the within-class standard deviation of each feature (0 -> 1); the first SVD, of the
 *          within-class centred rows scaled by 1 / (std sqrt(N)), comes from the eigendecomposition of
 *          their Gram matrix (the D x D within-class covariance scaled by std), keeping the
 *          singular values > tol; the second, of the class means centred on xbar and weighted by
 *          sqrt(N prior / (C - 1)), keeps those > tol times the largest. scalings are its right
 *          vectors mapped back, coef and intercept the discriminants in that space (sklearn's
 *          _solve_svd). The Gram matrix resolves singular values down to ~1e-8 of the largest,
 *          well below the default tol of 1e-4.
 *   lsqr:  covariance = sum_k prior_k S_k (shrunk), coef = covariance^+ means^T (pseudo-inverse,
 *          eigenvalues below eps times the largest dropped: scipy's lstsq cutoff).
 *   eigen: the generalized problem (S_total - covariance) v = w covariance v (xSYGVD); scalings are
 *          the eigenvectors by decreasing w, coef = means scalings scalings^T.
 * intercept_k = -0.5 coef_k . means_k + log prior_k (svd: in the projected space, then - xbar . coef_k).
 *   means      (C, D) out
 *   xbar       (D) out          sum_k prior_k means_k
 *   covariance (D, D) out or NULL (svd: only when wanted; never shrunk there)
 *   coef       (C, D) out
 *   intercept  (C) out
 *   scalings   (D, D) out: the first *rank columns are scikit-learn's scalings_ (svd, eigen: D)
 *   evr        (D) out: the first *n_evr entries are the explained variance ratios, decreasing
 *   rank, n_evr out
 *   X (N, D) in, y (N) in, priors (C) in (sum 1)
 * Returns MLC_OK, MLC_ENOMEM, or MLC_ENOTCONVERGED: eigen with a covariance that is not positive
 * definite (or a LAPACK iteration failed). */
int mlc_discriminant_analysis_lda_fit(double *means, double *xbar, double *covariance, double *coef,
                                      double *intercept, double *scalings, double *evr, int64_t *rank,
                                      int64_t *n_evr, const double *X, const int32_t *y, const double *priors,
                                      int64_t n, int64_t d, int64_t c, int solver, int shrinkage,
                                      double alpha, double tol, int n_threads);

/* Quadratic discriminant analysis: for each class k its mean and the eigen-decomposition of its
 * covariance S_k = R diag(s) R^T, s decreasing.
 *   svd:   from the thin SVD of the class's centred rows (QR, then the SVD of R), s = (1 - reg_param)
 *          sigma^2 / n_k + reg_param (sklearn's _solve_svd); a class with n_k <= D is skipped
 *          (rank[k] = n_k, its outputs zero: not full rank, the caller raises).
 *   eigen: xSYEVD of the (shrunk) S_k (reg_param unused, as in scikit-learn).
 *   means      (C, D) out
 *   rotations  (C, D, D) out: rotations[k] = R, its columns the principal axes
 *   scalings   (C, D) out: s
 *   covariance (C, D, D) out or NULL: svd R diag(s) R^T, eigen S_k
 *   rank       (C) out: the number of s > tol
 * Returns MLC_OK, MLC_ENOMEM or MLC_ENOTCONVERGED (a LAPACK iteration failed). */
int mlc_discriminant_analysis_qda_fit(double *means, double *rotations, double *scalings, double *covariance,
                                      int64_t *rank, const double *X, const int32_t *y, int64_t n, int64_t d,
                                      int64_t c, int solver, int shrinkage, double alpha, double reg_param,
                                      double tol, int n_threads);

/* QDA's log posterior up to a constant: scores[i, k] = -0.5 (|(x_i - mean_k) R_k s_k^-1/2|^2 +
 * sum log s_k) + log_priors[k] (sklearn's _decision_function).
 *   scores (N, C) out
 *   X (N, D) in, means (C, D) in, rotations (C, D, D) in, scalings (C, D) in (> 0), log_priors (C) in
 * Returns MLC_OK or MLC_ENOMEM. */
int mlc_discriminant_analysis_qda_decision(double *scores, const double *X, const double *means,
                                           const double *rotations, const double *scalings,
                                           const double *log_priors, int64_t n, int64_t d, int64_t c,
                                           int n_threads);

#endif
