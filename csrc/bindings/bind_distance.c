/* bind_distance.c: pairwise_distances(X, Y, metric, same, n_threads) -> (N, M) of X's dtype. */
#include "bind.h"
#include "metrics/distance.h"

static PyObject *pairwise_distances(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "metric", "same", "n_threads", NULL};
    PyObject *xo, *yo;
    int metric, same = 0, n_threads = 1;
    PyArrayObject *X = NULL, *Y = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOi|pi", kwlist, &xo, &yo, &metric, &same, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    Y = mlc_bind_array(yo, PyArray_TYPE(X), 2, "Y");
    if (Y == NULL) goto fail;
    if (mlc_bind_check_dim(Y, 1, PyArray_DIM(X, 1), "Y") < 0) goto fail;
    if (same && mlc_bind_check_dim(Y, 0, PyArray_DIM(X, 0), "Y") < 0) goto fail;
    if (mlc_bind_check_params(mlc_distance_check_params(metric)) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    const int64_t n = PyArray_DIM(X, 0), m = PyArray_DIM(Y, 0), d = PyArray_DIM(X, 1);
    out = mlc_bind_new(2, n, m, PyArray_TYPE(X));
    if (out == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_distance_pairwise_f32(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(Y), n, m, d,
                                       metric, same, n_threads, &mlc_bind_interrupt);
    else
        st = mlc_distance_pairwise_f64(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(Y), n, m, d,
                                       metric, same, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(Y);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(out);
    return NULL;
}

PyMethodDef mlc_distance_methods[] = {
    {"pairwise_distances", MLC_BIND_FN(pairwise_distances), MLC_BIND_KW,
     "pairwise_distances(X, Y, metric, same=False, n_threads=1) -> (N, M)"},
    {NULL, NULL, 0, NULL},
};
