"""Histogram gradient boosting's early stopping on validation data passed to fit (X_val, y_val,
sample_weight_val, scikit-learn >= 1.7) and on named scorers: the same scores and stopping
iteration as scikit-learn's; max_features < 1: the same features drawn for each split, so the same
trees."""
import numpy as np
import pytest
from sklearn import datasets
from sklearn import ensemble as ske

from mlc.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor


def data(n=3000, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[rng.random(X.shape) < 0.05] = np.nan
    y = np.nan_to_num(X[:, 0]) * 2 + np.sin(3 * np.nan_to_num(X[:, 1])) + rng.normal(scale=0.5, size=n)
    return X, y


@pytest.mark.parametrize("scoring", ["loss", None, "r2", "neg_mean_squared_error", "neg_root_mean_squared_error"])
def test_regressor_validation_data_same_as_sklearn(scoring):
    X, y = data()
    Xv, yv = data(800, seed=1)
    wv = np.random.default_rng(2).uniform(0.5, 2, len(yv))
    kw = dict(early_stopping=True, scoring=scoring, n_iter_no_change=3, learning_rate=0.5, max_iter=200)
    for sw in (None, wv):
        a = HistGradientBoostingRegressor(**kw).fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=sw)
        b = ske.HistGradientBoostingRegressor(**kw).fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=sw)
        assert a.n_iter_ == b.n_iter_ < 200
        np.testing.assert_allclose(a.validation_score_, b.validation_score_, rtol=1e-9)
        np.testing.assert_allclose(a.predict(X[:100]), b.predict(X[:100]), rtol=0, atol=1e-9)


@pytest.mark.parametrize("scoring", ["loss", "accuracy", "neg_log_loss", "roc_auc"])
def test_classifier_validation_data_same_as_sklearn(scoring):
    X, y = data()
    Xv, yv = data(800, seed=1)
    labels = np.array(["low", "high"])
    y, yv = labels[(y > 0).astype(int)], labels[(yv > 0).astype(int)]
    kw = dict(early_stopping=True, scoring=scoring, n_iter_no_change=3, learning_rate=0.5, max_iter=200)
    a = HistGradientBoostingClassifier(**kw).fit(X, y, X_val=Xv, y_val=yv)
    b = ske.HistGradientBoostingClassifier(**kw).fit(X, y, X_val=Xv, y_val=yv)
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_allclose(a.validation_score_, b.validation_score_, rtol=1e-9)


def test_validation_data_errors():
    X, y = data(300)
    with pytest.raises(ValueError, match="X_val is provided, but y_val was not provided"):
        HistGradientBoostingRegressor().fit(X, y, X_val=X)
    with pytest.raises(ValueError, match="y_val is provided, but X_val was not provided"):
        HistGradientBoostingRegressor().fit(X, y, y_val=y)
    with pytest.raises(ValueError, match="early_stopping is False"):
        HistGradientBoostingRegressor(early_stopping=False).fit(X, y, X_val=X, y_val=y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        HistGradientBoostingRegressor(early_stopping=True).fit(X, y, X_val=X, y_val=y[:10])
    with pytest.raises(ValueError, match="y_val contains labels not in y"):
        HistGradientBoostingClassifier(early_stopping=True).fit(X, y > 0, X_val=X, y_val=np.full(len(y), 7))
    with pytest.raises(ValueError, match="scoring must be"):
        HistGradientBoostingRegressor(scoring="no_such_score").fit(X, y)


@pytest.mark.parametrize("max_features", [0.3, 0.5, 0.9])
def test_max_features_same_as_sklearn(max_features):
    X, y = datasets.load_diabetes(return_X_y=True)
    kw = dict(max_iter=30, early_stopping=False, max_features=max_features, random_state=0)
    np.testing.assert_allclose(HistGradientBoostingRegressor(**kw).fit(X, y).predict(X),
                               ske.HistGradientBoostingRegressor(**kw).fit(X, y).predict(X), rtol=0, atol=1e-9)
    X, y = datasets.load_iris(return_X_y=True)
    kw = dict(max_iter=10, early_stopping=False, max_features=max_features, random_state=1)
    np.testing.assert_allclose(HistGradientBoostingClassifier(**kw).fit(X, y).predict_proba(X),
                               ske.HistGradientBoostingClassifier(**kw).fit(X, y).predict_proba(X), rtol=0, atol=1e-10)


def test_max_features_warm_start_continues_the_draws():
    X, y = datasets.load_diabetes(return_X_y=True)
    a = HistGradientBoostingRegressor(max_iter=10, max_features=0.5, warm_start=True, early_stopping=False,
                                      random_state=0).fit(X, y)
    a.set_params(max_iter=20).fit(X, y)
    b = ske.HistGradientBoostingRegressor(max_iter=10, max_features=0.5, warm_start=True, early_stopping=False,
                                          random_state=0).fit(X, y)
    b.set_params(max_iter=20).fit(X, y)
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=0, atol=1e-9)
    with pytest.raises(NotImplementedError, match="interaction_cst"):
        HistGradientBoostingRegressor(max_features=0.5, interaction_cst="pairwise").fit(X, y)
