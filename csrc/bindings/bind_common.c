/* bind_common.c: array conversion, the status-to-exception helper, the interrupt hook. */
#include "bind.h"

#include <stdio.h>

#include "core/sparse.h"

PyArrayObject *mlc_bind_array(PyObject *obj, int typenum, int ndim, const char *name) {
    if (obj == NULL || obj == Py_None) {
        PyErr_Format(PyExc_TypeError, "%s: expected an array, got None", name);
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)PyArray_FROM_OTF(obj, typenum, NPY_ARRAY_IN_ARRAY);
    if (a == NULL) return NULL;
    if (PyArray_NDIM(a) != ndim) {
        PyErr_Format(PyExc_ValueError, "%s: expected a %d-D array, got %d-D", name, ndim,
                     PyArray_NDIM(a));
        Py_DECREF(a);
        return NULL;
    }
    return a;
}

PyArrayObject *mlc_bind_float_array(PyObject *obj, int ndim, const char *name) {
    int typenum = NPY_FLOAT64;
    if (obj != NULL && PyArray_Check(obj) && PyArray_TYPE((PyArrayObject *)obj) == NPY_FLOAT32)
        typenum = NPY_FLOAT32;
    return mlc_bind_array(obj, typenum, ndim, name);
}

int mlc_bind_optional(PyObject *obj, int typenum, npy_intp n, const char *name, PyArrayObject **out) {
    *out = NULL;
    if (obj == NULL || obj == Py_None) return 0;
    *out = mlc_bind_array(obj, typenum, 1, name);
    if (*out == NULL) return -1;
    return mlc_bind_check_dim(*out, 0, n, name);
}

int mlc_bind_weights(PyObject *obj, int typenum, npy_intp n, PyArrayObject **out) {
    return mlc_bind_optional(obj, typenum, n, "sample_weight", out);
}

PyArrayObject *mlc_bind_new(int nd, npy_intp d0, npy_intp d1, int typenum) {
    npy_intp dims[2] = {d0, d1};
    return mlc_bind_new_shape(nd, dims, typenum, 0);
}

PyArrayObject *mlc_bind_new_shape(int nd, const npy_intp *dims, int typenum, int zero) {
    return (PyArrayObject *)(zero ? PyArray_ZEROS(nd, dims, typenum, 0) : PyArray_SimpleNew(nd, dims, typenum));
}

int mlc_bind_inplace(PyObject *obj, int typenum, int ndim, const char *name, int flags, PyArrayObject **out) {
    *out = NULL;
    if (obj == NULL || obj == Py_None) {
        if (flags & MLC_BIND_OPTIONAL) return 0;
        PyErr_Format(PyExc_TypeError, "%s: expected an array, got None", name);
        return -1;
    }
    if (!PyArray_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected a numpy array, got %s", name, Py_TYPE(obj)->tp_name);
        return -1;
    }
    PyArrayObject *a = (PyArrayObject *)obj;
    if (PyArray_TYPE(a) != typenum) {
        PyArray_Descr *want = PyArray_DescrFromType(typenum);
        PyErr_Format(PyExc_TypeError, "%s: expected dtype %S, got %S", name, (PyObject *)want,
                     (PyObject *)PyArray_DESCR(a));
        Py_XDECREF(want);
        return -1;
    }
    if (ndim >= 0 && PyArray_NDIM(a) != ndim) {
        PyErr_Format(PyExc_ValueError, "%s: expected a %d-D array, got %d-D", name, ndim, PyArray_NDIM(a));
        return -1;
    }
    if (!PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a)) {
        PyErr_Format(PyExc_ValueError, "%s: expected a C-contiguous aligned array", name);
        return -1;
    }
    if ((flags & MLC_BIND_OUT) && !PyArray_ISWRITEABLE(a)) {
        PyErr_Format(PyExc_ValueError, "%s: the array is read-only", name);
        return -1;
    }
    *out = a;
    return 0;
}

void mlc_bind_shape_str(PyArrayObject *a, char *buf, size_t size) {
    size_t k = (size_t)snprintf(buf, size, "(");
    for (int d = 0; d < PyArray_NDIM(a) && k < size; d++)
        k += (size_t)snprintf(buf + k, size - k, d ? ", %zd" : "%zd", (Py_ssize_t)PyArray_DIM(a, d));
    if (k < size) snprintf(buf + k, size - k, PyArray_NDIM(a) == 1 ? ",)" : ")");
}

int mlc_bind_same_shape(PyArrayObject *a, const char *na, PyArrayObject *b, const char *nb) {
    if (a == NULL || b == NULL) return 0;
    if (PyArray_NDIM(a) == PyArray_NDIM(b) &&
        PyArray_CompareLists(PyArray_DIMS(a), PyArray_DIMS(b), PyArray_NDIM(a)))
        return 0;
    char sa[128], sb[128];
    mlc_bind_shape_str(a, sa, sizeof sa);
    mlc_bind_shape_str(b, sb, sizeof sb);
    PyErr_Format(PyExc_ValueError, "%s and %s must have the same shape, got %s and %s", na, nb, sa, sb);
    return -1;
}

int mlc_bind_dims_match(PyArrayObject *a, int ia, const char *na, PyArrayObject *b, int ib, const char *nb) {
    if (a == NULL || b == NULL || PyArray_DIM(a, ia) == PyArray_DIM(b, ib)) return 0;
    PyErr_Format(PyExc_ValueError, "%s.shape[%d] = %zd does not match %s.shape[%d] = %zd", na, ia,
                 (Py_ssize_t)PyArray_DIM(a, ia), nb, ib, (Py_ssize_t)PyArray_DIM(b, ib));
    return -1;
}

int mlc_bind_no_overlap(PyArrayObject *out, const char *no, PyArrayObject *in, const char *ni, int allow_same) {
    if (out == NULL || in == NULL) return 0;
    const char *po = PyArray_BYTES(out), *pi = PyArray_BYTES(in);
    const npy_intp so = PyArray_NBYTES(out), si = PyArray_NBYTES(in);
    if (so == 0 || si == 0 || po + so <= pi || pi + si <= po) return 0;
    if (allow_same && po == pi && so == si) return 0;
    PyErr_Format(PyExc_ValueError, allow_same ? "%s overlaps %s (it may only be the same array)"
                                              : "%s overlaps %s (they must be separate arrays)", no, ni);
    return -1;
}

PyObject *mlc_bind_none_or_status(int status) {
    if (status != MLC_OK) return mlc_bind_status(status);
    Py_RETURN_NONE;
}

int mlc_bind_check_dim(PyArrayObject *a, int axis, npy_intp expected, const char *name) {
    if (PyArray_DIM(a, axis) != expected) {
        PyErr_Format(PyExc_ValueError, "%s: dimension %d is %zd, expected %zd", name, axis,
                     (Py_ssize_t)PyArray_DIM(a, axis), (Py_ssize_t)expected);
        return -1;
    }
    return 0;
}

int mlc_bind_check_params(const char *msg) {
    if (msg == NULL) return 0;
    PyErr_SetString(PyExc_ValueError, msg);
    return -1;
}

int mlc_bind_check_status(int status) {
    if (status == MLC_OK) return 0;
    mlc_bind_status(status);
    return -1;
}

PyObject *mlc_bind_status(int status) {
    if (PyErr_Occurred()) return NULL; /* e.g. KeyboardInterrupt raised by the interrupt hook */
    switch (status) {
    case MLC_ENOMEM: return PyErr_NoMemory();
    case MLC_EINTERRUPTED: PyErr_SetNone(PyExc_KeyboardInterrupt); return NULL;
    case MLC_EINVAL:
    case MLC_ENUMERIC: PyErr_Format(PyExc_ValueError, "mlc kernel: %s", mlc_status_string(status)); return NULL;
    default: PyErr_Format(PyExc_RuntimeError, "mlc kernel: %s (status %d)", mlc_status_string(status), status); return NULL;
    }
}

/* Called by a kernel with the GIL released, from the thread that released it: take the GIL, let
 * Python run its signal handlers, and ask the kernel to stop if one raised (Ctrl-C). The pending
 * exception stays set and is what the binding raises. */
static int check_signals(void *ctx, int64_t done, int64_t total) {
    (void)ctx;
    (void)done;
    (void)total;
    PyGILState_STATE s = PyGILState_Ensure();
    int stop = PyErr_CheckSignals() < 0;
    PyGILState_Release(s);
    return stop;
}

const mlc_progress mlc_bind_interrupt = {check_signals, NULL};

void mlc_bind_csr_clear(mlc_bind_csr *A) {
    Py_CLEAR(A->data);
    Py_CLEAR(A->indices);
    Py_CLEAR(A->indptr);
}

int mlc_bind_csr_from(mlc_bind_csr *A, PyObject *data, PyObject *indices, PyObject *indptr,
                      long long n_cols) {
    A->indices = A->indptr = NULL;
    A->data = mlc_bind_float_array(data, 1, "data");
    if (A->data == NULL) goto fail;
    A->indices = mlc_bind_array(indices, NPY_INT32, 1, "indices");
    A->indptr = mlc_bind_array(indptr, NPY_INT64, 1, "indptr");
    if (A->indices == NULL || A->indptr == NULL) goto fail;
    A->nnz = PyArray_DIM(A->data, 0);
    A->n = PyArray_DIM(A->indptr, 0) - 1;
    A->d = n_cols;
    if (A->n < 0 || PyArray_DIM(A->indices, 0) != A->nnz) {
        PyErr_SetString(PyExc_ValueError, "CSR: indptr must have N + 1 entries and indices as many as data");
        goto fail;
    }
    const char *msg = mlc_sparse_check_csr(PyArray_DATA(A->indices), PyArray_DATA(A->indptr), A->n,
                                           A->d, A->nnz);
    if (msg != NULL) {
        PyErr_Format(PyExc_ValueError, "CSR: %s", msg);
        goto fail;
    }
    return 0;
fail:
    mlc_bind_csr_clear(A);
    return -1;
}

int mlc_bind_rows(PyObject *xo, PyArrayObject **X, mlc_bind_csr *A, npy_intp *n, npy_intp *d) {
    if (!PyTuple_Check(xo)) {
        *X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
        if (*X == NULL) return -1;
        *n = PyArray_DIM(*X, 0);
        *d = PyArray_DIM(*X, 1);
        return 0;
    }
    PyObject *data, *indices, *indptr;
    long long n_cols;
    if (!PyArg_ParseTuple(xo, "OOOL;X must be an array or (data, indices, indptr, n_cols)", &data, &indices, &indptr,
                          &n_cols))
        return -1;
    if (mlc_bind_csr_from(A, data, indices, indptr, n_cols) < 0) return -1;
    if (PyArray_TYPE(A->data) != NPY_FLOAT64) {
        PyErr_SetString(PyExc_TypeError, "CSR data must be float64");
        mlc_bind_csr_clear(A);
        return -1;
    }
    *n = A->n;
    *d = A->d;
    return 0;
}
