"""A bench worker process, driven by bench._harness over a pickle protocol on its stdin/stdout.

It imports only the library of the side it times (after the ones it preloads, for the mixed-process
rows), so the two sides of a compare_procs row never share a process, an OpenMP runtime or a BLAS.
Messages (each answered with ("ok", value) or ("error", traceback)):
("start", lib, preload, threads) -> the LIBRARIES loaded; ("job", module, func, kwargs, threads, warmup)
-> the LIBRARIES loaded once the side is built and warmed up; ("run",) -> seconds of one run;
("result",) -> result(last output). End of input ends the worker.
"""
import importlib
import os
import pickle
import signal
import sys
import time
import traceback


def _preload(lib, threads):
    """Import `lib` and run a little of it, so its thread pools and OpenMP runtime are up."""
    if lib == "torch":
        import torch
        torch.set_num_threads(threads)
        float((torch.ones(256, 256) @ torch.ones(256, 256)).sum())
        float(torch.ones(1 << 20).exp().sum())   # big enough for an OpenMP parallel region
    elif lib == "mlc":
        import numpy as np

        import mlc
        from mlc.cluster import KMeans
        mlc.set_num_threads(threads)
        KMeans(4, n_init=1, random_state=0).fit(np.random.default_rng(1).normal(size=(2000, 8)))
    else:
        importlib.import_module(lib)


def _loaded():
    from bench._harness import LIBRARIES
    return [name for name in LIBRARIES if name in sys.modules]


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent stops its workers on Ctrl-C
    wire_in, wire_out = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)   # what the libraries print goes to stderr, not into the protocol
    sys.stdout = sys.stderr
    run, result, out = None, None, None
    while True:
        try:
            msg = pickle.load(wire_in)
        except EOFError:
            return 0
        try:
            if msg[0] == "start":
                _, lib, preload, threads = msg
                for name in preload:
                    _preload(name, threads)
                importlib.import_module(lib)
                value = _loaded()
            elif msg[0] == "job":
                _, module, func, kwargs, threads, warmup = msg
                run = result = out = None
                from threadpoolctl import threadpool_limits
                threadpool_limits(limits=threads)
                made = getattr(importlib.import_module(module), func)(threads=threads, **kwargs)
                run, result = made if isinstance(made, tuple) else (made, None)
                for _ in range(warmup):
                    out = run()
                value = _loaded()
            elif msg[0] == "run":
                t0 = time.perf_counter()
                out = run()
                value = time.perf_counter() - t0
            elif msg[0] == "result":
                value = out if result is None else result(out)
            else:
                raise ValueError(f"unknown message {msg[0]!r}")
            reply = ("ok", value)
        except Exception:
            reply = ("error", traceback.format_exc())
        try:
            pickle.dump(reply, wire_out, protocol=pickle.HIGHEST_PROTOCOL)
            wire_out.flush()
        except BrokenPipeError:   # the parent is gone
            return 0


if __name__ == "__main__":
    sys.exit(main())
