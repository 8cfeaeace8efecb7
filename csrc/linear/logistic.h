/* logistic.h: (multinomial) logistic regression: the loss, its gradient, and the fit driver.
 *
 * Legend: N samples, D features, C classes, K = 1 for binary problems (one logit, the log-odds of
 * class 1) else K = C (softmax over C logits, scikit-learn's full multinomial parameterisation).
 * Parameters are one flat vector w of P = K*D (+ K with an intercept) doubles: the coefficients
 * W (K, D) row-major, then the intercepts b (K).
 *
 * Objective (scikit-learn's, up to the positive factor 1 / (C sum_i s_i), which the solvers
 * minimise so that tol means what it means in scikit-learn):
 *   C sum_i s_i loss_i(W, b) + (1 - r)/2 ||W||_F^2 + r ||W||_1
 * with s_i the sample weight (times the class weight), r = 0 (l2), 1 (l1), l1_ratio (elasticnet),
 * no penalty at all for 'none' or C = inf; the intercept is never penalised. L1 terms need owlqn or a
 * first-order solver (proximal steps); lbfgs takes 'l2' and 'none' only.
 *   binary:      loss_i = log(1 + exp(z_i)) - y_i z_i,      z_i = x_i.w + b
 *   multinomial: loss_i = logsumexp_c(z_ic) - z_i,y_i,     z_i = W x_i + b
 *
 * Determinism: rows are cut into blocks of 256 and the blocks into at most 8 chunks, a split that
 * depends on N only; each chunk accumulates its own gradient and the chunks are merged in order, so
 * the result is bit-identical whatever the number of threads.
 */
#ifndef MLC_LOGISTIC_H
#define MLC_LOGISTIC_H

#include "core/enums.h" /* MLC_LOGISTIC_*, MLC_PENALTY_* */
#include "linear/optim.h"
#include "mlc.h"

typedef struct {
    int solver;         /* MLC_LOGISTIC_* */
    int penalty;        /* MLC_PENALTY_* */
    double C;           /* inverse regularisation strength, > 0; inf: no penalty */
    double l1_ratio;    /* elasticnet only, in [0, 1] */
    int fit_intercept;
    int64_t max_iter;   /* iterations (lbfgs, owlqn, gd) or epochs (the others) */
    double tol;         /* max |(pseudo-)gradient| of the scaled objective (batch solvers); relative
                           objective decrease over n_iter_no_change epochs (stochastic solvers) */
    int64_t n_iter_no_change;
    int64_t batch_size; /* first-order solvers: rows per step (>= N: full batch) */
    mlc_optim_lr_schedule lr; /* first-order solvers, indexed by epoch */
    double momentum, beta1, beta2, eps;
    uint64_t seed;      /* the shuffling of the stochastic solvers */
    int lbfgs_memory;   /* m of L-BFGS / OWL-QN */
    int line_search;    /* lbfgs: MLC_LINESEARCH_* (0, More-Thuente, is the default) */
} mlc_logistic_params;

/* NULL, or why (n, d, n_classes, params) cannot be fitted (e.g. l1 with lbfgs). */
const char *mlc_logistic_check_params(int64_t n, int64_t d, int64_t n_classes, const mlc_logistic_params *p);
/* P for (d, n_classes, fit_intercept). */
int64_t mlc_logistic_n_params(int64_t d, int64_t n_classes, int fit_intercept);

/* Scaled data loss and its gradient at w, without any penalty:
 *   loss out: sum_i s_i loss_i / sum_i s_i;  grad (P) out (may be NULL);
 *   w (P) in; X (N, D) in; y (N) in, class codes 0..C-1; sw (N) in or NULL (all ones). */
int mlc_logistic_loss_grad(double *loss, double *grad, const double *w, const double *X, const int32_t *y,
                           const double *sw, int64_t n, int64_t d, int64_t n_classes, int fit_intercept,
                           int n_threads);

/* Fit. w (P) inout: the start, then the solution; loss_curve, objective_curve (max_iter + 1) out:
 * per iteration (epoch) the scaled data loss and the scaled objective (loss + penalty / (C sum s));
 * *n_curve out: entries written; *n_iter out; *converged out.
 * X (N, D) in; y (N) in; sw (N) in or NULL. Returns MLC_OK when max_iter is reached too. */
int mlc_logistic_fit(double *w, double *loss_curve, double *objective_curve, int64_t *n_curve, int64_t *n_iter,
                     int *converged, const double *X, const int32_t *y, const double *sw, int64_t n, int64_t d,
                     int64_t n_classes, const mlc_logistic_params *p, int n_threads, const mlc_progress *progress);

/* mlc_logistic_fit on a CSR matrix (N, D): data (NNZ), indices (NNZ) int32, indptr (N + 1) int64, in
 * core/sparse.h's canonical form, never densified. Every solver; the same optimum as on the dense copy. */
int mlc_logistic_fit_csr(double *w, double *loss_curve, double *objective_curve, int64_t *n_curve, int64_t *n_iter,
                         int *converged, const double *data, const int32_t *indices, const int64_t *indptr,
                         const int32_t *y, const double *sw, int64_t n, int64_t d, int64_t n_classes,
                         const mlc_logistic_params *p, int n_threads, const mlc_progress *progress);

/* The binary loss on a block of rows, dispatched per CPU level: returns sum_i s_i (log(1 + e^t_i) - y_i t_i),
 * t_i = x_i.w + b, s_i = scale sw_i (scale when sw is NULL); z (N) out: the residuals r_i = s_i (sigmoid(t_i)
 * - y_i); grad (D) in/out (or NULL: none) += Xb^T r. Xb (N, D) in; w (D) in; y (N) in: class codes (1:
 * positive); sw (N) in or NULL. */
double mlc_logistic_binary_block(double *grad, double *z, const double *Xb, const double *w, const int32_t *y,
                                 const double *sw, double b, double scale, int64_t n, int64_t d);

/* The multinomial loss on a block of rows, dispatched per CPU level: returns sum_i s_i (logsumexp_c t_ci -
 * t_y_i,i), t_ci = Zt_ci + b_c; Zt (K, N) in: the logits W X^T without the intercepts b (K) in (or NULL:
 * none); out: the residuals s_i (softmax(t_.i) - onehot(y_i)), transposed too. y (N) in: class codes; sw (N)
 * in or NULL; s_i = scale sw_i; scratch (2 N). */
double mlc_logistic_softmax_block(double *Zt, double *scratch, const int32_t *y, const double *sw, const double *b,
                                  double scale, int64_t n, int64_t k);

/* ---- shared by the solvers of logistic.c and logistic_newton.c ---- */
/* The problem as an mlc_optim_fn context: data, penalty and the scratch of every chunk. */
typedef struct {
    const double *X;       /* (N, D), or NULL: the rows are the CSR matrix (data, indices, indptr) */
    const double *data;    /* CSR (core/sparse.h's form), when X is NULL */
    const int32_t *indices;
    const int64_t *indptr;
    const int32_t *y;
    const double *sw;
    int64_t n, d, k;
    int fit_intercept;
    double l2;           /* on W only */
    double data_scale;   /* 1 / S, or N / (S |batch|) on a mini-batch */
    const int64_t *rows; /* a mini-batch (its row indices) or NULL: all rows */
    int64_t n_rows;
    int n_threads;
    double *memo;        /* NULL, or (w, gradient, F) of one point: the next call at that w with a gradient
                            reads them instead of a pass over X (P + P + 1) */
    double *resid;       /* NULL, or (N, K) out: each full pass leaves there the residuals
                            s_i / S (p_i - onehot(y_i)) of every row (binary: s_i / S (p_i - y_i)) */
    double *scratch;     /* MAX_CHUNKS * chunk_size */
    int64_t chunk_size;  /* BLOCK*D (gathered dense rows; none for CSR) + BLOCK*(K + 4) (logits, then a mini-batch's labels and
                            weights, then the softmax's scratch) + P + 1 (gradient, loss) */
} mlc_logistic_problem;

/* Sets pr up for (X, y, sw) (which it points to; X NULL: (data, indices, indptr), else those NULL) and
 * allocates its scratch (mlc_free(pr->scratch)). */
int mlc_logistic_problem_init(mlc_logistic_problem *pr, const double *X, const double *data, const int32_t *indices,
                              const int64_t *indptr, const int32_t *y, const double *sw, int64_t n, int64_t d,
                              int64_t n_classes, int fit_intercept, int n_threads);
/* mlc_optim_fn (ctx: an mlc_logistic_problem): F without the L1 term, by one chunked pass over X. */
int mlc_logistic_problem_fn(void *ctx, const double *w, double *grad, double *loss);

/* The Newton solvers (logistic_newton.c) from w: newton-cg (p->solver MLC_LOGISTIC_NEWTON_CG) or
 * newton-cholesky, on pr (its l2 set, memo NULL); the same outputs and hook as mlc_optim_lbfgs_minimize. */
int mlc_logistic_newton_minimize(double *w, double *f_out, int64_t *n_iter, int *converged, mlc_logistic_problem *pr,
                                 const mlc_logistic_params *p, mlc_optim_iter_fn on_iter, void *iter_ctx);

#endif
