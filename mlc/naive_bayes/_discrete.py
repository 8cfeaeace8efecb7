"""MultinomialNB, ComplementNB and BernoulliNB: per-class feature counts (dense or CSR) and a linear
joint log-likelihood, both in C."""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import check_bool, check_sample_weight, check_scalar, csr_parts
from ._base import _BaseNB, _check_non_negative, _check_priors, _linear_jll

__all__ = ["MultinomialNB", "ComplementNB", "BernoulliNB"]

_ALPHA_MIN = 1e-10


class _BaseDiscreteNB(_BaseNB):
    """fit and partial_fit of the count models: a subclass gives _count_checks (the input's
    checks), _update_feature_log_prob and _posterior (_linear_jll); feature_count_ and class_count_
    are the running counts (weighted by sample_weight)."""

    _accept_sparse = "csr"

    def __init__(self, alpha=1.0, fit_prior=True, class_prior=None, force_alpha=True):
        self.alpha = alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior
        self.force_alpha = force_alpha

    def _check_X(self, X):
        return self._validate_data(X, reset=False, dtype=np.float64, accept_sparse=self._accept_sparse)

    def _check_X_y(self, X, y, reset):
        return self._validate_data(X, y, reset=reset, dtype=np.float64, accept_sparse=self._accept_sparse)

    def _count_checks(self, X):
        """The input's own checks before counting (negative counts); returns X as counted."""
        return X

    def _check_params(self):
        check_bool(self.fit_prior, "fit_prior")
        check_bool(self.force_alpha, "force_alpha")
        if not isinstance(self.alpha, numbers.Real):
            alpha = np.asarray(self.alpha)
            if alpha.dtype.kind not in "biuf" or alpha.ndim != 1:
                raise ValueError(f"alpha must be a float or a 1-D array of floats, got {self.alpha!r}.")
        else:
            check_scalar(self.alpha, "alpha", numbers.Real, min_val=0.0)

    def _check_alpha(self):
        """alpha as a float or an (n_features,) array, raised to 1e-10 (with a warning) unless force_alpha."""
        if isinstance(self.alpha, numbers.Real):
            alpha = float(self.alpha)
        else:
            alpha = np.asarray(self.alpha, dtype=np.float64)
            if alpha.shape[0] != self.n_features_in_:
                raise ValueError("When alpha is an array, it should contains `n_features`. "
                                 f"Got {alpha.shape[0]} elements instead of {self.n_features_in_}.")
            if not np.all(np.isfinite(alpha)):
                raise ValueError("All values in alpha must be finite.")
            if np.min(alpha) < 0:
                raise ValueError("All values in alpha must be greater than 0.")
        if np.min(alpha) < _ALPHA_MIN and not self.force_alpha:
            warnings.warn(f"alpha too small will result in numeric errors, setting alpha = {_ALPHA_MIN:.1e}. "
                          "Use `force_alpha=True` to keep alpha unchanged.", UserWarning, stacklevel=3)
            return np.maximum(alpha, _ALPHA_MIN)
        return alpha

    def fit(self, X, y, sample_weight=None):
        """Fit Naive Bayes classifier according to X, y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors, where `n_samples` is the number of samples and
            `n_features` is the number of features.

        y : array-like of shape (n_samples,)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights applied to individual samples (1. for unweighted).

        Returns
        -------
        self : object
            Returns the instance itself.
        """
        self._check_params()
        X, y = self._check_X_y(X, y, reset=True)
        codes = self._fit_labels(y)
        alpha = self._check_alpha()
        self._init_counters(len(self.classes_), X.shape[1])
        return self._update(X, codes, sample_weight, alpha)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Incremental fit on a batch of samples.

        This method is expected to be called several times consecutively
        on different chunks of a dataset so as to implement out-of-core
        or online learning.

        This is especially useful when the whole dataset is too big to fit in
        memory at once.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors, where `n_samples` is the number of samples and
            `n_features` is the number of features.

        y : array-like of shape (n_samples,)
            Target values.

        classes : array-like of shape (n_classes,), default=None
            List of all the classes that can possibly appear in the y vector.

            Must be provided at the first call to partial_fit, can be omitted
            in subsequent calls.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights applied to individual samples (1. for unweighted).

        Returns
        -------
        self : object
            Returns the instance itself.
        """
        self._check_params()
        first = getattr(self, "classes_", None) is None
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        X, y = self._check_X_y(X, y, reset=first)
        codes, first = self._partial_fit_labels(y, classes)
        alpha = self._check_alpha()
        if first:
            self._init_counters(len(self.classes_), X.shape[1])
        return self._update(X, codes, sample_weight, alpha)

    def _init_counters(self, n_classes, n_features):
        self.class_count_ = np.zeros(n_classes)
        self.feature_count_ = np.zeros((n_classes, n_features))

    def _update(self, X, codes, sample_weight, alpha):
        X = self._count_checks(X)
        w = check_sample_weight(sample_weight, X.shape[0])
        if self.class_prior is not None:
            _check_priors(self.class_prior, len(self.classes_), "class_prior")
        n_threads = get_num_threads()
        if isinstance(X, np.ndarray):
            _mlc.naive_bayes_count(X, codes, w, self.feature_count_, self.class_count_, n_threads=n_threads)
        else:
            data, indices, indptr, n_cols = csr_parts(X)
            _mlc.naive_bayes_count_csr(data, indices, indptr, n_cols, codes, w, self.feature_count_,
                                       self.class_count_, n_threads=n_threads)
        self._update_feature_log_prob(alpha)
        self._update_class_log_prior()
        return self

    def _update_class_log_prior(self):
        n_classes = len(self.classes_)
        if self.class_prior is not None:
            self.class_log_prior_ = np.log(_check_priors(self.class_prior, n_classes, "class_prior"))
        elif self.fit_prior:
            with np.errstate(divide="ignore"):  # a class not seen yet
                log_class_count = np.log(self.class_count_)
            # empirical prior, with sample_weight taken into account
            self.class_log_prior_ = log_class_count - np.log(self.class_count_.sum())
        else:
            self.class_log_prior_ = np.full(n_classes, -np.log(n_classes))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.poor_score = True
        return tags


class MultinomialNB(_BaseDiscreteNB):
    """Naive Bayes classifier for multinomial models.

    The multinomial Naive Bayes classifier is suitable for classification with
    discrete features (e.g., word counts for text classification). The
    multinomial distribution normally requires integer feature counts. However,
    in practice, fractional counts such as tf-idf may also work. X may be a
    scipy.sparse matrix (CSR; other formats are converted), never densified.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace/Lidstone) smoothing parameter
        (set alpha=0 and force_alpha=True, for no smoothing).

    force_alpha : bool, default=True
        If False and alpha is less than 1e-10, it will set alpha to
        1e-10. If True, alpha will remain unchanged. This may cause
        numerical errors if alpha is too close to 0.

    fit_prior : bool, default=True
        Whether to learn class prior probabilities or not.
        If false, a uniform prior will be used.

    class_prior : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes. If specified, the priors are not
        adjusted according to the data.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of samples encountered for each class during fitting. This
        value is weighted by the sample weight when provided.

    class_log_prior_ : ndarray of shape (n_classes,)
        Smoothed empirical log probability for each class.

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier

    feature_count_ : ndarray of shape (n_classes, n_features)
        Number of samples encountered for each (class, feature)
        during fitting. This value is weighted by the sample weight when
        provided.

    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Empirical log probability of features
        given a class, ``P(x_i|y)``.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    BernoulliNB : Naive Bayes classifier for multivariate Bernoulli models.
    CategoricalNB : Naive Bayes classifier for categorical features.
    ComplementNB : Complement Naive Bayes classifier.
    GaussianNB : Gaussian Naive Bayes.

    References
    ----------
    C.D. Manning, P. Raghavan and H. Schuetze (2008). Introduction to
    Information Retrieval. Cambridge University Press, pp. 234-265.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.RandomState(1)
    >>> X = rng.randint(5, size=(6, 100))
    >>> y = np.array([1, 2, 3, 4, 5, 6])
    >>> from mlc.naive_bayes import MultinomialNB
    >>> clf = MultinomialNB()
    >>> clf.fit(X, y)
    MultinomialNB()
    >>> print(clf.predict(X[2:3]))
    [3]
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None):
        super().__init__(alpha=alpha, fit_prior=fit_prior, class_prior=class_prior, force_alpha=force_alpha)

    def _count_checks(self, X):
        _check_non_negative(X, "MultinomialNB (input X)")
        return X

    def _update_feature_log_prob(self, alpha):
        log_prob = self.feature_count_ + alpha   # the smoothed counts, their log in place
        smoothed_cc = log_prob.sum(axis=1)
        np.log(log_prob, out=log_prob)
        log_prob -= np.log(smoothed_cc.reshape(-1, 1))
        self.feature_log_prob_ = log_prob

    def _posterior(self, X, output):
        return _linear_jll(X, self.feature_log_prob_, self.class_log_prior_, output)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags


class ComplementNB(_BaseDiscreteNB):
    """The Complement Naive Bayes classifier described in Rennie et al. (2003).

    The Complement Naive Bayes classifier was designed to correct the "severe
    assumptions" made by the standard Multinomial Naive Bayes classifier. It is
    particularly suited for imbalanced data sets. X may be a scipy.sparse matrix
    (CSR; other formats are converted), never densified.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace/Lidstone) smoothing parameter
        (set alpha=0 and force_alpha=True, for no smoothing).

    force_alpha : bool, default=True
        If False and alpha is less than 1e-10, it will set alpha to
        1e-10. If True, alpha will remain unchanged. This may cause
        numerical errors if alpha is too close to 0.

    fit_prior : bool, default=True
        Only used in edge case with a single class in the training set.

    class_prior : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes. Not used.

    norm : bool, default=False
        Whether or not a second normalization of the weights is performed. The
        default behavior mirrors the implementations found in Mahout and Weka,
        which do not follow the full algorithm described in Table 9 of the
        paper.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of samples encountered for each class during fitting. This
        value is weighted by the sample weight when provided.

    class_log_prior_ : ndarray of shape (n_classes,)
        Smoothed empirical log probability for each class. Only used in edge
        case with a single class in the training set.

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier

    feature_all_ : ndarray of shape (n_features,)
        Number of samples encountered for each feature during fitting. This
        value is weighted by the sample weight when provided.

    feature_count_ : ndarray of shape (n_classes, n_features)
        Number of samples encountered for each (class, feature) during fitting.
        This value is weighted by the sample weight when provided.

    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Empirical weights for class complements.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    BernoulliNB : Naive Bayes classifier for multivariate Bernoulli models.
    CategoricalNB : Naive Bayes classifier for categorical features.
    GaussianNB : Gaussian Naive Bayes.
    MultinomialNB : Naive Bayes classifier for multinomial models.

    References
    ----------
    Rennie, J. D., Shih, L., Teevan, J., & Karger, D. R. (2003).
    Tackling the poor assumptions of naive bayes text classifiers. In ICML
    (Vol. 3, pp. 616-623).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.RandomState(1)
    >>> X = rng.randint(5, size=(6, 100))
    >>> y = np.array([1, 2, 3, 4, 5, 6])
    >>> from mlc.naive_bayes import ComplementNB
    >>> clf = ComplementNB()
    >>> clf.fit(X, y)
    ComplementNB()
    >>> print(clf.predict(X[2:3]))
    [3]
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None, norm=False):
        super().__init__(alpha=alpha, force_alpha=force_alpha, fit_prior=fit_prior, class_prior=class_prior)
        self.norm = norm

    def _check_params(self):
        super()._check_params()
        check_bool(self.norm, "norm")

    def _count_checks(self, X):
        _check_non_negative(X, "ComplementNB (input X)")
        return X

    def _update_feature_log_prob(self, alpha):
        self.feature_all_ = self.feature_count_.sum(axis=0)
        comp_count = self.feature_all_ + alpha - self.feature_count_
        logged = np.log(comp_count / comp_count.sum(axis=1, keepdims=True))
        # predict takes the argmax, ComplementNB's rule is the argmin of the complement's weights
        if self.norm:
            self.feature_log_prob_ = logged / logged.sum(axis=1, keepdims=True)
        else:
            self.feature_log_prob_ = -logged

    def _posterior(self, X, output):
        bias = self.class_log_prior_ if len(self.classes_) == 1 else np.zeros(len(self.classes_))
        return _linear_jll(X, self.feature_log_prob_, bias, output)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags


class BernoulliNB(_BaseDiscreteNB):
    """Naive Bayes classifier for multivariate Bernoulli models.

    Like MultinomialNB, this classifier is suitable for discrete data. The
    difference is that while MultinomialNB works with occurrence counts,
    BernoulliNB is designed for binary/boolean features. X may be a
    scipy.sparse matrix (CSR; other formats are converted), never densified.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace/Lidstone) smoothing parameter
        (set alpha=0 and force_alpha=True, for no smoothing).

    force_alpha : bool, default=True
        If False and alpha is less than 1e-10, it will set alpha to
        1e-10. If True, alpha will remain unchanged. This may cause
        numerical errors if alpha is too close to 0.

    binarize : float or None, default=0.0
        Threshold for binarizing (mapping to booleans) of sample features.
        If None, input is presumed to already consist of binary vectors.

    fit_prior : bool, default=True
        Whether to learn class prior probabilities or not.
        If false, a uniform prior will be used.

    class_prior : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes. If specified, the priors are not
        adjusted according to the data.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of samples encountered for each class during fitting. This
        value is weighted by the sample weight when provided.

    class_log_prior_ : ndarray of shape (n_classes,)
        Log probability of each class (smoothed).

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier

    feature_count_ : ndarray of shape (n_classes, n_features)
        Number of samples encountered for each (class, feature)
        during fitting. This value is weighted by the sample weight when
        provided.

    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Empirical log probability of features given a class, P(x_i|y).

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    CategoricalNB : Naive Bayes classifier for categorical features.
    ComplementNB : The Complement Naive Bayes classifier
        described in Rennie et al. (2003).
    GaussianNB : Gaussian Naive Bayes (GaussianNB).
    MultinomialNB : Naive Bayes classifier for multinomial models.

    References
    ----------
    C.D. Manning, P. Raghavan and H. Schuetze (2008). Introduction to
    Information Retrieval. Cambridge University Press, pp. 234-265.

    A. McCallum and K. Nigam (1998). A comparison of event models for naive
    Bayes text classification. Proc. AAAI/ICML-98 Workshop on Learning for
    Text Categorization, pp. 41-48.

    V. Metsis, I. Androutsopoulos and G. Paliouras (2006). Spam filtering with
    naive Bayes -- Which naive Bayes? 3rd Conf. on Email and Anti-Spam (CEAS).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.RandomState(1)
    >>> X = rng.randint(5, size=(6, 100))
    >>> Y = np.array([1, 2, 3, 4, 4, 5])
    >>> from mlc.naive_bayes import BernoulliNB
    >>> clf = BernoulliNB()
    >>> clf.fit(X, Y)
    BernoulliNB()
    >>> print(clf.predict(X[2:3]))
    [3]
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, binarize=0.0, fit_prior=True, class_prior=None):
        super().__init__(alpha=alpha, fit_prior=fit_prior, class_prior=class_prior, force_alpha=force_alpha)
        self.binarize = binarize

    def _check_params(self):
        super()._check_params()
        if self.binarize is not None:
            check_scalar(self.binarize, "binarize", numbers.Real, min_val=0.0)

    def _binarized(self, X):
        if self.binarize is None:
            return X
        threshold = float(check_scalar(self.binarize, "binarize", numbers.Real, min_val=0.0))
        if isinstance(X, np.ndarray):
            return (X > threshold).astype(np.float64)
        X = X.copy()
        X.data = (X.data > threshold).astype(np.float64)
        return X

    def _check_X(self, X):
        return self._binarized(super()._check_X(X))

    def _count_checks(self, X):
        return self._binarized(X)

    def _update_feature_log_prob(self, alpha):
        smoothed_fc = self.feature_count_ + alpha
        # (C, 1) with a float alpha, as scikit-learn; (C, D) with one alpha per feature (scikit-learn's
        # broadcast of (C,) with (D,) fails there)
        smoothed_cc = self.class_count_.reshape(-1, 1) + alpha * 2
        self.feature_log_prob_ = np.log(smoothed_fc) - np.log(smoothed_cc)

    def _posterior(self, X, output):
        neg_prob = np.log(1 - np.exp(self.feature_log_prob_))
        # neg_prob (1 - X)^T as sum(neg_prob) - X neg_prob^T: one product with the sparse X
        return _linear_jll(X, self.feature_log_prob_ - neg_prob, self.class_log_prior_ + neg_prob.sum(axis=1),
                           output)
