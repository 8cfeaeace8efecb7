/* bind_tree.c: tree_fit, tree_apply, tree_predict, tree_prune. A fitted tree lives in Python as its node arrays
 * (mlc.tree's Tree); the descent re-checks them (mlc_tree_check_nodes), so arrays that are not a tree
 * raise instead of being read out of bounds. */
#include "bind.h" /* first: Python.h before any system header */
#include "tree/tree.h"

/* A 1-D copy of n entries of a tree array as a new NumPy array (NULL with an exception). */
static PyObject *copy_out(const void *src, npy_intp n, npy_intp cols, int typenum) {
    PyArrayObject *a = cols > 0 ? mlc_bind_new(2, n, cols, typenum) : mlc_bind_new(1, n, 0, typenum);
    if (a == NULL) return NULL;
    memcpy(PyArray_DATA(a), src, (size_t)PyArray_NBYTES(a));
    return (PyObject *)a;
}

/* tree_fit(X, y, sample_weight, n_classes, criterion, max_depth, min_samples_split, min_samples_leaf,
 * max_features, min_weight_leaf, min_impurity_decrease, seed, max_leaf_nodes=-1, splitter=0,
 * monotonic_cst=None, n_threads=1) -> (children_left, children_right, feature, threshold, value (M, V),
 * impurity, n_node_samples, weighted_n_node_samples, missing_go_to_left, max_depth). X (N, D) float32,
 * y (N) float64 (class codes when n_classes > 0). */
static PyObject *tree_fit(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "y", "sample_weight", "n_classes", "criterion", "max_depth",
                             "min_samples_split", "min_samples_leaf", "max_features", "min_weight_leaf",
                             "min_impurity_decrease", "seed", "max_leaf_nodes", "splitter", "monotonic_cst",
                             "n_threads", NULL};
    PyObject *xo, *yo, *wo, *mco = Py_None;
    long long c, max_depth, mss, msl, mf, max_leaf_nodes = -1;
    unsigned long long seed;
    double mwl, mid;
    int criterion, splitter = 0, n_threads = 1;
    PyArrayObject *X = NULL, *y = NULL, *w = NULL, *mc = NULL;
    mlc_tree tree;
    mlc_tree_init(&tree, 1);
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLiLLLLddK|LiOi", kwlist, &xo, &yo, &wo, &c, &criterion,
                                     &max_depth, &mss, &msl, &mf, &mwl, &mid, &seed, &max_leaf_nodes, &splitter, &mco,
                                     &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT32, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    y = mlc_bind_array(yo, NPY_FLOAT64, 1, "y");
    if (y == NULL || mlc_bind_check_dim(y, 0, n, "y") < 0) goto fail;
    if (mlc_bind_weights(wo, NPY_FLOAT64, n, &w) < 0) goto fail;
    if (mlc_bind_optional(mco, NPY_INT8, d, "monotonic_cst", &mc) < 0) goto fail;
    if (n < 1 || d < 1) {
        PyErr_SetString(PyExc_ValueError, "X: a tree needs at least one sample and one feature");
        goto fail;
    }
    const mlc_tree_params params = {.criterion = criterion, .splitter = splitter, .max_depth = max_depth,
                                    .min_samples_split = mss, .min_samples_leaf = msl, .max_features = mf,
                                    .max_leaf_nodes = max_leaf_nodes,
                                    .min_weight_leaf = mwl, .min_impurity_decrease = mid, .seed = (uint64_t)seed,
                                    .monotonic_cst = mlc_bind_data(mc)};
    if (mlc_bind_check_params(mlc_tree_check_params(&params, d, c)) < 0) goto fail;
    mlc_tree_init(&tree, c);
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_tree_fit(&tree, PyArray_DATA(X), PyArray_DATA(y), mlc_bind_data(w), n, d, c, &params, n_threads,
                      &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    const npy_intp m = tree.node_count;
    PyObject *out = Py_BuildValue(
        "NNNNNNNNNL", copy_out(tree.children_left, m, 0, NPY_INT64), copy_out(tree.children_right, m, 0, NPY_INT64),
        copy_out(tree.feature, m, 0, NPY_INT64), copy_out(tree.threshold, m, 0, NPY_FLOAT64),
        copy_out(tree.value, m, tree.n_values, NPY_FLOAT64), copy_out(tree.impurity, m, 0, NPY_FLOAT64),
        copy_out(tree.n_node_samples, m, 0, NPY_INT64), copy_out(tree.weighted_n_node_samples, m, 0, NPY_FLOAT64),
        copy_out(tree.missing_go_to_left, m, 0, NPY_UINT8), (long long)tree.max_depth);
    mlc_tree_free(&tree);
    Py_DECREF(X);
    Py_DECREF(y);
    Py_XDECREF(w);
    Py_XDECREF(mc);
    return out;
fail:
    mlc_tree_free(&tree);
    Py_XDECREF(X);
    Py_XDECREF(y);
    Py_XDECREF(w);
    Py_XDECREF(mc);
    return NULL;
}

/* The node arrays of a descent, converted and checked; 0, or -1 with an exception. */
typedef struct {
    PyArrayObject *cl, *cr, *feature, *threshold, *mgl, *value;
} nodes_args;

static void nodes_clear(nodes_args *t) {
    Py_XDECREF(t->cl);
    Py_XDECREF(t->cr);
    Py_XDECREF(t->feature);
    Py_XDECREF(t->threshold);
    Py_XDECREF(t->mgl);
    Py_XDECREF(t->value);
}

static int nodes_from(nodes_args *t, PyObject *clo, PyObject *cro, PyObject *fo, PyObject *to, PyObject *mo,
                      PyObject *vo, npy_intp d) {
    if ((t->cl = mlc_bind_array(clo, NPY_INT64, 1, "children_left")) == NULL) return -1;
    const npy_intp m = PyArray_DIM(t->cl, 0);
    if ((t->cr = mlc_bind_array(cro, NPY_INT64, 1, "children_right")) == NULL ||
        mlc_bind_check_dim(t->cr, 0, m, "children_right") < 0)
        return -1;
    if ((t->feature = mlc_bind_array(fo, NPY_INT64, 1, "feature")) == NULL ||
        mlc_bind_check_dim(t->feature, 0, m, "feature") < 0)
        return -1;
    if ((t->threshold = mlc_bind_array(to, NPY_FLOAT64, 1, "threshold")) == NULL ||
        mlc_bind_check_dim(t->threshold, 0, m, "threshold") < 0)
        return -1;
    if ((t->mgl = mlc_bind_array(mo, NPY_UINT8, 1, "missing_go_to_left")) == NULL ||
        mlc_bind_check_dim(t->mgl, 0, m, "missing_go_to_left") < 0)
        return -1;
    if (vo != NULL && ((t->value = mlc_bind_array(vo, NPY_FLOAT64, 2, "value")) == NULL ||
                       mlc_bind_check_dim(t->value, 0, m, "value") < 0))
        return -1;
    return mlc_bind_check_params(
        mlc_tree_check_nodes(PyArray_DATA(t->cl), PyArray_DATA(t->cr), PyArray_DATA(t->feature), m, d));
}

/* tree_apply(X, children_left, children_right, feature, threshold, missing_go_to_left, n_threads=1)
 * -> (N) int64 leaf ids. X (N, D) float32. */
static PyObject *tree_apply(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "children_left", "children_right", "feature", "threshold", "missing_go_to_left",
                             "n_threads", NULL};
    PyObject *xo, *clo, *cro, *fo, *to, *mo;
    int n_threads = 1;
    nodes_args t = {0};
    PyArrayObject *X = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOO|i", kwlist, &xo, &clo, &cro, &fo, &to, &mo, &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT32, 2, "X");
    if (X == NULL || nodes_from(&t, clo, cro, fo, to, mo, NULL, PyArray_DIM(X, 1)) < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    out = mlc_bind_new(1, n, 0, NPY_INT64);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_tree_apply(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(t.cl), PyArray_DATA(t.cr),
                        PyArray_DATA(t.feature), PyArray_DATA(t.threshold), PyArray_DATA(t.mgl), n, d, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    nodes_clear(&t);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(out);
    nodes_clear(&t);
    return NULL;
}

/* tree_predict(X, children_left, children_right, feature, threshold, missing_go_to_left, value,
 * n_threads=1) -> (N, V) the value of each row's leaf. */
static PyObject *tree_predict(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "children_left", "children_right", "feature", "threshold", "missing_go_to_left",
                             "value", "n_threads", NULL};
    PyObject *xo, *clo, *cro, *fo, *to, *mo, *vo;
    int n_threads = 1;
    nodes_args t = {0};
    PyArrayObject *X = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOO|i", kwlist, &xo, &clo, &cro, &fo, &to, &mo, &vo,
                                     &n_threads))
        return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT32, 2, "X");
    if (X == NULL || nodes_from(&t, clo, cro, fo, to, mo, vo, PyArray_DIM(X, 1)) < 0) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), v = PyArray_DIM(t.value, 1);
    out = mlc_bind_new(2, n, v, NPY_FLOAT64);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_tree_predict(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(t.cl), PyArray_DATA(t.cr),
                          PyArray_DATA(t.feature), PyArray_DATA(t.threshold), PyArray_DATA(t.mgl),
                          PyArray_DATA(t.value), n, d, v, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    nodes_clear(&t);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(out);
    nodes_clear(&t);
    return NULL;
}

/* tree_prune(children_left, children_right, weighted_n_node_samples, impurity, ccp_alpha) -> (keep,
 * leaf, path_alpha, path_impurity): minimal cost-complexity pruning of a grown tree (ccp_alpha = inf:
 * the whole path). */
static PyObject *tree_prune(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"children_left", "children_right", "weighted_n_node_samples", "impurity", "ccp_alpha",
                             NULL};
    PyObject *clo, *cro, *wo, *io;
    double ccp_alpha;
    nodes_args t = {0};
    PyArrayObject *w = NULL, *imp = NULL, *keep = NULL, *leaf = NULL, *pa = NULL, *pi = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOd", kwlist, &clo, &cro, &wo, &io, &ccp_alpha)) return NULL;
    if ((t.cl = mlc_bind_array(clo, NPY_INT64, 1, "children_left")) == NULL) goto fail;
    const npy_intp m = PyArray_DIM(t.cl, 0);
    if ((t.cr = mlc_bind_array(cro, NPY_INT64, 1, "children_right")) == NULL ||
        mlc_bind_check_dim(t.cr, 0, m, "children_right") < 0 ||
        (w = mlc_bind_array(wo, NPY_FLOAT64, 1, "weighted_n_node_samples")) == NULL ||
        mlc_bind_check_dim(w, 0, m, "weighted_n_node_samples") < 0 ||
        (imp = mlc_bind_array(io, NPY_FLOAT64, 1, "impurity")) == NULL || mlc_bind_check_dim(imp, 0, m, "impurity") < 0)
        goto fail;
    if ((t.feature = mlc_bind_new(1, m, 0, NPY_INT64)) == NULL) goto fail;
    memset(PyArray_DATA(t.feature), 0, (size_t)m * sizeof(int64_t)); // the check needs features: any in range
    if (mlc_bind_check_params(mlc_tree_check_nodes(PyArray_DATA(t.cl), PyArray_DATA(t.cr), PyArray_DATA(t.feature),
                                                   m, 1)) < 0)
        goto fail;
    if (!(ccp_alpha >= 0.0)) {
        PyErr_SetString(PyExc_ValueError, "ccp_alpha must be >= 0");
        goto fail;
    }
    keep = mlc_bind_new(1, m, 0, NPY_UINT8);
    leaf = mlc_bind_new(1, m, 0, NPY_UINT8);
    pa = mlc_bind_new(1, m, 0, NPY_FLOAT64);
    pi = mlc_bind_new(1, m, 0, NPY_FLOAT64);
    if (keep == NULL || leaf == NULL || pa == NULL || pi == NULL) goto fail;
    int64_t len = 0;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_tree_prune(PyArray_DATA(keep), PyArray_DATA(leaf), PyArray_DATA(pa), PyArray_DATA(pi), &len,
                        PyArray_DATA(t.cl), PyArray_DATA(t.cr), PyArray_DATA(w), PyArray_DATA(imp), m, ccp_alpha);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    nodes_clear(&t);
    Py_DECREF(w);
    Py_DECREF(imp);
    PyObject *out = Py_BuildValue("NNNN", keep, leaf, PySequence_GetSlice((PyObject *)pa, 0, len),
                                  PySequence_GetSlice((PyObject *)pi, 0, len));
    Py_DECREF(pa);
    Py_DECREF(pi);
    return out;
fail:
    nodes_clear(&t);
    Py_XDECREF(w);
    Py_XDECREF(imp);
    Py_XDECREF(keep);
    Py_XDECREF(leaf);
    Py_XDECREF(pa);
    Py_XDECREF(pi);
    return NULL;
}

PyMethodDef mlc_tree_methods[] = {
    {"tree_prune", MLC_BIND_FN(tree_prune), MLC_BIND_KW,
     "tree_prune(children_left, children_right, weighted_n_node_samples, impurity, ccp_alpha) -> (keep, leaf, "
     "path_alpha, path_impurity): minimal cost-complexity pruning"},
    {"tree_fit", MLC_BIND_FN(tree_fit), MLC_BIND_KW,
     "tree_fit(X, y, sample_weight, n_classes, criterion, max_depth, min_samples_split, min_samples_leaf, "
     "max_features, min_weight_leaf, min_impurity_decrease, seed, max_leaf_nodes=-1, splitter=0, monotonic_cst=None, "
     "n_threads=1) -> the node arrays of a CART tree"},
    {"tree_apply", MLC_BIND_FN(tree_apply), MLC_BIND_KW,
     "tree_apply(X, children_left, children_right, feature, threshold, missing_go_to_left, n_threads=1) -> leaf ids"},
    {"tree_predict", MLC_BIND_FN(tree_predict), MLC_BIND_KW,
     "tree_predict(X, children_left, children_right, feature, threshold, missing_go_to_left, value, n_threads=1) "
     "-> the leaf values of each row"},
    {NULL, NULL, 0, NULL},
};
