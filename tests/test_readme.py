"""README.md as a reader meets it: every ```python block runs as pasted (each in a fresh interpreter),
the module table is one table naming every family and estimator, and every link stays inside the
repository."""
import inspect
import os
import re
import subprocess
import sys

import pytest

import mlc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as _f:
    README = _f.read()
BLOCKS = re.findall(r"^```python\n(.*?)^```", README, re.M | re.S)


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_readme_block_runs(i, tmp_path):
    pytest.importorskip("sklearn")
    # the same mlc as this process, from a directory that holds nothing else
    env = dict(os.environ, MPLBACKEND="Agg")
    mlc_parent = os.path.dirname(os.path.dirname(os.path.abspath(mlc.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (mlc_parent, os.environ.get("PYTHONPATH")) if p)
    r = subprocess.run([sys.executable, "-c", BLOCKS[i]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert r.returncode == 0, f"README block {i} failed:\n{BLOCKS[i]}\n{r.stderr[-3000:]}"


def test_module_table_is_one_table_with_every_estimator():
    lines = README.splitlines()
    rows = [i for i, line in enumerate(lines) if line.startswith("| `mlc.")]
    assert rows and rows == list(range(rows[0], rows[0] + len(rows))), "the module table is split"
    table = "\n".join(lines[i] for i in rows)
    families = [m for m in mlc.__all__ if inspect.ismodule(getattr(mlc, m)) and m != "exceptions"]
    for family in families:
        assert f"| `mlc.{family}` |" in table, f"mlc.{family} is not in the README's table"
        module = getattr(mlc, family)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and hasattr(obj, "fit"):
                assert re.search(rf"`{name}`", table), f"{name} (mlc.{family}) is not in the README's table"


def test_links_stay_in_the_repository():
    for target in re.findall(r"\]\(([^)\s]+)\)", README):
        assert not re.match(r"[a-z]+://", target), f"README links outside the repository: {target}"
        path = os.path.normpath(os.path.join(ROOT, target.split("#")[0]))
        assert path.startswith(ROOT + os.sep) and os.path.exists(path), f"README links to a missing {target}"
    assert "../" not in README
