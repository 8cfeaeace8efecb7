"""Side-by-side timing: mlc and its reference on the same data, interleaved, medians.

A family's bench module (bench/bench_<family>.py) defines ``rows(quick)`` yielding Row objects,
usually made by ``compare``. Threads: both sides run with the same count (threadpoolctl limits the
reference's BLAS/OpenMP, mlc.set_num_threads mlc's).
"""
import statistics
import time
from dataclasses import dataclass


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

    @property
    def ratio(self):
        return self.mlc_s / self.ref_s if self.ref_s > 0 else float("inf")


def timeit_pair(mlc_fn, ref_fn, repeats=5):
    """Run the two callables alternately `repeats` times (after one warm-up each); return
    (mlc median seconds, ref median seconds, mlc's last result, ref's last result)."""
    out_m = mlc_fn()
    out_r = ref_fn()
    tm, tr = [], []
    for _ in range(repeats):
        # an untimed pause: neither side starts while the other's BLAS/OpenMP threads still spin
        time.sleep(0.05)
        t0 = time.perf_counter()
        out_m = mlc_fn()
        tm.append(time.perf_counter() - t0)
        time.sleep(0.05)
        t0 = time.perf_counter()
        out_r = ref_fn()
        tr.append(time.perf_counter() - t0)
    return statistics.median(tm), statistics.median(tr), out_m, out_r


def compare(family, work, mlc_fn, ref_fn, quality, quality_name, ref_name="scikit-learn", repeats=5):
    """Time both sides and score each side's output with quality(output) -> float."""
    tm, tr, om, orf = timeit_pair(mlc_fn, ref_fn, repeats)
    return Row(family, work, tm, tr, ref_name, quality_name, float(quality(om)), float(quality(orf)))


def markdown(rows, n_threads):
    lines = [
        f"Threads: {n_threads} for both sides. Times are medians of interleaved repeats (seconds).",
        "",
        "| family | work | mlc (s) | reference (s) | ratio mlc/ref | quality | mlc | reference |",
        "|---|---|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.family} | {r.work} | {r.mlc_s:.4f} | {r.ref_s:.4f} ({r.ref_name}) | "
            f"{r.ratio:.2f} | {r.quality_name} | {r.mlc_quality:.6g} | {r.ref_quality:.6g} |")
    return "\n".join(lines)
