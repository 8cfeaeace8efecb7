/* tree.c: kd-tree and ball tree (see tree.h). */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/reduce.h"
#include "neighbors/tree.h"

/* The minkowski exponents with a loop of their own. */
enum { P_EUCLIDEAN, P_MANHATTAN, P_CHEBYSHEV, P_GENERAL };

/* Nodes this large are built as tasks of their own; queries are handed out in blocks this size. */
#define TASK_ROWS ((int64_t)1 << 15)
#define QUERY_BLOCK 256

int64_t mlc_knn_tree_n_nodes(int64_t m, int64_t leaf_size) {
    // levels - 1 = floor(log2((M - 1) / leaf_size)), at least 0
    int64_t levels = 1;
    while (levels < 62 && leaf_size * ((int64_t)1 << levels) <= m - 1) levels++;
    return ((int64_t)1 << levels) - 1;
}

const char *mlc_knn_tree_check_params(int64_t m, int64_t d, int64_t leaf_size, int kind, double p) {
    if (m < 1) return "the tree needs at least one fitted row";
    if (d < 1) return "the tree needs at least one feature";
    if (leaf_size < 1) return "leaf_size must be >= 1";
    if (kind != MLC_KNN_KD_TREE && kind != MLC_KNN_BALL_TREE) return "unknown tree kind";
    if (!(p > 0.0)) return "p must be > 0";
    if (p < 1.0 && leaf_size < m) return "0 < p < 1 is not a metric: only brute force can search it";
    return NULL;
}

static int p_mode(double p) {
    if (p == 2.0) return P_EUCLIDEAN;
    if (p == 1.0) return P_MANHATTAN;
    if (isinf(p)) return P_CHEBYSHEV;
    return P_GENERAL;
}

/* Reduced distance <-> distance. */
static double unreduce(double v, int mode, double p) {
    switch (mode) {
    case P_EUCLIDEAN: return sqrt(v);
    case P_GENERAL: return pow(v, 1.0 / p);
    default: return v;
    }
}

static double reduce(double r, int mode, double p) {
    switch (mode) {
    case P_EUCLIDEAN: return r * r;
    case P_GENERAL: return pow(r, p);
    default: return r;
    }
}

/* The reduced-distance sum with one more coordinate difference t >= 0. */
static inline double add_term(double acc, double t, int mode, double p) {
    switch (mode) {
    case P_EUCLIDEAN: return acc + t * t;
    case P_MANHATTAN: return acc + t;
    case P_CHEBYSHEV: return MLC_MAX(acc, t);
    default: return acc + pow(t, p);
    }
}

/* The reduced distance from x to the nearest point of the box [lo, hi]. Every term is at most the
 * matching term of any row inside (rounding is monotone) and the terms are added in the same
 * order as a row's, so it never exceeds a row's computed distance: no slack is needed. */
static double box_min_rdist(const double *x, const double *lo, const double *hi, int64_t d, int mode, double p) {
    double acc = 0.0;
    for (int64_t j = 0; j < d; j++) {
        const double t = MLC_MAX(MLC_MAX(lo[j] - x[j], x[j] - hi[j]), 0.0);
        acc = add_term(acc, t, mode, p);
    }
    return acc;
}

/* A lower bound (not reduced) on the distance from x to a row of the ball (centre c, radius rad):
 * ||x - c|| - rad, less a margin for the rounding of both terms. */
static double ball_min_dist(const double *x, const double *c, double rad, int64_t d, int mode, double p) {
    double acc = 0.0;
    for (int64_t j = 0; j < d; j++) acc = add_term(acc, fabs(x[j] - c[j]), mode, p);
    const double dc = unreduce(acc, mode, p);
    return dc - rad - 1e-10 * (dc + rad);
}

/* A node's lower bound, in the space the search compares it in (reduced for kd, not for ball). */
static double node_bound(const mlc_knn_tree *t, const double *x, int64_t l, int mode) {
    const double *b = t->bounds + l * 2 * t->d;
    if (t->kind == MLC_KNN_KD_TREE) return box_min_rdist(x, b, b + t->d, t->d, mode, t->p);
    return ball_min_dist(x, b, b[t->d], t->d, mode, t->p);
}

/* One query's search state: the bounded max-heap of (reduced distance, index) (core/select.c). */
typedef struct {
    const double *x;
    double *hv;
    int64_t *hi;
    int64_t hs, k;
    int mode;
} knn_query;

/* The heap's K-th distance in the space node_bound uses. */
static double knn_limit(const knn_query *q, const mlc_knn_tree *t) {
    return t->kind == MLC_KNN_KD_TREE ? q->hv[0] : unreduce(q->hv[0], q->mode, t->p);
}

/* One query's radius results: a count, or (with pairs) the entries themselves. */
typedef struct {
    double v;
    int64_t i;
} pair;

typedef struct {
    const double *x;
    double r_red, limit; /* the radius reduced, and in node_bound's space */
    pair *out;           /* NULL: count only */
    int64_t count;
    int mode;
} radius_query;

static int by_distance(const void *a, const void *b) {
    const pair *u = a, *w = b;
    if (u->v != w->v) return u->v < w->v ? -1 : 1;
    return (u->i > w->i) - (u->i < w->i);
}

static int by_index(const void *a, const void *b) {
    const pair *u = a, *w = b;
    return (u->i > w->i) - (u->i < w->i);
}

/* Queries cost about a leaf scan per level of the tree. */
static int query_team(const mlc_knn_tree *t, int64_t n, int64_t k, int n_threads) {
    int64_t levels = 1;
    while (((int64_t)1 << levels) - 1 < t->n_nodes) levels++;
    const int64_t leaf = t->m / (t->n_nodes / 2 + 1) + 1;
    return mlc_team_size(n * (leaf + k) * t->d * levels, n_threads);
}

#define T double
#define SFX f64
#include "neighbors/tree_impl.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "neighbors/tree_impl.h"
#undef T
#undef SFX
