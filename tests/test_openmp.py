"""mlc's private OpenMP runtime (mlc/.libs/libgomp-mlc.so.1, see setup.py): _mlc links it rather than the
system's libgomp.so.1, it waits passively whatever was imported first, other libraries' copies keep their
own defaults, and threadpoolctl lists and limits mlc's OpenMP and OpenBLAS copies at any time. Import
order matters here, so each check runs in a fresh interpreter."""
import json
import os
import subprocess
import sys

import pytest

import mlc
from mlc import _mlc

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(mlc.__file__)))
LIBS = os.path.join(ROOT, "mlc", ".libs")
ASAN = "asan" in os.environ.get("LD_PRELOAD", "")

# prints, for each import order, which copies threadpoolctl lists, what each OpenMP copy's thread count
# does when mlc sets its own, and (to stderr, OMP_DISPLAY_ENV) each copy's settings as it initialises
CHECK = r"""
import ctypes, json, os, sys
steps = sys.argv[1].split(",")

def fits():
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    X = np.random.default_rng(0).normal(size=(600, 12))
    y = (X[:, 0] > 0).astype(int)
    LogisticRegression().fit(X, y)
    KMeans(4, n_init=2, random_state=0).fit(X)
    PCA(3).fit(X)
    HistGradientBoostingClassifier(max_iter=5).fit(X, y)

for step in steps:
    if step == "torch":
        import torch
        torch.ones(64, 64) @ torch.ones(64, 64)
    elif step == "mlc":
        import mlc
        from mlc.cluster import KMeans
        import numpy as np
        KMeans(4, n_init=1, random_state=0).fit(np.random.default_rng(1).normal(size=(2000, 8)))
    elif step == "sklearn":
        fits()

import mlc
from mlc import _mlc
from threadpoolctl import threadpool_info, threadpool_limits
info = threadpool_info()
gomps = [i["filepath"] for i in info if i["user_api"] == "openmp"]
before = {g: ctypes.CDLL(g).omp_get_max_threads() for g in gomps}
old = mlc.set_num_threads(1)
after = {g: ctypes.CDLL(g).omp_get_max_threads() for g in gomps}
mlc.set_num_threads(old)
with threadpool_limits(limits=1):
    limited = [mlc.get_num_threads(), _mlc.blas_num_threads()]
libs = os.path.join(os.path.dirname(os.path.realpath(mlc.__file__)), ".libs")
ours = [i for i in info if i["filepath"].startswith(libs)]
os.write(2, b"MLC-COPY\n")
ctypes.CDLL(next(i["filepath"] for i in ours if i["user_api"] == "openmp")).omp_display_env(1)
print(json.dumps({"ours": sorted((i["user_api"], os.path.basename(i["filepath"])) for i in ours),
                  "gomps": gomps, "before": before, "after": after, "limited": limited,
                  "policy_left": os.environ.get("OMP_WAIT_POLICY")}))
"""


def run(steps):
    env = dict(os.environ, OMP_DISPLAY_ENV="VERBOSE")
    for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS", "MLC_NUM_THREADS"):
        env.pop(name, None)
    r = subprocess.run([sys.executable, "-c", CHECK, steps], cwd=ROOT, env=env, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr[-4000:]
    out = json.loads(r.stdout.splitlines()[-1])
    # OMP_DISPLAY_ENV: each runtime prints its settings as it loads, in load order; then mlc's copy again
    at_load, out["mlc_copy"] = r.stderr.split("MLC-COPY\n")
    blocks = at_load.split("OPENMP DISPLAY ENVIRONMENT BEGIN")[1:]
    out["passive_at_load"] = [passive(block) for block in blocks]
    return out


def passive(display):
    """Whether a runtime's displayed settings wait without spinning (libgomp prints OMP_WAIT_POLICY =
    'PASSIVE' for an unset policy too, which spins a while before it sleeps: the spin count tells)."""
    spins = {line.split("'")[1] for line in display.splitlines() if "GOMP_SPINCOUNT" in line}
    return spins == {"0"} and "OMP_WAIT_POLICY = 'PASSIVE'" in display


def check_ours(out):
    """threadpoolctl lists mlc's two copies; the OpenMP one is the runtime mlc's kernels use (mlc's
    thread count lands there and nowhere else) and it waits passively."""
    assert sorted(api for api, _ in out["ours"]) == ["blas", "openmp"], out["ours"]
    assert ["openmp", "libgomp-mlc.so.1"] in out["ours"]
    ours = os.path.join(LIBS, "libgomp-mlc.so.1")
    assert out["after"][ours] == 1, out
    assert all(out["after"][g] == out["before"][g] for g in out["gomps"] if g != ours), out
    assert passive(out["mlc_copy"]), out["mlc_copy"]
    assert out["policy_left"] is None


def test_mlc_links_its_own_openmp_copy():
    out = subprocess.run(["ldd", _mlc.__file__], capture_output=True, text=True, check=True).stdout
    assert "libgomp.so.1" not in out, out
    (line,) = [line for line in out.splitlines() if "libgomp" in line]
    assert os.path.samefile(line.split()[2], os.path.join(LIBS, "libgomp-mlc.so.1")), out


TORCH_FIRST = pytest.mark.skipif(
    ASAN, reason="the sanitizer runtime refuses RTLD_DEEPBIND, which mlc needs after torch")


@pytest.mark.parametrize("steps", [pytest.param("torch,mlc", marks=TORCH_FIRST), "mlc,torch",
                                   "mlc,sklearn", "sklearn,mlc,sklearn"])
def test_mlc_runtime_whatever_was_imported_first(steps):
    for module in ("threadpoolctl",) + tuple(s for s in steps.split(",") if s != "mlc"):
        pytest.importorskip(module)
    out = run(steps)
    check_ours(out)
    assert out["limited"] == [1, 1]  # threadpool_limits reaches mlc's OpenMP and OpenBLAS
    if "torch" in steps:
        assert len(out["gomps"]) == 2, out["gomps"]  # torch's runtime is another copy
        # and it keeps its default (spin, then sleep) whichever loaded first
        assert out["passive_at_load"] == [s == "mlc" for s in steps.split(",")], out


# mlc first, so that NumPy comes in through mlc's import: mlc's OpenBLAS copy gets its short thread timeout
# and NumPy's keeps its own (both are pthreads OpenBLAS whose workers spin a while after a threaded call)
SPIN = r"""
import os, sys, time
import mlc
import numpy as np
mlc.set_num_threads(2)
X = np.random.default_rng(0).normal(size=(2000, 400))
time.sleep(0.3)  # whatever spins after start-up stops spinning
cpu = []
for _ in range(3):
    mlc._mlc.matmul_t(X, X[:400])  # 320 million multiply-adds: on 2 of mlc's OpenBLAS threads
    c = time.process_time()
    time.sleep(0.2)
    cpu.append(time.process_time() - c)
print(min(cpu), os.environ.get("OPENBLAS_THREAD_TIMEOUT"))
"""


def test_mlc_openblas_workers_sleep_soon_after_a_call():
    """Not a speed test: the CPU the process burns while it sleeps after mlc's threaded GEMM, which is
    the default's ~0.1 s of spinning without mlc's OPENBLAS_THREAD_TIMEOUT and nothing with it."""
    env = dict(os.environ)
    env.pop("OPENBLAS_THREAD_TIMEOUT", None)
    r = subprocess.run([sys.executable, "-c", SPIN], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-4000:]
    cpu, left = r.stdout.split()
    assert float(cpu) < 0.02, cpu
    assert left == "None"  # removed again: libraries loaded later keep their defaults
