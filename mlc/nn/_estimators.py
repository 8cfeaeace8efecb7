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

import numpy as np

from .._validation import check_scalar
from ..base import ClassifierMixin, RegressorMixin, available_if
from ._lbfgs import fit_lbfgs
from ._layers import BatchNorm1d, Dense, Dropout, Identity, ReLU, Sigmoid, Tanh
from ._model import Sequential
from ._loss import BCEWithLogitsLoss
from ._network_base import _BaseNetwork, _ClassifierOutputs, _Fitting, _RegressorOutputs
from ._optim import SGD, Adagrad, Adam, AdamW, _VelocitySGD

__all__ = ["MLPClassifier", "MLPRegressor", "NeuralNetClassifier", "NeuralNetRegressor"]

_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "logistic": Sigmoid, "identity": Identity}
_MLP_SOLVERS = ("adagrad", "adam", "lbfgs", "momentum", "sgd")


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
        check_scalar(self.power_t, "power_t", numbers.Real, min_val=0)
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
        check_scalar(self.momentum, "momentum", numbers.Real, min_val=0)
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
