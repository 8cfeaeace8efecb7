/* linalg_impl.h: the LAPACK wrappers of linalg.h, included by linalg.c twice: with T = double,
 * SFX = f64, LAPACK(name) = mlc_lapack_d##name and with T = float, SFX = f32, LAPACK(name) =
 * mlc_lapack_s##name (names through mlc.h's MLC_SFX).
 * Each call's work for mlc_blas_begin is that of one column step of its factorisation (m n for an
 * m x n matrix): the work between two joins of the BLAS calls inside it. */

int MLC_SFX(mlc_linalg_svd)(T *s, T *u, T *vt, T *a, int64_t m, int64_t n, int64_t lda, int64_t ldu,
                            int64_t ldvt) {
    if (m == 0 || n == 0) return MLC_OK;
    const int64_t r = MLC_MIN(m, n);
    if (!fits(m) || !fits(n) || !fits(lda) || !fits(ldu) || !fits(ldvt) || !fits(8 * r))
        return MLC_EINVAL;
    mlc_blasint M = (mlc_blasint)m, N = (mlc_blasint)n, LDA = (mlc_blasint)lda;
    mlc_blasint LDU = (mlc_blasint)ldu, LDVT = (mlc_blasint)ldvt, lwork = -1, info = 0;
    T query = 0;
    mlc_blasint *iwork = mlc_malloc(sizeof(mlc_blasint) * (size_t)(8 * r));
    if (iwork == NULL) return MLC_ENOMEM;
    LAPACK(gesdd)("S", &M, &N, a, &LDA, s, u, &LDU, vt, &LDVT, &query, &lwork, iwork, &info, 1);
    if (info != 0) {
        mlc_free(iwork);
        return info_status(info);
    }
    lwork = WORK_SIZE(query);
    T *work = mlc_malloc(sizeof(T) * (size_t)lwork);
    if (work == NULL) {
        mlc_free(iwork);
        return MLC_ENOMEM;
    }
    const int single = mlc_blas_begin(m * n);
    LAPACK(gesdd)("S", &M, &N, a, &LDA, s, u, &LDU, vt, &LDVT, work, &lwork, iwork, &info, 1);
    mlc_blas_end(single);
    mlc_free(work);
    mlc_free(iwork);
    return info_status(info);
}

static int MLC_SFX(syevd)(const char *jobz, T *w, T *a, int64_t n, int64_t lda) {
    if (n == 0) return MLC_OK;
    if (!fits(n) || !fits(lda)) return MLC_EINVAL;
    mlc_blasint N = (mlc_blasint)n, LDA = (mlc_blasint)lda, lwork = -1, liwork = -1, info = 0;
    mlc_blasint iquery = 0;
    T query = 0;
    LAPACK(syevd)(jobz, "L", &N, a, &LDA, w, &query, &lwork, &iquery, &liwork, &info, 1, 1);
    if (info != 0) return info_status(info);
    lwork = WORK_SIZE(query);
    liwork = iquery > 1 ? iquery : 1;
    T *work = mlc_malloc(sizeof(T) * (size_t)lwork);
    mlc_blasint *iwork = mlc_malloc(sizeof(mlc_blasint) * (size_t)liwork);
    if (work == NULL || iwork == NULL) {
        mlc_free(work);
        mlc_free(iwork);
        return MLC_ENOMEM;
    }
    const int single = mlc_blas_begin(n * n);
    LAPACK(syevd)(jobz, "L", &N, a, &LDA, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    mlc_blas_end(single);
    mlc_free(work);
    mlc_free(iwork);
    return info_status(info);
}

int MLC_SFX(mlc_linalg_eigh)(T *w, T *a, int64_t n, int64_t lda) {
    return MLC_SFX(syevd)("V", w, a, n, lda);
}

int MLC_SFX(mlc_linalg_eigvalsh)(T *w, T *a, int64_t n, int64_t lda) {
    return MLC_SFX(syevd)("N", w, a, n, lda);
}

int MLC_SFX(mlc_linalg_eigh_generalized)(T *w, T *a, T *b, int64_t n, int64_t lda, int64_t ldb) {
    if (n == 0) return MLC_OK;
    if (!fits(n) || !fits(lda) || !fits(ldb)) return MLC_EINVAL;
    mlc_blasint N = (mlc_blasint)n, LDA = (mlc_blasint)lda, LDB = (mlc_blasint)ldb, itype = 1;
    mlc_blasint lwork = -1, liwork = -1, info = 0, iquery = 0;
    T query = 0;
    LAPACK(sygvd)(&itype, "V", "L", &N, a, &LDA, b, &LDB, w, &query, &lwork, &iquery, &liwork, &info, 1, 1);
    if (info != 0) return info_status(info);
    lwork = WORK_SIZE(query);
    liwork = iquery > 1 ? iquery : 1;
    T *work = mlc_malloc(sizeof(T) * (size_t)lwork);
    mlc_blasint *iwork = mlc_malloc(sizeof(mlc_blasint) * (size_t)liwork);
    if (work == NULL || iwork == NULL) {
        mlc_free(work);
        mlc_free(iwork);
        return MLC_ENOMEM;
    }
    const int single = mlc_blas_begin(n * n);
    LAPACK(sygvd)(&itype, "V", "L", &N, a, &LDA, b, &LDB, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    mlc_blas_end(single);
    mlc_free(work);
    mlc_free(iwork);
    return info_status(info);
}

/* Householder QR (xGEQRF, xORGQR) of the column-major (M, N) a, M >= N, or with lq its LQ
 * (xGELQF, xORGLQ) of the column-major (N, M) a: the same factorisation of the transpose. */
static int MLC_SFX(householder)(T *a, int64_t m, int64_t n, int64_t lda, int form_q, int lq) {
    if (m == 0 || n == 0) return MLC_OK;
    if (!fits(m) || !fits(n) || !fits(lda) || m < n) return MLC_EINVAL;
    mlc_blasint M = (mlc_blasint)(lq ? n : m), N = (mlc_blasint)(lq ? m : n), K = (mlc_blasint)n;
    mlc_blasint LDA = (mlc_blasint)lda, lwork = -1, info = 0;
    T q1 = 0, q2 = 0, dummy_tau = 0;
    for (int pass = 0; pass < 2; pass++) {
        T *work = &q1, *tau = &dummy_tau, *wq = &q2;
        if (pass == 1) {
            if (info != 0) return info_status(info);
            lwork = WORK_SIZE(q1 > q2 ? q1 : q2);
            work = wq = mlc_malloc(sizeof(T) * ((size_t)lwork + (size_t)n));
            if (work == NULL) return MLC_ENOMEM;
            tau = work + lwork;
        }
        const int single = pass == 1 ? mlc_blas_begin(m * n) : 0;
        if (lq) LAPACK(gelqf)(&M, &N, a, &LDA, tau, work, &lwork, &info);
        else LAPACK(geqrf)(&M, &N, a, &LDA, tau, work, &lwork, &info);
        if (info == 0 && form_q && lq) LAPACK(orglq)(&M, &N, &K, a, &LDA, tau, wq, &lwork, &info);
        else if (info == 0 && form_q) LAPACK(orgqr)(&M, &N, &K, a, &LDA, tau, wq, &lwork, &info);
        if (pass == 1) {
            mlc_blas_end(single);
            mlc_free(work);
        }
    }
    return info_status(info);
}

int MLC_SFX(mlc_linalg_qr)(T *a, int64_t m, int64_t n, int64_t lda, int form_q) {
    return MLC_SFX(householder)(a, m, n, lda, form_q, 0);
}

int MLC_SFX(mlc_linalg_orth_rows)(T *a, int64_t m, int64_t n) {
    return MLC_SFX(householder)(a, m, n, n, 1, 1);
}

/* Columns [c0, c0 + nb) of the row-major (m, n) a, those left of c0 factored: LU of the left half,
 * its U block row (xTRSM), the Schur complement (xGEMM), LU of the right half. A pivot swaps whole
 * rows, which applies it to the factored columns and the pending ones at once (LAPACK's xLASWP).
 * ipiv[c] 0-based. */
static void MLC_SFX(lu_rows)(T *a, int64_t m, int64_t n, int64_t c0, int64_t nb, int *ipiv) {
    if (nb == 1) {
        int64_t p = c0;
        T best = a[c0 * n + c0] < 0 ? -a[c0 * n + c0] : a[c0 * n + c0];
        for (int64_t i = c0 + 1; i < m; i++) {
            const T v = a[i * n + c0] < 0 ? -a[i * n + c0] : a[i * n + c0];
            if (v > best) {
                best = v;
                p = i;
            }
        }
        ipiv[c0] = (int)p;
        for (int64_t j = 0; p != c0 && j < n; j++) {
            const T t = a[c0 * n + j];
            a[c0 * n + j] = a[p * n + j];
            a[p * n + j] = t;
        }
        const T piv = a[c0 * n + c0];
        if (piv != 0)
            for (int64_t i = c0 + 1; i < m; i++) a[i * n + c0] /= piv;
        return;
    }
    const int64_t n1 = nb / 2, n2 = nb - n1;
    MLC_SFX(lu_rows)(a, m, n, c0, n1, ipiv);
    T *a11 = a + c0 * n + c0, *a12 = a11 + n1, *a21 = a11 + n1 * n, *a22 = a21 + n1;
    BLAS(trsm)(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, (mlc_blasint)n1, (mlc_blasint)n2, 1,
               a11, (mlc_blasint)n, a12, (mlc_blasint)n);
    BLAS(gemm)(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)(m - c0 - n1), (mlc_blasint)n2,
               (mlc_blasint)n1, -1, a21, (mlc_blasint)n, a12, (mlc_blasint)n, 1, a22, (mlc_blasint)n);
    MLC_SFX(lu_rows)(a, m, n, c0 + n1, n2, ipiv);
}

int MLC_SFX(mlc_linalg_lu_pl_rows)(T *a, int64_t m, int64_t n, int *ipiv) {
    if (m == 0 || n == 0) return MLC_OK;
    if (!fits(m) || !fits(n) || m < n) return MLC_EINVAL;
    const int single = mlc_blas_begin(m * n);
    MLC_SFX(lu_rows)(a, m, n, 0, n, ipiv);
    mlc_blas_end(single);
    for (int64_t i = 0; i < n; i++) { /* keep the unit lower trapezoid L */
        for (int64_t j = i + 1; j < n; j++) a[i * n + j] = 0;
        a[i * n + i] = 1;
    }
    for (int64_t i = n - 1; i >= 0; i--) { /* P L: the swaps in reverse */
        const int64_t p = ipiv[i];
        for (int64_t j = 0; p != i && j < n; j++) {
            const T t = a[i * n + j];
            a[i * n + j] = a[p * n + j];
            a[p * n + j] = t;
        }
    }
    return MLC_OK;
}

static int MLC_SFX(normalize_rows)(T *a, int64_t m, int64_t n, int normalizer, int *ipiv) {
    if (normalizer == MLC_PCA_NORMALIZER_QR) return MLC_SFX(mlc_linalg_orth_rows)(a, m, n);
    if (normalizer == MLC_PCA_NORMALIZER_LU) return MLC_SFX(mlc_linalg_lu_pl_rows)(a, m, n, ipiv);
    return MLC_OK;
}

int MLC_SFX(mlc_linalg_range_finder)(T *Q, T *Z, int64_t m, int64_t n_op, int64_t l, int64_t n_iter,
                                     int normalizer, uint64_t seed, MLC_SFX(mlc_linalg_op) op, void *ctx,
                                     const mlc_progress *progress, int *ipiv) {
    mlc_rng rng;
    mlc_rng_seed(&rng, seed);
    for (int64_t c = 0; c < l; c++)
        for (int64_t r = 0; r < n_op; r++) Z[r * l + c] = (T)mlc_rng_normal(&rng);
    int st = MLC_OK;
    for (int64_t it = 0; it < n_iter && st == MLC_OK; it++) {
        if ((st = op(ctx, Q, Z, 0)) != MLC_OK || (st = MLC_SFX(normalize_rows)(Q, m, l, normalizer, ipiv)) != MLC_OK)
            break;
        if ((st = op(ctx, Z, Q, 1)) != MLC_OK || (st = MLC_SFX(normalize_rows)(Z, n_op, l, normalizer, ipiv)) != MLC_OK)
            break;
        if (mlc_progress_tick(progress, it + 1, n_iter)) st = MLC_EINTERRUPTED;
    }
    if (st == MLC_OK) st = op(ctx, Q, Z, 0);
    if (st == MLC_OK) st = MLC_SFX(mlc_linalg_orth_rows)(Q, m, l);
    if (st == MLC_OK) st = op(ctx, Z, Q, 1);
    return st;
}

int MLC_SFX(mlc_linalg_cholesky)(T *a, int64_t n, int64_t lda, int upper) {
    if (n == 0) return MLC_OK;
    if (!fits(n) || !fits(lda)) return MLC_EINVAL;
    mlc_blasint N = (mlc_blasint)n, LDA = (mlc_blasint)lda, info = 0;
    const int single = mlc_blas_begin(n * n);
    LAPACK(potrf)(upper ? "U" : "L", &N, a, &LDA, &info, 1);
    mlc_blas_end(single);
    return info_status(info);
}

int MLC_SFX(mlc_linalg_cholesky_rcond)(T *rcond, const T *a, int64_t n, int64_t lda, T anorm) {
    *rcond = 1;
    if (n == 0) return MLC_OK;
    if (!fits(3 * n) || !fits(lda)) return MLC_EINVAL;
    mlc_blasint N = (mlc_blasint)n, LDA = (mlc_blasint)lda, info = 0;
    T *work = mlc_malloc(sizeof(T) * (size_t)(3 * n));
    mlc_blasint *iwork = mlc_malloc(sizeof(mlc_blasint) * (size_t)n);
    if (work != NULL && iwork != NULL) {
        const int single = mlc_blas_begin(n * n);
        LAPACK(pocon)("L", &N, a, &LDA, &anorm, rcond, work, iwork, &info, 1);
        mlc_blas_end(single);
    }
    const int st = work == NULL || iwork == NULL ? MLC_ENOMEM : info_status(info);
    mlc_free(work);
    mlc_free(iwork);
    return st;
}

int MLC_SFX(mlc_linalg_cholesky_solve)(T *b, const T *a, int64_t n, int64_t nrhs, int64_t lda, int64_t ldb) {
    if (n == 0 || nrhs == 0) return MLC_OK;
    if (!fits(n) || !fits(nrhs) || !fits(lda) || !fits(ldb)) return MLC_EINVAL;
    mlc_blasint N = (mlc_blasint)n, NR = (mlc_blasint)nrhs, LDA = (mlc_blasint)lda, LDB = (mlc_blasint)ldb;
    mlc_blasint info = 0;
    const int single = mlc_blas_begin(n * n * nrhs);
    LAPACK(potrs)("L", &N, &NR, a, &LDA, b, &LDB, &info, 1);
    mlc_blas_end(single);
    return info_status(info);
}

int MLC_SFX(mlc_linalg_lower_solve)(T *b, const T *a, int64_t n, int64_t nrhs, int64_t lda, int64_t ldb) {
    if (n == 0 || nrhs == 0) return MLC_OK;
    if (!fits(n) || !fits(nrhs) || !fits(lda) || !fits(ldb)) return MLC_EINVAL;
    mlc_blasint N = (mlc_blasint)n, NR = (mlc_blasint)nrhs, LDA = (mlc_blasint)lda, LDB = (mlc_blasint)ldb;
    mlc_blasint info = 0;
    const int single = mlc_blas_begin(n * n * nrhs / 2);
    LAPACK(trtrs)("L", "N", "N", &N, &NR, a, &LDA, b, &LDB, &info, 1, 1, 1);
    mlc_blas_end(single);
    return info_status(info);
}

