"""KMeans (lloyd, elkan) and MiniBatchKMeans: mlc vs scikit-learn, same data, same init, same threads."""
import numpy as np

from bench._harness import compare, selected
from bench._intelex import REF_NAME, intelex


def _blobs(n, d, k, seed):
    """Gaussian clusters with overlap, so that k-means needs a few dozen iterations."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(k, d))
    return centers[rng.integers(0, k, n)] + rng.normal(size=(n, d))


def rows(quick=False):
    import mlc.cluster
    import sklearn.cluster

    n, d = (10_000, 20) if quick else (100_000, 50)
    repeats = 2 if quick else 3
    for k in (8, 64):
        X = _blobs(n, d, 16, seed=k)
        init = X[np.random.default_rng(k).choice(n, k, replace=False)].copy()
        for algorithm in ("lloyd", "elkan"):
            def ours():
                return mlc.cluster.KMeans(k, init=init, n_init=1, algorithm=algorithm).fit(X)

            def theirs():
                return sklearn.cluster.KMeans(k, init=init, n_init=1, algorithm=algorithm).fit(X)

            yield compare("cluster", f"KMeans {algorithm} k={k} {n}x{d} (same init)", ours, theirs,
                          lambda est: est.inertia_, "inertia", repeats=repeats)
        ref = intelex("cluster", "KMeans")
        if ref is not None:
            yield compare("cluster", f"KMeans lloyd k={k} {n}x{d} (same init)",
                          lambda: mlc.cluster.KMeans(k, init=init, n_init=1, algorithm="lloyd").fit(X),
                          lambda: ref(k, init=init, n_init=1, algorithm="lloyd").fit(X),
                          lambda est: est.inertia_, "inertia", ref_name=REF_NAME, repeats=repeats)

    # sparse input (issue 13): a tf-idf-like CSR matrix, clustered without densifying it on either side
    n, d, density = (10_000, 5_000, 0.002) if quick else (100_000, 20_000, 0.001)
    work = f"KMeans lloyd k=8 sparse tf-idf {n}x{d} density {density} (same init)"
    if selected(work):
        from bench.bench_decomposition import _tfidf_like
        S = _tfidf_like(n, d, density, 0)
        init = S[np.random.default_rng(0).choice(n, 8, replace=False)].toarray()
        yield compare("cluster", work, lambda: mlc.cluster.KMeans(8, init=init, n_init=1).fit(S),
                      lambda: sklearn.cluster.KMeans(8, init=init, n_init=1).fit(S),
                      lambda est: est.inertia_, "inertia", repeats=repeats)

    # the tour's rows (python -m mlc): k-means++ from each side's own draws, so the inertias are close, not equal
    from sklearn.datasets import load_digits
    digits = load_digits().data
    for algorithm in ("lloyd", "elkan"):
        yield compare("cluster", f"KMeans(10, {algorithm}, n_init=10) digits 1797x64",
                      lambda a=algorithm: mlc.cluster.KMeans(10, algorithm=a, n_init=10, random_state=0).fit(digits),
                      lambda a=algorithm: sklearn.cluster.KMeans(10, algorithm=a, n_init=10, random_state=0).fit(digits),
                      lambda est: est.inertia_, "inertia", repeats=max(repeats, 7))
    yield compare("cluster", "MiniBatchKMeans(10, n_init=3) digits 1797x64",
                  lambda: mlc.cluster.MiniBatchKMeans(10, n_init=3, random_state=0).fit(digits),
                  lambda: sklearn.cluster.MiniBatchKMeans(10, n_init=3, random_state=0).fit(digits),
                  lambda est: float(((digits - est.cluster_centers_[est.predict(digits)]) ** 2).sum()), "inertia",
                  repeats=max(repeats, 7))

    n, d = (50_000, 20) if quick else (1_000_000, 20)
    X = _blobs(n, d, 8, seed=1)
    for k in (8,):
        yield compare("cluster", f"MiniBatchKMeans k={k} {n}x{d}",
                      lambda: mlc.cluster.MiniBatchKMeans(k, random_state=0).fit(X),
                      lambda: sklearn.cluster.MiniBatchKMeans(k, random_state=0).fit(X),
                      lambda est: est.inertia_, "inertia", repeats=repeats)
