"""Conv2d and pooling kernels: mlc (im2col + sgemm) vs torch (oneDNN / its own kernels), same threads.

Each row times forward + backward of one layer on float32 NCHW data, buffers allocated per call on
both sides (as a training step does). Quality: the largest absolute difference of each side's
outputs (out and every gradient) from torch's, so torch's column is 0 unless torch is itself not
deterministic. Forward-only rows add the achieved GFLOP/s and their share of the machine's sgemm
peak, measured by the first row (a square sgemm through mlc's vendored OpenBLAS, torch.mm beside it).
"""
import numpy as np

from bench._harness import compare


def _max_diff(ours, ref):
    return max(float(np.abs(a - r).max()) if a.size else 0.0 for a, r in zip(ours, ref))


def _conv_row(torch, F, _mlc, rng, name, B, cin, H, W, cout, k, pad, repeats, need_dx=True, forward_only=False,
              peak=None):
    x = rng.standard_normal((B, cin, H, W), dtype=np.float32)
    w = (rng.standard_normal((cout, cin, k, k), dtype=np.float32) / np.sqrt(cin * k * k)).astype(np.float32)
    b = rng.standard_normal(cout, dtype=np.float32)
    OH, OW = H + 2 * pad - k + 1, W + 2 * pad - k + 1
    g = rng.standard_normal((B, cout, OH, OW), dtype=np.float32)
    hp = (1, 1, pad, pad, 1, 1)
    tx, tw, tb, tg = (torch.from_numpy(a) for a in (x, w, b, g))

    def ours():
        out = np.empty((B, cout, OH, OW), np.float32)
        _mlc.nn_conv2d_forward(out, x, w, b, *hp)
        if forward_only:
            return (out,)
        dx = np.zeros_like(x) if need_dx else None
        dw, db = np.zeros_like(w), np.zeros_like(b)
        _mlc.nn_conv2d_backward(dx, dw, db, g, x, w, *hp)
        return (out, dw, db) + ((dx,) if need_dx else ())

    def theirs():
        if forward_only:
            with torch.no_grad():
                return (F.conv2d(tx, tw, tb, padding=pad).numpy(),)
        xx = tx.detach().requires_grad_(need_dx)
        ww, bb = tw.detach().requires_grad_(), tb.detach().requires_grad_()
        out = F.conv2d(xx, ww, bb, padding=pad)
        out.backward(tg)
        res = (out.detach().numpy(), ww.grad.numpy(), bb.grad.numpy())
        return res + ((xx.grad.numpy(),) if need_dx else ())

    ref = theirs()
    row = compare("nn_conv", name, ours, theirs, lambda o: _max_diff(o, ref), "max abs diff vs torch",
                  ref_name="torch", repeats=repeats)
    if forward_only and peak:
        gflops = 2.0 * B * cout * cin * k * k * OH * OW / row.mlc_s / 1e9
        row.work += f" [{gflops:.0f} GFLOP/s, {100 * gflops / peak:.0f}% of sgemm peak]"
    return row


def rows(quick=False):
    import torch
    import torch.nn.functional as F

    import mlc
    from mlc import _mlc

    torch.set_num_threads(mlc.get_num_threads())
    rng = np.random.default_rng(0)
    repeats = 2 if quick else 5

    # the machine's sgemm peak: one big square product through mlc's OpenBLAS (nn_dense_forward is
    # x @ W^T, a single sgemm) and torch.mm beside it
    n = 1024 if quick else 3072
    A, Bm = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    tA, tB = torch.from_numpy(A), torch.from_numpy(Bm).T

    def sgemm_mlc():
        out = np.empty((n, n), np.float32)
        _mlc.nn_dense_forward(out, A, Bm, None)
        return out

    ref_c = torch.mm(tA, tB).numpy()
    row = compare("nn_conv", f"sgemm {n}x{n}x{n} (peak)", sgemm_mlc, lambda: torch.mm(tA, tB).numpy(),
                  lambda o: float(np.abs(o - ref_c).max()), "max abs diff vs torch", ref_name="torch",
                  repeats=repeats)
    peak = 2.0 * n ** 3 / row.mlc_s / 1e9
    row.work += f" [{peak:.0f} GFLOP/s mlc, {2.0 * n ** 3 / row.ref_s / 1e9:.0f} torch]"
    yield row

    b1 = 4 if quick else 32
    bc = 8 if quick else 64
    yield _conv_row(torch, F, _mlc, rng, f"conv1x1 256->64 ({b1},256,56,56) fwd+bwd", b1, 256, 56, 56, 64, 1, 0,
                    repeats)
    yield _conv_row(torch, F, _mlc, rng, f"conv1x1 256->64 ({b1},256,56,56) fwd", b1, 256, 56, 56, 64, 1, 0,
                    repeats, forward_only=True, peak=peak)
    yield _conv_row(torch, F, _mlc, rng, f"conv3x3 1->32 ({bc},1,28,28) fwd+bwd (no dx)", bc, 1, 28, 28, 32, 3, 1,
                    repeats, need_dx=False)
    yield _conv_row(torch, F, _mlc, rng, f"conv3x3 32->64 ({bc},32,28,28) fwd+bwd", bc, 32, 28, 28, 64, 3, 1,
                    repeats)
    yield _conv_row(torch, F, _mlc, rng, f"conv3x3 64->64 ({b1},64,32,32) fwd+bwd", b1, 64, 32, 32, 64, 3, 1,
                    repeats)
    yield _conv_row(torch, F, _mlc, rng, f"conv3x3 64->64 ({b1},64,32,32) fwd", b1, 64, 32, 32, 64, 3, 1,
                    repeats, forward_only=True, peak=peak)

    # max pooling 2x2 / stride 2 on the CNN's feature maps
    x = rng.standard_normal((bc, 32, 28, 28), dtype=np.float32)
    g = rng.standard_normal((bc, 32, 14, 14), dtype=np.float32)
    tx, tg = torch.from_numpy(x), torch.from_numpy(g)

    def pool_mlc():
        out, am = np.empty((bc, 32, 14, 14), np.float32), np.empty((bc, 32, 14, 14), np.int64)
        _mlc.nn_maxpool2d_forward(out, am, x, 2, 2, 2, 2)
        dx = np.zeros_like(x)
        _mlc.nn_maxpool2d_backward(dx, g, am)
        return out, dx

    def pool_torch():
        xx = tx.detach().requires_grad_()
        out = F.max_pool2d(xx, 2, 2)
        out.backward(tg)
        return out.detach().numpy(), xx.grad.numpy()

    ref = pool_torch()
    yield compare("nn_conv", f"maxpool 2x2 ({bc},32,28,28) fwd+bwd", pool_mlc, pool_torch,
                  lambda o: _max_diff(o, ref), "max abs diff vs torch", ref_name="torch", repeats=repeats)
