/* loss.h: the training losses, each fused with its gradient (torch.nn.CrossEntropyLoss, NLLLoss,
 * BCEWithLogitsLoss, MSELoss, L1Loss, HuberLoss, SmoothL1Loss), with torch's options and reductions.
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

#include "core/enums.h"
#include "mlc.h"

/* No target is ignored (mlc_nn_loss_cross_entropy's ignore_index; torch's default is -100). */
#define MLC_NN_NO_IGNORE INT64_MIN

/* NULL, or why a loss over (B, C) cannot run (B >= 1 and C >= 1). */
const char *mlc_nn_loss_check_params(int64_t B, int64_t C);

/* NULL, or why the options of a kind (core/enums.h MLC_NN_LOSS_*) are invalid: reduction one of
 * MLC_NN_REDUCTION_*, label_smoothing in [0, 1] (cross_entropy only), delta > 0 (huber's delta) or
 * >= 0 (smooth_l1's beta). */
const char *mlc_nn_loss_check_options(int kind, int reduction, double label_smoothing, double delta);

/* The index of the first target that is neither in [0, C) nor ignore_index, or -1 when none is. */
int64_t mlc_nn_loss_first_bad_target(const int64_t *targets, int64_t B, int64_t C, int64_t ignore_index);

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

/* torch.nn.CrossEntropyLoss (kind cross_entropy, on logits z) and NLLLoss (kind nll, on log-
 * probabilities: log p = z), class indices as targets. With class weights c (C) (NULL: ones),
 * row weights w (B) (mlc's sample_weight, NULL: ones), e = label_smoothing (cross_entropy only):
 *   l_i = (1 - e) c_t (-log p_it) + (e / C) sum_j c_j (-log p_ij)      (t = t_i; l_i = 0 when ignored)
 *   mean: sum_i w_i l_i / sum_i w_i c_t (over rows not ignored; torch's weighted mean);
 *   sum: sum_i w_i l_i;  none: row_loss_i = w_i l_i.
 *   *loss out: the reduced loss (the sum of row_loss for none); row_loss (B) out or NULL;
 *   dlogits (B, C) += d loss / dz (of the sum for none), or NULL; probs (B, C) out = softmax(z), or
 *   NULL (cross_entropy only); logits (B, C) in; targets (B) in; class_weight (C) in or NULL;
 *   sample_weight (B) in or NULL; ignore_index: the target value to skip, or MLC_NN_NO_IGNORE.
 * MLC_EINVAL (before writing anything) on a bad option, a target neither in [0, C) nor ignored, or a
 * mean over a non-positive weight sum (every target ignored: torch returns NaN). */
int mlc_nn_loss_cross_entropy(double *loss, float *row_loss, float *dlogits, float *probs, const float *logits,
                              const int64_t *targets, const float *class_weight, const float *sample_weight,
                              int64_t B, int64_t C, int kind, int64_t ignore_index, double label_smoothing,
                              int reduction, int n_threads);

/* torch.nn.CrossEntropyLoss with probability ("soft") targets q (B, C), rows of class probabilities:
 * with class weights c (C) (NULL: ones), row weights w (B) (NULL: ones), e = label_smoothing,
 *   l_i = -sum_j c_j q'_ij log p_ij,  q' = (1 - e) q + e / C,  p = softmax(z);
 *   dl_i/dz_j = p_ij S_i - c_j q'_ij,  S_i = sum_j c_j q'_ij;
 *   mean: sum_i w_i l_i / sum_i w_i (torch's mean over the batch: the class weights do not enter the
 *   denominator, unlike class-index targets); sum: sum_i w_i l_i; none: row_loss_i = w_i l_i.
 *   *loss out; row_loss (B) out or NULL; dlogits (B, C) += the gradient (of the sum for none) or NULL;
 *   logits (B, C) in; target_probs (B, C) in (not checked to sum to 1, as torch); class_weight (C) in
 *   or NULL; sample_weight (B) in or NULL.
 * MLC_EINVAL on a bad option or a mean over sum w <= 0. */
int mlc_nn_loss_cross_entropy_probs(double *loss, float *row_loss, float *dlogits, const float *logits,
                                    const float *target_probs, const float *class_weight, const float *sample_weight,
                                    int64_t B, int64_t C, double label_smoothing, int reduction, int n_threads);

/* The elementwise losses of torch.nn, r = p - t:
 *   mse        r^2                                   bce_with_logits (p the logit z, t in [0, 1]):
 *   l1         |r|                                     -(q t log s(z) + (1 - t) log(1 - s(z))),
 *   huber      r^2 / 2 if |r| < delta,                 q = pos_weight_k (1 when NULL)
 *              else delta (|r| - delta / 2)
 *   smooth_l1  r^2 / (2 delta) if |r| < delta, else |r| - delta / 2 (delta = torch's beta; 0: l1)
 * each times weight_ik (torch's weight, NULL: ones) and w_i (mlc's sample_weight, NULL: ones):
 *   mean: sum_ik w_i weight_ik l_ik / (K sum_i w_i) (torch's mean when w = 1); sum: the numerator;
 *   none: elem_loss_ik = w_i weight_ik l_ik.
 *   *loss out (the sum of elem_loss for none); elem_loss (B, K) out or NULL; dpred (B, K) += the
 *   gradient (of the sum for none) or NULL; pred, targets (B, K) in; weight (B, K) in or NULL;
 *   pos_weight (K) in or NULL (bce_with_logits only); sample_weight (B) in or NULL.
 * MLC_EINVAL on a bad option, or a mean over sum w <= 0. */
int mlc_nn_loss_pointwise(double *loss, float *elem_loss, float *dpred, const float *pred, const float *targets,
                          const float *weight, const float *pos_weight, const float *sample_weight, int64_t B,
                          int64_t K, int kind, double delta, int reduction, int n_threads);

#endif
