"""solver='lbfgs' of MLPClassifier / MLPRegressor: scikit-learn's full-batch objective minimised by
L-BFGS, network and solver in C (csrc/nn/mlp.c, csrc/linear/optim.c) with the GIL released."""
import warnings

import numpy as np

from .. import _mlc
from .._validation import check_random_state, csr_parts
from ..exceptions import ConvergenceWarning
from ._layers import Dense
from ._loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from ._training import new_history

__all__ = ["fit_lbfgs"]

# the C network names its activations and losses by their enums
_ACTIVATIONS = {"relu": "relu", "tanh": "tanh", "logistic": "sigmoid", "identity": "identity"}
_LOSSES = {CrossEntropyLoss: "cross_entropy", BCEWithLogitsLoss: "bce_with_logits", MSELoss: "mse"}


def fit_lbfgs(est, X, T, sample_weight, first, n_out):
    """Fit the MLP estimator `est` (its validated X, targets T and weights) with scikit-learn's
    solver='lbfgs' (its _fit_lbfgs); sets model_'s weights, n_iter_, loss_, history_ as scikit-learn's
    lbfgs (no loss_curve_ nor best_loss_)."""
    est._check_common_params()
    est._check_mlp_params()
    if first:
        est._rng = check_random_state(est.random_state)
        est._build_model(est._rng, n_out)
        est.t_ = 0
        for name in ("loss_curve_", "objective_curve_", "best_loss_", "validation_scores_",
                     "best_validation_score_"):  # the stochastic solvers' attributes, as scikit-learn
            est.__dict__.pop(name, None)
    model = est.model_
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    if len(model.layers) != 2 * len(dense) - 1:
        raise ValueError("solver='lbfgs' needs a plain Dense/activation stack: fit without warm_start after "
                         "turning off dropout or batch_norm")
    widths = np.array([est.n_features_in_] + [layer.out_features for layer in dense], np.int64)
    Xc = X.reshape(len(X), -1) if isinstance(X, np.ndarray) else csr_parts(X)[:3]  # CSR: (data, indices, indptr)
    net = (Xc, T, sample_weight, widths,
           _mlc.ENUMS["nn_activation"][_ACTIVATIONS[est.activation]],
           _mlc.ENUMS["nn_loss"][_LOSSES[type(est._loss)]], float(est._data_loss_scale(n_out)),
           float(est.alpha))
    l1 = float(est.l1 or 0.0)
    n_iter, n_eval, converged, objective, loss = _mlc.nn_mlp_fit_lbfgs(
        model.params_, *net, l1, int(est.max_iter), int(est.max_fun), float(est.tol))
    if not np.all(np.isfinite(model.params_)):
        raise ValueError("Solver produced non-finite parameter weights. The input data may contain large values "
                         "and need to be preprocessed.")
    est.n_iter_ = int(n_iter)
    est.history_ = new_history()
    est.history_["objective"].extend(objective.tolist())
    est.history_["loss"].extend(loss.tolist())
    if n_iter > 0:
        est.loss_ = float(objective[-1])
    else:
        est.loss_ = _mlc.nn_mlp_objective(model.params_, None, *net)[0] + l1 * sum(
            float(np.abs(layer.params["weight"]).sum(dtype=np.float64)) for layer in dense)
    if est.verbose:
        for i, f in enumerate(objective):
            print(f"Iteration {i + 1}, loss = {f:.8f}")
    if not converged:
        reason = ("STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT" if n_eval > est.max_fun else
                  "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT")
        msg = f"lbfgs failed to converge after {n_iter} iteration(s) (status=1):\n{reason}\n"
        if n_iter == est.max_iter:
            msg += f"\nIncrease the number of iterations to improve the convergence (max_iter={est.max_iter})."
        msg += ("\nYou might also want to scale the data as shown in:\n"
                "    https://scikit-learn.org/stable/modules/preprocessing.html")
        warnings.warn(msg, ConvergenceWarning, stacklevel=4)
    est._after_fit()
    return est
