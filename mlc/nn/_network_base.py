"""The fit / partial_fit / predict machinery shared by mlc.nn's estimators (mlc/nn/_estimators.py):
validation of X and of the targets, the epoch loop with early stopping and the validation split,
batch-wise prediction, and the classifier's and the regressor's outputs.
"""
import numbers
import warnings

import numpy as np

from .._math import expit, softmax
from .._validation import (check_array, check_classification_targets, check_is_fitted, check_random_state,
                           check_sample_weight, check_scalar, check_X_y, type_of_target)
from ..base import BaseEstimator
from ..exceptions import ConvergenceWarning
from ._training import EpochRunner, new_history
from ._loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss

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
