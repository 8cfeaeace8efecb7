"""A real hyper-parameter set to NaN or inf is refused with a ValueError that names it, for every
estimator (a range check alone lets NaN through: every comparison with it is False). The exceptions are
scikit-learn's own: C=inf is a hard margin for LogisticRegression and SVC, and a radius may be inf."""
import importlib
import pkgutil
import warnings

import numpy as np
import pytest

import mlc

# (estimator, parameter, value) that scikit-learn accepts on purpose
ALLOWED = {("LogisticRegression", "C", np.inf), ("SVC", "C", np.inf), ("NearestNeighbors", "radius", np.inf),
           ("RadiusNeighborsClassifier", "radius", np.inf), ("RadiusNeighborsRegressor", "radius", np.inf)}



@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris
    return load_iris(return_X_y=True)


def _cases():
    for family in sorted(m.name for m in pkgutil.iter_modules(mlc.__path__) if m.ispkg):
        module = importlib.import_module(f"mlc.{family}")
        for name in getattr(module, "__all__", []):
            cls = getattr(module, name)
            if not (isinstance(cls, type) and hasattr(cls, "get_params") and hasattr(cls, "fit")):
                continue
            for param, default in cls().get_params().items():
                if isinstance(default, float) and not isinstance(default, bool):
                    for bad in (np.nan, np.inf):
                        if (name, param, bad) not in ALLOWED:
                            yield pytest.param(cls, param, bad, id=f"{name}-{param}-{bad}")


@pytest.mark.parametrize("cls,param,bad", list(_cases()))
def test_non_finite_hyper_parameter_is_refused(cls, param, bad, iris):
    X, y = iris
    regressor = getattr(cls, "_estimator_type", None) == "regressor" or "Regress" in cls.__name__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=param):
            cls(**{param: bad}).fit(X, y.astype(float) if regressor else y)


def test_the_allowed_infinities_fit():
    from mlc.linear_model import LogisticRegression
    from mlc.svm import SVC, SVR
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [3.0, 3.0], [4.0, 3.0], [3.0, 4.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    assert (SVC(C=np.inf, kernel="linear").fit(X, y).predict(X) == y).all()
    assert (LogisticRegression(C=np.inf, solver="newton-cg").fit(X[:4], [0, 1, 0, 1]).classes_ == [0, 1]).all()
    with pytest.raises(ValueError, match="C == inf, must be a finite number"):
        SVR(C=np.inf).fit(X, y.astype(float))
