"""Fits on scikit-learn's bundled data sets (digits 1,797x64, breast_cancer 569x30, diabetes 442x10):
mlc vs scikit-learn, same threads.

The point is the load, not the ratio: run `python -m bench small` and `python -m bench small --busy`
(another process pinned to one core) and compare each mlc time with its quiet one. Small work stays on
one thread (DESIGN.md, mlc_team_size), so under --busy no mlc row should take more than 2x its quiet
time, at 1 thread or at 2; a library whose BLAS threads every call can take 10-100x.
Quality: accuracy on the training set, inertia, explained variance or R^2 (the same fit on both sides).
"""
import numpy as np

from bench._harness import compare


def rows(quick=False):
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.linear_model
    import sklearn.mixture
    import sklearn.neighbors
    import sklearn.neural_network
    import sklearn.preprocessing
    import sklearn.svm
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

    import mlc.cluster
    import mlc.decomposition
    import mlc.linear_model
    import mlc.mixture
    import mlc.neighbors
    import mlc.nn
    import mlc.preprocessing
    import mlc.svm
    from mlc.exceptions import ConvergenceWarning

    import warnings
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=SkConvergenceWarning)
    repeats = 3 if quick else 7
    X, y = load_digits(return_X_y=True)
    Xs = sklearn.preprocessing.StandardScaler().fit_transform(X)
    acc = lambda est, A=Xs, b=y: float(np.mean(est.predict(A) == b))  # noqa: E731
    cases = [
        ("PCA(10) digits", lambda m: m.decomposition.PCA(10).fit(X),
         lambda est: float(np.sum(est.explained_variance_)), "sum explained_variance_"),
        ("PCA(10) full digits", lambda m: m.decomposition.PCA(10, svd_solver="full").fit(X),
         lambda est: float(np.sum(est.explained_variance_)), "sum explained_variance_"),
        ("KMeans(10) digits", lambda m: m.cluster.KMeans(10, n_init=1, random_state=0).fit(X),
         lambda est: float(est.inertia_), "inertia"),
        ("LogisticRegression digits", lambda m: m.linear_model.LogisticRegression(max_iter=200).fit(Xs, y),
         acc, "train accuracy"),
        ("KNeighborsClassifier digits fit+predict",
         lambda m: m.neighbors.KNeighborsClassifier().fit(X, y).predict(X),
         lambda pred: float(np.mean(pred == y)), "train accuracy"),
        ("StandardScaler digits", lambda m: m.preprocessing.StandardScaler().fit(X),
         lambda est: float(np.abs(est.transform(X)).mean()), "mean abs output"),
        ("SVC digits", lambda m: m.svm.SVC().fit(Xs, y), acc, "train accuracy"),
    ]
    for ct in ("diag", "full"):  # 30 EM iterations from the same rows: the same lower bound on both sides
        cases.append((f"GaussianMixture(10, {ct}) digits",
                      lambda m, ct=ct: m.mixture.GaussianMixture(10, covariance_type=ct, init_params="random_from_data",
                                                                 max_iter=30, tol=0.0, random_state=0).fit(X),
                      lambda est: float(est.lower_bound_), "lower bound"))
    mlp = lambda m: m.nn.MLPClassifier if m is mlc else m.neural_network.MLPClassifier  # noqa: E731
    cases.append(("MLPClassifier(100) digits",
                  lambda m: mlp(m)((100,), max_iter=20, random_state=0).fit(Xs, y), acc, "train accuracy"))
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xb = sklearn.preprocessing.StandardScaler().fit_transform(Xb)
    cases.append(("LogisticRegression breast_cancer",
                  lambda m: m.linear_model.LogisticRegression().fit(Xb, yb),
                  lambda est: float(np.mean(est.predict(Xb) == yb)), "train accuracy"))
    Xd, yd = load_diabetes(return_X_y=True)
    cases.append(("Ridge diabetes", lambda m: m.linear_model.Ridge().fit(Xd, yd),
                  lambda est: float(est.score(Xd, yd)), "R^2"))
    for work, fit, quality, qname in cases:
        yield compare("small", work, lambda: fit(mlc), lambda: fit(sklearn), quality, qname, repeats=repeats)
