"""Least squares: LinearRegression, Ridge, Lasso and ElasticNet, with their solvers in C
(csrc/linear/least_squares.c).

- ``LinearRegression``: with n_samples >= n_features, the normal equations from the centred
  Gram matrix (one pass over X, as Ridge) solved by Cholesky when X is well-conditioned (the
  eigenvalues of the Gram matrix decide: s_min > 1e-4 s_max and above 2 tol s_max); otherwise
  (rank-deficient, ill-conditioned, n_samples < n_features) minimum-norm least squares by the
  SVD (LAPACK xGESDD), which is what scikit-learn's scipy.linalg.lstsq (xGELSD) computes. Both
  give scikit-learn's answer. ``rank_`` and ``singular_values_`` are those of the centred (and
  sqrt(sample_weight)-scaled) X.
  ``positive=True``: non-negative least squares by Lawson-Hanson's active set method (what
  scikit-learn's scipy.optimize.nnls runs) on the Gram matrix, the solution on the final active
  set refined against X (iterative refinement: a least squares solve's accuracy).
- ``Ridge``: Cholesky on the normal equations (primal when n_samples >= n_features, from the
  centred Gram matrix accumulated block by block without a centred copy of X; dual otherwise;
  singular systems fall back to the SVD) or the SVD. ``solver='auto'`` is Cholesky;
  'lsqr', 'sparse_cg', 'sag', 'saga' are accepted and served by Cholesky (the same optimum:
  these are iterative solvers of the same problem on dense data). ``positive=True`` (scikit-learn's
  'lbfgs') is solved by mlc's coordinate descent on the same objective.
- ``Lasso`` / ``ElasticNet``: cyclic or random coordinate descent (Friedman, Hastie & Tibshirani
  2010) on scikit-learn's objective
  ``1/(2 n) ||y - X w||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2``
  with scikit-learn's duality-gap stopping rule (gap <= tol ||y||^2) and gap safe screening, plus
  glmnet's active-set epochs. On the centred Gram matrix (same iterates and stopping rule, a
  coordinate costs O(n_features); ``precompute=True``, or 'auto' when n_samples >= 4 n_features,
  or the user's Gram matrix as an array) or on the residual with X transposed
  (``precompute=False``, or 'auto' otherwise). The Gram matrix comes from one pass over X in
  blocks (no centred copy of X). The random selection uses mlc's generator, so its path differs
  from scikit-learn's (the optimum does not).

Sparse input (scipy.sparse CSR/CSC, any other format converted to CSR) is never densified; with an
intercept, X is centred implicitly (the centred matrix is never formed), as scikit-learn does:

- ``Lasso`` / ``ElasticNet``: coordinate descent over the CSC columns (scikit-learn's
  sparse_enet_coordinate_descent, csrc/linear/least_squares_cd.c): the same iterates, stopping
  rule and optimum as on the dense copy, O(nnz of the column) per coordinate whatever the
  centring. ``precompute`` is ignored on sparse input (as in scikit-learn).
- ``Ridge``: conjugate gradients on the implicitly centred X (csrc/linear/least_squares.c), with
  ``n_iter_`` the iterations per target. 'auto' and 'sparse_cg' solve scikit-learn's sparse_cg system
  (the normal equations, or the dual (X X^T + alpha I) a = y when n_features > n_samples) to its
  stopping rule (residual <= tol times the right-hand side's norm), so the answer is as far from the
  exact one as scikit-learn's (about tol relative); the iteration is preconditioned by the system's
  diagonal (Jacobi), which on text-like data takes several times fewer iterations than
  scikit-learn's plain CG, so ``coef_`` differs from scikit-learn's sparse_cg answer at that tol
  level. 'lsqr', 'sag' (and 'cholesky' / 'saga' without an intercept, as scikit-learn allows) run
  the primal system to 1e-4 tol: the dense solvers' optimum. 'svd' raises as in scikit-learn;
  ``positive=True`` runs the sparse coordinate descent.
- ``LinearRegression``: plain conjugate gradients on the normal equations from zero (the
  minimum-norm least squares solution), the iterates of scikit-learn's lsqr in exact arithmetic,
  stopped by LSQR's tests with atol = btol = tol as scikit-learn's are; ``rank_`` and
  ``singular_values_`` are not set (as in scikit-learn); ``positive=True`` raises TypeError.

Every solver works in float64: float32 input is converted (coef_ is float64). ``copy_X`` has no
effect (X is never modified). ``precompute`` defaults to 'auto' (scikit-learn's default is False):
the choice changes the speed, not the optimum.
"""
import warnings

import numpy as np

from .. import _mlc
from .._math import linear_scores
from .._threads import get_num_threads
from .._validation import (_is_sparse, assert_all_finite, check_choice, check_is_fitted, check_sample_weight,
                           csr_parts, is_int, is_real, seed_from_random_state)
from ..base import BaseEstimator, RegressorMixin
from ..exceptions import ConvergenceWarning

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet"]

# Elastic net on the Gram matrix when n_samples >= _GRAM_RATIO * n_features (and the Gram matrix
# is small): forming it is one xSYRK, after which an epoch costs O(d^2) instead of O(n d).
_GRAM_RATIO = 4
_GRAM_MAX_FEATURES = 4096

_RIDGE_SOLVERS = ("auto", "cholesky", "svd", "lsqr", "sparse_cg", "sag", "saga", "lbfgs")


def _check_real(value, name, low=None, high=None):
    if not is_real(value):
        raise TypeError(f"The '{name}' parameter must be a real number, got {value!r}.")
    if not np.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        rng = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"The '{name}' parameter must be a finite number in {rng}, got {value!r}.")


def _check_max_iter(value, allow_none=False):
    if value is None and allow_none:
        return
    if not is_int(value):
        raise TypeError(f"The 'max_iter' parameter must be an int, got {value!r}.")
    if value < 1:
        raise ValueError(f"The 'max_iter' parameter must be >= 1, got {value!r}.")


class _LinearModel(RegressorMixin, BaseEstimator):
    """Shared: validation, centring (C), intercept, predict."""

    def _validate(self, X, y, sample_weight, normalize_weights=False, finite_X=True, accept_sparse=False):
        """finite_X=False defers X's NaN/infinity check to the caller (_gram or assert_all_finite).
        accept_sparse: a scipy.sparse X comes back in that format (checked finite), float64."""
        X, y = self._validate_data(X, y, reset=True, multi_output=True, y_numeric=True,
                                   ensure_all_finite=finite_X or _is_sparse(X), accept_sparse=accept_sparse)
        y = np.asarray(y, dtype=np.float64)
        X = X.astype(np.float64, copy=False) if _is_sparse(X) else np.ascontiguousarray(X, dtype=np.float64)
        sw = check_sample_weight(sample_weight, X.shape[0], ensure_non_negative=True)
        if sw is not None and normalize_weights:
            sw = sw * (X.shape[0] / sw.sum())
        return X, np.ascontiguousarray(y.reshape(len(y), -1)), sw, y.ndim

    def _gram(self, X, Y, sw):
        """The centred Gram matrix (one pass over X, _mlc.lsq_gram) and X's finiteness check in
        the same pass: NaN or infinity in X reaches G's diagonal."""
        G, XtY, yy, x_off, y_off = _mlc.lsq_gram(X, Y, sw, bool(self.fit_intercept), get_num_threads())
        if not np.all(np.isfinite(np.diagonal(G))):
            assert_all_finite(X, "X")
        return G, XtY, yy, x_off, y_off

    def _prepare(self, X, y, sample_weight, transpose=False, normalize_weights=False):
        X, Y, sw, y_ndim = self._validate(X, y, sample_weight, normalize_weights)
        Xc, Yc, x_off, y_off = _mlc.lsq_center(X, Y, sw, bool(self.fit_intercept), transpose,
                                               get_num_threads())
        return Xc, Yc, x_off, y_off, y_ndim

    def _sparse_center(self, X, Y, sw):
        """The implicit centring of a sparse X (which stays as it is): its weighted column means
        X_offset (zeros without an intercept), s = sqrt(sample_weight) or None, the centred and
        s-scaled targets Yc (N, T), y_offset."""
        n, d = X.shape
        if self.fit_intercept:
            w = np.ones(n) if sw is None else sw
            W = w.sum()
            if not W > 0:
                raise ValueError("sample_weight must have a positive sum")
            x_off = np.asarray(X.T @ w, dtype=np.float64).ravel() / W
            y_off = w @ Y / W
        else:
            x_off, y_off = np.zeros(d), np.zeros(Y.shape[1])
        s = None if sw is None else np.sqrt(sw)
        Yc = Y - y_off
        if s is not None:
            Yc *= s[:, None]
        return x_off, y_off, s, np.ascontiguousarray(Yc)

    def _ridge_sparse(self, X, Y, sw, alphas, max_iter, tol, dual=False, lsqr_rule=False):
        """Conjugate gradients on the implicitly centred CSR X (csrc/linear/least_squares.c), on the dual
        system with dual, stopping by LSQR's tests with lsqr_rule: (coef, x_off, y_off, n_iter, converged)."""
        x_off, y_off, s, Yc = self._sparse_center(X, Y, sw)
        data, indices, indptr, d = csr_parts(X.tocsr())
        coef, n_iter, ok = _mlc.lsq_ridge_csr(data, indices, indptr, d, x_off, s, Yc, alphas, max_iter, tol,
                                              get_num_threads(), dual, lsqr_rule)
        return coef, x_off, y_off, n_iter, ok

    def _csc_problem(self, X, Y, sw):
        """Coordinate descent's view of a sparse X: the leading arguments of _mlc.cd_enet_csc (the CSC
        arrays of sqrt(sw) X, n_samples, X_offset, s), the centred targets Yc, X_offset, y_offset."""
        x_off, y_off, s, Yc = self._sparse_center(X, Y, sw)
        Z = X.tocsc() if s is None else X.tocsr().multiply(s[:, None]).tocsc()
        Z.sort_indices()
        head = (Z.data, Z.indices.astype(np.int32, copy=False), Z.indptr.astype(np.int64, copy=False), X.shape[0],
                x_off, s)
        return head, Yc, x_off, y_off

    def _finish(self, coef, x_off, y_off, y_ndim, squeeze_single=False):
        """coef (T, D) -> coef_ of scikit-learn's shape, intercept_ = y_offset - X_offset coef^T
        (0.0 without an intercept, a float for 1-D y, else one per target)."""
        self.coef_ = coef[0] if y_ndim == 1 or (squeeze_single and coef.shape[0] == 1) else coef
        if not self.fit_intercept:
            self.intercept_ = 0.0
        else:
            intercept = y_off - coef @ x_off
            self.intercept_ = float(intercept[0]) if y_ndim == 1 else intercept
        return self

    def predict(self, X):
        """Predict with the fitted linear model: X coef_^T + intercept_."""
        check_is_fitted(self)
        X = self._validate_data(X, reset=False, accept_sparse=["csr", "csc"])
        return linear_scores(X, self.coef_, self.intercept_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


class LinearRegression(_LinearModel):
    """Ordinary least squares: min_w ||y - X w - b||^2 (weighted by sample_weight).

    Parameters: fit_intercept, copy_X (no effect), tol (singular values below tol * s_max count
    as zero, scipy.linalg.lstsq's ``cond``, as in scikit-learn >= 1.9; on sparse X, LSQR's atol and
    btol, as in scikit-learn), n_jobs (ignored),
    positive (coef_ >= 0: non-negative least squares by Lawson-Hanson, as scipy.optimize.nnls,
    on the Gram matrix, the final active set refined against X; tol is then unused).
    Attributes: coef_ ((n_features,) or (n_targets, n_features)), intercept_, rank_ and
    singular_values_ (also as scikit-learn's singular_; not set with positive=True, as in
    scikit-learn), n_features_in_.
    """

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None, positive=False):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive

    def fit(self, X, y, sample_weight=None):
        """Fit by Cholesky on the normal equations when X is well-conditioned, else by the
        minimum-norm SVD solution (Lawson-Hanson with positive=True); returns self."""
        _check_real(self.tol, "tol", 0.0)
        if _is_sparse(X):
            if self.positive:
                raise TypeError("Sparse data was passed for X, but dense data is required with "
                                "positive=True. Use '.toarray()' to convert to a dense numpy array.")
            X, Y, sw, y_ndim = self._validate(X, y, sample_weight, accept_sparse=["csr", "csc"])
            # scikit-learn's lsqr with atol = btol = tol: the same iterates and stopping tests
            coef, x_off, y_off, _, _ = self._ridge_sparse(X, Y, sw, np.zeros(Y.shape[1]), 10 * min(X.shape) + 100,
                                                          float(self.tol), lsqr_rule=True)
            for name in ("rank_", "singular_values_", "singular_"):
                self.__dict__.pop(name, None)
            return self._finish(coef, x_off, y_off, y_ndim)
        if self.positive:
            Xc, Yc, x_off, y_off, y_ndim = self._prepare(X, y, sample_weight)
            # Lawson-Hanson, as scipy.optimize.nnls; its cap of 3 n_features iterations, with room
            coef, _, converged = _mlc.lsq_nnls(Xc, Yc, 3 * Xc.shape[1] + 100)
            if not converged:
                warnings.warn("Non-negative least squares did not converge (iteration limit); "
                              "coef_ is the last feasible iterate.", ConvergenceWarning, stacklevel=2)
            return self._finish(coef, x_off, y_off, y_ndim)
        X, Y, sw, y_ndim = self._validate(X, y, sample_weight, finite_X=False)
        n, d = X.shape
        if n >= d:
            # Cholesky on the normal equations from the centred Gram matrix; None: ill-conditioned
            G, XtY, _, x_off, y_off = self._gram(X, Y, sw)
            fast = _mlc.lsq_lstsq_gram(G, XtY, float(self.tol))
            if fast is not None:
                return self._set_lstsq(*fast, d, x_off, y_off, y_ndim)
        else:
            assert_all_finite(X, "X")
        Xc, Yc, x_off, y_off = _mlc.lsq_center(X, Y, sw, bool(self.fit_intercept), False, get_num_threads())
        return self._set_lstsq(*_mlc.lsq_lstsq(Xc, Yc, float(self.tol)), x_off, y_off, y_ndim)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = not self.positive
        return tags

    def _set_lstsq(self, coef, s, rank, x_off, y_off, y_ndim):
        self.rank_ = int(rank)
        self.singular_values_ = s
        self.singular_ = s  # scikit-learn's name
        return self._finish(coef, x_off, y_off, y_ndim)


class Ridge(_LinearModel):
    """Ridge regression: min_w ||y - X w - b||^2 + alpha ||w||^2 (weighted by sample_weight).

    alpha: a number >= 0 or one per target. solver: 'auto' (= 'cholesky'), 'cholesky', 'svd';
    'lsqr', 'sparse_cg', 'sag', 'saga' are served by 'cholesky' (same optimum); 'lbfgs' needs
    positive=True, which is solved by coordinate descent (max_iter, tol apply; n_iter_ is set).
    Attributes: coef_, intercept_, n_iter_ (None for the direct solvers), n_features_in_.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None, tol=1e-4,
                 solver="auto", positive=False, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def _alphas(self, n_targets):
        a = self.alpha
        if is_real(a):
            _check_real(a, "alpha", 0.0)
            return np.full(n_targets, float(a))
        a = np.asarray(a, dtype=np.float64).ravel()
        if not np.all(np.isfinite(a)) or np.any(a < 0):
            raise ValueError(f"The 'alpha' parameter must hold finite numbers >= 0, got {self.alpha!r}.")
        if a.size == 1:
            return np.full(n_targets, a[0])
        if a.size != n_targets:
            raise ValueError(f"Number of targets and number of penalties do not correspond: "
                             f"{n_targets} != {a.size}")
        return a

    def fit(self, X, y, sample_weight=None):
        """Fit by Cholesky or SVD (coordinate descent with positive=True); returns self."""
        check_choice(self.solver, "The 'solver' parameter", _RIDGE_SOLVERS)
        _check_max_iter(self.max_iter, allow_none=True)
        _check_real(self.tol, "tol", 0.0)
        if self.solver == "lbfgs" and not self.positive:
            raise ValueError("'lbfgs' solver can be used only when positive=True. "
                             "Please use another solver.")
        if self.positive and self.solver not in ("auto", "lbfgs"):
            raise ValueError(f"solver='{self.solver}' does not support positive fitting. Please "
                             "set the solver to 'auto' or 'lbfgs', or set `positive=False`")
        if _is_sparse(X):
            return self._fit_sparse(X, y, sample_weight)
        X, Y, sw, y_ndim = self._validate(X, y, sample_weight, finite_X=False)
        alphas = self._alphas(Y.shape[1])
        n, d = X.shape
        if not self.positive and self.solver != "svd" and n >= d:
            # the normal equations from the centred Gram matrix, without a centred copy of X
            G, XtY, _, x_off, y_off = self._gram(X, Y, sw)
            coef = _mlc.lsq_ridge_gram(G, XtY, alphas)
            if coef is not None:
                self.n_iter_ = None
                return self._finish(coef, x_off, y_off, y_ndim, squeeze_single=True)
        else:
            assert_all_finite(X, "X")
        Xc, Yc, x_off, y_off = _mlc.lsq_center(X, Y, sw, bool(self.fit_intercept), bool(self.positive),
                                               get_num_threads())
        if self.positive:
            max_iter = 15000 if self.max_iter is None else self.max_iter
            coef = np.zeros((Yc.shape[1], Xc.shape[0]))
            self.n_iter_ = []
            for k in range(Yc.shape[1]):
                # ||y - Xw||^2 + alpha ||w||^2 = 2 (1/2 ||y - Xw||^2 + alpha/2 ||w||^2): l2_reg = alpha
                w, _, it, _ = _mlc.cd_enet(Xc, np.ascontiguousarray(Yc[:, k]), coef[k], 0.0,
                                           float(alphas[k]), max_iter, min(float(self.tol), 1e-8),
                                           True, False, 0)
                coef[k] = w
                self.n_iter_.append(it)
            self.n_iter_ = np.asarray(self.n_iter_, dtype=np.int32)
        else:
            solver = _mlc.RIDGE_SVD if self.solver == "svd" else _mlc.RIDGE_CHOLESKY
            coef = _mlc.lsq_ridge(Xc, Yc, alphas, solver)
            self.n_iter_ = None
        return self._finish(coef, x_off, y_off, y_ndim, squeeze_single=True)


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.solver != "svd" and (self.solver not in ("cholesky", "saga")
                                                           or not self.fit_intercept)
        return tags

    def _fit_sparse(self, X, y, sample_weight):
        """scikit-learn's solver rules on sparse input; conjugate gradients (coordinate descent with
        positive=True)."""
        if self.solver in ("svd", "cholesky", "saga") and self.fit_intercept:
            raise ValueError(f"solver='{self.solver}' does not support fitting the intercept on sparse data. "
                             "Please set the solver to 'auto' or 'lsqr', 'sparse_cg', 'sag', 'lbfgs' or set "
                             "`fit_intercept=False`")
        if self.solver == "svd":
            raise TypeError("SVD solver does not support sparse inputs currently")
        X, Y, sw, y_ndim = self._validate(X, y, sample_weight, accept_sparse=["csr", "csc"])
        alphas = self._alphas(Y.shape[1])
        t, d = Y.shape[1], X.shape[1]
        if self.positive:
            max_iter = 15000 if self.max_iter is None else self.max_iter
            # as on dense input: ||y - Xw||^2 + alpha ||w||^2 is twice the l2_reg = alpha problem
            head, Yc, x_off, y_off = self._csc_problem(X, Y, sw)
            coef, n_iter = np.zeros((t, d)), []
            for k in range(t):
                coef[k], _, it, _ = _mlc.cd_enet_csc(*head, np.ascontiguousarray(Yc[:, k]), coef[k], 0.0,
                                                     float(alphas[k]), max_iter, min(float(self.tol), 1e-8),
                                                     True, False, 0)
                n_iter.append(it)
            self.n_iter_ = np.asarray(n_iter, dtype=np.int32)
        else:
            max_iter = 10 * (min(X.shape) + 10) if self.max_iter is None else self.max_iter
            if self.solver in ("auto", "sparse_cg"):  # scikit-learn's sparse_cg: its system, its stopping rule
                tol, dual = float(self.tol), d > X.shape[0]
            else:
                tol, dual = 1e-4 * float(self.tol), False
            coef, x_off, y_off, n_iter, ok = self._ridge_sparse(X, Y, sw, alphas, max_iter, tol, dual)
            if not ok:
                warnings.warn(f"sparse_cg did not converge after {max_iter} iterations.", ConvergenceWarning,
                              stacklevel=2)
            self.n_iter_ = n_iter.astype(np.int32)
        return self._finish(coef, x_off, y_off, y_ndim, squeeze_single=True)


class ElasticNet(_LinearModel):
    """Elastic net by coordinate descent, scikit-learn's objective:

        1/(2 n) ||y - X w - b||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2

    (with sample_weight: the weighted mean of the squared errors). Stops when the duality gap is
    <= tol ||y||^2 (y centred), or after max_iter epochs with a ConvergenceWarning.
    precompute: 'auto' (default; scikit-learn's is False) runs on the Gram matrix when
    n_samples >= 4 n_features, True always, False never; an array is taken as the Gram matrix
    X^T X of the centred, weighted X (scikit-learn's rules: recomputed with a UserWarning when X
    needs centring, one entry checked otherwise). Only the speed depends on it.
    Attributes: coef_, intercept_, n_iter_, dual_gap_, n_features_in_.
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute="auto",
                 max_iter=1000, copy_X=True, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit by coordinate descent; returns self."""
        _check_real(self.alpha, "alpha", 0.0)
        _check_real(self.l1_ratio, "l1_ratio", 0.0, 1.0)
        _check_max_iter(self.max_iter)
        _check_real(self.tol, "tol", 0.0)
        check_choice(self.selection, "The 'selection' parameter", ("cyclic", "random"))
        pre = self.precompute
        user_gram = not isinstance(pre, (str, bool, np.bool_)) and hasattr(pre, "__array__")
        if not user_gram and not isinstance(pre, (bool, np.bool_)) and pre != "auto":
            raise ValueError("The 'precompute' parameter must be 'auto', a bool or an array of "
                             f"shape (n_features, n_features), got {pre!r}.")
        if self.alpha == 0:
            warnings.warn("With alpha=0, this algorithm does not converge well. You are advised "
                          "to use the LinearRegression estimator", stacklevel=2)
        sparse = _is_sparse(X)
        X, Y, sw, y_ndim = self._validate(X, y, sample_weight, normalize_weights=True, finite_X=False,
                                          accept_sparse=["csc", "csr"])
        n, d = X.shape
        t = Y.shape[1]
        # n >> d: coordinate descent on the Gram matrix (O(d) a coordinate; same iterates and
        # stopping rule), else on the residual with X transposed (each feature contiguous); a
        # sparse X over its CSC columns (precompute ignored, as in scikit-learn)
        if sparse:
            gram = user_gram = False
        elif isinstance(pre, str):
            gram = n >= _GRAM_RATIO * d and d <= _GRAM_MAX_FEATURES
        else:
            gram = user_gram or bool(pre)
        if (not gram or user_gram) and not sparse:
            assert_all_finite(X, "X")
        G = self._user_gram(X, Y, sw) if user_gram else None
        if G is not None:
            G, XtY, yy, x_off, y_off = G
        elif gram:
            G, XtY, yy, x_off, y_off = self._gram(X, Y, sw)
        elif sparse:
            head, Yc, x_off, y_off = self._csc_problem(X, Y, sw)
            yy = np.einsum("ik,ik->k", Yc, Yc)
        else:
            XT, Yc, x_off, y_off = _mlc.lsq_center(X, Y, sw, bool(self.fit_intercept), True,
                                                   get_num_threads())
            yy = np.einsum("ik,ik->k", Yc, Yc)
        l1_reg = self.alpha * self.l1_ratio * n
        l2_reg = self.alpha * (1.0 - self.l1_ratio) * n
        coef = np.zeros((t, d))
        if self.warm_start and hasattr(self, "coef_"):
            prev = np.asarray(self.coef_, dtype=np.float64).reshape(-1, d)
            if prev.shape == coef.shape:
                coef[:] = prev
        random = self.selection == "random"
        seed = seed_from_random_state(self.random_state) if random else 0
        gaps = np.zeros(t)
        n_iter = []
        for k in range(t):
            args = (l1_reg, l2_reg, self.max_iter, float(self.tol), bool(self.positive), random, seed)
            if gram:
                w, gap, it, ok = _mlc.cd_enet_gram(G, XtY[k], float(yy[k]), coef[k], *args)
            elif sparse:
                w, gap, it, ok = _mlc.cd_enet_csc(*head, np.ascontiguousarray(Yc[:, k]), coef[k], *args)
            else:
                w, gap, it, ok = _mlc.cd_enet(XT, np.ascontiguousarray(Yc[:, k]), coef[k], *args)
            coef[k] = w
            gaps[k] = gap / n
            n_iter.append(int(it))
            if not ok:
                warnings.warn(
                    "Objective did not converge. You might want to increase the number of "
                    "iterations, check the scale of the features or consider increasing "
                    f"regularisation. Duality gap: {gap:.3e}, tolerance: "
                    f"{self.tol * float(yy[k]):.3e}", ConvergenceWarning, stacklevel=2)
        if t == 1:
            self.n_iter_ = n_iter[0]
            self.dual_gap_ = float(gaps[0])
        else:
            self.n_iter_ = n_iter
            self.dual_gap_ = gaps
        return self._finish(coef, x_off, y_off, y_ndim, squeeze_single=True)


    def _user_gram(self, X, Y, sw):
        """precompute as an array: scikit-learn's rules. It must be X^T X of the data the solver
        sees (centred, sqrt(sample_weight)-scaled with weights summing to n_samples); with an
        intercept on X whose mean is not 0 it is recomputed (UserWarning), else one entry is
        checked. Returns (G, XtY, yy, X_offset, y_offset), or None to recompute."""
        n, d = X.shape
        G = np.asarray(self.precompute)
        if G.shape != (d, d):
            raise ValueError(f"The 'precompute' Gram matrix must have shape ({d}, {d}), got {G.shape}.")
        G = np.ascontiguousarray(G, dtype=np.float64)
        if not np.all(np.isfinite(G)):
            raise ValueError("The 'precompute' Gram matrix contains NaN or infinity.")
        x_off = np.average(X, axis=0, weights=sw) if self.fit_intercept else np.zeros(d)
        y_off = np.average(Y, axis=0, weights=sw) if self.fit_intercept else np.zeros(Y.shape[1])
        if self.fit_intercept and not np.allclose(x_off, 0):
            warnings.warn("Gram matrix was provided but X was centered to fit intercept: "
                          "recomputing Gram matrix.", UserWarning, stacklevel=3)
            return None
        r = np.ones(n) if sw is None else np.sqrt(sw)
        Xs = (X - x_off) * r[:, None]
        f1 = d // 2
        f2 = min(f1 + 1, d - 1)
        expected = Xs[:, f1] @ Xs[:, f2]
        if not np.isclose(expected, G[f1, f2], rtol=1e-7, atol=1e-5):
            raise ValueError("Gram matrix passed in via 'precompute' parameter did not pass "
                             f"validation when a single element was checked - please check that "
                             f"it was computed properly. For element ({f1},{f2}) we computed "
                             f"{expected} but the user-supplied value was {G[f1, f2]}.")
        Ys = (Y - y_off) * r[:, None]
        return G, linear_scores(Ys.T, Xs.T), np.einsum("ik,ik->k", Ys, Ys), x_off, y_off


class Lasso(ElasticNet):
    """Lasso: ElasticNet with l1_ratio=1, i.e. 1/(2 n) ||y - X w - b||^2 + alpha ||w||_1."""

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute="auto", copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, positive=False, random_state=None,
                 selection="cyclic"):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
                         precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
                         warm_start=warm_start, positive=positive, random_state=random_state,
                         selection=selection)
