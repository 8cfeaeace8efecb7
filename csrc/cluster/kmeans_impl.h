/* kmeans_impl.h: the k-means kernels, written once; kmeans.c includes this file twice, with
 * T = double, SFX = f64, GEMM = dgemm and with T = float, SFX = f32, GEMM = sgemm (mlc.h's MLC_SFX).
 * Not a header of its own: no include guard on purpose. */

// sums in KM_LANES fixed lanes (not `omp simd reduction`, whose lanes are the vector width): every
// CPU level vectorises them its own way and gets the same bits
/* sum_j (x_j - c_j)^2 in float64. x, c (D) in */
static inline double MLC_SFX(sqdist)(const T *x, const T *c, int64_t d) {
    double acc[KM_LANES] = {0.0}, s = 0.0;
    int64_t j = 0;
    for (; j + KM_LANES <= d; j += KM_LANES)
        for (int l = 0; l < KM_LANES; l++) {
            const double t = (double)x[j + l] - (double)c[j + l];
            acc[l] += t * t;
        }
    for (; j < d; j++) {
        const double t = (double)x[j] - (double)c[j];
        s += t * t;
    }
    return lanes_sum(acc) + s;
}

/* sum_j ((x_j - m_j) - c_j)^2 in float64, x_j - m_j rounded to T as a centred copy of X would hold it
 * (the fit's rows are taken minus X's mean on the fly). x, m, c (D) in */
static inline double MLC_SFX(sqdist_x)(const T *x, const T *m, const T *c, int64_t d) {
    double acc[KM_LANES] = {0.0}, s = 0.0;
    int64_t j = 0;
    for (; j + KM_LANES <= d; j += KM_LANES)
        for (int l = 0; l < KM_LANES; l++) {
            const double t = (double)(T)(x[j + l] - m[j + l]) - (double)c[j + l];
            acc[l] += t * t;
        }
    for (; j < d; j++) {
        const double t = (double)(T)(x[j] - m[j]) - (double)c[j];
        s += t * t;
    }
    return lanes_sum(acc) + s;
}

/* sum_j x_j^2 in float64. x (D) in */
static inline double MLC_SFX(sqdist0)(const T *x, int64_t d) {
    double acc[KM_LANES] = {0.0}, s = 0.0;
    int64_t j = 0;
    for (; j + KM_LANES <= d; j += KM_LANES)
        for (int l = 0; l < KM_LANES; l++) acc[l] += (double)x[j + l] * (double)x[j + l];
    for (; j < d; j++) s += (double)x[j] * (double)x[j];
    return lanes_sum(acc) + s;
}

/* cn (K) out: squared norms of the centres C (K, D). */
static void MLC_SFX(sqnorms)(T *cn, const T *C, int64_t k, int64_t d) {
    for (int64_t j = 0; j < k; j++) {
        double s = 0.0;
        for (int64_t t = 0; t < d; t++) s += (double)C[j * d + t] * (double)C[j * d + t];
        cn[j] = (T)s;
    }
}

/* What one pass over the rows needs. gs (G, K*D + K) or NULL: group sums to accumulate;
 * part (G) or NULL: per-group weighted inertia (KM_INERTIA, or along a Lloyd pass). */
typedef struct {
    const T *X, *w, *C, *cn;
    const T *mean;               /* (D): the rows are those of X minus mean (zeros: X's own) */
    int64_t n, d, k;
    int32_t *labels;
    double *upper, *lower;       /* (N), (N, NG): the bounds of KM_BOUNDED (bounded_row) */
    double *next;                /* (K): half the distance from each centre to the nearest other */
    double *xn;                  /* (N): ||x_i||, written by a ranking pass with bounds */
    const double *shift;         /* (K): the last centre shifts (KM_BOUNDED) */
    double *gshift;              /* (NG): the largest shift in each group */
    int64_t ng;                  /* NG groups of centres: group g is order[goff[g] .. goff[g+1]) */
    const int32_t *grp, *order;  /* (K), (K): each centre's group; the centres by group */
    const int64_t *goff;         /* (NG + 1) */
    double cmax, eps;            /* max_j ||c_j||; the GEMM's relative rounding bound (bounds_eps) */
    double *gs, *part;
    const int32_t *prev;         /* (N) or NULL: the labels of the pass whose group sums gs still holds */
    T *tiles;                    /* per thread a tile (see take_tiles), tile_slice apart */
    int64_t tile_slice;
} MLC_SFX(km_pass);

/* c's tiles for a team of `team` threads, from the arena a (see mlc_arena): per thread the GEMM's
 * output (KM_TILE, K), its gathered rows (KM_TILE, D), their indices (KM_TILE) and a row's
 * distances (K, float64). */
static void MLC_SFX(take_tiles)(MLC_SFX(km_pass) *c, mlc_arena *a, int team) {
    c->tile_slice = (int64_t)(mlc_line_bytes(sizeof(T) * KM_TILE * (c->k + c->d) +
                                             sizeof(int64_t) * KM_TILE + sizeof(double) * c->k) / sizeof(T));
    c->tiles = mlc_arena_take(a, sizeof(T) * (size_t)(team * c->tile_slice));
}

static inline void MLC_SFX(accumulate)(double *gs, const T *x, const T *m, double w, int32_t label, int64_t d,
                                       int64_t k) {
    double *s = gs + (int64_t)label * d;
#pragma omp simd
    for (int64_t t = 0; t < d; t++) s[t] += w * (double)(T)(x[t] - m[t]);
    gs[k * d + label] += w;
}

/* A bound on the rounding of the GEMM ranking relative to (||x|| + max ||c||)^2 (and on that of the
 * bounds, which are float64): 4 D + 128 units of T's roundoff, twice the worst case of a D-term dot. */
static double MLC_SFX(bounds_eps)(int64_t d) {
    return (double)(4 * d + 128) * (sizeof(T) == sizeof(float) ? 0x1p-24 : 0x1p-53);
}

// ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2: one GEMM per tile ranks the centres of its rows
// (||x||^2 is the same for every centre and is left out, as scikit-learn does). Every GEMM has the
// same shape (KM_TILE rows, zero rows padding a short tile), so a row gets the same bits whether it
// is ranked in its own tile or gathered with others (KM_BOUNDED).
// rows (KM_TILE, D) in: the rows idx[0..m) of X; D (KM_TILE, K) scratch
static void MLC_SFX(rank_tile)(const MLC_SFX(km_pass) *c, T *D, const T *rows, const int64_t *idx, int64_t m) {
    const int64_t k = c->k, d = c->d;
    for (int64_t r = 0; r < KM_TILE; r++) memcpy(D + r * k, c->cn, sizeof(T) * k);
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)KM_TILE, (mlc_blasint)k, (mlc_blasint)d,
         (T)-2.0, rows, (mlc_blasint)d, c->C, (mlc_blasint)d, (T)1.0, D, (mlc_blasint)k);
    for (int64_t r = 0; r < m; r++) {
        const T *row = D + r * k;
        int32_t best = 0;
        T min = row[0];
        for (int64_t j = 1; j < k; j++)
            if (row[j] < min) {
                min = row[j];
                best = (int32_t)j;
            }
        const int64_t i = idx[r];
        c->labels[i] = best;
        if (c->upper) {
            // the row's distances are the GEMM's values + ||x||^2 to within e: bounds for KM_BOUNDED
            if (c->shift == NULL) c->xn[i] = sqrt(MLC_SFX(sqdist0)(rows + r * d, d));
            const double xx = c->xn[i] * c->xn[i], xe = c->xn[i] + c->cmax, e = c->eps * xe * xe;
            double *lb = c->lower + i * c->ng;
            for (int64_t g = 0; g < c->ng; g++) lb[g] = INFINITY;
            for (int64_t j = 0; j < k; j++)
                if (j != best) lb[c->grp[j]] = MLC_MIN(lb[c->grp[j]], (double)row[j]);
            for (int64_t g = 0; g < c->ng; g++) lb[g] = sqrt(MLC_MAX(0.0, lb[g] + xx - e));
            c->upper[i] = sqrt(MLC_MAX(0.0, (double)min + xx + e));
        }
    }
}

/* Row i of a KM_BOUNDED pass, its bounds first moved by the last centre shifts (Yinyang k-means:
 * Ding et al., ICML 2015; with one centre per group it is Elkan's algorithm, with one group
 * Hamerly's). u >= d(x, c_a); lb_g <= d(x, c_j) for the centres j != a of group g; 2 next_a - u <=
 * d(x, c_j) for every j != a. Centre b is the plain pass's choice when d_b^2 + 2e < d_j^2 for every
 * j != b (e bounding the GEMM's rounding, so that the GEMM ranks b strictly first). Tried in turn:
 * the moved bounds; u made exact; exact distances to the centres of the groups the bounds do not rule
 * out. Returns 1 when the label (kept or changed) and the bounds are set, 0 when the row is a near
 * tie that the GEMM must rank, or one that the GEMM ranks for less. dist (K) scratch */
static inline int MLC_SFX(bounded_row)(const MLC_SFX(km_pass) *c, int64_t i, double *dist) {
    const int64_t d = c->d, ng = c->ng;
    const T *x = c->X + i * d;
    const int32_t a = c->labels[i];
    double *lb = c->lower + i * ng;
    double u = c->upper[i] + c->shift[a], m[KM_LANES], glob = INFINITY;
    int64_t g0 = 0;
    for (int l = 0; l < KM_LANES; l++) m[l] = INFINITY;
    for (; g0 + KM_LANES <= ng; g0 += KM_LANES)
        for (int l = 0; l < KM_LANES; l++) {
            const double v = lb[g0 + l] - c->gshift[g0 + l];
            lb[g0 + l] = v;
            m[l] = v < m[l] ? v : m[l];
        }
    for (; g0 < ng; g0++) {
        lb[g0] -= c->gshift[g0];
        glob = MLC_MIN(glob, lb[g0]);
    }
    for (int l = 0; l < KM_LANES; l++) glob = MLC_MIN(glob, m[l]);
    const double xe = c->xn[i] + c->cmax, e2 = 2.0 * c->eps * xe * xe;
    double bound = MLC_MAX(glob, 2.0 * c->next[a] - u);
    if (!(bound > 0.0 && u * u + e2 < bound * bound)) {
        u = sqrt(MLC_SFX(sqdist_x)(x, c->mean, c->C + (int64_t)a * d, d));
        bound = MLC_MAX(glob, 2.0 * c->next[a] - u);
    }
    c->upper[i] = u;
    if (bound > 0.0 && u * u + e2 < bound * bound) return 1;
    // the groups that may hold a centre the GEMM could rank at or before a: every distance in them,
    // unless they hold more than a quarter of the centres (a GEMM row ranks them for less)
    const double reach = u * u + e2;
    int64_t todo = 0;
    for (int64_t g = 0; g < ng; g++)
        if (!(lb[g] > 0.0 && lb[g] * lb[g] > reach)) todo += c->goff[g + 1] - c->goff[g];
    if (4 * todo > c->k) return 0;
    int32_t best = a;
    double dbest = u, rest = INFINITY; /* rest: a lower bound on d(x, c_j), j != best, outside the groups */
    for (int64_t g = 0; g < ng; g++) {
        if (lb[g] > 0.0 && lb[g] * lb[g] > reach) {
            rest = MLC_MIN(rest, lb[g]);
            continue;
        }
        for (int64_t t = c->goff[g]; t < c->goff[g + 1]; t++) {
            const int32_t j = c->order[t];
            if (j == a) continue;
            const double dj = sqrt(MLC_SFX(sqdist_x)(x, c->mean, c->C + (int64_t)j * d, d));
            dist[j] = dj;
            if (dj < dbest || (dj == dbest && j < best)) {
                best = j;
                dbest = dj;
            }
        }
        lb[g] = NAN; /* computed: set below */
    }
    // the runner-up: the computed distances other than best's, a's own when a lost, and the bounds
    // of the groups left out (which do not cover a)
    for (int64_t g = 0; g < ng; g++) {
        if (!isnan(lb[g])) continue;
        double m = INFINITY;
        for (int64_t t = c->goff[g]; t < c->goff[g + 1]; t++) {
            const int32_t j = c->order[t];
            if (j != best && j != a) m = MLC_MIN(m, dist[j]);
        }
        lb[g] = m;
        rest = MLC_MIN(rest, m);
    }
    if (best != a) {
        lb[c->grp[a]] = MLC_MIN(lb[c->grp[a]], u);
        rest = MLC_MIN(rest, u);
    }
    if (!(rest > 0.0 && dbest * dbest + e2 < rest * rest)) return 0;
    c->labels[i] = best;
    c->upper[i] = dbest;
    return 1;
}

/* One window of rows [w0, w1) (at most KM_WINDOW): the rows that need it (all of them unless
 * `bounded`) are ranked in tiles of KM_TILE, then every row is added, in row order, to gs (if not
 * NULL) and its weighted squared distance to its centre to *part (if not NULL), as KM_INERTIA does.
 * whole: the window is a whole group and gs holds its sums for the labels c->prev: they stand when
 * no label changed (the same rows added in the same order give the same bits). */
static void MLC_SFX(lloyd_window)(const MLC_SFX(km_pass) *c, T *tile, int64_t w0, int64_t w1, int bounded,
                                  int whole, double *gs, double *part) {
    const int64_t k = c->k, d = c->d;
    T *D = tile, *G = tile + KM_TILE * k;
    int64_t *idx = (int64_t *)(G + KM_TILE * d);
    double *dist = (double *)(idx + KM_TILE);
    int64_t m = 0;
    for (int64_t i = w0; i <= w1; i++) {
        if (i < w1) {
            if (bounded && MLC_SFX(bounded_row)(c, i, dist)) continue;
            idx[m++] = i;
            if (m < KM_TILE) continue;
        }
        if (m == 0) continue;
        for (int64_t r = 0; r < m; r++) {
            const T *x = c->X + idx[r] * d;
            T *g = G + r * d;
#pragma omp simd
            for (int64_t t = 0; t < d; t++) g[t] = x[t] - c->mean[t];
        }
        memset(G + m * d, 0, sizeof(T) * (KM_TILE - m) * d);
        MLC_SFX(rank_tile)(c, D, G, idx, m);
        m = 0;
    }
    if (gs && whole) {
        if (memcmp(c->labels + w0, c->prev + w0, sizeof(int32_t) * (size_t)(w1 - w0)) == 0) gs = NULL;
        else memset(gs, 0, sizeof(double) * (size_t)(k * d + k));
    }
    for (int64_t i = w0; i < w1 && (gs || part); i++) {
        const T *x = c->X + i * d;
        const double wi = c->w ? (double)c->w[i] : 1.0;
        if (gs) MLC_SFX(accumulate)(gs, x, c->mean, wi, c->labels[i], d, k);
        if (part) *part += wi * MLC_SFX(sqdist_x)(x, c->mean, c->C + (int64_t)c->labels[i] * d, d);
    }
}

/* One pass over all rows in `mode`, parallel over the groups of blocks. */
static int MLC_SFX(run_pass)(const MLC_SFX(km_pass) *c, int mode, int n_threads, const mlc_progress *p) {
    const int64_t n = c->n, d = c->d, k = c->k;
    const int64_t stride = k * d + k;
    const mlc_chunks ch = sum_groups_of(n, stride);
    const int64_t groups = ch.count;
    const int team = pass_team(n, mode == KM_INERTIA ? n * d : n * d * k, n_threads);
    mlc_par par = mlc_par_init(p);
    const int lloyd = mode == KM_LLOYD || mode == KM_BOUNDED;
    if (lloyd) mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        T *tile = lloyd ? c->tiles + omp_get_thread_num() * c->tile_slice : NULL;
#pragma omp for schedule(dynamic, 1)
        for (int64_t g = 0; g < groups; g++) {
            if (mlc_par_halted(&par)) continue;
            double *gs = c->gs ? c->gs + g * stride : NULL;
            double part = 0.0;
            const int64_t r0 = group_begin(ch, g), r1 = MLC_MIN(n, group_begin(ch, g + 1));
            const int whole = c->prev != NULL && r1 - r0 <= KM_WINDOW;
            if (gs && !whole) memset(gs, 0, sizeof(double) * stride);
            for (int64_t i0 = r0; i0 < r1; i0 += KM_WINDOW) {
                const int64_t nb = MLC_MIN(KM_WINDOW, r1 - i0);
                switch (mode) {
                case KM_LLOYD:
                case KM_BOUNDED:
                    MLC_SFX(lloyd_window)(c, tile, i0, i0 + nb, mode == KM_BOUNDED, whole, gs, c->part ? &part : NULL);
                    break;
                default:
                    for (int64_t i = i0; i < i0 + nb; i++)
                        part += (c->w ? (double)c->w[i] : 1.0) *
                                MLC_SFX(sqdist_x)(c->X + i * d, c->mean, c->C + (int64_t)c->labels[i] * d, d);
                }
            }
            if (c->part) c->part[g] = part;
            mlc_par_tick(&par, g, groups);
        }
    }
    if (lloyd) mlc_blas_single_end();
    return mlc_par_status(&par);
}

/* A pass in `mode` that also sums the weighted inertia sum_i w_i ||x_i - C[labels_i]||^2 (with the
 * labels it sets, unless KM_INERTIA), in group order. part (G) scratch */
static int MLC_SFX(inertia)(double *out, MLC_SFX(km_pass) *c, double *part, int mode, int n_threads,
                            const mlc_progress *p) {
    c->part = part;
    int st = MLC_SFX(run_pass)(c, mode, n_threads, p);
    c->part = NULL;
    if (st != MLC_OK) return st;
    *out = mlc_chunks_sum(part, sum_groups_of(c->n, c->k * c->d + c->k).count);
    return MLC_OK;
}

/* The M-step's end, once empty clusters were relocated: c_new (K, D) out, the weighted means of sums
 * (K*D + K) in (a cluster still without weight copies the heaviest one); shift (K) out: ||c_new_j - c_old_j||. */
static void MLC_SFX(centres_from_sums)(T *c_new, double *shift, const double *sums, const T *c_old, int64_t d,
                                       int64_t k) {
    const double *wsum = sums + k * d;
    const int64_t heavy = argmax(wsum, k);
    for (int64_t j = 0; j < k; j++) {
        if (!(wsum[j] > 0.0)) continue;
        const double alpha = 1.0 / wsum[j];
        for (int64_t t = 0; t < d; t++) c_new[j * d + t] = (T)(sums[j * d + t] * alpha);
    }
    for (int64_t j = 0; j < k; j++) {
        if (!(wsum[j] > 0.0)) memcpy(c_new + j * d, c_new + heavy * d, sizeof(T) * d);
        shift[j] = sqrt(MLC_SFX(sqdist)(c_new + j * d, c_old + j * d, d));
    }
}

/* The M-step. sums (K*D + K) inout: weighted sums and weights per cluster from the E-step.
 *   c_new (K, D) out; shift (K) out: ||c_new_j - c_old_j||; dist (N) scratch
 * A cluster left without weight takes the sample farthest from its own centre (the farthest for
 * the first empty cluster, the next farthest for the second, ...; rows of weight 0 excluded), which
 * leaves its old cluster, as scikit-learn does; if every sample sits on its centre, nothing moves. A cluster still
 * without weight then copies the centre of the heaviest cluster. */
static void MLC_SFX(mstep)(T *c_new, double *shift, double *sums, const T *X, const T *mean, const T *w,
                           const T *c_old, const int32_t *labels, int64_t n, int64_t d, int64_t k, double *dist) {
    double *wsum = sums + k * d;
    int64_t n_empty = 0;
    for (int64_t j = 0; j < k; j++) n_empty += wsum[j] == 0.0;
    if (n_empty > 0) {
        // a row of weight 0 counts as absent: it is never moved into an empty cluster
        for (int64_t i = 0; i < n; i++)
            dist[i] = w && !(w[i] > 0) ? -1.0 : MLC_SFX(sqdist_x)(X + i * d, mean, c_old + (int64_t)labels[i] * d, d);
        if (dist[argmax(dist, n)] > 0.0) {
            for (int64_t j = 0; j < k; j++) {
                if (wsum[j] != 0.0) continue;
                const int64_t far = argmax(dist, n);
                dist[far] = -1.0;
                const double wt = w ? (double)w[far] : 1.0;
                const int64_t old = labels[far];
                for (int64_t t = 0; t < d; t++) {
                    const double v = (double)(T)(X[far * d + t] - mean[t]) * wt;
                    sums[old * d + t] -= v;
                    sums[j * d + t] = v;
                }
                wsum[j] = wt;
                wsum[old] -= wt;
            }
        }
    }
    MLC_SFX(centres_from_sums)(c_new, shift, sums, c_old, d, k);
}

/* next (K) out: half the distance from each centre of C (K, D) to the nearest other one. */
static void MLC_SFX(half_nearest)(double *next, const T *C, int64_t k, int64_t d) {
    for (int64_t a = 0; a < k; a++) next[a] = INFINITY;
    for (int64_t a = 0; a < k; a++)
        for (int64_t b = a + 1; b < k; b++) {
            const double h = 0.5 * sqrt(MLC_SFX(sqdist)(C + a * d, C + b * d, d));
            next[a] = MLC_MIN(next[a], h);
            next[b] = MLC_MIN(next[b], h);
        }
}

/* The NG groups of KM_BOUNDED from the centres C (K, D) in: NG = K puts each centre in a
 * group of its own; otherwise the groups are a few Lloyd steps on the centres themselves, seeded
 * with every (K / NG)-th one (Yinyang's grouping). grp (K) out; order (K) out; goff (NG + 1) out;
 * gc (NG, D) scratch */
static void MLC_SFX(centre_groups)(int32_t *grp, int32_t *order, int64_t *goff, double *gc, const T *C,
                                   int64_t k, int64_t d, int64_t ng) {
    for (int64_t j = 0; j < k; j++) grp[j] = (int32_t)(j * ng / k);
    for (int64_t step = 0; step < 5 && ng < k; step++) {
        for (int64_t g = 0; g < ng; g++) {
            const T *seed = C + (g * k / ng) * d;
            double cnt = 0.0;
            for (int64_t t = 0; t < d; t++) gc[g * d + t] = 0.0;
            for (int64_t j = 0; j < k; j++) {
                if (grp[j] != g) continue;
                cnt += 1.0;
                for (int64_t t = 0; t < d; t++) gc[g * d + t] += (double)C[j * d + t];
            }
            for (int64_t t = 0; t < d; t++) gc[g * d + t] = cnt > 0.0 ? gc[g * d + t] / cnt : (double)seed[t];
        }
        for (int64_t j = 0; j < k; j++) {
            double best = INFINITY;
            for (int64_t g = 0; g < ng; g++) {
                double s2 = 0.0;
                for (int64_t t = 0; t < d; t++) {
                    const double v = (double)C[j * d + t] - gc[g * d + t];
                    s2 += v * v;
                }
                if (s2 < best) {
                    best = s2;
                    grp[j] = (int32_t)g;
                }
            }
        }
    }
    for (int64_t g = 0; g <= ng; g++) goff[g] = 0;
    for (int64_t j = 0; j < k; j++) goff[grp[j] + 1]++;
    for (int64_t g = 0; g < ng; g++) goff[g + 1] += goff[g];
    for (int64_t j = 0, g = 0; g < ng; g++)
        for (int64_t t = 0; t < k; t++)
            if (grp[t] == g) order[j++] = (int32_t)t;
}

/* Before a Lloyd pass against c->C: cn (K) out, its squared norms; with bounds (c->upper), the
 * centre geometry bounded_row needs, and the last shifts (K) in (NULL before the first pass, which
 * ranks every row and sets the bounds). */
static void MLC_SFX(lloyd_prepare)(MLC_SFX(km_pass) *c, T *cn, const double *shift) {
    const int64_t k = c->k, d = c->d;
    MLC_SFX(sqnorms)(cn, c->C, k, d);
    c->shift = shift;
    if (!c->upper) return;
    MLC_SFX(half_nearest)(c->next, c->C, k, d);
    c->cmax = 0.0;
    for (int64_t j = 0; j < k; j++) c->cmax = MLC_MAX(c->cmax, sqrt(MLC_SFX(sqdist0)(c->C + j * d, d)));
    for (int64_t g = 0; g < c->ng; g++) c->gshift[g] = 0.0;
    for (int64_t j = 0; shift && j < k; j++) c->gshift[c->grp[j]] = MLC_MAX(c->gshift[c->grp[j]], shift[j]);
}

/* Solver: k-means from given centres,
 *   min_{C, labels} sum_i w_i ||x_i - c_{labels_i}||^2,
 * alternating assignment (each row to its nearest centre, ties to the lower index) and update
 * (each centre to the weighted mean of its rows), Lloyd (1982). Stops when the labels repeat
 * (strict convergence), when the summed squared centre shift is <= tol, or after max_iter
 * iterations; unless the labels repeated, a last assignment matches them to the final centres.
 * The inertia is then summed directly (not from the GEMM identity).
 *
 * The assignment ranks a row's centres by ||c||^2 - 2 x.c, one GEMM per tile of rows (rank_tile).
 * With `bounds`, a row is ranked only when bounds on its distances, carried from one iteration to
 * the next through the centre shifts, cannot show which centre that GEMM would rank first, with a
 * margin for its rounding (bounded_row): the labels, centres, inertia and iterations are those of
 * ranking every row, bit for bit. Lloyd and Elkan both keep Yinyang's bounds (Ding et al., "Yinyang
 * K-Means", ICML 2015): one upper bound and one lower bound per group of about 10 centres, N x
 * ceil(K / 10) float64. (Elkan's one lower bound per centre, N x K float64, cost more memory traffic
 * than they saved at D = 50 and K = 8 or 64; only the result of scikit-learn's elkan must match.)
 *
 * Writes centers (K, D), labels (N), *inertia, *n_iter. */
int KM_API(mlc_kmeans_fit)(T *centers, int32_t *labels, double *inertia, int64_t *n_iter, const T *X,
                      const T *w, const T *mean, int64_t n, int64_t d, int64_t k, int algorithm, int64_t max_iter,
                      double tol, int bounds, int n_threads, const mlc_progress *p) {
    if (mlc_kmeans_check_params(n, d, k, algorithm, max_iter, tol)) return MLC_EINVAL;
    const int64_t ng = (k + 9) / 10;
    const int64_t stride = k * d + k, groups = sum_groups_of(n, stride).count;
    // the whole fit's scratch, one block (mlc_arena): sized on the first pass, carved on the second
    mlc_arena a = {NULL, 0};
    T *buf, *zeros = NULL;
    double *gs, *upper = NULL, *lower = NULL, *next = NULL, *dist, *xn = NULL, *gshift = NULL;
    int32_t *labels_old, *grp = NULL, *order = NULL;
    int64_t *goff = NULL;
    MLC_SFX(km_pass) c = {.X = X, .w = w, .n = n, .d = d, .k = k, .labels = labels};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        buf = mlc_arena_take(&a, sizeof(T) * (2 * k * d + k));
        if (mean == NULL) zeros = mlc_arena_take(&a, sizeof(T) * d);
        gs = mlc_arena_take(&a, sizeof(double) * (groups * stride + stride + k + groups));
        labels_old = mlc_arena_take(&a, sizeof(int32_t) * n);
        dist = mlc_arena_take(&a, sizeof(double) * MLC_MAX(n, ng * d));
        if (bounds) {
            upper = mlc_arena_take(&a, sizeof(double) * n);
            lower = mlc_arena_take(&a, sizeof(double) * n * ng);
            xn = mlc_arena_take(&a, sizeof(double) * n);
            next = mlc_arena_take(&a, sizeof(double) * (k + ng));
            grp = mlc_arena_take(&a, sizeof(int32_t) * 2 * k);
            goff = mlc_arena_take(&a, sizeof(int64_t) * (ng + 1));
        }
        MLC_SFX(take_tiles)(&c, &a, pass_team(n, n * d * k, n_threads));
    }
    int st = MLC_OK;
    T *cur = buf, *nxt = buf + k * d, *cn = buf + 2 * k * d;
    double *sums = gs + groups * stride, *shift = sums + stride, *part = shift + k;
    memcpy(cur, centers, sizeof(T) * k * d);
    for (int64_t i = 0; i < n; i++) labels_old[i] = -1;
    if (mean == NULL) memset(zeros, 0, sizeof(T) * d);
    c.mean = mean ? mean : zeros;
    c.C = cur;
    c.cn = cn;
    if (bounds) {
        order = grp + k;
        gshift = next + k;
        MLC_SFX(centre_groups)(grp, order, goff, dist, cur, k, d, ng);
        c = (MLC_SFX(km_pass)){.X = X, .w = w, .mean = c.mean, .C = cur, .cn = cn, .n = n, .d = d, .k = k, .labels = labels,
                               .upper = upper, .lower = lower, .next = next, .xn = xn,
                               .gshift = gshift, .ng = ng, .grp = grp, .order = order, .goff = goff,
                               .eps = MLC_SFX(bounds_eps)(d), .tiles = c.tiles, .tile_slice = c.tile_slice};
    }
    int strict = 0;
    int64_t it = 0;
    for (; it < max_iter; it++) {
        c.C = cur;
        c.gs = gs;
        c.prev = it > 0 ? labels_old : NULL;
        MLC_SFX(lloyd_prepare)(&c, cn, it > 0 ? shift : NULL);
        st = MLC_SFX(run_pass)(&c, bounds && it > 0 ? KM_BOUNDED : KM_LLOYD, n_threads, p);
        if (st != MLC_OK) goto done;
        mlc_chunks_merge(sums, gs, groups, stride, stride);
        MLC_SFX(mstep)(nxt, shift, sums, X, c.mean, w, cur, labels, n, d, k, dist);
        T *tmp = cur;
        cur = nxt;
        nxt = tmp;
        const int stop = lloyd_stop(labels_old, labels, shift, n, k, tol);
        strict = stop == KM_STOP_STRICT;
        if (stop) break;
        if (mlc_progress_tick(p, it, max_iter)) {
            st = MLC_EINTERRUPTED;
            goto done;
        }
    }
    *n_iter = MLC_MIN(it + 1, max_iter);
    c.C = cur;
    c.gs = NULL;
    if (!strict) MLC_SFX(lloyd_prepare)(&c, cn, shift);
    st = MLC_SFX(inertia)(inertia, &c, part, strict ? KM_INERTIA : bounds ? KM_BOUNDED : KM_LLOYD, n_threads, p);
    if (st == MLC_OK) memcpy(centers, cur, sizeof(T) * k * d);
done:
    mlc_free(a.base);
    return st;
}

/* The column means of X and the mean of its column variances in one pass (the fit's centring and
 * tolerance, without a centred copy of X). Each group sums v = x - s and v^2 per column, with s = X's
 * first row (a shift that keeps the squares from cancelling); the groups merge in order. */
int KM_API(mlc_kmeans_moments)(double *mean, double *var, const T *X, int64_t n, int64_t d, int n_threads) {
    if (n < 1 || d < 1) return MLC_EINVAL;
    const mlc_chunks ch = groups_of(n);
    const int64_t groups = ch.count;
    double *part = mlc_malloc(sizeof(double) * (size_t)(2 * d * (groups + 1)));
    if (part == NULL) return MLC_ENOMEM;
    double *acc = part + 2 * d * groups;
    const int team = pass_team(n, n * d, n_threads);
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
    for (int64_t g = 0; g < groups; g++) {
        double *a = part + 2 * d * g, *q = a + d;
        for (int64_t t = 0; t < 2 * d; t++) a[t] = 0.0;
        const int64_t r1 = MLC_MIN(n, group_begin(ch, g + 1));
        for (int64_t i = group_begin(ch, g); i < r1; i++) {
            const T *x = X + i * d;
#pragma omp simd
            for (int64_t t = 0; t < d; t++) {
                const double v = (double)x[t] - (double)X[t];
                a[t] += v;
                q[t] += v * v;
            }
        }
    }
    mlc_chunks_merge(acc, part, groups, 2 * d, 2 * d);
    double v = 0.0;
    for (int64_t t = 0; t < d; t++) {
        const double m = acc[t] / (double)n;
        mean[t] = (double)X[t] + m;
        v += MLC_MAX(0.0, acc[d + t] / (double)n - m * m);
    }
    *var = v / (double)d;
    mlc_free(part);
    return MLC_OK;
}

/* One block (a) for a Lloyd pass over c's rows outside a fit: cn (K) out, c's tiles, c's zero mean and
 * n_extra doubles (extra out). */
static int MLC_SFX(lloyd_scratch)(T **cn, double **extra, mlc_arena *a, MLC_SFX(km_pass) *c, int64_t n_extra,
                                  int n_threads) {
    *a = (mlc_arena){NULL, 0};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(a) != MLC_OK) return MLC_ENOMEM;
        *cn = mlc_arena_take(a, sizeof(T) * (c->k + c->d));
        *extra = mlc_arena_take(a, sizeof(double) * n_extra);
        MLC_SFX(take_tiles)(c, a, pass_team(c->n, c->n * c->d * c->k, n_threads));
    }
    memset(*cn + c->k, 0, sizeof(T) * c->d);
    c->mean = *cn + c->k; /* the rows as they are */
    return MLC_OK;
}

int KM_API(mlc_kmeans_assign)(int32_t *labels, double *inertia, const T *X, const T *w, const T *centers,
                         int64_t n, int64_t d, int64_t k, int n_threads, const mlc_progress *p) {
    if (n < 1 || d < 1 || k < 1 || k > INT32_MAX) return MLC_EINVAL; /* n < k is fine here */
    mlc_arena a;
    T *cn;
    double *part;
    MLC_SFX(km_pass) c = {.X = X, .w = w, .C = centers, .n = n, .d = d, .k = k, .labels = labels};
    if (MLC_SFX(lloyd_scratch)(&cn, &part, &a, &c, sum_groups_of(n, k * d + k).count, n_threads) != MLC_OK)
        return MLC_ENOMEM;
    MLC_SFX(sqnorms)(cn, centers, k, d);
    c.cn = cn;
    int st = inertia ? MLC_SFX(inertia)(inertia, &c, part, KM_LLOYD, n_threads, p)
                     : MLC_SFX(run_pass)(&c, KM_LLOYD, n_threads, p);
    mlc_free(a.base);
    return st;
}

/* The mini-batch move of the centres (K, D) inout and weight_sums (K) inout by the batch's sums
 * (K*D + K) in (kmeans.h). */
static void MLC_SFX(minibatch_update)(T *centers, double *weight_sums, const double *sums, int64_t d, int64_t k) {
    for (int64_t j = 0; j < k; j++) {
        const double ws = sums[k * d + j];
        if (!(ws > 0.0)) continue;
        const double wold = weight_sums[j], alpha = 1.0 / (wold + ws);
        for (int64_t t = 0; t < d; t++)
            centers[j * d + t] = (T)(((double)centers[j * d + t] * wold + sums[j * d + t]) * alpha);
        weight_sums[j] = wold + ws;
    }
}

int KM_API(mlc_kmeans_minibatch_step)(T *centers, double *weight_sums, int32_t *labels, double *inertia,
                                 const T *X, const T *w, int64_t b, int64_t d, int64_t k,
                                 int n_threads, const mlc_progress *p) {
    if (b < 1 || d < 1 || k < 1 || k > INT32_MAX) return MLC_EINVAL;
    const int64_t stride = k * d + k, groups = sum_groups_of(b, stride).count;
    mlc_arena a;
    T *cn;
    double *gs;
    MLC_SFX(km_pass) c = {.X = X, .w = w, .C = centers, .n = b, .d = d, .k = k, .labels = labels};
    if (MLC_SFX(lloyd_scratch)(&cn, &gs, &a, &c, groups * stride + stride + groups, n_threads) != MLC_OK)
        return MLC_ENOMEM;
    int st;
    {
        double *sums = gs + groups * stride, *part = sums + stride;
        MLC_SFX(sqnorms)(cn, centers, k, d);
        c.cn = cn;
        c.gs = gs;
        st = MLC_SFX(inertia)(inertia, &c, part, KM_LLOYD, n_threads, p);
        if (st == MLC_OK) {
            mlc_chunks_merge(sums, gs, groups, stride, stride);
            MLC_SFX(minibatch_update)(centers, weight_sums, sums, d, k);
        }
    }
    mlc_free(a.base);
    return st;
}

