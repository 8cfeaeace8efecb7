"""Side-by-side timing: mlc and its reference on the same data, interleaved, medians.

A family's bench module (bench/bench_<family>.py) defines ``rows(quick)`` yielding Row objects,
usually made by ``compare`` (both sides in the bench's process, for scikit-learn references) or
``compare_procs`` (each side in its own worker process with only its own library loaded, for torch and
other references that bring their own OpenMP runtime or BLAS). Threads: both sides run with the same
count (threadpoolctl limits the reference's BLAS/OpenMP, mlc.set_num_threads mlc's); ``python -m
bench`` runs every row at each count of --threads and sets row.threads.
"""
import atexit
import contextlib
import os
import pickle
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# libraries a worker reports as loaded: a side's process may hold its own and its preloads, no other
LIBRARIES = ("mlc", "torch", "sklearn", "sklearnex", "gensim", "fasttext", "lightgbm")
# An untimed pause before each side runs: OpenBLAS's workers spin for 2^28 cycles (~0.1 s here) after a
# threaded call before they sleep, so with 0.05 s a side started while the other's BLAS threads still held
# the second core (Lasso 50000x200 at 2 threads: mlc 48 ms after scikit-learn's fit, 28 ms after 0.3 s).
SETTLE_S = 0.2
_select = []   # -k patterns: a row runs when its work contains one of them (all rows when empty)


@dataclass
class Row:
    family: str
    work: str
    mlc_s: float
    ref_s: float
    ref_name: str
    quality_name: str
    mlc_quality: float
    ref_quality: float
    threads: int = 0
    separate: bool = False   # each side ran in its own process
    spread: tuple = ()       # (low, high) of the run-by-run ratios (see ratio_spread); () when not measured
    note: str = ""           # shown after work (e.g. GFLOP/s), which alone names the row across thread counts
    # the CPU level of mlc's dispatched loops when the row ran (a worker process inherits MLC_CPU, so the same)
    level: str = field(default_factory=lambda: _cpu_level())

    @property
    def ratio(self):
        return self.mlc_s / self.ref_s if self.ref_s > 0 else float("inf")


def _cpu_level():
    from mlc import _mlc
    return _mlc.cpu_level()


def select(patterns):
    _select[:] = patterns or []


def selected(work):
    """Whether the row `work` runs (the -k filter of python -m bench); call it before building data."""
    return not _select or any(p in work for p in _select)


def alternate(mlc_run, ref_run, repeats):
    """Time the two sides alternately `repeats` times each: (mlc seconds, ref seconds), run by run. The order
    swaps every repeat (mlc first, then the reference first, ...), so neither side always runs second."""
    tm, tr = [], []
    for i in range(repeats):
        for side in ((0, 1) if i % 2 == 0 else (1, 0)):
            time.sleep(SETTLE_S)   # neither side starts while the other's BLAS/OpenMP threads still spin
            (tm if side == 0 else tr).append((mlc_run, ref_run)[side]())
    return tm, tr


def ratio_spread(tm, tr):
    """How far a row's ratio may be trusted: the lowest and highest run-by-run ratio (mlc's i-th run over
    the reference's i-th, its neighbour in time, so a drift of the machine cancels). The ratio of the
    medians always lies between them (if every m_i > R r_i, median(m) > R median(r))."""
    ratios = [a / b for a, b in zip(tm, tr) if b > 0]
    return (min(ratios), max(ratios)) if ratios else ()


def _timed(fn, out):
    def run():
        t0 = time.perf_counter()
        out[0] = fn()
        return time.perf_counter() - t0
    return run


def timeit_pair(mlc_fn, ref_fn, repeats=5):
    """Run the two callables alternately `repeats` times (after one warm-up each); return
    (mlc median seconds, ref median seconds, mlc's last result, ref's last result, ratio_spread)."""
    out_m, out_r = [mlc_fn()], [ref_fn()]
    tm, tr = alternate(_timed(mlc_fn, out_m), _timed(ref_fn, out_r), repeats)
    return statistics.median(tm), statistics.median(tr), out_m[0], out_r[0], ratio_spread(tm, tr)


def compare(family, work, mlc_fn, ref_fn, quality, quality_name, ref_name="scikit-learn", repeats=5):
    """Time both sides and score each side's output with quality(output) -> float (None: row not selected)."""
    if not selected(work):
        return None
    tm, tr, om, orf, spread = timeit_pair(mlc_fn, ref_fn, repeats)
    return Row(family, work, tm, tr, ref_name, quality_name, float(quality(om)), float(quality(orf)),
               spread=spread)


_PEAK = """
import resource, sys
sys.path.insert(0, {root!r})
{setup}
if {lib!r} == "mlc":
    import mlc
    mlc.set_num_threads({threads})
else:
    from threadpoolctl import threadpool_limits
    threadpool_limits({threads})
def status_kb(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))
try:  # reset the peak (VmHWM) to the current RSS: "5" to clear_refs (Linux >= 4.0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    peak = lambda: status_kb("VmHWM:")
except OSError:
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = status_kb("VmRSS:")
{fit}
print(peak() - before)
"""


def peak_fit_mb(setup, fit, lib, threads):
    """MB of peak RSS that the code `fit` adds, run in a fresh process after the code `setup` (which builds
    the data and imports the estimator), with `lib` ("mlc" or the reference) on `threads` threads: the peak
    RSS (VmHWM, reset to the current RSS just before the fit) less the RSS before it. Not ru_maxrss: Linux
    carries the forking parent's RSS into an exec'd child's, so a child of a big bench process would report
    the parent's size."""
    code = _PEAK.format(root=ROOT, setup=setup, fit=fit, lib=lib, threads=threads)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


@dataclass
class Side:
    """One side of a row, run by a worker process (bench/_worker.py): that process imports `preload`
    (and runs a little of each), then `lib`, and no other library of LIBRARIES. Then
    ``module.func(threads=n, **kwargs)`` returns ``run`` (one timed unit of work) or ``(run, result)``;
    result(run's last output) is sent back to the parent (default: the output itself)."""
    lib: str
    module: str
    func: str
    kwargs: dict = field(default_factory=dict)
    preload: tuple = ()


class _Proc:
    """A worker process (python -m bench._worker) and its pickle protocol over stdin/stdout."""

    def __init__(self, lib, preload, threads):
        self.p = subprocess.Popen([sys.executable, "-m", "bench._worker"], cwd=ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        self.loaded = self._ask(("start", lib, preload, threads))

    def _ask(self, msg):
        pickle.dump(msg, self.p.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.p.stdin.flush()
        try:
            status, value = pickle.load(self.p.stdout)
        except EOFError:
            raise RuntimeError(f"bench worker died (exit status {self.p.wait()})") from None
        if status != "ok":
            raise RuntimeError(f"bench worker failed:\n{value}")
        return value

    def job(self, side, threads, warmup):
        self.loaded = self._ask(("job", side.module, side.func, side.kwargs, threads, warmup))

    def run(self):
        return self._ask(("run",))

    def result(self):
        return self._ask(("result",))

    def close(self):
        """An idle worker exits at the end of its input; one still running (after Ctrl-C) is killed."""
        with contextlib.suppress(OSError, ValueError):
            self.p.stdin.close()
        self.p.stdout.close()
        try:
            self.p.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


_procs = {}   # (lib, preload) -> _Proc, reused by the rows of a run


def close_procs():
    while _procs:
        _procs.popitem()[1].close()


atexit.register(close_procs)


def _proc(side, threads):
    key = (side.lib, tuple(side.preload))
    if key not in _procs:
        _procs[key] = _Proc(side.lib, tuple(side.preload), threads)
    return _procs[key]


# Rows whose sides run in processes of their own varied +-30% from one bench run to the next with 3 runs a
# side: they get at least this many alternating runs, after the warm-up runs and one untimed alternation.
PROC_REPEATS = 7


def compare_procs(family, work, mlc_side, ref_side, quality_name, ref_name, repeats=5, warmup=1, score=None,
                  threads=None):
    """Time two Sides, each in its own worker process, alternating run by run after `warmup` runs each
    and one untimed alternation; medians of max(repeats, PROC_REPEATS) runs (repeats alone when it is below
    3: --quick). score(mlc result, ref result) -> (mlc quality, ref quality) (default: both results are the
    qualities). threads defaults to mlc's current count (python -m bench sets it). None: row not selected."""
    if not selected(work):
        return None
    if threads is None:
        import mlc
        threads = mlc.get_num_threads()
    procs = []
    for side in (mlc_side, ref_side):
        proc = _proc(side, threads)
        proc.job(side, threads, warmup)
        extra = set(proc.loaded) - {side.lib} - set(side.preload)
        if extra:
            raise RuntimeError(f"the {side.lib} worker of {work!r} also loaded {sorted(extra)}")
        procs.append(proc)
    if repeats >= 3:
        alternate(procs[0].run, procs[1].run, 1)   # each worker's first run right after the other's
        repeats = max(repeats, PROC_REPEATS)
    tm, tr = alternate(procs[0].run, procs[1].run, repeats)
    rm, rr = procs[0].result(), procs[1].result()
    qm, qr = score(rm, rr) if score else (rm, rr)
    return Row(family, work, statistics.median(tm), statistics.median(tr), ref_name, quality_name, float(qm),
               float(qr), separate=True, spread=ratio_spread(tm, tr))


# a competitor for --busy: a pure-Python spin on one core; it stops by itself when its parent is gone
_BUSY = ("import os, signal\nsignal.signal(signal.SIGINT, signal.SIG_DFL)\nppid = os.getppid()\n"
         "while os.getppid() == ppid:\n    for _ in range(1_000_000):\n        pass\n")


@contextlib.contextmanager
def competing_process(core=None):
    """A busy process pinned to one core (default: the last one this process may use) while the block
    runs; stopped on leaving it, also on an exception or Ctrl-C. Yields the core."""
    if core is None:
        core = max(os.sched_getaffinity(0))
    p = subprocess.Popen([sys.executable, "-c", _BUSY], preexec_fn=lambda: os.sched_setaffinity(0, {core}))
    try:
        yield core
    finally:
        p.kill()
        p.wait()


def spread_text(row):
    return f"{row.spread[0]:.2f}-{row.spread[1]:.2f}" if row.spread else ""


def _ordered(rows):
    """The rows of one work (at each thread count) next to each other, works in first-seen order."""
    first = {}
    for r in rows:
        first.setdefault((r.family, r.work, r.quality_name), len(first))
    return sorted(rows, key=lambda r: (first[(r.family, r.work, r.quality_name)], r.threads))


def markdown(rows, threads, busy_core=None):
    lines = [
        f"Threads: {', '.join(map(str, threads))} for both sides (the threads column). Times are medians of "
        "interleaved repeats (seconds). Sides `separate`: each side ran in its own process with only its own "
        "library loaded, the two processes alternating run by run; `same`: both in one process. Ratio spread: "
        "the lowest and highest run-by-run ratio (each mlc run over the reference run beside it); a ratio whose "
        "spread straddles a target has not clearly met it.",
    ]
    if busy_core is not None:
        lines.append(f"**Measured under load**: a competing busy process was pinned to core {busy_core} "
                     f"throughout.")
    lines += [
        "",
        "| family | work | threads | CPU level | sides | mlc (s) | reference (s) | ratio mlc/ref | ratio spread | "
        "quality | mlc | reference |",
        "|---|---|---:|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in _ordered(rows):
        lines.append(
            f"| {r.family} | {r.work}{r.note} | {r.threads} | {r.level} | {'separate' if r.separate else 'same'} | {r.mlc_s:.4f} | "
            f"{r.ref_s:.4f} ({r.ref_name}) | {r.ratio:.2f} | {spread_text(r)} | {r.quality_name} | {r.mlc_quality:.6g} | "
            f"{r.ref_quality:.6g} |")
    return "\n".join(lines)


TABLE_HEAD = "| family | work | threads |"


def results_file(old, table, families, run_line, machine_line):
    """bench/RESULTS.md after a run of ``families``: their rows come from ``table`` (markdown's output), the
    rows of every other family stay as ``old`` had them, and ``run_line`` heads the list of runs (an older
    run stays listed while any of its families' rows remain). Paragraphs written by hand into ``old`` stay."""
    families = set(families)
    old_lines = old.splitlines() if old else []
    kept_rows, runs, notes, para = [], [], [], []

    def flush():
        text = " ".join(para).strip()
        para.clear()
        if not text or text.startswith(("Threads:", "Command:", "**Measured under load**", "Runs (")):
            return
        if " cores · Python " in text:   # the machine line, written anew
            return
        notes.append(text)

    for line in old_lines:
        if line.startswith("| ") and not line.startswith(TABLE_HEAD):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0] not in families:
                if len(cells) == 11:   # a table from before the ratio-spread column
                    cells.insert(8, "-")
                kept_rows.append("| " + " | ".join(cells) + " |")
        elif line.startswith(("|---", TABLE_HEAD, "# ")):
            continue
        elif line.startswith("- ") and "`python -m bench" in line:
            runs.append(line)
        elif line.startswith("Command: `python -m bench"):   # the single run line of an older file
            runs.append("- " + line[len("Command: "):])
        elif not line.strip():
            flush()
        else:
            para.append(line)
    flush()
    # an older run stays listed while a family it ran still has its rows from that run (no newer run of it)
    left = {row.split(" | ")[0][2:] for row in kept_rows}
    listed = []
    for r in runs:   # newest first
        fams = _run_families(r)
        fams = set(left) if fams is None else fams & left
        if fams:
            listed.append(r)
        left -= fams
    runs = listed
    new_lines = table.splitlines()
    head = next(i for i, line in enumerate(new_lines) if line.startswith(TABLE_HEAD))
    out = ["# Bench results", "", machine_line, "",
           "Runs (newest first; a family's newest run replaces its rows):", run_line] + runs + [""]
    for text in notes:
        out += [text, ""]
    out += new_lines[:head + 2] + new_lines[head + 2:] + kept_rows
    return "\n".join(out) + "\n"


def _run_families(run_line):
    """The families a run line names after its colon ('...: cluster, nn'), or None for an all-family run."""
    if ": " not in run_line.split("`")[-1]:
        return None
    return {f.strip() for f in run_line.split("`")[-1].split(": ", 1)[1].split(",") if f.strip()}
