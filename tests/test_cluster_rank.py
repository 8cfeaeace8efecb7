"""KMeans's ranking kernel (csrc/cluster/kmeans_rank_impl.h): rows ranked by ||c||^2 - 2 x.c with correctly
rounded FMAs in a fixed order, 4 rows or 4 (row, panel) pairs at a time, never an n x k matrix. The labels are
those of the exact distances away from near ties, the same bits at every CPU level and thread count, for
cluster counts on both sides of a panel's width (8 float64 / 16 float32 centres), and a bounded fit (rows
ranked against some panels) gives the fit that ranks every row."""
import numpy as np
import pytest

from mlc import _mlc

LLOYD = _mlc.ENUMS["kmeans_algorithm"]["lloyd"]
LEVELS = [name for name, ok in _mlc.cpu_levels().items() if ok]
KS = [1, 3, 7, 8, 9, 16, 17, 33, 64, 65]


def blobs(n, d, k, seed):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(k, d))
    return centers[rng.integers(0, k, n)] + rng.normal(size=(n, d))


def at_every_level(compute):
    before = _mlc.cpu_level()
    try:
        out = {}
        for level in LEVELS:
            _mlc._set_cpu_level(level)
            out[level] = compute()
        return out
    finally:
        _mlc._set_cpu_level(before)


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_assign_ranks_as_exact_distances_at_every_level(k, dtype):
    X = blobs(1003, 11, 6, seed=k).astype(dtype)
    C = X[np.random.default_rng(k).choice(len(X), k, replace=False)] + dtype(0.25)
    X64, C64 = X.astype(np.float64), C.astype(np.float64)
    d2 = ((X64[:, None, :] - C64[None, :, :]) ** 2).sum(axis=2)
    part = np.sort(d2, axis=1)
    clear = np.ones(len(X), dtype=bool) if k == 1 else part[:, 1] - part[:, 0] > 1e-3 * (1.0 + part[:, 0])
    runs = at_every_level(lambda: _mlc.kmeans_assign(X, C, None, 2))
    first = runs[LEVELS[0]]
    np.testing.assert_array_equal(first[0][clear], np.argmin(d2, axis=1)[clear])
    np.testing.assert_allclose(first[1], d2.min(axis=1).sum(), rtol=1e-5 if dtype == np.float32 else 1e-12)
    for labels, inertia in runs.values():
        np.testing.assert_array_equal(labels, first[0])
        assert inertia == first[1]
    for n_threads in (1, 3):
        labels, inertia = _mlc.kmeans_assign(X, C, None, n_threads)
        np.testing.assert_array_equal(labels, first[0])
        assert inertia == first[1]


@pytest.mark.parametrize("k", [9, 33, 64, 65])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bounded_fit_is_the_plain_fit_at_every_level(k, dtype):
    # with k > 8 groups hold their own panels: bounded rows are ranked against some panels only
    X = blobs(6000, 10, 20, seed=k).astype(dtype)
    X = X - X.mean(axis=0)
    w = np.ones(len(X), dtype=dtype)
    centers = X[np.random.default_rng(k).choice(len(X), k, replace=False)].copy()
    plain = _mlc.kmeans_fit(X, w, centers, LLOYD, 300, 0.0, 2, bounds=False)
    for out in at_every_level(lambda: _mlc.kmeans_fit(X, w, centers, LLOYD, 300, 0.0, 2, bounds=True)).values():
        for x, y in zip(out, plain):
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    assert plain[3] > 2


def test_ties_go_to_the_lower_index():
    # duplicated centres in different panels: every row's value is the same bits for both copies
    X = blobs(500, 5, 4, seed=1)
    C = np.concatenate([X[:10], X[:10]])  # centre j and j + 10 equal: the label is always < 10
    for level_out in at_every_level(lambda: _mlc.kmeans_assign(X, C, None, 2)).values():
        assert level_out[0].max() < 10
