"""Build mlc._mlc from csrc/ against OpenBLAS.

By default OpenBLAS comes from the ``scipy-openblas32`` wheel (a build requirement, see pyproject.toml). Its
shared library is copied into the package as ``mlc/.libs/`` and the extension finds it through the rpath
``$ORIGIN/.libs``, so run time needs nothing but NumPy (the same thing NumPy and SciPy do with their copy).
``MLC_BLAS=system`` builds against a system OpenBLAS found by pkg-config instead.
"""
import glob
import os
import shlex
import shutil
import subprocess

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = sorted(glob.glob(os.path.join("csrc", "**", "*.c"), recursive=True))
CFLAGS = ["-std=c11", "-O3", "-fopenmp", "-Wall", "-Wextra", "-fno-strict-aliasing", "-fno-math-errno",
          "-DNPY_NO_DEPRECATED_API=NPY_1_7_API_VERSION"]
if os.environ.get("MLC_DEBUG"):
    CFLAGS += ["-O1", "-g", "-fno-omit-frame-pointer"]
if os.environ.get("MLC_SANITIZE"):
    CFLAGS += ["-fsanitize=" + os.environ["MLC_SANITIZE"], "-fno-omit-frame-pointer"]


def blas_config():
    """(include_dirs, library_dirs, libraries, extra_link_args, define_macros, lib_to_vendor)"""
    if os.environ.get("MLC_BLAS", "scipy-openblas") == "system":
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


class BuildExt(build_ext):
    """build_ext that also vendors the OpenBLAS shared library next to the extension."""

    def run(self):
        super().run()
        if VENDOR is None:
            return
        targets = {os.path.dirname(self.get_ext_fullpath("mlc._mlc"))}
        if self.inplace:
            targets.add(os.path.join(HERE, "mlc"))
        for pkgdir in targets:
            libs = os.path.join(pkgdir, ".libs")
            os.makedirs(libs, exist_ok=True)
            shutil.copy2(VENDOR, os.path.join(libs, os.path.basename(VENDOR)))

    def get_outputs(self):
        outs = super().get_outputs()
        if VENDOR is not None:
            pkgdir = os.path.dirname(self.get_ext_fullpath("mlc._mlc"))
            outs.append(os.path.join(pkgdir, ".libs", os.path.basename(VENDOR)))
        return outs


ext = Extension(
    "mlc._mlc",
    sources=SOURCES,
    include_dirs=["csrc", numpy.get_include()] + INC,
    library_dirs=LIBDIRS,
    libraries=LIBS + ["m"],
    define_macros=MACROS,
    extra_compile_args=CFLAGS,
    extra_link_args=["-fopenmp"] + LINK + (
        ["-fsanitize=" + os.environ["MLC_SANITIZE"]] if os.environ.get("MLC_SANITIZE") else []),
)

setup(ext_modules=[ext], cmdclass={"build_ext": BuildExt})
