"""Linear support vector machines (LinearSVC, LinearSVR) fitted in C with LIBLINEAR's solvers.

The problem is LIBLINEAR's (and so scikit-learn's): with w~ = (coef, w_b) and x~_i = (x_i, s), s =
intercept_scaling when fit_intercept else no extra entry, the classifier minimises

    0.5 ||w~||^2 + sum_i C_i loss(y_i w~.x~_i)      (penalty='l2')
        ||w~||_1 + sum_i C_i loss(y_i w~.x~_i)      (penalty='l1')

with loss(m) = max(0, 1 - m) ('hinge') or its square ('squared_hinge'), C_i = C * class weight *
sample weight, and intercept_ = s * w_b: the intercept IS regularised, as in LIBLINEAR. More than two
classes: one-vs-rest, where (as in LIBLINEAR) the class weight scales only the positive side.
multi_class='crammer_singer' solves 0.5 sum_c ||w~_c||^2 + sum_i C_i max(0, max_{c != y_i} 1 + (w~_c -
w~_{y_i}).x~_i) instead (solver 4). Solvers (csrc/svm/linear_svm.c; the numbers are LIBLINEAR's):
  1, 3  dual coordinate descent with shrinking (Hsieh et al. 2008): l2, squared hinge / hinge;
  2     primal, l2 + squared hinge: L-BFGS with LIBLINEAR's stopping rule (LIBLINEAR: TRON);
  5     primal coordinate descent with line search (Yuan et al. 2010): l1 + squared hinge.
LinearSVR minimises 0.5 ||w~||^2 + C sum_i s_i loss(y_i - w~.x~_i) with the epsilon-insensitive loss
max(0, |r| - epsilon) or its square, by dual coordinate descent (Ho and Lin 2012; solvers 13, 12).
Sparse input: scipy.sparse CSR/CSC X (fit and predict) is never densified; the row-wise solvers (1, 2,
3, 4, 12, 13) read its rows in place, the column-wise l1 solver 5 works on the CSC columns built once
from the CSR matrix (O(nnz) memory; on dense X it copies the columns). The intercept stays LIBLINEAR's
appended constant feature. Same coef_ as on the dense copy.
"""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._math import linear_scores
from .._validation import (_is_sparse, check_classification_targets, check_is_fitted, check_sample_weight,
                           check_scalar, compute_class_weight, csr_parts, encode_labels, seed_from_random_state)
from ..base import BaseEstimator, ClassifierMixin, LinearClassifierMixin, RegressorMixin
from ..exceptions import ConvergenceWarning

__all__ = ["LinearSVC", "LinearSVR"]

# LIBLINEAR's solver numbers by (loss, penalty, dual), as scikit-learn's _get_liblinear_solver_type
_SOLVERS = {
    ("hinge", "l2", True): _mlc.LINEAR_SVM_L2R_L1LOSS_DUAL,
    ("squared_hinge", "l2", True): _mlc.LINEAR_SVM_L2R_L2LOSS_DUAL,
    ("squared_hinge", "l2", False): _mlc.LINEAR_SVM_L2R_L2LOSS_PRIMAL,
    ("squared_hinge", "l1", False): _mlc.LINEAR_SVM_L1R_L2LOSS,
    ("epsilon_insensitive", "l2", True): _mlc.LINEAR_SVM_L2R_L1LOSS_SVR_DUAL,
    ("squared_epsilon_insensitive", "l2", True): _mlc.LINEAR_SVM_L2R_L2LOSS_SVR_DUAL,
    # scikit-learn's primal solver 11 (TRON) is not implemented: its problem is solver 12's primal
    # and strong duality holds, so dual=False runs solver 12 (same optimum)
    ("squared_epsilon_insensitive", "l2", False): _mlc.LINEAR_SVM_L2R_L2LOSS_SVR_DUAL,
}


def _rows(X):
    """X as the kernels take it: the array, or a CSR matrix's (data, indices, indptr, n_cols)."""
    return csr_parts(X) if _is_sparse(X) else X


def _solver(loss, penalty, dual):
    key = (loss, penalty, dual)
    if key in _SOLVERS:
        return _SOLVERS[key]
    if not any(k[0] == loss and k[1] == penalty for k in _SOLVERS):
        reason = f"The combination of penalty={penalty!r} and loss={loss!r} is not supported"
    else:
        reason = f"The combination of penalty={penalty!r} and loss={loss!r} are not supported when dual={dual}"
    raise ValueError(f"Unsupported set of arguments: {reason}, Parameters: penalty={penalty!r}, loss={loss!r}, "
                     f"dual={dual!r}")


def _resolve_dual(dual, loss, penalty, n_samples, n_features):
    """scikit-learn's dual='auto': the dual when n_samples < n_features, else the primal, each only
    where the (loss, penalty) pair has it."""
    if dual != "auto":
        return dual
    prefer = n_samples < n_features
    if loss == "squared_epsilon_insensitive":
        return prefer  # solver 11 exists in scikit-learn for the primal
    for choice in (prefer, not prefer):
        if (loss, penalty, choice) in _SOLVERS:
            return choice
    return prefer


def _check_common(est):
    check_scalar(est.tol, "tol", numbers.Real, min_val=0, include_boundaries="neither")
    check_scalar(est.C, "C", numbers.Real, min_val=0, include_boundaries="neither")
    if not np.isfinite(est.C) or not np.isfinite(est.tol):
        raise ValueError(f"C and tol must be finite, got C={est.C}, tol={est.tol}.")
    if not isinstance(est.fit_intercept, (bool, np.bool_)):
        raise ValueError(f"fit_intercept must be a bool, got {est.fit_intercept!r}.")
    check_scalar(est.intercept_scaling, "intercept_scaling", numbers.Real, min_val=0, include_boundaries="neither")
    if not np.isfinite(est.intercept_scaling):
        raise ValueError(f"intercept_scaling must be finite, got {est.intercept_scaling}.")
    check_scalar(est.max_iter, "max_iter", numbers.Integral, min_val=0)
    if not (isinstance(est.dual, (bool, np.bool_)) or (isinstance(est.dual, str) and est.dual == "auto")):
        raise ValueError(f"dual must be a bool or 'auto', got {est.dual!r}.")
    if not isinstance(est.verbose, (bool, np.bool_)):  # scikit-learn's 'verbose': an int >= 0 or a bool
        check_scalar(est.verbose, "verbose", numbers.Integral, min_val=0)


def _warn_if_not_converged(name, n_iter, max_iter):
    if n_iter >= max_iter:
        warnings.warn(f"{name} (liblinear solver) failed to converge after {max_iter} iterations (max_iter "
                      "reached); increase max_iter.", ConvergenceWarning, stacklevel=3)


class LinearSVC(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Linear support vector classifier (LIBLINEAR's problem and solvers; scikit-learn's API).

    Parameters
    ----------
    penalty : {'l2', 'l1'}, default='l2'
    loss : {'squared_hinge', 'hinge'}, default='squared_hinge'
    dual : bool or 'auto', default='auto'
        Solve the dual (coordinate descent) or the primal. 'auto': the primal when n_samples >=
        n_features and the combination has one, else the dual (scikit-learn's rule).
    tol : float > 0, default=1e-4
        LIBLINEAR's stopping tolerance (dual: projected-gradient gap; primal: relative gradient norm).
    C : float > 0, default=1.0
    multi_class : {'ovr', 'crammer_singer'}, default='ovr'
        'crammer_singer': one joint problem over all classes (LIBLINEAR solver 4: dual coordinate
        descent by sample, here without LIBLINEAR's shrinking); loss, penalty and dual are ignored.
    fit_intercept : bool, default=True
    intercept_scaling : float > 0, default=1.0
        Value of the constant feature whose (regularised) weight gives intercept_ = intercept_scaling * w_b.
    class_weight : dict, 'balanced' or None
        Multiplies C for the samples of a class ('balanced': total weight / (n_classes * class weight
        total)); in one-vs-rest problems only for the positive class, as in LIBLINEAR.
    verbose : int, default=0
        > 0 prints a summary line after fitting.
    random_state : int, RandomState, Generator or None
        The random order of the coordinate-descent passes.
    max_iter : int >= 0, default=1000
        Outer iterations (passes) of each problem.

    Attributes
    ----------
    classes_, coef_ (1, n_features) or (n_classes, n_features), intercept_ (1,) or (n_classes,) (the
    float 0.0 without an intercept, as in scikit-learn),
    n_features_in_, n_iter_ (int: the maximum over the one-vs-rest problems),
    loss_curve_, objective_curve_ : per outer iteration of each problem (one array for two classes,
        else a list of one array per class), an objective and its loss part (objective = loss +
        penalty). Primal solvers (dual=False): the primal objective and sum_i C_i loss_i. Dual
        solvers: the dual objective -0.5 ||w~||^2 + sum_i (alpha_i - alpha_i^2 / (4 C_i)) (hinge:
        without the square), which rises to the primal optimum, and its loss (conjugate) part.
        At most 100,001 entries per problem (a longer run keeps the first 100,000 and the last).
    """

    def __init__(self, penalty="l2", loss="squared_hinge", *, dual="auto", tol=1e-4, C=1.0, multi_class="ovr",
                 fit_intercept=True, intercept_scaling=1.0, class_weight=None, verbose=0, random_state=None,
                 max_iter=1000):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def _check_params(self):
        if self.penalty not in ("l1", "l2"):
            raise ValueError(f"penalty must be one of ['l1', 'l2'], got {self.penalty!r}.")
        if self.loss not in ("hinge", "squared_hinge"):
            raise ValueError(f"loss must be one of ['hinge', 'squared_hinge'], got {self.loss!r}.")
        if self.multi_class not in ("ovr", "crammer_singer"):
            raise ValueError(f"multi_class must be one of ['crammer_singer', 'ovr'], got {self.multi_class!r}.")
        _check_common(self)

    def fit(self, X, y, sample_weight=None):
        """Fit the model; X (n_samples, n_features), y (n_samples,) class labels of any type."""
        self._check_params()
        X, y = self._validate_data(X, y, reset=True, dtype=np.float64, order="C", accept_sparse="csr")
        check_classification_targets(y)
        classes, codes = encode_labels(y)
        if len(classes) < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, but the data "
                             f"contains only one class: {classes[0]!r}")
        n, d = X.shape
        if self.multi_class == "crammer_singer":  # loss, penalty and dual are ignored, as in scikit-learn
            solver = _mlc.LINEAR_SVM_MCSVM_CS
        else:
            dual = _resolve_dual(self.dual, self.loss, self.penalty, n, d)
            solver = _solver(self.loss, self.penalty, bool(dual))
        sw = check_sample_weight(sample_weight, n, ensure_non_negative=True)
        cw = None
        if self.class_weight is not None:
            cw = np.ascontiguousarray(compute_class_weight(self.class_weight, classes, codes, sw), dtype=np.float64)
        bias = float(self.intercept_scaling) if self.fit_intercept else 0.0
        seed = seed_from_random_state(self.random_state) % 2**64
        coef, n_iter, loss_curves, obj_curves = _mlc.linear_svc_fit(
            _rows(X), codes, sw, cw, len(classes), solver, float(self.C), float(self.tol), int(self.max_iter), bias, seed)
        self.classes_ = classes
        if solver == _mlc.LINEAR_SVM_MCSVM_CS and len(classes) == 2:  # scikit-learn keeps one row: the difference
            coef = (coef[1] - coef[0])[None, :]
        self.coef_ = np.ascontiguousarray(coef[:, :d])
        self.intercept_ = bias * coef[:, d] if self.fit_intercept else 0.0  # scikit-learn's 0.0
        self.n_iter_ = int(n_iter.max())
        self.loss_curve_ = loss_curves[0] if len(loss_curves) == 1 else loss_curves
        self.objective_curve_ = obj_curves[0] if len(obj_curves) == 1 else obj_curves
        _warn_if_not_converged("LinearSVC", self.n_iter_, self.max_iter)
        if self.verbose:
            print(f"[LinearSVC] liblinear solver {solver}, n_iter={self.n_iter_}, "
                  f"final objective per problem: {', '.join(f'{c[-1]:.6g}' for c in obj_curves)}")
        return self

    _accept_sparse = "csr"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class LinearSVR(RegressorMixin, BaseEstimator):
    """Linear support vector regression (LIBLINEAR's problem; dual coordinate descent).

    Parameters
    ----------
    epsilon : float >= 0, default=0.0
    tol, C, fit_intercept, intercept_scaling, dual, verbose, random_state, max_iter : as LinearSVC.
    loss : {'epsilon_insensitive', 'squared_epsilon_insensitive'}, default='epsilon_insensitive'
        dual=False (or 'auto' with n_samples >= n_features) with the squared loss solves the same
        problem by the dual solver (scikit-learn uses LIBLINEAR's primal TRON there).

    Attributes
    ----------
    coef_ (n_features,), intercept_ (1,) (0.0 without an intercept), n_iter_ (int), n_features_in_,
    loss_curve_, objective_curve_ : the dual objective per outer iteration and its loss (conjugate)
        part -0.5 ||w~||^2 + sum_i (y_i b_i - epsilon |b_i| - b_i^2 / (4 C_i)) (absolute loss: without
        the square), which rises to the primal optimum.
    """

    def __init__(self, *, epsilon=0.0, tol=1e-4, C=1.0, loss="epsilon_insensitive", fit_intercept=True,
                 intercept_scaling=1.0, dual="auto", verbose=0, random_state=None, max_iter=1000):
        self.epsilon = epsilon
        self.tol = tol
        self.C = C
        self.loss = loss
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.dual = dual
        self.verbose = verbose
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the model; X (n_samples, n_features), y (n_samples,) real targets."""
        if self.loss not in ("epsilon_insensitive", "squared_epsilon_insensitive"):
            raise ValueError("loss must be one of ['epsilon_insensitive', 'squared_epsilon_insensitive'], got "
                             f"{self.loss!r}.")
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0)
        _check_common(self)
        X, y = self._validate_data(X, y, reset=True, dtype=np.float64, order="C", y_numeric=True,
                                   accept_sparse="csr")
        y = np.ascontiguousarray(y, dtype=np.float64)
        n, d = X.shape
        dual = _resolve_dual(self.dual, self.loss, "l2", n, d)
        solver = _solver(self.loss, "l2", bool(dual))
        sw = check_sample_weight(sample_weight, n, ensure_non_negative=True)
        bias = float(self.intercept_scaling) if self.fit_intercept else 0.0
        seed = seed_from_random_state(self.random_state) % 2**64
        coef, n_iter, loss_curve, obj_curve = _mlc.linear_svr_fit(
            _rows(X), y, sw, solver, float(self.C), float(self.tol), int(self.max_iter), bias, float(self.epsilon), seed)
        self.coef_ = np.ascontiguousarray(coef[:d])
        self.intercept_ = np.array([bias * coef[d]]) if self.fit_intercept else 0.0  # scikit-learn's 0.0
        self.n_iter_ = int(n_iter)
        self.loss_curve_ = loss_curve
        self.objective_curve_ = obj_curve
        _warn_if_not_converged("LinearSVR", self.n_iter_, self.max_iter)
        if self.verbose:
            print(f"[LinearSVR] liblinear solver {solver}, n_iter={self.n_iter_}, objective={obj_curve[-1]:.6g}")
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = self._validate_data(X, reset=False, dtype=np.float64, accept_sparse="csr")
        return linear_scores(X, self.coef_, np.ravel(self.intercept_)[0])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
