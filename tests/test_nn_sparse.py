"""MLPClassifier / MLPRegressor on scipy.sparse X, as scikit-learn takes it, without densifying: the
first Dense layer multiplies the CSR batch (csrc/nn/dense.c's _csr kernels), for every solver. The
same loss curve and predictions as on the dense copy; bad sparse input a clear error."""
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import assert_rss_stable, needs_rss
from sklearn.datasets import load_digits

from mlc import _mlc, nn
from mlc.exceptions import ConvergenceWarning


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16).astype(np.float32), y


def _random_csr(rng, n, d, density, empty_rows=()):
    A = sp.random(n, d, density=density, format="csr", random_state=rng, dtype=np.float32)
    A.data = (2 * A.data - 1).astype(np.float32)
    A = A.tolil()
    for i in empty_rows:
        A[i, :] = 0
    return A.tocsr()


@pytest.mark.parametrize("shape", [(1, 5, 3), (7, 13, 1), (40, 300, 17), (130, 64, 33)])
def test_dense_csr_kernels_equal_the_dense_ones(shape):
    rng = np.random.default_rng(sum(shape))
    B, Cin, Cout = shape
    x = _random_csr(rng, B, Cin, 0.2, empty_rows=[0] if B > 1 else [])
    xd = x.toarray()
    data, indices, indptr = x.data, x.indices.astype(np.int32), x.indptr.astype(np.int64)
    W = rng.standard_normal((Cout, Cin)).astype(np.float32)
    b = rng.standard_normal(Cout).astype(np.float32)
    out, ref = np.empty((B, Cout), np.float32), np.empty((B, Cout), np.float32)
    _mlc.nn_dense_forward_csr(out, data, indices, indptr, W, b)
    _mlc.nn_dense_forward(ref, xd, W, b)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    _mlc.nn_dense_forward_csr(out, data, indices, indptr, W)  # no bias
    np.testing.assert_allclose(out, xd @ W.T, rtol=1e-5, atol=1e-5)
    g = rng.standard_normal((B, Cout)).astype(np.float32)
    dw, db = np.ones((Cout, Cin), np.float32), np.ones(Cout, np.float32)
    rw, rb = dw.copy(), db.copy()
    _mlc.nn_dense_backward_csr(dw, db, g, data, indices, indptr)  # accumulates
    _mlc.nn_dense_backward(None, rw, rb, g, xd, W)
    np.testing.assert_allclose(dw, rw, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(db, rb, rtol=1e-5, atol=1e-5)
    _mlc.nn_dense_backward_csr(dw, None, g, data, indices, indptr)
    np.testing.assert_allclose(dw - rw, g.T @ xd, rtol=1e-4, atol=1e-5)


def test_dense_csr_kernels_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x = _random_csr(rng, 31, 50, 0.1, empty_rows=[3, 4])
    model = nn.Sequential(nn.Dense(9), nn.ReLU(), nn.Dense(4))
    model.build((50,))
    model.allocate(0)
    tm = torch.nn.Sequential(torch.nn.Linear(50, 9), torch.nn.ReLU(), torch.nn.Linear(9, 4))
    tm.load_state_dict({k: torch.tensor(v) for k, v in model.state_dict().items()})
    out = model.forward(x, True)
    ref = tm(torch.tensor(x.toarray()))
    np.testing.assert_allclose(out, ref.detach().numpy(), atol=1e-5)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    model.zero_grad()
    assert model.backward(dout, need_dx=False) is None
    ref.backward(torch.tensor(dout))
    grads = {n: p.grad.numpy() for n, p in tm.named_parameters()}
    for name, g in zip([n for n, _ in model.named_parameters()], [layer.grads[k] for layer in (model[0], model[2])
                                                                  for k in ("weight", "bias")]):
        np.testing.assert_allclose(g, grads[name], atol=1e-5, err_msg=name)
    with pytest.raises(ValueError, match="a sparse input has no gradient"):
        model.backward(dout, need_dx=True)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("Est", [nn.MLPClassifier, nn.MLPRegressor])
def test_mlp_on_sparse_equals_dense(digits, Est, solver):
    X, y = digits
    X = X[:600]
    y = y[:600] if Est is nn.MLPClassifier else X[:, 10:13] @ np.arange(3.0) + y[:600] / 5
    kw = dict(hidden_layer_sizes=(24, 12), solver=solver, max_iter=15, random_state=0)
    if solver == "sgd":
        kw.update(learning_rate="invscaling", learning_rate_init=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = Est(**kw).fit(X, y)
        sparse = Est(**kw).fit(sp.csr_matrix(X), y)
        csc = Est(**kw).fit(sp.csc_matrix(X), y)
    np.testing.assert_allclose(sparse.history_["objective"], dense.history_["objective"], rtol=1e-4)
    np.testing.assert_allclose(csc.history_["objective"], dense.history_["objective"], rtol=1e-4)
    assert sparse.n_iter_ == dense.n_iter_
    if solver != "lbfgs":
        np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-4)
    if Est is nn.MLPClassifier:
        for Xq in (sp.csr_matrix(X), sp.coo_matrix(X), X):
            np.testing.assert_array_equal(sparse.predict(Xq), dense.predict(X))
        np.testing.assert_allclose(sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), atol=1e-4)
    else:
        np.testing.assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), rtol=1e-4, atol=1e-4)
    for a, b in zip(sparse.coefs_, dense.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


def test_partial_fit_early_stopping_and_batch_norm_on_sparse(digits):
    X, y = digits
    Xs = sp.csr_matrix(X)
    a = nn.MLPClassifier((20,), random_state=0)
    b = nn.MLPClassifier((20,), random_state=0)
    for _ in range(3):
        a.partial_fit(X, y, classes=np.arange(10))
        b.partial_fit(Xs, y, classes=np.arange(10))
    np.testing.assert_allclose(b.loss_curve_, a.loss_curve_, rtol=1e-4)
    kw = dict(hidden_layer_sizes=(20,), early_stopping=True, batch_norm=True, dropout=0.1, max_iter=8,
              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = nn.MLPClassifier(**kw).fit(X, y)
        b = nn.MLPClassifier(**kw).fit(Xs, y)
    # float32 sums in another order: at most 2 of the 180 validation samples may flip near a tie
    np.testing.assert_allclose(b.validation_scores_, a.validation_scores_, atol=2 / 180 + 1e-9)
    np.testing.assert_allclose(b.loss_curve_, a.loss_curve_, rtol=1e-4)
    assert abs(b.score(Xs, y) - a.score(X, y)) < 0.01


def test_sparse_fit_never_densifies():
    # 3000 x 200000 at 0.05% density: 300k stored values (3.6 MB); dense float32 would be 2.4 GB
    rng = np.random.default_rng(0)
    X = sp.random(3000, 200_000, density=0.0005, format="csr", random_state=rng, dtype=np.float32)
    y = rng.integers(0, 3, 3000)
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf = nn.MLPClassifier((8,), max_iter=2, random_state=0).fit(X, y)
            clf.predict_proba(X)
            nn.MLPClassifier((8,), solver="lbfgs", max_iter=3, random_state=0).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20, peak


def test_bad_sparse_input_errors(digits):
    X, y = digits
    Xs = sp.csr_matrix(X)
    bad = Xs.copy()
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        nn.MLPClassifier(max_iter=1).fit(bad, y)
    clf = nn.MLPClassifier((5,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xs, y)
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(bad)
    with pytest.raises(ValueError, match="64 features"):
        clf.predict(sp.csr_matrix(np.ones((2, 63))))
    with pytest.raises(TypeError, match="Sparse input is not supported for y"):
        nn.MLPRegressor(max_iter=1).fit(Xs, sp.csr_matrix(y.reshape(-1, 1).astype(float)))
    with pytest.raises(ValueError, match="Complex data"):
        nn.MLPClassifier(max_iter=1).fit(sp.csr_matrix(X.astype(np.complex64)), y)
    with pytest.raises(TypeError, match="Sparse input is not supported by NeuralNetClassifier"):
        nn.NeuralNetClassifier(max_epochs=1).fit(Xs, y)
    model = nn.Sequential(nn.ReLU(), nn.Dense(3))
    model.build((64,))
    model.allocate(0)
    with pytest.raises(TypeError, match="sparse input needs a Dense first layer"):
        model(Xs)
    # the kernels' bindings check the CSR arrays themselves
    W = np.zeros((3, 64), np.float32)
    out = np.empty((Xs.shape[0], 3), np.float32)
    idx = Xs.indices.astype(np.int32)
    idx[5] = 64
    with pytest.raises(ValueError, match="CSR"):
        _mlc.nn_dense_forward_csr(out, Xs.data.astype(np.float32), idx, Xs.indptr.astype(np.int64), W)
    with pytest.raises(TypeError, match="x_data: expected dtype float32"):
        _mlc.nn_dense_forward_csr(out, Xs.data.astype(np.float64), Xs.indices, Xs.indptr.astype(np.int64), W)
    with pytest.raises(ValueError, match="out"):
        _mlc.nn_dense_forward_csr(out[:5], Xs.data.astype(np.float32), Xs.indices, Xs.indptr.astype(np.int64), W)


@needs_rss
def test_no_leak_sparse_fit_predict():
    rng = np.random.default_rng(0)
    X = sp.random(40, 30, density=0.2, format="csr", random_state=rng, dtype=np.float32)
    y = np.arange(40) % 3

    def once():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            nn.MLPClassifier((6,), max_iter=1, random_state=0).fit(X, y).predict(X)
            nn.MLPClassifier((6,), solver="lbfgs", max_iter=2, random_state=0).fit(X, y).predict_proba(X)
    assert_rss_stable(once, iterations=300, warmup=50)
