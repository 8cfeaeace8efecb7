"""export_text: a fitted tree's rules as text, in scikit-learn's format."""
from io import StringIO

import numpy as np

from .._validation import check_is_fitted
from ._tree import TREE_LEAF, TREE_UNDEFINED

__all__ = ["export_text"]


def _subtree_depth(tree, node):
    """The depth of the subtree rooted at node (1 for a leaf)."""
    depth, stack = 0, [(node, 1)]
    while stack:
        k, d = stack.pop()
        depth = max(depth, d)
        if tree.children_left[k] != TREE_LEAF:
            stack += [(tree.children_left[k], d + 1), (tree.children_right[k], d + 1)]
    return depth


def export_text(decision_tree, *, feature_names=None, class_names=None, max_depth=10, spacing=3, decimals=2,
                show_weights=False):
    """The rules of a fitted DecisionTreeClassifier or DecisionTreeRegressor as text, one line per
    branch ("|--- feature_2 <= 2.45"), leaves giving the class (or the value), scikit-learn's format.

    feature_names: one name per feature (default feature_0, ...); class_names: one per class
    (default classes_); max_depth: deeper branches are summarised ("truncated branch of depth k");
    spacing: the width of one level; decimals: digits of thresholds and values; show_weights: the
    classifier's leaves also give the weight of each class.
    """
    check_is_fitted(decision_tree, "tree_")
    tree = decision_tree.tree_
    is_classifier = hasattr(decision_tree, "classes_")
    if class_names is None and is_classifier:
        class_names = decision_tree.classes_
    elif is_classifier and len(class_names) != len(decision_tree.classes_):
        raise ValueError("When `class_names` is an array, it should contain as many items as "
                         f"`decision_tree.classes_`. Got {len(class_names)} while the tree was fitted "
                         f"with {len(decision_tree.classes_)} classes.")
    if feature_names is not None and len(feature_names) != tree.n_features:
        raise ValueError(f"feature_names must contain {tree.n_features} elements, got {len(feature_names)}")
    if not isinstance(max_depth, (int, np.integer)) or max_depth < 0:
        raise ValueError(f"max_depth must be an int >= 0, got {max_depth!r}.")
    if not isinstance(spacing, (int, np.integer)) or spacing <= 0:
        raise ValueError(f"spacing must be an int > 0, got {spacing!r}.")
    if not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be an int >= 0, got {decimals!r}.")
    names = [(feature_names[f] if feature_names is not None else f"feature_{f}") if f != TREE_UNDEFINED else None
             for f in tree.feature]
    value_fmt = "{}{} value: {}\n" if not is_classifier else ("{}{} weights: {}\n" if show_weights else "{}{}{}\n")
    report = StringIO()

    def leaf(node, indent):
        value = tree.value[node][0]
        if is_classifier:
            val = ""
            if show_weights:
                w = tree.weighted_n_node_samples[node]
                val = "[" + ", ".join(f"{v * w:.{decimals}f}" for v in value) + "]"
            val += " class: " + str(class_names[int(np.argmax(value))])
        else:
            val = "[" + ", ".join(f"{v:.{decimals}f}" for v in value) + "]"
        report.write(value_fmt.format(indent, "", val))

    stack = [(0, 1, None)]
    while stack:  # pre-order, as scikit-learn's recursion: the "<=" line, the left subtree, the ">" line, ...
        node, depth, line = stack.pop()
        if line is not None:
            report.write(line)
            continue
        indent = ("|" + " " * spacing) * depth
        indent = indent[:-spacing] + "-" * spacing
        if depth <= max_depth + 1:
            if tree.feature[node] != TREE_UNDEFINED:
                threshold = f"{tree.threshold[node]:.{decimals}f}"
                stack.append((tree.children_right[node], depth + 1, None))
                stack.append((None, None, f"{indent} {names[node]} >  {threshold}\n"))
                stack.append((tree.children_left[node], depth + 1, None))
                report.write(f"{indent} {names[node]} <= {threshold}\n")
            else:
                leaf(node, indent)
        elif _subtree_depth(tree, node) == 1:
            leaf(node, indent)
        else:
            report.write(f"{indent} truncated branch of depth {_subtree_depth(tree, node)}\n")
    return report.getvalue()
