"""Decision trees: mlc vs scikit-learn on 10^6 x 20 generated rows (as issue 15 asks). Each row times one
fit (min_samples_leaf=20, all features: the same tree as scikit-learn's wherever no two candidate splits
tie); the quality is the held-out accuracy (classifier) or R^2 (regressor) of each side, and a second row
of each gives the node count of each side's tree (the fit timed once more)."""
import numpy as np

from bench._harness import compare, selected


def _data(n, d, seed=0):
    """Features of several scales; a class from a noisy non-linear score of five of them, and a target."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d)
    score = X[:, 0] + 0.5 * X[:, 1] ** 2 - np.abs(X[:, 2]) + np.sin(X[:, 3]) * X[:, 4]
    yc = np.digitize(score + rng.normal(size=n), np.quantile(score, [0.33, 0.66]))
    yr = score + 0.5 * rng.normal(size=n)
    return X, yc, yr


def rows(quick=False):
    import sklearn.tree as sk

    import mlc.tree as tree

    repeats = 2 if quick else 3
    n, d = (100_000, 20) if quick else (1_000_000, 20)
    X, yc, yr = None, None, None
    for kind in ("Classifier", "Regressor"):
        for quality in ("held-out accuracy" if kind == "Classifier" else "held-out R^2", "node count"):
            work = f"DecisionTree{kind} fit {n}x{d} min_samples_leaf=20 ({quality.split()[-1]})"
            if not selected(work):
                continue
            if X is None:
                X, yc, yr = _data(n + n // 4, d)
            y = yc if kind == "Classifier" else yr
            Xtr, Xte, ytr, yte = X[:n], X[n:], y[:n], y[n:]
            ours = getattr(tree, f"DecisionTree{kind}")(min_samples_leaf=20)
            theirs = getattr(sk, f"DecisionTree{kind}")(min_samples_leaf=20, random_state=0)
            if quality == "node count":
                score = lambda est: est.tree_.node_count  # noqa: E731
            else:
                score = lambda est, Xte=Xte, yte=yte: est.score(Xte, yte)  # noqa: E731
            yield compare("tree", work, lambda est=ours, y=ytr: est.fit(Xtr, y), lambda est=theirs, y=ytr: est.fit(Xtr, y),
                          score, quality, repeats=repeats)
