"""Lasso, ElasticNet, Ridge and LinearRegression (also non-negative) fits: mlc vs scikit-learn (same data,
same tol, same threads); LinearRegression and Ridge also vs scikit-learn-intelex; Lasso and Ridge on a
tf-idf-like CSR matrix (scipy.sparse, never densified on either side).

Quality is the objective each estimator minimises, evaluated on its own output with the same
formula (lower is better; equal to ~1e-6 relative means the same optimum)."""
import numpy as np

from bench._harness import compare
from bench._intelex import REF_NAME, intelex


def _data(n, d, n_informative, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[:, 1::2] += 0.5 * X[:, ::2]  # correlated columns: a harder problem than i.i.d. features
    w = np.zeros(d)
    w[rng.choice(d, n_informative, replace=False)] = rng.normal(scale=3.0, size=n_informative)
    y = X @ w + rng.normal(scale=5.0, size=n)
    return X, y


def _enet_objective(X, y, alpha, l1_ratio):
    def f(m):
        r = y - X @ m.coef_ - m.intercept_
        w = m.coef_
        return (r @ r / (2 * len(y)) + alpha * l1_ratio * np.abs(w).sum()
                + 0.5 * alpha * (1 - l1_ratio) * w @ w)
    return f


def _sparse_rows(sk, ml, quick, repeats):
    """Lasso and Ridge (auto: sparse_cg on both sides, X centred implicitly) on a tf-idf-like CSR X."""
    from bench.bench_decomposition import _tfidf_like
    n, d = (5000, 2000) if quick else (50_000, 20_000)
    X = _tfidf_like(n, d, 0.005, seed=3)
    rng = np.random.default_rng(3)
    w = np.where(rng.random(d) < 0.05, rng.normal(scale=3.0, size=d), 0.0)
    y = X @ w + 0.1 * rng.normal(size=n)
    alpha = 1e-4
    kw = dict(alpha=alpha, tol=1e-4, max_iter=10_000)
    nnz = np.count_nonzero(sk.Lasso(**kw).fit(X, y).coef_)
    objective = _enet_objective(X, y, alpha, 1.0)
    yield compare("least_squares", f"Lasso CSR {n}x{d} density 0.005 alpha={alpha} ({nnz} nonzero)",
                  lambda: ml.Lasso(**kw).fit(X, y), lambda: sk.Lasso(**kw).fit(X, y), objective, "objective",
                  repeats=repeats)

    def ridge_objective(m):
        r = y - X @ m.coef_ - m.intercept_
        return r @ r + m.coef_ @ m.coef_

    yield compare("least_squares", f"Ridge CSR {n}x{d} density 0.005 sparse_cg",
                  lambda: ml.Ridge(1.0).fit(X, y), lambda: sk.Ridge(1.0).fit(X, y), ridge_objective,
                  "objective", repeats=repeats)


def rows(quick=False):
    import sklearn.linear_model as sk

    import mlc.linear_model as ml

    repeats = 2 if quick else 5
    n, d = (5000, 200) if quick else (50_000, 200)
    X, y = _data(n, d, 60, seed=0)
    for name, l1_ratio, alpha in (("Lasso", 1.0, 0.1), ("ElasticNet", 0.5, 0.15)):
        kw = dict(alpha=alpha, tol=1e-4, max_iter=10_000)
        if name == "ElasticNet":
            kw["l1_ratio"] = l1_ratio
        ours_cls, ref_cls = getattr(ml, name), getattr(sk, name)
        nnz = np.count_nonzero(ref_cls(**kw).fit(X, y).coef_)
        yield compare("least_squares", f"{name} {n}x{d} alpha={alpha} ({nnz} nonzero)",
                      lambda: ours_cls(**kw).fit(X, y), lambda: ref_cls(**kw).fit(X, y),
                      _enet_objective(X, y, alpha, l1_ratio), "objective", repeats=repeats)
    n, d = (10_000, 100) if quick else (100_000, 100)
    X, y = _data(n, d, 50, seed=1)

    def r2(m):
        r = y - m.predict(X)
        return 1 - r @ r / np.sum((y - y.mean()) ** 2)

    yield compare("least_squares", f"Ridge {n}x{d} cholesky", lambda: ml.Ridge(1.0).fit(X, y),
                  lambda: sk.Ridge(1.0).fit(X, y), r2, "R^2", repeats=repeats)
    yield compare("least_squares", f"LinearRegression {n}x{d}", lambda: ml.LinearRegression().fit(X, y),
                  lambda: sk.LinearRegression().fit(X, y), r2, "R^2", repeats=repeats)
    for name, kw in (("LinearRegression", {}), ("Ridge", {"alpha": 1.0})):
        ref = intelex("linear_model", name)
        if ref is not None:
            yield compare("least_squares", f"{name} {n}x{d}", lambda: getattr(ml, name)(**kw).fit(X, y),
                          lambda: ref(**kw).fit(X, y), r2, "R^2", ref_name=REF_NAME, repeats=repeats)

    # non-negative least squares: a true w with negative entries, so many coefficients clamp at 0
    n, d = (2000, 100) if quick else (20_000, 200)
    X, y = _data(n, d, d, seed=2)

    def rss(m):
        r = y - m.predict(X)
        return r @ r / len(y)

    nnz = np.count_nonzero(sk.LinearRegression(positive=True).fit(X, y).coef_)
    yield from _sparse_rows(sk, ml, quick, repeats)

    yield compare("least_squares", f"LinearRegression(positive=True) {n}x{d} ({nnz} nonzero)",
                  lambda: ml.LinearRegression(positive=True).fit(X, y),
                  lambda: sk.LinearRegression(positive=True).fit(X, y), rss, "mean sq. residual",
                  repeats=repeats)
