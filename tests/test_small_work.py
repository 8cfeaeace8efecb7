"""Small work stays on one thread (DESIGN.md): the team-size rule of core/runtime.c and the BLAS
bracket that blas.h and linalg.c put around every call OpenBLAS may thread. No timing here: the
effect under load is shown by `python -m bench small --busy`."""
import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris

import mlc
from mlc import _mlc
from mlc.cluster import KMeans
from mlc.decomposition import PCA
from mlc.linear_model import LinearRegression, LogisticRegression, Ridge
from mlc.mixture import GaussianMixture
from mlc.neighbors import KNeighborsClassifier
from mlc.preprocessing import StandardScaler

W = _mlc.SERIAL_WORK


def test_team_size_rule():
    assert W == 1 << 22
    for n in (1, 2, 8):
        assert _mlc._team_size(0, n) == 1
        assert _mlc._team_size(W - 1, n) == 1
    assert _mlc._team_size(W, 1) == 1
    assert _mlc._team_size(W, 2) == 2
    assert _mlc._team_size(W, 8) == 2          # each thread gets at least half the threshold
    assert _mlc._team_size(3 * W // 2, 8) == 3
    assert _mlc._team_size(100 * W, 8) == 8
    assert _mlc._team_size(100 * W, 0) == 1
    works = [0, W // 2, W, 2 * W, 5 * W, 50 * W]
    for n in (1, 2, 3, 16):
        teams = [_mlc._team_size(w, n) for w in works]
        assert teams == sorted(teams) and max(teams) <= n


def test_blas_bracket_makes_small_calls_single_threaded(threads):
    mlc.set_num_threads(2)
    assert _mlc.blas_num_threads() == 2
    single = _mlc._blas_begin(W - 1)
    assert single and _mlc.blas_num_threads() == 1
    inner = _mlc._blas_begin(10_000)           # nested: the outer bracket restores
    _mlc._blas_end(inner)
    assert _mlc.blas_num_threads() == 1
    _mlc._blas_end(single)
    assert _mlc.blas_num_threads() == 2
    big = _mlc._blas_begin(W)                   # large work keeps the threads
    assert not big and _mlc.blas_num_threads() == 2
    _mlc._blas_end(big)
    assert _mlc.blas_num_threads() == 2


FITS = {
    "pca_covariance_eigh": lambda X, y: PCA(10, svd_solver="covariance_eigh").fit(X),
    "pca_full": lambda X, y: PCA(10, svd_solver="full").fit(X),
    "pca_randomized": lambda X, y: PCA(10, svd_solver="randomized", random_state=0).fit(X),
    "kmeans": lambda X, y: KMeans(10, n_init=1, random_state=0).fit(X),
    "logistic": lambda X, y: LogisticRegression(max_iter=20).fit(X, y),
    "linear_regression": lambda X, y: LinearRegression().fit(X, y),
    "ridge": lambda X, y: Ridge().fit(X, y),
    "knn": lambda X, y: KNeighborsClassifier().fit(X, y).predict(X[:200]),
    "scaler": lambda X, y: StandardScaler().fit_transform(X),
    "gaussian_mixture_diag": lambda X, y: GaussianMixture(10, covariance_type="diag", max_iter=5).fit(X),
    "gaussian_mixture_full": lambda X, y: GaussianMixture(10, max_iter=5, reg_covar=1e-3).fit(X),
}


@pytest.mark.filterwarnings("ignore::mlc.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(FITS))
def test_small_fits_leave_the_blas_thread_count_as_it_was(name, threads):
    X, y = load_digits(return_X_y=True)
    for n in (2, 1, 2):
        mlc.set_num_threads(n)
        FITS[name](X, y)
        assert _mlc.blas_num_threads() == n


def test_small_fit_gives_the_same_result_at_one_and_two_threads(threads):
    X = load_iris().data
    out = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        p = PCA(3, svd_solver="full").fit(X)
        out.append((p.components_, p.explained_variance_))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


def test_linear_scores_is_numpys_product():
    from mlc._math import linear_scores
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 17))
    W = rng.normal(size=(4, 17))
    b = rng.normal(size=4)
    np.testing.assert_allclose(linear_scores(X, W, b), X @ W.T + b, rtol=1e-12, atol=1e-12)
    X32 = X[::2].astype(np.float32)                 # a strided float32 view, one coefficient row
    np.testing.assert_allclose(linear_scores(X32, W[0], 1.5), X32 @ W[0] + 1.5, rtol=1e-12, atol=1e-12)
    assert linear_scores(X[:0], W).shape == (0, 4)
    with pytest.raises(ValueError, match="does not match"):
        _mlc.matmul_t(X, W[:, :5])
