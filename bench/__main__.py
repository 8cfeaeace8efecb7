"""python -m bench [family ...] [--quick] [--threads 1,2] [--busy] [-k TEXT]: mlc vs its reference, side by side.

Prints a markdown table and writes bench/RESULTS.md (a family's rows from the newest run
that ran it; the other families' rows stay). Every row runs at each thread count of --threads (default: 1 and all
cores), the rows of one work next to each other: a lead that comes only from threads is not a lead.
"""
import argparse
import contextlib
import datetime
import importlib
import os
import pkgutil
import platform
import signal
import subprocess
import sys

from bench._harness import close_procs, competing_process, markdown, results_file, select, spread_text

HERE = os.path.dirname(os.path.abspath(__file__))
FAMILIES = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([HERE])
                  if m.name.startswith("bench_"))
# Groups named in the issues: `python -m bench linear svm` runs every linear model and every SVM.
ALIASES = {"linear": ["least_squares", "logistic", "sgd"], "svm": ["svm", "svm_linear"], "nn": ["nn", "nn_conv"]}


def load_reference_runtimes():
    """Load scikit-learn's OpenMP runtime (its vendored libgomp) before any thread limit is set:
    threadpool_limits reaches only the libraries loaded when it is entered, so a scikit-learn module
    first imported inside a family's rows (sklearn.cluster, sklearn.ensemble, ...) kept one OpenMP
    thread per core in the 1-thread rows."""
    try:
        import sklearn.utils._openmp_helpers  # noqa: F401
    except ImportError:
        pass


def _expand(names):
    out = []
    for name in names:
        for fam in ALIASES.get(name, [name]):
            if fam in FAMILIES and fam not in out:
                out.append(fam)
            elif fam not in FAMILIES and name not in ALIASES:
                out.append(fam)
    return out


def _thread_counts(text):
    counts = []
    for part in text.split(","):
        if not part.strip().isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(f"thread counts are positive integers, got {text!r}")
        if int(part) not in counts:
            counts.append(int(part))
    return counts


def _write_results(args, table):
    import numpy, sklearn
    import mlc
    machine = (f"{platform.processor() or platform.machine()} · {os.cpu_count()} cores · Python "
               f"{platform.python_version()} · NumPy {numpy.__version__} · scikit-learn {sklearn.__version__}"
               f" · mlc {mlc.__version__}")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    ran = _expand(args.families) if args.families else FAMILIES
    command = " ".join(["python -m bench"] + list(args.families))
    run_line = (f"- {datetime.date.today()} · `{command}`" + (f" at {commit}" if commit else "")
                + (f": {', '.join(ran)}" if args.families else " (all families)"))
    path = os.path.join(HERE, "RESULTS.md")
    old = open(path).read() if os.path.exists(path) else ""
    with open(path, "w") as f:
        f.write(results_file(old, table, ran, run_line, machine))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("families", nargs="*", help=f"any of {FAMILIES} or the groups {sorted(ALIASES)} (default: all)")
    ap.add_argument("--quick", action="store_true", help="small sizes, few repeats (a smoke run)")
    ap.add_argument("--threads", type=_thread_counts, default=None,
                    help="comma-separated thread counts for both sides, each row at each (default: 1,<all cores>)")
    ap.add_argument("--busy", action="store_true",
                    help="run with a competing busy process pinned to one core (the table says so; not written)")
    ap.add_argument("-k", dest="select", action="append", metavar="TEXT",
                    help="only the rows whose work contains TEXT (repeatable)")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = ap.parse_args(argv)
    args.families = _expand(args.families)
    unknown = set(args.families) - set(FAMILIES)
    if unknown:
        ap.error(f"unknown families {sorted(unknown)}; known: {FAMILIES}")
    import mlc
    from threadpoolctl import threadpool_limits
    load_reference_runtimes()

    counts = args.threads or _thread_counts(f"1,{os.cpu_count()}")
    select(args.select)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # stop the workers and --busy's competitor too
    rows = []
    with contextlib.ExitStack() as stack:
        stack.callback(close_procs)
        busy_core = stack.enter_context(competing_process()) if args.busy else None
        for fam in args.families or FAMILIES:
            mod = importlib.import_module(f"bench.bench_{fam}")
            for n_threads in counts:
                with threadpool_limits(limits=n_threads):
                    mlc.set_num_threads(n_threads)  # threadpool_limits also reaches mlc's vendored OpenBLAS
                    for row in mod.rows(quick=args.quick):
                        if row is None:   # not selected by -k
                            continue
                        row.threads = n_threads
                        row.family = fam   # the family column names the bench module (RESULTS.md replaces by it)
                        print(f"  {row.family:12s} {row.work + row.note:55s} t={n_threads} mlc {row.mlc_s:9.4f}s  ref "
                              f"{row.ref_s:9.4f}s  ratio {row.ratio:5.2f} ({spread_text(row) or '-'})  "
                              f"{row.quality_name} {row.mlc_quality:.6g}"
                              f" vs {row.ref_quality:.6g}", flush=True)
                        rows.append(row)
    table = markdown(rows, counts, busy_core)
    print()
    print(table)
    if not args.no_write and not args.quick and not args.busy and not args.select:
        _write_results(args, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
