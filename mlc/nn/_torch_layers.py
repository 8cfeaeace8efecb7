"""Layers a PyTorch script names that reuse mlc's existing kernels: Softmax and LogSoftmax as layers
(csrc/nn/activation.c's row softmax), AdaptiveAvgPool2d (csrc/nn/pool2d.c's average pooling).

The arguments and defaults are torch's, so a torch model's layers map one to one.
"""
import numpy as np

from .. import _mlc
from ._layers import Layer, _pair, _require_rank

__all__ = ["Softmax", "LogSoftmax", "AdaptiveAvgPool2d"]


class _SoftmaxBase(Layer):
    _forward = _backward = None  # the row kernels of csrc/nn/activation.c

    def __init__(self, dim=1):
        super().__init__()
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise ValueError(f"{type(self).__name__} dim must be an int (an axis of the batch), got {dim!r}")
        self.dim = int(dim)

    def describe(self):
        return f"{type(self).__name__}(dim={self.dim})"

    def build(self, in_shape):
        self.in_shape = self.out_shape = tuple(int(v) for v in in_shape)
        rank = len(self.in_shape) + 1  # the batch's axes, as torch counts dim
        if not -rank <= self.dim < rank:
            raise ValueError(f"{self.describe()}: dim is out of range for a batch of {rank} axes "
                             f"(samples of shape {self.in_shape})")
        self._axis = self.dim % rank
        if self._axis == 0:
            raise ValueError(f"{self.describe()}: dim 0 is the batch axis; a layer normalises within a sample")
        return self.out_shape

    # the kernels work on the last axis of a (rows, C) array: move the axis there and back
    def _rows(self, a):
        return np.ascontiguousarray(np.moveaxis(a, self._axis, -1)).reshape(-1, a.shape[self._axis])

    def _unrows(self, r, shape):
        moved = tuple(np.delete(np.array(shape), self._axis)) + (shape[self._axis],)
        return np.moveaxis(r.reshape(moved), -1, self._axis)

    def forward(self, x, training):
        last = self._axis == x.ndim - 1
        xr = x.reshape(-1, x.shape[-1]) if last else self._rows(x)
        out = self._buf("out", xr.shape)
        type(self)._forward(out, xr)
        self._out_rows, self._shape = out, x.shape
        return out.reshape(x.shape) if last else np.ascontiguousarray(self._unrows(out, x.shape))

    def backward(self, dout, need_dx=True):
        if not need_dx:
            return None
        last = self._axis == dout.ndim - 1
        gr = dout.reshape(-1, dout.shape[-1]) if last else self._rows(dout)
        dx = self._buf("dx", gr.shape, zero=True)
        type(self)._backward(dx, gr, self._out_rows)
        return dx.reshape(self._shape) if last else np.ascontiguousarray(self._unrows(dx, self._shape))


class Softmax(_SoftmaxBase):
    """exp(x) / sum exp(x) along ``dim`` (torch.nn.Softmax), max-subtracted so it never overflows.

    dim counts the batch's axes as torch does: 1 (the default here; torch's implicit choice for 2-D and
    4-D input) is the features of a flat sample or the channels of an image; -1 is the last axis.
    Before CrossEntropyLoss use no Softmax (the loss applies it); use it for outputs read as
    probabilities, or with LogSoftmax before NLLLoss.
    """
    _forward = staticmethod(_mlc.nn_softmax_forward)
    _backward = staticmethod(_mlc.nn_softmax_backward)


class LogSoftmax(_SoftmaxBase):
    """x - log(sum exp(x)) along ``dim`` (torch.nn.LogSoftmax), the sum in float64; dim as Softmax."""
    _forward = staticmethod(_mlc.nn_log_softmax_forward)
    _backward = staticmethod(_mlc.nn_log_softmax_backward)


class AdaptiveAvgPool2d(Layer):
    """Average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d) over (C, H, W) samples.

    output_size : int or (int, int); None in the pair keeps that input size. 1 is global average
    pooling. Output cell i averages the input rows floor(i H / OH) .. ceil((i + 1) H / OH) - 1 (torch's
    windows); mlc supports the sizes where these windows tile the input evenly (OH divides H and OW
    divides W, which includes global pooling), and raises for the others.
    """

    def __init__(self, output_size):
        super().__init__()
        if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
            sizes = tuple(None if v is None else _pair(v, "AdaptiveAvgPool2d output_size")[0] for v in output_size)
        else:
            sizes = _pair(output_size, "AdaptiveAvgPool2d output_size")
        if any(v is not None and v < 1 for v in sizes):
            raise ValueError(f"AdaptiveAvgPool2d output_size must be >= 1, got {output_size!r}")
        self.output_size = sizes

    def describe(self):
        return f"AdaptiveAvgPool2d({self.output_size})"

    def build(self, in_shape):
        _require_rank(self, in_shape, 3, "images (channels, height, width)")
        c, h, w = (int(v) for v in in_shape)
        oh, ow = (n if o is None else o for o, n in zip(self.output_size, (h, w)))
        if h % oh or w % ow:
            raise ValueError(f"{self.describe()}: the output {oh}x{ow} must divide the input {h}x{w} "
                             "(mlc pools in equal windows; torch's uneven windows are not supported)")
        self._kernel = (h // oh, w // ow)
        self.in_shape, self.out_shape = (c, h, w), (c, oh, ow)
        return self.out_shape

    def forward(self, x, training):
        out = self._buf("out", (x.shape[0],) + self.out_shape)
        self._n = x.shape[0]
        _mlc.nn_avgpool2d_forward(out, x, *self._kernel, *self._kernel)
        return out

    def backward(self, dout, need_dx=True):
        if not need_dx:
            return None
        dx = self._buf("dx", (self._n,) + self.in_shape, zero=True)
        _mlc.nn_avgpool2d_backward(dx, dout, *self._kernel, *self._kernel)
        return dx
