/* bind_decomposition.c: svd_full, pca_covariance, svd_randomized, pca_transform, pca_inverse, and
 * latent Dirichlet allocation's latent_dirichlet_exp_dirichlet, _estep, _mstep and _bound. */
#include "bind.h" /* first: Python.h before any system header */
#include "decomposition/latent_dirichlet.h"
#include "decomposition/pca.h"

/* svd_full(X, center=True, n_threads=1) -> (s (R), components (R, D), mean (D), ssq (D)) */
static PyObject *svd_full(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "center", "n_threads", NULL};
    PyObject *xo;
    int center = 1, n_threads = 1;
    PyArrayObject *X = NULL, *s = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|pi", kwlist, &xo, &center, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1), r = n < d ? n : d;
    if (mlc_bind_check_params(mlc_pca_check_params(n, d, 0, 0, 0, 0)) < 0) goto fail;
    int tn = PyArray_TYPE(X);
    s = mlc_bind_new(1, r, 0, tn);
    comp = mlc_bind_new(2, r, d, tn);
    mean = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (s == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_svd_full_f32(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                              PyArray_DATA(ssq), PyArray_DATA(X), n, d, center, n_threads);
    else
        st = mlc_svd_full_f64(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                              PyArray_DATA(ssq), PyArray_DATA(X), n, d, center, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NNNN", s, comp, mean, ssq);
fail:
    Py_XDECREF(X);
    Py_XDECREF(s);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* pca_covariance(X, n_threads=1) -> (s (D), ev (D), components (D, D), mean (D), ssq (D)) */
static PyObject *pca_covariance(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "n_threads", NULL};
    PyObject *xo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *s = NULL, *ev = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i", kwlist, &xo, &n_threads)) return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (mlc_bind_check_params(mlc_pca_check_params(n, d, 0, 0, 0, 0)) < 0) goto fail;
    if (n < 2) {
        PyErr_SetString(PyExc_ValueError, "the covariance solver needs at least 2 samples");
        goto fail;
    }
    int tn = PyArray_TYPE(X);
    s = mlc_bind_new(1, d, 0, tn);
    ev = mlc_bind_new(1, d, 0, tn);
    comp = mlc_bind_new(2, d, d, tn);
    mean = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (s == NULL || ev == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_pca_covariance_f32(PyArray_DATA(s), PyArray_DATA(ev), PyArray_DATA(comp),
                                    PyArray_DATA(mean), PyArray_DATA(ssq), PyArray_DATA(X), n, d,
                                    n_threads);
    else
        st = mlc_pca_covariance_f64(PyArray_DATA(s), PyArray_DATA(ev), PyArray_DATA(comp),
                                    PyArray_DATA(mean), PyArray_DATA(ssq), PyArray_DATA(X), n, d,
                                    n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NNNNN", s, ev, comp, mean, ssq);
fail:
    Py_XDECREF(X);
    Py_XDECREF(s);
    Py_XDECREF(ev);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* svd_randomized(X, n_components, n_oversamples=10, n_iter=4, normalizer=2, seed=0, center=True,
 *                n_threads=1) -> (s (K), components (K, D), mean (D), ssq (D)) */
static PyObject *svd_randomized(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "n_components", "n_oversamples", "n_iter", "normalizer", "seed",
                             "center", "n_threads", NULL};
    PyObject *xo;
    long long k = 0, n_oversamples = 10, n_iter = 4;
    unsigned long long seed = 0;
    int normalizer = MLC_PCA_NORMALIZER_LU, center = 1, n_threads = 1;
    PyArrayObject *X = NULL, *s = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OL|LLiKpi", kwlist, &xo, &k, &n_oversamples,
                                     &n_iter, &normalizer, &seed, &center, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (k < 1) {
        PyErr_SetString(PyExc_ValueError, "n_components must be >= 1");
        goto fail;
    }
    if (mlc_bind_check_params(mlc_pca_check_params(n, d, k, n_oversamples, n_iter, normalizer)) < 0)
        goto fail;
    int tn = PyArray_TYPE(X);
    s = mlc_bind_new(1, (npy_intp)k, 0, tn);
    comp = mlc_bind_new(2, (npy_intp)k, d, tn);
    mean = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, d, 0, NPY_FLOAT64);
    if (s == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = mlc_svd_randomized_f32(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                    PyArray_DATA(ssq), PyArray_DATA(X), n, d, k, n_oversamples,
                                    n_iter, normalizer, seed, center, &mlc_bind_interrupt,
                                    n_threads);
    else
        st = mlc_svd_randomized_f64(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                    PyArray_DATA(ssq), PyArray_DATA(X), n, d, k, n_oversamples,
                                    n_iter, normalizer, seed, center, &mlc_bind_interrupt,
                                    n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return Py_BuildValue("NNNN", s, comp, mean, ssq);
fail:
    Py_XDECREF(X);
    Py_XDECREF(s);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* svd_randomized_csr(data, indices, indptr, n_features, n_components, n_oversamples=10, n_iter=4,
 *                    normalizer=2, seed=0, n_threads=1) -> (s (K), components (K, D), mean, ssq) */
static PyObject *svd_randomized_csr(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"data", "indices", "indptr", "n_features", "n_components",
                             "n_oversamples", "n_iter", "normalizer", "seed", "n_threads", NULL};
    PyObject *dobj, *iobj, *pobj;
    long long d, k = 0, n_oversamples = 10, n_iter = 4;
    unsigned long long seed = 0;
    int normalizer = MLC_PCA_NORMALIZER_LU, n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *s = NULL, *comp = NULL, *mean = NULL, *ssq = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOLL|LLiKi", kwlist, &dobj, &iobj, &pobj, &d, &k,
                                     &n_oversamples, &n_iter, &normalizer, &seed, &n_threads))
        return NULL;
    if (mlc_bind_csr_from(&A, dobj, iobj, pobj, d) < 0) goto fail;
    if (k < 1) {
        PyErr_SetString(PyExc_ValueError, "n_components must be >= 1");
        goto fail;
    }
    if (mlc_bind_check_params(mlc_pca_check_params(A.n, A.d, k, n_oversamples, n_iter, normalizer)) < 0)
        goto fail;
    const int tn = PyArray_TYPE(A.data);
    s = mlc_bind_new(1, (npy_intp)k, 0, tn);
    comp = mlc_bind_new(2, (npy_intp)k, A.d, tn);
    mean = mlc_bind_new(1, A.d, 0, NPY_FLOAT64);
    ssq = mlc_bind_new(1, A.d, 0, NPY_FLOAT64);
    if (s == NULL || comp == NULL || mean == NULL || ssq == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (tn == NPY_FLOAT32)
        st = mlc_svd_randomized_csr_f32(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                        PyArray_DATA(ssq), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                        PyArray_DATA(A.indptr), A.n, A.d, k, n_oversamples, n_iter,
                                        normalizer, seed, &mlc_bind_interrupt, n_threads);
    else
        st = mlc_svd_randomized_csr_f64(PyArray_DATA(s), PyArray_DATA(comp), PyArray_DATA(mean),
                                        PyArray_DATA(ssq), PyArray_DATA(A.data), PyArray_DATA(A.indices),
                                        PyArray_DATA(A.indptr), A.n, A.d, k, n_oversamples, n_iter,
                                        normalizer, seed, &mlc_bind_interrupt, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    return Py_BuildValue("NNNN", s, comp, mean, ssq);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(s);
    Py_XDECREF(comp);
    Py_XDECREF(mean);
    Py_XDECREF(ssq);
    return NULL;
}

/* The shared body of pca_transform(X (N, D), components (K, D), ...) -> (N, K) and
 * pca_inverse(Y (N, K), components (K, D), ...) -> (N, D). */
static PyObject *pca_map(PyObject *args, PyObject *kwds, int inverse) {
    static char *kwlist[] = {"X", "components", "mean", "scale", "n_threads", NULL};
    PyObject *xo, *co, *mo = Py_None, *so = Py_None;
    int n_threads = 1;
    PyArrayObject *X = NULL, *C = NULL, *mean = NULL, *scale = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|OOi", kwlist, &xo, &co, &mo, &so, &n_threads))
        return NULL;
    X = mlc_bind_float_array(xo, 2, "X");
    if (X == NULL) goto fail;
    int tn = PyArray_TYPE(X);
    C = mlc_bind_array(co, tn, 2, "components");
    if (C == NULL) goto fail;
    int64_t n = PyArray_DIM(X, 0), k = PyArray_DIM(C, 0), d = PyArray_DIM(C, 1);
    if (mlc_bind_check_dim(X, 1, inverse ? k : d, "X") < 0) goto fail;
    if (mlc_bind_optional(mo, NPY_FLOAT64, d, "mean", &mean) < 0 ||
        mlc_bind_optional(so, NPY_FLOAT64, k, "scale", &scale) < 0)
        goto fail;
    out = mlc_bind_new(2, n, inverse ? d : k, tn);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    const double *mp = mlc_bind_data(mean), *sp = mlc_bind_data(scale);
    int st;
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(X) == NPY_FLOAT32)
        st = inverse ? mlc_pca_inverse_f32(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C), mp,
                                           sp, n, d, k, n_threads)
                     : mlc_pca_transform_f32(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C),
                                             mp, sp, n, d, k, n_threads);
    else
        st = inverse ? mlc_pca_inverse_f64(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C), mp,
                                           sp, n, d, k, n_threads)
                     : mlc_pca_transform_f64(PyArray_DATA(out), PyArray_DATA(X), PyArray_DATA(C),
                                             mp, sp, n, d, k, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    Py_DECREF(C);
    Py_XDECREF(mean);
    Py_XDECREF(scale);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(C);
    Py_XDECREF(mean);
    Py_XDECREF(scale);
    Py_XDECREF(out);
    return NULL;
}

/* pca_transform(X, components, mean=None, scale=None, n_threads=1) -> (N, K);
 * pca_inverse(Y, components, mean=None, scale=None, n_threads=1) -> (N, D) */
static PyObject *pca_transform(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return pca_map(a, kw, 0); }
static PyObject *pca_inverse(PyObject *self, PyObject *a, PyObject *kw) { (void)self; return pca_map(a, kw, 1); }

/* ---- latent Dirichlet allocation: the documents are a CSR tuple (data, indices, indptr, n_cols) ---- */

/* The documents' CSR arrays into *A (float64 data), 0; or -1 with an exception. */
static int lda_docs(PyObject *xo, mlc_bind_csr *A) {
    PyArrayObject *X = NULL;
    npy_intp n, d;
    if (!PyTuple_Check(xo)) {
        PyErr_SetString(PyExc_TypeError, "X must be a CSR tuple (data, indices, indptr, n_cols)");
        return -1;
    }
    return mlc_bind_rows(xo, &X, A, &n, &d);
}

/* A writeable float64 (rows, cols) array given in place (borrowed), or -1 with an exception. */
static int lda_inplace(PyObject *o, npy_intp rows, npy_intp cols, const char *name, PyArrayObject **out) {
    if (mlc_bind_inplace(o, NPY_FLOAT64, 2, name, MLC_BIND_OUT, out) < 0) return -1;
    if (mlc_bind_check_dim(*out, 0, rows, name) < 0) return -1;
    return mlc_bind_check_dim(*out, 1, cols, name);
}

/* latent_dirichlet_exp_dirichlet(X, n_threads=1) -> exp(psi(X) - psi(row sums of X)) (N, K) */
static PyObject *lda_exp_dirichlet(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "n_threads", NULL};
    PyObject *xo;
    int n_threads = 1;
    PyArrayObject *X = NULL, *out = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i", kwlist, &xo, &n_threads)) return NULL;
    X = mlc_bind_array(xo, NPY_FLOAT64, 2, "X");
    if (X == NULL) goto fail;
    const npy_intp n = PyArray_DIM(X, 0), k = PyArray_DIM(X, 1);
    out = mlc_bind_new(2, n, k, NPY_FLOAT64);
    if (out == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_latent_dirichlet_exp_dirichlet(PyArray_DATA(out), PyArray_DATA(X), n, k, n_threads);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    Py_DECREF(X);
    return (PyObject *)out;
fail:
    Py_XDECREF(X);
    Py_XDECREF(out);
    return NULL;
}

/* latent_dirichlet_estep(X, gamma, exp_beta, doc_topic_prior, max_doc_update_iter, mean_change_tol,
 * sstats=False, n_threads=1) -> sstats (K, D) or None; gamma (N, K) float64 is updated in place. */
static PyObject *lda_estep(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "gamma", "exp_beta", "doc_topic_prior", "max_doc_update_iter",
                             "mean_change_tol", "sstats", "n_threads", NULL};
    PyObject *xo, *go, *eo;
    double alpha, tol;
    long long max_iter;
    int want_stats = 0, n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *gamma, *eb = NULL, *ss = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOdLd|pi", kwlist, &xo, &go, &eo, &alpha, &max_iter, &tol,
                                     &want_stats, &n_threads))
        return NULL;
    if (lda_docs(xo, &A) < 0) goto fail;
    eb = mlc_bind_array(eo, NPY_FLOAT64, 2, "exp_beta");
    if (eb == NULL || mlc_bind_check_dim(eb, 1, A.d, "exp_beta") < 0) goto fail;
    const npy_intp k = PyArray_DIM(eb, 0);
    if (lda_inplace(go, A.n, k, "gamma", &gamma) < 0) goto fail;
    if (mlc_bind_check_params(mlc_latent_dirichlet_check_params(k, alpha, 0.0, max_iter, tol)) < 0) goto fail;
    if (want_stats && (ss = mlc_bind_new(2, k, A.d, NPY_FLOAT64)) == NULL) goto fail;
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_latent_dirichlet_estep(PyArray_DATA(gamma), mlc_bind_data(ss), PyArray_DATA(A.data),
                                    PyArray_DATA(A.indices), PyArray_DATA(A.indptr), PyArray_DATA(eb), A.n,
                                    A.d, k, alpha, max_iter, tol, n_threads, &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_DECREF(eb);
    if (ss == NULL) Py_RETURN_NONE;
    return (PyObject *)ss;
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(eb);
    Py_XDECREF(ss);
    return NULL;
}

/* latent_dirichlet_mstep(components, exp_beta, sstats, topic_word_prior, weight=1.0, doc_ratio=1.0,
 * n_threads=1) -> None: components (K, D) and exp_beta (K, D) float64 are updated in place. */
static PyObject *lda_mstep(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"components", "exp_beta", "sstats", "topic_word_prior", "weight", "doc_ratio",
                             "n_threads", NULL};
    PyObject *co, *eo, *so;
    double eta, weight = 1.0, ratio = 1.0;
    int n_threads = 1;
    PyArrayObject *comp, *eb, *ss = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOd|ddi", kwlist, &co, &eo, &so, &eta, &weight, &ratio,
                                     &n_threads))
        return NULL;
    if (mlc_bind_inplace(co, NPY_FLOAT64, 2, "components", MLC_BIND_OUT, &comp) < 0) return NULL;
    const npy_intp k = PyArray_DIM(comp, 0), d = PyArray_DIM(comp, 1);
    if (lda_inplace(eo, k, d, "exp_beta", &eb) < 0) return NULL;
    if (mlc_bind_no_overlap(eb, "exp_beta", comp, "components", 0) < 0) return NULL;
    ss = mlc_bind_array(so, NPY_FLOAT64, 2, "sstats");
    if (ss == NULL || mlc_bind_check_dim(ss, 0, k, "sstats") < 0 || mlc_bind_check_dim(ss, 1, d, "sstats") < 0)
        goto fail;
    if (mlc_bind_check_params(mlc_latent_dirichlet_check_params(k, 0.0, eta, 0, 0.0)) < 0) goto fail;
    if (!(weight > 0.0 && weight <= 1.0) || !(ratio > 0.0)) {
        PyErr_SetString(PyExc_ValueError, "weight must be in (0, 1] and doc_ratio > 0");
        goto fail;
    }
    if (n_threads < 1) n_threads = 1;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_latent_dirichlet_mstep(PyArray_DATA(comp), PyArray_DATA(eb), PyArray_DATA(ss), k, d, eta, weight,
                                    ratio, n_threads);
    Py_END_ALLOW_THREADS
    Py_DECREF(ss);
    return mlc_bind_none_or_status(st);
fail:
    Py_XDECREF(ss);
    return NULL;
}

/* latent_dirichlet_bound(X, gamma, components, doc_topic_prior, topic_word_prior, n_threads=1) ->
 * (documents' part, topics' part) of the variational bound */
static PyObject *lda_bound(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    static char *kwlist[] = {"X", "gamma", "components", "doc_topic_prior", "topic_word_prior", "n_threads", NULL};
    PyObject *xo, *go, *co;
    double alpha, eta;
    int n_threads = 1;
    mlc_bind_csr A = {0};
    PyArrayObject *gamma = NULL, *comp = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOdd|i", kwlist, &xo, &go, &co, &alpha, &eta, &n_threads))
        return NULL;
    if (lda_docs(xo, &A) < 0) goto fail;
    comp = mlc_bind_array(co, NPY_FLOAT64, 2, "components");
    if (comp == NULL || mlc_bind_check_dim(comp, 1, A.d, "components") < 0) goto fail;
    const npy_intp k = PyArray_DIM(comp, 0);
    gamma = mlc_bind_array(go, NPY_FLOAT64, 2, "gamma");
    if (gamma == NULL || mlc_bind_check_dim(gamma, 0, A.n, "gamma") < 0 || mlc_bind_check_dim(gamma, 1, k, "gamma") < 0)
        goto fail;
    if (mlc_bind_check_params(mlc_latent_dirichlet_check_params(k, alpha, eta, 0, 0.0)) < 0) goto fail;
    if (n_threads < 1) n_threads = 1;
    double score[2] = {0.0, 0.0};
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = mlc_latent_dirichlet_bound(score, PyArray_DATA(A.data), PyArray_DATA(A.indices), PyArray_DATA(A.indptr),
                                    PyArray_DATA(gamma), PyArray_DATA(comp), A.n, A.d, k, alpha, eta, n_threads,
                                    &mlc_bind_interrupt);
    Py_END_ALLOW_THREADS
    if (mlc_bind_check_status(st) < 0) goto fail;
    mlc_bind_csr_clear(&A);
    Py_DECREF(gamma);
    Py_DECREF(comp);
    return Py_BuildValue("(dd)", score[0], score[1]);
fail:
    mlc_bind_csr_clear(&A);
    Py_XDECREF(gamma);
    Py_XDECREF(comp);
    return NULL;
}

PyMethodDef mlc_decomposition_methods[] = {
    {"latent_dirichlet_exp_dirichlet", MLC_BIND_FN(lda_exp_dirichlet), MLC_BIND_KW,
     "latent_dirichlet_exp_dirichlet(X, n_threads=1) -> exp(psi(X) - psi(row sums of X))"},
    {"latent_dirichlet_estep", MLC_BIND_FN(lda_estep), MLC_BIND_KW,
     "latent_dirichlet_estep(X, gamma, exp_beta, doc_topic_prior, max_doc_update_iter, mean_change_tol, "
     "sstats=False, n_threads=1) -> sstats or None: LDA's E-step on CSR documents X = (data, indices, "
     "indptr, n_cols); gamma (N, K) is updated in place"},
    {"latent_dirichlet_mstep", MLC_BIND_FN(lda_mstep), MLC_BIND_KW,
     "latent_dirichlet_mstep(components, exp_beta, sstats, topic_word_prior, weight=1.0, doc_ratio=1.0, "
     "n_threads=1) -> None: LDA's M-step (batch: weight 1), components and exp_beta updated in place"},
    {"latent_dirichlet_bound", MLC_BIND_FN(lda_bound), MLC_BIND_KW,
     "latent_dirichlet_bound(X, gamma, components, doc_topic_prior, topic_word_prior, n_threads=1) -> "
     "(documents' part, topics' part) of LDA's variational bound"},

    {"svd_full", MLC_BIND_FN(svd_full), MLC_BIND_KW,
     "svd_full(X, center=True, n_threads=1) -> (s, components, mean, ssq): exact thin SVD of "
     "X - mean (or X), components = rows of Vt, sign-flipped; ssq = column sums of squared "
     "deviations"},
    {"pca_covariance", MLC_BIND_FN(pca_covariance), MLC_BIND_KW,
     "pca_covariance(X, n_threads=1) -> (s, explained_variance, components, mean, ssq): "
     "eigendecomposition of the sample covariance, largest first"},
    {"svd_randomized", MLC_BIND_FN(svd_randomized), MLC_BIND_KW,
     "svd_randomized(X, n_components, n_oversamples=10, n_iter=4, normalizer=PCA_NORMALIZER_LU, seed=0, "
     "center=True, n_threads=1) -> (s, components, mean, ssq): Halko-Martinsson-Tropp "
     "randomized SVD; normalizer from ENUMS['pca_normalizer']"},
    {"svd_randomized_csr", MLC_BIND_FN(svd_randomized_csr), MLC_BIND_KW,
     "svd_randomized_csr(data, indices, indptr, n_features, n_components, n_oversamples=10, n_iter=4, "
     "normalizer=PCA_NORMALIZER_LU, seed=0, n_threads=1) -> (s, components, mean, ssq): the "
     "randomized SVD of a CSR matrix (not centred), never densified"},
    {"pca_transform", MLC_BIND_FN(pca_transform), MLC_BIND_KW,
     "pca_transform(X, components, mean=None, scale=None, n_threads=1) -> "
     "((X - mean) components^T) / scale"},
    {"pca_inverse", MLC_BIND_FN(pca_inverse), MLC_BIND_KW,
     "pca_inverse(Y, components, mean=None, scale=None, n_threads=1) -> "
     "(Y * scale) components + mean"},
    {NULL, NULL, 0, NULL},
};
