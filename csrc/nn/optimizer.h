/* optimizer.h: the network optimisers and gradient clipping, over ONE flat float32 parameter buffer
 * (a model keeps every parameter in one block and every gradient in another: one call updates
 * everything, one norm clips everything).
 *
 * Legend: P parameters (the flat buffer), R state rows (R = 0 plain SGD, 1 SGD with momentum or
 * Adagrad, 2 Adam / AdamW, 1 to 3 RMSprop).
 *
 * One step, elementwise, for every j (the torch.optim algorithms, single-tensor form):
 *   g = grad_j + mask_j (weight_decay p_j + l1 sign(p_j))   (sgd, adagrad, adam, rmsprop: L2 coupled)
 *   g = grad_j + mask_j l1 sign(p_j)                           (adamw: decay decoupled, below)
 * mask_j is decay_mask[j] (1 when NULL): 0 leaves a parameter unpenalised (biases, batch-norm
 * parameters: scikit-learn's MLP does not penalise intercepts). The L1 term is a subgradient of
 * l1 |p| (sign(0) = 0): it drives weights towards zero but, unlike a proximal step, does not make
 * them exactly zero.
 *   sgd     (torch.optim.SGD): b = g on step 1, else b = momentum b + (1 - dampening) g;
 *           d = g + momentum b (nesterov) or b (momentum > 0) or g (momentum 0); p -= lr d.
 *           state row 0: b (unused when momentum = 0).
 *   sgd_velocity (scikit-learn's MLP SGDOptimizer): v = momentum v - lr g; p += v, or with Nesterov
 *           p += momentum v - lr g (v starts at 0; dampening unused). The learning rate sits inside
 *           the velocity, so a schedule's new rate applies to new gradients only; with a constant
 *           rate it is the sgd step above.  state row 0: v (unused when momentum = 0).
 *   adagrad (torch.optim.Adagrad, lr_decay 0, initial_accumulator_value 0; Duchi et al. 2011):
 *           G += g^2; p -= lr g / (sqrt(G) + eps).  state row 0: G.
 *   adam    (torch.optim.Adam, amsgrad off; Kingma & Ba 2015):
 *           m += (1 - beta1)(g - m); v = beta2 v + (1 - beta2) g^2;
 *           p -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + eps).  rows 0, 1: m, v.
 *   adamw   (torch.optim.AdamW; Loshchilov & Hutter 2019): p *= 1 - lr weight_decay mask_j first,
 *           then the adam step without L2 in g.
 *   rmsprop (torch.optim.RMSprop; Hinton's lecture 6e, Graves 2013 for the centered form):
 *           s = alpha s + (1 - alpha) g^2; centered: a += (1 - alpha)(g - a) (the mean gradient),
 *           d = sqrt(s - a^2) + eps, else d = sqrt(s) + eps; momentum > 0: b = momentum b + g / d,
 *           p -= lr b; else p -= lr g / d.  rows: s, then b (momentum > 0), then a (centered).
 * t = step is the 1-based count of steps taken including this one (the caller keeps it).
 * Elementwise, in parallel over P: the result does not depend on the number of threads.
 * Names: mlc_nn_optim_<verb> for the step, mlc_nn_clip_grad_norm / _value as torch.nn.utils names them.
 */
#ifndef MLC_NN_OPTIMIZER_H
#define MLC_NN_OPTIMIZER_H

#include "core/enums.h"
#include "mlc.h"

typedef struct {
    int method;          /* MLC_OPTIM_SGD, _SGD_VELOCITY, _ADAGRAD, _ADAM, _ADAMW or _RMSPROP */
    double lr;           /* > 0 */
    double momentum;     /* sgd, sgd_velocity, rmsprop: >= 0 */
    double dampening;    /* sgd: in [0, 1] */
    int nesterov;        /* sgd, sgd_velocity: needs momentum > 0 and dampening 0 (torch's rule) */
    double beta1, beta2; /* adam, adamw: in [0, 1) */
    double eps;          /* adagrad, adam, adamw, rmsprop: > 0 */
    double weight_decay; /* >= 0: L2 added to the gradient, decoupled for adamw */
    double l1;           /* >= 0: l1 sign(p) added to the gradient */
    double alpha;        /* rmsprop: the smoothing constant, in [0, 1] */
    int centered;        /* rmsprop: normalise by the gradient's estimated variance */
} mlc_nn_optim_params;

/* NULL, or why the parameters are invalid. */
const char *mlc_nn_optim_check_params(const mlc_nn_optim_params *p, int64_t step);
/* R: the state rows the method needs. */
int64_t mlc_nn_optim_state_rows(const mlc_nn_optim_params *p);

/* One step. params (P) inout; state (R, P) inout (R from mlc_nn_optim_state_rows; zeros before
 * the first step; NULL when R = 0); grads (P) in; decay_mask (P) in or NULL (all ones). */
int mlc_nn_optim_step(float *params, float *state, const float *grads, const float *decay_mask, int64_t P,
                      const mlc_nn_optim_params *p, int64_t step, int n_threads);

/* torch.nn.utils.clip_grad_norm_ on the flat buffer: total = ||grads||_p (p = norm_type > 0, or
 * INFINITY for the max norm), accumulated in float64 in fixed-size chunks merged in order (so
 * thread-count independent); when c = max_norm / (total + 1e-6) < 1 (or is NaN, as torch propagates
 * it) grads *= c. *total_norm out: the norm before clipping. grads (P) inout. */
const char *mlc_nn_clip_grad_norm_check_params(double max_norm, double norm_type);
int mlc_nn_clip_grad_norm(double *total_norm, float *grads, int64_t P, double max_norm, double norm_type,
                          int n_threads);

/* grads (P) inout clamped to [-clip_value, clip_value] (clip_value >= 0; NaN stays NaN as in torch). */
int mlc_nn_clip_grad_value(float *grads, int64_t P, double clip_value, int n_threads);

#endif
