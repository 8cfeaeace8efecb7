"""Regression metrics: mean squared error and the coefficient of determination R^2.

NumPy only (one pass over the data each); the numbers, errors and warnings are scikit-learn's
(1.9), including ``multioutput`` and ``sample_weight``.
"""
import numbers
import warnings

import numpy as np

from ..exceptions import InvalidParameterError, UndefinedMetricWarning
from .._validation import assert_all_finite, check_consistent_length
from ._classification import _as_array, _check_bool, _sized

__all__ = ["mean_squared_error", "r2_score"]


def _float_2d(y, name):
    a = _as_array(y, name)
    if a.ndim > 2:
        raise ValueError(f"Found array with dim {a.ndim}. None expected <= 2.")
    if a.dtype.kind == "O" or a.dtype.kind in "USV":
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{name} could not be converted to floats: {e}") from e
    if a.ndim >= 1 and a.shape[0] < 1:
        raise ValueError(f"Found array with 0 sample(s) (shape={a.shape}) while a minimum of 1 is "
                         "required.")
    return a


def _check_reg_targets(y_true, y_pred, sample_weight, multioutput, allowed, func):
    """scikit-learn's _check_reg_targets_with_floating_dtype: (y_true, y_pred) as (n, k) floats of a
    common dtype, the weights, and the validated multioutput."""
    if isinstance(multioutput, str):
        if multioutput not in allowed:
            opts = "{" + ", ".join(repr(o) for o in sorted(allowed)) + "}"
            raise InvalidParameterError(f"The 'multioutput' parameter of {func} must be a str "
                                        f"among {opts} or an array-like. Got {multioutput!r} "
                                        "instead.")
    check_consistent_length(y_true, y_pred, *_sized(sample_weight))
    # the common floating dtype of the inputs that have one (float64 when none has)
    floats = [a.dtype for a in (y_true, y_pred, sample_weight)
              if hasattr(a, "dtype") and np.dtype(a.dtype).kind == "f"]
    dtype = np.result_type(*floats) if floats else np.dtype(np.float64)
    y_true, y_pred = _float_2d(y_true, "y_true"), _float_2d(y_pred, "y_pred")
    y_true, y_pred = y_true.astype(dtype, copy=False), y_pred.astype(dtype, copy=False)
    assert_all_finite(y_true)
    assert_all_finite(y_pred)
    if sample_weight is not None:
        if isinstance(sample_weight, numbers.Number):
            sample_weight = np.full(y_true.shape[0], sample_weight, dtype=dtype)
        sample_weight = np.asarray(sample_weight).astype(dtype, copy=False)
        if sample_weight.ndim != 1:
            raise ValueError("Sample weights must be 1D array or scalar, got "
                             f"{sample_weight.ndim}D array. Expected either a scalar value "
                             f"or a 1D array of length {y_true.shape[0]}.")
        assert_all_finite(sample_weight, "sample_weight")
        if not np.any(sample_weight):
            raise ValueError("Sample weights must contain at least one non-zero number.")
    y_true = y_true.reshape(-1, 1) if y_true.ndim == 1 else y_true
    y_pred = y_pred.reshape(-1, 1) if y_pred.ndim == 1 else y_pred
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError("y_true and y_pred have different number of output "
                         f"({y_true.shape[1]}!={y_pred.shape[1]})")
    n_outputs = y_true.shape[1]
    if not isinstance(multioutput, str) and multioutput is not None:
        multioutput = np.asarray(multioutput, dtype=np.float64)
        if n_outputs == 1:
            raise ValueError("Custom weights are useful only in multi-output cases.")
        if multioutput.shape[0] != n_outputs:
            raise ValueError(f"There must be equally many custom weights ({multioutput.shape[0]}) "
                             f"as outputs ({n_outputs}).")
    return y_true, y_pred, sample_weight, multioutput


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean squared error regression loss.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground truth (correct) target values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Estimated target values.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    multioutput : {'raw_values', 'uniform_average'} or array-like of shape (n_outputs,), \
default='uniform_average'
        'raw_values' returns one error per output; 'uniform_average' their mean; an array their
        mean weighted by it.

    Returns
    -------
    loss : float or ndarray of shape (n_outputs,)
        The mean squared error (best 0.0).
    """
    y_true, y_pred, w, multioutput = _check_reg_targets(
        y_true, y_pred, sample_weight, multioutput, ("raw_values", "uniform_average"),
        "mean_squared_error")
    output_errors = np.average((y_true - y_pred) ** 2, axis=0, weights=w)
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return output_errors
        multioutput = None
    return float(np.average(output_errors, weights=multioutput))


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
             force_finite=True):
    """R^2 (coefficient of determination) regression score.

    ``1 - sum w (y - y_hat)^2 / sum w (y - mean_w(y))^2``: 1.0 is perfect, 0.0 is the constant
    mean predictor, and it can be negative. With a constant y_true the ratio is undefined: 1.0
    (perfect predictions) or 0.0 (otherwise) when force_finite, else NaN or -inf.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground truth (correct) target values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Estimated target values.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    multioutput : {'raw_values', 'uniform_average', 'variance_weighted'} or array-like of shape \
(n_outputs,), default='uniform_average'
        'raw_values' returns one score per output; 'uniform_average' their mean;
        'variance_weighted' their mean weighted by each output's variance; an array their mean
        weighted by it.
    force_finite : bool, default=True
        Replace the NaN / -inf of a constant y_true by 1.0 / 0.0.

    Returns
    -------
    z : float or ndarray of shape (n_outputs,)
        The R^2 score (an array with multioutput='raw_values').
    """
    _check_bool(force_finite, "force_finite", "r2_score")
    y_true, y_pred, w, multioutput = _check_reg_targets(
        y_true, y_pred, sample_weight, multioutput,
        ("raw_values", "uniform_average", "variance_weighted"), "r2_score")
    if y_pred.shape[0] < 2:
        warnings.warn("R^2 score is not well-defined with less than two samples.",
                      UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    weight = 1.0 if w is None else w[:, None]
    numerator = np.sum(weight * (y_true - y_pred) ** 2, axis=0)
    denominator = np.sum(weight * (y_true - np.average(y_true, axis=0, weights=w)) ** 2, axis=0)
    nonzero_den = denominator != 0
    if not force_finite:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1 - numerator / denominator
    else:
        nonzero_num = numerator != 0
        scores = np.ones(y_true.shape[1], dtype=numerator.dtype)
        valid = nonzero_den & nonzero_num
        scores[valid] = 1 - numerator[valid] / denominator[valid]
        scores[nonzero_num & ~nonzero_den] = 0.0
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return scores
        if multioutput == "uniform_average":
            avg_weights = None
        else:  # variance_weighted; all-constant outputs fall back to uniform weights
            avg_weights = denominator if np.any(nonzero_den) else None
    else:
        avg_weights = multioutput
    result = np.average(scores, weights=avg_weights)
    return float(result) if np.size(result) == 1 else result
