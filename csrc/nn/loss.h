/* loss.h: the training losses, each fused with its gradient (torch.nn.CrossEntropyLoss,
 * BCEWithLogitsLoss, MSELoss).
 *
 * Legend: B rows (samples), C classes, K outputs per row. float32 arrays, C-contiguous; the loss is
 * returned in float64 and every sum is accumulated in float64.
 *
 * Sample weights w (B), NULL meaning all ones, weight whole rows and the mean is taken over the
 * weights, so w = 1 gives torch's reduction='mean' and scaling all weights changes nothing:
 *   cross entropy   L = sum_i w_i l_i / sum_i w_i
 *   bce, mse        L = sum_i w_i sum_k l_ik / (K sum_i w_i)
 * The gradient is that of L, ACCUMULATED (+=) into the gradient array, which may be NULL.
 *
 * Determinism: rows are cut into at most 64 chunks by a rule that depends on B only; each chunk
 * sums its rows in order and the chunk sums are added in order, so the loss is bit-identical
 * whatever the number of threads.
 * Names: mlc_nn_loss_<kind>, each a forward fused with its backward (no _forward / _backward pair).
 */
#ifndef MLC_NN_LOSS_H
#define MLC_NN_LOSS_H

#include "mlc.h"

/* NULL, or why a loss over (B, C) cannot run (B >= 1 and C >= 1). */
const char *mlc_nn_loss_check_params(int64_t B, int64_t C);

/* The index of the first target outside [0, C), or -1 when all are class indices. */
int64_t mlc_nn_loss_first_bad_target(const int64_t *targets, int64_t B, int64_t C);

/* Softmax cross entropy, l_i = logsumexp(z_i) - z_i,t_i, from the logits z in one pass.
 *   *loss out; dlogits (B, C) += w_i (softmax(z_i) - onehot(t_i)) / sum w, or NULL;
 *   probs (B, C) out = softmax(z) (for predict_proba), or NULL;
 *   logits (B, C) in; targets (B) in, class indices; sample_weight (B) in or NULL.
 * MLC_EINVAL (before writing anything) when a target is outside [0, C) or sum w <= 0. */
int mlc_nn_loss_softmax_cross_entropy(double *loss, float *dlogits, float *probs, const float *logits,
                                      const int64_t *targets, const float *sample_weight, int64_t B, int64_t C,
                                      int n_threads);

/* Binary cross entropy on logits, l = max(z, 0) - z t + log1p(exp(-|z|)) (no overflow).
 *   *loss out; dlogits (B, K) += w_i (sigmoid(z) - t) / (K sum w), or NULL;
 *   logits (B, K) in; targets (B, K) in, in [0, 1]; sample_weight (B) in or NULL.
 * MLC_EINVAL when sum w <= 0. */
int mlc_nn_loss_bce_with_logits(double *loss, float *dlogits, const float *logits, const float *targets,
                                const float *sample_weight, int64_t B, int64_t K, int n_threads);

/* Mean squared error, l = (p - t)^2.
 *   *loss out; dpred (B, K) += 2 w_i (p - t) / (K sum w), or NULL;
 *   pred (B, K) in; targets (B, K) in; sample_weight (B) in or NULL.
 * MLC_EINVAL when sum w <= 0. */
int mlc_nn_loss_mse(double *loss, float *dpred, const float *pred, const float *targets, const float *sample_weight,
                    int64_t B, int64_t K, int n_threads);

#endif
