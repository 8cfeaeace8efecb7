"""Linear models: least squares (LinearRegression, Ridge, Lasso, ElasticNet), logistic regression, SGD."""
from ._least_squares import *  # noqa: F401,F403
from ._least_squares import __all__ as _ls_all
from ._logistic import *  # noqa: F401,F403
from ._logistic import __all__ as _log_all
from ._sgd import *  # noqa: F401,F403
from ._sgd import __all__ as _sgd_all

__all__ = list(_ls_all) + list(_log_all) + list(_sgd_all)
