"""csrc/nn/pool2d.c's adaptive average pooling (torch.nn.AdaptiveAvgPool2d's windows: rows
floor(i H / OH) .. ceil((i + 1) H / OH) - 1, columns alike) called directly: forward and the accumulating
backward against torch within 1e-4 on odd shapes, batch 1 and outputs larger than the input, at every
dispatch level the machine has (the same bits at each) and at 1 and 2 threads; bad input."""
import numpy as np
import pytest

import mlc
from mlc import _mlc

torch = pytest.importorskip("torch")

LEVELS = [name for name, ok in _mlc.cpu_levels().items() if ok]
SHAPES = [((1, 1, 1, 1), (3, 2)), ((1, 3, 7, 5), (3, 2)), ((2, 4, 9, 11), (4, 5)), ((3, 2, 5, 5), (7, 9)),
          ((1, 2, 13, 6), (5, 6)), ((2, 3, 8, 8), (4, 4)), ((1, 5, 10, 7), (1, 1)), ((2, 1, 3, 17), (2, 16))]


@pytest.fixture
def levels():
    """Each level the machine has, in turn, with the level in force restored after."""
    before = _mlc.cpu_level()
    yield LEVELS, _mlc._set_cpu_level
    _mlc._set_cpu_level(before)


def _run(x, g, size, dx0):
    out = np.full((x.shape[0], x.shape[1]) + size, np.nan, np.float32)
    _mlc.nn_adaptive_avgpool2d_forward(out, x)
    dx = dx0.copy()
    _mlc.nn_adaptive_avgpool2d_backward(dx, g)
    return out, dx


@pytest.mark.parametrize("shape,size", SHAPES)
def test_adaptive_avgpool2d_kernel_matches_torch_at_every_level(rng, levels, shape, size):
    x = rng.normal(size=shape).astype(np.float32)
    g = rng.normal(size=shape[:2] + size).astype(np.float32)
    dx0 = rng.normal(size=shape).astype(np.float32)  # backward accumulates onto what is there
    xt = torch.from_numpy(x.copy()).requires_grad_()
    ref = torch.nn.functional.adaptive_avg_pool2d(xt, size)
    ref.backward(torch.from_numpy(g))
    names, set_level = levels
    results = {}
    for level in names:
        set_level(level)
        for threads in (1, 2):
            with _threads(threads):
                out, dx = _run(x, g, size, dx0)
            np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=level)
            np.testing.assert_allclose(dx, dx0 + xt.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=level)
            results[level, threads] = out, dx
    base = results["baseline", 1]
    for key, (out, dx) in results.items():  # one fixed order per element: the same bits everywhere
        np.testing.assert_array_equal(out, base[0], err_msg=str(key))
        np.testing.assert_array_equal(dx, base[1], err_msg=str(key))


class _threads:
    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.before = mlc.get_num_threads()
        mlc.set_num_threads(self.n)

    def __exit__(self, *exc):
        mlc.set_num_threads(self.before)


def test_adaptive_avgpool2d_kernel_many_planes_match_torch(rng):
    """Enough planes for a team of threads: each plane on its own, the same numbers."""
    x = rng.normal(size=(16, 32, 15, 13)).astype(np.float32)
    g = rng.normal(size=(16, 32, 4, 6)).astype(np.float32)
    xt = torch.from_numpy(x.copy()).requires_grad_()
    ref = torch.nn.functional.adaptive_avg_pool2d(xt, (4, 6))
    ref.backward(torch.from_numpy(g))
    out, dx = _run(x, g, (4, 6), np.zeros_like(x))
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_adaptive_avgpool2d_kernel_bad_input():
    x = np.zeros((2, 3, 5, 5), np.float32)
    with pytest.raises(ValueError, match="does not match"):
        _mlc.nn_adaptive_avgpool2d_forward(np.zeros((3, 3, 2, 2), np.float32), x)
    with pytest.raises(ValueError, match="does not match"):
        _mlc.nn_adaptive_avgpool2d_forward(np.zeros((2, 4, 2, 2), np.float32), x)
    with pytest.raises(ValueError, match="output size must be >= 1"):
        _mlc.nn_adaptive_avgpool2d_forward(np.zeros((2, 3, 0, 2), np.float32), x)
    with pytest.raises((ValueError, TypeError)):
        _mlc.nn_adaptive_avgpool2d_forward(np.zeros((2, 3, 2, 2), np.float64), x)
    with pytest.raises((ValueError, TypeError)):
        _mlc.nn_adaptive_avgpool2d_backward(np.zeros((2, 3, 5), np.float32), np.zeros((2, 3, 2, 2), np.float32))
    with pytest.raises(ValueError, match="overlap"):
        _mlc.nn_adaptive_avgpool2d_forward(x, x)
