/* bind_nn_norm.c: network kernels: batch norm 1d/2d (nn/batchnorm.h).
 *
 * Every array is passed in place (mlc_bind_inplace: float32, C-contiguous, borrowed references);
 * outputs are written through and gradients accumulated. x is (B, C) or (B, C, *spatial) with up to
 * three spatial dims, seen by the kernel as (B, C, S), S the product of the spatial dims. */
#include "bind.h"

#include "nn/batchnorm.h"

/* (B, C, S) of x, which must have 2 to 5 dimensions. 0 or -1 with ValueError. */
static int bn_dims(PyArrayObject *x, int64_t *B, int64_t *C, int64_t *S) {
    const int nd = PyArray_NDIM(x);
    if (nd < 2 || nd > 5) {
        PyErr_Format(PyExc_ValueError, "x: expected a 2-D to 5-D array (B, C, *spatial), got %d-D", nd);
        return -1;
    }
    *B = PyArray_DIM(x, 0);
    *C = PyArray_DIM(x, 1);
    *S = 1;
    for (int i = 2; i < nd; i++) *S *= PyArray_DIM(x, i);
    return 0;
}

/* A (C) vector: required unless flags has MLC_BIND_OPTIONAL. 0 or -1. */
static int channel_vector(PyObject *obj, const char *name, int flags, int64_t C, PyArrayObject **out) {
    if (mlc_bind_inplace(obj, NPY_FLOAT32, 1, name, flags, out) < 0) return -1;
    if (*out != NULL && mlc_bind_check_dim(*out, 0, C, name) < 0) return -1;
    return 0;
}

/* nn_batchnorm_forward(out, save_mean, save_invstd, running_mean, running_var, x, gamma, beta, training,
 *                      momentum=0.1, eps=1e-5, relu=False) -> None */
static PyObject *nn_batchnorm_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "save_mean", "save_invstd", "running_mean", "running_var", "x", "gamma",
                             "beta", "training", "momentum", "eps", "relu", NULL};
    PyObject *oo, *smo, *sio, *rmo, *rvo, *xo, *go, *bo;
    int training, relu = 0;
    double momentum = 0.1, eps = 1e-5;
    PyArrayObject *out, *sm, *si, *rm, *rv, *x, *g, *b;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOp|ddp", kwlist, &oo, &smo, &sio, &rmo, &rvo, &xo, &go,
                                     &bo, &training, &momentum, &eps, &relu))
        return NULL;
    int64_t B, C, S;
    if (mlc_bind_inplace(xo, NPY_FLOAT32, -1, "x", MLC_BIND_IN, &x) < 0 || bn_dims(x, &B, &C, &S) < 0) goto fail;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, -1, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_same_shape(out, "out", x, "x") < 0)
        goto fail;
    if (channel_vector(smo, "save_mean", MLC_BIND_OUT, C, &sm) < 0 ||
        channel_vector(sio, "save_invstd", MLC_BIND_OUT, C, &si) < 0 ||
        channel_vector(rmo, "running_mean", MLC_BIND_OUT | MLC_BIND_OPTIONAL, C, &rm) < 0 ||
        channel_vector(rvo, "running_var", MLC_BIND_OUT | MLC_BIND_OPTIONAL, C, &rv) < 0 ||
        channel_vector(go, "gamma", MLC_BIND_OPTIONAL, C, &g) < 0 ||
        channel_vector(bo, "beta", MLC_BIND_OPTIONAL, C, &b) < 0)
        goto fail;
    if ((rm == NULL) != (rv == NULL)) {
        PyErr_SetString(PyExc_ValueError, "running_mean and running_var must both be arrays or both be None");
        goto fail;
    }
    if (mlc_bind_check_params(mlc_nn_batchnorm_check_params(B, C, S, training, rm != NULL, momentum, eps)) < 0)
        goto fail;
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_batchnorm_forward(PyArray_DATA(out), PyArray_DATA(sm), PyArray_DATA(si), mlc_bind_data(rm),
                                  mlc_bind_data(rv), PyArray_DATA(x), mlc_bind_data(g), mlc_bind_data(b), B, C, S,
                                  training, momentum, eps, relu, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) return mlc_bind_status(st);
    Py_RETURN_NONE;
fail:
    return NULL; /* every array is borrowed: nothing to release */
}

/* nn_batchnorm_backward(dx, dgamma, dbeta, dout, x, save_mean, save_invstd, gamma, training, relu_out=None)
 * -> None */
static PyObject *nn_batchnorm_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dx", "dgamma", "dbeta", "dout", "x", "save_mean", "save_invstd", "gamma",
                             "training", "relu_out", NULL};
    PyObject *dxo, *dgo, *dbo, *doo, *xo, *smo, *sio, *go, *ro = Py_None;
    int training;
    PyArrayObject *dx, *dg, *db, *dout, *x, *sm, *si, *g, *r;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOp|O", kwlist, &dxo, &dgo, &dbo, &doo, &xo, &smo, &sio, &go,
                                     &training, &ro))
        return NULL;
    int64_t B, C, S;
    if (mlc_bind_inplace(xo, NPY_FLOAT32, -1, "x", MLC_BIND_IN, &x) < 0 || bn_dims(x, &B, &C, &S) < 0) goto fail;
    if (mlc_bind_inplace(doo, NPY_FLOAT32, -1, "dout", MLC_BIND_IN, &dout) < 0 ||
        mlc_bind_same_shape(dout, "dout", x, "x") < 0)
        goto fail;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, -1, "dx", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dx) < 0 ||
        (dx != NULL && mlc_bind_same_shape(dx, "dx", x, "x") < 0))
        goto fail;
    if (mlc_bind_inplace(ro, NPY_FLOAT32, -1, "relu_out", MLC_BIND_IN | MLC_BIND_OPTIONAL, &r) < 0 ||
        (r != NULL && mlc_bind_same_shape(r, "relu_out", x, "x") < 0) ||
        mlc_bind_no_overlap(dx, "dx", r, "relu_out", 0) < 0)
        goto fail;
    if (channel_vector(dgo, "dgamma", MLC_BIND_OUT | MLC_BIND_OPTIONAL, C, &dg) < 0 ||
        channel_vector(dbo, "dbeta", MLC_BIND_OUT | MLC_BIND_OPTIONAL, C, &db) < 0 ||
        channel_vector(smo, "save_mean", MLC_BIND_IN, C, &sm) < 0 ||
        channel_vector(sio, "save_invstd", MLC_BIND_IN, C, &si) < 0 ||
        channel_vector(go, "gamma", MLC_BIND_OPTIONAL, C, &g) < 0)
        goto fail;
    const int n_threads = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_batchnorm_backward(mlc_bind_data(dx), mlc_bind_data(dg), mlc_bind_data(db), PyArray_DATA(dout),
                                   PyArray_DATA(x), PyArray_DATA(sm), PyArray_DATA(si), mlc_bind_data(g),
                                   mlc_bind_data(r), B, C, S, training, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) return mlc_bind_status(st);
    Py_RETURN_NONE;
fail:
    return NULL;
}

PyMethodDef mlc_nn_norm_methods[] = {
    {"nn_batchnorm_forward", MLC_BIND_FN(nn_batchnorm_forward), MLC_BIND_KW,
     "nn_batchnorm_forward(out, save_mean, save_invstd, running_mean, running_var, x, gamma, beta, training, "
     "momentum=0.1, eps=1e-5, relu=False) -> None: batch norm over dim 1 of x (B, C, *spatial), float32 in place "
     "(relu: then a ReLU, fused)"},
    {"nn_batchnorm_backward", MLC_BIND_FN(nn_batchnorm_backward), MLC_BIND_KW,
     "nn_batchnorm_backward(dx, dgamma, dbeta, dout, x, save_mean, save_invstd, gamma, training, relu_out=None) "
     "-> None: accumulates into dx, dgamma, dbeta (each may be None); relu_out: the fused ReLU's output"},
    {NULL, NULL, 0, NULL},
};
