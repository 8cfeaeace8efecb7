"""PCA (full, covariance_eigh, randomized) and TruncatedSVD: mlc vs scikit-learn, same threads.

Quality: the sum of explained_variance_ of the kept components (equal for the exact solvers; for
randomized, the variance captured, which can only fall short of the exact value).

The sparse TruncatedSVD row (LSA on a tf-idf-like CSR matrix, 0.1% density; 100k x 100k outside
--quick) also reports each side's peak memory: one fit in a fresh process per side, its peak RSS
during the fit less its RSS just before (the matrix is built first, the same in both), in the row's
note. The peak is the process's VmHWM with the mark reset just before the fit (/proc/self/clear_refs),
not ru_maxrss: a child's ru_maxrss starts at its parent's RSS when it was forked, so it reported the
bench process's size, not the fit's (bench._harness.peak_fit_mb)."""
import numpy as np

from bench._harness import compare, peak_fit_mb
from bench._intelex import REF_NAME, intelex


def _low_rank(n, d, rank, seed):
    """A decaying spectrum (singular values ~ 1/j) plus noise: realistic for PCA."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, rank)) / np.arange(1, rank + 1)
    return A @ rng.normal(size=(rank, d)) + 0.1 * rng.normal(size=(n, d)) + rng.normal(size=d)


def _tfidf_like(n, d, density, seed):
    """A CSR matrix with Zipf-distributed columns (as words in text), l2-normalised rows: the shape of
    a tf-idf matrix."""
    import scipy.sparse as sp
    rng = np.random.default_rng(seed)
    nnz = int(n * d * density)
    p = 1.0 / np.arange(1, d + 1) ** 1.05
    X = sp.csr_matrix((rng.random(nnz) + 0.1, (rng.integers(0, n, nnz), rng.choice(d, nnz, p=p / p.sum()))),
                      shape=(n, d))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = (sp.diags(1.0 / np.maximum(norms, 1e-12)) @ X).tocsr()
    X.sort_indices()  # a product's indices come unsorted; a vectorizer's matrix is canonical
    return X


def _peak_mb(lib, n, d, density, k, threads):
    """MB of peak RSS a TruncatedSVD fit adds, in a fresh process (bench._harness.peak_fit_mb)."""
    est = "mlc.decomposition" if lib == "mlc" else "sklearn.decomposition"
    setup = (f"from bench.bench_decomposition import _tfidf_like\nX = _tfidf_like({n}, {d}, {density}, 0)\n"
             f"from {est} import TruncatedSVD")
    return peak_fit_mb(setup, f"TruncatedSVD({k}, random_state=0).fit(X)", lib, threads)


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

    n, d, density, k = (20_000, 20_000, 0.001, 100) if quick else (100_000, 100_000, 0.001, 100)
    work = f"TruncatedSVD randomized CSR {n}x{d} density {density:g} -> {k}"
    from bench._harness import selected
    if selected(work):
        import mlc
        X = _tfidf_like(n, d, density, 0)
        row = compare("decomposition", work,
                      lambda: mlc.decomposition.TruncatedSVD(k, random_state=0).fit(X),
                      lambda: skd.TruncatedSVD(k, random_state=0).fit(X), ev,
                      "sum explained_variance_", repeats=1 if quick else 3)
        th = mlc.get_num_threads()
        row.note = (f" [peak memory of the fit: mlc {_peak_mb('mlc', n, d, density, k, th):.0f} MB, "
                    f"scikit-learn {_peak_mb('sklearn', n, d, density, k, th):.0f} MB]")
        yield row
