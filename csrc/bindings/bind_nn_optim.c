/* bind_nn_optim.c: network optimisers over the flat buffer, clipping, initialisers, the MLP's
 * full-batch objective and its lbfgs solver (nn/optimizer.h, nn/init.h, nn/mlp.h). Every array is
 * passed in place (mlc_bind_inplace: float32, C-contiguous, borrowed references); only the MLP's
 * scratch and curves are new arrays. */
#include "bind.h"

#include "nn/init.h"
#include "nn/mlp.h"
#include "nn/optimizer.h"

/* nn_optim_step(params, grads, state, method, step, lr, momentum=0, dampening=0, nesterov=False, beta1=0.9,
 *               beta2=0.999, eps=1e-8, weight_decay=0, l1=0, decay_mask=None, alpha=0.99, centered=False)
 *               -> None */
static PyObject *nn_optim_step(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"params", "grads", "state", "method", "step", "lr", "momentum", "dampening",
                             "nesterov", "beta1", "beta2", "eps", "weight_decay", "l1", "decay_mask", "alpha",
                             "centered", NULL};
    PyObject *po, *go, *so, *mo = Py_None;
    Py_ssize_t step;
    mlc_nn_optim_params p = {0, 0.0, 0.0, 0.0, 0, 0.9, 0.999, 1e-8, 0.0, 0.0, 0.99, 0};
    PyArrayObject *params, *grads, *state, *mask;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOind|ddpdddddOdp", kwlist, &po, &go, &so, &p.method, &step, &p.lr,
                                     &p.momentum, &p.dampening, &p.nesterov, &p.beta1, &p.beta2, &p.eps,
                                     &p.weight_decay, &p.l1, &mo, &p.alpha, &p.centered))
        return NULL;
    if (mlc_bind_inplace(po, NPY_FLOAT32, 1, "params", MLC_BIND_OUT, &params) < 0) goto fail;
    const npy_intp P = PyArray_DIM(params, 0);
    if (mlc_bind_inplace(go, NPY_FLOAT32, 1, "grads", MLC_BIND_IN, &grads) < 0 ||
        mlc_bind_check_dim(grads, 0, P, "grads") < 0)
        goto fail;
    if (mlc_bind_inplace(mo, NPY_FLOAT32, 1, "decay_mask", MLC_BIND_OPTIONAL, &mask) < 0 ||
        (mask != NULL && mlc_bind_check_dim(mask, 0, P, "decay_mask") < 0))
        goto fail;
    if (mlc_bind_check_params(mlc_nn_optim_check_params(&p, step)) < 0) goto fail;
    if (mlc_bind_inplace(so, NPY_FLOAT32, 2, "state", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &state) < 0) goto fail;
    const int64_t rows = mlc_nn_optim_state_rows(&p);
    if (state != NULL && mlc_bind_check_dim(state, 1, P, "state") < 0) goto fail;
    // rows beyond the method's are left untouched, so one (3, P) state serves every method
    if (rows > 0 && (state == NULL || PyArray_DIM(state, 0) < rows)) {
        PyErr_Format(PyExc_ValueError, "state: this optimizer needs a (%lld, P) array of state rows, got %s",
                     (long long)rows, state == NULL ? "None" : "fewer rows");
        goto fail;
    }
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_optim_step(PyArray_DATA(params), mlc_bind_data(state), PyArray_DATA(grads),
                           mlc_bind_data(mask), P, &p, step, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) return mlc_bind_status(st);
    Py_RETURN_NONE;
fail:
    return NULL;
}

/* nn_clip_grad_norm(grads, max_norm, norm_type=2.0) -> float: the total norm before clipping. */
static PyObject *nn_clip_grad_norm(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"grads", "max_norm", "norm_type", NULL};
    PyObject *go;
    double max_norm, norm_type = 2.0;
    PyArrayObject *grads;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Od|d", kwlist, &go, &max_norm, &norm_type)) return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT32, -1, "grads", MLC_BIND_OUT, &grads) < 0) return NULL;
    if (mlc_bind_check_params(mlc_nn_clip_grad_norm_check_params(max_norm, norm_type)) < 0) return NULL;
    const int64_t P = PyArray_SIZE(grads);
    const int n_threads = mlc_get_num_threads();
    double total = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_clip_grad_norm(&total, PyArray_DATA(grads), P, max_norm, norm_type, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) return mlc_bind_status(st);
    return PyFloat_FromDouble(total);
}

/* nn_clip_grad_value(grads, clip_value) -> None */
static PyObject *nn_clip_grad_value(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"grads", "clip_value", NULL};
    PyObject *go;
    double v;
    PyArrayObject *grads;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Od", kwlist, &go, &v)) return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT32, -1, "grads", MLC_BIND_OUT, &grads) < 0) return NULL;
    if (!(v >= 0)) {
        PyErr_SetString(PyExc_ValueError, "clip_value must be >= 0");
        return NULL;
    }
    const int64_t P = PyArray_SIZE(grads);
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_clip_grad_value(PyArray_DATA(grads), P, v, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) return mlc_bind_status(st);
    Py_RETURN_NONE;
}

/* nn_init(out, kind, fan_in, fan_out, gain, seed) -> None */
static PyObject *nn_init(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "kind", "fan_in", "fan_out", "gain", "seed", NULL};
    PyObject *oo;
    int kind;
    Py_ssize_t fan_in, fan_out;
    double gain;
    unsigned long long seed;
    PyArrayObject *out;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OinndK", kwlist, &oo, &kind, &fan_in, &fan_out, &gain, &seed))
        return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, -1, "out", MLC_BIND_OUT, &out) < 0) return NULL;
    if (mlc_bind_check_params(mlc_nn_init_check_params(kind, fan_in, fan_out, gain)) < 0) return NULL;
    const int64_t n = PyArray_SIZE(out);
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_init(PyArray_DATA(out), n, kind, fan_in, fan_out, gain, seed, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) return mlc_bind_status(st);
    Py_RETURN_NONE;
}

/* ---- MLP ---------------------------------------------------------------------------------------- */

/* The network and data arguments shared by nn_mlp_objective and nn_mlp_fit_lbfgs: checks them, fills
 * *m (its widths pointing into `widths`) and returns N, or -1 with an exception. X is a float32 (N, n_0)
 * array (*X, borrowed), or a tuple (data float32, indices, indptr) of a CSR X (*A, new references that
 * the caller clears; *X is then its data). */
static npy_intp parse_mlp(mlc_nn_mlp *m, PyArrayObject **params, PyArrayObject **X, mlc_bind_csr *A,
                          PyArrayObject **targets, PyArrayObject **sw, PyObject *po, PyObject *xo, PyObject *to,
                          PyObject *swo, PyObject *wo) {
    PyArrayObject *widths;
    if (mlc_bind_inplace(wo, NPY_INT64, 1, "widths", MLC_BIND_IN, &widths) < 0) return -1;
    m->n_layers = PyArray_DIM(widths, 0) - 1;
    m->widths = PyArray_DATA(widths);
    if (m->n_layers < 1) {
        PyErr_SetString(PyExc_ValueError, "widths: needs the input width and at least one layer");
        return -1;
    }
    npy_intp N;
    if (PyTuple_Check(xo)) {
        if (PyTuple_GET_SIZE(xo) != 3) {
            PyErr_SetString(PyExc_ValueError, "X: an array, or a tuple (data, indices, indptr) of a CSR matrix");
            return -1;
        }
        if (mlc_bind_inplace(PyTuple_GET_ITEM(xo, 0), NPY_FLOAT32, 1, "X data", MLC_BIND_IN, X) < 0 ||
            mlc_bind_csr_from(A, PyTuple_GET_ITEM(xo, 0), PyTuple_GET_ITEM(xo, 1), PyTuple_GET_ITEM(xo, 2),
                              (long long)m->widths[0]) < 0)
            return -1;
        *X = A->data;
        N = (npy_intp)A->n;
    } else {
        if (mlc_bind_inplace(xo, NPY_FLOAT32, 2, "X", MLC_BIND_IN, X) < 0) return -1;
        N = PyArray_DIM(*X, 0);
        if (mlc_bind_check_dim(*X, 1, m->widths[0], "X") < 0) return -1;
    }
    if (mlc_bind_check_params(mlc_nn_mlp_check_params(m, N)) < 0) return -1;
    if (mlc_bind_inplace(po, NPY_FLOAT32, 1, "params", MLC_BIND_OUT, params) < 0 ||
        mlc_bind_check_dim(*params, 0, mlc_nn_mlp_n_params(m), "params") < 0 ||
        mlc_bind_inplace(swo, NPY_FLOAT32, 1, "sample_weight", MLC_BIND_OPTIONAL, sw) < 0 ||
        (*sw != NULL && mlc_bind_check_dim(*sw, 0, N, "sample_weight") < 0))
        return -1;
    if (m->loss == MLC_NN_LOSS_CROSS_ENTROPY) {
        if (mlc_bind_inplace(to, NPY_INT64, 1, "targets", MLC_BIND_IN, targets) < 0) return -1;
    } else if (mlc_bind_inplace(to, NPY_FLOAT32, 2, "targets", MLC_BIND_IN, targets) < 0 ||
               mlc_bind_check_dim(*targets, 1, m->widths[m->n_layers], "targets") < 0) {
        return -1;
    }
    if (mlc_bind_check_dim(*targets, 0, N, "targets") < 0) return -1;
    return N;
}

/* nn_mlp_objective(params, grads, X, targets, sample_weight, widths, activation, loss, loss_scale, alpha)
 * (X an array or a CSR tuple (data, indices, indptr), as parse_mlp)
 * -> (objective, loss): F and its data part at params; grads (P) overwritten with dF/dparams unless None. */
static PyObject *nn_mlp_objective(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"params", "grads", "X", "targets", "sample_weight", "widths", "activation", "loss",
                             "loss_scale", "alpha", NULL};
    PyObject *po, *go, *xo, *to, *swo, *wo, *ret = NULL;
    mlc_nn_mlp m = {0, NULL, 0, 0, 1.0, 0.0};
    PyArrayObject *params, *grads, *X, *targets, *sw, *scratch = NULL;
    mlc_bind_csr A = {0};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOiidd", kwlist, &po, &go, &xo, &to, &swo, &wo, &m.activation,
                                     &m.loss, &m.loss_scale, &m.alpha))
        return NULL;
    const npy_intp N = parse_mlp(&m, &params, &X, &A, &targets, &sw, po, xo, to, swo, wo);
    if (N < 0 || mlc_bind_inplace(go, NPY_FLOAT32, 1, "grads", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &grads) < 0 ||
        mlc_bind_same_shape(grads, "grads", params, "params") < 0 ||
        mlc_bind_no_overlap(grads, "grads", params, "params", 0) < 0 ||
        (scratch = mlc_bind_new(1, (npy_intp)mlc_nn_mlp_scratch_size(&m, N), 0, NPY_FLOAT32)) == NULL)
        goto fail;
    const int nt = mlc_get_num_threads();
    double objective = 0.0, loss = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_mlp_objective(&objective, &loss, mlc_bind_data(grads), PyArray_DATA(params), PyArray_DATA(X),
                              mlc_bind_data(A.indices), mlc_bind_data(A.indptr), PyArray_DATA(targets),
                              mlc_bind_data(sw), N, &m, PyArray_DATA(scratch), nt);
    Py_END_ALLOW_THREADS
    ret = st != MLC_OK ? mlc_bind_status(st) : Py_BuildValue("dd", objective, loss);
fail:
    Py_XDECREF(scratch);
    mlc_bind_csr_clear(&A);
    return ret;
}

/* nn_mlp_fit_lbfgs(params, X, targets, sample_weight, widths, activation, loss, loss_scale, alpha, l1, max_iter,
 *                  max_fun, tol) -> (n_iter, n_eval, converged, objective_curve, loss_curve): params updated in
 * place; the curves (n_iter,). Ctrl-C raises KeyboardInterrupt, params then holding the last iterate. */
static PyObject *nn_mlp_fit_lbfgs(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"params", "X", "targets", "sample_weight", "widths", "activation", "loss", "loss_scale",
                             "alpha", "l1", "max_iter", "max_fun", "tol", NULL};
    PyObject *po, *xo, *to, *swo, *wo, *ret = NULL;
    mlc_nn_mlp m = {0, NULL, 0, 0, 1.0, 0.0};
    double l1, tol;
    Py_ssize_t max_iter, max_fun;
    PyArrayObject *params, *X, *targets, *sw, *obj = NULL, *loss = NULL;
    mlc_bind_csr A = {0};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOiidddnnd", kwlist, &po, &xo, &to, &swo, &wo, &m.activation,
                                     &m.loss, &m.loss_scale, &m.alpha, &l1, &max_iter, &max_fun, &tol))
        return NULL;
    const npy_intp N = parse_mlp(&m, &params, &X, &A, &targets, &sw, po, xo, to, swo, wo);
    if (N < 0) goto fail;
    if (max_iter < 1 || max_fun < 1 || !(tol >= 0) || !(l1 >= 0)) {
        PyErr_SetString(PyExc_ValueError, "max_iter and max_fun must be >= 1, tol and l1 >= 0");
        goto fail;
    }
    if ((obj = mlc_bind_new(1, max_iter, 0, NPY_FLOAT64)) == NULL ||
        (loss = mlc_bind_new(1, max_iter, 0, NPY_FLOAT64)) == NULL)
        goto fail;
    const int nt = mlc_get_num_threads();
    int64_t n_iter = 0, n_eval = 0;
    int converged = 0, st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_mlp_fit_lbfgs(PyArray_DATA(params), PyArray_DATA(obj), PyArray_DATA(loss), &n_iter, &n_eval, &converged,
                              PyArray_DATA(X), mlc_bind_data(A.indices), mlc_bind_data(A.indptr), PyArray_DATA(targets),
                              mlc_bind_data(sw), N, &m, max_iter, max_fun, tol, l1, nt, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    PyObject *o_view = PySequence_GetSlice((PyObject *)obj, 0, n_iter);
    PyObject *l_view = PySequence_GetSlice((PyObject *)loss, 0, n_iter);
    if (o_view != NULL && l_view != NULL)
        ret = Py_BuildValue("LLiNN", (long long)n_iter, (long long)n_eval, converged, o_view, l_view);
    else {
        Py_XDECREF(o_view);
        Py_XDECREF(l_view);
    }
fail:
    Py_XDECREF(obj);
    Py_XDECREF(loss);
    mlc_bind_csr_clear(&A);
    return ret;
}

PyMethodDef mlc_nn_optim_methods[] = {
    {"nn_optim_step", MLC_BIND_FN(nn_optim_step), MLC_BIND_KW,
     "nn_optim_step(params, grads, state, method, step, lr, momentum=0, dampening=0, nesterov=False, beta1=0.9, "
     "beta2=0.999, eps=1e-8, weight_decay=0, l1=0, decay_mask=None) -> None: one update of the flat float32 "
     "buffer; method OPTIM_SGD, OPTIM_ADAGRAD, OPTIM_ADAM or OPTIM_ADAMW; state (R, P), R = 0/1/1/2"},
    {"nn_clip_grad_norm", MLC_BIND_FN(nn_clip_grad_norm), MLC_BIND_KW,
     "nn_clip_grad_norm(grads, max_norm, norm_type=2.0) -> total_norm (before clipping)"},
    {"nn_clip_grad_value", MLC_BIND_FN(nn_clip_grad_value), MLC_BIND_KW,
     "nn_clip_grad_value(grads, clip_value) -> None: clamp to [-clip_value, clip_value]"},
    {"nn_init", MLC_BIND_FN(nn_init), MLC_BIND_KW,
     "nn_init(out, kind, fan_in, fan_out, gain, seed) -> None: kind from ENUMS['nn_init'] (uniform: "
     "+-gain/sqrt(fan_in))"},
    {"nn_mlp_objective", MLC_BIND_FN(nn_mlp_objective), MLC_BIND_KW,
     "nn_mlp_objective(params, grads, X, targets, sample_weight, widths, activation, loss, loss_scale, alpha) -> "
     "(objective, loss): scikit-learn's MLP objective at params (nn/mlp.h); grads overwritten unless None"},
    {"nn_mlp_fit_lbfgs", MLC_BIND_FN(nn_mlp_fit_lbfgs), MLC_BIND_KW,
     "nn_mlp_fit_lbfgs(params, X, targets, sample_weight, widths, activation, loss, loss_scale, alpha, l1, max_iter, "
     "max_fun, tol) -> (n_iter, n_eval, converged, objective_curve, loss_curve): scikit-learn's solver='lbfgs'"},
    {NULL, NULL, 0, NULL},
};
