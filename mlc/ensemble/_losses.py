"""The losses of histogram gradient boosting (scikit-learn's _loss module, half losses): the constant
raw prediction that minimises each, its per-sample value (train_score_ / validation_score_ are minus
their weighted mean), and the inverse link from raw predictions to predictions. Gradients and
hessians are the C kernel ensemble_gradients."""
import numpy as np

from .. import _mlc

LOSS = _mlc.ENUMS["ensemble_loss"]
_EPS = np.finfo(np.float64).eps


def _percentile(y, sample_weight, q):
    if sample_weight is None:
        return np.percentile(y, q)
    order = np.argsort(y)
    y, w = y[order], sample_weight[order]
    cw = np.cumsum(w)
    # scikit-learn's _weighted_percentile (average=False): the first value whose weight reaches q
    return y[min(np.searchsorted(cw, q / 100.0 * cw[-1]), len(y) - 1)]


def baseline(loss, y, sample_weight, n_classes=1, quantile=0.5):
    """(n_trees_per_iteration,) the raw prediction of the model without trees."""
    if loss == "squared_error":
        return np.array([np.average(y, weights=sample_weight)])
    if loss == "absolute_error":
        return np.array([_percentile(y, sample_weight, 50)], dtype=np.float64)
    if loss == "quantile":
        return np.array([_percentile(y, sample_weight, 100 * quantile)], dtype=np.float64)
    if loss == "poisson":
        p = np.clip(np.average(y, weights=sample_weight), 10 * _EPS, None)
        return np.array([np.log(p)])
    if loss == "log_loss_binary":
        p = np.clip(np.average(y, weights=sample_weight), 10 * _EPS, 1 - 10 * _EPS)
        return np.array([np.log(p / (1 - p))])
    p = np.array([np.clip(np.average(y == k, weights=sample_weight), _EPS, 1 - _EPS) for k in range(n_classes)])
    logp = np.log(p)
    return logp - logp.mean()


def _log1pexp(x):
    # scikit-learn's log1pexp: exact enough in each range, never overflows
    out = np.empty_like(x)
    a, b, c, e = x <= -37, (x > -37) & (x <= -2), (x > -2) & (x <= 18), x > 18
    out[a] = np.exp(x[a])
    out[b] = np.log1p(np.exp(x[b]))
    out[c] = np.log(1 + np.exp(x[c]))
    out[e] = x[e] + np.exp(-x[e])
    return out


def mean_loss(loss, y, raw, sample_weight, quantile=0.5):
    """The weighted mean of the per-sample loss at raw (K, N)."""
    r = raw[0]
    if loss == "squared_error":
        per = 0.5 * (r - y) ** 2
    elif loss == "absolute_error":
        per = np.abs(r - y)
    elif loss == "quantile":
        per = np.where(y >= r, quantile * (y - r), (1 - quantile) * (r - y))
    elif loss == "poisson":
        per = np.exp(r) - y * r
    elif loss == "log_loss_binary":
        per = _log1pexp(r) - y * r
    else:
        mx = raw.max(axis=0)
        per = mx + np.log(np.exp(raw - mx).sum(axis=0)) - raw[y.astype(np.intp), np.arange(raw.shape[1])]
    return float(np.average(per, weights=sample_weight))


def inverse_link(loss, raw):
    """Predictions (regression) or class probabilities (N, C) from raw (K, N)."""
    if loss == "poisson":
        return np.exp(raw[0])
    if loss == "log_loss_binary":
        p = 1.0 / (1.0 + np.exp(-raw[0]))
        return np.column_stack([1.0 - p, p])
    if loss == "log_loss_multiclass":
        z = raw.T - raw.max(axis=0)[:, None]
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
    return raw[0].copy()
