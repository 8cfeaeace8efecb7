/* dense.c: the fully connected layer (torch.nn.Linear), forward and backward.
 *
 *   forward:  out = x W^T + b                       (B, C_out)
 *   backward: dx += dout W,  dW += dout^T x,  db += sum_rows dout
 *
 * Every product is one sgemm on the caller's buffers (beta = 1 accumulates, as llm.c's matmul
 * backward does); the only own loops are the bias broadcast and the bias-gradient column sums.
 *
 * Threads: a product large enough for several threads (mlc_team_size) runs on OpenBLAS's own pool
 * when it is called outside a parallel region. OpenBLAS's workers spin a short while after a call
 * (OPENBLAS_THREAD_TIMEOUT, ~0.3 ms) and so catch the next product of the step awake, where mlc's
 * passive OpenMP pool puts its worker to sleep after every region and wakes it for the next (an MLP
 * step is ~8 products back to back: the bench MLP epoch at 2 threads took 0.93-1.07 s this way
 * against 1.09-1.39 s with each product cut over an OpenMP team, measured alternately on a quiet
 * machine). Inside a parallel region the product runs on the calling thread. The price: OpenBLAS's
 * threaded sgemm does not give its single-threaded bits, so a product (and a training run) at 2+
 * threads differs in the last bits from 1 thread's (the README says so).
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

/* C (M, N) = op(A) op(B) + beta C, row-major, on as many threads as the work is worth. */
static void sgemm_threaded(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                           const float *Bm, int64_t ldb, float beta, float *C, int64_t ldc, int n_threads) {
    const int single = mlc_team_size(M * N * K, n_threads) < 2 || omp_in_parallel();
    if (single) mlc_blas_single_begin();
    mlc_cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                    (mlc_blasint)M, (mlc_blasint)N, (mlc_blasint)K, 1.0f, A, (mlc_blasint)lda, Bm, (mlc_blasint)ldb,
                    beta, C, (mlc_blasint)ldc);
    if (single) mlc_blas_single_end();
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
    sgemm_threaded(0, 1, B, C_out, C_in, x, C_in, weight, C_in, beta, out, C_out, n_threads);
    return MLC_OK;
}

/* Columns per block of the bias gradient: one float64 accumulator each, on the stack. */
#define DBIAS_BLOCK 256

int MLC_ISA(mlc_nn_dense_backward)(float *dx, float *dweight, float *dbias, const float *dout, const float *x,
                          const float *weight, int64_t B, int64_t C_in, int64_t C_out, int n_threads) {
    if (mlc_nn_dense_check_params(B, C_in, C_out) != NULL) return MLC_EINVAL;
    if (B == 0) return MLC_OK;
    if (dx != NULL) sgemm_threaded(0, 0, B, C_in, C_out, dout, C_out, weight, C_in, 1.0f, dx, C_in, n_threads);
    if (dweight != NULL) sgemm_threaded(1, 0, C_out, C_in, B, dout, C_out, x, C_in, 1.0f, dweight, C_in, n_threads);
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
