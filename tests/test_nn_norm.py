"""Batch norm kernels (csrc/nn/batchnorm.c) against torch.nn.BatchNorm1d / BatchNorm2d."""
import numpy as np
import pytest

import mlc
from mlc import _mlc
from conftest import assert_rss_stable, needs_rss

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

F32 = np.float32
SHAPES = [(7, 5), (1, 3, 9), (4, 3, 11), (3, 2, 5, 7), (1, 4, 3, 3), (2, 3, 1, 1), (16, 1)]


def close(a, b, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5 * scale)


class MlcBN:
    """The kernels used the way mlc/nn will: buffers owned by the caller, gradients accumulated."""

    def __init__(self, C, affine, track, rng, momentum=0.1, eps=1e-5):
        self.gamma = rng.uniform(0.5, 1.5, C).astype(F32) if affine else None
        self.beta = rng.normal(size=C).astype(F32) if affine else None
        self.rm = np.zeros(C, F32) if track else None
        self.rv = np.ones(C, F32) if track else None
        self.sm, self.si = np.empty(C, F32), np.empty(C, F32)
        self.momentum, self.eps = momentum, eps

    def forward(self, x, training):
        self.x = x
        out = np.full_like(x, np.nan)
        _mlc.nn_batchnorm_forward(out, self.sm, self.si, self.rm, self.rv, x, self.gamma, self.beta,
                                  training, self.momentum, self.eps)
        return out

    def dx_scale(self, dout):
        # the size of dx's terms (dx itself can be all rounding noise, e.g. n = 2 values per channel)
        g = 1.0 if self.gamma is None else np.abs(self.gamma).max()
        return np.abs(dout).max() * g * self.si.max()

    def backward(self, dout, training):
        dx = np.zeros_like(self.x)
        dg = None if self.gamma is None else np.zeros_like(self.gamma)
        db = None if self.beta is None else np.zeros_like(self.beta)
        _mlc.nn_batchnorm_backward(dx, dg, db, dout, self.x, self.sm, self.si, self.gamma, training)
        return dx, dg, db


def torch_bn(x_shape, m, affine, track):
    cls = torch.nn.BatchNorm1d if len(x_shape) <= 3 else torch.nn.BatchNorm2d
    bn = cls(x_shape[1], affine=affine, track_running_stats=track, momentum=m.momentum, eps=m.eps)
    if affine:
        with torch.no_grad():
            bn.weight.copy_(torch.from_numpy(m.gamma))
            bn.bias.copy_(torch.from_numpy(m.beta))
    return bn


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("track", [True, False])
def test_training_matches_torch(shape, affine, track, rng):
    m = MlcBN(shape[1], affine, track, rng)
    bn = torch_bn(shape, m, affine, track).train()
    for step in range(3):  # several steps: the running statistics must follow torch's
        x = (rng.normal(size=shape) * rng.uniform(0.5, 3) + rng.normal() * 4).astype(F32)
        dout = rng.normal(size=shape).astype(F32)
        out = m.forward(x, True)
        xt = torch.tensor(x, requires_grad=True)
        ot = bn(xt)
        ot.backward(torch.from_numpy(dout))
        close(out, ot.detach().numpy(), 3)
        dx, dg, db = m.backward(dout, True)
        close(dx, xt.grad.numpy(), m.dx_scale(dout))
        if affine:
            close(dg, bn.weight.grad.numpy(), np.abs(dout).sum() / shape[1])
            close(db, bn.bias.grad.numpy(), np.abs(dout).sum() / shape[1])
            bn.weight.grad = bn.bias.grad = None
        if track:
            close(m.rm, bn.running_mean.numpy(), 1)
            close(m.rv, bn.running_var.numpy(), 1)
        # save_mean / save_invstd are the batch statistics (biased variance)
        axes = (0,) + tuple(range(2, len(shape)))
        x64 = x.astype(np.float64)
        close(m.sm, x64.mean(axis=axes), 1)
        close(m.si, 1 / np.sqrt(x64.var(axis=axes) + m.eps), 1)


@pytest.mark.parametrize("shape", SHAPES + [(1, 3), (1, 2, 1)])
@pytest.mark.parametrize("affine", [True, False])
def test_eval_matches_torch(shape, affine, rng):
    C = shape[1]
    m = MlcBN(C, affine, True, rng, momentum=0.3, eps=1e-3)
    m.rm = rng.normal(size=C).astype(F32)
    m.rv = rng.uniform(0.2, 3, C).astype(F32)
    bn = torch_bn(shape, m, affine, True)
    with torch.no_grad():
        bn.running_mean.copy_(torch.from_numpy(m.rm))
        bn.running_var.copy_(torch.from_numpy(m.rv))
    bn.eval()
    rm0, rv0 = m.rm.copy(), m.rv.copy()
    x = rng.normal(size=shape).astype(F32)
    dout = rng.normal(size=shape).astype(F32)
    out = m.forward(x, False)
    xt = torch.tensor(x, requires_grad=True)
    ot = bn(xt)
    ot.backward(torch.from_numpy(dout))
    close(out, ot.detach().numpy(), 3)
    np.testing.assert_array_equal(m.rm, rm0)  # eval reads the running statistics, never writes them
    np.testing.assert_array_equal(m.rv, rv0)
    np.testing.assert_allclose(m.sm, rm0)
    np.testing.assert_allclose(m.si, 1 / np.sqrt(rv0.astype(np.float64) + 1e-3), rtol=1e-6)
    dx, dg, db = m.backward(dout, False)
    close(dx, xt.grad.numpy(), m.dx_scale(dout))
    if affine:
        close(dg, bn.weight.grad.numpy(), np.abs(dout).sum() / C)
        close(db, bn.bias.grad.numpy(), np.abs(dout).sum() / C)


def test_large_mean_keeps_precision(rng):
    # float64 two-pass statistics: a mean of 1e4 with unit spread still normalises to ~N(0, 1)
    x = (1e4 + rng.normal(size=(64, 3, 5))).astype(F32)
    m = MlcBN(3, False, True, rng)
    out = m.forward(x, True)
    x64 = x.astype(np.float64)
    ref = (x64 - x64.mean(axis=(0, 2), keepdims=True)) / np.sqrt(x64.var(axis=(0, 2), keepdims=True) + 1e-5)
    close(out, ref, 3)
    close(m.rv, 0.9 + 0.1 * x64.var(axis=(0, 2), ddof=1), 1)
    # the backward recovers the mean that the float save_mean rounded away
    dout = rng.normal(size=x.shape)
    dx, _, _ = m.backward(dout.astype(F32), True)
    invstd = 1 / np.sqrt(x64.var(axis=(0, 2), keepdims=True) + 1e-5)
    ref_dx = invstd * (dout - dout.mean(axis=(0, 2), keepdims=True)
                       - ref * (dout * ref).mean(axis=(0, 2), keepdims=True))
    close(dx, ref_dx, 3)


@pytest.mark.parametrize("training", [True, False])
def test_backward_accumulates_and_none_skips(training, rng):
    shape = (5, 4, 3)
    m = MlcBN(4, True, True, rng)
    x = rng.normal(size=shape).astype(F32)
    dout = rng.normal(size=shape).astype(F32)
    m.forward(x, training)
    dx1, dg1, db1 = m.backward(dout, training)
    dx, dg, db = dx1.copy(), dg1.copy(), db1.copy()
    _mlc.nn_batchnorm_backward(dx, dg, db, dout, x, m.sm, m.si, m.gamma, training)
    close(dx, 2 * dx1, 1)
    close(dg, 2 * dg1, 1)
    close(db, 2 * db1, 1)
    # each gradient may be skipped; the others are unchanged
    dx = np.zeros_like(x)
    _mlc.nn_batchnorm_backward(dx, None, None, dout, x, m.sm, m.si, m.gamma, training)
    np.testing.assert_array_equal(dx, dx1)
    dg = np.zeros(4, F32)
    _mlc.nn_batchnorm_backward(None, dg, None, dout, x, m.sm, m.si, m.gamma, training)
    np.testing.assert_array_equal(dg, dg1)
    db = np.zeros(4, F32)
    _mlc.nn_batchnorm_backward(None, None, db, dout, x, m.sm, m.si, m.gamma, training)
    np.testing.assert_array_equal(db, db1)
    _mlc.nn_batchnorm_backward(None, None, None, dout, x, m.sm, m.si, m.gamma, training)


def test_central_differences_float64(rng):
    # the training-mode dx against central differences of sum(out * dout) (done in float64 NumPy on
    # the forward's definition, so a wrong formula in the kernel cannot hide behind the same formula)
    shape = (3, 2, 4)
    x = rng.normal(size=shape)
    gamma = rng.uniform(0.5, 1.5, 2)
    dout = rng.normal(size=shape)

    def loss(x):
        mu = x.mean(axis=(0, 2), keepdims=True)
        var = x.var(axis=(0, 2), keepdims=True)
        return float(((x - mu) / np.sqrt(var + 1e-5) * gamma[None, :, None] * dout).sum())

    num = np.zeros_like(x)
    h = 1e-6
    for i in np.ndindex(shape):
        e = np.zeros_like(x)
        e[i] = h
        num[i] = (loss(x + e) - loss(x - e)) / (2 * h)
    m = MlcBN(2, True, False, rng)
    m.gamma = gamma.astype(F32)
    m.forward(x.astype(F32), True)
    dx, _, _ = m.backward(dout.astype(F32), True)
    np.testing.assert_allclose(dx, num, rtol=1e-3, atol=1e-4)


def test_threads_do_not_change_the_result(rng):
    x = rng.normal(size=(32, 8, 64, 64)).astype(F32)  # 4 n C > MLC_SERIAL_WORK: the loop runs in parallel
    dout = rng.normal(size=x.shape).astype(F32)
    results = []
    old = mlc.get_num_threads()
    try:
        for n in (1, 2):
            mlc.set_num_threads(n)
            m = MlcBN(8, True, True, np.random.default_rng(1))
            out = m.forward(x, True)
            results.append((out, m.rm, m.rv) + m.backward(dout, True))
    finally:
        mlc.set_num_threads(old)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1), (1, 2, 1, 1)])
def test_one_value_per_channel_in_training_raises(shape):
    x = np.ones(shape, F32)
    out, sm, si = np.empty_like(x), np.empty(shape[1], F32), np.empty(shape[1], F32)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        _mlc.nn_batchnorm_forward(out, sm, si, None, None, x, None, None, True)
    # torch agrees
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        torch.nn.BatchNorm1d(shape[1])(torch.ones(shape[:3]))


def _fwd_args(rng, B=4, C=3, S=5):
    x = rng.normal(size=(B, C, S)).astype(F32)
    return dict(out=np.empty_like(x), save_mean=np.empty(C, F32), save_invstd=np.empty(C, F32),
                running_mean=np.zeros(C, F32), running_var=np.ones(C, F32), x=x, gamma=np.ones(C, F32),
                beta=np.zeros(C, F32), training=True)


@pytest.mark.parametrize("change, exc, match", [
    (dict(x=np.zeros((4, 3, 5))), TypeError, "x: expected dtype float32"),
    (dict(x=np.zeros(4, F32)), ValueError, "2-D to 5-D"),
    (dict(x=np.zeros((2, 2, 2, 2, 2, 2), F32)), ValueError, "2-D to 5-D"),
    (dict(x=[[1.0, 2.0]]), TypeError, "x: expected a numpy array"),
    (dict(x=None), TypeError, "x: expected an array, got None"),
    (dict(out=np.empty((4, 3, 6), F32)), ValueError, "out and x must have the same shape"),
    (dict(out=np.empty((4, 3, 5), F32)[:, :, ::-1]), ValueError, "out: expected a C-contiguous"),
    (dict(save_mean=np.empty(4, F32)), ValueError, "save_mean: dimension 0 is 4, expected 3"),
    (dict(save_invstd=np.empty((3, 1), F32)), ValueError, "save_invstd: expected a 1-D"),
    (dict(running_mean=np.zeros(2, F32)), ValueError, "running_mean: dimension"),
    (dict(running_var=np.zeros(3, np.float64)), TypeError, "running_var: expected dtype float32"),
    (dict(running_var=None), ValueError, "both be arrays or both be None"),
    (dict(gamma=np.ones(5, F32)), ValueError, "gamma: dimension"),
    (dict(beta=np.ones(3, np.int32)), TypeError, "beta: expected dtype float32"),
    (dict(eps=0.0), ValueError, "eps must be > 0"),
    (dict(eps=float("nan")), ValueError, "eps must be > 0"),
    (dict(momentum=1.5), ValueError, r"momentum must be in \[0, 1\]"),
    (dict(momentum=-0.1), ValueError, r"momentum must be in \[0, 1\]"),
    (dict(running_mean=None, running_var=None, training=False), ValueError, "eval mode needs running"),
    (dict(bogus=1), TypeError, "bogus"),
])
def test_forward_bad_input_raises(change, exc, match, rng):
    kw = _fwd_args(rng)
    kw.update(change)
    with pytest.raises(exc, match=match):
        _mlc.nn_batchnorm_forward(**kw)


def test_forward_read_only_output_raises(rng):
    kw = _fwd_args(rng)
    kw["out"].setflags(write=False)
    with pytest.raises(ValueError, match="out: the array is read-only"):
        _mlc.nn_batchnorm_forward(**kw)
    kw = _fwd_args(rng)
    kw["running_mean"].setflags(write=False)
    with pytest.raises(ValueError, match="running_mean: the array is read-only"):
        _mlc.nn_batchnorm_forward(**kw)


@pytest.mark.parametrize("change, exc, match", [
    (dict(dx=np.zeros((4, 3, 6), F32)), ValueError, "dx and x must have the same shape"),
    (dict(dout=np.zeros((4, 3), F32)), ValueError, "dout and x must have the same shape"),
    (dict(dout=np.zeros((4, 3, 5))), TypeError, "dout: expected dtype float32"),
    (dict(dgamma=np.zeros(2, F32)), ValueError, "dgamma: dimension"),
    (dict(dbeta=np.zeros(3, F32)[::-1]), ValueError, "dbeta: expected a C-contiguous"),
    (dict(save_mean=None), TypeError, "save_mean: expected an array, got None"),
    (dict(save_invstd=np.zeros(1, F32)), ValueError, "save_invstd: dimension"),
    (dict(gamma=np.zeros((3, 1), F32)), ValueError, "gamma: expected a 1-D"),
    (dict(x=np.zeros((4,), F32)), ValueError, "2-D to 5-D"),
])
def test_backward_bad_input_raises(change, exc, match, rng):
    x = rng.normal(size=(4, 3, 5)).astype(F32)
    kw = dict(dx=np.zeros_like(x), dgamma=np.zeros(3, F32), dbeta=np.zeros(3, F32), dout=np.ones_like(x), x=x,
              save_mean=np.zeros(3, F32), save_invstd=np.ones(3, F32), gamma=np.ones(3, F32), training=True)
    kw.update(change)
    with pytest.raises(exc, match=match):
        _mlc.nn_batchnorm_backward(**kw)


def test_missing_arguments_raise():
    with pytest.raises(TypeError):
        _mlc.nn_batchnorm_forward()
    with pytest.raises(TypeError):
        _mlc.nn_batchnorm_backward(None, None, None)


@needs_rss
def test_rss_stable(rng):
    m = MlcBN(6, True, True, rng)
    x = rng.normal(size=(8, 6, 5, 5)).astype(F32)
    dout = rng.normal(size=x.shape).astype(F32)
    bad = np.zeros((8, 6, 5, 4), F32)

    def once():
        m.forward(x, True)
        m.backward(dout, True)
        m.forward(x, False)
        m.backward(dout, False)
        with pytest.raises(ValueError):
            _mlc.nn_batchnorm_forward(bad, m.sm, m.si, m.rm, m.rv, x, m.gamma, m.beta, True)

    assert_rss_stable(once)
