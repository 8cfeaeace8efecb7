/* activation.c: relu, leaky_relu, sigmoid, tanh, identity, and softmax / log_softmax over the last
 * axis, each forward next to its backward (llm.c style). Pointwise loops split the flat array
 * statically across threads; the softmax family splits rows. Every output element is computed by
 * one thread in one fixed order, so results do not depend on the thread count.
 */
#include <math.h>
#include <stdint.h>

#include "core/dispatch.h"
#include "core/vmath.h"
#include "nn/activation.h"

#if MLC_ISA_ONCE
const char *mlc_nn_activation_check_params(int kind, double alpha, int have_x, int have_out) {
    if (!mlc_nn_activation_valid(kind))
        return "activation: kind must be 0 (relu), 1 (leaky_relu), 2 (sigmoid), 3 (tanh) or 4 (identity)";
    if (!isfinite(alpha)) return "activation: alpha (negative_slope) must be finite";
    switch (kind) {
    case MLC_ACT_RELU:
        if (!have_x && !have_out) return "activation: relu backward needs x or out";
        break;
    case MLC_ACT_LEAKY_RELU:
        if (!have_x && !have_out) return "activation: leaky_relu backward needs x or out";
        if (!have_x && alpha < 0) return "activation: leaky_relu backward with a negative slope needs x";
        break;
    case MLC_ACT_SIGMOID:
        if (!have_out) return "activation: sigmoid backward needs out";
        break;
    case MLC_ACT_TANH:
        if (!have_out) return "activation: tanh backward needs out";
        break;
    default: break;
    }
    return NULL;
}
#endif

/* Float <-> bits, for selects done with integer masks: with GCC's default -ftrapping-math a float
 * comparison keeps a loop of float arithmetic from vectorising, an integer one does not. */
static inline uint32_t f2u(float f) {
    union {
        float f;
        uint32_t u;
    } v = {.f = f};
    return v.u;
}

static inline float u2f(uint32_t u) {
    union {
        uint32_t u;
        float f;
    } v = {.u = u};
    return v.f;
}

/* mask all ones: a, all zeros: b. */
static inline float select_f(uint32_t mask, float a, float b) { return u2f((f2u(a) & mask) | (f2u(b) & ~mask)); }

/* All ones when x has its sign bit set (x < 0, or -0), else 0. */
static inline uint32_t sign_mask(float x) { return (uint32_t)((int32_t)f2u(x) >> 31); }

/* All ones when x > 0 (for the derivative at 0, +0 counts as not positive), else 0. */
static inline uint32_t positive_mask(float x) { return -(uint32_t)((int32_t)f2u(x) > 0); }

/* Work of one forward element (mlc.h's unit): sigmoid 0.57 ns, tanh 0.87 ns at 1 thread. */
static int64_t act_cost(int kind) {
    return kind == MLC_ACT_SIGMOID ? 30 : kind == MLC_ACT_TANH ? 45 : MLC_WORK_STREAM;
}

int MLC_ISA(mlc_nn_activation_forward)(float *out, const float *x, int64_t n, int kind, float alpha,
                                       int n_threads) {
    if (mlc_nn_activation_check_params(kind, alpha, 1, 1) != NULL || n < 0) return MLC_EINVAL;
    const int team = mlc_team_size(n * act_cost(kind), n_threads);
    switch (kind) {
    case MLC_ACT_RELU:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) out[i] = x[i] < 0.0f ? 0.0f : x[i]; // NaN stays NaN, as in torch
        break;
    case MLC_ACT_LEAKY_RELU:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) out[i] = select_f(sign_mask(x[i]), alpha * x[i], x[i]);
        break;
    case MLC_ACT_SIGMOID:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) out[i] = mlc_sigmoid_f32(x[i]);
        break;
    case MLC_ACT_TANH:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) out[i] = mlc_tanh_f32(x[i]);
        break;
    default:
        if (out != x) {
#pragma omp parallel for simd num_threads(team) schedule(static)
            for (int64_t i = 0; i < n; i++) out[i] = x[i];
        }
        break;
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_activation_backward)(float *dx, const float *dout, const float *x, const float *out, int64_t n,
                               int kind, float alpha, int n_threads) {
    if (mlc_nn_activation_check_params(kind, alpha, x != NULL, out != NULL) != NULL || n < 0) return MLC_EINVAL;
    if (dx == NULL) return MLC_OK;
    const int team = mlc_team_size(n * MLC_WORK_STREAM, n_threads);
    // relu / leaky_relu: the sign test reads x when given, else out (the same mask, see the header)
    const float *s = x != NULL ? x : out;
    switch (kind) {
    case MLC_ACT_RELU:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) dx[i] += select_f(positive_mask(s[i]), dout[i], 0.0f);
        break;
    case MLC_ACT_LEAKY_RELU:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) dx[i] += select_f(positive_mask(s[i]), dout[i], alpha * dout[i]);
        break;
    case MLC_ACT_SIGMOID:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) dx[i] += dout[i] * out[i] * (1.0f - out[i]);
        break;
    case MLC_ACT_TANH:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) dx[i] += dout[i] * (1.0f - out[i] * out[i]);
        break;
    default:
#pragma omp parallel for simd num_threads(team) schedule(static)
        for (int64_t i = 0; i < n; i++) dx[i] += dout[i];
        break;
    }
    return MLC_OK;
}

/* ---- softmax over the last axis ---------------------------------------------------------------- */

static float row_max(const float *x, int64_t C) {
    float m = x[0];
#pragma omp simd reduction(max : m)
    for (int64_t j = 1; j < C; j++) m = x[j] > m ? x[j] : m;
    return m;
}

int MLC_ISA(mlc_nn_softmax_forward)(float *out, const float *x, int64_t B, int64_t C, int n_threads) {
    if (B < 0 || C < 1) return MLC_EINVAL;
#pragma omp parallel for num_threads(mlc_team_size(B * C * 16, n_threads)) schedule(static)
    for (int64_t i = 0; i < B; i++) {
        const float *xi = x + i * C;
        float *yi = out + i * C;
        // subtracting the row max makes every exponent <= 0: no overflow, and the max term is 1
        const float m = row_max(xi, C);
        double sum = 0.0;
#pragma omp simd reduction(+ : sum)
        for (int64_t j = 0; j < C; j++) {
            const float e = mlc_exp_f32(xi[j] - m);
            yi[j] = e;
            sum += e;
        }
        const float inv = (float)(1.0 / sum);
        for (int64_t j = 0; j < C; j++) yi[j] *= inv;
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_log_softmax_forward)(float *out, const float *x, int64_t B, int64_t C, int n_threads) {
    if (B < 0 || C < 1) return MLC_EINVAL;
#pragma omp parallel for num_threads(mlc_team_size(B * C * 16, n_threads)) schedule(static)
    for (int64_t i = 0; i < B; i++) {
        const float *xi = x + i * C;
        float *yi = out + i * C;
        const double lse = mlc_vlogsumexp_f32(xi, C);
        for (int64_t j = 0; j < C; j++) yi[j] = (float)((double)xi[j] - lse);
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_softmax_backward)(float *dx, const float *dout, const float *out, int64_t B, int64_t C,
                                     int n_threads) {
    if (B < 0 || C < 1) return MLC_EINVAL;
    if (dx == NULL) return MLC_OK;
#pragma omp parallel for num_threads(mlc_team_size(B * C * 4, n_threads)) schedule(static)
    for (int64_t i = 0; i < B; i++) {
        const float *g = dout + i * C, *y = out + i * C;
        float *d = dx + i * C;
        // Jacobian diag(y) - y y^T applied to g: y_j (g_j - <g, y>)
        double dot = 0.0;
#pragma omp simd reduction(+ : dot)
        for (int64_t j = 0; j < C; j++) dot += (double)g[j] * y[j];
        const float fdot = (float)dot;
        for (int64_t j = 0; j < C; j++) d[j] += y[j] * (g[j] - fdot);
    }
    return MLC_OK;
}

int MLC_ISA(mlc_nn_log_softmax_backward)(float *dx, const float *dout, const float *out, int64_t B, int64_t C,
                                int n_threads) {
    if (B < 0 || C < 1) return MLC_EINVAL;
    if (dx == NULL) return MLC_OK;
#pragma omp parallel for num_threads(mlc_team_size(B * C * 16, n_threads)) schedule(static)
    for (int64_t i = 0; i < B; i++) {
        const float *g = dout + i * C, *y = out + i * C;
        float *d = dx + i * C;
        double sum = 0.0;
#pragma omp simd reduction(+ : sum)
        for (int64_t j = 0; j < C; j++) sum += g[j];
        const float fsum = (float)sum;
#pragma omp simd
        for (int64_t j = 0; j < C; j++) d[j] += g[j] - mlc_exp_f32(y[j]) * fsum;
    }
    return MLC_OK;
}
