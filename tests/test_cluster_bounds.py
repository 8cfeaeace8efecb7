"""KMeans's bounds (csrc/cluster/kmeans_impl.h, bounded_row): Yinyang's bounds (Lloyd and Elkan alike)
skip rows whose label they prove, with a margin for the ranking's rounding, so a fit gives the labels,
centres, inertia and iterations of ranking every row (bounds=False), bit for bit; Lloyd and Elkan give the
same bits too. Checked on digits (integer features: many exact ties) and on generated data, float32 and
float64, with and without weights."""
import numpy as np
import pytest
from sklearn import datasets

from mlc import _mlc

LLOYD, ELKAN = _mlc.ENUMS["kmeans_algorithm"]["lloyd"], _mlc.ENUMS["kmeans_algorithm"]["elkan"]


def blobs(n, d, k, seed):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(k, d))
    return centers[rng.integers(0, k, n)] + rng.normal(size=(n, d))


def data(name):
    if name == "digits":
        X = datasets.load_digits().data
    elif name == "grid":  # points on an integer grid: equidistant centres everywhere
        X = np.random.default_rng(3).integers(0, 4, size=(3000, 3)).astype(np.float64)
    else:
        X = blobs(4000, 20, 16, seed=1)
    return X - X.mean(axis=0)


def fit(X, w, centers, algorithm, bounds, tol=0.0, n_threads=2):
    return _mlc.kmeans_fit(X, w, centers, algorithm, 300, tol, n_threads, bounds=bounds)


def assert_same(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


@pytest.mark.parametrize("name", ["digits", "blobs", "grid"])
@pytest.mark.parametrize("k", [1, 3, 10, 64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bounds_give_the_plain_fit_bit_for_bit(name, k, dtype):
    X = data(name).astype(dtype)
    rng = np.random.default_rng(k)
    w = np.ones(len(X), dtype=dtype)
    centers = X[rng.choice(len(X), k, replace=False)].copy()
    plain = fit(X, w, centers, LLOYD, False)
    for algorithm in (LLOYD, ELKAN):
        assert_same(fit(X, w, centers, algorithm, True), plain)
    assert plain[3] > 1 or k == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bounds_with_weights_tol_and_threads(dtype):
    X = data("digits").astype(dtype)
    rng = np.random.default_rng(0)
    w = rng.integers(0, 4, len(X)).astype(dtype)
    centers = X[rng.choice(len(X), 12, replace=False)].copy()
    plain = fit(X, w, centers, LLOYD, False, tol=1e-3, n_threads=1)
    for algorithm in (LLOYD, ELKAN):
        for n_threads in (1, 2, 3):
            assert_same(fit(X, w, centers, algorithm, True, tol=1e-3, n_threads=n_threads), plain)


def test_bounds_with_an_empty_cluster():
    # a duplicated centre leaves one cluster empty: the relocated centre moves far in one step
    X = data("blobs")
    centers = X[:8].copy()
    centers[1] = centers[0]
    w = np.ones(len(X))
    plain = fit(X, w, centers, LLOYD, False)
    assert_same(fit(X, w, centers, LLOYD, True), plain)
    assert_same(fit(X, w, centers, ELKAN, True), plain)


def test_max_iter_stops_give_the_same_final_assignment():
    X = data("blobs")
    centers = X[:16].copy()
    w = np.ones(len(X))
    for max_iter in (1, 2, 5):
        plain = _mlc.kmeans_fit(X, w, centers, LLOYD, max_iter, 0.0, 1, bounds=False)
        assert_same(_mlc.kmeans_fit(X, w, centers, LLOYD, max_iter, 0.0, 1), plain)
