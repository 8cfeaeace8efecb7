/* kmeans_plusplus_impl.h: k-means++ seeding on dense rows or on CSR rows, written once; kmeans.c includes
 * it after kmeans_impl.h for each of T = double / float (SFX f64 / f32). No include guard on purpose. */

/* The rows seeding draws from: dense X (N, D), or (X NULL) a CSR matrix (data, indices, indptr) with
 * xsq (N) its rows' squared norms and y (L, D) float64 zeros, scratch for the candidate rows; perm (N):
 * the rows in content_order. */
typedef struct {
    const T *X;
    const T *data;
    const int32_t *indices;
    const int64_t *indptr;
    const double *xsq;
    double *y;
    int64_t *perm;
    int64_t n, d;
} MLC_SFX(km_rows);

/* row (D) out: row i of r, dense. */
static void MLC_SFX(row_to)(T *row, const MLC_SFX(km_rows) *r, int64_t i) {
    if (r->X) {
        memcpy(row, r->X + i * r->d, sizeof(T) * r->d);
        return;
    }
    memset(row, 0, sizeof(T) * r->d);
    for (int64_t q = r->indptr[i]; q < r->indptr[i + 1]; q++) row[r->indices[q]] = r->data[q];
}

/* dist (L) out: ||x - X[cand[t]]||^2, as sqdist computes each, four candidates at a time (four independent
 * sums keep the adder busy; one alone waits on its own latency). x (D) in; X (N, D) in; cand (L) in */
static inline void MLC_SFX(pp_sqdists)(double *dist, const T *x, const T *X, const int64_t *cand, int64_t L,
                                       int64_t d) {
    int64_t t = 0;
    for (; t + 4 <= L; t += 4) {
        const T *c[4] = {X + cand[t] * d, X + cand[t + 1] * d, X + cand[t + 2] * d, X + cand[t + 3] * d};
        double acc[4][KM_LANES] = {{0.0}}, s[4] = {0.0};
        int64_t j = 0;
        for (; j + KM_LANES <= d; j += KM_LANES)
            for (int u = 0; u < 4; u++)
#pragma omp simd
                for (int l = 0; l < KM_LANES; l++) {
                    const double e = (double)x[j + l] - (double)c[u][j + l];
                    acc[u][l] += e * e;
                }
        for (; j < d; j++)
            for (int u = 0; u < 4; u++) {
                const double e = (double)x[j] - (double)c[u][j];
                s[u] += e * e;
            }
        for (int u = 0; u < 4; u++) dist[t + u] = lanes_sum(acc[u]) + s[u];
    }
    for (; t < L; t++) dist[t] = MLC_SFX(sqdist)(x, X + cand[t] * d, d);
}

/* dots (L) out: the dots of the stored values q0..q1 (data, indices) of a row with the rows of y (L, D), each
 * summed in stored order, four candidates at a time. */
static inline void MLC_SFX(pp_dots)(double *dots, const T *data, const int32_t *indices, int64_t q0, int64_t q1,
                                    const double *y, int64_t L, int64_t d) {
    int64_t t = 0;
    for (; t + 4 <= L; t += 4) {
        const double *y0 = y + t * d, *y1 = y0 + d, *y2 = y1 + d, *y3 = y2 + d;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (int64_t q = q0; q < q1; q++) {
            const double v = (double)data[q];
            const int64_t c = indices[q];
            s0 += v * y0[c];
            s1 += v * y1[c];
            s2 += v * y2[c];
            s3 += v * y3[c];
        }
        dots[t] = s0;
        dots[t + 1] = s1;
        dots[t + 2] = s2;
        dots[t + 3] = s3;
    }
    for (; t < L; t++) {
        double s = 0.0;
        for (int64_t q = q0; q < q1; q++) s += (double)data[q] * y[t * d + indices[q]];
        dots[t] = s;
    }
}

/* The L candidates cand (L) of one k-means++ step in one pass over the rows (each row read once, the
 * same operations per row and candidate as one pass per candidate): out (L, N) out: min(closest_i,
 * ||x_i - x_cand[t]||^2) (closest NULL: ||x_i - x_cand[t]||^2); part (L, G) out: the group sums of
 * w_i out_ti. */
static int MLC_SFX(pp_pass)(double *out, double *part, const double *closest, const MLC_SFX(km_rows) *r,
                            const T *w, const int64_t *cand, int64_t L, int n_threads, const mlc_progress *p) {
    const int64_t n = r->n, d = r->d;
    const mlc_chunks ch = groups_of(n);
    const int64_t groups = ch.count;
    const int team = (int)MLC_MIN((int64_t)mlc_team_size(L * (r->X ? n * d : r->indptr[n] + n), n_threads), groups);
    double ysq[64];
    for (int64_t t = 0; !r->X && t < L; t++) {
        ysq[t] = r->xsq[cand[t]];
        for (int64_t q = r->indptr[cand[t]]; q < r->indptr[cand[t] + 1]; q++)
            r->y[t * d + r->indices[q]] = (double)r->data[q];
    }
    mlc_par par = mlc_par_init(p);
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
    for (int64_t g = 0; g < groups; g++) {
        if (mlc_par_halted(&par)) continue;
        const int64_t r0 = group_begin(ch, g), r1 = MLC_MIN(n, group_begin(ch, g + 1));
        double s[64];
        for (int64_t t = 0; t < L; t++) s[t] = 0.0;
        for (int64_t i = r0; i < r1; i++) {
            double dist[64];
            if (r->X) {
                MLC_SFX(pp_sqdists)(dist, r->X + i * d, r->X, cand, L, d);
            } else { // ||x||^2 - 2 x.y + ||y||^2, as scikit-learn's sparse path
                MLC_SFX(pp_dots)(dist, r->data, r->indices, r->indptr[i], r->indptr[i + 1], r->y, L, d);
                for (int64_t t = 0; t < L; t++) dist[t] = MLC_MAX(0.0, r->xsq[i] - 2.0 * dist[t] + ysq[t]);
            }
            for (int64_t t = 0; t < L; t++) {
                double v = dist[t];
                if (closest && closest[i] < v) v = closest[i];
                out[t * n + i] = v;
                s[t] += (double)w[i] * v;
            }
        }
        for (int64_t t = 0; t < L; t++) part[t * groups + g] = s[t];
        mlc_par_tick(&par, g, groups);
    }
    for (int64_t t = 0; !r->X && t < L; t++)
        for (int64_t q = r->indptr[cand[t]]; q < r->indptr[cand[t] + 1]; q++) r->y[t * d + r->indices[q]] = 0.0;
    return mlc_par_status(&par);
}

/* The hash of one value at column t (-0.0 taken as 0.0). */
static inline uint64_t MLC_SFX(value_hash)(T x, int64_t t) {
    double v = (double)x + 0.0;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return mix64(bits + (uint64_t)(t + 1) * 0x9e3779b97f4a7c15ULL);
}

/* perm (N) out: the rows sorted by a hash of their values (ties by index), so that identical
 * rows are adjacent and the order does not depend on how X's rows were ordered. keys (N) scratch
 * A row's hash is a sum of independent mixes of its D values (no chain of D mixes per row); a CSR row
 * gets the same hash as its dense copy: the hash of the zero row plus, per stored value, its mix less
 * that of a zero. */
static void MLC_SFX(content_order)(int64_t *perm, const MLC_SFX(km_rows) *r, km_key *keys) {
    const int64_t n = r->n, d = r->d;
    uint64_t zero = 0;
    if (!r->X)
        for (int64_t t = 0; t < d; t++) zero += MLC_SFX(value_hash)((T)0, t);
    for (int64_t i = 0; i < n; i++) {
        uint64_t h = zero;
        if (r->X)
            for (int64_t t = 0; t < d; t++) h += MLC_SFX(value_hash)(r->X[i * d + t], t);
        else
            for (int64_t q = r->indptr[i]; q < r->indptr[i + 1]; q++)
                h += MLC_SFX(value_hash)(r->data[q], r->indices[q]) - MLC_SFX(value_hash)((T)0, r->indices[q]);
        keys[i].hash = h;
        keys[i].row = i;
    }
    qsort(keys, (size_t)n, sizeof(km_key), key_cmp);
    for (int64_t i = 0; i < n; i++) perm[i] = keys[i].row;
}

/* Solver: k-means++ seeding (Arthur & Vassilvitskii, "k-means++: the advantages of careful
 * seeding", SODA 2007), greedy variant: the first centre is a row drawn with probability
 * proportional to its weight; each next one is the best of L candidates drawn with probability
 * proportional to w_i D(x_i)^2 (D: distance to the nearest centre so far), best meaning the one
 * that leaves the smallest potential sum_i w_i D(x_i)^2. Writes centers (K, D), indices (K).
 * Rows are drawn by inverting the cumulative weights taken in an order of the rows' values
 * (r->perm: content_order), not of their positions: with the same seed, shuffling the rows, or replacing
 * an integer weight m by m copies of the row, picks the same centres, and so does a CSR matrix and its
 * dense copy (to the rounding of the distances). buf ((2 + L) N + L G) scratch */
static int MLC_SFX(plusplus)(T *centers, int64_t *indices, MLC_SFX(km_rows) *r, const T *w, int64_t k,
                             int64_t n_local_trials, uint64_t seed, double *buf, int n_threads,
                             const mlc_progress *p) {
    const int64_t n = r->n, d = r->d, groups = n_groups(n), L = n_local_trials, *perm = r->perm;
    double *closest = buf, *cum = buf + n, *trial = buf + 2 * n, *part = buf + (2 + L) * n;
    mlc_rng rng;
    mlc_rng_seed(&rng, seed);
    double acc = 0.0;
    for (int64_t i = 0; i < n; i++) cum[i] = acc += (double)w[perm[i]];
    int64_t id = perm[search_right(cum, n, mlc_rng_uniform(&rng) * cum[n - 1])];
    MLC_SFX(row_to)(centers, r, id);
    indices[0] = id;
    int st = MLC_SFX(pp_pass)(closest, part, NULL, r, w, &id, 1, n_threads, p);
    double pot = st == MLC_OK ? mlc_chunks_sum(part, groups) : 0.0;
    for (int64_t c = 1; c < k && st == MLC_OK; c++) {
        acc = 0.0;
        for (int64_t i = 0; i < n; i++) cum[i] = acc += (double)w[perm[i]] * closest[perm[i]];
        int64_t cand[64], bt = 0;
        for (int64_t t = 0; t < L; t++) cand[t] = perm[search_right(cum, n, mlc_rng_uniform(&rng) * pot)];
        st = MLC_SFX(pp_pass)(trial, part, closest, r, w, cand, L, n_threads, p);
        if (st != MLC_OK) break;
        double best_pot = INFINITY;
        for (int64_t t = 0; t < L; t++) {
            const double tp = mlc_chunks_sum(part + t * groups, groups);
            if (t == 0 || tp < best_pot) {
                best_pot = tp;
                bt = t;
            }
        }
        memcpy(closest, trial + bt * n, sizeof(double) * n);
        pot = best_pot;
        MLC_SFX(row_to)(centers + c * d, r, cand[bt]);
        indices[c] = cand[bt];
    }
    return st;
}

/* What each seeding of a set shares: the rows (their order, a CSR matrix's squared norms), the outputs, and
 * per thread one run's scratch of `slice` doubles (its first (2 + L) N + L G for plusplus, then a CSR
 * matrix's candidate rows y (L, D), zeros). */
typedef struct {
    T *centers;
    int64_t *indices;
    const MLC_SFX(km_rows) *r;
    const T *w;
    const uint64_t *seeds;
    double *buf;
    int64_t k, L, slice;
} MLC_SFX(km_pp_runs);

static int MLC_SFX(pp_run)(void *ctx, int64_t q, int thread, int n_threads, const mlc_progress *p) {
    const MLC_SFX(km_pp_runs) *s = ctx;
    const int64_t n = s->r->n, k = s->k;
    double *own = s->buf + thread * s->slice;
    MLC_SFX(km_rows) r = *s->r;
    r.y = own + (2 + s->L) * n + s->L * n_groups(n);
    return MLC_SFX(plusplus)(s->centers + q * k * r.d, s->indices + q * k, &r, s->w, k, s->L, s->seeds[q], own,
                             n_threads, p);
}

/* R seedings of r's rows, one per seed (R): centers (R, K, D) out, indices (R, K) out; over runs_team's team,
 * the same centres whatever the threads. */
static int MLC_SFX(plusplus_runs)(T *centers, int64_t *indices, MLC_SFX(km_rows) *r, const T *w, int64_t k,
                                  int64_t runs, int64_t L, const uint64_t *seeds, int n_threads,
                                  const mlc_progress *p) {
    const int64_t n = r->n, d = r->d, groups = n_groups(n), slice = (2 + L) * n + L * groups + (r->X ? 0 : L * d);
    const int team = runs_team(runs, n, k * L * (r->X ? n * d : r->indptr[n] + n), n_threads);
    mlc_arena a = {NULL, 0};
    double *buf, *sq = NULL;
    km_key *keys;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        buf = mlc_arena_take(&a, sizeof(double) * (size_t)(team * slice));
        r->perm = mlc_arena_take(&a, sizeof(int64_t) * n);
        keys = mlc_arena_take(&a, sizeof(km_key) * n);
        if (!r->X) sq = mlc_arena_take(&a, sizeof(double) * n);
    }
    int st = MLC_OK;
    if (!r->X) {
        r->xsq = sq;
        for (int t = 0; t < team; t++) memset(buf + t * slice + slice - L * d, 0, sizeof(double) * (size_t)(L * d));
        st = MLC_SFX(mlc_sparse_csr_row_sqnorms)(sq, r->data, r->indptr, n, n_threads);
    }
    MLC_SFX(content_order)(r->perm, r, keys);
    MLC_SFX(km_pp_runs) s = {centers, indices, r, w, seeds, buf, k, L, slice};
    if (st == MLC_OK) st = run_all(MLC_SFX(pp_run), &s, runs, team, n_threads, p);
    mlc_free(a.base);
    return st;
}

int KM_API(mlc_kmeans_plusplus)(T *centers, int64_t *indices, const T *X, const T *w, int64_t n, int64_t d,
                                int64_t k, int64_t runs, int64_t n_local_trials, const uint64_t *seeds,
                                int n_threads, const mlc_progress *p) {
    if (mlc_kmeans_check_params(n, d, k, MLC_KMEANS_LLOYD, 1, 0.0) || runs < 1 || n_local_trials < 1 ||
        n_local_trials > 64)
        return MLC_EINVAL;
    MLC_SFX(km_rows) r = {.X = X, .n = n, .d = d};
    return MLC_SFX(plusplus_runs)(centers, indices, &r, w, k, runs, n_local_trials, seeds, n_threads, p);
}

int KM_API(mlc_kmeans_plusplus_csr)(T *centers, int64_t *indices, const T *data, const int32_t *col,
                                    const int64_t *indptr, const T *w, int64_t n, int64_t d, int64_t k,
                                    int64_t runs, int64_t n_local_trials, const uint64_t *seeds, int n_threads,
                                    const mlc_progress *p) {
    if (mlc_kmeans_check_params(n, d, k, MLC_KMEANS_LLOYD, 1, 0.0) || runs < 1 || n_local_trials < 1 ||
        n_local_trials > 64)
        return MLC_EINVAL;
    MLC_SFX(km_rows) r = {.data = data, .indices = col, .indptr = indptr, .n = n, .d = d};
    return MLC_SFX(plusplus_runs)(centers, indices, &r, w, k, runs, n_local_trials, seeds, n_threads, p);
}
