/* bind_metrics.c: label encoding, confusion counts, log-loss and the ROC curve
 * (metrics/classification.h). Labels arrive as int32 codes; every shape is re-checked here. */
#include "bind.h"

#include <string.h>

#include "metrics/classification.h"

/* The weights' kernel type: int64 for None or an integer array, float64 otherwise. */
static int weight_type(PyObject *obj) {
    if (obj == NULL || obj == Py_None) return NPY_INT64;
    if (PyArray_Check(obj) && PyArray_ISINTEGER((PyArrayObject *)obj)) return NPY_INT64;
    return NPY_FLOAT64;
}

/* Two code arrays of one length. Returns 0 or -1 with an exception. */
static int code_pair(PyObject *to, PyObject *po, PyArrayObject **yt, PyArrayObject **yp) {
    *yt = mlc_bind_array(to, NPY_INT32, 1, "y_true");
    *yp = *yt ? mlc_bind_array(po, NPY_INT32, 1, "y_pred") : NULL;
    if (*yp == NULL) return -1;
    return mlc_bind_check_dim(*yp, 0, PyArray_DIM(*yt, 0), "y_pred");
}

/* metrics_mark_labels(y int64 (N), lo, span) -> present uint8 (S) */
static PyObject *metrics_mark_labels(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *yo;
    long long lo;
    Py_ssize_t span;
    PyArrayObject *y = NULL, *present = NULL;
    if (!PyArg_ParseTuple(args, "OLn", &yo, &lo, &span)) return NULL;
    y = mlc_bind_array(yo, NPY_INT64, 1, "y");
    if (y == NULL) goto fail;
    if (mlc_bind_check_params(span < 1 ? "span must be >= 1" : NULL) < 0) goto fail;
    npy_intp dims[1] = {span};
    present = mlc_bind_new_shape(1, dims, NPY_UINT8, 1);
    if (present == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_metrics_mark_labels(PyArray_DATA(present), PyArray_DATA(y), PyArray_DIM(y, 0), lo,
                                 span);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(y);
    return (PyObject *)present;
fail:
    Py_XDECREF(y);
    Py_XDECREF(present);
    return NULL;
}

/* metrics_encode_labels(y int64 (N), table int32 (S), lo) -> codes int32 (N) */
static PyObject *metrics_encode_labels(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *yo, *to;
    long long lo;
    PyArrayObject *y = NULL, *table = NULL, *codes = NULL;
    if (!PyArg_ParseTuple(args, "OOL", &yo, &to, &lo)) return NULL;
    y = mlc_bind_array(yo, NPY_INT64, 1, "y");
    table = y ? mlc_bind_array(to, NPY_INT32, 1, "table") : NULL;
    if (table == NULL) goto fail;
    if (mlc_bind_check_params(PyArray_DIM(table, 0) < 1 ? "table must not be empty" : NULL) < 0)
        goto fail;
    codes = mlc_bind_new(1, PyArray_DIM(y, 0), 0, NPY_INT32);
    if (codes == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_metrics_encode_labels(PyArray_DATA(codes), PyArray_DATA(y), PyArray_DATA(table),
                                   PyArray_DIM(y, 0), lo, PyArray_DIM(table, 0));
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(y);
    Py_DECREF(table);
    return (PyObject *)codes;
fail:
    Py_XDECREF(y);
    Py_XDECREF(table);
    Py_XDECREF(codes);
    return NULL;
}

/* metrics_accuracy(y_true int32 (N), y_pred int32 (N), sample_weight float64 (N) | None)
 *   -> (correct, total) */
static PyObject *metrics_accuracy(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *to, *po, *wo = Py_None;
    PyArrayObject *yt = NULL, *yp = NULL, *w = NULL;
    if (!PyArg_ParseTuple(args, "OO|O", &to, &po, &wo)) return NULL;
    if (code_pair(to, po, &yt, &yp) < 0) goto fail;
    if (mlc_bind_weights(wo, NPY_FLOAT64, PyArray_DIM(yt, 0), &w) < 0) goto fail;
    double correct = 0.0, total = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_metrics_accuracy(&correct, &total, PyArray_DATA(yt), PyArray_DATA(yp), mlc_bind_data(w),
                              PyArray_DIM(yt, 0));
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(yt);
    Py_DECREF(yp);
    Py_XDECREF(w);
    return Py_BuildValue("dd", correct, total);
fail:
    Py_XDECREF(yt);
    Py_XDECREF(yp);
    Py_XDECREF(w);
    return NULL;
}

/* metrics_confusion(y_true int32 (N), y_pred int32 (N), sample_weight (N) | None, n_classes)
 *   -> cm (C, C): int64 for no or integer weights, float64 for float weights */
static PyObject *metrics_confusion(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *to, *po, *wo;
    Py_ssize_t c;
    PyArrayObject *yt = NULL, *yp = NULL, *w = NULL, *cm = NULL;
    if (!PyArg_ParseTuple(args, "OOOn", &to, &po, &wo, &c)) return NULL;
    const int wt = weight_type(wo);
    if (code_pair(to, po, &yt, &yp) < 0) goto fail;
    if (mlc_bind_weights(wo, wt, PyArray_DIM(yt, 0), &w) < 0) goto fail;
    if (mlc_bind_check_params(mlc_metrics_check_params(c)) < 0) goto fail;
    cm = mlc_bind_new(2, c, c, wt);
    if (cm == NULL) goto fail;
    int st;
    const int64_t n = PyArray_DIM(yt, 0);
    const int32_t *t = PyArray_DATA(yt), *p = PyArray_DATA(yp);
    Py_BEGIN_ALLOW_THREADS
    if (wt == NPY_INT64)
        st = mlc_metrics_confusion_i64(PyArray_DATA(cm), t, p, mlc_bind_data(w), n, c);
    else
        st = mlc_metrics_confusion_f64(PyArray_DATA(cm), t, p, mlc_bind_data(w), n, c);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(yt);
    Py_DECREF(yp);
    Py_XDECREF(w);
    return (PyObject *)cm;
fail:
    Py_XDECREF(yt);
    Py_XDECREF(yp);
    Py_XDECREF(w);
    Py_XDECREF(cm);
    return NULL;
}

/* metrics_class_counts(y_true int32 (N), y_pred int32 (N), sample_weight (N) | None, n_classes)
 *   -> (tp, pred_sum, true_sum), each (C,): int64 for no or integer weights, float64 otherwise */
static PyObject *metrics_class_counts(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *to, *po, *wo;
    Py_ssize_t c;
    PyArrayObject *yt = NULL, *yp = NULL, *w = NULL, *tp = NULL, *ps = NULL, *ts = NULL;
    if (!PyArg_ParseTuple(args, "OOOn", &to, &po, &wo, &c)) return NULL;
    const int wt = weight_type(wo);
    if (code_pair(to, po, &yt, &yp) < 0) goto fail;
    if (mlc_bind_weights(wo, wt, PyArray_DIM(yt, 0), &w) < 0) goto fail;
    if (mlc_bind_check_params(mlc_metrics_check_params(c)) < 0) goto fail;
    tp = mlc_bind_new(1, c, 0, wt);
    ps = mlc_bind_new(1, c, 0, wt);
    ts = mlc_bind_new(1, c, 0, wt);
    if (tp == NULL || ps == NULL || ts == NULL) goto fail;
    int st;
    const int64_t n = PyArray_DIM(yt, 0);
    Py_BEGIN_ALLOW_THREADS
    if (wt == NPY_INT64)
        st = mlc_metrics_class_counts_i64(PyArray_DATA(tp), PyArray_DATA(ps), PyArray_DATA(ts),
                                          PyArray_DATA(yt), PyArray_DATA(yp), mlc_bind_data(w), n, c);
    else
        st = mlc_metrics_class_counts_f64(PyArray_DATA(tp), PyArray_DATA(ps), PyArray_DATA(ts),
                                          PyArray_DATA(yt), PyArray_DATA(yp), mlc_bind_data(w), n, c);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(yt);
    Py_DECREF(yp);
    Py_XDECREF(w);
    return Py_BuildValue("NNN", tp, ps, ts);
fail:
    Py_XDECREF(yt);
    Py_XDECREF(yp);
    Py_XDECREF(w);
    Py_XDECREF(tp);
    Py_XDECREF(ps);
    Py_XDECREF(ts);
    return NULL;
}

/* metrics_log_loss(proba float64 (N, C), y int32 (N), sample_weight float64 (N) | None, eps,
 *                  n_threads=1) -> (sum of (weighted) losses, max |row sum - 1|) */
static PyObject *metrics_log_loss(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"proba", "y", "sample_weight", "eps", "n_threads", NULL};
    PyObject *qo, *yo, *wo;
    double eps;
    int n_threads = 1;
    PyArrayObject *proba = NULL, *y = NULL, *w = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOd|i", kwlist, &qo, &yo, &wo, &eps, &n_threads))
        return NULL;
    proba = mlc_bind_array(qo, NPY_FLOAT64, 2, "proba");
    y = proba ? mlc_bind_array(yo, NPY_INT32, 1, "y") : NULL;
    if (y == NULL || mlc_bind_check_dim(y, 0, PyArray_DIM(proba, 0), "y") < 0) goto fail;
    if (mlc_bind_weights(wo, NPY_FLOAT64, PyArray_DIM(y, 0), &w) < 0) goto fail;
    if (mlc_bind_check_params(mlc_metrics_log_loss_check_params(PyArray_DIM(proba, 1), eps)) < 0)
        goto fail;
    if (n_threads < 1) n_threads = 1;
    double loss = 0.0, dev = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_metrics_log_loss(&loss, &dev, PyArray_DATA(proba), PyArray_DATA(y), mlc_bind_data(w),
                              PyArray_DIM(proba, 0), PyArray_DIM(proba, 1), eps, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(proba);
    Py_DECREF(y);
    Py_XDECREF(w);
    return Py_BuildValue("dd", loss, dev);
fail:
    Py_XDECREF(proba);
    Py_XDECREF(y);
    Py_XDECREF(w);
    return NULL;
}

/* A copy of the first m entries of a (N,) float64 array. */
static PyArrayObject *head(PyArrayObject *a, npy_intp m) {
    PyArrayObject *h = mlc_bind_new(1, m, 0, NPY_FLOAT64);
    if (h != NULL && m > 0) memcpy(PyArray_DATA(h), PyArray_DATA(a), sizeof(double) * (size_t)m);
    return h;
}

/* metrics_roc_curve(score float64 (N), pos bool (N), sample_weight float64 (N) | None,
 *                   drop_intermediate, n_threads=1) -> (fps (M,), tps (M,), thresholds (M,)) */
static PyObject *metrics_roc_curve(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"score", "pos", "sample_weight", "drop_intermediate", "n_threads",
                             NULL};
    PyObject *so, *po, *wo;
    int drop, n_threads = 1;
    PyArrayObject *score = NULL, *pos = NULL, *w = NULL, *fps = NULL, *tps = NULL, *thr = NULL;
    PyArrayObject *scratch = NULL, *f = NULL, *t = NULL, *h = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOp|i", kwlist, &so, &po, &wo, &drop,
                                     &n_threads))
        return NULL;
    score = mlc_bind_array(so, NPY_FLOAT64, 1, "y_score");
    pos = score ? mlc_bind_array(po, NPY_BOOL, 1, "pos") : NULL;
    if (pos == NULL || mlc_bind_check_dim(pos, 0, PyArray_DIM(score, 0), "pos") < 0) goto fail;
    if (mlc_bind_weights(wo, NPY_FLOAT64, PyArray_DIM(score, 0), &w) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    const int64_t n = PyArray_DIM(score, 0);
    // NumPy's allocator (huge pages for big blocks) also serves the scratch
    scratch = mlc_bind_new(1, mlc_metrics_roc_scratch_size(n, w != NULL), 0, NPY_UINT64);
    fps = mlc_bind_new(1, n, 0, NPY_FLOAT64);
    tps = mlc_bind_new(1, n, 0, NPY_FLOAT64);
    thr = mlc_bind_new(1, n, 0, NPY_FLOAT64);
    if (scratch == NULL || fps == NULL || tps == NULL || thr == NULL) goto fail;
    int64_t m = 0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_metrics_roc_curve(PyArray_DATA(fps), PyArray_DATA(tps), PyArray_DATA(thr), &m,
                               PyArray_DATA(score), PyArray_DATA(pos), mlc_bind_data(w), n, drop, n_threads,
                               PyArray_DATA(scratch));
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    f = head(fps, m);
    t = head(tps, m);
    h = head(thr, m);
    if (f == NULL || t == NULL || h == NULL) goto fail;
    Py_DECREF(score);
    Py_DECREF(pos);
    Py_XDECREF(w);
    Py_DECREF(scratch);
    Py_DECREF(fps);
    Py_DECREF(tps);
    Py_DECREF(thr);
    return Py_BuildValue("NNN", f, t, h);
fail:
    Py_XDECREF(score);
    Py_XDECREF(pos);
    Py_XDECREF(w);
    Py_XDECREF(scratch);
    Py_XDECREF(fps);
    Py_XDECREF(tps);
    Py_XDECREF(thr);
    Py_XDECREF(f);
    Py_XDECREF(t);
    Py_XDECREF(h);
    return NULL;
}

/* metrics_roc_auc(fps float64 (M), tps float64 (M)) -> area */
static PyObject *metrics_roc_auc(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *fo, *to;
    PyArrayObject *fps = NULL, *tps = NULL;
    if (!PyArg_ParseTuple(args, "OO", &fo, &to)) return NULL;
    fps = mlc_bind_array(fo, NPY_FLOAT64, 1, "fps");
    tps = fps ? mlc_bind_array(to, NPY_FLOAT64, 1, "tps") : NULL;
    if (tps == NULL || mlc_bind_check_dim(tps, 0, PyArray_DIM(fps, 0), "tps") < 0) goto fail;
    double auc = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_metrics_roc_auc(&auc, PyArray_DATA(fps), PyArray_DATA(tps), PyArray_DIM(fps, 0));
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(fps);
    Py_DECREF(tps);
    return PyFloat_FromDouble(auc);
fail:
    Py_XDECREF(fps);
    Py_XDECREF(tps);
    return NULL;
}

PyMethodDef mlc_metrics_methods[] = {
    {"metrics_mark_labels", metrics_mark_labels, METH_VARARGS,
     "metrics_mark_labels(y, lo, span) -> present: uint8 (span,), 1 where lo + i occurs in y"},
    {"metrics_encode_labels", metrics_encode_labels, METH_VARARGS,
     "metrics_encode_labels(y, table, lo) -> codes: int32, codes[i] = table[y[i] - lo]"},
    {"metrics_accuracy", metrics_accuracy, METH_VARARGS,
     "metrics_accuracy(y_true, y_pred, sample_weight=None) -> (correct, total)"},
    {"metrics_confusion", metrics_confusion, METH_VARARGS,
     "metrics_confusion(y_true, y_pred, sample_weight, n_classes) -> cm (C, C)"},
    {"metrics_class_counts", metrics_class_counts, METH_VARARGS,
     "metrics_class_counts(y_true, y_pred, sample_weight, n_classes) -> (tp, pred_sum, true_sum)"},
    {"metrics_log_loss", MLC_BIND_FN(metrics_log_loss), METH_VARARGS | METH_KEYWORDS,
     "metrics_log_loss(proba, y, sample_weight, eps, n_threads=1)\n"
     "  -> (summed loss, max |row sum - 1|)"},
    {"metrics_roc_curve", MLC_BIND_FN(metrics_roc_curve), METH_VARARGS | METH_KEYWORDS,
     "metrics_roc_curve(score, pos, sample_weight, drop_intermediate, n_threads=1)\n"
     "  -> (fps, tps, thresholds)"},
    {"metrics_roc_auc", metrics_roc_auc, METH_VARARGS, "metrics_roc_auc(fps, tps) -> area"},
    {NULL, NULL, 0, NULL},
};
