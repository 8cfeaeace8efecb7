"""AdaBoost (SAMME, AdaBoost.R2) against scikit-learn's: with the same member trees (mlc's trees are
scikit-learn's wherever no two candidate splits tie; the cases below have no ties) the same estimator
weights, errors, decision functions and predictions, to 1e-10; AdaBoost.R2's bootstraps are drawn from
NumPy's RandomState as scikit-learn draws them. check_estimator; bad input."""
import numpy as np
import pytest
from sklearn import datasets
from sklearn import ensemble as ske
from sklearn import tree as skt
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc.ensemble import AdaBoostClassifier, AdaBoostRegressor
from mlc.linear_model import LogisticRegression
from mlc.tree import DecisionTreeClassifier, DecisionTreeRegressor

ATOL = 1e-10


def load(name):
    if name == "friedman1":
        return datasets.make_friedman1(n_samples=400, random_state=0)
    return getattr(datasets, f"load_{name}")(return_X_y=True)


def assert_same_members(ours, theirs, X):
    """The same members (the same predictions on X: iris's stumps split petal length or width alike)."""
    assert len(ours.estimators_) == len(theirs.estimators_)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        pa, pb = a.predict(X), b.predict(X)
        if pa.dtype.kind == "f":
            np.testing.assert_allclose(pa, pb, rtol=0, atol=ATOL)
        else:
            np.testing.assert_array_equal(pa, pb)
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_, rtol=0, atol=ATOL)
    np.testing.assert_allclose(ours.estimator_errors_, theirs.estimator_errors_, rtol=0, atol=ATOL)


@pytest.mark.parametrize("name", ["iris", "breast_cancer", "digits"])
@pytest.mark.parametrize("depth,lr", [(1, 1.0), (3, 0.5)])
def test_classifier_same_as_sklearn(name, depth, lr):
    X, y = load(name)
    kw = dict(n_estimators=25, learning_rate=lr, random_state=0)
    ours = AdaBoostClassifier(DecisionTreeClassifier(max_depth=depth), **kw).fit(X, y)
    theirs = ske.AdaBoostClassifier(skt.DecisionTreeClassifier(max_depth=depth), **kw).fit(X, y)
    assert_same_members(ours, theirs, X)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=0, atol=ATOL)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=ATOL)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    if depth == 1 and name != "iris":  # deeper trees and iris's petal length and width have tied splits
        # (the same predictions, other features)
        np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, rtol=0, atol=ATOL)
    for a, b in zip(ours.staged_predict_proba(X[:50]), theirs.staged_predict_proba(X[:50])):
        np.testing.assert_allclose(a, b, rtol=0, atol=ATOL)
    for a, b in zip(ours.staged_decision_function(X[:50]), theirs.staged_decision_function(X[:50])):
        np.testing.assert_allclose(a, b, rtol=0, atol=ATOL)
    np.testing.assert_allclose(list(ours.staged_score(X, y)), list(theirs.staged_score(X, y)), rtol=0, atol=ATOL)
    assert list(ours.staged_predict(X[:5]))[-1].tolist() == ours.predict(X[:5]).tolist()


def test_classifier_default_is_a_stump_and_labels_are_kept():
    X, y = load("iris")
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    w = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    ours = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, labels, sample_weight=w)
    theirs = ske.AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, labels, sample_weight=w)
    assert ours.estimators_[0].max_depth == 1
    assert_same_members(ours, theirs, X)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("name,depth,loss,lr", [
    ("diabetes", 2, "linear", 1.0), ("diabetes", 2, "exponential", 0.5), ("diabetes", 2, "square", 0.5),
    ("friedman1", 3, "linear", 1.0), ("friedman1", 2, "square", 1.0), ("friedman1", 2, "exponential", 1.0)])
def test_regressor_same_as_sklearn(name, depth, loss, lr):
    X, y = load(name)
    kw = dict(n_estimators=20, learning_rate=lr, loss=loss, random_state=1)
    ours = AdaBoostRegressor(DecisionTreeRegressor(max_depth=depth), **kw).fit(X, y)
    theirs = ske.AdaBoostRegressor(skt.DecisionTreeRegressor(max_depth=depth), **kw).fit(X, y)
    assert_same_members(ours, theirs, X)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=ATOL)
    for a, b in zip(ours.staged_predict(X[:40]), theirs.staged_predict(X[:40])):
        np.testing.assert_allclose(a, b, rtol=0, atol=ATOL)
    np.testing.assert_allclose(list(ours.staged_score(X, y)), list(theirs.staged_score(X, y)), rtol=0, atol=ATOL)
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, rtol=0, atol=ATOL)


def test_any_estimator_with_sample_weight_is_a_base():
    X, y = load("breast_cancer")
    X = (X - X.mean(0)) / X.std(0)
    m = AdaBoostClassifier(LogisticRegression(C=0.01), n_estimators=5, random_state=0).fit(X, y)
    assert 0.9 < m.score(X, y) <= 1.0

    class NoWeights(DecisionTreeClassifier):
        def fit(self, X, y):
            return super().fit(X, y)

    with pytest.raises(ValueError, match="doesn't support sample_weight"):
        AdaBoostClassifier(NoWeights()).fit(X, y)


def test_bad_input():
    X, y = load("iris")
    with pytest.raises(ValueError, match="n_estimators"):
        AdaBoostClassifier(n_estimators=0).fit(X, y)
    with pytest.raises(ValueError, match="learning_rate"):
        AdaBoostRegressor(learning_rate=0.0).fit(X, y)
    with pytest.raises(ValueError, match="learning_rate"):
        AdaBoostClassifier(learning_rate=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="loss must be"):
        AdaBoostRegressor(loss="huber").fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        AdaBoostRegressor().fit(X, np.where(y == 1, np.nan, y))
    with pytest.raises(ValueError, match="Negative values"):
        AdaBoostClassifier().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="at least 2 classes"):
        AdaBoostClassifier().fit(X, np.zeros(len(y)))
    with pytest.raises(TypeError, match="fit and predict"):
        AdaBoostClassifier(estimator="tree").fit(X, y)


@parametrize_with_checks([AdaBoostClassifier(n_estimators=5), AdaBoostRegressor(n_estimators=5)])
def test_sklearn_compatible(estimator, check):
    if "check_sample_weight_equivalence" in getattr(check, "func", check).__name__:
        pytest.skip("sample_weight is not equivalent to removing/repeating samples (scikit-learn xfails it too)")
    check(estimator)


# ---- GradientBoostingClassifier / Regressor ---------------------------------------------------------
# With max_features=None the model is scikit-learn's wherever no two candidate splits of a tree tie. The
# gradients of the absolute, quantile and (at the start) log losses take two values, which makes tied
# splits common in small nodes: the cases below are ones without ties (min_samples_leaf keeps nodes large).
from mlc.ensemble import GradientBoostingClassifier, GradientBoostingRegressor  # noqa: E402

RTOL = 1e-10


def regression_data(name):
    if name == "diabetes":
        return load("diabetes")
    if name == "friedman1":
        return datasets.make_friedman1(n_samples=1000, random_state=0)
    # california-housing-like: 8 continuous features, a noisy linear-plus-interaction target
    X, y = datasets.make_regression(n_samples=1500, n_features=8, noise=10, random_state=0)
    return X, y + 20 * X[:, 0] * X[:, 1]


def same_trees(ours, theirs):
    return all(np.array_equal(a.tree_.feature, b.tree_.feature)
               for a, b in zip(ours.estimators_.ravel(), theirs.estimators_.ravel()))


def assert_same_gb(ours, theirs, X):
    assert ours.n_estimators_ == theirs.n_estimators_
    assert ours.estimators_.shape == theirs.estimators_.shape
    np.testing.assert_allclose(ours.train_score_, theirs.train_score_, rtol=RTOL, atol=1e-12)
    for name in ("oob_scores_", "oob_improvement_"):
        if hasattr(theirs, name):
            np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=RTOL, atol=1e-10)
    if hasattr(theirs, "decision_function"):
        np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=RTOL, atol=1e-10)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=RTOL, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X)) if hasattr(theirs, "classes_") else \
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=RTOL, atol=1e-10)
    if same_trees(ours, theirs):  # a tie between two features that split the rows alike: the same model, other importances
        np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, rtol=1e-8, atol=1e-12)
    assert abs(ours.feature_importances_.sum() - 1) < 1e-12


@pytest.mark.parametrize("name,kw", [
    ("breast_cancer", dict(loss="log_loss")), ("breast_cancer", dict(loss="exponential")),
    ("iris", dict(loss="log_loss")), ("digits", dict(max_depth=2, n_estimators=10)),
    ("breast_cancer", dict(subsample=0.8, max_depth=2, min_samples_leaf=5, random_state=1)),
    ("digits", dict(subsample=0.5, max_depth=2, min_samples_leaf=5, n_estimators=10, random_state=0)),
    ("iris", dict(n_estimators=200, n_iter_no_change=2, max_depth=2)),
    ("iris", dict(init="zero", learning_rate=0.3)),
])
def test_gb_classifier_same_as_sklearn(name, kw):
    X, y = load(name)
    kw = dict(dict(n_estimators=25, random_state=0), **kw)
    ours = GradientBoostingClassifier(**kw).fit(X, y)
    theirs = ske.GradientBoostingClassifier(**kw).fit(X, y)
    assert_same_gb(ours, theirs, X)
    for a, b in zip(ours.staged_decision_function(X[:40]), theirs.staged_decision_function(X[:40])):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-10)
    for a, b in zip(ours.staged_predict_proba(X[:40]), theirs.staged_predict_proba(X[:40])):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-10)
    np.testing.assert_array_equal(list(ours.staged_predict(X[:40]))[-1], ours.predict(X[:40]))
    if same_trees(ours, theirs):
        np.testing.assert_array_equal(ours.apply(X[:40]), theirs.apply(X[:40]))


@pytest.mark.parametrize("name,loss,depth", [
    ("diabetes", "squared_error", 3), ("diabetes", "huber", 3), ("diabetes", "quantile", 2),
    ("friedman1", "squared_error", 3), ("friedman1", "absolute_error", 3), ("friedman1", "huber", 3),
    ("friedman1", "quantile", 2), ("california_like", "squared_error", 3), ("california_like", "absolute_error", 3),
    ("california_like", "huber", 3), ("california_like", "quantile", 3)])
def test_gb_regressor_same_as_sklearn(name, loss, depth):
    # diabetes's absolute error is left out: its two-valued gradients tie on the repeated feature values
    X, y = regression_data(name)
    kw = dict(loss=loss, n_estimators=20, random_state=0, max_depth=depth)
    ours = GradientBoostingRegressor(**kw).fit(X, y)
    theirs = ske.GradientBoostingRegressor(**kw).fit(X, y)
    assert_same_gb(ours, theirs, X)
    for a, b in zip(ours.staged_predict(X[:40]), theirs.staged_predict(X[:40])):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-10)


@pytest.mark.parametrize("kw", [
    dict(subsample=0.7, min_samples_leaf=5), dict(subsample=0.7, loss="huber"),
    dict(subsample=0.8, loss="absolute_error", min_samples_leaf=5, weights=True),
    dict(loss="quantile", alpha=0.3, weights=True), dict(loss="huber", weights=True),
    dict(max_leaf_nodes=6, ccp_alpha=50.0), dict(min_samples_leaf=0.05, min_weight_fraction_leaf=0.01,
                                                 min_impurity_decrease=10.0),
    dict(init="zero")])
def test_gb_regressor_options_same_as_sklearn(kw):
    X, y = regression_data("california_like")
    w = None
    if kw.pop("weights", False):
        w = np.random.RandomState(0).uniform(0, 2, len(y))
        w[:50] = 0
    kw = dict(dict(n_estimators=20, random_state=0), **kw)
    ours = GradientBoostingRegressor(**kw).fit(X, y, sample_weight=w)
    theirs = ske.GradientBoostingRegressor(**kw).fit(X, y, sample_weight=w)
    assert_same_gb(ours, theirs, X)


def test_gb_warm_start_and_init_estimator():
    X, y = regression_data("california_like")
    kw = dict(n_estimators=10, warm_start=True, random_state=0, subsample=0.7, min_samples_leaf=5)
    ours = GradientBoostingRegressor(**kw).fit(X, y)
    theirs = ske.GradientBoostingRegressor(**kw).fit(X, y)
    ours.set_params(n_estimators=20).fit(X, y)
    theirs.set_params(n_estimators=20).fit(X, y)
    assert_same_gb(ours, theirs, X)
    with pytest.raises(ValueError, match="must be larger or equal"):
        ours.set_params(n_estimators=5).fit(X, y)
    from mlc.linear_model import LinearRegression
    m = GradientBoostingRegressor(n_estimators=10, init=LinearRegression()).fit(X, y)
    assert isinstance(m.init_, LinearRegression) and m.score(X, y) > 0.9
    assert GradientBoostingRegressor(n_estimators=5).fit(X, y).estimators_[0, 0].tree_.max_depth == 3


def test_gb_classifier_labels_weights_and_early_stop():
    X, y = load("iris")
    labels = np.array(["a", "b", "c"])[y]
    w = np.random.RandomState(0).uniform(0.5, 2, len(y))
    ours = GradientBoostingClassifier(n_estimators=15, max_depth=2, random_state=0).fit(X, labels, sample_weight=w)
    theirs = ske.GradientBoostingClassifier(n_estimators=15, max_depth=2, random_state=0).fit(X, labels,
                                                                                             sample_weight=w)
    assert_same_gb(ours, theirs, X)
    assert ours.estimators_.shape == (15, 3)
    m = GradientBoostingClassifier(n_estimators=500, n_iter_no_change=2, random_state=0).fit(X, y)
    assert m.n_estimators_ < 500 and len(m.train_score_) == m.n_estimators_


def test_gb_bad_input():
    X, y = load("iris")
    Xr, yr = load("diabetes")
    with pytest.raises(ValueError, match="n_estimators"):
        GradientBoostingClassifier(n_estimators=0).fit(X, y)
    with pytest.raises(ValueError, match="learning_rate"):
        GradientBoostingRegressor(learning_rate=0.0).fit(Xr, yr)
    with pytest.raises(ValueError, match="subsample"):
        GradientBoostingRegressor(subsample=0.0).fit(Xr, yr)
    with pytest.raises(ValueError, match="subsample"):
        GradientBoostingClassifier(subsample=1.5).fit(X, y)
    with pytest.raises(ValueError, match="loss must be"):
        GradientBoostingRegressor(loss="log_loss").fit(Xr, yr)
    with pytest.raises(ValueError, match="loss must be"):
        GradientBoostingClassifier(loss="deviance").fit(X, y)
    with pytest.raises(ValueError, match="only suitable for a binary"):
        GradientBoostingClassifier(loss="exponential").fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        GradientBoostingRegressor(loss="quantile", alpha=1.0).fit(Xr, yr)
    with pytest.raises(ValueError, match="NaN"):
        GradientBoostingRegressor().fit(Xr, np.where(yr > 200, np.nan, yr))
    with pytest.raises(ValueError, match="Negative values"):
        GradientBoostingRegressor().fit(Xr, yr, sample_weight=-np.ones(len(yr)))
    with pytest.raises(ValueError, match="minimum of 2 classes"):
        GradientBoostingClassifier().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="init must be"):
        GradientBoostingClassifier(init="mean").fit(X, y)
    with pytest.raises(ValueError, match="max_depth"):
        GradientBoostingRegressor(max_depth=0).fit(Xr, yr)
    with pytest.warns(FutureWarning, match="criterion"):
        GradientBoostingRegressor(criterion="friedman_mse", n_estimators=2).fit(Xr, yr)


def test_gb_interrupt():
    """Ctrl-C during fit raises KeyboardInterrupt (the tree builder polls the interrupt hook)."""
    from conftest import interrupted_while
    X, y = datasets.make_regression(n_samples=20000, n_features=20, random_state=0)
    m = GradientBoostingRegressor(n_estimators=1000, max_depth=6)
    interrupted_while(lambda: m.fit(X, y))


@parametrize_with_checks([GradientBoostingClassifier(n_estimators=5), GradientBoostingRegressor(n_estimators=5)])
def test_gb_sklearn_compatible(estimator, check):
    if "check_sample_weight_equivalence" in getattr(check, "func", check).__name__:
        pytest.skip("sample_weight is not equivalent to removing/repeating samples (scikit-learn xfails it too)")
    check(estimator)
