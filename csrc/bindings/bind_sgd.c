/* bind_sgd.c: SGDClassifier / SGDRegressor epochs: sgd_fit. */
#include "bind.h"

#include <math.h>
#include <string.h>
#include "linear/sgd.h"

/* An optional in-place float64 array of shape (d0) or (d0, d1) (d1 < 0: 1-D). 0 or -1. */
static int inplace_f64(PyObject *obj, npy_intp d0, npy_intp d1, const char *name, int optional, double **out) {
    PyArrayObject *a;
    *out = NULL;
    if (mlc_bind_inplace(obj, NPY_FLOAT64, d1 < 0 ? 1 : 2, name, MLC_BIND_OUT | (optional ? MLC_BIND_OPTIONAL : 0),
                         &a) < 0)
        return -1;
    if (a == NULL) return 0;
    if (mlc_bind_check_dim(a, 0, d0, name) < 0 || (d1 >= 0 && mlc_bind_check_dim(a, 1, d1, name) < 0)) return -1;
    *out = PyArray_DATA(a);
    return 0;
}

/* sgd_fit(X, y, codes, pos_code, weight_pos, weight_neg, sample_weight, val_mask,
 *         coef, intercept, avg_coef, avg_intercept, optim_m, optim_v, optim_t, t0, loss, epsilon, penalty,
 *         alpha, l1_ratio, fit_intercept, max_iter, tol, n_iter_no_change, shuffle, seed, learning_rate, eta0,
 *         power_t, early_stopping, intercept_decay, average, optimizer, batch_size, momentum, beta1, beta2, eps,
 *         n_threads, X_indices=None, X_indptr=None, n_features=0)
 *   X (N, D) float64, or with X_indptr the data (NNZ) float64 of a CSR X (N, n_features).
 *   Trains K problems in place (coef (K, D), intercept (K), ... see csrc/linear/sgd.h); y (N) float64 for
 *   regression or None, codes (N) int32 and pos_code (K) int32 for classification.
 *   -> (n_iter (K) int64, loss_curve (K, max_iter), objective_curve (K, max_iter), score_curve or None) */
static PyObject *sgd_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "codes", "pos_code", "weight_pos", "weight_neg", "sample_weight", "val_mask",
                             "coef", "intercept", "avg_coef", "avg_intercept", "optim_m", "optim_v", "optim_t", "t0",
                             "loss", "epsilon", "penalty", "alpha", "l1_ratio", "fit_intercept", "max_iter", "tol",
                             "n_iter_no_change", "shuffle", "seed", "learning_rate", "eta0", "power_t",
                             "early_stopping", "intercept_decay", "average", "optimizer", "batch_size", "momentum",
                             "beta1", "beta2", "eps", "n_threads", "X_indices", "X_indptr", "n_features", NULL};
    PyObject *xo, *yo, *co, *po, *wpo, *wno, *swo, *vmo, *coefo, *into, *aco, *aio, *mo, *vo, *to;
    PyObject *xio = Py_None, *xpo = Py_None;
    long long n_cols = 0;
    mlc_bind_csr A = {0};
    double t0;
    long long max_iter, no_change, average, batch_size = 1;
    unsigned long long seed;
    int n_threads = 1;
    mlc_sgd_params p;
    memset(&p, 0, sizeof p);
    p.optimizer = MLC_OPTIM_PLAIN_SGD;
    p.momentum = 0.9;
    p.beta1 = 0.9;
    p.beta2 = 0.999;
    p.eps = 1e-8;
    PyArrayObject *X = NULL, *y = NULL, *codes = NULL, *pos = NULL, *wp = NULL, *wn = NULL, *sw = NULL, *vm = NULL;
    PyArrayObject *n_iter = NULL, *lc = NULL, *oc = NULL, *sc = NULL, *ot = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOOOOOOOOdididdiLdLiKiddidL|iLddddiOOL", kwlist, &xo, &yo, &co,
                                     &po, &wpo, &wno, &swo, &vmo, &coefo, &into, &aco, &aio, &mo, &vo, &to, &t0,
                                     &p.loss, &p.epsilon, &p.penalty, &p.alpha, &p.l1_ratio, &p.fit_intercept,
                                     &max_iter, &p.tol, &no_change, &p.shuffle, &seed, &p.learning_rate, &p.eta0,
                                     &p.power_t, &p.early_stopping, &p.intercept_decay, &average, &p.optimizer,
                                     &batch_size, &p.momentum, &p.beta1, &p.beta2, &p.eps, &n_threads, &xio, &xpo,
                                     &n_cols))
        return NULL;
    p.max_iter = max_iter;
    p.n_iter_no_change = no_change;
    p.seed = seed;
    p.average = average;
    p.batch_size = batch_size;
    const int sparse = xpo != Py_None;
    if (sparse) {
        if (mlc_bind_csr_from(&A, xo, xio, xpo, n_cols) < 0) goto fail;
        if (PyArray_TYPE(A.data) != NPY_FLOAT64) {
            PyErr_SetString(PyExc_TypeError, "data must be float64");
            goto fail;
        }
    } else {
        X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
        if (X == NULL) goto fail;
    }
    const npy_intp n = sparse ? A.n : PyArray_DIM(X, 0), d = sparse ? A.d : PyArray_DIM(X, 1);
    const int regression = yo != Py_None;
    if (regression) {
        y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y");
        if (y == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    } else {
        codes = mlc_bind_array(co, NPY_INT32, 1, "codes");
        if (codes == NULL || mlc_bind_check_dim(codes, 0, n, "codes") < 0) goto fail;
        pos = mlc_bind_array(po, NPY_INT32, 1, "pos_code");
        if (pos == NULL) goto fail;
    }
    const npy_intp K = regression ? 1 : PyArray_DIM(pos, 0);
    if (wpo != Py_None) {
        wp = mlc_bind_array(wpo, NPY_FLOAT64, 1, "weight_pos");
        if (wp == NULL || mlc_bind_check_dim(wp, 0, K, "weight_pos") < 0) goto fail;
    }
    if (wno != Py_None) {
        wn = mlc_bind_array(wno, NPY_FLOAT64, 1, "weight_neg");
        if (wn == NULL || mlc_bind_check_dim(wn, 0, K, "weight_neg") < 0) goto fail;
    }
    if (mlc_bind_weights(swo, NPY_FLOAT64, n, &sw) < 0) goto fail;
    if (vmo != Py_None) {
        vm = mlc_bind_array(vmo, NPY_UINT8, 1, "val_mask");
        if (vm == NULL || mlc_bind_check_dim(vm, 0, n, "val_mask") < 0) goto fail;
    }
    if (mlc_bind_check_params(mlc_sgd_check_params(n, d, K, regression, &p)) < 0) goto fail;
    mlc_sgd_model model;
    memset(&model, 0, sizeof model);
    const int plain = p.optimizer == MLC_OPTIM_PLAIN_SGD, avg = p.average > 0;
    if (inplace_f64(coefo, K, d, "coef", 0, &model.coef) < 0 || inplace_f64(into, K, -1, "intercept", 0,
                                                                            &model.intercept) < 0 ||
        inplace_f64(aco, K, d, "avg_coef", !avg, &model.avg_coef) < 0 ||
        inplace_f64(aio, K, -1, "avg_intercept", !avg, &model.avg_intercept) < 0 ||
        inplace_f64(mo, K, d + 1, "optim_m", plain, &model.optim_m) < 0 ||
        inplace_f64(vo, K, d + 1, "optim_v", plain, &model.optim_v) < 0)
        goto fail;
    if (avg && (model.avg_coef == NULL || model.avg_intercept == NULL)) {
        PyErr_SetString(PyExc_ValueError, "average > 0 needs avg_coef and avg_intercept");
        goto fail;
    }
    if (!plain) {
        if (mlc_bind_inplace(to, NPY_INT64, 1, "optim_t", MLC_BIND_OUT, &ot) < 0 ||
            mlc_bind_check_dim(ot, 0, K, "optim_t") < 0 || model.optim_m == NULL || model.optim_v == NULL) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "optimizer state arrays are required");
            goto fail;
        }
        model.optim_t = PyArray_DATA(ot);
        ot = NULL; // borrowed
    }
    n_iter = mlc_bind_new(1, K, 0, NPY_INT64);
    lc = mlc_bind_new(2, K, (npy_intp)max_iter, NPY_FLOAT64);
    oc = mlc_bind_new(2, K, (npy_intp)max_iter, NPY_FLOAT64);
    if (n_iter == NULL || lc == NULL || oc == NULL) goto fail;
    memset(PyArray_DATA(n_iter), 0, sizeof(int64_t) * (size_t)K);
    if (p.early_stopping) {
        sc = mlc_bind_new(2, K, (npy_intp)max_iter, NPY_FLOAT64);
        if (sc == NULL) goto fail;
    }
    // epochs a problem did not run stay NaN
    for (npy_intp i = 0; i < K * (npy_intp)max_iter; i++) {
        ((double *)PyArray_DATA(lc))[i] = NAN;
        ((double *)PyArray_DATA(oc))[i] = NAN;
        if (sc != NULL) ((double *)PyArray_DATA(sc))[i] = NAN;
    }
    mlc_sgd_history hist = {PyArray_DATA(lc), PyArray_DATA(oc), mlc_bind_data(sc), PyArray_DATA(n_iter)};
    if (n_threads < 1) n_threads = 1;
    const double *yd = mlc_bind_data(y), *wpd = mlc_bind_data(wp);
    const double *wnd = mlc_bind_data(wn), *swd = mlc_bind_data(sw);
    const int32_t *cd = mlc_bind_data(codes), *pd = mlc_bind_data(pos);
    const uint8_t *vmd = mlc_bind_data(vm);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_sgd_fit(&model, &hist, PyArray_DATA(sparse ? A.data : X), mlc_bind_data(A.indices),
                     mlc_bind_data(A.indptr), yd, cd, pd, wpd, wnd, swd, vmd, n, d, K, t0, &p, n_threads,
                     &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (st == MLC_ENUMERIC) {
        const int64_t *ni = PyArray_DATA(n_iter);
        int64_t epoch = 0;
        for (npy_intp k = 0; k < K; k++) epoch = MLC_MAX(epoch, ni[k]);
        PyErr_Format(PyExc_ValueError,
                     "Floating-point under-/overflow occurred at epoch #%lld. Scaling input data with "
                     "StandardScaler or MinMaxScaler might help.", (long long)epoch);
        goto fail;
    }
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(codes);
    Py_XDECREF(pos);
    Py_XDECREF(wp);
    Py_XDECREF(wn);
    Py_XDECREF(sw);
    Py_XDECREF(vm);
    if (sc == NULL) {
        Py_INCREF(Py_None);
        sc = (PyArrayObject *)Py_None;
    }
    return Py_BuildValue("NNNN", n_iter, lc, oc, sc);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(codes);
    Py_XDECREF(pos);
    Py_XDECREF(wp);
    Py_XDECREF(wn);
    Py_XDECREF(sw);
    Py_XDECREF(vm);
    Py_XDECREF(n_iter);
    Py_XDECREF(lc);
    Py_XDECREF(oc);
    Py_XDECREF(sc);
    return NULL;
}

PyMethodDef mlc_sgd_methods[] = {
    {"sgd_fit", MLC_BIND_FN(sgd_fit), MLC_BIND_KW,
     "sgd_fit(X, y, codes, pos_code, weight_pos, weight_neg, sample_weight, val_mask, coef, intercept, avg_coef, "
     "avg_intercept, optim_m, optim_v, optim_t, t0, loss, epsilon, penalty, alpha, l1_ratio, fit_intercept, "
     "max_iter, tol, n_iter_no_change, shuffle, seed, learning_rate, eta0, power_t, early_stopping, "
     "intercept_decay, average, optimizer, batch_size=1, momentum=0.9, beta1=0.9, beta2=0.999, eps=1e-8, "
     "n_threads=1, X_indices=None, X_indptr=None, n_features=0) -> (n_iter, loss_curve, objective_curve, score_curve "
     "or None)"},
    {NULL, NULL, 0, NULL},
};
