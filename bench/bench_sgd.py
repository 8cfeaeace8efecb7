"""SGDClassifier / SGDRegressor: one epoch (max_iter=1, tol=None) over generated data, mlc vs
scikit-learn. Both shuffle (their own generators, so the sample orders differ); the quality columns
say whether the epoch reached the same place: accuracy for the classifier (objective in the work
column), R^2 for the regressor. The CSR row: five epochs of SGDClassifier on a tf-idf-like scipy.sparse
matrix (scikit-learn's sparse SGD on both sides)."""
import warnings

import numpy as np

from bench._harness import compare


def _data(n, d, seed, regression):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    z = X @ w + 0.5 * rng.normal(size=n)
    return X, (z if regression else (z > 0).astype(np.int64))


def _hinge_objective(model, X, y, alpha):
    z = model.decision_function(X)
    return float(np.mean(np.maximum(0, 1 - (2 * y - 1) * z)) + 0.5 * alpha * np.sum(model.coef_ ** 2))


def rows(quick=False):
    import sklearn.linear_model as skl
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

    import mlc.linear_model as ml
    from mlc.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", SkConvergenceWarning)
    repeats = 2 if quick else 3
    n, d = (100_000, 50) if quick else (1_000_000, 50)

    X, y = _data(n, d, 0, regression=False)
    kw = dict(loss="hinge", max_iter=1, tol=None, random_state=0)
    m_obj = _hinge_objective(ml.SGDClassifier(**kw).fit(X, y), X, y, 1e-4)
    s_obj = _hinge_objective(skl.SGDClassifier(**kw).fit(X, y), X, y, 1e-4)
    yield compare("linear_model", f"SGDClassifier hinge 1 epoch {n}x{d} (objective {m_obj:.4f} vs {s_obj:.4f})",
                  lambda: ml.SGDClassifier(**kw).fit(X, y), lambda: skl.SGDClassifier(**kw).fit(X, y),
                  lambda m: m.score(X, y), "accuracy", repeats=repeats)

    from bench.bench_decomposition import _tfidf_like
    ns, ds = (20_000, 20_000) if quick else (200_000, 100_000)
    Xs = _tfidf_like(ns, ds, 0.001, seed=4)
    ys = (Xs @ np.random.default_rng(4).normal(size=ds) > 0).astype(np.int64)
    kw = dict(loss="hinge", max_iter=5, tol=None, random_state=0)
    yield compare("linear_model", f"SGDClassifier hinge 5 epochs CSR {ns}x{ds} density 0.001",
                  lambda: ml.SGDClassifier(**kw).fit(Xs, ys), lambda: skl.SGDClassifier(**kw).fit(Xs, ys),
                  lambda m: m.score(Xs, ys), "accuracy", repeats=repeats)

    X, y = _data(n, d, 1, regression=True)
    kw = dict(max_iter=1, tol=None, random_state=0)
    yield compare("linear_model", f"SGDRegressor squared_error 1 epoch {n}x{d}",
                  lambda: ml.SGDRegressor(**kw).fit(X, y), lambda: skl.SGDRegressor(**kw).fit(X, y),
                  lambda m: m.score(X, y), "R^2", repeats=repeats)
