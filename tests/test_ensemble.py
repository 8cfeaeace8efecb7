"""HistGradientBoostingClassifier / Regressor against scikit-learn's: with the same bins the same trees,
so the same predictions to ~1e-10 on real bundled data (breast_cancer, diabetes, iris, digits), with
missing values, constraints and early stopping (scikit-learn's validation split is drawn the same way);
the same bits at any thread count and CPU level; check_estimator."""
import numpy as np
import pytest
from sklearn import datasets
from sklearn import ensemble as ske
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc import _mlc
from mlc.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

LEVELS = [name for name, ok in _mlc.cpu_levels().items() if ok]
ATOL = 1e-10


def load(name):
    return getattr(datasets, f"load_{name}")(return_X_y=True)


def with_nan(X, frac=0.1, seed=0):
    X = X.copy()
    X[np.random.default_rng(seed).random(X.shape) < frac] = np.nan
    return X


def assert_same_classifier(ours, theirs, X):
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_iter_ == theirs.n_iter_ and ours.n_trees_per_iteration_ == theirs.n_trees_per_iteration_
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=0, atol=ATOL)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=ATOL)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("name", ["breast_cancer", "iris", "digits"])
@pytest.mark.parametrize("nan", [False, True])
def test_classifier_same_as_sklearn(name, nan):
    X, y = load(name)
    if nan:
        X = with_nan(X)
    kw = dict(max_iter=20, early_stopping=False)
    assert_same_classifier(HistGradientBoostingClassifier(**kw).fit(X, y),
                           ske.HistGradientBoostingClassifier(**kw).fit(X, y), X)


@pytest.mark.parametrize("kw", [{}, dict(max_depth=3, l2_regularization=1.0), dict(min_samples_leaf=5, max_bins=31),
                                dict(max_leaf_nodes=None, max_depth=4, learning_rate=0.3),
                                dict(monotonic_cst=[1, 0, -1, 0, 1, 0, 0, 0, 0, 1]),
                                dict(interaction_cst=[[0, 1], [2, 3, 4]]), dict(interaction_cst="no_interactions")])
@pytest.mark.parametrize("nan", [False, True])
def test_regressor_same_as_sklearn(kw, nan):
    X, y = load("diabetes")
    if nan:
        X = with_nan(X)
    kw = dict(max_iter=30, early_stopping=False, **kw)
    ours = HistGradientBoostingRegressor(**kw).fit(X, y)
    theirs = ske.HistGradientBoostingRegressor(**kw).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=ATOL * np.abs(y).max())
    for a, b in zip(ours.staged_predict(X[:50]), theirs.staged_predict(X[:50])):
        np.testing.assert_allclose(a, b, rtol=0, atol=ATOL * np.abs(y).max())


@pytest.mark.parametrize("loss,kw", [("absolute_error", {}), ("quantile", dict(quantile=0.8)), ("poisson", {})])
def test_regressor_losses_same_as_sklearn(loss, kw):
    X, y = load("diabetes")
    ours = HistGradientBoostingRegressor(loss=loss, max_iter=20, early_stopping=False, **kw).fit(X, y)
    theirs = ske.HistGradientBoostingRegressor(loss=loss, max_iter=20, early_stopping=False, **kw).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10, atol=1e-8)


def test_sample_weight_and_class_weight_same_as_sklearn():
    X, y = load("breast_cancer")
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    kw = dict(max_iter=15, early_stopping=False, max_bins=63)
    assert_same_classifier(HistGradientBoostingClassifier(**kw).fit(X, y, sample_weight=w),
                           ske.HistGradientBoostingClassifier(**kw).fit(X, y, sample_weight=w), X)
    kw["class_weight"] = "balanced"
    assert_same_classifier(HistGradientBoostingClassifier(**kw).fit(X, y),
                           ske.HistGradientBoostingClassifier(**kw).fit(X, y), X)
    X, y = load("diabetes")
    ours = HistGradientBoostingRegressor(max_iter=15, early_stopping=False).fit(X, y, sample_weight=w[:len(y)])
    theirs = ske.HistGradientBoostingRegressor(max_iter=15, early_stopping=False).fit(X, y, sample_weight=w[:len(y)])
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=1e-8)


def generated(n=12_000, d=8, seed=0, nan=0.05):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X[:, 0] * 2 + np.sin(3 * X[:, 1]) + X[:, 2] * X[:, 3] + rng.normal(scale=0.3, size=n)
    X[rng.random(X.shape) < nan] = np.nan
    return X, y


def test_early_stopping_same_as_sklearn():
    """'auto' turns early stopping on above 10,000 rows; the validation split, scores and the
    iteration that stops are scikit-learn's."""
    X, y = generated()
    for ours, theirs, target in ((HistGradientBoostingRegressor, ske.HistGradientBoostingRegressor, y),
                                 (HistGradientBoostingClassifier, ske.HistGradientBoostingClassifier,
                                  np.digitize(y, [-1, 1]))):
        kw = dict(random_state=3, n_iter_no_change=3, learning_rate=0.5, max_iter=200)
        a, b = ours(**kw).fit(X, target), theirs(**kw).fit(X, target)
        assert a.do_early_stopping_ and a.n_iter_ == b.n_iter_ < 200
        np.testing.assert_allclose(a.train_score_, b.train_score_, rtol=1e-9)
        np.testing.assert_allclose(a.validation_score_, b.validation_score_, rtol=1e-9)
        np.testing.assert_allclose(a.predict(X[:500]), b.predict(X[:500]), rtol=0, atol=1e-9)


def test_early_stopping_on_training_data_and_scoring():
    X, y = load("breast_cancer")
    kw = dict(early_stopping=True, validation_fraction=None, n_iter_no_change=5, scoring=None, max_iter=300)
    m = HistGradientBoostingClassifier(**kw).fit(X, y)
    s = ske.HistGradientBoostingClassifier(**kw).fit(X, y)
    assert m.n_iter_ == s.n_iter_ < 300 and len(m.train_score_) == m.n_iter_ + 1 and len(m.validation_score_) == 0
    np.testing.assert_array_equal(m.train_score_, s.train_score_)  # accuracies on the training data
    off = HistGradientBoostingClassifier(max_iter=5).fit(X, y)
    assert not off.do_early_stopping_ and off.train_score_.shape == (0,)


def test_same_bits_at_any_thread_count_and_level():
    # more rows than one histogram chunk (16,384) so that the chunk partials are merged
    X, y = generated(n=40_000, d=5, seed=2)
    kw = dict(max_iter=5, early_stopping=False)
    old = mlc.get_num_threads()
    before = _mlc.cpu_level()
    out = []
    try:
        for threads in (1, 2, 3):
            mlc.set_num_threads(threads)
            out.append(HistGradientBoostingRegressor(**kw).fit(X, y).predict(X))
        mlc.set_num_threads(old)
        for level in LEVELS:
            _mlc._set_cpu_level(level)
            out.append(HistGradientBoostingRegressor(**kw).fit(X, y).predict(X))
    finally:
        mlc.set_num_threads(old)
        _mlc._set_cpu_level(before)
    for o in out[1:]:
        np.testing.assert_array_equal(o, out[0])
    np.testing.assert_allclose(out[0], ske.HistGradientBoostingRegressor(**kw).fit(X, y).predict(X), rtol=0, atol=1e-9)


def test_missing_values_learned_direction():
    """Missing values go to the side that gains more; a feature without missing values in training
    sends them to the child with more rows at predict (scikit-learn's rule)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 2))
    y = (X[:, 0] > 0).astype(float)
    X[y == 1, 1] = np.nan  # missingness of feature 1 carries the label
    X[:, 0] = rng.normal(size=2000)
    m = HistGradientBoostingRegressor(max_iter=20, early_stopping=False).fit(X, y)
    s = ske.HistGradientBoostingRegressor(max_iter=20, early_stopping=False).fit(X, y)
    Xq = np.array([[0.0, np.nan], [0.0, 0.5], [np.nan, 0.5]])
    np.testing.assert_allclose(m.predict(Xq), s.predict(Xq), atol=1e-12)
    assert m.predict(Xq)[0] > 0.9 and m.predict(Xq)[1] < 0.1


def test_warm_start_continues():
    X, y = load("diabetes")
    a = HistGradientBoostingRegressor(max_iter=10, warm_start=True, early_stopping=False).fit(X, y)
    a.set_params(max_iter=25).fit(X, y)
    b = HistGradientBoostingRegressor(max_iter=25, early_stopping=False).fit(X, y)
    assert a.n_iter_ == 25
    np.testing.assert_allclose(a.predict(X), b.predict(X), atol=1e-10)


def test_pickle_round_trip():
    import pickle
    X, y = load("iris")
    m = HistGradientBoostingClassifier(max_iter=10).fit(X, y)
    again = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(again.predict_proba(X), m.predict_proba(X))


@parametrize_with_checks([HistGradientBoostingClassifier(max_iter=10), HistGradientBoostingRegressor(max_iter=10)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def categorical_data(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = np.hstack([rng.normal(size=(n, 1)), rng.integers(0, 12, size=(n, 3)).astype(float), rng.normal(size=(n, 1))])
    X[rng.random(X.shape) < 0.05] = np.nan
    y = np.nan_to_num(X[:, 1]) % 3 + np.nan_to_num(X[:, 0]) + rng.normal(size=n) * 0.1
    return X, y


def test_categorical_same_as_sklearn():
    """Categorical features (mask, indices; missing values; a category unseen in fit counts as
    missing): the categories grouped by gradient / hessian, as scikit-learn's splits."""
    X, y = categorical_data()
    Xq = X.copy()
    Xq[:10, 1] = 50.0
    for cat in (np.array([False, True, True, True, False]), [1, 2, 3]):
        kw = dict(max_iter=30, early_stopping=False, categorical_features=cat)
        ours = HistGradientBoostingRegressor(**kw).fit(X, y)
        theirs = ske.HistGradientBoostingRegressor(**kw).fit(X, y)
        np.testing.assert_array_equal(ours.is_categorical_, [False, True, True, True, False])
        np.testing.assert_allclose(ours.predict(Xq), theirs.predict(Xq), rtol=0, atol=1e-10)
    X, y = load("digits")
    kw = dict(max_iter=10, early_stopping=False, categorical_features=[10, 20, 21, 30, 43, 60])
    assert_same_classifier(HistGradientBoostingClassifier(**kw).fit(X, y),
                           ske.HistGradientBoostingClassifier(**kw).fit(X, y), X)


def test_categorical_from_pandas_dtype():
    pd = pytest.importorskip("pandas")
    X, y = categorical_data(seed=1)
    df = pd.DataFrame(X, columns=list("abcde"))
    df["b"] = pd.Categorical(df["b"])
    kw = dict(max_iter=20, early_stopping=False)
    ours = HistGradientBoostingRegressor(**kw).fit(df, y)
    np.testing.assert_array_equal(ours.is_categorical_, [False, True, False, False, False])
    np.testing.assert_allclose(ours.predict(df), ske.HistGradientBoostingRegressor(**kw).fit(df, y).predict(df),
                               rtol=0, atol=1e-10)
    assert HistGradientBoostingRegressor(categorical_features=None, **kw).fit(df, y).is_categorical_ is None
