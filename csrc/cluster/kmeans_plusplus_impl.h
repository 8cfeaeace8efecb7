/* kmeans_plusplus_impl.h: k-means++ seeding on dense rows or on CSR rows, written once; kmeans.c includes
 * it after kmeans_impl.h for each of T = double / float (SFX f64 / f32). No include guard on purpose. */

/* The rows seeding draws from: dense X (N, D), or (X NULL) a CSR matrix (data, indices, indptr) with
 * xsq (N) its rows' squared norms and y (L, D) float64 zeros, scratch for the candidate rows. */
typedef struct {
    const T *X;
    const T *data;
    const int32_t *indices;
    const int64_t *indptr;
    const double *xsq;
    double *y;
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
            for (int64_t t = 0; t < L; t++) {
                double v;
                if (r->X) {
                    v = MLC_SFX(sqdist)(r->X + i * d, r->X + cand[t] * d, d);
                } else { // ||x||^2 - 2 x.y + ||y||^2, as scikit-learn's sparse path
                    const double *y = r->y + t * d;
                    double dot = 0.0;
                    for (int64_t q = r->indptr[i]; q < r->indptr[i + 1]; q++) dot += (double)r->data[q] * y[r->indices[q]];
                    v = MLC_MAX(0.0, r->xsq[i] - 2.0 * dot + ysq[t]);
                }
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
 * (content_order), not of their positions: with the same seed, shuffling the rows, or replacing an
 * integer weight m by m copies of the row, picks the same centres, and so does a CSR matrix and its
 * dense copy (to the rounding of the distances). rows: r's scratch y (D) unused for dense rows. */
static int MLC_SFX(plusplus)(T *centers, int64_t *indices, MLC_SFX(km_rows) *r, const T *w, int64_t k,
                             int64_t n_local_trials, uint64_t seed, int n_threads, const mlc_progress *p) {
    const int64_t n = r->n, d = r->d, groups = n_groups(n), L = n_local_trials;
    mlc_arena a = {NULL, 0};
    double *buf, *sq = NULL;
    int64_t *perm;
    km_key *keys;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        buf = mlc_arena_take(&a, sizeof(double) * ((2 + L) * n + L * groups));
        perm = mlc_arena_take(&a, sizeof(int64_t) * n);
        keys = mlc_arena_take(&a, sizeof(km_key) * n);
        if (!r->X) sq = mlc_arena_take(&a, sizeof(double) * (n + L * d));
    }
    int st = MLC_OK;
    if (!r->X) {
        r->xsq = sq;
        r->y = sq + n;
        memset(r->y, 0, sizeof(double) * L * d);
        st = MLC_SFX(mlc_sparse_csr_row_sqnorms)(sq, r->data, r->indptr, n, n_threads);
    }
    MLC_SFX(content_order)(perm, r, keys);
    double *closest = buf, *cum = buf + n, *trial = buf + 2 * n, *part = buf + (2 + L) * n;
    mlc_rng rng;
    mlc_rng_seed(&rng, seed);
    double acc = 0.0;
    for (int64_t i = 0; i < n; i++) cum[i] = acc += (double)w[perm[i]];
    int64_t id = perm[search_right(cum, n, mlc_rng_uniform(&rng) * cum[n - 1])];
    MLC_SFX(row_to)(centers, r, id);
    indices[0] = id;
    if (st == MLC_OK) st = MLC_SFX(pp_pass)(closest, part, NULL, r, w, &id, 1, n_threads, p);
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
    mlc_free(a.base);
    return st;
}

int KM_API(mlc_kmeans_plusplus)(T *centers, int64_t *indices, const T *X, const T *w, int64_t n, int64_t d,
                                int64_t k, int64_t n_local_trials, uint64_t seed, int n_threads,
                                const mlc_progress *p) {
    if (mlc_kmeans_check_params(n, d, k, MLC_KMEANS_LLOYD, 1, 0.0) || n_local_trials < 1 || n_local_trials > 64)
        return MLC_EINVAL;
    MLC_SFX(km_rows) r = {.X = X, .n = n, .d = d};
    return MLC_SFX(plusplus)(centers, indices, &r, w, k, n_local_trials, seed, n_threads, p);
}

int KM_API(mlc_kmeans_plusplus_csr)(T *centers, int64_t *indices, const T *data, const int32_t *col,
                                    const int64_t *indptr, const T *w, int64_t n, int64_t d, int64_t k,
                                    int64_t n_local_trials, uint64_t seed, int n_threads, const mlc_progress *p) {
    if (mlc_kmeans_check_params(n, d, k, MLC_KMEANS_LLOYD, 1, 0.0) || n_local_trials < 1 || n_local_trials > 64)
        return MLC_EINVAL;
    MLC_SFX(km_rows) r = {.data = data, .indices = col, .indptr = indptr, .n = n, .d = d};
    return MLC_SFX(plusplus)(centers, indices, &r, w, k, n_local_trials, seed, n_threads, p);
}
