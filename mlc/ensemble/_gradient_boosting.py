"""GradientBoostingClassifier and GradientBoostingRegressor: exact gradient boosting (Friedman 2001), as
scikit-learn's.

Each stage computes the negative gradient of the loss at the raw predictions (C), fits one mlc CART
regression tree per output on it (C, X as float32, the in-bag rows only, as scikit-learn's tree drops
zero-weight rows), re-estimates the leaves' values for the loss and adds them to the raw predictions
(C: csrc/ensemble/gradient_boosting.c). Every draw -- the subsample mask, each tree's seed, the
early-stopping split -- comes from NumPy's RandomState in scikit-learn's order, so with
max_features=None and no tied splits the model is scikit-learn's."""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import (check_classification_targets, check_is_fitted, check_legacy_random_state,
                           check_sample_weight, check_scalar, column_or_1d, encode_labels)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..tree import DecisionTreeRegressor
from ..tree._tree import TREE_LEAF, Tree
from ._hist_gradient_boosting import _train_val_split
from ._losses import _percentile

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]

_LOSS = _mlc.ENUMS["ensemble_loss"]
_RAND_R_MAX = 2147483647  # scikit-learn's tree splitter draws its seed as randint(0, RAND_R_MAX)
_EPS = np.finfo(np.float64).eps


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


class _DummyInit(BaseEstimator):
    """The default init_: scikit-learn's DummyClassifier(strategy="prior") (classifier) or
    DummyRegressor(strategy="mean" | "quantile") (regressor), a constant prediction."""

    def __init__(self, strategy="mean", quantile=None):
        self.strategy = strategy
        self.quantile = quantile

    def fit(self, X, y, sample_weight=None):
        self.n_features_in_ = X.shape[1]
        if self.strategy == "prior":
            self.classes_, codes = np.unique(y, return_inverse=True)
            w = np.ones(len(y)) if sample_weight is None else sample_weight
            counts = np.bincount(codes, weights=w, minlength=len(self.classes_))
            self.class_prior_ = counts / counts.sum()
        elif self.strategy == "mean":
            self.constant_ = np.average(y, weights=sample_weight)
        else:
            self.constant_ = _percentile(y, sample_weight, self.quantile * 100.0)
        return self

    def predict_proba(self, X):
        return np.tile(self.class_prior_, (X.shape[0], 1))

    def predict(self, X):
        if self.strategy == "prior":
            return np.full(X.shape[0], self.classes_[np.argmax(self.class_prior_)])
        return np.full(X.shape[0], self.constant_, dtype=np.float64)


class _BaseGradientBoosting(BaseEstimator):
    """The boosting loop shared by the classifier and the regressor (scikit-learn's BaseGradientBoosting)."""

    # ---- parameters ------------------------------------------------------------------------------
    def _check_params(self):
        check_scalar(self.n_estimators, "n_estimators", numbers.Integral, min_val=1)
        check_scalar(self.learning_rate, "learning_rate", numbers.Real, min_val=0.0, include_boundaries="neither")
        check_scalar(self.subsample, "subsample", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="right")
        check_scalar(self.validation_fraction, "validation_fraction", numbers.Real, min_val=0.0, max_val=1.0,
                     include_boundaries="neither")
        if self.n_iter_no_change is not None:
            check_scalar(self.n_iter_no_change, "n_iter_no_change", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0)
        check_scalar(self.verbose, "verbose", numbers.Integral, min_val=0)
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start must be a bool, got {self.warm_start!r}.")
        if self.criterion not in ("deprecated", "friedman_mse", "squared_error"):
            raise ValueError(f"criterion must be 'squared_error' (deprecated, as in scikit-learn 1.9), got "
                             f"{self.criterion!r}.")
        if self.criterion != "deprecated":
            warnings.warn("The parameter `criterion` is deprecated (as in scikit-learn 1.9) and has no effect: the "
                          "trees use squared_error. Leave it to its default value to avoid this warning.",
                          FutureWarning, stacklevel=3)
        init = self.init
        if not (init is None or (isinstance(init, str) and init == "zero") or
                (hasattr(init, "fit") and hasattr(init, self._init_method))):
            raise ValueError(f"init must be None, 'zero' or an estimator with fit and {self._init_method}, got "
                             f"{init!r}.")

    def _tree_template(self, random_state=None):
        return DecisionTreeRegressor(criterion="squared_error", max_depth=self.max_depth,
                                     min_samples_split=self.min_samples_split, min_samples_leaf=self.min_samples_leaf,
                                     min_weight_fraction_leaf=self.min_weight_fraction_leaf,
                                     min_impurity_decrease=self.min_impurity_decrease, max_features=self.max_features,
                                     max_leaf_nodes=self.max_leaf_nodes, random_state=random_state,
                                     ccp_alpha=self.ccp_alpha)

    # ---- state -----------------------------------------------------------------------------------
    def _is_fitted(self):
        return len(getattr(self, "estimators_", [])) > 0

    def _clear_state(self):
        for name in ("estimators_", "train_score_", "oob_improvement_", "oob_scores_", "oob_score_", "init_", "_rng"):
            if hasattr(self, name):
                delattr(self, name)

    def _init_state(self):
        K = self.n_trees_per_iteration_
        self.init_ = self.init if self.init is not None else self._default_init()
        self.estimators_ = np.empty((self.n_estimators, K), dtype=object)
        self.train_score_ = np.zeros(self.n_estimators, dtype=np.float64)
        if self.subsample < 1.0:
            self.oob_improvement_ = np.zeros(self.n_estimators, dtype=np.float64)
            self.oob_scores_ = np.zeros(self.n_estimators, dtype=np.float64)
            self.oob_score_ = np.nan

    def _resize_state(self):
        n, K = self.n_estimators, self.n_trees_per_iteration_
        self.estimators_ = np.resize(self.estimators_, (n, K))
        self.train_score_ = np.resize(self.train_score_, n)
        if self.subsample < 1 or hasattr(self, "oob_improvement_"):
            if hasattr(self, "oob_improvement_"):
                self.oob_improvement_ = np.resize(self.oob_improvement_, n)
                self.oob_scores_ = np.resize(self.oob_scores_, n)
            else:
                self.oob_improvement_ = np.zeros(n, dtype=np.float64)
                self.oob_scores_ = np.zeros(n, dtype=np.float64)
            self.oob_score_ = np.nan

    # ---- losses ----------------------------------------------------------------------------------
    def _param(self):
        """The loss's parameter for the C kernels: the quantile loss's alpha, the Huber loss's delta."""
        if self._loss_name == "quantile":
            return float(self.alpha)
        return float(self._huber_delta) if self._loss_name == "huber" else 0.0

    def _mean_loss(self, y, raw, sample_weight, mask=None, select=True):
        """scikit-learn's train_score_: the weighted mean loss (twice the half losses' for squared error
        and the binary log loss) of the rows where mask is select (mask None: all)."""
        factor = 2.0 if self._loss_name in ("squared_error", "log_loss_binary") else 1.0
        return factor * _mlc.ensemble_gb_loss(raw, y, sample_weight, mask, select, _LOSS[self._loss_name],
                                              self._param())

    def _init_raw(self, X):
        """(n_samples, K) the raw predictions of init_ (scikit-learn's _init_raw_predictions)."""
        K = self.n_trees_per_iteration_
        if isinstance(self.init_, str) and self.init_ == "zero":
            return np.zeros((X.shape[0], K), dtype=np.float64)
        if self._estimator_type != "classifier":
            return np.asarray(self.init_.predict(X), dtype=np.float64).reshape(-1, 1).copy()
        p = self.init_.predict_proba(X)
        if K == 1:
            p = p[:, 1]
        p = np.clip(p, _EPS, 1 - _EPS, dtype=np.float64)
        if self._loss_name == "log_loss_multiclass":
            logp = np.log(p)
            return np.ascontiguousarray(np.log(p / np.exp(np.mean(logp, axis=1))[:, None]))
        raw = np.log(p / (1 - p))
        if self._loss_name == "exponential":
            raw = 0.5 * raw
        return raw.reshape(-1, 1).copy()

    # ---- fit -------------------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, monitor=None):
        """Fit the gradient boosting model on (X, y). monitor(i, self, locals()) is called after each
        stage; True stops the fit (scikit-learn's monitor)."""
        self._check_params()
        if not self.warm_start:
            self._clear_state()
        X, y = self._validate_data(X, y, reset=True, dtype=np.float32, multi_output=True,
                                   y_numeric=self._estimator_type == "regressor")
        X = np.ascontiguousarray(X)
        y = column_or_1d(y, warn=True)
        weighted = sample_weight is not None
        sample_weight = check_sample_weight(sample_weight, X.shape[0], ensure_non_negative=True)
        sample_weight = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, np.float64)
        y = self._encode_y(y, sample_weight if weighted else None)
        self._set_loss()
        self._huber_delta = 0.5  # scikit-learn's HuberLoss starts from delta = 0.5 (the first OOB loss)
        template = self._tree_template()
        self._tree_counts = template._check_params(X.shape[0], X.shape[1])
        self.max_features_ = self._tree_counts[5]
        if self.n_iter_no_change is not None:
            stratify = y if self._estimator_type == "classifier" else None
            train, val = _train_val_split(X.shape[0], self.validation_fraction, self.random_state, stratify)
            X_train, y_train, w_train = X[train], y[train], sample_weight[train]
            X_val, y_val, w_val = X[val], y[val], sample_weight[val]
            if self._estimator_type == "classifier" and self.n_classes_ != np.unique(y_train).shape[0]:
                raise ValueError("The training data after the early stopping split is missing some classes. Try "
                                 "using another random seed.")
        else:
            X_train, y_train, w_train = X, y, sample_weight
            X_val = y_val = w_val = None
        if not self._is_fitted():
            self._init_state()
            if not (isinstance(self.init_, str) and self.init_ == "zero"):
                if weighted:
                    try:
                        self.init_.fit(X_train, y_train, sample_weight=w_train)
                    except TypeError as e:
                        if "sample_weight" in str(e):
                            raise ValueError(f"The initial estimator {type(self.init_).__name__} does not support "
                                             "sample weights.") from e
                        raise
                else:
                    self.init_.fit(X_train, y_train)
            raw = self._init_raw(X_train)
            begin = 0
            self._rng = check_legacy_random_state(self.random_state)
        else:
            if self.n_estimators < self.estimators_.shape[0]:
                raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                                 f"estimators_.shape[0]={self.estimators_.shape[0]} when warm_start==True")
            begin = self.estimators_.shape[0]
            raw = self._raw_predict(X_train)
            self._resize_state()
        n_stages = self._fit_stages(X_train, y_train, raw, w_train, X_val, y_val, w_val, begin, monitor)
        if n_stages != self.estimators_.shape[0]:
            self.estimators_ = self.estimators_[:n_stages]
            self.train_score_ = self.train_score_[:n_stages]
            if hasattr(self, "oob_improvement_"):
                self.oob_improvement_ = self.oob_improvement_[:n_stages]
                self.oob_scores_ = self.oob_scores_[:n_stages]
                self.oob_score_ = self.oob_scores_[-1]
        self.n_estimators_ = n_stages
        return self

    def _fit_stages(self, X, y, raw, sample_weight, X_val, y_val, w_val, begin, monitor):
        n = X.shape[0]
        do_oob = self.subsample < 1.0
        n_inbag = max(1, int(self.subsample * n))
        rng = self._rng
        mask = None
        if self.n_iter_no_change is not None:
            loss_history = np.full(self.n_iter_no_change, np.inf)
            val_raw = self._staged_raw_predict(X_val, check_input=False)
        i = begin
        for i in range(begin, self.n_estimators):
            if do_oob:
                mask = _mlc.ensemble_gb_sample_mask(rng.uniform(size=n), n_inbag)
                if i == 0:
                    initial_loss = self._mean_loss(y, raw, sample_weight, mask, False)
            raw = self._fit_stage(i, X, y, raw, sample_weight, mask, rng)
            if do_oob:
                self.train_score_[i] = self._mean_loss(y, raw, sample_weight, mask, True)
                self.oob_scores_[i] = self._mean_loss(y, raw, sample_weight, mask, False)
                previous = initial_loss if i == 0 else self.oob_scores_[i - 1]
                self.oob_improvement_[i] = previous - self.oob_scores_[i]
                self.oob_score_ = self.oob_scores_[-1]
            else:
                self.train_score_[i] = self._mean_loss(y, raw, sample_weight)
            if self.verbose:
                print(f"{i + 1:>10d} {self.train_score_[i]:>16.4f}", flush=True)
            if monitor is not None and monitor(i, self, locals()):
                break
            if self.n_iter_no_change is not None:
                validation_loss = self._mean_loss(y_val, next(val_raw), w_val)
                if np.any(validation_loss + self.tol < loss_history):
                    loss_history[i % len(loss_history)] = validation_loss
                else:
                    break
        return i + 1

    def _fit_stage(self, i, X, y, raw, sample_weight, mask, rng):
        """One stage: the negative gradient, one tree per output fitted on it, the terminal regions."""
        loss = _LOSS[self._loss_name]
        if self._loss_name == "huber":  # delta: the alpha-quantile of the absolute residuals
            self._huber_delta = float(_percentile(np.abs(y - raw[:, 0]), sample_weight, 100 * self.alpha))
        neg_grad = np.empty_like(raw)
        n_threads = get_num_threads()
        _mlc.ensemble_gb_negative_gradient(neg_grad, raw, y, loss, self._param(), n_threads=n_threads)
        max_depth, mss, msl, mwf, mid, max_features = self._tree_counts
        # scikit-learn's tree drops the rows of zero weight: the out-of-bag rows and zero sample weights
        keep = sample_weight > 0 if mask is None else (mask != 0) & (sample_weight > 0)
        rows = None if keep.all() else np.flatnonzero(keep)
        w_tree = sample_weight if mask is None else sample_weight * mask
        X_tree = X if rows is None else X[rows]
        w_fit = sample_weight if rows is None else sample_weight[rows]
        min_weight_leaf = mwf * float(np.sum(w_tree))
        for k in range(self.n_trees_per_iteration_):
            seed = int(rng.randint(0, _RAND_R_MAX))
            target = neg_grad[:, k] if rows is None else neg_grad[rows, k]
            arrays = _mlc.tree_fit(X_tree, np.ascontiguousarray(target), w_fit, 0, _mlc.ENUMS["tree_criterion"]
                                   ["squared_error"], max_depth, mss, msl, max_features, min_weight_leaf, mid, seed,
                                   max_leaf_nodes=-1 if self.max_leaf_nodes is None else int(self.max_leaf_nodes),
                                   n_threads=n_threads)
            tree = self._tree_template(random_state=seed)
            tree.tree_ = Tree(X.shape[1], [1], 1, arrays)
            if self.ccp_alpha > 0.0:
                tree.tree_ = tree.tree_._prune(float(self.ccp_alpha))[0]
            tree.n_features_in_, tree.max_features_, tree.n_outputs_ = X.shape[1], max_features, 1
            t = tree.tree_
            leaf = _mlc.tree_apply(X, *t._nodes(), n_threads=n_threads)
            value = np.ascontiguousarray(t.value[:, 0, 0])
            y_k = (y == k).astype(np.float64) if self._loss_name == "log_loss_multiclass" else y
            _mlc.ensemble_gb_update(value, raw, t.children_left, leaf, y_k, neg_grad, sample_weight, mask, k, loss,
                                    self._param(), float(self.learning_rate))
            t.value[:, 0, 0] = value
            self.estimators_[i, k] = tree
        return raw

    # ---- prediction ------------------------------------------------------------------------------
    def _validate_X(self, X):
        check_is_fitted(self, "estimators_")
        return np.ascontiguousarray(self._validate_data(X, reset=False, dtype=np.float32))

    def _add_stage(self, raw, i, X):
        """raw += learning_rate * the values of stage i's trees at X (scikit-learn's predict_stage)."""
        n_threads = get_num_threads()
        for k in range(self.estimators_.shape[1]):
            t = self.estimators_[i, k].tree_
            value = t.value.reshape(t.node_count, -1)
            raw[:, k] += self.learning_rate * _mlc.tree_predict(X, *t._nodes(), value, n_threads=n_threads)[:, 0]

    def _raw_predict(self, X):
        raw = self._init_raw(X)
        for i in range(self.estimators_.shape[0]):
            self._add_stage(raw, i, X)
        return raw

    def _staged_raw_predict(self, X, check_input=True):
        if check_input:
            X = self._validate_X(X)
        raw = self._init_raw(X)
        for i in range(self.estimators_.shape[0]):
            self._add_stage(raw, i, X)
            yield raw.copy()

    @property
    def feature_importances_(self):
        """The trees' normalised total impurity decreases, averaged over the trees with a split."""
        check_is_fitted(self, "estimators_")
        trees = [tree for stage in self.estimators_ for tree in stage if tree.tree_.node_count > 1]
        if not trees:
            return np.zeros(self.n_features_in_, dtype=np.float64)
        avg = np.mean([t.tree_.compute_feature_importances(normalize=False) for t in trees], axis=0, dtype=np.float64)
        return avg / np.sum(avg)

    def apply(self, X):
        """The leaf each sample reaches in every tree: (n_samples, n_estimators, K) (a regressor:
        (n_samples, n_estimators))."""
        X = self._validate_X(X)
        n_est, K = self.estimators_.shape
        leaves = np.zeros((X.shape[0], n_est, K))
        for i in range(n_est):
            for k in range(K):
                leaves[:, i, k] = self.estimators_[i, k].tree_.apply(X)
        return leaves


_PARAMS_DOC = """
    learning_rate : float, default=0.1
        Shrinks each tree's contribution (> 0).
    n_estimators : int, default=100
        The number of boosting stages.
    subsample : float, default=1.0
        The fraction of the rows each stage's trees are fitted on (stochastic gradient boosting, drawn
        as scikit-learn draws it); below 1, oob_improvement_, oob_scores_ and oob_score_ are kept.
    criterion : "deprecated", default="deprecated"
        Deprecated (as in scikit-learn 1.9): the trees always use squared_error ("friedman_mse" and
        "squared_error" warn).
    min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth=3, min_impurity_decrease,
    max_features, max_leaf_nodes, ccp_alpha :
        The trees' parameters (see mlc.tree.DecisionTreeRegressor).
    init : estimator, "zero" or None, default=None
        The initial raw predictions: None is scikit-learn's default (the class prior, the mean, or the
        median / alpha-quantile), "zero" starts from 0, an estimator is fitted and used.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsample, the trees' feature draws and the early-stopping split (one NumPy
        RandomState, drawn in scikit-learn's order).
    verbose : int, default=0
        Print the training loss after each stage.
    warm_start : bool, default=False
        Add stages to the fitted model on the next fit.
    validation_fraction : float, default=0.1
        The held-out fraction for early stopping.
    n_iter_no_change : int, default=None
        Stop when the held-out loss has not improved by tol for this many stages (None: no early stop).
    tol : float, default=1e-4
"""

_ATTRS_DOC = """
    Attributes
    ----------
    estimators_ : ndarray of DecisionTreeRegressor of shape (n_estimators_, K)
        The trees (mlc trees; K = 1, or n_classes for the multinomial log loss).
    n_estimators_ : int
        The number of stages fitted (early stopping may stop before n_estimators).
    train_score_ : ndarray of shape (n_estimators_,)
        The training loss after each stage (of the in-bag rows when subsample < 1).
    oob_improvement_, oob_scores_ : ndarray of shape (n_estimators_,); oob_score_ : float
        With subsample < 1: the out-of-bag loss after each stage and its improvement.
    init_ : estimator
    feature_importances_ : ndarray of shape (n_features_in_,)
    max_features_ : int
    n_features_in_ : int

    With max_features=None the model is scikit-learn's (the same trees, train_score_, raw predictions
    to ~1e-10) wherever no two candidate splits of a tree tie.
"""


class GradientBoostingClassifier(ClassifierMixin, _BaseGradientBoosting):
    __doc__ = """Gradient boosting for classification (exact trees, as scikit-learn's).

    Parameters
    ----------
    loss : {"log_loss", "exponential"}, default="log_loss"
        The binomial (two classes) or multinomial log loss, or the exponential loss (AdaBoost's, two
        classes).
""" + _PARAMS_DOC + _ATTRS_DOC + """
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_trees_per_iteration_ : int

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from mlc.ensemble import GradientBoostingClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> round(GradientBoostingClassifier(n_estimators=20).fit(X, y).score(X, y), 3)
    0.988
"""

    _init_method = "predict_proba"

    def __init__(self, *, loss="log_loss", learning_rate=0.1, n_estimators=100, subsample=1.0,
                 criterion="deprecated", min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_depth=3, min_impurity_decrease=0.0, init=None, random_state=None, max_features=None, verbose=0,
                 max_leaf_nodes=None, warm_start=False, validation_fraction=0.1, n_iter_no_change=None, tol=1e-4,
                 ccp_alpha=0.0):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.verbose = verbose
        self.max_leaf_nodes = max_leaf_nodes
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha

    def _default_init(self):
        return _DummyInit(strategy="prior")

    def _encode_y(self, y, sample_weight):
        check_classification_targets(y)
        self.classes_, codes = encode_labels(y)
        self.n_classes_ = len(self.classes_)
        self.n_trees_per_iteration_ = 1 if self.n_classes_ <= 2 else self.n_classes_
        n_trim = self.n_classes_ if sample_weight is None else np.count_nonzero(np.bincount(codes, sample_weight))
        if n_trim < 2:
            raise ValueError(f"y contains {n_trim} class after sample_weight trimmed classes with zero weights, while "
                             "a minimum of 2 classes are required.")
        return codes.astype(np.float64)

    def _set_loss(self):
        if self.loss not in ("log_loss", "exponential"):
            raise ValueError(f"loss must be 'log_loss' or 'exponential', got {self.loss!r}.")
        if self.loss == "exponential" and self.n_classes_ > 2:
            raise ValueError(f"loss='exponential' is only suitable for a binary classification problem, you have "
                             f"n_classes={self.n_classes_}. Please use loss='log_loss' instead.")
        if self.loss == "exponential":
            self._loss_name = "exponential"
        else:
            self._loss_name = "log_loss_binary" if self.n_classes_ == 2 else "log_loss_multiclass"

    def decision_function(self, X):
        """The raw predictions: (n_samples,) for two classes (> 0 means classes_[1]), else (n_samples,
        n_classes)."""
        raw = self._raw_predict(self._validate_X(X))
        return raw.ravel() if raw.shape[1] == 1 else raw

    def staged_decision_function(self, X):
        """decision_function after each stage (a generator of (n_samples, K) arrays, as scikit-learn's)."""
        yield from self._staged_raw_predict(X)

    def _classes_of(self, raw):
        codes = (raw.reshape(-1) >= 0).astype(int) if raw.shape[1] == 1 else np.argmax(raw, axis=1)
        return self.classes_.take(codes, axis=0)

    def predict(self, X):
        """The class of largest raw prediction."""
        return self._classes_of(self._raw_predict(self._validate_X(X)))

    def staged_predict(self, X):
        """predict after each stage (a generator)."""
        for raw in self._staged_raw_predict(X):
            yield self._classes_of(raw)

    def _proba(self, raw):
        if self._loss_name == "log_loss_multiclass":
            z = np.exp(raw - raw.max(axis=1, keepdims=True))
            return z / z.sum(axis=1, keepdims=True)
        p = _expit(2 * raw[:, 0] if self._loss_name == "exponential" else raw[:, 0])
        return np.column_stack([1 - p, p])

    def predict_proba(self, X):
        """Class probabilities: the inverse link of the raw predictions (sigmoid, softmax, or sigmoid(2 raw)
        for the exponential loss)."""
        return self._proba(self._raw_predict(self._validate_X(X)))

    def staged_predict_proba(self, X):
        """predict_proba after each stage (a generator)."""
        for raw in self._staged_raw_predict(X):
            yield self._proba(raw)

    def predict_log_proba(self, X):
        """The log of predict_proba."""
        return np.log(self.predict_proba(X))


class GradientBoostingRegressor(RegressorMixin, _BaseGradientBoosting):
    __doc__ = """Gradient boosting for regression (exact trees, as scikit-learn's).

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "quantile"}, default="squared_error"
        The loss: squared error, absolute error (leaves: weighted medians), Huber (delta: the alpha-
        quantile of the absolute residuals at each stage) or the quantile (pinball) loss of alpha.
""" + _PARAMS_DOC + """
    alpha : float, default=0.9
        The quantile of the quantile loss and of the Huber loss's delta, in (0, 1).
""" + _ATTRS_DOC + """
    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from mlc.ensemble import GradientBoostingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> GradientBoostingRegressor(n_estimators=20).fit(X, y).n_estimators_
    20
"""

    _init_method = "predict"

    def __init__(self, *, loss="squared_error", learning_rate=0.1, n_estimators=100, subsample=1.0,
                 criterion="deprecated", min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_depth=3, min_impurity_decrease=0.0, init=None, random_state=None, max_features=None, alpha=0.9,
                 verbose=0, max_leaf_nodes=None, warm_start=False, validation_fraction=0.1, n_iter_no_change=None,
                 tol=1e-4, ccp_alpha=0.0):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.alpha = alpha
        self.verbose = verbose
        self.max_leaf_nodes = max_leaf_nodes
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha

    def _default_init(self):
        if self.loss in ("absolute_error", "huber"):
            return _DummyInit(strategy="quantile", quantile=0.5)
        if self.loss == "quantile":
            return _DummyInit(strategy="quantile", quantile=self.alpha)
        return _DummyInit(strategy="mean")

    def _encode_y(self, y, sample_weight):
        self.n_trees_per_iteration_ = 1
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        return y

    def _set_loss(self):
        if self.loss not in ("squared_error", "absolute_error", "huber", "quantile"):
            raise ValueError(f"loss must be 'squared_error', 'absolute_error', 'huber' or 'quantile', got "
                             f"{self.loss!r}.")
        check_scalar(self.alpha, "alpha", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="neither")
        self._loss_name = self.loss

    def predict(self, X):
        """The raw predictions (the loss's link is the identity)."""
        return self._raw_predict(self._validate_X(X)).ravel()

    def staged_predict(self, X):
        """predict after each stage (a generator)."""
        for raw in self._staged_raw_predict(X):
            yield raw.ravel()

    def apply(self, X):
        leaves = super().apply(X)
        return leaves.reshape(leaves.shape[0], self.estimators_.shape[0])
