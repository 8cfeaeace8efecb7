/* bind_nn_dense.c: network kernels: dense, activations, softmax, dropout, residual add, sum of
 * squares (the losses: bind_nn_loss.c). Python names nn_<...>.
 *
 * Every array is passed in place (mlc_bind_inplace: borrowed, never converted): outputs are
 * overwritten, gradients accumulated, and any gradient may be None. Each shape is checked against the
 * others and outputs may not overlap inputs (except where a kernel allows out to BE an input), so a
 * direct call with wrong arrays raises instead of crashing or writing garbage. Nothing is allocated:
 * the kernels need no scratch. */
#include "bind.h"

#include <stdio.h>
#include "nn/activation.h"
#include "nn/add.h"
#include "nn/dense.h"
#include "nn/dropout.h"

/* ---- dense --------------------------------------------------------------------------------------- */

/* nn_dense_forward(out, x, weight, bias=None): out (B, C_out) = x (B, C_in) weight^T (C_out, C_in)
 * + bias (C_out). */
static PyObject *nn_dense_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "x", "weight", "bias", NULL};
    PyObject *oo, *xo, *wo, *bo = Py_None;
    PyArrayObject *out, *x, *w, *b;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|O", kwlist, &oo, &xo, &wo, &bo)) return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, 2, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 2, "x", MLC_BIND_IN, &x) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 2, "weight", MLC_BIND_IN, &w) < 0 ||
        mlc_bind_inplace(bo, NPY_FLOAT32, 1, "bias", MLC_BIND_OPTIONAL, &b) < 0 ||
        mlc_bind_dims_match(w, 1, "weight", x, 1, "x") < 0 || mlc_bind_dims_match(out, 0, "out", x, 0, "x") < 0 ||
        mlc_bind_dims_match(out, 1, "out", w, 0, "weight") < 0 ||
        mlc_bind_dims_match(b, 0, "bias", w, 0, "weight") < 0 ||
        mlc_bind_no_overlap(out, "out", x, "x", 0) < 0 || mlc_bind_no_overlap(out, "out", w, "weight", 0) < 0 ||
        mlc_bind_no_overlap(out, "out", b, "bias", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(x, 0), Cin = PyArray_DIM(x, 1), Cout = PyArray_DIM(w, 0);
    if (mlc_bind_check_params(mlc_nn_dense_check_params(B, Cin, Cout)) < 0) return NULL;
    const int nt = mlc_get_num_threads();
    const float *bd = mlc_bind_data(b);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_dense_forward(PyArray_DATA(out), PyArray_DATA(x), PyArray_DATA(w), bd, B, Cin, Cout, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_dense_backward(dx, dweight, dbias, dout, x, weight): dx (B, C_in) += dout weight,
 * dweight (C_out, C_in) += dout^T x, dbias (C_out) += column sums of dout; each may be None. */
static PyObject *nn_dense_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dx", "dweight", "dbias", "dout", "x", "weight", NULL};
    PyObject *dxo, *dwo, *dbo, *go, *xo, *wo;
    PyArrayObject *dx, *dw, *db, *g, *x, *w;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOO", kwlist, &dxo, &dwo, &dbo, &go, &xo, &wo)) return NULL;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, 2, "dx", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dx) < 0 ||
        mlc_bind_inplace(dwo, NPY_FLOAT32, 2, "dweight", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dw) < 0 ||
        mlc_bind_inplace(dbo, NPY_FLOAT32, 1, "dbias", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &db) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, 2, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 2, "x", MLC_BIND_IN, &x) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 2, "weight", MLC_BIND_IN, &w) < 0 ||
        mlc_bind_dims_match(w, 1, "weight", x, 1, "x") < 0 || mlc_bind_dims_match(g, 0, "dout", x, 0, "x") < 0 ||
        mlc_bind_dims_match(g, 1, "dout", w, 0, "weight") < 0 || mlc_bind_same_shape(dx, "dx", x, "x") < 0 ||
        mlc_bind_same_shape(dw, "dweight", w, "weight") < 0 ||
        mlc_bind_dims_match(db, 0, "dbias", w, 0, "weight") < 0)
        return NULL;
    PyArrayObject *grads[3] = {dx, dw, db}, *ins[3] = {g, x, w};
    static const char *gn[3] = {"dx", "dweight", "dbias"}, *in_[3] = {"dout", "x", "weight"};
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            if (mlc_bind_no_overlap(grads[i], gn[i], ins[j], in_[j], 0) < 0) return NULL;
        for (int j = i + 1; j < 3; j++)
            if (mlc_bind_no_overlap(grads[i], gn[i], grads[j], gn[j], 0) < 0) return NULL;
    }
    const int64_t B = PyArray_DIM(x, 0), Cin = PyArray_DIM(x, 1), Cout = PyArray_DIM(w, 0);
    if (mlc_bind_check_params(mlc_nn_dense_check_params(B, Cin, Cout)) < 0) return NULL;
    const int nt = mlc_get_num_threads();
    float *dxd = mlc_bind_data(dx), *dwd = mlc_bind_data(dw),
          *dbd = mlc_bind_data(db);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_dense_backward(dxd, dwd, dbd, PyArray_DATA(g), PyArray_DATA(x), PyArray_DATA(w), B, Cin, Cout, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* The CSR batch (x_data float32, x_indices, x_indptr) of n_cols columns into *A (mlc_bind_csr_from:
 * converted and checked; x_data must already be float32). 0, or -1 with an exception. */
static int dense_csr(mlc_bind_csr *A, PyObject *data, PyObject *indices, PyObject *indptr, int64_t n_cols) {
    PyArrayObject *d;
    if (mlc_bind_inplace(data, NPY_FLOAT32, 1, "x_data", MLC_BIND_IN, &d) < 0) return -1;
    return mlc_bind_csr_from(A, data, indices, indptr, (long long)n_cols);
}

/* nn_dense_forward_csr(out, x_data, x_indices, x_indptr, weight, bias=None): out (B, C_out) = x weight^T
 * + bias for a CSR x (B, C_in) (data float32, indices int32, indptr int64 (B + 1)). */
static PyObject *nn_dense_forward_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "x_data", "x_indices", "x_indptr", "weight", "bias", NULL};
    PyObject *oo, *xd, *xi, *xp, *wo, *bo = Py_None;
    PyArrayObject *out, *w, *b;
    mlc_bind_csr A = {0};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOO|O", kwlist, &oo, &xd, &xi, &xp, &wo, &bo)) return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, 2, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 2, "weight", MLC_BIND_IN, &w) < 0 ||
        mlc_bind_inplace(bo, NPY_FLOAT32, 1, "bias", MLC_BIND_OPTIONAL, &b) < 0 ||
        mlc_bind_dims_match(out, 1, "out", w, 0, "weight") < 0 || mlc_bind_dims_match(b, 0, "bias", w, 0, "weight") < 0 ||
        mlc_bind_no_overlap(out, "out", w, "weight", 0) < 0 || mlc_bind_no_overlap(out, "out", b, "bias", 0) < 0 ||
        dense_csr(&A, xd, xi, xp, PyArray_DIM(w, 1)) < 0)
        return NULL;
    PyObject *ret = NULL;
    if (mlc_bind_check_dim(out, 0, A.n, "out") < 0 || mlc_bind_no_overlap(out, "out", A.data, "x_data", 0) < 0 ||
        mlc_bind_check_params(mlc_nn_dense_check_params(A.n, PyArray_DIM(w, 1), PyArray_DIM(w, 0))) < 0)
        goto fail;
    const int nt = mlc_get_num_threads();
    const float *bd = mlc_bind_data(b);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_dense_forward_csr(PyArray_DATA(out), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                  PyArray_DATA(A.indptr), PyArray_DATA(w), bd, A.n, PyArray_DIM(w, 1),
                                  PyArray_DIM(w, 0), nt);
    Py_END_ALLOW_THREADS
    ret = mlc_bind_none_or_status(st);
fail:
    mlc_bind_csr_clear(&A);
    return ret;
}

/* nn_dense_backward_csr(dweight, dbias, dout, x_data, x_indices, x_indptr): dweight (C_out, C_in) +=
 * dout^T x, dbias (C_out) += column sums of dout (each may be None), x CSR (B, C_in) as above. */
static PyObject *nn_dense_backward_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dweight", "dbias", "dout", "x_data", "x_indices", "x_indptr", NULL};
    PyObject *dwo, *dbo, *go, *xd, *xi, *xp;
    PyArrayObject *dw, *db, *g;
    mlc_bind_csr A = {0};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOO", kwlist, &dwo, &dbo, &go, &xd, &xi, &xp)) return NULL;
    if (mlc_bind_inplace(dwo, NPY_FLOAT32, 2, "dweight", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dw) < 0 ||
        mlc_bind_inplace(dbo, NPY_FLOAT32, 1, "dbias", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &db) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, 2, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_dims_match(dw, 0, "dweight", g, 1, "dout") < 0 || mlc_bind_dims_match(db, 0, "dbias", g, 1, "dout") < 0 ||
        mlc_bind_no_overlap(dw, "dweight", g, "dout", 0) < 0 || mlc_bind_no_overlap(db, "dbias", g, "dout", 0) < 0 ||
        mlc_bind_no_overlap(dw, "dweight", db, "dbias", 0) < 0)
        return NULL;
    if (dw == NULL) {
        PyErr_SetString(PyExc_ValueError, "nn_dense_backward_csr: dweight is needed for the number of input features");
        return NULL;
    }
    if (dense_csr(&A, xd, xi, xp, PyArray_DIM(dw, 1)) < 0) return NULL;
    PyObject *ret = NULL;
    if (mlc_bind_check_dim(g, 0, A.n, "dout") < 0 || mlc_bind_no_overlap(dw, "dweight", A.data, "x_data", 0) < 0 ||
        mlc_bind_no_overlap(db, "dbias", A.data, "x_data", 0) < 0 ||
        mlc_bind_check_params(mlc_nn_dense_check_params(A.n, PyArray_DIM(dw, 1), PyArray_DIM(g, 1))) < 0)
        goto fail;
    const int nt = mlc_get_num_threads();
    float *dwd = mlc_bind_data(dw), *dbd = mlc_bind_data(db);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_dense_backward_csr(dwd, dbd, PyArray_DATA(g), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                   PyArray_DATA(A.indptr), A.n, PyArray_DIM(dw, 1), PyArray_DIM(g, 1), nt);
    Py_END_ALLOW_THREADS
    ret = mlc_bind_none_or_status(st);
fail:
    mlc_bind_csr_clear(&A);
    return ret;
}

/* ---- activations ------------------------------------------------------------------------------- */

/* nn_activation_forward(out, x, kind, alpha=0.01): out = f(x), any shape; out may be x. */
static PyObject *nn_activation_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "x", "kind", "alpha", NULL};
    PyObject *oo, *xo;
    int kind;
    double alpha = 0.01;
    PyArrayObject *out, *x;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOi|d", kwlist, &oo, &xo, &kind, &alpha)) return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, -1, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, -1, "x", MLC_BIND_IN, &x) < 0 ||
        mlc_bind_same_shape(out, "out", x, "x") < 0 || mlc_bind_no_overlap(out, "out", x, "x", 1) < 0 ||
        mlc_bind_check_params(mlc_nn_activation_check_params(kind, alpha, 1, 1)) < 0)
        return NULL;
    const int64_t n = PyArray_SIZE(x);
    const int nt = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_activation_forward(PyArray_DATA(out), PyArray_DATA(x), n, kind, (float)alpha, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_activation_backward(dx, dout, x, out, kind, alpha=0.01): dx += f'(x) dout; relu / leaky_relu read
 * x (or out), sigmoid / tanh read out; the one a kind does not need may be None. */
static PyObject *nn_activation_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dx", "dout", "x", "out", "kind", "alpha", NULL};
    PyObject *dxo, *go, *xo, *oo;
    int kind;
    double alpha = 0.01;
    PyArrayObject *dx, *g, *x, *out;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOi|d", kwlist, &dxo, &go, &xo, &oo, &kind, &alpha)) return NULL;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, -1, "dx", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dx) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, -1, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, -1, "x", MLC_BIND_OPTIONAL, &x) < 0 ||
        mlc_bind_inplace(oo, NPY_FLOAT32, -1, "out", MLC_BIND_OPTIONAL, &out) < 0 ||
        mlc_bind_same_shape(dx, "dx", g, "dout") < 0 ||
        mlc_bind_same_shape(x, "x", g, "dout") < 0 || mlc_bind_same_shape(out, "out", g, "dout") < 0 ||
        mlc_bind_no_overlap(dx, "dx", g, "dout", 0) < 0 || mlc_bind_no_overlap(dx, "dx", x, "x", 0) < 0 ||
        mlc_bind_no_overlap(dx, "dx", out, "out", 0) < 0 ||
        mlc_bind_check_params(mlc_nn_activation_check_params(kind, alpha, x != NULL, out != NULL)) < 0)
        return NULL;
    const int64_t n = PyArray_SIZE(g);
    const int nt = mlc_get_num_threads();
    float *dxd = mlc_bind_data(dx);
    const float *xd = mlc_bind_data(x), *od = mlc_bind_data(out);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_activation_backward(dxd, PyArray_DATA(g), xd, od, n, kind, (float)alpha, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* ---- softmax family (over the last axis of a (B, C) array) -------------------------------------- */

typedef int (*rowwise_fn)(float *, const float *, int64_t, int64_t, int);
typedef int (*rowwise_backward_fn)(float *, const float *, const float *, int64_t, int64_t, int);

/* out (B, C) = f(x (B, C)); out may be x. */
static PyObject *softmax_like(PyObject *args, PyObject *kwds, rowwise_fn fn) {
    static char *kwlist[] = {"out", "x", NULL};
    PyObject *oo, *xo;
    PyArrayObject *out, *x;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO", kwlist, &oo, &xo)) return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, 2, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 2, "x", MLC_BIND_IN, &x) < 0 ||
        mlc_bind_same_shape(out, "out", x, "x") < 0 || mlc_bind_no_overlap(out, "out", x, "x", 1) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(x, 0), C = PyArray_DIM(x, 1);
    if (C < 1) return PyErr_Format(PyExc_ValueError, "x: needs at least one column, got shape (%zd, 0)", (Py_ssize_t)B);
    const int nt = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = fn(PyArray_DATA(out), PyArray_DATA(x), B, C, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* dx (B, C) += J^T dout from out (B, C) = the forward's result; dx may be None. */
static PyObject *softmax_like_backward(PyObject *args, PyObject *kwds, rowwise_backward_fn fn) {
    static char *kwlist[] = {"dx", "dout", "out", NULL};
    PyObject *dxo, *go, *oo;
    PyArrayObject *dx, *g, *out;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO", kwlist, &dxo, &go, &oo)) return NULL;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, 2, "dx", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dx) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, 2, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_inplace(oo, NPY_FLOAT32, 2, "out", MLC_BIND_IN, &out) < 0 ||
        mlc_bind_same_shape(dx, "dx", g, "dout") < 0 || mlc_bind_same_shape(out, "out", g, "dout") < 0 ||
        mlc_bind_no_overlap(dx, "dx", g, "dout", 0) < 0 || mlc_bind_no_overlap(dx, "dx", out, "out", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(g, 0), C = PyArray_DIM(g, 1);
    if (C < 1) return PyErr_Format(PyExc_ValueError, "dout: needs at least one column, got shape (%zd, 0)", (Py_ssize_t)B);
    const int nt = mlc_get_num_threads();
    float *dxd = mlc_bind_data(dx);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = fn(dxd, PyArray_DATA(g), PyArray_DATA(out), B, C, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_softmax_forward(out, x), nn_log_softmax_forward(out, x), nn_softmax_backward(dx, dout, out),
 * nn_log_softmax_backward(dx, dout, out). */
static PyObject *nn_softmax_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return softmax_like(args, kwds, mlc_nn_softmax_forward);
}

static PyObject *nn_log_softmax_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return softmax_like(args, kwds, mlc_nn_log_softmax_forward);
}

static PyObject *nn_softmax_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return softmax_like_backward(args, kwds, mlc_nn_softmax_backward);
}

static PyObject *nn_log_softmax_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return softmax_like_backward(args, kwds, mlc_nn_log_softmax_backward);
}

/* ---- dropout, add, sum of squares ---------------------------------------------------------------- */

/* nn_dropout_forward(out, mask, x, p, seed): any shape; out may be x; seed an int in [0, 2**64). */
static PyObject *nn_dropout_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "mask", "x", "p", "seed", NULL};
    PyObject *oo, *mo, *xo, *so;
    double p;
    PyArrayObject *out, *mask, *x;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOdO", kwlist, &oo, &mo, &xo, &p, &so)) return NULL;
    PyObject *idx = PyNumber_Index(so);
    if (idx == NULL) return NULL;
    const unsigned long long seed = PyLong_AsUnsignedLongLong(idx);
    Py_DECREF(idx);
    if (seed == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_SetString(PyExc_ValueError, "seed must be an integer in [0, 2**64)");
        return NULL;
    }
    if (mlc_bind_inplace(oo, NPY_FLOAT32, -1, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(mo, NPY_FLOAT32, -1, "mask", MLC_BIND_OUT, &mask) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, -1, "x", MLC_BIND_IN, &x) < 0 ||
        mlc_bind_same_shape(out, "out", x, "x") < 0 ||
        mlc_bind_same_shape(mask, "mask", x, "x") < 0 || mlc_bind_no_overlap(out, "out", x, "x", 1) < 0 ||
        mlc_bind_no_overlap(mask, "mask", x, "x", 0) < 0 || mlc_bind_no_overlap(mask, "mask", out, "out", 0) < 0 ||
        mlc_bind_check_params(mlc_nn_dropout_check_params(p)) < 0)
        return NULL;
    const int64_t n = PyArray_SIZE(x);
    const int nt = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_dropout_forward(PyArray_DATA(out), PyArray_DATA(mask), PyArray_DATA(x), n, p, (uint64_t)seed, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_dropout_backward(dx, dout, mask): dx += dout * mask; dx may be None. */
static PyObject *nn_dropout_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dx", "dout", "mask", NULL};
    PyObject *dxo, *go, *mo;
    PyArrayObject *dx, *g, *mask;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO", kwlist, &dxo, &go, &mo)) return NULL;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, -1, "dx", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dx) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, -1, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_inplace(mo, NPY_FLOAT32, -1, "mask", MLC_BIND_IN, &mask) < 0 ||
        mlc_bind_same_shape(dx, "dx", g, "dout") < 0 || mlc_bind_same_shape(mask, "mask", g, "dout") < 0 ||
        mlc_bind_no_overlap(dx, "dx", g, "dout", 0) < 0 || mlc_bind_no_overlap(dx, "dx", mask, "mask", 0) < 0)
        return NULL;
    const int64_t n = PyArray_SIZE(g);
    const int nt = mlc_get_num_threads();
    float *dxd = mlc_bind_data(dx);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_dropout_backward(dxd, PyArray_DATA(g), PyArray_DATA(mask), n, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_add_forward(out, a, b): out = a + b, any shape; out may be a or b. */
static PyObject *nn_add_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "a", "b", NULL};
    PyObject *oo, *ao, *bo;
    PyArrayObject *out, *a, *b;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO", kwlist, &oo, &ao, &bo)) return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, -1, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(ao, NPY_FLOAT32, -1, "a", MLC_BIND_IN, &a) < 0 ||
        mlc_bind_inplace(bo, NPY_FLOAT32, -1, "b", MLC_BIND_IN, &b) < 0 || mlc_bind_same_shape(a, "a", b, "b") < 0 ||
        mlc_bind_same_shape(out, "out", a, "a") < 0 || mlc_bind_no_overlap(out, "out", a, "a", 1) < 0 ||
        mlc_bind_no_overlap(out, "out", b, "b", 1) < 0)
        return NULL;
    const int64_t n = PyArray_SIZE(a);
    const int nt = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_add_forward(PyArray_DATA(out), PyArray_DATA(a), PyArray_DATA(b), n, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_add_backward(da, db, dout): da += dout, db += dout; either may be None (or both the same array,
 * which then receives 2 dout). */
static PyObject *nn_add_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"da", "db", "dout", NULL};
    PyObject *ao, *bo, *go;
    PyArrayObject *da, *db, *g;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO", kwlist, &ao, &bo, &go)) return NULL;
    if (mlc_bind_inplace(ao, NPY_FLOAT32, -1, "da", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &da) < 0 ||
        mlc_bind_inplace(bo, NPY_FLOAT32, -1, "db", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &db) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, -1, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_same_shape(da, "da", g, "dout") < 0 || mlc_bind_same_shape(db, "db", g, "dout") < 0 ||
        mlc_bind_no_overlap(da, "da", g, "dout", 0) < 0 || mlc_bind_no_overlap(db, "db", g, "dout", 0) < 0)
        return NULL;
    const int64_t n = PyArray_SIZE(g);
    const int nt = mlc_get_num_threads();
    float *dad = mlc_bind_data(da), *dbd = mlc_bind_data(db);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_add_backward(dad, dbd, PyArray_DATA(g), n, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_sum_squares(x) -> float: sum of x^2 over any float32 array, accumulated in float64. */
static PyObject *nn_sum_squares(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"x", NULL};
    PyObject *xo;
    PyArrayObject *x;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &xo)) return NULL;
    if (mlc_bind_inplace(xo, NPY_FLOAT32, -1, "x", MLC_BIND_IN, &x) < 0) return NULL;
    const int64_t n = PyArray_SIZE(x);
    const int nt = mlc_get_num_threads();
    double s = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_sum_squares(&s, PyArray_DATA(x), n, nt);
    Py_END_ALLOW_THREADS
    if (st != MLC_OK) return mlc_bind_status(st);
    return PyFloat_FromDouble(s);
}

PyMethodDef mlc_nn_dense_methods[] = {
    {"nn_dense_forward", MLC_BIND_FN(nn_dense_forward), MLC_BIND_KW,
     "nn_dense_forward(out, x, weight, bias=None): out = x @ weight.T + bias"},
    {"nn_dense_backward", MLC_BIND_FN(nn_dense_backward), MLC_BIND_KW,
     "nn_dense_backward(dx, dweight, dbias, dout, x, weight): accumulate the gradients (each may be None)"},
    {"nn_dense_forward_csr", MLC_BIND_FN(nn_dense_forward_csr), MLC_BIND_KW,
     "nn_dense_forward_csr(out, x_data, x_indices, x_indptr, weight, bias=None): out = x @ weight.T + bias, x CSR"},
    {"nn_dense_backward_csr", MLC_BIND_FN(nn_dense_backward_csr), MLC_BIND_KW,
     "nn_dense_backward_csr(dweight, dbias, dout, x_data, x_indices, x_indptr): accumulate the gradients, x CSR"},
    {"nn_activation_forward", MLC_BIND_FN(nn_activation_forward), MLC_BIND_KW,
     "nn_activation_forward(out, x, kind, alpha=0.01): kind from ENUMS['nn_activation']"},
    {"nn_activation_backward", MLC_BIND_FN(nn_activation_backward), MLC_BIND_KW,
     "nn_activation_backward(dx, dout, x, out, kind, alpha=0.01): dx += f'(x) dout"},
    {"nn_softmax_forward", MLC_BIND_FN(nn_softmax_forward), MLC_BIND_KW,
     "nn_softmax_forward(out, x): softmax over the last axis of (B, C)"},
    {"nn_log_softmax_forward", MLC_BIND_FN(nn_log_softmax_forward), MLC_BIND_KW,
     "nn_log_softmax_forward(out, x): log_softmax over the last axis of (B, C)"},
    {"nn_softmax_backward", MLC_BIND_FN(nn_softmax_backward), MLC_BIND_KW,
     "nn_softmax_backward(dx, dout, out): dx += out * (dout - sum(dout * out))"},
    {"nn_log_softmax_backward", MLC_BIND_FN(nn_log_softmax_backward), MLC_BIND_KW,
     "nn_log_softmax_backward(dx, dout, out): dx += dout - exp(out) * sum(dout)"},
    {"nn_dropout_forward", MLC_BIND_FN(nn_dropout_forward), MLC_BIND_KW,
     "nn_dropout_forward(out, mask, x, p, seed): inverted dropout, mask in {0, 1/(1-p)}"},
    {"nn_dropout_backward", MLC_BIND_FN(nn_dropout_backward), MLC_BIND_KW,
     "nn_dropout_backward(dx, dout, mask): dx += dout * mask"},
    {"nn_add_forward", MLC_BIND_FN(nn_add_forward), MLC_BIND_KW, "nn_add_forward(out, a, b): out = a + b"},
    {"nn_add_backward", MLC_BIND_FN(nn_add_backward), MLC_BIND_KW,
     "nn_add_backward(da, db, dout): da += dout, db += dout (each may be None)"},
    {"nn_sum_squares", MLC_BIND_FN(nn_sum_squares), MLC_BIND_KW,
     "nn_sum_squares(x) -> float: sum of squares in float64"},
    {NULL, NULL, 0, NULL},
};
