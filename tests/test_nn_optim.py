"""Optimisers over the flat buffer, gradient clipping and initialisers (csrc/nn/optimizer.c, init.c)
against torch.optim, torch.nn.utils and torch.nn.init's formulas."""
import math

import numpy as np
import pytest

import mlc
from mlc import _mlc
from conftest import assert_rss_stable, needs_rss

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

F32 = np.float32
SGD, ADAGRAD, ADAM, ADAMW = 0, 1, 2, 3
SHAPES = [(5, 7), (7,), (3, 2, 3), (1,)]  # a few layers' weights and biases: one flat buffer
N_STEPS = 20

CONFIGS = {
    "sgd": (SGD, dict(lr=0.05), {}),
    "momentum": (SGD, dict(lr=0.05, momentum=0.9), {}),
    "nesterov": (SGD, dict(lr=0.05, momentum=0.9, nesterov=True), {}),
    "dampening": (SGD, dict(lr=0.05, momentum=0.8, dampening=0.3), {}),
    "adagrad": (ADAGRAD, dict(lr=0.1, eps=1e-10), {}),
    "adam": (ADAM, dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8), {}),
    "adamw": (ADAMW, dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-6), {}),
}


def torch_optimizer(method, kw, groups):
    """torch.optim with the same hyper-parameters; groups: [(params, weight_decay)]."""
    pg = [dict(params=p, weight_decay=wd) for p, wd in groups]
    if method == SGD:
        return torch.optim.SGD(pg, lr=kw["lr"], momentum=kw.get("momentum", 0), dampening=kw.get("dampening", 0),
                               nesterov=kw.get("nesterov", False), foreach=False)
    if method == ADAGRAD:
        return torch.optim.Adagrad(pg, lr=kw["lr"], eps=kw["eps"], foreach=False)
    cls = torch.optim.Adam if method == ADAM else torch.optim.AdamW
    return cls(pg, lr=kw["lr"], betas=(kw["beta1"], kw["beta2"]), eps=kw["eps"], foreach=False)


def state_for(method, P):
    return np.zeros((2 if method in (ADAM, ADAMW) else 1, P), F32)


def gradient_sequence(rng, P):
    return [(rng.normal(size=P) * rng.uniform(0.1, 3)).astype(F32) for _ in range(N_STEPS)]


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
@pytest.mark.parametrize("masked", [False, True])
def test_step_matches_torch(name, weight_decay, masked, rng):
    method, kw, _ = CONFIGS[name]
    sizes = [int(np.prod(s)) for s in SHAPES]
    P = sum(sizes)
    p0 = rng.normal(size=P).astype(F32)
    tensors = [torch.tensor(a.reshape(s), requires_grad=True)
               for a, s in zip(np.split(p0, np.cumsum(sizes)[:-1]), SHAPES)]
    # decay_mask: in torch two param groups, weights (2-D+) decayed and biases (1-D) not
    if masked:
        weights = [t for t in tensors if t.dim() > 1]
        biases = [t for t in tensors if t.dim() == 1]
        groups = [(weights, weight_decay), (biases, 0.0)]
        mask = np.concatenate([np.full(n, 1.0 if len(s) > 1 else 0.0, F32) for n, s in zip(sizes, SHAPES)])
    else:
        groups = [(tensors, weight_decay)]
        mask = None
    opt = torch_optimizer(method, kw, groups)
    params, state = p0.copy(), state_for(method, P)
    for step, g in enumerate(gradient_sequence(rng, P), start=1):
        grads = g.copy()
        _mlc.nn_optim_step(params, grads, state, method, step, weight_decay=weight_decay, decay_mask=mask, **kw)
        np.testing.assert_array_equal(grads, g)  # grads are read only
        for t, gi in zip(tensors, np.split(g, np.cumsum(sizes)[:-1])):
            t.grad = torch.from_numpy(gi.reshape(t.shape).copy())
        opt.step()
        ref = np.concatenate([t.detach().numpy().ravel() for t in tensors])
        np.testing.assert_allclose(params, ref, rtol=1e-5, atol=1e-6 * np.abs(ref).max())


def test_plain_sgd_needs_no_state(rng):
    p = rng.normal(size=9).astype(F32)
    g = rng.normal(size=9).astype(F32)
    expect = p - F32(0.1) * g
    _mlc.nn_optim_step(p, g, None, SGD, 1, 0.1)
    np.testing.assert_allclose(p, expect, rtol=1e-6)
    _mlc.nn_optim_step(p, g, np.zeros((0, 9), F32), SGD, 2, 0.1)
    # a state with more rows than the method needs: the extra rows are left alone
    state = np.full((2, 9), 7.0, F32)
    _mlc.nn_optim_step(p, g, state, SGD, 1, 0.1, momentum=0.5)
    np.testing.assert_array_equal(state[0], g)  # torch's first buffer is the gradient itself
    np.testing.assert_array_equal(state[1], 7.0)


def numpy_step(method, p, g, state, step, mask, lr, momentum=0.0, dampening=0.0, nesterov=False, beta1=0.9,
               beta2=0.999, eps=1e-8, weight_decay=0.0, l1=0.0):
    """The documented update in float64 (optimizer.h), the reference for the L1 term."""
    m = np.ones_like(p) if mask is None else mask
    if method == ADAMW:
        p = p * (1 - lr * weight_decay * m)
        g = g + m * l1 * np.sign(p)
    else:
        g = g + m * (weight_decay * p + l1 * np.sign(p))
    if method == SGD:
        if momentum:
            state[0] = g if step == 1 else momentum * state[0] + (1 - dampening) * g
            g = g + momentum * state[0] if nesterov else state[0]
        return p - lr * g
    if method == ADAGRAD:
        state[0] += g * g
        return p - lr * g / (np.sqrt(state[0]) + eps)
    state[0] += (1 - beta1) * (g - state[0])
    state[1] = beta2 * state[1] + (1 - beta2) * g * g
    return p - lr / (1 - beta1 ** step) * state[0] / (np.sqrt(state[1]) / math.sqrt(1 - beta2 ** step) + eps)


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("masked", [False, True])
def test_l1_matches_numpy_reference(name, masked, rng):
    method, kw, _ = CONFIGS[name]
    P = 50
    # |p| in [1, 2] and small steps: no parameter crosses zero, so sign(p) is the same in both
    p0 = (rng.choice([-1, 1], P) * rng.uniform(1, 2, P)).astype(F32)
    mask = (rng.uniform(size=P) < 0.7).astype(F32) if masked else None
    kw = dict(kw, lr=kw["lr"] / 5)
    gs = [g * F32(0.1) for g in gradient_sequence(rng, P)]
    params, state = p0.copy(), state_for(method, P)
    ref, ref_state = p0.astype(np.float64), state_for(method, P).astype(np.float64)
    for step, g in enumerate(gs, start=1):
        _mlc.nn_optim_step(params, g, state, method, step, weight_decay=0.01, l1=0.3, decay_mask=mask, **kw)
        ref = numpy_step(method, ref, g.astype(np.float64), ref_state, step, mask, weight_decay=0.01, l1=0.3, **kw)
    np.testing.assert_allclose(params, ref, rtol=1e-5, atol=1e-6)
    # and L1 made a difference where the mask lets it: the same run without it ends elsewhere
    params2, state2 = p0.copy(), state_for(method, P)
    for step, g in enumerate(gs, start=1):
        _mlc.nn_optim_step(params2, g, state2, method, step, weight_decay=0.01, decay_mask=mask, **kw)
    on = np.ones(P, bool) if mask is None else mask == 1
    assert (np.abs(params - params2)[on] > 1e-4).all()
    if mask is not None:
        np.testing.assert_array_equal(params[~on], params2[~on])  # masked: no L1 at all


def test_l1_subgradient_at_zero_is_zero():
    p = np.array([0.0, 1.0, -1.0], F32)
    _mlc.nn_optim_step(p, np.zeros(3, F32), None, SGD, 1, 0.1, l1=0.5)
    np.testing.assert_allclose(p, [0.0, 0.95, -0.95], rtol=1e-6)


def test_optim_threads_do_not_change_the_result(rng):
    P = 600_000  # 8 P > MLC_SERIAL_WORK: the loop runs in parallel
    p0 = rng.normal(size=P).astype(F32)
    gs = gradient_sequence(rng, P)[:3]
    mask = (rng.uniform(size=P) < 0.5).astype(F32)
    out = []
    old = mlc.get_num_threads()
    try:
        for n in (1, 2):
            mlc.set_num_threads(n)
            p, s = p0.copy(), state_for(ADAMW, P)
            for step, g in enumerate(gs, start=1):
                _mlc.nn_optim_step(p, g, s, ADAMW, step, 1e-3, weight_decay=0.1, l1=1e-3, decay_mask=mask)
            out.append((p, s))
    finally:
        mlc.set_num_threads(old)
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


# ---- clipping --------------------------------------------------------------------------------

CLIP_SHAPES = [(4, 5), (5,), (2, 3, 3), (1,)]


@pytest.mark.parametrize("norm_type", [2.0, math.inf, 1.0, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e4])  # clipping active, and not
def test_clip_grad_norm_matches_torch(norm_type, max_norm, rng):
    grads = [rng.normal(size=s).astype(F32) for s in CLIP_SHAPES]
    flat = np.concatenate([g.ravel() for g in grads])
    tensors = [torch.zeros(s, requires_grad=True) for s in CLIP_SHAPES]
    for t, g in zip(tensors, grads):
        t.grad = torch.from_numpy(g.copy())
    ref_total = float(torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type))
    before = flat.copy()
    total = _mlc.nn_clip_grad_norm(flat, max_norm, norm_type)
    assert isinstance(total, float)
    np.testing.assert_allclose(total, ref_total, rtol=1e-6)
    ref = np.concatenate([t.grad.numpy().ravel() for t in tensors])
    np.testing.assert_allclose(flat, ref, rtol=1e-6, atol=1e-7)
    if max_norm > total:
        np.testing.assert_array_equal(flat, before)
    else:
        after = np.linalg.norm(flat.astype(np.float64), ord=norm_type)
        np.testing.assert_allclose(after, max_norm, rtol=1e-5)


def test_clip_grad_norm_any_shape_and_empty(rng):
    g = rng.normal(size=(3, 4, 5)).astype(F32)
    expect = float(np.linalg.norm(g.astype(np.float64)))
    assert _mlc.nn_clip_grad_norm(g, 1.0) == pytest.approx(expect, rel=1e-12)
    np.testing.assert_allclose(np.linalg.norm(g), 1.0, rtol=1e-5)
    assert _mlc.nn_clip_grad_norm(np.zeros(0, F32), 1.0) == 0.0


def test_clip_grad_norm_float64_accumulation():
    # 2^24 + 1 ones: a float32 running sum would stop at 2^24
    n = 2**24 + 4
    g = np.ones(n, F32)
    assert _mlc.nn_clip_grad_norm(g, 1e9) == pytest.approx(math.sqrt(n), rel=1e-12)


def test_clip_grad_norm_threads_do_not_change_the_result(rng):
    g0 = rng.normal(size=1_000_000).astype(F32)
    res = []
    old = mlc.get_num_threads()
    try:
        for n in (1, 2):
            mlc.set_num_threads(n)
            g = g0.copy()
            res.append((_mlc.nn_clip_grad_norm(g, 10.0), g))
    finally:
        mlc.set_num_threads(old)
    assert res[0][0] == res[1][0]
    np.testing.assert_array_equal(res[0][1], res[1][1])


@pytest.mark.parametrize("clip", [0.0, 0.3, 100.0])
def test_clip_grad_value_matches_torch(clip, rng):
    g = (rng.normal(size=(6, 7)) * 2).astype(F32)
    t = torch.zeros(g.shape, requires_grad=True)
    t.grad = torch.from_numpy(g.copy())
    torch.nn.utils.clip_grad_value_([t], clip)
    _mlc.nn_clip_grad_value(g, clip)
    np.testing.assert_array_equal(g, t.grad.numpy())


def test_clip_nan_propagates():
    g = np.array([1.0, np.nan, -3.0], F32)
    _mlc.nn_clip_grad_value(g, 2.0)
    np.testing.assert_array_equal(g, [1.0, np.nan, -2.0])
    g = np.array([1.0, np.nan], F32)
    assert math.isnan(_mlc.nn_clip_grad_norm(g, 1.0))
    assert np.isnan(g).all()  # torch: the NaN clip coefficient spreads to every gradient


# ---- initialisers ----------------------------------------------------------------------------

N_DRAWS = 10**6
G2 = math.sqrt(2.0)


@pytest.mark.parametrize("kind, fan_in, fan_out, gain, dist, scale", [
    (0, 300, 100, 1.0, "uniform", math.sqrt(6 / 400)),        # xavier_uniform_: a = g sqrt(6/(in+out))
    (0, 30, 70, 5 / 3, "uniform", 5 / 3 * math.sqrt(6 / 100)),
    (1, 300, 100, 1.0, "normal", math.sqrt(2 / 400)),         # xavier_normal_: std = g sqrt(2/(in+out))
    (2, 200, 0, G2, "uniform", G2 * math.sqrt(3 / 200)),      # kaiming_uniform_(relu): a = g sqrt(3/in)
    (2, 64, 9, math.sqrt(1 / 3), "uniform", 1 / 8),           # torch's Linear default: 1/sqrt(fan_in)
    (3, 200, 10, G2, "normal", G2 / math.sqrt(200)),          # kaiming_normal_: std = g / sqrt(in)
    (4, 49, 3, 1.0, "uniform", 1 / 7),                        # torch's bias init: U(+-1/sqrt(in))
])
def test_init_distributions(kind, fan_in, fan_out, gain, dist, scale):
    out = np.full(N_DRAWS, np.nan, F32)
    _mlc.nn_init(out, kind, fan_in, fan_out, gain, 123)
    x = out.astype(np.float64) / scale
    assert np.isfinite(x).all()
    if dist == "uniform":  # U(-1, 1) after scaling: mean 0, variance 1/3, bounds +-1 nearly reached
        assert np.abs(x).max() <= 1.0 + 1e-6
        assert np.abs(x).max() > 0.9999
        assert abs(x.mean()) < 5 * math.sqrt(1 / 3 / N_DRAWS)
        assert x.std() == pytest.approx(math.sqrt(1 / 3), rel=5e-3)
        assert np.mean(np.abs(x) < 0.5) == pytest.approx(0.5, abs=5e-3)
    else:  # N(0, 1) after scaling
        assert abs(x.mean()) < 5 / math.sqrt(N_DRAWS)
        assert x.std() == pytest.approx(1.0, rel=5e-3)
        assert np.mean(np.abs(x) < 1) == pytest.approx(0.6827, abs=5e-3)
        assert np.mean(x ** 4) == pytest.approx(3.0, rel=3e-2)  # kurtosis: normal, not uniform
    # neighbours are independent (the normals come in pairs, the uniforms one by one)
    assert abs(np.corrcoef(x[0::2], x[1::2])[0, 1]) < 5 / math.sqrt(N_DRAWS / 2)
    assert abs(np.corrcoef(x[1:-1:2], x[2::2])[0, 1]) < 5 / math.sqrt(N_DRAWS / 2)


@pytest.mark.parametrize("kind, value", [(5, 0.0), (6, 1.0)])
def test_init_constants(kind, value):
    out = np.full((3, 4, 5), np.nan, F32)
    _mlc.nn_init(out, kind, 0, 0, 1.0, 0)
    np.testing.assert_array_equal(out, value)


def test_init_matches_torch_formula_statistics():
    # the same bound as torch.nn.init on a real weight shape (torch's own draws, not its stream)
    w = torch.empty(400, 250)
    torch.nn.init.xavier_uniform_(w, gain=torch.nn.init.calculate_gain("relu"))
    out = np.empty((400, 250), F32)
    _mlc.nn_init(out, 0, 250, 400, math.sqrt(2.0), 5)
    assert np.abs(out).max() == pytest.approx(float(w.abs().max()), rel=1e-3)
    assert out.std() == pytest.approx(float(w.std()), rel=1e-2)


def test_init_deterministic_across_threads_and_seeds():
    res = {}
    old = mlc.get_num_threads()
    try:
        for n in (1, 2):
            mlc.set_num_threads(n)
            for kind in (0, 3):
                for seed in (0, 1):
                    out = np.empty(N_DRAWS // 2 + 3, F32)  # 20 n > MLC_SERIAL_WORK: parallel; odd tail
                    _mlc.nn_init(out, kind, 100, 50, 1.0, seed)
                    res[n, kind, seed] = out
    finally:
        mlc.set_num_threads(old)
    for kind in (0, 3):
        for seed in (0, 1):
            np.testing.assert_array_equal(res[1, kind, seed], res[2, kind, seed])
        assert not np.array_equal(res[1, kind, 0], res[1, kind, 1])
        # no two blocks repeat each other
        a = res[1, kind, 0]
        assert not np.array_equal(a[:16384], a[16384:32768])
    again = np.empty(N_DRAWS // 2 + 3, F32)
    _mlc.nn_init(again, 0, 100, 50, 1.0, 0)
    np.testing.assert_array_equal(again, res[1, 0, 0])


# ---- bad input -------------------------------------------------------------------------------

def _step_kw(**change):
    kw = dict(params=np.zeros(6, F32), grads=np.zeros(6, F32), state=np.zeros((2, 6), F32), method=ADAM,
              step=1, lr=0.01)
    kw.update(change)
    return kw


@pytest.mark.parametrize("change, exc, match", [
    (dict(lr=0.0), ValueError, "lr must be > 0"),
    (dict(lr=-1.0), ValueError, "lr must be > 0"),
    (dict(lr=float("nan")), ValueError, "lr must be > 0"),
    (dict(method=SGD, momentum=-0.1), ValueError, "momentum must be >= 0"),
    (dict(method=SGD, dampening=1.5), ValueError, r"dampening must be in \[0, 1\]"),
    (dict(method=SGD, nesterov=True), ValueError, "nesterov momentum requires"),
    (dict(method=SGD, nesterov=True, momentum=0.9, dampening=0.1), ValueError, "nesterov momentum requires"),
    (dict(beta1=1.0), ValueError, r"beta1 must be in \[0, 1\)"),
    (dict(beta1=-0.1), ValueError, r"beta1 must be in \[0, 1\)"),
    (dict(beta2=1.0), ValueError, r"beta2 must be in \[0, 1\)"),
    (dict(eps=0.0), ValueError, "eps must be > 0"),
    (dict(weight_decay=-1e-3), ValueError, "weight_decay must be >= 0"),
    (dict(l1=-1.0), ValueError, "l1 must be >= 0"),
    (dict(method=4), ValueError, "unknown optimizer method"),
    (dict(method=-1), ValueError, "unknown optimizer method"),
    (dict(step=0), ValueError, "step must be >= 1"),
    (dict(params=np.zeros(6)), TypeError, "params: expected dtype float32"),
    (dict(params=np.zeros((2, 3), F32)), ValueError, "params: expected a 1-D"),
    (dict(params=np.zeros(12, F32)[::2]), ValueError, "params: expected a C-contiguous"),
    (dict(params=[0.0] * 6), TypeError, "params: expected a numpy array"),
    (dict(grads=np.zeros(5, F32)), ValueError, "grads: dimension 0 is 5, expected 6"),
    (dict(grads=np.zeros(6, np.float16)), TypeError, "grads: expected dtype float32"),
    (dict(grads=None), TypeError, "grads: expected an array, got None"),
    (dict(state=np.zeros((1, 6), F32)), ValueError, r"needs a \(2, P\) array of state rows"),
    (dict(state=None), ValueError, r"needs a \(2, P\) array"),
    (dict(method=ADAGRAD, state=None), ValueError, r"needs a \(1, P\) array"),
    (dict(method=SGD, momentum=0.9, state=np.zeros((0, 6), F32)), ValueError, r"needs a \(1, P\)"),
    (dict(state=np.zeros((2, 7), F32)), ValueError, "state: dimension 1 is 7, expected 6"),
    (dict(state=np.zeros(6, F32)), ValueError, "state: expected a 2-D"),
    (dict(decay_mask=np.ones(7, F32)), ValueError, "decay_mask: dimension"),
    (dict(decay_mask=np.ones(6)), TypeError, "decay_mask: expected dtype float32"),
    (dict(bogus=1), TypeError, "bogus"),
])
def test_optim_bad_input_raises(change, exc, match):
    with pytest.raises(exc, match=match):
        _mlc.nn_optim_step(**_step_kw(**change))


def test_optim_read_only_raises():
    kw = _step_kw()
    kw["params"].setflags(write=False)
    with pytest.raises(ValueError, match="params: the array is read-only"):
        _mlc.nn_optim_step(**kw)
    kw = _step_kw()
    kw["state"].setflags(write=False)
    with pytest.raises(ValueError, match="state: the array is read-only"):
        _mlc.nn_optim_step(**kw)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: _mlc.nn_clip_grad_norm(np.ones(3, F32), 0.0), ValueError, "max_norm must be > 0"),
    (lambda: _mlc.nn_clip_grad_norm(np.ones(3, F32), float("nan")), ValueError, "max_norm must be > 0"),
    (lambda: _mlc.nn_clip_grad_norm(np.ones(3, F32), 1.0, 0.0), ValueError, "norm_type must be > 0"),
    (lambda: _mlc.nn_clip_grad_norm(np.ones(3), 1.0), TypeError, "grads: expected dtype float32"),
    (lambda: _mlc.nn_clip_grad_norm(np.ones(6, F32)[::2], 1.0), ValueError, "grads: expected a C-contiguous"),
    (lambda: _mlc.nn_clip_grad_norm(None, 1.0), TypeError, "grads: expected an array"),
    (lambda: _mlc.nn_clip_grad_value(np.ones(3, F32), -1.0), ValueError, "clip_value must be >= 0"),
    (lambda: _mlc.nn_clip_grad_value(np.ones(3, np.int32), 1.0), TypeError, "grads: expected dtype float32"),
    (lambda: _mlc.nn_init(np.ones(3, F32), 7, 1, 1, 1.0, 0), ValueError, "unknown init kind"),
    (lambda: _mlc.nn_init(np.ones(3, F32), 2, 0, 5, 1.0, 0), ValueError, "fan_in must be >= 1"),
    (lambda: _mlc.nn_init(np.ones(3, F32), 0, 0, 0, 1.0, 0), ValueError, "fan_in \\+ fan_out >= 1"),
    (lambda: _mlc.nn_init(np.ones(3, F32), 0, -3, 5, 1.0, 0), ValueError, "must be >= 0"),
    (lambda: _mlc.nn_init(np.ones(3, F32), 1, 3, 5, -1.0, 0), ValueError, "gain must be >= 0"),
    (lambda: _mlc.nn_init(np.ones(3, F32), 1, 3, 5, math.inf, 0), ValueError, "gain must be >= 0"),
    (lambda: _mlc.nn_init(np.ones(3), 1, 3, 5, 1.0, 0), TypeError, "out: expected dtype float32"),
    (lambda: _mlc.nn_init(np.ones(6, F32)[::2], 1, 3, 5, 1.0, 0), ValueError, "out: expected a C-contiguous"),
    (lambda: _mlc.nn_init(np.ones(3, F32), 1, 3, 5, 1.0), TypeError, "seed"),
])
def test_clip_and_init_bad_input_raises(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_clip_and_init_read_only_raise():
    ro = np.ones(3, F32)
    ro.setflags(write=False)
    for call in (lambda: _mlc.nn_clip_grad_norm(ro, 1.0), lambda: _mlc.nn_clip_grad_value(ro, 1.0),
                 lambda: _mlc.nn_init(ro, 0, 1, 1, 1.0, 0)):
        with pytest.raises(ValueError, match="read-only"):
            call()


@needs_rss
def test_rss_stable(rng):
    P = 2000
    p, g = rng.normal(size=P).astype(F32), rng.normal(size=P).astype(F32)
    state = np.zeros((2, P), F32)
    mask = np.ones(P, F32)
    w = np.empty((40, 50), F32)
    counter = [0]

    def once():
        counter[0] += 1
        for method in (SGD, ADAGRAD, ADAM, ADAMW):
            _mlc.nn_optim_step(p, g, state, method, counter[0], 1e-4, momentum=0.9, weight_decay=1e-4, l1=1e-5,
                               decay_mask=mask)
        gc = g.copy()
        _mlc.nn_clip_grad_norm(gc, 1.0)
        _mlc.nn_clip_grad_value(gc, 0.1)
        _mlc.nn_init(w, 1, 50, 40, 1.0, counter[0])
        with pytest.raises(ValueError):
            _mlc.nn_optim_step(p, g[:-1], state, ADAM, 1, 0.1)

    assert_rss_stable(once)
