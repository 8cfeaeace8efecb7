/* pca_impl.h: the body of pca.c for one element type, included once per type by pca.c with
 *   T        the element type (double, float)
 *   SFX      f64 / f32 (names through mlc.h's MLC_SFX)
 *   GEMM     mlc_cblas_dgemm / mlc_cblas_sgemm
 * Not a header of its own: see pca.h for the API and pca.c for the solvers' descriptions. */

/* v-based svd_flip: each row's entry of largest |v| (the first such) becomes positive. */
static void MLC_SFX(flip_rows)(T *V, int64_t r, int64_t d) {
    for (int64_t j = 0; j < r; j++) {
        T *v = V + j * d;
        int64_t arg = 0;
        T best = -1;
        for (int64_t i = 0; i < d; i++) {
            T a = v[i] < 0 ? -v[i] : v[i];
            if (a > best) {
                best = a;
                arg = i;
            }
        }
        if (v[arg] < 0)
            for (int64_t i = 0; i < d; i++) v[i] = -v[i];
    }
}

/* Column sums of rows r0..r1 of X - shift into acc (D), and optionally the corrected sums of
 * squares into m2 (D) with corr (D) the sums of deviations; writes Xc when given. */
static void MLC_SFX(chunk_pass)(double *acc, double *m2, T *Xc, const T *X, const double *shift,
                            int64_t r0, int64_t r1, int64_t n, int64_t d, int colmajor) {
    for (int64_t j = 0; j < d; j++) acc[j] = 0.0;
    if (m2 != NULL)
        for (int64_t j = 0; j < d; j++) m2[j] = 0.0;
    for (int64_t i0 = r0; i0 < r1; i0 += PCA_TILE) {
        const int64_t i1 = MLC_MIN(i0 + PCA_TILE, r1);
        for (int64_t i = i0; i < i1; i++) {
            const T *x = X + i * d;
            if (m2 == NULL) {
#pragma omp simd
                for (int64_t j = 0; j < d; j++) acc[j] += (double)x[j];
                continue;
            }
            T *xc = (Xc != NULL && !colmajor) ? Xc + i * d : NULL;
#pragma omp simd
            for (int64_t j = 0; j < d; j++) {
                double v = (double)x[j] - shift[j];
                acc[j] += v;
                m2[j] += v * v;
            }
            if (xc != NULL)
                for (int64_t j = 0; j < d; j++) xc[j] = (T)((double)x[j] - shift[j]);
        }
        if (m2 != NULL && Xc != NULL && colmajor) /* a tile of rows, written column by column */
            for (int64_t j = 0; j < d; j++) {
                T *col = Xc + j * n;
                const double m = shift[j];
                for (int64_t i = i0; i < i1; i++) col[i] = (T)((double)X[i * d + j] - m);
            }
    }
}

int MLC_SFX(mlc_pca_center)(T *Xc, double *mean, double *ssq, const T *X, int64_t n, int64_t d,
                        int colmajor, int n_threads) {
    if (d <= 0) return MLC_OK;
    if (n <= 0) {
        for (int64_t j = 0; j < d; j++) mean[j] = ssq[j] = 0.0;
        return MLC_OK;
    }
    const mlc_chunks ch = mlc_chunks_even(n, PCA_TILE, PCA_CHUNKS);
    const int64_t nchunks = ch.count;
    const int64_t stride = (2 * d + 7) & ~(int64_t)7; /* a chunk's (acc, m2), cache-line apart */
    double *scratch = mlc_malloc(sizeof(double) * (size_t)(stride * nchunks));
    if (scratch == NULL) return MLC_ENOMEM;
    const int nthr = mlc_team_size(n * d, n_threads);
    /* pass 1: the means */
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t c = 0; c < nchunks; c++)
        MLC_SFX(chunk_pass)(scratch + c * stride, NULL, NULL, X, NULL, mlc_chunk_begin(ch, c),
                            mlc_chunk_end(ch, c), n, d, colmajor);
    mlc_chunks_merge(mean, scratch, nchunks, d, stride);
    for (int64_t j = 0; j < d; j++) mean[j] /= (double)n;
    /* pass 2: squared deviations (and the centred copy) */
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t c = 0; c < nchunks; c++)
        MLC_SFX(chunk_pass)(scratch + c * stride, scratch + c * stride + d, Xc, X, mean,
                            mlc_chunk_begin(ch, c), mlc_chunk_end(ch, c), n, d, colmajor);
    mlc_chunks_merge(scratch, scratch, nchunks, 2 * d, stride); /* chunk 0's (corr, m2) */
    for (int64_t j = 0; j < d; j++) {
        const double corr = scratch[j];
        double m2 = scratch[d + j];
        /* the correction removes the rounding error of the mean */
        m2 -= corr * corr / (double)n;
        ssq[j] = m2 > 0.0 ? m2 : 0.0;
    }
    mlc_free(scratch);
    return MLC_OK;
}

/* The working copy of the full solver: X - mean (or X), column-major when N >= D. */
static int MLC_SFX(working_copy)(T *A, double *mean, double *ssq, const T *X, int64_t n, int64_t d,
                             int center, int colmajor, int n_threads) {
    if (center) return MLC_SFX(mlc_pca_center)(A, mean, ssq, X, n, d, colmajor, n_threads);
    int st = MLC_SFX(mlc_pca_center)(NULL, mean, ssq, X, n, d, colmajor, n_threads);
    if (st != MLC_OK) return st;
    if (!colmajor) {
        memcpy(A, X, sizeof(T) * (size_t)(n * d));
        return MLC_OK;
    }
    for (int64_t i0 = 0; i0 < n; i0 += PCA_TILE) {
        const int64_t i1 = MLC_MIN(i0 + PCA_TILE, n);
        for (int64_t j = 0; j < d; j++)
            for (int64_t i = i0; i < i1; i++) A[j * n + i] = X[i * d + j];
    }
    return MLC_OK;
}

int MLC_SFX(mlc_svd_full)(T *s, T *components, double *mean, double *ssq, const T *X, int64_t n,
                      int64_t d, int center, int n_threads) {
    if (n <= 0 || d <= 0) return MLC_EINVAL;
    const int tall = n >= d;
    const int64_t r = MLC_MIN(n, d);
    /* tall: A (N, D) column-major, then R (D, D), Ur (D, D), Vr (D, D);
     * wide: A is the column-major (D, N) matrix X^T, then Wt (N, N) */
    const size_t extra = tall ? (size_t)(3 * d * d) : (size_t)(n * n);
    T *A = mlc_malloc(sizeof(T) * ((size_t)(n * d) + extra));
    if (A == NULL) return MLC_ENOMEM;
    int st = MLC_SFX(working_copy)(A, mean, ssq, X, n, d, center, tall, n_threads);
    if (st != MLC_OK) goto done;
    if (tall) {
        T *R = A + n * d, *Ur = R + d * d, *Vr = Ur + d * d;
        st = MLC_SFX(mlc_linalg_qr)(A, n, d, n, 0);
        if (st != MLC_OK) goto done;
        for (int64_t j = 0; j < d; j++)
            for (int64_t i = 0; i < d; i++) R[i + j * d] = i <= j ? A[i + j * n] : (T)0;
        st = MLC_SFX(mlc_linalg_svd)(s, Ur, Vr, R, d, d, d, d, d);
        if (st != MLC_OK) goto done;
        /* Vr is Vt column-major: transpose into the row-major components */
        for (int64_t j = 0; j < d; j++)
            for (int64_t i = 0; i < d; i++) components[j * d + i] = Vr[j + i * d];
    } else {
        /* X^T = V diag(s) U^T: LAPACK's U (D, N) column-major is Vt row-major */
        T *Wt = A + n * d;
        st = MLC_SFX(mlc_linalg_svd)(s, components, Wt, A, d, n, d, d, n);
        if (st != MLC_OK) goto done;
    }
    MLC_SFX(flip_rows)(components, r, d);
done:
    mlc_free(A);
    return st;
}

int MLC_SFX(mlc_pca_covariance)(T *s, T *ev, T *components, double *mean, double *ssq, const T *X,
                            int64_t n, int64_t d, int n_threads) {
    if (n < 2 || d <= 0) return MLC_EINVAL;
    /* rows per block: the shifted block and the next one (prefetched) stay in L2 */
    const int64_t brows = MLC_MIN(n, 128);
    /* a fixed set of chunks of rows, each summing its own (C, delta) and merged in order: the same
     * bits whatever the thread count; fewer chunks when their D x D partials would pass 64 MiB */
    const int64_t max_chunks = MLC_MAX(1, ((int64_t)64 << 20) / (d * d * (int64_t)sizeof(double)));
    const mlc_chunks ch = mlc_chunks_even(n, brows, MLC_MIN(PCA_COV_CHUNKS, max_chunks));
    const int64_t nc = ch.count, part = d * d + d;
    double *acc = mlc_malloc(sizeof(double) * (size_t)(nc * part + d));
    double *bufs = mlc_malloc(sizeof(double) * (size_t)(nc * brows * d + 8)); /* 8: syrk's slack */
    int st = MLC_OK;
    if (acc == NULL || bufs == NULL) {
        st = MLC_ENOMEM;
        goto done;
    }
    for (int64_t i = 0; i < 8; i++) bufs[nc * brows * d + i] = 0.0;
    /* One pass: G = sum (x - p)(x - p)^T and delta = mean(x - p) about the pivot p = X[0], then
     * C = G - N delta delta^T. p is a data point, so |delta| is of the size of the spread and the
     * subtraction loses nothing noticeable (unlike X^T X - N mean mean^T for data far from 0). */
    const int nthr = nc > 1 ? (int)MLC_MIN(nc, mlc_team_size(n * d * d, n_threads)) : 1;
    if (nthr > 1) mlc_blas_single_begin();
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t c = 0; c < nc; c++) {
        double *Cc = acc + c * part, *dc = Cc + d * d, *buf = bufs + c * brows * d;
        const int64_t r1 = mlc_chunk_end(ch, c);
        memset(Cc, 0, sizeof(double) * (size_t)part);
        for (int64_t r0 = mlc_chunk_begin(ch, c); r0 < r1; r0 += brows) {
            const int64_t b = MLC_MIN(brows, r1 - r0);
            const T *Xb = X + r0 * d;
            for (int64_t i = 0; i < b; i++) {
                double *o = buf + i * d;
#pragma omp simd
                for (int64_t j = 0; j < d; j++) {
                    o[j] = (double)Xb[i * d + j] - (double)X[j];
                    dc[j] += o[j];
                }
            }
            /* buf row-major (b, D) is the column-major (D, b) matrix B^T: C += B^T B (lower) */
            const int64_t next = MLC_MIN(brows, r1 - r0 - b);
            mlc_linalg_syrk_f64(Cc, buf, d, b, X + (r0 + b) * d, next * d * (int64_t)sizeof(T));
        }
    }
    if (nthr > 1) mlc_blas_single_end();
    mlc_chunks_merge(acc, acc, nc, part, part);
    double *C = acc, *delta = acc + d * d, *w = acc + part;
    int finite = 1;
    for (int64_t j = 0; j < d; j++) {
        delta[j] /= (double)n;
        mean[j] = (double)X[j] + delta[j];
        finite &= isfinite(mean[j]) && isfinite(C[j + j * d]);
    }
    if (!finite) { /* NaN or infinity in X (the caller's check names it): no eigh on it */
        for (int64_t j = 0; j < d; j++) {
            ev[j] = s[j] = (T)NAN;
            ssq[j] = NAN;
        }
        for (int64_t i = 0; i < d * d; i++) components[i] = (T)NAN;
        goto done;
    }
    const double inv = 1.0 / (double)(n - 1);
    for (int64_t j = 0; j < d; j++) {
        for (int64_t i = j; i < d; i++)
            C[i + j * d] = (C[i + j * d] - (double)n * delta[i] * delta[j]) * inv;
        ssq[j] = C[j + j * d] > 0.0 ? C[j + j * d] * (double)(n - 1) : 0.0;
    }
    st = mlc_linalg_eigh_f64(w, C, d, d);
    if (st != MLC_OK) goto done;
    /* ascending -> descending; column d-1-r of Z is component r */
    for (int64_t r = 0; r < d; r++) {
        const double e = w[d - 1 - r] > 0.0 ? w[d - 1 - r] : 0.0;
        ev[r] = (T)e;
        s[r] = (T)sqrt(e * (double)(n - 1));
        const double *z = C + (d - 1 - r) * d;
        for (int64_t i = 0; i < d; i++) components[r * d + i] = (T)z[i];
    }
    MLC_SFX(flip_rows)(components, d, d);
done:
    mlc_free(acc);
    mlc_free(bufs);
    return st;
}

/* The operator of the randomized solvers, op = A (trans: N >= D) or A^T, so that op is m x n_op with
 * m >= n_op; A (N, D) dense row-major or CSR. Its products with row-major (., L) blocks go straight
 * to xGEMM or core/sparse.h's CSR kernels, which write row-major blocks: no transposition, no copy. */
typedef struct {
    const T *A;            /* dense (N, D), or NULL for CSR: */
    const T *data;
    const int32_t *indices;
    const int64_t *indptr;
    int64_t n, d, l;
    int trans, n_threads;
} MLC_SFX(rand_op);

static int MLC_SFX(rand_apply)(void *ctx, T *out, const T *in, int adjoint) {
    const MLC_SFX(rand_op) *o = ctx;
    const int fwd = o->trans != adjoint; /* out (N, L) = A in, else out (D, L) = A^T in */
    const int N = (int)o->n, D = (int)o->d, L = (int)o->l;
    if (o->A != NULL) {
        if (fwd) GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, L, D, 1, o->A, D, in, L, 0, out, L);
        else GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, D, L, N, 1, o->A, D, in, L, 0, out, L);
        return MLC_OK;
    }
    if (fwd) return MLC_SFX(mlc_sparse_csr_mm)(out, o->data, o->indices, o->indptr, in, o->n, o->d, o->l, o->n_threads);
    return MLC_SFX(mlc_sparse_csr_tmm)(out, o->data, o->indices, o->indptr, in, o->n, o->d, o->l, o->n_threads);
}

/* The randomized SVD of op, dense or sparse (see pca.c): the range finder (core/linalg.h) gives Q
 * (m, L) and Z = op^T Q (n_op, L) row-major, i.e. B = Q^T op column-major (L, n_op); B = Uh diag(sh)
 * Vh^T (xGESDD), and op ~= (Q Uh) diag(sh) Vh^T: its K leading triplets. Two (., L) blocks in all
 * (three when N < D: Vh^T then needs its own). */
static int MLC_SFX(randomized)(T *s, T *components, const MLC_SFX(rand_op) *o, int64_t k, int64_t n_iter,
                               int normalizer, uint64_t seed, const mlc_progress *progress) {
    const int trans = o->trans;
    const int64_t m = trans ? o->n : o->d, nop = trans ? o->d : o->n, l = o->l, d = o->d;
    const size_t need = (size_t)(m * l + nop * l + (trans ? 0 : nop * l) + l * l + l);
    T *work = mlc_malloc(sizeof(T) * need);
    int *ipiv = mlc_malloc(sizeof(int) * (size_t)l);
    int st = MLC_ENOMEM;
    if (work == NULL || ipiv == NULL) goto done;
    T *Q = work, *Z = Q + m * l, *Uh = Z + nop * l, *sh = Uh + l * l;
    T *Vt = trans ? Q : sh + l; /* with trans, Q is done with once B is formed */
    st = MLC_SFX(mlc_linalg_range_finder)(Q, Z, m, nop, l, n_iter, normalizer, seed, MLC_SFX(rand_apply),
                                          (void *)o, progress, ipiv);
    if (st != MLC_OK) goto done;
    if ((st = MLC_SFX(mlc_linalg_svd)(sh, Uh, Vt, Z, l, nop, l, l, l)) != MLC_OK) goto done;
    for (int64_t j = 0; j < k; j++) s[j] = sh[j];
    if (trans) { /* op = A: components are the rows of Vh^T (column-major (L, D)) */
        for (int64_t j = 0; j < k; j++)
            for (int64_t i = 0; i < d; i++) components[j * d + i] = Vt[j + i * l];
    } else { /* op = A^T: components (K, D) = Uh[:, :K]^T Q^T; the column-major Uh is the row-major Uh^T */
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)k, (int)m, (int)l, 1, Uh, (int)l, Q, (int)l, 0,
             components, (int)m);
    }
    MLC_SFX(flip_rows)(components, k, d);
done:
    mlc_free(work);
    mlc_free(ipiv);
    return st;
}

int MLC_SFX(mlc_svd_randomized)(T *s, T *components, double *mean, double *ssq, const T *X, int64_t n,
                            int64_t d, int64_t k, int64_t n_oversamples, int64_t n_iter,
                            int normalizer, uint64_t seed, int center,
                            const mlc_progress *progress, int n_threads) {
    if (mlc_pca_check_params(n, d, k, n_oversamples, n_iter, normalizer) != NULL) return MLC_EINVAL;
    T *Ac = center ? mlc_malloc(sizeof(T) * (size_t)(n * d)) : NULL;
    if (center && Ac == NULL) return MLC_ENOMEM;
    int st = MLC_SFX(mlc_pca_center)(Ac, mean, ssq, X, n, d, 0, n_threads);
    const int trans = n >= d;
    const MLC_SFX(rand_op) o = {.A = center ? Ac : X, .n = n, .d = d, .l = MLC_MIN(k + n_oversamples, trans ? d : n),
                                .trans = trans, .n_threads = n_threads};
    if (st == MLC_OK) st = MLC_SFX(randomized)(s, components, &o, k, n_iter, normalizer, seed, progress);
    mlc_free(Ac);
    return st;
}

int MLC_SFX(mlc_svd_randomized_csr)(T *s, T *components, double *mean, double *ssq, const T *data,
                                    const int32_t *indices, const int64_t *indptr, int64_t n,
                                    int64_t d, int64_t k, int64_t n_oversamples, int64_t n_iter,
                                    int normalizer, uint64_t seed, const mlc_progress *progress,
                                    int n_threads) {
    if (mlc_pca_check_params(n, d, k, n_oversamples, n_iter, normalizer) != NULL) return MLC_EINVAL;
    int st = MLC_SFX(mlc_sparse_csr_col_stats)(mean, ssq, NULL, data, indices, indptr, n, d, n_threads);
    const int trans = n >= d;
    const MLC_SFX(rand_op) o = {.data = data, .indices = indices, .indptr = indptr, .n = n, .d = d,
                                .l = MLC_MIN(k + n_oversamples, trans ? d : n), .trans = trans,
                                .n_threads = n_threads};
    if (st == MLC_OK) st = MLC_SFX(randomized)(s, components, &o, k, n_iter, normalizer, seed, progress);
    return st;
}

int MLC_SFX(mlc_pca_transform)(T *out, const T *X, const T *components, const double *mean,
                           const double *scale, int64_t n, int64_t d, int64_t k, int n_threads) {
    if (n <= 0 || k <= 0) return MLC_OK;
    double *bias = mlc_malloc(sizeof(double) * (size_t)k);
    if (bias == NULL) return MLC_ENOMEM;
    for (int64_t j = 0; j < k; j++) {
        double b = 0.0;
        if (mean != NULL)
            for (int64_t i = 0; i < d; i++) b += mean[i] * (double)components[j * d + i];
        bias[j] = b;
    }
    if (d > 0)
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)k, (int)d, 1, X, (int)d,
             components, (int)d, 0, out, (int)k);
    else
        for (int64_t i = 0; i < n * k; i++) out[i] = 0;
    const int nthr = mlc_team_size(n * k, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        T *o = out + i * k;
        for (int64_t j = 0; j < k; j++)
            o[j] = (T)(((double)o[j] - bias[j]) / (scale != NULL ? scale[j] : 1.0));
    }
    mlc_free(bias);
    return MLC_OK;
}

int MLC_SFX(mlc_pca_inverse)(T *out, const T *Y, const T *components, const double *mean,
                         const double *scale, int64_t n, int64_t d, int64_t k, int n_threads) {
    if (n <= 0 || d <= 0) return MLC_OK;
    T *W = NULL;
    const T *Wp = components;
    if (scale != NULL && k > 0) {
        W = mlc_malloc(sizeof(T) * (size_t)(k * d));
        if (W == NULL) return MLC_ENOMEM;
        for (int64_t j = 0; j < k; j++)
            for (int64_t i = 0; i < d; i++) W[j * d + i] = (T)(scale[j] * (double)components[j * d + i]);
        Wp = W;
    }
    if (k > 0)
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)d, (int)k, 1, Y, (int)k, Wp,
             (int)d, 0, out, (int)d);
    else
        for (int64_t i = 0; i < n * d; i++) out[i] = 0;
    if (mean != NULL) {
        const int nthr = mlc_team_size(n * d, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
        for (int64_t i = 0; i < n; i++) {
            T *o = out + i * d;
            for (int64_t j = 0; j < d; j++) o[j] = (T)((double)o[j] + mean[j]);
        }
    }
    mlc_free(W);
    return MLC_OK;
}
