"""Linear models: least squares (LinearRegression, Ridge, Lasso, ElasticNet) and logistic regression."""
from ._least_squares import *  # noqa: F401,F403
from ._least_squares import __all__ as _ls_all
from ._logistic import *  # noqa: F401,F403
from ._logistic import __all__ as _log_all

__all__ = list(_ls_all) + list(_log_all)
