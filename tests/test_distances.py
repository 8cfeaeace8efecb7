"""mlc.metrics.pairwise_distances against scipy.spatial.distance.cdist."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn import datasets

from mlc import _mlc
from mlc.metrics import pairwise_distances
from conftest import layouts

METRICS = {"euclidean": "euclidean", "sqeuclidean": "sqeuclidean", "manhattan": "cityblock",
           "cosine": "cosine", "correlation": "correlation"}
# float64: the GEMM path recomputes near-zero euclidean distances, so 1e-6 relative holds
# everywhere; float32 output carries float32 rounding (computed in float64 internally)
RTOL = {np.float64: 1e-9, np.float32: 1e-6}


def reference(X, Y, metric):
    return cdist(np.asarray(X, np.float64), np.asarray(Y, np.float64), METRICS[metric])


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1, 1, 1), (7, 13, 3), (300, 2100, 17), (130, 1030, 129)])
def test_generated_matches_cdist(metric, dtype, shape, rng):
    n, m, d = shape
    X = (rng.normal(size=(n, d)) + 3).astype(dtype)
    Y = (rng.normal(size=(m, d)) + 3).astype(dtype)
    if metric == "correlation" and d == 1:
        pytest.skip("correlation of 1-feature rows is undefined")
    D = pairwise_distances(X, Y, metric=metric)
    assert D.dtype == dtype and D.shape == (n, m)
    np.testing.assert_allclose(D, reference(X, Y, metric), rtol=RTOL[dtype], atol=1e-12)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
def test_real_data_matches_cdist(metric, name):
    X = getattr(datasets, f"load_{name}")().data
    D = pairwise_distances(X, X[::3], metric=metric)
    ref = reference(X, X[::3], metric)
    if metric == "correlation":
        ref = np.nan_to_num(ref, nan=1.0)  # digits has constant rows: mlc's convention is 1
    np.testing.assert_allclose(D, ref, rtol=1e-6, atol=1e-12)


def test_near_duplicates_keep_relative_precision(rng):
    # ||x||^2 + ||y||^2 - 2 x.y loses everything here; mlc recomputes such pairs directly
    X = rng.normal(size=(50, 20)) + 1000.0
    Y = X + 1e-7 * rng.normal(size=X.shape)
    D = pairwise_distances(X, Y)
    np.testing.assert_allclose(np.diag(D), np.diag(cdist(X, Y)), rtol=1e-6)


@pytest.mark.parametrize("metric", METRICS)
def test_same_input_has_exact_zero_diagonal(metric, rng):
    X = rng.normal(size=(257, 9))
    D = pairwise_distances(X, metric=metric)
    assert np.all(np.diag(D) == 0.0)
    np.testing.assert_allclose(D, D.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(D, reference(X, X, metric), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("metric", METRICS)
def test_layouts_and_int_input_give_the_same(metric, rng):
    X = rng.integers(-5, 6, size=(40, 6))
    Y = rng.integers(-5, 6, size=(30, 6))
    want = pairwise_distances(X.astype(np.float64), Y.astype(np.float64), metric=metric)
    np.testing.assert_array_equal(pairwise_distances(X, Y, metric=metric), want)
    for lx in layouts(X.astype(np.float64)).values():
        for ly in layouts(Y.astype(np.float64)).values():
            np.testing.assert_array_equal(pairwise_distances(lx, ly, metric=metric), want)


def test_aliases_and_mixed_dtypes(rng):
    X = rng.normal(size=(20, 4))
    Y = rng.normal(size=(10, 4)).astype(np.float32)
    assert pairwise_distances(X, Y).dtype == np.float64
    np.testing.assert_array_equal(pairwise_distances(X, metric="l1"), pairwise_distances(X, metric="manhattan"))
    np.testing.assert_array_equal(pairwise_distances(X, metric="cityblock"), pairwise_distances(X, metric="manhattan"))
    np.testing.assert_array_equal(pairwise_distances(X, metric="l2"), pairwise_distances(X))


def test_zero_rows_have_cosine_distance_one():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 2.0]])
    D = pairwise_distances(X, metric="cosine")
    assert D[0, 1] == 1.0 and D[0, 2] == 1.0 and D[0, 0] == 0.0
    C = pairwise_distances(np.array([[3.0, 3.0, 3.0], [1.0, 2.0, 3.0]]), metric="correlation")
    assert C[0, 1] == 1.0


def test_thread_count_does_not_change_results(rng):
    X, Y = rng.normal(size=(700, 33)), rng.normal(size=(1500, 33))
    for metric in METRICS:
        a = pairwise_distances(X, Y, metric=metric, n_jobs=1)
        b = pairwise_distances(X, Y, metric=metric, n_jobs=2)
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad, match", [
    (np.array([[1.0, np.nan]]), "contains NaN"),
    (np.array([[1.0, np.inf]]), "contains infinity"),
    (np.zeros((0, 3)), "0 sample"),
    (np.zeros((3, 0)), "0 feature"),
    (np.ones(3), "Expected 2D array"),
    (np.ones((2, 2, 2)), "dim 3"),
    (np.array([["a", "b"]]), "strings"),
    (np.array([[1 + 1j]]), "Complex"),
])
def test_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        pairwise_distances(bad)


def test_bad_arguments(rng):
    X = rng.normal(size=(4, 3))
    with pytest.raises(ValueError, match="Unknown metric 'minkowski'"):
        pairwise_distances(X, metric="minkowski")
    with pytest.raises(ValueError, match="Incompatible dimension"):
        pairwise_distances(X, rng.normal(size=(4, 2)))
    with pytest.raises(ValueError, match="n_jobs"):
        pairwise_distances(X, n_jobs=0)
    with pytest.raises(TypeError, match="Sparse input"):
        import scipy.sparse
        pairwise_distances(scipy.sparse.csr_matrix(X))


def test_direct_binding_calls_raise_instead_of_crashing(rng):
    X = rng.normal(size=(4, 3))
    with pytest.raises(ValueError, match="dimension 1 is 2, expected 3"):
        _mlc.pairwise_distances(X, rng.normal(size=(4, 2)), 0)
    with pytest.raises(ValueError, match="expected a 2-D array"):
        _mlc.pairwise_distances(X[0], X, 0)
    with pytest.raises(ValueError, match="unknown metric code"):
        _mlc.pairwise_distances(X, X, 99)
    with pytest.raises(ValueError, match="dimension 0"):
        _mlc.pairwise_distances(X, X[:2], 0, True)
    with pytest.raises((TypeError, ValueError)):
        _mlc.pairwise_distances(np.array([["a"]]), X, 0)
    with pytest.raises(TypeError):
        _mlc.pairwise_distances(None, X, 0)
