/* bind_nn_loss.c: the network losses (nn/loss.h). Python names nn_<...>.
 *
 * As bind_nn_dense.c: every array is passed in place (mlc_bind_inplace: borrowed, never converted);
 * outputs are overwritten, gradients accumulated, and any output may be None. Shapes are checked
 * against each other and outputs may not overlap inputs. */
#include "bind.h"

#include "nn/loss.h"

/* A kernel's MLC_EINVAL for a loss (its options checked before): a bad target (when targets is given)
 * or a mean over a non-positive weight sum. */
static PyObject *loss_einval(const int64_t *targets, int64_t B, int64_t C, int64_t ignore_index) {
    const int64_t i = targets != NULL ? mlc_nn_loss_first_bad_target(targets, B, C, ignore_index) : -1;
    if (i >= 0)
        return PyErr_Format(PyExc_ValueError, "targets[%lld] = %lld is not a class index in [0, %lld)",
                            (long long)i, (long long)targets[i], (long long)C);
    if (targets != NULL && ignore_index != MLC_NN_NO_IGNORE)
        return PyErr_Format(PyExc_ValueError, "the mean loss is undefined: every target is ignore_index=%lld or "
                            "the weights of the others sum to 0 (torch returns nan)", (long long)ignore_index);
    return PyErr_Format(PyExc_ValueError, "sample_weight must have a positive sum");
}

/* nn_softmax_cross_entropy(dlogits, probs, logits, targets, sample_weight=None) -> loss:
 * logits (B, C); targets (B) int64; sample_weight (B) or None; probs (B, C) out or None;
 * dlogits (B, C) += or None. */
static PyObject *nn_softmax_cross_entropy(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dlogits", "probs", "logits", "targets", "sample_weight", NULL};
    PyObject *go, *po, *zo, *to, *wo = Py_None;
    PyArrayObject *g, *p, *z, *t, *w;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO|O", kwlist, &go, &po, &zo, &to, &wo)) return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT32, 2, "dlogits", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &g) < 0 ||
        mlc_bind_inplace(po, NPY_FLOAT32, 2, "probs", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &p) < 0 ||
        mlc_bind_inplace(zo, NPY_FLOAT32, 2, "logits", MLC_BIND_IN, &z) < 0 ||
        mlc_bind_inplace(to, NPY_INT64, 1, "targets", MLC_BIND_IN, &t) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 1, "sample_weight", MLC_BIND_OPTIONAL, &w) < 0 ||
        mlc_bind_same_shape(g, "dlogits", z, "logits") < 0 || mlc_bind_same_shape(p, "probs", z, "logits") < 0 ||
        mlc_bind_dims_match(t, 0, "targets", z, 0, "logits") < 0 ||
        mlc_bind_dims_match(w, 0, "sample_weight", z, 0, "logits") < 0 ||
        mlc_bind_no_overlap(g, "dlogits", z, "logits", 0) < 0 ||
        mlc_bind_no_overlap(g, "dlogits", w, "sample_weight", 0) < 0 ||
        mlc_bind_no_overlap(p, "probs", z, "logits", 0) < 0 ||
        mlc_bind_no_overlap(p, "probs", w, "sample_weight", 0) < 0 ||
        mlc_bind_no_overlap(g, "dlogits", p, "probs", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(z, 0), C = PyArray_DIM(z, 1);
    if (mlc_bind_check_params(mlc_nn_loss_check_params(B, C)) < 0) return NULL;
    const int nt = mlc_get_num_threads();
    float *gd = mlc_bind_data(g), *pd = mlc_bind_data(p);
    const float *wd = mlc_bind_data(w);
    const int64_t *td = PyArray_DATA(t);
    double loss = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_loss_softmax_cross_entropy(&loss, gd, pd, PyArray_DATA(z), td, wd, B, C, nt);
    Py_END_ALLOW_THREADS
    if (st == MLC_EINVAL) return loss_einval(td, B, C, MLC_NN_NO_IGNORE);
    if (st != MLC_OK) return mlc_bind_status(st);
    return PyFloat_FromDouble(loss);
}

typedef int (*pointwise_loss_fn)(double *, float *, const float *, const float *, const float *, int64_t, int64_t,
                                 int);

/* (grad, pred, targets, sample_weight=None) -> loss, for bce_with_logits and mse: pred and
 * targets (B, K); grad (B, K) += or None. */
static PyObject *pointwise_loss(PyObject *args, PyObject *kwds, pointwise_loss_fn fn, char **kwlist) {
    PyObject *go, *zo, *to, *wo = Py_None;
    PyArrayObject *g, *z, *t, *w;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|O", kwlist, &go, &zo, &to, &wo)) return NULL;
    const char *gn = kwlist[0], *zn = kwlist[1];
    if (mlc_bind_inplace(go, NPY_FLOAT32, 2, gn, MLC_BIND_OUT | MLC_BIND_OPTIONAL, &g) < 0 ||
        mlc_bind_inplace(zo, NPY_FLOAT32, 2, zn, MLC_BIND_IN, &z) < 0 ||
        mlc_bind_inplace(to, NPY_FLOAT32, 2, "targets", MLC_BIND_IN, &t) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 1, "sample_weight", MLC_BIND_OPTIONAL, &w) < 0 ||
        mlc_bind_same_shape(g, gn, z, zn) < 0 ||
        mlc_bind_same_shape(t, "targets", z, zn) < 0 || mlc_bind_dims_match(w, 0, "sample_weight", z, 0, zn) < 0 ||
        mlc_bind_no_overlap(g, gn, z, zn, 0) < 0 || mlc_bind_no_overlap(g, gn, t, "targets", 0) < 0 ||
        mlc_bind_no_overlap(g, gn, w, "sample_weight", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(z, 0), K = PyArray_DIM(z, 1);
    if (mlc_bind_check_params(mlc_nn_loss_check_params(B, K)) < 0) return NULL;
    const int nt = mlc_get_num_threads();
    float *gd = mlc_bind_data(g);
    const float *wd = mlc_bind_data(w);
    double loss = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = fn(&loss, gd, PyArray_DATA(z), PyArray_DATA(t), wd, B, K, nt);
    Py_END_ALLOW_THREADS
    if (st == MLC_EINVAL) return loss_einval(NULL, B, K, MLC_NN_NO_IGNORE);
    if (st != MLC_OK) return mlc_bind_status(st);
    return PyFloat_FromDouble(loss);
}

/* nn_bce_with_logits(dlogits, logits, targets, sample_weight=None) -> loss */
static PyObject *nn_bce_with_logits(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dlogits", "logits", "targets", "sample_weight", NULL};
    return pointwise_loss(args, kwds, mlc_nn_loss_bce_with_logits, kwlist);
}

/* nn_mse(dpred, pred, targets, sample_weight=None) -> loss */
static PyObject *nn_mse(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dpred", "pred", "targets", "sample_weight", NULL};
    return pointwise_loss(args, kwds, mlc_nn_loss_mse, kwlist);
}

/* nn_cross_entropy(dlogits, row_loss, logits, targets, kind, class_weight=None, sample_weight=None,
 *                  ignore_index=-100, label_smoothing=0.0, reduction=NN_REDUCTION_MEAN) -> loss:
 * logits (B, C); targets (B) int64; class_weight (C) or None; sample_weight (B) or None; row_loss (B)
 * out or None; dlogits (B, C) += or None; kind NN_LOSS_CROSS_ENTROPY or NN_LOSS_NLL. */
static PyObject *nn_cross_entropy(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dlogits", "row_loss", "logits", "targets", "kind", "class_weight", "sample_weight",
                             "ignore_index", "label_smoothing", "reduction", NULL};
    PyObject *go, *ro, *zo, *to, *co = Py_None, *wo = Py_None;
    int kind, reduction = MLC_NN_REDUCTION_MEAN;
    long long ignore = -100;
    double smoothing = 0.0;
    PyArrayObject *g, *r, *z, *t, *c, *w;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOi|OOLdi", kwlist, &go, &ro, &zo, &to, &kind, &co, &wo, &ignore,
                                     &smoothing, &reduction))
        return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT32, 2, "dlogits", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &g) < 0 ||
        mlc_bind_inplace(ro, NPY_FLOAT32, 1, "row_loss", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &r) < 0 ||
        mlc_bind_inplace(zo, NPY_FLOAT32, 2, "logits", MLC_BIND_IN, &z) < 0 ||
        mlc_bind_inplace(to, NPY_INT64, 1, "targets", MLC_BIND_IN, &t) < 0 ||
        mlc_bind_inplace(co, NPY_FLOAT32, 1, "class_weight", MLC_BIND_OPTIONAL, &c) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 1, "sample_weight", MLC_BIND_OPTIONAL, &w) < 0 ||
        mlc_bind_same_shape(g, "dlogits", z, "logits") < 0 || mlc_bind_dims_match(t, 0, "targets", z, 0, "logits") < 0 ||
        mlc_bind_dims_match(r, 0, "row_loss", z, 0, "logits") < 0 ||
        mlc_bind_dims_match(c, 0, "class_weight", z, 1, "logits") < 0 ||
        mlc_bind_dims_match(w, 0, "sample_weight", z, 0, "logits") < 0 ||
        mlc_bind_no_overlap(g, "dlogits", z, "logits", 0) < 0 || mlc_bind_no_overlap(g, "dlogits", c, "class_weight", 0) < 0 ||
        mlc_bind_no_overlap(g, "dlogits", w, "sample_weight", 0) < 0 || mlc_bind_no_overlap(g, "dlogits", r, "row_loss", 0) < 0 ||
        mlc_bind_no_overlap(r, "row_loss", z, "logits", 0) < 0 || mlc_bind_no_overlap(r, "row_loss", w, "sample_weight", 0) < 0 ||
        mlc_bind_no_overlap(r, "row_loss", c, "class_weight", 0) < 0)
        return NULL;
    const int64_t B = PyArray_DIM(z, 0), C = PyArray_DIM(z, 1);
    if (mlc_bind_check_params(mlc_nn_loss_check_params(B, C)) < 0 ||
        mlc_bind_check_params(mlc_nn_loss_check_options(kind, reduction, smoothing, 1.0)) < 0)
        return NULL;
    if (kind != MLC_NN_LOSS_CROSS_ENTROPY && kind != MLC_NN_LOSS_NLL)
        return PyErr_Format(PyExc_ValueError, "nn_cross_entropy: kind must be NN_LOSS_CROSS_ENTROPY or NN_LOSS_NLL");
    const int nt = mlc_get_num_threads();
    const int64_t *td = PyArray_DATA(t);
    double loss = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_loss_cross_entropy(&loss, mlc_bind_data(r), mlc_bind_data(g), NULL, PyArray_DATA(z), td,
                                   mlc_bind_data(c), mlc_bind_data(w), B, C, kind, (int64_t)ignore, smoothing,
                                   reduction, nt);
    Py_END_ALLOW_THREADS
    if (st == MLC_EINVAL) return loss_einval(td, B, C, (int64_t)ignore);
    if (st != MLC_OK) return mlc_bind_status(st);
    return PyFloat_FromDouble(loss);
}

/* nn_cross_entropy_probs(dlogits, row_loss, logits, target_probs, class_weight=None, sample_weight=None,
 *                        label_smoothing=0.0, reduction=NN_REDUCTION_MEAN) -> loss: logits, target_probs,
 * dlogits (B, C); class_weight (C) or None; sample_weight (B) or None; row_loss (B) out or None. */
static PyObject *nn_cross_entropy_probs(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dlogits", "row_loss", "logits", "target_probs", "class_weight", "sample_weight",
                             "label_smoothing", "reduction", NULL};
    PyObject *go, *ro, *zo, *to, *co = Py_None, *wo = Py_None;
    int reduction = MLC_NN_REDUCTION_MEAN;
    double smoothing = 0.0;
    PyArrayObject *g, *r, *z, *t, *c, *w;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO|OOdi", kwlist, &go, &ro, &zo, &to, &co, &wo, &smoothing,
                                     &reduction))
        return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT32, 2, "dlogits", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &g) < 0 ||
        mlc_bind_inplace(ro, NPY_FLOAT32, 1, "row_loss", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &r) < 0 ||
        mlc_bind_inplace(zo, NPY_FLOAT32, 2, "logits", MLC_BIND_IN, &z) < 0 ||
        mlc_bind_inplace(to, NPY_FLOAT32, 2, "target_probs", MLC_BIND_IN, &t) < 0 ||
        mlc_bind_inplace(co, NPY_FLOAT32, 1, "class_weight", MLC_BIND_OPTIONAL, &c) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 1, "sample_weight", MLC_BIND_OPTIONAL, &w) < 0 ||
        mlc_bind_same_shape(g, "dlogits", z, "logits") < 0 || mlc_bind_same_shape(t, "target_probs", z, "logits") < 0 ||
        mlc_bind_dims_match(r, 0, "row_loss", z, 0, "logits") < 0 ||
        mlc_bind_dims_match(c, 0, "class_weight", z, 1, "logits") < 0 ||
        mlc_bind_dims_match(w, 0, "sample_weight", z, 0, "logits") < 0)
        return NULL;
    PyArrayObject *outs[] = {g, r}, *ins[] = {z, t, c, w};
    const char *on[] = {"dlogits", "row_loss"}, *in[] = {"logits", "target_probs", "class_weight", "sample_weight"};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
            if (mlc_bind_no_overlap(outs[i], on[i], ins[j], in[j], 0) < 0) return NULL;
    if (mlc_bind_no_overlap(g, "dlogits", r, "row_loss", 0) < 0) return NULL;
    const int64_t B = PyArray_DIM(z, 0), C = PyArray_DIM(z, 1);
    if (mlc_bind_check_params(mlc_nn_loss_check_params(B, C)) < 0 ||
        mlc_bind_check_params(mlc_nn_loss_check_options(MLC_NN_LOSS_CROSS_ENTROPY, reduction, smoothing, 1.0)) < 0)
        return NULL;
    const int nt = mlc_get_num_threads();
    double loss = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_loss_cross_entropy_probs(&loss, mlc_bind_data(r), mlc_bind_data(g), PyArray_DATA(z), PyArray_DATA(t),
                                         mlc_bind_data(c), mlc_bind_data(w), B, C, smoothing, reduction, nt);
    Py_END_ALLOW_THREADS
    if (st == MLC_EINVAL) return loss_einval(NULL, B, C, MLC_NN_NO_IGNORE);
    if (st != MLC_OK) return mlc_bind_status(st);
    return PyFloat_FromDouble(loss);
}

/* nn_pointwise_loss(dpred, elem_loss, pred, targets, kind, weight=None, pos_weight=None, sample_weight=None,
 *                   delta=1.0, reduction=NN_REDUCTION_MEAN) -> loss: pred, targets, weight, elem_loss,
 * dpred (B, K); pos_weight (K); sample_weight (B); kind one of NN_LOSS_BCE_WITH_LOGITS, _MSE, _L1,
 * _HUBER, _SMOOTH_L1. */
static PyObject *nn_pointwise_loss(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"dpred", "elem_loss", "pred", "targets", "kind", "weight", "pos_weight",
                             "sample_weight", "delta", "reduction", NULL};
    PyObject *go, *eo, *zo, *to, *xo = Py_None, *qo = Py_None, *wo = Py_None;
    int kind, reduction = MLC_NN_REDUCTION_MEAN;
    double delta = 1.0;
    PyArrayObject *g, *e, *z, *t, *x, *q, *w;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOi|OOOdi", kwlist, &go, &eo, &zo, &to, &kind, &xo, &qo, &wo,
                                     &delta, &reduction))
        return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT32, 2, "dpred", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &g) < 0 ||
        mlc_bind_inplace(eo, NPY_FLOAT32, 2, "elem_loss", MLC_BIND_OUT | MLC_BIND_OPTIONAL, &e) < 0 ||
        mlc_bind_inplace(zo, NPY_FLOAT32, 2, "pred", MLC_BIND_IN, &z) < 0 ||
        mlc_bind_inplace(to, NPY_FLOAT32, 2, "targets", MLC_BIND_IN, &t) < 0 ||
        mlc_bind_inplace(xo, NPY_FLOAT32, 2, "weight", MLC_BIND_OPTIONAL, &x) < 0 ||
        mlc_bind_inplace(qo, NPY_FLOAT32, 1, "pos_weight", MLC_BIND_OPTIONAL, &q) < 0 ||
        mlc_bind_inplace(wo, NPY_FLOAT32, 1, "sample_weight", MLC_BIND_OPTIONAL, &w) < 0 ||
        mlc_bind_same_shape(g, "dpred", z, "pred") < 0 || mlc_bind_same_shape(e, "elem_loss", z, "pred") < 0 ||
        mlc_bind_same_shape(t, "targets", z, "pred") < 0 || mlc_bind_same_shape(x, "weight", z, "pred") < 0 ||
        mlc_bind_dims_match(q, 0, "pos_weight", z, 1, "pred") < 0 ||
        mlc_bind_dims_match(w, 0, "sample_weight", z, 0, "pred") < 0)
        return NULL;
    PyArrayObject *outs[] = {g, e}, *ins[] = {z, t, x, q, w};
    const char *on[] = {"dpred", "elem_loss"}, *in[] = {"pred", "targets", "weight", "pos_weight", "sample_weight"};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 5; j++)
            if (mlc_bind_no_overlap(outs[i], on[i], ins[j], in[j], 0) < 0) return NULL;
    if (mlc_bind_no_overlap(g, "dpred", e, "elem_loss", 0) < 0) return NULL;
    const int64_t B = PyArray_DIM(z, 0), K = PyArray_DIM(z, 1);
    if (mlc_bind_check_params(mlc_nn_loss_check_params(B, K)) < 0 ||
        mlc_bind_check_params(mlc_nn_loss_check_options(kind, reduction, 0.0, delta)) < 0)
        return NULL;
    if (kind == MLC_NN_LOSS_CROSS_ENTROPY || kind == MLC_NN_LOSS_NLL)
        return PyErr_Format(PyExc_ValueError, "nn_pointwise_loss: kind takes class targets: use nn_cross_entropy");
    if (q != NULL && kind != MLC_NN_LOSS_BCE_WITH_LOGITS)
        return PyErr_Format(PyExc_ValueError, "nn_pointwise_loss: pos_weight applies to bce_with_logits only");
    const int nt = mlc_get_num_threads();
    double loss = 0.0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_nn_loss_pointwise(&loss, mlc_bind_data(e), mlc_bind_data(g), PyArray_DATA(z), PyArray_DATA(t),
                               mlc_bind_data(x), mlc_bind_data(q), mlc_bind_data(w), B, K, kind, delta, reduction, nt);
    Py_END_ALLOW_THREADS
    if (st == MLC_EINVAL) return loss_einval(NULL, B, K, MLC_NN_NO_IGNORE);
    if (st != MLC_OK) return mlc_bind_status(st);
    return PyFloat_FromDouble(loss);
}

PyMethodDef mlc_nn_loss_methods[] = {
    {"nn_softmax_cross_entropy", MLC_BIND_FN(nn_softmax_cross_entropy), MLC_BIND_KW,
     "nn_softmax_cross_entropy(dlogits, probs, logits, targets, sample_weight=None) -> loss"},
    {"nn_bce_with_logits", MLC_BIND_FN(nn_bce_with_logits), MLC_BIND_KW,
     "nn_bce_with_logits(dlogits, logits, targets, sample_weight=None) -> loss"},
    {"nn_mse", MLC_BIND_FN(nn_mse), MLC_BIND_KW, "nn_mse(dpred, pred, targets, sample_weight=None) -> loss"},
    {"nn_cross_entropy", MLC_BIND_FN(nn_cross_entropy), MLC_BIND_KW,
     "nn_cross_entropy(dlogits, row_loss, logits, targets, kind, class_weight=None, sample_weight=None, "
     "ignore_index=-100, label_smoothing=0.0, reduction=NN_REDUCTION_MEAN) -> loss"},
    {"nn_cross_entropy_probs", MLC_BIND_FN(nn_cross_entropy_probs), MLC_BIND_KW,
     "nn_cross_entropy_probs(dlogits, row_loss, logits, target_probs, class_weight=None, sample_weight=None, "
     "label_smoothing=0.0, reduction=NN_REDUCTION_MEAN) -> loss"},
    {"nn_pointwise_loss", MLC_BIND_FN(nn_pointwise_loss), MLC_BIND_KW,
     "nn_pointwise_loss(dpred, elem_loss, pred, targets, kind, weight=None, pos_weight=None, sample_weight=None, "
     "delta=1.0, reduction=NN_REDUCTION_MEAN) -> loss"},
    {NULL, NULL, 0, NULL},
};
