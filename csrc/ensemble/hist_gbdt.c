/* hist_gbdt.c: the leaf-wise tree grower and the predictor of histogram gradient boosting (see
 * hist_gbdt.h); the hot loops are in hist_kernels.c.
 *
 * Grows the regression tree of one boosting step on gradients g and hessians h: the minimiser of
 * sum_i (g_i f(x_i) + h_i f(x_i)^2 / 2) + l2 / 2 sum_leaves value^2 over trees of at most
 * max_leaf_nodes leaves, found greedily (XGBoost, Chen & Guestrin 2016, equations 5-7) and best first
 * (LightGBM, Ke et al. 2017): the leaf whose best split reduces the loss most is split next. A leaf's
 * value is -G / (H + l2) times the learning rate, clipped to the bounds that monotonic constraints
 * give. The steps and their order are scikit-learn's TreeGrower (grower.py): the same histograms
 * give the same tree. A node's rows stay a contiguous range of one array of row indices, in their
 * original order (a stable partition), so a child's gradients are gathered in row order.
 */
#include "ensemble/hist_gbdt.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/reduce.h"

const char *mlc_ensemble_check_params(const mlc_ensemble_params *p, int64_t n, int64_t d) {
    if (n < 1) return "gradient boosting needs at least one sample";
    if (n > INT32_MAX) return "too many samples for gradient boosting (at most 2^31 - 1)";
    if (d < 1) return "gradient boosting needs at least one feature";
    if (p->max_leaf_nodes != 0 && p->max_leaf_nodes < 2) return "max_leaf_nodes must be >= 2";
    if (p->max_depth < 0) return "max_depth must be >= 1";
    if (p->min_samples_leaf < 1) return "min_samples_leaf must be >= 1";
    if (p->n_bins < 3 || p->n_bins > 256) return "max_bins must be in [2, 255]";
    if (!(p->l2_regularization >= 0.0)) return "l2_regularization must be >= 0";
    if (!(p->min_hessian_to_split >= 0.0)) return "min_hessian_to_split must be >= 0";
    if (!(p->shrinkage > 0.0)) return "learning_rate must be > 0";
    return NULL;
}

int64_t mlc_ensemble_max_nodes(const mlc_ensemble_params *p, int64_t n) {
    int64_t leaves = MLC_MAX(1, n / MLC_MAX(1, p->min_samples_leaf));
    if (p->max_leaf_nodes > 0) leaves = MLC_MIN(leaves, p->max_leaf_nodes);
    if (p->max_depth > 0 && p->max_depth < 40) leaves = MLC_MIN(leaves, (int64_t)1 << p->max_depth);
    return 2 * leaves - 1;
}

/* ---- the grower ---- */

typedef struct {
    int64_t start, stop, depth;
    double sum_g, sum_h, value, lower, upper;
    mlc_ensemble_hist_bin *hist;
    mlc_ensemble_split split;
    int state; /* LEAF, SPLITTABLE or SPLIT */
} gnode;

enum { LEAF, SPLITTABLE, SPLIT };

typedef struct {
    const uint8_t *Xb, *Xr;
    const float *g, *h;
    const int32_t *nbnm;
    const uint8_t *has_missing, *is_categorical, *interaction, *feature_masks;
    const int8_t *mono;
    int64_t n, d, n_groups, hist_len;
    const mlc_ensemble_params *p;
    int n_threads;
    gnode *nodes;
    int32_t *part, *tmp_left, *tmp_right;
    int64_t *counts;  /* (2 PART_CHUNKS): left and right rows of each chunk of a partition */
    uint8_t *allowed, *groups; /* (cap, D), (cap, G): per node, with interaction constraints */
    uint8_t *searched;         /* (D): the features of a search with feature_masks */
    int64_t n_searches;
    mlc_ensemble_hist_bin **pool, *scratch, *hists;
    int64_t n_pool, n_free, n_hists;
    mlc_ensemble_hist_bin **free_list;
} grower;

/* Histograms the scratch holds; more (only without max_leaf_nodes) come from mlc_malloc. */
#define HISTS_MAX 128
/* The most chunks a partition is cut into (its result does not depend on them). */
#define PART_CHUNKS 64

/* Carves the grower's arrays out of a (a sizing pass when a->base is NULL). */
static void carve(grower *gr, mlc_arena *a, int64_t cap, int64_t chunks, int with_groups) {
    const int64_t n = gr->n;
    gr->nodes = mlc_arena_take(a, sizeof *gr->nodes * (size_t)cap);
    gr->part = mlc_arena_take(a, sizeof *gr->part * (size_t)n);
    gr->tmp_left = mlc_arena_take(a, sizeof *gr->tmp_left * (size_t)n);
    gr->tmp_right = mlc_arena_take(a, sizeof *gr->tmp_right * (size_t)n);
    gr->counts = mlc_arena_take(a, sizeof *gr->counts * 2 * PART_CHUNKS);
    gr->pool = mlc_arena_take(a, sizeof *gr->pool * (size_t)cap);
    gr->free_list = mlc_arena_take(a, sizeof *gr->free_list * (size_t)cap);
    gr->scratch = mlc_arena_take(a, sizeof *gr->scratch * (size_t)((chunks - 1) * gr->hist_len));
    gr->n_hists = MLC_MIN(cap, MLC_MIN(HISTS_MAX, gr->p->max_leaf_nodes > 0 ? gr->p->max_leaf_nodes + 1 : cap));
    gr->hists = mlc_arena_take(a, sizeof *gr->hists * (size_t)(gr->n_hists * gr->hist_len));
    gr->allowed = mlc_arena_take(a, (size_t)(with_groups ? cap * gr->d : 0));
    gr->groups = mlc_arena_take(a, (size_t)(with_groups ? cap * gr->n_groups : 0));
    gr->searched = mlc_arena_take(a, (size_t)gr->d);
}

int64_t mlc_ensemble_grow_scratch_size(const mlc_ensemble_params *p, int64_t n, int64_t d, int64_t n_groups) {
    grower gr = {.n = n, .d = d, .n_groups = n_groups, .hist_len = d * p->n_bins, .p = p};
    mlc_arena a = {NULL, 0};
    carve(&gr, &a, mlc_ensemble_max_nodes(p, n), mlc_ensemble_hist_chunks(n), n_groups > 0);
    return (int64_t)a.size + 64; /* room to align a caller's block to a cache line */
}

static void node_init(gnode *nd, int64_t start, int64_t stop, int64_t depth, double sum_g, double sum_h,
                      double value) {
    memset(nd, 0, sizeof *nd);
    nd->start = start;
    nd->stop = stop;
    nd->depth = depth;
    nd->sum_g = sum_g;
    nd->sum_h = sum_h;
    nd->value = value;
    nd->lower = -INFINITY;
    nd->upper = INFINITY;
    nd->state = SPLITTABLE;
}

static mlc_ensemble_hist_bin *hist_take(grower *gr) {
    if (gr->n_free > 0) return gr->free_list[--gr->n_free];
    mlc_ensemble_hist_bin *hb = mlc_malloc(sizeof *hb * (size_t)gr->hist_len);
    if (hb != NULL) gr->pool[gr->n_pool++] = hb;
    return hb;
}

static void hist_give(grower *gr, gnode *nd) {
    if (nd->hist != NULL) gr->free_list[gr->n_free++] = nd->hist;
    nd->hist = NULL;
}

static const uint8_t *node_allowed(const grower *gr, int64_t i) {
    return gr->interaction != NULL ? gr->allowed + i * gr->d : NULL;
}

/* The node's best split; it becomes SPLITTABLE, or a LEAF when no split gains. */
static void find_split(grower *gr, int64_t i) {
    gnode *nd = &gr->nodes[i];
    const uint8_t *allowed = node_allowed(gr, i);
    if (gr->feature_masks != NULL) {
        const uint8_t *mask = gr->feature_masks + gr->n_searches++ * gr->d;
        for (int64_t j = 0; j < gr->d; j++) gr->searched[j] = mask[j] && (allowed == NULL || allowed[j]);
        allowed = gr->searched;
    }
    mlc_ensemble_find_split(&nd->split, nd->hist, gr->nbnm, gr->has_missing, gr->is_categorical, gr->mono,
                            allowed, gr->d,
                            nd->stop - nd->start, nd->sum_g, nd->sum_h, nd->value, nd->lower, nd->upper, gr->p,
                            gr->h == NULL, gr->n_threads);
    nd->state = nd->split.gain <= 0.0 ? LEAF : SPLITTABLE;
}

/* The histogram of node i from its rows. */
static int build_hist(grower *gr, int64_t i) {
    gnode *nd = &gr->nodes[i];
    if ((nd->hist = hist_take(gr)) == NULL) return MLC_ENOMEM;
    const int root = nd->start == 0 && nd->stop == gr->n; /* rows in order: nothing to gather */
    return mlc_ensemble_hist_build(nd->hist, gr->scratch, gr->Xr, root ? NULL : gr->part + nd->start, gr->g, gr->h,
                                   nd->stop - nd->start, gr->d, gr->p->n_bins, gr->n_threads);
}

/* Whether row r goes left at split s (x: the split feature's bins). */
static inline int goes_left(const mlc_ensemble_split *s, const uint8_t *x, int32_t r, int missing_bin) {
    const int b = x[r];
    if (s->is_categorical) return mlc_ensemble_in_bitset(s->left_cat, b);
    return (s->missing_go_to_left && b == missing_bin) || b <= s->bin;
}

/* Stable partition of node i's rows by its split: left rows first, each side in row order. Each
 * chunk of rows is split into the two scratch lists, then the lists are copied back in chunk order:
 * the same order at any thread count. */
static int64_t partition(grower *gr, const gnode *nd) {
    const mlc_ensemble_split *s = &nd->split;
    const uint8_t *x = gr->Xb + (int64_t)s->feature * gr->n;
    const int missing_bin = (int)gr->p->n_bins - 1;
    int32_t *rows = gr->part + nd->start, *L = gr->tmp_left + nd->start, *R = gr->tmp_right + nd->start;
    const int64_t m = nd->stop - nd->start;
    const mlc_chunks ch = mlc_chunks_even(m, 16384, PART_CHUNKS);
    int64_t *cl = gr->counts, *cr = gr->counts + PART_CHUNKS;
    const int nthr = (int)MLC_MIN(ch.count, mlc_team_size(m * 8 * MLC_WORK_STREAM, gr->n_threads));
#pragma omp parallel num_threads(nthr)
    {
#pragma omp for schedule(static)
        for (int64_t c = 0; c < ch.count; c++) {
            const int64_t b = mlc_chunk_begin(ch, c), e = mlc_chunk_end(ch, c);
            int64_t nl = b, nr = b;
            for (int64_t q = b; q < e; q++) { // both lists written, one advanced: no branch
                const int32_t r = rows[q];
                const int left = goes_left(s, x, r, missing_bin);
                L[nl] = r;
                R[nr] = r;
                nl += left;
                nr += !left;
            }
            cl[c] = nl - b;
            cr[c] = nr - b;
        }
#pragma omp single
        for (int64_t c = 1; c < ch.count; c++) { /* cl, cr: where each chunk's lists start */
            cl[c] += cl[c - 1];
            cr[c] += cr[c - 1];
        }
#pragma omp for schedule(static)
        for (int64_t c = 0; c < ch.count; c++) {
            const int64_t b = mlc_chunk_begin(ch, c), l0 = c > 0 ? cl[c - 1] : 0, r0 = c > 0 ? cr[c - 1] : 0;
            memcpy(rows + l0, L + b, sizeof *rows * (size_t)(cl[c] - l0));
            memcpy(rows + cl[ch.count - 1] + r0, R + b, sizeof *rows * (size_t)(cr[c] - r0));
        }
    }
    return ch.count > 0 ? cl[ch.count - 1] : 0;
}

/* The features and groups a child of node i may use (scikit-learn's _compute_interactions). */
static void child_interactions(grower *gr, int64_t parent, int64_t child) {
    const int64_t d = gr->d, G = gr->n_groups, f = gr->nodes[parent].split.feature;
    uint8_t *allowed = gr->allowed + child * d, *groups = gr->groups + child * G;
    memset(allowed, 0, (size_t)d);
    for (int64_t k = 0; k < G; k++) {
        const uint8_t *row = gr->interaction + k * d;
        groups[k] = gr->groups[parent * G + k] && row[f];
        if (groups[k])
            for (int64_t j = 0; j < d; j++) allowed[j] |= row[j];
    }
}

/* Splits node i into two new nodes; returns the status. */
static int split_node(grower *gr, mlc_ensemble_tree *tree, int64_t i, int64_t *n_leaves) {
    gnode *nodes = gr->nodes, *nd = &nodes[i];
    const mlc_ensemble_params *p = gr->p;
    const mlc_ensemble_split *s = &nd->split;
    const int64_t li = tree->n_nodes, ri = li + 1, nl = partition(gr, nd);
    tree->n_nodes += 2;
    gnode *L = &nodes[li], *R = &nodes[ri];
    node_init(L, nd->start, nd->start + nl, nd->depth + 1, s->sum_gradient_left, s->sum_hessian_left, s->value_left);
    node_init(R, nd->start + nl, nd->stop, nd->depth + 1, s->sum_gradient_right, s->sum_hessian_right, s->value_right);
    nd->state = SPLIT;
    tree->feature[i] = s->feature;
    tree->bin[i] = (uint8_t)s->bin;
    tree->left[i] = (int32_t)li;
    tree->right[i] = (int32_t)ri;
    tree->gain[i] = s->gain;
    tree->is_categorical[i] = (uint8_t)s->is_categorical;
    if (s->is_categorical) memcpy(tree->cat_bitset + 8 * i, s->left_cat, sizeof s->left_cat);
    // a feature without missing values in training sends them to the child with more rows
    tree->missing_go_to_left[i] = (uint8_t)(gr->has_missing[s->feature] ? s->missing_go_to_left
                                                                          : (L->stop - L->start > R->stop - R->start));
    if (gr->interaction != NULL) {
        child_interactions(gr, i, li);
        memcpy(gr->allowed + ri * gr->d, gr->allowed + li * gr->d, (size_t)gr->d);
        memcpy(gr->groups + ri * gr->n_groups, gr->groups + li * gr->n_groups, (size_t)gr->n_groups);
    }
    *n_leaves += 1;
    if (p->max_leaf_nodes > 0 && *n_leaves == p->max_leaf_nodes) {
        L->state = R->state = LEAF;
        for (int64_t j = 0; j < tree->n_nodes; j++)
            if (nodes[j].state == SPLITTABLE) nodes[j].state = LEAF;
        return MLC_OK;
    }
    if (p->max_depth > 0 && L->depth == p->max_depth) {
        L->state = R->state = LEAF;
        return MLC_OK;
    }
    if (L->stop - L->start < 2 * p->min_samples_leaf) L->state = LEAF;
    if (R->stop - R->start < 2 * p->min_samples_leaf) R->state = LEAF;
    if (gr->mono != NULL) { /* bounds of the children's children (scikit-learn's test_nodes_values) */
        const int c = gr->mono[s->feature];
        const double mid = (L->value + R->value) / 2;
        L->lower = R->lower = nd->lower;
        L->upper = R->upper = nd->upper;
        if (c == 1) L->upper = R->lower = mid;
        else if (c == -1) L->lower = R->upper = mid;
    }
    if (L->state == LEAF && R->state == LEAF) return MLC_OK;
    // the histogram subtraction trick: build the smaller child, the larger is the parent minus it
    // (in the parent's buffer)
    const int left_small = L->stop - L->start < R->stop - R->start;
    const int64_t small = left_small ? li : ri;
    gnode *big = left_small ? R : L;
    const int st = build_hist(gr, small);
    if (st != MLC_OK) return st;
    const mlc_ensemble_hist_bin *sh = nodes[small].hist;
    big->hist = nd->hist;
    nd->hist = NULL;
    for (int64_t q = 0; q < gr->hist_len; q++) {
        big->hist[q].sum_gradients -= sh[q].sum_gradients;
        big->hist[q].sum_hessians -= sh[q].sum_hessians;
        big->hist[q].count -= sh[q].count;
    }
    if (L->state == SPLITTABLE) find_split(gr, li);
    if (R->state == SPLITTABLE) find_split(gr, ri);
    return MLC_OK;
}

int mlc_ensemble_grow(mlc_ensemble_tree *tree, double *raw, int32_t *sample_leaf, const uint8_t *Xb,
                      const uint8_t *Xr, const float *g, const float *h, const int32_t *n_bins_non_missing,
                      const uint8_t *has_missing, const uint8_t *is_categorical, const int8_t *monotonic_cst,
                      const uint8_t *interaction, const uint8_t *feature_masks, int64_t n, int64_t d,
                      int64_t n_groups, const mlc_ensemble_params *p, int n_threads, void *scratch,
                      const mlc_progress *progress) {
    const int64_t cap = mlc_ensemble_max_nodes(p, n), chunks = mlc_ensemble_hist_chunks(n);
    const int with_groups = interaction != NULL && n_groups > 0;
    grower gr = {.Xb = Xb, .Xr = Xr, .g = g, .h = h, .nbnm = n_bins_non_missing, .has_missing = has_missing,
                 .is_categorical = is_categorical, .interaction = with_groups ? interaction : NULL,
                 .feature_masks = feature_masks, .mono = monotonic_cst, .n = n, .d = d, .n_groups = n_groups, .hist_len = d * p->n_bins, .p = p,
                 .n_threads = n_threads};
    mlc_arena a = {NULL, 0}, own = {NULL, 0};
    int st = MLC_OK;
    if (scratch == NULL) {
        carve(&gr, &own, cap, chunks, with_groups);
        if ((st = mlc_arena_alloc(&own)) != MLC_OK) goto done;
        a.base = own.base;
    } else {
        a.base = (char *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    }
    carve(&gr, &a, cap, chunks, with_groups);
    for (int64_t i = 0; i < gr.n_hists; i++) gr.free_list[gr.n_free++] = gr.hists + i * gr.hist_len;
    for (int64_t i = 0; i < n; i++) gr.part[i] = (int32_t)i;
    for (int64_t i = 0; i < cap; i++) {
        tree->feature[i] = -1;
        tree->left[i] = tree->right[i] = -1;
        tree->bin[i] = tree->missing_go_to_left[i] = tree->is_categorical[i] = 0;
        memset(tree->cat_bitset + 8 * i, 0, 8 * sizeof *tree->cat_bitset);
        tree->gain[i] = -1.0;
    }
    tree->n_nodes = 1;
    gnode *root = &gr.nodes[0];
    node_init(root, 0, n, 0, 0.0, 0.0, 0.0);
    int64_t first = 0; /* the feature whose histogram gives the root's sums */
    if (gr.interaction != NULL) {
        memset(gr.allowed, 0, (size_t)d);
        for (int64_t k = 0; k < n_groups; k++) {
            gr.groups[k] = 1;
            for (int64_t j = 0; j < d; j++) gr.allowed[j] |= interaction[k * d + j];
        }
        while (first < d - 1 && !gr.allowed[first]) first++;
    }
    if ((st = build_hist(&gr, 0)) != MLC_OK) goto done;
    for (int64_t b = 0; b < p->n_bins; b++) root->sum_g += root->hist[first * p->n_bins + b].sum_gradients;
    if (h == NULL) root->sum_h = (double)n;
    else
        for (int64_t b = 0; b < p->n_bins; b++) root->sum_h += root->hist[first * p->n_bins + b].sum_hessians;
    if (n < 2 * p->min_samples_leaf || root->sum_h < p->min_hessian_to_split) root->state = LEAF;
    else find_split(&gr, 0);
    int64_t n_leaves = 1;
    for (;;) {
        int64_t best = -1;
        for (int64_t i = 0; i < tree->n_nodes; i++)
            if (gr.nodes[i].state == SPLITTABLE && (best < 0 || gr.nodes[i].split.gain > gr.nodes[best].split.gain))
                best = i;
        if (best < 0) break;
        if ((st = split_node(&gr, tree, best, &n_leaves)) != MLC_OK) goto done;
        for (int64_t i = 0; i < tree->n_nodes; i++)
            if (gr.nodes[i].state != SPLITTABLE) hist_give(&gr, &gr.nodes[i]);
        if (mlc_progress_tick(progress, tree->n_nodes, cap)) {
            st = MLC_EINTERRUPTED;
            goto done;
        }
    }
    const int64_t n_nodes = tree->n_nodes;
    tree->n_searches = gr.n_searches;
    for (int64_t i = 0; i < n_nodes; i++) {
        const gnode *nd = &gr.nodes[i];
        tree->count[i] = (int32_t)(nd->stop - nd->start);
        tree->value[i] = nd->state == SPLIT ? nd->value : nd->value * p->shrinkage;
    }
    const int nthr = mlc_team_size(n * MLC_WORK_STREAM, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t i = 0; i < n_nodes; i++) {
        const gnode *nd = &gr.nodes[i];
        if (nd->state == SPLIT) continue;
        for (int64_t q = nd->start; q < nd->stop; q++) {
            raw[gr.part[q]] += tree->value[i];
            if (sample_leaf != NULL) sample_leaf[gr.part[q]] = (int32_t)i;
        }
    }
done:
    for (int64_t i = 0; i < gr.n_pool; i++) mlc_free(gr.pool[i]);
    mlc_free(own.base);
    return st;
}

/* ---- the predictor ---- */

int mlc_ensemble_predict(double *raw, const double *X, const double *value, const double *threshold,
                         const int32_t *feature, const int32_t *left, const int32_t *right,
                         const uint8_t *missing_go_to_left, const uint8_t *is_categorical,
                         const uint32_t *cat_bitset, const int64_t *offset, int64_t t0, int64_t t1, int64_t n,
                         int64_t d, int64_t k, int n_threads) {
    const int nthr = mlc_team_size(n * (t1 - t0) * 8 * MLC_WORK_STREAM, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const double *x = X + i * d;
        for (int64_t t = t0; t < t1; t++) {
            const int64_t o = offset[t];
            int64_t q = 0;
            while (feature[o + q] >= 0) {
                const double v = x[feature[o + q]];
                int go_left;
                if (isnan(v)) go_left = missing_go_to_left[o + q];
                else if (is_categorical[o + q]) // a code out of [0, 255] is in no set: right
                    go_left = v >= 0.0 && v < 256.0 && mlc_ensemble_in_bitset(cat_bitset + 8 * (o + q), (int)v);
                else go_left = v <= threshold[o + q];
                q = go_left ? left[o + q] : right[o + q];
            }
            raw[(t % k) * n + i] += value[o + q];
        }
    }
    return MLC_OK;
}
