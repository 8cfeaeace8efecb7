/* bind_neighbors.c: knn_kneighbors, knn_kneighbors_csr, knn_distances_csr, knn_vote, knn_average;
 * knn_tree_build, knn_tree_query, knn_tree_radius. */
#include "bind.h"
#include "neighbors/knn.h"
#include "neighbors/tree.h"

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

/* knn_kneighbors_csr(xdata, xidx, xptr, ydata, yidx, yptr, n_features, k, metric, n_threads)
 *   -> (dist (N, K) float64, ind (N, K) int64): X and Y CSR (float64 data, int32 indices, int64 indptr)
 * and, with all, knn_distances_csr(xdata, xidx, xptr, ydata, yidx, yptr, n_features, metric, n_threads)
 *   -> dist (N, M) float64: every pair's distance. */
static PyObject *csr_search(PyObject *args, PyObject *kwds, int all) {
    static char *kw_k[] = {"xdata", "xidx", "xptr", "ydata", "yidx", "yptr", "n_features", "k", "metric",
                           "n_threads", NULL};
    static char *kw_all[] = {"xdata", "xidx", "xptr", "ydata", "yidx", "yptr", "n_features", "metric",
                             "n_threads", NULL};
    const char *name = all ? "knn_distances_csr" : "knn_kneighbors_csr";
    PyObject *xd, *xi, *xp, *yd, *yi, *yp;
    long long d;
    Py_ssize_t k = 1;
    int metric, n_threads = 1, ok;
    mlc_bind_csr X = {0}, Y = {0};
    PyArrayObject *dist = NULL, *ind = NULL;
    if (all)
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOLi|i", kw_all, &xd, &xi, &xp, &yd, &yi, &yp, &d,
                                         &metric, &n_threads);
    else
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOLni|i", kw_k, &xd, &xi, &xp, &yd, &yi, &yp, &d, &k,
                                         &metric, &n_threads);
    if (!ok) return NULL;
    if (mlc_bind_csr_from(&X, xd, xi, xp, d) < 0 || mlc_bind_csr_from(&Y, yd, yi, yp, d) < 0) goto fail;
    if (PyArray_TYPE(X.data) != NPY_FLOAT64 || PyArray_TYPE(Y.data) != NPY_FLOAT64) {
        PyErr_Format(PyExc_TypeError, "%s: data must be float64", name);
        goto fail;
    }
    if (!all && mlc_bind_check_params(mlc_knn_check_params(k, Y.n, metric, MLC_WEIGHTS_UNIFORM)) < 0) goto fail;
    if (metric != MLC_METRIC_EUCLIDEAN && metric != MLC_METRIC_SQEUCLIDEAN && metric != MLC_METRIC_MANHATTAN &&
        metric != MLC_METRIC_COSINE) {
        PyErr_Format(PyExc_ValueError, "%s: metric must be euclidean, sqeuclidean, manhattan or cosine", name);
        goto fail;
    }
    if (n_threads < 1) n_threads = 1;
    dist = mlc_bind_new(2, X.n, all ? Y.n : k, NPY_FLOAT64);
    ind = all ? NULL : mlc_bind_new(2, X.n, k, NPY_INT64);
    if (dist == NULL || (!all && ind == NULL)) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (all)
        st = mlc_knn_distances_csr(PyArray_DATA(dist), PyArray_DATA(X.data), PyArray_DATA(X.indices),
                                   PyArray_DATA(X.indptr), PyArray_DATA(Y.data), PyArray_DATA(Y.indices),
                                   PyArray_DATA(Y.indptr), X.n, Y.n, X.d, metric, n_threads, &mlc_bind_interrupt);
    else
        st = mlc_knn_kneighbors_csr(PyArray_DATA(dist), PyArray_DATA(ind), PyArray_DATA(X.data),
                                    PyArray_DATA(X.indices), PyArray_DATA(X.indptr), PyArray_DATA(Y.data),
                                    PyArray_DATA(Y.indices), PyArray_DATA(Y.indptr), X.n, Y.n, X.d, k, metric,
                                    n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&X);
    mlc_bind_csr_clear(&Y);
    return all ? (PyObject *)dist : Py_BuildValue("NN", dist, ind);
fail:
    mlc_bind_csr_clear(&X);
    mlc_bind_csr_clear(&Y);
    Py_XDECREF(dist);
    Py_XDECREF(ind);
    return NULL;
}

static PyObject *knn_kneighbors_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return csr_search(args, kwds, 0);
}

static PyObject *knn_distances_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return csr_search(args, kwds, 1);
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

/* knn_tree_build(X, leaf_size, kind, p, n_threads) -> (data (M, D) X's dtype, idx (M) int64,
 * node (L, 2) int64, bounds (L, 2D) float64) */
static PyObject *knn_tree_build(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *xo;
    Py_ssize_t leaf_size;
    int kind, n_threads;
    double p;
    PyArrayObject *X = NULL, *data = NULL, *idx = NULL, *node = NULL, *bounds = NULL;
    if (!PyArg_ParseTuple(args, "Onidi", &xo, &leaf_size, &kind, &p, &n_threads)) return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    const int64_t m = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (mlc_bind_check_params(mlc_knn_tree_check_params(m, d, leaf_size, kind, p)) < 0) goto fail;
    const int64_t l = mlc_knn_tree_n_nodes(m, leaf_size);
    data = mlc_bind_new(2, m, d, PyArray_TYPE(X));
    idx = mlc_bind_new(1, m, 0, NPY_INT64);
    node = mlc_bind_new(2, l, 2, NPY_INT64);
    bounds = mlc_bind_new(2, l, 2 * d, NPY_FLOAT64);
    if (!(data && idx && node && bounds)) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_knn_tree_build_f32(PyArray_DATA(data), PyArray_DATA(idx), PyArray_DATA(node), PyArray_DATA(bounds),
                                    PyArray_DATA(X), m, d, leaf_size, kind, p, n_threads);
    else
        st = mlc_knn_tree_build_f64(PyArray_DATA(data), PyArray_DATA(idx), PyArray_DATA(node), PyArray_DATA(bounds),
                                    PyArray_DATA(X), m, d, leaf_size, kind, p, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NNNN", data, idx, node, bounds);
fail:
    Py_XDECREF(X);
    Py_XDECREF(data);
    Py_XDECREF(idx);
    Py_XDECREF(node);
    Py_XDECREF(bounds);
    return NULL;
}

/* The arrays of a built tree as an mlc_knn_tree, a[0..3] new references to data, idx, node, bounds.
 * Every shape and row range is checked, so that a direct call with a damaged tree raises. */
static int tree_arrays(mlc_knn_tree *t, PyArrayObject *a[4], PyObject *tree, int kind, double p) {
    PyObject *data, *idx, *node, *bounds;
    if (!PyArg_ParseTuple(tree, "OOOO", &data, &idx, &node, &bounds)) return -1;
    if ((a[0] = mlc_bind_float_array(data, 2, "data")) == NULL || (a[1] = mlc_bind_array(idx, NPY_INT64, 1, "idx")) == NULL ||
        (a[2] = mlc_bind_array(node, NPY_INT64, 2, "node")) == NULL ||
        (a[3] = mlc_bind_array(bounds, NPY_FLOAT64, 2, "bounds")) == NULL)
        return -1;
    const int64_t m = PyArray_DIM(a[0], 0), d = PyArray_DIM(a[0], 1), l = PyArray_DIM(a[2], 0);
    if (mlc_bind_check_dim(a[1], 0, m, "idx") < 0 || mlc_bind_check_dim(a[2], 1, 2, "node") < 0 ||
        mlc_bind_check_dim(a[3], 0, l, "bounds") < 0 || mlc_bind_check_dim(a[3], 1, 2 * d, "bounds") < 0)
        return -1;
    if (mlc_bind_check_params(mlc_knn_tree_check_params(m, d, l == 1 ? m : 1, kind, p)) < 0) return -1;
    const int64_t *ix = PyArray_DATA(a[1]), *nd = PyArray_DATA(a[2]);
    int ok = l >= 1 && ((l + 1) & l) == 0 && nd[0] == 0 && nd[1] == m;
    for (int64_t i = 0; ok && 2 * i + 2 < l; i++) /* the children split their parent's rows */
        ok = nd[2 * i] <= nd[2 * i + 1] && nd[4 * i + 2] == nd[2 * i] && nd[4 * i + 3] == nd[4 * i + 4] &&
             nd[4 * i + 5] == nd[2 * i + 1] && nd[4 * i + 3] >= nd[2 * i] && nd[4 * i + 3] <= nd[2 * i + 1];
    for (int64_t r = 0; ok && r < m; r++) ok = ix[r] >= 0 && ix[r] < m;
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "tree: the node ranges or indices are not those of a built tree");
        return -1;
    }
    *t = (mlc_knn_tree){PyArray_DATA(a[0]), ix, nd, PyArray_DATA(a[3]), m, d, l, kind, p};
    return 0;
}

/* X as float64 (N, D) for a query of tree t, or NULL with an exception. */
static PyArrayObject *query_rows(PyObject *xo, const mlc_knn_tree *t) {
    PyArrayObject *X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X != NULL && mlc_bind_check_dim(X, 1, t->d, "X") < 0) Py_CLEAR(X);
    return X;
}

/* knn_tree_query(X, tree, kind, p, k, n_threads) -> (dist (N, K) float64, ind (N, K) int64);
 * tree = (data, idx, node, bounds) as knn_tree_build returned them */
static PyObject *knn_tree_query(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *xo, *to;
    Py_ssize_t k;
    int kind, n_threads;
    double p;
    PyArrayObject *a[4] = {NULL, NULL, NULL, NULL}, *X = NULL, *dist = NULL, *ind = NULL;
    mlc_knn_tree t;
    if (!PyArg_ParseTuple(args, "OO!idni", &xo, &PyTuple_Type, &to, &kind, &p, &k, &n_threads)) return NULL;
    if (tree_arrays(&t, a, to, kind, p) < 0 || (X = query_rows(xo, &t)) == NULL) goto fail;
    if (k < 1 || k > t.m) {
        PyErr_SetString(PyExc_ValueError, "k must be in [1, the number of fitted rows]");
        goto fail;
    }
    const int64_t n = PyArray_DIM(X, 0);
    dist = mlc_bind_new(2, n, k, NPY_FLOAT64);
    ind = mlc_bind_new(2, n, k, NPY_INT64);
    if (dist == NULL || ind == NULL) goto fail;
    const int f32 = PyArray_TYPE(a[0]) == NPY_FLOAT32;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = (f32 ? mlc_knn_tree_query_f32 : mlc_knn_tree_query_f64)(PyArray_DATA(dist), PyArray_DATA(ind), PyArray_DATA(X),
                                                                 &t, n, k, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    for (int i = 0; i < 4; i++) Py_DECREF(a[i]);
    Py_DECREF(X);
    return Py_BuildValue("NN", dist, ind);
fail:
    for (int i = 0; i < 4; i++) Py_XDECREF(a[i]);
    Py_XDECREF(X);
    Py_XDECREF(dist);
    Py_XDECREF(ind);
    return NULL;
}

/* knn_tree_radius(X, tree, kind, p, r, sort, n_threads) -> (offsets (N + 1) int64, dist (R) float64,
 * ind (R) int64): query i's neighbours are [offsets[i], offsets[i + 1]) */
static PyObject *knn_tree_radius(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *xo, *to;
    int kind, sort, n_threads;
    double p, r;
    PyArrayObject *a[4] = {NULL, NULL, NULL, NULL}, *X = NULL, *offsets = NULL, *dist = NULL, *ind = NULL;
    mlc_knn_tree t;
    if (!PyArg_ParseTuple(args, "OO!iddpi", &xo, &PyTuple_Type, &to, &kind, &p, &r, &sort, &n_threads)) return NULL;
    if (tree_arrays(&t, a, to, kind, p) < 0 || (X = query_rows(xo, &t)) == NULL) goto fail;
    if (!(r >= 0.0)) {
        PyErr_SetString(PyExc_ValueError, "radius must be >= 0");
        goto fail;
    }
    const int64_t n = PyArray_DIM(X, 0);
    offsets = mlc_bind_new(1, n + 1, 0, NPY_INT64);
    if (offsets == NULL) goto fail;
    int64_t *off = PyArray_DATA(offsets);
    const int f32 = PyArray_TYPE(a[0]) == NPY_FLOAT32;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = (f32 ? mlc_knn_tree_radius_count_f32 : mlc_knn_tree_radius_count_f64)(off + 1, PyArray_DATA(X), &t, n, r,
                                                                               n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    off[0] = 0;
    for (int64_t i = 0; i < n; i++) off[i + 1] += off[i];
    dist = mlc_bind_new(1, off[n], 0, NPY_FLOAT64);
    ind = mlc_bind_new(1, off[n], 0, NPY_INT64);
    if (dist == NULL || ind == NULL) goto fail;
    Py_BEGIN_ALLOW_THREADS
    st = (f32 ? mlc_knn_tree_radius_f32 : mlc_knn_tree_radius_f64)(PyArray_DATA(dist), PyArray_DATA(ind), off,
                                                                   PyArray_DATA(X), &t, n, r, sort, n_threads,
                                                                   &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    for (int i = 0; i < 4; i++) Py_DECREF(a[i]);
    Py_DECREF(X);
    return Py_BuildValue("NNN", offsets, dist, ind);
fail:
    for (int i = 0; i < 4; i++) Py_XDECREF(a[i]);
    Py_XDECREF(X);
    Py_XDECREF(offsets);
    Py_XDECREF(dist);
    Py_XDECREF(ind);
    return NULL;
}

PyMethodDef mlc_neighbors_methods[] = {
    {"knn_kneighbors_csr", MLC_BIND_FN(knn_kneighbors_csr), MLC_BIND_KW,
     "knn_kneighbors_csr(xdata, xidx, xptr, ydata, yidx, yptr, n_features, k, metric, n_threads=1) -> "
     "(dist, ind): brute-force k nearest neighbours of CSR rows among CSR rows"},
    {"knn_distances_csr", MLC_BIND_FN(knn_distances_csr), MLC_BIND_KW,
     "knn_distances_csr(xdata, xidx, xptr, ydata, yidx, yptr, n_features, metric, n_threads=1) -> dist (N, M): "
     "the distances of CSR rows to CSR rows"},
    {"knn_kneighbors", MLC_BIND_FN(knn_kneighbors), MLC_BIND_KW,
     "knn_kneighbors(X, Y, k, metric, n_threads=1) -> (dist, ind)"},
    {"knn_vote", knn_vote, METH_VARARGS, "knn_vote(ind, dist, y, n_classes, weights) -> proba"},
    {"knn_average", knn_average, METH_VARARGS, "knn_average(ind, dist, y, weights) -> pred"},
    {"knn_tree_build", knn_tree_build, METH_VARARGS,
     "knn_tree_build(X, leaf_size, kind, p, n_threads) -> (data, idx, node, bounds)"},
    {"knn_tree_query", knn_tree_query, METH_VARARGS,
     "knn_tree_query(X, (data, idx, node, bounds), kind, p, k, n_threads) -> (dist, ind)"},
    {"knn_tree_radius", knn_tree_radius, METH_VARARGS,
     "knn_tree_radius(X, (data, idx, node, bounds), kind, p, r, sort, n_threads) -> (offsets, dist, ind)"},
    {NULL, NULL, 0, NULL},
};
