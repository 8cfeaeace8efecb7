"""Ranking metrics: the ROC curve and the area under it (binary, multilabel, multiclass OvR / OvO).

The numbers, errors and warnings are scikit-learn's (1.9). The curve comes from one C kernel
(``mlc_metrics_roc_curve``): positives and negatives are each sorted by descending score with a
stable radix sort and merged, so tied scores collapse to one threshold and the running sums are
bit-identical to scikit-learn's stable argsort + cumsum.
"""
import numbers
import warnings
from itertools import combinations

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from ..exceptions import InvalidParameterError, UndefinedMetricWarning
from .._validation import (assert_all_finite, check_consistent_length, check_sample_weight,
                           column_or_1d, type_of_target)
from ._classification import (_as_array, _check_bool, _check_str_option, _discrete_1d, _encode,
                              _label_positions, _sized)

__all__ = ["roc_curve", "roc_auc_score"]

_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # NumPy < 2.0 has only trapz


def _target(y_true):
    """(type_of_target, classes, int32 codes) of y_true; classes and codes only for 1-D labels."""
    if y_true.size and _discrete_1d(y_true, "y_true"):
        classes, (codes,) = _encode(y_true.reshape(-1))
        return ("binary" if len(classes) <= 2 else "multiclass"), classes, codes
    return type_of_target(y_true, "y_true"), None, None


def _require_samples(a):
    if a.ndim >= 1 and a.shape[0] < 1:
        raise ValueError(f"Found array with 0 sample(s) (shape={a.shape}) while a minimum of 1 is "
                         "required.")


def _scores(y_score, ensure_1d):
    """y_score as C-contiguous finite float64 (1-D when ensure_1d)."""
    s = _as_array(y_score, "y_score")
    if ensure_1d:
        s = column_or_1d(s)
    elif s.ndim > 2:
        raise ValueError(f"Found array with dim {s.ndim}. None expected <= 2.")
    assert_all_finite(s)  # before widening: the message names the caller's dtype
    if s.dtype != np.float64:
        try:
            s = s.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(f"y_score could not be converted to floats: {e}") from e
        assert_all_finite(s)
    return np.ascontiguousarray(s)


def _check_pos_label(pos_label, classes):
    """scikit-learn's _check_pos_label_consistency: pos_label, or 1 when y_true is {0, 1},
    {-1, 1} or one of them."""
    if pos_label is None:
        ok = classes.dtype.kind not in "OUS" and len(classes) <= 2
        if ok:
            try:
                ok = set(classes.tolist()) in ({0, 1}, {-1, 1}, {0}, {-1}, {1})
            except TypeError:
                ok = False
        if not ok:
            shown = ", ".join(repr(c) for c in classes.tolist())
            raise ValueError(f"y_true takes value in {{{shown}}} and pos_label is not specified: "
                             "either make y_true take value in {0, 1} or {-1, 1} or pass pos_label "
                             "explicitly.")
        pos_label = 1
    return pos_label


def _curve_points(pos, y_score, sample_weight, drop_intermediate):
    """(fps, tps, thresholds) at the distinct scores, highest first (no leading point)."""
    score = _scores(y_score, ensure_1d=True)
    check_consistent_length(pos, score, *_sized(sample_weight))
    w = None
    if sample_weight is not None:
        w = check_sample_weight(column_or_1d(np.asarray(sample_weight)), len(pos))
        nonzero = w != 0  # zero weights must not create thresholds
        if not np.all(nonzero):
            pos, score, w = pos[nonzero], score[nonzero], w[nonzero]
    return _mlc.metrics_roc_curve(score, np.ascontiguousarray(pos, dtype=bool), w,
                                  drop_intermediate, n_threads=get_num_threads()), w


def _rates(fps, tps):
    """fpr and tpr from counts that start at 0, with scikit-learn's warnings when undefined."""
    if fps[-1] <= 0:
        warnings.warn("No negative samples in y_true, false positive value should be meaningless",
                      UndefinedMetricWarning, stacklevel=3)
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn("No positive samples in y_true, true positive value should be meaningless",
                      UndefinedMetricWarning, stacklevel=3)
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """Compute the Receiver Operating Characteristic (ROC) curve of a binary problem.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels. Unless they are {0, 1} or {-1, 1}, pos_label must be given.
    y_score : array-like of shape (n_samples,)
        Target scores: probability estimates of the positive class, confidence values, or
        non-thresholded decisions.
    pos_label : int, float, bool or str, default=None
        The label of the positive class (1 when None and y_true is {0, 1} or {-1, 1}).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    drop_intermediate : bool, default=True
        Drop the thresholds whose points are collinear with their neighbours (they do not change
        the curve nor its area).

    Returns
    -------
    fpr : ndarray of shape (>2,)
        Increasing false positive rates: fpr[i] is the rate of negatives scored >= thresholds[i].
    tpr : ndarray of shape (>2,)
        Increasing true positive rates.
    thresholds : ndarray of shape (n_thresholds,)
        Decreasing thresholds; thresholds[0] is +inf (no sample predicted positive).
    """
    _check_bool(drop_intermediate, "drop_intermediate", "roc_curve")
    y_true = _as_array(y_true, "y_true")
    _require_samples(y_true)
    y_type, classes, codes = _target(y_true)
    if not (y_type == "binary" or (y_type == "multiclass" and pos_label is not None)):
        raise ValueError(f"{y_type} format is not supported")
    pos_label = _check_pos_label(pos_label, classes)
    where = _label_positions(classes, [pos_label])[0]
    pos = codes == where if where >= 0 else np.zeros(len(codes), dtype=bool)
    (fps, tps, thresholds), _ = _curve_points(pos, y_score, sample_weight, drop_intermediate)
    fps = np.concatenate(([0.0], fps))
    tps = np.concatenate(([0.0], tps))
    thresholds = np.concatenate(([np.inf], thresholds))
    fpr, tpr = _rates(fps, tps)
    return fpr, tpr, thresholds


def _auc(x, y):
    """scikit-learn's auc: trapezoidal area, x monotonic in either direction."""
    if x.shape[0] < 2:
        raise ValueError("At least 2 points are needed to compute area under curve, but x.shape = "
                         f"{x.shape}")
    direction = 1
    dx = np.diff(x)
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1
        else:
            raise ValueError(f"x is neither increasing nor decreasing : {x}.")
    return float(direction * _trapezoid(y, x))


def _binary_auc(pos, y_score, sample_weight=None, max_fpr=None):
    """ROC AUC of one binary problem (pos: boolean labels); NaN with a warning for one class."""
    if pos.all() or not pos.any():
        warnings.warn("Only one class is present in y_true. ROC AUC score is not defined in that "
                      "case.", UndefinedMetricWarning, stacklevel=3)
        return np.nan
    (fps, tps, _), w = _curve_points(pos, y_score, sample_weight, True)
    full = max_fpr is None or max_fpr == 1
    if full and fps[-1] > 0 and tps[-1] > 0 and (w is None or np.all(w >= 0)):
        return _mlc.metrics_roc_auc(fps, tps)
    fpr, tpr = _rates(np.concatenate(([0.0], fps)), np.concatenate(([0.0], tps)))
    if full:
        return _auc(fpr, tpr)
    # a point at max_fpr by linear interpolation, then the McClish correction
    stop = np.searchsorted(fpr, max_fpr, "right")
    x_interp = [fpr[stop - 1], fpr[stop]]
    y_interp = [tpr[stop - 1], tpr[stop]]
    tpr = np.append(tpr[:stop], np.interp(max_fpr, x_interp, y_interp))
    fpr = np.append(fpr[:stop], max_fpr)
    partial_auc = _auc(fpr, tpr)
    min_area = 0.5 * max_fpr ** 2
    max_area = max_fpr
    return float(0.5 * (1 + (partial_auc - min_area) / (max_area - min_area)))


def _average_binary(Y, S, average, sample_weight, max_fpr=None):
    """scikit-learn's _average_binary_score with the binary AUC: Y (n, k) indicators, S (n, k)."""
    if Y.shape != S.shape:
        raise ValueError(f"y_true and y_score have different shapes: {Y.shape} vs {S.shape}.")
    Y = Y != 0
    axis = 1
    score_weight, average_weight = sample_weight, None
    if average == "micro":
        if score_weight is not None:
            score_weight = np.repeat(score_weight, Y.shape[1])
        Y, S = Y.reshape(-1, 1), S.reshape(-1, 1)
    elif average == "weighted":
        if score_weight is not None:
            average_weight = np.sum(Y * np.reshape(score_weight, (-1, 1)), axis=0)
        else:
            average_weight = np.sum(Y, axis=0)
        if np.isclose(np.sum(average_weight), 0):
            return 0
    elif average == "samples":
        average_weight, score_weight = score_weight, None
        axis = 0
    n = Y.shape[axis]
    score = np.zeros(n)
    for c in range(n):
        yc, sc = (Y[:, c], S[:, c]) if axis == 1 else (Y[c], S[c])
        score[c] = _binary_auc(yc, sc, score_weight, max_fpr)
    if average is None:
        return score
    if average_weight is not None:
        score[average_weight == 0] = 0  # 0-weighted NaN must not poison the mean
    return float(np.average(score, weights=average_weight))


def _multiclass_auc(classes, codes, S, labels, multi_class, average, sample_weight):
    """One-vs-rest or one-vs-one (Hand & Till, 2001) AUC of multiclass labels."""
    if S.ndim != 2:
        raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since `y_true` "
                         f"contains multiple classes. Got `y_score.shape={S.shape}`.")
    if not np.allclose(1, S.sum(axis=1)):
        raise ValueError("Target scores need to be probabilities for multiclass roc_auc, i.e. they "
                         "should sum up to 1.0 over classes")
    options = ("macro", "weighted", None)
    if multi_class == "ovr":
        options = ("micro",) + options
    if average not in options:
        raise ValueError(f"average must be one of {options} for multiclass problems")
    if average is None and multi_class == "ovo":
        raise NotImplementedError("average=None is not implemented for multi_class='ovo'.")
    if labels is not None:
        labels = column_or_1d(_as_array(labels, "labels"))
        uniq = np.unique(labels)
        if len(uniq) != len(labels):
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(uniq, labels):
            raise ValueError("Parameter 'labels' must be ordered")
        if len(uniq) != S.shape[1]:
            raise ValueError(f"Number of given labels, {len(uniq)}, not equal to the number of "
                             f"columns in 'y_score', {S.shape[1]}")
        where = _label_positions(uniq, classes)
        if np.any(where < 0):
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
        codes = where.astype(np.int32).take(codes)
        n_classes = len(uniq)
    else:
        n_classes = len(classes)
        if n_classes != S.shape[1]:
            raise ValueError("Number of classes in y_true not equal to the number of columns in "
                             "'y_score'")
    if multi_class == "ovo":
        if sample_weight is not None:
            raise ValueError("sample_weight is not supported for multiclass one-vs-one ROC AUC, "
                             "'sample_weight' must be None in this case.")
        present = np.flatnonzero(np.bincount(codes, minlength=n_classes))
        pairs = list(combinations(present, 2))
        pair_scores = np.empty(len(pairs))
        prevalence = np.empty(len(pairs)) if average == "weighted" else None
        for ix, (a, b) in enumerate(pairs):
            a_mask, b_mask = codes == a, codes == b
            ab = a_mask | b_mask
            if prevalence is not None:
                prevalence[ix] = np.average(ab)
            a_auc = _binary_auc(a_mask[ab], S[ab, a])
            b_auc = _binary_auc(b_mask[ab], S[ab, b])
            pair_scores[ix] = (a_auc + b_auc) / 2
        return float(np.average(pair_scores, weights=prevalence))
    Y = codes[:, None] == np.arange(n_classes)[None, :]
    return _average_binary(Y, S, average, sample_weight)


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None):
    """Area Under the Receiver Operating Characteristic Curve (ROC AUC) from prediction scores.

    Binary, multilabel-indicator, and multiclass targets (one-vs-rest or one-vs-one). Tied scores
    count as half: they form one threshold, and the trapezoid joins its two corners.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels, or a label indicator matrix. In the binary case the greater label is the
        positive class.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Target scores: for binary, the scores of the greater label; for multiclass, probabilities
        summing to 1 over the classes (columns in the order of the sorted labels).
    average : {'micro', 'macro', 'samples', 'weighted'} or None, default='macro'
        How per-label scores combine (None returns them; multilabel and OvR multiclass only).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    max_fpr : float in (0, 1], default=None
        Binary only: the standardised (McClish) partial AUC over [0, max_fpr].
    multi_class : {'raise', 'ovr', 'ovo'}, default='raise'
        Multiclass only: one-vs-rest, or one-vs-one (Hand & Till); 'raise' refuses multiclass.
    labels : array-like of shape (n_classes,), default=None
        Multiclass only: the sorted labels indexing the columns of y_score.

    Returns
    -------
    auc : float, or ndarray of shape (n_classes,) when average is None
        The area under the ROC curve (1 is perfect, 0.5 is chance).
    """
    _check_str_option(average, "average", "roc_auc_score",
                      ("micro", "macro", "samples", "weighted"), allow_none=True)
    if max_fpr is not None and not (isinstance(max_fpr, numbers.Real) and not isinstance(
            max_fpr, bool) and 0 < max_fpr <= 1):
        raise InvalidParameterError("The 'max_fpr' parameter of roc_auc_score must be a float in "
                                    f"the range (0.0, 1.0] or None. Got {max_fpr!r} instead.")
    _check_str_option(multi_class, "multi_class", "roc_auc_score", ("raise", "ovr", "ovo"))
    y_true = _as_array(y_true, "y_true")
    y_type, classes, codes = _target(y_true)
    if y_true.ndim > 2:
        raise ValueError(f"Found array with dim {y_true.ndim}. None expected <= 2.")
    _require_samples(y_true)
    S = _scores(y_score, ensure_1d=False)
    _require_samples(S)
    if sample_weight is not None:
        sample_weight = column_or_1d(np.asarray(sample_weight))
    if y_type == "multiclass" or (y_type == "binary" and S.ndim == 2 and S.shape[1] > 2):
        if max_fpr is not None and max_fpr != 1.0:
            raise ValueError("Partial AUC computation not available in multiclass setting, "
                             f"'max_fpr' must be set to `None`, received `max_fpr={max_fpr}` "
                             "instead")
        if multi_class == "raise":
            raise ValueError("multi_class must be in ('ovo', 'ovr')")
        check_consistent_length(codes, S, *_sized(sample_weight))
        w = check_sample_weight(sample_weight, len(codes))
        return _multiclass_auc(classes, codes, S, labels, multi_class, average, w)
    if y_type == "binary":
        pos = codes == 1 if len(classes) == 2 else np.zeros(len(codes), dtype=bool)
        return _binary_auc(pos, S, sample_weight, max_fpr)
    if y_type != "multilabel-indicator":
        raise ValueError(f"{y_type} format is not supported")
    check_consistent_length(y_true, S, *_sized(sample_weight))
    w = check_sample_weight(sample_weight, len(y_true))
    return _average_binary(y_true, S.reshape(len(S), -1), average, w, max_fpr)
