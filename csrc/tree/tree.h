/* tree.h: CART decision trees (scikit-learn's tree module): the tree, its depth-first builder with the
 * best splitter, and the descent of rows to their leaves.
 *
 * Legend: N samples, D features, C classes (0 for a regression tree), V values a node holds (C for a
 * classifier, 1 for a regressor), M nodes.
 * X (N, D) float32 row-major in: scikit-learn's trees work on float32 features (thresholds are float64
 * midpoints of two float32 values), so the same X gives the same thresholds.
 * y (N) in: class codes 0..C-1 (as float64) for a classifier, targets for a regressor.
 * sample_weight (N) in, or NULL for ones.
 *
 * A node is split on the feature and threshold whose children have the lowest weighted impurity
 * (scikit-learn's proxy of it, computed with the same operations): the candidates of a feature lie
 * between two sorted values more than 1e-7 apart (scikit-learn's FEATURE_THRESHOLD, in float32), the
 * threshold is their midpoint. Missing values (NaN) are tried on both sides of each candidate (and alone
 * on the right, threshold +inf), as scikit-learn >= 1.3 does; missing_go_to_left records their side
 * (the larger child's where the node had none). Ties: the features are visited in index order (a random order when
 * max_features < D) and the first best candidate wins, so among equal splits the lowest feature index
 * and then the lowest threshold is kept (scikit-learn keeps the first of its own random feature order).
 */
#ifndef MLC_TREE_H
#define MLC_TREE_H

#include <math.h>

#include "core/enums.h"
#include "mlc.h"

#define MLC_TREE_LEAF (-1)      /* children_left/right of a leaf */
#define MLC_TREE_UNDEFINED (-2) /* feature and threshold of a leaf */

/* A fitted tree: ONE block carved into the node arrays (scikit-learn's tree_), nodes in depth-first
 * pre-order (a child's id is larger than its parent's). */
typedef struct {
    int64_t node_count, capacity, n_values, max_depth;
    int64_t *children_left, *children_right, *feature, *n_node_samples; /* (M) */
    double *threshold, *impurity, *weighted_n_node_samples;             /* (M) */
    double *value;                                                      /* (M, V) */
    uint8_t *missing_go_to_left;                                        /* (M) */
    void *block;
} mlc_tree;

/* An empty tree of V values a node. mlc_tree_free releases its block (and may be called twice). */
void mlc_tree_init(mlc_tree *tree, int64_t n_values);
void mlc_tree_free(mlc_tree *tree);

/* The hyper-parameters, as scikit-learn's builder receives them (fractions already made counts). */
typedef struct {
    int criterion;                /* MLC_TREE_CRITERION_* */
    int splitter;                 /* MLC_TREE_SPLITTER_*: best, or random (a uniform threshold per feature) */
    int64_t max_depth;            /* >= 1 */
    int64_t min_samples_split;    /* >= 2 */
    int64_t min_samples_leaf;     /* >= 1 */
    int64_t max_features;         /* 1..D features drawn at each node */
    int64_t max_leaf_nodes;       /* >= 2: best-first growth to at most this many leaves; < 1: depth-first */
    double min_weight_leaf;       /* >= 0, a weight */
    double min_impurity_decrease; /* >= 0 */
    uint64_t seed;                /* the draws: features when max_features < D, random thresholds */
    const int8_t *monotonic_cst;  /* (D) in, or NULL: -1, 0, 1 per feature: the value (a regressor's mean,
                                     a binary classifier's proportion of class 0) decreases, is free,
                                     increases with the feature (scikit-learn's monotonic_cst) */
} mlc_tree_params;

/* NULL, or why the parameters cannot fit D features and C classes. */
const char *mlc_tree_check_params(const mlc_tree_params *params, int64_t d, int64_t c);

/* NULL, or why the node arrays are not a tree over D features (a child id out of range or not
 * after its parent, a feature out of range): the descent reads only what this accepts. */
const char *mlc_tree_check_nodes(const int64_t *children_left, const int64_t *children_right,
                                 const int64_t *feature, int64_t m, int64_t d);

/* Grows tree (initialised with V = max(C, 1), empty) on X, y: depth-first (scikit-learn's
 * DepthFirstTreeBuilder), or best-first to max_leaf_nodes leaves (BestFirstTreeBuilder: the frontier
 * node whose split improves most is split next), each node split by the best split of max_features
 * features (BestSplitter).
 * A node is a leaf when depth >= max_depth, it has fewer than min_samples_split samples or fewer than
 * 2 min_samples_leaf, less than 2 min_weight_leaf weight, an impurity <= DBL_EPSILON, no split
 * leaving min_samples_leaf samples and min_weight_leaf weight on each side, or when its best split
 * decreases the weighted impurity, (N_t / N) (I - N_R / N_t I_R - N_L / N_t I_L), by less than
 * min_impurity_decrease. value (M, V): class proportions, or the mean target.
 * Impurities: gini 1 - sum_k p_k^2, entropy -sum_k p_k log2 p_k, squared error the weighted variance,
 * poisson the mean Poisson deviance sum_i w_i y_i ln(y_i / mean) / W (a split leaving a side of target
 * sum <= 10 DBL_EPSILON is refused).
 * The features are sorted once (a radix sort); each feature keeps its sorted samples partitioned by
 * node, so a node's split search is one pass per feature, in parallel over features. MLC_EINVAL for
 * a class code out of range, MLC_EINTERRUPTED when p asks to stop. */
int mlc_tree_fit(mlc_tree *tree, const float *X, const double *y, const double *sample_weight, int64_t n,
                 int64_t d, int64_t c, const mlc_tree_params *params, int n_threads, const mlc_progress *p);

/* Minimal cost-complexity pruning (prune.c): the weakest link (the inner node t of smallest effective
 * alpha (R(t) - R(T_t)) / (|leaves(T_t)| - 1), R the weighted impurity over the root's weight) is pruned,
 * again and again, while that alpha is <= ccp_alpha (+inf: down to the root).
 *   keep (M) out: 1 for the nodes of the pruned tree; leaf (M) out: 1 for its leaves
 *   path_alpha, path_impurity (M) out, *path_len out: the effective alpha of each pruning (0 first) and
 *   the total leaf impurity after it (scikit-learn's cost_complexity_pruning_path)
 * The node arrays (M) in are a grown tree's (mlc_tree_check_nodes). */
int mlc_tree_prune(uint8_t *keep, uint8_t *leaf, double *path_alpha, double *path_impurity, int64_t *path_len,
                   const int64_t *children_left, const int64_t *children_right,
                   const double *weighted_n_node_samples, const double *impurity, int64_t m, double ccp_alpha);

/* leaf (N) out: the leaf each row of X reaches (x <= threshold goes left; NaN goes where
 * missing_go_to_left says). The node arrays (M) in are a tree's (mlc_tree_check_nodes). */
int mlc_tree_apply(int64_t *leaf, const float *X, const int64_t *children_left, const int64_t *children_right,
                   const int64_t *feature, const double *threshold, const uint8_t *missing_go_to_left, int64_t n,
                   int64_t d, int n_threads);

/* The leaf row x reaches (x <= threshold goes left; NaN goes where missing_go_to_left says). */
static inline int64_t mlc_tree_descend(const float *x, const int64_t *children_left, const int64_t *children_right,
                                       const int64_t *feature, const double *threshold,
                                       const uint8_t *missing_go_to_left) {
    int64_t k = 0;
    while (children_left[k] != MLC_TREE_LEAF) {
        const float v = x[feature[k]];
        if (isnan(v)) k = missing_go_to_left[k] ? children_left[k] : children_right[k];
        else k = (double)v <= threshold[k] ? children_left[k] : children_right[k];
    }
    return k;
}

/* out (N, V) out: the value of the leaf each row reaches; value (M, V) in. */
int mlc_tree_predict(double *out, const float *X, const int64_t *children_left, const int64_t *children_right,
                     const int64_t *feature, const double *threshold, const uint8_t *missing_go_to_left,
                     const double *value, int64_t n, int64_t d, int64_t v, int n_threads);

#endif
