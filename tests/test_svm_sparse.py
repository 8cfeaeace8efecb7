"""mlc.svm SVC / SVR on scipy.sparse input: kernel rows from the CSR rows in C, never densified.

Tolerances: against mlc on the dense copy, the same support vectors and iteration counts, and
coefficients / decision values within 1e-9 (the dot products are summed in the same feature order;
only the GEMM of the dense prediction rounds differently); against scikit-learn's sparse LIBSVM,
the 1e-3 of tests/test_svm.py.
"""
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import datasets
from sklearn import svm as sksvm

from mlc import _mlc, set_num_threads, get_num_threads
from mlc.svm import SVC, SVR
from conftest import assert_rss_stable, needs_rss

KERNELS = ["linear", "rbf", "poly", "sigmoid"]


def digits(n=600):
    X, y = datasets.load_digits(return_X_y=True)
    return sp.csr_matrix(X[:n] / 16.0), y[:n]


def tfidf_like(n=300, d=2000, density=0.01, n_classes=3, seed=0):
    """Non-negative rows of unit norm with a few hundred columns in use, labels from a linear rule."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed,
                  data_rvs=lambda k: rng.uniform(0.1, 1.0, k))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    X = sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-12)) @ X)
    score = X @ rng.standard_normal((d, n_classes))
    return X, np.argmax(score, axis=1)


def assert_same_fit(ours, ref, X, atol, Xref=None):
    """ours on X, ref (on Xref, default X) the same model."""
    Xref = X if Xref is None else Xref
    np.testing.assert_array_equal(ours.support_, ref.support_)
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_.toarray() if sp.issparse(ref.dual_coef_)
                               else ref.dual_coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=atol)
    out = "decision_function" if hasattr(ref, "decision_function") else "predict"
    np.testing.assert_allclose(getattr(ours, out)(X), getattr(ref, out)(Xref), atol=atol)
    if out == "decision_function":   # (scikit-learn's sparse SVR has n_support_ [2 n_samples])
        np.testing.assert_array_equal(ours.n_support_, ref.n_support_)
        np.testing.assert_array_equal(ours.predict(X), ref.predict(Xref))
    np.testing.assert_array_equal(np.ravel(ours.n_iter_), np.ravel(ref.n_iter_))


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("data", ["digits", "tfidf"])
def test_svc_sparse_equals_dense_copy_and_sklearn(kernel, data):
    X, y = digits() if data == "digits" else tfidf_like()
    ours = SVC(kernel=kernel).fit(X, y)
    assert sp.issparse(ours.support_vectors_) and ours.support_vectors_.format == "csr"
    dense = SVC(kernel=kernel).fit(X.toarray(), y)
    assert_same_fit(ours, dense, X, atol=1e-9, Xref=X.toarray())
    np.testing.assert_array_equal(ours.support_vectors_.toarray(), dense.support_vectors_)
    np.testing.assert_allclose(ours.decision_function(X.toarray()), dense.decision_function(X.toarray()), atol=1e-9)
    theirs = sksvm.SVC(kernel=kernel).fit(X, y)
    assert ours._gamma == pytest.approx(theirs._gamma, rel=1e-12)
    assert_same_fit(ours, theirs, X, atol=1e-3)
    np.testing.assert_array_equal((ours.support_vectors_ != theirs.support_vectors_).nnz, 0)


@pytest.mark.parametrize("fmt", ["csc", "coo", "lil"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_formats_and_dtypes(fmt, dtype):
    X, y = tfidf_like(200)
    ref = SVC().fit(X, y)
    Xf = X.astype(dtype).asformat(fmt)
    ours = SVC().fit(Xf, y)
    Xr = X.astype(dtype).astype(np.float64)   # what the float32 copy holds
    ref = SVC().fit(Xr, y)
    assert_same_fit(ours, ref, Xf, atol=0)
    sa = sp.csr_array(X)
    got = SVC().fit(sa, y)
    assert sp.issparse(got.support_vectors_)
    np.testing.assert_array_equal(got.predict(sa), SVC().fit(X, y).predict(X))


@pytest.mark.parametrize("kernel", KERNELS)
def test_svr_sparse_equals_dense_copy_and_sklearn(kernel):
    X, _ = tfidf_like(250, d=800, density=0.03)
    t = np.asarray(X[:, :40].sum(axis=1)).ravel() * 5 + np.asarray(X[:, 40:80].sum(axis=1)).ravel()
    params = dict(kernel=kernel, C=3.0, epsilon=0.05)
    ours = SVR(**params).fit(X, t)
    assert sp.issparse(ours.support_vectors_)
    assert_same_fit(ours, SVR(**params).fit(X.toarray(), t), X, atol=1e-9, Xref=X.toarray())
    assert_same_fit(ours, sksvm.SVR(**params).fit(X, t), X, atol=1e-3)


def test_probability_sample_weight_and_class_weight():
    X, y = digits(400)
    w = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    w[::13] = 0.0
    kw = dict(probability=True, random_state=0, class_weight="balanced")
    ours = SVC(**kw).fit(X, y, sample_weight=w)
    dense = SVC(**kw).fit(X.toarray(), y, sample_weight=w)
    assert_same_fit(ours, dense, X, atol=1e-9, Xref=X.toarray())
    np.testing.assert_allclose(ours.probA_, dense.probA_, atol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), dense.predict_proba(X.toarray()), atol=1e-8)
    r = SVR().fit(X, y * 0.5, sample_weight=w)
    np.testing.assert_allclose(r.predict(X), SVR().fit(X.toarray(), y * 0.5, sample_weight=w).predict(X.toarray()),
                               atol=1e-9)


def test_binary_linear_coef_and_pickle():
    X, y = tfidf_like(200, n_classes=2)
    ours = SVC(kernel="linear").fit(X, y)
    np.testing.assert_allclose(ours.coef_, SVC(kernel="linear").fit(X.toarray(), y).coef_, atol=1e-9)
    np.testing.assert_allclose(ours.coef_, sksvm.SVC(kernel="linear").fit(X, y).coef_.toarray(), atol=1e-3)
    X3, y3 = tfidf_like(200, n_classes=4)
    m = SVC(kernel="linear").fit(X3, y3)
    np.testing.assert_allclose(m.coef_, SVC(kernel="linear").fit(X3.toarray(), y3).coef_, atol=1e-9)
    back = pickle.loads(pickle.dumps(ours))
    np.testing.assert_array_equal(back.decision_function(X), ours.decision_function(X))


def test_pairs_in_parallel_and_small_cache_give_the_same_fit():
    X, y = tfidf_like(300, n_classes=5)
    before = get_num_threads()
    try:
        set_num_threads(1)
        one = SVC().fit(X, y)
        set_num_threads(2)
        two = SVC().fit(X, y)
    finally:
        set_num_threads(before)
    tiny = SVC(cache_size=0.005).fit(X, y)
    for m in (two, tiny):
        np.testing.assert_array_equal(m.support_, one.support_)
        np.testing.assert_array_equal(m.n_iter_, one.n_iter_)
        np.testing.assert_allclose(m.dual_coef_, one.dual_coef_, atol=1e-12)


def test_sparse_and_dense_queries():
    X, y = digits(300)
    m = SVC().fit(X, y)
    np.testing.assert_array_equal(m.predict(X.toarray()), m.predict(X))   # dense rows made CSR
    d = SVC().fit(X.toarray(), y)
    with pytest.raises(ValueError, match="cannot use sparse input in 'SVC' trained on dense data"):
        d.predict(X)
    with pytest.raises(ValueError, match="cannot use sparse input in 'SVR' trained on dense data"):
        SVR().fit(X.toarray(), y).predict(X)
    with pytest.raises(ValueError, match="features"):
        m.predict(X[:, :10])
    empty = sp.csr_matrix((5, X.shape[1]))   # rows without entries
    np.testing.assert_allclose(m.decision_function(empty), d.decision_function(np.zeros((5, X.shape[1]))),
                               atol=1e-12)


def test_bad_sparse_input():
    X, y = digits(100)
    for bad, match in ((np.nan, "NaN"), (np.inf, "infinity")):
        B = X.copy()
        B.data[3] = bad
        for est in (SVC(), SVR()):
            with pytest.raises(ValueError, match=match):
                est.fit(B, y)
        with pytest.raises(ValueError, match=match):
            SVC().fit(X, y).predict(B)
    with pytest.raises(ValueError, match="Complex"):
        SVC().fit(X.astype(np.complex128), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SVC().fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        SVC().fit(sp.csr_matrix((0, 4)), [])


def test_direct_binding_calls_raise():
    X, y = tfidf_like(50, d=30, density=0.2, n_classes=2)
    yy = np.where(y == 1, 1.0, -1.0)
    kw = dict(kernel=2, degree=3, gamma=1.0, coef0=0.0, tol=1e-3, cache_size=10.0, max_iter=-1)
    parts = (X.data, X.indices, X.indptr.astype(np.int64), X.shape[1])
    coef, rho, _, _ = _mlc.svm_fit_c_svc(parts, yy, np.ones(50), **kw)
    ref, rref, _, _ = _mlc.svm_fit_c_svc(X.toarray(), yy, np.ones(50), **kw)
    np.testing.assert_allclose(coef, ref, atol=1e-12)
    bad_col = (X.data, np.where(X.indices == X.indices.max(), 30, X.indices), parts[2], 30)
    with pytest.raises(ValueError, match="CSR: column index out of range"):
        _mlc.svm_fit_c_svc(bad_col, yy, np.ones(50), **kw)
    with pytest.raises(ValueError, match="CSR: indptr"):
        _mlc.svm_fit_epsilon_svr((X.data, X.indices, parts[2][:-1], 30), yy[:-1], np.ones(49), epsilon=0.1, **kw)
    with pytest.raises(TypeError, match="CSR data must be float64"):
        _mlc.svm_fit_c_svc((X.data.astype(np.float32),) + parts[1:], yy, np.ones(50), **kw)
    with pytest.raises(TypeError, match="CSR tuple"):
        _mlc.svm_fit_c_svc((X.data, X.indices), yy, np.ones(50), **kw)
    with pytest.raises(ValueError, match="y"):
        _mlc.svm_fit_c_svc(parts, yy[:-1], np.ones(50), **kw)
    dk = dict(kernel=2, degree=3, gamma=1.0, coef0=0.0)
    W, b = np.ones((3, 1)), np.zeros(1)
    with pytest.raises(TypeError, match="both dense or both CSR"):
        _mlc.svm_decision(parts, X[:3].toarray(), W, b, **dk)
    with pytest.raises(ValueError, match="SV must have 30 columns"):
        _mlc.svm_decision(parts, (X.data[:0], X.indices[:0], np.zeros(4, np.int64), 29), W, b, **dk)
    start = np.array([0, 20, 50], dtype=np.int64)
    with pytest.raises(ValueError, match="CSR"):
        _mlc.svm_fit_c_svc_ovo((X.data, X.indices, parts[2] + 1, 30), start, np.ones(50), **kw)


@needs_rss
def test_memory_is_stable():
    X, y = digits(40)
    y = y % 2

    def once():
        SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
        SVR(kernel="poly").fit(X, y * 1.0).predict(X)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_rss_stable(once)
