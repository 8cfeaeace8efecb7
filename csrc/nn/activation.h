/* activation.h: pointwise activations and the softmax family.
 *
 * Legend: N elements (any shape, taken flat), B rows, C classes / channels of the last axis.
 * float32, C-contiguous.
 *
 * What each backward needs (the other pointer may be NULL):
 *   relu        x, or out: x > 0 and out > 0 are the same mask
 *   leaky_relu  x, or out when alpha >= 0 (then out > 0 exactly when x > 0)
 *   sigmoid     out: dy/dx = y (1 - y)
 *   tanh        out: dy/dx = 1 - y^2
 *   identity    neither
 * At x = 0 relu's derivative is 0 and leaky_relu's is alpha, as in torch.
 * Names: mlc_nn_<layer>_<verb>, the layer being activation (the pointwise kinds), softmax or log_softmax.
 */
#ifndef MLC_NN_ACTIVATION_H
#define MLC_NN_ACTIVATION_H

#include "core/enums.h" /* MLC_ACT_*: leaky_relu's alpha is torch's negative_slope */
#include "mlc.h"

/* NULL, or why (kind, alpha) cannot run: an unknown kind, a non-finite alpha, or a backward without
 * the array the kind needs (have_x, have_out: whether x / out are given; forward passes 1, 1). */
const char *mlc_nn_activation_check_params(int kind, double alpha, int have_x, int have_out);

/* out (N) out = f(x); x (N) in. out may be x itself (in place). */
int mlc_nn_activation_forward(float *out, const float *x, int64_t n, int kind, float alpha, int n_threads);

/* dx (N) += f'(x) * dout; dout (N) in; x (N) in or NULL; out (N) in or NULL (see the legend). */
int mlc_nn_activation_backward(float *dx, const float *dout, const float *x, const float *out, int64_t n,
                               int kind, float alpha, int n_threads);

/* Softmax over the last axis, max-subtracted (no overflow): out (B, C) out; x (B, C) in; out may be x. */
int mlc_nn_softmax_forward(float *out, const float *x, int64_t B, int64_t C, int n_threads);
/* log_softmax: out = x - max - log(sum exp(x - max)), the sum in float64. out may be x. */
int mlc_nn_log_softmax_forward(float *out, const float *x, int64_t B, int64_t C, int n_threads);
/* dx (B, C) += y (dout - <dout, y>) with y = softmax(x) = out (B, C) in; dout (B, C) in. */
int mlc_nn_softmax_backward(float *dx, const float *dout, const float *out, int64_t B, int64_t C, int n_threads);
/* dx (B, C) += dout - exp(y) sum(dout) with y = log_softmax(x) = out (B, C) in; dout (B, C) in. */
int mlc_nn_log_softmax_backward(float *dx, const float *dout, const float *out, int64_t B, int64_t C,
                                int n_threads);

#endif
