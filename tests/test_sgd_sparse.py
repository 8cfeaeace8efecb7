"""SGDClassifier / SGDRegressor on scipy.sparse input, never densified: scikit-learn's sparse SGD (steps on
the row's stored features, intercept decay 0.01), csrc/linear/sgd.c.

Tolerances: with shuffle=False, coef_ and intercept_ equal scikit-learn's sparse fit within 1e-10
relative (the same steps; averaging reorders a few sums); the mini-batch optimizers equal mlc's dense fit
within 1e-12 (zeros add nothing to a gradient).
"""
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as skl
from sklearn.datasets import load_diabetes, load_digits

from mlc.linear_model import SGDClassifier, SGDRegressor


def _digits():
    X, y = load_digits(return_X_y=True)
    return sp.csr_matrix(X / 16.0), y


def _tfidf_like(n=400, d=600, density=0.02, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed, data_rvs=rng.random)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = (sp.diags(1.0 / np.maximum(norms, 1e-12)) @ X).tocsr()
    return X, (X @ rng.normal(size=d) > 0).astype(int)


@pytest.mark.parametrize("loss", ["hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron"])
@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet", None])
@pytest.mark.parametrize("average", [False, 10])
def test_classifier_matches_sklearn_sparse(loss, penalty, average):
    X, y = _digits()
    kw = dict(loss=loss, penalty=penalty, average=average, shuffle=False, max_iter=4, tol=None, random_state=0)
    a = SGDClassifier(**kw).fit(X, y)
    b = skl.SGDClassifier(**kw).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-10, atol=1e-10)
    assert np.mean(a.predict(X) == b.predict(X)) > 0.99


@pytest.mark.parametrize("loss", ["squared_error", "huber", "epsilon_insensitive"])
@pytest.mark.parametrize("penalty", ["l2", "l1"])
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_regressor_matches_sklearn_sparse(loss, penalty, fmt):
    X, y = load_diabetes(return_X_y=True)
    X = np.where(X > 0, X, 0.0)
    Xs = sp.csr_matrix(X).asformat(fmt)
    kw = dict(loss=loss, penalty=penalty, shuffle=False, max_iter=20, tol=None, random_state=0)
    a = SGDRegressor(**kw).fit(Xs, y)
    b = skl.SGDRegressor(**kw).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.predict(Xs), b.predict(sp.csr_matrix(X)), rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tfidf_like_shuffled_and_partial_fit(dtype):
    X, y = _tfidf_like()
    X = X.astype(dtype)
    a = SGDClassifier(random_state=0).fit(X, y)
    b = skl.SGDClassifier(random_state=0).fit(X, y)
    assert abs(a.score(X, y) - b.score(X, y)) < 0.05
    p = SGDClassifier(random_state=0)
    for _ in range(3):
        p.partial_fit(X, y, classes=[0, 1])
    assert p.coef_.shape == (1, X.shape[1]) and p.score(X, y) > 0.8
    e = SGDClassifier(early_stopping=True, random_state=0).fit(X, y)
    assert e.validation_scores_.size == e.n_iter_


def test_minibatch_optimizers_equal_dense():
    X, y = _digits()
    for opt in ("adam", "momentum"):
        a = SGDClassifier(optimizer=opt, batch_size=16, max_iter=3, tol=None, random_state=0).fit(X, y)
        b = SGDClassifier(optimizer=opt, batch_size=16, max_iter=3, tol=None, random_state=0).fit(X.toarray(), y)
        np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-12)


def test_bad_sparse_input():
    X, y = _digits()
    bad = X.copy()
    bad.data[0] = np.inf
    for est in (SGDClassifier(), SGDRegressor()):
        with pytest.raises(ValueError, match="infinity"):
            est.fit(bad, y)
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        SGDRegressor().fit(sp.csr_matrix((0, 4)), [])
    m = SGDClassifier(max_iter=2, tol=None).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.predict(sp.csr_matrix((3, 5)))
    import mlc._mlc as _mlc
    with pytest.raises(ValueError, match="CSR"):
        _mlc.sgd_fit(np.ones(1), np.ones(2), None, None, None, None, None, None, np.zeros((1, 3)), np.zeros(1), None,
                     None, None, None, None, 1.0, 5, 0.1, 2, 1e-4, 0.15, True, 1, 1e-3, 5, False, 0, 0, 0.01, 0.5,
                     False, 0.01, 0, -1, X_indices=np.array([7], np.int32), X_indptr=np.array([0, 1, 1]),
                     n_features=3)
