/* dense.h: the fully connected layer, out = x W^T + b (torch.nn.Linear).
 *
 * Legend: B batch rows, C_in input features, C_out output features. float32, row-major,
 * C-contiguous. The weight is (C_out, C_in), torch's layout, so a state dict copies as is.
 */
#ifndef MLC_NN_DENSE_H
#define MLC_NN_DENSE_H

#include "mlc.h"

/* NULL, or why (B, C_in, C_out) cannot run: C_in, C_out >= 1, B >= 0, each within a BLAS int. */
const char *mlc_nn_dense_check_params(int64_t B, int64_t C_in, int64_t C_out);

/* out (B, C_out) out, overwritten; x (B, C_in) in; weight (C_out, C_in) in; bias (C_out) in or NULL.
 * out may not overlap x, weight or bias. One sgemm. */
int mlc_nn_dense_forward(float *out, const float *x, const float *weight, const float *bias, int64_t B,
                         int64_t C_in, int64_t C_out, int n_threads);

/* Accumulates (+=) into each gradient that is not NULL:
 *   dx (B, C_in) += dout W;  dweight (C_out, C_in) += dout^T x;  dbias (C_out) += column sums of dout.
 * dout (B, C_out) in; x (B, C_in) in (needed for dweight only); weight (C_out, C_in) in (needed for
 * dx only). The products are sgemm with beta = 1; dbias sums each column in row order (in float64),
 * so it does not depend on the thread count. */
int mlc_nn_dense_backward(float *dx, float *dweight, float *dbias, const float *dout, const float *x,
                          const float *weight, int64_t B, int64_t C_in, int64_t C_out, int n_threads);

/* The same layer on a CSR batch x (B, C_in) (core/sparse.h's CSR: x_data (NNZ) values, x_indices (NNZ)
 * int32 columns in [0, C_in), x_indptr (B + 1) int64 row starts, checked by the caller): out (B, C_out)
 * out, overwritten, = x W^T + b; weight (C_out, C_in) in; bias (C_out) in or NULL. */
int mlc_nn_dense_forward_csr(float *out, const float *x_data, const int32_t *x_indices, const int64_t *x_indptr,
                             const float *weight, const float *bias, int64_t B, int64_t C_in, int64_t C_out,
                             int n_threads);

/* Accumulates (+=) into each gradient that is not NULL: dweight (C_out, C_in) += dout^T x (x CSR as above);
 * dbias (C_out) += column sums of dout. dout (B, C_out) in. No dx: a sparse batch is the network's input. */
int mlc_nn_dense_backward_csr(float *dweight, float *dbias, const float *dout, const float *x_data,
                              const int32_t *x_indices, const int64_t *x_indptr, int64_t B, int64_t C_in,
                              int64_t C_out, int n_threads);

#endif
