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
    ours = LogisticRegression(C=np.inf, **kw).fit(Xb, yb)
    theirs = SkLogisticRegression(C=np.inf, **kw).fit(Xb, yb)
    assert_coef_close(ours, theirs)
    with pytest.warns(FutureWarning, match="'penalty' was deprecated"):
        old = LogisticRegression(penalty=None, **kw).fit(Xb, yb)
    np.testing.assert_array_equal(old.coef_, ours.coef_)


@pytest.mark.parametrize("name,C", [("breast_cancer", 0.1), ("generated", 0.05), ("generated_binary", 0.1)])
def test_owlqn_l1_matches_sklearn_saga(name, C):
    X, y = load(name)
    ours = LogisticRegression(l1_ratio=1.0, solver="owlqn", C=C, tol=1e-10, max_iter=10000).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        theirs = SkLogisticRegression(l1_ratio=1.0, solver="saga", C=C, tol=1e-12, max_iter=200000).fit(X, y)
    assert_coef_close(ours, theirs)
    np.testing.assert_array_equal(ours.coef_ == 0, np.abs(theirs.coef_) < 1e-8)
    assert (ours.coef_ == 0).any() and (ours.coef_ != 0).any()
    assert sk_objective(ours, X, y, C, "l1") <= sk_objective(theirs, X, y, C, "l1") * (1 + 1e-9)


def test_owlqn_elasticnet_and_l2():
    X, y = load("generated")
    ours = LogisticRegression(l1_ratio=0.5, solver="owlqn", C=0.1, tol=1e-10, max_iter=10000).fit(X, y)
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


# Proximal L1 (mlc_optim_prox_l1): each first-order solver reaches OWL-QN's optimum of the L1 problem on
# breast_cancer, where C = 0.05 zeroes 25 of 30 coefficients. Full batches land on exact zeros; on
# mini-batches the gradient noise keeps the zero coefficients within O(lr * noise) of 0, so there the
# pattern is checked up to 1e-3 of the largest coefficient.
PROX = [
    ("gd", dict(learning_rate=3.0, max_iter=3000)),
    ("momentum", dict(max_iter=1500)),
    ("nesterov", dict(max_iter=1000)),
    ("adagrad", dict(learning_rate=1.0, max_iter=2000)),
    ("adam", dict(learning_rate=0.5, lr_schedule="exponential", lr_decay=0.995, max_iter=2000)),
    ("sgd", dict(batch_size=32, learning_rate=0.5, lr_schedule="exponential", lr_decay=0.995, max_iter=1000)),
    ("momentum", dict(batch_size=32, learning_rate=0.05, lr_schedule="exponential", lr_decay=0.995,
                      max_iter=1000)),
    ("nesterov", dict(batch_size=32, learning_rate=0.05, lr_schedule="exponential", lr_decay=0.995,
                      max_iter=1000)),
    ("adagrad", dict(batch_size=32, learning_rate=1.0, lr_schedule="exponential", lr_decay=0.995, max_iter=1000)),
    ("adam", dict(batch_size=32, learning_rate=0.05, lr_schedule="exponential", lr_decay=0.99, max_iter=600)),
]


@pytest.fixture(scope="module")
def owlqn_l1_breast_cancer():
    X, y = load("breast_cancer")
    C = 0.05
    ref = LogisticRegression(l1_ratio=1.0, solver="owlqn", C=C, tol=1e-10, max_iter=10000).fit(X, y)
    assert 20 <= (ref.coef_ == 0).sum() < ref.coef_.size
    return X, y, C, ref


@pytest.mark.parametrize("solver,kw", PROX)
def test_proximal_first_order_solvers_reach_the_owlqn_optimum(owlqn_l1_breast_cancer, solver, kw):
    X, y, C, ref = owlqn_l1_breast_cancer
    best = sk_objective(ref, X, y, C, "l1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(l1_ratio=1.0, C=C, solver=solver, tol=0, n_iter_no_change=10**6, random_state=0,
                               **kw).fit(X, y)
    f = sk_objective(m, X, y, C, "l1")
    assert abs(f - best) <= 1e-4 * best, (f, best)
    zero = ref.coef_ == 0
    assert np.all(m.coef_[~zero] != 0) and m.intercept_[0] != 0
    if kw.get("batch_size") is None:
        np.testing.assert_array_equal(m.coef_ == 0, zero)
    else:
        assert np.abs(m.coef_[zero]).max() <= 1e-3 * np.abs(m.coef_).max()
    assert m.objective_curve_[-1] * C * len(y) == pytest.approx(f, rel=1e-9)


def test_proximal_elasticnet_multinomial():
    X, y = load("generated")
    C = 0.05
    ref = LogisticRegression(l1_ratio=0.5, solver="owlqn", C=C, tol=1e-10, max_iter=10000).fit(X, y)
    best = sk_objective(ref, X, y, C, "elasticnet", 0.5)
    assert (ref.coef_ == 0).any()
    for solver in ("nesterov", "adagrad"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m = LogisticRegression(l1_ratio=0.5, C=C, solver=solver, tol=1e-9, max_iter=3000,
                                   learning_rate="auto" if solver == "nesterov" else 1.0).fit(X, y)
        assert abs(sk_objective(m, X, y, C, "elasticnet", 0.5) - best) <= 1e-6 * best, solver
        np.testing.assert_array_equal(m.coef_ == 0, ref.coef_ == 0)


# ---- l1_ratio / C replace penalty (scikit-learn 1.8); penalty= still works and warns as 1.9 does -----
@pytest.mark.parametrize("params", [
    {}, {"l1_ratio": 0.0}, {"C": np.inf}, {"C": np.inf, "l1_ratio": 0.5}, {"l1_ratio": None},
    {"penalty": "l2"}, {"penalty": None}, {"penalty": None, "C": 2.0}, {"penalty": "l2", "l1_ratio": 0.5},
    {"penalty": "l2", "l1_ratio": None}, {"penalty": None, "l1_ratio": 0.5},
    {"penalty": "l1", "solver": "owlqn"}, {"penalty": "l1", "l1_ratio": 1.0, "solver": "owlqn"},
    {"l1_ratio": 1.0, "solver": "owlqn"}, {"l1_ratio": 0.3, "solver": "owlqn"},
    {"penalty": "elasticnet", "l1_ratio": 0.3, "solver": "owlqn"},
])
def test_penalty_api_warns_and_fits_as_sklearn(params):
    X, y = load("generated")  # not separable: C = inf has an optimum
    sk_params = {**params, "solver": "saga"} if params.get("solver") == "owlqn" else params

    def fit(cls, p):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            m = cls(**p, tol=1e-10, max_iter=20000).fit(X, y)
        return m, sorted((w.category.__name__, str(w.message)) for w in rec
                         if not issubclass(w.category, (ConvergenceWarning, SkConvergenceWarning)))

    ours, our_warnings = fit(LogisticRegression, params)
    theirs, their_warnings = fit(SkLogisticRegression, sk_params)
    assert our_warnings == their_warnings
    assert_coef_close(ours, theirs, rtol=1e-4 if sk_params.get("solver") == "saga" else 1e-5)


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


@pytest.mark.parametrize("weighted", [False, True])
def test_multinomial_loss_grad_at_every_cpu_level_matches_numpy(weighted):
    # the softmax block (class by class across the rows of the transposed logits) is dispatched per level
    rng = np.random.default_rng(4)
    n, d, k = 1031, 13, 5
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, n).astype(np.int32)
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    w = rng.normal(size=k * d + k)
    W, b = w[:k * d].reshape(k, d), w[k * d:]
    T = X @ W.T + b
    s = (np.ones(n) if sw is None else sw) / (n if sw is None else sw.sum())
    lse = np.logaddexp.reduce(T, axis=1)
    ref_loss = (s * (lse - T[np.arange(n), y])).sum()
    R = s[:, None] * (np.exp(T - lse[:, None]) - np.eye(k)[y])
    ref_grad = np.concatenate([(R.T @ X).ravel(), R.sum(axis=0)])
    before = _mlc.cpu_level()
    try:
        for level in [name for name, ok in _mlc.cpu_levels().items() if ok]:
            _mlc._set_cpu_level(level)
            loss, grad = _mlc.logistic_loss_grad(X, y, w, k, True, sample_weight=sw)
            np.testing.assert_allclose(loss, ref_loss, rtol=1e-13, err_msg=level)
            np.testing.assert_allclose(grad, ref_grad, rtol=1e-11, atol=1e-15, err_msg=level)
    finally:
        _mlc._set_cpu_level(before)


@pytest.mark.parametrize("weighted", [False, True])
def test_binary_loss_grad_at_every_cpu_level_matches_numpy(weighted):
    # the binary block (rows by fours, then a tail; logits, loss, residuals, gradient in one pass) is
    # dispatched per CPU level: every level against a plain NumPy reference
    rng = np.random.default_rng(3)
    n, d = 1031, 13  # more than one block of 256 rows, tails of rows and of features
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, n).astype(np.int32)
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    w = rng.normal(size=d + 1)
    t = X @ w[:d] + w[d]
    s = (np.ones(n) if sw is None else sw) / (n if sw is None else sw.sum())
    ref_loss = (s * (np.logaddexp(0, t) - y * t)).sum()
    r = s * (1 / (1 + np.exp(-t)) - y)
    ref_grad = np.append(X.T @ r, r.sum())
    before = _mlc.cpu_level()
    try:
        for level in [name for name, ok in _mlc.cpu_levels().items() if ok]:
            _mlc._set_cpu_level(level)
            loss, grad = _mlc.logistic_loss_grad(X, y, w, 2, True, sample_weight=sw)
            np.testing.assert_allclose(loss, ref_loss, rtol=1e-13, err_msg=level)
            np.testing.assert_allclose(grad, ref_grad, rtol=1e-11, atol=1e-15, err_msg=level)
    finally:
        _mlc._set_cpu_level(before)


# ---- the More-Thuente line search (optim.c), on the test functions of More & Thuente (1994) ------------
def _mt_phi1(w, beta=2.0):  # minimiser sqrt(beta)
    a = w[0]
    return -a / (a * a + beta), np.array([(a * a - beta) / (a * a + beta) ** 2])


def _mt_phi2(w, beta=0.004):  # minimiser 1.6 - beta
    a = w[0] + beta
    return a ** 5 - 2 * a ** 4, np.array([5 * a ** 4 - 8 * a ** 3])


def _mt_phi3(w, beta=0.01, ell=39):  # wiggly, minimiser near 1
    a = w[0]
    if a <= 1 - beta:
        p, dp = 1 - a, -1.0
    elif a >= 1 + beta:
        p, dp = a - 1, 1.0
    else:
        p, dp = (a - 1) ** 2 / (2 * beta) + beta / 2, (a - 1) / beta
    return (p + 2 * (1 - beta) / (ell * np.pi) * np.sin(ell * np.pi * a / 2),
            np.array([dp + (1 - beta) * np.cos(ell * np.pi * a / 2)]))


# (function, ftol, gtol, evaluations the paper's tables 1-3 report for steps 1e-3, 1e-1, 1e1, 1e3)
MT_CASES = [(_mt_phi1, 1e-3, 0.1, [6, 3, 1, 4]), (_mt_phi2, 0.1, 0.1, [12, 8, 8, 11]),
            (_mt_phi3, 0.1, 0.1, [12, 12, 10, 13])]


@pytest.mark.parametrize("case", range(3))
@pytest.mark.parametrize("i,step0", enumerate([1e-3, 1e-1, 1e1, 1e3]))
def test_more_thuente_line_search_strong_wolfe(case, i, step0):
    fn, ftol, gtol, evals = MT_CASES[case]
    f0, g0 = fn(np.zeros(1))
    step, f, w, g, n_eval, ok = _mlc.optim_line_search(fn, np.zeros(1), np.ones(1), step=step0, ftol=ftol, gtol=gtol,
                                                       xtol=1e-12, max_eval=50)
    assert ok and step > 0 and w[0] == step
    assert f <= f0 + ftol * step * g0[0]  # sufficient decrease
    assert abs(g[0]) <= gtol * abs(g0[0])  # strong curvature condition
    assert (f, g[0]) == (fn(w)[0], fn(w)[1][0])
    assert n_eval == evals[i]


@pytest.mark.parametrize("fn,minimiser", [(_mt_phi1, np.sqrt(2.0)), (_mt_phi2, 1.596)])
def test_more_thuente_finds_the_minimiser_with_a_tight_gtol(fn, minimiser):
    for step0 in (1e-3, 1e-1, 1e1, 1e3):
        step, f, w, g, n_eval, ok = _mlc.optim_line_search(fn, np.zeros(1), np.ones(1), step=step0, gtol=1e-8,
                                                           xtol=1e-14, max_eval=60)
        assert ok and step == pytest.approx(minimiser, rel=1e-6)


def test_more_thuente_on_a_quadratic_and_bad_input():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    A = A @ A.T + np.eye(6)
    quad = lambda w: (0.5 * w @ A @ w, A @ w)  # noqa: E731
    w0 = rng.normal(size=6)
    d = -A @ w0
    step, f, w, g, n_eval, ok = _mlc.optim_line_search(quad, w0, d, gtol=1e-3, xtol=1e-12, max_eval=40)
    exact = (d @ d) / (d @ A @ d)  # the exact minimiser along d
    assert ok and step == pytest.approx(exact, rel=1e-3)
    np.testing.assert_allclose(w, w0 + step * d, rtol=1e-14)
    with pytest.raises(ValueError, match="descent direction"):
        _mlc.optim_line_search(quad, w0, -d)
    with pytest.raises(ValueError, match="d"):
        _mlc.optim_line_search(quad, w0, d[:3])
    with pytest.raises(ValueError, match="w"):
        _mlc.optim_line_search(quad, np.zeros((2, 3)), d)
    with pytest.raises(ValueError, match="gtol"):
        _mlc.optim_line_search(quad, w0, d, gtol=1.5)
    with pytest.raises(TypeError, match="callable"):
        _mlc.optim_line_search(3, w0, d)
    with pytest.raises(TypeError, match="tuple"):
        _mlc.optim_line_search(lambda w: 1.0, w0, d)
    with pytest.raises(ValueError, match="grad"):
        _mlc.optim_line_search(lambda w: (1.0, np.zeros(2)), w0, d)
    with pytest.raises(ZeroDivisionError):
        _mlc.optim_line_search(lambda w: 1 / 0, w0, d)


def test_lbfgs_line_searches_reach_the_same_optimum():
    X, y = load("digits")
    codes = y.astype(np.int32)
    P = 10 * 65
    out = [_mlc.logistic_fit(X, codes, None, np.zeros(P), 10, 0, 1, 0.1, 0.0, True, 2000, 1e-8, line_search=ls)
           for ls in (0, 1)]  # More-Thuente, backtracking
    assert out[0][4] and out[1][4]
    assert out[0][2][-1] == pytest.approx(out[1][2][-1], rel=1e-12)
    assert np.all(np.diff(out[0][2]) <= 0)
    with pytest.raises(ValueError, match="line search"):
        _mlc.logistic_fit(X, codes, None, np.zeros(P), 10, 0, 1, 0.1, 0.0, True, 10, 1e-8, line_search=2)


# ---- scikit-learn's estimator checks ------------------------------------------------------------------
@parametrize_with_checks([LogisticRegression(), LogisticRegression(l1_ratio=1.0, solver="owlqn", tol=1e-10, max_iter=5000),
                          LogisticRegression(l1_ratio=0.5, solver="owlqn", tol=1e-10, max_iter=5000),
                          LogisticRegression(solver="adam", max_iter=50)])
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
    ({"l1_ratio": 1.0}, None, "lbfgs supports only 'l2' or None"),
    ({"l1_ratio": 0.5, "solver": "lbfgs"}, None, "lbfgs supports only"),
    ({"penalty": "elasticnet", "solver": "owlqn", "l1_ratio": None}, None, "l1_ratio must be specified"),
    ({"l1_ratio": 1.5, "solver": "owlqn"}, None, "l1_ratio == 1.5"),
    ({"l1_ratio": -0.5, "solver": "adam"}, None, "l1_ratio == -0.5"),
    ({"l1_ratio": float("nan"), "solver": "owlqn"}, None, "l1_ratio == nan, must be a finite number"),
    ({"C": float("nan")}, None, "C == nan, must be a finite number"),
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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # penalty= is deprecated; its errors still count
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
        LogisticRegression(l1_ratio=1.0, solver="momentum", max_iter=5).fit(X, y)
        LogisticRegression(l1_ratio=1.0, solver="owlqn", tol=1e-10, max_iter=30).fit(X, y)
        _mlc.optim_line_search(_mt_phi1, np.zeros(1), np.ones(1), step=1e-3)
        try:
            _mlc.optim_line_search(lambda w: (1.0, np.zeros(2)), np.zeros(1), np.ones(1))
        except ValueError:
            pass
        try:
            _mlc.logistic_fit(X, y.astype(np.int32), None, np.zeros(5), 3, 0, 1, 1.0, 0.0, True, 10, 1e-4)
        except ValueError:
            pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert_rss_stable(once)
