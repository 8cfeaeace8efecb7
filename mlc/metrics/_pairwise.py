"""pairwise_distances: euclidean, sqeuclidean, manhattan, cosine, correlation, in C."""
import numpy as np

from .. import _mlc
from .._threads import _n_threads
from .._validation import check_array, check_n_jobs

__all__ = ["pairwise_distances", "PAIRWISE_METRICS"]

# metric name -> the C kernel's code (csrc/metrics/distance.h); aliases as scipy/scikit-learn spell them
PAIRWISE_METRICS = {
    "euclidean": _mlc.METRIC_EUCLIDEAN, "l2": _mlc.METRIC_EUCLIDEAN,
    "sqeuclidean": _mlc.METRIC_SQEUCLIDEAN,
    "manhattan": _mlc.METRIC_MANHATTAN, "cityblock": _mlc.METRIC_MANHATTAN, "l1": _mlc.METRIC_MANHATTAN,
    "cosine": _mlc.METRIC_COSINE,
    "correlation": _mlc.METRIC_CORRELATION,
}


def _metric_code(metric):
    if not isinstance(metric, str) or metric not in PAIRWISE_METRICS:
        raise ValueError(
            f"Unknown metric {metric!r}. Valid metrics are {sorted(PAIRWISE_METRICS)}.")
    return PAIRWISE_METRICS[metric]


def _check_pair(X, Y):
    """X and Y validated to one common float dtype (float32 only if both are)."""
    X = check_array(X, dtype=(np.float64, np.float32))
    if Y is None:
        return X, None
    Y = check_array(Y, dtype=(np.float64, np.float32), input_name="Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"Incompatible dimension for X and Y matrices: X.shape[1] == {X.shape[1]} while "
            f"Y.shape[1] == {Y.shape[1]}")
    if X.dtype != Y.dtype:
        X, Y = X.astype(np.float64), Y.astype(np.float64)
    return X, Y


def pairwise_distances(X, Y=None, metric="euclidean", *, n_jobs=None):
    """Distances between the rows of X and the rows of Y (or of X itself).

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
    Y : array-like of shape (n_samples_Y, n_features), default=None
        None computes the distances within X; the diagonal is then exactly 0.
    metric : {'euclidean', 'sqeuclidean', 'manhattan', 'cosine', 'correlation'}, default='euclidean'
        Aliases: 'l2' (euclidean), 'cityblock' and 'l1' (manhattan).
        Euclidean, cosine and correlation use one GEMM per tile of the result, with near-zero
        euclidean distances recomputed directly so they keep full relative precision.
        A row of zero norm has cosine distance 1 to every other row (scikit-learn's
        cosine_distances); likewise a constant row under correlation (scipy gives NaN there).
    n_jobs : int, default=None
        Threads to use; None or -1 use ``mlc.get_num_threads()``.

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y)
        float32 when both inputs are float32, else float64.
    """
    code = _metric_code(metric)
    X, Y = _check_pair(X, Y)
    n_threads = _n_threads(check_n_jobs(n_jobs))
    if Y is None:
        return _mlc.pairwise_distances(X, X, code, True, n_threads)
    return _mlc.pairwise_distances(X, Y, code, False, n_threads)
