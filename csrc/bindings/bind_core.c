/* bind_core.c: threads, the CPU level of the dispatched kernels and the runtime libraries in use, the
 * RNG (exposed for tests and for Python-side sampling), and core/vmath.h's array forms (for tests only). */
#define _GNU_SOURCE /* dladdr */
#include "bind.h"

#include <dlfcn.h>
#include <omp.h>
#include <string.h>

#include "blas.h"
#include "core/dispatch.h"
#include "core/linalg.h"
#include "core/sparse.h"
#include "core/vmath.h"

static PyObject *set_num_threads(PyObject *self, PyObject *args) {
    (void)self;
    int n;
    if (!PyArg_ParseTuple(args, "i", &n)) return NULL;
    if (n < 1) {
        PyErr_Format(PyExc_ValueError, "n_threads must be >= 1, got %d", n);
        return NULL;
    }
    mlc_set_num_threads(n);
    Py_RETURN_NONE;
}

static PyObject *get_num_threads(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyLong_FromLong(mlc_get_num_threads());
}

static PyObject *blas_num_threads(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyLong_FromLong(mlc_openblas_get_num_threads());
}

/* _team_size(work, n_threads) -> the team mlc_team_size picks (tests only). */
static PyObject *team_size(PyObject *self, PyObject *args) {
    (void)self;
    long long work;
    int n;
    if (!PyArg_ParseTuple(args, "Li", &work, &n)) return NULL;
    return PyLong_FromLong(mlc_team_size((int64_t)work, n));
}

/* _blas_begin(work) -> whether BLAS went single-threaded; _blas_end(that) (tests only: the bracket
 * blas.h puts around every threaded BLAS call). */
static PyObject *blas_begin(PyObject *self, PyObject *args) {
    (void)self;
    long long work;
    if (!PyArg_ParseTuple(args, "L", &work)) return NULL;
    return PyBool_FromLong(mlc_blas_begin((int64_t)work));
}

static PyObject *blas_end(PyObject *self, PyObject *args) {
    (void)self;
    int single;
    if (!PyArg_ParseTuple(args, "p", &single)) return NULL;
    mlc_blas_end(single);
    Py_RETURN_NONE;
}

/* cpu_levels() -> {name: whether this build and CPU can run it} for every level, lowest first. */
static PyObject *cpu_levels(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    PyObject *out = PyDict_New();
    for (int lvl = 0; out != NULL && lvl < MLC_CPU_COUNT; lvl++)
        if (PyDict_SetItemString(out, mlc_cpu_name(lvl), mlc_cpu_supported(lvl) ? Py_True : Py_False) < 0)
            Py_CLEAR(out);
    return out;
}

static PyObject *cpu_level(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyUnicode_FromString(mlc_cpu_name(mlc_cpu_level()));
}

/* _set_cpu_level(name): the level for every later kernel call. mlc's import calls it once (MLC_CPU);
 * tests call it between kernels. Not while another thread runs a kernel. */
static PyObject *set_cpu_level(PyObject *self, PyObject *args) {
    (void)self;
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    for (int lvl = 0; lvl < MLC_CPU_COUNT; lvl++) {
        if (strcmp(name, mlc_cpu_name(lvl)) != 0) continue;
        if (mlc_cpu_select(lvl) == MLC_OK) Py_RETURN_NONE;
        PyErr_Format(PyExc_ValueError, "CPU level '%s' is not supported by this CPU or build", name);
        return NULL;
    }
    PyErr_Format(PyExc_ValueError, "unknown CPU level '%s': baseline, avx2 or avx512", name);
    return NULL;
}

/* runtime_info() -> {"blas_config": OpenBLAS's build string, "blas_threading": its threading layer,
 * "blas_path", "openmp_path": the files _mlc's BLAS and OpenMP calls resolve to (dladdr),
 * "openmp_max_threads"}. */
static PyObject *runtime_info(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    Dl_info blas, omp;
    const int have_blas = dladdr((void *)mlc_openblas_get_num_threads, &blas) != 0 && blas.dli_fname;
    const int have_omp = dladdr((void *)omp_get_max_threads, &omp) != 0 && omp.dli_fname;
    static const char *const layers[] = {"sequential", "pthreads", "openmp"};
    const int layer = mlc_openblas_get_parallel();
    return Py_BuildValue("{s:s,s:s,s:s,s:s,s:i}", "blas_config", mlc_openblas_get_config(), "blas_threading",
                         layer >= 0 && layer <= 2 ? layers[layer] : "unknown", "blas_path",
                         have_blas ? blas.dli_fname : "", "openmp_path", have_omp ? omp.dli_fname : "",
                         "openmp_max_threads", omp_get_max_threads());
}

/* Test-only: _alloc_fail_in(n) -> what the previous setting had left (see mlc_alloc_fail_in);
 * _alloc_live() -> the number of mlc_malloc blocks not yet freed; _alloc_count() -> the number of
 * mlc_malloc calls so far. */
static PyObject *alloc_fail_in(PyObject *self, PyObject *args) {
    (void)self;
    long long n;
    if (!PyArg_ParseTuple(args, "L", &n)) return NULL;
    return PyLong_FromLongLong((long long)mlc_alloc_fail_in(n));
}

static PyObject *alloc_live(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyLong_FromLongLong((long long)mlc_alloc_live());
}

static PyObject *alloc_count(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyLong_FromLongLong((long long)mlc_alloc_count());
}

/* rng_uniform(seed, n) -> (n,) float64 in [0, 1); rng_normal(seed, n); rng_below(seed, n, bound) */
static PyObject *rng_draw(PyObject *args, int kind) {
    unsigned long long seed;
    Py_ssize_t n;
    unsigned long long bound = 0;
    if (kind == 2) {
        if (!PyArg_ParseTuple(args, "KnK", &seed, &n, &bound)) return NULL;
    } else if (!PyArg_ParseTuple(args, "Kn", &seed, &n)) {
        return NULL;
    }
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "n must be >= 0");
        return NULL;
    }
    PyArrayObject *out = mlc_bind_new(1, n, 0, kind == 2 ? NPY_UINT64 : NPY_FLOAT64);
    if (out == NULL) return NULL;
    mlc_rng rng;
    mlc_rng_seed(&rng, seed);
    if (kind == 2) {
        uint64_t *o = (uint64_t *)PyArray_DATA(out);
        for (Py_ssize_t i = 0; i < n; i++) o[i] = mlc_rng_below(&rng, bound);
    } else {
        double *o = (double *)PyArray_DATA(out);
        for (Py_ssize_t i = 0; i < n; i++) o[i] = kind == 0 ? mlc_rng_uniform(&rng) : mlc_rng_normal(&rng);
    }
    return (PyObject *)out;
}

static PyObject *rng_uniform(PyObject *self, PyObject *args) { (void)self; return rng_draw(args, 0); }
static PyObject *rng_normal(PyObject *self, PyObject *args) { (void)self; return rng_draw(args, 1); }
static PyObject *rng_below(PyObject *self, PyObject *args) { (void)self; return rng_draw(args, 2); }

/* _vmath(name, x) -> out: core/vmath.h's array form `name` ("exp", "log", "tanh", "sigmoid",
 * "log1pexp", "digamma") on a float32 or float64 x (n,), out of the same dtype; "logsumexp" takes x (B, C) and
 * gives (B,) float64. For the accuracy tests: the copy of the CPU level in force (core/vmath.c). */
static PyObject *vmath(PyObject *self, PyObject *args) {
    (void)self;
    const char *name;
    PyObject *xo;
    PyArrayObject *x = NULL, *out = NULL;
    int st;
    if (!PyArg_ParseTuple(args, "sO", &name, &xo)) return NULL;
    const int lse = strcmp(name, "logsumexp") == 0;
    x = mlc_bind_float_array(xo, lse ? 2 : 1, "x");
    if (x == NULL) goto fail;
    const int f32 = PyArray_TYPE(x) == NPY_FLOAT32;
    const npy_intp n = PyArray_DIM(x, 0), c = lse ? PyArray_DIM(x, 1) : 1;
    if (lse && c < 1) {
        PyErr_SetString(PyExc_ValueError, "logsumexp: x must have at least one column");
        goto fail;
    }
    out = mlc_bind_new(1, n, 0, lse || !f32 ? NPY_FLOAT64 : NPY_FLOAT32);
    if (out == NULL) goto fail;
    const void *xd = PyArray_DATA(x);
    void *od = PyArray_DATA(out);
    Py_BEGIN_ALLOW_THREADS
    st = mlc_vmath_apply(od, xd, n, c, f32, name);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        PyErr_Format(PyExc_ValueError, "unknown vmath function '%s'", name);
        goto fail;
    }
    Py_DECREF(x);
    return (PyObject *)out;
fail:
    Py_XDECREF(x);
    Py_XDECREF(out);
    return NULL;
}

/* matmul_t(A, B) -> A @ B.T: A (n, d) and B (k, d) float64, the result (n, k) float64. */
static PyObject *matmul_t(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *ao, *bo;
    PyArrayObject *a = NULL, *b = NULL, *c = NULL;
    int st;
    if (!PyArg_ParseTuple(args, "OO", &ao, &bo)) return NULL;
    a = mlc_bind_array(ao, NPY_FLOAT64, 2, "A");
    b = mlc_bind_array(bo, NPY_FLOAT64, 2, "B");
    if (a == NULL || b == NULL || mlc_bind_dims_match(a, 1, "A", b, 1, "B") < 0) goto fail;
    const npy_intp n = PyArray_DIM(a, 0), d = PyArray_DIM(a, 1), k = PyArray_DIM(b, 0);
    c = mlc_bind_new(2, n, k, NPY_FLOAT64);
    if (c == NULL) goto fail;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_linalg_matmul_t_f64(PyArray_DATA(c), PyArray_DATA(a), PyArray_DATA(b), n, d, k);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(a);
    Py_DECREF(b);
    return (PyObject *)c;
fail:
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(c);
    return NULL;
}

/* csr_matmul(data, indices, indptr, n_cols, B, transpose=False, n_threads=1) -> A B (N, K) or
 * A^T B (D, K), B row-major (D, K) or (N, K) of data's dtype */
static PyObject *csr_matmul(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_cols", "B", "transpose", "n_threads", NULL};
    PyObject *dobj, *iobj, *pobj, *bobj;
    long long d;
    int trans = 0, n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *B = NULL, *Y = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLO|pi", kwlist, &dobj, &iobj, &pobj, &d, &bobj,
                                     &trans, &n_threads))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, d) < 0) goto fail;
    const int tn = PyArray_TYPE(A.data);
    B = mlc_bind_array(bobj, tn, 2, "B");
    if (B == NULL || mlc_bind_check_dim(B, 0, trans ? A.n : A.d, "B") < 0) goto fail;
    const int64_t k = PyArray_DIM(B, 1);
    Y = mlc_bind_new(2, trans ? A.d : A.n, k, tn);
    if (Y == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (tn == NPY_FLOAT32)
        st = (trans ? mlc_sparse_csr_tmm_f32 : mlc_sparse_csr_mm_f32)(
            PyArray_DATA(Y), PyArray_DATA(A.data), PyArray_DATA(A.indices), PyArray_DATA(A.indptr),
            PyArray_DATA(B), A.n, A.d, k, n_threads);
    else
        st = (trans ? mlc_sparse_csr_tmm_f64 : mlc_sparse_csr_mm_f64)(
            PyArray_DATA(Y), PyArray_DATA(A.data), PyArray_DATA(A.indices), PyArray_DATA(A.indptr),
            PyArray_DATA(B), A.n, A.d, k, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_DECREF(B);
    return (PyObject *)Y;
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(B);
    Py_XDECREF(Y);
    return NULL;
}

/* csr_stats(data, indices, indptr, n_cols, n_threads=1) -> (row squared norms (N), column means
 * (D), column sums of squared deviations (D), stored entries per column (D)), float64 */
static PyObject *csr_stats(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_cols", "n_threads", NULL};
    PyObject *dobj, *iobj, *pobj;
    long long d;
    int n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *sq = NULL, *mean = NULL, *ssq = NULL, *cnt = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOL|i", kwlist, &dobj, &iobj, &pobj, &d, &n_threads))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, d) < 0) goto fail;
    sq = mlc_bind_new(1, A.n, 0, NPY_FLOAT64);
    mean = mlc_bind_new(1, A.d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, A.d, 0, NPY_FLOAT64);
    cnt = mlc_bind_new(1, A.d, 0, NPY_INT64);
    if (sq == NULL || mean == NULL || ssq == NULL || cnt == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(A.data) == NPY_FLOAT32) {
        st = mlc_sparse_csr_row_sqnorms_f32(PyArray_DATA(sq), PyArray_DATA(A.data),
                                            PyArray_DATA(A.indptr), A.n, n_threads);
        if (st == MLC_OK)
            st = mlc_sparse_csr_col_stats_f32(PyArray_DATA(mean), PyArray_DATA(ssq), PyArray_DATA(cnt),
                                              PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                              PyArray_DATA(A.indptr), A.n, A.d, n_threads);
    } else {
        st = mlc_sparse_csr_row_sqnorms_f64(PyArray_DATA(sq), PyArray_DATA(A.data),
                                            PyArray_DATA(A.indptr), A.n, n_threads);
        if (st == MLC_OK)
            st = mlc_sparse_csr_col_stats_f64(PyArray_DATA(mean), PyArray_DATA(ssq), PyArray_DATA(cnt),
                                              PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                              PyArray_DATA(A.indptr), A.n, A.d, n_threads);
    }
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    return Py_BuildValue("NNNN", sq, mean, ssq, cnt);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(sq);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    Py_XDECREF(cnt);
    return NULL;
}

PyMethodDef mlc_core_methods[] = {
    {"set_num_threads", set_num_threads, METH_VARARGS, "set_num_threads(n): OpenMP and OpenBLAS threads."},
    {"get_num_threads", get_num_threads, METH_NOARGS, "get_num_threads() -> int"},
    {"blas_num_threads", blas_num_threads, METH_NOARGS, "OpenBLAS's own thread count."},
    {"matmul_t", matmul_t, METH_VARARGS, "matmul_t(A, B) -> A @ B.T (float64) by mlc's BLAS"},
    {"_team_size", team_size, METH_VARARGS, "_team_size(work, n_threads) -> int: mlc_team_size (tests only)"},
    {"_blas_begin", blas_begin, METH_VARARGS, "_blas_begin(work) -> bool: mlc_blas_begin (tests only)"},
    {"_blas_end", blas_end, METH_VARARGS, "_blas_end(single): mlc_blas_end (tests only)"},
    {"cpu_levels", cpu_levels, METH_NOARGS, "cpu_levels() -> {level: supported by this build and CPU}"},
    {"cpu_level", cpu_level, METH_NOARGS, "cpu_level() -> the CPU level of the dispatched kernels"},
    {"_set_cpu_level", set_cpu_level, METH_VARARGS, "_set_cpu_level(name): baseline, avx2 or avx512"},
    {"runtime_info", runtime_info, METH_NOARGS, "runtime_info() -> dict: OpenBLAS's config, library paths"},
    {"rng_uniform", rng_uniform, METH_VARARGS, "rng_uniform(seed, n) -> float64 (n,) in [0, 1)"},
    {"rng_normal", rng_normal, METH_VARARGS, "rng_normal(seed, n) -> float64 (n,) standard normal"},
    {"rng_below", rng_below, METH_VARARGS, "rng_below(seed, n, bound) -> uint64 (n,) in [0, bound)"},
    {"_alloc_fail_in", alloc_fail_in, METH_VARARGS,
     "_alloc_fail_in(n) -> int: test only; the n-th next allocation fails (0: none)"},
    {"_alloc_live", alloc_live, METH_NOARGS, "_alloc_live() -> int: test only; live allocations"},
    {"_alloc_count", alloc_count, METH_NOARGS, "_alloc_count() -> int: test only; mlc_malloc calls so far"},
    {"csr_matmul", MLC_BIND_FN(csr_matmul), MLC_BIND_KW,
     "csr_matmul(data, indices, indptr, n_cols, B, transpose=False, n_threads=1) -> A @ B or A.T @ B "
     "for the CSR matrix A (int32 indices, int64 indptr)"},
    {"csr_stats", MLC_BIND_FN(csr_stats), MLC_BIND_KW,
     "csr_stats(data, indices, indptr, n_cols, n_threads=1) -> (row_sqnorms, col_mean, col_ssq, "
     "col_nnz) of the CSR matrix A, implicit zeros counted"},
    {"_vmath", vmath, METH_VARARGS, "_vmath(name, x) -> core/vmath.h's array form on x (tests only)"},
    {NULL, NULL, 0, NULL},
};
