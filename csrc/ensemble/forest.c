/* forest.c: random forests (see forest.h): bootstrap samples drawn as scikit-learn draws them, the trees
 * grown in parallel over trees, and the averaged descent.
 *
 * Random forests (Breiman 2001, "Random Forests"; scikit-learn's BaseForest): tree t is a CART tree
 * (mlc_tree_fit, one thread) on the bootstrap sample of seed t, each of its nodes split on the best of
 * max_features features drawn at the node (extra trees: the best of one random threshold per drawn
 * feature, Geurts et al. 2006). A bootstrap sample enters the tree as weights (its counts), and rows of
 * weight 0 are left out of the tree as scikit-learn's splitter leaves them out, so with max_features = D
 * a tree is scikit-learn's own wherever no two candidate splits tie.
 *
 * The forest's own loops (the draws, the descents) are scalar and branchy, so forest.c is not compiled
 * per CPU level; the builder it calls is (tree.c).
 */
#include "ensemble/forest.h"

#include <omp.h>
#include <string.h>

#include "core/reduce.h"

#define FOREST_BLOCK 256 /* at least this many rows descend one tree before the next tree */

/* Rows per block of a descent: a tree is walked by a whole block before the next tree (its nodes stay in
 * cache), about 4 blocks a thread. Each row still sums its trees in tree order: any blocking, same bits. */
static int64_t block_rows(int64_t n, int nthr) { return MLC_MAX(FOREST_BLOCK, (n + 4 * nthr - 1) / (4 * nthr)); }

/* ---- NumPy's legacy generator (RandomState: MT19937 seeded by init_genrand, masked bounded ints) -- */

typedef struct {
    uint32_t key[624];
    int pos;
} mt19937;

static void mt_seed(mt19937 *s, uint32_t seed) {
    for (int pos = 0; pos < 624; pos++) {
        s->key[pos] = seed;
        seed = 1812433253u * (seed ^ (seed >> 30)) + (uint32_t)pos + 1u;
    }
    s->pos = 624;
}

static uint32_t mt_next(mt19937 *s) {
    if (s->pos == 624) { // the next 624 words (Matsumoto & Nishimura 1998)
        uint32_t *k = s->key;
        for (int i = 0; i < 624; i++) {
            const uint32_t y = (k[i] & 0x80000000u) | (k[(i + 1) % 624] & 0x7fffffffu);
            k[i] = k[(i + 397) % 624] ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908b0dfu);
        }
        s->pos = 0;
    }
    uint32_t y = s->key[s->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
}

void mlc_ensemble_forest_bootstrap(int32_t *counts, uint32_t seed, int64_t n, int64_t n_samples_bootstrap) {
    memset(counts, 0, (size_t)n * sizeof(int32_t));
    const uint32_t rng = (uint32_t)(n - 1);
    if (rng == 0) {
        counts[0] = (int32_t)n_samples_bootstrap;
        return;
    }
    mt19937 s;
    mt_seed(&s, seed);
    uint32_t mask = rng; // NumPy's randint(0, n): the draw masked to the next power of 2, rejected above n - 1
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    for (int64_t k = 0; k < n_samples_bootstrap; k++) {
        uint32_t v;
        while ((v = mt_next(&s) & mask) > rng) {}
        counts[v]++;
    }
}

/* ---- fit ------------------------------------------------------------------------------------------ */

const char *mlc_ensemble_forest_check_params(const mlc_ensemble_forest_params *params, int64_t n, int64_t d,
                                             int64_t c) {
    const char *msg = mlc_tree_check_params(&params->tree, d, c);
    if (msg != NULL) return msg;
    if (n < 1 || n > INT32_MAX) return "a forest needs 1 to 2^31 - 1 samples";
    if (!(params->min_weight_fraction_leaf >= 0.0 && params->min_weight_fraction_leaf <= 0.5))
        return "min_weight_fraction_leaf must be in [0, 0.5]";
    if (params->bootstrap && (params->n_samples_bootstrap < 1 || params->n_samples_bootstrap > n))
        return "n_samples_bootstrap must be in [1, n_samples]";
    if (params->balanced_subsample && (!params->bootstrap || c < 1))
        return "balanced_subsample needs bootstrap and a classifier";
    return NULL;
}

/* The hook a tree's builder polls: the calling thread (OpenMP thread 0) forwards it to the caller's
 * progress; every thread stops its tree once some thread failed or was asked to stop. */
typedef struct {
    mlc_par *par;
    int master;
} tree_hook_ctx;

static int tree_hook(void *ctx, int64_t done, int64_t total) {
    tree_hook_ctx *h = ctx;
    (void)done;
    (void)total;
    if (h->master) mlc_par_tick(h->par, 0, 1);
    return mlc_par_halted(h->par) != 0;
}

/* One thread's buffers: the bootstrap counts and the tree's rows of nonzero weight. */
typedef struct {
    int32_t *counts; /* (N) */
    float *X;        /* (N, D) */
    double *y, *w;   /* (N) */
} tree_rows;

/* Grows tree on the rows of seed's bootstrap sample (of nonzero weight) into buffers r. */
static int fit_one(mlc_tree *tree, tree_rows *r, const float *X, const double *y, const double *sample_weight,
                   uint32_t seed, int64_t n, int64_t d, int64_t c, const mlc_ensemble_forest_params *params,
                   const mlc_progress *hook) {
    if (params->bootstrap) mlc_ensemble_forest_bootstrap(r->counts, seed, n, params->n_samples_bootstrap);
    double *cw = NULL;
    if (params->balanced_subsample) { // scikit-learn's compute_sample_weight("balanced", y, indices)
        cw = mlc_malloc((size_t)c * sizeof(double));
        if (cw == NULL) return MLC_ENOMEM;
        memset(cw, 0, (size_t)c * sizeof(double));
        for (int64_t i = 0; i < n; i++) cw[(int64_t)y[i]] += r->counts[i];
        int64_t present = 0;
        for (int64_t k = 0; k < c; k++) present += cw[k] > 0.0;
        for (int64_t k = 0; k < c; k++)
            cw[k] = cw[k] > 0.0 ? (double)params->n_samples_bootstrap / ((double)present * cw[k]) : 0.0;
    }
    int64_t m = 0;
    double total = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double w = sample_weight != NULL ? sample_weight[i] : 1.0;
        if (params->bootstrap) w *= (double)r->counts[i];
        if (cw != NULL) w *= cw[(int64_t)y[i]];
        if (w == 0.0) continue;
        memcpy(r->X + m * d, X + i * d, (size_t)d * sizeof(float));
        r->y[m] = y[i];
        r->w[m++] = w;
        total += w;
    }
    mlc_free(cw);
    if (m == 0) return MLC_EINVAL;
    mlc_tree_params tp = params->tree;
    tp.seed = seed;
    tp.min_weight_leaf = params->min_weight_fraction_leaf * total;
    return mlc_tree_fit(tree, r->X, r->y, r->w, m, d, c, &tp, 1, hook);
}

int mlc_ensemble_forest_fit(mlc_tree *trees, const float *X, const double *y, const double *sample_weight,
                            const uint32_t *seeds, int64_t n, int64_t d, int64_t c, int64_t n_trees,
                            const mlc_ensemble_forest_params *params, int n_threads, const mlc_progress *p) {
    if (mlc_ensemble_forest_check_params(params, n, d, c) != NULL) return MLC_EINVAL;
    mlc_par par = mlc_par_init(p);
    const int team = (int)MLC_MAX(1, MLC_MIN(n_trees, n_threads > 0 ? n_threads : 1));
    int64_t done = 0;
#pragma omp parallel num_threads(team)
    {
        tree_rows r = {0};
        mlc_arena a = {NULL, 0};
        for (int pass = 0; pass < 2; pass++) {
            r.counts = mlc_arena_take(&a, (size_t)n * sizeof(int32_t));
            r.X = mlc_arena_take(&a, (size_t)(n * d) * sizeof(float));
            r.y = mlc_arena_take(&a, (size_t)n * sizeof(double));
            r.w = mlc_arena_take(&a, (size_t)n * sizeof(double));
            if (pass == 0 && mlc_arena_alloc(&a) != MLC_OK) {
                mlc_par_fail(&par, MLC_ENOMEM);
                break;
            }
        }
        tree_hook_ctx ctx = {&par, omp_get_thread_num() == 0};
        const mlc_progress hook = {tree_hook, &ctx};
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < n_trees; t++) {
            if (mlc_par_halted(&par)) continue;
            const int st = fit_one(&trees[t], &r, X, y, sample_weight, seeds[t], n, d, c, params, &hook);
            if (st != MLC_OK) mlc_par_fail(&par, st);
            int64_t now;
#pragma omp atomic capture
            now = ++done;
            mlc_par_tick(&par, now, n_trees);
        }
        mlc_free(a.base);
    }
    return mlc_par_status(&par);
}

/* ---- the descents ---------------------------------------------------------------------------------- */

const char *mlc_ensemble_forest_check_nodes(const int64_t *children_left, const int64_t *children_right,
                                            const int64_t *feature, const int64_t *offsets, int64_t m, int64_t d,
                                            int64_t n_trees) {
    if (n_trees < 1) return "a forest has at least one tree";
    if (offsets[0] != 0 || offsets[n_trees] != m) return "offsets must start at 0 and end at the node count";
    for (int64_t t = 0; t < n_trees; t++) {
        const int64_t o = offsets[t];
        if (offsets[t + 1] <= o || offsets[t + 1] > m) return "offsets must increase";
        const char *msg = mlc_tree_check_nodes(children_left + o, children_right + o, feature + o, offsets[t + 1] - o, d);
        if (msg != NULL) return msg;
    }
    return NULL;
}

/* The leaf of row x in tree t (its id within the tree). */
static inline int64_t leaf_of(const float *x, const int64_t *cl, const int64_t *cr, const int64_t *feature,
                              const double *threshold, const uint8_t *mgl, int64_t o) {
    return mlc_tree_descend(x, cl + o, cr + o, feature + o, threshold + o, mgl + o);
}

int mlc_ensemble_forest_predict(double *out, const float *X, const int64_t *children_left,
                                const int64_t *children_right, const int64_t *feature, const double *threshold,
                                const uint8_t *missing_go_to_left, const double *value, const int64_t *offsets,
                                int64_t n, int64_t d, int64_t v, int64_t n_trees, int n_threads) {
    const int nthr = mlc_team_size(n * n_trees * (64 + v), n_threads);
    const int64_t rows = block_rows(n, nthr), n_blocks = (n + rows - 1) / rows;
    memset(out, 0, (size_t)(n * v) * sizeof(double));
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t b = 0; b < n_blocks; b++) {
        const int64_t lo = b * rows, hi = MLC_MIN(n, lo + rows);
        for (int64_t t = 0; t < n_trees; t++) {
            const int64_t o = offsets[t];
            for (int64_t i = lo; i < hi; i++) {
                const int64_t k = leaf_of(X + i * d, children_left, children_right, feature, threshold,
                                          missing_go_to_left, o);
                const double *val = value + (o + k) * v;
                for (int64_t j = 0; j < v; j++) out[i * v + j] += val[j];
            }
        }
        for (int64_t q = lo * v; q < hi * v; q++) out[q] /= (double)n_trees;
    }
    return MLC_OK;
}

int mlc_ensemble_forest_apply(int64_t *leaf, const float *X, const int64_t *children_left,
                              const int64_t *children_right, const int64_t *feature, const double *threshold,
                              const uint8_t *missing_go_to_left, const int64_t *offsets, int64_t n, int64_t d,
                              int64_t n_trees, int n_threads) {
    const int nthr = mlc_team_size(n * n_trees * 64, n_threads);
    const int64_t rows = block_rows(n, nthr), n_blocks = (n + rows - 1) / rows;
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t b = 0; b < n_blocks; b++) {
        const int64_t lo = b * rows, hi = MLC_MIN(n, lo + rows);
        for (int64_t t = 0; t < n_trees; t++)
            for (int64_t i = lo; i < hi; i++)
                leaf[i * n_trees + t] = leaf_of(X + i * d, children_left, children_right, feature, threshold,
                                                missing_go_to_left, offsets[t]);
    }
    return MLC_OK;
}

int mlc_ensemble_forest_oob(double *out, int64_t *n_oob, const float *X, const int64_t *children_left,
                            const int64_t *children_right, const int64_t *feature, const double *threshold,
                            const uint8_t *missing_go_to_left, const double *value, const int64_t *offsets,
                            const uint32_t *seeds, int64_t n, int64_t d, int64_t v, int64_t n_trees,
                            int64_t n_samples_bootstrap, int n_threads) {
    const int64_t words = (n + 63) / 64;
    uint64_t *in_bag = mlc_malloc((size_t)(n_trees * words) * sizeof(uint64_t)); // (T, N) bits
    if (in_bag == NULL) return MLC_ENOMEM;
    mlc_par par = mlc_par_init(NULL);
    const int team = mlc_team_size(n * n_trees * 8, n_threads);
#pragma omp parallel num_threads(team)
    {
        int32_t *counts = mlc_malloc((size_t)n * sizeof(int32_t));
        if (counts == NULL) mlc_par_fail(&par, MLC_ENOMEM);
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < n_trees; t++) {
            if (mlc_par_halted(&par)) continue;
            mlc_ensemble_forest_bootstrap(counts, seeds[t], n, n_samples_bootstrap);
            uint64_t *bits = in_bag + t * words;
            memset(bits, 0, (size_t)words * sizeof(uint64_t));
            for (int64_t i = 0; i < n; i++)
                if (counts[i] > 0) bits[i >> 6] |= (uint64_t)1 << (i & 63);
        }
        mlc_free(counts);
    }
    const int status = mlc_par_status(&par);
    if (status != MLC_OK) goto done;
    const int64_t rows = block_rows(n, team), n_blocks = (n + rows - 1) / rows;
    memset(out, 0, (size_t)(n * v) * sizeof(double));
    memset(n_oob, 0, (size_t)n * sizeof(int64_t));
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (int64_t b = 0; b < n_blocks; b++) {
        const int64_t lo = b * rows, hi = MLC_MIN(n, lo + rows);
        for (int64_t t = 0; t < n_trees; t++) {
            const uint64_t *bits = in_bag + t * words;
            for (int64_t i = lo; i < hi; i++) {
                if ((bits[i >> 6] >> (i & 63)) & 1) continue;
                const int64_t k = leaf_of(X + i * d, children_left, children_right, feature, threshold,
                                          missing_go_to_left, offsets[t]);
                const double *val = value + (offsets[t] + k) * v;
                for (int64_t j = 0; j < v; j++) out[i * v + j] += val[j];
                n_oob[i]++;
            }
        }
    }
done:
    mlc_free(in_bag);
    return status;
}
