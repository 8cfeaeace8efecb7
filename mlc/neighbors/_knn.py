"""k-nearest-neighbour classification and regression, brute force in C.

The fitted data is searched in blocks (csrc/neighbors/knn.c): a block of query rows against tiles
of the training rows, each tile one GEMM for euclidean/cosine/correlation, with a bounded heap per
query row, so memory stays O(block x n_train) whatever the number of queries.

Ties: neighbours are returned sorted by (distance, index of the fitted sample); of several fitted
samples at the same distance the one with the smaller index comes first and is the one kept when
the tie straddles the k-th place. Voting ties (two classes with the same weight) go to the class
that comes first in ``classes_``. Both rules are scikit-learn's for its brute algorithm.
"""
import numbers

import numpy as np

from .. import _mlc
from .._threads import _n_threads
from .._validation import (check_choice, check_classification_targets, check_is_fitted, check_n_jobs,
                          column_or_1d, encode_labels)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..metrics._pairwise import _metric_code

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors"]

_WEIGHTS = _mlc.ENUMS["knn_weights"]


class _KNeighborsBase(BaseEstimator):
    def __init__(self, n_neighbors=5, *, weights="uniform", metric="euclidean", n_jobs=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.metric = metric
        self.n_jobs = n_jobs

    def _check_params(self):
        k = self.n_neighbors
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(f"n_neighbors does not take {type(k).__name__} value, enter integer value")
        if k <= 0:
            raise ValueError(f"Expected n_neighbors > 0. Got {k}")
        check_choice(getattr(self, "weights", "uniform"), "weights", _WEIGHTS)
        _metric_code(self.metric)
        check_n_jobs(self.n_jobs)

    def _fit_X(self, X):
        self._check_params()
        self._fit_X_ = X
        self.n_samples_fit_ = X.shape[0]
        self.effective_metric_ = {"l2": "euclidean", "cityblock": "manhattan", "l1": "manhattan"}.get(
            self.metric, self.metric)
        return self

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """The k nearest fitted samples of each query row.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), default=None
            None queries the fitted samples themselves, each without itself as a neighbour.
        n_neighbors : int, default=None
            Defaults to the n_neighbors given at construction.
        return_distance : bool, default=True

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors), float64
            Only when return_distance is True.
        neigh_ind : ndarray of shape (n_queries, n_neighbors), int64
            Sorted by (distance, index).
        """
        check_is_fitted(self)
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(f"n_neighbors does not take {type(k).__name__} value, enter integer value")
        if k <= 0:
            raise ValueError(f"Expected n_neighbors > 0. Got {k}")
        query_is_train = X is None
        if query_is_train:
            X = self._fit_X_
            k += 1  # each sample is its own nearest neighbour: ask for one more, drop it below
        else:
            X = self._validate_data(X, reset=False)
        n_fit = self.n_samples_fit_
        if k > n_fit:
            shown = k - 1 if query_is_train else k
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {shown}, "
                f"n_samples_fit = {n_fit}, n_samples = {X.shape[0]}")
        fit_X = self._fit_X_
        if X.dtype != fit_X.dtype:
            X, fit_X = X.astype(np.float64), fit_X.astype(np.float64)
        dist, ind = _mlc.knn_kneighbors(X, fit_X, int(k), _metric_code(self.metric), _n_threads(self.n_jobs))
        if query_is_train:
            # drop the sample itself; if duplicates pushed it out of the k+1, drop the last instead
            n = X.shape[0]
            keep = ind != np.arange(n)[:, None]
            no_self = keep.all(axis=1)
            keep[no_self, -1] = False
            dist = dist[keep].reshape(n, k - 1)
            ind = ind[keep].reshape(n, k - 1)
        return (dist, ind) if return_distance else ind

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class NearestNeighbors(_KNeighborsBase):
    """Unsupervised nearest-neighbour search (scikit-learn's NearestNeighbors, brute force)."""

    def __init__(self, n_neighbors=5, *, metric="euclidean", n_jobs=None):
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Store X (validated) for later queries. Returns self."""
        return self._fit_X(self._validate_data(X, reset=True))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags


class KNeighborsClassifier(ClassifierMixin, _KNeighborsBase):
    """Classifier voting among the k nearest training samples.

    Parameters
    ----------
    n_neighbors : int, default=5
    weights : {'uniform', 'distance'}, default='uniform'
        'distance' weights each neighbour by 1/distance; a query with neighbours at distance 0
        uses only those (each with weight 1).
    metric : {'euclidean', 'sqeuclidean', 'manhattan', 'cosine', 'correlation'}, default='euclidean'
    n_jobs : int, default=None
        Threads; None or -1 use ``mlc.get_num_threads()``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) (a list of them for multi-output y)
    n_features_in_ : int
    n_samples_fit_ : int
    effective_metric_ : str
    outputs_2d_ : bool
    """

    def fit(self, X, y):
        """Store the training data and encode the labels (any type: strings come back as strings)."""
        X, y = self._validate_data(X, y, reset=True, multi_output=True)
        check_classification_targets(y)
        if y.ndim == 1 or y.shape[1] == 1:
            if y.ndim == 2:
                column_or_1d(y, warn=True)
            self.outputs_2d_ = False
            y2 = y.reshape(-1, 1)
        else:
            self.outputs_2d_ = True
            y2 = y
        classes, codes = [], []
        for j in range(y2.shape[1]):
            c, code = encode_labels(y2[:, j])
            classes.append(c)
            codes.append(code)
        self.classes_ = classes if self.outputs_2d_ else classes[0]
        self._y_codes = codes
        return self._fit_X(X)

    def predict_proba(self, X):
        """Class probabilities: the neighbours' (weighted) share of each class.

        Returns an array of shape (n_queries, n_classes), or a list of them (multi-output)."""
        check_is_fitted(self)
        dist, ind = self.kneighbors(X)
        w = _WEIGHTS[self.weights]
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        out = [_mlc.knn_vote(ind, dist, codes, len(c), w) for c, codes in zip(classes, self._y_codes)]
        return out if self.outputs_2d_ else out[0]

    def predict(self, X):
        """The class with the largest (weighted) vote; ties go to the first class in classes_."""
        proba = self.predict_proba(X)
        if not self.outputs_2d_:
            return self.classes_[np.argmax(proba, axis=1)]
        return np.stack([c[np.argmax(p, axis=1)] for c, p in zip(self.classes_, proba)], axis=1)


class KNeighborsRegressor(RegressorMixin, _KNeighborsBase):
    """Regressor predicting the (weighted) mean target of the k nearest training samples.

    Parameters and attributes as KNeighborsClassifier, without classes_.
    """

    def fit(self, X, y):
        """Store the training data and the targets (1-D or 2-D)."""
        X, y = self._validate_data(X, y, reset=True, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        self._y = np.ascontiguousarray(y.reshape(len(y), -1))
        return self._fit_X(X)

    def predict(self, X):
        """Mean target of the neighbours: shape (n_queries,) or (n_queries, n_outputs)."""
        check_is_fitted(self)
        dist, ind = self.kneighbors(X)
        pred = _mlc.knn_average(ind, dist, self._y, _WEIGHTS[self.weights])
        return pred.ravel() if self._y_1d else pred
