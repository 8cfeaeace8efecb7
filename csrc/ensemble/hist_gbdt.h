/* hist_gbdt.h: histogram gradient boosting (scikit-learn's HistGradientBoosting*, LightGBM's
 * algorithm): features binned to at most 255 bins plus one for missing values, one regression tree
 * per class and iteration grown leaf-wise (best first) on per-bin sums of gradients and hessians.
 *
 * Legend: N samples, D features, B bins per feature (max_bins + 1; bin B - 1 holds missing values),
 * K trees per iteration (1, or the number of classes of a multiclass log loss), M rows of a node.
 * Xb (D, N) uint8 in: the binned data, FEATURE-major (a split reads one feature's bins of a node's
 * rows); Xr (N, D) uint8 in: the same bins ROW-major (a node's histogram reads each of its rows'
 * D bins at once: one cache line a row, and the D updates of a row hit D different histograms, so
 * runs of equal bins do not chain one update on the last). raw (K, N): raw predictions, one row per
 * tree of an iteration.
 * g, h (K, N) float32: gradients and hessians (scikit-learn's G_H_DTYPE); sums are float64.
 */
#ifndef MLC_ENSEMBLE_HIST_GBDT_H
#define MLC_ENSEMBLE_HIST_GBDT_H

#include "core/enums.h"
#include "mlc.h"

/* One histogram bin. */
typedef struct {
    double sum_gradients, sum_hessians;
    uint32_t count, pad;
} mlc_ensemble_hist_bin;

/* The grower's hyper-parameters (scikit-learn's TreeGrower). max_leaf_nodes, max_depth: 0 for no
 * limit. shrinkage is the learning rate, applied to the leaf values. */
typedef struct {
    int64_t max_leaf_nodes, max_depth, min_samples_leaf, n_bins;
    double min_hessian_to_split, min_gain_to_split, l2_regularization, shrinkage;
} mlc_ensemble_params;

/* The best split of a node (gain -1: none). A categorical split sends the bins in left_cat left. */
typedef struct {
    double gain, sum_gradient_left, sum_hessian_left, sum_gradient_right, sum_hessian_right;
    double value_left, value_right;
    int64_t n_samples_left, n_samples_right;
    int32_t feature, bin;
    int missing_go_to_left, is_categorical;
    uint32_t left_cat[8];
} mlc_ensemble_split;

/* Whether bin b is in a 256-bit set. */
static inline int mlc_ensemble_in_bitset(const uint32_t *bits, int b) { return (bits[b >> 5] >> (b & 31)) & 1; }

/* A grown tree: nodes in creation order, node 0 the root; a leaf has feature -1 and its value (the
 * learning rate applied); a numerical split sends a row left when its bin is <= bin (and its value
 * <= the threshold the caller attaches to that bin), a categorical split (is_categorical) when its
 * bin is in the node's row of cat_bitset (N_nodes, 8); a missing value left when
 * missing_go_to_left. Each array has the capacity the caller gives (mlc_ensemble_max_nodes). */
typedef struct {
    double *value, *gain;
    int32_t *feature, *left, *right, *count;
    uint8_t *bin, *missing_go_to_left, *is_categorical;
    uint32_t *cat_bitset;
    int64_t n_nodes, n_searches; /* nodes; best-split searches made (rows of feature_masks used) */
} mlc_ensemble_tree;

/* NULL, or why the parameters are out of range. */
const char *mlc_ensemble_check_params(const mlc_ensemble_params *p, int64_t n, int64_t d);
/* The number of nodes a tree can reach on n rows: the capacity of mlc_ensemble_tree's arrays. */
int64_t mlc_ensemble_max_nodes(const mlc_ensemble_params *p, int64_t n);

/* Xb (D, N) out, Xr (N, D) out or NULL: the bin of each value of X (N, D) in: the number of
 * thresholds of its feature below it (thresholds (offset[D]) in, feature j's ascending in
 * [offset[j], offset[j + 1]), at most 255), or missing_bin for NaN. */
int mlc_ensemble_bin_map(uint8_t *Xb, uint8_t *Xr, const double *X, const double *thresholds,
                         const int64_t *offset, int64_t n, int64_t d, int missing_bin, int n_threads);

/* g, h (K, N) out: gradient and hessian of `loss` at raw (K, N) in for targets y (N) in (class codes
 * 0..K-1 as doubles for the multiclass log loss, 0/1 for binary), weights sw (N) in or NULL.
 * quantile: the quantile loss's alpha. */
int mlc_ensemble_gradients(float *g, float *h, const double *raw, const double *y, const double *sw,
                           int64_t n, int64_t k, int loss, double quantile, int n_threads);

/* hist (D, B) out: the histogram of a node's M rows: rows (M) in, their indices, ascending (NULL:
 * rows 0..M-1), of Xr (N, D) in; g, h (N) in: every row's gradient and hessian (h NULL: every
 * hessian is 1 and the hessian sums are left 0). Rows are split into chunks fixed by M alone, each
 * summed in its own partial (scratch (mlc_ensemble_hist_chunks(M) - 1, D, B)), merged in chunk
 * order: the same bits at any thread count. */
int mlc_ensemble_hist_build(mlc_ensemble_hist_bin *hist, mlc_ensemble_hist_bin *scratch, const uint8_t *Xr,
                            const int32_t *rows, const float *g, const float *h, int64_t m, int64_t d,
                            int64_t n_bins, int n_threads);
int64_t mlc_ensemble_hist_chunks(int64_t m);

/* best out: scikit-learn's best split of a node (Splitter.find_node_split) from its histogram hist
 * (D, B) in: n_bins_non_missing, has_missing (D) in, is_categorical (D) in or NULL, monotonic_cst
 * (D) in or NULL (1 increasing, -1 decreasing), allowed (D) in or NULL: features the split may use;
 * the node's row count, sums, value and its children's value bounds. const_hessian: the hessian
 * sums are the counts. A categorical feature's bins are ordered by gradient / (hessian + 10) and
 * scanned from both ends (Fisher's grouping, as scikit-learn and LightGBM). */
void mlc_ensemble_find_split(mlc_ensemble_split *best, const mlc_ensemble_hist_bin *hist,
                             const int32_t *n_bins_non_missing, const uint8_t *has_missing,
                             const uint8_t *is_categorical, const int8_t *monotonic_cst, const uint8_t *allowed,
                             int64_t d, int64_t m,
                             double sum_gradients, double sum_hessians, double value, double lower,
                             double upper, const mlc_ensemble_params *p, int const_hessian, int n_threads);

/* The bytes of mlc_ensemble_grow's scratch for these sizes (a caller growing many trees passes one
 * block to all of them). */
int64_t mlc_ensemble_grow_scratch_size(const mlc_ensemble_params *p, int64_t n, int64_t d, int64_t n_groups);

/* Grows one tree on gradients g, hessians h (N) in (h NULL: all 1) of binned rows Xb (D, N) and Xr
 * (N, D) (the same bins), and adds its leaf values to raw (N) inout of the training rows. scratch:
 * mlc_ensemble_grow_scratch_size bytes, or NULL (the kernel allocates its own). is_categorical (D) in or NULL. tree out: its nodes (tree->value etc. hold
 * mlc_ensemble_max_nodes entries). sample_leaf (N) out or NULL: the leaf of each training row.
 * interaction (G, D) in or NULL: G groups of features as 0/1 rows; a child may split on the features
 * of the groups holding every feature split on above it (scikit-learn's interaction_cst).
 * feature_masks (mlc_ensemble_max_nodes, D) in or NULL: the features each best-split search may
 * use, one row per search in the order they are made (scikit-learn's max_features < 1). */
int mlc_ensemble_grow(mlc_ensemble_tree *tree, double *raw, int32_t *sample_leaf, const uint8_t *Xb,
                      const uint8_t *Xr, const float *g, const float *h, const int32_t *n_bins_non_missing,
                      const uint8_t *has_missing, const uint8_t *is_categorical, const int8_t *monotonic_cst,
                      const uint8_t *interaction, const uint8_t *feature_masks, int64_t n, int64_t d, int64_t n_groups,
                      const mlc_ensemble_params *p, int n_threads, void *scratch, const mlc_progress *progress);

/* raw (K, N) inout += the values of trees [t0, t1) at the rows of X (N, D) in; tree t adds to row
 * t % K. Tree t's nodes are [offset[t], offset[t + 1]) of the node arrays, its children indices
 * relative to offset[t]; threshold: a row goes left when its value is <= it, NaN by
 * missing_go_to_left; at a categorical node (is_categorical) when its value, a category code in
 * [0, 255], is in the node's row of cat_bitset (nodes, 8). */
int mlc_ensemble_predict(double *raw, const double *X, const double *value, const double *threshold,
                         const int32_t *feature, const int32_t *left, const int32_t *right,
                         const uint8_t *missing_go_to_left, const uint8_t *is_categorical,
                         const uint32_t *cat_bitset, const int64_t *offset, int64_t t0, int64_t t1,
                         int64_t n, int64_t d, int64_t k, int n_threads);

#endif
