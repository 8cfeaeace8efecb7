"""PCA and truncated SVD, with their solvers in C (csrc/decomposition/pca.c).

Three solvers, all behind one sign convention (scikit-learn's ``svd_flip(u_based_decision=False)``:
each component's entry of largest magnitude is positive), so they agree with each other and with
scikit-learn to rounding:

- ``'full'``: exact SVD by LAPACK's divide and conquer (xGESDD). For ``n_samples >= n_features``
  the centred data is first reduced to its ``R`` factor (xGEQRF) and only ``R`` is decomposed:
  ``U`` is never formed, which is most of scikit-learn's cost.
- ``'covariance_eigh'``: eigendecomposition (xSYEVD) of ``X^T X`` (xSYRK over blocks of centred
  rows, in float64): one pass over X, the choice for ``n_samples >> n_features``.
- ``'randomized'``: Halko, Martinsson & Tropp (2011) randomized subspace iteration with a Gaussian
  test matrix from mlc's generator (so the random numbers differ from scikit-learn's; with a gap
  in the spectrum the result equals the exact one to rounding).

float32 input stays float32 (attributes and outputs), as in scikit-learn; the column statistics
and the covariance path are computed in float64.

Sparse input: TruncatedSVD takes scipy.sparse CSR/CSC (and any format scipy converts to CSR) without
densifying it: the randomized solver runs on the CSR arrays through csrc/core/sparse.c's products
``A Z`` and ``A^T Z`` (the same numbers as on the dense copy, to rounding). PCA still rejects
sparse input (TypeError; scikit-learn's PCA centres it implicitly with 'arpack' and
'covariance_eigh', which mlc does not do yet).

Differences from scikit-learn: ``copy`` has no effect
(X is never modified); ``n_components=0`` is rejected; ``svd_solver='arpack'`` (and
TruncatedSVD's ``algorithm='arpack'``) are served by the exact LAPACK SVD, which is what ARPACK
converges to (``tol`` is accepted and unused).
"""
import math

import numpy as np

from .. import _mlc
from .._math import linear_scores
from .._threads import get_num_threads
from .._validation import (_is_sparse, assert_all_finite, check_array, check_choice, check_is_fitted,
                           csr_parts, is_int, is_real, seed_from_random_state)
from ..base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin

__all__ = ["PCA", "TruncatedSVD"]

_NORMALIZERS = _mlc.ENUMS["pca_normalizer"]


def _check_int(value, name, low):
    if not is_int(value):
        raise TypeError(f"The '{name}' parameter must be an int, got {value!r}.")
    if value < low:
        raise ValueError(f"The '{name}' parameter must be >= {low}, got {value!r}.")


def _check_randomized_params(n_oversamples, normalizer, low_oversamples=1):
    _check_int(n_oversamples, "n_oversamples", low_oversamples)
    check_choice(normalizer, "The 'power_iteration_normalizer' parameter", {"auto", "QR", "LU", "none"})


def _normalizer_code(normalizer, n_iter):
    """scikit-learn's 'auto': no normalisation for up to 2 power iterations, else LU."""
    if normalizer == "auto":
        normalizer = "none" if n_iter <= 2 else "LU"
    return _NORMALIZERS[normalizer]


def _assess_dimension(spectrum, rank, n_samples):
    """Minka's log-likelihood of a rank-`rank` model of a spectrum (NIPS 2000, eq. 30-31)."""
    n_features = spectrum.shape[0]
    eps = 1e-15
    if spectrum[rank - 1] < eps:
        return -np.inf
    i = np.arange(1, rank + 1)
    pu = -rank * math.log(2.0) + sum(math.lgamma((n_features - j + 1) / 2.0) for j in i) \
        - math.log(math.pi) * np.sum(n_features - i + 1) / 2.0
    pl = -np.sum(np.log(spectrum[:rank])) * n_samples / 2.0
    v = max(eps, np.sum(spectrum[rank:]) / (n_features - rank))
    pv = -math.log(v) * n_samples * (n_features - rank) / 2.0
    m = n_features * rank - rank * (rank + 1.0) / 2.0
    pp = math.log(2.0 * math.pi) * (m + rank) / 2.0
    filled = spectrum.astype(np.float64, copy=True)
    filled[rank:] = v
    pa = 0.0
    for a in range(rank):
        diff = spectrum[a] - spectrum[a + 1:]
        inv = 1.0 / filled[a + 1:] - 1.0 / filled[a]
        pa += np.sum(np.log(diff * inv)) + (n_features - a - 1) * math.log(n_samples)
    return pu + pl + pv + pp - pa / 2.0 - rank * math.log(n_samples) / 2.0


def _infer_dimension(spectrum, n_samples):
    spectrum = np.asarray(spectrum, dtype=np.float64)
    ll = np.full(spectrum.shape[0], -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for rank in range(1, spectrum.shape[0]):
            ll[rank] = _assess_dimension(spectrum, rank, n_samples)
    return int(np.argmax(ll))


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis: the centred data projected on its leading singular vectors.

    Parameters
    ----------
    n_components : int, float in (0, 1), 'mle' or None, default=None
        Components kept: an int in [1, min(n_samples, n_features)]; a fraction of variance (the
        fewest components whose cumulated explained variance ratio exceeds it; 'full' and
        'covariance_eigh' only); 'mle' for Minka's estimate (needs n_samples >= n_features); None
        for min(n_samples, n_features).
    copy : bool, default=True
        Accepted for compatibility; X is never modified.
    whiten : bool, default=False
        Divide the projections by the singular values times sqrt(n_samples - 1) (unit variance).
    svd_solver : {'auto', 'full', 'covariance_eigh', 'randomized', 'arpack'}, default='auto'
        'auto' is scikit-learn 1.9's rule: 'covariance_eigh' when n_features <= 1000 and
        n_samples >= 10 n_features; else 'full' for max(shape) <= 500 or 'mle'; else 'randomized'
        when 1 <= n_components < 0.8 min(shape); else 'full'. 'arpack' is served by the exact
        LAPACK SVD (what ARPACK converges to) and keeps its rule n_components < min(shape).
    tol : float >= 0, default=0.0
        Accepted for compatibility with 'arpack'; unused (the SVD is exact).
    iterated_power : int >= 0 or 'auto', default='auto'
        Power iterations of 'randomized': 'auto' is 7 when n_components < 0.1 min(shape), else 4.
    n_oversamples : int >= 1, default=10
        Extra random vectors of 'randomized'.
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
        How 'randomized' re-normalises between power iterations ('auto': 'none' for up to 2
        iterations, else 'LU').
    random_state : None, int or NumPy generator
        Seeds mlc's generator for 'randomized'.

    Attributes
    ----------
    components_ : ndarray (n_components_, n_features)
    explained_variance_, explained_variance_ratio_, singular_values_ : ndarray (n_components_,)
    mean_ : ndarray (n_features,)
    noise_variance_ : float
        Probabilistic PCA's noise variance (mean of the discarded eigenvalues).
    n_components_, n_samples_, n_features_in_ : int
    """

    def __init__(self, n_components=None, *, copy=True, whiten=False, svd_solver="auto", tol=0.0,
                 iterated_power="auto", n_oversamples=10, power_iteration_normalizer="auto",
                 random_state=None):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    # ---- parameters --------------------------------------------------------------------------

    def _check_params(self):
        k = self.n_components
        if k is not None and not (isinstance(k, str) and k == "mle"):
            if is_int(k):
                if k < 1:
                    raise ValueError(f"n_components={k} must be >= 1 (or a float in (0, 1), "
                                     "'mle' or None).")
            elif is_real(k):
                if not 0.0 < k < 1.0:
                    raise ValueError(f"n_components={k} must be an int >= 1 or a float strictly "
                                     "between 0 and 1 (a fraction of explained variance).")
            else:
                raise ValueError(f"n_components must be an int, a float in (0, 1), 'mle' or None; "
                                 f"got {k!r}.")
        for name in ("copy", "whiten"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"The '{name}' parameter must be a bool, got {getattr(self, name)!r}.")
        check_choice(self.svd_solver, "The 'svd_solver' parameter",
                     {"auto", "full", "covariance_eigh", "randomized", "arpack"})
        if not is_real(self.tol) or not 0 <= self.tol < np.inf:
            raise ValueError(f"The 'tol' parameter must be a float >= 0, got {self.tol!r}.")
        if not (isinstance(self.iterated_power, str) and self.iterated_power == "auto"):
            _check_int(self.iterated_power, "iterated_power", 0)
        _check_randomized_params(self.n_oversamples, self.power_iteration_normalizer)

    def _resolve_solver(self, shape, k):
        n, d = shape
        solver = self.svd_solver
        if solver != "auto":
            return solver
        if d <= 1000 and n >= 10 * d:
            return "covariance_eigh"
        if max(shape) <= 500 or k == "mle":
            return "full"
        if 1 <= k < 0.8 * min(shape):
            return "randomized"
        return "full"

    # ---- fit ---------------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Fit the model on X (n_samples, n_features)."""
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit on X and return its projection (n_samples, n_components_)."""
        X = self._fit(X)
        return self._transform(X)

    def _fit(self, X):
        self._check_params()
        # the finiteness check comes after the solver is known: covariance_eigh makes it on its
        # output (one pass over X instead of two), the other solvers on X first
        X = self._validate_data(X, reset=True, ensure_all_finite=False)
        n, d = X.shape
        if n < 2:
            raise ValueError(f"PCA needs at least 2 samples to estimate a variance, got {n} sample "
                             f"(n_samples = {n}).")
        k = self.n_components
        if k is None:
            k = min(n, d) - 1 if self.svd_solver == "arpack" else min(n, d)
        solver = self._resolve_solver(X.shape, k)
        if solver != "covariance_eigh":
            assert_all_finite(X, "X")
        self._fit_svd_solver = solver
        nt = get_num_threads()
        dt = X.dtype
        if solver in ("full", "covariance_eigh"):
            if k == "mle":
                if n < d:
                    raise ValueError("n_components='mle' is only supported if n_samples >= n_features")
            elif is_int(k) and k > min(n, d):
                raise ValueError(f"n_components={k} must be between 0 and min(n_samples, n_features)="
                                 f"{min(n, d)} with svd_solver={solver!r}")
            if solver == "full":
                s, comp, mean, _ = _mlc.svd_full(X, center=True, n_threads=nt)
                ev = s * s / dt.type(n - 1)
            else:
                s, ev, comp, mean, _ = _mlc.pca_covariance(X, n_threads=nt)
                if not np.all(np.isfinite(mean)):  # NaN or infinity in X: its outputs are NaN
                    assert_all_finite(X, "X")
            ratio = ev / ev.sum()
            if k == "mle":
                k = _infer_dimension(ev, n)
            elif not is_int(k):  # a fraction of variance
                k = int(np.searchsorted(np.cumsum(ratio), k, side="right")) + 1
                k = min(k, len(ev))
            noise = ev[k:].mean() if k < min(n, d) else dt.type(0.0)
        else:
            if isinstance(k, str):
                raise ValueError(f"n_components={k!r} cannot be a string with svd_solver='{solver}'")
            if not is_int(k):
                raise ValueError(f"n_components={k} must be an int with svd_solver='{solver}' "
                                 "(a fraction of variance needs 'full' or 'covariance_eigh')")
            if not 1 <= k <= min(n, d):
                raise ValueError(f"n_components={k} must be between 1 and min(n_samples, n_features)="
                                 f"{min(n, d)} with svd_solver='{solver}'")
            if solver == "arpack":
                if k == min(n, d):
                    raise ValueError(f"n_components={k} must be strictly less than "
                                     f"min(n_samples={n}, n_features={d}) with svd_solver='arpack'")
                s, comp, mean, ssq = _mlc.svd_full(X, center=True, n_threads=nt)
            else:
                n_iter = self.iterated_power
                if n_iter == "auto":
                    n_iter = 7 if k < 0.1 * min(n, d) else 4
                s, comp, mean, ssq = _mlc.svd_randomized(
                    X, k, self.n_oversamples, n_iter,
                    _normalizer_code(self.power_iteration_normalizer, n_iter),
                    seed_from_random_state(self.random_state) % 2**64, center=True, n_threads=nt)
            s, comp = s[:k], comp[:k]
            ev = s * s / dt.type(n - 1)
            total = dt.type(ssq.sum() / (n - 1))
            ratio = ev / total
            noise = ((total - ev.sum()) / dt.type(min(n, d) - k) if k < min(n, d)
                     else dt.type(0.0))
        self.n_samples_ = n
        self.n_components_ = int(k)
        self.components_ = np.ascontiguousarray(comp[:k])
        self.explained_variance_ = ev[:k].copy()
        self.explained_variance_ratio_ = ratio[:k].copy()
        self.singular_values_ = s[:k].copy()
        self.mean_ = mean.astype(dt)
        self.noise_variance_ = noise
        return X

    # ---- maps --------------------------------------------------------------------------------

    def _scale(self):
        if not self.whiten:
            return None
        scale = np.sqrt(self.explained_variance_.astype(np.float64))
        eps = np.finfo(self.explained_variance_.dtype).eps
        return np.maximum(scale, eps)

    def _transform(self, X):
        dt = np.result_type(X.dtype, self.components_.dtype)
        return _mlc.pca_transform(X.astype(dt, copy=False), self.components_,
                                  self.mean_.astype(np.float64), self._scale(),
                                  n_threads=get_num_threads())

    def transform(self, X):
        """Project X on the components: ``(X - mean_) components_^T`` (whitened if whiten)."""
        check_is_fitted(self)
        X = self._validate_data(X, reset=False)
        return self._transform(X)

    def inverse_transform(self, X):
        """Map projections back to feature space: ``X components_ + mean_`` (whitening undone)."""
        check_is_fitted(self)
        X = check_array(X, input_name="X", estimator=self)
        if X.shape[1] != self.n_components_:
            raise ValueError(f"X has {X.shape[1]} features, but inverse_transform expects "
                             f"{self.n_components_} (n_components_).")
        dt = np.result_type(X.dtype, self.components_.dtype)
        return _mlc.pca_inverse(X.astype(dt, copy=False), self.components_,
                                self.mean_.astype(np.float64), self._scale(),
                                n_threads=get_num_threads())

    # ---- probabilistic PCA -------------------------------------------------------------------

    def _scaled_components(self):
        comp, ev = self.components_, self.explained_variance_
        if self.whiten:
            comp = comp * np.sqrt(ev[:, np.newaxis])
        diff = np.where(ev > self.noise_variance_, ev - self.noise_variance_, 0.0).astype(ev.dtype)
        return comp, diff

    def get_covariance(self):
        """The model covariance ``components_^T diag(ev - sigma2) components_ + sigma2 I``."""
        check_is_fitted(self)
        comp, diff = self._scaled_components()
        cov = (comp.T * diff) @ comp
        cov.flat[::cov.shape[0] + 1] += self.noise_variance_
        return cov

    def get_precision(self):
        """The inverse of get_covariance(), by the matrix inversion lemma."""
        check_is_fitted(self)
        d = self.components_.shape[1]
        if self.n_components_ == 0:
            return np.eye(d) / self.noise_variance_
        if self.noise_variance_ == 0.0:
            return np.linalg.inv(self.get_covariance())
        comp, diff = self._scaled_components()
        precision = comp @ comp.T / self.noise_variance_
        with np.errstate(divide="ignore"):
            precision.flat[::precision.shape[0] + 1] += 1.0 / diff
        precision = comp.T @ np.linalg.inv(precision) @ comp
        precision /= -(self.noise_variance_ ** 2)
        precision.flat[::d + 1] += 1.0 / self.noise_variance_
        return precision

    def score_samples(self, X):
        """Log-likelihood of each sample under the probabilistic PCA model (Tipping & Bishop)."""
        check_is_fitted(self)
        X = self._validate_data(X, reset=False)
        Xr = X - self.mean_
        precision = self.get_precision()
        log_like = -0.5 * np.sum(Xr * linear_scores(Xr, precision.T).astype(Xr.dtype, copy=False), axis=1)
        _, logdet = np.linalg.slogdet(precision)
        log_like -= 0.5 * (X.shape[1] * math.log(2.0 * math.pi) - logdet)
        return log_like

    def score(self, X, y=None):
        """The mean log-likelihood of the samples."""
        return float(np.mean(self.score_samples(X)))

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class TruncatedSVD(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Dimensionality reduction by a truncated SVD of X itself (no centring): latent semantic
    analysis on term counts, or PCA of data already centred.

    Parameters
    ----------
    n_components : int, default=2
        Components kept, in [1, n_features].
    algorithm : {'randomized', 'arpack'}, default='randomized'
        'randomized': Halko, Martinsson & Tropp (2011), as in scikit-learn. 'arpack': served by
        the exact LAPACK SVD (xGESDD of X, truncated), which is what ARPACK converges to; it keeps
        ARPACK's rule n_components < min(n_samples, n_features).
    n_iter : int >= 0, default=5
        Power iterations of 'randomized'.
    n_oversamples : int >= 1, default=10
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
    random_state : None, int or NumPy generator
    tol : float >= 0, default=0.0
        Accepted for compatibility with 'arpack'; unused (the SVD is exact).

    Sparse input
    ------------
    X may be a scipy.sparse matrix or array (CSR, CSC or any format scipy converts to CSR): it is
    never densified (a 100k x 100k tf-idf matrix of 0.1% density needs its ~10^7 entries and the
    (n, n_components + n_oversamples) blocks, not 80 GB). 'randomized' runs the same algorithm on
    the CSR arrays, equal to the dense input's result to rounding. 'arpack' on sparse input is the
    randomized solver with n_iter >= 20 and n_oversamples >= max(n_components, 20) (the exact
    LAPACK path would densify): the leading triplets to ~1e-8 when the spectrum has a gap.
    transform takes sparse input too.

    Attributes
    ----------
    components_ : ndarray (n_components, n_features)
    explained_variance_ : ndarray (n_components,)
        Variance of each column of the transformed training data.
    explained_variance_ratio_, singular_values_ : ndarray (n_components,)
    n_features_in_ : int
    """

    def __init__(self, n_components=2, *, algorithm="randomized", n_iter=5, n_oversamples=10,
                 power_iteration_normalizer="auto", random_state=None, tol=0.0):
        self.algorithm = algorithm
        self.n_components = n_components
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state
        self.tol = tol

    def _check_params(self):
        _check_int(self.n_components, "n_components", 1)
        check_choice(self.algorithm, "The 'algorithm' parameter", {"randomized", "arpack"})
        _check_int(self.n_iter, "n_iter", 0)
        _check_randomized_params(self.n_oversamples, self.power_iteration_normalizer)
        if not is_real(self.tol) or not 0 <= self.tol < np.inf:
            raise ValueError(f"The 'tol' parameter must be a float >= 0, got {self.tol!r}.")

    def fit(self, X, y=None):
        """Fit the model on X (n_samples, n_features)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit on X and return ``X components_^T`` (n_samples, n_components)."""
        self._check_params()
        X = self._validate_data(X, reset=True, ensure_min_features=2, accept_sparse="csr")
        n, d = X.shape
        k = self.n_components
        nt = get_num_threads()
        if _is_sparse(X):
            return self._fit_sparse(X, n, d, k, nt)
        if self.algorithm == "arpack":
            if k >= min(n, d):
                raise ValueError(f"n_components={k} must be strictly less than "
                                 f"min(n_samples={n}, n_features={d}) with algorithm='arpack'")
            s, comp, _, ssq = _mlc.svd_full(X, center=False, n_threads=nt)
        else:
            if k > d:
                raise ValueError(f"n_components({k}) must be <= n_features({d}).")
            if k > n:
                raise ValueError(f"n_components({k}) must be <= n_samples({n}).")
            s, comp, _, ssq = _mlc.svd_randomized(
                X, k, self.n_oversamples, self.n_iter,
                _normalizer_code(self.power_iteration_normalizer, self.n_iter),
                seed_from_random_state(self.random_state) % 2**64, center=False, n_threads=nt)
        self.components_ = np.ascontiguousarray(comp[:k])
        self.singular_values_ = s[:k].copy()
        Xt = _mlc.pca_transform(X, self.components_, None, None, n_threads=nt)
        self.explained_variance_ = np.var(Xt, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.explained_variance_ratio_ = self.explained_variance_ / X.dtype.type(ssq.sum() / n)
        return Xt

    def _fit_sparse(self, X, n, d, k, nt):
        n_iter, n_over = self.n_iter, self.n_oversamples
        if self.algorithm == "arpack":
            if k >= min(n, d):
                raise ValueError(f"n_components={k} must be strictly less than "
                                 f"min(n_samples={n}, n_features={d}) with algorithm='arpack'")
            n_iter, n_over = max(n_iter, 20), max(n_over, k, 20)
        elif k > d:
            raise ValueError(f"n_components({k}) must be <= n_features({d}).")
        elif k > n:
            raise ValueError(f"n_components({k}) must be <= n_samples({n}).")
        s, comp, _, ssq = _mlc.svd_randomized_csr(
            *csr_parts(X), k, n_over, n_iter, _normalizer_code(self.power_iteration_normalizer, n_iter),
            seed_from_random_state(self.random_state) % 2**64, n_threads=nt)
        self.components_ = comp
        self.singular_values_ = s
        Xt = self._project_sparse(X)
        self.explained_variance_ = np.var(Xt, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.explained_variance_ratio_ = self.explained_variance_ / X.dtype.type(ssq.sum() / n)
        return Xt

    def _project_sparse(self, X):
        data, indices, indptr, d = csr_parts(X)
        dt = np.result_type(data.dtype, self.components_.dtype)
        return _mlc.csr_matmul(data.astype(dt, copy=False), indices, indptr, d,
                               np.ascontiguousarray(self.components_.T, dtype=dt),
                               n_threads=get_num_threads())

    def transform(self, X):
        """Project X (dense or scipy.sparse): ``X components_^T``."""
        check_is_fitted(self)
        X = self._validate_data(X, reset=False, accept_sparse="csr")
        if _is_sparse(X):
            return self._project_sparse(X)
        dt = np.result_type(X.dtype, self.components_.dtype)
        return _mlc.pca_transform(X.astype(dt, copy=False), self.components_, None, None,
                                  n_threads=get_num_threads())

    def inverse_transform(self, X):
        """Map back to feature space: ``X components_``."""
        check_is_fitted(self)
        X = check_array(X, input_name="X", estimator=self)
        if X.shape[1] != self.components_.shape[0]:
            raise ValueError(f"X has {X.shape[1]} features, but inverse_transform expects "
                             f"{self.components_.shape[0]} (n_components).")
        dt = np.result_type(X.dtype, self.components_.dtype)
        return _mlc.pca_inverse(X.astype(dt, copy=False), self.components_, None, None,
                                n_threads=get_num_threads())

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = True
        return tags
