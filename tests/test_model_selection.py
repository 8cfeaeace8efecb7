"""bias_variance_decomp against a plain NumPy reference of mlxtend's definitions (the same bootstrap
draws, loops instead of vectorised counts), known cases, and bad input."""
import numpy as np
import pytest
from sklearn import datasets

from mlc.base import BaseEstimator
from mlc.model_selection import bias_variance_decomp
from mlc.tree import DecisionTreeClassifier, DecisionTreeRegressor


def reference(estimator, X_train, y_train, X_test, y_test, loss, num_rounds, random_seed):
    """mlxtend's bias_variance_decomp, written out with loops (integer labels)."""
    rng = np.random.RandomState(random_seed)
    preds = []
    for _ in range(num_rounds):
        idx = rng.choice(np.arange(X_train.shape[0]), size=X_train.shape[0], replace=True)
        preds.append(estimator.fit(X_train[idx], y_train[idx]).predict(X_test))
    P = np.array(preds)
    if loss == "mse":
        main = P.mean(axis=0)
        return (np.mean([np.mean((p - y_test) ** 2) for p in P]), np.sum((main - y_test) ** 2) / y_test.size,
                np.sum((main - P) ** 2) / P.size)
    main = np.array([np.argmax(np.bincount(P[:, j].astype(np.int64))) for j in range(P.shape[1])])
    var = sum((p != main).astype(int) for p in P) / num_rounds
    return (np.mean([np.mean(p != y_test) for p in P]), np.sum(main != y_test) / y_test.size,
            var.sum() / y_test.shape[0])


def split(X, y, n_train, seed=0):
    p = np.random.RandomState(seed).permutation(len(y))
    X, y = X[p], y[p]
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@pytest.mark.parametrize("name,depth", [("iris", None), ("iris", 1), ("breast_cancer", 3), ("digits", 4)])
def test_zero_one_loss_same_as_reference(name, depth):
    parts = split(*getattr(datasets, f"load_{name}")(return_X_y=True), 300 if name != "iris" else 100)
    tree = DecisionTreeClassifier(max_depth=depth, random_state=0)
    ours = bias_variance_decomp(tree, *parts, num_rounds=25, random_seed=3)
    np.testing.assert_allclose(ours, reference(tree, *parts, "0-1_loss", 25, 3), rtol=1e-12, atol=0)


@pytest.mark.parametrize("depth", [1, 3, None])
def test_mse_same_as_reference_and_adds_up(depth):
    parts = split(*datasets.load_diabetes(return_X_y=True), 300)
    tree = DecisionTreeRegressor(max_depth=depth)
    loss, bias, var = bias_variance_decomp(tree, *parts, loss="mse", num_rounds=25, random_seed=1)
    np.testing.assert_allclose((loss, bias, var), reference(tree, *parts, "mse", 25, 1), rtol=1e-12)
    assert loss == pytest.approx(bias + var, rel=1e-12)  # squared loss: E(p - y)^2 = (Ep - y)^2 + Var p


class Constant(BaseEstimator):
    """Predicts `value` whatever it was fitted on: no variance."""

    def __init__(self, value=0.0):
        self.value = value

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.full(len(X), self.value)


class TrainMean(BaseEstimator):
    """Predicts the mean of its training targets."""

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


def test_known_cases():
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.arange(20, dtype=float)
    # a constant: no variance, the bias is the loss
    loss, bias, var = bias_variance_decomp(Constant(2.0), X, y, X[:5], y[:5], loss="mse", num_rounds=10)
    assert var == 0.0 and bias == loss == pytest.approx(np.mean((2.0 - y[:5]) ** 2))
    loss, bias, var = bias_variance_decomp(Constant(1), X, (y > 9).astype(int), X, (y > 9).astype(int))
    assert (loss, bias, var) == (0.5, 0.5, 0.0)
    # the training mean over bootstrap replicates: its variance is the variance of a bootstrap mean, var(y)/n
    loss, bias, var = bias_variance_decomp(TrainMean(), X, y, X[:1], y[:1], loss="mse", num_rounds=4000,
                                           random_seed=0)
    assert var == pytest.approx(np.var(y) / len(y), rel=0.1)
    assert bias == pytest.approx((np.mean(y) - y[0]) ** 2, rel=0.02)
    # string labels: the mode's ties go to the smallest label, as mlxtend's bincount argmax
    Xi, yi = datasets.load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])
    parts = split(Xi, yi, 100)
    ours = bias_variance_decomp(DecisionTreeClassifier(random_state=0), parts[0], names[parts[1]], parts[2],
                                names[parts[3]], num_rounds=15, random_seed=0)
    np.testing.assert_allclose(ours, bias_variance_decomp(DecisionTreeClassifier(random_state=0), *parts,
                                                          num_rounds=15, random_seed=0))


def test_same_seed_same_numbers():
    parts = split(*datasets.load_breast_cancer(return_X_y=True), 300)
    a = bias_variance_decomp(DecisionTreeClassifier(random_state=0), *parts, num_rounds=10, random_seed=5)
    b = bias_variance_decomp(DecisionTreeClassifier(random_state=0), *parts, num_rounds=10, random_seed=5)
    assert a == b


def test_bad_input():
    X, y = datasets.load_iris(return_X_y=True)
    tree = DecisionTreeClassifier()
    with pytest.raises(ValueError, match="loss must be"):
        bias_variance_decomp(tree, X, y, X, y, loss="log_loss")
    with pytest.raises(ValueError, match="num_rounds"):
        bias_variance_decomp(tree, X, y, X, y, num_rounds=0)
    with pytest.raises(ValueError, match="different numbers of rows"):
        bias_variance_decomp(tree, X, y[:-1], X, y)
    with pytest.raises(TypeError, match="fit and predict"):
        bias_variance_decomp("tree", X, y, X, y)
    with pytest.raises(ValueError, match="finite"):
        bias_variance_decomp(DecisionTreeRegressor(), X, y, X, np.where(y == 1, np.nan, y), loss="mse",
                             num_rounds=2)
