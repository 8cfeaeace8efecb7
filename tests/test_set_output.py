"""Feature names and set_output as scikit-learn has them: feature_names_in_ recorded from a pandas or
polars DataFrame, reordered/renamed/missing/extra columns rejected, names on one side only warned about,
get_feature_names_out, set_output(transform="default"|"pandas"|"polars") alone and inside
scikit-learn's Pipeline and ColumnTransformer. mlc imports neither pandas nor polars unless asked."""
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (check_dataframe_column_names_consistency,
                                            check_get_feature_names_out_error,
                                            check_global_output_transform_pandas,
                                            check_global_set_output_transform_polars,
                                            check_set_output_transform, check_set_output_transform_pandas,
                                            check_set_output_transform_polars,
                                            check_transformer_get_feature_names_out,
                                            check_transformer_get_feature_names_out_pandas)

from mlc.cluster import KMeans, MiniBatchKMeans
from mlc.decomposition import PCA, TruncatedSVD
from mlc.exceptions import ConvergenceWarning
from mlc.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge, SGDClassifier,
                              SGDRegressor)
from mlc.mixture import GaussianMixture
from mlc.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from mlc.nn import MLPClassifier, MLPRegressor, NeuralNetClassifier, NeuralNetRegressor
from mlc.preprocessing import MinMaxScaler, StandardScaler
from mlc.svm import SVC, SVR, LinearSVC, LinearSVR

ESTIMATORS = [
    KMeans(n_clusters=3, n_init=1, random_state=0), MiniBatchKMeans(n_clusters=3, n_init=1, random_state=0),
    PCA(n_components=3), PCA(n_components=3, svd_solver="randomized", random_state=0),
    TruncatedSVD(n_components=3, random_state=0),
    LinearRegression(), Ridge(), Lasso(alpha=0.01), ElasticNet(alpha=0.01), LogisticRegression(),
    SGDClassifier(random_state=0), SGDRegressor(random_state=0),
    GaussianMixture(n_components=2, random_state=0),
    KNeighborsClassifier(), KNeighborsRegressor(), NearestNeighbors(),
    MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
    MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
    NeuralNetClassifier(max_epochs=5, random_state=0), NeuralNetRegressor(max_epochs=5, random_state=0),
    StandardScaler(), MinMaxScaler(),
    SVC(), SVC(probability=True, random_state=0), SVR(), LinearSVC(random_state=0), LinearSVR(random_state=0),
]
TRANSFORMERS = [e for e in ESTIMATORS if hasattr(e, "transform")]
METHODS = ("predict", "transform", "decision_function", "predict_proba", "predict_log_proba", "score_samples",
           "score", "kneighbors")


def _ids(est):
    return repr(est)


def _data(est, n=60, d=5):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, d))
    if getattr(est, "_estimator_type", None) == "regressor":
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
    else:
        y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


def _frame(X, lib="pandas", names=None, index=None):
    names = [f"f{i}" for i in range(X.shape[1])] if names is None else list(names)
    if lib == "polars":
        return pl.DataFrame(X, schema=names, orient="row")
    return pd.DataFrame(X, columns=names, index=index)


def _methods(est, X, y):
    for name in METHODS:
        if hasattr(est, name):
            fn = getattr(est, name)
            yield name, (lambda X, fn=fn: fn(X, y)) if name == "score" else fn


@pytest.mark.parametrize("est", ESTIMATORS, ids=_ids)
def test_scikit_learn_column_names_check(est):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_dataframe_column_names_consistency(type(est).__name__, est)


@pytest.mark.parametrize("lib", ["pandas", "polars"])
@pytest.mark.parametrize("est", ESTIMATORS, ids=_ids)
def test_feature_names_recorded_and_checked(est, lib):
    X, y = _data(est)
    df = _frame(X, lib)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # no feature-name warning when the names match
        warnings.filterwarnings("error", message=".*feature names", category=UserWarning)
        est = clone(est).fit(df, y)
        assert isinstance(est.feature_names_in_, np.ndarray) and est.feature_names_in_.dtype == object
        assert est.feature_names_in_.tolist() == [f"f{i}" for i in range(5)]
        for name, fn in _methods(est, X, y):
            out_df = fn(df)
            if name not in ("score", "kneighbors") and not est.__class__.__name__.startswith(("MLP", "Neural")):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    np.testing.assert_array_equal(np.asarray(out_df), np.asarray(fn(X)))
    bad = {"reordered": ["f4", "f3", "f2", "f1", "f0"], "renamed": ["f0", "f1", "f2", "f3", "g"]}
    for what, names in bad.items():
        Xb = _frame(X, lib, names)
        for name, fn in _methods(est, X, y):
            with pytest.raises(ValueError, match="The feature names should match those that were passed during fit"):
                fn(Xb)
    with pytest.raises(ValueError, match="Feature names seen at fit time, yet now missing:\n- f4"):
        next(iter(_methods(est, X, y)))[1](_frame(X[:, :4], lib, ["f0", "f1", "f2", "f3"]))
    extra = _frame(np.column_stack([X, X[:, :1]]), lib, [f"f{i}" for i in range(5)] + ["zz"])
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- zz"):
        next(iter(_methods(est, X, y)))[1](extra)


@pytest.mark.parametrize("est", ESTIMATORS, ids=_ids)
def test_names_on_one_side_warn(est):
    X, y = _data(est)
    df = _frame(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        on_frame = clone(est).fit(df, y)
        on_array = clone(est).fit(X, y)
        assert not hasattr(on_array, "feature_names_in_")
        name, fn = next(iter(_methods(on_frame, X, y)))
        with pytest.warns(UserWarning, match=f"X does not have valid feature names, but {type(est).__name__} "
                                             "was fitted with feature names"):
            fn(X)
        name, fn = next(iter(_methods(on_array, X, y)))
        with pytest.warns(UserWarning, match=f"X has feature names, but {type(est).__name__} was fitted "
                                             "without feature names"):
            fn(df)
        # refitting on an array forgets the names
        assert not hasattr(on_frame.fit(X, y), "feature_names_in_")


def test_non_string_column_names():
    X, y = _data(LogisticRegression())
    est = LogisticRegression().fit(pd.DataFrame(X), y)  # integer names: not recorded, as scikit-learn
    assert not hasattr(est, "feature_names_in_")
    with pytest.raises(TypeError, match="Feature names are only supported if all input features have string"):
        LogisticRegression().fit(pd.DataFrame(X, columns=["a", "b", 2, 3, 4]), y)


def test_nullable_pandas_columns_convert():
    df = pd.DataFrame({"a": pd.array([1, 2, None, 4], dtype="Int64"), "b": [1.0, 2.0, 3.0, 4.0]})
    out = StandardScaler().fit_transform(df)
    assert np.isnan(out[2, 0]) and np.isfinite(out[:, 1]).all()


def test_partial_fit_checks_names():
    X, y = _data(SGDClassifier())
    est = SGDClassifier(random_state=0).partial_fit(_frame(X), y, classes=[0, 1])
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        est.partial_fit(_frame(X[:, ::-1], names=[f"f{i}" for i in range(4, -1, -1)]), y)


@pytest.mark.parametrize("est", TRANSFORMERS, ids=_ids)
def test_scikit_learn_set_output_checks(est):
    name = type(est).__name__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for check in (check_set_output_transform, check_set_output_transform_pandas,
                      check_global_output_transform_pandas, check_set_output_transform_polars,
                      check_global_set_output_transform_polars, check_get_feature_names_out_error,
                      check_transformer_get_feature_names_out, check_transformer_get_feature_names_out_pandas):
            check(name, clone(est))


@pytest.mark.parametrize("est", TRANSFORMERS, ids=_ids)
def test_get_feature_names_out(est):
    X, y = _data(est)
    with pytest.raises(NotFittedError):
        clone(est).get_feature_names_out()
    fitted = clone(est).fit(_frame(X), y)
    names = fitted.get_feature_names_out()
    if isinstance(est, (StandardScaler, MinMaxScaler)):
        assert names.tolist() == [f"f{i}" for i in range(5)]
        assert clone(est).fit(X).get_feature_names_out().tolist() == [f"x{i}" for i in range(5)]
        assert fitted.get_feature_names_out([f"f{i}" for i in range(5)]).tolist() == names.tolist()
    else:
        prefix = type(est).__name__.lower()
        assert names.tolist() == [f"{prefix}{i}" for i in range(3)]
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        fitted.get_feature_names_out(["a", "b", "c", "d", "e"])


@pytest.mark.parametrize("est", TRANSFORMERS, ids=_ids)
def test_set_output_containers(est):
    X, y = _data(est)
    df = _frame(X, index=np.arange(100, 160))
    ref = clone(est).fit(X, y).transform(X)
    out = clone(est).set_output(transform="pandas").fit(df, y).transform(df)
    assert isinstance(out, pd.DataFrame)
    assert out.index.tolist() == list(range(100, 160))
    np.testing.assert_allclose(out.to_numpy(), ref, rtol=1e-12, atol=1e-12)
    ft = clone(est).set_output(transform="pandas").fit_transform(df, y)
    assert isinstance(ft, pd.DataFrame) and ft.index.tolist() == list(range(100, 160))
    assert list(ft.columns) == list(out.columns)
    # pandas output from an ndarray: default index, x0.. or prefix names
    assert isinstance(clone(est).set_output(transform="pandas").fit(X, y).transform(X), pd.DataFrame)
    pol = clone(est).set_output(transform="polars").fit(_frame(X, "polars"), y)
    out = pol.transform(_frame(X, "polars"))
    assert isinstance(out, pl.DataFrame) and out.columns == pol.get_feature_names_out().tolist()
    np.testing.assert_allclose(out.to_numpy(), ref, rtol=1e-12, atol=1e-12)
    back = pol.set_output(transform="default").transform(_frame(X, "polars"))
    assert isinstance(back, np.ndarray)
    with pytest.raises(ValueError, match="output config must be in"):
        clone(est).set_output(transform="arrow")


def test_set_output_only_on_transformers():
    assert not hasattr(LogisticRegression(), "set_output")
    assert hasattr(StandardScaler(), "set_output")


def test_global_scikit_learn_config():
    X, _ = _data(PCA())
    with config_context(transform_output="pandas"):
        out = StandardScaler().fit_transform(_frame(X))
    assert isinstance(out, pd.DataFrame)
    assert isinstance(StandardScaler().fit_transform(_frame(X)), np.ndarray)


def test_pipeline_and_column_transformer():
    X, y = _data(LogisticRegression())
    df = _frame(X, index=np.arange(60) * 2)
    pipe = make_pipeline(StandardScaler(), PCA(n_components=2)).set_output(transform="pandas")
    out = pipe.fit_transform(df)
    assert list(out.columns) == ["pca0", "pca1"] and out.index.tolist() == list(df.index)
    full = make_pipeline(StandardScaler(), LogisticRegression()).set_output(transform="pandas").fit(df, y)
    np.testing.assert_array_equal(full.predict(df), make_pipeline(StandardScaler(), LogisticRegression())
                                  .fit(X, y).predict(X))
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        full.predict(df[df.columns[::-1]])
    ct = ColumnTransformer([("scale", StandardScaler(), ["f0", "f1"]),
                            ("pca", PCA(n_components=2), ["f2", "f3", "f4"])]).set_output(transform="pandas")
    out = ct.fit_transform(df)
    assert list(out.columns) == ["scale__f0", "scale__f1", "pca__pca0", "pca__pca1"]
    assert out.index.tolist() == list(df.index)
    assert ct.get_feature_names_out().tolist() == list(out.columns)
    ct_pl = clone(ct).set_output(transform="polars")
    out_pl = ct_pl.fit_transform(_frame(X, "polars"))
    assert isinstance(out_pl, pl.DataFrame) and out_pl.columns == list(out.columns)
    np.testing.assert_allclose(out_pl.to_numpy(), out.to_numpy(), rtol=1e-12)
    km = make_pipeline(StandardScaler(), KMeans(n_clusters=3, n_init=1, random_state=0)).set_output(
        transform="pandas")
    assert list(km.fit_transform(df).columns) == ["kmeans0", "kmeans1", "kmeans2"]


def test_no_frame_library_imported():
    code = ("import sys, numpy as np, mlc\n"
            "from mlc.preprocessing import StandardScaler\nfrom mlc.linear_model import LogisticRegression\n"
            "X = np.random.RandomState(0).normal(size=(20, 3)); y = (X[:, 0] > 0).astype(int)\n"
            "StandardScaler().set_output(transform='default').fit_transform(X)\n"
            "LogisticRegression().fit(X, y).predict(X)\n"
            "bad = [m for m in ('pandas', 'polars', 'sklearn') if m in sys.modules]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True)
