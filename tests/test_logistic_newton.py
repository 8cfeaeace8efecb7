"""LogisticRegression(solver='newton-cg' | 'newton-cholesky') against scikit-learn's same solver.

Both sides run the same algorithm on the same objective (scikit-learn's truncated Newton-CG and its
NewtonCholeskySolver, csrc/linear/logistic_newton.c), so at a tight tol the coefficients agree to 1e-4
relative to the largest one, the predictions are identical and the Newton iterations are as many.
"""
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import LogisticRegression
from conftest import assert_rss_stable, needs_rss
from test_logistic import load as load_scaled

SOLVERS = ["newton-cg", "newton-cholesky"]


def load(name):
    X, y = load_scaled(name)
    # a third of digits: scikit-learn's newton-cholesky takes seconds on all of it
    return (X[:600], y[:600]) if name == "digits" else (X, y)


def fit_both(X, y, sample_weight=None, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # penalty= is deprecated on both sides
        ours = LogisticRegression(**kw).fit(X, y, sample_weight=sample_weight)
        theirs = SkLogisticRegression(**kw).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def assert_same_fit(ours, theirs, X, rtol=1e-4, iters=True):
    assert ours.coef_.shape == theirs.coef_.shape and ours.intercept_.shape == theirs.intercept_.shape
    scale = max(np.abs(theirs.coef_).max(), np.abs(theirs.intercept_).max())
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=rtol * scale)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    if iters:  # the same algorithm: the same number of Newton steps (+-1 for a tol met at rounding level)
        assert abs(int(ours.n_iter_[0]) - int(theirs.n_iter_[0])) <= 1


# ---- parity with scikit-learn -------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name,C", [("breast_cancer", 1.0), ("breast_cancer", 0.05), ("digits", 0.1),
                                    ("iris", 10.0), ("wine", 1.0), ("generated", 1.0),
                                    ("generated_binary", 0.3)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(solver, name, C, fit_intercept):
    X, y = load(name)
    ours, theirs = fit_both(X, y, C=C, solver=solver, tol=1e-10, max_iter=100, fit_intercept=fit_intercept)
    assert_same_fit(ours, theirs, X)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("tol", [1e-4, 1e-6])
def test_default_tol_stops_where_sklearn_stops(solver, tol):
    for name in ("breast_cancer", "wine"):
        X, y = load(name)
        ours, theirs = fit_both(X, y, solver=solver, tol=tol)
        assert ours.n_iter_[0] == theirs.n_iter_[0]
        assert_same_fit(ours, theirs, X)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", ["breast_cancer", "wine"])
def test_sample_and_class_weights_match_sklearn(solver, name):
    X, y = load(name)
    sw = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    sw[:4] = 0.0
    assert_same_fit(*fit_both(X, y, sw, solver=solver, tol=1e-10), X)
    assert_same_fit(*fit_both(X, y, solver=solver, tol=1e-10, class_weight="balanced"), X)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_no_penalty_multinomial_is_centred_as_sklearn(solver, fit_intercept):
    # without a penalty the softmax's coefficients are defined up to a shift per feature: scikit-learn's
    # newton-cholesky holds the last class at 0 and centres at the end, newton-cg stays centred from 0
    X, y = load("iris")
    ours, theirs = fit_both(X, y, C=np.inf, solver=solver, tol=1e-10, fit_intercept=fit_intercept)
    assert_same_fit(ours, theirs, X, rtol=1e-4)
    if solver == "newton-cholesky":
        np.testing.assert_allclose(ours.coef_.sum(axis=0), 0.0, atol=1e-12 * np.abs(ours.coef_).max())
    ours, theirs = fit_both(X, y, penalty=None, solver=solver, tol=1e-10, fit_intercept=fit_intercept)
    assert_same_fit(ours, theirs, X, rtol=1e-4)


def test_singular_hessian_falls_back_to_lbfgs():
    # duplicated columns without a penalty: the Hessian is singular (scikit-learn: LinAlgWarning, then lbfgs);
    # the coefficients are not unique there but the probabilities are
    X, y = load("breast_cancer")
    X = np.hstack([X[:, :5], X[:, :5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-8, max_iter=200).fit(X, y)
        ref = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-8, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    assert ours.n_iter_[0] > 1


@pytest.mark.parametrize("solver", SOLVERS)
def test_max_iter_warns_and_curves(solver):
    X, y = load("wine")
    with pytest.warns(ConvergenceWarning, match=f"{solver} failed to converge after 2 iterations"):
        m = LogisticRegression(solver=solver, max_iter=2).fit(X, y)
    assert m.n_iter_[0] == 2 and len(m.loss_curve_) == 3
    m = LogisticRegression(solver=solver, tol=1e-10).fit(X, y)
    assert len(m.objective_curve_) == m.n_iter_[0] + 1
    assert np.all(np.diff(m.objective_curve_) <= 1e-15)
    lb = LogisticRegression(tol=1e-10, max_iter=1000).fit(X, y)
    assert m.objective_curve_[-1] == pytest.approx(lb.objective_curve_[-1], rel=1e-10)


@pytest.mark.parametrize("solver", SOLVERS)
def test_threads_do_not_change_the_result(solver):
    for k in (2, 4):
        X, y = datasets.make_classification(n_samples=5000, n_features=40, n_informative=10, n_classes=k,
                                            random_state=1)
        fits = [LogisticRegression(C=0.5, solver=solver, n_jobs=t).fit(X, y) for t in (1, 2)]
        np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
        np.testing.assert_array_equal(fits[0].intercept_, fits[1].intercept_)


# ---- scikit-learn's estimator checks ------------------------------------------------------------------
@parametrize_with_checks([LogisticRegression(solver="newton-cg"), LogisticRegression(solver="newton-cholesky")])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# ---- input handling ---------------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("params,match", [
    ({"l1_ratio": 1.0}, "Solver {solver} supports only 'l2' or None penalties, got l1 penalty"),
    ({"l1_ratio": 0.5}, "Solver {solver} supports only 'l2' or None penalties, got elasticnet penalty"),
    ({"penalty": "l1"}, "Solver {solver} supports only 'l2' or None penalties, got l1 penalty"),
    ({"max_iter": 0}, "max_iter == 0"),
    ({"tol": -1.0}, "tol == -1"),
    ({"C": 0.0}, "C == 0"),
])
def test_bad_input(solver, params, match):
    X, y = load("iris")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(ValueError, match=match.format(solver=solver)):
            LogisticRegression(solver=solver, **params).fit(X, y)


def test_direct_kernel_call_rejects_l1():
    X = np.zeros((10, 3))
    y = np.zeros(10, dtype=np.int32)
    y[::2] = 1
    for solver in SOLVERS:
        code = _mlc.ENUMS["logistic_solver"][solver]
        with pytest.raises(ValueError, match="Newton solvers support only"):
            _mlc.logistic_fit(X, y, None, np.zeros(4), 2, code, _mlc.PENALTY_ELASTICNET, 1.0, 1.0, True, 10, 1e-4)


@needs_rss
def test_no_leak():
    X, y = load("wine")
    X = X[::2]
    y = y[::2]

    def once():
        for solver in SOLVERS:
            LogisticRegression(solver=solver, max_iter=20).fit(X, y).predict_proba(X)
            LogisticRegression(solver=solver, max_iter=20).fit(X, y == 1)
        LogisticRegression(solver="newton-cholesky", C=np.inf, max_iter=5).fit(np.hstack([X, X]), y == 1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert_rss_stable(once)
