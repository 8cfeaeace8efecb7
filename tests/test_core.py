"""The foundation: threads, the RNG, the estimator base, validation, interrupts, leaks."""
import os
import pickle
import threading

import numpy as np
import pytest

import mlc
from mlc import _mlc
from mlc._validation import (check_array, check_classification_targets, check_random_state,
                             check_sample_weight, check_scalar, check_X_y, encode_labels,
                             seed_from_random_state, type_of_target)
from mlc.base import BaseEstimator
from mlc.exceptions import NotFittedError
from mlc.metrics import pairwise_distances
from mlc.neighbors import KNeighborsClassifier, KNeighborsRegressor
from conftest import assert_rss_stable, interrupted_while, needs_rss


# ---- threads -------------------------------------------------------------------------------
def test_set_get_num_threads():
    old = mlc.get_num_threads()
    try:
        assert mlc.set_num_threads(1) == old
        assert mlc.get_num_threads() == 1 and _mlc.blas_num_threads() == 1
        mlc.set_num_threads(2)
        assert mlc.get_num_threads() == 2 and _mlc.blas_num_threads() == 2
    finally:
        mlc.set_num_threads(old)
    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(ValueError, match="n must be an int >= 1"):
            mlc.set_num_threads(bad)


def test_threadpoolctl_sees_mlc_openblas_and_openmp():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    info = threadpoolctl.threadpool_info()
    libdir = os.path.join(os.path.dirname(mlc.__file__), ".libs")
    ours = [i for i in info if i["internal_api"] == "openblas" and i["filepath"].startswith(libdir)]
    assert len(ours) == 1, info
    assert any(i["user_api"] == "openmp" for i in info)
    old = mlc.get_num_threads()
    X = np.random.default_rng(0).normal(size=(700, 16))
    with threadpoolctl.threadpool_limits(limits=1):
        assert _mlc.blas_num_threads() == 1 and mlc.get_num_threads() == 1
        pairwise_distances(X)  # a parallel region must put back the limit, not mlc's count
        assert _mlc.blas_num_threads() == 1
    assert mlc.get_num_threads() == old


def test_blas_count_survives_parallel_regions(rng):
    mlc.set_num_threads(2)
    pairwise_distances(rng.normal(size=(300, 8)))
    assert _mlc.blas_num_threads() == 2
    # two Python threads running kernels at once: the count comes back either way
    X = rng.normal(size=(600, 16))
    ts = [threading.Thread(target=pairwise_distances, args=(X,)) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert _mlc.blas_num_threads() == 2



def test_n_jobs_is_one_rule():
    from mlc._threads import _n_threads
    from mlc._validation import check_n_jobs

    assert _n_threads(None) == _n_threads(-1) == mlc.get_num_threads() and _n_threads(3) == 3
    for bad in (0, 1.5, True, "2"):
        with pytest.raises(ValueError, match="n_jobs must be None, -1 or a positive int"):
            check_n_jobs(bad)
    X = np.random.default_rng(0).normal(size=(30, 4))
    np.testing.assert_array_equal(pairwise_distances(X, n_jobs=-1), pairwise_distances(X, n_jobs=1))
    with pytest.raises(ValueError, match="n_jobs"):
        KNeighborsClassifier(n_jobs=0).fit(X, np.arange(30) % 2)


def test_expit_and_softmax():
    from mlc._math import expit, softmax

    z = np.array([-1000.0, -30.0, -1.0, -0.0, 0.0, 2.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # exp is only taken of -|z|
        p = expit(z)
        q = softmax(np.stack([z, -z]))
    np.testing.assert_allclose(p[1:-1], 1 / (1 + np.exp(-z[1:-1])), rtol=1e-15)
    assert p[0] == 0.0 and p[-1] == 1.0 and p[3] == p[4] == 0.5
    assert expit(z.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    e = np.exp([0.0, 1.0, 2.0])
    np.testing.assert_allclose(softmax(np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]])), [e / e.sum()] * 2)

# ---- RNG -----------------------------------------------------------------------------------
def test_rng_is_deterministic_and_uniform():
    a, b = _mlc.rng_uniform(42, 200_000), _mlc.rng_uniform(42, 200_000)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, _mlc.rng_uniform(43, 200_000))
    assert a.min() >= 0.0 and a.max() < 1.0
    counts, _ = np.histogram(a, bins=20, range=(0, 1))
    chi2 = ((counts - 10_000) ** 2 / 10_000).sum()
    assert chi2 < 45  # 19 dof: p ~ 0.001
    z = _mlc.rng_normal(7, 200_000)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    k = _mlc.rng_below(1, 100_000, 7)
    assert k.max() == 6 and k.min() == 0
    assert np.all(np.abs(np.bincount(k) / 100_000 - 1 / 7) < 0.005)
    np.testing.assert_array_equal(_mlc.rng_below(3, 10, 1), 0)
    with pytest.raises(ValueError, match="n must be >= 0"):
        _mlc.rng_uniform(1, -1)


def test_random_state_handling():
    assert seed_from_random_state(5) == 5
    assert seed_from_random_state(np.random.RandomState(0)) == seed_from_random_state(np.random.RandomState(0))
    assert seed_from_random_state(np.random.default_rng(3)) == seed_from_random_state(np.random.default_rng(3))
    assert isinstance(check_random_state(None), np.random.Generator)
    with pytest.raises(ValueError, match="random_state must be"):
        seed_from_random_state("seed")
    with pytest.raises(ValueError, match=r"random_state must be in \[0, 2\*\*64\)"):
        seed_from_random_state(-1)


# ---- base ----------------------------------------------------------------------------------
class Toy(BaseEstimator):
    def __init__(self, alpha=1.0, *, inner=None, name="x"):
        self.alpha = alpha
        self.inner = inner
        self.name = name


def test_params_clone_repr():
    from sklearn.base import clone
    t = Toy(alpha=2.0, inner=Toy(name="in"))
    assert t.get_params(deep=False) == {"alpha": 2.0, "inner": t.inner, "name": "x"}
    assert t.get_params()["inner__name"] == "in"
    t.set_params(inner__alpha=5.0, name="y")
    assert t.inner.alpha == 5.0 and t.name == "y"
    assert repr(t) == "Toy(alpha=2.0, inner=Toy(alpha=5.0, name='in'), name='y')"
    assert repr(Toy()) == "Toy()"
    c = clone(t)
    assert c is not t and c.inner is not t.inner and c.get_params()["inner__alpha"] == 5.0
    with pytest.raises(ValueError, match="Invalid parameter 'beta' for estimator"):
        t.set_params(beta=1)
    assert pickle.loads(pickle.dumps(t)).get_params()["inner__alpha"] == 5.0


def test_not_fitted_error_is_both_and_matches_sklearn():
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    from sklearn.exceptions import NotFittedError as SkNotFitted
    with pytest.raises(SkNotFitted):
        KNeighborsClassifier().predict([[1.0]])
    with pytest.raises(NotFittedError, match="This KNeighborsClassifier instance is not fitted yet"):
        KNeighborsClassifier().predict([[1.0]])


def test_no_sklearn_at_import():
    import subprocess
    import sys
    code = "import sys, mlc; mlc.neighbors.KNeighborsClassifier(1).fit([[0.],[1.]],[0,1]).predict([[0.2]]); " \
           "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- validation ----------------------------------------------------------------------------
def test_check_array_dtypes_and_layout():
    assert check_array([[1, 2]]).dtype == np.float64
    assert check_array(np.ones((2, 2), np.float32)).dtype == np.float32
    assert check_array(np.ones((2, 2), np.float16)).dtype == np.float64
    assert check_array(np.array([[1, 2]], dtype=object)).dtype == np.float64
    assert check_array([[True, False]]).dtype == np.float64
    assert check_array(np.asfortranarray(np.ones((3, 2)))).flags.c_contiguous
    assert check_array(np.ones((4, 6))[::2, ::3]).flags.c_contiguous
    X = np.ones((2, 2))
    assert check_array(X) is X
    assert check_array(X, copy=True) is not X


@pytest.mark.parametrize("bad, exc, match", [
    (None, ValueError, "got None"),
    ("abc", ValueError, "got a string"),
    ([[1.0, np.nan]], ValueError, "Input X contains NaN"),
    ([[1.0, -np.inf]], ValueError, "Input X contains infinity"),
    ([[1 + 2j]], ValueError, "Complex data not supported"),
    ([["a", "b"]], ValueError, "holds strings"),
    (np.array([[{"a": 1}]], dtype=object), TypeError, "argument must be a string or a"),
    (np.array([["1.5", "x"]], dtype=object), ValueError, "non-numeric values"),
    ([1.0, 2.0], ValueError, "Expected 2D array, got 1D array"),
    (3.0, ValueError, "got scalar array"),
    (np.ones((2, 2, 2)), ValueError, "Found array with dim 3"),
    (np.zeros((0, 2)), ValueError, r"Found array with 0 sample\(s\)"),
    (np.zeros((2, 0)), ValueError, r"Found array with 0 feature\(s\)"),
])
def test_check_array_errors(bad, exc, match):
    with pytest.raises(exc, match=match):
        check_array(bad)


def test_labels_and_targets():
    classes, codes = encode_labels(np.array(["b", "a", "b", "c"]))
    assert list(classes) == ["a", "b", "c"] and codes.tolist() == [1, 0, 1, 2] and codes.dtype == np.int32
    classes, codes = encode_labels(np.array([3.0, 1.0, 3.0]))
    assert classes.tolist() == [1.0, 3.0]
    assert type_of_target([0, 1, 1]) == "binary"
    assert type_of_target(["a", "b", "c"]) == "multiclass"
    assert type_of_target([0.5, 1.0]) == "continuous"
    assert type_of_target([[1, 2], [3, 4]]) == "multiclass-multioutput"
    assert type_of_target([[0, 1], [1, 1]]) == "multilabel-indicator"
    check_classification_targets(np.array(["a", "b"], dtype=object))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        check_classification_targets(np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="Input y contains NaN"):
        check_classification_targets(np.array([0.5, np.nan]))
    with pytest.raises(ValueError, match="mixed, unorderable"):
        encode_labels(np.array(["a", 1], dtype=object))
    with pytest.raises(ValueError, match=r"y should be a 1d array, got an array of shape \(2, 2\)"):
        check_X_y([[1.0], [2.0]], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[2, 3\]"):
        check_X_y([[1.0], [2.0]], [1, 2, 3])


def test_check_sample_weight():
    assert check_sample_weight(None, 3) is None
    np.testing.assert_array_equal(check_sample_weight(2, 3), [2.0, 2.0, 2.0])
    assert check_sample_weight([1, 2], 2, allow_int=True).dtype == np.int64
    assert check_sample_weight([1, 2], 2, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(2,\), expected \(3,\)!"):
        check_sample_weight([1.0, 2.0], 3)
    with pytest.raises(ValueError, match="Sample weights must be 1D array or scalar"):
        check_sample_weight(np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match="Input sample_weight contains NaN"):
        check_sample_weight([1.0, np.nan], 2)
    with pytest.raises(ValueError, match="at least one non-zero"):
        check_sample_weight([0.0, 0.0], 2)
    with pytest.raises(ValueError, match="could not be converted to floats"):
        check_sample_weight(["a", "b"], 2)


def test_allow_nan():
    X = np.array([[1.0, np.nan]])
    assert check_array(X, ensure_all_finite="allow-nan") is X
    assert check_array(X, ensure_all_finite=False) is X
    with pytest.raises(ValueError, match="Input X contains infinity"):
        check_array(np.array([[np.inf, np.nan]]), ensure_all_finite="allow-nan")


def test_check_scalar():
    assert check_scalar(3, "k", int, min_val=1) == 3
    with pytest.raises(ValueError, match="k == 0, must be >= 1"):
        check_scalar(0, "k", int, min_val=1)
    with pytest.raises(ValueError, match="t == 1, must be < 1"):
        check_scalar(1, "t", int, max_val=1, include_boundaries="left")
    with pytest.raises(TypeError, match="k must be an instance of"):
        check_scalar(1.5, "k", int)


# ---- interrupts and leaks -------------------------------------------------------------------
def test_ctrl_c_stops_a_long_kernel(rng):
    """Ctrl-C during a kernel raises KeyboardInterrupt and leaves BLAS's thread count as it was."""
    X = rng.normal(size=(5_000, 64))
    knn = KNeighborsClassifier(5).fit(X, np.arange(5_000) % 3)
    interrupted_while(lambda: knn.kneighbors(X))
    assert _mlc.blas_num_threads() == mlc.get_num_threads()


@needs_rss
def test_fit_predict_loop_does_not_grow_rss(rng):
    X, y = rng.normal(size=(200, 8)), rng.integers(0, 3, 200)
    Xq = rng.normal(size=(50, 8))
    labels = np.array(["a", "b", "c"])[y]

    def once():
        KNeighborsClassifier(5, weights="distance").fit(X, labels).predict_proba(Xq)
        KNeighborsRegressor(3, metric="cosine").fit(X, y.astype(float)).predict(Xq)
        pairwise_distances(Xq, X, metric="correlation")
        pairwise_distances(Xq.astype(np.float32), metric="manhattan")
        try:
            _mlc.knn_kneighbors(Xq, X[:, :3], 1, 0)
        except ValueError:
            pass

    assert_rss_stable(once)
