"""What mlc runs on: the CPU level of its dispatched kernels, its BLAS and OpenMP runtime, thread counts."""
import os
import warnings

from . import __version__, _mlc
from ._threads import get_num_threads

__all__ = ["show_config"]


def _init_cpu_from_environment():
    """Apply ``MLC_CPU`` (baseline, avx2 or avx512), once, at import: the level of mlc's own hot loops
    (csrc/core/dispatch.h). Unset, the best level the CPU has is in force. A level this CPU (or build)
    cannot run falls back to the best one it can, with a RuntimeWarning; an unknown name is a ValueError."""
    want = os.environ.get("MLC_CPU", "").strip().lower()
    if not want:
        return
    levels = _mlc.cpu_levels()
    if want not in levels:
        raise ValueError(f"MLC_CPU={want!r}: must be one of {', '.join(levels)}")
    if not levels[want]:
        best = [name for name, ok in levels.items() if ok][-1]
        warnings.warn(f"MLC_CPU={want}: this CPU or build cannot run it; mlc uses {best}", RuntimeWarning,
                      stacklevel=2)
        want = best
    _mlc._set_cpu_level(want)


def show_config():
    """Print, and return as a dict, what mlc runs on: the CPU level in force and the levels the CPU
    supports, its BLAS (build configuration, library, threading layer and thread count), its OpenMP
    runtime (library) and thread counts."""
    rt = _mlc.runtime_info()
    info = {
        "version": __version__,
        "cpu_level": _mlc.cpu_level(),
        "cpu_levels_supported": [name for name, ok in _mlc.cpu_levels().items() if ok],
        "blas": rt["blas_config"],
        "blas_threading": rt["blas_threading"],
        "blas_library": rt["blas_path"],
        "blas_num_threads": _mlc.blas_num_threads(),
        "openmp_library": rt["openmp_path"],
        "openmp_max_threads": rt["openmp_max_threads"],
        "num_threads": get_num_threads(),
    }
    forced = os.environ.get("MLC_CPU")
    print(f"mlc {info['version']}\n"
          f"  CPU level:   {info['cpu_level']}" + (f" (MLC_CPU={forced})" if forced else "") +
          f"; supported: {', '.join(info['cpu_levels_supported'])}\n"
          f"  BLAS:        {info['blas']}\n"
          f"               {info['blas_library']}, {info['blas_threading']}, "
          f"{info['blas_num_threads']} thread(s)\n"
          f"  OpenMP:      {info['openmp_library']}, max {info['openmp_max_threads']} thread(s)\n"
          f"  mlc threads: {info['num_threads']}")
    return info
