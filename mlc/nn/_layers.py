"""Layers: small Python objects over the C kernels of csrc/nn/ (float32, NCHW, as PyTorch).

A layer knows the shape of one sample it takes and gives (``build``), the parameters it needs
(``param_specs``: name, shape, initialiser, whether weight decay applies), and how to run forward
and backward on a batch. Parameters are not owned by the layer: the model carves them, and their
gradients, out of ONE flat float32 buffer each (DESIGN.md: one optimiser call, one norm, one array
to save) and hands each layer its views. Forward keeps what backward needs; backward returns the
gradient of the input (or None when it is not wanted) and ACCUMULATES parameter gradients into the
views, so ``model.zero_grad()`` comes before each step.

Shapes: a sample is (features,) for dense layers or (channels, height, width) for convolutions and
pooling; a batch adds the leading batch axis B.
"""
import numpy as np

from .. import _mlc
from .._validation import csr_parts

__all__ = ["Layer", "Dense", "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d",
           "Dropout", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Identity", "Flatten", "Residual"]

# initialiser kinds of nn_init (csrc/nn/init.h)
_INIT = _mlc.ENUMS["nn_init"]
_ACT = _mlc.ENUMS["nn_activation"]


def _pair(v, name):
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v), int(v)
    try:
        a, b = v
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}") from None
    if not all(isinstance(u, (int, np.integer)) and not isinstance(u, bool) for u in (a, b)):
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    return int(a), int(b)


def _positive_int(v, name, minimum=1):
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {v!r}")
    return int(v)


class ParamSpec:
    """One parameter tensor of a layer: its shape, how it starts, and whether L2/L1 apply."""
    __slots__ = ("name", "shape", "init", "fan_in", "fan_out", "gain", "decay")

    def __init__(self, name, shape, init, fan_in, fan_out, gain=1.0, decay=True):
        self.name, self.shape, self.init = name, tuple(int(s) for s in shape), init
        self.fan_in, self.fan_out, self.gain, self.decay = int(fan_in), int(fan_out), float(gain), decay

    @property
    def size(self):
        return int(np.prod(self.shape))


class Layer:
    """Base class. Subclasses set ``in_shape``/``out_shape`` in build and implement forward/backward."""

    def __init__(self):
        self.in_shape = None
        self.out_shape = None
        self.params = {}   # name -> float32 view into the model's flat parameter buffer
        self.grads = {}    # name -> float32 view into the model's flat gradient buffer
        self.buffers = {}  # name -> float32 view into the model's flat buffer of non-trained state
        self._cache = {}

    # ---- structure ----
    def build(self, in_shape):
        """Fix the per-sample input shape; return the per-sample output shape. Raise ValueError
        (naming the layer) when the input does not fit."""
        self.in_shape = tuple(in_shape)
        self.out_shape = self.in_shape
        return self.out_shape

    def param_specs(self):
        return []

    def buffer_specs(self):
        """Non-trained state saved with the model (batch norm's running statistics): (name, shape, fill)."""
        return []

    def children(self):
        return []

    def describe(self):
        return type(self).__name__

    def __repr__(self):
        return self.describe()

    # ---- scratch reused across batches of the same shape (no allocation per step) ----
    def _buf(self, key, shape, dtype=np.float32, zero=False):
        a = self._cache.get(key)
        if a is None or a.shape != shape or a.dtype != dtype:
            a = np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
            self._cache[key] = a
        elif zero:
            a.fill(0)
        return a

    def __getstate__(self):
        # scratch and what forward kept for backward are not part of the model
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._cache = {}

    def _free_cache(self):
        self._cache = {}
        for c in self.children():
            c._free_cache()

    # ---- computation ----
    def forward(self, x, training):
        raise NotImplementedError

    def backward(self, dout, need_dx=True):
        raise NotImplementedError


def _require_rank(layer, in_shape, rank, what):
    if len(in_shape) != rank:
        raise ValueError(f"{layer.describe()} expects {what} (a sample of {rank} axes), got a sample of "
                         f"shape {tuple(in_shape)}")


class Dense(Layer):
    """Fully connected layer y = x W^T + b, W of shape (out_features, in_features) as torch.nn.Linear.

    Parameters
    ----------
    out_features : int
    in_features : int or None
        Checked against the previous layer when given; inferred when None.
    bias : bool, default=True
    init : {'uniform', 'xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal'}, default='uniform'
        'uniform' is PyTorch's default for Linear, U(-1/sqrt(in), 1/sqrt(in)) for W and b. Biases
        start at zero for the other initialisers.
    gain : float, default=1.0
        Multiplies the initialiser's scale (sqrt(2) for ReLU in He's scheme is applied automatically
        for 'he_*' when gain is 1).
    bias_init : None or one of init's values, or 'zeros'
        None: torch's rule above. Otherwise the bias is drawn as that initialiser draws the weight
        (the same fans and gain): 'xavier_uniform' is scikit-learn's MLP, whose biases are
        U(-a, a) like its weights.
    """

    def __init__(self, out_features, in_features=None, *, bias=True, init="uniform", gain=1.0, bias_init=None):
        super().__init__()
        self.out_features = _positive_int(out_features, "Dense out_features")
        self.in_features = None if in_features is None else _positive_int(in_features, "Dense in_features")
        self.bias = bool(bias)
        if init not in _INIT or init in ("zeros", "ones"):
            raise ValueError(f"Dense init must be one of 'uniform', 'xavier_uniform', 'xavier_normal', "
                             f"'he_uniform', 'he_normal', got {init!r}")
        self.init, self.gain = init, float(gain)
        if bias_init is not None and (bias_init not in _INIT or bias_init == "ones"):
            raise ValueError(f"Dense bias_init must be None, 'zeros', 'uniform', 'xavier_uniform', 'xavier_normal', "
                             f"'he_uniform' or 'he_normal', got {bias_init!r}")
        self.bias_init = bias_init

    def describe(self):
        return f"Dense({self.in_features}->{self.out_features})"

    def build(self, in_shape):
        _require_rank(self, in_shape, 1, "flat features (add Flatten after a convolution)")
        if self.in_features is not None and in_shape[0] != self.in_features:
            raise ValueError(f"{self.describe()} expects {self.in_features} input features, but the previous "
                             f"layer gives {in_shape[0]}")
        self.in_features = int(in_shape[0])
        self.in_shape, self.out_shape = (self.in_features,), (self.out_features,)
        return self.out_shape

    def param_specs(self):
        gain = self.gain * (np.sqrt(2.0) if self.init.startswith("he") and self.gain == 1.0 else 1.0)
        specs = [ParamSpec("weight", (self.out_features, self.in_features), self.init, self.in_features,
                           self.out_features, gain, decay=True)]
        if self.bias and getattr(self, "bias_init", None) is not None:  # (getattr: Dense pickled before it)
            specs.append(ParamSpec("bias", (self.out_features,), self.bias_init, self.in_features, self.out_features,
                                   gain, decay=False))
        elif self.bias:
            specs.append(ParamSpec("bias", (self.out_features,), "uniform" if self.init == "uniform" else "zeros",
                                   self.in_features, self.out_features, 1.0, decay=False))
        return specs

    def forward(self, x, training):
        self._x = x
        out = self._buf("out", (x.shape[0], self.out_features))
        if isinstance(x, np.ndarray):
            _mlc.nn_dense_forward(out, x, self.params["weight"], self.params.get("bias"))
        else:  # a CSR batch (the network's input): never densified
            _mlc.nn_dense_forward_csr(out, *csr_parts(x)[:3], self.params["weight"], self.params.get("bias"))
        return out

    def backward(self, dout, need_dx=True):
        if not isinstance(self._x, np.ndarray):
            if need_dx:
                raise ValueError(f"{self.describe()}: a sparse input has no gradient (it is the network's input)")
            _mlc.nn_dense_backward_csr(self.grads["weight"], self.grads.get("bias"), dout, *csr_parts(self._x)[:3])
            return None
        dx = self._buf("dx", self._x.shape, zero=True) if need_dx else None
        _mlc.nn_dense_backward(dx, self.grads["weight"], self.grads.get("bias"), dout, self._x,
                               self.params["weight"])
        return dx


def _conv_out(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


class Conv2d(Layer):
    """2-D convolution (cross-correlation, as torch.nn.Conv2d) over (C, H, W) samples.

    Parameters
    ----------
    out_channels : int
    kernel_size, stride, padding, dilation : int or (int, int)
        padding is zero padding on each side.
    in_channels : int or None
        Checked against the previous layer when given; inferred when None.
    bias : bool, default=True
    init : as Dense ('uniform' is PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
        fan_in = in_channels / groups * kh * kw).
    groups : int, default=1
        As torch's: the channels split into ``groups`` independent convolutions, each from
        in_channels / groups inputs to out_channels / groups outputs (both must divide); the weight is
        (out_channels, in_channels / groups, kh, kw). groups = in_channels is the depthwise convolution.
    """
    groups = 1  # the default of a layer pickled before groups existed

    def __init__(self, out_channels, kernel_size=3, stride=1, padding=0, dilation=1, *, in_channels=None,
                 bias=True, init="uniform", gain=1.0, groups=1):
        super().__init__()
        self.groups = _positive_int(groups, "Conv2d groups")
        self.out_channels = _positive_int(out_channels, "Conv2d out_channels")
        if self.out_channels % self.groups:
            raise ValueError(f"Conv2d: out_channels {self.out_channels} must be divisible by groups {self.groups}")
        self.in_channels = None if in_channels is None else _positive_int(in_channels, "Conv2d in_channels")
        self.kernel_size = _pair(kernel_size, "Conv2d kernel_size")
        self.stride = _pair(stride, "Conv2d stride")
        self.padding = _pair(padding, "Conv2d padding")
        self.dilation = _pair(dilation, "Conv2d dilation")
        if min(self.kernel_size) < 1 or min(self.stride) < 1 or min(self.dilation) < 1 or min(self.padding) < 0:
            raise ValueError(f"Conv2d: kernel_size, stride and dilation must be >= 1 and padding >= 0, got "
                             f"{self.kernel_size}, {self.stride}, {self.dilation}, {self.padding}")
        self.bias = bool(bias)
        if init not in _INIT or init in ("zeros", "ones"):
            raise ValueError(f"Conv2d init must be one of 'uniform', 'xavier_uniform', 'xavier_normal', "
                             f"'he_uniform', 'he_normal', got {init!r}")
        self.init, self.gain = init, float(gain)

    def describe(self):
        kh, kw = self.kernel_size
        groups = f", groups={self.groups}" if self.groups != 1 else ""
        return f"Conv2d({self.in_channels}->{self.out_channels}, {kh}x{kw}, stride={self.stride[0]}{groups})"

    def build(self, in_shape):
        _require_rank(self, in_shape, 3, "images (channels, height, width)")
        c, h, w = in_shape
        if self.in_channels is not None and c != self.in_channels:
            raise ValueError(f"{self.describe()} expects {self.in_channels} input channels, but the previous "
                             f"layer gives {c}")
        if c % self.groups:
            raise ValueError(f"{self.describe()}: the {c} input channels must be divisible by groups {self.groups}")
        self.in_channels = int(c)
        oh = _conv_out(h, self.kernel_size[0], self.stride[0], self.padding[0], self.dilation[0])
        ow = _conv_out(w, self.kernel_size[1], self.stride[1], self.padding[1], self.dilation[1])
        if oh < 1 or ow < 1:
            raise ValueError(f"{self.describe()}: the input {h}x{w} is smaller than the (dilated) kernel "
                             f"{self.kernel_size} with padding {self.padding}")
        self.in_shape, self.out_shape = (int(c), int(h), int(w)), (self.out_channels, oh, ow)
        return self.out_shape

    def param_specs(self):
        kh, kw = self.kernel_size
        cg = self.in_channels // self.groups
        fan_in, fan_out = cg * kh * kw, self.out_channels * kh * kw  # torch's, from the weight's shape
        gain = self.gain * (np.sqrt(2.0) if self.init.startswith("he") and self.gain == 1.0 else 1.0)
        specs = [ParamSpec("weight", (self.out_channels, cg, kh, kw), self.init, fan_in,
                           fan_out, gain, decay=True)]
        if self.bias:
            specs.append(ParamSpec("bias", (self.out_channels,), "uniform" if self.init == "uniform" else "zeros",
                                   fan_in, fan_out, 1.0, decay=False))
        return specs

    def _hyper(self):
        return (*self.stride, *self.padding, *self.dilation)

    def _scratch(self, x):
        # one im2col buffer for forward and backward: the backward size with a weight gradient is the larger
        n = _mlc.nn_conv2d_scratch_size(x.shape, self.params["weight"].shape, *self._hyper(), True, True,
                                        self.groups)
        return self._buf("scratch", (n,))

    def forward(self, x, training):
        self._x = x
        out = self._buf("out", (x.shape[0],) + self.out_shape)
        _mlc.nn_conv2d_forward(out, x, self.params["weight"], self.params.get("bias"), *self._hyper(),
                               scratch=self._scratch(x), groups=self.groups)
        return out

    def backward(self, dout, need_dx=True):
        dx = self._buf("dx", self._x.shape, zero=True) if need_dx else None
        _mlc.nn_conv2d_backward(dx, self.grads["weight"], self.grads.get("bias"), dout, self._x,
                                self.params["weight"], *self._hyper(), scratch=self._scratch(self._x),
                                groups=self.groups)
        return dx


class _Pool2d(Layer):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name = type(self).__name__
        self.kernel_size = _pair(kernel_size, f"{name} kernel_size")
        self.stride = self.kernel_size if stride is None else _pair(stride, f"{name} stride")
        self.padding = _pair(padding, f"{name} padding")
        if min(self.kernel_size) < 1 or min(self.stride) < 1 or min(self.padding) < 0:
            raise ValueError(f"{name}: kernel_size and stride must be >= 1 and padding >= 0")
        if self.padding[0] > self.kernel_size[0] // 2 or self.padding[1] > self.kernel_size[1] // 2:
            raise ValueError(f"{name}: padding {self.padding} must be at most half the kernel size "
                             f"{self.kernel_size}")

    def describe(self):
        return f"{type(self).__name__}({self.kernel_size[0]}x{self.kernel_size[1]}, stride={self.stride[0]})"

    def build(self, in_shape):
        _require_rank(self, in_shape, 3, "images (channels, height, width)")
        c, h, w = in_shape
        oh = _conv_out(h, self.kernel_size[0], self.stride[0], self.padding[0], 1)
        ow = _conv_out(w, self.kernel_size[1], self.stride[1], self.padding[1], 1)
        if oh < 1 or ow < 1:
            raise ValueError(f"{self.describe()}: the input {h}x{w} is smaller than the window")
        self.in_shape, self.out_shape = tuple(int(v) for v in in_shape), (int(c), oh, ow)
        return self.out_shape

    def _hyper(self):
        return (*self.kernel_size, *self.stride, *self.padding)


class MaxPool2d(_Pool2d):
    """Max pooling over (C, H, W) samples (torch.nn.MaxPool2d; padding counts as -inf). stride
    defaults to kernel_size."""

    def forward(self, x, training):
        out = self._buf("out", (x.shape[0],) + self.out_shape)
        self._argmax = self._buf("argmax", out.shape, np.int64)
        self._n = x.shape[0]
        _mlc.nn_maxpool2d_forward(out, self._argmax, x, *self._hyper())
        return out

    def backward(self, dout, need_dx=True):
        if not need_dx:
            return None
        dx = self._buf("dx", (self._n,) + self.in_shape, zero=True)
        _mlc.nn_maxpool2d_backward(dx, dout, self._argmax)
        return dx


class AvgPool2d(_Pool2d):
    """Average pooling over (C, H, W) samples (torch.nn.AvgPool2d, count_include_pad as torch)."""

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__(kernel_size, stride, padding)
        self.count_include_pad = bool(count_include_pad)

    def forward(self, x, training):
        out = self._buf("out", (x.shape[0],) + self.out_shape)
        self._n = x.shape[0]
        _mlc.nn_avgpool2d_forward(out, x, *self._hyper(), self.count_include_pad)
        return out

    def backward(self, dout, need_dx=True):
        if not need_dx:
            return None
        dx = self._buf("dx", (self._n,) + self.in_shape, zero=True)
        _mlc.nn_avgpool2d_backward(dx, dout, *self._hyper(), self.count_include_pad)
        return dx


class _BatchNorm(Layer):
    _rank = None

    def __init__(self, num_features=None, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        name = type(self).__name__
        self.num_features = None if num_features is None else _positive_int(num_features, f"{name} num_features")
        if not (isinstance(eps, (int, float)) and eps > 0):
            raise ValueError(f"{name} eps must be > 0, got {eps!r}")
        if not (isinstance(momentum, (int, float)) and 0 <= momentum <= 1):
            raise ValueError(f"{name} momentum must be in [0, 1], got {momentum!r}")
        self.eps, self.momentum = float(eps), float(momentum)
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)

    def describe(self):
        return f"{type(self).__name__}({self.num_features})"

    def build(self, in_shape):
        if len(in_shape) not in self._rank:
            raise ValueError(f"{self.describe()} expects samples of {' or '.join(map(str, self._rank))} axes, "
                             f"got shape {tuple(in_shape)}")
        if self.num_features is not None and in_shape[0] != self.num_features:
            raise ValueError(f"{self.describe()} expects {self.num_features} channels, but the previous layer "
                             f"gives {in_shape[0]}")
        self.num_features = int(in_shape[0])
        self.in_shape = self.out_shape = tuple(int(v) for v in in_shape)
        return self.out_shape

    def param_specs(self):
        if not self.affine:
            return []
        c = self.num_features
        return [ParamSpec("weight", (c,), "ones", c, c, decay=False),
                ParamSpec("bias", (c,), "zeros", c, c, decay=False)]

    def buffer_specs(self):
        if not self.track_running_stats:
            return []
        return [("running_mean", (self.num_features,), 0.0), ("running_var", (self.num_features,), 1.0)]

    def forward(self, x, training, relu=False):
        """relu: apply a ReLU to the output in the same pass (Sequential fuses BatchNorm -> ReLU so)."""
        c = self.num_features
        self._x = x
        out = self._buf("out", x.shape)
        self._mean, self._invstd = self._buf("mean", (c,)), self._buf("invstd", (c,))
        use_batch = training or not self.track_running_stats
        if use_batch and x.shape[0] * int(np.prod(self.in_shape[1:], dtype=np.int64)) < 2:
            raise ValueError(f"{self.describe()}: expected more than 1 value per channel when training, got "
                             f"a batch of shape {x.shape}")
        self._training = use_batch
        self._relu_out = out if relu else None
        _mlc.nn_batchnorm_forward(out, self._mean, self._invstd,
                                  self.buffers.get("running_mean"), self.buffers.get("running_var"),
                                  x, self.params.get("weight"), self.params.get("bias"), use_batch,
                                  self.momentum, self.eps, relu)
        return out

    def backward(self, dout, need_dx=True):
        dx = self._buf("dx", self._x.shape, zero=True) if need_dx else None
        _mlc.nn_batchnorm_backward(dx, self.grads.get("weight"), self.grads.get("bias"), dout, self._x,
                                   self._mean, self._invstd, self.params.get("weight"), self._training,
                                   self._relu_out)
        return dx


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (features,) or (channels, length) samples (torch.nn.BatchNorm1d).
    Training uses the batch statistics and updates the running ones with ``momentum``; eval uses
    the running statistics."""
    _rank = (1, 2)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (channels, height, width) samples (torch.nn.BatchNorm2d)."""
    _rank = (3,)


class Dropout(Layer):
    """Inverted dropout: in training each value is zeroed with probability p and the rest scaled by
    1/(1-p); in eval it is the identity. The mask comes from mlc's seeded RNG (the model's seed and
    step), so a fit is reproducible for any thread count."""

    def __init__(self, p=0.5):
        super().__init__()
        if not (isinstance(p, (int, float)) and not isinstance(p, bool) and 0 <= p < 1):
            raise ValueError(f"Dropout p must be in [0, 1), got {p!r}")
        self.p = float(p)
        self.seed = 0  # set by the model before each training step

    def describe(self):
        return f"Dropout({self.p})"

    def forward(self, x, training):
        self._training = training and self.p > 0
        if not self._training:
            return x
        out = self._buf("out", x.shape)
        self._mask = self._buf("mask", x.shape)
        _mlc.nn_dropout_forward(out, self._mask, x, self.p, self.seed)
        return out

    def backward(self, dout, need_dx=True):
        if not need_dx:
            return None
        if not self._training:
            return dout
        dx = self._buf("dx", dout.shape, zero=True)
        _mlc.nn_dropout_backward(dx, dout, self._mask)
        return dx


class _Activation(Layer):
    kind = None
    alpha = 0.0
    # what backward reads: the input for relu/leaky, the output for sigmoid/tanh
    needs_input = False
    _fused = False  # ReLU only: the batch norm before it applied it (Sequential's fused pair)

    def forward(self, x, training):
        out = self._buf("out", x.shape)
        _mlc.nn_activation_forward(out, x, _ACT[self.kind], self.alpha)
        self._x = x if self.needs_input else None
        self._out = out
        self._fused = False
        return out

    def backward(self, dout, need_dx=True):
        if not need_dx:
            return None
        if self._fused:  # the batch norm before applied the ReLU and applies its gradient
            return dout
        dx = self._buf("dx", dout.shape, zero=True)
        _mlc.nn_activation_backward(dx, dout, self._x, self._out, _ACT[self.kind], self.alpha)
        return dx


class ReLU(_Activation):
    """max(x, 0). Its output is what the training history inspects for dead units."""
    kind = "relu"

    def _fused_forward(self, out):
        """The output of a batch norm that applied this ReLU itself (Sequential's fused pair): kept as
        this layer's output; backward passes dout through (the batch norm masks it)."""
        self._x, self._out, self._fused = None, out, True
        return out


class LeakyReLU(_Activation):
    """x for x > 0, negative_slope * x otherwise."""
    kind = "leaky_relu"
    needs_input = True

    def __init__(self, negative_slope=0.01):
        super().__init__()
        if not isinstance(negative_slope, (int, float)) or isinstance(negative_slope, bool):
            raise ValueError(f"LeakyReLU negative_slope must be a number, got {negative_slope!r}")
        self.alpha = float(negative_slope)

    def describe(self):
        return f"LeakyReLU({self.alpha})"


class Sigmoid(_Activation):
    """1 / (1 + exp(-x)), computed without overflow."""
    kind = "sigmoid"


class Tanh(_Activation):
    kind = "tanh"


class Identity(Layer):
    def forward(self, x, training):
        return x

    def backward(self, dout, need_dx=True):
        return dout if need_dx else None


class Flatten(Layer):
    """(C, H, W) samples -> (C*H*W,) features (a view: no copy)."""

    def build(self, in_shape):
        self.in_shape = tuple(int(v) for v in in_shape)
        self.out_shape = (int(np.prod(self.in_shape)),)
        return self.out_shape

    def forward(self, x, training):
        return x.reshape(x.shape[0], -1)

    def backward(self, dout, need_dx=True):
        return dout.reshape((dout.shape[0],) + self.in_shape) if need_dx else None


class Residual(Layer):
    """y = body(x) + shortcut(x) (He et al. 2016).

    body : a list of layers (or a Sequential); shortcut : a layer, or None for the identity when the
    body keeps the shape and, when it does not, a 1x1 convolution projection (images: its stride is
    the ratio of the spatial sizes; channels may change) or a Dense projection (flat features).
    """

    def __init__(self, body, shortcut=None):
        super().__init__()
        from ._model import Sequential  # noqa: PLC0415 (model imports layers)
        self.body = body if isinstance(body, Sequential) else Sequential(*body)
        self.shortcut = shortcut
        self.auto_shortcut_ = None

    def children(self):
        sc = self.shortcut if self.shortcut is not None else self.auto_shortcut_
        return [self.body] + ([sc] if sc is not None else [])

    def describe(self):
        sc = self.shortcut if self.shortcut is not None else self.auto_shortcut_
        return f"Residual({self.body.describe()}, shortcut={sc.describe() if sc is not None else 'identity'})"

    def build(self, in_shape):
        self.in_shape = tuple(int(v) for v in in_shape)
        body_out = self.body.build(self.in_shape)
        sc = self.shortcut
        if sc is None and body_out != self.in_shape:
            if len(self.in_shape) == 3 and len(body_out) == 3:
                # the smallest stride s with a 1x1 window giving the body's size: (n - 1) // s + 1
                sh, sw = (next((s for s in range(1, n + 1) if _conv_out(n, 1, s, 0, 1) == m), 0)
                          for n, m in zip(self.in_shape[1:], body_out[1:]))
                if sh < 1 or sw < 1:
                    raise ValueError(f"Residual: the body maps {self.in_shape} to {body_out}, which no strided "
                                     "1x1 convolution matches: pass a shortcut layer")
                sc = Conv2d(body_out[0], 1, stride=(sh, sw), bias=False)
            elif len(self.in_shape) == 1 and len(body_out) == 1:
                sc = Dense(body_out[0], bias=False)
            else:
                raise ValueError(f"Residual: the body maps {self.in_shape} to {body_out}: pass a shortcut layer")
            self.auto_shortcut_ = sc
        if sc is not None:
            sc_out = sc.build(self.in_shape)
            if tuple(sc_out) != tuple(body_out):
                raise ValueError(f"Residual: the body gives {body_out} but the shortcut {sc.describe()} gives "
                                 f"{tuple(sc_out)}")
        self.out_shape = tuple(body_out)
        return self.out_shape

    def forward(self, x, training):
        y = self.body.forward(x, training)
        sc = self.shortcut if self.shortcut is not None else self.auto_shortcut_
        s = sc.forward(x, training) if sc is not None else x
        out = self._buf("out", y.shape)
        _mlc.nn_add_forward(out, y, s)
        return out

    def backward(self, dout, need_dx=True):
        sc = self.shortcut if self.shortcut is not None else self.auto_shortcut_
        dx = self.body.backward(dout, need_dx)
        if sc is not None:
            ds = sc.backward(dout, need_dx)
        else:
            ds = dout if need_dx else None
        if not need_dx:
            return None
        out = self._buf("dx", dx.shape)
        _mlc.nn_add_forward(out, dx, ds)  # the two gradients of x, added in one pass
        return out
