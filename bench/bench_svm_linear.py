"""LinearSVC: mlc vs scikit-learn (LIBLINEAR) on the same data with the same solver and tolerance.

Quality is the primal objective 0.5 ||w~||^2 + C sum_i loss_i summed over the one-vs-rest problems
(lower is better; a ratio only counts when the objectives agree), and one more row per case, from
the same timing, gives the training accuracy."""
import dataclasses
import warnings

import numpy as np

from bench._harness import compare
from bench.bench_logistic import sparse_row


def primal_objective(model, X, y, C, penalty="l2", loss="squared_hinge", intercept_scaling=1.0):
    """sum over the (one-vs-rest) problems of penalty(w~) + C sum_i loss(y_i w~.x~_i)."""
    W, b = np.atleast_2d(model.coef_), np.broadcast_to(model.intercept_, (np.atleast_2d(model.coef_).shape[0],))
    classes = model.classes_
    total = 0.0
    for k in range(W.shape[0]):
        pos = classes[1] if W.shape[0] == 1 else classes[k]
        s = np.where(y == pos, 1.0, -1.0)
        r = np.maximum(0.0, 1.0 - s * (X @ W[k] + b[k]))
        wt = np.append(W[k], b[k] / intercept_scaling)
        pen = 0.5 * wt @ wt if penalty == "l2" else np.abs(wt).sum()
        total += pen + C * (r ** 2 if loss == "squared_hinge" else r).sum()
    return float(total)


def _cases(quick):
    from sklearn.datasets import load_digits, make_classification
    from sklearn.preprocessing import StandardScaler

    n = 20_000 if quick else 100_000
    X, y = make_classification(n, 100, n_informative=20, random_state=0)
    # C = 0.01: at C = 1 neither side converges within 10,000 passes on this non-separable data
    yield f"LinearSVC sq-hinge dual CD {n}x100 C=0.01", X, y, dict(dual=True, C=0.01, tol=1e-4)
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    yield "LinearSVC sq-hinge dual CD digits 1797x64 OvR", X, y, dict(dual=True, C=0.1, tol=1e-4)
    yield "LinearSVC sq-hinge primal digits 1797x64 OvR", X, y, dict(dual=False, C=0.1, tol=1e-4)
    yield "LinearSVC hinge dual CD digits 1797x64 OvR", X, y, dict(loss="hinge", dual=True, C=0.1, tol=1e-4)
    yield "LinearSVC l1 sq-hinge primal CD digits 1797x64 OvR", X, y, dict(penalty="l1", dual=False, C=0.1,
                                                                          tol=1e-4)


def rows(quick=False):
    import sklearn.svm

    import mlc.svm

    warnings.simplefilter("ignore")
    repeats = 2 if quick else 5
    for work, X, y, kw in _cases(quick):
        kw = dict(kw, max_iter=10_000, random_state=0)
        obj = dict(C=kw["C"], penalty=kw.get("penalty", "l2"), loss=kw.get("loss", "squared_hinge"))
        row = compare("svm_linear", work, lambda: mlc.svm.LinearSVC(**kw).fit(X, y),
                      lambda: sklearn.svm.LinearSVC(**kw).fit(X, y),
                      lambda m: primal_objective(m, X, y, **obj), "primal objective",
                      repeats=repeats if len(y) < 50_000 else 2)  # the big case: ~20 s per sklearn fit
        if row is None:  # not selected (-k)
            continue
        yield row
        acc = [np.mean(cls(**kw).fit(X, y).predict(X) == y) for cls in (mlc.svm.LinearSVC, sklearn.svm.LinearSVC)]
        yield dataclasses.replace(row, quality_name="train accuracy", mlc_quality=acc[0], ref_quality=acc[1])

    # sparse input: a tf-idf-like CSR matrix, 0.1% density, LIBLINEAR's dual CD (the text-classification path)
    n, d = (20_000, 20_000) if quick else (100_000, 100_000)
    row = sparse_row("svm_linear", f"LinearSVC sq-hinge dual CD CSR tf-idf-like {n}x{d} density 0.001", n, d, 0.001,
                     "LinearSVC(dual=True, random_state=0)", "LinearSVC(dual=True, random_state=0)",
                     lambda m, X, y: primal_objective(m, X, y, 1.0), "primal objective", quick)
    if row is not None:
        yield row
    # the l1 solver: primal coordinate descent over the CSC columns (built once from the CSR matrix)
    row = sparse_row("svm_linear", f"LinearSVC l1 sq-hinge primal CD CSR tf-idf-like {n}x{d} density 0.001", n, d,
                     0.001, "LinearSVC(penalty='l1', dual=False, random_state=0)",
                     "LinearSVC(penalty='l1', dual=False, random_state=0)",
                     lambda m, X, y: primal_objective(m, X, y, 1.0, penalty="l1"), "primal objective", quick)
    if row is not None:
        yield row
