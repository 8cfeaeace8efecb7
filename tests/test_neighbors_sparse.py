"""KNeighborsClassifier / KNeighborsRegressor / NearestNeighbors on scipy.sparse input: brute force
on CSR (csrc/neighbors/knn.c), never densified.

Tolerances: against mlc on the dense copy, distances within 1e-12, and every returned neighbour at
the reference's k-th-place distance or closer (the true distance of each returned index, recomputed
densely, within 1e-12 of the reference's: data this sparse has exact ties, e.g. rows sharing no
column with the query, which the two summation orders break differently in the last bit); against
scikit-learn (brute), on data without ties, the same indices and distances within 1e-12;
predictions identical.
"""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import neighbors as skn
from sklearn.metrics import pairwise_distances
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

METRICS = ["euclidean", "sqeuclidean", "manhattan", "cosine"]


def _data(n, d=60, density=0.08, seed=0):
    return sp.random(n, d, density=density, format="csr", random_state=seed,
                     data_rvs=np.random.default_rng(seed).standard_normal)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("fit_fmt,query_fmt", [("csr", "csr"), ("csc", "csr"), ("csr", "dense"),
                                               ("dense", "csr"), ("csr", "csc")])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_sparse_equals_dense_copy(metric, fit_fmt, query_fmt, n_threads):
    A, Q = _data(400), _data(50, seed=1)
    conv = lambda M, f: M.toarray() if f == "dense" else M.asformat(f)  # noqa: E731
    m = NearestNeighbors(n_neighbors=7, metric=metric, n_jobs=n_threads).fit(conv(A, fit_fmt))
    dist, ind = m.kneighbors(conv(Q, query_fmt))
    ref = NearestNeighbors(n_neighbors=7, metric=metric, algorithm="brute").fit(A.toarray())
    rdist, rind = ref.kneighbors(Q.toarray())
    np.testing.assert_allclose(dist, rdist, rtol=0, atol=1e-12)
    true = pairwise_distances(Q.toarray(), A.toarray(), metric=metric)
    np.testing.assert_allclose(np.take_along_axis(true, ind, axis=1), rdist, rtol=0, atol=1e-12)
    assert np.mean(ind == rind) > 0.9


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_sparse_matches_sklearn(metric):
    A, Q = _data(500, d=30, density=0.4), _data(60, d=30, density=0.4, seed=2)   # no ties
    dist, ind = NearestNeighbors(n_neighbors=5, metric=metric).fit(A).kneighbors(Q)
    rdist, rind = skn.NearestNeighbors(n_neighbors=5, metric=metric, algorithm="brute").fit(A).kneighbors(Q)
    np.testing.assert_array_equal(ind, rind)
    np.testing.assert_allclose(dist, rdist, rtol=0, atol=1e-12)


def test_sparse_classifier_and_regressor_match_sklearn():
    A, Q = _data(500, d=30, density=0.4), _data(80, d=30, density=0.4, seed=3)
    y = np.random.default_rng(0).integers(0, 3, 500)
    for weights in ("uniform", "distance"):
        m = KNeighborsClassifier(5, weights=weights).fit(A, y)
        s = skn.KNeighborsClassifier(5, weights=weights, algorithm="brute").fit(A, y)
        np.testing.assert_array_equal(m.predict(Q), s.predict(Q))
        np.testing.assert_allclose(m.predict_proba(Q), s.predict_proba(Q), atol=1e-12)
        t = y * 1.5 + 0.25
        r = KNeighborsRegressor(4, weights=weights).fit(A.tocsc(), t)
        rs = skn.KNeighborsRegressor(4, weights=weights, algorithm="brute").fit(A, t)
        np.testing.assert_allclose(r.predict(Q), rs.predict(Q), atol=1e-12)


def test_sparse_minkowski_auto_and_tree_algorithms():
    A, Q = _data(200), _data(20, seed=4)
    base = NearestNeighbors(n_neighbors=3, metric="euclidean", algorithm="brute").fit(A.toarray())
    for p in (1, 2):
        m = NearestNeighbors(n_neighbors=3, p=p).fit(A)
        assert m._fit_method == "brute"
        ref = NearestNeighbors(n_neighbors=3, p=p, algorithm="brute").fit(A.toarray())
        np.testing.assert_array_equal(m.kneighbors(Q)[1], ref.kneighbors(Q.toarray())[1])
    with pytest.warns(UserWarning, match="cannot use tree with sparse input"):
        m = NearestNeighbors(n_neighbors=3, algorithm="kd_tree").fit(A)
    np.testing.assert_array_equal(m.kneighbors(Q)[1], base.kneighbors(Q.toarray())[1])
    # kneighbors() on the fitted rows themselves leaves each row out
    ind = NearestNeighbors(n_neighbors=3).fit(A + sp.eye(200, 60)).kneighbors()[1]
    assert not np.any(ind == np.arange(200)[:, None])


def test_sparse_bad_input():
    A = _data(100)
    with pytest.raises(ValueError, match="not valid for sparse input"):
        NearestNeighbors(metric="chebyshev").fit(A)
    with pytest.raises(ValueError, match="not valid for sparse input"):
        NearestNeighbors(p=3).fit(A)
    with pytest.raises(ValueError, match="not valid for sparse input"):
        NearestNeighbors(metric="chebyshev").fit(A.toarray()).kneighbors(A)
    B = A.copy()
    B.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KNeighborsClassifier(3).fit(B, np.arange(100) % 2)
    m = NearestNeighbors(n_neighbors=3).fit(A)
    with pytest.raises(ValueError, match="features"):
        m.kneighbors(sp.csr_matrix((2, 7)))
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        m.kneighbors(A, n_neighbors=101)
    with pytest.raises(TypeError, match="radius queries"):
        m.radius_neighbors(A)


def test_sparse_is_not_densified():
    # 30,000 x 1,000,000 float64 would need 240 GB dense
    rng = np.random.default_rng(0)
    n, d, nnz = 30_000, 1_000_000, 90_000
    A = sp.csr_matrix((rng.random(nnz) + 0.5, (rng.integers(0, n, nnz), rng.integers(0, d, nnz))), shape=(n, d))
    dist, ind = NearestNeighbors(n_neighbors=2).fit(A).kneighbors(A[:5])
    assert np.all(ind[:, 0] == np.arange(5)) and np.all(dist[:, 0] == 0.0)


@parametrize_with_checks([KNeighborsClassifier(), KNeighborsRegressor(), NearestNeighbors()])
def test_sklearn_compatible_sparse_tags(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(estimator)
