/* bind_logistic.c: logistic regression and the first-order optimizers:
 * logistic_fit, logistic_loss_grad. */
#include "bind.h"

#include <string.h>
#include "linear/logistic.h"

/* X (N, D) float64, y (N) int32 codes in [0, n_classes), sample_weight (N) or None. 0 or -1. */
static int load_data(PyObject *xo, PyObject *yo, PyObject *swo, Py_ssize_t n_classes, PyArrayObject **X,
                     PyArrayObject **y, PyArrayObject **sw) {
    *X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (*X == NULL) return -1;
    const npy_intp n = PyArray_DIM(*X, 0);
    *y = mlc_bind_array(yo, NPY_INT32, 1, "y");
    if (*y == NULL || mlc_bind_check_dim(*y, 0, n, "y") < 0) return -1;
    const int32_t *yd = PyArray_DATA(*y);
    for (npy_intp i = 0; i < n; i++)
        if (yd[i] < 0 || yd[i] >= n_classes) {
            PyErr_SetString(PyExc_ValueError, "y must hold class codes in [0, n_classes)");
            return -1;
        }
    return mlc_bind_weights(swo, NPY_FLOAT64, n, sw);
}

/* logistic_fit(X, y, sample_weight, w0, n_classes, solver, penalty, C, l1_ratio, fit_intercept, max_iter, tol,
 *              batch_size, lr_schedule, learning_rate, power_t, lr_decay, lr_step_size, momentum, beta1, beta2,
 *              eps, seed, lbfgs_memory, n_iter_no_change, n_threads)
 *   -> (w, loss_curve, objective_curve, n_iter, converged) */
static PyObject *logistic_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "w0", "n_classes", "solver", "penalty", "C", "l1_ratio",
                             "fit_intercept", "max_iter", "tol", "batch_size", "lr_schedule", "learning_rate",
                             "power_t", "lr_decay", "lr_step_size", "momentum", "beta1", "beta2", "eps", "seed",
                             "lbfgs_memory", "n_iter_no_change", "n_threads", NULL};
    PyObject *xo, *yo, *swo, *wo;
    Py_ssize_t n_classes, max_iter, batch_size = 1, step_size = 1, no_change = 5;
    unsigned long long seed = 0;
    int n_threads = 1, fit_intercept = 1;
    mlc_logistic_params p;
    memset(&p, 0, sizeof p);
    p.l1_ratio = 0.0;
    p.lr.kind = MLC_LR_CONSTANT;
    p.lr.eta0 = 0.1;
    p.lr.power = 0.5;
    p.lr.gamma = 1.0;
    p.momentum = 0.9;
    p.beta1 = 0.9;
    p.beta2 = 0.999;
    p.eps = 1e-8;
    p.lbfgs_memory = 10;
    PyArrayObject *X = NULL, *y = NULL, *sw = NULL, *w = NULL, *lc = NULL, *oc = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOniiddpnd|nidddnddddKini", kwlist, &xo, &yo, &swo, &wo,
                                     &n_classes, &p.solver, &p.penalty, &p.C, &p.l1_ratio, &fit_intercept, &max_iter,
                                     &p.tol, &batch_size, &p.lr.kind, &p.lr.eta0, &p.lr.power, &p.lr.gamma,
                                     &step_size, &p.momentum, &p.beta1, &p.beta2, &p.eps, &seed, &p.lbfgs_memory, &no_change,
                                     &n_threads))
        return NULL;
    p.fit_intercept = fit_intercept;
    p.max_iter = max_iter;
    p.batch_size = batch_size;
    p.lr.step_size = step_size;
    p.seed = seed;
    p.n_iter_no_change = no_change;
    if (n_classes < 2) {
        PyErr_SetString(PyExc_ValueError, "n_classes must be >= 2");
        return NULL;
    }
    if (load_data(xo, yo, swo, n_classes, &X, &y, &sw) < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (mlc_bind_check_params(mlc_logistic_check_params(n, d, n_classes, &p)) < 0) goto fail;
    const npy_intp P = mlc_logistic_n_params(d, n_classes, fit_intercept);
    PyArrayObject *w0 = mlc_bind_array(wo, NPY_FLOAT64, 1, "w0");
    if (w0 == NULL) goto fail;
    if (mlc_bind_check_dim(w0, 0, P, "w0") < 0) {
        Py_DECREF(w0);
        goto fail;
    }
    w = (PyArrayObject *)PyArray_NewCopy(w0, NPY_CORDER);
    Py_DECREF(w0);
    npy_intp dc[1] = {max_iter + 1};
    lc = (PyArrayObject *)PyArray_SimpleNew(1, dc, NPY_FLOAT64);
    oc = (PyArrayObject *)PyArray_SimpleNew(1, dc, NPY_FLOAT64);
    if (w == NULL || lc == NULL || oc == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int64_t n_curve = 0, n_iter = 0;
    int converged = 0, st;
    const double *swd = sw != NULL ? PyArray_DATA(sw) : NULL;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_logistic_fit(PyArray_DATA(w), PyArray_DATA(lc), PyArray_DATA(oc), &n_curve, &n_iter, &converged,
                          PyArray_DATA(X), PyArray_DATA(y), swd, n, d, n_classes, &p, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        mlc_bind_status(st);
        goto fail;
    }
    PyObject *lcu = PySequence_GetSlice((PyObject *)lc, 0, n_curve);
    PyObject *ocu = lcu ? PySequence_GetSlice((PyObject *)oc, 0, n_curve) : NULL;
    if (ocu == NULL) {
        Py_XDECREF(lcu);
        goto fail;
    }
    Py_DECREF(X);
    Py_DECREF(y);
    Py_XDECREF(sw);
    Py_DECREF(lc);
    Py_DECREF(oc);
    return Py_BuildValue("NNNnO", w, lcu, ocu, (Py_ssize_t)n_iter, converged ? Py_True : Py_False);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(sw);
    Py_XDECREF(w);
    Py_XDECREF(lc);
    Py_XDECREF(oc);
    return NULL;
}

/* logistic_loss_grad(X, y, w, n_classes, fit_intercept, sample_weight=None, n_threads=1) -> (loss, grad):
 * the scaled data loss sum s_i loss_i / sum s_i and its gradient, no penalty. */
static PyObject *logistic_loss_grad(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "w", "n_classes", "fit_intercept", "sample_weight", "n_threads", NULL};
    PyObject *xo, *yo, *wo, *swo = Py_None;
    Py_ssize_t n_classes;
    int fit_intercept, n_threads = 1;
    PyArrayObject *X = NULL, *y = NULL, *sw = NULL, *w = NULL, *g = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOnp|Oi", kwlist, &xo, &yo, &wo, &n_classes, &fit_intercept, &swo,
                                     &n_threads))
        return NULL;
    if (n_classes < 2) {
        PyErr_SetString(PyExc_ValueError, "n_classes must be >= 2");
        return NULL;
    }
    if (load_data(xo, yo, swo, n_classes, &X, &y, &sw) < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "X must have at least one sample");
        goto fail;
    }
    const npy_intp P = mlc_logistic_n_params(d, n_classes, fit_intercept);
    w = mlc_bind_array(wo, NPY_FLOAT64, 1, "w");
    if (w == NULL || mlc_bind_check_dim(w, 0, P, "w") < 0) goto fail;
    npy_intp dp[1] = {P};
    g = (PyArrayObject *)PyArray_SimpleNew(1, dp, NPY_FLOAT64);
    if (g == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    double loss = 0.0;
    int st;
    const double *swd = sw != NULL ? PyArray_DATA(sw) : NULL;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_logistic_loss_grad(&loss, PyArray_DATA(g), PyArray_DATA(w), PyArray_DATA(X), PyArray_DATA(y), swd, n, d,
                                n_classes, fit_intercept, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) {
        mlc_bind_status(st);
        goto fail;
    }
    Py_DECREF(X);
    Py_DECREF(y);
    Py_XDECREF(sw);
    Py_DECREF(w);
    return Py_BuildValue("dN", loss, g);
fail:
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(sw);
    Py_XDECREF(w);
    Py_XDECREF(g);
    return NULL;
}

PyMethodDef mlc_logistic_methods[] = {
    {"logistic_fit", (PyCFunction)(void (*)(void))logistic_fit, METH_VARARGS | METH_KEYWORDS,
     "logistic_fit(X, y, sample_weight, w0, n_classes, solver, penalty, C, l1_ratio, fit_intercept, max_iter, tol, "
     "...) -> (w, loss_curve, objective_curve, n_iter, converged)"},
    {"logistic_loss_grad", (PyCFunction)(void (*)(void))logistic_loss_grad, METH_VARARGS | METH_KEYWORDS,
     "logistic_loss_grad(X, y, w, n_classes, fit_intercept, sample_weight=None, n_threads=1) -> (loss, grad)"},
    {NULL, NULL, 0, NULL},
};
