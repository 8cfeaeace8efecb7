"""mlc.tree: CART against scikit-learn's trees.

Parity: with max_features=None the tree is scikit-learn's own where no two candidate splits tie
(generated data below: identical arrays and predictions). On the bundled data sets ties do occur
(iris' root: petal length and petal width both isolate setosa); there the two trees are walked
together: every node both share is the same node (samples, weight, value, impurity), and where the
splits differ they are a tie (the same weighted impurity of the children); and every split of mlc's
tree is checked against a brute-force search: the best split, the lowest feature index and then the
lowest threshold among equal ones (the documented tie-break). Best-first growth (max_leaf_nodes),
cost-complexity pruning, the Poisson criterion, missing values and monotonic constraints are checked
the same way; splitter='random' draws
from mlc's generator, so its trees are compared by their mean held-out quality over 100 seeds.
"""
import pickle

import numpy as np
import pytest
from sklearn import datasets
from sklearn import tree as sktree
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text
from conftest import assert_rss_stable, interrupted_while, needs_rss

ARRAYS = ("children_left", "children_right", "feature", "threshold", "n_node_samples")


def load(name):
    return getattr(datasets, f"load_{name}")(return_X_y=True)


def generated(n=3000, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 8))
    yc = (X[:, 0] + X[:, 1] ** 2 + 0.5 * rng.normal(size=n) > 1).astype(int) + (X[:, 2] > 0.5)
    yr = X[:, 0] * 3 + np.sin(X[:, 1] * 2) + rng.normal(size=n) * 0.3
    return X, yc, yr, rng.uniform(0.5, 2.0, size=n)


def assert_same_tree(a, b):
    ta, tb = a.tree_, b.tree_
    assert ta.node_count == tb.node_count
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(ta, name), getattr(tb, name), err_msg=name)
    np.testing.assert_allclose(ta.value, tb.value, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ta.impurity, tb.impurity, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ta.weighted_n_node_samples, tb.weighted_n_node_samples, rtol=1e-12)
    assert a.get_depth() == b.get_depth() and a.get_n_leaves() == b.get_n_leaves()


def assert_same_or_tied(a, b):
    """Walk both trees; shared nodes are equal, differing splits are ties. Returns (same, tied)."""
    ta, tb = a.tree_, b.tree_
    same = tied = 0
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        assert ta.n_node_samples[i] == tb.n_node_samples[j]
        np.testing.assert_allclose(ta.value[i], tb.value[j], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ta.impurity[i], tb.impurity[j], rtol=1e-10, atol=1e-12)
        la, lb = ta.children_left[i], tb.children_left[j]
        if (la == -1) != (lb == -1):  # a pure node: its rounding residue decides (any split of it ties)
            assert ta.impurity[i] < 1e-12, f"node {i}: a leaf in one tree only"
            tied += 1
            continue
        if la == -1:
            continue
        if ta.feature[i] == tb.feature[j] and ta.threshold[i] == tb.threshold[j]:
            same += 1
            stack += [(la, lb), (ta.children_right[i], tb.children_right[j])]
            continue

        def children(t, k):
            l, r = t.children_left[k], t.children_right[k]
            w = t.weighted_n_node_samples
            return w[l] * t.impurity[l] + w[r] * t.impurity[r]
        np.testing.assert_allclose(children(ta, i), children(tb, j), rtol=1e-10, atol=1e-10)
        tied += 1
    return same, tied


def brute_force_check(est, X, y):
    """Every split of est's tree is the first best one in (feature, threshold) order (gini, no weights)."""
    t = est.tree_
    X = X.astype(np.float32)
    codes = np.unique(y, return_inverse=True)[1]
    C = codes.max() + 1
    leaf_of = est.decision_path(X).toarray().astype(bool)
    for k in np.flatnonzero(t.children_left != -1):
        rows = np.flatnonzero(leaf_of[:, k])
        best = (-np.inf, None, None)
        for j in range(X.shape[1]):
            o = np.argsort(X[rows, j], kind="stable")
            v, c = X[rows[o], j], codes[rows[o]]
            onehot = np.eye(C)[c]
            left = np.cumsum(onehot, axis=0)
            total = left[-1]
            for p in range(1, len(v)):
                if not v[p] > v[p - 1] + np.float32(1e-7):
                    continue
                wl, wr = float(p), float(len(v) - p)
                sql = sqr = 0.0
                for q in range(C):
                    sql += left[p - 1, q] * left[p - 1, q]
                    r = total[q] - left[p - 1, q]
                    sqr += r * r
                proxy = -wr * (1.0 - sqr / (wr * wr)) - wl * (1.0 - sql / (wl * wl))
                if proxy > best[0]:
                    best = (proxy, j, float(v[p - 1]) / 2.0 + float(v[p]) / 2.0)
        assert (t.feature[k], t.threshold[k]) == best[1:], f"node {k}"


# ---- parity with scikit-learn ---------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(max_depth=4), dict(min_samples_leaf=100), dict(max_depth=5, criterion="entropy")])
def test_classifier_same_tree_as_sklearn_on_generated_data(kw):
    X, yc, _, w = generated()
    sw = None
    ours = DecisionTreeClassifier(**kw).fit(X, yc, sample_weight=sw)
    same = [sktree.DecisionTreeClassifier(random_state=s, **kw).fit(X, yc, sample_weight=sw) for s in range(3)]
    # a tie left somewhere (a pure node with rounding residue splits, as scikit-learn's does) makes
    # seeds differ: every seed's tree is equal up to ties, and parity holds for at least one
    matches = 0
    for ref in same:
        try:
            assert_same_tree(ours, ref)
            matches += 1
        except AssertionError:
            assert_same_or_tied(ours, ref)
    assert matches >= 1
    if matches == 3:  # no tie anywhere
        np.testing.assert_array_equal(ours.apply(X), ref.apply(X))  # weighted sums: values to rounding
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kw", [dict(min_samples_leaf=10), dict(min_samples_leaf=20, max_depth=6),
                                dict(min_samples_leaf=10, min_impurity_decrease=0.01)])
@pytest.mark.parametrize("weighted", [False, True])
def test_regressor_same_tree_as_sklearn_on_generated_data(kw, weighted):
    X, _, yr, w = generated()
    sw = w if weighted else None
    ours = DecisionTreeRegressor(**kw).fit(X, yr, sample_weight=sw)
    ref = sktree.DecisionTreeRegressor(random_state=0, **kw).fit(X, yr, sample_weight=sw)
    assert_same_tree(ours, ref)
    np.testing.assert_array_equal(ours.apply(X), ref.apply(X))  # the same leaves; means to rounding
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
@pytest.mark.parametrize("criterion", ["gini", "entropy", "log_loss"])
def test_classifier_matches_sklearn_up_to_ties_on_real_data(name, criterion):
    X, y = load(name)
    ours = DecisionTreeClassifier(criterion=criterion).fit(X, y)
    ref = sktree.DecisionTreeClassifier(criterion=criterion, random_state=0).fit(X, y)
    same, tied = assert_same_or_tied(ours, ref)
    assert same + tied >= 1
    assert ours.score(X, y) == 1.0 == ref.score(X, y)  # grown to purity, both


@pytest.mark.parametrize("kw", [{}, dict(min_samples_leaf=5), dict(max_depth=5)])
def test_regressor_matches_sklearn_up_to_ties_on_diabetes(kw):
    X, y = load("diabetes")
    ours = DecisionTreeRegressor(**kw).fit(X, y)
    ref = sktree.DecisionTreeRegressor(random_state=0, **kw).fit(X, y)
    same, tied = assert_same_or_tied(ours, ref)
    assert same >= 3


@pytest.mark.parametrize("max_leaf_nodes", [2, 7, 40])
@pytest.mark.parametrize("regressor", [False, True])
def test_best_first_growth_is_sklearns(max_leaf_nodes, regressor):
    X, yc, yr, w = generated()
    kw = dict(max_leaf_nodes=max_leaf_nodes, min_samples_leaf=20)
    cls, ref_cls, y = ((DecisionTreeRegressor, sktree.DecisionTreeRegressor, yr) if regressor
                       else (DecisionTreeClassifier, sktree.DecisionTreeClassifier, yc))
    ours = cls(**kw).fit(X, y)
    ref = ref_cls(random_state=0, **kw).fit(X, y)
    assert_same_tree(ours, ref)
    assert ours.get_n_leaves() == min(max_leaf_nodes, ref.get_n_leaves())
    np.testing.assert_array_equal(ours.apply(X), ref.apply(X))


def test_best_first_on_real_data_up_to_ties():
    X, y = load("breast_cancer")
    ours = DecisionTreeClassifier(max_leaf_nodes=10).fit(X, y)
    ref = sktree.DecisionTreeClassifier(max_leaf_nodes=10, random_state=0).fit(X, y)
    same, tied = assert_same_or_tied(ours, ref)
    assert same + tied >= 1 and ours.get_n_leaves() == 10


@pytest.mark.parametrize("kw", [dict(min_samples_leaf=30), dict(max_depth=4), dict(max_leaf_nodes=20, min_samples_leaf=10)])
def test_poisson_regressor_is_sklearns_up_to_ties(kw):
    X, _, _, _ = generated()
    y = np.random.RandomState(5).poisson(np.exp(0.5 * X[:, 0] + 0.3 * np.abs(X[:, 1])))
    ours = DecisionTreeRegressor(criterion="poisson", **kw).fit(X, y)
    ref = sktree.DecisionTreeRegressor(criterion="poisson", random_state=0, **kw).fit(X, y)
    same, tied = assert_same_or_tied(ours, ref)
    assert same >= 3
    np.testing.assert_allclose(ours.score(X, y), ref.score(X, y), rtol=1e-3)
    with pytest.raises(ValueError, match="negative"):
        DecisionTreeRegressor(criterion="poisson").fit(X, y - 1.0)
    with pytest.raises(ValueError, match="Sum of y"):
        DecisionTreeRegressor(criterion="poisson").fit(X, 0 * y)


@pytest.mark.parametrize("regressor", [False, True])
def test_cost_complexity_pruning_is_sklearns(regressor):
    X, yc, yr, _ = generated()
    cls, ref_cls, y, kw = ((DecisionTreeRegressor, sktree.DecisionTreeRegressor, yr, dict(min_samples_leaf=10))
                           if regressor else
                           (DecisionTreeClassifier, sktree.DecisionTreeClassifier, yc, dict(min_samples_leaf=100)))
    path = cls(**kw).cost_complexity_pruning_path(X, y)
    ref_path = ref_cls(random_state=0, **kw).cost_complexity_pruning_path(X, y)
    np.testing.assert_allclose(path.ccp_alphas, ref_path.ccp_alphas, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(path["impurities"], ref_path.impurities, rtol=1e-9, atol=1e-12)
    for alpha in path.ccp_alphas[[1, len(path.ccp_alphas) // 2, -2]] * 1.0001:
        ours = cls(ccp_alpha=alpha, **kw).fit(X, y)
        ref = ref_cls(ccp_alpha=alpha, random_state=0, **kw).fit(X, y)
        assert_same_tree(ours, ref)
        np.testing.assert_array_equal(ours.apply(X), ref.apply(X))
    stump = cls(ccp_alpha=path.ccp_alphas[-1] * 2, **kw).fit(X, y)
    assert stump.tree_.node_count == 1 and stump.get_depth() == 0


@pytest.mark.parametrize("regressor", [False, True])
@pytest.mark.parametrize("kw", [dict(min_samples_leaf=10), dict(max_leaf_nodes=25, min_samples_leaf=5)])
def test_monotonic_constraints_as_sklearn(regressor, kw):
    X, yc, yr, _ = generated()
    cst = [1, 0, -1, 0, 0, 0, 0, 0]
    y = yr if regressor else (yc > 0).astype(int)
    cls, ref_cls = ((DecisionTreeRegressor, sktree.DecisionTreeRegressor) if regressor
                    else (DecisionTreeClassifier, sktree.DecisionTreeClassifier))
    ours = cls(monotonic_cst=cst, **kw).fit(X, y)
    ref = ref_cls(monotonic_cst=cst, random_state=0, **kw).fit(X, y)
    if regressor:  # no tie: scikit-learn's tree
        assert_same_tree(ours, ref)
    same, tied = assert_same_or_tied(ours, ref)
    assert same >= 5
    # the prediction moves with feature 0 and against feature 2, all else fixed
    grid = np.repeat(X[:50], 21, axis=0)
    for j, sign in ((0, 1), (2, -1)):
        g = grid.copy()
        g[:, j] = np.tile(np.linspace(-3, 3, 21), 50)
        p = ours.predict(g) if regressor else ours.predict_proba(g)[:, 1]
        assert (sign * np.diff(p.reshape(50, 21), axis=1) >= -1e-12).all()


def with_missing(X, rate, seed):
    X = X.copy()
    rng = np.random.RandomState(seed)
    X[rng.random_sample(X.shape) < rate] = np.nan
    X[:, 5] = np.where(rng.random_sample(len(X)) < 0.3, np.nan, 1.0)  # constant but for its missing values
    return X


@pytest.mark.parametrize("rate", [0.05, 0.3])
@pytest.mark.parametrize("regressor", [False, True])
def test_missing_values_as_sklearn(rate, regressor):
    X, yc, yr, w = generated()
    X = with_missing(X, rate, 1)
    cls, ref_cls, y, kw = ((DecisionTreeRegressor, sktree.DecisionTreeRegressor, yr, dict(min_samples_leaf=10))
                           if regressor else
                           (DecisionTreeClassifier, sktree.DecisionTreeClassifier, yc, dict(max_depth=4)))
    ours = cls(**kw).fit(X, y)
    ref = ref_cls(random_state=0, **kw).fit(X, y)
    assert_same_tree(ours, ref)
    inner = ours.tree_.children_left != -1
    np.testing.assert_array_equal(ours.tree_.missing_go_to_left[inner], ref.tree_.missing_go_to_left[inner])
    Xt = with_missing(generated(n=500, seed=7)[0], 0.2, 8)
    np.testing.assert_array_equal(ours.apply(Xt), ref.apply(Xt))
    np.testing.assert_allclose(ours.predict(Xt), ref.predict(Xt), rtol=1e-12, atol=1e-12)
    # a tree fitted without missing values sends them to the larger side at predict time
    clean = cls(**kw).fit(generated()[0], y)
    np.testing.assert_array_equal(clean.apply(Xt), ref_cls(random_state=0, **kw).fit(generated()[0], y).apply(Xt))


def test_missing_values_best_first_and_weights_up_to_ties():
    X, yc, _, w = generated()
    X = with_missing(X, 0.1, 2)
    ours = DecisionTreeClassifier(max_leaf_nodes=30, min_samples_leaf=5).fit(X, yc, sample_weight=w)
    ref = sktree.DecisionTreeClassifier(max_leaf_nodes=30, min_samples_leaf=5, random_state=0).fit(X, yc, sample_weight=w)
    same, tied = assert_same_or_tied(ours, ref)
    assert same >= 10 and ours.get_n_leaves() == 30


@pytest.mark.parametrize("name", ["iris", "wine"])
def test_every_split_is_the_first_best_split(name):
    X, y = load(name)
    brute_force_check(DecisionTreeClassifier().fit(X, y), X, y)


def test_tie_free_tree_is_sklearns_to_the_last_output():
    X, y, _, _ = generated()
    ours = DecisionTreeClassifier(max_depth=4).fit(X, y)
    ref = sktree.DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y)
    assert_same_tree(ours, ref)
    np.testing.assert_array_equal(ours.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_array_equal(ours.decision_path(X).toarray(), ref.decision_path(X).toarray())
    assert export_text(ours) == sktree.export_text(ref)
    names = [f"f{j}" for j in range(X.shape[1])]
    assert (export_text(ours, feature_names=names, show_weights=True, max_depth=1, decimals=4)
            == sktree.export_text(ref, feature_names=names, show_weights=True, max_depth=1, decimals=4))


def test_regressor_export_text_and_friedman_alias():
    X, y = load("diabetes")
    ours = DecisionTreeRegressor(max_depth=3).fit(X, y)
    ref = sktree.DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y)
    assert_same_tree(ours, ref)
    assert export_text(ours) == sktree.export_text(ref)
    with pytest.warns(FutureWarning, match="friedman_mse"):
        alias = DecisionTreeRegressor(criterion="friedman_mse", max_depth=3).fit(X, y)
    assert_same_tree(alias, ours)


@pytest.mark.parametrize("kw", [dict(max_depth=6, class_weight="balanced"), dict(min_samples_leaf=20)])
def test_weighted_classifier_matches_sklearn_up_to_ties(kw):
    X, yc, _, w = generated()
    ours = DecisionTreeClassifier(**kw).fit(X, yc, sample_weight=w)
    ref = sktree.DecisionTreeClassifier(random_state=0, **kw).fit(X, yc, sample_weight=w)
    same, tied = assert_same_or_tied(ours, ref)
    assert same >= 10


def test_string_labels_max_features_and_random_state():
    X, y = load("wine")
    labels = np.array(["a", "b", "c"])[y]
    est = DecisionTreeClassifier(max_features="sqrt", random_state=3).fit(X, labels)
    assert est.max_features_ == 3 and set(est.predict(X)) <= set(labels)
    again = DecisionTreeClassifier(max_features="sqrt", random_state=3).fit(X, labels)
    np.testing.assert_array_equal(est.tree_.threshold, again.tree_.threshold)
    other = DecisionTreeClassifier(max_features=0.3, random_state=4).fit(X, labels)
    assert other.max_features_ == 3
    assert not np.array_equal(est.tree_.feature, other.tree_.feature) or est.tree_.node_count != other.tree_.node_count


def test_max_features_statistically_like_sklearn():
    X, y = load("breast_cancer")
    rng = np.random.RandomState(0)
    idx = rng.permutation(len(y))
    tr, te = idx[:400], idx[400:]
    ours = np.mean([DecisionTreeClassifier(max_features="sqrt", random_state=s).fit(X[tr], y[tr]).score(X[te], y[te])
                    for s in range(20)])
    ref = np.mean([sktree.DecisionTreeClassifier(max_features="sqrt", random_state=s).fit(X[tr], y[tr])
                   .score(X[te], y[te]) for s in range(20)])
    assert abs(ours - ref) < 0.03


@pytest.mark.parametrize("regressor", [False, True])
def test_random_splitter_statistically_like_sklearn(regressor):
    """splitter='random' draws from mlc's generator, not scikit-learn's: the trees differ, their quality
    does not (mean held-out accuracy within 0.5 points, R^2 within 0.005, over 100 seeds each)."""
    X, yc, yr, _ = generated(n=6000, seed=1)
    y = yr if regressor else yc
    tr, te = slice(0, 4000), slice(4000, None)
    cls, ref_cls = ((DecisionTreeRegressor, sktree.DecisionTreeRegressor) if regressor
                    else (DecisionTreeClassifier, sktree.DecisionTreeClassifier))
    kw = dict(splitter="random", min_samples_leaf=10)
    ours = [cls(random_state=s, **kw).fit(X[tr], y[tr]).score(X[te], y[te]) for s in range(100)]
    ref = [ref_cls(random_state=s, **kw).fit(X[tr], y[tr]).score(X[te], y[te]) for s in range(100)]
    assert abs(np.mean(ours) - np.mean(ref)) < 0.005
    again = cls(random_state=3, **kw).fit(X[tr], y[tr])
    np.testing.assert_array_equal(again.tree_.threshold, cls(random_state=3, **kw).fit(X[tr], y[tr]).tree_.threshold)


def test_threads_do_not_change_the_tree():
    import mlc
    X, yc, yr, _ = generated(n=20000)
    old = mlc.set_num_threads(1)
    try:
        for kw in (dict(min_samples_leaf=3), dict(splitter="random", max_features=5, random_state=0),
                   dict(max_leaf_nodes=50)):
            mlc.set_num_threads(1)
            a = DecisionTreeRegressor(**kw).fit(X, yr)
            mlc.set_num_threads(2)
            assert_same_tree(a, DecisionTreeRegressor(**kw).fit(X, yr))
    finally:
        mlc.set_num_threads(old)


def test_pickle_round_trips():
    X, y = load("iris")
    est = DecisionTreeClassifier(max_depth=3).fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


# ---- estimator checks ------------------------------------------------------------------------------
@parametrize_with_checks([DecisionTreeClassifier(), DecisionTreeRegressor()])
def test_sklearn_compatible(estimator, check):
    if "check_sample_weight_equivalence" in getattr(check, "func", check).__name__:
        # weights and repeated rows give the same proxies up to rounding, and a near-tie they round
        # differently is resolved differently (scikit-learn's own trees xfail this check too)
        pytest.skip("ties broken by rounding")
    check(estimator)


# ---- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw, error, match", [
    (dict(max_depth=0), ValueError, "max_depth"),
    (dict(min_samples_leaf=0), ValueError, "min_samples_leaf"),
    (dict(min_samples_leaf=1.5), ValueError, "min_samples_leaf"),
    (dict(min_samples_split=1), ValueError, "min_samples_split"),
    (dict(max_features=5), ValueError, "max_features"),
    (dict(max_features=0), ValueError, "max_features"),
    (dict(max_features="all"), ValueError, "max_features"),
    (dict(min_weight_fraction_leaf=0.6), ValueError, "min_weight_fraction_leaf"),
    (dict(min_impurity_decrease=-1.0), ValueError, "min_impurity_decrease"),
    (dict(criterion="mse"), ValueError, "criterion"),
    (dict(splitter="worst"), ValueError, "splitter"),
    (dict(ccp_alpha=-0.1), ValueError, "ccp_alpha"),
    (dict(class_weight={9: 1.0}), ValueError, "not in class_weight"),
])
def test_bad_parameters(kw, error, match):
    X, y = load("iris")
    with pytest.raises(error, match=match):
        DecisionTreeClassifier(**kw).fit(X, y)


def test_bad_data():
    X, y = load("iris")
    with pytest.raises(ValueError, match="NaN"):
        DecisionTreeRegressor().fit(X, np.where(np.arange(len(y)) == 3, np.nan, y))
    with pytest.raises(ValueError, match="infinity"):
        DecisionTreeClassifier().fit(np.where(X > 7, np.inf, X), y)
    with pytest.raises(ValueError, match="NaN"):  # missing values: the best splitter only, for now
        DecisionTreeClassifier(splitter="random").fit(np.where(X > 7, np.nan, X), y)
    with pytest.raises(ValueError, match="NaN"):
        DecisionTreeRegressor(criterion="poisson").fit(np.where(X > 7, np.nan, X), y)
    with pytest.raises(ValueError, match="Negative"):
        DecisionTreeClassifier().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="sample"):
        DecisionTreeClassifier().fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="2D|2-D|dimension"):
        DecisionTreeClassifier().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="inconsistent"):
        DecisionTreeClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="multi-output"):
        DecisionTreeRegressor().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="Unknown label type"):
        DecisionTreeClassifier().fit(X, y + 0.5)
    with pytest.raises(ValueError, match="max_leaf_nodes"):
        DecisionTreeClassifier(max_leaf_nodes=1).fit(X, y)
    with pytest.raises(ValueError, match="multiclass"):
        DecisionTreeClassifier(monotonic_cst=[0, 1, 0, 0]).fit(X, y)
    with pytest.raises(ValueError, match="monotonic_cst"):
        DecisionTreeRegressor(monotonic_cst=[0, 2, 0, 0]).fit(X, y)
    with pytest.raises(ValueError, match="monotonic_cst has shape"):
        DecisionTreeRegressor(monotonic_cst=[0, 1]).fit(X, y)
    est = DecisionTreeClassifier().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])


def test_binding_rejects_arrays_that_are_not_a_tree():
    X = np.zeros((3, 2), dtype=np.float32)
    cl = np.array([1, -1, -1]); cr = np.array([2, -1, -1]); f = np.array([0, -2, -2])
    th = np.zeros(3); m = np.zeros(3, dtype=np.uint8)
    assert _mlc.tree_apply(X, cl, cr, f, th, m).tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="child"):
        _mlc.tree_apply(X, np.array([0, -1, -1]), cr, f, th, m)
    with pytest.raises(ValueError, match="feature"):
        _mlc.tree_apply(X, cl, cr, np.array([5, -2, -2]), th, m)
    with pytest.raises(ValueError, match="value"):
        _mlc.tree_predict(X, cl, cr, f, th, m, np.zeros((2, 1)))
    y = np.array([0.0, 1.0, 5.0])
    with pytest.raises(ValueError, match="invalid"):
        _mlc.tree_fit(X, y, None, 2, 0, 3, 2, 1, 2, 0.0, 0.0, 0)


def test_apply_and_decision_path_agree():
    X, y = load("wine")
    est = DecisionTreeClassifier(random_state=0).fit(X, y)
    path = est.decision_path(X).toarray()
    leaves = est.apply(X)
    assert path[np.arange(len(y)), leaves].all() and path[:, 0].all()
    assert (path.sum(axis=1) <= est.get_depth() + 1).all()


# ---- Ctrl-C and leaks ----------------------------------------------------------------------------------
def test_ctrl_c_stops_a_fit():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400000, 20)).astype(np.float32)
    y = rng.normal(size=400000)
    # a fit that has not stopped 120 s after the interrupt fails the test
    interrupted_while(lambda: DecisionTreeRegressor().fit(X, y), cap=120.0)


@needs_rss
def test_fit_predict_loop_does_not_leak():
    X, y = load("iris")

    def step():
        est = DecisionTreeClassifier(max_features=2, random_state=0).fit(X, y)
        est.predict_proba(X)
    assert_rss_stable(step)


# ---- every CPU level grows the same tree -------------------------------------------------------------
@pytest.mark.parametrize("regressor", [False, True])
def test_same_tree_at_every_cpu_level(regressor):
    levels = [name for name, ok in _mlc.cpu_levels().items() if ok]
    before = _mlc.cpu_level()
    X, yc, yr, w = generated(n=2000)
    est = DecisionTreeRegressor(min_samples_leaf=3) if regressor else DecisionTreeClassifier(criterion="entropy")
    fits = {}
    try:
        for level in levels:
            _mlc._set_cpu_level(level)
            fitted = est.fit(X, yr if regressor else yc, sample_weight=w)
            fits[level] = (pickle.loads(pickle.dumps(fitted)), fitted.predict(X))
    finally:
        _mlc._set_cpu_level(before)
    first, first_pred = fits[levels[0]]
    for level in levels[1:]:
        other, pred = fits[level]
        for name in ARRAYS + ("value", "impurity"):
            np.testing.assert_array_equal(getattr(other.tree_, name), getattr(first.tree_, name), err_msg=level)
        np.testing.assert_array_equal(pred, first_pred)
