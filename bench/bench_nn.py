"""Networks: mlc.nn vs PyTorch (CPU, float32, same threads), and MLPClassifier vs scikit-learn's.

For each network both sides start from the SAME weights (mlc's, copied into torch) and see the same
mini-batches in the same order with SGD + momentum, so their epoch losses must agree (the quality
column): the time ratio then compares the same work. Each side runs in its own process with only its own
library loaded (bench._harness.compare_procs), the two alternating epoch by epoch after one warm-up epoch
each and one untimed alternation; times are medians of at least 7 epochs a side, with the spread of the
epoch-by-epoch ratios. Two more rows time the MLP epoch in a process that imported and ran the other
library first against the same side alone (mlc after torch, torch after mlc): each library keeps its own
OpenMP runtime, so each ratio should be at most 1.15. Kernel-level rows are in bench_nn_conv.py.
"""
import numpy as np

from bench._harness import Side, compare_procs, selected

MODULE = "bench.bench_nn"


def _cases(quick):
    """(work, make(nn) -> mlc model (called on mlc's side only), input shape, samples, batch) per network."""
    n_mlp = 6_000 if quick else 60_000
    n_cnn = 1_280 if quick else 6_400
    n_res = 512 if quick else 2_048

    def resnet(nn):
        def block(c, stride=1):
            return nn.Residual([nn.Conv2d(c, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(), nn.ReLU(),
                                nn.Conv2d(c, 3, padding=1, bias=False), nn.BatchNorm2d()])
        return nn.Sequential(nn.Conv2d(16, 3, padding=1, bias=False), nn.BatchNorm2d(), nn.ReLU(),
                             block(16), nn.ReLU(), block(16), nn.ReLU(), block(32, 2), nn.ReLU(), block(32),
                             nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(), nn.Dense(10))
    return [
        (f"MLP 784-512-256-10, {n_mlp} samples, batch 128, SGD momentum (epoch)",
         lambda nn: nn.Sequential(nn.Dense(512), nn.ReLU(), nn.Dense(256), nn.ReLU(), nn.Dense(10)),
         (784,), n_mlp, 128),
        (f"CNN 1x28x28 conv32-BN-ReLU-pool-conv64-BN-ReLU-pool-dense10, {n_cnn} samples, batch 64 (epoch)",
         lambda nn: nn.Sequential(nn.Conv2d(32, 3, padding=1), nn.BatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Conv2d(64, 3, padding=1), nn.BatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Flatten(), nn.Dense(10)),
         (1, 28, 28), n_cnn, 64),
        (f"ResNet-style 3x32x32: conv16 + 4 residual blocks (16, 32/2 proj.), {n_res} samples, batch 32 (epoch)",
         resnet, (3, 32, 32), n_res, 32),
    ]


def _data(case, quick):
    _, _, shape, n, batch = _cases(quick)[case]
    rng = np.random.default_rng(case)
    X = rng.normal(size=(n,) + shape).astype(np.float32)
    y = rng.integers(0, 10, n).astype(np.int64)
    return X, y, batch


def _mlc_model(case, quick):
    from mlc import nn
    _, make, shape, _, _ = _cases(quick)[case]
    model = make(nn)
    model.build(shape)
    model.allocate(seed=0)
    return model


def _describe(layer):
    """A built mlc model as nested tuples of plain values and weight copies, which the torch side turns
    into its twin without importing mlc."""
    from mlc import nn
    if isinstance(layer, nn.Sequential):
        return ("seq", [_describe(s) for s in layer.layers])
    if isinstance(layer, nn.Residual):
        sc = layer.shortcut if layer.shortcut is not None else layer.auto_shortcut_
        return ("res", _describe(layer.body), None if sc is None else _describe(sc))
    if isinstance(layer, nn.Dense):
        args = (layer.in_features, layer.out_features, layer.bias)
    elif isinstance(layer, nn.Conv2d):
        args = (layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding, layer.bias)
    elif isinstance(layer, (nn.BatchNorm2d, nn.BatchNorm1d)):
        args = (layer.num_features,)
    elif isinstance(layer, nn.MaxPool2d):
        args = (layer.kernel_size, layer.stride, layer.padding)
    elif isinstance(layer, (nn.ReLU, nn.Flatten)):
        args = ()
    else:
        raise TypeError(type(layer))
    return (type(layer).__name__, args, {name: view.copy() for name, view in layer.params.items()})


def _torch_model(desc):
    import torch
    import torch.nn as tnn

    class Res(tnn.Module):
        def __init__(self, body, sc):
            super().__init__()
            self.body, self.sc = body, sc

        def forward(self, x):
            return self.body(x) + (x if self.sc is None else self.sc(x))

    make = {"BatchNorm2d": tnn.BatchNorm2d, "BatchNorm1d": tnn.BatchNorm1d, "MaxPool2d": tnn.MaxPool2d,
            "ReLU": tnn.ReLU, "Flatten": tnn.Flatten}

    def build(d):
        if d[0] == "seq":
            return tnn.Sequential(*[build(s) for s in d[1]])
        if d[0] == "res":
            return Res(build(d[1]), None if d[2] is None else build(d[2]))
        kind, args, params = d
        if kind == "Dense":
            t = tnn.Linear(args[0], args[1], bias=args[2])
        elif kind == "Conv2d":
            t = tnn.Conv2d(*args[:5], bias=args[5])
        else:
            t = make[kind](*args)
        with torch.no_grad():
            for name, arr in params.items():
                getattr(t, name).copy_(torch.from_numpy(arr))
        return t
    return build(desc)


def mlc_epoch(threads, case, quick):
    """mlc's side: one SGD+momentum epoch per run; the output is the epoch's mean loss."""
    import mlc
    from mlc.nn import SGD, CrossEntropyLoss
    mlc.set_num_threads(threads)
    model = _mlc_model(case, quick)
    model.train()
    X, y, batch = _data(case, quick)
    opt, loss_fn = SGD(0.01, momentum=0.9), CrossEntropyLoss()
    dout = None

    def epoch():
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
    return epoch


def torch_epoch(threads, case, quick, desc):
    """torch's side: the twin of mlc's model (from _describe), the same epoch."""
    import torch
    torch.set_num_threads(threads)
    t = _torch_model(desc)
    t.train()
    X, y, batch = _data(case, quick)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    opt, loss_fn = torch.optim.SGD(t.parameters(), 0.01, momentum=0.9), torch.nn.CrossEntropyLoss()

    def epoch():
        total = 0.0
        for s in range(0, len(X), batch):
            opt.zero_grad()
            loss = loss_fn(t(Xt[s:s + batch]), yt[s:s + batch])
            loss.backward()
            opt.step()
            total += loss.item() * len(Xt[s:s + batch])
        return total / len(X)
    return epoch


def rows(quick=False):
    n_epochs = 2 if quick else 3
    for case, (work, _, _, _, _) in enumerate(_cases(quick)):
        if not selected(work):
            continue
        mlc_side = Side("mlc", MODULE, "mlc_epoch", dict(case=case, quick=quick))
        torch_side = Side("torch", MODULE, "torch_epoch",
                          dict(case=case, quick=quick, desc=_describe(_mlc_model(case, quick))))
        yield compare_procs("nn", work, mlc_side, torch_side, "epoch loss", "torch", repeats=n_epochs)
        if case == 0:
            # one process, both libraries: each side's epoch with the other library imported and run first
            net = work.split(",")[0]
            yield compare_procs("nn", f"{net} epoch: mlc in a process that ran torch first / mlc alone "
                                "(target <= 1.15)", Side("mlc", MODULE, "mlc_epoch", mlc_side.kwargs, ("torch",)),
                                mlc_side, "epoch loss", "mlc alone", repeats=n_epochs)
            yield compare_procs("nn", f"{net} epoch: torch in a process that ran mlc first / torch alone "
                                "(target <= 1.15)", Side("torch", MODULE, "torch_epoch", torch_side.kwargs, ("mlc",)),
                                torch_side, "epoch loss", "torch alone", repeats=n_epochs)

    # MLPClassifier vs scikit-learn's on digits (fit time; test accuracy), in one process
    import warnings

    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier as SkMLP
    from sklearn.preprocessing import StandardScaler

    from bench._harness import compare
    from mlc import nn
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
