"""Gaussian mixture models fitted by EM in C (scikit-learn's GaussianMixture, step for step).

The EM loop runs in C, one call per initialisation (csrc/mixture/gmm.c): the E-step evaluates
every component on a block of rows with one GEMM (for 'full', y = (x - mu_k) U_k with U_k the
Cholesky factor of the precision), the M-step accumulates the statistics per row chunk and merges
them in a fixed order, so results do not depend on the number of threads, and the precision
factors come from LAPACK's Cholesky and a triangular solve.

Initialisation follows scikit-learn exactly: 'random', 'random_from_data' and 'k-means++' draw
from a NumPy RandomState seeded from ``random_state`` the way scikit-learn's do, so the same seed
gives the same starting point as scikit-learn; 'kmeans' runs ``mlc.cluster.KMeans``. Float32
input is computed in float64.
"""
import math
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._math import linear_scores
from .._threads import get_num_threads
from .._validation import check_array, check_choice, check_is_fitted, check_legacy_random_state, check_scalar
from ..base import BaseEstimator, DensityMixin
from ..exceptions import ConvergenceWarning

__all__ = ["GaussianMixture"]

_COV_TYPES = _mlc.ENUMS["covariance_type"]
_INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")


def _check_shape(param, shape, name):
    if param.shape != shape:
        raise ValueError(f"The parameter '{name}' should have the shape of {shape}, but got {param.shape}")


def _kmeans_plusplus_indices(X, n_clusters, random_state):
    """The rows k-means++ picks as seeds (Arthur & Vassilvitskii 2007, greedy with 2 + log k
    trials), drawing from random_state in scikit-learn's order so a seed picks the same rows."""
    n = X.shape[0]
    trials = 2 + int(np.log(n_clusters))
    sq = np.einsum("ij,ij->i", X, X)

    def sqdist(rows):
        d = sq[rows][:, None] - 2.0 * linear_scores(X[rows], X) + sq[None, :]
        return np.maximum(d, 0.0)

    weight = np.ones(n)
    first = random_state.choice(n, p=weight / weight.sum())
    idx = np.full(n_clusters, -1, dtype=np.int64)
    idx[0] = first
    closest = sqdist(np.array([first]))[0]
    pot = closest.sum()
    for c in range(1, n_clusters):
        rand_vals = random_state.uniform(size=trials) * pot
        cand = np.searchsorted(np.cumsum(closest), rand_vals)
        np.clip(cand, None, n - 1, out=cand)
        dc = np.minimum(closest, sqdist(cand))
        pots = dc.sum(axis=1)
        best = int(np.argmin(pots))
        pot, closest = pots[best], dc[best]
        idx[c] = cand[best]
    return idx


class GaussianMixture(DensityMixin, BaseEstimator):
    """Gaussian mixture model fitted by expectation-maximisation.

    Parameters
    ----------
    n_components : int, default=1
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    tol : float, default=1e-3
        EM stops when the lower bound (mean log-likelihood) changes by less than tol.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance.
    max_iter : int, default=100
    n_init : int, default=1
        Initialisations; the fit with the largest lower bound is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, default='kmeans'
    weights_init : array-like of shape (n_components,), default=None
    means_init : array-like of shape (n_components, n_features), default=None
    precisions_init : array-like, default=None
        Shape (n_components, n_features, n_features) for 'full', (n_features, n_features) for
        'tied', (n_components, n_features) for 'diag', (n_components,) for 'spherical'.
    random_state : int, RandomState or None, default=None
    warm_start : bool, default=False
        Start each fit from the previous solution (then n_init is ignored).
    verbose : int, default=0
        1 prints each initialisation and every verbose_interval-th iteration, 2 also the change
        of the lower bound (printed after each EM run, which happens in C).
    verbose_interval : int, default=10

    Attributes
    ----------
    weights_, means_, covariances_, precisions_, precisions_cholesky_ : ndarray
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
    lower_bounds_ : list of float, the bound at each iteration of the best fit
    n_features_in_ : int
    """

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3, reg_covar=1e-6, max_iter=100,
                 n_init=1, init_params="kmeans", weights_init=None, means_init=None, precisions_init=None,
                 random_state=None, warm_start=False, verbose=0, verbose_interval=10):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # ---- validation ----------------------------------------------------------------------------

    def _check_params(self):
        check_scalar(self.n_components, "n_components", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0)
        check_scalar(self.reg_covar, "reg_covar", numbers.Real, min_val=0.0)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=0)
        check_scalar(self.n_init, "n_init", numbers.Integral, min_val=1)
        check_scalar(self.verbose_interval, "verbose_interval", numbers.Integral, min_val=1)
        check_scalar(self.verbose, "verbose", (numbers.Integral, bool), min_val=0)
        check_choice(self.covariance_type, "covariance_type", _COV_TYPES)
        check_choice(self.init_params, "init_params", _INIT_PARAMS)
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start must be a bool, got {self.warm_start!r}")

    def _check_inits(self, n_features):
        """The user's initial weights, means and precisions, validated (None where not given)."""
        k, d, ct = self.n_components, n_features, self.covariance_type
        w = m = p = None
        if self.weights_init is not None:
            w = check_array(self.weights_init, dtype=np.float64, ensure_2d=False, input_name="weights_init")
            _check_shape(w, (k,), "weights")
            if np.any(w < 0.0) or np.any(w > 1.0):
                raise ValueError("The parameter 'weights' should be in the range [0, 1], but got max value "
                                 f"{w.max():.5f}, min value {w.min():.5f}")
            if not abs(1.0 - w.sum()) <= 1e-8:
                raise ValueError(f"The parameter 'weights' should be normalized, but got sum(weights) = {w.sum():.5f}")
        if self.means_init is not None:
            m = check_array(self.means_init, dtype=np.float64, ensure_2d=False, input_name="means_init")
            _check_shape(m, (k, d), "means")
        if self.precisions_init is not None:
            p = check_array(self.precisions_init, dtype=np.float64, ensure_2d=False, allow_nd=ct == "full",
                            input_name="precisions_init")
            shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[ct]
            _check_shape(p, shape, f"{ct} precision")
            if ct in ("diag", "spherical"):
                if np.any(p <= 0.0):
                    raise ValueError(f"'{ct} precision' should be positive")
            else:
                for P in p.reshape(-1, d, d):
                    if not (np.allclose(P, P.T) and np.all(np.linalg.eigvalsh(P) > 0.0)):
                        raise ValueError(f"'{ct} precision' should be symmetric, positive-definite")
        return w, m, p

    # ---- fitting --------------------------------------------------------------------------------

    def _init_resp(self, X, rs):
        n, k = X.shape[0], self.n_components
        if self.init_params == "random":
            resp = rs.uniform(size=(n, k))
            return resp / resp.sum(axis=1)[:, None]
        resp = np.zeros((n, k))
        if self.init_params == "kmeans":
            try:
                from ..cluster import KMeans
            except ImportError as e:
                raise ImportError("init_params='kmeans' needs mlc.cluster.KMeans, which this build lacks; "
                                  "use init_params='k-means++' or 'random'.") from e
            labels = KMeans(n_clusters=k, n_init=1, random_state=rs).fit(X).labels_
            resp[np.arange(n), labels] = 1.0
        elif self.init_params == "random_from_data":
            resp[rs.choice(n, size=k, replace=False), np.arange(k)] = 1.0
        else:  # k-means++
            resp[_kmeans_plusplus_indices(X, k, rs), np.arange(k)] = 1.0
        return resp

    def _initial_parameters(self, X, rs, inits):
        """(weights, means, covariances or None, precisions_cholesky) to start EM from."""
        w0, m0, p0 = inits
        code = _COV_TYPES[self.covariance_type]
        w = m = cov = pc = None
        if w0 is None or m0 is None or p0 is None:
            resp = self._init_resp(X, rs)
            w, m, cov, pc = _mlc.gmm_m_step(X, resp, code, float(self.reg_covar), get_num_threads())
            # scikit-learn divides the initial N_k by n_samples, not by their sum: the weights of a
            # start from single rows ('random_from_data', 'k-means++') then sum to k / n. Only the
            # first bound sees it (the first M-step renormalises); kept for equal lower_bounds_.
            w = (resp.sum(axis=0) + 10 * np.finfo(np.float64).eps) / X.shape[0]
        if w0 is not None:
            w = w0.copy()
        if m0 is not None:
            m = m0.copy()
        if p0 is not None:
            pc = _mlc.gmm_precisions_cholesky(p0, self.n_components, X.shape[1], code)
            cov = None
        return w, m, cov, pc

    def fit(self, X, y=None):
        """Fit the mixture by EM (n_init starts, the best lower bound kept). Returns self."""
        self.fit_predict(X, y)
        return self

    def fit_predict(self, X, y=None):
        """Fit as fit() does, then return the component of each row of X (from a final E-step,
        so the labels equal fit(X).predict(X))."""
        self._check_params()
        X = self._validate_data(X, reset=True, dtype=np.float64, ensure_min_samples=2)
        n, d = X.shape
        if n < self.n_components:
            raise ValueError("Expected n_samples >= n_components but got n_components = "
                             f"{self.n_components}, n_samples = {n}")
        inits = self._check_inits(d)
        code = _COV_TYPES[self.covariance_type]
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        rs = check_legacy_random_state(self.random_state)
        best, best_bound, best_bounds, best_iter, best_conv = None, -np.inf, [], 0, False
        for init in range(n_init):
            if self.verbose:
                print(f"Initialization {init}")
            if do_init:
                params = self._initial_parameters(X, rs, inits)
                prev = -np.inf
            else:
                params = (self.weights_, self.means_, self.covariances_, self.precisions_cholesky_)
                prev = float(self.lower_bound_)
            if self.max_iter == 0:
                best, best_iter = params, 0
                continue
            w, m, cov, pc, bounds, n_iter, converged = _mlc.gmm_fit(
                X, params[0], params[1], params[3], code, int(self.max_iter), float(self.tol),
                float(self.reg_covar), prev, get_num_threads())
            bounds = [float(b) for b in bounds]
            self._print_run(bounds, prev, converged)
            if bounds[-1] > best_bound or best_bound == -np.inf:
                best, best_bound, best_bounds = (w, m, cov, pc), bounds[-1], bounds
                best_iter, best_conv = n_iter, converged
        self.converged_ = best_conv
        if not self.converged_ and self.max_iter > 0:
            warnings.warn("Best performing initialization did not converge. Try different init parameters, "
                          "or increase max_iter, tol, or check for degenerate data.", ConvergenceWarning)
        self._set_parameters(best)
        self.n_iter_ = best_iter
        self.lower_bound_ = best_bound
        self.lower_bounds_ = best_bounds
        log_resp, _ = self._e_step(X)
        return log_resp.argmax(axis=1)

    def _print_run(self, bounds, prev, converged):
        if not self.verbose:
            return
        last = prev
        for it, b in enumerate(bounds, 1):
            if it % self.verbose_interval == 0:
                print(f"  Iteration {it}" + (f"\t ll change {b - last:.5f}" if self.verbose >= 2 else ""))
            last = b
        msg = "converged" if converged else "did not converge"
        print(f"Initialization {msg}." + (f"\t lower bound {bounds[-1]:.5f}." if self.verbose >= 2 else ""))

    def _set_parameters(self, params):
        w, m, cov, pc = params
        self.weights_, self.means_, self.precisions_cholesky_ = w, m, pc
        if self.covariance_type in ("full", "tied"):
            self.precisions_ = pc @ np.swapaxes(pc, -1, -2)
        else:
            self.precisions_ = pc ** 2
        if cov is None:  # max_iter=0 from precisions_init: the covariances are their inverses
            cov = np.linalg.inv(self.precisions_) if self.covariance_type in ("full", "tied") else 1.0 / self.precisions_
        self.covariances_ = cov

    # ---- inference ------------------------------------------------------------------------------

    def _e_step(self, X):
        """(log responsibilities (n, k), log p(x) (n,)) under the fitted parameters."""
        return _mlc.gmm_e_step(X, self.weights_, self.means_, self.precisions_cholesky_,
                               _COV_TYPES[self.covariance_type], True, get_num_threads())

    def _checked(self, X):
        check_is_fitted(self)
        return self._validate_data(X, reset=False, dtype=np.float64)

    def score_samples(self, X):
        """Log-likelihood of each row of X under the mixture: log sum_k w_k N(x | k)."""
        return self._e_step(self._checked(X))[1]

    def predict(self, X):
        """The most probable component of each row."""
        return self._e_step(self._checked(X))[0].argmax(axis=1)

    def predict_proba(self, X):
        """Posterior probability of each component for each row, shape (n_samples, n_components)."""
        return np.exp(self._e_step(self._checked(X))[0])

    def _n_parameters(self):
        k, d = self.means_.shape
        cov = {"full": k * d * (d + 1) / 2.0, "diag": k * d, "tied": d * (d + 1) / 2.0,
               "spherical": k}[self.covariance_type]
        return int(cov + d * k + k - 1)

    def bic(self, X):
        """Bayesian information criterion on X (lower is better)."""
        X = self._checked(X)
        return -2 * self.score(X) * X.shape[0] + self._n_parameters() * math.log(X.shape[0])

    def aic(self, X):
        """Akaike information criterion on X (lower is better)."""
        X = self._checked(X)
        return -2 * self.score(X) * X.shape[0] + 2 * self._n_parameters()

    def sample(self, n_samples=1):
        """Draw n_samples rows from the fitted mixture. Returns (X (n_samples, n_features),
        y (n_samples,) component labels), grouped by component as scikit-learn's are."""
        check_is_fitted(self)
        if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ValueError(f"Invalid value for 'n_samples': {n_samples}. The sampling requires at least "
                             "one sample.")
        d = self.means_.shape[1]
        rng = check_legacy_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        ct = self.covariance_type
        if ct == "full":
            parts = [rng.multivariate_normal(mu, c, int(s)) for mu, c, s in zip(self.means_, self.covariances_, counts)]
        elif ct == "tied":
            parts = [rng.multivariate_normal(mu, self.covariances_, int(s)) for mu, s in zip(self.means_, counts)]
        else:
            parts = [mu + rng.standard_normal(size=(s, d)) * np.sqrt(c)
                     for mu, c, s in zip(self.means_, self.covariances_, counts)]
        y = np.concatenate([np.full(int(s), i, dtype=np.int64) for i, s in enumerate(counts)])
        return np.vstack(parts), y

