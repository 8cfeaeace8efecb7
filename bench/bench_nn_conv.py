"""Conv2d, pooling and activation kernels: mlc vs torch (oneDNN / its own kernels), same threads.

Each row times forward + backward of one layer on float32 NCHW data, buffers allocated per call on
both sides (as a training step does); each side runs in its own process with only its own library
loaded (bench._harness.compare_procs), both drawing the same inputs from the same seed. Quality: the
largest absolute difference of each side's outputs (out and every gradient) from torch's, so torch's
column (its last run against its first) is 0 unless torch is itself not deterministic. Forward-only rows
add the achieved GFLOP/s and their share of the machine's sgemm peak, measured by the first row (a
square sgemm through mlc's vendored OpenBLAS, torch.mm beside it). Activation rows (sigmoid, tanh,
softmax over the last axis) time forward + backward (dx = f'(x) dout) on one float32 matrix.
"""
import numpy as np

from bench._harness import Side, compare_procs

MODULE = "bench.bench_nn_conv"


def _max_diff(ours, ref):
    return max(float(np.abs(a - r).max()) if a.size else 0.0 for a, r in zip(ours, ref))


def _inputs(kind, dims, seed=0):
    """The row's float32 inputs, the same arrays in either side's process."""
    rng = np.random.default_rng(seed)
    if kind == "sgemm":
        n = dims["n"]
        return rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    if kind == "maxpool":
        B, C, H, W = dims["x"]
        return (rng.standard_normal((B, C, H, W), dtype=np.float32),
                rng.standard_normal((B, C, H // 2, W // 2), dtype=np.float32))
    if kind == "act":
        return (3 * rng.standard_normal(dims["x"], dtype=np.float32),
                rng.standard_normal(dims["x"], dtype=np.float32))
    B, cin, H, W, cout, k, pad = (dims[d] for d in ("B", "cin", "H", "W", "cout", "k", "pad"))
    x = rng.standard_normal((B, cin, H, W), dtype=np.float32)
    w = (rng.standard_normal((cout, cin, k, k), dtype=np.float32) / np.sqrt(cin * k * k)).astype(np.float32)
    b = rng.standard_normal(cout, dtype=np.float32)
    g = rng.standard_normal((B, cout, H + 2 * pad - k + 1, W + 2 * pad - k + 1), dtype=np.float32)
    return x, w, b, g


def mlc_kernel(threads, kind, dims):
    """mlc's side of a row: a run returns the tuple of its outputs."""
    import mlc
    from mlc import _mlc
    mlc.set_num_threads(threads)
    if kind == "sgemm":
        A, Bm = _inputs(kind, dims)

        def run():
            out = np.empty((len(A), len(Bm)), np.float32)
            _mlc.nn_dense_forward(out, A, Bm, None)   # x @ W^T: one sgemm
            return (out,)
        return run
    if kind == "maxpool":
        x, g = _inputs(kind, dims)

        def run():
            out, am = np.empty(g.shape, np.float32), np.empty(g.shape, np.int64)
            _mlc.nn_maxpool2d_forward(out, am, x, 2, 2, 2, 2)
            dx = np.zeros_like(x)
            _mlc.nn_maxpool2d_backward(dx, g, am)
            return out, dx
        return run
    if kind == "act":
        x, g = _inputs(kind, dims)
        fn = dims["fn"]

        def run():
            out, dx = np.empty_like(x), np.zeros_like(x)
            if fn == "softmax":
                _mlc.nn_softmax_forward(out, x)
                _mlc.nn_softmax_backward(dx, g, out)
            else:
                act = _mlc.ENUMS["nn_activation"][fn]
                _mlc.nn_activation_forward(out, x, act)
                _mlc.nn_activation_backward(dx, g, x, out, act)
            return out, dx
        return run
    x, w, b, g = _inputs(kind, dims)
    hp = (1, 1, dims["pad"], dims["pad"], 1, 1)

    def run():
        out = np.empty(g.shape, np.float32)
        _mlc.nn_conv2d_forward(out, x, w, b, *hp)
        if dims["forward_only"]:
            return (out,)
        dx = np.zeros_like(x) if dims["need_dx"] else None
        dw, db = np.zeros_like(w), np.zeros_like(b)
        _mlc.nn_conv2d_backward(dx, dw, db, g, x, w, *hp)
        return (out, dw, db) + ((dx,) if dims["need_dx"] else ())
    return run


def torch_kernel(threads, kind, dims):
    """torch's side: the same outputs; its result is (outputs, max diff of the last run from the first)."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    if kind == "sgemm":
        A, Bm = (torch.from_numpy(a) for a in _inputs(kind, dims))

        def run():
            return (torch.mm(A, Bm.T).numpy(),)
    elif kind == "maxpool":
        x, g = (torch.from_numpy(a) for a in _inputs(kind, dims))

        def run():
            xx = x.detach().requires_grad_()
            out = F.max_pool2d(xx, 2, 2)
            out.backward(g)
            return out.detach().numpy(), xx.grad.numpy()
    elif kind == "act":
        x, g = (torch.from_numpy(a) for a in _inputs(kind, dims))
        f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "softmax": lambda t: F.softmax(t, dim=-1)}[dims["fn"]]

        def run():
            xx = x.detach().requires_grad_()
            out = f(xx)
            out.backward(g)
            return out.detach().numpy(), xx.grad.numpy()
    else:
        x, w, b, g = (torch.from_numpy(a) for a in _inputs(kind, dims))
        pad, need_dx = dims["pad"], dims["need_dx"]

        def run():
            if dims["forward_only"]:
                with torch.no_grad():
                    return (F.conv2d(x, w, b, padding=pad).numpy(),)
            xx = x.detach().requires_grad_(need_dx)
            ww, bb = w.detach().requires_grad_(), b.detach().requires_grad_()
            out = F.conv2d(xx, ww, bb, padding=pad)
            out.backward(g)
            res = (out.detach().numpy(), ww.grad.numpy(), bb.grad.numpy())
            return res + ((xx.grad.numpy(),) if need_dx else ())
    first = run()
    return run, lambda out: (out, _max_diff(out, first))


def _row(name, kind, dims, repeats):
    return compare_procs("nn_conv", name, Side("mlc", MODULE, "mlc_kernel", dict(kind=kind, dims=dims)),
                         Side("torch", MODULE, "torch_kernel", dict(kind=kind, dims=dims)),
                         "max abs diff vs torch", "torch", repeats=repeats,
                         score=lambda ours, ref: (_max_diff(ours, ref[0]), ref[1]))


def _conv_row(name, B, cin, H, W, cout, k, pad, repeats, need_dx=True, forward_only=False, peak=None):
    dims = dict(B=B, cin=cin, H=H, W=W, cout=cout, k=k, pad=pad, need_dx=need_dx, forward_only=forward_only)
    row = _row(name, "conv", dims, repeats)
    if row is not None and forward_only and peak:
        OH, OW = H + 2 * pad - k + 1, W + 2 * pad - k + 1
        gflops = 2.0 * B * cout * cin * k * k * OH * OW / row.mlc_s / 1e9
        row.note = f" [{gflops:.0f} GFLOP/s, {100 * gflops / peak:.0f}% of sgemm peak]"
    return row


def rows(quick=False):
    repeats = 2 if quick else 5

    # the machine's sgemm peak: one big square product through mlc's OpenBLAS and torch.mm beside it
    n = 1024 if quick else 3072
    row = _row(f"sgemm {n}x{n}x{n} (peak)", "sgemm", dict(n=n), repeats)
    peak = None
    if row is not None:
        peak = 2.0 * n ** 3 / row.mlc_s / 1e9
        row.note = f" [{peak:.0f} GFLOP/s mlc, {2.0 * n ** 3 / row.ref_s / 1e9:.0f} torch]"
    yield row

    b1 = 4 if quick else 32
    bc = 8 if quick else 64
    yield _conv_row(f"conv1x1 256->64 ({b1},256,56,56) fwd+bwd", b1, 256, 56, 56, 64, 1, 0, repeats)
    yield _conv_row(f"conv1x1 256->64 ({b1},256,56,56) fwd", b1, 256, 56, 56, 64, 1, 0, repeats,
                    forward_only=True, peak=peak)
    yield _conv_row(f"conv3x3 1->32 ({bc},1,28,28) fwd+bwd (no dx)", bc, 1, 28, 28, 32, 3, 1, repeats,
                    need_dx=False)
    yield _conv_row(f"conv3x3 32->64 ({bc},32,28,28) fwd+bwd", bc, 32, 28, 28, 64, 3, 1, repeats)
    yield _conv_row(f"conv3x3 64->64 ({b1},64,32,32) fwd+bwd", b1, 64, 32, 32, 64, 3, 1, repeats)
    yield _conv_row(f"conv3x3 64->64 ({b1},64,32,32) fwd", b1, 64, 32, 32, 64, 3, 1, repeats,
                    forward_only=True, peak=peak)
    # max pooling 2x2 / stride 2 on the CNN's feature maps
    yield _row(f"maxpool 2x2 ({bc},32,28,28) fwd+bwd", "maxpool", dict(x=(bc, 32, 28, 28)), repeats)
    # activations forward + backward: elementwise on 1M floats, softmax over rows of 1000 classes
    rows_act = 32 if quick else 256
    for fn in ("sigmoid", "tanh"):
        yield _row(f"{fn} ({rows_act},4096) fwd+bwd", "act", dict(x=(rows_act, 4096), fn=fn), repeats)
    yield _row(f"softmax ({4 * rows_act},1000) fwd+bwd", "act", dict(x=(4 * rows_act, 1000), fn="softmax"), repeats)
