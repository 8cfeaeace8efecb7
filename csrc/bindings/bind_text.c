/* bind_text.c: text_count (documents to terms, frequencies and a CSR count matrix) and text_prune
 * (keep some columns of it, in place). */
#include "bind.h" /* first: Python.h before any system header */
#include "core/sparse.h"
#include "text/bag_of_words.h"

/* text_count(text, doc_start, word, n_threads=1) -> (terms, df, tf, indptr, indices, counts). */
static PyObject *text_count(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"text", "doc_start", "word", "n_threads", NULL};
    PyObject *to, *so, *wo;
    int n_threads = 1;
    PyArrayObject *start = NULL, *word = NULL, *df = NULL, *tf = NULL, *indptr = NULL, *indices = NULL,
                  *counts = NULL;
    PyObject *terms = NULL;
    mlc_text_bag bag;
    memset(&bag, 0, sizeof bag);
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|i", kwlist, &to, &so, &wo, &n_threads)) return NULL;
    if (!PyBytes_Check(to)) {
        PyErr_Format(PyExc_TypeError, "text: expected bytes, got %s", Py_TYPE(to)->tp_name);
        return NULL;
    }
    start = mlc_bind_array(so, NPY_INT64, 1, "doc_start");
    if (start == NULL) goto fail;
    const npy_intp n = PyArray_DIM(start, 0) - 1;
    const int64_t *ds = PyArray_DATA(start);
    if (n < 0 || ds[n] > PyBytes_GET_SIZE(to)) {
        PyErr_SetString(PyExc_ValueError, "doc_start: expected N + 1 >= 1 offsets ending within text");
        goto fail;
    }
    if (mlc_bind_optional(wo, NPY_UINT8, MLC_TEXT_CODE_POINTS / 8, "word", &word) < 0) goto fail;
    if (mlc_bind_check_params(mlc_text_check_params(ds, n)) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    const char *text = PyBytes_AS_STRING(to);
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_text_count(&bag, text, ds, n, mlc_bind_data(word), &mlc_bind_interrupt, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    terms = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)bag.terms_bytes);
    df = mlc_bind_new(1, bag.n_terms, 0, NPY_INT64);
    tf = mlc_bind_new(1, bag.n_terms, 0, NPY_INT64);
    indptr = mlc_bind_new(1, n + 1, 0, NPY_INT64);
    indices = mlc_bind_new(1, bag.nnz, 0, NPY_INT32);
    counts = mlc_bind_new(1, bag.nnz, 0, NPY_INT64);
    if (terms == NULL || df == NULL || tf == NULL || indptr == NULL || indices == NULL || counts == NULL) goto fail;
    char *out = PyBytes_AS_STRING(terms); /* a new object no other thread can see */
    Py_BEGIN_ALLOW_THREADS
    st = mlc_text_emit(out, PyArray_DATA(df), PyArray_DATA(tf), PyArray_DATA(indptr), PyArray_DATA(indices),
                       PyArray_DATA(counts), &bag, n_threads);
    Py_END_ALLOW_THREADS
    mlc_text_bag_free(&bag);
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(start);
    Py_XDECREF(word);
    return Py_BuildValue("NNNNNN", terms, df, tf, indptr, indices, counts);
fail:
    mlc_text_bag_free(&bag);
    Py_XDECREF(start);
    Py_XDECREF(word);
    Py_XDECREF(terms);
    Py_XDECREF(df);
    Py_XDECREF(tf);
    Py_XDECREF(indptr);
    Py_XDECREF(indices);
    Py_XDECREF(counts);
    return NULL;
}

/* text_prune(indptr, indices, counts, new_index) -> None: the kept columns' pairs moved to the front,
 * in place (int64, int32, int64 writeable arrays; new_index (V) int32, -1 drops a column). */
static PyObject *text_prune(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"indptr", "indices", "counts", "new_index", NULL};
    PyObject *po, *io, *co, *no;
    PyArrayObject *indptr, *indices, *counts, *new_index;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO", kwlist, &po, &io, &co, &no)) return NULL;
    if (mlc_bind_inplace(po, NPY_INT64, 1, "indptr", MLC_BIND_OUT, &indptr) < 0 ||
        mlc_bind_inplace(io, NPY_INT32, 1, "indices", MLC_BIND_OUT, &indices) < 0 ||
        mlc_bind_inplace(co, NPY_INT64, 1, "counts", MLC_BIND_OUT, &counts) < 0 ||
        mlc_bind_inplace(no, NPY_INT32, 1, "new_index", MLC_BIND_IN, &new_index) < 0 ||
        mlc_bind_same_shape(indices, "indices", counts, "counts") < 0)
        return NULL;
    const npy_intp n = PyArray_DIM(indptr, 0) - 1, v = PyArray_DIM(new_index, 0);
    const char *msg = n < 0 ? "indptr must have N + 1 >= 1 entries"
                            : mlc_sparse_check_csr(PyArray_DATA(indices), PyArray_DATA(indptr), n, v,
                                                   PyArray_DIM(indices, 0));
    if (msg != NULL) {
        PyErr_Format(PyExc_ValueError, "CSR: %s", msg);
        return NULL;
    }
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_text_prune(PyArray_DATA(indptr), PyArray_DATA(indices), PyArray_DATA(counts),
                        PyArray_DATA(new_index), n, v);
    Py_END_ALLOW_THREADS
    return mlc_bind_none_or_status(st);
}

PyMethodDef mlc_text_methods[] = {
    {"text_count", MLC_BIND_FN(text_count), MLC_BIND_KW,
     "text_count(text, doc_start, word, n_threads=1) -> (terms, df, tf, indptr, indices, counts): the "
     "tokens of the lowercased UTF-8 documents text[doc_start[i]:doc_start[i + 1]] counted; terms (bytes) "
     "sorted, each followed by a newline; the CSR count matrix over them"},
    {"text_prune", MLC_BIND_FN(text_prune), MLC_BIND_KW,
     "text_prune(indptr, indices, counts, new_index) -> None: column j becomes new_index[j] or is dropped "
     "(< 0), in place; indptr[-1] is then the number of pairs kept"},
    {NULL, NULL, 0, NULL},
};
