"""SGDClassifier / SGDRegressor against scikit-learn: step-for-step parity with shuffle=False,
quality parity with shuffle=True, partial_fit rules, the mini-batch optimisers, bad input, leaks."""
import warnings

import numpy as np
import pytest
from sklearn import datasets
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlc import _mlc
from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import LogisticRegression, SGDClassifier, SGDRegressor
from conftest import assert_rss_stable, layouts, needs_rss

CLF_LOSSES = ["hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron", "squared_error", "huber",
              "epsilon_insensitive", "squared_epsilon_insensitive"]
REG_LOSSES = ["squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive"]
PENALTIES = ["l2", "l1", "elasticnet", None]
SCHEDULES = ["optimal", "constant", "invscaling", "adaptive"]


def _scaled(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def cancer():
    return _scaled(datasets.load_breast_cancer)


@pytest.fixture(scope="module")
def iris():
    return _scaled(datasets.load_iris)


@pytest.fixture(scope="module")
def diabetes():
    X, y = _scaled(datasets.load_diabetes)
    return X, (y - y.mean()) / y.std()


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12)


def _assert_same(m, s, rtol=1e-6):
    assert m.n_iter_ == s.n_iter_
    assert m.t_ == s.t_
    assert _rel(m.coef_, s.coef_) <= rtol
    assert _rel(m.intercept_, s.intercept_) <= rtol


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", SkConvergenceWarning)
        yield


# ---- scikit-learn's estimator checks -----------------------------------------------------------
@parametrize_with_checks([SGDClassifier(), SGDRegressor()], expected_failed_checks=lambda est: {
    # stochastic: a weight of 2 is one step of twice the size, not two steps (scikit-learn's SGD
    # estimators fail this check too)
    "check_sample_weight_equivalence_on_dense_data": "SGD steps are not invariant to repeating samples",
    "check_sample_weight_equivalence_on_sparse_data": "SGD steps are not invariant to repeating samples"})
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ---- step-for-step parity (shuffle=False) ------------------------------------------------------
@pytest.mark.parametrize("loss", CLF_LOSSES)
@pytest.mark.parametrize("penalty", PENALTIES)
def test_classifier_parity_cancer_iris(loss, penalty, cancer, iris):
    for lr in SCHEDULES:
        for X, y in (cancer, iris):
            kw = dict(loss=loss, penalty=penalty, learning_rate=lr, shuffle=False, max_iter=15, alpha=1e-3,
                      eta0=0.01)
            s = sk.SGDClassifier(**kw).fit(X, y)
            if np.abs(s.coef_).max() > 1e4:  # a diverging run (squared losses at 'optimal'): chaotic
                continue
            _assert_same(SGDClassifier(**kw).fit(X, y), s)


@pytest.mark.parametrize("loss", REG_LOSSES)
@pytest.mark.parametrize("penalty", PENALTIES)
def test_regressor_parity_diabetes(loss, penalty, diabetes):
    X, y = diabetes
    for lr in SCHEDULES:
        kw = dict(loss=loss, penalty=penalty, learning_rate=lr, shuffle=False, max_iter=15, alpha=1e-2)
        _assert_same(SGDRegressor(**kw).fit(X, y), sk.SGDRegressor(**kw).fit(X, y))


@pytest.mark.parametrize("average", [True, 7, 300])
def test_average_parity(average, cancer, iris, diabetes):
    for X, y in (cancer, iris):
        for pen in ("l2", "elasticnet"):
            kw = dict(shuffle=False, max_iter=8, average=average, penalty=pen, loss="log_loss")
            _assert_same(SGDClassifier(**kw).fit(X, y), sk.SGDClassifier(**kw).fit(X, y))
    kw = dict(shuffle=False, max_iter=8, average=average)
    _assert_same(SGDRegressor(**kw).fit(*diabetes), sk.SGDRegressor(**kw).fit(*diabetes))


def test_weights_parity(cancer, iris, rng):
    sw = rng.uniform(0.2, 3.0, 600)
    for X, y in (cancer, iris):
        for cw in (None, "balanced", {0: 2.5, 1: 0.5}):
            kw = dict(shuffle=False, max_iter=10, class_weight=cw, alpha=1e-3)
            s = sk.SGDClassifier(**kw).fit(X, y, sample_weight=sw[:len(y)])
            _assert_same(SGDClassifier(**kw).fit(X, y, sample_weight=sw[:len(y)]), s)


def test_generated_parity_and_init(rng):
    X = rng.normal(size=(300, 7))
    y = (X @ rng.normal(size=7) + 0.3 * rng.normal(size=300) > 0).astype(int)
    coef0, b0 = rng.normal(size=(1, 7)), np.array([0.3])
    for loss in ("hinge", "log_loss", "modified_huber"):
        kw = dict(loss=loss, shuffle=False, max_iter=30, tol=None, fit_intercept=loss != "hinge")
        # (scikit-learn trains in the caller's coef_init array: give each a copy)
        s = sk.SGDClassifier(**kw).fit(X, y, coef_init=coef0.copy(), intercept_init=b0.copy())
        _assert_same(SGDClassifier(**kw).fit(X, y, coef_init=coef0, intercept_init=b0), s)
    yr = X @ rng.normal(size=7) + 0.1 * rng.normal(size=300)
    kw = dict(shuffle=False, max_iter=30, tol=1e-4, learning_rate="adaptive", eta0=0.05)
    _assert_same(SGDRegressor(**kw).fit(X, yr), sk.SGDRegressor(**kw).fit(X, yr))


def test_partial_fit_parity_and_warm_start(iris, diabetes):
    X, y = iris
    s, m = sk.SGDClassifier(shuffle=False), SGDClassifier(shuffle=False)
    for k in range(4):
        s.partial_fit(X[k::4], y[k::4], classes=[0, 1, 2])
        m.partial_fit(X[k::4], y[k::4], classes=[0, 1, 2])
        _assert_same(m, s)
    assert m.loss_curve_.shape == (3, 4)
    kw = dict(shuffle=False, max_iter=3, tol=None, warm_start=True)
    s, m = sk.SGDRegressor(**kw), SGDRegressor(**kw)
    for _ in range(2):
        s.fit(*diabetes)
        m.fit(*diabetes)
    _assert_same(m, s)


def test_partial_fit_rules(iris):
    X, y = iris
    m = SGDClassifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        m.partial_fit(X, y)
    m.partial_fit(X, y, classes=np.unique(y))
    with pytest.raises(ValueError, match="X has 3 features, but SGDClassifier is expecting 4"):
        m.partial_fit(X[:, :3], y)
    with pytest.raises(ValueError, match="is not the same as on last call"):
        m.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="not in classes"):
        m.partial_fit(X, y + 5)
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        SGDClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="early_stopping should be False with partial_fit"):
        SGDRegressor(early_stopping=True).partial_fit(X, y)
    # classes need not all appear in one batch
    m = SGDClassifier(random_state=0).partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert m.coef_.shape == (3, 4)


# ---- shuffled runs: quality parity, determinism ------------------------------------------------
def test_shuffled_quality(cancer, iris, diabetes):
    for X, y in (cancer, iris):
        for loss in ("hinge", "log_loss", "modified_huber"):
            kw = dict(loss=loss, random_state=0, alpha=1e-3)
            a = SGDClassifier(**kw).fit(X, y).score(X, y)
            b = sk.SGDClassifier(**kw).fit(X, y).score(X, y)
            assert abs(a - b) <= 0.02 + 1e-12
    X, y = cancer

    def objective(model):  # log-loss + l2, averaged over three seeds (one run is noisy)
        z = model.decision_function(X)
        return np.mean(np.logaddexp(0, -(2 * y - 1) * z)) + 0.5e-3 * np.sum(model.coef_ ** 2)

    kw = dict(loss="log_loss", alpha=1e-3, tol=1e-5)
    fm = np.mean([objective(SGDClassifier(random_state=r, **kw).fit(X, y)) for r in range(3)])
    fs = np.mean([objective(sk.SGDClassifier(random_state=r, **kw).fit(X, y)) for r in range(3)])
    assert fm == pytest.approx(fs, rel=0.05)
    kw = dict(random_state=0, max_iter=200, tol=1e-5, alpha=1e-3)
    m, s = SGDRegressor(**kw).fit(*diabetes), sk.SGDRegressor(**kw).fit(*diabetes)
    assert abs(m.score(*diabetes) - s.score(*diabetes)) <= 0.01
    assert m.objective_curve_[-1] == pytest.approx(m.objective_curve_.min(), rel=0.05)


def test_same_seed_same_result(iris):
    X, y = iris
    a = SGDClassifier(random_state=3, n_jobs=1).fit(X, y)
    b = SGDClassifier(random_state=3, n_jobs=2).fit(X, y)
    c = SGDClassifier(random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    assert not np.array_equal(a.coef_, c.coef_)


def test_curves_and_early_stopping(cancer, diabetes):
    X, y = cancer
    m = SGDClassifier(loss="log_loss", shuffle=False, max_iter=10, tol=None).fit(X, y)
    assert m.loss_curve_.shape == m.objective_curve_.shape == (10,)
    assert np.all(m.objective_curve_ >= m.loss_curve_)
    # the first epoch's mean loss, recomputed step by step in NumPy
    w, b, t, losses = np.zeros(X.shape[1]), 0.0, 1.0, []
    alpha = 1e-4
    typw = np.sqrt(1.0 / np.sqrt(alpha))
    t0 = 1.0 / (typw * alpha)
    for xi, yi in zip(X, 2.0 * y - 1):
        p = w @ xi + b
        losses.append(np.logaddexp(0, -yi * p))
        eta = 1.0 / (alpha * (t0 + t - 1))
        g = -yi * np.exp(-np.logaddexp(0, yi * p))
        w = w * max(0, 1 - eta * alpha) - eta * g * xi
        b -= eta * g
        t += 1
    assert m.loss_curve_[0] == pytest.approx(np.mean(losses), rel=1e-9)
    es = SGDClassifier(early_stopping=True, random_state=0, n_iter_no_change=3).fit(X, y)
    assert es.validation_scores_.shape == (es.n_iter_,) and es.n_iter_ < 1000
    assert es.score(X, y) > 0.9
    er = SGDRegressor(early_stopping=True, random_state=0).fit(*diabetes)
    assert er.validation_scores_[-1] > 0.3


def test_predict_proba(cancer, iris):
    for X, y in (cancer, iris):
        for loss in ("log_loss", "modified_huber"):
            kw = dict(loss=loss, shuffle=False, max_iter=20)
            m, s = SGDClassifier(**kw).fit(X, y), sk.SGDClassifier(**kw).fit(X, y)
            np.testing.assert_allclose(m.predict_proba(X), s.predict_proba(X), rtol=1e-6, atol=1e-9)
            with np.errstate(divide="ignore"):
                np.testing.assert_allclose(m.predict_log_proba(X), s.predict_log_proba(X), rtol=1e-6, atol=1e-9)
            np.testing.assert_array_equal(m.predict(X), s.predict(X))
            np.testing.assert_allclose(m.decision_function(X), s.decision_function(X), rtol=1e-6, atol=1e-9)
    m = SGDClassifier().fit(*iris)
    assert not hasattr(m, "predict_proba")
    with pytest.raises(AttributeError, match="probability estimates are not available for loss='hinge'"):
        m.predict_proba(iris[0])


def test_string_labels_and_layouts(cancer):
    X, y = cancer
    labels = np.array(["benign", "malignant"])[y]
    ref = SGDClassifier(shuffle=False, max_iter=5).fit(X, y)
    for dtype, rtol in ((np.float64, 1e-12), (np.float32, 1e-3)):
        for name, Xl in layouts(X.astype(dtype)).items():
            m = SGDClassifier(shuffle=False, max_iter=5).fit(Xl, labels)
            assert m.coef_.dtype == np.float64
            if dtype == np.float64:
                np.testing.assert_allclose(m.coef_, ref.coef_, rtol=rtol, err_msg=name)
            assert np.mean(m.predict(Xl) == labels) > 0.9


# ---- the mlc-only optimisers -------------------------------------------------------------------
@pytest.mark.parametrize("optimizer,kw", [
    ("sgd", dict(learning_rate="invscaling", eta0=0.5, power_t=0.5)),
    ("sgd", dict(batch_size=32, learning_rate="invscaling", eta0=1.0, power_t=0.5)),
    ("momentum", dict(batch_size=16, learning_rate="invscaling", eta0=0.1, power_t=0.5)),
    ("nesterov", dict(batch_size=16, learning_rate="invscaling", eta0=0.1, power_t=0.5)),
    ("adagrad", dict(batch_size=16, learning_rate="constant", eta0=0.5)),
    ("adam", dict(batch_size=16, learning_rate="invscaling", eta0=0.05, power_t=0.5)),
])
def test_optimizers_reach_logistic_optimum(optimizer, kw, cancer):
    X, y = cancer
    n, alpha = len(y), 1e-2
    lr = LogisticRegression(C=1 / (alpha * n), tol=1e-10, max_iter=1000).fit(X, y)

    def objective(coef, b):
        z = X @ np.ravel(coef) + b
        return np.mean(np.logaddexp(0, -(2 * y - 1) * z)) + 0.5 * alpha * np.sum(np.square(coef))

    f0 = objective(lr.coef_, lr.intercept_[0])
    m = SGDClassifier(loss="log_loss", alpha=alpha, optimizer=optimizer, max_iter=300, tol=None, random_state=0,
                      **kw).fit(X, y)
    f = objective(m.coef_, m.intercept_[0])
    assert f0 <= f <= f0 * (1 + 1e-3)
    # partial_fit keeps the optimiser's state: three one-epoch calls == a three-epoch run
    p = SGDClassifier(loss="log_loss", alpha=alpha, optimizer=optimizer, shuffle=False, **kw)
    for _ in range(3):
        p.partial_fit(X, y, classes=[0, 1])
    q = SGDClassifier(loss="log_loss", alpha=alpha, optimizer=optimizer, max_iter=3, tol=None, shuffle=False,
                      **kw).fit(X, y)
    if optimizer != "sgd" or kw.get("batch_size", 1) > 1:
        np.testing.assert_allclose(p.coef_, q.coef_, rtol=1e-12)


# ---- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("params,match", [
    (dict(loss="nope"), "loss"),
    (dict(penalty="l3"), "penalty"),
    (dict(learning_rate="fast"), "learning_rate"),
    (dict(optimizer="lbfgs"), "optimizer"),
    (dict(alpha=-1.0), "alpha"),
    (dict(alpha=0.0), "alpha must be > 0 since learning_rate is 'optimal'"),
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(penalty="elasticnet", l1_ratio=None), "l1_ratio must be set"),
    (dict(max_iter=0), "max_iter"),
    (dict(tol=-1.0), "tol"),
    (dict(eta0=0.0), "eta0"),
    (dict(validation_fraction=1.0), "validation_fraction"),
    (dict(n_iter_no_change=0), "n_iter_no_change"),
    (dict(average=-3), "average"),
    (dict(batch_size=0), "batch_size"),
    (dict(optimizer="adam", average=True), "average is only supported"),
    (dict(epsilon=np.inf), "epsilon"),
    (dict(shuffle="yes"), "shuffle"),
    (dict(class_weight="often"), "class_weight"),
])
def test_bad_params(params, match, iris):
    with pytest.raises((ValueError, TypeError), match=match):
        SGDClassifier(**params).fit(*iris)


def test_bad_data(iris, diabetes):
    X, y = iris
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SGDClassifier().fit(Xn, y)
    Xn[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        SGDRegressor().fit(Xn, diabetes[1][:150])
    with pytest.raises(ValueError, match="0 sample"):
        SGDClassifier().fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="Expected 2D array"):
        SGDClassifier().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SGDClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="number of classes has to be greater than one"):
        SGDClassifier().fit(X, np.zeros(150))
    with pytest.raises(ValueError, match="Unknown label type"):
        SGDClassifier().fit(X, np.linspace(0, 1, 150))
    with pytest.raises(ValueError, match="sample_weight"):
        SGDClassifier().fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="coef_init does not match"):
        SGDClassifier().fit(X, y, coef_init=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="intercept_init does not match"):
        SGDRegressor().fit(*diabetes, intercept_init=np.zeros(3))
    with pytest.raises(ValueError, match="led to an empty set"):
        SGDRegressor(early_stopping=True, validation_fraction=0.99).fit(X[:5], y[:5])
    with pytest.raises(ValueError, match="Floating-point under-/overflow"):
        SGDRegressor(learning_rate="constant", eta0=1e3, penalty=None, max_iter=5).fit(X * 1e150, X[:, 0])


def test_binding_rejects_bad_arrays():
    X, y = np.zeros((5, 3)), np.zeros(5, np.int32)
    coef, b = np.zeros((1, 3)), np.zeros(1)
    base = dict(X=X, y=None, codes=y, pos_code=np.array([1], np.int32), weight_pos=None, weight_neg=None,
                sample_weight=None, val_mask=None, coef=coef, intercept=b, avg_coef=None, avg_intercept=None,
                optim_m=None, optim_v=None, optim_t=None, t0=1.0, loss=0, epsilon=0.1, penalty=2, alpha=1e-4,
                l1_ratio=0.15, fit_intercept=1, max_iter=2, tol=1e-3, n_iter_no_change=5, shuffle=1, seed=0,
                learning_rate=2, eta0=0.01, power_t=0.5, early_stopping=0, intercept_decay=1.0, average=0)
    _mlc.sgd_fit(**base)
    bad = [dict(X=np.zeros(5)), dict(codes=np.zeros(4, np.int32)), dict(coef=np.zeros((1, 4))),
           dict(coef=np.zeros((1, 3), np.float32)), dict(coef=np.zeros((1, 6))[:, ::2]), dict(intercept=[0.0]),
           dict(sample_weight=np.ones(2)), dict(val_mask=np.zeros(3, np.uint8)), dict(loss=42),
           dict(penalty=9), dict(max_iter=0), dict(average=2), dict(optimizer=4),
           dict(weight_pos=np.ones(2)), dict(y=np.zeros(3)), dict(X="x")]
    for override in bad:
        with pytest.raises((ValueError, TypeError)):
            _mlc.sgd_fit(**{**base, **override})


# ---- leaks -------------------------------------------------------------------------------------
@needs_rss
def test_rss_stable(iris):
    X, y = iris

    def once():
        SGDClassifier(max_iter=3, tol=None, random_state=0).fit(X, y).predict(X)
        SGDRegressor(max_iter=2, tol=None, optimizer="adam", batch_size=8, random_state=0).fit(X, X[:, 0])

    assert_rss_stable(once)
