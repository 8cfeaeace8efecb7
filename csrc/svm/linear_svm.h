/* linear_svm.h: linear support vector machines and logistic regression as LIBLINEAR solves them (Fan et al. 2008).
 *
 * Legend: N samples, D features, C classes, K = 1 for two classes else K = C (one-vs-rest),
 * P = D + 1 with an intercept (the weight of a constant feature of value `bias`, regularised like
 * any other weight, as in LIBLINEAR) else P = D.
 *
 * A problem is one binary task: labels y_i in {-1, +1} and a cost C_i > 0 per sample (C times the
 * class weight times the sample weight; samples of cost 0 are left out, as LIBLINEAR does). For
 * w~ = (w, w_b) and x~_i = (x_i, bias) the solvers minimise the primal
 *   l2 penalty: 0.5 ||w~||^2 + sum_i C_i loss(y_i w~.x~_i)
 *   l1 penalty:     ||w~||_1 + sum_i C_i loss(y_i w~.x~_i)
 * with loss(m) = max(0, 1 - m) (hinge) or max(0, 1 - m)^2 (squared hinge), by LIBLINEAR's solvers
 * (the values of core/enums.h's MLC_LINEAR_SVM_* are LIBLINEAR's solver numbers):
 *   MLC_LINEAR_SVM_L2R_L2LOSS_DUAL    1  dual coordinate descent, squared hinge (Hsieh et al. 2008)
 *   MLC_LINEAR_SVM_L2R_L2LOSS_PRIMAL  2  primal, squared hinge: L-BFGS (LIBLINEAR: trust-region Newton)
 *   MLC_LINEAR_SVM_L2R_L1LOSS_DUAL    3  dual coordinate descent, hinge (Hsieh et al. 2008)
 *   MLC_LINEAR_SVM_MCSVM_CS           4  Crammer and Singer's multi-class SVM, one problem over all
 *                                        classes: 0.5 sum_c ||w~_c||^2
 *                                        + sum_i C_i max(0, max_{c != y_i} 1 + (w~_c - w~_{y_i}).x~_i),
 *                                        dual coordinate descent by sample (Keerthi et al. 2008)
 *   MLC_LINEAR_SVM_L1R_L2LOSS         5  primal coordinate descent with line search, l1 penalty,
 *                                        squared hinge (Yuan et al. 2010)
 * and LIBLINEAR's logistic-regression solvers (linear_svm_lr.c), loss(m) = log(1 + exp(-m)):
 *   MLC_LINEAR_SVM_L2R_LR             0  l2, primal: trust-region Newton with preconditioned CG
 *   MLC_LINEAR_SVM_L2R_LR_DUAL        7  l2, dual coordinate descent (Yu, Huang and Lin 2011)
 *   MLC_LINEAR_SVM_L1R_LR             6  l1, newGLMNET (Yuan, Ho and Lin 2012)
 * Regression (LinearSVR) uses the epsilon-insensitive losses max(0, |y_i - w~.x~_i| - epsilon) and
 * its square with one cost C_i per sample:
 *   MLC_LINEAR_SVM_L2R_L2LOSS_SVR_DUAL 12, MLC_LINEAR_SVM_L2R_L1LOSS_SVR_DUAL 13
 *                                        dual coordinate descent (Ho and Lin 2012)
 *
 * Curves: after each outer iteration (a pass over the active variables) a solver records an
 * objective and its loss part (objective = loss part + penalty part):
 *   primal solvers (0, 2, 5, 6): the primal objective, loss part sum_i C_i loss_i, exact;
 *   logistic dual (7): the dual objective -0.5 ||w~||^2 + sum_i h_i, loss part sum_i h_i with
 *   h_i = C_i log C_i - alpha_i log alpha_i - (C_i - alpha_i) log(C_i - alpha_i), after each pass;
 *   dual solvers (1, 3, 12, 13): the dual objective D = -0.5 ||w~||^2 + conj (maximised; it rises to
 *   the primal optimum by strong duality), loss part conj = sum_i alpha_i - D_ii alpha_i^2 / 2 (SVR:
 *   sum_i y_i beta_i - epsilon |beta_i| - lambda_i beta_i^2 / 2), the conjugate of the loss. It is
 *   updated in O(1) per coordinate step (no pass over X); the last entry is recomputed from alpha.
 */
#ifndef MLC_LINEAR_SVM_H
#define MLC_LINEAR_SVM_H

#include "core/enums.h" /* MLC_LINEAR_SVM_* */
#include "mlc.h"

typedef struct {
    int solver;       /* MLC_LINEAR_SVM_* */
    double C;         /* > 0 */
    double tol;       /* > 0: LIBLINEAR's eps */
    int64_t max_iter; /* >= 0 outer iterations */
    double bias;      /* > 0: value of the constant intercept feature; 0: no intercept */
    double epsilon;   /* SVR: width of the insensitive tube, >= 0 */
    uint64_t seed;    /* the random order of the coordinate-descent passes */
    int64_t curve_cap; /* entries kept per curve (>= 1; 0: max_iter + 1); a solver that runs longer
                          keeps the first curve_cap - 1 and its final entry */
} mlc_linear_svm_params;

/* The rows of X (N, D): dense X (row-major), or (X NULL) a CSR matrix in core/sparse.h's canonical form,
 * never densified. The l1 solvers (5, 6) work on columns: a (P, N) copy of dense X, or X's CSC
 * (NNZ + N entries, built once per fit) for CSR X. */
typedef struct {
    const double *X;
    const double *data;     /* (NNZ) */
    const int32_t *indices; /* (NNZ) */
    const int64_t *indptr;  /* (N + 1) */
} mlc_linear_svm_rows;

/* The curve row length for p: curve_cap, or max_iter + 1 when it is 0. */
int64_t mlc_linear_svm_curve_len(const mlc_linear_svm_params *p);

/* NULL, or why (n, d, n_classes, params) cannot be fitted. n_classes is ignored by SVR solvers. */
const char *mlc_linear_svm_check_params(int64_t n, int64_t d, int64_t n_classes, const mlc_linear_svm_params *p);

/* Classification, LIBLINEAR's train(). Crammer-Singer: one problem, coef (C, P), n_iter (1), one
 * curve; sample i costs C cw[y_i] sw_i. Otherwise one-vs-rest: for two classes one problem with class 1
 * positive (cost C cw[1]) and class 0 negative (C cw[0]); for more, problem k has class k positive
 * (C cw[k]) and every other class negative (cost C: LIBLINEAR weights only the positive side).
 * Each sample's cost is also multiplied by its weight. The one-vs-rest problems run on up to n_threads
 * threads, problem k in the random order of stream (seed, k) whatever the thread count.
 *   coef (K, P) out; n_iter (K) out; loss_curve, objective_curve (K, mlc_linear_svm_curve_len(p)) out, row k
 *   holding n_curve[k] entries; n_curve (K) out;
 *   rows (N, D) in; y (N) in, class codes 0..C-1; sw (N) in or NULL; cw (C) in or NULL (ones). */
int mlc_linear_svm_fit_svc(double *coef, int64_t *n_iter, double *loss_curve, double *objective_curve, int64_t *n_curve,
                           const mlc_linear_svm_rows *rows, const int32_t *y, const double *sw, const double *cw, int64_t n, int64_t d,
                           int64_t n_classes, const mlc_linear_svm_params *p, int n_threads,
                           const mlc_progress *progress);

/* Regression (LinearSVR), one problem with cost C sw_i.
 *   coef (P) out; n_iter out; loss_curve, objective_curve (mlc_linear_svm_curve_len(p)) out; n_curve out;
 *   rows (N, D) in; y (N) in, targets; sw (N) in or NULL. */
int mlc_linear_svm_fit_svr(double *coef, int64_t *n_iter, double *loss_curve, double *objective_curve, int64_t *n_curve,
                           const mlc_linear_svm_rows *rows, const double *y, const double *sw, int64_t n, int64_t d,
                           const mlc_linear_svm_params *p, const mlc_progress *progress);

/* The two passes over a column of the l1 solver (MLC_LINEAR_SVM_L1R_L2LOSS), dispatched per CPU level;
 * x (N) in: the column y_i x_ij; b (N): the residuals 1 - y_i w~.x~_i; c (N) in: the costs C_i.
 *   grad: gH (2) out = (sum_{b_i > 0} C_i x_i b_i, sum_{b_i > 0} C_i x_i^2); b in.
 *   step: b in/out += a x; returns sum_i C_i max(0, b_i)^2 of the new b. */
void mlc_linear_svm_l1_column_grad(double *gH, const double *x, const double *b, const double *c, int64_t n);
double mlc_linear_svm_l1_column_step(double *b, const double *x, const double *c, double a, int64_t n);

#endif
