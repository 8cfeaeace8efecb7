"""SGDClassifier and SGDRegressor: plain stochastic gradient descent in C, with partial_fit.

The objective is scikit-learn's, for one linear model p = w.x + b per problem:

    (1/n) sum_i c_i L(y_i, p_i) + alpha * ((1 - l1_ratio)/2 ||w||^2 + l1_ratio ||w||_1)

(l1_ratio = 0 for 'l2', 1 for 'l1', no penalty for None), c_i = sample_weight_i * class_weight; a
classifier with more than two classes trains one problem per class (one-vs-rest, the problems in
parallel). With the default optimizer='sgd' and batch_size=1 the updates are scikit-learn's
_plain_sgd step for step (csrc/linear/sgd.c): with shuffle=False the coefficients equal
scikit-learn's up to rounding; with shuffle=True mlc draws its own sample orders (xoshiro256**,
seeded from random_state), so results agree in quality but not digit for digit.

mlc-only: optimizer in {'momentum', 'nesterov', 'adagrad', 'adam'} (or 'sgd' with batch_size > 1)
takes mini-batch steps with csrc/linear/optim.c's update rules; the learning-rate schedules are the
same, counted in steps. Per epoch, ``loss_curve_`` holds the mean loss and ``objective_curve_`` the
mean loss + penalty (one row per problem for one-vs-rest).

Sparse input (scipy.sparse CSR, other formats converted; never densified): scikit-learn's sparse SGD,
each step touching the row's stored features only (the dot, the update, the averaging and the
cumulative L1 penalty, which reaches a feature when it next appears), and the intercept stepping by
0.01 of the weights' rate (scikit-learn's SPARSE_INTERCEPT_DECAY): with shuffle=False, the same
coefficients as scikit-learn's sparse fit up to rounding (not those of a dense fit, whose intercept
decay is 1). The mini-batch optimizers take CSR rows too.
"""
import math
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._math import expit, linear_scores
from .._threads import _n_threads
from .._validation import (_is_sparse, check_classification_targets, check_is_fitted, check_sample_weight,
                           check_n_jobs, check_scalar, check_X_y, compute_class_weight, csr_parts,
                           seed_from_random_state)
from ..base import BaseEstimator, ClassifierMixin, LinearClassifierMixin, RegressorMixin, available_if
from ..exceptions import ConvergenceWarning

__all__ = ["SGDClassifier", "SGDRegressor"]

_LOSSES = _mlc.ENUMS["sgd_loss"]
_REGRESSION_LOSSES = ("squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive")
_PENALTIES = {None: _mlc.PENALTY_NONE, "l1": _mlc.PENALTY_L1, "l2": _mlc.PENALTY_L2,
              "elasticnet": _mlc.PENALTY_ELASTICNET}
_LEARNING_RATES = {k: _mlc.ENUMS["learning_rate"][k] for k in ("constant", "optimal", "invscaling", "adaptive")}
_OPTIMIZERS = {k: _mlc.ENUMS["optimizer"][k] for k in ("sgd", "momentum", "nesterov", "adagrad", "adam")}
_SPARSE_INTERCEPT_DECAY = 0.01  # scikit-learn's: the intercept of a sparse fit steps 100 times slower


class _BaseSGD(BaseEstimator):
    """Parameters, validation and the call of the C epochs shared by both estimators."""

    _losses = ()

    # ---- parameters -------------------------------------------------------------------------
    def _check_params(self, for_partial_fit=False):
        if not isinstance(self.loss, str) or self.loss not in self._losses:
            raise ValueError(f"The loss {self.loss!r} is not supported; loss must be one of {sorted(self._losses)}.")
        if self.penalty not in _PENALTIES:
            raise ValueError(f"penalty must be one of ['l2', 'l1', 'elasticnet', None], got {self.penalty!r}.")
        if not isinstance(self.learning_rate, str) or self.learning_rate not in _LEARNING_RATES:
            raise ValueError(f"learning_rate must be one of {sorted(_LEARNING_RATES)}, got {self.learning_rate!r}.")
        if not isinstance(self.optimizer, str) or self.optimizer not in _OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {sorted(_OPTIMIZERS)}, got {self.optimizer!r}.")
        check_scalar(self.alpha, "alpha", numbers.Real, min_val=0)
        if self.l1_ratio is not None:
            check_scalar(self.l1_ratio, "l1_ratio", numbers.Real, min_val=0, max_val=1)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        if self.tol is not None:
            check_scalar(self.tol, "tol", numbers.Real, min_val=0)
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0)
        check_scalar(self.eta0, "eta0", numbers.Real, min_val=0, include_boundaries="neither")
        check_scalar(self.power_t, "power_t", numbers.Real)
        check_scalar(self.validation_fraction, "validation_fraction", numbers.Real, min_val=0, max_val=1,
                     include_boundaries="neither")
        check_scalar(self.n_iter_no_change, "n_iter_no_change", numbers.Integral, min_val=1)
        check_scalar(self.batch_size, "batch_size", numbers.Integral, min_val=1)
        check_scalar(self.verbose, "verbose", (numbers.Integral, bool, np.bool_), min_val=0)
        for name in ("fit_intercept", "shuffle", "early_stopping", "warm_start"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be a bool, got {getattr(self, name)!r}.")
        if not isinstance(self.average, (bool, np.bool_)):
            check_scalar(self.average, "average", numbers.Integral, min_val=0, include_boundaries="neither")
        for name in ("alpha", "epsilon", "eta0", "power_t"):
            if not np.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be finite, got {getattr(self, name)}.")
        if self.learning_rate == "optimal" and self.alpha == 0:
            raise ValueError("alpha must be > 0 since learning_rate is 'optimal'. alpha is used to compute the "
                             "optimal learning rate.")
        if self.penalty == "elasticnet" and self.l1_ratio is None:
            raise ValueError("l1_ratio must be set when penalty is 'elasticnet'")
        if self.early_stopping and for_partial_fit:
            raise ValueError("early_stopping should be False with partial_fit")
        if self._uses_optimizer() and self.average:
            raise ValueError("average is only supported with optimizer='sgd' and batch_size=1.")
        check_n_jobs(getattr(self, "n_jobs", None))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _uses_optimizer(self):
        return self.optimizer != "sgd" or self.batch_size != 1

    # ---- state ----------------------------------------------------------------------------------
    def _allocate(self, K, d, coef_init, intercept_init):
        """Fresh (or given) coefficients (K, d) and intercepts (K), and the averaging / optimiser state."""
        if coef_init is not None:
            coef = np.array(coef_init, dtype=np.float64, order="C")
            if (coef.size != K * d) or (K > 1 and coef.shape != (K, d)):
                raise ValueError("Provided coef_init does not match dataset.")
            coef = coef.reshape(K, d)
        else:
            coef = np.zeros((K, d))
        if intercept_init is not None:
            b = np.array(intercept_init, dtype=np.float64).reshape(-1)
            if b.shape != (K,):
                raise ValueError("Provided intercept_init does not match dataset.")
        else:
            b = np.zeros(K)
        self._coef = coef
        self._intercept = b.copy()
        self._avg_coef = np.zeros((K, d)) if self.average else None
        self._avg_intercept = np.zeros(K) if self.average else None
        self._optim_m = np.zeros((K, d + 1))
        self._optim_v = np.zeros((K, d + 1))
        self._optim_t = np.zeros(K, dtype=np.int64)

    def _validation_mask(self, n, codes, sample_weight, seed):
        """scikit-learn's split (stratified by class for a classifier): ceil(validation_fraction * n)
        samples for validation, drawn with mlc's own generator."""
        if not self.early_stopping:
            return None
        rng = np.random.default_rng(seed)
        n_val = math.ceil(self.validation_fraction * n)
        mask = np.zeros(n, dtype=np.uint8)
        if n_val >= n or n_val == 0:
            raise ValueError(f"Splitting {n} samples into a train set and a validation set with "
                             f"validation_fraction={self.validation_fraction!r} led to an empty set "
                             f"({n - n_val} and {n_val} samples). Please either change validation_fraction, "
                             "increase number of samples, or disable early_stopping.")
        if codes is None:
            mask[rng.permutation(n)[:n_val]] = 1
        else:  # per class floor(share), the remainder to the largest fractional parts
            counts = np.bincount(codes)
            share = counts * (n_val / n)
            take = np.floor(share).astype(np.int64)
            rest = n_val - take.sum()
            take[np.argsort(-(share - take), kind="stable")[:rest]] += 1
            for c in np.flatnonzero(take):
                members = np.flatnonzero(codes == c)
                mask[rng.permutation(members)[:take[c]]] = 1
        if sample_weight is not None and not np.any(sample_weight[mask.astype(bool)]):
            raise ValueError("The sample weights for validation set are all zero, consider using a different "
                             "random state.")
        return mask

    def _run(self, X, y, codes, pos_code, weight_pos, weight_neg, sample_weight, max_iter, seed, val_mask):
        """The C epochs on the K problems in place; sets n_iter_, t_, the curves. Returns n_iter."""
        K = self._coef.shape[0]
        coef, b = self._coef.copy(), self._intercept.copy()
        ac = None if self._avg_coef is None else self._avg_coef.copy()
        ai = None if self._avg_intercept is None else self._avg_intercept.copy()
        om, ov, ot = self._optim_m.copy(), self._optim_v.copy(), self._optim_t.copy()
        use_opt = self._uses_optimizer()
        l1_ratio = 0.0 if self.l1_ratio is None else float(self.l1_ratio)
        sparse = {}
        if _is_sparse(X):
            data, indices, indptr, d = csr_parts(X)
            X, sparse = data.astype(np.float64, copy=False), dict(X_indices=indices, X_indptr=indptr, n_features=d)
        n_iter, lc, oc, sc = _mlc.sgd_fit(
            X, y, codes, pos_code, weight_pos, weight_neg, sample_weight, val_mask, coef, b, ac, ai, om, ov, ot,
            float(self.t_), _LOSSES[self.loss], float(self.epsilon), _PENALTIES[self.penalty], float(self.alpha),
            l1_ratio, bool(self.fit_intercept), int(max_iter), -math.inf if self.tol is None else float(self.tol),
            int(self.n_iter_no_change), bool(self.shuffle), seed % 2**64, _LEARNING_RATES[self.learning_rate],
            float(self.eta0), float(self.power_t), bool(self.early_stopping),
            _SPARSE_INTERCEPT_DECAY if sparse else 1.0, int(self.average),
            _OPTIMIZERS[self.optimizer] if use_opt else _mlc.OPTIM_PLAIN_SGD, batch_size=int(self.batch_size),
            n_threads=_n_threads(getattr(self, "n_jobs", None)), **sparse)
        self._coef, self._intercept, self._avg_coef, self._avg_intercept = coef, b, ac, ai
        self._optim_m, self._optim_v, self._optim_t = om, ov, ot
        n_run = int(n_iter.max())
        self.n_iter_ = n_run
        self.t_ += n_run * len(codes if y is None else y)
        curves = [lc[:, :n_run], oc[:, :n_run]] + ([sc[:, :n_run]] if sc is not None else [])
        if K == 1:
            curves = [c[0] for c in curves]
        return curves

    def _publish(self, K):
        """coef_/intercept_: the averaged weights once averaging has started, else the plain ones."""
        use_avg = self.average and self.average <= self.t_ - 1
        coef = self._avg_coef if use_avg else self._coef
        b = self._avg_intercept if use_avg else self._intercept
        self.coef_ = coef.copy()
        self.intercept_ = b.copy()

    def _record(self, curves, reset):
        names = ["loss_curve_", "objective_curve_", "validation_scores_"]
        for name, c in zip(names, curves):
            if reset or getattr(self, name, None) is None:
                setattr(self, name, c)
            else:
                setattr(self, name, np.concatenate([getattr(self, name), c], axis=-1))
        if self.verbose:
            lc, oc = curves[0], curves[1]
            print(f"[{type(self).__name__}] epochs={self.n_iter_} t={self.t_:.0f} avg. loss={np.ravel(lc)[-1]:.6g} "
                  f"objective={np.ravel(oc)[-1]:.6g}")

    def _warn_convergence(self):
        if self.tol is not None and self.n_iter_ == self.max_iter:
            warnings.warn("Maximum number of iteration reached before convergence. Consider increasing max_iter "
                          "to improve the fit.", ConvergenceWarning, stacklevel=3)


class SGDClassifier(LinearClassifierMixin, ClassifierMixin, _BaseSGD):
    """Linear classifiers (SVM, logistic regression, ...) trained by SGD; scikit-learn's parameters.

    Parameters (as scikit-learn 1.9's SGDClassifier)
    ----------
    loss : {'hinge', 'log_loss', 'modified_huber', 'squared_hinge', 'perceptron', 'squared_error',
        'huber', 'epsilon_insensitive', 'squared_epsilon_insensitive'}, default='hinge'
    penalty : {'l2', 'l1', 'elasticnet', None}, default='l2'
    alpha : float >= 0, default=1e-4
    l1_ratio : float in [0, 1], default=0.15 (elasticnet only)
    fit_intercept : bool, default=True
    max_iter : int, default=1000 (epochs)
    tol : float or None, default=1e-3
        Stop after n_iter_no_change epochs whose objective (or validation score) did not improve by tol.
    shuffle : bool, default=True
    verbose : int, default=0
    epsilon : float, default=0.1 (huber, epsilon-insensitive losses)
    n_jobs : int or None: threads for the one-vs-rest problems.
    random_state : int, RandomState, Generator or None
    learning_rate : {'constant', 'optimal', 'invscaling', 'adaptive'}, default='optimal'
    eta0 : float > 0, default=0.01
    power_t : float, default=0.5
    early_stopping : bool, default=False
    validation_fraction : float in (0, 1), default=0.1
    n_iter_no_change : int, default=5
    class_weight : dict, 'balanced' or None
    warm_start : bool, default=False
    average : bool or int > 0, default=False
    optimizer : {'sgd', 'momentum', 'nesterov', 'adagrad', 'adam'}, default='sgd' (mlc only)
    batch_size : int, default=1 (mlc only; > 1 or optimizer != 'sgd' use mini-batch steps)

    Attributes
    ----------
    coef_ (1 or n_classes, n_features), intercept_, classes_, n_iter_, t_, n_features_in_,
    loss_curve_, objective_curve_ (per epoch; (n_classes, epochs) for one-vs-rest, NaN after a problem
    stopped), validation_scores_ (early_stopping).
    """

    _losses = tuple(_LOSSES)
    _accept_sparse = "csr"

    def __init__(self, loss="hinge", *, penalty="l2", alpha=0.0001, l1_ratio=0.15, fit_intercept=True, max_iter=1000,
                 tol=1e-3, shuffle=True, verbose=0, epsilon=0.1, n_jobs=None, random_state=None,
                 learning_rate="optimal", eta0=0.01, power_t=0.5, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False, average=False, optimizer="sgd",
                 batch_size=1):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.average = average
        self.optimizer = optimizer
        self.batch_size = batch_size

    def _encode(self, y):
        """int32 codes of y in classes_; labels outside classes_ raise."""
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        bad = self.classes_[idx] != y
        if np.any(bad):
            raise ValueError(f"y contains labels not in classes {self.classes_!r}: {np.unique(y[bad])[:5]!r}")
        return idx.astype(np.int32)

    def _partial_fit(self, X, y, classes, sample_weight, max_iter, coef_init, intercept_init, reset):
        first_call = not hasattr(self, "classes_")
        if not reset:  # fit validated X and y already
            self._check_feature_names(X, reset=first_call)
            X, y = check_X_y(X, y, dtype=np.float64, order="C", estimator=self, accept_sparse="csr")
            check_classification_targets(y)
        if first_call:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self.classes_ = classes if reset else np.unique(np.asarray(classes))
            self._check_n_features(X, reset=True)
        else:
            if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
                raise ValueError(f"`classes={np.asarray(classes)!r}` is not the same as on last call to "
                                 f"partial_fit, was: {self.classes_!r}")
            self._check_n_features(X, reset=False)
        n, d = X.shape
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"The number of classes has to be greater than one; got {n_classes} class")
        codes = self._encode(y)
        cw = compute_class_weight(self.class_weight, self.classes_, codes)
        sw = check_sample_weight(sample_weight, n)
        K = 1 if n_classes == 2 else n_classes
        if getattr(self, "_coef", None) is None or coef_init is not None or reset:
            self._allocate(K, d, coef_init, intercept_init)
        elif self._coef.shape[1] != d:
            raise ValueError(f"Number of features {d} does not match previous data {self._coef.shape[1]}.")
        if not hasattr(self, "t_"):
            self.t_ = 1.0
        if K == 1:
            pos, wpos, wneg = np.array([1], np.int32), np.array([cw[1]]), np.array([cw[0]])
        else:
            pos, wpos, wneg = np.arange(K, dtype=np.int32), np.asarray(cw, np.float64), np.ones(K)
        seed = seed_from_random_state(self.random_state)
        mask = self._validation_mask(n, codes, sw, seed ^ 0x5DEECE66D)
        curves = self._run(X, None, codes, pos, wpos, wneg, sw, max_iter, seed, mask)
        self._publish(K)
        self._record(curves, reset)
        return self

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SGD for max_iter epochs at most; coef_init (n_classes or 1, n_features) and
        intercept_init warm-start it."""
        self._check_params()
        X, y = self._validate_data(X, y, reset=True, dtype=np.float64, order="C", accept_sparse="csr")
        check_classification_targets(y)
        if self.warm_start and getattr(self, "coef_", None) is not None:
            coef_init = self.coef_ if coef_init is None else coef_init
            intercept_init = self.intercept_ if intercept_init is None else intercept_init
        for name in ("classes_", "_coef", "loss_curve_", "objective_curve_", "validation_scores_"):
            if hasattr(self, name):
                delattr(self, name)
        self.t_ = 1.0
        self._partial_fit(X, y, np.unique(y), sample_weight, self.max_iter, coef_init, intercept_init, reset=True)
        self._warn_convergence()
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over (X, y); classes (all labels) is required on the first call."""
        if not hasattr(self, "classes_"):
            self._check_params(for_partial_fit=True)
            if isinstance(self.class_weight, str) and self.class_weight == "balanced":
                raise ValueError("class_weight 'balanced' is not supported for partial_fit. In order to use "
                                 "'balanced' weights, use compute_class_weight('balanced', classes=classes, y=y) "
                                 "and pass the resulting weights as the class_weight parameter.")
        return self._partial_fit(X, y, classes, sample_weight, 1, None, None, reset=False)

    # ---- predict -------------------------------------------------------------------------------
    def _check_proba(self):
        if self.loss not in ("log_loss", "modified_huber"):
            raise AttributeError(f"probability estimates are not available for loss={self.loss!r}")
        return True

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        """log of predict_proba (log_loss and modified_huber only)."""
        return np.log(self.predict_proba(X))

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Class probabilities (log_loss: sigmoid of the scores, one-vs-rest normalised; modified_huber:
        (clip(score, -1, 1) + 1) / 2, normalised). Only for those two losses."""
        z = self.decision_function(X)
        if self.loss == "log_loss":
            p = expit(z)
            if p.ndim == 1:
                return np.column_stack([1 - p, p])
            return p / p.sum(axis=1, keepdims=True)
        p = (np.clip(z, -1, 1) + 1.0) / 2.0
        if p.ndim == 1:
            return np.column_stack([1 - p, p])
        s = p.sum(axis=1)
        zero = s == 0
        p[zero] = 1.0
        s[zero] = p.shape[1]
        return p / s[:, None]


class SGDRegressor(RegressorMixin, _BaseSGD):
    """Linear regression trained by SGD; scikit-learn 1.9's SGDRegressor parameters and defaults
    (loss='squared_error', learning_rate='invscaling', power_t=0.25), plus optimizer / batch_size
    (mlc only, see SGDClassifier). Attributes: coef_ (n_features,), intercept_ (1,), n_iter_, t_,
    n_features_in_, loss_curve_, objective_curve_, validation_scores_ (early_stopping)."""

    _losses = _REGRESSION_LOSSES

    def __init__(self, loss="squared_error", *, penalty="l2", alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, verbose=0, epsilon=0.1, random_state=None,
                 learning_rate="invscaling", eta0=0.01, power_t=0.25, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, warm_start=False, average=False, optimizer="sgd", batch_size=1):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.average = average
        self.optimizer = optimizer
        self.batch_size = batch_size

    def _partial_fit(self, X, y, sample_weight, max_iter, coef_init, intercept_init, reset):
        first_call = getattr(self, "_coef", None) is None or reset
        X, y = self._validate_data(X, y, reset=first_call, dtype=np.float64, order="C", y_numeric=True,
                                   accept_sparse="csr")
        y = np.ascontiguousarray(y, dtype=np.float64)
        n, d = X.shape
        sw = check_sample_weight(sample_weight, n)
        if first_call or coef_init is not None:
            self._allocate(1, d, coef_init, intercept_init)
        if not hasattr(self, "t_"):
            self.t_ = 1.0
        seed = seed_from_random_state(self.random_state)
        mask = self._validation_mask(n, None, sw, seed ^ 0x5DEECE66D)
        curves = self._run(X, y, None, None, None, None, sw, max_iter, seed, mask)
        self._publish(1)
        self.coef_ = self.coef_.ravel()
        self._record(curves, reset)
        return self

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit by SGD for max_iter epochs at most; coef_init (n_features,) and intercept_init (1,) warm-start it."""
        self._check_params()
        if self.warm_start and getattr(self, "coef_", None) is not None:
            coef_init = self.coef_ if coef_init is None else coef_init
            intercept_init = self.intercept_ if intercept_init is None else intercept_init
        self.t_ = 1.0
        self._partial_fit(X, y, sample_weight, self.max_iter, coef_init, intercept_init, reset=True)
        self._warn_convergence()
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y)."""
        if getattr(self, "_coef", None) is None:
            self._check_params(for_partial_fit=True)
        return self._partial_fit(X, y, sample_weight, 1, None, None, reset=False)

    def predict(self, X):
        check_is_fitted(self, "coef_")
        X = self._validate_data(X, reset=False, dtype=np.float64, accept_sparse="csr")
        return linear_scores(X, self.coef_, self.intercept_[0])
