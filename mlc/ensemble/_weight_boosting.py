"""AdaBoostClassifier (SAMME) and AdaBoostRegressor (AdaBoost.R2), as scikit-learn's.

The boosting loop reweights the samples after each member; the members (mlc trees by default, any
mlc estimator that takes sample_weight) do the work in C. Every draw comes from NumPy's RandomState
in scikit-learn's order -- each member's random_state, then AdaBoost.R2's weighted bootstrap -- so the
same random_state gives scikit-learn's ensemble wherever the members are the same."""
import inspect
import numbers
import warnings

import numpy as np

from .._validation import (check_classification_targets, check_is_fitted, check_legacy_random_state,
                           check_sample_weight, check_scalar)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from ..metrics import accuracy_score, r2_score
from ..tree import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = ["AdaBoostClassifier", "AdaBoostRegressor"]


def _set_random_states(estimator, rng):
    """scikit-learn's _set_random_states: every random_state parameter (nested ones too, in sorted
    order) gets a draw of rng."""
    to_set = {key: rng.randint(np.iinfo(np.int32).max) for key in sorted(estimator.get_params(deep=True))
              if key == "random_state" or key.endswith("__random_state")}
    if to_set:
        estimator.set_params(**to_set)


class _BaseWeightBoosting(BaseEstimator):
    """The reweighting loop shared by both (scikit-learn's BaseWeightBoosting)."""

    _default_estimator = None

    def _check_params(self):
        check_scalar(self.n_estimators, "n_estimators", numbers.Integral, min_val=1)
        check_scalar(self.learning_rate, "learning_rate", numbers.Real, min_val=0.0, include_boundaries="neither")
        if self.estimator is not None and not (hasattr(self.estimator, "fit") and hasattr(self.estimator, "predict")):
            raise TypeError(f"estimator must have fit and predict methods, got {self.estimator!r}.")

    def _make_estimator(self, rng):
        est = clone(self.estimator_)
        _set_random_states(est, rng)
        self.estimators_.append(est)
        return est

    def fit(self, X, y, sample_weight=None):
        """Build a boosted ensemble from the training set (X, y)."""
        self._check_params()
        X, y = self._validate_data(X, y, reset=True, y_numeric=self._estimator_type == "regressor")
        y = self._check_y(y)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], ensure_non_negative=True)
        sample_weight = np.ones(X.shape[0]) if sample_weight is None else np.array(sample_weight, dtype=np.float64)
        total = sample_weight.sum()
        if not total > 0:
            raise ValueError("sample_weight must have a positive sum.")
        sample_weight /= total
        self.estimator_ = self._default_estimator() if self.estimator is None else self.estimator
        self.estimators_ = []
        self.estimator_weights_ = np.zeros(self.n_estimators, dtype=np.float64)
        self.estimator_errors_ = np.ones(self.n_estimators, dtype=np.float64)
        rng = check_legacy_random_state(self.random_state)
        epsilon = np.finfo(np.float64).eps
        zero_weight = sample_weight == 0.0
        for iboost in range(self.n_estimators):
            sample_weight = np.clip(sample_weight, a_min=epsilon, a_max=None)
            sample_weight[zero_weight] = 0.0
            sample_weight, estimator_weight, estimator_error = self._boost(iboost, X, y, sample_weight, rng)
            if sample_weight is None:  # the member was no better than chance: stop
                break
            self.estimator_weights_[iboost] = estimator_weight
            self.estimator_errors_[iboost] = estimator_error
            if estimator_error == 0:
                break
            total = np.sum(sample_weight)
            if not np.isfinite(total):
                warnings.warn(f"Sample weights have reached infinite values, at iteration {iboost}, causing "
                              "overflow. Iterations stopped. Try lowering the learning rate.", stacklevel=2)
                break
            if total <= 0:
                break
            if iboost < self.n_estimators - 1:
                sample_weight /= total
        return self

    def _check_X(self, X):
        check_is_fitted(self, "estimators_")
        return self._validate_data(X, reset=False)

    def staged_score(self, X, y, sample_weight=None):
        """The score (accuracy, or R^2) of the ensemble after each boosting iteration (a generator)."""
        X = self._check_X(X)
        score = accuracy_score if self._estimator_type == "classifier" else r2_score
        for y_pred in self.staged_predict(X):
            yield score(y, y_pred, sample_weight=sample_weight)

    @property
    def feature_importances_(self):
        """The members' feature importances averaged with their estimator weights."""
        check_is_fitted(self, "estimators_")
        if len(self.estimators_) == 0:
            raise ValueError("Estimator not fitted, call `fit` before `feature_importances_`.")
        try:
            norm = self.estimator_weights_.sum()
            return sum(w * est.feature_importances_ for w, est in zip(self.estimator_weights_, self.estimators_)) / norm
        except AttributeError as e:
            raise AttributeError("Unable to compute feature importances since estimator does not have a "
                                 "feature_importances_ attribute") from e


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class AdaBoostClassifier(ClassifierMixin, _BaseWeightBoosting):
    """An AdaBoost classifier: SAMME (Zhu, Zou, Rosset, Hastie 2009, "Multi-class AdaBoost"), as
    scikit-learn >= 1.6 (the SAMME.R algorithm and the ``algorithm`` parameter are gone).

    Each member is fitted with the current sample weights; its weighted error err gives it the
    weight learning_rate * (log((1 - err) / err) + log(K - 1)), and the misclassified samples' weights
    are multiplied by exp(that weight). Boosting stops early when a member is perfect (err = 0) or no
    better than chance (err >= 1 - 1/K, then dropped).

    Parameters
    ----------
    estimator : object, default=None
        The base estimator; it must take sample_weight in fit. None: an mlc
        DecisionTreeClassifier(max_depth=1) (a stump).
    n_estimators : int, default=50
        The maximum number of members.
    learning_rate : float, default=1.0
        Shrinks each member's weight (> 0).
    random_state : int, RandomState instance or None, default=None
        Seeds each member's random_state (drawn from a NumPy RandomState, as scikit-learn).

    Attributes
    ----------
    estimator_ : the base estimator
    estimators_ : list of the fitted members
    estimator_weights_, estimator_errors_ : ndarray of shape (n_estimators,)
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int
    feature_importances_ : ndarray of shape (n_features_in_,)

    With the same members (mlc trees are scikit-learn's wherever splits do not tie) the estimator
    weights, errors and predictions are scikit-learn's.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from mlc.ensemble import AdaBoostClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> round(AdaBoostClassifier(n_estimators=20).fit(X, y).score(X, y), 3)
    0.977
    """

    _default_estimator = staticmethod(lambda: DecisionTreeClassifier(max_depth=1))

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0, random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _check_y(self, y):
        check_classification_targets(y)
        if np.unique(y).shape[0] < 2:
            raise ValueError("AdaBoostClassifier needs at least 2 classes in y; got 1 class.")
        base = DecisionTreeClassifier if self.estimator is None else self.estimator
        if "sample_weight" not in inspect.signature(base.fit).parameters:
            raise ValueError(f"{type(self.estimator).__name__} doesn't support sample_weight.")
        return y

    def _boost(self, iboost, X, y, sample_weight, rng):
        """One SAMME step: (new weights, estimator weight, error), or Nones to stop."""
        est = self._make_estimator(rng)
        est.fit(X, y, sample_weight=sample_weight)
        y_predict = est.predict(X)
        if iboost == 0:
            self.classes_ = getattr(est, "classes_", None)
            self.n_classes_ = len(self.classes_)
        incorrect = y_predict != y
        error = np.mean(np.average(incorrect, weights=sample_weight, axis=0))
        if error <= 0:
            return sample_weight, 1.0, 0.0
        k = self.n_classes_
        if error >= 1.0 - 1.0 / k:
            self.estimators_.pop(-1)
            if len(self.estimators_) == 0:
                raise ValueError("BaseClassifier in AdaBoostClassifier ensemble is worse than random, ensemble "
                                 "can not be fit.")
            return None, None, None
        weight = self.learning_rate * (np.log((1.0 - error) / error) + np.log(k - 1.0))
        if iboost != self.n_estimators - 1:
            sample_weight = np.exp(np.log(sample_weight) + weight * incorrect * (sample_weight > 0))
        return sample_weight, weight, error

    def _votes(self, est, w, X):
        """A member's vote: w for its predicted class, -w / (K - 1) for the others, (n_samples, K)."""
        return np.where((est.predict(X) == self.classes_[:, None]).T, w, -1 / (self.n_classes_ - 1) * w)

    def decision_function(self, X):
        """The weighted vote of the members over their weight sum: (n_samples,) for two classes
        (> 0 means classes_[1]), else (n_samples, n_classes)."""
        X = self._check_X(X)
        pred = sum(self._votes(est, w, X) for est, w in zip(self.estimators_, self.estimator_weights_))
        pred /= self.estimator_weights_.sum()
        if self.n_classes_ == 2:
            pred[:, 0] *= -1
            return pred.sum(axis=1)
        return pred

    def staged_decision_function(self, X):
        """decision_function after each boosting iteration (a generator)."""
        X = self._check_X(X)
        pred, norm = None, 0.0
        for w, est in zip(self.estimator_weights_, self.estimators_):
            norm += w
            current = self._votes(est, w, X)
            pred = current if pred is None else pred + current
            if self.n_classes_ == 2:
                tmp = np.copy(pred)
                tmp[:, 0] *= -1
                yield (tmp / norm).sum(axis=1)
            else:
                yield pred / norm

    def _classes_of(self, decision):
        return self.classes_.take(decision > 0 if self.n_classes_ == 2 else np.argmax(decision, axis=1), axis=0)

    def predict(self, X):
        """The class of largest weighted vote."""
        return self._classes_of(self.decision_function(X))

    def staged_predict(self, X):
        """predict after each boosting iteration (a generator)."""
        for decision in self.staged_decision_function(X):
            yield np.array(self._classes_of(decision))

    def _proba(self, decision):
        """softmax(decision / (K - 1)) (Zhu et al., eq. 15); two classes: softmax of (-d, d) / 2."""
        if self.n_classes_ == 2:
            decision = np.vstack([-decision, decision]).T / 2
        else:
            decision = decision / (self.n_classes_ - 1)
        return _softmax(decision)

    def predict_proba(self, X):
        """Class probabilities from the decision function, (n_samples, n_classes)."""
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """predict_proba after each boosting iteration (a generator)."""
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)

    def predict_log_proba(self, X):
        """The log of predict_proba."""
        return np.log(self.predict_proba(X))


class AdaBoostRegressor(RegressorMixin, _BaseWeightBoosting):
    """An AdaBoost regressor: AdaBoost.R2 (Drucker 1997, "Improving Regressors using Boosting
    Techniques"), as scikit-learn's.

    Each member is fitted on a bootstrap of the training set drawn with the current sample weights
    (``RandomState.choice(n, n, p=weights)``, scikit-learn's draw); its errors on the training set,
    scaled to [0, 1] by the largest and passed through the loss, give the weighted error err, the
    member's weight learning_rate * log(1 / beta), beta = err / (1 - err), and the new weights
    w * beta^((1 - error) * learning_rate). Boosting stops when a member is perfect or err >= 0.5.
    predict is the weighted median of the members' predictions.

    Parameters
    ----------
    estimator : object, default=None
        The base estimator. None: an mlc DecisionTreeRegressor(max_depth=3).
    n_estimators : int, default=50
    learning_rate : float, default=1.0
    loss : {"linear", "square", "exponential"}, default="linear"
        How a scaled error e becomes the member's loss: e, e^2, or 1 - exp(-e).
    random_state : int, RandomState instance or None, default=None
        Seeds the members' random_state and the bootstraps (one NumPy RandomState, drawn in
        scikit-learn's order: the same seed gives scikit-learn's bootstraps).

    Attributes
    ----------
    estimator_, estimators_, estimator_weights_, estimator_errors_, n_features_in_,
    feature_importances_ : as AdaBoostClassifier's.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from mlc.ensemble import AdaBoostRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> len(AdaBoostRegressor(n_estimators=10, random_state=0).fit(X, y).estimators_)
    10
    """

    _default_estimator = staticmethod(lambda: DecisionTreeRegressor(max_depth=3))

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0, loss="linear", random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.loss = loss
        self.random_state = random_state

    def _check_y(self, y):
        if self.loss not in ("linear", "square", "exponential"):
            raise ValueError(f"loss must be 'linear', 'square' or 'exponential', got {self.loss!r}.")
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        return y

    def _boost(self, iboost, X, y, sample_weight, rng):
        """One AdaBoost.R2 step: (new weights, estimator weight, error), or Nones to stop."""
        est = self._make_estimator(rng)
        n = X.shape[0]
        idx = rng.choice(np.arange(n), size=n, replace=True, p=sample_weight)
        est.fit(X[idx], y[idx])
        error_vect = np.abs(est.predict(X) - y)
        mask = sample_weight > 0
        masked_weight = sample_weight[mask]
        masked_error = error_vect[mask]
        error_max = masked_error.max()
        if error_max != 0:
            masked_error /= error_max
        if self.loss == "square":
            masked_error **= 2
        elif self.loss == "exponential":
            masked_error = 1.0 - np.exp(-masked_error)
        error = (masked_weight * masked_error).sum()
        if error <= 0:
            return sample_weight, 1.0, 0.0
        if error >= 0.5:
            if len(self.estimators_) > 1:
                self.estimators_.pop(-1)
            return None, None, None
        beta = error / (1.0 - error)
        weight = self.learning_rate * np.log(1.0 / beta)
        if iboost != self.n_estimators - 1:
            sample_weight[mask] *= np.power(beta, (1.0 - masked_error) * self.learning_rate)
        return sample_weight, weight, error

    def _median_predict(self, X, limit):
        """The weighted median of the first `limit` members' predictions (scikit-learn's)."""
        predictions = np.array([est.predict(X) for est in self.estimators_[:limit]]).T
        sorted_idx = np.argsort(predictions, axis=1)
        weight_cdf = np.cumsum(self.estimator_weights_[sorted_idx], axis=1)
        median_or_above = weight_cdf >= 0.5 * weight_cdf[:, -1][:, np.newaxis]
        median_idx = median_or_above.argmax(axis=1)
        rows = np.arange(X.shape[0])
        return predictions[rows, sorted_idx[rows, median_idx]]

    def predict(self, X):
        """The weighted median of the members' predictions."""
        X = self._check_X(X)
        return self._median_predict(X, len(self.estimators_))

    def staged_predict(self, X):
        """predict after each boosting iteration (a generator)."""
        X = self._check_X(X)
        for i in range(1, len(self.estimators_) + 1):
            yield self._median_predict(X, i)
