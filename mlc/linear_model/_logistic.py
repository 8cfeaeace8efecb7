"""Logistic regression (binary and multinomial) fitted in C: L-BFGS, OWL-QN and first-order solvers.

The objective is scikit-learn's, for coefficients W (one row per logit) and intercepts b:

    C * sum_i s_i * loss_i(W, b) + (1 - l1_ratio) / 2 ||W||^2 + l1_ratio ||W||_1

with s_i = sample_weight_i * class_weight[y_i] and the intercept never penalised; C = inf means no
penalty at all. As in scikit-learn >= 1.8, ``l1_ratio`` alone chooses the penalty (0: L2, 1: L1,
between: elastic net) and ``penalty`` is deprecated (still accepted, with scikit-learn 1.9's
FutureWarning). Two classes: one logit (binary cross-entropy); more: the full multinomial (softmax)
model, as scikit-learn >= 1.5 always does. The solvers minimise that objective divided by
C * sum_i s_i (as scikit-learn's lbfgs does), so ``tol`` bounds the same gradient it bounds in
scikit-learn.

Solvers (csrc/linear/optim.c, csrc/linear/logistic.c):
  'lbfgs'   L-BFGS (Nocedal & Wright alg. 7.4/7.5) with a More-Thuente line search; L2 or no penalty.
  'owlqn'   OWL-QN (Andrew & Gao 2007): any l1_ratio; exact zeros.
  'gd', 'sgd', 'momentum', 'nesterov', 'adagrad', 'adam'
            first-order steps on the gradient of a full batch ('gd' always; the others when
            batch_size is None, except 'sgd' whose default batch is one sample) or of shuffled
            mini-batches of batch_size rows; any l1_ratio: the L1 part by a proximal
            (soft-thresholding) step after each update (mlc_optim_prox_l1 in optim.c: ISTA, iPiano,
            FISTA-style Nesterov, Duchi et al.'s composite Adagrad, Adam's diagonal scaling).
            Full batches reach exact zeros; on mini-batches the gradient noise keeps coefficients
            whose optimum is 0 within O(learning rate * noise) of 0, not exactly at 0.
  'liblinear' LIBLINEAR's problem (the intercept regularised, scaled by intercept_scaling) and solvers:
            trust-region Newton, dual coordinate descent (dual=True), newGLMNET (l1_ratio=1); two
            classes only, as in scikit-learn 1.9 (_logistic_liblinear.py).
  'sag', 'saga'
            scikit-learn's SAG (Schmidt, Le Roux & Bach 2013; L2 or no penalty) and SAGA (Defazio,
            Bach & Lacoste-Julien 2014; any l1_ratio, by the L1 prox; exact zeros) in
            csrc/linear/logistic_sag.c: its step size, just-in-time updates and stopping rule (max
            change of the coefficients over an epoch <= tol * their max), max_iter epochs of rows
            drawn with replacement. Single-threaded (each step needs the previous one's weights);
            loss_curve_ and objective_curve_ hold the start and the end only.
  'newton-cg', 'newton-cholesky'
            scikit-learn's Newton solvers (csrc/linear/logistic_newton.c), L2 or no penalty: truncated
            Newton with conjugate gradients on Hessian-vector products and a More-Thuente line search;
            the Cholesky factors of the full Hessian with backtracking (the symmetric multinomial
            parametrisation, and L-BFGS for the remaining iterations when the Hessian is singular or
            the search fails, as scikit-learn; mlc does that silently, where scikit-learn warns).
            The same steps and iteration counts as scikit-learn's. Where newton-cg's line search fails
            it stops with scikit-learn's UserWarning "Line Search failed".

Sparse input: scipy.sparse CSR/CSC X (fit and predict, any solver) is never densified: the C passes
read the CSR rows in place (csrc/linear/logistic.c, logistic_newton.c, logistic_sag.c; LIBLINEAR's
through csrc/svm/linear_svm_problem.h; liblinear's l1 solver runs over the CSC columns built once from
the CSR matrix, O(nnz)), giving the dense copy's optimum. As in scikit-learn, sag and saga
damp the intercept's steps by 0.01 on sparse input (so it converges more slowly there), and
newton-cholesky's Hessian is (n_features + 1)^2 whatever the input.
"""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._math import expit, linear_scores, log_softmax, softmax
from .._threads import _n_threads
from .._validation import (_is_sparse, check_choice, check_classification_targets, check_n_jobs, csr_parts,
                           check_sample_weight, check_scalar, compute_class_weight,
                           encode_labels, seed_from_random_state)
from ..base import BaseEstimator, ClassifierMixin, LinearClassifierMixin
from ..exceptions import ConvergenceWarning
from ._logistic_liblinear import check_solver, fit_liblinear

__all__ = ["LogisticRegression"]

# the solvers whose C passes only multiply by X (X w, X^T r): a repeated CSR entry counts as its sum
_PRODUCTS_ONLY = ("lbfgs", "owlqn", "newton-cg")
_SOLVERS = _mlc.ENUMS["logistic_solver"]
_PENALTIES = {None: _mlc.PENALTY_NONE, "l2": _mlc.PENALTY_L2, "l1": _mlc.PENALTY_L1,
              "elasticnet": _mlc.PENALTY_ELASTICNET}
_SCHEDULES = {k: _mlc.ENUMS["learning_rate"][k] for k in ("constant", "invscaling", "exponential", "step")}


class LogisticRegression(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression classifier (scikit-learn's objective; binary or multinomial).

    Parameters
    ----------
    penalty : {'l2', 'l1', 'elasticnet', None}, default='deprecated'
        Deprecated (as in scikit-learn 1.8+, which will remove it in 1.10): leave it unset and use
        l1_ratio=0 for 'l2', l1_ratio=1 for 'l1', 0 < l1_ratio < 1 for 'elasticnet' and C=np.inf
        for None. Setting it still works and warns (FutureWarning), as scikit-learn 1.9 does.
    C : float in (0, inf], default=1.0
        Inverse regularisation strength; np.inf: no penalty.
    l1_ratio : float in [0, 1], default=0.0
        The penalty: (1 - l1_ratio) / 2 ||W||^2 + l1_ratio ||W||_1. 'lbfgs' and the Newton solvers need
        0 (or C=np.inf); the other solvers take any value. None is deprecated (FutureWarning) and means 0.
    fit_intercept : bool, default=True
    dual : bool, default=False
        'liblinear' with l1_ratio=0 only: solve the dual problem (coordinate descent).
    intercept_scaling : float > 0, default=1.0
        'liblinear' only: the value of the constant feature whose (regularised) weight w_b gives
        intercept_ = intercept_scaling * w_b.
    class_weight : dict, 'balanced' or None, default=None
        Multiplies each sample's weight by its class's weight; 'balanced' uses
        n_samples / (n_classes * count(class)).
    max_iter : int, default=100
        Iterations (lbfgs, owlqn, gd, the Newton solvers) or epochs (the other first-order solvers, sag, saga).
    tol : float, default=1e-4
        Batch solvers stop when max |gradient| (OWL-QN: pseudo-gradient) of the scaled objective is
        <= tol; stochastic ones when the objective has not improved by tol (relative) for
        n_iter_no_change epochs; sag and saga when max |change of coef_ over an epoch| <= tol * max |coef_|.
    solver : {'lbfgs', 'owlqn', 'newton-cg', 'newton-cholesky', 'gd', 'sgd', 'momentum', 'nesterov', 'adagrad', \
'adam', 'liblinear', 'sag', 'saga'}, default='lbfgs'
        'liblinear' minimises LIBLINEAR's objective (see _logistic_liblinear.py), whose intercept is
        regularised; tol and max_iter are LIBLINEAR's; its curves are divided by C sum_i s_i, the dual
        solver's being the dual objective (which rises to the optimum).
    batch_size : int or None, default=None
        Rows per step of the first-order solvers (None: full batch; 1 for 'sgd').
    learning_rate : float or 'auto', default='auto'
        Initial step size of the first-order solvers. 'auto': 1/L for gd/sgd/momentum/nesterov, with L
        a bound on the gradient's Lipschitz constant (per sample for mini-batches); 0.1 for adagrad;
        0.01 for adam.
    lr_schedule : {'constant', 'invscaling', 'exponential', 'step'}, default='constant'
        Per epoch t: eta0, eta0 / (1 + t)**power_t, eta0 * lr_decay**t, eta0 * lr_decay**(t // lr_step_size).
    power_t, lr_decay, lr_step_size : schedule parameters (0.5, 0.99, 10).
    momentum : float in [0, 1), default=0.9
        For 'momentum' and 'nesterov'.
    beta1, beta2, epsilon : Adam's (and epsilon Adagrad's) constants (0.9, 0.999, 1e-8).
    n_iter_no_change : int, default=5
        Stochastic solvers: epochs without an improvement of tol (relative) before stopping.
    random_state : int, RandomState, Generator or None
        Shuffling of the stochastic solvers (sag and saga: the rows drawn).
    verbose : int, default=0
        > 0 prints a summary line after fitting.
    warm_start : bool, default=False
        Start from the previous fit's coef_ and intercept_ (every solver but 'liblinear', which
        ignores it, as in scikit-learn); their shape must match this fit's (ValueError otherwise).
    n_jobs : int or None
        Threads; None or -1 use ``mlc.get_num_threads()``.

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
    coef_ : ndarray (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray (1,) or (n_classes,)
    n_iter_ : ndarray (1,) of int
    loss_curve_ : ndarray
        Per iteration (epoch), the mean weighted log-loss sum_i s_i loss_i / sum_i s_i, starting with
        the initial point.
    objective_curve_ : ndarray
        The scaled objective at the same points: loss_curve_ + penalty / (C sum_i s_i).
    n_features_in_ : int
    """

    def __init__(self, penalty="deprecated", *, C=1.0, l1_ratio=0.0, fit_intercept=True, dual=False,
                 intercept_scaling=1.0, class_weight=None,
                 max_iter=100, tol=1e-4, solver="lbfgs", batch_size=None, learning_rate="auto", lr_schedule="constant",
                 power_t=0.5, lr_decay=0.99, lr_step_size=10, momentum=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 n_iter_no_change=5, random_state=None, verbose=0, warm_start=False, n_jobs=None):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.dual = dual
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.power_t = power_t
        self.lr_decay = lr_decay
        self.lr_step_size = lr_step_size
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    # ---- parameters -------------------------------------------------------------------------
    def _check_params(self):
        if not any(self.penalty is p or (isinstance(self.penalty, str) and self.penalty == p)
                   for p in ("deprecated", "l2", "l1", "elasticnet", None)):
            raise ValueError(f"penalty must be one of ['l2', 'l1', 'elasticnet', None], got {self.penalty!r}.")
        check_choice(self.solver, "solver", [*_SOLVERS, "liblinear"])
        check_scalar(self.C, "C", numbers.Real, min_val=0, include_boundaries="neither", allow_inf=True)
        if self.l1_ratio is not None:
            check_scalar(self.l1_ratio, "l1_ratio", numbers.Real, min_val=0, max_val=1)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise ValueError(f"fit_intercept must be a bool, got {self.fit_intercept!r}.")
        if not isinstance(self.dual, (bool, np.bool_)):
            raise ValueError(f"dual must be a bool, got {self.dual!r}.")
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise ValueError(f"warm_start must be a bool, got {self.warm_start!r}.")
        check_scalar(self.intercept_scaling, "intercept_scaling", numbers.Real, min_val=0,
                     include_boundaries="neither")
        if self.batch_size is not None:
            check_scalar(self.batch_size, "batch_size", numbers.Integral, min_val=1)
        if not (isinstance(self.learning_rate, str) and self.learning_rate == "auto"):
            check_scalar(self.learning_rate, "learning_rate", numbers.Real, min_val=0, include_boundaries="neither")
        check_choice(self.lr_schedule, "lr_schedule", _SCHEDULES)
        check_scalar(self.power_t, "power_t", numbers.Real, min_val=0)
        check_scalar(self.lr_decay, "lr_decay", numbers.Real, min_val=0, max_val=1, include_boundaries="right")
        check_scalar(self.n_iter_no_change, "n_iter_no_change", numbers.Integral, min_val=1)
        check_scalar(self.lr_step_size, "lr_step_size", numbers.Integral, min_val=1)
        check_scalar(self.momentum, "momentum", numbers.Real, min_val=0, max_val=1, include_boundaries="left")
        check_scalar(self.beta1, "beta1", numbers.Real, min_val=0, max_val=1, include_boundaries="left")
        check_scalar(self.beta2, "beta2", numbers.Real, min_val=0, max_val=1, include_boundaries="left")
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0, include_boundaries="neither")
        check_n_jobs(self.n_jobs)

    def _resolve_penalty(self):
        """(penalty code, C, l1_ratio) for the kernel, from l1_ratio and C or from the deprecated
        penalty, with the warnings and errors of scikit-learn 1.9's LogisticRegression.fit."""
        l1_ratio = self.l1_ratio
        if isinstance(self.penalty, str) and self.penalty == "deprecated":
            if l1_ratio is None or l1_ratio == 0:
                penalty = "l2"
                if l1_ratio is None:
                    warnings.warn("'l1_ratio=None' was deprecated in version 1.8 and will trigger an error in "
                                  "1.10. Use 0<=l1_ratio<=1 instead.", FutureWarning, stacklevel=4)
            elif l1_ratio == 1:
                penalty = "l1"
            else:
                penalty = "elasticnet"
            if self.C == np.inf:
                penalty = None
        else:
            penalty = self.penalty
            warnings.warn("'penalty' was deprecated in version 1.8 and will be removed in 1.10. To avoid this "
                          "warning, leave 'penalty' set to its default value and use 'l1_ratio' or 'C' instead. "
                          "Use l1_ratio=0 instead of penalty='l2', l1_ratio=1 instead of penalty='l1', l1_ratio "
                          "set to a float between 0 and 1 instead of penalty='elasticnet', and C=np.inf instead "
                          "of penalty=None.", FutureWarning, stacklevel=4)
        if self.solver in ("lbfgs", "newton-cg", "newton-cholesky") and penalty not in ("l2", None):
            raise ValueError(f"Solver {self.solver} supports only 'l2' or None penalties, got {penalty} penalty "
                             "(l1_ratio > 0); use solver='owlqn' or a first-order solver.")
        if self.solver == "sag" and penalty not in ("l2", None):
            raise ValueError(f"Solver sag supports only 'l2' or None penalties, got {penalty} penalty.")
        check_solver(self.solver, penalty, self.dual)
        if penalty != "elasticnet" and l1_ratio is not None and 0 < l1_ratio < 1:
            warnings.warn(f"l1_ratio parameter is only used when penalty is 'elasticnet'. Got (penalty={penalty})",
                          UserWarning, stacklevel=4)
        if (self.penalty == "l2" and l1_ratio != 0) or (self.penalty == "l1" and l1_ratio != 1):
            warnings.warn(f"Inconsistent values: penalty={self.penalty} with l1_ratio={l1_ratio}. penalty is "
                          "deprecated. Please use l1_ratio only.", UserWarning, stacklevel=4)
        if penalty == "elasticnet" and l1_ratio is None:
            raise ValueError("l1_ratio must be specified when penalty is elasticnet.")
        C = float(self.C)
        if self.penalty is None:
            if self.C != 1.0:
                warnings.warn("Setting penalty=None will ignore the C and l1_ratio parameters", UserWarning,
                              stacklevel=4)
            C = np.inf
        if penalty is None or C == np.inf:
            return _PENALTIES[None], 1.0, 0.0
        r = {"l2": 0.0, "l1": 1.0}.get(penalty, l1_ratio)
        return _PENALTIES["elasticnet"], C, float(r)

    def _auto_learning_rate(self, X, sw, n_classes, batch, l2_scale):
        """1/L, L a bound on the Lipschitz constant of the scaled objective's gradient: the largest
        eigenvalue of X~^T S X~ / sum(s) (X~ = [X, 1] with an intercept) by power iteration, times
        1/4 (binary) or 1/2 (softmax); per sample (max_i s_i ||x~_i||^2 n / sum s) for batch < n."""
        if self.solver == "adagrad":
            return 0.1
        if self.solver == "adam":
            return 0.01
        n = X.shape[0]
        s = np.ones(n) if sw is None else sw
        curv = 0.25 if n_classes == 2 else 0.5
        l2 = l2_scale / s.sum()  # the L2 weight (1 - l1_ratio) / C of the scaled objective
        if batch < n:
            rows = (np.asarray(X.multiply(X).sum(axis=1)).ravel() if _is_sparse(X) else (X * X).sum(axis=1))
            rows = rows + (1.0 if self.fit_intercept else 0.0)
            L = curv * float(np.max(s * rows)) * n / s.sum() + l2
            return 1.0 / max(L, 1e-12)
        rs = np.sqrt(s / s.sum())
        if _is_sparse(X):  # X~^T S X~ v by two sparse products, [X, 1] never formed
            def gram(v):
                t = rs * (X @ v[:d] + (v[d] if self.fit_intercept else 0.0))
                u = X.T @ (rs * t)
                return np.append(u, np.dot(rs, t)) if self.fit_intercept else u
            d = X.shape[1]
        else:
            Xs = X * rs[:, None]
            if self.fit_intercept:
                Xs = np.hstack([Xs, rs[:, None]])
            XsT = np.ascontiguousarray(Xs.T)  # both products by mlc's BLAS, each a GEMV on a row-major matrix

            def gram(v):
                return linear_scores(XsT, linear_scores(Xs, v))
        v = np.random.default_rng(0).normal(size=X.shape[1] + (1 if self.fit_intercept else 0))
        lam = 0.0
        for _ in range(50):
            u = gram(v)
            lam = float(np.linalg.norm(u))
            if lam == 0:
                break
            v = u / lam
        return 1.0 / max(curv * lam * 1.01 + l2, 1e-12)

    # ---- fit ----------------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Fit the model; X (n_samples, n_features), y (n_samples,) class labels of any type."""
        self._check_params()
        penalty, C, l1_ratio = self._resolve_penalty()
        # the solvers that only multiply by X take a CSR matrix with unsorted or repeated indices as it is
        X, y = self._validate_data(X, y, reset=True, dtype=np.float64, order="C", accept_sparse="csr",
                                   accept_noncanonical=self.solver in _PRODUCTS_ONLY)
        check_classification_targets(y)
        classes, codes = encode_labels(y)
        if len(classes) < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, but the data "
                             f"contains only one class: {classes[0]!r}")
        self.classes_ = classes
        n, d = X.shape
        n_classes = len(classes)
        sw = check_sample_weight(sample_weight, n, ensure_non_negative=True)
        if self.solver == "liblinear":
            return fit_liblinear(self, X, codes, sw, C, l1_ratio == 1)
        cw = (None if self.class_weight is None
              else compute_class_weight(self.class_weight, self.classes_, codes))
        if cw is not None:
            sw = (np.ones(n) if sw is None else sw) * cw[codes]
            if not np.any(sw):
                raise ValueError("Sample weights times class weights must contain at least one non-zero number.")
        sw = None if sw is None else np.ascontiguousarray(sw, dtype=np.float64)
        k = 1 if n_classes == 2 else n_classes
        P = k * d + (k if self.fit_intercept else 0)
        solver = _SOLVERS[self.solver]
        batch = self.batch_size
        if batch is None:
            batch = 1 if self.solver == "sgd" else n
        if self.solver == "gd":
            batch = n
        lr = 0.1
        full_batch = self.solver in ("lbfgs", "owlqn", "gd", "newton-cg", "newton-cholesky")
        sag = self.solver in ("sag", "saga")
        if self.solver not in ("lbfgs", "owlqn", "newton-cg", "newton-cholesky") and not sag:  # a first-order solver
            l2_scale = (1.0 - l1_ratio) / C if penalty != _PENALTIES[None] else 0.0
            lr = (float(self.learning_rate) if self.learning_rate != "auto"
                  else self._auto_learning_rate(X, sw, n_classes, min(batch, n), l2_scale))
        if self.solver == "sag" and penalty != _PENALTIES[None] and not self.fit_intercept and not (
                X.data if _is_sparse(X) else X).any():
            raise ZeroDivisionError("Current sag implementation does not handle the case step_size * alpha_scaled == 1")
        seed = seed_from_random_state(self.random_state) if not full_batch else 0
        w0 = self._warm_start_point(k, d, P)
        w, loss_curve, obj_curve, n_iter, converged = _mlc.logistic_fit(
            csr_parts(X) if _is_sparse(X) else X, codes, sw, w0, n_classes, solver, penalty, C, l1_ratio, bool(self.fit_intercept),
            int(self.max_iter), float(self.tol), batch_size=int(min(batch, n)),
            lr_schedule=_SCHEDULES[self.lr_schedule], learning_rate=lr, power_t=float(self.power_t),
            lr_decay=float(self.lr_decay), lr_step_size=int(self.lr_step_size), momentum=float(self.momentum),
            beta1=float(self.beta1), beta2=float(self.beta2), eps=float(self.epsilon), seed=seed % 2**64, n_iter_no_change=int(self.n_iter_no_change),
            n_threads=_n_threads(self.n_jobs))
        self.coef_ = w[:k * d].reshape(k, d).copy()
        self.intercept_ = w[k * d:].copy() if self.fit_intercept else np.zeros(k)
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        self.loss_curve_ = loss_curve
        self.objective_curve_ = obj_curve
        if sag and n_iter == self.max_iter:  # scikit-learn's rule and words
            warnings.warn("The max_iter was reached which means the coef_ did not converge", ConvergenceWarning,
                          stacklevel=2)
        elif not converged and self.solver == "newton-cg" and n_iter < self.max_iter:
            warnings.warn("Line Search failed", UserWarning, stacklevel=2)  # scikit-learn's words
        elif not converged and not sag:
            unit = "iterations" if full_batch else "epochs"
            warnings.warn(f"{self.solver} failed to converge after {self.max_iter} {unit} (max_iter reached). "
                          "Increase max_iter or scale the data.", ConvergenceWarning, stacklevel=2)
        if self.verbose:
            print(f"[LogisticRegression] solver={self.solver} n_iter={n_iter} converged={converged} "
                  f"objective={obj_curve[-1]:.6g}")
        return self

    def _warm_start_point(self, k, d, P):
        """The solvers' start w0 (P): zeros, or with warm_start the previous coef_ (k, d) then its
        intercept_ (when fit_intercept), as scikit-learn's _logistic_regression_path takes them."""
        coef = getattr(self, "coef_", None) if self.warm_start else None
        if coef is None:
            return np.zeros(P)
        w0 = np.ravel(coef).astype(np.float64)
        if self.fit_intercept:
            w0 = np.concatenate([w0, np.ravel(self.intercept_)])
        if w0.size != P:
            raise ValueError(f"Initialization coef is of shape {w0.size}, expected shape {P} (warm_start: "
                             f"the previous fit had coef_ of shape {np.shape(coef)}, this one needs ({k}, {d})).")
        return w0

    # ---- predict -------------------------------------------------------------------------------
    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes), columns in the order of classes_."""
        z = self.decision_function(X)
        if z.ndim == 1:
            p = expit(z)
            return np.column_stack([1.0 - p, p])
        return softmax(z)

    def predict_log_proba(self, X):
        """log of predict_proba, computed stably."""
        z = self.decision_function(X)
        if z.ndim == 1:
            z = np.column_stack([np.zeros_like(z), z])
        return log_softmax(z)

    _accept_sparse = "csr"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        if self.solver == "liblinear":  # two classes only, as scikit-learn's liblinear
            tags.classifier_tags.multi_class = False
        return tags
