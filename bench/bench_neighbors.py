"""KNN fit+predict and pairwise_distances: mlc vs scikit-learn (brute force, same threads)."""
import numpy as np

from bench._harness import compare
from bench._intelex import REF_NAME, intelex

METRICS = ["euclidean", "sqeuclidean", "manhattan", "cosine", "correlation"]


def _blobs(n_train, n_test, d, seed):
    """Gaussian clusters (10 classes) so that accuracy means something."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=2.0, size=(10, d))
    y = rng.integers(0, 10, n_train + n_test)
    X = centers[y] + rng.normal(scale=4.0, size=(n_train + n_test, d))
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


def rows(quick=False):
    import mlc.neighbors
    import mlc.metrics
    import sklearn.metrics
    import sklearn.neighbors

    sizes = [(2000, 500, 64), (5000, 1000, 32)] if quick else [(20_000, 5000, 64), (100_000, 10_000, 32)]
    repeats = 2 if quick else 5
    for n_train, n_test, d in sizes:
        Xtr, Xte, ytr, yte = _blobs(n_train, n_test, d, seed=n_train)
        for k in (5, 15):
            def ours():
                return mlc.neighbors.KNeighborsClassifier(k).fit(Xtr, ytr).predict(Xte)

            def theirs():
                return sklearn.neighbors.KNeighborsClassifier(k, algorithm="brute").fit(Xtr, ytr).predict(Xte)

            yield compare("neighbors", f"KNN k={k} fit+predict {n_train}x{d} / {n_test}", ours, theirs,
                          lambda p: np.mean(p == yte), "accuracy", repeats=repeats)
            ref = intelex("neighbors", "KNeighborsClassifier")
            if ref is not None:
                yield compare("neighbors", f"KNN k={k} fit+predict {n_train}x{d} / {n_test}", ours,
                              lambda: ref(k, algorithm="brute").fit(Xtr, ytr).predict(Xte),
                              lambda p: np.mean(p == yte), "accuracy", ref_name=REF_NAME, repeats=repeats)

    yield from _tree_rows(quick)

    n, d = (1000, 128) if quick else (5000, 128)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    for metric in METRICS:
        yield compare("distances", f"pairwise_distances {metric} {n}x{n}x{d}",
                      lambda: mlc.metrics.pairwise_distances(X, Y, metric=metric),
                      lambda: sklearn.metrics.pairwise_distances(X, Y, metric=metric),
                      lambda D: float(np.mean(D)), "mean distance", repeats=repeats)


def _tree_rows(quick):
    """kd-tree and ball tree on low-dimensional data: build + k-NN query of every test row, both sides
    with n_jobs = the row's thread count (scikit-learn's trees run their queries on joblib threads)."""
    import mlc
    import mlc.neighbors
    import sklearn.neighbors

    n_train, n_test, d, k = (20_000, 2000, 3, 5) if quick else (1_000_000, 100_000, 3, 5)
    rng = np.random.default_rng(3)
    Xtr, Xte = rng.normal(size=(n_train, d)), rng.normal(size=(n_test, d))
    for alg, n_q in (("kd_tree", n_test), ("ball_tree", n_test // 5)):  # a ball tree of 3-D data: ~5x slower
        Xq = Xte[:n_q]

        def ours(alg=alg, Xq=Xq):
            return mlc.neighbors.NearestNeighbors(n_neighbors=k, algorithm=alg, n_jobs=mlc.get_num_threads()).fit(
                Xtr).kneighbors(Xq)

        def theirs(alg=alg, Xq=Xq):
            return sklearn.neighbors.NearestNeighbors(n_neighbors=k, algorithm=alg,
                                                      n_jobs=mlc.get_num_threads()).fit(Xtr).kneighbors(Xq)

        yield compare("neighbors", f"NearestNeighbors {alg} k={k} fit+kneighbors {n_train}x{d} / {n_q}", ours,
                      theirs, lambda out: float(np.mean(out[0][:, -1])), "mean k-th distance",
                      repeats=2 if quick else 3)
