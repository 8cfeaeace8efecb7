"""core/vmath.h: the stated ulp bounds and special values, against numpy's libm in float64 and the
float64 result rounded to float32 (through the test-only entry point _mlc._vmath)."""
import numpy as np
import pytest

from mlc import _mlc

# max ulp error stated in csrc/core/vmath.h, per function and dtype
ULP = {"exp": (1, 1.5), "log": (1, 1), "tanh": (3, 3), "sigmoid": (3, 3), "log1pexp": (2, 2)}


def _sigmoid(x):
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log1pexp(x):
    with np.errstate(over="ignore"):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


REF = {"exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": _sigmoid, "log1pexp": _log1pexp}


def _ref(name, x, dtype):
    """The reference, unrounded: float64 exp/log/tanh are numpy's (libm's) in double, sigmoid and
    log1pexp (which numpy lacks) are computed in long double; float32 is the float64 result."""
    with np.errstate(all="ignore"):
        if dtype == np.float32:
            return REF[name](x.astype(np.float64))
        if name in ("sigmoid", "log1pexp"):
            return REF[name](x.astype(np.longdouble))
        return REF[name](x).astype(np.longdouble)


# float64 exp flushes results under 2^-1021.5 (x < -708.05) to 0; so do sigmoid and log1pexp there
FLUSH64 = -708.05


def _flushed(name, x, dtype):
    """Where float64 exp, sigmoid and log1pexp give 0 by exp's flush."""
    return (x < FLUSH64) & (dtype == np.float64 and name in ("exp", "sigmoid", "log1pexp"))


def _ulp_err(got, ref, dtype):
    """|got - ref| in units of the last place of ref rounded to dtype (the spacing of the subnormal
    grid below the normals), where ref rounds to a finite value."""
    with np.errstate(over="ignore"):
        rd = ref.astype(dtype)
    ok = np.isfinite(rd)
    wide = np.longdouble if dtype == np.float64 else np.float64
    sp = np.spacing(np.abs(rd[ok])).astype(wide)
    return np.abs(got[ok].astype(wide) - ref[ok].astype(wide)) / sp


def _domain(name, dtype):
    info = np.finfo(dtype)
    rng = np.random.default_rng(7)
    lim = {"exp": 750.0, "log": 0.0, "tanh": 30.0, "sigmoid": 750.0, "log1pexp": 750.0}[name]
    if dtype == np.float32:
        lim = {"exp": 110.0, "log": 0.0, "tanh": 15.0, "sigmoid": 110.0, "log1pexp": 110.0}[name]
    parts = []
    if name == "log":
        parts.append(np.geomspace(info.smallest_subnormal, info.max / 2, 400_000))
        parts.append(np.linspace(0.5, 2.0, 200_000))
        parts.append(1.0 + np.linspace(-1e-6, 1e-6, 10_001))
    else:
        parts.append(np.linspace(-lim, lim, 400_000))
        parts.append(np.linspace(-1.0, 1.0, 100_001))
    # random values across every exponent, both signs
    e = rng.uniform(np.log2(info.smallest_subnormal), np.log2(info.max) - 1, 200_000)
    parts.append(rng.choice([-1.0, 1.0], e.size) * np.exp2(e))
    # subnormals, +-0, the smallest normals
    parts.append(np.array([info.smallest_subnormal, 3 * info.smallest_subnormal, info.smallest_normal,
                           info.smallest_normal * (1 - info.eps), 0.0, -0.0, -info.smallest_subnormal]))
    x = np.concatenate(parts)
    if name == "log":
        x = np.abs(x)
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(ULP))
def test_vmath_ulp(name, dtype):
    x = _domain(name, dtype)
    got = _mlc._vmath(name, x)
    assert got.dtype == dtype and got.shape == x.shape
    ref = _ref(name, x, dtype)
    flushed = _flushed(name, x, dtype)
    assert np.all(got[flushed] == 0)
    x, got, ref = x[~flushed], got[~flushed], ref[~flushed]
    with np.errstate(over="ignore"):
        rd = ref.astype(dtype)
    # where the reference is not finite (overflow, NaN, log of <= 0) the results agree exactly
    np.testing.assert_array_equal(got[~np.isfinite(rd)], rd[~np.isfinite(rd)])
    err = _ulp_err(got, ref, dtype)
    worst = np.argmax(err)
    assert err.max() <= ULP[name][0 if dtype == np.float64 else 1], (float(err.max()), x[np.isfinite(rd)][worst])


# the overflow / underflow thresholds: the last finite results and the first inf / 0
EDGES = {
    np.float64: {"exp": [709.782712893383, 709.782712893384, 709.7828, 709.43, 709.44, -708.0, -708.04,
                         -708.06, -708.3964185322641, -745.2, 710.0, -710.0, 710.1, -710.1, 1e300, -1e300],
                 "sigmoid": [36.0, 37.0, 38.0, -708.0, -708.06, -745.2, -1e300, 1e300],
                 "log1pexp": [-745.2, -708.06, -708.04, 33.3, 36.0, 37.0, 1e300, -1e300],
                 "tanh": [19.0, 19.1, 1e-300, -1e-300, 0.34657359027997264, 0.3465735902799726, 1e300]},
    np.float32: {"exp": [88.72283, 88.72284, 88.8, -87.33654, -87.34, -103.97, -103.973, -104.0, 104.0,
                         -104.1, 1e30, -1e30],
                 "sigmoid": [16.0, 17.0, 18.0, -87.4, -103.97, -104.1, -1e30, 1e30],
                 "log1pexp": [-104.1, -103.97, -87.4, 16.0, 17.0, 1e30, -1e30],
                 "tanh": [9.0, 9.1, 1e-40, -1e-40, 0.34657359, 0.34657356, 1e30]},
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["exp", "sigmoid", "log1pexp", "tanh"])
def test_vmath_edges(name, dtype):
    x = np.array(EDGES[dtype][name], dtype=dtype)
    got = _mlc._vmath(name, x)
    with np.errstate(over="ignore"):
        ref = _ref(name, x, dtype)
        rd = ref.astype(dtype)
    fl = _flushed(name, x, dtype)
    rd[fl] = 0
    assert np.array_equal(np.isinf(got), np.isinf(rd)) and np.array_equal(got == 0, rd == 0), (got, rd)
    assert _ulp_err(got[~fl], ref[~fl], dtype).max() <= ULP[name][0 if dtype == np.float64 else 1]


def test_vmath_exp_f64_flush():
    # results from 2^-1021.5 up are normal and within the bound; below that exactly 0 (no subnormals)
    x = np.linspace(-708.2, -707.9, 30_001)
    got = _mlc._vmath("exp", x)
    assert np.all(got[x < FLUSH64 - 1e-3] == 0)
    keep = x > FLUSH64 + 1e-3
    assert np.all(got[keep] >= np.finfo(np.float64).smallest_normal)
    assert _ulp_err(got[keep], np.exp(x[keep]).astype(np.longdouble), np.float64).max() <= ULP["exp"][0]


SPECIAL = [  # x: exp, log, tanh, sigmoid, log1pexp
    (0.0, (1.0, -np.inf, 0.0, 0.5, np.log(2.0))),
    (-0.0, (1.0, -np.inf, -0.0, 0.5, np.log(2.0))),
    (np.inf, (np.inf, np.inf, 1.0, 1.0, np.inf)),
    (-np.inf, (0.0, np.nan, -1.0, 0.0, 0.0)),
    (-1.0, (np.exp(-1.0), np.nan, np.tanh(-1.0), _sigmoid(np.array(-1.0)), _log1pexp(np.array(-1.0)))),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_vmath_special_values(dtype):
    names = ["exp", "log", "tanh", "sigmoid", "log1pexp"]
    for x, want in SPECIAL:
        for name, w in zip(names, want):
            got = _mlc._vmath(name, np.array([x], dtype=dtype))[0]
            w = dtype(w)
            if np.isnan(w):
                assert np.isnan(got), (name, x)
            elif x == -1.0:  # an ordinary value: within the stated bound
                assert abs(float(got) - float(w)) <= ULP[name][dtype == np.float32] * np.spacing(abs(w)) * 1.5
            else:
                assert got == w and np.signbit(got) == np.signbit(w), (name, x, got, w)
    nans = np.array([np.nan, -np.nan, np.float64("nan") * 0], dtype=dtype)
    for name in names:
        assert np.isnan(_mlc._vmath(name, nans)).all(), name


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_vmath_logsumexp(dtype):
    rng = np.random.default_rng(0)
    X = (rng.standard_normal((200, 37)) * 30).astype(dtype)
    X[0] = -np.inf
    X[1, 3] = np.inf
    X[2, :] = 1e30 if dtype == np.float32 else 1e300
    X[3, 5] = np.nan
    got = _mlc._vmath("logsumexp", X)
    assert got.dtype == np.float64 and got.shape == (200,)
    Xd = X.astype(np.float64)
    with np.errstate(all="ignore"):
        m = Xd.max(axis=1, keepdims=True)
        ref = m[:, 0] + np.log(np.exp(Xd - m).sum(axis=1))
    assert got[0] == -np.inf and got[1] == np.inf and np.isnan(got[3])
    tol = 1e-14 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(got[4:], ref[4:], rtol=tol)
    assert got[2] == pytest.approx(Xd[2, 0] + np.log(37.0), rel=1e-15)


def test_vmath_scalar_tail_matches_vector_body():
    # lengths 1..17 put every element in the vector body, the scalar tail or both: same bits
    x = np.linspace(-20, 20, 17)
    for name in ULP:
        for dtype in (np.float64, np.float32):
            full = _mlc._vmath(name, x.astype(dtype))
            for n in range(1, 18):
                np.testing.assert_array_equal(_mlc._vmath(name, x[:n].astype(dtype)), full[:n])


def test_vmath_bad_input():
    x = np.linspace(-5, 5, 1001)
    with pytest.raises(ValueError, match="unknown vmath"):
        _mlc._vmath("cos", x)
    with pytest.raises(ValueError, match="1-D"):
        _mlc._vmath("exp", x.reshape(1, -1))
    with pytest.raises(ValueError, match="2-D"):
        _mlc._vmath("logsumexp", x)
    with pytest.raises(ValueError, match="column"):
        _mlc._vmath("logsumexp", np.zeros((3, 0)))
    with pytest.raises(TypeError):
        _mlc._vmath("exp", None)


def test_vmath_digamma_against_scipy():
    """The scalar digamma (latent Dirichlet allocation's E[log theta]) within 4e-15 of
    scipy.special.digamma, relative, or absolute near its root 1.4616."""
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(0)
    x = np.concatenate([10.0 ** rng.uniform(-300, 300, 20_000), rng.uniform(0, 12, 20_000),
                        np.linspace(1e-8, 8, 20_001), [1e-310, 5e-324, 1.0, 2.0, 5.999999, 6.0, 1e300]])
    got, want = _mlc._vmath("digamma", x), special.digamma(x)
    assert np.array_equal(np.isinf(got), np.isinf(want)) and (got[np.isinf(got)] < 0).all()
    got, want, x = got[np.isfinite(want)], want[np.isfinite(want)], x[np.isfinite(want)]
    err = np.abs(got - want) / np.maximum(np.abs(want), 1.0)
    assert err.max() < 4e-15, x[np.argmax(err)]
    assert _mlc._vmath("digamma", np.array([0.0]))[0] == -np.inf
    x32 = np.linspace(0.01, 100, 1000).astype(np.float32)
    np.testing.assert_allclose(_mlc._vmath("digamma", x32), special.digamma(x32.astype(np.float64)),
                               rtol=1e-6, atol=1e-6)
