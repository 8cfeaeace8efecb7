/* bind_nn_optim.c: network optimisers over the flat buffer, clipping, initialisers
 * (nn/optimizer.h, nn/init.h). Every array is passed in place (mlc_bind_inplace: float32,
 * C-contiguous, borrowed references), so there is nothing to release on the fail path. */
#include "bind.h"

#include "nn/init.h"
#include "nn/optimizer.h"

/* nn_optim_step(params, grads, state, method, step, lr, momentum=0, dampening=0, nesterov=False, beta1=0.9,
 *               beta2=0.999, eps=1e-8, weight_decay=0, l1=0, decay_mask=None) -> None */
static PyObject *nn_optim_step(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"params", "grads", "state", "method", "step", "lr", "momentum", "dampening",
                             "nesterov", "beta1", "beta2", "eps", "weight_decay", "l1", "decay_mask", NULL};
    PyObject *po, *go, *so, *mo = Py_None;
    Py_ssize_t step;
    mlc_nn_optim_params p = {0, 0.0, 0.0, 0.0, 0, 0.9, 0.999, 1e-8, 0.0, 0.0};
    PyArrayObject *params, *grads, *state, *mask;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOind|ddpdddddO", kwlist, &po, &go, &so, &p.method, &step, &p.lr,
                                     &p.momentum, &p.dampening, &p.nesterov, &p.beta1, &p.beta2, &p.eps,
                                     &p.weight_decay, &p.l1, &mo))
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
    // rows beyond the method's are left untouched, so one (2, P) state serves every method
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
    {NULL, NULL, 0, NULL},
};
