/* gradient_boosting.h: exact gradient boosting (Friedman 2001, "Greedy function approximation: a
 * gradient boosting machine"; scikit-learn's GradientBoostingClassifier/Regressor). Each stage takes
 * the negative gradient of the loss at the raw predictions, fits one CART regression tree (tree/tree.h)
 * per output on it, re-estimates each leaf's value for the loss from the in-bag rows that reach it (the
 * terminal regions: Newton steps for the log and exponential losses, weighted percentiles for the
 * absolute, quantile and Huber losses, the tree's mean for squared error) and adds learning_rate times
 * the leaf value to the raw predictions.
 *
 * Legend: N samples, K outputs (1, or the classes of the multinomial log loss), M nodes of a tree.
 * raw (N, K) row-major: raw predictions. y (N): targets; class codes 0..C-1 (as doubles) for the
 * log losses and the exponential loss. sw (N): sample weights. mask (N) uint8: 1 for the in-bag rows of
 * a subsampled stage, or NULL for all rows. loss: MLC_ENSEMBLE_* (core/enums.h); param: the Huber
 * loss's delta, the quantile loss's alpha (unused otherwise). The losses are scikit-learn's
 * (sklearn/_loss): half squared error (raw - y)^2 / 2, absolute error, pinball, Huber, half binomial
 * log1p(exp(raw)) - y raw, half multinomial logsumexp(raw) - raw_y, exponential y e^-raw + (1 - y) e^raw.
 */
#ifndef MLC_ENSEMBLE_GRADIENT_BOOSTING_H
#define MLC_ENSEMBLE_GRADIENT_BOOSTING_H

#include "core/enums.h"
#include "mlc.h"

/* NULL, or why the loss cannot have K outputs (the multinomial log loss needs K >= 3, the others K = 1)
 * or its param is out of range. */
const char *mlc_ensemble_gb_check_params(int loss, int64_t k, double param);

/* neg_grad (N, K) out: minus the gradient of the loss at raw (N, K) in for targets y (N) in. */
int mlc_ensemble_gb_negative_gradient(double *neg_grad, const double *raw, const double *y, int64_t n,
                                      int64_t k, int loss, double param, int n_threads);

/* *out: the sw-weighted mean loss at raw (N, K) of the rows i with (mask[i] != 0) == select (mask NULL:
 * every row), summed in row order. */
int mlc_ensemble_gb_loss(double *out, const double *raw, const double *y, const double *sw, const uint8_t *mask,
                         int select, int64_t n, int64_t k, int loss, double param);

/* mask (N) out: scikit-learn's _random_sample_mask: n_inbag of the N rows, row i kept when
 * rand[i] (N) in (uniform in [0, 1)) * (N - i) < the number still to keep. */
int mlc_ensemble_gb_sample_mask(uint8_t *mask, const double *rand, int64_t n, int64_t n_inbag);

/* One tree's terminal regions and raw update (scikit-learn's _update_terminal_regions): value (M) inout
 * is the tree's node values; each leaf (children_left (M) in == -1) gets the loss's estimate from the
 * in-bag rows (mask) that reach it (leaf (N) in: each row's leaf), then raw[:, kk] (N, K) inout +=
 * learning_rate * value[leaf]. y (N) in: the tree's targets (for the multinomial loss, 1 for class kk
 * and 0 otherwise); neg_grad (N, K) in; sw (N) in. */
int mlc_ensemble_gb_update(double *value, double *raw, const int64_t *children_left, const int64_t *leaf,
                           const double *y, const double *neg_grad, const double *sw, const uint8_t *mask,
                           int64_t n, int64_t k, int64_t kk, int64_t m, int loss, double param,
                           double learning_rate);

#endif
