"""Estimator base classes with scikit-learn's conventions, without importing scikit-learn.

``__init__`` only stores parameters; ``get_params``/``set_params`` read the ``__init__``
signature, so ``sklearn.base.clone``, grid searches and pipelines work on mlc estimators.
``__sklearn_tags__`` builds scikit-learn's Tags lazily: it is only ever called by scikit-learn,
so scikit-learn is then importable. Feature names (``feature_names_in_``) and ``set_output``
follow scikit-learn too; pandas and polars are imported only when X is such a frame or the output
is asked for.
"""
import copy
import importlib
import inspect
import sys

import numpy as np

from ._math import linear_scores
from ._validation import (check_array, check_feature_names, check_feature_names_in, check_is_fitted,
                          check_X_y)

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "TransformerMixin", "ClusterMixin",
           "DensityMixin", "LinearClassifierMixin", "OneToOneFeatureMixin",
           "ClassNamePrefixFeaturesOutMixin", "available_if", "clone"]

_NO_Y = object()


def clone(estimator):
    """A new unfitted estimator with the same parameters (scikit-learn's clone): parameters that are
    estimators (or lists of them) are cloned in turn, others deep-copied. Meta-estimators (boosting,
    bagging) clone their base estimator once per member."""
    if isinstance(estimator, (list, tuple, set, frozenset)):
        return type(estimator)(clone(e) for e in estimator)
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        return copy.deepcopy(estimator)
    params = estimator.get_params(deep=False)
    return type(estimator)(**{k: clone(v) for k, v in params.items()})


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

    def _validate_data(self, X, y=_NO_Y, *, reset, dtype=(np.float64, np.float32), **kw):
        """Every estimator's one entry for input checks: record (reset, in fit and a first
        partial_fit) or compare feature_names_in_ and n_features_in_, and check_array X (or
        check_X_y X and y when y is given; kw goes to them). Returns X, or (X, y)."""
        self._check_feature_names(X, reset=reset)
        if y is _NO_Y:
            X = out = check_array(X, dtype=dtype, estimator=self, **kw)
        else:
            X, y = out = check_X_y(X, y, dtype=dtype, estimator=self, **kw)
        self._check_n_features(X, reset=reset)
        return out

    def _check_feature_names(self, X, *, reset):
        check_feature_names(self, X, reset=reset)

    def _check_n_features(self, X, reset):
        n = int(np.prod(X.shape[1:])) if X.ndim >= 2 else 1   # an image (N, C, H, W) has C*H*W features
        if reset:
            self.n_features_in_ = n
            return
        check_is_fitted(self)
        expected = getattr(self, "n_features_in_", None)
        if expected is not None and n != expected:
            raise ValueError(
                f"X has {n} features, but {type(self).__name__} is expecting {expected} "
                "features as input.")


class OneToOneFeatureMixin:
    """get_feature_names_out of a transformer whose outputs are its inputs (scalers)."""

    def get_feature_names_out(self, input_features=None):
        """The input feature names: feature_names_in_ (or input_features), else x0, x1, ..."""
        check_is_fitted(self, "n_features_in_")
        return check_feature_names_in(self, input_features)


class ClassNamePrefixFeaturesOutMixin:
    """get_feature_names_out of a transformer that makes new features: the lowercase class name
    and an index (pca0, pca1, ...). fit sets _n_features_out (or the class makes it a property)."""

    def get_feature_names_out(self, input_features=None):
        """'<classname>0', '<classname>1', ...: one name per output feature."""
        check_is_fitted(self, "_n_features_out")
        check_feature_names_in(self, input_features, generate_names=False)
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self._n_features_out)], dtype=object)


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
    intercept_ and classes_: the positive side of a single score column is classes_[1]. A class
    that fits on scipy.sparse input sets _accept_sparse (check_array's accept_sparse) to score it."""

    _accept_sparse = False

    def decision_function(self, X):
        """Scores X @ coef_.T + intercept_: (n_samples,) for two classes (> 0 means classes_[1]),
        else (n_samples, n_classes)."""
        check_is_fitted(self, "coef_")
        X = self._validate_data(X, reset=False, dtype=np.float64, accept_sparse=self._accept_sparse)
        z = linear_scores(X, self.coef_, self.intercept_)
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


_OUTPUTS = ("default", "pandas", "polars")


def _output_config(estimator):
    """'default', 'pandas' or 'polars': the estimator's set_output, else scikit-learn's global
    transform_output when scikit-learn is already imported (mlc never imports it)."""
    config = getattr(estimator, "_sklearn_output_config", {}).get("transform")
    if config is None:
        sklearn = sys.modules.get("sklearn")
        config = sklearn.get_config().get("transform_output", "default") if sklearn is not None else "default"
    if config not in _OUTPUTS:
        raise ValueError(f"output config must be in {sorted(_OUTPUTS)}, got {config}")
    return config


def _wrap_output(estimator, out, X):
    """transform's array as the DataFrame set_output asks for: columns get_feature_names_out(),
    pandas keeps the input frame's index."""
    config = _output_config(estimator)
    if config == "default" or not hasattr(estimator, "get_feature_names_out"):
        return out
    try:
        lib = importlib.import_module(config)
    except ImportError as e:
        raise ImportError(f"Setting output container to '{config}' requires {config} to be installed") from e
    columns = estimator.get_feature_names_out()
    if config == "pandas":
        if isinstance(out, lib.DataFrame):
            out.columns = columns
            return out
        index = X.index if isinstance(X, (lib.DataFrame, lib.Series)) else None
        return lib.DataFrame(out, index=index, columns=columns, copy=False)
    if isinstance(out, lib.DataFrame):
        return out.rename(dict(zip(out.columns, columns.tolist())))
    return lib.DataFrame(out, schema=columns.tolist(), orient="row")


def _wrap_method_output(method):
    def wrapped(self, X, *args, **kwargs):
        return _wrap_output(self, method(self, X, *args, **kwargs), X)
    wrapped.__name__, wrapped.__qualname__, wrapped.__doc__ = method.__name__, method.__qualname__, method.__doc__
    wrapped.__wrapped__ = method
    return wrapped


def _has_feature_names_out(estimator):
    return hasattr(estimator, "get_feature_names_out")


class TransformerMixin:
    """fit_transform() = fit().transform(); set_output(transform="pandas"|"polars") makes transform
    and fit_transform return DataFrames (scikit-learn's _SetOutputMixin); tags say transformer."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # the transform and fit_transform a class defines itself are wrapped once; inherited ones already are
        for name in ("transform", "fit_transform"):
            if name in cls.__dict__:
                setattr(cls, name, _wrap_method_output(cls.__dict__[name]))
        cls._sklearn_auto_wrap_output_keys = {"transform"}

    def fit_transform(self, X, y=None, **fit_params):
        return self.fit(X, y, **fit_params).transform(X)

    @available_if(_has_feature_names_out)
    def set_output(self, *, transform=None):
        """Output container of transform and fit_transform: "default" (NumPy), "pandas" or
        "polars" (columns get_feature_names_out(); pandas keeps X's index); None leaves it."""
        if transform is None:
            return self
        if transform not in _OUTPUTS:
            raise ValueError(f"output config must be in {sorted(_OUTPUTS)}, got {transform}")
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self

    def __sklearn_tags__(self):
        from sklearn.utils import TransformerTags
        tags = super().__sklearn_tags__()
        tags.transformer_tags = TransformerTags()
        return tags
