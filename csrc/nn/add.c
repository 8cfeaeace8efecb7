/* add.c: the residual add (forward and backward) and the sum of squares of a float32 array. */
#include "core/dispatch.h"
#include "core/reduce.h"
#include "nn/add.h"

int MLC_ISA(mlc_nn_add_forward)(float *out, const float *a, const float *b, int64_t n, int n_threads) {
    if (n < 0) return MLC_EINVAL;
#pragma omp parallel for simd num_threads(mlc_team_size(n * MLC_WORK_STREAM, n_threads)) schedule(static)
    for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
    return MLC_OK;
}

int MLC_ISA(mlc_nn_add_backward)(float *da, float *db, const float *dout, int64_t n, int n_threads) {
    if (n < 0) return MLC_EINVAL;
    const int team = mlc_team_size(n * MLC_WORK_STREAM, n_threads);
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

int MLC_ISA(mlc_nn_sum_squares)(double *result, const float *x, int64_t n, int n_threads) {
    if (n < 0) return MLC_EINVAL;
    *result = 0.0;
    if (n == 0) return MLC_OK;
    const mlc_chunks ch = mlc_chunks_sized(n, SUMSQ_MIN_CHUNK, SUMSQ_MAX_CHUNKS);
    const int64_t nch = ch.count;
    double part[SUMSQ_MAX_CHUNKS];
#pragma omp parallel for num_threads((int)MLC_MIN(mlc_team_size(n, n_threads), nch)) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        const int64_t i1 = mlc_chunk_end(ch, c);
        double s = 0.0;
        // a SIMD reduction has a fixed, compile-time order of partial sums: still deterministic
#pragma omp simd reduction(+ : s)
        for (int64_t i = mlc_chunk_begin(ch, c); i < i1; i++) s += (double)x[i] * x[i];
        part[c] = s;
    }
    *result = mlc_chunks_sum(part, nch);
    return MLC_OK;
}
