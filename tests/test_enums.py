"""The enums come from C once (csrc/core/enums.h): mlc._mlc exports every constant and ENUMS, and every
Python table from user strings to C numbers takes its values from there, so renumbering an enum in C can
never silently desynchronise Python."""
import ast
import importlib
import pathlib
import pkgutil
import re

import pytest

import mlc
from mlc import _mlc

ROOT = pathlib.Path(__file__).resolve().parents[1]
ENUMS_H = ROOT / "csrc" / "core" / "enums.h"
needs_source = pytest.mark.skipif(not ENUMS_H.exists(), reason="needs the C sources")


def c_enums():
    """{list macro: [(constant, value, name)]} and {ENUMS key: list macro}, parsed from enums.h."""
    text = ENUMS_H.read_text()
    lists = {}
    for m in re.finditer(r"#define (MLC_\w+_LIST)\(X\)((?:[^\n]*\\\n)*[^\n]*)", text):
        rows = re.findall(r'X\((MLC_\w+), (-?\d+), "([^"]+)"\)', m.group(2))
        lists[m.group(1)] = [(c, int(v), s) for c, v, s in rows]
    keys = dict(re.findall(r'E\("(\w+)", (MLC_\w+_LIST), \w+\)', text))
    return lists, keys


def find(package, name):
    """The module-level `name` of `package` or of one of its submodules (a family may be a module or
    a package of private modules)."""
    mod = importlib.import_module(package)
    if hasattr(mod, name):
        return getattr(mod, name)
    for info in pkgutil.walk_packages(getattr(mod, "__path__", []), package + "."):
        sub = importlib.import_module(info.name)
        if name in vars(sub):
            return vars(sub)[name]
    raise LookupError(f"{name} not found in {package}")


@needs_source
def test_every_c_enum_is_exported():
    lists, keys = c_enums()
    assert lists and sorted(keys.values()) == sorted(lists), "every list in enums.h is in MLC_ENUMS"
    assert sorted(_mlc.ENUMS) == sorted(keys)
    for key, macro in keys.items():
        rows = lists[macro]
        assert _mlc.ENUMS[key] == {s: v for _, v, s in rows}
        for constant, value, _ in rows:
            assert getattr(_mlc, constant[len("MLC_"):]) == value


@needs_source
def test_no_other_header_defines_an_enum_shared_with_python():
    """Enums for Python live in core/enums.h only (mlc.h's status codes and the binding's flags are not
    Python's)."""
    allowed = re.compile(r"MLC_(OK|E[A-Z]+|BIND_[A-Z]+)$")
    for path in (ROOT / "csrc").rglob("*.h"):
        if path == ENUMS_H:
            continue
        for body in re.findall(r"\benum\s*\w*\s*\{([^}]*)\}", path.read_text()):
            for name in re.findall(r"\b(MLC_\w+)\s*(?:=|,|$)", body):
                assert allowed.match(name), f"{path.relative_to(ROOT)}: {name} belongs in core/enums.h"


@pytest.mark.parametrize("key", sorted(_mlc.ENUMS))
def test_values_are_distinct_within_an_enum(key):
    values = list(_mlc.ENUMS[key].values())
    assert len(values) == len(set(values)) and values
    assert all(type(v) is int for v in values)


def same_names(table, key, aliases=()):
    """Every entry of a Python table is the C value of the same name (aliases: {python: C name})."""
    c = _mlc.ENUMS[key]
    aliases = dict(aliases)
    for name, value in table.items():
        c_name = aliases.get(name, "none" if name is None else name)
        assert c_name in c, f"{name!r} is not a name of the C enum {key!r}"
        assert value == c[c_name], f"{key}: {name!r} is {value}, C says {c[c_name]}"


TABLES = [
    ("mlc.nn", "_INIT", "nn_init"),
    ("mlc.nn", "_ACT", "nn_activation"),
    ("mlc.decomposition", "_NORMALIZERS", "pca_normalizer"),
    ("mlc.cluster", "_ALGORITHMS", "kmeans_algorithm"),
    ("mlc.neighbors", "_WEIGHTS", "knn_weights"),
    ("mlc.neighbors", "_ALGORITHMS", "knn_algorithm"),
    ("mlc.mixture", "_COV_TYPES", "covariance_type"),
    ("mlc.svm._kernel", "_KERNELS", "svm_kernel"),
    ("mlc.linear_model._sgd", "_LOSSES", "sgd_loss"),
    ("mlc.linear_model._sgd", "_PENALTIES", "penalty"),
    ("mlc.linear_model._sgd", "_LEARNING_RATES", "learning_rate"),
    ("mlc.linear_model._sgd", "_OPTIMIZERS", "optimizer"),
    ("mlc.linear_model._logistic", "_SOLVERS", "logistic_solver"),
    ("mlc.linear_model._logistic", "_PENALTIES", "penalty"),
    ("mlc.linear_model._logistic", "_SCHEDULES", "learning_rate"),
]


@pytest.mark.parametrize("package, name, key", TABLES)
def test_python_table_matches_c(package, name, key):
    same_names(find(package, name), key)


def test_pairwise_metrics_match_c():
    from mlc.metrics import PAIRWISE_METRICS
    same_names(PAIRWISE_METRICS, "metric", {"l2": "euclidean", "cityblock": "manhattan", "l1": "manhattan"})
    assert set(_mlc.ENUMS["metric"]) <= set(PAIRWISE_METRICS)


def test_linear_svm_solvers_are_c_constants():
    solvers = find("mlc.svm._linear", "_SOLVERS")
    assert set(solvers.values()) <= set(_mlc.ENUMS["linear_svm_solver"].values())


def test_network_optimizers_are_c_constants():
    from mlc.nn import SGD, Adagrad, Adam, AdamW
    same_names({"sgd": SGD.method, "adagrad": Adagrad.method, "adam": Adam.method, "adamw": AdamW.method},
               "optimizer")


def is_literal(node):
    """A string / None key, or a tuple of literals (svm's (loss, penalty, dual) keys)."""
    if isinstance(node, ast.Tuple):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, type(None)))


def test_no_hand_copied_numbers_in_python():
    """No module-level dict of mlc maps strings to integer literals, and no class sets an int literal
    as its C code: such tables take their values from mlc._mlc."""
    base = pathlib.Path(mlc.__file__).parent
    for path in base.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and node.keys and all(is_literal(k) for k in node.keys) \
                    and all(isinstance(v, ast.Constant) and type(v.value) is int for v in node.values):
                raise AssertionError(f"{path.relative_to(base)}:{node.lineno}: a table of hand-copied numbers")
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign) and any(
                            isinstance(t, ast.Name) and t.id in ("method", "kind", "code") for t in stmt.targets) \
                            and isinstance(stmt.value, ast.Constant) and type(stmt.value.value) is int:
                        raise AssertionError(f"{path.relative_to(base)}:{stmt.lineno}: a hand-copied C code")
