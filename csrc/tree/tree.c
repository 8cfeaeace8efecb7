/* tree.c: CART (see tree.h): the tree's block, the depth-first and best-first builders.
 *
 * Builder (Breiman et al. 1984, "Classification and Regression Trees"; scikit-learn's
 * DepthFirstTreeBuilder + BestSplitter + Gini/Entropy/MSE criteria): a node of samples S is split on
 * the (feature j, threshold t) that minimises W_L I(S_L) + W_R I(S_R), S_L = {x_j <= t}, W the summed
 * sample weights and I the impurity; the children are grown left first (pre-order node ids).
 *
 * Instead of sorting each node's samples per feature (scikit-learn's cost, N log N per feature and
 * level), each feature is sorted once (an LSD radix sort on the float32 bits, stable: equal values stay
 * in sample order, missing values (NaN) last) and keeps its sorted (value, sample) pairs partitioned by
 * node: a node owns the same range [start, end) of every feature's arrays, and a split partitions each
 * feature's range stably into the left child's samples then the right child's. Search and partition
 * are one pass per feature, in parallel over features; the best split is chosen in feature order after
 * the parallel search, so the tree is the same for any thread count.
 *
 * The kernels are dispatched per CPU level (core/dispatch.h); every level gives the same tree.
 */
#include "tree/tree.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/dispatch.h"

#define TREE_FEATURE_THRESHOLD 1e-7f      /* scikit-learn's: two float32 values this close are one */
#define TREE_EPSILON DBL_EPSILON /* scikit-learn's builder's EPSILON: a node this pure is a leaf */
#define TREE_CRITERION_EPSILON (10.0 * DBL_EPSILON) /* scikit-learn's criteria's EPSILON */
#define TREE_TICK_WORK ((int64_t)1 << 24) /* sample-features between two calls of the progress hook */

/* ---- the tree's block ---------------------------------------------------------------------------- */

/* The node arrays of `capacity` nodes carved from one arena (sizing pass when a->base is NULL). */
static void carve(mlc_tree *t, mlc_arena *a, int64_t capacity) {
    const size_t m = (size_t)capacity;
    t->children_left = mlc_arena_take(a, m * sizeof(int64_t));
    t->children_right = mlc_arena_take(a, m * sizeof(int64_t));
    t->feature = mlc_arena_take(a, m * sizeof(int64_t));
    t->n_node_samples = mlc_arena_take(a, m * sizeof(int64_t));
    t->threshold = mlc_arena_take(a, m * sizeof(double));
    t->impurity = mlc_arena_take(a, m * sizeof(double));
    t->weighted_n_node_samples = mlc_arena_take(a, m * sizeof(double));
    t->value = mlc_arena_take(a, m * (size_t)t->n_values * sizeof(double));
    t->missing_go_to_left = mlc_arena_take(a, m);
}

#if MLC_ISA_ONCE
void mlc_tree_init(mlc_tree *tree, int64_t n_values) {
    memset(tree, 0, sizeof *tree);
    tree->n_values = n_values > 0 ? n_values : 1;
}

void mlc_tree_free(mlc_tree *tree) {
    mlc_free(tree->block);
    const int64_t v = tree->n_values;
    memset(tree, 0, sizeof *tree);
    tree->n_values = v;
}

const char *mlc_tree_check_params(const mlc_tree_params *params, int64_t d, int64_t c) {
    if (!mlc_tree_criterion_valid(params->criterion)) return "unknown criterion";
    if (!mlc_tree_splitter_valid(params->splitter)) return "unknown splitter";
    const int classify = params->criterion == MLC_TREE_CRITERION_GINI ||
                         params->criterion == MLC_TREE_CRITERION_ENTROPY;
    if (classify && c < 1) return "a classification criterion needs at least one class";
    if (!classify && c != 0) return "a regression criterion needs n_classes = 0";
    if (c > INT32_MAX) return "too many classes";
    if (params->max_depth < 1) return "max_depth must be >= 1";
    if (params->min_samples_split < 2) return "min_samples_split must be >= 2";
    if (params->min_samples_leaf < 1) return "min_samples_leaf must be >= 1";
    if (params->max_features < 1 || params->max_features > d) return "max_features must be in [1, n_features]";
    if (params->max_leaf_nodes == 1) return "max_leaf_nodes must be >= 2 (or < 1: no limit)";
    if (params->monotonic_cst != NULL) {
        if (c > 2) return "monotonic constraints are not supported with multiclass classification";
        for (int64_t j = 0; j < d; j++)
            if (params->monotonic_cst[j] < -1 || params->monotonic_cst[j] > 1)
                return "monotonic_cst must hold -1, 0 or 1";
    }
    if (!(params->min_weight_leaf >= 0.0)) return "min_weight_leaf must be >= 0";
    if (!(params->min_impurity_decrease >= 0.0)) return "min_impurity_decrease must be >= 0";
    if (d > INT32_MAX) return "too many features";
    return NULL;
}

#endif

/* A new node (its parent's child link set); its id, or -1 when the block cannot grow. */
static int64_t add_node(mlc_tree *t, int64_t parent, int is_left) {
    if (t->node_count == t->capacity) {
        mlc_tree grown = *t;
        grown.capacity = t->capacity > 0 ? 2 * t->capacity : 64;
        mlc_arena a = {NULL, 0};
        carve(&grown, &a, grown.capacity);
        if (mlc_arena_alloc(&a) != MLC_OK) return -1;
        carve(&grown, &a, grown.capacity);
        grown.block = a.base;
        const size_t m = (size_t)t->node_count;
        if (m > 0) {
            memcpy(grown.children_left, t->children_left, m * sizeof(int64_t));
            memcpy(grown.children_right, t->children_right, m * sizeof(int64_t));
            memcpy(grown.feature, t->feature, m * sizeof(int64_t));
            memcpy(grown.n_node_samples, t->n_node_samples, m * sizeof(int64_t));
            memcpy(grown.threshold, t->threshold, m * sizeof(double));
            memcpy(grown.impurity, t->impurity, m * sizeof(double));
            memcpy(grown.weighted_n_node_samples, t->weighted_n_node_samples, m * sizeof(double));
            memcpy(grown.value, t->value, m * (size_t)t->n_values * sizeof(double));
            memcpy(grown.missing_go_to_left, t->missing_go_to_left, m);
        }
        mlc_free(t->block);
        *t = grown;
    }
    const int64_t id = t->node_count++;
    if (parent >= 0) {
        if (is_left) t->children_left[parent] = id;
        else t->children_right[parent] = id;
    }
    t->children_left[id] = t->children_right[id] = MLC_TREE_LEAF;
    t->feature[id] = MLC_TREE_UNDEFINED;
    t->threshold[id] = MLC_TREE_UNDEFINED;
    t->missing_go_to_left[id] = 0;
    return id;
}

/* ---- the fit's workspace --------------------------------------------------------------------------- */

/* The best split of one feature at one node. */
typedef struct {
    double proxy, threshold;
    int64_t pos;      /* left child = sorted positions [start, pos) (+ the missing ones); end: none */
    int nonconstant;
    int missing_left; /* the missing values, sorted positions [end_nm, end), go left */
    int64_t end_nm;
} candidate;

typedef struct {
    const double *y, *w;
    const int32_t *code; /* class codes (classifier) */
    float *vals;         /* (D, N) each feature's sorted values, partitioned by node */
    int32_t *sidx;       /* (D, N) their samples */
    uint8_t *go_left;    /* (N) the side of each sample at the node being split */
    char *thread_scratch;
    size_t thread_bytes;
    candidate *cand;  /* (D) */
    int64_t *order;   /* (D) features in visit order */
    double *draw;     /* (D) the random splitter's threshold of each feature at the node */
    double *total;    /* (V) the node's class sums (or sum) */
    int64_t n, d, c;
    int criterion, n_threads;
    const mlc_tree_params *params;
    double min_weight_leaf, w_total;
    double lower, upper; /* the node's bounds of the monotonic constraints (-inf, +inf without) */
} fit_ctx;

/* The calling OpenMP thread's scratch: N floats and N int32 (partition, sort), then 2 N uint32 (sort),
 * then C doubles (a feature's left sums). */
static char *scratch_of(const fit_ctx *f) { return f->thread_scratch + (size_t)omp_get_thread_num() * f->thread_bytes; }

/* ---- sorting each feature once ----------------------------------------------------------------------- */

/* The float's bits as an unsigned key in the float's order (negatives flipped, positives' sign set). */
static inline uint32_t float_key(float v) {
    if (isnan(v)) return UINT32_MAX; // missing values last, whatever their sign bit
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

/* sidx (N) out: the samples sorted by X[:, j] (stable); vals (N) out: their values. */
static void sort_feature(float *vals, int32_t *sidx, const float *X, int64_t n, int64_t d, int64_t j,
                         char *scratch) {
    uint32_t *key = (uint32_t *)(scratch + mlc_line_bytes((size_t)n * 8)), *key2 = key + n;
    int32_t *idx2 = (int32_t *)scratch;
    for (int64_t i = 0; i < n; i++) {
        key[i] = float_key(X[i * d + j]);
        sidx[i] = (int32_t)i;
    }
    int64_t count[256];
    for (int shift = 0; shift < 32; shift += 8) {
        memset(count, 0, sizeof count);
        for (int64_t i = 0; i < n; i++) count[(key[i] >> shift) & 255]++;
        if (count[(key[0] >> shift) & 255] == n) continue; // every key has this byte: nothing moves
        int64_t sum = 0;
        for (int b = 0; b < 256; b++) {
            const int64_t k = count[b];
            count[b] = sum;
            sum += k;
        }
        for (int64_t i = 0; i < n; i++) {
            const int64_t q = count[(key[i] >> shift) & 255]++;
            key2[q] = key[i];
            idx2[q] = sidx[i];
        }
        memcpy(key, key2, (size_t)n * sizeof(uint32_t));
        memcpy(sidx, idx2, (size_t)n * sizeof(int32_t));
    }
    for (int64_t i = 0; i < n; i++) vals[i] = X[(int64_t)sidx[i] * d + j];
}

/* ---- the split search -------------------------------------------------------------------------------- */

/* scikit-learn's proxy of a classification split: -W_R I_R - W_L I_L, the same operations. */
static inline double class_proxy(const double *left, const double *total, int64_t c, double wl, double wr,
                                 int entropy) {
    if (!entropy) {
        double sql = 0.0, sqr = 0.0;
        for (int64_t k = 0; k < c; k++) {
            const double l = left[k], r = total[k] - l;
            sql += l * l;
            sqr += r * r;
        }
        return -wr * (1.0 - sqr / (wr * wr)) - wl * (1.0 - sql / (wl * wl));
    }
    double el = 0.0, er = 0.0;
    for (int64_t k = 0; k < c; k++) {
        double l = left[k], r = total[k] - l;
        if (l > 0.0) {
            l /= wl;
            el -= l * (log(l) / log(2.0)); // scikit-learn's entropy is in bits
        }
        if (r > 0.0) {
            r /= wr;
            er -= r * (log(r) / log(2.0));
        }
    }
    return -wr * er - wl * el;
}

/* A regression split's proxy: squared error's S_L^2 / W_L + S_R^2 / W_R, or the Poisson deviance's
 * sum_side S log2(S / W) (-inf when a side's target sum is <= 10 DBL_EPSILON), scikit-learn's operations. */
static inline double regression_proxy(double sl, double sr, double wl, double wr, int poisson) {
    if (!poisson) return sl * sl / wl + sr * sr / wr;
    if (sl <= TREE_CRITERION_EPSILON || sr <= TREE_CRITERION_EPSILON) return -INFINITY;
    const double pl = 0.0 - sl * (log(sl / wl) / log(2.0)), pr = 0.0 - sr * (log(sr / wr) / log(2.0));
    return -pl - pr;
}

/* Keeps the candidate left = [start, q) of the non-missing values (and the missing ones when missing_left)
 * if it leaves min_samples_leaf samples on each side, its children's values (VL, VR) keep the monotonic
 * constraint cst of the feature inside the node's bounds, it leaves min_weight_leaf weight on each side,
 * and it beats *best (scikit-learn's order of the checks). */
#define TREE_CONSIDER(VL, VR, PROXY, THRESHOLD)                                                           \
    do {                                                                                                  \
        const int64_t n_left = q - start + (missing_left ? n_missing : 0);                                \
        if (n_left < msl || end - start - n_left < msl) break;                                            \
        const double wr = w_node - wl;                                                                    \
        if (cst != 0 && !monotonic_ok((VL), (VR), cst, f->lower, f->upper)) break;                        \
        if (wl < mwl || wr < mwl) break;                                                                  \
        const double proxy = (PROXY);                                                                     \
        if (proxy > best->proxy) {                                                                        \
            best->proxy = proxy;                                                                          \
            best->pos = q;                                                                                \
            best->threshold = (THRESHOLD);                                                                \
            best->missing_left = missing_left;                                                            \
        }                                                                                                 \
    } while (0)

/* scikit-learn's _check_monotonicity: both children's values within [lower, upper], ordered as cst says. */
static inline int monotonic_ok(double vl, double vr, int cst, double lower, double upper) {
    return (vl >= lower) & (vr >= lower) & (vl <= upper) & (vr <= upper) & ((vl - vr) * cst <= 0);
}

/* One pass over feature j's sorted non-missing values [start, end_nm) of the node [start, end) (its
 * missing values sorted last, [end_nm, end)): left starts as the missing values' sums when missing_left
 * (scikit-learn's second pass), else empty, and a candidate lies between two values more than 1e-7
 * apart; the first pass also tries all non-missing values left, the missing ones right (threshold +inf). */
static void scan_feature(const fit_ctx *f, int64_t j, int64_t start, int64_t end_nm,
                         int64_t end, double w_node, int missing_left, double *left, double wl, double sl,
                         candidate *best) {
    const int64_t msl = f->params->min_samples_leaf, n_missing = end - end_nm;
    const double mwl = f->min_weight_leaf, *w = f->w;
    const float *v = f->vals + j * f->n;
    const int32_t *s = f->sidx + j * f->n;
    const int cst = f->params->monotonic_cst != NULL ? f->params->monotonic_cst[j] : 0;
    const int last = !missing_left && n_missing > 0;
    if (f->c > 0) {
        const int entropy = f->criterion == MLC_TREE_CRITERION_ENTROPY;
        for (int64_t p = start; p < end_nm - 1 + last; p++) {
            const int32_t i = s[p];
            left[f->code[i]] += w[i];
            wl += w[i];
            const int64_t q = p + 1; // a candidate between sorted positions p and q
            if (q == end_nm)
                TREE_CONSIDER(left[0] / wl, (f->total[0] - left[0]) / wr,
                              class_proxy(left, f->total, f->c, wl, wr, entropy), INFINITY);
            else if (v[q] > v[p] + TREE_FEATURE_THRESHOLD)
                TREE_CONSIDER(left[0] / wl, (f->total[0] - left[0]) / wr,
                              class_proxy(left, f->total, f->c, wl, wr, entropy), v[p] / 2.0 + v[q] / 2.0);
        }
        return;
    }
    const double *y = f->y, sum = f->total[0];
    const int poisson = f->criterion == MLC_TREE_CRITERION_POISSON;
    for (int64_t p = start; p < end_nm - 1 + last; p++) {
        const int32_t i = s[p];
        sl += w[i] * y[i];
        wl += w[i];
        const int64_t q = p + 1;
        if (q == end_nm)
            TREE_CONSIDER(sl / wl, (sum - sl) / wr, regression_proxy(sl, sum - sl, wl, wr, poisson), INFINITY);
        else if (v[q] > v[p] + TREE_FEATURE_THRESHOLD)
            TREE_CONSIDER(sl / wl, (sum - sl) / wr, regression_proxy(sl, sum - sl, wl, wr, poisson),
                          v[p] / 2.0 + v[q] / 2.0);
    }
}
#undef TREE_CONSIDER

/* The first position of the missing values (NaN, sorted last) in feature j's range [start, end). */
static inline int64_t end_non_missing(const float *v, int64_t start, int64_t end) {
    while (end > start && isnan(v[end - 1])) end--;
    return end;
}

/* The best split of feature j on the node's range [start, end) (its sorted values and samples): missing
 * values right, then (when there are some) left, as scikit-learn's BestSplitter's two passes. */
static candidate search_feature(const fit_ctx *f, int64_t j, int64_t start, int64_t end, double w_node) {
    candidate best = {-INFINITY, 0.0, end, 0, 0, end};
    const float *v = f->vals + j * f->n;
    const int32_t *s = f->sidx + j * f->n;
    const int64_t end_nm = end_non_missing(v, start, end);
    if (end_nm == start || (end_nm == end && v[end - 1] <= v[start] + TREE_FEATURE_THRESHOLD))
        return best; // constant at this node
    best.nonconstant = 1;
    best.end_nm = end_nm;
    double *left = (double *)(scratch_of(f) + 2 * mlc_line_bytes((size_t)f->n * 8));
    const int64_t nv = MLC_MAX(f->c, 1);
    memset(left, 0, (size_t)nv * sizeof(double));
    scan_feature(f, j, start, end_nm, end, w_node, 0, left, 0.0, 0.0, &best);
    if (end_nm == end) return best;
    double wm = 0.0, sm = 0.0; // the missing values' sums: the second pass's start
    memset(left, 0, (size_t)nv * sizeof(double));
    for (int64_t p = end_nm; p < end; p++) {
        const int32_t i = s[p];
        if (f->c > 0) left[f->code[i]] += f->w[i];
        else sm += f->w[i] * f->y[i];
        wm += f->w[i];
    }
    scan_feature(f, j, start, end_nm, end, w_node, 1, left, wm, sm, &best);
    return best;
}

/* The random splitter's split of feature j (scikit-learn's RandomSplitter): at the threshold drawn for
 * it, f->draw[j], uniform between the node's smallest and largest value; left = the values <= it. */
static candidate random_feature(const fit_ctx *f, int64_t j, int64_t start, int64_t end, double w_node) {
    candidate best = {-INFINITY, 0.0, end, 0, 0, end};
    const float *v = f->vals + j * f->n;
    const int32_t *s = f->sidx + j * f->n;
    if (v[end - 1] <= v[start] + TREE_FEATURE_THRESHOLD) return best;
    best.nonconstant = 1;
    const double thr = f->draw[j];
    int64_t lo = start + 1, hi = end - 1; // the first position whose value exceeds thr, in [start + 1, end - 1]
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if ((double)v[mid] > thr) hi = mid;
        else lo = mid + 1;
    }
    const int64_t pos = lo, msl = f->params->min_samples_leaf;
    if (pos - start < msl || end - pos < msl) return best;
    double wl = 0.0, sl = 0.0, *left = (double *)(scratch_of(f) + 2 * mlc_line_bytes((size_t)f->n * 8));
    if (f->c > 0) memset(left, 0, (size_t)f->c * sizeof(double));
    for (int64_t p = start; p < pos; p++) {
        const int32_t i = s[p];
        if (f->c > 0) left[f->code[i]] += f->w[i];
        else sl += f->w[i] * f->y[i];
        wl += f->w[i];
    }
    const double wr = w_node - wl;
    const int cst = f->params->monotonic_cst != NULL ? f->params->monotonic_cst[j] : 0;
    if (cst != 0) {
        const double vl = f->c > 0 ? left[0] / wl : sl / wl;
        const double vr = f->c > 0 ? (f->total[0] - left[0]) / wr : (f->total[0] - sl) / wr;
        if (!monotonic_ok(vl, vr, cst, f->lower, f->upper)) return best;
    }
    if (wl < f->min_weight_leaf || wr < f->min_weight_leaf) return best;
    if (f->c > 0) best.proxy = class_proxy(left, f->total, f->c, wl, wr, f->criterion == MLC_TREE_CRITERION_ENTROPY);
    else best.proxy = regression_proxy(sl, f->total[0] - sl, wl, wr, f->criterion == MLC_TREE_CRITERION_POISSON);
    if (best.proxy == -INFINITY) return (candidate){-INFINITY, 0.0, end, 1, 0, end};
    best.pos = pos;
    best.threshold = thr;
    return best;
}

/* The team for a pass over `work` sample-features split by feature. */
static int feature_team(const fit_ctx *f, int64_t work, int64_t features) {
    return (int)MLC_MAX(1, MLC_MIN(features, mlc_team_size(work * MLC_WORK_STREAM, f->n_threads)));
}

/* The best split of the node [start, end) over max_features features (all, in index order, when
 * max_features = D; else drawn without replacement, more drawn while all drawn are constant, as
 * scikit-learn's). best->pos = end when there is none. */
static void search_node(fit_ctx *f, mlc_rng *rng, int64_t start, int64_t end, double w_node, candidate *best,
                        int64_t *best_feature) {
    const int64_t d = f->d, mf = f->params->max_features;
    best->pos = end;
    best->proxy = -INFINITY;
    *best_feature = MLC_TREE_UNDEFINED;
    if (mf < d) // a partial Fisher-Yates shuffle: order[0..k) is a uniform draw without replacement
        for (int64_t k = 0; k < d; k++) f->order[k] = k;
    int64_t lo = 0, hi = mf, found = 0;
    while (lo < d && !found) {
        if (mf < d)
            for (int64_t k = lo; k < hi; k++) {
                const int64_t r = k + (int64_t)mlc_rng_below(rng, (uint64_t)(d - k)), t = f->order[k];
                f->order[k] = f->order[r];
                f->order[r] = t;
            }
        const int random = f->params->splitter == MLC_TREE_SPLITTER_RANDOM;
        for (int64_t k = lo; k < hi && random; k++) { // the draws in visit order, before the parallel loop
            const int64_t j = mf < d ? f->order[k] : k;
            const float *v = f->vals + j * f->n;
            if (v[end - 1] <= v[start] + TREE_FEATURE_THRESHOLD) continue; // constant: no draw
            const double vmin = v[start], vmax = v[end - 1];
            f->draw[j] = (vmax - vmin) * mlc_rng_uniform(rng) + vmin;
            if (f->draw[j] == vmax) f->draw[j] = vmin;
        }
        const int nthr = feature_team(f, (end - start) * (hi - lo), hi - lo);
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
        for (int64_t k = lo; k < hi; k++) {
            const int64_t j = mf < d ? f->order[k] : k;
            f->cand[j] = random ? random_feature(f, j, start, end, w_node) : search_feature(f, j, start, end, w_node);
        }
        for (int64_t k = lo; k < hi; k++) { // in visit order: the first best wins
            const int64_t j = mf < d ? f->order[k] : k;
            found |= f->cand[j].nonconstant;
            if (f->cand[j].pos < end && f->cand[j].proxy > best->proxy) {
                *best = f->cand[j];
                *best_feature = j;
            }
        }
        lo = hi;
        hi = hi + 1;
    }
}

/* The node's class sums (or sum and sum of squares) and weight, over feature 0's order. */
static double node_sums(const fit_ctx *f, double *total, double *sq_total, int64_t start, int64_t end) {
    const int32_t *s = f->sidx;
    double wn = 0.0;
    if (f->c > 0) {
        memset(total, 0, (size_t)f->c * sizeof(double));
        for (int64_t p = start; p < end; p++) {
            total[f->code[s[p]]] += f->w[s[p]];
            wn += f->w[s[p]];
        }
        return wn;
    }
    double sum = 0.0, sq = 0.0;
    for (int64_t p = start; p < end; p++) {
        const double w = f->w[s[p]], y = f->y[s[p]], wy = w * y;
        sum += wy;
        sq += wy * y;
        wn += w;
    }
    total[0] = sum;
    *sq_total = sq;
    return wn;
}

/* The impurity of a node from its sums (scikit-learn's node_impurity / children_impurity); the Poisson
 * deviance sum_i w_i y_i ln(y_i / mean) / W runs over the samples s[start, end) (+inf for a sum <= eps). */
static double impurity_of(const fit_ctx *f, const double *sums, double sq, double wn, const int32_t *s,
                          int64_t start, int64_t end) {
    if (f->criterion == MLC_TREE_CRITERION_POISSON) {
        if (sums[0] <= TREE_CRITERION_EPSILON) return INFINITY;
        const double mean = sums[0] / wn;
        double loss = 0.0;
        for (int64_t p = start; p < end; p++) {
            const double yi = f->y[s[p]];
            loss += f->w[s[p]] * (yi == 0.0 ? 0.0 : yi * log(yi / mean)); // scipy's xlogy
        }
        return loss / wn;
    }
    if (f->c == 0) return sq / wn - (sums[0] / wn) * (sums[0] / wn);
    double imp = 0.0;
    if (f->criterion == MLC_TREE_CRITERION_GINI) {
        double s2 = 0.0;
        for (int64_t k = 0; k < f->c; k++) s2 += sums[k] * sums[k];
        return 1.0 - s2 / (wn * wn);
    }
    for (int64_t k = 0; k < f->c; k++)
        if (sums[k] > 0.0) {
            const double q = sums[k] / wn;
            imp -= q * (log(q) / log(2.0));
        }
    return imp;
}

/* Partition every feature's range [start, end) stably: the samples marked go_left first. */
static void partition_node(fit_ctx *f, int64_t start, int64_t end, int64_t split_feature) {
    const int nthr = feature_team(f, end - start, f->d);
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t j = 0; j < f->d; j++) {
        if (j == split_feature) continue; // sorted by the split feature: already partitioned
        float *v = f->vals + j * f->n, *rv = (float *)scratch_of(f);
        int32_t *s = f->sidx + j * f->n, *rs = (int32_t *)(scratch_of(f) + mlc_line_bytes((size_t)f->n * 4));
        int64_t l = start, r = 0;
        for (int64_t p = start; p < end; p++) {
            const int32_t i = s[p];
            if (f->go_left[i]) {
                v[l] = v[p];
                s[l++] = i;
            } else {
                rv[r] = v[p];
                rs[r++] = i;
            }
        }
        memcpy(v + l, rv, (size_t)r * sizeof(float));
        memcpy(s + l, rs, (size_t)r * sizeof(int32_t));
    }
}

/* ---- the builder ----------------------------------------------------------------------------------- */

/* A node added to the tree, with its best split (pos = end: a leaf). */
typedef struct {
    int64_t id, start, end, depth, feature;
    int64_t pos;                  /* the children's samples: [start, pos) | [pos, end) once split */
    int64_t split_pos, end_nm;    /* the split feature's candidate position and first missing value */
    int missing_left;
    double imp_left, imp_right, improvement;
    double lower, upper, middle;  /* the value bounds of the monotonic constraints; the children's mean */
} node_rec;

/* Adds the node of samples [start, end) (child of parent, or the root when parent < 0): its weight,
 * value and impurity (the parent's split computed it; the root's is computed here), then, unless a stop
 * rule makes it a leaf, its best split, the children's impurities and the improvement, as scikit-learn's
 * node_reset / node_split / _add_node. *r out. */
static int make_node(fit_ctx *f, mlc_tree *tree, mlc_rng *rng, int64_t start, int64_t end, int64_t depth,
                     int64_t parent, int is_left, double impurity, double lower, double upper, node_rec *r) {
    const mlc_tree_params *params = f->params;
    const int64_t n_node = end - start, V = tree->n_values, nv = MLC_MAX(f->c, 1);
    double sq = 0.0;
    const double wn = node_sums(f, f->total, &sq, start, end);
    if (parent < 0) impurity = impurity_of(f, f->total, sq, wn, f->sidx, start, end);
    int is_leaf = depth >= params->max_depth || n_node < params->min_samples_split ||
                  n_node < 2 * params->min_samples_leaf || wn < 2.0 * params->min_weight_leaf ||
                  impurity <= TREE_EPSILON;
    candidate best = {0.0, 0.0, end, 0, 0, end};
    *r = (node_rec){-1, start, end, depth, MLC_TREE_UNDEFINED, end, end, end, 0, impurity, impurity, 0.0,
                    lower, upper, 0.0};
    f->lower = lower;
    f->upper = upper;
    if (!is_leaf) {
        search_node(f, rng, start, end, wn, &best, &r->feature);
        if (best.pos < end) { // the children's sums and impurities, and the improvement
            const int32_t *s = f->sidx + r->feature * f->n;
            double *left = f->total + nv, *right = left + nv, wl = 0.0, sq_left = 0.0;
            memset(left, 0, (size_t)nv * sizeof(double));
            for (int64_t q = start; q < end; q++) {
                if (!(q < best.pos || (best.missing_left && q >= best.end_nm))) continue;
                const int32_t i = s[q];
                if (f->c > 0) left[f->code[i]] += f->w[i];
                else {
                    left[0] += f->w[i] * f->y[i];
                    sq_left += f->w[i] * f->y[i] * f->y[i];
                }
                wl += f->w[i];
            }
            const double wr = wn - wl;
            for (int64_t k = 0; k < nv; k++) right[k] = f->total[k] - left[k];
            r->imp_left = impurity_of(f, left, sq_left, wl, s, start, best.pos);
            r->imp_right = impurity_of(f, right, sq - sq_left, wr, s, best.pos, end);
            r->improvement = (wn / f->w_total) * (impurity - (wr / wn * r->imp_right) - (wl / wn * r->imp_left));
            r->middle = left[0] / (2 * wl) + right[0] / (2 * wr);
            is_leaf = r->improvement + TREE_EPSILON < params->min_impurity_decrease;
        } else is_leaf = 1;
    }
    const int64_t id = add_node(tree, parent, is_left);
    if (id < 0) return MLC_ENOMEM;
    r->id = id;
    tree->impurity[id] = impurity;
    tree->n_node_samples[id] = n_node;
    tree->weighted_n_node_samples[id] = wn;
    double *value = tree->value + id * V;
    for (int64_t k = 0; k < V; k++) value[k] = f->total[k] / wn;
    if (params->monotonic_cst != NULL) { // scikit-learn's clip_node_value
        if (value[0] < lower) value[0] = lower;
        else if (value[0] > upper) value[0] = upper;
        if (f->c > 0) value[1] = 1 - value[0];
    }
    if (depth > tree->max_depth) tree->max_depth = depth;
    if (is_leaf) {
        r->pos = end;
        r->improvement = 0.0;
        return MLC_OK;
    }
    const int64_t n_left = best.pos - start + (best.missing_left ? end - best.end_nm : 0);
    r->pos = start + n_left;
    r->split_pos = best.pos;
    r->end_nm = best.end_nm;
    r->missing_left = best.missing_left;
    tree->feature[id] = r->feature;
    tree->threshold[id] = best.threshold;
    // no missing value here: predict sends them to the larger side, as scikit-learn's
    tree->missing_go_to_left[id] = best.end_nm == end ? n_left > end - start - n_left : best.missing_left;
    return MLC_OK;
}

/* Splits the samples of r's node: every feature's range partitioned into [start, pos) | [pos, end). */
static void split_samples(fit_ctx *f, const node_rec *r) {
    const int32_t *s = f->sidx + r->feature * f->n;
    for (int64_t q = r->start; q < r->end; q++)
        f->go_left[s[q]] = q < r->split_pos || (r->missing_left && q >= r->end_nm);
    // sorted by the split feature, its range is already partitioned unless the missing values go left
    partition_node(f, r->start, r->end, r->missing_left ? -1 : r->feature);
}

/* The value bounds of r's children (scikit-learn's builders): a constrained split feature splits the
 * node's range at the children's mean, increasing (cst 1) or decreasing (-1) from left to right. */
static void child_bounds(const fit_ctx *f, const node_rec *r, double *left, double *right) {
    const int cst = f->params->monotonic_cst != NULL ? f->params->monotonic_cst[r->feature] : 0;
    left[0] = right[0] = r->lower;
    left[1] = right[1] = r->upper;
    if (cst == 1) left[1] = right[0] = r->middle;
    else if (cst == -1) left[0] = right[1] = r->middle;
}

/* A growable array of T: 0, or MLC_ENOMEM. */
static int grow(void **items, int64_t *cap, int64_t size, size_t item) {
    if (size < *cap) return MLC_OK;
    void *grown = mlc_malloc((size_t)(2 * *cap) * item);
    if (grown == NULL) return MLC_ENOMEM;
    memcpy(grown, *items, (size_t)size * item);
    mlc_free(*items);
    *items = grown;
    *cap *= 2;
    return MLC_OK;
}

/* The progress hook every TREE_TICK_WORK sample-features: nonzero to stop. */
static int tick(const mlc_progress *p, int64_t *work, int64_t more, int64_t done, int64_t total) {
    *work += more;
    if (*work < TREE_TICK_WORK) return 0;
    *work = 0;
    return mlc_progress_tick(p, done, total);
}

/* Depth-first growth (scikit-learn's DepthFirstTreeBuilder): a stack, the left child on top. */
static int grow_depth_first(fit_ctx *f, mlc_tree *tree, mlc_rng *rng, const mlc_progress *p) {
    typedef struct {
        int64_t start, end, depth, parent;
        int is_left;
        double impurity, lower, upper;
    } frame;
    int64_t cap = 64, size = 0, work = 0, settled = 0;
    frame *stack = mlc_malloc((size_t)cap * sizeof(frame));
    if (stack == NULL) return MLC_ENOMEM;
    int status = MLC_OK;
    stack[size++] = (frame){0, f->n, 0, -1, 0, INFINITY, -INFINITY, INFINITY};
    while (size > 0 && status == MLC_OK) {
        const frame fr = stack[--size];
        node_rec r;
        if ((status = make_node(f, tree, rng, fr.start, fr.end, fr.depth, fr.parent, fr.is_left, fr.impurity,
                                fr.lower, fr.upper, &r)))
            break;
        if (r.pos == r.end) {
            settled += r.end - r.start;
            continue;
        }
        split_samples(f, &r);
        if ((status = grow((void **)&stack, &cap, size + 2, sizeof(frame)))) break;
        double lb[2], rb[2];
        child_bounds(f, &r, lb, rb);
        stack[size++] = (frame){r.pos, r.end, r.depth + 1, r.id, 0, r.imp_right, rb[0], rb[1]};
        stack[size++] = (frame){r.start, r.pos, r.depth + 1, r.id, 1, r.imp_left, lb[0], lb[1]};
        if (tick(p, &work, 2 * (r.end - r.start) * f->d, settled, f->n)) status = MLC_EINTERRUPTED;
    }
    mlc_free(stack);
    return status;
}

/* Best-first growth (scikit-learn's BestFirstTreeBuilder): the frontier node of largest improvement is
 * split next, until max_leaf_nodes - 1 splits are made; a node's split is searched when it is added. */
static int grow_best_first(fit_ctx *f, mlc_tree *tree, mlc_rng *rng, const mlc_progress *p) {
    int64_t cap = 64, size = 0, work = 0, settled = 0, splits_left = f->params->max_leaf_nodes - 1;
    node_rec *heap = mlc_malloc((size_t)cap * sizeof(node_rec)); // a max-heap on improvement
    if (heap == NULL) return MLC_ENOMEM;
    int status = make_node(f, tree, rng, 0, f->n, 0, -1, 0, INFINITY, -INFINITY, INFINITY, &heap[0]);
    size = status == MLC_OK;
    while (size > 0 && status == MLC_OK) {
        const node_rec r = heap[0];
        heap[0] = heap[--size];
        for (int64_t k = 0;;) { // sift down
            int64_t c = 2 * k + 1;
            if (c >= size) break;
            if (c + 1 < size && heap[c + 1].improvement > heap[c].improvement) c++;
            if (!(heap[c].improvement > heap[k].improvement)) break;
            const node_rec t = heap[c];
            heap[c] = heap[k];
            heap[k] = t;
            k = c;
        }
        if (r.pos == r.end || splits_left <= 0) { // not expanded: a leaf
            tree->feature[r.id] = MLC_TREE_UNDEFINED;
            tree->threshold[r.id] = MLC_TREE_UNDEFINED;
            tree->missing_go_to_left[r.id] = 0;
            settled += r.end - r.start;
            continue;
        }
        splits_left--;
        split_samples(f, &r);
        node_rec kids[2];
        double lb[2], rb[2];
        child_bounds(f, &r, lb, rb);
        if ((status = make_node(f, tree, rng, r.start, r.pos, r.depth + 1, r.id, 1, r.imp_left, lb[0], lb[1],
                                &kids[0])) ||
            (status = make_node(f, tree, rng, r.pos, r.end, r.depth + 1, r.id, 0, r.imp_right, rb[0], rb[1],
                                &kids[1])) ||
            (status = grow((void **)&heap, &cap, size + 2, sizeof(node_rec))))
            break;
        for (int q = 0; q < 2; q++) { // sift up
            int64_t k = size++;
            heap[k] = kids[q];
            while (k > 0 && heap[(k - 1) / 2].improvement < heap[k].improvement) {
                const node_rec t = heap[(k - 1) / 2];
                heap[(k - 1) / 2] = heap[k];
                heap[k] = t;
                k = (k - 1) / 2;
            }
        }
        if (tick(p, &work, 2 * (r.end - r.start) * f->d, settled, f->n)) status = MLC_EINTERRUPTED;
    }
    mlc_free(heap);
    return status;
}

int MLC_ISA(mlc_tree_fit)(mlc_tree *tree, const float *X, const double *y, const double *sample_weight,
                          int64_t n, int64_t d, int64_t c, const mlc_tree_params *params, int n_threads,
                          const mlc_progress *p) {
    if (n < 1 || d < 1 || tree->n_values != MLC_MAX(c, 1)) return MLC_EINVAL;
    fit_ctx f = {.y = y, .n = n, .d = d, .c = c, .criterion = params->criterion, .params = params,
                 .min_weight_leaf = params->min_weight_leaf, .n_threads = n_threads > 0 ? n_threads : 1};
    const int team = mlc_team_size(n * d * MLC_WORK_STREAM, f.n_threads);
    f.thread_bytes = 2 * mlc_line_bytes((size_t)n * 8) + mlc_line_bytes((size_t)MLC_MAX(c, 1) * sizeof(double));
    int status = MLC_OK;
    mlc_arena a = {NULL, 0};
    for (int pass = 0; pass < 2; pass++) {
        f.vals = mlc_arena_take(&a, (size_t)(n * d) * sizeof(float));
        f.sidx = mlc_arena_take(&a, (size_t)(n * d) * sizeof(int32_t));
        f.go_left = mlc_arena_take(&a, (size_t)n);
        f.w = mlc_arena_take(&a, (size_t)n * sizeof(double));
        f.code = mlc_arena_take(&a, c > 0 ? (size_t)n * sizeof(int32_t) : 0);
        f.cand = mlc_arena_take(&a, (size_t)d * sizeof(candidate));
        f.order = mlc_arena_take(&a, (size_t)d * sizeof(int64_t));
        f.draw = mlc_arena_take(&a, (size_t)d * sizeof(double));
        f.total = mlc_arena_take(&a, (size_t)(3 * MLC_MAX(c, 1)) * sizeof(double));
        f.thread_scratch = mlc_arena_take(&a, f.thread_bytes * (size_t)MLC_MAX(team, f.n_threads));
        if (pass == 0 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
    }
    int32_t *code = (int32_t *)f.code;
    double *w = (double *)f.w;
    for (int64_t i = 0; i < n; i++) {
        w[i] = sample_weight != NULL ? sample_weight[i] : 1.0;
        f.w_total += w[i];
        if (c > 0) {
            if (!(y[i] >= 0.0 && y[i] < (double)c)) {
                status = MLC_EINVAL;
                goto done;
            }
            code[i] = (int32_t)y[i];
        }
    }
    const int sort_team = (int)MLC_MAX(1, MLC_MIN(d, team));
#pragma omp parallel for num_threads(sort_team) schedule(dynamic, 1)
    for (int64_t j = 0; j < d; j++) sort_feature(f.vals + j * n, f.sidx + j * n, X, n, d, j, scratch_of(&f));
    if (mlc_progress_tick(p, 0, n)) {
        status = MLC_EINTERRUPTED;
        goto done;
    }
    mlc_rng rng;
    mlc_rng_seed(&rng, params->seed);
    status = params->max_leaf_nodes > 0 ? grow_best_first(&f, tree, &rng, p) : grow_depth_first(&f, tree, &rng, p);
done:
    mlc_free(a.base);
    return status;
}
