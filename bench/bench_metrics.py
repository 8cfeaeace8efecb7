"""mlc.metrics vs sklearn.metrics: classification and ranking metrics on 10**6 labels.

The data imitate a classifier's output: 5-class integer labels predicted right 70% of the time,
binary labels with scores that lean towards the positives (rounded to 1e-6, so there are ties),
and Dirichlet class probabilities. The quality column is each side's metric value: they must match.
"""
import numpy as np

from bench._harness import compare


def _data(n, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 5, n)
    pred = np.where(rng.random(n) < 0.7, y, rng.integers(0, 5, n))
    yb = rng.integers(0, 2, n)
    predb = np.where(rng.random(n) < 0.8, yb, 1 - yb)
    score = np.round(np.clip(rng.normal(0.4 + 0.2 * yb, 0.2), 0, 1), 6)
    proba = rng.dirichlet(np.ones(5), n)
    proba[np.arange(n), y] += 1.0  # a classifier that tends to be right
    proba /= proba.sum(axis=1, keepdims=True)
    return y, pred, yb, predb, score, proba


def rows(quick=False):
    import sklearn.metrics as skm

    import mlc.metrics as mm

    n = 10**4 if quick else 10**6
    repeats = 2 if quick else 5
    y, pred, yb, predb, score, proba = _data(n)
    work = f"{n:,} labels"

    def row(name, mlc_fn, ref_fn, quality, quality_name):
        return compare("metrics", f"{name}, {work}", mlc_fn, ref_fn, quality, quality_name,
                       repeats=repeats)

    def area(curve):
        fpr, tpr, _ = curve
        return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))

    def ident(v):
        return v

    yield row("accuracy_score (5 classes)", lambda: mm.accuracy_score(y, pred),
              lambda: skm.accuracy_score(y, pred), ident, "accuracy")
    yield row("precision_score macro (5 classes)",
              lambda: mm.precision_score(y, pred, average="macro"),
              lambda: skm.precision_score(y, pred, average="macro"), ident, "precision")
    yield row("recall_score macro (5 classes)", lambda: mm.recall_score(y, pred, average="macro"),
              lambda: skm.recall_score(y, pred, average="macro"), ident, "recall")
    yield row("f1_score macro (5 classes)", lambda: mm.f1_score(y, pred, average="macro"),
              lambda: skm.f1_score(y, pred, average="macro"), ident, "F1")
    yield row("precision_score binary", lambda: mm.precision_score(yb, predb),
              lambda: skm.precision_score(yb, predb), ident, "precision")
    yield row("recall_score binary", lambda: mm.recall_score(yb, predb),
              lambda: skm.recall_score(yb, predb), ident, "recall")
    yield row("f1_score binary", lambda: mm.f1_score(yb, predb), lambda: skm.f1_score(yb, predb),
              ident, "F1")
    yield row("confusion_matrix (5 classes)", lambda: mm.confusion_matrix(y, pred),
              lambda: skm.confusion_matrix(y, pred), lambda cm: np.trace(cm), "trace")
    yield row("roc_auc_score binary", lambda: mm.roc_auc_score(yb, score),
              lambda: skm.roc_auc_score(yb, score), ident, "AUC")
    yield row("roc_curve binary", lambda: mm.roc_curve(yb, score),
              lambda: skm.roc_curve(yb, score), area, "AUC of curve")
    yield row("log_loss (5 classes)", lambda: mm.log_loss(y, proba),
              lambda: skm.log_loss(y, proba), ident, "log-loss")
