/* bind_core.c: threads, the RNG (exposed for tests and for Python-side sampling). */
#include "bind.h"
#include "blas.h"

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

/* Test-only: _alloc_fail_in(n) -> what the previous setting had left (see mlc_alloc_fail_in);
 * _alloc_live() -> the number of mlc_malloc blocks not yet freed. */
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
    npy_intp dims[1] = {n};
    PyArrayObject *out = (PyArrayObject *)PyArray_SimpleNew(1, dims, kind == 2 ? NPY_UINT64 : NPY_FLOAT64);
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

PyMethodDef mlc_core_methods[] = {
    {"set_num_threads", set_num_threads, METH_VARARGS, "set_num_threads(n): OpenMP and OpenBLAS threads."},
    {"get_num_threads", get_num_threads, METH_NOARGS, "get_num_threads() -> int"},
    {"blas_num_threads", blas_num_threads, METH_NOARGS, "OpenBLAS's own thread count."},
    {"rng_uniform", rng_uniform, METH_VARARGS, "rng_uniform(seed, n) -> float64 (n,) in [0, 1)"},
    {"rng_normal", rng_normal, METH_VARARGS, "rng_normal(seed, n) -> float64 (n,) standard normal"},
    {"rng_below", rng_below, METH_VARARGS, "rng_below(seed, n, bound) -> uint64 (n,) in [0, bound)"},
    {"_alloc_fail_in", alloc_fail_in, METH_VARARGS,
     "_alloc_fail_in(n) -> int: test only; the n-th next allocation fails (0: none)"},
    {"_alloc_live", alloc_live, METH_NOARGS, "_alloc_live() -> int: test only; live allocations"},
    {NULL, NULL, 0, NULL},
};
