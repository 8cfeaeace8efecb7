"""Radius-neighbours classification and regression: the fitted samples within a fixed distance vote
(or are averaged), on the searches of _knn.py (brute force, kd-tree or ball tree)."""
import warnings

import numpy as np

from .._validation import check_is_fitted
from ..base import ClassifierMixin, RegressorMixin
from ._knn import _ClassifierTargets, _doc, _NeighborsBase, _RegressorTargets, RadiusNeighborsMixin

__all__ = ["RadiusNeighborsClassifier", "RadiusNeighborsRegressor"]


def _row_weights(offsets, dist, weights):
    """(row of each neighbour, its weight): 1, or 1/distance where a row with neighbours at
    distance 0 weighs only those, each by 1 (scikit-learn's rule)."""
    n = len(offsets) - 1
    rows = np.repeat(np.arange(n), np.diff(offsets))
    if weights == "uniform":
        return rows, np.ones(len(dist))
    zero = dist == 0.0
    has_zero = np.bincount(rows, weights=zero, minlength=n) > 0
    with np.errstate(divide="ignore"):
        w = np.where(has_zero[rows], zero.astype(np.float64), 1.0 / dist)
    return rows, w


@_doc
class RadiusNeighborsClassifier(RadiusNeighborsMixin, ClassifierMixin, _ClassifierTargets, _NeighborsBase):
    """Classifier voting among the training samples within distance `radius` (inclusive).

    Parameters
    ----------
    radius : float, default=1.0
    weights : {'uniform', 'distance'}, default='uniform'
        'distance' weights each neighbour by 1/distance; a query with neighbours at distance 0
        uses only those (each with weight 1).
    outlier_label : label, 'most_frequent' or None, default=None
        The prediction for a query with no neighbour in the radius: a label (one per output for
        multi-output y), the most frequent training label, or None to raise a ValueError.
{common}    classes_ : ndarray of shape (n_classes,) (a list of them for multi-output y)
    outlier_label_ : list of labels (one per output) or None
    outputs_2d_ : bool
    """

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2, metric="minkowski",
                 outlier_label=None, metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.outlier_label = outlier_label
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Store the training data, encode the labels and resolve outlier_label."""
        X, y = self._validate_data(X, y, reset=True, multi_output=True, accept_sparse="csr")
        self._encode_targets(y)
        self._fit_X(X)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        label = self.outlier_label
        if label is None:
            self.outlier_label_ = None
        elif isinstance(label, str) and label == "most_frequent":
            self.outlier_label_ = [c[np.bincount(codes).argmax()] for c, codes in zip(classes, self._y_codes)]
        else:
            if np.ndim(label) > 0:
                if len(label) != len(classes):
                    raise ValueError(f"The length of outlier_label: {label} is inconsistent with the output "
                                     f"length: {len(classes)}")
                labels = list(label)
            else:
                labels = [label] * len(classes)
            for c, lab in zip(classes, labels):
                if np.ndim(lab) > 0:
                    raise TypeError(f"The outlier_label of classes {c} is supposed to be a scalar, got {lab}.")
                if np.append(c, lab).dtype != c.dtype:
                    raise TypeError(f"The dtype of outlier_label {lab} is inconsistent with classes {c} in y.")
            self.outlier_label_ = labels
        return self

    def predict_proba(self, X):
        """Class probabilities: the (weighted) share of each class among the neighbours in the radius;
        a query without neighbours gets probability 1 for outlier_label_ (0 everywhere if that label is
        not a training class, with a warning). Shape (n_queries, n_classes), a list for multi-output."""
        check_is_fitted(self)
        offsets, dist, ind = self._radius_flat(X, None, False)
        n = len(offsets) - 1
        outliers = np.flatnonzero(np.diff(offsets) == 0)
        if self.outlier_label_ is None and outliers.size > 0:
            raise ValueError(f"No neighbors found for test samples {outliers!r}, you can try using larger radius, "
                             "giving a label for outliers, or considering removing them from your dataset.")
        rows, w = _row_weights(offsets, dist, self.weights)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        out = []
        for k, (c, codes) in enumerate(zip(classes, self._y_codes)):
            proba = np.bincount(rows * len(c) + codes[ind], weights=w, minlength=n * len(c)).reshape(n, len(c))
            if outliers.size > 0:
                at = np.flatnonzero(c == self.outlier_label_[k])
                if at.size == 1:
                    proba[outliers, at[0]] = 1.0
                else:
                    warnings.warn(f"Outlier label {self.outlier_label_[k]} is not in training classes. All class "
                                  "probabilities of outliers will be assigned with 0.")
            norm = proba.sum(axis=1, keepdims=True)
            norm[norm == 0.0] = 1.0
            out.append(proba / norm)
        return out if self.outputs_2d_ else out[0]

    def predict(self, X):
        """The class with the largest (weighted) vote (ties: the first in classes_); outlier_label_
        for a query without neighbours."""
        probs = self.predict_proba(X)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        probs = probs if self.outputs_2d_ else [probs]
        pred = np.empty((probs[0].shape[0], len(classes)), dtype=classes[0].dtype)
        for k, (c, prob) in enumerate(zip(classes, probs)):
            pred[:, k] = c.take(prob.argmax(axis=1))
            empty = np.flatnonzero((prob == 0).all(axis=1))
            if empty.size:
                pred[empty, k] = self.outlier_label_[k]
        return pred if self.outputs_2d_ else pred.ravel()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@_doc
class RadiusNeighborsRegressor(RadiusNeighborsMixin, RegressorMixin, _RegressorTargets, _NeighborsBase):
    """Regressor predicting the (weighted) mean target of the training samples within distance
    `radius` (inclusive); NaN, with a warning, for a query without any.

    Parameters
    ----------
    radius : float, default=1.0
    weights : {'uniform', 'distance'}, default='uniform'
{common}
    """

    def __init__(self, radius=1.0, *, weights="uniform", algorithm="auto", leaf_size=30, p=2, metric="minkowski",
                 metric_params=None, n_jobs=None):
        self.radius = radius
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Store the training data and the targets (1-D or 2-D)."""
        X, y = self._validate_data(X, y, reset=True, multi_output=True, y_numeric=True, accept_sparse="csr")
        self._store_targets(y)
        return self._fit_X(X)

    def predict(self, X):
        """Mean target of the neighbours in the radius: shape (n_queries,) or (n_queries, n_outputs)."""
        check_is_fitted(self)
        offsets, dist, ind = self._radius_flat(X, None, False)
        n = len(offsets) - 1
        rows, w = _row_weights(offsets, dist, self.weights)
        total = np.bincount(rows, weights=w, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            pred = np.stack([np.bincount(rows, weights=w * self._y[ind, o], minlength=n) / total
                             for o in range(self._y.shape[1])], axis=1)
        pred[total == 0] = np.nan
        if np.isnan(pred).any():
            warnings.warn("One or more samples have no neighbors within specified radius; predicting NaN.")
        return pred.ravel() if self._y_1d else pred
