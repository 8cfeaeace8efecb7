/* loss.c: cross entropy on softmax, binary cross entropy on logits, mean squared error. Each loss
 * and its gradient come from one pass over the rows (the gradient of a mean needs sum w first,
 * which is a pass over the B weights only).
 */
#include <math.h>

#include "core/dispatch.h"
#include "core/reduce.h"
#include "core/vmath.h"
#include "nn/loss.h"

/* A reduction over B rows: mlc_chunks_sized(B, MIN_CHUNK_ROWS, MAX_CHUNKS), merged in chunk order. */
#define MAX_CHUNKS 64
#define MIN_CHUNK_ROWS 16

#if MLC_ISA_ONCE
const char *mlc_nn_loss_check_params(int64_t B, int64_t C) {
    if (B < 1) return "loss: needs at least one sample";
    if (C < 1) return "loss: needs at least one class / output";
    return NULL;
}

int64_t mlc_nn_loss_first_bad_target(const int64_t *targets, int64_t B, int64_t C) {
    for (int64_t i = 0; i < B; i++)
        if (targets[i] < 0 || targets[i] >= C) return i;
    return -1;
}
#endif

/* 1 / sum w (B when w is NULL), or 0 when the sum is not positive. */
static double inv_weight_sum(const float *w, int64_t B) {
    if (w == NULL) return 1.0 / (double)B;
    double s = 0.0;
    for (int64_t i = 0; i < B; i++) s += w[i];
    return s > 0.0 ? 1.0 / s : 0.0;
}

/* l_i = logsumexp(z_i) - z_i,t  and  dl/dz_ij = softmax_ij - [j = t], with the log-sum-exp shifted by
 * the row max (no overflow, even for logits of +-1e4) and summed in float64. */
int MLC_ISA(mlc_nn_loss_softmax_cross_entropy)(double *loss, float *dlogits, float *probs, const float *logits,
                                               const int64_t *targets, const float *sample_weight, int64_t B,
                                               int64_t C, int n_threads) {
    if (mlc_nn_loss_check_params(B, C) != NULL) return MLC_EINVAL;
    if (mlc_nn_loss_first_bad_target(targets, B, C) >= 0) return MLC_EINVAL;
    const double inv_w = inv_weight_sum(sample_weight, B);
    if (inv_w == 0.0) return MLC_EINVAL;
    const mlc_chunks ch = mlc_chunks_sized(B, MIN_CHUNK_ROWS, MAX_CHUNKS);
    const int64_t nch = ch.count;
    double part[MAX_CHUNKS];
    const int team = (int)MLC_MIN(mlc_team_size(B * C * 32, n_threads), nch);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        double acc = 0.0;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const float *z = logits + i * C;
            const int64_t t = targets[i];
            const double w = sample_weight != NULL ? sample_weight[i] : 1.0;
            float m = z[0];
            for (int64_t j = 1; j < C; j++) m = z[j] > m ? z[j] : m;
            double s = 0.0;
            for (int64_t j = 0; j < C; j++) s += mlc_exp_f64((double)z[j] - m);
            const double lse = m + log(s);
            acc += w * (lse - z[t]);
            if (probs != NULL || dlogits != NULL) {
                float *pr = probs != NULL ? probs + i * C : NULL, *dz = dlogits != NULL ? dlogits + i * C : NULL;
                const double g = w * inv_w;
                for (int64_t j = 0; j < C; j++) {
                    const double p = mlc_exp_f64((double)z[j] - lse);
                    if (pr != NULL) pr[j] = (float)p;
                    if (dz != NULL) dz[j] += (float)(g * (p - (j == t)));
                }
            }
        }
        part[c] = acc;
    }
    *loss = mlc_chunks_sum(part, nch) * inv_w;
    return MLC_OK;
}

/* log(1 + e^z) - z t and sigmoid(z) - t by core/vmath.h (exponents never positive). */
int MLC_ISA(mlc_nn_loss_bce_with_logits)(double *loss, float *dlogits, const float *logits,
                                         const float *targets, const float *sample_weight, int64_t B, int64_t K,
                                         int n_threads) {
    if (mlc_nn_loss_check_params(B, K) != NULL) return MLC_EINVAL;
    const double inv_w = inv_weight_sum(sample_weight, B);
    if (inv_w == 0.0) return MLC_EINVAL;
    const double inv = inv_w / (double)K;
    const mlc_chunks ch = mlc_chunks_sized(B, MIN_CHUNK_ROWS, MAX_CHUNKS);
    const int64_t nch = ch.count;
    double part[MAX_CHUNKS];
    const int team = (int)MLC_MIN(mlc_team_size(B * K * 32, n_threads), nch);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        double acc = 0.0;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const float *z = logits + i * K, *t = targets + i * K;
            const double w = sample_weight != NULL ? sample_weight[i] : 1.0;
            double row = 0.0;
            for (int64_t k = 0; k < K; k++) {
                const double zk = z[k];
                row += mlc_log1pexp_f64(zk) - zk * t[k];
                if (dlogits != NULL) dlogits[i * K + k] += (float)(w * inv * (mlc_sigmoid_f64(zk) - t[k]));
            }
            acc += w * row;
        }
        part[c] = acc;
    }
    *loss = mlc_chunks_sum(part, nch) * inv;
    return MLC_OK;
}

int MLC_ISA(mlc_nn_loss_mse)(double *loss, float *dpred, const float *pred, const float *targets,
                             const float *sample_weight, int64_t B, int64_t K, int n_threads) {
    if (mlc_nn_loss_check_params(B, K) != NULL) return MLC_EINVAL;
    const double inv_w = inv_weight_sum(sample_weight, B);
    if (inv_w == 0.0) return MLC_EINVAL;
    const double inv = inv_w / (double)K;
    const mlc_chunks ch = mlc_chunks_sized(B, MIN_CHUNK_ROWS, MAX_CHUNKS);
    const int64_t nch = ch.count;
    double part[MAX_CHUNKS];
    const int team = (int)MLC_MIN(mlc_team_size(B * K * 4, n_threads), nch);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        double acc = 0.0;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const float *p = pred + i * K, *t = targets + i * K;
            const double w = sample_weight != NULL ? sample_weight[i] : 1.0;
            double row = 0.0;
            for (int64_t k = 0; k < K; k++) {
                const double r = (double)p[k] - t[k];
                row += r * r;
                if (dpred != NULL) dpred[i * K + k] += (float)(2.0 * w * inv * r);
            }
            acc += w * row;
        }
        part[c] = acc;
    }
    *loss = mlc_chunks_sum(part, nch) * inv;
    return MLC_OK;
}
