"""The built wheel holds every package of mlc and needs nothing but NumPy: it is built from a clean
copy of this checkout (the checkout's own build/ directory may hold stale copies of modules that
the package list no longer names, and setuptools would pack them), installed into a fresh virtual
environment (no system site-packages, so nothing of the test environment leaks in), and every
module and public name is imported there."""
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# run by the venv's interpreter, isolated (-I: no PYTHONPATH, no user site, not the current directory)
CHECK = r"""
import importlib, importlib.metadata, inspect, json, os, pkgutil, sys
import numpy as np
import mlc

venv = sys.argv[1]
assert os.path.realpath(mlc.__file__).startswith(os.path.realpath(venv)), mlc.__file__
modules = [m.name for m in pkgutil.walk_packages(mlc.__path__, "mlc.") if m.name != "mlc.__main__"]
for name in modules:
    importlib.import_module(name)
n_names = 0
for family in mlc.__all__:
    module = getattr(mlc, family)
    if not inspect.ismodule(module):
        continue
    for name in getattr(module, "__all__", ()):
        getattr(module, name)
        n_names += 1
# the extension and its vendored OpenBLAS load and run (a GEMM and a LAPACK SVD)
X = np.random.default_rng(0).normal(size=(40, 5))
mlc.cluster.KMeans(3, n_init=1, random_state=0).fit(X)
mlc.decomposition.PCA(2).fit(X)
requires = importlib.metadata.requires("mlc") or []
print(json.dumps({"modules": modules, "names": n_names, "extension": mlc._mlc.__file__,
                  "runtime": sorted(r for r in requires if "extra ==" not in r)}))
"""


# the subprocesses run plain Python: no sanitizer runtime (.ci/sanitize preloads one), no path to this checkout
_DROP = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS", "MLC_SANITIZE")


def _run(cmd, **kw):
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r.stdout


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv(tmp_path):
    for module in ("venv", "ensurepip", "pip"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"the {module} module is not available, so no wheel can be built and installed")
    src, wheels = tmp_path / "src", tmp_path / "wheels"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", "*.so", ".libs", ".pytest_cache"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), "."],
         cwd=src)
    (wheel,) = wheels.glob("mlc-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path)

    out = json.loads(_run([str(python), "-I", "-c", CHECK, str(venv)], cwd=tmp_path).splitlines()[-1])
    # every module of the source tree is in the wheel (a package missing from it would fail here)
    source = set()
    for dirpath, _, files in os.walk(os.path.join(ROOT, "mlc")):
        package = os.path.relpath(dirpath, ROOT).replace(os.sep, ".")
        if "__init__.py" in files:
            source.update(package if f == "__init__.py" else f"{package}.{f[:-3]}" for f in files
                          if f.endswith(".py") and f != "__main__.py")
    assert source - {"mlc"} <= set(out["modules"]), sorted(source - set(out["modules"]))
    assert out["names"] > 50, out
    assert [re.split(r"[<>=!~ ;\[]", r)[0] for r in out["runtime"]] == ["numpy"], out["runtime"]
    # the installed extension loads mlc's own OpenMP runtime from the wheel, not the system's libgomp
    ldd = _run(["ldd", out["extension"]])
    assert "libgomp.so.1" not in ldd, ldd
    (line,) = [line for line in ldd.splitlines() if "libgomp" in line]
    assert line.split()[2].startswith(str(venv)) and "libgomp-mlc.so.1" in line, ldd
