/* add.c: the residual add (forward and backward) and the sum of squares of a float32 array. */
#include "nn/add.h"

int mlc_add_forward(float *out, const float *a, const float *b, int64_t n, int n_threads) {
    if (n < 0) return MLC_EINVAL;
#pragma omp parallel for simd num_threads(mlc_team_size(n, n_threads)) schedule(static)
    for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
    return MLC_OK;
}

int mlc_add_backward(float *da, float *db, const float *dout, int64_t n, int n_threads) {
    if (n < 0) return MLC_EINVAL;
    const int team = mlc_team_size(n, n_threads);
    if (da != NULL) {
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) da[i] += dout[i];
    }
    if (db != NULL) {
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) db[i] += dout[i];
    }
    return MLC_OK;
}

#define SUMSQ_MAX_CHUNKS 64
#define SUMSQ_MIN_CHUNK 16384

int mlc_sum_squares(double *result, const float *x, int64_t n, int n_threads) {
    if (n < 0) return MLC_EINVAL;
    *result = 0.0;
    if (n == 0) return MLC_OK;
    int64_t per = (n + SUMSQ_MAX_CHUNKS - 1) / SUMSQ_MAX_CHUNKS;
    if (per < SUMSQ_MIN_CHUNK) per = SUMSQ_MIN_CHUNK;
    const int64_t nch = (n + per - 1) / per;
    double part[SUMSQ_MAX_CHUNKS];
#pragma omp parallel for num_threads((int)MLC_MIN(mlc_team_size(n, n_threads), nch)) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        const int64_t i1 = MLC_MIN(n, (c + 1) * per);
        double s = 0.0;
        // a SIMD reduction has a fixed, compile-time order of partial sums: still deterministic
#pragma omp simd reduction(+ : s)
        for (int64_t i = c * per; i < i1; i++) s += (double)x[i] * x[i];
        part[c] = s;
    }
    double s = 0.0;
    for (int64_t c = 0; c < nch; c++) s += part[c];
    *result = s;
    return MLC_OK;
}
