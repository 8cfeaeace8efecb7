"""csrc/core/sparse.c (CSR x dense products, row and column statistics) against scipy's dense
results, and check_array(accept_sparse=...): the canonical CSR the kernels take.

Tolerances: float64 within 1e-12 relative to the largest entry; float32 within 1e-5 (the products
add in float32 along a row, the transpose product and the statistics in float64).
"""
import numpy as np
import pytest
import scipy.sparse as sp

from mlc import _mlc
from mlc._validation import check_array, csr_parts
from conftest import assert_rss_stable, needs_rss

RTOL = {np.float64: 1e-12, np.float32: 1e-5}


def _random_csr(n, d, density, seed=0, dtype=np.float64):
    return sp.random(n, d, density=density, format="csr", random_state=seed, dtype=np.float64,
                     data_rvs=np.random.default_rng(seed).standard_normal).astype(dtype)


def _close(a, b, dtype):
    scale = max(1.0, float(np.abs(b).max(initial=0.0)))
    np.testing.assert_allclose(a, b, rtol=0, atol=RTOL[dtype] * scale)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,d,k,density", [(1, 1, 1, 1.0), (37, 11, 3, 0.3), (500, 800, 7, 0.01),
                                           (3000, 40, 12, 0.2), (5, 9, 2, 0.0)])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_products_equal_dense(dtype, n, d, k, density, n_threads):
    A = _random_csr(n, d, density, dtype=dtype)
    rng = np.random.default_rng(1)
    B = rng.standard_normal((d, k)).astype(dtype)
    C = rng.standard_normal((n, k)).astype(dtype)
    data, indices, indptr, nc = csr_parts(check_array(A, accept_sparse="csr"))
    Y = _mlc.csr_matmul(data, indices, indptr, nc, B, n_threads=n_threads)
    assert Y.dtype == dtype and Y.shape == (n, k)
    _close(Y, A.toarray().astype(np.float64) @ B, dtype)
    Yt = _mlc.csr_matmul(data, indices, indptr, nc, C, transpose=True, n_threads=n_threads)
    assert Yt.dtype == dtype and Yt.shape == (d, k)
    _close(Yt, A.toarray().astype(np.float64).T @ C, dtype)


def test_transpose_product_is_thread_count_independent():
    A = _random_csr(20000, 300, 0.02)
    C = np.random.default_rng(0).standard_normal((20000, 5))
    parts = csr_parts(A)
    Y1 = _mlc.csr_matmul(*parts, C, transpose=True, n_threads=1)
    Y2 = _mlc.csr_matmul(*parts, C, transpose=True, n_threads=2)
    assert np.array_equal(Y1, Y2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_statistics_equal_dense(dtype):
    A = _random_csr(400, 60, 0.1, dtype=dtype)
    A.data += 3.0   # columns far from 0: the two-pass variance must not cancel
    X = A.toarray().astype(np.float64)
    sq, mean, ssq, cnt = _mlc.csr_stats(*csr_parts(A))
    _close(sq, (X ** 2).sum(axis=1), dtype)
    _close(mean, X.mean(axis=0), dtype)
    _close(ssq, ((X - X.mean(axis=0)) ** 2).sum(axis=0), dtype)
    assert np.array_equal(cnt, (X != 0).sum(axis=0))


def test_binding_rejects_a_malformed_csr():
    A = _random_csr(10, 5, 0.5)
    data, indices, indptr, d = csr_parts(A)
    B = np.ones((5, 2))
    bad = indices.copy()
    bad[0] = 5
    with pytest.raises(ValueError, match="column index out of range"):
        _mlc.csr_matmul(data, bad, indptr, d, B)
    with pytest.raises(ValueError, match="indptr"):
        _mlc.csr_matmul(data, indices, indptr[::-1].copy(), d, B)
    with pytest.raises(ValueError, match="indices as many as data"):
        _mlc.csr_matmul(data[:-1], indices, indptr, d, B)
    with pytest.raises(ValueError, match="B"):
        _mlc.csr_matmul(data, indices, indptr, d, np.ones((4, 2)))


# ---- check_array(accept_sparse=...) ----------------------------------------------------------

def test_check_array_rejects_sparse_by_default():
    with pytest.raises(TypeError, match="Sparse input is not supported"):
        check_array(sp.csr_matrix(np.eye(3)))


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "dok", "lil", "bsr", "dia"])
@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array])
def test_check_array_gives_canonical_csr(fmt, container):
    X = container(np.arange(12.0).reshape(3, 4) % 5).asformat(fmt)
    out = check_array(X, accept_sparse="csr")
    assert out.format == "csr" and out.has_canonical_format and out.dtype == np.float64
    assert np.array_equal(out.toarray(), X.toarray())


def test_check_array_keeps_an_accepted_format_and_dtype():
    X = sp.csc_matrix(np.eye(3, dtype=np.float32))
    out = check_array(X, accept_sparse=["csr", "csc"])
    assert out is X
    assert check_array(X, accept_sparse=["csr", "csc"], copy=True) is not X
    assert check_array(sp.csr_matrix(np.eye(3, dtype=np.int64)), accept_sparse=True).dtype == np.float64


def test_check_array_sums_duplicates_and_sorts_on_a_copy():
    data, indices, indptr = np.array([1.0, 2.0, 3.0]), np.array([2, 0, 2]), np.array([0, 3])
    X = sp.csr_matrix((data, indices, indptr), shape=(1, 3))
    X.has_canonical_format = False
    out = check_array(X, accept_sparse="csr")
    assert np.array_equal(out.indices, [0, 2]) and np.array_equal(out.data, [2.0, 4.0])
    assert np.array_equal(X.indices, [2, 0, 2])   # the caller's matrix is untouched


def test_check_array_sparse_bad_input():
    X = sp.csr_matrix(np.eye(3))
    X.data[1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        check_array(X, accept_sparse="csr")
    X.data[1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        check_array(X, accept_sparse="csr")
    check_array(X, accept_sparse="csr", ensure_all_finite=False)
    with pytest.raises(ValueError, match="Complex"):
        check_array(sp.csr_matrix(np.eye(2, dtype=complex)), accept_sparse="csr")
    with pytest.raises(ValueError, match="0 sample"):
        check_array(sp.csr_matrix((0, 3)), accept_sparse="csr")
    with pytest.raises(ValueError, match="0 feature"):
        check_array(sp.csr_matrix((3, 0)), accept_sparse="csr")


def test_csr_parts_index_dtypes():
    X = sp.csr_matrix(np.eye(4))
    X.indices = X.indices.astype(np.int64)
    X.indptr = X.indptr.astype(np.int64)
    data, indices, indptr, d = csr_parts(check_array(X, accept_sparse="csr"))
    assert indices.dtype == np.int32 and indptr.dtype == np.int64 and d == 4
    np.testing.assert_array_equal(_mlc.csr_matmul(data, indices, indptr, d, np.eye(4)), np.eye(4))


@needs_rss
def test_sparse_kernels_do_not_leak():
    from mlc.decomposition import TruncatedSVD
    from mlc.neighbors import NearestNeighbors
    from mlc.preprocessing import MaxAbsScaler, StandardScaler
    A = _random_csr(60, 30, 0.2)
    parts = csr_parts(A)
    B = np.ones((30, 3))
    bad = parts[1].copy()
    bad[0] = 99

    def once():
        _mlc.csr_matmul(*parts, B)
        _mlc.csr_matmul(*parts, np.ones((60, 3)), transpose=True)
        _mlc.csr_stats(*parts)
        with pytest.raises(ValueError):
            _mlc.csr_matmul(parts[0], bad, parts[2], parts[3], B)
        TruncatedSVD(3, random_state=0).fit_transform(A)
        NearestNeighbors(n_neighbors=2).fit(A).kneighbors(A[:5])
        StandardScaler(with_mean=False).fit_transform(A)
        MaxAbsScaler().fit_transform(A)

    assert_rss_stable(once, iterations=1000, warmup=100)
