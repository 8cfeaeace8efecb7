"""LogisticRegression's product-only solvers (lbfgs, owlqn, newton-cg) take a CSR matrix whose indices are
unsorted or repeated as it is: no canonical copy (the copy was most of the peak memory of a sparse fit), the
optimum of the canonical matrix (a repeated entry counts as its sum). Tolerance: 1e-8 relative to the
largest coefficient (the sums run in another order), tol=1e-10."""
import numpy as np
import pytest
import scipy.sparse as sp

from mlc._validation import check_array
from mlc.linear_model import LogisticRegression


def noncanonical(n=300, d=120, nnz=3000, seed=0):
    """A CSR matrix with unsorted and repeated column indices, its canonical copy, and labels."""
    rng = np.random.default_rng(seed)
    rows, cols, vals = rng.integers(0, n, nnz), rng.integers(0, d, nnz), rng.normal(size=nnz)
    order = np.argsort(rows, kind="stable")  # rows in order, columns within a row not
    indptr = np.searchsorted(rows[order], np.arange(n + 1))
    X = sp.csr_matrix((vals[order], cols[order].astype(np.int32), indptr), shape=(n, d))
    assert not X.has_canonical_format
    Xc = X.copy()
    Xc.sum_duplicates()
    y = (Xc @ rng.normal(size=d) + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, Xc, y


def test_check_array_keeps_a_noncanonical_matrix_when_asked():
    X, _, _ = noncanonical()
    kept = check_array(X, accept_sparse="csr", accept_noncanonical=True)
    assert kept.data is X.data and kept.indices is X.indices
    fixed = check_array(X, accept_sparse="csr")
    assert fixed.has_canonical_format and not X.has_canonical_format  # a copy; X itself untouched


@pytest.mark.parametrize("solver,kw", [("lbfgs", {}), ("newton-cg", {}), ("owlqn", {"l1_ratio": 0.5})])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_noncanonical_csr_gives_the_canonical_optimum(solver, kw, n_classes):
    X, Xc, y = noncanonical(seed=n_classes)
    if n_classes == 3:
        y = y + (np.asarray(Xc[:, 0].todense()).ravel() > 0)
    data, indices = X.data.copy(), X.indices.copy()
    est = dict(solver=solver, tol=1e-10, max_iter=5000, **kw)
    a = LogisticRegression(**est).fit(X, y)
    b = LogisticRegression(**est).fit(Xc, y)
    scale = max(np.abs(b.coef_).max(), 1.0)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-8 * scale)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=1e-8 * scale)
    np.testing.assert_array_equal(X.data, data)  # the caller's matrix is not modified
    np.testing.assert_array_equal(X.indices, indices)
    np.testing.assert_array_equal(a.predict(X), b.predict(Xc))
