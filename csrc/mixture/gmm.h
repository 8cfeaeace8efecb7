/* gmm.h: Gaussian mixture models fitted by expectation-maximisation.
 *
 * Legend: N samples (rows of X), D features, K components. P is the size of one covariance block:
 *   full (K, D, D), tied (D, D), diag (K, D), spherical (K) — see mlc_gmm_cov_size.
 *
 * Parameterisation (scikit-learn's): a component is (weight w_k, mean mu_k, precision Cholesky
 * factor U_k), U_k upper triangular with precision_k = U_k U_k^T (U_k = L_k^-T for
 * covariance_k = L_k L_k^T); for diag/spherical U_k is 1/sqrt(variance). Then
 *   log N(x | mu_k, Sigma_k) = -D/2 log(2 pi) + sum_j log U_k,jj - 1/2 ||(x - mu_k) U_k||^2.
 *
 * Determinism: every reduction over rows is split into chunks that depend on N only (never on the
 * thread count), summed per chunk and merged in chunk order; per-component work is independent.
 * The same inputs give bit-identical results whatever the number of threads.
 */
#ifndef MLC_GMM_H
#define MLC_GMM_H

#include "core/enums.h" /* MLC_GMM_FULL, _TIED, _DIAG, _SPHERICAL */
#include "mlc.h"

/* A fitted (or initial) mixture: one owned block carved into the four named arrays. */
typedef struct {
    int64_t n_components; /* K */
    int64_t n_features;   /* D */
    int covariance_type;  /* MLC_GMM_* */
    double *weights;      /* (K) */
    double *means;        /* (K, D) */
    double *covariances;  /* (P) */
    double *precisions_cholesky; /* (P) */
    double *block_;       /* the one allocation behind the arrays above */
} mlc_gmm;

/* NULL, or why (k, d, covariance_type) cannot describe a mixture. */
const char *mlc_gmm_check_params(int64_t k, int64_t d, int covariance_type);
/* NULL, or why the fit hyper-parameters are out of range. */
const char *mlc_gmm_check_fit_params(int64_t n, int64_t k, int64_t max_iter, double tol, double reg_covar);
/* P, the number of doubles of one covariance (or precision-Cholesky) array. */
int64_t mlc_gmm_cov_size(int64_t k, int64_t d, int covariance_type);

/* Allocate g's block (arrays uninitialised); mlc_gmm_free releases it (safe on a zeroed struct). */
int mlc_gmm_init(mlc_gmm *g, int64_t k, int64_t d, int covariance_type);
void mlc_gmm_free(mlc_gmm *g);

/* E-step. resp (N, K) out: responsibilities p(k | x_i), or their logarithms when log_space;
 * log_prob_norm (N) out: log p(x_i) = logsumexp_k [log w_k + log N(x_i | k)] (may be NULL);
 * g in (weights, means, precisions_cholesky); X (N, D) in. */
int mlc_gmm_e_step(double *resp, double *log_prob_norm, const mlc_gmm *g, const double *X, int64_t n,
                   int log_space, int n_threads);

/* M-step from responsibilities. g out (weights, means, covariances, precisions_cholesky);
 * resp (N, K) in; X (N, D) in. Returns MLC_ENUMERIC when a covariance is not positive definite
 * (a collapsed component: scikit-learn's "ill-defined empirical covariance"). */
int mlc_gmm_m_step(mlc_gmm *g, const double *resp, const double *X, int64_t n, double reg_covar,
                   int n_threads);

/* prec_chol (P) out: the upper factor U with precision = U U^T (sqrt for diag/spherical);
 * precisions (P) in. MLC_ENUMERIC when a precision is not positive definite. */
int mlc_gmm_precisions_cholesky(double *prec_chol, const double *precisions, int64_t k, int64_t d,
                                int covariance_type);

/* EM from g's current parameters: at most max_iter (E-step, M-step) rounds; stops when the
 * lower bound (mean log-likelihood of X under the parameters before the M-step) changes by less
 * than tol. g inout; lower_bounds (max_iter) out, the first *n_iter used; n_iter out;
 * converged out; X (N, D) in; prev_lower_bound: -inf for a fresh start, the previous bound for a
 * warm start. Ticks p once per iteration (MLC_EINTERRUPTED if it asks to stop). */
int mlc_gmm_fit(mlc_gmm *g, double *lower_bounds, int64_t *n_iter, int *converged, const double *X,
                int64_t n, int64_t max_iter, double tol, double reg_covar, double prev_lower_bound,
                int n_threads, const mlc_progress *p);

#endif
