/* bind_ensemble.c: ensemble_bin_map, ensemble_gradients, ensemble_grow_scratch_size, ensemble_grow,
 * ensemble_predict (histogram gradient boosting, ensemble/hist_gbdt.h). Arrays updated in place (gradients, raw predictions) must
 * be C-contiguous writeable arrays of the right dtype and shape. */
#include "bind.h" /* first: Python.h before any system header */
#include "ensemble/gradient_boosting.h"
#include "ensemble/hist_gbdt.h"

/* ensemble_bin_map(X, thresholds, offset, missing_bin, n_threads=1, row_major=False) -> Xb (D, N)
 * uint8, or (Xb, Xr) with row_major: the same bins also as Xr (N, D). */
static PyObject *ensemble_bin_map(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "thresholds", "offset", "missing_bin", "n_threads", "row_major", NULL};
    PyObject *xo, *to, *oo;
    int missing_bin, n_threads = 1, row_major = 0;
    PyArrayObject *X = NULL, *thr = NULL, *off = NULL, *out = NULL, *rm = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOi|ip", kwlist, &xo, &to, &oo, &missing_bin, &n_threads,
                                     &row_major))
        return NULL;
    if ((X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X")) == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if ((thr = mlc_bind_array(to, NPY_FLOAT64, 1, "thresholds")) == NULL) goto fail;
    if ((off = mlc_bind_array(oo, NPY_INT64, 1, "offset")) == NULL || mlc_bind_check_dim(off, 0, d + 1, "offset") < 0)
        goto fail;
    const int64_t *o = PyArray_DATA(off);
    for (npy_intp j = 0; j < d; j++)
        if (o[j] < 0 || o[j] > o[j + 1] || o[j + 1] > PyArray_DIM(thr, 0) || o[j + 1] - o[j] > 255) {
            PyErr_SetString(PyExc_ValueError, "offset: not ascending bounds of at most 255 thresholds each");
            goto fail;
        }
    if (missing_bin < 0 || missing_bin > 255) {
        PyErr_SetString(PyExc_ValueError, "missing_bin must be in [0, 255]");
        goto fail;
    }
    if ((out = mlc_bind_new(2, d, n, NPY_UINT8)) == NULL) goto fail;
    if (row_major && (rm = mlc_bind_new(2, n, d, NPY_UINT8)) == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_bin_map(PyArray_DATA(out), mlc_bind_data(rm), PyArray_DATA(X), PyArray_DATA(thr), o, n, d,
                              missing_bin, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(thr);
    Py_DECREF(off);
    if (rm != NULL) return Py_BuildValue("NN", out, rm);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(thr);
    Py_XDECREF(off);
    Py_XDECREF(out);
    Py_XDECREF(rm);
    return NULL;
}

/* ensemble_gradients(g, h, raw, y, sample_weight, loss, quantile=0.5, n_threads=1) -> None: g, h
 * (K, N) float32 out: the gradients and hessians of `loss` at raw (K, N). */
static PyObject *ensemble_gradients(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"g", "h", "raw", "y", "sample_weight", "loss", "quantile", "n_threads", NULL};
    PyObject *go, *ho, *ro, *yo, *wo;
    int loss, n_threads = 1;
    double quantile = 0.5;
    PyArrayObject *g, *h, *raw, *y = NULL, *w = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOi|di", kwlist, &go, &ho, &ro, &yo, &wo, &loss, &quantile,
                                     &n_threads))
        return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT32, 2, "g", MLC_BIND_OUT, &g) < 0 ||
        mlc_bind_inplace(ho, NPY_FLOAT32, 2, "h", MLC_BIND_OUT, &h) < 0 ||
        mlc_bind_inplace(ro, NPY_FLOAT64, 2, "raw", MLC_BIND_IN, &raw) < 0 || mlc_bind_same_shape(g, "g", h, "h") < 0 ||
        mlc_bind_same_shape(g, "g", raw, "raw") < 0)
        goto fail;
    const npy_intp k = PyArray_DIM(g, 0), n = PyArray_DIM(g, 1);
    if ((y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y")) == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    if (mlc_bind_weights(wo, NPY_FLOAT64, n, &w) < 0) goto fail;
    if (!mlc_ensemble_loss_valid(loss)) {
        PyErr_SetString(PyExc_ValueError, "loss: not an ENSEMBLE loss");
        goto fail;
    }
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_gradients(PyArray_DATA(g), PyArray_DATA(h), PyArray_DATA(raw), PyArray_DATA(y), mlc_bind_data(w),
                                n, k, loss, quantile, n_threads);
    Py_END_ALLOW_THREADS
    Py_DECREF(y);
    Py_XDECREF(w);
    return mlc_bind_none_or_status(st);
fail:
    Py_XDECREF(y);
    Py_XDECREF(w);
    return NULL;
}

/* The largest of n bytes (a loop without an early exit: it vectorises). */
static uint8_t max_bin(const uint8_t *x, npy_intp n) {
    uint8_t mx = 0;
    for (npy_intp q = 0; q < n; q++) mx = x[q] > mx ? x[q] : mx;
    return mx;
}

/* An optional per-feature array of `typenum` with d entries, or (groups) a (G, d) uint8 array. */
static int feature_arg(PyObject *o, int typenum, int ndim, npy_intp d, const char *name, PyArrayObject **out) {
    *out = NULL;
    if (o == Py_None) return 0;
    if ((*out = mlc_bind_array(o, typenum, ndim, name)) == NULL) return -1;
    return mlc_bind_check_dim(*out, ndim - 1, d, name);
}

/* ensemble_grow_scratch_size(n, d, n_groups, max_leaf_nodes, max_depth, min_samples_leaf, n_bins) ->
 * (the bytes of ensemble_grow's scratch, the most nodes a tree can have: the rows of feature_masks). */
static PyObject *ensemble_grow_scratch_size(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"n", "d", "n_groups", "max_leaf_nodes", "max_depth", "min_samples_leaf", "n_bins", NULL};
    long long n, d, n_groups, mln, mdp, msl, nb;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "LLLLLLL", kwlist, &n, &d, &n_groups, &mln, &mdp, &msl, &nb))
        return NULL;
    const mlc_ensemble_params p = {.max_leaf_nodes = mln, .max_depth = mdp, .min_samples_leaf = msl, .n_bins = nb,
                                   .shrinkage = 1.0};
    if (n_groups < 0 || mlc_bind_check_params(mlc_ensemble_check_params(&p, n, d)) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "n_groups must be >= 0");
        return NULL;
    }
    return Py_BuildValue("LL", (long long)mlc_ensemble_grow_scratch_size(&p, n, d, n_groups),
                         (long long)mlc_ensemble_max_nodes(&p, n));
}

/* ensemble_grow(raw, Xb, g, h, n_bins_non_missing, has_missing, is_categorical, monotonic_cst,
 * interaction, max_leaf_nodes, max_depth, min_samples_leaf, n_bins, l2_regularization,
 * min_hessian_to_split, shrinkage, sample_leaf=False, n_threads=1, Xr=None, scratch=None,
 * feature_masks=None) -> (value, gain, feature, left,
 * right, count, bin, missing_go_to_left, is_categorical, cat_bitset, sample_leaf or None, the number of
 * best-split searches made): grows one
 * tree on g, h (N) float32 (h None: all 1) of Xb (D, N) uint8 and adds its leaf values to raw (N)
 * float64 in place; node arrays of the tree's length (cat_bitset (nodes, 8) uint32). Xr: the bins
 * row-major (N, D) (None: made here from Xb); scratch: a writeable uint8 array of at least
 * ensemble_grow_scratch_size bytes, reused by a caller growing many trees (None: allocated here).
 * Ctrl-C raises KeyboardInterrupt. */
static PyObject *ensemble_grow(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"raw", "Xb", "g", "h", "n_bins_non_missing", "has_missing", "is_categorical",
                             "monotonic_cst", "interaction", "max_leaf_nodes", "max_depth", "min_samples_leaf", "n_bins",
                             "l2_regularization", "min_hessian_to_split", "shrinkage", "sample_leaf",
                             "n_threads", "Xr", "scratch", "feature_masks", NULL};
    PyObject *ro, *xo, *go, *ho, *bo, *mo, *ko, *co, *io, *xro = Py_None, *so = Py_None, *fmo = Py_None;
    mlc_ensemble_params p = {0};
    int want_leaf = 0, n_threads = 1;
    long long mln, mdp, msl, nb;
    PyArrayObject *raw, *Xb = NULL, *g = NULL, *h = NULL, *nbnm = NULL, *miss = NULL, *cat = NULL, *mono = NULL;
    PyArrayObject *inter = NULL, *arr[11] = {NULL}, *Xr = NULL, *scr = NULL, *fm = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOOLLLLddd|piOOO", kwlist, &ro, &xo, &go, &ho, &bo, &mo, &ko,
                                     &co, &io, &mln, &mdp, &msl, &nb, &p.l2_regularization, &p.min_hessian_to_split,
                                     &p.shrinkage, &want_leaf, &n_threads, &xro, &so, &fmo))
        return NULL;
    p.max_leaf_nodes = mln;
    p.max_depth = mdp;
    p.min_samples_leaf = msl;
    p.n_bins = nb;
    if ((Xb = mlc_bind_array(xo, NPY_UINT8, 2, "Xb")) == NULL) goto fail;
    const npy_intp d = PyArray_DIM(Xb, 0), n = PyArray_DIM(Xb, 1);
    if (mlc_bind_inplace(ro, NPY_FLOAT64, 1, "raw", MLC_BIND_OUT, &raw) < 0 || mlc_bind_check_dim(raw, 0, n, "raw") < 0)
        goto fail;
    if ((g = mlc_bind_array(go, NPY_FLOAT32, 1, "g")) == NULL || mlc_bind_check_dim(g, 0, n, "g") < 0) goto fail;
    if (feature_arg(ho, NPY_FLOAT32, 1, n, "h", &h) < 0 || feature_arg(mo, NPY_UINT8, 1, d, "has_missing", &miss) < 0 ||
        feature_arg(ko, NPY_UINT8, 1, d, "is_categorical", &cat) < 0 ||
        feature_arg(co, NPY_INT8, 1, d, "monotonic_cst", &mono) < 0 ||
        feature_arg(io, NPY_UINT8, 2, d, "interaction", &inter) < 0)
        goto fail;
    if ((nbnm = mlc_bind_array(bo, NPY_INT32, 1, "n_bins_non_missing")) == NULL ||
        mlc_bind_check_dim(nbnm, 0, d, "n_bins_non_missing") < 0)
        goto fail;
    if (miss == NULL) {
        PyErr_SetString(PyExc_TypeError, "has_missing: expected an array, got None");
        goto fail;
    }
    if (mlc_bind_check_params(mlc_ensemble_check_params(&p, n, d)) < 0) goto fail;
    const int32_t *nbm = PyArray_DATA(nbnm);
    for (npy_intp j = 0; j < d; j++)
        if (nbm[j] < 1 || nbm[j] > p.n_bins - 1) {
            PyErr_SetString(PyExc_ValueError, "n_bins_non_missing: out of [1, n_bins - 1]");
            goto fail;
        }
    const uint8_t *xb = PyArray_DATA(Xb);
    if (max_bin(xb, n * d) >= p.n_bins) {
        PyErr_SetString(PyExc_ValueError, "Xb: a bin out of [0, n_bins)");
        goto fail;
    }
    if (xro != Py_None) {
        if ((Xr = mlc_bind_array(xro, NPY_UINT8, 2, "Xr")) == NULL || mlc_bind_check_dim(Xr, 0, n, "Xr") < 0 ||
            mlc_bind_check_dim(Xr, 1, d, "Xr") < 0)
            goto fail;
        if (max_bin(PyArray_DATA(Xr), n * d) >= p.n_bins) {
            PyErr_SetString(PyExc_ValueError, "Xr: a bin out of [0, n_bins)");
            goto fail;
        }
    } else {
        if ((Xr = mlc_bind_new(2, n, d, NPY_UINT8)) == NULL) goto fail;
        uint8_t *xr = PyArray_DATA(Xr);
        for (npy_intp j = 0; j < d; j++)
            for (npy_intp i = 0; i < n; i++) xr[i * d + j] = xb[j * n + i];
    }
    const npy_intp n_groups = inter != NULL ? PyArray_DIM(inter, 0) : 0;
    if (so != Py_None) {
        if (mlc_bind_inplace(so, NPY_UINT8, 1, "scratch", MLC_BIND_OUT, &scr) < 0) goto fail;
        if (PyArray_DIM(scr, 0) < mlc_ensemble_grow_scratch_size(&p, n, d, n_groups)) {
            PyErr_SetString(PyExc_ValueError, "scratch: smaller than ensemble_grow_scratch_size");
            goto fail;
        }
    }
    const npy_intp cap = mlc_ensemble_max_nodes(&p, n);
    if (feature_arg(fmo, NPY_UINT8, 2, d, "feature_masks", &fm) < 0 ||
        (fm != NULL && PyArray_DIM(fm, 0) < cap)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "feature_masks: fewer rows than ensemble_max_nodes");
        goto fail;
    }
    static const int types[11] = {NPY_FLOAT64, NPY_FLOAT64, NPY_INT32, NPY_INT32, NPY_INT32, NPY_INT32,
                                  NPY_UINT8, NPY_UINT8, NPY_UINT8, NPY_UINT32, NPY_INT32};
    for (int i = 0; i < 11; i++)
        if ((i < 10 || want_leaf) && (arr[i] = mlc_bind_new(i == 9 ? 2 : 1, i < 10 ? cap : n, 8, types[i])) == NULL)
            goto fail;
    mlc_ensemble_tree tree = {PyArray_DATA(arr[0]), PyArray_DATA(arr[1]), PyArray_DATA(arr[2]),
                              PyArray_DATA(arr[3]), PyArray_DATA(arr[4]), PyArray_DATA(arr[5]),
                              PyArray_DATA(arr[6]), PyArray_DATA(arr[7]), PyArray_DATA(arr[8]),
                              PyArray_DATA(arr[9]), 0, 0};
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_grow(&tree, PyArray_DATA(raw), mlc_bind_data(arr[10]), xb, PyArray_DATA(Xr), PyArray_DATA(g),
                           mlc_bind_data(h), nbm, PyArray_DATA(miss), mlc_bind_data(cat), mlc_bind_data(mono),
                           mlc_bind_data(inter), mlc_bind_data(fm), n, d, n_groups, &p, n_threads, mlc_bind_data(scr),
                           &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    npy_intp len[2] = {(npy_intp)tree.n_nodes, 8};
    for (int i = 0; i < 10; i++) { /* the tree's length */
        PyArray_Dims shape = {len, i == 9 ? 2 : 1};
        PyObject *r = PyArray_Resize(arr[i], &shape, 0, NPY_CORDER);
        if (r == NULL) goto fail;
        Py_DECREF(r);
    }
    Py_DECREF(Xb);
    Py_DECREF(Xr);
    Py_DECREF(g);
    Py_XDECREF(h);
    Py_DECREF(nbnm);
    Py_DECREF(miss);
    Py_XDECREF(cat);
    Py_XDECREF(mono);
    Py_XDECREF(inter);
    Py_XDECREF(fm);
    if (arr[10] == NULL) {
        Py_INCREF(Py_None);
        arr[10] = (PyArrayObject *)Py_None;
    }
    return Py_BuildValue("NNNNNNNNNNNL", arr[0], arr[1], arr[2], arr[3], arr[4], arr[5], arr[6], arr[7], arr[8], arr[9],
                         arr[10], (long long)tree.n_searches);
fail:
    Py_XDECREF(Xb);
    Py_XDECREF(Xr);
    Py_XDECREF(g);
    Py_XDECREF(h);
    Py_XDECREF(nbnm);
    Py_XDECREF(miss);
    Py_XDECREF(cat);
    Py_XDECREF(mono);
    Py_XDECREF(inter);
    Py_XDECREF(fm);
    for (int i = 0; i < 11; i++) Py_XDECREF(arr[i]);
    return NULL;
}

/* ensemble_predict(raw, X, value, threshold, feature, left, right, missing_go_to_left, is_categorical,
 * cat_bitset, offset, t0, t1, n_threads=1) -> None: raw (K, N) += trees [t0, t1) at X (N, D) (hist_gbdt.h's mlc_ensemble_predict). */
static PyObject *ensemble_predict(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"raw", "X", "value", "threshold", "feature", "left", "right", "missing_go_to_left",
                             "is_categorical", "cat_bitset", "offset", "t0", "t1", "n_threads", NULL};
    enum { NA = 9 };
    PyObject *ro, *xo, *o[NA];
    long long t0, t1;
    int n_threads = 1;
    PyArrayObject *raw, *X = NULL, *a[NA] = {NULL};
    static const int types[NA] = {NPY_FLOAT64, NPY_FLOAT64, NPY_INT32, NPY_INT32, NPY_INT32,
                                  NPY_UINT8, NPY_UINT8, NPY_UINT32, NPY_INT64};
    static const char *names[NA] = {"value", "threshold", "feature", "left", "right", "missing_go_to_left",
                                    "is_categorical", "cat_bitset", "offset"};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOOOOLL|i", kwlist, &ro, &xo, &o[0], &o[1], &o[2], &o[3],
                                     &o[4], &o[5], &o[6], &o[7], &o[8], &t0, &t1, &n_threads))
        return NULL;
    if (mlc_bind_inplace(ro, NPY_FLOAT64, 2, "raw", MLC_BIND_OUT, &raw) < 0) goto fail;
    if ((X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X")) == NULL || mlc_bind_check_dim(raw, 1, PyArray_DIM(X, 0), "raw") < 0)
        goto fail;
    for (int i = 0; i < NA; i++)
        if ((a[i] = mlc_bind_array(o[i], types[i], i == 7 ? 2 : 1, names[i])) == NULL ||
            (i < NA - 1 && mlc_bind_check_dim(a[i], 0, PyArray_DIM(a[0], 0), names[i]) < 0) ||
            (i == 7 && mlc_bind_check_dim(a[i], 1, 8, names[i]) < 0))
            goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), k = PyArray_DIM(raw, 0), nodes = PyArray_DIM(a[0], 0);
    const int64_t *off = PyArray_DATA(a[NA - 1]);
    const int32_t *feat = PyArray_DATA(a[2]), *lc = PyArray_DATA(a[3]), *rc = PyArray_DATA(a[4]);
    if (k < 1 || t0 < 0 || t0 > t1 || t1 + 1 > PyArray_DIM(a[NA - 1], 0)) {
        PyErr_SetString(PyExc_ValueError, "t0, t1: not a range of the trees in offset");
        goto fail;
    }
    // every tree is checked so that no traversal can leave its nodes or loop
    for (long long t = t0; t < t1; t++) {
        if (off[t] < 0 || off[t] >= off[t + 1] || off[t + 1] > nodes) goto bad;
        const int64_t len = off[t + 1] - off[t];
        for (int64_t q = 0; q < len; q++) {
            const int32_t f = feat[off[t] + q];
            if (f >= d || (f >= 0 && (lc[off[t] + q] <= q || lc[off[t] + q] >= len || rc[off[t] + q] <= q ||
                                      rc[off[t] + q] >= len)))
                goto bad;
        }
    }
    if (n_threads < 1) n_threads = 1;
    Py_BEGIN_ALLOW_THREADS
    mlc_ensemble_predict(PyArray_DATA(raw), PyArray_DATA(X), PyArray_DATA(a[0]), PyArray_DATA(a[1]), feat, lc, rc,
                         PyArray_DATA(a[5]), PyArray_DATA(a[6]), PyArray_DATA(a[7]), off, t0, t1, n, d, k, n_threads);
    Py_END_ALLOW_THREADS
    Py_DECREF(X);
    for (int i = 0; i < NA; i++) Py_DECREF(a[i]);
    Py_RETURN_NONE;
bad:
    PyErr_SetString(PyExc_ValueError, "the trees' node arrays are not trees (a child out of range or not after its parent)");
fail:
    Py_XDECREF(X);
    for (int i = 0; i < NA; i++) Py_XDECREF(a[i]);
    return NULL;
}

/* ---- exact gradient boosting (ensemble/gradient_boosting.h) ---- */

/* ensemble_gb_negative_gradient(neg_grad, raw, y, loss, param=0, n_threads=1) -> None: neg_grad (N, K)
 * float64 out. */
static PyObject *ensemble_gb_negative_gradient(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"neg_grad", "raw", "y", "loss", "param", "n_threads", NULL};
    PyObject *go, *ro, *yo;
    int loss, n_threads = 1;
    double param = 0.0;
    PyArrayObject *g, *raw, *y = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOi|di", kwlist, &go, &ro, &yo, &loss, &param, &n_threads))
        return NULL;
    if (mlc_bind_inplace(go, NPY_FLOAT64, 2, "neg_grad", MLC_BIND_OUT, &g) < 0 ||
        mlc_bind_inplace(ro, NPY_FLOAT64, 2, "raw", MLC_BIND_IN, &raw) < 0 ||
        mlc_bind_same_shape(g, "neg_grad", raw, "raw") < 0 || mlc_bind_no_overlap(g, "neg_grad", raw, "raw", 0) < 0)
        return NULL;
    const npy_intp n = PyArray_DIM(g, 0), k = PyArray_DIM(g, 1);
    if ((y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y")) == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0 ||
        mlc_bind_check_params(mlc_ensemble_gb_check_params(loss, k, param)) < 0)
        goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_gb_negative_gradient(PyArray_DATA(g), PyArray_DATA(raw), PyArray_DATA(y), n, k, loss, param,
                                           n_threads < 1 ? 1 : n_threads);
    Py_END_ALLOW_THREADS
    Py_DECREF(y);
    return mlc_bind_none_or_status(st);
fail:
    Py_XDECREF(y);
    return NULL;
}

/* The optional in-bag mask (N) uint8 of a gb binding: 0, or -1 with an exception. */
static int gb_mask(PyObject *mo, npy_intp n, PyArrayObject **mask) {
    return mlc_bind_optional(mo, NPY_UINT8, n, "mask", mask);
}

/* ensemble_gb_loss(raw, y, sample_weight, mask, select, loss, param=0) -> float: the weighted mean loss
 * of the rows whose mask is `select` (mask None: all rows). */
static PyObject *ensemble_gb_loss(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"raw", "y", "sample_weight", "mask", "select", "loss", "param", NULL};
    PyObject *ro, *yo, *wo, *mo;
    int select, loss;
    double param = 0.0, out = 0.0;
    PyArrayObject *raw = NULL, *y = NULL, *w = NULL, *mask = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOpi|d", kwlist, &ro, &yo, &wo, &mo, &select, &loss, &param))
        return NULL;
    if ((raw = mlc_bind_array(ro, NPY_FLOAT64, 2, "raw")) == NULL) goto fail;
    const npy_intp n = PyArray_DIM(raw, 0), k = PyArray_DIM(raw, 1);
    if ((y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y")) == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0 ||
        (w = mlc_bind_array(wo, NPY_FLOAT64, 1, "sample_weight")) == NULL ||
        mlc_bind_check_dim(w, 0, n, "sample_weight") < 0 || gb_mask(mo, n, &mask) < 0 ||
        mlc_bind_check_params(mlc_ensemble_gb_check_params(loss, k, param)) < 0)
        goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_gb_loss(&out, PyArray_DATA(raw), PyArray_DATA(y), PyArray_DATA(w), mlc_bind_data(mask), select,
                              n, k, loss, param);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(raw);
    Py_DECREF(y);
    Py_DECREF(w);
    Py_XDECREF(mask);
    return PyFloat_FromDouble(out);
fail:
    Py_XDECREF(raw);
    Py_XDECREF(y);
    Py_XDECREF(w);
    Py_XDECREF(mask);
    return NULL;
}

/* ensemble_gb_sample_mask(rand, n_inbag) -> mask (N) uint8 (scikit-learn's _random_sample_mask). */
static PyObject *ensemble_gb_sample_mask(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"rand", "n_inbag", NULL};
    PyObject *ro;
    long long n_inbag;
    PyArrayObject *r = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OL", kwlist, &ro, &n_inbag)) return NULL;
    if ((r = mlc_bind_array(ro, NPY_FLOAT64, 1, "rand")) == NULL) goto fail;
    const npy_intp n = PyArray_DIM(r, 0);
    if (n_inbag < 0 || n_inbag > n) {
        PyErr_SetString(PyExc_ValueError, "n_inbag must be in [0, len(rand)]");
        goto fail;
    }
    if ((out = mlc_bind_new(1, n, 0, NPY_UINT8)) == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_gb_sample_mask(PyArray_DATA(out), PyArray_DATA(r), n, n_inbag);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(r);
    return (PyObject *)out;
fail:
    Py_XDECREF(r);
    Py_XDECREF(out);
    return NULL;
}

/* ensemble_gb_update(value, raw, children_left, leaf, y, neg_grad, sample_weight, mask, k, loss, param,
 * learning_rate) -> None: a tree's leaf values (value (M) float64 inout) re-estimated for the loss, then
 * raw[:, k] (N, K) inout += learning_rate * value[leaf]. */
static PyObject *ensemble_gb_update(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"value", "raw", "children_left", "leaf", "y", "neg_grad", "sample_weight", "mask",
                             "k", "loss", "param", "learning_rate", NULL};
    PyObject *vo, *ro, *co, *lo, *yo, *go, *wo, *mo;
    long long kk;
    int loss;
    double param, lr;
    PyArrayObject *value, *raw, *cl = NULL, *leaf = NULL, *y = NULL, *g = NULL, *w = NULL, *mask = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOLidd", kwlist, &vo, &ro, &co, &lo, &yo, &go, &wo, &mo, &kk,
                                     &loss, &param, &lr))
        return NULL;
    if (mlc_bind_inplace(vo, NPY_FLOAT64, 1, "value", MLC_BIND_OUT, &value) < 0 ||
        mlc_bind_inplace(ro, NPY_FLOAT64, 2, "raw", MLC_BIND_OUT, &raw) < 0 ||
        mlc_bind_no_overlap(value, "value", raw, "raw", 0) < 0)
        return NULL;
    const npy_intp m = PyArray_DIM(value, 0), n = PyArray_DIM(raw, 0), k = PyArray_DIM(raw, 1);
    if ((cl = mlc_bind_array(co, NPY_INT64, 1, "children_left")) == NULL ||
        mlc_bind_check_dim(cl, 0, m, "children_left") < 0 ||
        (leaf = mlc_bind_array(lo, NPY_INT64, 1, "leaf")) == NULL || mlc_bind_check_dim(leaf, 0, n, "leaf") < 0 ||
        (y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y")) == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0 ||
        (g = mlc_bind_array(go, NPY_FLOAT64, 2, "neg_grad")) == NULL || mlc_bind_same_shape(g, "neg_grad", raw, "raw") < 0 ||
        (w = mlc_bind_array(wo, NPY_FLOAT64, 1, "sample_weight")) == NULL ||
        mlc_bind_check_dim(w, 0, n, "sample_weight") < 0 || gb_mask(mo, n, &mask) < 0 ||
        mlc_bind_check_params(mlc_ensemble_gb_check_params(loss, k, param)) < 0)
        goto fail;
    if (kk < 0 || kk >= k) {
        PyErr_SetString(PyExc_ValueError, "k must be a column of raw");
        goto fail;
    }
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_gb_update(PyArray_DATA(value), PyArray_DATA(raw), PyArray_DATA(cl), PyArray_DATA(leaf),
                                PyArray_DATA(y), PyArray_DATA(g), PyArray_DATA(w), mlc_bind_data(mask), n, k, kk, m,
                                loss, param, lr);
    Py_END_ALLOW_THREADS
    if (st == MLC_EINVAL) {
        PyErr_SetString(PyExc_ValueError, "leaf: a row's node is not a leaf of the tree");
        goto fail;
    }
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(cl);
    Py_DECREF(leaf);
    Py_DECREF(y);
    Py_DECREF(g);
    Py_DECREF(w);
    Py_XDECREF(mask);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(cl);
    Py_XDECREF(leaf);
    Py_XDECREF(y);
    Py_XDECREF(g);
    Py_XDECREF(w);
    Py_XDECREF(mask);
    return NULL;
}

PyMethodDef mlc_ensemble_methods[] = {
    {"ensemble_bin_map", MLC_BIND_FN(ensemble_bin_map), MLC_BIND_KW, "Bins of X (feature-major uint8)."},
    {"ensemble_gradients", MLC_BIND_FN(ensemble_gradients), MLC_BIND_KW, "Gradients and hessians of a loss, in place."},
    {"ensemble_grow_scratch_size", MLC_BIND_FN(ensemble_grow_scratch_size), MLC_BIND_KW,
     "Bytes of ensemble_grow's scratch."},
    {"ensemble_grow", MLC_BIND_FN(ensemble_grow), MLC_BIND_KW, "Grow one histogram tree."},
    {"ensemble_predict", MLC_BIND_FN(ensemble_predict), MLC_BIND_KW, "Add trees' values to raw predictions."},
    {"ensemble_gb_negative_gradient", MLC_BIND_FN(ensemble_gb_negative_gradient), MLC_BIND_KW,
     "Minus the gradient of a gradient-boosting loss, in place."},
    {"ensemble_gb_loss", MLC_BIND_FN(ensemble_gb_loss), MLC_BIND_KW, "The weighted mean loss of the masked rows."},
    {"ensemble_gb_sample_mask", MLC_BIND_FN(ensemble_gb_sample_mask), MLC_BIND_KW, "scikit-learn's subsample mask."},
    {"ensemble_gb_update", MLC_BIND_FN(ensemble_gb_update), MLC_BIND_KW,
     "A tree's leaf values for the loss, and the raw predictions' update, in place."},
    {NULL, NULL, 0, NULL},
};
