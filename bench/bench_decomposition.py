"""PCA (full, covariance_eigh, randomized) and TruncatedSVD: mlc vs scikit-learn, same threads.

Quality: the sum of explained_variance_ of the kept components (equal for the exact solvers; for
randomized, the variance captured, which can only fall short of the exact value)."""
import numpy as np

from bench._harness import compare
from bench._intelex import REF_NAME, intelex


def _low_rank(n, d, rank, seed):
    """A decaying spectrum (singular values ~ 1/j) plus noise: realistic for PCA."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, rank)) / np.arange(1, rank + 1)
    return A @ rng.normal(size=(rank, d)) + 0.1 * rng.normal(size=(n, d)) + rng.normal(size=d)


def rows(quick=False):
    import mlc.decomposition
    import sklearn.decomposition as skd

    repeats = 2 if quick else 5
    ev = lambda est: float(np.sum(est.explained_variance_))  # noqa: E731
    cases = [
        ("full", (2000, 100) if quick else (20_000, 500), None),
        ("covariance_eigh", (20_000, 50) if quick else (200_000, 50), None),
        ("randomized", (2000, 400) if quick else (20_000, 2000), 50),
    ]
    for solver, (n, d), k in cases:
        X = _low_rank(n, d, min(n, d) // 2, seed=n + d)
        kw = dict(n_components=k, svd_solver=solver, random_state=0)
        yield compare("decomposition", f"PCA {solver} {n}x{d}" + (f" -> {k}" if k else ""),
                      lambda: mlc.decomposition.PCA(**kw).fit(X),
                      lambda: skd.PCA(**kw).fit(X), ev, "sum explained_variance_", repeats=repeats)
        ref = intelex("decomposition", "PCA") if solver != "randomized" else None
        if ref is not None:
            yield compare("decomposition", f"PCA {solver} {n}x{d}", lambda: mlc.decomposition.PCA(**kw).fit(X),
                          lambda: ref(**kw).fit(X), ev, "sum explained_variance_", ref_name=REF_NAME,
                          repeats=repeats)
    n, d, k = (2000, 400, 20) if quick else (20_000, 2000, 50)
    X = np.abs(_low_rank(n, d, d // 2, seed=5))
    yield compare("decomposition", f"TruncatedSVD randomized {n}x{d} -> {k}",
                  lambda: mlc.decomposition.TruncatedSVD(k, random_state=0).fit(X),
                  lambda: skd.TruncatedSVD(k, random_state=0).fit(X), ev,
                  "sum explained_variance_", repeats=repeats)
