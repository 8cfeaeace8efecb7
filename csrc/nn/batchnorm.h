/* batchnorm.h: batch normalisation over the channels of a (B, C, S) tensor (Ioffe & Szegedy 2015),
 * PyTorch's BatchNorm1d / BatchNorm2d / BatchNorm3d.
 *
 * Legend: B batch, C channels, S positions per channel and sample: 1 for BatchNorm1d on (B, C),
 * L for BatchNorm1d on (B, C, L), H*W for BatchNorm2d on (B, C, H, W). n = B*S values per channel.
 * float32, row-major, C-contiguous: x[b, c, s] = x[(b*C + c)*S + s].
 *
 *   out = (x - mean_c) * invstd_c * gamma_c + beta_c,   invstd_c = 1 / sqrt(var_c + eps)
 *
 * Training mode: mean_c and var_c are the batch statistics (var biased: divided by n), computed in
 * float64 by two passes (mean, then the centred sum of squares), so large means lose no precision;
 * the running statistics, when given, move as PyTorch's do:
 *   running_mean = (1 - momentum) running_mean + momentum mean_c
 *   running_var  = (1 - momentum) running_var  + momentum var_c n / (n - 1)   (unbiased)
 * Eval mode: mean_c, var_c are the running statistics (constants of the forward).
 *
 * With relu (the usual BatchNorm2d -> ReLU pair, fused: one pass and one parallel region fewer each
 * way), out = max(bn(x), 0) (NaN stays, as ReLU's), and the backward takes that out as relu_out and
 * reads dout only where relu_out > 0: the numbers of BatchNorm then ReLU.
 *
 * Threads: one channel per iteration of a parallel loop, each reduced in a fixed order, so results
 * do not depend on the number of threads.
 */
#ifndef MLC_NN_BATCHNORM_H
#define MLC_NN_BATCHNORM_H

#include "mlc.h"

/* NULL, or why the problem cannot run: training with n = B*S < 2 (PyTorch: "Expected more than 1
 * value per channel when training"), eval without running statistics, eps <= 0, momentum outside
 * [0, 1]. has_running: running_mean and running_var are both given. */
const char *mlc_nn_batchnorm_check_params(int64_t B, int64_t C, int64_t S, int training, int has_running,
                                          double momentum, double eps);

/* out (B, C, S) out; save_mean, save_invstd (C) out: the mean and 1/sqrt(var + eps) used (batch
 * statistics in training mode, running ones in eval mode), what the backward needs;
 * running_mean, running_var (C) inout or NULL (training: updated; eval: read, required);
 * x (B, C, S) in; gamma, beta (C) in or NULL (affine=False: gamma 1, beta 0); relu: 1 applies the
 * ReLU to out. */
int mlc_nn_batchnorm_forward(float *out, float *save_mean, float *save_invstd, float *running_mean,
                             float *running_var, const float *x, const float *gamma, const float *beta,
                             int64_t B, int64_t C, int64_t S, int training, double momentum, double eps,
                             int relu, int n_threads);

/* Accumulates (+=) into every gradient given; each may be NULL.
 *   dx (B, C, S) out; dgamma, dbeta (C) out;
 *   dout (B, C, S) in; x (B, C, S) in; save_mean, save_invstd (C) in (from the forward);
 *   gamma (C) in or NULL (1); relu_out (B, C, S) in or NULL: the forward's out with relu, whose
 *   positive entries select the dout that passes the ReLU (NULL: no ReLU).
 * Training, with xhat = (x - mean) invstd and sums over the n values of a channel:
 *   dx = gamma invstd (dout - sum(dout)/n - xhat sum(dout xhat)/n)
 * Eval (statistics are constants): dx = dout gamma invstd. Both: dgamma = sum(dout xhat),
 * dbeta = sum(dout). */
int mlc_nn_batchnorm_backward(float *dx, float *dgamma, float *dbeta, const float *dout, const float *x,
                              const float *save_mean, const float *save_invstd, const float *gamma,
                              const float *relu_out, int64_t B, int64_t C, int64_t S, int training, int n_threads);

#endif
