"""The network core kernels (dense, activations, softmax, losses, dropout, residual add) against torch.

Every kernel is called through its binding (mlc._mlc.nn_*) on preallocated float32 arrays and compared,
forward and backward, with torch autograd within rtol 1e-4 and an absolute floor of 1e-5 times the
largest reference value. Backward kernels accumulate (+=), so gradients start from zero here unless a
test says otherwise, and any gradient given as None is skipped.
"""
import numpy as np
import pytest
from sklearn import datasets

import mlc
from mlc import _mlc
from conftest import assert_rss_stable, close, f32, layouts, needs_rss, tt

RELU, LEAKY, SIGMOID, TANH, IDENTITY = range(5)


# ---- dense ---------------------------------------------------------------------------------------
DENSE_SHAPES = [(1, 1, 1), (7, 13, 5), (64, 784, 512), (1, 17, 1), (3, 1, 9), (33, 65, 31)]


@pytest.mark.parametrize("B,cin,cout", DENSE_SHAPES)
@pytest.mark.parametrize("bias", [True, False])
def test_dense_matches_torch(torch, rng, B, cin, cout, bias):
    x, w, b, g = f32(rng, B, cin), f32(rng, cout, cin, scale=0.1), f32(rng, cout), f32(rng, B, cout)
    out = np.full((B, cout), np.nan, np.float32)  # overwritten, not accumulated
    _mlc.nn_dense_forward(out, x, w, b if bias else None)
    tx, tw, tb = tt(torch, x), tt(torch, w), tt(torch, b)
    ref = torch.nn.functional.linear(tx, tw, tb if bias else None)
    close(out, ref)
    ref.backward(torch.tensor(g))
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    _mlc.nn_dense_backward(dx, dw, db if bias else None, g, x, w)
    close(dx, tx.grad)
    close(dw, tw.grad)
    if bias:
        close(db, tb.grad)
    else:
        assert not db.any()


def test_dense_backward_accumulates_and_skips(rng):
    B, cin, cout = 9, 11, 6
    x, w, g = f32(rng, B, cin), f32(rng, cout, cin), f32(rng, B, cout)
    once = [np.zeros((B, cin), np.float32), np.zeros((cout, cin), np.float32), np.zeros(cout, np.float32)]
    _mlc.nn_dense_backward(*once, g, x, w)
    twice = [np.zeros_like(a) for a in once]
    _mlc.nn_dense_backward(*twice, g, x, w)
    _mlc.nn_dense_backward(*twice, g, x, w)
    for a, b in zip(once, twice):
        assert np.abs(a).max() > 0
        np.testing.assert_allclose(b, 2 * a, rtol=1e-6, atol=1e-6)
    # each gradient alone: the same numbers, the others untouched (None)
    for k in range(3):
        grads = [None, None, None]
        grads[k] = np.zeros_like(once[k])
        _mlc.nn_dense_backward(*grads, g, x, w)
        np.testing.assert_array_equal(grads[k], once[k])
    _mlc.nn_dense_backward(None, None, None, g, x, w)


def test_dense_thread_count_changes_rounding_only(rng, threads):
    B, cin, cout = 256, 784, 512
    x, w, b, g = f32(rng, B, cin), f32(rng, cout, cin, scale=0.05), f32(rng, cout), f32(rng, B, cout)
    res = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        out, dx, dw, db = (np.zeros((B, cout), np.float32), np.zeros_like(x), np.zeros_like(w),
                           np.zeros_like(b))
        _mlc.nn_dense_forward(out, x, w, b)
        _mlc.nn_dense_backward(dx, dw, db, g, x, w)
        res.append((out, dx, dw, db))
    for a, c in zip(res[0][:3], res[1][:3]):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-5 * np.abs(a).max())
    np.testing.assert_array_equal(res[0][3], res[1][3])  # the bias gradient: a fixed order


@pytest.mark.parametrize("n_threads", [2, 3, 8])
@pytest.mark.parametrize("B,cin,cout", [(64, 3136, 10), (5, 300, 700), (700, 300, 5), (3, 1, 2)])
def test_dense_gemms_cut_over_the_threads_match_torch(torch, rng, threads, n_threads, B, cin, cout):
    """Each sgemm is cut into row blocks (the larger side is the batch / C_in) or column blocks, one per
    thread, with OpenBLAS single-threaded inside: torch's numbers for either cut at any thread count."""
    mlc.set_num_threads(n_threads)
    test_dense_matches_torch(torch, rng, B, cin, cout, True)


def test_dense_empty_batch(rng):
    x, w = np.zeros((0, 4), np.float32), f32(rng, 3, 4)
    out = np.zeros((0, 3), np.float32)
    _mlc.nn_dense_forward(out, x, w, None)
    dw = np.zeros_like(w)
    _mlc.nn_dense_backward(None, dw, None, out, x, w)
    assert not dw.any()


def test_dense_on_digits_with_cross_entropy(torch):
    """Real data: one dense layer + cross entropy on scikit-learn's digits, value and gradients."""
    X, y = datasets.load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    w = f32(np.random.default_rng(1), 10, 64, scale=0.1)
    b = np.zeros(10, np.float32)
    z = np.empty((len(X), 10), np.float32)
    _mlc.nn_dense_forward(z, X, w, b)
    dz, probs = np.zeros_like(z), np.empty_like(z)
    loss = _mlc.nn_softmax_cross_entropy(dz, probs, z, y.astype(np.int64))
    dw, db = np.zeros_like(w), np.zeros_like(b)
    _mlc.nn_dense_backward(None, dw, db, dz, X, w)
    tw, tb = tt(torch, w), tt(torch, b)
    tz = torch.nn.functional.linear(torch.tensor(X), tw, tb)
    tl = torch.nn.functional.cross_entropy(tz, torch.tensor(y))
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-5)
    close(probs, torch.softmax(tz, 1))
    close(dw, tw.grad)
    close(db, tb.grad)


# ---- activations ---------------------------------------------------------------------------------
ACTS = [(RELU, 0.0, "relu"), (LEAKY, 0.01, "leaky"), (LEAKY, 0.2, "leaky"), (SIGMOID, 0.0, "sigmoid"),
        (TANH, 0.0, "tanh"), (IDENTITY, 0.0, "identity")]


def torch_act(torch, kind, alpha, x):
    F = torch.nn.functional
    return {RELU: F.relu, LEAKY: lambda v: F.leaky_relu(v, alpha), SIGMOID: torch.sigmoid, TANH: torch.tanh,
            IDENTITY: lambda v: v * 1}[kind](x)


def act_input(rng, shape):
    x = f32(rng, *shape, scale=3.0)
    flat = x.reshape(-1)
    flat[::7] = 0.0  # the kink of relu / leaky_relu: derivative 0 / alpha, as torch
    flat[1::11] = 60.0 * np.sign(flat[1::11])  # saturated sigmoid / tanh
    return x


@pytest.mark.parametrize("kind,alpha,name", ACTS)
@pytest.mark.parametrize("shape", [(1,), (3, 5, 7), (64, 33), (2, 3, 4, 5)])
def test_activation_matches_torch(torch, rng, kind, alpha, name, shape):
    x, g = act_input(rng, shape), f32(rng, *shape)
    out = np.full(shape, np.nan, np.float32)
    _mlc.nn_activation_forward(out, x, kind, alpha)
    tx = tt(torch, x)
    ref = torch_act(torch, kind, alpha, tx)
    close(out, ref, floor=1e-6)
    ref.backward(torch.tensor(g))
    # every combination of (x, out) the kind accepts gives torch's gradient
    combos = [(x, out), (None, out)] + ([] if kind in (SIGMOID, TANH) else [(x, None)])
    for xa, oa in combos:
        dx = np.zeros_like(x)
        _mlc.nn_activation_backward(dx, g, xa, oa, kind, alpha)
        close(dx, tx.grad, floor=1e-6)


@pytest.mark.parametrize("kind,alpha,name", ACTS)
def test_activation_in_place_and_accumulates(rng, kind, alpha, name):
    x = act_input(rng, (5, 31))
    ref = np.empty_like(x)
    _mlc.nn_activation_forward(ref, x, kind, alpha)
    inplace = x.copy()
    _mlc.nn_activation_forward(inplace, inplace, kind, alpha)
    np.testing.assert_array_equal(inplace, ref)
    g = f32(rng, 5, 31)
    once, twice = np.zeros_like(x), np.zeros_like(x)
    _mlc.nn_activation_backward(once, g, x, ref, kind, alpha)
    _mlc.nn_activation_backward(twice, g, x, ref, kind, alpha)
    _mlc.nn_activation_backward(twice, g, x, ref, kind, alpha)
    np.testing.assert_allclose(twice, 2 * once, rtol=1e-6)
    _mlc.nn_activation_backward(None, g, x, ref, kind, alpha)  # dx None: nothing to do


def test_activation_large_array_is_parallel_safe(torch, rng, threads):
    x = act_input(rng, (1 << 21,))
    outs = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        out = np.empty_like(x)
        _mlc.nn_activation_forward(out, x, SIGMOID, 0.0)
        outs.append(out)
    np.testing.assert_array_equal(outs[0], outs[1])
    close(outs[0], torch.sigmoid(torch.tensor(x)), floor=1e-6)


def test_sigmoid_tanh_extremes_stay_finite():
    x = np.array([-np.inf, -3e38, -1e4, -100, -88.8, -20, 0, 20, 88.8, 100, 1e4, 3e38, np.inf], np.float32)
    for kind, lo, hi in ((SIGMOID, 0, 1), (TANH, -1, 1)):
        out = np.empty_like(x)
        _mlc.nn_activation_forward(out, x, kind, 0.0)
        assert np.isfinite(out).all() and (out >= lo).all() and (out <= hi).all()
        assert out[0] == lo and out[-1] == hi
        nan = np.array([np.nan, 1.0], np.float32)
        _mlc.nn_activation_forward(nan, nan, kind, 0.0)
        assert np.isnan(nan[0]) and np.isfinite(nan[1])  # NaN is not hidden


@pytest.mark.parametrize("kind,ref", [(SIGMOID, lambda v: 1 / (1 + np.exp(-v))), (TANH, np.tanh)])
def test_sigmoid_tanh_accuracy_on_a_dense_grid(kind, ref):
    """The vectorised exp behind sigmoid / tanh: within a few float32 ulps of float64 everywhere."""
    x = np.concatenate([np.linspace(-90, 90, 400_001), np.geomspace(1e-30, 2, 20_001),
                        -np.geomspace(1e-30, 2, 20_001)]).astype(np.float32)
    out = np.empty_like(x)
    _mlc.nn_activation_forward(out, x, kind, 0.0)
    with np.errstate(over="ignore"):
        r = ref(x.astype(np.float64))
    normal = np.abs(r) > 1e-37
    np.testing.assert_allclose(out[normal], r[normal], rtol=5e-7)
    assert np.abs(out - r).max() < 2e-37 + 1e-7


# ---- softmax ----------------------------------------------------------------------------------------
SOFTMAX_SHAPES = [(1, 1), (1, 10), (7, 3), (64, 1000), (5, 2)]


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES)
@pytest.mark.parametrize("log", [False, True])
def test_softmax_matches_torch(torch, rng, shape, log):
    x, g = f32(rng, *shape, scale=4.0), f32(rng, *shape)
    out = np.full(shape, np.nan, np.float32)
    (_mlc.nn_log_softmax_forward if log else _mlc.nn_softmax_forward)(out, x)
    tx = tt(torch, x)
    ref = (torch.log_softmax if log else torch.softmax)(tx, 1)
    close(out, ref, floor=1e-6)
    ref.backward(torch.tensor(g))
    dx = np.zeros_like(x)
    (_mlc.nn_log_softmax_backward if log else _mlc.nn_softmax_backward)(dx, g, out)
    close(dx, tx.grad, floor=1e-6)
    (_mlc.nn_log_softmax_backward if log else _mlc.nn_softmax_backward)(dx, g, out)
    close(dx, 2 * tx.grad.numpy(), floor=1e-6)


@pytest.mark.parametrize("log", [False, True])
def test_softmax_extremes_and_in_place(torch, log):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [3e4, 3e4, -3e4], [88, 89, 90]], np.float32)
    fn = _mlc.nn_log_softmax_forward if log else _mlc.nn_softmax_forward
    out = np.empty_like(x)
    fn(out, x)
    assert np.isfinite(out).all()
    close(out, (torch.log_softmax if log else torch.softmax)(torch.tensor(x), 1), floor=1e-6)
    inplace = x.copy()
    fn(inplace, inplace)
    np.testing.assert_array_equal(inplace, out)


# ---- losses -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("B,C", [(1, 1), (1, 5), (7, 3), (64, 10), (200, 37)])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_matches_torch(torch, rng, B, C, weighted):
    z, t = f32(rng, B, C, scale=3.0), rng.integers(0, C, B).astype(np.int64)
    w = rng.uniform(0.1, 3.0, B).astype(np.float32) if weighted else None
    dz, probs = np.zeros_like(z), np.full_like(z, np.nan)
    loss = _mlc.nn_softmax_cross_entropy(dz, probs, z, t, w)
    tz = tt(torch, z)
    if weighted:
        tw = torch.tensor(w)
        tl = (tw * torch.nn.functional.cross_entropy(tz, torch.tensor(t), reduction="none")).sum() / tw.sum()
    else:
        tl = torch.nn.CrossEntropyLoss()(tz, torch.tensor(t))
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-5, abs=1e-6)
    close(probs, torch.softmax(tz, 1), floor=1e-6)
    close(dz, tz.grad, floor=1e-6)
    # None skips; without probs and dlogits only the loss is computed
    assert _mlc.nn_softmax_cross_entropy(None, None, z, t, w) == loss
    dz2 = np.zeros_like(z)
    _mlc.nn_softmax_cross_entropy(dz2, None, z, t, w)
    np.testing.assert_array_equal(dz2, dz)
    _mlc.nn_softmax_cross_entropy(dz2, None, z, t, w)
    np.testing.assert_allclose(dz2, 2 * dz, rtol=1e-6)


def test_cross_entropy_weights_are_scale_free(rng):
    z, t = f32(rng, 30, 4), rng.integers(0, 4, 30).astype(np.int64)
    w = rng.uniform(0.5, 2.0, 30).astype(np.float32)
    a, b = np.zeros_like(z), np.zeros_like(z)
    la = _mlc.nn_softmax_cross_entropy(a, None, z, t, w)
    lb = _mlc.nn_softmax_cross_entropy(b, None, z, t, (4 * w).astype(np.float32))
    assert la == pytest.approx(lb, rel=1e-12)
    np.testing.assert_allclose(a, b, rtol=1e-6)
    ones = np.ones(30, np.float32)
    assert _mlc.nn_softmax_cross_entropy(None, None, z, t, ones) == pytest.approx(
        _mlc.nn_softmax_cross_entropy(None, None, z, t), rel=1e-12)


def test_losses_with_extreme_logits_stay_finite(torch):
    z = np.array([[1e4, -1e4, 0], [-1e4, 1e4, 1e4], [0, 0, -1e4]], np.float32)
    t = np.array([1, 0, 2], np.int64)
    dz = np.zeros_like(z)
    loss = _mlc.nn_softmax_cross_entropy(dz, None, z, t)
    tz = tt(torch, z)
    tl = torch.nn.functional.cross_entropy(tz, torch.tensor(t))
    tl.backward()
    assert np.isfinite(loss) and np.isfinite(dz).all()
    assert loss == pytest.approx(tl.item(), rel=1e-6)
    close(dz, tz.grad)
    y = np.array([[1, 0, 0.5], [0, 1, 1], [1, 1, 0]], np.float32)
    db = np.zeros_like(z)
    bl = _mlc.nn_bce_with_logits(db, z, y)
    tz = tt(torch, z)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(tz, torch.tensor(y))
    ref.backward()
    assert np.isfinite(bl) and np.isfinite(db).all()
    assert bl == pytest.approx(ref.item(), rel=1e-6)
    close(db, tz.grad)


@pytest.mark.parametrize("which", ["bce", "mse"])
@pytest.mark.parametrize("B,K", [(1, 1), (7, 3), (64, 10), (129, 1)])
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_mse_match_torch(torch, rng, which, B, K, weighted):
    z = f32(rng, B, K, scale=3.0)
    y = rng.uniform(0, 1, (B, K)).astype(np.float32) if which == "bce" else f32(rng, B, K)
    if which == "bce":
        y[::2] = np.round(y[::2])  # hard and soft labels
    w = rng.uniform(0.1, 3.0, B).astype(np.float32) if weighted else None
    fn = _mlc.nn_bce_with_logits if which == "bce" else _mlc.nn_mse
    dz = np.zeros_like(z)
    loss = fn(dz, z, y, w)
    tz = tt(torch, z)
    F = torch.nn.functional
    if weighted:
        per = (F.binary_cross_entropy_with_logits(tz, torch.tensor(y), reduction="none") if which == "bce"
               else F.mse_loss(tz, torch.tensor(y), reduction="none"))
        tw = torch.tensor(w)[:, None]
        tl = (tw * per).sum() / (K * tw.sum())
    else:
        tl = (torch.nn.BCEWithLogitsLoss() if which == "bce" else torch.nn.MSELoss())(tz, torch.tensor(y))
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-5, abs=1e-7)
    close(dz, tz.grad, floor=1e-6)
    assert fn(None, z, y, w) == loss
    fn(dz, z, y, w)
    close(dz, 2 * tz.grad.numpy(), floor=1e-6)


def test_losses_do_not_depend_on_thread_count(rng, threads):
    B, C = 40000, 30
    z, t = f32(rng, B, C), rng.integers(0, C, B).astype(np.int64)
    y = rng.uniform(0, 1, (B, C)).astype(np.float32)
    w = rng.uniform(0.5, 2, B).astype(np.float32)
    results = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        dz, db, dm = np.zeros_like(z), np.zeros_like(z), np.zeros_like(z)
        results.append((_mlc.nn_softmax_cross_entropy(dz, None, z, t, w), _mlc.nn_bce_with_logits(db, z, y, w),
                        _mlc.nn_mse(dm, z, y, w), dz, db, dm))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


# ---- dropout ------------------------------------------------------------------------------------------
def dropout(x, p, seed):
    out, mask = np.empty_like(x), np.empty_like(x)
    _mlc.nn_dropout_forward(out, mask, x, p, seed)
    return out, mask


def test_dropout_p0_is_identity(rng):
    x = f32(rng, 3, 1001)
    out, mask = dropout(x, 0.0, 123)
    np.testing.assert_array_equal(out, x)
    assert (mask == 1).all()


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_kept_fraction_and_scale(p):
    n = 10**6
    x = np.ones(n, np.float32)
    out, mask = dropout(x, p, 7)
    kept = mask != 0
    # binomial: the kept count is within 5 sigma of n (1 - p)
    sigma = np.sqrt(n * p * (1 - p))
    assert abs(kept.sum() - n * (1 - p)) < 5 * sigma
    np.testing.assert_array_equal(mask[kept], np.float32(1 / (1 - p)))
    np.testing.assert_array_equal(out, x * mask)
    # no chunk of the mask repeats another (independent streams per chunk)
    chunks = kept[: (n // 4096) * 4096].reshape(-1, 4096)
    assert len({c.tobytes() for c in chunks}) == len(chunks)


def test_dropout_same_seed_same_mask_any_thread_count(rng, threads):
    x = f32(rng, 1000, 1001)  # 1,001,000: not a multiple of the chunk size, odd
    masks = []
    for n in (1, 2, 1):
        mlc.set_num_threads(n)
        out, mask = dropout(x, 0.3, 2**64 - 1)
        masks.append(mask)
        np.testing.assert_array_equal(out, x * mask)
    np.testing.assert_array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks[0], masks[2])
    _, other = dropout(x, 0.3, 2**64 - 2)
    assert (other != masks[0]).mean() > 0.3  # different seeds: about 2 p (1 - p) of the entries differ


def test_dropout_in_place_and_backward(rng):
    x = f32(rng, 4, 5, 6)
    out, mask = dropout(x, 0.4, 99)
    y = x.copy()
    mask2 = np.empty_like(x)
    _mlc.nn_dropout_forward(y, mask2, y, 0.4, 99)
    np.testing.assert_array_equal(y, out)
    np.testing.assert_array_equal(mask2, mask)
    g, dx = f32(rng, 4, 5, 6), np.ones_like(x)
    _mlc.nn_dropout_backward(dx, g, mask)
    np.testing.assert_array_equal(dx, 1 + g * mask)
    assert (dx[mask == 0] == 1).all()
    _mlc.nn_dropout_backward(None, g, mask)


# ---- add, sum of squares --------------------------------------------------------------------------------
def test_add_forward_backward(torch, rng):
    a, b, g = f32(rng, 3, 4, 5), f32(rng, 3, 4, 5), f32(rng, 3, 4, 5)
    out = np.empty_like(a)
    _mlc.nn_add_forward(out, a, b)
    np.testing.assert_array_equal(out, a + b)
    for alias in ("a", "b"):
        c = (a if alias == "a" else b).copy()
        _mlc.nn_add_forward(c, c, b) if alias == "a" else _mlc.nn_add_forward(c, a, c)
        np.testing.assert_array_equal(c, a + b)
    ta, tb = tt(torch, a), tt(torch, b)
    (ta + tb).backward(torch.tensor(g))
    da, db = np.ones_like(a), np.zeros_like(b)
    _mlc.nn_add_backward(da, db, g)
    close(da, 1 + ta.grad.numpy())
    close(db, tb.grad)
    _mlc.nn_add_backward(None, db, g)
    np.testing.assert_array_equal(db, 2 * g)
    same = np.zeros_like(a)
    _mlc.nn_add_backward(same, same, g)  # both branches into one buffer
    np.testing.assert_array_equal(same, 2 * g)


@pytest.mark.parametrize("shape", [(0,), (1,), (3, 5, 7), (1000, 3001)])
def test_sum_squares(rng, shape, threads):
    x = f32(rng, *shape, scale=10.0)
    ref = float((x.astype(np.float64) ** 2).sum())
    results = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        results.append(_mlc.nn_sum_squares(x))
    assert results[0] == results[1]
    assert results[0] == pytest.approx(ref, rel=1e-12, abs=0)


# ---- a float64 finite-difference check of a small chain -----------------------------------------------
def test_dense_tanh_cross_entropy_gradient_by_finite_differences(rng):
    """The chain's float32 kernel gradient against central differences of the same chain in float64."""
    B, cin, cout = 5, 4, 3
    x, w, b = f32(rng, B, cin), f32(rng, cout, cin), f32(rng, cout)
    t = rng.integers(0, cout, B).astype(np.int64)

    def loss64(w64, b64):
        z = np.tanh(x.astype(np.float64) @ w64.T + b64)
        z = z - z.max(1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(1)) - z[np.arange(B), t]))

    h = np.empty((B, cout), np.float32)
    a = np.empty_like(h)
    _mlc.nn_dense_forward(h, x, w, b)
    _mlc.nn_activation_forward(a, h, TANH, 0.0)
    da, dh = np.zeros_like(a), np.zeros_like(h)
    _mlc.nn_softmax_cross_entropy(da, None, a, t)
    _mlc.nn_activation_backward(dh, da, None, a, TANH, 0.0)
    dw, db = np.zeros_like(w), np.zeros_like(b)
    _mlc.nn_dense_backward(None, dw, db, dh, x, w)
    eps = 1e-6
    w64, b64 = w.astype(np.float64), b.astype(np.float64)
    num_w = np.zeros_like(w64)
    for idx in np.ndindex(w.shape):
        wp, wm = w64.copy(), w64.copy()
        wp[idx] += eps
        wm[idx] -= eps
        num_w[idx] = (loss64(wp, b64) - loss64(wm, b64)) / (2 * eps)
    num_b = np.array([(loss64(w64, b64 + eps * e) - loss64(w64, b64 - eps * e)) / (2 * eps)
                      for e in np.eye(cout)])
    np.testing.assert_allclose(dw, num_w, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(db, num_b, rtol=1e-3, atol=1e-5)


# ---- bad input --------------------------------------------------------------------------------------------
def test_dense_bad_arrays_raise(rng):
    x, w, b = f32(rng, 4, 3), f32(rng, 2, 3), f32(rng, 2)
    out = np.empty((4, 2), np.float32)
    with pytest.raises(TypeError, match="x: expected dtype float32"):
        _mlc.nn_dense_forward(out, x.astype(np.float64), w, b)
    with pytest.raises(TypeError, match="expected a numpy array"):
        _mlc.nn_dense_forward(out, x.tolist(), w, b)
    with pytest.raises(TypeError, match="out: expected an array, got None"):
        _mlc.nn_dense_forward(None, x, w, b)
    with pytest.raises(ValueError, match="weight.shape\\[1\\] = 4 does not match x.shape\\[1\\] = 3"):
        _mlc.nn_dense_forward(out, x, f32(rng, 2, 4), b)
    with pytest.raises(ValueError, match="out.shape\\[1\\] = 2 does not match weight.shape\\[0\\] = 5"):
        _mlc.nn_dense_forward(out, x, f32(rng, 5, 3), None)
    with pytest.raises(ValueError, match="out.shape\\[0\\] = 4 does not match x.shape\\[0\\] = 5"):
        _mlc.nn_dense_forward(out, f32(rng, 5, 3), w, b)
    with pytest.raises(ValueError, match="bias.shape\\[0\\] = 3"):
        _mlc.nn_dense_forward(out, x, w, f32(rng, 3))
    with pytest.raises(ValueError, match="x: expected a 2-D array, got 1-D"):
        _mlc.nn_dense_forward(out, x.ravel(), w, b)
    with pytest.raises(ValueError, match="in_features and out_features must be >= 1"):
        _mlc.nn_dense_forward(np.empty((4, 0), np.float32), np.empty((4, 0), np.float32),
                              np.empty((0, 0), np.float32), None)
    ro = out.copy()
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="out: the array is read-only"):
        _mlc.nn_dense_forward(ro, x, w, b)
    sq = f32(rng, 3, 3)
    with pytest.raises(ValueError, match="out overlaps x"):
        _mlc.nn_dense_forward(sq, sq, f32(rng, 3, 3), None)
    g = f32(rng, 4, 2)
    with pytest.raises(ValueError, match="dx and x must have the same shape, got \\(4, 2\\) and \\(4, 3\\)"):
        _mlc.nn_dense_backward(np.zeros((4, 2), np.float32), None, None, g, x, w)
    with pytest.raises(ValueError, match="dout.shape\\[1\\] = 3 does not match weight.shape\\[0\\] = 2"):
        _mlc.nn_dense_backward(None, None, None, f32(rng, 4, 3), x, w)
    with pytest.raises(ValueError, match="dweight overlaps weight"):
        _mlc.nn_dense_backward(None, w, None, g, x, w)
    with pytest.raises(TypeError, match="dbias: expected dtype float32"):
        _mlc.nn_dense_backward(None, None, np.zeros(2), g, x, w)


@pytest.mark.parametrize("layout", ["F", "view"])
def test_non_contiguous_arrays_raise(rng, layout):
    """The kernels take C-contiguous float32 only (the Python layer converts once); others raise."""
    x = layouts(f32(rng, 4, 3))[layout]
    w = layouts(f32(rng, 2, 3))["C"]
    with pytest.raises(ValueError, match="x: expected a C-contiguous aligned array"):
        _mlc.nn_dense_forward(np.empty((4, 2), np.float32), x, w, None)
    with pytest.raises(ValueError, match="C-contiguous"):
        _mlc.nn_activation_forward(np.empty((4, 3), np.float32), x, RELU)
    with pytest.raises(ValueError, match="C-contiguous"):
        _mlc.nn_softmax_forward(np.empty((4, 3), np.float32), x)
    with pytest.raises(ValueError, match="C-contiguous"):
        _mlc.nn_sum_squares(x)


def test_activation_bad_input_raises(rng):
    x = f32(rng, 3, 4)
    out = np.empty_like(x)
    with pytest.raises(ValueError, match="kind must be 0 \\(relu\\)"):
        _mlc.nn_activation_forward(out, x, 5)
    with pytest.raises(ValueError, match="kind must be"):
        _mlc.nn_activation_forward(out, x, -1)
    with pytest.raises(ValueError, match="alpha \\(negative_slope\\) must be finite"):
        _mlc.nn_activation_forward(out, x, LEAKY, float("nan"))
    with pytest.raises(ValueError, match="out and x must have the same shape, got \\(4, 3\\) and \\(3, 4\\)"):
        _mlc.nn_activation_forward(np.empty((4, 3), np.float32), x, RELU)
    with pytest.raises(ValueError, match="out overlaps x \\(it may only be the same array\\)"):
        big = f32(rng, 13)
        _mlc.nn_activation_forward(big[1:], big[:-1], RELU)
    with pytest.raises(ValueError, match="sigmoid backward needs out"):
        _mlc.nn_activation_backward(np.zeros_like(x), x, x, None, SIGMOID)
    with pytest.raises(ValueError, match="tanh backward needs out"):
        _mlc.nn_activation_backward(np.zeros_like(x), x, x, None, TANH)
    with pytest.raises(ValueError, match="relu backward needs x or out"):
        _mlc.nn_activation_backward(np.zeros_like(x), x, None, None, RELU)
    with pytest.raises(ValueError, match="negative slope needs x"):
        _mlc.nn_activation_backward(np.zeros_like(x), x, None, x, LEAKY, -0.5)
    with pytest.raises(ValueError, match="dx overlaps dout"):
        _mlc.nn_activation_backward(x, x, x, None, RELU)
    with pytest.raises(TypeError, match="dout: expected dtype float32"):
        _mlc.nn_activation_backward(np.zeros_like(x), x.astype(np.float16), x, None, RELU)
    with pytest.raises(TypeError):
        _mlc.nn_activation_forward(out, x, "relu")


def test_softmax_bad_input_raises(rng):
    x = f32(rng, 3, 4)
    with pytest.raises(ValueError, match="x: expected a 2-D array, got 3-D"):
        _mlc.nn_softmax_forward(np.empty((3, 4), np.float32), x.reshape(3, 4, 1))
    with pytest.raises(ValueError, match="needs at least one column"):
        _mlc.nn_softmax_forward(np.empty((3, 0), np.float32), np.empty((3, 0), np.float32))
    with pytest.raises(ValueError, match="out and dout must have the same shape"):
        _mlc.nn_softmax_backward(np.zeros_like(x), x, f32(rng, 4, 3))


def test_loss_bad_input_raises(rng):
    z = f32(rng, 5, 3)
    t = np.array([0, 1, 2, 7, 1], np.int64)
    g = np.zeros_like(z)
    with pytest.raises(ValueError, match="targets\\[3\\] = 7 is not a class index in \\[0, 3\\)"):
        _mlc.nn_softmax_cross_entropy(g, None, z, t)
    assert not g.any()  # nothing written before the check
    with pytest.raises(ValueError, match="targets\\[0\\] = -1"):
        _mlc.nn_softmax_cross_entropy(g, None, z, np.array([-1, 0, 0, 0, 0], np.int64))
    t = np.array([0, 1, 2, 2, 1], np.int64)
    with pytest.raises(TypeError, match="targets: expected dtype int64, got int32"):
        _mlc.nn_softmax_cross_entropy(g, None, z, t.astype(np.int32))
    with pytest.raises(ValueError, match="targets.shape\\[0\\] = 4 does not match logits.shape\\[0\\] = 5"):
        _mlc.nn_softmax_cross_entropy(g, None, z, t[:4].copy())
    with pytest.raises(ValueError, match="sample_weight.shape\\[0\\] = 2"):
        _mlc.nn_softmax_cross_entropy(g, None, z, t, np.ones(2, np.float32))
    with pytest.raises(ValueError, match="sample_weight must have a positive sum"):
        _mlc.nn_softmax_cross_entropy(g, None, z, t, np.zeros(5, np.float32))
    with pytest.raises(ValueError, match="probs and logits must have the same shape"):
        _mlc.nn_softmax_cross_entropy(None, np.zeros((5, 4), np.float32), z, t)
    with pytest.raises(ValueError, match="dlogits overlaps logits"):
        _mlc.nn_softmax_cross_entropy(z, None, z, t)
    with pytest.raises(ValueError, match="loss: needs at least one sample"):
        _mlc.nn_softmax_cross_entropy(None, None, np.zeros((0, 3), np.float32), np.zeros(0, np.int64))
    y = rng.uniform(size=(5, 3)).astype(np.float32)
    for fn, gname, zname in ((_mlc.nn_bce_with_logits, "dlogits", "logits"), (_mlc.nn_mse, "dpred", "pred")):
        with pytest.raises(ValueError, match=f"targets and {zname} must have the same shape"):
            fn(None, z, y[:, :2].copy())
        with pytest.raises(ValueError, match=f"{gname} and {zname} must have the same shape"):
            fn(np.zeros((5, 2), np.float32), z, y)
        with pytest.raises(ValueError, match="sample_weight must have a positive sum"):
            fn(None, z, y, np.zeros(5, np.float32))
        with pytest.raises(TypeError, match="targets: expected dtype float32, got float64"):
            fn(None, z, y.astype(np.float64))
        with pytest.raises(ValueError, match="needs at least one sample"):
            fn(None, np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32))


def test_dropout_bad_input_raises(rng):
    x = f32(rng, 10)
    out, mask = np.empty_like(x), np.empty_like(x)
    for p in (1.0, -0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="p must be in \\[0, 1\\)"):
            _mlc.nn_dropout_forward(out, mask, x, p, 0)
    for seed in (-1, 2**64):
        with pytest.raises(ValueError, match="seed must be an integer in \\[0, 2\\*\\*64\\)"):
            _mlc.nn_dropout_forward(out, mask, x, 0.5, seed)
    with pytest.raises(TypeError):
        _mlc.nn_dropout_forward(out, mask, x, 0.5, 1.5)
    with pytest.raises(ValueError, match="mask overlaps x"):
        _mlc.nn_dropout_forward(out, x, x, 0.5, 0)
    with pytest.raises(ValueError, match="mask and x must have the same shape"):
        _mlc.nn_dropout_forward(out, mask[:5].copy(), x, 0.5, 0)
    with pytest.raises(ValueError, match="mask and dout must have the same shape"):
        _mlc.nn_dropout_backward(np.zeros_like(x), x, mask.reshape(2, 5))
    _mlc.nn_dropout_forward(out, mask, x, 0.5, np.uint64(5))  # any integer type


def test_add_bad_input_raises(rng):
    a = f32(rng, 3, 4)
    with pytest.raises(ValueError, match="a and b must have the same shape"):
        _mlc.nn_add_forward(np.empty_like(a), a, a.T.copy())
    with pytest.raises(ValueError, match="da overlaps dout"):
        _mlc.nn_add_backward(a, None, a)
    with pytest.raises(TypeError, match="x: expected dtype float32"):
        _mlc.nn_sum_squares(a.astype(np.float64))


# ---- leaks ------------------------------------------------------------------------------------------------
@needs_rss
def test_training_step_does_not_leak(rng):
    """A two-layer MLP step through every kernel, 1,000 times."""
    B, d, h, c = 16, 20, 32, 4
    x, t = f32(rng, B, d), rng.integers(0, c, B).astype(np.int64)
    w1, b1, w2, b2 = f32(rng, h, d), f32(rng, h), f32(rng, c, h), f32(rng, c)
    y = rng.uniform(size=(B, c)).astype(np.float32)
    sw = np.ones(B, np.float32)
    bufs = {k: np.zeros(s, np.float32) for k, s in
            dict(h=(B, h), a=(B, h), m=(B, h), o=(B, h), z=(B, c), p=(B, c), dz=(B, c), do=(B, h), da=(B, h),
                 dh=(B, h), dw1=(h, d), db1=(h,), dw2=(c, h), db2=(c,), dx=(B, d)).items()}

    def once():
        v = bufs
        _mlc.nn_dense_forward(v["h"], x, w1, b1)
        _mlc.nn_activation_forward(v["a"], v["h"], LEAKY, 0.1)
        _mlc.nn_dropout_forward(v["o"], v["m"], v["a"], 0.2, 3)
        _mlc.nn_add_forward(v["o"], v["o"], v["a"])
        _mlc.nn_dense_forward(v["z"], v["o"], w2, b2)
        _mlc.nn_softmax_cross_entropy(v["dz"], v["p"], v["z"], t, sw)
        _mlc.nn_bce_with_logits(v["dz"], v["z"], y, None)
        _mlc.nn_mse(v["dz"], v["z"], y, sw)
        _mlc.nn_dense_backward(v["do"], v["dw2"], v["db2"], v["dz"], v["o"], w2)
        _mlc.nn_add_backward(v["da"], v["dh"], v["do"])
        _mlc.nn_dropout_backward(v["da"], v["do"], v["m"])
        _mlc.nn_activation_backward(v["dh"], v["da"], v["h"], None, LEAKY, 0.1)
        _mlc.nn_dense_backward(v["dx"], v["dw1"], v["db1"], v["dh"], x, w1)
        _mlc.nn_softmax_forward(v["p"], v["z"])
        _mlc.nn_log_softmax_forward(v["p"], v["z"])
        _mlc.nn_softmax_backward(v["dz"], v["p"], v["z"])
        _mlc.nn_sum_squares(v["dw1"])
        for k in ("dz", "do", "da", "dh"):
            v[k][...] = 0
        try:  # the error paths too
            _mlc.nn_softmax_cross_entropy(None, None, v["z"], t + 10)
        except ValueError:
            pass
        try:
            _mlc.nn_dense_forward(v["z"], x.astype(np.float64), w2, None)
        except TypeError:
            pass

    assert_rss_stable(once)
