"""Linear models: least squares (LinearRegression, Ridge, Lasso, ElasticNet), logistic regression, SGD."""
from ._least_squares import ElasticNet, Lasso, LinearRegression, Ridge
from ._logistic import LogisticRegression
from ._sgd import SGDClassifier, SGDRegressor

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet", "LogisticRegression", "SGDClassifier",
           "SGDRegressor"]
