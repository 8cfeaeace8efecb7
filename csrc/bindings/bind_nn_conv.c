/* bind_nn_conv.c: network kernels: conv2d (im2col + sgemm, 1x1 as GEMM), max/avg pooling.
 * Python names nn_<...>.
 *
 * Every array is passed in place (mlc_bind_inplace: borrowed, never converted): outputs are
 * overwritten, gradients accumulated, and a gradient given as None is skipped. Every shape is checked
 * against the others and against the output-size formula, and outputs may not overlap inputs, so a
 * direct call with wrong arrays raises instead of crashing. The im2col scratch of conv2d is the
 * caller's (`scratch`, sized by nn_conv2d_scratch_size: a layer allocates it once and reuses it every
 * step); a direct call that passes None gets a block allocated and freed here.
 */
#include "bind.h"

#include <limits.h>
#include <stdio.h>
#include "nn/conv2d.h"
#include "nn/pool2d.h"

/* ---- shape and aliasing checks (0, or -1 with ValueError naming the arrays) ----------------------- */

/* a (B, C, OH, OW): a 4-D array's last two sizes equal (oh, ow); `what` says where they come from. */
static int plane_match(PyArrayObject *a, const char *na, int64_t oh, int64_t ow, PyArrayObject *from,
                       const char *nfrom) {
    if (a == NULL || (PyArray_DIM(a, 2) == oh && PyArray_DIM(a, 3) == ow)) return 0;
    char sa[128], sf[128];
    mlc_bind_shape_str(a, sa, sizeof sa);
    mlc_bind_shape_str(from, sf, sizeof sf);
    PyErr_Format(PyExc_ValueError,
                 "%s has shape %s but %s %s with these hyper-parameters gives an output of %lld x %lld", na, sa,
                 nfrom, sf, (long long)oh, (long long)ow);
    return -1;
}

/* Every output against every input and every other output (NULL entries are skipped). */
static int none_overlap(PyArrayObject **outs, const char **no, int n_out, PyArrayObject **ins, const char **ni,
                        int n_in) {
    for (int i = 0; i < n_out; i++) {
        for (int j = 0; j < n_in; j++)
            if (mlc_bind_no_overlap(outs[i], no[i], ins[j], ni[j], 0) < 0) return -1;
        for (int j = i + 1; j < n_out; j++)
            if (mlc_bind_no_overlap(outs[i], no[i], outs[j], no[j], 0) < 0) return -1;
    }
    return 0;
}

/* A window that leaves nothing: ValueError naming the input shape and the window. */
static int empty_output(PyArrayObject *x, const char *nx, int64_t KH, int64_t KW, Py_ssize_t ph, Py_ssize_t pw,
                        Py_ssize_t dh, Py_ssize_t dw) {
    char sx[128];
    mlc_bind_shape_str(x, sx, sizeof sx);
    PyErr_Format(PyExc_ValueError,
                 "%s %s is smaller than the kernel (%lld, %lld) with padding (%zd, %zd) and dilation (%zd, %zd): "
                 "the output would be empty",
                 nx, sx, (long long)KH, (long long)KW, ph, pw, dh, dw);
    return -1;
}

/* Hyper-parameters within [lo, INT_MAX]: then the output-size formula cannot overflow. */
static int sane(Py_ssize_t s1, Py_ssize_t s2, Py_ssize_t p1, Py_ssize_t p2, Py_ssize_t d1, Py_ssize_t d2) {
    return s1 >= 1 && s2 >= 1 && p1 >= 0 && p2 >= 0 && d1 >= 1 && d2 >= 1 && s1 <= INT_MAX && s2 <= INT_MAX &&
           p1 <= INT_MAX && p2 <= INT_MAX && d1 <= INT_MAX && d2 <= INT_MAX;
}

/* ---- conv2d --------------------------------------------------------------------------------------- */

/* The checks both directions share: weight (C_out, C_in / groups, KH, KW) against x (B, C_in, H, W)
 * and the output-size formula; y (B, C_out, OH, OW) is out or dout. */
static int conv_shapes(PyArrayObject *y, const char *ny, PyArrayObject *x, PyArrayObject *w, Py_ssize_t sh,
                       Py_ssize_t sw, Py_ssize_t ph, Py_ssize_t pw, Py_ssize_t dh, Py_ssize_t dw, Py_ssize_t groups) {
    if (groups == 1 && mlc_bind_dims_match(w, 1, "weight", x, 1, "x") < 0) return -1;
    if (groups != 1 && groups >= 1 && groups <= INT_MAX && PyArray_DIM(w, 1) * groups != PyArray_DIM(x, 1)) {
        PyErr_Format(PyExc_ValueError, "weight has %zd input channels per group, x has %zd channels: with groups=%zd "
                     "they must be x's channels / groups", (Py_ssize_t)PyArray_DIM(w, 1), (Py_ssize_t)PyArray_DIM(x, 1),
                     groups);
        return -1;
    }
    if (mlc_bind_dims_match(y, 0, ny, x, 0, "x") < 0 || mlc_bind_dims_match(y, 1, ny, w, 0, "weight") < 0)
        return -1;
    const int64_t KH = PyArray_DIM(w, 2), KW = PyArray_DIM(w, 3);
    const int ok = sane(sh, sw, ph, pw, dh, dw) && KH >= 1 && KW >= 1;
    const int64_t oh = ok ? mlc_nn_conv_out_size(PyArray_DIM(x, 2), KH, sh, ph, dh) : 0;
    const int64_t ow = ok ? mlc_nn_conv_out_size(PyArray_DIM(x, 3), KW, sw, pw, dw) : 0;
    if (ok && (oh < 1 || ow < 1)) return empty_output(x, "x", KH, KW, ph, pw, dh, dw);
    if (mlc_bind_check_params(mlc_nn_conv2d_check_params(PyArray_DIM(x, 0), PyArray_DIM(x, 1), PyArray_DIM(x, 2),
                                                         PyArray_DIM(x, 3), PyArray_DIM(w, 0), KH, KW, sh, sw, ph, pw,
                                                         dh, dw, groups)) < 0)
        return -1;
    return plane_match(y, ny, oh, ow, x, "x");
}

/* The im2col scratch of n floats: the caller's so (a writeable float32 1-D array of at least n floats
 * that overlaps none of the n_arr arrays), or for None a block of our own in *own (the caller
 * mlc_frees it). Sets *scratch; 0, or -1 with an exception. */
static int conv_scratch(PyObject *so, int64_t n, PyArrayObject **arr, const char **names, int n_arr,
                        float **scratch, float **own) {
    PyArrayObject *s;
    *scratch = *own = NULL;
    if (so == Py_None) {
        if (n > 0 && (*own = mlc_malloc(sizeof(float) * (size_t)n)) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *scratch = *own;
        return 0;
    }
    if (mlc_bind_inplace(so, NPY_FLOAT32, 1, "scratch", MLC_BIND_OUT, &s) < 0) return -1;
    if (PyArray_DIM(s, 0) < n) {
        PyErr_Format(PyExc_ValueError, "scratch has %zd floats, these sizes need %lld (nn_conv2d_scratch_size)",
                     (Py_ssize_t)PyArray_DIM(s, 0), (long long)n);
        return -1;
    }
    for (int i = 0; i < n_arr; i++)
        if (mlc_bind_no_overlap(s, "scratch", arr[i], names[i], 0) < 0) return -1;
    *scratch = PyArray_DATA(s);
    return 0;
}

/* nn_conv2d_scratch_size(x_shape, weight_shape, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w,
 *                        backward, with_dweight, groups=1) -> floats of scratch for the current thread count */
static PyObject *nn_conv2d_scratch_size(PyObject *self, PyObject *args) {
    (void)self;
    Py_ssize_t B, Cin, H, W, Cout, Cin_w, KH, KW, sh, sw, ph, pw, dh, dw, groups = 1;
    int backward, with_dw;
    if (!PyArg_ParseTuple(args, "(nnnn)(nnnn)nnnnnnpp|n", &B, &Cin, &H, &W, &Cout, &Cin_w, &KH, &KW, &sh, &sw, &ph,
                          &pw, &dh, &dw, &backward, &with_dw, &groups))
        return NULL;
    return PyLong_FromLongLong((long long)mlc_nn_conv2d_scratch_size(B, Cin, H, W, Cout, KH, KW, sh, sw, ph, pw, dh, dw,
                                                                     groups, backward, with_dw,
                                                                     mlc_get_num_threads()));
}

/* nn_conv2d_forward(out, x, weight, bias, stride_h=1, stride_w=1, pad_h=0, pad_w=0, dil_h=1, dil_w=1,
 *                   scratch=None, groups=1) */
static PyObject *nn_conv2d_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "x", "weight", "bias", "stride_h", "stride_w", "pad_h", "pad_w",
                             "dil_h", "dil_w", "scratch", "groups", NULL};
    PyObject *oo, *xo, *wo, *bo, *so = Py_None;
    Py_ssize_t sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1, groups = 1;
    PyArrayObject *out, *x, *w, *b;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO|nnnnnnOn", kwlist, &oo, &xo, &wo, &bo, &sh, &sw, &ph, &pw, &dh,
                                     &dw, &so, &groups))
        return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, 4, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 4, "x", MLC_BIND_IN, &x) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 4, "weight", MLC_BIND_IN, &w) < 0 ||
        mlc_bind_inplace(bo, NPY_FLOAT32, 1, "bias", MLC_BIND_OPTIONAL, &b) < 0 ||
        mlc_bind_dims_match(b, 0, "bias", w, 0, "weight") < 0 ||
        conv_shapes(out, "out", x, w, sh, sw, ph, pw, dh, dw, groups) < 0 ||
        mlc_bind_no_overlap(out, "out", x, "x", 0) < 0 || mlc_bind_no_overlap(out, "out", w, "weight", 0) < 0 ||
        mlc_bind_no_overlap(out, "out", b, "bias", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(x, 0), Cin = PyArray_DIM(x, 1), H = PyArray_DIM(x, 2), W = PyArray_DIM(x, 3);
    const int64_t Cout = PyArray_DIM(w, 0), KH = PyArray_DIM(w, 2), KW = PyArray_DIM(w, 3);
    const int nt = mlc_get_num_threads();
    const int64_t n_scratch =
        mlc_nn_conv2d_scratch_size(B, Cin, H, W, Cout, KH, KW, sh, sw, ph, pw, dh, dw, groups, 0, 0, nt);
    PyArrayObject *arr[4] = {out, x, w, b};
    const char *names[4] = {"out", "x", "weight", "bias"};
    float *scratch, *own;
    if (conv_scratch(so, n_scratch, arr, names, 4, &scratch, &own) < 0) return NULL;
    const float *bd = mlc_bind_data(b);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_conv2d_forward(PyArray_DATA(out), PyArray_DATA(x), PyArray_DATA(w), bd, B, Cin, H, W, Cout, KH, KW, sh,
                               sw, ph, pw, dh, dw, groups, scratch, nt);
    Py_END_ALLOW_THREADS
    mlc_free(own);
    return mlc_bind_none_or_status(st);
}

/* nn_conv2d_backward(dx, dweight, dbias, dout, x, weight, stride_h=1, ..., dil_w=1, scratch=None,
 * groups=1): accumulate. */
static PyObject *nn_conv2d_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dx", "dweight", "dbias", "dout", "x", "weight", "stride_h", "stride_w",
                             "pad_h", "pad_w", "dil_h", "dil_w", "scratch", "groups", NULL};
    PyObject *dxo, *dwo, *dbo, *go, *xo, *wo, *so = Py_None;
    Py_ssize_t sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1, groups = 1;
    PyArrayObject *dx, *dwt, *db, *g, *x, *w;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOO|nnnnnnOn", kwlist, &dxo, &dwo, &dbo, &go, &xo, &wo, &sh, &sw,
                                     &ph, &pw, &dh, &dw, &so, &groups))
        return NULL;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, 4, "dx", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dx) < 0 ||
        mlc_bind_inplace(dwo, NPY_FLOAT32, 4, "dweight", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dwt) < 0 ||
        mlc_bind_inplace(dbo, NPY_FLOAT32, 1, "dbias", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &db) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, 4, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 4, "x", MLC_BIND_IN, &x) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 4, "weight", MLC_BIND_IN, &w) < 0 ||
        conv_shapes(g, "dout", x, w, sh, sw, ph, pw, dh, dw, groups) < 0)
        return NULL;
    for (int d = 0; d < 4; d++)
        if (mlc_bind_dims_match(dx, d, "dx", x, d, "x") < 0 ||
            mlc_bind_dims_match(dwt, d, "dweight", w, d, "weight") < 0) return NULL;
    if (mlc_bind_dims_match(db, 0, "dbias", w, 0, "weight") < 0) return NULL;
    PyArrayObject *outs[3] = {dx, dwt, db}, *ins[3] = {g, x, w};
    const char *no[3] = {"dx", "dweight", "dbias"}, *ni[3] = {"dout", "x", "weight"};
    if (none_overlap(outs, no, 3, ins, ni, 3) < 0) return NULL;
    const int64_t B = PyArray_DIM(x, 0), Cin = PyArray_DIM(x, 1), H = PyArray_DIM(x, 2), W = PyArray_DIM(x, 3);
    const int64_t Cout = PyArray_DIM(w, 0), KH = PyArray_DIM(w, 2), KW = PyArray_DIM(w, 3);
    const int nt = mlc_get_num_threads();
    float *dxd = mlc_bind_data(dx), *dwd = mlc_bind_data(dwt),
          *dbd = mlc_bind_data(db);
    int64_t n_scratch = 0;
    if (dx != NULL || dwt != NULL)
        n_scratch =
            mlc_nn_conv2d_scratch_size(B, Cin, H, W, Cout, KH, KW, sh, sw, ph, pw, dh, dw, groups, 1, dwt != NULL, nt);
    PyArrayObject *arr[6] = {dx, dwt, db, g, x, w};
    const char *names[6] = {"dx", "dweight", "dbias", "dout", "x", "weight"};
    float *scratch, *own;
    if (conv_scratch(so, n_scratch, arr, names, 6, &scratch, &own) < 0) return NULL;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_conv2d_backward(dxd, dwd, dbd, PyArray_DATA(g), PyArray_DATA(x), PyArray_DATA(w), B, Cin, H, W, Cout,
                                KH, KW, sh, sw, ph, pw, dh, dw, groups, scratch, nt);
    Py_END_ALLOW_THREADS
    mlc_free(own);
    return mlc_bind_none_or_status(st);
}

/* ---- pooling -------------------------------------------------------------------------------------- */

/* y (B, C, OH, OW) against x (B, C, H, W) and the window; check_params first. */
static int pool_shapes(PyArrayObject *y, const char *ny, PyArrayObject *x, const char *nx, Py_ssize_t kh,
                       Py_ssize_t kw, Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t ph, Py_ssize_t pw) {
    if (mlc_bind_dims_match(y, 0, ny, x, 0, nx) < 0 || mlc_bind_dims_match(y, 1, ny, x, 1, nx) < 0) return -1;
    const int ok = sane(sh, sw, ph, pw, 1, 1) && kh >= 1 && kw >= 1 && kh <= INT_MAX && kw <= INT_MAX &&
                   2 * ph <= kh && 2 * pw <= kw;
    const int64_t oh = ok ? mlc_nn_conv_out_size(PyArray_DIM(x, 2), kh, sh, ph, 1) : 0;
    const int64_t ow = ok ? mlc_nn_conv_out_size(PyArray_DIM(x, 3), kw, sw, pw, 1) : 0;
    if (ok && (oh < 1 || ow < 1)) return empty_output(x, nx, kh, kw, ph, pw, 1, 1);
    if (mlc_bind_check_params(mlc_nn_pool2d_check_params(PyArray_DIM(x, 0), PyArray_DIM(x, 1), PyArray_DIM(x, 2),
                                                         PyArray_DIM(x, 3), kh, kw, sh, sw, ph, pw)) < 0)
        return -1;
    return plane_match(y, ny, oh, ow, x, nx);
}

/* nn_maxpool2d_forward(out, argmax, x, kernel_h, kernel_w, stride_h, stride_w, pad_h=0, pad_w=0);
 * argmax (int64) may be None. */
static PyObject *nn_maxpool2d_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "argmax", "x", "kernel_h", "kernel_w", "stride_h", "stride_w", "pad_h", "pad_w",
                             NULL};
    PyObject *oo, *ao, *xo;
    Py_ssize_t kh, kw, sh, sw, ph = 0, pw = 0;
    PyArrayObject *out, *am, *x;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOnnnn|nn", kwlist, &oo, &ao, &xo, &kh, &kw, &sh, &sw, &ph, &pw))
        return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, 4, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(ao, NPY_INT64, 4, "argmax", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &am) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 4, "x", MLC_BIND_IN, &x) < 0 ||
        pool_shapes(out, "out", x, "x", kh, kw, sh, sw, ph, pw) < 0 ||
        pool_shapes(am, "argmax", x, "x", kh, kw, sh, sw, ph, pw) < 0 ||
        mlc_bind_no_overlap(out, "out", x, "x", 0) < 0 ||
        mlc_bind_no_overlap(am, "argmax", x, "x", 0) < 0 || mlc_bind_no_overlap(am, "argmax", out, "out", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(x, 0), C = PyArray_DIM(x, 1), H = PyArray_DIM(x, 2), W = PyArray_DIM(x, 3);
    const int nt = mlc_get_num_threads();
    int64_t *ad = mlc_bind_data(am);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_maxpool2d_forward(PyArray_DATA(out), ad, PyArray_DATA(x), B, C, H, W, kh, kw, sh, sw, ph, pw, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_maxpool2d_backward(dx, dout, argmax): dx (B, C, H, W) += dout routed by argmax; dx may be None. */
static PyObject *nn_maxpool2d_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dx", "dout", "argmax", NULL};
    PyObject *dxo, *go, *ao;
    PyArrayObject *dx, *g, *am;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO", kwlist, &dxo, &go, &ao)) return NULL;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, 4, "dx", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &dx) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, 4, "dout", MLC_BIND_IN, &g) < 0 ||
        mlc_bind_inplace(ao, NPY_INT64, 4, "argmax", MLC_BIND_IN, &am) < 0)
        return NULL;
    for (int d = 0; d < 4; d++)
        if (mlc_bind_dims_match(am, d, "argmax", g, d, "dout") < 0) return NULL;
    if (mlc_bind_dims_match(dx, 0, "dx", g, 0, "dout") < 0 || mlc_bind_dims_match(dx, 1, "dx", g, 1, "dout") < 0 ||
        mlc_bind_no_overlap(dx, "dx", g, "dout", 0) < 0 || mlc_bind_no_overlap(dx, "dx", am, "argmax", 0) < 0)
        return NULL;
    if (dx == NULL) Py_RETURN_NONE;
    const int64_t B = PyArray_DIM(dx, 0), C = PyArray_DIM(dx, 1), H = PyArray_DIM(dx, 2), W = PyArray_DIM(dx, 3);
    const int64_t OH = PyArray_DIM(g, 2), OW = PyArray_DIM(g, 3);
    if (H < 1 || W < 1) {
        PyErr_SetString(PyExc_ValueError, "dx: the input image must be at least 1x1");
        return NULL;
    }
    const int nt = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_maxpool2d_backward(PyArray_DATA(dx), PyArray_DATA(g), PyArray_DATA(am), B, C, H, W, OH, OW, nt);
    Py_END_ALLOW_THREADS
    if (st == MLC_EINVAL) {
        PyErr_Format(PyExc_ValueError,
                     "argmax holds an index outside [0, H*W) = [0, %lld): not from a forward on this x",
                     (long long)(H * W));
        return NULL;
    }
    return mlc_bind_none_or_status(st);
}

/* nn_avgpool2d_forward(out, x, kernel_h, kernel_w, stride_h, stride_w, pad_h=0, pad_w=0, count_include_pad=True) */
static PyObject *nn_avgpool2d_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"out", "x", "kernel_h", "kernel_w", "stride_h", "stride_w", "pad_h", "pad_w",
                             "count_include_pad", NULL};
    PyObject *oo, *xo;
    Py_ssize_t kh, kw, sh, sw, ph = 0, pw = 0;
    int cip = 1;
    PyArrayObject *out, *x;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOnnnn|nnp", kwlist, &oo, &xo, &kh, &kw, &sh, &sw, &ph, &pw, &cip))
        return NULL;
    if (mlc_bind_inplace(oo, NPY_FLOAT32, 4, "out", MLC_BIND_OUT, &out) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 4, "x", MLC_BIND_IN, &x) < 0 ||
        pool_shapes(out, "out", x, "x", kh, kw, sh, sw, ph, pw) < 0 || mlc_bind_no_overlap(out, "out", x, "x", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(x, 0), C = PyArray_DIM(x, 1), H = PyArray_DIM(x, 2), W = PyArray_DIM(x, 3);
    const int nt = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_avgpool2d_forward(PyArray_DATA(out), PyArray_DATA(x), B, C, H, W, kh, kw, sh, sw, ph, pw, cip, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_avgpool2d_backward(dx, dout, kernel_h, kernel_w, stride_h, stride_w, pad_h=0, pad_w=0,
 * count_include_pad=True): dx (B, C, H, W) += ...; dx is required (its shape gives H and W). */
static PyObject *nn_avgpool2d_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dx", "dout", "kernel_h", "kernel_w", "stride_h", "stride_w", "pad_h", "pad_w",
                             "count_include_pad", NULL};
    PyObject *dxo, *go;
    Py_ssize_t kh, kw, sh, sw, ph = 0, pw = 0;
    int cip = 1;
    PyArrayObject *dx, *g;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOnnnn|nnp", kwlist, &dxo, &go, &kh, &kw, &sh, &sw, &ph, &pw, &cip))
        return NULL;
    if (mlc_bind_inplace(dxo, NPY_FLOAT32, 4, "dx", MLC_BIND_OUT, &dx) < 0 ||
        mlc_bind_inplace(go, NPY_FLOAT32, 4, "dout", MLC_BIND_IN, &g) < 0 ||
        pool_shapes(g, "dout", dx, "dx", kh, kw, sh, sw, ph, pw) < 0 ||
        mlc_bind_no_overlap(dx, "dx", g, "dout", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(dx, 0), C = PyArray_DIM(dx, 1), H = PyArray_DIM(dx, 2), W = PyArray_DIM(dx, 3);
    const int nt = mlc_get_num_threads();
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_avgpool2d_backward(PyArray_DATA(dx), PyArray_DATA(g), B, C, H, W, kh, kw, sh, sw, ph, pw, cip, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* Both directions of adaptive average pooling: the image-sized array (x in, or dx out) and the
 * output-sized one (out out, or dout in) give every size. */
static PyObject *adaptive_avgpool2d(PyObject *args, PyObject *kwds, int backward) {
    static char *fw_kwlist[] = {"out", "x", NULL}, *bw_kwlist[] = {"dx", "dout", NULL};
    char **kwlist = backward ? bw_kwlist : fw_kwlist;
    PyObject *first, *second;
    PyArrayObject *img, *pooled;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO", kwlist, &first, &second)) return NULL;
    const char *ni = backward ? "dx" : "x", *np = backward ? "dout" : "out";
    if (mlc_bind_inplace(backward ? first : second, NPY_FLOAT32, 4, ni, backward ? MLC_BIND_OUT : MLC_BIND_IN,
                         &img) < 0 ||
        mlc_bind_inplace(backward ? second : first, NPY_FLOAT32, 4, np, backward ? MLC_BIND_IN : MLC_BIND_OUT,
                         &pooled) < 0 ||
        mlc_bind_dims_match(pooled, 0, np, img, 0, ni) < 0 || mlc_bind_dims_match(pooled, 1, np, img, 1, ni) < 0 ||
        mlc_bind_no_overlap(backward ? img : pooled, backward ? ni : np, backward ? pooled : img,
                            backward ? np : ni, 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(img, 0), C = PyArray_DIM(img, 1), H = PyArray_DIM(img, 2), W = PyArray_DIM(img, 3);
    const int64_t OH = PyArray_DIM(pooled, 2), OW = PyArray_DIM(pooled, 3);
    if (mlc_bind_check_params(mlc_nn_adaptive_avgpool2d_check_params(B, C, H, W, OH, OW)) < 0) return NULL;
    const int nt = mlc_get_num_threads();
    float *ip = PyArray_DATA(img), *pp = PyArray_DATA(pooled);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = backward ? mlc_nn_adaptive_avgpool2d_backward(ip, pp, B, C, H, W, OH, OW, nt)
                  : mlc_nn_adaptive_avgpool2d_forward(pp, ip, B, C, H, W, OH, OW, nt);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

/* nn_adaptive_avgpool2d_forward(out, x) */
static PyObject *nn_adaptive_avgpool2d_forward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return adaptive_avgpool2d(args, kwds, 0);
}

/* nn_adaptive_avgpool2d_backward(dx, dout) */
static PyObject *nn_adaptive_avgpool2d_backward(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    return adaptive_avgpool2d(args, kwds, 1);
}

PyMethodDef mlc_nn_conv_methods[] = {
    {"nn_conv2d_scratch_size", nn_conv2d_scratch_size, METH_VARARGS,
     "nn_conv2d_scratch_size(x_shape, weight_shape, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, backward, "
     "with_dweight, groups=1) -> floats of scratch nn_conv2d_forward/backward need (for the current thread count)"},
    {"nn_conv2d_forward", MLC_BIND_FN(nn_conv2d_forward), MLC_BIND_KW,
     "nn_conv2d_forward(out, x, weight, bias, stride_h=1, stride_w=1, pad_h=0, pad_w=0, dil_h=1, dil_w=1, "
     "scratch=None, groups=1):\n"
     "out (B, C_out, OH, OW) = conv2d(x (B, C_in, H, W), weight (C_out, C_in / groups, KH, KW)) + bias (C_out) or None"},
    {"nn_conv2d_backward", MLC_BIND_FN(nn_conv2d_backward), MLC_BIND_KW,
     "nn_conv2d_backward(dx, dweight, dbias, dout, x, weight, stride_h=1, stride_w=1, pad_h=0, pad_w=0, dil_h=1, "
     "dil_w=1, scratch=None, groups=1): accumulate the gradients (each may be None)"},
    {"nn_maxpool2d_forward", MLC_BIND_FN(nn_maxpool2d_forward), MLC_BIND_KW,
     "nn_maxpool2d_forward(out, argmax, x, kernel_h, kernel_w, stride_h, stride_w, pad_h=0, pad_w=0): "
     "argmax (int64, flat index in the H*W plane) may be None"},
    {"nn_maxpool2d_backward", MLC_BIND_FN(nn_maxpool2d_backward), MLC_BIND_KW,
     "nn_maxpool2d_backward(dx, dout, argmax): dx += dout routed to argmax"},
    {"nn_avgpool2d_forward", MLC_BIND_FN(nn_avgpool2d_forward), MLC_BIND_KW,
     "nn_avgpool2d_forward(out, x, kernel_h, kernel_w, stride_h, stride_w, pad_h=0, pad_w=0, count_include_pad=True)"},
    {"nn_avgpool2d_backward", MLC_BIND_FN(nn_avgpool2d_backward), MLC_BIND_KW,
     "nn_avgpool2d_backward(dx, dout, kernel_h, kernel_w, stride_h, stride_w, pad_h=0, pad_w=0, "
     "count_include_pad=True): dx += dout / divisor over each window"},
    {"nn_adaptive_avgpool2d_forward", MLC_BIND_FN(nn_adaptive_avgpool2d_forward), MLC_BIND_KW,
     "nn_adaptive_avgpool2d_forward(out, x): out (B, C, OH, OW) = torch's adaptive average pooling of "
     "x (B, C, H, W), any OH, OW >= 1"},
    {"nn_adaptive_avgpool2d_backward", MLC_BIND_FN(nn_adaptive_avgpool2d_backward), MLC_BIND_KW,
     "nn_adaptive_avgpool2d_backward(dx, dout): dx (B, C, H, W) += dout / window size over each window"},
    {NULL, NULL, 0, NULL},
};
