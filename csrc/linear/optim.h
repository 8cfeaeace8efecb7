/* optim.h: first- and second-order optimisers over one flat float64 parameter vector.
 *
 * Legend: P parameters (one contiguous vector w, the caller's layout).
 *
 * The objective is a callback: fn(ctx, w, grad, loss) writes loss = f(w) and, when grad is not
 * NULL, grad (P) = grad f(w); it returns MLC_OK or a negative status (which the solver returns).
 * The same solvers serve any smooth model (logistic regression here, the networks later).
 *
 * - mlc_optim_lbfgs_minimize: L-BFGS (Nocedal & Wright, 2nd ed., alg. 7.4 two-loop recursion, alg. 7.5
 *   outer loop) with the More-Thuente line search (or, as an option, backtracking); given
 *   per-coordinate L1 weights it is OWL-QN (Andrew & Gao 2007) for f(w) + sum_j l1_j |w_j|, whose
 *   orthant projection needs the backtracking search.
 * - mlc_optim_line_search_more_thuente: a step satisfying the strong Wolfe conditions (More & Thuente 1994).
 * - mlc_optim_step: one update of plain / momentum / Nesterov / Adagrad / Adam from a gradient the
 *   caller computed (full batch, one sample or a mini-batch: the caller decides), with a learning
 *   rate from mlc_optim_lr_at (constant, invscaling, exponential or step decay).
 * Names: one prefix, mlc_optim_, then the part: lbfgs_, line_search_, lr_ (none for the first-order steps).
 */
#ifndef MLC_OPTIM_H
#define MLC_OPTIM_H

#include "core/enums.h" /* MLC_LINESEARCH_*, MLC_OPTIM_*, MLC_LR_* */
#include "mlc.h"

/* f(w) and its gradient; grad (P) out may be NULL (loss only). */
typedef int (*mlc_optim_fn)(void *ctx, const double *w, double *grad, double *loss);
/* Called after each iteration with the iterate and its objective (incl. any L1 term); a nonzero
 * return (a negative status) stops the solver, which returns it. May be NULL. */
typedef int (*mlc_optim_iter_fn)(void *ctx, int64_t iter, const double *w, double objective);

/* ---- line search ---------------------------------------------------------------------------- */
/* More & Thuente (1994), the search of MINPACK-2 / L-BFGS-B / liblbfgs: from w along the descent
 * direction d (g.d < 0), a step t > 0 with the strong Wolfe conditions
 *   f(w + t d) <= f(w) + ftol t g.d   and   |grad f(w + t d).d| <= gtol |g.d|,
 * 0 < ftol, gtol < 1 (L-BFGS: 1e-4, 0.9; ftol < gtol guarantees such a step exists).
 *   *step inout: the first trial (> 0), then the step of w_new;
 *   w_new (P), *f_new, g_new (P) out: the last point evaluated, its f and gradient; *n_eval out (or NULL);
 *   w (P), f = f(w), g (P) = grad f(w), d (P) in; xtol: relative width below which the bracketing
 *   interval counts as collapsed (0.1 in MINPACK-2); step_max: the largest step; max_eval >= 1.
 * Returns MLC_OK when the conditions hold at w_new; MLC_ENOTCONVERGED when max_eval evaluations,
 * rounding or step_max stopped it first (w_new is then the last trial, the best point found when
 * the interval collapsed); MLC_EINVAL when d is not a descent direction; fn's status on error. */
int mlc_optim_line_search_more_thuente(double *step, double *w_new, double *f_new, double *g_new, int64_t *n_eval,
                                       mlc_optim_fn fn, void *ctx, const double *w, double f, const double *g,
                                       const double *d, int64_t n_params, double ftol, double gtol, double xtol,
                                       double step_max, int64_t max_eval);

/* ---- L-BFGS / OWL-QN ------------------------------------------------------------------------ */
typedef struct {
    int64_t n_params; /* P */
    int m;            /* memory: number of (s, y) pairs kept */
    int line_search;  /* MLC_LINESEARCH_* for plain L-BFGS (OWL-QN always backtracks); set by
                         mlc_optim_lbfgs_init to More-Thuente, the caller may change it before minimizing */
    double ftol;      /* the relative decrease of F that counts as converged (scipy's L-BFGS-B: factr eps);
                         init sets 64 eps, the caller may change it */
    int64_t max_eval; /* stop, not converged, after the iteration in which the evaluations of fn exceed
                         max_eval (scipy's maxfun); init sets 0: no limit */
    int64_t n_eval;   /* out: the evaluations of fn made by the last minimize */
    double *s, *y;    /* (m, P) ring buffers of steps and gradient changes */
    double *rho;      /* (m) 1 / y_i.s_i */
    double *alpha;    /* (m) two-loop scratch */
    double *g, *pg, *d, *w_new, *g_new; /* (P) each: gradient, pseudo-gradient, direction, trial */
    double *block_;   /* the one allocation behind the arrays above */
} mlc_optim_lbfgs;

int mlc_optim_lbfgs_init(mlc_optim_lbfgs *s, int64_t n_params, int m);
void mlc_optim_lbfgs_free(mlc_optim_lbfgs *s); /* safe on a zeroed struct */

/* Minimise F(w) = f(w) + sum_j l1_j |w_j| from w.
 *   w (P) inout; *f_out out: F at the returned w; *n_iter out; *converged out (1 when
 *   max_j |pseudo-gradient_j| <= tol or the relative decrease of F fell below s->ftol, the
 *   criteria of scipy's L-BFGS-B with pgtol=tol; OWL-QN stopped by the second one then finishes
 *   with L-BFGS on the support of w, kept when it reaches the first: see optim.c);
 *   l1 (P) in or NULL (plain L-BFGS).
 * Returns MLC_OK also when max_iter is reached (converged = 0), MLC_ENUMERIC on a non-finite f. */
int mlc_optim_lbfgs_minimize(mlc_optim_lbfgs *s, double *w, double *f_out, int64_t *n_iter, int *converged,
                             mlc_optim_fn fn, void *ctx, const double *l1, int64_t max_iter, double tol,
                             mlc_optim_iter_fn on_iter, void *iter_ctx);

/* ---- first-order steps ---------------------------------------------------------------------- */
/* The methods (MLC_OPTIM_*):
 *   sgd       w -= lr g (plain: batch, stochastic or mini-batch)
 *   momentum  v = mu v + g; w -= lr v (heavy ball, PyTorch's form)
 *   nesterov  v = mu v + g; w -= lr (g + mu v) (Sutskever et al. 2013 form)
 *   adagrad   G += g^2; w -= lr g / (sqrt(G) + eps) (Duchi et al. 2011)
 *   adam      Kingma & Ba 2015 with bias correction */

typedef struct {
    int method;       /* MLC_OPTIM_SGD, _MOMENTUM, _NESTEROV, _ADAGRAD or _ADAM */
    int64_t n_params; /* P */
    int64_t t;        /* steps taken */
    double momentum, beta1, beta2, eps;
    double *m, *v;    /* (P) each: velocity / first moment, accumulated squares / second moment */
    double *block_;
} mlc_optim;

const char *mlc_optim_check_params(int method, int64_t n_params, double momentum, double beta1,
                                   double beta2, double eps);
int mlc_optim_init(mlc_optim *o, int method, int64_t n_params, double momentum, double beta1,
                   double beta2, double eps);
void mlc_optim_free(mlc_optim *o);
/* One update. w (P) inout; grad (P) in. */
void mlc_optim_step(mlc_optim *o, double *w, const double *grad, double lr);
/* sign(x) max(|x| - t, 0): the proximal map of t |.| */
static inline double mlc_optim_soft_threshold(double x, double t) { return x > t ? x - t : x < -t ? x + t : 0.0; }

/* The proximal step of sum_j l1_j |w_j|, called right after every mlc_optim_step with the same lr
 * (grad then is the gradient of the smooth part only): soft-thresholds each w_j by lr_j l1_j, lr_j the
 * coordinate's effective step (see optim.c), and keeps the method's state consistent with the
 * thresholded iterate. w (P) inout; l1 (P) in, >= 0 (0: coordinate not penalised, left alone). */
void mlc_optim_prox_l1(mlc_optim *o, double *w, const double *l1, double lr);
/* OWL-QN's pseudo-gradient of f + sum_j l1_j |w_j| (the minimum-norm subgradient): pg (P) out;
 * w, g = grad f (P) in; l1 (P) in or NULL (pg = g). It is 0 exactly at a minimiser. */
void mlc_optim_pseudo_gradient(double *pg, const double *w, const double *g, const double *l1, int64_t p);

/* Learning-rate schedules, t = 0, 1, ... (steps or epochs: the caller's unit). */
typedef struct {
    int kind;          /* MLC_LR_CONSTANT, _INVSCALING, _EXPONENTIAL or _STEP */
    double eta0;       /* initial rate */
    double power;      /* invscaling: eta0 / (1 + t)^power */
    double gamma;      /* exponential: eta0 gamma^t; step: eta0 gamma^floor(t / step_size) */
    int64_t step_size;
} mlc_optim_lr_schedule;

const char *mlc_optim_lr_check_params(const mlc_optim_lr_schedule *s);
double mlc_optim_lr_at(const mlc_optim_lr_schedule *s, int64_t t);

#endif
