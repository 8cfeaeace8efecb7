/* sparse_impl.h: the bodies of sparse.c for one precision: T (double or float), SFX (f64, f32). */

int SP_API(mlc_sparse_csr_mm)(T *Y, const T *data, const int32_t *indices, const int64_t *indptr,
                              const T *B, int64_t n, int64_t d, int64_t k, int n_threads) {
    (void)d;
    const int nthr = mlc_team_size(indptr[n] * k + n, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 64)
    for (int64_t i = 0; i < n; i++) {
        T *restrict y = Y + i * k;
        for (int64_t j = 0; j < k; j++) y[j] = 0;
        int64_t p = indptr[i];
        // four entries per pass over y: a quarter of its loads and stores, the same sums in order
        for (; p + 3 < indptr[i + 1]; p += 4) {
            const T v0 = data[p], v1 = data[p + 1], v2 = data[p + 2], v3 = data[p + 3];
            const T *restrict b0 = B + (int64_t)indices[p] * k;
            const T *restrict b1 = B + (int64_t)indices[p + 1] * k;
            const T *restrict b2 = B + (int64_t)indices[p + 2] * k;
            const T *restrict b3 = B + (int64_t)indices[p + 3] * k;
#pragma omp simd
            for (int64_t j = 0; j < k; j++)
                y[j] = (((y[j] + v0 * b0[j]) + v1 * b1[j]) + v2 * b2[j]) + v3 * b3[j];
        }
        for (; p < indptr[i + 1]; p++) {
            const T v = data[p];
            const T *b = B + (int64_t)indices[p] * k;
#pragma omp simd
            for (int64_t j = 0; j < k; j++) y[j] += v * b[j];
        }
    }
    return MLC_OK;
}

int SP_API(mlc_sparse_csr_tmm)(T *Y, const T *data, const int32_t *indices, const int64_t *indptr,
                               const T *B, int64_t n, int64_t d, int64_t k, int n_threads) {
    const mlc_chunks ch = tmm_chunks(n, d, k);
    const int64_t nc = MLC_MAX(ch.count, 1), len = d * k;
    // a float64 Y holds chunk 0's partial itself: one (D, K) buffer less
    const int64_t own = sizeof(T) == sizeof(double);
    double *part = mlc_malloc(sizeof(double) * (size_t)((nc - own) * len + 1));
    if (part == NULL) return MLC_ENOMEM;
    const int nthr = (int)MLC_MIN(nc, mlc_team_size(indptr[n] * k + len, n_threads));
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t c = 0; c < nc; c++) {
        double *acc = own && c == 0 ? (double *)(void *)Y : part + (c - own) * len;
        memset(acc, 0, sizeof(double) * (size_t)len);
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const T *b = B + i * k;
            for (int64_t p = indptr[i]; p < indptr[i + 1]; p++) {
                const double v = (double)data[p];
                double *y = acc + (int64_t)indices[p] * k;
#pragma omp simd
                for (int64_t j = 0; j < k; j++) y[j] += v * (double)b[j];
            }
        }
    }
    if (own) {
        for (int64_t c = 1; c < ch.count; c++) /* in chunk order, as mlc_chunks_merge */
            for (int64_t q = 0; q < len; q++) Y[q] += (T)part[(c - 1) * len + q];
    } else {
        mlc_chunks_merge(part, part, ch.count, len, len);
        for (int64_t q = 0; q < len; q++) Y[q] = (T)part[q];
    }
    mlc_free(part);
    return MLC_OK;
}

int SP_API(mlc_sparse_csr_row_sqnorms)(double *sqnorm, const T *data, const int64_t *indptr,
                                       int64_t n, int n_threads) {
    const int nthr = mlc_team_size(indptr[n] + n, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        double s = 0.0;
        for (int64_t p = indptr[i]; p < indptr[i + 1]; p++) s += (double)data[p] * (double)data[p];
        sqnorm[i] = s;
    }
    return MLC_OK;
}

int SP_API(mlc_sparse_csr_col_stats)(double *mean, double *ssq, int64_t *nnz_col, const T *data,
                                     const int32_t *indices, const int64_t *indptr, int64_t n,
                                     int64_t d, int n_threads) {
    (void)n_threads; /* one pass over NNZ entries: memory-bound, a scatter that threads would race on */
    double *cnt = mlc_malloc(sizeof(double) * (size_t)(d + 1));
    if (cnt == NULL) return MLC_ENOMEM;
    memset(mean, 0, sizeof(double) * (size_t)d);
    memset(ssq, 0, sizeof(double) * (size_t)d);
    memset(cnt, 0, sizeof(double) * (size_t)d);
    const int64_t nnz = indptr[n];
    for (int64_t p = 0; p < nnz; p++) {
        mean[indices[p]] += (double)data[p];
        cnt[indices[p]] += 1.0;
    }
    for (int64_t j = 0; j < d; j++) mean[j] = n > 0 ? mean[j] / (double)n : 0.0;
    // two passes: sum over stored (x - m)^2, plus (N - nnz_j) m^2 for the implicit zeros
    for (int64_t p = 0; p < nnz; p++) {
        const double r = (double)data[p] - mean[indices[p]];
        ssq[indices[p]] += r * r;
    }
    for (int64_t j = 0; j < d; j++) {
        ssq[j] += ((double)n - cnt[j]) * mean[j] * mean[j];
        if (nnz_col != NULL) nnz_col[j] = (int64_t)cnt[j];
    }
    mlc_free(cnt);
    return MLC_OK;
}
