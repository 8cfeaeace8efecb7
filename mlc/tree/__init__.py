"""Decision trees (scikit-learn's tree module): CART grown in C.

DecisionTreeClassifier (gini, entropy/log_loss) and DecisionTreeRegressor (squared_error), with
scikit-learn's parameters and fitted attributes (a ``tree_`` of node arrays, feature_importances_),
apply, decision_path, get_depth, get_n_leaves, and export_text. With max_features=None a tree is
scikit-learn's own wherever no two candidate splits tie (see DecisionTreeClassifier's notes).
"""
from ._classes import DecisionTreeClassifier, DecisionTreeRegressor
from ._export import export_text

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "export_text"]
