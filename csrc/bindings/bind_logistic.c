/* bind_logistic.c: logistic regression and the optimizers:
 * logistic_fit, logistic_loss_grad, optim_line_search. */
#include "bind.h"

#include <math.h>
#include <string.h>
#include "linear/logistic.h"

/* X (N, D) float64, y (N) int32 codes in [0, n_classes), sample_weight (N) or None. 0 or -1. */
static int load_labels(PyObject *yo, PyObject *swo, Py_ssize_t n_classes, npy_intp n, PyArrayObject **y,
                       PyArrayObject **sw) {
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

/* X (N, D) float64, y (N) int32 codes in [0, n_classes), sample_weight (N) or None. 0 or -1. */
static int load_data(PyObject *xo, PyObject *yo, PyObject *swo, Py_ssize_t n_classes, PyArrayObject **X,
                     PyArrayObject **y, PyArrayObject **sw) {
    *X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (*X == NULL) return -1;
    return load_labels(yo, swo, n_classes, PyArray_DIM(*X, 0), y, sw);
}

/* logistic_fit(X, y, sample_weight, w0, n_classes, solver, penalty, C, l1_ratio, fit_intercept, max_iter, tol,
 *              batch_size, lr_schedule, learning_rate, power_t, lr_decay, lr_step_size, momentum, beta1, beta2,
 *              eps, seed, lbfgs_memory, n_iter_no_change, n_threads, line_search=0 (More-Thuente; 1: backtracking))
 *   -> (w, loss_curve, objective_curve, n_iter, converged); X dense or a CSR tuple (mlc_bind_rows). */
static PyObject *logistic_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "w0", "n_classes", "solver", "penalty", "C", "l1_ratio",
                             "fit_intercept", "max_iter", "tol", "batch_size", "lr_schedule", "learning_rate",
                             "power_t", "lr_decay", "lr_step_size", "momentum", "beta1", "beta2", "eps", "seed",
                             "lbfgs_memory", "n_iter_no_change", "n_threads", "line_search", NULL};
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
    mlc_bind_csr A = {NULL, NULL, NULL, 0, 0, 0};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOniiddpnd|nidddnddddKinii", kwlist, &xo, &yo, &swo, &wo,
                                     &n_classes, &p.solver, &p.penalty, &p.C, &p.l1_ratio, &fit_intercept, &max_iter,
                                     &p.tol, &batch_size, &p.lr.kind, &p.lr.eta0, &p.lr.power, &p.lr.gamma,
                                     &step_size, &p.momentum, &p.beta1, &p.beta2, &p.eps, &seed, &p.lbfgs_memory, &no_change,
                                     &n_threads, &p.line_search))
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
    npy_intp n = 0, d = 0;
    if (mlc_bind_rows(xo, &X, &A, &n, &d) < 0 || load_labels(yo, swo, n_classes, n, &y, &sw) < 0) goto fail;
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
    lc = mlc_bind_new(1, max_iter + 1, 0, NPY_FLOAT64);
    oc = mlc_bind_new(1, max_iter + 1, 0, NPY_FLOAT64);
    if (w == NULL || lc == NULL || oc == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int64_t n_curve = 0, n_iter = 0;
    int converged = 0, st;
    const double *swd = mlc_bind_data(sw);
    Py_BEGIN_ALLOW_THREADS
    if (X != NULL)
        st = mlc_logistic_fit(PyArray_DATA(w), PyArray_DATA(lc), PyArray_DATA(oc), &n_curve, &n_iter, &converged,
                              PyArray_DATA(X), PyArray_DATA(y), swd, n, d, n_classes, &p, n_threads, &mlc_bind_interrupt);
    else
        st = mlc_logistic_fit_csr(PyArray_DATA(w), PyArray_DATA(lc), PyArray_DATA(oc), &n_curve, &n_iter, &converged,
                                  PyArray_DATA(A.data), PyArray_DATA(A.indices), PyArray_DATA(A.indptr),
                                  PyArray_DATA(y), swd, n, d, n_classes, &p, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    PyObject *lcu = PySequence_GetSlice((PyObject *)lc, 0, n_curve);
    PyObject *ocu = lcu ? PySequence_GetSlice((PyObject *)oc, 0, n_curve) : NULL;
    if (ocu == NULL) {
        Py_XDECREF(lcu);
        goto fail;
    }
    Py_XDECREF(X);
    mlc_bind_csr_clear(&A);
    Py_DECREF(y);
    Py_XDECREF(sw);
    Py_DECREF(lc);
    Py_DECREF(oc);
    return Py_BuildValue("NNNnO", w, lcu, ocu, (Py_ssize_t)n_iter, converged ? Py_True : Py_False);
fail:
    Py_XDECREF(X);
    mlc_bind_csr_clear(&A);
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
    g = mlc_bind_new(1, P, 0, NPY_FLOAT64);
    if (g == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    double loss = 0.0;
    int st;
    const double *swd = mlc_bind_data(sw);
    Py_BEGIN_ALLOW_THREADS
    st = mlc_logistic_loss_grad(&loss, PyArray_DATA(g), PyArray_DATA(w), PyArray_DATA(X), PyArray_DATA(y), swd, n, d,
                                n_classes, fit_intercept, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
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

/* The objective of optim_line_search: a Python callable fn(w) -> (f, grad), called with the GIL
 * held (this kernel cannot release it: every evaluation is Python). A Python error stops the
 * search with MLC_EINVAL and stays set for the binding to raise. */
typedef struct {
    PyObject *fn;
    npy_intp p;
} py_objective;

static int py_objective_fn(void *ctx, const double *w, double *grad, double *loss) {
    const py_objective *o = ctx;
    PyArrayObject *wa = mlc_bind_new(1, o->p, 0, NPY_FLOAT64);
    PyObject *res = NULL;
    PyArrayObject *ga = NULL;
    int st = MLC_EINVAL;
    if (wa == NULL) return MLC_EINVAL;
    memcpy(PyArray_DATA(wa), w, sizeof(double) * o->p);
    res = PyObject_CallOneArg(o->fn, (PyObject *)wa);
    if (res == NULL) goto fail;
    if (!PyTuple_Check(res) || PyTuple_GET_SIZE(res) != 2) {
        PyErr_SetString(PyExc_TypeError, "fn must return a tuple (f, grad)");
        goto fail;
    }
    *loss = PyFloat_AsDouble(PyTuple_GET_ITEM(res, 0));
    if (*loss == -1.0 && PyErr_Occurred()) goto fail;
    ga = mlc_bind_array(PyTuple_GET_ITEM(res, 1), NPY_FLOAT64, 1, "grad");
    if (ga == NULL || mlc_bind_check_dim(ga, 0, o->p, "grad") < 0) goto fail;
    if (grad != NULL) memcpy(grad, PyArray_DATA(ga), sizeof(double) * o->p);
    st = isfinite(*loss) ? MLC_OK : MLC_ENUMERIC;
fail:
    Py_XDECREF(ga);
    Py_XDECREF(res);
    Py_DECREF(wa);
    return st;
}

/* optim_line_search(fn, w, d, step=1.0, ftol=1e-4, gtol=0.9, xtol=0.1, step_max=1e20, max_eval=20)
 *   -> (step, f_new, w_new, g_new, n_eval, converged): the More-Thuente search of optim.c along d
 *   from w, for f(w), grad f(w) = fn(w). converged: the strong Wolfe conditions hold at w_new. */
static PyObject *optim_line_search(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"fn", "w", "d", "step", "ftol", "gtol", "xtol", "step_max", "max_eval", NULL};
    PyObject *fo, *wo, *dobj;
    double step = 1.0, ftol = 1e-4, gtol = 0.9, xtol = 0.1, step_max = 1e20;
    Py_ssize_t max_eval = 20;
    PyArrayObject *w = NULL, *d = NULL, *g0 = NULL, *wn = NULL, *gn = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|dddddn", kwlist, &fo, &wo, &dobj, &step, &ftol, &gtol, &xtol,
                                     &step_max, &max_eval))
        return NULL;
    if (!PyCallable_Check(fo)) {
        PyErr_SetString(PyExc_TypeError, "fn must be callable");
        return NULL;
    }
    if (!(ftol > 0 && ftol < 1 && gtol > 0 && gtol < 1) || !(xtol >= 0) || !(step > 0) || !(step_max > 0) || max_eval < 1) {
        PyErr_SetString(PyExc_ValueError,
                        "need 0 < ftol < 1, 0 < gtol < 1, xtol >= 0, step > 0, step_max > 0 and max_eval >= 1");
        return NULL;
    }
    w = mlc_bind_array(wo, NPY_FLOAT64, 1, "w");
    if (w == NULL) goto fail;
    const npy_intp p = PyArray_DIM(w, 0);
    d = mlc_bind_array(dobj, NPY_FLOAT64, 1, "d");
    if (d == NULL || mlc_bind_check_dim(d, 0, p, "d") < 0) goto fail;
    if (p < 1) {
        PyErr_SetString(PyExc_ValueError, "w must not be empty");
        goto fail;
    }
    g0 = mlc_bind_new(1, p, 0, NPY_FLOAT64);
    wn = mlc_bind_new(1, p, 0, NPY_FLOAT64);
    gn = mlc_bind_new(1, p, 0, NPY_FLOAT64);
    if (g0 == NULL || wn == NULL || gn == NULL) goto fail;
    py_objective obj = {fo, p};
    double f0 = 0.0, f_new = 0.0;
    int64_t n_eval = 0;
    int st = py_objective_fn(&obj, PyArray_DATA(w), PyArray_DATA(g0), &f0);
    if (st == MLC_OK)
        st = mlc_optim_line_search_more_thuente(&step, PyArray_DATA(wn), &f_new, PyArray_DATA(gn), &n_eval,
                                                py_objective_fn, &obj, PyArray_DATA(w), f0, PyArray_DATA(g0),
                                                PyArray_DATA(d), p, ftol, gtol, xtol, step_max, max_eval);
    if (PyErr_Occurred()) goto fail;
    if (st == MLC_EINVAL) {
        PyErr_SetString(PyExc_ValueError, "d is not a descent direction at w (grad f(w).d must be < 0)");
        goto fail;
    }
    if (st != MLC_ENOTCONVERGED && mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(w);
    Py_DECREF(d);
    Py_DECREF(g0);
    return Py_BuildValue("ddNNnO", step, f_new, wn, gn, (Py_ssize_t)n_eval, st == MLC_OK ? Py_True : Py_False);
fail:
    Py_XDECREF(w);
    Py_XDECREF(d);
    Py_XDECREF(g0);
    Py_XDECREF(wn);
    Py_XDECREF(gn);
    return NULL;
}

PyMethodDef mlc_logistic_methods[] = {
    {"logistic_fit", MLC_BIND_FN(logistic_fit), MLC_BIND_KW,
     "logistic_fit(X, y, sample_weight, w0, n_classes, solver, penalty, C, l1_ratio, fit_intercept, max_iter, tol, "
     "...) -> (w, loss_curve, objective_curve, n_iter, converged)"},
    {"logistic_loss_grad", MLC_BIND_FN(logistic_loss_grad), MLC_BIND_KW,
     "logistic_loss_grad(X, y, w, n_classes, fit_intercept, sample_weight=None, n_threads=1) -> (loss, grad)"},
    {"optim_line_search", MLC_BIND_FN(optim_line_search), MLC_BIND_KW,
     "optim_line_search(fn, w, d, step=1.0, ftol=1e-4, gtol=0.9, xtol=0.1, step_max=1e20, max_eval=20) -> "
     "(step, f_new, w_new, g_new, n_eval, converged): More-Thuente along d; fn(w) -> (f, grad)"},
    {NULL, NULL, 0, NULL},
};
