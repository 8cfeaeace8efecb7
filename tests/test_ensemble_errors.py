"""Bad input to histogram gradient boosting: a clear error each; Ctrl-C stops a long fit; direct calls of
the kernels with wrong shapes raise instead of crashing; no leaks over 1,000 fits."""

import numpy as np
import pytest
from conftest import assert_rss_stable, interrupted_while, needs_rss

from mlc import _mlc
from mlc.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from mlc.exceptions import NotFittedError

BOTH = [HistGradientBoostingClassifier, HistGradientBoostingRegressor]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 4))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("cls", BOTH)
@pytest.mark.parametrize("params,err,match", [
    (dict(max_iter=0), ValueError, "max_iter == 0, must be >= 1"),
    (dict(learning_rate=0.0), ValueError, "learning_rate == 0.0, must be > 0"),
    (dict(learning_rate=-1.0), ValueError, "learning_rate == -1.0, must be > 0"),
    (dict(max_bins=256), ValueError, "max_bins == 256, must be <= 255"),
    (dict(max_bins=1), ValueError, "max_bins == 1, must be >= 2"),
    (dict(max_leaf_nodes=1), ValueError, "max_leaf_nodes == 1, must be >= 2"),
    (dict(max_depth=0), ValueError, "max_depth == 0, must be >= 1"),
    (dict(min_samples_leaf=0), ValueError, "min_samples_leaf == 0, must be >= 1"),
    (dict(l2_regularization=-1.0), ValueError, "l2_regularization == -1.0, must be >= 0"),
    (dict(validation_fraction=1.5), ValueError, "validation_fraction == 1.5, must be < 1"),
    (dict(n_iter_no_change=0), ValueError, "n_iter_no_change == 0, must be >= 1"),
    (dict(early_stopping="yes"), ValueError, "early_stopping must be 'auto', True or False"),
    (dict(scoring="no_such_scorer"), ValueError, "scoring must be 'loss', None"),
    (dict(max_iter=2.5), TypeError, "max_iter must be an instance of"),
    (dict(monotonic_cst=[1, 0]), ValueError, r"monotonic_cst has shape \(2,\) but the input data X has 4 features"),
    (dict(monotonic_cst=[2, 0, 0, 0]), ValueError, "monotonic_cst must be an array-like of -1, 0 or 1"),
    (dict(interaction_cst=[[0, 7]]), ValueError, r"invalid indices: \[7\]"),
    (dict(categorical_features=[5]), ValueError, r"categorical_features set as integer indices must be in \[0, n_features - 1\] = \[0, 3\], got \[5\]"),
    (dict(categorical_features=[True, False]), ValueError, "categorical_features set as a boolean mask must have shape"),
    (dict(categorical_features=[-1]), ValueError, r"must be in \[0, n_features - 1\] = \[0, 3\], got \[-1\]"),
])
def test_bad_parameters(cls, params, err, match, data):
    X, y = data
    with pytest.raises(err, match=match):
        cls(**params).fit(X, y)


@pytest.mark.parametrize("cls", BOTH)
def test_bad_data(cls, data):
    X, y = data
    yf = y.astype(float)
    yf[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cls().fit(X, yf)
    Xi = X.copy()
    Xi[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        cls().fit(Xi, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, y[:-1])
    with pytest.raises(ValueError, match="Negative values in data passed to sample_weight"):
        cls().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\)"):
        cls().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="2D array"):
        cls().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="holds strings"):
        cls().fit(np.array([["a", "b"]] * 10), y[:10])
    with pytest.raises(NotFittedError):
        cls().predict(X)
    m = cls(max_iter=3).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4 features"):
        m.predict(X[:, :3])


def test_bad_targets(data):
    X, y = data
    with pytest.raises(ValueError, match="Unknown label type"):
        HistGradientBoostingClassifier().fit(X, np.random.default_rng(0).normal(size=len(y)))
    with pytest.raises(ValueError, match="loss must be 'log_loss'"):
        HistGradientBoostingClassifier(loss="squared_error").fit(X, y)
    with pytest.raises(ValueError, match="loss must be one of"):
        HistGradientBoostingRegressor(loss="log_loss").fit(X, y)
    with pytest.raises(ValueError, match="negative which is not allowed for Poisson"):
        HistGradientBoostingRegressor(loss="poisson").fit(X, y - 1.0)
    with pytest.raises(ValueError, match="quantile must be a float in"):
        HistGradientBoostingRegressor(loss="quantile").fit(X, y)
    with pytest.raises(ValueError, match="quantile == 1.5, must be <= 1"):
        HistGradientBoostingRegressor(loss="quantile", quantile=1.5).fit(X, y)
    y3 = np.arange(len(y)) % 3
    with pytest.raises(ValueError, match="monotonic constraints are not supported for multiclass"):
        HistGradientBoostingClassifier(monotonic_cst=[1, 0, 0, 0]).fit(X, y3)
    m = HistGradientBoostingRegressor(max_iter=5, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="max_iter=2 must be larger than or equal to n_iter_=5"):
        m.set_params(max_iter=2).fit(X, y)


def test_kernels_refuse_bad_arrays(data):
    X, _ = data
    Xb = np.zeros((4, 100), dtype=np.uint8)
    g = np.zeros(100, dtype=np.float32)
    nb = np.full(4, 10, dtype=np.int32)
    miss = np.zeros(4, dtype=np.uint8)
    args = dict(max_leaf_nodes=31, max_depth=0, min_samples_leaf=20, n_bins=256, l2_regularization=0.0,
                min_hessian_to_split=1e-3, shrinkage=0.1)
    with pytest.raises(ValueError, match="raw"):
        _mlc.ensemble_grow(np.zeros(99), Xb, g, None, nb, miss, None, None, None, **args)
    with pytest.raises(ValueError, match="n_bins_non_missing"):
        _mlc.ensemble_grow(np.zeros(100), Xb, g, None, np.full(4, 300, dtype=np.int32), miss, None, None, None, **args)
    bad = Xb.copy()
    bad[0, 0] = 200
    with pytest.raises(ValueError, match="a bin out of"):
        _mlc.ensemble_grow(np.zeros(100), bad, g, None, nb, miss, None, None, None, **dict(args, n_bins=32))
    with pytest.raises(ValueError, match="max_bins must be in"):
        _mlc.ensemble_grow(np.zeros(100), Xb, g, None, nb, miss, None, None, None, **dict(args, n_bins=300))
    one = [np.zeros(1), np.zeros(1), np.array([0], np.int32), np.array([0], np.int32), np.array([0], np.int32),
           np.zeros(1, np.uint8), np.zeros(1, np.uint8), np.zeros((1, 8), np.uint32), np.array([0, 1], np.int64)]
    with pytest.raises(ValueError, match="not trees"):  # node 0 is its own child: would loop forever
        _mlc.ensemble_predict(np.zeros((1, 100)), X, *one, 0, 1)
    with pytest.raises(ValueError, match="t0, t1"):
        _mlc.ensemble_predict(np.zeros((1, 100)), X, *one, 0, 2)
    with pytest.raises(ValueError, match="offset"):
        _mlc.ensemble_bin_map(X, np.zeros(3), np.array([0, 1, 2, 3, 9]), 255)


def test_ctrl_c_stops_a_long_fit():
    """Ctrl-C during fit raises KeyboardInterrupt (the grower polls the interrupt hook after each split);
    the estimator fits normally afterwards."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100_000, 10))
    y = X[:, 0] + rng.normal(size=100_000)
    m = HistGradientBoostingRegressor(max_iter=10_000, early_stopping=False, max_leaf_nodes=255, min_samples_leaf=1)
    interrupted_while(lambda: m.fit(X, y))
    assert m.set_params(max_iter=2).fit(X[:1000], y[:1000]).n_iter_ == 2


@needs_rss
def test_fit_predict_loop_does_not_grow_rss(data):
    X, y = data
    Xn = X.copy()
    Xn[::7, 1] = np.nan

    def once():
        HistGradientBoostingClassifier(max_iter=3).fit(Xn, y).predict_proba(Xn)
        HistGradientBoostingRegressor(max_iter=3, loss="absolute_error").fit(X, y.astype(float)).predict(Xn)
        try:
            _mlc.ensemble_grow(np.zeros(3), np.zeros((4, 100), np.uint8), np.zeros(100, np.float32), None,
                               np.ones(4, np.int32), np.zeros(4, np.uint8), None, None, None, 31, 0, 20, 256, 0.0, 1e-3,
                               0.1)
        except ValueError:
            pass

    assert_rss_stable(once)


def test_bad_categorical_features():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 10, 400), rng.permutation(400)]).astype(float)
    y = rng.normal(size=400)
    with pytest.raises(ValueError, match="Categorical feature at index 1 is expected to have a cardinality <= 255 but actually has a cardinality of 400"):
        HistGradientBoostingRegressor(categorical_features=[1]).fit(X, y)
    with pytest.raises(ValueError, match="Categorical features cannot have monotonic constraints"):
        HistGradientBoostingRegressor(categorical_features=[0], monotonic_cst=[1, 0]).fit(X, y)
    with pytest.raises(ValueError, match="categorical_features should be passed as an array of integers"):
        HistGradientBoostingRegressor(categorical_features=["a"]).fit(X, y)
