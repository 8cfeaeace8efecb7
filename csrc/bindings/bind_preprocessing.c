/* bind_preprocessing.c: scale_mean_var, scale_min_max, scale_transform, scale_inverse, and the
 * sparse forms scale_mean_var_csr, scale_sparse_map, scale_max_abs_sparse. */
#include "bind.h" /* first: Python.h before any system header */
#include "preprocessing/scale.h"

#include <string.h>

/* The output of a map: a new array shaped and typed like X, or `out` itself after checking that
 * it is a writeable aligned C-contiguous array of X's dtype and shape (a new reference either way). */
static PyArrayObject *map_output(PyObject *out, PyArrayObject *X) {
    if (out == NULL || out == Py_None)
        return mlc_bind_new(2, PyArray_DIM(X, 0), PyArray_DIM(X, 1), PyArray_TYPE(X));
    if (!PyArray_Check(out)) {
        PyErr_SetString(PyExc_TypeError, "out: expected a NumPy array");
        return NULL;
    }
    PyArrayObject *o = (PyArrayObject *)out;
    if (PyArray_TYPE(o) != PyArray_TYPE(X) || PyArray_NDIM(o) != 2 ||
        !PyArray_ISCARRAY(o) /* C-contiguous, aligned, writeable */) {
        PyErr_SetString(PyExc_ValueError,
                        "out: expected a writeable C-contiguous 2-D array of X's dtype");
        return NULL;
    }
    if (mlc_bind_check_dim(o, 0, PyArray_DIM(X, 0), "out") < 0 ||
        mlc_bind_check_dim(o, 1, PyArray_DIM(X, 1), "out") < 0)
        return NULL;
    Py_INCREF(o);
    return o;
}

/* The running statistics a scale_mean_var call updates: new float64 (D) arrays, zeros, or copies
 * of mean/var/count when all three are given (the arrays passed are not modified). 0, or -1 with
 * an exception set. */
static int running_stats(PyObject *mo, PyObject *vo, PyObject *co, npy_intp d, PyArrayObject **mean,
                         PyArrayObject **var, PyArrayObject **count) {
    PyObject *given[3] = {mo, vo, co};
    const char *names[3] = {"mean", "var", "count"};
    PyArrayObject **outs[3] = {mean, var, count};
    const int n_given = (mo != Py_None) + (vo != Py_None) + (co != Py_None);
    if (n_given != 0 && n_given != 3) {
        PyErr_SetString(PyExc_ValueError, "mean, var and count: pass all three or none");
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        PyArrayObject *in = NULL;
        if (mlc_bind_optional(given[i], NPY_FLOAT64, d, names[i], &in) < 0) return -1;
        *outs[i] = mlc_bind_new_shape(1, &d, NPY_FLOAT64, 1);
        if (*outs[i] != NULL && in != NULL)
            memcpy(PyArray_DATA(*outs[i]), PyArray_DATA(in), sizeof(double) * (size_t)d);
        Py_XDECREF(in);
        if (*outs[i] == NULL) return -1;
    }
    return 0;
}

/* scale_mean_var(X, sample_weight=None, mean=None, var=None, count=None, n_threads=1)
 *   -> (mean (D), var (D), count (D)), all float64: the running statistics (all three None at the
 * start) updated with X's rows. The arrays passed in are not modified. */
static PyObject *scale_mean_var(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "sample_weight", "mean", "var", "count", "n_threads", NULL};
    PyObject *xo, *wo = Py_None, *mo = Py_None, *vo = Py_None, *co = Py_None;
    int n_threads = 1;
    PyArrayObject *X = NULL, *w = NULL;
    PyArrayObject *mean = NULL, *var = NULL, *count = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOOOi", kwlist, &xo, &wo, &mo, &vo, &co,
                                     &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (mlc_bind_weights(wo, NPY_FLOAT64, n, &w) < 0) goto fail;
    if (running_stats(mo, vo, co, d, &mean, &var, &count) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    const double *wp = mlc_bind_data(w);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_scale_mean_var_f32(PyArray_DATA(mean), PyArray_DATA(var), PyArray_DATA(count),
                                    PyArray_DATA(X), wp, n, d, n_threads);
    else
        st = mlc_scale_mean_var_f64(PyArray_DATA(mean), PyArray_DATA(var), PyArray_DATA(count),
                                    PyArray_DATA(X), wp, n, d, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_XDECREF(w);
    return Py_BuildValue("NNN", mean, var, count);
fail:
    Py_XDECREF(X);
    Py_XDECREF(w);
    Py_XDECREF(mean);
    Py_XDECREF(var);
    Py_XDECREF(count);
    return NULL;
}

/* scale_min_max(X, n_threads=1) -> (min (D), max (D)) in X's float dtype, NaN skipped. */
static PyObject *scale_min_max(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "n_threads", NULL};
    PyObject *xo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *cmin = NULL, *cmax = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i", kwlist, &xo, &n_threads)) return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    const int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    cmin = mlc_bind_new(1, d, 0, PyArray_TYPE(X));
    cmax = mlc_bind_new(1, d, 0, PyArray_TYPE(X));
    if (cmin == NULL || cmax == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_scale_min_max_f32(PyArray_DATA(cmin), PyArray_DATA(cmax), PyArray_DATA(X), n, d,
                                   n_threads);
    else
        st = mlc_scale_min_max_f64(PyArray_DATA(cmin), PyArray_DATA(cmax), PyArray_DATA(X), n, d,
                                   n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NN", cmin, cmax);
fail:
    Py_XDECREF(X);
    Py_XDECREF(cmin);
    Py_XDECREF(cmax);
    return NULL;
}

/* The shared body of scale_transform and scale_inverse. clip is None or a (lo, hi) pair. */
static PyObject *scale_map(PyObject *args, PyObject *kwds, int inverse) {
    static char *kwlist_t[] = {"X", "shift", "scale", "offset", "out", "clip", "n_threads", NULL};
    static char *kwlist_i[] = {"X", "shift", "scale", "offset", "out", "n_threads", NULL};
    PyObject *xo, *so = Py_None, *ko = Py_None, *oo = Py_None, *clipo = Py_None;
    int n_threads = 1, ok;
    double offset = 0.0;
    PyArrayObject *X = NULL, *shift = NULL, *scale = NULL, *out = NULL;
    if (inverse)
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "O|OOdOi", kwlist_i, &xo, &so, &ko, &offset,
                                         &oo, &n_threads);
    else
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "O|OOdOOi", kwlist_t, &xo, &so, &ko, &offset,
                                         &oo, &clipo, &n_threads);
    if (!ok) return NULL;
    int clip = clipo != Py_None;
    double lo = 0.0, hi = 0.0;
    if (clip && !PyArg_ParseTuple(clipo, "dd;clip: expected None or a (lo, hi) pair of numbers", &lo, &hi))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    npy_intp d = PyArray_DIM(X, 1);
    if (mlc_bind_optional(so, NPY_FLOAT64, d, "shift", &shift) < 0 ||
        mlc_bind_optional(ko, NPY_FLOAT64, d, "scale", &scale) < 0)
        goto fail;
    if (clip && mlc_bind_check_params(mlc_scale_check_params(lo, hi)) < 0) goto fail;
    out = map_output(oo, X);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    const double *sp = mlc_bind_data(shift), *kp = mlc_bind_data(scale);
    int64_t n = PyArray_DIM(X, 0);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = inverse ? mlc_scale_inverse_f32(PyArray_DATA(out), PyArray_DATA(X), sp, kp, n, d,
                                             offset, n_threads)
                     : mlc_scale_transform_f32(PyArray_DATA(out), PyArray_DATA(X), sp, kp, n, d,
                                               offset, clip, lo, hi, n_threads);
    else
        st = inverse ? mlc_scale_inverse_f64(PyArray_DATA(out), PyArray_DATA(X), sp, kp, n, d,
                                             offset, n_threads)
                     : mlc_scale_transform_f64(PyArray_DATA(out), PyArray_DATA(X), sp, kp, n, d,
                                               offset, clip, lo, hi, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_XDECREF(shift);
    Py_XDECREF(scale);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(shift);
    Py_XDECREF(scale);
    Py_XDECREF(out);
    return NULL;
}

/* scale_mean_var_csr(data, indices, indptr, n_cols, sample_weight=None, mean=None, var=None,
 *                    count=None) -> (mean, var, count): scale_mean_var on a CSR batch (implicit
 * zeros are values). The arrays passed in are not modified. */
static PyObject *scale_mean_var_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_cols", "sample_weight", "mean", "var",
                             "count", NULL};
    PyObject *dobj, *iobj, *pobj, *wo = Py_None, *mo = Py_None, *vo = Py_None, *co = Py_None;
    long long ncols;
    mlc_bind_csr A = {0};
    PyArrayObject *w = NULL;
    PyArrayObject *mean = NULL, *var = NULL, *count = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOL|OOOO", kwlist, &dobj, &iobj, &pobj, &ncols,
                                     &wo, &mo, &vo, &co))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, ncols) < 0) goto fail;
    npy_intp d = A.d;
    if (mlc_bind_weights(wo, NPY_FLOAT64, A.n, &w) < 0) goto fail;
    if (running_stats(mo, vo, co, d, &mean, &var, &count) < 0) goto fail;
    const double *wp = mlc_bind_data(w);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(A.data) == NPY_FLOAT32)
        st = mlc_scale_mean_var_csr_f32(PyArray_DATA(mean), PyArray_DATA(var), PyArray_DATA(count),
                                        PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                        PyArray_DATA(A.indptr), wp, A.n, A.d);
    else
        st = mlc_scale_mean_var_csr_f64(PyArray_DATA(mean), PyArray_DATA(var), PyArray_DATA(count),
                                        PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                        PyArray_DATA(A.indptr), wp, A.n, A.d);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_XDECREF(w);
    return Py_BuildValue("NNN", mean, var, count);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(w);
    Py_XDECREF(mean);
    Py_XDECREF(var);
    Py_XDECREF(count);
    return NULL;
}

/* scale_sparse_map(data, indices, indptr, n_cols, scale, inverse=False, n_threads=1) -> new data
 * (NNZ): data * scale[column] (or / scale[column]). A CSC matrix is passed as one CSR row whose
 * indices are the column of each stored entry. */
static PyObject *scale_sparse_map(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_cols", "scale", "inverse", "n_threads", NULL};
    PyObject *dobj, *iobj, *pobj, *so;
    long long ncols;
    int inverse = 0, n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *scale = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLO|pi", kwlist, &dobj, &iobj, &pobj, &ncols, &so,
                                     &inverse, &n_threads))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, ncols) < 0) goto fail;
    scale = mlc_bind_array(so, NPY_FLOAT64, 1, "scale");
    if (scale == NULL || mlc_bind_check_dim(scale, 0, A.d, "scale") < 0) goto fail;
    out = mlc_bind_new(1, A.nnz, 0, PyArray_TYPE(A.data));
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(A.data) == NPY_FLOAT32)
        mlc_scale_sparse_map_f32(PyArray_DATA(out), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                 PyArray_DATA(scale), A.nnz, inverse, n_threads);
    else
        mlc_scale_sparse_map_f64(PyArray_DATA(out), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                 PyArray_DATA(scale), A.nnz, inverse, n_threads);
    Py_END_ALLOW_THREADS
    mlc_bind_csr_clear(&A);
    Py_DECREF(scale);
    return (PyObject *)out;
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(scale);
    Py_XDECREF(out);
    return NULL;
}

/* scale_max_abs_sparse(data, indices, indptr, n_cols) -> (D,) float64: the largest |value| of
 * each column (NaN skipped, 0 for a column without stored values); CSC passed as one row. */
static PyObject *scale_max_abs_sparse(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_cols", NULL};
    PyObject *dobj, *iobj, *pobj;
    long long ncols;
    mlc_bind_csr A = {0};
    PyArrayObject *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOL", kwlist, &dobj, &iobj, &pobj, &ncols))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, ncols) < 0) goto fail;
    out = mlc_bind_new(1, A.d, 0, NPY_FLOAT64);
    if (out == NULL) goto fail;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(A.data) == NPY_FLOAT32)
        mlc_scale_max_abs_sparse_f32(PyArray_DATA(out), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                     A.nnz, A.d);
    else
        mlc_scale_max_abs_sparse_f64(PyArray_DATA(out), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                     A.nnz, A.d);
    Py_END_ALLOW_THREADS
    mlc_bind_csr_clear(&A);
    return (PyObject *)out;
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(out);
    return NULL;
}

/* scale_transform(X, shift=None, scale=None, offset=0.0, out=None, clip=None, n_threads=1) -> out;
 * scale_inverse(X, shift=None, scale=None, offset=0.0, out=None, n_threads=1) -> out */
static PyObject *scale_transform(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return scale_map(a, kw, 0); }
static PyObject *scale_inverse(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return scale_map(a, kw, 1); }

PyMethodDef mlc_preprocessing_methods[] = {
    {"scale_mean_var", MLC_BIND_FN(scale_mean_var), MLC_BIND_KW,
     "scale_mean_var(X, sample_weight=None, mean=None, var=None, count=None, n_threads=1)"
     " -> (mean, var, count): running weighted column mean/variance, NaN skipped"},
    {"scale_min_max", MLC_BIND_FN(scale_min_max), MLC_BIND_KW,
     "scale_min_max(X, n_threads=1) -> (min, max): column extremes, NaN skipped"},
    {"scale_transform", MLC_BIND_FN(scale_transform), MLC_BIND_KW,
     "scale_transform(X, shift=None, scale=None, offset=0.0, out=None, clip=None, n_threads=1)"
     " -> out = (X - shift) * scale + offset, clipped to clip=(lo, hi) if given"},
    {"scale_inverse", MLC_BIND_FN(scale_inverse), MLC_BIND_KW,
     "scale_inverse(X, shift=None, scale=None, offset=0.0, out=None, n_threads=1)"
     " -> out = (X - offset) / scale + shift"},
    {"scale_mean_var_csr", MLC_BIND_FN(scale_mean_var_csr), MLC_BIND_KW,
     "scale_mean_var_csr(data, indices, indptr, n_cols, sample_weight=None, mean=None, var=None, "
     "count=None) -> (mean, var, count): scale_mean_var of a CSR batch, implicit zeros counted"},
    {"scale_sparse_map", MLC_BIND_FN(scale_sparse_map), MLC_BIND_KW,
     "scale_sparse_map(data, indices, indptr, n_cols, scale, inverse=False, n_threads=1) -> "
     "data * scale[column] (inverse: / scale[column])"},
    {"scale_max_abs_sparse", MLC_BIND_FN(scale_max_abs_sparse), MLC_BIND_KW,
     "scale_max_abs_sparse(data, indices, indptr, n_cols) -> column max |value| (NaN skipped)"},
    {NULL, NULL, 0, NULL},
};
