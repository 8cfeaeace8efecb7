"""permutation_importance: how much a fitted estimator's score drops when one feature's values are shuffled
(Breiman 2001), with scikit-learn's draws, so the same estimator gives scikit-learn's numbers."""
import numbers

import numpy as np

from .._validation import check_legacy_random_state, check_scalar, is_int, is_real
from ..metrics import accuracy_score, mean_squared_error, r2_score
from ..tree._classes import _Bunch

__all__ = ["permutation_importance"]

_SCORERS = {
    "accuracy": lambda est, X, y, **kw: accuracy_score(y, est.predict(X), **kw),
    "r2": lambda est, X, y, **kw: r2_score(y, est.predict(X), **kw),
    "neg_mean_squared_error": lambda est, X, y, **kw: -mean_squared_error(y, est.predict(X), **kw),
}


def _scorer(estimator, scoring):
    if scoring is None:
        return lambda est, X, y, **kw: est.score(X, y, **kw)
    if callable(scoring):
        return scoring
    if isinstance(scoring, str) and scoring in _SCORERS:
        return _SCORERS[scoring]
    raise ValueError(f"scoring must be None, a callable(estimator, X, y) or one of {sorted(_SCORERS)}, "
                     f"got {scoring!r}.")


def _score(scorer, estimator, X, y, sample_weight):
    if sample_weight is not None:
        return scorer(estimator, X, y, sample_weight=sample_weight)
    return scorer(estimator, X, y)


def _take(a, rows):
    return a.iloc[rows] if hasattr(a, "iloc") else np.asarray(a)[rows]


def _permutation_scores(estimator, X, y, sample_weight, col, seed, n_repeats, scorer, max_samples):
    """The scores with column col shuffled n_repeats times (cumulatively, as scikit-learn shuffles)."""
    from ..ensemble._bagging import _sample_without_replacement
    rng = np.random.RandomState(seed)
    X_permuted = X.copy()
    shuffling_idx = np.arange(X.shape[0])
    if max_samples < X.shape[0]:
        rows = _sample_without_replacement(X.shape[0], max_samples, rng)
        X_permuted, y = _take(X, rows), _take(y, rows)
        sample_weight = None if sample_weight is None else _take(sample_weight, rows)
        shuffling_idx = np.arange(max_samples)
    scores = []
    for _ in range(n_repeats):
        rng.shuffle(shuffling_idx)
        if hasattr(X_permuted, "iloc"):
            values = X_permuted.iloc[shuffling_idx, col]
            values.index = X_permuted.index
            X_permuted[X_permuted.columns[col]] = values
        else:
            X_permuted[:, col] = X_permuted[shuffling_idx, col]
        scores.append(_score(scorer, estimator, X_permuted, y, sample_weight))
    return np.array(scores)


def permutation_importance(estimator, X, y, *, scoring=None, n_repeats=5, n_jobs=None, random_state=None,
                           sample_weight=None, max_samples=1.0):
    """Permutation importance of each feature for a fitted estimator: the drop of its score on (X, y)
    when the feature's column is shuffled, n_repeats times.

    Parameters
    ----------
    estimator : a fitted estimator (any object with predict / score)
    X : ndarray or DataFrame of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    scoring : None, str or callable, default=None
        None: estimator.score; a callable(estimator, X, y) returning a score (higher is better); or one of
        "accuracy", "r2", "neg_mean_squared_error".
    n_repeats : int, default=5
    n_jobs : int, default=None
        Unused (the columns are scored one after the other; the estimator uses mlc's threads).
    random_state : int, RandomState instance or None, default=None
        As scikit-learn's: one seed drawn from it, each column shuffled by RandomState(seed), so the
        same fitted model gives scikit-learn's numbers.
    sample_weight : array-like of shape (n_samples,), default=None
    max_samples : int or float, default=1.0
        Rows scored per column (drawn without replacement; a float: that fraction of n_samples).

    Returns
    -------
    result : dict with attribute access (scikit-learn's Bunch)
        importances_mean, importances_std (n_features,), importances (n_features, n_repeats).
    """
    if not hasattr(X, "iloc"):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D, got {X.ndim}-D.")
    check_scalar(n_repeats, "n_repeats", numbers.Integral, min_val=1)
    rng = check_legacy_random_state(random_state)
    seed = rng.randint(np.iinfo(np.int32).max + 1)
    n_samples = X.shape[0]
    if is_int(max_samples):
        check_scalar(max_samples, "max_samples", numbers.Integral, min_val=1)
        if max_samples > n_samples:
            raise ValueError("max_samples must be <= n_samples")
    elif is_real(max_samples):
        check_scalar(max_samples, "max_samples", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="right")
        max_samples = int(max_samples * n_samples)
    else:
        raise TypeError(f"max_samples must be an int or a float, got {max_samples!r}.")
    scorer = _scorer(estimator, scoring)
    baseline = _score(scorer, estimator, X, y, sample_weight)
    scores = np.array([_permutation_scores(estimator, X, y, sample_weight, col, seed, n_repeats, scorer, max_samples)
                       for col in range(X.shape[1])])
    importances = baseline - scores
    return _Bunch(importances_mean=np.mean(importances, axis=1), importances_std=np.std(importances, axis=1),
                  importances=importances)
