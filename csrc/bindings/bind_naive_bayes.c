/* bind_naive_bayes.c: naive_bayes_count(_csr), naive_bayes_jll(_csr), naive_bayes_normalize,
 * naive_bayes_gaussian_update, naive_bayes_gaussian_jll, naive_bayes_category_count,
 * naive_bayes_categorical_jll. The running counts and statistics are updated in place: they must be
 * float64 C-contiguous writeable arrays of the right shapes. */
#include "bind.h" /* first: Python.h before any system header */
#include "naive_bayes/naive_bayes.h"

/* The arguments every counting call shares: y (N) int32 codes, optional sample_weight (N) float64,
 * and the in-place class_count (C) float64 whose length gives C. 0, or -1 with an exception. */
static int labels_args(PyObject *yo, PyObject *wo, PyObject *cco, npy_intp n, PyArrayObject **y,
                       PyArrayObject **w, PyArrayObject **cc) {
    *y = mlc_bind_array(yo, NPY_INT32, 1, "y");
    if (*y == NULL || mlc_bind_check_dim(*y, 0, n, "y") < 0) return -1;
    if (mlc_bind_weights(wo, NPY_FLOAT64, n, w) < 0) return -1;
    if (mlc_bind_inplace(cco, NPY_FLOAT64, 1, "class_count", MLC_BIND_OUT, cc) < 0) return -1;
    return mlc_bind_check_params(mlc_naive_bayes_check_params(PyArray_DIM(*cc, 0)));
}

/* feature_count must be a writeable float64 (C, D) array. */
static int feature_count_arg(PyObject *o, npy_intp c, npy_intp d, PyArrayObject **fc) {
    if (mlc_bind_inplace(o, NPY_FLOAT64, 2, "feature_count", MLC_BIND_OUT, fc) < 0) return -1;
    if (mlc_bind_check_dim(*fc, 0, c, "feature_count") < 0) return -1;
    return mlc_bind_check_dim(*fc, 1, d, "feature_count");
}

/* naive_bayes_count(X, y, sample_weight, feature_count, class_count, n_threads=1) -> None:
 * feature_count (C, D) += per-class weighted sums of X's rows, class_count (C) += weight sums. */
static PyObject *naive_bayes_count(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "feature_count", "class_count", "n_threads", NULL};
    PyObject *xo, *yo, *wo, *fco, *cco;
    int n_threads = 1;
    PyArrayObject *X = NULL, *y = NULL, *w = NULL, *fc, *cc;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOO|i", kwlist, &xo, &yo, &wo, &fco, &cco, &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (labels_args(yo, wo, cco, n, &y, &w, &cc) < 0) goto fail;
    if (feature_count_arg(fco, PyArray_DIM(cc, 0), d, &fc) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_count(PyArray_DATA(fc), PyArray_DATA(cc), PyArray_DATA(X), PyArray_DATA(y),
                               mlc_bind_data(w), n, d, PyArray_DIM(cc, 0), n_threads);
    Py_END_ALLOW_THREADS
    Py_DECREF(X);
    Py_DECREF(y);
    Py_XDECREF(w);
    return mlc_bind_none_or_status(st);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(w);
    return NULL;
}

/* naive_bayes_count_csr(data, indices, indptr, n_cols, y, sample_weight, feature_count, class_count,
 * n_threads=1) -> None: naive_bayes_count of a CSR matrix. */
static PyObject *naive_bayes_count_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_cols", "y", "sample_weight", "feature_count",
                             "class_count", "n_threads", NULL};
    PyObject *dobj, *iobj, *pobj, *yo, *wo, *fco, *cco;
    long long ncols;
    int n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *y = NULL, *w = NULL, *fc, *cc;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLOOOO|i", kwlist, &dobj, &iobj, &pobj, &ncols, &yo, &wo,
                                     &fco, &cco, &n_threads))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, ncols) < 0) goto fail;
    if (PyArray_TYPE(A.data) != NPY_FLOAT64) {
        PyErr_SetString(PyExc_TypeError, "data: expected float64");
        goto fail;
    }
    if (labels_args(yo, wo, cco, A.n, &y, &w, &cc) < 0) goto fail;
    if (feature_count_arg(fco, PyArray_DIM(cc, 0), A.d, &fc) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_count_csr(PyArray_DATA(fc), PyArray_DATA(cc), PyArray_DATA(A.data),
                                   PyArray_DATA(A.indices), PyArray_DATA(A.indptr), PyArray_DATA(y),
                                   mlc_bind_data(w), A.n, A.d, PyArray_DIM(cc, 0), n_threads);
    Py_END_ALLOW_THREADS
    mlc_bind_csr_clear(&A);
    Py_DECREF(y);
    Py_XDECREF(w);
    return mlc_bind_none_or_status(st);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(y);
    Py_XDECREF(w);
    return NULL;
}

/* W (C, D) and bias (C) of the linear jll, converted; 0, or -1 with an exception. */
static int linear_args(PyObject *wo, PyObject *bo, npy_intp d, PyArrayObject **W, PyArrayObject **bias) {
    *W = mlc_bind_array(wo, NPY_FLOAT64, 2, "W");
    if (*W == NULL || mlc_bind_check_dim(*W, 1, d, "W") < 0) return -1;
    *bias = mlc_bind_array(bo, NPY_FLOAT64, 1, "bias");
    if (*bias == NULL || mlc_bind_check_dim(*bias, 0, PyArray_DIM(*W, 0), "bias") < 0) return -1;
    return mlc_bind_check_params(mlc_naive_bayes_check_params(PyArray_DIM(*W, 0)));
}

/* naive_bayes_jll(X, W, bias, output=JOINT_LOG_PROBA, n_threads=1) -> (N, C) X W^T + bias, or its
 * (log) posterior */
static PyObject *naive_bayes_jll(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "W", "bias", "output", "n_threads", NULL};
    PyObject *xo, *wo, *bo;
    int output = MLC_NB_JOINT_LOG_PROBA, n_threads = 1;
    PyArrayObject *X = NULL, *W = NULL, *bias = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|ii", kwlist, &xo, &wo, &bo, &output, &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL || linear_args(wo, bo, PyArray_DIM(X, 1), &W, &bias) < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), c = PyArray_DIM(W, 0);
    out = mlc_bind_new(2, n, c, NPY_FLOAT64);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_jll(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(W), PyArray_DATA(bias), n, d, c,
                             output, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(W);
    Py_DECREF(bias);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(W);
    Py_XDECREF(bias);
    Py_XDECREF(out);
    return NULL;
}

/* naive_bayes_jll_csr(data, indices, indptr, n_cols, W, bias, output=JOINT_LOG_PROBA, n_threads=1) ->
 * naive_bayes_jll of a CSR X */
static PyObject *naive_bayes_jll_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_cols", "W", "bias", "output", "n_threads", NULL};
    PyObject *dobj, *iobj, *pobj, *wo, *bo;
    long long ncols;
    int output = MLC_NB_JOINT_LOG_PROBA, n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *W = NULL, *bias = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLOO|ii", kwlist, &dobj, &iobj, &pobj, &ncols, &wo, &bo,
                                     &output, &n_threads))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, ncols) < 0) goto fail;
    if (PyArray_TYPE(A.data) != NPY_FLOAT64) {
        PyErr_SetString(PyExc_TypeError, "data: expected float64");
        goto fail;
    }
    if (linear_args(wo, bo, A.d, &W, &bias) < 0) goto fail;
    const npy_intp c = PyArray_DIM(W, 0);
    out = mlc_bind_new(2, A.n, c, NPY_FLOAT64);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_jll_csr(PyArray_DATA(out), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                 PyArray_DATA(A.indptr), PyArray_DATA(W), PyArray_DATA(bias), A.n, A.d, c,
                                 output, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_DECREF(W);
    Py_DECREF(bias);
    return (PyObject *)out;
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(W);
    Py_XDECREF(bias);
    Py_XDECREF(out);
    return NULL;
}

/* naive_bayes_normalize(out, proba=False, n_threads=1) -> None: out (N, C) float64 jll becomes the
 * log posterior in place (the posterior with proba). */
static PyObject *naive_bayes_normalize(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "proba", "n_threads", NULL};
    PyObject *oo;
    int proba = 0, n_threads = 1;
    PyArrayObject *out;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|pi", kwlist, &oo, &proba, &n_threads)) return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT64, 2, "out", MLC_BIND_OUT, &out) < 0) return NULL;
    if (PyArray_DIM(out, 1) < 1) {
        PyErr_SetString(PyExc_ValueError, "out: needs at least one column");
        return NULL;
    }
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_normalize(PyArray_DATA(out), PyArray_DIM(out, 0), PyArray_DIM(out, 1), proba, n_threads);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* naive_bayes_gaussian_update(X, y, sample_weight, theta, var, class_count, var_smoothing, n_threads=1)
 * -> epsilon: theta (C, D), var (C, D), class_count (C) updated in place by the batch X, y. */
static PyObject *naive_bayes_gaussian_update(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "theta", "var", "class_count", "var_smoothing",
                             "n_threads", NULL};
    PyObject *xo, *yo, *wo, *to, *vo, *cco;
    double var_smoothing, epsilon = 0.0;
    int n_threads = 1;
    PyArrayObject *X = NULL, *y = NULL, *w = NULL, *theta, *var, *cc;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOd|i", kwlist, &xo, &yo, &wo, &to, &vo, &cco,
                                     &var_smoothing, &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (labels_args(yo, wo, cco, n, &y, &w, &cc) < 0) goto fail;
    const npy_intp c = PyArray_DIM(cc, 0);
    if (mlc_bind_inplace(to, NPY_FLOAT64, 2, "theta", MLC_BIND_OUT, &theta) < 0 ||
        mlc_bind_inplace(vo, NPY_FLOAT64, 2, "var", MLC_BIND_OUT, &var) < 0 ||
        mlc_bind_check_dim(theta, 0, c, "theta") < 0 || mlc_bind_check_dim(theta, 1, d, "theta") < 0 ||
        mlc_bind_same_shape(theta, "theta", var, "var") < 0)
        goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_gaussian_update(PyArray_DATA(theta), PyArray_DATA(var), PyArray_DATA(cc), &epsilon,
                                         PyArray_DATA(X), PyArray_DATA(y), mlc_bind_data(w), n, d, c,
                                         var_smoothing, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(y);
    Py_XDECREF(w);
    return PyFloat_FromDouble(epsilon);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(w);
    return NULL;
}

/* naive_bayes_gaussian_jll(X, theta, var, log_prior, n_threads=1) -> (N, C) GaussianNB's jll */
static PyObject *naive_bayes_gaussian_jll(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "theta", "var", "log_prior", "n_threads", NULL};
    PyObject *xo, *to, *vo, *lo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *theta = NULL, *var = NULL, *lp = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO|i", kwlist, &xo, &to, &vo, &lo, &n_threads)) return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    theta = mlc_bind_array(to, NPY_FLOAT64, 2, "theta");
    var = mlc_bind_array(vo, NPY_FLOAT64, 2, "var");
    lp = mlc_bind_array(lo, NPY_FLOAT64, 1, "log_prior");
    if (X == NULL || theta == NULL || var == NULL || lp == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), c = PyArray_DIM(theta, 0);
    if (mlc_bind_check_dim(theta, 1, d, "theta") < 0 || mlc_bind_same_shape(theta, "theta", var, "var") < 0 ||
        mlc_bind_check_dim(lp, 0, c, "log_prior") < 0 ||
        mlc_bind_check_params(mlc_naive_bayes_check_params(c)) < 0)
        goto fail;
    out = mlc_bind_new(2, n, c, NPY_FLOAT64);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_gaussian_jll(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(theta), PyArray_DATA(var),
                                      PyArray_DATA(lp), n, d, c, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(theta);
    Py_DECREF(var);
    Py_DECREF(lp);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(theta);
    Py_XDECREF(var);
    Py_XDECREF(lp);
    Py_XDECREF(out);
    return NULL;
}

/* X (N, D) int64 and offset (D + 1) int64 of the categorical kernels; 0, or -1 with an exception. */
static int categorical_args(PyObject *xo, PyObject *oo, PyArrayObject **X, PyArrayObject **offset) {
    *X = mlc_bind_array(xo, NPY_INT64, 2, "X");
    if (*X == NULL) return -1;
    *offset = mlc_bind_array(oo, NPY_INT64, 1, "offset");
    if (*offset == NULL) return -1;
    return mlc_bind_check_dim(*offset, 0, PyArray_DIM(*X, 1) + 1, "offset");
}

/* offset[D] == the length of a flat per-category array; 0, or -1 with ValueError. */
static int flat_len(PyArrayObject *a, PyArrayObject *offset, const char *name) {
    const int64_t *o = PyArray_DATA(offset);
    return mlc_bind_check_dim(a, 0, (npy_intp)o[PyArray_DIM(offset, 0) - 1], name);
}

/* naive_bayes_category_count(X, offset, y, sample_weight, category_count, class_count, n_threads=1)
 * -> None: the flat category_count (offset[D]) and class_count (C) updated in place. */
static PyObject *naive_bayes_category_count(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "offset", "y", "sample_weight", "category_count", "class_count", "n_threads",
                             NULL};
    PyObject *xo, *oo, *yo, *wo, *cco, *clo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *offset = NULL, *y = NULL, *w = NULL, *counts, *cc;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOO|i", kwlist, &xo, &oo, &yo, &wo, &cco, &clo, &n_threads))
        return NULL;
    if (categorical_args(xo, oo, &X, &offset) < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (labels_args(yo, wo, clo, n, &y, &w, &cc) < 0) goto fail;
    if (mlc_bind_inplace(cco, NPY_FLOAT64, 1, "category_count", MLC_BIND_OUT, &counts) < 0 ||
        flat_len(counts, offset, "category_count") < 0)
        goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_category_count(PyArray_DATA(counts), PyArray_DATA(cc), PyArray_DATA(X),
                                        PyArray_DATA(offset), PyArray_DATA(y), mlc_bind_data(w), n, d,
                                        PyArray_DIM(cc, 0), n_threads);
    Py_END_ALLOW_THREADS
    Py_DECREF(X);
    Py_DECREF(offset);
    Py_DECREF(y);
    Py_XDECREF(w);
    return mlc_bind_none_or_status(st);
fail:
    Py_XDECREF(X);
    Py_XDECREF(offset);
    Py_XDECREF(y);
    Py_XDECREF(w);
    return NULL;
}

/* naive_bayes_categorical_jll(X, log_prob, offset, log_prior, n_threads=1) -> (N, C) jll */
static PyObject *naive_bayes_categorical_jll(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "log_prob", "offset", "log_prior", "n_threads", NULL};
    PyObject *xo, *po, *oo, *lo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *offset = NULL, *lp = NULL, *prior = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO|i", kwlist, &xo, &po, &oo, &lo, &n_threads)) return NULL;
    if (categorical_args(xo, oo, &X, &offset) < 0) goto fail;
    lp = mlc_bind_array(po, NPY_FLOAT64, 1, "log_prob");
    prior = mlc_bind_array(lo, NPY_FLOAT64, 1, "log_prior");
    if (lp == NULL || prior == NULL || flat_len(lp, offset, "log_prob") < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), c = PyArray_DIM(prior, 0);
    if (mlc_bind_check_params(mlc_naive_bayes_check_params(c)) < 0) goto fail;
    out = mlc_bind_new(2, n, c, NPY_FLOAT64);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_naive_bayes_categorical_jll(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(lp),
                                         PyArray_DATA(offset), PyArray_DATA(prior), n, d, c, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(offset);
    Py_DECREF(lp);
    Py_DECREF(prior);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(offset);
    Py_XDECREF(lp);
    Py_XDECREF(prior);
    Py_XDECREF(out);
    return NULL;
}

PyMethodDef mlc_naive_bayes_methods[] = {
    {"naive_bayes_count", MLC_BIND_FN(naive_bayes_count), MLC_BIND_KW,
     "naive_bayes_count(X, y, sample_weight, feature_count, class_count, n_threads=1) -> None: per-class "
     "weighted row sums added to feature_count (C, D) and class_count (C) in place"},
    {"naive_bayes_count_csr", MLC_BIND_FN(naive_bayes_count_csr), MLC_BIND_KW,
     "naive_bayes_count_csr(data, indices, indptr, n_cols, y, sample_weight, feature_count, class_count, "
     "n_threads=1) -> None: naive_bayes_count of a CSR matrix"},
    {"naive_bayes_jll", MLC_BIND_FN(naive_bayes_jll), MLC_BIND_KW,
     "naive_bayes_jll(X, W, bias, output=NB_JOINT_LOG_PROBA, n_threads=1) -> X W^T + bias, or its log "
     "posterior (NB_LOG_PROBA) or posterior (NB_PROBA)"},
    {"naive_bayes_jll_csr", MLC_BIND_FN(naive_bayes_jll_csr), MLC_BIND_KW,
     "naive_bayes_jll_csr(data, indices, indptr, n_cols, W, bias, output=NB_JOINT_LOG_PROBA, n_threads=1) -> "
     "naive_bayes_jll of a CSR X"},
    {"naive_bayes_normalize", MLC_BIND_FN(naive_bayes_normalize), MLC_BIND_KW,
     "naive_bayes_normalize(out, proba=False, n_threads=1) -> None: jll to log posterior (or posterior) in place"},
    {"naive_bayes_gaussian_update", MLC_BIND_FN(naive_bayes_gaussian_update), MLC_BIND_KW,
     "naive_bayes_gaussian_update(X, y, sample_weight, theta, var, class_count, var_smoothing, n_threads=1) -> "
     "epsilon: "
     "GaussianNB's streaming mean/variance update in place"},
    {"naive_bayes_gaussian_jll", MLC_BIND_FN(naive_bayes_gaussian_jll), MLC_BIND_KW,
     "naive_bayes_gaussian_jll(X, theta, var, log_prior, n_threads=1) -> GaussianNB's joint log-likelihood"},
    {"naive_bayes_category_count", MLC_BIND_FN(naive_bayes_category_count), MLC_BIND_KW,
     "naive_bayes_category_count(X, offset, y, sample_weight, category_count, class_count, n_threads=1) -> "
     "None: CategoricalNB's counts added in place"},
    {"naive_bayes_categorical_jll", MLC_BIND_FN(naive_bayes_categorical_jll), MLC_BIND_KW,
     "naive_bayes_categorical_jll(X, log_prob, offset, log_prior, n_threads=1) -> CategoricalNB's jll"},
    {NULL, NULL, 0, NULL},
};
