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

int MLC_SFX(mlc_linalg_qr)(T *a, int64_t m, int64_t n, int64_t lda, int form_q) {
    if (m == 0 || n == 0) return MLC_OK;
    if (!fits(m) || !fits(n) || !fits(lda) || m < n) return MLC_EINVAL;
    mlc_blasint M = (mlc_blasint)m, N = (mlc_blasint)n, LDA = (mlc_blasint)lda, lwork = -1;
    mlc_blasint info = 0;
    T q1 = 0, q2 = 0, dummy_tau = 0;
    LAPACK(geqrf)(&M, &N, a, &LDA, &dummy_tau, &q1, &lwork, &info);
    if (info == 0 && form_q)
        LAPACK(orgqr)(&M, &N, &N, a, &LDA, &dummy_tau, &q2, &lwork, &info);
    if (info != 0) return info_status(info);
    lwork = WORK_SIZE(q1 > q2 ? q1 : q2);
    T *work = mlc_malloc(sizeof(T) * ((size_t)lwork + (size_t)n));
    if (work == NULL) return MLC_ENOMEM;
    T *tau = work + lwork;
    const int single = mlc_blas_begin(m * n);
    LAPACK(geqrf)(&M, &N, a, &LDA, tau, work, &lwork, &info);
    if (info == 0 && form_q)
        LAPACK(orgqr)(&M, &N, &N, a, &LDA, tau, work, &lwork, &info);
    mlc_blas_end(single);
    mlc_free(work);
    return info_status(info);
}

int MLC_SFX(mlc_linalg_lu_pl)(T *a, int64_t m, int64_t n, int64_t lda, int *ipiv) {
    if (m == 0 || n == 0) return MLC_OK;
    if (!fits(m) || !fits(n) || !fits(lda) || m < n) return MLC_EINVAL;
    mlc_blasint M = (mlc_blasint)m, N = (mlc_blasint)n, LDA = (mlc_blasint)lda, info = 0;
    const int single = mlc_blas_begin(m * n);
    LAPACK(getrf)(&M, &N, a, &LDA, ipiv, &info);
    mlc_blas_end(single);
    if (info < 0) return MLC_EINVAL; /* info > 0: U singular, L is still fine */
    /* keep the unit lower trapezoid L */
    for (int64_t j = 0; j < n; j++) {
        T *col = a + j * lda;
        for (int64_t i = 0; i < j; i++) col[i] = 0;
        col[j] = 1;
    }
    /* A = P_1 ... P_n L U (P_i swaps rows i and ipiv[i]): apply the swaps to L in reverse */
    for (int64_t i = n - 1; i >= 0; i--) {
        int64_t p = (int64_t)ipiv[i] - 1;
        if (p == i) continue;
        for (int64_t j = 0; j < n; j++) {
            T t = a[i + j * lda];
            a[i + j * lda] = a[p + j * lda];
            a[p + j * lda] = t;
        }
    }
    return MLC_OK;
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

