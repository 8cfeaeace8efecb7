/* bind_least_squares.c: least squares: LinearRegression, Ridge, Lasso, ElasticNet.
 * lsq_center, lsq_lstsq, lsq_ridge, lsq_nnls, cd_enet, lsq_gram, lsq_ridge_gram, lsq_lstsq_gram, cd_enet_gram,
 * lsq_ridge_csr, cd_enet_csc (see csrc/linear/least_squares.h). float64 only. */
#include "bind.h" /* first: Python.h before any system header */
#include "linear/least_squares.h"

/* X (N, D) and Y (N, T) as float64, their sizes, and mlc_least_squares_check_params: 0, or -1 with an
 * exception (the caller releases *X and *Y either way). */
static int convert_xy(PyObject *xo, PyObject *yo, PyArrayObject **X, PyArrayObject **Y, int64_t *n, int64_t *d,
                      int64_t *t) {
    *X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    *Y = *X != NULL ? mlc_bind_array(yo, NPY_FLOAT64, 2, "Y") : NULL;
    if (*Y == NULL) return -1;
    *n = PyArray_DIM(*X, 0), *d = PyArray_DIM(*X, 1), *t = PyArray_DIM(*Y, 1);
    if (mlc_bind_check_dim(*Y, 0, *n, "Y") < 0) return -1;
    return mlc_bind_check_params(mlc_least_squares_check_params(*n, *d, *t));
}

/* alpha (T) >= 0 everywhere: 0, or -1 with ValueError. */
static int check_alpha(PyArrayObject *alpha) {
    const double *a = PyArray_DATA(alpha);
    for (npy_intp k = 0; k < PyArray_DIM(alpha, 0); k++)
        if (!(a[k] >= 0)) return mlc_bind_check_params("alpha must be >= 0");
    return 0;
}

/* The status of the weighted centring kernels (center, gram): 0, or -1 with an exception. */
static int weighted_status(int st) {
    if (st == MLC_EINVAL) return mlc_bind_check_params("sample_weight must have a positive sum");
    return mlc_bind_check_status(st);
}

/* lsq_center(X (N, D), Y (N, T), sample_weight=None, fit_intercept=True, transpose=False, n_threads=1)
 *   -> (Xc (N, D) or (D, N), Yc (N, T), X_offset (D), y_offset (T)) */
static PyObject *lsq_center(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "sample_weight", "fit_intercept", "transpose", "n_threads", NULL};
    PyObject *xo, *yo, *swo = Py_None;
    int fit_intercept = 1, transpose = 0, n_threads = 1;
    int64_t n, d, t;
    PyArrayObject *X = NULL, *Y = NULL, *sw = NULL, *Xc = NULL, *Yc = NULL, *xoff = NULL, *yoff = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|Oppi", kwlist, &xo, &yo, &swo, &fit_intercept,
                                     &transpose, &n_threads))
        return NULL;
    if (convert_xy(xo, yo, &X, &Y, &n, &d, &t) < 0 || mlc_bind_weights(swo, NPY_FLOAT64, n, &sw) < 0) goto fail;
    Xc = transpose ? mlc_bind_new(2, d, n, NPY_FLOAT64) : mlc_bind_new(2, n, d, NPY_FLOAT64);
    Yc = mlc_bind_new(2, n, t, NPY_FLOAT64);
    xoff = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    yoff = mlc_bind_new(1, t, 0, NPY_FLOAT64);
    if (Xc == NULL || Yc == NULL || xoff == NULL || yoff == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_center(PyArray_DATA(Xc), PyArray_DATA(Yc), PyArray_DATA(xoff), PyArray_DATA(yoff),
                                  PyArray_DATA(X), PyArray_DATA(Y), mlc_bind_data(sw), n, d, t, fit_intercept,
                                  transpose, n_threads < 1 ? 1 : n_threads);
    Py_END_ALLOW_THREADS
    if (weighted_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(Y);
    Py_XDECREF(sw);
    return Py_BuildValue("NNNN", Xc, Yc, xoff, yoff);
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(sw);
    Py_XDECREF(Xc);
    Py_XDECREF(Yc);
    Py_XDECREF(xoff);
    Py_XDECREF(yoff);
    return NULL;
}

/* lsq_lstsq(X (N, D), Y (N, T), rcond) -> (coef (T, D), singular_values (R), rank). X is copied. */
static PyObject *lsq_lstsq(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "rcond", NULL};
    PyObject *xo, *yo;
    double rcond = 0.0;
    int64_t n, d, t;
    PyArrayObject *X = NULL, *A = NULL, *Y = NULL, *coef = NULL, *s = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOd", kwlist, &xo, &yo, &rcond)) return NULL;
    if (convert_xy(xo, yo, &X, &Y, &n, &d, &t) < 0) goto fail;
    A = (PyArrayObject *)PyArray_NewCopy(X, NPY_CORDER);
    coef = mlc_bind_new(2, t, d, NPY_FLOAT64);
    s = mlc_bind_new(1, n < d ? n : d, 0, NPY_FLOAT64);
    if (A == NULL || coef == NULL || s == NULL) goto fail;
    int st;
    int64_t rank = 0;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_lstsq(PyArray_DATA(coef), PyArray_DATA(s), &rank, PyArray_DATA(A), PyArray_DATA(Y), n, d,
                                 t, rcond);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(A);
    Py_DECREF(Y);
    return Py_BuildValue("NNL", coef, s, (long long)rank);
fail:
    Py_XDECREF(X);
    Py_XDECREF(A);
    Py_XDECREF(Y);
    Py_XDECREF(coef);
    Py_XDECREF(s);
    return NULL;
}

/* lsq_ridge(X (N, D), Y (N, T), alpha (T), solver=0) -> coef (T, D); solver 0 cholesky, 1 svd */
static PyObject *lsq_ridge(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "alpha", "solver", NULL};
    PyObject *xo, *yo, *ao;
    int solver = MLC_RIDGE_CHOLESKY;
    int64_t n, d, t;
    PyArrayObject *X = NULL, *Y = NULL, *alpha = NULL, *coef = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|i", kwlist, &xo, &yo, &ao, &solver)) return NULL;
    if (convert_xy(xo, yo, &X, &Y, &n, &d, &t) < 0) goto fail;
    alpha = mlc_bind_array(ao, NPY_FLOAT64, 1, "alpha");
    if (alpha == NULL || mlc_bind_check_dim(alpha, 0, t, "alpha") < 0 || check_alpha(alpha) < 0) goto fail;
    if (solver != MLC_RIDGE_CHOLESKY && solver != MLC_RIDGE_SVD) {
        PyErr_SetString(PyExc_ValueError, "solver must be 0 (cholesky) or 1 (svd)");
        goto fail;
    }
    coef = mlc_bind_new(2, t, d, NPY_FLOAT64);
    if (coef == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_ridge(PyArray_DATA(coef), PyArray_DATA(X), PyArray_DATA(Y), PyArray_DATA(alpha), n, d,
                                 t, solver);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(Y);
    Py_DECREF(alpha);
    return (PyObject *)coef;
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(alpha);
    Py_XDECREF(coef);
    return NULL;
}

/* lsq_nnls(X (N, D), Y (N, T), max_iter) -> (coef (T, D), n_iter (T) int64, converged) */
static PyObject *lsq_nnls(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "max_iter", NULL};
    PyObject *xo, *yo;
    long long max_iter = 0;
    int64_t n, d, t;
    PyArrayObject *X = NULL, *Y = NULL, *coef = NULL, *n_iter = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOL", kwlist, &xo, &yo, &max_iter)) return NULL;
    if (convert_xy(xo, yo, &X, &Y, &n, &d, &t) < 0) goto fail;
    if (max_iter < 1) {
        PyErr_SetString(PyExc_ValueError, "max_iter must be >= 1");
        goto fail;
    }
    coef = mlc_bind_new(2, t, d, NPY_FLOAT64);
    n_iter = mlc_bind_new(1, t, 0, NPY_INT64);
    if (coef == NULL || n_iter == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_nnls(PyArray_DATA(coef), PyArray_DATA(n_iter), PyArray_DATA(X), PyArray_DATA(Y), n, d,
                                t, max_iter);
    Py_END_ALLOW_THREADS
    if (st != MLC_ENOTCONVERGED && mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(Y);
    return Py_BuildValue("NNO", coef, n_iter, st == MLC_OK ? Py_True : Py_False);
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(coef);
    Py_XDECREF(n_iter);
    return NULL;
}

/* cd_enet(XT (D, N), y (N), w0 (D), l1_reg, l2_reg, max_iter, tol, positive=False, random=False, seed=0)
 * and, with gram, cd_enet_gram(G (D, D), Xty (D), yy, w0 (D), ...): -> (w (D), gap, n_iter, converged) */
static PyObject *cd_solve(PyObject *args, PyObject *kwds, int gram) {
    static char *kw_x[] = {"XT", "y", "w0", "l1_reg", "l2_reg", "max_iter", "tol", "positive", "random", "seed",
                           NULL};
    static char *kw_g[] = {"G", "Xty", "yy", "w0", "l1_reg", "l2_reg", "max_iter", "tol", "positive", "random",
                           "seed", NULL};
    PyObject *ao, *bo, *wo;
    double yy = 0, l1 = 0, l2 = 0, tol = 0;
    long long max_iter = 0;
    int positive = 0, random = 0, ok;
    unsigned long long seed = 0;
    PyArrayObject *A = NULL, *b = NULL, *w0 = NULL, *w = NULL, *work = NULL, *iwork = NULL;
    if (gram)
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "OOdOddLd|ppK", kw_g, &ao, &bo, &yy, &wo, &l1, &l2, &max_iter,
                                         &tol, &positive, &random, &seed);
    else
        ok = PyArg_ParseTupleAndKeywords(args, kwds, "OOOddLd|ppK", kw_x, &ao, &bo, &wo, &l1, &l2, &max_iter, &tol,
                                         &positive, &random, &seed);
    if (!ok) return NULL;
    const char *na = gram ? "G" : "XT", *nb = gram ? "Xty" : "y";
    A = mlc_bind_array(ao, NPY_FLOAT64, 2, na);
    b = A != NULL ? mlc_bind_array(bo, NPY_FLOAT64, 1, nb) : NULL;
    w0 = b != NULL ? mlc_bind_array(wo, NPY_FLOAT64, 1, "w0") : NULL;
    if (w0 == NULL) goto fail;
    const int64_t d = PyArray_DIM(A, 0), n = gram ? 1 : PyArray_DIM(A, 1);
    if ((gram && mlc_bind_check_dim(A, 1, d, na) < 0) || mlc_bind_check_dim(b, 0, gram ? d : n, nb) < 0 ||
        mlc_bind_check_dim(w0, 0, d, "w0") < 0)
        goto fail;
    if (mlc_bind_check_params(mlc_least_squares_cd_check_params(n, d, l1, l2, max_iter, tol)) < 0) goto fail;
    w = (PyArrayObject *)PyArray_NewCopy(w0, NPY_CORDER);
    work = mlc_bind_new(1, gram ? 3 * d : n + 2 * d, 0, NPY_FLOAT64);
    iwork = mlc_bind_new(1, 3 * d, 0, NPY_INT64);
    if (w == NULL || work == NULL || iwork == NULL) goto fail;
    int st;
    double gap = 0;
    int64_t n_iter = 0;
    Py_BEGIN_ALLOW_THREADS
    if (gram)
        st = mlc_least_squares_cd_enet_gram(PyArray_DATA(w), &gap, &n_iter, PyArray_DATA(A), PyArray_DATA(b), yy,
                                            d, l1, l2, max_iter, tol, positive, random, seed, &mlc_bind_interrupt,
                                            PyArray_DATA(work), PyArray_DATA(iwork));
    else
        st = mlc_least_squares_cd_enet(PyArray_DATA(w), &gap, &n_iter, PyArray_DATA(A), PyArray_DATA(b), n, d, l1,
                                       l2, max_iter, tol, positive, random, seed, &mlc_bind_interrupt,
                                       PyArray_DATA(work), PyArray_DATA(iwork));
    Py_END_ALLOW_THREADS
    if (st != MLC_ENOTCONVERGED && mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(A);
    Py_DECREF(b);
    Py_DECREF(w0);
    Py_DECREF(work);
    Py_DECREF(iwork);
    return Py_BuildValue("NdLO", w, gap, (long long)n_iter, st == MLC_OK ? Py_True : Py_False);
fail:
    Py_XDECREF(A);
    Py_XDECREF(b);
    Py_XDECREF(w0);
    Py_XDECREF(w);
    Py_XDECREF(work);
    Py_XDECREF(iwork);
    return NULL;
}

static PyObject *cd_enet(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return cd_solve(a, kw, 0); }
static PyObject *cd_enet_gram(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return cd_solve(a, kw, 1); }

/* lsq_gram(X (N, D), Y (N, T), sample_weight=None, fit_intercept=True, n_threads=1)
 *   -> (G (D, D), XtY (T, D), yy (T), X_offset (D), y_offset (T)) */
static PyObject *lsq_gram(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "Y", "sample_weight", "fit_intercept", "n_threads", NULL};
    PyObject *xo, *yo, *swo = Py_None;
    int fit_intercept = 1, n_threads = 1;
    int64_t n, d, t;
    PyArrayObject *X = NULL, *Y = NULL, *sw = NULL, *G = NULL, *XtY = NULL, *yy = NULL, *xoff = NULL,
                  *yoff = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|Opi", kwlist, &xo, &yo, &swo, &fit_intercept,
                                     &n_threads))
        return NULL;
    if (convert_xy(xo, yo, &X, &Y, &n, &d, &t) < 0 || mlc_bind_weights(swo, NPY_FLOAT64, n, &sw) < 0) goto fail;
    G = mlc_bind_new(2, d, d, NPY_FLOAT64);
    XtY = mlc_bind_new(2, t, d, NPY_FLOAT64);
    yy = mlc_bind_new(1, t, 0, NPY_FLOAT64);
    xoff = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    yoff = mlc_bind_new(1, t, 0, NPY_FLOAT64);
    if (G == NULL || XtY == NULL || yy == NULL || xoff == NULL || yoff == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_gram(PyArray_DATA(G), PyArray_DATA(XtY), PyArray_DATA(yy), PyArray_DATA(xoff),
                                PyArray_DATA(yoff), PyArray_DATA(X), PyArray_DATA(Y), mlc_bind_data(sw), n, d, t,
                                fit_intercept, n_threads < 1 ? 1 : n_threads);
    Py_END_ALLOW_THREADS
    if (weighted_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(Y);
    Py_XDECREF(sw);
    return Py_BuildValue("NNNNN", G, XtY, yy, xoff, yoff);
fail:
    Py_XDECREF(X);
    Py_XDECREF(Y);
    Py_XDECREF(sw);
    Py_XDECREF(G);
    Py_XDECREF(XtY);
    Py_XDECREF(yy);
    Py_XDECREF(xoff);
    Py_XDECREF(yoff);
    return NULL;
}

/* lsq_ridge_gram(G (D, D), XtY (T, D), alpha (T)) -> coef (T, D), or None when G + alpha I is
 * not positive definite */
static PyObject *lsq_ridge_gram(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"G", "XtY", "alpha", NULL};
    PyObject *go, *xo, *ao;
    PyArrayObject *G = NULL, *XtY = NULL, *alpha = NULL, *coef = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO", kwlist, &go, &xo, &ao)) return NULL;
    G = mlc_bind_array(go, NPY_FLOAT64, 2, "G");
    XtY = G != NULL ? mlc_bind_array(xo, NPY_FLOAT64, 2, "XtY") : NULL;
    alpha = XtY != NULL ? mlc_bind_array(ao, NPY_FLOAT64, 1, "alpha") : NULL;
    if (alpha == NULL) goto fail;
    int64_t d = PyArray_DIM(G, 0), t = PyArray_DIM(XtY, 0);
    if (mlc_bind_check_dim(G, 1, d, "G") < 0 || mlc_bind_check_dim(XtY, 1, d, "XtY") < 0 ||
        mlc_bind_check_dim(alpha, 0, t, "alpha") < 0)
        goto fail;
    if (mlc_bind_check_params(mlc_least_squares_check_params(d, d, t)) < 0 || check_alpha(alpha) < 0) goto fail;
    coef = mlc_bind_new(2, t, d, NPY_FLOAT64);
    if (coef == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_ridge_gram(PyArray_DATA(coef), PyArray_DATA(G), PyArray_DATA(XtY), PyArray_DATA(alpha), d,
                                      t);
    Py_END_ALLOW_THREADS
    Py_DECREF(G);
    Py_DECREF(XtY);
    Py_DECREF(alpha);
    if (st == MLC_ENOTCONVERGED) {
        Py_DECREF(coef);
        Py_RETURN_NONE;
    }
    if (st != MLC_OK) {
        Py_DECREF(coef);
        return mlc_bind_status(st);
    }
    return (PyObject *)coef;
fail:
    Py_XDECREF(G);
    Py_XDECREF(XtY);
    Py_XDECREF(alpha);
    Py_XDECREF(coef);
    return NULL;
}

/* lsq_lstsq_gram(G (D, D), XtY (T, D), rcond) -> (coef (T, D), singular_values (D)), or None when
 * the problem is too ill-conditioned for the normal equations (then lsq_lstsq) */
static PyObject *lsq_lstsq_gram(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"G", "XtY", "rcond", NULL};
    PyObject *go, *xo;
    double rcond;
    PyArrayObject *G = NULL, *XtY = NULL, *coef = NULL, *s = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOd", kwlist, &go, &xo, &rcond)) return NULL;
    G = mlc_bind_array(go, NPY_FLOAT64, 2, "G");
    XtY = G != NULL ? mlc_bind_array(xo, NPY_FLOAT64, 2, "XtY") : NULL;
    if (XtY == NULL) goto fail;
    int64_t d = PyArray_DIM(G, 0), t = PyArray_DIM(XtY, 0);
    if (mlc_bind_check_dim(G, 1, d, "G") < 0 || mlc_bind_check_dim(XtY, 1, d, "XtY") < 0) goto fail;
    if (mlc_bind_check_params(mlc_least_squares_check_params(d, d, t)) < 0) goto fail;
    if (!(rcond >= 0)) {
        PyErr_SetString(PyExc_ValueError, "rcond must be >= 0");
        goto fail;
    }
    coef = mlc_bind_new(2, t, d, NPY_FLOAT64);
    s = coef != NULL ? mlc_bind_new(1, d, 0, NPY_FLOAT64) : NULL;
    if (s == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_lstsq_gram(PyArray_DATA(coef), PyArray_DATA(s), PyArray_DATA(G), PyArray_DATA(XtY), d, t,
                                      rcond);
    Py_END_ALLOW_THREADS
    Py_DECREF(G);
    Py_DECREF(XtY);
    if (st == MLC_ENOTCONVERGED) {
        Py_DECREF(coef);
        Py_DECREF(s);
        Py_RETURN_NONE;
    }
    if (st != MLC_OK) {
        Py_DECREF(coef);
        Py_DECREF(s);
        return mlc_bind_status(st);
    }
    return Py_BuildValue("NN", coef, s);
fail:
    Py_XDECREF(G);
    Py_XDECREF(XtY);
    Py_XDECREF(coef);
    Py_XDECREF(s);
    return NULL;
}

/* A sparse X's arrays (mlc_bind_csr_from) with float64 data: 0, or -1 with an exception. */
static int csr_f64(mlc_bind_csr *A, PyObject *data, PyObject *indices, PyObject *indptr, long long n_cols) {
    if (mlc_bind_csr_from(A, data, indices, indptr, n_cols) < 0) return -1;
    if (PyArray_TYPE(A->data) == NPY_FLOAT64) return 0;
    mlc_bind_csr_clear(A);
    PyErr_SetString(PyExc_TypeError, "data must be float64");
    return -1;
}

/* lsq_ridge_csr(data, indices, indptr, n_features, x_mean (D), s (N) or None, Y (N, T), alpha (T), max_iter, tol,
 * n_threads=1, dual=False, lsqr_rule=False) -> (coef (T, D), n_iter (T), converged) */
static PyObject *lsq_ridge_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_features", "x_mean", "s", "Y", "alpha", "max_iter",
                             "tol", "n_threads", "dual", "lsqr_rule", NULL};
    PyObject *dao, *io, *po, *mo, *so, *yo, *ao;
    long long d = 0, max_iter = 0;
    double tol = 0;
    int n_threads = 1, dual = 0, lsqr_rule = 0;
    mlc_bind_csr A = {0};
    PyArrayObject *xm = NULL, *s = NULL, *Y = NULL, *alpha = NULL, *coef = NULL, *n_iter = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLOOOOLd|ipp", kwlist, &dao, &io, &po, &d, &mo, &so, &yo,
                                     &ao, &max_iter, &tol, &n_threads, &dual, &lsqr_rule))
        return NULL;
    if (csr_f64(&A, dao, io, po, d) < 0) return NULL;
    xm = mlc_bind_array(mo, NPY_FLOAT64, 1, "x_mean");
    Y = xm != NULL ? mlc_bind_array(yo, NPY_FLOAT64, 2, "Y") : NULL;
    alpha = Y != NULL ? mlc_bind_array(ao, NPY_FLOAT64, 1, "alpha") : NULL;
    if (alpha == NULL || mlc_bind_optional(so, NPY_FLOAT64, A.n, "s", &s) < 0) goto fail;
    const int64_t n = A.n, t = PyArray_DIM(Y, 1);
    if (mlc_bind_check_dim(xm, 0, d, "x_mean") < 0 || mlc_bind_check_dim(Y, 0, n, "Y") < 0 ||
        mlc_bind_check_dim(alpha, 0, t, "alpha") < 0 || check_alpha(alpha) < 0)
        goto fail;
    if (mlc_bind_check_params(mlc_least_squares_check_params(n, d, t)) < 0) goto fail;
    if (max_iter < 1 || !(tol >= 0)) {
        mlc_bind_check_params("max_iter must be >= 1 and tol >= 0");
        goto fail;
    }
    coef = mlc_bind_new(2, t, d, NPY_FLOAT64);
    n_iter = mlc_bind_new(1, t, 0, NPY_INT64);
    if (coef == NULL || n_iter == NULL) goto fail;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_ridge_csr(PyArray_DATA(coef), PyArray_DATA(n_iter), PyArray_DATA(A.data),
                                     PyArray_DATA(A.indices), PyArray_DATA(A.indptr), PyArray_DATA(xm),
                                     mlc_bind_data(s), PyArray_DATA(Y), PyArray_DATA(alpha), n, d, t, max_iter, tol,
                                     dual, lsqr_rule, &mlc_bind_interrupt, n_threads);
    Py_END_ALLOW_THREADS
    if (st != MLC_ENOTCONVERGED && mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_DECREF(xm);
    Py_XDECREF(s);
    Py_DECREF(Y);
    Py_DECREF(alpha);
    return Py_BuildValue("NNO", coef, n_iter, st == MLC_OK ? Py_True : Py_False);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(xm);
    Py_XDECREF(s);
    Py_XDECREF(Y);
    Py_XDECREF(alpha);
    Py_XDECREF(coef);
    Py_XDECREF(n_iter);
    return NULL;
}

/* cd_enet_csc(data, indices, indptr, n_samples, x_mean (D), s (N) or None, y (N), w0 (D), l1_reg, l2_reg, max_iter,
 * tol, positive=False, random=False, seed=0) -> (w (D), gap, n_iter, converged); the CSC arrays of sqrt(sw) X */
static PyObject *cd_enet_csc(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_samples", "x_mean", "s", "y", "w0", "l1_reg",
                             "l2_reg", "max_iter", "tol", "positive", "random", "seed", NULL};
    PyObject *dao, *io, *po, *mo, *so, *yo, *wo;
    long long n = 0, max_iter = 0;
    double l1 = 0, l2 = 0, tol = 0;
    int positive = 0, random = 0;
    unsigned long long seed = 0;
    mlc_bind_csr A = {0};
    PyArrayObject *xm = NULL, *s = NULL, *y = NULL, *w0 = NULL, *w = NULL, *work = NULL, *iwork = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLOOOOddLd|ppK", kwlist, &dao, &io, &po, &n, &mo, &so, &yo, &wo,
                                     &l1, &l2, &max_iter, &tol, &positive, &random, &seed))
        return NULL;
    if (csr_f64(&A, dao, io, po, n) < 0) return NULL; /* CSC of (N, D) = CSR of its (D, N) transpose */
    const int64_t d = A.n;
    xm = mlc_bind_array(mo, NPY_FLOAT64, 1, "x_mean");
    y = xm != NULL ? mlc_bind_array(yo, NPY_FLOAT64, 1, "y") : NULL;
    w0 = y != NULL ? mlc_bind_array(wo, NPY_FLOAT64, 1, "w0") : NULL;
    if (w0 == NULL || mlc_bind_optional(so, NPY_FLOAT64, n, "s", &s) < 0) goto fail;
    if (mlc_bind_check_dim(xm, 0, d, "x_mean") < 0 || mlc_bind_check_dim(y, 0, n, "y") < 0 ||
        mlc_bind_check_dim(w0, 0, d, "w0") < 0)
        goto fail;
    if (mlc_bind_check_params(mlc_least_squares_cd_check_params(n, d, l1, l2, max_iter, tol)) < 0) goto fail;
    w = (PyArrayObject *)PyArray_NewCopy(w0, NPY_CORDER);
    work = mlc_bind_new(1, n + 3 * d + 2, 0, NPY_FLOAT64);
    iwork = mlc_bind_new(1, 3 * d, 0, NPY_INT64);
    if (w == NULL || work == NULL || iwork == NULL) goto fail;
    int st;
    double gap = 0;
    int64_t n_iter = 0;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_least_squares_cd_enet_csc(PyArray_DATA(w), &gap, &n_iter, PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                       PyArray_DATA(A.indptr), PyArray_DATA(xm), mlc_bind_data(s), PyArray_DATA(y), n,
                                       d, l1, l2, max_iter, tol, positive, random, seed, &mlc_bind_interrupt,
                                       PyArray_DATA(work), PyArray_DATA(iwork));
    Py_END_ALLOW_THREADS
    if (st != MLC_ENOTCONVERGED && mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_DECREF(xm);
    Py_XDECREF(s);
    Py_DECREF(y);
    Py_DECREF(w0);
    Py_DECREF(work);
    Py_DECREF(iwork);
    return Py_BuildValue("NdLO", w, gap, (long long)n_iter, st == MLC_OK ? Py_True : Py_False);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(xm);
    Py_XDECREF(s);
    Py_XDECREF(y);
    Py_XDECREF(w0);
    Py_XDECREF(w);
    Py_XDECREF(work);
    Py_XDECREF(iwork);
    return NULL;
}

PyMethodDef mlc_least_squares_methods[] = {
    {"lsq_center", MLC_BIND_FN(lsq_center), MLC_BIND_KW,
     "lsq_center(X, Y, sample_weight=None, fit_intercept=True, transpose=False, n_threads=1) -> (Xc, Yc, X_offset, "
     "y_offset)"},
    {"lsq_lstsq", MLC_BIND_FN(lsq_lstsq), MLC_BIND_KW,
     "lsq_lstsq(X, Y, rcond) -> (coef (T, D), singular_values, rank)"},
    {"lsq_ridge", MLC_BIND_FN(lsq_ridge), MLC_BIND_KW,
     "lsq_ridge(X, Y, alpha, solver=0) -> coef (T, D)"},
    {"lsq_nnls", MLC_BIND_FN(lsq_nnls), MLC_BIND_KW,
     "lsq_nnls(X, Y, max_iter) -> (coef (T, D) >= 0, n_iter (T), converged)"},
    {"cd_enet", MLC_BIND_FN(cd_enet), MLC_BIND_KW,
     "cd_enet(XT, y, w0, l1_reg, l2_reg, max_iter, tol, positive=False, random=False, seed=0) -> "
     "(w, gap, n_iter, converged)"},
    {"lsq_gram", MLC_BIND_FN(lsq_gram), MLC_BIND_KW,
     "lsq_gram(X, Y, sample_weight=None, fit_intercept=True, n_threads=1) -> (G, XtY, yy, X_offset, "
     "y_offset)"},
    {"lsq_ridge_gram", MLC_BIND_FN(lsq_ridge_gram), MLC_BIND_KW,
     "lsq_ridge_gram(G, XtY, alpha) -> coef (T, D), or None if G + alpha I is not positive definite"},
    {"lsq_lstsq_gram", MLC_BIND_FN(lsq_lstsq_gram), MLC_BIND_KW,
     "lsq_lstsq_gram(G, XtY, rcond) -> (coef (T, D), singular_values (D)), or None if ill-conditioned"},
    {"cd_enet_gram", MLC_BIND_FN(cd_enet_gram), MLC_BIND_KW,
     "cd_enet_gram(G, Xty, yy, w0, l1_reg, l2_reg, max_iter, tol, positive=False, random=False, "
     "seed=0) -> (w, gap, n_iter, converged)"},
    {"lsq_ridge_csr", MLC_BIND_FN(lsq_ridge_csr), MLC_BIND_KW,
     "lsq_ridge_csr(data, indices, indptr, n_features, x_mean, s, Y, alpha, max_iter, tol, n_threads=1, "
     "dual=False, lsqr_rule=False) -> (coef (T, D), n_iter (T), converged)"},
    {"cd_enet_csc", MLC_BIND_FN(cd_enet_csc), MLC_BIND_KW,
     "cd_enet_csc(data, indices, indptr, n_samples, x_mean, s, y, w0, l1_reg, l2_reg, max_iter, tol, "
     "positive=False, random=False, seed=0) -> (w, gap, n_iter, converged)"},
    {NULL, NULL, 0, NULL},
};
