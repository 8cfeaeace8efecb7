"""kd-tree and ball tree (csrc/neighbors/tree.c), radius search and the radius estimators, against
scikit-learn 1.9's KDTree / BallTree / brute force.

Tie rule under test: every algorithm keeps the k smallest (distance, index of the fitted sample)
pairs and returns them sorted that way, so kd_tree, ball_tree and brute give the same indices even
where distances tie (iris and digits have duplicate rows). scikit-learn's trees may keep another of
exactly tied samples, so parity with them is asserted on rows without a tie at the k-th place.
"""
import pickle
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn import neighbors as skn
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.neighbors import (KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors, RadiusNeighborsClassifier,
                           RadiusNeighborsRegressor)

DATASETS = ["iris", "wine", "breast_cancer", "digits"]
TREES = ["kd_tree", "ball_tree"]
PS = [1, 2, 3, np.inf]


def split(name):
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


def lowdim(n=3000, nq=500, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n + nq, d)) * rng.uniform(0.5, 3.0, size=d)
    return X[:n], X[n:]


def tie_free(dist, k):
    """Rows whose k-th and (k+1)-th distances differ (dist has k + 1 columns)."""
    return dist[:, k] - dist[:, k - 1] > 1e-9 * np.maximum(1.0, dist[:, k - 1])


def exact(p):
    return dict(rtol=0, atol=0) if p in (1, 2, np.inf) else dict(rtol=1e-13, atol=0)


@parametrize_with_checks([RadiusNeighborsClassifier(), RadiusNeighborsRegressor(),
                          RadiusNeighborsClassifier(radius=1.0, outlier_label="most_frequent", weights="distance"),
                          KNeighborsClassifier(3, algorithm="kd_tree"), KNeighborsRegressor(algorithm="ball_tree", p=1),
                          NearestNeighbors(algorithm="ball_tree", metric="chebyshev")])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("p", PS)
def test_kneighbors_parity(name, p):
    Xtr, Xte, _, _ = split(name)
    k = 5
    sk = skn.NearestNeighbors(n_neighbors=k + 1, algorithm="brute", p=p).fit(Xtr)
    d_sk, i_sk = sk.kneighbors(Xte)
    ok = tie_free(d_sk, k)
    results = {}
    for alg in ["brute", *TREES]:
        d, i = NearestNeighbors(n_neighbors=k, algorithm=alg, p=p, leaf_size=7).fit(Xtr).kneighbors(Xte)
        # scikit-learn's brute euclidean goes through ||x||^2 - 2 x.y + ||y||^2: not to the last bit
        np.testing.assert_allclose(d, d_sk[:, :k], rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(np.sort(i[ok], axis=1), np.sort(i_sk[ok, :k], axis=1))
        assert np.all(np.diff(d, axis=1) >= 0)  # (ties are ordered by the squared distance, then index)
        results[alg] = d, i
        if alg in TREES:  # the same bits as scikit-learn's tree of the same kind
            ref = getattr(skn, {"kd_tree": "KDTree", "ball_tree": "BallTree"}[alg])(Xtr, 7, metric="minkowski", p=p)
            d_t, i_t = ref.query(Xte, k)
            np.testing.assert_allclose(d, d_t, **exact(p))
    for alg in TREES:  # the tie rule: the same neighbours as brute force, ties included
        np.testing.assert_array_equal(results[alg][1], results["brute"][1])


@pytest.mark.parametrize("alg", TREES)
@pytest.mark.parametrize("d", [1, 2, 3, 8])
def test_generated_low_dimensional(alg, d):
    Xtr, Xte = lowdim(d=d, seed=d)
    for k in (1, 5, 40):
        d_m, i_m = NearestNeighbors(n_neighbors=k, algorithm=alg).fit(Xtr).kneighbors(Xte)
        d_s, i_s = skn.NearestNeighbors(n_neighbors=k, algorithm=alg).fit(Xtr).kneighbors(Xte)
        np.testing.assert_array_equal(d_m, d_s)
        np.testing.assert_array_equal(i_m, i_s)


def test_integer_grid_ties_follow_the_index_rule():
    g = np.arange(6.0)
    X = np.array(np.meshgrid(g, g, g)).reshape(3, -1).T  # every query has many tied neighbours
    Q = X[::7] + 0.5
    ref = NearestNeighbors(n_neighbors=9, algorithm="brute").fit(X).kneighbors(Q)
    for alg in TREES:
        for leaf in (1, 3, 30):
            out = NearestNeighbors(n_neighbors=9, algorithm=alg, leaf_size=leaf).fit(X).kneighbors(Q)
            np.testing.assert_array_equal(out[1], ref[1])
            np.testing.assert_array_equal(out[0], ref[0])


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("alg", ["brute", *TREES])
def test_radius_parity(name, alg):
    Xtr, Xte, _, _ = split(name)
    for p in (1, 2, np.inf):
        d0, _ = skn.NearestNeighbors(n_neighbors=3, p=p).fit(Xtr).kneighbors(Xte)
        r = float(np.median(d0[:, 2]))
        sk = skn.NearestNeighbors(radius=r, algorithm=alg, p=p).fit(Xtr)
        ours = NearestNeighbors(radius=r, algorithm=alg, p=p).fit(Xtr)
        d_s, i_s = sk.radius_neighbors(Xte, sort_results=True)
        d_m, i_m = ours.radius_neighbors(Xte, sort_results=True)
        for a, b, c, e in zip(d_m, d_s, i_m, i_s):
            assert set(c) == set(e)
            np.testing.assert_allclose(a, np.sort(b), rtol=1e-9)
        _, i_u = ours.radius_neighbors(Xte)
        assert all(np.all(np.diff(i) > 0) for i in i_u)  # unsorted: by index
        g_s = sk.radius_neighbors_graph(Xte, mode="distance").toarray()
        np.testing.assert_allclose(ours.radius_neighbors_graph(Xte, mode="distance").toarray(), g_s, rtol=1e-9)


def test_radius_without_X_excludes_each_sample():
    X, _ = lowdim(n=400, nq=0, d=2)
    for alg in ["brute", *TREES]:
        ours = NearestNeighbors(radius=0.4, algorithm=alg).fit(X).radius_neighbors(sort_results=True)
        ref = skn.NearestNeighbors(radius=0.4, algorithm=alg).fit(X).radius_neighbors(sort_results=True)
        for i, (a, b) in enumerate(zip(ours[1], ref[1])):
            assert i not in a and set(a) == set(b)


@pytest.mark.parametrize("metric", ["sqeuclidean", "cosine", "correlation"])
def test_brute_radius_other_metrics(metric):
    Xtr, Xte, _, _ = split("wine")
    sk = skn.NearestNeighbors(radius=0.05, metric=metric, algorithm="brute").fit(Xtr)
    ours = NearestNeighbors(radius=0.05, metric=metric).fit(Xtr)
    for a, b in zip(ours.radius_neighbors(Xte)[1], sk.radius_neighbors(Xte)[1]):
        assert set(a) == set(b)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("alg", TREES)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_predictions(name, alg, weights):
    Xtr, Xte, ytr, _ = split(name)
    kw = dict(algorithm=alg, weights=weights)
    # a tie at the 5th place: scikit-learn's own ball_tree and kd_tree keep different samples (digits)
    d0, _ = skn.NearestNeighbors(n_neighbors=6).fit(Xtr).kneighbors(Xte)
    ok = tie_free(d0, 5)
    np.testing.assert_array_equal(KNeighborsClassifier(5, **kw).fit(Xtr, ytr).predict(Xte)[ok],
                                  skn.KNeighborsClassifier(5, **kw).fit(Xtr, ytr).predict(Xte)[ok])
    np.testing.assert_allclose(KNeighborsRegressor(5, **kw).fit(Xtr, ytr * 1.5).predict(Xte)[ok],
                               skn.KNeighborsRegressor(5, **kw).fit(Xtr, ytr * 1.5).predict(Xte)[ok], rtol=1e-12)
    r = float(np.quantile(d0[:, 4], 0.8))
    rc = dict(radius=r, outlier_label="most_frequent", **kw)
    np.testing.assert_array_equal(RadiusNeighborsClassifier(**rc).fit(Xtr, ytr).predict(Xte),
                                  skn.RadiusNeighborsClassifier(**rc).fit(Xtr, ytr).predict(Xte))
    np.testing.assert_allclose(RadiusNeighborsClassifier(**rc).fit(Xtr, ytr).predict_proba(Xte),
                               skn.RadiusNeighborsClassifier(**rc).fit(Xtr, ytr).predict_proba(Xte), rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = RadiusNeighborsRegressor(radius=r, **kw).fit(Xtr, ytr * 1.5).predict(Xte)
        ref = skn.RadiusNeighborsRegressor(radius=r, **kw).fit(Xtr, ytr * 1.5).predict(Xte)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_radius_outliers():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    y = np.array(["a", "b", "b", "c"])
    with pytest.raises(ValueError, match="No neighbors found for test samples"):
        RadiusNeighborsClassifier(radius=0.5).fit(X, y).predict([[5.0]])
    assert RadiusNeighborsClassifier(radius=0.5, outlier_label="most_frequent").fit(X, y).predict([[5.0]])[0] == "b"
    assert RadiusNeighborsClassifier(radius=0.5, outlier_label="c").fit(X, y).predict([[5.0], [0.1]]).tolist() == \
        ["c", "a"]
    with pytest.warns(UserWarning, match="Outlier label z is not in training classes"):
        RadiusNeighborsClassifier(radius=0.5, outlier_label="z").fit(X, y).predict_proba([[5.0]])
    with pytest.raises(TypeError, match="inconsistent with classes"):
        RadiusNeighborsClassifier(radius=0.5, outlier_label=3).fit(X, y)
    with pytest.warns(UserWarning, match="predicting NaN"):
        pred = RadiusNeighborsRegressor(radius=0.5).fit(X, [1.0, 2.0, 3.0, 4.0]).predict([[5.0], [1.1]])
    assert np.isnan(pred[0]) and pred[1] == 2.0


def test_auto_picks_as_sklearn():
    rng = np.random.default_rng(0)
    for d, k, metric, p in [(3, 5, "minkowski", 2), (20, 5, "minkowski", 2), (3, 60, "minkowski", 2),
                            (3, 5, "cosine", 2), (3, 5, "chebyshev", 2), (3, 5, "minkowski", 3),
                            (3, 5, "sqeuclidean", 2), (15, 5, "manhattan", 2)]:
        X = rng.normal(size=(100, d))
        ours = KNeighborsClassifier(k, metric=metric, p=p).fit(X, np.arange(100) % 2)
        ref = skn.KNeighborsClassifier(k, metric=metric, p=p).fit(X, np.arange(100) % 2)
        assert ours._fit_method == ref._fit_method, (d, k, metric)
        assert ours.effective_metric_ == ref.effective_metric_


@pytest.mark.parametrize("alg", TREES)
def test_threads_and_float32(alg):
    Xtr, Xte = lowdim(n=20000, nq=3000, d=4)
    one = NearestNeighbors(n_neighbors=7, algorithm=alg, n_jobs=1).fit(Xtr)
    two = NearestNeighbors(n_neighbors=7, algorithm=alg, n_jobs=2).fit(Xtr)
    for a, b in zip(one._tree, two._tree):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(one.kneighbors(Xte), two.kneighbors(Xte)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(one.radius_neighbors(Xte, 0.3)[1], two.radius_neighbors(Xte, 0.3)[1]):
        np.testing.assert_array_equal(a, b)
    X32, Q32 = Xtr.astype(np.float32), Xte.astype(np.float32)
    d, i = NearestNeighbors(n_neighbors=7, algorithm=alg).fit(X32).kneighbors(Q32)
    d_s, i_s = skn.NearestNeighbors(n_neighbors=7, algorithm=alg).fit(X32).kneighbors(Q32)
    np.testing.assert_allclose(d, d_s, rtol=1e-12)
    np.testing.assert_array_equal(i, i_s)


@pytest.mark.parametrize("order", ["C", "F", "view"])
def test_layouts(order):
    Xtr, Xte = lowdim(n=500, nq=50, d=3)
    ref = NearestNeighbors(algorithm="kd_tree").fit(Xtr).kneighbors(Xte)
    conv = {"C": np.ascontiguousarray, "F": np.asfortranarray, "view": lambda a: np.repeat(a, 2, axis=0)[::2]}[order]
    out = NearestNeighbors(algorithm="kd_tree").fit(conv(Xtr)).kneighbors(conv(Xte))
    np.testing.assert_array_equal(out[1], ref[1])


def test_graphs_match_sklearn():
    Xtr, Xte = lowdim(n=300, nq=40, d=2)
    for mode in ("connectivity", "distance"):
        ours = NearestNeighbors(n_neighbors=4, algorithm="kd_tree").fit(Xtr)
        ref = skn.NearestNeighbors(n_neighbors=4, algorithm="kd_tree").fit(Xtr)
        for X in (Xte, None):
            np.testing.assert_allclose(ours.kneighbors_graph(X, mode=mode).toarray(),
                                       ref.kneighbors_graph(X, mode=mode).toarray())
    with pytest.raises(ValueError, match="Unsupported mode"):
        ours.kneighbors_graph(Xte, mode="weird")


def test_bad_input():
    X, _ = lowdim(n=50, nq=0, d=3)
    y = np.arange(50) % 2
    with pytest.raises(ValueError, match="'leaf_size' parameter .* must be an int in the range \\[1, inf\\)"):
        KNeighborsClassifier(leaf_size=0).fit(X, y)
    for p in (0, -1.0):
        with pytest.raises(ValueError, match="'p' parameter .* range \\(0.0, inf\\]"):
            KNeighborsClassifier(p=p).fit(X, y)
    with pytest.raises(ValueError, match="'algorithm' parameter"):
        KNeighborsClassifier(algorithm="cover_tree").fit(X, y)
    for alg in TREES:
        with pytest.raises(ValueError, match="Metric 'cosine' not valid"):
            KNeighborsClassifier(algorithm=alg, metric="cosine").fit(X, y)
        with pytest.raises(ValueError, match="does not support 0 < p < 1"):
            KNeighborsClassifier(algorithm=alg, p=0.5).fit(X, y)
    with pytest.warns(UserWarning, match="0 < p < 1, Minkowski metrics are not distance metrics"):
        d, _ = NearestNeighbors(n_neighbors=3, algorithm="brute", p=0.5).fit(X).kneighbors(X[:5])
    with pytest.warns(UserWarning, match="0 < p < 1"):
        d_s, _ = skn.NearestNeighbors(n_neighbors=3, algorithm="brute", p=0.5).fit(X).kneighbors(X[:5])
    np.testing.assert_allclose(d, d_s, rtol=1e-12)
    with pytest.raises(ValueError, match="'radius' parameter .* range \\[0.0, inf\\)"):
        RadiusNeighborsClassifier(radius=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="'radius' parameter"):
        NearestNeighbors().fit(X).radius_neighbors(X, radius=-0.5)
    with pytest.raises(ValueError, match="return_distance must be True"):
        NearestNeighbors().fit(X).radius_neighbors(X, return_distance=False, sort_results=True)
    with pytest.raises(ValueError, match="metric_params \\['w'\\] are not supported"):
        KNeighborsClassifier(metric_params={"w": np.ones(3)}).fit(X, y)
    with pytest.warns(SyntaxWarning, match="Parameter p is found in metric_params"):
        clf = KNeighborsClassifier(metric_params={"p": 1}).fit(X, y)
    assert clf.effective_metric_ == "manhattan"
    Xn = X.copy()
    Xn[3, 1] = np.nan
    for alg in TREES:
        with pytest.raises(ValueError, match="Input X contains NaN"):
            KNeighborsClassifier(algorithm=alg).fit(Xn, y)
        with pytest.raises(ValueError, match="Input X contains NaN"):
            KNeighborsClassifier(algorithm=alg).fit(X, y).predict(Xn)


def test_direct_calls_check_the_tree():
    X, _ = lowdim(n=100, nq=0, d=3)
    tree = _mlc.knn_tree_build(X, 10, _mlc.KNN_KD_TREE, 2.0, 1)
    with pytest.raises(ValueError, match="leaf_size must be >= 1"):
        _mlc.knn_tree_build(X, 0, _mlc.KNN_KD_TREE, 2.0, 1)
    with pytest.raises(ValueError, match="p must be > 0"):
        _mlc.knn_tree_build(X, 10, _mlc.KNN_KD_TREE, -1.0, 1)
    bad = (tree[0], tree[1], tree[2].copy(), tree[3])
    bad[2][3, 1] += 5
    with pytest.raises(ValueError, match="not those of a built tree"):
        _mlc.knn_tree_query(X, bad, _mlc.KNN_KD_TREE, 2.0, 3, 1)
    with pytest.raises(ValueError, match="X"):
        _mlc.knn_tree_query(X[:, :2], tree, _mlc.KNN_KD_TREE, 2.0, 3, 1)
    with pytest.raises(ValueError, match="k must be"):
        _mlc.knn_tree_query(X, tree, _mlc.KNN_KD_TREE, 2.0, 101, 1)
    with pytest.raises(ValueError, match="radius must be >= 0"):
        _mlc.knn_tree_radius(X, tree, _mlc.KNN_KD_TREE, 2.0, -1.0, 0, 1)


@pytest.mark.parametrize("alg", TREES)
def test_pickle_exact(alg):
    Xtr, Xte = lowdim(n=2000, nq=100, d=3)
    est = KNeighborsRegressor(4, algorithm=alg, weights="distance").fit(Xtr, Xtr[:, 0])
    back = pickle.loads(pickle.dumps(est))
    for a, b in zip(est._tree, back._tree):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(est.predict(Xte), back.predict(Xte))
    rc = RadiusNeighborsClassifier(0.5, algorithm=alg, outlier_label="most_frequent").fit(Xtr, Xtr[:, 1] > 0)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(rc)).predict(Xte), rc.predict(Xte))
