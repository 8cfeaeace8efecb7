"""Sequential runs BatchNorm -> ReLU as one fused kernel call each way: the same numbers as the two
layers run apart (bitwise), torch's numbers, and the ReLU still shows its output (dead-unit history)."""
import numpy as np
import pytest

from mlc import _mlc
from mlc.nn import BatchNorm1d, BatchNorm2d, Conv2d, Dense, Flatten, Identity, ReLU, Residual, Sequential


def _run(model, x, g, training):
    out = model.forward(x, training).copy()
    model.zero_grad()
    dx = model.backward(g).copy()
    return out, dx, model.grads_.copy(), model.buffers_.copy()


def _pair(make, shape, seed=0):
    fused, apart = make(False), make(True)
    for m in (fused, apart):
        m.build(shape)
        m.allocate(seed=seed)
    return fused, apart


def _conv_net(split):
    mid = [Identity()] if split else []
    return Sequential(Conv2d(6, 3, padding=1), BatchNorm2d(), *mid, ReLU(),
                      Residual([Conv2d(6, 3, padding=1), BatchNorm2d(), *mid, ReLU(), Conv2d(6, 3, padding=1)]),
                      Flatten(), Dense(5), BatchNorm1d(), *mid, ReLU(), Dense(3))


@pytest.mark.parametrize("training", [True, False])
def test_fused_batchnorm_relu_is_bitwise_the_pair(rng, training):
    fused, apart = _pair(_conv_net, (3, 7, 5))
    assert fused._fused_pairs() and not apart._fused_pairs()
    x = rng.normal(size=(4, 3, 7, 5)).astype(np.float32)
    g = rng.normal(size=(4, 3)).astype(np.float32)
    for _ in range(2):  # the second step runs on updated running statistics
        a, b = _run(fused, x, g, training), _run(apart, x, g, training)
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
    relu = fused.layers[2]
    assert relu._out is fused.layers[1]._relu_out and (relu._out >= 0).all()


def test_fused_batchnorm_relu_matches_torch(rng):
    torch = pytest.importorskip("torch")
    model = Sequential(Conv2d(5, 3, stride=2, padding=1), BatchNorm2d(), ReLU(), Flatten(), Dense(4),
                       BatchNorm1d(), ReLU())
    model.build((2, 9, 8))
    model.allocate(seed=1)
    t = torch.nn.Sequential(torch.nn.Conv2d(2, 5, 3, stride=2, padding=1), torch.nn.BatchNorm2d(5), torch.nn.ReLU(),
                            torch.nn.Flatten(), torch.nn.Linear(5 * 5 * 4, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU())
    model.load_state_dict(t.state_dict())
    x = rng.normal(size=(6, 2, 9, 8)).astype(np.float32)
    xt = torch.from_numpy(x.copy()).requires_grad_()
    ref = t(xt)
    out = model.forward(x, True)
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = rng.normal(size=out.shape).astype(np.float32)
    model.zero_grad()
    dx = model.backward(g)
    ref.backward(torch.from_numpy(g))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    for name, p in t.named_parameters():
        np.testing.assert_allclose(_grad(model, name), p.grad.numpy(), rtol=1e-4, atol=1e-5)
    for name, b in t.named_buffers():
        if "running" in name:
            np.testing.assert_allclose(dict(model.named_buffers())[name], b.numpy(), rtol=1e-5, atol=1e-6)


def _grad(model, name):
    idx, pname = name.rsplit(".", 1)
    return model.layers[int(idx)].grads[pname]


def test_batchnorm_kernel_relu_options(rng):
    """The binding's relu / relu_out against batch norm then ReLU by the separate kernels."""
    x = rng.normal(size=(3, 4, 5)).astype(np.float32)
    gamma, beta = rng.normal(size=4).astype(np.float32), rng.normal(size=4).astype(np.float32)
    out, fused = np.empty_like(x), np.empty_like(x)
    m, s = np.empty(4, np.float32), np.empty(4, np.float32)
    _mlc.nn_batchnorm_forward(out, m, s, None, None, x, gamma, beta, True)
    _mlc.nn_batchnorm_forward(fused, m, s, None, None, x, gamma, beta, True, relu=True)
    np.testing.assert_array_equal(fused, np.maximum(out, 0))
    g = rng.normal(size=x.shape).astype(np.float32)
    dx1, dx2 = np.zeros_like(x), np.zeros_like(x)
    dg1, dg2, db1, db2 = (np.zeros(4, np.float32) for _ in range(4))
    _mlc.nn_batchnorm_backward(dx1, dg1, db1, np.where(fused > 0, g, 0).astype(np.float32), x, m, s, gamma, True)
    _mlc.nn_batchnorm_backward(dx2, dg2, db2, g, x, m, s, gamma, True, relu_out=fused)
    for u, v in ((dx1, dx2), (dg1, dg2), (db1, db2)):
        np.testing.assert_array_equal(u, v)
    with pytest.raises(ValueError, match="relu_out"):
        _mlc.nn_batchnorm_backward(dx2, None, None, g, x, m, s, gamma, True, relu_out=fused[:2])
