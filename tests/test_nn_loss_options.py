"""The losses' torch options (class weights, ignore_index, label_smoothing, reduction, pos_weight,
delta / beta) and the losses NLL, L1, Huber and SmoothL1: forward AND backward equal to torch's within
1e-5 on random shapes; bad options raise clear errors."""
import numpy as np
import pytest

from mlc import nn

torch = pytest.importorskip("torch")
F = torch.nn.functional

SHAPES = [(1, 2), (7, 3), (33, 10), (130, 5)]


def _torch_grad(fn, out, *args):
    z = torch.tensor(out, requires_grad=True)
    loss = fn(z, *args)
    (loss.sum() if loss.dim() else loss).backward()
    return loss.detach().numpy(), z.grad.numpy()


def _check(mlc_loss, out, target, ref_value, ref_grad):
    value, grad = mlc_loss.value_and_grad(out, target)
    np.testing.assert_allclose(value, ref_value, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
@pytest.mark.parametrize("ignore", [False, True])
def test_cross_entropy_options_match_torch(shape, reduction, weighted, smoothing, ignore):
    rng = np.random.default_rng(shape[0] * 7 + shape[1])
    B, C = shape
    z = (3 * rng.standard_normal(shape)).astype(np.float32)
    t = rng.integers(0, C, B)
    if ignore and B > 1:
        t[rng.random(B) < 0.3] = -100
        t[0] = 0
    w = rng.uniform(0.2, 2.0, C).astype(np.float32) if weighted else None
    wt = None if w is None else torch.tensor(w)
    ref = _torch_grad(lambda x: F.cross_entropy(x, torch.tensor(t), weight=wt, reduction=reduction,
                                                label_smoothing=smoothing), z)
    _check(nn.CrossEntropyLoss(weight=w, reduction=reduction, label_smoothing=smoothing), z, t, *ref)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_matches_torch(shape, reduction, weighted):
    rng = np.random.default_rng(shape[0])
    B, C = shape
    z = torch.log_softmax(torch.tensor(rng.standard_normal(shape), dtype=torch.float32), 1).numpy()
    t = rng.integers(0, C, B)
    if B > 2:
        t[1] = -100
    w = rng.uniform(0.2, 2.0, C).astype(np.float32) if weighted else None
    wt = None if w is None else torch.tensor(w)
    ref = _torch_grad(lambda x: F.nll_loss(x, torch.tensor(t), weight=wt, reduction=reduction), z)
    _check(nn.NLLLoss(weight=w, reduction=reduction), z, t, *ref)


def test_ignore_index_other_value_and_sample_weight():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((20, 4)).astype(np.float32)
    t = rng.integers(0, 4, 20)
    t[::3] = 2
    ref = _torch_grad(lambda x: F.cross_entropy(x, torch.tensor(t), ignore_index=2), z)
    _check(nn.CrossEntropyLoss(ignore_index=2), z, t, *ref)
    # sample weights: the weighted mean over the rows, class weights multiplying them
    sw = rng.uniform(0.5, 2, 20).astype(np.float32)
    cw = rng.uniform(0.5, 2, 4).astype(np.float32)
    rows = F.cross_entropy(torch.tensor(z), torch.tensor(t), weight=torch.tensor(cw), reduction="none").numpy()
    expect = (sw * rows).sum() / (sw * cw[t]).sum()
    loss = nn.CrossEntropyLoss(weight=cw)(None, z, t, sw)
    assert loss == pytest.approx(expect, rel=1e-5)


@pytest.mark.parametrize("shape", [(1, 1), (5, 1), (17, 3), (64, 7)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["mse", "l1", "huber", "huber2", "smooth_l1", "smooth_l1_0", "smooth_l1_3"])
def test_regression_losses_match_torch(shape, reduction, name):
    rng = np.random.default_rng(shape[0] + shape[1])
    p = (2 * rng.standard_normal(shape)).astype(np.float32)
    t = (2 * rng.standard_normal(shape)).astype(np.float32)
    p.flat[0] = t.flat[0]  # r = 0: the subgradient 0 of torch
    tt = torch.tensor(t)
    mlc_loss, fn = {
        "mse": (nn.MSELoss(reduction), lambda x: F.mse_loss(x, tt, reduction=reduction)),
        "l1": (nn.L1Loss(reduction), lambda x: F.l1_loss(x, tt, reduction=reduction)),
        "huber": (nn.HuberLoss(reduction), lambda x: F.huber_loss(x, tt, reduction=reduction)),
        "huber2": (nn.HuberLoss(reduction, delta=2.5), lambda x: F.huber_loss(x, tt, reduction=reduction, delta=2.5)),
        "smooth_l1": (nn.SmoothL1Loss(reduction), lambda x: F.smooth_l1_loss(x, tt, reduction=reduction)),
        "smooth_l1_0": (nn.SmoothL1Loss(reduction, beta=0.0),
                        lambda x: F.smooth_l1_loss(x, tt, reduction=reduction, beta=0.0)),
        "smooth_l1_3": (nn.SmoothL1Loss(reduction, beta=3.0),
                        lambda x: F.smooth_l1_loss(x, tt, reduction=reduction, beta=3.0)),
    }[name]
    _check(mlc_loss, p, t, *_torch_grad(fn, p))


@pytest.mark.parametrize("shape", [(1, 1), (9, 1), (31, 4)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("opts", ["plain", "pos_weight", "weight_col", "weight_full", "both"])
def test_bce_with_logits_options_match_torch(shape, reduction, opts):
    rng = np.random.default_rng(shape[0] * 3 + shape[1])
    z = (4 * rng.standard_normal(shape)).astype(np.float32)
    t = rng.random(shape).astype(np.float32)
    t[0] = 1.0
    kw = {}
    if opts in ("pos_weight", "both"):
        kw["pos_weight"] = rng.uniform(0.3, 3, shape[1]).astype(np.float32)
    if opts in ("weight_col", "both"):
        kw["weight"] = rng.uniform(0.3, 3, shape[1]).astype(np.float32)
    if opts == "weight_full":
        kw["weight"] = rng.uniform(0.3, 3, shape).astype(np.float32)
    tkw = {k: torch.tensor(v) for k, v in kw.items()}
    ref = _torch_grad(lambda x: F.binary_cross_entropy_with_logits(x, torch.tensor(t), reduction=reduction, **tkw), z)
    _check(nn.BCEWithLogitsLoss(reduction=reduction, **kw), z, t, *ref)


def test_one_dimensional_outputs_keep_their_shape():
    p = np.array([0.5, -1.0, 3.0], np.float32)
    t = np.array([0.0, 0.0, 1.0], np.float32)
    value, grad = nn.L1Loss("none").value_and_grad(p, t)
    assert value.shape == grad.shape == (3,)
    np.testing.assert_allclose(value, [0.5, 1.0, 2.0])


def test_bad_loss_options():
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.CrossEntropyLoss(reduction="avg")
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss(reduction=None)
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0.0, 1.0\]"):
        nn.CrossEntropyLoss(label_smoothing=1.5)
    with pytest.raises(ValueError, match="label_smoothing must be"):
        nn.CrossEntropyLoss(label_smoothing=-0.1)
    with pytest.raises(ValueError, match="ignore_index must be an int"):
        nn.CrossEntropyLoss(ignore_index=1.5)
    with pytest.raises(ValueError, match="weight must be a 1-d array"):
        nn.CrossEntropyLoss(weight=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="weight must be a 1-d array"):
        nn.NLLLoss(weight=[1.0, -2.0])
    with pytest.raises(ValueError, match="delta must be > 0"):
        nn.HuberLoss(delta=0.0)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        nn.SmoothL1Loss(beta=-1.0)
    with pytest.raises(ValueError, match="pos_weight must be"):
        nn.BCEWithLogitsLoss(pos_weight=[np.nan])
    z = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match="every target is ignore_index=-100"):
        nn.CrossEntropyLoss().value_and_grad(z, np.full(3, -100))
    # 'sum' and 'none' of an all-ignored batch are 0, as torch's
    assert nn.CrossEntropyLoss(reduction="sum")(None, z, np.full(3, -100)) == 0.0
    with pytest.raises(ValueError, match=r"targets\[1\] = 4 is not a class index"):
        nn.CrossEntropyLoss().value_and_grad(z, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"targets\[2\] = -1 is not a class index"):
        nn.CrossEntropyLoss().value_and_grad(z, np.array([0, 1, -1]))
    with pytest.raises(ValueError, match="class_weight"):
        nn.CrossEntropyLoss(weight=[1.0, 2.0]).value_and_grad(z, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="pos_weight has 2 values"):
        nn.BCEWithLogitsLoss(pos_weight=[1.0, 2.0]).value_and_grad(z, z)
    with pytest.raises(ValueError, match="does not broadcast"):
        nn.BCEWithLogitsLoss(weight=[1.0, 2.0]).value_and_grad(z, z)
    with pytest.raises(ValueError, match="target has shape"):
        nn.MSELoss().value_and_grad(z, z[:, :2])
    with pytest.raises(ValueError, match="sample_weight must have a positive sum"):
        nn.MSELoss()(None, z, z, np.zeros(3, np.float32))


def test_bad_kernel_arguments_raise():
    from mlc import _mlc
    z = np.zeros((3, 4), np.float32)
    t = np.zeros(3, np.int64)
    with pytest.raises(ValueError, match="reduction must be"):
        _mlc.nn_cross_entropy(None, None, z, t, _mlc.NN_LOSS_CROSS_ENTROPY, reduction=7)
    with pytest.raises(ValueError, match="label_smoothing applies to cross_entropy only"):
        _mlc.nn_cross_entropy(None, None, z, t, _mlc.NN_LOSS_NLL, label_smoothing=0.1)
    with pytest.raises(ValueError, match="kind must be"):
        _mlc.nn_cross_entropy(None, None, z, t, _mlc.NN_LOSS_MSE)
    with pytest.raises(ValueError, match="use nn_cross_entropy"):
        _mlc.nn_pointwise_loss(None, None, z, z, _mlc.NN_LOSS_NLL)
    with pytest.raises(ValueError, match="pos_weight applies to bce_with_logits only"):
        _mlc.nn_pointwise_loss(None, None, z, z, _mlc.NN_LOSS_MSE, pos_weight=np.ones(4, np.float32))
    with pytest.raises(ValueError, match="row_loss"):
        _mlc.nn_cross_entropy(None, np.zeros(2, np.float32), z, t, _mlc.NN_LOSS_CROSS_ENTROPY)
    with pytest.raises(ValueError):
        _mlc.nn_pointwise_loss(z, None, z, z, _mlc.NN_LOSS_L1)  # the gradient may not overlap the input
