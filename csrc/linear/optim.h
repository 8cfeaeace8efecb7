/* optim.h: first- and second-order optimisers over one flat float64 parameter vector.
 *
 * Legend: P parameters (one contiguous vector w, the caller's layout).
 *
 * The objective is a callback: fn(ctx, w, grad, loss) writes loss = f(w) and, when grad is not
 * NULL, grad (P) = grad f(w); it returns MLC_OK or a negative status (which the solver returns).
 * The same solvers serve any smooth model (logistic regression here, the networks later).
 *
 * - mlc_lbfgs_minimize: L-BFGS (Nocedal & Wright, 2nd ed., alg. 7.4 two-loop recursion, alg. 7.5
 *   outer loop) with a backtracking Armijo line search; given per-coordinate L1 weights it is
 *   OWL-QN (Andrew & Gao 2007) for f(w) + sum_j l1_j |w_j|.
 * - mlc_optim_step: one update of plain / momentum / Nesterov / Adagrad / Adam from a gradient the
 *   caller computed (full batch, one sample or a mini-batch: the caller decides), with a learning
 *   rate from mlc_lr_at (constant, invscaling, exponential or step decay).
 */
#ifndef MLC_OPTIM_H
#define MLC_OPTIM_H

#include "mlc.h"

/* f(w) and its gradient; grad (P) out may be NULL (loss only). */
typedef int (*mlc_optim_fn)(void *ctx, const double *w, double *grad, double *loss);
/* Called after each iteration with the iterate and its objective (incl. any L1 term); a nonzero
 * return (a negative status) stops the solver, which returns it. May be NULL. */
typedef int (*mlc_optim_iter_fn)(void *ctx, int64_t iter, const double *w, double objective);

/* ---- L-BFGS / OWL-QN ------------------------------------------------------------------------ */
typedef struct {
    int64_t n_params; /* P */
    int m;            /* memory: number of (s, y) pairs kept */
    double *s, *y;    /* (m, P) ring buffers of steps and gradient changes */
    double *rho;      /* (m) 1 / y_i.s_i */
    double *alpha;    /* (m) two-loop scratch */
    double *g, *pg, *d, *w_new, *g_new; /* (P) each: gradient, pseudo-gradient, direction, trial */
    double *block_;   /* the one allocation behind the arrays above */
} mlc_lbfgs;

int mlc_lbfgs_init(mlc_lbfgs *s, int64_t n_params, int m);
void mlc_lbfgs_free(mlc_lbfgs *s); /* safe on a zeroed struct */

/* Minimise F(w) = f(w) + sum_j l1_j |w_j| from w.
 *   w (P) inout; *f_out out: F at the returned w; *n_iter out; *converged out (1 when
 *   max_j |pseudo-gradient_j| <= tol or the relative decrease of F fell below 64 eps, the
 *   criteria of scipy's L-BFGS-B with pgtol=tol);
 *   l1 (P) in or NULL (plain L-BFGS).
 * Returns MLC_OK also when max_iter is reached (converged = 0), MLC_ENUMERIC on a non-finite f. */
int mlc_lbfgs_minimize(mlc_lbfgs *s, double *w, double *f_out, int64_t *n_iter, int *converged,
                       mlc_optim_fn fn, void *ctx, const double *l1, int64_t max_iter, double tol,
                       mlc_optim_iter_fn on_iter, void *iter_ctx);

/* ---- first-order steps ---------------------------------------------------------------------- */
enum {
    MLC_OPTIM_GD = 0,       /* w -= lr g (plain: batch, stochastic or mini-batch) */
    MLC_OPTIM_MOMENTUM = 1, /* v = mu v + g; w -= lr v (heavy ball, PyTorch's form) */
    MLC_OPTIM_NESTEROV = 2, /* v = mu v + g; w -= lr (g + mu v) (Sutskever et al. 2013 form) */
    MLC_OPTIM_ADAGRAD = 3,  /* G += g^2; w -= lr g / (sqrt(G) + eps) (Duchi et al. 2011) */
    MLC_OPTIM_ADAM = 4      /* Kingma & Ba 2015 with bias correction */
};

typedef struct {
    int method;       /* MLC_OPTIM_* */
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

/* Learning-rate schedules, t = 0, 1, ... (steps or epochs: the caller's unit). */
enum { MLC_LR_CONSTANT = 0, MLC_LR_INVSCALING = 1, MLC_LR_EXPONENTIAL = 2, MLC_LR_STEP = 3 };
typedef struct {
    int kind;          /* MLC_LR_* */
    double eta0;       /* initial rate */
    double power;      /* invscaling: eta0 / (1 + t)^power */
    double gamma;      /* exponential: eta0 gamma^t; step: eta0 gamma^floor(t / step_size) */
    int64_t step_size;
} mlc_lr_schedule;

const char *mlc_lr_check_params(const mlc_lr_schedule *s);
double mlc_lr_at(const mlc_lr_schedule *s, int64_t t);

#endif
