"""python -m bench as a smoke run: a scikit-learn family in the bench's process and a torch row through
the worker processes (bench/_worker.py), at two thread counts. No timing is checked."""
import os
import subprocess
import sys

import numpy as np
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


@pytest.fixture
def harness(monkeypatch):
    monkeypatch.syspath_prepend(ROOT)
    from bench import _harness
    monkeypatch.setattr(_harness, "SETTLE_S", 0.0)
    return _harness


def test_alternate_swaps_which_side_runs_first(harness):
    calls = []
    tm, tr = harness.alternate(lambda: calls.append("m") or 1.0, lambda: calls.append("r") or 2.0, 4)
    assert calls == ["m", "r", "r", "m", "m", "r", "r", "m"]
    assert tm == [1.0] * 4 and tr == [2.0] * 4


def test_ratio_spread_brackets_the_ratio_of_medians(harness):
    assert harness.ratio_spread([1.0, 3.0, 2.0], [2.0, 2.0, 1.0]) == (0.5, 2.0)
    assert harness.ratio_spread([], []) == ()
    rng = np.random.default_rng(0)
    for _ in range(200):
        tm, tr = rng.lognormal(size=7), rng.lognormal(size=7)
        lo, hi = harness.ratio_spread(list(tm), list(tr))
        assert lo <= np.median(tm) / np.median(tr) <= hi


def test_table_has_the_spread_column(harness):
    row = harness.Row("fam", "work", 1.0, 2.0, "torch", "q", 1.0, 1.0, threads=2, separate=True, spread=(0.4, 0.6))
    table = harness.markdown([row], [2]).splitlines()
    header = [c.strip() for c in table[2].strip("|").split("|")]
    cells = [c.strip() for c in table[4].strip("|").split("|")]
    assert header[7:9] == ["ratio mlc/ref", "ratio spread"]
    assert cells[7:9] == ["0.50", "0.40-0.60"] and cells[-2:] == ["1", "1"]


def test_results_file_replaces_only_the_families_run(harness):
    def table(fam, t_mlc):
        rows = [harness.Row(fam, f"{fam} work", t_mlc, 2.0, "ref", "q", 1.0, 1.0, threads=t, spread=(0.4, 0.6))
                for t in (1, 2)]
        return harness.markdown(rows, [1, 2])

    first = harness.results_file("", table("a", 1.0) + "\n" + table("b", 1.0).split("\n", 3)[3], ["a", "b"],
                                 "- d1 · `python -m bench a b` at c1: a, b", "machine · 2 cores · Python 3")
    first = first.replace("Runs (", "A note by hand.\n\nRuns (", 1)
    second = harness.results_file(first, table("b", 0.5), ["b"], "- d2 · `python -m bench b` at c2: b",
                                  "machine · 2 cores · Python 3")
    rows = [line for line in second.splitlines() if line.startswith("| ") and not line.startswith("| family")]
    assert [(r.split(" | ")[0], r.split(" | ")[5]) for r in rows] == [
        ("| b", "0.5000"), ("| b", "0.5000"), ("| a", "1.0000"), ("| a", "1.0000")]
    runs = [line for line in second.splitlines() if line.startswith("- ")]
    assert runs == ["- d2 · `python -m bench b` at c2: b", "- d1 · `python -m bench a b` at c1: a, b"]
    assert second.count("A note by hand.") == 1 and second.count("machine · 2 cores") == 1
    # a run none of whose families keeps a row leaves the list
    third = harness.results_file(second, table("a", 0.7), ["a"], "- d3 · `python -m bench a` at c3: a", "m · 2 cores · Python 3")
    assert [line for line in third.splitlines() if line.startswith("- ")] == [
        "- d3 · `python -m bench a` at c3: a", "- d2 · `python -m bench b` at c2: b"]


@pytest.mark.skipif(not os.path.isdir(os.path.join(ROOT, "bench")), reason="needs the source tree's bench/")
def test_thread_limit_reaches_scikit_learns_openmp():
    """The 1-thread rows limit scikit-learn's OpenMP too, also for a module first imported inside a
    family's rows (a fresh process: this one may have loaded scikit-learn already)."""
    pytest.importorskip("sklearn")
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "from bench.__main__ import load_reference_runtimes\n"
            "from threadpoolctl import threadpool_limits\n"
            "load_reference_runtimes()\n"
            "with threadpool_limits(1):\n"
            "    import sklearn.ensemble\n"
            "    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads\n"
            "    print(_openmp_effective_n_threads())\n")
    out = subprocess.run([sys.executable, "-c", code, ROOT], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, OMP_NUM_THREADS="2"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1"]
