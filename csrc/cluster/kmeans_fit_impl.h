/* kmeans_fit_impl.h: the k-means fits (R runs from R sets of initial centres), on dense rows (kmeans_impl.h's
 * passes) and on CSR rows (kmeans_csr_impl.h's), written once; kmeans.c includes it after those for each of
 * T = double / float (SFX f64 / f32). No include guard on purpose. */

/* One dense fit's scratch (fit_take): c holds the ranking panels and tiles (take_tiles). */
typedef struct {
    MLC_SFX(km_pass) c;
    T *buf, *zeros;
    double *gs, *ss, *dist, *upper, *lower, *xn, *next;
    int32_t *labels_old, *grp;
    int64_t *goff;
    uint8_t *hit;
} MLC_SFX(km_fit_ws);

/* f carved from the arena a for a fit of N rows, D features, K centres whose passes run `team` threads. */
static void MLC_SFX(fit_take)(MLC_SFX(km_fit_ws) *f, mlc_arena *a, int64_t n, int64_t d, int64_t k, int bounds,
                              int zeros, int team) {
    const int64_t ng = (k + 9) / 10, stride = k * d + k, groups = sum_groups_of(n, stride).count;
    const int64_t runs = (groups + KM_SUPER - 1) / KM_SUPER;
    *f = (MLC_SFX(km_fit_ws)){.c = {.n = n, .d = d, .k = k, .ng = bounds ? ng : 0}};
    f->buf = mlc_arena_take(a, sizeof(T) * 2 * k * d);
    if (zeros) f->zeros = mlc_arena_take(a, sizeof(T) * d);
    f->gs = mlc_arena_take(a, sizeof(double) * (groups * stride + 2 * stride + k + groups));
    f->ss = mlc_arena_take(a, sizeof(double) * runs * stride);
    f->labels_old = mlc_arena_take(a, sizeof(int32_t) * n);
    f->hit = mlc_arena_take(a, (size_t)(runs * k));
    f->dist = mlc_arena_take(a, sizeof(double) * MLC_MAX(n, ng * d));
    if (bounds) {
        f->upper = mlc_arena_take(a, sizeof(double) * n);
        f->lower = mlc_arena_take(a, sizeof(double) * n * ng);
        f->xn = mlc_arena_take(a, sizeof(double) * n);
        f->next = mlc_arena_take(a, sizeof(double) * (k + ng));
        f->grp = mlc_arena_take(a, sizeof(int32_t) * 2 * k);
        f->goff = mlc_arena_take(a, sizeof(int64_t) * (ng + 1));
    }
    MLC_SFX(take_tiles)(&f->c, a, team);
}

/* Solver: k-means from given centres,
 *   min_{C, labels} sum_i w_i ||x_i - c_{labels_i}||^2,
 * alternating assignment (each row to its nearest centre, ties to the lower index) and update
 * (each centre to the weighted mean of its rows), Lloyd (1982). Stops when the labels repeat
 * (strict convergence), when the summed squared centre shift is <= tol, or after max_iter
 * iterations; unless the labels repeated, a last assignment matches them to the final centres.
 * The inertia is then summed directly (not from the ranking's identity).
 *
 * The assignment ranks a row's centres by ||c||^2 - 2 x.c (kmeans_rank_impl.h: no N x K matrix, 4 rows
 * or 4 (row, panel) pairs of a queue at a time). With `bounds`, a row is ranked only against the panels
 * whose centres bounds on its distances, carried from one iteration to the next through the centre
 * shifts, cannot rule out, with a margin for the ranking's rounding (moved_row, queue_row): the labels,
 * centres, inertia and iterations are those of ranking every row, bit for bit. Lloyd and Elkan both keep
 * Yinyang's bounds (Ding et al., "Yinyang K-Means", ICML 2015): one upper bound and one lower bound per
 * group of about 10 centres, N x ceil(K / 10) float64. (Elkan's one lower bound per centre, N x K
 * float64, cost more memory traffic than they saved at D = 50 and K = 8 or 64; only the result of
 * scikit-learn's elkan must match, and Elkan runs this engine, the faster one.) A group's sums are kept
 * for the clusters no row of it left or joined (lloyd_window, merge_sums).
 *
 * Writes centers (K, D), labels (N), *inertia, *n_iter; f: fit_take's scratch. */
static int MLC_SFX(fit_one)(T *centers, int32_t *labels, double *inertia, int64_t *n_iter, MLC_SFX(km_fit_ws) *f,
                            const T *X, const T *w, const T *mean, int64_t max_iter, double tol, int bounds,
                            int n_threads, const mlc_progress *p) {
    const int64_t n = f->c.n, d = f->c.d, k = f->c.k, ng = (k + 9) / 10;
    const int64_t stride = k * d + k, groups = sum_groups_of(n, stride).count;
    const int64_t runs = (groups + KM_SUPER - 1) / KM_SUPER;
    double *gs = f->gs, *ss = f->ss, *dist = f->dist, *gshift = NULL;
    int32_t *labels_old = f->labels_old, *order = NULL;
    uint8_t *hit = f->hit;
    MLC_SFX(km_pass) c = f->c;
    c.X = X;
    c.w = w;
    c.labels = labels;
    int st = MLC_OK;
    T *cur = f->buf, *nxt = f->buf + k * d;
    double *tot = gs + groups * stride, *sums = tot + stride, *shift = sums + stride, *part = shift + k;
    memcpy(cur, centers, sizeof(T) * k * d);
    memset(hit, 0, (size_t)(runs * k));
    for (int64_t i = 0; i < n; i++) labels_old[i] = -1;
    if (mean == NULL) memset(f->zeros, 0, sizeof(T) * d);
    c.mean = mean ? mean : f->zeros;
    c.C = cur;
    if (bounds) {
        order = f->grp + k;
        gshift = f->next + k;
        MLC_SFX(centre_groups)(f->grp, order, f->goff, dist, cur, k, d, ng);
        c = (MLC_SFX(km_pass)){.X = X, .w = w, .mean = c.mean, .C = cur, .P = c.P, .cn = c.cn,
                               .n = n, .d = d, .k = k, .np = c.np, .labels = labels,
                               .upper = f->upper, .lower = f->lower, .next = f->next, .xn = f->xn,
                               .gshift = gshift, .ng = ng, .grp = f->grp, .order = order, .goff = f->goff,
                               .eps = MLC_SFX(bounds_eps)(d), .tiles = c.tiles, .tile_slice = c.tile_slice};
        MLC_SFX(bounded_ways)(&c);
    }
    int strict = 0;
    int64_t it = 0;
    for (; it < max_iter; it++) {
        c.C = cur;
        c.gs = gs;
        c.prev = it > 0 ? labels_old : NULL;
        MLC_SFX(lloyd_prepare)(&c, it > 0 ? shift : NULL);
        st = MLC_SFX(run_pass)(&c, bounds && it > 0 ? KM_BOUNDED : KM_LLOYD, n_threads, p);
        if (st != MLC_OK) return st;
        MLC_SFX(merge_sums)(tot, ss, hit, gs, it > 0 ? labels_old : NULL, labels, n, k, d);
        memcpy(sums, tot, sizeof(double) * stride); /* the M-step's relocations change sums, not tot */
        MLC_SFX(mstep)(nxt, shift, sums, X, c.mean, w, cur, labels, n, d, k, dist);
        T *tmp = cur;
        cur = nxt;
        nxt = tmp;
        const int stop = lloyd_stop(labels_old, labels, shift, n, k, tol);
        strict = stop == KM_STOP_STRICT;
        if (stop) break;
        if (mlc_progress_tick(p, it, max_iter)) return MLC_EINTERRUPTED;
    }
    *n_iter = MLC_MIN(it + 1, max_iter);
    c.C = cur;
    c.gs = NULL;
    if (!strict) MLC_SFX(lloyd_prepare)(&c, shift);
    st = MLC_SFX(inertia)(inertia, &c, part, strict ? KM_INERTIA : bounds ? KM_BOUNDED : KM_LLOYD, n_threads, p);
    if (st == MLC_OK) memcpy(centers, cur, sizeof(T) * k * d);
    return st;
}

/* What the fits of a set share (fit_run, csr_fit_run): the rows, the outputs, the settings, and per thread one
 * fit's scratch (ws, or for CSR rows cs). */
typedef struct {
    T *centers;
    int32_t *labels;
    double *inertia;
    int64_t *n_iter;
    const T *X, *w, *mean;
    MLC_SFX(km_csr) x;
    MLC_SFX(km_fit_ws) *ws;
    MLC_SFX(km_csr_scratch) *cs;
    int64_t n, d, k, max_iter;
    double tol;
    int bounds;
} MLC_SFX(km_fit_runs);

static int MLC_SFX(fit_run)(void *ctx, int64_t q, int thread, int n_threads, const mlc_progress *p) {
    const MLC_SFX(km_fit_runs) *s = ctx;
    return MLC_SFX(fit_one)(s->centers + q * s->k * s->d, s->labels + q * s->n, s->inertia + q, s->n_iter + q,
                            s->ws + thread, s->X, s->w, s->mean, s->max_iter, s->tol, s->bounds, n_threads, p);
}

static int MLC_SFX(csr_fit_run)(void *ctx, int64_t q, int thread, int n_threads, const mlc_progress *p) {
    const MLC_SFX(km_fit_runs) *s = ctx;
    return MLC_SFX(csr_fit_one)(s->centers + q * s->k * s->d, s->labels + q * s->n, s->inertia + q, s->n_iter + q,
                                s->cs + thread, &s->x, s->max_iter, s->tol, n_threads, p);
}

/* R fits (kmeans.h), over runs_team's team: each thread's scratch is one fit's, all in one block. */
int KM_API(mlc_kmeans_fit)(T *centers, int32_t *labels, double *inertia, int64_t *n_iter, const T *X,
                           const T *w, const T *mean, int64_t n, int64_t d, int64_t k, int64_t runs, int algorithm,
                           int64_t max_iter, double tol, int bounds, int n_threads, const mlc_progress *p) {
    if (mlc_kmeans_check_params(n, d, k, algorithm, max_iter, tol) || runs < 1) return MLC_EINVAL;
    const int team = runs_team(runs, n, n * d * k, n_threads), inner = team > 1 ? 1 : n_threads;
    mlc_arena a = {NULL, 0};
    MLC_SFX(km_fit_ws) *ws, sizing;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        ws = mlc_arena_take(&a, sizeof(MLC_SFX(km_fit_ws)) * team);
        for (int t = 0; t < team; t++)
            MLC_SFX(fit_take)(ws ? ws + t : &sizing, &a, n, d, k, bounds, mean == NULL, pass_team(n, n * d * k, inner));
    }
    MLC_SFX(km_fit_runs) s = {.centers = centers, .labels = labels, .inertia = inertia, .n_iter = n_iter, .X = X,
                              .w = w, .mean = mean, .ws = ws, .n = n, .d = d, .k = k, .max_iter = max_iter,
                              .tol = tol, .bounds = bounds};
    const int st = run_all(MLC_SFX(fit_run), &s, runs, team, n_threads, p);
    mlc_free(a.base);
    return st;
}

/* R fits on CSR rows (kmeans.h), as mlc_kmeans_fit. */
int KM_API(mlc_kmeans_fit_csr)(T *centers, int32_t *labels, double *inertia, int64_t *n_iter, const T *data,
                               const int32_t *indices, const int64_t *indptr, const T *w, int64_t n, int64_t d,
                               int64_t k, int64_t runs, int64_t max_iter, double tol, int n_threads,
                               const mlc_progress *p) {
    if (mlc_kmeans_check_params(n, d, k, MLC_KMEANS_LLOYD, max_iter, tol) || runs < 1) return MLC_EINVAL;
    MLC_SFX(km_fit_runs) s = {.centers = centers, .labels = labels, .inertia = inertia, .n_iter = n_iter,
                              .x = {data, indices, indptr, w, n, d, k}, .n = n, .d = d, .k = k,
                              .max_iter = max_iter, .tol = tol};
    const int64_t work = indptr[n] * k + n * k;
    const int team = runs_team(runs, n, work, n_threads), inner = team > 1 ? 1 : n_threads;
    mlc_arena a = {NULL, 0};
    MLC_SFX(km_csr_scratch) sizing;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        s.cs = mlc_arena_take(&a, sizeof(MLC_SFX(km_csr_scratch)) * team);
        for (int t = 0; t < team; t++) MLC_SFX(csr_take)(s.cs ? s.cs + t : &sizing, &a, &s.x, 1, inner);
    }
    const int st = run_all(MLC_SFX(csr_fit_run), &s, runs, team, n_threads, p);
    mlc_free(a.base);
    return st;
}
