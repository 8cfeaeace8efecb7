"""Quadratic discriminant analysis in C (scikit-learn's QuadraticDiscriminantAnalysis).

fit: one C call (csrc/discriminant_analysis/qda.c) takes the rows class by class: 'svd' factors each
class's centred rows (QR, then the SVD of the D x D factor: the right vectors without the left ones
scikit-learn also computes), 'eigen' diagonalises its (shrunk) covariance from one syrk pass. The
decision function is one GEMM per class and block of rows. Rotations match scikit-learn's up to the
sign of each column.
"""
import numbers

import numpy as np

from .. import _mlc
from .._math import log_softmax
from .._threads import get_num_threads
from .._validation import check_choice, check_is_fitted, check_scalar
from ..base import BaseEstimator, ClassifierMixin
from ._lda import _SOLVERS, _class_priors, _fit_targets, _shrinkage_args

__all__ = ["QuadraticDiscriminantAnalysis"]


class QuadraticDiscriminantAnalysis(ClassifierMixin, BaseEstimator):
    """Quadratic Discriminant Analysis.

    A classifier with a quadratic decision boundary, generated
    by fitting class conditional densities to the data
    and using Bayes' rule.

    The model fits a Gaussian density to each class.

    Parameters
    ----------
    solver : {'svd', 'eigen'}, default='svd'
        Solver to use, possible values:
          - 'svd': Singular value decomposition (default).
            Does not compute the covariance matrix, therefore this solver is
            recommended for data with a large number of features.
          - 'eigen': Eigenvalue decomposition.
            Can be combined with shrinkage.

    shrinkage : 'auto' or float, default=None
        Shrinkage parameter, possible values:
          - None: no shrinkage (default).
          - 'auto': automatic shrinkage using the Ledoit-Wolf lemma.
          - float between 0 and 1: fixed shrinkage parameter.

        Note that shrinkage works only with 'eigen' solver.

    priors : array-like of shape (n_classes,), default=None
        Class priors. By default, the class proportions are inferred from the
        training data. Priors that do not sum to 1 are renormalised, with a
        warning (as LinearDiscriminantAnalysis does).

    reg_param : float, default=0.0
        Regularizes the per-class covariance estimates by transforming S2 as
        ``S2 = (1 - reg_param) * S2 + reg_param * np.eye(n_features)``,
        where S2 corresponds to the `scaling_` attribute of a given class.

    store_covariance : bool, default=False
        If True, the class covariance matrices are explicitly computed and
        stored in the `self.covariance_` attribute.

    tol : float, default=1.0e-4
        Absolute threshold for the covariance matrix to be considered rank
        deficient after applying some regularization (see `reg_param`) to each
        `Sk` where `Sk` represents covariance matrix for k-th class. This
        parameter does not affect the predictions. It controls when an error
        is raised if the covariance matrix is not full rank.

    Attributes
    ----------
    covariance_ : list of len n_classes of ndarray \
            of shape (n_features, n_features)
        For each class, gives the covariance matrix estimated using the
        samples of that class. The estimates use the maximum likelihood
        (biased) covariance estimator. Only present if `store_covariance` is
        True.

    means_ : array-like of shape (n_classes, n_features)
        Class-wise means.

    priors_ : array-like of shape (n_classes,)
        Class priors (sum to 1).

    rotations_ : list of len n_classes of ndarray of shape (n_features, n_k)
        For each class k an array of shape (n_features, n_k), where
        ``n_k = min(n_features, number of elements in class k)``
        It is the rotation of the Gaussian distribution, i.e. its
        principal axis. It corresponds to `V`, the matrix of eigenvectors
        coming from the SVD of `Xk = U S Vt` where `Xk` is the centered
        matrix of samples from class k.

    scalings_ : list of len n_classes of ndarray of shape (n_k,)
        For each class, contains the scaling of
        the Gaussian distributions along its principal axes, i.e. the
        variance in the rotated coordinate system. It corresponds to `S^2 /
        n_samples`, where `S` is the diagonal matrix of singular values
        from the SVD of `Xk`, where `Xk` is the centered matrix of samples
        from class k.

    classes_ : ndarray of shape (n_classes,)
        Unique class labels.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    LinearDiscriminantAnalysis : Linear Discriminant Analysis.

    Examples
    --------
    >>> from mlc.discriminant_analysis import QuadraticDiscriminantAnalysis
    >>> import numpy as np
    >>> X = np.array([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]])
    >>> y = np.array([1, 1, 1, 2, 2, 2])
    >>> clf = QuadraticDiscriminantAnalysis()
    >>> clf.fit(X, y)
    QuadraticDiscriminantAnalysis()
    >>> print(clf.predict([[-0.8, -1]]))
    [1]
    """

    def __init__(self, *, solver="svd", shrinkage=None, priors=None, reg_param=0.0, store_covariance=False,
                 tol=1.0e-4):
        self.solver = solver
        self.shrinkage = shrinkage
        self.priors = priors
        self.reg_param = reg_param
        self.store_covariance = store_covariance
        self.tol = tol

    def fit(self, X, y):
        """Fit the model according to the given training data and parameters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vector, where `n_samples` is the number of samples and
            `n_features` is the number of features.

        y : array-like of shape (n_samples,)
            Target values (integers).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        check_choice(self.solver, "The 'solver' parameter", {"svd", "eigen"})
        kind, alpha = _shrinkage_args(self.shrinkage)
        check_scalar(self.reg_param, "reg_param", numbers.Real, min_val=0.0, max_val=1.0)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0)
        if not isinstance(self.store_covariance, (bool, np.bool_)):
            raise TypeError(f"store_covariance must be a bool, got {self.store_covariance!r}.")
        if self.solver == "svd" and self.shrinkage is not None:
            raise NotImplementedError("shrinkage not supported with 'svd' solver.")
        X, y = self._validate_data(X, y, reset=True)
        codes, counts = _fit_targets(self, y)
        n_features = X.shape[1]
        self.priors_ = _class_priors(self.priors, counts)
        for k in np.flatnonzero(counts == 1)[:1]:
            raise ValueError(
                f"y has only 1 sample in class {self.classes_[k]}, covariance is ill defined.")
        means, rotations, scalings, cov, rank = _mlc.qda_fit(
            X, codes, len(self.classes_), _SOLVERS[self.solver], kind, alpha, float(self.reg_param),
            float(self.tol), bool(self.store_covariance), get_num_threads())
        for k in np.flatnonzero(rank < n_features)[:1]:
            label = self.classes_[k]
            if self.solver == "svd" and counts[k] <= n_features:
                raise np.linalg.LinAlgError(
                    f"The covariance matrix of class {label} is not full rank. When using `solver='svd'` "
                    f"the number of samples in each class should be more than the number of features, but "
                    f"class {label} has {counts[k]} samples and {n_features} features. Try using "
                    "`solver='eigen'` and setting the parameter `shrinkage` for regularization.")
            param = "shrinkage" if self.solver == "eigen" else "reg_param"
            raise np.linalg.LinAlgError(
                f"The covariance matrix of class {label} is not full rank. Increase the value of "
                f"`{param}` to reduce the collinearity.")
        self.__dict__.pop("covariance_", None)
        if cov is not None:
            self.covariance_ = list(cov)
        self.means_ = means
        self.rotations_ = list(rotations)
        self.scalings_ = list(scalings)
        return self

    def _decision_function(self, X):
        # the log posterior up to a constant, eq (4.12) p. 110 of The Elements of Statistical Learning
        check_is_fitted(self)
        X = self._validate_data(X, reset=False, dtype=np.float64)
        return _mlc.qda_decision(X, self.means_, np.asarray(self.rotations_), np.asarray(self.scalings_),
                                 np.log(self.priors_), get_num_threads())

    def decision_function(self, X):
        """Apply decision function to an array of samples.

        The decision function is equal (up to a constant factor) to the
        log-posterior of the model, i.e. `log p(y = k | x)`. In a binary
        classification setting this instead corresponds to the difference
        `log p(y = 1 | x) - log p(y = 0 | x)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Array of samples (test vectors).

        Returns
        -------
        C : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Decision function values related to each class, per sample.
            In the two-class case, the shape is `(n_samples,)`, giving the
            log likelihood ratio of the positive class.
        """
        scores = self._decision_function(X)
        if len(self.classes_) == 2:
            return scores[:, 1] - scores[:, 0]
        return scores

    def predict(self, X):
        """Perform classification on an array of vectors `X`.

        Returns the class label for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input vectors, where `n_samples` is the number of samples and
            `n_features` is the number of features.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Class label for each sample.
        """
        scores = self._decision_function(X)
        return self.classes_.take(scores.argmax(axis=1))

    def predict_proba(self, X):
        """Estimate class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_proba : ndarray of shape (n_samples, n_classes)
            Probability estimate of the sample for each class in the
            model, where classes are ordered as they are in `self.classes_`.
        """
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X):
        """Estimate log class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_log_proba : ndarray of shape (n_samples, n_classes)
            Estimated log probabilities.
        """
        return log_softmax(self._decision_function(X))
