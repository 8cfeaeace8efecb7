/* tree.h: kd-tree and ball tree for the minkowski family of metrics (scikit-learn's KDTree/BallTree).
 *
 * Legend: M fitted rows, D features, L nodes, N query rows, K neighbours, R neighbours found in a
 * radius (all queries together).
 *
 * Layout (scikit-learn's binary_tree): L = 2^levels - 1 nodes with levels = floor(log2(max(1,
 * (M - 1) / leaf_size))) + 1, node l's children are 2l+1 and 2l+2, and the nodes of the last level
 * are the leaves. Node l holds rows [start, end) of `data`, the fitted rows copied in tree order
 * (so a leaf is one contiguous block; idx maps them back). A node is split at its median row
 * (start + (end - start) / 2) along the dimension of widest spread. kd-tree bounds are the node's
 * bounding box; ball-tree bounds are the centroid (the mean of its rows) and the radius (the largest
 * distance from it to a row).
 *
 * Metric: minkowski with exponent p >= 1, searched in reduced form (sum |x_j - y_j|^p; the largest
 * |x_j - y_j| for p = inf); p = 1 and p = 2 are manhattan and euclidean. 0 < p < 1 is a semi-metric:
 * only a one-leaf tree (brute force) may search it.
 *
 * Ties: the search keeps the K smallest (distance, index) pairs (index of the fitted row): of
 * fitted rows at equal distance the smaller index wins, at the K-th place too, whatever the tree's
 * shape; a node is pruned only when its bound is strictly above the K-th distance. Results are
 * sorted by (distance, index), and do not depend on the number of threads (each query is
 * independent).
 */
#ifndef MLC_KNN_TREE_H
#define MLC_KNN_TREE_H

#include "core/enums.h" /* MLC_KNN_KD_TREE, MLC_KNN_BALL_TREE */
#include "mlc.h"

/* A built tree (every array as mlc_knn_tree_build wrote it). data is T: float or double as the
 * suffix of the kernel it is passed to. */
typedef struct {
    const void *data;      /* (M, D) in tree order */
    const int64_t *idx;    /* (M): data row r is fitted row idx[r] */
    const int64_t *node;   /* (L, 2): node l's rows [start, end) */
    const double *bounds;  /* (L, 2D): kd: lower then upper corner; ball: centroid then radius */
    int64_t m, d, n_nodes;
    int kind;              /* MLC_KNN_KD_TREE or MLC_KNN_BALL_TREE */
    double p;              /* the minkowski exponent (INFINITY: chebyshev) */
} mlc_knn_tree;

int64_t mlc_knn_tree_n_nodes(int64_t m, int64_t leaf_size);
const char *mlc_knn_tree_check_params(int64_t m, int64_t d, int64_t leaf_size, int kind, double p);

/* data (M, D) out; idx (M) out; node (L, 2) out; bounds (L, 2D) out; X (M, D) in.
 * L = mlc_knn_tree_n_nodes(M, leaf_size). The top levels are built in parallel (the same tree at
 * any thread count). */
int mlc_knn_tree_build_f64(double *data, int64_t *idx, int64_t *node, double *bounds, const double *X,
                           int64_t m, int64_t d, int64_t leaf_size, int kind, double p, int n_threads);
int mlc_knn_tree_build_f32(float *data, int64_t *idx, int64_t *node, double *bounds, const float *X,
                           int64_t m, int64_t d, int64_t leaf_size, int kind, double p, int n_threads);

/* The K nearest fitted rows of each query row, depth first, nearer child first.
 * dist (N, K) out; ind (N, K) out (fitted row numbers); X (N, D) in */
int mlc_knn_tree_query_f64(double *dist, int64_t *ind, const double *X, const mlc_knn_tree *t, int64_t n,
                           int64_t k, int n_threads, const mlc_progress *prog);
int mlc_knn_tree_query_f32(double *dist, int64_t *ind, const double *X, const mlc_knn_tree *t, int64_t n,
                           int64_t k, int n_threads, const mlc_progress *prog);

/* Fitted rows within distance r (inclusive) of each query row, in two passes: count, then fill.
 * counts (N) out; X (N, D) in */
int mlc_knn_tree_radius_count_f64(int64_t *counts, const double *X, const mlc_knn_tree *t, int64_t n,
                                  double r, int n_threads, const mlc_progress *prog);
int mlc_knn_tree_radius_count_f32(int64_t *counts, const double *X, const mlc_knn_tree *t, int64_t n,
                                  double r, int n_threads, const mlc_progress *prog);
/* Query i's neighbours go to [offsets[i], offsets[i+1]) of dist and ind, sorted by (distance,
 * index) when sort is set, else by index. dist (R) out; ind (R) out; offsets (N + 1) in (from the
 * counts); X (N, D) in */
int mlc_knn_tree_radius_f64(double *dist, int64_t *ind, const int64_t *offsets, const double *X,
                            const mlc_knn_tree *t, int64_t n, double r, int sort, int n_threads,
                            const mlc_progress *prog);
int mlc_knn_tree_radius_f32(double *dist, int64_t *ind, const int64_t *offsets, const double *X,
                            const mlc_knn_tree *t, int64_t n, double r, int sort, int n_threads,
                            const mlc_progress *prog);

#endif
