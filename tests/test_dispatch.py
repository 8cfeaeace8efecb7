"""Runtime CPU dispatch (csrc/core/dispatch.h): the level in force, MLC_CPU, mlc.show_config, and every
dispatched kernel at every level the machine has against the baseline level.

Bit-identical at every level (FMA contraction is off, so each element gets the same operations in the same
order): core/vmath.h's exp, log, tanh, sigmoid and log1pexp in float32 and float64 (so its stated accuracy
holds at every level; tests/test_vmath.py checks the level in force), the activations (relu, leaky_relu, sigmoid, tanh, identity, forward and backward), softmax and
log_softmax (forward and backward), the losses (softmax cross-entropy, BCE with logits, MSE: values and
gradients), max and average pooling and batch norm (forward and backward), conv2d's out, dx and dweight on every path
(im2col, the direct 1x1 GEMM, Winograd F(2x2, 3x3); the GEMMs are OpenBLAS's at every mlc level), dense layers, the residual add and dropout, the optimiser steps (SGD with momentum and nesterov, Adagrad, Adam,
AdamW), the gradient clipping, the SVM kernel rows (rbf, poly, sigmoid) and so the SVC fits built on
them, a whole MLP training run, and k-means (k-means++, Lloyd and Elkan fits with and without bounds, the
assignment and the mini-batch step, float32 and float64: their sums run in 8 fixed lanes), and core/sparse.c's CSR
kernels (A B, A^T B, row norms, column statistics: each output element is one scalar sum in row order), and the
naive Bayes counts, GaussianNB's statistics and the count models' joint log-likelihoods (GaussianNB's joint
log-likelihood and the posteriors within 1e-12 of their largest entry: vectorised sums). Within 1e-13 relative: the manhattan distances and the row
log-sum-exp (vectorised sums, whose lanes follow the vector width); within 1e-6: conv2d's dbias (float64 lane sums
rounded to float32); within 1e-12: nn's sum_squares (float64 lane sums). The whole suite runs at a forced level with
``MLC_CPU=avx2 python -m pytest tests``.
"""
import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn import datasets

import mlc
from mlc import _mlc

LEVELS = [name for name, ok in _mlc.cpu_levels().items() if ok]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code, **env):
    """Run code in a fresh interpreter importing this checkout's mlc; returns the CompletedProcess."""
    env = {**os.environ, "PYTHONPATH": ROOT, **env}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)


@pytest.fixture
def at_level():
    """at_level(name): switch the dispatched kernels to a level for this test; restored after."""
    before = _mlc.cpu_level()
    yield _mlc._set_cpu_level
    _mlc._set_cpu_level(before)


def per_level(at_level, compute):
    """{level: compute()} for every level the machine has."""
    out = {}
    for level in LEVELS:
        at_level(level)
        out[level] = compute()
    return out


def assert_same_bits(results):
    base = results["baseline"]
    for level, r in results.items():
        for a, b in zip(np.atleast_1d(base) if not isinstance(base, tuple) else base,
                        np.atleast_1d(r) if not isinstance(r, tuple) else r):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=level)


def test_levels_and_default():
    levels = _mlc.cpu_levels()
    assert list(levels) == ["baseline", "avx2", "avx512"] and levels["baseline"]
    # levels are nested: a CPU with AVX-512 has AVX2
    assert levels["avx2"] or not levels["avx512"]
    if "MLC_CPU" not in os.environ:
        assert _mlc.cpu_level() == LEVELS[-1]


def test_show_config(capsys):
    info = mlc.show_config()
    printed = capsys.readouterr().out
    assert info["cpu_level"] == _mlc.cpu_level() and info["cpu_level"] in printed
    assert info["cpu_levels_supported"] == LEVELS
    assert info["num_threads"] == mlc.get_num_threads() and info["blas_num_threads"] >= 1
    assert "OpenBLAS" in info["blas"] and info["blas"] in printed
    assert os.path.exists(info["openmp_library"]) and os.path.exists(info["blas_library"])
    if "libgomp-mlc" in info["openmp_library"]:  # the vendored runtime (not MLC_BLAS=system)
        assert os.path.dirname(info["openmp_library"]).endswith(os.path.join("mlc", ".libs"))


@pytest.mark.parametrize("level", LEVELS)
def test_mlc_cpu_forces_a_level(level):
    r = run_python("import mlc; print(mlc._mlc.cpu_level())", MLC_CPU=level)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == level


def test_mlc_cpu_unknown_name_is_an_error():
    r = run_python("import mlc", MLC_CPU="sse9")
    assert r.returncode != 0 and "MLC_CPU='sse9': must be one of baseline, avx2, avx512" in r.stderr


def test_mlc_cpu_unsupported_level_falls_back_with_a_warning(monkeypatch):
    import mlc._config as config

    chosen = []

    class NoAvx512:
        def cpu_levels(self):
            return {"baseline": True, "avx2": True, "avx512": False}

        def _set_cpu_level(self, name):
            chosen.append(name)

    monkeypatch.setattr(config, "_mlc", NoAvx512())
    monkeypatch.setenv("MLC_CPU", "avx512")
    with pytest.warns(RuntimeWarning, match="MLC_CPU=avx512: this CPU or build cannot run it; mlc uses avx2"):
        config._init_cpu_from_environment()
    assert chosen == ["avx2"]


def test_set_cpu_level_errors():
    with pytest.raises(ValueError, match="unknown CPU level 'avx3'"):
        _mlc._set_cpu_level("avx3")


# ---- each dispatched kernel at every level ----------------------------------------------------------

def special_values():
    """A sweep over the float32 range with the edge cases of core/vmath.h: +-0, +-inf, NaN, subnormals."""
    x = np.concatenate([np.linspace(-120, 120, 20011), np.geomspace(1e-40, 1e3, 3001),
                        -np.geomspace(1e-40, 1e3, 3001), [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45]])
    return x.astype(np.float32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vmath_same_bits_at_every_level(at_level, dtype):
    x = special_values().astype(dtype)
    if dtype == np.float64:
        x = np.concatenate([x, np.linspace(-750, 750, 10001), [5e-324, -5e-324, 1e-310, 709.9, -709.9]])
    names = ["exp", "log", "tanh", "sigmoid", "log1pexp"]
    rows = np.random.default_rng(7).standard_normal((40, 37)).astype(dtype) * 30
    res = per_level(at_level, lambda: (tuple(_mlc._vmath(name, x) for name in names), _mlc._vmath("logsumexp", rows)))
    for level, (values, lse) in res.items():
        for name, a, b in zip(names, res["baseline"][0], values):
            np.testing.assert_array_equal(a, b, err_msg=f"{name} at {level}")
        np.testing.assert_allclose(lse, res["baseline"][1], rtol=1e-13, err_msg=level)


@pytest.mark.parametrize("kind", [_mlc.ACT_RELU, _mlc.ACT_LEAKY_RELU, _mlc.ACT_SIGMOID, _mlc.ACT_TANH,
                                  _mlc.ACT_IDENTITY])
def test_activations_same_bits_at_every_level(at_level, kind):
    x = special_values()
    g = np.random.default_rng(0).standard_normal(x.size).astype(np.float32)

    def compute():
        out = np.empty_like(x)
        _mlc.nn_activation_forward(out, x, kind, 0.01)
        dx = np.zeros_like(x)
        _mlc.nn_activation_backward(dx, g, x, out, kind, 0.01)
        return out, dx

    assert_same_bits(per_level(at_level, compute))


def test_softmax_same_bits_at_every_level(at_level):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((37, 19)) * 20).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)

    def compute():
        res = []
        for fwd, bwd in ((_mlc.nn_softmax_forward, _mlc.nn_softmax_backward),
                         (_mlc.nn_log_softmax_forward, _mlc.nn_log_softmax_backward)):
            out = np.empty_like(x)
            fwd(out, x)
            dx = np.zeros_like(x)
            bwd(dx, g, out)
            res += [out, dx]
        return tuple(res)

    assert_same_bits(per_level(at_level, compute))


@pytest.mark.parametrize("make", [lambda: mlc.nn.SGD(0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
                                  lambda: mlc.nn.SGD(0.1, momentum=0.5, dampening=0.1, l1=1e-3),
                                  lambda: mlc.nn.Adagrad(0.1), lambda: mlc.nn.Adam(0.01, weight_decay=1e-2),
                                  lambda: mlc.nn.AdamW(0.01)],
                         ids=["sgd-nesterov", "sgd-l1", "adagrad", "adam", "adamw"])
def test_optimizers_same_bits_at_every_level(at_level, make):
    rng = np.random.default_rng(2)
    p0 = rng.standard_normal(10_007).astype(np.float32)
    grads = [rng.standard_normal(p0.size).astype(np.float32) for _ in range(5)]

    def compute():
        opt, p = make(), p0.copy()
        for g in grads:
            opt.step(p, g)
        return p

    assert_same_bits(per_level(at_level, compute))


@pytest.mark.parametrize("norm_type", [2.0, 1.0, np.inf, 3.0])
def test_clipping_same_bits_at_every_level(at_level, norm_type):
    g0 = np.random.default_rng(3).standard_normal(20_011).astype(np.float32) * 10

    def compute():
        g = g0.copy()
        norm = _mlc.nn_clip_grad_norm(g, 1.0, norm_type)
        v = g0.copy()
        mlc.nn.clip_grad_value(v, 0.5)
        return g, np.float64(norm), v

    assert_same_bits(per_level(at_level, compute))


@pytest.mark.parametrize("kernel", ["rbf", "poly", "sigmoid"])
def test_svm_kernels_same_bits_at_every_level(at_level, kernel):
    X, y = datasets.load_iris(return_X_y=True)
    code = _mlc.ENUMS["svm_kernel"][kernel]

    def compute():
        K = _mlc.svm_kernel_matrix(X, X[::3], code, 3, 0.2, 0.5)
        clf = mlc.svm.SVC(kernel=kernel, gamma=0.2, coef0=0.5).fit(X, y)
        return K, clf.dual_coef_, clf.intercept_, clf.decision_function(X)

    assert_same_bits(per_level(at_level, compute))


def test_losses_same_bits_at_every_level(at_level):
    rng = np.random.default_rng(5)
    z = (rng.standard_normal((203, 7)) * 5).astype(np.float32)
    t = rng.integers(0, 7, 203)
    y = rng.random((203, 7)).astype(np.float32)
    w = rng.random(203).astype(np.float32)

    def compute():
        d1, p1, d2, d3 = (np.zeros_like(z) for _ in range(4))
        l1 = _mlc.nn_softmax_cross_entropy(d1, p1, z, t, w)
        l2 = _mlc.nn_bce_with_logits(d2, z, y, w)
        l3 = _mlc.nn_mse(d3, z, y)
        return np.array([l1, l2, l3]), d1, p1, d2, d3

    assert_same_bits(per_level(at_level, compute))


def test_pooling_and_batchnorm_same_bits_at_every_level(at_level):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 4, 11, 9)).astype(np.float32)
    g = rng.standard_normal((3, 4, 6, 5)).astype(np.float32)
    gamma, beta = rng.random(4).astype(np.float32), rng.standard_normal(4).astype(np.float32)

    def compute():
        mx, arg = np.empty((3, 4, 6, 5), np.float32), np.empty((3, 4, 6, 5), np.int64)
        _mlc.nn_maxpool2d_forward(mx, arg, x, 3, 3, 2, 2, 1, 1)
        dmx = np.zeros_like(x)
        _mlc.nn_maxpool2d_backward(dmx, g, arg)
        av, dav = np.empty((3, 4, 6, 5), np.float32), np.zeros_like(x)
        _mlc.nn_avgpool2d_forward(av, x, 3, 3, 2, 2, 1, 1, False)
        _mlc.nn_avgpool2d_backward(dav, g, 3, 3, 2, 2, 1, 1, False)
        bn, mean, invstd = np.empty_like(x), np.empty(4, np.float32), np.empty(4, np.float32)
        rmean, rvar = np.zeros(4, np.float32), np.ones(4, np.float32)
        _mlc.nn_batchnorm_forward(bn, mean, invstd, rmean, rvar, x, gamma, beta, True)
        dx, dgamma, dbeta = np.zeros_like(x), np.zeros(4, np.float32), np.zeros(4, np.float32)
        _mlc.nn_batchnorm_backward(dx, dgamma, dbeta, bn, x, mean, invstd, gamma, True)
        return mx, arg, dmx, av, dav, bn, mean, invstd, rmean, rvar, dx, dgamma, dbeta

    assert_same_bits(per_level(at_level, compute))


@pytest.mark.parametrize("geometry", [
    (3, 3, (1, 1), (1, 1), 3, 8),    # Winograd F(2x2, 3x3)
    (3, 3, (2, 2), (1, 1), 3, 8),    # im2col (stride 2)
    (3, 3, (1, 1), (1, 1), 2, 5),    # im2col (too few channels for Winograd)
    (1, 1, (1, 1), (0, 0), 3, 8),    # direct 1x1 GEMM
], ids=["winograd", "im2col-strided", "im2col", "1x1"])
def test_conv2d_same_bits_at_every_level(at_level, threads, geometry):
    """out, dx and dweight of every conv path; dbias (float64 lane sums) within 1e-6 relative."""
    kh, kw, s, p, cin, cout = geometry
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, cin, 11, 9)).astype(np.float32)
    w = rng.standard_normal((cout, cin, kh, kw)).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32)
    oh, ow = (11 + 2 * p[0] - kh) // s[0] + 1, (9 + 2 * p[1] - kw) // s[1] + 1
    g = rng.standard_normal((3, cout, oh, ow)).astype(np.float32)
    mlc.set_num_threads(2)

    def compute():
        out = np.empty((3, cout, oh, ow), np.float32)
        _mlc.nn_conv2d_forward(out, x, w, b, *s, *p, 1, 1)
        dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
        _mlc.nn_conv2d_backward(dx, dw, db, g, x, w, *s, *p, 1, 1)
        return (out, dx, dw), db

    res = per_level(at_level, compute)
    assert_same_bits({level: r[0] for level, r in res.items()})
    for level, r in res.items():
        np.testing.assert_allclose(r[1], res["baseline"][1], rtol=1e-6, err_msg=level)


def test_dense_add_dropout_same_bits_at_every_level(at_level, threads):
    """Dense (its GEMMs are OpenBLAS's, cut the same way at every level), the residual add and dropout
    give the same bits at every level; sum_squares (float64 lane sums) within 1e-12 relative."""
    rng = np.random.default_rng(9)
    x, w = rng.standard_normal((37, 53)).astype(np.float32), rng.standard_normal((29, 53)).astype(np.float32)
    b, g = rng.standard_normal(29).astype(np.float32), rng.standard_normal((37, 29)).astype(np.float32)
    a2 = rng.standard_normal((300, 700)).astype(np.float32)
    mlc.set_num_threads(2)

    def compute():
        out = np.empty((37, 29), np.float32)
        _mlc.nn_dense_forward(out, x, w, b)
        dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
        _mlc.nn_dense_backward(dx, dw, db, g, x, w)
        s = np.empty_like(a2)
        _mlc.nn_add_forward(s, a2, a2[::-1].copy())
        da, dbb = np.ones_like(a2), np.zeros_like(a2)
        _mlc.nn_add_backward(da, dbb, s)
        d, mask = np.empty_like(a2), np.empty_like(a2)
        _mlc.nn_dropout_forward(d, mask, a2, 0.3, 42)
        dd = np.zeros_like(a2)
        _mlc.nn_dropout_backward(dd, s, mask)
        return (out, dx, dw, db, s, da, dbb, d, mask, dd), _mlc.nn_sum_squares(a2)

    res = per_level(at_level, compute)
    assert_same_bits({level: r[0] for level, r in res.items()})
    for level, r in res.items():
        np.testing.assert_allclose(r[1], res["baseline"][1], rtol=1e-12, err_msg=level)


def test_mlp_training_same_bits_at_every_level(at_level):
    X, y = datasets.load_digits(return_X_y=True)

    def compute():
        clf = mlc.nn.MLPClassifier(hidden_layer_sizes=(32,), activation="tanh", max_iter=3, random_state=0)
        with pytest.warns(Warning):  # not converged in 3 epochs
            clf.fit(X[:600] / 16, y[:600])
        return clf.predict_proba(X[600:800] / 16)

    assert_same_bits(per_level(at_level, compute))


def test_manhattan_close_at_every_level(at_level):
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((70, 33)), rng.standard_normal((50, 33))
    res = per_level(at_level, lambda: mlc.metrics.pairwise_distances(X, Y, metric="manhattan"))
    ref = np.abs(X[:, None, :] - Y[None, :, :]).sum(-1)
    for level, D in res.items():
        np.testing.assert_allclose(D, ref, rtol=1e-13, err_msg=level)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kmeans_same_bits_at_every_level(at_level, dtype):
    X = datasets.load_digits().data.astype(dtype)
    X = X - X.mean(axis=0)
    w = np.ones(len(X), dtype=dtype)

    def compute():
        centers, _ = _mlc.kmeans_plusplus(X, w, 10, 4, 7, 2)
        out = [centers]
        for algorithm in (0, 1):
            for bounds in (True, False):
                out += list(_mlc.kmeans_fit(X, w, centers, algorithm, 300, 0.0, 2, bounds=bounds))
        out += list(_mlc.kmeans_assign(X, centers, w, 2))
        out += list(_mlc.kmeans_minibatch_step(X[:300], w[:300], centers, np.zeros(10), 2))
        return tuple(out)

    assert_same_bits(per_level(at_level, compute))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("threads", [1, 2])
def test_sparse_kernels_same_bits_at_every_level(at_level, dtype, threads):
    """core/sparse.c: A B, A^T B, the row norms and the column statistics give the same bits at every
    level (each output element is a scalar sum in the row order), and equal the dense products."""
    import scipy.sparse as sp

    from mlc._validation import csr_parts
    A = sp.random(700, 300, density=0.05, format="csr", random_state=3, dtype=np.float64,
                  data_rvs=np.random.default_rng(3).standard_normal).astype(dtype)
    parts = csr_parts(A)
    rng = np.random.default_rng(4)
    Bs = [rng.standard_normal((300, k)).astype(dtype) for k in (1, 3, 8, 13, 20, 37)]
    Cs = [rng.standard_normal((700, k)).astype(dtype) for k in (1, 5, 20)]

    def compute():
        out = [_mlc.csr_matmul(*parts, B, n_threads=threads) for B in Bs]
        out += [_mlc.csr_matmul(*parts, C, transpose=True, n_threads=threads) for C in Cs]
        return tuple(out) + tuple(_mlc.csr_stats(*parts, n_threads=threads))

    res = per_level(at_level, compute)
    assert_same_bits(res)
    dense = A.toarray().astype(np.float64)
    atol = 1e-12 if dtype == np.float64 else 1e-4
    for B, Y in zip(Bs, res["baseline"]):
        np.testing.assert_allclose(Y, dense @ B, rtol=0, atol=atol * 10)


def test_naive_bayes_at_every_level(at_level):
    """naive_bayes.c: the counts, GaussianNB's statistics and the count models' joint log-likelihoods give the
    same bits at every level; GaussianNB's joint log-likelihood (a vectorised sum over features) and the
    posteriors (a vectorised log-sum-exp) within 1e-12 of their largest entry."""
    import scipy.sparse as sp

    import mlc.naive_bayes as nb
    X, y = datasets.load_digits(return_X_y=True)
    Xs = sp.csr_matrix(X)
    Xc = (X // 4).astype(np.int64)

    def compute():
        models = [nb.GaussianNB().fit(X, y), nb.MultinomialNB().fit(X, y), nb.MultinomialNB().fit(Xs, y),
                  nb.ComplementNB().fit(Xs, y), nb.BernoulliNB(binarize=4.0).fit(X, y),
                  nb.CategoricalNB().fit(Xc, y)]
        data = [X, X, Xs, Xs, X, Xc]
        exact = [getattr(m, a) for m in models for a in ("theta_", "var_", "feature_count_") if hasattr(m, a)]
        exact += [m.predict_joint_log_proba(x) for m, x in zip(models[1:], data[1:])]
        close = [models[0].predict_joint_log_proba(X)] + [m.predict_proba(x) for m, x in zip(models, data)]
        return exact, close

    res = per_level(at_level, compute)
    for level, (exact, close) in res.items():
        for a, b in zip(res["baseline"][0], exact):
            np.testing.assert_array_equal(a, b, err_msg=level)
        for a, b in zip(res["baseline"][1], close):
            np.testing.assert_allclose(b, a, rtol=0, atol=1e-12 * np.abs(a).max(), err_msg=level)


@pytest.mark.parametrize("n_classes", [3, 20, 40])
def test_naive_bayes_sparse_posterior_at_every_level(at_level, n_classes):
    """naive_bayes.c's CSR joint log-likelihood at 8, 24 and 32 + 8 lanes: the same bits at every level; its
    posteriors (made in the same pass) within 1e-12."""
    import scipy.sparse as sp

    import mlc.naive_bayes as nb
    rng = np.random.default_rng(n_classes)
    X = sp.random(3000, 500, density=0.05, format="csr", random_state=rng,
                  data_rvs=lambda k: rng.poisson(3.0, k) + 1.0)
    y = rng.integers(0, n_classes, X.shape[0])
    m = nb.MultinomialNB().fit(X, y)
    res = per_level(at_level, lambda: (m.predict_joint_log_proba(X), m.predict_log_proba(X), m.predict_proba(X)))
    for level, (jll, log_proba, proba) in res.items():
        np.testing.assert_array_equal(res["baseline"][0], jll, err_msg=level)
        for a, b in zip(res["baseline"][1:], (log_proba, proba)):
            np.testing.assert_allclose(b, a, rtol=0, atol=1e-12 * np.abs(a).max(), err_msg=level)
