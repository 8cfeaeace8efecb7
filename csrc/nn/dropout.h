/* dropout.h: inverted dropout (torch.nn.Dropout in training mode).
 *
 * Legend: N elements (any shape, taken flat). float32, C-contiguous.
 *
 * Each element is kept with probability 1 - p; mask holds 0 or 1/(1-p) and out = x * mask, so the
 * expectation of out is x and evaluation needs no rescaling.
 *
 * Reproducibility: the array is cut into chunks of MLC_NN_DROPOUT_CHUNK elements; chunk c draws from
 * its own xoshiro256** stream, mlc_rng_seed_stream(seed, c). Which thread runs a chunk does not
 * matter, so the same seed gives the same bit-identical mask for any number of threads. Each 64-bit
 * draw decides two elements (its low and high 32 bits), compared with p * 2^32.
 */
#ifndef MLC_NN_DROPOUT_H
#define MLC_NN_DROPOUT_H

#include "mlc.h"

#define MLC_NN_DROPOUT_CHUNK 4096

/* NULL, or why p cannot be used: p must be in [0, 1). */
const char *mlc_nn_dropout_check_params(double p);

/* out (N) out = x * mask; mask (N) out, 0 or 1/(1-p); x (N) in (out may be x). p = 0: mask all 1. */
int mlc_nn_dropout_forward(float *out, float *mask, const float *x, int64_t n, double p, uint64_t seed,
                           int n_threads);

/* dx (N) += dout * mask; dout (N) in; mask (N) in (from the forward). */
int mlc_nn_dropout_backward(float *dx, const float *dout, const float *mask, int64_t n, int n_threads);

#endif
