"""KMeans's n_init runs in one call: _mlc.kmeans_plusplus with a sequence of seeds and _mlc.kmeans_fit with
initial centres (R, K, D) give, run by run, the bits of one call per run, at any thread count (small runs go
one per thread); KMeans(n_init=...) keeps the run a loop of single runs would keep. No tolerances: every
comparison is exact."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits

import mlc
from mlc import _mlc
from mlc._validation import csr_parts
from mlc.cluster import KMeans
from mlc.cluster._kmeans import _same_clustering

from conftest import interrupted_while

LLOYD, ELKAN = _mlc.ENUMS["kmeans_algorithm"]["lloyd"], _mlc.ENUMS["kmeans_algorithm"]["elkan"]
SEEDS = [11, 2**63 - 2, 0, 12345, 7, 99, 3]


def _data(kind):
    digits = load_digits().data
    if kind == "dense64":
        return digits
    if kind == "dense32":
        return digits[:, 3:].astype(np.float32)  # 61 columns: a tail after the lanes of 8
    return csr_parts(sp.csr_matrix(digits[:600]))


def _rows_n(rows):
    return rows[2].shape[0] - 1 if isinstance(rows, tuple) else rows.shape[0]


def _dtype(rows):
    return rows[0].dtype if isinstance(rows, tuple) else rows.dtype


def _assert_same(a, b):
    for x, y in zip(a, b):
        assert np.array_equal(np.asarray(x), np.asarray(y))


@pytest.mark.parametrize("kind", ["dense64", "dense32", "csr"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_plusplus_runs_are_single_runs(kind, n_threads):
    rows = _data(kind)
    w = np.ones(_rows_n(rows), dtype=_dtype(rows))
    many = _mlc.kmeans_plusplus(rows, w, 10, 4, SEEDS, n_threads)
    assert many[0].shape[:2] == (len(SEEDS), 10) and many[1].shape == (len(SEEDS), 10)
    for r, seed in enumerate(SEEDS):
        _assert_same((many[0][r], many[1][r]), _mlc.kmeans_plusplus(rows, w, 10, 4, seed, 1))


@pytest.mark.parametrize("kind", ["dense64", "dense32", "csr"])
@pytest.mark.parametrize("algorithm", [LLOYD, ELKAN])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_fit_runs_are_single_runs(kind, algorithm, n_threads):
    rows = _data(kind)
    n = _rows_n(rows)
    w = np.random.default_rng(0).integers(0, 3, n).astype(_dtype(rows))
    init = _mlc.kmeans_plusplus(rows, w, 10, 4, SEEDS, 1)[0]
    mean = None
    if not isinstance(rows, tuple):
        mean = rows.mean(axis=0).astype(rows.dtype)
        init = init - mean
    centers, labels, inertia, n_iter = _mlc.kmeans_fit(rows, w, init, algorithm, 300, 1e-3, n_threads, mean=mean)
    assert centers.shape == init.shape and labels.shape == (len(SEEDS), n)
    assert inertia.shape == n_iter.shape == (len(SEEDS),)
    for r in range(len(SEEDS)):
        one = _mlc.kmeans_fit(rows, w, init[r], algorithm, 300, 1e-3, 1, mean=mean)
        _assert_same((centers[r], labels[r], inertia[r], n_iter[r]), one)


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_kmeans_keeps_the_run_a_loop_of_single_runs_keeps(algorithm, init, threads):
    X = load_digits().data
    est = {}
    for n_threads in (1, 2):
        mlc.set_num_threads(n_threads)
        est[n_threads] = KMeans(10, init=init, n_init=6, algorithm=algorithm, random_state=4).fit(X)
    for name in ("cluster_centers_", "labels_", "inertia_", "n_iter_"):
        assert np.array_equal(getattr(est[1], name), getattr(est[2], name))
    # the loop KMeans ran before its runs went into one call: draw, fit, keep a better run that is not
    # the same clustering, in run order
    rng = np.random.default_rng(4)
    mean, var = _mlc.kmeans_moments(X, 1)
    w = np.ones(len(X))
    best = None
    for _ in range(6):
        if init == "k-means++":
            C = _mlc.kmeans_plusplus(X, w, 10, 2 + int(np.log(10)), int(rng.integers(0, 2**63 - 1)), 1)[0]
        else:
            C = X[rng.choice(len(X), size=10, replace=False, p=w / w.sum())]
        run = _mlc.kmeans_fit(X, w, C - mean, _mlc.ENUMS["kmeans_algorithm"][algorithm], 300, var * 1e-4, 1,
                              mean=mean)
        if best is None or (run[2] < best[2] and not _same_clustering(run[1], best[1], 10)):
            best = run
    assert np.array_equal(est[2].cluster_centers_, best[0] + mean)
    assert np.array_equal(est[2].labels_, best[1])
    assert est[2].inertia_ == best[2] and est[2].n_iter_ == best[3]


def test_runs_bad_input():
    X = load_digits().data
    w = np.ones(len(X))
    with pytest.raises(ValueError, match="seed: need at least one"):
        _mlc.kmeans_plusplus(X, w, 3, 2, np.zeros(0, dtype=np.uint64))
    with pytest.raises(ValueError, match="centers: need at least one run"):
        _mlc.kmeans_fit(X, w, np.zeros((0, 3, 64)), LLOYD, 10, 0.0)
    with pytest.raises(ValueError, match="centers: dimension 2"):
        _mlc.kmeans_fit(X, w, np.zeros((2, 3, 5)), LLOYD, 10, 0.0)
    with pytest.raises(ValueError, match="expected a 1-D array"):
        _mlc.kmeans_plusplus(X, w, 3, 2, np.zeros((2, 2), dtype=np.uint64))


@pytest.mark.parametrize("n_threads", [1, 2])
def test_ctrl_c_stops_many_small_runs(n_threads, threads):
    """Ctrl-C reaches the runs spread over the threads (the calling thread's runs poll the hook)."""
    X = load_digits().data
    mlc.set_num_threads(n_threads)
    interrupted_while(lambda: KMeans(10, n_init=400, tol=0.0, random_state=0).fit(X))
