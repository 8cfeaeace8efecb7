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
