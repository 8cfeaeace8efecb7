"""Learning-rate schedulers with torch.optim.lr_scheduler's names, arguments and step() semantics.

A scheduler wraps an mlc.nn optimiser and rewrites its ``lr`` attribute (torch: every param group's
'lr'); construction performs torch's initial step (``last_epoch`` becomes 0, the lr its initial
value), each ``step()`` advances ``last_epoch`` by one and sets the next rate, computed with torch's
own (recursive, "chainable") formulas so the sequence equals torch's to the last bits:

    opt = mlc.nn.SGD(lr=0.1, momentum=0.9)
    sched = mlc.nn.StepLR(opt, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, opt)          # opt.step(model.params_, model.grads_, model.decay_mask_)
        sched.step()                         # ReduceLROnPlateau: sched.step(val_loss)
    sched.get_last_lr()                      # [lr], a list as torch's (one parameter group)

OneCycleLR is stepped after every batch (as torch's tutorials do) and, with cycle_momentum, also
cycles SGD's / RMSprop's ``momentum`` or Adam's beta1. NeuralNetClassifier / NeuralNetRegressor take a
scheduler class and its arguments (``lr_scheduler=StepLR, lr_scheduler_kwargs={...}``) and step it
per epoch (OneCycleLR per batch); see their docstrings.
"""
import math
import numbers
from bisect import bisect_right
from collections import Counter

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau",
           "OneCycleLR"]


def _check_optimizer(optimizer):
    from ._optim import _Optimizer  # noqa: PLC0415 (the optimisers import nothing from here)
    if not isinstance(optimizer, _Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an mlc.nn optimizer")


def _positive_int(v, name, owner):
    if not isinstance(v, numbers.Integral) or isinstance(v, bool) or v < 1:
        raise ValueError(f"{owner}: {name} must be a positive int, got {v!r}")
    return int(v)


def _real(v, name, owner, lo=None, hi=None, lo_open=False, hi_open=False):
    if not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v):
        raise ValueError(f"{owner}: {name} must be a finite number, got {v!r}")
    if (lo is not None and (v < lo or (lo_open and v == lo))) or (hi is not None and (v > hi or (hi_open and v == hi))):
        lo_s = "" if lo is None else f"{'>' if lo_open else '>='} {lo}"
        hi_s = "" if hi is None else f"{'<' if hi_open else '<='} {hi}"
        raise ValueError(f"{owner}: {name} must be {' and '.join(s for s in (lo_s, hi_s) if s)}, got {v!r}")
    return float(v)


class LRScheduler:
    """The base of the epoch-indexed schedulers (torch.optim.lr_scheduler.LRScheduler).

    Attributes: optimizer, last_epoch (the number of step() calls since construction), base_lrs
    ([the initial lr]). Methods: step(), get_last_lr(), state_dict(), load_state_dict().
    """

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if not isinstance(last_epoch, numbers.Integral) or last_epoch < -1:
            raise ValueError(f"{type(self).__name__}: last_epoch must be an int >= -1, got {last_epoch!r}")
        if last_epoch == -1:
            if getattr(optimizer, "initial_lr", None) is None:
                optimizer.initial_lr = optimizer.lr
        elif getattr(optimizer, "initial_lr", None) is None:
            raise KeyError("param 'initial_lr' is not specified in the optimizer when resuming a scheduler with "
                           "last_epoch >= 0")
        self.base_lrs = [optimizer.initial_lr]
        self.last_epoch = int(last_epoch)
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self):
        """The next rates from the current ones (torch's chainable form); called by step()."""
        raise NotImplementedError

    def step(self):
        """Advance one epoch (one batch for OneCycleLR) and set the optimizer's lr."""
        self._step_count += 1
        self.last_epoch += 1
        lr = self.get_lr()[0]
        self.optimizer.lr = float(lr)
        self._last_lr = [self.optimizer.lr]

    def get_last_lr(self):
        """[the learning rate set by the last step()], a list as torch's."""
        return list(self._last_lr)

    def state_dict(self):
        """Every attribute but the optimizer (torch's)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)

    def __repr__(self):
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self.optimizer.lr!r})"


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (last_epoch // step_size) (torch.optim.lr_scheduler.StepLR)."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = _positive_int(step_size, "step_size", "StepLR")
        self.gamma = _real(gamma, "gamma", "StepLR", 0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [self.optimizer.lr]
        return [self.optimizer.lr * self.gamma]


class MultiStepLR(LRScheduler):
    """lr multiplied by gamma at each epoch of milestones (torch.optim.lr_scheduler.MultiStepLR; a
    milestone given twice multiplies by gamma twice)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        milestones = list(milestones)
        if any(not isinstance(m, numbers.Integral) or isinstance(m, bool) for m in milestones):
            raise ValueError(f"MultiStepLR: milestones must be ints, got {milestones!r}")
        self.milestones = Counter(int(m) for m in milestones)
        self.gamma = _real(gamma, "gamma", "MultiStepLR", 0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return [self.optimizer.lr]
        return [self.optimizer.lr * self.gamma ** self.milestones[self.last_epoch]]

    def closed_form_lr(self):
        """base_lr * gamma ** (milestones passed), without the recursion's rounding."""
        return [self.base_lrs[0] * self.gamma ** bisect_right(sorted(self.milestones.elements()), self.last_epoch)]


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** last_epoch (torch.optim.lr_scheduler.ExponentialLR)."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = _real(gamma, "gamma", "ExponentialLR", 0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return [self.optimizer.lr]
        return [self.optimizer.lr * self.gamma]


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) (1 + cos(pi last_epoch / T_max)) / 2, by torch's recursive
    form (torch.optim.lr_scheduler.CosineAnnealingLR; past T_max it rises again, as torch's)."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = _positive_int(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = _real(eta_min, "eta_min", "CosineAnnealingLR", 0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        lr, base, t, T = self.optimizer.lr, self.base_lrs[0], self.last_epoch, self.T_max
        if self._is_initial:
            return [lr]
        if self._step_count == 1 and t > 0:
            return [self.eta_min + (base - self.eta_min) * (1 + math.cos(t * math.pi / T)) / 2]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - self.eta_min) * (1 - math.cos(math.pi / T)) / 2]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (lr - self.eta_min)
                + self.eta_min]


class ReduceLROnPlateau(LRScheduler):
    """Multiply lr by factor when a metric has stopped improving for patience epochs
    (torch.optim.lr_scheduler.ReduceLROnPlateau): step(metric) once per epoch. mode 'min' or 'max';
    an improvement beats the best by threshold (relative: best (1 -+ threshold); absolute: best -+
    threshold); after a reduction, cooldown epochs pass before counting again; lr never goes below
    min_lr, and a change smaller than eps is skipped."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        _check_optimizer(optimizer)
        owner = "ReduceLROnPlateau"
        self.factor = _real(factor, "factor", owner, 0, 1, hi_open=True)
        if mode not in ("min", "max"):
            raise ValueError(f"{owner}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"{owner}: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        if not isinstance(patience, numbers.Integral) or patience < 0:
            raise ValueError(f"{owner}: patience must be an int >= 0, got {patience!r}")
        if not isinstance(cooldown, numbers.Integral) or cooldown < 0:
            raise ValueError(f"{owner}: cooldown must be an int >= 0, got {cooldown!r}")
        self.optimizer = optimizer
        self.mode, self.threshold_mode = mode, threshold_mode
        self.threshold = _real(threshold, "threshold", owner, 0)
        self.patience, self.cooldown = int(patience), int(cooldown)
        self.min_lrs = [_real(min_lr, "min_lr", owner, 0)]
        self.eps = _real(eps, "eps", owner, 0)
        self.last_epoch = 0
        self._last_lr = [optimizer.lr]
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _is_better(self, a, best):
        if self.mode == "min":
            return a < best * (1.0 - self.threshold) if self.threshold_mode == "rel" else a < best - self.threshold
        return a > best * (self.threshold + 1.0) if self.threshold_mode == "rel" else a > best + self.threshold

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def step(self, metrics):
        """One epoch with the monitored value (e.g. the validation loss)."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            old = float(self.optimizer.lr)
            new = max(old * self.factor, self.min_lrs[0])
            if old - new > self.eps:
                self.optimizer.lr = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [self.optimizer.lr]


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2017; torch.optim.lr_scheduler.OneCycleLR), stepped after every
    BATCH: lr rises from max_lr / div_factor to max_lr over pct_start of total_steps, then anneals
    ('cos' or 'linear') to initial_lr / final_div_factor (three_phase: back to the initial lr first).
    total_steps, or epochs and steps_per_epoch. With cycle_momentum the momentum (SGD, RMSprop) or
    Adam's beta1 cycles inversely between max_momentum and base_momentum. Stepping past total_steps
    raises, as torch's."""

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                 final_div_factor=1e4, three_phase=False, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        owner = "OneCycleLR"
        if total_steps is not None:
            self.total_steps = _positive_int(total_steps, "total_steps", owner)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (_positive_int(epochs, "epochs", owner)
                                * _positive_int(steps_per_epoch, "steps_per_epoch", owner))
        else:
            raise ValueError(f"{owner}: you must define either total_steps OR (epochs AND steps_per_epoch)")
        pct_start = _real(pct_start, "pct_start", owner, 0, 1)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{owner}: anneal_strategy must be one of 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        n = self.total_steps
        if three_phase:
            self._phases = [(float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (float(2 * pct_start * n) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                            (n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self._phases = [(float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        max_lr = _real(max_lr, "max_lr", owner, 0, lo_open=True)
        div_factor = _real(div_factor, "div_factor", owner, 0, lo_open=True)
        final_div_factor = _real(final_div_factor, "final_div_factor", owner, 0, lo_open=True)
        self._group = {"max_lr": max_lr, "initial_lr": max_lr / div_factor}
        self._group["min_lr"] = self._group["initial_lr"] / final_div_factor
        if last_epoch == -1:
            optimizer.initial_lr = self._group["initial_lr"]
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            self.use_beta1 = hasattr(optimizer, "betas")
            if not self.use_beta1 and not hasattr(optimizer, "momentum"):
                raise ValueError(f"{owner}: optimizer must support momentum or beta1 with `cycle_momentum` option "
                                 "enabled")
            self._group["max_momentum"] = _real(max_momentum, "max_momentum", owner, 0)
            self._group["base_momentum"] = _real(base_momentum, "base_momentum", owner, 0)
            if last_epoch == -1:
                self._set_momentum(self._group["max_momentum"])
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, m):
        opt = self.optimizer
        if self.use_beta1:
            opt.betas = (m, *opt.betas[1:])
        else:
            opt.momentum = m
            if type(opt).__name__ in ("SGD", "_VelocitySGD") and m > 0:
                opt.n_state = 1  # torch's SGD keeps a momentum buffer from then on

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times. The specified number of total steps is "
                             f"{self.total_steps}")
        g, start = self._group, 0.0
        for i, (end, lr0, lr1, m0, m1) in enumerate(self._phases):
            if step <= end or i == len(self._phases) - 1:
                pct = (step - start) / (end - start)
                lr = self._anneal(g[lr0], g[lr1], pct)
                if self.cycle_momentum:
                    self._set_momentum(self._anneal(g[m0], g[m1], pct))
                return [lr]
            start = end
        raise AssertionError("unreachable")
