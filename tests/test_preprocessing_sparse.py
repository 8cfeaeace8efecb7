"""StandardScaler(with_mean=False) and MaxAbsScaler on scipy.sparse input against scikit-learn and
against mlc on the dense copy; MaxAbsScaler on dense input against scikit-learn.

Tolerances: statistics (mean_, var_, scale_, max_abs_) within 1e-12 relative to scikit-learn's,
outputs within 1e-12 (float64) / 1e-6 (float32) of scikit-learn's and of the dense copy's.
"""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import preprocessing as skp
from sklearn.datasets import load_digits
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc.preprocessing import MaxAbsScaler, StandardScaler


def _sparse(n=300, d=40, density=0.15, seed=0, nan=True):
    A = sp.random(n, d, density=density, format="csr", random_state=seed,
                  data_rvs=np.random.default_rng(seed).standard_normal)
    A.data += 2.0
    if nan:
        A.data[::37] = np.nan
    return A


def _close(a, b, tol=1e-12):
    a = a.toarray() if sp.issparse(a) else a
    b = b.toarray() if sp.issparse(b) else b
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("with_std", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_standard_scaler_sparse_matches_sklearn_and_dense(fmt, with_std, weighted):
    X = _sparse().asformat(fmt)
    w = np.random.default_rng(1).random(X.shape[0]) if weighted else None
    m = StandardScaler(with_mean=False, with_std=with_std).fit(X, sample_weight=w)
    s = skp.StandardScaler(with_mean=False, with_std=with_std).fit(X, sample_weight=w)
    for name in ("mean_", "var_", "scale_"):
        if getattr(s, name) is None:
            assert getattr(m, name) is None
        else:
            _close(getattr(m, name), getattr(s, name))
    _close(m.n_samples_seen_, s.n_samples_seen_)
    T = m.transform(X)
    assert sp.issparse(T) and T.format == (fmt if fmt != "coo" else "csr")
    _close(T, s.transform(X))
    _close(m.inverse_transform(T), X)
    dense = StandardScaler(with_mean=False, with_std=with_std).fit(X.toarray(), sample_weight=w)
    _close(T, dense.transform(X.toarray()))


def test_standard_scaler_sparse_partial_fit_matches_sklearn():
    X = _sparse(nan=False)
    m, s = StandardScaler(with_mean=False), skp.StandardScaler(with_mean=False)
    for a, b in ((0, 120), (120, 121), (121, 300)):
        m.partial_fit(X[a:b])
        s.partial_fit(X[a:b])
    _close(m.mean_, s.mean_)
    _close(m.var_, s.var_)
    assert m.n_samples_seen_ == s.n_samples_seen_


def test_standard_scaler_sparse_with_mean_raises():
    X = _sparse()
    with pytest.raises(ValueError, match="Cannot center sparse matrices"):
        StandardScaler().fit(X)
    fitted = StandardScaler().fit(X.toarray())
    with pytest.raises(ValueError, match="Cannot center sparse matrices"):
        fitted.transform(X)
    assert StandardScaler().__sklearn_tags__().input_tags.sparse is False
    assert StandardScaler(with_mean=False).__sklearn_tags__().input_tags.sparse is True


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_max_abs_scaler_sparse(fmt, dtype):
    X = _sparse().asformat(fmt).astype(dtype)
    m = MaxAbsScaler().fit(X)
    s = skp.MaxAbsScaler().fit(X)
    tol = 1e-12 if dtype == np.float64 else 1e-6
    assert m.max_abs_.dtype == s.max_abs_.dtype
    _close(m.max_abs_, s.max_abs_, tol)
    _close(m.scale_, s.scale_, tol)
    T = m.transform(X)
    assert T.format == fmt and T.dtype == dtype
    _close(T, s.transform(X), tol)
    _close(m.inverse_transform(T), X, tol)
    _close(T, MaxAbsScaler().fit(X.toarray()).transform(X.toarray()), tol)


def test_max_abs_scaler_dense_and_partial_fit_match_sklearn():
    X = load_digits().data - 8.0
    X[3, 5] = np.nan
    m, s = MaxAbsScaler().fit(X), skp.MaxAbsScaler().fit(X)
    _close(m.max_abs_, s.max_abs_)
    _close(m.transform(X), s.transform(X))
    _close(m.inverse_transform(m.transform(X)), X)
    m, s = MaxAbsScaler(), skp.MaxAbsScaler()
    for part in np.array_split(X, 4):
        m.partial_fit(part)
        s.partial_fit(part)
    _close(m.scale_, s.scale_)
    assert m.n_samples_seen_ == s.n_samples_seen_


def test_sparse_scalers_copy_false_write_in_place():
    X = _sparse(nan=False)
    before = X.toarray()
    T = MaxAbsScaler(copy=False).fit(X).transform(X)
    assert T is X and not np.allclose(X.toarray(), before)
    X = _sparse(nan=False)
    T = MaxAbsScaler().fit(X).transform(X)
    assert T is not X and np.array_equal(X.toarray(), _sparse(nan=False).toarray())


def test_sparse_scalers_do_not_densify():
    # 60,000 x 50,000 float64 would need 24 GB dense
    rng = np.random.default_rng(0)
    n, d, nnz = 60_000, 50_000, 200_000
    X = sp.csr_matrix((rng.standard_normal(nnz), (rng.integers(0, n, nnz), rng.integers(0, d, nnz))),
                      shape=(n, d))
    for est in (StandardScaler(with_mean=False), MaxAbsScaler()):
        T = est.fit_transform(X)
        assert sp.issparse(T) and T.nnz == X.nnz


def test_sparse_scalers_bad_input():
    X = _sparse(nan=False)
    X.data[0] = np.inf
    for est in (StandardScaler(with_mean=False), MaxAbsScaler()):
        with pytest.raises(ValueError, match="infinity"):
            est.fit(X)
        with pytest.raises(ValueError, match="Complex"):
            est.fit(sp.csr_matrix(np.eye(3, dtype=complex)))
        with pytest.raises(ValueError, match="0 sample"):
            est.fit(sp.csr_matrix((0, 3)))
        fitted = est.fit(_sparse())
        with pytest.raises(ValueError, match="features"):
            fitted.transform(sp.csr_matrix((2, 7)))


@parametrize_with_checks([StandardScaler(with_mean=False), MaxAbsScaler()])
def test_sklearn_compatible_sparse_scalers(estimator, check):
    check(estimator)
