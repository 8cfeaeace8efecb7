/* kmeans_impl.h: the k-means kernels, written once; kmeans.c includes this file twice, with
 * T = double, SFX = f64 and with T = float, SFX = f32 (mlc.h's MLC_SFX), after kmeans_rank_impl.h.
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

/* What one pass over the rows needs. gs (G, K*D + K) or NULL: group sums to accumulate;
 * part (G) or NULL: per-group weighted inertia (KM_INERTIA, or along a Lloyd pass). */
typedef struct {
    const T *X, *w, *C;
    T *P, *cn;                   /* (NP, D, KM_W), (KP): the ranking panels of C (rank_panels), by columns */
    const T *mean;               /* (D): the rows are those of X minus mean (zeros: X's own) */
    int64_t n, d, k, np;         /* np: panels of KM_W centres */
    int32_t *labels;
    double *upper, *lower;       /* (N), (N, NG): the bounds of KM_BOUNDED (bounded_row) */
    double *next;                /* (K): half the distance from each centre to the nearest other */
    double *xn;                  /* (N): ||x_i||, written by a ranking pass with bounds */
    const double *shift;         /* (K): the last centre shifts (KM_BOUNDED) */
    double *gshift;              /* (NG): the largest shift in each group */
    int64_t ng;                  /* NG groups of centres: group g is order[goff[g] .. goff[g+1]) */
    const int32_t *grp, *order;  /* (K), (K): each centre's group; the centres by group, the panels' columns */
    const int64_t *goff;         /* (NG + 1) */
    double cmax, eps;            /* max_j ||c_j||; the ranking's relative rounding bound (bounds_eps) */
    int tighten;                 /* queue_row makes u exact (bounded_ways) */
    double *gs, *part;
    const int32_t *prev;         /* (N) or NULL: the labels of the pass whose group sums gs still holds */
    T *tiles;                    /* per thread a tile (see take_tiles), tile_slice apart */
    int64_t tile_slice;
} MLC_SFX(km_pass);

/* A thread's rows waiting to be ranked (at most KM_TILE, in slots), carved from its tile (queue_of). */
typedef struct {
    T *V, *G;              /* (KM_TILE, KP), (KM_TILE, D): the slots' values and rows (centred) */
    int64_t *idx, *full;   /* (KM_TILE), (KM_TILE): each slot's row; the slots to rank against every panel */
    double *ua, *glob;     /* (KM_TILE): an upper bound on d(x, c_a) (bounded rows); (KM_WINDOW): fail's bounds */
    int32_t *gl, *pl;      /* (KM_TILE, NG), (KM_TILE, NP): a slot's groups and their panels (npl[s] < NP) */
    int32_t *ngl, *npl;    /* (KM_TILE), (KM_TILE): their counts, npl[s] = NP for a slot ranked in full */
    int32_t *ps, *pp;      /* (KM_TILE * NP), (KM_TILE * NP): the pairs (slot, panel) of the partial slots */
    int32_t *fail;         /* (KM_WINDOW): the rows of a window whose moved bounds failed (moved_row) */
    uint8_t *hit;          /* (K): the clusters whose rows changed in a window (zeros between windows) */
    int64_t m;             /* slots taken */
} MLC_SFX(km_queue);

/* The bytes of a queue (carve NULL), or the queue carved from tile. */
static size_t MLC_SFX(queue_carve)(MLC_SFX(km_queue) *q, void *tile, int64_t k, int64_t d, int64_t np, int64_t ng) {
    const int64_t kp = np * KM_W;
    char *b = tile;
    size_t at = 0;
#define KM_CARVE(field, bytes) (q ? (void)(q->field = (void *)(b + at)) : (void)0, at += (size_t)(bytes))
    KM_CARVE(V, sizeof(T) * KM_TILE * kp);
    KM_CARVE(G, sizeof(T) * KM_TILE * d);
    at = (at + 7) & ~(size_t)7;
    KM_CARVE(idx, sizeof(int64_t) * KM_TILE);
    KM_CARVE(full, sizeof(int64_t) * KM_TILE);
    KM_CARVE(ua, sizeof(double) * KM_TILE);
    KM_CARVE(glob, sizeof(double) * KM_WINDOW);
    KM_CARVE(gl, sizeof(int32_t) * KM_TILE * ng);
    KM_CARVE(pl, sizeof(int32_t) * KM_TILE * np);
    KM_CARVE(ngl, sizeof(int32_t) * KM_TILE);
    KM_CARVE(npl, sizeof(int32_t) * KM_TILE);
    KM_CARVE(ps, sizeof(int32_t) * KM_TILE * np);
    KM_CARVE(pp, sizeof(int32_t) * KM_TILE * np);
    KM_CARVE(fail, sizeof(int32_t) * KM_WINDOW);
    KM_CARVE(hit, k);
#undef KM_CARVE
    if (q) q->m = 0;
    return at;
}

/* c's ranking panels and norms, and a queue's tile for each of a team of `team` threads, from the arena a (see
 * mlc_arena). */
static void MLC_SFX(take_tiles)(MLC_SFX(km_pass) *c, mlc_arena *a, int team) {
    c->np = (c->k + KM_W - 1) / KM_W;
    const int64_t kp = c->np * KM_W;
    c->P = mlc_arena_take(a, sizeof(T) * (size_t)(kp * (c->d + 1)));
    c->cn = c->P + kp * c->d;
    c->tile_slice = (int64_t)(mlc_line_bytes(MLC_SFX(queue_carve)(NULL, NULL, c->k, c->d, c->np, c->ng)) / sizeof(T));
    c->tiles = mlc_arena_take(a, sizeof(T) * (size_t)(team * c->tile_slice));
}

static inline void MLC_SFX(accumulate)(double *gs, const T *x, const T *m, double w, int32_t label, int64_t d,
                                       int64_t k) {
    double *s = gs + (int64_t)label * d;
#pragma omp simd
    for (int64_t t = 0; t < d; t++) s[t] += w * (double)(T)(x[t] - m[t]);
    gs[k * d + label] += w;
}

/* A bound on the rounding of the ranking (kmeans_rank_impl.h) relative to (||x|| + max ||c||)^2 (and on that
 * of the bounds, which are float64): 4 D + 128 units of T's roundoff, twice the worst case of a D-term dot. */
static double MLC_SFX(bounds_eps)(int64_t d) {
    return (double)(4 * d + 128) * (sizeof(T) == sizeof(float) ? 0x1p-24 : 0x1p-53);
}

/* Row i's label and (with bounds) its bounds from its ranking values v (KP) in, over the columns of the groups
 * gl (ngl) (gl NULL: every column; then with bounds, every group): the centre ranked first, ties to the lower
 * index, and ||x||^2 + v to within e for its distances. xc (D) in: the row centred (its norm on the first
 * pass); ua: an upper bound on its distance to its old label (INFINITY if none). */
static void MLC_SFX(rank_settle)(const MLC_SFX(km_pass) *c, int64_t i, const T *v, const T *xc, const int32_t *gl,
                                 int64_t ngl, double ua) {
    if (c->upper == NULL) { // columns in centre order
        int32_t best = 0;
        T min = v[0];
        for (int64_t j = 1; j < c->k; j++) {
            best = v[j] < min ? (int32_t)j : best;
            min = v[j] < min ? v[j] : min;
        }
        c->labels[i] = best;
        return;
    }
    if (gl == NULL) ngl = c->ng;
    // per group its smallest value m1, the first column holding it (a group lists its centres in increasing
    // order: the lowest index), and its second smallest m2; the row's first centre is the least m1 (ties: the
    // lower index), the groups' bounds their m1 but that group's, its m2
    double *lb = c->lower + i * c->ng, min = INFINITY, min2 = INFINITY;
    int64_t gb = 0;
    int32_t jb = INT32_MAX;
    for (int64_t s = 0; s < ngl; s++) {
        const int64_t g = gl ? gl[s] : s, q0 = c->goff[g], q1 = c->goff[g + 1];
        T m1 = v[q0], m2 = (T)INFINITY;
        int64_t qm = q0;
        for (int64_t q = q0 + 1; q < q1; q++) {
            const T x = v[q], hi = x > m1 ? x : m1;
            m2 = hi < m2 ? hi : m2;
            qm = x < m1 ? q : qm;
            m1 = x < m1 ? x : m1;
        }
        lb[g] = (double)m1;
        if ((double)m1 < min || ((double)m1 == min && c->order[qm] < jb)) {
            min = (double)m1;
            min2 = (double)m2;
            gb = g;
            jb = c->order[qm];
        }
    }
    lb[gb] = min2;
    // the row's distances are its values + ||x||^2 to within e
    if (c->shift == NULL) c->xn[i] = sqrt(MLC_SFX(sqdist0)(xc, c->d));
    const double xx = c->xn[i] * c->xn[i], xe = c->xn[i] + c->cmax, e = c->eps * xe * xe;
    for (int64_t s = 0; s < ngl; s++) {
        const int64_t g = gl ? gl[s] : s;
        lb[g] = sqrt(MLC_MAX(0.0, lb[g] + xx - e));
    }
    const double u = sqrt(MLC_MAX(0.0, min + xx + e));
    c->upper[i] = jb == c->labels[i] ? MLC_MIN(u, ua) : u;
    c->labels[i] = jb;
}

/* Queue row i in the next slot of q (its row centred into G): against every panel (npl = NP), or against the
 * panels pl (npl) of its groups gl (ngl); ua as rank_settle's. */
static inline void MLC_SFX(enqueue)(const MLC_SFX(km_pass) *c, MLC_SFX(km_queue) *q, int64_t i, int32_t npl, int32_t ngl,
                                    double ua) {
    const int64_t d = c->d, s = q->m++;
    const T *x = c->X + i * d, *m = c->mean; /* m in a local: -fno-strict-aliasing would reload it per element */
    T *g = q->G + s * d;
#pragma omp simd
    for (int64_t t = 0; t < d; t++) g[t] = x[t] - m[t];
    q->idx[s] = i;
    q->npl[s] = npl;
    q->ngl[s] = ngl;
    q->ua[s] = ua;
}

// ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2: the ranking kernel (kmeans_rank_impl.h) ranks the centres of
// the queued rows (||x||^2 is the same for every centre and is left out, as scikit-learn does): the rows
// ranked in full 4 at a time, the panels of the partial ones in (row, panel) pairs 4 at a time. A row gets
// the same bits in any slot, alone or with others, against all panels or some.
static void MLC_SFX(flush)(const MLC_SFX(km_pass) *c, MLC_SFX(km_queue) *q) {
    const int64_t np = c->np, kp = np * KM_W, d = c->d, ng = c->ng;
    int64_t nf = 0, npair = 0;
    for (int64_t s = 0; s < q->m; s++) {
        if (q->npl[s] == np) {
            q->full[nf++] = s;
            continue;
        }
        for (int32_t b = 0; b < q->npl[s]; b++) {
            q->ps[npair] = (int32_t)s;
            q->pp[npair++] = q->pl[s * np + b];
        }
    }
    MLC_SFX(rank_full)(q->V, q->G, nf == q->m ? NULL : q->full, nf, c->P, c->cn, np, d);
    MLC_SFX(rank_pairs)(q->V, q->G, q->ps, q->pp, npair, c->P, c->cn, np, d);
    for (int64_t s = 0; s < q->m; s++) {
        const int partial = q->npl[s] < np;
        MLC_SFX(rank_settle)(c, q->idx[s], q->V + s * kp, q->G + s * d, partial ? q->gl + s * ng : NULL,
                             partial ? q->ngl[s] : 0, q->ua[s]);
    }
    q->m = 0;
}

/* Row i of a KM_BOUNDED pass, its bounds moved by the last centre shifts (Yinyang k-means: Ding et al., ICML
 * 2015; with one centre per group it is Elkan's algorithm, with one group Hamerly's). u >= d(x, c_a); lb_g <=
 * d(x, c_j) for the centres j != a of group g; 2 next_a - u <= d(x, c_j) for every j != a. The label a stands
 * when u^2 + 2e < d_j^2 for every j != a (e bounding the ranking's rounding, so that the ranking puts a
 * strictly first). Returns 1 when the moved bounds show it, else 0 with *glob the smallest group bound. */
static inline int MLC_SFX(moved_row)(const MLC_SFX(km_pass) *c, int64_t i, double *glob) {
    const int64_t ng = c->ng;
    const int32_t a = c->labels[i];
    double *lb = c->lower + i * ng;
    const double u = c->upper[i] + c->shift[a];
    double m[KM_LANES], gm = INFINITY;
    int64_t g0 = 0;
    for (int l = 0; l < KM_LANES; l++) m[l] = INFINITY;
    for (; g0 + KM_LANES <= ng; g0 += KM_LANES)
        for (int l = 0; l < KM_LANES; l++) {
            const double w = lb[g0 + l] - c->gshift[g0 + l];
            lb[g0 + l] = w;
            m[l] = w < m[l] ? w : m[l];
        }
    for (; g0 < ng; g0++) {
        lb[g0] -= c->gshift[g0];
        gm = MLC_MIN(gm, lb[g0]);
    }
    for (int l = 0; l < KM_LANES; l++) gm = MLC_MIN(gm, m[l]);
    c->upper[i] = u;
    *glob = gm;
    const double xe = c->xn[i] + c->cmax, bound = MLC_MAX(gm, 2.0 * c->next[a] - u);
    return bound > 0.0 && u * u + 2.0 * c->eps * xe * xe < bound * bound;
}

/* Row i of a KM_BOUNDED pass whose moved bounds failed (glob: moved_row's): u made exact (c->tighten) may show
 * its label (returns 1); else the row is queued in q (returns 0), against the panels of the groups whose bound
 * does not rule out a centre the ranking could put at or before a, and a's group: a centre j of another group
 * has v_j >= lb^2 - ||x||^2 - e > u^2 - ||x||^2 + e >= v_a, so it cannot rank first. Or against every panel,
 * when that costs about as much (one pair costs 5/4 of a panel in full). */
static inline int MLC_SFX(queue_row)(const MLC_SFX(km_pass) *c, MLC_SFX(km_queue) *q, int64_t i, double glob) {
    const int64_t d = c->d, ng = c->ng, np = c->np;
    const int32_t a = c->labels[i];
    const double *lb = c->lower + i * ng, xe = c->xn[i] + c->cmax, e2 = 2.0 * c->eps * xe * xe;
    double u = c->upper[i], ua = INFINITY;
    if (c->tighten) {
        ua = u = sqrt(MLC_SFX(sqdist_x)(c->X + i * d, c->mean, c->C + (int64_t)a * d, d));
        const double bound = MLC_MAX(glob, 2.0 * c->next[a] - u);
        c->upper[i] = u;
        if (bound > 0.0 && u * u + e2 < bound * bound) return 1;
    }
    const int64_t s = q->m;
    int32_t *gl = q->gl + s * ng, *pl = q->pl + s * np, ngl = 0, npl = 0;
    if (ng > 1) {
        const double reach = u * u + e2;
        const int32_t ga = c->grp[a];
        for (int64_t g = 0; g < ng; g++) {
            if (g != ga && lb[g] > 0.0 && lb[g] * lb[g] > reach) continue;
            gl[ngl++] = (int32_t)g;
            // the panels of its columns, in order, once each
            for (int64_t p = c->goff[g] / KM_W; p <= (c->goff[g + 1] - 1) / KM_W; p++)
                if (npl == 0 || pl[npl - 1] < p) pl[npl++] = (int32_t)p;
        }
    }
    MLC_SFX(enqueue)(c, q, i, ng > 1 && 5 * npl < 4 * np ? npl : (int32_t)np, ngl, ua);
    return 0;
}

/* Whether queue_row makes u exact (one distance, about the cost of ranking two panels): when a row's ranking
 * costs more. */
static void MLC_SFX(bounded_ways)(MLC_SFX(km_pass) *c) {
    c->tighten = c->np > 2;
}

/* One window of rows [w0, w1) (at most KM_WINDOW): the rows that need it (all of them unless `bounded`) are
 * ranked (queued, then flushed KM_TILE at a time), then every row is added, in row order, to gs (if not
 * NULL) and its weighted squared distance to its centre to *part (if not NULL), as KM_INERTIA does.
 * whole: the window is a whole group and gs holds its sums for the labels c->prev: they stand when
 * no label changed (the same rows added in the same order give the same bits). */
static void MLC_SFX(lloyd_window)(const MLC_SFX(km_pass) *c, T *tile, int64_t w0, int64_t w1, int bounded,
                                  int whole, double *gs, double *part) {
    const int64_t k = c->k, d = c->d;
    MLC_SFX(km_queue) q;
    MLC_SFX(queue_carve)(&q, tile, k, d, c->np, c->ng);
    if (bounded) {
        // the rows whose moved bounds fail first, then those rows, each row of X prefetched a few ahead
        int64_t nf = 0;
        for (int64_t i = w0; i < w1; i++)
            if (!MLC_SFX(moved_row)(c, i, q.glob + nf)) q.fail[nf++] = (int32_t)(i - w0);
        for (int64_t f = 0; f < nf; f++) {
            if (f + KM_AHEAD < nf) {
                const char *ahead = (const char *)(c->X + (w0 + q.fail[f + KM_AHEAD]) * d);
                for (int64_t o = 0; o < (int64_t)sizeof(T) * d; o += 64) __builtin_prefetch(ahead + o);
            }
            if (MLC_SFX(queue_row)(c, &q, w0 + q.fail[f], q.glob[f]) || q.m < KM_TILE) continue;
            MLC_SFX(flush)(c, &q);
        }
    } else {
        for (int64_t i = w0; i < w1; i++) {
            MLC_SFX(enqueue)(c, &q, i, (int32_t)c->np, 0, INFINITY);
            if (q.m == KM_TILE) MLC_SFX(flush)(c, &q);
        }
    }
    if (q.m > 0) MLC_SFX(flush)(c, &q);
    const uint8_t *hit = NULL;
    if (gs && whole) {
        // only the clusters a row left or joined are summed again (their rows in order, as a fresh pass
        // adds them); the others' sums stand, bit for bit
        int64_t moved = 0;
        for (int64_t i = w0; i < w1; i++)
            if (c->labels[i] != c->prev[i]) {
                q.hit[c->labels[i]] = q.hit[c->prev[i]] = 1;
                moved++;
            }
        if (moved == 0) gs = NULL;
        for (int64_t j = 0; moved > 0 && j < k; j++)
            if (q.hit[j]) {
                memset(gs + j * d, 0, sizeof(double) * (size_t)d);
                gs[k * d + j] = 0.0;
            }
        hit = q.hit;
    }
    for (int64_t i = w0; i < w1 && (gs || part); i++) {
        const T *x = c->X + i * d;
        const double wi = c->w ? (double)c->w[i] : 1.0;
        if (gs && (hit == NULL || hit[c->labels[i]])) MLC_SFX(accumulate)(gs, x, c->mean, wi, c->labels[i], d, k);
        if (part) *part += wi * MLC_SFX(sqdist_x)(x, c->mean, c->C + (int64_t)c->labels[i] * d, d);
    }
    if (hit) memset(q.hit, 0, (size_t)k);
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

/* tot (K*D + K) inout: the sums of the groups gs (G, K*D + K) in, in a fixed two-level order: the groups of
 * each run of KM_SUPER merged in order into ss (S, K*D + K) inout, then the runs in order (mlc_chunks_merge).
 * With the labels prev (N) in of the pass before, whose merge tot and ss hold, only the (run, cluster) pairs
 * where a row left or joined the cluster are merged again (the others' group sums, and so their merges, are
 * those of the pass before, bit for bit). hit (S, K) scratch, zeros in and out */
static void MLC_SFX(merge_sums)(double *tot, double *ss, uint8_t *hit, const double *gs, const int32_t *prev,
                                const int32_t *labels, int64_t n, int64_t k, int64_t d) {
    const int64_t stride = k * d + k;
    const mlc_chunks ch = sum_groups_of(n, stride);
    const int64_t groups = ch.count, runs = (groups + KM_SUPER - 1) / KM_SUPER;
    if (prev == NULL) {
        for (int64_t r = 0; r < runs; r++)
            mlc_chunks_merge(ss + r * stride, gs + r * KM_SUPER * stride, MLC_MIN(KM_SUPER, groups - r * KM_SUPER),
                             stride, stride);
        mlc_chunks_merge(tot, ss, runs, stride, stride);
        return;
    }
    for (int64_t g = 0; g < groups; g++) {
        uint8_t *h = hit + (g / KM_SUPER) * k;
        const int64_t r1 = MLC_MIN(n, group_begin(ch, g + 1));
        for (int64_t i = group_begin(ch, g); i < r1; i++)
            if (labels[i] != prev[i]) h[labels[i]] = h[prev[i]] = 1;
    }
    for (int64_t j = 0; j < k; j++) {
        int any = 0;
        for (int64_t r = 0; r < runs; r++) {
            if (!hit[r * k + j]) continue;
            hit[r * k + j] = 0;
            any = 1;
            const double *src = gs + r * KM_SUPER * stride;
            const int64_t count = MLC_MIN(KM_SUPER, groups - r * KM_SUPER);
            mlc_chunks_merge(ss + r * stride + j * d, src + j * d, count, d, stride);
            mlc_chunks_merge(ss + r * stride + k * d + j, src + k * d + j, count, 1, stride);
        }
        if (!any) continue;
        mlc_chunks_merge(tot + j * d, ss + j * d, runs, d, stride);
        mlc_chunks_merge(tot + k * d + j, ss + k * d + j, runs, 1, stride);
    }
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

/* Before a Lloyd pass against c->C: its ranking panels; with bounds (c->upper), the centre geometry
 * bounded_row needs, and the last shifts (K) in (NULL before the first pass, which ranks every row and
 * sets the bounds). */
static void MLC_SFX(lloyd_prepare)(MLC_SFX(km_pass) *c, const double *shift) {
    const int64_t k = c->k, d = c->d;
    MLC_SFX(rank_panels)(c->P, c->cn, c->C, c->upper ? c->order : NULL, k, d);
    c->shift = shift;
    if (!c->upper) return;
    MLC_SFX(half_nearest)(c->next, c->C, k, d);
    c->cmax = 0.0;
    for (int64_t j = 0; j < k; j++) c->cmax = MLC_MAX(c->cmax, sqrt(MLC_SFX(sqdist0)(c->C + j * d, d)));
    for (int64_t g = 0; g < c->ng; g++) c->gshift[g] = 0.0;
    for (int64_t j = 0; shift && j < k; j++) c->gshift[c->grp[j]] = MLC_MAX(c->gshift[c->grp[j]], shift[j]);
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

/* One block (a) for a Lloyd pass over c's rows against c->C outside a fit: c's panels and tiles, c's zero
 * mean and n_extra doubles (extra out). */
static int MLC_SFX(lloyd_scratch)(double **extra, mlc_arena *a, MLC_SFX(km_pass) *c, int64_t n_extra,
                                  int n_threads) {
    *a = (mlc_arena){NULL, 0};
    T *zeros;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(a) != MLC_OK) return MLC_ENOMEM;
        zeros = mlc_arena_take(a, sizeof(T) * c->d);
        *extra = mlc_arena_take(a, sizeof(double) * n_extra);
        MLC_SFX(take_tiles)(c, a, pass_team(c->n, c->n * c->d * c->k, n_threads));
    }
    memset(zeros, 0, sizeof(T) * c->d);
    c->mean = zeros; /* the rows as they are */
    MLC_SFX(rank_panels)(c->P, c->cn, c->C, NULL, c->k, c->d);
    return MLC_OK;
}

int KM_API(mlc_kmeans_assign)(int32_t *labels, double *inertia, const T *X, const T *w, const T *centers,
                         int64_t n, int64_t d, int64_t k, int n_threads, const mlc_progress *p) {
    if (n < 1 || d < 1 || k < 1 || k > INT32_MAX) return MLC_EINVAL; /* n < k is fine here */
    mlc_arena a;
    double *part;
    MLC_SFX(km_pass) c = {.X = X, .w = w, .C = centers, .n = n, .d = d, .k = k, .labels = labels};
    if (MLC_SFX(lloyd_scratch)(&part, &a, &c, sum_groups_of(n, k * d + k).count, n_threads) != MLC_OK)
        return MLC_ENOMEM;
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
    double *gs;
    MLC_SFX(km_pass) c = {.X = X, .w = w, .C = centers, .n = b, .d = d, .k = k, .labels = labels};
    if (MLC_SFX(lloyd_scratch)(&gs, &a, &c, groups * stride + stride + groups, n_threads) != MLC_OK)
        return MLC_ENOMEM;
    int st;
    {
        double *sums = gs + groups * stride, *part = sums + stride;
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

