/* bind_neighbors.c: knn_kneighbors, knn_vote, knn_average. */
#include "bind.h"
#include "neighbors/knn.h"

/* knn_kneighbors(X, Y, k, metric, n_threads) -> (dist (N, K) float64, ind (N, K) int64) */
static PyObject *knn_kneighbors(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "k", "metric", "n_threads", NULL};
    PyObject *xo, *yo;
    Py_ssize_t k;
    int metric, n_threads = 1;
    PyArrayObject *X = NULL, *Y = NULL, *dist = NULL, *ind = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOni|i", kwlist, &xo, &yo, &k, &metric, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    Y = mlc_bind_array(yo, PyArray_TYPE(X), 2, "Y");
    if (Y == NULL) goto fail;
    if (mlc_bind_check_dim(Y, 1, PyArray_DIM(X, 1), "Y") < 0) goto fail;
    if (mlc_bind_check_params(mlc_knn_check_params(k, PyArray_DIM(Y, 0), metric, MLC_WEIGHTS_UNIFORM)) < 0)
        goto fail;
    if (n_threads < 1) n_threads = 1;
    const int64_t n = PyArray_DIM(X, 0), m = PyArray_DIM(Y, 0), d = PyArray_DIM(X, 1);
    dist = mlc_bind_new(2, n, k, NPY_FLOAT64);
    ind = mlc_bind_new(2, n, k, NPY_INT64);
    if (dist == NULL || ind == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_knn_kneighbors_f32(PyArray_DATA(dist), PyArray_DATA(ind), PyArray_DATA(X),
                                    PyArray_DATA(Y), n, m, d, k, metric, n_threads, &mlc_bind_interrupt);
    else
        st = mlc_knn_kneighbors_f64(PyArray_DATA(dist), PyArray_DATA(ind), PyArray_DATA(X),
                                    PyArray_DATA(Y), n, m, d, k, metric, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(Y);
    return Py_BuildValue("NN", dist, ind);
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(dist);
    Py_XDECREF(ind);
    return NULL;
}

/* Shared by knn_vote and knn_average: ind/dist (N, K), y's first dimension checked against every
 * index, and the weights code. Returns 0 or -1 with an exception. */
static int check_neighbors(PyArrayObject *ind, PyArrayObject *dist, npy_intp m, int weights) {
    if (mlc_bind_check_dim(dist, 0, PyArray_DIM(ind, 0), "dist") < 0 ||
        mlc_bind_check_dim(dist, 1, PyArray_DIM(ind, 1), "dist") < 0)
        return -1;
    if (PyArray_DIM(ind, 1) < 1) {
        PyErr_SetString(PyExc_ValueError, "ind: need at least one neighbour per row");
        return -1;
    }
    const int64_t *ix = PyArray_DATA(ind);
    for (npy_intp i = 0; i < PyArray_SIZE(ind); i++)
        if (ix[i] < 0 || ix[i] >= m) {
            PyErr_Format(PyExc_ValueError, "ind: index %lld out of range [0, %zd)", (long long)ix[i], (Py_ssize_t)m);
            return -1;
        }
    return mlc_bind_check_params(weights == MLC_WEIGHTS_UNIFORM || weights == MLC_WEIGHTS_DISTANCE
                                     ? NULL : "unknown weights code");
}

/* knn_vote(ind, dist, y, n_classes, weights) -> proba (N, C) */
static PyObject *knn_vote(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *io, *dO, *yo;
    Py_ssize_t c;
    int weights;
    PyArrayObject *ind = NULL, *dist = NULL, *y = NULL, *proba = NULL;
    if (!PyArg_ParseTuple(args, "OOOni", &io, &dO, &yo, &c, &weights)) return NULL;
    ind = mlc_bind_array(io, NPY_INT64, 2, "ind");
    dist = ind ? mlc_bind_array(dO, NPY_FLOAT64, 2, "dist") : NULL;
    y = dist ? mlc_bind_array(yo, NPY_INT32, 1, "y") : NULL;
    if (y == NULL || check_neighbors(ind, dist, PyArray_DIM(y, 0), weights) < 0) goto fail;
    if (c < 1) {
        PyErr_SetString(PyExc_ValueError, "n_classes must be >= 1");
        goto fail;
    }
    const int32_t *yc = PyArray_DATA(y);
    for (npy_intp i = 0; i < PyArray_DIM(y, 0); i++)
        if (yc[i] < 0 || yc[i] >= c) {
            PyErr_Format(PyExc_ValueError, "y: class code %d out of range [0, %zd)", yc[i], c);
            goto fail;
        }
    const int64_t n = PyArray_DIM(ind, 0), k = PyArray_DIM(ind, 1);
    proba = mlc_bind_new(2, n, c, NPY_FLOAT64);
    if (proba == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_knn_vote(PyArray_DATA(proba), PyArray_DATA(ind), PyArray_DATA(dist), yc, n, k, c, weights);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(ind);
    Py_DECREF(dist);
    Py_DECREF(y);
    return (PyObject *)proba;
fail:
    Py_XDECREF(ind);
    Py_XDECREF(dist);
    Py_XDECREF(y);
    Py_XDECREF(proba);
    return NULL;
}

/* knn_average(ind, dist, y (M, T), weights) -> pred (N, T) */
static PyObject *knn_average(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *io, *dO, *yo;
    int weights;
    PyArrayObject *ind = NULL, *dist = NULL, *y = NULL, *pred = NULL;
    if (!PyArg_ParseTuple(args, "OOOi", &io, &dO, &yo, &weights)) return NULL;
    ind = mlc_bind_array(io, NPY_INT64, 2, "ind");
    dist = ind ? mlc_bind_array(dO, NPY_FLOAT64, 2, "dist") : NULL;
    y = dist ? mlc_bind_array(yo, NPY_FLOAT64, 2, "y") : NULL;
    if (y == NULL || check_neighbors(ind, dist, PyArray_DIM(y, 0), weights) < 0) goto fail;
    const int64_t n = PyArray_DIM(ind, 0), k = PyArray_DIM(ind, 1), t = PyArray_DIM(y, 1);
    pred = mlc_bind_new(2, n, t, NPY_FLOAT64);
    if (pred == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_knn_average(PyArray_DATA(pred), PyArray_DATA(ind), PyArray_DATA(dist), PyArray_DATA(y), n, k, t,
                         weights);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(ind);
    Py_DECREF(dist);
    Py_DECREF(y);
    return (PyObject *)pred;
fail:
    Py_XDECREF(ind);
    Py_XDECREF(dist);
    Py_XDECREF(y);
    Py_XDECREF(pred);
    return NULL;
}

PyMethodDef mlc_neighbors_methods[] = {
    {"knn_kneighbors", MLC_BIND_FN(knn_kneighbors), MLC_BIND_KW,
     "knn_kneighbors(X, Y, k, metric, n_threads=1) -> (dist, ind)"},
    {"knn_vote", knn_vote, METH_VARARGS, "knn_vote(ind, dist, y, n_classes, weights) -> proba"},
    {"knn_average", knn_average, METH_VARARGS, "knn_average(ind, dist, y, weights) -> pred"},
    {NULL, NULL, 0, NULL},
};
