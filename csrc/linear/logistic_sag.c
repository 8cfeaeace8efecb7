/* logistic_sag.c: SAG and SAGA for logistic regression (logistic_sag.h).
 *
 * Minimises over W (K, D) and b (K)
 *   (1/N) sum_i s_i loss_i(W, b) + alpha/2 ||W||_F^2 + beta ||W||_1,
 *   alpha = (1 - r) / (C N),  beta = r / (C N)  (alpha = beta = 0 without a penalty or for C = inf),
 * the objective of logistic.h times C S / N, so the same minimiser; loss_i is logistic.h's binary or
 * multinomial loss. SAG (Schmidt, Le Roux & Bach, "Minimizing finite sums with the stochastic average
 * gradient", 2013; beta = 0) and SAGA (Defazio, Bach & Lacoste-Julien 2014, the L1 part by its
 * proximal map) as scikit-learn 1.9's sag_solver runs them (_sag.py, _sag_fast.pyx): each step draws
 * one row i uniformly (with replacement), replaces its remembered gradient g_i (the loss's gradient
 * in the K logits, times s_i) and moves along the average of the remembered gradients of the rows
 * seen so far (SAGA: plus the correction (g_i - g_i_old), then the prox); the intercept takes the
 * same steps, times intercept_decay (1 for dense rows). Step size (get_auto_step_size):
 *   L = (max_i ||x_i||^2 + fit_intercept) / 4 + alpha;  SAG 1 / L,  SAGA 1 / (2 L + min(2 N alpha, L)).
 * After each epoch: converged when max_j |W_j - W_j(previous epoch)| <= tol max_j |W_j| (or W is and
 * stays 0). Writes w; n_iter is the number of epochs.
 *
 * Sequential by nature (each step reads the weights the previous step wrote): one thread. The RNG
 * (mlc_rng, seeded) fixes the rows drawn, so a seed gives the same bits on every run.
 *
 * Two tricks of section 4.3 of Schmidt et al., as scikit-learn has them:
 *  - the L2 decay of all weights is one scalar: W = wscale V, and a step multiplies wscale by
 *    1 - step alpha; V is rescaled (wscale back to 1) when wscale < 1e-9 and after every epoch;
 *  - just-in-time updates: a row changes the average gradient only on its own features (its nonzeros),
 *    so the constant steps a feature missed are applied in one go when a row next needs it, from
 *    running sums of the step sizes (cum, and cum_prox for the L1 thresholds). The engine walks rows
 *    as (values, feature indices, count): a CSR row's own entries, a dense row's 0 .. D-1. On CSR input
 *    the intercept's steps are damped by intercept_decay = 0.01, as scikit-learn does.
 * Dense rows without the L1 prox take one shortcut: every feature shares the last step's lag, so the lazy
 * steps, the logits and the bookkeeping are one pass over the row (dense_step_logits).
 * The one departure: a feature's missed SAGA steps whose thresholds may bind are replayed oldest
 * first (scikit-learn replays them newest first).
 */
#include "linear/logistic_sag.h"

#include <math.h>
#include <string.h>

#include "core/vmath.h"
#include "linear/optim.h" /* mlc_optim_soft_threshold */

const char *mlc_logistic_sag_check_params(const mlc_logistic_params *p) {
    const int has_l1 = p->penalty == MLC_PENALTY_L1 || (p->penalty == MLC_PENALTY_ELASTICNET && p->l1_ratio > 0);
    if (p->solver == MLC_LOGISTIC_SAG && has_l1) return "Solver sag supports only 'l2' or None penalties";
    return NULL;
}

/* The fit's state. Weights are kept (D, K), a feature's K logits side by side, as a row touches them. */
typedef struct {
    const mlc_logistic_problem *pr; /* the rows: dense X (N, D) or CSR */
    int32_t *ind;         /* (D): 0 .. D-1, a dense row's feature indices */
    const int32_t *y;
    const double *sw;
    int64_t n, d, k;
    int prox, saga, fit_intercept;
    double step, beta, intercept_decay, wscale;
    double *v;            /* (D, K): W / wscale */
    double *b;            /* (K) */
    double *sum_grad;     /* (D, K): sum over seen rows of x_i g_i^T */
    double *b_sum_grad;   /* (K) */
    double *mem;          /* (N, K): the remembered g_i */
    double *cum;          /* (N): step / (wscale num_seen) summed over this stretch's steps */
    double *cum_prox;     /* (N) or NULL: step beta / wscale, summed likewise */
    int64_t *hist;        /* (D): the step up to which a feature's lazy steps are applied */
    double *prev;         /* (D, K): V after the previous epoch */
    double *g;            /* (K): this step's gradient */
    uint8_t *seen;        /* (N) */
} sag;

/* Apply the lazy steps of iterations hist[f] .. it-1 to the features ind[0 .. nnz) (ind NULL: all D).
 * reset: also fold wscale into V and restart the sums (the caller sets wscale = 1). */
static int lagged_update(sag *s, const int32_t *ind, int64_t nnz, int64_t it, int reset) {
    const int64_t k = s->k;
    const double cs_end = s->cum[it - 1], cp_end = s->prox ? s->cum_prox[it - 1] : 0.0;
    for (int64_t t = 0; t < nnz; t++) {
        const int64_t f = ind != NULL ? ind[t] : t, h = s->hist[f];
        double *vf = s->v + f * k;
        const double *gf = s->sum_grad + f * k;
        const double cs = cs_end - (h > 0 ? s->cum[h - 1] : 0.0);
        if (!s->prox) {
            for (int64_t c = 0; c < k; c++) vf[c] -= cs * gf[c];
        } else {
            const double cp = cp_end - (h > 0 ? s->cum_prox[h - 1] : 0.0);
            for (int64_t c = 0; c < k && cp > 0; c++) {
                // the whole gradient walk stays inside the threshold: steps then thresholds in one go
                // (the lightning library's shortcut); otherwise replay the steps one by one
                if (fabs(gf[c] * cs) < cp) {
                    vf[c] = mlc_optim_soft_threshold(vf[c] - cs * gf[c], cp);
                    continue;
                }
                for (int64_t l = h; l < it; l++) {
                    const double gs = s->cum[l] - (l > 0 ? s->cum[l - 1] : 0.0);
                    const double ps = s->cum_prox[l] - (l > 0 ? s->cum_prox[l - 1] : 0.0);
                    vf[c] = mlc_optim_soft_threshold(vf[c] - gf[c] * gs, ps);
                }
            }
        }
        if (reset) {
            for (int64_t c = 0; c < k; c++) {
                vf[c] *= s->wscale;
                if (!isfinite(vf[c])) return MLC_ENUMERIC;
            }
        }
        s->hist[f] = reset ? it % s->n : it;
    }
    if (reset) {
        s->cum[it - 1] = 0.0;
        if (s->prox) s->cum_prox[it - 1] = 0.0;
    }
    return MLC_OK;
}

/* s->g (K) in: the row's V x_i; out: its loss gradient in the logits times sw. */
static void gradient_from_logits(sag *s, int32_t yi, double swi) {
    const int64_t k = s->k;
    double *z = s->g;
    if (k == 1) {
        const double p = mlc_sigmoid_f64(s->wscale * z[0] + s->b[0]);
        z[0] = swi * (p - (yi == 1 ? 1.0 : 0.0));
        return;
    }
    double mx = -INFINITY, sum = 0.0;
    for (int64_t c = 0; c < k; c++) {
        z[c] = s->wscale * z[c] + s->b[c];
        mx = fmax(mx, z[c]);
    }
    for (int64_t c = 0; c < k; c++) {
        z[c] = mlc_exp_f64(z[c] - mx);
        sum += z[c];
    }
    for (int64_t c = 0; c < k; c++) z[c] = swi * (z[c] / sum - (c == yi ? 1.0 : 0.0));
}

/* Logits of row x (its nnz values at features ind) into s->g, then its loss gradient times sw. */
static void row_gradient(sag *s, const double *x, const int32_t *ind, int64_t nnz, int32_t yi, double swi) {
    const int64_t k = s->k;
    double *z = s->g;
    for (int64_t c = 0; c < k; c++) z[c] = 0.0;
    if (k == 1) {
        double acc = 0.0;
        for (int64_t t = 0; t < nnz; t++) acc += s->v[ind[t]] * x[t];
        z[0] = acc;
    } else {
        for (int64_t t = 0; t < nnz; t++) {
            const double *vf = s->v + (int64_t)ind[t] * k, xt = x[t];
            for (int64_t c = 0; c < k; c++) z[c] += vf[c] * xt;
        }
    }
    gradient_from_logits(s, yi, swi);
}

/* A dense row without the L1 prox: every feature took part in the previous step, so all share one lag
 * (that of hist[0]) and the lazy steps, the logits and the new hist are one pass over the row, as
 * lagged_update followed by row_gradient (the same operations per feature). */
static void dense_step_logits(sag *s, const double *x, int64_t it) {
    const int64_t k = s->k, d = s->d, h = s->hist[0];
    const double cs = it > 0 ? s->cum[it - 1] - (h > 0 ? s->cum[h - 1] : 0.0) : 0.0;
    double *v = s->v, *z = s->g;
    const double *gs = s->sum_grad;
    if (k == 1) {
        double acc = 0.0;
#pragma omp simd reduction(+ : acc)
        for (int64_t j = 0; j < d; j++) {
            v[j] -= cs * gs[j];
            acc += v[j] * x[j];
        }
        z[0] = acc;
    } else {
        for (int64_t c = 0; c < k; c++) z[c] = 0.0;
        for (int64_t j = 0; j < d; j++) {
            double *vf = v + j * k;
            const double *gf = gs + j * k;
            for (int64_t c = 0; c < k; c++) {
                vf[c] -= cs * gf[c];
                z[c] += vf[c] * x[j];
            }
        }
    }
    for (int64_t j = 0; j < d; j++) s->hist[j] = it;
}

/* One step on row i (the it-th of the epoch). */
static int sag_step(sag *s, int64_t i, int64_t it, int64_t *num_seen, double wscale_update) {
    const mlc_logistic_problem *pr = s->pr;
    const int64_t k = s->k, nnz = pr->X != NULL ? s->d : pr->indptr[i + 1] - pr->indptr[i];
    const double *x = pr->X != NULL ? pr->X + i * s->d : pr->data + pr->indptr[i];
    const int32_t *ind = pr->X != NULL ? s->ind : pr->indices + pr->indptr[i];
    double *mem = s->mem + i * k, *g = s->g;
    int st;
    if (!s->seen[i]) {
        s->seen[i] = 1;
        ++*num_seen;
    }
    const double m = (double)*num_seen;
    if (pr->X != NULL && !s->prox) {
        dense_step_logits(s, x, it);
        gradient_from_logits(s, s->y[i], s->sw != NULL ? s->sw[i] : 1.0);
    } else {
        if (it > 0 && (st = lagged_update(s, ind, nnz, it, 0)) != MLC_OK) return st;
        row_gradient(s, x, ind, nnz, s->y[i], s->sw != NULL ? s->sw[i] : 1.0);
    }
    s->wscale *= wscale_update;
    // SAGA's correction (g_i - g_i_old) x_i (1 - 1/m) goes in now; the average's step waits in cum
    const double corr_scale = s->step * (1.0 - 1.0 / m) / s->wscale;
    if (pr->X != NULL && k == 1) { // a dense binary row: the same operations without the index lookups
        const double dg = g[0] - mem[0], vs = s->saga ? corr_scale : 0.0;
        double *gs = s->sum_grad, *v = s->v;
#pragma omp simd
        for (int64_t j = 0; j < nnz; j++) {
            const double corr = x[j] * dg;
            v[j] -= corr * vs;
            gs[j] += corr;
        }
    }
    for (int64_t t = 0; t < nnz && (pr->X == NULL || k > 1); t++) {
        double *gf = s->sum_grad + (int64_t)ind[t] * k, *vf = s->v + (int64_t)ind[t] * k;
        for (int64_t c = 0; c < k; c++) {
            const double corr = x[t] * (g[c] - mem[c]);
            if (s->saga) vf[c] -= corr * corr_scale;
            gf[c] += corr;
        }
    }
    if (s->fit_intercept) {
        for (int64_t c = 0; c < k; c++) {
            const double corr = g[c] - mem[c];
            s->b_sum_grad[c] += corr;
            s->b[c] -= s->step * s->b_sum_grad[c] / m * s->intercept_decay
                       + (s->saga ? corr * s->step * (1.0 - 1.0 / m) : 0.0);
            if (!isfinite(s->b[c])) return MLC_ENUMERIC;
        }
    }
    memcpy(mem, g, sizeof(double) * k);
    const double before = it > 0 ? s->cum[it - 1] : 0.0;
    s->cum[it] = before + s->step / (s->wscale * m);
    if (s->prox) s->cum_prox[it] = (it > 0 ? s->cum_prox[it - 1] : 0.0) + s->step * s->beta / s->wscale;
    if (s->wscale < 1e-9) {
        if ((st = lagged_update(s, NULL, s->d, it + 1, 1)) != MLC_OK) return st;
        s->wscale = 1.0;
    }
    return MLC_OK;
}

/* The work arrays, carved from one block (mlc_arena). */
static void sag_carve(sag *s, mlc_arena *a) {
    const size_t n = (size_t)s->n, dk = (size_t)(s->d * s->k), k = (size_t)s->k;
    s->v = mlc_arena_take(a, sizeof(double) * dk);
    s->sum_grad = mlc_arena_take(a, sizeof(double) * dk);
    s->prev = mlc_arena_take(a, sizeof(double) * dk);
    s->mem = mlc_arena_take(a, sizeof(double) * n * k);
    s->cum = mlc_arena_take(a, sizeof(double) * n);
    s->cum_prox = s->prox ? mlc_arena_take(a, sizeof(double) * n) : NULL;
    s->b = mlc_arena_take(a, sizeof(double) * k);
    s->b_sum_grad = mlc_arena_take(a, sizeof(double) * k);
    s->g = mlc_arena_take(a, sizeof(double) * k);
    s->hist = mlc_arena_take(a, sizeof(int64_t) * (size_t)s->d);
    s->ind = mlc_arena_take(a, sizeof(int32_t) * (size_t)s->d);
    s->seen = mlc_arena_take(a, n);
}

int mlc_logistic_sag_fit(double *w, int64_t *n_iter, int *converged, const mlc_logistic_problem *pr,
                         const mlc_logistic_params *p, const mlc_progress *progress) {
    const int64_t n = pr->n, d = pr->d;
    if (mlc_logistic_check_params(n, d, pr->k == 1 ? 2 : pr->k, p) || mlc_logistic_sag_check_params(p))
        return MLC_EINVAL;
    sag s;
    memset(&s, 0, sizeof s);
    s.pr = pr;
    s.y = pr->y;
    s.sw = pr->sw;
    s.n = n;
    s.d = d;
    s.k = pr->k;
    s.fit_intercept = p->fit_intercept;
    s.saga = p->solver == MLC_LOGISTIC_SAGA;
    s.intercept_decay = pr->X != NULL ? 1.0 : 0.01; // scikit-learn's SPARSE_INTERCEPT_DECAY
    double r = p->penalty == MLC_PENALTY_L1 ? 1.0 : p->penalty == MLC_PENALTY_ELASTICNET ? p->l1_ratio : 0.0;
    const int penalised = p->penalty != MLC_PENALTY_NONE && isfinite(p->C);
    const double alpha = penalised ? (1.0 - r) / (p->C * (double)n) : 0.0;
    s.beta = penalised && s.saga ? r / (p->C * (double)n) : 0.0;
    s.prox = s.beta > 0;
    double max_sq = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double sq = 0.0;
        if (pr->X != NULL)
            for (int64_t j = 0; j < d; j++) sq += pr->X[i * d + j] * pr->X[i * d + j];
        else
            for (int64_t e = pr->indptr[i]; e < pr->indptr[i + 1]; e++) sq += pr->data[e] * pr->data[e];
        max_sq = fmax(max_sq, sq);
    }
    const double L = 0.25 * (max_sq + (p->fit_intercept ? 1.0 : 0.0)) + alpha;
    s.step = s.saga ? 1.0 / (2.0 * L + fmin(2.0 * (double)n * alpha, L)) : 1.0 / L;
    const double wscale_update = 1.0 - s.step * alpha;
    if (!(wscale_update > 0)) return MLC_EINVAL;
    mlc_arena a = {NULL, 0};
    sag_carve(&s, &a);
    int st = mlc_arena_alloc(&a);
    if (st != MLC_OK) return st;
    sag_carve(&s, &a);
    const int64_t k = s.k;
    memset(a.base, 0, a.size);
    for (int64_t j = 0; j < d; j++) {
        s.ind[j] = (int32_t)j;
        for (int64_t c = 0; c < k; c++) s.v[j * k + c] = s.prev[j * k + c] = w[c * d + j];
    }
    if (s.fit_intercept) memcpy(s.b, w + k * d, sizeof(double) * k);
    s.wscale = 1.0;
    mlc_rng rng;
    mlc_rng_seed(&rng, p->seed);
    int64_t num_seen = 0, epoch = 0;
    *converged = 0;
    // the rows are drawn one step ahead (the same sequence), so that a dense row is fetched while the
    // step before it runs
    int64_t next = (int64_t)mlc_rng_below(&rng, (uint64_t)n);
    while (epoch < p->max_iter) {
        for (int64_t it = 0; it < n; it++) {
            const int64_t i = next;
            next = (int64_t)mlc_rng_below(&rng, (uint64_t)n);
            if (pr->X != NULL)
                for (int64_t o = 0; o < d; o += 8) __builtin_prefetch(pr->X + next * d + o, 0, 3);
            if ((st = sag_step(&s, i, it, &num_seen, wscale_update)) != MLC_OK) goto done;
        }
        // every epoch ends with all lazy steps applied, so the weights checked (and returned) are current
        if ((st = lagged_update(&s, NULL, d, n, 1)) != MLC_OK) goto done;
        s.wscale = 1.0;
        epoch++;
        double max_change = 0.0, max_weight = 0.0;
        for (int64_t j = 0; j < d * k; j++) {
            max_weight = fmax(max_weight, fabs(s.v[j]));
            max_change = fmax(max_change, fabs(s.v[j] - s.prev[j]));
            s.prev[j] = s.v[j];
        }
        if ((max_weight != 0 && max_change / max_weight <= p->tol) || (max_weight == 0 && max_change == 0)) {
            *converged = 1;
            break;
        }
        if (mlc_progress_tick(progress, epoch, p->max_iter)) {
            st = MLC_EINTERRUPTED;
            goto done;
        }
    }
    for (int64_t j = 0; j < d; j++)
        for (int64_t c = 0; c < k; c++) w[c * d + j] = s.v[j * k + c];
    if (s.fit_intercept) memcpy(w + k * d, s.b, sizeof(double) * k);
done:
    *n_iter = epoch;
    mlc_free(a.base);
    return st;
}
