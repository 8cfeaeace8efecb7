"""TruncatedSVD on scipy.sparse input: never densified, the same result as on the dense copy, and
scikit-learn's result on the same sparse matrix.

Tolerances: sparse vs dense copy (same seed, same algorithm, only the products differ): singular
values within 1e-10 relative, components and projections within 1e-9 (float64; 1e-6 with
power_iteration_normalizer='none', whose un-normalised power iterates are ill-conditioned, so the
final QR amplifies the products' last-bit differences); float32 within 1e-3. vs scikit-learn (its random numbers differ from mlc's): with n_iter=30, the 5 leading
singular values within 1e-6 relative and |components . components_sklearn^T| within 1e-5 of I.
"""
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.decomposition as skd
from sklearn.datasets import load_digits
from sklearn.feature_extraction.text import TfidfTransformer

from mlc.decomposition import TruncatedSVD


def _zipf_tfidf(n_docs=600, n_words=2000, words_per_doc=60, seed=0):
    """A tf-idf matrix of generated documents whose words follow Zipf's law (as text does)."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_words + 1) ** 1.1
    p /= p.sum()
    rows = np.repeat(np.arange(n_docs), words_per_doc)
    cols = rng.choice(n_words, size=rows.size, p=p)
    counts = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_docs, n_words))
    return TfidfTransformer().fit_transform(counts).tocsr()


def _digits():
    return sp.csr_matrix(load_digits().data)


@pytest.mark.parametrize("make", [_zipf_tfidf, _digits], ids=["zipf_tfidf", "digits"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU", "none"])
def test_sparse_equals_dense_copy(make, fmt, normalizer):
    A = make().asformat(fmt)
    kw = dict(n_components=8, n_iter=4, random_state=3, power_iteration_normalizer=normalizer)
    ms = TruncatedSVD(**kw)
    Xs = ms.fit_transform(A)
    md = TruncatedSVD(**kw)
    Xd = md.fit_transform(A.toarray())
    np.testing.assert_allclose(ms.singular_values_, md.singular_values_, rtol=1e-10)
    tol = 1e-6 if normalizer == "none" else 1e-9
    np.testing.assert_allclose(ms.components_, md.components_, rtol=0, atol=tol)
    np.testing.assert_allclose(Xs, Xd, rtol=0, atol=tol * np.abs(Xd).max())
    np.testing.assert_allclose(ms.explained_variance_ratio_, md.explained_variance_ratio_, rtol=tol)
    np.testing.assert_allclose(ms.transform(A), md.transform(A.toarray()), rtol=0,
                               atol=tol * np.abs(Xd).max())


def test_sparse_float32_stays_float32():
    A = _zipf_tfidf().astype(np.float32)
    m = TruncatedSVD(5, random_state=0).fit(A)
    d = TruncatedSVD(5, random_state=0).fit(A.toarray().astype(np.float64))
    assert m.components_.dtype == np.float32 and m.transform(A).dtype == np.float32
    np.testing.assert_allclose(m.singular_values_, d.singular_values_, rtol=1e-3)
    np.testing.assert_allclose(m.components_, d.components_, rtol=0, atol=1e-3)


@pytest.mark.parametrize("make", [_zipf_tfidf, _digits], ids=["zipf_tfidf", "digits"])
def test_sparse_matches_sklearn(make):
    A = make()
    m = TruncatedSVD(5, n_iter=30, random_state=0).fit(A)
    s = skd.TruncatedSVD(5, n_iter=30, random_state=0).fit(A)
    np.testing.assert_allclose(m.singular_values_, s.singular_values_, rtol=1e-6)
    np.testing.assert_allclose(np.abs(m.components_ @ s.components_.T), np.eye(5), atol=1e-5)
    np.testing.assert_allclose(m.explained_variance_ratio_, s.explained_variance_ratio_, rtol=1e-5)


def test_sparse_arpack_matches_sklearn():
    A = _digits()
    m = TruncatedSVD(5, algorithm="arpack").fit(A)
    s = skd.TruncatedSVD(5, algorithm="arpack").fit(A)
    np.testing.assert_allclose(m.singular_values_, s.singular_values_, rtol=1e-8)
    np.testing.assert_allclose(np.abs(m.components_ @ s.components_.T), np.eye(5), atol=1e-6)
    with pytest.raises(ValueError, match="strictly less"):
        TruncatedSVD(64, algorithm="arpack").fit(A)


def test_sparse_input_is_not_densified():
    # 50,000 x 40,000 float64 would need 16 GB dense; it holds 100,000 non-zeros
    rng = np.random.default_rng(0)
    n, d, nnz = 50_000, 40_000, 100_000
    A = sp.csr_matrix((rng.random(nnz) + 0.5, (rng.integers(0, n, nnz), rng.integers(0, d, nnz))),
                      shape=(n, d))
    m = TruncatedSVD(3, n_iter=2, random_state=0)
    Xt = m.fit_transform(A)
    assert Xt.shape == (n, 3) and m.components_.shape == (3, d)
    assert np.all(np.isfinite(Xt)) and np.all(m.singular_values_ > 0)


def test_sparse_bad_input():
    A = _digits()
    A.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        TruncatedSVD(2).fit(A)
    A.data[3] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        TruncatedSVD(2).fit(A)
    with pytest.raises(ValueError, match="Complex"):
        TruncatedSVD(2).fit(sp.csr_matrix(np.eye(4, dtype=complex)))
    with pytest.raises(ValueError, match="n_components"):
        TruncatedSVD(65).fit(_digits())
    with pytest.raises(ValueError, match="0 sample"):
        TruncatedSVD(1).fit(sp.csr_matrix((0, 5)))
    m = TruncatedSVD(2, random_state=0).fit(_digits())
    with pytest.raises(ValueError, match="features"):
        m.transform(sp.csr_matrix((3, 10)))


def test_sparse_unsorted_duplicates_and_int64_indices():
    A = _digits()
    D = A.toarray()
    # the same matrix written with each row's entries reversed and split in two duplicates
    rows, cols, vals = [], [], []
    coo = A.tocoo()
    for r, c, v in zip(coo.row[::-1], coo.col[::-1], coo.data[::-1]):
        rows += [r, r]
        cols += [c, c]
        vals += [v / 4, 3 * v / 4]
    B = sp.coo_matrix((vals, (rows, cols)), shape=A.shape).tocsr(copy=False)
    B.indices = B.indices.astype(np.int64)
    B.indptr = B.indptr.astype(np.int64)
    ref = TruncatedSVD(4, random_state=1).fit(D)
    m = TruncatedSVD(4, random_state=1).fit(B)
    np.testing.assert_allclose(m.singular_values_, ref.singular_values_, rtol=1e-10)
    np.testing.assert_allclose(m.components_, ref.components_, rtol=0, atol=1e-9)


def test_sparse_pickles_and_tags():
    m = TruncatedSVD(3, random_state=0).fit(_zipf_tfidf())
    assert m.__sklearn_tags__().input_tags.sparse is True
    import pickle
    m2 = pickle.loads(pickle.dumps(m))
    A = _zipf_tfidf(seed=1)
    assert np.array_equal(m.transform(A), m2.transform(A))
