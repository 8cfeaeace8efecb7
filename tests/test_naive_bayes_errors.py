"""Bad input to the naive Bayes classifiers: a clear ValueError/TypeError each, raised before any
fitted state changes."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import datasets

from mlc import _mlc
from mlc.exceptions import NotFittedError
from mlc.naive_bayes import BernoulliNB, CategoricalNB, ComplementNB, GaussianNB, MultinomialNB

ALL = [GaussianNB, MultinomialNB, ComplementNB, BernoulliNB, CategoricalNB]
COUNT_MODELS = [MultinomialNB, ComplementNB]


@pytest.fixture(scope="module")
def iris():
    return datasets.load_iris(return_X_y=True)


@pytest.mark.parametrize("cls", COUNT_MODELS)
def test_negative_counts(cls, iris):
    X, y = iris
    Xn = X.copy()
    Xn[3, 1] = -1.0
    with pytest.raises(ValueError, match=rf"Negative values in data passed to {cls.__name__} \(input X\)"):
        cls().fit(Xn, y)
    with pytest.raises(ValueError, match="Negative values"):
        cls().fit(sp.csr_matrix(Xn), y)
    m = cls().fit(X, y)
    before = m.feature_count_.copy()
    with pytest.raises(ValueError, match="Negative values"):
        m.partial_fit(Xn, y)
    np.testing.assert_array_equal(m.feature_count_, before)


def test_negative_categories(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"Negative values in data passed to CategoricalNB"):
        CategoricalNB().fit(np.array([[0, 1], [-1, 2]]), [0, 1])
    with pytest.raises(ValueError, match="X holds non-numeric values"):
        CategoricalNB().fit(np.array([["a", "b"], ["c", "d"]], dtype=object), [0, 1])


def test_unseen_category_at_predict():
    m = CategoricalNB().fit(np.array([[0, 1], [1, 2], [2, 0]]), [0, 1, 1])
    with pytest.raises(ValueError, match="category 5 of feature 1, beyond the 3 categories"):
        m.predict(np.array([[0, 5]]))
    assert m.predict(np.array([[2, 2]])).shape == (1,)
    # min_categories reserves room for categories not seen in fit
    m = CategoricalNB(min_categories=6).fit(np.array([[0, 1], [1, 2], [2, 0]]), [0, 1, 1])
    assert m.predict(np.array([[0, 5]])).shape == (1,)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("bad,match", [(np.nan, "contains NaN"), (np.inf, "contains infinity")])
def test_nan_and_inf(cls, bad, match, iris):
    X, y = iris
    Xb = X.copy()
    Xb[5, 2] = bad
    with pytest.raises(ValueError, match=match):
        cls().fit(Xb, y)
    m = cls().fit(X.astype(int) if cls is CategoricalNB else X, y)
    with pytest.raises(ValueError, match=match):
        m.predict(Xb)
    if cls in (MultinomialNB, ComplementNB, BernoulliNB):
        with pytest.raises(ValueError, match=match):
            cls().fit(sp.csr_matrix(Xb), y)


@pytest.mark.parametrize("cls", ALL)
def test_empty_wrong_ndim_mismatched_lengths(cls, iris):
    X, y = iris
    with pytest.raises(ValueError, match="0 sample"):
        cls().fit(np.zeros((0, 4)), np.zeros(0))
    with pytest.raises(ValueError, match="0 feature"):
        cls().fit(np.zeros((5, 0)), np.arange(5))
    with pytest.raises(ValueError, match="Expected 2D array, got 1D"):
        cls().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="Found array with dim 3"):
        cls().fit(X.reshape(150, 2, 2), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, y[:-1])
    with pytest.raises(ValueError, match="Unknown label type"):
        cls().fit(X, np.linspace(0, 1, 150))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(149,\), expected \(150,\)"):
        cls().fit(X, y, sample_weight=np.ones(149))
    with pytest.raises(NotFittedError):
        cls().predict(X)
    m = cls().fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4 features"):
        m.predict(X[:, :3])


@pytest.mark.parametrize("cls", ALL)
def test_partial_fit_classes(cls, iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed on the first call to partial_fit"):
        cls().partial_fit(X, y)
    m = cls().partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    state = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in vars(m).items()}
    with pytest.raises(ValueError, match=r"The target label\(s\) \[2\] in y do not exist in the initial classes"):
        m.partial_fit(X, y)
    with pytest.raises(ValueError, match="is not the same as on last call to partial_fit"):
        m.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="X has 3 features"):
        m.partial_fit(X[:, :3], y)
    np.testing.assert_array_equal(m.class_count_, state["class_count_"])


@pytest.mark.parametrize("cls", [MultinomialNB, ComplementNB, BernoulliNB])
def test_sparse_with_a_wrong_shape(cls, iris):
    X, y = iris
    m = cls().fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="X has 5 features, but .* is expecting 4 features"):
        m.predict(sp.csr_matrix(np.hstack([X, X[:, :1]])))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(sp.csr_matrix(X), y[:100])
    with pytest.raises(TypeError, match="Sparse input is not supported"):
        GaussianNB().fit(sp.csr_matrix(X), y)
    with pytest.raises(TypeError, match="Sparse input is not supported"):
        CategoricalNB().fit(sp.csr_matrix(X.astype(int)), y)


@pytest.mark.parametrize("cls", [MultinomialNB, ComplementNB, BernoulliNB, CategoricalNB])
@pytest.mark.parametrize("alpha,err,match", [
    (-1.0, ValueError, r"alpha == -1.0, must be >= 0"),
    (np.nan, ValueError, "alpha == nan, must be a finite number"),
    (np.inf, ValueError, "alpha == inf, must be a finite number"),
    ("big", (TypeError, ValueError), "alpha must be"),
])
def test_absurd_alpha(cls, alpha, err, match, iris):
    X, y = iris
    with pytest.raises(err, match=match):
        cls(alpha=alpha).fit(X.astype(int), y)


def test_absurd_alpha_arrays_and_flags(iris):
    X, y = iris
    with pytest.raises(ValueError, match="it should contains `n_features`. Got 3 elements instead of 4"):
        MultinomialNB(alpha=[1.0, 1.0, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="All values in alpha must be greater than 0"):
        MultinomialNB(alpha=[1.0, -1.0, 1.0, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="All values in alpha must be finite"):
        ComplementNB(alpha=[1.0, np.nan, 1.0, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="1-D array"):
        MultinomialNB(alpha=np.ones((2, 2))).fit(X, y)
    with pytest.raises(TypeError, match="alpha of CategoricalNB must be a float"):
        CategoricalNB(alpha=[1.0] * 4).fit(X.astype(int), y)
    with pytest.raises(TypeError, match="fit_prior must be a bool"):
        MultinomialNB(fit_prior="yes").fit(X, y)
    with pytest.raises(TypeError, match="norm must be a bool"):
        ComplementNB(norm=1).fit(X, y)
    with pytest.raises(ValueError, match=r"binarize == -1.0, must be >= 0"):
        BernoulliNB(binarize=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="Number of priors must match number of classes"):
        MultinomialNB(class_prior=[0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="'min_categories' should have integral type"):
        CategoricalNB(min_categories=2.5).fit(X.astype(int), y)
    with pytest.raises(ValueError, match=r"'min_categories' should have shape \(4,\)"):
        CategoricalNB(min_categories=[3, 3]).fit(X.astype(int), y)


def test_absurd_var_smoothing_and_priors(iris):
    X, y = iris
    for bad, match in ((-1e-9, "var_smoothing == -1e-09, must be >= 0"),
                       (np.nan, "var_smoothing == nan, must be a finite number"),
                       (np.inf, "var_smoothing == inf, must be a finite number")):
        with pytest.raises(ValueError, match=match):
            GaussianNB(var_smoothing=bad).fit(X, y)
    with pytest.raises(TypeError, match="var_smoothing must be an instance of"):
        GaussianNB(var_smoothing="1e-9").fit(X, y)
    with pytest.raises(ValueError, match="Number of priors must match number of classes"):
        GaussianNB(priors=[0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="The sum of the priors should be 1"):
        GaussianNB(priors=[0.5, 0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="Priors must be non-negative"):
        GaussianNB(priors=[1.5, -0.25, -0.25]).fit(X, y)


def test_direct_kernel_calls_raise_and_never_crash():
    X = np.ones((4, 3))
    fc, cc = np.zeros((2, 3)), np.zeros(2)
    with pytest.raises(ValueError, match="invalid argument"):
        _mlc.naive_bayes_count(X, np.array([0, 1, 2, 0], dtype=np.int32), None, fc, cc)
    with pytest.raises(ValueError, match="feature_count"):
        _mlc.naive_bayes_count(X, np.zeros(4, dtype=np.int32), None, np.zeros((2, 4)), cc)
    with pytest.raises(ValueError, match="y"):
        _mlc.naive_bayes_count(X, np.zeros(3, dtype=np.int32), None, fc, cc)
    with pytest.raises(ValueError, match="CSR"):
        _mlc.naive_bayes_count_csr(np.ones(2), np.array([0, 7], dtype=np.int32), np.array([0, 1, 2], dtype=np.int64),
                                   3, np.zeros(2, dtype=np.int32), None, fc, cc)
    with pytest.raises(ValueError, match="W"):
        _mlc.naive_bayes_jll(X, np.ones((2, 4)), np.zeros(2))
    with pytest.raises(ValueError, match="bias"):
        _mlc.naive_bayes_jll(X, np.ones((2, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="invalid argument"):
        _mlc.naive_bayes_categorical_jll(np.array([[0, 9]]), np.zeros(4), np.array([0, 2, 4]), np.zeros(1))
    with pytest.raises(ValueError, match="at least one class"):
        _mlc.naive_bayes_gaussian_jll(X, np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0))
    with pytest.raises(TypeError, match="float64"):
        _mlc.naive_bayes_gaussian_update(X, np.zeros(4, dtype=np.int32), None, np.zeros((2, 3), np.float32),
                                         np.zeros((2, 3)), cc, 1e-9)


def test_direct_linear_kernel_calls_reject_an_unknown_output():
    X = np.ones((4, 3))
    data, indices, indptr = np.ones(2), np.array([0, 2], dtype=np.int32), np.array([0, 1, 2, 2, 2], dtype=np.int64)
    for bad in (-1, 3):
        with pytest.raises(ValueError, match="invalid argument"):
            _mlc.naive_bayes_jll(X, np.ones((2, 3)), np.zeros(2), bad)
        with pytest.raises(ValueError, match="invalid argument"):
            _mlc.naive_bayes_jll_csr(data, indices, indptr, 3, np.ones((2, 3)), np.zeros(2), bad)
    with pytest.raises(ValueError, match="W"):
        _mlc.naive_bayes_jll_csr(data, indices, indptr, 3, np.ones((2, 4)), np.zeros(2))
