"""LogisticRegression(warm_start=True) as scikit-learn's: the previous coef_ and intercept_ are the start
of every solver but 'liblinear' (which ignores warm_start), and a start of the wrong shape is an error."""
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import LogisticRegression

SOLVERS = ["lbfgs", "owlqn", "newton-cg", "newton-cholesky", "sag", "saga"]


def scaled(name):
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", ["breast_cancer", "iris"])
def test_warm_start_continues_from_the_previous_coef(solver, name):
    X, y = scaled(name)
    kw = dict(solver=solver, tol=1e-8, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        short = LogisticRegression(max_iter=3, warm_start=True, **kw).fit(X, y)
        start_coef, start_icpt = short.coef_.copy(), short.intercept_.copy()
        short.set_params(max_iter=1000).fit(X, y)  # continues from the 3-iteration point
        cold = LogisticRegression(max_iter=1000, **kw).fit(X, y)
    # the second fit's curve starts where the first ended
    w = LogisticRegression(max_iter=1, warm_start=True, **kw)
    w.coef_, w.intercept_ = start_coef, start_icpt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w.fit(X, y)
    cold1 = LogisticRegression(max_iter=1, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cold1.fit(X, y)
    assert w.loss_curve_[0] < cold1.loss_curve_[0]
    scale = max(np.abs(cold.coef_).max(), 1.0)
    np.testing.assert_allclose(short.coef_, cold.coef_, rtol=0, atol=1e-4 * scale)
    np.testing.assert_allclose(short.intercept_, cold.intercept_, rtol=0, atol=1e-4 * scale)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky", "sag"])
def test_warm_start_at_the_optimum_stops_at_once_as_sklearn(solver):
    X, y = scaled("breast_cancer")
    ours = LogisticRegression(solver=solver, warm_start=True, tol=1e-6, max_iter=1000, random_state=0).fit(X, y)
    first = int(ours.n_iter_[0])
    ours.fit(X, y)
    theirs = SkLogisticRegression(solver=solver, warm_start=True, tol=1e-6, max_iter=1000, random_state=0).fit(X, y)
    theirs.fit(X, y)
    if solver == "sag":  # its remembered gradients start from zero again (scikit-learn's too): no shortcut
        assert ours.n_iter_[0] <= 1.2 * theirs.n_iter_[0] + 2
    else:
        assert ours.n_iter_[0] <= max(int(theirs.n_iter_[0]), 2) < first


def test_liblinear_ignores_warm_start():
    X, y = scaled("breast_cancer")
    a = LogisticRegression(solver="liblinear", warm_start=True, random_state=0).fit(X, y)
    a.fit(X, y)
    b = LogisticRegression(solver="liblinear", random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.n_iter_, b.n_iter_)


def test_warm_start_off_and_shape_changes():
    X, y = scaled("iris")
    est = LogisticRegression(max_iter=1000).fit(X, y)
    cold = est.coef_.copy()
    est.fit(X, y)  # warm_start=False: the same fit again from zeros
    np.testing.assert_array_equal(est.coef_, cold)
    est.set_params(warm_start=True)
    with pytest.raises(ValueError, match="Initialization coef is of shape"):
        est.fit(X[:, :3], y)  # 3 features now
    with pytest.raises(ValueError, match="Initialization coef is of shape"):
        est.fit(X, y == 0)  # binary now: one logit
    with pytest.raises(ValueError, match="warm_start must be a bool"):
        LogisticRegression(warm_start="yes").fit(X, y)
