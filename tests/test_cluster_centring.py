"""KMeans's centring without a centred copy of X (csrc/cluster/kmeans_impl.h): kmeans_moments (the column
means and the mean column variance in one pass) and kmeans_fit(..., mean=m), which takes the rows minus m
as it reads them; and the group sums a Lloyd pass keeps from the pass before when a group's labels did not
change. All of it bit for bit: the same at any thread count and CPU level, mean=m the same as a fit of
X - m, a kept group sum the same as its recomputation."""
import numpy as np
import pytest
from sklearn import datasets

from mlc import _mlc

LLOYD, ELKAN = _mlc.ENUMS["kmeans_algorithm"]["lloyd"], _mlc.ENUMS["kmeans_algorithm"]["elkan"]
LEVELS = [name for name, ok in _mlc.cpu_levels().items() if ok]


def blobs(n, d, k, seed, offset=0.0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(k, d))
    return centers[rng.integers(0, k, n)] + rng.normal(size=(n, d)) + offset


def assert_same(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


@pytest.fixture
def levels():
    """Calls compute() at every CPU level the machine has; the level in force is restored after."""
    before = _mlc.cpu_level()

    def run(compute):
        out = {}
        for level in LEVELS:
            _mlc._set_cpu_level(level)
            out[level] = compute()
        return out
    yield run
    _mlc._set_cpu_level(before)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-6)])
@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_moments_match_numpy(dtype, rtol, offset):
    X = blobs(3001, 7, 5, seed=2, offset=offset).astype(dtype)
    mean, var = _mlc.kmeans_moments(X, 2)
    X64 = X.astype(np.float64)
    np.testing.assert_allclose(mean, X64.mean(axis=0), rtol=rtol)
    np.testing.assert_allclose(var, np.mean(np.var(X64, axis=0)), rtol=rtol * 100)
    mean1, var1 = _mlc.kmeans_moments(X[:1], 1)
    np.testing.assert_array_equal(mean1, X64[0])
    assert var1 == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_moments_same_bits_at_any_thread_count_and_level(dtype, levels):
    X = blobs(20000, 13, 4, seed=3, offset=50.0).astype(dtype)
    one = _mlc.kmeans_moments(X, 1)
    for n_threads in (2, 3):
        assert_same(_mlc.kmeans_moments(X, n_threads), one)
    for r in levels(lambda: _mlc.kmeans_moments(X, 2)).values():
        assert_same(r, one)


def test_moments_bad_input():
    with pytest.raises(ValueError, match="need at least one sample"):
        _mlc.kmeans_moments(np.zeros((0, 3)))
    with pytest.raises(ValueError):
        _mlc.kmeans_moments(np.zeros(3))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("algorithm", [LLOYD, ELKAN])
def test_fit_with_mean_is_the_fit_of_the_centred_copy(dtype, algorithm):
    X = blobs(5000, 9, 12, seed=4, offset=20.0).astype(dtype)
    m = X.mean(axis=0).astype(dtype)
    w = np.ones(len(X), dtype=dtype)
    centers = X[np.random.default_rng(4).choice(len(X), 10, replace=False)] - m
    for bounds in (True, False):
        copy = _mlc.kmeans_fit(X - m, w, centers, algorithm, 300, 0.0, 1, bounds=bounds)
        for n_threads in (1, 2):
            assert_same(_mlc.kmeans_fit(X, w, centers, algorithm, 300, 0.0, n_threads, bounds=bounds, mean=m), copy)
    with pytest.raises(ValueError, match="mean"):
        _mlc.kmeans_fit(X, w, centers, algorithm, 300, 0.0, 1, mean=m[:3])


@pytest.mark.parametrize("name", ["digits", "blobs"])
@pytest.mark.parametrize("bounds", [True, False])
def test_kept_group_sums_are_their_recomputation(name, bounds):
    # iteration t + 1 of a fit keeps the sums of the groups whose labels did not change; a fit of one
    # iteration from the centres of iteration t recomputes every group: the same centres, bit for bit
    X = datasets.load_digits().data if name == "digits" else blobs(30000, 6, 20, seed=5)
    X = X - X.mean(axis=0)
    w = np.ones(len(X))
    centers = X[np.random.default_rng(5).choice(len(X), 16, replace=False)].copy()
    for t in (3, 8, 15):
        at_t = _mlc.kmeans_fit(X, w, centers, LLOYD, t, 0.0, 2, bounds=bounds)[0]
        following = _mlc.kmeans_fit(X, w, centers, LLOYD, t + 1, 0.0, 2, bounds=bounds)
        fresh = _mlc.kmeans_fit(X, w, at_t, LLOYD, 1, 0.0, 2, bounds=bounds)
        np.testing.assert_array_equal(following[0], fresh[0])
