"""python -m bench as a smoke run: a scikit-learn family in the bench's process and a torch row through
the worker processes (bench/_worker.py), at two thread counts. No timing is checked."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir(os.path.join(ROOT, "bench")), reason="needs the source tree's bench/")
def test_bench_quick_prints_table():
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    out = subprocess.run([sys.executable, "-m", "bench", "preprocessing", "nn", "--quick", "--no-write",
                          "--threads", "1,2", "-k", "StandardScaler", "-k", "MLP 784-512-256-10,"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    table = [line for line in out.stdout.splitlines() if line.startswith("| ")]
    assert table[0].startswith("| family | work | threads | CPU level | sides |")
    rows = [line.split(" | ") for line in table[1:]]   # the |---| line does not start with "| "
    assert [(r[0], r[2], r[4]) for r in rows] == [("| preprocessing", "1", "same"), ("| preprocessing", "2", "same"),
                                                  ("| nn", "1", "separate"), ("| nn", "2", "separate")]
    from mlc import _mlc
    assert {r[3] for r in rows} == {_mlc.cpu_level()}   # the level each row ran at
    assert "StandardScaler" in rows[0][1] and "MLP 784-512-256-10" in rows[2][1]
    # the same weights and batches on both sides: the same epoch loss
    assert float(rows[2][-2]) == pytest.approx(float(rows[2][-1].rstrip(" |")), rel=1e-3)
