"""The few functions the estimators apply to their inputs and outputs in NumPy, written once."""
import numpy as np

from . import _mlc

__all__ = ["expit", "linear_scores", "log_softmax", "softmax"]


def linear_scores(X, coef, intercept=0.0):
    """X @ coef.T + intercept in float64: coef (k, d) gives (n, k), coef (d,) gives (n,). Dense X goes
    through mlc's BLAS, where a small product stays on one thread (DESIGN.md), not NumPy's, whose threads
    would wait for a core another process holds; sparse X through its own product."""
    if not isinstance(X, np.ndarray):
        return np.asarray(X @ np.asarray(coef, dtype=np.float64).T) + intercept  # an ndarray for a spmatrix too
    z = _mlc.matmul_t(np.ascontiguousarray(X, dtype=np.float64),
                      np.ascontiguousarray(np.atleast_2d(coef), dtype=np.float64))
    z += intercept
    return z if np.ndim(coef) == 2 else z[:, 0]


def expit(z):
    """The logistic function 1 / (1 + exp(-z)), without overflow: exp is only taken of -|z|."""
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def softmax(z):
    """Row-wise softmax of z (n, k), shifted by each row's maximum; returns a new array."""
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def log_softmax(z):
    """Row-wise log of softmax(z) for z (n, k), computed stably as z - max - log sum exp(z - max)."""
    m = z.max(axis=1, keepdims=True)
    return z - (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))
