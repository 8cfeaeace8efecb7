import gc
import os

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
