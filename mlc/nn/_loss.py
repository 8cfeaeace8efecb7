"""Losses: fused C kernels (csrc/nn/loss.c) that return the loss over a batch and accumulate its
gradient with respect to the network's output (torch keeps them apart from the optimisers too).

Each loss takes torch's arguments (``weight``, ``ignore_index``, ``label_smoothing``,
``reduction``, ``pos_weight``, ``delta``, ``beta``) and computes torch's formula and reduction. As mlc
has no autograd, a loss gives its value and its gradient at once:

    loss, dout = loss_fn.value_and_grad(out, target)      # dout = d loss / d out, like out
    model.backward(dout)

or, in the training loop's form, ``loss_fn(dout, out, target, sample_weight=None)`` accumulates the
gradient into a preallocated ``dout``. With ``reduction='none'`` the value is the array of
per-sample (per-element) losses and the gradient is that of their sum (torch's
``loss.sum().backward()``).

``sample_weight`` (mlc's, per row; not in torch) weights whole rows, and ``'mean'`` divides by the
weights' sum, so ones give torch's mean (for the class-index losses the weight of a row is
sample_weight * weight[target], as torch's weighted mean).
"""
import numbers

import numpy as np

from .. import _mlc

__all__ = ["CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss"]

_REDUCTIONS = _mlc.ENUMS["nn_reduction"]


def _reduction(reduction, owner):
    if not isinstance(reduction, str) or reduction not in _REDUCTIONS:
        raise ValueError(f"{owner}: reduction must be one of {sorted(_REDUCTIONS)}, got {reduction!r}")
    return reduction


def _real(v, name, owner, lo, hi=None, lo_open=False):
    if not isinstance(v, numbers.Real) or isinstance(v, bool) or not np.isfinite(v):
        raise ValueError(f"{owner}: {name} must be a finite number, got {v!r}")
    if v < lo or (lo_open and v == lo) or (hi is not None and v > hi):
        bound = f"in [{lo}, {hi}]" if hi is not None else f"{'>' if lo_open else '>='} {lo}"
        raise ValueError(f"{owner}: {name} must be {bound}, got {v!r}")
    return float(v)


def _vector(v, name, owner):
    if v is None:
        return None
    v = np.ascontiguousarray(v, dtype=np.float32)
    if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"{owner}: {name} must be a 1-d array of finite non-negative numbers")
    return v


def _f32(a):
    return np.ascontiguousarray(a, dtype=np.float32)


class _Loss:
    """loss(dout, out, target, sample_weight=None) -> loss; accumulates d loss / d out into dout
    (None: no gradient). value_and_grad(out, target, sample_weight=None) -> (loss, dout)."""

    reduction = "mean"

    def prepare_target(self, y):
        return _f32(y)

    def value_and_grad(self, out, target, sample_weight=None):
        """(the loss, its gradient with respect to out, an array like out in float32)."""
        out = _f32(out)
        dout = np.zeros(out.shape, np.float32)
        return self(dout, out, target, sample_weight), dout

    def _weights(self, sample_weight):
        return None if sample_weight is None else _f32(sample_weight)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._repr_args().items())
        return f"{type(self).__name__}({args})"

    def _repr_args(self):
        return {"reduction": self.reduction}


class _ClassLoss(_Loss):
    """Losses over (B, C) scores with int64 class-index targets (B,)."""

    kind = None

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        owner = type(self).__name__
        self.weight = _vector(weight, "weight", owner)
        if not isinstance(ignore_index, numbers.Integral) or isinstance(ignore_index, bool):
            raise ValueError(f"{owner}: ignore_index must be an int, got {ignore_index!r}")
        self.ignore_index = int(ignore_index)
        self.reduction = _reduction(reduction, owner)
        self.label_smoothing = _real(label_smoothing, "label_smoothing", owner, 0.0, 1.0)

    def prepare_target(self, y):
        return np.ascontiguousarray(y, dtype=np.int64)

    def __call__(self, dout, out, target, sample_weight=None):
        out = _f32(out)
        target = self.prepare_target(target)
        row = np.empty(out.shape[0], np.float32) if self.reduction == "none" else None
        loss = _mlc.nn_cross_entropy(dout, row, out, target, self.kind, self.weight, self._weights(sample_weight),
                                     self.ignore_index, self.label_smoothing, _REDUCTIONS[self.reduction])
        return row if row is not None else loss

    def _repr_args(self):
        return {"ignore_index": self.ignore_index, "reduction": self.reduction}


class CrossEntropyLoss(_ClassLoss):
    """torch.nn.CrossEntropyLoss on logits (B, C) and class indices (B,):
    l_i = (1 - e) w_t (-log p_it) + (e / C) sum_c w_c (-log p_ic), p = softmax(logits), e =
    label_smoothing, w = weight (class weights, C; None: ones); a row whose target is ignore_index
    adds nothing. reduction 'mean' divides the sum by sum_i w_t over the rows not ignored (torch's
    weighted mean; a batch whose targets are all ignored raises where torch returns nan), 'sum'
    sums, 'none' gives the (B,) per-row losses.

    Probability ("soft") targets, as torch: a float target of the logits' shape (B, C) holds each
    row's class probabilities q (mixup, distillation): l_i = -sum_c w_c q'_ic log p_ic with
    q' = (1 - e) q + e / C; reduction 'mean' divides by B (torch: the class weights do not enter the
    denominator here), and ignore_index does not apply. Integer targets (B,) are class indices."""
    kind = _mlc.NN_LOSS_CROSS_ENTROPY

    def __call__(self, dout, out, target, sample_weight=None):
        target = np.asarray(target)
        out = _f32(out)
        if target.dtype.kind != "f" or target.ndim != 2:
            return super().__call__(dout, out, target, sample_weight)
        if target.shape != out.shape:
            raise ValueError(f"CrossEntropyLoss: probability targets must have the logits' shape {out.shape}, "
                             f"got {target.shape}")
        target = _f32(target)
        if not np.all(np.isfinite(target)):
            raise ValueError("CrossEntropyLoss: probability targets must be finite")
        row = np.empty(out.shape[0], np.float32) if self.reduction == "none" else None
        loss = _mlc.nn_cross_entropy_probs(dout, row, out, target, self.weight, self._weights(sample_weight),
                                           self.label_smoothing, _REDUCTIONS[self.reduction])
        return row if row is not None else loss

    def _repr_args(self):
        return {**super()._repr_args(), "label_smoothing": self.label_smoothing}


class NLLLoss(_ClassLoss):
    """torch.nn.NLLLoss on log-probabilities (B, C) (a LogSoftmax output) and class indices (B,):
    l_i = -w_t x_it; weight, ignore_index and reduction as CrossEntropyLoss."""
    kind = _mlc.NN_LOSS_NLL

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(weight, ignore_index, reduction)


class _PointwiseLoss(_Loss):
    """Elementwise losses over (B, K) (any shape whose first axis is the batch) and targets of the same shape."""

    kind = None
    delta = 1.0

    def __init__(self, reduction="mean"):
        self.reduction = _reduction(reduction, type(self).__name__)

    def _extra(self, out2):
        return None, None

    def __call__(self, dout, out, target, sample_weight=None):
        out = _f32(out)
        target = _f32(target)
        if target.shape != out.shape:
            raise ValueError(f"{type(self).__name__}: target has shape {target.shape}, the output {out.shape}")
        shape = out.shape
        n = shape[0] if out.ndim else 1
        out2, t2 = out.reshape(n, -1), target.reshape(n, -1)
        d2 = None if dout is None else dout.reshape(n, -1)
        if d2 is not None and not np.shares_memory(d2, dout):
            raise ValueError("dout must be a C-contiguous float32 array shaped like the output")
        elem = np.empty(out2.shape, np.float32) if self.reduction == "none" else None
        weight, pos_weight = self._extra(out2)
        loss = _mlc.nn_pointwise_loss(d2, elem, out2, t2, self.kind, weight, pos_weight, self._weights(sample_weight),
                                      self.delta, _REDUCTIONS[self.reduction])
        return elem.reshape(shape) if elem is not None else loss


class BCEWithLogitsLoss(_PointwiseLoss):
    """torch.nn.BCEWithLogitsLoss on logits z and targets t in [0, 1] of the same shape:
    l = -weight (pos_weight t log s(z) + (1 - t) log(1 - s(z))) (computed without overflow).
    weight: broadcastable to the output's shape (torch's per-element rescaling; None: ones);
    pos_weight: (K,) the positive class's weight per output (None: ones). reduction 'mean' divides by
    the number of elements (torch's; the weights are not normalised), 'sum', 'none'."""
    kind = _mlc.NN_LOSS_BCE_WITH_LOGITS

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.weight = None if weight is None else _f32(weight)
        if self.weight is not None and not np.all(np.isfinite(self.weight)):
            raise ValueError("BCEWithLogitsLoss: weight must be finite")
        self.pos_weight = _vector(pos_weight, "pos_weight", "BCEWithLogitsLoss")

    def _extra(self, out2):
        w = None
        if self.weight is not None:
            try:
                w = _f32(np.broadcast_to(self.weight, out2.shape))
            except ValueError:
                raise ValueError(f"BCEWithLogitsLoss: weight of shape {self.weight.shape} does not broadcast to the "
                                 f"output's shape {out2.shape}") from None
        q = self.pos_weight
        if q is not None and q.size != out2.shape[1]:
            raise ValueError(f"BCEWithLogitsLoss: pos_weight has {q.size} values, the output {out2.shape[1]} columns")
        return w, q


class MSELoss(_PointwiseLoss):
    """torch.nn.MSELoss: l = (out - target)^2; reduction 'mean' (over every element), 'sum', 'none'."""
    kind = _mlc.NN_LOSS_MSE


class L1Loss(_PointwiseLoss):
    """torch.nn.L1Loss: l = |out - target| (gradient sign(out - target), 0 at 0 as torch)."""
    kind = _mlc.NN_LOSS_L1


class HuberLoss(_PointwiseLoss):
    """torch.nn.HuberLoss: l = r^2 / 2 where |r| < delta, else delta (|r| - delta / 2); r = out - target."""
    kind = _mlc.NN_LOSS_HUBER

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = _real(delta, "delta", "HuberLoss", 0.0, lo_open=True)

    def _repr_args(self):
        return {"reduction": self.reduction, "delta": self.delta}


class SmoothL1Loss(_PointwiseLoss):
    """torch.nn.SmoothL1Loss: l = r^2 / (2 beta) where |r| < beta, else |r| - beta / 2 (beta = 0: L1)."""
    kind = _mlc.NN_LOSS_SMOOTH_L1

    def __init__(self, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.delta = self.beta = _real(beta, "beta", "SmoothL1Loss", 0.0)

    def _repr_args(self):
        return {"reduction": self.reduction, "beta": self.beta}
