"""KNeighbors* / RadiusNeighbors* / NearestNeighbors on scipy.sparse input: brute force on CSR
(csrc/neighbors/knn.c), never densified.

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

from mlc.neighbors import (KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors, RadiusNeighborsClassifier,
                           RadiusNeighborsRegressor)

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


# ---- radius searches on sparse input ----------------------------------------------------------

def _radius_between(D, q):
    """A radius halfway between two consecutive distinct distances near the q-quantile of D, so
    that no distance sits on the boundary (where the two summation orders could disagree)."""
    u = np.unique(D)
    i = min(int(q * len(u)), len(u) - 2)
    return (u[i] + u[i + 1]) / 2


def _assert_same_radius(dist, ind, rdist, rind, atol=1e-12):
    for d, i, rd, ri in zip(dist, ind, rdist, rind):
        o, ro = np.argsort(i), np.argsort(ri)
        np.testing.assert_array_equal(i[o], ri[ro])
        np.testing.assert_allclose(d[o], rd[ro], rtol=0, atol=atol)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("fit_fmt,query_fmt", [("csr", "csr"), ("csc", "dense"), ("dense", "csr")])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_sparse_radius_neighbors_equal_dense_copy(metric, fit_fmt, query_fmt, n_threads):
    A, Q = _data(300), _data(40, seed=1)
    conv = lambda M, f: M.toarray() if f == "dense" else M.asformat(f)  # noqa: E731
    r = _radius_between(pairwise_distances(Q.toarray(), A.toarray(), metric=metric), 0.1)
    m = NearestNeighbors(radius=r, metric=metric, n_jobs=n_threads).fit(conv(A, fit_fmt))
    ref = NearestNeighbors(radius=r, metric=metric, algorithm="brute").fit(A.toarray())
    dist, ind = m.radius_neighbors(conv(Q, query_fmt))
    rdist, rind = ref.radius_neighbors(Q.toarray())
    assert sum(len(i) for i in ind) > 0
    _assert_same_radius(dist, ind, rdist, rind)
    sdist, sind = m.radius_neighbors(conv(Q, query_fmt), sort_results=True)
    for d in sdist:
        assert np.all(np.diff(d) >= 0)
    _assert_same_radius(sdist, sind, rdist, rind)
    # the fitted rows themselves, each without itself
    _assert_same_radius(*m.radius_neighbors(), *ref.radius_neighbors())
    g = m.radius_neighbors_graph(conv(Q, query_fmt), mode="distance")
    np.testing.assert_allclose(g.toarray(), ref.radius_neighbors_graph(Q.toarray(), mode="distance").toarray(),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_sparse_radius_matches_sklearn(metric):
    A, Q = _data(500, d=30, density=0.4), _data(60, d=30, density=0.4, seed=2)
    r = _radius_between(pairwise_distances(Q.toarray(), A.toarray(), metric=metric), 0.05)
    dist, ind = NearestNeighbors(radius=r, metric=metric).fit(A).radius_neighbors(Q)
    rdist, rind = skn.NearestNeighbors(radius=r, metric=metric, algorithm="brute").fit(A).radius_neighbors(Q)
    _assert_same_radius(dist, ind, rdist, rind)


def test_sparse_radius_classifier_and_regressor_match_sklearn():
    A, Q = _data(500, d=30, density=0.4), _data(80, d=30, density=0.4, seed=3)
    r = _radius_between(pairwise_distances(Q.toarray(), A.toarray()), 0.05)
    y = np.random.default_rng(0).integers(0, 3, 500)
    t = y * 1.5 + 0.25
    for weights in ("uniform", "distance"):
        kw = dict(weights=weights, outlier_label="most_frequent")
        m = RadiusNeighborsClassifier(r, **kw).fit(A, y)
        s = skn.RadiusNeighborsClassifier(r, algorithm="brute", **kw).fit(A, y)
        np.testing.assert_array_equal(m.predict(Q), s.predict(Q))
        np.testing.assert_allclose(m.predict_proba(Q), s.predict_proba(Q), atol=1e-12)
        np.testing.assert_array_equal(m.predict(Q.tocsc()), RadiusNeighborsClassifier(r, **kw).fit(A.toarray(), y)
                                      .predict(Q.toarray()))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)   # queries without neighbours predict NaN
            got = RadiusNeighborsRegressor(r, weights=weights).fit(A.tocsc(), t).predict(Q)
            ref = skn.RadiusNeighborsRegressor(r, weights=weights, algorithm="brute").fit(A, t).predict(Q)
        np.testing.assert_allclose(got, ref, atol=1e-12)


def test_sparse_radius_bad_input_and_not_densified():
    A = _data(100)
    with pytest.raises(ValueError, match="not valid for sparse input"):
        RadiusNeighborsClassifier(metric="chebyshev").fit(A, np.arange(100) % 2)
    with pytest.raises(ValueError, match="not valid for sparse input"):
        NearestNeighbors(metric="chebyshev").fit(A.toarray()).radius_neighbors(A)
    B = A.copy()
    B.data[0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        RadiusNeighborsRegressor().fit(B, np.arange(100.0))
    with pytest.raises(ValueError, match="features"):
        NearestNeighbors().fit(A).radius_neighbors(sp.csr_matrix((2, 7)))
    # 30,000 x 1,000,000 float64 would need 240 GB dense
    rng = np.random.default_rng(0)
    n, d, nnz = 30_000, 1_000_000, 90_000
    big = sp.csr_matrix((rng.random(nnz) + 0.5, (rng.integers(0, n, nnz), rng.integers(0, d, nnz))), shape=(n, d))
    dist, ind = NearestNeighbors(radius=1e-9).fit(big).radius_neighbors(big[:5])
    for i in range(5):
        assert i in ind[i] and np.all(dist[i] == 0.0)


@parametrize_with_checks([RadiusNeighborsClassifier(), RadiusNeighborsRegressor(),
                          RadiusNeighborsClassifier(radius=1.0, outlier_label="most_frequent", weights="distance")])
def test_sklearn_compatible_sparse_tags_radius(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(estimator)
