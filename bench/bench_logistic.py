"""LogisticRegression: mlc vs scikit-learn at the same tolerance; quality = scikit-learn's objective
(C * sum of log-losses + penalty, lower is better) so a ratio only counts when the objectives match."""
import warnings

import numpy as np

from bench._harness import compare
from bench._intelex import REF_NAME, intelex


def _objective(model, X, y, C, penalty):
    logp = model.predict_log_proba(X)[np.arange(len(y)), np.searchsorted(model.classes_, y)]
    W = model.coef_
    pen = 0.5 * (W ** 2).sum() if penalty == "l2" else np.abs(W).sum()
    return float(-C * logp.sum() + pen)


def _binary(n, d, seed, informative):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.zeros(d)
    w[:informative] = rng.normal(size=informative)
    y = (X @ w + 0.5 * rng.logistic(size=n) > 0).astype(np.int64)
    return X, y


def _tfidf_task(n, d, density, seed):
    """bench_decomposition's tf-idf-like CSR matrix and two classes from a sparse linear rule on it."""
    from bench.bench_decomposition import _tfidf_like
    X = _tfidf_like(n, d, density, seed)
    rng = np.random.default_rng(seed)
    s = X @ (rng.normal(size=d) * (rng.random(d) < 0.1))
    return X, (s > np.median(s)).astype(np.int64)


def sparse_row(family, work, n, d, density, mlc_est, ref_est, quality, quality_name, quick):
    """A row on _tfidf_task's matrix (never densified), each side's peak memory of one fit (in a fresh
    process) in its note. mlc_est / ref_est: constructor calls as code, e.g. "LinearSVC(C=1.0)", of a class
    of mlc's / scikit-learn's `family` module."""
    import mlc
    from bench._harness import peak_fit_mb, selected
    if not selected(work):
        return None
    X, y = _tfidf_task(n, d, density, 0)
    mod = family.replace("svm_linear", "svm")
    cls = mlc_est.split("(")[0]
    ns = {cls: getattr(__import__(f"mlc.{mod}", fromlist=[cls]), cls)}
    make_mlc = eval(f"lambda: {mlc_est}", ns)  # noqa: S307 (the bench's own constant strings)
    ns = {cls: getattr(__import__(f"sklearn.{mod}", fromlist=[cls]), cls)}
    make_ref = eval(f"lambda: {ref_est}", ns)  # noqa: S307
    row = compare(family, work, lambda: make_mlc().fit(X, y), lambda: make_ref().fit(X, y),
                  lambda m: quality(m, X, y), quality_name, repeats=1 if quick else 3)
    setup = f"from bench.bench_logistic import _tfidf_task\nX, y = _tfidf_task({n}, {d}, {density}, 0)\n"
    th = mlc.get_num_threads()
    # a warm-up fit on 64 rows first: the libraries' one-time buffers (OpenBLAS's) are not the fit's memory
    peak = [peak_fit_mb(setup + f"from {lib}.{mod} import {cls}\n{est}.fit(X[:64], y[:64])", f"{est}.fit(X, y)",
                        side, th)
            for lib, est, side in (("mlc", mlc_est, "mlc"), ("sklearn", ref_est, "sklearn"))]
    row.note = f" [peak memory of the fit: mlc {peak[0]:.0f} MB, scikit-learn {peak[1]:.0f} MB]"
    return row


def rows(quick=False):
    import sklearn.linear_model as skl
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
    from sklearn.preprocessing import StandardScaler

    import mlc.linear_model as ml
    from mlc.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", SkConvergenceWarning)
    repeats = 2 if quick else 5

    n, d = (20_000, 100) if quick else (100_000, 100)
    X, y = _binary(n, d, 0, 30)
    kw = dict(C=1.0, tol=1e-6, max_iter=1000)  # a tight tol
    yield compare("linear_model", f"LogisticRegression L2 lbfgs binary {n}x{d}",
                  lambda: ml.LogisticRegression(**kw).fit(X, y), lambda: skl.LogisticRegression(**kw).fit(X, y),
                  lambda m: _objective(m, X, y, 1.0, "l2"), "objective", repeats=repeats)
    ref = intelex("linear_model", "LogisticRegression")
    if ref is not None:
        yield compare("linear_model", f"LogisticRegression L2 lbfgs binary {n}x{d}",
                      lambda: ml.LogisticRegression(**kw).fit(X, y), lambda: ref(**kw).fit(X, y),
                      lambda m: _objective(m, X, y, 1.0, "l2"), "objective", ref_name=REF_NAME, repeats=repeats)

    kw = dict(C=1.0, max_iter=1000)  # scikit-learn's default tol (1e-4) on both sides
    yield compare("linear_model", f"LogisticRegression L2 lbfgs binary {n}x{d} default tol",
                  lambda: ml.LogisticRegression(**kw).fit(X, y), lambda: skl.LogisticRegression(**kw).fit(X, y),
                  lambda m: _objective(m, X, y, 1.0, "l2"), "objective", repeats=repeats)

    for solver in ("sag", "saga"):  # scikit-learn's stopping rule and tol on both sides
        kw = dict(C=1.0, solver=solver, tol=1e-4, max_iter=1000, random_state=0)
        yield compare("linear_model", f"LogisticRegression L2 {solver} binary {n}x{d}",
                      lambda kw=kw: ml.LogisticRegression(**kw).fit(X, y),
                      lambda kw=kw: skl.LogisticRegression(**kw).fit(X, y),
                      lambda m: _objective(m, X, y, 1.0, "l2"), "objective", repeats=repeats)

    # sparse input: a tf-idf-like CSR matrix, 0.1% density, scikit-learn's defaults (lbfgs, tol 1e-4)
    ns, ds = (20_000, 20_000) if quick else (100_000, 100_000)
    row = sparse_row("linear_model", f"LogisticRegression L2 lbfgs CSR tf-idf-like {ns}x{ds} density 0.001",
                     ns, ds, 0.001, "LogisticRegression(max_iter=1000)", "LogisticRegression(max_iter=1000)",
                     lambda m, X, y: _objective(m, X, y, 1.0, "l2"), "objective", quick)
    if row is not None:
        yield row
    # liblinear's l1 solver (newGLMNET) on the same matrix: coordinate descent over its CSC columns
    est = "LogisticRegression(solver='liblinear', l1_ratio=1.0, random_state=0)"
    row = sparse_row("linear_model", f"LogisticRegression liblinear L1 newGLMNET CSR tf-idf-like {ns}x{ds} density 0.001",
                     ns, ds, 0.001, est, est, lambda m, X, y: _objective(m, X, y, 1.0, "l1"), "objective", quick)
    if row is not None:
        yield row

    Xd, yd = load_digits(return_X_y=True)
    Xd = StandardScaler().fit_transform(Xd)
    kw = dict(C=0.1, tol=1e-6, max_iter=2000)
    yield compare("linear_model", f"LogisticRegression L2 lbfgs multinomial digits {Xd.shape[0]}x{Xd.shape[1]}",
                  lambda: ml.LogisticRegression(**kw).fit(Xd, yd), lambda: skl.LogisticRegression(**kw).fit(Xd, yd),
                  lambda m: _objective(m, Xd, yd, 0.1, "l2"), "objective", repeats=repeats)

    # the Newton solvers against scikit-learn's same solver, scikit-learn's default tol
    n, d = (20_000, 50) if quick else (100_000, 100)
    X, y = _binary(n, d, 2, 20)
    for solver in ("newton-cg", "newton-cholesky"):
        kw = dict(C=1.0, solver=solver)
        yield compare("linear_model", f"LogisticRegression L2 {solver} binary {n}x{d}",
                      lambda kw=kw: ml.LogisticRegression(**kw).fit(X, y),
                      lambda kw=kw: skl.LogisticRegression(**kw).fit(X, y),
                      lambda m: _objective(m, X, y, 1.0, "l2"), "objective", repeats=repeats)
        kw = dict(C=0.1, solver=solver)
        yield compare("linear_model", f"LogisticRegression L2 {solver} multinomial digits {Xd.shape[0]}x{Xd.shape[1]}",
                      lambda kw=kw: ml.LogisticRegression(**kw).fit(Xd, yd),
                      lambda kw=kw: skl.LogisticRegression(**kw).fit(Xd, yd),
                      lambda m: _objective(m, Xd, yd, 0.1, "l2"), "objective", repeats=repeats)

    n, d = (5000, 200) if quick else (20_000, 500)
    X, y = _binary(n, d, 1, 20)
    C = 0.05
    # liblinear penalises the intercept: without one, both solve exactly the same L1 problem. The two
    # tols mean different things; mlc's 1e-5 reaches liblinear's objective at tol=1e-4
    yield compare("linear_model", f"LogisticRegression L1 {n}x{d} (owlqn vs liblinear)",
                  lambda: ml.LogisticRegression(l1_ratio=1.0, solver="owlqn", C=C, tol=1e-5, max_iter=1000,
                                                fit_intercept=False).fit(X, y),
                  lambda: skl.LogisticRegression(l1_ratio=1.0, solver="liblinear", C=C, tol=1e-4, max_iter=1000,
                                                 fit_intercept=False).fit(X, y),
                  lambda m: _objective(m, X, y, C, "l1"), "objective", repeats=repeats)
    kw = dict(l1_ratio=1.0, solver="saga", C=C, tol=1e-4, max_iter=1000, random_state=0)
    yield compare("linear_model", f"LogisticRegression L1 saga {n}x{d}",
                  lambda: ml.LogisticRegression(**kw).fit(X, y), lambda: skl.LogisticRegression(**kw).fit(X, y),
                  lambda m: _objective(m, X, y, C, "l1"), "objective", repeats=repeats)

    # solver='liblinear' on both sides: the same problem, LIBLINEAR's tol on both. Without an intercept
    # (which liblinear regularises) the quality is exactly LIBLINEAR's objective.
    n, d = (5000, 100) if quick else (50_000, 100)
    X, y = _binary(n, d, 2, 30)
    for label, kw, penalty in (("L2 trust-region Newton", {}, "l2"), ("L2 dual CD", {"dual": True}, "l2"),
                               ("L1 newGLMNET", {"l1_ratio": 1.0}, "l1")):
        kw = dict(solver="liblinear", C=0.1, fit_intercept=False, random_state=0, **kw)
        yield compare("linear_model", f"LogisticRegression liblinear {label} {n}x{d}",
                      lambda kw=kw: ml.LogisticRegression(**kw).fit(X, y),
                      lambda kw=kw: skl.LogisticRegression(**kw).fit(X, y),
                      lambda m, penalty=penalty: _objective(m, X, y, 0.1, penalty), "objective", repeats=repeats)
