"""LatentDirichletAllocation: batch and online variational Bayes (Hoffman, Blei & Bach 2010) with the
E-step, M-step and bound in C (csrc/decomposition/latent_dirichlet.c), drawing its random numbers in
scikit-learn's order from a NumPy RandomState, so the same random_state gives scikit-learn's model."""
import numbers

import numpy as np

from .. import _mlc
from .._threads import _n_threads
from .._validation import (_is_sparse, check_choice, check_is_fitted, check_legacy_random_state, check_n_jobs,
                           check_scalar, csr_parts)
from ..base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin

__all__ = ["LatentDirichletAllocation"]

_INIT_GAMMA = 100.0  # the shape of the Gamma(100, 1/100) draws that start components_ and each E-step


def _documents(X):
    """The CSR tuple (data float64, indices int32, indptr int64, n_features) the kernels take, from a
    checked dense array or CSR matrix (a dense row's stored words are its nonzero columns)."""
    if _is_sparse(X):
        data, indices, indptr, d = csr_parts(X)
        return data.astype(np.float64, copy=False), indices, indptr, d
    rows, cols = np.nonzero(X)
    indptr = np.zeros(X.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.count_nonzero(X, axis=1), out=indptr[1:])
    return X[rows, cols].astype(np.float64, copy=False), cols.astype(np.int32), indptr, X.shape[1]


def _rows(docs, start, stop):
    """Documents start..stop-1 of a CSR tuple (views, the indptr shifted to 0)."""
    data, indices, indptr, d = docs
    a, b = indptr[start], indptr[stop]
    return data[a:b], indices[a:b], indptr[start:stop + 1] - a, d


class LatentDirichletAllocation(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Latent Dirichlet Allocation with (online) variational Bayes, as scikit-learn's.

    Parameters
    ----------
    n_components : int >= 1, default=10
        Number of topics.
    doc_topic_prior : float in [0, 1] or None, default=None
        alpha, the prior of the document-topic distributions theta (None: 1 / n_components).
    topic_word_prior : float in [0, 1] or None, default=None
        eta, the prior of the topic-word distributions beta (None: 1 / n_components).
    learning_method : {'batch', 'online'}, default='batch'
        'batch': each EM step uses all documents; 'online': mini-batches of batch_size documents,
        components_ moved a step (learning_offset + t)^-learning_decay each (used by fit only).
    learning_decay : float in (0.5, 1], default=0.7
        kappa, the rate at which the online steps shrink ((0.5, 1] guarantees convergence).
    learning_offset : float >= 1, default=10.0
        tau_0, which down-weights the early online steps.
    max_iter : int >= 0, default=10
        Passes over the data in fit.
    batch_size : int >= 1, default=128
        Documents per online step (fit with 'online', and partial_fit).
    evaluate_every : int, default=-1
        Compute the perplexity every evaluate_every passes of fit (<= 0: never) and stop when it
        changes by less than perp_tol.
    total_samples : float > 0, default=1e6
        The size of the corpus the partial_fit mini-batches stand for.
    perp_tol : float >= 0, default=0.1
    mean_change_tol : float >= 0, default=1e-3
        The E-step stops a document when the mean absolute change of its topic weights is below this.
    max_doc_update_iter : int >= 0, default=100
        The most E-step iterations per document.
    n_jobs : int or None, default=None
        Threads of the E-step (None or -1: mlc.get_num_threads()); the result does not depend on it.
    verbose : int >= 0, default=0
        Print each pass of fit (and its perplexity when evaluated).
    random_state : None, int or NumPy generator, default=None
        The Gamma(100, 0.01) draws of the initial components_ and of each training E-step's initial
        document-topic weights are made from a np.random.RandomState in scikit-learn's order (None:
        NumPy's global one), so the same random_state gives scikit-learn's model.

    Attributes
    ----------
    components_ : ndarray (n_components, n_features)
        The topic-word Dirichlet parameters lambda (pseudo-counts of each word in each topic).
    exp_dirichlet_component_ : ndarray (n_components, n_features)
        exp(E[log beta]).
    n_batch_iter_ : int
        EM steps made, plus one.
    n_iter_ : int
        Passes over the data made by fit.
    bound_ : float
        The perplexity of the training data after fit.
    doc_topic_prior_, topic_word_prior_ : float
    random_state_ : np.random.RandomState
    n_features_in_ : int
    feature_names_in_ : ndarray of str (when X has string column names)

    Input: counts >= 0, a dense array or a scipy.sparse matrix (used as CSR, never densified).
    """

    def __init__(self, n_components=10, *, doc_topic_prior=None, topic_word_prior=None, learning_method="batch",
                 learning_decay=0.7, learning_offset=10.0, max_iter=10, batch_size=128, evaluate_every=-1,
                 total_samples=1e6, perp_tol=1e-1, mean_change_tol=1e-3, max_doc_update_iter=100, n_jobs=None,
                 verbose=0, random_state=None):
        self.n_components = n_components
        self.doc_topic_prior = doc_topic_prior
        self.topic_word_prior = topic_word_prior
        self.learning_method = learning_method
        self.learning_decay = learning_decay
        self.learning_offset = learning_offset
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.evaluate_every = evaluate_every
        self.total_samples = total_samples
        self.perp_tol = perp_tol
        self.mean_change_tol = mean_change_tol
        self.max_doc_update_iter = max_doc_update_iter
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state

    # ---- checks ----------------------------------------------------------------------------------
    def _check_params(self):
        check_scalar(self.n_components, "n_components", numbers.Integral, min_val=1)
        for name in ("doc_topic_prior", "topic_word_prior"):
            value = getattr(self, name)
            if value is not None:
                check_scalar(value, name, numbers.Real, min_val=0.0, max_val=1.0)
        check_choice(self.learning_method, "learning_method", {"batch", "online"})
        check_scalar(self.learning_decay, "learning_decay", numbers.Real, min_val=0.5, max_val=1.0,
                     include_boundaries="right")
        check_scalar(self.learning_offset, "learning_offset", numbers.Real, min_val=1.0)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=0)
        check_scalar(self.batch_size, "batch_size", numbers.Integral, min_val=1)
        check_scalar(self.evaluate_every, "evaluate_every", numbers.Integral)
        check_scalar(self.total_samples, "total_samples", numbers.Real, min_val=0.0, include_boundaries="neither")
        check_scalar(self.perp_tol, "perp_tol", numbers.Real, min_val=0.0)
        check_scalar(self.mean_change_tol, "mean_change_tol", numbers.Real, min_val=0.0)
        check_scalar(self.max_doc_update_iter, "max_doc_update_iter", numbers.Integral, min_val=0)
        check_n_jobs(self.n_jobs)
        check_scalar(self.verbose, "verbose", (numbers.Integral, bool), min_val=0)

    def _check_non_neg_array(self, X, reset, whom):
        X = self._validate_data(X, reset=reset, dtype=(np.float64, np.float32), accept_sparse="csr")
        values = X.data if _is_sparse(X) else X
        if values.size and values.min() < 0:
            raise ValueError(f"Negative values in data passed to {whom}.")
        return X

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float32", "float64"]
        return tags

    # ---- the steps ---------------------------------------------------------------------------------
    def _init_components(self, n_features):
        """The initial components_ (n_components, n_features): scikit-learn's draw from random_state_.
        A hook: a subclass (or a test) may start from other pseudo-counts."""
        return self.random_state_.gamma(_INIT_GAMMA, 1.0 / _INIT_GAMMA, (self.n_components, n_features))

    def _init_latent_vars(self, n_features):
        self.random_state_ = check_legacy_random_state(self.random_state)
        self.n_batch_iter_ = 1
        self.n_iter_ = 0
        self.doc_topic_prior_ = (1.0 / self.n_components if self.doc_topic_prior is None
                                 else float(self.doc_topic_prior))
        self.topic_word_prior_ = (1.0 / self.n_components if self.topic_word_prior is None
                                  else float(self.topic_word_prior))
        self.components_ = np.ascontiguousarray(self._init_components(n_features), dtype=np.float64)
        self.exp_dirichlet_component_ = _mlc.latent_dirichlet_exp_dirichlet(self.components_,
                                                                            n_threads=self._threads())

    def _threads(self):
        return _n_threads(check_n_jobs(self.n_jobs))

    def _e_step(self, docs, cal_sstats, random_init):
        """(gamma (N, K), sufficient statistics (K, D) or None): the E-step from Gamma(100, 0.01) draws
        of random_state_ (training) or ones (transform, score)."""
        n = docs[2].shape[0] - 1
        shape = (n, self.components_.shape[0])
        gamma = (self.random_state_.gamma(_INIT_GAMMA, 1.0 / _INIT_GAMMA, shape) if random_init
                 else np.ones(shape))
        sstats = _mlc.latent_dirichlet_estep(docs, gamma, self.exp_dirichlet_component_, self.doc_topic_prior_,
                                             self.max_doc_update_iter, self.mean_change_tol, sstats=cal_sstats,
                                             n_threads=self._threads())
        return gamma, sstats

    def _em_step(self, docs, total_samples, batch_update):
        _, sstats = self._e_step(docs, cal_sstats=True, random_init=True)
        if batch_update:
            weight, doc_ratio = 1.0, 1.0
        else:
            weight = float(np.power(self.learning_offset + self.n_batch_iter_, -self.learning_decay))
            doc_ratio = float(total_samples) / (docs[2].shape[0] - 1)
        _mlc.latent_dirichlet_mstep(self.components_, self.exp_dirichlet_component_, sstats,
                                    self.topic_word_prior_, weight, doc_ratio, n_threads=self._threads())
        self.n_batch_iter_ += 1

    def _approx_bound(self, docs, gamma, sub_sampling):
        doc_part, topic_part = _mlc.latent_dirichlet_bound(docs, gamma, self.components_, self.doc_topic_prior_,
                                                           self.topic_word_prior_, n_threads=self._threads())
        if sub_sampling:
            doc_part *= float(self.total_samples) / gamma.shape[0]
        return doc_part + topic_part

    def _perplexity_precomp_distr(self, docs, gamma, sub_sampling=False):
        word_cnt = docs[0].sum()
        if sub_sampling:
            word_cnt *= float(self.total_samples) / gamma.shape[0]
        return float(np.exp(-1.0 * self._approx_bound(docs, gamma, sub_sampling) / word_cnt))

    # ---- public ------------------------------------------------------------------------------------
    def fit(self, X, y=None):
        """Learn the topics of the documents X (n_samples, n_features) by batch or online variational
        Bayes (learning_method). Returns self."""
        self._check_params()
        X = self._check_non_neg_array(X, True, "LatentDirichletAllocation.fit")
        docs = _documents(X)
        n_samples = X.shape[0]
        self._init_latent_vars(X.shape[1])
        last_bound = None
        for i in range(self.max_iter):
            if self.learning_method == "online":
                for start in range(0, n_samples, self.batch_size):
                    self._em_step(_rows(docs, start, min(start + self.batch_size, n_samples)), n_samples, False)
            else:
                self._em_step(docs, n_samples, True)
            if self.evaluate_every > 0 and (i + 1) % self.evaluate_every == 0:
                gamma, _ = self._e_step(docs, cal_sstats=False, random_init=False)
                bound = self._perplexity_precomp_distr(docs, gamma)
                if self.verbose:
                    print("iteration: %d of max_iter: %d, perplexity: %.4f" % (i + 1, self.max_iter, bound))
                if last_bound and abs(last_bound - bound) < self.perp_tol:
                    break
                last_bound = bound
            elif self.verbose:
                print("iteration: %d of max_iter: %d" % (i + 1, self.max_iter))
            self.n_iter_ += 1
        gamma, _ = self._e_step(docs, cal_sstats=False, random_init=False)
        self.bound_ = self._perplexity_precomp_distr(docs, gamma)
        return self

    def partial_fit(self, X, y=None):
        """One online pass over X in mini-batches of batch_size documents, standing for a corpus of
        total_samples documents. Returns self."""
        self._check_params()
        first = not hasattr(self, "components_")
        X = self._check_non_neg_array(X, first, "LatentDirichletAllocation.partial_fit")
        if first:
            self._init_latent_vars(X.shape[1])
        if X.shape[1] != self.components_.shape[1]:
            raise ValueError("The provided data has %d dimensions while the model was trained with feature size %d."
                             % (X.shape[1], self.components_.shape[1]))
        docs = _documents(X)
        for start in range(0, X.shape[0], self.batch_size):
            self._em_step(_rows(docs, start, min(start + self.batch_size, X.shape[0])), self.total_samples, False)
        return self

    def _unnormalized_transform(self, X, whom):
        check_is_fitted(self)
        X = self._check_non_neg_array(X, False, whom)
        docs = _documents(X)
        gamma, _ = self._e_step(docs, cal_sstats=False, random_init=False)
        return X, docs, gamma

    def transform(self, X, *, normalize=True):
        """The topic distribution (n_samples, n_components) of each document of X (rows sum to 1
        unless normalize=False: then the Dirichlet parameters gamma)."""
        X, _, gamma = self._unnormalized_transform(X, "LatentDirichletAllocation.transform")
        if normalize:
            gamma /= gamma.sum(axis=1)[:, np.newaxis]
        return gamma.astype(X.dtype, copy=False)

    def fit_transform(self, X, y=None, *, normalize=True):
        """fit(X), then transform(X, normalize=normalize)."""
        return self.fit(X, y).transform(X, normalize=normalize)

    def score(self, X, y=None):
        """The variational bound of the documents X (an approximate log-likelihood)."""
        _, docs, gamma = self._unnormalized_transform(X, "LatentDirichletAllocation.score")
        return float(self._approx_bound(docs, gamma, sub_sampling=False))

    def perplexity(self, X, sub_sampling=False):
        """exp(-bound / word count) of the documents X (lower is better); sub_sampling scales X to
        total_samples documents."""
        _, docs, gamma = self._unnormalized_transform(X, "LatentDirichletAllocation.perplexity")
        return self._perplexity_precomp_distr(docs, gamma, sub_sampling)
