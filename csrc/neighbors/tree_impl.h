/* tree_impl.h: the build and the searches for one element type of the fitted rows, included once
 * per type by tree.c with T (double, float) and SFX (f64, f32). Distances are float64 throughout. */

/* The reduced distance from query x to fitted row y (scikit-learn's rdist, term by term). */
static inline double MLC_SFX(rdist)(const double *x, const T *y, int64_t d, int mode, double p) {
    double acc = 0.0;
    switch (mode) {
    case P_EUCLIDEAN:
        for (int64_t j = 0; j < d; j++) {
            const double t = x[j] - (double)y[j];
            acc += t * t;
        }
        return acc;
    case P_MANHATTAN:
        for (int64_t j = 0; j < d; j++) acc += fabs(x[j] - (double)y[j]);
        return acc;
    case P_CHEBYSHEV:
        for (int64_t j = 0; j < d; j++) acc = MLC_MAX(acc, fabs(x[j] - (double)y[j]));
        return acc;
    default:
        for (int64_t j = 0; j < d; j++) acc += pow(fabs(x[j] - (double)y[j]), p);
        return acc;
    }
}

/* ---- build ---------------------------------------------------------------------------------- */

typedef struct {
    T *data;
    int64_t *idx;
    int64_t *node;
    double *bounds;
    int64_t d, n_nodes;
    int kind, mode;
    double p;
} MLC_SFX(builder);

static void MLC_SFX(swap_rows)(T *data, int64_t *idx, int64_t a, int64_t b, int64_t d) {
    for (int64_t j = 0; j < d; j++) {
        const T v = data[a * d + j];
        data[a * d + j] = data[b * d + j];
        data[b * d + j] = v;
    }
    const int64_t i = idx[a];
    idx[a] = idx[b];
    idx[b] = i;
}

/* Reorder rows [lo, hi] so that row kth holds the kth smallest key (column dim), no larger key
 * before it and no smaller after: Hoare's selection with a median-of-three pivot (Wirth), which
 * splits runs of equal keys evenly. */
static void MLC_SFX(select_rows)(T *data, int64_t *idx, int64_t lo, int64_t hi, int64_t kth, int64_t dim,
                                 int64_t d) {
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        const T a = data[lo * d + dim], b = data[mid * d + dim], c = data[hi * d + dim];
        const T pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (data[i * d + dim] < pivot) i++;
            while (pivot < data[j * d + dim]) j--;
            if (i <= j) MLC_SFX(swap_rows)(data, idx, i++, j--, d);
        }
        if (j < kth) lo = i;
        if (kth < i) hi = j;
    }
}

/* Node l's bounds over rows [s, e), and the dimension of widest spread. */
static int64_t MLC_SFX(node_bounds)(const MLC_SFX(builder) *B, int64_t l, int64_t s, int64_t e) {
    const int64_t d = B->d;
    double *lo = B->bounds + l * 2 * d, *hi = lo + d;
    int64_t split = 0;
    double widest = -1.0;
    for (int64_t j = 0; j < d; j++) {
        double mn = INFINITY, mx = -INFINITY, sum = 0.0;
        for (int64_t r = s; r < e; r++) {
            const double v = (double)B->data[r * d + j];
            mn = MLC_MIN(mn, v);
            mx = MLC_MAX(mx, v);
            sum += v;
        }
        if (mx - mn > widest) {
            widest = mx - mn;
            split = j;
        }
        if (B->kind == MLC_KNN_KD_TREE) {
            lo[j] = mn;
            hi[j] = mx;
        } else {
            lo[j] = sum / (double)(e - s); /* the centroid */
        }
    }
    if (B->kind == MLC_KNN_BALL_TREE) {
        double rad = 0.0;
        for (int64_t r = s; r < e; r++) rad = MLC_MAX(rad, MLC_SFX(rdist)(lo, B->data + r * d, d, B->mode, B->p));
        lo[d] = unreduce(rad, B->mode, B->p);
    }
    return split;
}

static void MLC_SFX(build_node)(const MLC_SFX(builder) *B, int64_t l, int64_t s, int64_t e) {
    B->node[2 * l] = s;
    B->node[2 * l + 1] = e;
    const int64_t c = 2 * l + 1;
    if (s >= e) { /* an empty node (fewer rows than leaves): empty children too */
        if (c < B->n_nodes) {
            MLC_SFX(build_node)(B, c, s, e);
            MLC_SFX(build_node)(B, c + 1, s, e);
        }
        return;
    }
    const int64_t dim = MLC_SFX(node_bounds)(B, l, s, e);
    if (c >= B->n_nodes) return;
    const int64_t mid = s + (e - s) / 2;
    MLC_SFX(select_rows)(B->data, B->idx, s, e - 1, mid, dim, B->d);
#pragma omp task if (e - s > TASK_ROWS)
    MLC_SFX(build_node)(B, c, s, mid);
    MLC_SFX(build_node)(B, c + 1, mid, e);
#pragma omp taskwait
}

int MLC_SFX(mlc_knn_tree_build)(T *data, int64_t *idx, int64_t *node, double *bounds, const T *X, int64_t m,
                                int64_t d, int64_t leaf_size, int kind, double p, int n_threads) {
    if (mlc_knn_tree_check_params(m, d, leaf_size, kind, p)) return MLC_EINVAL;
    memcpy(data, X, sizeof(T) * m * d);
    for (int64_t r = 0; r < m; r++) idx[r] = r;
    const MLC_SFX(builder) B = {data, idx, node, bounds, d, mlc_knn_tree_n_nodes(m, leaf_size), kind,
                                p_mode(p), p};
    memset(bounds, 0, sizeof(double) * B.n_nodes * 2 * d);
    // each node's rows and bounds depend only on its parent's: tasks give the same tree at any count
    const int team = mlc_team_size(m * d * 8, n_threads);
#pragma omp parallel num_threads(team)
#pragma omp single
    MLC_SFX(build_node)(&B, 0, 0, m);
    return MLC_OK;
}

/* ---- k nearest ------------------------------------------------------------------------------ */

static void MLC_SFX(knn_visit)(knn_query *q, const mlc_knn_tree *t, int64_t l) {
    const int64_t s = t->node[2 * l], e = t->node[2 * l + 1], c = 2 * l + 1;
    if (s >= e) return;
    if (c >= t->n_nodes) {
        const T *data = (const T *)t->data;
        for (int64_t r = s; r < e; r++) {
            const double v = MLC_SFX(rdist)(q->x, data + r * t->d, t->d, q->mode, t->p);
            if (q->hs < q->k || v <= q->hv[0]) mlc_topk_push(q->hv, q->hi, &q->hs, q->k, v, t->idx[r]);
        }
        return;
    }
    const double b1 = node_bound(t, q->x, c, q->mode), b2 = node_bound(t, q->x, c + 1, q->mode);
    const int near_first = b1 <= b2;
    const int64_t first = near_first ? c : c + 1, second = near_first ? c + 1 : c;
    const double bf = near_first ? b1 : b2, bs = near_first ? b2 : b1;
    // strictly above the K-th distance: a node at equal bound may still hold a tie of smaller index
    if (q->hs < q->k || bf <= knn_limit(q, t)) MLC_SFX(knn_visit)(q, t, first);
    if (q->hs < q->k || bs <= knn_limit(q, t)) MLC_SFX(knn_visit)(q, t, second);
}

int MLC_SFX(mlc_knn_tree_query)(double *dist, int64_t *ind, const double *X, const mlc_knn_tree *t, int64_t n,
                                int64_t k, int n_threads, const mlc_progress *prog) {
    if (k < 1 || k > t->m) return MLC_EINVAL;
    const int mode = p_mode(t->p);
    const int64_t nblocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
    mlc_par par = mlc_par_init(prog);
    const int team = MLC_MIN(query_team(t, n, k, n_threads), (int)MLC_MIN(nblocks, 64));
#pragma omp parallel num_threads(team)
    {
        double *hv = mlc_malloc(sizeof(double) * k);
        int64_t *hi = mlc_malloc(sizeof(int64_t) * k);
        if (!(hv && hi)) mlc_par_fail(&par, MLC_ENOMEM);
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < nblocks; b++) {
            if (mlc_par_halted(&par)) continue;
            for (int64_t i = b * QUERY_BLOCK; i < MLC_MIN(n, (b + 1) * QUERY_BLOCK); i++) {
                knn_query q = {X + i * t->d, hv, hi, 0, k, mode};
                MLC_SFX(knn_visit)(&q, t, 0);
                mlc_topk_sort(hv, hi, k);
                for (int64_t j = 0; j < k; j++) {
                    dist[i * k + j] = unreduce(hv[j], mode, t->p);
                    ind[i * k + j] = hi[j];
                }
            }
            mlc_par_tick(&par, b, nblocks);
        }
        mlc_free(hv);
        mlc_free(hi);
    }
    return mlc_par_status(&par);
}

/* ---- radius --------------------------------------------------------------------------------- */

static void MLC_SFX(radius_visit)(radius_query *q, const mlc_knn_tree *t, int64_t l) {
    const int64_t s = t->node[2 * l], e = t->node[2 * l + 1], c = 2 * l + 1;
    if (s >= e) return;
    if (c >= t->n_nodes) {
        const T *data = (const T *)t->data;
        for (int64_t r = s; r < e; r++) {
            const double v = MLC_SFX(rdist)(q->x, data + r * t->d, t->d, q->mode, t->p);
            if (v > q->r_red) continue;
            if (q->out) q->out[q->count] = (pair){v, t->idx[r]};
            q->count++;
        }
        return;
    }
    if (node_bound(t, q->x, c, q->mode) <= q->limit) MLC_SFX(radius_visit)(q, t, c);
    if (node_bound(t, q->x, c + 1, q->mode) <= q->limit) MLC_SFX(radius_visit)(q, t, c + 1);
}

/* Both passes: counts (N) out when offsets is NULL, else dist/ind at the offsets. */
static int MLC_SFX(radius)(int64_t *counts, double *dist, int64_t *ind, const int64_t *offsets, const double *X,
                           const mlc_knn_tree *t, int64_t n, double r, int sort, int n_threads,
                           const mlc_progress *prog) {
    if (!(r >= 0.0)) return MLC_EINVAL;
    const int mode = p_mode(t->p);
    const double r_red = reduce(r, mode, t->p);
    const double limit = t->kind == MLC_KNN_KD_TREE ? r_red : r;
    int64_t most = 0;
    for (int64_t i = 0; offsets && i < n; i++) most = MLC_MAX(most, offsets[i + 1] - offsets[i]);
    const int64_t nblocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
    mlc_par par = mlc_par_init(prog);
    const int team = MLC_MIN(query_team(t, n, 1, n_threads), (int)MLC_MIN(nblocks, 64));
#pragma omp parallel num_threads(team)
    {
        pair *out = offsets ? mlc_malloc(sizeof(pair) * MLC_MAX(most, 1)) : NULL;
        if (offsets && !out) mlc_par_fail(&par, MLC_ENOMEM);
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < nblocks; b++) {
            if (mlc_par_halted(&par)) continue;
            for (int64_t i = b * QUERY_BLOCK; i < MLC_MIN(n, (b + 1) * QUERY_BLOCK); i++) {
                radius_query q = {X + i * t->d, r_red, limit, out, 0, mode};
                MLC_SFX(radius_visit)(&q, t, 0);
                if (!offsets) {
                    counts[i] = q.count;
                    continue;
                }
                qsort(out, (size_t)q.count, sizeof(pair), sort ? by_distance : by_index);
                for (int64_t j = 0; j < q.count; j++) {
                    dist[offsets[i] + j] = unreduce(out[j].v, mode, t->p);
                    ind[offsets[i] + j] = out[j].i;
                }
            }
            mlc_par_tick(&par, b, nblocks);
        }
        mlc_free(out);
    }
    return mlc_par_status(&par);
}

int MLC_SFX(mlc_knn_tree_radius_count)(int64_t *counts, const double *X, const mlc_knn_tree *t, int64_t n,
                                       double r, int n_threads, const mlc_progress *prog) {
    return MLC_SFX(radius)(counts, NULL, NULL, NULL, X, t, n, r, 0, n_threads, prog);
}

int MLC_SFX(mlc_knn_tree_radius)(double *dist, int64_t *ind, const int64_t *offsets, const double *X,
                                 const mlc_knn_tree *t, int64_t n, double r, int sort, int n_threads,
                                 const mlc_progress *prog) {
    return MLC_SFX(radius)(NULL, dist, ind, offsets, X, t, n, r, sort, n_threads, prog);
}
