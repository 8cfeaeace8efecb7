"""Random forests, extra trees and bagging (mlc.ensemble) against scikit-learn: the bootstrap draws are
scikit-learn's, so bagged CART (max_features=None) is scikit-learn's forest tree for tree wherever no two
candidate splits tie; with fewer features the accuracy matches on average; the same forest at any thread
count; warm start, pickle, bad input, Ctrl-C; check_estimator."""
import pickle

import numpy as np
import pytest
from conftest import assert_rss_stable, interrupted_while, needs_rss
from sklearn import datasets
from sklearn import ensemble as ske
from sklearn import tree as skt
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc import _mlc
from mlc.ensemble import (BaggingClassifier, BaggingRegressor, ExtraTreesClassifier, ExtraTreesRegressor,
                          RandomForestClassifier, RandomForestRegressor)
from mlc.tree import DecisionTreeClassifier, DecisionTreeRegressor

FORESTS = [RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier, ExtraTreesRegressor]
MAX_INT = np.iinfo(np.int32).max
TREE_ARRAYS = ("children_left", "children_right", "feature", "threshold", "n_node_samples")


def load(name):
    return getattr(datasets, f"load_{name}")(return_X_y=True)


def sk_weights(seed, y, n_boot=None, class_weight=None):
    """The weights scikit-learn's forest gives the tree of seed: its bootstrap counts, times the class weights."""
    from sklearn.utils.class_weight import compute_sample_weight
    idx = np.random.RandomState(seed).randint(0, len(y), n_boot or len(y), dtype=np.int32)
    w = np.bincount(idx, minlength=len(y)).astype(float)
    if class_weight == "balanced_subsample":
        w *= compute_sample_weight("balanced", y, indices=idx)
    elif class_weight is not None:
        w *= compute_sample_weight(class_weight, y)
    return w


def sk_tie_free(sk_tree_class, X, y, seed, kw, n_boot=None, class_weight=None):
    """Whether scikit-learn's tree on the bootstrap sample of seed is the same for five random_states: no
    two candidate splits of a node tie (where they do, scikit-learn's pick depends on its feature order)."""
    w = sk_weights(seed, y, n_boot, class_weight)
    trees = [sk_tree_class(random_state=r, **kw).fit(X, y, sample_weight=w).tree_ for r in range(5)]
    return all(np.array_equal(trees[0].threshold, t.threshold) and np.array_equal(trees[0].feature, t.feature)
               for t in trees)


def assert_same_tree(a, b):
    for name in TREE_ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_allclose(a.impurity, b.impurity, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a.weighted_n_node_samples, b.weighted_n_node_samples, rtol=1e-12)
    np.testing.assert_allclose(a.value, b.value, rtol=1e-12, atol=1e-14)


# ---- scikit-learn's draws ---------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 209652396, MAX_INT - 1])
@pytest.mark.parametrize("n, n_boot", [(1, 1), (2, 5), (569, 569), (1000, 300), (70_000, 70_000)])
def test_bootstrap_is_numpys_randint(seed, n, n_boot):
    """The C draw is NumPy's RandomState(seed).randint(0, n, n_boot) counted (scikit-learn's bootstrap)."""
    expected = np.bincount(np.random.RandomState(seed).randint(0, n, n_boot, dtype=np.int32), minlength=n)
    np.testing.assert_array_equal(_mlc.ensemble_forest_bootstrap(seed, n, n_boot), expected)


def test_seeds_and_samples_are_sklearns():
    X, y = load("breast_cancer")
    ours = RandomForestClassifier(n_estimators=5, random_state=3, max_samples=0.5).fit(X, y)
    ref = ske.RandomForestClassifier(n_estimators=5, random_state=3, max_samples=0.5).fit(X, y)
    assert [e.random_state for e in ours.estimators_] == [e.random_state for e in ref.estimators_]
    for a, b in zip(ours.estimators_samples_, ref.estimators_samples_):
        np.testing.assert_array_equal(a, b)


# ---- parity: bagged CART is scikit-learn's forest -------------------------------------------------------------
def test_bagged_cart_regressor_equals_sklearn():
    """diabetes, min_samples_leaf=15: every tree tie-free, so trees, predictions, OOB and importances equal."""
    X, y = load("diabetes")
    kw = dict(min_samples_leaf=15, max_features=None)
    ours = RandomForestRegressor(n_estimators=10, random_state=0, oob_score=True, **kw).fit(X, y)
    ref = ske.RandomForestRegressor(n_estimators=10, random_state=0, oob_score=True, **kw).fit(X, y)
    for a, b in zip(ours.estimators_, ref.estimators_):
        assert sk_tie_free(skt.DecisionTreeRegressor, X, y, b.random_state, dict(min_samples_leaf=15))
        assert_same_tree(a.tree_, b.tree_)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12)
    np.testing.assert_allclose(ours.oob_prediction_, ref.oob_prediction_, rtol=1e-12)
    assert ours.oob_score_ == pytest.approx(ref.oob_score_, abs=1e-12)
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(ours.apply(X), ref.apply(X))
    ind, ptr = ours.decision_path(X)
    ind_ref, ptr_ref = ref.decision_path(X)
    np.testing.assert_array_equal(ptr, ptr_ref)
    assert (ind != ind_ref).nnz == 0


@pytest.mark.parametrize("kw", [dict(criterion="entropy", min_samples_leaf=30), dict(min_samples_leaf=30),
                                dict(min_samples_leaf=30, max_samples=400)])
def test_bagged_cart_classifier_equals_sklearn_where_no_tie(kw):
    """breast_cancer: each tree whose splits do not tie is scikit-learn's (most of them)."""
    X, y = load("breast_cancer")
    ours = RandomForestClassifier(n_estimators=10, random_state=0, max_features=None, **kw).fit(X, y)
    ref = ske.RandomForestClassifier(n_estimators=10, random_state=0, max_features=None, **kw).fit(X, y)
    tree_kw = {k: v for k, v in kw.items() if k in ("criterion", "min_samples_leaf")}
    checked = 0
    for a, b in zip(ours.estimators_, ref.estimators_):
        if sk_tie_free(skt.DecisionTreeClassifier, X, y, b.random_state, tree_kw, kw.get("max_samples"),
                       kw.get("class_weight")):
            assert_same_tree(a.tree_, b.tree_)
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize("class_weight", ["balanced_subsample", "balanced", {0: 2.0, 1: 0.5}])
def test_class_weights_are_sklearns(class_weight):
    """Each tree is mlc's tree on the weights scikit-learn's forest gives it (bootstrap counts times the
    class weights of the whole set or, balanced_subsample, of the tree's sample). (With fractional weights
    the trees' sums round differently from scikit-learn's, so near-equal splits may go either way.)"""
    X, y = load("breast_cancer")
    ours = RandomForestClassifier(n_estimators=5, random_state=0, max_samples=300, max_features=None,
                                  min_samples_leaf=30, class_weight=class_weight).fit(X, y)
    for e in ours.estimators_:
        w = sk_weights(e.random_state, y, 300, class_weight)
        alone = DecisionTreeClassifier(min_samples_leaf=30).fit(X, y, sample_weight=w)
        assert_same_tree(e.tree_, alone.tree_)


def test_oob_score_equals_sklearn_classifier():
    """Where every tree is tie-free (diabetes above is; here the forest of seed 4, 5 trees), the
    classifier's OOB decision function and score are scikit-learn's."""
    X, y = load("breast_cancer")
    kw = dict(criterion="entropy", min_samples_leaf=30, max_features=None)
    for rs in range(20):
        ref = ske.RandomForestClassifier(n_estimators=5, random_state=rs, oob_score=True, **kw).fit(X, y)
        if all(sk_tie_free(skt.DecisionTreeClassifier, X, y, e.random_state,
                           dict(criterion="entropy", min_samples_leaf=30)) for e in ref.estimators_):
            break
    else:
        pytest.fail("no tie-free forest found")
    ours = RandomForestClassifier(n_estimators=5, random_state=rs, oob_score=True, **kw).fit(X, y)
    assert ours.oob_score_ == ref.oob_score_
    np.testing.assert_allclose(ours.oob_decision_function_, ref.oob_decision_function_, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("ours_cls, ref_cls, name, metric", [
    (RandomForestClassifier, ske.RandomForestClassifier, "digits", "accuracy"),
    (ExtraTreesClassifier, ske.ExtraTreesClassifier, "digits", "accuracy"),
    (RandomForestRegressor, ske.RandomForestRegressor, "diabetes", "r2"),
    (ExtraTreesRegressor, ske.ExtraTreesRegressor, "diabetes", "r2"),
])
def test_random_features_score_like_sklearn(ours_cls, ref_cls, name, metric):
    """With max_features < n_features the draws at each node are mlc's own: the held-out score averaged
    over seeds is within 0.5 points of scikit-learn's (classifiers) or 0.01 R^2 (regressors, whose spread
    over seeds on 442 rows is larger)."""
    from sklearn.model_selection import train_test_split
    X, y = load(name)
    kw = {} if metric == "accuracy" else dict(max_features=0.33)
    ours, ref = [], []
    for seed in range(5):
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=seed)
        ours.append(ours_cls(n_estimators=100, random_state=seed, **kw).fit(Xtr, ytr).score(Xte, yte))
        ref.append(ref_cls(n_estimators=100, random_state=seed, **kw).fit(Xtr, ytr).score(Xte, yte))
    assert abs(np.mean(ours) - np.mean(ref)) < (0.005 if metric == "accuracy" else 0.01), (ours, ref)


def test_bagging_of_trees_equals_sklearn():
    """Bagging draws rows and features as scikit-learn does (feature subsets, without replacement too)."""
    X, y = load("diabetes")
    for kw in [dict(max_samples=0.5, max_features=0.5), dict(bootstrap=False, max_samples=0.7),
               dict(bootstrap_features=True, oob_score=True)]:
        ours = BaggingRegressor(DecisionTreeRegressor(min_samples_leaf=10), n_estimators=10, random_state=0,
                                **kw).fit(X, y)
        ref = ske.BaggingRegressor(skt.DecisionTreeRegressor(min_samples_leaf=10), n_estimators=10, random_state=0,
                                   **kw).fit(X, y)
        for a, b in zip(ours.estimators_features_, ref.estimators_features_):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(ours.estimators_samples_, ref.estimators_samples_):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12)
        if "oob_score" in kw:
            assert ours.oob_score_ == pytest.approx(ref.oob_score_, abs=1e-12)


def test_bagging_any_estimator():
    """A base estimator without sample_weight gets the drawn rows; one with it gets them as weights."""
    from mlc.neighbors import KNeighborsClassifier
    X, y = load("iris")
    bag = BaggingClassifier(KNeighborsClassifier(3), n_estimators=5, random_state=0, oob_score=True).fit(X, y)
    ref = ske.BaggingClassifier(__import__("sklearn.neighbors").neighbors.KNeighborsClassifier(3), n_estimators=5,
                                random_state=0, oob_score=True).fit(X, y)
    np.testing.assert_allclose(bag.predict_proba(X), ref.predict_proba(X))
    assert bag.oob_score_ == ref.oob_score_
    assert BaggingClassifier(random_state=0).fit(X, y).score(X, y) > 0.95


# ---- determinism, warm start, pickle -------------------------------------------------------------------
@pytest.mark.parametrize("cls", FORESTS)
def test_same_forest_at_any_thread_count(cls):
    X, y = load("breast_cancer")
    Xn = X.copy()
    Xn[::9, 3] = np.nan
    data = X if cls.__name__.startswith("Extra") else Xn
    old = mlc.set_num_threads(1)
    try:
        one = cls(n_estimators=8, random_state=0).fit(data, y)
        p1 = one.predict(data)
        mlc.set_num_threads(2)
        two = cls(n_estimators=8, random_state=0).fit(data, y)
        p2 = two.predict(data)
    finally:
        mlc.set_num_threads(old)
    for a, b in zip(one.estimators_, two.estimators_):
        for name in TREE_ARRAYS + ("value",):
            np.testing.assert_array_equal(getattr(a.tree_, name), getattr(b.tree_, name))
    np.testing.assert_array_equal(p1, p2)
    three = cls(n_estimators=8, random_state=0, n_jobs=3).fit(data, y)
    np.testing.assert_array_equal(three.predict(data), p1)


@pytest.mark.parametrize("cls", FORESTS)
def test_warm_start_equals_one_fit(cls):
    X, y = load("wine")
    kw = dict(bootstrap=True, oob_score=True) if cls.__name__.startswith("Extra") else dict(oob_score=True)
    grown = cls(n_estimators=5, random_state=1, warm_start=True, **kw).fit(X, y)
    grown.set_params(n_estimators=12).fit(X, y)
    once = cls(n_estimators=12, random_state=1, **kw).fit(X, y)
    assert len(grown) == 12
    for a, b in zip(grown.estimators_, once.estimators_):
        assert a.random_state == b.random_state
        np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    np.testing.assert_array_equal(grown.predict(X), once.predict(X))
    assert grown.oob_score_ == once.oob_score_
    with pytest.warns(UserWarning, match="without increasing n_estimators"):
        grown.fit(X, y)
    with pytest.raises(ValueError, match="must be larger or equal to len"):
        grown.set_params(n_estimators=3).fit(X, y)


def test_pickle_of_500_trees_round_trips():
    X, y = load("breast_cancer")
    forest = RandomForestClassifier(n_estimators=500, max_depth=6, random_state=0).fit(X, y)
    back = pickle.loads(pickle.dumps(forest))
    np.testing.assert_array_equal(back.predict_proba(X), forest.predict_proba(X))
    for a, b in zip(back.estimators_, forest.estimators_):
        np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    reg = ExtraTreesRegressor(n_estimators=20, random_state=0).fit(*load("diabetes"))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X[:, :10]), reg.predict(X[:, :10]))


# ---- missing values -----------------------------------------------------------------------------------
def test_nan_in_X_as_the_trees_handle_it():
    """RandomForest learns NaN as scikit-learn's trees do; extra trees (the random splitter) refuse it."""
    X, y = load("diabetes")
    X = X.copy()
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    kw = dict(n_estimators=10, random_state=0, max_features=None, min_samples_leaf=20)
    ours = RandomForestRegressor(**kw).fit(X, y)
    ref = ske.RandomForestRegressor(**kw).fit(X, y)
    same = sum(np.array_equal(a.tree_.threshold, b.tree_.threshold) and
               np.array_equal(a.tree_.missing_go_to_left, b.tree_.missing_go_to_left)
               for a, b in zip(ours.estimators_, ref.estimators_))
    assert same >= 7
    assert np.isfinite(ours.predict(X)).all()
    with pytest.raises(ValueError, match="NaN"):
        ExtraTreesRegressor(n_estimators=2).fit(X, y)


# ---- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", FORESTS)
@pytest.mark.parametrize("kw, error, match", [
    (dict(n_estimators=0), ValueError, "n_estimators == 0, must be >= 1"),
    (dict(max_depth=0), ValueError, "max_depth == 0, must be >= 1"),
    (dict(min_samples_leaf=0), ValueError, "min_samples_leaf == 0, must be >= 1"),
    (dict(max_features=20), ValueError, "max_features must be in"),
    (dict(bootstrap=True, max_samples=0), ValueError, "max_samples == 0, must be >= 1"),
    (dict(bootstrap=True, max_samples=1.5), ValueError, "max_samples == 1.5, must be <= 1"),
    (dict(bootstrap=True, max_samples=500), ValueError, "`max_samples` must be <= n_samples=100"),
    (dict(bootstrap=False, oob_score=True), ValueError, "Out of bag estimation only available if bootstrap=True"),
    (dict(bootstrap=False, max_samples=10), ValueError, "`max_sample` cannot be set if `bootstrap=False`"),
    (dict(n_jobs=0), ValueError, "n_jobs must be"),
])
def test_bad_parameters(cls, kw, error, match):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(100, 5)), rng.integers(0, 2, 100)
    with pytest.raises(error, match=match):
        cls(**kw).fit(X, y)


@pytest.mark.parametrize("cls", FORESTS + [BaggingClassifier, BaggingRegressor])
def test_bad_data(cls):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.integers(0, 2, 50).astype(float)
    with pytest.raises(ValueError, match="Negative values in data passed to sample_weight"):
        cls().fit(X, y, sample_weight=-np.ones(50))
    y_nan = y.copy()
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="NaN|nan"):
        cls().fit(X, y_nan)
    with pytest.raises(ValueError, match="inf|infinity"):
        cls().fit(np.where(X > 1, np.inf, X), y)
    with pytest.raises(ValueError, match="features"):
        cls().fit(X, y).predict(X[:, :2])


def test_bagging_bad_parameters():
    X, y = load("iris")
    with pytest.raises(ValueError, match="max_features must be <= n_features"):
        BaggingClassifier(max_features=5).fit(X, y)
    with pytest.raises(ValueError, match="Out of bag estimation only available if bootstrap=True"):
        BaggingClassifier(bootstrap=False, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="Out of bag estimate only available if warm_start=False"):
        BaggingClassifier(warm_start=True, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="n_estimators == 0"):
        BaggingClassifier(n_estimators=0).fit(X, y)


def test_direct_kernel_calls_raise():
    X = np.zeros((4, 2), np.float32)
    cl = np.array([1, -1, -1]), np.array([2, -1, -1])
    nodes = (*cl, np.array([0, -2, -2]), np.zeros(3), np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="offsets"):
        _mlc.ensemble_forest_predict(X, *nodes, np.zeros((3, 1)), np.array([0, 2]))
    with pytest.raises(ValueError, match="out of range"):
        _mlc.ensemble_forest_apply(X, *nodes[:2], np.array([5, -2, -2]), *nodes[3:], np.array([0, 3]))
    with pytest.raises(ValueError, match="n_samples_bootstrap"):
        _mlc.ensemble_forest_oob(X, *nodes, np.zeros((3, 1)), np.array([0, 3]), np.zeros(1, np.uint32), 9)


# ---- Ctrl-C, memory ---------------------------------------------------------------------------------------
def test_ctrl_c_stops_a_forest_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50_000, 10))
    y = X[:, 0] + rng.normal(size=50_000)
    forest = RandomForestRegressor(n_estimators=2000, max_features=None)
    interrupted_while(lambda: forest.fit(X, y))
    assert forest.set_params(n_estimators=2).fit(X[:500], y[:500]).predict(X[:3]).shape == (3,)


@needs_rss
def test_fit_predict_loop_does_not_grow_rss():
    X, y = load("iris")

    def once():
        RandomForestClassifier(n_estimators=3, oob_score=True, random_state=0).fit(X, y).predict_proba(X)
        ExtraTreesRegressor(n_estimators=2).fit(X, y.astype(float)).apply(X)
        try:
            _mlc.ensemble_forest_oob(X.astype(np.float32), np.array([-1]), np.array([-1]), np.array([-2]),
                                     np.zeros(1), np.zeros(1, np.uint8), np.zeros((1, 1)), np.array([0, 1]),
                                     np.zeros(1, np.uint32), 0)
        except ValueError:
            pass

    assert_rss_stable(once)


# ---- estimator checks ------------------------------------------------------------------------------------
@parametrize_with_checks([RandomForestClassifier(n_estimators=5), RandomForestRegressor(n_estimators=5),
                          ExtraTreesClassifier(n_estimators=5), ExtraTreesRegressor(n_estimators=5),
                          BaggingClassifier(n_estimators=5), BaggingRegressor(n_estimators=5)])
def test_sklearn_compatible(estimator, check):
    if "check_sample_weight_equivalence" in getattr(check, "func", check).__name__:
        # a bootstrap draw over repeated rows is not the draw over weighted rows (scikit-learn's own
        # forests and bagging xfail this check too)
        pytest.skip("bootstrap draws differ between weighted and repeated rows")
    check(estimator)
