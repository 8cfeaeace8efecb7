/* pool2d.h: 2-D max and average pooling (torch.nn.MaxPool2d / AvgPool2d, ceil_mode=False, dilation 1).
 *
 * Legend: B batch, C channels, H x W input plane, KH x KW window, OH x OW output plane with
 * OH = (H + 2 pad_h - KH) / stride_h + 1 (floor), OW alike. float32 (argmax int64), NCHW, row-major,
 * C-contiguous. Every (b, c) plane is pooled on its own, so planes are spread over the threads and
 * results do not depend on the thread count.
 *
 *   max:  out[b,c,i,j] = max over the window of x (the padding is -inf; NaN wins, as in torch);
 *         argmax[b,c,i,j] = ih*W + iw of the first maximum (torch's return_indices).
 *   avg:  out[b,c,i,j] = (sum over the window of x) / divisor, where the window is clipped to the
 *         padded input and divisor is its size (count_include_pad) or the number of real pixels in it.
 *   adaptive avg (torch.nn.AdaptiveAvgPool2d): any OH, OW >= 1 (larger than H, W too); out[b,c,i,j]
 *         averages rows floor(i H / OH) .. ceil((i + 1) H / OH) - 1 and the columns alike: windows
 *         that differ in size and overlap when OH does not divide H.
 * Names: mlc_nn_maxpool2d_<verb>, mlc_nn_avgpool2d_<verb>, mlc_nn_adaptive_avgpool2d_<verb>;
 * mlc_nn_pool2d_check_params serves the first two.
 */
#ifndef MLC_NN_POOL2D_H
#define MLC_NN_POOL2D_H

#include "mlc.h"

/* NULL, or why the pooling cannot run: B >= 0; C, H, W, kernel and stride >= 1;
 * 0 <= pad <= kernel / 2 (torch's rule), an output of at least 1x1. */
const char *mlc_nn_pool2d_check_params(int64_t B, int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW,
                                       int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w);

/* out (B, C, OH, OW) out; argmax (B, C, OH, OW) out, or NULL when no backward follows; x (B, C, H, W) in. */
int mlc_nn_maxpool2d_forward(float *out, int64_t *argmax, const float *x, int64_t B, int64_t C, int64_t H, int64_t W,
                             int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                             int n_threads);

/* dx (B, C, H, W) += dout routed to argmax (overlapping windows add up); dout (B, C, OH, OW) in;
 * argmax (B, C, OH, OW) in. OH and OW are free (any forward's). An index outside [0, H*W) is skipped
 * and makes the call return MLC_EINVAL (after the valid ones were added). */
int mlc_nn_maxpool2d_backward(float *dx, const float *dout, const int64_t *argmax, int64_t B, int64_t C, int64_t H,
                              int64_t W, int64_t OH, int64_t OW, int n_threads);

/* out (B, C, OH, OW) out; x (B, C, H, W) in. */
int mlc_nn_avgpool2d_forward(float *out, const float *x, int64_t B, int64_t C, int64_t H, int64_t W, int64_t KH,
                             int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                             int count_include_pad, int n_threads);

/* dx (B, C, H, W) += each dout value / its divisor over its window; dout (B, C, OH, OW) in, OH and OW
 * given by the formula above. */
int mlc_nn_avgpool2d_backward(float *dx, const float *dout, int64_t B, int64_t C, int64_t H, int64_t W, int64_t KH,
                              int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                              int count_include_pad, int n_threads);

/* NULL, or why adaptive average pooling cannot run: B >= 0; C, H, W, OH, OW >= 1, each within int. */
const char *mlc_nn_adaptive_avgpool2d_check_params(int64_t B, int64_t C, int64_t H, int64_t W, int64_t OH,
                                                   int64_t OW);

/* out (B, C, OH, OW) out; x (B, C, H, W) in. */
int mlc_nn_adaptive_avgpool2d_forward(float *out, const float *x, int64_t B, int64_t C, int64_t H, int64_t W,
                                      int64_t OH, int64_t OW, int n_threads);

/* dx (B, C, H, W) += each dout value / its window's size over its window (overlaps add up);
 * dout (B, C, OH, OW) in. */
int mlc_nn_adaptive_avgpool2d_backward(float *dx, const float *dout, int64_t B, int64_t C, int64_t H, int64_t W,
                                       int64_t OH, int64_t OW, int n_threads);

#endif
