"""LinearRegression, Ridge, Lasso, ElasticNet against scikit-learn (csrc/linear/least_squares.c)."""
import pickle
import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.datasets import load_breast_cancer, load_diabetes, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import ElasticNet, Lasso, LinearRegression, Ridge

from conftest import assert_rss_stable, layouts, needs_rss

ATOL = 1e-6
CD = dict(tol=1e-12, max_iter=100_000)


def _data(name):
    if name == "diabetes":
        return load_diabetes(return_X_y=True)
    if name == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
        X = (X - X.mean(0)) / X.std(0)
        return X, y.astype(np.float64) + 0.1 * np.arange(len(y)) / len(y)
    X, y = make_regression(n_samples=300, n_features=40, n_informative=12, noise=5.0, random_state=0)
    return X, y


def _multi(name):
    X, y = _data(name)
    rng = np.random.default_rng(1)
    return X, np.column_stack([y, X @ rng.normal(size=X.shape[1]) + rng.normal(size=len(y))])


def _close(ours, theirs, X, atol=ATOL):
    scale = max(1.0, np.abs(theirs.coef_).max())
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=atol * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0,
                               atol=atol * max(1.0, np.abs(theirs.intercept_).max()))
    p = theirs.predict(X)
    np.testing.assert_allclose(ours.predict(X), p, rtol=0, atol=atol * max(1.0, np.abs(p).max()))
    assert np.shape(ours.coef_) == np.shape(theirs.coef_)
    assert np.shape(ours.intercept_) == np.shape(theirs.intercept_)


PAIRS = {
    "ols": (lambda: LinearRegression(), lambda: sk.LinearRegression()),
    "ridge": (lambda: Ridge(0.7), lambda: sk.Ridge(0.7)),
    "ridge_svd": (lambda: Ridge(0.7, solver="svd"), lambda: sk.Ridge(0.7, solver="svd")),
    "lasso": (lambda: Lasso(0.05, **CD), lambda: sk.Lasso(0.05, **CD)),
    "enet": (lambda: ElasticNet(0.02, l1_ratio=0.4, **CD), lambda: sk.ElasticNet(0.02, l1_ratio=0.4, **CD)),
}


@pytest.mark.parametrize("name", ["diabetes", "breast_cancer", "generated"])
@pytest.mark.parametrize("model", sorted(PAIRS))
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_parity(name, model, fit_intercept, weighted):
    X, y = _data(name)
    sw = np.random.default_rng(3).uniform(0.2, 3.0, len(y)) if weighted else None
    mk, sk_ = PAIRS[model]
    ours = mk().set_params(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    theirs = sk_().set_params(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    _close(ours, theirs, X)
    if model in ("lasso", "enet"):
        np.testing.assert_array_equal(ours.coef_ == 0, theirs.coef_ == 0)
        assert ours.dual_gap_ <= 1e-10 * max(1.0, float(np.var(y)))


@pytest.mark.parametrize("name", ["diabetes", "generated", "wide"])
@pytest.mark.parametrize("model", ["lasso", "enet"])
@pytest.mark.parametrize("weighted", [False, True])
def test_residual_and_gram_forms_agree(monkeypatch, name, model, weighted):
    """Coordinate descent on the residual (n < 4 d) and on the Gram matrix (n >= 4 d): both reach
    scikit-learn's optimum."""
    from mlc.linear_model import _least_squares as ls
    if name == "wide":
        X, y = make_regression(n_samples=60, n_features=150, n_informative=10, noise=1.0, random_state=4)
    else:
        X, y = _data(name)
    sw = np.random.default_rng(5).uniform(0.2, 3.0, len(y)) if weighted else None
    mk, sk_ = PAIRS[model]
    theirs = sk_().fit(X, y, sample_weight=sw)
    fits = []
    for ratio in (4, 10**9):  # 10**9: the residual form always
        monkeypatch.setattr(ls, "_GRAM_RATIO", ratio)
        fits.append(mk().fit(X, y, sample_weight=sw))
        _close(fits[-1], theirs, X)
        np.testing.assert_array_equal(fits[-1].coef_ == 0, theirs.coef_ == 0)
    np.testing.assert_allclose(fits[0].coef_, fits[1].coef_, rtol=0, atol=1e-7 * np.abs(theirs.coef_).max())


@pytest.mark.parametrize("model", sorted(PAIRS))
def test_multi_output(model):
    X, Y = _multi("generated")
    mk, sk_ = PAIRS[model]
    _close(mk().fit(X, Y), sk_().fit(X, Y), X)
    # a single column 2-D y keeps scikit-learn's shapes
    _close(mk().fit(X, Y[:, :1]), sk_().fit(X, Y[:, :1]), X)


def test_linear_regression_rank_deficient():
    X, y = _data("diabetes")
    X = np.column_stack([X, X[:, 0] + X[:, 1], X[:, 2]])
    ours, theirs = LinearRegression().fit(X, y), sk.LinearRegression().fit(X, y)
    _close(ours, theirs, X)
    assert ours.rank_ == theirs.rank_ == 10
    np.testing.assert_allclose(ours.singular_values_[:10], theirs.singular_[:10], rtol=1e-10)
    np.testing.assert_array_equal(ours.singular_, ours.singular_values_)


def test_ridge_wide_and_per_target_alpha():
    X, Y = make_regression(n_samples=40, n_features=120, n_targets=3, random_state=2)
    alpha = np.array([0.1, 1.0, 10.0])
    for solver in ("cholesky", "svd", "auto", "lsqr"):
        _close(Ridge(alpha, solver=solver).fit(X, Y), sk.Ridge(alpha, solver="cholesky").fit(X, Y), X)
    # alpha = 0 on rank-deficient data: Cholesky fails and the SVD takes over
    _close(Ridge(0.0).fit(X, Y), sk.Ridge(0.0).fit(X, Y), X, atol=1e-5)
    assert Ridge().fit(X, Y).n_iter_ is None


def test_ridge_positive():
    X, y = _data("diabetes")
    ours = Ridge(0.5, positive=True).fit(X, y)
    theirs = sk.Ridge(0.5, positive=True).fit(X, y)
    obj = lambda m: np.sum((y - m.predict(X)) ** 2) + 0.5 * np.sum(m.coef_ ** 2)  # noqa: E731
    assert np.all(ours.coef_ >= 0)
    assert obj(ours) <= obj(theirs) * (1 + 1e-9)
    np.testing.assert_allclose(obj(ours), obj(theirs), rtol=1e-5)


@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
def test_positive_random_warm_start(cls):
    X, y = _data("generated")
    kw = dict(alpha=1.0, **CD)
    ref = getattr(sk, cls.__name__)(positive=True, **kw).fit(X, y)
    _close(cls(positive=True, **kw).fit(X, y), ref, X)
    assert np.all(cls(positive=True, **kw).fit(X, y).coef_ >= 0)
    rnd = cls(selection="random", random_state=0, **kw).fit(X, y)
    _close(rnd, getattr(sk, cls.__name__)(**kw).fit(X, y), X)
    again = cls(selection="random", random_state=0, **kw).fit(X, y)
    np.testing.assert_array_equal(rnd.coef_, again.coef_)
    warm = cls(warm_start=True, **kw).fit(X, y)
    n_cold = warm.n_iter_
    warm.fit(X, y)
    assert warm.n_iter_ <= 1 < n_cold + 1


def test_convergence_warning_and_attributes():
    X, y = _data("generated")
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        m = Lasso(alpha=0.01, max_iter=2, tol=1e-15).fit(X, y)
    assert m.n_iter_ == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = Lasso(alpha=1.0).fit(X, y)
    assert isinstance(m.n_iter_, int) and m.dual_gap_ >= 0
    ref = sk.Lasso(alpha=1.0).fit(X, y)
    p = ref.predict(X)
    np.testing.assert_allclose(m.predict(X), p, rtol=0, atol=1e-3 * np.abs(p).max())


def test_bad_input():
    X, y = _data("diabetes")
    with pytest.raises(ValueError, match="alpha"):
        Lasso(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        Ridge(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNet(l1_ratio=1.5).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNet(l1_ratio=-0.1).fit(X, y)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    for est in (LinearRegression(), Ridge(), Lasso(), ElasticNet()):
        with pytest.raises(ValueError, match="NaN"):
            est.fit(Xn, y)
        with pytest.raises(ValueError, match="inconsistent numbers of samples"):
            est.fit(X, y[:-1])
    with pytest.raises(ValueError, match="max_iter"):
        Lasso(max_iter=0).fit(X, y)
    with pytest.raises(ValueError, match="max_iter"):
        Ridge(max_iter=-3).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        Ridge(solver="magic").fit(X, y)
    with pytest.raises(ValueError, match="selection"):
        Lasso(selection="greedy").fit(X, y)
    with pytest.raises(ValueError, match="penalties"):
        Ridge(alpha=[1.0, 2.0]).fit(X, np.column_stack([y, y, y]))
    with pytest.raises(ValueError, match="not supported yet"):
        LinearRegression(positive=True).fit(X, y)
    with pytest.raises(ValueError, match="precompute"):
        Lasso(precompute=True).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        Ridge().fit(X, y, sample_weight=np.ones(5))
    with pytest.raises(ValueError, match="features"):
        Ridge().fit(X, y).predict(X[:, :3])


def test_direct_kernel_calls_check_shapes():
    X = np.ones((5, 3))
    with pytest.raises(ValueError):
        _mlc.lsq_center(X, np.ones((4, 1)))
    with pytest.raises(ValueError):
        _mlc.lsq_center(X, np.ones(5))
    with pytest.raises(ValueError):
        _mlc.lsq_lstsq(X, np.ones((6, 1)), 1e-15)
    with pytest.raises(ValueError):
        _mlc.lsq_ridge(X, np.ones((5, 2)), np.ones(3))
    with pytest.raises(ValueError):
        _mlc.lsq_ridge(X, np.ones((5, 1)), -np.ones(1))
    with pytest.raises(ValueError):
        _mlc.cd_enet(X.T.copy(), np.ones(4), np.zeros(3), 1.0, 0.0, 10, 1e-4)
    with pytest.raises(ValueError):
        _mlc.cd_enet(X.T.copy(), np.ones(5), np.zeros(2), 1.0, 0.0, 10, 1e-4)
    with pytest.raises(ValueError):
        _mlc.cd_enet(X.T.copy(), np.ones(5), np.zeros(3), 1.0, 0.0, 0, 1e-4)
    with pytest.raises(ValueError):
        _mlc.cd_enet(np.ones((0, 5)), np.ones(5), np.zeros(0), 1.0, 0.0, 10, 1e-4)


@pytest.mark.parametrize("model", sorted(PAIRS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layouts_give_identical_results(model, dtype):
    X, y = _data("diabetes")
    X = X.astype(dtype)
    fits = {k: PAIRS[model][0]().fit(v, y) for k, v in layouts(X).items()}
    for k in ("F", "view"):
        np.testing.assert_array_equal(fits[k].coef_, fits["C"].coef_)
        np.testing.assert_array_equal(fits[k].intercept_, fits["C"].intercept_)
    if dtype == np.float32:
        ref = PAIRS[model][1]().fit(X.astype(np.float64), y)
        np.testing.assert_allclose(fits["C"].predict(X), ref.predict(X), rtol=1e-4)


@pytest.mark.parametrize("model", sorted(PAIRS))
def test_pickle_round_trip(model):
    X, y = _data("diabetes")
    est = PAIRS[model][0]().fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict(X), est.predict(X))
    assert back.get_params() == est.get_params()


@parametrize_with_checks([LinearRegression(), Ridge(), Ridge(solver="svd"), Lasso(), ElasticNet(),
                          Lasso(selection="random", random_state=0)],
                         expected_failed_checks=lambda est: (
                             {"check_non_transformer_estimators_n_iter":
                              "n_iter_ is None for Ridge's direct solvers (as in scikit-learn)"}
                             if isinstance(est, Ridge) else {}))
def test_sklearn_compatible(estimator, check):
    check(estimator)


@needs_rss
def test_no_leak():
    X, y = _data("diabetes")
    X, y = X[:100], y[:100]
    sw = np.linspace(0.5, 2, 100)

    def once():
        LinearRegression().fit(X, y).predict(X)
        Ridge().fit(X, y, sample_weight=sw).predict(X)
        ElasticNet(alpha=0.01).fit(X, y).predict(X)
        Ridge(positive=True).fit(X, y)
        Lasso(alpha=0.1).fit(Xw, yw)  # the residual form

    Xw, yw = X[:20], y[:20]
    assert_rss_stable(once)
