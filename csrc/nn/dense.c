/* dense.c: the fully connected layer (torch.nn.Linear), forward and backward.
 *
 *   forward:  out = x W^T + b                       (B, C_out)
 *   backward: dx += dout W,  dW += dout^T x,  db += sum_rows dout
 *
 * Every product is one sgemm on the caller's buffers (beta = 1 accumulates, as llm.c's matmul
 * backward does); the only own loops are the bias broadcast and the bias-gradient column sums.
 *
 * Threads: each sgemm is cut into one block of rows or columns per thread of an OpenMP team, with
 * OpenBLAS single-threaded inside, rather than run on OpenBLAS's own threads: those spin for a while
 * after every call (OPENBLAS_THREAD_TIMEOUT), and in a network, where a small GEMM is followed by
 * mlc's own parallel loops (batch norm, pooling, activations), the spinning thread held the second
 * core those loops needed (measured on the bench CNN at 2 threads: every other layer ran as if on one).
 */
#include <limits.h>
#include <string.h>
#include <omp.h>

#include "blas.h"
#include "core/dispatch.h"
#include "nn/dense.h"

#if MLC_ISA_ONCE
const char *mlc_nn_dense_check_params(int64_t B, int64_t C_in, int64_t C_out) {
    if (B < 0) return "dense: the batch size must be >= 0";
    if (C_in < 1 || C_out < 1) return "dense: in_features and out_features must be >= 1";
    if (B > INT_MAX || C_in > INT_MAX || C_out > INT_MAX) return "dense: a dimension exceeds the BLAS int range";
    return NULL;
}
#endif

/* C (M, N) = alpha op(A) op(B) + beta C, row-major, with the larger of M and N cut into one block
 * per thread of a team sized by the work. */
static void sgemm_team(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                       const float *Bm, int64_t ldb, float beta, float *C, int64_t ldc, int n_threads) {
    const int64_t cut = MLC_MAX(M, N);
    const int team = (int)MLC_MIN(mlc_team_size(M * N * K, n_threads), cut);
    mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const int64_t i0 = cut * t / nt, i1 = cut * (t + 1) / nt;
        const float *a = A, *b = Bm;
        float *c = C;
        int64_t m = M, n = N;
        if (M >= N) { /* rows i0..i1 of C and of op(A) */
            a += trans_a ? i0 : i0 * lda;
            c += i0 * ldc;
            m = i1 - i0;
        } else { /* columns i0..i1 of C and of op(B) */
            b += trans_b ? i0 * ldb : i0;
            c += i0;
            n = i1 - i0;
        }
        if (m > 0 && n > 0)
            mlc_cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                            (mlc_blasint)m, (mlc_blasint)n, (mlc_blasint)K, 1.0f, a, (mlc_blasint)lda, b,
                            (mlc_blasint)ldb, beta, c, (mlc_blasint)ldc);
    }
    mlc_blas_single_end();
}

int MLC_ISA(mlc_nn_dense_forward)(float *out, const float *x, const float *weight, const float *bias, int64_t B,
                         int64_t C_in, int64_t C_out, int n_threads) {
    if (mlc_nn_dense_check_params(B, C_in, C_out) != NULL) return MLC_EINVAL;
    if (B == 0) return MLC_OK;
    float beta = 0.0f;
    if (bias != NULL) {
        // broadcast b into every row, then let sgemm add x W^T onto it (beta = 1)
        for (int64_t i = 0; i < B; i++) memcpy(out + i * C_out, bias, sizeof(float) * (size_t)C_out);
        beta = 1.0f;
    }
    sgemm_team(0, 1, B, C_out, C_in, x, C_in, weight, C_in, beta, out, C_out, n_threads);
    return MLC_OK;
}

/* Columns per block of the bias gradient: one float64 accumulator each, on the stack. */
#define DBIAS_BLOCK 256

int MLC_ISA(mlc_nn_dense_backward)(float *dx, float *dweight, float *dbias, const float *dout, const float *x,
                          const float *weight, int64_t B, int64_t C_in, int64_t C_out, int n_threads) {
    if (mlc_nn_dense_check_params(B, C_in, C_out) != NULL) return MLC_EINVAL;
    if (B == 0) return MLC_OK;
    if (dx != NULL) sgemm_team(0, 0, B, C_in, C_out, dout, C_out, weight, C_in, 1.0f, dx, C_in, n_threads);
    if (dweight != NULL) sgemm_team(1, 0, C_out, C_in, B, dout, C_out, x, C_in, 1.0f, dweight, C_in, n_threads);
    if (dbias != NULL) {
        const int64_t nblocks = (C_out + DBIAS_BLOCK - 1) / DBIAS_BLOCK;
        const int team = (int)MLC_MIN(mlc_team_size(B * C_out, n_threads), nblocks);
#pragma omp parallel for num_threads(team) schedule(static)
        for (int64_t blk = 0; blk < nblocks; blk++) {
            const int64_t j0 = blk * DBIAS_BLOCK, nj = MLC_MIN(DBIAS_BLOCK, C_out - j0);
            double acc[DBIAS_BLOCK] = {0};
            // rows in order, a block of columns at a time: contiguous reads, one fixed order per column
            for (int64_t i = 0; i < B; i++) {
                const float *g = dout + i * C_out + j0;
#pragma omp simd
                for (int64_t j = 0; j < nj; j++) acc[j] += g[j];
            }
            for (int64_t j = 0; j < nj; j++) dbias[j0 + j] += (float)acc[j];
        }
    }
    return MLC_OK;
}

/* The layer on a CSR batch. Each output unit o runs over the batch's stored entries against its own
 * weight row W[o] (C_in floats that stay in cache), in the weight's torch layout: no transposed copy of
 * W (C_in C_out floats per batch, far more than the NNZ C_out products of a sparse batch) and no
 * scratch; every sum is in a fixed order, so the bits do not depend on the thread count. */
#if MLC_ISA_ONCE
int mlc_nn_dense_forward_csr(float *out, const float *x_data, const int32_t *x_indices, const int64_t *x_indptr,
                             const float *weight, const float *bias, int64_t B, int64_t C_in, int64_t C_out,
                             int n_threads) {
    if (mlc_nn_dense_check_params(B, C_in, C_out) != NULL) return MLC_EINVAL;
    const int team = (int)MLC_MIN(mlc_team_size((x_indptr[B] + B) * C_out, n_threads), C_out);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t o = 0; o < C_out; o++) {
        const float *w = weight + o * C_in;
        const float b = bias != NULL ? bias[o] : 0.0f;
        for (int64_t i = 0; i < B; i++) {
            float s = 0.0f;
            for (int64_t p = x_indptr[i]; p < x_indptr[i + 1]; p++) s += x_data[p] * w[x_indices[p]];
            out[i * C_out + o] = b + s;
        }
    }
    return MLC_OK;
}

int mlc_nn_dense_backward_csr(float *dweight, float *dbias, const float *dout, const float *x_data,
                              const int32_t *x_indices, const int64_t *x_indptr, int64_t B, int64_t C_in,
                              int64_t C_out, int n_threads) {
    if (mlc_nn_dense_check_params(B, C_in, C_out) != NULL) return MLC_EINVAL;
    if (dweight != NULL) {
        const int team = (int)MLC_MIN(mlc_team_size((x_indptr[B] + B) * C_out, n_threads), C_out);
#pragma omp parallel for num_threads(team) schedule(static)
        for (int64_t o = 0; o < C_out; o++) {
            float *dw = dweight + o * C_in;
            for (int64_t i = 0; i < B; i++) {
                const float g = dout[i * C_out + o];
                for (int64_t p = x_indptr[i]; p < x_indptr[i + 1]; p++) dw[x_indices[p]] += g * x_data[p];
            }
        }
    }
    return mlc_nn_dense_backward(NULL, NULL, dbias, dout, NULL, NULL, B, C_in, C_out, n_threads);
}
#endif
