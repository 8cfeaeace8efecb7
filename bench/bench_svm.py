"""SVC (rbf) fit + predict: mlc vs scikit-learn (LIBSVM), same data, same hyper-parameters.

Each case gives two rows from one timing: test accuracy, and the number of support vectors. One
case weights the training samples (uniform in [0.2, 3)); the last fits a sparse tf-idf-like CSR
matrix (never densified on either side)."""
import dataclasses

import numpy as np

from bench._harness import compare
from bench._intelex import REF_NAME, intelex


def _cases(quick):
    from sklearn.datasets import load_digits, make_classification
    from sklearn.preprocessing import StandardScaler

    for n in ((3000,) if quick else (5000, 10_000)):
        X, y = make_classification(n + n // 5, 20, n_informative=10, random_state=0)
        yield f"SVC rbf fit+predict {n}x20 / {n // 5}", X[:n], X[n:], y[:n], y[n:], None
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    perm = np.random.default_rng(0).permutation(len(y))
    tr, te = perm[:1400], perm[1400:]
    yield "SVC rbf fit+predict digits 1400x64 / 397 (10 classes)", X[tr], X[te], y[tr], y[te], None
    w = np.random.default_rng(1).uniform(0.2, 3.0, len(tr))
    yield "SVC rbf fit(sample_weight)+predict digits 1400x64 / 397", X[tr], X[te], y[tr], y[te], w
    n, d = (2000, 10_000) if quick else (5000, 30_000)
    X, y = _tfidf_like(n + n // 5, d, 80, 5)
    yield (f"SVC rbf fit+predict sparse tf-idf-like {n}x{d} CSR, {X.nnz / X.shape[0]:.0f} terms/row / {n // 5} "
           "(5 classes)",
           X[:n], X[n:], y[:n], y[n:], None)


def _tfidf_like(n, d, terms, n_classes, seed=0):
    """Rows of l2-normalised tf-idf over Zipf-distributed terms, 95% drawn from a vocabulary order
    shared by all classes and 5% from the row's class's own order."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    p = 1.0 / np.arange(1, d + 1)
    p /= p.sum()
    order = np.stack([rng.permutation(d) for _ in range(n_classes)])
    shared = rng.choice(d, (n, terms - terms // 20), p=p)
    own = order[y[:, None], rng.choice(d, (n, terms // 20), p=p)]
    cols = np.concatenate([shared, own], axis=1).ravel()
    X = sp.csr_matrix((np.ones(cols.size), (np.repeat(np.arange(n), terms), cols)), shape=(n, d))
    X.sum_duplicates()   # term counts
    df = np.bincount(X.indices, minlength=d)
    X.data *= np.log((1 + n) / (1 + df[X.indices])) + 1
    X = sp.csr_matrix(sp.diags(1 / np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())) @ X)
    return X, y


def rows(quick=False):
    import mlc.svm
    import sklearn.svm

    repeats = 2 if quick else 5
    for work, Xtr, Xte, ytr, yte, w in _cases(quick):
        def run(cls):
            m = cls(kernel="rbf").fit(Xtr, ytr, sample_weight=w)
            return m.predict(Xte), int(m.n_support_.sum())

        row = compare("svm", work, lambda: run(mlc.svm.SVC), lambda: run(sklearn.svm.SVC),
                      lambda out: np.mean(out[0] == yte), "accuracy", repeats=repeats)
        if row is None:  # not selected (-k)
            continue
        yield row
        # the same timing, scored by model size (one fit each more, outside the timing)
        sv = [run(c)[1] for c in (mlc.svm.SVC, sklearn.svm.SVC)]
        yield dataclasses.replace(row, quality_name="n support vectors", mlc_quality=sv[0], ref_quality=sv[1])
        ref = intelex("svm", "SVC") if w is None else None
        if ref is not None:
            yield compare("svm", work, lambda: run(mlc.svm.SVC), lambda: run(ref),
                          lambda out: np.mean(out[0] == yte), "accuracy", ref_name=REF_NAME, repeats=repeats)
