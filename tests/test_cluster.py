"""KMeans / MiniBatchKMeans against scikit-learn.

From the same initial centres (n_init=1) KMeans follows scikit-learn's iterates: the same labels,
the same number of iterations, centres within 1e-8 relative in float64, for Lloyd and Elkan alike.
With random initialisation the draws differ (mlc's generator), so k-means++ is compared by the
inertia it reaches (within 1% of scikit-learn's with n_init=10).
"""
import pickle
import warnings

import numpy as np
import pytest
from sklearn import cluster as skc
from sklearn import datasets
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc import _mlc
from mlc.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from conftest import assert_rss_stable, layouts, needs_rss

DATASETS = ["iris", "wine", "digits", "breast_cancer", "blobs"]


def load(name):
    if name == "blobs":
        X, _ = datasets.make_blobs(n_samples=3000, n_features=12, centers=9, cluster_std=2.5, random_state=0)
        return X
    return getattr(datasets, f"load_{name}")(return_X_y=True)[0]


def first_centres(X, k, seed=0):
    return X[np.random.default_rng(seed).choice(len(X), k, replace=False)].copy()


@parametrize_with_checks([KMeans(n_clusters=3, n_init=2, max_iter=5), KMeans(algorithm="elkan"),
                          MiniBatchKMeans(n_clusters=3, batch_size=10, max_iter=5, n_init=2)])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check(estimator)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("k", [3, 8])
def test_parity_same_init(name, algorithm, k):
    X = load(name)
    init = first_centres(X, k)
    ours = KMeans(k, init=init, n_init=1, algorithm=algorithm).fit(X)
    theirs = skc.KMeans(k, init=init, n_init=1, algorithm=algorithm).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.n_iter_ == theirs.n_iter_
    scale = np.abs(theirs.cluster_centers_).max()
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-8, atol=1e-8 * scale)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-8)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.transform(X[:50]), theirs.transform(X[:50]), rtol=1e-7, atol=1e-7 * scale)
    assert ours.score(X) == pytest.approx(theirs.score(X), rel=1e-8)


def test_parity_with_weights_and_tol0():
    X = load("wine")
    w = np.random.default_rng(1).uniform(0.1, 3.0, len(X))
    init = first_centres(X, 4)
    for algorithm in ("lloyd", "elkan"):
        ours = KMeans(4, init=init, n_init=1, tol=0.0, algorithm=algorithm).fit(X, sample_weight=w)
        theirs = skc.KMeans(4, init=init, n_init=1, tol=0.0, algorithm=algorithm).fit(X, sample_weight=w)
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-8)
        assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-8)


def test_empty_cluster_relocation_matches_sklearn():
    # two centres far from all data: both clusters come out empty on the first step
    X = load("iris")
    init = np.vstack([X[:3], np.full((2, 4), 100.0)])
    ours = KMeans(5, init=init, n_init=1).fit(X)
    theirs = skc.KMeans(5, init=init, n_init=1).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-8)


@pytest.mark.parametrize("name", ["digits", "blobs"])
def test_kmeans_plusplus_quality(name):
    X = load(name)
    k = 10
    ours = KMeans(k, n_init=10, random_state=0).fit(X)
    theirs = skc.KMeans(k, n_init=10, random_state=0).fit(X)
    assert ours.inertia_ <= 1.01 * theirs.inertia_
    elkan = KMeans(k, n_init=10, random_state=0, algorithm="elkan").fit(X)
    np.testing.assert_array_equal(elkan.labels_, ours.labels_)


def test_kmeans_plusplus_function():
    X = load("iris")
    centers, idx = kmeans_plusplus(X, 5, random_state=0)
    np.testing.assert_array_equal(centers, X[idx])
    assert len(set(idx.tolist())) == 5
    c2, i2 = kmeans_plusplus(X, 5, random_state=0)
    np.testing.assert_array_equal(idx, i2)


def test_lloyd_equals_elkan_and_threads():
    X = load("blobs")
    init = first_centres(X, 9, seed=3)
    a = KMeans(9, init=init, n_init=1).fit(X)
    b = KMeans(9, init=init, n_init=1, algorithm="elkan").fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-12)
    old = mlc.set_num_threads(1)
    try:
        c = KMeans(9, random_state=5).fit(X)
        mlc.set_num_threads(2)
        d = KMeans(9, random_state=5).fit(X)
    finally:
        mlc.set_num_threads(old)
    np.testing.assert_array_equal(c.labels_, d.labels_)
    np.testing.assert_array_equal(c.cluster_centers_, d.cluster_centers_)
    assert c.inertia_ == d.inertia_


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
def test_float32_stays_float32(algorithm):
    X = load("blobs")
    init = first_centres(X, 9)
    f32 = KMeans(9, init=init.astype(np.float32), n_init=1, algorithm=algorithm).fit(X.astype(np.float32))
    f64 = KMeans(9, init=init, n_init=1, algorithm=algorithm).fit(X)
    assert f32.cluster_centers_.dtype == np.float32
    assert f32.transform(X[:5].astype(np.float32)).dtype == np.float32
    np.testing.assert_array_equal(f32.labels_, f64.labels_)
    np.testing.assert_allclose(f32.cluster_centers_, f64.cluster_centers_, rtol=1e-5, atol=1e-5)
    assert f32.inertia_ == pytest.approx(f64.inertia_, rel=1e-5)
    sk = skc.KMeans(9, init=init.astype(np.float32), n_init=1, algorithm=algorithm).fit(X.astype(np.float32))
    np.testing.assert_array_equal(f32.labels_, sk.labels_)
    mb = MiniBatchKMeans(9, random_state=0).fit(X.astype(np.float32))
    assert mb.cluster_centers_.dtype == np.float32


def test_layouts_equal():
    X = load("wine")
    init = first_centres(X, 4)
    ref = None
    for name, Xl in layouts(X).items():
        for algorithm in ("lloyd", "elkan"):
            est = KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(Xl)
            if ref is None:
                ref = est
            np.testing.assert_array_equal(est.labels_, ref.labels_, err_msg=name)
            np.testing.assert_array_equal(est.cluster_centers_, ref.cluster_centers_, err_msg=name)
    mb = [MiniBatchKMeans(4, random_state=0, batch_size=50).fit(Xl).cluster_centers_ for Xl in layouts(X).values()]
    np.testing.assert_array_equal(mb[0], mb[1])
    np.testing.assert_array_equal(mb[0], mb[2])


def test_pickle_round_trip():
    X = load("iris")
    for est in (KMeans(3, random_state=0).fit(X), MiniBatchKMeans(3, random_state=0, batch_size=30).fit(X)):
        back = pickle.loads(pickle.dumps(est))
        np.testing.assert_array_equal(back.cluster_centers_, est.cluster_centers_)
        np.testing.assert_array_equal(back.predict(X), est.predict(X))


def test_minibatch_quality_and_partial_fit():
    X = load("blobs")
    km = skc.KMeans(9, n_init=3, random_state=0).fit(X)
    ours = MiniBatchKMeans(9, random_state=0, batch_size=256, n_init=3).fit(X)
    theirs = skc.MiniBatchKMeans(9, random_state=0, batch_size=256, n_init=3).fit(X)
    assert ours.inertia_ <= 1.05 * km.inertia_
    assert ours.inertia_ <= 1.05 * theirs.inertia_
    assert ours.labels_.shape == (len(X),) and ours.n_steps_ >= 1 and ours.n_iter_ >= 1
    pf = MiniBatchKMeans(9, random_state=0)
    for chunk in np.array_split(X[np.random.default_rng(0).permutation(len(X))], 30):
        pf.partial_fit(chunk)
    assert pf.n_steps_ == 30
    _, inertia = _mlc.kmeans_assign(X, pf.cluster_centers_)
    assert inertia <= 1.10 * km.inertia_
    with pytest.raises(ValueError, match="X has 3 features"):
        pf.partial_fit(X[:, :3])


def test_minibatch_step_matches_sklearn_update():
    # one step from the same centres: scikit-learn's per-centre learning rate
    from sklearn.cluster._kmeans import _mini_batch_step
    X = load("iris")
    centers = first_centres(X, 3)
    w = np.ones(len(X))
    counts = np.array([5.0, 0.0, 2.0])
    new, sums, labels, inertia = _mlc.kmeans_minibatch_step(X, w, centers, counts)
    sk_new, sk_counts = np.empty_like(centers), counts.copy()
    sk_inertia = _mini_batch_step(X, w, centers, sk_new, sk_counts, np.random.RandomState(0),
                                  random_reassign=False)
    np.testing.assert_allclose(new, sk_new, rtol=1e-12)
    np.testing.assert_allclose(sums, sk_counts)
    assert inertia == pytest.approx(sk_inertia, rel=1e-12)


@pytest.mark.parametrize("Est", [KMeans, MiniBatchKMeans])
def test_bad_input(Est):
    X = load("iris")
    with pytest.raises(ValueError, match=r"n_samples=5 should be >= n_clusters=8"):
        Est(8).fit(X[:5])
    with pytest.raises(ValueError, match="n_clusters == 0, must be >= 1"):
        Est(0).fit(X)
    with pytest.raises(ValueError, match="n_clusters == -2, must be >= 1"):
        Est(-2).fit(X)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Est(3).fit(Xn)
    Xn[3, 1] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        Est(3).fit(Xn)
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        Est(3).fit(np.empty((0, 4)))
    with pytest.raises(ValueError, match=r"initial centers \(2, 4\) does not match the number of clusters 3"):
        Est(3, init=X[:2], n_init=1).fit(X)
    with pytest.raises(ValueError, match=r"does not match the number of features of the data 4"):
        Est(3, init=X[:3, :2], n_init=1).fit(X)
    with pytest.raises(ValueError, match="Negative values in data passed to sample_weight"):
        Est(3).fit(X, sample_weight=np.r_[-1.0, np.ones(len(X) - 1)])
    with pytest.raises(ValueError, match="init should be either 'k-means\\+\\+', 'random'"):
        Est(3, init="kmeans||").fit(X)
    with pytest.raises(ValueError, match="max_iter == 0, must be >= 1"):
        Est(3, max_iter=0).fit(X)
    with pytest.raises(ValueError, match="tol == -0.1, must be >= 0"):
        Est(3, tol=-0.1).fit(X)
    with pytest.raises(ValueError, match="n_init should be 'auto' or an int >= 1"):
        Est(3, n_init=0).fit(X)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        Est(3).fit(X[:, 0])
    with pytest.raises(ValueError, match="holds strings"):
        Est(3).fit(np.array([["a", "b"]] * 5))


def test_bad_algorithm_and_params():
    X = load("iris")
    with pytest.raises(ValueError, match="algorithm must be one of"):
        KMeans(3, algorithm="full").fit(X)
    with pytest.raises(ValueError, match="batch_size == 0, must be >= 1"):
        MiniBatchKMeans(3, batch_size=0).fit(X)
    with pytest.raises(ValueError, match="reassignment_ratio == -1, must be >= 0"):
        MiniBatchKMeans(3, reassignment_ratio=-1).fit(X)
    with pytest.warns(RuntimeWarning, match="performing only one init"):
        KMeans(3, init=X[:3], n_init=4).fit(X)
    with pytest.warns(RuntimeWarning, match="Using 'lloyd' instead"):
        KMeans(1, algorithm="elkan").fit(X)
    est = KMeans(3, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 2 features"):
        est.predict(X[:, :2])
    from mlc.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        KMeans(3).predict(X)


def test_direct_binding_wrong_shapes_raise():
    X = np.ones((10, 3))
    w = np.ones(10)
    C = np.ones((2, 3))
    with pytest.raises(ValueError, match="centers: dimension 1"):
        _mlc.kmeans_fit(X, w, np.ones((2, 4)), 0, 10, 0.0)
    with pytest.raises(ValueError, match="expected a 2-D array"):
        _mlc.kmeans_fit(X[:, 0], w, C, 0, 10, 0.0)
    with pytest.raises(ValueError, match="sample_weight: dimension 0"):
        _mlc.kmeans_fit(X, w[:5], C, 0, 10, 0.0)
    with pytest.raises(ValueError, match="n_clusters must be <= n_samples"):
        _mlc.kmeans_fit(X, w, np.ones((11, 3)), 0, 10, 0.0)
    with pytest.raises(ValueError, match="unknown algorithm code"):
        _mlc.kmeans_fit(X, w, C, 7, 10, 0.0)
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        _mlc.kmeans_fit(X, w, C, 0, 0, 0.0)
    with pytest.raises(ValueError, match="tol must be >= 0"):
        _mlc.kmeans_fit(X, w, C, 0, 10, float("nan"))
    with pytest.raises(ValueError, match="n_local_trials must be in"):
        _mlc.kmeans_plusplus(X, w, 2, 0, 1)
    with pytest.raises(ValueError, match="need at least one sample"):
        _mlc.kmeans_assign(np.ones((0, 3)), C)
    with pytest.raises(ValueError, match="weight_sums: dimension 0"):
        _mlc.kmeans_minibatch_step(X, w, C, np.zeros(3))
    with pytest.raises(TypeError):
        _mlc.kmeans_assign(X, None)


@needs_rss
def test_rss_stable():
    X = load("iris")
    init = first_centres(X, 3)

    def once():
        est = KMeans(3, init=init, n_init=1, algorithm="elkan").fit(X)
        est.predict(X)
        _mlc.kmeans_minibatch_step(X, np.ones(len(X)), init, np.zeros(3))
        _mlc.kmeans_plusplus(X, np.ones(len(X)), 3, 3, 0)

    assert_rss_stable(once)
