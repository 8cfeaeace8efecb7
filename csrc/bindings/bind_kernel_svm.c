/* bind_kernel_svm.c: kernel SVMs by SMO: svm_fit_c_svc, svm_fit_epsilon_svr, svm_kernel_matrix. */
#include "bind.h"

#include "svm/smo.h"

/* The solver's status: 0 converged, 1 max_iter reached (fit_status_ as LIBSVM), or -1 with an
 * exception. */
static int fit_status(int st) {
    if (st == MLC_OK) return 0;
    if (st == MLC_ENOTCONVERGED) return 1;
    mlc_bind_status(st);
    return -1;
}

/* svm_fit_c_svc(X, y, C, kernel, degree, gamma, coef0, tol, cache_size, max_iter)
 *   X (N, D); y (N) +1/-1; C (N) per-sample bounds -> (coef (N), rho, n_iter, fit_status) */
static PyObject *svm_fit_c_svc(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "C", "kernel", "degree", "gamma", "coef0", "tol", "cache_size",
                             "max_iter", "shrinking", NULL};
    PyObject *xo, *yo, *co;
    mlc_svm_kernel k;
    double tol, cache_mb;
    long long max_iter;
    int shrinking = 1;
    PyArrayObject *X = NULL, *y = NULL, *C = NULL, *coef = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOiiddddL|p", kwlist, &xo, &yo, &co, &k.kernel, &k.degree,
                                     &k.gamma, &k.coef0, &tol, &cache_mb, &max_iter, &shrinking))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y");
    if (y == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    C = mlc_bind_array(co, NPY_FLOAT64, 1, "C");
    if (C == NULL || mlc_bind_check_dim(C, 0, n, "C") < 0) goto fail;
    if (mlc_bind_check_params(mlc_svm_check_params(&k, tol, cache_mb)) < 0) goto fail;
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "X must have at least one row");
        goto fail;
    }
    coef = (PyArrayObject *)PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    if (coef == NULL) goto fail;
    double rho = 0;
    int64_t n_iter = 0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_svm_solve_c_svc_f64(PyArray_DATA(coef), &rho, &n_iter, PyArray_DATA(X), PyArray_DATA(y),
                                 PyArray_DATA(C), n, d, &k, tol, cache_mb, shrinking, (int64_t)max_iter, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    const int status = fit_status(st);
    if (status < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(y);
    Py_DECREF(C);
    return Py_BuildValue("NdLi", coef, rho, (long long)n_iter, status);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(C);
    Py_XDECREF(coef);
    return NULL;
}

/* svm_fit_epsilon_svr(X, y, kernel, degree, gamma, coef0, C, epsilon, tol, cache_size, max_iter)
 *   X (N, D); y (N) targets -> (coef (N), rho, n_iter, fit_status) */
static PyObject *svm_fit_epsilon_svr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "kernel", "degree", "gamma", "coef0", "C", "epsilon", "tol",
                             "cache_size", "max_iter", "shrinking", NULL};
    PyObject *xo, *yo;
    mlc_svm_kernel k;
    double C, eps, tol, cache_mb;
    long long max_iter;
    int shrinking = 1;
    PyArrayObject *X = NULL, *y = NULL, *coef = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOiiddddddL|p", kwlist, &xo, &yo, &k.kernel, &k.degree,
                                     &k.gamma, &k.coef0, &C, &eps, &tol, &cache_mb, &max_iter, &shrinking))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y");
    if (y == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    if (mlc_bind_check_params(mlc_svm_check_params(&k, tol, cache_mb)) < 0) goto fail;
    if (!(C > 0) || !(eps >= 0)) {
        PyErr_SetString(PyExc_ValueError, "C must be > 0 and epsilon >= 0");
        goto fail;
    }
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "X must have at least one row");
        goto fail;
    }
    coef = (PyArrayObject *)PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    if (coef == NULL) goto fail;
    double rho = 0;
    int64_t n_iter = 0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_svm_solve_epsilon_svr_f64(PyArray_DATA(coef), &rho, &n_iter, PyArray_DATA(X), PyArray_DATA(y), n,
                                       d, &k, C, eps, tol, cache_mb, shrinking, (int64_t)max_iter, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    const int status = fit_status(st);
    if (status < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(y);
    return Py_BuildValue("NdLi", coef, rho, (long long)n_iter, status);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(coef);
    return NULL;
}

/* svm_kernel_matrix(X, Y, kernel, degree, gamma, coef0) -> K (N, M) */
static PyObject *svm_kernel_matrix(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "kernel", "degree", "gamma", "coef0", NULL};
    PyObject *xo, *yo;
    mlc_svm_kernel k;
    PyArrayObject *X = NULL, *Y = NULL, *K = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOiidd", kwlist, &xo, &yo, &k.kernel, &k.degree, &k.gamma,
                                     &k.coef0))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    Y = mlc_bind_array(yo, NPY_FLOAT64, 2, "Y");
    if (Y == NULL || mlc_bind_check_dim(Y, 1, PyArray_DIM(X, 1), "Y") < 0) goto fail;
    if (mlc_bind_check_params(mlc_svm_check_params(&k, 1.0, 1.0)) < 0) goto fail;
    npy_intp dims[2] = {PyArray_DIM(X, 0), PyArray_DIM(Y, 0)};
    K = (PyArrayObject *)PyArray_SimpleNew(2, dims, NPY_FLOAT64);
    if (K == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_svm_kernel_matrix_f64(PyArray_DATA(K), PyArray_DATA(X), PyArray_DATA(Y), dims[0], dims[1],
                                   PyArray_DIM(X, 1), &k);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        mlc_bind_status(st);
        goto fail;
    }
    Py_DECREF(X);
    Py_DECREF(Y);
    return (PyObject *)K;
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(K);
    return NULL;
}

PyMethodDef mlc_kernel_svm_methods[] = {
    {"svm_fit_c_svc", (PyCFunction)(void (*)(void))svm_fit_c_svc, METH_VARARGS | METH_KEYWORDS,
     "svm_fit_c_svc(X, y, C, kernel, degree, gamma, coef0, tol, cache_size, max_iter, shrinking=True)\n--\n\n"
     "Binary C-SVC by SMO: (coef (N) = alpha*y, rho, n_iter, fit_status)."},
    {"svm_fit_epsilon_svr", (PyCFunction)(void (*)(void))svm_fit_epsilon_svr, METH_VARARGS | METH_KEYWORDS,
     "svm_fit_epsilon_svr(X, y, kernel, degree, gamma, coef0, C, epsilon, tol, cache_size, max_iter, shrinking=True)\n--\n\n"
     "epsilon-SVR by SMO: (coef (N) = alpha - alpha*, rho, n_iter, fit_status)."},
    {"svm_kernel_matrix", (PyCFunction)(void (*)(void))svm_kernel_matrix, METH_VARARGS | METH_KEYWORDS,
     "svm_kernel_matrix(X, Y, kernel, degree, gamma, coef0)\n--\n\nKernel values K (N, M)."},
    {NULL, NULL, 0, NULL},
};
