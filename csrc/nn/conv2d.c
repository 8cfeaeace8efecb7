/* conv2d.c: the 2-D convolution (torch.nn.Conv2d, any groups), forward and backward, by im2col + sgemm
 * (3x3 stride-1 kernels without groups go to conv2d_winograd.c). With groups, each group is its own
 * convolution on its slice of the channels: the products below, one per group, on per-group sizes.
 *
 *   forward:  out_b = weight col_b + bias                     (C_out, Q) = (C_out, P) (P, Q)
 *   backward: dx_b += col2im(weight^T dout_b)                   (P, Q) = (P, C_out) (C_out, Q)
 *             dweight += sum_b dout_b col_b^T                   (C_out, P) = (C_out, Q) (Q, P)
 *             dbias += sum over b and positions of dout
 *
 * col_b (P, Q) is the im2col matrix of image b: row (c, u, v) holds, for each output position (i, j),
 * the input pixel x[c, i*stride_h - pad_h + u*dil_h, j*stride_w - pad_w + v*dil_w] (0 in the padding).
 * Its rows are built one at a time from contiguous input rows, so with stride 1 a row is a straight
 * copy between two zero fills (the padding), and only for a band of output rows at a time. The 1x1
 * convolution with stride 1 and no padding is col_b = x_b: a plain GEMM per image that mixes channels
 * without touching the resolution (Lin et al., "Network in Network", 2013), and needs no scratch.
 */
#include <limits.h>
#include <string.h>
#include <omp.h>

#include "blas.h"
#include "core/dispatch.h"
#include "nn/conv2d.h"
#include "nn/conv2d_winograd.h"

/* The im2col matrix is built a band of output rows at a time, (P, rows*OW) with at most this many
 * floats per thread (512 KB: it stays in L2 between im2col writing it and sgemm reading it), so
 * the scratch is small whatever the image size. */
#define TILE_FLOATS ((int64_t)1 << 17)

/* The whole problem, in one place for the helpers below. */
typedef struct {
    int64_t B, C_in, H, W, C_out, KH, KW, sh, sw, ph, pw, dh, dw;
    int64_t G;            /* groups; C_in and C_out above are those of ONE group */
    int64_t OH, OW, P, Q; /* output size; im2col rows P = C_in*KH*KW and columns Q = OH*OW */
    int direct;           /* 1x1, stride 1, no padding: col_b is x_b itself */
    int team;             /* > 1: images spread over team threads; 1: images in turn, threaded sgemm */
    int64_t R;            /* output rows per im2col band (its columns: R*OW) */
    int winograd;         /* 3x3, stride 1: Winograd F(2x2, 3x3) (conv2d_winograd.h) instead of im2col */
} conv_geom;

/* The geometry and the schedule. Images go to threads whole (sgemm single-threaded inside) when there
 * is at least one per thread and enough work; otherwise (a batch smaller than the team) they run in
 * turn with a multi-threaded sgemm on bands n_threads times larger. */
static conv_geom make_geom(int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH, int64_t KW,
                           int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw, int64_t groups,
                           int n_threads) {
    conv_geom g = {B, C_in / groups, H, W, C_out / groups, KH, KW, sh, sw, ph, pw, dh, dw, groups,
                   0, 0, 0, 0, 0, 1, 1, 0};
    g.OH = mlc_nn_conv_out_size(H, KH, sh, ph, dh);
    g.OW = mlc_nn_conv_out_size(W, KW, sw, pw, dw);
    g.P = g.C_in * KH * KW;
    g.Q = g.OH * g.OW;
    g.direct = KH == 1 && KW == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
    if (n_threads >= 2 && B >= n_threads) g.team = mlc_team_size(B * C_out * g.P * g.Q, n_threads);
    const int64_t band = TILE_FLOATS * (g.team > 1 ? 1 : MLC_MAX(n_threads, 1));
    if (g.P > 0 && g.OW > 0) g.R = MLC_MAX(1, MLC_MIN(g.OH, band / (g.P * g.OW)));
    g.winograd = groups == 1 && mlc_nn_winograd_fits(C_in, C_out, KH, KW, sh, sw, dh, dw);
    return g;
}

static mlc_nn_winograd_geom winograd_geom(const conv_geom *g, int n_threads) {
    return mlc_nn_winograd_make(g->B, g->C_in, g->H, g->W, g->C_out, g->ph, g->pw, g->OH, g->OW, n_threads);
}

/* Floats of one thread's im2col band (0 for a direct 1x1 convolution). */
static int64_t band_size(const conv_geom *g) { return g->direct ? 0 : g->P * g->R * g->OW; }

#if MLC_ISA_ONCE
const char *mlc_nn_conv2d_check_params(int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH,
                                       int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                                       int64_t dil_h, int64_t dil_w, int64_t groups) {
    if (B < 0) return "conv2d: the batch size must be >= 0";
    if (C_in < 1 || C_out < 1) return "conv2d: in_channels and out_channels must be >= 1";
    if (H < 1 || W < 1) return "conv2d: the input image must be at least 1x1";
    if (KH < 1 || KW < 1) return "conv2d: kernel_size must be >= 1";
    if (stride_h < 1 || stride_w < 1) return "conv2d: stride must be >= 1";
    if (pad_h < 0 || pad_w < 0) return "conv2d: padding must be >= 0";
    if (dil_h < 1 || dil_w < 1) return "conv2d: dilation must be >= 1";
    if (groups < 1) return "conv2d: groups must be >= 1";
    if (C_in % groups != 0 || C_out % groups != 0)
        return "conv2d: in_channels and out_channels must both be divisible by groups";
    const int64_t dims[] = {B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        if (dims[i] > INT_MAX) return "conv2d: a size or hyper-parameter exceeds the int range";
    if (mlc_nn_conv_out_size(H, KH, stride_h, pad_h, dil_h) < 1 ||
        mlc_nn_conv_out_size(W, KW, stride_w, pad_w, dil_w) < 1)
        return "conv2d: the padded input is smaller than the dilated kernel (empty output)";
    // each product below is of two numbers < 2^31, so none overflows int64
    if (KH * KW > INT_MAX || C_in * (KH * KW) > INT_MAX || H * W > INT_MAX ||
        mlc_nn_conv_out_size(H, KH, stride_h, pad_h, dil_h) * mlc_nn_conv_out_size(W, KW, stride_w, pad_w, dil_w) >
            INT_MAX)
        return "conv2d: a GEMM dimension exceeds the BLAS int range";
    return NULL;
}


int64_t mlc_nn_conv2d_scratch_size(int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH,
                                   int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                                   int64_t dil_h, int64_t dil_w, int64_t groups, int backward, int with_dweight,
                                   int n_threads) {
    if (mlc_nn_conv2d_check_params(B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups))
        return 0;
    const conv_geom g =
        make_geom(B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups, n_threads);
    if (g.winograd) {
        const mlc_nn_winograd_geom wg = winograd_geom(&g, n_threads);
        return mlc_nn_winograd_scratch_size(&wg, backward, with_dweight);
    }
    int64_t n = g.team * band_size(&g);                                        /* one band per thread */
    if (backward && with_dweight && g.team > 1) n += (int64_t)g.team * C_out * g.P; /* dweight partials */
    return n;
}
#endif

/* Output positions o in [*lo, *hi) whose input o*stride + off lies inside [0, in). */
static void inside_range(int64_t *lo, int64_t *hi, int64_t off, int64_t stride, int64_t in, int64_t out) {
    const int64_t h = in - 1 - off < 0 ? 0 : MLC_MIN((in - 1 - off) / stride + 1, out);
    const int64_t l = off >= 0 ? 0 : (-off + stride - 1) / stride;
    *hi = h;
    *lo = MLC_MIN(l, h);
}

/* d[j] = s[j*stride + off] for j in [lo, hi), 0 elsewhere in [0, n). Plain loops, not memset/memcpy:
 * the rows are short (an output row, 16 floats in a ResNet's stride-2 layer), and a library call per
 * fill cost more than the copy. */
static inline void copy_row(float *restrict d, const float *restrict s, int64_t lo, int64_t hi, int64_t n,
                            int64_t stride, int64_t off) {
    for (int64_t j = 0; j < lo; j++) d[j] = 0.0f;
    if (stride == 1) {
#pragma omp simd
        for (int64_t j = lo; j < hi; j++) d[j] = s[j + off];
    } else if (stride == 2) {
#pragma omp simd
        for (int64_t j = lo; j < hi; j++) d[j] = s[2 * j + off];
    } else {
        for (int64_t j = lo; j < hi; j++) d[j] = s[j * stride + off];
    }
    for (int64_t j = hi; j < n; j++) d[j] = 0.0f;
}

/* col (P, (i1-i0)*OW) out = the columns of output rows [i0, i1) of the im2col matrix of img
 * (C_in, H, W) in. Serial: it runs inside a parallel region or between two threaded sgemm calls,
 * where an OpenMP team spinning beside OpenBLAS's threads would only slow both down. */
static void im2col(float *col, const float *img, const conv_geom *g, int64_t i0, int64_t i1) {
    const int64_t H = g->H, W = g->W, OW = g->OW, n = (i1 - i0) * OW;
    for (int64_t c = 0; c < g->C_in; c++)
        for (int64_t u = 0; u < g->KH; u++)
            for (int64_t v = 0; v < g->KW; v++) {
                float *row = col + ((c * g->KH + u) * g->KW + v) * n;
                const int64_t off = v * g->dw - g->pw; /* input column of output column j: j*sw + off */
                int64_t lo, hi;
                inside_range(&lo, &hi, off, g->sw, W, OW);
                for (int64_t i = i0; i < i1; i++) {
                    float *d = row + (i - i0) * OW;
                    const int64_t ih = i * g->sh - g->ph + u * g->dh;
                    if (ih < 0 || ih >= H)
                        copy_row(d, img, 0, 0, OW, 1, 0);
                    else
                        copy_row(d, img + (c * H + ih) * W, lo, hi, OW, g->sw, off);
                }
            }
}

/* img (C_in, H, W) += col2im of col (P, (i1-i0)*OW) in, the band of output rows [i0, i1): the adjoint
 * of im2col (serial, as im2col). */
static void col2im_add(float *img, const float *col, const conv_geom *g, int64_t i0, int64_t i1) {
    const int64_t H = g->H, W = g->W, OW = g->OW, n = (i1 - i0) * OW;
    for (int64_t c = 0; c < g->C_in; c++)
        for (int64_t u = 0; u < g->KH; u++)
            for (int64_t v = 0; v < g->KW; v++) {
                const float *row = col + ((c * g->KH + u) * g->KW + v) * n;
                const int64_t off = v * g->dw - g->pw;
                int64_t lo, hi;
                inside_range(&lo, &hi, off, g->sw, W, OW);
                for (int64_t i = i0; i < i1; i++) {
                    const int64_t ih = i * g->sh - g->ph + u * g->dh;
                    if (ih < 0 || ih >= H) continue;
                    const float *restrict s = row + (i - i0) * OW;
                    float *restrict d = img + (c * H + ih) * W;
                    if (g->sw == 1) {
#pragma omp simd
                        for (int64_t j = lo; j < hi; j++) d[j + off] += s[j];
                    } else {
                        for (int64_t j = lo; j < hi; j++) d[j * g->sw + off] += s[j];
                    }
                }
            }
}

/* out_b (C_out, Q) out = weight col_b + bias for image x_b (C_in, H, W) in (of one group: C_in and
 * C_out per group), a band of output rows at a time; col (P, R*OW) scratch. */
static void forward_group(float *out_b, const float *x_b, const float *weight, const float *bias,
                          const conv_geom *g, float *col) {
    const mlc_blasint P = (mlc_blasint)g->P, Q = (mlc_blasint)g->Q, Co = (mlc_blasint)g->C_out;
    float beta = 0.0f;
    if (bias != NULL) {
        // fill each output channel with its bias, then let sgemm add the product onto it (beta = 1)
        for (int64_t o = 0; o < g->C_out; o++) {
            float *d = out_b + o * g->Q;
            for (int64_t q = 0; q < g->Q; q++) d[q] = bias[o];
        }
        beta = 1.0f;
    }
    if (g->direct) {
        mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Co, Q, P, 1.0f, weight, P, x_b, Q, beta, out_b, Q);
        return;
    }
    for (int64_t i0 = 0; i0 < g->OH; i0 += g->R) {
        const int64_t i1 = MLC_MIN(i0 + g->R, g->OH);
        const mlc_blasint n = (mlc_blasint)((i1 - i0) * g->OW);
        im2col(col, x_b, g, i0, i1);
        // out_b[:, band] (C_out, n), a column block of the (C_out, Q) image: ldc = Q
        mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Co, n, P, 1.0f, weight, P, col, n, beta,
                        out_b + i0 * g->OW, Q);
    }
}

/* One image, (G C_in, H, W) -> (G C_out, OH, OW): group k is channels [k C_in, (k+1) C_in) of x_b,
 * rows [k C_out, (k+1) C_out) of the weight and channels [k C_out, (k+1) C_out) of out_b. */
static void forward_image(float *out_b, const float *x_b, const float *weight, const float *bias,
                          const conv_geom *g, float *col) {
    for (int64_t k = 0; k < g->G; k++)
        forward_group(out_b + k * g->C_out * g->Q, x_b + k * g->C_in * g->H * g->W, weight + k * g->C_out * g->P,
                      bias != NULL ? bias + k * g->C_out : NULL, g, col);
}

int MLC_ISA(mlc_nn_conv2d_forward)(float *out, const float *x, const float *weight, const float *bias, int64_t B,
                          int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH, int64_t KW,
                          int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w, int64_t dil_h,
                          int64_t dil_w, int64_t groups, float *scratch, int n_threads) {
    if (mlc_nn_conv2d_check_params(B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups))
        return MLC_EINVAL;
    const conv_geom g =
        make_geom(B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups, n_threads);
    if (B == 0) return MLC_OK;
    if (!g.direct && scratch == NULL) return MLC_EINVAL;
    if (g.winograd) {
        const mlc_nn_winograd_geom wg = winograd_geom(&g, n_threads);
        return MLC_ISA(mlc_nn_winograd_forward)(out, x, weight, bias, &wg, scratch);
    }
    const int64_t in_size = C_in * H * W, out_size = C_out * g.Q, band = band_size(&g);
    if (g.team > 1) {
        mlc_blas_single_begin();
#pragma omp parallel for num_threads(g.team) schedule(static)
        for (int64_t b = 0; b < B; b++)
            forward_image(out + b * out_size, x + b * in_size, weight, bias, &g, scratch + omp_get_thread_num() * band);
        mlc_blas_single_end();
    } else {
        for (int64_t b = 0; b < B; b++) forward_image(out + b * out_size, x + b * in_size, weight, bias, &g, scratch);
    }
    return MLC_OK;
}

/* dbias (C_out) += sum of dout (B, C_out, Q) over b and q: per channel in float64, in a fixed order. */
static void bias_grad(float *dbias, const float *dout, const conv_geom *g, int n_threads) {
    const int64_t C_out = g->G * g->C_out;
    const int team = (int)MLC_MIN(mlc_team_size(g->B * C_out * g->Q, n_threads), C_out);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t o = 0; o < C_out; o++) {
        double s = 0.0;
        for (int64_t b = 0; b < g->B; b++) {
            const float *p = dout + (b * C_out + o) * g->Q;
            double sb = 0.0;
#pragma omp simd reduction(+ : sb)
            for (int64_t q = 0; q < g->Q; q++) sb += p[q];
            s += sb;
        }
        dbias[o] += (float)s;
    }
}

/* One image's gradients in one group, a band of output rows at a time: dw (C_out, P) += dout_b col_b^T
 * (if dw), dx_b (C_in, H, W) += col2im(weight^T dout_b) (if dx_b); col (P, R*OW) scratch holds first
 * the band's columns of x_b, then their gradient. */
static void backward_group(float *dx_b, float *dw, const float *dout_b, const float *x_b, const float *weight,
                           const conv_geom *g, float *col) {
    const mlc_blasint P = (mlc_blasint)g->P, Q = (mlc_blasint)g->Q, Co = (mlc_blasint)g->C_out;
    if (g->direct) {
        if (dw != NULL)
            mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Co, P, Q, 1.0f, dout_b, Q, x_b, Q, 1.0f, dw, P);
        if (dx_b != NULL)
            mlc_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, P, Q, Co, 1.0f, weight, P, dout_b, Q, 1.0f, dx_b,
                            Q);
        return;
    }
    for (int64_t i0 = 0; i0 < g->OH; i0 += g->R) {
        const int64_t i1 = MLC_MIN(i0 + g->R, g->OH);
        const mlc_blasint n = (mlc_blasint)((i1 - i0) * g->OW);
        const float *dout_band = dout_b + i0 * g->OW; /* (C_out, n) inside (C_out, Q): lda = Q */
        if (dw != NULL) {
            im2col(col, x_b, g, i0, i1);
            mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Co, P, n, 1.0f, dout_band, Q, col, n, 1.0f, dw,
                            P);
        }
        if (dx_b != NULL) {
            mlc_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, P, n, Co, 1.0f, weight, P, dout_band, Q, 0.0f,
                            col, n);
            col2im_add(dx_b, col, g, i0, i1);
        }
    }
}

/* One image's gradients, group by group (the slices of forward_image). */
static void backward_image(float *dx_b, float *dw, const float *dout_b, const float *x_b, const float *weight,
                           const conv_geom *g, float *col) {
    const int64_t in_g = g->C_in * g->H * g->W, w_g = g->C_out * g->P;
    for (int64_t k = 0; k < g->G; k++)
        backward_group(dx_b != NULL ? dx_b + k * in_g : NULL, dw != NULL ? dw + k * w_g : NULL,
                       dout_b + k * g->C_out * g->Q, x_b + k * in_g, weight + k * w_g, g, col);
}

int MLC_ISA(mlc_nn_conv2d_backward)(float *dx, float *dweight, float *dbias, const float *dout, const float *x,
                           const float *weight, int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out,
                           int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                           int64_t dil_h, int64_t dil_w, int64_t groups, float *scratch, int n_threads) {
    if (mlc_nn_conv2d_check_params(B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups))
        return MLC_EINVAL;
    const conv_geom g =
        make_geom(B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups, n_threads);
    if (B == 0) return MLC_OK;
    if (dbias != NULL) bias_grad(dbias, dout, &g, n_threads);
    if (dx == NULL && dweight == NULL) return MLC_OK;
    if (!g.direct && scratch == NULL) return MLC_EINVAL;
    if (g.winograd) {
        const mlc_nn_winograd_geom wg = winograd_geom(&g, n_threads);
        return MLC_ISA(mlc_nn_winograd_backward)(dx, dweight, dout, x, weight, &wg, scratch);
    }
    const int64_t in_size = C_in * H * W, out_size = C_out * g.Q, band = band_size(&g);
    if (g.team == 1) {
        for (int64_t b = 0; b < B; b++)
            backward_image(dx ? dx + b * in_size : NULL, dweight, dout + b * out_size, x + b * in_size, weight, &g,
                           scratch);
        return MLC_OK;
    }
    // thread t takes the images [B t / team, B (t+1) / team) and sums their weight gradient into its
    // own partial; the partials are then added to dweight in thread order (no race, fixed order)
    const int team = g.team;
    const int64_t wsize = C_out * g.P;
    float *partial = dweight ? scratch + team * band : NULL;
    if (partial) memset(partial, 0, sizeof(float) * (size_t)(team * wsize));
    mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        for (int64_t b = B * t / nt; b < B * (t + 1) / nt; b++)
            backward_image(dx ? dx + b * in_size : NULL, partial ? partial + t * wsize : NULL, dout + b * out_size,
                           x + b * in_size, weight, &g, scratch + t * band);
    }
    mlc_blas_single_end();
    if (partial) {
        const int rteam = mlc_team_size(team * wsize, n_threads);
#pragma omp parallel for num_threads(rteam) schedule(static)
        for (int64_t i = 0; i < wsize; i++) {
            float s = 0.0f;
            for (int t = 0; t < team; t++) s += partial[t * wsize + i];
            dweight[i] += s;
        }
    }
    return MLC_OK;
}
