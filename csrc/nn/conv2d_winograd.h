/* conv2d_winograd.h: the 3x3, stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3)
 * (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016), forward and
 * backward. conv2d.c runs it where it is faster than im2col + sgemm (mlc_nn_winograd_fits); its
 * results are the convolution's up to float32 rounding.
 *
 * Legend as conv2d.h, plus: TH x TW tiles of 2x2 outputs (TH = ceil(OH/2), TW = ceil(OW/2)), tile
 * (ti, tj) reading the 4x4 input window from row 2 ti - pad_h, column 2 tj - pad_w (zero outside the
 * image; outputs past OH x OW are computed and dropped); a block is a band of `rows` tile rows of one
 * image, T = its tiles; xi in [0, 16) is a position of a transformed 4x4 tile.
 *
 *   out tile = A^T [U (.) V] A     U = G w_oc G^T (per o, c),  V = B^T d_c B (per tile, c)
 *
 * so per xi the sum over c is one GEMM: M[xi] (C_out, T) = U[xi] (C_out, C_in) V[xi] (C_in, T),
 * 16 multiplications per 2x2 outputs and channel pair instead of 36. Backward is the adjoint of each
 * step: Z = A dY A^T; dU[xi] += Z[xi] V[xi]^T, dw += G^T dU G (GEMMs of depth T, summed over all
 * tiles); dV[xi] = U[xi]^T Z[xi], dx += B dV B^T added over the overlapping input windows.
 *
 * Threads: forward spreads the blocks, backward whole images (windows of one image overlap) with a
 * dU partial per thread, added in thread order; sgemm is single-threaded inside. out and dx do not
 * depend on the thread count; dw does through float32 rounding (as conv2d.h's im2col path).
 */
#ifndef MLC_NN_CONV2D_WINOGRAD_H
#define MLC_NN_CONV2D_WINOGRAD_H

#include "core/dispatch.h"
#include "mlc.h"

/* A block's transformed tiles, V (16, C_in, T) and M (16, C_out, T), take at most about this many
 * floats (512 KB, in L2 from the transform to the GEMMs); a block has at least one tile row. */
#define MLC_NN_WINOGRAD_BLOCK_FLOATS ((int64_t)1 << 17)

typedef struct {
    int64_t B, C_in, H, W, C_out, ph, pw, OH, OW;
    int64_t TH, TW;       /* tiles */
    int64_t rows, bands;  /* tile rows per block, blocks per image */
    int64_t per_thread;   /* floats of one thread's V, M and row buffers (a multiple of 16) */
    int team_fwd, team_bwd;
} mlc_nn_winograd_geom;

/* A 3x3 kernel with stride 1 and no dilation. Measured at one thread, Winograd was 1.3-2x faster than
 * im2col from 3 -> 16 and 4 -> 8 channels up to 64 -> 64, and even with 1 input channel. */
static inline int mlc_nn_winograd_fits(int64_t C_in, int64_t C_out, int64_t KH, int64_t KW, int64_t sh, int64_t sw,
                                       int64_t dh, int64_t dw) {
    return KH == 3 && KW == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1 && C_in >= 3 && C_out >= 8;
}

static inline int64_t mlc_nn_winograd_round16(int64_t n) { return (n + 15) / 16 * 16; }

/* The distance between the 16 matrices of a block's V (C = C_in) or M / Z (C = C_out): C T floats
 * rounded to 64 bytes and kept off multiples of 1 KB, so that the transforms' 16 streams do not
 * fall into the same L1 sets (with 64 channels and 64 tiles they would be 16 KB apart). */
static inline int64_t mlc_nn_winograd_xi_stride(int64_t C, int64_t T) {
    const int64_t s = mlc_nn_winograd_round16(C * T);
    return s % 256 == 0 ? s + 16 : s;
}

static inline mlc_nn_winograd_geom mlc_nn_winograd_make(int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out,
                                                        int64_t ph, int64_t pw, int64_t OH, int64_t OW,
                                                        int n_threads) {
    mlc_nn_winograd_geom g = {B, C_in, H, W, C_out, ph, pw, OH, OW, (OH + 1) / 2, (OW + 1) / 2, 1, 1, 0, 1, 1};
    g.rows = MLC_MAX(1, MLC_MIN(g.TH, MLC_NN_WINOGRAD_BLOCK_FLOATS / (16 * (C_in + C_out) * g.TW)));
    g.bands = (g.TH + g.rows - 1) / g.rows;
    const int64_t T = g.rows * g.TW;
    g.per_thread = 16 * (mlc_nn_winograd_xi_stride(C_in, T) + mlc_nn_winograd_xi_stride(C_out, T)) +
                   mlc_nn_winograd_round16(20 * (g.TW + 1));
    const int64_t work = B * C_out * C_in * 9 * OH * OW;
    g.team_fwd = (int)MLC_MIN(mlc_team_size(work, n_threads), MLC_MAX(1, B * g.bands));
    g.team_bwd = (int)MLC_MIN(mlc_team_size(work, n_threads), MLC_MAX(1, B));
    return g;
}

/* Floats of scratch: U (16, C_out, C_in), one dU partial per thread when a weight gradient is
 * wanted, and each thread's buffers. */
static inline int64_t mlc_nn_winograd_scratch_size(const mlc_nn_winograd_geom *g, int backward, int with_dweight) {
    const int64_t u = mlc_nn_winograd_round16(16 * g->C_out * g->C_in);
    const int team = backward ? g->team_bwd : g->team_fwd;
    return u + (backward && with_dweight ? team * u : 0) + team * g->per_thread;
}

/* out (B, C_out, OH, OW) out = conv(x (B, C_in, H, W) in, weight (C_out, C_in, 3, 3) in) + bias
 * (C_out, in or NULL); scratch (mlc_nn_winograd_scratch_size(g, 0, 0)). */
int MLC_ISA(mlc_nn_winograd_forward)(float *out, const float *x, const float *weight, const float *bias,
                                     const mlc_nn_winograd_geom *g, float *scratch);

/* dx (B, C_in, H, W) += the input gradient and dweight (C_out, C_in, 3, 3) += the weight gradient,
 * each skipped when NULL; dout (B, C_out, OH, OW) in, x in, weight in;
 * scratch (mlc_nn_winograd_scratch_size(g, 1, dweight != NULL)). */
int MLC_ISA(mlc_nn_winograd_backward)(float *dx, float *dweight, const float *dout, const float *x,
                                      const float *weight, const mlc_nn_winograd_geom *g, float *scratch);

#endif
