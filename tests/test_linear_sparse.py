"""LogisticRegression (every solver), LinearSVC and LinearSVR on scipy.sparse CSR/CSC input: never
densified, the same coef_/intercept_ as on the dense copy and as scikit-learn on the same sparse matrix.

Tolerances: sparse vs dense copy, run to a tight tol: 1e-4 relative to the largest coefficient (the solvers
take the same steps on products that differ in rounding only, but on the ill-conditioned sets, digits, that
rounding moves the point where a tight tol stops by up to ~1e-5); predictions equal but for ties (99.5%).
sag/saga are compared without an intercept (on sparse input its steps are damped by 0.01, as in
scikit-learn, and it converges slowly). vs scikit-learn: its tests' 1e-4. float32 data: 1e-4 (the data
themselves are rounded).
"""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import MaxAbsScaler
from sklearn.svm import LinearSVC as SkLinearSVC, LinearSVR as SkLinearSVR

from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import LogisticRegression
from mlc.svm import LinearSVC, LinearSVR
from conftest import assert_rss_stable, needs_rss
from test_decomposition_sparse import _zipf_tfidf


def tfidf(seed=0):
    """A tf-idf matrix of generated documents (test_decomposition_sparse's) and labels from a sparse linear
    rule: two classes (seed 0) or three (seed 1)."""
    X = _zipf_tfidf(n_docs=400, n_words=1500, words_per_doc=40, seed=seed)
    rng = np.random.default_rng(seed)
    w = rng.normal(size=X.shape[1]) * (rng.random(X.shape[1]) < 0.2)
    s = X @ w
    return X, (s > np.median(s)).astype(int) + (s > np.quantile(s, 0.8)).astype(int) * (seed % 2)


def load(name):
    """A sparse matrix (CSR) and labels: scaled real sets (MaxAbsScaler keeps zeros at zero), tf-idf."""
    if name.startswith("tfidf"):
        return tfidf(seed=1 if name == "tfidf3" else 0)
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return sp.csr_matrix(MaxAbsScaler().fit_transform(X)), y


def close(a, b, atol):
    scale = max(np.abs(b.coef_).max(), np.abs(np.ravel(b.intercept_)).max(), 1.0)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=atol * scale)
    np.testing.assert_allclose(np.ravel(a.intercept_), np.ravel(b.intercept_), rtol=0, atol=atol * scale)


def quiet_fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", SkConvergenceWarning)
        return est.fit(X, y)


LR = [("lbfgs", {}), ("owlqn", {"l1_ratio": 0.5}), ("newton-cg", {}), ("newton-cholesky", {}), ("sag", {}),
      ("saga", {"l1_ratio": 1.0}), ("liblinear", {}), ("liblinear", {"dual": True}), ("liblinear", {"l1_ratio": 1.0})]


def same_predictions(a, b):
    assert np.mean(a == b) >= 0.995


@pytest.mark.parametrize("solver,kw", LR, ids=[f"{s}-{kw}" for s, kw in LR])
@pytest.mark.parametrize("name", ["iris", "breast_cancer", "digits", "tfidf", "tfidf3"])
def test_logistic_sparse_equals_dense_copy(solver, kw, name):
    X, y = load(name)
    if solver == "liblinear":
        y = (y == y[0]).astype(int)  # two classes only
    if solver == "newton-cholesky" and name.startswith("tfidf"):
        X = X[:, :300]  # its Hessian is n_features^2
    stoch = solver in ("sag", "saga")
    # sag/saga: without an intercept, whose steps are damped on sparse input (slow to converge)
    est = dict(solver=solver, tol=1e-9 if stoch else 1e-10, max_iter=5000 if stoch else 1000, random_state=0,
               fit_intercept=not stoch, **kw)
    a = quiet_fit(LogisticRegression(**est), X.toarray(), y)
    b = quiet_fit(LogisticRegression(**est), X, y)
    close(b, a, 1e-4)
    c = quiet_fit(LogisticRegression(**est), X.tocsc(), y)
    np.testing.assert_array_equal(c.coef_, b.coef_)
    same_predictions(b.predict(X), a.predict(X.toarray()))
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X.toarray()), atol=1e-4)


@pytest.mark.parametrize("solver,kw", [("gd", {}), ("adam", {"batch_size": 16}), ("sgd", {"batch_size": 1})])
@pytest.mark.parametrize("name", ["iris", "tfidf3"])
def test_first_order_solvers_on_sparse_take_the_dense_copy_steps(solver, kw, name):
    X, y = load(name)
    est = dict(solver=solver, max_iter=5, random_state=0, **kw)
    a = quiet_fit(LogisticRegression(**est), X.toarray(), y)
    b = quiet_fit(LogisticRegression(**est), X, y)
    close(b, a, 1e-8)
    np.testing.assert_allclose(b.loss_curve_, a.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("solver,name", [(s, n) for s in ("lbfgs", "newton-cg", "liblinear")
                                         for n in ("breast_cancer", "tfidf")] + [("saga", "tfidf")])
def test_logistic_sparse_matches_sklearn(solver, name):
    X, y = load(name)
    kw = dict(solver=solver, tol=1e-8, max_iter=5000, random_state=0)
    ours = quiet_fit(LogisticRegression(**kw), X, y)
    theirs = quiet_fit(SkLogisticRegression(**kw), X, y)
    close(ours, theirs, 1e-4)


SVC = [{}, {"loss": "hinge"}, {"dual": False}, {"penalty": "l1", "dual": False},
       {"multi_class": "crammer_singer"}]


# not l1 on tf-idf: rare words seen in one document only are identical columns, whose l1 optimum is not unique
@pytest.mark.parametrize("kw,name", [(k, n) for k in SVC for n in ("iris", "tfidf3") if n == "iris" or k != SVC[3]]
                         + [({}, "digits"), ({"dual": False}, "digits")])
def test_linear_svc_sparse_equals_dense_copy_and_sklearn(kw, name):
    X, y = load(name)
    est = dict(tol=1e-10, max_iter=20000, random_state=0, **kw)
    a = quiet_fit(LinearSVC(**est), X.toarray(), y)
    b = quiet_fit(LinearSVC(**est), X, y)
    close(b, a, 1e-4)
    same_predictions(b.predict(X), a.predict(X.toarray()))
    if kw.get("multi_class") != "crammer_singer":  # scikit-learn's crammer_singer tol is not LIBLINEAR's
        theirs = quiet_fit(SkLinearSVC(**est), X, y)
        close(b, theirs, 1e-4)


@pytest.mark.parametrize("loss", ["epsilon_insensitive", "squared_epsilon_insensitive"])
def test_linear_svr_sparse_equals_dense_copy_and_sklearn(loss):
    X, _ = load("tfidf")
    y = X @ np.random.default_rng(0).normal(size=X.shape[1])
    est = dict(loss=loss, tol=1e-10, max_iter=20000, random_state=0, dual=True)
    a = quiet_fit(LinearSVR(**est), X.toarray(), y)
    b = quiet_fit(LinearSVR(**est), X, y)
    close(b, a, 1e-4)
    np.testing.assert_allclose(b.predict(X), a.predict(X.toarray()), atol=1e-6)
    close(b, quiet_fit(SkLinearSVR(**est), X, y), 1e-4)


@pytest.mark.parametrize("make", [lambda: LogisticRegression(max_iter=500), lambda: LinearSVC(tol=1e-8, max_iter=20000),
                                  lambda: LinearSVR(tol=1e-8, max_iter=100000)])
def test_float32_sparse_input(make):
    X, y = load("breast_cancer")
    a = quiet_fit(make(), X, y)
    b = quiet_fit(make(), X.astype(np.float32), y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=0, atol=1e-4 * max(np.abs(a.coef_).max(), 1))


@pytest.mark.parametrize("make", [LogisticRegression, LinearSVC, LinearSVR])
def test_bad_sparse_input(make):
    X, y = load("iris")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        make().fit(X[:100], y)
    bad = X.copy()
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        make().fit(bad, y)
    neg = sp.csr_matrix((X.data.copy(), X.indices.copy(), X.indptr.copy()), shape=X.shape)
    neg.indices[5] = -1
    with pytest.raises(ValueError, match="column|ind"):
        make().fit(neg, y)
    est = quiet_fit(make(), X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])


@needs_rss
def test_no_leak_on_sparse_input():
    X, y = load("iris")
    yb = (y == 0).astype(int)

    def once():
        LogisticRegression(max_iter=5).fit(X, y)
        LogisticRegression(solver="saga", max_iter=2).fit(X, y)
        LogisticRegression(solver="newton-cholesky", max_iter=2).fit(X, y)
        LinearSVC(max_iter=5).fit(X, yb).predict(X)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_rss_stable(once, iterations=300, warmup=50)
