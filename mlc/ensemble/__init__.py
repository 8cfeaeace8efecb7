"""Ensembles of trees: histogram gradient boosting (scikit-learn's HistGradientBoostingClassifier and
HistGradientBoostingRegressor, after LightGBM), grown in C; AdaBoost (AdaBoostClassifier, SAMME, and
AdaBoostRegressor, AdaBoost.R2) over any mlc estimator; exact gradient boosting
(GradientBoostingClassifier/Regressor, scikit-learn's) on mlc's CART trees."""
from ._gradient_boosting import GradientBoostingClassifier, GradientBoostingRegressor
from ._hist_gradient_boosting import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from ._weight_boosting import AdaBoostClassifier, AdaBoostRegressor

__all__ = ["AdaBoostClassifier", "AdaBoostRegressor", "GradientBoostingClassifier", "GradientBoostingRegressor",
           "HistGradientBoostingClassifier", "HistGradientBoostingRegressor"]
