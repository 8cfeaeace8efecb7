"""LogisticRegression against scikit-learn's, and the optimizers against L-BFGS's optimum.

Parity: both sides solve the same convex problem to a tight tolerance, so the coefficients agree to
1e-4 relative (to the largest coefficient); for L1 the zero pattern is the same too (scikit-learn's
saga, which unlike liblinear does not penalise the intercept). Each first-order solver is run long
enough on a well-conditioned problem to reach the L-BFGS optimum's objective within 1e-4 relative.
"""
import pickle
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


def load(name):
    if name == "generated":
        X, y = datasets.make_classification(n_samples=400, n_features=12, n_informative=6, n_classes=3,
                                            n_clusters_per_class=1, flip_y=0.05, random_state=0)
    elif name == "generated_binary":
        X, y = datasets.make_classification(n_samples=300, n_features=5, n_informative=3, n_redundant=0,
                                            flip_y=0.1, random_state=0)
    else:
        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def sk_objective(model, X, y, C, penalty="l2", l1_ratio=None, sample_weight=None):
    """scikit-learn's objective, from the model's own predict_log_proba."""
    logp = model.predict_log_proba(X)[np.arange(len(y)), np.searchsorted(model.classes_, y)]
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    W = model.coef_
    pen = {"l2": 0.5 * (W ** 2).sum(), "l1": np.abs(W).sum(), None: 0.0}.get(penalty)
    if penalty == "elasticnet":
        pen = 0.5 * (1 - l1_ratio) * (W ** 2).sum() + l1_ratio * np.abs(W).sum()
    return -C * (sw * logp).sum() + pen


def assert_coef_close(ours, theirs, rtol=1e-4):
    scale = max(np.abs(theirs.coef_).max(), np.abs(theirs.intercept_).max())
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=rtol * scale)


# ---- parity with scikit-learn -------------------------------------------------------------------
@pytest.mark.parametrize("name,C", [("breast_cancer", 1.0), ("breast_cancer", 0.05), ("digits", 0.1),
                                    ("generated", 1.0), ("iris", 10.0)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lbfgs_l2_matches_sklearn(name, C, fit_intercept):
    X, y = load(name)
    ours = LogisticRegression(C=C, tol=1e-10, max_iter=5000, fit_intercept=fit_intercept).fit(X, y)
    theirs = SkLogisticRegression(C=C, tol=1e-10, max_iter=10000, fit_intercept=fit_intercept).fit(X, y)
    assert ours.coef_.shape == theirs.coef_.shape and ours.intercept_.shape == theirs.intercept_.shape
    assert_coef_close(ours, theirs)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X),
                               atol=1e-4 * np.abs(theirs.decision_function(X)).max())
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y))
    np.testing.assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X), atol=1e-4)


def test_no_penalty_and_weights_match_sklearn():
    X, y = load("generated")
    sw = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    kw = dict(tol=1e-10, max_iter=5000)
    for ours, theirs, fit_kw in [
        (LogisticRegression(C=0.5, class_weight="balanced", **kw),
         SkLogisticRegression(C=0.5, class_weight="balanced", **kw), {}),
        (LogisticRegression(C=0.5, class_weight={0: 2.0, 2: 0.5}, **kw),
         SkLogisticRegression(C=0.5, class_weight={0: 2.0, 2: 0.5}, **kw), {}),
        (LogisticRegression(C=2.0, **kw), SkLogisticRegression(C=2.0, **kw), {"sample_weight": sw}),
    ]:
        assert_coef_close(ours.fit(X, y, **fit_kw), theirs.fit(X, y, **fit_kw))
    Xb, yb = load("breast_cancer")
    Xb = Xb[:, :5]  # separable data has no unpenalised optimum; 5 features are not separable
    ours = LogisticRegression(penalty=None, **kw).fit(Xb, yb)
    theirs = SkLogisticRegression(C=np.inf, **kw).fit(Xb, yb)
    assert_coef_close(ours, theirs)


@pytest.mark.parametrize("name,C", [("breast_cancer", 0.1), ("generated", 0.05), ("generated_binary", 0.1)])
def test_owlqn_l1_matches_sklearn_saga(name, C):
    X, y = load(name)
    ours = LogisticRegression(penalty="l1", solver="owlqn", C=C, tol=1e-10, max_iter=10000).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        theirs = SkLogisticRegression(l1_ratio=1.0, solver="saga", C=C, tol=1e-12, max_iter=200000).fit(X, y)
    assert_coef_close(ours, theirs)
    np.testing.assert_array_equal(ours.coef_ == 0, np.abs(theirs.coef_) < 1e-8)
    assert (ours.coef_ == 0).any() and (ours.coef_ != 0).any()
    assert sk_objective(ours, X, y, C, "l1") <= sk_objective(theirs, X, y, C, "l1") * (1 + 1e-9)


def test_owlqn_elasticnet_and_l2():
    X, y = load("generated")
    ours = LogisticRegression(penalty="elasticnet", l1_ratio=0.5, solver="owlqn", C=0.1, tol=1e-10,
                              max_iter=10000).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        theirs = SkLogisticRegression(l1_ratio=0.5, solver="saga", C=0.1, tol=1e-12, max_iter=200000).fit(X, y)
    assert_coef_close(ours, theirs)
    assert (ours.coef_ == 0).any()
    l2 = LogisticRegression(solver="owlqn", C=0.3, tol=1e-10, max_iter=5000).fit(X, y)
    ref = LogisticRegression(C=0.3, tol=1e-10, max_iter=5000).fit(X, y)
    assert_coef_close(l2, ref)


# ---- the first-order solvers reach the optimum ------------------------------------------------------
FIRST_ORDER = [
    ("gd", dict(max_iter=500)),
    ("momentum", dict(max_iter=500)),
    ("nesterov", dict(max_iter=500)),
    ("adagrad", dict(max_iter=500, learning_rate=1.0)),
    ("adam", dict(max_iter=1000, learning_rate=0.05)),
    ("sgd", dict(max_iter=300, learning_rate=0.1, lr_schedule="exponential", lr_decay=0.97)),
    ("sgd", dict(max_iter=300, learning_rate=0.5, lr_schedule="invscaling", power_t=1.0)),
    ("sgd", dict(max_iter=300, batch_size=16, learning_rate=0.5, lr_schedule="exponential", lr_decay=0.97)),
    ("momentum", dict(max_iter=300, batch_size=16, learning_rate=0.05, lr_schedule="exponential", lr_decay=0.97)),
    ("nesterov", dict(max_iter=300, batch_size=16, learning_rate=0.05, lr_schedule="step", lr_decay=0.5,
                      lr_step_size=30)),
    ("adagrad", dict(max_iter=300, batch_size=16, learning_rate=0.5, lr_schedule="exponential", lr_decay=0.97)),
    ("adam", dict(max_iter=300, batch_size=16, learning_rate=0.05, lr_schedule="exponential", lr_decay=0.97)),
]


@pytest.mark.parametrize("name", ["generated_binary", "generated"])
@pytest.mark.parametrize("solver,kw", FIRST_ORDER)
def test_first_order_solvers_reach_the_lbfgs_optimum(name, solver, kw):
    X, y = load(name)
    C = 0.1
    best = sk_objective(LogisticRegression(C=C, tol=1e-10, max_iter=1000).fit(X, y), X, y, C)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(C=C, solver=solver, tol=0, n_iter_no_change=10**6, random_state=0, **kw).fit(X, y)
    f = sk_objective(m, X, y, C)
    assert abs(f - best) <= 1e-4 * best, (f, best)
    # objective_curve_ is the scaled objective: its last entry times C * n is scikit-learn's
    assert m.objective_curve_[-1] * C * len(y) == pytest.approx(f, rel=1e-9)


def test_gd_loss_curve_decreases_and_warns():
    X, y = load("breast_cancer")
    with pytest.warns(ConvergenceWarning, match="failed to converge"):
        m = LogisticRegression(solver="gd", max_iter=50).fit(X, y)
    assert len(m.loss_curve_) == 51 and m.n_iter_[0] == 50  # the start, then after each step
    assert np.all(np.diff(m.objective_curve_) < 0)
    assert np.all(np.diff(m.loss_curve_) < 0)
    assert m.objective_curve_[0] == m.loss_curve_[0] and np.all(m.objective_curve_[1:] > m.loss_curve_[1:])
    with pytest.warns(ConvergenceWarning):
        LogisticRegression(max_iter=2).fit(X, y)


def test_curves_and_reproducibility():
    X, y = load("generated")
    m = LogisticRegression(tol=1e-8, max_iter=1000).fit(X, y)
    assert len(m.loss_curve_) == m.n_iter_[0] + 1
    assert np.all(np.diff(m.objective_curve_) <= 0)
    kw = dict(solver="sgd", batch_size=8, max_iter=20, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a, b = LogisticRegression(**kw).fit(X, y), LogisticRegression(**kw).fit(X, y)
        c = LogisticRegression(**{**kw, "random_state": 4}).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coef_, c.coef_)


def test_threads_do_not_change_the_result():
    X, y = datasets.make_classification(n_samples=5000, n_features=40, n_informative=10, n_classes=4,
                                        random_state=1)
    fits = [LogisticRegression(C=0.5, n_jobs=t).fit(X, y) for t in (1, 2)]
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)


def test_loss_grad_kernel_matches_finite_differences():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 7))
    for k in (2, 4):
        y = rng.integers(0, k, 300).astype(np.int32)
        sw = rng.uniform(0.5, 2.0, 300)
        P = (1 if k == 2 else k) * 8
        w = rng.normal(size=P)
        loss, grad = _mlc.logistic_loss_grad(X, y, w, k, True, sample_weight=sw)
        eps = 1e-6
        fd = np.array([(_mlc.logistic_loss_grad(X, y, w + eps * e, k, True, sample_weight=sw)[0] -
                        _mlc.logistic_loss_grad(X, y, w - eps * e, k, True, sample_weight=sw)[0]) / (2 * eps)
                       for e in np.eye(P)])
        np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-8)


# ---- scikit-learn's estimator checks ------------------------------------------------------------------
@parametrize_with_checks([LogisticRegression(), LogisticRegression(penalty="l1", solver="owlqn", tol=1e-10, max_iter=5000),
                          LogisticRegression(solver="adam", max_iter=50)],
                         expected_failed_checks=lambda est: (
                             {"check_sample_weight_equivalence_on_dense_data":
                              "OWL-QN stops where F is flat to machine precision; on this tiny, nearly "
                              "degenerate problem the weighted and repeated fits then differ by ~1e-5, "
                              "more than the check's 1e-7"} if est.solver == "owlqn" else {}))
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# ---- input handling ---------------------------------------------------------------------------
def test_string_labels_and_layouts():
    X, y = load("iris")
    labels = np.array(["setosa", "versicolor", "virginica"])
    names = labels[y]
    ref = LogisticRegression(tol=1e-8, max_iter=1000).fit(X, y)
    for layout, Xl in layouts(X).items():
        m = LogisticRegression(tol=1e-8, max_iter=1000).fit(Xl, names)
        assert m.classes_.tolist() == ["setosa", "versicolor", "virginica"], layout
        np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(m.predict(Xl), labels[ref.predict(X)])
    m32 = LogisticRegression(tol=1e-8, max_iter=1000).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(m32.coef_, ref.coef_, atol=1e-4 * np.abs(ref.coef_).max())


def test_pickle():
    X, y = load("generated")
    m = LogisticRegression(C=0.3).fit(X, y)
    m2 = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(m.predict_proba(X), m2.predict_proba(X))
    assert m2.get_params() == m.get_params()


@pytest.mark.parametrize("params,fit_args,match", [
    ({}, "single_class", "only one class"),
    ({"C": 0.0}, None, "C == 0"),
    ({"C": -1.0}, None, "C == -1"),
    ({"solver": "newton"}, None, "solver must be one of"),
    ({"penalty": "l3"}, None, "penalty must be one of"),
    ({"penalty": "l1"}, None, "lbfgs supports only 'l2' or None"),
    ({"penalty": "elasticnet", "solver": "lbfgs", "l1_ratio": 0.5}, None, "lbfgs supports only"),
    ({"penalty": "l1", "solver": "adam"}, None, "adam supports only"),
    ({"penalty": "elasticnet", "solver": "owlqn"}, None, "l1_ratio must be specified"),
    ({"penalty": "elasticnet", "solver": "owlqn", "l1_ratio": 1.5}, None, "l1_ratio == 1.5"),
    ({"max_iter": 0}, None, "max_iter == 0"),
    ({"tol": -1.0}, None, "tol == -1"),
    ({"solver": "sgd", "batch_size": 0}, None, "batch_size == 0"),
    ({"solver": "gd", "learning_rate": -0.1}, None, "learning_rate == -0.1"),
    ({"lr_schedule": "cosine"}, None, "lr_schedule must be one of"),
    ({"class_weight": "unbalanced"}, None, "class_weight must be"),
    ({}, "nan", "NaN"),
    ({}, "mismatch", "inconsistent numbers of samples"),
])
def test_bad_input(params, fit_args, match):
    X, y = load("iris")
    if fit_args == "single_class":
        y = np.zeros(len(y))
    elif fit_args == "nan":
        X = X.copy()
        X[3, 1] = np.nan
    elif fit_args == "mismatch":
        y = y[:-1]
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**params).fit(X, y)


def test_direct_kernel_calls_with_bad_shapes_raise():
    X = np.zeros((10, 3))
    y = np.zeros(10, dtype=np.int32)
    y[::2] = 1
    with pytest.raises(ValueError, match="w0"):
        _mlc.logistic_fit(X, y, None, np.zeros(7), 2, 0, 1, 1.0, 0.0, True, 10, 1e-4)
    with pytest.raises(ValueError, match="y"):
        _mlc.logistic_fit(X, y[:5], None, np.zeros(4), 2, 0, 1, 1.0, 0.0, True, 10, 1e-4)
    with pytest.raises(ValueError, match="X"):
        _mlc.logistic_fit(X[0], y, None, np.zeros(4), 2, 0, 1, 1.0, 0.0, True, 10, 1e-4)
    with pytest.raises(ValueError, match="class codes"):
        _mlc.logistic_fit(X, y + 5, None, np.zeros(4), 2, 0, 1, 1.0, 0.0, True, 10, 1e-4)
    with pytest.raises(ValueError, match="sample_weight"):
        _mlc.logistic_fit(X, y, np.ones(3), np.zeros(4), 2, 0, 1, 1.0, 0.0, True, 10, 1e-4)
    with pytest.raises(ValueError, match="owlqn"):
        _mlc.logistic_fit(X, y, None, np.zeros(4), 2, 0, 2, 1.0, 0.0, True, 10, 1e-4)
    with pytest.raises(ValueError, match="C must be"):
        _mlc.logistic_fit(X, y, None, np.zeros(4), 2, 0, 1, -1.0, 0.0, True, 10, 1e-4)
    with pytest.raises(ValueError, match="n_classes"):
        _mlc.logistic_loss_grad(X, y, np.zeros(4), 1, True)
    with pytest.raises(ValueError, match="w"):
        _mlc.logistic_loss_grad(X, y, np.zeros(3), 2, True)


@needs_rss
def test_no_leak():
    X, y = load("iris")
    X = X[::3]
    y = y[::3]

    def once():
        m = LogisticRegression(max_iter=20).fit(X, y)
        m.predict_proba(X)
        try:
            _mlc.logistic_fit(X, y.astype(np.int32), None, np.zeros(5), 3, 0, 1, 1.0, 0.0, True, 10, 1e-4)
        except ValueError:
            pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert_rss_stable(once)
