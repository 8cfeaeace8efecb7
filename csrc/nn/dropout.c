/* dropout.c: inverted dropout, forward and backward. The mask is drawn chunk by chunk from
 * per-chunk RNG streams (see dropout.h), so it depends on (seed, n) only. */
#include <math.h>

#include "core/dispatch.h"
#include "nn/dropout.h"

#if MLC_ISA_ONCE
const char *mlc_nn_dropout_check_params(double p) {
    if (!(p >= 0.0 && p < 1.0)) return "dropout: p must be in [0, 1)";
    return NULL;
}
#endif

/* Draws per batch: the scalar RNG fills a small buffer, then a branch-free loop (which vectorises)
 * turns it into the mask. */
#define DRAW_BLOCK 256

int MLC_ISA(mlc_nn_dropout_forward)(float *out, float *mask, const float *x, int64_t n, double p, uint64_t seed,
                           int n_threads) {
    if (mlc_nn_dropout_check_params(p) != NULL || n < 0) return MLC_EINVAL;
    // drop when a 32-bit draw is below p 2^32 (p < 1, so the floor fits in 32 bits; p = 0 drops nothing)
    const uint32_t threshold = (uint32_t)(p * 4294967296.0);
    const union {
        float f;
        uint32_t u;
    } scale_bits = {.f = (float)(1.0 / (1.0 - p))};
    const int64_t nch = (n + MLC_NN_DROPOUT_CHUNK - 1) / MLC_NN_DROPOUT_CHUNK;
#pragma omp parallel for num_threads(mlc_team_size(n * 2, n_threads)) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        mlc_rng rng;
        mlc_rng_seed_stream(&rng, seed, (uint64_t)c);
        uint32_t u[DRAW_BLOCK];
        const int64_t end = MLC_MIN(n, (c + 1) * MLC_NN_DROPOUT_CHUNK);
        for (int64_t i0 = c * MLC_NN_DROPOUT_CHUNK; i0 < end; i0 += DRAW_BLOCK) {
            const int64_t len = MLC_MIN(DRAW_BLOCK, end - i0);
            // each 64-bit draw gives two 32-bit ones: the low half for element 2k, the high for 2k+1
            for (int64_t j = 0; j < len; j += 2) {
                const uint64_t r = mlc_rng_next(&rng);
                u[j] = (uint32_t)r;
                u[j + 1] = (uint32_t)(r >> 32);
            }
#pragma omp simd
            for (int64_t j = 0; j < len; j++) {
                // the kept scale's bits under an all-ones mask, +0 under a zero one: no branch
                union {
                    uint32_t u;
                    float f;
                } m = {.u = -(uint32_t)(u[j] >= threshold) & scale_bits.u};
                mask[i0 + j] = m.f;
                out[i0 + j] = x[i0 + j] * m.f;
            }
        }
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_dropout_backward)(float *dx, const float *dout, const float *mask, int64_t n, int n_threads) {
    if (n < 0) return MLC_EINVAL;
    if (dx == NULL) return MLC_OK;
#pragma omp parallel for simd num_threads(mlc_team_size(n, n_threads)) schedule(static)
    for (int64_t i = 0; i < n; i++) dx[i] += dout[i] * mask[i];
    return MLC_OK;
}
