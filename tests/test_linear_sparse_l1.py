"""LIBLINEAR's l1 solvers on scipy.sparse input: LinearSVC(penalty='l1', dual=False) (solver 5) and
LogisticRegression(solver='liblinear', l1) (solver 6) run coordinate descent over the CSC columns of the
CSR matrix (built once, O(nnz)), never over a dense copy.

Tolerances: as tests/test_linear_sparse.py: sparse vs dense copy and vs scikit-learn 1e-4 relative to the
largest coefficient, predictions equal but for ties (99.5%). On the Rotten Tomatoes bag of words some words
occur in exactly the same documents (identical columns), so the l1 optimum is not unique: there the primal
objective is compared (1e-8 relative: both stop at tol=1e-8), and the predictions.
"""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.svm import LinearSVC as SkLinearSVC

from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import LogisticRegression
from mlc.svm import LinearSVC
from test_linear_sparse import close, same_predictions
from test_naive_bayes_text import corpus  # noqa: F401 (the fixture)

EST = {"svc": (LinearSVC, SkLinearSVC, dict(penalty="l1", dual=False)),
       "lr": (LogisticRegression, SkLogisticRegression, dict(solver="liblinear", l1_ratio=1.0))}
SK_KW = {"svc": dict(penalty="l1", dual=False), "lr": dict(solver="liblinear", l1_ratio=1.0)}


def quiet_fit(est, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", SkConvergenceWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return est.fit(X, y, **kw)


def generated(n=300, d=200, density=0.05, n_classes=2, seed=0):
    """A random CSR matrix (continuous values: no two columns alike) and labels of a sparse linear rule."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed, data_rvs=rng.standard_normal)
    s = X @ (rng.normal(size=d) * (rng.random(d) < 0.3))
    y = np.digitize(s, np.quantile(s, np.linspace(0, 1, n_classes + 1)[1:-1]))
    return X, y


def objective(est, X, y, C, kind):
    """The l1 primal objective of a binary fit, LIBLINEAR's: ||w~||_1 + C sum_i loss(y_i w~.x~_i)."""
    yy = np.where(y == est.classes_[1], 1.0, -1.0)
    m = yy * (X @ est.coef_.ravel() + est.intercept_[0])
    loss = np.logaddexp(0, -m) if kind == "lr" else np.maximum(0, 1 - m) ** 2
    return np.abs(est.coef_).sum() + abs(est.intercept_[0]) + C * loss.sum()


@pytest.mark.parametrize("kind", ["svc", "lr"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_l1_sparse_equals_dense_copy_and_sklearn(kind, n_classes, fit_intercept, weighted):
    if kind == "lr" and n_classes > 2:
        pytest.skip("liblinear is binary only")
    X, y = generated(n_classes=n_classes, seed=n_classes)
    # newGLMNET at tol=1e-10 stalls at max_iter on some of these sets (scikit-learn's too): 1e-8 converges
    kw = dict(tol=1e-10 if kind == "svc" else 1e-8, max_iter=20000, random_state=0, C=2.0,
              fit_intercept=fit_intercept)
    fit_kw = {}
    if weighted:
        kw["class_weight"] = {0: 2.0, 1: 0.5}
        fit_kw["sample_weight"] = np.random.default_rng(1).uniform(0.5, 2.0, size=len(y))
    ours, theirs, extra = EST[kind]
    a = quiet_fit(ours(**kw, **extra), X.toarray(), y, **fit_kw)
    b = quiet_fit(ours(**kw, **extra), X, y, **fit_kw)
    close(b, a, 1e-4)
    same_predictions(b.predict(X), a.predict(X.toarray()))
    c = quiet_fit(ours(**kw, **extra), X.tocsc(), y, **fit_kw)
    np.testing.assert_array_equal(c.coef_, b.coef_)
    sk = quiet_fit(theirs(**kw, **SK_KW[kind]), X, y, **fit_kw)
    close(b, sk, 1e-4)


@pytest.mark.parametrize("kind,C", [("svc", 0.1), ("lr", 1.0)])
def test_l1_sparse_on_the_rotten_tomatoes_corpus_reaches_sklearns_objective(corpus, kind, C):  # noqa: F811
    X, y, _ = corpus
    keep = y != "plot"  # fresh / rotten: liblinear's LogisticRegression is binary only
    X, y = X[keep], y[keep]
    kw = dict(tol=1e-8, max_iter=5000, random_state=0, C=C)
    ours, theirs, extra = EST[kind]
    a = quiet_fit(ours(**kw, **extra), X, y)
    b = quiet_fit(theirs(**kw, **SK_KW[kind]), X, y)
    fa, fb = objective(a, X, y, C, kind), objective(b, X, y, C, kind)
    assert abs(fa - fb) <= 1e-8 * fb
    same_predictions(a.predict(X), b.predict(X))
    assert 0 < np.count_nonzero(a.coef_) < X.shape[1] // 2  # l1: sparse coefficients


@pytest.mark.parametrize("kind", ["svc", "lr"])
def test_l1_sparse_wide_matrix_is_not_densified(kind):
    # 100k x 100k with 0.003% density: a dense column copy would be 80 GB; the CSC is a few MB
    n = d = 100_000
    rng = np.random.default_rng(0)
    nnz = 3 * n
    X = sp.csr_matrix((rng.random(nnz), (rng.integers(0, n, nnz), rng.integers(0, d, nnz))), shape=(n, d))
    y = (np.asarray(X.sum(axis=1)).ravel() > np.median(np.asarray(X.sum(axis=1)))).astype(int)
    ours, _, extra = EST[kind]
    est = quiet_fit(ours(C=1.0, random_state=0, max_iter=50, **extra), X, y)
    assert est.coef_.shape == (1, d) and np.isfinite(est.coef_).all()
    assert (est.predict(X) == y).mean() > 0.6
