"""Optimisers over the model's one flat parameter buffer, and gradient clipping.

Each optimiser step is ONE C call (csrc/nn/optimizer.c) over every parameter: SGD (momentum,
dampening, Nesterov as torch.optim.SGD), Adagrad, Adam, AdamW and RMSprop, with L2 weight decay and
an L1 penalty applied where the model's ``decay_mask_`` is 1 (weights; not biases nor batch-norm
parameters, as scikit-learn's MLP), or to every parameter with ``weight_decay_biases=True`` (what
torch.optim does with one parameter group).

The learning rate is the attribute ``lr``; a scheduler (mlc.nn.StepLR, ...) changes it between steps.
A call ``step(..., lr=x)`` overrides it for that step only.
"""
import numbers

import numpy as np

from .. import _mlc

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "RMSprop", "clip_grad_norm", "clip_grad_value"]


def _number(v, name, lo=None, lo_open=False, hi=None, hi_open=False):
    if not isinstance(v, numbers.Real) or isinstance(v, bool) or not np.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {v!r}")
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise ValueError(f"{name} must be {'>' if lo_open else '>='} {lo}, got {v!r}")
    if hi is not None and (v > hi or (hi_open and v == hi)):
        raise ValueError(f"{name} must be {'<' if hi_open else '<='} {hi}, got {v!r}")
    return float(v)


class _Optimizer:
    method = None
    n_state = 0

    def __init__(self, lr, weight_decay=0.0, l1=0.0, weight_decay_biases=False):
        self.lr = _number(lr, f"{type(self).__name__} lr", 0, lo_open=True)
        self.weight_decay = _number(weight_decay, "weight_decay", 0)
        self.l1 = _number(l1, "l1", 0)
        self.weight_decay_biases = bool(weight_decay_biases)
        self.state = None
        self.step_count = 0

    def _hyper(self):
        return dict(momentum=0.0, dampening=0.0, nesterov=False, beta1=0.9, beta2=0.999, eps=1e-8)

    def step(self, params, grads, decay_mask=None, lr=None, weight_decay=None):
        """One update of params (P,) in place from grads (P,). decay_mask (P,): 1 where weight decay
        and l1 apply (ignored with weight_decay_biases=True: everywhere). lr / weight_decay override
        the stored values for this step (scikit-learn's alpha / batch size)."""
        if self.state is None or self.state.shape[1] != params.size:
            self.state = np.zeros((max(self.n_state, 1), params.size), np.float32)
            self.step_count = 0
        if self.state.shape[0] < self.n_state:  # a scheduler switched momentum on (OneCycleLR)
            self.state = np.concatenate([self.state, np.zeros((self.n_state - self.state.shape[0], params.size),
                                                              np.float32)])
        self.step_count += 1
        h = self._hyper()
        _mlc.nn_optim_step(params, grads, self.state if self.n_state else None, self.method, self.step_count,
                           self.lr if lr is None else float(lr), h["momentum"], h["dampening"], h["nesterov"],
                           h["beta1"], h["beta2"], h["eps"],
                           self.weight_decay if weight_decay is None else float(weight_decay), self.l1,
                           None if self.weight_decay_biases else decay_mask, h.get("alpha", 0.99),
                           h.get("centered", False))

    def reset(self):
        self.state = None
        self.step_count = 0


class SGD(_Optimizer):
    """torch.optim.SGD: v = momentum v + (1 - dampening) g (v = g on the first step);
    p -= lr (g + momentum v) with Nesterov, p -= lr v otherwise; weight decay adds wd p to g."""
    method = _mlc.OPTIM_SGD

    def __init__(self, lr=0.01, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, l1=0.0,
                 weight_decay_biases=False):
        super().__init__(lr, weight_decay, l1, weight_decay_biases)
        self.momentum = _number(momentum, "SGD momentum", 0)
        self.dampening = _number(dampening, "SGD dampening", 0, hi=1)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum > 0 and zero dampening")
        self.n_state = 1 if self.momentum > 0 else 0

    def _hyper(self):
        return dict(momentum=self.momentum, dampening=self.dampening, nesterov=self.nesterov, beta1=0.9,
                    beta2=0.999, eps=1e-8)


class _VelocitySGD(SGD):
    """scikit-learn's MLP SGD (its SGDOptimizer), for MLPClassifier / MLPRegressor: v = momentum v - lr g;
    p += v, or p += momentum v - lr g with Nesterov. The learning rate sits inside the velocity, so a
    schedule's new rate (invscaling, adaptive) applies to new gradients only; with a constant rate it
    is SGD's step."""
    method = _mlc.OPTIM_SGD_VELOCITY


class Adagrad(_Optimizer):
    """torch.optim.Adagrad (lr_decay 0): G += g^2; p -= lr g / (sqrt(G) + eps)."""
    method = _mlc.OPTIM_ADAGRAD
    n_state = 1

    def __init__(self, lr=0.01, eps=1e-10, weight_decay=0.0, l1=0.0, weight_decay_biases=False):
        super().__init__(lr, weight_decay, l1, weight_decay_biases)
        self.eps = _number(eps, "Adagrad eps", 0, lo_open=True)

    def _hyper(self):
        return dict(momentum=0.0, dampening=0.0, nesterov=False, beta1=0.9, beta2=0.999, eps=self.eps)


class Adam(_Optimizer):
    """torch.optim.Adam (Kingma & Ba 2015, bias-corrected); weight decay adds wd p to g."""
    method = _mlc.OPTIM_ADAM
    n_state = 2

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, l1=0.0, weight_decay_biases=False):
        super().__init__(lr, weight_decay, l1, weight_decay_biases)
        b1, b2 = betas
        self.betas = (_number(b1, "Adam beta1", 0, hi=1, hi_open=True), _number(b2, "Adam beta2", 0, hi=1, hi_open=True))
        self.eps = _number(eps, "Adam eps", 0, lo_open=True)

    def _hyper(self):
        return dict(momentum=0.0, dampening=0.0, nesterov=False, beta1=self.betas[0], beta2=self.betas[1],
                    eps=self.eps)


class AdamW(Adam):
    """torch.optim.AdamW: Adam with decoupled weight decay p -= lr wd p (Loshchilov & Hutter 2019)."""
    method = _mlc.OPTIM_ADAMW

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, l1=0.0, weight_decay_biases=False):
        super().__init__(lr, betas, eps, weight_decay, l1, weight_decay_biases)


class RMSprop(_Optimizer):
    """torch.optim.RMSprop: s = alpha s + (1 - alpha) g^2; d = sqrt(s) + eps, or with centered=True
    d = sqrt(s - a^2) + eps where a is the running mean of g; with momentum b = momentum b + g / d and
    p -= lr b, else p -= lr g / d. weight_decay adds wd p to g."""
    method = _mlc.OPTIM_RMSPROP

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, l1=0.0,
                 weight_decay_biases=False):
        super().__init__(lr, weight_decay, l1, weight_decay_biases)
        self.alpha = _number(alpha, "RMSprop alpha", 0, hi=1)
        self.eps = _number(eps, "RMSprop eps", 0, lo_open=True)
        self.momentum = _number(momentum, "RMSprop momentum", 0)
        self.centered = bool(centered)

    @property
    def n_state(self):
        return 1 + (self.momentum > 0) + self.centered

    def _hyper(self):
        return dict(momentum=self.momentum, dampening=0.0, nesterov=False, beta1=0.9, beta2=0.999, eps=self.eps,
                    alpha=self.alpha, centered=self.centered)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """Scale grads in place so their global norm is at most max_norm (torch's clip_grad_norm_);
    return the norm before clipping."""
    max_norm = _number(max_norm, "max_norm", 0, lo_open=True)
    if norm_type not in (2, 2.0, np.inf, "inf"):
        raise ValueError(f"norm_type must be 2 or inf, got {norm_type!r}")
    return _mlc.nn_clip_grad_norm(grads, max_norm, float(np.inf if norm_type == "inf" else norm_type))


def clip_grad_value(grads, clip_value):
    """Clamp grads in place to [-clip_value, clip_value] (torch's clip_grad_value_)."""
    _mlc.nn_clip_grad_value(grads, _number(clip_value, "clip_value", 0, lo_open=True))
