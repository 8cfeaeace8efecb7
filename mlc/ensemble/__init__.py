"""Ensembles of trees: histogram gradient boosting (scikit-learn's HistGradientBoostingClassifier and
HistGradientBoostingRegressor, after LightGBM), grown in C; AdaBoost (AdaBoostClassifier, SAMME, and
AdaBoostRegressor, AdaBoost.R2) over any mlc estimator."""
from ._hist_gradient_boosting import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from ._weight_boosting import AdaBoostClassifier, AdaBoostRegressor

__all__ = ["AdaBoostClassifier", "AdaBoostRegressor", "HistGradientBoostingClassifier",
           "HistGradientBoostingRegressor"]
