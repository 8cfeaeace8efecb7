/* bind_discriminant_analysis.c: lda_fit, qda_fit, qda_decision. */
#include "bind.h"

#include "discriminant_analysis/discriminant_analysis.h"

/* X (N, D) float64 and y (N) int32 of the same length, or -1 with an exception. */
static int load_xy(PyObject *xo, PyObject *yo, PyArrayObject **X, PyArrayObject **y) {
    *X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    *y = *X != NULL ? mlc_bind_array(yo, NPY_INT32, 1, "y") : NULL;
    if (*y == NULL || mlc_bind_check_dim(*y, 0, PyArray_DIM(*X, 0), "y") < 0) return -1;
    return 0;
}

/* The status of a fit: MLC_EINVAL here means y holds a code outside 0 .. C-1 or an empty class;
 * MLC_ENOTCONVERGED a covariance that is not positive definite (numpy.linalg.LinAlgError). */
static void fit_status(int st) {
    if (st == MLC_EINVAL) {
        PyErr_SetString(PyExc_ValueError, "y must hold codes 0 .. n_classes-1, each class at least once");
    } else if (st == MLC_ENOTCONVERGED) {
        PyObject *mod = PyImport_ImportModule("numpy.linalg");
        PyObject *err = mod != NULL ? PyObject_GetAttrString(mod, "LinAlgError") : NULL;
        if (err != NULL)
            PyErr_SetString(err, "the within-class covariance is not positive definite (or an eigensolver "
                                 "failed): use shrinkage, or solver='svd'");
        Py_XDECREF(err);
        Py_XDECREF(mod);
    } else {
        mlc_bind_status(st);
    }
}

/* lda_fit(X, y, priors, solver, shrinkage, alpha, tol, store_covariance, n_threads=1)
 *   -> (means (C, D), xbar (D), covariance (D, D) or None, coef (C, D), intercept (C),
 *       scalings (D, D), evr (D), rank, n_evr) */
static PyObject *lda_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "priors", "solver", "shrinkage", "alpha", "tol", "store_covariance",
                             "n_threads", NULL};
    PyObject *xo, *yo, *po;
    int solver, shrinkage, store = 0, n_threads = 1;
    double alpha, tol;
    PyArrayObject *X = NULL, *y = NULL, *pr = NULL, *means = NULL, *xbar = NULL, *cov = NULL, *coef = NULL;
    PyArrayObject *icpt = NULL, *scal = NULL, *evr = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOiiddp|i", kwlist, &xo, &yo, &po, &solver, &shrinkage,
                                     &alpha, &tol, &store, &n_threads))
        return NULL;
    if (load_xy(xo, yo, &X, &y) < 0) goto fail;
    if ((pr = mlc_bind_array(po, NPY_FLOAT64, 1, "priors")) == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), c = PyArray_DIM(pr, 0);
    if (mlc_bind_check_params(
            mlc_discriminant_analysis_check_params(n, d, c, 1, solver, shrinkage, alpha, 0.0, tol)) < 0)
        goto fail;
    means = mlc_bind_new(2, c, d, NPY_FLOAT64);
    xbar = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    coef = mlc_bind_new(2, c, d, NPY_FLOAT64);
    icpt = mlc_bind_new(1, c, 0, NPY_FLOAT64);
    scal = mlc_bind_new(2, d, d, NPY_FLOAT64);
    evr = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (means == NULL || xbar == NULL || coef == NULL || icpt == NULL || scal == NULL || evr == NULL) goto fail;
    if ((store || solver != MLC_DA_SVD) && (cov = mlc_bind_new(2, d, d, NPY_FLOAT64)) == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int64_t rank = 0, n_evr = 0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_discriminant_analysis_lda_fit(PyArray_DATA(means), PyArray_DATA(xbar), mlc_bind_data(cov),
                                           PyArray_DATA(coef), PyArray_DATA(icpt), PyArray_DATA(scal),
                                           PyArray_DATA(evr), &rank, &n_evr, PyArray_DATA(X), PyArray_DATA(y),
                                           PyArray_DATA(pr), n, d, c, solver, shrinkage, alpha, tol, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        fit_status(st);
        goto fail;
    }
    Py_DECREF(X);
    Py_DECREF(y);
    Py_DECREF(pr);
    PyObject *covo = cov != NULL ? (PyObject *)cov : (Py_INCREF(Py_None), Py_None);
    return Py_BuildValue("NNNNNNNLL", means, xbar, covo, coef, icpt, scal, evr, (long long)rank,
                         (long long)n_evr);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(pr);
    Py_XDECREF(means);
    Py_XDECREF(xbar);
    Py_XDECREF(cov);
    Py_XDECREF(coef);
    Py_XDECREF(icpt);
    Py_XDECREF(scal);
    Py_XDECREF(evr);
    return NULL;
}

/* qda_fit(X, y, n_classes, solver, shrinkage, alpha, reg_param, tol, store_covariance, n_threads=1)
 *   -> (means (C, D), rotations (C, D, D), scalings (C, D), covariance (C, D, D) or None, rank (C) int64) */
static PyObject *qda_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "n_classes", "solver", "shrinkage", "alpha", "reg_param", "tol",
                             "store_covariance", "n_threads", NULL};
    PyObject *xo, *yo;
    Py_ssize_t c;
    int solver, shrinkage, store = 0, n_threads = 1;
    double alpha, reg, tol;
    PyArrayObject *X = NULL, *y = NULL, *means = NULL, *rot = NULL, *scal = NULL, *cov = NULL, *rank = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOniidddp|i", kwlist, &xo, &yo, &c, &solver, &shrinkage,
                                     &alpha, &reg, &tol, &store, &n_threads))
        return NULL;
    if (load_xy(xo, yo, &X, &y) < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (mlc_bind_check_params(
            mlc_discriminant_analysis_check_params(n, d, c, 0, solver, shrinkage, alpha, reg, tol)) < 0)
        goto fail;
    const npy_intp dims[3] = {c, d, d};
    means = mlc_bind_new(2, c, d, NPY_FLOAT64);
    rot = mlc_bind_new_shape(3, dims, NPY_FLOAT64, 0);
    scal = mlc_bind_new(2, c, d, NPY_FLOAT64);
    rank = mlc_bind_new(1, c, 0, NPY_INT64);
    if (means == NULL || rot == NULL || scal == NULL || rank == NULL) goto fail;
    if (store && (cov = mlc_bind_new_shape(3, dims, NPY_FLOAT64, 0)) == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_discriminant_analysis_qda_fit(PyArray_DATA(means), PyArray_DATA(rot), PyArray_DATA(scal),
                                           mlc_bind_data(cov), PyArray_DATA(rank), PyArray_DATA(X),
                                           PyArray_DATA(y), n, d, c, solver, shrinkage, alpha, reg, tol,
                                           n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        fit_status(st);
        goto fail;
    }
    Py_DECREF(X);
    Py_DECREF(y);
    PyObject *covo = cov != NULL ? (PyObject *)cov : (Py_INCREF(Py_None), Py_None);
    return Py_BuildValue("NNNNN", means, rot, scal, covo, rank);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(means);
    Py_XDECREF(rot);
    Py_XDECREF(scal);
    Py_XDECREF(cov);
    Py_XDECREF(rank);
    return NULL;
}

/* qda_decision(X, means, rotations, scalings, log_priors, n_threads=1) -> scores (N, C) */
static PyObject *qda_decision(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "means", "rotations", "scalings", "log_priors", "n_threads", NULL};
    PyObject *xo, *mo, *ro, *so, *lo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *m = NULL, *r = NULL, *s = NULL, *lp = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOO|i", kwlist, &xo, &mo, &ro, &so, &lo, &n_threads))
        return NULL;
    if ((X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X")) == NULL) goto fail;
    if ((m = mlc_bind_array(mo, NPY_FLOAT64, 2, "means")) == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), c = PyArray_DIM(m, 0);
    if ((r = mlc_bind_array(ro, NPY_FLOAT64, 3, "rotations")) == NULL ||
        (s = mlc_bind_array(so, NPY_FLOAT64, 2, "scalings")) == NULL ||
        (lp = mlc_bind_array(lo, NPY_FLOAT64, 1, "log_priors")) == NULL)
        goto fail;
    if (mlc_bind_check_dim(m, 1, d, "means") < 0 || mlc_bind_check_dim(r, 0, c, "rotations") < 0 ||
        mlc_bind_check_dim(r, 1, d, "rotations") < 0 || mlc_bind_check_dim(r, 2, d, "rotations") < 0 ||
        mlc_bind_check_dim(s, 0, c, "scalings") < 0 || mlc_bind_check_dim(s, 1, d, "scalings") < 0 ||
        mlc_bind_check_dim(lp, 0, c, "log_priors") < 0)
        goto fail;
    if ((out = mlc_bind_new(2, n, c, NPY_FLOAT64)) == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_discriminant_analysis_qda_decision(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(m),
                                                PyArray_DATA(r), PyArray_DATA(s), PyArray_DATA(lp), n, d, c,
                                                n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(m);
    Py_DECREF(r);
    Py_DECREF(s);
    Py_DECREF(lp);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(m);
    Py_XDECREF(r);
    Py_XDECREF(s);
    Py_XDECREF(lp);
    Py_XDECREF(out);
    return NULL;
}

PyMethodDef mlc_discriminant_analysis_methods[] = {
    {"lda_fit", MLC_BIND_FN(lda_fit), MLC_BIND_KW, "Linear discriminant analysis: fit (svd, lsqr, eigen)."},
    {"qda_fit", MLC_BIND_FN(qda_fit), MLC_BIND_KW, "Quadratic discriminant analysis: fit (svd, eigen)."},
    {"qda_decision", MLC_BIND_FN(qda_decision), MLC_BIND_KW, "Quadratic discriminant analysis: log posteriors."},
    {NULL, NULL, 0, NULL},
};
