"""GaussianNB: per-class means and variances of each feature, updated batch by batch in C."""
import numbers

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import check_sample_weight, check_scalar
from ._base import _BaseNB, _check_priors

__all__ = ["GaussianNB"]


class GaussianNB(_BaseNB):
    """Gaussian Naive Bayes (GaussianNB).

    Can perform online updates to model parameters via :meth:`partial_fit`.
    For details on algorithm used to update feature means and variance online,
    see Stanford CS tech report STAN-CS-79-773 by Chan, Golub, and LeVeque.

    The per-class means and variances (two passes over each batch: the means,
    then the squared deviations from them) and the joint log-likelihood
    ``log P(c) - 1/2 sum_j log(2 pi var_cj) - 1/2 sum_j (x_j - theta_cj)^2 / var_cj``
    are computed in C (float64; float32 input is computed in float64).

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes. If specified, the priors are not
        adjusted according to the data.

    var_smoothing : float, default=1e-9
        Portion of the largest variance of all features that is added to
        variances for calculation stability.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        number of training samples observed in each class.

    class_prior_ : ndarray of shape (n_classes,)
        probability of each class.

    classes_ : ndarray of shape (n_classes,)
        class labels known to the classifier.

    epsilon_ : float
        absolute additive value to variances.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    var_ : ndarray of shape (n_classes, n_features)
        Variance of each feature per class.

    theta_ : ndarray of shape (n_classes, n_features)
        mean of each feature per class.

    See Also
    --------
    BernoulliNB : Naive Bayes classifier for multivariate Bernoulli models.
    CategoricalNB : Naive Bayes classifier for categorical features.
    ComplementNB : Complement Naive Bayes classifier.
    MultinomialNB : Naive Bayes classifier for multinomial models.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]])
    >>> Y = np.array([1, 1, 1, 2, 2, 2])
    >>> from mlc.naive_bayes import GaussianNB
    >>> clf = GaussianNB()
    >>> clf.fit(X, Y)
    GaussianNB()
    >>> print(clf.predict([[-0.8, -1]]))
    [1]
    >>> clf_pf = GaussianNB()
    >>> clf_pf.partial_fit(X, Y, np.unique(Y))
    GaussianNB()
    >>> print(clf_pf.predict([[-0.8, -1]]))
    [1]
    """

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X, y, sample_weight=None):
        """Fit Gaussian Naive Bayes according to X, y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors, where `n_samples` is the number of samples
            and `n_features` is the number of features.

        y : array-like of shape (n_samples,)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights applied to individual samples (1. for unweighted).

        Returns
        -------
        self : object
            Returns the instance itself.
        """
        var_smoothing = float(check_scalar(self.var_smoothing, "var_smoothing", numbers.Real, min_val=0.0))
        X, y = self._validate_data(X, y, reset=True, dtype=np.float64)
        codes = self._fit_labels(y)
        self._init_counters(X.shape[1])
        return self._update(X, codes, sample_weight, var_smoothing)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Incremental fit on a batch of samples.

        This method is expected to be called several times consecutively
        on different chunks of a dataset so as to implement out-of-core
        or online learning.

        This is especially useful when the whole dataset is too big to fit in
        memory at once.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
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
        var_smoothing = float(check_scalar(self.var_smoothing, "var_smoothing", numbers.Real, min_val=0.0))
        first = getattr(self, "classes_", None) is None
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        X, y = self._validate_data(X, y, reset=first, dtype=np.float64)
        codes, first = self._partial_fit_labels(y, classes)
        if first:
            self._init_counters(X.shape[1])
        return self._update(X, codes, sample_weight, var_smoothing)

    def _init_counters(self, n_features):
        n_classes = len(self.classes_)
        if self.priors is not None:
            priors = _check_priors(self.priors, n_classes, "priors")
            if not np.isclose(priors.sum(), 1.0):
                raise ValueError("The sum of the priors should be 1.")
            if np.any(priors < 0):
                raise ValueError("Priors must be non-negative.")
            self.class_prior_ = priors
        else:
            self.class_prior_ = np.zeros(n_classes)
        self.theta_ = np.zeros((n_classes, n_features))
        self.var_ = np.zeros((n_classes, n_features))
        self.class_count_ = np.zeros(n_classes)

    def _update(self, X, codes, sample_weight, var_smoothing):
        w = check_sample_weight(sample_weight, X.shape[0])
        self.epsilon_ = _mlc.naive_bayes_gaussian_update(X, codes, w, self.theta_, self.var_, self.class_count_,
                                                         var_smoothing, n_threads=get_num_threads())
        if self.priors is None:
            # empirical prior, with sample_weight taken into account
            self.class_prior_ = self.class_count_ / self.class_count_.sum()
        return self

    def _check_X(self, X):
        return self._validate_data(X, reset=False, dtype=np.float64)

    def _joint_log_likelihood(self, X):
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        return _mlc.naive_bayes_gaussian_jll(X, self.theta_, self.var_, log_prior, n_threads=get_num_threads())
