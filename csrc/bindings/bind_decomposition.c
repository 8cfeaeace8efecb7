/* bind_decomposition.c: svd_full, pca_covariance, svd_randomized, pca_transform, pca_inverse. */
#include "bind.h" /* first: Python.h before any system header */
#include "decomposition/pca.h"

/* svd_full(X, center=True, n_threads=1) -> (s (R), components (R, D), mean (D), ssq (D)) */
static PyObject *svd_full(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "center", "n_threads", NULL};
    PyObject *xo;
    int center = 1, n_threads = 1;
    PyArrayObject *X = NULL, *s = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|pi", kwlist, &xo, &center, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), r = n < d ? n : d;
    if (mlc_bind_check_params(mlc_pca_check_params(n, d, 0, 0, 0, 0)) < 0) goto fail;
    int tn = PyArray_TYPE(X);
    s = mlc_bind_new(1, r, 0, tn);
    comp = mlc_bind_new(2, r, d, tn);
    mean = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (s == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_svd_full_f32(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                              PyArray_DATA(ssq), PyArray_DATA(X), n, d, center, n_threads);
    else
        st = mlc_svd_full_f64(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                              PyArray_DATA(ssq), PyArray_DATA(X), n, d, center, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NNNN", s, comp, mean, ssq);
fail:
    Py_XDECREF(X);
    Py_XDECREF(s);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* pca_covariance(X, n_threads=1) -> (s (D), ev (D), components (D, D), mean (D), ssq (D)) */
static PyObject *pca_covariance(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "n_threads", NULL};
    PyObject *xo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *s = NULL, *ev = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i", kwlist, &xo, &n_threads)) return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (mlc_bind_check_params(mlc_pca_check_params(n, d, 0, 0, 0, 0)) < 0) goto fail;
    if (n < 2) {
        PyErr_SetString(PyExc_ValueError, "the covariance solver needs at least 2 samples");
        goto fail;
    }
    int tn = PyArray_TYPE(X);
    s = mlc_bind_new(1, d, 0, tn);
    ev = mlc_bind_new(1, d, 0, tn);
    comp = mlc_bind_new(2, d, d, tn);
    mean = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (s == NULL || ev == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_pca_covariance_f32(PyArray_DATA(s), PyArray_DATA(ev), PyArray_DATA(comp),
                                    PyArray_DATA(mean), PyArray_DATA(ssq), PyArray_DATA(X), n, d,
                                    n_threads);
    else
        st = mlc_pca_covariance_f64(PyArray_DATA(s), PyArray_DATA(ev), PyArray_DATA(comp),
                                    PyArray_DATA(mean), PyArray_DATA(ssq), PyArray_DATA(X), n, d,
                                    n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NNNNN", s, ev, comp, mean, ssq);
fail:
    Py_XDECREF(X);
    Py_XDECREF(s);
    Py_XDECREF(ev);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* svd_randomized(X, n_components, n_oversamples=10, n_iter=4, normalizer=2, seed=0, center=True,
 *                n_threads=1) -> (s (K), components (K, D), mean (D), ssq (D)) */
static PyObject *svd_randomized(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "n_components", "n_oversamples", "n_iter", "normalizer", "seed",
                             "center", "n_threads", NULL};
    PyObject *xo;
    long long k = 0, n_oversamples = 10, n_iter = 4;
    unsigned long long seed = 0;
    int normalizer = MLC_PCA_NORMALIZER_LU, center = 1, n_threads = 1;
    PyArrayObject *X = NULL, *s = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OL|LLiKpi", kwlist, &xo, &k, &n_oversamples,
                                     &n_iter, &normalizer, &seed, &center, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (k < 1) {
        PyErr_SetString(PyExc_ValueError, "n_components must be >= 1");
        goto fail;
    }
    if (mlc_bind_check_params(mlc_pca_check_params(n, d, k, n_oversamples, n_iter, normalizer)) < 0)
        goto fail;
    int tn = PyArray_TYPE(X);
    s = mlc_bind_new(1, (npy_intp)k, 0, tn);
    comp = mlc_bind_new(2, (npy_intp)k, d, tn);
    mean = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (s == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_svd_randomized_f32(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                    PyArray_DATA(ssq), PyArray_DATA(X), n, d, k, n_oversamples,
                                    n_iter, normalizer, seed, center, &mlc_bind_interrupt,
                                    n_threads);
    else
        st = mlc_svd_randomized_f64(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                    PyArray_DATA(ssq), PyArray_DATA(X), n, d, k, n_oversamples,
                                    n_iter, normalizer, seed, center, &mlc_bind_interrupt,
                                    n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NNNN", s, comp, mean, ssq);
fail:
    Py_XDECREF(X);
    Py_XDECREF(s);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* svd_randomized_csr(data, indices, indptr, n_features, n_components, n_oversamples=10, n_iter=4,
 *                    normalizer=2, seed=0, n_threads=1) -> (s (K), components (K, D), mean, ssq) */
static PyObject *svd_randomized_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_features", "n_components",
                             "n_oversamples", "n_iter", "normalizer", "seed", "n_threads", NULL};
    PyObject *dobj, *iobj, *pobj;
    long long d, k = 0, n_oversamples = 10, n_iter = 4;
    unsigned long long seed = 0;
    int normalizer = MLC_PCA_NORMALIZER_LU, n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *s = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLL|LLiKi", kwlist, &dobj, &iobj, &pobj, &d, &k,
                                     &n_oversamples, &n_iter, &normalizer, &seed, &n_threads))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, d) < 0) goto fail;
    if (k < 1) {
        PyErr_SetString(PyExc_ValueError, "n_components must be >= 1");
        goto fail;
    }
    if (mlc_bind_check_params(mlc_pca_check_params(A.n, A.d, k, n_oversamples, n_iter, normalizer)) < 0)
        goto fail;
    const int tn = PyArray_TYPE(A.data);
    s = mlc_bind_new(1, (npy_intp)k, 0, tn);
    comp = mlc_bind_new(2, (npy_intp)k, A.d, tn);
    mean = mlc_bind_new(1, A.d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, A.d, 0, NPY_FLOAT64);
    if (s == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (tn == NPY_FLOAT32)
        st = mlc_svd_randomized_csr_f32(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                        PyArray_DATA(ssq), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                        PyArray_DATA(A.indptr), A.n, A.d, k, n_oversamples, n_iter,
                                        normalizer, seed, &mlc_bind_interrupt, n_threads);
    else
        st = mlc_svd_randomized_csr_f64(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                        PyArray_DATA(ssq), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                        PyArray_DATA(A.indptr), A.n, A.d, k, n_oversamples, n_iter,
                                        normalizer, seed, &mlc_bind_interrupt, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    return Py_BuildValue("NNNN", s, comp, mean, ssq);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(s);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* The shared body of pca_transform(X (N, D), components (K, D), ...) -> (N, K) and
 * pca_inverse(Y (N, K), components (K, D), ...) -> (N, D). */
static PyObject *pca_map(PyObject *args, PyObject *kwds, int inverse) {
    static char *kwlist[] = {"X", "components", "mean", "scale", "n_threads", NULL};
    PyObject *xo, *co, *mo = Py_None, *so = Py_None;
    int n_threads = 1;
    PyArrayObject *X = NULL, *C = NULL, *mean = NULL, *scale = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|OOi", kwlist, &xo, &co, &mo, &so, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int tn = PyArray_TYPE(X);
    C = mlc_bind_array(co, tn, 2, "components");
    if (C == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), k = PyArray_DIM(C, 0), d = PyArray_DIM(C, 1);
    if (mlc_bind_check_dim(X, 1, inverse ? k : d, "X") < 0) goto fail;
    if (mlc_bind_optional(mo, NPY_FLOAT64, d, "mean", &mean) < 0 ||
        mlc_bind_optional(so, NPY_FLOAT64, k, "scale", &scale) < 0)
        goto fail;
    out = mlc_bind_new(2, n, inverse ? d : k, tn);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    const double *mp = mlc_bind_data(mean), *sp = mlc_bind_data(scale);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = inverse ? mlc_pca_inverse_f32(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C), mp,
                                           sp, n, d, k, n_threads)
                     : mlc_pca_transform_f32(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C),
                                             mp, sp, n, d, k, n_threads);
    else
        st = inverse ? mlc_pca_inverse_f64(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C), mp,
                                           sp, n, d, k, n_threads)
                     : mlc_pca_transform_f64(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C),
                                             mp, sp, n, d, k, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(C);
    Py_XDECREF(mean);
    Py_XDECREF(scale);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(C);
    Py_XDECREF(mean);
    Py_XDECREF(scale);
    Py_XDECREF(out);
    return NULL;
}

/* pca_transform(X, components, mean=None, scale=None, n_threads=1) -> (N, K);
 * pca_inverse(Y, components, mean=None, scale=None, n_threads=1) -> (N, D) */
static PyObject *pca_transform(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return pca_map(a, kw, 0); }
static PyObject *pca_inverse(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return pca_map(a, kw, 1); }

PyMethodDef mlc_decomposition_methods[] = {
    {"svd_full", MLC_BIND_FN(svd_full), MLC_BIND_KW,
     "svd_full(X, center=True, n_threads=1) -> (s, components, mean, ssq): exact thin SVD of "
     "X - mean (or X), components = rows of Vt, sign-flipped; ssq = column sums of squared "
     "deviations"},
    {"pca_covariance", MLC_BIND_FN(pca_covariance), MLC_BIND_KW,
     "pca_covariance(X, n_threads=1) -> (s, explained_variance, components, mean, ssq): "
     "eigendecomposition of the sample covariance, largest first"},
    {"svd_randomized", MLC_BIND_FN(svd_randomized), MLC_BIND_KW,
     "svd_randomized(X, n_components, n_oversamples=10, n_iter=4, normalizer=PCA_NORMALIZER_LU, seed=0, "
     "center=True, n_threads=1) -> (s, components, mean, ssq): Halko-Martinsson-Tropp "
     "randomized SVD; normalizer from ENUMS['pca_normalizer']"},
    {"svd_randomized_csr", MLC_BIND_FN(svd_randomized_csr), MLC_BIND_KW,
     "svd_randomized_csr(data, indices, indptr, n_features, n_components, n_oversamples=10, n_iter=4, "
     "normalizer=PCA_NORMALIZER_LU, seed=0, n_threads=1) -> (s, components, mean, ssq): the "
     "randomized SVD of a CSR matrix (not centred), never densified"},
    {"pca_transform", MLC_BIND_FN(pca_transform), MLC_BIND_KW,
     "pca_transform(X, components, mean=None, scale=None, n_threads=1) -> "
     "((X - mean) components^T) / scale"},
    {"pca_inverse", MLC_BIND_FN(pca_inverse), MLC_BIND_KW,
     "pca_inverse(Y, components, mean=None, scale=None, n_threads=1) -> "
     "(Y * scale) components + mean"},
    {NULL, NULL, 0, NULL},
};
