"""The few elementwise functions the estimators apply to their outputs in NumPy, written once."""
import numpy as np

__all__ = ["expit", "log_softmax", "softmax"]


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
