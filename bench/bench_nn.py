"""Networks: mlc.nn vs PyTorch (CPU, float32, same threads), and MLPClassifier vs scikit-learn's.

For each network both sides start from the SAME weights (copied into torch) and see the same
mini-batches in the same order with SGD + momentum, so their epoch losses must agree (the quality
column): the time ratio then compares the same work. Times are medians over epochs (mlc and torch
interleaved). Kernel-level rows (a 1x1 convolution, the sgemm peak) are in bench_nn_conv.py.
"""
import statistics
import time

import numpy as np

from bench._harness import Row


def _torch_twin(model):
    import torch
    import torch.nn as tnn

    class Res(tnn.Module):
        def __init__(self, body, sc):
            super().__init__()
            self.body, self.sc = body, sc

        def forward(self, x):
            return self.body(x) + (x if self.sc is None else self.sc(x))

    from mlc import nn

    def twin(layer):
        if isinstance(layer, nn.Sequential):
            return tnn.Sequential(*[twin(s) for s in layer.layers])
        if isinstance(layer, nn.Residual):
            sc = layer.shortcut if layer.shortcut is not None else layer.auto_shortcut_
            return Res(twin(layer.body), None if sc is None else twin(sc))
        if isinstance(layer, nn.Dense):
            t = tnn.Linear(layer.in_features, layer.out_features, bias=layer.bias)
        elif isinstance(layer, nn.Conv2d):
            t = tnn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding,
                           bias=layer.bias)
        elif isinstance(layer, nn.BatchNorm2d):
            t = tnn.BatchNorm2d(layer.num_features)
        elif isinstance(layer, nn.BatchNorm1d):
            t = tnn.BatchNorm1d(layer.num_features)
        elif isinstance(layer, nn.MaxPool2d):
            return tnn.MaxPool2d(layer.kernel_size, layer.stride, layer.padding)
        elif isinstance(layer, nn.ReLU):
            return tnn.ReLU()
        elif isinstance(layer, nn.Flatten):
            return tnn.Flatten()
        else:
            raise TypeError(type(layer))
        with torch.no_grad():
            for name, view in layer.params.items():
                getattr(t, name).copy_(torch.from_numpy(view.copy()))
        return t
    return twin(model)


def _epochs(model, X, y, batch, n_epochs):
    """Time n_epochs of SGD+momentum for mlc and torch, interleaved; return medians and last losses."""
    import torch

    from mlc.nn import SGD, CrossEntropyLoss
    t = _torch_twin(model)
    t.train()
    model.train()
    opt, topt = SGD(0.01, momentum=0.9), torch.optim.SGD(t.parameters(), 0.01, momentum=0.9)
    loss_fn, tloss = CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    dout = None

    def mlc_epoch():
        nonlocal dout
        total = 0.0
        for s in range(0, len(X), batch):
            out = model.forward(X[s:s + batch], True)
            if dout is None or dout.shape != out.shape:
                dout = np.zeros(out.shape, np.float32)
            else:
                dout.fill(0)
            total += loss_fn(dout, out, y[s:s + batch]) * len(out)
            model.zero_grad()
            model.backward(dout, need_dx=False)
            opt.step(model.params_, model.grads_)
        return total / len(X)

    def torch_epoch():
        total = 0.0
        for s in range(0, len(X), batch):
            topt.zero_grad()
            loss = tloss(t(Xt[s:s + batch]), yt[s:s + batch])
            loss.backward()
            topt.step()
            total += loss.item() * len(Xt[s:s + batch])
        return total / len(X)

    tm, tr, lm, lr = [], [], [], []
    for _ in range(n_epochs):
        t0 = time.perf_counter()
        lm.append(mlc_epoch())
        tm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        lr.append(torch_epoch())
        tr.append(time.perf_counter() - t0)
    return statistics.median(tm), statistics.median(tr), lm[-1], lr[-1]


def _data(rng, n, shape, n_classes):
    X = rng.normal(size=(n,) + shape).astype(np.float32)
    y = rng.integers(0, n_classes, n).astype(np.int64)
    return X, y


def rows(quick=False):
    import torch

    import mlc
    from mlc import nn
    torch.set_num_threads(mlc.get_num_threads())
    rng = np.random.default_rng(0)
    n_epochs = 2 if quick else 3

    cases = []
    n = 6_000 if quick else 60_000
    cases.append((f"MLP 784-512-256-10, {n} samples, batch 128, SGD momentum (epoch)",
                  nn.Sequential(nn.Dense(512), nn.ReLU(), nn.Dense(256), nn.ReLU(), nn.Dense(10)),
                  (784,), n, 128))
    n = 1_280 if quick else 6_400
    cases.append((f"CNN 1x28x28 conv32-BN-ReLU-pool-conv64-BN-ReLU-pool-dense10, {n} samples, batch 64 (epoch)",
                  nn.Sequential(nn.Conv2d(32, 3, padding=1), nn.BatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2),
                                nn.Conv2d(64, 3, padding=1), nn.BatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2),
                                nn.Flatten(), nn.Dense(10)), (1, 28, 28), n, 64))
    n = 512 if quick else 2_048

    def block(c, stride=1):
        return nn.Residual([nn.Conv2d(c, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(), nn.ReLU(),
                            nn.Conv2d(c, 3, padding=1, bias=False), nn.BatchNorm2d()])
    cases.append((f"ResNet-style 3x32x32: conv16 + 4 residual blocks (16, 32/2 proj.), {n} samples, batch 32 (epoch)",
                  nn.Sequential(nn.Conv2d(16, 3, padding=1, bias=False), nn.BatchNorm2d(), nn.ReLU(),
                                block(16), nn.ReLU(), block(16), nn.ReLU(), block(32, 2), nn.ReLU(), block(32),
                                nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(), nn.Dense(10)), (3, 32, 32), n, 32))
    for work, model, shape, n, batch in cases:
        model.build(shape)
        model.allocate(seed=0)
        X, y = _data(rng, n, shape, 10)
        tm, tr, lm, lr = _epochs(model, X, y, batch, n_epochs)
        yield Row("nn", work, tm, tr, "torch", "epoch loss", lm, lr)

    # MLPClassifier vs scikit-learn's on digits (fit time; test accuracy)
    import warnings

    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier as SkMLP
    from sklearn.preprocessing import StandardScaler

    from bench._harness import compare
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)

    def fit(cls):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return cls(hidden_layer_sizes=(100,), max_iter=100, random_state=0).fit(Xtr, ytr)
    yield compare("nn", "MLPClassifier (100,) adam digits 1347x64, 100 epochs", lambda: fit(nn.MLPClassifier),
                  lambda: fit(SkMLP), lambda m: m.score(Xte, yte), "test accuracy", repeats=2 if quick else 5)
