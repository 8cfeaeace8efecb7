"""Binning of the features of histogram gradient boosting: scikit-learn's _BinMapper. The thresholds
come from NumPy (quantiles of at most 200,000 rows drawn as scikit-learn draws them, so the same seed
gives the same bins); mapping every value to its bin is a C kernel (feature-major uint8, and
row-major too for the grower)."""
import numpy as np

from .. import _mlc
from .._validation import check_legacy_random_state

ALMOST_INF = 1e300
SUBSAMPLE = 200_000


def _weighted_percentile(x, w, q):
    """scikit-learn's _weighted_percentile(x, w, q, average=True) of a sorted x with weights w > 0:
    the mean of the inverted CDF from the left and from the right at q percent."""
    cw = np.cumsum(w)
    total = cw[-1]
    target = q / 100.0 * total
    lo = min(np.searchsorted(cw, target, side="left"), len(x) - 1)
    hi = min(np.searchsorted(cw, target, side="right"), len(x) - 1)
    return 0.5 * (x[lo] + x[hi])


def _percentiles_of_sorted(col, percentiles):
    """np.percentile(col, percentiles, method="averaged_inverted_cdf") of an ascending col, the same
    bits without its partition of col: NumPy's virtual index n q - 1, its neighbours (clipped to
    the ends) and its lerp, where gamma is 1 or, at a whole index, 0.5."""
    q = np.true_divide(percentiles, 100)
    n = col.shape[0]
    virtual = n * q - 1
    prev = np.floor(virtual)
    nxt = prev + 1
    above, below = virtual >= n - 1, virtual < 0
    prev[above] = nxt[above] = -1
    prev[below] = nxt[below] = 0
    prev, nxt = prev.astype(np.intp), nxt.astype(np.intp)
    gamma = np.where(virtual - prev == 0, 0.5, 1.0)
    a, b = col[prev], col[nxt]
    return b - (b - a) * (1 - gamma)  # NumPy's lerp for gamma >= 0.5


def _thresholds(col, max_bins, sample_weight=None):
    """The ascending bin thresholds of one continuous feature (scikit-learn's
    _find_binning_thresholds): midpoints of the distinct values when there are at most max_bins of
    them, else quantiles; a value x falls in bin i when thresholds[i - 1] < x <= thresholds[i]."""
    missing = np.isnan(col)
    if missing.any():
        col = col[~missing]
        if sample_weight is not None:
            sample_weight = sample_weight[~missing]
    if sample_weight is not None:
        nz = sample_weight != 0
        col, sample_weight = col[nz], sample_weight[nz]
        order = np.argsort(col)
        col, sample_weight = col[order], sample_weight[order]
    else:
        col = np.sort(col)
    new = np.empty(col.shape[0], dtype=bool)  # np.unique of the sorted col
    new[:1] = True
    np.not_equal(col[1:], col[:-1], out=new[1:])
    distinct = col[new].astype(np.float64)
    if len(distinct) <= 1:
        return np.zeros(0)
    if len(distinct) <= max_bins:
        t = (distinct[:-1] + distinct[1:]) / 2.0
    else:
        percentiles = np.linspace(0, 100, num=max_bins + 1)[1:-1]
        if sample_weight is None:
            t = _percentiles_of_sorted(col, percentiles)
        else:
            t = np.array([_weighted_percentile(col, sample_weight, q) for q in percentiles])
    u = np.unique(t)
    if u.shape[0] != t.shape[0]:
        t = u
    np.clip(t, a_min=None, a_max=ALMOST_INF, out=t)
    return t


class BinMapper:
    """Bins of each feature: n_bins - 1 for values, the last one (missing_values_bin_idx_) for NaN.
    Categorical features (is_categorical) take their known categories (ascending, each < max_bins)
    as thresholds, so category c falls in the bin of its rank."""

    def __init__(self, n_bins=256, subsample=SUBSAMPLE, is_categorical=None, known_categories=None,
                 random_state=None, n_threads=1):
        self.n_bins = n_bins
        self.subsample = subsample
        self.is_categorical = is_categorical
        self.known_categories = known_categories
        self.random_state = random_state
        self.n_threads = n_threads

    def fit(self, X, sample_weight=None):
        max_bins = self.n_bins - 1
        if self.subsample is not None and X.shape[0] > self.subsample:
            rng = check_legacy_random_state(self.random_state)
            p = None if sample_weight is None else sample_weight / np.sum(sample_weight)
            # with replacement: frequency semantics for sample weights, as scikit-learn
            X = X.take(rng.choice(X.shape[0], self.subsample, p=p, replace=True), axis=0)
            sample_weight = None
        d = X.shape[1]
        self.is_categorical_ = (np.zeros(d, dtype=np.uint8) if self.is_categorical is None
                                else np.asarray(self.is_categorical, dtype=np.uint8))
        self.missing_values_bin_idx_ = self.n_bins - 1
        self.bin_thresholds_ = []
        for j in range(d):
            if self.is_categorical_[j]:
                self.bin_thresholds_.append(np.asarray(self.known_categories[j], dtype=np.float64))
            else:
                self.bin_thresholds_.append(_thresholds(np.ascontiguousarray(X[:, j]), max_bins, sample_weight))
        self.n_bins_non_missing_ = np.array(
            [len(t) if c else len(t) + 1 for t, c in zip(self.bin_thresholds_, self.is_categorical_)],
            dtype=np.int32)
        self.n_bins_non_missing_ = np.maximum(self.n_bins_non_missing_, 1)
        self._flat = np.concatenate(self.bin_thresholds_ + [np.zeros(0)])
        self._offset = np.concatenate([[0], np.cumsum([len(t) for t in self.bin_thresholds_])]).astype(np.int64)
        return self

    def transform(self, X, row_major=False):
        """Xb (n_features, n_samples) uint8: the bins, feature-major; with row_major, (Xb, Xr): the
        same bins also as Xr (n_samples, n_features)."""
        return _mlc.ensemble_bin_map(np.ascontiguousarray(X, dtype=np.float64), self._flat, self._offset,
                                     self.missing_values_bin_idx_, self.n_threads, row_major=row_major)
