/* mlp.h: a multi-layer perceptron's full-batch objective over the flat parameter buffer, and its
 * minimisation by L-BFGS: scikit-learn's MLPClassifier / MLPRegressor with solver='lbfgs'.
 *
 * Legend: N samples, L dense layers, widths n_0 = D (features), n_1 .. n_{L-1} (hidden), n_L = K
 * (outputs), P = sum_l n_l (n_{l-1} + 1) parameters in mlc.nn.Sequential's layout of Dense(n_1),
 * act, ..., Dense(n_L): per layer its weight W_l (n_l, n_{l-1}) (torch's layout), then its bias b_l
 * (n_l). float32 network, float64 objective (as the losses of nn/loss.h).
 *
 * The network: a_0 = X, a_l = act(a_{l-1} W_l^T + b_l) for l < L, outputs z = a_{L-1} W_L^T + b_L
 * (logits, or predictions for mse). The objective, scikit-learn's (its _backprop):
 *   F = loss_scale loss(z, targets, w) + alpha / (2 sum_i w_i) sum_l ||W_l||^2
 * with loss the w-weighted mean of nn/loss.h's cross entropy (targets int64 (N), class indices),
 * bce_with_logits or mse (targets float32 (N, K)); the biases are not penalised.
 * Names: mlc_nn_mlp_<verb>.
 */
#ifndef MLC_NN_MLP_H
#define MLC_NN_MLP_H

#include "core/enums.h" /* MLC_ACT_*, MLC_NN_LOSS_* */
#include "mlc.h"

typedef struct {
    int64_t n_layers;      /* L >= 1 */
    const int64_t *widths; /* (L + 1): n_0 .. n_L, each >= 1 */
    int activation;        /* MLC_ACT_* of the hidden layers: relu, sigmoid, tanh or identity */
    int loss;              /* MLC_NN_LOSS_* */
    double loss_scale;     /* > 0: 0.5 for scikit-learn's squared error, K for its multilabel log loss
                              (a sum over the labels where bce_with_logits takes their mean) */
    double alpha;          /* >= 0 */
} mlc_nn_mlp;

/* NULL, or why m cannot run on N samples. */
const char *mlc_nn_mlp_check_params(const mlc_nn_mlp *m, int64_t N);
/* P. */
int64_t mlc_nn_mlp_n_params(const mlc_nn_mlp *m);
/* The floats of scratch mlc_nn_mlp_objective needs for N samples. */
int64_t mlc_nn_mlp_scratch_size(const mlc_nn_mlp *m, int64_t N);

/* *objective out: F at params; *loss out (or NULL): its data part, loss_scale loss;
 * grads (P) out, overwritten with dF/dparams, or NULL (F only); params (P) in; X (N, n_0) in, or, when
 * X_indptr is not NULL, X is CSR (core/sparse.h): X the values (NNZ), X_indices (NNZ), X_indptr (N + 1)
 * (the first layer then runs mlc_nn_dense_forward_csr / _backward_csr, never densifying X);
 * targets in (int64 (N) or float32 (N, K), by m->loss); sample_weight (N) in or NULL (all ones);
 * scratch (mlc_nn_mlp_scratch_size floats).
 * MLC_EINVAL for a class index outside [0, K) or sum w <= 0. */
int mlc_nn_mlp_objective(double *objective, double *loss, float *grads, const float *params, const float *X,
                         const int32_t *X_indices, const int64_t *X_indptr, const void *targets, const float *sample_weight, int64_t N, const mlc_nn_mlp *m,
                         float *scratch, int n_threads);

/* scikit-learn's solver='lbfgs' (its _fit_lbfgs: scipy's L-BFGS-B with m = 10, maxiter = max_iter,
 * maxfun = max_fun, gtol = tol and scipy's relative-decrease test ftol = 2.2e-9): F (+ l1 ||W||_1 by
 * OWL-QN when l1 > 0) minimised from params by mlc_optim_lbfgs_minimize (linear/optim.h) in float64,
 * each evaluation running the float32 network on the rounded point.
 *   params (P) inout; objective_curve, loss_curve (max_iter) out: F and its data part after each
 *   iteration (the first *n_iter entries); *n_iter, *n_eval (evaluations of F), *converged out;
 *   X, targets, sample_weight in as for mlc_nn_mlp_objective; max_iter, max_fun >= 1 (the run stops
 *   after the iteration in which the evaluations exceed max_fun); tol >= 0; l1 >= 0.
 * The progress hook is asked before every evaluation; when it stops the run (MLC_EINTERRUPTED), params
 * and the outputs hold the last iterate. Allocates its scratch once. */
int mlc_nn_mlp_fit_lbfgs(float *params, double *objective_curve, double *loss_curve, int64_t *n_iter,
                         int64_t *n_eval, int *converged, const float *X, const int32_t *X_indices,
                         const int64_t *X_indptr, const void *targets,
                         const float *sample_weight, int64_t N, const mlc_nn_mlp *m, int64_t max_iter, int64_t max_fun,
                         double tol, double l1, int n_threads, const mlc_progress *progress);

#endif
