/* conv2d_winograd.c: the 3x3 stride-1 convolution by Winograd F(2x2, 3x3) (see conv2d_winograd.h).
 *
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
 *   A^T = [1 1 1 0; 0 1 -1 -1]
 *
 * Each transform is a 1-D transform of the rows, then of the columns. The tile loops run over the
 * tiles of one tile row (index tj), with every input read from contiguous even/odd de-interleaved
 * copies of the window rows and every output written to a contiguous array per xi, so they
 * vectorise at each CPU level.
 */
#include <string.h>
#include <omp.h>

#include "blas.h"
#include "nn/conv2d_winograd.h"

/* U (16, C_out, C_in) out = G w G^T for each (o, c); w (C_out, C_in, 3, 3) in. */
static void filter_transform(float *U, const float *w, int64_t Co, int64_t Ci) {
    const int64_t n = Co * Ci;
    for (int64_t k = 0; k < n; k++) {
        const float *g = w + 9 * k;
        float r[4][3], u[16];
        for (int s = 0; s < 3; s++) {
            r[0][s] = g[s];
            r[1][s] = 0.5f * (g[s] + g[3 + s] + g[6 + s]);
            r[2][s] = 0.5f * (g[s] - g[3 + s] + g[6 + s]);
            r[3][s] = g[6 + s];
        }
        for (int i = 0; i < 4; i++) {
            u[4 * i] = r[i][0];
            u[4 * i + 1] = 0.5f * (r[i][0] + r[i][1] + r[i][2]);
            u[4 * i + 2] = 0.5f * (r[i][0] - r[i][1] + r[i][2]);
            u[4 * i + 3] = r[i][2];
        }
        for (int xi = 0; xi < 16; xi++) U[xi * n + k] = u[xi];
    }
}

/* dw (C_out, C_in, 3, 3) += G^T dU G for each (o, c); dU (16, C_out, C_in) in. */
static void filter_grad(float *dw, const float *dU, int64_t Co, int64_t Ci) {
    const int64_t n = Co * Ci;
    for (int64_t k = 0; k < n; k++) {
        float u[16], r[3][4];
        for (int xi = 0; xi < 16; xi++) u[xi] = dU[xi * n + k];
        for (int s = 0; s < 4; s++) {
            r[0][s] = u[s] + 0.5f * (u[4 + s] + u[8 + s]);
            r[1][s] = 0.5f * (u[4 + s] - u[8 + s]);
            r[2][s] = 0.5f * (u[4 + s] + u[8 + s]) + u[12 + s];
        }
        float *d = dw + 9 * k;
        for (int i = 0; i < 3; i++) {
            d[3 * i] += r[i][0] + 0.5f * (r[i][1] + r[i][2]);
            d[3 * i + 1] += 0.5f * (r[i][1] - r[i][2]);
            d[3 * i + 2] += 0.5f * (r[i][1] + r[i][2]) + r[i][3];
        }
    }
}

/* The k in [*lo, *hi) (within [0, n)) whose column 2k + parity + off lies in [0, W). */
static void parity_range(int64_t *lo, int64_t *hi, int64_t parity, int64_t off, int64_t W, int64_t n) {
    const int64_t a = -off - parity, b = W - 1 - parity - off;
    *lo = a <= 0 ? 0 : (a + 1) / 2;
    *hi = MLC_MAX(*lo, b < 0 ? 0 : MLC_MIN(n, b / 2 + 1));
}

/* e[k] = row[2k + off], o[k] = row[2k + 1 + off] for k in [0, n), 0 outside [0, W); row NULL: all 0. */
static void deinterleave(float *restrict e, float *restrict o, const float *restrict row, int64_t n, int64_t off,
                         int64_t W) {
    memset(e, 0, sizeof(float) * (size_t)n);
    memset(o, 0, sizeof(float) * (size_t)n);
    if (row == NULL) return;
    int64_t lo, hi;
    parity_range(&lo, &hi, 0, off, W, n);
#pragma omp simd
    for (int64_t k = lo; k < hi; k++) e[k] = row[2 * k + off];
    parity_range(&lo, &hi, 1, off, W, n);
#pragma omp simd
    for (int64_t k = lo; k < hi; k++) o[k] = row[2 * k + 1 + off];
}

/* V (16, C_in, T) out = B^T d B of the windows of tile rows [r0, r1) of x_b (C_in, H, W) in;
 * buf (8 (TW + 1)) scratch: the four window rows, de-interleaved. */
static void input_transform(float *V, const float *x_b, const mlc_nn_winograd_geom *g, int64_t r0, int64_t r1,
                            float *buf) {
    const int64_t TW = g->TW, T = (r1 - r0) * TW, stride = mlc_nn_winograd_xi_stride(g->C_in, T);
    float *e[4], *o[4];
    for (int r = 0; r < 4; r++) e[r] = buf + 2 * r * (TW + 1), o[r] = e[r] + TW + 1;
    for (int64_t c = 0; c < g->C_in; c++)
        for (int64_t tr = r0; tr < r1; tr++) {
            for (int r = 0; r < 4; r++) {
                const int64_t ih = 2 * tr - g->ph + r;
                deinterleave(e[r], o[r], ih >= 0 && ih < g->H ? x_b + (c * g->H + ih) * g->W : NULL, TW + 1, -g->pw,
                             g->W);
            }
            float *v = V + c * T + (tr - r0) * TW;
#pragma omp simd
            for (int64_t tj = 0; tj < TW; tj++) {
                float t[4][4];
                for (int r = 0; r < 4; r++) {
                    // column s of the window in row r: even/odd copies at tj (s = 0, 1) and tj + 1 (s = 2, 3)
                    const float d0 = e[r][tj], d1 = o[r][tj], d2 = e[r][tj + 1], d3 = o[r][tj + 1];
                    t[r][0] = d0 - d2, t[r][1] = d1 + d2, t[r][2] = d2 - d1, t[r][3] = d1 - d3;
                }
                for (int s = 0; s < 4; s++) {
                    v[(0 + s) * stride + tj] = t[0][s] - t[2][s];
                    v[(4 + s) * stride + tj] = t[1][s] + t[2][s];
                    v[(8 + s) * stride + tj] = t[2][s] - t[1][s];
                    v[(12 + s) * stride + tj] = t[1][s] - t[3][s];
                }
            }
        }
}

/* out_b (C_out, OH, OW) out = A^T M A + bias for tile rows [r0, r1); M (16, C_out, T) in;
 * buf (4 TW) scratch. */
static void output_transform(float *out_b, const float *M, const float *bias, const mlc_nn_winograd_geom *g,
                             int64_t r0, int64_t r1, float *buf) {
    const int64_t TW = g->TW, T = (r1 - r0) * TW, stride = mlc_nn_winograd_xi_stride(g->C_out, T), OW = g->OW;
    float *ye[2] = {buf, buf + 2 * TW}, *yo[2] = {buf + TW, buf + 3 * TW};
    for (int64_t oc = 0; oc < g->C_out; oc++) {
        const float b = bias != NULL ? bias[oc] : 0.0f;
        for (int64_t tr = r0; tr < r1; tr++) {
            const float *m = M + oc * T + (tr - r0) * TW;
#pragma omp simd
            for (int64_t tj = 0; tj < TW; tj++) {
                float p[2][4];
                for (int s = 0; s < 4; s++) {
                    const float m0 = m[s * stride + tj], m1 = m[(4 + s) * stride + tj], m2 = m[(8 + s) * stride + tj],
                                m3 = m[(12 + s) * stride + tj];
                    p[0][s] = m0 + m1 + m2;
                    p[1][s] = m1 - m2 - m3;
                }
                for (int a = 0; a < 2; a++) {
                    ye[a][tj] = p[a][0] + p[a][1] + p[a][2] + b;
                    yo[a][tj] = p[a][1] - p[a][2] - p[a][3] + b;
                }
            }
            for (int a = 0; a < 2 && 2 * tr + a < g->OH; a++) {
                float *restrict y = out_b + (oc * g->OH + 2 * tr + a) * OW;
                const float *restrict e = ye[a], *restrict o = yo[a];
#pragma omp simd
                for (int64_t k = 0; k < OW / 2; k++) y[2 * k] = e[k], y[2 * k + 1] = o[k];
                if (OW % 2) y[OW - 1] = e[OW / 2];
            }
        }
    }
}

/* Z (16, C_out, T) out = A dY A^T of the 2x2 output tiles of rows [r0, r1) of dout_b (C_out, OH, OW)
 * in (0 past the edge); buf (4 TW) scratch. */
static void grad_transform(float *Z, const float *dout_b, const mlc_nn_winograd_geom *g, int64_t r0, int64_t r1,
                           float *buf) {
    const int64_t TW = g->TW, T = (r1 - r0) * TW, stride = mlc_nn_winograd_xi_stride(g->C_out, T);
    float *e[2] = {buf, buf + 2 * TW}, *o[2] = {buf + TW, buf + 3 * TW};
    for (int64_t oc = 0; oc < g->C_out; oc++)
        for (int64_t tr = r0; tr < r1; tr++) {
            for (int a = 0; a < 2; a++) {
                const int64_t i = 2 * tr + a;
                deinterleave(e[a], o[a], i < g->OH ? dout_b + (oc * g->OH + i) * g->OW : NULL, TW, 0, g->OW);
            }
            float *z = Z + oc * T + (tr - r0) * TW;
#pragma omp simd
            for (int64_t tj = 0; tj < TW; tj++) {
                const float y00 = e[0][tj], y01 = o[0][tj], y10 = e[1][tj], y11 = o[1][tj];
                // rows: A dY = [y0; y0 + y1; y0 - y1; -y1], then the same on the columns
                const float q[4][2] = {{y00, y01}, {y00 + y10, y01 + y11}, {y00 - y10, y01 - y11}, {-y10, -y11}};
                for (int i = 0; i < 4; i++) {
                    z[(4 * i) * stride + tj] = q[i][0];
                    z[(4 * i + 1) * stride + tj] = q[i][0] + q[i][1];
                    z[(4 * i + 2) * stride + tj] = q[i][0] - q[i][1];
                    z[(4 * i + 3) * stride + tj] = -q[i][1];
                }
            }
        }
}

/* dx_b (C_in, H, W) += B dV B^T over the windows of tile rows [r0, r1); dV (16, C_in, T) in;
 * buf (16 TW + 2 (TW + 1)) scratch. */
static void input_grad(float *dx_b, const float *dV, const mlc_nn_winograd_geom *g, int64_t r0, int64_t r1,
                       float *buf) {
    const int64_t TW = g->TW, T = (r1 - r0) * TW, stride = mlc_nn_winograd_xi_stride(g->C_in, T), W = g->W;
    float *f = buf, *R = buf + 16 * TW; /* f (16, TW): the window gradients per position; R a window row */
    for (int64_t c = 0; c < g->C_in; c++)
        for (int64_t tr = r0; tr < r1; tr++) {
            const float *v = dV + c * T + (tr - r0) * TW;
#pragma omp simd
            for (int64_t tj = 0; tj < TW; tj++) {
                float r[4][4];
                for (int s = 0; s < 4; s++) {
                    const float v0 = v[s * stride + tj], v1 = v[(4 + s) * stride + tj], v2 = v[(8 + s) * stride + tj],
                                v3 = v[(12 + s) * stride + tj];
                    r[0][s] = v0, r[1][s] = v1 - v2 + v3, r[2][s] = v1 + v2 - v0, r[3][s] = -v3;
                }
                for (int i = 0; i < 4; i++) {
                    f[(4 * i) * TW + tj] = r[i][0];
                    f[(4 * i + 1) * TW + tj] = r[i][1] - r[i][2] + r[i][3];
                    f[(4 * i + 2) * TW + tj] = r[i][1] + r[i][2] - r[i][0];
                    f[(4 * i + 3) * TW + tj] = -r[i][3];
                }
            }
            for (int i = 0; i < 4; i++) {
                const int64_t ih = 2 * tr - g->ph + i;
                if (ih < 0 || ih >= g->H) continue;
                // window row i of tile tj covers columns 2 tj + s: R[2k] gets s = 0 of tile k and s = 2 of
                // tile k - 1, R[2k + 1] s = 1 of tile k and s = 3 of tile k - 1
                const float *f0 = f + 4 * i * TW, *f1 = f0 + TW, *f2 = f1 + TW, *f3 = f2 + TW;
                R[0] = f0[0], R[1] = f1[0];
#pragma omp simd
                for (int64_t k = 1; k < TW; k++) R[2 * k] = f0[k] + f2[k - 1], R[2 * k + 1] = f1[k] + f3[k - 1];
                R[2 * TW] = f2[TW - 1], R[2 * TW + 1] = f3[TW - 1];
                // R[m] belongs to column m - pad_w
                float *restrict d = dx_b + (c * g->H + ih) * W;
                const int64_t pw = g->pw, m1 = MLC_MIN(2 * TW + 2, W + pw);
#pragma omp simd
                for (int64_t m = pw; m < m1; m++) d[m - pw] += R[m];
            }
        }
}

int MLC_ISA(mlc_nn_winograd_forward)(float *out, const float *x, const float *weight, const float *bias,
                                     const mlc_nn_winograd_geom *g, float *scratch) {
    const int64_t Ci = g->C_in, Co = g->C_out, in_size = Ci * g->H * g->W, out_size = Co * g->OH * g->OW;
    float *U = scratch, *thread_base = scratch + mlc_nn_winograd_round16(16 * Co * Ci);
    filter_transform(U, weight, Co, Ci);
    mlc_blas_single_begin();
#pragma omp parallel for num_threads(g->team_fwd) schedule(static)
    for (int64_t blk = 0; blk < g->B * g->bands; blk++) {
        const int64_t b = blk / g->bands, r0 = blk % g->bands * g->rows, r1 = MLC_MIN(r0 + g->rows, g->TH);
        const int64_t T = (r1 - r0) * g->TW, sv = mlc_nn_winograd_xi_stride(Ci, T);
        const int64_t sm = mlc_nn_winograd_xi_stride(Co, T);
        float *V = thread_base + omp_get_thread_num() * g->per_thread, *M = V + 16 * sv, *buf = M + 16 * sm;
        input_transform(V, x + b * in_size, g, r0, r1, buf);
        for (int xi = 0; xi < 16; xi++)
            mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)Co, (mlc_blasint)T,
                            (mlc_blasint)Ci, 1.0f, U + xi * Co * Ci, (mlc_blasint)Ci, V + xi * sv, (mlc_blasint)T,
                            0.0f, M + xi * sm, (mlc_blasint)T);
        output_transform(out + b * out_size, M, bias, g, r0, r1, buf);
    }
    mlc_blas_single_end();
    return MLC_OK;
}

int MLC_ISA(mlc_nn_winograd_backward)(float *dx, float *dweight, const float *dout, const float *x,
                                      const float *weight, const mlc_nn_winograd_geom *g, float *scratch) {
    const int64_t Ci = g->C_in, Co = g->C_out, in_size = Ci * g->H * g->W, out_size = Co * g->OH * g->OW;
    const int64_t usize = mlc_nn_winograd_round16(16 * Co * Ci);
    const int team = g->team_bwd;
    float *U = scratch, *partial = dweight != NULL ? scratch + usize : NULL;
    float *thread_base = scratch + usize + (partial != NULL ? team * usize : 0);
    if (dx != NULL) filter_transform(U, weight, Co, Ci);
    if (partial != NULL) memset(partial, 0, sizeof(float) * (size_t)(team * usize));
    mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        float *V = thread_base + t * g->per_thread, *dU = partial != NULL ? partial + t * usize : NULL;
        for (int64_t b = g->B * t / nt; b < g->B * (t + 1) / nt; b++)
            for (int64_t r0 = 0; r0 < g->TH; r0 += g->rows) {
                const int64_t r1 = MLC_MIN(r0 + g->rows, g->TH), T = (r1 - r0) * g->TW;
                const int64_t sv = mlc_nn_winograd_xi_stride(Ci, T), sz = mlc_nn_winograd_xi_stride(Co, T);
                const mlc_blasint ci = (mlc_blasint)Ci, co = (mlc_blasint)Co, tb = (mlc_blasint)T;
                float *Z = V + 16 * sv, *buf = Z + 16 * sz;
                grad_transform(Z, dout + b * out_size, g, r0, r1, buf);
                if (dU != NULL) {
                    input_transform(V, x + b * in_size, g, r0, r1, buf);
                    for (int xi = 0; xi < 16; xi++)
                        mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, co, ci, tb, 1.0f, Z + xi * sz, tb,
                                        V + xi * sv, tb, 1.0f, dU + xi * Co * Ci, ci);
                }
                if (dx != NULL) {
                    // dV overwrites V, which the weight gradient above has used
                    for (int xi = 0; xi < 16; xi++)
                        mlc_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ci, tb, co, 1.0f, U + xi * Co * Ci, ci,
                                        Z + xi * sz, tb, 0.0f, V + xi * sv, tb);
                    input_grad(dx + b * in_size, V, g, r0, r1, buf);
                }
            }
    }
    mlc_blas_single_end();
    if (partial != NULL) {
        for (int t = 1; t < team; t++)
            for (int64_t i = 0; i < 16 * Co * Ci; i++) partial[i] += partial[t * usize + i];
        filter_grad(dweight, partial, Co, Ci);
    }
    return MLC_OK;
}
