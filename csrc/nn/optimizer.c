/* optimizer.c: SGD / Adagrad / Adam / AdamW steps and gradient clipping on the flat parameter
 * buffer (optimizer.h). The per-element arithmetic is float32 in torch's order of operations, so a
 * run follows torch.optim step for step up to float rounding. */
#include "core/dispatch.h"
#include "core/reduce.h"
#include "nn/optimizer.h"

#include <math.h>

#if MLC_ISA_ONCE
const char *mlc_nn_optim_check_params(const mlc_nn_optim_params *p, int64_t step) {
    if (p->method != MLC_OPTIM_SGD && p->method != MLC_OPTIM_SGD_VELOCITY && p->method != MLC_OPTIM_ADAGRAD &&
        p->method != MLC_OPTIM_ADAM && p->method != MLC_OPTIM_ADAMW)
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
    if (step < 1) return "step must be >= 1 (the 1-based count of steps, this one included)";
    return NULL;
}

int64_t mlc_nn_optim_state_rows(const mlc_nn_optim_params *p) {
    switch (p->method) {
    case MLC_OPTIM_SGD:
    case MLC_OPTIM_SGD_VELOCITY: return p->momentum > 0 ? 1 : 0;
    case MLC_OPTIM_ADAGRAD: return 1;
    default: return 2;
    }
}
#endif

static inline float sign(float v) { return (float)((v > 0) - (v < 0)); }

/* The gradient of the coupled penalty mask (wd w^2 / 2 + l1 |w|) at w. */
static inline float penalty_grad(float w, float mask, float wd, float l1) {
    return mask * (wd * w + l1 * sign(w));
}

int MLC_ISA(mlc_nn_optim_step)(float *params, float *state, const float *grads, const float *decay_mask, int64_t P,
                      const mlc_nn_optim_params *p, int64_t step, int n_threads) {
    if (mlc_nn_optim_check_params(p, step) != NULL || P < 0) return MLC_EINVAL;
    if (mlc_nn_optim_state_rows(p) > 0 && state == NULL) return MLC_EINVAL;
    const float lr = (float)p->lr;
    // the coupled penalty: decoupled weight decay (adamw) is applied to p, not added to g
    const float wd = p->method == MLC_OPTIM_ADAMW ? 0.0f : (float)p->weight_decay, l1 = (float)p->l1;
    const int penalised = wd != 0 || l1 != 0;
    const int team = mlc_team_size(8 * P, n_threads);
    switch (p->method) {
    case MLC_OPTIM_SGD:
    case MLC_OPTIM_SGD_VELOCITY: {
        const float mu = (float)p->momentum, damp = 1.0f - (float)p->dampening;
        const int first = step == 1, nesterov = p->nesterov, velocity = p->method == MLC_OPTIM_SGD_VELOCITY;
        float *buf = state;
#pragma omp parallel for num_threads(team) schedule(static)
        for (int64_t j = 0; j < P; j++) {
            float g = grads[j];
            if (penalised) g += penalty_grad(params[j], decay_mask != NULL ? decay_mask[j] : 1.0f, wd, l1);
            if (velocity && mu != 0) { // scikit-learn's form: the rate inside the velocity
                const float v = mu * buf[j] - lr * g;
                buf[j] = v;
                params[j] += nesterov ? mu * v - lr * g : v;
                continue;
            }
            if (mu != 0) {
                // torch starts the buffer at g itself, without dampening
                const float b = first ? g : mu * buf[j] + damp * g;
                buf[j] = b;
                g = nesterov ? g + mu * b : b;
            }
            params[j] -= lr * g;
        }
        break;
    }
    case MLC_OPTIM_ADAGRAD: {
        const float eps = (float)p->eps;
        float *sum = state;
#pragma omp parallel for num_threads(team) schedule(static)
        for (int64_t j = 0; j < P; j++) {
            float g = grads[j];
            if (penalised) g += penalty_grad(params[j], decay_mask != NULL ? decay_mask[j] : 1.0f, wd, l1);
            sum[j] += g * g;
            params[j] -= lr * (g / (sqrtf(sum[j]) + eps));
        }
        break;
    }
    default: { /* adam, adamw */
        const float b1 = (float)p->beta1, b2 = (float)p->beta2, eps = (float)p->eps;
        // bias corrections in double, as torch computes them on Python floats
        const float step_size = (float)(p->lr / (1.0 - pow(p->beta1, (double)step)));
        const float bc2_sqrt = (float)sqrt(1.0 - pow(p->beta2, (double)step));
        const float decay = p->method == MLC_OPTIM_ADAMW ? (float)(p->lr * p->weight_decay) : 0.0f;
        float *m1 = state, *m2 = state + P;
#pragma omp parallel for num_threads(team) schedule(static)
        for (int64_t j = 0; j < P; j++) {
            const float mask = decay_mask != NULL ? decay_mask[j] : 1.0f;
            if (decay != 0) params[j] *= 1.0f - decay * mask;
            float g = grads[j];
            if (penalised) g += penalty_grad(params[j], mask, wd, l1);
            m1[j] += (1.0f - b1) * (g - m1[j]);
            m2[j] = b2 * m2[j] + (1.0f - b2) * g * g;
            params[j] -= step_size * (m1[j] / (sqrtf(m2[j]) / bc2_sqrt + eps));
        }
        break;
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
