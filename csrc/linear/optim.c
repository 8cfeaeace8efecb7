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

int mlc_optim_lbfgs_init(mlc_optim_lbfgs *s, int64_t n_params, int m) {
    memset(s, 0, sizeof *s);
    if (n_params < 1 || m < 1) return MLC_EINVAL;
    const size_t p = (size_t)n_params;
    double *b = mlc_malloc(sizeof(double) * (2 * (size_t)m * p + 2 * (size_t)m + 5 * p));
    if (b == NULL) return MLC_ENOMEM;
    s->n_params = n_params;
    s->m = m;
    s->line_search = MLC_LINESEARCH_MORE_THUENTE;
    s->ftol = 64 * DBL_EPSILON;
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

void mlc_optim_lbfgs_free(mlc_optim_lbfgs *s) {
    mlc_free(s->block_);
    memset(s, 0, sizeof *s);
}

/* OWL-QN's pseudo-gradient of f + sum l1_j |w_j|: the gradient where |.| is differentiable, at
 * w_j = 0 the one-sided derivative pointing downhill, or 0 when neither side descends. */
void mlc_optim_pseudo_gradient(double *pg, const double *w, const double *g, const double *l1, int64_t p) {
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

/* ---- More-Thuente line search ---- */

/* The minimiser of the cubic through (u, fu, du) and (v, fv, dv) (Nocedal & Wright eq. 3.59),
 * scaled against overflow; disc < 0 (no real minimiser) is clamped to 0. */
static double cubic_min(double u, double fu, double du, double v, double fv, double dv) {
    const double d1 = du + dv - 3.0 * (fu - fv) / (u - v);
    const double s = fmax(fabs(d1), fmax(fabs(du), fabs(dv)));
    const double disc = (d1 / s) * (d1 / s) - (du / s) * (dv / s);
    const double d2 = (v > u ? 1.0 : -1.0) * s * sqrt(fmax(disc, 0.0));
    return v - (v - u) * (dv + d2 - d1) / (dv - du + 2.0 * d2);
}

/* The interval of uncertainty: x is the end with the least value, y the other end, t the trial
 * (each a step, its value and its derivative). One update of the paper's sec. 4 picks the next
 * trial from the four cases of its value and slope relative to x, and moves the ends. */
typedef struct {
    double x, fx, dx, y, fy, dy;
    int bracketed;
} mt_interval;

static double mt_next(mt_interval *I, double t, double ft, double dt, double tmin, double tmax) {
    const double x = I->x, fx = I->fx, dx = I->dx;
    const int opposite = dt * (dx / fabs(dx)) < 0; // the slopes at x and t have opposite signs
    double next;
    if (ft > fx) {
        // case 1: a higher value, the minimiser is between x and t. The cubic step, unless the
        // quadratic through fx, dx, ft is much closer to x (then halfway between them)
        const double c = cubic_min(x, fx, dx, t, ft, dt);
        const double q = x + dx / ((fx - ft) / (t - x) + dx) / 2.0 * (t - x);
        next = fabs(c - x) < fabs(q - x) ? c : c + (q - c) / 2.0;
        I->bracketed = 1;
    } else if (opposite) {
        // case 2: lower value, slope changed sign: bracketed; the cubic or the secant step, whichever
        // is farther from t
        const double c = cubic_min(x, fx, dx, t, ft, dt);
        const double sec = t + dt / (dt - dx) * (x - t);
        next = fabs(c - t) > fabs(sec - t) ? c : sec;
        I->bracketed = 1;
    } else if (fabs(dt) < fabs(dx)) {
        // case 3: lower value, same slope sign, the slope shrinks. The cubic is used only when it
        // has a minimiser beyond t (else it heads to infinity there: take the bound)
        const double d1 = dx + dt - 3.0 * (fx - ft) / (x - t);
        const double s = fmax(fabs(d1), fmax(fabs(dx), fabs(dt)));
        const double d2 = (t > x ? 1.0 : -1.0) * s * sqrt(fmax((d1 / s) * (d1 / s) - (dx / s) * (dt / s), 0.0));
        const double r = (dt + d2 - d1) / (dt - dx + 2.0 * d2); // minimiser = t - r (t - x)
        const double c = (r < 0 && d2 != 0) ? t - r * (t - x) : (t > x ? tmax : tmin);
        const double sec = t + dt / (dt - dx) * (x - t);
        if (I->bracketed) { // the closer of the two, but no farther than 0.66 of the way to y
            next = fabs(c - t) < fabs(sec - t) ? c : sec;
            next = t > x ? fmin(t + 0.66 * (I->y - t), next) : fmax(t + 0.66 * (I->y - t), next);
        } else {
            next = fabs(c - t) > fabs(sec - t) ? c : sec;
            next = fmin(tmax, fmax(tmin, next));
        }
    } else {
        // case 4: lower value, same slope sign, the slope does not shrink: the cubic through t and y
        // when bracketed, else the bound in the direction of the step
        if (I->bracketed) next = cubic_min(I->y, I->fy, I->dy, t, ft, dt);
        else next = t > x ? tmax : tmin;
    }
    // the new ends: t replaces y when its value is higher, else it becomes the best end x (the old
    // x turning into y when the slopes changed sign)
    if (ft > fx) {
        I->y = t, I->fy = ft, I->dy = dt;
    } else {
        if (opposite) I->y = x, I->fy = fx, I->dy = dx;
        I->x = t, I->fx = ft, I->dx = dt;
    }
    return next;
}

/* More & Thuente (1994), "Line search algorithms with guaranteed sufficient decrease", ACM TOMS 20.
 *
 * Find t > 0 with psi(t) = f(w + t d) - f(w) - ftol t g.d <= 0 and |phi'(t)| <= gtol |phi'(0)|.
 * The interval of uncertainty [x, y] starts at [0, 0]; until a minimiser is bracketed, trials
 * extrapolate into [t + 1.1 (t - x), t + 4 (t - x)]; once it is, each trial comes from mt_next's
 * safeguarded cubic / quadratic / secant steps, and a bisection is forced when the interval has
 * not shrunk by a third in two steps. While no trial has reached psi <= 0 with phi' >= 0 (stage 1),
 * the steps are chosen on psi instead of phi (the modified function of sec. 3), which is what
 * guarantees a point with sufficient decrease. A non-finite f(w + t d) is answered by halving t.
 */
int mlc_optim_line_search_more_thuente(double *step, double *w_new, double *f_new, double *g_new, int64_t *n_eval,
                                       mlc_optim_fn fn, void *ctx, const double *w, double f, const double *g,
                                       const double *d, int64_t n_params, double ftol, double gtol, double xtol,
                                       double step_max, int64_t max_eval) {
    const int64_t p = n_params;
    const double dg0 = dot(g, d, p), gtest = ftol * dg0;
    if (n_eval != NULL) *n_eval = 0;
    if (!(dg0 < 0) || !(*step > 0) || !(step_max > 0)) return MLC_EINVAL;
    const double step_min = 0.0;
    mt_interval I = {0.0, f, dg0, 0.0, f, dg0, 0};
    double t = fmin(*step, step_max), tmin = 0.0, tmax = t + 4.0 * t;
    double width = step_max - step_min, width_prev = 2.0 * width;
    int stage = 1, st = MLC_ENOTCONVERGED;
    int64_t evals = 0;
    while (evals < max_eval) {
        for (int64_t j = 0; j < p; j++) w_new[j] = w[j] + t * d[j];
        double ft;
        const int s = fn(ctx, w_new, g_new, &ft);
        evals++;
        if (s != MLC_OK && s != MLC_ENUMERIC) {
            st = s;
            break;
        }
        *f_new = ft;
        *step = t;
        if (s == MLC_ENUMERIC || !isfinite(ft)) { // overflow: back off toward the best end
            tmax = t;
            t = I.x + 0.5 * (t - I.x);
            *f_new = INFINITY;
            continue;
        }
        const double dt = dot(g_new, d, p), ftest = f + t * gtest;
        // where f is flat to rounding its differences are noise: the approximate Wolfe test of Hager &
        // Zhang (2005), phi'(t) <= (1 - 2 ftol) |phi'(0)|, which is sufficient decrease on a quadratic,
        // stands in for the value test
        const int flat = fabs(ft - f) <= 1e-12 * MLC_MAX(1.0, fabs(f)) && dt <= (2 * ftol - 1) * dg0;
        if ((ft <= ftest || flat) && fabs(dt) <= -gtol * dg0) {
            st = MLC_OK;
            break;
        }
        if ((I.bracketed && (t <= tmin || t >= tmax)) || (I.bracketed && tmax - tmin <= xtol * tmax) ||
            (t == step_max && ft <= ftest && dt <= gtest))
            break; // rounding, a collapsed interval, or the largest step is still descending
        if (stage == 1 && ft <= ftest && dt >= 0) stage = 2;
        if (stage == 1 && ft <= I.fx && ft > ftest) {
            // choose on psi: shift values by the line f + s gtest and slopes by gtest
            I.fx -= I.x * gtest, I.fy -= I.y * gtest, I.dx -= gtest, I.dy -= gtest;
            t = mt_next(&I, t, ft - t * gtest, dt - gtest, tmin, tmax);
            I.fx += I.x * gtest, I.fy += I.y * gtest, I.dx += gtest, I.dy += gtest;
        } else {
            t = mt_next(&I, t, ft, dt, tmin, tmax);
        }
        if (I.bracketed) {
            if (fabs(I.y - I.x) >= 0.66 * width_prev) t = I.x + 0.5 * (I.y - I.x);
            width_prev = width;
            width = fabs(I.y - I.x);
            tmin = fmin(I.x, I.y);
            tmax = fmax(I.x, I.y);
        } else {
            tmin = t + 1.1 * (t - I.x);
            tmax = t + 4.0 * (t - I.x);
        }
        t = fmin(fmax(t, step_min), step_max);
        // nothing better can come out of a collapsed interval: end at the best point
        if (I.bracketed && (t <= tmin || t >= tmax || tmax - tmin <= xtol * tmax)) t = I.x;
    }
    if (n_eval != NULL) *n_eval = evals;
    return st;
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
 * intercepts) are kept as plain L-BFGS keeps them. Line search: plain L-BFGS uses More-Thuente
 * (ftol 1e-4, gtol 0.9, xtol 0.1, at most 20 evaluations), whose curvature condition also keeps
 * s.y > 0; OWL-QN (and plain L-BFGS with line_search = BACKTRACKING, or when More-Thuente fails
 * without even sufficient decrease) backtracks, halving the step until the Armijo condition
 * F(w_new) <= F(w) + 1e-4 pg.(w_new - w) holds. The first step is scaled to unit length.
 */
static int lbfgs_run(mlc_optim_lbfgs *s, double *w, double *f_out, int64_t *n_iter, int *converged, mlc_optim_fn fn,
                     void *ctx, const double *l1, int64_t max_iter, double tol, int stop_when_flat,
                     mlc_optim_iter_fn on_iter, void *iter_ctx) {
    const int64_t p = s->n_params;
    const int m = s->m;
    double *g = s->g, *pg = s->pg, *d = s->d, *wn = s->w_new, *gn = s->g_new;
    double f;
    int st = fn(ctx, w, g, &f);
    s->n_eval++;
    if (st != MLC_OK) return st;
    f += l1_norm(w, l1, p);
    if (!isfinite(f)) return MLC_ENUMERIC;
    int64_t it = 0, head = 0, count = 0;
    *converged = 0;
    mlc_optim_pseudo_gradient(pg, w, g, l1, p);
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
        const double step0 = count == 0 ? 1.0 / MLC_MAX(1.0, sqrt(dot(d, d, p))) : 1.0;
        double step = step0, fn_new = f;
        int accepted = 0;
        if (l1 == NULL && s->line_search == MLC_LINESEARCH_MORE_THUENTE) {
            int64_t evals = 0;
            st = mlc_optim_line_search_more_thuente(&step, wn, &fn_new, gn, &evals, fn, ctx, w, f, g, d, p, 1e-4, 0.9,
                                                    0.1, 1e20, 20);
            s->n_eval += evals;
            if (st == MLC_OK || (st == MLC_ENOTCONVERGED && isfinite(fn_new) && fn_new <= f + 1e-4 * step * slope))
                accepted = 1;
            else if (st != MLC_ENOTCONVERGED)
                return st;
            step = step0;
        }
        for (int ls = 0; !accepted && ls < 60; ls++) {
            for (int64_t j = 0; j < p; j++) {
                double v = w[j] + step * d[j];
                if (l1 != NULL && l1[j] > 0) {
                    const double orth = w[j] != 0 ? w[j] : -pg[j];
                    if (v * orth <= 0) v = 0.0;
                }
                wn[j] = v;
            }
            st = fn(ctx, wn, gn, &fn_new);
            s->n_eval++;
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
        mlc_optim_pseudo_gradient(pg, w, g, l1, p);
        if (on_iter != NULL && (st = on_iter(iter_ctx, it, w, f)) != MLC_OK) return st;
        if (max_abs(pg, p) <= tol ||
            (stop_when_flat && (f_old - f) <= s->ftol * MLC_MAX(MLC_MAX(fabs(f_old), fabs(f)), 1.0)))
            *converged = 1;
        else if (s->max_eval > 0 && s->n_eval > s->max_eval)
            break;
    }
    *f_out = f;
    *n_iter = it;
    return MLC_OK;
}

/* OWL-QN's finish. Near the optimum F is flat to rounding long before its pseudo-gradient is small
 * (F - F* ~ |pg|^2 / curvature), and OWL-QN, whose steps need a measurable decrease of F, stops
 * there. On the support S = {j : w_j != 0} with the signs fixed, F is smooth:
 *   F_S(w) = f(w) + sum_{j in S} l1_j sign_j w_j,   w_j = 0 frozen for j not in S (l1_j > 0),
 * so plain L-BFGS on F_S (More-Thuente, whose approximate Wolfe test keeps it moving where F is
 * flat) goes on until its gradient is below tol. Its point is kept only when no coordinate of S
 * crossed or reached zero, F did not increase and the pseudo-gradient of the full problem fell to
 * tol: a zero coordinate whose |grad_j f| exceeds l1_j shows up in that pseudo-gradient, so a wrong
 * support is never accepted. Otherwise OWL-QN's point stands. */
#define POLISH_ITER 100 /* at most this many L-BFGS iterations on the support */

typedef struct {
    mlc_optim_fn fn;
    void *ctx;
    const double *lin;  /* (P) l1_j sign(w_j) on S, 0 elsewhere */
    const double *keep; /* (P) 1 where w_j may move (S and unpenalised), 0 where frozen at 0 */
    int64_t p;
} support_problem;

static int support_fn(void *ctx, const double *w, double *grad, double *loss) {
    const support_problem *sp = ctx;
    const int st = sp->fn(sp->ctx, w, grad, loss);
    if (st != MLC_OK) return st;
    *loss += dot(sp->lin, w, sp->p);
    if (grad != NULL)
        for (int64_t j = 0; j < sp->p; j++) grad[j] = sp->keep[j] * (grad[j] + sp->lin[j]);
    return MLC_OK;
}

int mlc_optim_lbfgs_minimize(mlc_optim_lbfgs *s, double *w, double *f_out, int64_t *n_iter, int *converged,
                             mlc_optim_fn fn, void *ctx, const double *l1, int64_t max_iter, double tol,
                             mlc_optim_iter_fn on_iter, void *iter_ctx) {
    s->n_eval = 0;
    int st = lbfgs_run(s, w, f_out, n_iter, converged, fn, ctx, l1, max_iter, tol, 1, on_iter, iter_ctx);
    if (st != MLC_OK || l1 == NULL || *n_iter >= max_iter || max_abs(s->pg, s->n_params) <= tol ||
        (s->max_eval > 0 && s->n_eval > s->max_eval))
        return st;
    const int64_t p = s->n_params;
    // the main run's scratch is free now: d holds lin, g_new keep, w_new the polished point
    double *lin = s->d, *keep = s->g_new, *wp = s->w_new;
    for (int64_t j = 0; j < p; j++) {
        const int frozen = l1[j] > 0 && w[j] == 0;
        keep[j] = frozen ? 0.0 : 1.0;
        lin[j] = w[j] > 0 ? l1[j] : w[j] < 0 ? -l1[j] : 0.0;
    }
    memcpy(wp, w, sizeof(double) * p);
    support_problem sp = {fn, ctx, lin, keep, p};
    mlc_optim_lbfgs s2;
    if ((st = mlc_optim_lbfgs_init(&s2, p, s->m)) != MLC_OK) return st;
    s2.max_eval = s->max_eval > 0 ? MLC_MAX(s->max_eval - s->n_eval, 1) : 0;
    double f2;
    int64_t it2 = 0;
    int conv2 = 0;
    st = lbfgs_run(&s2, wp, &f2, &it2, &conv2, support_fn, &sp, NULL, MLC_MIN(max_iter - *n_iter, POLISH_ITER), tol,
                   0, NULL, NULL); // stop on the pseudo-gradient only: F_S is flat here too
    s->n_eval += s2.n_eval;
    mlc_optim_lbfgs_free(&s2);
    if (st != MLC_OK) return st;
    int same_support = 1;
    for (int64_t j = 0; j < p; j++)
        if (l1[j] > 0 && (wp[j] * w[j] < 0 || (w[j] != 0 && wp[j] == 0))) same_support = 0;
    if (!same_support || it2 == 0) return MLC_OK;
    // F and the pseudo-gradient of the full problem at the polished point, into d and g_new
    // (lin and keep are done with)
    double *gp = s->d, *pgp = s->g_new, fp;
    st = fn(ctx, wp, gp, &fp);
    s->n_eval++;
    if (st != MLC_OK) return st;
    fp += l1_norm(wp, l1, p);
    mlc_optim_pseudo_gradient(pgp, wp, gp, l1, p);
    const double pg_old = max_abs(s->pg, p), pg_new = max_abs(pgp, p);
    if (!(fp <= *f_out) || !(pg_new < pg_old) || !(pg_new <= tol)) return MLC_OK;
    memcpy(w, wp, sizeof(double) * p);
    memcpy(s->g, gp, sizeof(double) * p);
    memcpy(s->pg, pgp, sizeof(double) * p);
    *f_out = fp;
    *n_iter += it2;
    *converged = pg_new <= tol || conv2;
    if (on_iter != NULL) st = on_iter(iter_ctx, *n_iter, w, fp);
    return st;
}

/* ---- first-order steps ---- */
const char *mlc_optim_check_params(int method, int64_t n_params, double momentum, double beta1,
                                   double beta2, double eps) {
    if (method != MLC_OPTIM_SGD && method != MLC_OPTIM_MOMENTUM && method != MLC_OPTIM_NESTEROV &&
        method != MLC_OPTIM_ADAGRAD && method != MLC_OPTIM_ADAM)
        return "unknown optimizer";
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
    case MLC_OPTIM_SGD:
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

/* Proximal first-order steps for F(w) = f(w) + sum_j l1_j |w_j|.
 *
 * Each method's update on grad f is followed by w_j <- mlc_optim_soft_threshold(w_j, lr_j l1_j), the
 * proximal map of the L1 term with the step lr_j that the update gave coordinate j, so that a
 * fixed point is a minimiser of F (w = prox(w - lr_j grad_j f) holds exactly at the optimum) and
 * coordinates reach exact zeros:
 *   gd:       lr_j = lr: ISTA, proximal gradient (Beck & Teboulle 2009, with no acceleration).
 *   momentum: lr_j = lr, and the velocity is reset to the step actually taken, (w_old - w_new) / lr,
 *             so the next step is w - lr grad + mu (w_t - w_{t-1}) inside the prox: iPiano, the
 *             proximal heavy ball (Ochs, Chen, Brox & Pock 2014). Thresholding without the reset
 *             would converge to the optimum of an L1 weight scaled by (1 - mu).
 *   nesterov: the Sutskever form's w is the look-ahead point y; the prox acts on the point
 *             x_{t+1} = prox(y_t - lr grad f(y_t)) (kept in v), and y_{t+1} = x_{t+1} +
 *             mu (x_{t+1} - x_t): FISTA's pair of sequences (Beck & Teboulle 2009) with a
 *             constant momentum. Zeros of x are zeros of y once x has settled.
 *   adagrad:  lr_j = lr / (sqrt(G_j) + eps): composite mirror descent with Adagrad's diagonal
 *             proximal term (Duchi, Hazan & Singer 2011, the diagonal update of sec. 5.1).
 *   adam:     lr_j = (lr sqrt(1 - b2^t) / (1 - b1^t)) / (sqrt(v_j) + eps sqrt(1 - b2^t)): the same
 *             diagonal scaling as Adam's own step (a proximal Adam in the sense of Melchior,
 *             Moolekamp & Leroux 2019). Adam's momentum stays on grad f.
 * An unpenalised coordinate (l1_j = 0) is left exactly as the plain step made it (up to rounding
 * for momentum and Nesterov, whose state is rewritten).
 */
void mlc_optim_prox_l1(mlc_optim *o, double *w, const double *l1, double lr) {
    const int64_t p = o->n_params;
    double *m = o->m, *v = o->v;
    const double mu = o->momentum;
    switch (o->method) {
    case MLC_OPTIM_SGD:
        for (int64_t j = 0; j < p; j++) w[j] = mlc_optim_soft_threshold(w[j], lr * l1[j]);
        break;
    case MLC_OPTIM_MOMENTUM:
        for (int64_t j = 0; j < p; j++) {
            const double pre = w[j];
            w[j] = mlc_optim_soft_threshold(pre, lr * l1[j]);
            m[j] += (pre - w[j]) / lr; // m = (w_old - w_new) / lr, since w_old = pre + lr m
        }
        break;
    case MLC_OPTIM_NESTEROV:
        for (int64_t j = 0; j < p; j++) {
            // after mlc_optim_step: w = y - lr (g + mu m), m = mu m_old + g; so y - lr g = w + lr mu m,
            // and on the first step (m_old = 0) the previous x is y itself = w + lr (1 + mu) m
            const double x_prev = o->t == 1 ? w[j] + lr * (1 + mu) * m[j] : v[j];
            const double x = mlc_optim_soft_threshold(w[j] + lr * mu * m[j], lr * l1[j]);
            m[j] = (x_prev - x) / lr;
            w[j] = x - lr * mu * m[j];
            v[j] = x;
        }
        break;
    case MLC_OPTIM_ADAGRAD:
        for (int64_t j = 0; j < p; j++) w[j] = mlc_optim_soft_threshold(w[j], lr * l1[j] / (sqrt(v[j]) + o->eps));
        break;
    default: {
        const double c1 = 1.0 - pow(o->beta1, (double)o->t), c2 = 1.0 - pow(o->beta2, (double)o->t);
        const double a = lr * sqrt(c2) / c1, e = o->eps * sqrt(c2);
        for (int64_t j = 0; j < p; j++) w[j] = mlc_optim_soft_threshold(w[j], a * l1[j] / (sqrt(v[j]) + e));
    }
    }
}

const char *mlc_optim_lr_check_params(const mlc_optim_lr_schedule *s) {
    if (s->kind != MLC_LR_CONSTANT && s->kind != MLC_LR_INVSCALING && s->kind != MLC_LR_EXPONENTIAL &&
        s->kind != MLC_LR_STEP)
        return "unknown learning-rate schedule";
    if (!(s->eta0 > 0) || !isfinite(s->eta0)) return "learning_rate must be > 0";
    if (s->kind == MLC_LR_INVSCALING && !(s->power >= 0)) return "power_t must be >= 0";
    if ((s->kind == MLC_LR_EXPONENTIAL || s->kind == MLC_LR_STEP) && !(s->gamma > 0 && s->gamma <= 1))
        return "lr_decay must be in (0, 1]";
    if (s->kind == MLC_LR_STEP && s->step_size < 1) return "lr_step_size must be >= 1";
    return NULL;
}

double mlc_optim_lr_at(const mlc_optim_lr_schedule *s, int64_t t) {
    switch (s->kind) {
    case MLC_LR_INVSCALING: return s->eta0 / pow(1.0 + (double)t, s->power);
    case MLC_LR_EXPONENTIAL: return s->eta0 * pow(s->gamma, (double)t);
    case MLC_LR_STEP: return s->eta0 * pow(s->gamma, (double)(t / s->step_size));
    default: return s->eta0;
    }
}
