/* dense.c: the fully connected layer (torch.nn.Linear), forward and backward.
 *
 *   forward:  out = x W^T + b                       (B, C_out)
 *   backward: dx += dout W,  dW += dout^T x,  db += sum_rows dout
 *
 * Every product is one sgemm on the caller's buffers (beta = 1 accumulates, as llm.c's matmul
 * backward does); the only own loops are the bias broadcast and the bias-gradient column sums.
 */
#include <limits.h>
#include <string.h>

#include "blas.h"
#include "nn/dense.h"

const char *mlc_nn_dense_check_params(int64_t B, int64_t C_in, int64_t C_out) {
    if (B < 0) return "dense: the batch size must be >= 0";
    if (C_in < 1 || C_out < 1) return "dense: in_features and out_features must be >= 1";
    if (B > INT_MAX || C_in > INT_MAX || C_out > INT_MAX) return "dense: a dimension exceeds the BLAS int range";
    return NULL;
}

int mlc_nn_dense_forward(float *out, const float *x, const float *weight, const float *bias, int64_t B,
                         int64_t C_in, int64_t C_out, int n_threads) {
    (void)n_threads; /* sgemm runs on OpenBLAS's threads, which mlc_set_num_threads sets */
    if (mlc_nn_dense_check_params(B, C_in, C_out) != NULL) return MLC_EINVAL;
    if (B == 0) return MLC_OK;
    float beta = 0.0f;
    if (bias != NULL) {
        // broadcast b into every row, then let sgemm add x W^T onto it (beta = 1)
        for (int64_t i = 0; i < B; i++) memcpy(out + i * C_out, bias, sizeof(float) * (size_t)C_out);
        beta = 1.0f;
    }
    mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)B, (mlc_blasint)C_out,
                    (mlc_blasint)C_in, 1.0f, x, (mlc_blasint)C_in, weight, (mlc_blasint)C_in, beta, out,
                    (mlc_blasint)C_out);
    return MLC_OK;
}

/* Columns per block of the bias gradient: one float64 accumulator each, on the stack. */
#define DBIAS_BLOCK 256

int mlc_nn_dense_backward(float *dx, float *dweight, float *dbias, const float *dout, const float *x,
                          const float *weight, int64_t B, int64_t C_in, int64_t C_out, int n_threads) {
    if (mlc_nn_dense_check_params(B, C_in, C_out) != NULL) return MLC_EINVAL;
    if (B == 0) return MLC_OK;
    if (dx != NULL)
        mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)B, (mlc_blasint)C_in,
                        (mlc_blasint)C_out, 1.0f, dout, (mlc_blasint)C_out, weight, (mlc_blasint)C_in, 1.0f, dx,
                        (mlc_blasint)C_in);
    if (dweight != NULL)
        mlc_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (mlc_blasint)C_out, (mlc_blasint)C_in,
                        (mlc_blasint)B, 1.0f, dout, (mlc_blasint)C_out, x, (mlc_blasint)C_in, 1.0f, dweight,
                        (mlc_blasint)C_in);
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
