"""Thread control: one number for mlc's OpenMP regions and its vendored OpenBLAS."""
import os

from . import _mlc

__all__ = ["set_num_threads", "get_num_threads"]


def set_num_threads(n):
    """Use n threads in mlc's kernels and in OpenBLAS (n >= 1). Returns the previous number."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    old = _mlc.get_num_threads()
    _mlc.set_num_threads(n)
    return old


def get_num_threads():
    """The number of threads mlc's kernels use (default: OMP_NUM_THREADS, else the CPU count)."""
    return _mlc.get_num_threads()


def _n_threads(n_jobs=None):
    """The thread count a kernel call gets: ``n_jobs`` when positive, else (None, or negative as
    scikit-learn's -1) ``get_num_threads()``. Callers check n_jobs first with check_n_jobs."""
    return get_num_threads() if n_jobs is None or n_jobs < 0 else int(n_jobs)


def _init_from_environment():
    # OpenMP reads OMP_NUM_THREADS itself; OpenBLAS must follow the same number
    n = _mlc.get_num_threads()
    env = os.environ.get("MLC_NUM_THREADS")
    if env:
        try:
            n = max(1, int(env))
        except ValueError:
            pass
    _mlc.set_num_threads(n)
