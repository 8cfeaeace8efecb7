/* sgd.c: stochastic gradient descent for linear classifiers and regressors (see sgd.h). */
#include "linear/sgd.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/reduce.h"
#include "core/vmath.h"
#include "linear/optim.h"

#define MAX_DLOSS 1e12   /* scikit-learn clips |dloss| here */
#define WSCALE_MIN 1e-9  /* below this, w = wscale * v is folded back into v */
#ifndef PREFETCH
#define PREFETCH 4       /* rows ahead to prefetch in shuffled order */
#endif

/* ---- losses: L(y, p) and dL/dp, scikit-learn's formulas (sklearn/linear_model/_sgd_fast.pyx.tp,
 * sklearn/_loss/_loss.pyx.tp). The switch is on a loop-invariant value: a perfectly predicted branch. */
static inline double loss_value(int loss, double y, double p, double eps) {
    double z;
    switch (loss) {
    case MLC_SGD_HINGE: z = p * y; return z <= 1.0 ? 1.0 - z : 0.0;
    case MLC_SGD_PERCEPTRON: z = p * y; return z <= 0.0 ? 0.0 - z : 0.0;
    case MLC_SGD_SQUARED_HINGE: z = 1.0 - p * y; return z > 0 ? z * z : 0.0;
    case MLC_SGD_LOG: return mlc_log1pexp_f64(p) - y * p;
    case MLC_SGD_MODIFIED_HUBER:
        z = p * y;
        if (z >= 1.0) return 0.0;
        if (z >= -1.0) return (1.0 - z) * (1.0 - z);
        return -4.0 * z;
    case MLC_SGD_SQUARED_ERROR: return 0.5 * (p - y) * (p - y);
    case MLC_SGD_HUBER:
        z = fabs(y - p);
        return z <= eps ? 0.5 * z * z : eps * (z - 0.5 * eps);
    case MLC_SGD_EPSILON_INSENSITIVE: z = fabs(y - p) - eps; return z > 0 ? z : 0.0;
    default: z = fabs(y - p) - eps; return z > 0 ? z * z : 0.0;
    }
}

static inline double loss_grad(int loss, double y, double p, double eps) {
    double z;
    switch (loss) {
    case MLC_SGD_HINGE: return p * y <= 1.0 ? -y : 0.0;
    case MLC_SGD_PERCEPTRON: return p * y <= 0.0 ? -y : 0.0;
    case MLC_SGD_SQUARED_HINGE: z = 1.0 - p * y; return z > 0 ? -2 * y * z : 0.0;
    case MLC_SGD_LOG:
        if (p > -37) {
            z = exp(-p);
            return ((1 - y) - y * z) / (1 + z);
        }
        return exp(p) - y;
    case MLC_SGD_MODIFIED_HUBER:
        z = p * y;
        if (z >= 1.0) return 0.0;
        if (z >= -1.0) return 2.0 * (1.0 - z) * -y;
        return -4.0 * y;
    case MLC_SGD_SQUARED_ERROR: return p - y;
    case MLC_SGD_HUBER:
        z = p - y;
        return fabs(z) <= eps ? z : (z >= 0 ? eps : -eps);
    case MLC_SGD_EPSILON_INSENSITIVE:
        if (y - p > eps) return -1;
        if (p - y > eps) return 1;
        return 0;
    default:
        z = y - p;
        if (z > eps) return -2 * (z - eps);
        if (z < -eps) return 2 * (-z - eps);
        return 0;
    }
}

/* Sequential on purpose: scikit-learn sums in this order, and with discontinuous losses (hinge, huber)
 * a last-bit difference can flip a step, so any other order breaks the step-for-step parity. */
static inline double dot(const double *a, const double *b, int64_t d) {
    double s = 0.0;
    for (int64_t j = 0; j < d; j++) s += a[j] * b[j];
    return s;
}

const char *mlc_sgd_check_params(int64_t n_samples, int64_t n_features, int64_t n_problems, int regression,
                                 const mlc_sgd_params *p) {
    if (n_samples < 1) return "X must have at least one sample";
    if (n_features < 1) return "X must have at least one feature";
    if (n_problems < 1) return "n_problems must be >= 1";
    if (regression && n_problems != 1) return "regression trains one problem";
    if (!mlc_sgd_loss_valid(p->loss)) return "unknown loss";
    if (!mlc_penalty_valid(p->penalty)) return "unknown penalty";
    if (p->learning_rate != MLC_LR_CONSTANT && p->learning_rate != MLC_LR_OPTIMAL &&
        p->learning_rate != MLC_LR_INVSCALING && p->learning_rate != MLC_LR_ADAPTIVE)
        return "unknown learning_rate";
    if (!(p->alpha >= 0) || !isfinite(p->alpha)) return "alpha must be >= 0 and finite";
    if (p->learning_rate == MLC_LR_OPTIMAL && !(p->alpha > 0))
        return "alpha must be > 0 with learning_rate='optimal'";
    if (!(p->l1_ratio >= 0 && p->l1_ratio <= 1)) return "l1_ratio must be in [0, 1]";
    if (!(p->epsilon >= 0) || !isfinite(p->epsilon)) return "epsilon must be >= 0";
    if (p->max_iter < 1) return "max_iter must be >= 1";
    if (isnan(p->tol)) return "tol must not be NaN";
    if (p->n_iter_no_change < 1) return "n_iter_no_change must be >= 1";
    if (!(p->eta0 > 0) || !isfinite(p->eta0)) return "eta0 must be > 0";
    if (!isfinite(p->power_t)) return "power_t must be finite";
    if (!(p->intercept_decay > 0)) return "intercept_decay must be > 0";
    if (p->average < 0) return "average must be >= 0";
    if (p->optimizer != MLC_OPTIM_PLAIN_SGD) {
        if (p->batch_size < 1) return "batch_size must be >= 1";
        if (p->average > 0) return "average is only supported by the plain SGD optimizer";
        const char *msg = mlc_optim_check_params(p->optimizer, n_features + 1, p->momentum, p->beta1, p->beta2, p->eps);
        if (msg != NULL) return msg;
    }
    return NULL;
}

/* ---- one problem ---------------------------------------------------------------------------- */
typedef struct {
    const mlc_sgd_params *p;
    const double *X;      /* (N, D), or the CSR data (NNZ) when ptr != NULL */
    const int32_t *ind;   /* CSR indices (NNZ) and row starts (N + 1), or NULL (dense) */
    const int64_t *ptr;
    const double *yc;     /* (N, 2): target, class_weight * sample_weight */
    const double *sw;     /* (N) raw sample weights or NULL: validation scores use these */
    const int64_t *train; /* (n_train) indices trained on, shuffled in place each epoch */
    const int64_t *val;   /* (n_val) validation indices */
    int64_t n_train, n_val, d;
    int regression;
    double t;             /* step counter (scikit-learn's t) */
    mlc_rng rng;
    double *q;            /* (D) scratch: cumulative L1 penalty actually applied */
    double *wb, *g;       /* (P) scratch each (optimizer engine) */
    mlc_par *par;         /* shared by the problems of the parallel region */
} sgd_problem;

typedef struct {
    int64_t no_improve;
    double best_objective, best_score;
} sgd_stopper;

/* Row i of X: its stored values x, their columns ind (NULL: all D, in order) and count. The engines
 * take `sparse` as a compile-time constant (always inlined): the dense loops stay as they were. */
typedef struct {
    const double *x;
    const int32_t *ind;
    int64_t nnz;
} sgd_row;

static inline sgd_row row_at(const sgd_problem *pb, int64_t i, int sparse) {
    if (!sparse) return (sgd_row){pb->X + i * pb->d, NULL, pb->d};
    return (sgd_row){pb->X + pb->ptr[i], pb->ind + pb->ptr[i], pb->ptr[i + 1] - pb->ptr[i]};
}

static inline double row_dot(const double *w, sgd_row r, int sparse) {
    if (!sparse) return dot(w, r.x, r.nnz);
    double s = 0.0;
    for (int64_t q = 0; q < r.nnz; q++) s += w[r.ind[q]] * r.x[q];
    return s;
}

static void prefetch_row(const sgd_problem *pb, int64_t i, int sparse) {
    if (sparse) {
        __builtin_prefetch(pb->X + pb->ptr[i]);
        __builtin_prefetch(pb->ind + pb->ptr[i]);
        return;
    }
    for (int64_t j = 0; j < pb->d; j += 8) __builtin_prefetch(pb->X + i * pb->d + j);
}

/* scikit-learn's end-of-epoch test: an epoch "does not improve" when the training objective is
 * above best - tol (or, with early_stopping, the validation score below best + tol); after
 * n_iter_no_change such epochs in a row stop, or with the adaptive rate divide eta by 5. */
static int should_stop(sgd_stopper *s, const mlc_sgd_params *p, double objective, double score, double *eta) {
    if (p->early_stopping) {
        if (p->tol > -INFINITY && score < s->best_score + p->tol) s->no_improve++;
        else s->no_improve = 0;
        if (score > s->best_score) s->best_score = score;
    } else {
        if (p->tol > -INFINITY && objective > s->best_objective - p->tol) s->no_improve++;
        else s->no_improve = 0;
        if (objective < s->best_objective) s->best_objective = objective;
    }
    if (s->no_improve >= p->n_iter_no_change) {
        if (p->learning_rate == MLC_LR_ADAPTIVE && *eta > 1e-6) {
            *eta /= 5;
            s->no_improve = 0;
        } else {
            return 1;
        }
    }
    return 0;
}

/* Weighted accuracy of sign(p) (classification) or weighted R^2 (regression) on the validation
 * samples, for p = scale * w.x + b. */
static double validation_score(const sgd_problem *pb, const double *w, double scale, double b) {
    double num = 0.0, den = 0.0, sy = 0.0, sw_sum = 0.0;
    for (int64_t k = 0; k < pb->n_val; k++) {
        const int64_t i = pb->val[k];
        const double s = pb->sw ? pb->sw[i] : 1.0, y = pb->yc[2 * i];
        const double pr = scale * row_dot(w, row_at(pb, i, pb->ptr != NULL), pb->ptr != NULL) + b;
        sw_sum += s;
        if (pb->regression) {
            num += s * (y - pr) * (y - pr);
            sy += s * y;
        } else {
            num += ((pr > 0) == (y > 0)) ? s : 0.0;
        }
    }
    if (!pb->regression) return sw_sum > 0 ? num / sw_sum : 0.0;
    const double ybar = sw_sum > 0 ? sy / sw_sum : 0.0;
    for (int64_t k = 0; k < pb->n_val; k++) {
        const int64_t i = pb->val[k];
        const double s = pb->sw ? pb->sw[i] : 1.0, y = pb->yc[2 * i];
        den += s * (y - ybar) * (y - ybar);
    }
    if (den == 0.0) return num == 0.0 ? 1.0 : 0.0;
    return 1.0 - num / den;
}

static void shuffle(int64_t *idx, int64_t n, mlc_rng *rng) {
    for (int64_t i = n - 1; i > 0; i--) {
        const int64_t j = (int64_t)mlc_rng_below(rng, (uint64_t)i + 1);
        const int64_t tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
    }
}

/* 1 to stop (Ctrl-C, or another problem failed): called by every thread after each epoch. */
static int interrupted(const sgd_problem *pb, int64_t done, int64_t total) {
    mlc_par_tick(pb->par, done, total);
    return mlc_par_halted(pb->par);
}

/* w <- wscale * w (and the ASGD running average folded into aw): scikit-learn's reset_wscale. */
static void reset_wscale(double *w, double *aw, int64_t d, double *wscale, double *avg_a, double *avg_b) {
    if (aw != NULL) {
        const double a = *avg_a, inv = 1.0 / *avg_b;
        for (int64_t j = 0; j < d; j++) aw[j] = (aw[j] + a * w[j]) * inv;
        *avg_a = 0.0;
        *avg_b = 1.0;
    }
    const double s = *wscale;
    for (int64_t j = 0; j < d; j++) w[j] *= s;
    *wscale = 1.0;
}

/* Plain SGD (scikit-learn's _plain_sgd, dense or CSR rows).
 *
 * minimise  (1/n) sum_i c_i L(y_i, w.x_i + b) + alpha ((1 - l1_ratio)/2 ||w||^2 + l1_ratio ||w||_1)
 *
 * one sample per step with rate eta_t (constant eta0; 'optimal' 1 / (alpha (t0 + t - 1)) with Bottou's
 * t0 = 1 / (eta0' alpha), eta0' = sqrt(1/sqrt(alpha)); invscaling eta0 / t^power_t; adaptive eta0 / 5^k),
 * c_i = class_weight * sample_weight scaling the step:
 *   w <- (1 - eta (1 - l1_ratio) alpha) w - eta c_i L'(y_i, p_i) x_i,   b <- b - eta c_i L'(y_i, p_i)
 * The L2 shrink is O(1): w = wscale * v, and only v is touched by the axpy. The L1 part is the
 * cumulative truncated gradient of Tsuruoka, Tsujii & Ananiadou (ACL 2009): u is the total L1 step
 * so far, q_j what was actually applied to w_j; w_j is pulled toward 0 by u - q_j but never past it.
 * average > 0: ASGD (Polyak-Ruppert over the steps t >= average), kept as aw' = (aw + a v) / b so each
 * step is O(nnz) too (Xu 2011). Writes coef/intercept (and the averages) back, the curves, n_iter.
 * CSR rows (sklearn's sparse _plain_sgd): the dot, the axpy, the averaging and the L1 truncation
 * touch the row's stored features only; ||w||^2 and ||w||_1 (for the objective) are updated by the
 * changes; the intercept steps by intercept_decay (scikit-learn's 0.01 for sparse X). */
static inline __attribute__((always_inline)) int plain_sgd(sgd_problem *pb, double *w, double *b_out, double *aw,
                                                           double *ab_out, double *loss_curve, double *obj_curve,
                                                           double *score_curve, int64_t *n_iter, const int sparse) {
    const mlc_sgd_params *p = pb->p;
    const int64_t d = pb->d, nt = pb->n_train;
    const double *yc = pb->yc;
    int64_t *idx = (int64_t *)pb->train;
    const int loss = p->loss, pen = p->penalty, lr = p->learning_rate;
    const double alpha = p->alpha, eps = p->epsilon, eta0 = p->eta0, power_t = p->power_t;
    const double l1r = pen == MLC_PENALTY_L2 ? 0.0 : pen == MLC_PENALTY_L1 ? 1.0 : p->l1_ratio;
    const int truncate = pen == MLC_PENALTY_L1 || pen == MLC_PENALTY_ELASTICNET;
    const int penalised = pen != MLC_PENALTY_NONE;
    const int decay = pen == MLC_PENALTY_L2 || pen == MLC_PENALTY_ELASTICNET;
    const int64_t average = aw != NULL ? p->average : 0;
    double *q = pb->q;
    double b = *b_out, ab = aw != NULL ? *ab_out : 0.0;
    double wscale = 1.0, avg_a = 0.0, avg_b = 1.0, u = 0.0;
    double sq = 0.0, l1 = 0.0;
    for (int64_t j = 0; j < d; j++) {
        sq += w[j] * w[j];
        l1 += fabs(w[j]);
    }
    if (truncate) memset(q, 0, sizeof(double) * d);
    double eta = eta0, opt_init = 0.0;
    if (lr == MLC_LR_OPTIMAL) {
        const double typw = sqrt(1.0 / sqrt(alpha));
        const double init_eta0 = typw / MLC_MAX(1.0, loss_grad(loss, 1.0, -typw, eps));
        opt_init = 1.0 / (init_eta0 * alpha);
    }
    double t = pb->t;
    sgd_stopper stopper = {0, INFINITY, -INFINITY};
    int64_t epoch = 0;
    for (; epoch < p->max_iter; epoch++) {
        double sumloss = 0.0, objsum = 0.0;
        if (p->shuffle) shuffle(idx, nt, &pb->rng);
        for (int64_t k = 0; k < nt; k++) {
            const int64_t i = idx[k];
            if (k + PREFETCH < nt) {
                const int64_t i2 = idx[k + PREFETCH];
                prefetch_row(pb, i2, sparse);
                __builtin_prefetch(yc + 2 * i2);
            }
            const sgd_row r = row_at(pb, i, sparse);
            const double *x = r.x;
            const double y = yc[2 * i], c = yc[2 * i + 1];
            const double pr = row_dot(w, r, sparse) * wscale + b;
            if (lr == MLC_LR_OPTIMAL) eta = 1.0 / (alpha * (opt_init + t - 1));
            else if (lr == MLC_LR_INVSCALING) eta = eta0 / pow(t, power_t);
            const double lv = loss_value(loss, y, pr, eps);
            sumloss += lv;
            objsum += lv;
            if (penalised) {
                const double nrm = sqrt(sq);
                objsum += alpha * ((1 - l1r) * 0.5 * (nrm * nrm) + l1r * l1);
            }
            double dl = loss_grad(loss, y, pr, eps);
            dl = dl < -MAX_DLOSS ? -MAX_DLOSS : dl > MAX_DLOSS ? MAX_DLOSS : dl;
            double update = -eta * dl;
            update *= c;
            if (decay) { // weight decay, never below zero
                const double s = MLC_MAX(0.0, 1.0 - ((1.0 - l1r) * eta * alpha));
                wscale *= s;
                sq *= s * s;
                l1 *= fabs(s);
                if (wscale < WSCALE_MIN) reset_wscale(w, aw, d, &wscale, &avg_a, &avg_b);
            }
            if (update != 0.0 && sparse) {
                const double cs = update / wscale;
                double d2 = 0.0, d1 = 0.0;
                for (int64_t q = 0; q < r.nnz; q++) {
                    const double old = w[r.ind[q]], v = old + x[q] * cs;
                    w[r.ind[q]] = v;
                    d2 += v * v - old * old;
                    d1 += fabs(v) - fabs(old);
                }
                sq += d2 * (wscale * wscale);
                l1 += d1 * wscale;
                if (p->fit_intercept) b += update * p->intercept_decay;
            } else if (update != 0.0) {
                const double cs = update / wscale;
                double a2 = 0.0, a1 = 0.0;
#pragma omp simd reduction(+ : a2, a1)
                for (int64_t j = 0; j < d; j++) {
                    const double v = w[j] + x[j] * cs;
                    w[j] = v;
                    a2 += v * v;
                    a1 += fabs(v);
                }
                sq = a2 * (wscale * wscale);
                l1 = a1 * wscale;
                if (p->fit_intercept) b += update * p->intercept_decay;
            }
            if (average > 0 && average <= t) {
                const double num = t - (double)average + 1, mu = 1.0 / num, cs = -update / wscale;
                if (sparse)
                    for (int64_t q = 0; q < r.nnz; q++) aw[r.ind[q]] += avg_a * x[q] * cs;
                else
                    for (int64_t j = 0; j < d; j++) aw[j] += avg_a * x[j] * cs;
                if (num > 1) avg_b /= (1.0 - mu);
                avg_a += mu * avg_b * wscale;
                ab += (b - ab) / num;
            }
            if (truncate) {
                u += l1r * eta * alpha;
                double d2 = 0.0, d1 = 0.0;
                for (int64_t f = 0; f < r.nnz; f++) {
                    const int64_t j = sparse ? r.ind[f] : f;
                    const double z = w[j];
                    if (wscale * z > 0.0) w[j] = MLC_MAX(0.0, w[j] - ((u + q[j]) / wscale));
                    else if (wscale * z < 0.0) w[j] = MLC_MIN(0.0, w[j] + ((u - q[j]) / wscale));
                    q[j] += wscale * (w[j] - z);
                    if (sparse) {
                        d2 += w[j] * w[j] - z * z;
                        d1 += fabs(w[j]) - fabs(z);
                    }
                }
                if (sparse) {
                    sq += d2 * (wscale * wscale);
                    l1 += d1 * wscale;
                }
            }
            t += 1;
        }
        int finite = isfinite(b);
        for (int64_t j = 0; j < d && finite; j++) finite = isfinite(w[j]);
        if (!finite) {
            *n_iter = epoch + 1;
            return MLC_ENUMERIC;
        }
        const double denom = nt > 0 ? (double)nt : 1.0;
        loss_curve[epoch] = sumloss / denom;
        obj_curve[epoch] = objsum / denom;
        double score = 0.0;
        if (p->early_stopping) {
            score = validation_score(pb, w, wscale, b);
            if (score_curve != NULL) score_curve[epoch] = score;
        }
        if (interrupted(pb, epoch + 1, p->max_iter)) return MLC_EINTERRUPTED;
        if (should_stop(&stopper, p, objsum / denom, score, &eta)) {
            epoch++;
            break;
        }
    }
    reset_wscale(w, aw, d, &wscale, &avg_a, &avg_b);
    *b_out = b;
    if (aw != NULL) *ab_out = ab;
    *n_iter = MLC_MIN(epoch, p->max_iter);
    pb->t = t;
    return MLC_OK;
}

/* Mini-batch first-order optimisers (optim.h) on the same objective:
 *   g = (1/B) sum_{i in batch} c_i L'(y_i, p_i) [x_i, 1] + alpha ((1 - l1_ratio) w + l1_ratio sign(w))
 * (the intercept unpenalised; L1 by its subgradient), then one mlc_optim_step with the rate of the
 * step count s: constant / adaptive eta, eta0 / (1 + s)^power_t (mlc_optim_lr_at), or 'optimal'
 * 1 / (alpha (t0 + s)). The optimiser's moments and step count persist across calls (partial_fit). */
static inline __attribute__((always_inline)) int optim_sgd(sgd_problem *pb, double *w, double *b_out, double *m_state,
                                                           double *v_state, int64_t *t_state, double *loss_curve,
                                                           double *obj_curve, double *score_curve, int64_t *n_iter,
                                                           const int sparse) {
    const mlc_sgd_params *p = pb->p;
    const int64_t d = pb->d, P = d + 1, nt = pb->n_train, B = p->batch_size;
    const double *yc = pb->yc;
    int64_t *idx = (int64_t *)pb->train;
    const int loss = p->loss, pen = p->penalty, lr = p->learning_rate;
    const double alpha = p->alpha, eps = p->epsilon;
    const double l1r = pen == MLC_PENALTY_L2 ? 0.0 : pen == MLC_PENALTY_L1 ? 1.0 : p->l1_ratio;
    const int penalised = pen != MLC_PENALTY_NONE;
    double *wb = pb->wb, *g = pb->g;
    mlc_optim o;
    int st = mlc_optim_init(&o, p->optimizer, P, p->momentum, p->beta1, p->beta2, p->eps);
    if (st != MLC_OK) return st;
    memcpy(o.m, m_state, sizeof(double) * P);
    memcpy(o.v, v_state, sizeof(double) * P);
    o.t = *t_state;
    memcpy(wb, w, sizeof(double) * d);
    wb[d] = *b_out;
    mlc_optim_lr_schedule sched = {MLC_LR_CONSTANT, p->eta0, p->power_t, 1.0, 1};
    if (lr == MLC_LR_INVSCALING) sched.kind = MLC_LR_INVSCALING;
    double eta = p->eta0, opt_init = 0.0;
    if (lr == MLC_LR_OPTIMAL) {
        const double typw = sqrt(1.0 / sqrt(alpha));
        opt_init = 1.0 / (typw / MLC_MAX(1.0, loss_grad(loss, 1.0, -typw, eps)) * alpha);
    }
    sgd_stopper stopper = {0, INFINITY, -INFINITY};
    int64_t epoch = 0;
    st = MLC_OK;
    for (; epoch < p->max_iter; epoch++) {
        double sumloss = 0.0, objsum = 0.0;
        if (p->shuffle) shuffle(idx, nt, &pb->rng);
        for (int64_t k0 = 0; k0 < nt; k0 += B) {
            const int64_t nb = MLC_MIN(B, nt - k0);
            double rate;
            if (lr == MLC_LR_OPTIMAL) {
                rate = 1.0 / (alpha * (opt_init + (double)o.t));
            } else {
                if (lr != MLC_LR_INVSCALING) sched.eta0 = eta;
                rate = mlc_optim_lr_at(&sched, o.t);
            }
            double reg = 0.0;
            if (penalised) {
                double s2 = 0.0, s1 = 0.0;
                for (int64_t j = 0; j < d; j++) {
                    s2 += wb[j] * wb[j];
                    s1 += fabs(wb[j]);
                }
                reg = alpha * ((1 - l1r) * 0.5 * s2 + l1r * s1);
            }
            memset(g, 0, sizeof(double) * P);
            for (int64_t k = k0; k < k0 + nb; k++) {
                const int64_t i = idx[k];
                const sgd_row r = row_at(pb, i, sparse);
                const double y = yc[2 * i], c = yc[2 * i + 1];
                const double pr = row_dot(wb, r, sparse) + wb[d];
                const double lv = loss_value(loss, y, pr, eps);
                sumloss += lv;
                objsum += lv + reg;
                double dl = loss_grad(loss, y, pr, eps);
                dl = (dl < -MAX_DLOSS ? -MAX_DLOSS : dl > MAX_DLOSS ? MAX_DLOSS : dl) * c;
                if (dl != 0.0 && sparse) {
                    for (int64_t q = 0; q < r.nnz; q++) g[r.ind[q]] += dl * r.x[q];
                    g[d] += dl;
                } else if (dl != 0.0) {
#pragma omp simd
                    for (int64_t j = 0; j < d; j++) g[j] += dl * r.x[j];
                    g[d] += dl;
                }
            }
            const double inv = 1.0 / (double)nb;
            for (int64_t j = 0; j < d; j++) {
                g[j] *= inv;
                if (penalised) g[j] += alpha * ((1 - l1r) * wb[j] + l1r * (wb[j] > 0 ? 1.0 : wb[j] < 0 ? -1.0 : 0.0));
            }
            g[d] = p->fit_intercept ? g[d] * inv : 0.0;
            mlc_optim_step(&o, wb, g, rate);
        }
        int finite = 1;
        for (int64_t j = 0; j < P && finite; j++) finite = isfinite(wb[j]);
        if (!finite) {
            *n_iter = epoch + 1;
            st = MLC_ENUMERIC;
            break;
        }
        const double denom = nt > 0 ? (double)nt : 1.0;
        loss_curve[epoch] = sumloss / denom;
        obj_curve[epoch] = objsum / denom;
        double score = 0.0;
        if (p->early_stopping) {
            score = validation_score(pb, wb, 1.0, wb[d]);
            if (score_curve != NULL) score_curve[epoch] = score;
        }
        if (interrupted(pb, epoch + 1, p->max_iter)) {
            st = MLC_EINTERRUPTED;
            break;
        }
        if (should_stop(&stopper, p, objsum / denom, score, &eta)) {
            epoch++;
            break;
        }
    }
    if (st == MLC_OK) {
        memcpy(w, wb, sizeof(double) * d);
        *b_out = wb[d];
        memcpy(m_state, o.m, sizeof(double) * P);
        memcpy(v_state, o.v, sizeof(double) * P);
        *t_state = o.t;
        *n_iter = MLC_MIN(epoch, p->max_iter);
    }
    mlc_optim_free(&o);
    return st;
}

/* One problem start to end: its scratch (indices, targets, L1/optimiser buffers) is allocated once. */
static int fit_problem(int64_t k, const mlc_sgd_model *model, const mlc_sgd_history *hist, const double *X,
                       const int32_t *indices, const int64_t *indptr, const double *y, const int32_t *codes, const int32_t *pos_code, const double *weight_pos,
                       const double *weight_neg, const double *sw, const uint8_t *val_mask, int64_t n, int64_t d,
                       double t0, const mlc_sgd_params *p, mlc_par *par) {
    const int64_t P = d + 1;
    const size_t bytes = sizeof(int64_t) * (size_t)n + sizeof(double) * (2 * (size_t)n + 3 * (size_t)P);
    char *block = mlc_malloc(bytes);
    if (block == NULL) return MLC_ENOMEM;
    int64_t *idx = (int64_t *)block;
    double *yc = (double *)(idx + n);
    sgd_problem pb;
    memset(&pb, 0, sizeof pb);
    pb.p = p;
    pb.X = X;
    pb.ind = indices;
    pb.ptr = indptr;
    pb.yc = yc;
    pb.sw = sw;
    pb.d = d;
    pb.regression = y != NULL;
    pb.t = t0;
    pb.q = yc + 2 * n;
    pb.wb = pb.q + P;
    pb.g = pb.wb + P;
    pb.par = par;
    mlc_rng_seed(&pb.rng, p->seed);
    for (int64_t j = 0; j < k; j++) mlc_rng_jump(&pb.rng);
    // targets and per-sample step weights, interleaved: one cache line per sample in shuffled order
    const double neg = p->loss == MLC_SGD_LOG ? 0.0 : -1.0;
    const double wp = weight_pos ? weight_pos[k] : 1.0, wn = weight_neg ? weight_neg[k] : 1.0;
    for (int64_t i = 0; i < n; i++) {
        const double s = sw ? sw[i] : 1.0;
        if (y != NULL) {
            yc[2 * i] = y[i];
            yc[2 * i + 1] = 1.0 * s;
        } else {
            const int pos = codes[i] == pos_code[k];
            yc[2 * i] = pos ? 1.0 : neg;
            yc[2 * i + 1] = (pos ? wp : wn) * s;
        }
    }
    // training indices first, validation ones from the back
    int64_t nt = 0, nv = 0;
    for (int64_t i = 0; i < n; i++) {
        if (val_mask != NULL && val_mask[i]) idx[n - 1 - nv++] = i;
        else idx[nt++] = i;
    }
    pb.train = idx;
    pb.n_train = nt;
    pb.val = idx + nt;
    pb.n_val = nv;
    const int64_t T = p->max_iter;
    double *lc = hist->loss_curve + k * T, *oc = hist->objective_curve + k * T;
    double *sc = hist->score_curve ? hist->score_curve + k * T : NULL;
    int st;
    double *w = model->coef + k * d, *b = model->intercept + k;
    if (p->optimizer == MLC_OPTIM_PLAIN_SGD) {
        double *aw = model->avg_coef ? model->avg_coef + k * d : NULL;
        double *ab = model->avg_intercept ? model->avg_intercept + k : NULL;
        st = indptr != NULL ? plain_sgd(&pb, w, b, aw, ab, lc, oc, sc, hist->n_iter + k, 1)
                            : plain_sgd(&pb, w, b, aw, ab, lc, oc, sc, hist->n_iter + k, 0);
    } else {
        double *m = model->optim_m + k * P, *v = model->optim_v + k * P;
        int64_t *ts = model->optim_t + k;
        st = indptr != NULL ? optim_sgd(&pb, w, b, m, v, ts, lc, oc, sc, hist->n_iter + k, 1)
                            : optim_sgd(&pb, w, b, m, v, ts, lc, oc, sc, hist->n_iter + k, 0);
    }
    mlc_free(block);
    return st;
}

int mlc_sgd_fit(const mlc_sgd_model *model, const mlc_sgd_history *hist, const double *X, const int32_t *indices,
                const int64_t *indptr, const double *y,
                const int32_t *codes, const int32_t *pos_code, const double *weight_pos, const double *weight_neg,
                const double *sample_weight, const uint8_t *val_mask, int64_t n_samples, int64_t n_features,
                int64_t n_problems, double t0, const mlc_sgd_params *p, int n_threads, const mlc_progress *progress) {
    if (mlc_sgd_check_params(n_samples, n_features, n_problems, y != NULL, p) != NULL) return MLC_EINVAL;
    if (y == NULL && (codes == NULL || pos_code == NULL)) return MLC_EINVAL;
    if (p->optimizer != MLC_OPTIM_PLAIN_SGD && (model->optim_m == NULL || model->optim_v == NULL || model->optim_t == NULL))
        return MLC_EINVAL;
    const int64_t K = n_problems;
    const int64_t work = (indptr != NULL ? indptr[n_samples] + n_samples : n_samples * n_features) *
                         MLC_MIN(p->max_iter, 16);
    const int team = (int)MLC_MIN((int64_t)mlc_team_size(work, n_threads), K);
    mlc_par par = mlc_par_init(progress);
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (int64_t k = 0; k < K; k++) {
        if (mlc_par_halted(&par)) continue;
        const int st = fit_problem(k, model, hist, X, indices, indptr, y, codes, pos_code, weight_pos, weight_neg, sample_weight,
                                   val_mask, n_samples, n_features, t0, p, &par);
        if (st != MLC_OK) mlc_par_fail(&par, st);
    }
    return mlc_par_status(&par);
}
