/* loss.c: cross entropy on softmax and NLL on log-probabilities (class targets), and the elementwise
 * losses (binary cross entropy on logits, squared, absolute, Huber, smooth L1). Each loss and its
 * gradient come from one pass over the rows (the gradient of a mean needs its denominator first,
 * which is a pass over the B weights and targets only).
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

const char *mlc_nn_loss_check_options(int kind, int reduction, double label_smoothing, double delta) {
    if (!mlc_nn_loss_valid(kind)) return "loss: unknown kind";
    if (!mlc_nn_reduction_valid(reduction)) return "loss: reduction must be 'none', 'mean' or 'sum'";
    if (!(label_smoothing >= 0 && label_smoothing <= 1)) return "loss: label_smoothing must be in [0, 1]";
    if (label_smoothing != 0 && kind != MLC_NN_LOSS_CROSS_ENTROPY)
        return "loss: label_smoothing applies to cross_entropy only";
    if (kind == MLC_NN_LOSS_HUBER && !(delta > 0 && isfinite(delta))) return "loss: huber's delta must be > 0";
    if (kind == MLC_NN_LOSS_SMOOTH_L1 && !(delta >= 0 && isfinite(delta)))
        return "loss: smooth_l1's beta must be >= 0";
    return NULL;
}

int64_t mlc_nn_loss_first_bad_target(const int64_t *targets, int64_t B, int64_t C, int64_t ignore_index) {
    for (int64_t i = 0; i < B; i++)
        if ((targets[i] < 0 || targets[i] >= C) && targets[i] != ignore_index) return i;
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

/* The factor of sum_i w_i l_i: 1 / sum_i w_i c_t over the rows not ignored (mean), else 1; 0 when
 * the mean has no positive weight. */
static double class_scale(const int64_t *targets, const float *cw, const float *sw, int64_t B, int64_t ignore,
                          int reduction) {
    if (reduction != MLC_NN_REDUCTION_MEAN) return 1.0;
    double s = 0.0;
    for (int64_t i = 0; i < B; i++)
        if (targets[i] != ignore) s += (sw != NULL ? sw[i] : 1.0) * (cw != NULL ? cw[targets[i]] : 1.0);
    return s > 0.0 ? 1.0 / s : 0.0;
}

/* log sum_j exp(z_j) of one row, shifted by its max (no overflow, even for logits of +-1e4), in float64 */
static inline double row_logsumexp(const float *z, int64_t C) {
    float m = z[0];
    for (int64_t j = 1; j < C; j++) m = z[j] > m ? z[j] : m;
    double s = 0.0;
    for (int64_t j = 0; j < C; j++) s += mlc_exp_f64((double)z[j] - m);
    return m + log(s);
}

/* Classes up to which a row's exponentials are kept (on the stack) between its sum and its gradient. */
#define ROW_KEEP 256

/* e_j = exp(z_j - max) of one row (C <= ROW_KEEP) in e, their sum returned, logsumexp in *lse: one
 * exponential per class serves the loss and the gradient (p_j = e_j / sum) */
static inline double row_exps(double *restrict e, const float *z, int64_t C, double *lse) {
    float m = z[0];
    for (int64_t j = 1; j < C; j++) m = z[j] > m ? z[j] : m;
#pragma omp simd
    for (int64_t j = 0; j < C; j++) e[j] = mlc_exp_f64((double)z[j] - m);
    double s = 0.0;
    for (int64_t j = 0; j < C; j++) s += e[j];
    *lse = m + log(s);
    return s;
}

/* l_i = (1 - e) c_t (lse - z_t) + (e / C) sum_j c_j (lse - z_j), lse = logsumexp(z_i) (0 for nll),
 * and dl/dz_j = (1 - e) c_t (p_j - [j = t]) + (e / C) (p_j sum_c c_c - c_j) with p = softmax(z); for
 * nll (e = 0) dl/dz_j = -c_t [j = t]. */
int MLC_ISA(mlc_nn_loss_cross_entropy)(double *loss, float *row_loss, float *dlogits, float *probs,
                                       const float *logits, const int64_t *targets, const float *class_weight,
                                       const float *sample_weight, int64_t B, int64_t C, int kind,
                                       int64_t ignore_index, double label_smoothing, int reduction,
                                       int n_threads) {
    if (mlc_nn_loss_check_params(B, C) != NULL ||
        mlc_nn_loss_check_options(kind, reduction, label_smoothing, 1.0) != NULL ||
        (kind != MLC_NN_LOSS_CROSS_ENTROPY && kind != MLC_NN_LOSS_NLL) || (kind == MLC_NN_LOSS_NLL && probs != NULL))
        return MLC_EINVAL;
    if (mlc_nn_loss_first_bad_target(targets, B, C, ignore_index) >= 0) return MLC_EINVAL;
    const double scale = class_scale(targets, class_weight, sample_weight, B, ignore_index, reduction);
    if (scale == 0.0) return MLC_EINVAL;
    const int softmax = kind == MLC_NN_LOSS_CROSS_ENTROPY;
    const double e = label_smoothing, keep = 1.0 - e, spread = e / (double)C;
    double csum = (double)C; // sum_j c_j, the smoothing term's weight
    if (class_weight != NULL && e != 0.0) {
        csum = 0.0;
        for (int64_t j = 0; j < C; j++) csum += class_weight[j];
    }
    const mlc_chunks ch = mlc_chunks_sized(B, MIN_CHUNK_ROWS, MAX_CHUNKS);
    const int64_t nch = ch.count;
    double part[MAX_CHUNKS];
    const int team = (int)MLC_MIN(mlc_team_size(B * C * 32, n_threads), nch);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        double acc = 0.0, ez[ROW_KEEP];
        const int keep_exps = softmax && C <= ROW_KEEP;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const float *z = logits + i * C;
            const int64_t t = targets[i];
            double lse = 0.0, inv_sum = 0.0;
            if (keep_exps)
                inv_sum = 1.0 / row_exps(ez, z, C, &lse);
            else if (softmax)
                lse = row_logsumexp(z, C);
            float *pr = probs != NULL ? probs + i * C : NULL;
            if (t == ignore_index) { // no loss, no gradient; probabilities still written
                if (row_loss != NULL) row_loss[i] = 0.0f;
                if (pr != NULL)
                    for (int64_t j = 0; j < C; j++) pr[j] = (float)mlc_exp_f64((double)z[j] - lse);
                continue;
            }
            const double w = sample_weight != NULL ? sample_weight[i] : 1.0;
            const double ct = class_weight != NULL ? class_weight[t] : 1.0;
            double l = keep * ct * (lse - z[t]);
            if (e != 0.0) {
                double sm = 0.0;
                for (int64_t j = 0; j < C; j++) sm += (class_weight != NULL ? class_weight[j] : 1.0) * (lse - z[j]);
                l += spread * sm;
            }
            acc += w * l;
            if (row_loss != NULL) row_loss[i] = (float)(w * l);
            float *dz = dlogits != NULL ? dlogits + i * C : NULL;
            if (!softmax) {
                if (dz != NULL) dz[t] -= (float)(w * scale * ct);
                continue;
            }
            if (pr != NULL || dz != NULL) {
                const double g = w * scale;
                for (int64_t j = 0; j < C; j++) {
                    const double p = keep_exps ? ez[j] * inv_sum : mlc_exp_f64((double)z[j] - lse);
                    if (pr != NULL) pr[j] = (float)p;
                    if (dz == NULL) continue;
                    double d = keep * ct * (p - (j == t));
                    if (e != 0.0) d += spread * (p * csum - (class_weight != NULL ? class_weight[j] : 1.0));
                    dz[j] += (float)(g * d);
                }
            }
        }
        part[c] = acc;
    }
    *loss = mlc_chunks_sum(part, nch) * scale;
    return MLC_OK;
}

int MLC_ISA(mlc_nn_loss_softmax_cross_entropy)(double *loss, float *dlogits, float *probs, const float *logits,
                                               const int64_t *targets, const float *sample_weight, int64_t B,
                                               int64_t C, int n_threads) {
    return MLC_ISA(mlc_nn_loss_cross_entropy)(loss, NULL, dlogits, probs, logits, targets, NULL, sample_weight, B,
                                              C, MLC_NN_LOSS_CROSS_ENTROPY, MLC_NN_NO_IGNORE, 0.0,
                                              MLC_NN_REDUCTION_MEAN, n_threads);
}

int MLC_ISA(mlc_nn_loss_cross_entropy_probs)(double *loss, float *row_loss, float *dlogits, const float *logits,
                                             const float *target_probs, const float *class_weight,
                                             const float *sample_weight, int64_t B, int64_t C, double label_smoothing,
                                             int reduction, int n_threads) {
    if (mlc_nn_loss_check_params(B, C) != NULL ||
        mlc_nn_loss_check_options(MLC_NN_LOSS_CROSS_ENTROPY, reduction, label_smoothing, 1.0) != NULL)
        return MLC_EINVAL;
    const double scale = reduction == MLC_NN_REDUCTION_MEAN ? inv_weight_sum(sample_weight, B) : 1.0;
    if (scale == 0.0) return MLC_EINVAL;
    const double keep = 1.0 - label_smoothing, spread = label_smoothing / (double)C;
    const mlc_chunks ch = mlc_chunks_sized(B, MIN_CHUNK_ROWS, MAX_CHUNKS);
    const int64_t nch = ch.count;
    double part[MAX_CHUNKS];
    const int team = (int)MLC_MIN(mlc_team_size(B * C * 32, n_threads), nch);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        double acc = 0.0;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const float *z = logits + i * C, *q = target_probs + i * C;
            const double lse = row_logsumexp(z, C);
            double l = 0.0, cq_sum = 0.0; // l_i and S_i
            for (int64_t j = 0; j < C; j++) {
                const double cq = (class_weight != NULL ? class_weight[j] : 1.0) * (keep * q[j] + spread);
                l += cq * (lse - z[j]);
                cq_sum += cq;
            }
            const double w = sample_weight != NULL ? sample_weight[i] : 1.0;
            acc += w * l;
            if (row_loss != NULL) row_loss[i] = (float)(w * l);
            if (dlogits == NULL) continue;
            float *dz = dlogits + i * C;
            const double g = w * scale;
            for (int64_t j = 0; j < C; j++) {
                const double cq = (class_weight != NULL ? class_weight[j] : 1.0) * (keep * q[j] + spread);
                dz[j] += (float)(g * (mlc_exp_f64((double)z[j] - lse) * cq_sum - cq));
            }
        }
        part[c] = acc;
    }
    *loss = mlc_chunks_sum(part, nch) * scale;
    return MLC_OK;
}

/* The loss of one element and its derivative d/dp (*g); r = p - t, z = p for bce. */
static inline double elem_loss(double *g, int kind, double p, double t, double q, double delta) {
    const double r = p - t, a = fabs(r);
    switch (kind) {
    case MLC_NN_LOSS_BCE_WITH_LOGITS: {
        // -(q t log s(z) + (1 - t) log(1 - s(z))) = (1 - t) z + (1 + (q - 1) t) log(1 + e^-z) (no overflow)
        const double s = mlc_sigmoid_f64(p);
        *g = (1.0 - t) * s - q * t * (1.0 - s);
        return (1.0 - t) * p + (1.0 + (q - 1.0) * t) * mlc_log1pexp_f64(-p);
    }
    case MLC_NN_LOSS_MSE: *g = 2.0 * r; return r * r;
    case MLC_NN_LOSS_HUBER:
        if (a < delta) { *g = r; return 0.5 * r * r; }
        *g = r > 0 ? delta : -delta;
        return delta * (a - 0.5 * delta);
    case MLC_NN_LOSS_SMOOTH_L1:
        if (a < delta) { *g = r / delta; return 0.5 * r * r / delta; }
        *g = (double)((r > 0) - (r < 0));
        return a - 0.5 * delta;
    default: *g = (double)((r > 0) - (r < 0)); return a; // l1: sign(0) = 0, as torch
    }
}

int MLC_ISA(mlc_nn_loss_pointwise)(double *loss, float *elem, float *dpred, const float *pred, const float *targets,
                                   const float *weight, const float *pos_weight, const float *sample_weight,
                                   int64_t B, int64_t K, int kind, double delta, int reduction, int n_threads) {
    if (mlc_nn_loss_check_params(B, K) != NULL || mlc_nn_loss_check_options(kind, reduction, 0.0, delta) != NULL ||
        kind == MLC_NN_LOSS_CROSS_ENTROPY || kind == MLC_NN_LOSS_NLL ||
        (pos_weight != NULL && kind != MLC_NN_LOSS_BCE_WITH_LOGITS))
        return MLC_EINVAL;
    double scale = 1.0;
    if (reduction == MLC_NN_REDUCTION_MEAN) {
        scale = inv_weight_sum(sample_weight, B) / (double)K;
        if (scale == 0.0) return MLC_EINVAL;
    }
    const mlc_chunks ch = mlc_chunks_sized(B, MIN_CHUNK_ROWS, MAX_CHUNKS);
    const int64_t nch = ch.count;
    double part[MAX_CHUNKS];
    const int team = (int)MLC_MIN(mlc_team_size(B * K * (kind == MLC_NN_LOSS_BCE_WITH_LOGITS ? 32 : 4), n_threads),
                                  nch);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < nch; c++) {
        double acc = 0.0;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const double w = sample_weight != NULL ? sample_weight[i] : 1.0;
            double row = 0.0;
            for (int64_t k = 0; k < K; k++) {
                const int64_t ik = i * K + k;
                const double we = weight != NULL ? w * weight[ik] : w;
                double g;
                const double l = we * elem_loss(&g, kind, pred[ik], targets[ik],
                                                pos_weight != NULL ? pos_weight[k] : 1.0, delta);
                row += l;
                if (elem != NULL) elem[ik] = (float)l;
                if (dpred != NULL) dpred[ik] += (float)(we * scale * g);
            }
            acc += row;
        }
        part[c] = acc;
    }
    *loss = mlc_chunks_sum(part, nch) * scale;
    return MLC_OK;
}

int MLC_ISA(mlc_nn_loss_bce_with_logits)(double *loss, float *dlogits, const float *logits,
                                         const float *targets, const float *sample_weight, int64_t B, int64_t K,
                                         int n_threads) {
    return MLC_ISA(mlc_nn_loss_pointwise)(loss, NULL, dlogits, logits, targets, NULL, NULL, sample_weight, B, K,
                                          MLC_NN_LOSS_BCE_WITH_LOGITS, 0.0, MLC_NN_REDUCTION_MEAN, n_threads);
}

int MLC_ISA(mlc_nn_loss_mse)(double *loss, float *dpred, const float *pred, const float *targets,
                             const float *sample_weight, int64_t B, int64_t K, int n_threads) {
    return MLC_ISA(mlc_nn_loss_pointwise)(loss, NULL, dpred, pred, targets, NULL, NULL, sample_weight, B, K,
                                          MLC_NN_LOSS_MSE, 0.0, MLC_NN_REDUCTION_MEAN, n_threads);
}
