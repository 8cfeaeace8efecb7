"""SGDClassifier and SGDRegressor: plain stochastic gradient descent in C, with partial_fit."""

__all__ = []
