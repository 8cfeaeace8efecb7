"""Sequential: a stack of layers whose parameters live in ONE flat float32 buffer.

``build(input_shape)`` fixes every layer's shapes (an error names the two layers that do not fit),
then carves ``params_`` (P,) and ``grads_`` (P,) into per-layer views and initialises them from a
seed. One optimiser call updates ``params_`` from ``grads_``; clipping is one norm over ``grads_``.

The torch-style views: ``named_parameters()`` / ``parameters()`` / ``named_buffers()`` give views into
the flat buffers named as torch names them ('0.weight', '0.bias', '2.running_mean'; a Residual's
children are 'body' and 'shortcut'), and ``state_dict()`` / ``load_state_dict()`` use those keys, so
the state_dict of a torch model of the same architecture loads (tensors or their ``.numpy()``;
torch's 'num_batches_tracked' is ignored).
"""
import warnings

import numpy as np

from .. import _mlc
from ..exceptions import DataConversionWarning
from .._validation import _is_sparse, check_array
from ._layers import _INIT, Dense, Layer, ReLU, _BatchNorm

__all__ = ["Sequential"]


def _walk(layer):
    """The layers of a tree (containers included) in forward order."""
    yield layer
    for c in layer.children():
        yield from _walk(c)


def _named_walk(layer, prefix=""):
    """(torch's dotted prefix, layer) for the layers of a tree, in _walk's order."""
    yield prefix, layer
    children = layer.children()
    if isinstance(layer, Sequential):
        names = [str(i) for i in range(len(children))]
    elif hasattr(layer, "body"):  # Residual: body, then its shortcut
        names = ["body", "shortcut"][:len(children)]
    else:
        names = [str(i) for i in range(len(children))]
    for name, c in zip(names, children):
        yield from _named_walk(c, f"{prefix}{name}.")


_warned_float64 = False


class Sequential(Layer):
    """Layers applied in order: ``Sequential(Conv2d(16, 3, padding=1), BatchNorm2d(), ReLU(), ...)``.

    As a model (the outermost container): ``build(input_shape)`` fixes the shapes and
    ``allocate(seed)`` the flat parameter and gradient buffers; ``forward(X, training)`` and
    ``backward(dout)`` run the layers; ``model(X)`` is ``forward(X, training=False)`` (eval mode:
    dropout off, batch norm on its running statistics, nothing kept for backward -- unlike torch,
    where calling a module follows its train()/eval() mode; train with ``forward(X, True)``);
    ``zero_grad()``, ``train()``/``eval()``, ``parameters()``/``named_parameters()``/
    ``named_buffers()`` (views into the flat buffers), ``state_dict()``/``load_state_dict()`` keyed as
    torch's.

    Input: float32 (N, *input_shape). float64 (or any real) input is converted to float32, with a
    DataConversionWarning the first time (networks compute in float32, as torch's default).
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
        self._fused = None
        return shape

    def _fused_pairs(self):
        """The i where layers i, i+1 are BatchNorm -> ReLU: run as one fused kernel call each way (the
        batch norm applies the ReLU and its gradient; one pass and one parallel region fewer)."""
        return {i for i in range(len(self.layers) - 1)
                if isinstance(self.layers[i], _BatchNorm) and type(self.layers[i + 1]) is ReLU}

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

    def _require_allocated(self):
        if self.params_ is None:
            raise ValueError("Sequential: the model is not built: call model.build(input_shape) and "
                             "model.allocate(seed) first (a NeuralNetClassifier/Regressor builds its model_ in fit)")

    def named_parameters(self):
        """(torch's name, float32 view into params_) for every parameter tensor, in order:
        '0.weight', '0.bias', '1.weight', ...; writing into a view writes the flat buffer."""
        self._require_allocated()
        for prefix, layer in _named_walk(self):
            for spec in layer.param_specs():
                yield prefix + spec.name, layer.params[spec.name]

    def parameters(self):
        """The parameter views of named_parameters(), without their names."""
        for _, v in self.named_parameters():
            yield v

    def named_buffers(self):
        """(torch's name, float32 view into buffers_) for the non-trained state ('1.running_mean', ...)."""
        self._require_allocated()
        for prefix, layer in _named_walk(self):
            for name, _, _ in layer.buffer_specs():
                yield prefix + name, layer.buffers[name]

    def state_dict(self):
        """{torch's name: a copy of the tensor}: each layer's parameters then its buffers, layer by layer
        in order, as torch.nn.Module.state_dict() (without batch norm's num_batches_tracked)."""
        self._require_allocated()
        state = {}
        for prefix, layer in _named_walk(self):
            for spec in layer.param_specs():
                state[prefix + spec.name] = layer.params[spec.name].copy()
            for name, _, _ in layer.buffer_specs():
                state[prefix + name] = layer.buffers[name].copy()
        return state

    def load_state_dict(self, state, strict=True):
        """Copy a state_dict into the flat buffers. Keys as state_dict()'s (a torch model's
        state_dict of the same architecture: torch tensors or NumPy arrays; 'num_batches_tracked'
        is ignored); every shape must match. strict: every key of the model present and no other
        (False: load what matches by name). The two-array form {'params': (P,), 'buffers': (Q,)} of
        mlc before 0.2 also loads."""
        self._require_allocated()
        if set(state) == {"params", "buffers"}:
            for key, dst in (("params", self.params_), ("buffers", self.buffers_)):
                src = np.asarray(state[key], dtype=np.float32)
                if src.shape != dst.shape:
                    raise ValueError(f"load_state_dict: {key} has {src.size} values, the model needs {dst.size}")
                dst[...] = src
            return self
        targets = dict(self.named_parameters())
        targets.update(self.named_buffers())
        given = {k: v for k, v in state.items() if not str(k).endswith("num_batches_tracked")}
        missing, unexpected = sorted(set(targets) - set(given)), sorted(set(given) - set(targets))
        if strict and (missing or unexpected):
            raise ValueError(f"load_state_dict: missing keys {missing}, unexpected keys {unexpected} (the model's "
                             f"keys: {list(targets)})")
        values = {}
        for key in targets.keys() & given.keys():
            v = given[key]
            if hasattr(v, "detach"):  # a torch tensor
                v = v.detach().cpu().numpy()
            v = np.asarray(v, dtype=np.float32)
            if v.shape != targets[key].shape:
                raise ValueError(f"load_state_dict: {key} has shape {v.shape}, the model's is {targets[key].shape}")
            values[key] = v
        for key, v in values.items():  # nothing is written unless every tensor fits
            targets[key][...] = v
        return self

    def __call__(self, x):
        """forward(x, training=False): the outputs in eval mode (see the class docstring)."""
        return self.forward(x, False)

    # ---- computation ----
    def forward(self, x, training=None):
        """The outputs for a batch x (N, *input_shape); training (None: the train()/eval() mode) turns
        dropout on and batch norm to batch statistics, and keeps what backward needs."""
        if training is None:
            training = self.training
        if self.out_shape is None:
            raise ValueError("Sequential: the model is not built: call model.build(input_shape) and "
                             "model.allocate(seed) before forward")
        if not isinstance(x, np.ndarray) or x.dtype != np.float32 or not x.flags.c_contiguous:
            x = self._as_input(x)
        fused = self.__dict__.get("_fused")
        if fused is None:  # (also after unpickling: underscored state is not pickled)
            fused = self._fused = self._fused_pairs()
        try:
            for i, layer in enumerate(self.layers):
                if i - 1 in fused:  # the batch norm before applied this ReLU
                    x = layer._fused_forward(x)
                else:
                    x = layer.forward(x, training, True) if i in fused else layer.forward(x, training)
        except KeyError as e:
            if any(layer.param_specs() and not layer.params for layer in _walk(self)):
                raise ValueError("Sequential: the model's parameters are not allocated: call model.allocate(seed) "
                                 "after build") from None
            raise e
        return x

    def _as_input(self, x):
        global _warned_float64
        if _is_sparse(x):
            return self._sparse_input(x)
        x = np.asarray(x)
        if x.dtype.kind not in "fiub":
            raise TypeError(f"Sequential: the input must be an array of real numbers, got dtype {x.dtype}")
        if x.dtype != np.float32 and not _warned_float64:
            _warned_float64 = True
            warnings.warn(f"Sequential: the input of dtype {x.dtype} is converted to float32 (networks compute "
                          "in float32); pass float32 to avoid the copy. (This note is shown once.)",
                          DataConversionWarning, stacklevel=3)
        return np.ascontiguousarray(x, dtype=np.float32)

    def _sparse_input(self, x):
        """A scipy.sparse batch for a network whose first layer is Dense: canonical float32 CSR
        (mlc/_validation.py's check_array), which that layer multiplies without densifying."""
        if not (self.layers and isinstance(self.layers[0], Dense)):
            raise TypeError("Sequential: sparse input needs a Dense first layer (which multiplies it without "
                            "densifying); pass x.toarray() to other layers")
        return check_array(x, dtype=np.float32, accept_sparse="csr", ensure_min_samples=0, input_name="x")

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
