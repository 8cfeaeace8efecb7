"""CrossEntropyLoss with probability ("soft") targets (B, C), as torch accepts them, with class weights,
label smoothing, every reduction and mlc's sample_weight: forward AND backward equal to torch's."""
import numpy as np
import pytest

from mlc import _mlc, nn

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _soft_targets(rng, B, C, kind):
    if kind == "dirichlet":
        return rng.dirichlet(np.ones(C), B).astype(np.float32)
    if kind == "onehot":
        return np.eye(C, dtype=np.float32)[rng.integers(0, C, B)]
    return rng.random((B, C)).astype(np.float32)  # not normalised: torch does not check, nor does mlc


@pytest.mark.parametrize("shape", [(1, 2), (7, 3), (33, 10), (130, 5)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
@pytest.mark.parametrize("kind", ["dirichlet", "onehot", "raw"])
def test_soft_cross_entropy_matches_torch(shape, reduction, weighted, smoothing, kind):
    rng = np.random.default_rng(shape[0] * 11 + shape[1])
    B, C = shape
    z = (3 * rng.standard_normal(shape)).astype(np.float32)
    q = _soft_targets(rng, B, C, kind)
    w = (0.2 + 2 * rng.random(C)).astype(np.float32) if weighted else None
    zt = torch.tensor(z, requires_grad=True)
    ref = F.cross_entropy(zt, torch.tensor(q), weight=None if w is None else torch.tensor(w), reduction=reduction,
                          label_smoothing=smoothing)
    (ref.sum() if ref.dim() else ref).backward()
    value, grad = nn.CrossEntropyLoss(weight=w, reduction=reduction, label_smoothing=smoothing).value_and_grad(z, q)
    np.testing.assert_allclose(value, ref.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_one_hot_soft_targets_equal_class_indices():
    rng = np.random.default_rng(3)
    z = rng.standard_normal((50, 4)).astype(np.float32)
    t = rng.integers(0, 4, 50)
    for smoothing in (0.0, 0.2):
        loss = nn.CrossEntropyLoss(label_smoothing=smoothing)
        a, ga = loss.value_and_grad(z, t)
        b, gb = loss.value_and_grad(z, np.eye(4, dtype=np.float32)[t])
        np.testing.assert_allclose(a, b, rtol=1e-6)
        np.testing.assert_allclose(ga, gb, atol=1e-7)


def test_soft_targets_sample_weight_and_extreme_logits():
    rng = np.random.default_rng(4)
    z = rng.standard_normal((20, 3)).astype(np.float32)
    q = rng.dirichlet(np.ones(3), 20).astype(np.float32)
    sw = rng.random(20).astype(np.float32)
    loss = nn.CrossEntropyLoss(reduction="none")
    rows = loss.value_and_grad(z, q)[0]
    mean = nn.CrossEntropyLoss().value_and_grad(z, q, sample_weight=sw)[0]
    np.testing.assert_allclose(mean, (sw * rows).sum() / sw.sum(), rtol=1e-5)
    # logits of +-1e4: finite loss and gradient (log-sum-exp shifted by the row max)
    big = np.array([[1e4, -1e4, 0.0]], np.float32)
    v, g = nn.CrossEntropyLoss().value_and_grad(big, np.array([[0.5, 0.5, 0.0]], np.float32))
    assert np.isfinite(v) and np.all(np.isfinite(g))
    np.testing.assert_allclose(v, 0.5 * 2e4, rtol=1e-6)


def test_soft_targets_train_a_network_like_torch():
    # a hand-written loop (distillation-style soft labels): the same weights after 5 Adam steps
    rng = np.random.default_rng(5)
    X = rng.standard_normal((64, 6)).astype(np.float32)
    q = rng.dirichlet(np.ones(4), 64).astype(np.float32)
    model = nn.Sequential(nn.Dense(8), nn.Tanh(), nn.Dense(4))
    model.build((6,))
    model.allocate(0)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 4))
    tm.load_state_dict({k: torch.tensor(v) for k, v in model.state_dict().items()})
    opt, topt = nn.Adam(0.01), torch.optim.Adam(tm.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1, weight=np.array([1, 2, 1, 0.5]))
    for _ in range(5):
        out = model.forward(X, True)
        value, dout = loss_fn.value_and_grad(out, q)
        model.zero_grad()
        model.backward(dout)
        opt.step(model.params_, model.grads_)
        topt.zero_grad()
        ref = F.cross_entropy(tm(torch.tensor(X)), torch.tensor(q), weight=torch.tensor([1, 2, 1, 0.5]),
                              label_smoothing=0.1)
        ref.backward()
        topt.step()
        np.testing.assert_allclose(value, ref.item(), rtol=1e-5)
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(model.state_dict()[k], v.numpy(), atol=2e-5, err_msg=k)


def test_soft_target_errors():
    z = np.zeros((4, 3), np.float32)
    with pytest.raises(ValueError, match=r"probability targets must have the logits' shape \(4, 3\)"):
        nn.CrossEntropyLoss().value_and_grad(z, np.zeros((4, 2), np.float32))
    with pytest.raises(ValueError, match="must be finite"):
        nn.CrossEntropyLoss().value_and_grad(z, np.full((4, 3), np.nan, np.float32))
    with pytest.raises(ValueError, match="positive sum"):
        nn.CrossEntropyLoss().value_and_grad(z, np.ones((4, 3), np.float32), sample_weight=np.zeros(4))
    with pytest.raises(ValueError, match="label_smoothing"):
        _mlc.nn_cross_entropy_probs(None, None, z, z, label_smoothing=2.0)
    with pytest.raises(ValueError, match="target_probs"):
        _mlc.nn_cross_entropy_probs(None, None, z, np.zeros((3, 3), np.float32))
