"""Exceptions and warnings raised by mlc (the same classes' roles as in scikit-learn)."""

import sys

__all__ = ["NotFittedError", "ConvergenceWarning", "DataConversionWarning", "UndefinedMetricWarning",
           "InvalidParameterError"]


class NotFittedError(ValueError, AttributeError):
    """Raised when a method that needs a fitted estimator is called before ``fit``.

    Both a ValueError and an AttributeError, as scikit-learn's is, so ``hasattr(est, "predict_proba")``
    style checks and ``except ValueError`` both behave as they do with scikit-learn.
    """


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped at its iteration limit before meeting its tolerance."""


class UndefinedMetricWarning(UserWarning):
    """A metric is ill-defined on this input (e.g. precision with no predicted positives) and was
    set to the ``zero_division`` value."""


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a wrong type or value: both a ValueError and a TypeError, as scikit-learn's
    is, so either ``except`` catches it."""


class DataConversionWarning(UserWarning):
    """Input data was converted in a way the caller may not expect (e.g. a column-vector y)."""


_both = None


def not_fitted_error_class():
    """The class to raise for an unfitted estimator: mlc's NotFittedError, or, when scikit-learn is
    already loaded (never imported here), a subclass of both mlc's and scikit-learn's, so that
    ``except`` and ``pytest.raises`` with either class catch it."""
    global _both
    sk = sys.modules.get("sklearn.exceptions")
    if sk is None:
        return NotFittedError
    if _both is None:
        _both = type("NotFittedError", (NotFittedError, sk.NotFittedError),
                     {"__module__": __name__, "__doc__": NotFittedError.__doc__})
    return _both
