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


def _expected_failures(estimator):
    # as scikit-learn's own SVC/SVR (its PER_ESTIMATOR_XFAIL_CHECKS): weight 2 is not the same
    # as a repeated row to the check's rtol 1e-7: gamma="scale" takes the variance of the rows as
    # given, and the duals of the two problems differ within tol.
    why = "sample_weight is not equivalent to removing/repeating samples (as in scikit-learn)"
    return {"check_sample_weight_equivalence_on_dense_data": why,
            "check_sample_weight_equivalence_on_sparse_data": why}


@parametrize_with_checks([SVC(), SVR(), SVC(kernel="linear", break_ties=True),
                          SVC(probability=True, random_state=0)], expected_failed_checks=_expected_failures)
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
    with pytest.raises(ValueError, match="y"):
        _mlc.svm_fit_epsilon_svr(X, np.ones(4), C, epsilon=0.1, **kw)
    with pytest.raises(ValueError, match="C"):
        _mlc.svm_fit_epsilon_svr(X, np.ones(5), np.ones(4), epsilon=0.1, **kw)
    with pytest.raises(ValueError, match="epsilon"):
        _mlc.svm_fit_epsilon_svr(X, np.ones(5), C, epsilon=-0.1, **kw)
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
    # multiclass: the within-class kernel blocks shared by the pairs (default cache) or every row
    # computed by its pair (a cache too small for the blocks) give the same fit
    X, y = load("digits", 800)
    big, tiny = SVC().fit(X, y), SVC(cache_size=0.01).fit(X, y)
    np.testing.assert_array_equal(tiny.support_, big.support_)
    np.testing.assert_array_equal(tiny.n_iter_, big.n_iter_)
    np.testing.assert_allclose(tiny.dual_coef_, big.dual_coef_, atol=1e-12)


@needs_rss
def test_memory_is_stable():
    X, y = load("iris")
    Xs = X[::3]
    ys = y[::3]

    w = weights(len(ys))

    def once():
        SVC().fit(Xs, ys).predict(Xs)
        SVC().fit(Xs, ys, sample_weight=w).decision_function(Xs)
        SVR().fit(Xs, Xs[:, 0], sample_weight=w).predict(Xs)

    assert_rss_stable(once)


# ---- sample_weight ------------------------------------------------------------------------------

def weights(n, seed=0, zeros=True):
    """Positive weights in [0.1, 3), with some zero and some negative ones (LIBSVM drops both)."""
    r = np.random.default_rng(seed)
    w = r.uniform(0.1, 3.0, n)
    if zeros:
        w[r.choice(n, n // 10, replace=False)] = 0.0
        w[r.choice(n, n // 20, replace=False)] = -0.5
    return w


def generated_classification(n_classes):
    X, y = datasets.make_classification(300, 8, n_informative=5, n_classes=n_classes, random_state=1)
    return StandardScaler().fit_transform(X), y


def assert_same_weighted(ours, theirs, X, w, atol=1e-3):
    # scikit-learn's support_ indexes the rows left after dropping weights <= 0 (its issue
    # #5150); ours indexes X
    kept = np.flatnonzero(w > 0)
    np.testing.assert_array_equal(ours.support_, kept[theirs.support_])
    np.testing.assert_array_equal(ours.support_vectors_, theirs.support_vectors_)
    np.testing.assert_array_equal(ours.n_support_, theirs.n_support_)
    np.testing.assert_allclose(ours.dual_coef_, theirs.dual_coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=atol)
    out = "decision_function" if hasattr(theirs, "decision_function") else "predict"
    np.testing.assert_allclose(getattr(ours, out)(X), getattr(theirs, out)(X), atol=atol)
    np.testing.assert_array_equal(np.ravel(ours.n_iter_), np.ravel(theirs.n_iter_))


@pytest.mark.parametrize("name, n", [("iris", None), ("breast_cancer", None), ("digits", 800), ("gen2", None),
                                     ("gen4", None)])
@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_svc_sample_weight_parity(name, n, kernel):
    X, y = generated_classification(int(name[3])) if name.startswith("gen") else load(name, n)
    w = weights(len(y))
    ours = SVC(kernel=kernel).fit(X, y, sample_weight=w)
    theirs = sksvm.SVC(kernel=kernel).fit(X, y, sample_weight=w)
    assert_same_weighted(ours, theirs, X, w)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.fit_status_ == theirs.fit_status_ == 0


@pytest.mark.parametrize("class_weight", ["balanced", {0: 3.0, 2: 0.5}])
def test_svc_sample_weight_with_class_weight(class_weight):
    X, y = load("iris")
    w = weights(len(y), seed=3)
    ours = SVC(class_weight=class_weight).fit(X, y, sample_weight=w)
    theirs = sksvm.SVC(class_weight=class_weight).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.class_weight_, theirs.class_weight_)
    assert_same_weighted(ours, theirs, X, w)


@pytest.mark.parametrize("name", ["diabetes", "generated"])
@pytest.mark.parametrize("kernel", ["rbf", "linear"])
def test_svr_sample_weight_parity(name, kernel):
    if name == "diabetes":
        X, y = load("diabetes")
        params = dict(C=30.0, epsilon=5.0)
    else:
        X, y = datasets.make_regression(300, 6, noise=5.0, random_state=2)
        params = dict(C=10.0, epsilon=1.0)
    w = weights(len(y), seed=1)
    ours = SVR(kernel=kernel, **params).fit(X, y, sample_weight=w)
    theirs = sksvm.SVR(kernel=kernel, **params).fit(X, y, sample_weight=w)
    assert_same_weighted(ours, theirs, X, w, atol=1e-6)


def test_sample_weight_meaning():
    # weight w scales the bound: a constant weight is C * w, zero weights are removed samples
    X, y = load("breast_cancer")
    w = np.zeros(len(y))
    w[::2] = 1.0
    for est in (SVC(gamma=0.05), SVR(gamma=0.05)):
        target = y if isinstance(est, SVC) else X[:, 0]
        full = est.set_params(C=1.0).fit(X, target, sample_weight=w)
        sub = type(est)(gamma=0.05).fit(X[::2], target[::2])
        np.testing.assert_array_equal(full.support_, 2 * sub.support_)
        np.testing.assert_array_equal(full.dual_coef_, sub.dual_coef_)
        np.testing.assert_array_equal(full.intercept_, sub.intercept_)
        doubled = type(est)(gamma=0.05, C=2.0).fit(X, target)
        twice = type(est)(gamma=0.05).fit(X, target, sample_weight=2.0)
        np.testing.assert_allclose(twice.dual_coef_, doubled.dual_coef_, rtol=1e-12)
        np.testing.assert_array_equal(twice.support_, doubled.support_)


def test_sample_weight_zeroing_a_class():
    # LIBSVM would lose track of the classes (scikit-learn issue #25380): here the class keeps
    # its place, has no support vectors and is never predicted; the other pairs are the fit
    # without it
    X, y = load("iris")
    w = np.where(y == 1, 0.0, 1.0)
    ours = SVC(gamma=0.2, decision_function_shape="ovo").fit(X, y, sample_weight=w)
    theirs = sksvm.SVC(gamma=0.2).fit(X[y != 1], y[y != 1])
    np.testing.assert_array_equal(ours.classes_, [0, 1, 2])
    np.testing.assert_array_equal(ours.n_support_, [theirs.n_support_[0], 0, theirs.n_support_[1]])
    np.testing.assert_array_equal(ours.support_, np.flatnonzero(y != 1)[theirs.support_])
    dec = ours.decision_function(X)
    np.testing.assert_allclose(dec[:, 1], -theirs.decision_function(X), atol=1e-12)  # pair (0, 2)
    np.testing.assert_array_equal(dec[:, 0], 1.0)   # pair (0, 1): class 0
    np.testing.assert_array_equal(dec[:, 2], -1.0)  # pair (1, 2): class 2
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    proba = SVC(probability=True, random_state=0).fit(X, y, sample_weight=w).predict_proba(X)
    assert proba.shape == (150, 3) and proba[:, 1].max() < 1e-3


@pytest.mark.parametrize("name, atol", [("iris", 0.05), ("breast_cancer", 0.01)])
def test_probability_with_sample_weight(name, atol):
    # Platt's cross-validation trains on the folds with their weights, as LIBSVM's. The folds
    # differ from LIBSVM's, and one seed's probabilities move by up to 0.12 on iris (scikit-learn's
    # own spread over seeds), so the comparison is of the means over five seeds; the same CV
    # without the weights misses by 0.066 on iris and 0.019 on breast_cancer.
    X, y = load(name)
    w = weights(len(y), seed=2)
    ours = [SVC(probability=True, random_state=s).fit(X, y, sample_weight=w) for s in range(5)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = [sksvm.SVC(probability=True, random_state=s).fit(X, y, sample_weight=w) for s in range(5)]
        their_A = np.mean([m.probA_ for m in theirs], axis=0)
        pa, pb = theirs[0].probA_, theirs[0].probB_
    assert_same_weighted(ours[0], theirs[0], X, w)
    np.testing.assert_allclose(np.mean([m.probA_ for m in ours], axis=0), their_A, rtol=0.1)
    np.testing.assert_allclose(np.mean([m.predict_proba(X) for m in ours], axis=0),
                               np.mean([m.predict_proba(X) for m in theirs], axis=0), atol=atol)
    # given scikit-learn's sigmoids, the probabilities are its own
    ours[0].probA_, ours[0].probB_ = pa, pb
    np.testing.assert_allclose(ours[0].predict_proba(X), theirs[0].predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("est", [SVC(), SVR()])
def test_bad_sample_weight(est):
    y = Y_OK if isinstance(est, SVC) else Y_OK.astype(float)
    with pytest.raises(ValueError, match="at least one non-zero"):
        est.fit(X_OK, y, sample_weight=np.zeros(6))
    with pytest.raises(ValueError, match="all samples have zero or negative weights"):
        est.fit(X_OK, y, sample_weight=-np.ones(6))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(5,\), expected \(6,\)"):
        est.fit(X_OK, y, sample_weight=np.ones(5))
    with pytest.raises(ValueError, match="1D array or scalar"):
        est.fit(X_OK, y, sample_weight=np.ones((6, 1)))
    with pytest.raises(ValueError, match="NaN"):
        est.fit(X_OK, y, sample_weight=np.r_[np.nan, np.ones(5)])
    with pytest.raises(ValueError, match="infinity"):
        est.fit(X_OK, y, sample_weight=np.r_[np.inf, np.ones(5)])
    with pytest.raises(ValueError, match="could not be converted"):
        est.fit(X_OK, y, sample_weight=["a"] * 6)
    if isinstance(est, SVC):
        with pytest.raises(ValueError, match="all samples with positive weights belong to the same class"):
            est.fit(X_OK, y, sample_weight=np.r_[np.ones(3), 0, -1, 0])
        X3, y3 = np.arange(18.0).reshape(9, 2), np.repeat([0, 1, 2], 3)
        with pytest.raises(ValueError, match="all samples with positive weights belong to the same class"):
            est.fit(X3, y3, sample_weight=np.repeat([0.0, 1.0, 0.0], 3))


def test_sample_weight_layouts_and_dtypes():
    X, y = load("breast_cancer")
    w = weights(len(y), seed=4)
    want = SVC().fit(X, y, sample_weight=w)
    for Xl in layouts(X).values():
        got = SVC().fit(Xl, y, sample_weight=layouts(w[:, None])["view"][:, 0])
        np.testing.assert_array_equal(got.dual_coef_, want.dual_coef_)
    got = SVC().fit(X, y, sample_weight=w.astype(np.float32))
    theirs = sksvm.SVC().fit(X, y, sample_weight=w.astype(np.float32))
    assert_same_weighted(got, theirs, X, w.astype(np.float32))
    got = SVC().fit(X.astype(np.float32), y, sample_weight=list(w))
    theirs = sksvm.SVC().fit(X.astype(np.float32), y, sample_weight=list(w))
    assert_same_weighted(got, theirs, X, w)


def test_pairs_in_parallel_give_the_same_fit():
    import mlc
    X, y = load("digits", 800)
    before = mlc.get_num_threads()
    try:
        mlc.set_num_threads(1)
        one = SVC().fit(X, y, sample_weight=weights(len(y)))
        mlc.set_num_threads(2)
        two = SVC().fit(X, y, sample_weight=weights(len(y)))
    finally:
        mlc.set_num_threads(before)
    np.testing.assert_array_equal(one.support_, two.support_)
    np.testing.assert_array_equal(one.dual_coef_, two.dual_coef_)
    np.testing.assert_array_equal(one.intercept_, two.intercept_)
    np.testing.assert_array_equal(one.n_iter_, two.n_iter_)


def test_direct_ovo_binding_calls_raise():
    X, C = np.ones((6, 2)), np.ones(6)
    kw = dict(kernel=2, degree=3, gamma=0.5, coef0=0.0, tol=1e-3, cache_size=10.0, max_iter=-1)
    start = np.array([0, 2, 6])
    dual, rho, n_iter, status = _mlc.svm_fit_c_svc_ovo(np.arange(12.0).reshape(6, 2), start, C, **kw)
    assert dual.shape == (1, 6) and rho.shape == (1,) and n_iter.shape == (1,) and status == 0
    for bad in ([0, 6], [0, 2, 5], [1, 2, 6], [0, 4, 2, 6], [[0, 2, 6]]):
        with pytest.raises(ValueError, match="start"):
            _mlc.svm_fit_c_svc_ovo(X, np.array(bad), C, **kw)
    with pytest.raises(ValueError, match="C"):
        _mlc.svm_fit_c_svc_ovo(X, start, np.ones(5), **kw)
    with pytest.raises(ValueError):
        _mlc.svm_fit_c_svc_ovo(np.ones(6), start, C, **kw)
    with pytest.raises(ValueError, match="gamma"):
        _mlc.svm_fit_c_svc_ovo(X, start, C, **{**kw, "gamma": -1.0})
    with pytest.raises(TypeError):
        _mlc.svm_fit_c_svc_ovo(X, start, C, **{**kw, "tol": "x"})


def test_rbf_exp_is_accurate():
    # the kernel's own vectorised exp: within 2 ulp of libm's, 0 below exp(-708)
    x = np.sqrt(np.random.default_rng(0).uniform(0, 800, 100_003))[:, None]
    got = _mlc.svm_kernel_matrix(x, np.zeros((1, 1)), kernel=2, degree=3, gamma=1.0, coef0=0.0)[:, 0]
    want = np.exp(-(x[:, 0] * x[:, 0]))
    normal = want > 1e-300
    assert np.max(np.abs(got[normal] - want[normal]) / np.spacing(want[normal])) <= 2
    assert np.all(got[x[:, 0] ** 2 > 708.5] == 0) and np.all(got[~normal] < 1e-300)
    zero = np.zeros((1, 1))
    assert _mlc.svm_kernel_matrix(zero, zero, kernel=2, degree=3, gamma=1.0, coef0=0.0)[0, 0] == 1.0


@pytest.mark.parametrize("kernel", [0, 1, 2, 3])
def test_decision_binding(kernel):
    from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel, sigmoid_kernel
    rng = np.random.default_rng(1)
    X, SV, W, b = rng.normal(size=(203, 5)), rng.normal(size=(37, 5)), rng.normal(size=(37, 4)), rng.normal(size=4)
    K = (linear_kernel(X, SV), polynomial_kernel(X, SV, 3, 0.3, 0.5), rbf_kernel(X, SV, gamma=0.3),
         sigmoid_kernel(X, SV, 0.3, 0.5))[kernel]
    got = _mlc.svm_decision(X, SV, W, b, kernel=kernel, degree=3, gamma=0.3, coef0=0.5)
    np.testing.assert_allclose(got, K @ W + b, rtol=1e-12, atol=1e-12)
    empty = _mlc.svm_decision(X, SV[:0], W[:0], b, kernel=kernel, degree=3, gamma=0.3, coef0=0.5)
    np.testing.assert_array_equal(empty, np.broadcast_to(b, (203, 4)))
    kw = dict(kernel=kernel, degree=3, gamma=0.3, coef0=0.5)
    with pytest.raises(ValueError, match="SV"):
        _mlc.svm_decision(X, SV[:, :4], W, b, **kw)
    with pytest.raises(ValueError, match="W"):
        _mlc.svm_decision(X, SV, W[:36], b, **kw)
    with pytest.raises(ValueError, match="b"):
        _mlc.svm_decision(X, SV, W, b[:3], **kw)
    with pytest.raises(ValueError):
        _mlc.svm_decision(X, SV, W[:, 0], b, **kw)
    with pytest.raises(ValueError, match="kernel"):
        _mlc.svm_decision(X, SV, W, b, **{**kw, "kernel": 9})
