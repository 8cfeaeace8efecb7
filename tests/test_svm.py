"""mlc.svm (SVC, SVR by SMO) against scikit-learn's LIBSVM: same support vectors, same decision
values (the solver takes the same steps, so agreement is far tighter than the 1e-3 asked)."""
import pickle
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn import svm as sksvm
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.exceptions import ConvergenceWarning, NotFittedError
from mlc.svm import SVC, SVR
from conftest import assert_rss_stable, layouts, needs_rss

_CACHE = {}


def load(name, n=None):
    if name not in _CACHE:
        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        _CACHE[name] = StandardScaler().fit_transform(X), y
    X, y = _CACHE[name]
    return (X[:n], y[:n]) if n else (X, y)


def assert_same_svc(ours, theirs, X, atol=1e-3):
    np.testing.assert_array_equal(ours.support_, theirs.support_)
    np.testing.assert_array_equal(ours.n_support_, theirs.n_support_)
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=atol)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=atol)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@parametrize_with_checks([SVC(), SVR(), SVC(kernel="linear", break_ties=True),
                          SVC(probability=True, random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name, n", [("iris", None), ("breast_cancer", None), ("digits", 800)])
@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly", "sigmoid"])
def test_svc_parity(name, n, kernel):
    X, y = load(name, n)
    ours = SVC(kernel=kernel).fit(X, y)
    theirs = sksvm.SVC(kernel=kernel).fit(X, y)
    assert_same_svc(ours, theirs, X)
    np.testing.assert_array_equal(ours.n_iter_, theirs.n_iter_)
    assert ours.fit_status_ == theirs.fit_status_ == 0
    assert ours.shape_fit_ == theirs.shape_fit_


@pytest.mark.parametrize("params", [dict(C=10.0, gamma=0.05), dict(C=0.3, gamma="auto"),
                                    dict(kernel="poly", degree=2, coef0=1.0, gamma=0.1),
                                    dict(tol=1e-6, shrinking=False), dict(shrinking=False, C=100.0)])
def test_svc_parity_hyper_parameters(params):
    X, y = load("breast_cancer")
    assert_same_svc(SVC(**params).fit(X, y), sksvm.SVC(**params).fit(X, y), X)


@pytest.mark.parametrize("class_weight", ["balanced", {0: 3.0, 2: 0.5}])
def test_class_weight(class_weight):
    X, y = load("iris")
    ours = SVC(class_weight=class_weight).fit(X, y)
    theirs = sksvm.SVC(class_weight=class_weight).fit(X, y)
    np.testing.assert_allclose(ours.class_weight_, theirs.class_weight_)
    assert_same_svc(ours, theirs, X)


def test_decision_function_shapes_and_break_ties():
    X, y = load("digits", 600)
    for shape in ("ovr", "ovo"):
        ours = SVC(decision_function_shape=shape).fit(X, y)
        theirs = sksvm.SVC(decision_function_shape=shape).fit(X, y)
        assert ours.decision_function(X).shape == theirs.decision_function(X).shape
        np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=1e-6)
    ours = SVC(break_ties=True).fit(X, y)
    theirs = sksvm.SVC(break_ties=True).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    with pytest.raises(ValueError, match="break_ties must be False"):
        SVC(break_ties=True, decision_function_shape="ovo").fit(X, y).predict(X)


@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
@pytest.mark.parametrize("params", [dict(), dict(C=30.0, epsilon=5.0)])
@pytest.mark.parametrize("shrinking", [True, False])
def test_svr_parity_diabetes(kernel, params, shrinking):
    # with or without shrinking, the solver takes LIBSVM's steps
    X, y = load("diabetes")
    ours = SVR(kernel=kernel, shrinking=shrinking, **params).fit(X, y)
    theirs = sksvm.SVR(kernel=kernel, shrinking=shrinking, **params).fit(X, y)
    np.testing.assert_array_equal(ours.support_, theirs.support_)
    np.testing.assert_array_equal(ours.n_support_, theirs.n_support_)
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-6)
    assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.parametrize("name", ["iris", "breast_cancer"])
def test_probability(name):
    # the folds differ from LIBSVM's (NumPy draws them), so the sigmoids differ slightly; given
    # scikit-learn's sigmoids, the coupling reproduces its probabilities exactly
    X, y = load(name)
    ours = SVC(probability=True, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = sksvm.SVC(probability=True, random_state=0).fit(X, y)
        pa, pb = theirs.probA_, theirs.probB_
    assert_same_svc(ours, theirs, X)
    p = ours.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(p, theirs.predict_proba(X), atol=0.06)
    np.testing.assert_allclose(np.log(p), ours.predict_log_proba(X))
    np.testing.assert_allclose(ours.probA_, pa, rtol=0.2)
    np.testing.assert_allclose(SVC(probability=True, random_state=0).fit(X, y).predict_proba(X), p, atol=1e-12)
    ours.probA_, ours.probB_ = pa, pb
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    assert not hasattr(SVC().fit(X, y), "predict_proba")


def test_linear_coef():
    for name in ("iris", "breast_cancer"):
        X, y = load(name)
        np.testing.assert_allclose(SVC(kernel="linear").fit(X, y).coef_,
                                   sksvm.SVC(kernel="linear").fit(X, y).coef_, atol=1e-8)
    X, y = load("diabetes")
    np.testing.assert_allclose(SVR(kernel="linear").fit(X, y).coef_, sksvm.SVR(kernel="linear").fit(X, y).coef_,
                               atol=1e-8)
    assert not hasattr(SVC().fit(X[:20], y[:20] > 100), "coef_")


def test_string_labels():
    X, y = load("iris")
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    ours = SVC().fit(X, names)
    assert list(ours.classes_) == list(names[np.sort(np.unique(y, return_index=True)[1])])
    np.testing.assert_array_equal(ours.predict(X), sksvm.SVC().fit(X, names).predict(X))
    binary = np.where(y == 0, "a", "b")
    np.testing.assert_allclose(SVC().fit(X, binary).decision_function(X),
                               sksvm.SVC().fit(X, binary).decision_function(X), atol=1e-6)


@pytest.mark.parametrize("layout", ["C", "F", "view"])
def test_layouts(layout):
    X, y = load("breast_cancer")
    want = SVC().fit(X, y)
    got = SVC().fit(layouts(X)[layout], y)
    np.testing.assert_array_equal(got.support_, want.support_)
    np.testing.assert_array_equal(got.decision_function(layouts(X)[layout]), want.decision_function(X))
    np.testing.assert_allclose(SVR().fit(layouts(X)[layout], X[:, 0]).predict(X),
                               SVR().fit(X, X[:, 0]).predict(X), atol=1e-12)


def test_pickle_round_trip():
    X, y = load("iris")
    for est, out in ((SVC().fit(X, y), "decision_function"), (SVR().fit(X, X[:, 0]), "predict")):
        back = pickle.loads(pickle.dumps(est))
        np.testing.assert_array_equal(getattr(back, out)(X), getattr(est, out)(X))


def test_max_iter_warns_and_sets_fit_status():
    X, y = load("breast_cancer")
    with pytest.warns(ConvergenceWarning, match="Solver terminated early"):
        ours = SVC(max_iter=5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sksvm.SVC(max_iter=5).fit(X, y)
    assert ours.fit_status_ == theirs.fit_status_ == 1
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=1e-6)


X_OK, Y_OK = np.arange(12.0).reshape(6, 2), np.array([0, 0, 0, 1, 1, 1])


@pytest.mark.parametrize("est, match", [
    (SVC(C=0.0), "C == 0.0, must be > 0"),
    (SVC(C=-1.0), "C == -1.0, must be > 0"),
    (SVC(kernel="cosine"), "kernel must be one of"),
    (SVC(gamma=0.0), "gamma == 0.0, must be > 0"),
    (SVC(gamma=-1.0), "gamma == -1.0, must be > 0"),
    (SVC(gamma="wide"), "gamma must be one of"),
    (SVC(tol=0.0), "tol == 0.0, must be > 0"),
    (SVC(degree=-1), "degree == -1, must be >= 0"),
    (SVC(max_iter=-2), "max_iter == -2, must be >= -1"),
    (SVC(cache_size=0), "cache_size == 0, must be > 0"),
    (SVC(decision_function_shape="ova"), "decision_function_shape must be one of"),
    (SVC(class_weight="even"), "class_weight must be one of"),
    (SVC(class_weight={5: 2.0}), "are not in class_weight"),
    (SVR(epsilon=-0.1), "epsilon == -0.1, must be >= 0"),
    (SVR(C=0.0), "C == 0.0, must be > 0"),
])
def test_bad_params(est, match):
    with pytest.raises((ValueError, TypeError), match=match):
        est.fit(X_OK, Y_OK)


def test_bad_data():
    with pytest.raises(ValueError, match="number of classes has to be greater than one"):
        SVC().fit(X_OK, np.zeros(6))
    with pytest.raises(ValueError, match="contains NaN"):
        SVC().fit(np.where(X_OK > 10, np.nan, X_OK), Y_OK)
    with pytest.raises(ValueError, match="contains NaN"):
        SVR().fit(X_OK, np.where(Y_OK > 0, np.nan, 0.0))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SVC().fit(X_OK, Y_OK[:5])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SVR().fit(X_OK, Y_OK[:5])
    with pytest.raises(ValueError, match="Unknown label type"):
        SVC().fit(X_OK, np.linspace(0, 1, 6))
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        SVC().predict(X_OK)
    with pytest.raises(ValueError, match="X has 3 features, but SVC is expecting 2"):
        SVC().fit(X_OK, Y_OK).predict(np.ones((2, 3)))


def test_direct_binding_calls_raise():
    X, y, C = np.ones((5, 2)), np.array([1.0, 1, -1, -1, 1]), np.ones(5)
    kw = dict(kernel=2, degree=3, gamma=0.5, coef0=0.0, tol=1e-3, cache_size=10.0, max_iter=-1)
    with pytest.raises(ValueError, match="y"):
        _mlc.svm_fit_c_svc(X, y[:4], C, **kw)
    with pytest.raises(ValueError, match="C"):
        _mlc.svm_fit_c_svc(X, y, np.ones(3), **kw)
    with pytest.raises(ValueError):
        _mlc.svm_fit_c_svc(np.ones(5), y, C, **kw)
    with pytest.raises(ValueError, match="kernel"):
        _mlc.svm_fit_c_svc(X, y, C, **{**kw, "kernel": 7})
    with pytest.raises(ValueError, match="gamma"):
        _mlc.svm_fit_c_svc(X, y, C, **{**kw, "gamma": 0.0})
    svr_kw = {k: v for k, v in kw.items()}
    with pytest.raises(ValueError, match="y"):
        _mlc.svm_fit_epsilon_svr(X, np.ones(4), C=1.0, epsilon=0.1, **svr_kw)
    with pytest.raises(ValueError, match="epsilon"):
        _mlc.svm_fit_epsilon_svr(X, np.ones(5), C=1.0, epsilon=-0.1, **svr_kw)
    with pytest.raises(ValueError, match="Y"):
        _mlc.svm_kernel_matrix(X, np.ones((3, 4)), kernel=2, degree=3, gamma=1.0, coef0=0.0)


def test_kernel_matrix_matches_sklearn():
    from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel, sigmoid_kernel
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(300, 7)), rng.normal(size=(130, 7))
    for code, want in ((0, linear_kernel(X, Y)), (1, polynomial_kernel(X, Y, 3, 0.2, 1.0)),
                       (2, rbf_kernel(X, Y, gamma=0.2)), (3, sigmoid_kernel(X, Y, 0.2, 1.0))):
        got = _mlc.svm_kernel_matrix(X, Y, kernel=code, degree=3, gamma=0.2, coef0=1.0)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_small_cache_gives_the_same_fit():
    X, y = load("breast_cancer")
    big = SVC(cache_size=200).fit(X, y)
    tiny = SVC(cache_size=0.005).fit(X, y)  # two rows: every other row is recomputed
    np.testing.assert_array_equal(tiny.support_, big.support_)
    np.testing.assert_allclose(tiny.decision_function(X), big.decision_function(X), atol=1e-12)


@needs_rss
def test_memory_is_stable():
    X, y = load("iris")
    Xs = X[::3]
    ys = y[::3]

    def once():
        SVC().fit(Xs, ys).predict(Xs)
        SVR().fit(Xs, Xs[:, 0]).predict(Xs)

    assert_rss_stable(once)
