/* bind.h: what every bind_<family>.c shares. Only csrc/bindings/ includes Python.h and NumPy.
 *
 * The order of a binding (DESIGN.md): parse; convert with mlc_bind_array (PyArray_FROM_OTF with
 * NPY_ARRAY_IN_ARRAY, then a defensive ndim check); check shapes with mlc_bind_check_dim; call the
 * family's check_params (NULL or a message -> ValueError); allocate outputs with mlc_bind_new; release the
 * GIL around the kernel only; map the status with mlc_bind_status; one fail: label. */
#ifndef MLC_BIND_H
#define MLC_BIND_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define PY_ARRAY_UNIQUE_SYMBOL mlc_ARRAY_API
#ifndef MLC_BIND_MODULE
#define NO_IMPORT_ARRAY
#endif
#include <numpy/arrayobject.h>

#include "mlc.h"

/* obj as an aligned C-contiguous array of `typenum` with `ndim` dimensions (a new reference), or
 * NULL with TypeError/ValueError naming `name`. */
PyArrayObject *mlc_bind_array(PyObject *obj, int typenum, int ndim, const char *name);
/* The same, but the dtype is float32 if obj is a float32 array and float64 otherwise. */
PyArrayObject *mlc_bind_float_array(PyObject *obj, int ndim, const char *name);
/* An optional vector: None (or absent) gives *out = NULL; otherwise a 1-D array of `typenum` with
 * n entries (a new reference). Returns 0, or -1 with an exception naming `name`. */
int mlc_bind_optional(PyObject *obj, int typenum, npy_intp n, const char *name, PyArrayObject **out);
/* Optional sample weights: mlc_bind_optional named sample_weight. */
int mlc_bind_weights(PyObject *obj, int typenum, npy_intp n, PyArrayObject **out);
/* A new uninitialised 1-D (nd = 1: d0) or 2-D (d0, d1) array of `typenum`, or NULL with an exception. */
PyArrayObject *mlc_bind_new(int nd, npy_intp d0, npy_intp d1, int typenum);
/* The same for any shape dims (nd entries), zero-filled when `zero` is set. */
PyArrayObject *mlc_bind_new_shape(int nd, const npy_intp *dims, int typenum, int zero);
/* The data of an optional array: NULL when it is absent (None). */
static inline void *mlc_bind_data(PyArrayObject *a) { return a != NULL ? PyArray_DATA(a) : NULL; }
/* 0 if a.shape[axis] == expected, else -1 with ValueError. */
int mlc_bind_check_dim(PyArrayObject *a, int axis, npy_intp expected, const char *name);
/* -1 with ValueError(msg) when msg is not NULL (a check_params result), else 0. */
int mlc_bind_check_params(const char *msg);
/* Sets the exception for a kernel's negative status and returns NULL. */
PyObject *mlc_bind_status(int status);
/* 0 for MLC_OK, else -1 with the status's exception (mlc_bind_status). */
int mlc_bind_check_status(int status);
/* Network kernels work in place (outputs are overwritten, gradients accumulated), so their arrays
 * are not converted: obj must already be a float32 (typenum NPY_FLOAT32) or other `typenum`,
 * C-contiguous, aligned ndarray with `ndim` dimensions (ndim < 0: any), writeable with MLC_BIND_OUT.
 * With MLC_BIND_OPTIONAL, None gives *out = NULL. *out is a BORROWED reference (nothing to release).
 * Returns 0, or -1 with TypeError/ValueError naming `name`. */
enum { MLC_BIND_IN = 0, MLC_BIND_OUT = 1, MLC_BIND_OPTIONAL = 2 };
int mlc_bind_inplace(PyObject *obj, int typenum, int ndim, const char *name, int flags, PyArrayObject **out);
/* Shape and aliasing checks of the in-place (network) bindings: 0, or -1 with a ValueError naming
 * both arrays; each is skipped (0) when either array is NULL (an optional one left out).
 * same_shape: "a and b must have the same shape, got (..) and (..)"; dims_match: a.shape[ia] ==
 * b.shape[ib]; no_overlap: the memory of out and in is disjoint (allow_same: or exactly the same
 * array, for in-place pointwise kernels). shape_str writes "(2, 3)" into buf. */
void mlc_bind_shape_str(PyArrayObject *a, char *buf, size_t size);
int mlc_bind_same_shape(PyArrayObject *a, const char *na, PyArrayObject *b, const char *nb);
int mlc_bind_dims_match(PyArrayObject *a, int ia, const char *na, PyArrayObject *b, int ib, const char *nb);
int mlc_bind_no_overlap(PyArrayObject *out, const char *no, PyArrayObject *in, const char *ni, int allow_same);
/* None for MLC_OK, else the status's exception (NULL). */
PyObject *mlc_bind_none_or_status(int status);
/* A progress hook that checks for Ctrl-C (takes the GIL for the check; calling thread only). */
extern const mlc_progress mlc_bind_interrupt;

/* A CSR matrix from a binding's arguments: data (NNZ) float64 or float32 (the dtype of the array
 * passed, float64 for anything else), indices (NNZ) int32, indptr (N + 1) int64, converted and
 * checked (mlc_sparse_check_csr) so that a kernel never reads out of bounds. */
typedef struct {
    PyArrayObject *data, *indices, *indptr;
    int64_t n, d, nnz;
} mlc_bind_csr;
/* 0, or -1 with an exception set (A is then cleared). */
int mlc_bind_csr_from(mlc_bind_csr *A, PyObject *data, PyObject *indices, PyObject *indptr,
                      long long n_cols);
void mlc_bind_csr_clear(mlc_bind_csr *A);
/* The rows of a kernel that takes dense or CSR rows: an array X (N, D) float64 into *X, or a tuple (data,
 * indices, indptr, n_cols) of a CSR matrix with float64 data into *A (*X stays NULL). *n, *d out. 0 or -1. */
int mlc_bind_rows(PyObject *xo, PyArrayObject **X, mlc_bind_csr *A, npy_intp *n, npy_intp *d);

/* Method-table entries: keyword functions are cast through a void function pointer (no -Wextra warning). */
#define MLC_BIND_KW (METH_VARARGS | METH_KEYWORDS)
#define MLC_BIND_FN(f) ((PyCFunction)(void (*)(void))(f))

/* Each family's method table (NULL-terminated), merged by module.c. */
extern PyMethodDef mlc_core_methods[];
extern PyMethodDef mlc_distance_methods[];
extern PyMethodDef mlc_neighbors_methods[];
extern PyMethodDef mlc_metrics_methods[];
extern PyMethodDef mlc_preprocessing_methods[];
extern PyMethodDef mlc_cluster_methods[];
extern PyMethodDef mlc_mixture_methods[];
extern PyMethodDef mlc_naive_bayes_methods[];
extern PyMethodDef mlc_discriminant_analysis_methods[];
extern PyMethodDef mlc_decomposition_methods[];
extern PyMethodDef mlc_least_squares_methods[];
extern PyMethodDef mlc_logistic_methods[];
extern PyMethodDef mlc_kernel_svm_methods[];
extern PyMethodDef mlc_linear_svm_methods[];
extern PyMethodDef mlc_sgd_methods[];
extern PyMethodDef mlc_nn_dense_methods[];
extern PyMethodDef mlc_nn_loss_methods[];
extern PyMethodDef mlc_nn_conv_methods[];
extern PyMethodDef mlc_nn_norm_methods[];
extern PyMethodDef mlc_nn_optim_methods[];
extern PyMethodDef mlc_text_methods[];
extern PyMethodDef mlc_tree_methods[];
extern PyMethodDef mlc_ensemble_methods[];
extern PyMethodDef mlc_ensemble_forest_methods[];

#endif
