/* optimizer.c: SGD / Adagrad / Adam / AdamW / RMSprop steps and gradient clipping on the flat parameter
 * buffer (optimizer.h). The per-element arithmetic is float32 in torch's order of operations, so a
 * run follows torch.optim step for step up to float rounding. */
#include "core/dispatch.h"
#include "core/reduce.h"
#include "nn/optimizer.h"

#include <math.h>

#if MLC_ISA_ONCE
const char *mlc_nn_optim_check_params(const mlc_nn_optim_params *p, int64_t step) {
    if (p->method != MLC_OPTIM_SGD && p->method != MLC_OPTIM_SGD_VELOCITY && p->method != MLC_OPTIM_ADAGRAD &&
        p->method != MLC_OPTIM_ADAM && p->method != MLC_OPTIM_ADAMW && p->method != MLC_OPTIM_RMSPROP)
        return "unknown optimizer method";
    if (!(p->lr > 0) || !isfinite(p->lr)) return "lr must be > 0";
    if (!(p->momentum >= 0) || !isfinite(p->momentum)) return "momentum must be >= 0";
    if (!(p->dampening >= 0 && p->dampening <= 1)) return "dampening must be in [0, 1]";
    if (p->nesterov && (p->momentum <= 0 || p->dampening != 0))
        return "nesterov momentum requires a momentum > 0 and zero dampening";
    if (!(p->beta1 >= 0 && p->beta1 < 1)) return "beta1 must be in [0, 1)";
    if (!(p->beta2 >= 0 && p->beta2 < 1)) return "beta2 must be in [0, 1)";
    if (!(p->eps > 0) || !isfinite(p->eps)) return "eps must be > 0";
    if (!(p->weight_decay >= 0) || !isfinite(p->weight_decay)) return "weight_decay must be >= 0";
    if (!(p->l1 >= 0) || !isfinite(p->l1)) return "l1 must be >= 0";
    if (p->method == MLC_OPTIM_RMSPROP && !(p->alpha >= 0 && p->alpha <= 1)) return "alpha must be in [0, 1]";
    if (step < 1) return "step must be >= 1 (the 1-based count of steps, this one included)";
    return NULL;
}

int64_t mlc_nn_optim_state_rows(const mlc_nn_optim_params *p) {
    switch (p->method) {
    case MLC_OPTIM_SGD:
    case MLC_OPTIM_SGD_VELOCITY: return p->momentum > 0 ? 1 : 0;
    case MLC_OPTIM_ADAGRAD: return 1;
    case MLC_OPTIM_RMSPROP: return 1 + (p->momentum > 0) + (p->centered != 0);
    default: return 2;
    }
}
#endif

static inline float sign(float v) { return (float)((v > 0) - (v < 0)); }

/* Elements per block of a step: the penalised gradient of a block stays in L1 between its two loops. */
#define STEP_BLOCK 2048

/* gp[j] = g[j] + the gradient of the coupled penalty mask (wd w^2 / 2 + l1 |w|) at w[j]. */
static void penalised_grads(float *restrict gp, const float *restrict g, const float *restrict w,
                            const float *restrict mask, int64_t n, float wd, float l1) {
    if (mask != NULL) {
#pragma omp simd
        for (int64_t j = 0; j < n; j++) gp[j] = g[j] + mask[j] * (wd * w[j] + l1 * sign(w[j]));
    } else {
#pragma omp simd
        for (int64_t j = 0; j < n; j++) gp[j] = g[j] + (wd * w[j] + l1 * sign(w[j]));
    }
}

/* The sgd / sgd_velocity step on one block; every loop-invariant choice is taken outside the loops,
 * which are then plain vector code. */
static void sgd_block(float *restrict p, float *restrict buf, const float *restrict g, int64_t n, float lr,
                      float mu, float damp, int first, int nesterov, int velocity) {
    if (mu == 0) {
#pragma omp simd
        for (int64_t j = 0; j < n; j++) p[j] -= lr * g[j];
    } else if (velocity) { // scikit-learn's form: the rate inside the velocity
        if (nesterov) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                const float v = mu * buf[j] - lr * g[j];
                buf[j] = v;
                p[j] += mu * v - lr * g[j];
            }
        } else {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                const float v = mu * buf[j] - lr * g[j];
                buf[j] = v;
                p[j] += v;
            }
        }
    } else {
        // torch starts the buffer at g itself, without dampening
        if (first) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) buf[j] = g[j];
        } else {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) buf[j] = mu * buf[j] + damp * g[j];
        }
        if (nesterov) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) p[j] -= lr * (g[j] + mu * buf[j]);
        } else {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) p[j] -= lr * buf[j];
        }
    }
}

/* The rmsprop step on one block; s, b (momentum > 0), a (centered) are its state rows, P apart. */
static void rmsprop_block(float *restrict p, float *restrict s, int64_t P, const float *restrict g, int64_t n,
                          float lr, float alpha, float eps, float mu, int centered) {
    float *restrict b = s + P, *restrict a = s + (mu > 0 ? 2 : 1) * P, d[STEP_BLOCK];
#pragma omp simd
    for (int64_t j = 0; j < n; j++) s[j] = s[j] * alpha + (1.0f - alpha) * g[j] * g[j];
    if (centered) {
#pragma omp simd
        for (int64_t j = 0; j < n; j++) {
            a[j] += (1.0f - alpha) * (g[j] - a[j]);
            d[j] = sqrtf(s[j] - a[j] * a[j]) + eps;
        }
    } else {
#pragma omp simd
        for (int64_t j = 0; j < n; j++) d[j] = sqrtf(s[j]) + eps;
    }
    if (mu > 0) {
#pragma omp simd
        for (int64_t j = 0; j < n; j++) {
            b[j] = b[j] * mu + g[j] / d[j];
            p[j] -= lr * b[j];
        }
    } else {
#pragma omp simd
        for (int64_t j = 0; j < n; j++) p[j] -= lr * (g[j] / d[j]);
    }
}

int MLC_ISA(mlc_nn_optim_step)(float *params, float *state, const float *grads, const float *decay_mask, int64_t P,
                      const mlc_nn_optim_params *p, int64_t step, int n_threads) {
    if (mlc_nn_optim_check_params(p, step) != NULL || P < 0) return MLC_EINVAL;
    if (mlc_nn_optim_state_rows(p) > 0 && state == NULL) return MLC_EINVAL;
    const int method = p->method;
    const float lr = (float)p->lr;
    // the coupled penalty: decoupled weight decay (adamw) is applied to p, not added to g
    const float wd = method == MLC_OPTIM_ADAMW ? 0.0f : (float)p->weight_decay, l1 = (float)p->l1;
    const int penalised = wd != 0 || l1 != 0;
    const float mu = (float)p->momentum, damp = 1.0f - (float)p->dampening, eps = (float)p->eps;
    const float b1 = (float)p->beta1, b2 = (float)p->beta2;
    // adam's bias corrections in double, as torch computes them on Python floats
    const float step_size = (float)(p->lr / (1.0 - pow(p->beta1, (double)step)));
    const float bc2_sqrt = (float)sqrt(1.0 - pow(p->beta2, (double)step));
    const float decay = method == MLC_OPTIM_ADAMW ? (float)(p->lr * p->weight_decay) : 0.0f;
    const int64_t nblocks = (P + STEP_BLOCK - 1) / STEP_BLOCK;
    const int team = (int)MLC_MIN(mlc_team_size(8 * P, n_threads), MLC_MAX(nblocks, 1));
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t blk = 0; blk < nblocks; blk++) {
        const int64_t j0 = blk * STEP_BLOCK, n = MLC_MIN(STEP_BLOCK, P - j0);
        float *w = params + j0, gbuf[STEP_BLOCK];
        const float *mask = decay_mask != NULL ? decay_mask + j0 : NULL;
        if (decay != 0) {
            if (mask != NULL) {
#pragma omp simd
                for (int64_t j = 0; j < n; j++) w[j] *= 1.0f - decay * mask[j];
            } else {
#pragma omp simd
                for (int64_t j = 0; j < n; j++) w[j] *= 1.0f - decay;
            }
        }
        const float *g = grads + j0;
        if (penalised) {
            penalised_grads(gbuf, g, w, mask, n, wd, l1);
            g = gbuf;
        }
        switch (method) {
        case MLC_OPTIM_SGD:
        case MLC_OPTIM_SGD_VELOCITY:
            sgd_block(w, state != NULL ? state + j0 : NULL, g, n, lr, mu, damp, step == 1, p->nesterov,
                      method == MLC_OPTIM_SGD_VELOCITY);
            break;
        case MLC_OPTIM_ADAGRAD: {
            float *sum = state + j0;
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                sum[j] += g[j] * g[j];
                w[j] -= lr * (g[j] / (sqrtf(sum[j]) + eps));
            }
            break;
        }
        case MLC_OPTIM_RMSPROP:
            rmsprop_block(w, state + j0, P, g, n, lr, (float)p->alpha, eps, mu, p->centered);
            break;
        default: { /* adam, adamw */
            float *m1 = state + j0, *m2 = state + P + j0;
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                m1[j] += (1.0f - b1) * (g[j] - m1[j]);
                m2[j] = b2 * m2[j] + (1.0f - b2) * g[j] * g[j];
                w[j] -= step_size * (m1[j] / (sqrtf(m2[j]) / bc2_sqrt + eps));
            }
            break;
        }
        }
    }
    return MLC_OK;
}

/* ---- clipping ---------------------------------------------------------------------------------- */

#define CLIP_CHUNKS 64 /* fixed split of P: partial sums merged in order, whatever the thread count */

#if MLC_ISA_ONCE
const char *mlc_nn_clip_grad_norm_check_params(double max_norm, double norm_type) {
    if (!(max_norm > 0)) return "max_norm must be > 0";
    if (!(norm_type > 0)) return "norm_type must be > 0 (2.0 for the Euclidean norm, inf for the max norm)";
    return NULL;
}
#endif

int MLC_ISA(mlc_nn_clip_grad_norm)(double *total_norm, float *grads, int64_t P, double max_norm, double norm_type,
                          int n_threads) {
    if (mlc_nn_clip_grad_norm_check_params(max_norm, norm_type) != NULL || P < 0) return MLC_EINVAL;
    const int is_max = isinf(norm_type), is_two = norm_type == 2.0, is_one = norm_type == 1.0;
    const mlc_chunks ch = mlc_chunks_sized(P, 1, CLIP_CHUNKS);
    double part[CLIP_CHUNKS];
    int team = mlc_team_size((is_max || is_two || is_one ? 2 : 40) * P, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t k = 0; k < ch.count; k++) {
        const int64_t j0 = mlc_chunk_begin(ch, k), j1 = mlc_chunk_end(ch, k);
        double acc = 0.0;
        if (is_max) {
            for (int64_t j = j0; j < j1; j++) {
                const double a = fabs((double)grads[j]);
                acc = a > acc || isnan(a) ? a : acc; // NaN wins, as in torch
            }
        } else if (is_two) {
            for (int64_t j = j0; j < j1; j++) acc += (double)grads[j] * grads[j];
        } else if (is_one) {
            for (int64_t j = j0; j < j1; j++) acc += fabs((double)grads[j]);
        } else {
            for (int64_t j = j0; j < j1; j++) acc += pow(fabs((double)grads[j]), norm_type);
        }
        part[k] = acc;
    }
    double total = is_max ? 0.0 : mlc_chunks_sum(part, ch.count);
    if (is_max)
        for (int64_t k = 0; k < ch.count; k++) total = part[k] > total || isnan(part[k]) ? part[k] : total;
    if (!is_max && !is_one) total = is_two ? sqrt(total) : pow(total, 1.0 / norm_type);
    *total_norm = total;
    const double coef = max_norm / (total + 1e-6);
    if (coef < 1.0 || isnan(coef)) {
        const float c = (float)coef;
        team = mlc_team_size(2 * P, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
        for (int64_t j = 0; j < P; j++) grads[j] *= c;
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_clip_grad_value)(float *grads, int64_t P, double clip_value, int n_threads) {
    if (!(clip_value >= 0) || P < 0) return MLC_EINVAL;
    const float v = (float)clip_value;
    const int team = mlc_team_size(2 * P, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t j = 0; j < P; j++) {
        const float g = grads[j];
        grads[j] = g > v ? v : (g < -v ? -v : g); // comparisons with NaN are false: NaN stays
    }
    return MLC_OK;
}
