/* apply.c: the descent of rows to their leaves (see tree.h), dispatched per CPU level, and the check
 * that node arrays handed in from Python are a tree (so the descent never reads out of bounds). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/dispatch.h"
#include "tree/tree.h"

#if MLC_ISA_ONCE
const char *mlc_tree_check_nodes(const int64_t *children_left, const int64_t *children_right,
                                 const int64_t *feature, int64_t m, int64_t d) {
    if (m < 1) return "a tree has at least one node";
    for (int64_t k = 0; k < m; k++) {
        const int64_t l = children_left[k], r = children_right[k];
        if (l == MLC_TREE_LEAF && r == MLC_TREE_LEAF) continue;
        if (l <= k || l >= m || r <= k || r >= m) return "a child id is out of range or not after its parent";
        if (feature[k] < 0 || feature[k] >= d) return "a split feature is out of range";
    }
    return NULL;
}
#endif

int MLC_ISA(mlc_tree_apply)(int64_t *leaf, const float *X, const int64_t *children_left,
                            const int64_t *children_right, const int64_t *feature, const double *threshold,
                            const uint8_t *missing_go_to_left, int64_t n, int64_t d, int n_threads) {
    const int nthr = mlc_team_size(n * 64, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++)
        leaf[i] = mlc_tree_descend(X + i * d, children_left, children_right, feature, threshold, missing_go_to_left);
    return MLC_OK;
}

int MLC_ISA(mlc_tree_predict)(double *out, const float *X, const int64_t *children_left,
                              const int64_t *children_right, const int64_t *feature, const double *threshold,
                              const uint8_t *missing_go_to_left, const double *value, int64_t n, int64_t d,
                              int64_t v, int n_threads) {
    const int nthr = mlc_team_size(n * (64 + v), n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const int64_t k =
            mlc_tree_descend(X + i * d, children_left, children_right, feature, threshold, missing_go_to_left);
        memcpy(out + i * v, value + k * v, (size_t)v * sizeof(double));
    }
    return MLC_OK;
}
