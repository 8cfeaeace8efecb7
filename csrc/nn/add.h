/* add.h: the residual connection out = a + b, and the float64 sum of squares used for gradient norms.
 *
 * Legend: N elements (any shape, taken flat). float32, C-contiguous.
 * Names: mlc_nn_add_<verb> for the layer; mlc_nn_sum_squares is a reduction, not a layer.
 */
#ifndef MLC_NN_ADD_H
#define MLC_NN_ADD_H

#include "mlc.h"

/* out (N) out = a + b; a, b (N) in. out may be a or b (in place). */
int mlc_nn_add_forward(float *out, const float *a, const float *b, int64_t n, int n_threads);

/* da (N) += dout and db (N) += dout, each skipped when NULL; dout (N) in. */
int mlc_nn_add_backward(float *da, float *db, const float *dout, int64_t n, int n_threads);

/* *result out = sum_i x_i^2 accumulated in float64; x (N) in. The split into chunks depends on N
 * only and the chunks are added in order: bit-identical for any number of threads. */
int mlc_nn_sum_squares(double *result, const float *x, int64_t n, int n_threads);

#endif
