"""Feature scaling: StandardScaler, MinMaxScaler and MaxAbsScaler, with their statistics and maps in C.

The column statistics (csrc/preprocessing/scale.c) are one pass over X in cache-sized blocks:
weighted mean and variance by the corrected two-pass algorithm within a block, blocks merged with
Chan, Golub & LeVeque's pairwise update, which is also how ``partial_fit`` merges a new batch into
the running statistics (scikit-learn's ``_incremental_mean_and_var``). The transforms are one
parallel affine map ``(X - shift) * scale + offset``.

Missing values: NaN is ignored by ``fit``/``partial_fit`` (each column counts its own samples, so
``n_samples_seen_`` becomes an array when columns differ) and kept as NaN by ``transform``, as in
scikit-learn. Infinity is rejected. float32 input gives float32 output; StandardScaler keeps its
statistics in float64 (as scikit-learn does), MinMaxScaler in the input's dtype.

Sparse input (scipy.sparse CSR or CSC, any other format converted to CSR): StandardScaler with
``with_mean=False`` and MaxAbsScaler take it without densifying it, as in scikit-learn (centring would
fill the zeros: StandardScaler(with_mean=True) raises scikit-learn's ValueError); the statistics
count the implicit zeros and the output has the input's format and sparsity pattern. MinMaxScaler
rejects sparse input (TypeError), as scikit-learn's does.

Differences from scikit-learn: a column that had no
value at all in the first ``partial_fit`` batch gets its statistics from later batches (scikit-learn
keeps NaN for it).
"""
import numbers

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import _is_sparse, check_bool, check_is_fitted, check_sample_weight, csr_parts
from ..base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

__all__ = ["StandardScaler", "MinMaxScaler", "MaxAbsScaler"]

_CENTER_SPARSE = ("Cannot center sparse matrices: pass `with_mean=False` instead. See docstring for "
                  "motivation and alternatives.")


def _sample_weight(sample_weight, X):
    """The weights as float64, rounded through X's dtype first (scikit-learn converts them to it)."""
    w = check_sample_weight(sample_weight, X.shape[0], dtype=X.dtype)
    return None if w is None else np.ascontiguousarray(w, dtype=np.float64)


def _entries(X):
    """(data, column of each stored entry, indptr, n_features) for the column-wise sparse kernels:
    a CSR matrix as it is, a CSC one as a single row of entries."""
    if X.format == "csr":
        return csr_parts(X)
    cols = np.repeat(np.arange(X.shape[1], dtype=np.int32), np.diff(X.indptr))
    return X.data, cols, np.array([0, X.nnz], dtype=np.int64), X.shape[1]


def _sparse_map(X, scale, inverse, copy):
    """X with each stored value multiplied by scale[column] (divided when inverse): a new matrix
    of X's format, or X itself changed in place when copy is False."""
    data = _mlc.scale_sparse_map(*_entries(X), scale, inverse=inverse, n_threads=get_num_threads())
    if not copy:
        X.data[...] = data
        return X
    out = X.copy()
    out.data = data
    return out


class _BaseScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Validation shared by the scalers: NaN allowed (ignored in fit, kept in transform), inf not."""

    _accept_sparse = False

    def _check_X(self, X, *, reset):
        if not reset:
            check_is_fitted(self)
        return self._validate_data(X, reset=reset, ensure_all_finite="allow-nan",
                                   accept_sparse=self._accept_sparse)

    @staticmethod
    def _output(X, copy):
        """Where a map writes: X itself when a copy is not wanted and X may be written."""
        return X if (not copy and X.flags.writeable) else None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _is_constant_feature(var, mean, n_samples):
    """True where the variance is within the error bound of the two-pass algorithm, i.e. the
    feature cannot be told from a constant (scikit-learn's rule, Chan, Golub & LeVeque)."""
    eps = np.finfo(np.float64).eps
    n = np.asarray(n_samples, dtype=np.float64)
    upper = n * eps * var + (n * mean * eps) ** 2
    with np.errstate(invalid="ignore"):
        return var <= upper


class StandardScaler(_BaseScaler):
    """Standardize features: ``z = (x - mean_) / scale_`` column by column.

    Parameters
    ----------
    copy : bool, default=True
        False lets transform/inverse_transform overwrite X when it is already a C-contiguous
        float64/float32 array.
    with_mean : bool, default=True
        Subtract the mean.
    with_std : bool, default=True
        Divide by the standard deviation (population, ``ddof=0``). A feature with (numerically)
        zero variance gets ``scale_ = 1``.

    Sparse input: scipy.sparse CSR/CSC with ``with_mean=False`` (the statistics count the implicit
    zeros; transform scales the stored values only, keeping the format); ``with_mean=True`` raises
    scikit-learn's ValueError. Results equal the dense copy's to rounding.

    Attributes
    ----------
    mean_ : ndarray (n_features,) float64, or None when with_mean and with_std are both False
    var_ : ndarray (n_features,) float64, or None when with_std is False
    scale_ : ndarray (n_features,) float64, or None when with_std is False
    n_samples_seen_ : int, or an (n_features,) array when NaN made the counts differ per column
        (the float64 sum of the weights when sample_weight was given)
    n_features_in_ : int
    """

    _accept_sparse = ("csr", "csc")

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def _check_X(self, X, *, reset):
        X = super()._check_X(X, reset=reset)
        if _is_sparse(X) and self.with_mean:
            raise ValueError(_CENTER_SPARSE)
        return X

    def _check_params(self):
        for name in ("copy", "with_mean", "with_std"):
            check_bool(getattr(self, name), name)

    def _reset(self):
        for name in ("mean_", "var_", "scale_", "n_samples_seen_"):
            self.__dict__.pop(name, None)

    def fit(self, X, y=None, sample_weight=None):
        """Compute the mean and standard deviation of each feature (NaN ignored)."""
        self._reset()
        return self.partial_fit(X, y, sample_weight)

    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the running mean and variance with the rows of X (one batch)."""
        self._check_params()
        first = not hasattr(self, "n_samples_seen_")
        X = self._check_X(X, reset=first)
        self._partial_fit(X, _sample_weight(sample_weight, X), first)
        return self

    def _partial_fit(self, X, sw, first):
        d = X.shape[1]
        state = None, None, None
        if not first:
            count = np.broadcast_to(np.asarray(self.n_samples_seen_, dtype=np.float64), (d,))
            zeros = np.zeros(d)
            state = (zeros if self.mean_ is None else self.mean_,
                     zeros if self.var_ is None else self.var_, count)
        if _is_sparse(X):
            mean, var, count = _mlc.scale_mean_var_csr(*csr_parts(X.tocsr()), sw, *state)
        else:
            mean, var, count = _mlc.scale_mean_var(X, sw, *state, n_threads=get_num_threads())
        count = count.astype(np.int64) if sw is None else count
        self.n_samples_seen_ = count[0] if count.max() == count.min() else count
        if not self.with_mean and not self.with_std:
            self.mean_ = self.var_ = self.scale_ = None
            return
        self.mean_ = mean
        if self.with_std:
            self.var_ = var
            scale = np.sqrt(var)
            scale[_is_constant_feature(var, mean, self.n_samples_seen_)] = 1.0
            self.scale_ = scale
        else:
            self.var_ = self.scale_ = None

    def _map_params(self):
        shift = self.mean_ if self.with_mean else None
        scale = 1.0 / self.scale_ if self.with_std else None
        return shift, scale

    def transform(self, X, copy=None):
        """Centre and scale X (NaN stays NaN). Output dtype: float32 for float32 X, else float64."""
        copy = self.copy if copy is None else copy
        X = self._check_X(X, reset=False)
        shift, scale = self._map_params()
        if _is_sparse(X):
            return _sparse_map(X, np.ones(X.shape[1]) if scale is None else scale, False, copy)
        return _mlc.scale_transform(X, shift, scale, out=self._output(X, copy),
                                    n_threads=get_num_threads())

    def fit_transform(self, X, y=None, sample_weight=None):
        """fit, then transform the same X (validated once)."""
        self._reset()
        self._check_params()
        X = self._check_X(X, reset=True)
        self._partial_fit(X, _sample_weight(sample_weight, X), True)
        shift, scale = self._map_params()
        if _is_sparse(X):
            return _sparse_map(X, np.ones(X.shape[1]) if scale is None else scale, False, self.copy)
        return _mlc.scale_transform(X, shift, scale, out=self._output(X, self.copy),
                                    n_threads=get_num_threads())

    def inverse_transform(self, X, copy=None):
        """Undo transform: ``X * scale_ + mean_``."""
        copy = self.copy if copy is None else copy
        X = self._check_X(X, reset=False)
        shift, scale = self._map_params()
        if _is_sparse(X):
            return _sparse_map(X, np.ones(X.shape[1]) if scale is None else scale, True, copy)
        return _mlc.scale_inverse(X, shift, scale, out=self._output(X, copy),
                                  n_threads=get_num_threads())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = not self.with_mean
        return tags


class MinMaxScaler(_BaseScaler):
    """Scale each feature to ``feature_range``: ``x * scale_ + min_``.

    Parameters
    ----------
    feature_range : tuple (min, max), default=(0, 1)
        The range of the transformed training data; min < max, both finite.
    copy : bool, default=True
        False lets transform/inverse_transform overwrite X when it is already a C-contiguous
        float64/float32 array.
    clip : bool, default=False
        Clip transformed values of held-out data to feature_range.

    Attributes
    ----------
    min_, scale_ : ndarray (n_features,)
        ``scale_ = (max - min) / data_range_`` (1 for a constant feature), ``min_ = min -
        data_min_ * scale_``; in X's dtype.
    data_min_, data_max_, data_range_ : ndarray (n_features,)
        Per-feature minimum, maximum and range seen (NaN ignored; NaN for an all-NaN feature).
    n_samples_seen_ : int
    n_features_in_ : int
    """

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def _check_params(self):
        check_bool(self.copy, "copy")
        check_bool(self.clip, "clip")
        fr = self.feature_range
        if (not isinstance(fr, (tuple, list)) or len(fr) != 2
                or not all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
                           for v in fr)):
            raise TypeError(f"feature_range must be a tuple (min, max) of two numbers, got {fr!r}.")
        lo, hi = float(fr[0]), float(fr[1])
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"feature_range must be finite, got {fr!r}.")
        if lo >= hi:
            raise ValueError(
                f"Minimum of desired feature range must be smaller than maximum. Got {tuple(fr)}.")
        return lo, hi

    def _reset(self):
        for name in ("min_", "scale_", "data_min_", "data_max_", "data_range_", "n_samples_seen_",
                     "_offset"):
            self.__dict__.pop(name, None)

    def fit(self, X, y=None):
        """Compute each feature's minimum and maximum (NaN ignored)."""
        self._reset()
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the running minimum and maximum with the rows of X (one batch)."""
        lo, hi = self._check_params()
        first = not hasattr(self, "n_samples_seen_")
        X = self._check_X(X, reset=first)
        data_min, data_max = _mlc.scale_min_max(X, n_threads=get_num_threads())
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            data_min = np.minimum(self.data_min_, data_min)
            data_max = np.maximum(self.data_max_, data_max)
            self.n_samples_seen_ += X.shape[0]
        dtype = data_min.dtype
        data_range = data_max - data_min
        denom = data_range.copy()
        denom[denom < 10 * np.finfo(dtype).eps] = 1.0  # constant feature: scale 1, as scikit-learn
        self.scale_ = (dtype.type(hi) - dtype.type(lo)) / denom
        self.min_ = dtype.type(lo) - data_min * self.scale_
        # the map x * scale_ + min_ is computed as (x - data_min_) * scale_ + lo: the training
        # minimum maps to exactly lo, and a float32 min_'s rounding (large when |data_min_| >>
        # data_range_) does not enter
        self._offset = lo
        self.data_min_ = data_min
        self.data_max_ = data_max
        self.data_range_ = data_range
        return self

    def _map_params(self):
        return (np.asarray(self.data_min_, dtype=np.float64),
                np.asarray(self.scale_, dtype=np.float64), self._offset)

    def transform(self, X):
        """Scale X to feature_range (values of new data may fall outside unless clip)."""
        lo, hi = self._check_params()
        X = self._check_X(X, reset=False)
        shift, scale, offset = self._map_params()
        return _mlc.scale_transform(X, shift, scale, offset, out=self._output(X, self.copy),
                                    clip=(lo, hi) if self.clip else None,
                                    n_threads=get_num_threads())

    def inverse_transform(self, X):
        """Undo transform: ``(X - min_) / scale_``."""
        self._check_params()
        X = self._check_X(X, reset=False)
        shift, scale, offset = self._map_params()
        return _mlc.scale_inverse(X, shift, scale, offset, out=self._output(X, self.copy),
                                  n_threads=get_num_threads())


class MaxAbsScaler(_BaseScaler):
    """Scale each feature by its maximum absolute value: ``x / scale_``, into [-1, 1]. It neither
    shifts nor centres, so it keeps sparsity: the scaler for sparse data.

    Parameters
    ----------
    copy : bool, default=True
        False lets transform/inverse_transform overwrite X (a C-contiguous float64/float32 array,
        or a sparse matrix's stored values).

    Sparse input: scipy.sparse CSR/CSC (other formats converted to CSR), never densified; the
    output keeps the input's format and pattern. Results equal the dense copy's to rounding.

    Attributes
    ----------
    max_abs_ : ndarray (n_features,)
        Per-feature maximum absolute value (NaN ignored), in X's dtype.
    scale_ : ndarray (n_features,)
        max_abs_, with 1 for a feature whose maximum is (numerically) 0.
    n_samples_seen_ : int
    n_features_in_ : int
    """

    _accept_sparse = ("csr", "csc")

    def __init__(self, *, copy=True):
        self.copy = copy

    def _reset(self):
        for name in ("max_abs_", "scale_", "n_samples_seen_"):
            self.__dict__.pop(name, None)

    def fit(self, X, y=None):
        """Compute each feature's maximum absolute value (NaN ignored)."""
        self._reset()
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the running maximum absolute value with the rows of X (one batch)."""
        check_bool(self.copy, "copy")
        first = not hasattr(self, "n_samples_seen_")
        X = self._check_X(X, reset=first)
        if _is_sparse(X):
            max_abs = _mlc.scale_max_abs_sparse(*_entries(X)).astype(X.dtype)
        else:
            lo, hi = _mlc.scale_min_max(X, n_threads=get_num_threads())
            max_abs = np.maximum(np.abs(lo), np.abs(hi))   # NaN for an all-NaN feature
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            max_abs = np.maximum(self.max_abs_, max_abs)
            self.n_samples_seen_ += X.shape[0]
        scale = max_abs.copy()
        scale[scale < 10 * np.finfo(scale.dtype).eps] = 1.0   # scikit-learn's _handle_zeros_in_scale
        self.max_abs_ = max_abs
        self.scale_ = scale
        return self

    def transform(self, X):
        """Divide each feature by scale_ (NaN stays NaN)."""
        X = self._check_X(X, reset=False)
        inv = 1.0 / np.asarray(self.scale_, dtype=np.float64)
        if _is_sparse(X):
            return _sparse_map(X, inv, False, self.copy)
        return _mlc.scale_transform(X, None, inv, out=self._output(X, self.copy),
                                    n_threads=get_num_threads())

    def inverse_transform(self, X):
        """Undo transform: ``X * scale_``."""
        X = self._check_X(X, reset=False)
        inv = 1.0 / np.asarray(self.scale_, dtype=np.float64)
        if _is_sparse(X):
            return _sparse_map(X, inv, True, self.copy)
        return _mlc.scale_inverse(X, None, inv, out=self._output(X, self.copy),
                                  n_threads=get_num_threads())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
