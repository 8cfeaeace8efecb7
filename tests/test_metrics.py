"""mlc.metrics (classification, ranking, regression) against sklearn.metrics.

Numbers: the same to 1e-12 relative (RTOL) — counts are exact, and ROC points come out of the same
stable sort and running sums, so they are bit-identical; the scalar sums differ from NumPy's
pairwise sums by a few ulps. Return types, dtypes, errors and warnings are scikit-learn's too.
"""
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn import datasets
from sklearn.naive_bayes import GaussianNB

import mlc
from mlc import _mlc
from mlc import metrics as mm
from mlc.metrics._classification import InvalidParameterError, UndefinedMetricWarning
from conftest import assert_rss_stable, layouts, needs_rss

RTOL = 1e-12


def assert_same(ours, ref, tag=""):
    """Same type (float stays float, arrays keep their dtype), shape and numbers within RTOL."""
    if isinstance(ref, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(ref)
        for a, b in zip(ours, ref):
            assert_same(a, b, tag)
        return
    if ref is None:
        assert ours is None, tag
        return
    if isinstance(ref, np.ndarray):
        assert isinstance(ours, np.ndarray), tag
        assert ours.dtype == ref.dtype and ours.shape == ref.shape, (tag, ours.dtype, ref.dtype)
    else:
        assert isinstance(ours, float) == isinstance(ref, float), (tag, type(ours), type(ref))
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=0, equal_nan=True, err_msg=str(tag))


def both(name, *args, **kwargs):
    """Call mlc's and sklearn's `name`; they must agree on the result or on the error, and emit
    the same warnings (NumPy's RuntimeWarnings aside)."""
    out = []
    for mod in (mm, skm):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            try:
                res, err = getattr(mod, name)(*args, **kwargs), None
            except Exception as e:  # noqa: BLE001 - compared below
                res, err = None, e
        msgs = [(w.category.__name__, str(w.message)) for w in rec
                if not issubclass(w.category, RuntimeWarning)]
        out.append((res, err, msgs))
    (r1, e1, w1), (r2, e2, w2) = out
    assert w1 == w2, (name, kwargs, w1, w2)
    if e1 is not None or e2 is not None:
        assert e1 is not None and e2 is not None, (name, kwargs, e1, e2)
        assert str(e1) == str(e2), (e1, e2)
        assert isinstance(e1, ValueError) == isinstance(e2, ValueError), (e1, e2)
        return None
    assert_same(r1, r2, (name, kwargs))
    return r1


# ---- real data: a Gaussian naive Bayes classifier on scikit-learn's bundled sets ----------------

@pytest.fixture(scope="module", params=["iris", "wine", "breast_cancer", "digits"])
def real(request):
    X, y = getattr(datasets, f"load_{request.param}")(return_X_y=True)
    clf = GaussianNB().fit(X[::2], y[::2])
    return y[1::2], clf.predict(X[1::2]), clf.predict_proba(X[1::2])


def test_real_data_classification(real):
    y, pred, proba = real
    both("accuracy_score", y, pred)
    both("confusion_matrix", y, pred)
    both("confusion_matrix", y, pred, normalize="true")
    for average in (None, "micro", "macro", "weighted"):
        both("precision_recall_fscore_support", y, pred, average=average)
        both("f1_score", y, pred, average=average, zero_division=0)
    both("log_loss", y, proba)
    both("log_loss", y, proba, sample_weight=np.arange(len(y)) % 3 + 0.5)


def test_real_data_ranking(real):
    y, pred, proba = real
    if len(np.unique(y)) == 2:
        both("roc_auc_score", y, proba[:, 1])
        both("roc_curve", y, proba[:, 1])
        both("roc_auc_score", y, proba[:, 1], max_fpr=0.2)
    else:
        for multi_class in ("ovr", "ovo"):
            for average in ("macro", "weighted"):
                both("roc_auc_score", y, proba, multi_class=multi_class, average=average)
        both("roc_auc_score", y, proba, multi_class="ovr", average=None)
        both("roc_auc_score", y, proba, multi_class="ovr", average="micro")


def test_real_data_regression():
    X, y = datasets.load_diabetes(return_X_y=True)
    pred = X @ np.linalg.lstsq(X, y - y.mean(), rcond=None)[0] + y.mean()
    both("r2_score", y, pred)
    both("mean_squared_error", y, pred)
    Y = np.c_[y, y[::-1]]
    P = np.c_[pred, pred[::-1] + 3]
    for multioutput in ("raw_values", "uniform_average", [0.3, 0.7]):
        both("r2_score", Y, P, multioutput=multioutput, sample_weight=X[:, 0] + 1)
        both("mean_squared_error", Y, P, multioutput=multioutput, sample_weight=X[:, 0] + 1)
    both("r2_score", Y, P, multioutput="variance_weighted")


# ---- generated labels of every kind ---------------------------------------------------------

LABELS = {
    "int": np.array([0, 1, 2, 3]), "binary": np.array([0, 1]), "negative": np.array([-5, 7, 10**6]),
    "wide": np.array([0, 5, 10**12]), "float": np.array([-1.0, 2.0, 3.0]),
    "bool": np.array([False, True]),
    "str": np.array(["ant", "bird", "cat"]), "str-binary": np.array(["no", "yes"]),
    "object": np.array(["x", "yy", "z"], dtype=object), "uint8": np.array([3, 9], dtype=np.uint8),
}


def draw(kind, n, rng, noise=0.4):
    labels = LABELS[kind]
    y = labels[rng.integers(0, len(labels), n)]
    pred = np.where(rng.random(n) < 1 - noise, y, labels[rng.integers(0, len(labels), n)])
    return labels, y, pred


WEIGHTS = ["none", "float", "int"]


def weights(kind, n, rng):
    return {"none": None, "float": rng.random(n), "int": rng.integers(0, 4, n)}[kind]


@pytest.mark.parametrize("kind", LABELS)
@pytest.mark.parametrize("wkind", WEIGHTS)
def test_accuracy_and_confusion(kind, wkind, rng):
    labels, y, pred = draw(kind, 300, rng)
    w = weights(wkind, 300, rng)
    for normalize in (True, False):
        both("accuracy_score", y, pred, normalize=normalize, sample_weight=w)
    for normalize in (None, "true", "pred", "all"):
        both("confusion_matrix", y, pred, sample_weight=w, normalize=normalize)
    both("confusion_matrix", y, pred, sample_weight=w, labels=labels[::-1])
    both("confusion_matrix", y, pred, sample_weight=w, labels=labels[:1])
    # lists of Python scalars go the same way as arrays
    both("confusion_matrix", y.tolist(), pred.tolist(), sample_weight=w)


@pytest.mark.parametrize("kind", LABELS)
@pytest.mark.parametrize("wkind", ["none", "float"])
def test_precision_recall_f(kind, wkind, rng):
    labels, y, pred = draw(kind, 200, rng)
    w = weights(wkind, 200, rng)
    for average in (None, "micro", "macro", "weighted", "binary"):
        for beta in (1.0, 0.5, 0.0, np.inf):
            kw = dict(average=average, beta=beta, sample_weight=w)
            if average == "binary":
                kw["pos_label"] = labels[-1]
            both("precision_recall_fscore_support", y, pred, **kw)
    for func in ("precision_score", "recall_score", "f1_score"):
        both(func, y, pred, average="macro", sample_weight=w)
        both(func, y, pred, average=None, labels=list(labels[:2]) + [labels[0]], sample_weight=w)
        if len(labels) == 2:
            both(func, y, pred, pos_label=labels[0], sample_weight=w)


@pytest.mark.parametrize("zero_division", ["warn", 0, 1, 0.0, 1.0, np.nan])
@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted", "binary"])
def test_zero_division(zero_division, average):
    # class 2 is never predicted, class 3 never true, class 4 appears nowhere but in labels
    y = [0, 1, 2, 2, 0]
    pred = [0, 1, 1, 3, 0]
    both("precision_recall_fscore_support", y, pred, average=average,
         zero_division=zero_division)
    both("precision_recall_fscore_support", y, pred, average=average, labels=[2, 3, 4],
         zero_division=zero_division)
    both("f1_score", [0, 0, 0], [0, 0, 0], average=average, zero_division=zero_division)
    both("precision_score", [0, 1, 1], [0, 0, 0], average=average, zero_division=zero_division)


def test_undefined_metric_warnings():
    with pytest.warns(UndefinedMetricWarning, match="Precision is ill-defined .* no predicted"):
        assert mm.precision_score([0, 1, 1], [0, 0, 0]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="in labels with no true samples"):
        mm.recall_score([0, 1, 1], [0, 2, 1], average="macro")
    with pytest.warns(UserWarning, match="pos_label .* is ignored"):
        mm.f1_score([0, 1, 2], [0, 1, 2], average="macro", pos_label=2)
    with pytest.warns(UserWarning, match="A single label was found"):
        mm.confusion_matrix([1, 1], [1, 1])


@pytest.mark.parametrize("wkind", ["none", "float"])
def test_multilabel(wkind, rng):
    Y = rng.integers(0, 2, (120, 4))
    P = np.where(rng.random((120, 4)) < 0.7, Y, 1 - Y)
    Y[:, 3] = 0  # a label that never occurs
    w = weights(wkind, 120, rng)
    both("accuracy_score", Y, P, sample_weight=w)
    both("accuracy_score", Y.astype(bool), P.astype(float), normalize=False, sample_weight=w)
    for average in (None, "micro", "macro", "weighted", "samples", "binary"):
        both("precision_recall_fscore_support", Y, P, average=average, sample_weight=w)
        both("f1_score", Y, P, average=average, labels=[0, 2], sample_weight=w)
        both("f1_score", Y, P, average=average, labels=[0, 5], sample_weight=w)
    S = rng.random((120, 4))
    for average in (None, "micro", "macro", "weighted", "samples"):
        both("roc_auc_score", Y[:, :3], S[:, :3], average=average, sample_weight=w)
        both("roc_auc_score", Y, S, average=average, sample_weight=w)
    both("log_loss", Y[:, :3], rng.dirichlet(np.ones(3), 120), sample_weight=w)


# ---- ROC ------------------------------------------------------------------------------------

SCORES = ["continuous", "rounded", "constant", "separable", "signed-zeros", "large"]


def scores(kind, y, rng):
    n = len(y)
    return {"continuous": rng.random(n) + 0.3 * y, "rounded": np.round(rng.random(n), 1),
            "constant": np.full(n, 0.5), "separable": y * 2.0 - 1.0,
            "signed-zeros": np.where(rng.random(n) < 0.5, 0.0, -0.0) + (rng.random(n) < 0.2),
            "large": rng.normal(0, 1e300, n)}[kind]


@pytest.mark.parametrize("kind", SCORES)
@pytest.mark.parametrize("wkind", ["none", "float", "some-zero"])
def test_roc_curve_and_auc(kind, wkind, rng):
    y = rng.integers(0, 2, 400)
    s = scores(kind, y, rng)
    w = {"none": None, "float": rng.random(400), "some-zero": (rng.random(400) < 0.7) * 1.0}[wkind]
    for drop in (True, False):
        fpr, tpr, thr = both("roc_curve", y, s, sample_weight=w, drop_intermediate=drop)
        assert thr[0] == np.inf
        # bit-identical, not merely close
        ref = skm.roc_curve(y, s, sample_weight=w, drop_intermediate=drop)
        assert all(np.array_equal(a, b) for a, b in zip((fpr, tpr, thr), ref))
    both("roc_auc_score", y, s, sample_weight=w)
    for max_fpr in (0.1, 0.5, 1.0):
        both("roc_auc_score", y, s, sample_weight=w, max_fpr=max_fpr)


def test_roc_labels_and_pos_label(rng):
    both("roc_curve", ["a", "b", "a", "b"], [0.1, 0.5, 0.2, 0.4], pos_label="b")
    both("roc_curve", ["a", "b", "c"], [0.1, 0.5, 0.2], pos_label="b")
    both("roc_curve", [-1, 1, 1, -1], [0.1, 0.5, 0.2, 0.3])
    both("roc_curve", [2, 1, 1, 2], [0.1, 0.5, 0.2, 0.3], pos_label=1)
    both("roc_auc_score", ["x", "y", "x", "y"], [0.1, 0.5, 0.2, 0.3])
    both("roc_auc_score", [2, 1, 1, 2], [[0.1], [0.5], [0.2], [0.3]])
    both("roc_auc_score", [-1, 1, 1, -1], [0.1, 0.5, 0.2, 0.3], sample_weight=[1, -1, 2, 1])
    y = rng.integers(0, 2, 5000)
    s = np.round(rng.random(5000) + 0.2 * y, 3)
    both("roc_auc_score", y.astype(bool), s)
    both("roc_auc_score", y.astype(float), s, sample_weight=rng.random(5000))
    both("f1_score", np.array([0, 1, 2**63 + 5], np.uint64), np.array([0, 1, 2], np.uint64),
         average="macro")  # beyond int64: the sorting path
    both("f1_score", np.array([1e300, 0, 1e300]), np.array([0.0, 0, 1e300]), pos_label=1e300)


def test_roc_single_class_warns():
    with pytest.warns(UndefinedMetricWarning, match="Only one class is present in y_true"):
        assert np.isnan(mm.roc_auc_score([1, 1, 1], [0.2, 0.4, 0.9]))
    with pytest.warns(UndefinedMetricWarning, match="No negative samples in y_true"):
        fpr, tpr, _ = mm.roc_curve([1, 1], [0.1, 0.2])
    assert np.all(np.isnan(fpr))
    with pytest.warns(UndefinedMetricWarning, match="No positive samples in y_true"):
        mm.roc_curve([0, 0], [0.1, 0.2])
    both("roc_curve", [-1, 1, 1], [0.1, 0.5, 0.2], sample_weight=[1, 0, 0])
    both("roc_auc_score", [-1, 1, 1], [0.1, 0.5, 0.2], sample_weight=[1, 0, 0])


@pytest.mark.parametrize("wkind", ["none", "float"])
def test_roc_auc_multiclass(wkind, rng):
    y = rng.integers(0, 4, 300)
    P = rng.dirichlet(np.ones(4), 300)
    P[np.arange(300), y] += 0.5
    P /= P.sum(axis=1, keepdims=True)
    w = weights(wkind, 300, rng)
    for average in ("macro", "weighted", "micro", None):
        both("roc_auc_score", y, P, multi_class="ovr", average=average, sample_weight=w)
        both("roc_auc_score", y, P, multi_class="ovo", average=average)
    R = np.round(P, 1)
    both("roc_auc_score", y, R / R.sum(1, keepdims=True), multi_class="ovr")
    y3 = np.where(y == 3, 0, y)  # class 3 absent but named by labels
    both("roc_auc_score", y3, P, multi_class="ovr", labels=[0, 1, 2, 3])
    both("roc_auc_score", y3, P, multi_class="ovo", labels=[0, 1, 2, 3], average="weighted")
    strs = np.array(["a", "b", "c", "d"])[y]
    both("roc_auc_score", strs, P, multi_class="ovo")


# ---- log-loss -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["int", "binary", "str", "str-binary", "bool", "float"])
@pytest.mark.parametrize("wkind", ["none", "float"])
def test_log_loss(kind, wkind, rng):
    labels, y, _ = draw(kind, 250, rng)
    w = weights(wkind, 250, rng)
    P = rng.dirichlet(np.ones(len(labels)), 250)
    P[:7] = np.eye(len(labels))[rng.integers(0, len(labels), 7)]  # exact 0 and 1: clipped
    for normalize in (True, False):
        both("log_loss", y, P, normalize=normalize, sample_weight=w)
    if len(labels) == 2:
        both("log_loss", y, P[:, 1], sample_weight=w)
        both("log_loss", y, P[:, 1:], sample_weight=w)
    both("log_loss", y, P.astype(np.float32), sample_weight=w)  # float32 arithmetic, as sklearn
    both("log_loss", y, P * 1.01, sample_weight=w)  # rows not summing to one: a warning


def test_log_loss_labels():
    P = np.array([[0.2, 0.7, 0.1], [0.6, 0.2, 0.2], [0.6, 0.1, 0.3]])
    both("log_loss", [1, 1, 1], P[:, :2] / P[:, :2].sum(1, keepdims=True), labels=[0, 1])
    both("log_loss", [0, 1, 1], P, labels=[0, 1, 2])
    both("log_loss", [0, 1, 1], P, labels=[2, 1, 0])  # warns: labels not sorted
    both("log_loss", [0, 1, 1], P, labels=[0, 1, 2, 3])
    both("log_loss", [0, 1, 5], P, labels=[0, 1, 2])
    both("log_loss", [1, 1], [[0.1, 0.9], [0.5, 0.5]], labels=[1])
    with pytest.warns(FutureWarning, match="renamed to `y_proba`"):
        assert mm.log_loss([0, 1], y_pred=[0.2, 0.7]) == pytest.approx(
            skm.log_loss([0, 1], [0.2, 0.7]), rel=RTOL)


def test_thread_count_does_not_change_results(rng):
    y = rng.integers(0, 2, 200_000)
    s = np.round(rng.random(200_000) + 0.2 * y, 4)
    w = rng.random(200_000)
    P = rng.dirichlet(np.ones(3), 200_000)
    y3 = rng.integers(0, 3, 200_000)
    old = mlc.get_num_threads()
    try:
        out = []
        for n in (1, 2, 3):
            mlc.set_num_threads(n)
            out.append((mm.roc_curve(y, s, sample_weight=w), mm.roc_auc_score(y, s),
                        mm.log_loss(y3, P, sample_weight=w)))
    finally:
        mlc.set_num_threads(old)
    for o in out[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(o[0], out[0][0]))
        assert o[1] == out[0][1] and o[2] == out[0][2]


# ---- layouts and dtypes ---------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["C", "F", "view"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layouts_and_dtypes(layout, dtype, rng):
    n = 301
    y = rng.integers(0, 3, n)
    P = rng.dirichlet(np.ones(3), n)
    P = layouts(P.astype(dtype))[layout]
    both("log_loss", y, P)
    both("roc_auc_score", y, P / P.sum(axis=1, keepdims=True), multi_class="ovr")
    # 1-D views with a stride, and narrow integer or float32 dtypes
    big_y = np.repeat(y, 2)[::2].astype(np.int8)
    big_s = np.repeat(P[:, 1], 3)[::3].astype(dtype)
    yb = (big_y == 1).astype(np.int32)
    both("roc_curve", yb, big_s)
    both("roc_auc_score", yb, big_s, sample_weight=np.repeat(rng.random(n), 2)[::2])
    both("f1_score", big_y, y[::-1].astype(np.int16), average="macro")
    both("confusion_matrix", big_y, y[::-1], sample_weight=np.arange(n)[::-1] % 4)
    both("roc_curve", [0, 1, 1], np.array([0.1, np.inf, 3], dtype=dtype))
    both("roc_curve", [0, 1, 1], np.array([1, 3, 3]))  # integer scores


# ---- regression -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(60,), (60, 1), (60, 3)])
@pytest.mark.parametrize("wkind", ["none", "float"])
def test_regression(shape, wkind, rng):
    a = rng.normal(size=shape)
    b = a + rng.normal(size=shape) * 0.3
    w = weights(wkind, 60, rng)
    outs = ["raw_values", "uniform_average"]
    if len(shape) > 1 and shape[1] == 3:
        outs.append([0.2, 0.5, 0.3])
    for multioutput in outs:
        both("mean_squared_error", a, b, sample_weight=w, multioutput=multioutput)
        both("r2_score", a, b, sample_weight=w, multioutput=multioutput)
    both("r2_score", a, b, sample_weight=w, multioutput="variance_weighted")
    const = np.ones(shape)
    for force_finite in (True, False):
        both("r2_score", const, const, force_finite=force_finite, multioutput="raw_values")
        both("r2_score", const, b, force_finite=force_finite, multioutput="raw_values")
    both("mean_squared_error", a.astype(np.float32), b.astype(np.float32))
    both("r2_score", [1.0], [0.5])  # warns: fewer than two samples
    both("r2_score", [1, 2, 3], [1, 2, 4])  # integers


# ---- bad input: clear errors ----------------------------------------------------------------

@pytest.mark.parametrize("func, args, kwargs, error, match", [
    ("accuracy_score", ([0, 1], [0, 1, 1]), {}, ValueError, "inconsistent numbers of samples"),
    ("f1_score", ([0, 1], [0, 1, 1]), {}, ValueError, "inconsistent numbers of samples"),
    ("roc_curve", ([1, 0], [0.1, 0.2, 0.3]), {}, ValueError, "inconsistent numbers of samples"),
    ("log_loss", ([1, 0, 1], [0.1, 0.2]), {}, ValueError, "inconsistent numbers of samples"),
    ("accuracy_score", ([0, 1], [0, 1]), {"sample_weight": [1]}, ValueError, "inconsistent"),
    ("r2_score", ([1.0, 2.0], [1.0]), {}, ValueError, "inconsistent numbers of samples"),
    ("accuracy_score", ([], []), {}, ValueError, "Found empty input array"),
    ("confusion_matrix", ([], []), {}, ValueError, "Found empty input array"),
    ("roc_auc_score", ([], []), {}, ValueError, "Found array with 0 sample"),
    ("roc_curve", ([], []), {}, ValueError, "0 sample"),
    ("log_loss", ([], []), {}, ValueError, "0 sample"),
    ("mean_squared_error", ([], []), {}, ValueError, "0 sample"),
    ("roc_auc_score", ([0, 1], [np.nan, 1]), {}, ValueError, "Input contains NaN"),
    ("roc_curve", ([0, 1], [0.1, np.inf]), {}, ValueError, "Input contains infinity"),
    ("log_loss", ([0, 1], [np.nan, 0.5]), {}, ValueError, "Input contains NaN"),
    ("accuracy_score", ([0, np.nan], [0, 1]), {}, ValueError, "Input y_true contains NaN"),
    ("r2_score", ([1.0, np.nan], [1.0, 2.0]), {}, ValueError, "Input contains NaN"),
    ("accuracy_score", ([0, 1], [0, 1]), {"sample_weight": [1, np.nan]}, ValueError,
     "sample_weight contains NaN"),
    ("accuracy_score", ([0, 1], [0, 1]), {"sample_weight": [0, 0]}, ValueError,
     "at least one non-zero"),
    ("f1_score", ([0, 1], [0, 1]), {"average": "mean"}, InvalidParameterError,
     "'average' parameter of f1_score"),
    ("precision_recall_fscore_support", ([0, 1], [0, 1]), {"average": "foo"},
     InvalidParameterError, "'average' parameter"),
    ("roc_auc_score", ([0, 1], [0.1, 0.2]), {"average": "binary"}, InvalidParameterError,
     "'average' parameter"),
    ("f1_score", ([0, 1], [0, 1]), {"zero_division": 2}, InvalidParameterError, "zero_division"),
    ("f1_score", ([0, 1, 2], [0, 1, 2]), {}, ValueError, "Target is multiclass but average="),
    ("f1_score", ([0, 1], [0, 1]), {"pos_label": 2}, ValueError, "pos_label=2 is not a valid"),
    ("accuracy_score", (["a", "b"], [0, 1]), {}, ValueError, "Mix of label input types"),
    ("accuracy_score", ([0, 1], [0.5, 1]), {}, ValueError, "mix of binary and continuous"),
    ("accuracy_score", (np.zeros((3, 2, 2)), np.zeros((3, 2, 2))), {}, ValueError, "unknown"),
    ("accuracy_score", ([[0, 1, 2], [1, 2, 0]], [[0, 1, 2], [1, 2, 0]]), {}, ValueError,
     "multiclass-multioutput is not supported"),
    ("confusion_matrix", ([[0, 1], [1, 1]], [[0, 1], [1, 1]]), {}, ValueError,
     "multilabel-indicator is not supported"),
    ("confusion_matrix", ([0, 1], [0, 1]), {"labels": []}, ValueError, "at least one label"),
    ("confusion_matrix", ([0, 1], [0, 1]), {"labels": [5]}, ValueError, "must be in y_true"),
    ("confusion_matrix", ([0, 1], [0, 1]), {"normalize": "rows"}, InvalidParameterError,
     "normalize"),
    ("roc_curve", ([[0, 1], [1, 0]], [0.1, 0.2]), {}, ValueError, "format is not supported"),
    ("roc_curve", ([0, 1], [[0.1, 1], [0.2, 1]]), {}, ValueError, "should be a 1d array"),
    ("roc_curve", ([0, 1, 2], [0.1, 0.2, 0.3]), {}, ValueError, "multiclass format is not"),
    ("roc_curve", (["a", "b"], [0.1, 0.2]), {}, ValueError, "pos_label is not specified"),
    ("roc_auc_score", ([0, 1, 1], np.full((3, 2), 0.5)), {}, ValueError, "should be a 1d array"),
    ("roc_auc_score", ([0, 1, 2], [0.2, 1, 0.3]), {}, ValueError, "multi_class must be in"),
    ("roc_auc_score", ([0, 1, 2], [0.2, 1, 0.3]), {"multi_class": "ovr"}, ValueError,
     "needs to be of shape"),
    ("roc_auc_score", ([0, 1, 2], np.full((3, 4), 0.25)), {"multi_class": "ovr"}, ValueError,
     "Number of classes in y_true not equal"),
    ("roc_auc_score", ([0, 1, 2], np.full((3, 3), 0.5)), {"multi_class": "ovr"}, ValueError,
     "should sum up to 1.0"),
    ("roc_auc_score", ([0, 1, 2], np.full((3, 3), 1 / 3)), {"multi_class": "ovo",
                                                            "sample_weight": [1, 1, 1]},
     ValueError, "sample_weight is not supported"),
    ("roc_auc_score", ([0, 1, 2], np.full((3, 3), 1 / 3)), {"multi_class": "ovr", "max_fpr": 0.5},
     ValueError, "Partial AUC computation not available"),
    ("roc_auc_score", ([0, 1], [0.1, 0.2]), {"max_fpr": 0}, InvalidParameterError, "max_fpr"),
    ("log_loss", ([1, 1], [0.2, 0.3]), {}, ValueError, "y_true contains only one label"),
    ("log_loss", ([1, 0], [0.2, 1.3]), {}, ValueError, "greater than 1"),
    ("log_loss", ([1, 0], [0.2, -0.3]), {}, ValueError, "lower than 0"),
    ("log_loss", ([1, 0, 2], [[0.2, 0.8], [0.5, 0.5], [0.5, 0.5]]), {}, ValueError,
     "different number of classes"),
    ("mean_squared_error", ([1, 0], [0.5, 1]), {"multioutput": "foo"}, InvalidParameterError,
     "multioutput"),
    ("r2_score", ([[1, 2], [3, 4]], [0.5, 1]), {}, ValueError, "different number of output"),
])
def test_bad_input(func, args, kwargs, error, match):
    with pytest.raises(error, match=match):
        getattr(mm, func)(*args, **kwargs)


def test_bad_input_matches_sklearn_messages():
    # every case above raises the same message in scikit-learn where it has one
    both("accuracy_score", [0, 1], [0, 1, 1])
    both("f1_score", [0, 1, 2], [0, 1, 2])
    both("roc_auc_score", [0, 1, 2], np.full((3, 3), 0.5), multi_class="ovr")
    both("log_loss", [1, 0, 2], [[0.2, 0.8], [0.5, 0.5], [0.5, 0.5]])


# ---- the C bindings called directly: wrong shapes or dtypes raise, never crash --------------

I32 = np.array([0, 1, 1], dtype=np.int32)


@pytest.mark.parametrize("call", [
    lambda: _mlc.metrics_accuracy(I32, I32[:2]),
    lambda: _mlc.metrics_accuracy(I32.astype(np.float64), I32),
    lambda: _mlc.metrics_accuracy(I32, I32, np.ones(2)),
    lambda: _mlc.metrics_accuracy(I32[:, None], I32),
    lambda: _mlc.metrics_confusion(I32, I32, None, 1),
    lambda: _mlc.metrics_confusion(I32, I32, None, 0),
    lambda: _mlc.metrics_confusion(I32, I32[:1], None, 2),
    lambda: _mlc.metrics_confusion(I32, I32, np.ones(4), 2),
    lambda: _mlc.metrics_confusion(I32, I32, "w", 2),
    lambda: _mlc.metrics_class_counts(I32, I32, None, 1),
    lambda: _mlc.metrics_class_counts(I32 + 5, I32, None, 2),
    lambda: _mlc.metrics_class_counts(I32, I32, np.ones((3, 1)), 2),
    lambda: _mlc.metrics_mark_labels(np.array([0, 5]), 0, 3),
    lambda: _mlc.metrics_mark_labels(np.array([0, 1]), 0, 0),
    lambda: _mlc.metrics_mark_labels(np.array([0.5, 1]), 0, 3),
    lambda: _mlc.metrics_encode_labels(np.array([0, 9]), np.zeros(3, np.int32), 0),
    lambda: _mlc.metrics_encode_labels(np.array([0, 1]), np.zeros(0, np.int32), 0),
    lambda: _mlc.metrics_log_loss(np.full((3, 2), 0.5), I32[:2], None, 1e-15),
    lambda: _mlc.metrics_log_loss(np.full((3, 2), 0.5), I32 + 2, None, 1e-15),
    lambda: _mlc.metrics_log_loss(np.full((3, 2), 0.5), I32, None, 0.0),
    lambda: _mlc.metrics_log_loss(np.full(3, 0.5), I32, None, 1e-15),
    lambda: _mlc.metrics_log_loss(np.full((3, 0), 0.5), I32, None, 1e-15),
    lambda: _mlc.metrics_roc_curve(np.ones(3), np.ones(2, bool), None, True),
    lambda: _mlc.metrics_roc_curve(np.ones(3), I32, None, True),
    lambda: _mlc.metrics_roc_curve(np.array([1.0, np.nan, 0.0]), np.ones(3, bool), None, True),
    lambda: _mlc.metrics_roc_curve(np.ones((3, 1)), np.ones(3, bool), None, True),
    lambda: _mlc.metrics_roc_curve(np.ones(3), np.ones(3, bool), np.ones(2), True),
    lambda: _mlc.metrics_roc_auc(np.ones(3), np.ones(2)),
    lambda: _mlc.metrics_roc_auc(np.zeros(3), np.ones(3)),
    lambda: _mlc.metrics_roc_auc(np.zeros(0), np.zeros(0)),
])
def test_direct_calls_raise(call):
    with pytest.raises((ValueError, TypeError)):
        call()


def test_direct_calls_work():
    cm = _mlc.metrics_confusion(I32, np.array([0, 1, -1], np.int32), None, 2)
    assert cm.dtype == np.int64 and cm.tolist() == [[1, 0], [0, 1]]
    fps, tps, thr = _mlc.metrics_roc_curve(np.array([0.1, 0.4, 0.35, 0.8]),
                                           np.array([0, 0, 1, 1], bool), None, True)
    assert fps.tolist() == [0, 1, 1, 2] and tps.tolist() == [1, 1, 2, 2]
    assert _mlc.metrics_roc_auc(fps, tps) == 0.75


@needs_rss
def test_loop_does_not_grow_rss():
    y = np.arange(2000) % 2
    s = np.linspace(0, 1, 2000)
    P = np.full((2000, 2), 0.5)
    labels = np.array(["a", "b"])[y]

    def once():
        mm.roc_curve(y, s, sample_weight=s)
        mm.roc_auc_score(y, s)
        mm.log_loss(y, P, sample_weight=s + 1)
        mm.f1_score(labels, labels[::-1], average="macro", sample_weight=s + 1)
        mm.confusion_matrix(y, 1 - y, sample_weight=y + 1)
        mm.accuracy_score(y, 1 - y)
        try:
            _mlc.metrics_roc_curve(s, y.astype(bool)[:5], None, True)
        except ValueError:
            pass

    assert_rss_stable(once)
