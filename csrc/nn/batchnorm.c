/* batchnorm.c: batch normalisation forward and backward (batchnorm.h).
 *
 * Both passes loop over channels in parallel; inside a channel the n = B*S values are B runs of S
 * contiguous floats, visited in order with float64 sums (fixed order: thread-count independent).
 */
#include "core/dispatch.h"
#include "nn/batchnorm.h"

#include <math.h>

#if MLC_ISA_ONCE
const char *mlc_nn_batchnorm_check_params(int64_t B, int64_t C, int64_t S, int training, int has_running,
                                          double momentum, double eps) {
    if (B < 0 || C < 0 || S < 0) return "batchnorm: negative dimension";
    if (!(eps > 0) || !isfinite(eps)) return "batchnorm: eps must be > 0";
    if (!(momentum >= 0 && momentum <= 1)) return "batchnorm: momentum must be in [0, 1]";
    if (training && C > 0 && B * S < 2)
        return "batchnorm: expected more than 1 value per channel when training (B * spatial size < 2)";
    if (!training && !has_running) return "batchnorm: eval mode needs running_mean and running_var";
    return NULL;
}
#endif

/* Sums over one channel's rows in 8 float64 lanes, added pairwise at the end: 8 independent chains
 * instead of one (a float64 add waits ~4 cycles on the previous one), in a fixed order that does not
 * depend on the CPU level or the vector width. */
#define LANES 8

/* Work per value (mlc.h's unit) of the forward (three passes) and of the backward (two): 0.36-0.43 ns
 * at 1 thread on (32, 16, 32, 32) and (32, 32, 16, 16). */
#define BN_WORK 20

/* sum of xc[b CS + s] (shift 0) or of (xc[b CS + s] - shift)^2 (square 1), b < B, s < S. */
static double channel_sum(const float *xc, int64_t B, int64_t S, int64_t CS, double shift, int square) {
    double acc[LANES] = {0};
    for (int64_t b = 0; b < B; b++) {
        const float *r = xc + b * CS;
        int64_t s = 0;
        for (; s + LANES <= S; s += LANES)
            for (int k = 0; k < LANES; k++) {
                const double d = (double)r[s + k] - shift;
                acc[k] += square ? d * d : d;
            }
        for (; s < S; s++) {
            const double d = (double)r[s] - shift;
            acc[s % LANES] += square ? d * d : d;
        }
    }
    for (int w = LANES / 2; w > 0; w /= 2)
        for (int k = 0; k < w; k++) acc[k] += acc[k + w];
    return acc[0];
}

/* masked: dout d where the fused ReLU passed it (its output r[i]'s bits as an int > 0: positive, as
 * ReLU's backward tests it; an integer select keeps the loops vectorised), else 0. Callers pass masked
 * as a literal, so each loop below is compiled twice, without and with the mask. */
static inline __attribute__((always_inline)) float relu_pass(const float *r, int64_t i, float d, int masked) {
    if (!masked) return d;
    union {
        float f;
        int32_t i;
        uint32_t u;
    } v = {.f = r[i]}, w = {.f = d};
    w.u &= -(uint32_t)(v.i > 0);
    return w.f;
}

/* The backward's three sums over one channel, y = x - mean: sum y, sum dout, sum dout y, in LANES
 * float64 lanes each as channel_sum; rc: the channel's relu_out or NULL. */
static inline __attribute__((always_inline)) void backward_sums(double *sum_y, double *sum_dout,
                                                               double *sum_dout_y, const float *xc,
                                                               const float *dc, const float *rc, int masked,
                                                               int64_t B, int64_t S, int64_t CS, double mean) {
    double ay[LANES] = {0}, ad[LANES] = {0}, ady[LANES] = {0};
    for (int64_t b = 0; b < B; b++) {
        const float *xr = xc + b * CS, *dr = dc + b * CS, *rr = masked ? rc + b * CS : NULL;
        int64_t s = 0;
        for (; s + LANES <= S; s += LANES)
            for (int k = 0; k < LANES; k++) {
                const double y = (double)xr[s + k] - mean, d = relu_pass(rr, s + k, dr[s + k], masked);
                ay[k] += y;
                ad[k] += d;
                ady[k] += d * y;
            }
        for (; s < S; s++) {
            const double y = (double)xr[s] - mean, d = relu_pass(rr, s, dr[s], masked);
            ay[s % LANES] += y;
            ad[s % LANES] += d;
            ady[s % LANES] += d * y;
        }
    }
    for (int w = LANES / 2; w > 0; w /= 2)
        for (int k = 0; k < w; k++) {
            ay[k] += ay[k + w];
            ad[k] += ad[k + w];
            ady[k] += ady[k + w];
        }
    *sum_y = ay[0];
    *sum_dout = ad[0];
    *sum_dout_y = ady[0];
}

int MLC_ISA(mlc_nn_batchnorm_forward)(float *out, float *save_mean, float *save_invstd, float *running_mean,
                                      float *running_var, const float *x, const float *gamma, const float *beta,
                                      int64_t B, int64_t C, int64_t S, int training, double momentum,
                                      double eps, int relu, int n_threads) {
    const int has_running = running_mean != NULL && running_var != NULL;
    if (mlc_nn_batchnorm_check_params(B, C, S, training, has_running, momentum, eps) != NULL) return MLC_EINVAL;
    const int64_t n = B * S, CS = C * S;
    const int team = mlc_team_size(n * C * BN_WORK, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < C; c++) {
        double mean, invstd;
        if (training) {
            mean = channel_sum(x + c * S, B, S, CS, 0.0, 0) / (double)n;
            // second pass on centred values: no cancellation when |mean| >> std
            const double ss = channel_sum(x + c * S, B, S, CS, mean, 1);
            const double var = ss / (double)n;
            invstd = 1.0 / sqrt(var + eps);
            if (has_running) {
                running_mean[c] = (float)((1.0 - momentum) * running_mean[c] + momentum * mean);
                running_var[c] = (float)((1.0 - momentum) * running_var[c] + momentum * ss / (double)(n - 1));
            }
        } else {
            mean = running_mean[c];
            invstd = 1.0 / sqrt((double)running_var[c] + eps);
        }
        save_mean[c] = (float)mean;
        save_invstd[c] = (float)invstd;
        // mean as hi + lo floats: x - hi is exact when x is near the mean (Sterbenz), so a mean
        // of 1e4 with unit spread still centres to float precision, and the loop stays float
        const float hi = (float)mean, lo = (float)(mean - hi);
        const float scale = (float)((gamma != NULL ? gamma[c] : 1.0) * invstd);
        const float shift = beta != NULL ? beta[c] : 0.0f;
        for (int64_t b = 0; b < B; b++) {
            const float *xc = x + b * CS + c * S;
            float *oc = out + b * CS + c * S;
            if (relu) {
                for (int64_t s = 0; s < S; s++) {
                    const float v = ((xc[s] - hi) - lo) * scale + shift;
                    oc[s] = v < 0.0f ? 0.0f : v;
                }
            } else {
                for (int64_t s = 0; s < S; s++) oc[s] = ((xc[s] - hi) - lo) * scale + shift;
            }
        }
    }
    return MLC_OK;
}

/* dx (B, C, S) += channel c's input gradient (see the backward's comment); r: relu_out if masked. */
static inline __attribute__((always_inline)) void dx_channel(float *dx, const float *x, const float *dout,
                                                            const float *r, int masked, int64_t c, int64_t B,
                                                            int64_t S, int64_t CS, int training, float k,
                                                            float mean, float lo, float invstd, float mean_dout,
                                                            float mean_dxh) {
    for (int64_t b = 0; b < B; b++) {
        const int64_t o = b * CS + c * S;
        const float *xc = x + o, *dc = dout + o, *rc = masked ? r + o : NULL;
        float *dxc = dx + o;
        if (training) {
            for (int64_t s = 0; s < S; s++) {
                const float xhat = ((xc[s] - mean) - lo) * invstd;
                dxc[s] += k * (relu_pass(rc, s, dc[s], masked) - mean_dout - xhat * mean_dxh);
            }
        } else {
            for (int64_t s = 0; s < S; s++) dxc[s] += k * relu_pass(rc, s, dc[s], masked);
        }
    }
}

int MLC_ISA(mlc_nn_batchnorm_backward)(float *dx, float *dgamma, float *dbeta, const float *dout,
                                       const float *x, const float *save_mean, const float *save_invstd,
                                       const float *gamma, const float *relu_out, int64_t B, int64_t C,
                                       int64_t S, int training, int n_threads) {
    if (B < 0 || C < 0 || S < 0) return MLC_EINVAL;
    if (dx == NULL && dgamma == NULL && dbeta == NULL) return MLC_OK;
    const int64_t n = B * S, CS = C * S;
    const int team = mlc_team_size(n * C * BN_WORK, n_threads);
#pragma omp parallel for num_threads(team) schedule(static)
    for (int64_t c = 0; c < C; c++) {
        const float mean = save_mean[c], invstd = save_invstd[c];
        const float g = gamma != NULL ? gamma[c] : 1.0f;
        // With y = x - save_mean and the sums below: sum(dout xhat) = invstd (sum(dout y) - r sum(dout)),
        // where r = mean(y) is the part of the batch mean that save_mean lost to float rounding
        // (training only; in eval the running mean is exact and r = 0).
        double sum_dout = 0.0, sum_dout_y = 0.0, sum_y = 0.0;
        if (dgamma != NULL || dbeta != NULL || (dx != NULL && training)) {
            if (relu_out != NULL)
                backward_sums(&sum_y, &sum_dout, &sum_dout_y, x + c * S, dout + c * S, relu_out + c * S, 1, B, S,
                              CS, mean);
            else
                backward_sums(&sum_y, &sum_dout, &sum_dout_y, x + c * S, dout + c * S, NULL, 0, B, S, CS, mean);
        }
        const double r = training && n > 0 ? sum_y / (double)n : 0.0;
        const double sum_dout_xhat = invstd * (sum_dout_y - r * sum_dout);
        if (dgamma != NULL) dgamma[c] += (float)sum_dout_xhat;
        if (dbeta != NULL) dbeta[c] += (float)sum_dout;
        if (dx == NULL || n == 0) continue;
        const float k = g * invstd;
        // dx = k (dout - mean(dout) - xhat mean(dout xhat)) in training (the batch statistics depend on
        // x), dx = k dout in eval
        const float mean_dout = training ? (float)(sum_dout / (double)n) : 0.0f;
        const float mean_dxh = training ? (float)(sum_dout_xhat / (double)n) : 0.0f;
        const float lo = (float)r;
        if (relu_out != NULL)
            dx_channel(dx, x, dout, relu_out, 1, c, B, S, CS, training, k, mean, lo, invstd, mean_dout, mean_dxh);
        else
            dx_channel(dx, x, dout, NULL, 0, c, B, S, CS, training, k, mean, lo, invstd, mean_dout, mean_dxh);
    }
    return MLC_OK;
}
