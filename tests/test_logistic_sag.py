"""LogisticRegression(solver='sag' | 'saga') against scikit-learn's.

Parity: run to a tight tol, both reach the problem's optimum, so the coefficients agree within 1e-4
(relative to the largest coefficient) with scikit-learn's lbfgs optimum (L2, no penalty) or with its
saga run to the same tight tol (L1, elastic net), and with the same zero pattern. The rows drawn come
from mlc's own generator, so a fit with the same random_state is not scikit-learn's path step for step;
the epochs needed agree closely all the same (checked on the well-conditioned sets).
"""
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import LogisticRegression
from conftest import assert_rss_stable, layouts, needs_rss
from test_logistic import load as load_scaled


def load(name, scale=True):
    """test_logistic's sets (scaled), the raw ones (scale=False), and digits 0-4 vs 5-9."""
    if name == "digits_halves":  # the L1/L2 sparsity gallery example's problem
        X, y = datasets.load_digits(return_X_y=True)
        return StandardScaler().fit_transform(X), (y > 4).astype(int)
    if not scale:
        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        return X.astype(float), y
    return load_scaled(name)


def assert_coef_close(ours, theirs, atol=1e-4):
    scale = max(np.abs(theirs.coef_).max(), np.abs(theirs.intercept_).max(), 1.0)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=atol * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=atol * scale)


def sk_fit(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        return SkLogisticRegression(**kw)


# ---- the optimum ------------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", ["sag", "saga"])
@pytest.mark.parametrize("name,C,scale", [("breast_cancer", 1.0, True), ("wine", 1.0, True), ("iris", 1.0, False),
                                          ("digits", 0.001, True), ("generated", 1.0, True),
                                          ("generated_binary", 0.1, True)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_l2_reaches_the_lbfgs_optimum(solver, name, C, scale, fit_intercept):
    X, y = load(name, scale)
    ref = SkLogisticRegression(C=C, tol=1e-12, max_iter=10000, fit_intercept=fit_intercept).fit(X, y)
    ours = LogisticRegression(C=C, solver=solver, tol=1e-9, max_iter=30000, fit_intercept=fit_intercept,
                              random_state=0).fit(X, y)
    assert_coef_close(ours, ref)
    assert ours.n_iter_.shape == (1,) and ours.n_iter_.dtype == np.int32 and 0 < ours.n_iter_[0] < 30000


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_no_penalty_reaches_the_lbfgs_optimum(solver):
    X, y = load("generated")
    ref = SkLogisticRegression(C=np.inf, tol=1e-12, max_iter=10000).fit(X, y)
    ours = LogisticRegression(C=np.inf, solver=solver, tol=1e-10, max_iter=50000, random_state=0).fit(X, y)
    assert_coef_close(ours, ref)


@pytest.mark.parametrize("name,C,l1_ratio", [
    ("breast_cancer", 0.1, 1.0), ("breast_cancer", 0.1, 0.5), ("wine", 0.1, 1.0), ("wine", 0.1, 0.5),
    ("iris", 0.3, 1.0), ("iris", 0.3, 0.5), ("generated", 0.05, 1.0), ("generated", 0.05, 0.5),
    pytest.param("digits", 0.003, 1.0, marks=pytest.mark.slow)])
def test_saga_l1_and_elasticnet_match_sklearn_saga(name, C, l1_ratio):
    X, y = load(name)
    kw = dict(C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-9, max_iter=20000, random_state=0)
    ref = sk_fit(**kw).fit(X, y)
    ours = LogisticRegression(**kw).fit(X, y)
    assert_coef_close(ours, ref)
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    assert (ours.coef_ == 0).any()


@pytest.mark.parametrize("solver,kw", [("sag", {}), ("saga", {}), ("saga", {"l1_ratio": 1.0, "C": 0.1}),
                                       ("saga", {"l1_ratio": 0.5, "C": 0.1})])
def test_epochs_as_many_as_sklearn(solver, kw):
    """The same algorithm and stopping rule: the epochs scikit-learn needs, within a few."""
    X, y = load("breast_cancer")
    ours = LogisticRegression(solver=solver, tol=1e-8, max_iter=5000, random_state=0, **kw).fit(X, y)
    ref = sk_fit(solver=solver, tol=1e-8, max_iter=5000, random_state=0, **kw).fit(X, y)
    assert abs(int(ours.n_iter_[0]) - int(ref.n_iter_[0])) <= 0.02 * ref.n_iter_[0] + 3


@pytest.mark.parametrize("C", [pytest.param(0.1, marks=pytest.mark.slow), 0.01])
def test_sparsity_gallery_example(C):
    """plot_logistic_l1_l2_sparsity (digits 0-4 vs 5-9, saga, l1_ratio 1 / 0 / 0.5) run to convergence:
    the same sparsity percentages and scores as scikit-learn."""
    X, y = load("digits_halves")
    for l1_ratio in (1, 0, 0.5):
        kw = dict(C=C, l1_ratio=l1_ratio, tol=1e-6, solver="saga", random_state=0, max_iter=10000)
        ours, ref = LogisticRegression(**kw).fit(X, y), sk_fit(**kw).fit(X, y)
        assert f"{np.mean(ours.coef_ == 0) * 100:.2f}" == f"{np.mean(ref.coef_ == 0) * 100:.2f}"
        assert f"{ours.score(X, y):.4f}" == f"{ref.score(X, y):.4f}"


def test_sparsity_gallery_example_as_written():
    """The example's own tol=0.01 (a loose stop, so the figures move a little with the rows drawn, on
    scikit-learn's side too): at C=0.01 the sparsities are the same, and every score within 0.005."""
    X, y = load("digits_halves")
    for C in (1, 0.1, 0.01):
        for l1_ratio in (1, 0, 0.5):
            np.random.seed(0)
            ours = LogisticRegression(C=C, l1_ratio=l1_ratio, tol=0.01, solver="saga").fit(X, y)
            np.random.seed(0)
            ref = SkLogisticRegression(C=C, l1_ratio=l1_ratio, tol=0.01, solver="saga").fit(X, y)
            assert abs(ours.score(X, y) - ref.score(X, y)) < 0.005
            if C == 0.01 or l1_ratio == 0:
                assert np.mean(ours.coef_ == 0) == np.mean(ref.coef_ == 0)


# ---- weights, options ------------------------------------------------------------------------------
@pytest.mark.parametrize("solver,l1_ratio", [("sag", 0.0), ("saga", 0.0), ("saga", 1.0)])
def test_sample_weight_and_class_weight(solver, l1_ratio):
    X, y = load("wine")
    sw = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    kw = dict(C=0.5, l1_ratio=l1_ratio, tol=1e-10, max_iter=20000, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    ref = sk_fit(solver="saga" if l1_ratio else "lbfgs", random_state=0, **kw).fit(X, y, sample_weight=sw)
    ours = LogisticRegression(solver=solver, random_state=0, **kw).fit(X, y, sample_weight=sw)
    assert_coef_close(ours, ref)
    # a weight of 2 is the row twice
    twice = np.r_[np.arange(len(y)), np.arange(0, len(y), 3)]
    sw2 = np.ones(len(y))
    sw2[::3] = 2.0
    a = LogisticRegression(solver=solver, random_state=0, **kw).fit(X, y, sample_weight=sw2)
    b = LogisticRegression(solver=solver, random_state=0, **kw).fit(X[twice], y[twice])
    assert_coef_close(a, b)


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_seed_layouts_and_curves(solver):
    X, y = load("iris")
    kw = dict(solver=solver, tol=1e-3, max_iter=200)
    a = LogisticRegression(random_state=3, **kw).fit(X, y)
    for layout, Xl in layouts(X).items():
        b = LogisticRegression(random_state=3, **kw).fit(Xl, y)
        np.testing.assert_array_equal(a.coef_, b.coef_, err_msg=layout)
        np.testing.assert_array_equal(a.intercept_, b.intercept_, err_msg=layout)
    c = LogisticRegression(random_state=4, **kw).fit(X, y)
    assert not np.array_equal(a.coef_, c.coef_)
    np.random.seed(7)
    d = LogisticRegression(**kw).fit(X, y)
    np.random.seed(7)
    e = LogisticRegression(**kw).fit(X, y)
    np.testing.assert_array_equal(d.coef_, e.coef_)
    f32 = LogisticRegression(random_state=3, **kw).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(f32.coef_, a.coef_, atol=1e-4 * np.abs(a.coef_).max())
    # the curves hold the start and the end; the end is scikit-learn's objective / (C n)
    assert len(a.loss_curve_) == len(a.objective_curve_) == 2
    assert a.loss_curve_[0] == pytest.approx(np.log(3))
    logp = a.predict_log_proba(X)[np.arange(len(y)), y]
    assert a.loss_curve_[-1] == pytest.approx(-logp.mean(), rel=1e-10)
    pen = 0.5 * (a.coef_ ** 2).sum() / len(y)
    assert a.objective_curve_[-1] == pytest.approx(-logp.mean() + pen, rel=1e-10)


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_max_iter_warns_as_sklearn(solver):
    X, y = load("digits")
    with pytest.warns(ConvergenceWarning, match="The max_iter was reached which means the coef_ did not converge"):
        m = LogisticRegression(solver=solver, max_iter=2, random_state=0).fit(X, y)
    assert m.n_iter_[0] == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LogisticRegression(solver=solver, tol=1e-2, max_iter=1000, random_state=0).fit(*load("wine"))
    assert m.n_iter_[0] < 1000


# ---- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("params,match,sklearn_too", [
    ({"solver": "sag", "l1_ratio": 1.0}, "Solver sag supports only 'l2' or None penalties, got l1 penalty.", True),
    ({"solver": "sag", "l1_ratio": 0.5}, "Solver sag supports only 'l2' or None penalties, got elasticnet penalty.",
     True),
    ({"solver": "sag", "penalty": "l1"}, "Solver sag supports only 'l2' or None penalties, got l1 penalty.", True),
    ({"solver": "saga", "l1_ratio": 1.5}, "l1_ratio == 1.5", False),
    ({"solver": "saga", "max_iter": 0}, "max_iter == 0", False),
    ({"solver": "sag", "tol": -1.0}, "tol == -1", False),
    ({"solver": "saga", "C": 0.0}, "C == 0", False),
    ({"solver": "sagaa"}, "solver must be one of", False),
])
def test_bad_params(params, match, sklearn_too):
    X, y = load("iris")
    match = match.replace("(", r"\(").replace(".", r"\.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(ValueError, match=match):
            LogisticRegression(**params).fit(X, y)
        if sklearn_too:
            with pytest.raises(ValueError, match=match):
                sk_fit(**params).fit(X, y)


@pytest.mark.parametrize("solver", ["sag", "saga"])
@pytest.mark.parametrize("bad", ["nan", "inf", "empty", "ndim", "strings", "mismatch"])
def test_bad_input(solver, bad):
    X, y = load("iris")
    if bad in ("nan", "inf"):
        X = X.copy()
        X[2, 1] = np.nan if bad == "nan" else np.inf
    elif bad == "empty":
        X, y = X[:0], y[:0]
    elif bad == "ndim":
        X = X[:, 0]
    elif bad == "strings":
        X = X.astype(str).astype(object)
        X[0, 0] = "a"
    else:
        y = y[:-1]
    with pytest.raises(ValueError):
        LogisticRegression(solver=solver).fit(X, y)


def test_sag_on_all_zero_data_without_intercept_raises_as_sklearn():
    X = np.zeros((6, 2))
    y = np.array([0, 1] * 3)
    match = "Current sag implementation does not handle the case step_size \\* alpha_scaled == 1"
    with pytest.raises(ZeroDivisionError, match=match):
        LogisticRegression(solver="sag", fit_intercept=False).fit(X, y)
    with pytest.raises(ZeroDivisionError, match=match):
        SkLogisticRegression(solver="sag", fit_intercept=False).fit(X, y)
    m = LogisticRegression(solver="saga", fit_intercept=False).fit(X, y)  # SAGA's step is 1 / (3 alpha)
    assert not m.coef_.any()


def test_direct_kernel_call_rejects_sag_with_l1():
    X, y = load("iris")
    P = 3 * 4 + 3
    with pytest.raises(ValueError, match="Solver sag supports only"):
        _mlc.logistic_fit(X, y.astype(np.int32), None, np.zeros(P), 3, _mlc.ENUMS["logistic_solver"]["sag"],
                          _mlc.PENALTY_L1, 1.0, 1.0, True, 10, 1e-4)


# ---- scikit-learn's estimator checks, leaks ---------------------------------------------------------
def _expected_failures(estimator):
    # scikit-learn's step size ignores the sample weights, so SAG with weights up to 4 on this check's
    # unscaled data oscillates instead of converging: scikit-learn's own sag fails the check the same way
    # (0.05 from the optimum after 10000 epochs); SAGA's smaller step converges
    # on sparse data both damp the intercept's steps by 0.01 (scikit-learn's SPARSE_INTERCEPT_DECAY), whose
    # slow convergence keeps weighted and repeated samples apart by more than the check's 1e-7
    sparse = {"check_sample_weight_equivalence_on_sparse_data": "the intercept's damped steps on sparse data"}
    if estimator.solver == "sag":
        return {"check_sample_weight_equivalence_on_dense_data": "scikit-learn's sag step size ignores sample_weight",
                **sparse}
    return sparse


@parametrize_with_checks([LogisticRegression(solver="sag", tol=1e-10, max_iter=10000),
                          LogisticRegression(solver="saga", l1_ratio=0.5, tol=1e-10, max_iter=10000)],
                         expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@needs_rss
def test_no_leak():
    X, y = load("iris")
    X, y = X[::3], y[::3]

    def once():
        LogisticRegression(solver="sag", max_iter=5, random_state=0).fit(X, y).predict_proba(X)
        LogisticRegression(solver="saga", l1_ratio=1.0, max_iter=5, random_state=0).fit(X, y == 1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert_rss_stable(once)
