"""Ensembles of trees: histogram gradient boosting (scikit-learn's HistGradientBoostingClassifier and
HistGradientBoostingRegressor, after LightGBM), grown in C."""
from ._hist_gradient_boosting import HistGradientBoostingClassifier, HistGradientBoostingRegressor

__all__ = ["HistGradientBoostingClassifier", "HistGradientBoostingRegressor"]
