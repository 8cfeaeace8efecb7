"""Sequential: a stack of layers whose parameters live in ONE flat float32 buffer.

``build(input_shape)`` fixes every layer's shapes (an error names the two layers that do not fit),
then carves ``params_`` (P,) and ``grads_`` (P,) into per-layer views and initialises them from a
seed. One optimiser call updates ``params_`` from ``grads_``; clipping is one norm over ``grads_``;
``state_dict()`` is two arrays (parameters, and non-trained state such as running statistics).
"""
import numpy as np

from .. import _mlc
from ._layers import _INIT, Layer

__all__ = ["Sequential"]


def _walk(layer):
    """The layers of a tree (containers included) in forward order."""
    yield layer
    for c in layer.children():
        yield from _walk(c)


class Sequential(Layer):
    """Layers applied in order: ``Sequential(Conv2d(16, 3, padding=1), BatchNorm2d(), ReLU(), ...)``.

    As a model (the outermost container): ``build(input_shape)`` fixes the shapes and
    ``allocate(seed)`` the flat parameter and gradient buffers; ``forward(X, training)`` and
    ``backward(dout)`` run the layers;
    ``zero_grad()``, ``train()``/``eval()``, ``state_dict()``/``load_state_dict()``.
    """

    def __init__(self, *layers):
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential: item {i} is {type(layer).__name__}, not an mlc.nn layer")
        self.layers = list(layers)
        self.params_ = None
        self.grads_ = None
        self.buffers_ = None
        self.training = True

    def children(self):
        return list(self.layers)

    def describe(self):
        return "Sequential(" + ", ".join(layer.describe() for layer in self.layers) + ")"

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    # ---- structure ----
    def build(self, in_shape):
        """Fix every layer's shapes from the per-sample input shape; return the output shape.
        (The outermost container then calls allocate(seed) for the flat buffers.)"""
        self.in_shape = tuple(int(v) for v in np.atleast_1d(in_shape))
        if not self.in_shape or min(self.in_shape) < 1:
            raise ValueError(f"Sequential: the input shape must be positive, got {self.in_shape}")
        shape = self.in_shape
        prev = "the input"
        for i, layer in enumerate(self.layers):
            try:
                shape = tuple(layer.build(shape))
            except ValueError as e:
                raise ValueError(f"layer {i} ({type(layer).__name__}) does not fit after {prev}: {e}") from None
            prev = f"layer {i} ({layer.describe()}, output {shape})"
        self.out_shape = shape
        return shape

    def allocate(self, seed=0):
        """Allocate the flat buffers (the outermost container only), give every layer its views and
        initialise them. seed: a non-negative int; each tensor gets its own derived seed."""
        specs = [s for layer in _walk(self) for s in layer.param_specs()]
        n = sum(s.size for s in specs)
        nb = sum(int(np.prod(shape)) for layer in _walk(self) for _, shape, _ in layer.buffer_specs())
        self.params_ = np.zeros(n, np.float32)
        self.grads_ = np.zeros(n, np.float32)
        self.buffers_ = np.zeros(nb, np.float32)
        self._bind_views()
        seeds = np.random.SeedSequence(seed).generate_state(max(len(specs), 1), dtype=np.uint64)
        i = 0
        for layer in _walk(self):
            for s in layer.param_specs():
                _mlc.nn_init(layer.params[s.name], _INIT[s.init], s.fan_in, s.fan_out, s.gain, int(seeds[i]))
                i += 1
            for name, _, fill in layer.buffer_specs():
                layer.buffers[name].fill(fill)
        return self

    def _bind_views(self):
        """Point every layer's params/grads/buffers at its slices of the flat buffers; set
        decay_mask_ (1 where weight decay and L1 apply) and param_layers_ ((layer, offset, size))."""
        self.decay_mask_ = np.zeros(self.params_.size, np.float32)
        self.param_layers_ = []
        o = ob = 0
        for layer in _walk(self):
            layer.params, layer.grads, layer.buffers = {}, {}, {}
            start = o
            for s in layer.param_specs():
                layer.params[s.name] = self.params_[o:o + s.size].reshape(s.shape)
                layer.grads[s.name] = self.grads_[o:o + s.size].reshape(s.shape)
                if s.decay:
                    self.decay_mask_[o:o + s.size] = 1
                o += s.size
            if o > start:
                self.param_layers_.append((layer, start, o - start))
            for name, shape, _ in layer.buffer_specs():
                size = int(np.prod(shape))
                layer.buffers[name] = self.buffers_[ob:ob + size].reshape(shape)
                ob += size

    @property
    def n_params(self):
        return 0 if self.params_ is None else int(self.params_.size)

    def summary(self):
        """One line per layer: its name, output shape and parameter count."""
        lines = []
        for i, layer in enumerate(self.layers):
            n = sum(s.size for sub in _walk(layer) for s in sub.param_specs())
            lines.append(f"{i:3d}  {layer.describe():55s} {str(layer.out_shape):18s} {n:10d}")
        lines.append(f"     total parameters: {self.n_params}")
        return "\n".join(lines)

    # ---- modes and state ----
    def train(self, mode=True):
        self.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self):
        if self.grads_ is not None:
            self.grads_.fill(0)

    def state_dict(self):
        """The whole trainable state as two flat arrays (copies): 'params' and 'buffers'."""
        if self.params_ is None:
            raise ValueError("Sequential: build and allocate the model first")
        return {"params": self.params_.copy(), "buffers": self.buffers_.copy()}

    def load_state_dict(self, state):
        if self.params_ is None:
            raise ValueError("Sequential: build and allocate the model first")
        for key, dst in (("params", self.params_), ("buffers", self.buffers_)):
            src = np.asarray(state[key], dtype=np.float32)
            if src.shape != dst.shape:
                raise ValueError(f"load_state_dict: {key} has {src.size} values, the model needs {dst.size}")
            dst[...] = src
        return self

    # ---- computation ----
    def forward(self, x, training=None):
        if training is None:
            training = self.training
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, dout, need_dx=True):
        for i in range(len(self.layers) - 1, -1, -1):
            dout = self.layers[i].backward(dout, need_dx or i > 0)
        return dout

    def set_dropout_seed(self, seed):
        for i, layer in enumerate(_walk(self)):
            if hasattr(layer, "seed"):
                layer.seed = (int(seed) * 1000003 + i) % (1 << 63)

    def free_scratch(self):
        """Drop the per-layer scratch buffers kept between batches (before pickling, or to free memory)."""
        self._free_cache()

    def __setstate__(self, state):
        Layer.__setstate__(self, state)
        if self.params_ is not None:  # pickling copied the views: point them at the flat buffers again
            self._bind_views()
