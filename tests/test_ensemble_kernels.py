"""Histogram gradient boosting's kernels: the bins' thresholds are NumPy's percentiles, the row-major
bins are the feature-major ones transposed, a grower's scratch reused across trees changes nothing,
and a fit big enough to split its partitions and histograms over threads gives the same bits at any
thread count."""
import numpy as np
import pytest

import mlc
from mlc import _mlc
from mlc.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from mlc.ensemble._binning import BinMapper, _percentiles_of_sorted

GROW = dict(max_leaf_nodes=31, max_depth=0, min_samples_leaf=20, n_bins=256)
PARAMS = dict(GROW, l2_regularization=0.0, min_hessian_to_split=1e-3, shrinkage=0.1)


@pytest.mark.parametrize("seed", range(6))
def test_percentiles_of_sorted_are_numpys(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 2, 3, 254, 255, 256, 1000, 4097, 200_000):
        for col in (rng.normal(size=n), rng.integers(0, 40, n).astype(float), np.round(rng.exponential(size=n), 2)):
            col = np.sort(col)
            for max_bins in (2, 7, 63, 255):
                p = np.linspace(0, 100, num=max_bins + 1)[1:-1]
                np.testing.assert_array_equal(_percentiles_of_sorted(col, p),
                                              np.percentile(col, p, method="averaged_inverted_cdf"))


def data(n=3000, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[rng.random(X.shape) < 0.05] = np.nan
    y = np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) ** 2 + rng.normal(size=n) * 0.1
    return X, y


def test_row_major_bins_are_the_transpose():
    X, _ = data()
    bm = BinMapper(random_state=0).fit(X)
    Xb, Xr = bm.transform(X, row_major=True)
    np.testing.assert_array_equal(Xr, Xb.T)
    np.testing.assert_array_equal(Xb, bm.transform(X))
    assert Xb.max() == bm.missing_values_bin_idx_


def test_grow_with_a_reused_scratch_is_the_same():
    X, y = data()
    n, d = X.shape
    bm = BinMapper(random_state=0).fit(X)
    Xb, Xr = bm.transform(X, row_major=True)
    miss = np.ascontiguousarray((Xb == bm.missing_values_bin_idx_).any(axis=1), dtype=np.uint8)
    g = (y - y.mean()).astype(np.float32)
    h = np.random.default_rng(1).uniform(0.5, 1.5, n).astype(np.float32)
    scratch = np.empty(_mlc.ensemble_grow_scratch_size(n, d, 0, **GROW)[0], dtype=np.uint8)
    args = (Xb, g, h, bm.n_bins_non_missing_, miss, None, None, None)
    ref_raw = np.zeros(n)
    ref = _mlc.ensemble_grow(ref_raw, *args, **PARAMS)
    for _ in range(3):  # the scratch holds the last tree's leftovers: they must not matter
        raw = np.zeros(n)
        out = _mlc.ensemble_grow(raw, *args, **PARAMS, Xr=Xr, scratch=scratch)
        for a, b in zip(out[:10], ref[:10]):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(raw, ref_raw)
    with pytest.raises(ValueError, match="scratch: smaller"):
        _mlc.ensemble_grow(np.zeros(n), *args, **PARAMS, scratch=np.empty(100, np.uint8))
    with pytest.raises(ValueError, match="Xr"):
        _mlc.ensemble_grow(np.zeros(n), *args, **PARAMS, Xr=np.zeros((n, d + 1), np.uint8))
    small = np.minimum(Xb, 63)  # valid bins for n_bins=64, but not the row-major copy
    bad = np.ascontiguousarray(small.T)
    bad[5, 2] = 200
    with pytest.raises(ValueError, match="Xr: a bin out of"):
        _mlc.ensemble_grow(np.zeros(n), small, g, h, np.minimum(bm.n_bins_non_missing_, 63), miss, None, None, None,
                           **dict(PARAMS, n_bins=64), Xr=bad)


@pytest.mark.slow
def test_same_bits_at_any_thread_count_with_parallel_partitions():
    """Nodes of more than 2 x 16,384 rows split their partition and histogram over threads."""
    X, y = data(n=150_000, d=4, seed=3)
    old = mlc.get_num_threads()
    out = []
    try:
        for threads in (1, 2, 3):
            mlc.set_num_threads(threads)
            r = HistGradientBoostingRegressor(max_iter=3, early_stopping=False).fit(X, y).predict(X[:2000])
            c = HistGradientBoostingClassifier(max_iter=3, early_stopping=False).fit(X, y > 1).decision_function(X[:2000])
            out.append((r, c))
    finally:
        mlc.set_num_threads(old)
    for r, c in out[1:]:
        np.testing.assert_array_equal(r, out[0][0])
        np.testing.assert_array_equal(c, out[0][1])
