"""Every input check of mlc, done once, in NumPy, before a C kernel sees the data.

The C bindings re-check shapes and dtypes defensively but never user semantics (NaN, labels,
ranges): that is this module's job. Messages follow scikit-learn's wording where its
``check_estimator`` looks for it.
"""
import math
import numbers
import warnings

import numpy as np

from .exceptions import DataConversionWarning, not_fitted_error_class

__all__ = [
    "check_array", "check_X_y", "column_or_1d", "check_consistent_length", "assert_all_finite",
    "check_sample_weight", "type_of_target", "check_classification_targets", "encode_labels",
    "check_is_fitted", "check_random_state", "check_legacy_random_state", "seed_from_random_state", "check_scalar",
    "check_choice", "check_n_jobs", "is_int", "is_real", "compute_class_weight", "FLOAT_DTYPES",
    "get_feature_names", "check_feature_names", "check_feature_names_in", "csr_parts",
]

FLOAT_DTYPES = (np.float64, np.float32)


def _is_sparse(X):
    return type(X).__module__.startswith("scipy.sparse")


def _frame_library(X):
    """'pandas' or 'polars' for a DataFrame of that library, else None; read from the type, so neither
    library is imported here."""
    lib = type(X).__module__.partition(".")[0]
    return lib if lib in ("pandas", "polars") and hasattr(X, "columns") else None


def _frame_to_array(X):
    if _frame_library(X) == "pandas" and not all(isinstance(d, np.dtype) for d in X.dtypes):
        # nullable (extension) columns: pd.NA becomes NaN, as scikit-learn converts them
        try:
            return X.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            pass
    return np.asarray(X)


def get_feature_names(X):
    """The column names of a pandas or polars DataFrame as an object array when all of them are
    strings, else None (scikit-learn's rule); TypeError when strings and non-strings are mixed."""
    if _frame_library(X) is None:
        return None
    names = np.asarray(list(X.columns), dtype=object)
    if len(names) == 0:
        return None
    types = sorted(t.__qualname__ for t in {type(v) for v in names})
    if len(types) > 1 and "str" in types:
        raise TypeError(
            "Feature names are only supported if all input features have string names, but your input "
            f"has {types} as feature name / column name types. If you want feature names to be stored "
            "and validated, you must convert them all to strings, by using X.columns = "
            "X.columns.astype(str) for example. Otherwise you can remove feature / column names from "
            "your input data, or convert them all to a non-string data type.")
    return names if types == ["str"] else None


def check_feature_names(estimator, X, *, reset):
    """Record (reset) or compare the estimator's feature_names_in_ with X's column names, as
    scikit-learn's _check_feature_names: reordered, renamed, missing or extra columns raise
    ValueError; names on one side only warn."""
    if reset:
        names = get_feature_names(X)
        if names is not None:
            estimator.feature_names_in_ = names
        else:
            estimator.__dict__.pop("feature_names_in_", None)
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    names = get_feature_names(X)
    if fitted is None and names is None:
        return
    who = type(estimator).__name__
    if fitted is None:
        warnings.warn(f"X has feature names, but {who} was fitted without feature names", UserWarning,
                      stacklevel=4)
        return
    if names is None:
        warnings.warn(f"X does not have valid feature names, but {who} was fitted with feature names",
                      UserWarning, stacklevel=4)
        return
    if len(fitted) == len(names) and np.all(fitted == names):
        return

    def listing(title, items):
        shown = [f"- {n}\n" for n in items[:5]] + (["- ...\n"] if len(items) > 5 else [])
        return f"{title}:\n" + "".join(shown) if items else ""

    unseen = sorted(set(names) - set(fitted))
    missing = sorted(set(fitted) - set(names))
    message = ("The feature names should match those that were passed during fit.\n"
               + listing("Feature names unseen at fit time", unseen)
               + listing("Feature names seen at fit time, yet now missing", missing))
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)


def check_feature_names_in(estimator, input_features=None, *, generate_names=True):
    """The input feature names for get_feature_names_out: input_features (checked against
    feature_names_in_ and n_features_in_), else feature_names_in_, else x0, x1, ... (or None
    without generate_names)."""
    fitted = getattr(estimator, "feature_names_in_", None)
    n_features = getattr(estimator, "n_features_in_", None)
    if input_features is not None:
        input_features = np.asarray(input_features, dtype=object)
        if fitted is not None and not np.array_equal(fitted, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if n_features is not None and len(input_features) != n_features:
            raise ValueError("input_features should have length equal to number of features "
                             f"({n_features}), got {len(input_features)}")
        return input_features
    if fitted is not None:
        return fitted
    if not generate_names:
        return None
    if n_features is None:
        raise ValueError("Unable to generate feature names without n_features_in_")
    return np.asarray([f"x{i}" for i in range(n_features)], dtype=object)


def _describe(X):
    return f"shape={getattr(X, 'shape', None)}"


def assert_all_finite(X, input_name="", *, allow_nan=False):
    """Raise ValueError, in scikit-learn's words, if a float array holds NaN (unless allow_nan) or
    infinity: 'Input X contains NaN.' / 'Input X contains infinity or a value too large for ...'."""
    if X.dtype.kind not in "fc" or X.size == 0:
        return
    # one vectorised pass; the sum is finite exactly when every element is (or it overflowed)
    with np.errstate(over="ignore", invalid="ignore"):
        s = np.sum(X)
    if np.isfinite(s):
        return
    who = f"Input {input_name}" if input_name else "Input"
    if not allow_nan and np.isnan(X).any():
        raise ValueError(f"{who} contains NaN.")
    if np.isinf(X).any():
        raise ValueError(f"{who} contains infinity or a value too large for {X.dtype!r}.")


def _allowed_dtypes(dtype):
    return tuple(np.dtype(d) for d in (dtype if isinstance(dtype, (tuple, list)) else (dtype,)))


def _check_sparse(X, accept_sparse, dtype, ensure_all_finite, ensure_min_samples,
                  ensure_min_features, copy, input_name, where, canonical=True):
    """check_array's sparse branch: X in one of the accepted formats (else converted to the
    first), canonical (indices sorted within each row / column, duplicates summed: on a copy,
    the caller's matrix is never modified; canonical=False keeps X as it is), data of an allowed
    dtype, finite, big enough."""
    formats = ((accept_sparse,) if isinstance(accept_sparse, str) else
               ("csr",) if accept_sparse is True else tuple(accept_sparse))
    if X.ndim != 2:
        raise ValueError(f"Expected a 2D sparse matrix, got {X.ndim}D for {input_name}.")
    if X.dtype.kind == "c":
        raise ValueError("Complex data not supported")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{input_name} holds {X.dtype} values; mlc needs numbers.")
    owned = False
    if X.format not in formats:
        X = X.asformat(formats[0])
        owned = True
    if dtype is not None:
        allowed = _allowed_dtypes(dtype)
        if X.dtype not in allowed:
            X = X.astype(allowed[0])
            owned = True
    if canonical and not X.has_canonical_format:
        if not owned:
            X = X.copy()
            owned = True
        X.sum_duplicates()   # sorts the indices too
    if ensure_all_finite:
        assert_all_finite(X.data, input_name, allow_nan=ensure_all_finite == "allow-nan")
    n, f = X.shape
    if ensure_min_samples > 0 and n < ensure_min_samples:
        raise ValueError(f"Found array with {n} sample(s) (shape={X.shape}) while a minimum of "
                         f"{ensure_min_samples} is required{where}.")
    if ensure_min_features > 0 and f < ensure_min_features:
        raise ValueError(f"Found array with {f} feature(s) (shape={X.shape}) while a minimum of "
                         f"{ensure_min_features} is required{where}.")
    return X.copy() if copy and not owned else X


def csr_parts(X):
    """(data, indices int32, indptr int64, n_cols) of a CSR matrix from check_array, the form the C
    kernels take (csrc/core/sparse.h); only an int64 indices array is copied."""
    if X.shape[1] > np.iinfo(np.int32).max:
        raise ValueError(f"mlc's sparse kernels index at most 2**31 - 1 columns, got {X.shape[1]}.")
    return (X.data, X.indices.astype(np.int32, copy=False), X.indptr.astype(np.int64, copy=False),
            X.shape[1])


def check_array(X, *, dtype=FLOAT_DTYPES, ensure_2d=True, allow_nd=False, ensure_all_finite=True,
                ensure_min_samples=1, ensure_min_features=1, order="C", copy=False,
                input_name="X", estimator=None, accept_sparse=False, accept_noncanonical=False):
    """Validate an array and return it as a NumPy array ready for a C kernel.

    dtype: a NumPy dtype to convert to; a tuple of allowed dtypes (kept when X already has one,
    else converted to the first); or None to keep the dtype (numeric or object).
    ensure_all_finite: True rejects NaN and infinity, "allow-nan" only infinity, False neither.
    order: "C" gives a C-contiguous array (what every kernel wants), None leaves the layout.
    accept_sparse: False rejects scipy.sparse input (TypeError); True, a format name ("csr",
    "csc") or a list of them accepts it (True means "csr"): a sparse X comes back in its own format
    if listed, else converted to the first, in canonical form (sorted indices, no duplicates,
    int32 or int64 indices) with data of an allowed dtype, checked finite, never densified.
    accept_noncanonical: True keeps a sparse X whose indices are unsorted or repeated as it is (no
    copy), for kernels that only multiply by X (a repeated entry then counts as its sum).
    """
    where = f" by {type(estimator).__name__}" if estimator is not None else ""
    if X is None:
        raise ValueError(f"Expected array-like (array or non-string sequence), got None for {input_name}.")
    if _is_sparse(X):
        if accept_sparse is False or accept_sparse is None:
            raise TypeError(
                f"Sparse input is not supported{where}: pass a dense array (X.toarray()).")
        return _check_sparse(X, accept_sparse, dtype, ensure_all_finite, ensure_min_samples,
                             ensure_min_features, copy, input_name, where, not accept_noncanonical)
    if isinstance(X, str):
        raise ValueError(f"Expected array-like (array or non-string sequence), got a string for {input_name}.")
    # pandas, polars and other containers: plain conversion (keeps numeric dtypes)
    try:
        arr = _frame_to_array(X)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{input_name} could not be converted to an array: {e}") from e
    if arr.dtype.kind == "c":
        raise ValueError("Complex data not supported\n" + str(arr)[:200])
    if arr.dtype.kind in "USV":
        raise ValueError(
            f"{input_name} holds strings ({arr.dtype}); mlc needs numbers: encode categorical "
            "features first.")
    if dtype is not None:
        allowed = _allowed_dtypes(dtype)
        target = arr.dtype if arr.dtype in allowed else allowed[0]
        if arr.dtype != target:
            if arr.dtype.kind == "O":
                # numbers stored as objects convert; anything else raises TypeError/ValueError naming it
                try:
                    arr = arr.astype(target)
                except ValueError as e:
                    raise ValueError(f"{input_name} holds non-numeric values: {e}") from e
            else:
                arr = arr.astype(target)
    elif arr.dtype.kind == "O":
        pass
    if arr.dtype.kind == "c":
        raise ValueError("Complex data not supported")
    if ensure_2d:
        if arr.ndim == 0:
            raise ValueError(
                f"Expected 2D array, got scalar array instead:\narray={arr}.\n"
                "Reshape your data either using array.reshape(-1, 1) if your data has a single "
                "feature or array.reshape(1, -1) if it contains a single sample.")
        if arr.ndim == 1:
            raise ValueError(
                f"Expected 2D array, got 1D array instead:\narray={np.array2string(arr, threshold=20)}.\n"
                "Reshape your data either using array.reshape(-1, 1) if your data has a single "
                "feature or array.reshape(1, -1) if it contains a single sample.")
        if arr.ndim > 2 and not allow_nd:
            raise ValueError(f"Found array with dim {arr.ndim}{where}. Expected <= 2 ({input_name}).")
    if ensure_all_finite:
        assert_all_finite(arr, input_name, allow_nan=ensure_all_finite == "allow-nan")
    if ensure_min_samples > 0 and arr.ndim >= 1:
        n = arr.shape[0]
        if n < ensure_min_samples:
            raise ValueError(
                f"Found array with {n} sample(s) ({_describe(arr)}) while a minimum of "
                f"{ensure_min_samples} is required{where}.")
    if ensure_min_features > 0 and arr.ndim == 2:
        f = arr.shape[1]
        if f < ensure_min_features:
            raise ValueError(
                f"Found array with {f} feature(s) ({_describe(arr)}) while a minimum of "
                f"{ensure_min_features} is required{where}.")
    if order == "C":
        arr = np.ascontiguousarray(arr)
    if copy and np.may_share_memory(arr, X if isinstance(X, np.ndarray) else arr):
        arr = arr.copy()
    return arr


def column_or_1d(y, *, dtype=None, warn=False, input_name="y"):
    """Ravel a column vector to 1-D (warning if warn), reject any other non-1-D shape."""
    y = np.asarray(y) if dtype is None else np.asarray(y, dtype=dtype)
    if y.ndim == 1:
        return y
    if y.ndim == 2 and y.shape[1] == 1:
        if warn:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change the "
                "shape of y to (n_samples, ), for example using ravel().",
                DataConversionWarning, stacklevel=3)
        return y.ravel()
    raise ValueError(f"{input_name} should be a 1d array, got an array of shape {y.shape} instead.")


def check_consistent_length(*arrays):
    lengths = [a.shape[0] if _is_sparse(a) else len(a) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: {lengths}")


def check_X_y(X, y, *, dtype=FLOAT_DTYPES, multi_output=False, y_numeric=False, estimator=None,
              **kw):
    """check_array on X, then y: not None, finite, 1-D (or 2-D with multi_output), same length."""
    if y is None:
        name = type(estimator).__name__ if estimator is not None else "This estimator"
        raise ValueError(f"{name} requires y to be passed, but the target y is None")
    X = check_array(X, dtype=dtype, estimator=estimator, **kw)
    if _is_sparse(y):
        raise TypeError("Sparse input is not supported for y: pass a dense array.")
    y = np.asarray(y)
    if multi_output:
        if y.ndim not in (1, 2):
            raise ValueError(f"y should be 1-D or 2-D, got an array of shape {y.shape}.")
    else:
        y = column_or_1d(y, warn=True)
    if y.dtype.kind == "c":
        raise ValueError("Complex data not supported")
    if y_numeric and y.dtype.kind == "O":
        y = y.astype(np.float64)
    if y.dtype.kind in "fc":
        assert_all_finite(y, "y")
    elif y.dtype.kind == "O":
        # labels stored as objects: a float NaN among them is still missing data
        flat = y.ravel()
        if any(isinstance(v, float) and not np.isfinite(v) for v in flat):
            raise ValueError("Input y contains NaN.")
    check_consistent_length(X, y)
    return X, y


def _is_integral_float(a):
    if a.dtype.kind != "f":
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.all(a.astype(np.int64) == a))


def _non_integral(a):
    with np.errstate(invalid="ignore"):
        return bool(np.any(a != a.astype(np.int64)))


def type_of_target(y, input_name=""):
    """scikit-learn's type_of_target on an array: 'binary', 'multiclass', 'continuous',
    'multilabel-indicator', 'multiclass-multioutput', 'continuous-multioutput' or 'unknown'."""
    if not isinstance(y, np.ndarray):
        y = np.asarray(y)
    if y.ndim >= 1 and y.size:
        first = y.flat[0] if y.ndim == 1 else y[0]
        if isinstance(first, bytes):
            raise TypeError("Support for labels represented as bytes is not supported. Convert the "
                            "labels to a string or integer format.")
        if y.dtype == object and isinstance(first, (list, tuple)):
            raise ValueError("You appear to be using a legacy multi-label data representation. "
                             "Sequence of sequences are no longer supported; use a binary array or "
                             "sparse matrix instead - the MultiLabelBinarizer transformer can "
                             "convert to this format.")
    if y.ndim not in (1, 2):
        return "unknown"
    if not min(y.shape):
        return "binary" if y.ndim == 1 else "unknown"
    if y.dtype == object and not isinstance(y.flat[0], str):
        return "unknown"
    suffix = ""
    if y.ndim == 2 and y.shape[1] > 1:
        u = np.unique(y)
        if len(u) < 3 and (y.dtype.kind in "biu" or _is_integral_float(u)):
            return "multilabel-indicator"
        suffix = "-multioutput"
    if y.dtype.kind == "f" and _non_integral(y):
        assert_all_finite(y, input_name)
        return "continuous" + suffix
    if suffix or len(np.unique(y)) > 2:
        return "multiclass" + suffix
    return "binary"


def check_classification_targets(y):
    """Raise ValueError unless y holds class labels (scikit-learn's check_classification_targets)."""
    kind = type_of_target(y, input_name="y")
    if kind not in ("binary", "multiclass", "multiclass-multioutput", "multilabel-indicator"):
        raise ValueError(
            f"Unknown label type: {kind}. Maybe you are trying to fit a classifier, which "
            "expects discrete classes on a regression target with continuous values.")


def encode_labels(y):
    """classes_ (sorted unique labels, their own dtype: strings stay strings) and the int32 codes
    of a 1-D array of class labels (check_classification_targets first)."""
    try:
        classes, codes = np.unique(y, return_inverse=True)
    except TypeError as e:
        raise ValueError(f"Unknown label type: the labels are of mixed, unorderable types ({e}).") from e
    return classes, codes.reshape(-1).astype(np.int32)


def compute_class_weight(class_weight, classes, codes, sample_weight=None):
    """Per-class weights (n_classes,) float64 from an estimator's class_weight: None gives ones,
    'balanced' gives n_samples / (n_classes * count), a dict maps labels (classes absent from it
    keep 1). codes: the int class codes of y, 0..n_classes-1. With sample_weight, 'balanced'
    counts each sample by its weight (scikit-learn >= 1.7)."""
    n_classes = len(classes)
    if class_weight is None:
        return np.ones(n_classes)
    if isinstance(class_weight, str):
        check_choice(class_weight, "class_weight", ("balanced",))
        counts = np.bincount(codes, weights=sample_weight, minlength=n_classes).astype(np.float64)
        return counts.sum() / (n_classes * counts)
    if not isinstance(class_weight, dict):
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {class_weight!r}.")
    weights = np.ones(n_classes)
    index = {c: k for k, c in enumerate(np.asarray(classes).tolist())}
    for label, value in class_weight.items():
        if label not in index:
            raise ValueError(f"The classes, {[label]}, are not in class_weight")
        weights[index[label]] = float(value)
    return weights


def check_sample_weight(sample_weight, n_samples, *, dtype=np.float64, allow_int=False,
                        ensure_non_negative=False):
    """None, or the weights as a C-contiguous 1-D array of length n_samples: of `dtype` (a scalar
    is broadcast), or int64 for integer weights when allow_int. Rejects NaN/inf, wrong shapes,
    all-zero weights and (ensure_non_negative) negative ones with scikit-learn's messages."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, sample_weight, dtype=dtype)
    if _is_sparse(sample_weight):
        raise TypeError("Sparse input is not supported for sample_weight: pass a dense array.")
    w = np.asarray(sample_weight)
    if allow_int and w.dtype.kind in "biu":
        w = w.astype(np.int64)
    else:
        try:
            w = w.astype(dtype)
        except (TypeError, ValueError) as e:
            raise ValueError(f"sample_weight could not be converted to floats: {e}") from e
    if w.ndim != 1:
        raise ValueError(f"Sample weights must be 1D array or scalar, got {w.ndim}D array. "
                         f"Expected either a scalar value or a 1D array of length {n_samples}.")
    if w.shape != (n_samples,):
        raise ValueError(f"sample_weight.shape == {w.shape}, expected {(n_samples,)}!")
    assert_all_finite(w, "sample_weight")
    if ensure_non_negative and np.any(w < 0):
        raise ValueError("Negative values in data passed to sample_weight.")
    if not np.any(w):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return np.ascontiguousarray(w)


def check_is_fitted(estimator, attributes=None):
    """Raise NotFittedError unless fit has run (all of attributes set, or any trailing-_ one)."""
    if attributes is None:
        fitted = getattr(estimator, "__sklearn_is_fitted__", None)
        ok = fitted() if fitted is not None else any(
            k.endswith("_") and not k.startswith("__") for k in vars(estimator))
    else:
        attributes = [attributes] if isinstance(attributes, str) else attributes
        ok = all(hasattr(estimator, a) for a in attributes)
    if not ok:
        raise not_fitted_error_class()(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator.")


def check_random_state(seed):
    """None, an int, or a np.random.RandomState/Generator -> a np.random.Generator. None draws the
    generator's seed from NumPy's global RandomState (scikit-learn's check_random_state(None)), so
    ``np.random.seed`` makes a script repeatable."""
    if seed is None or seed is np.random:
        seed = np.random.mtrand._rand
    if isinstance(seed, numbers.Integral):
        if not 0 <= int(seed) < 2**64:
            raise ValueError(f"random_state must be in [0, 2**64), got {seed}")
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.RandomState):
        return np.random.default_rng(seed.randint(0, 2**31 - 1))
    raise ValueError(f"random_state must be None, an int, or a NumPy random generator; got {seed!r}")


def check_legacy_random_state(seed):
    """scikit-learn's check_random_state: a np.random.RandomState (None: NumPy's global one), for
    the estimators that draw in scikit-learn's order from a RandomState."""
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.RandomState(int(seed))
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.RandomState(int(seed.integers(0, 2**31 - 1)))
    raise ValueError(f"random_state must be None, an int, or a NumPy random generator; got {seed!r}")


def seed_from_random_state(random_state):
    """The 64-bit seed of mlc's C generator: the int itself, or drawn from the given generator;
    None draws from NumPy's global RandomState, as scikit-learn does: results differ between
    calls, and ``np.random.seed(0)`` makes them repeatable."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        check_random_state(random_state)
        return int(random_state)
    if random_state is None or random_state is np.random:
        random_state = np.random.mtrand._rand
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    return int(check_random_state(random_state).integers(0, 2**63 - 1))


def is_int(x):
    """An integer, and not a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


def is_real(x):
    """A real number, and not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def check_scalar(x, name, target_type, *, min_val=None, max_val=None, include_boundaries="both",
                 allow_inf=False):
    """Type- and range-check a hyper-parameter; the message names it and says what is allowed.

    A real value must be a number: NaN is always refused (every comparison with it is False, so a range
    check alone lets it through), and so is +-inf unless ``allow_inf`` (scikit-learn accepts ``C=np.inf``
    for LogisticRegression and SVC, ``p=np.inf`` for Minkowski distances) -- and then only where the range
    is open on that side.
    """
    if isinstance(x, bool) and target_type is not bool and bool not in np.atleast_1d(target_type):
        raise TypeError(f"{name} must be an instance of {target_type}, not bool.")
    if not isinstance(x, target_type):
        raise TypeError(f"{name} must be an instance of {target_type}, not {type(x).__name__}.")
    if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral) and not math.isfinite(x):
        if math.isnan(x) or not allow_inf or (x > 0 and max_val is not None) or (x < 0 and min_val is not None):
            raise ValueError(f"{name} == {x}, must be a finite number.")
    lo_ok = include_boundaries in ("both", "left")
    hi_ok = include_boundaries in ("both", "right")
    if min_val is not None and (x < min_val or (x == min_val and not lo_ok)):
        op = ">=" if lo_ok else ">"
        raise ValueError(f"{name} == {x}, must be {op} {min_val}.")
    if max_val is not None and (x > max_val or (x == max_val and not hi_ok)):
        op = "<=" if hi_ok else "<"
        raise ValueError(f"{name} == {x}, must be {op} {max_val}.")
    return x


def check_bool(x, name):
    """x must be a Python or NumPy bool (not 0/1, not a string)."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {x!r}.")
    return bool(x)


def check_choice(x, name, options):
    """x must be one of options (strings): the message lists them."""
    if not isinstance(x, str) or x not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {x!r}.")
    return x


def check_n_jobs(n_jobs):
    """n_jobs is None, a negative int (all of mlc's threads, as scikit-learn's -1) or a positive int."""
    if n_jobs is not None and (not isinstance(n_jobs, numbers.Integral) or isinstance(n_jobs, bool)
                               or n_jobs == 0):
        raise ValueError(f"n_jobs must be None, -1 or a positive int; got {n_jobs!r}")
    return n_jobs
