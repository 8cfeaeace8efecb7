"""Estimator base classes with scikit-learn's conventions, without importing scikit-learn.

``__init__`` only stores parameters; ``get_params``/``set_params`` read the ``__init__``
signature, so ``sklearn.base.clone``, grid searches and pipelines work on mlc estimators.
``__sklearn_tags__`` builds scikit-learn's Tags lazily: it is only ever called by scikit-learn,
so scikit-learn is then importable.
"""
import inspect

import numpy as np

from ._validation import check_array, check_is_fitted

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "TransformerMixin", "ClusterMixin",
           "DensityMixin", "LinearClassifierMixin", "available_if"]


class available_if:
    """Method decorator: the method exists only while ``check(self)`` passes (scikit-learn's
    ``available_if``). ``check`` raises AttributeError (or returns False) when the method is not
    available, so ``hasattr(est, "predict_proba")`` answers for the estimator's current parameters."""

    def __init__(self, check):
        self.check = check

    def __call__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        return self

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.fn
        if not self.check(obj):
            raise AttributeError(f"{type(obj).__name__!r} has no attribute {self.fn.__name__!r}")
        return self.fn.__get__(obj, owner)


class BaseEstimator:
    """get_params/set_params by the ``__init__`` signature, a readable repr, n_features checks."""

    @classmethod
    def _get_param_names(cls):
        init = cls.__init__
        if init is object.__init__:
            return []
        params = [p for p in inspect.signature(init).parameters.values()
                  if p.name != "self" and p.kind != p.VAR_KEYWORD]
        for p in params:
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError(f"{cls.__name__}.__init__ must not take *args.")
        return sorted(p.name for p in params)

    def get_params(self, deep=True):
        out = {}
        for key in self._get_param_names():
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{key}__{k}", v) for k, v in value.get_params().items())
            out[key] = value
        return out

    def set_params(self, **params):
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            key, delim, sub = key.partition("__")
            if key not in valid:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {self}. Valid parameters are: "
                    f"{sorted(self._get_param_names())!r}.")
            if delim:
                nested.setdefault(key, {})[sub] = value
            else:
                setattr(self, key, value)
                valid[key] = value
        for key, sub in nested.items():
            valid[key].set_params(**sub)
        return self

    def __repr__(self):
        # like scikit-learn's print_changed_only: parameters that differ from their defaults
        sig = inspect.signature(type(self).__init__).parameters
        parts = []
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = sig[name].default
            same = value is default
            if not same:
                try:
                    same = bool(np.all(value == default)) and type(value) is type(default)
                except Exception:
                    same = False
            if not same:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __sklearn_is_fitted__(self):
        return any(k.endswith("_") and not k.startswith("__") for k in vars(self))

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags
        return Tags(estimator_type=None, target_tags=TargetTags(required=False),
                    transformer_tags=None, regressor_tags=None, classifier_tags=None,
                    input_tags=InputTags())

    def _validate_data(self, X, *, reset, dtype=(np.float64, np.float32), **kw):
        """check_array, then record (reset) or compare n_features_in_."""
        X = check_array(X, dtype=dtype, estimator=self, **kw)
        self._check_n_features(X, reset=reset)
        return X

    def _check_n_features(self, X, reset):
        n = X.shape[1] if X.ndim >= 2 else 1
        if reset:
            self.n_features_in_ = n
            return
        check_is_fitted(self)
        expected = getattr(self, "n_features_in_", None)
        if expected is not None and n != expected:
            raise ValueError(
                f"X has {n} features, but {type(self).__name__} is expecting {expected} "
                "features as input.")


class ClassifierMixin:
    """score() is accuracy; tags say classifier."""

    _estimator_type = "classifier"

    def score(self, X, y, sample_weight=None):
        from .metrics import accuracy_score
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        return tags


class LinearClassifierMixin:
    """decision_function and predict of a linear classifier with coef_ (n_classes or 1, n_features),
    intercept_ and classes_: the positive side of a single score column is classes_[1]."""

    def decision_function(self, X):
        """Scores X @ coef_.T + intercept_: (n_samples,) for two classes (> 0 means classes_[1]),
        else (n_samples, n_classes)."""
        check_is_fitted(self, "coef_")
        X = self._validate_data(X, reset=False, dtype=np.float64)
        z = X @ self.coef_.T + self.intercept_
        return z.ravel() if z.shape[1] == 1 else z

    def predict(self, X):
        """The class with the highest score."""
        z = self.decision_function(X)
        idx = (z > 0).astype(np.intp) if z.ndim == 1 else np.argmax(z, axis=1)
        return self.classes_[idx]


class RegressorMixin:
    """score() is the coefficient of determination R^2; tags say regressor."""

    _estimator_type = "regressor"

    def score(self, X, y, sample_weight=None):
        from .metrics import r2_score
        return r2_score(y, self.predict(X), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.target_tags.required = True
        return tags


class ClusterMixin:
    """fit_predict() = fit().labels_; tags say clusterer."""

    _estimator_type = "clusterer"

    def fit_predict(self, X, y=None, **fit_params):
        """Fit and return labels_."""
        return self.fit(X, **fit_params).labels_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "clusterer"
        return tags


class DensityMixin:
    """score() is the mean log-likelihood (score_samples) of X; tags say density_estimator."""

    _estimator_type = "density_estimator"

    def score(self, X, y=None):
        return float(self.score_samples(X).mean())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "density_estimator"
        return tags


class TransformerMixin:
    """fit_transform() = fit().transform(); tags say transformer."""

    def fit_transform(self, X, y=None, **fit_params):
        return self.fit(X, y, **fit_params).transform(X)

    def __sklearn_tags__(self):
        from sklearn.utils import TransformerTags
        tags = super().__sklearn_tags__()
        tags.transformer_tags = TransformerTags()
        return tags
