"""Ensembles of trees: random forests and extra trees (scikit-learn's RandomForest*/ExtraTrees*, trees grown
in C in parallel over trees), bagging of any estimator, histogram gradient boosting (scikit-learn's
HistGradientBoostingClassifier and HistGradientBoostingRegressor, after LightGBM), grown in C; AdaBoost
(AdaBoostClassifier, SAMME, and AdaBoostRegressor, AdaBoost.R2) over any mlc estimator; exact gradient boosting
(GradientBoostingClassifier/Regressor, scikit-learn's) on mlc's CART trees."""
from ._bagging import BaggingClassifier, BaggingRegressor
from ._forest import ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier, RandomForestRegressor
from ._gradient_boosting import GradientBoostingClassifier, GradientBoostingRegressor
from ._hist_gradient_boosting import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from ._weight_boosting import AdaBoostClassifier, AdaBoostRegressor

__all__ = ["AdaBoostClassifier", "AdaBoostRegressor", "BaggingClassifier", "BaggingRegressor", "ExtraTreesClassifier",
           "ExtraTreesRegressor", "GradientBoostingClassifier", "GradientBoostingRegressor",
           "HistGradientBoostingClassifier", "HistGradientBoostingRegressor", "RandomForestClassifier",
           "RandomForestRegressor"]
