"""The training loop shared by every network estimator, and what it records.

One epoch: (optionally) shuffle, then for each mini-batch forward, loss (fused C kernel), zero_grad,
backward, clipping, one optimiser step over the flat buffer. Per epoch it records in a history
dict: the mean data loss, the objective (loss + penalty), per parameterised layer the mean
gradient norm, per ReLU the fraction of dead units (never positive on any sample of the epoch) and
per sigmoid/tanh the fraction of saturated outputs — the quantities that show vanishing gradients
and dying ReLUs.
"""
import numpy as np

from .. import _mlc
from ._layers import ReLU, Sigmoid, Tanh
from ._model import _walk

__all__ = ["EpochRunner"]


def _progress(total, desc, verbose):
    if not verbose:
        return None
    try:
        from tqdm.auto import tqdm  # noqa: PLC0415 (optional)
    except ImportError:
        return None
    return tqdm(total=total, desc=desc, leave=False)


class EpochRunner:
    """Runs epochs of mini-batch training of ``model`` and appends to ``history``.

    l2_per_sample: the L2 coefficient is l2_per_sample / (sum of the batch's sample weights)
    (scikit-learn's MLP: alpha / batch size), or use the optimiser's own weight_decay when None.
    loss_scale: multiplies the data loss and its gradient (0.5 for scikit-learn's squared error).
    """

    def __init__(self, model, loss, optimizer, *, batch_size, shuffle, rng, l2_per_sample=None, l1=0.0,
                 loss_scale=1.0, clip_grad_norm=None, clip_grad_value=None, diagnostics=True, verbose=False):
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self.batch_size, self.shuffle, self.rng = int(batch_size), bool(shuffle), rng
        self.l2_per_sample, self.l1, self.loss_scale = l2_per_sample, float(l1), float(loss_scale)
        self.clip_grad_norm, self.clip_grad_value = clip_grad_norm, clip_grad_value
        self.diagnostics, self.verbose = diagnostics, verbose
        self.step = 0
        self.on_step = None  # called after every optimiser step (a scheduler stepped per batch)
        layers = list(_walk(model))
        self._relus = [layer for layer in layers if type(layer) is ReLU]
        self._saturating = [layer for layer in layers if isinstance(layer, (Sigmoid, Tanh))]
        decay_all = getattr(optimizer, "weight_decay_biases", False)  # torch's: every parameter
        self._decayed = [(layer, s.name) for layer in layers for s in layer.param_specs() if s.decay or decay_all]
        self._bufs = {}   # the shuffled batch and the loss gradient, reused from step to step

    def _gather(self, A, idx, key):
        """A[idx] gathered straight into a buffer kept between steps (no allocation per step); the rows
        of a CSR X as a new CSR batch."""
        if not isinstance(A, np.ndarray):
            return A[idx]
        buf = self._bufs.get(key)
        if buf is None or buf.shape[1:] != A.shape[1:] or buf.dtype != A.dtype or len(buf) < len(idx):
            buf = self._bufs[key] = np.empty((max(self.batch_size, len(idx)),) + A.shape[1:], A.dtype)
        # mode="clip": the indices are a permutation's, and "raise" would gather through a temporary
        return np.take(A, idx, axis=0, out=buf[:len(idx)], mode="clip")

    def _zeros(self, key, shape):
        buf = self._bufs.get(key)
        if buf is None or buf.shape != shape:
            buf = self._bufs[key] = np.zeros(shape, np.float32)
        else:
            buf.fill(0)
        return buf

    def penalty_terms(self):
        """(sum of squared decayed weights, sum of their absolute values)."""
        sq = ab = 0.0
        for layer, name in self._decayed:
            w = layer.params[name]
            sq += _mlc.nn_sum_squares(w)
            if self.l1:
                ab += float(np.abs(w).sum(dtype=np.float64))
        return sq, ab

    def run_epoch(self, X, T, sample_weight, lr, history):
        """One pass over (X, T). X (N, *input_shape) float32 C-contiguous; T the loss's targets;
        sample_weight (N,) float32 or None; lr this epoch's learning rate. Returns the epoch's
        objective (what scikit-learn's MLP calls its loss)."""
        model, n = self.model, X.shape[0]
        bs = min(self.batch_size, n)
        order = self.rng.permutation(n) if self.shuffle else None
        loss_sum = obj_sum = 0.0
        n_layers = len(model.param_layers_)
        gnorm = np.zeros(n_layers)
        alive = [None] * len(self._relus)
        sat = np.zeros(len(self._saturating))
        n_batches = 0
        bar = _progress(n, "epoch", self.verbose)
        model.train()
        for s in range(0, n, bs):
            e = min(s + bs, n)
            if order is None:
                xb, tb = X[s:e], T[s:e]
                wb = None if sample_weight is None else sample_weight[s:e]
            else:
                idx = order[s:e]
                xb, tb = self._gather(X, idx, "x"), self._gather(T, idx, "t")
                wb = None if sample_weight is None else self._gather(sample_weight, idx, "w")
            model.set_dropout_seed(self.rng.integers(0, 2**62))
            out = model.forward(xb, True)
            dout = self._zeros("dout", out.shape)
            loss = self.loss(dout, out, tb, wb) * self.loss_scale
            if self.loss_scale != 1.0:
                dout *= np.float32(self.loss_scale)
            model.zero_grad()
            model.backward(dout, need_dx=False)
            if not np.isfinite(loss):
                raise FloatingPointError(
                    f"the training loss became {loss} at step {self.step}: lower the learning rate, scale the "
                    "inputs, or clip the gradients (clip_grad_norm)")
            wsum = float(e - s) if wb is None else float(wb.sum(dtype=np.float64))
            wd = None if self.l2_per_sample is None else self.l2_per_sample / max(wsum, 1e-300)
            sq, ab = self.penalty_terms()
            l2 = wd if wd is not None else self.optimizer.weight_decay
            penalty = 0.5 * l2 * sq + self.l1 * ab
            if self.diagnostics:
                for i, (_, o, size) in enumerate(model.param_layers_):
                    gnorm[i] += np.sqrt(_mlc.nn_sum_squares(model.grads_[o:o + size]))
                for i, layer in enumerate(self._relus):
                    a = (layer._out.reshape(layer._out.shape[0], -1) > 0).any(axis=0)
                    alive[i] = a if alive[i] is None else (alive[i] | a)
                for i, layer in enumerate(self._saturating):
                    o = layer._out
                    if isinstance(layer, Sigmoid):
                        sat[i] += np.count_nonzero((o < 0.01) | (o > 0.99)) / o.size
                    else:
                        sat[i] += np.count_nonzero(np.abs(o) > 0.99) / o.size
            if self.clip_grad_norm is not None:
                _mlc.nn_clip_grad_norm(model.grads_, float(self.clip_grad_norm), 2.0)
            if self.clip_grad_value is not None:
                _mlc.nn_clip_grad_value(model.grads_, float(self.clip_grad_value))
            self.optimizer.step(model.params_, model.grads_, model.decay_mask_, lr=lr, weight_decay=wd)
            self.step += 1
            if self.on_step is not None:
                self.on_step()
            n_batches += 1
            loss_sum += loss * (e - s)
            obj_sum += (loss + penalty) * (e - s)
            if bar is not None:
                bar.update(e - s)
                bar.set_postfix(loss=f"{loss:.4g}")
        if bar is not None:
            bar.close()
        history["loss"].append(loss_sum / n)
        history["objective"].append(obj_sum / n)
        if self.diagnostics:
            history["grad_norm"].append(
                {model.param_layers_[i][0].describe() + f"#{i}": gnorm[i] / n_batches for i in range(n_layers)})
            history["dead_relu"].append([float(1 - a.mean()) for a in alive])
            history["saturated"].append([float(v / n_batches) for v in sat])
        return obj_sum / n


def new_history():
    return {"loss": [], "objective": [], "grad_norm": [], "dead_relu": [], "saturated": []}
