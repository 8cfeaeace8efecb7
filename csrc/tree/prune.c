/* prune.c: minimal cost-complexity pruning of a grown tree (see tree.h).
 *
 * Breiman et al. 1984, ch. 3: the cost of a subtree T is R_alpha(T) = R(T) + alpha |leaves(T)|, R the
 * weighted impurity of its leaves over the root's weight. Pruning the branch at node t (t becomes a leaf)
 * pays off once alpha >= (R(t) - R(T_t)) / (|leaves(T_t)| - 1), t's effective alpha; the weakest link,
 * the node of smallest effective alpha (the first in id order among equal ones), is pruned, and again,
 * while that alpha is <= ccp_alpha (scikit-learn's _cost_complexity_prune, step for step).
 */
#include <float.h>
#include <string.h>

#include "tree/tree.h"

int mlc_tree_prune(uint8_t *keep, uint8_t *leaf, double *path_alpha, double *path_impurity, int64_t *path_len,
                   const int64_t *children_left, const int64_t *children_right,
                   const double *weighted_n_node_samples, const double *impurity, int64_t m, double ccp_alpha) {
    if (m < 1) return MLC_EINVAL;
    // r_node | r_branch (M doubles each), then parent | n_leaves | stack (M int64 each)
    double *r_node = mlc_malloc((size_t)m * (2 * sizeof(double) + 3 * sizeof(int64_t)));
    if (r_node == NULL) return MLC_ENOMEM;
    double *r_branch = r_node + m;
    int64_t *parent = (int64_t *)(r_branch + m), *n_leaves = parent + m, *stack = n_leaves + m;
    uint8_t *candidate = keep; // a node still a candidate: inner and kept (keep doubles as in_subtree below)
    const double total = weighted_n_node_samples[0];
    for (int64_t k = 0; k < m; k++) {
        r_node[k] = weighted_n_node_samples[k] * impurity[k] / total;
        r_branch[k] = 0.0;
        n_leaves[k] = 0;
        keep[k] = 1;
        leaf[k] = children_left[k] == MLC_TREE_LEAF;
    }
    parent[0] = MLC_TREE_UNDEFINED;
    for (int64_t k = 0; k < m; k++)
        if (!leaf[k]) parent[children_left[k]] = parent[children_right[k]] = k;
    for (int64_t k = 0; k < m; k++) {
        if (!leaf[k]) continue;
        r_branch[k] = r_node[k];
        for (int64_t q = k; q != 0; q = parent[q]) {
            r_branch[parent[q]] += r_node[k];
            n_leaves[parent[q]]++;
        }
    }
    int64_t steps = 0;
    path_alpha[steps] = 0.0;
    path_impurity[steps++] = r_branch[0];
    while (!leaf[0]) {
        double alpha = DBL_MAX;
        int64_t weakest = 0;
        for (int64_t k = 0; k < m; k++) {
            if (!candidate[k] || leaf[k]) continue;
            const double a = (r_node[k] - r_branch[k]) / (double)(n_leaves[k] - 1);
            if (a < alpha) {
                alpha = a;
                weakest = k;
            }
        }
        if (ccp_alpha < alpha) break;
        int64_t top = 0;
        stack[top++] = weakest;
        while (top > 0) { // drop the branch below the weakest link
            const int64_t k = stack[--top];
            if (!keep[k]) continue;
            keep[k] = 0;
            leaf[k] = 0;
            if (children_left[k] != MLC_TREE_LEAF) {
                stack[top++] = children_left[k];
                stack[top++] = children_right[k];
            }
        }
        keep[weakest] = leaf[weakest] = 1;
        const int64_t pruned = n_leaves[weakest] - 1;
        const double r_diff = r_node[weakest] - r_branch[weakest];
        n_leaves[weakest] = 0;
        r_branch[weakest] = r_node[weakest];
        for (int64_t q = parent[weakest]; q != MLC_TREE_UNDEFINED; q = parent[q]) {
            n_leaves[q] -= pruned;
            r_branch[q] += r_diff;
        }
        path_alpha[steps] = alpha;
        path_impurity[steps++] = r_branch[0];
    }
    *path_len = steps;
    mlc_free(r_node);
    return MLC_OK;
}
