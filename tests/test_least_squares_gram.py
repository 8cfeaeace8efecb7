"""The one-pass Gram matrix (csrc/core/linalg_syrk.c behind _mlc.lsq_gram and PCA's covariance path) at
every CPU level, and the finiteness check it carries for LinearRegression, Ridge, Lasso, ElasticNet and
PCA(svd_solver='covariance_eigh') (X is read once: NaN or infinity shows in the Gram matrix).

Not bit-identical across levels (the AVX2 and AVX-512 copies use FMA, the baseline is OpenBLAS's xSYRK):
within 1e-13 relative of each other and of NumPy."""
import numpy as np
import pytest
import sklearn.decomposition as skd
import sklearn.linear_model as sk
from sklearn.datasets import load_diabetes, load_digits

from mlc import _mlc
from mlc.decomposition import PCA
from mlc.linear_model import ElasticNet, Lasso, LinearRegression, Ridge

LEVELS = [name for name, ok in _mlc.cpu_levels().items() if ok]


@pytest.fixture
def at_level():
    """at_level(name): the dispatched kernels run at that level until the test ends."""
    before = _mlc.cpu_level()
    yield _mlc._set_cpu_level
    _mlc._set_cpu_level(before)


def _reference_gram(X, Y, sw, fit_intercept):
    w = np.ones(len(X)) if sw is None else sw
    xm = np.average(X, axis=0, weights=w) if fit_intercept else np.zeros(X.shape[1])
    ym = np.average(Y, axis=0, weights=w) if fit_intercept else np.zeros(Y.shape[1])
    Xc = (X - xm) * np.sqrt(w)[:, None]
    Yc = (Y - ym) * np.sqrt(w)[:, None]
    return Xc.T @ Xc, Yc.T @ Xc, np.einsum("ik,ik->k", Yc, Yc), xm, ym


# every tile edge of both SIMD copies (8 x 24 and 6 x 8 tiles), one and several row blocks
@pytest.mark.parametrize("d", [1, 2, 5, 6, 7, 8, 9, 12, 16, 17, 23, 24, 25, 31, 49, 50, 100, 131])
@pytest.mark.parametrize("n", [3, 700])
def test_gram_every_level(at_level, d, n):
    rng = np.random.default_rng(d * 1000 + n)
    X = rng.normal(size=(n, d)) + rng.uniform(-50, 50, size=d)
    Y = rng.normal(size=(n, 2))
    sw = rng.uniform(0.1, 2.0, n)
    for weights in (None, sw):
        for fit_intercept in (True, False):
            ref = _reference_gram(X, Y, weights, fit_intercept)
            for level in LEVELS:
                at_level(level)
                out = _mlc.lsq_gram(X, Y, weights, fit_intercept, 1)
                for a, b in zip(out, ref):
                    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(ref[0]).max(),
                                               err_msg=level)
                np.testing.assert_array_equal(out[0], out[0].T)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pca_covariance_every_level(at_level, dtype):
    X = load_digits().data.astype(dtype)
    ref = skd.PCA(20, svd_solver="covariance_eigh").fit(X)
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    for level in LEVELS:
        at_level(level)
        m = PCA(20, svd_solver="covariance_eigh").fit(X)
        np.testing.assert_allclose(m.explained_variance_, ref.explained_variance_, rtol=rtol, err_msg=level)
        np.testing.assert_allclose(m.mean_, ref.mean_, rtol=rtol, atol=1e-6, err_msg=level)
        # the leading components are well separated: the same up to rounding (signs: svd_flip)
        np.testing.assert_allclose(m.components_[:10], ref.components_[:10], atol=100 * rtol, err_msg=level)


CD = dict(tol=1e-12, max_iter=100_000)
PAIRS = [(lambda: LinearRegression(), lambda: sk.LinearRegression()),
         (lambda: Ridge(0.5), lambda: sk.Ridge(0.5)),
         (lambda: Lasso(0.1, precompute=True, **CD), lambda: sk.Lasso(0.1, **CD)),
         (lambda: ElasticNet(0.1, precompute=True, **CD), lambda: sk.ElasticNet(0.1, **CD))]


@pytest.mark.parametrize("make, make_ref", PAIRS)
def test_regressors_every_level(at_level, make, make_ref):
    X, y = load_diabetes(return_X_y=True)
    ref = make_ref().fit(X, y)
    for level in LEVELS:
        at_level(level)
        m = make().fit(X, y)
        np.testing.assert_allclose(m.coef_, ref.coef_, rtol=0, atol=1e-6 * np.abs(ref.coef_).max(),
                                   err_msg=level)
        np.testing.assert_allclose(m.intercept_, ref.intercept_, rtol=1e-9, err_msg=level)


BAD = [(np.nan, "Input X contains NaN"), (np.inf, "Input X contains infinity"),
       (-np.inf, "Input X contains infinity")]


@pytest.mark.parametrize("value, match", BAD)
@pytest.mark.parametrize("make", [lambda: LinearRegression(), lambda: Ridge(1.0), lambda: Lasso(0.1),
                                  lambda: ElasticNet(0.1), lambda: Lasso(0.1, precompute=False),
                                  lambda: Ridge(1.0, solver="svd")])
def test_nonfinite_X_regressors(make, value, match):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 5)), rng.normal(size=200)
    for tall in (True, False):
        Xb = X.copy() if tall else X[:4].copy()  # n >= d: the Gram path; n < d: the SVD / CD paths
        Xb[1, 3] = value
        yb = y[:len(Xb)]
        with pytest.raises(ValueError, match=match):
            make().fit(Xb, yb)
        with pytest.raises(ValueError, match=match):
            make().fit(Xb, yb, sample_weight=np.r_[0.0, np.ones(len(yb) - 1)])


@pytest.mark.parametrize("value, match", BAD)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["covariance_eigh", "full", "randomized"])
def test_nonfinite_X_pca(value, match, dtype, solver):
    X = np.random.default_rng(1).normal(size=(300, 6)).astype(dtype)
    X[7, 0] = value
    with pytest.raises(ValueError, match=match):
        PCA(3, svd_solver=solver).fit(X)


def test_pca_covariance_same_bits_any_thread_count():
    X = np.random.default_rng(3).normal(size=(20_000, 37)) + 5.0
    outs = [_mlc.pca_covariance(X, n_threads=t) for t in (1, 2)]
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
