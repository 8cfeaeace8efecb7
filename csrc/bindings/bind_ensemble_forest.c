/* bind_ensemble_forest.c: ensemble_forest_fit, _predict, _apply, _oob, _bootstrap (random forests,
 * ensemble/forest.h). A fitted forest lives in Python as its trees' node arrays laid end to end with
 * their offsets; the descents re-check them (mlc_ensemble_forest_check_nodes). */
#include "bind.h" /* first: Python.h before any system header */
#include "ensemble/forest.h"

/* The concatenated node arrays of T trees as new NumPy arrays, with offsets (T + 1) and each tree's depth
 * (T): a tuple, or NULL with an exception. */
static PyObject *forest_arrays(const mlc_tree *trees, int64_t n_trees, int64_t v) {
    int64_t m = 0;
    for (int64_t t = 0; t < n_trees; t++) m += trees[t].node_count;
    PyArrayObject *a[11] = {
        mlc_bind_new(1, m, 0, NPY_INT64),   mlc_bind_new(1, m, 0, NPY_INT64),   mlc_bind_new(1, m, 0, NPY_INT64),
        mlc_bind_new(1, m, 0, NPY_FLOAT64), mlc_bind_new(2, m, v, NPY_FLOAT64), mlc_bind_new(1, m, 0, NPY_FLOAT64),
        mlc_bind_new(1, m, 0, NPY_INT64),   mlc_bind_new(1, m, 0, NPY_FLOAT64), mlc_bind_new(1, m, 0, NPY_UINT8),
        mlc_bind_new(1, n_trees + 1, 0, NPY_INT64), mlc_bind_new(1, n_trees, 0, NPY_INT64)};
    for (int k = 0; k < 11; k++)
        if (a[k] == NULL) {
            for (int q = 0; q < 11; q++) Py_XDECREF(a[q]);
            return NULL;
        }
    int64_t *offsets = PyArray_DATA(a[9]), *depth = PyArray_DATA(a[10]), o = 0;
    for (int64_t t = 0; t < n_trees; t++) {
        const mlc_tree *tr = &trees[t];
        const size_t k = (size_t)tr->node_count;
        offsets[t] = o;
        depth[t] = tr->max_depth;
        memcpy((int64_t *)PyArray_DATA(a[0]) + o, tr->children_left, k * sizeof(int64_t));
        memcpy((int64_t *)PyArray_DATA(a[1]) + o, tr->children_right, k * sizeof(int64_t));
        memcpy((int64_t *)PyArray_DATA(a[2]) + o, tr->feature, k * sizeof(int64_t));
        memcpy((double *)PyArray_DATA(a[3]) + o, tr->threshold, k * sizeof(double));
        memcpy((double *)PyArray_DATA(a[4]) + o * v, tr->value, k * (size_t)v * sizeof(double));
        memcpy((double *)PyArray_DATA(a[5]) + o, tr->impurity, k * sizeof(double));
        memcpy((int64_t *)PyArray_DATA(a[6]) + o, tr->n_node_samples, k * sizeof(int64_t));
        memcpy((double *)PyArray_DATA(a[7]) + o, tr->weighted_n_node_samples, k * sizeof(double));
        memcpy((uint8_t *)PyArray_DATA(a[8]) + o, tr->missing_go_to_left, k);
        o += (int64_t)k;
    }
    offsets[n_trees] = o;
    return Py_BuildValue("NNNNNNNNNNN", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
}

/* ensemble_forest_fit(X, y, sample_weight, seeds, n_classes, criterion, max_depth, min_samples_split,
 * min_samples_leaf, max_features, min_weight_fraction_leaf, min_impurity_decrease, max_leaf_nodes, splitter,
 * monotonic_cst, bootstrap, n_samples_bootstrap, balanced_subsample, n_threads=1) -> (children_left,
 * children_right, feature, threshold, value (M, V), impurity, n_node_samples, weighted_n_node_samples,
 * missing_go_to_left, offsets (T + 1), max_depth (T)). X (N, D) float32, y (N) float64, seeds (T) uint32. */
static PyObject *ensemble_forest_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "seeds", "n_classes", "criterion", "max_depth",
                             "min_samples_split", "min_samples_leaf", "max_features", "min_weight_fraction_leaf",
                             "min_impurity_decrease", "max_leaf_nodes", "splitter", "monotonic_cst", "bootstrap",
                             "n_samples_bootstrap", "balanced_subsample", "n_threads", NULL};
    PyObject *xo, *yo, *wo, *so, *mco;
    long long c, max_depth, mss, msl, mf, max_leaf_nodes, n_boot;
    double mwf, mid;
    int criterion, splitter, bootstrap, balanced, n_threads = 1;
    PyArrayObject *X = NULL, *y = NULL, *w = NULL, *seeds = NULL, *mc = NULL;
    mlc_tree *trees = NULL;
    npy_intp n_trees = 0;
    PyObject *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOLiLLLLddLiOpLp|i", kwlist, &xo, &yo, &wo, &so, &c, &criterion,
                                     &max_depth, &mss, &msl, &mf, &mwf, &mid, &max_leaf_nodes, &splitter, &mco,
                                     &bootstrap, &n_boot, &balanced, &n_threads))
        return NULL;
    if ((X = mlc_bind_array(xo, NPY_FLOAT32, 2, "X")) == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if ((y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y")) == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    if (mlc_bind_weights(wo, NPY_FLOAT64, n, &w) < 0) goto fail;
    if ((seeds = mlc_bind_array(so, NPY_UINT32, 1, "seeds")) == NULL) goto fail;
    n_trees = PyArray_DIM(seeds, 0);
    if (mlc_bind_optional(mco, NPY_INT8, d, "monotonic_cst", &mc) < 0) goto fail;
    if (n < 1 || d < 1 || n_trees < 1) {
        PyErr_SetString(PyExc_ValueError, "a forest needs at least one sample, one feature and one tree");
        goto fail;
    }
    const mlc_ensemble_forest_params params = {
        .tree = {.criterion = criterion, .splitter = splitter, .max_depth = max_depth, .min_samples_split = mss,
                 .min_samples_leaf = msl, .max_features = mf, .max_leaf_nodes = max_leaf_nodes,
                 .min_impurity_decrease = mid, .monotonic_cst = mlc_bind_data(mc)},
        .min_weight_fraction_leaf = mwf, .bootstrap = bootstrap, .n_samples_bootstrap = n_boot,
        .balanced_subsample = balanced};
    if (mlc_bind_check_params(mlc_ensemble_forest_check_params(&params, n, d, c)) < 0) goto fail;
    if ((trees = PyMem_Calloc((size_t)n_trees, sizeof(mlc_tree))) == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (npy_intp t = 0; t < n_trees; t++) mlc_tree_init(&trees[t], c);
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_forest_fit(trees, PyArray_DATA(X), PyArray_DATA(y), mlc_bind_data(w), PyArray_DATA(seeds), n,
                                 d, c, n_trees, &params, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    out = forest_arrays(trees, n_trees, trees[0].n_values);
fail:
    for (npy_intp t = 0; trees != NULL && t < n_trees; t++) mlc_tree_free(&trees[t]);
    PyMem_Free(trees);
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(w);
    Py_XDECREF(seeds);
    Py_XDECREF(mc);
    return out;
}

/* The forest arrays of a descent, converted and checked; 0, or -1 with an exception. */
typedef struct {
    PyArrayObject *cl, *cr, *feature, *threshold, *mgl, *value, *offsets;
} forest_args;

static void forest_args_clear(forest_args *f) {
    Py_XDECREF(f->cl);
    Py_XDECREF(f->cr);
    Py_XDECREF(f->feature);
    Py_XDECREF(f->threshold);
    Py_XDECREF(f->mgl);
    Py_XDECREF(f->value);
    Py_XDECREF(f->offsets);
}

static int forest_args_from(forest_args *f, PyObject *const *o, int with_value, npy_intp d) {
    static const char *names[] = {"children_left", "children_right", "feature", "threshold", "missing_go_to_left"};
    static const int types[] = {NPY_INT64, NPY_INT64, NPY_INT64, NPY_FLOAT64, NPY_UINT8};
    PyArrayObject **a[] = {&f->cl, &f->cr, &f->feature, &f->threshold, &f->mgl};
    for (int k = 0; k < 5; k++)
        if ((*a[k] = mlc_bind_array(o[k], types[k], 1, names[k])) == NULL ||
            mlc_bind_check_dim(*a[k], 0, PyArray_DIM(f->cl, 0), names[k]) < 0)
            return -1;
    const npy_intp m = PyArray_DIM(f->cl, 0);
    if (with_value && ((f->value = mlc_bind_array(o[5], NPY_FLOAT64, 2, "value")) == NULL ||
                       mlc_bind_check_dim(f->value, 0, m, "value") < 0))
        return -1;
    if ((f->offsets = mlc_bind_array(o[6], NPY_INT64, 1, "offsets")) == NULL) return -1;
    if (PyArray_DIM(f->offsets, 0) < 2) {
        PyErr_SetString(PyExc_ValueError, "offsets: a forest has at least one tree");
        return -1;
    }
    return mlc_bind_check_params(mlc_ensemble_forest_check_nodes(PyArray_DATA(f->cl), PyArray_DATA(f->cr),
                                                                 PyArray_DATA(f->feature), PyArray_DATA(f->offsets),
                                                                 m, d, PyArray_DIM(f->offsets, 0) - 1));
}

/* ensemble_forest_predict(X, children_left, children_right, feature, threshold, missing_go_to_left, value,
 * offsets, n_threads=1) -> (N, V) the trees' mean leaf value. */
static PyObject *ensemble_forest_predict(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "children_left", "children_right", "feature", "threshold", "missing_go_to_left",
                             "value", "offsets", "n_threads", NULL};
    PyObject *xo, *o[7];
    int n_threads = 1;
    forest_args f = {0};
    PyArrayObject *X = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOO|i", kwlist, &xo, &o[0], &o[1], &o[2], &o[3], &o[4], &o[5],
                                     &o[6], &n_threads))
        return NULL;
    if ((X = mlc_bind_array(xo, NPY_FLOAT32, 2, "X")) == NULL || forest_args_from(&f, o, 1, PyArray_DIM(X, 1)) < 0)
        goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), v = PyArray_DIM(f.value, 1);
    if ((out = mlc_bind_new(2, n, v, NPY_FLOAT64)) == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_forest_predict(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(f.cl), PyArray_DATA(f.cr),
                                     PyArray_DATA(f.feature), PyArray_DATA(f.threshold), PyArray_DATA(f.mgl),
                                     PyArray_DATA(f.value), PyArray_DATA(f.offsets), n, d, v,
                                     PyArray_DIM(f.offsets, 0) - 1, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    forest_args_clear(&f);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(out);
    forest_args_clear(&f);
    return NULL;
}

/* ensemble_forest_apply(X, children_left, children_right, feature, threshold, missing_go_to_left, offsets,
 * n_threads=1) -> (N, T) int64 leaf ids within each tree. */
static PyObject *ensemble_forest_apply(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "children_left", "children_right", "feature", "threshold", "missing_go_to_left",
                             "offsets", "n_threads", NULL};
    PyObject *xo, *o[7] = {0};
    int n_threads = 1;
    forest_args f = {0};
    PyArrayObject *X = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOO|i", kwlist, &xo, &o[0], &o[1], &o[2], &o[3], &o[4], &o[6],
                                     &n_threads))
        return NULL;
    if ((X = mlc_bind_array(xo, NPY_FLOAT32, 2, "X")) == NULL || forest_args_from(&f, o, 0, PyArray_DIM(X, 1)) < 0)
        goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), t = PyArray_DIM(f.offsets, 0) - 1;
    if ((out = mlc_bind_new(2, n, t, NPY_INT64)) == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_forest_apply(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(f.cl), PyArray_DATA(f.cr),
                                   PyArray_DATA(f.feature), PyArray_DATA(f.threshold), PyArray_DATA(f.mgl),
                                   PyArray_DATA(f.offsets), n, d, t, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    forest_args_clear(&f);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(out);
    forest_args_clear(&f);
    return NULL;
}

/* ensemble_forest_oob(X, children_left, children_right, feature, threshold, missing_go_to_left, value,
 * offsets, seeds, n_samples_bootstrap, n_threads=1) -> (sums (N, V), n_oob (N)): the out-of-bag sums. */
static PyObject *ensemble_forest_oob(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "children_left", "children_right", "feature", "threshold", "missing_go_to_left",
                             "value", "offsets", "seeds", "n_samples_bootstrap", "n_threads", NULL};
    PyObject *xo, *o[7], *so;
    long long n_boot;
    int n_threads = 1;
    forest_args f = {0};
    PyArrayObject *X = NULL, *seeds = NULL, *out = NULL, *n_oob = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOOL|i", kwlist, &xo, &o[0], &o[1], &o[2], &o[3], &o[4],
                                     &o[5], &o[6], &so, &n_boot, &n_threads))
        return NULL;
    if ((X = mlc_bind_array(xo, NPY_FLOAT32, 2, "X")) == NULL || forest_args_from(&f, o, 1, PyArray_DIM(X, 1)) < 0)
        goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), v = PyArray_DIM(f.value, 1);
    const npy_intp t = PyArray_DIM(f.offsets, 0) - 1;
    if ((seeds = mlc_bind_array(so, NPY_UINT32, 1, "seeds")) == NULL || mlc_bind_check_dim(seeds, 0, t, "seeds") < 0)
        goto fail;
    if (n < 1 || n > INT32_MAX || n_boot < 1 || n_boot > n) {
        PyErr_SetString(PyExc_ValueError, "n_samples_bootstrap must be in [1, n_samples]");
        goto fail;
    }
    if ((out = mlc_bind_new(2, n, v, NPY_FLOAT64)) == NULL || (n_oob = mlc_bind_new(1, n, 0, NPY_INT64)) == NULL)
        goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_ensemble_forest_oob(PyArray_DATA(out), PyArray_DATA(n_oob), PyArray_DATA(X), PyArray_DATA(f.cl),
                                 PyArray_DATA(f.cr), PyArray_DATA(f.feature), PyArray_DATA(f.threshold),
                                 PyArray_DATA(f.mgl), PyArray_DATA(f.value), PyArray_DATA(f.offsets),
                                 PyArray_DATA(seeds), n, d, v, t, n_boot, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(seeds);
    forest_args_clear(&f);
    return Py_BuildValue("NN", out, n_oob);
fail:
    Py_XDECREF(X);
    Py_XDECREF(seeds);
    Py_XDECREF(out);
    Py_XDECREF(n_oob);
    forest_args_clear(&f);
    return NULL;
}

/* ensemble_forest_bootstrap(seed, n, n_samples_bootstrap) -> (N) int32: how often each row is drawn. */
static PyObject *ensemble_forest_bootstrap(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"seed", "n", "n_samples_bootstrap", NULL};
    unsigned long seed;
    long long n, n_boot;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "kLL", kwlist, &seed, &n, &n_boot)) return NULL;
    if (seed > UINT32_MAX || n < 1 || n > INT32_MAX || n_boot < 1 || n_boot > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "seed must be in [0, 2^32), n and n_samples_bootstrap in [1, 2^31)");
        return NULL;
    }
    PyArrayObject *out = mlc_bind_new(1, n, 0, NPY_INT32);
    if (out == NULL) return NULL;
    Py_BEGIN_ALLOW_THREADS
    mlc_ensemble_forest_bootstrap(PyArray_DATA(out), (uint32_t)seed, n, n_boot);
    Py_END_ALLOW_THREADS
    return (PyObject *)out;
}

PyMethodDef mlc_ensemble_forest_methods[] = {
    {"ensemble_forest_fit", MLC_BIND_FN(ensemble_forest_fit), MLC_BIND_KW,
     "Grow a random forest: the concatenated node arrays of its trees, offsets and depths."},
    {"ensemble_forest_predict", MLC_BIND_FN(ensemble_forest_predict), MLC_BIND_KW,
     "The mean leaf value of each row over a forest's trees."},
    {"ensemble_forest_apply", MLC_BIND_FN(ensemble_forest_apply), MLC_BIND_KW, "The leaf of each row in each tree."},
    {"ensemble_forest_oob", MLC_BIND_FN(ensemble_forest_oob), MLC_BIND_KW, "The out-of-bag sums of a forest."},
    {"ensemble_forest_bootstrap", MLC_BIND_FN(ensemble_forest_bootstrap), MLC_BIND_KW,
     "scikit-learn's bootstrap sample of a tree's seed, as counts."},
    {NULL, NULL, 0, NULL},
};
