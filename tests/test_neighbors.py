"""KNeighborsClassifier / KNeighborsRegressor / NearestNeighbors against scikit-learn's brute force.

Tie rule under test: neighbours sorted by (distance, index); of fitted samples at equal distance the
smaller index wins, including at the k-th place. scikit-learn's choice among exactly tied neighbours
depends on its heap layout and thread split ("the results will depend on the ordering of the training
data", its documentation says), so parity with it is asserted up to genuine ties, and the tie rule
itself is asserted exactly against a stable argsort of scipy's cdist.
"""
import itertools
import pickle

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn import datasets
from sklearn import neighbors as skn
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.exceptions import NotFittedError
from mlc.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from conftest import layouts

METRICS = ["euclidean", "sqeuclidean", "manhattan", "cosine", "correlation"]
SCIPY = {"manhattan": "cityblock"}
DATASETS = ["iris", "wine", "breast_cancer", "digits"]


def split(name):
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


def ref_distances(Xq, Xf, metric):
    D = cdist(Xq, Xf, SCIPY.get(metric, metric))
    return np.nan_to_num(D, nan=1.0)  # constant rows under correlation: mlc's convention


def tie_free(Ds, k, tol=1e-9):
    """Rows (of row-sorted distances) whose k-th and (k+1)-th neighbours are not tied."""
    kth = Ds[:, k - 1]
    nxt = Ds[:, k] if k < Ds.shape[1] else np.full_like(kth, np.inf)
    return nxt - kth > tol * np.maximum(1.0, kth)


@parametrize_with_checks([KNeighborsClassifier(), KNeighborsRegressor(), NearestNeighbors(),
                          KNeighborsClassifier(3, weights="distance", metric="cosine"),
                          KNeighborsRegressor(2, weights="distance", metric="manhattan")])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("metric", METRICS)
def test_parity_with_sklearn_brute(name, metric):
    Xtr, Xte, ytr, yte = split(name)
    D = ref_distances(Xte, Xtr, metric)
    Ds = np.sort(D, axis=1)
    for k, weights in itertools.product([1, 5, 15], ["uniform", "distance"]):
        ours = KNeighborsClassifier(k, weights=weights, metric=metric).fit(Xtr, ytr)
        theirs = skn.KNeighborsClassifier(k, weights=weights, metric=metric, algorithm="brute").fit(Xtr, ytr)
        d, ind = ours.kneighbors(Xte)
        d_sk, _ = theirs.kneighbors(Xte)
        # the same distances, in order (scale: the largest distance of the row)
        np.testing.assert_allclose(d, d_sk, rtol=1e-9, atol=1e-9 * Ds[:, -1:].max())
        np.testing.assert_allclose(d, Ds[:, :k], rtol=1e-9, atol=1e-12)
        # rows whose k-th and (k+1)-th neighbour are tied may differ in which one is kept
        clear = tie_free(Ds, k)
        assert clear.sum() >= 10  # iris under manhattan is the most tied: 42% of rows at k=5
        np.testing.assert_array_equal(ours.predict(Xte)[clear], theirs.predict(Xte)[clear])
        np.testing.assert_allclose(ours.predict_proba(Xte)[clear], theirs.predict_proba(Xte)[clear],
                                   rtol=1e-9, atol=1e-12)
        r_ours = KNeighborsRegressor(k, weights=weights, metric=metric).fit(Xtr, ytr.astype(float))
        r_sk = skn.KNeighborsRegressor(k, weights=weights, metric=metric, algorithm="brute").fit(Xtr, ytr)
        np.testing.assert_allclose(r_ours.predict(Xte)[clear], r_sk.predict(Xte)[clear], rtol=1e-9)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "manhattan"])
def test_tie_rule_is_a_stable_sort(metric):
    # digits: integer pixels, so every distance is exact and ties are real and many
    Xtr, Xte, ytr, _ = split("digits")
    D = ref_distances(Xte, Xtr, metric)
    want = np.argsort(D, axis=1, kind="stable")[:, :15]
    _, ind = NearestNeighbors(n_neighbors=15, metric=metric).fit(Xtr).kneighbors(Xte)
    np.testing.assert_array_equal(ind, want)
    assert (np.diff(np.sort(D, axis=1)[:, :16], axis=1) == 0).any(axis=1).sum() > 100


def test_voting_ties_go_to_the_first_class():
    X = np.array([[0.0], [1.0], [-1.0], [2.0]])
    y = np.array(["b", "a", "b", "a"])
    clf = KNeighborsClassifier(2).fit(X, y)
    # neighbours of 0.5: 0.0 ('b') and 1.0 ('a') at the same distance; one vote each -> 'a'
    assert clf.predict([[0.5]])[0] == "a"
    np.testing.assert_array_equal(clf.predict_proba([[0.5]]), [[0.5, 0.5]])


def test_distance_weights_with_exact_matches():
    X = np.array([[0.0], [0.0], [1.0], [3.0]])
    y = np.array([0, 1, 1, 1])
    clf = KNeighborsClassifier(4, weights="distance").fit(X, y)
    # neighbours at distance 0 take all the weight, each 1
    np.testing.assert_allclose(clf.predict_proba([[0.0]]), [[0.5, 0.5]])
    reg = KNeighborsRegressor(3, weights="distance").fit(X, [1.0, 3.0, 10.0, 20.0])
    assert reg.predict([[0.0]])[0] == 2.0


def test_kneighbors_without_X_excludes_self(rng):
    X = rng.normal(size=(60, 4))
    X[5] = X[6]  # a duplicate: each is the other's neighbour at distance 0
    nn = NearestNeighbors(n_neighbors=3).fit(X)
    d, ind = nn.kneighbors()
    sk_d, sk_ind = skn.NearestNeighbors(n_neighbors=3, algorithm="brute").fit(X).kneighbors()
    assert not (ind == np.arange(60)[:, None]).any()
    np.testing.assert_allclose(d, sk_d, atol=1e-12)
    assert ind[5, 0] == 6 and ind[6, 0] == 5
    only_ind = nn.kneighbors(return_distance=False)
    np.testing.assert_array_equal(only_ind, ind)


@pytest.mark.parametrize("layout", ["C", "F", "view"])
def test_layouts_dtypes_same_result(layout):
    Xtr, Xte, ytr, _ = split("wine")
    want = KNeighborsClassifier(7).fit(Xtr, ytr).predict_proba(Xte)
    got = KNeighborsClassifier(7).fit(layouts(Xtr)[layout], ytr).predict_proba(layouts(Xte)[layout])
    np.testing.assert_array_equal(got, want)
    Xi_tr, Xi_te = np.round(Xtr).astype(np.int64), np.round(Xte).astype(np.int64)
    np.testing.assert_array_equal(
        KNeighborsClassifier(7).fit(Xi_tr, ytr).predict(Xi_te),
        KNeighborsClassifier(7).fit(Xi_tr.astype(float), ytr).predict(Xi_te.astype(float)))


def test_float32_input():
    Xtr, Xte, ytr, _ = split("digits")
    f32 = KNeighborsClassifier(5).fit(Xtr.astype(np.float32), ytr)
    f64 = KNeighborsClassifier(5).fit(Xtr, ytr)
    d32, i32 = f32.kneighbors(Xte.astype(np.float32))
    d64, i64 = f64.kneighbors(Xte)
    np.testing.assert_array_equal(i32, i64)  # digits are exact in float32
    np.testing.assert_allclose(d32, d64, rtol=1e-12)
    # float32 model queried with float64 and the reverse: promoted, same answers
    np.testing.assert_array_equal(f32.predict(Xte), f64.predict(Xte.astype(np.float32)))


def test_string_labels_and_multioutput():
    Xtr, Xte, ytr, _ = split("iris")
    names = np.array(["setosa", "versicolor", "virginica"])[ytr]
    clf = KNeighborsClassifier(5).fit(Xtr, names)
    pred = clf.predict(Xte)
    assert pred.dtype.kind == "U" and set(pred) <= set(names)
    np.testing.assert_array_equal(
        pred, np.array(["setosa", "versicolor", "virginica"])[KNeighborsClassifier(5).fit(Xtr, ytr).predict(Xte)])
    Y2 = np.stack([names, (ytr > 0).astype(int)], axis=1).astype(object)
    multi = KNeighborsClassifier(5).fit(Xtr, Y2)
    sk = skn.KNeighborsClassifier(5, algorithm="brute").fit(Xtr, Y2)
    clear = tie_free(np.sort(ref_distances(Xte, Xtr, "euclidean"), axis=1), 5)
    np.testing.assert_array_equal(multi.predict(Xte)[clear], sk.predict(Xte)[clear])
    for a, b in zip(multi.predict_proba(Xte), sk.predict_proba(Xte)):
        np.testing.assert_allclose(a[clear], b[clear])
    Yr = np.stack([ytr, ytr ** 2], axis=1).astype(float)
    np.testing.assert_allclose(KNeighborsRegressor(4).fit(Xtr, Yr).predict(Xte),
                               skn.KNeighborsRegressor(4, algorithm="brute").fit(Xtr, Yr).predict(Xte))


def test_pickle_round_trip():
    Xtr, Xte, ytr, _ = split("breast_cancer")
    for est in (KNeighborsClassifier(9, weights="distance"), KNeighborsRegressor(3, metric="cosine")):
        est.fit(Xtr, ytr)
        again = pickle.loads(pickle.dumps(est))
        np.testing.assert_array_equal(again.predict(Xte), est.predict(Xte))


def test_column_vector_y_warns_and_ravels():
    X = np.arange(10.0).reshape(-1, 1)
    y = (np.arange(10) > 4).astype(int).reshape(-1, 1)
    with pytest.warns(UserWarning, match="column-vector y"):
        clf = KNeighborsClassifier(3).fit(X, y)
    assert clf.predict(X).shape == (10,)


@pytest.mark.parametrize("bad, match", [
    (np.array([[1.0, np.nan], [1, 2]]), "contains NaN"),
    (np.array([[1.0, np.inf], [1, 2]]), "contains infinity"),
    (np.ones(4), "Expected 2D array"),
    (np.ones((2, 2, 2)), "dim 3"),
    (np.zeros((0, 2)), "0 sample"),
    (np.zeros((2, 0)), "0 feature"),
    (np.array([["a", "b"], ["c", "d"]]), "strings"),
    (np.array([[object(), 1.0], [1.0, 2.0]], dtype=object), "argument must be a string or a"),
])
def test_bad_X(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        KNeighborsClassifier(1).fit(bad, [0, 1][: len(bad)] if len(bad) else [])
    fitted = KNeighborsClassifier(1).fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])
    if bad.ndim == 2 and bad.shape[1] == 2 and bad.shape[0] > 0:
        with pytest.raises((ValueError, TypeError), match=match):
            fitted.predict(bad)


def test_bad_y_and_params():
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples: \\[6, 5\\]"):
        KNeighborsClassifier(1).fit(X, y[:5])
    with pytest.raises(ValueError, match="requires y to be passed"):
        KNeighborsClassifier(1).fit(X, None)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        KNeighborsClassifier(1).fit(X, y + 0.5)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        KNeighborsRegressor(1).fit(X, np.array([0, 1, 0, 1, np.nan, 1.0]))
    with pytest.raises(ValueError, match="Expected n_neighbors > 0. Got 0"):
        KNeighborsClassifier(0).fit(X, y)
    with pytest.raises(ValueError, match="Expected n_neighbors > 0. Got -3"):
        KNeighborsClassifier(-3).fit(X, y)
    with pytest.raises(TypeError, match="n_neighbors does not take float"):
        KNeighborsClassifier(2.5).fit(X, y)
    with pytest.raises(ValueError, match="n_neighbors = 7, n_samples_fit = 6"):
        KNeighborsClassifier(7).fit(X, y).predict(X)
    with pytest.raises(ValueError, match="Metric 'haversine' not valid"):
        KNeighborsClassifier(metric="haversine").fit(X, y)
    with pytest.raises(ValueError, match="weights must be one of"):
        KNeighborsClassifier(weights="gaussian").fit(X, y)
    clf = KNeighborsClassifier(2).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but KNeighborsClassifier is expecting 2"):
        clf.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="n_neighbors = 6, n_samples_fit = 6"):
        clf.kneighbors(n_neighbors=6)  # without X each sample excludes itself: 5 are left


def test_predict_before_fit():
    for est in (KNeighborsClassifier(), KNeighborsRegressor(), NearestNeighbors()):
        with pytest.raises(NotFittedError, match="is not fitted yet"):
            est.kneighbors([[0.0]])
    with pytest.raises(ValueError):
        KNeighborsClassifier().predict([[0.0]])
    with pytest.raises(AttributeError):
        KNeighborsRegressor().predict([[0.0]])


def test_direct_binding_calls_raise():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="n_neighbors must be <= the number of fitted samples"):
        _mlc.knn_kneighbors(X, X, 4, 0)
    with pytest.raises(ValueError, match="n_neighbors must be >= 1"):
        _mlc.knn_kneighbors(X, X, 0, 0)
    with pytest.raises(ValueError, match="dimension 1"):
        _mlc.knn_kneighbors(X, np.ones((3, 3)), 1, 0)
    with pytest.raises(ValueError, match="unknown metric code"):
        _mlc.knn_kneighbors(X, X, 1, 7)
    ind = np.array([[0, 5]], dtype=np.int64)
    with pytest.raises(ValueError, match="index 5 out of range"):
        _mlc.knn_vote(ind, np.ones((1, 2)), np.zeros(3, np.int32), 2, 0)
    with pytest.raises(ValueError, match="class code 3 out of range"):
        _mlc.knn_vote(ind[:, :1], np.ones((1, 1)), np.array([3], np.int32), 2, 0)
    with pytest.raises(ValueError, match="dist: dimension 1"):
        _mlc.knn_average(ind, np.ones((1, 3)), np.ones((6, 1)), 0)
    with pytest.raises(ValueError, match="unknown weights code"):
        _mlc.knn_average(ind, np.ones((1, 2)), np.ones((6, 1)), 5)
    with pytest.raises(ValueError, match="expected a 2-D array"):
        _mlc.knn_average(ind, np.ones((1, 2)), np.ones(6), 0)


def test_thread_counts_agree():
    Xtr, Xte, ytr, _ = split("digits")
    a = KNeighborsClassifier(5, n_jobs=1).fit(Xtr, ytr).kneighbors(Xte)
    b = KNeighborsClassifier(5, n_jobs=2).fit(Xtr, ytr).kneighbors(Xte)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_large_k_and_blocks(rng):
    # k near n_fit and query counts that are not multiples of the block sizes
    Xf, Xq = rng.normal(size=(1500, 5)), rng.normal(size=(259, 5))
    d, ind = NearestNeighbors(n_neighbors=1500).fit(Xf).kneighbors(Xq)
    D = cdist(Xq, Xf)
    np.testing.assert_array_equal(ind, np.argsort(D, axis=1, kind="stable"))
    np.testing.assert_allclose(d, np.sort(D, axis=1), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine", "correlation"])
def test_screening_resolves_what_float32_cannot(metric, rng):
    # candidates are found with a float32 GEMM and ranked exactly in float64: neighbours whose
    # distances differ far below float32 resolution must still come out in exact order
    base = rng.normal(size=(1, 24)) * 50
    Xf = np.vstack([base + 1e-9 * rng.normal(size=(3000, 24)), rng.normal(size=(2000, 24)) * 50])
    Xq = np.vstack([base + 1e-9 * rng.normal(size=(20, 24)), rng.normal(size=(20, 24)) * 50])
    D = ref_distances(Xq, Xf, metric)
    d, ind = NearestNeighbors(n_neighbors=10, metric=metric).fit(Xf).kneighbors(Xq)
    want = np.argsort(D, axis=1, kind="stable")[:, :10]
    rows = np.arange(len(Xq))[:, None]
    if metric in ("euclidean", "sqeuclidean"):
        np.testing.assert_array_equal(ind, want)
    else:
        # cosine of near-parallel vectors is itself only good to ~1e-16 absolute: compare values
        np.testing.assert_allclose(D[rows, ind], D[rows, want], rtol=0, atol=1e-15)
    np.testing.assert_allclose(d, D[rows, want], rtol=1e-7, atol=1e-15)


@pytest.mark.parametrize("scale", [1e-30, 1e12, 1e20])
def test_extreme_scales_and_mixed_norms(scale, rng):
    # tiny and huge values (the last beyond float32's range: exact float64 tiles take over),
    # and rows whose norms differ by orders of magnitude
    Xf = rng.normal(size=(1100, 7)) * scale * np.exp(rng.normal(scale=3, size=(1100, 1)))
    Xq = rng.normal(size=(40, 7)) * scale
    for metric in ("euclidean", "cosine"):
        D = ref_distances(Xq, Xf, metric)
        d, ind = NearestNeighbors(n_neighbors=4, metric=metric).fit(Xf).kneighbors(Xq)
        np.testing.assert_array_equal(ind, np.argsort(D, axis=1, kind="stable")[:, :4])
        np.testing.assert_allclose(d, np.sort(D, axis=1)[:, :4], rtol=1e-9)
