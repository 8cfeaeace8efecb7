"""BaggingClassifier and BaggingRegressor: any mlc estimator fitted on scikit-learn's own random draws of
rows (and features), averaged."""
import inspect
import numbers
import warnings

import numpy as np

from .._validation import (check_bool, check_classification_targets, check_is_fitted, check_legacy_random_state,
                           check_n_jobs, check_sample_weight, check_scalar, column_or_1d, is_int, is_real)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, available_if, clone
from ..metrics import accuracy_score, r2_score
from ..tree import DecisionTreeClassifier, DecisionTreeRegressor
from ._weight_boosting import _set_random_states

__all__ = ["BaggingClassifier", "BaggingRegressor"]

MAX_INT = np.iinfo(np.int32).max


def _sample_without_replacement(n_population, n_samples, rng):
    """scikit-learn's sample_without_replacement(method="auto") on the RandomState rng (the same draws)."""
    ratio = n_samples / n_population if n_population != 0 else 1.0
    if 0.01 < ratio < 0.99:
        return rng.permutation(n_population)[:n_samples]
    out = np.empty(n_samples, dtype=int)
    if ratio < 0.2:  # tracking selection
        selected = set()
        for i in range(n_samples):
            j = rng.randint(n_population)
            while j in selected:
                j = rng.randint(n_population)
            selected.add(j)
            out[i] = j
        return out
    out[:] = np.arange(n_samples)  # reservoir sampling
    for i in range(n_samples, n_population):
        j = rng.randint(0, i + 1)
        if j < n_samples:
            out[j] = i
    return out


def _generate_indices(rng, bootstrap, n_population, n_samples):
    if bootstrap:
        return rng.randint(0, n_population, n_samples)
    return _sample_without_replacement(n_population, n_samples, rng)


def _generate_bagging_indices(seed, bootstrap_features, bootstrap, n_features, n_samples, max_features, max_samples,
                              sample_weight):
    """scikit-learn's draw of a member's features and rows from its seed (rows drawn with probabilities
    proportional to sample_weight when given)."""
    rng = np.random.RandomState(seed)
    features = _generate_indices(rng, bootstrap_features, n_features, max_features)
    if sample_weight is None:
        rows = _generate_indices(rng, bootstrap, n_samples, max_samples)
    else:
        rows = rng.choice(n_samples, max_samples, replace=bootstrap, p=sample_weight / np.sum(sample_weight))
    return features, rows


def _estimator_has(attr):
    def check(self):
        est = self.estimators_[0] if hasattr(self, "estimators_") else self._get_estimator()
        return hasattr(est, attr)
    return check


class _MembersMixin:
    """An ensemble is a sequence of its fitted members (scikit-learn's BaseEnsemble)."""

    def __len__(self):
        return len(self.estimators_)

    def __getitem__(self, index):
        return self.estimators_[index]

    def __iter__(self):
        return iter(self.estimators_)


class _BaseBagging(_MembersMixin, BaseEstimator):
    _default_estimator = None

    def _get_estimator(self):
        return self._default_estimator() if self.estimator is None else self.estimator

    def _check_params(self, n_samples, n_features, sample_weight):
        check_scalar(self.n_estimators, "n_estimators", numbers.Integral, min_val=1)
        for name in ("bootstrap", "bootstrap_features", "oob_score", "warm_start"):
            check_bool(getattr(self, name), name)
        check_n_jobs(self.n_jobs)
        ms = self.max_samples
        if ms is None:
            max_samples = n_samples
        elif is_int(ms):
            max_samples = check_scalar(ms, "max_samples", numbers.Integral, min_val=1)
        elif is_real(ms):
            check_scalar(ms, "max_samples", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="right")
            weighted = n_samples if sample_weight is None else sample_weight.sum()
            max_samples = max(int(ms * weighted), 1)
        else:
            raise TypeError(f"max_samples must be None, an int or a float, got {ms!r}.")
        if not self.bootstrap and max_samples > n_samples:
            raise ValueError(f"Effective max_samples={max_samples} must be <= n_samples={n_samples} to be able to "
                             "sample without replacement.")
        mf = self.max_features
        if is_int(mf):
            check_scalar(mf, "max_features", numbers.Integral, min_val=1)
        elif is_real(mf):
            check_scalar(mf, "max_features", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="right")
            mf = int(mf * n_features)
        else:
            raise TypeError(f"max_features must be an int or a float, got {mf!r}.")
        if mf > n_features:
            raise ValueError("max_features must be <= n_features")
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if self.warm_start and self.oob_score:
            raise ValueError("Out of bag estimate only available if warm_start=False")
        return int(max_samples), max(1, int(mf))

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit n_estimators copies of the estimator on draws of the rows (and features) of (X, y)."""
        X, y = self._validate_data(X, y, reset=True, dtype=None, ensure_all_finite=False, multi_output=True)
        n_samples, n_features = X.shape
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, n_samples, ensure_non_negative=True)
            if not self.bootstrap:
                warnings.warn(f"When fitting {type(self).__name__} with sample_weight it is recommended to use "
                              f"bootstrap=True, got {self.bootstrap}.", UserWarning, stacklevel=2)
        y = self._validate_y(y)
        self._max_samples, self._max_features = self._check_params(n_samples, n_features, sample_weight)
        self._n_samples, self._sample_weight = n_samples, sample_weight
        self.estimator_ = self._get_estimator()
        random_state = check_legacy_random_state(self.random_state)
        if hasattr(self, "oob_score_") and self.warm_start:
            del self.oob_score_
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_, self.estimators_features_, self._seeds = [], [], np.zeros(0, dtype=np.int64)
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                             f"len(estimators_)={len(self.estimators_)} when warm_start==True")
        if n_more == 0:
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit new trees.", UserWarning,
                          stacklevel=2)
            return self
        if self.warm_start and len(self.estimators_) > 0:
            random_state.randint(MAX_INT, size=len(self.estimators_))
        seeds = random_state.randint(MAX_INT, size=n_more)
        self._seeds = np.concatenate([self._seeds, seeds])
        takes_weight = "sample_weight" in inspect.signature(self.estimator_.fit).parameters
        indexing = self.bootstrap_features or self._max_features != n_features
        for seed in seeds:
            est = clone(self.estimator_)
            _set_random_states(est, np.random.RandomState(seed))
            features, rows = _generate_bagging_indices(seed, self.bootstrap_features, self.bootstrap, n_features,
                                                       n_samples, self._max_features, self._max_samples,
                                                       sample_weight)
            X_ = X[:, features] if indexing else X
            if takes_weight:  # the draw as weights: the rows drawn k times count k times
                est.fit(X_, y, sample_weight=np.bincount(rows, minlength=n_samples), **fit_params)
            else:
                est.fit(X_[rows], y[rows], **fit_params)
            self.estimators_.append(est)
            self.estimators_features_.append(features)
        if self.oob_score:
            self._set_oob_score(X, y)
        return self

    def _oob_masks(self):
        for samples in self.estimators_samples_:
            mask = np.ones(self._n_samples, dtype=bool)
            mask[samples] = False
            yield mask

    @property
    def estimators_samples_(self):
        """The rows drawn for each member (re-drawn from its seed on each access, as scikit-learn)."""
        check_is_fitted(self, "estimators_")
        return [_generate_bagging_indices(s, self.bootstrap_features, self.bootstrap, self.n_features_in_,
                                          self._n_samples, self._max_features, self._max_samples,
                                          self._sample_weight)[1] for s in self._seeds]

    def _check_X(self, X):
        check_is_fitted(self, "estimators_")
        return self._validate_data(X, reset=False, dtype=None, ensure_all_finite=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._get_estimator().__sklearn_tags__().input_tags.allow_nan
        return tags


_BAGGING_DOC = """
    Parameters
    ----------
    estimator : object, default=None
        The estimator fitted on each draw (any mlc estimator; None: a DecisionTree{kind}). When its fit
        takes sample_weight, a draw is passed as weights (a row drawn k times weighs k), else as rows.

    n_estimators : int, default=10
    max_samples : int or float, default=None
        Rows drawn per member (a float: that fraction of n_samples, or of the weights' sum); None: n_samples.
    max_features : int or float, default=1.0
        Features drawn per member.
    bootstrap : bool, default=True
        Draw rows with replacement.
    bootstrap_features : bool, default=False
        Draw features with replacement.
    oob_score : bool, default=False
        Score on the rows each member left out ({oob}).
    warm_start : bool, default=False
        Keep the fitted members and add new ones.
    n_jobs : int, default=None
        Unused: the members are fitted one after the other (each may use mlc's threads).
    random_state : int, RandomState instance or None, default=None
        Draws each member's seed (random_state.randint(2^31 - 1)), from which its rows, features and own
        random_state are drawn exactly as scikit-learn draws them (NumPy's RandomState), so a bag of mlc
        DecisionTrees is scikit-learn's wherever their trees are (no tied splits).
    verbose : int, default=0
        Unused.

    Attributes
    ----------
    estimator_ : the estimator cloned for each member
    estimators_ : list of fitted estimators
    estimators_features_ : list of ndarray
    estimators_samples_ : list of ndarray
{classes}    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    oob_score_ : float
    {oob_attr}
"""


class BaggingClassifier(ClassifierMixin, _BaseBagging):
    __doc__ = "A bagging classifier: the mean class probabilities (or votes) of estimators fitted on random draws.\n" + \
        _BAGGING_DOC.format(kind="Classifier", oob="accuracy",
                            classes="    classes_ : ndarray of shape (n_classes,)\n    n_classes_ : int\n",
                            oob_attr="oob_decision_function_ : ndarray of shape (n_samples, n_classes)")
    _default_estimator = DecisionTreeClassifier

    def __init__(self, estimator=None, n_estimators=10, *, max_samples=None, max_features=1.0, bootstrap=True,
                 bootstrap_features=False, oob_score=False, warm_start=False, n_jobs=None, random_state=None,
                 verbose=0):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _validate_y(self, y):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, y = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        return y

    def _member_proba(self, est, X):
        """A member's class probabilities over all classes (votes when it has no predict_proba)."""
        out = np.zeros((X.shape[0], self.n_classes_))
        if hasattr(est, "predict_proba"):
            p = est.predict_proba(X)
            if self.n_classes_ == len(est.classes_):
                return p
            out[:, est.classes_] += p[:, range(len(est.classes_))]
        else:
            out[np.arange(X.shape[0]), est.predict(X)] += 1
        return out

    def _set_oob_score(self, X, y):
        predictions = np.zeros((self._n_samples, self.n_classes_))
        for est, mask, features in zip(self.estimators_, self._oob_masks(), self.estimators_features_):
            predictions[mask, :] += self._member_proba(est, X[mask][:, features])
        if (predictions.sum(axis=1) == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few estimators were used to "
                          "compute any reliable oob estimates.", UserWarning, stacklevel=3)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.oob_decision_function_ = predictions / predictions.sum(axis=1)[:, np.newaxis]
        self.oob_score_ = accuracy_score(y, np.argmax(predictions, axis=1))

    def predict_proba(self, X):
        """The mean of the members' class probabilities (of their votes when they have none)."""
        X = self._check_X(X)
        proba = np.zeros((X.shape[0], self.n_classes_))
        for est, features in zip(self.estimators_, self.estimators_features_):
            proba += self._member_proba(est, X[:, features])
        return proba / self.n_estimators

    def predict_log_proba(self, X):
        """The log of predict_proba."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The class of highest mean probability."""
        proba = self.predict_proba(X)
        return self.classes_.take(np.argmax(proba, axis=1), axis=0)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """The mean of the members' decision functions."""
        X = self._check_X(X)
        return sum(est.decision_function(X[:, f]) for est, f in
                   zip(self.estimators_, self.estimators_features_)) / self.n_estimators


class BaggingRegressor(RegressorMixin, _BaseBagging):
    __doc__ = "A bagging regressor: the mean prediction of estimators fitted on random draws.\n" + \
        _BAGGING_DOC.format(kind="Regressor", oob="R^2", classes="",
                            oob_attr="oob_prediction_ : ndarray of shape (n_samples,)")
    _default_estimator = DecisionTreeRegressor

    def __init__(self, estimator=None, n_estimators=10, *, max_samples=None, max_features=1.0, bootstrap=True,
                 bootstrap_features=False, oob_score=False, warm_start=False, n_jobs=None, random_state=None,
                 verbose=0):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _validate_y(self, y):
        y = column_or_1d(y, warn=True)
        try:
            return np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(f"y must be numeric for a regressor: {e}") from e

    def _set_oob_score(self, X, y):
        predictions, n_predictions = np.zeros(self._n_samples), np.zeros(self._n_samples)
        for est, mask, features in zip(self.estimators_, self._oob_masks(), self.estimators_features_):
            predictions[mask] += est.predict(X[mask][:, features])
            n_predictions[mask] += 1
        if (n_predictions == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few estimators were used to "
                          "compute any reliable oob estimates.", UserWarning, stacklevel=3)
            n_predictions[n_predictions == 0] = 1
        self.oob_prediction_ = predictions / n_predictions
        self.oob_score_ = r2_score(y, self.oob_prediction_)

    def predict(self, X):
        """The mean of the members' predictions."""
        X = self._check_X(X)
        return sum(est.predict(X[:, f]) for est, f in
                   zip(self.estimators_, self.estimators_features_)) / self.n_estimators
