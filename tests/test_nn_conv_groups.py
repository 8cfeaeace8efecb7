"""Grouped and depthwise convolution (torch.nn.Conv2d(groups=)): the conv2d kernels and the Conv2d / Conv1d
layers against torch, forward and backward, on odd shapes, batch 1, stride > 1, padding, dilation, at one
and two threads; bad groups raise."""
import numpy as np
import pytest

import mlc
from mlc import _mlc
from mlc.nn import Conv1d, Conv2d, Sequential
from conftest import close, f32, tt


def out_size(n, k, s, p, d=1):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


# (B, C_in, H, W, C_out, groups, KH, KW, stride, padding, dilation, bias)
GROUP_CASES = [
    (1, 4, 7, 9, 6, 2, 3, 3, (1, 1), (1, 1), (1, 1), True),     # batch 1, two groups
    (3, 6, 9, 7, 9, 3, 3, 3, (2, 2), (1, 1), (1, 1), False),    # stride 2
    (2, 5, 8, 11, 5, 5, 3, 3, (1, 1), (1, 1), (1, 1), True),    # depthwise
    (3, 7, 9, 9, 14, 7, 5, 3, (2, 1), (2, 0), (1, 1), True),    # depthwise x2, rectangular kernel
    (1, 8, 6, 5, 8, 8, 3, 3, (2, 2), (0, 1), (2, 1), False),    # depthwise, dilated, batch 1
    (2, 6, 7, 9, 4, 2, 1, 1, (1, 1), (0, 0), (1, 1), True),     # grouped 1x1 (direct GEMM per group)
    (2, 6, 7, 9, 6, 3, 1, 1, (2, 2), (0, 0), (1, 1), True),     # grouped 1x1 with stride
    (4, 16, 12, 12, 32, 4, 3, 3, (1, 1), (1, 1), (1, 1), True), # 3x3 stride 1 (Winograd without groups)
    (3, 3, 5, 5, 3, 3, 5, 5, (1, 1), (2, 2), (1, 1), True),     # depthwise, kernel = image
]


def grouped_vs_torch(torch, rng, B, cin, H, W, cout, groups, kh, kw, s, p, d, bias):
    x = f32(rng, B, cin, H, W)
    w = f32(rng, cout, cin // groups, kh, kw, scale=1 / np.sqrt(cin // groups * kh * kw))
    b = f32(rng, cout)
    hp = (*s, *p, *d)
    tx, tw, tb = tt(torch, x), tt(torch, w), tt(torch, b)
    ref = torch.nn.functional.conv2d(tx, tw, tb if bias else None, stride=s, padding=p, dilation=d, groups=groups)
    OH, OW = out_size(H, kh, s[0], p[0], d[0]), out_size(W, kw, s[1], p[1], d[1])
    out = np.full((B, cout, OH, OW), np.nan, np.float32)
    _mlc.nn_conv2d_forward(out, x, w, b if bias else None, *hp, groups=groups)
    close(out, ref)
    g = f32(rng, B, cout, OH, OW)
    ref.backward(torch.tensor(g))
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    n = _mlc.nn_conv2d_scratch_size(x.shape, w.shape, *hp, True, True, groups)
    _mlc.nn_conv2d_backward(dx, dw, db if bias else None, g, x, w, *hp, scratch=np.empty(n, np.float32),
                            groups=groups)
    close(dx, tx.grad)
    close(dw, tw.grad)
    if bias:
        close(db, tb.grad)


@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("case", GROUP_CASES, ids=[str(i) for i in range(len(GROUP_CASES))])
def test_grouped_conv2d_matches_torch(torch, rng, threads, n_threads, case):
    mlc.set_num_threads(n_threads)
    grouped_vs_torch(torch, rng, *case)


def test_grouped_conv2d_random_shapes_match_torch(torch):
    rng = np.random.default_rng(13)
    done = 0
    while done < 25:
        groups = int(rng.integers(1, 5))
        B, cin, cout = int(rng.integers(1, 4)), groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 4))
        H, W = (int(v) for v in rng.integers(1, 12, size=2))
        kh, kw = (int(v) for v in rng.choice([1, 2, 3, 5], size=2))
        s, p, d = tuple(rng.integers(1, 4, 2)), tuple(rng.integers(0, 3, 2)), tuple(rng.integers(1, 3, 2))
        if out_size(H, kh, s[0], p[0], d[0]) < 1 or out_size(W, kw, s[1], p[1], d[1]) < 1:
            continue
        grouped_vs_torch(torch, rng, B, cin, H, W, cout, groups, kh, kw, s, p, d, bool(rng.integers(2)))
        done += 1


def test_grouped_conv2d_bad_groups_raise(rng):
    x, out = f32(rng, 2, 6, 5, 5), np.zeros((2, 4, 3, 3), np.float32)
    with pytest.raises(ValueError, match="groups"):
        _mlc.nn_conv2d_forward(out, x, f32(rng, 4, 3, 3, 3), None, groups=3)  # 6 / 3 = 2, not 3
    with pytest.raises(ValueError, match="divisible by groups"):
        _mlc.nn_conv2d_forward(np.zeros((2, 3, 3, 3), np.float32), x, f32(rng, 3, 3, 3, 3), None, groups=2)
    with pytest.raises(ValueError, match="groups must be >= 1"):
        _mlc.nn_conv2d_forward(out, x, f32(rng, 4, 6, 3, 3), None, groups=0)
    with pytest.raises(ValueError, match="groups"):
        Conv2d(6, 3, groups=4)
    with pytest.raises(ValueError, match="groups"):
        Conv2d(4, 3, groups=0)
    with pytest.raises(ValueError, match="divisible by groups"):
        Conv2d(4, 3, groups=2).build((5, 8, 8))


@pytest.mark.parametrize("groups,cin,cout", [(2, 4, 6), (4, 4, 4), (3, 3, 6)])
def test_grouped_conv_layers_match_torch(torch, rng, groups, cin, cout):
    """Conv2d(groups=) and Conv1d(groups=) as layers: torch's weight shape and init bounds, its numbers."""
    for layer, tcls, shape in ((Conv2d(cout, 3, stride=2, padding=1, groups=groups), torch.nn.Conv2d, (3, cin, 9, 8)),
                               (Conv1d(cout, 3, padding=1, groups=groups), torch.nn.Conv1d, (1, cin, 11))):
        model = Sequential(layer)
        model.build(shape[1:])
        model.allocate(seed=0)
        tl = tcls(cin, cout, 3, stride=layer.stride[-1], padding=layer.padding[-1], groups=groups)
        assert tuple(tl.weight.shape) == layer.params["weight"].shape
        bound = 1 / np.sqrt(cin // groups * 3 * (3 if tcls is torch.nn.Conv2d else 1))  # torch's U(-b, b)
        assert np.abs(layer.params["weight"]).max() <= bound
        model.load_state_dict(torch.nn.Sequential(tl).state_dict())
        x = f32(rng, *shape)
        out = model.forward(x, True).copy()
        xt = tt(torch, x)
        ref = tl(xt)
        close(out, ref)
        g = f32(rng, *out.shape)
        model.zero_grad()
        dx = model.backward(g)
        ref.backward(torch.tensor(g))
        close(dx, xt.grad)
        close(layer.grads["weight"], tl.weight.grad)
        close(layer.grads["bias"], tl.bias.grad)
