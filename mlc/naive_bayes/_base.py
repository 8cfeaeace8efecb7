"""What the naive Bayes classifiers share: the posterior from the joint log-likelihood, the labels of
fit and partial_fit, the class prior."""
import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import check_classification_targets, check_is_fitted, csr_parts, encode_labels
from ..base import BaseEstimator, ClassifierMixin

__all__ = []


_OUTPUT = _mlc.ENUMS["nb_output"]


def _linear_jll(X, W, bias, output):
    """X @ W.T + bias (n_samples, n_classes) in C, one GEMM for a dense X, the CSR product for a sparse
    one; with output "log_proba" or "proba" its posterior, made in the same pass."""
    W = np.ascontiguousarray(W, dtype=np.float64)
    bias = np.ascontiguousarray(bias, dtype=np.float64)
    if isinstance(X, np.ndarray):
        return _mlc.naive_bayes_jll(X, W, bias, _OUTPUT[output], n_threads=get_num_threads())
    data, indices, indptr, n_cols = csr_parts(X)
    return _mlc.naive_bayes_jll_csr(data, indices, indptr, n_cols, W, bias, _OUTPUT[output],
                                    n_threads=get_num_threads())


def _check_non_negative(X, whom):
    values = X if isinstance(X, np.ndarray) else X.data
    if values.size and values.min() < 0:
        raise ValueError(f"Negative values in data passed to {whom}.")


class _BaseNB(ClassifierMixin, BaseEstimator):
    """predict, predict_proba, predict_log_proba and predict_joint_log_proba from a subclass's
    _check_X (validation for the predict methods) and _joint_log_likelihood (a new float64 array); a
    subclass whose kernel makes the posterior itself overrides _posterior."""

    def _posterior(self, X, output):
        """The joint log-likelihood of a checked X, or with output "log_proba" / "proba" (the names of
        _mlc.ENUMS["nb_output"]) its log posterior / posterior: a new float64 array."""
        out = self._joint_log_likelihood(X)
        if output != "joint_log_proba":
            _mlc.naive_bayes_normalize(out, proba=output == "proba", n_threads=get_num_threads())
        return out

    def predict_joint_log_proba(self, X):
        """Return joint log probability estimates for the test vector X.

        For each row x of X and class y, the joint log probability is given by
        ``log P(x, y) = log P(y) + log P(x|y),``
        where ``log P(y)`` is the class prior probability and ``log P(x|y)`` is
        the class-conditional probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        C : ndarray of shape (n_samples, n_classes)
            Returns the joint log-probability of the samples for each class in
            the model. The columns correspond to the classes in sorted
            order, as they appear in the attribute :term:`classes_`.
        """
        check_is_fitted(self)
        return self._posterior(self._check_X(X), "joint_log_proba")

    def predict(self, X):
        """Perform classification on an array of test vectors X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        C : ndarray of shape (n_samples,)
            Predicted target values for X.
        """
        jll = self.predict_joint_log_proba(X)
        return self.classes_[np.argmax(jll, axis=1)]

    def predict_log_proba(self, X):
        """Return log-probability estimates for the test vector X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        C : array-like of shape (n_samples, n_classes)
            Returns the log-probability of the samples for each class in
            the model. The columns correspond to the classes in sorted
            order, as they appear in the attribute :term:`classes_`.
        """
        check_is_fitted(self)
        return self._posterior(self._check_X(X), "log_proba")

    def predict_proba(self, X):
        """Return probability estimates for the test vector X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        C : array-like of shape (n_samples, n_classes)
            Returns the probability of the samples for each class in
            the model. The columns correspond to the classes in sorted
            order, as they appear in the attribute :term:`classes_`.
        """
        check_is_fitted(self)
        return self._posterior(self._check_X(X), "proba")

    # ---- labels ----------------------------------------------------------------------------------

    def _fit_labels(self, y):
        """fit: classes_ from y; returns y's int32 codes."""
        check_classification_targets(y)
        self.classes_, codes = encode_labels(y)
        return codes

    def _partial_fit_labels(self, y, classes):
        """partial_fit: (codes of y in classes_, whether this is the first call). The first call needs
        `classes` (all the labels y may ever hold); a later one may repeat it, unchanged; a label of y
        outside classes_ is an error."""
        check_classification_targets(y)
        fitted = getattr(self, "classes_", None)
        first = False
        if fitted is None and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if classes is not None:
            classes = np.unique(np.asarray(classes))
            if fitted is None:
                self.classes_ = fitted = classes
                first = True
            elif not np.array_equal(fitted, classes):
                raise ValueError(f"`classes={classes!r}` is not the same as on last call to partial_fit, "
                                 f"was: {fitted!r}")
        codes = np.searchsorted(fitted, y)
        inside = fitted[np.minimum(codes, len(fitted) - 1)] == y
        if not np.all(inside):
            raise ValueError(f"The target label(s) {np.unique(y[~inside])} in y do not exist in the initial "
                             f"classes {fitted}")
        return codes.astype(np.int32), first


def _check_priors(priors, n_classes, name):
    """A prior given by the user: one non-negative probability per class."""
    priors = np.asarray(priors, dtype=np.float64)
    if priors.ndim != 1 or priors.shape[0] != n_classes:
        raise ValueError("Number of priors must match number of classes.")
    if not np.all(np.isfinite(priors)):
        raise ValueError(f"{name} must be finite.")
    return priors

