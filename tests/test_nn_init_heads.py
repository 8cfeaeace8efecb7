"""What a torch or scikit-learn user expects of mlc.nn's defaults: the bias initialisation (scikit-learn's
MLP draws its biases like its weights, torch's Linear from U(+-1/sqrt(fan_in))), a binary
NeuralNetClassifier with either a 1-logit or a 2-logit head, and weight_decay_biases (torch's decay of
every parameter)."""
import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_breast_cancer

from mlc import nn
from mlc.exceptions import ConvergenceWarning


def _check_uniform(v, bound):
    """v looks like U(-bound, bound): within the bounds, reaching near them, the moments and a KS test."""
    v = np.asarray(v, np.float64).ravel()
    n = v.size
    assert np.abs(v).max() <= bound * (1 + 1e-6)
    assert np.abs(v).max() > bound * (1 - 20 / n)
    assert abs(v.mean()) < 4 * bound / np.sqrt(3 * n)
    np.testing.assert_allclose(v.var(), bound ** 2 / 3, rtol=8 / np.sqrt(n))
    assert stats.kstest(v, stats.uniform(-bound, 2 * bound).cdf).pvalue > 1e-3


def _mlp_init(est, n_features):
    """The initial coefs_ / intercepts_ of an MLP estimator: one step at a negligible rate."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, n_features))
    y = np.arange(20) % 2 if isinstance(est, nn.MLPClassifier) else rng.standard_normal(20)
    est.set_params(solver="sgd", momentum=0.0, learning_rate_init=1e-12, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    return est


@pytest.mark.parametrize("activation, factor", [("relu", 6.0), ("tanh", 6.0), ("logistic", 2.0)])
@pytest.mark.parametrize("Est", [nn.MLPClassifier, nn.MLPRegressor])
def test_mlp_biases_start_as_scikit_learns(Est, activation, factor):
    # scikit-learn's _init_coef: coef and intercept both U(-b, b), b = sqrt(factor / (fan_in + fan_out))
    est = _mlp_init(Est(hidden_layer_sizes=(3000, 2000), activation=activation), 40)
    fans = [(40, 3000), (3000, 2000), (2000, 1)]
    for coef, icpt, (fi, fo) in zip(est.coefs_, est.intercepts_, fans):
        b = np.sqrt(factor / (fi + fo))
        if coef.shape[1] > 1:
            _check_uniform(icpt, b)
        else:
            assert abs(icpt[0]) <= b and icpt[0] != 0
        _check_uniform(coef[:, :500], b)
    # two seeds, two draws; the same seed, the same draw
    a = _mlp_init(Est(hidden_layer_sizes=(50,), activation=activation), 5).intercepts_[0]
    np.testing.assert_array_equal(a, _mlp_init(Est(hidden_layer_sizes=(50,), activation=activation), 5).intercepts_[0])


def test_mlp_explicit_init_keeps_zero_biases():
    est = _mlp_init(nn.MLPClassifier(hidden_layer_sizes=(30,), init="he_uniform"), 5)
    assert np.abs(est.intercepts_[0]).max() < 1e-9  # zero, moved by one step at rate 1e-12


@pytest.mark.parametrize("fan_in", [1, 50, 777])
def test_dense_default_init_is_torch_linear(fan_in):
    torch = pytest.importorskip("torch")
    m = nn.Sequential(nn.Dense(3000, in_features=fan_in))
    m.build((fan_in,))
    m.allocate(3)
    bound = 1 / np.sqrt(fan_in)
    _check_uniform(m.layers[0].params["bias"], bound)
    _check_uniform(m.layers[0].params["weight"][:, :20], bound)
    torch.manual_seed(0)
    ref = torch.nn.Linear(fan_in, 3000)
    _check_uniform(ref.bias.detach().numpy(), bound)  # the reference has the same law
    np.testing.assert_allclose(ref.bias.detach().numpy().var(), m.layers[0].params["bias"].var(), rtol=0.15)
    # other initialisers keep zero biases (torch leaves the bias to the user); bias_init draws them
    z = nn.Sequential(nn.Dense(100, init="xavier_uniform"))
    z.build((fan_in,))
    z.allocate(0)
    assert np.all(z.layers[0].params["bias"] == 0)
    d = nn.Sequential(nn.Dense(3000, init="xavier_uniform", bias_init="xavier_uniform"))
    d.build((fan_in,))
    d.allocate(0)
    _check_uniform(d.layers[0].params["bias"], np.sqrt(6 / (fan_in + 3000)))


def test_dense_bias_init_bad_value():
    with pytest.raises(ValueError, match="bias_init must be None"):
        nn.Dense(3, bias_init="ones")
    with pytest.raises(ValueError, match="bias_init must be None"):
        nn.Dense(3, bias_init="glorot")


# ---- binary heads ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return ((X - X.mean(0)) / X.std(0)).astype(np.float32), np.array(["benign", "malignant"])[y]


@pytest.mark.parametrize("head, loss", [
    (lambda: nn.Sequential(nn.Dense(16), nn.ReLU(), nn.Dense(1)), nn.BCEWithLogitsLoss),
    (lambda: nn.Sequential(nn.Dense(16), nn.ReLU(), nn.Dense(2)), nn.CrossEntropyLoss),
    (lambda: nn.Sequential(nn.Sequential(nn.Dense(16), nn.ReLU()), nn.Sequential(nn.Dense(2), nn.Identity())),
     nn.CrossEntropyLoss),
    (lambda: nn.Sequential(nn.Dense(16), nn.ReLU(), nn.Dropout(0.1), nn.Dense(2), nn.Identity()),
     nn.CrossEntropyLoss),
])
def test_binary_classifier_takes_one_or_two_logits(cancer, head, loss):
    X, y = cancer
    clf = nn.NeuralNetClassifier(head(), max_epochs=30, lr=0.01, random_state=0).fit(X, y)
    assert isinstance(clf._loss, loss)
    assert clf.model_.out_shape == ((1,) if loss is nn.BCEWithLogitsLoss else (2,))
    p = clf.predict_proba(X)
    assert p.shape == (len(X), 2)
    np.testing.assert_allclose(p.sum(1), 1, rtol=1e-6)
    assert clf.score(X, y) > 0.95
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[p.argmax(1)])
    # partial_fit: the same head from the first call on
    pf = nn.NeuralNetClassifier(head(), random_state=0)
    for _ in range(3):
        pf.partial_fit(X, y, classes=["benign", "malignant"])
    assert isinstance(pf._loss, loss) and pf.predict_proba(X[:3]).shape == (3, 2)


def test_binary_two_logit_head_is_torch_cross_entropy(cancer):
    # one full-batch SGD step from the same weights: mlc's estimator and torch's CrossEntropyLoss agree
    torch = pytest.importorskip("torch")
    X, y = cancer
    clf = nn.NeuralNetClassifier(nn.Sequential(nn.Dense(2)), optimizer="sgd", lr=0.5, batch_size=len(X),
                                 max_epochs=1, shuffle=False, random_state=0, warm_start=True).fit(X, y)
    lin = torch.nn.Linear(X.shape[1], 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(clf.model_.layers[0].params["weight"]))
        lin.bias.copy_(torch.tensor(clf.model_.layers[0].params["bias"]))
    clf.fit(X, y)
    t = torch.tensor(np.searchsorted(clf.classes_, y))
    loss = torch.nn.functional.cross_entropy(lin(torch.tensor(X)), t)
    loss.backward()
    with torch.no_grad():
        for p in lin.parameters():
            p -= 0.5 * p.grad
    np.testing.assert_allclose(clf.model_.layers[0].params["weight"], lin.weight.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(clf.model_.layers[0].params["bias"], lin.bias.detach().numpy(), atol=1e-5)


def test_binary_head_of_wrong_width_is_a_clear_error(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match=r"output shape is \(3,\), but two classes need 1 output"):
        nn.NeuralNetClassifier(nn.Sequential(nn.Dense(4), nn.ReLU(), nn.Dense(3)), max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match=r"the targets need \(3,\)"):
        nn.NeuralNetClassifier(nn.Sequential(nn.Dense(2)), max_epochs=1).fit(X, np.arange(len(X)) % 3)


# ---- weight_decay_biases --------------------------------------------------------------------------
@pytest.mark.parametrize("decay_biases", [False, True])
@pytest.mark.parametrize("optimizer, topt", [("sgd", "SGD"), ("adam", "Adam")])
def test_weight_decay_biases_matches_torch(decay_biases, optimizer, topt):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 6)).astype(np.float32)
    y = (X @ rng.standard_normal(6)).astype(np.float32)
    kw = dict(optimizer=optimizer, lr=0.05, weight_decay=0.3, weight_decay_biases=decay_biases,
              batch_size=40, shuffle=False, random_state=0)
    reg = nn.NeuralNetRegressor(nn.Sequential(nn.Dense(5), nn.ReLU(), nn.Dense(1)), max_epochs=1, warm_start=True,
                                **kw).fit(X, y)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1))
    tm.load_state_dict({k: torch.tensor(v) for k, v in reg.model_.state_dict().items()})
    # the estimator's optimizer has taken one step: continue both from here with fresh state
    reg._optimizer.reset()
    weights = [p for n, p in tm.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in tm.named_parameters() if n.endswith("bias")]
    groups = [{"params": weights}, {"params": biases, "weight_decay": 0.3 if decay_biases else 0.0}]
    opt = getattr(torch.optim, topt)(groups, lr=0.05, weight_decay=0.3)
    for _ in range(5):
        reg.partial_fit(X, y)
        opt.zero_grad()
        torch.nn.functional.mse_loss(tm(torch.tensor(X))[:, 0], torch.tensor(y)).backward()
        opt.step()
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(reg.model_.state_dict()[k], v.numpy(), rtol=1e-4, atol=1e-5, err_msg=k)
    # the objective counts the penalty of every decayed parameter
    sq = sum(float((p.astype(np.float64) ** 2).sum()) for n, p in reg.model_.named_parameters()
             if decay_biases or n.endswith("weight"))
    assert sq > 0 and reg.history_["objective"][-1] > reg.history_["loss"][-1]


def test_weight_decay_biases_default_and_errors():
    assert nn.NeuralNetClassifier().get_params()["weight_decay_biases"] is False
    assert "weight_decay_biases" in nn.NeuralNetRegressor.__doc__
    X = np.random.default_rng(0).standard_normal((10, 3))
    with pytest.raises(ValueError, match="weight_decay_biases must be a bool"):
        nn.NeuralNetRegressor(weight_decay_biases="yes", max_epochs=1).fit(X, X[:, 0])
    # no decay at all: the flag changes nothing
    a = nn.NeuralNetRegressor(max_epochs=3, batch_size=5, random_state=0).fit(X, X[:, 0])
    b = nn.NeuralNetRegressor(max_epochs=3, batch_size=5, random_state=0, weight_decay_biases=True).fit(X, X[:, 0])
    np.testing.assert_array_equal(a.model_.params_, b.model_.params_)
