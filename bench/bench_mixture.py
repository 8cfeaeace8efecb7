"""GaussianMixture EM: mlc vs scikit-learn from the same initial parameters, fixed iterations."""
import warnings

import numpy as np

from bench._harness import compare


def _blobs(n, d, k, seed):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(k, d))
    scales = rng.uniform(0.5, 2.0, size=(k, d))
    y = rng.integers(0, k, n)
    return centers[y] + rng.normal(size=(n, d)) * scales[y]


def rows(quick=False):
    import mlc.mixture
    import sklearn.mixture
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

    from mlc.exceptions import ConvergenceWarning

    n, d, k = (4000, 10, 8) if quick else (20_000, 10, 8)
    repeats = 2 if quick else 5
    max_iter = 20 if quick else 100
    X = _blobs(n, d, k, seed=0)
    rng = np.random.default_rng(1)
    means = X[rng.choice(n, size=k, replace=False)]
    weights = np.full(k, 1.0 / k)
    for ct in ("full", "diag", "tied", "spherical"):
        var = X.var(axis=0)
        prec = {"full": np.stack([np.diag(1.0 / var)] * k), "tied": np.diag(1.0 / var),
                "diag": np.tile(1.0 / var, (k, 1)), "spherical": np.full(k, 1.0 / var.mean())}[ct]
        # tol=0: both sides run exactly max_iter EM iterations
        kw = dict(n_components=k, covariance_type=ct, tol=0.0, max_iter=max_iter, weights_init=weights,
                  means_init=means, precisions_init=prec)

        def ours():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return mlc.mixture.GaussianMixture(**kw).fit(X)

        def theirs():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SkConvergenceWarning)
                return sklearn.mixture.GaussianMixture(**kw).fit(X)

        yield compare("mixture", f"GaussianMixture {ct} {n}x{d} k={k} {max_iter} iters", ours, theirs,
                      lambda g: g.lower_bound_, "lower bound", repeats=repeats)
