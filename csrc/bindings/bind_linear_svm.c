/* bind_linear_svm.c: LinearSVC and LinearSVR by LIBLINEAR's solvers: linear_svc_fit, linear_svr_fit. */
#include "bind.h"

#include <string.h>
#include "svm/linear_svm.h"

/* Curves keep at most this many entries (+ the final one) per problem, whatever max_iter is. */
#define CURVE_MAX 100000

/* Row k of a (K, cap) curve array, first n entries, as a new 1-D array (a copy). */
static PyObject *curve_row(PyArrayObject *a, npy_intp k, npy_intp n) {
    PyArrayObject *out = mlc_bind_new(1, n, 0, NPY_FLOAT64);
    if (out == NULL) return NULL;
    const double *src = (const double *)PyArray_DATA(a) + k * PyArray_DIM(a, 1);
    if (n > 0) memcpy(PyArray_DATA(out), src, sizeof(double) * (size_t)n);
    return (PyObject *)out;
}

/* The two curves of every problem as two lists of 1-D arrays, or -1 with an exception. */
static int curve_lists(PyArrayObject *lc, PyArrayObject *oc, const int64_t *n_curve, npy_intp K, PyObject **loss,
                       PyObject **objective) {
    *loss = PyList_New(K);
    *objective = PyList_New(K);
    if (*loss == NULL || *objective == NULL) return -1;
    for (npy_intp k = 0; k < K; k++) {
        PyObject *a = curve_row(lc, k, (npy_intp)n_curve[k]);
        if (a == NULL) return -1;
        PyList_SET_ITEM(*loss, k, a);
        PyObject *b = curve_row(oc, k, (npy_intp)n_curve[k]);
        if (b == NULL) return -1;
        PyList_SET_ITEM(*objective, k, b);
    }
    return 0;
}

/* X: an array (N, D) or a CSR tuple (data, indices, indptr, n_cols) (mlc_bind_rows).
 * linear_svc_fit(X, y, sample_weight, class_weight, n_classes, solver, C, tol, max_iter, bias, seed)
 *   -> (coef (R, P), n_iter (K,), loss_curves [K arrays], objective_curves [K arrays]): K problems, R rows
 *   (one-vs-rest: K = R = 1 for two classes, else n_classes; Crammer-Singer (solver 4): K = 1, R = n_classes) */
static PyObject *linear_svc_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "class_weight", "n_classes", "solver", "C", "tol",
                             "max_iter", "bias", "seed", NULL};
    PyObject *xo, *yo, *swo, *cwo, *lcl = NULL, *ocl = NULL;
    Py_ssize_t n_classes, max_iter = 1000;
    unsigned long long seed = 0;
    mlc_linear_svm_params p;
    memset(&p, 0, sizeof p);
    p.bias = 1.0;
    PyArrayObject *X = NULL, *y = NULL, *sw = NULL, *cw = NULL, *coef = NULL, *it = NULL, *lc = NULL, *oc = NULL;
    mlc_bind_csr A = {NULL, NULL, NULL, 0, 0, 0};
    int64_t *n_curve = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOnidd|ndK", kwlist, &xo, &yo, &swo, &cwo, &n_classes,
                                     &p.solver, &p.C, &p.tol, &max_iter, &p.bias, &seed))
        return NULL;
    p.max_iter = max_iter;
    p.seed = seed;
    if (n_classes < 2) {
        PyErr_SetString(PyExc_ValueError, "n_classes must be >= 2");
        return NULL;
    }
    npy_intp n = 0, d = 0;
    if (mlc_bind_rows(xo, &X, &A, &n, &d) < 0) goto fail;
    const mlc_linear_svm_rows rows = {mlc_bind_data(X), mlc_bind_data(A.data), mlc_bind_data(A.indices),
                                      mlc_bind_data(A.indptr)};
    if ((y = mlc_bind_array(yo, NPY_INT32, 1, "y")) == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    const int32_t *yd = PyArray_DATA(y);
    for (npy_intp i = 0; i < n; i++)
        if (yd[i] < 0 || yd[i] >= n_classes) {
            PyErr_SetString(PyExc_ValueError, "y must hold class codes in [0, n_classes)");
            goto fail;
        }
    if (mlc_bind_weights(swo, NPY_FLOAT64, n, &sw) < 0) goto fail;
    if (cwo != Py_None) {
        if ((cw = mlc_bind_array(cwo, NPY_FLOAT64, 1, "class_weight")) == NULL ||
            mlc_bind_check_dim(cw, 0, n_classes, "class_weight") < 0)
            goto fail;
    }
    if (mlc_bind_check_params(mlc_linear_svm_check_params(n, d, n_classes, &p)) < 0) goto fail;
    if (p.solver == MLC_LINEAR_SVM_L2R_L2LOSS_SVR_DUAL || p.solver == MLC_LINEAR_SVM_L2R_L1LOSS_SVR_DUAL) {
        PyErr_SetString(PyExc_ValueError, "solver: a regression solver; use linear_svr_fit");
        goto fail;
    }
    // Crammer-Singer: one problem, a row per class; one-vs-rest: one problem (and row) per class, one for two
    const int cs = p.solver == MLC_LINEAR_SVM_MCSVM_CS;
    const npy_intp R = cs || n_classes > 2 ? n_classes : 1, K = cs ? 1 : R, P = d + (p.bias > 0 ? 1 : 0);
    coef = mlc_bind_new(2, R, P, NPY_FLOAT64);
    it = mlc_bind_new(1, K, 0, NPY_INT64);
    p.curve_cap = MLC_MIN((int64_t)max_iter, CURVE_MAX) + 1;
    lc = mlc_bind_new(2, K, p.curve_cap, NPY_FLOAT64);
    oc = mlc_bind_new(2, K, p.curve_cap, NPY_FLOAT64);
    n_curve = PyMem_Calloc((size_t)K, sizeof(int64_t));
    if (coef == NULL || it == NULL || lc == NULL || oc == NULL || n_curve == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto fail;
    }
    const double *swd = mlc_bind_data(sw), *cwd = mlc_bind_data(cw);
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_linear_svm_fit_svc(PyArray_DATA(coef), PyArray_DATA(it), PyArray_DATA(lc), PyArray_DATA(oc), n_curve,
                            &rows, yd, swd, cwd, n, d, n_classes, &p, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    if (curve_lists(lc, oc, n_curve, K, &lcl, &ocl) < 0) goto fail;
    Py_XDECREF(X);
    mlc_bind_csr_clear(&A);
    Py_DECREF(y);
    Py_XDECREF(sw);
    Py_XDECREF(cw);
    Py_DECREF(lc);
    Py_DECREF(oc);
    PyMem_Free(n_curve);
    return Py_BuildValue("NNNN", coef, it, lcl, ocl);
fail:
    Py_XDECREF(X);
    mlc_bind_csr_clear(&A);
    Py_XDECREF(y);
    Py_XDECREF(sw);
    Py_XDECREF(cw);
    Py_XDECREF(coef);
    Py_XDECREF(it);
    Py_XDECREF(lc);
    Py_XDECREF(oc);
    Py_XDECREF(lcl);
    Py_XDECREF(ocl);
    PyMem_Free(n_curve);
    return NULL;
}

/* linear_svr_fit(X, y, sample_weight, solver, C, tol, max_iter, bias, epsilon, seed)
 *   -> (coef (P,), n_iter, loss_curve, objective_curve) */
static PyObject *linear_svr_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "solver", "C", "tol", "max_iter", "bias", "epsilon", "seed",
                             NULL};
    PyObject *xo, *yo, *swo, *lcl = NULL, *ocl = NULL;
    Py_ssize_t max_iter = 1000;
    unsigned long long seed = 0;
    mlc_linear_svm_params p;
    memset(&p, 0, sizeof p);
    p.bias = 1.0;
    PyArrayObject *X = NULL, *y = NULL, *sw = NULL, *coef = NULL, *lc = NULL, *oc = NULL;
    mlc_bind_csr A = {NULL, NULL, NULL, 0, 0, 0};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOidd|nddK", kwlist, &xo, &yo, &swo, &p.solver, &p.C, &p.tol,
                                     &max_iter, &p.bias, &p.epsilon, &seed))
        return NULL;
    p.max_iter = max_iter;
    p.seed = seed;
    npy_intp n = 0, d = 0;
    if (mlc_bind_rows(xo, &X, &A, &n, &d) < 0) goto fail;
    const mlc_linear_svm_rows rows = {mlc_bind_data(X), mlc_bind_data(A.data), mlc_bind_data(A.indices),
                                      mlc_bind_data(A.indptr)};
    if ((y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y")) == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    if (mlc_bind_weights(swo, NPY_FLOAT64, n, &sw) < 0) goto fail;
    if (mlc_bind_check_params(mlc_linear_svm_check_params(n, d, 2, &p)) < 0) goto fail;
    if (p.solver != MLC_LINEAR_SVM_L2R_L2LOSS_SVR_DUAL && p.solver != MLC_LINEAR_SVM_L2R_L1LOSS_SVR_DUAL) {
        PyErr_SetString(PyExc_ValueError, "solver: not a regression solver; use linear_svc_fit");
        goto fail;
    }
    const npy_intp P = d + (p.bias > 0 ? 1 : 0);
    coef = mlc_bind_new(1, P, 0, NPY_FLOAT64);
    p.curve_cap = MLC_MIN((int64_t)max_iter, CURVE_MAX) + 1;
    lc = mlc_bind_new(2, 1, p.curve_cap, NPY_FLOAT64);
    oc = mlc_bind_new(2, 1, p.curve_cap, NPY_FLOAT64);
    if (coef == NULL || lc == NULL || oc == NULL) goto fail;
    const double *swd = mlc_bind_data(sw);
    int64_t n_iter = 0, n_curve = 0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_linear_svm_fit_svr(PyArray_DATA(coef), &n_iter, PyArray_DATA(lc), PyArray_DATA(oc), &n_curve,
                            &rows, PyArray_DATA(y), swd, n, d, &p, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    if ((lcl = curve_row(lc, 0, (npy_intp)n_curve)) == NULL || (ocl = curve_row(oc, 0, (npy_intp)n_curve)) == NULL)
        goto fail;
    Py_XDECREF(X);
    mlc_bind_csr_clear(&A);
    Py_DECREF(y);
    Py_XDECREF(sw);
    Py_DECREF(lc);
    Py_DECREF(oc);
    return Py_BuildValue("NnNN", coef, (Py_ssize_t)n_iter, lcl, ocl);
fail:
    Py_XDECREF(X);
    mlc_bind_csr_clear(&A);
    Py_XDECREF(y);
    Py_XDECREF(sw);
    Py_XDECREF(coef);
    Py_XDECREF(lc);
    Py_XDECREF(oc);
    Py_XDECREF(lcl);
    Py_XDECREF(ocl);
    return NULL;
}

PyMethodDef mlc_linear_svm_methods[] = {
    {"linear_svc_fit", MLC_BIND_FN(linear_svc_fit), MLC_BIND_KW,
     "linear_svc_fit(X, y, sample_weight, class_weight, n_classes, solver, C, tol, max_iter=1000, bias=1.0, seed=0)"
     " -> (coef (R, P), n_iter (K,), loss_curves, objective_curves)"},
    {"linear_svr_fit", MLC_BIND_FN(linear_svr_fit), MLC_BIND_KW,
     "linear_svr_fit(X, y, sample_weight, solver, C, tol, max_iter=1000, bias=1.0, epsilon=0.0, seed=0)"
     " -> (coef (P,), n_iter, loss_curve, objective_curve)"},
    {NULL, NULL, 0, NULL},
};
