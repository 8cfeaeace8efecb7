"""LinearDiscriminantAnalysis and QuadraticDiscriminantAnalysis against scikit-learn's on its bundled data
sets (iris, wine, digits, breast_cancer) and generated data: attributes to 1e-8 (relative to the largest
entry), scalings_, rotations_ and transform up to the sign of each column."""
import numpy as np
import pytest
from sklearn import datasets
from sklearn import discriminant_analysis as skda
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis

from conftest import assert_rss_stable, layouts, needs_rss

RTOL = 1e-8


def _data(name):
    if name == "generated":  # no redundant features: a full-rank within-class covariance
        return datasets.make_classification(2000, 30, n_informative=12, n_redundant=0, n_classes=4,
                                            random_state=0)
    return getattr(datasets, f"load_{name}")(return_X_y=True)


def close(a, b, rtol=RTOL):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    assert np.max(np.abs(a - b), initial=0.0) <= rtol * max(np.max(np.abs(b), initial=0.0), 1e-300)


def close_up_to_sign(a, b, rtol=RTOL):
    """a and b equal after flipping a's columns to b's signs."""
    s = np.sign(np.sum(a * b, axis=0))
    s[s == 0] = 1
    close(a * s, b, rtol)


DATA = ["iris", "wine", "digits", "breast_cancer", "generated"]
LDA_CASES = [dict(solver="svd"), dict(solver="svd", store_covariance=True, tol=1e-3), dict(solver="lsqr"),
             dict(solver="lsqr", shrinkage="auto"), dict(solver="lsqr", shrinkage=0.3), dict(solver="eigen"),
             dict(solver="eigen", shrinkage="auto"), dict(solver="eigen", shrinkage=0.3),
             dict(solver="svd", priors=[0.5, 0.5]), dict(solver="eigen", n_components=1)]


@pytest.mark.parametrize("kw", LDA_CASES, ids=str)
@pytest.mark.parametrize("name", DATA)
def test_lda_matches_sklearn(name, kw):
    X, y = _data(name)
    kw = dict(kw)
    if "priors" in kw:
        kw["priors"] = np.full(len(np.unique(y)), 1.0 / len(np.unique(y)))
    try:
        ref = skda.LinearDiscriminantAnalysis(**kw).fit(X, y)
    except np.linalg.LinAlgError:  # a singular within-class covariance (eigen without shrinkage)
        with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
            LinearDiscriminantAnalysis(**kw).fit(X, y)
        return
    est = LinearDiscriminantAnalysis(**kw).fit(X, y)
    # breast_cancer's within covariance has a condition number ~1e13 (features from 1e-3 to 1e3): lstsq
    # and the eigen-based pseudo-inverse agree there to that times the precision, not better
    rtol = 1e-6 if name == "breast_cancer" and kw["solver"] == "lsqr" else RTOL
    for attr in ("means_", "priors_", "coef_", "intercept_", "covariance_", "xbar_", "explained_variance_ratio_"):
        assert hasattr(est, attr) == hasattr(ref, attr), attr
        if hasattr(ref, attr):
            close(getattr(est, attr), getattr(ref, attr), rtol)
    np.testing.assert_array_equal(est.classes_, ref.classes_)
    np.testing.assert_array_equal(est.predict(X), ref.predict(X))
    close(est.decision_function(X), ref.decision_function(X), rtol * 100)
    close(est.predict_proba(X), ref.predict_proba(X), rtol * 100)
    close(est.predict_log_proba(X)[ref.predict_proba(X) > 1e-12], ref.predict_log_proba(X)[ref.predict_proba(X) > 1e-12],
          rtol * 100)
    assert est.score(X, y) == ref.score(X, y)
    if kw["solver"] == "lsqr":
        with pytest.raises(NotImplementedError, match="lsqr"):
            est.transform(X)
        return
    assert est.scalings_.shape == ref.scalings_.shape
    close_up_to_sign(est.transform(X), ref.transform(X))
    # the leading scalings are defined up to sign where their eigenvalues are distinct (the constant
    # pixels of digits give a repeated one once shrinkage makes the between scatter full rank)
    k = est._max_components if not (name == "digits" and kw["solver"] == "eigen") else 8
    close_up_to_sign(est.scalings_[:, :k], ref.scalings_[:, :k])


QDA_CASES = [dict(), dict(reg_param=0.1), dict(reg_param=0.01, store_covariance=True), dict(solver="eigen"),
             dict(solver="eigen", shrinkage="auto"), dict(solver="eigen", shrinkage=0.2, store_covariance=True)]


@pytest.mark.parametrize("kw", QDA_CASES, ids=str)
@pytest.mark.parametrize("name", DATA)
def test_qda_matches_sklearn(name, kw):
    X, y = _data(name)
    try:
        ref = skda.QuadraticDiscriminantAnalysis(**kw).fit(X, y)
    except np.linalg.LinAlgError as e:  # a class whose covariance is not full rank: the same error
        with pytest.raises(np.linalg.LinAlgError, match="not full rank") as ours:
            QuadraticDiscriminantAnalysis(**kw).fit(X, y)
        assert str(ours.value) == str(e)
        return
    est = QuadraticDiscriminantAnalysis(**kw).fit(X, y)
    close(est.means_, ref.means_)
    close(np.array(est.scalings_), np.array(ref.scalings_))
    assert hasattr(est, "covariance_") == hasattr(ref, "covariance_")
    if hasattr(ref, "covariance_"):
        close(np.array(est.covariance_), np.array(ref.covariance_))
    if name != "digits" and name != "breast_cancer":  # digits: repeated scalings (constant pixels)
        for a, b in zip(est.rotations_, ref.rotations_):
            close_up_to_sign(a, b, 1e-7)
    np.testing.assert_array_equal(est.predict(X), ref.predict(X))
    close(est.decision_function(X), ref.decision_function(X))
    close(est.predict_proba(X), ref.predict_proba(X), 1e-7)
    assert est.score(X, y) == ref.score(X, y)


def test_string_labels_binary_and_layouts():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    labels = np.array(["benign", "malignant"])[y]
    ref = skda.LinearDiscriminantAnalysis().fit(X, labels)
    for name, Xl in layouts(X).items():
        for Xv in (Xl, Xl.astype(np.float32)):
            est = LinearDiscriminantAnalysis().fit(Xv, labels)
            assert est.coef_.shape == (1, X.shape[1]) and est.intercept_.shape == (1,)
            rtol = RTOL if Xv.dtype == np.float64 else 1e-2
            close(est.coef_, ref.coef_, rtol)
            assert np.mean(est.predict(X) == ref.predict(X)) > 0.99, name
    q = QuadraticDiscriminantAnalysis(reg_param=0.1).fit(layouts(X)["F"], labels)
    qref = skda.QuadraticDiscriminantAnalysis(reg_param=0.1).fit(X, labels)
    close(q.decision_function(layouts(X)["view"]), qref.decision_function(X))


def test_lda_refit_and_feature_names():
    X, y = datasets.load_iris(return_X_y=True)
    est = LinearDiscriminantAnalysis(solver="svd").fit(X, y)
    assert hasattr(est, "xbar_")
    est.set_params(solver="lsqr").fit(X, y)
    assert not hasattr(est, "xbar_") and not hasattr(est, "scalings_")
    est = LinearDiscriminantAnalysis(n_components=2).fit(X, y)
    np.testing.assert_array_equal(est.get_feature_names_out(),
                                  ["lineardiscriminantanalysis0", "lineardiscriminantanalysis1"])


def test_priors_not_summing_to_one_are_renormalised():
    X, y = datasets.load_iris(return_X_y=True)
    for cls, ref_cls in ((LinearDiscriminantAnalysis, skda.LinearDiscriminantAnalysis),
                         (QuadraticDiscriminantAnalysis, None)):
        with pytest.warns(UserWarning, match="The priors do not sum to 1. Renormalizing"):
            est = cls(priors=[2.0, 1.0, 1.0]).fit(X, y)
        close(est.priors_, [0.5, 0.25, 0.25])
    with pytest.warns(UserWarning):
        ref = skda.LinearDiscriminantAnalysis(priors=[2.0, 1.0, 1.0]).fit(X, y)
    with pytest.warns(UserWarning):
        close(LinearDiscriminantAnalysis(priors=[2.0, 1.0, 1.0]).fit(X, y).coef_, ref.coef_)


@pytest.mark.parametrize("cls", [LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis])
def test_bad_input(cls):
    X, y = datasets.load_iris(return_X_y=True)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cls().fit(bad, y)
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        cls().fit(bad, y)
    with pytest.raises(ValueError, match="0 sample"):
        cls().fit(np.empty((0, 4)), np.empty(0))
    with pytest.raises(ValueError, match="2D array"):
        cls().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, y[:-1])
    with pytest.raises(ValueError, match="strings"):
        cls().fit(np.array([["a", "b"]] * 6), [0, 1] * 3)
    with pytest.raises(ValueError, match="greater than one"):
        cls().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="non-negative"):
        cls(priors=[0.5, 0.6, -0.1]).fit(X, y)
    with pytest.raises(ValueError, match="one per class"):
        cls(priors=[0.5, 0.5]).fit(X, y)
    with pytest.raises(NotImplementedError, match="shrinkage not supported with 'svd' solver"):
        cls(shrinkage=0.1).fit(X, y)
    for shrinkage, err in ((1.5, ValueError), (-0.1, ValueError), ("fast", ValueError), ([0.1], TypeError)):
        with pytest.raises(err, match="shrinkage"):
            cls(solver="eigen", shrinkage=shrinkage).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        cls(solver="cholesky").fit(X, y)
    with pytest.raises(ValueError, match="tol"):
        cls(tol=-1.0).fit(X, y)
    est = cls().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])


def test_lda_bad_input():
    X, y = datasets.load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=r"n_components cannot be larger than min\(n_features, n_classes - 1\)"):
        LinearDiscriminantAnalysis(n_components=3).fit(X, y)
    with pytest.raises(ValueError, match="more than the number of classes"):
        LinearDiscriminantAnalysis().fit(X[[0, 50, 100]], y[[0, 50, 100]])
    with pytest.raises(ValueError, match="n_components"):
        LinearDiscriminantAnalysis(n_components=0).fit(X, y)
    with pytest.raises(NotImplementedError, match="lsqr"):
        LinearDiscriminantAnalysis(solver="lsqr").fit(X, y).transform(X)
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        LinearDiscriminantAnalysis(solver="eigen").fit(np.column_stack([X, X[:, 0]]), y)


def test_qda_bad_input():
    X, y = datasets.load_iris(return_X_y=True)
    one = np.r_[y[:100], 2]
    with pytest.raises(ValueError, match="y has only 1 sample in class 2, covariance is ill defined"):
        QuadraticDiscriminantAnalysis().fit(X[:101], one)
    for reg in (-0.5, 1.5):
        with pytest.raises(ValueError, match="reg_param"):
            QuadraticDiscriminantAnalysis(reg_param=reg).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        QuadraticDiscriminantAnalysis(solver="lsqr").fit(X, y)
    # fewer samples than features in a class: scikit-learn's LinAlgError, word for word
    Xw, yw = X[np.r_[0:3, 50:53, 100:103]], y[np.r_[0:3, 50:53, 100:103]]
    with pytest.raises(np.linalg.LinAlgError, match="number of samples in each class should be more"):
        QuadraticDiscriminantAnalysis().fit(Xw, yw)
    with pytest.raises(np.linalg.LinAlgError, match="Increase the value of `shrinkage`"):
        QuadraticDiscriminantAnalysis(solver="eigen").fit(np.column_stack([X, X[:, 0]]), y)


def test_kernels_check_their_arguments():
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.repeat(np.arange(2, dtype=np.int32), 10)
    with pytest.raises(ValueError, match="codes"):
        _mlc.lda_fit(X, np.r_[y[:-1], 5].astype(np.int32), np.array([0.5, 0.5]), 0, 0, 0.0, 1e-4, False)
    with pytest.raises(ValueError, match="dimension"):
        _mlc.lda_fit(X, y[:-1], np.array([0.5, 0.5]), 0, 0, 0.0, 1e-4, False)
    with pytest.raises(ValueError, match="shrinkage"):
        _mlc.lda_fit(X, y, np.array([0.5, 0.5]), 0, 1, 0.0, 1e-4, False)
    with pytest.raises(ValueError, match="dimension"):
        _mlc.qda_decision(X, np.zeros((2, 3)), np.ones((2, 3, 2)), np.ones((2, 3)), np.zeros(2))


def test_thread_count_does_not_change_results():
    import mlc
    X, y = datasets.make_classification(20000, 20, n_informative=8, n_redundant=0, n_classes=3, random_state=1)
    old = mlc.get_num_threads()
    try:
        mlc.set_num_threads(1)
        a = LinearDiscriminantAnalysis(solver="eigen", shrinkage="auto").fit(X, y)
        qa = QuadraticDiscriminantAnalysis(solver="eigen").fit(X, y)
        mlc.set_num_threads(2)
        b = LinearDiscriminantAnalysis(solver="eigen", shrinkage="auto").fit(X, y)
        qb = QuadraticDiscriminantAnalysis(solver="eigen").fit(X, y)
    finally:
        mlc.set_num_threads(old)
    np.testing.assert_array_equal(a.covariance_, b.covariance_)
    np.testing.assert_array_equal(qa.scalings_, qb.scalings_)


@needs_rss
def test_no_leak():
    X, y = datasets.load_iris(return_X_y=True)

    def once():
        LinearDiscriminantAnalysis(solver="eigen", shrinkage="auto").fit(X, y).predict(X)
        QuadraticDiscriminantAnalysis().fit(X, y).predict_proba(X)

    assert_rss_stable(once)


@parametrize_with_checks([LinearDiscriminantAnalysis(), LinearDiscriminantAnalysis(solver="eigen", shrinkage=0.1),
                          QuadraticDiscriminantAnalysis(reg_param=0.1),
                          QuadraticDiscriminantAnalysis(solver="eigen", shrinkage="auto")])
def test_sklearn_compatible(estimator, check):
    check(estimator)
