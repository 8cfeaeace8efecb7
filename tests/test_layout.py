"""The package's shape: every family is a package mlc/<family>/ whose __init__ lists its public names
and whose other modules are private; ``help(mlc)`` names every family and its public classes and
functions; pickles of fitted estimators load back through those names."""
import inspect
import os
import pickle
import pkgutil
import re

import numpy as np
import pytest

import mlc

FAMILIES = sorted(m.name for m in pkgutil.iter_modules(mlc.__path__) if m.ispkg)
# top-level public modules that are not families (as sklearn.base, sklearn.exceptions)
TOP_LEVEL = {"base", "exceptions"}


def _public(family):
    module = getattr(mlc, family)
    return [(name, getattr(module, name)) for name in module.__all__]


def test_every_family_is_a_package_with_private_modules():
    assert FAMILIES, "no family packages found"
    for m in pkgutil.iter_modules(mlc.__path__):
        if not m.ispkg and not m.name.startswith("_"):
            assert m.name in TOP_LEVEL, f"mlc/{m.name}.py is a public flat module; make it mlc/{m.name}/"
    for family in FAMILIES:
        package = getattr(mlc, family)
        inner = [m.name for m in pkgutil.iter_modules(package.__path__)]
        public = [name for name in inner if not name.startswith("_")]
        assert not public, f"mlc.{family} has public-looking modules {public}: name them _<part>.py"
        assert package.__all__, f"mlc.{family}.__init__ lists no public names"
        assert family in mlc.__all__


@pytest.mark.parametrize("family", FAMILIES)
def test_help_lists_each_family_and_its_names(family):
    doc = mlc.__doc__
    assert re.search(rf"^{family}$", doc, re.M), f"mlc.__doc__ does not name the family {family}"
    missing = [name for name, obj in _public(family)
               if (inspect.isclass(obj) or inspect.isfunction(obj)) and not re.search(rf"\b{name}\b", doc)]
    assert not missing, f"mlc.__doc__ does not list {missing} of mlc.{family}"


def test_help_lists_every_estimator():
    estimators = [name for family in FAMILIES for name, obj in _public(family)
                  if inspect.isclass(obj) and hasattr(obj, "fit") and hasattr(obj, "get_params")]
    assert len(estimators) >= 20
    assert [name for name in estimators if not re.search(rf"\b{name}\b", mlc.__doc__)] == []


@pytest.mark.filterwarnings("ignore::mlc.exceptions.ConvergenceWarning")
def test_fitted_estimators_pickle_through_their_family():
    # a pickle names the private module a class is written in (as scikit-learn's do); that module
    # must be the one the family's public name comes from, so a pickle loads back the same class
    from mlc.cluster import KMeans
    from mlc.nn import MLPClassifier
    from mlc.preprocessing import StandardScaler

    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    for est in (KMeans(2, n_init=1, random_state=0).fit(X), StandardScaler().fit(X),
                MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)):
        cls = type(est)
        family = cls.__module__.split(".")[1]
        assert getattr(getattr(mlc, family), cls.__name__) is cls
        assert re.fullmatch(rf"mlc\.{family}\._\w+", cls.__module__), cls.__module__
        again = pickle.loads(pickle.dumps(est))
        out = est.predict(X) if hasattr(est, "predict") else est.transform(X)
        out2 = again.predict(X) if hasattr(again, "predict") else again.transform(X)
        np.testing.assert_array_equal(out, out2)


def test_pyproject_finds_packages():
    # the wheel's package list is discovered (tests/test_packaging.py builds and installs it)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "pyproject.toml")) as f:
        text = f.read()
    assert "[tool.setuptools.packages.find]" in text and not re.search(r"^packages\s*=", text, re.M)


def test_tour_has_one_section_per_family():
    pytest.importorskip("sklearn")
    from mlc import __main__ as tour

    sections = [s.__name__ for s in tour._SECTIONS]
    assert set(sections) == {f"_{f}_rows" for f in FAMILIES}
    rows = tour._entries()
    assert len(rows) >= 55 and all(callable(r[3]) and callable(r[4]) for r in rows)
    shown = {r[0].split("(")[0].split(" ")[0] for r in rows}
    estimators = {name for f in FAMILIES for name, obj in _public(f)
                  if inspect.isclass(obj) and hasattr(obj, "fit") and hasattr(obj, "get_params")}
    assert estimators - {"NearestNeighbors", "NeuralNetClassifier", "NeuralNetRegressor"} <= shown, \
        sorted(estimators - shown)
