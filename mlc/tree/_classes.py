"""DecisionTreeClassifier and DecisionTreeRegressor: CART grown in C (csrc/tree/tree.c)."""
import math
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import (check_classification_targets, check_is_fitted, check_sample_weight, check_scalar, column_or_1d,
                           compute_class_weight, encode_labels, is_int, is_real, seed_from_random_state)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ._tree import Tree

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor"]

_CRITERIA = _mlc.ENUMS["tree_criterion"]


class _Bunch(dict):
    """A dict whose keys are also attributes (scikit-learn's Bunch)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as e:
            raise AttributeError(key) from e


class _BaseDecisionTree(BaseEstimator):
    """What both trees share: parameter checks, the fit in C, apply, decision_path, depth, leaves."""

    _classification_criteria = ()

    def _criterion_code(self):
        raise NotImplementedError

    def _check_params(self, n_samples, n_features):
        """scikit-learn's parameter constraints and the counts its builder receives."""
        if self.splitter not in ("best", "random"):
            raise ValueError(f"splitter must be 'best' or 'random', got {self.splitter!r}.")
        if self.max_leaf_nodes is not None:
            check_scalar(self.max_leaf_nodes, "max_leaf_nodes", numbers.Integral, min_val=2)
        check_scalar(self.ccp_alpha, "ccp_alpha", numbers.Real, min_val=0.0)
        if self.max_depth is None:
            max_depth = np.iinfo(np.int32).max
        else:
            max_depth = check_scalar(self.max_depth, "max_depth", numbers.Integral, min_val=1)
        msl = self.min_samples_leaf
        if is_int(msl):
            check_scalar(msl, "min_samples_leaf", numbers.Integral, min_val=1)
        elif is_real(msl):
            check_scalar(msl, "min_samples_leaf", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="neither")
            msl = int(math.ceil(msl * n_samples))
        else:
            raise TypeError(f"min_samples_leaf must be an int >= 1 or a float in (0, 1), got {msl!r}.")
        mss = self.min_samples_split
        if is_int(mss):
            check_scalar(mss, "min_samples_split", numbers.Integral, min_val=2)
        elif is_real(mss):
            check_scalar(mss, "min_samples_split", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="right")
            mss = max(2, int(math.ceil(mss * n_samples)))
        else:
            raise TypeError(f"min_samples_split must be an int >= 2 or a float in (0, 1], got {mss!r}.")
        mss = max(mss, 2 * msl)
        mwf = check_scalar(self.min_weight_fraction_leaf, "min_weight_fraction_leaf", numbers.Real,
                           min_val=0.0, max_val=0.5)
        mid = check_scalar(self.min_impurity_decrease, "min_impurity_decrease", numbers.Real, min_val=0.0)
        mf = self.max_features
        if mf is None:
            max_features = n_features
        elif isinstance(mf, str):
            if mf not in ("sqrt", "log2"):
                raise ValueError(f"max_features must be an int, a float, 'sqrt', 'log2' or None, got {mf!r}.")
            max_features = max(1, int(np.sqrt(n_features) if mf == "sqrt" else np.log2(n_features)))
        elif is_int(mf):
            check_scalar(mf, "max_features", numbers.Integral, min_val=1)
            if mf > n_features:
                raise ValueError(f"max_features must be in (0, n_features={n_features}], got {mf}.")
            max_features = int(mf)
        elif is_real(mf):
            check_scalar(mf, "max_features", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="right")
            max_features = max(1, int(mf * n_features))
        else:
            raise TypeError(f"max_features must be an int, a float, 'sqrt', 'log2' or None, got {mf!r}.")
        return int(max_depth), int(mss), int(msl), float(mwf), float(mid), max_features

    def _fit(self, X, y, sample_weight, n_classes, class_weights=None, codes=None):
        n_samples, n_features = X.shape
        max_depth, mss, msl, mwf, mid, max_features = self._check_params(n_samples, n_features)
        criterion = self._criterion_code()
        w = check_sample_weight(sample_weight, n_samples, ensure_non_negative=True)
        if class_weights is not None and self.class_weight is not None:
            expanded = class_weights[codes]
            w = expanded if w is None else w * expanded
        min_weight_leaf = mwf * (n_samples if w is None else float(np.sum(w)))
        if w is not None and not np.all(w):  # scikit-learn's splitter leaves rows of weight 0 out of the tree
            X, y, w = X[w != 0], np.asarray(y)[w != 0], w[w != 0]
        seed = seed_from_random_state(self.random_state)
        monotonic_cst = self._monotonic_cst(n_features, n_classes)
        self.max_features_ = max_features
        arrays = _mlc.tree_fit(X, np.ascontiguousarray(y, dtype=np.float64), w, n_classes, criterion, max_depth,
                               mss, msl, max_features, min_weight_leaf, mid, seed,
                               max_leaf_nodes=-1 if self.max_leaf_nodes is None else int(self.max_leaf_nodes),
                               splitter=_mlc.ENUMS["tree_splitter"][self.splitter], monotonic_cst=monotonic_cst,
                               n_threads=get_num_threads())
        self.tree_ = Tree(n_features, [max(n_classes, 1)], 1, arrays)
        if self.ccp_alpha > 0.0:
            self.tree_ = self.tree_._prune(float(self.ccp_alpha))[0]
        self.n_outputs_ = 1
        return self

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """The effective alphas of minimal cost-complexity pruning of the tree fitted on (X, y) and the
        total leaf impurity of the pruned tree after each: a dict with attribute access, keys
        ccp_alphas and impurities (scikit-learn's Bunch), ccp_alphas[0] = 0."""
        est = type(self)(**{**self.get_params(), "ccp_alpha": 0.0}).fit(X, y, sample_weight)
        _, alphas, impurities = est.tree_._prune(np.inf)
        return _Bunch(ccp_alphas=alphas, impurities=impurities)

    def _allow_nan(self):
        """Missing values (NaN) in X are learned by the best splitter (not the random one, nor the
        Poisson criterion, nor with monotonic constraints, as scikit-learn): "allow-nan" for check_array,
        else True."""
        return ("allow-nan" if self.splitter == "best" and self.criterion != "poisson" and self.monotonic_cst is None
                else True)

    def _monotonic_cst(self, n_features, n_classes):
        """monotonic_cst as the int8 array the C builder takes (None: no constraint), checked as
        scikit-learn checks it; a classifier's constraint is on the positive class, the builder's on
        class 0 (the signs flip)."""
        if self.monotonic_cst is None:
            return None
        cst = np.asarray(self.monotonic_cst)
        if cst.ndim != 1 or cst.shape[0] != n_features:
            raise ValueError(f"monotonic_cst has shape {cst.shape} but the input data X has {n_features} features.")
        if not np.all(np.isin(cst, (-1, 0, 1))):
            raise ValueError(f"monotonic_cst must be None or an array-like of -1, 0 or 1, but got {np.unique(cst)}")
        if n_classes > 2:
            raise ValueError("Monotonicity constraints are not supported with multiclass classification")
        cst = cst.astype(np.int8)
        return -cst if n_classes > 0 else cst

    def _validate_fit(self, X, y):
        X, y = self._validate_data(X, y, reset=True, dtype=np.float32, multi_output=True,
                                   ensure_all_finite=self._allow_nan())
        if y.ndim == 2:
            if y.shape[1] != 1:
                raise ValueError(f"y has {y.shape[1]} outputs: multi-output trees are not supported yet "
                                 "(fit one tree per output).")
            y = column_or_1d(y, warn=True)
        return X, y

    def _validate_X_predict(self, X):
        check_is_fitted(self, "tree_")
        return self._validate_data(X, reset=False, dtype=np.float32, ensure_all_finite=self._allow_nan())

    def get_depth(self):
        """The depth of the tree: the largest distance between the root and a leaf."""
        check_is_fitted(self, "tree_")
        return self.tree_.max_depth

    def get_n_leaves(self):
        """The number of leaves of the tree."""
        check_is_fitted(self, "tree_")
        return self.tree_.n_leaves

    def apply(self, X, check_input=True):
        """The index of the leaf each sample ends up in, int64 (n_samples,)."""
        X = self._validate_X_predict(X)
        return self.tree_.apply(X)

    def decision_path(self, X, check_input=True):
        """The decision path of each sample: a scipy.sparse CSR indicator (n_samples, n_nodes) whose
        nonzero (i, k) say that sample i passes node k (needs scipy)."""
        X = self._validate_X_predict(X)
        return self.tree_.decision_path(X)

    @property
    def feature_importances_(self):
        """The normalised total impurity decrease brought by each feature (Gini importance)."""
        check_is_fitted(self, "tree_")
        return self.tree_.compute_feature_importances()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        tags.input_tags.allow_nan = self._allow_nan() != True  # noqa: E712
        return tags


_PARAMS_DOC = """
    splitter : {"best", "random"}, default="best"
        The strategy used to choose the split at each node: the best split, or the best of one
        threshold per feature drawn uniformly between the node's smallest and largest value
        (scikit-learn's random splitter; mlc's own generator, so the trees are statistically alike,
        not equal).

    max_depth : int, default=None
        The maximum depth of the tree. If None, nodes are expanded until all leaves are pure or
        until all leaves contain less than min_samples_split samples.

    min_samples_split : int or float, default=2
        The minimum number of samples required to split an internal node (a float is a fraction of
        n_samples, rounded up).

    min_samples_leaf : int or float, default=1
        The minimum number of samples required to be at a leaf node (a float is a fraction).

    min_weight_fraction_leaf : float, default=0.0
        The minimum weighted fraction of the sum total of weights required to be at a leaf node.

    max_features : int, float or {"sqrt", "log2"}, default=None
        The number of features to consider when looking for the best split, drawn at each node
        with mlc's generator seeded by random_state. None: all features, in index order.

    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the features when max_features < n_features and the random splitter's
        thresholds.

    max_leaf_nodes : int, default=None
        Grow the tree best-first (the frontier node whose split decreases the impurity most is split
        next) to at most this many leaves. None: depth-first, no limit.

    min_impurity_decrease : float, default=0.0
        A node is split if the split decreases the weighted impurity by at least this much.

    ccp_alpha : non-negative float, default=0.0
        Minimal cost-complexity pruning: the subtree with the largest cost complexity smaller than
        ccp_alpha is kept (cost_complexity_pruning_path gives the alphas where the tree changes).

    monotonic_cst : array-like of int of shape (n_features,), default=None
        1: the prediction (a regressor's value, a binary classifier's probability of the positive
        class) increases with the feature, -1: decreases, 0: free (scikit-learn's constraints:
        single output, binary classification; splits that break one are refused and the node values
        clipped to their bounds).
"""

_TIES_DOC = """
    Missing values: NaN in X (best splitter; not with the Poisson criterion) are learned as
    scikit-learn >= 1.3 does: at each split the missing values go to the side that lowers the
    impurity most (both sides are searched), and predict sends NaN the learned way (to the larger
    side where the node saw none).

    With max_features=None the tree is scikit-learn's own (the same structure, thresholds, values
    and predictions) whenever no two candidate splits of a node have the same impurity: the
    features are float32, a threshold is the midpoint of two sorted values more than 1e-7 apart,
    and the impurity arithmetic is the same. Where two candidates tie, scikit-learn keeps the first
    of its own random feature order; mlc keeps the lowest feature index, then the lowest
    threshold, so every split is still a best split.
"""


class DecisionTreeClassifier(ClassifierMixin, _BaseDecisionTree):
    __doc__ = """A decision tree classifier (CART), grown in C.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        The impurity a split minimises: Gini, or Shannon entropy (log_loss is the same).
""" + _PARAMS_DOC + """
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes (multiplying sample_weight).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    n_outputs_ : int (1)
    max_features_ : int
    feature_importances_ : ndarray of shape (n_features_in_,)
    tree_ : Tree
        children_left, children_right, feature, threshold, value (class proportions), impurity,
        n_node_samples, weighted_n_node_samples, as scikit-learn's.
""" + _TIES_DOC + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from mlc.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> DecisionTreeClassifier(random_state=0).fit(X, y).get_depth()
    5
"""

    def __init__(self, *, criterion="gini", splitter="best", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=None, random_state=None,
                 max_leaf_nodes=None, min_impurity_decrease=0.0, class_weight=None, ccp_alpha=0.0,
                 monotonic_cst=None):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst

    def _criterion_code(self):
        if self.criterion not in ("gini", "entropy", "log_loss"):
            raise ValueError(f"criterion must be 'gini', 'entropy' or 'log_loss', got {self.criterion!r}.")
        return _CRITERIA["gini" if self.criterion == "gini" else "entropy"]

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Build a decision tree classifier from the training set (X, y)."""
        X, y = self._validate_fit(X, y)
        check_classification_targets(y)
        self.classes_, codes = encode_labels(y)
        self.n_classes_ = len(self.classes_)
        class_weights = compute_class_weight(self.class_weight, self.classes_, codes)
        return self._fit(X, codes, sample_weight, self.n_classes_, class_weights, codes)

    def predict_proba(self, X, check_input=True):
        """Class probabilities of X: the class proportions of the leaf each sample reaches."""
        X = self._validate_X_predict(X)
        return self.tree_.predict(X)

    def predict_log_proba(self, X):
        """The log of predict_proba."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X, check_input=True):
        """The class of highest proportion in each sample's leaf."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class DecisionTreeRegressor(RegressorMixin, _BaseDecisionTree):
    __doc__ = """A decision tree regressor (CART), grown in C.

    Parameters
    ----------
    criterion : {"squared_error", "poisson", "friedman_mse"}, default="squared_error"
        The impurity a split minimises: the weighted variance, or the mean Poisson deviance (targets
        >= 0 with a positive sum). "friedman_mse" is deprecated by scikit-learn (1.9), which maps it to
        "squared_error" (they choose the same splits); so does mlc.
""" + _PARAMS_DOC + """
    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    n_outputs_ : int (1)
    max_features_ : int
    feature_importances_ : ndarray of shape (n_features_in_,)
    tree_ : Tree
        children_left, children_right, feature, threshold, value (the mean target), impurity,
        n_node_samples, weighted_n_node_samples, as scikit-learn's.
""" + _TIES_DOC + """
    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from mlc.tree import DecisionTreeRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> DecisionTreeRegressor(max_depth=3).fit(X, y).get_n_leaves()
    8
"""

    def __init__(self, *, criterion="squared_error", splitter="best", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=None, random_state=None,
                 max_leaf_nodes=None, min_impurity_decrease=0.0, ccp_alpha=0.0, monotonic_cst=None):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst

    def _criterion_code(self):
        if self.criterion == "friedman_mse":
            warnings.warn('Value "friedman_mse" for criterion is deprecated (as in scikit-learn 1.9): it maps to '
                          '"squared_error", which chooses the same splits.', FutureWarning, stacklevel=3)
            return _CRITERIA["squared_error"]
        if self.criterion not in ("squared_error", "poisson"):
            if self.criterion == "absolute_error":
                raise NotImplementedError("criterion='absolute_error' is not implemented yet.")
            raise ValueError("criterion must be 'squared_error', 'poisson' or 'friedman_mse', got "
                             f"{self.criterion!r}.")
        return _CRITERIA[self.criterion]

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Build a decision tree regressor from the training set (X, y)."""
        X, y = self._validate_fit(X, y)
        return self._fit(X, self._regression_targets(y), sample_weight, 0)

    def _regression_targets(self, y):
        """y as finite float64 (>= 0 with a positive sum for the Poisson criterion)."""
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(f"y must be numeric for a regressor: {e}") from e
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        if self.criterion == "poisson":
            if np.any(y < 0):
                raise ValueError("Some value(s) of y are negative which is not allowed for Poisson regression.")
            if np.sum(y) <= 0:
                raise ValueError("Sum of y is not positive which is necessary for Poisson regression.")
        return y

    def predict(self, X, check_input=True):
        """The mean target of the leaf each sample reaches."""
        X = self._validate_X_predict(X)
        return self.tree_.predict(X)[:, 0]
