/* init.c: torch.nn.init's initialisers from mlc's RNG, block-seeded for thread independence (init.h). */
#include "nn/init.h"

#include <math.h>

const char *mlc_nn_init_check_params(int kind, int64_t fan_in, int64_t fan_out, double gain) {
    if (!mlc_nn_init_valid(kind)) return "unknown init kind";
    if (kind == MLC_NN_ZEROS || kind == MLC_NN_ONES) return NULL;
    if (fan_in < 0 || fan_out < 0) return "fan_in and fan_out must be >= 0";
    const int xavier = kind == MLC_NN_XAVIER_UNIFORM || kind == MLC_NN_XAVIER_NORMAL;
    if (xavier && fan_in + fan_out < 1) return "xavier init needs fan_in + fan_out >= 1";
    if (!xavier && fan_in < 1) return "fan_in must be >= 1";
    if (!(gain >= 0) || !isfinite(gain)) return "gain must be >= 0 and finite";
    return NULL;
}

/* out (n) = scale * N(0, 1) draws, keeping both normals of each polar draw. */
static void fill_normal(float *out, int64_t n, double scale, mlc_rng *rng) {
    for (int64_t i = 0; i < n; i += 2) {
        double z0, z1;
        mlc_rng_normal_pair(rng, &z0, &z1);
        out[i] = (float)(scale * z0);
        if (i + 1 < n) out[i + 1] = (float)(scale * z1);
    }
}

int mlc_nn_init(float *out, int64_t n, int kind, int64_t fan_in, int64_t fan_out, double gain, uint64_t seed,
                int n_threads) {
    if (mlc_nn_init_check_params(kind, fan_in, fan_out, gain) != NULL || n < 0) return MLC_EINVAL;
    if (kind == MLC_NN_ZEROS || kind == MLC_NN_ONES) {
        const float v = kind == MLC_NN_ONES ? 1.0f : 0.0f;
        for (int64_t i = 0; i < n; i++) out[i] = v;
        return MLC_OK;
    }
    const int normal = kind == MLC_NN_XAVIER_NORMAL || kind == MLC_NN_HE_NORMAL;
    double scale; // the bound a of U(-a, a), or the std of N(0, std^2)
    switch (kind) {
    case MLC_NN_XAVIER_UNIFORM: scale = gain * sqrt(6.0 / (double)(fan_in + fan_out)); break;
    case MLC_NN_XAVIER_NORMAL: scale = gain * sqrt(2.0 / (double)(fan_in + fan_out)); break;
    case MLC_NN_HE_UNIFORM: scale = gain * sqrt(3.0 / (double)fan_in); break;
    case MLC_NN_HE_NORMAL: scale = gain / sqrt((double)fan_in); break;
    default: scale = gain / sqrt((double)fan_in); break; /* MLC_NN_UNIFORM_FAN_IN */
    }
    const int64_t n_blocks = (n + MLC_NN_INIT_BLOCK - 1) / MLC_NN_INIT_BLOCK;
    const int team = mlc_team_size(20 * n, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t k = 0; k < n_blocks; k++) {
        mlc_rng rng;
        mlc_rng_seed_stream(&rng, seed, (uint64_t)k);
        const int64_t i1 = MLC_MIN(n, (k + 1) * MLC_NN_INIT_BLOCK);
        if (normal)
            fill_normal(out + k * MLC_NN_INIT_BLOCK, i1 - k * MLC_NN_INIT_BLOCK, scale, &rng);
        else
            for (int64_t i = k * MLC_NN_INIT_BLOCK; i < i1; i++)
                out[i] = (float)(scale * (2.0 * mlc_rng_uniform(&rng) - 1.0));
    }
    return MLC_OK;
}
