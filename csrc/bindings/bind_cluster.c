/* bind_cluster.c: kmeans_plusplus, kmeans_fit, kmeans_assign, kmeans_minibatch_step (X dense or CSR),
 * kmeans_moments. */
#include "bind.h"
#include "cluster/kmeans.h"

/* X, dense or CSR: a 2-D float32/float64 array, or a tuple (data, indices, indptr, n_cols)
 * (mlc._validation.csr_parts) with data of either type. */
typedef struct {
    PyArrayObject *X; /* (N, D), or NULL when the rows are A's */
    mlc_bind_csr A;
    int type;
    int64_t n, d;
} km_rows;

static void rows_clear(km_rows *r) {
    Py_CLEAR(r->X);
    mlc_bind_csr_clear(&r->A);
}

/* r from X, then sample_weight (N) of its type (or NULL when allow_none and the object is None).
 * Returns 0 or -1 with an exception (r and *w are then cleared by the caller). */
static int rows_and_weights(km_rows *r, PyArrayObject **w, PyObject *xo, PyObject *wo, int allow_none) {
    *r = (km_rows){0};
    if (PyTuple_Check(xo)) {
        PyObject *dobj, *iobj, *pobj;
        long long d;
        if (!PyArg_ParseTuple(xo, "OOOL;X: expected an array or (data, indices, indptr, n_cols)", &dobj, &iobj,
                              &pobj, &d))
            return -1;
        if (mlc_bind_csr_from(&r->A, dobj, iobj, pobj, d) < 0) return -1;
        r->type = PyArray_TYPE(r->A.data);
        r->n = r->A.n;
        r->d = r->A.d;
    } else {
        r->X = mlc_bind_float_array(xo, 2, "X");
        if (r->X == NULL) return -1;
        r->type = PyArray_TYPE(r->X);
        r->n = PyArray_DIM(r->X, 0);
        r->d = PyArray_DIM(r->X, 1);
    }
    if (!allow_none && wo == Py_None) {
        PyErr_SetString(PyExc_TypeError, "sample_weight: expected an array, got None");
        return -1;
    }
    return mlc_bind_weights(wo, r->type, r->n, w);
}

/* The CSR arrays of r (NULL for dense rows). */
#define CSR_ARGS(r) mlc_bind_data((r).A.data), mlc_bind_data((r).A.indices), mlc_bind_data((r).A.indptr)

/* The sizes kmeans_assign and kmeans_minibatch_step accept: NULL or a message. */
static const char *check_sizes(int64_t n, int64_t d, int64_t k) {
    return n < 1 ? "need at least one sample" : d < 1 ? "need at least one feature"
           : k < 1 ? "need at least one centre" : k > INT32_MAX ? "too many centres" : NULL;
}

/* centers (K, D) of r's type with D = r's columns, or with runs set also (R, K, D) (an array with 3
 * dimensions); a new C-contiguous copy when copy is set. */
static PyArrayObject *centers_like(PyObject *co, const km_rows *r, int copy, int runs) {
    const int nd = runs && PyArray_Check(co) && PyArray_NDIM((PyArrayObject *)co) == 3 ? 3 : 2;
    PyArrayObject *c = mlc_bind_array(co, r->type, nd, "centers");
    if (c == NULL) return NULL;
    if (mlc_bind_check_dim(c, nd - 1, r->d, "centers") < 0) {
        Py_DECREF(c);
        return NULL;
    }
    if (!copy) return c;
    PyArrayObject *out = (PyArrayObject *)PyArray_NewCopy(c, NPY_CORDER);
    Py_DECREF(c);
    return out;
}

/* kmeans_plusplus(X, sample_weight, n_clusters, n_local_trials, seed, n_threads=1)
 *   -> (centers (K, D), indices (K) int64); X dense or CSR. With seed a sequence of R seeds: R seedings,
 *   (centers (R, K, D), indices (R, K)). */
static PyObject *kmeans_plusplus(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "sample_weight", "n_clusters", "n_local_trials", "seed", "n_threads", NULL};
    PyObject *xo, *wo, *so;
    Py_ssize_t k, trials;
    int n_threads = 1;
    km_rows r = {0};
    PyArrayObject *w = NULL, *seeds = NULL, *centers = NULL, *indices = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOnnO|i", kwlist, &xo, &wo, &k, &trials, &so, &n_threads))
        return NULL;
    const int many = !PyLong_Check(so);
    uint64_t one = 0;
    if (!many) {
        one = (uint64_t)PyLong_AsUnsignedLongLongMask(so);
        if (PyErr_Occurred()) return NULL;
    } else if ((seeds = mlc_bind_array(so, NPY_UINT64, 1, "seed")) == NULL) {
        return NULL;
    }
    if (rows_and_weights(&r, &w, xo, wo, 0) < 0) goto fail;
    int64_t n = r.n, d = r.d, runs = many ? PyArray_DIM(seeds, 0) : 1;
    if (mlc_bind_check_params(mlc_kmeans_check_params(n, d, k, MLC_KMEANS_LLOYD, 1, 0.0)) < 0) goto fail;
    if (mlc_bind_check_params(trials < 1 || trials > 64 ? "n_local_trials must be in [1, 64]" : NULL) < 0)
        goto fail;
    if (mlc_bind_check_params(runs < 1 ? "seed: need at least one" : NULL) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    const npy_intp cdims[3] = {runs, k, d}, idims[2] = {runs, k};
    centers = mlc_bind_new_shape(2 + many, many ? cdims : cdims + 1, r.type, 0);
    indices = mlc_bind_new_shape(1 + many, many ? idims : idims + 1, NPY_INT64, 0);
    if (centers == NULL || indices == NULL) goto fail;
    void *cd = PyArray_DATA(centers), *id = PyArray_DATA(indices), *wd = PyArray_DATA(w);
    const uint64_t *sd = many ? PyArray_DATA(seeds) : &one;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (r.X == NULL && r.type == NPY_FLOAT32)
        st = mlc_kmeans_plusplus_csr_f32(cd, id, CSR_ARGS(r), wd, n, d, k, runs, trials, sd, n_threads,
                                         &mlc_bind_interrupt);
    else if (r.X == NULL)
        st = mlc_kmeans_plusplus_csr_f64(cd, id, CSR_ARGS(r), wd, n, d, k, runs, trials, sd, n_threads,
                                         &mlc_bind_interrupt);
    else if (r.type == NPY_FLOAT32)
        st = mlc_kmeans_plusplus_f32(cd, id, PyArray_DATA(r.X), wd, n, d, k, runs, trials, sd, n_threads,
                                     &mlc_bind_interrupt);
    else
        st = mlc_kmeans_plusplus_f64(cd, id, PyArray_DATA(r.X), wd, n, d, k, runs, trials, sd, n_threads,
                                     &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    rows_clear(&r);
    Py_DECREF(w);
    Py_XDECREF(seeds);
    return Py_BuildValue("NN", centers, indices);
fail:
    rows_clear(&r);
    Py_XDECREF(w);
    Py_XDECREF(seeds);
    Py_XDECREF(centers);
    Py_XDECREF(indices);
    return NULL;
}

/* kmeans_fit(X, sample_weight, centers_init, algorithm, max_iter, tol, n_threads=1, bounds=1, mean=None)
 *   -> (centers (K, D), labels (N) int32, inertia, n_iter); centres and the fit relative to mean (D).
 * With centers_init (R, K, D): R runs, (centers (R, K, D), labels (R, N), inertia (R), n_iter (R) int64).
 * A CSR X runs Lloyd without bounds, and takes no mean. */
static PyObject *kmeans_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "sample_weight", "centers_init", "algorithm", "max_iter", "tol",
                             "n_threads", "bounds", "mean", NULL};
    PyObject *xo, *wo, *co, *mo = Py_None;
    int algorithm, n_threads = 1, bounds = 1;
    Py_ssize_t max_iter;
    double tol;
    km_rows r = {0};
    PyArrayObject *w = NULL, *centers = NULL, *labels = NULL, *mean = NULL, *inertia = NULL, *n_iter = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOind|ipO", kwlist, &xo, &wo, &co, &algorithm, &max_iter,
                                     &tol, &n_threads, &bounds, &mo))
        return NULL;
    if (rows_and_weights(&r, &w, xo, wo, 0) < 0) goto fail;
    centers = centers_like(co, &r, 1, 1);
    if (centers == NULL) goto fail;
    const int many = PyArray_NDIM(centers) == 3;
    int64_t n = r.n, d = r.d, k = PyArray_DIM(centers, many), runs = many ? PyArray_DIM(centers, 0) : 1;
    if (mo != Py_None) {
        if (mlc_bind_check_params(r.X == NULL ? "mean: not taken with CSR X" : NULL) < 0) goto fail;
        mean = mlc_bind_array(mo, r.type, 1, "mean");
        if (mean == NULL || mlc_bind_check_dim(mean, 0, d, "mean") < 0) goto fail;
    }
    const void *md = mlc_bind_data(mean);
    if (mlc_bind_check_params(mlc_kmeans_check_params(n, d, k, algorithm, max_iter, tol)) < 0) goto fail;
    if (mlc_bind_check_params(runs < 1 ? "centers: need at least one run" : NULL) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    const npy_intp ldims[2] = {runs, n};
    labels = mlc_bind_new_shape(1 + many, many ? ldims : ldims + 1, NPY_INT32, 0);
    inertia = mlc_bind_new(1, runs, 0, NPY_FLOAT64);
    n_iter = mlc_bind_new(1, runs, 0, NPY_INT64);
    if (labels == NULL || inertia == NULL || n_iter == NULL) goto fail;
    void *cd = PyArray_DATA(centers), *ld = PyArray_DATA(labels), *wd = PyArray_DATA(w);
    double *id = PyArray_DATA(inertia);
    int64_t *nd = PyArray_DATA(n_iter);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (r.X == NULL && r.type == NPY_FLOAT32)
        st = mlc_kmeans_fit_csr_f32(cd, ld, id, nd, CSR_ARGS(r), wd, n, d, k, runs, max_iter, tol, n_threads,
                                    &mlc_bind_interrupt);
    else if (r.X == NULL)
        st = mlc_kmeans_fit_csr_f64(cd, ld, id, nd, CSR_ARGS(r), wd, n, d, k, runs, max_iter, tol, n_threads,
                                    &mlc_bind_interrupt);
    else if (r.type == NPY_FLOAT32)
        st = mlc_kmeans_fit_f32(cd, ld, id, nd, PyArray_DATA(r.X), wd, md, n, d, k, runs, algorithm, max_iter, tol,
                                bounds, n_threads, &mlc_bind_interrupt);
    else
        st = mlc_kmeans_fit_f64(cd, ld, id, nd, PyArray_DATA(r.X), wd, md, n, d, k, runs, algorithm, max_iter, tol,
                                bounds, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    rows_clear(&r);
    Py_DECREF(w);
    Py_XDECREF(mean);
    if (many) return Py_BuildValue("NNNN", centers, labels, inertia, n_iter);
    PyObject *out = Py_BuildValue("NNdL", centers, labels, id[0], (long long)nd[0]);
    Py_DECREF(inertia);
    Py_DECREF(n_iter);
    return out;
fail:
    rows_clear(&r);
    Py_XDECREF(w);
    Py_XDECREF(mean);
    Py_XDECREF(centers);
    Py_XDECREF(labels);
    Py_XDECREF(inertia);
    Py_XDECREF(n_iter);
    return NULL;
}

/* kmeans_moments(X, n_threads=1) -> (mean (D) float64, the mean of the column variances) */
static PyObject *kmeans_moments(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "n_threads", NULL};
    PyObject *xo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *mean = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i", kwlist, &xo, &n_threads)) return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (mlc_bind_check_params(n < 1 ? "need at least one sample" : d < 1 ? "need at least one feature" : NULL) < 0)
        goto fail;
    if (n_threads < 1) n_threads = 1;
    mean = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (mean == NULL) goto fail;
    double var = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_kmeans_moments_f32(PyArray_DATA(mean), &var, PyArray_DATA(X), n, d, n_threads);
    else
        st = mlc_kmeans_moments_f64(PyArray_DATA(mean), &var, PyArray_DATA(X), n, d, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("Nd", mean, var);
fail:
    Py_XDECREF(X);
    Py_XDECREF(mean);
    return NULL;
}

/* kmeans_assign(X, centers, sample_weight=None, n_threads=1) -> (labels (N) int32, inertia); X dense or CSR */
static PyObject *kmeans_assign(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "centers", "sample_weight", "n_threads", NULL};
    PyObject *xo, *co, *wo = Py_None;
    int n_threads = 1;
    km_rows r = {0};
    PyArrayObject *w = NULL, *centers = NULL, *labels = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|Oi", kwlist, &xo, &co, &wo, &n_threads)) return NULL;
    if (rows_and_weights(&r, &w, xo, wo, 1) < 0) goto fail;
    centers = centers_like(co, &r, 0, 0);
    if (centers == NULL) goto fail;
    int64_t n = r.n, d = r.d, k = PyArray_DIM(centers, 0);
    if (mlc_bind_check_params(check_sizes(n, d, k)) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    labels = mlc_bind_new(1, n, 0, NPY_INT32);
    if (labels == NULL) goto fail;
    double inertia = 0.0;
    void *ld = PyArray_DATA(labels), *wd = mlc_bind_data(w), *cd = PyArray_DATA(centers);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (r.X == NULL && r.type == NPY_FLOAT32)
        st = mlc_kmeans_assign_csr_f32(ld, &inertia, CSR_ARGS(r), wd, cd, n, d, k, n_threads, &mlc_bind_interrupt);
    else if (r.X == NULL)
        st = mlc_kmeans_assign_csr_f64(ld, &inertia, CSR_ARGS(r), wd, cd, n, d, k, n_threads, &mlc_bind_interrupt);
    else if (r.type == NPY_FLOAT32)
        st = mlc_kmeans_assign_f32(ld, &inertia, PyArray_DATA(r.X), wd, cd, n, d, k, n_threads, &mlc_bind_interrupt);
    else
        st = mlc_kmeans_assign_f64(ld, &inertia, PyArray_DATA(r.X), wd, cd, n, d, k, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    rows_clear(&r);
    Py_XDECREF(w);
    Py_DECREF(centers);
    return Py_BuildValue("Nd", labels, inertia);
fail:
    rows_clear(&r);
    Py_XDECREF(w);
    Py_XDECREF(centers);
    Py_XDECREF(labels);
    return NULL;
}

/* kmeans_minibatch_step(X, sample_weight, centers, weight_sums, n_threads=1)
 *   -> (new centers (K, D), new weight_sums (K) float64, labels (B) int32, batch inertia); X dense or CSR */
static PyObject *kmeans_minibatch_step(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "sample_weight", "centers", "weight_sums", "n_threads", NULL};
    PyObject *xo, *wo, *co, *so;
    int n_threads = 1;
    km_rows r = {0};
    PyArrayObject *w = NULL, *centers = NULL, *sums = NULL, *labels = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO|i", kwlist, &xo, &wo, &co, &so, &n_threads)) return NULL;
    if (rows_and_weights(&r, &w, xo, wo, 0) < 0) goto fail;
    centers = centers_like(co, &r, 1, 0);
    if (centers == NULL) goto fail;
    PyArrayObject *s_in = mlc_bind_array(so, NPY_FLOAT64, 1, "weight_sums");
    if (s_in == NULL) goto fail;
    sums = (PyArrayObject *)PyArray_NewCopy(s_in, NPY_CORDER);
    Py_DECREF(s_in);
    if (sums == NULL) goto fail;
    int64_t b = r.n, d = r.d, k = PyArray_DIM(centers, 0);
    if (mlc_bind_check_dim(sums, 0, k, "weight_sums") < 0) goto fail;
    if (mlc_bind_check_params(check_sizes(b, d, k)) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    labels = mlc_bind_new(1, b, 0, NPY_INT32);
    if (labels == NULL) goto fail;
    double inertia = 0.0;
    void *cd = PyArray_DATA(centers), *sd = PyArray_DATA(sums), *ld = PyArray_DATA(labels), *wd = PyArray_DATA(w);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (r.X == NULL && r.type == NPY_FLOAT32)
        st = mlc_kmeans_minibatch_step_csr_f32(cd, sd, ld, &inertia, CSR_ARGS(r), wd, b, d, k, n_threads,
                                               &mlc_bind_interrupt);
    else if (r.X == NULL)
        st = mlc_kmeans_minibatch_step_csr_f64(cd, sd, ld, &inertia, CSR_ARGS(r), wd, b, d, k, n_threads,
                                               &mlc_bind_interrupt);
    else if (r.type == NPY_FLOAT32)
        st = mlc_kmeans_minibatch_step_f32(cd, sd, ld, &inertia, PyArray_DATA(r.X), wd, b, d, k, n_threads,
                                           &mlc_bind_interrupt);
    else
        st = mlc_kmeans_minibatch_step_f64(cd, sd, ld, &inertia, PyArray_DATA(r.X), wd, b, d, k, n_threads,
                                           &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    rows_clear(&r);
    Py_DECREF(w);
    return Py_BuildValue("NNNd", centers, sums, labels, inertia);
fail:
    rows_clear(&r);
    Py_XDECREF(w);
    Py_XDECREF(centers);
    Py_XDECREF(sums);
    Py_XDECREF(labels);
    return NULL;
}

PyMethodDef mlc_cluster_methods[] = {
    {"kmeans_plusplus", MLC_BIND_FN(kmeans_plusplus), MLC_BIND_KW,
     "kmeans_plusplus(X, sample_weight, n_clusters, n_local_trials, seed, n_threads=1) -> (centers, indices)"
     "; seed a sequence of R seeds: R seedings"},
    {"kmeans_fit", MLC_BIND_FN(kmeans_fit), MLC_BIND_KW,
     "kmeans_fit(X, sample_weight, centers_init, algorithm, max_iter, tol, n_threads=1, bounds=True, mean=None)"
     " -> (centers, labels, inertia, n_iter); centers_init (R, K, D): R runs"},
    {"kmeans_moments", MLC_BIND_FN(kmeans_moments), MLC_BIND_KW,
     "kmeans_moments(X, n_threads=1) -> (mean, mean column variance)"},
    {"kmeans_assign", MLC_BIND_FN(kmeans_assign), MLC_BIND_KW,
     "kmeans_assign(X, centers, sample_weight=None, n_threads=1) -> (labels, inertia)"},
    {"kmeans_minibatch_step", MLC_BIND_FN(kmeans_minibatch_step), MLC_BIND_KW,
     "kmeans_minibatch_step(X, sample_weight, centers, weight_sums, n_threads=1)"
     " -> (centers, weight_sums, labels, inertia)"},
    {NULL, NULL, 0, NULL},
};
