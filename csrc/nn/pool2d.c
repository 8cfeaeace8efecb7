/* pool2d.c: 2-D max and average pooling (torch.nn.MaxPool2d / AvgPool2d), forward and backward.
 *
 *   max:  out = max over each window, argmax = where it was;   dx[argmax] += dout
 *   avg:  out = window sum / divisor;                          dx[window] += dout / divisor
 *   adaptive avg: the same with torch's adaptive windows (pool2d.h)
 *
 * One (b, c) plane per iteration of a parallel loop: planes are independent, and in the backward a
 * plane's gradient only lands in its own plane of dx, so overlapping windows add up without a race
 * and in a fixed order (row-major over the output).
 */
#include <limits.h>
#include <math.h>

#include "core/dispatch.h"
#include "nn/conv2d.h"
#include "nn/pool2d.h"

#if MLC_ISA_ONCE
const char *mlc_nn_pool2d_check_params(int64_t B, int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW,
                                       int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w) {
    if (B < 0) return "pool2d: the batch size must be >= 0";
    if (C < 1 || H < 1 || W < 1) return "pool2d: channels and the input image must be >= 1";
    if (KH < 1 || KW < 1) return "pool2d: kernel_size must be >= 1";
    if (stride_h < 1 || stride_w < 1) return "pool2d: stride must be >= 1";
    if (pad_h < 0 || pad_w < 0) return "pool2d: padding must be >= 0";
    if (2 * pad_h > KH || 2 * pad_w > KW) return "pool2d: padding must be at most half the kernel size";
    const int64_t dims[] = {B, C, H, W, KH, KW, stride_h, stride_w};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        if (dims[i] > INT_MAX) return "pool2d: a size or hyper-parameter exceeds the int range";
    if (mlc_nn_conv_out_size(H, KH, stride_h, pad_h, 1) < 1 || mlc_nn_conv_out_size(W, KW, stride_w, pad_w, 1) < 1)
        return "pool2d: the padded input is smaller than the kernel (empty output)";
    return NULL;
}
#endif

/* Work (mlc.h's unit) of one window element in the 2x2 loop (0.13-0.2 ns at 1 thread) and in the other
 * loops (0.7-2.6 ns for max, avg taken as the same), and of one output element of the max backward (a
 * scatter: 0.6-1.1 ns). */
#define POOL_WORK_2X2 8
#define POOL_WORK_WINDOW 40
#define POOL_WORK_SCATTER 40

/* Threads for `planes` planes of `work` steps each. */
static int plane_team(int64_t planes, int64_t work, int n_threads) {
    return (int)MLC_MIN(mlc_team_size(planes * work, n_threads), MLC_MAX(planes, 1));
}

/* Plane xp (H, W) in -> op (OH, OW) out and ap (OH, OW) out (or NULL) for the 2x2 window with stride 2
 * and no padding (the usual one), branch-free so that it vectorises: the same rule as the general loop
 * below, the first maximum in row-major order, a NaN replacing whatever came before it. */
static void maxpool_2x2(float *restrict op, int64_t *restrict ap, const float *restrict xp, int64_t W, int64_t OH,
                        int64_t OW) {
    for (int64_t i = 0; i < OH; i++) {
        const float *r0 = xp + 2 * i * W, *r1 = r0 + W;
#pragma omp simd
        for (int64_t j = 0; j < OW; j++) {
            const float v[4] = {r0[2 * j], r0[2 * j + 1], r1[2 * j], r1[2 * j + 1]};
            const int64_t at[4] = {2 * i * W + 2 * j, 2 * i * W + 2 * j + 1, (2 * i + 1) * W + 2 * j,
                                   (2 * i + 1) * W + 2 * j + 1};
            float best = v[0];
            int64_t where = at[0];
            for (int k = 1; k < 4; k++) {
                const int take = v[k] > best || v[k] != v[k];
                best = take ? v[k] : best;
                where = take ? at[k] : where;
            }
            op[i * OW + j] = best;
            if (ap != NULL) ap[i * OW + j] = where;
        }
    }
}

/* Plane xp (H, W) in -> op (OH, OW) out and ap (OH, OW) out (or NULL) for any window without padding:
 * the window's elements in row-major order, each compared with a whole output row at once (strided
 * loads, one vector loop per element), with the general loop's rule: the first maximum wins a tie, a
 * NaN replaces whatever came before it. */
static void maxpool_nopad(float *restrict op, int64_t *restrict ap, const float *restrict xp, int64_t W, int64_t OH,
                          int64_t OW, int64_t KH, int64_t KW, int64_t sh, int64_t sw) {
    for (int64_t i = 0; i < OH; i++) {
        float *restrict o = op + i * OW;
        int64_t *restrict a = ap != NULL ? ap + i * OW : NULL;
        for (int64_t u = 0; u < KH; u++)
            for (int64_t v = 0; v < KW; v++) {
                const int64_t base = (i * sh + u) * W + v;
                const float *restrict r = xp + base;
                if (u == 0 && v == 0) {
                    for (int64_t j = 0; j < OW; j++) o[j] = r[j * sw];
                    if (a != NULL)
                        for (int64_t j = 0; j < OW; j++) a[j] = base + j * sw;
                } else if (a != NULL) {
#pragma omp simd
                    for (int64_t j = 0; j < OW; j++) {
                        const float x = r[j * sw];
                        const int take = x > o[j] || x != x;
                        o[j] = take ? x : o[j];
                        a[j] = take ? base + j * sw : a[j];
                    }
                } else {
#pragma omp simd
                    for (int64_t j = 0; j < OW; j++) {
                        const float x = r[j * sw];
                        o[j] = x > o[j] || x != x ? x : o[j];
                    }
                }
            }
    }
}

int MLC_ISA(mlc_nn_maxpool2d_forward)(float *out, int64_t *argmax, const float *x, int64_t B, int64_t C,
                                      int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t stride_h,
                                      int64_t stride_w, int64_t pad_h, int64_t pad_w, int n_threads) {
    if (mlc_nn_pool2d_check_params(B, C, H, W, KH, KW, stride_h, stride_w, pad_h, pad_w)) return MLC_EINVAL;
    const int64_t OH = mlc_nn_conv_out_size(H, KH, stride_h, pad_h, 1);
    const int64_t OW = mlc_nn_conv_out_size(W, KW, stride_w, pad_w, 1);
    const int64_t planes = B * C;
    const int two = KH == 2 && KW == 2 && stride_h == 2 && stride_w == 2 && pad_h == 0 && pad_w == 0;
    const int team = plane_team(planes, OH * OW * KH * KW * (two ? POOL_WORK_2X2 : POOL_WORK_WINDOW), n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t p = 0; p < planes; p++) {
        const float *xp = x + p * H * W;
        float *op = out + p * OH * OW;
        int64_t *ap = argmax ? argmax + p * OH * OW : NULL;
        if (two) {
            maxpool_2x2(op, ap, xp, W, OH, OW);
            continue;
        }
        if (pad_h == 0 && pad_w == 0 && OW >= 8) { // shorter rows leave the vector loops mostly empty
            maxpool_nopad(op, ap, xp, W, OH, OW, KH, KW, stride_h, stride_w);
            continue;
        }
        for (int64_t i = 0; i < OH; i++) {
            // pad <= kernel/2 keeps at least one real pixel in every window
            const int64_t h0 = MLC_MAX(i * stride_h - pad_h, 0), h1 = MLC_MIN(i * stride_h - pad_h + KH, H);
            for (int64_t j = 0; j < OW; j++) {
                const int64_t w0 = MLC_MAX(j * stride_w - pad_w, 0), w1 = MLC_MIN(j * stride_w - pad_w + KW, W);
                float best = -INFINITY;
                int64_t where = h0 * W + w0;
                for (int64_t ih = h0; ih < h1; ih++)
                    for (int64_t iw = w0; iw < w1; iw++) {
                        const float v = xp[ih * W + iw];
                        // the first maximum wins a tie; a NaN always replaces (torch propagates NaN)
                        if (v > best || isnan(v)) {
                            best = v;
                            where = ih * W + iw;
                        }
                    }
                op[i * OW + j] = best;
                if (ap) ap[i * OW + j] = where;
            }
        }
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_maxpool2d_backward)(float *dx, const float *dout, const int64_t *argmax, int64_t B,
                                       int64_t C, int64_t H, int64_t W, int64_t OH, int64_t OW, int n_threads) {
    if (B < 0 || C < 0 || H < 1 || W < 1 || OH < 0 || OW < 0) return MLC_EINVAL;
    const int64_t planes = B * C, HW = H * W, Q = OH * OW;
    const int team = plane_team(planes, Q * POOL_WORK_SCATTER, n_threads);
    int bad = 0;
#pragma omp parallel for num_threads(team) schedule(static) reduction(| : bad)
    for (int64_t p = 0; p < planes; p++) {
        float *dp = dx + p * HW;
        const float *gp = dout + p * Q;
        const int64_t *ap = argmax + p * Q;
        for (int64_t q = 0; q < Q; q++) {
            const int64_t a = ap[q];
            if (a < 0 || a >= HW) {
                bad = 1;
                continue;
            }
            dp[a] += gp[q];
        }
    }
    return bad ? MLC_EINVAL : MLC_OK;
}

/* The window of output (i, j) clipped to the image, and the divisor torch uses for it. */
typedef struct {
    int64_t h0, h1, w0, w1;
    float divisor;
} avg_window;

static avg_window window_of(int64_t i, int64_t j, int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t sh,
                            int64_t sw, int64_t ph, int64_t pw, int count_include_pad) {
    int64_t h0 = i * sh - ph, w0 = j * sw - pw;
    int64_t h1 = MLC_MIN(h0 + KH, H + ph), w1 = MLC_MIN(w0 + KW, W + pw);
    const int64_t padded = (h1 - h0) * (w1 - w0); /* the window within the padded input */
    h0 = MLC_MAX(h0, 0);
    w0 = MLC_MAX(w0, 0);
    h1 = MLC_MIN(h1, H);
    w1 = MLC_MIN(w1, W);
    const int64_t divisor = count_include_pad ? padded : (h1 - h0) * (w1 - w0);
    avg_window win = {h0, h1, w0, w1, (float)divisor};
    return win;
}

int MLC_ISA(mlc_nn_avgpool2d_forward)(float *out, const float *x, int64_t B, int64_t C, int64_t H, int64_t W,
                                      int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h,
                                      int64_t pad_w, int count_include_pad, int n_threads) {
    if (mlc_nn_pool2d_check_params(B, C, H, W, KH, KW, stride_h, stride_w, pad_h, pad_w)) return MLC_EINVAL;
    const int64_t OH = mlc_nn_conv_out_size(H, KH, stride_h, pad_h, 1);
    const int64_t OW = mlc_nn_conv_out_size(W, KW, stride_w, pad_w, 1);
    const int64_t planes = B * C;
    const int team = plane_team(planes, OH * OW * KH * KW * POOL_WORK_WINDOW, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t p = 0; p < planes; p++) {
        const float *xp = x + p * H * W;
        float *op = out + p * OH * OW;
        for (int64_t i = 0; i < OH; i++)
            for (int64_t j = 0; j < OW; j++) {
                const avg_window win =
                    window_of(i, j, H, W, KH, KW, stride_h, stride_w, pad_h, pad_w, count_include_pad);
                double s = 0.0;
                for (int64_t ih = win.h0; ih < win.h1; ih++)
                    for (int64_t iw = win.w0; iw < win.w1; iw++) s += xp[ih * W + iw];
                op[i * OW + j] = (float)(s / win.divisor);
            }
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_avgpool2d_backward)(float *dx, const float *dout, int64_t B, int64_t C, int64_t H, int64_t W,
                                       int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w,
                                       int64_t pad_h, int64_t pad_w, int count_include_pad, int n_threads) {
    if (mlc_nn_pool2d_check_params(B, C, H, W, KH, KW, stride_h, stride_w, pad_h, pad_w)) return MLC_EINVAL;
    const int64_t OH = mlc_nn_conv_out_size(H, KH, stride_h, pad_h, 1);
    const int64_t OW = mlc_nn_conv_out_size(W, KW, stride_w, pad_w, 1);
    const int64_t planes = B * C;
    const int team = plane_team(planes, OH * OW * KH * KW * POOL_WORK_WINDOW, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t p = 0; p < planes; p++) {
        float *dp = dx + p * H * W;
        const float *gp = dout + p * OH * OW;
        for (int64_t i = 0; i < OH; i++)
            for (int64_t j = 0; j < OW; j++) {
                const avg_window win =
                    window_of(i, j, H, W, KH, KW, stride_h, stride_w, pad_h, pad_w, count_include_pad);
                const float g = gp[i * OW + j] / win.divisor;
                for (int64_t ih = win.h0; ih < win.h1; ih++)
                    for (int64_t iw = win.w0; iw < win.w1; iw++) dp[ih * W + iw] += g;
            }
    }
    return MLC_OK;
}

#if MLC_ISA_ONCE
const char *mlc_nn_adaptive_avgpool2d_check_params(int64_t B, int64_t C, int64_t H, int64_t W, int64_t OH,
                                                   int64_t OW) {
    if (B < 0) return "adaptive_avgpool2d: the batch size must be >= 0";
    if (C < 1 || H < 1 || W < 1) return "adaptive_avgpool2d: channels and the input image must be >= 1";
    if (OH < 1 || OW < 1) return "adaptive_avgpool2d: the output size must be >= 1";
    const int64_t dims[] = {B, C, H, W, OH, OW};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        if (dims[i] > INT_MAX) return "adaptive_avgpool2d: a size exceeds the int range";
    return NULL;
}
#endif

/* torch's adaptive window of output index i of n over an input of size m: [i m / n, ceil((i + 1) m / n)) */
static inline int64_t adaptive_start(int64_t i, int64_t m, int64_t n) { return i * m / n; }
static inline int64_t adaptive_end(int64_t i, int64_t m, int64_t n) { return ((i + 1) * m + n - 1) / n; }

/* Work of one plane: each output averages at most (ceil(H / OH) + 1) x (ceil(W / OW) + 1) elements. */
static int64_t adaptive_plane_work(int64_t H, int64_t W, int64_t OH, int64_t OW) {
    return OH * OW * ((H + OH - 1) / OH + 1) * ((W + OW - 1) / OW + 1) * POOL_WORK_WINDOW;
}

int MLC_ISA(mlc_nn_adaptive_avgpool2d_forward)(float *out, const float *x, int64_t B, int64_t C, int64_t H,
                                               int64_t W, int64_t OH, int64_t OW, int n_threads) {
    if (mlc_nn_adaptive_avgpool2d_check_params(B, C, H, W, OH, OW)) return MLC_EINVAL;
    const int64_t planes = B * C;
    const int team = plane_team(planes, adaptive_plane_work(H, W, OH, OW), n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t p = 0; p < planes; p++) {
        const float *xp = x + p * H * W;
        float *op = out + p * OH * OW;
        for (int64_t i = 0; i < OH; i++) {
            const int64_t h0 = adaptive_start(i, H, OH), h1 = adaptive_end(i, H, OH);
            for (int64_t j = 0; j < OW; j++) {
                const int64_t w0 = adaptive_start(j, W, OW), w1 = adaptive_end(j, W, OW);
                double s = 0.0;
                for (int64_t ih = h0; ih < h1; ih++)
                    for (int64_t iw = w0; iw < w1; iw++) s += xp[ih * W + iw];
                op[i * OW + j] = (float)(s / (double)((h1 - h0) * (w1 - w0)));
            }
        }
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_adaptive_avgpool2d_backward)(float *dx, const float *dout, int64_t B, int64_t C, int64_t H,
                                                int64_t W, int64_t OH, int64_t OW, int n_threads) {
    if (mlc_nn_adaptive_avgpool2d_check_params(B, C, H, W, OH, OW)) return MLC_EINVAL;
    const int64_t planes = B * C;
    const int team = plane_team(planes, adaptive_plane_work(H, W, OH, OW), n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t p = 0; p < planes; p++) {
        float *dp = dx + p * H * W;
        const float *gp = dout + p * OH * OW;
        for (int64_t i = 0; i < OH; i++) {
            const int64_t h0 = adaptive_start(i, H, OH), h1 = adaptive_end(i, H, OH);
            for (int64_t j = 0; j < OW; j++) {
                const int64_t w0 = adaptive_start(j, W, OW), w1 = adaptive_end(j, W, OW);
                const float g = gp[i * OW + j] / (float)((h1 - h0) * (w1 - w0));
                for (int64_t ih = h0; ih < h1; ih++)
                    for (int64_t iw = w0; iw < w1; iw++) dp[ih * W + iw] += g;
            }
        }
    }
    return MLC_OK;
}
