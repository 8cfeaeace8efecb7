"""Learning-rate schedulers and RMSprop against torch: the lr sequences of 50 steps equal torch's
schedulers' (to 1e-12 relative: the same recursive formulas), OneCycleLR's momentum / beta1 too;
RMSprop's parameter trajectories equal torch.optim.RMSprop's within 1e-5 over a few hundred steps."""
import numpy as np
import pytest

from mlc import nn

torch = pytest.importorskip("torch")


def _torch_opt(kind="sgd", lr=0.1, **kw):
    p = torch.nn.Parameter(torch.zeros(3))
    return {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}[kind]([p], lr=lr, **kw)


def _mlc_opt(kind="sgd", lr=0.1, **kw):
    return {"sgd": nn.SGD, "adam": nn.Adam, "rmsprop": nn.RMSprop}[kind](lr=lr, **kw)


SCHEDULERS = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("StepLR", dict(step_size=1)),
    ("MultiStepLR", dict(milestones=[3, 10, 10, 31], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=20)),
    ("CosineAnnealingLR", dict(T_max=13, eta_min=0.01)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=50)),
    ("OneCycleLR", dict(max_lr=1.0, epochs=5, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear")),
    ("OneCycleLR", dict(max_lr=0.3, total_steps=50, three_phase=True, div_factor=10.0, final_div_factor=100.0)),
]


@pytest.mark.parametrize("name,kw", SCHEDULERS)
@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_scheduler_lr_sequence_equals_torch(name, kw, opt):
    okw = {"momentum": 0.9} if opt == "sgd" else {}
    t_opt, m_opt = _torch_opt(opt, **okw), _mlc_opt(opt, **okw)
    t_s = getattr(torch.optim.lr_scheduler, name)(t_opt, **kw)
    m_s = getattr(nn, name)(m_opt, **kw)
    steps = 49 if name == "OneCycleLR" else 50
    t_lr, m_lr, t_mom, m_mom = [], [], [], []
    for _ in range(steps):
        t_lr.append(t_s.get_last_lr()[0])
        m_lr.append(m_s.get_last_lr()[0])
        t_mom.append(t_opt.param_groups[0]["momentum"] if opt == "sgd" else t_opt.param_groups[0]["betas"][0])
        m_mom.append(m_opt.momentum if opt == "sgd" else m_opt.betas[0])
        t_opt.step()
        t_s.step()
        m_s.step()
    np.testing.assert_allclose(m_lr, t_lr, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m_mom, t_mom, rtol=1e-12)
    assert m_s.last_epoch == t_s.last_epoch == steps
    assert m_opt.lr == m_s.get_last_lr()[0]


def test_reduce_lr_on_plateau_equals_torch():
    rng = np.random.default_rng(0)
    metrics = np.concatenate([np.linspace(1, 0.5, 10), 0.5 + 0.01 * rng.random(40)])
    for kw in (dict(), dict(mode="max", factor=0.5, patience=2, cooldown=3),
               dict(patience=0, threshold=0.05, threshold_mode="abs", min_lr=0.004)):
        t_opt, m_opt = _torch_opt(), _mlc_opt()
        t_s = torch.optim.lr_scheduler.ReduceLROnPlateau(t_opt, **kw)
        m_s = nn.ReduceLROnPlateau(m_opt, **kw)
        t_lr, m_lr = [], []
        for v in metrics:
            t_s.step(float(v))
            m_s.step(v)
            t_lr.append(t_s.get_last_lr()[0])
            m_lr.append(m_s.get_last_lr()[0])
        assert m_lr == t_lr
        assert len(set(m_lr)) > 1


def test_onecycle_past_total_steps_raises_and_state_dict_round_trip():
    opt = nn.SGD(lr=0.1)
    s = nn.OneCycleLR(opt, max_lr=1.0, total_steps=5)
    assert opt.momentum == 0.95 and opt.n_state == 1  # momentum switched on as torch's SGD
    for _ in range(5):
        s.step()
    with pytest.raises(ValueError, match="tried to step 6 times"):
        s.step()
    opt2 = nn.Adam(lr=0.1)
    s2 = nn.StepLR(opt2, step_size=2)
    for _ in range(3):
        s2.step()
    state = s2.state_dict()
    s3 = nn.StepLR(nn.Adam(lr=0.1), step_size=5)
    s3.load_state_dict(state)
    assert s3.last_epoch == 3 and s3.step_size == 2


def test_scheduler_bad_arguments():
    opt = nn.SGD(lr=0.1)
    with pytest.raises(TypeError, match="not an mlc.nn optimizer"):
        nn.StepLR(object(), step_size=3)
    with pytest.raises(ValueError, match="step_size must be a positive int"):
        nn.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="gamma must be"):
        nn.ExponentialLR(opt, gamma=-0.5)
    with pytest.raises(ValueError, match="T_max must be a positive int"):
        nn.CosineAnnealingLR(opt, T_max=2.5)
    with pytest.raises(ValueError, match="milestones must be ints"):
        nn.MultiStepLR(opt, milestones=[1.5])
    with pytest.raises(ValueError, match="factor must be"):
        nn.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode must be"):
        nn.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(ValueError, match="either total_steps OR"):
        nn.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        nn.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="exp")
    with pytest.raises(ValueError, match="pct_start must be"):
        nn.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        nn.OneCycleLR(nn.Adagrad(lr=0.1), max_lr=0.1, total_steps=10)
    with pytest.raises(KeyError, match="initial_lr"):
        nn.StepLR(nn.SGD(lr=0.1), step_size=3, last_epoch=4)


# ---- RMSprop --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [dict(), dict(alpha=0.9, eps=1e-6), dict(momentum=0.9), dict(centered=True),
                                dict(momentum=0.5, centered=True, weight_decay=0.01), dict(weight_decay=0.1, lr=0.003)])
def test_rmsprop_trajectory_equals_torch(kw):
    rng = np.random.default_rng(1)
    P, steps = 37, 300
    A = (rng.standard_normal((P, P)) / np.sqrt(P)).astype(np.float32)
    x0 = rng.standard_normal(P).astype(np.float32)
    kw = {"lr": 0.01, **kw}
    tp = torch.nn.Parameter(torch.tensor(x0))
    t_opt = torch.optim.RMSprop([tp], **kw)
    m_opt = nn.RMSprop(**kw, weight_decay_biases=True)
    mp = x0.copy()
    At = torch.tensor(A)
    for step in range(steps):
        noise = rng.standard_normal(P).astype(np.float32) * 0.1
        t_opt.zero_grad()
        loss = 0.5 * (At @ tp).square().sum() + (torch.tensor(noise) * tp).sum()
        loss.backward()
        g = (A.T @ (A @ mp) + noise).astype(np.float32)
        m_opt.step(mp, g)
        t_opt.step()
        np.testing.assert_allclose(mp, tp.detach().numpy(), rtol=1e-5, atol=1e-5, err_msg=f"step {step}")


def test_rmsprop_bad_arguments():
    with pytest.raises(ValueError, match="lr must be > 0"):
        nn.RMSprop(lr=-0.1)
    with pytest.raises(ValueError, match="alpha must be <= 1"):
        nn.RMSprop(alpha=1.5)
    with pytest.raises(ValueError, match="eps must be > 0"):
        nn.RMSprop(eps=0.0)
    with pytest.raises(ValueError, match="momentum must be >= 0"):
        nn.RMSprop(momentum=-1.0)
    from mlc import _mlc
    p = np.zeros(4, np.float32)
    with pytest.raises(ValueError, match="alpha must be in"):
        _mlc.nn_optim_step(p, p.copy(), np.zeros((1, 4), np.float32), _mlc.OPTIM_RMSPROP, 1, 0.1, alpha=2.0)
    with pytest.raises(ValueError, match=r"needs a \(3, P\) array"):
        _mlc.nn_optim_step(p, p.copy(), np.zeros((2, 4), np.float32), _mlc.OPTIM_RMSPROP, 1, 0.1, momentum=0.9,
                           centered=True)


def test_weight_decay_biases_decays_every_parameter():
    """Weight decay on the masked parameters only (mlc's default, as scikit-learn), or on every
    parameter with weight_decay_biases=True (torch's one parameter group)."""
    p0 = np.ones(4, np.float32)
    mask = np.array([1, 1, 0, 0], np.float32)
    g = np.zeros(4, np.float32)
    for cls in (nn.SGD, nn.Adam, nn.AdamW, nn.RMSprop, nn.Adagrad):
        a, b = p0.copy(), p0.copy()
        cls(lr=0.1, weight_decay=0.5).step(a, g, mask)
        cls(lr=0.1, weight_decay=0.5, weight_decay_biases=True).step(b, g, mask)
        assert np.all(a[:2] < 1) and np.all(a[2:] == 1), cls.__name__
        assert np.all(b < 1), cls.__name__
