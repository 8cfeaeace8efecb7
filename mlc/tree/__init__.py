"""Decision trees (scikit-learn's tree module): CART grown in C.

DecisionTreeClassifier (gini, entropy/log_loss) and DecisionTreeRegressor (squared_error, poisson), with
scikit-learn's parameters (best and random splitters, best-first growth with max_leaf_nodes, minimal
cost-complexity pruning with ccp_alpha, monotonic_cst, missing values in X learned as scikit-learn >= 1.3
learns them) and fitted attributes (a ``tree_`` of node arrays,
feature_importances_), apply, decision_path, cost_complexity_pruning_path, get_depth, get_n_leaves, and
export_text. With max_features=None a tree is
scikit-learn's own wherever no two candidate splits tie (see DecisionTreeClassifier's notes).
"""
from ._classes import DecisionTreeClassifier, DecisionTreeRegressor
from ._export import export_text

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "export_text"]
