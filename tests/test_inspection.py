"""permutation_importance (mlc.inspection) against scikit-learn's: the same shuffles, so on the same
fitted model the same importances; scoring by the estimator's score, a name or a callable; bad input."""
import numpy as np
import pytest
from sklearn import datasets
from sklearn import inspection as ski

from mlc.ensemble import RandomForestClassifier, RandomForestRegressor
from mlc.inspection import permutation_importance
from mlc.linear_model import Ridge


@pytest.mark.parametrize("kw", [dict(), dict(n_repeats=3, random_state=7), dict(max_samples=0.5, random_state=1),
                                dict(scoring="accuracy", max_samples=100, random_state=2)])
def test_equals_sklearn_on_the_same_model(kw):
    X, y = datasets.load_breast_cancer(return_X_y=True)
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    kw = {"random_state": 0, **kw}
    ours = permutation_importance(model, X, y, **kw)
    ref = ski.permutation_importance(model, X, y, **kw)
    np.testing.assert_allclose(ours.importances, ref.importances, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours["importances_mean"], ref.importances_mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.importances_std, ref.importances_std, rtol=1e-12, atol=1e-15)
    assert ours.importances.shape == (X.shape[1], kw.get("n_repeats", 5))


def test_callable_scoring_sample_weight_and_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = datasets.load_diabetes(return_X_y=True, as_frame=True)
    model = Ridge(alpha=1.0).fit(X.to_numpy(), y)
    w = np.linspace(0.5, 2.0, len(y))

    def scorer(est, X, y, sample_weight=None):
        return -np.average((est.predict(np.asarray(X)) - y) ** 2, weights=sample_weight)

    for data in (X.to_numpy(), pd.DataFrame(X.to_numpy())):
        ours = permutation_importance(model, data, y, scoring=scorer, sample_weight=w, random_state=3)
        ref = ski.permutation_importance(model, data, y, scoring=scorer, sample_weight=w, random_state=3)
        np.testing.assert_allclose(ours.importances, ref.importances, rtol=1e-10)
    forest = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    r = permutation_importance(forest, X, y, scoring="r2", random_state=0)
    assert np.argmax(r.importances_mean) in (2, 8)  # bmi or s5, the strongest features


@pytest.mark.parametrize("kw, match", [(dict(n_repeats=0), "n_repeats == 0, must be >= 1"),
                                       (dict(max_samples=1000), "max_samples must be <= n_samples"),
                                       (dict(max_samples=1.5), "max_samples == 1.5, must be <= 1"),
                                       (dict(scoring="nope"), "scoring must be")])
def test_bad_input(kw, match):
    X, y = datasets.load_iris(return_X_y=True)
    model = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=match):
        permutation_importance(model, X, y, **kw)
