/* bind_mixture.c: Gaussian mixtures: gmm_fit, gmm_e_step, gmm_m_step, gmm_precisions_cholesky. */
#include "bind.h"

#include <string.h>
#include "mixture/gmm.h"

static const char ILL_DEFINED[] =
    "Fitting the mixture model failed because some components have ill-defined empirical "
    "covariance (for instance caused by singleton or collapsed samples). Try to decrease the "
    "number of components, increase reg_covar, or scale the input data.";

/* The shape of a covariance-like array: (K, D, D), (D, D), (K, D) or (K). Returns ndim. */
static int cov_shape(npy_intp *dims, int64_t k, int64_t d, int type) {
    switch (type) {
    case MLC_GMM_FULL: dims[0] = k; dims[1] = d; dims[2] = d; return 3;
    case MLC_GMM_TIED: dims[0] = d; dims[1] = d; return 2;
    case MLC_GMM_DIAG: dims[0] = k; dims[1] = d; return 2;
    default: dims[0] = k; return 1;
    }
}

/* A float64 array of `shape` (ndim, dims) checked exactly, or NULL with an exception. */
static PyArrayObject *shaped(PyObject *obj, int ndim, const npy_intp *dims, const char *name) {
    PyArrayObject *a = mlc_bind_array(obj, NPY_FLOAT64, ndim, name);
    if (a == NULL) return NULL;
    for (int i = 0; i < ndim; i++)
        if (mlc_bind_check_dim(a, i, dims[i], name) < 0) {
            Py_DECREF(a);
            return NULL;
        }
    return a;
}

/* Copy (weights, means, precisions_cholesky) into a freshly initialised g. 0, or -1 with an
 * exception (g is then freed). */
static int load_model(mlc_gmm *g, PyObject *wo, PyObject *mo, PyObject *po, int type, npy_intp k, npy_intp d) {
    PyArrayObject *w = NULL, *m = NULL, *pc = NULL;
    npy_intp dk[1] = {k}, dm[2] = {k, d}, dp[3];
    const int np = cov_shape(dp, k, d, type);
    memset(g, 0, sizeof *g);
    w = shaped(wo, 1, dk, "weights");
    m = w ? shaped(mo, 2, dm, "means") : NULL;
    pc = m ? shaped(po, np, dp, "precisions_cholesky") : NULL;
    if (pc == NULL) goto fail;
    int st = mlc_gmm_init(g, k, d, type);
    if (mlc_bind_check_status(st) < 0) goto fail;
    memcpy(g->weights, PyArray_DATA(w), sizeof(double) * k);
    memcpy(g->means, PyArray_DATA(m), sizeof(double) * k * d);
    memcpy(g->precisions_cholesky, PyArray_DATA(pc), sizeof(double) * PyArray_SIZE(pc));
    Py_DECREF(w);
    Py_DECREF(m);
    Py_DECREF(pc);
    return 0;
fail:
    Py_XDECREF(w);
    Py_XDECREF(m);
    Py_XDECREF(pc);
    mlc_gmm_free(g);
    return -1;
}

/* New arrays holding g's parameters: (weights, means, covariances, precisions_cholesky). */
static PyObject *model_tuple(const mlc_gmm *g) {
    const int64_t k = g->n_components, d = g->n_features;
    npy_intp dp[3];
    const int np = cov_shape(dp, k, d, g->covariance_type);
    PyArrayObject *w = mlc_bind_new(1, k, 0, NPY_FLOAT64);
    PyArrayObject *m = mlc_bind_new(2, k, d, NPY_FLOAT64);
    PyArrayObject *c = mlc_bind_new_shape(np, dp, NPY_FLOAT64, 0);
    PyArrayObject *pc = mlc_bind_new_shape(np, dp, NPY_FLOAT64, 0);
    if (w == NULL || m == NULL || c == NULL || pc == NULL) {
        Py_XDECREF(w);
        Py_XDECREF(m);
        Py_XDECREF(c);
        Py_XDECREF(pc);
        return NULL;
    }
    const size_t p = sizeof(double) * (size_t)mlc_gmm_cov_size(k, d, g->covariance_type);
    memcpy(PyArray_DATA(w), g->weights, sizeof(double) * k);
    memcpy(PyArray_DATA(m), g->means, sizeof(double) * k * d);
    memcpy(PyArray_DATA(c), g->covariances, p);
    memcpy(PyArray_DATA(pc), g->precisions_cholesky, p);
    return Py_BuildValue("NNNN", w, m, c, pc);
}

static void set_status(int st) {
    if (st == MLC_ENUMERIC && !PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, ILL_DEFINED);
    else mlc_bind_status(st);
}

/* gmm_fit(X, weights, means, precisions_cholesky, covariance_type, max_iter, tol, reg_covar,
 *         prev_lower_bound, n_threads)
 *   -> (weights, means, covariances, precisions_cholesky, lower_bounds, n_iter, converged) */
static PyObject *gmm_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "weights", "means", "precisions_cholesky", "covariance_type", "max_iter",
                             "tol", "reg_covar", "prev_lower_bound", "n_threads", NULL};
    PyObject *xo, *wo, *mo, *po, *params = NULL;
    int type, n_threads = 1;
    Py_ssize_t max_iter;
    double tol, reg, prev;
    PyArrayObject *X = NULL, *lbs = NULL;
    mlc_gmm g;
    memset(&g, 0, sizeof g);
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOinddd|i", kwlist, &xo, &wo, &mo, &po, &type, &max_iter,
                                     &tol, &reg, &prev, &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    PyArrayObject *w0 = mlc_bind_array(wo, NPY_FLOAT64, 1, "weights");
    if (w0 == NULL) goto fail;
    const npy_intp k = PyArray_DIM(w0, 0);
    Py_DECREF(w0);
    if (mlc_bind_check_params(mlc_gmm_check_params(k, d, type)) < 0 ||
        mlc_bind_check_params(mlc_gmm_check_fit_params(n, k, max_iter, tol, reg)) < 0)
        goto fail;
    if (load_model(&g, wo, mo, po, type, k, d) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    lbs = mlc_bind_new(1, max_iter, 0, NPY_FLOAT64);
    if (lbs == NULL) goto fail;
    int64_t n_iter = 0;
    int converged = 0, st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_gmm_fit(&g, PyArray_DATA(lbs), &n_iter, &converged, PyArray_DATA(X), n, max_iter, tol, reg,
                     prev, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        set_status(st);
        goto fail;
    }
    params = model_tuple(&g);
    if (params == NULL) goto fail;
    PyObject *lb_used = PySequence_GetSlice((PyObject *)lbs, 0, n_iter);
    if (lb_used == NULL) goto fail;
    mlc_gmm_free(&g);
    Py_DECREF(X);
    Py_DECREF(lbs);
    PyObject *out = Py_BuildValue("OOOONnO", PyTuple_GET_ITEM(params, 0), PyTuple_GET_ITEM(params, 1),
                                  PyTuple_GET_ITEM(params, 2), PyTuple_GET_ITEM(params, 3), lb_used,
                                  (Py_ssize_t)n_iter, converged ? Py_True : Py_False);
    Py_DECREF(params);
    return out;
fail:
    mlc_gmm_free(&g);
    Py_XDECREF(X);
    Py_XDECREF(lbs);
    Py_XDECREF(params);
    return NULL;
}

/* gmm_e_step(X, weights, means, precisions_cholesky, covariance_type, log_space, n_threads)
 *   -> (resp (N, K), log_prob_norm (N)) */
static PyObject *gmm_e_step(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "weights", "means", "precisions_cholesky", "covariance_type",
                             "log_space", "n_threads", NULL};
    PyObject *xo, *wo, *mo, *po;
    int type, log_space = 0, n_threads = 1;
    PyArrayObject *X = NULL, *resp = NULL, *lpn = NULL;
    mlc_gmm g;
    memset(&g, 0, sizeof g);
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOi|pi", kwlist, &xo, &wo, &mo, &po, &type, &log_space,
                                     &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    PyArrayObject *w0 = mlc_bind_array(wo, NPY_FLOAT64, 1, "weights");
    if (w0 == NULL) goto fail;
    const npy_intp k = PyArray_DIM(w0, 0);
    Py_DECREF(w0);
    if (mlc_bind_check_params(mlc_gmm_check_params(k, d, type)) < 0) goto fail;
    if (load_model(&g, wo, mo, po, type, k, d) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    resp = mlc_bind_new(2, n, k, NPY_FLOAT64);
    lpn = mlc_bind_new(1, n, 0, NPY_FLOAT64);
    if (resp == NULL || lpn == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_gmm_e_step(PyArray_DATA(resp), PyArray_DATA(lpn), &g, PyArray_DATA(X), n, log_space, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        set_status(st);
        goto fail;
    }
    mlc_gmm_free(&g);
    Py_DECREF(X);
    return Py_BuildValue("NN", resp, lpn);
fail:
    mlc_gmm_free(&g);
    Py_XDECREF(X);
    Py_XDECREF(resp);
    Py_XDECREF(lpn);
    return NULL;
}

/* gmm_m_step(X, resp, covariance_type, reg_covar, n_threads)
 *   -> (weights, means, covariances, precisions_cholesky) */
static PyObject *gmm_m_step(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "resp", "covariance_type", "reg_covar", "n_threads", NULL};
    PyObject *xo, *ro, *out = NULL;
    int type, n_threads = 1;
    double reg;
    PyArrayObject *X = NULL, *R = NULL;
    mlc_gmm g;
    memset(&g, 0, sizeof g);
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOid|i", kwlist, &xo, &ro, &type, &reg, &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    R = X ? mlc_bind_array(ro, NPY_FLOAT64, 2, "resp") : NULL;
    if (R == NULL || mlc_bind_check_dim(R, 0, PyArray_DIM(X, 0), "resp") < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), k = PyArray_DIM(R, 1);
    if (mlc_bind_check_params(mlc_gmm_check_params(k, d, type)) < 0 ||
        mlc_bind_check_params(mlc_gmm_check_fit_params(n, k, 0, 0.0, reg)) < 0)
        goto fail;
    int st = mlc_gmm_init(&g, k, d, type);
    if (mlc_bind_check_status(st) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_gmm_m_step(&g, PyArray_DATA(R), PyArray_DATA(X), n, reg, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        set_status(st);
        goto fail;
    }
    out = model_tuple(&g);
fail:
    mlc_gmm_free(&g);
    Py_XDECREF(X);
    Py_XDECREF(R);
    return out;
}

/* gmm_precisions_cholesky(precisions, n_components, n_features, covariance_type) -> factor U with
 * precision = U U^T (upper), or sqrt for diag/spherical; ValueError if not positive definite. */
static PyObject *gmm_precisions_cholesky(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *po;
    Py_ssize_t k, d;
    int type;
    PyArrayObject *P = NULL, *U = NULL;
    if (!PyArg_ParseTuple(args, "Onni", &po, &k, &d, &type)) return NULL;
    if (mlc_bind_check_params(mlc_gmm_check_params(k, d, type)) < 0) return NULL;
    npy_intp dp[3];
    const int np = cov_shape(dp, k, d, type);
    P = shaped(po, np, dp, "precisions");
    if (P == NULL) goto fail;
    U = mlc_bind_new_shape(np, dp, NPY_FLOAT64, 0);
    if (U == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_gmm_precisions_cholesky(PyArray_DATA(U), PyArray_DATA(P), k, d, type);
    Py_END_ALLOW_THREADS
    if (st == MLC_ENUMERIC) {
        PyErr_SetString(PyExc_ValueError, "precisions must be symmetric, positive-definite");
        goto fail;
    }
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(P);
    return (PyObject *)U;
fail:
    Py_XDECREF(P);
    Py_XDECREF(U);
    return NULL;
}

PyMethodDef mlc_mixture_methods[] = {
    {"gmm_fit", MLC_BIND_FN(gmm_fit), MLC_BIND_KW,
     "gmm_fit(X, weights, means, precisions_cholesky, covariance_type, max_iter, tol, reg_covar, "
     "prev_lower_bound, n_threads=1) -> (weights, means, covariances, precisions_cholesky, "
     "lower_bounds, n_iter, converged)"},
    {"gmm_e_step", MLC_BIND_FN(gmm_e_step), MLC_BIND_KW,
     "gmm_e_step(X, weights, means, precisions_cholesky, covariance_type, log_space=False, "
     "n_threads=1) -> (resp, log_prob_norm)"},
    {"gmm_m_step", MLC_BIND_FN(gmm_m_step), MLC_BIND_KW,
     "gmm_m_step(X, resp, covariance_type, reg_covar, n_threads=1) -> (weights, means, covariances, "
     "precisions_cholesky)"},
    {"gmm_precisions_cholesky", gmm_precisions_cholesky, METH_VARARGS,
     "gmm_precisions_cholesky(precisions, n_components, n_features, covariance_type) -> precisions_cholesky"},
    {NULL, NULL, 0, NULL},
};
