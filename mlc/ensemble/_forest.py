"""RandomForestClassifier/Regressor and ExtraTreesClassifier/Regressor: CART trees grown in C in parallel
over trees (csrc/ensemble/forest.c), each on scikit-learn's own bootstrap sample."""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._threads import _n_threads
from .._validation import (check_bool, check_classification_targets, check_is_fitted, check_legacy_random_state,
                           check_n_jobs, check_sample_weight, check_scalar, column_or_1d, compute_class_weight,
                           encode_labels, is_int, is_real)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import DataConversionWarning
from ..metrics import accuracy_score, r2_score
from ..tree import DecisionTreeClassifier, DecisionTreeRegressor
from ..tree._tree import Tree
from ._bagging import _MembersMixin

__all__ = ["RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor"]

MAX_INT = np.iinfo(np.int32).max
_TREE_PARAMS = ("criterion", "max_depth", "min_samples_split", "min_samples_leaf", "min_weight_fraction_leaf",
                "max_features", "max_leaf_nodes", "min_impurity_decrease", "ccp_alpha", "monotonic_cst")


def _get_n_samples_bootstrap(n_samples, max_samples):
    """The rows each tree draws: all (None), max_samples, or round(n_samples max_samples) (scikit-learn's)."""
    if max_samples is None:
        return n_samples
    if is_int(max_samples):
        check_scalar(max_samples, "max_samples", numbers.Integral, min_val=1)
        if max_samples > n_samples:
            raise ValueError(f"`max_samples` must be <= n_samples={n_samples} but got value {max_samples}")
        return int(max_samples)
    if is_real(max_samples):
        check_scalar(max_samples, "max_samples", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="right")
        return max(round(n_samples * max_samples), 1)
    raise TypeError(f"max_samples must be None, an int >= 1 or a float in (0, 1], got {max_samples!r}.")


def _generate_sample_indices(seed, n_samples, n_samples_bootstrap):
    """scikit-learn's bootstrap sample of a tree of this seed (its rows, drawn with replacement)."""
    return np.random.RandomState(seed).randint(0, n_samples, n_samples_bootstrap, dtype=np.int32)


class _BaseForest(_MembersMixin, BaseEstimator):
    """What the four forests share: validation, the fit in C (warm start), the averaged descent, OOB."""

    _tree_class = None
    _splitter = "best"

    def _template_tree(self):
        return self._tree_class(splitter=self._splitter, random_state=0,
                                **{k: getattr(self, k) for k in _TREE_PARAMS})

    def _check_forest_params(self):
        check_scalar(self.n_estimators, "n_estimators", numbers.Integral, min_val=1)
        check_bool(self.bootstrap, "bootstrap")
        check_bool(self.warm_start, "warm_start")
        check_n_jobs(self.n_jobs)
        if not (isinstance(self.oob_score, (bool, np.bool_)) or callable(self.oob_score)):
            raise TypeError(f"oob_score must be a bool or a callable, got {self.oob_score!r}.")
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if not self.bootstrap and self.max_samples is not None:
            raise ValueError("`max_sample` cannot be set if `bootstrap=False`. Either switch to `bootstrap=True` "
                             "or set `max_sample=None`.")

    def _validate_X_predict(self, X):
        check_is_fitted(self, "estimators_")
        return self._validate_data(X, reset=False, dtype=np.float32,
                                   ensure_all_finite=self._template_tree()._allow_nan())

    def fit(self, X, y, sample_weight=None):
        """Build a forest of trees from the training set (X, y)."""
        self._check_forest_params()
        template = self._template_tree()
        X, y = self._validate_data(X, y, reset=True, dtype=np.float32, multi_output=True,
                                   ensure_all_finite=template._allow_nan())
        if y.ndim == 2:
            if y.shape[1] != 1:
                raise ValueError(f"y has {y.shape[1]} outputs: multi-output forests are not supported yet.")
            warnings.warn("A column-vector y was passed when a 1d array was expected. Please change the shape of y "
                          "to (n_samples,), for example using ravel().", DataConversionWarning, stacklevel=2)
            y = column_or_1d(y)
        n_samples, n_features = X.shape
        y, n_classes, class_weights = self._encode_y(y)
        w = check_sample_weight(sample_weight, n_samples, ensure_non_negative=True)
        if class_weights is not None:
            expanded = class_weights[y.astype(np.intp)]
            w = expanded if w is None else w * expanded
        max_depth, mss, msl, mwf, mid, max_features = template._check_params(n_samples, n_features)
        criterion = template._criterion_code()
        monotonic_cst = template._monotonic_cst(n_features, n_classes)
        n_boot = _get_n_samples_bootstrap(n_samples, self.max_samples) if self.bootstrap else n_samples

        random_state = check_legacy_random_state(self.random_state)
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_ = []
            self.__dict__.pop("_nodes", None)
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                             f"len(estimators_)={len(self.estimators_)} when warm_start==True")
        if n_more == 0:
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit new trees.", UserWarning,
                          stacklevel=2)
        else:
            if self.warm_start and len(self.estimators_) > 0:
                random_state.randint(MAX_INT, size=len(self.estimators_))  # the seeds the old trees used
            seeds = random_state.randint(MAX_INT, size=n_more).astype(np.uint32)
            balanced_subsample = self.bootstrap and getattr(self, "class_weight", None) == "balanced_subsample"
            arrays = _mlc.ensemble_forest_fit(
                X, y, w, seeds, n_classes, criterion, max_depth, mss, msl, max_features, mwf, mid,
                -1 if self.max_leaf_nodes is None else int(self.max_leaf_nodes),
                _mlc.ENUMS["tree_splitter"][self._splitter], monotonic_cst, self.bootstrap, n_boot,
                balanced_subsample, n_threads=_n_threads(self.n_jobs))
            self.estimators_.extend(self._make_trees(arrays, seeds, n_features, n_classes, max_features))
            if len(self.estimators_) == n_more and not self.ccp_alpha > 0.0:  # the fit's arrays are the cache
                self._nodes = (tuple(id(e.tree_) for e in self.estimators_), [arrays[k] for k in (0, 1, 2, 3, 8)],
                               arrays[4], arrays[9])
        self.n_outputs_ = 1
        self._n_samples, self._n_samples_bootstrap = n_samples, n_boot
        if self.oob_score and (n_more > 0 or not hasattr(self, "oob_score_")):
            self._set_oob_score_and_attributes(X, y)
        return self

    def _make_trees(self, arrays, seeds, n_features, n_classes, max_features):
        """The fitted DecisionTree* of each grown tree; their node arrays are views of the forest's."""
        *nodes, offsets, depths = arrays
        params = {k: getattr(self, k) for k in _TREE_PARAMS}
        trees = []
        for t, seed in enumerate(seeds):
            lo, hi = offsets[t], offsets[t + 1]
            tree = self._tree_class(splitter=self._splitter, random_state=int(seed), **params)
            tree.tree_ = Tree(n_features, [max(n_classes, 1)], 1, [a[lo:hi] for a in nodes] + [depths[t]])
            if tree.ccp_alpha > 0.0:
                tree.tree_ = tree.tree_._prune(float(tree.ccp_alpha))[0]
            tree.n_features_in_, tree.n_outputs_, tree.max_features_ = n_features, 1, max_features
            if n_classes > 0:
                tree.classes_, tree.n_classes_ = np.arange(n_classes, dtype=np.float64), n_classes
            trees.append(tree)
        return trees

    def _forest_nodes(self):
        """The trees' node arrays laid end to end (cached until the trees change)."""
        key = tuple(id(e.tree_) for e in self.estimators_)
        cached = self.__dict__.get("_nodes")
        if cached is None or cached[0] != key:
            trees = [e.tree_ for e in self.estimators_]
            cat = [np.concatenate([getattr(t, name) for t in trees]) for name in
                   ("children_left", "children_right", "feature", "threshold", "missing_go_to_left")]
            value = np.concatenate([t.value.reshape(t.node_count, -1) for t in trees])
            offsets = np.zeros(len(trees) + 1, dtype=np.int64)
            np.cumsum([t.node_count for t in trees], out=offsets[1:])
            cached = self._nodes = (key, cat, value, offsets)
        return cached[1:]

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_nodes", None)
        return state

    def _mean_value(self, X):
        """The trees' mean leaf value of each row, (n_samples, V)."""
        nodes, value, offsets = self._forest_nodes()
        return _mlc.ensemble_forest_predict(X, *nodes, value, offsets, n_threads=_n_threads(self.n_jobs))

    def _oob_mean(self, X):
        """scikit-learn's _compute_oob_predictions: each row's mean over the trees that left it out."""
        nodes, value, offsets = self._forest_nodes()
        seeds = np.array([e.random_state for e in self.estimators_], dtype=np.uint32)
        sums, n_oob = _mlc.ensemble_forest_oob(X, *nodes, value, offsets, seeds, self._n_samples_bootstrap,
                                               n_threads=_n_threads(self.n_jobs))
        if (n_oob == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few trees were used to "
                          "compute any reliable OOB estimates.", UserWarning, stacklevel=3)
            n_oob[n_oob == 0] = 1
        return sums / n_oob[:, None]

    def apply(self, X):
        """The leaf each sample reaches in each tree, int64 (n_samples, n_estimators)."""
        X = self._validate_X_predict(X)
        nodes, _, offsets = self._forest_nodes()
        return _mlc.ensemble_forest_apply(X, *nodes, offsets, n_threads=_n_threads(self.n_jobs))

    def decision_path(self, X):
        """(indicator, n_nodes_ptr): the nodes each sample passes in every tree, a scipy.sparse CSR
        (n_samples, total nodes) with the columns of tree t in [n_nodes_ptr[t], n_nodes_ptr[t + 1])."""
        from scipy import sparse
        X = self._validate_X_predict(X)
        indicators = [e.tree_.decision_path(X) for e in self.estimators_]
        n_nodes_ptr = np.cumsum([0] + [i.shape[1] for i in indicators])
        return sparse.hstack(indicators).tocsr(), n_nodes_ptr

    @property
    def feature_importances_(self):
        """The mean over the trees (that split) of their normalised impurity decreases, normalised."""
        check_is_fitted(self, "estimators_")
        imps = [e.tree_.compute_feature_importances() for e in self.estimators_ if e.tree_.node_count > 1]
        if not imps:
            return np.zeros(self.n_features_in_, dtype=np.float64)
        mean = np.mean(imps, axis=0, dtype=np.float64)
        return mean / np.sum(mean)

    @property
    def estimators_samples_(self):
        """The rows each tree was drawn (with repetitions when bootstrap; all rows otherwise)."""
        check_is_fitted(self, "estimators_")
        if not self.bootstrap:
            return [np.arange(self._n_samples, dtype=np.int32) for _ in self.estimators_]
        return [_generate_sample_indices(e.random_state, self._n_samples, self._n_samples_bootstrap)
                for e in self.estimators_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._template_tree()._allow_nan() != True  # noqa: E712
        return tags


class _ForestClassifierMixin(ClassifierMixin):
    def _encode_y(self, y):
        check_classification_targets(y)
        self.classes_, codes = encode_labels(y)
        self.n_classes_ = len(self.classes_)
        cw = self.class_weight
        if cw is None or (cw == "balanced_subsample" and self.bootstrap):
            class_weights = None
        else:
            if isinstance(cw, str) and cw not in ("balanced", "balanced_subsample"):
                raise ValueError(f"class_weight must be 'balanced', 'balanced_subsample', a dict or None, got {cw!r}.")
            class_weights = compute_class_weight("balanced" if cw == "balanced_subsample" else cw, self.classes_,
                                                 codes)
        return codes.astype(np.float64), self.n_classes_, class_weights

    def _set_oob_score_and_attributes(self, X, y):
        self.oob_decision_function_ = self._oob_mean(X)
        scoring = self.oob_score if callable(self.oob_score) else accuracy_score
        self.oob_score_ = scoring(y, np.argmax(self.oob_decision_function_, axis=1))

    def predict_proba(self, X):
        """The mean over the trees of the class proportions of each sample's leaf."""
        return self._mean_value(self._validate_X_predict(X))

    def predict_log_proba(self, X):
        """The log of predict_proba."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The class of highest mean probability."""
        proba = self.predict_proba(X)
        return self.classes_.take(np.argmax(proba, axis=1), axis=0)


class _ForestRegressorMixin(RegressorMixin):
    def _encode_y(self, y):
        return np.ascontiguousarray(self._template_tree()._regression_targets(y)), 0, None

    def _set_oob_score_and_attributes(self, X, y):
        self.oob_prediction_ = self._oob_mean(X)[:, 0]
        scoring = self.oob_score if callable(self.oob_score) else r2_score
        self.oob_score_ = scoring(y, self.oob_prediction_)

    def predict(self, X):
        """The mean over the trees of the mean target of each sample's leaf."""
        return self._mean_value(self._validate_X_predict(X))[:, 0]


_FOREST_DOC = """
    n_estimators : int, default=100
        The number of trees.
{criterion}
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_leaf_nodes,
    min_impurity_decrease, ccp_alpha, monotonic_cst :
        Each tree's, as DecisionTree{kind}'s.

    max_features : {{"sqrt", "log2", None}}, int or float, default={max_features}
        The features drawn at each node (None: all of them).

    bootstrap : bool, default={bootstrap}
        Grow each tree on a bootstrap sample (drawn with replacement) instead of all rows.

    oob_score : bool or callable, default=False
        Score the forest on the rows each tree left out ({oob}); a callable(y_true, y_pred) replaces
        the default score.

    n_jobs : int, default=None
        Threads growing trees (each tree on one thread) and descending rows; None or -1: mlc's thread
        count. The forest is the same for any value.

    random_state : int, RandomState instance or None, default=None
        Draws each tree's seed (scikit-learn's random_state.randint(2^31 - 1)), which draws its
        bootstrap sample (exactly scikit-learn's) and seeds its own generator (features drawn at each
        node, random thresholds).

    verbose : int, default=0
        Unused (kept for scikit-learn's signature).

    warm_start : bool, default=False
        Keep the fitted trees and add n_estimators - len(estimators_) new ones (the same forest as one
        fit of all trees).
{class_weight}
    max_samples : int or float, default=None
        With bootstrap, the rows each tree draws (a float: that fraction of n_samples).

    Attributes
    ----------
    estimators_ : list of DecisionTree{kind}
    estimators_samples_ : list of ndarray
{classes}    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    n_outputs_ : int (1)
    feature_importances_ : ndarray of shape (n_features_in_,)
    oob_score_ : float
    {oob_attr}

    Notes
    -----
    Each tree is grown in C (csrc/ensemble/forest.c), the trees in parallel, on the bootstrap sample
    scikit-learn draws for the same random_state (NumPy's MT19937, reproduced in C). {parity}
"""

_PARITY = ("With max_features=None (bagged CART) the forest is then scikit-learn's, tree for tree, wherever no "
           "two candidate splits tie (see DecisionTreeClassifier), and so are oob_score_ and the predictions. "
           "With fewer features the draws at each node are mlc's own generator's, so the trees differ from "
           "scikit-learn's: accuracy and R^2 agree on average over seeds (tests/test_ensemble_forest.py).")
_EXTRA_PARITY = ("Each node's thresholds are drawn by mlc's own generator (the random splitter), so the trees are "
                 "statistically alike to scikit-learn's, not equal.")


def _classifier_doc(title, max_features, bootstrap, parity):
    return title + _FOREST_DOC.format(
        criterion='\n    criterion : {"gini", "entropy", "log_loss"}, default="gini"\n',
        kind="Classifier", max_features=max_features, bootstrap=bootstrap, oob="accuracy",
        class_weight='\n    class_weight : {"balanced", "balanced_subsample"}, dict or None, default=None\n'
                     '        Class weights; "balanced_subsample" weighs by the class counts of each tree\'s '
                     'bootstrap sample.\n',
        classes="    classes_ : ndarray of shape (n_classes,)\n    n_classes_ : int\n",
        oob_attr="oob_decision_function_ : ndarray of shape (n_samples, n_classes)", parity=parity)


def _regressor_doc(title, max_features, bootstrap, parity):
    return title + _FOREST_DOC.format(
        criterion='\n    criterion : {"squared_error", "friedman_mse", "poisson"}, default="squared_error"\n',
        kind="Regressor", max_features=max_features, bootstrap=bootstrap, oob="R^2", class_weight="", classes="",
        oob_attr="oob_prediction_ : ndarray of shape (n_samples,)", parity=parity)


class RandomForestClassifier(_ForestClassifierMixin, _BaseForest):
    __doc__ = _classifier_doc("A random forest classifier: bootstrap-sampled CART trees, averaged.\n\n"
                              "    Parameters\n    ----------", '"sqrt"', "True", _PARITY)
    _tree_class = DecisionTreeClassifier

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features="sqrt", max_leaf_nodes=None,
                 min_impurity_decrease=0.0, bootstrap=True, oob_score=False, n_jobs=None, random_state=None,
                 verbose=0, warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None,
                 monotonic_cst=None):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples
        self.monotonic_cst = monotonic_cst


class RandomForestRegressor(_ForestRegressorMixin, _BaseForest):
    __doc__ = _regressor_doc("A random forest regressor: bootstrap-sampled CART trees, averaged.\n\n"
                             "    Parameters\n    ----------", "1.0", "True", _PARITY)
    _tree_class = DecisionTreeRegressor

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=1.0, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, bootstrap=True, oob_score=False, n_jobs=None, random_state=None,
                 verbose=0, warm_start=False, ccp_alpha=0.0, max_samples=None, monotonic_cst=None):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples
        self.monotonic_cst = monotonic_cst


class ExtraTreesClassifier(_ForestClassifierMixin, _BaseForest):
    __doc__ = _classifier_doc("Extremely randomised trees (Geurts et al. 2006): each node split on the best of "
                              "one random threshold per drawn feature.\n\n    Parameters\n    ----------",
                              '"sqrt"', "False", _EXTRA_PARITY)
    _tree_class = DecisionTreeClassifier
    _splitter = "random"

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features="sqrt", max_leaf_nodes=None,
                 min_impurity_decrease=0.0, bootstrap=False, oob_score=False, n_jobs=None, random_state=None,
                 verbose=0, warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None,
                 monotonic_cst=None):
        RandomForestClassifier.__init__(
            self, n_estimators, criterion=criterion, max_depth=max_depth, min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf, min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features, max_leaf_nodes=max_leaf_nodes, min_impurity_decrease=min_impurity_decrease,
            bootstrap=bootstrap, oob_score=oob_score, n_jobs=n_jobs, random_state=random_state, verbose=verbose,
            warm_start=warm_start, class_weight=class_weight, ccp_alpha=ccp_alpha, max_samples=max_samples,
            monotonic_cst=monotonic_cst)


class ExtraTreesRegressor(_ForestRegressorMixin, _BaseForest):
    __doc__ = _regressor_doc("Extremely randomised trees (Geurts et al. 2006): each node split on the best of "
                             "one random threshold per drawn feature.\n\n    Parameters\n    ----------",
                             "1.0", "False", _EXTRA_PARITY)
    _tree_class = DecisionTreeRegressor
    _splitter = "random"

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features=1.0, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, bootstrap=False, oob_score=False, n_jobs=None, random_state=None,
                 verbose=0, warm_start=False, ccp_alpha=0.0, max_samples=None, monotonic_cst=None):
        RandomForestRegressor.__init__(
            self, n_estimators, criterion=criterion, max_depth=max_depth, min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf, min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features, max_leaf_nodes=max_leaf_nodes, min_impurity_decrease=min_impurity_decrease,
            bootstrap=bootstrap, oob_score=oob_score, n_jobs=n_jobs, random_state=random_state, verbose=verbose,
            warm_start=warm_start, ccp_alpha=ccp_alpha, max_samples=max_samples, monotonic_cst=monotonic_cst)
