"""KMeans and MiniBatchKMeans on scipy.sparse input: never densified, the results of the dense copy, and
scikit-learn's result on the same sparse matrix.

Tolerances: sparse vs dense copy (same seed; the sparse rows are not centred and their distances come
from the stored values, so only rounding differs): the same labels, k-means++ rows and iterations;
centres, inertia and distances within 1e-9 relative in float64, 1e-4 in float32. vs scikit-learn from the
same initial centres: the same labels and iterations, inertia within 1e-10 relative.
"""
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.cluster as skc

import mlc

from bench.bench_decomposition import _tfidf_like
from conftest import assert_rss_stable, needs_rss
from mlc.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus

RTOL = {np.float64: 1e-9, np.float32: 1e-4}


def _tfidf(dtype=np.float64, n=600, d=60):
    """Tf-idf-like rows with enough stored values that no row is equidistant from two centres: on an
    exact tie (an empty row and unit-norm centres), the rounding of the distances picks the label, which
    differs between centred dense rows and uncentred sparse ones (in scikit-learn too)."""
    return _tfidf_like(n, d, 0.25, 0).astype(dtype)


def _weights(n, seed=0):
    return np.random.default_rng(seed).integers(0, 4, n).astype(np.float64)


def _close(a, b, dtype):
    np.testing.assert_allclose(a, b, rtol=RTOL[dtype], atol=RTOL[dtype] * np.abs(b).max())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_sparse_equals_dense_copy(dtype, fmt, algorithm, init, weighted):
    A = _tfidf(dtype).asformat(fmt)
    X = A.toarray()
    w = _weights(A.shape[0]) if weighted else None
    kw = dict(n_clusters=6, init=init, n_init=2, algorithm=algorithm, random_state=1, tol=1e-6)
    ms = KMeans(**kw).fit(A, sample_weight=w)
    md = KMeans(**kw).fit(X, sample_weight=w)
    assert ms.cluster_centers_.dtype == dtype and isinstance(ms.cluster_centers_, np.ndarray)
    np.testing.assert_array_equal(ms.labels_, md.labels_)
    assert ms.n_iter_ == md.n_iter_
    _close(ms.cluster_centers_, md.cluster_centers_, dtype)
    np.testing.assert_allclose(ms.inertia_, md.inertia_, rtol=RTOL[dtype])
    np.testing.assert_array_equal(ms.predict(A), md.predict(X))
    _close(ms.transform(A), md.transform(X), dtype)
    assert ms.transform(A).dtype == dtype
    np.testing.assert_allclose(ms.score(A, sample_weight=w), md.score(X, sample_weight=w), rtol=RTOL[dtype])
    _close(ms.fit_transform(A, sample_weight=w), md.fit_transform(X, sample_weight=w), dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kmeans_plusplus_sparse_picks_the_dense_rows(dtype):
    A = _tfidf(dtype)
    w = _weights(A.shape[0], 3)
    cs, idx_s = kmeans_plusplus(A, 9, sample_weight=w, random_state=4)
    cd, idx_d = kmeans_plusplus(A.toarray(), 9, sample_weight=w, random_state=4)
    np.testing.assert_array_equal(idx_s, idx_d)
    np.testing.assert_array_equal(cs, cd)
    assert cs.dtype == dtype


def test_kmeans_sparse_matches_sklearn_same_init():
    A = _tfidf()
    init = A[:7].toarray()
    ours = KMeans(7, init=init, n_init=1).fit(A)
    ref = skc.KMeans(7, init=init, n_init=1).fit(A)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-10)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", [3, 8, 12, 16, 21])
def test_kmeans_sparse_every_centre_stride_and_threads(dtype, k):
    """The transposed centres are padded to 8 or 16 columns when K is that small (dots in registers), and
    the cluster sums are split by cluster over the threads: the same bits at 1 and 2 threads, and in
    float64 the dense copy's labels (in float32 the centred dense rows and the uncentred sparse ones round
    near-ties of these 3000 rows apart)."""
    A = _tfidf_like(3000, 1500, 0.2, 1).astype(dtype)  # large enough for 2 threads
    w = _weights(A.shape[0], 5)
    kw = dict(n_clusters=k, init="random", n_init=1, random_state=3, tol=1e-6)
    old = mlc.set_num_threads(1)
    try:
        a = KMeans(**kw).fit(A, sample_weight=w)
        mlc.set_num_threads(2)
        b = KMeans(**kw).fit(A, sample_weight=w)
    finally:
        mlc.set_num_threads(old)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.inertia_ == b.inertia_
    if dtype == np.float32:
        return
    md = KMeans(**kw).fit(A.toarray(), sample_weight=w)
    np.testing.assert_array_equal(a.labels_, md.labels_)
    assert a.n_iter_ == md.n_iter_
    _close(a.cluster_centers_, md.cluster_centers_, dtype)
    np.testing.assert_allclose(a.inertia_, md.inertia_, rtol=RTOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_minibatch_sparse_equals_dense_copy(dtype, weighted):
    A = _tfidf(dtype, n=1500)
    X = A.toarray()
    w = _weights(A.shape[0]) if weighted else None
    kw = dict(n_clusters=5, batch_size=200, n_init=2, init="random", random_state=2, max_iter=5, tol=1e-4)
    ms = MiniBatchKMeans(**kw).fit(A.tocsc(), sample_weight=w)
    md = MiniBatchKMeans(**kw).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ms.labels_, md.labels_)
    assert ms.n_steps_ == md.n_steps_
    _close(ms.cluster_centers_, md.cluster_centers_, dtype)
    np.testing.assert_allclose(ms.inertia_, md.inertia_, rtol=RTOL[dtype])
    ps, pd = MiniBatchKMeans(**kw), MiniBatchKMeans(**kw)
    for i in range(3):
        rows = slice(200 * i, 200 * (i + 1))
        ps.partial_fit(A[rows], sample_weight=None if w is None else w[rows])
        pd.partial_fit(X[rows], sample_weight=None if w is None else w[rows])
        np.testing.assert_array_equal(ps.labels_, pd.labels_)
        _close(ps.cluster_centers_, pd.cluster_centers_, dtype)
    np.testing.assert_array_equal(ps.predict(A), pd.predict(X))


def test_sparse_is_never_densified(monkeypatch):
    A = sp.csr_matrix(_tfidf())

    def refuse(*args, **kwargs):
        raise AssertionError("densified")

    for cls in (sp.csr_matrix, sp.csc_matrix):
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    m = KMeans(5, n_init=2, random_state=0).fit(A)
    m.predict(A)
    m.transform(A)
    m.score(A)
    MiniBatchKMeans(5, random_state=0, n_init=1, batch_size=100).fit(A).partial_fit(A[:50])


@pytest.mark.parametrize("Est", [KMeans, MiniBatchKMeans])
def test_bad_sparse_input(Est):
    A = _tfidf()
    bad = A.copy()
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Est(3, n_init=1).fit(bad)
    bad.data[3] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        Est(3, n_init=1).fit(bad)
    m = Est(3, n_init=1, random_state=0).fit(A)
    with pytest.raises(ValueError, match="features"):
        m.predict(sp.csr_matrix(np.ones((4, A.shape[1] + 1))))
    bad = A[:10].copy()
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        m.predict(bad)
    with pytest.raises(ValueError, match="n_samples=2 should be >= n_clusters=3"):
        Est(3, n_init=1).fit(A[:2])


def test_binding_rejects_a_broken_csr():
    from mlc import _mlc
    data, indices, indptr = np.ones(3), np.array([0, 1, 9], np.int32), np.array([0, 2, 3], np.int64)
    C = np.zeros((2, 4))
    with pytest.raises(ValueError, match="column index out of range"):
        _mlc.kmeans_assign((data, indices, indptr, 4), C)
    with pytest.raises(ValueError, match="centers"):
        _mlc.kmeans_assign((data, indices, np.array([0, 2, 3], np.int64), 10), C)
    with pytest.raises(TypeError, match="indices, indptr"):
        _mlc.kmeans_assign((data, indices), C)


@needs_rss
def test_sparse_kmeans_does_not_leak():
    A = _tfidf(n=200, d=100)

    def once():
        m = KMeans(4, n_init=1, random_state=0, max_iter=5).fit(A)
        m.predict(A)

    assert_rss_stable(once)
