"""Classification metrics: accuracy, confusion matrix, precision / recall / F-score, log-loss.

The numbers, return types, errors and warnings are scikit-learn's (1.9). Labels of any type
(integers, floats, booleans, strings) are encoded here to int32 codes; the counting runs in C
(``csrc/metrics/classification.c``). Integer labels in a range no wider than a few times the
number of samples are encoded in O(n) without sorting; other labels go through ``np.unique``.
"""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from ..exceptions import InvalidParameterError, UndefinedMetricWarning
from .._validation import (_is_sparse, _non_integral, assert_all_finite,
                           check_consistent_length, check_sample_weight, type_of_target)

__all__ = [
    "UndefinedMetricWarning", "InvalidParameterError", "accuracy_score", "confusion_matrix",
    "precision_recall_fscore_support", "precision_score", "recall_score", "f1_score", "log_loss",
]


def _check_str_option(value, name, func, options, allow_none=False):
    if (value is None and allow_none) or (isinstance(value, str) and value in options):
        return
    opts = "{" + ", ".join(repr(o) for o in sorted(options)) + "}"
    tail = " or None" if allow_none else ""
    raise InvalidParameterError(f"The {name!r} parameter of {func} must be a str among "
                                f"{opts}{tail}. Got {value!r} instead.")


def _check_zero_division(zero_division, func):
    """The value to use on a zero division (0.0 for "warn")."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0
        if zero_division == "nan":
            return np.nan
    elif isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool):
        if np.isnan(zero_division):
            return np.nan
        if zero_division in (0, 1):
            return float(zero_division)
    raise InvalidParameterError(f"The 'zero_division' parameter of {func} must be a float among "
                                f"{{0.0, 1.0}}, numpy.nan or a str among {{'warn'}}. Got "
                                f"{zero_division!r} instead.")


def _check_bool(value, name, func):
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"The {name!r} parameter of {func} must be an instance of "
                                    "'bool' or an instance of 'numpy.bool'. Got "
                                    f"{value!r} instead.")


# ---- targets ------------------------------------------------------------------------------------

def _as_array(y, name="y"):
    """y as a NumPy array (ragged sequences become object arrays, as scikit-learn makes them)."""
    if _is_sparse(y):
        raise TypeError(f"Sparse input is not supported for {name}: pass a dense array.")
    if y is None or isinstance(y, str) or not (hasattr(y, "__array__") or hasattr(y, "__len__")):
        raise ValueError(f"Expected array-like (array or non-string sequence), got {y!r}")
    try:
        a = np.asarray(y)
    except ValueError:
        a = np.array(list(y), dtype=object)
    if a.dtype.kind == "c":
        raise ValueError("Complex data not supported")
    return a


def _discrete_1d(y, input_name):
    """True when y is a 1-D (or column) array of class labels, whose binary / multiclass type is
    settled later by the union of labels; avoids a sort for integer labels."""
    if not (y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)):
        return False
    if y.size == 0 or y.dtype.kind in "biuU":
        return True
    if y.dtype.kind == "f":
        if _non_integral(y):
            assert_all_finite(y, input_name)
            return False
        return True
    return y.dtype == object and isinstance(y.flat[0], str)


def _sized(sample_weight):
    """[sample_weight] when it has a length (for check_consistent_length), else []."""
    return [sample_weight] if hasattr(sample_weight, "__len__") else []


def _int64_labels(y):
    """y as int64 when its labels are integers that fit (bool, int, integral float), else None."""
    k = y.dtype.kind
    if k == "b":
        return y.view(np.uint8).astype(np.int64)
    if k in "iu":
        if k == "u" and y.dtype.itemsize == 8 and y.size and y.max() > np.iinfo(np.int64).max:
            return None
        return y.astype(np.int64, copy=False)
    if k == "f" and (y.size == 0 or np.max(np.abs(y)) < 2.0**53):
        return y.astype(np.int64)
    return None


def _is_str_array(u):
    return u.dtype.kind in "US" or (u.dtype == object and u.size and isinstance(u.flat[0], str))


def _encode(*ys, need_codes=True):
    """The sorted union of the labels of the 1-D arrays ys, and each array's int32 codes in it.

    With need_codes=False, labels that would need a sort (strings, integers spread wide) are only
    checked for a mix of strings and numbers, and (None, None) comes back: the caller compares
    the arrays themselves."""
    ys = [np.ascontiguousarray(y) for y in ys]
    ints = [_int64_labels(y) for y in ys]
    total = sum(y.size for y in ys)
    if all(a is not None for a in ints) and total:
        lo = min(int(a.min()) for a in ints if a.size)
        hi = max(int(a.max()) for a in ints if a.size)
        span = hi - lo + 1
        if span <= max(1 << 16, 2 * total):
            present = _mlc.metrics_mark_labels(ints[0], lo, span)
            for a in ints[1:]:
                present |= _mlc.metrics_mark_labels(a, lo, span)
            vals = np.flatnonzero(present)
            table = np.full(span, -1, dtype=np.int32)
            table[vals] = np.arange(len(vals), dtype=np.int32)
            classes = (vals + lo).astype(np.result_type(*[y.dtype for y in ys]))
            return classes, [_mlc.metrics_encode_labels(a, table, lo) for a in ints]
    if not need_codes and all(y.dtype.kind != "O" for y in ys):
        if len({y.dtype.kind in "US" for y in ys if y.size}) <= 1:
            return None, None
    uniques = [np.unique(y) for y in ys]
    kinds = {_is_str_array(u) for u in uniques if u.size}
    if len(kinds) > 1:
        raise ValueError("Mix of label input types (string and number); Got "
                         + " and ".join(str(u) for u in uniques) + ".")
    classes = np.unique(np.concatenate(uniques)) if len(uniques) > 1 else uniques[0]
    return classes, [np.searchsorted(classes, y).astype(np.int32) for y in ys]


class _Targets:
    """What _check_targets found: the task type and, for binary / multiclass, the classes and the
    codes; for multilabel-indicator, the two dense indicator matrices."""

    def __init__(self, y_type, classes, y_true, y_pred, sample_weight):
        self.y_type, self.classes = y_type, classes
        self.y_true, self.y_pred, self.sample_weight = y_true, y_pred, sample_weight


def _check_targets(y_true, y_pred, sample_weight=None, float_weights=True, need_codes=True):
    """scikit-learn's _check_targets: same checks, same messages, in the same order. Without
    need_codes, 1-D labels may come back as they are (classes None; see _encode)."""
    y_true, y_pred = _as_array(y_true, "y_true"), _as_array(y_pred, "y_pred")
    check_consistent_length(y_true, y_pred, *_sized(sample_weight))
    disc_t = _discrete_1d(y_true, "y_true")
    disc_p = _discrete_1d(y_pred, "y_pred")
    type_t = None if disc_t else type_of_target(y_true, "y_true")
    type_p = None if disc_p else type_of_target(y_pred, "y_pred")
    if len(y_true) < 1 or len(y_pred) < 1:
        raise ValueError("Found empty input array (e.g., `y_true` or `y_pred`) while a minimum "
                         "of 1 sample is required.")
    sample_weight = check_sample_weight(sample_weight, len(y_true), allow_int=not float_weights)
    if not (disc_t and disc_p):
        type_t = type_t or type_of_target(y_true, "y_true")
        type_p = type_p or type_of_target(y_pred, "y_pred")
        types = {type_t, type_p}
        if types == {"binary", "multiclass"}:
            types = {"multiclass"}
        if len(types) > 1:
            raise ValueError(f"Classification metrics can't handle a mix of {type_t} and {type_p} "
                             "targets")
        y_type = types.pop()
        if y_type not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(f"{y_type} is not supported")
        if y_type == "multilabel-indicator":
            if y_true.shape[1] != y_pred.shape[1]:
                raise ValueError("Multi-label binary indicator input with different numbers of "
                                 "labels")
            return _Targets(y_type, np.arange(y_true.shape[1]), y_true, y_pred, sample_weight)
    y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
    classes, codes = _encode(y_true, y_pred, need_codes=need_codes)
    if classes is None:  # binary or multiclass, left undecided
        return _Targets("multiclass", None, y_true, y_pred, sample_weight)
    y_type = "binary" if len(classes) <= 2 else "multiclass"
    return _Targets(y_type, classes, codes[0], codes[1], sample_weight)


def _label_positions(classes, labels):
    """For each of labels (an iterable), its index in classes, or -1 when it is not there."""
    index = {c: i for i, c in enumerate(classes.tolist())}
    labels = np.ravel(labels).tolist() if isinstance(labels, np.ndarray) else list(labels)
    out = np.empty(len(labels), dtype=np.intp)
    for j, lab in enumerate(labels):
        try:
            out[j] = index.get(lab, -1)
        except TypeError:  # an unhashable label matches nothing
            out[j] = -1
    return out


def _contains(values, x):
    """x in values, False for values of another type (no elementwise-comparison warnings)."""
    try:
        return any(v == x for v in values.tolist())
    except TypeError:
        return False


def _weighted_mean(score, weights, normalize):
    """np.average (normalize) or the weighted sum, with scikit-learn's zero-weight error."""
    if weights is None:
        return float(np.mean(score)) if normalize else float(np.sum(score))
    if not normalize:
        return float(np.dot(score, weights))
    return float(np.average(score, weights=weights))


# ---- accuracy and confusion matrix --------------------------------------------------------------

def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Accuracy classification score.

    In multilabel classification this is the subset accuracy: a sample counts when its whole set
    of labels is predicted exactly.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or label indicator array (n_samples, n_labels)
        Ground truth (correct) labels.
    y_pred : array-like of shape (n_samples,) or label indicator array (n_samples, n_labels)
        Predicted labels, as returned by a classifier.
    normalize : bool, default=True
        If False, return the (weighted) number of correctly classified samples; otherwise their
        fraction.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    score : float
        The fraction (or number) of correctly classified samples; best 1.0 (or n_samples).
    """
    _check_bool(normalize, "normalize", "accuracy_score")
    t = _check_targets(y_true, y_pred, sample_weight, need_codes=False)
    if t.y_type == "multilabel-indicator":
        score = np.count_nonzero(t.y_true != t.y_pred, axis=1) == 0
        return _weighted_mean(score, t.sample_weight, normalize)
    if t.classes is None:  # labels that would need a sort to encode: compare them as they are
        return _weighted_mean(t.y_true == t.y_pred, t.sample_weight, normalize)
    correct, total = _mlc.metrics_accuracy(t.y_true, t.y_pred, t.sample_weight)
    if not normalize:
        return float(correct)
    if total == 0:
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    return float(correct / total)


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """Compute the confusion matrix to evaluate the accuracy of a classification.

    ``C[i, j]`` is the (weighted) number of samples known to be in class ``i`` and predicted to
    be in class ``j``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target values.
    y_pred : array-like of shape (n_samples,)
        Estimated targets as returned by a classifier.
    labels : array-like of shape (n_classes,), default=None
        Labels indexing the matrix (to reorder or select a subset). None uses every label present
        in y_true or y_pred, sorted.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights. Integer weights give an integer matrix, as without weights.
    normalize : {'true', 'pred', 'all'}, default=None
        Normalise over the true labels (rows), the predicted labels (columns) or everything.

    Returns
    -------
    C : ndarray of shape (n_classes, n_classes)
        The confusion matrix: int64 counts, or float64 with float weights or normalize.
    """
    _check_str_option(normalize, "normalize", "confusion_matrix", ("true", "pred", "all"), True)
    t = _check_targets(y_true, y_pred, sample_weight, float_weights=False)
    if t.y_type not in ("binary", "multiclass"):
        raise ValueError(f"{t.y_type} is not supported")
    ct, cp, n_labels = t.y_true, t.y_pred, len(t.classes)
    if labels is not None:
        labels = np.asarray(labels)
        if labels.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        where = _label_positions(t.classes, labels)
        in_true = np.bincount(ct, minlength=len(t.classes)) > 0
        if not np.any(in_true[where[where >= 0]]):
            raise ValueError("At least one label specified must be in y_true")
        table = np.full(len(t.classes), -1, dtype=np.int32)
        for j, i in enumerate(where):  # a repeated label keeps its last position, as a dict would
            if i >= 0:
                table[i] = j
        ct, cp, n_labels = table.take(ct), table.take(cp), labels.size
    cm = _mlc.metrics_confusion(ct, cp, t.sample_weight, n_labels)
    with np.errstate(all="ignore"):
        if normalize == "true":
            cm = cm / cm.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            cm = cm / cm.sum(axis=0, keepdims=True)
        elif normalize == "all":
            cm = cm / cm.sum()
        cm = np.nan_to_num(cm)
    if cm.shape == (1, 1):
        warnings.warn("A single label was found in 'y_true' and 'y_pred'. For the confusion matrix "
                      "to have the correct shape, use the 'labels' parameter to pass all known "
                      "labels.", UserWarning, stacklevel=2)
    return cm


# ---- precision, recall, F-score -----------------------------------------------------------------

_AVERAGES = ("micro", "macro", "samples", "weighted", "binary")


def _set_wise_labels(t, average, labels, pos_label):
    """scikit-learn's _check_set_wise_labels once the targets are known."""
    if average == "binary":
        if t.y_type == "binary":
            if not _contains(t.classes, pos_label) and len(t.classes) >= 2:
                raise ValueError(f"pos_label={pos_label!r} is not a valid label. It should be "
                                 f"one of {t.classes}")
            return [pos_label]
        options = [None, "micro", "macro", "weighted", "samples"]
        if t.y_type == "multiclass":
            options.remove("samples")
        raise ValueError(f"Target is {t.y_type} but average='binary'. Please choose another "
                         f"average setting, one of {options!r}.")
    if pos_label not in (None, 1):
        warnings.warn(f"Note that pos_label (set to {pos_label!r}) is ignored when average != "
                      f"'binary' (got {average!r}). You may use labels=[pos_label] to specify a "
                      "single positive class.", UserWarning, stacklevel=3)
    return labels


def _multilabel_counts(t, labels, samplewise):
    """tp, pred and true sums of indicator matrices, per label (or per sample)."""
    yt, yp, w = t.y_true, t.y_pred, t.sample_weight
    n_cols = yt.shape[1]
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if labels.size and (labels.shape != (n_cols,) or np.any(labels != np.arange(n_cols))):
            if labels.max() > n_cols - 1:
                raise ValueError("All labels must be in [0, n labels) for multilabel targets. "
                                 f"Got {labels.max()} > {n_cols - 1}")
            if labels.min() < 0:
                raise ValueError("All labels must be in [0, n labels) for multilabel targets. "
                                 f"Got {labels.min()} < 0")
        yt, yp = yt[:, labels], yp[:, labels]
    axis = 1 if samplewise else 0

    def count(x):
        if w is None:
            return np.count_nonzero(x, axis=axis)
        return np.sum(np.where(x != 0, w[:, None], 0.0), axis=axis)

    return count((yt != 0) & (yp != 0)), count(yp), count(yt)


def _class_counts(t, labels):
    """tp, pred and true sums of each label (all present labels, sorted, when labels is None)."""
    tp, ps, ts = _mlc.metrics_class_counts(t.y_true, t.y_pred, t.sample_weight, len(t.classes))
    if labels is None:
        return tp, ps, ts
    where = _label_positions(t.classes, labels)
    pick = np.where(where >= 0, where, 0)
    keep = where >= 0
    return tuple(np.where(keep, a[pick], 0).astype(a.dtype) for a in (tp, ps, ts))


def _prf_divide(num, den, metric, modifier, average, warn_for, zero_division):
    """num / den, with zero_division where den == 0, warning as scikit-learn does."""
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    mask = den == 0
    result = num / np.where(mask, 1.0, den)
    if not np.any(mask):
        return result
    result[mask] = _check_zero_division(zero_division, "")
    if not (isinstance(zero_division, str) and zero_division == "warn") or metric not in warn_for:
        return result
    axis0, axis1 = ("label", "sample") if average == "samples" else ("sample", "label")
    where = "due to" if result.shape[0] == 1 else f"in {axis1}s with"
    warnings.warn(f"{metric.capitalize()} is ill-defined and being set to 0.0 {where} no "
                  f"{modifier} {axis0}s. Use `zero_division` parameter to control this behavior.",
                  UndefinedMetricWarning, stacklevel=4)
    return result


def _nanaverage(a, weights=None):
    """Weighted mean ignoring NaN; all-zero weights fall back to the plain mean."""
    if a.shape[0] == 0:
        return np.nan
    mask = np.isnan(a)
    if np.all(mask):
        return np.nan
    if weights is None:
        return np.nanmean(a)
    weights = np.asarray(weights, dtype=np.float64)
    try:
        return np.average(a[~mask], weights=weights[~mask])
    except ZeroDivisionError:
        return np.average(a[~mask])


def _prfs(y_true, y_pred, beta, labels, pos_label, average, warn_for, sample_weight, zero_division,
          func):
    if not isinstance(beta, numbers.Real) or isinstance(beta, bool) or not beta >= 0:
        raise InvalidParameterError(f"The 'beta' parameter of {func} must be a float in the range "
                                    f"[0.0, inf). Got {beta!r} instead.")
    _check_str_option(average, "average", func, _AVERAGES, allow_none=True)
    _check_zero_division(zero_division, func)
    if not isinstance(warn_for, (list, tuple, set)):
        raise InvalidParameterError(f"The 'warn_for' parameter of {func} must be an instance of "
                                    f"'list', 'tuple' or 'set'. Got {warn_for!r} instead.")
    t = _check_targets(y_true, y_pred, sample_weight)
    labels = _set_wise_labels(t, average, labels, pos_label)
    samplewise = average == "samples"
    if t.y_type == "multilabel-indicator":
        tp_sum, pred_sum, true_sum = _multilabel_counts(t, labels, samplewise)
    else:
        if samplewise:
            raise ValueError("Samplewise metrics are not available outside of multilabel "
                             "classification.")
        tp_sum, pred_sum, true_sum = _class_counts(t, labels)
    if average == "micro":
        tp_sum, pred_sum, true_sum = (np.array([a.sum()]) for a in (tp_sum, pred_sum, true_sum))
    beta2 = beta ** 2
    precision = _prf_divide(tp_sum, pred_sum, "precision", "predicted", average, warn_for,
                            zero_division)
    recall = _prf_divide(tp_sum, true_sum, "recall", "true", average, warn_for, zero_division)
    if np.isposinf(beta):
        f_score = recall
    elif beta == 0:
        f_score = precision
    else:
        # (1 + b^2) P R / (b^2 P + R) in counts: (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp)
        denom = beta2 * true_sum.astype(np.float64) + pred_sum.astype(np.float64)
        f_score = _prf_divide((1 + beta2) * tp_sum.astype(np.float64), denom, "f-score",
                              "true nor predicted", average, warn_for, zero_division)
    if average is None:
        return precision, recall, f_score, true_sum
    weights = true_sum if average == "weighted" else (t.sample_weight if samplewise else None)
    return (float(_nanaverage(precision, weights)), float(_nanaverage(recall, weights)),
            float(_nanaverage(f_score, weights)), None)


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn"):
    """Compute precision, recall, F-measure and support for each class.

    Precision is ``tp / (tp + fp)``, recall ``tp / (tp + fn)``, the F-beta score their weighted
    harmonic mean ``(1 + beta^2) tp / ((1 + beta^2) tp + beta^2 fn + fp)``, and the support the
    number of occurrences of each class in y_true.

    Parameters
    ----------
    y_true : 1d array-like, or label indicator array (n_samples, n_labels)
        Ground truth (correct) target values.
    y_pred : 1d array-like, or label indicator array (n_samples, n_labels)
        Estimated targets as returned by a classifier.
    beta : float, default=1.0
        The strength of recall versus precision in the F-score.
    labels : array-like, default=None
        The labels to include (and their order) when average is not 'binary'. None uses every
        label present in y_true or y_pred, sorted.
    pos_label : int, float, bool or str, default=1
        The class to report with average='binary' (ignored, with a warning, otherwise).
    average : {'binary', 'micro', 'macro', 'samples', 'weighted'} or None, default=None
        None returns the scores of each class; 'binary' the score of pos_label; 'micro' counts
        tp, fn and fp globally; 'macro' is the unweighted mean over labels, 'weighted' the mean
        weighted by support; 'samples' (multilabel only) the mean over samples.
    warn_for : list, tuple or set
        The metrics to warn about when they are ill-defined.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        The value returned on a zero division; "warn" acts as 0 and warns.

    Returns
    -------
    precision : float (if average is not None) or ndarray of shape (n_unique_labels,)
    recall : float (if average is not None) or ndarray of shape (n_unique_labels,)
    fbeta_score : float (if average is not None) or ndarray of shape (n_unique_labels,)
    support : None (if average is not None) or ndarray of shape (n_unique_labels,)
        The (weighted) number of occurrences of each label in y_true.
    """
    return _prfs(y_true, y_pred, beta, labels, pos_label, average, warn_for, sample_weight,
                 zero_division, "precision_recall_fscore_support")


_SCORE_DOC = """Compute the {what}.

    {formula}. Multiclass and multilabel targets are treated as one binary problem per label;
    ``average`` says how the per-label scores combine.

    Parameters
    ----------
    y_true : 1d array-like, or label indicator array (n_samples, n_labels)
        Ground truth (correct) target values.
    y_pred : 1d array-like, or label indicator array (n_samples, n_labels)
        Estimated targets as returned by a classifier.
    labels : array-like, default=None
        The labels to include (and their order) when average != 'binary'.
    pos_label : int, float, bool or str, default=1
        The class to report with average='binary'.
    average : {{'binary', 'micro', 'macro', 'samples', 'weighted'}} or None, default='binary'
        None returns the score of each class; otherwise see precision_recall_fscore_support.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    zero_division : {{"warn", 0.0, 1.0, np.nan}}, default="warn"
        The value returned on a zero division; "warn" acts as 0 and warns.

    Returns
    -------
    score : float, or ndarray of shape (n_unique_labels,) when average is None
        The {what} (best 1, worst 0).
    """


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    return _prfs(y_true, y_pred, 1.0, labels, pos_label, average, ("precision",), sample_weight,
                 zero_division, "precision_score")[0]


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    return _prfs(y_true, y_pred, 1.0, labels, pos_label, average, ("recall",), sample_weight,
                 zero_division, "recall_score")[1]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None,
             zero_division="warn"):
    return _prfs(y_true, y_pred, 1.0, labels, pos_label, average, ("f-score",), sample_weight,
                 zero_division, "f1_score")[2]


precision_score.__doc__ = _SCORE_DOC.format(
    what="precision", formula="The precision is ``tp / (tp + fp)``: the ability not to label a "
    "negative sample as positive")
recall_score.__doc__ = _SCORE_DOC.format(
    what="recall", formula="The recall is ``tp / (tp + fn)``: the ability to find the positive "
    "samples")
f1_score.__doc__ = _SCORE_DOC.format(
    what="F1 score", formula="The F1 score is ``2 tp / (2 tp + fp + fn)``, the harmonic mean of "
    "precision and recall")


# ---- log-loss -----------------------------------------------------------------------------------

def _one_hot_classes(y_true, labels, raw_y_true):
    """The classes of log_loss (scikit-learn's LabelBinarizer rules) and y_true's int32 codes, or
    the indicator matrix itself for multilabel y_true."""
    if labels is not None:
        lab = _as_array(labels, "labels").reshape(-1)
        classes = np.unique(lab)
        if classes.shape != lab.shape or np.any(classes != lab):
            warnings.warn(f"Labels passed were {labels}. But this function assumes labels are "
                          "ordered lexicographically. Pass the ordered "
                          f"labels={classes.tolist()} and ensure that the columns of y_prob "
                          "correspond to this ordering.", UserWarning, stacklevel=3)
        y = y_true.reshape(-1) if y_true.ndim == 2 and y_true.shape[1] == 1 else y_true
        where = np.searchsorted(classes, y) if y.ndim == 1 else None
        if where is None or np.any(where >= len(classes)) or np.any(
                classes[np.minimum(where, len(classes) - 1)] != y):
            try:  # the values as the caller holds them (NumPy scalars print as such)
                undeclared = set(raw_y_true) - set(labels)
            except TypeError:
                undeclared = set(y.reshape(-1).tolist()) - set(lab.tolist())
            raise ValueError(f"y_true contains values {undeclared} not belonging to the passed "
                             f"labels {labels}.")
        codes = where.astype(np.int32)
    elif y_true.size and _discrete_1d(y_true, "y"):
        classes, (codes,) = _encode(y_true.reshape(-1))
    else:
        kind = type_of_target(y_true, "y")
        if kind.endswith("multioutput"):
            raise ValueError("Multioutput target data is not supported with label binarization")
        if kind == "multilabel-indicator":
            return np.arange(y_true.shape[1]), y_true
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Unknown label type: {(raw_y_true,)!r}")
        classes, (codes,) = _encode(y_true.reshape(-1))
    if classes.shape[0] == 1:
        if labels is None:
            raise ValueError(f"y_true contains only one label ({classes[0]}). Please provide the "
                             "list of all expected class labels explicitly through the labels "
                             "argument.")
        raise ValueError(f"The labels array needs to contain at least two labels, got {classes}.")
    return classes, codes


def _warn_not_normalized():
    warnings.warn("The y_prob values do not sum to one. Make sure to pass probabilities.",
                  UserWarning, stacklevel=3)


def log_loss(y_true, y_proba=None, *, normalize=True, sample_weight=None, labels=None,
             y_pred="deprecated"):
    """Log loss, aka logistic loss or cross-entropy loss.

    The negative log-likelihood of the true labels under the predicted probabilities,
    ``-sum_k y_ik log(p_ik)`` per sample, with probabilities clipped to ``[eps, 1 - eps]``
    (``eps`` the machine epsilon of y_proba's dtype).

    Parameters
    ----------
    y_true : array-like or label indicator matrix
        Ground truth (correct) labels for n_samples samples.
    y_proba : array-like of float, shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, as returned by a classifier's predict_proba; columns follow the
        sorted labels. A 1-D array holds the probability of the positive (greater) class.
    normalize : bool, default=True
        If True return the mean loss per sample, else the sum.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like, default=None
        The labels, when y_true does not hold all of them.
    y_pred : deprecated
        The former name of y_proba (renamed in scikit-learn 1.9).

    Returns
    -------
    loss : float
        The log-loss (lower is better).
    """
    if not (isinstance(y_pred, str) and y_pred == "deprecated"):
        if y_proba is not None:
            raise ValueError("Cannot use both `y_pred` and `y_proba`. `y_pred` is deprecated, use "
                             "`y_proba` instead.")
        warnings.warn("`y_pred` was renamed to `y_proba` in version 1.9 and will be removed in "
                      "1.11. Use `y_proba` instead.", FutureWarning, stacklevel=2)
        y_proba = y_pred
    _check_bool(normalize, "normalize", "log_loss")
    proba = _as_array(y_proba, "y_proba")
    if proba.dtype not in (np.float32, np.float64):
        proba = proba.astype(np.float64)
    if proba.ndim > 2:
        raise ValueError(f"Found array with dim {proba.ndim}. None expected <= 2.")
    if proba.shape[0] < 1:
        raise ValueError(f"Found array with 0 sample(s) (shape={proba.shape}) while a minimum of 1 "
                         "is required.")
    hi, lo = proba.max(), proba.min()  # NaN and inf show in them: no separate finiteness pass
    if not (np.isfinite(hi) and np.isfinite(lo)):
        assert_all_finite(proba)
    if hi > 1:
        raise ValueError(f"y_prob contains values greater than 1: {hi}")
    if lo < 0:
        raise ValueError(f"y_prob contains values lower than 0: {lo}")
    raw_y_true, y_true = y_true, _as_array(y_true, "y_true")
    check_consistent_length(proba, y_true, *_sized(sample_weight))
    w = check_sample_weight(sample_weight, len(proba))
    classes, codes = _one_hot_classes(y_true, labels, raw_y_true)
    eps = float(np.finfo(proba.dtype).eps)
    cols = 1 if proba.ndim == 1 else proba.shape[1]
    n_classes = max(cols, 2)
    # multilabel indicators (every column a class of its own) and float32 (computed in float32,
    # as scikit-learn does) go through NumPy; the rest through the C kernel
    in_numpy = codes.ndim == 2 or proba.dtype == np.float32 or classes.shape[0] != n_classes
    tol = 1e-8 + np.sqrt(eps)  # np.isclose(row sum, 1, rtol=sqrt(eps))
    if in_numpy and cols > 1 and not np.all(np.abs(proba.sum(axis=1) - 1) <= tol):
        _warn_not_normalized()
    if classes.shape[0] != n_classes:
        if labels is None:
            raise ValueError(f"y_true and y_prob contain different number of classes: "
                             f"{classes.shape[0]} vs {n_classes}. Please provide the true labels "
                             "explicitly through the labels argument. Classes found in y_true: "
                             f"{classes}")
        raise ValueError("The number of classes in labels is different from that in y_prob. "
                         f"Classes found in labels: {classes}")
    if in_numpy:
        p = proba.reshape(len(proba), cols)
        if cols == 1:
            p = np.concatenate([1 - p, p], axis=1)
        clipped = np.clip(p, eps, 1 - eps)
        if codes.ndim == 2:
            loss = -np.sum(np.where(codes != 0, codes * np.log(clipped), 0), axis=1)
        else:
            loss = -np.log(clipped[np.arange(len(codes)), codes])
        return _weighted_mean(loss, w, normalize)
    p64 = np.ascontiguousarray(proba).reshape(len(proba), cols)
    total, dev = _mlc.metrics_log_loss(p64, codes, w, eps, n_threads=get_num_threads())
    if cols > 1 and not dev <= tol:
        _warn_not_normalized()
    if not normalize:
        return float(total)
    denom = len(codes) if w is None else np.sum(w)
    if denom == 0:
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    return float(total / denom)
