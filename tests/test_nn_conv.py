"""The convolution and pooling kernels (conv2d, max_pool2d, avg_pool2d) against torch.

Every kernel is called through its binding (mlc._mlc.nn_*) on preallocated float32 NCHW arrays and
compared, forward and backward, with torch.nn.functional and autograd within rtol 1e-4 and an absolute
floor of 1e-5 times the largest reference value. Backward kernels accumulate (+=), so gradients start
from zero here unless a test says otherwise, and a gradient given as None is skipped.
"""
import numpy as np
import pytest
from sklearn import datasets

import mlc
from mlc import _mlc
from conftest import assert_rss_stable, close, f32, layouts, needs_rss, tt


def out_size(n, k, s, p, d=1):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


# ---- conv2d ----------------------------------------------------------------------------------------------
def conv_vs_torch(torch, rng, B, cin, H, W, cout, kh, kw, s=(1, 1), p=(0, 0), d=(1, 1), bias=True, x=None):
    """Run forward and backward of both and compare every tensor."""
    x = f32(rng, B, cin, H, W) if x is None else x
    w = f32(rng, cout, cin, kh, kw, scale=1 / np.sqrt(cin * kh * kw))
    b = f32(rng, cout)
    hp = (*s, *p, *d)
    tx, tw, tb = tt(torch, x), tt(torch, w), tt(torch, b)
    ref = torch.nn.functional.conv2d(tx, tw, tb if bias else None, stride=s, padding=p, dilation=d)
    OH, OW = out_size(H, kh, s[0], p[0], d[0]), out_size(W, kw, s[1], p[1], d[1])
    assert tuple(ref.shape) == (B, cout, OH, OW)
    out = np.full((B, cout, OH, OW), np.nan, np.float32)  # overwritten, not accumulated
    _mlc.nn_conv2d_forward(out, x, w, b if bias else None, *hp)
    close(out, ref)
    g = f32(rng, B, cout, OH, OW)
    ref.backward(torch.tensor(g))
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    _mlc.nn_conv2d_backward(dx, dw, db if bias else None, g, x, w, *hp)
    close(dx, tx.grad)
    close(dw, tw.grad)
    if bias:
        close(db, tb.grad)
    else:
        assert not db.any()
    return out, dx, dw, db


# (B, C_in, H, W, C_out, KH, KW, stride, padding, dilation, bias): odd sizes, batch 1 and 3, kernels
# 1/2/3/5, strides 1/2/3, paddings 0/1/2, dilations 1/2, rectangular everything.
CONV_CASES = [
    (1, 1, 1, 1, 1, 1, 1, (1, 1), (0, 0), (1, 1), True),      # a 1x1 image
    (3, 2, 1, 1, 4, 3, 3, (1, 1), (1, 1), (1, 1), False),     # 1x1 image, 3x3 kernel: padding only
    (1, 3, 7, 9, 17, 1, 1, (1, 1), (0, 0), (1, 1), True),     # 1x1 conv 3 -> 17 (direct GEMM)
    (3, 64, 5, 5, 16, 1, 1, (1, 1), (0, 0), (1, 1), False),   # 1x1 conv 64 -> 16 (direct GEMM)
    (3, 5, 7, 9, 6, 1, 1, (2, 2), (0, 0), (1, 1), True),      # 1x1 with stride: im2col subsamples
    (3, 4, 7, 9, 5, 1, 1, (1, 1), (1, 2), (1, 1), True),      # 1x1 with padding
    (1, 3, 7, 9, 4, 2, 2, (1, 1), (0, 0), (1, 1), True),
    (3, 2, 7, 9, 4, 2, 2, (2, 2), (1, 1), (1, 1), False),
    (3, 3, 7, 9, 5, 3, 3, (1, 1), (1, 1), (1, 1), True),
    (1, 3, 5, 5, 8, 3, 3, (2, 2), (1, 1), (1, 1), True),
    (3, 2, 7, 9, 3, 3, 3, (3, 3), (2, 2), (1, 1), True),
    (3, 2, 7, 9, 3, 3, 3, (1, 1), (2, 2), (2, 2), True),
    (1, 4, 9, 7, 6, 5, 5, (1, 1), (2, 2), (1, 1), True),
    (3, 3, 9, 11, 2, 5, 5, (2, 3), (1, 2), (1, 1), False),
    (3, 2, 11, 9, 4, 3, 5, (2, 1), (0, 2), (2, 1), True),
    (1, 2, 5, 5, 3, 5, 5, (1, 1), (0, 0), (1, 1), True),      # kernel = image: a 1x1 output
    (3, 2, 5, 5, 3, 3, 3, (3, 3), (0, 0), (2, 2), True),      # dilated kernel spans the image
    (3, 1, 28, 28, 8, 3, 3, (1, 1), (1, 1), (1, 1), True),    # the CNN's first layer, small
    (5, 16, 14, 14, 24, 3, 3, (2, 2), (1, 1), (1, 1), True),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=[str(i) for i in range(len(CONV_CASES))])
def test_conv2d_matches_torch(torch, rng, case):
    B, cin, H, W, cout, kh, kw, s, p, d, bias = case
    conv_vs_torch(torch, rng, B, cin, H, W, cout, kh, kw, s, p, d, bias)


def test_conv2d_random_shapes_match_torch(torch):
    """Forty random geometries (sizes, kernels, strides, paddings, dilations) with a valid output."""
    rng = np.random.default_rng(5)
    done = 0
    while done < 40:
        B, cin, cout = rng.integers(1, 4), rng.integers(1, 6), rng.integers(1, 7)
        H, W = rng.integers(1, 13, size=2)
        kh, kw = rng.choice([1, 2, 3, 5], size=2)
        s, p, d = tuple(rng.integers(1, 4, 2)), tuple(rng.integers(0, 3, 2)), tuple(rng.integers(1, 3, 2))
        if out_size(H, kh, s[0], p[0], d[0]) < 1 or out_size(W, kw, s[1], p[1], d[1]) < 1:
            continue
        conv_vs_torch(torch, rng, B, cin, H, W, cout, kh, kw, s, p, d, bool(rng.integers(2)))
        done += 1


@pytest.mark.parametrize("n_threads", [1, 2, 3, 8])
@pytest.mark.parametrize("case", [
    (8, 8, 20, 20, 16, 3, 3, (1, 1), (1, 1), (1, 1)),    # small images spread over the threads
    (8, 16, 40, 64, 8, 3, 3, (1, 1), (1, 1), (1, 1)),    # ... each im2col'd in bands of output rows
    (3, 16, 61, 67, 4, 3, 3, (2, 2), (1, 1), (2, 2)),    # bands with stride and dilation
    (1, 32, 70, 64, 8, 3, 3, (1, 1), (1, 1), (1, 1)),    # one image: threaded sgemm
    (1, 64, 30, 31, 5, 1, 1, (1, 1), (0, 0), (1, 1)),    # one image, direct 1x1
    (9, 64, 30, 31, 5, 1, 1, (1, 1), (0, 0), (1, 1)),    # direct 1x1, images over threads
], ids=["per-image", "per-image-bands", "bands-strided", "one-image", "one-image-1x1", "per-image-1x1"])
def test_conv2d_every_schedule_matches_torch(torch, rng, threads, n_threads, case):
    """Images over threads (per-thread im2col bands and dweight partials, reduced in order) and images
    in turn (threaded sgemm on larger bands) give torch's numbers at any thread count (8 threads
    on fewer cores too: OpenMP oversubscribes, which exercises the splits)."""
    mlc.set_num_threads(n_threads)
    assert mlc.get_num_threads() == n_threads
    B, cin, H, W, cout, kh, kw, s, p, d = case
    conv_vs_torch(torch, rng, B, cin, H, W, cout, kh, kw, s, p, d, True)


def test_conv2d_thread_count_changes_rounding_only(rng, threads):
    x, w, b = f32(rng, 8, 6, 15, 13), f32(rng, 7, 6, 3, 3, scale=0.2), f32(rng, 7)
    g = f32(rng, 8, 7, 15, 13)
    res = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        out, dx, dw, db = (np.zeros((8, 7, 15, 13), np.float32), np.zeros_like(x), np.zeros_like(w),
                           np.zeros_like(b))
        _mlc.nn_conv2d_forward(out, x, w, b, 1, 1, 1, 1, 1, 1)
        _mlc.nn_conv2d_backward(dx, dw, db, g, x, w, 1, 1, 1, 1, 1, 1)
        res.append((out, dx, dw, db))
    for a, c in zip(*res):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-5 * float(np.abs(c).max()))
    # per-image results do not depend on how the images are spread at all
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])
    np.testing.assert_array_equal(res[0][3], res[1][3])


# 3x3, stride 1, no dilation, >= 3 input and >= 8 output channels: Winograd F(2x2, 3x3) (conv2d_winograd.c)
WINOGRAD_CASES = [  # (B, C_in, H, W, C_out, padding, bias)
    (1, 3, 1, 1, 8, (1, 1), True),       # a 1x1 image: one tile, three quarters of it padding and dropped
    (1, 3, 3, 3, 8, (0, 0), False),      # a 1x1 output
    (2, 4, 4, 5, 8, (0, 0), True),       # 2x3 output: an odd number of columns
    (3, 5, 7, 9, 9, (1, 1), True),       # odd everything
    (2, 8, 6, 11, 12, (2, 2), False),    # padding 2
    (3, 7, 9, 6, 10, (0, 2), True),      # rectangular padding
    (1, 17, 13, 15, 19, (2, 1), True),
    (1, 16, 8, 8, 16, (1, 1), True),
    (2, 32, 28, 28, 64, (1, 1), True),   # the CNN's second layer
    (1, 3, 70, 64, 8, (1, 1), True),     # one image in two blocks of tile rows
]


@pytest.mark.parametrize("case", WINOGRAD_CASES, ids=[str(i) for i in range(len(WINOGRAD_CASES))])
def test_conv2d_winograd_matches_torch(torch, rng, case):
    B, cin, H, W, cout, p, bias = case
    conv_vs_torch(torch, rng, B, cin, H, W, cout, 3, 3, (1, 1), p, (1, 1), bias)


@pytest.mark.parametrize("n_threads", [1, 2, 3, 8])
@pytest.mark.parametrize("case", [(8, 16, 20, 20, 16, (1, 1)), (3, 6, 61, 67, 9, (1, 1)), (1, 32, 70, 64, 8, (0, 0))],
                         ids=["per-image", "blocks", "one-image"])
def test_conv2d_winograd_every_thread_count_matches_torch(torch, rng, threads, n_threads, case):
    """Forward spreads blocks of tile rows over the threads, backward whole images with a dU partial per
    thread (added in thread order): torch's numbers at any thread count."""
    mlc.set_num_threads(n_threads)
    B, cin, H, W, cout, p = case
    conv_vs_torch(torch, rng, B, cin, H, W, cout, 3, 3, (1, 1), p, (1, 1), True)


def test_conv2d_winograd_thread_count_changes_rounding_only(rng, threads):
    x, w, b = f32(rng, 5, 8, 15, 13), f32(rng, 9, 8, 3, 3, scale=0.2), f32(rng, 9)
    g = f32(rng, 5, 9, 15, 13)
    res = []
    for n in (1, 2, 3):
        mlc.set_num_threads(n)
        out, dx, dw = np.zeros_like(g), np.zeros_like(x), np.zeros_like(w)
        _mlc.nn_conv2d_forward(out, x, w, b, 1, 1, 1, 1, 1, 1)
        _mlc.nn_conv2d_backward(dx, dw, None, g, x, w, 1, 1, 1, 1, 1, 1)
        res.append((out, dx, dw))
    for r in res[1:]:
        np.testing.assert_array_equal(r[0], res[0][0])  # each block and image is computed the same way
        np.testing.assert_array_equal(r[1], res[0][1])
        np.testing.assert_allclose(r[2], res[0][2], rtol=1e-5, atol=1e-5 * float(np.abs(res[0][2]).max()))


def test_conv2d_winograd_backward_accumulates_and_skips(rng):
    x, w, g = f32(rng, 2, 4, 7, 9), f32(rng, 8, 4, 3, 3), f32(rng, 2, 8, 7, 9)
    hp = (1, 1, 1, 1, 1, 1)
    once = [np.zeros_like(x), np.zeros_like(w)]
    _mlc.nn_conv2d_backward(*once, None, g, x, w, *hp)
    twice = [np.ones_like(a) for a in once]
    _mlc.nn_conv2d_backward(*twice, None, g, x, w, *hp)
    _mlc.nn_conv2d_backward(*twice, None, g, x, w, *hp)
    for a, c in zip(once, twice):
        np.testing.assert_allclose(c, 1 + 2 * a, rtol=1e-5, atol=1e-5)
    for k in range(2):
        only = [np.zeros_like(a) if i == k else None for i, a in enumerate(once)]
        _mlc.nn_conv2d_backward(*only, None, g, x, w, *hp)
        np.testing.assert_array_equal(only[k], once[k])


def test_conv2d_on_digits_matches_torch(torch):
    """Real images: sklearn's 8x8 digits through a 3x3 / padding 1 conv and a stride-2 conv."""
    X = datasets.load_digits().images[:50].astype(np.float32)[:, None] / 16.0
    rng = np.random.default_rng(3)
    conv_vs_torch(torch, rng, 50, 1, 8, 8, 12, 3, 3, (1, 1), (1, 1), (1, 1), True, x=X)
    conv_vs_torch(torch, rng, 50, 1, 8, 8, 5, 4, 4, (2, 2), (1, 1), (1, 1), False, x=X)


def test_conv2d_backward_accumulates_and_skips(rng):
    x, w, b = f32(rng, 3, 4, 7, 9), f32(rng, 5, 4, 3, 3), f32(rng, 5)
    g = f32(rng, 3, 5, 4, 5)
    hp = (2, 2, 1, 1, 1, 1)
    once = [np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)]
    _mlc.nn_conv2d_backward(*once, g, x, w, *hp)
    assert all(np.abs(a).sum() > 0 for a in once)
    twice = [np.zeros_like(a) for a in once]
    _mlc.nn_conv2d_backward(*twice, g, x, w, *hp)
    _mlc.nn_conv2d_backward(*twice, g, x, w, *hp)
    for a, c in zip(once, twice):
        np.testing.assert_allclose(c, 2 * a, rtol=1e-6, atol=1e-6)
    # each gradient alone equals its part of the full call; None skips the others
    for k in range(3):
        only = [np.zeros_like(a) if i == k else None for i, a in enumerate(once)]
        _mlc.nn_conv2d_backward(*only, g, x, w, *hp)
        np.testing.assert_allclose(only[k], once[k], rtol=1e-6, atol=1e-6)
    _mlc.nn_conv2d_backward(None, None, None, g, x, w, *hp)  # nothing to do, no error
    # a 1x1 direct conv accumulates too (sgemm with beta = 1 into dx)
    x1, w1, g1 = f32(rng, 2, 3, 4, 5), f32(rng, 6, 3, 1, 1), f32(rng, 2, 6, 4, 5)
    dx1 = np.ones_like(x1)
    _mlc.nn_conv2d_backward(dx1, None, None, g1, x1, w1)
    ref = np.einsum("oc,bohw->bchw", w1[:, :, 0, 0], g1)
    np.testing.assert_allclose(dx1, 1 + ref, rtol=1e-5, atol=1e-5)


def test_conv2d_default_hyper_parameters_and_keywords(rng):
    x, w = f32(rng, 2, 3, 6, 6), f32(rng, 4, 3, 3, 3)
    a, c = np.empty((2, 4, 4, 4), np.float32), np.empty((2, 4, 4, 4), np.float32)
    _mlc.nn_conv2d_forward(a, x, w, None)
    _mlc.nn_conv2d_forward(out=c, x=x, weight=w, bias=None, stride_h=1, stride_w=1, pad_h=0, pad_w=0, dil_h=1,
                           dil_w=1)
    np.testing.assert_array_equal(a, c)


def test_empty_batch_is_a_no_op(rng):
    out = np.empty((0, 4, 5, 5), np.float32)
    _mlc.nn_conv2d_forward(out, np.empty((0, 3, 5, 5), np.float32), f32(rng, 4, 3, 3, 3), None, 1, 1, 1, 1, 1, 1)
    dw = np.zeros((4, 3, 3, 3), np.float32)
    _mlc.nn_conv2d_backward(None, dw, None, out, np.empty((0, 3, 5, 5), np.float32), f32(rng, 4, 3, 3, 3),
                            1, 1, 1, 1, 1, 1)
    assert not dw.any()
    x0, o0 = np.empty((0, 3, 6, 6), np.float32), np.empty((0, 3, 3, 3), np.float32)
    a0 = np.empty((0, 3, 3, 3), np.int64)
    _mlc.nn_maxpool2d_forward(o0, a0, x0, 2, 2, 2, 2)
    _mlc.nn_maxpool2d_backward(x0, o0, a0)
    _mlc.nn_avgpool2d_forward(o0, x0, 2, 2, 2, 2)
    _mlc.nn_avgpool2d_backward(x0, o0, 2, 2, 2, 2)


# ---- pooling ---------------------------------------------------------------------------------------------
POOL_CASES = [  # (B, C, H, W, kernel, stride, padding)
    (1, 1, 1, 1, (1, 1), (1, 1), (0, 0)),
    (3, 2, 7, 9, (2, 2), (2, 2), (0, 0)),
    (3, 2, 7, 9, (3, 3), (2, 2), (1, 1)),   # overlapping windows with padding
    (1, 3, 5, 5, (3, 3), (2, 2), (0, 0)),   # overlapping windows
    (3, 4, 9, 7, (3, 2), (1, 2), (1, 1)),
    (1, 2, 11, 13, (5, 5), (3, 2), (2, 2)),
    (3, 1, 6, 6, (2, 3), (3, 1), (1, 0)),
    (2, 3, 28, 28, (2, 2), (2, 2), (0, 0)),
]


@pytest.mark.parametrize("case", POOL_CASES, ids=[str(i) for i in range(len(POOL_CASES))])
def test_maxpool2d_matches_torch(torch, rng, case):
    B, C, H, W, k, s, p = case
    x = f32(rng, B, C, H, W)
    tx = tt(torch, x)
    ref, idx = torch.nn.functional.max_pool2d(tx, k, s, p, return_indices=True)
    OH, OW = out_size(H, k[0], s[0], p[0]), out_size(W, k[1], s[1], p[1])
    out = np.full((B, C, OH, OW), np.nan, np.float32)
    am = np.full((B, C, OH, OW), -7, np.int64)
    _mlc.nn_maxpool2d_forward(out, am, x, *k, *s, *p)
    np.testing.assert_array_equal(out, ref.detach().numpy())
    np.testing.assert_array_equal(am, idx.numpy())
    g = f32(rng, B, C, OH, OW)
    ref.backward(torch.tensor(g))
    dx = np.zeros_like(x)
    _mlc.nn_maxpool2d_backward(dx, g, am)
    close(dx, tx.grad)
    # without argmax the forward is the same
    out2 = np.empty_like(out)
    _mlc.nn_maxpool2d_forward(out2, None, x, *k, *s, *p)
    np.testing.assert_array_equal(out2, out)


def test_maxpool2d_ties_nan_and_overlap_accumulate(torch):
    """Ties go to the first pixel; NaN propagates; a pixel that is the maximum of several overlapping
    windows collects all their gradients; the backward accumulates."""
    x = np.zeros((1, 1, 5, 5), np.float32)
    x[0, 0, 2, 2] = 5.0  # the max of all four 3x3/stride-2 windows
    out, am = np.empty((1, 1, 2, 2), np.float32), np.empty((1, 1, 2, 2), np.int64)
    _mlc.nn_maxpool2d_forward(out, am, x, 3, 3, 2, 2)
    assert (am == 12).all() and (out == 5).all()
    dx = np.ones_like(x)
    _mlc.nn_maxpool2d_backward(dx, np.full((1, 1, 2, 2), 0.5, np.float32), am)
    assert dx[0, 0, 2, 2] == 3.0 and dx.sum() == 24 + 3
    tie = np.ones((1, 1, 2, 2), np.float32)
    o1, a1 = np.empty((1, 1, 1, 1), np.float32), np.empty((1, 1, 1, 1), np.int64)
    _mlc.nn_maxpool2d_forward(o1, a1, tie, 2, 2, 2, 2)
    assert a1.item() == 0
    xn = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    xn[0, 0, 0, 1] = np.nan
    o2, a2 = np.empty((1, 1, 2, 2), np.float32), np.empty((1, 1, 2, 2), np.int64)
    _mlc.nn_maxpool2d_forward(o2, a2, xn, 2, 2, 2, 2)
    ref, idx = torch.nn.functional.max_pool2d(torch.tensor(xn), 2, 2, return_indices=True)
    np.testing.assert_array_equal(o2, ref.numpy())  # NaN where torch has NaN
    np.testing.assert_array_equal(a2, idx.numpy())
    assert np.isnan(o2[0, 0, 0, 0])


@pytest.mark.parametrize("shape", [(2, 3, 7, 9), (1, 1, 2, 2), (4, 5, 28, 28), (1, 2, 3, 1)])
def test_maxpool2d_2x2_fast_path_matches_torch(torch, rng, shape):
    """The 2x2 / stride 2 / no padding window (a branch-free loop of its own): values and indices as
    torch's, with ties (first wins), -inf and NaN (NaN wins), odd sizes (the last row or column
    dropped), and without argmax (inference)."""
    x = np.round(rng.standard_normal(shape) * 2).astype(np.float32)  # many ties
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, max(1, flat.size // 17), replace=False)] = np.nan
    flat[rng.choice(flat.size, max(1, flat.size // 13), replace=False)] = -np.inf
    B, C, H, W = shape
    if H < 2:
        return
    oshape = (B, C, H // 2, W // 2)
    if min(oshape) < 1:
        return
    out, am = np.empty(oshape, np.float32), np.empty(oshape, np.int64)
    _mlc.nn_maxpool2d_forward(out, am, x, 2, 2, 2, 2)
    ref, idx = torch.nn.functional.max_pool2d(torch.tensor(x), 2, 2, return_indices=True)
    np.testing.assert_array_equal(out, ref.numpy())
    np.testing.assert_array_equal(am, idx.numpy())
    out2 = np.empty(oshape, np.float32)
    _mlc.nn_maxpool2d_forward(out2, None, x, 2, 2, 2, 2)
    np.testing.assert_array_equal(out2, out)


@pytest.mark.parametrize("case", [((2, 3, 33, 40), (4, 4), (4, 4)), ((1, 2, 19, 17), (3, 3), (2, 2)),
                                  ((2, 1, 9, 40), (3, 5), (1, 3)), ((1, 1, 4, 64), (4, 4), (4, 4))])
def test_maxpool2d_no_padding_path_matches_torch(torch, rng, case):
    """Windows without padding and output rows of >= 8 (a vector loop over each output row per window
    element): values and indices as torch's, with ties (first wins), -inf and NaN (NaN wins),
    overlapping windows, and without argmax."""
    shape, k, s = case
    x = np.round(rng.standard_normal(shape) * 2).astype(np.float32)  # many ties
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, max(1, flat.size // 17), replace=False)] = np.nan
    flat[rng.choice(flat.size, max(1, flat.size // 13), replace=False)] = -np.inf
    B, C, H, W = shape
    oshape = (B, C, out_size(H, k[0], s[0], 0), out_size(W, k[1], s[1], 0))
    assert oshape[3] >= 8
    out, am = np.empty(oshape, np.float32), np.empty(oshape, np.int64)
    _mlc.nn_maxpool2d_forward(out, am, x, *k, *s, 0, 0)
    ref, idx = torch.nn.functional.max_pool2d(torch.tensor(x), k, s, return_indices=True)
    np.testing.assert_array_equal(out, ref.numpy())
    np.testing.assert_array_equal(am, idx.numpy())
    out2 = np.empty(oshape, np.float32)
    _mlc.nn_maxpool2d_forward(out2, None, x, *k, *s, 0, 0)
    np.testing.assert_array_equal(out2, out)


@pytest.mark.parametrize("case", POOL_CASES, ids=[str(i) for i in range(len(POOL_CASES))])
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avgpool2d_matches_torch(torch, rng, case, count_include_pad):
    B, C, H, W, k, s, p = case
    x = f32(rng, B, C, H, W)
    tx = tt(torch, x)
    ref = torch.nn.functional.avg_pool2d(tx, k, s, p, count_include_pad=count_include_pad)
    OH, OW = out_size(H, k[0], s[0], p[0]), out_size(W, k[1], s[1], p[1])
    out = np.full((B, C, OH, OW), np.nan, np.float32)
    _mlc.nn_avgpool2d_forward(out, x, *k, *s, *p, count_include_pad)
    close(out, ref)
    g = f32(rng, B, C, OH, OW)
    ref.backward(torch.tensor(g))
    dx = np.zeros_like(x)
    _mlc.nn_avgpool2d_backward(dx, g, *k, *s, *p, count_include_pad)
    close(dx, tx.grad)
    _mlc.nn_avgpool2d_backward(dx, g, *k, *s, *p, count_include_pad)  # accumulates
    close(dx, 2 * tx.grad)


def test_avgpool2d_count_include_pad_default_and_keyword(rng):
    x = f32(rng, 2, 3, 5, 5)
    a, b, c = (np.empty((2, 3, 3, 3), np.float32) for _ in range(3))
    _mlc.nn_avgpool2d_forward(a, x, 3, 3, 2, 2, 1, 1)
    _mlc.nn_avgpool2d_forward(b, x, 3, 3, 2, 2, 1, 1, count_include_pad=True)
    _mlc.nn_avgpool2d_forward(c, x, 3, 3, 2, 2, 1, 1, count_include_pad=False)
    np.testing.assert_array_equal(a, b)
    # the corner window holds 4 real pixels of 9: the two divisors differ by 9/4 there
    np.testing.assert_allclose(c[:, :, 0, 0], a[:, :, 0, 0] * 9 / 4, rtol=1e-6)
    np.testing.assert_allclose(c[:, :, 1, 1], a[:, :, 1, 1], rtol=1e-6)


def test_pooling_on_digits_matches_torch(torch):
    X = datasets.load_digits().images.astype(np.float32)[:, None]
    tx = tt(torch, X)
    ref, idx = torch.nn.functional.max_pool2d(tx, 2, 2, return_indices=True)
    out, am = np.empty((len(X), 1, 4, 4), np.float32), np.empty((len(X), 1, 4, 4), np.int64)
    _mlc.nn_maxpool2d_forward(out, am, X, 2, 2, 2, 2)
    np.testing.assert_array_equal(out, ref.detach().numpy())
    # digits have many ties (zeros); torch keeps the first maximum as we do
    np.testing.assert_array_equal(am, idx.numpy())
    avg = np.empty((len(X), 1, 3, 3), np.float32)
    _mlc.nn_avgpool2d_forward(avg, X, 3, 3, 3, 3, 1, 1, False)
    close(avg, torch.nn.functional.avg_pool2d(tx, 3, 3, 1, count_include_pad=False))


def test_pooling_thread_count_independent(rng, threads):
    x = f32(rng, 16, 32, 28, 28)
    res = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        out, am = np.empty((16, 32, 13, 13), np.float32), np.empty((16, 32, 13, 13), np.int64)
        _mlc.nn_maxpool2d_forward(out, am, x, 3, 3, 2, 2)
        dx = np.zeros_like(x)
        _mlc.nn_maxpool2d_backward(dx, out, am)
        avg, dxa = np.empty((16, 32, 14, 14), np.float32), np.zeros_like(x)
        _mlc.nn_avgpool2d_forward(avg, x, 3, 3, 2, 2, 1, 1)
        _mlc.nn_avgpool2d_backward(dxa, avg, 3, 3, 2, 2, 1, 1)
        res.append((out, am, dx, avg, dxa))
    for a, c in zip(*res):
        np.testing.assert_array_equal(a, c)


# ---- bad input -------------------------------------------------------------------------------------------
def test_conv2d_bad_arrays_raise(rng):
    x, w, b = f32(rng, 2, 3, 7, 9), f32(rng, 4, 3, 3, 3), f32(rng, 4)
    out = np.empty((2, 4, 7, 9), np.float32)
    hp = (1, 1, 1, 1, 1, 1)
    _mlc.nn_conv2d_forward(out, x, w, b, *hp)  # the valid call
    with pytest.raises(TypeError, match="x: expected dtype float32"):
        _mlc.nn_conv2d_forward(out, x.astype(np.float64), w, b, *hp)
    with pytest.raises(TypeError, match="weight: expected a numpy array"):
        _mlc.nn_conv2d_forward(out, x, w.tolist(), b, *hp)
    with pytest.raises(TypeError, match="out: expected an array, got None"):
        _mlc.nn_conv2d_forward(None, x, w, b, *hp)
    with pytest.raises(ValueError, match="x: expected a 4-D array, got 3-D"):
        _mlc.nn_conv2d_forward(out, x[0], w, b, *hp)
    with pytest.raises(ValueError, match=r"weight.shape\[1\] = \d+ does not match x.shape\[1\]"):
        _mlc.nn_conv2d_forward(out, x, f32(rng, 4, 2, 3, 3), b, *hp)
    with pytest.raises(ValueError, match=r"bias.shape\[0\] = \d+ does not match weight.shape\[0\]"):
        _mlc.nn_conv2d_forward(out, x, w, f32(rng, 5), *hp)
    with pytest.raises(ValueError, match=r"out.shape\[1\] = \d+ does not match weight.shape\[0\]"):
        _mlc.nn_conv2d_forward(out, x, f32(rng, 5, 3, 3, 3), None, *hp)
    with pytest.raises(ValueError, match=r"out.shape\[0\] = \d+ does not match x.shape\[0\]"):
        _mlc.nn_conv2d_forward(out, f32(rng, 3, 3, 7, 9), w, b, *hp)
    with pytest.raises(ValueError, match=r"out has shape \(2, 4, 7, 9\) but x \(2, 3, 7, 9\) with these "
                                         r"hyper-parameters gives an output of 4 x 5"):
        _mlc.nn_conv2d_forward(out, x, w, b, 2, 2, 1, 1, 1, 1)
    with pytest.raises(ValueError, match=r"x \(2, 3, 7, 9\) is smaller than the kernel \(3, 3\) with padding "
                                         r"\(0, 0\) and dilation \(4, 4\)"):
        _mlc.nn_conv2d_forward(out, x, w, b, 1, 1, 0, 0, 4, 4)
    with pytest.raises(ValueError, match="conv2d: stride must be >= 1"):
        _mlc.nn_conv2d_forward(out, x, w, b, 0, 1, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="conv2d: padding must be >= 0"):
        _mlc.nn_conv2d_forward(out, x, w, b, 1, 1, -1, 1, 1, 1)
    with pytest.raises(ValueError, match="conv2d: dilation must be >= 1"):
        _mlc.nn_conv2d_forward(out, x, w, b, 1, 1, 1, 1, 1, 0)
    with pytest.raises(ValueError, match="exceeds the int range"):
        _mlc.nn_conv2d_forward(out, x, w, b, 1, 1, 2**40, 1, 1, 1)
    with pytest.raises(ValueError, match="exceeds the int range"):
        _mlc.nn_conv2d_forward(out, x, w, b, 2**62, 1, 1, 1, 1, 1)
    with pytest.raises(OverflowError):
        _mlc.nn_conv2d_forward(out, x, w, b, 2**70, 1, 1, 1, 1, 1)
    with pytest.raises(TypeError):
        _mlc.nn_conv2d_forward(out, x, w, b, 1.5, 1, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="with groups=2 they must be x's channels / groups"):
        _mlc.nn_conv2d_forward(out, x, w, b, groups=2)
    with pytest.raises(ValueError, match="kernel_size must be >= 1"):
        _mlc.nn_conv2d_forward(out, x, np.empty((4, 3, 0, 3), np.float32), b, *hp)
    ro = out.copy()
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="out: the array is read-only"):
        _mlc.nn_conv2d_forward(ro, x, w, b, *hp)
    sq = f32(rng, 2, 3, 5, 5)
    with pytest.raises(ValueError, match="out overlaps x"):
        _mlc.nn_conv2d_forward(sq, sq, f32(rng, 3, 3, 1, 1), None)


def test_conv2d_backward_bad_arrays_raise(rng):
    x, w = f32(rng, 2, 3, 7, 9), f32(rng, 4, 3, 3, 3)
    g = f32(rng, 2, 4, 5, 7)
    with pytest.raises(ValueError, match=r"dx.shape\[2\] = \d+ does not match x.shape\[2\]"):
        _mlc.nn_conv2d_backward(np.zeros((2, 3, 6, 9), np.float32), None, None, g, x, w)
    with pytest.raises(ValueError, match=r"dweight.shape\[3\] = \d+ does not match weight.shape\[3\]"):
        _mlc.nn_conv2d_backward(None, np.zeros((4, 3, 3, 2), np.float32), None, g, x, w)
    with pytest.raises(ValueError, match=r"dbias.shape\[0\] = \d+ does not match weight.shape\[0\]"):
        _mlc.nn_conv2d_backward(None, None, np.zeros(3, np.float32), g, x, w)
    with pytest.raises(ValueError, match=r"dout has shape \(2, 4, 5, 7\) but x .* gives an output of 7 x 9"):
        _mlc.nn_conv2d_backward(np.zeros_like(x), None, None, g, x, w, 1, 1, 1, 1)
    with pytest.raises(ValueError, match=r"dout.shape\[1\] = \d+ does not match weight.shape\[0\]"):
        _mlc.nn_conv2d_backward(None, None, None, f32(rng, 2, 5, 5, 7), x, w)
    with pytest.raises(ValueError, match="dweight overlaps weight"):
        _mlc.nn_conv2d_backward(None, w, None, g, x, w)
    dx = np.zeros_like(x)
    with pytest.raises(ValueError, match="dx overlaps dweight"):
        _mlc.nn_conv2d_backward(dx, dx.reshape(-1)[:108].reshape(4, 3, 3, 3), None, g, x, w)
    with pytest.raises(TypeError, match="dbias: expected dtype float32"):
        _mlc.nn_conv2d_backward(None, None, np.zeros(4), g, x, w)
    with pytest.raises(TypeError, match="dout: expected an array, got None"):
        _mlc.nn_conv2d_backward(None, None, None, None, x, w)


@pytest.mark.parametrize("layout", ["F", "view"])
def test_non_contiguous_arrays_raise(rng, layout):
    """The kernels take C-contiguous arrays only (the Python layer converts once); others raise."""
    x4 = f32(rng, 2, 3, 6, 8)
    # the conftest layouts of the (B*C*H, W) matrix, folded back to 4-D: Fortran order or a strided view
    x = layouts(x4.reshape(-1, 8))[layout].reshape(2, 3, 6, 8, order="A")
    assert not x.flags.c_contiguous
    w, out = f32(rng, 4, 3, 3, 3), np.empty((2, 4, 4, 6), np.float32)
    with pytest.raises(ValueError, match="x: expected a C-contiguous aligned array"):
        _mlc.nn_conv2d_forward(out, x, w, None)
    with pytest.raises(ValueError, match="dx: expected a C-contiguous aligned array"):
        _mlc.nn_conv2d_backward(x, None, None, out, x4, w)
    with pytest.raises(ValueError, match="x: expected a C-contiguous aligned array"):
        _mlc.nn_maxpool2d_forward(np.empty((2, 3, 3, 4), np.float32), None, x, 2, 2, 2, 2)
    with pytest.raises(ValueError, match="x: expected a C-contiguous aligned array"):
        _mlc.nn_avgpool2d_forward(np.empty((2, 3, 3, 4), np.float32), x, 2, 2, 2, 2)


def test_pooling_bad_input_raises(rng):
    x = f32(rng, 2, 3, 7, 9)
    out, am = np.empty((2, 3, 3, 4), np.float32), np.empty((2, 3, 3, 4), np.int64)
    _mlc.nn_maxpool2d_forward(out, am, x, 3, 3, 2, 2)  # the valid call
    with pytest.raises(ValueError, match="padding must be at most half the kernel size"):
        _mlc.nn_maxpool2d_forward(out, am, x, 3, 3, 2, 2, 2, 2)
    with pytest.raises(ValueError, match="pool2d: stride must be >= 1"):
        _mlc.nn_maxpool2d_forward(out, am, x, 3, 3, 0, 2)
    with pytest.raises(ValueError, match="pool2d: kernel_size must be >= 1"):
        _mlc.nn_avgpool2d_forward(out, x, 0, 3, 2, 2)
    with pytest.raises(ValueError, match="pool2d: padding must be >= 0"):
        _mlc.nn_avgpool2d_forward(out, x, 3, 3, 2, 2, -1, 0)
    with pytest.raises(ValueError, match=r"x \(2, 3, 7, 9\) is smaller than the kernel \(8, 3\)"):
        _mlc.nn_maxpool2d_forward(out, am, x, 8, 3, 2, 2)
    with pytest.raises(ValueError, match=r"out has shape \(2, 3, 3, 4\) but x \(2, 3, 7, 9\) with these "
                                         r"hyper-parameters gives an output of 6 x 8"):
        _mlc.nn_maxpool2d_forward(out, am, x, 2, 2, 1, 1)
    with pytest.raises(ValueError, match=r"argmax has shape \(2, 3, 3, 3\)"):
        _mlc.nn_maxpool2d_forward(out, np.empty((2, 3, 3, 3), np.int64), x, 3, 3, 2, 2)
    with pytest.raises(TypeError, match="argmax: expected dtype int64"):
        _mlc.nn_maxpool2d_forward(out, am.astype(np.int32), x, 3, 3, 2, 2)
    with pytest.raises(ValueError, match=r"out.shape\[1\] = \d+ does not match x.shape\[1\]"):
        _mlc.nn_avgpool2d_forward(np.empty((2, 4, 3, 4), np.float32), x, 3, 3, 2, 2)
    with pytest.raises(ValueError, match="exceeds the int range"):
        _mlc.nn_avgpool2d_forward(out, x, 3, 3, 2**40, 2)
    with pytest.raises(ValueError, match="argmax overlaps out"):
        buf = np.empty(2 * 3 * 3 * 4, np.float64)
        _mlc.nn_maxpool2d_forward(buf.view(np.float32)[:72].reshape(2, 3, 3, 4),
                                  buf.view(np.int64).reshape(2, 3, 3, 4), x, 3, 3, 2, 2)
    # backward
    dx = np.zeros_like(x)
    with pytest.raises(ValueError, match=r"argmax.shape\[3\] = \d+ does not match dout.shape\[3\]"):
        _mlc.nn_maxpool2d_backward(dx, out, np.zeros((2, 3, 3, 5), np.int64))
    with pytest.raises(ValueError, match=r"dx.shape\[1\] = \d+ does not match dout.shape\[1\]"):
        _mlc.nn_maxpool2d_backward(np.zeros((2, 4, 7, 9), np.float32), out, am)
    bad = am.copy()
    bad[1, 2, 0, 0] = 63
    with pytest.raises(ValueError, match=r"argmax holds an index outside \[0, H\*W\) = \[0, 63\)"):
        _mlc.nn_maxpool2d_backward(dx, out, bad)
    bad[1, 2, 0, 0] = -1
    with pytest.raises(ValueError, match="argmax holds an index outside"):
        _mlc.nn_maxpool2d_backward(dx, out, bad)
    _mlc.nn_maxpool2d_backward(None, out, am)  # no gradient wanted: nothing to do
    with pytest.raises(TypeError, match="dx: expected an array, got None"):
        _mlc.nn_avgpool2d_backward(None, out, 3, 3, 2, 2)
    with pytest.raises(ValueError, match=r"dout has shape \(2, 3, 3, 4\) but dx \(2, 3, 7, 9\) with these "
                                         r"hyper-parameters gives an output of 4 x 5"):
        _mlc.nn_avgpool2d_backward(dx, out, 2, 2, 2, 2, 1, 1)
    with pytest.raises(ValueError, match="dx overlaps dout"):
        _mlc.nn_avgpool2d_backward(dx, dx.reshape(-1)[:72].reshape(2, 3, 3, 4), 3, 3, 2, 2)


# ---- leaks ------------------------------------------------------------------------------------------------
@needs_rss
def test_conv_pool_step_does_not_leak(rng):
    """conv -> maxpool -> avgpool and back, 1,000 times, with an error path each time."""
    x, w, b = f32(rng, 4, 3, 12, 12), f32(rng, 8, 3, 3, 3), f32(rng, 8)
    w1 = f32(rng, 5, 8, 1, 1)
    bufs = {k: np.zeros(s, np.float32) for k, s in dict(
        h=(4, 8, 12, 12), m=(4, 8, 6, 6), z=(4, 5, 6, 6), a=(4, 5, 3, 3), dz=(4, 5, 6, 6), dm=(4, 8, 6, 6),
        dh=(4, 8, 12, 12), dx=(4, 3, 12, 12), dw=(8, 3, 3, 3), db=(8,), dw1=(5, 8, 1, 1)).items()}
    am = np.zeros((4, 8, 6, 6), np.int64)

    def once():
        v = bufs
        _mlc.nn_conv2d_forward(v["h"], x, w, b, 1, 1, 1, 1, 1, 1)
        _mlc.nn_maxpool2d_forward(v["m"], am, v["h"], 2, 2, 2, 2)
        _mlc.nn_conv2d_forward(v["z"], v["m"], w1, None)
        _mlc.nn_avgpool2d_forward(v["a"], v["z"], 3, 3, 2, 2, 1, 1, False)
        _mlc.nn_avgpool2d_backward(v["dz"], v["a"], 3, 3, 2, 2, 1, 1, False)
        _mlc.nn_conv2d_backward(v["dm"], v["dw1"], None, v["dz"], v["m"], w1)
        _mlc.nn_maxpool2d_backward(v["dh"], v["dm"], am)
        _mlc.nn_conv2d_backward(v["dx"], v["dw"], v["db"], v["dh"], x, w, 1, 1, 1, 1, 1, 1)
        for k in ("dz", "dm", "dh"):
            v[k][...] = 0
        try:
            _mlc.nn_conv2d_forward(v["h"], x, w, b, 2, 2, 1, 1, 1, 1)
        except ValueError:
            pass
        try:
            _mlc.nn_maxpool2d_backward(v["dh"], v["dm"], am - 1)
        except ValueError:
            pass

    assert_rss_stable(once)


def test_conv2d_caller_scratch_same_result_and_checked(rng):
    x, w, b = f32(rng, 3, 4, 10, 9), f32(rng, 5, 4, 3, 3), f32(rng, 5)
    hp = (2, 1, 1, 0, 1, 2)
    out = np.empty((3, 5, 5, 5), np.float32)
    _mlc.nn_conv2d_forward(out, x, w, b, *hp)
    n = _mlc.nn_conv2d_scratch_size(x.shape, w.shape, *hp, True, True)
    assert n >= _mlc.nn_conv2d_scratch_size(x.shape, w.shape, *hp, False, False)
    scratch = np.empty(n, np.float32)
    out2 = np.empty_like(out)
    _mlc.nn_conv2d_forward(out2, x, w, b, *hp, scratch=scratch)
    np.testing.assert_array_equal(out, out2)
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    _mlc.nn_conv2d_backward(dx, dw, db, out, x, w, *hp)
    dx2, dw2, db2 = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    _mlc.nn_conv2d_backward(dx2, dw2, db2, out, x, w, *hp, scratch=scratch)
    for a, a2 in ((dx, dx2), (dw, dw2), (db, db2)):
        np.testing.assert_array_equal(a, a2)
    if n > 0:
        with pytest.raises(ValueError, match="scratch has"):
            _mlc.nn_conv2d_forward(out2, x, w, b, *hp, scratch=scratch[:n - 1])
    with pytest.raises(ValueError, match="scratch overlaps x"):
        _mlc.nn_conv2d_forward(out2, x, w, b, *hp, scratch=x.reshape(-1)[:max(n, 1)])
    with pytest.raises(TypeError, match="scratch"):
        _mlc.nn_conv2d_forward(out2, x, w, b, *hp, scratch=scratch.astype(np.float64))
