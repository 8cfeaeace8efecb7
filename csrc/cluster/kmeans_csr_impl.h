/* kmeans_csr_impl.h: k-means on a CSR matrix (data, indices, indptr), written once; kmeans.c includes it
 * after kmeans_impl.h for each of T = double / float (SFX f64 / f32). No include guard on purpose.
 *
 * As scikit-learn does on sparse input, the rows are not centred (that would densify them): a row's
 * centres are ranked by ||c||^2 - 2 x.c, its dots with every centre summed over its stored values
 * against the centres transposed (core/sparse.h's csr_mm, one row at a time in this CPU level's copy),
 * and distances are summed over the row's stored values, sum_p ((x_p - c_p)^2 - c_p^2) + ||c||^2. */

/* X as CSR: data (NNZ), indices (NNZ), indptr (N + 1); w (N) or NULL for unit weights. */
typedef struct {
    const T *data;
    const int32_t *indices;
    const int64_t *indptr;
    const T *w;
    int64_t n, d, k;
} MLC_SFX(km_csr);

/* ||x_i - c||^2 in float64 from the stored values of row i, given cc = ||c||^2. c (D) in */
static inline double MLC_SFX(csr_sqdist)(const MLC_SFX(km_csr) *a, int64_t i, const T *c, double cc) {
    double s = cc;
    for (int64_t q = a->indptr[i]; q < a->indptr[i + 1]; q++) {
        const double x = (double)a->data[q], v = (double)c[a->indices[q]];
        s += (x - v) * (x - v) - v * v;
    }
    return MLC_MAX(0.0, s);
}

/* Ct (D, csr_ldc(K)) out: the centres C (K, D) transposed, zero-padded; cn (K) out: their squared norms
 * in float64. */
static void MLC_SFX(csr_prepare)(T *Ct, double *cn, const T *C, int64_t d, int64_t k) {
    const int64_t ldc = csr_ldc(k);
    for (int64_t j = 0; j < k; j++) cn[j] = MLC_SFX(sqdist0)(C + j * d, d);
    for (int64_t t = 0; t < d; t++) {
        for (int64_t j = 0; j < k; j++) Ct[t * ldc + j] = C[j * d + t];
        for (int64_t j = k; j < ldc; j++) Ct[t * ldc + j] = 0;
    }
}

/* dots (W) out: the dots of the stored values q0..q1 (data, indices) with the rows of Ct (D, W), summed in
 * stored order as csr_mm does. Inlined with W = 8 or 16, the sums live in registers. */
static inline void MLC_SFX(csr_dots)(T *dots, const T *data, const int32_t *indices, int64_t q0, int64_t q1,
                                     const T *Ct, const int64_t w) {
    T acc[16] = {0};
    for (int64_t q = q0; q < q1; q++) {
        const T v = data[q], *b = Ct + (int64_t)indices[q] * w;
#pragma omp simd
        for (int64_t j = 0; j < w; j++) acc[j] += v * b[j];
    }
    for (int64_t j = 0; j < w; j++) dots[j] = acc[j];
}

/* A pass over the rows in the groups of groups_of(N): with `rank`, labels (N) out: the nearest centre
 * of each row (ties to the lower index), else labels in; part (G) out, or NULL: per group the sum of
 * w_i ||x_i - C[labels_i]||^2. C (K, D), Ct, cn (K) in (csr_prepare); dots per thread (csr_ldc(K)) scratch. */
static int MLC_SFX(csr_pass)(int32_t *labels, double *part, const MLC_SFX(km_csr) *a, const T *C, const T *Ct,
                             const double *cn, T *tiles, int rank, int n_threads, const mlc_progress *p) {
    const int64_t n = a->n, d = a->d, k = a->k, ldc = csr_ldc(k);
    const T *data = a->data;
    const int32_t *indices = a->indices;
    const int64_t *indptr = a->indptr;
    const mlc_chunks ch = groups_of(n);
    const int64_t groups = ch.count;
    const int team = pass_team(n, indptr[n] * (rank ? k : 1) + n * k, n_threads);
    mlc_par par = mlc_par_init(p);
#pragma omp parallel num_threads(team)
    {
        T *dots = tiles + (int64_t)omp_get_thread_num() * ldc;
#pragma omp for schedule(dynamic, 1)
        for (int64_t g = 0; g < groups; g++) {
            if (mlc_par_halted(&par)) continue;
            const int64_t r0 = group_begin(ch, g), r1 = MLC_MIN(n, group_begin(ch, g + 1));
            double s = 0.0;
            for (int64_t i = r0; rank && i < r1; i++) {
                if (ldc == 8) MLC_SFX(csr_dots)(dots, data, indices, indptr[i], indptr[i + 1], Ct, 8);
                else if (ldc == 16) MLC_SFX(csr_dots)(dots, data, indices, indptr[i], indptr[i + 1], Ct, 16);
                else {
                    for (int64_t j = 0; j < k; j++) dots[j] = 0;
                    for (int64_t q = indptr[i]; q < indptr[i + 1]; q++) {
                        const T v = data[q], *b = Ct + (int64_t)indices[q] * k;
#pragma omp simd
                        for (int64_t j = 0; j < k; j++) dots[j] += v * b[j];
                    }
                }
                int32_t best = 0;
                double min = cn[0] - 2.0 * (double)dots[0];
                for (int64_t j = 1; j < k; j++) {
                    const double v = cn[j] - 2.0 * (double)dots[j];
                    if (v < min) {
                        min = v;
                        best = (int32_t)j;
                    }
                }
                labels[i] = best;
            }
            for (int64_t i = r0; part && i < r1; i++)
                s += (a->w ? (double)a->w[i] : 1.0) *
                     MLC_SFX(csr_sqdist)(a, i, C + (int64_t)labels[i] * d, cn[labels[i]]);
            if (part) part[g] = s;
            mlc_par_tick(&par, g, groups);
        }
    }
    return mlc_par_status(&par);
}

/* sums (K*D + K) out: per cluster the weighted sum of its rows, then the clusters' weights. Each
 * cluster adds its rows in row order, so the bits do not depend on the threads: thread t of T owns
 * the clusters j = t mod T and streams all the rows in order, adding those of its clusters (rows
 * visited in order keep the hardware prefetching X; a sort by label made the reads random). labels (N) in */
static void MLC_SFX(csr_cluster_sums)(double *sums, const int32_t *labels, const MLC_SFX(km_csr) *a, int n_threads) {
    const int64_t n = a->n, d = a->d, k = a->k;
    const T *data = a->data, *w = a->w;
    const int32_t *indices = a->indices;
    const int64_t *indptr = a->indptr;
    double *wsum = sums + k * d;
    const int team = (int)MLC_MIN((int64_t)mlc_team_size(indptr[n] * MLC_WORK_STREAM + k * d, n_threads), k);
#pragma omp parallel num_threads(team)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        for (int64_t j = t; j < k; j += nt) {
            memset(sums + j * d, 0, sizeof(double) * (size_t)d);
            wsum[j] = 0.0;
        }
        for (int64_t i = 0; i < n; i++) {
            const int32_t j = labels[i];
            if (j % nt != t) continue;
            double *s = sums + (int64_t)j * d;
            const double wi = w ? (double)w[i] : 1.0;
            for (int64_t e = indptr[i]; e < indptr[i + 1]; e++) s[indices[e]] += wi * (double)data[e];
            wsum[j] += wi;
        }
    }
}

/* The M-step on CSR rows (mstep's: the same relocation of empty clusters). sums (K*D + K) inout;
 * c_new (K, D) out; shift (K) out; c_old (K, D), cn (K) in; dist (N) scratch */
static void MLC_SFX(csr_mstep)(T *c_new, double *shift, double *sums, const MLC_SFX(km_csr) *a, const T *c_old,
                               const double *cn, const int32_t *labels, double *dist) {
    const int64_t n = a->n, d = a->d, k = a->k;
    double *wsum = sums + k * d;
    int64_t n_empty = 0;
    for (int64_t j = 0; j < k; j++) n_empty += wsum[j] == 0.0;
    if (n_empty > 0) {
        for (int64_t i = 0; i < n; i++)
            dist[i] = a->w && !(a->w[i] > 0) ? -1.0 : MLC_SFX(csr_sqdist)(a, i, c_old + (int64_t)labels[i] * d, cn[labels[i]]);
        if (dist[argmax(dist, n)] > 0.0) {
            for (int64_t j = 0; j < k; j++) {
                if (wsum[j] != 0.0) continue;
                const int64_t far = argmax(dist, n), old = labels[far];
                dist[far] = -1.0;
                const double wt = a->w ? (double)a->w[far] : 1.0;
                memset(sums + j * d, 0, sizeof(double) * (size_t)d);
                for (int64_t q = a->indptr[far]; q < a->indptr[far + 1]; q++) {
                    const double v = (double)a->data[q] * wt;
                    sums[old * d + a->indices[q]] -= v;
                    sums[j * d + a->indices[q]] = v;
                }
                wsum[j] = wt;
                wsum[old] -= wt;
            }
        }
    }
    MLC_SFX(centres_from_sums)(c_new, shift, sums, c_old, d, k);
}

/* The scratch of the CSR kernels, one block (a): Ct and cn (K) (csr_prepare), per-thread tiles,
 * part (G), sums (K*D + K); with `fit`, also the fit's
 * other centres nxt (K, D), dist (N), shift (K) and the last labels (N). */
typedef struct {
    T *Ct, *tiles, *nxt;
    double *cn, *part, *sums, *dist, *shift;
    int32_t *labels_old;
} MLC_SFX(km_csr_scratch);

/* s carved from the arena a for passes of `n_threads` threads over x. */
static void MLC_SFX(csr_take)(MLC_SFX(km_csr_scratch) *s, mlc_arena *a, const MLC_SFX(km_csr) *x, int fit,
                              int n_threads) {
    const int64_t n = x->n, d = x->d, k = x->k;
    const int team = pass_team(n, x->indptr[n] * k + n * k, n_threads);
    *s = (MLC_SFX(km_csr_scratch)){0};
    s->Ct = mlc_arena_take(a, sizeof(T) * d * csr_ldc(k));
    s->tiles = mlc_arena_take(a, sizeof(T) * csr_ldc(k) * team);
    s->cn = mlc_arena_take(a, sizeof(double) * k);
    s->part = mlc_arena_take(a, sizeof(double) * n_groups(n));
    s->sums = mlc_arena_take(a, sizeof(double) * (k * d + k));
    if (!fit) return;
    s->nxt = mlc_arena_take(a, sizeof(T) * k * d);
    s->dist = mlc_arena_take(a, sizeof(double) * n);
    s->shift = mlc_arena_take(a, sizeof(double) * k);
    s->labels_old = mlc_arena_take(a, sizeof(int32_t) * n);
}

static int MLC_SFX(csr_scratch)(MLC_SFX(km_csr_scratch) *s, mlc_arena *a, const MLC_SFX(km_csr) *x, int fit,
                                int n_threads) {
    *a = (mlc_arena){NULL, 0};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(a) != MLC_OK) return MLC_ENOMEM;
        MLC_SFX(csr_take)(s, a, x, fit, n_threads);
    }
    return MLC_OK;
}

/* Solver: Lloyd's k-means from given centres on CSR rows (the problem, stopping rules and final
 * assignment of fit_one, without the centring and the bounds). centers (K, D) inout;
 * labels (N) out; *inertia, *n_iter out; s: csr_take's scratch (fit). */
static int MLC_SFX(csr_fit_one)(T *centers, int32_t *labels, double *inertia, int64_t *n_iter,
                                const MLC_SFX(km_csr_scratch) *s, const MLC_SFX(km_csr) *x, int64_t max_iter,
                                double tol, int n_threads, const mlc_progress *p) {
    const int64_t n = x->n, d = x->d, k = x->k;
    T *cur = centers, *nxt = s->nxt;
    double *dist = s->dist, *shift = s->shift;
    int32_t *labels_old = s->labels_old;
    int st = MLC_OK, strict = 0;
    for (int64_t i = 0; i < n; i++) labels_old[i] = -1;
    int64_t it = 0;
    for (; it < max_iter; it++) {
        MLC_SFX(csr_prepare)(s->Ct, s->cn, cur, d, k);
        st = MLC_SFX(csr_pass)(labels, NULL, x, cur, s->Ct, s->cn, s->tiles, 1, n_threads, p);
        if (st != MLC_OK) goto done;
        MLC_SFX(csr_cluster_sums)(s->sums, labels, x, n_threads);
        MLC_SFX(csr_mstep)(nxt, shift, s->sums, x, cur, s->cn, labels, dist);
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
    MLC_SFX(csr_prepare)(s->Ct, s->cn, cur, d, k);
    st = MLC_SFX(csr_pass)(labels, s->part, x, cur, s->Ct, s->cn, s->tiles, !strict, n_threads, p);
    if (st == MLC_OK) *inertia = mlc_chunks_sum(s->part, n_groups(n));
done:
    if (cur != centers) memcpy(centers, cur, sizeof(T) * k * d);
    return st;
}

int KM_API(mlc_kmeans_assign_csr)(int32_t *labels, double *inertia, const T *data, const int32_t *indices,
                                  const int64_t *indptr, const T *w, const T *centers, int64_t n, int64_t d,
                                  int64_t k, int n_threads, const mlc_progress *p) {
    if (n < 1 || d < 1 || k < 1 || k > INT32_MAX) return MLC_EINVAL;
    const MLC_SFX(km_csr) x = {data, indices, indptr, w, n, d, k};
    mlc_arena a;
    MLC_SFX(km_csr_scratch) s;
    if (MLC_SFX(csr_scratch)(&s, &a, &x, 0, n_threads) != MLC_OK) return MLC_ENOMEM;
    MLC_SFX(csr_prepare)(s.Ct, s.cn, centers, d, k);
    int st = MLC_SFX(csr_pass)(labels, inertia ? s.part : NULL, &x, centers, s.Ct, s.cn, s.tiles, 1, n_threads, p);
    if (st == MLC_OK && inertia) *inertia = mlc_chunks_sum(s.part, n_groups(n));
    mlc_free(a.base);
    return st;
}

int KM_API(mlc_kmeans_minibatch_step_csr)(T *centers, double *weight_sums, int32_t *labels, double *inertia,
                                          const T *data, const int32_t *indices, const int64_t *indptr, const T *w,
                                          int64_t b, int64_t d, int64_t k, int n_threads, const mlc_progress *p) {
    if (b < 1 || d < 1 || k < 1 || k > INT32_MAX) return MLC_EINVAL;
    const MLC_SFX(km_csr) x = {data, indices, indptr, w, b, d, k};
    mlc_arena a;
    MLC_SFX(km_csr_scratch) s;
    if (MLC_SFX(csr_scratch)(&s, &a, &x, 0, n_threads) != MLC_OK) return MLC_ENOMEM;
    MLC_SFX(csr_prepare)(s.Ct, s.cn, centers, d, k);
    int st = MLC_SFX(csr_pass)(labels, s.part, &x, centers, s.Ct, s.cn, s.tiles, 1, n_threads, p);
    if (st == MLC_OK) {
        *inertia = mlc_chunks_sum(s.part, n_groups(b));
        MLC_SFX(csr_cluster_sums)(s.sums, labels, &x, n_threads);
        MLC_SFX(minibatch_update)(centers, weight_sums, s.sums, d, k);
    }
    mlc_free(a.base);
    return st;
}
