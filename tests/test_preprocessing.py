"""mlc.preprocessing against sklearn.preprocessing: same statistics, same outputs.

Tolerances: float64 statistics within 1e-12 relative (both sides are two-pass / Chan merges in
float64, only the summation order differs); float32 outputs within 1e-5 (scikit-learn computes
float32 transforms in float32 arithmetic, mlc in float64 rounded once).
"""

import numpy as np
import pytest
import sklearn.preprocessing as skp
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc import _mlc
from mlc.exceptions import NotFittedError
from mlc.preprocessing import MinMaxScaler, StandardScaler
from conftest import assert_rss_stable, needs_rss

LOADERS = {"iris": load_iris, "wine": load_wine, "diabetes": load_diabetes,
           "breast_cancer": load_breast_cancer}
PAIRS = [(StandardScaler, skp.StandardScaler), (MinMaxScaler, skp.MinMaxScaler)]
TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}


def _data(name):
    if name in LOADERS:
        return LOADERS[name]().data
    rng = np.random.default_rng(0)
    if name == "offset":  # large mean, small spread: the naive sum-of-squares formula fails here
        return 1e4 + rng.normal(scale=1e-2, size=(3000, 7))
    if name == "mixed":  # features on wildly different scales, some negative
        return rng.normal(size=(2500, 6)) * np.logspace(-3, 5, 6) - np.arange(6) * 100
    raise KeyError(name)


DATASETS = list(LOADERS) + ["offset", "mixed"]


def _layout(X, layout):
    if layout == "C":
        return np.ascontiguousarray(X)
    if layout == "F":
        return np.asfortranarray(X)
    wide = np.repeat(X, 2, axis=1)  # a strided (non-contiguous) view equal to X
    view = wide[:, ::2]
    assert not view.flags.c_contiguous and not view.flags.f_contiguous
    return view


def _assert_stats(ours, ref, attrs, dtype):
    tol = TOL[dtype] if dtype is np.float32 and ref.__class__ is skp.MinMaxScaler else TOL[np.float64]
    for a in attrs:
        np.testing.assert_allclose(getattr(ours, a), getattr(ref, a), **tol, err_msg=a)


STD_ATTRS = ["mean_", "var_", "scale_", "n_samples_seen_"]
MM_ATTRS = ["min_", "scale_", "data_min_", "data_max_", "data_range_", "n_samples_seen_"]


# ---- parity on real and generated data -------------------------------------------------------

def _out_atol(ref, X, ulps):
    """Per-column absolute tolerance of a transform's output: `ulps` roundings of the largest |x|
    of the column, carried through the map (an ill-conditioned column, a large mean with a small
    spread, amplifies the rounding of x - mean on every side)."""
    factor = 1.0 / ref.scale_ if isinstance(ref, skp.StandardScaler) else ref.scale_
    eps = np.finfo(X.dtype).eps
    return ulps * eps * np.abs(X).max(axis=0) * np.abs(factor) + ulps * eps


def _assert_close_cols(actual, desired, atol):
    err = np.abs(actual.astype(np.float64) - desired)
    bad = err > atol
    assert not bad.any(), f"{bad.sum()} values off: max error per column {err.max(axis=0)}, allowed {atol}"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("ours,ref", PAIRS, ids=["standard", "minmax"])
def test_parity(ours, ref, name, dtype):
    X = _data(name).astype(dtype)
    a, b = ours().fit(X), ref().fit(X)
    if dtype is np.float64 or ours is MinMaxScaler:
        _assert_stats(a, b, STD_ATTRS if ours is StandardScaler else MM_ATTRS, dtype)
    else:  # float32 StandardScaler: statistics in float64 from the same float32 values
        for attr in ("mean_", "var_", "scale_"):
            assert getattr(a, attr).dtype == np.float64
            np.testing.assert_allclose(getattr(a, attr), getattr(b, attr), rtol=1e-9,
                                       atol=1e-12 * np.abs(X).max(), err_msg=attr)
    Xt = a.transform(X)
    assert Xt.dtype == dtype
    # against scikit-learn in the same dtype, within the rounding both sides make
    ulps = 50 if dtype is np.float64 else 8
    _assert_close_cols(Xt, b.transform(X), _out_atol(b, X, ulps))
    _assert_close_cols(a.fit_transform(X), b.fit_transform(X), _out_atol(b, X, ulps))
    if dtype is np.float32:
        # mlc maps float32 in float64 and rounds once: within a few float32 ulps of the exact
        # (float64) map of the same values, even where scikit-learn's float32 arithmetic is not
        X64 = X.astype(np.float64)
        exact = ref().fit(X64).transform(X64)
        np.testing.assert_allclose(Xt, exact, rtol=4e-7, atol=4e-7 * np.abs(exact).max())
    back = a.inverse_transform(Xt)
    assert back.dtype == dtype
    np.testing.assert_allclose(back, X, rtol=TOL[dtype]["rtol"] * 10,
                               atol=TOL[dtype]["atol"] * np.abs(X).max())


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("ours,ref", PAIRS, ids=["standard", "minmax"])
def test_layouts(ours, ref, dtype, layout):
    X = load_breast_cancer().data.astype(dtype)
    Xl = _layout(X, layout)
    a, b = ours().fit(Xl), ref().fit(X)
    np.testing.assert_allclose(a.transform(Xl), b.transform(X), **TOL[dtype])
    np.testing.assert_array_equal(a.transform(Xl), ours().fit(X).transform(X))


def test_integer_input_becomes_float64():
    X = (load_iris().data * 10).astype(np.int64)
    for ours, ref in PAIRS:
        out = ours().fit_transform(X)
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, ref().fit_transform(X), rtol=1e-12, atol=1e-12)


def test_many_chunks_large_offset():
    # enough rows for every block/chunk merge level (and the parallel path)
    rng = np.random.default_rng(1)
    X = 3e3 + rng.standard_normal((200_003, 5)) * [1e-3, 1, 10, 1e3, 1e-6]
    a, b = StandardScaler().fit(X), skp.StandardScaler().fit(X)
    np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-13)
    np.testing.assert_allclose(a.var_, b.var_, rtol=1e-9)  # the 1e-6 column: var/mean^2 ~ 1e-19
    np.testing.assert_allclose(a.var_[:4], b.var_[:4], rtol=1e-12)


def test_same_result_for_any_thread_count():
    X = np.random.default_rng(2).normal(size=(50_000, 9))
    old = mlc.get_num_threads()
    try:
        mlc.set_num_threads(1)
        one = StandardScaler().fit(X)
        one_t, one_m = one.transform(X), MinMaxScaler().fit(X).transform(X)
        mlc.set_num_threads(2)
        two = StandardScaler().fit(X)
        np.testing.assert_array_equal(one.mean_, two.mean_)
        np.testing.assert_array_equal(one.var_, two.var_)
        np.testing.assert_array_equal(one_t, two.transform(X))
        np.testing.assert_array_equal(one_m, MinMaxScaler().fit(X).transform(X))
    finally:
        mlc.set_num_threads(old)


# ---- sample_weight, partial_fit --------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["wine", "diabetes", "mixed"])
def test_sample_weight(name, dtype):
    X = _data(name).astype(dtype)
    w = np.random.default_rng(3).uniform(0.1, 3.0, size=len(X))
    a = StandardScaler().fit(X, sample_weight=w)
    b = skp.StandardScaler().fit(X, sample_weight=w)
    for attr in ("mean_", "var_", "scale_", "n_samples_seen_"):
        np.testing.assert_allclose(getattr(a, attr), getattr(b, attr), rtol=1e-11,
                                   atol=1e-12 * np.abs(X).max(), err_msg=attr)
    _assert_close_cols(a.transform(X), b.transform(X), _out_atol(b, X, 50 if dtype is np.float64 else 8))


def test_integer_weights_equal_repeated_rows():
    X = load_iris().data
    w = np.random.default_rng(4).integers(0, 4, size=len(X))
    a = StandardScaler().fit(X, sample_weight=w)
    b = StandardScaler().fit(np.repeat(X, w, axis=0))
    np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-13)
    np.testing.assert_allclose(a.var_, b.var_, rtol=1e-12)
    assert a.n_samples_seen_ == w.sum()
    # a scalar weight is the same as none
    np.testing.assert_allclose(StandardScaler().fit(X, sample_weight=2.0).var_,
                               StandardScaler().fit(X).var_, rtol=1e-13)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_partial_fit_chunks_equal_one_fit(dtype, weighted):
    X = load_breast_cancer().data.astype(dtype)
    w = np.random.default_rng(5).uniform(0.5, 2, len(X)) if weighted else None
    chunks = np.array_split(np.arange(len(X)), [1, 50, 51, 300])  # sizes 1, 49, 1, 249, 269
    a, b = StandardScaler(), skp.StandardScaler()
    for idx in chunks:
        sw = None if w is None else w[idx]
        a.partial_fit(X[idx], sample_weight=sw)
        b.partial_fit(X[idx], sample_weight=sw)
    full = StandardScaler().fit(X, sample_weight=w)
    for attr in ("mean_", "var_", "scale_", "n_samples_seen_"):
        np.testing.assert_allclose(getattr(a, attr), getattr(full, attr), rtol=1e-12, err_msg=attr)
        # scikit-learn stores a weighted running count in X's dtype between calls: float32
        # rounding of the count for float32 X
        rtol = 1e-7 if weighted and dtype is np.float32 else 1e-12
        np.testing.assert_allclose(getattr(a, attr), getattr(b, attr), rtol=rtol, err_msg=attr)
    m, mref = MinMaxScaler(), skp.MinMaxScaler()
    for idx in chunks:
        m.partial_fit(X[idx])
        mref.partial_fit(X[idx])
    mfull = MinMaxScaler().fit(X)
    for attr in MM_ATTRS:
        np.testing.assert_array_equal(getattr(m, attr), getattr(mfull, attr), err_msg=attr)
        np.testing.assert_allclose(getattr(m, attr), getattr(mref, attr), rtol=1e-6, err_msg=attr)


def test_fit_resets_partial_fit_state():
    X = load_iris().data
    s = StandardScaler().partial_fit(X).partial_fit(X + 100)
    s.fit(X)
    np.testing.assert_allclose(s.mean_, X.mean(axis=0), rtol=1e-14)
    assert s.n_samples_seen_ == len(X)


# ---- parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("with_mean", [True, False])
@pytest.mark.parametrize("with_std", [True, False])
def test_with_mean_with_std(with_mean, with_std):
    X = load_wine().data
    kw = dict(with_mean=with_mean, with_std=with_std)
    a, b = StandardScaler(**kw).fit(X), skp.StandardScaler(**kw).fit(X)
    for attr in ("mean_", "var_", "scale_"):
        if getattr(b, attr) is None:
            assert getattr(a, attr) is None, attr
        else:
            np.testing.assert_allclose(getattr(a, attr), getattr(b, attr), rtol=1e-12, err_msg=attr)
    np.testing.assert_allclose(a.transform(X), b.transform(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.inverse_transform(a.transform(X)), X, rtol=1e-12)


@pytest.mark.parametrize("feature_range", [(0, 1), (-1, 1), (2.5, 7), [-3, -2]])
@pytest.mark.parametrize("clip", [False, True])
def test_minmax_feature_range_and_clip(feature_range, clip):
    X = load_diabetes().data
    train, test = X[:300], X[300:] * 1.5  # the held-out rows fall outside the training range
    a = MinMaxScaler(feature_range, clip=clip).fit(train)
    b = skp.MinMaxScaler(tuple(feature_range), clip=clip).fit(train)
    np.testing.assert_allclose(a.transform(test), b.transform(test), rtol=1e-12, atol=1e-12)
    t = a.transform(train)
    np.testing.assert_allclose(t.min(axis=0), feature_range[0], atol=1e-12)
    np.testing.assert_allclose(t.max(axis=0), feature_range[1], atol=1e-12)
    if clip:
        out = a.transform(test)
        assert out.min() >= feature_range[0] and out.max() <= feature_range[1]
    else:
        np.testing.assert_allclose(a.inverse_transform(a.transform(test)), test, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_constant_columns(dtype):
    rng = np.random.default_rng(6)
    X = rng.normal(size=(40, 4)).astype(dtype)
    X[:, 1] = 7.25
    X[:, 3] = 0.1  # not exactly representable: the mean may be off by an ulp, still "constant"
    s, sref = StandardScaler().fit(X), skp.StandardScaler().fit(X)
    assert s.scale_[1] == 1.0 and s.scale_[3] == 1.0
    np.testing.assert_array_equal(s.scale_, sref.scale_ if dtype is np.float64 else s.scale_)
    np.testing.assert_allclose(s.transform(X)[:, [1, 3]], 0.0, atol=1e-6)
    w = rng.uniform(0.1, 1, size=len(X))
    assert StandardScaler().fit(X, sample_weight=w).scale_[3] == 1.0
    m = MinMaxScaler((-2, 3)).fit(X)
    assert m.scale_[1] == 5.0 and m.data_range_[1] == 0.0
    np.testing.assert_array_equal(m.transform(X)[:, 1], dtype(-2 - 7.25 * 5 + 7.25 * 5))
    np.testing.assert_allclose(m.transform(X), skp.MinMaxScaler((-2, 3)).fit(X).transform(X),
                               **TOL[dtype])


def test_nan_ignored_in_fit_kept_in_transform():
    rng = np.random.default_rng(7)
    X = load_breast_cancer().data.copy()
    mask = rng.random(X.shape) < 0.1
    X[mask] = np.nan
    for ours, ref in PAIRS:
        a, b = ours().fit(X), ref().fit(X)
        attrs = STD_ATTRS if ours is StandardScaler else MM_ATTRS
        _assert_stats(a, b, attrs, np.float64)
        out = a.transform(X)
        np.testing.assert_array_equal(np.isnan(out), mask)
        np.testing.assert_allclose(out, b.transform(X), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(a.inverse_transform(out), X, rtol=1e-12,
                                   atol=1e-15 * np.nanmax(np.abs(X)))
    s = StandardScaler().fit(X)
    assert isinstance(s.n_samples_seen_, np.ndarray)
    np.testing.assert_array_equal(s.n_samples_seen_, (~mask).sum(axis=0))
    # partial_fit with NaN in chunks: the same as one fit, and as scikit-learn
    a, b = StandardScaler(), skp.StandardScaler()
    for idx in np.array_split(np.arange(len(X)), 4):
        a.partial_fit(X[idx])
        b.partial_fit(X[idx])
    _assert_stats(a, b, STD_ATTRS, np.float64)
    _assert_stats(a, s, STD_ATTRS, np.float64)


def test_all_nan_column():
    X = np.random.default_rng(8).normal(size=(20, 3))
    X[:, 1] = np.nan
    s = StandardScaler().fit(X)
    assert np.isnan(s.mean_[1]) and np.isnan(s.var_[1])
    assert np.isnan(s.transform(X)[:, 1]).all() and not np.isnan(s.transform(X)[:, [0, 2]]).any()
    with pytest.warns(RuntimeWarning):  # scikit-learn's nanmin warns on the all-NaN slice
        ref = skp.MinMaxScaler().fit(X)
    m = MinMaxScaler().fit(X)
    np.testing.assert_array_equal(m.data_min_, ref.data_min_)


def test_copy_false_works_in_place():
    X = load_iris().data.copy()
    expected = StandardScaler().fit_transform(X)
    s = StandardScaler(copy=False).fit(X)
    out = s.transform(X)
    assert out is X
    np.testing.assert_allclose(X, expected, rtol=1e-14)
    Y = load_iris().data.copy()
    kept = Y.copy()
    StandardScaler().fit(Y).transform(Y, copy=True)
    np.testing.assert_array_equal(Y, kept)
    Y.setflags(write=False)  # read-only input: never written, even with copy=False
    out = StandardScaler(copy=False).fit(Y).transform(Y)
    assert out is not Y
    m = MinMaxScaler(copy=False).fit(kept)
    assert m.transform(kept) is kept


def test_get_set_params_and_repr():
    s = MinMaxScaler(feature_range=(-1, 1), clip=True)
    assert s.get_params() == {"feature_range": (-1, 1), "copy": True, "clip": True}
    assert "clip=True" in repr(s)
    assert StandardScaler().set_params(with_mean=False).with_mean is False


# ---- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [StandardScaler, MinMaxScaler])
def test_bad_input(cls):
    X = load_iris().data
    with pytest.raises(ValueError, match="infinity"):
        cls().fit(np.where(X > 7, np.inf, X))
    with pytest.raises(ValueError, match="infinity"):
        cls().fit(X).transform(np.full((2, 4), -np.inf))
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        cls().fit(X[:, 0])
    with pytest.raises(ValueError, match="Found array with dim 3"):
        cls().fit(X.reshape(10, 15, 4))
    with pytest.raises(ValueError, match="0 sample"):
        cls().fit(np.empty((0, 4)))
    with pytest.raises(ValueError, match="0 feature"):
        cls().fit(np.empty((5, 0)))
    with pytest.raises(ValueError, match="strings"):
        cls().fit(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(ValueError, match="non-numeric"):
        cls().fit(np.array([[1.0, "x"], [2.0, 3.0]], dtype=object))
    with pytest.raises(NotFittedError, match="not fitted yet"):
        cls().transform(X)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        cls().inverse_transform(X)
    fitted = cls().fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4 features"):
        fitted.transform(X[:, :3])
    with pytest.raises(ValueError, match="X has 5 features, but .* is expecting 4 features"):
        fitted.inverse_transform(np.ones((2, 5)))
    with pytest.raises(ValueError, match="X has 3 features"):
        cls().fit(X).partial_fit(X[:, :3])
    with pytest.raises(TypeError, match="copy must be a bool"):
        cls(copy="yes").fit(X)
    import scipy.sparse
    if cls is StandardScaler:   # sparse input is accepted with with_mean=False (test_preprocessing_sparse.py)
        with pytest.raises(ValueError, match="Cannot center sparse matrices"):
            cls().fit(scipy.sparse.csr_matrix(X))
    else:
        with pytest.raises(TypeError, match="Sparse input is not supported"):
            cls().fit(scipy.sparse.csr_matrix(X))


def test_bad_feature_range():
    X = load_iris().data
    with pytest.raises(ValueError, match=r"Minimum of desired feature range must be smaller than maximum. Got \(1, 0\)"):
        MinMaxScaler(feature_range=(1, 0)).fit(X)
    with pytest.raises(ValueError, match="must be smaller than maximum"):
        MinMaxScaler(feature_range=(2, 2)).fit(X)
    with pytest.raises(ValueError, match="must be finite"):
        MinMaxScaler(feature_range=(0, np.inf)).fit(X)
    for bad in [(0, 1, 2), 1.0, ("a", "b"), None]:
        with pytest.raises(TypeError, match="feature_range must be a tuple"):
            MinMaxScaler(feature_range=bad).fit(X)
    with pytest.raises(TypeError, match="clip must be a bool"):
        MinMaxScaler(clip=1).fit(X)
    m = MinMaxScaler().fit(X)
    m.set_params(feature_range=(3, -3))
    with pytest.raises(ValueError, match="must be smaller than maximum"):
        m.transform(X)


def test_bad_params_standard():
    X = load_iris().data
    with pytest.raises(TypeError, match="with_mean must be a bool"):
        StandardScaler(with_mean=None).fit(X)
    with pytest.raises(TypeError, match="with_std must be a bool"):
        StandardScaler(with_std="no").fit(X)


def test_bad_sample_weight():
    X = load_iris().data
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\), expected \(150,\)"):
        StandardScaler().fit(X, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="1D array or scalar"):
        StandardScaler().fit(X, sample_weight=np.ones((150, 2)))
    with pytest.raises(ValueError, match="Input sample_weight contains NaN"):
        StandardScaler().fit(X, sample_weight=np.full(150, np.nan))
    with pytest.raises(ValueError, match="Input sample_weight contains infinity"):
        StandardScaler().fit(X, sample_weight=np.full(150, np.inf))
    with pytest.raises(ValueError, match="at least one non-zero"):
        StandardScaler().fit(X, sample_weight=np.zeros(150))
    with pytest.raises(ValueError, match="sample_weight could not be converted to floats"):
        StandardScaler().fit(X, sample_weight=["a"] * 150)


def test_binding_rejects_bad_calls():
    X = np.ones((4, 3))
    with pytest.raises(ValueError, match="expected a 2-D array, got 1-D"):
        _mlc.scale_transform(np.ones(3))
    with pytest.raises(ValueError, match="shift: dimension 0 is 2, expected 3"):
        _mlc.scale_transform(X, np.ones(2))
    with pytest.raises(ValueError, match="scale: expected a 1-D array"):
        _mlc.scale_inverse(X, None, np.ones((3, 1)))
    with pytest.raises(ValueError, match="out: expected a writeable C-contiguous"):
        _mlc.scale_transform(X, out=np.ones((4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="out: dimension 0 is 5, expected 4"):
        _mlc.scale_transform(X, out=np.ones((5, 3)))
    with pytest.raises(TypeError, match="out: expected a NumPy array"):
        _mlc.scale_transform(X, out=[[0.0] * 3] * 4)
    with pytest.raises(ValueError, match="clip range"):
        _mlc.scale_transform(X, clip=(1.0, 0.0))
    with pytest.raises(TypeError, match="clip: expected None or a"):
        _mlc.scale_transform(X, clip=(1.0,))
    with pytest.raises(TypeError, match="Cannot cast"):
        _mlc.scale_min_max(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match="expected an array, got None"):
        _mlc.scale_min_max(None)
    with pytest.raises(ValueError, match="pass all three or none"):
        _mlc.scale_mean_var(X, None, np.zeros(3))
    with pytest.raises(ValueError, match="count: dimension 0 is 2"):
        _mlc.scale_mean_var(X, None, np.zeros(3), np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="sample_weight: dimension 0 is 5, expected 4"):
        _mlc.scale_mean_var(X, np.ones(5))
    # the running state passed in is not modified; an empty X leaves it as it was
    state = (np.full(3, 2.0), np.full(3, 1.0), np.full(3, 5.0))
    mean, var, count = _mlc.scale_mean_var(np.empty((0, 3)), None, *state)
    np.testing.assert_array_equal(count, 5.0)
    np.testing.assert_array_equal(state[2], 5.0)


@needs_rss
def test_repeated_fit_does_not_grow_rss():
    rng = np.random.default_rng(9)
    X, w = rng.normal(size=(500, 20)), rng.uniform(size=500)
    X[::17, 3] = np.nan

    def once():
        StandardScaler().fit(X, sample_weight=w).transform(X)
        StandardScaler(copy=False).partial_fit(X).partial_fit(X.astype(np.float32)).inverse_transform(X.copy())
        MinMaxScaler(clip=True).fit(X).inverse_transform(X.astype(np.float32))
        for bad in (lambda: _mlc.scale_transform(X, np.ones(3)),
                    lambda: _mlc.scale_mean_var(X, np.ones(3)),
                    lambda: _mlc.scale_inverse(X, None, None, 0.0, np.ones((2, 2)))):
            try:
                bad()
            except ValueError:
                pass

    assert_rss_stable(once)


# ---- scikit-learn's estimator checks ---------------------------------------------------------

@parametrize_with_checks([StandardScaler(), MinMaxScaler()])
def test_sklearn_compatible(estimator, check):
    check(estimator)
