"""The naive Bayes classifiers against scikit-learn's on real data.

Every fitted attribute (counts, means, variances, log probabilities, priors, epsilon_) equals
scikit-learn's within 1e-10 relative, and so do the joint log-likelihood and the log posterior
measured against each row's largest |joint log-likelihood| (the posterior's own conditioning: on
digits GaussianNB's joint log-likelihoods reach 1e10, where one ulp is 1e-6), the posterior within
1e-10 on the same scale, and the predictions exactly. partial_fit in chunks equals one fit (and
scikit-learn's partial_fit on the same chunks); sparse CSR input equals its dense copy.
"""
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import datasets
from sklearn import naive_bayes as skn
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc import naive_bayes as nb
from conftest import assert_rss_stable, layouts, needs_rss

RTOL = 1e-10
DATASETS = ["iris", "wine", "digits", "breast_cancer"]
ESTIMATORS = ["GaussianNB", "MultinomialNB", "ComplementNB", "BernoulliNB", "CategoricalNB"]


def load(name):
    return getattr(datasets, f"load_{name}")(return_X_y=True)


def data_for(cls, X):
    """CategoricalNB takes category codes: the features cut into integer bins."""
    if cls == "CategoricalNB":
        return np.floor((X - X.min(axis=0)) / (X.std(axis=0) + 1e-12) * 2).astype(np.int64)
    return X


def assert_same_attributes(ours, theirs):
    for attr in ("class_count_", "class_prior_", "class_log_prior_", "feature_count_", "feature_all_",
                 "feature_log_prob_", "theta_", "var_", "epsilon_", "n_categories_", "category_count_"):
        if not hasattr(theirs, attr):
            assert not hasattr(ours, attr) or attr == "feature_log_prob_", attr
            continue
        a, b = getattr(ours, attr), getattr(theirs, attr)
        if isinstance(b, list):
            assert len(a) == len(b), attr
            for x, y in zip(a, b):
                np.testing.assert_allclose(x, y, rtol=RTOL, atol=0, err_msg=attr)
        else:
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=0, err_msg=attr)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_features_in_ == theirs.n_features_in_


def assert_same_predictions(ours, theirs, X):
    jll_b = theirs.predict_joint_log_proba(X)
    scale = np.maximum(np.abs(jll_b).max(axis=1, keepdims=True), 1.0)
    np.testing.assert_allclose(ours.predict_joint_log_proba(X) / scale, jll_b / scale, rtol=0, atol=RTOL)
    np.testing.assert_allclose(ours.predict_log_proba(X) / scale, theirs.predict_log_proba(X) / scale,
                               rtol=0, atol=RTOL)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0,
                               atol=RTOL * scale.max())
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, theirs.predict(X)) == 1.0


def fit_both(cls, X, y, **kw):
    fit_kw = {"sample_weight": kw.pop("sample_weight")} if "sample_weight" in kw else {}
    return getattr(nb, cls)(**kw).fit(X, y, **fit_kw), getattr(skn, cls)(**kw).fit(X, y, **fit_kw)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_same_as_sklearn_on_real_data(cls, name):
    X, y = load(name)
    X = data_for(cls, X)
    ours, theirs = fit_both(cls, X, y)
    assert_same_attributes(ours, theirs)
    assert_same_predictions(ours, theirs, X)


VARIANTS = [
    ("GaussianNB", dict(var_smoothing=1e-3)),
    ("GaussianNB", dict(var_smoothing=0.0)),
    ("GaussianNB", dict(priors=[0.2, 0.5, 0.3])),
    ("MultinomialNB", dict(alpha=0.01, fit_prior=False)),
    ("MultinomialNB", dict(class_prior=[0.5, 0.25, 0.25])),
    ("MultinomialNB", dict(alpha=np.linspace(0.1, 2.0, 13))),
    ("ComplementNB", dict(norm=True)),
    ("ComplementNB", dict(alpha=np.linspace(0.1, 2.0, 13), norm=True)),
    ("BernoulliNB", dict(binarize=12.0, alpha=0.5)),
    ("BernoulliNB", dict(binarize=None)),
    ("BernoulliNB", dict(binarize=2.0, fit_prior=False)),
    ("CategoricalNB", dict(alpha=0.3, min_categories=12)),
    ("CategoricalNB", dict(min_categories=np.arange(4, 17), class_prior=[0.3, 0.3, 0.4])),
    ("CategoricalNB", dict(fit_prior=False)),
]


@pytest.mark.parametrize("cls,kw", VARIANTS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(VARIANTS)])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
def test_parameters_and_sample_weight_as_sklearn(cls, kw, weighted):
    X, y = load("wine")
    X = data_for(cls, X)
    if kw.get("binarize", 0.0) is None:
        X = (X > np.median(X, axis=0)).astype(float)
    if weighted:
        kw = dict(kw, sample_weight=np.random.default_rng(0).uniform(0.1, 3.0, len(y)))
    ours, theirs = fit_both(cls, X, y, **kw)
    assert_same_attributes(ours, theirs)
    assert_same_predictions(ours, theirs, X)


def test_bernoulli_alpha_per_feature():
    # scikit-learn's BernoulliNB fails on an array alpha (it adds (n_classes,) and (n_features,));
    # mlc's smooths feature j by alpha_j: (count + alpha_j) / (class count + 2 alpha_j)
    X, y = load("wine")
    alpha = np.linspace(0.1, 2.0, 13)
    m = nb.BernoulliNB(binarize=2.0, alpha=alpha).fit(X, y)
    fc = np.stack([(X[y == k] > 2.0).sum(axis=0) for k in range(3)])
    cc = np.bincount(y)[:, None]
    np.testing.assert_allclose(m.feature_log_prob_, np.log((fc + alpha) / (cc + 2 * alpha)), rtol=1e-12)
    ref = nb.BernoulliNB(binarize=2.0, alpha=1.0).fit(X, y)
    m.set_params(alpha=np.ones(13)).fit(X, y)
    np.testing.assert_allclose(m.feature_log_prob_, ref.feature_log_prob_, rtol=1e-15)


def test_force_alpha_false_clips_a_tiny_alpha_with_a_warning():
    X, y = load("iris")
    with pytest.warns(UserWarning, match="alpha too small"):
        ours = nb.MultinomialNB(alpha=0.0, force_alpha=False).fit(X, y)
    with pytest.warns(UserWarning, match="alpha too small"):
        theirs = skn.MultinomialNB(alpha=0.0, force_alpha=False).fit(X, y)
    assert_same_attributes(ours, theirs)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_layouts_dtypes_and_string_labels(cls):
    # float32 (int32 codes for CategoricalNB) is computed in float64: the same model as its float64 copy
    X, y = load("wine")
    X = data_for(cls, X)
    names = np.array(["barolo", "grignolino", "tre"])
    labels = names[y]
    for layout, Xl in layouts(X).items():
        for Xd in (Xl, Xl.astype(np.float32)) if cls != "CategoricalNB" else (Xl, Xl.astype(np.int32)):
            ref = getattr(nb, cls)().fit(np.asarray(Xd, dtype=np.float64), y)
            m = getattr(nb, cls)().fit(Xd, labels)
            np.testing.assert_array_equal(m.predict_proba(Xd), ref.predict_proba(Xd.astype(np.float64)), err_msg=layout)
            np.testing.assert_array_equal(m.predict(Xd), names[ref.predict(Xd)])


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("weighted", [False, True])
def test_partial_fit_in_chunks_equals_one_fit(cls, weighted):
    X, y = load("digits")
    X = data_for(cls, X)
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(y)) if weighted else None
    whole = getattr(nb, cls)().fit(X, y, sample_weight=w)
    ours, theirs = getattr(nb, cls)(), getattr(skn, cls)()
    order = np.argsort(y, kind="stable")  # chunks that miss classes
    for chunk in np.array_split(order, 7):
        kw = {"sample_weight": w[chunk]} if weighted else {}
        ours.partial_fit(X[chunk], y[chunk], classes=np.unique(y), **kw)
        theirs.partial_fit(X[chunk], y[chunk], classes=np.unique(y), **kw)
    assert_same_attributes(ours, theirs)
    assert_same_predictions(ours, theirs, X)
    # the streaming update is Chan et al.'s exact merge: the same model as one fit up to rounding.
    # GaussianNB: scikit-learn takes each chunk's epsilon_ off variances that hold the previous one,
    # so the chunks' model equals the whole fit's without smoothing only
    if cls == "GaussianNB":
        chunks, whole = nb.GaussianNB(var_smoothing=0.0), nb.GaussianNB(var_smoothing=0.0).fit(X, y, sample_weight=w)
        for chunk in np.array_split(order, 7):
            chunks.partial_fit(X[chunk], y[chunk], classes=np.unique(y),
                               sample_weight=w[chunk] if weighted else None)
        np.testing.assert_allclose(chunks.theta_, whole.theta_, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(chunks.var_, whole.var_, rtol=1e-10, atol=1e-12)
    elif cls == "CategoricalNB":
        for a, b in zip(ours.category_count_, whole.category_count_):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    else:
        np.testing.assert_allclose(ours.feature_count_, whole.feature_count_, rtol=1e-12)
        np.testing.assert_allclose(ours.feature_log_prob_, whole.feature_log_prob_, rtol=1e-12)
    np.testing.assert_allclose(ours.class_count_, whole.class_count_, rtol=1e-12)


@pytest.mark.parametrize("cls", ["MultinomialNB", "ComplementNB", "BernoulliNB"])
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_equals_dense_and_sklearn(cls, fmt):
    X, y = load("digits")
    Xs = sp.csr_matrix(X).asformat(fmt)
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    dense = getattr(nb, cls)().fit(X, y, sample_weight=w)
    ours, theirs = fit_both(cls, Xs, y, sample_weight=w)
    assert_same_attributes(ours, theirs)
    assert_same_predictions(ours, theirs, Xs)
    np.testing.assert_allclose(ours.feature_count_, dense.feature_count_, rtol=1e-13)
    np.testing.assert_allclose(ours.predict_proba(Xs), dense.predict_proba(X), rtol=1e-12, atol=1e-15)
    assert sp.issparse(Xs)  # the caller's matrix is left as it was


def test_sparse_partial_fit_and_predict_of_dense_after_sparse_fit():
    X, y = load("digits")
    Xs = sp.csr_matrix(X)
    m = nb.MultinomialNB()
    for chunk in np.array_split(np.arange(len(y)), 3):
        m.partial_fit(Xs[chunk], y[chunk], classes=np.arange(10))
    np.testing.assert_array_equal(m.predict(X), nb.MultinomialNB().fit(X, y).predict(X))


@pytest.mark.parametrize("cls", ["GaussianNB", "MultinomialNB"])
def test_result_does_not_depend_on_the_thread_count(cls, threads):
    rng = np.random.default_rng(3)
    X = rng.poisson(2.0, size=(20_000, 40)).astype(float)
    y = rng.integers(0, 5, len(X))
    out = []
    for n in (1, 2):
        mlc.set_num_threads(n)
        m = getattr(nb, cls)().fit(X, y)
        out.append((m.theta_ if cls == "GaussianNB" else m.feature_count_, m.predict_proba(X)))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


@pytest.mark.parametrize("n_classes", [3, 9, 20, 32, 40])
def test_sparse_posteriors_at_any_class_count_as_sklearn_and_thread_independent(n_classes, threads):
    """The CSR kernel pads each row of classes to whole vectors (8, 16, 24, 32 lanes, and 32-lane passes
    beyond) and makes the posterior in the same pass: every width against scikit-learn, at 1 and 2 threads
    (1.8 million stored values: past the work of one thread)."""
    rng = np.random.default_rng(n_classes)
    X = sp.random(30_000, 1000, density=0.06, format="csr", random_state=rng,
                  data_rvs=lambda k: rng.poisson(3.0, k) + 1.0)
    y = rng.integers(0, n_classes, X.shape[0])
    for cls in ("MultinomialNB", "ComplementNB", "BernoulliNB"):
        ours, theirs = fit_both(cls, X, y)
        assert_same_predictions(ours, theirs, X)
        got = []
        for n in (1, 2):
            mlc.set_num_threads(n)
            got.append([ours.predict_joint_log_proba(X), ours.predict_log_proba(X), ours.predict_proba(X)])
        for a, b in zip(*got):
            np.testing.assert_array_equal(a, b, err_msg=cls)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pickle_round_trip(cls):
    X, y = load("iris")
    X = data_for(cls, X)
    m = getattr(nb, cls)().fit(X, y)
    again = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(again.predict_proba(X), m.predict_proba(X))
    again.partial_fit(X[:10], y[:10])  # the unpickled counts keep updating
    m.partial_fit(X[:10], y[:10])
    np.testing.assert_array_equal(again.predict_proba(X), m.predict_proba(X))


def test_feature_names_in_are_kept():
    pd = pytest.importorskip("pandas")
    X, y = load("iris")
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    m = nb.GaussianNB().fit(df, y)
    np.testing.assert_array_equal(m.feature_names_in_, ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="Feature names"):
        m.predict(df.rename(columns={"a": "z"}))


@needs_rss
@pytest.mark.slow
def test_no_leak_in_fit_predict_loop():
    X, y = load("iris")
    Xs = sp.csr_matrix(X)
    Xc = data_for("CategoricalNB", X)

    def once():
        nb.GaussianNB().fit(X, y).predict_proba(X)
        nb.MultinomialNB().fit(Xs, y).predict_log_proba(Xs)
        nb.CategoricalNB().fit(Xc, y).predict(Xc)
    assert_rss_stable(once)


@parametrize_with_checks([nb.GaussianNB(), nb.MultinomialNB(), nb.ComplementNB(), nb.BernoulliNB(),
                          nb.CategoricalNB(), nb.MultinomialNB(alpha=0.5, fit_prior=False),
                          nb.BernoulliNB(binarize=1.0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
