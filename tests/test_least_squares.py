"""LinearRegression (also positive=True), Ridge, Lasso, ElasticNet against scikit-learn (csrc/linear/least_squares.c)."""
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
    "nnls": (lambda: LinearRegression(positive=True), lambda: sk.LinearRegression(positive=True)),
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


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_gram_one_pass(fit_intercept, weighted):
    """lsq_gram centres at a pilot shift and corrects by a rank-one term: equal to the Gram matrix
    of the explicitly centred data, even far from the origin."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(3000, 7)) * [1, 2, 3, 1e-3, 1, 1, 5] + [0, 1e4, -3, 1e3, 0, 7, 1e5]
    X[1000:] += 0.5  # the first block's mean is off the true mean
    Y = np.column_stack([X @ rng.normal(size=7), rng.normal(size=3000) + 1e3])
    sw = rng.uniform(0, 3, 3000) if weighted else None
    G, XtY, yy, xo, yo = _mlc.lsq_gram(X, Y, sw, fit_intercept, 2)
    w = np.ones(3000) if sw is None else sw
    mx = np.average(X, 0, w) if fit_intercept else np.zeros(7)
    my = np.average(Y, 0, w) if fit_intercept else np.zeros(2)
    Xc, Yc = (X - mx) * np.sqrt(w)[:, None], (Y - my) * np.sqrt(w)[:, None]
    np.testing.assert_allclose(xo, mx, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(yo, my, rtol=1e-13)
    scale = np.sqrt(np.outer(np.diag(Xc.T @ Xc), np.diag(Xc.T @ Xc)))
    np.testing.assert_allclose(G / scale, Xc.T @ Xc / scale, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(G, G.T)
    np.testing.assert_allclose(XtY, Yc.T @ Xc, rtol=1e-9, atol=1e-9 * np.abs(Yc.T @ Xc).max())
    np.testing.assert_allclose(yy, (Yc ** 2).sum(0), rtol=1e-11)
    # and the same bits whatever the thread count
    for a, b in zip(_mlc.lsq_gram(X, Y, sw, fit_intercept, 1), (G, XtY, yy, xo, yo)):
        np.testing.assert_array_equal(a, b)


def test_gram_one_chunk_for_many_features():
    """n_features = 2100: the per-chunk partial Gram matrices would pass 64 MiB, so one chunk."""
    rng = np.random.default_rng(12)
    X = rng.normal(size=(600, 2100)) + 3.0
    Y = rng.normal(size=(600, 1))
    G, XtY, yy, xo, yo = _mlc.lsq_gram(X, Y, None, True, 2)
    Xc = X - X.mean(0)
    np.testing.assert_allclose(G, Xc.T @ Xc, rtol=0, atol=1e-10 * np.abs(G).max())
    np.testing.assert_allclose(XtY, (Y - Y.mean()).T @ Xc, rtol=0, atol=1e-10 * np.abs(XtY).max())


@pytest.mark.parametrize("model", ["lasso", "enet", "ridge"])
def test_far_from_origin(model):
    """The Gram paths on data whose mean is large against its spread."""
    X, y = _data("diabetes")
    X = X + np.linspace(1e3, 1e4, X.shape[1])
    sw = np.random.default_rng(5).uniform(0.2, 3.0, len(y))
    mk, sk_ = PAIRS[model]
    _close(mk().fit(X, y, sample_weight=sw), sk_().fit(X, y, sample_weight=sw), X)


@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
def test_precompute(cls):
    X, y = _data("diabetes")
    kw = dict(alpha=0.01, **CD)
    ref = getattr(sk, cls.__name__)(**kw).fit(X, y)
    for pre in ("auto", True, False, np.True_):
        m = cls(precompute=pre, **kw).fit(X, y)
        _close(m, ref, X)
        np.testing.assert_array_equal(m.coef_ == 0, ref.coef_ == 0)
    # the user's Gram matrix: X^T X of what the solver sees (here X is centred already)
    Xc = X - X.mean(0)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    for weights in (None, sw):
        if weights is None:
            Gu = Xc.T @ Xc
        else:
            w = weights * len(y) / weights.sum()
            Xw = Xc - np.average(Xc, 0, w)
            Gu = (Xw * w[:, None]).T @ Xw
        Xin = Xc if weights is None else Xw
        ref = getattr(sk, cls.__name__)(precompute=Gu, **kw).fit(Xin, y, sample_weight=weights)
        _close(cls(precompute=Gu, **kw).fit(Xin, y, sample_weight=weights), ref, Xin)
        # without an intercept too
        ref = getattr(sk, cls.__name__)(precompute=Gu, fit_intercept=False, **kw).fit(Xin, y, weights)
        _close(cls(precompute=Gu, fit_intercept=False, **kw).fit(Xin, y, weights), ref, Xin)
    # X not centred: scikit-learn's warning, the Gram matrix recomputed
    with pytest.warns(UserWarning, match="recomputing Gram matrix"):
        m = cls(precompute=(X + 1).T @ (X + 1), **kw).fit(X + 1, y)
    _close(m, getattr(sk, cls.__name__)(**kw).fit(X + 1, y), X + 1)
    with pytest.raises(ValueError, match="did not pass validation"):
        cls(precompute=2 * Xc.T @ Xc + 1, **kw).fit(Xc, y)
    with pytest.raises(ValueError, match="shape"):
        cls(precompute=np.eye(3), **kw).fit(Xc, y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        cls(precompute=np.full((10, 10), np.nan), **kw).fit(Xc, y)


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


def _nnls_kkt(model, X, Y):
    """Lawson-Hanson's optimality conditions on the centred data: X^T r = 0 on coef > 0 and <= 0
    on coef == 0."""
    Xc, Y = X - X.mean(0), np.asarray(Y).reshape(len(X), -1)
    coef = np.atleast_2d(model.coef_)
    g = Xc.T @ (Y - Y.mean(0) - Xc @ coef.T)  # (D, T)
    tol = 1e-9 * np.abs(Xc.T @ (Y - Y.mean(0))).max()
    assert np.all(coef >= 0)
    assert np.all(np.abs(g.T[coef > 0]) <= tol)
    assert np.all(g.T[coef == 0] <= tol)


def _clamped_data(seed=0, n=400, d=30, t=None):
    """Correlated columns and a true w with negative entries: many coefficients clamped at 0."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[:, 1::2] += 0.7 * X[:, ::2]
    w = rng.normal(size=(d, t or 1))
    Y = X @ w + rng.normal(size=(n, t or 1)) + 3.0
    return X, Y[:, 0] if t is None else Y


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_nnls_clamped_and_multi_output(fit_intercept, weighted):
    for t in (None, 3):
        X, Y = _clamped_data(t=t)
        sw = np.random.default_rng(7).uniform(0.1, 4.0, len(X)) if weighted else None
        ours = LinearRegression(positive=True, fit_intercept=fit_intercept).fit(X, Y, sample_weight=sw)
        theirs = sk.LinearRegression(positive=True, fit_intercept=fit_intercept).fit(X, Y, sample_weight=sw)
        assert np.count_nonzero(theirs.coef_ == 0) >= 10  # the constraint is active
        np.testing.assert_array_equal(ours.coef_ == 0, theirs.coef_ == 0)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-6, atol=1e-9)
        if fit_intercept and not weighted:
            _nnls_kkt(ours, X, Y)
        assert not hasattr(ours, "rank_") and not hasattr(ours, "singular_")


def test_nnls_edge_cases():
    X, y = _clamped_data(seed=2)
    # every coefficient clamped: y decreasing in every (positively correlated) feature
    m = LinearRegression(positive=True).fit(np.abs(X), -np.abs(X).sum(1))
    np.testing.assert_array_equal(m.coef_, 0)
    # unconstrained optimum already feasible: the same as plain least squares
    Xp = np.abs(X)
    yp = Xp @ np.linspace(0.5, 2.0, X.shape[1]) + 0.01 * np.random.default_rng(0).normal(size=len(X))
    _close(LinearRegression(positive=True).fit(Xp, yp), LinearRegression().fit(Xp, yp), Xp, atol=1e-9)
    # duplicated and wide (n_samples < n_features) columns: a solution satisfying the KKT conditions
    Xd = np.column_stack([X, X[:, :3]])
    _nnls_kkt(LinearRegression(positive=True).fit(Xd, y), Xd, y)
    Xw, yw = X[:20], y[:20]
    _nnls_kkt(LinearRegression(positive=True).fit(Xw, yw), Xw, yw)
    # one column of 2-D y keeps scikit-learn's (1, n_features)
    assert LinearRegression(positive=True).fit(X, y[:, None]).coef_.shape == (1, X.shape[1])


def test_nnls_iteration_cap():
    X, y = _clamped_data(seed=3)
    Xc, Yc = X - X.mean(0), (y - y.mean())[:, None]
    coef, n_iter, ok = _mlc.lsq_nnls(Xc, Yc, 2)
    assert not ok and n_iter[0] == 2 and np.all(coef >= 0)
    coef, n_iter, ok = _mlc.lsq_nnls(Xc, Yc, 1000)
    assert ok and 2 < n_iter[0] < 1000
    np.testing.assert_allclose(coef[0], sk.LinearRegression(positive=True).fit(X, y).coef_, rtol=1e-6,
                               atol=1e-9)


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
    Xi = X.copy()
    Xi[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        LinearRegression(positive=True).fit(Xi, y)
    with pytest.raises(ValueError, match="0 feature"):
        LinearRegression(positive=True).fit(X[:, :0], y)
    with pytest.raises(ValueError, match="0 sample"):
        LinearRegression(positive=True).fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="2D array"):
        LinearRegression(positive=True).fit(X[:, 0], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LinearRegression(positive=True).fit(X, y[:-2])
    with pytest.raises(ValueError, match="sample_weight"):
        LinearRegression(positive=True).fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="could not convert|numeric"):
        LinearRegression(positive=True).fit(X.astype(str).astype(object) + "x", y)
    for bad in ("yes", 3, None):
        with pytest.raises(ValueError, match="precompute"):
            Lasso(precompute=bad).fit(X, y)
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
        _mlc.lsq_nnls(X, np.ones((4, 1)), 10)
    with pytest.raises(ValueError):
        _mlc.lsq_nnls(X, np.ones(5), 10)
    with pytest.raises(ValueError):
        _mlc.lsq_nnls(X, np.ones((5, 1)), 0)
    with pytest.raises(ValueError):
        _mlc.lsq_nnls(np.ones((0, 3)), np.ones((0, 1)), 10)
    with pytest.raises(TypeError):
        _mlc.lsq_nnls(X, np.ones((5, 1)))
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


@parametrize_with_checks([LinearRegression(), LinearRegression(positive=True), Ridge(), Ridge(solver="svd"), Lasso(), ElasticNet(),
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
        LinearRegression(positive=True).fit(X, y, sample_weight=sw).predict(X)
        Ridge().fit(X, y, sample_weight=sw).predict(X)
        ElasticNet(alpha=0.01).fit(X, y).predict(X)
        Ridge(positive=True).fit(X, y)
        Lasso(alpha=0.1).fit(Xw, yw)  # the residual form

    Xw, yw = X[:20], y[:20]
    assert_rss_stable(once)


def _ols_path(monkeypatch, X, y, sw=None, **params):
    """LinearRegression fitted, and which path it took: 'cholesky' (normal equations) or 'svd'."""
    calls = []
    real = _mlc.lsq_lstsq
    monkeypatch.setattr(_mlc, "lsq_lstsq", lambda *a: calls.append(1) or real(*a))
    return LinearRegression(**params).fit(X, y, sample_weight=sw), "svd" if calls else "cholesky"


def _ols_close(ours, theirs, X, atol=1e-9):
    _close(ours, theirs, X, atol=atol)
    assert ours.rank_ == theirs.rank_
    r = theirs.rank_
    np.testing.assert_allclose(ours.singular_[:r], theirs.singular_[:r], rtol=1e-8)


def _tall(n=2000, d=20, seed=0, t=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3, d) + rng.normal(size=d) * 5
    W = rng.normal(size=(d, t or 1))
    Y = X @ W + rng.normal(size=(n, t or 1)) + 2.0
    return X, Y[:, 0] if t is None else Y


@pytest.mark.parametrize("name", ["diabetes", "breast_cancer", "generated", "tall"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_linear_regression_normal_equations(monkeypatch, name, fit_intercept, weighted):
    """Well-conditioned X: Cholesky on the normal equations, scikit-learn's answer, singular values and rank."""
    X, y = _tall() if name == "tall" else _data(name)
    sw = np.random.default_rng(3).uniform(0.2, 3.0, len(y)) if weighted else None
    ours, path = _ols_path(monkeypatch, X, y, sw, fit_intercept=fit_intercept)
    assert path == "cholesky"
    _ols_close(ours, sk.LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw), X)


def test_linear_regression_normal_equations_large(monkeypatch):
    X, y = _tall(n=100_000, d=100, seed=1)
    ours, path = _ols_path(monkeypatch, X, y)
    assert path == "cholesky"
    _ols_close(ours, sk.LinearRegression().fit(X, y), X)


@pytest.mark.parametrize("weighted", [False, True])
def test_linear_regression_normal_equations_multi_output(monkeypatch, weighted):
    X, Y = _tall(t=3)
    sw = np.random.default_rng(4).uniform(0.0, 2.0, len(Y)) if weighted else None  # zero weights too
    ours, path = _ols_path(monkeypatch, X, Y, sw)
    assert path == "cholesky"
    _ols_close(ours, sk.LinearRegression().fit(X, Y, sample_weight=sw), X)
    assert ours.coef_.shape == (3, X.shape[1]) and ours.intercept_.shape == (3,)


def test_linear_regression_normal_equations_float32(monkeypatch):
    X, y = _tall()
    X32 = X.astype(np.float32)
    ours, path = _ols_path(monkeypatch, X32, y)
    assert path == "cholesky"
    # float32 data computed in float64: scikit-learn's answer on the same values in float64
    _ols_close(ours, sk.LinearRegression().fit(X32.astype(np.float64), y), X32)
    _close(ours, sk.LinearRegression().fit(X32, y), X32, atol=1e-3)


def _rank_deficient(kind):
    rng = np.random.default_rng(7)
    if kind == "n_lt_d":
        X = rng.normal(size=(30, 50))
    else:
        X = rng.normal(size=(500, 12))
        if kind == "duplicated":
            X = np.column_stack([X, X[:, 3], 2 * X[:, 5] - X[:, 0]])
        elif kind == "constant":
            X[:, 4] = 3.0
        elif kind == "collinear":  # cond ~1e10: far beyond the normal equations, below lstsq's cut
            X = np.column_stack([X, X[:, 1] + 1e-10 * rng.normal(size=len(X))])
        elif kind == "near_cut":  # s_min / s_max ~1e-5: full rank for lstsq, too ill-conditioned for Cholesky
            X = np.column_stack([X, X[:, 1] + 3e-5 * rng.normal(size=len(X))])
    y = X @ rng.normal(size=X.shape[1]) + 0.1 * rng.normal(size=len(X))
    return X, y


@pytest.mark.parametrize("kind", ["duplicated", "constant", "n_lt_d", "collinear", "near_cut"])
@pytest.mark.parametrize("weighted", [False, True])
def test_linear_regression_falls_back_to_svd(monkeypatch, kind, weighted):
    """Rank-deficient or ill-conditioned X: the SVD path and scikit-learn's minimum-norm answer."""
    X, y = _rank_deficient(kind)
    sw = np.random.default_rng(8).uniform(0.2, 3.0, len(y)) if weighted else None
    ours, path = _ols_path(monkeypatch, X, y, sw)
    assert path == "svd"
    theirs = sk.LinearRegression().fit(X, y, sample_weight=sw)
    _ols_close(ours, theirs, X, atol=1e-7)
    Y = np.column_stack([y, -2 * y + 1])
    _ols_close(_ols_path(monkeypatch, X, Y, sw)[0], sk.LinearRegression().fit(X, Y, sample_weight=sw), X,
               atol=1e-7)


def test_linear_regression_tol_moves_the_switch(monkeypatch):
    """A cut at tol s_max above s_min (scikit-learn's tol) drops a singular value: the SVD path."""
    X, y = _tall()
    s = np.linalg.svd(X - X.mean(0), compute_uv=False)
    tol = 0.9 * s[-1] / s[0]
    assert _ols_path(monkeypatch, X, y, tol=tol / 3)[1] == "cholesky"
    ours, path = _ols_path(monkeypatch, X, y, tol=tol)
    assert path == "svd" and ours.rank_ == X.shape[1]
    ours, path = _ols_path(monkeypatch, X, y, tol=1.1 * s[-1] / s[0])
    assert path == "svd" and ours.rank_ == X.shape[1] - 1
    _ols_close(ours, sk.LinearRegression(tol=1.1 * s[-1] / s[0]).fit(X, y), X)
