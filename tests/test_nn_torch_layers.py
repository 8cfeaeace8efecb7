"""Softmax, LogSoftmax, AdaptiveAvgPool2d and Conv1d as layers: forward and backward against torch (within
1e-4 in float32) on odd shapes, batch 1, every dim; bad input; use inside Sequential and
NeuralNetClassifier."""
import numpy as np
import pytest

from mlc.nn import (AdaptiveAvgPool2d, Conv1d, Conv2d, Dense, Flatten, LogSoftmax, NeuralNetClassifier, ReLU, Sequential,
                    Softmax)

torch = pytest.importorskip("torch")


def _check(layer, tlayer, x, rng):
    layer.build(x.shape[1:])
    out = layer.forward(x, True).copy()
    xt = torch.from_numpy(x.copy()).requires_grad_()
    ref = tlayer(xt)
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = rng.normal(size=out.shape).astype(np.float32)
    dx = layer.backward(g)
    ref.backward(torch.from_numpy(g))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    assert layer.backward(g, need_dx=False) is None


@pytest.mark.parametrize("cls,tcls", [(Softmax, torch.nn.Softmax), (LogSoftmax, torch.nn.LogSoftmax)])
@pytest.mark.parametrize("shape,dim", [((1, 7), 1), ((5, 3), -1), ((3, 5, 7, 9), 1), ((1, 3, 7, 9), 2),
                                       ((2, 3, 7, 9), -1), ((4, 5, 11), 1), ((4, 5, 11), 2), ((2, 1, 3, 3), 1)])
def test_softmax_layers_match_torch(rng, cls, tcls, shape, dim):
    x = (3 * rng.normal(size=shape)).astype(np.float32)
    _check(cls(dim), tcls(dim), x, rng)


def test_softmax_default_dim_is_one(rng):
    x = rng.normal(size=(2, 4, 3, 5)).astype(np.float32)
    _check(Softmax(), torch.nn.Softmax(1), x, rng)


@pytest.mark.parametrize("shape,size", [((3, 5, 7, 9), 1), ((1, 4, 9, 6), (3, 2)), ((2, 3, 8, 8), 4),
                                        ((1, 2, 5, 7), (None, 1)), ((2, 3, 6, 15), (1, 5)), ((1, 1, 1, 1), 1)])
def test_adaptive_avg_pool2d_matches_torch(rng, shape, size):
    x = rng.normal(size=shape).astype(np.float32)
    _check(AdaptiveAvgPool2d(size), torch.nn.AdaptiveAvgPool2d(size), x, rng)


@pytest.mark.parametrize("shape,size", [((3, 5, 7, 9), 2), ((1, 4, 9, 6), (4, 5)), ((2, 3, 5, 5), 3),
                                        ((1, 2, 5, 7), (None, 3)), ((2, 3, 6, 15), (4, 1)), ((1, 1, 1, 1), 3),
                                        ((2, 2, 3, 4), (5, 7)), ((1, 3, 10, 13), (3, 13)), ((3, 2, 7, 7), 6)])
def test_adaptive_avg_pool2d_uneven_windows_match_torch(rng, shape, size):
    """Sizes that do not divide the input (overlapping windows of two sizes, outputs larger than the input):
    torch's windows, forward and backward."""
    x = rng.normal(size=shape).astype(np.float32)
    _check(AdaptiveAvgPool2d(size), torch.nn.AdaptiveAvgPool2d(size), x, rng)


def test_torch_layers_bad_input():
    with pytest.raises(ValueError, match="dim must be an int"):
        Softmax(dim=1.5)
    with pytest.raises(ValueError, match="out of range"):
        Softmax(dim=3).build((4, 5))
    with pytest.raises(ValueError, match="batch axis"):
        LogSoftmax(dim=0).build((4,))
    with pytest.raises(ValueError, match="output_size must be >= 1"):
        AdaptiveAvgPool2d(0)
    with pytest.raises(ValueError, match="int or a pair"):
        AdaptiveAvgPool2d("a")
    with pytest.raises(ValueError, match="expects images"):
        AdaptiveAvgPool2d(1).build((5,))


def test_torch_layers_in_a_fitted_network(rng):
    X = rng.normal(size=(60, 2, 6, 6)).astype(np.float32)
    y = np.digitize(X[:, 0].mean(axis=(1, 2)), [-0.1, 0.1])  # three classes
    # cross entropy of log-probabilities is that of the logits (log_softmax is idempotent under softmax)
    net = Sequential(Conv2d(4, 3, padding=1), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Dense(3), LogSoftmax())
    clf = NeuralNetClassifier(net, input_shape=(2, 6, 6), lr=0.05, batch_size=16, max_epochs=60,
                              random_state=0)
    clf.fit(X.reshape(60, -1), y)
    assert clf.score(X.reshape(60, -1), y) > 0.8
    sm = Sequential(Dense(3), Softmax())
    sm.build((4,))
    sm.allocate(seed=0)
    p = sm.forward(rng.normal(size=(5, 4)).astype(np.float32), False)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)


# ---- Conv1d: the conv2d kernels on the (C, 1, L) view ------------------------------------------------------
@pytest.mark.parametrize("B,cin,L,cout,k,s,p,d,bias", [
    (1, 1, 1, 1, 1, 1, 0, 1, True), (3, 2, 9, 5, 3, 2, 1, 1, False), (1, 3, 17, 4, 5, 3, 2, 2, True),
    (2, 4, 7, 6, 1, 1, 0, 1, True), (2, 3, 11, 3, 4, 1, 3, 1, True)])
def test_conv1d_matches_torch(rng, B, cin, L, cout, k, s, p, d, bias):
    m = Sequential(Conv1d(cout, k, s, p, d, bias=bias))
    m.build((cin, L))
    m.allocate(seed=1)
    c = m.layers[0]
    assert c.params["weight"].shape == (cout, cin, k)
    t = torch.nn.Conv1d(cin, cout, k, s, p, d, bias=bias)
    with torch.no_grad():
        for name, view in c.params.items():
            getattr(t, name).copy_(torch.from_numpy(view.copy()))
    x = rng.normal(size=(B, cin, L)).astype(np.float32)
    out = m.forward(x, True).copy()
    xt = torch.from_numpy(x.copy()).requires_grad_()
    ref = t(xt)
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = rng.normal(size=out.shape).astype(np.float32)
    m.zero_grad()
    dx = m.backward(g)
    ref.backward(torch.from_numpy(g))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    for name in c.params:
        np.testing.assert_allclose(c.grads[name], getattr(t, name).grad.numpy(), rtol=1e-4, atol=1e-5)


def test_conv1d_bad_input():
    with pytest.raises(ValueError, match="Conv1d kernel_size must be an int"):
        Conv1d(3, (2, 2))
    with pytest.raises(ValueError, match="stride and dilation must be >= 1"):
        Conv1d(3, 2, stride=0)
    with pytest.raises(ValueError, match="expects sequences"):
        Conv1d(3).build((2, 3, 4))
    with pytest.raises(ValueError, match="expects 4 input channels"):
        Conv1d(3, in_channels=4).build((2, 9))
    with pytest.raises(ValueError, match="smaller than the"):
        Conv1d(3, 5).build((2, 3))


def test_conv1d_in_a_fitted_network(rng):
    X = rng.normal(size=(60, 2, 15)).astype(np.float32)
    y = np.digitize(X[:, 1].mean(axis=1), [-0.1, 0.1])
    net = Sequential(Conv1d(4, 3, padding=1), ReLU(), Conv1d(4, 3, stride=2), ReLU(), Flatten(), Dense(3))
    clf = NeuralNetClassifier(net, input_shape=(2, 15), lr=0.05, batch_size=16, max_epochs=60, random_state=0)
    clf.fit(X.reshape(60, -1), y)
    assert clf.score(X.reshape(60, -1), y) > 0.8
