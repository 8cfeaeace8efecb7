"""Network estimators with scikit-learn's interface.

MLPClassifier / MLPRegressor take scikit-learn's parameter names (hidden_layer_sizes, activation,
solver, alpha, batch_size, learning_rate, learning_rate_init, max_iter, shuffle, tol,
early_stopping, validation_fraction, n_iter_no_change, max_fun, ...) and its objective: mean log-loss
(summed over the labels of multilabel y), or half the mean squared error, + alpha/2 ||W||^2 / batch
size, the intercepts not penalised; and its solvers (sgd's momentum in its velocity form, lbfgs). They
add dropout, batch_norm, l1, clip_grad_norm and init. NeuralNetClassifier / NeuralNetRegressor
train any ``Sequential`` (a CNN, a residual net) with fit / partial_fit / predict / score.

Everything runs in float32 (as PyTorch); every layer is a C kernel (csrc/nn/), the parameters one
flat buffer updated by one optimiser call per step. Per epoch ``history_`` keeps the loss, the
objective, per-layer gradient norms, dead-ReLU and saturated-unit fractions (see mlc/nn/_training.py).
"""
import copy
import numbers
import warnings

import numpy as np

from .._math import expit, softmax
from .._validation import (check_array, check_classification_targets, check_is_fitted, check_random_state,
                           check_sample_weight, check_scalar, check_X_y, type_of_target)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, available_if
from ..exceptions import ConvergenceWarning
from ._lbfgs import fit_lbfgs
from ._training import EpochRunner, new_history
from ._layers import BatchNorm1d, Dense, Dropout, Identity, ReLU, Sigmoid, Tanh
from ._model import Sequential
from ._loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from ._optim import SGD, Adagrad, Adam, AdamW, _VelocitySGD

__all__ = ["MLPClassifier", "MLPRegressor", "NeuralNetClassifier", "NeuralNetRegressor"]

_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "logistic": Sigmoid, "identity": Identity}
_MLP_SOLVERS = ("adagrad", "adam", "lbfgs", "momentum", "sgd")
_PREDICT_CHUNK = 4096


class _BaseNetwork(BaseEstimator):
    """The fit / partial_fit / forward machinery shared by the four estimators."""

    _is_classifier = False

    # ---- hooks for subclasses ----
    def _make_module(self, n_in_shape, n_out):
        raise NotImplementedError

    def _make_optimizer(self):
        raise NotImplementedError

    def _l2_per_sample(self):
        return None

    def _lr_at_epoch(self, lr):
        return lr

    # ---- validation ----
    def _input_shape(self, X):
        shape = getattr(self, "input_shape", None)
        if shape is None:
            return X.shape[1:]
        shape = tuple(int(s) for s in np.atleast_1d(shape))
        if int(np.prod(X.shape[1:])) != int(np.prod(shape)):
            raise ValueError(f"X has {int(np.prod(X.shape[1:]))} values per sample, but input_shape={shape} "
                             f"needs {int(np.prod(shape))}")
        return shape

    def _validate_X(self, X, reset, check_names=True):
        if check_names:
            self._check_feature_names(X, reset=reset)
        allow_nd = getattr(self, "input_shape", "flat") != "flat"
        X = check_array(X, dtype=np.float32, allow_nd=allow_nd, estimator=self, accept_sparse=self._accept_sparse)
        self._check_n_features(X, reset)
        if not isinstance(X, np.ndarray):  # CSR (MLP): its first Dense layer multiplies it as it is
            if reset:
                self.input_shape_ = (X.shape[1],)
            return X
        shape = self._input_shape(X) if reset or not hasattr(self, "input_shape_") else self.input_shape_
        if reset:
            self.input_shape_ = tuple(shape)
        return np.ascontiguousarray(X.reshape((X.shape[0],) + tuple(self.input_shape_)))

    def _forward(self, X):
        """Network outputs (N, n_outputs) float64 for validated X, in chunks, eval mode."""
        model = self.model_
        out = np.empty((X.shape[0], model.out_shape[0]), np.float64)
        for s in range(0, X.shape[0], _PREDICT_CHUNK):
            out[s:s + _PREDICT_CHUNK] = model.forward(X[s:s + _PREDICT_CHUNK], False)
        return out

    _accept_sparse = False  # check_array's: "csr" where scipy.sparse X is taken without densifying

    # ---- training ----
    def _check_common_params(self):
        if hasattr(self, "max_iter"):
            check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        if getattr(self, "clip_grad_norm", None) is not None:
            check_scalar(self.clip_grad_norm, "clip_grad_norm", numbers.Real, min_val=0,
                         include_boundaries="neither")
        if getattr(self, "l1", 0) is not None:
            check_scalar(self.l1, "l1", numbers.Real, min_val=0)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0)

    def _batch_size(self, n):
        bs = self.batch_size
        if bs == "auto":
            return min(200, n)
        if not isinstance(bs, numbers.Integral) or isinstance(bs, bool) or bs < 1:
            raise ValueError(f"batch_size must be 'auto' or an int >= 1, got {bs!r}")
        if bs > n:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is going to be clipped",
                          UserWarning, stacklevel=3)
        return int(min(bs, n))

    def _fit(self, X, T, sample_weight, *, first, incremental, n_out, max_epochs):
        """Build (first), then train. T: the loss's targets."""
        self._check_common_params()
        rng = check_random_state(self.random_state) if first else self._rng
        if first:
            self._rng = rng
            self._build_model(rng, n_out)
            self.history_ = new_history()
            self.loss_curve_ = self.history_["objective"]
            self.objective_curve_ = self.history_["objective"]
            self.t_ = 0
            self.best_loss_ = np.inf
            self._no_improvement_count = 0
            self._optimizer = self._make_optimizer()
            self._lr = self._optimizer.lr
            if getattr(self, "early_stopping", False):
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
            else:
                self.validation_scores_ = None
                self.best_validation_score_ = None
        early = getattr(self, "early_stopping", False) and not incremental
        if getattr(self, "early_stopping", False) and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        X_val = T_val = w_val = None
        if early:
            n = X.shape[0]
            n_val = int(np.ceil(self.validation_fraction * n))
            if n_val < 2 or n - n_val < 1:
                raise ValueError("The validation set is too small. Increase 'validation_fraction' or the size "
                                 "of your dataset.")
            perm = rng.permutation(n)
            vi, ti = perm[:n_val], perm[n_val:]
            X_val, T_val = X[vi], T[vi]
            w_val = None if sample_weight is None else sample_weight[vi]
            X, T = X[ti], T[ti]
            sample_weight = None if sample_weight is None else sample_weight[ti]
            best_params = self.model_.params_.copy()
            best_buffers = self.model_.buffers_.copy()
        runner = EpochRunner(
            self.model_, self._loss, self._optimizer, batch_size=self._batch_size(X.shape[0]),
            shuffle=self.shuffle, rng=np.random.default_rng(rng.integers(0, 2**63 - 1)),
            l2_per_sample=self._l2_per_sample(), l1=getattr(self, "l1", 0.0) or 0.0,
            loss_scale=self._data_loss_scale(n_out), clip_grad_norm=getattr(self, "clip_grad_norm", None),
            clip_grad_value=getattr(self, "clip_grad_value", None),
            diagnostics=getattr(self, "diagnostics", True), verbose=self.verbose)
        runner.step = self.t_
        self._prepare_runner(runner, X.shape[0], first)
        converged = False
        n_iter = 0
        if first:
            self.n_iter_ = 0
        try:
            for _ in range(max_epochs):
                obj = runner.run_epoch(X, T, sample_weight, self._lr_at_epoch(self._lr), self.history_)
                n_iter += 1
                self.n_iter_ += 1
                self.t_ += X.shape[0]
                self.loss_ = obj
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {obj:.8f}")
                if early:
                    score = self._score_validation(X_val, T_val, w_val)
                    self.validation_scores_.append(score)
                    if self.verbose:
                        print(f"Validation score: {score:f}")
                    improved = score >= self.best_validation_score_ + self.tol
                    if score > self.best_validation_score_:
                        self.best_validation_score_ = score
                        best_params = self.model_.params_.copy()
                        best_buffers = self.model_.buffers_.copy()
                else:
                    improved = obj <= self.best_loss_ - self.tol
                    self.best_loss_ = min(self.best_loss_, obj)
                self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
                self._update_lr_after_epoch()
                if self._after_epoch(obj):
                    converged = True
                    break
                if self._no_improvement_count > self.n_iter_no_change:
                    if self._on_plateau():
                        converged = True
                        break
                    self._no_improvement_count = 0
                if incremental:
                    break
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", UserWarning, stacklevel=3)
            converged = True
        if early:
            self.model_.params_[...] = best_params
            self.model_.buffers_[...] = best_buffers
        if not incremental and not converged and n_iter == max_epochs and self._warn_on_max_iter:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({max_epochs}) reached and the "
                          "optimization hasn't converged yet.", ConvergenceWarning, stacklevel=3)
        self.model_.free_scratch()
        self._after_fit()
        return self

    def _build_model(self, rng, n_out):
        """model_: the network for input_shape_ and n_out outputs, built and initialised from rng."""
        module = self._make_module(self.input_shape_, n_out)
        module.build(self.input_shape_)
        if module.out_shape != (n_out,):
            if self._is_classifier and n_out in (1, 2) and not self._multilabel:
                raise ValueError(f"the network's output shape is {module.out_shape}, but two classes need 1 "
                                 "output (a logit, BCE) or 2 (logits, cross-entropy): make the last layer "
                                 "output 1 or 2 values")
            raise ValueError(f"the network's output shape is {module.out_shape}, but the targets need "
                             f"({n_out},): make the last layer output {n_out} values")
        module.allocate(int(rng.integers(0, 2**63 - 1)))
        self.model_ = module

    _warn_on_max_iter = True
    _loss_scale = 1.0

    def _data_loss_scale(self, n_out):
        """What multiplies the loss kernel's mean (and its gradient)."""
        return self._loss_scale

    def _update_lr_after_epoch(self):
        pass

    def _prepare_runner(self, runner, n_train, first):
        """Before the epochs of a fit: per-batch hooks on the runner (a scheduler stepped per batch)."""

    def _after_epoch(self, objective):
        """After each epoch (history_ updated): True to stop training (a callback asked to)."""
        return False

    def _on_plateau(self):
        """Training stalled for n_iter_no_change epochs: True to stop."""
        return True

    def _after_fit(self):
        pass

    def _score_validation(self, X, T, w):
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # multilabel / multi-output y (n_samples, n_outputs)
        tags.non_deterministic = False
        tags.input_tags.sparse = bool(self._accept_sparse)
        return tags


class _ClassifierOutputs:
    """Targets of a classifier: classes_, and how labels become the loss's targets."""

    def _encode_targets(self, y, first, classes=None):
        if first:
            ttype = type_of_target(y, input_name="y")
            if ttype == "multilabel-indicator":
                self.classes_ = np.arange(y.shape[1])
                self._multilabel = True
            else:
                check_classification_targets(y)
                y = np.asarray(y).ravel() if np.asarray(y).ndim == 2 and np.asarray(y).shape[1] == 1 else y
                labels = np.unique(y) if classes is None else np.unique(np.asarray(classes))
                self.classes_ = labels
                self._multilabel = False
                if len(labels) < 2 and classes is None:
                    raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                                     f"but the data contains only one class: {labels[0]!r}")
        if self._multilabel:
            y = np.asarray(y)
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValueError("y must be a multilabel indicator matrix with the classes seen in the first fit")
            self._loss = BCEWithLogitsLoss()
            return np.ascontiguousarray(y, dtype=np.float32), len(self.classes_)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        codes = np.searchsorted(self.classes_, y)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        if not np.all(self.classes_[codes] == y):
            unseen = np.setdiff1d(np.unique(y), self.classes_)
            raise ValueError(f"y contains labels {unseen.tolist()[:5]} not in classes_ {self.classes_.tolist()}")
        if len(self.classes_) == 2 and self._binary_single_logit:
            self._loss = BCEWithLogitsLoss()
            return np.ascontiguousarray(codes.reshape(-1, 1), dtype=np.float32), 1
        self._loss = CrossEntropyLoss()
        return np.ascontiguousarray(codes, dtype=np.int64), len(self.classes_)

    _binary_single_logit = True

    def _logits(self, X):
        check_is_fitted(self, "model_")
        return self._forward(self._validate_X(X, reset=False))

    def predict_proba(self, X):
        """Class probabilities (N, n_classes): softmax of the logits, or the logistic of the one
        logit for two classes (and per label for multilabel y)."""
        z = self._logits(X)
        if self._multilabel:
            return expit(z)
        if z.shape[1] == 1:
            p = expit(z[:, 0])
            return np.column_stack([1 - p, p])
        return softmax(z)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        p = self.predict_proba(X)
        if self._multilabel:
            return (p > 0.5).astype(int)
        return self.classes_[np.argmax(p, axis=1)]

    def _score_validation(self, X, T, w):
        p = self._forward(X)
        if self._multilabel:
            pred = (p > 0).astype(np.float32)
            ok = np.all(pred == T, axis=1)
        elif p.shape[1] == 1:
            ok = (p[:, 0] > 0).astype(np.float32) == T[:, 0]
        else:
            ok = np.argmax(p, axis=1) == T
        return float(np.average(ok, weights=w))

    def _check_fit_inputs(self, X, y, sample_weight, reset):
        X, y = check_X_y(X, y, dtype=np.float32, multi_output=True, estimator=self,
                         allow_nd=getattr(self, "input_shape", "flat") != "flat", accept_sparse=self._accept_sparse)
        return X, y, sample_weight


class _RegressorOutputs:
    def _encode_targets(self, y, first, classes=None):
        y = np.asarray(y, dtype=np.float64)
        if first:
            self._y_ndim = y.ndim
        self._loss = MSELoss()
        T = np.ascontiguousarray(y.reshape(len(y), -1), dtype=np.float32)
        if not first and T.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {T.shape[1]} outputs, but the model was fitted with {self.n_outputs_}")
        self.n_outputs_ = T.shape[1]
        return T, T.shape[1]

    def predict(self, X):
        check_is_fitted(self, "model_")
        out = self._forward(self._validate_X(X, reset=False))
        return out[:, 0] if self._y_ndim == 1 else out

    def _score_validation(self, X, T, w):
        p = self._forward(X)
        from ..metrics import r2_score  # noqa: PLC0415
        return float(r2_score(T, p, sample_weight=w))

    def _check_fit_inputs(self, X, y, sample_weight, reset):
        X, y = check_X_y(X, y, dtype=np.float32, multi_output=True, y_numeric=True, estimator=self,
                         allow_nd=getattr(self, "input_shape", "flat") != "flat", accept_sparse=self._accept_sparse)
        return X, y, sample_weight


class _Fitting:
    """fit and partial_fit over the hooks above."""

    def fit(self, X, y, sample_weight=None):
        """Train from scratch (or from the current weights with warm_start) for up to max_iter epochs."""
        first = not (getattr(self, "warm_start", False) and hasattr(self, "model_"))
        self._check_feature_names(X, reset=first)
        X, y, _ = self._check_fit_inputs(X, y, sample_weight, first)
        X = self._validate_X(X, reset=first, check_names=False)
        sw = self._weights(sample_weight, X.shape[0])
        T, n_out = self._encode_targets(y, first)
        sw = self._class_weighted(sw, T)
        return self._fit(X, T, sw, first=first, incremental=False, n_out=n_out, max_epochs=self._max_epochs())

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        first = not hasattr(self, "model_")
        if first and self._is_classifier and classes is None and getattr(self, "_require_classes", True):
            y_arr = np.asarray(y)
            if not (y_arr.ndim == 2 and y_arr.shape[1] > 1):
                raise ValueError("classes must be passed on the first call to partial_fit.")
        if not first and self._is_classifier and classes is not None and not self._multilabel:
            if not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
                raise ValueError(f"`classes={list(classes)}` is not the same as on the first call to partial_fit "
                                 f"(classes_={list(self.classes_)}).")
        self._check_feature_names(X, reset=first)
        X, y, _ = self._check_fit_inputs(X, y, sample_weight, first)
        X = self._validate_X(X, reset=first, check_names=False)
        sw = self._weights(sample_weight, X.shape[0])
        T, n_out = self._encode_targets(y, first, classes)
        sw = self._class_weighted(sw, T)
        return self._fit(X, T, sw, first=first, incremental=True, n_out=n_out, max_epochs=1)

    def _weights(self, sample_weight, n):
        sw = check_sample_weight(sample_weight, n, dtype=np.float32, ensure_non_negative=True)
        return sw

    def _class_weighted(self, sw, T):
        """sample_weight times class_weight[y] (scikit-learn's way; for the cross-entropy's mean this is
        torch's CrossEntropyLoss(weight=class_weight)); sw itself without class_weight."""
        cw = getattr(self, "class_weight", None)
        if cw is None:
            return sw
        if self._multilabel:
            raise ValueError("class_weight is not supported for multilabel y")
        codes = T[:, 0].astype(np.int64) if T.ndim == 2 else T
        n_classes = len(self.classes_)
        if isinstance(cw, str) and cw == "balanced":
            counts = np.bincount(codes, minlength=n_classes).astype(np.float64)
            weights = np.where(counts > 0, len(codes) / (n_classes * np.maximum(counts, 1)), 1.0)
        elif isinstance(cw, dict):
            unknown = [k for k in cw if not np.any(self.classes_ == k)]
            if unknown:
                raise ValueError(f"The classes, {unknown}, are not in class_weight")
            weights = np.array([float(cw.get(c.item() if hasattr(c, "item") else c, 1.0)) for c in self.classes_])
        else:
            raise ValueError(f"class_weight must be None, 'balanced' or a dict {{label: weight}}, got {cw!r}")
        w = weights[codes].astype(np.float32)
        return w if sw is None else (sw * w).astype(np.float32)


# ---------------------------------------------------------------------------------------------------
class _MLPParams:
    # scikit-learn's MLP takes CSR / CSC X: the first layer's forward is CSR x W^T and its weight gradient
    # dout^T x (csrc/nn/dense.c), for every solver, never densifying X
    _accept_sparse = "csr"

    def _max_epochs(self):
        return self.max_iter

    def _check_mlp_params(self):
        hls = self.hidden_layer_sizes
        if isinstance(hls, numbers.Integral):
            hls = (hls,)
        hls = list(hls)
        if any(not isinstance(h, numbers.Integral) or h < 1 for h in hls):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {self.hidden_layer_sizes}.")
        if self.activation not in _ACTIVATIONS:
            raise ValueError(f"The activation '{self.activation}' is not supported. Supported activations are "
                             f"{sorted(_ACTIVATIONS)}.")
        if self.solver not in _MLP_SOLVERS:
            raise ValueError(f"The solver '{self.solver}' is not supported. Supported solvers are "
                             f"{list(_MLP_SOLVERS)}.")
        check_scalar(self.max_fun, "max_fun", numbers.Integral, min_val=1)
        if self.learning_rate not in ("constant", "invscaling", "adaptive"):
            raise ValueError(f"learning rate {self.learning_rate!r} is not supported; use 'constant', "
                             "'invscaling' or 'adaptive'")
        check_scalar(self.alpha, "alpha", numbers.Real, min_val=0)
        check_scalar(self.learning_rate_init, "learning_rate_init", numbers.Real, min_val=0,
                     include_boundaries="neither")
        check_scalar(self.momentum, "momentum", numbers.Real, min_val=0, max_val=1)
        check_scalar(self.beta_1, "beta_1", numbers.Real, min_val=0, max_val=1, include_boundaries="left")
        check_scalar(self.beta_2, "beta_2", numbers.Real, min_val=0, max_val=1, include_boundaries="left")
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0, include_boundaries="neither")
        check_scalar(self.validation_fraction, "validation_fraction", numbers.Real, min_val=0, max_val=1,
                     include_boundaries="left")
        check_scalar(self.n_iter_no_change, "n_iter_no_change", numbers.Integral, min_val=1)
        check_scalar(self.dropout, "dropout", numbers.Real, min_val=0, max_val=1, include_boundaries="left")
        if self.init not in (None, "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "uniform"):
            raise ValueError(f"init must be None, 'xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal' "
                             f"or 'uniform', got {self.init!r}")
        if self.solver == "lbfgs" and (self.dropout or self.batch_norm or self.clip_grad_norm is not None):
            raise ValueError("solver='lbfgs' minimises the full-batch objective of a plain Dense/activation stack: "
                             "dropout, batch_norm and clip_grad_norm apply to the stochastic solvers only")
        return hls

    def _make_module(self, in_shape, n_out):
        hls = self._check_mlp_params()
        if len(in_shape) != 1:
            raise ValueError(f"{type(self).__name__} takes flat samples (n_samples, n_features), got samples of "
                             f"shape {in_shape}")
        # scikit-learn's Glorot initialisation (its _init_coef): weights and biases U(+-sqrt(6/(in+out))),
        # sqrt(2/(in+out)) for logistic
        init = self.init or "xavier_uniform"
        gain = (1 / np.sqrt(3.0)) if (self.init is None and self.activation == "logistic") else 1.0
        bias_init = init if self.init is None else None
        layers = []
        for h in hls:
            layers.append(Dense(int(h), init=init, gain=gain, bias_init=bias_init))
            if self.batch_norm:
                layers.append(BatchNorm1d())
            layers.append(_ACTIVATIONS[self.activation]())
            if self.dropout:
                layers.append(Dropout(self.dropout))
        layers.append(Dense(n_out, init=init, gain=gain, bias_init=bias_init))
        self.n_layers_ = len(hls) + 2
        self.out_activation_ = self._out_activation(n_out)
        return Sequential(*layers)

    def _make_optimizer(self):
        lr = self.learning_rate_init
        if self.solver == "adam":
            return Adam(lr, (self.beta_1, self.beta_2), self.epsilon)
        if self.solver == "adagrad":
            return Adagrad(lr)
        # scikit-learn's velocity convention (v = momentum v - lr g), which a learning-rate schedule needs
        nesterov = self.solver == "sgd" and self.nesterovs_momentum and self.momentum > 0
        return _VelocitySGD(lr, momentum=self.momentum, nesterov=nesterov)

    def _fit(self, X, T, sample_weight, *, first, **kwargs):
        if self.solver != "lbfgs":
            return super()._fit(X, T, sample_weight, first=first, **kwargs)
        try:
            return fit_lbfgs(self, X, T, sample_weight, first, kwargs["n_out"])
        except KeyboardInterrupt:  # Ctrl-C: the model keeps the last iterate, and the interrupt goes on
            if hasattr(self, "model_"):
                self._after_fit()
            raise

    def _data_loss_scale(self, n_out):
        # scikit-learn's multilabel log-loss sums over the labels, where BCEWithLogitsLoss takes their mean
        return self._loss_scale * (n_out if isinstance(self._loss, BCEWithLogitsLoss) else 1)

    def _stochastic_solver(self):
        if self.solver == "lbfgs":
            raise AttributeError("partial_fit is only available for stochastic optimizers. lbfgs is not stochastic.")
        return True

    def _l2_per_sample(self):
        return float(self.alpha)

    def _lr_at_epoch(self, lr):
        return self._lr

    def _update_lr_after_epoch(self):
        if self.solver in ("sgd", "momentum") and self.learning_rate == "invscaling":
            self._lr = self.learning_rate_init / (self.t_ + 1) ** self.power_t

    def _on_plateau(self):
        if self.solver in ("sgd", "momentum") and self.learning_rate == "adaptive":
            if self._lr <= 1e-6:
                return True
            self._lr /= 5.0
            return False
        return True

    def _after_fit(self):
        dense = [layer for layer in self.model_.layers if isinstance(layer, Dense)]
        self.coefs_ = [layer.params["weight"].T.copy() for layer in dense]
        self.intercepts_ = [layer.params["bias"].copy() for layer in dense]

    @property
    def learning_rate_(self):
        return self._lr


class MLPClassifier(_MLPParams, _Fitting, _ClassifierOutputs, ClassifierMixin, _BaseNetwork):
    """Multi-layer perceptron classifier (scikit-learn's MLPClassifier, trained by C kernels).

    Parameters (scikit-learn's, plus mlc's last five)
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
    activation : {'relu', 'tanh', 'logistic', 'identity'}, default='relu'
    solver : {'adam', 'sgd', 'lbfgs', 'momentum', 'adagrad'}, default='adam'
        'sgd' is scikit-learn's: SGD with ``momentum`` (Nesterov when nesterovs_momentum) in its
        velocity form, v = momentum v - lr g, so 'invscaling' and 'adaptive' rates act as there;
        'momentum' the same with classical momentum. 'lbfgs' is scikit-learn's: L-BFGS on the
        full-batch objective (in C, float32 network, float64 solver, More-Thuente line search where
        scipy's L-BFGS-B uses its own: the same stopping rules, not the same iterates), at most
        max_iter iterations and about max_fun evaluations, tol the gradient tolerance (scipy's gtol);
        with l1 it is OWL-QN. lbfgs takes no dropout, batch_norm or clip_grad_norm, and has no
        partial_fit.
    alpha : float, default=1e-4
        L2 penalty alpha/2 ||W||^2 / batch size on the weights (not the intercepts), as scikit-learn.
    batch_size : int or 'auto' (= min(200, n_samples))
    learning_rate : {'constant', 'invscaling', 'adaptive'} (the last two with 'sgd'/'momentum')
    learning_rate_init, power_t, max_iter, shuffle, random_state, tol, verbose, warm_start,
    momentum, nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, epsilon,
    n_iter_no_change, max_fun (lbfgs: the evaluations of the loss, default 15000) : as scikit-learn.
    dropout : float in [0, 1), default=0.0
        Dropout after each hidden activation.
    batch_norm : bool, default=False
        BatchNorm1d between each hidden Dense layer and its activation.
    l1 : float >= 0, default=0.0
        L1 penalty l1 ||W||_1 on the weights (a subgradient term).
    clip_grad_norm : float or None
        Clip the global gradient norm to this value before each step.
    init : {None, 'xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal', 'uniform'}
        None is scikit-learn's: weights AND biases U(-a, a), a = sqrt(6 / (fan_in + fan_out))
        (sqrt(2 / ...) for activation='logistic'); the others start the biases at zero (mlc.nn.Dense's
        rule).

    X may be a scipy.sparse matrix (CSR; CSC and the others are converted to CSR), as scikit-learn
    takes it, for fit, partial_fit, predict and predict_proba with every solver: the first layer
    multiplies the CSR batch (csrc/nn/dense.c) and X is never densified.

    Attributes
    ----------
    classes_, coefs_ (each (n_in, n_out) as scikit-learn), intercepts_, loss_, best_loss_,
    loss_curve_ (per epoch, the objective incl. the L2 term, as scikit-learn),
    objective_curve_ (the same list), history_ (dict: 'loss' (data loss only), 'objective',
    'grad_norm', 'dead_relu', 'saturated'), validation_scores_, best_validation_score_, t_,
    n_iter_, n_layers_, n_outputs_, out_activation_, n_features_in_, model_ (the Sequential).
    With solver='lbfgs', as scikit-learn: no loss_curve_, objective_curve_, best_loss_ nor validation
    scores; history_ has 'loss' and 'objective' per iteration; loss_ is the final objective.
    """

    _is_classifier = True

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000, dropout=0.0,
                 batch_norm=False, l1=0.0, clip_grad_norm=None, init=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.l1 = l1
        self.clip_grad_norm = clip_grad_norm
        self.init = init

    def _out_activation(self, n_out):
        return "softmax" if n_out > 1 and not self._multilabel else "logistic"

    def _after_fit(self):
        super()._after_fit()
        self.n_outputs_ = self.model_.out_shape[0]

    @available_if(_MLPParams._stochastic_solver)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over (X, y) (the stochastic solvers; not lbfgs). classes: all labels, required on
        the first call."""
        return self._partial_fit(X, y, sample_weight, classes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(_MLPParams, _Fitting, _RegressorOutputs, RegressorMixin, _BaseNetwork):
    """Multi-layer perceptron regressor (scikit-learn's MLPRegressor, trained by C kernels).

    The objective is scikit-learn's: half the mean squared error + alpha/2 ||W||^2 / batch size.
    Parameters and attributes as MLPClassifier (loss: 'squared_error' only).
    """

    _loss_scale = 0.5

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant", learning_rate_init=0.001,
                 power_t=0.5, max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
                 warm_start=False, momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10,
                 max_fun=15000, dropout=0.0, batch_norm=False, l1=0.0, clip_grad_norm=None, init=None):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.l1 = l1
        self.clip_grad_norm = clip_grad_norm
        self.init = init

    def _check_mlp_params(self):
        if self.loss != "squared_error":
            raise ValueError(f"loss={self.loss!r} is not supported by mlc's MLPRegressor: use 'squared_error'")
        return super()._check_mlp_params()

    def _out_activation(self, n_out):
        return "identity"

    @available_if(_MLPParams._stochastic_solver)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y) (the stochastic solvers; not lbfgs)."""
        return self._partial_fit(X, y, sample_weight)


# ---------------------------------------------------------------------------------------------------
_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "adam", "adamw")


class _NeuralNetParams:
    _warn_on_max_iter = False

    def _max_epochs(self):
        check_scalar(self.max_epochs, "max_epochs", numbers.Integral, min_val=1)
        check_scalar(self.validation_fraction, "validation_fraction", numbers.Real, min_val=0, max_val=1,
                     include_boundaries="neither")
        check_scalar(self.n_iter_no_change, "n_iter_no_change", numbers.Integral, min_val=1)
        cbs = self.callbacks
        if cbs is not None and (callable(cbs) or not all(callable(c) for c in cbs)):
            raise ValueError("callbacks must be None or a list of callables callback(history) -> bool")
        self._scheduler_class()
        return self.max_epochs

    def _scheduler_class(self):
        s = self.lr_scheduler
        if s is None:
            return None
        from . import _scheduler  # noqa: PLC0415
        if isinstance(s, str):
            if s not in _scheduler.__all__ or s == "LRScheduler":
                raise ValueError(f"lr_scheduler must be None, a scheduler class or one of "
                                 f"{_scheduler.__all__[1:]}, got {s!r}")
            s = getattr(_scheduler, s)
        if not (isinstance(s, type) and issubclass(s, _scheduler.LRScheduler)):
            raise ValueError(f"lr_scheduler must be None, an mlc.nn scheduler class (StepLR, ...) or its name, got {s!r}")
        kw = self.lr_scheduler_kwargs
        if kw is not None and not isinstance(kw, dict):
            raise ValueError(f"lr_scheduler_kwargs must be None or a dict, got {type(kw).__name__}")
        return s

    def _prepare_runner(self, runner, n_train, first):
        from ._scheduler import OneCycleLR, ReduceLROnPlateau  # noqa: PLC0415
        cls = self._scheduler_class()
        if first:
            self.history_["lr"] = []
            self._scheduler = None
            if cls is not None:
                kw = dict(self.lr_scheduler_kwargs or {})
                if cls is OneCycleLR and "total_steps" not in kw and "epochs" not in kw:
                    kw.update(epochs=int(self.max_epochs), steps_per_epoch=-(-n_train // runner.batch_size))
                if cls is OneCycleLR and "max_lr" not in kw:
                    kw["max_lr"] = float(self.lr)
                self._scheduler = cls(self._optimizer, **kw)
        sched = self._scheduler
        self._per_batch = isinstance(sched, OneCycleLR)
        self._plateau = isinstance(sched, ReduceLROnPlateau)
        runner.on_step = sched.step if self._per_batch else None

    def _after_epoch(self, objective):
        h = self.history_
        h["lr"].append(self._optimizer.lr)
        if self.validation_scores_:
            h["validation_score"] = self.validation_scores_
        sched = getattr(self, "_scheduler", None)
        if sched is not None and not self._per_batch:
            if self._plateau:
                sched.step(objective)
            else:
                sched.step()
        stop = False
        for cb in self.callbacks or ():
            stop = bool(cb(h)) or stop
        return stop

    def _make_module(self, in_shape, n_out):
        if self.module is None:
            return Sequential(Dense(100), ReLU(), Dense(n_out))
        if not isinstance(self.module, Sequential):
            raise TypeError(f"module must be an mlc.nn.Sequential, got {type(self.module).__name__}")
        return copy.deepcopy(self.module)

    def _make_optimizer(self):
        if self.optimizer not in _OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {list(_OPTIMIZERS)}, got {self.optimizer!r}")
        check_scalar(self.lr, "lr", numbers.Real, min_val=0, include_boundaries="neither")
        if not isinstance(self.weight_decay_biases, (bool, np.bool_)):
            raise ValueError(f"weight_decay_biases must be a bool, got {self.weight_decay_biases!r}")
        pen = dict(weight_decay=self.weight_decay, l1=self.l1, weight_decay_biases=bool(self.weight_decay_biases))
        if self.optimizer == "sgd":
            return SGD(self.lr, **pen)
        if self.optimizer in ("momentum", "nesterov"):
            return SGD(self.lr, momentum=self.momentum, nesterov=self.optimizer == "nesterov", **pen)
        if self.optimizer == "adagrad":
            return Adagrad(self.lr, **pen)
        if self.optimizer == "adam":
            return Adam(self.lr, **pen)
        return AdamW(self.lr, **pen)

    def _lr_at_epoch(self, lr):
        return None  # the optimizer's own lr, which a scheduler changes


_NN_DOC = """
    Parameters
    ----------
    module : mlc.nn.Sequential or None
        The network (unbuilt); fit builds a deep copy for the input shape. Its last layer must give
        n_classes logits / n_outputs values; for two classes either 1 logit (trained with
        BCEWithLogitsLoss, probabilities by the logistic) or 2 (CrossEntropyLoss and softmax), both as a
        torch user writes them. None: Dense(100)-ReLU-Dense (1 logit for two classes).
    input_shape : tuple or None
        The shape of one sample, e.g. (1, 8, 8) for digits as images; rows of X are reshaped to it.
        None: X's own trailing shape.
    optimizer : {'adam', 'adamw', 'sgd', 'momentum', 'nesterov', 'adagrad'}, default='adam'
    lr : float > 0, default=0.001
    momentum : float, default=0.9 (for 'momentum' and 'nesterov')
    weight_decay : float >= 0 (L2, decoupled for 'adamw'); l1 : float >= 0.
    weight_decay_biases : bool, default=False
        False (the default, scikit-learn's MLP convention): weight_decay and l1 act on the weights of
        Dense / Conv layers only, not on biases nor batch-norm parameters. True: on every parameter, as
        torch.optim's optimizers do with one parameter group (``Adam(model.parameters(),
        weight_decay=...)``); the objective in history_ then counts every parameter's penalty too.
    batch_size : int, default=64;  max_epochs : int, default=100 (fit; partial_fit runs one epoch)
    shuffle : bool;  clip_grad_norm, clip_grad_value : float or None
    tol, n_iter_no_change : stop when the training objective (with early_stopping: the validation
        score) has not improved by tol for n_iter_no_change epochs (scikit-learn's MLP rule).
    early_stopping : bool, default=False
        Hold out validation_fraction of the training data (a random split), score it after each epoch
        (accuracy; R^2 for the regressor), stop when the score has not improved by tol for
        n_iter_no_change epochs, and restore the weights of the best epoch (as scikit-learn's MLP).
        validation_scores_ and best_validation_score_ keep the scores. Not with partial_fit.
    validation_fraction : float in (0, 1), default=0.1
    lr_scheduler : None, an mlc.nn scheduler class (StepLR, MultiStepLR, ExponentialLR,
        CosineAnnealingLR, ReduceLROnPlateau, OneCycleLR) or its name; lr_scheduler_kwargs : dict or None,
        its arguments without the optimizer. fit builds it on the optimizer (lr its base rate) and steps it
        after every epoch -- ReduceLROnPlateau with the epoch's training objective -- except OneCycleLR,
        stepped after every batch (as torch's tutorials), whose epochs / steps_per_epoch default to
        max_epochs and the batches of one epoch and max_lr to lr. partial_fit keeps stepping the scheduler
        of the first call. history_['lr'] records each epoch's rate (OneCycleLR: the rate after its last batch).
    callbacks : list of callables or None
        Each is called after every epoch as callback(history_) (the dict of per-epoch lists: 'loss',
        'objective', 'lr', 'validation_score' with early_stopping, ...); a True return stops training
        after that epoch (all callbacks of the epoch still run).
    random_state, verbose (a tqdm bar if tqdm is installed), warm_start, diagnostics (record
        history_'s per-layer quantities).
"""


class NeuralNetClassifier(_NeuralNetParams, _Fitting, _ClassifierOutputs, ClassifierMixin, _BaseNetwork):
    __doc__ = ("A classifier training any mlc.nn.Sequential with softmax cross-entropy.\n" + _NN_DOC +
               """    class_weight : None, 'balanced' or dict {label: weight}
        Weights of the classes, multiplying the sample weights (scikit-learn's convention; for the
        weighted mean cross-entropy it is torch's CrossEntropyLoss(weight=...)): 'balanced' is
        n_samples / (n_classes * count(y == c)) from the y of each fit (or partial_fit) call.
""")
    _is_classifier = True

    def __init__(self, module=None, *, input_shape=None, optimizer="adam", lr=0.001, momentum=0.9,
                 weight_decay=0.0, l1=0.0, weight_decay_biases=False, batch_size=64, max_epochs=100, shuffle=True,
                 clip_grad_norm=None, clip_grad_value=None, tol=1e-4, n_iter_no_change=10, early_stopping=False,
                 validation_fraction=0.1, lr_scheduler=None, lr_scheduler_kwargs=None, callbacks=None,
                 class_weight=None, random_state=None, verbose=False, warm_start=False, diagnostics=True):
        self.module = module
        self.input_shape = input_shape
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.l1 = l1
        self.weight_decay_biases = weight_decay_biases
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.clip_grad_norm = clip_grad_norm
        self.clip_grad_value = clip_grad_value
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.lr_scheduler = lr_scheduler
        self.lr_scheduler_kwargs = lr_scheduler_kwargs
        self.callbacks = callbacks
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.diagnostics = diagnostics

    @property
    def _binary_single_logit(self):
        """Two classes: one logit (sigmoid / BCE) unless the network gives two (softmax / CE), as a
        torch user writes either head; read from the built network's output shape."""
        model = getattr(self, "model_", None)
        if model is None:
            if self.module is None:
                return True
            model = copy.deepcopy(self.module)
            model.build(self.input_shape_)
        return model.out_shape != (2,)

    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over (X, y); classes (all labels) required on the first call."""
        return self._partial_fit(X, y, sample_weight, classes)


class NeuralNetRegressor(_NeuralNetParams, _Fitting, _RegressorOutputs, RegressorMixin, _BaseNetwork):
    __doc__ = "A regressor training any mlc.nn.Sequential with the mean squared error.\n" + _NN_DOC

    def __init__(self, module=None, *, input_shape=None, optimizer="adam", lr=0.001, momentum=0.9,
                 weight_decay=0.0, l1=0.0, weight_decay_biases=False, batch_size=64, max_epochs=100, shuffle=True,
                 clip_grad_norm=None, clip_grad_value=None, tol=1e-4, n_iter_no_change=10, early_stopping=False,
                 validation_fraction=0.1, lr_scheduler=None, lr_scheduler_kwargs=None, callbacks=None,
                 random_state=None, verbose=False, warm_start=False, diagnostics=True):
        self.module = module
        self.input_shape = input_shape
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.l1 = l1
        self.weight_decay_biases = weight_decay_biases
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.clip_grad_norm = clip_grad_norm
        self.clip_grad_value = clip_grad_value
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.lr_scheduler = lr_scheduler
        self.lr_scheduler_kwargs = lr_scheduler_kwargs
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.diagnostics = diagnostics

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y)."""
        return self._partial_fit(X, y, sample_weight)
