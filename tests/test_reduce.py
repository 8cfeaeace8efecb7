"""csrc/core/reduce.h: the chunked reductions give the same bits for any thread count, also at the
sizes where the split into chunks changes (one chunk more or less, the last chunk short)."""
import numpy as np
import pytest

import mlc
from mlc import _mlc

F32 = np.float32


def _with_threads(fn):
    old = mlc.get_num_threads()
    try:
        out = []
        for n in (1, 2):
            mlc.set_num_threads(n)
            out.append(fn())
        return out
    finally:
        mlc.set_num_threads(old)


# sum of squares: chunks of max(ceil(n / 64), 16384) items
@pytest.mark.parametrize("n", [64 * 16384 - 1, 64 * 16384, 64 * 16384 + 1, 3 * 2**20 + 7])
def test_sum_squares_same_bits_at_chunk_edges(rng, n):
    x = rng.normal(size=n).astype(F32)
    a, b = _with_threads(lambda: _mlc.nn_sum_squares(x))
    assert a == b


# softmax cross entropy: chunks of max(ceil(B / 64), 16) rows
@pytest.mark.parametrize("B", [64 * 16 * 5 - 1, 64 * 16 * 5, 64 * 16 * 5 + 1])
def test_loss_same_bits_at_chunk_edges(rng, B):
    C = 256
    z = rng.normal(size=(B, C)).astype(F32)
    t = rng.integers(0, C, size=B).astype(np.int64)

    def run():
        dz = np.zeros_like(z)
        return _mlc.nn_softmax_cross_entropy(dz, None, z, t), dz

    (la, ga), (lb, gb) = _with_threads(run)
    assert la == lb
    np.testing.assert_array_equal(ga, gb)


# gradient clipping: 64 chunks of ceil(P / 64) parameters, fewer when P is small
@pytest.mark.parametrize("P", [1, 63, 64 * 20000 + 1])
@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, np.inf])
def test_clip_norm_same_bits(rng, P, norm_type):
    g0 = rng.normal(size=P).astype(F32)

    def run():
        g = g0.copy()
        return _mlc.nn_clip_grad_norm(g, 0.5, norm_type), g

    (na, ga), (nb, gb) = _with_threads(run)
    assert na == nb
    np.testing.assert_array_equal(ga, gb)
