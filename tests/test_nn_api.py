"""The torch-style API of mlc.nn: Sequential's parameters()/named_parameters()/state_dict() keyed as
torch's (a torch model's state_dict loads, and back), model(x) in eval mode, clear errors before
build, float64 input; NeuralNetClassifier/Regressor's early_stopping, callbacks, class_weight and
lr_scheduler."""
import warnings

import numpy as np
import pytest

from mlc import nn
from mlc.exceptions import DataConversionWarning


def _pair():
    """An mlc CNN and the same architecture in torch."""
    torch = pytest.importorskip("torch")
    t = torch.nn
    tm = t.Sequential(t.Conv2d(3, 4, 3, padding=1), t.BatchNorm2d(4), t.ReLU(), t.MaxPool2d(2), t.Flatten(),
                      t.Linear(4 * 4 * 5, 6), t.ReLU(), t.Linear(6, 3))
    mm = nn.Sequential(nn.Conv2d(4, 3, padding=1), nn.BatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                       nn.Dense(6), nn.ReLU(), nn.Dense(3))
    mm.build((3, 9, 11))
    mm.allocate(seed=3)
    return torch, tm, mm


def test_state_dict_keys_are_torchs_and_a_torch_state_dict_loads():
    torch, tm, mm = _pair()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 3, 9, 11)).astype(np.float32)
    tm.train()
    tm(torch.tensor(X))  # moves the running statistics
    tm.eval()
    sd = tm.state_dict()
    ours = mm.state_dict()
    assert list(ours) == [k for k in sd if not k.endswith("num_batches_tracked")]
    assert list(ours)[:6] == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"]
    mm.load_state_dict({k: v.numpy() for k, v in sd.items()})
    with torch.no_grad():
        ref = tm(torch.tensor(X)).numpy()
    np.testing.assert_allclose(mm(X), ref, rtol=1e-4, atol=1e-5)
    mm.load_state_dict(sd)  # tensors directly
    np.testing.assert_allclose(mm(X), ref, rtol=1e-4, atol=1e-5)
    # and back: mlc's state_dict loads into torch (num_batches_tracked defaults to 0 there)
    tm2 = type(tm)(*[type(m)(*[]) if False else m for m in tm])  # same modules; reload below
    state = {k: torch.tensor(v) for k, v in mm.state_dict().items()}
    tm2.load_state_dict(state)
    with torch.no_grad():
        np.testing.assert_allclose(tm2(torch.tensor(X)).numpy(), mm(X), rtol=1e-4, atol=1e-5)


def test_parameters_are_views_into_the_flat_buffer():
    _, tm, mm = _pair()
    names = [k for k, _ in mm.named_parameters()]
    assert names == [k for k, _ in tm.named_parameters()]
    assert [k for k, _ in mm.named_buffers()] == ["1.running_mean", "1.running_var"]
    for (_, v), (_, tv) in zip(mm.named_parameters(), tm.named_parameters()):
        assert v.shape == tuple(tv.shape) and np.shares_memory(v, mm.params_)
    assert sum(v.size for v in mm.parameters()) == mm.params_.size
    w = next(mm.parameters())
    w[...] = 0.5
    assert np.all(mm.layers[0].params["weight"] == 0.5)


def test_residual_names():
    m = nn.Sequential(nn.Dense(4), nn.Residual([nn.Dense(4), nn.ReLU()]), nn.Residual([nn.Dense(2)]))
    m.build((3,))
    m.allocate(0)
    assert [k for k, _ in m.named_parameters()] == [
        "0.weight", "0.bias", "1.body.0.weight", "1.body.0.bias", "2.body.0.weight", "2.body.0.bias",
        "2.shortcut.weight"]


def test_load_state_dict_errors():
    _, _, mm = _pair()
    sd = mm.state_dict()
    with pytest.raises(ValueError, match=r"missing keys \['7.bias'\]"):
        mm.load_state_dict({k: v for k, v in sd.items() if k != "7.bias"})
    with pytest.raises(ValueError, match=r"unexpected keys \['9.weight'\]"):
        mm.load_state_dict({**sd, "9.weight": np.zeros(3)})
    before = mm.params_.copy()
    with pytest.raises(ValueError, match=r"0.weight has shape \(4, 3, 3\)"):
        mm.load_state_dict({**{k: v + 1 for k, v in sd.items()}, "0.weight": np.zeros((4, 3, 3))})
    np.testing.assert_array_equal(mm.params_, before)  # nothing written
    mm.load_state_dict({"7.bias": np.ones(3)}, strict=False)
    assert np.all(mm.layers[7].params["bias"] == 1)


def test_call_is_eval_forward_and_errors_before_build():
    m = nn.Sequential(nn.Dense(5), nn.Dropout(0.5), nn.ReLU(), nn.Dense(2))
    X = np.random.default_rng(0).standard_normal((4, 3))
    with pytest.raises(ValueError, match="not built: call model.build"):
        m(X.astype(np.float32))
    with pytest.raises(ValueError, match="not built"):
        m.state_dict()
    with pytest.raises(ValueError, match="not built"):
        list(m.parameters())
    m.build((3,))
    with pytest.raises(ValueError, match="not allocated: call model.allocate"):
        m.forward(X.astype(np.float32), True)
    m.allocate(1)
    out32 = m(X.astype(np.float32))
    np.testing.assert_array_equal(out32, m.forward(X.astype(np.float32), False))
    import mlc.nn._model as model_module
    model_module._warned_float64 = False
    with pytest.warns(DataConversionWarning, match="converted to float32"):
        out64 = m(X)
    np.testing.assert_array_equal(out64, out32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m(X)  # the note is shown once
    with pytest.raises(TypeError, match="real numbers"):
        m(np.array([["a", "b", "c"]]))


# ---- estimators ----------------------------------------------------------------------------------

def _digits():
    from sklearn.datasets import load_digits
    X, y = load_digits(return_X_y=True)
    return (X / 16).astype(np.float32), y


def test_early_stopping_restores_the_best_weights():
    X, y = _digits()
    clf = nn.NeuralNetClassifier(nn.Sequential(nn.Dense(32), nn.ReLU(), nn.Dense(10)), lr=0.01, max_epochs=60,
                                 early_stopping=True, validation_fraction=0.2, n_iter_no_change=3, random_state=0)
    clf.fit(X, y)
    assert clf.n_iter_ < 60
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_) > 0.9
    assert clf.history_["validation_score"] == clf.validation_scores_
    reg = nn.NeuralNetRegressor(max_epochs=5, early_stopping=True, random_state=0).fit(X, y.astype(float))
    assert len(reg.validation_scores_) == reg.n_iter_
    with pytest.raises(ValueError, match="validation_fraction"):
        nn.NeuralNetClassifier(early_stopping=True, validation_fraction=1.0).fit(X, y)


def test_callbacks_see_the_history_and_can_stop():
    X, y = _digits()
    seen = []

    def cb(history):
        seen.append(len(history["loss"]))
        return len(history["loss"]) == 3

    clf = nn.NeuralNetClassifier(max_epochs=20, callbacks=[cb], random_state=0).fit(X[:300], y[:300])
    assert seen == [1, 2, 3] and clf.n_iter_ == 3
    with pytest.raises(ValueError, match="callbacks must be None or a list"):
        nn.NeuralNetClassifier(callbacks=cb).fit(X[:50], y[:50])


def test_class_weight_is_the_loss_weight():
    X, y = _digits()
    X, y = X[:400], y[:400]
    common = dict(max_epochs=3, shuffle=False, random_state=0, diagnostics=False)
    cw = {c: 1.0 + c / 3 for c in range(10)}
    a = nn.NeuralNetClassifier(class_weight=cw, **common).fit(X, y)
    b = nn.NeuralNetClassifier(**common).fit(X, y, sample_weight=np.array([cw[v] for v in y]))
    np.testing.assert_allclose(a.model_.params_, b.model_.params_, rtol=1e-5, atol=1e-6)
    counts = np.bincount(y)
    bal = nn.NeuralNetClassifier(class_weight="balanced", **common).fit(X, y)
    ref = nn.NeuralNetClassifier(**common).fit(X, y, sample_weight=len(y) / (10 * counts[y]))
    np.testing.assert_allclose(bal.model_.params_, ref.model_.params_, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"The classes, \[11\], are not in class_weight"):
        nn.NeuralNetClassifier(class_weight={11: 2.0}, **common).fit(X, y)
    with pytest.raises(ValueError, match="class_weight must be None, 'balanced' or a dict"):
        nn.NeuralNetClassifier(class_weight="auto", **common).fit(X, y)


@pytest.mark.parametrize("sched,kw", [("StepLR", dict(step_size=2, gamma=0.5)), ("ExponentialLR", dict(gamma=0.9)),
                                      ("CosineAnnealingLR", dict(T_max=5)), ("ReduceLROnPlateau", dict(patience=0)),
                                      ("OneCycleLR", dict())])
def test_lr_scheduler_in_the_estimator(sched, kw):
    X, y = _digits()
    X, y = X[:256], y[:256]
    clf = nn.NeuralNetClassifier(optimizer="sgd", lr=0.1, batch_size=64, max_epochs=5, lr_scheduler=sched,
                                 lr_scheduler_kwargs=kw, random_state=0).fit(X, y)
    lrs = clf.history_["lr"]
    assert len(lrs) == 5
    # the same sequence from a hand-written loop over the same scheduler
    opt = nn.SGD(lr=0.1)
    s = getattr(nn, sched)(opt, **({"max_lr": 0.1, "epochs": 5, "steps_per_epoch": 4} if sched == "OneCycleLR"
                                   else kw))
    expect = []
    for epoch in range(5):
        if sched == "OneCycleLR":
            for _ in range(4):
                s.step()
            expect.append(opt.lr)  # after the epoch's batches
            continue
        expect.append(opt.lr)  # the rate the epoch ran with
        if sched == "ReduceLROnPlateau":
            s.step(clf.history_["objective"][epoch])
        else:
            s.step()
    np.testing.assert_allclose(lrs, expect, rtol=1e-12)
    if sched != "ReduceLROnPlateau":
        assert len(set(lrs)) > 1


def test_lr_scheduler_bad_arguments():
    X, y = _digits()
    with pytest.raises(ValueError, match="lr_scheduler must be None"):
        nn.NeuralNetClassifier(lr_scheduler="Cosine").fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="lr_scheduler must be None"):
        nn.NeuralNetClassifier(lr_scheduler=nn.SGD).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="lr_scheduler_kwargs must be None or a dict"):
        nn.NeuralNetClassifier(lr_scheduler="StepLR", lr_scheduler_kwargs=[1]).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="lr must be > 0|lr == -0.1"):
        nn.NeuralNetClassifier(lr=-0.1).fit(X[:50], y[:50])
