"""LogisticRegression(solver='liblinear') against scikit-learn's liblinear: LIBLINEAR's problem (the
intercept regularised), its three solvers (trust-region Newton, dual coordinate descent, newGLMNET), its
one-vs-rest driver, and scikit-learn 1.9's errors. The solvers' paths differ from scikit-learn's (another
random generator, the preconditioned trust-region Newton of LIBLINEAR 2.2x-2.3x), so the optimum is
compared at a tight tol; at the default tol the primal and dual L2 solvers predict the same labels."""
import pickle
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm._base import _fit_liblinear
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc import _mlc
from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import LogisticRegression
from conftest import assert_rss_stable, layouts, needs_rss

SOLVERS = {"primal": {}, "dual": {"dual": True}, "l1": {"l1_ratio": 1.0}}
TIGHT = dict(solver="liblinear", tol=1e-10, max_iter=10000)


def load(name, binary=True):
    """Real data scaled as the tests of the other solvers do; two classes unless binary=False."""
    if name == "generated":
        X, y = datasets.make_classification(n_samples=300, n_features=20, n_informative=6, flip_y=0.05,
                                            random_state=0)
        return X, y
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    if binary and name != "breast_cancer":
        keep = {"digits": (3, 8), "iris": (1, 2), "wine": (0, 1)}[name]
        mask = np.isin(y, keep)
        X, y = X[mask], y[mask]
    return X, y


def assert_same_model(ours, theirs, atol=1e-4):
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=atol)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=atol)


# ---- parity with scikit-learn ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["breast_cancer", "digits", "iris", "wine", "generated"])
@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_optimum_matches_sklearn(name, solver, fit_intercept):
    X, y = load(name)
    kw = dict(TIGHT, fit_intercept=fit_intercept, **SOLVERS[solver])
    ours = LogisticRegression(**kw).fit(X, y)
    theirs = SkLogisticRegression(**kw).fit(X, y)
    assert_same_model(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    assert ours.n_iter_.shape == (1,) and ours.n_iter_.dtype == np.int32
    if solver == "l1":
        np.testing.assert_array_equal(ours.coef_ == 0, theirs.coef_ == 0)


@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("params", [
    {"C": 0.05}, {"C": 20.0}, {"intercept_scaling": 10.0}, {"class_weight": {0: 3.0, 1: 0.5}},
    {"class_weight": "balanced"}, {"sample_weight": True}, {"sample_weight": True, "class_weight": "balanced"},
])
def test_options_match_sklearn(solver, params):
    X, y = load("breast_cancer")
    params = dict(params)
    sw = None
    if params.pop("sample_weight", False):
        sw = np.random.default_rng(0).uniform(0.0, 3.0, size=len(y))
        sw[::7] = 0.0  # zero weights: the samples take no part, as in LIBLINEAR
    kw = dict(TIGHT, **SOLVERS[solver], **params)
    ours = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    theirs = SkLogisticRegression(**kw).fit(X, y, sample_weight=sw)
    assert_same_model(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("solver", ["primal", "dual"])
@pytest.mark.parametrize("name", ["breast_cancer", "digits", "wine"])
def test_default_tol_predicts_as_sklearn(name, solver):
    X, y = load(name)
    kw = dict(solver="liblinear", max_iter=1000, **SOLVERS[solver])
    ours = LogisticRegression(**kw).fit(X, y)
    theirs = SkLogisticRegression(**kw).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-2)


@pytest.mark.parametrize("name", ["iris", "wine"])
@pytest.mark.parametrize("solver", list(SOLVERS))
def test_one_vs_rest_wrapper_matches_sklearn(name, solver):
    """More than two classes: scikit-learn 1.9 asks for a OneVsRestClassifier; mlc's estimator in it."""
    X, y = load(name, binary=False)
    kw = dict(TIGHT, **SOLVERS[solver])
    ours = OneVsRestClassifier(LogisticRegression(**kw)).fit(X, y)
    theirs = OneVsRestClassifier(SkLogisticRegression(**kw)).fit(X, y)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        assert_same_model(a, b)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("solver,number,penalty,dual", [("primal", _mlc.LINEAR_SVM_L2R_LR, "l2", False),
                                                        ("dual", _mlc.LINEAR_SVM_L2R_LR_DUAL, "l2", True),
                                                        ("l1", _mlc.LINEAR_SVM_L1R_LR, "l1", False)])
def test_kernel_one_vs_rest_matches_sklearn_and_threads(solver, number, penalty, dual):
    """The C driver's one-vs-rest (LIBLINEAR's train(): class k positive at C cw[k], the rest at C) is
    scikit-learn's _fit_liblinear with multi_class='ovr', and gives the same bits on 1 and 2 threads."""
    X, y = load("wine", binary=False)
    codes = y.astype(np.int32)
    cw = np.array([2.0, 1.0, 0.5])
    coef_sk, icpt_sk, _ = _fit_liblinear(X, y, 1.0, True, 1.0, {0: 2.0, 1: 1.0, 2: 0.5}, penalty, dual, 0, 10000,
                                         1e-10, 0)
    old = mlc.get_num_threads()
    try:
        fits = []
        for t in (1, 2):
            mlc.set_num_threads(t)
            fits.append(_mlc.linear_svc_fit(X, codes, None, cw, 3, number, 1.0, 1e-10, 10000, 1.0, 7))
    finally:
        mlc.set_num_threads(old)
    np.testing.assert_array_equal(fits[0][0], fits[1][0])
    coef = fits[0][0]
    np.testing.assert_allclose(coef[:, :-1], coef_sk, atol=1e-4)
    np.testing.assert_allclose(coef[:, -1], icpt_sk, atol=1e-4)


def test_threads_do_not_change_the_result():
    X, y = datasets.make_classification(n_samples=3000, n_features=30, random_state=3)
    old = mlc.get_num_threads()
    try:
        for kw in SOLVERS.values():
            fits = []
            for t in (1, 2):
                mlc.set_num_threads(t)
                fits.append(LogisticRegression(solver="liblinear", random_state=0, max_iter=1000, **kw).fit(X, y))
            np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    finally:
        mlc.set_num_threads(old)


# ---- iterations, warnings, randomness, curves ---------------------------------------------------------
@pytest.mark.parametrize("solver", list(SOLVERS))
def test_max_iter_and_convergence_warning(solver):
    X, y = load("breast_cancer")
    with pytest.warns(ConvergenceWarning, match="Liblinear failed to converge"):
        m = LogisticRegression(solver="liblinear", max_iter=2, tol=1e-12, **SOLVERS[solver]).fit(X, y)
    assert m.n_iter_[0] == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LogisticRegression(solver="liblinear", max_iter=1000, **SOLVERS[solver]).fit(X, y)
    assert 0 < m.n_iter_[0] < 1000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        sk = SkLogisticRegression(solver="liblinear", max_iter=2, tol=1e-12, **SOLVERS[solver]).fit(X, y)
    assert sk.n_iter_[0] == 2


@pytest.mark.parametrize("solver", ["dual", "l1"])
def test_random_state(solver):
    X, y = load("breast_cancer")
    kw = dict(solver="liblinear", **SOLVERS[solver])
    a = LogisticRegression(random_state=1, **kw).fit(X, y)
    b = LogisticRegression(random_state=1, **kw).fit(X, y)
    c = LogisticRegression(random_state=2, **kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coef_, c.coef_)
    np.random.seed(5)
    d = LogisticRegression(**kw).fit(X, y)
    np.random.seed(5)
    e = LogisticRegression(**kw).fit(X, y)
    np.testing.assert_array_equal(d.coef_, e.coef_)


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_curves(solver):
    X, y = load("breast_cancer")
    C = 0.5
    m = LogisticRegression(C=C, fit_intercept=False, **TIGHT, **SOLVERS[solver]).fit(X, y)
    obj, loss = m.objective_curve_, m.loss_curve_
    assert obj.shape == loss.shape and len(obj) >= m.n_iter_[0]
    margin = (2 * y - 1) * (X @ m.coef_[0])
    data = C * np.logaddexp(0, -margin).sum()
    pen = np.abs(m.coef_).sum() if solver == "l1" else 0.5 * (m.coef_ ** 2).sum()
    # the final entry: LIBLINEAR's objective over C n (the dual one rises to it)
    np.testing.assert_allclose(obj[-1], (data + pen) / (C * len(y)), rtol=1e-8)
    if solver == "dual":
        assert np.all(np.diff(obj) >= -1e-12)
    else:
        assert np.all(np.diff(obj) <= 1e-12)
        np.testing.assert_allclose(loss[-1], data / (C * len(y)), rtol=1e-8)


# ---- input handling ---------------------------------------------------------------------------------
def test_layouts_float32_strings_and_pickle():
    X, y = load("breast_cancer")
    names = np.array(["malignant", "benign"])[y]
    ref = LogisticRegression(**TIGHT).fit(X, names)
    for layout, Xl in layouts(X).items():
        m = LogisticRegression(**TIGHT).fit(Xl, names)
        np.testing.assert_array_equal(m.coef_, ref.coef_, err_msg=layout)
    assert ref.classes_.tolist() == ["benign", "malignant"]
    m32 = LogisticRegression(**TIGHT).fit(X.astype(np.float32), names)
    np.testing.assert_allclose(m32.coef_, ref.coef_, atol=1e-4)
    m2 = pickle.loads(pickle.dumps(ref))
    np.testing.assert_array_equal(m2.predict_proba(X), ref.predict_proba(X))
    assert m2.get_params() == ref.get_params()


@pytest.mark.parametrize("params,data,match", [
    ({}, "multiclass", "does not support multiclass classification"),
    ({"l1_ratio": 0.5}, None, "Only 'saga' solver supports elasticnet penalty, got solver=liblinear"),
    ({"C": np.inf}, None, "C=np.inf as well as penalty=None is not supported for the liblinear solver"),
    ({"penalty": None}, None, "penalty=None is not supported for the liblinear solver"),
    ({"l1_ratio": 1.0, "dual": True}, None, "penalty='l1' and loss='logistic_regression' are not supported when "
                                            "dual=True"),
    ({"solver": "lbfgs", "dual": True}, None, "Solver lbfgs supports only dual=False, got dual=True"),
    ({"solver": "owlqn", "dual": True, "l1_ratio": 1.0}, None, "Solver owlqn supports only dual=False"),
    ({"dual": "yes"}, None, "dual must be a bool"),
    ({"intercept_scaling": 0.0}, None, "intercept_scaling == 0"),
    ({"intercept_scaling": -1.0}, None, "intercept_scaling == -1"),
    ({"intercept_scaling": np.inf}, None, "intercept_scaling == inf, must be a finite number"),
    ({"intercept_scaling": "a"}, None, "intercept_scaling must be an instance"),
    ({"tol": 0.0}, None, "tol must be > 0 with the liblinear solver"),
    ({"max_iter": 0}, None, "max_iter == 0"),
    ({}, "huge", "maximum value > 1e30"),
    ({}, "nan", "NaN"),
    ({}, "single_class", "only one class"),
    ({}, "mismatch", "inconsistent numbers of samples"),
    ({"class_weight": "unbalanced"}, None, "class_weight must be"),
])
def test_bad_input(params, data, match):
    X, y = load("breast_cancer")
    if data == "multiclass":
        X, y = load("iris", binary=False)
    elif data == "huge":
        X = X.copy()
        X[0, 0] = 1e31
    elif data == "nan":
        X = X.copy()
        X[3, 1] = np.nan
    elif data == "single_class":
        y = np.zeros(len(y))
    elif data == "mismatch":
        y = y[:-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # penalty= is deprecated; its errors still count
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises((ValueError, TypeError), match=match):
            LogisticRegression(**{"solver": "liblinear", **params}).fit(X, y)


def test_sklearn_raises_the_same_errors():
    X, y = load("iris", binary=False)
    for est in (SkLogisticRegression(solver="liblinear"), LogisticRegression(solver="liblinear")):
        with pytest.raises(ValueError, match="The 'liblinear' solver does not support multiclass"):
            est.fit(X, y)
    X, y = load("breast_cancer")
    for cls in (SkLogisticRegression, LogisticRegression):
        with pytest.raises(ValueError, match="are not supported when dual=True"):
            cls(solver="liblinear", l1_ratio=1.0, dual=True).fit(X, y)
        with pytest.raises(ValueError, match="supports only dual=False"):
            cls(solver="lbfgs", dual=True).fit(X, y)


def test_kernel_rejects_bad_calls():
    X, y = load("breast_cancer")
    codes = y.astype(np.int32)
    with pytest.raises(ValueError, match="tol"):
        _mlc.linear_svc_fit(X, codes, None, None, 2, _mlc.LINEAR_SVM_L2R_LR, 1.0, 0.0, 10, 1.0, 0)
    with pytest.raises(ValueError, match="C must be"):
        _mlc.linear_svc_fit(X, codes, None, None, 2, _mlc.LINEAR_SVM_L1R_LR, -1.0, 1e-4, 10, 1.0, 0)
    with pytest.raises(ValueError, match="unknown solver"):
        _mlc.linear_svc_fit(X, codes, None, None, 2, 8, 1.0, 1e-4, 10, 1.0, 0)
    with pytest.raises(ValueError, match="sample_weight"):
        _mlc.linear_svc_fit(X, codes, np.ones(3), None, 2, _mlc.LINEAR_SVM_L2R_LR_DUAL, 1.0, 1e-4, 10, 1.0, 0)


# ---- scikit-learn's estimator checks ----------------------------------------------------------------
@parametrize_with_checks([LogisticRegression(solver="liblinear"),
                          LogisticRegression(solver="liblinear", dual=True, tol=1e-10, max_iter=10000),
                          LogisticRegression(solver="liblinear", l1_ratio=1.0, tol=1e-10, max_iter=10000)])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@needs_rss
def test_no_leak():
    X, y = load("iris")

    def once():
        for kw in SOLVERS.values():
            LogisticRegression(solver="liblinear", max_iter=20, **kw).fit(X, y).predict_proba(X)
        try:
            LogisticRegression(solver="liblinear", l1_ratio=1.0, dual=True).fit(X, y)
        except ValueError:
            pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert_rss_stable(once)
