"""Linear and quadratic discriminant analysis: mlc vs scikit-learn, fit time, training accuracy."""
import numpy as np

from bench._harness import compare


def _generated(n, d, k, seed):
    from sklearn.datasets import make_classification
    return make_classification(n, d, n_informative=d // 4, n_redundant=0, n_classes=k, random_state=seed)


def rows(quick=False):
    import sklearn.discriminant_analysis as skda
    from sklearn.datasets import load_digits

    import mlc.discriminant_analysis as da

    repeats = 2 if quick else 5
    n, d = (20_000, 200) if quick else (100_000, 200)
    X, y = _generated(n, d, 5, seed=0)
    for kw in (dict(solver="svd"), dict(solver="lsqr"), dict(solver="lsqr", shrinkage="auto")):
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        yield compare("discriminant_analysis", f"LinearDiscriminantAnalysis({args}) {n}x{d}, 5 classes",
                      lambda kw=kw: da.LinearDiscriminantAnalysis(**kw).fit(X, y),
                      lambda kw=kw: skda.LinearDiscriminantAnalysis(**kw).fit(X, y),
                      lambda m: m.score(X, y), "train accuracy", repeats=repeats)
    Xd, yd = load_digits(return_X_y=True)
    yield compare("discriminant_analysis", "QuadraticDiscriminantAnalysis(reg_param=0.01) digits 1797x64",
                  lambda: da.QuadraticDiscriminantAnalysis(reg_param=0.01).fit(Xd, yd),
                  lambda: skda.QuadraticDiscriminantAnalysis(reg_param=0.01).fit(Xd, yd),
                  lambda m: m.score(Xd, yd), "train accuracy", repeats=repeats)
    n, d = (10_000, 50) if quick else (100_000, 50)
    Xq, yq = _generated(n, d, 5, seed=1)
    yield compare("discriminant_analysis", f"QuadraticDiscriminantAnalysis() {n}x{d}, 5 classes",
                  lambda: da.QuadraticDiscriminantAnalysis().fit(Xq, yq),
                  lambda: skda.QuadraticDiscriminantAnalysis().fit(Xq, yq),
                  lambda m: m.score(Xq, yq), "train accuracy", repeats=repeats)
