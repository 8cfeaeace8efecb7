"""StandardScaler and MinMaxScaler fit_transform: mlc vs scikit-learn on the same float64 data.

Quality: the mean of the output's absolute values (the same number on both sides when the two
transforms agree; both sides' outputs are also checked to agree to 1e-9 before timing).
"""
import numpy as np

from bench._harness import compare


def _data(quick):
    n, d = (10**4, 8) if quick else (10**6, 32)
    rng = np.random.default_rng(0)
    # features on different scales and offsets, as real data has
    return rng.standard_normal((n, d)) * np.logspace(-2, 3, d) + np.linspace(-50, 50, d)


def rows(quick=False):
    import sklearn.preprocessing as skp

    import mlc.preprocessing as mp

    X = _data(quick)
    n, d = X.shape
    repeats = 3 if quick else 5
    for name in ("StandardScaler", "MinMaxScaler"):
        ours, ref = getattr(mp, name), getattr(skp, name)
        a, b = ours().fit_transform(X), ref().fit_transform(X)
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
        del a, b
        yield compare("preprocessing", f"{name} fit_transform {n}x{d} float64",
                      lambda: ours().fit_transform(X), lambda: ref().fit_transform(X),
                      quality=lambda out: np.abs(out).mean(), quality_name="mean abs output",
                      repeats=repeats)
