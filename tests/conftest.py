import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def layouts(X):
    """The same matrix as C order, Fortran order, and a non-contiguous view."""
    X = np.asarray(X)
    big = np.zeros((X.shape[0] * 2, X.shape[1] * 3), dtype=X.dtype)
    big[::2, ::3] = X
    return {"C": np.ascontiguousarray(X), "F": np.asfortranarray(X), "view": big[::2, ::3]}
