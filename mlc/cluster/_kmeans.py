"""k-means clustering: KMeans (Lloyd or Elkan) and MiniBatchKMeans, in C (csrc/cluster/kmeans.c).

The estimators follow scikit-learn's KMeans and MiniBatchKMeans: the same parameters, the same
attributes, the same iterates. From the same initial centres, KMeans gives scikit-learn's labels
and centres (to rounding): X is centred on its mean before the iterations, a row goes to the
nearest centre with ties to the lower index, an empty cluster takes the sample farthest from its
centre, and the run stops when the labels repeat or when the summed squared centre shift is at
most ``tol`` times the mean feature variance. Random draws (k-means++, 'random' init, mini-batches)
come from mlc's generators, so a given ``random_state`` does not reproduce scikit-learn's draws.

Sparse input (scipy.sparse CSR, or CSC converted to CSR) is clustered without densifying it, as
scikit-learn does: the rows are not centred, a row's centres are ranked from its stored values and
the centres are dense (csrc/cluster/kmeans_csr_impl.h). Fit, predict, transform, score and
partial_fit give the results of the dense copy to rounding; k-means++ picks the same rows.

Differences from scikit-learn, all deliberate:
- float32 input keeps float32 centres, but sums and distances are accumulated in float64.
- With sample weights, ``tol`` is scaled by the weighted feature variance (so that integer weights
  act like repeated samples); without them it is scikit-learn's unweighted variance.
- A cluster still empty after relocation (only possible when every sample sits on its centre or
  has zero weight) copies the averaged centre of the heaviest cluster.
- Results do not depend on the number of threads.
"""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._math import linear_scores
from .._threads import get_num_threads
from .._validation import (_is_sparse, assert_all_finite, check_array, check_is_fitted, check_random_state,
                          check_sample_weight, check_scalar, csr_parts)
from ..base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from ..exceptions import ConvergenceWarning

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]

_ALGORITHMS = _mlc.ENUMS["kmeans_algorithm"]


def _check_weights(sample_weight, X):
    """Weights of X's dtype (ones when None), finite and non-negative."""
    if sample_weight is None:
        return np.ones(X.shape[0], dtype=X.dtype)
    return check_sample_weight(sample_weight, X.shape[0], dtype=X.dtype, ensure_non_negative=True)


def _rows(X):
    """X as the C kernels take it: the array itself, or a CSR matrix's (data, indices, indptr, n_cols)."""
    return csr_parts(X) if _is_sparse(X) else X


def _dense(A):
    return A.toarray() if _is_sparse(A) else A


def _is_array_init(init):
    return not isinstance(init, str) and not callable(init) and hasattr(init, "__len__")


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, random_state=None, n_local_trials=None):
    """Initial centres by greedy k-means++ (scikit-learn's kmeans_plusplus).

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features), X's dtype
    indices : ndarray of shape (n_clusters,), int64: the rows of X chosen
    """
    X = check_array(X, dtype=(np.float64, np.float32), accept_sparse="csr")
    n_clusters = check_scalar(n_clusters, "n_clusters", numbers.Integral, min_val=1)
    if X.shape[0] < n_clusters:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}.")
    w = _check_weights(sample_weight, X)
    trials = 2 + int(np.log(n_clusters)) if n_local_trials is None else n_local_trials
    check_scalar(trials, "n_local_trials", numbers.Integral, min_val=1, max_val=64)
    seed = int(check_random_state(random_state).integers(0, 2**63 - 1))
    return _mlc.kmeans_plusplus(_rows(X), w, int(n_clusters), int(trials), seed, get_num_threads())


class _BaseKMeans(ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    _default_n_init = 10

    # ---- parameters ----
    def _check_params(self, X):
        check_scalar(self.n_clusters, "n_clusters", numbers.Integral, min_val=1)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0)
        if not (self.n_init == "auto" or (isinstance(self.n_init, numbers.Integral)
                                          and not isinstance(self.n_init, bool) and self.n_init >= 1)):
            raise ValueError(f"n_init should be 'auto' or an int >= 1, got {self.n_init!r} instead.")
        init = self.init
        if isinstance(init, str):
            if init not in ("k-means++", "random"):
                raise ValueError("init should be either 'k-means++', 'random', an array-like or a "
                                 f"callable, got {init!r} instead.")
        elif not callable(init) and not _is_array_init(init):
            raise ValueError("init should be either 'k-means++', 'random', an array-like or a "
                             f"callable, got {init!r} instead.")
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        if self.n_init == "auto":
            self._n_init = 1 if (isinstance(init, str) and init == "k-means++") or _is_array_init(init) \
                else self._default_n_init
        else:
            self._n_init = int(self.n_init)
        if _is_array_init(init) and self._n_init != 1:
            warnings.warn("Explicit initial center position passed: performing only one init in "
                          f"{type(self).__name__} instead of n_init={self._n_init}.",
                          RuntimeWarning, stacklevel=3)
            self._n_init = 1

    def _check_init_array(self, X):
        init = check_array(self.init, dtype=X.dtype, copy=True, input_name="init")
        self._validate_center_shape(X, init)
        return init

    def _validate_center_shape(self, X, centers):
        if centers.shape[0] != self.n_clusters:
            raise ValueError(f"The shape of the initial centers {centers.shape} does not match the "
                             f"number of clusters {self.n_clusters}.")
        if centers.shape[1] != X.shape[1]:
            raise ValueError(f"The shape of the initial centers {centers.shape} does not match the "
                             f"number of features of the data {X.shape[1]}.")

    @staticmethod
    def _tolerance(X, w, tol, weighted):
        """tol times the mean feature variance (weighted when weights were given)."""
        if tol == 0:
            return 0.0
        if _is_sparse(X):
            data, indices, indptr, d = parts = csr_parts(X)
            if not weighted:
                _, _, ssq, _ = _mlc.csr_stats(*parts, get_num_threads())
                return float(np.mean(ssq) / X.shape[0] * tol)
            # E_w[x^2] - E_w[x]^2 per column, from A^T w and (A*A)^T w
            wn = (w / np.sum(w, dtype=np.float64)).astype(np.float64)[:, None]
            m = _mlc.csr_matmul(data.astype(np.float64), indices, indptr, d, wn, transpose=True)[:, 0]
            m2 = _mlc.csr_matmul(np.square(data, dtype=np.float64), indices, indptr, d, wn, transpose=True)[:, 0]
            return float(np.mean(np.maximum(m2 - m * m, 0.0)) * tol)
        if not weighted:
            return float(np.mean(np.var(X, axis=0)) * tol)
        mean = np.average(X, axis=0, weights=w)
        return float(np.mean(np.average((X - mean) ** 2, axis=0, weights=w)) * tol)

    def _init_centroids(self, X, w, init, rng, init_size=None, sampler=None, runs=None):
        """Initial centres (C-contiguous, X's dtype) from `init`, drawn with the Generator rng: (K, D), or
        (runs, K, D) for `runs` initialisations drawn one after the other (k-means++ seeds them in one call)."""
        n = X.shape[0]
        k = self.n_clusters
        if runs is not None and not (isinstance(init, str) and init == "k-means++"):
            return np.stack([self._init_centroids(X, w, init, rng, init_size, sampler) for _ in range(runs)])
        if init_size is not None and init_size < n:
            # a subset drawn in proportion to the weights stands for the weighted data
            idx = (sampler or _RowSampler(X, w)).draw(rng, init_size)
            X, w = X[idx], np.ones(init_size, dtype=X.dtype)
            n = init_size
        if isinstance(init, str) and init == "k-means++":
            seeds = [int(rng.integers(0, 2**63 - 1)) for _ in range(1 if runs is None else runs)]
            centers, _ = _mlc.kmeans_plusplus(_rows(X), w, k, 2 + int(np.log(k)),
                                              seeds[0] if runs is None else seeds, get_num_threads())
        elif isinstance(init, str) and init == "random":
            seeds = rng.choice(n, size=k, replace=False, p=w / w.sum())
            centers = _dense(X[seeds])
        elif callable(init):
            rs = np.random.RandomState(int(rng.integers(0, 2**31 - 1)))
            centers = check_array(_dense(init(X, k, random_state=rs)), dtype=X.dtype, input_name="init")
            self._validate_center_shape(X, centers)
        else:
            centers = init
        return np.ascontiguousarray(centers, dtype=X.dtype)

    # ---- prediction ----
    def _check_test_data(self, X):
        check_is_fitted(self)
        return self._validate_data(X, reset=False, accept_sparse="csr")

    def _same_dtype(self, X):
        C = self.cluster_centers_
        if X.dtype != C.dtype:
            return X.astype(np.float64), C.astype(np.float64)
        return X, C

    def predict(self, X):
        """The index of the nearest centre of each row (int32)."""
        X, C = self._same_dtype(self._check_test_data(X))
        labels, _ = _mlc.kmeans_assign(_rows(X), C, None, get_num_threads())
        return labels

    def transform(self, X):
        """Euclidean distances of the rows to every centre, shape (n_samples, n_clusters)."""
        return self._transform(self._check_test_data(X))

    def _transform(self, X):
        from ..metrics import pairwise_distances
        X, C = self._same_dtype(X)
        if not _is_sparse(X):
            return pairwise_distances(X, C, metric="euclidean")
        # sqrt(||x||^2 - 2 x.c + ||c||^2) in float64 (as scikit-learn's sparse euclidean_distances, whose
        # float32 cancellation would cost a near-zero distance its digits)
        data, indices, indptr, d = csr_parts(X)
        nt = get_num_threads()
        C = C.astype(np.float64)
        xc = _mlc.csr_matmul(data.astype(np.float64), indices, indptr, d, np.ascontiguousarray(C.T), n_threads=nt)
        xx = _mlc.csr_stats(data, indices, indptr, d, nt)[0]
        cc = np.einsum("ij,ij->i", C, C)
        return np.sqrt(np.maximum(xx[:, None] - 2.0 * xc + cc, 0.0)).astype(X.dtype, copy=False)

    def fit_transform(self, X, y=None, sample_weight=None):
        """fit(X), then the distances of X to the centres."""
        return self.fit(X, sample_weight=sample_weight)._transform(
            self._validate_data(X, reset=False, accept_sparse="csr"))

    def score(self, X, y=None, sample_weight=None):
        """Minus the (weighted) inertia of X against the centres."""
        X, C = self._same_dtype(self._check_test_data(X))
        w = None if sample_weight is None else _check_weights(sample_weight, X)
        _, inertia = _mlc.kmeans_assign(_rows(X), C, w, get_num_threads())
        return -inertia

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = True
        return tags


class KMeans(_BaseKMeans):
    """K-means clustering (scikit-learn's KMeans; dense or scipy.sparse input).

    Parameters
    ----------
    n_clusters : int, default=8
    init : {'k-means++', 'random'}, callable or array-like of shape (n_clusters, n_features)
        'k-means++': greedy k-means++ with 2 + floor(ln k) local trials per centre; 'random':
        n_clusters distinct rows drawn with probability proportional to their weight.
    n_init : 'auto' or int, default='auto'
        Runs from different initialisations; the one with the lowest inertia is kept. 'auto' is 1
        for 'k-means++' and an array, 10 otherwise.
    max_iter : int, default=300
    tol : float, default=1e-4
        Convergence when the summed squared centre shift is <= tol * (mean feature variance).
    verbose : int, default=0
        Accepted for compatibility; mlc's kernels print nothing.
    random_state : None, int, or a NumPy generator, default=None
    copy_x : bool, default=True
        Accepted for compatibility: X is never modified.
    algorithm : {'lloyd', 'elkan'}, default='lloyd'
        The same result, bit for bit, by the same engine (the faster one at every size measured): a
        row's centres are ranked by ||c||^2 - 2 x.c (fused, no n_samples x n_clusters matrix), and
        only against the centres that Yinyang's bounds on its distances do not rule out (exactly: the
        labels, centres and inertia are those of ranking every row, rounding included; N x
        ceil(n_clusters / 10) bounds in memory).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features), X's dtype
    labels_ : ndarray of shape (n_samples,), int32
    inertia_ : float
        Sum of (weighted) squared distances of the samples to their centre.
    n_iter_ : int
    n_features_in_ : int
    """

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300, tol=1e-4,
                 verbose=0, random_state=None, copy_x=True, algorithm="lloyd"):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering. Returns self."""
        # X's finiteness is read from its mean (one pass over X fewer): the C pass that centres it
        X = self._validate_data(X, reset=True, ensure_all_finite=False, accept_sparse="csr")
        nt = get_num_threads()
        sparse = _is_sparse(X)
        if sparse:  # not centred (that would densify it), as in scikit-learn
            assert_all_finite(X.data, "X")
            X_mean, variance = None, None
        else:
            X_mean, variance = _mlc.kmeans_moments(X, nt)
            if not np.all(np.isfinite(X_mean)):  # NaN or infinity in X
                assert_all_finite(X, "X")
            X_mean = X_mean.astype(X.dtype)
        if not isinstance(self.algorithm, str) or self.algorithm not in _ALGORITHMS:
            raise ValueError(f"algorithm must be one of {sorted(_ALGORITHMS)}, got {self.algorithm!r}.")
        self._check_params(X)
        algorithm = self.algorithm
        if algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn("algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' "
                          "instead.", RuntimeWarning)
            algorithm = "lloyd"
        w = _check_weights(sample_weight, X)
        rng = check_random_state(self.random_state)
        init = self._check_init_array(X) if _is_array_init(self.init) else self.init
        # centring keeps the identity ||x||^2 - 2x.c + ||c||^2 accurate (as scikit-learn does): the
        # kernel takes the rows minus X_mean as it reads them; seeding looks at the raw rows, so that it
        # does not depend on the mean's rounding
        if sample_weight is None and not sparse:
            tol = float(variance * self.tol)
        else:
            tol = self._tolerance(X, w, self.tol, sample_weight is not None)
        # the n_init runs in one call (small ones spread over the threads, one each), the best kept in run order
        centers = self._init_centroids(X, w, init, rng, runs=self._n_init)
        if not sparse:
            centers = centers - X_mean
        runs = _mlc.kmeans_fit(_rows(X), w, centers, _ALGORITHMS[algorithm], int(self.max_iter), tol, nt, mean=X_mean)
        best = None
        for centers, labels, inertia, n_iter in zip(*runs):
            if best is None or (inertia < best[2] and not _same_clustering(labels, best[1], self.n_clusters)):
                best = (centers, labels, inertia, n_iter)
        centers, labels, inertia, n_iter = best[0].copy(), best[1].copy(), best[2], best[3]
        if not sparse:
            centers += X_mean
        distinct = int(np.count_nonzero(np.bincount(labels, minlength=self.n_clusters)))
        if distinct < self.n_clusters:
            warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than n_clusters "
                          f"({self.n_clusters}). Possibly due to duplicate points in X.",
                          ConvergenceWarning, stacklevel=2)
        self.cluster_centers_ = centers
        self._n_features_out = centers.shape[0]
        self.labels_ = labels
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        return self


class _RowSampler:
    """Draws rows with replacement, with probability proportional to their weights, by inverting
    the cumulative weights taken in an order of the rows' values (a fixed random projection), not
    of their positions: shuffling the rows, or replacing an integer weight m by m copies of a row,
    leaves the draws of a given generator unchanged."""

    def __init__(self, X, w):
        proj = np.random.default_rng(0x6b6d65616e73).standard_normal(X.shape[1])
        self.perm = np.argsort(linear_scores(X, proj), kind="stable")
        self.cum = np.cumsum(w[self.perm], dtype=np.float64)

    def draw(self, rng, size):
        pos = np.searchsorted(self.cum, rng.random(size) * self.cum[-1], side="right")
        return self.perm[np.minimum(pos, len(self.perm) - 1)]


def _same_clustering(a, b, k):
    """Whether two labelings are equal up to a permutation of the labels."""
    mapping = np.full(k, -1, dtype=np.int64)
    first = np.unique(a, return_index=True)
    mapping[first[0]] = b[first[1]]
    return bool(np.array_equal(mapping[a], b))


class MiniBatchKMeans(_BaseKMeans):
    """Mini-batch k-means (scikit-learn's MiniBatchKMeans; dense or scipy.sparse input).

    Parameters
    ----------
    n_clusters, init, max_iter (passes over the data), verbose, random_state : as KMeans
    batch_size : int, default=1024
    compute_labels : bool, default=True
        Compute labels_ and inertia_ over the whole data at the end of fit.
    tol : float, default=0.0
        Early stop when the squared centre change of a step is <= tol * (mean feature variance).
    max_no_improvement : int or None, default=10
        Early stop after this many steps without improving the smoothed batch inertia.
    init_size : int or None, default=None
        Rows drawn to initialise (3 * batch_size by default, at least 3 * n_clusters).
    n_init : 'auto' or int, default='auto'
        Initialisations compared on init_size rows ('auto': 1 for k-means++, 3 otherwise).
    reassignment_ratio : float, default=0.01
        Centres whose count falls below this fraction of the largest are moved to random batch rows.

    Attributes
    ----------
    cluster_centers_, labels_, inertia_, n_features_in_ : as KMeans
    n_iter_ : int (passes over the data), n_steps_ : int (mini-batches processed)
    """

    _default_n_init = 3

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=100, batch_size=1024, verbose=0,
                 compute_labels=True, random_state=None, tol=0.0, max_no_improvement=10,
                 init_size=None, n_init="auto", reassignment_ratio=0.01):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio

    def _check_params(self, X, n_eff=None):
        super()._check_params(X)
        n_eff = X.shape[0] if n_eff is None else n_eff
        check_scalar(self.batch_size, "batch_size", numbers.Integral, min_val=1)
        check_scalar(self.reassignment_ratio, "reassignment_ratio", numbers.Real, min_val=0)
        if self.max_no_improvement is not None:
            check_scalar(self.max_no_improvement, "max_no_improvement", numbers.Integral, min_val=0)
        self._batch_size = min(int(self.batch_size), n_eff)
        init_size = self.init_size
        if init_size is None:
            init_size = 3 * self._batch_size
            if init_size < self.n_clusters:
                init_size = 3 * self.n_clusters
        else:
            check_scalar(init_size, "init_size", numbers.Integral, min_val=1)
            if init_size < self.n_clusters:
                warnings.warn(f"init_size={init_size} should be larger than n_clusters="
                              f"{self.n_clusters}. Setting it to min(3*n_clusters, n_samples)",
                              RuntimeWarning, stacklevel=3)
                init_size = 3 * self.n_clusters
        self._init_size = min(int(init_size), n_eff)

    def _step(self, Xb, wb, centers, rng, reassign):
        """One mini-batch step, then scikit-learn's random reassignment of starved centres.
        Returns (new centres, batch inertia); updates self._counts."""
        centers_new, self._counts, _, inertia = _mlc.kmeans_minibatch_step(
            _rows(Xb), wb, centers, self._counts, get_num_threads())
        if reassign and self.reassignment_ratio > 0:
            counts = self._counts
            to_reassign = counts < self.reassignment_ratio * counts.max()
            if to_reassign.sum() > 0.5 * Xb.shape[0]:
                to_reassign[np.argsort(counts, kind="stable")[int(0.5 * Xb.shape[0]):]] = False
            n_re = int(to_reassign.sum())
            if n_re:
                rows = rng.choice(Xb.shape[0], size=n_re, replace=False)
                centers_new[to_reassign] = _dense(Xb[rows])
                counts[to_reassign] = np.min(counts[~to_reassign])
        return centers_new, inertia

    def _random_reassign(self):
        self._n_since_last_reassign += self._batch_size
        if (self._counts == 0).any() or self._n_since_last_reassign >= 10 * self.n_clusters:
            self._n_since_last_reassign = 0
            return True
        return False

    def _converged(self, step, n_samples, centers_squared_diff, batch_inertia):
        """scikit-learn's early stopping on the smoothed (EWA) mean batch inertia."""
        batch_inertia /= self._batch_size
        if step == 0:
            return False
        if self._ewa_inertia is None:
            self._ewa_inertia = batch_inertia
        else:
            alpha = min(self._batch_size * 2.0 / (n_samples + 1), 1.0)
            self._ewa_inertia = self._ewa_inertia * (1 - alpha) + batch_inertia * alpha
        if self._tol > 0.0 and centers_squared_diff <= self._tol:
            return True
        if self._ewa_inertia_min is None or self._ewa_inertia < self._ewa_inertia_min:
            self._no_improvement = 0
            self._ewa_inertia_min = self._ewa_inertia
        else:
            self._no_improvement += 1
        return self.max_no_improvement is not None and self._no_improvement >= self.max_no_improvement

    def fit(self, X, y=None, sample_weight=None):
        """Fit on mini-batches drawn from X (with probability proportional to the weights)."""
        X = self._validate_data(X, reset=True, accept_sparse="csr")
        w = _check_weights(sample_weight, X)
        n = X.shape[0]
        # with weights, the number of samples that batch sizes, passes and smoothing count is
        # their sum (integer weights then act as repeated rows)
        n_eff = n if sample_weight is None else max(1, int(round(float(np.sum(w, dtype=np.float64)))))
        self._check_params(X, n_eff)
        rng = check_random_state(self.random_state)
        init = self._check_init_array(X) if _is_array_init(self.init) else self.init
        self._tol = self._tolerance(X, w, self.tol, sample_weight is not None)
        sampler = _RowSampler(X, w)
        if self._n_init > 1:
            valid = sampler.draw(rng, self._init_size)
            X_valid, w_valid = X[valid], np.ones(self._init_size, dtype=X.dtype)
        best_inertia = None
        for _ in range(self._n_init):
            centers = self._init_centroids(X, w, init, rng, init_size=self._init_size, sampler=sampler)
            if self._n_init == 1:
                best_centers = centers
                break
            _, inertia = _mlc.kmeans_assign(_rows(X_valid), centers, w_valid, get_num_threads())
            if best_inertia is None or inertia < best_inertia:
                best_centers, best_inertia = centers, inertia
        centers = best_centers
        self._counts = np.zeros(self.n_clusters, dtype=np.float64)
        self._ewa_inertia = self._ewa_inertia_min = None
        self._no_improvement = 0
        self._n_since_last_reassign = 0
        B = self._batch_size
        n_steps = (int(self.max_iter) * n_eff) // B
        unit = np.ones(B, dtype=X.dtype)
        i = 0
        for i in range(n_steps):
            idx = sampler.draw(rng, B)
            centers_new, batch_inertia = self._step(X[idx], unit, centers, rng, self._random_reassign())
            diff = float(np.sum((centers_new - centers) ** 2)) if self._tol > 0.0 else 0.0
            centers = centers_new
            if self._converged(i, n_eff, diff, batch_inertia):
                break
        self.cluster_centers_ = centers
        self._n_features_out = centers.shape[0]
        self.n_steps_ = i + 1
        self.n_iter_ = int(np.ceil((i + 1) * B / n_eff))
        if self.compute_labels:
            self.labels_, self.inertia_ = _mlc.kmeans_assign(_rows(X), centers, w, get_num_threads())
        else:
            self.inertia_ = self._ewa_inertia * float(np.sum(w)) if self._ewa_inertia is not None else 0.0
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch step on X (initialising the centres from X on the first call)."""
        has_centers = hasattr(self, "cluster_centers_")
        X = self._validate_data(X, reset=not has_centers, accept_sparse="csr")
        if not hasattr(self, "_random_state"):
            self._random_state = check_random_state(self.random_state)
        w = _check_weights(sample_weight, X)
        self.n_steps_ = getattr(self, "n_steps_", 0)
        if not has_centers:
            self._check_params(X)
            init = self._check_init_array(X) if _is_array_init(self.init) else self.init
            self.cluster_centers_ = self._init_centroids(X, w, init, self._random_state,
                                                         init_size=self._init_size)
            self._counts = np.zeros(self.n_clusters, dtype=np.float64)
            self._n_since_last_reassign = 0
        elif X.dtype != self.cluster_centers_.dtype:
            X = X.astype(self.cluster_centers_.dtype)
            w = w.astype(X.dtype)
        self.cluster_centers_, _ = self._step(X, w, self.cluster_centers_, self._random_state,
                                              self._random_reassign())
        if self.compute_labels:
            self.labels_, self.inertia_ = _mlc.kmeans_assign(_rows(X), self.cluster_centers_, w,
                                                             get_num_threads())
        self.n_steps_ += 1
        self._n_features_out = self.cluster_centers_.shape[0]
        return self
