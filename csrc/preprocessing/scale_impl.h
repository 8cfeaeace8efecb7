/* scale_impl.h: the scalers' kernels for one element type, included once per type by scale.c
 * with T (double, float) and SFX (f64, f32). Statistics are accumulated in float64. */

/* Statistics of rows r0..r1 of X - K by the corrected two-pass algorithm (the block is in cache
 * for the second pass): cnt (D) out, mean (D) out (of X - K), M2 (D) out, corr (D) scratch,
 * K (D) in. With skip_nan a NaN counts for nothing; without, a NaN makes its column's result NaN
 * (the fast path: no selects). Called with a constant skip_nan and inlined: two loops, one each. */
static inline void MLC_SFX(block_passes)(double *cnt, double *mean, double *M2, double *corr,
                                         const T *X, const double *w, const double *K, int64_t r0,
                                         int64_t r1, int64_t d, const int skip_nan) {
    for (int64_t j = 0; j < d; j++) cnt[j] = mean[j] = M2[j] = corr[j] = 0.0;
    for (int64_t i = r0; i < r1; i++) {
        const T *x = X + i * d;
        const double wi = w ? w[i] : 1.0;
#pragma omp simd
        for (int64_t j = 0; j < d; j++) {
            double v = (double)x[j] - K[j];
            double wv = skip_nan ? (v == v ? wi : 0.0) : wi;
            v = skip_nan ? (v == v ? v : 0.0) : v;
            cnt[j] += wv;
            mean[j] += wv * v;
        }
    }
    for (int64_t j = 0; j < d; j++) mean[j] = cnt[j] != 0.0 ? mean[j] / cnt[j] : 0.0;
    for (int64_t i = r0; i < r1; i++) {
        const T *x = X + i * d;
        const double wi = w ? w[i] : 1.0;
#pragma omp simd
        for (int64_t j = 0; j < d; j++) {
            double v = ((double)x[j] - K[j]) - mean[j];
            double wv = skip_nan ? (v == v ? wi : 0.0) : wi;
            v = skip_nan ? (v == v ? v : 0.0) : v;
            corr[j] += wv * v;
            M2[j] += wv * v * v;
        }
    }
    /* the correction term removes the rounding error of the block mean */
    for (int64_t j = 0; j < d; j++) {
        double m2 = cnt[j] != 0.0 ? M2[j] - corr[j] * corr[j] / cnt[j] : 0.0;
        M2[j] = m2 > 0.0 ? m2 : (m2 == m2 ? 0.0 : m2); /* keeps a NaN for the caller to see */
    }
}

/* The fast passes first; a block where they met a NaN is done again, skipping NaN. */
static void MLC_SFX(block_stats)(double *cnt, double *mean, double *M2, double *corr,
                                 const T *X, const double *w, const double *K, int64_t r0,
                                 int64_t r1, int64_t d) {
    MLC_SFX(block_passes)(cnt, mean, M2, corr, X, w, K, r0, r1, d, 0);
    int nan = 0;
    for (int64_t j = 0; j < d; j++) nan |= M2[j] != M2[j];
    if (nan) MLC_SFX(block_passes)(cnt, mean, M2, corr, X, w, K, r0, r1, d, 1);
}

/* The pivot K subtracted from X before any sum: the running mean where there is one, else the
 * column's first value that is not NaN (0 for none). The merges then work on deviations of the
 * size of the spread, not of the mean, and the rounding of the block means (an ulp of |mean|,
 * which Chan's update would carry into M2) drops out: data like 1e4 + 1e-2 N(0, 1) keeps a
 * variance good to ~1e-15 instead of ~1e-11. */
static void MLC_SFX(pivot)(double *K, const double *mean, const double *count, const T *X,
                           int64_t n, int64_t d) {
    for (int64_t j = 0; j < d; j++) {
        K[j] = 0.0;
        if (count[j] != 0.0) {
            K[j] = mean[j];
            continue;
        }
        for (int64_t i = 0; i < n; i++)
            if (X[i * d + j] == X[i * d + j]) {
                K[j] = (double)X[i * d + j];
                break;
            }
    }
}

/* One block of scratch: per chunk (cnt, mean, M2), per thread (cnt, mean, M2, corr) for the block
 * at hand, then the pivot K (D). */
int MLC_SFX(mlc_scale_mean_var)(double *mean, double *var, double *count, const T *X,
                                const double *w, int64_t n, int64_t d, int n_threads) {
    if (n <= 0 || d <= 0) return MLC_OK;
    const int nthr = mlc_team_size(n * d, n_threads);
    const int64_t brows = block_rows(d);
    const int64_t nblocks = (n + brows - 1) / brows;
    const mlc_chunks ch = mlc_chunks_even(nblocks, 1, SCALE_CHUNKS);
    const int64_t nchunks = ch.count;
    /* strides rounded up to a cache line: threads never write to the same line */
    const int64_t cs = (3 * d + 7) & ~(int64_t)7, ts = (4 * d + 7) & ~(int64_t)7;
    double *scratch = mlc_malloc(sizeof(double) * (size_t)(cs * nchunks + ts * nthr + d));
    if (scratch == NULL) return MLC_ENOMEM;
    double *chunk = scratch, *per_thread = chunk + cs * nchunks;
    double *K = per_thread + ts * nthr;
    MLC_SFX(pivot)(K, mean, count, X, n, d);
#pragma omp parallel num_threads(nthr)
    {
        double *bs = per_thread + ts * omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < nchunks; c++) {
            double *cn = chunk + cs * c, *cm = cn + d, *cM = cm + d;
            for (int64_t j = 0; j < 3 * d; j++) cn[j] = 0.0;
            for (int64_t b = mlc_chunk_begin(ch, c); b < mlc_chunk_end(ch, c); b++) {
                int64_t r0 = b * brows, r1 = MLC_MIN(n, r0 + brows);
                MLC_SFX(block_stats)(bs, bs + d, bs + 2 * d, bs + 3 * d, X, w, K, r0, r1, d);
                merge_stats(cn, cm, cM, bs, bs + d, bs + 2 * d, d);
            }
        }
    }
    /* chunks in order into chunk 0, then chunk 0 into the running statistics */
    for (int64_t c = 1; c < nchunks; c++)
        merge_stats(chunk, chunk + d, chunk + 2 * d, chunk + cs * c, chunk + cs * c + d,
                    chunk + cs * c + 2 * d, d);
    for (int64_t j = 0; j < d; j++) { /* running (mean, var) -> (mean - K = 0, M2) */
        var[j] = count[j] != 0.0 ? var[j] * count[j] : 0.0;
        mean[j] = 0.0;
    }
    merge_stats(count, mean, var, chunk, chunk + d, chunk + 2 * d, d);
    for (int64_t j = 0; j < d; j++) {
        if (count[j] != 0.0) {
            mean[j] += K[j];
            var[j] /= count[j];
        } else { /* no value seen: 0/0, as scikit-learn */
            mean[j] = NAN;
            var[j] = NAN;
        }
    }
    mlc_free(scratch);
    return MLC_OK;
}

/* Per-thread running min/max over a static share of the rows (each thread's pair of rows in its
 * own allocation: no false sharing), merged after the region; min and max are exact, so the order
 * does not matter. NaN fails both comparisons and is skipped; a column where nothing was seen
 * keeps min = +inf > max = -inf, which no seen value can produce (it would give min <= max). */
int MLC_SFX(mlc_scale_min_max)(T *cmin, T *cmax, const T *X, int64_t n, int64_t d,
                               int n_threads) {
    const int nthr = mlc_team_size(n * d, n_threads);
    mlc_par par = mlc_par_init(NULL);
    for (int64_t j = 0; j < d; j++) {
        cmin[j] = (T)INFINITY;
        cmax[j] = (T)-INFINITY;
    }
#pragma omp parallel num_threads(nthr)
    {
        T *mn = mlc_malloc(sizeof(T) * (size_t)(2 * d + 1)), *mx = mn ? mn + d : NULL;
        if (mn == NULL) {
            mlc_par_fail(&par, MLC_ENOMEM);
        } else {
            for (int64_t j = 0; j < d; j++) {
                mn[j] = (T)INFINITY;
                mx[j] = (T)-INFINITY;
            }
        }
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++) {
            if (mlc_par_halted(&par)) continue;
            const T *x = X + i * d;
#pragma omp simd
            for (int64_t j = 0; j < d; j++) {
                T v = x[j];
                mn[j] = v < mn[j] ? v : mn[j];
                mx[j] = v > mx[j] ? v : mx[j];
            }
        }
        if (mn != NULL) {
#pragma omp critical(mlc_scale_min_max)
            for (int64_t j = 0; j < d; j++) {
                cmin[j] = mn[j] < cmin[j] ? mn[j] : cmin[j];
                cmax[j] = mx[j] > cmax[j] ? mx[j] : cmax[j];
            }
        }
        mlc_free(mn);
    }
    for (int64_t j = 0; j < d; j++)
        if (cmin[j] > cmax[j]) cmin[j] = cmax[j] = (T)NAN; /* no value seen */
    return mlc_par_status(&par);
}

/* The affine maps: arithmetic in float64, one rounding to T. shift/scale NULL-ness and clip are
 * loop invariants (the compiler unswitches them). */
int MLC_SFX(mlc_scale_transform)(T *out, const T *X, const double *shift, const double *scale,
                                 int64_t n, int64_t d, double offset, int clip, double lo,
                                 double hi, int n_threads) {
    const int nthr = mlc_team_size(n * d, n_threads);
    _Pragma("omp parallel for num_threads(nthr) schedule(static)")
    for (int64_t i = 0; i < n; i++) {
        const T *x = X + i * d;
        T *o = out + i * d;
        for (int64_t j = 0; j < d; j++) {
            double v = ((double)x[j] - (shift ? shift[j] : 0.0)) * (scale ? scale[j] : 1.0)
                       + offset;
            if (clip) v = v < lo ? lo : (v > hi ? hi : v); /* NaN compares false: kept */
            o[j] = (T)v;
        }
    }
    return MLC_OK;
}
int MLC_SFX(mlc_scale_inverse)(T *out, const T *X, const double *shift, const double *scale,
                               int64_t n, int64_t d, double offset, int n_threads) {
    const int nthr = mlc_team_size(n * d, n_threads);
    _Pragma("omp parallel for num_threads(nthr) schedule(static)")
    for (int64_t i = 0; i < n; i++) {
        const T *x = X + i * d;
        T *o = out + i * d;
        for (int64_t j = 0; j < d; j++)
            o[j] = (T)(((double)x[j] - offset) / (scale ? scale[j] : 1.0)
                       + (shift ? shift[j] : 0.0));
    }
    return MLC_OK;
}

/* Statistics of a CSR batch (implicit zeros are values), merged into the running ones as
 * mlc_scale_mean_var does. Two passes over the stored entries: the column sums, then the squared
 * deviations, the implicit zeros adding their weight times mean^2, with the same correction term
 * as the dense blocks. Scratch: (cnt, mean, M2, corr, stored weight) (5 D). */
int MLC_SFX(mlc_scale_mean_var_csr)(double *mean, double *var, double *count, const T *data,
                                    const int32_t *indices, const int64_t *indptr, const double *w,
                                    int64_t n, int64_t d) {
    if (n <= 0 || d <= 0) return MLC_OK;
    double *s = mlc_malloc(sizeof(double) * (size_t)(5 * d));
    if (s == NULL) return MLC_ENOMEM;
    double *cnt = s, *m = s + d, *M2 = s + 2 * d, *corr = s + 3 * d, *sw = s + 4 * d;
    memset(s, 0, sizeof(double) * (size_t)(5 * d));
    double wsum = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        wsum += wi;
        for (int64_t p = indptr[i]; p < indptr[i + 1]; p++) {
            const double v = (double)data[p];
            const int64_t j = indices[p];
            if (v != v) {
                cnt[j] -= wi; /* a NaN takes its row's weight out of the column's count */
                continue;
            }
            sw[j] += wi;
            m[j] += wi * v;
        }
    }
    for (int64_t j = 0; j < d; j++) {
        cnt[j] += wsum;
        m[j] = cnt[j] != 0.0 ? m[j] / cnt[j] : 0.0;
    }
    for (int64_t i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        for (int64_t p = indptr[i]; p < indptr[i + 1]; p++) {
            const int64_t j = indices[p];
            const double r = (double)data[p] - m[j];
            if (r != r) continue;
            corr[j] += wi * r;
            M2[j] += wi * r * r;
        }
    }
    for (int64_t j = 0; j < d; j++) {
        const double zw = cnt[j] - sw[j]; /* the weight of the implicit zeros, each -m[j] off */
        corr[j] -= zw * m[j];
        M2[j] += zw * m[j] * m[j];
        const double m2 = cnt[j] != 0.0 ? M2[j] - corr[j] * corr[j] / cnt[j] : 0.0;
        M2[j] = m2 > 0.0 ? m2 : 0.0;
        var[j] = count[j] != 0.0 ? var[j] * count[j] : 0.0; /* running var -> M2 for the merge */
    }
    merge_stats(count, mean, var, cnt, m, M2, d);
    for (int64_t j = 0; j < d; j++) {
        if (count[j] != 0.0) var[j] /= count[j];
        else mean[j] = var[j] = NAN; /* no value seen: 0/0, as the dense kernel */
    }
    mlc_free(s);
    return MLC_OK;
}

/* out[p] = data[p] * scale[col[p]] (or / scale[col[p]] when inverse), one stored entry at a time:
 * the sparse form of mlc_scale_transform / mlc_scale_inverse without shift and offset. */
int MLC_SFX(mlc_scale_sparse_map)(T *out, const T *data, const int32_t *col, const double *scale,
                                  int64_t nnz, int inverse, int n_threads) {
    const int nthr = mlc_team_size(nnz, n_threads);
    if (inverse) {
#pragma omp parallel for num_threads(nthr) schedule(static)
        for (int64_t p = 0; p < nnz; p++) out[p] = (T)((double)data[p] / scale[col[p]]);
    } else {
#pragma omp parallel for num_threads(nthr) schedule(static)
        for (int64_t p = 0; p < nnz; p++) out[p] = (T)((double)data[p] * scale[col[p]]);
    }
    return MLC_OK;
}

/* cmax (D) out: the largest |value| of each column, NaN skipped, 0 for a column with no stored
 * value (its implicit zeros); col (NNZ) the column of each stored entry. */
int MLC_SFX(mlc_scale_max_abs_sparse)(double *cmax, const T *data, const int32_t *col, int64_t nnz,
                                      int64_t d) {
    for (int64_t j = 0; j < d; j++) cmax[j] = 0.0;
    for (int64_t p = 0; p < nnz; p++) {
        const double a = fabs((double)data[p]);
        if (a > cmax[col[p]]) cmax[col[p]] = a;
    }
    return MLC_OK;
}
