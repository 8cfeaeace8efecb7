"""python -m bench [family ...] [--quick] [--threads N]: mlc vs its reference, side by side.

Prints a markdown table and writes bench/RESULTS.md (the families run, newest first replaces the
rows of the same families).
"""
import argparse
import datetime
import importlib
import os
import pkgutil
import platform
import sys

from bench._harness import markdown

HERE = os.path.dirname(os.path.abspath(__file__))
FAMILIES = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([HERE])
                  if m.name.startswith("bench_"))
# Groups named in the issues: `python -m bench linear svm` runs every linear model and every SVM.
ALIASES = {"linear": ["least_squares", "logistic", "sgd"], "svm": ["svm", "svm_linear"], "nn": ["nn", "nn_conv"]}


def _expand(names):
    out = []
    for name in names:
        for fam in ALIASES.get(name, [name]):
            if fam in FAMILIES and fam not in out:
                out.append(fam)
            elif fam not in FAMILIES and name not in ALIASES:
                out.append(fam)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("families", nargs="*", help=f"any of {FAMILIES} or the groups {sorted(ALIASES)} (default: all)")
    ap.add_argument("--quick", action="store_true", help="small sizes, few repeats (a smoke run)")
    ap.add_argument("--threads", type=int, default=None, help="threads for both sides (default: all cores)")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = ap.parse_args(argv)
    args.families = _expand(args.families)
    unknown = set(args.families) - set(FAMILIES)
    if unknown:
        ap.error(f"unknown families {sorted(unknown)}; known: {FAMILIES}")
    import mlc
    from threadpoolctl import threadpool_limits

    n_threads = args.threads or os.cpu_count()
    mlc.set_num_threads(n_threads)
    rows = []
    with threadpool_limits(limits=n_threads):
        mlc.set_num_threads(n_threads)  # threadpool_limits also reaches mlc's vendored OpenBLAS
        for fam in args.families or FAMILIES:
            mod = importlib.import_module(f"bench.bench_{fam}")
            for row in mod.rows(quick=args.quick):
                print(f"  {row.family:12s} {row.work:55s} mlc {row.mlc_s:9.4f}s  ref {row.ref_s:9.4f}s"
                      f"  ratio {row.ratio:5.2f}  {row.quality_name} {row.mlc_quality:.6g} vs "
                      f"{row.ref_quality:.6g}", flush=True)
                rows.append(row)
    table = markdown(rows, n_threads)
    print()
    print(table)
    if not args.no_write and not args.quick:
        import numpy, sklearn
        header = (f"# Bench results\n\n{datetime.date.today()} · {platform.processor() or platform.machine()}"
                  f" · {os.cpu_count()} cores · Python {platform.python_version()} · NumPy {numpy.__version__}"
                  f" · scikit-learn {sklearn.__version__} · mlc {mlc.__version__}\n\n"
                  f"Command: `python -m bench {' '.join(args.families)}`\n\n")
        with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
            f.write(header + table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
