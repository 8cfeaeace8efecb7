"""LinearRegression, Ridge, Lasso and ElasticNet on scipy.sparse input, never densified: coordinate
descent over CSC columns and conjugate gradients, both centring X implicitly (csrc/linear/least_squares_cd.c,
least_squares.c).

Tolerances: Lasso / ElasticNet against mlc on the dense copy within 1e-8 relative (the same iterates
to rounding) and against scikit-learn's sparse fit within 1e-5 relative (both stop on the duality gap
at tol = 1e-8); Ridge / LinearRegression (conjugate gradients) at a tight tol against the dense copy's
direct solve within 1e-6 relative, and against scikit-learn's dense solve; Ridge's sparse_cg at
scikit-learn's tol (its stopping rule: the CG residual below tol times the right-hand side's norm)
within 10 tol of the exact solution (scikit-learn's own sparse_cg is up to ~8 tol away) and 20 tol of
scikit-learn's sparse_cg answer (relative to max |coef|).
"""
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as skl
from sklearn.datasets import load_diabetes

from mlc.linear_model import ElasticNet, Lasso, LinearRegression, Ridge


def _diabetes():
    """diabetes with half of each feature's values set to 0, shifted so that the means are far from 0
    (the implicit centring matters)."""
    X, y = load_diabetes(return_X_y=True)
    X = X - X.min(axis=0)
    X[X < np.median(X, axis=0)] = 0.0
    return X, y


def _tfidf_like(n=300, d=500, density=0.02, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed, data_rvs=rng.random)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = (sp.diags(1.0 / np.maximum(norms, 1e-12)) @ X).tocsr()
    y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
    return X, y


def _close(a, b, rtol):
    scale = max(np.abs(b).max(), 1.0)
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale)


CASES = [(Lasso, skl.Lasso, dict(alpha=0.1)), (ElasticNet, skl.ElasticNet, dict(alpha=0.01, l1_ratio=0.5))]


@pytest.mark.parametrize("est,ref,kw", CASES)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_enet_sparse_equals_dense_and_sklearn(est, ref, kw, fmt, fit_intercept, weighted):
    X, y = _diabetes()
    sw = np.random.default_rng(0).random(len(y)) + 0.5 if weighted else None
    kw = dict(kw, fit_intercept=fit_intercept, tol=1e-8, max_iter=100_000)
    a = est(**kw).fit(sp.csr_matrix(X).asformat(fmt), y, sample_weight=sw)
    b = est(**kw, precompute=False).fit(X, y, sample_weight=sw)
    c = ref(**kw).fit(sp.csr_matrix(X), y, sample_weight=sw)
    _close(a.coef_, b.coef_, 1e-8)
    _close(a.intercept_, b.intercept_, 1e-8)
    assert a.n_iter_ == b.n_iter_
    _close(a.coef_, c.coef_, 1e-5)
    _close(a.intercept_, c.intercept_, 1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lasso_tfidf_like(dtype):
    X, y = _tfidf_like()
    X = X.astype(dtype)
    a = Lasso(alpha=1e-3, tol=1e-8, max_iter=100_000).fit(X, y)
    b = Lasso(alpha=1e-3, tol=1e-8, max_iter=100_000, precompute=False).fit(X.toarray(), y)
    c = skl.Lasso(alpha=1e-3, tol=1e-8, max_iter=100_000).fit(X.astype(np.float64), y)
    assert a.coef_.dtype == np.float64
    _close(a.coef_, b.coef_, 1e-8)
    _close(a.coef_, c.coef_, 1e-5)
    _close(a.intercept_, c.intercept_, 1e-5)
    np.testing.assert_allclose(a.predict(X), b.predict(X.toarray()), rtol=1e-8, atol=1e-8)


def test_enet_sparse_warm_start_positive_random():
    X, y = _diabetes()
    Xs = sp.csc_matrix(X)
    kw = dict(alpha=0.05, positive=True, selection="random", random_state=0, tol=1e-10, max_iter=100_000)
    a = ElasticNet(**kw).fit(Xs, y)
    b = skl.ElasticNet(**kw).fit(Xs, y)
    assert np.all(a.coef_ >= 0)
    _close(a.coef_, b.coef_, 1e-5)
    warm = ElasticNet(**kw, warm_start=True).fit(Xs, y)
    warm.set_params(alpha=0.04).fit(Xs, y)
    _close(warm.coef_, ElasticNet(**dict(kw, alpha=0.04)).fit(Xs, y).coef_, 1e-6)


@pytest.mark.parametrize("solver", ["auto", "sparse_cg", "lsqr", "sag"])
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_sparse_equals_dense(solver, fmt, fit_intercept, weighted):
    X, y = _diabetes()
    Y = np.column_stack([y, np.sqrt(y)])
    sw = np.random.default_rng(1).random(len(y)) + 0.5 if weighted else None
    kw = dict(alpha=[1.0, 0.1], fit_intercept=fit_intercept, solver=solver)
    # 'auto' / 'sparse_cg' stop at scikit-learn's rule (residual <= tol ||b||): a tight tol for the exact answer
    a = Ridge(**kw, tol=1e-10).fit(sp.csr_matrix(X).asformat(fmt), Y, sample_weight=sw)
    b = Ridge(**dict(kw, solver="cholesky")).fit(X, Y, sample_weight=sw)
    c = skl.Ridge(**dict(kw, solver="cholesky")).fit(X, Y, sample_weight=sw)
    _close(a.coef_, b.coef_, 1e-6)
    _close(a.intercept_, b.intercept_, 1e-6)
    _close(a.coef_, c.coef_, 1e-6)
    assert a.n_iter_.shape == (2,)


def test_ridge_sparse_positive_and_tfidf():
    X, y = _diabetes()
    a = Ridge(alpha=1.0, positive=True, solver="lbfgs").fit(sp.csr_matrix(X), y)
    b = Ridge(alpha=1.0, positive=True, solver="lbfgs").fit(X, y)
    _close(a.coef_, b.coef_, 1e-8)
    X, y = _tfidf_like(n=200, d=400)   # n < d
    for dtype in (np.float32, np.float64):
        a = Ridge(alpha=0.5, tol=1e-10).fit(X.astype(dtype), y)
        c = skl.Ridge(alpha=0.5, solver="cholesky").fit(X.toarray(), y)
        _close(a.coef_, c.coef_, 1e-6)
        _close(a.intercept_, c.intercept_, 1e-6)


@pytest.mark.parametrize("shape", [(2000, 300), (200, 400)])  # primal, and dual (n_features > n_samples)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("tol", [1e-3, 1e-4])
def test_ridge_sparse_cg_stops_as_sklearn(shape, fit_intercept, weighted, tol):
    X, y = _tfidf_like(*shape, density=0.05)
    sw = np.random.default_rng(2).random(shape[0]) + 0.5 if weighted else None
    kw = dict(alpha=0.5, fit_intercept=fit_intercept)
    a = Ridge(**kw, tol=tol).fit(X, y, sample_weight=sw)
    b = skl.Ridge(**kw, tol=tol, solver="sparse_cg").fit(X, y, sample_weight=sw)
    exact = skl.Ridge(**kw, solver="cholesky").fit(X.toarray(), y, sample_weight=sw)
    _close(a.coef_, exact.coef_, 10 * tol)
    _close(a.coef_, b.coef_, 20 * tol)
    _close(a.intercept_, exact.intercept_, 10 * tol)
    assert a.n_iter_[0] >= 1
    X, y = _diabetes()  # few dense-like columns with far-from-zero means
    a = Ridge(**kw, tol=tol).fit(sp.csr_matrix(X), y)
    _close(a.coef_, skl.Ridge(**kw, solver="cholesky").fit(X, y).coef_, 10 * tol)
    _close(a.coef_, skl.Ridge(**kw, tol=tol, solver="sparse_cg").fit(sp.csr_matrix(X), y).coef_, 20 * tol)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_sparse(fit_intercept):
    # sparse X stops by LSQR's tests at tol (as scikit-learn's lsqr): a tight tol for the exact answer
    X, y = _diabetes()
    a = LinearRegression(fit_intercept=fit_intercept, tol=1e-12).fit(sp.csr_matrix(X), y)
    b = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    _close(a.coef_, b.coef_, 1e-6)
    _close(a.intercept_, b.intercept_, 1e-6)
    assert not hasattr(a, "rank_")
    # rank-deficient (n < d): the minimum-norm solution, as scikit-learn's lsqr
    X, y = _tfidf_like(n=80, d=200)
    a = LinearRegression(fit_intercept=fit_intercept, tol=1e-12).fit(X, y)
    b = LinearRegression(fit_intercept=fit_intercept).fit(X.toarray(), y)
    _close(a.coef_, b.coef_, 1e-6)


@pytest.mark.parametrize("shape", [(2000, 300), (80, 200)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("tol", [1e-4, 1e-6])
def test_linear_regression_sparse_stops_as_lsqr(shape, fit_intercept, tol):
    X, y = _tfidf_like(*shape, density=0.05)
    a = LinearRegression(fit_intercept=fit_intercept, tol=tol).fit(X, y)
    b = skl.LinearRegression(fit_intercept=fit_intercept, tol=tol).fit(X, y)
    exact = LinearRegression(fit_intercept=fit_intercept).fit(X.toarray(), y)
    err_b = np.abs(b.coef_ - exact.coef_).max()
    assert np.abs(a.coef_ - exact.coef_).max() <= max(2 * err_b, 1e-9 * np.abs(exact.coef_).max())
    _close(a.predict(X), b.predict(X), 10 * tol)


def test_sparse_errors():
    X, y = _diabetes()
    Xs = sp.csr_matrix(X)
    with pytest.raises(TypeError, match="SVD solver does not support sparse"):
        Ridge(solver="svd", fit_intercept=False).fit(Xs, y)
    for solver in ("svd", "cholesky", "saga"):
        with pytest.raises(ValueError, match="does not support fitting the intercept on sparse data"):
            Ridge(solver=solver).fit(Xs, y)
    with pytest.raises(TypeError, match="dense data is required with positive=True"):
        LinearRegression(positive=True).fit(Xs, y)
    bad = Xs.copy()
    bad.data[3] = np.nan
    for est in (Lasso(), Ridge(), LinearRegression()):
        with pytest.raises(ValueError, match="NaN"):
            est.fit(bad, y)
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        Lasso().fit(sp.csr_matrix((0, 3)), [])
    with pytest.raises(ValueError, match="column index out of range|CSR"):
        import mlc._mlc as _mlc
        _mlc.cd_enet_csc(np.ones(2), np.array([0, 9], np.int32), np.array([0, 1, 2]), 3, np.zeros(2), None,
                         np.zeros(3), np.zeros(2), 0.1, 0.0, 10, 1e-4)


def test_cholesky_and_saga_without_intercept():
    X, y = _diabetes()
    for solver in ("cholesky", "saga"):
        a = Ridge(solver=solver, fit_intercept=False).fit(sp.csr_matrix(X), y)
        b = Ridge(solver="cholesky", fit_intercept=False).fit(X, y)
        _close(a.coef_, b.coef_, 1e-6)
