"""GaussianMixture against scikit-learn's, from the same initial parameters.

scikit-learn's EM is deterministic given its start, so from the same weights/means/precisions (or
the same seed for 'random', 'random_from_data' and 'k-means++', which draw from a RandomState in
scikit-learn's order) both run the same iterations: lower_bound_ must agree within 1e-6 and every
parameter within 1e-5 (relative to its scale), with the same n_iter_ and converged_.
"""
import pickle
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn import mixture as skm
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
import mlc.cluster
from mlc import _mlc
from mlc.exceptions import ConvergenceWarning, NotFittedError
from mlc.mixture import GaussianMixture
from conftest import assert_rss_stable, layouts, needs_rss

COV_TYPES = ["full", "tied", "diag", "spherical"]
HAS_KMEANS = hasattr(mlc.cluster, "KMeans")
needs_kmeans = pytest.mark.skipif(not HAS_KMEANS, reason="mlc.cluster.KMeans not written yet")


def load(name):
    if name == "blobs":
        X, _ = datasets.make_blobs(n_samples=600, n_features=5, centers=4, cluster_std=[0.5, 1.0, 1.5, 0.8],
                                   random_state=0)
        return X
    X, _ = getattr(datasets, f"load_{name}")(return_X_y=True)
    return X if name == "digits" else StandardScaler().fit_transform(X)


def explicit_init(X, k, covariance_type, seed=0):
    """Deterministic starting parameters: k distinct rows as means, equal weights, and the
    precision of the whole data (diagonal for diag/spherical)."""
    n, d = X.shape
    rng = np.random.default_rng(seed)
    means = X[rng.choice(n, size=k, replace=False)]
    var = X.var(axis=0) + 1.0  # digits has constant pixels
    prec = {"full": np.stack([np.diag(1.0 / var)] * k), "tied": np.diag(1.0 / var),
            "diag": np.tile(1.0 / var, (k, 1)), "spherical": np.full(k, 1.0 / var.mean())}[covariance_type]
    return dict(weights_init=np.full(k, 1.0 / k), means_init=means, precisions_init=prec)


def fit_both(X, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", SkConvergenceWarning)
        ours = GaussianMixture(**kw).fit(X)
        theirs = skm.GaussianMixture(**kw).fit(X)
    return ours, theirs


def close(a, b, rtol=1e-5):
    a, b = np.asarray(a), np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * max(1.0, np.abs(b).max()))


def assert_same_fit(ours, theirs, X):
    assert abs(ours.lower_bound_ - theirs.lower_bound_) < 1e-6
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.converged_ == theirs.converged_
    # the first bound of a start from single rows is about -1e7 and sensitive: a single-row
    # component's variance is reg_covar here, reg_covar + O(x^2 eps) in scikit-learn (whose
    # E[x^2] - mu^2 cancels), so that bound agrees to 1e-8 relative only
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=1e-7, atol=1e-6)
    for attr in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        assert getattr(ours, attr).shape == getattr(theirs, attr).shape, attr
        close(getattr(ours, attr), getattr(theirs, attr))
    close(ours.score_samples(X), theirs.score_samples(X))
    close(ours.predict_proba(X), theirs.predict_proba(X))
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    close(ours.bic(X), theirs.bic(X))
    close(ours.aic(X), theirs.aic(X))


@parametrize_with_checks([GaussianMixture(init_params="random"),
                          GaussianMixture(2, covariance_type="diag", init_params="k-means++"),
                          GaussianMixture(covariance_type="tied", init_params="random_from_data"),
                          GaussianMixture(2, covariance_type="spherical", init_params="random", n_init=2)]
                         + ([GaussianMixture()] if HAS_KMEANS else []))
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name, k", [("iris", 3), ("wine", 3), ("breast_cancer", 2), ("blobs", 4)])
@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_parity_explicit_init(name, k, covariance_type):
    X = load(name)
    kw = dict(n_components=k, covariance_type=covariance_type, max_iter=200, tol=1e-6,
              **explicit_init(X, k, covariance_type))
    ours, theirs = fit_both(X, **kw)
    assert ours.n_iter_ > 2
    assert_same_fit(ours, theirs, X)


@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_parity_digits(covariance_type):
    X = load("digits")
    # full/tied on 64 pixels (some constant) need a real regulariser and few iterations to stay
    # well conditioned; diag/spherical run to convergence
    slow = covariance_type in ("full", "tied")
    kw = dict(n_components=10, covariance_type=covariance_type, reg_covar=1e-1 if slow else 1e-3,
              max_iter=10 if slow else 100, **explicit_init(X, 10, covariance_type))
    ours, theirs = fit_both(X, **kw)
    assert_same_fit(ours, theirs, X)


@pytest.mark.parametrize("init_params", ["random", "random_from_data", "k-means++"])
@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_parity_seeded_inits_and_n_init(init_params, covariance_type):
    X = load("wine")
    ours, theirs = fit_both(X, n_components=3, covariance_type=covariance_type, init_params=init_params,
                            n_init=3, random_state=7)
    assert_same_fit(ours, theirs, X)


def test_partial_explicit_init_matches():
    # only means given: weights and precisions come from the 'random' responsibilities
    X = load("iris")
    init = explicit_init(X, 3, "full")
    ours, theirs = fit_both(X, n_components=3, init_params="random", random_state=0,
                            means_init=init["means_init"])
    assert_same_fit(ours, theirs, X)


@needs_kmeans
def test_kmeans_init_runs_and_is_sound():
    X = load("blobs")
    gm = GaussianMixture(4, random_state=0).fit(X)
    sk = skm.GaussianMixture(4, random_state=0).fit(X)
    assert gm.converged_
    assert gm.lower_bound_ > sk.lower_bound_ - 0.05  # k-means seeds differ; the optimum does not


def test_warm_start_continues_like_sklearn():
    X = load("wine")
    kw = dict(n_components=3, covariance_type="diag", max_iter=3, warm_start=True, init_params="random",
              random_state=1, tol=1e-10)
    ours = GaussianMixture(**kw)
    theirs = skm.GaussianMixture(**kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):
            ours.fit(X)
            theirs.fit(X)
            assert_same_fit(ours, theirs, X)


def test_max_iter_zero_keeps_the_initialisation():
    X = load("iris")
    init = explicit_init(X, 3, "full")
    gm = GaussianMixture(3, max_iter=0, **init).fit(X)
    np.testing.assert_allclose(gm.means_, init["means_init"])
    np.testing.assert_allclose(gm.precisions_, init["precisions_init"], rtol=1e-12)
    np.testing.assert_allclose(gm.covariances_, np.linalg.inv(init["precisions_init"]), rtol=1e-12)
    assert gm.n_iter_ == 0 and gm.lower_bound_ == -np.inf and not gm.converged_


def test_convergence_warning_and_fit_predict():
    X = load("breast_cancer")
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        gm = GaussianMixture(3, max_iter=2, init_params="random", random_state=0)
        labels = gm.fit_predict(X)
    np.testing.assert_array_equal(labels, gm.predict(X))
    assert gm.n_iter_ == 2 and not gm.converged_


def test_precisions_cholesky_is_the_upper_factor():
    X = load("wine")
    gm = GaussianMixture(2, init_params="random", random_state=0).fit(X)
    for U, P, C in zip(gm.precisions_cholesky_, gm.precisions_, gm.covariances_):
        assert np.allclose(np.tril(U, -1), 0.0)
        np.testing.assert_allclose(U @ U.T, P)
        np.testing.assert_allclose(P @ C, np.eye(len(C)), atol=1e-9)


@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_sample_matches_sklearn(covariance_type):
    X = load("iris")
    ours, theirs = fit_both(X, n_components=3, covariance_type=covariance_type, init_params="random",
                            random_state=3)
    Xs, ys = ours.sample(500)
    Xt, yt = theirs.sample(500)
    assert Xs.shape == (500, 4) and ys.shape == (500,)
    np.testing.assert_array_equal(ys, yt)
    close(Xs, Xt, rtol=1e-4)
    with pytest.raises(ValueError, match="Invalid value for 'n_samples'"):
        ours.sample(0)


def test_thread_counts_agree():
    X = np.vstack([load("blobs")] * 10)  # 6,000 rows: several reduction chunks
    old = mlc.get_num_threads()
    try:
        fits = []
        for nt in (1, 2):
            mlc.set_num_threads(nt)
            for ct in COV_TYPES:
                gm = GaussianMixture(4, covariance_type=ct, init_params="random", random_state=0, max_iter=20,
                                     tol=0.0)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    gm.fit(X)
                fits.append((gm.lower_bound_, gm.means_, gm.covariances_))
    finally:
        mlc.set_num_threads(old)
    for a, b in zip(fits[:4], fits[4:]):
        assert a[0] == b[0]
        np.testing.assert_array_equal(a[1], b[1])
        np.testing.assert_array_equal(a[2], b[2])


def test_thread_counts_agree_when_the_steps_are_parallel(threads):
    # 20,000 x 10, k=8: over mlc_team_size's threshold, so the E-step and the M-step's covariance
    # passes run on 2 threads (6,000 x 5 above stays on one)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 10)) + 3.0 * rng.normal(size=(8, 10))[rng.integers(0, 8, 20_000)]
    fits = {}
    for nt in (1, 2):
        mlc.set_num_threads(nt)
        for ct in COV_TYPES:
            gm = GaussianMixture(8, covariance_type=ct, random_state=0, max_iter=3, tol=0.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gm.fit(X)
            fits.setdefault(ct, []).append((gm.lower_bound_, gm.means_, gm.covariances_, gm.predict_proba(X)))
    for ct, (a, b) in fits.items():
        assert a[0] == b[0], ct
        for u, v in zip(a[1:], b[1:]):
            np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("layout", ["C", "F", "view"])
def test_layouts_and_float32(layout):
    X = load("wine")
    kw = dict(n_components=3, init_params="random", random_state=0)
    want = GaussianMixture(**kw).fit(X)
    got = GaussianMixture(**kw).fit(layouts(X)[layout])
    assert got.lower_bound_ == want.lower_bound_
    np.testing.assert_array_equal(got.predict_proba(layouts(X)[layout]), want.predict_proba(X))
    X32 = X.astype(np.float32)
    f32 = GaussianMixture(**kw).fit(X32)
    f64 = GaussianMixture(**kw).fit(X32.astype(np.float64))  # float32 is computed in float64
    assert f32.means_.dtype == np.float64
    assert f32.lower_bound_ == f64.lower_bound_


def test_pickle_round_trip():
    X = load("iris")
    gm = GaussianMixture(3, covariance_type="tied", init_params="random", random_state=0).fit(X)
    again = pickle.loads(pickle.dumps(gm))
    np.testing.assert_array_equal(again.predict_proba(X), gm.predict_proba(X))
    assert again.score(X) == gm.score(X)


def test_ill_defined_covariance_raises():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 2.0]]), 5, axis=0)
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        GaussianMixture(3, reg_covar=0.0, init_params="random_from_data", random_state=0).fit(X)


X_OK = np.random.default_rng(0).normal(size=(20, 3))


@pytest.mark.parametrize("params, match", [
    (dict(n_components=0), "n_components == 0, must be >= 1"),
    (dict(n_components=-2), "n_components == -2, must be >= 1"),
    (dict(n_components=21), "Expected n_samples >= n_components but got n_components = 21, n_samples = 20"),
    (dict(reg_covar=-1.0), "reg_covar == -1.0, must be >= 0.0"),
    (dict(tol=-0.1), "tol == -0.1, must be >= 0.0"),
    (dict(max_iter=-1), "max_iter == -1, must be >= 0"),
    (dict(n_init=0), "n_init == 0, must be >= 1"),
    (dict(covariance_type="banana"), "covariance_type must be one of"),
    (dict(init_params="kmeans--"), "init_params must be one of"),
    (dict(n_components=2, weights_init=[1.0]), r"'weights' should have the shape of \(2,\)"),
    (dict(n_components=2, weights_init=[0.5, 0.6]), "should be normalized"),
    (dict(n_components=2, weights_init=[1.5, -0.5]), r"should be in the range \[0, 1\]"),
    (dict(n_components=2, means_init=np.zeros((2, 2))), r"'means' should have the shape of \(2, 3\)"),
    (dict(n_components=2, precisions_init=np.ones((2, 3))), "'full precision' should have the shape"),
    (dict(n_components=2, precisions_init=np.stack([np.eye(3), -np.eye(3)])),
     "'full precision' should be symmetric, positive-definite"),
    (dict(n_components=2, covariance_type="tied", precisions_init=np.triu(np.ones((3, 3)))),
     "'tied precision' should be symmetric, positive-definite"),
    (dict(n_components=2, covariance_type="diag", precisions_init=np.zeros((2, 3))),
     "'diag precision' should be positive"),
    (dict(n_components=2, covariance_type="spherical", precisions_init=[1.0, -1.0]),
     "'spherical precision' should be positive"),
    (dict(n_components=2, weights_init=[0.5, np.nan]), "contains NaN"),
])
def test_bad_params(params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        GaussianMixture(**{"init_params": "random", **params}).fit(X_OK)


@pytest.mark.parametrize("bad, match", [
    (np.array([[1.0, np.nan], [1, 2], [3, 4]]), "contains NaN"),
    (np.array([[1.0, np.inf], [1, 2], [3, 4]]), "contains infinity"),
    (np.zeros((0, 2)), "0 sample"),
    (np.zeros((3, 0)), "0 feature"),
    (np.ones((1, 2)), "minimum of 2 is required"),
    (np.ones(4), "Expected 2D array"),
    (np.array([["a", "b"], ["c", "d"]]), "strings"),
])
def test_bad_X(bad, match):
    with pytest.raises(ValueError, match=match):
        GaussianMixture(init_params="random").fit(bad)


def test_predict_checks():
    gm = GaussianMixture(2, init_params="random", random_state=0)
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        gm.predict(X_OK)
    gm.fit(X_OK)
    with pytest.raises(ValueError, match="X has 2 features, but GaussianMixture is expecting 3"):
        gm.predict_proba(np.ones((4, 2)))
    with pytest.raises(ValueError, match="contains NaN"):
        gm.score_samples(np.full((2, 3), np.nan))


def test_direct_binding_calls_raise():
    X = np.ones((5, 2))
    w, m, pc = np.full(2, 0.5), np.zeros((2, 2)), np.stack([np.eye(2)] * 2)
    with pytest.raises(ValueError, match="means: dimension 0 is 3, expected 2"):
        _mlc.gmm_e_step(X, w, np.zeros((3, 2)), pc, 0)
    with pytest.raises(ValueError, match="expected a 3-D array"):
        _mlc.gmm_e_step(X, w, m, np.eye(2), 0)
    with pytest.raises(ValueError, match="precisions_cholesky: dimension 1 is 2, expected 3"):
        _mlc.gmm_e_step(np.ones((5, 3)), w, np.zeros((2, 3)), pc, 0)
    with pytest.raises(ValueError, match="unknown covariance_type code"):
        _mlc.gmm_e_step(X, w, m, pc, 9)
    with pytest.raises(ValueError, match="expected a 1-D array"):
        _mlc.gmm_e_step(X, np.ones((2, 1)), m, pc, 0)
    with pytest.raises(TypeError, match="got None"):
        _mlc.gmm_e_step(None, w, m, pc, 0)
    with pytest.raises(ValueError, match="max_iter must be >= 0"):
        _mlc.gmm_fit(X, w, m, pc, 0, -1, 0.0, 0.0, -np.inf)
    with pytest.raises(ValueError, match="reg_covar must be >= 0"):
        _mlc.gmm_fit(X, w, m, pc, 0, 5, 0.0, -1.0, -np.inf)
    with pytest.raises(ValueError, match="n_samples must be >= n_components"):
        _mlc.gmm_fit(X[:1], w, m, pc, 0, 5, 0.0, 0.0, -np.inf)
    with pytest.raises(ValueError, match="resp: dimension 0 is 4, expected 5"):
        _mlc.gmm_m_step(X, np.ones((4, 2)), 0, 0.0)
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        _mlc.gmm_m_step(X, np.ones((5, 0)), 0, 0.0)
    with pytest.raises(ValueError, match="positive-definite"):
        _mlc.gmm_precisions_cholesky(-pc, 2, 2, 0)
    with pytest.raises(ValueError, match="precisions: dimension 0 is 2, expected 3"):
        _mlc.gmm_precisions_cholesky(pc, 3, 2, 0)


@needs_rss
def test_memory_is_stable():
    X = load("iris")
    gm = GaussianMixture(2, covariance_type="full", init_params="random", random_state=0, max_iter=5)

    def once():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(X)
        gm.predict_proba(X)
        gm.score_samples(X)

    assert_rss_stable(once)
