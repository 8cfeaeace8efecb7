/* linalg.c: LAPACK wrappers (see linalg.h). */
#include <limits.h>
#include <string.h>

#include "blas.h"
#include "core/linalg.h"

static int fits(int64_t v) { return v >= 0 && v <= INT_MAX; }

static int info_status(mlc_blasint info) {
    return info == 0 ? MLC_OK : (info < 0 ? MLC_EINVAL : MLC_ENOTCONVERGED);
}

/* The workspace size LAPACK reported in work[0] (a float for xGESDD etc.), at least 1. */
#define WORK_SIZE(w) ((mlc_blasint)((w) > 1 ? (w) + 1 : 1))

#define DEFINE_LINALG(SUFFIX, T, P)                                                                \
    int mlc_linalg_svd_##SUFFIX(T *s, T *u, T *vt, T *a, int64_t m, int64_t n, int64_t lda,        \
                                int64_t ldu, int64_t ldvt) {                                       \
        if (m == 0 || n == 0) return MLC_OK;                                                       \
        const int64_t r = MLC_MIN(m, n);                                                           \
        if (!fits(m) || !fits(n) || !fits(lda) || !fits(ldu) || !fits(ldvt) || !fits(8 * r))       \
            return MLC_EINVAL;                                                                     \
        mlc_blasint M = (mlc_blasint)m, N = (mlc_blasint)n, LDA = (mlc_blasint)lda;                \
        mlc_blasint LDU = (mlc_blasint)ldu, LDVT = (mlc_blasint)ldvt, lwork = -1, info = 0;        \
        T query = 0;                                                                               \
        mlc_blasint *iwork = mlc_malloc(sizeof(mlc_blasint) * (size_t)(8 * r));                    \
        if (iwork == NULL) return MLC_ENOMEM;                                                      \
        mlc_lapack_##P##gesdd("S", &M, &N, a, &LDA, s, u, &LDU, vt, &LDVT, &query, &lwork, iwork,  \
                              &info, 1);                                                           \
        if (info != 0) {                                                                           \
            mlc_free(iwork);                                                                       \
            return info_status(info);                                                              \
        }                                                                                          \
        lwork = WORK_SIZE(query);                                                                  \
        T *work = mlc_malloc(sizeof(T) * (size_t)lwork);                                           \
        if (work == NULL) {                                                                        \
            mlc_free(iwork);                                                                       \
            return MLC_ENOMEM;                                                                     \
        }                                                                                          \
        mlc_lapack_##P##gesdd("S", &M, &N, a, &LDA, s, u, &LDU, vt, &LDVT, work, &lwork, iwork,    \
                              &info, 1);                                                           \
        mlc_free(work);                                                                            \
        mlc_free(iwork);                                                                           \
        return info_status(info);                                                                  \
    }                                                                                              \
                                                                                                   \
    int mlc_linalg_eigh_##SUFFIX(T *w, T *a, int64_t n, int64_t lda) {                             \
        if (n == 0) return MLC_OK;                                                                 \
        if (!fits(n) || !fits(lda)) return MLC_EINVAL;                                             \
        mlc_blasint N = (mlc_blasint)n, LDA = (mlc_blasint)lda, lwork = -1, liwork = -1, info = 0; \
        mlc_blasint iquery = 0;                                                                    \
        T query = 0;                                                                               \
        mlc_lapack_##P##syevd("V", "L", &N, a, &LDA, w, &query, &lwork, &iquery, &liwork, &info,   \
                              1, 1);                                                               \
        if (info != 0) return info_status(info);                                                   \
        lwork = WORK_SIZE(query);                                                                  \
        liwork = iquery > 1 ? iquery : 1;                                                          \
        T *work = mlc_malloc(sizeof(T) * (size_t)lwork);                                           \
        mlc_blasint *iwork = mlc_malloc(sizeof(mlc_blasint) * (size_t)liwork);                     \
        if (work == NULL || iwork == NULL) {                                                       \
            mlc_free(work);                                                                        \
            mlc_free(iwork);                                                                       \
            return MLC_ENOMEM;                                                                     \
        }                                                                                          \
        mlc_lapack_##P##syevd("V", "L", &N, a, &LDA, w, work, &lwork, iwork, &liwork, &info, 1,    \
                              1);                                                                  \
        mlc_free(work);                                                                            \
        mlc_free(iwork);                                                                           \
        return info_status(info);                                                                  \
    }                                                                                              \
                                                                                                   \
    int mlc_linalg_qr_##SUFFIX(T *a, int64_t m, int64_t n, int64_t lda, int form_q) {              \
        if (m == 0 || n == 0) return MLC_OK;                                                       \
        if (!fits(m) || !fits(n) || !fits(lda) || m < n) return MLC_EINVAL;                       \
        mlc_blasint M = (mlc_blasint)m, N = (mlc_blasint)n, LDA = (mlc_blasint)lda, lwork = -1;    \
        mlc_blasint info = 0;                                                                      \
        T q1 = 0, q2 = 0, dummy_tau = 0;                                                           \
        mlc_lapack_##P##geqrf(&M, &N, a, &LDA, &dummy_tau, &q1, &lwork, &info);                    \
        if (info == 0 && form_q)                                                                   \
            mlc_lapack_##P##orgqr(&M, &N, &N, a, &LDA, &dummy_tau, &q2, &lwork, &info);            \
        if (info != 0) return info_status(info);                                                   \
        lwork = WORK_SIZE(q1 > q2 ? q1 : q2);                                                      \
        T *work = mlc_malloc(sizeof(T) * ((size_t)lwork + (size_t)n));                             \
        if (work == NULL) return MLC_ENOMEM;                                                       \
        T *tau = work + lwork;                                                                     \
        mlc_lapack_##P##geqrf(&M, &N, a, &LDA, tau, work, &lwork, &info);                          \
        if (info == 0 && form_q)                                                                   \
            mlc_lapack_##P##orgqr(&M, &N, &N, a, &LDA, tau, work, &lwork, &info);                  \
        mlc_free(work);                                                                            \
        return info_status(info);                                                                  \
    }                                                                                              \
                                                                                                   \
    int mlc_linalg_lu_pl_##SUFFIX(T *a, int64_t m, int64_t n, int64_t lda, int *ipiv) {            \
        if (m == 0 || n == 0) return MLC_OK;                                                       \
        if (!fits(m) || !fits(n) || !fits(lda) || m < n) return MLC_EINVAL;                        \
        mlc_blasint M = (mlc_blasint)m, N = (mlc_blasint)n, LDA = (mlc_blasint)lda, info = 0;      \
        mlc_lapack_##P##getrf(&M, &N, a, &LDA, ipiv, &info);                                       \
        if (info < 0) return MLC_EINVAL; /* info > 0: U singular, L is still fine */               \
        /* keep the unit lower trapezoid L */                                                      \
        for (int64_t j = 0; j < n; j++) {                                                          \
            T *col = a + j * lda;                                                                  \
            for (int64_t i = 0; i < j; i++) col[i] = 0;                                            \
            col[j] = 1;                                                                            \
        }                                                                                          \
        /* A = P_1 ... P_n L U (P_i swaps rows i and ipiv[i]): apply the swaps to L in reverse */  \
        for (int64_t i = n - 1; i >= 0; i--) {                                                     \
            int64_t p = (int64_t)ipiv[i] - 1;                                                      \
            if (p == i) continue;                                                                  \
            for (int64_t j = 0; j < n; j++) {                                                      \
                T t = a[i + j * lda];                                                              \
                a[i + j * lda] = a[p + j * lda];                                                   \
                a[p + j * lda] = t;                                                                \
            }                                                                                      \
        }                                                                                          \
        return MLC_OK;                                                                             \
    }

DEFINE_LINALG(f64, double, d)
DEFINE_LINALG(f32, float, s)
