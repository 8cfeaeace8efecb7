"""SVC (rbf) fit + predict: mlc vs scikit-learn (LIBSVM), same data, same hyper-parameters.

Each case gives two rows from one timing: test accuracy, and the number of support vectors. The
last case weights the training samples (uniform in [0.2, 3))."""
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
