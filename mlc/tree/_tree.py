"""Tree: a fitted tree's node arrays (scikit-learn's ``tree_``), and the descent of rows in C."""
import numpy as np

from .. import _mlc
from .._threads import get_num_threads

__all__ = []

TREE_LEAF = -1
TREE_UNDEFINED = -2


class Tree:
    """The node arrays of a fitted decision tree, as scikit-learn's ``tree_`` names them.

    Nodes are numbered in depth-first pre-order (a child's id is larger than its parent's); a leaf has
    ``children_left == children_right == -1`` and ``feature == threshold == -2``. ``value`` has shape
    (node_count, n_outputs, max_n_classes): class proportions (classifier) or the mean target
    (regressor) of each node's training samples.
    """

    def __init__(self, n_features, n_classes, n_outputs, arrays):
        (self.children_left, self.children_right, self.feature, self.threshold, value, self.impurity,
         self.n_node_samples, self.weighted_n_node_samples, self.missing_go_to_left, self.max_depth) = arrays
        self.n_features = int(n_features)
        self.n_classes = np.asarray(n_classes, dtype=np.intp)
        self.n_outputs = int(n_outputs)
        self.max_n_classes = int(self.n_classes.max())
        self.value = value.reshape(value.shape[0], self.n_outputs, -1)
        self.node_count = self.capacity = int(value.shape[0])
        self.max_depth = int(self.max_depth)

    @property
    def n_leaves(self):
        return int(np.count_nonzero(self.children_left == TREE_LEAF))

    def _nodes(self):
        return (self.children_left, self.children_right, self.feature, self.threshold, self.missing_go_to_left)

    def apply(self, X):
        """The id of the leaf each row of X (float32, C-contiguous) reaches, int64 (n_samples,)."""
        return _mlc.tree_apply(X, *self._nodes(), n_threads=get_num_threads())

    def predict(self, X):
        """The value of the leaf each row reaches, (n_samples, max_n_classes) for one output."""
        value = self.value.reshape(self.node_count, -1)
        return _mlc.tree_predict(X, *self._nodes(), value, n_threads=get_num_threads())

    def decision_path(self, X):
        """The nodes each row passes, as a scipy.sparse CSR indicator (n_samples, node_count)."""
        try:
            from scipy import sparse
        except ImportError as e:  # scipy is no run-time dependency of mlc
            raise ImportError("decision_path returns a scipy.sparse matrix: install scipy, or use "
                              "apply() and the tree_ arrays.") from e
        leaf = self.apply(X)
        paths, lengths = self._leaf_paths()
        length = lengths[leaf]
        indptr = np.zeros(len(leaf) + 1, dtype=np.int64)
        np.cumsum(length, out=indptr[1:])
        rows = paths[leaf]
        indices = rows[np.arange(rows.shape[1]) < length[:, None]]
        data = np.ones(len(indices), dtype=np.int64)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(leaf), self.node_count))

    def _leaf_paths(self):
        """paths (node_count, max_depth + 1): row k lists the nodes from the root to node k (pre-order
        ids, so increasing), padded; lengths (node_count,)."""
        m = self.node_count
        parent = np.full(m, -1, dtype=np.int64)
        inner = np.flatnonzero(self.children_left != TREE_LEAF)
        parent[self.children_left[inner]] = inner
        parent[self.children_right[inner]] = inner
        depth = np.zeros(m, dtype=np.int64)
        for k in range(1, m):  # pre-order: a parent's depth is known before its children's
            depth[k] = depth[parent[k]] + 1
        paths = np.zeros((m, self.max_depth + 1), dtype=np.int64)
        node = np.arange(m)
        for level in range(self.max_depth, -1, -1):
            at = depth >= level
            paths[at, level] = node[at]
            node = np.where(at, parent[node], node)
        return paths, depth + 1

    def _prune(self, ccp_alpha):
        """The tree pruned by minimal cost-complexity pruning at ccp_alpha (a new Tree), and the path
        (effective alphas, total leaf impurities) up to there."""
        keep, leaf, alphas, impurities = _mlc.tree_prune(self.children_left, self.children_right,
                                                         self.weighted_n_node_samples, self.impurity, ccp_alpha)
        keep, leaf = keep.astype(bool), leaf.astype(bool)
        ids = np.flatnonzero(keep)  # pre-order ids: the kept nodes, in order, are the pruned tree's pre-order
        new_id = np.cumsum(keep) - 1
        is_leaf = leaf[ids]
        cl = np.where(is_leaf, TREE_LEAF, new_id[np.maximum(self.children_left[ids], 0)])
        cr = np.where(is_leaf, TREE_LEAF, new_id[np.maximum(self.children_right[ids], 0)])
        depth = np.zeros(len(ids), dtype=np.int64)
        for k in np.flatnonzero(~is_leaf):  # parents come first
            depth[cl[k]] = depth[cr[k]] = depth[k] + 1
        arrays = (cl, cr, np.where(is_leaf, TREE_UNDEFINED, self.feature[ids]),
                  np.where(is_leaf, float(TREE_UNDEFINED), self.threshold[ids]),
                  self.value.reshape(self.node_count, -1)[ids], self.impurity[ids], self.n_node_samples[ids],
                  self.weighted_n_node_samples[ids], np.where(is_leaf, 0, self.missing_go_to_left[ids]).astype(np.uint8),
                  int(depth.max()))
        return Tree(self.n_features, self.n_classes, self.n_outputs, arrays), alphas, impurities

    def compute_feature_importances(self, normalize=True):
        """The weighted impurity decrease brought by each feature, over the root's weight (summing to 1
        when normalize and the tree has a split)."""
        inner = np.flatnonzero(self.children_left != TREE_LEAF)
        left, right = self.children_left[inner], self.children_right[inner]
        w, imp = self.weighted_n_node_samples, self.impurity
        decrease = w[inner] * imp[inner] - w[left] * imp[left] - w[right] * imp[right]
        importances = np.zeros(self.n_features)
        np.add.at(importances, self.feature[inner], decrease)
        importances /= w[0]
        if normalize and importances.sum() > 0.0:
            importances /= importances.sum()
        return importances
