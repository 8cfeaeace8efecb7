"""Nearest neighbours: k-nearest-neighbour and radius search, classification and regression, in C.

algorithm='brute' searches the fitted data in blocks (csrc/neighbors/knn.c): a block of query rows
against tiles of the training rows, each tile one GEMM for euclidean/cosine/correlation, with a
bounded heap per query row, so memory stays O(block x n_train) whatever the number of queries.
algorithm='kd_tree' and 'ball_tree' build scikit-learn's trees in C (csrc/neighbors/tree.c: median
splits on the widest dimension, leaf_size rows per leaf) and search them depth first, one query
per thread at a time; 'auto' picks as scikit-learn 1.9 does (brute for more than 15 features or
n_neighbors >= n_samples // 2, else kd_tree for the minkowski family, else brute). Chebyshev and
minkowski with another p under 'brute' scan a one-leaf tree: brute force with the tree's distance.

Sparse input (scipy.sparse CSR/CSC, fit and queries, either or both): every estimator here (the
k-neighbour and radius ones, NearestNeighbors' kneighbors and radius_neighbors) searches brute force
on the CSR rows, never densified (csrc/neighbors/knn.c: one query row scattered into a dense vector,
each fitted row's entries walked once; a radius search takes the distances of a block of queries at
a time), for euclidean, sqeuclidean, manhattan and cosine (minkowski p = 1 or 2); 'auto' is brute, a
tree algorithm warns and runs brute, as in scikit-learn. The same neighbours as on the dense copy;
distances to rounding.

Ties: neighbours are returned sorted by (distance, index of the fitted sample); of several fitted
samples at the same distance the one with the smaller index comes first and is the one kept when
the tie straddles the k-th place, whatever the algorithm and thread count. Voting ties (two classes
with the same weight) go to the class that comes first in ``classes_``. Both rules are
scikit-learn's for its brute algorithm (its trees may keep another of exactly tied samples).
"""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._threads import _n_threads
from .._validation import (_is_sparse, check_array, check_choice, check_classification_targets,
                          check_is_fitted, check_n_jobs, column_or_1d, csr_parts, encode_labels)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import InvalidParameterError
from ..metrics._pairwise import PAIRWISE_METRICS, _metric_code

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors", "VALID_METRICS"]

_WEIGHTS = _mlc.ENUMS["knn_weights"]
_ALGORITHMS = _mlc.ENUMS["knn_algorithm"]

# the minkowski family (the trees' metrics) -> its exponent p (None: the estimator's p)
_MINKOWSKI = {"euclidean": 2.0, "l2": 2.0, "manhattan": 1.0, "cityblock": 1.0, "l1": 1.0,
              "chebyshev": np.inf, "infinity": np.inf, "minkowski": None, "p": None}
_CANONICAL = {"l2": "euclidean", "cityblock": "manhattan", "l1": "manhattan", "infinity": "chebyshev",
              "p": "minkowski"}
VALID_METRICS = {"brute": sorted(set(PAIRWISE_METRICS) | set(_MINKOWSKI)),
                 "kd_tree": sorted(_MINKOWSKI), "ball_tree": sorted(_MINKOWSKI)}
_QUERY_CHUNK = 1024  # query rows per pairwise_distances call of a brute radius search
_SPARSE_METRICS = ("euclidean", "sqeuclidean", "manhattan", "cosine")  # brute force on CSR (knn.c)


def _invalid(est, name, what, value):
    raise InvalidParameterError(
        f"The {name!r} parameter of {type(est).__name__} must be {what}. Got {value!r} instead.")


def _check_n_neighbors(k):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"n_neighbors does not take {type(k).__name__} value, enter integer value")
    if k <= 0:
        raise ValueError(f"Expected n_neighbors > 0. Got {k}")


def _check_radius(est, radius):
    if isinstance(radius, bool) or not isinstance(radius, numbers.Real) or not radius >= 0:
        _invalid(est, "radius", "a float in the range [0.0, inf)", radius)
    return float(radius)


def _split(offsets, values):
    """Object array of the rows [offsets[i], offsets[i + 1]) of values."""
    out = np.empty(len(offsets) - 1, dtype=object)
    out[:] = np.split(values, offsets[1:-1]) if len(out) else []
    return out


def _graph(offsets, ind, data, n_fit):
    """CSR (n_queries, n_fit) from the flat neighbours (scipy is imported only here)."""
    from scipy.sparse import csr_matrix
    return csr_matrix((data, ind, offsets), shape=(len(offsets) - 1, n_fit))


def _check_mode(mode):
    if mode not in ("connectivity", "distance"):
        raise ValueError('Unsupported mode, must be one of "connectivity", or "distance" but got '
                         f'"{mode}" instead')


def _check_sparse_metric(metric):
    if metric not in _SPARSE_METRICS:
        raise ValueError(f"Metric '{metric}' not valid for sparse input. Use one of {list(_SPARSE_METRICS)} "
                         "(or minkowski with p=1 or 2), or pass a dense array.")


def _sparse_metric_ok(est):
    """Whether est's metric has a CSR search (k-neighbour estimators: their sparse tag)."""
    metric = _CANONICAL.get(est.metric, est.metric)
    if metric == "minkowski":
        return (est.metric_params or {}).get("p", est.p) in (None, 1, 2)
    return metric in _SPARSE_METRICS


def _as_csr(A):
    """A as float64 CSR for knn.c's CSR searches; a dense side is made CSR (scipy is there: the other
    side is a scipy.sparse matrix)."""
    import scipy.sparse

    return check_array(A if _is_sparse(A) else scipy.sparse.csr_matrix(A), accept_sparse="csr", dtype=np.float64)


def _kneighbors_sparse(X, fit_X, k, metric, n_threads):
    """(dist, ind) by knn.c's CSR search."""
    _check_sparse_metric(metric)
    xd, xi, xp, d = csr_parts(_as_csr(X))
    yd, yi, yp, _ = csr_parts(_as_csr(fit_X))
    return _mlc.knn_kneighbors_csr(xd, xi, xp, yd, yi, yp, d, int(k), _metric_code(metric), n_threads)


def _sparse_distances(fit_X, metric, n_threads):
    """The function of a CSR block of queries giving its (n, n_fit) distances by knn.c's CSR pairs."""
    _check_sparse_metric(metric)
    yd, yi, yp, _ = csr_parts(_as_csr(fit_X))
    code = _metric_code(metric)

    def distances(Xc):
        xd, xi, xp, d = csr_parts(Xc)
        return _mlc.knn_distances_csr(xd, xi, xp, yd, yi, yp, d, code, n_threads)
    return distances


class _NeighborsBase(BaseEstimator):
    """Parameters, fit (the algorithm and the tree) and the raw searches of every estimator here."""

    def _check_params(self):
        if getattr(self, "n_neighbors", None) is not None:
            _check_n_neighbors(self.n_neighbors)
        if getattr(self, "radius", None) is not None:
            _check_radius(self, self.radius)
        if "weights" in self._get_param_names():
            check_choice(self.weights, "weights", _WEIGHTS)
        if self.algorithm not in ("auto", *_ALGORITHMS):
            _invalid(self, "algorithm", f"a str among {sorted(('auto', *_ALGORITHMS))}", self.algorithm)
        ls = self.leaf_size
        if isinstance(ls, bool) or not isinstance(ls, numbers.Integral) or ls < 1:
            _invalid(self, "leaf_size", "an int in the range [1, inf)", ls)
        p = self.p
        if p is not None and (isinstance(p, bool) or not isinstance(p, numbers.Real) or not p > 0):
            _invalid(self, "p", "a float in the range (0.0, inf] or None", p)
        mp = self.metric_params
        if mp is not None and not isinstance(mp, dict):
            _invalid(self, "metric_params", "a dict or None", mp)
        if mp and set(mp) - {"p"}:
            raise ValueError(f"metric_params {sorted(set(mp) - {'p'})} are not supported: mlc's metrics take "
                             "only 'p' (minkowski)")
        check_n_jobs(self.n_jobs)
        metric = self.metric
        alg = self.algorithm if self.algorithm != "auto" else (
            "ball_tree" if metric in VALID_METRICS["ball_tree"] else "brute")
        if not isinstance(metric, str) or metric not in VALID_METRICS[alg]:
            raise ValueError(f"Metric {metric!r} not valid. Use sorted(mlc.neighbors.VALID_METRICS[{alg!r}]) "
                             "to get valid options.")
        if mp is not None and "p" in mp and p is not None:
            warnings.warn("Parameter p is found in metric_params. The corresponding parameter from __init__ "
                          "is ignored.", SyntaxWarning, stacklevel=3)

    def _fit_X(self, X):
        self._check_params()
        self.effective_metric_params_ = dict(self.metric_params or {})
        metric = _CANONICAL.get(self.metric, self.metric)
        p = None
        if metric == "minkowski":
            p = self.effective_metric_params_.pop("p", self.p)
            p = 2.0 if p is None else float(p)
            metric = {1.0: "manhattan", 2.0: "euclidean", np.inf: "chebyshev"}.get(p, "minkowski")
            if metric == "minkowski":
                self.effective_metric_params_["p"] = p
        elif metric in _MINKOWSKI:
            p = _MINKOWSKI[metric]
        self.effective_metric_ = metric
        self._p = p  # the exponent when the metric is of the minkowski family, else None
        self._fit_X_ = X
        self.n_samples_fit_ = n = X.shape[0]
        if _is_sparse(X):   # brute force only, as scikit-learn
            _check_sparse_metric(metric)
            if self.algorithm not in ("auto", "brute"):
                warnings.warn("cannot use tree with sparse input: using brute force")
            self._fit_method, self._tree = "brute", None
            return self
        method = self.algorithm
        if method == "auto":
            k = getattr(self, "n_neighbors", None)
            if X.shape[1] > 15 or (k is not None and k >= n // 2) or p is None or p < 1:
                method = "brute"
            else:
                method = "kd_tree"
        if p is not None and p < 1:
            if method != "brute":
                raise ValueError(f'algorithm="{method}" does not support 0 < p < 1 for the Minkowski metric. '
                                 'To resolve this problem either set p >= 1 or algorithm="brute".')
            warnings.warn("Mind that for 0 < p < 1, Minkowski metrics are not distance metrics. Continuing "
                          "the execution with `algorithm='brute'`.")
        self._fit_method = method
        self._tree = None
        if method != "brute":
            self._tree = _mlc.knn_tree_build(X, int(self.leaf_size), _ALGORITHMS[method], p,
                                             _n_threads(self.n_jobs))
        return self

    def _tree_args(self):
        """(tree arrays, kind) to search: the fitted tree, or for brute a one-leaf tree of the data."""
        if self._tree is not None:
            return self._tree, _ALGORITHMS[self._fit_method]
        X, n = self._fit_X_, self.n_samples_fit_
        leaf = (X, np.arange(n, dtype=np.int64), np.array([[0, n]], dtype=np.int64),
                np.zeros((1, 2 * X.shape[1])))
        return leaf, _ALGORITHMS["kd_tree"]

    def _query_rows(self, X):
        """(validated query rows, whether they are the fitted rows themselves)."""
        check_is_fitted(self)
        if X is None:
            return self._fit_X_, True
        return self._validate_data(X, reset=False, accept_sparse="csr"), False

    def _kneighbors_raw(self, X, k):
        n_threads = _n_threads(self.n_jobs)
        if _is_sparse(X) or _is_sparse(self._fit_X_):
            return _kneighbors_sparse(X, self._fit_X_, k, self.effective_metric_, n_threads)
        if self._tree is not None or self.effective_metric_ in ("chebyshev", "minkowski"):
            tree, kind = self._tree_args()
            return _mlc.knn_tree_query(np.asarray(X, dtype=np.float64), tree, kind, self._p, int(k), n_threads)
        fit_X = self._fit_X_
        if X.dtype != fit_X.dtype:
            X, fit_X = X.astype(np.float64), fit_X.astype(np.float64)
        return _mlc.knn_kneighbors(X, fit_X, int(k), _metric_code(self.effective_metric_), n_threads)

    def _radius_raw(self, X, radius, sort):
        """(offsets (n + 1), dist, ind): query i's neighbours are [offsets[i], offsets[i + 1])."""
        n_threads = _n_threads(self.n_jobs)
        if _is_sparse(X) or _is_sparse(self._fit_X_):
            distances = _sparse_distances(self._fit_X_, self.effective_metric_, n_threads)
            X = _as_csr(X)
        elif self._p is not None:
            tree, kind = self._tree_args()
            return _mlc.knn_tree_radius(np.asarray(X, dtype=np.float64), tree, kind, self._p, radius, sort,
                                        n_threads)
        else:
            from ..metrics import pairwise_distances

            def distances(Xc):
                return pairwise_distances(Xc, self._fit_X_, metric=self.effective_metric_, n_jobs=self.n_jobs)
        rows, ind, dist = [], [], []
        for i0 in range(0, X.shape[0], _QUERY_CHUNK):
            D = distances(X[i0:i0 + _QUERY_CHUNK])
            r, c = np.nonzero(D <= radius)
            rows.append(r + i0)
            ind.append(c)
            dist.append(D[r, c].astype(np.float64))
        rows, ind, dist = (np.concatenate(a) if a else np.empty(0) for a in (rows, ind, dist))
        if sort:
            order = np.lexsort((ind, dist, rows))
            ind, dist = ind[order], dist[order]
        offsets = np.zeros(X.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows.astype(np.int64), minlength=X.shape[0]), out=offsets[1:])
        return offsets, dist, ind.astype(np.int64)

    def _radius_flat(self, X, radius, sort_results):
        """Validated radius search: (offsets, dist, ind); X None queries the fitted rows without
        themselves."""
        radius = self.radius if radius is None else radius
        radius = _check_radius(self, radius)
        X, query_is_train = self._query_rows(X)
        offsets, dist, ind = self._radius_raw(X, radius, sort_results)
        if query_is_train:
            rows = np.repeat(np.arange(X.shape[0]), np.diff(offsets))
            keep = ind != rows
            dist, ind = dist[keep], ind[keep]
            offsets = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=X.shape[0]))])
        return offsets, dist, ind

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = _sparse_metric_ok(self)
        return tags


class KNeighborsMixin:
    """kneighbors and kneighbors_graph."""

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
        _check_n_neighbors(k)
        X, query_is_train = self._query_rows(X)
        if query_is_train:
            k += 1  # each sample is its own nearest neighbour: ask for one more, drop it below
        n_fit = self.n_samples_fit_
        if k > n_fit:
            shown = k - 1 if query_is_train else k
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {shown}, "
                f"n_samples_fit = {n_fit}, n_samples = {X.shape[0]}")
        dist, ind = self._kneighbors_raw(X, k)
        if query_is_train:
            # drop the sample itself; if duplicates pushed it out of the k+1, drop the last instead
            n = X.shape[0]
            keep = ind != np.arange(n)[:, None]
            no_self = keep.all(axis=1)
            keep[no_self, -1] = False
            dist = dist[keep].reshape(n, k - 1)
            ind = ind[keep].reshape(n, k - 1)
        return (dist, ind) if return_distance else ind

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """Sparse (CSR) graph of the k nearest neighbours: shape (n_queries, n_samples_fit), with
        ones (mode='connectivity') or distances (mode='distance'). Needs scipy."""
        _check_mode(mode)
        dist, ind = self.kneighbors(X, n_neighbors, return_distance=True)
        n, k = ind.shape
        data = np.ones(n * k) if mode == "connectivity" else dist.ravel()
        return _graph(np.arange(0, n * k + 1, k), ind.ravel(), data, self.n_samples_fit_)


class RadiusNeighborsMixin:
    """radius_neighbors and radius_neighbors_graph."""

    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """The fitted samples within distance `radius` (inclusive) of each query row.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), default=None
            None queries the fitted samples themselves, each without itself as a neighbour.
        radius : float, default=None
            Defaults to the radius given at construction.
        return_distance : bool, default=True
        sort_results : bool, default=False
            Sort each row's neighbours by (distance, index); otherwise they come by index.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries,) of float64 arrays
            Only when return_distance is True.
        neigh_ind : ndarray of shape (n_queries,) of int64 arrays
        """
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        offsets, dist, ind = self._radius_flat(X, radius, sort_results)
        return (_split(offsets, dist), _split(offsets, ind)) if return_distance else _split(offsets, ind)

    def radius_neighbors_graph(self, X=None, radius=None, mode="connectivity", sort_results=False):
        """Sparse (CSR) graph of the neighbours within `radius`: shape (n_queries, n_samples_fit),
        ones (mode='connectivity') or distances (mode='distance'). Needs scipy."""
        _check_mode(mode)
        offsets, dist, ind = self._radius_flat(X, radius, sort_results and mode == "distance")
        data = np.ones(len(ind)) if mode == "connectivity" else dist
        return _graph(offsets, ind, data, self.n_samples_fit_)


_PARAMS_DOC = """
    algorithm : {'auto', 'brute', 'kd_tree', 'ball_tree'}, default='auto'
        'auto': brute for more than 15 features, n_neighbors >= n_samples // 2 or a metric outside
        the minkowski family, else kd_tree (scikit-learn's rule). Sparse X (scipy CSR/CSC): brute
        force on the CSR rows whatever this says, never densified, for euclidean, sqeuclidean,
        manhattan, cosine (a tree algorithm warns).
    leaf_size : int, default=30
        Rows per leaf of the trees (scikit-learn's node layout).
    p : float, default=2
        Exponent of metric='minkowski' (1: manhattan, 2: euclidean, inf: chebyshev); 0 < p < 1 only
        with brute force.
    metric : str, default='minkowski'
        'minkowski', 'euclidean', 'manhattan', 'chebyshev' (and the aliases 'l2', 'l1',
        'cityblock', 'infinity', 'p') for every algorithm; 'sqeuclidean', 'cosine', 'correlation'
        with brute force only (``VALID_METRICS``).
    metric_params : dict, default=None
        Only {'p': value} (which overrides p, with a warning when p is also set).
    n_jobs : int, default=None
        Threads; None or -1 use ``mlc.get_num_threads()``. Results do not depend on it.

    Attributes
    ----------
    n_features_in_ : int
    n_samples_fit_ : int
    effective_metric_ : str
        The metric searched: minkowski with p = 1, 2 or inf becomes manhattan, euclidean, chebyshev.
    effective_metric_params_ : dict
"""


def _doc(cls):
    """Append the shared parameter and attribute text to a class docstring that ends with its own
    parameters and has `{common}` where they go."""
    cls.__doc__ = cls.__doc__.replace("{common}", _PARAMS_DOC.strip("\n"))
    return cls


@_doc
class NearestNeighbors(KNeighborsMixin, RadiusNeighborsMixin, _NeighborsBase):
    """Unsupervised nearest-neighbour search: kneighbors and radius_neighbors (scikit-learn's
    NearestNeighbors).

    Parameters
    ----------
    n_neighbors : int, default=5
    radius : float, default=1.0
        The default radius of radius_neighbors.
{common}
    """

    def __init__(self, *, n_neighbors=5, radius=1.0, algorithm="auto", leaf_size=30, metric="minkowski", p=2,
                 metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Store X (validated) and build the tree. Returns self."""
        return self._fit_X(self._validate_data(X, reset=True, accept_sparse="csr"))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags


class _ClassifierTargets:
    """fit's label encoding, shared by the k-neighbours and radius classifiers."""

    def _encode_targets(self, y):
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


class _RegressorTargets:
    """fit's target storage, shared by the k-neighbours and radius regressors: _y (n, n_outputs)
    float64, and whether y was 1-D."""

    def _store_targets(self, y):
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        self._y = np.ascontiguousarray(y.reshape(len(y), -1))


@_doc
class KNeighborsClassifier(KNeighborsMixin, ClassifierMixin, _ClassifierTargets, _NeighborsBase):
    """Classifier voting among the k nearest training samples.

    Parameters
    ----------
    n_neighbors : int, default=5
    weights : {'uniform', 'distance'}, default='uniform'
        'distance' weights each neighbour by 1/distance; a query with neighbours at distance 0
        uses only those (each with weight 1).
{common}    classes_ : ndarray of shape (n_classes,) (a list of them for multi-output y)
    outputs_2d_ : bool
    """

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Store the training data and encode the labels (any type: strings come back as strings)."""
        X, y = self._validate_data(X, y, reset=True, multi_output=True, accept_sparse="csr")
        self._encode_targets(y)
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


class KNeighborsRegressor(KNeighborsMixin, RegressorMixin, _RegressorTargets, _NeighborsBase):
    """Regressor predicting the (weighted) mean target of the k nearest training samples.

    Parameters and attributes as KNeighborsClassifier, without classes_.
    """

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30, p=2,
                 metric="minkowski", metric_params=None, n_jobs=None):
        self.n_neighbors = n_neighbors
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
        """Mean target of the neighbours: shape (n_queries,) or (n_queries, n_outputs)."""
        check_is_fitted(self)
        dist, ind = self.kneighbors(X)
        pred = _mlc.knn_average(ind, dist, self._y, _WEIGHTS[self.weights])
        return pred.ravel() if self._y_1d else pred
