"""mlc.decomposition against sklearn.decomposition: same components, variances and projections.

Tolerances. Exact solvers ('full', 'covariance_eigh', TruncatedSVD 'arpack') in float64: explained
variances within 1e-10 relative, components and projections within 1e-8, for the components whose
eigenvalue is separated from its neighbours (the others, e.g. digits' zero-variance pixels, span
a subspace in which any basis is right: compared as subspaces). float32: within 2e-3 of the
float64 result (scikit-learn and mlc both run LAPACK in float32 there). Randomized: mlc's random
numbers differ from scikit-learn's, so on data with a gap in the spectrum: explained variances
within 1e-6 relative and |components . components_sklearn^T| within 1e-6 of the identity.
"""
import pickle

import numpy as np
import pytest
import sklearn.decomposition as skd
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc import _mlc
from mlc.decomposition import PCA, TruncatedSVD
from mlc.exceptions import NotFittedError
from conftest import assert_rss_stable, layouts, needs_rss

LOADERS = {"iris": load_iris, "wine": load_wine, "digits": load_digits,
           "breast_cancer": load_breast_cancer}


def _gap_data(n, d, rank=5, seed=0, noise=0.05):
    """Low-rank signal with singular values 10..2 (per sqrt(n)) plus small isotropic noise: a
    clear gap after `rank` components."""
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(rng.normal(size=(n, rank)))[0]
    V = np.linalg.qr(rng.normal(size=(d, rank)))[0]
    s = np.linspace(10, 2, rank) * np.sqrt(n)
    return (U * s) @ V.T + noise * rng.normal(size=(n, d)) + rng.normal(size=d) * 3


def _data(name):
    if name in LOADERS:
        return LOADERS[name]().data
    if name == "tall":
        return _gap_data(600, 30, seed=1)
    if name == "wide":
        return _gap_data(40, 90, seed=2)
    raise KeyError(name)


DATASETS = list(LOADERS) + ["tall", "wide"]


def _separated(ev, rel=1e-4):
    """The number of leading components whose eigenvalues are nonzero and apart from their
    neighbours by more than rel * ev[0] (their eigenvectors are then well defined)."""
    ev = np.asarray(ev, dtype=np.float64)
    ok = ev > 1e-9 * ev[0]
    gaps = np.abs(np.diff(ev)) > rel * ev[0]
    sep = ok.copy()
    sep[:-1] &= gaps
    sep[1:] &= gaps
    return int(np.argmin(sep)) if not sep.all() else len(ev)


def _assert_subspace(A, B, atol):
    """Rows of A and B span the same subspace: |A B^T| (square, orthonormal rows) ~ orthogonal."""
    M = A @ B.T
    np.testing.assert_allclose(np.linalg.svd(M, compute_uv=False), 1.0, atol=atol)


# ---- exact solvers: parity on real and generated data ---------------------------------------

@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "auto"])
@pytest.mark.parametrize("name", DATASETS)
def test_exact_parity_float64(name, solver):
    X = _data(name)
    if solver == "covariance_eigh" and name == "wide":
        pytest.skip("covariance of a wide matrix: rank-deficient by construction")
    a = PCA(svd_solver=solver).fit(X)
    b = skd.PCA(svd_solver=solver).fit(X)
    assert a._fit_svd_solver == b._fit_svd_solver
    assert a.n_components_ == b.n_components_ and a.n_samples_ == b.n_samples_
    ev_scale = b.explained_variance_[0]
    np.testing.assert_allclose(a.explained_variance_, b.explained_variance_, rtol=1e-10,
                               atol=1e-12 * ev_scale)
    np.testing.assert_allclose(a.explained_variance_ratio_, b.explained_variance_ratio_,
                               rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(a.singular_values_, b.singular_values_, rtol=1e-10,
                               atol=1e-7 * b.singular_values_[0])
    np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-13, atol=1e-13 * np.abs(X).max())
    np.testing.assert_allclose(a.noise_variance_, b.noise_variance_, rtol=1e-8, atol=1e-12 * ev_scale)
    k = _separated(b.explained_variance_)
    assert k >= 2
    np.testing.assert_allclose(a.components_[:k], b.components_[:k], atol=1e-8)
    scale = np.abs(b.transform(X)).max()
    np.testing.assert_allclose(a.transform(X)[:, :k], b.transform(X)[:, :k], atol=1e-8 * scale)
    np.testing.assert_allclose(a.fit_transform(X)[:, :k], b.transform(X)[:, :k], atol=1e-8 * scale)
    # the whole kept subspace is the same even where single vectors are not defined
    r = int(np.sum(b.explained_variance_ > 1e-9 * ev_scale))
    _assert_subspace(a.components_[:r], b.components_[:r], 1e-8)
    back = a.inverse_transform(a.transform(X))
    np.testing.assert_allclose(back, b.inverse_transform(b.transform(X)), atol=1e-8 * np.abs(X).max())


@pytest.mark.parametrize("solver", ["full", "covariance_eigh"])
@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "tall"])
def test_exact_parity_float32(name, solver):
    X = _data(name)
    X32 = X.astype(np.float32)
    a = PCA(svd_solver=solver).fit(X32)
    b = skd.PCA(svd_solver=solver).fit(X32.astype(np.float64))
    for attr in ("components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_", "mean_"):
        assert getattr(a, attr).dtype == np.float32, attr
    assert skd.PCA(svd_solver=solver).fit(X32).components_.dtype == np.float32  # as scikit-learn
    k = _separated(b.explained_variance_, rel=1e-2)
    np.testing.assert_allclose(a.explained_variance_[:k], b.explained_variance_[:k], rtol=2e-3)
    np.testing.assert_allclose(a.components_[:k], b.components_[:k], atol=2e-3)
    Xt = a.transform(X32)
    assert Xt.dtype == np.float32
    scale = np.abs(b.transform(X)).max()
    np.testing.assert_allclose(Xt[:, :k], b.transform(X)[:, :k], atol=2e-3 * scale)
    assert a.inverse_transform(Xt).dtype == np.float32


@pytest.mark.parametrize("layout", ["C", "F", "view"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "randomized"])
def test_layouts_give_identical_results(solver, dtype, layout):
    X = _data("breast_cancer").astype(dtype)
    Xl = layouts(X)[layout]
    kw = dict(n_components=5, svd_solver=solver, random_state=0)
    a, b = PCA(**kw).fit(Xl), PCA(**kw).fit(X)
    np.testing.assert_array_equal(a.components_, b.components_)
    np.testing.assert_array_equal(a.transform(Xl), b.transform(X))
    t = TruncatedSVD(5, random_state=0)
    np.testing.assert_array_equal(t.fit_transform(Xl), TruncatedSVD(5, random_state=0).fit_transform(X))


# ---- n_components: int, fraction, None, 'mle' -------------------------------------------------

@pytest.mark.parametrize("n_components", [1, 3, 0.5, 0.9, 0.99, 0.999999, None, "mle"])
@pytest.mark.parametrize("solver", ["full", "covariance_eigh"])
@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "tall"])
def test_n_components(name, solver, n_components):
    X = _data(name)
    a = PCA(n_components, svd_solver=solver).fit(X)
    b = skd.PCA(n_components, svd_solver=solver).fit(X)
    assert a.n_components_ == b.n_components_
    assert a.components_.shape == b.components_.shape
    np.testing.assert_allclose(a.explained_variance_, b.explained_variance_, rtol=1e-10,
                               atol=1e-12 * b.explained_variance_[0])
    np.testing.assert_allclose(a.noise_variance_, b.noise_variance_, rtol=1e-8,
                               atol=1e-12 * b.explained_variance_[0])


@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "randomized"])
@pytest.mark.parametrize("name", ["wine", "tall", "wide"])
def test_whiten(name, solver):
    X = _data(name)
    k = 3
    a = PCA(k, whiten=True, svd_solver=solver, random_state=0).fit(X)
    b = skd.PCA(k, whiten=True, svd_solver="full").fit(X)
    Xt, ref = a.transform(X), b.transform(X)
    np.testing.assert_allclose(Xt, ref, atol=1e-7)
    np.testing.assert_allclose(np.var(Xt, axis=0, ddof=1), 1.0, rtol=1e-10)
    np.testing.assert_allclose(a.fit_transform(X), ref, atol=1e-7)
    np.testing.assert_allclose(a.inverse_transform(Xt), b.inverse_transform(ref),
                               atol=1e-7 * np.abs(X).max())


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("n_components", [2, 8, None])
def test_probabilistic_model(n_components, whiten):
    X = _data("wine")
    a = PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    b = skd.PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    cov = b.get_covariance()
    np.testing.assert_allclose(a.get_covariance(), cov, rtol=1e-8, atol=1e-10 * np.abs(cov).max())
    prec = b.get_precision()
    np.testing.assert_allclose(a.get_precision(), prec, rtol=1e-6, atol=1e-8 * np.abs(prec).max())
    np.testing.assert_allclose(a.score_samples(X), b.score_samples(X), rtol=1e-8)
    assert a.score(X) == pytest.approx(b.score(X), rel=1e-8)


def test_score_samples_keeps_float32():
    # the product by the precision goes through mlc's BLAS in float64; the result keeps X's dtype
    X = _data("wine").astype(np.float32)
    a = PCA(5, svd_solver="full").fit(X)
    ours = a.score_samples(X)
    assert ours.dtype == np.float32
    Xr, P = X - a.mean_.astype(np.float64), a.get_precision().astype(np.float64)
    ref = -0.5 * (np.sum(Xr * (Xr @ P), axis=1) + X.shape[1] * np.log(2 * np.pi) - np.linalg.slogdet(P)[1])
    np.testing.assert_allclose(ours, ref, rtol=1e-4)


def test_auto_solver_follows_sklearn():
    rng = np.random.default_rng(3)
    for shape, k in [((2000, 50), 5), ((300, 40), 5), ((600, 700), 10), ((600, 700), 0.5),
                     ((600, 700), 600), ((520, 100), None), ((100, 600), 3)]:
        X = rng.normal(size=shape)
        a, b = PCA(k, random_state=0).fit(X), skd.PCA(k, random_state=0).fit(X)
        assert a._fit_svd_solver == b._fit_svd_solver, (shape, k)
        assert a.n_components_ == b.n_components_


# ---- randomized -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU", "none"])
@pytest.mark.parametrize("name", ["tall", "wide"])
def test_randomized_parity(name, normalizer, dtype):
    X = _data(name).astype(dtype)
    kw = dict(n_components=5, svd_solver="randomized", power_iteration_normalizer=normalizer)
    a = PCA(random_state=0, **kw).fit(X)
    b = skd.PCA(random_state=0, **kw).fit(X.astype(np.float64))
    tol = 1e-6 if dtype is np.float64 else 1e-3
    if dtype is np.float32 and normalizer == "none":
        # un-normalised power iterations in float32 squeeze the small components towards the
        # top one ((s1/s5)^9 ~ 2e6 here): scikit-learn's float32 run loses them the same way
        tol = 2e-2
    assert a.components_.dtype == dtype
    np.testing.assert_allclose(a.explained_variance_, b.explained_variance_, rtol=tol)
    np.testing.assert_allclose(a.explained_variance_ratio_, b.explained_variance_ratio_, rtol=tol)
    np.testing.assert_allclose(a.noise_variance_, b.noise_variance_, rtol=100 * tol)
    np.testing.assert_allclose(np.abs(a.components_ @ b.components_.T), np.eye(5), atol=tol)
    # signs are fixed the same way: the vectors themselves agree
    np.testing.assert_allclose(a.components_, b.components_, atol=10 * tol)
    exact = PCA(5, svd_solver="full").fit(X)
    np.testing.assert_allclose(a.explained_variance_, exact.explained_variance_, rtol=tol)


@pytest.mark.parametrize("n_iter", [0, 1, 3, "auto"])
def test_randomized_iterations_and_oversamples(n_iter):
    X = _data("digits")
    a = PCA(10, svd_solver="randomized", iterated_power=n_iter, n_oversamples=20,
            random_state=1).fit(X)
    b = skd.PCA(10, svd_solver="full").fit(X)
    # digits has no sharp gap: the leading variances are still close, and never above the exact
    rtol = 0.2 if n_iter == 0 else 1e-2
    np.testing.assert_allclose(a.explained_variance_, b.explained_variance_, rtol=rtol)
    assert np.all(a.explained_variance_ <= b.explained_variance_ * (1 + 1e-12))


def test_randomized_seed_and_threads():
    X = _data("tall")
    a = PCA(4, svd_solver="randomized", random_state=7).fit(X)
    b = PCA(4, svd_solver="randomized", random_state=7).fit(X)
    np.testing.assert_array_equal(a.components_, b.components_)
    old = mlc.get_num_threads()
    try:
        mlc.set_num_threads(1)
        c = PCA(4, svd_solver="randomized", random_state=7).fit(X)
    finally:
        mlc.set_num_threads(old)
    np.testing.assert_allclose(a.components_, c.components_, atol=1e-12)
    d = PCA(4, svd_solver="randomized", random_state=np.random.RandomState(0)).fit(X)
    np.testing.assert_allclose(np.abs(a.components_ @ d.components_.T), np.eye(4), atol=1e-8)


# ---- TruncatedSVD -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["digits", "tall", "wide", "breast_cancer"])
def test_truncated_svd_arpack_parity(name, dtype):
    X = _data(name).astype(dtype)
    k = 4
    a = TruncatedSVD(k, algorithm="arpack").fit(X)
    b = skd.TruncatedSVD(k, algorithm="arpack", random_state=0).fit(X.astype(np.float64))
    tol = 1e-8 if dtype is np.float64 else 2e-3
    assert a.components_.dtype == dtype
    np.testing.assert_allclose(a.singular_values_, b.singular_values_, rtol=tol)
    np.testing.assert_allclose(a.explained_variance_, b.explained_variance_, rtol=tol * 10)
    np.testing.assert_allclose(a.explained_variance_ratio_, b.explained_variance_ratio_, rtol=tol * 10)
    np.testing.assert_allclose(a.components_, b.components_, atol=tol)
    scale = np.abs(b.transform(X.astype(np.float64))).max()
    np.testing.assert_allclose(a.transform(X), b.transform(X.astype(np.float64)), atol=tol * scale)
    np.testing.assert_allclose(a.fit_transform(X), b.transform(X.astype(np.float64)), atol=tol * scale)
    np.testing.assert_allclose(a.inverse_transform(a.transform(X)),
                               b.inverse_transform(b.transform(X.astype(np.float64))),
                               atol=tol * np.abs(X).max())


@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU", "none"])
@pytest.mark.parametrize("name", ["tall", "wide"])
def test_truncated_svd_randomized_parity(name, normalizer):
    X = _data(name) - 0  # uncentred: the mean is a direction too (6 strong components)
    kw = dict(n_components=6, n_iter=5, power_iteration_normalizer=normalizer)
    a = TruncatedSVD(random_state=0, **kw).fit(X)
    b = skd.TruncatedSVD(random_state=0, **kw).fit(X)
    np.testing.assert_allclose(a.singular_values_, b.singular_values_, rtol=1e-6)
    np.testing.assert_allclose(a.explained_variance_ratio_, b.explained_variance_ratio_, rtol=1e-5)
    np.testing.assert_allclose(np.abs(a.components_ @ b.components_.T), np.eye(6), atol=1e-6)


# ---- scikit-learn's estimator checks ------------------------------------------------------------

@parametrize_with_checks([PCA(), PCA(svd_solver="covariance_eigh"),
                          PCA(n_components=2, svd_solver="randomized", whiten=True),
                          TruncatedSVD(), TruncatedSVD(n_components=1, algorithm="arpack")])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ---- bad input ----------------------------------------------------------------------------------

def test_bad_input():
    X = _data("iris")
    with pytest.raises(ValueError, match=r"n_components=5 must be between 0 and min\(n_samples, "
                                         r"n_features\)=4 with svd_solver='full'"):
        PCA(5, svd_solver="full").fit(X)
    with pytest.raises(ValueError, match="n_components=5 must be between 1 and"):
        PCA(5, svd_solver="randomized").fit(X)
    with pytest.raises(ValueError, match="strictly less than"):
        PCA(4, svd_solver="arpack").fit(X)
    for bad in (0, -1):
        with pytest.raises(ValueError, match=f"n_components={bad} must be >= 1"):
            PCA(bad).fit(X)
    for bad in (1.0, 1.5, -0.2, 0.0):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            PCA(bad).fit(X)
    with pytest.raises(ValueError, match="must be an int with svd_solver='randomized'"):
        PCA(0.5, svd_solver="randomized").fit(X)
    with pytest.raises(ValueError, match="cannot be a string"):
        PCA("mle", svd_solver="randomized").fit(X)
    with pytest.raises(ValueError, match="n_components must be an int"):
        PCA("many").fit(X)
    with pytest.raises(ValueError, match="only supported if n_samples >= n_features"):
        PCA("mle", svd_solver="full").fit(X[:3])
    with pytest.raises(ValueError, match="'svd_solver' parameter must be one of"):
        PCA(svd_solver="lobpcg").fit(X)
    with pytest.raises(ValueError, match="'power_iteration_normalizer' parameter must be one of"):
        PCA(2, svd_solver="randomized", power_iteration_normalizer="qr").fit(X)
    with pytest.raises(ValueError, match="'iterated_power' parameter must be >= 0"):
        PCA(2, svd_solver="randomized", iterated_power=-1).fit(X)
    with pytest.raises(TypeError, match="'whiten' parameter must be a bool"):
        PCA(whiten="yes").fit(X)
    with pytest.raises(ValueError, match="contains NaN"):
        PCA().fit(np.where(X > 7, np.nan, X))
    with pytest.raises(ValueError, match="infinity"):
        PCA().fit(np.where(X > 7, np.inf, X))
    with pytest.raises(ValueError, match="infinity"):
        PCA().fit(X).transform(np.full((2, 4), -np.inf))
    with pytest.raises(ValueError, match="0 sample"):
        PCA().fit(np.empty((0, 4)))
    with pytest.raises(ValueError, match="0 feature"):
        PCA().fit(np.empty((5, 0)))
    with pytest.raises(ValueError, match="1 sample"):
        PCA().fit(X[:1])
    with pytest.raises(ValueError, match="Expected 2D array"):
        PCA().fit(X[:, 0])
    with pytest.raises(NotFittedError, match="not fitted yet"):
        PCA().transform(X)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        PCA().inverse_transform(X)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        TruncatedSVD().transform(X)
    fitted = PCA(2).fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but PCA is expecting 4 features"):
        fitted.transform(X[:, :3])
    with pytest.raises(ValueError, match="inverse_transform expects 2"):
        fitted.inverse_transform(np.ones((3, 3)))
    with pytest.raises(TypeError, match="Sparse input is not supported"):
        import scipy.sparse
        PCA().fit(scipy.sparse.csr_matrix(X))


def test_bad_input_truncated_svd():
    X = _data("iris")
    with pytest.raises(ValueError, match=r"n_components\(5\) must be <= n_features\(4\)"):
        TruncatedSVD(5).fit(X)
    with pytest.raises(ValueError, match="strictly less than"):
        TruncatedSVD(4, algorithm="arpack").fit(X)
    with pytest.raises(ValueError, match="'n_components' parameter must be >= 1"):
        TruncatedSVD(0).fit(X)
    with pytest.raises(TypeError, match="'n_components' parameter must be an int"):
        TruncatedSVD(0.5).fit(X)
    with pytest.raises(ValueError, match="'algorithm' parameter must be one of"):
        TruncatedSVD(algorithm="lanczos").fit(X)
    with pytest.raises(ValueError, match="1 feature"):
        TruncatedSVD(1).fit(X[:, :1])
    with pytest.raises(ValueError, match="contains NaN"):
        TruncatedSVD().fit(np.where(X > 7, np.nan, X))
    with pytest.raises(ValueError, match="X has 3 features, but TruncatedSVD is expecting 4"):
        TruncatedSVD().fit(X).transform(X[:, :3])


def test_direct_kernel_calls_check_shapes():
    X = _data("iris")
    with pytest.raises(ValueError, match="expected a 2-D array"):
        _mlc.svd_full(X[:, 0])
    with pytest.raises(ValueError, match="at least one sample"):
        _mlc.svd_full(np.empty((0, 3)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        _mlc.pca_covariance(X[:1])
    with pytest.raises(ValueError, match="n_components must be in"):
        _mlc.svd_randomized(X, 5)
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        _mlc.svd_randomized(X, 0)
    with pytest.raises(ValueError, match="unknown power_iteration_normalizer"):
        _mlc.svd_randomized(X, 2, normalizer=7)
    with pytest.raises(ValueError, match="n_oversamples"):
        _mlc.svd_randomized(X, 2, n_oversamples=-1)
    comp = np.ones((2, 4))
    with pytest.raises(ValueError, match="X: dimension 1 is 3, expected 4"):
        _mlc.pca_transform(X[:, :3], comp)
    with pytest.raises(ValueError, match="mean: dimension 0 is 3, expected 4"):
        _mlc.pca_transform(X, comp, np.zeros(3))
    with pytest.raises(ValueError, match="scale: dimension 0 is 4, expected 2"):
        _mlc.pca_transform(X, comp, None, np.ones(4))
    with pytest.raises(ValueError, match="X: dimension 1 is 4, expected 2"):
        _mlc.pca_inverse(X, comp)
    with pytest.raises(ValueError, match="expected a 2-D array"):
        _mlc.pca_inverse(np.ones(2), comp)
    with pytest.raises(TypeError):
        _mlc.svd_full(None)


# ---- persistence, memory ------------------------------------------------------------------------

@pytest.mark.parametrize("est", [PCA(3, whiten=True), PCA(0.9, svd_solver="covariance_eigh"),
                                 PCA(2, svd_solver="randomized", random_state=0),
                                 TruncatedSVD(3, random_state=0)])
def test_pickle_round_trip(est):
    X = _data("wine")
    est.fit(X)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.transform(X), est.transform(X))
    np.testing.assert_array_equal(again.components_, est.components_)


@needs_rss
def test_no_leak():
    X = _data("iris")
    X32 = X.astype(np.float32)

    def once():
        for solver in ("full", "covariance_eigh", "randomized"):
            p = PCA(2, svd_solver=solver, whiten=True, random_state=0).fit(X)
            p.inverse_transform(p.transform(X))
        PCA(2).fit(X32).transform(X32)
        TruncatedSVD(2, random_state=0).fit_transform(X)
        TruncatedSVD(2, algorithm="arpack").fit(X32)
        try:
            _mlc.pca_transform(X, np.ones((2, 3)))
        except ValueError:
            pass

    assert_rss_stable(once, iterations=1000, warmup=100)
