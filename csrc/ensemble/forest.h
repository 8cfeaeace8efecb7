/* forest.h: random forests and extra trees (scikit-learn's BaseForest): CART trees (tree/tree.h), each on
 * its own bootstrap sample, grown in parallel over trees (each tree on one thread), and their average.
 *
 * Legend: N samples, D features, C classes (0 for a regression forest), V values a node holds
 * (max(C, 1)), T trees, M nodes of all the trees together.
 * X (N, D) float32 row-major in; y (N) in: class codes 0..C-1 (as float64) or targets.
 * seeds (T) in: each tree's seed, scikit-learn's random_state.randint(2^31 - 1, size=T). It seeds the
 * tree's bootstrap draw, exactly scikit-learn's (NumPy's legacy RandomState(seed).randint(0, N,
 * n_samples_bootstrap), an MT19937), and the tree's own generator (max_features < D, random splits).
 * The trees of the forest lie one after the other in node arrays (M): tree t owns the nodes
 * [offsets[t], offsets[t + 1]), its child ids counted from its own root (offsets (T + 1) in).
 */
#ifndef MLC_ENSEMBLE_FOREST_H
#define MLC_ENSEMBLE_FOREST_H

#include "mlc.h"
#include "tree/tree.h"

typedef struct {
    mlc_tree_params tree;            /* each tree's; seed and min_weight_leaf are set per tree */
    double min_weight_fraction_leaf; /* in [0, 0.5]: min_weight_leaf is this fraction of the tree's weight */
    int bootstrap;                   /* draw each tree's sample with replacement (else all rows, weight 1) */
    int64_t n_samples_bootstrap;     /* 1..N rows drawn per tree */
    int balanced_subsample;          /* weights times n_samples_bootstrap / (C_present count_k) per tree */
} mlc_ensemble_forest_params;

/* NULL, or why the parameters cannot fit N samples of D features and C classes. */
const char *mlc_ensemble_forest_check_params(const mlc_ensemble_forest_params *params, int64_t n, int64_t d,
                                             int64_t c);

/* counts (N) out: how often each row is in the bootstrap sample of seed, scikit-learn's
 * _generate_sample_indices(seed, N, n_samples_bootstrap) counted (np.bincount). */
void mlc_ensemble_forest_bootstrap(int32_t *counts, uint32_t seed, int64_t n, int64_t n_samples_bootstrap);

/* trees (T) out, each initialised empty with V values (mlc_tree_init): tree t grown by mlc_tree_fit on
 * the rows of nonzero weight sample_weight * bootstrap count (* the balanced_subsample class weight), as
 * scikit-learn's forests give each tree those weights and its splitter skips zero-weight rows.
 * sample_weight (N) in or NULL. Trees are grown in parallel, tree t always with seed seeds[t], so the
 * forest is the same for any thread count. MLC_EINTERRUPTED when p asks to stop (between two splits). */
int mlc_ensemble_forest_fit(mlc_tree *trees, const float *X, const double *y, const double *sample_weight,
                            const uint32_t *seeds, int64_t n, int64_t d, int64_t c, int64_t n_trees,
                            const mlc_ensemble_forest_params *params, int n_threads, const mlc_progress *p);

/* NULL, or why the concatenated node arrays (M) are not T trees over D features (offsets (T + 1)). */
const char *mlc_ensemble_forest_check_nodes(const int64_t *children_left, const int64_t *children_right,
                                            const int64_t *feature, const int64_t *offsets, int64_t m, int64_t d,
                                            int64_t n_trees);

/* out (N, V) out: the mean over the trees (summed in tree order, then divided by T: scikit-learn's
 * sequential sum) of the value of the leaf each row reaches. value (M, V) in. Parallel over rows. */
int mlc_ensemble_forest_predict(double *out, const float *X, const int64_t *children_left,
                                const int64_t *children_right, const int64_t *feature, const double *threshold,
                                const uint8_t *missing_go_to_left, const double *value, const int64_t *offsets,
                                int64_t n, int64_t d, int64_t v, int64_t n_trees, int n_threads);

/* leaf (N, T) out: the leaf (its id within its tree) each row reaches in each tree. */
int mlc_ensemble_forest_apply(int64_t *leaf, const float *X, const int64_t *children_left,
                              const int64_t *children_right, const int64_t *feature, const double *threshold,
                              const uint8_t *missing_go_to_left, const int64_t *offsets, int64_t n, int64_t d,
                              int64_t n_trees, int n_threads);

/* The out-of-bag sums: out (N, V) out: the sum, in tree order, of the leaf values of the trees whose
 * bootstrap sample (seeds (T), n_samples_bootstrap) left the row out; n_oob (N) out: how many. */
int mlc_ensemble_forest_oob(double *out, int64_t *n_oob, const float *X, const int64_t *children_left,
                            const int64_t *children_right, const int64_t *feature, const double *threshold,
                            const uint8_t *missing_go_to_left, const double *value, const int64_t *offsets,
                            const uint32_t *seeds, int64_t n, int64_t d, int64_t v, int64_t n_trees,
                            int64_t n_samples_bootstrap, int n_threads);

#endif
