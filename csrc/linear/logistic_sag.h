/* logistic_sag.h: SAG and SAGA for logistic regression (scikit-learn's solver='sag' / 'saga').
 *
 * Legend as in logistic.h: N samples, D features, C classes, K = 1 (binary) or C logits; the
 * parameters w (P) are W (K, D) row-major, then the intercepts b (K) when fit_intercept.
 */
#ifndef MLC_LOGISTIC_SAG_H
#define MLC_LOGISTIC_SAG_H

#include "linear/logistic.h"

/* NULL, or why p cannot be fitted by p->solver (MLC_LOGISTIC_SAG or _SAGA). */
const char *mlc_logistic_sag_check_params(const mlc_logistic_params *p);

/* Fit by SAG or SAGA (p->solver), up to p->max_iter epochs of N steps, rows drawn by the RNG seeded
 * with p->seed. w (P) inout: the start, then the solution; *n_iter out: epochs run; *converged out:
 * the tol criterion held. pr in: the rows (dense X or CSR), y (class codes), sw (or NULL: all ones),
 * N, D and K (its scratch is not used).
 * Returns MLC_OK (max_iter reached too), MLC_ENUMERIC (the weights overflowed), MLC_ENOMEM,
 * MLC_EINVAL (SAG's step size times alpha is 1: L2, no intercept and X all zeros) or MLC_EINTERRUPTED. */
int mlc_logistic_sag_fit(double *w, int64_t *n_iter, int *converged, const mlc_logistic_problem *pr,
                         const mlc_logistic_params *p, const mlc_progress *progress);

#endif
