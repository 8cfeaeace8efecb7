/* bind_kernel_svm.c: kernel SVMs by SMO: svm_fit_c_svc, svm_fit_c_svc_ovo, svm_fit_epsilon_svr,
 * svm_kernel_matrix, svm_decision. */
#include "bind.h"

#include <string.h>

#include "svm/smo.h"

/* The rows of a solver or a prediction: a 2-D float64 array, or a CSR matrix as a tuple (data
 * float64, indices int32, indptr int64, n_features), checked by mlc_bind_csr_from. */
typedef struct {
    PyArrayObject *dense;
    mlc_bind_csr csr;
    mlc_svm_rows rows;
    npy_intp n, d;
} bind_rows;

static void rows_clear(bind_rows *r) {
    Py_CLEAR(r->dense);
    mlc_bind_csr_clear(&r->csr);
}

/* 0, or -1 with an exception naming `name` (r is then cleared). */
static int rows_from(bind_rows *r, PyObject *obj, const char *name) {
    memset(r, 0, sizeof *r);
    if (!PyTuple_Check(obj)) {
        r->dense = mlc_bind_array(obj, NPY_FLOAT64, 2, name);
        if (r->dense == NULL) return -1;
        r->rows.X = PyArray_DATA(r->dense);
        r->n = PyArray_DIM(r->dense, 0);
        r->d = PyArray_DIM(r->dense, 1);
        return 0;
    }
    PyObject *data, *indices, *indptr;
    long long d;
    if (!PyArg_ParseTuple(obj, "OOOL", &data, &indices, &indptr, &d)) {
        PyErr_Format(PyExc_TypeError, "%s: a 2-D array or a CSR tuple (data, indices, indptr, n_features)", name);
        return -1;
    }
    if (mlc_bind_csr_from(&r->csr, data, indices, indptr, d) < 0) return -1;
    if (PyArray_TYPE(r->csr.data) != NPY_FLOAT64) {
        PyErr_Format(PyExc_TypeError, "%s: CSR data must be float64", name);
        rows_clear(r);
        return -1;
    }
    r->rows.data = PyArray_DATA(r->csr.data);
    r->rows.indices = PyArray_DATA(r->csr.indices);
    r->rows.indptr = PyArray_DATA(r->csr.indptr);
    r->n = r->csr.n;
    r->d = r->csr.d;
    return 0;
}

/* The solver's status: 0 converged, 1 max_iter reached (fit_status_ as LIBSVM), or -1 with an
 * exception. */
static int fit_status(int st) { return st == MLC_ENOTCONVERGED ? 1 : mlc_bind_check_status(st); }

/* svm_fit_c_svc(X, y, C, kernel, degree, gamma, coef0, tol, cache_size, max_iter, shrinking=True)
 *   X (N, D); y (N) +1/-1; C (N) per-sample bounds -> (coef (N), rho, n_iter, fit_status)
 * and, with svr, svm_fit_epsilon_svr(X, y, C, kernel, degree, gamma, coef0, epsilon, tol, ...)
 *   y (N) targets -> the same. */
static PyObject *fit_binary(PyObject *args, PyObject *kwds, int svr) {
    static char *kw_svc[] = {"X", "y", "C", "kernel", "degree", "gamma", "coef0", "tol", "cache_size",
                             "max_iter", "shrinking", NULL};
    static char *kw_svr[] = {"X", "y", "C", "kernel", "degree", "gamma", "coef0", "epsilon", "tol",
                             "cache_size", "max_iter", "shrinking", NULL};
    PyObject *xo, *yo, *co;
    mlc_svm_kernel k;
    double eps = 0, tol, cache_mb;
    long long max_iter;
    int shrinking = 1, ok;
    bind_rows X = {0};
    PyArrayObject *y = NULL, *C = NULL, *coef = NULL;
    if (svr)
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "OOOiidddddL|p", kw_svr, &xo, &yo, &co, &k.kernel, &k.degree,
                                         &k.gamma, &k.coef0, &eps, &tol, &cache_mb, &max_iter, &shrinking);
    else
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "OOOiiddddL|p", kw_svc, &xo, &yo, &co, &k.kernel, &k.degree,
                                         &k.gamma, &k.coef0, &tol, &cache_mb, &max_iter, &shrinking);
    if (!ok) return NULL;
    if (rows_from(&X, xo, "X") < 0) goto fail;
    const npy_intp n = X.n, d = X.d;
    y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y");
    if (y == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    C = mlc_bind_array(co, NPY_FLOAT64, 1, "C");
    if (C == NULL || mlc_bind_check_dim(C, 0, n, "C") < 0) goto fail;
    if (mlc_bind_check_params(mlc_svm_check_params(&k, tol, cache_mb)) < 0) goto fail;
    if (!(eps >= 0)) {
        PyErr_SetString(PyExc_ValueError, "epsilon must be >= 0");
        goto fail;
    }
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "X must have at least one row");
        goto fail;
    }
    coef = mlc_bind_new(1, n, 0, NPY_FLOAT64);
    if (coef == NULL) goto fail;
    double rho = 0;
    int64_t n_iter = 0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (svr)
        st = mlc_svm_solve_epsilon_svr(PyArray_DATA(coef), &rho, &n_iter, &X.rows, PyArray_DATA(y),
                                       PyArray_DATA(C), n, d, &k, eps, tol, cache_mb, shrinking, (int64_t)max_iter,
                                       &mlc_bind_interrupt);
    else
        st = mlc_svm_solve_c_svc(PyArray_DATA(coef), &rho, &n_iter, &X.rows, PyArray_DATA(y),
                                 PyArray_DATA(C), n, d, &k, tol, cache_mb, shrinking, (int64_t)max_iter,
                                 &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    const int status = fit_status(st);
    if (status < 0) goto fail;
    rows_clear(&X);
    Py_DECREF(y);
    Py_DECREF(C);
    return Py_BuildValue("NdLi", coef, rho, (long long)n_iter, status);
fail:
    rows_clear(&X);
    Py_XDECREF(y);
    Py_XDECREF(C);
    Py_XDECREF(coef);
    return NULL;
}

static PyObject *svm_fit_c_svc(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return fit_binary(a, kw, 0); }
static PyObject *svm_fit_epsilon_svr(PyObject *self, PyObject *a, PyObject *kw) {
    (void)self;
    return fit_binary(a, kw, 1);
}

/* svm_fit_c_svc_ovo(X, start, C, kernel, degree, gamma, coef0, tol, cache_size, max_iter, shrinking=True)
 *   X (N, D) rows grouped by class; start (K + 1) int64 class offsets; C (N) per-sample bounds
 *   -> (dual (K - 1, N), rho (P), n_iter (P), fit_status), P = K (K - 1) / 2 */
static PyObject *svm_fit_c_svc_ovo(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "start", "C", "kernel", "degree", "gamma", "coef0", "tol", "cache_size",
                             "max_iter", "shrinking", NULL};
    PyObject *xo, *so, *co;
    mlc_svm_kernel k;
    double tol, cache_mb;
    long long max_iter;
    int shrinking = 1;
    bind_rows X = {0};
    PyArrayObject *start = NULL, *C = NULL, *dual = NULL, *rho = NULL, *n_iter = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOiiddddL|p", kwlist, &xo, &so, &co, &k.kernel, &k.degree,
                                     &k.gamma, &k.coef0, &tol, &cache_mb, &max_iter, &shrinking))
        return NULL;
    if (rows_from(&X, xo, "X") < 0) goto fail;
    const npy_intp n = X.n, d = X.d;
    start = mlc_bind_array(so, NPY_INT64, 1, "start");
    if (start == NULL) goto fail;
    C = mlc_bind_array(co, NPY_FLOAT64, 1, "C");
    if (C == NULL || mlc_bind_check_dim(C, 0, n, "C") < 0) goto fail;
    if (mlc_bind_check_params(mlc_svm_check_params(&k, tol, cache_mb)) < 0) goto fail;
    const npy_intp n_classes = PyArray_DIM(start, 0) - 1;
    const int64_t *s = PyArray_DATA(start);
    if (n_classes < 2 || s[0] != 0 || s[n_classes] != n) {
        PyErr_SetString(PyExc_ValueError, "start must hold K + 1 >= 3 class offsets from 0 to the rows of X");
        goto fail;
    }
    for (npy_intp c = 0; c < n_classes; c++)
        if (s[c + 1] < s[c]) {
            PyErr_SetString(PyExc_ValueError, "start must be non-decreasing");
            goto fail;
        }
    const npy_intp n_pairs = n_classes * (n_classes - 1) / 2;
    dual = mlc_bind_new(2, n_classes - 1, n, NPY_FLOAT64);
    rho = mlc_bind_new(1, n_pairs, 0, NPY_FLOAT64);
    n_iter = mlc_bind_new(1, n_pairs, 0, NPY_INT64);
    if (dual == NULL || rho == NULL || n_iter == NULL) goto fail;
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_svm_solve_c_svc_ovo(PyArray_DATA(dual), PyArray_DATA(rho), PyArray_DATA(n_iter), &X.rows,
                                 s, PyArray_DATA(C), n, d, n_classes, &k, tol, cache_mb, shrinking,
                                 (int64_t)max_iter, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    const int status = fit_status(st);
    if (status < 0) goto fail;
    rows_clear(&X);
    Py_DECREF(start);
    Py_DECREF(C);
    return Py_BuildValue("NNNi", dual, rho, n_iter, status);
fail:
    rows_clear(&X);
    Py_XDECREF(start);
    Py_XDECREF(C);
    Py_XDECREF(dual);
    Py_XDECREF(rho);
    Py_XDECREF(n_iter);
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
    const npy_intp n = PyArray_DIM(X, 0), m = PyArray_DIM(Y, 0);
    K = mlc_bind_new(2, n, m, NPY_FLOAT64);
    if (K == NULL) goto fail;
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_svm_kernel_matrix(PyArray_DATA(K), PyArray_DATA(X), PyArray_DATA(Y), n, m, PyArray_DIM(X, 1), &k,
                               n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(Y);
    return (PyObject *)K;
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(K);
    return NULL;
}

/* svm_decision(X, SV, W, b, kernel, degree, gamma, coef0) -> dec (N, P) = K(X, SV) W + b
 *   X (N, D); SV (M, D), both arrays or both CSR tuples; W (M, P); b (P) */
static PyObject *svm_decision(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "SV", "W", "b", "kernel", "degree", "gamma", "coef0", NULL};
    PyObject *xo, *vo, *wo, *bo;
    mlc_svm_kernel k;
    bind_rows X = {0}, SV = {0};
    PyArrayObject *W = NULL, *b = NULL, *dec = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOiidd", kwlist, &xo, &vo, &wo, &bo, &k.kernel, &k.degree,
                                     &k.gamma, &k.coef0))
        return NULL;
    if (rows_from(&X, xo, "X") < 0 || rows_from(&SV, vo, "SV") < 0) goto fail;
    if (SV.d != X.d) {
        PyErr_Format(PyExc_ValueError, "SV must have %zd columns, got %zd", X.d, SV.d);
        goto fail;
    }
    if ((X.dense == NULL) != (SV.dense == NULL)) {
        PyErr_SetString(PyExc_TypeError, "X and SV must be both dense or both CSR");
        goto fail;
    }
    W = mlc_bind_array(wo, NPY_FLOAT64, 2, "W");
    if (W == NULL || mlc_bind_check_dim(W, 0, SV.n, "W") < 0) goto fail;
    b = mlc_bind_array(bo, NPY_FLOAT64, 1, "b");
    if (b == NULL || mlc_bind_check_dim(b, 0, PyArray_DIM(W, 1), "b") < 0) goto fail;
    if (mlc_bind_check_params(mlc_svm_check_params(&k, 1.0, 1.0)) < 0) goto fail;
    const npy_intp n = X.n, m = SV.n, d = X.d, p = PyArray_DIM(W, 1);
    dec = mlc_bind_new(2, n, p, NPY_FLOAT64);
    if (dec == NULL) goto fail;
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_svm_decision(PyArray_DATA(dec), &X.rows, &SV.rows, PyArray_DATA(W), PyArray_DATA(b),
                          n, m, d, p, &k, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    rows_clear(&X);
    rows_clear(&SV);
    Py_DECREF(W);
    Py_DECREF(b);
    return (PyObject *)dec;
fail:
    rows_clear(&X);
    rows_clear(&SV);
    Py_XDECREF(W);
    Py_XDECREF(b);
    Py_XDECREF(dec);
    return NULL;
}

PyMethodDef mlc_kernel_svm_methods[] = {
    {"svm_fit_c_svc", MLC_BIND_FN(svm_fit_c_svc), MLC_BIND_KW,
     "svm_fit_c_svc(X, y, C, kernel, degree, gamma, coef0, tol, cache_size, max_iter, shrinking=True)\n--\n\n"
     "Binary C-SVC by SMO: (coef (N) = alpha*y, rho, n_iter, fit_status). X: a 2-D array or a CSR tuple\n"
     "(data, indices, indptr, n_features), here and in the other svm_fit_* and svm_decision."},
    {"svm_fit_c_svc_ovo", MLC_BIND_FN(svm_fit_c_svc_ovo), MLC_BIND_KW,
     "svm_fit_c_svc_ovo(X, start, C, kernel, degree, gamma, coef0, tol, cache_size, max_iter, shrinking=True)\n--\n\n"
     "One-vs-one C-SVC, pairs in parallel: (dual (K-1, N), rho (P), n_iter (P), fit_status)."},
    {"svm_fit_epsilon_svr", MLC_BIND_FN(svm_fit_epsilon_svr), MLC_BIND_KW,
     "svm_fit_epsilon_svr(X, y, C, kernel, degree, gamma, coef0, epsilon, tol, cache_size, max_iter, shrinking=True)\n--\n\n"
     "epsilon-SVR by SMO: (coef (N) = alpha - alpha*, rho, n_iter, fit_status)."},
    {"svm_kernel_matrix", MLC_BIND_FN(svm_kernel_matrix), MLC_BIND_KW,
     "svm_kernel_matrix(X, Y, kernel, degree, gamma, coef0)\n--\n\nKernel values K (N, M)."},
    {"svm_decision", MLC_BIND_FN(svm_decision), MLC_BIND_KW,
     "svm_decision(X, SV, W, b, kernel, degree, gamma, coef0)\n--\n\nDecision values K(X, SV) W + b (N, P)."},
    {NULL, NULL, 0, NULL},
};
