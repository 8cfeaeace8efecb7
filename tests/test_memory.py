"""The memory contract (DESIGN.md "C kernels"): every allocation failure inside a kernel comes back as
MemoryError (MLC_ENOMEM), never a crash, and frees what was allocated on the way (no leak on any path).

_mlc._alloc_fail_in(n) makes the n-th next mlc_malloc fail; each entry point below is called with the
1st, 2nd, 3rd, ... allocation failing until a call makes fewer allocations than that and succeeds.
_mlc._alloc_live() counts the mlc_malloc blocks not yet freed: it must be back where it was after every
call, failed or not."""
import numpy as np
import pytest

pytestmark = pytest.mark.filterwarnings("ignore:.*converge")

from mlc import _mlc
from mlc.cluster import KMeans, MiniBatchKMeans
from mlc.decomposition import PCA, LatentDirichletAllocation, TruncatedSVD
from mlc.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge, SGDClassifier,
                              SGDRegressor)
from mlc.metrics import pairwise_distances
from mlc.mixture import GaussianMixture
from mlc.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from mlc.preprocessing import StandardScaler
from mlc.svm import SVC, SVR, LinearSVC, LinearSVR

MAX_ALLOCATIONS = 400  # more than any entry point below makes; a call that needs more fails the test

rng = np.random.RandomState(0)
X = rng.randn(60, 5)
X32 = X.astype(np.float32)
y_cls = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
y_cls3 = np.digitize(X[:, 0], [-0.5, 0.5])
y_reg = X @ rng.randn(5) + 0.1 * rng.randn(60)
Y_reg = np.c_[y_reg, -y_reg]


def _conv(backward):
    x = rng.randn(2, 3, 9, 8).astype(np.float32)
    w = rng.randn(4, 3, 3, 3).astype(np.float32)
    b = rng.randn(4).astype(np.float32)
    out = np.empty((2, 4, 5, 4), np.float32)
    hp = (2, 2, 1, 1, 1, 1)
    if not backward:
        return lambda: _mlc.nn_conv2d_forward(out, x, w, b, *hp)
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    return lambda: _mlc.nn_conv2d_backward(dx, dw, db, out, x, w, *hp)


CASES = {
    "kmeans_lloyd": lambda: KMeans(3, n_init=2, random_state=0).fit(X).predict(X),
    "kmeans_elkan": lambda: KMeans(3, n_init=1, algorithm="elkan", random_state=0).fit(X32),
    "minibatch_kmeans": lambda: MiniBatchKMeans(3, batch_size=20, max_iter=3, n_init=1, random_state=0).fit(X),
    **{f"gmm_{c}": (lambda c=c: GaussianMixture(2, covariance_type=c, max_iter=5, random_state=0).fit(X).score(X))
       for c in ("full", "tied", "diag", "spherical")},
    "pca_full": lambda: PCA(3, svd_solver="full").fit(X).transform(X),
    "pca_f32": lambda: PCA(2, svd_solver="full").fit_transform(X32),
    "pca_randomized": lambda: PCA(2, svd_solver="randomized", random_state=0).fit(X),
    "truncated_svd": lambda: TruncatedSVD(2, random_state=0).fit_transform(X),
    "latent_dirichlet": lambda: LatentDirichletAllocation(3, max_iter=2, learning_method="online", batch_size=20,
                                                          random_state=0).fit(np.abs(X)).perplexity(np.abs(X)),
    "knn_classifier": lambda: KNeighborsClassifier(4).fit(X, y_cls).predict_proba(X),
    "knn_regressor": lambda: KNeighborsRegressor(4, weights="distance").fit(X, y_reg).predict(X32),
    "knn_kd_tree": lambda: KNeighborsClassifier(4, algorithm="kd_tree").fit(X, y_cls).predict(X),
    "knn_ball_tree_radius": lambda: NearestNeighbors(radius=2.0, algorithm="ball_tree").fit(X32).radius_neighbors(X),
    **{f"pairwise_{m}": (lambda m=m: pairwise_distances(X, X[:7], metric=m))
       for m in ("euclidean", "cosine", "correlation")},
    "pairwise_manhattan_f32": lambda: pairwise_distances(X32, X32[:7], metric="manhattan"),
    "standard_scaler": lambda: StandardScaler().fit(X).transform(X),
    "linear_regression": lambda: LinearRegression().fit(X, Y_reg),
    "nnls": lambda: LinearRegression(positive=True).fit(X, y_reg),
    "ridge_cholesky": lambda: Ridge(1.0, solver="cholesky").fit(X, Y_reg),
    "ridge_svd": lambda: Ridge(1.0, solver="svd").fit(X, y_reg),
    "lasso": lambda: Lasso(0.05, max_iter=50).fit(X, y_reg),
    "elastic_net": lambda: ElasticNet(0.05, l1_ratio=0.5, max_iter=50, precompute=True).fit(X, y_reg),
    "logistic_lbfgs": lambda: LogisticRegression(max_iter=20).fit(X, y_cls3),
    "logistic_owlqn": lambda: LogisticRegression(l1_ratio=1.0, solver="owlqn", max_iter=20).fit(X, y_cls),
    "logistic_adam": lambda: LogisticRegression(solver="adam", max_iter=3).fit(X, y_cls),
    "svc_rbf": lambda: SVC(probability=False).fit(X, y_cls3).decision_function(X),
    "svr_poly": lambda: SVR(kernel="poly", degree=2).fit(X, y_reg).predict(X),
    "linear_svc": lambda: LinearSVC(max_iter=50).fit(X, y_cls3),
    "linear_svc_l1": lambda: LinearSVC(penalty="l1", dual=False, max_iter=50).fit(X, y_cls),
    "linear_svr": lambda: LinearSVR(max_iter=50).fit(X, y_reg),
    "sgd_classifier": lambda: SGDClassifier(max_iter=3, tol=None, random_state=0).fit(X, y_cls3),
    "sgd_regressor": lambda: SGDRegressor(max_iter=3, tol=None, random_state=0).fit(X, y_reg),
    "conv2d_forward": _conv(False),
    "conv2d_backward": _conv(True),
}

# Large enough for a team of threads (mlc_team_size: k-means' N D K over _mlc.SERIAL_WORK): a failure
# in one thread's scratch inside a parallel region must stop the others cleanly. 12,000 rows from the
# 3,000 drawn, so the module's later draws stay as they were.
XB = np.tile(rng.randn(3000, 64), (4, 1))
XB32 = XB.astype(np.float32)
yb = (XB[:, 0] > 0).astype(int)
PARALLEL_CASES = {
    "kmeans_lloyd": lambda: KMeans(8, n_init=1, max_iter=3, random_state=0).fit(XB),
    "kmeans_elkan_f32": lambda: KMeans(8, n_init=1, max_iter=3, algorithm="elkan", random_state=0).fit(XB32),
    "gmm_full": lambda: GaussianMixture(3, max_iter=2, random_state=0).fit(XB[:, :16]),
    "pairwise_euclidean_f32": lambda: pairwise_distances(XB32[:700], XB32[:600]),
    "pairwise_cosine": lambda: pairwise_distances(XB[:700], XB[:600], metric="cosine"),
    "knn_f32": lambda: KNeighborsClassifier(3).fit(XB32[:1500], yb[:1500]).predict(XB32[1500:]),
    "knn_kd_tree": lambda: NearestNeighbors(n_neighbors=3).fit(XB[:6000, :3]).kneighbors(XB[6000:, :3]),
    "pca": lambda: PCA(5, svd_solver="full").fit(XB),
    "logistic": lambda: LogisticRegression(max_iter=3).fit(XB, yb),
}


def _check_every_failure(name, call):
    call()  # warm up: Python-side caches, lazily built tables
    failures = 0
    try:
        for n in range(1, MAX_ALLOCATIONS + 1):
            live = _mlc._alloc_live()
            _mlc._alloc_fail_in(n)
            try:
                call()
            except MemoryError:
                failures += 1
            left = _mlc._alloc_fail_in(0)
            assert _mlc._alloc_live() == live, f"{name}: {_mlc._alloc_live() - live} block(s) leaked " \
                                               f"when allocation {n} failed"
            if left > 0:  # the call made fewer than n allocations: every failure point has been seen
                break
        else:
            pytest.fail(f"{name}: more than {MAX_ALLOCATIONS} allocations")
    finally:
        _mlc._alloc_fail_in(0)
    assert n > 1, f"{name}: no allocation through mlc_malloc, nothing was tested"
    assert failures > 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_allocation_failure_raises_memory_error_and_leaks_nothing(name):
    _check_every_failure(name, CASES[name])


@pytest.mark.parametrize("name", sorted(PARALLEL_CASES))
def test_allocation_failure_in_a_parallel_region(name, threads):
    import mlc
    mlc.set_num_threads(2)
    _check_every_failure(name, PARALLEL_CASES[name])


def test_network_step_allocates_nothing_in_c():
    # per-step kernels take caller scratch (the conv layer's im2col buffer is allocated once, in NumPy)
    from mlc.nn import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential
    model = Sequential(Conv2d(4, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(3, 3, stride=2), Flatten(), Dense(3))
    model.build((2, 8, 8))
    model.allocate(seed=0)
    x = rng.randn(5, 2, 8, 8).astype(np.float32)
    for step in range(2):
        if step == 1:
            _mlc._alloc_fail_in(1)
        out = model.forward(x, True)
        model.zero_grad()
        model.backward(np.ones_like(out))
    assert _mlc._alloc_fail_in(0) == 1  # no mlc_malloc in the second step


def test_alloc_hook_counts_and_fires_once():
    assert _mlc._alloc_fail_in(0) == 0
    live = _mlc._alloc_live()
    _mlc._alloc_fail_in(1)
    with pytest.raises(MemoryError):
        pairwise_distances(X, X, metric="cosine")
    assert _mlc._alloc_fail_in(0) == 0  # it fired
    pairwise_distances(X, X, metric="cosine")  # and only once
    assert _mlc._alloc_live() == live


# ---- a whole-fit solver allocates its scratch once per fit (DESIGN.md "C kernels": no allocation
# per iteration of a solver loop, none per row): the number of mlc_malloc calls of a fit is the
# same for a few iterations and for many. Each case: (make(n_iterations) -> a fitted estimator, few, many).
yb3 = np.digitize(XB[:, 0] + XB[:, 1], [-0.5, 0.5])
Xo = rng.randn(400, 4)  # overlapping classes: SMO needs many iterations
yo = (Xo[:, 0] + Xo[:, 1] + rng.randn(400) > 0).astype(int)
yo3 = np.digitize(Xo[:, 0] + rng.randn(400), [-0.5, 0.5])
ro = Xo @ rng.randn(4) + rng.randn(400)
GROWTH_CASES = {
    **{f"gmm_{c}": (lambda it, c=c: GaussianMixture(3, covariance_type=c, max_iter=it, tol=0, random_state=0)
                    .fit(XB[:, :16]), 2, 20)
       for c in ("full", "tied", "diag", "spherical")},
    **{f"kmeans_{a}_{dt.__name__}": (lambda it, a=a, dt=dt: KMeans(8, n_init=2, max_iter=it, tol=0, algorithm=a,
                                                                  random_state=0).fit(XB.astype(dt)), 2, 50)
       for a in ("lloyd", "elkan") for dt in (np.float32, np.float64)},
    "svc": (lambda it: SVC(C=100.0, max_iter=it).fit(Xo, yo), 5, 100_000),
    "svc_ovo": (lambda it: SVC(C=100.0, max_iter=it).fit(Xo, yo3), 5, 100_000),
    "svr": (lambda it: SVR(C=100.0, max_iter=it).fit(Xo, ro), 5, 100_000),
    "logistic_lbfgs": (lambda it: LogisticRegression(max_iter=it, tol=0).fit(XB, yb3), 2, 30),
    "logistic_owlqn": (lambda it: LogisticRegression(l1_ratio=1.0, solver="owlqn", max_iter=it, tol=0)
                       .fit(XB, yb), 2, 8),
    "logistic_adam": (lambda it: LogisticRegression(solver="adam", max_iter=it, tol=0).fit(X, y_cls), 2, 30),
    "linear_svc": (lambda it: LinearSVC(max_iter=it, tol=1e-12, random_state=0).fit(Xo, yo3), 2, 30),
    "linear_svc_l1": (lambda it: LinearSVC(penalty="l1", dual=False, max_iter=it, tol=1e-12, random_state=0)
                      .fit(Xo, yo), 2, 30),
    "linear_svr": (lambda it: LinearSVR(max_iter=it, tol=1e-12, random_state=0).fit(Xo, ro), 2, 30),
    "lasso": (lambda it: Lasso(0.01, max_iter=it, tol=0).fit(XB, XB[:, 0] + XB[:, 1]), 2, 30),
    "elastic_net_gram": (lambda it: ElasticNet(0.01, max_iter=it, tol=0, precompute=True)
                         .fit(XB, XB[:, 0] + XB[:, 1]), 2, 30),
    "sgd_classifier": (lambda it: SGDClassifier(max_iter=it, tol=None, random_state=0).fit(Xo, yo3), 2, 30),
    "sgd_regressor": (lambda it: SGDRegressor(max_iter=it, tol=None, random_state=0).fit(Xo, ro), 2, 30),
}


def _allocations(call):
    call()  # warm up
    before = _mlc._alloc_count()
    model = call()
    return _mlc._alloc_count() - before, model


@pytest.mark.parametrize("name", sorted(GROWTH_CASES))
@pytest.mark.filterwarnings("ignore:Solver terminated early")
def test_fit_allocations_do_not_grow_with_iterations(name, threads):
    import mlc
    mlc.set_num_threads(2)  # the per-thread scratch of the parallel regions too
    make, few, many = GROWTH_CASES[name]
    n_few, short = _allocations(lambda: make(few))
    n_many, long = _allocations(lambda: make(many))
    assert np.max(long.n_iter_) > np.max(short.n_iter_)  # the long fit did iterate more
    assert n_few > 0
    assert n_many == n_few, f"{name}: {n_few} allocations for {few} iterations, {n_many} for {many}"


def test_alloc_count_counts_every_call():
    before = _mlc._alloc_count()
    _mlc._alloc_fail_in(1)
    with pytest.raises(MemoryError):
        pairwise_distances(X, X, metric="cosine")
    _mlc._alloc_fail_in(0)
    assert _mlc._alloc_count() == before + 1  # the failed call counts, and it was the only one


ONE_BLOCK_KERNELS = {  # a whole-fit kernel: one workspace block per call, whatever the team size
    # (gmm_fit: and the model struct's own block, mlc_gmm_init)
    "gmm_fit": (2, lambda: [GaussianMixture(3, covariance_type=c, max_iter=5, random_state=0).fit(XB[:, :16])
                            for c in ("full", "tied", "diag", "spherical")]),
    "kmeans_fit": (1, lambda: [KMeans(8, n_init=2, max_iter=5, algorithm=a, random_state=0).fit(XB.astype(dt))
                               for a in ("lloyd", "elkan") for dt in (np.float32, np.float64)]),
    "kmeans_plusplus": (1, lambda: KMeans(8, n_init=2, max_iter=5, random_state=0).fit(XB)),
    "svm_fit_c_svc_ovo": (1, lambda: [SVC(max_iter=50).fit(Xo, yo), SVC(max_iter=50).fit(Xo, yo3)]),
    "svm_fit_epsilon_svr": (1, lambda: SVR(max_iter=50).fit(Xo, ro)),
}


@pytest.mark.parametrize("kernel", sorted(ONE_BLOCK_KERNELS))
@pytest.mark.filterwarnings("ignore:Solver terminated early")
def test_whole_fit_kernel_allocates_one_block(kernel, threads, monkeypatch):
    import mlc
    mlc.set_num_threads(2)
    blocks, fit = ONE_BLOCK_KERNELS[kernel]
    counts, kernel_fn = [], getattr(_mlc, kernel)

    def counted(*args, **kwargs):
        before = _mlc._alloc_count()
        out = kernel_fn(*args, **kwargs)
        counts.append(_mlc._alloc_count() - before)
        return out

    monkeypatch.setattr(_mlc, kernel, counted)
    fit()
    assert counts and set(counts) == {blocks}, counts
