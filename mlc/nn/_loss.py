"""Losses: fused C kernels (csrc/nn/loss.c) that return the mean loss over a batch and accumulate
its gradient with respect to the network's output (torch keeps them apart from the optimisers too)."""
import numpy as np

from .. import _mlc

__all__ = ["CrossEntropyLoss", "BCEWithLogitsLoss", "MSELoss"]


class _Loss:
    """loss(dout, out, target, sample_weight) -> mean loss; accumulates d loss / d out into dout."""

    def prepare_target(self, y):
        return np.ascontiguousarray(y, dtype=np.float32)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits (B, C) with int64 class targets (B,): torch's CrossEntropyLoss,
    per-sample weights giving the weighted mean."""

    def prepare_target(self, y):
        return np.ascontiguousarray(y, dtype=np.int64)

    def __call__(self, dout, out, target, sample_weight=None):
        return _mlc.nn_softmax_cross_entropy(dout, None, out, target, sample_weight)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits (B, K) with targets in [0, 1] (B, K), mean over all entries."""

    def __call__(self, dout, out, target, sample_weight=None):
        return _mlc.nn_bce_with_logits(dout, out, target, sample_weight)


class MSELoss(_Loss):
    """Mean squared error over all entries of (B, K)."""

    def __call__(self, dout, out, target, sample_weight=None):
        return _mlc.nn_mse(dout, out, target, sample_weight)
