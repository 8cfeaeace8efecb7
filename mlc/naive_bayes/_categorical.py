"""CategoricalNB: per-class counts of each category of each feature, and the joint log-likelihood as a
gather of their log probabilities, in C."""
import numbers

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import check_sample_weight
from ._discrete import _BaseDiscreteNB

__all__ = ["CategoricalNB"]


def _offsets(widths, n_classes):
    """The start of each feature's (n_classes, width) block in the flat arrays the C kernels take."""
    return np.concatenate([[0], np.cumsum(np.asarray(widths, dtype=np.int64) * n_classes)]).astype(np.int64)


class CategoricalNB(_BaseDiscreteNB):
    """Naive Bayes classifier for categorical features.

    The categorical Naive Bayes classifier is suitable for classification with
    discrete features that are categorically distributed. The categories of
    each feature are drawn from a categorical distribution.

    Parameters
    ----------
    alpha : float, default=1.0
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

    min_categories : int or array-like of shape (n_features,), default=None
        Minimum number of categories per feature.

        - integer: Sets the minimum number of categories per feature to
          `n_categories` for each features.
        - array-like: shape (n_features,) where `n_categories[i]` holds the
          minimum number of categories for the ith column of the input.
        - None (default): Determines the number of categories automatically
          from the training data.

    Attributes
    ----------
    category_count_ : list of arrays of shape (n_features,)
        Holds arrays of shape (n_classes, n_categories of respective feature)
        for each feature. Each array provides the number of samples
        encountered for each class and category of the specific feature.

    class_count_ : ndarray of shape (n_classes,)
        Number of samples encountered for each class during fitting. This
        value is weighted by the sample weight when provided.

    class_log_prior_ : ndarray of shape (n_classes,)
        Smoothed empirical log probability for each class.

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier

    feature_log_prob_ : list of arrays of shape (n_features,)
        Holds arrays of shape (n_classes, n_categories of respective feature)
        for each feature. Each array provides the empirical log probability
        of categories given the respective feature and class, ``P(x_i|y)``.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    n_categories_ : ndarray of shape (n_features,), dtype=np.int64
        Number of categories for each feature. This value is
        inferred from the data or set by the minimum number of categories.

    See Also
    --------
    BernoulliNB : Naive Bayes classifier for multivariate Bernoulli models.
    ComplementNB : Complement Naive Bayes classifier.
    GaussianNB : Gaussian Naive Bayes.
    MultinomialNB : Naive Bayes classifier for multinomial models.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.RandomState(1)
    >>> X = rng.randint(5, size=(6, 100))
    >>> y = np.array([1, 2, 3, 4, 5, 6])
    >>> from mlc.naive_bayes import CategoricalNB
    >>> clf = CategoricalNB()
    >>> clf.fit(X, y)
    CategoricalNB()
    >>> print(clf.predict(X[2:3]))
    [3]
    """

    _accept_sparse = False

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None, min_categories=None):
        super().__init__(alpha=alpha, force_alpha=force_alpha, fit_prior=fit_prior, class_prior=class_prior)
        self.min_categories = min_categories

    def fit(self, X, y, sample_weight=None):
        """Fit Naive Bayes classifier according to X, y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors, where `n_samples` is the number of samples and
            `n_features` is the number of features. Here, each feature of X is
            assumed to be from a different categorical distribution.
            It is further assumed that all categories of each feature are
            represented by the numbers 0, ..., n - 1, where n refers to the
            total number of categories for the given feature. This can, for
            instance, be achieved with the help of OrdinalEncoder.

        y : array-like of shape (n_samples,)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights applied to individual samples (1. for unweighted).

        Returns
        -------
        self : object
            Returns the instance itself.
        """
        return super().fit(X, y, sample_weight=sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Incremental fit on a batch of samples.

        This method is expected to be called several times consecutively
        on different chunks of a dataset so as to implement out-of-core
        or online learning.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors, where `n_samples` is the number of samples and
            `n_features` is the number of features. Here, each feature of X is
            assumed to be from a different categorical distribution.
            It is further assumed that all categories of each feature are
            represented by the numbers 0, ..., n - 1, where n refers to the
            total number of categories for the given feature. This can, for
            instance, be achieved with the help of OrdinalEncoder.

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
        return super().partial_fit(X, y, classes, sample_weight=sample_weight)

    def _check_params(self):
        super()._check_params()
        if not isinstance(self.alpha, numbers.Real):
            raise TypeError(f"alpha of CategoricalNB must be a float, got {self.alpha!r}.")
        if self.min_categories is not None:
            m = np.asarray(self.min_categories)
            if m.dtype.kind not in "iu" or isinstance(self.min_categories, (bool, np.bool_)):
                raise ValueError(f"'min_categories' should have integral type. Got {m.dtype} instead.")
            if np.any(m < 1):
                raise ValueError(f"min_categories must be >= 1, got {self.min_categories!r}.")

    @staticmethod
    def _codes(X):
        """X as int64 category codes (floats truncated, as scikit-learn's int conversion does), non-negative."""
        if X.dtype.kind not in "biuf":
            raise ValueError(f"CategoricalNB needs integer category codes in X, got dtype {X.dtype}.")
        X = np.ascontiguousarray(X, dtype=np.int64)
        if X.size and X.min() < 0:
            raise ValueError("Negative values in data passed to CategoricalNB (input X).")
        return X

    def _check_X(self, X):
        X = self._codes(self._validate_data(X, reset=False, dtype=(np.int64, np.float64)))
        widths = np.array([f.shape[1] for f in self.feature_log_prob_], dtype=np.int64)
        if X.shape[0]:
            beyond = np.nonzero(X.max(axis=0) >= widths)[0]
            if beyond.size:
                j = beyond[0]
                raise ValueError(f"X holds category {X[:, j].max()} of feature {j}, beyond the {widths[j]} "
                                 "categories CategoricalNB knows (set min_categories to reserve more).")
        return X

    def _check_X_y(self, X, y, reset):
        X, y = self._validate_data(X, y, reset=reset, dtype=(np.int64, np.float64))
        return self._codes(X), y

    def _check_alpha(self):
        return float(super()._check_alpha())

    def _init_counters(self, n_classes, n_features):
        self.class_count_ = np.zeros(n_classes)
        self.category_count_ = [np.zeros((n_classes, 0)) for _ in range(n_features)]

    def _validate_n_categories(self, X):
        # categories are the codes 0 .. n - 1: the batch's largest code + 1, at least min_categories
        n_categories_X = X.max(axis=0) + 1
        if self.min_categories is None:
            return n_categories_X
        min_categories = np.asarray(self.min_categories)
        if min_categories.ndim and min_categories.shape != n_categories_X.shape:
            raise ValueError(f"'min_categories' should have shape ({X.shape[1]},) when an array-like is "
                             f"provided. Got {min_categories.shape} instead.")
        return np.maximum(n_categories_X, min_categories, dtype=np.int64)

    def _update(self, X, codes, sample_weight, alpha):
        w = check_sample_weight(sample_weight, X.shape[0])
        n_categories = self._validate_n_categories(X)
        n_classes = len(self.classes_)
        if self.class_prior is not None:
            from ._base import _check_priors
            _check_priors(self.class_prior, n_classes, "class_prior")
        old = self.category_count_
        widths = np.maximum([c.shape[1] for c in old], n_categories).astype(np.int64)
        offset = _offsets(widths, n_classes)
        flat = np.zeros(offset[-1])
        blocks = [flat[offset[j]:offset[j + 1]].reshape(n_classes, widths[j]) for j in range(len(widths))]
        for block, counts in zip(blocks, old):
            block[:, :counts.shape[1]] = counts
        _mlc.naive_bayes_category_count(X, offset, codes, w, flat, self.class_count_, n_threads=get_num_threads())
        self.n_categories_ = n_categories
        self.category_count_ = blocks
        self._update_feature_log_prob(alpha)
        self._update_class_log_prior()
        return self

    def _update_feature_log_prob(self, alpha):
        feature_log_prob = []
        for counts in self.category_count_:
            smoothed = counts + alpha
            feature_log_prob.append(np.log(smoothed) - np.log(smoothed.sum(axis=1).reshape(-1, 1)))
        self.feature_log_prob_ = feature_log_prob

    def _joint_log_likelihood(self, X):
        n_classes = len(self.classes_)
        offset = _offsets([f.shape[1] for f in self.feature_log_prob_], n_classes)
        log_prob = np.concatenate([f.ravel() for f in self.feature_log_prob_]) if len(offset) > 1 else np.zeros(0)
        return _mlc.naive_bayes_categorical_jll(X, log_prob, offset, self.class_log_prior_,
                                                n_threads=get_num_threads())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.sparse = False
        tags.input_tags.positive_only = True
        return tags
