"""LogisticRegression(solver='liblinear'): LIBLINEAR's problem and solvers, as scikit-learn runs them.

The problem is LIBLINEAR's, not the other solvers': with w~ = (coef, w_b), x~_i = (x_i, s), s =
intercept_scaling when fit_intercept (else no extra entry), and C_i = C * class weight * sample weight,

    0.5 ||w~||^2 + sum_i C_i log(1 + exp(-y_i w~.x~_i))      (l1_ratio=0)
        ||w~||_1 + sum_i C_i log(1 + exp(-y_i w~.x~_i))      (l1_ratio=1)

and intercept_ = s * w_b: the intercept IS regularised, as in LIBLINEAR (a larger intercept_scaling
regularises it less). Solvers (csrc/svm/linear_svm_lr.c, through the LIBLINEAR driver of
csrc/svm/linear_svm.c; LIBLINEAR's numbers):
  0  l2, dual=False: trust-region Newton with preconditioned conjugate gradient (LIBLINEAR 2.2x-2.3x);
  7  l2, dual=True:  dual coordinate descent (Yu, Huang and Lin 2011);
  6  l1:             newGLMNET (Yuan, Ho and Lin 2012).
tol is LIBLINEAR's eps, passed as scikit-learn passes it: the primal solvers stop when the gradient
(l1: minimum-norm subgradient) norm falls below tol * max(min(#pos, #neg), 1) / n_samples times its
first value, the dual one when no coordinate's derivative exceeds tol. Two classes only, with
scikit-learn 1.9's errors for everything else; random_state orders the coordinate-descent passes
(mlc's generator, so the path differs from scikit-learn's, not the optimum).
"""
import warnings

import numpy as np

from .. import _mlc
from .._validation import _is_sparse, compute_class_weight, csr_parts, seed_from_random_state
from ..exceptions import ConvergenceWarning

__all__ = ["check_solver", "fit_liblinear"]


def check_solver(solver, penalty, dual):
    """scikit-learn 1.9's _check_solver for what mlc also rejects: dual only with liblinear; neither
    elastic net nor no penalty with liblinear."""
    if dual and solver != "liblinear":
        raise ValueError(f"Solver {solver} supports only dual=False, got dual={dual}")
    if solver != "liblinear":
        return
    if penalty == "elasticnet":
        raise ValueError(f"Only 'saga' solver supports elasticnet penalty, got solver={solver}.")
    if penalty is None:
        raise ValueError("C=np.inf as well as penalty=None is not supported for the liblinear solver")


def fit_liblinear(est, X, codes, sample_weight, C, l1):
    """Fit est (a LogisticRegression with classes_ set) by LIBLINEAR; sets coef_, intercept_, n_iter_
    and the curves. X (n, d) float64 C-contiguous; codes (n,) int32 class codes; l1: l1_ratio == 1."""
    n_classes = len(est.classes_)
    if n_classes > 2:
        raise ValueError("The 'liblinear' solver does not support multiclass classification (n_classes >= 3). "
                         "Either use another solver or wrap the estimator in a OneVsRestClassifier to keep "
                         "applying a one-versus-rest scheme. Only binary classification is supported.")
    if (X.data if _is_sparse(X) else X).max(initial=-np.inf) > 1e30:
        raise ValueError("Using the 'liblinear' solver while X contains a maximum value > 1e30 results in a "
                         "frozen fit. Please choose another solver or rescale the input X.")
    dual = bool(est.dual)
    if l1 and dual:
        raise ValueError("Unsupported set of arguments: The combination of penalty='l1' and "
                         "loss='logistic_regression' are not supported when dual=True, Parameters: "
                         "penalty='l1', loss='logistic_regression', dual=True")
    if not est.tol > 0:
        raise ValueError(f"tol must be > 0 with the liblinear solver, got {est.tol!r}.")
    solver = _mlc.LINEAR_SVM_L1R_LR if l1 else _mlc.LINEAR_SVM_L2R_LR_DUAL if dual else _mlc.LINEAR_SVM_L2R_LR
    cw = None
    if est.class_weight is not None:
        cw = np.ascontiguousarray(compute_class_weight(est.class_weight, est.classes_, codes, sample_weight),
                                  dtype=np.float64)
    bias = float(est.intercept_scaling) if est.fit_intercept else 0.0
    seed = seed_from_random_state(est.random_state) % 2**64  # drawn whatever the solver, as scikit-learn does
    coef, n_iter, loss_curves, obj_curves = _mlc.linear_svc_fit(
        csr_parts(X) if _is_sparse(X) else X, codes, sample_weight, cw, n_classes, solver, float(C), float(est.tol),
        int(est.max_iter), bias, seed)
    d = X.shape[1]
    est.coef_ = np.ascontiguousarray(coef[:, :d])
    est.intercept_ = bias * coef[:, d] if est.fit_intercept else np.zeros(1)
    est.n_iter_ = n_iter.astype(np.int32)
    # the curves in the other solvers' scale: divided by C sum_i s_i
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    scale = float(C) * float(np.sum(s * (1.0 if cw is None else cw[codes])))
    est.loss_curve_ = loss_curves[0] / scale
    est.objective_curve_ = obj_curves[0] / scale
    if int(n_iter.max()) >= est.max_iter:
        warnings.warn("Liblinear failed to converge, increase the number of iterations.", ConvergenceWarning,
                      stacklevel=3)
    if est.verbose:
        print(f"[LogisticRegression] solver=liblinear ({solver}) n_iter={int(n_iter.max())} "
              f"objective={est.objective_curve_[-1]:.6g}")
    return est
