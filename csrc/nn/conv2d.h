/* conv2d.h: the 2-D convolution (torch.nn.Conv2d, zero padding, any groups), forward and backward.
 *
 * Legend: B batch, C_in input channels, H x W input image, C_out output channels, KH x KW kernel,
 * OH x OW output image, G groups (dividing C_in and C_out), Cg = C_in / G input channels per group,
 * P = Cg*KH*KW (rows of the im2col matrix), Q = OH*OW (its columns). float32, NCHW, row-major,
 * C-contiguous. The weight is (C_out, Cg, KH, KW), torch's layout.
 *
 *   out[b, o, i, j] = bias[o] + sum_{c, u, v} weight[o, c, u, v]
 *                      * x[b, k Cg + c, i*stride_h - pad_h + u*dil_h, j*stride_w - pad_w + v*dil_w]
 *   where k = o / (C_out / G) is o's group (x is zero outside the image);
 *   OH = (H + 2 pad_h - dil_h (KH - 1) - 1) / stride_h + 1 (floor), OW alike.
 *
 * Per image and group this is one GEMM on the im2col matrix col_b (P, Q): out_bk (C_out/G, Q) =
 * weight_k (C_out/G, P) col_bk. A 1x1 kernel with stride 1 and no padding has col_bk = x_bk (Cg, H*W)
 * itself: no im2col. Groups = C_in is the depthwise convolution (P = KH*KW).
 *
 * A 3x3 kernel with stride 1, no dilation and no groups (at least 3 input and 8 output channels) runs instead
 * by Winograd's F(2x2, 3x3) (conv2d_winograd.h): 2.25x fewer multiplications, the same result up to
 * float32 rounding.
 *
 * The im2col matrix is never built whole: a band of output rows at a time (at most 2^17 floats per
 * thread, so it stays in L2 from im2col to sgemm), so the scratch stays small for any image.
 *
 * Threads: images are spread over the threads (each with its own band buffer, sgemm single-threaded
 * inside) when the batch has at least one image per thread; otherwise the images run one after the
 * other with a multi-threaded sgemm on larger bands (im2col serial). The weight
 * gradient is summed per thread and the partial sums reduced in thread order; bias gradients are
 * float64 sums in a fixed order. Results depend on the thread count only through float32 rounding:
 * of the weight-gradient sum, and of sgemm when it runs threaded (out, dx and dbias of a batch spread
 * over the threads are bitwise those of one thread: each image is computed the same way).
 * Names: mlc_nn_conv2d_<verb>; mlc_nn_conv_out_size is the output-size formula pooling shares.
 */
#ifndef MLC_NN_CONV2D_H
#define MLC_NN_CONV2D_H

#include "mlc.h"

/* One output size of a convolution or pooling window (torch's floor formula); < 1 when the padded
 * input is smaller than the dilated kernel. */
static inline int64_t mlc_nn_conv_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dil) {
    const int64_t span = in + 2 * pad - dil * (kernel - 1) - 1;
    return span < 0 || stride < 1 ? 0 : span / stride + 1;
}

/* NULL, or why the convolution cannot run: sizes >= 1 (B >= 0), strides, dilations and groups >= 1,
 * padding >= 0, groups dividing C_in and C_out, an output of at least 1x1, and every GEMM dimension
 * within a BLAS int. */
const char *mlc_nn_conv2d_check_params(int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH,
                                       int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                                       int64_t dil_h, int64_t dil_w, int64_t groups);

/* How many floats of scratch mlc_nn_conv2d_forward (backward = 0) or mlc_nn_conv2d_backward (backward = 1,
 * with_dweight: a weight gradient is wanted) needs for these sizes and n_threads; may be 0 (then
 * scratch may be NULL). The caller allocates it: a network layer once, reused every step. */
int64_t mlc_nn_conv2d_scratch_size(int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH,
                                   int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                                   int64_t dil_h, int64_t dil_w, int64_t groups, int backward, int with_dweight,
                                   int n_threads);

/* out (B, C_out, OH, OW) out, overwritten; x (B, C_in, H, W) in; weight (C_out, Cg, KH, KW) in;
 * bias (C_out) in or NULL; scratch (mlc_nn_conv2d_scratch_size(..., 0, 0, n_threads)) scratch.
 * out may not overlap x, weight, bias or scratch. */
int mlc_nn_conv2d_forward(float *out, const float *x, const float *weight, const float *bias, int64_t B,
                          int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH, int64_t KW,
                          int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w, int64_t dil_h,
                          int64_t dil_w, int64_t groups, float *scratch, int n_threads);

/* Accumulates (+=) into each gradient that is not NULL:
 *   dx (B, C_in, H, W)            += col2im(weight_k^T dout_bk)  per image and group
 *   dweight (C_out, Cg, KH, KW)   += sum_b dout_bk col_bk^T
 *   dbias (C_out)                 += sum over b, i, j of dout[b, o, i, j]
 * dout (B, C_out, OH, OW) in; x (B, C_in, H, W) in (read for dweight only); weight (C_out, Cg, KH, KW)
 * in (read for dx only); scratch (mlc_nn_conv2d_scratch_size(..., 1, dweight != NULL, n_threads)). */
int mlc_nn_conv2d_backward(float *dx, float *dweight, float *dbias, const float *dout, const float *x,
                           const float *weight, int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out,
                           int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                           int64_t dil_h, int64_t dil_w, int64_t groups, float *scratch, int n_threads);

#endif
