"""random_state=None draws from NumPy's global RandomState, as scikit-learn's check_random_state(None)
does: np.random.seed(0) makes a script repeatable, and each fit advances the global state."""
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from mlc._validation import check_legacy_random_state, check_random_state, seed_from_random_state
from mlc.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from mlc.decomposition import PCA, TruncatedSVD
from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import ElasticNet, Lasso, LogisticRegression, SGDClassifier, SGDRegressor
from mlc.mixture import GaussianMixture
from mlc.nn import MLPClassifier, MLPRegressor, NeuralNetClassifier, NeuralNetRegressor
from mlc.svm import SVC, LinearSVC, LinearSVR

# every estimator whose fit draws random numbers with these parameters, and what the draws change
CASES = [
    (KMeans(n_clusters=4, n_init=1), "cluster_centers_"),
    (MiniBatchKMeans(n_clusters=4, n_init=1, batch_size=16), "cluster_centers_"),
    (PCA(n_components=3, svd_solver="randomized", iterated_power=1), "components_"),
    (TruncatedSVD(n_components=3, n_iter=1), "components_"),
    (GaussianMixture(n_components=3, init_params="random", max_iter=3), "means_"),
    (GaussianMixture(n_components=3, max_iter=3), "means_"),
    (SGDClassifier(max_iter=3, tol=None), "coef_"),
    (SGDRegressor(max_iter=3, tol=None), "coef_"),
    (MLPClassifier(hidden_layer_sizes=(5,), max_iter=3), "loss_curve_"),
    (MLPRegressor(hidden_layer_sizes=(5,), max_iter=3), "loss_curve_"),
    (NeuralNetClassifier(max_epochs=2), "loss_curve_"),
    (NeuralNetRegressor(max_epochs=2), "loss_curve_"),
    (Lasso(alpha=0.01, selection="random", max_iter=3, tol=0), "coef_"),
    (ElasticNet(alpha=0.01, selection="random", max_iter=3, tol=0), "coef_"),
    (LinearSVC(dual=True, max_iter=3, tol=1e-12), "coef_"),
    (LinearSVR(max_iter=3, tol=1e-12), "coef_"),
    (SVC(probability=True), "probA_"),
]


def _data(est):
    rng = np.random.RandomState(42)
    X = rng.normal(size=(80, 6))
    if getattr(est, "_estimator_type", None) == "regressor":
        return X, X @ rng.normal(size=6) + rng.normal(size=80)
    return X, (X[:, 0] + 0.5 * rng.normal(size=80) > 0).astype(int)


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        return np.array(getattr(clone(est).fit(X, y), est_attr(est)), dtype=np.float64)


def est_attr(est):
    return dict((id(e), a) for e, a in CASES)[id(est)]


@pytest.mark.parametrize("est", [e for e, _ in CASES], ids=repr)
def test_none_follows_numpy_global_seed(est):
    assert est.random_state is None
    X, y = _data(est)
    np.random.seed(0)
    first = _fit(est, X, y)
    np.random.seed(0)
    again = _fit(est, X, y)
    np.testing.assert_array_equal(first, again)  # repeatable after np.random.seed
    later = _fit(est, X, y)  # the global state moved on: new draws
    assert not np.array_equal(again, later)


def test_logistic_regression_stochastic_solver():
    """LogisticRegression draws only where its solver is random; there np.random.seed rules too."""
    est = LogisticRegression()
    X, y = _data(est)
    for solver in ("sgd", "adam"):
        e = LogisticRegression(solver=solver, batch_size=8, max_iter=2, tol=1e-12)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.random.seed(0)
            a = clone(e).fit(X, y).coef_
            np.random.seed(0)
            b = clone(e).fit(X, y).coef_
            c = clone(e).fit(X, y).coef_
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(b, c)


def test_kmeans_plusplus_function():
    X, _ = _data(KMeans())
    np.random.seed(3)
    a = kmeans_plusplus(X, 4)[1]
    np.random.seed(3)
    np.testing.assert_array_equal(a, kmeans_plusplus(X, 4)[1])


def test_helpers_draw_from_the_global_state():
    np.random.seed(0)
    s1 = seed_from_random_state(None)
    g1 = check_random_state(None).integers(0, 2**62)
    np.random.seed(0)
    assert seed_from_random_state(None) == s1
    assert check_random_state(None).integers(0, 2**62) == g1
    assert seed_from_random_state(None) != s1
    assert check_legacy_random_state(None) is np.random.mtrand._rand
    assert seed_from_random_state(7) == 7
    rs = np.random.RandomState(5)
    assert seed_from_random_state(rs) == seed_from_random_state(np.random.RandomState(5))
