/* optim.c: L-BFGS / OWL-QN and the first-order update rules (see optim.h). */
#include "linear/optim.h"

#include <float.h>
#include <math.h>
#include <string.h>

static double dot(const double *a, const double *b, int64_t n) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

int mlc_lbfgs_init(mlc_lbfgs *s, int64_t n_params, int m) {
    memset(s, 0, sizeof *s);
    if (n_params < 1 || m < 1) return MLC_EINVAL;
    const size_t p = (size_t)n_params;
    double *b = mlc_malloc(sizeof(double) * (2 * (size_t)m * p + 2 * (size_t)m + 5 * p));
    if (b == NULL) return MLC_ENOMEM;
    s->n_params = n_params;
    s->m = m;
    s->block_ = b;
    s->s = b; b += (size_t)m * p;
    s->y = b; b += (size_t)m * p;
    s->rho = b; b += m;
    s->alpha = b; b += m;
    s->g = b; b += p;
    s->pg = b; b += p;
    s->d = b; b += p;
    s->w_new = b; b += p;
    s->g_new = b;
    return MLC_OK;
}

void mlc_lbfgs_free(mlc_lbfgs *s) {
    mlc_free(s->block_);
    memset(s, 0, sizeof *s);
}

/* OWL-QN's pseudo-gradient of f + sum l1_j |w_j|: the gradient where |.| is differentiable, at
 * w_j = 0 the one-sided derivative pointing downhill, or 0 when neither side descends. */
static void pseudo_gradient(double *pg, const double *w, const double *g, const double *l1, int64_t p) {
    if (l1 == NULL) {
        memcpy(pg, g, sizeof(double) * p);
        return;
    }
    for (int64_t j = 0; j < p; j++) {
        const double a = l1[j];
        if (w[j] > 0) pg[j] = g[j] + a;
        else if (w[j] < 0) pg[j] = g[j] - a;
        else if (g[j] + a < 0) pg[j] = g[j] + a;
        else if (g[j] - a > 0) pg[j] = g[j] - a;
        else pg[j] = 0.0;
    }
}

static double l1_norm(const double *w, const double *l1, int64_t p) {
    if (l1 == NULL) return 0.0;
    double s = 0.0;
    for (int64_t j = 0; j < p; j++) s += l1[j] * fabs(w[j]);
    return s;
}

static double max_abs(const double *a, int64_t p) {
    double m = 0.0;
    for (int64_t j = 0; j < p; j++) m = fmax(m, fabs(a[j]));
    return m;
}

/* L-BFGS (N&W alg. 7.5) / OWL-QN (Andrew & Gao 2007).
 *
 * minimise F(w) = f(w) + sum_j l1_j |w_j|   (l1 = NULL: F = f, plain L-BFGS)
 *
 * Direction: d = -H pg by the two-loop recursion (N&W alg. 7.4) over the last m pairs
 * (s = w_new - w, y = grad f(w_new) - grad f(w)), H0 = (s.y / y.y) I; a pair with s.y <= 0 is
 * skipped, so H stays positive definite. OWL-QN then zeroes the components of d whose sign
 * disagrees with -pg, and every trial point is projected onto the orthant of the current iterate
 * (sign(w_j), or sign(-pg_j) where w_j = 0): a coordinate that would cross zero stops at zero,
 * which is how exact zeros appear. Both rules apply only to penalised coordinates (l1_j > 0): an
 * unpenalised one (an intercept) moves freely, so invariances of f (the sum of multinomial
 * intercepts) are kept as plain L-BFGS keeps them. Line search: backtracking (halving) until the Armijo condition
 * F(w_new) <= F(w) + 1e-4 pg.(w_new - w). The first step is scaled to unit length.
 */
int mlc_lbfgs_minimize(mlc_lbfgs *s, double *w, double *f_out, int64_t *n_iter, int *converged,
                       mlc_optim_fn fn, void *ctx, const double *l1, int64_t max_iter, double tol,
                       mlc_optim_iter_fn on_iter, void *iter_ctx) {
    const int64_t p = s->n_params;
    const int m = s->m;
    double *g = s->g, *pg = s->pg, *d = s->d, *wn = s->w_new, *gn = s->g_new;
    double f;
    int st = fn(ctx, w, g, &f);
    if (st != MLC_OK) return st;
    f += l1_norm(w, l1, p);
    if (!isfinite(f)) return MLC_ENUMERIC;
    int64_t it = 0, head = 0, count = 0;
    *converged = 0;
    pseudo_gradient(pg, w, g, l1, p);
    if (max_abs(pg, p) <= tol) *converged = 1;
    while (!*converged && it < max_iter) {
        // two-loop recursion: d = -H pg
        for (int64_t j = 0; j < p; j++) d[j] = -pg[j];
        for (int64_t c = 0; c < count; c++) {
            const int64_t i = (head - 1 - c + m) % m;
            s->alpha[i] = s->rho[i] * dot(s->s + i * p, d, p);
            const double *yi = s->y + i * p;
            for (int64_t j = 0; j < p; j++) d[j] -= s->alpha[i] * yi[j];
        }
        if (count > 0) {
            const int64_t i = (head - 1 + m) % m;
            const double *yi = s->y + i * p;
            const double gamma = 1.0 / (s->rho[i] * dot(yi, yi, p));
            for (int64_t j = 0; j < p; j++) d[j] *= gamma;
        }
        for (int64_t c = count - 1; c >= 0; c--) {
            const int64_t i = (head - 1 - c + m) % m;
            const double *yi = s->y + i * p, *si = s->s + i * p;
            const double beta = s->rho[i] * dot(yi, d, p);
            for (int64_t j = 0; j < p; j++) d[j] += (s->alpha[i] - beta) * si[j];
        }
        if (l1 != NULL)
            for (int64_t j = 0; j < p; j++)
                if (l1[j] > 0 && d[j] * pg[j] >= 0) d[j] = 0.0;
        double slope = dot(d, pg, p);
        if (!(slope < 0)) { // not a descent direction (numerical trouble): restart from -pg
            for (int64_t j = 0; j < p; j++) d[j] = -pg[j];
            slope = -dot(pg, pg, p);
            count = 0;
        }
        double step = count == 0 ? 1.0 / MLC_MAX(1.0, sqrt(dot(d, d, p))) : 1.0;
        double fn_new = f;
        int accepted = 0;
        for (int ls = 0; ls < 60; ls++) {
            for (int64_t j = 0; j < p; j++) {
                double v = w[j] + step * d[j];
                if (l1 != NULL && l1[j] > 0) {
                    const double orth = w[j] != 0 ? w[j] : -pg[j];
                    if (v * orth <= 0) v = 0.0;
                }
                wn[j] = v;
            }
            st = fn(ctx, wn, gn, &fn_new);
            if (st != MLC_OK) return st;
            fn_new += l1_norm(wn, l1, p);
            double decrease = 0.0;
            for (int64_t j = 0; j < p; j++) decrease += pg[j] * (wn[j] - w[j]);
            if (isfinite(fn_new) && fn_new <= f + 1e-4 * decrease) {
                accepted = 1;
                break;
            }
            step *= 0.5;
        }
        if (!accepted) { // no decrease possible at machine precision: w is as good as it gets
            *converged = 1;
            break;
        }
        it++;
        // store the pair (s, y) = (wn - w, gn - g) in the ring, skipping s.y <= 0
        double *si = s->s + head * p, *yi = s->y + head * p;
        for (int64_t j = 0; j < p; j++) {
            si[j] = wn[j] - w[j];
            yi[j] = gn[j] - g[j];
        }
        const double sy = dot(si, yi, p);
        if (sy > 1e-10 * dot(yi, yi, p) && sy > 0) {
            s->rho[head] = 1.0 / sy;
            head = (head + 1) % m;
            if (count < m) count++;
        }
        const double f_old = f;
        memcpy(w, wn, sizeof(double) * p);
        memcpy(g, gn, sizeof(double) * p);
        f = fn_new;
        pseudo_gradient(pg, w, g, l1, p);
        if (on_iter != NULL && (st = on_iter(iter_ctx, it, w, f)) != MLC_OK) return st;
        if (max_abs(pg, p) <= tol ||
            (f_old - f) <= 64 * DBL_EPSILON * MLC_MAX(MLC_MAX(fabs(f_old), fabs(f)), 1.0))
            *converged = 1;
    }
    *f_out = f;
    *n_iter = it;
    return MLC_OK;
}

/* ---- first-order steps ---- */
const char *mlc_optim_check_params(int method, int64_t n_params, double momentum, double beta1,
                                   double beta2, double eps) {
    if (method < MLC_OPTIM_GD || method > MLC_OPTIM_ADAM) return "unknown optimizer";
    if (n_params < 1) return "n_params must be >= 1";
    if (!(momentum >= 0 && momentum < 1)) return "momentum must be in [0, 1)";
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) return "beta1 and beta2 must be in [0, 1)";
    if (!(eps > 0)) return "eps must be > 0";
    return NULL;
}

int mlc_optim_init(mlc_optim *o, int method, int64_t n_params, double momentum, double beta1,
                   double beta2, double eps) {
    memset(o, 0, sizeof *o);
    if (mlc_optim_check_params(method, n_params, momentum, beta1, beta2, eps)) return MLC_EINVAL;
    double *b = mlc_malloc(sizeof(double) * 2 * (size_t)n_params);
    if (b == NULL) return MLC_ENOMEM;
    memset(b, 0, sizeof(double) * 2 * (size_t)n_params);
    o->method = method;
    o->n_params = n_params;
    o->momentum = momentum;
    o->beta1 = beta1;
    o->beta2 = beta2;
    o->eps = eps;
    o->block_ = b;
    o->m = b;
    o->v = b + n_params;
    return MLC_OK;
}

void mlc_optim_free(mlc_optim *o) {
    mlc_free(o->block_);
    memset(o, 0, sizeof *o);
}

void mlc_optim_step(mlc_optim *o, double *w, const double *grad, double lr) {
    const int64_t p = o->n_params;
    double *m = o->m, *v = o->v;
    const double mu = o->momentum;
    o->t++;
    switch (o->method) {
    case MLC_OPTIM_GD:
        for (int64_t j = 0; j < p; j++) w[j] -= lr * grad[j];
        break;
    case MLC_OPTIM_MOMENTUM:
        for (int64_t j = 0; j < p; j++) {
            m[j] = mu * m[j] + grad[j];
            w[j] -= lr * m[j];
        }
        break;
    case MLC_OPTIM_NESTEROV:
        for (int64_t j = 0; j < p; j++) {
            m[j] = mu * m[j] + grad[j];
            w[j] -= lr * (grad[j] + mu * m[j]);
        }
        break;
    case MLC_OPTIM_ADAGRAD:
        for (int64_t j = 0; j < p; j++) {
            v[j] += grad[j] * grad[j];
            w[j] -= lr * grad[j] / (sqrt(v[j]) + o->eps);
        }
        break;
    default: { // Adam: the bias corrections folded into the step size
        const double b1 = o->beta1, b2 = o->beta2;
        const double c1 = 1.0 - pow(b1, (double)o->t), c2 = 1.0 - pow(b2, (double)o->t);
        const double a = lr * sqrt(c2) / c1, e = o->eps * sqrt(c2);
        for (int64_t j = 0; j < p; j++) {
            m[j] = b1 * m[j] + (1 - b1) * grad[j];
            v[j] = b2 * v[j] + (1 - b2) * grad[j] * grad[j];
            w[j] -= a * m[j] / (sqrt(v[j]) + e);
        }
    }
    }
}

const char *mlc_lr_check_params(const mlc_lr_schedule *s) {
    if (s->kind < MLC_LR_CONSTANT || s->kind > MLC_LR_STEP) return "unknown learning-rate schedule";
    if (!(s->eta0 > 0) || !isfinite(s->eta0)) return "learning_rate must be > 0";
    if (s->kind == MLC_LR_INVSCALING && !(s->power >= 0)) return "power_t must be >= 0";
    if ((s->kind == MLC_LR_EXPONENTIAL || s->kind == MLC_LR_STEP) && !(s->gamma > 0 && s->gamma <= 1))
        return "lr_decay must be in (0, 1]";
    if (s->kind == MLC_LR_STEP && s->step_size < 1) return "lr_step_size must be >= 1";
    return NULL;
}

double mlc_lr_at(const mlc_lr_schedule *s, int64_t t) {
    switch (s->kind) {
    case MLC_LR_INVSCALING: return s->eta0 / pow(1.0 + (double)t, s->power);
    case MLC_LR_EXPONENTIAL: return s->eta0 * pow(s->gamma, (double)t);
    case MLC_LR_STEP: return s->eta0 * pow(s->gamma, (double)(t / s->step_size));
    default: return s->eta0;
    }
}
