"""Layers a PyTorch script names that reuse mlc's existing kernels: Softmax and LogSoftmax as layers
(csrc/nn/activation.c's row softmax), AdaptiveAvgPool2d (csrc/nn/pool2d.c's average pooling where the
windows tile the input, two small matrix products per plane where they do not), Conv1d (csrc/nn/conv2d.c
on a height-1 view).

The arguments and defaults are torch's, so a torch model's layers map one to one.
"""
import numpy as np

from .. import _mlc
from ._layers import Conv2d, Layer, _pair, _require_rank

__all__ = ["Softmax", "LogSoftmax", "AdaptiveAvgPool2d", "Conv1d"]


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
    pooling. Output cell (i, j) averages the input rows floor(i H / OH) .. ceil((i + 1) H / OH) - 1 and
    the columns alike (torch's windows, which overlap or differ in size when OH does not divide H; OH
    may exceed H), in csrc/nn/pool2d.c's adaptive average pooling.
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
        self.in_shape, self.out_shape = (c, h, w), (c, oh, ow)
        return self.out_shape

    def forward(self, x, training):
        self._n = x.shape[0]
        out = self._buf("out", (x.shape[0],) + self.out_shape)
        _mlc.nn_adaptive_avgpool2d_forward(out, x)
        return out

    def backward(self, dout, need_dx=True):
        if not need_dx:
            return None
        dx = self._buf("dx", (self._n,) + self.in_shape, zero=True)
        _mlc.nn_adaptive_avgpool2d_backward(dx, dout)
        return dx


def _single(v, name):
    """An int, or a 1-tuple of one as torch's _single accepts."""
    if isinstance(v, (tuple, list)) and len(v) == 1:
        v = v[0]
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
        raise ValueError(f"{name} must be an int, got {v!r}")
    return int(v)


class Conv1d(Conv2d):
    """1-D convolution (torch.nn.Conv1d) over (C, L) samples, weight (out_channels,
    in_channels / groups, kernel_size) as torch's.

    Parameters as Conv2d's (groups too), each an int. It runs the conv2d kernels on the (C, 1, L) view
    of the same memory (a 1 x kernel_size window): the same arithmetic, no copy.
    """

    def __init__(self, out_channels, kernel_size=3, stride=1, padding=0, dilation=1, *, in_channels=None,
                 bias=True, init="uniform", gain=1.0, groups=1):
        k, s, p, d = (_single(v, f"Conv1d {n}") for v, n in
                      ((kernel_size, "kernel_size"), (stride, "stride"), (padding, "padding"), (dilation, "dilation")))
        if k < 1 or s < 1 or d < 1 or p < 0:
            raise ValueError(f"Conv1d: kernel_size, stride and dilation must be >= 1 and padding >= 0, got "
                             f"{k}, {s}, {d}, {p}")
        super().__init__(out_channels, (1, k), (1, s), (0, p), (1, d), in_channels=in_channels, bias=bias,
                         init=init, gain=gain, groups=groups)

    def describe(self):
        groups = f", groups={self.groups}" if self.groups != 1 else ""
        return (f"Conv1d({self.in_channels}->{self.out_channels}, {self.kernel_size[1]}, "
                f"stride={self.stride[1]}{groups})")

    def build(self, in_shape):
        _require_rank(self, in_shape, 2, "sequences (channels, length)")
        c, n = (int(v) for v in in_shape)
        try:
            super().build((c, 1, n))
        except ValueError as e:
            raise ValueError(str(e).replace("Conv2d", "Conv1d").replace(f"input 1x{n}", f"input length {n}")) from None
        self.in_shape, self.out_shape = (c, n), (self.out_channels, self.out_shape[2])
        return self.out_shape

    def param_specs(self):
        specs = super().param_specs()
        specs[0].shape = (self.out_channels, self.in_channels // self.groups, self.kernel_size[1])
        return specs

    def _w4(self, a):
        return a.reshape(self.out_channels, self.in_channels // self.groups, 1, self.kernel_size[1])

    def _scratch(self, x):
        n = _mlc.nn_conv2d_scratch_size(x.shape, self._w4(self.params["weight"]).shape, *self._hyper(), True, True,
                                        self.groups)
        return self._buf("scratch", (n,))

    def forward(self, x, training):
        x4 = self._x = x.reshape(x.shape[0], x.shape[1], 1, x.shape[2])
        out = self._buf("out", (x.shape[0], self.out_channels, 1, self.out_shape[1]))
        _mlc.nn_conv2d_forward(out, x4, self._w4(self.params["weight"]), self.params.get("bias"), *self._hyper(),
                               scratch=self._scratch(x4), groups=self.groups)
        return out.reshape((x.shape[0],) + self.out_shape)

    def backward(self, dout, need_dx=True):
        dx = self._buf("dx", self._x.shape, zero=True) if need_dx else None
        _mlc.nn_conv2d_backward(dx, self._w4(self.grads["weight"]), self.grads.get("bias"),
                                dout.reshape(dout.shape[0], dout.shape[1], 1, dout.shape[2]), self._x,
                                self._w4(self.params["weight"]), *self._hyper(), scratch=self._scratch(self._x),
                                groups=self.groups)
        return None if dx is None else dx.reshape(self._x.shape[0], self._x.shape[1], self._x.shape[3])
