/* blas.h: the one file that names BLAS/LAPACK symbols.
 *
 * Default build: the scipy-openblas32 wheel, whose symbols carry a "scipy_" prefix (LP64: 32-bit
 * blasint). MLC_BLAS_SYSTEM: a system OpenBLAS with plain names. Code elsewhere calls the mlc_
 * names below, never a cblas_/LAPACK symbol directly.
 */
#ifndef MLC_BLAS_H
#define MLC_BLAS_H

#include <cblas.h>

#include "mlc.h"

#ifdef MLC_BLAS_SYSTEM
#define MLC_BLAS_NAME(name) name
#else
#define MLC_BLAS_NAME(name) scipy_##name
#endif

typedef int mlc_blasint;

#define mlc_cblas_dscal MLC_BLAS_NAME(cblas_dscal)
#define mlc_cblas_sscal MLC_BLAS_NAME(cblas_sscal)
#define mlc_cblas_dcopy MLC_BLAS_NAME(cblas_dcopy)
#define mlc_cblas_scopy MLC_BLAS_NAME(cblas_scopy)
#define mlc_cblas_dnrm2 MLC_BLAS_NAME(cblas_dnrm2)
#define mlc_cblas_snrm2 MLC_BLAS_NAME(cblas_snrm2)

/* The calls OpenBLAS may thread: each goes through mlc_blas_begin/end (mlc.h) with its work in
 * multiply-adds, so a small call runs on one thread whatever count is in force. Level 1 and 2 calls
 * under 8192 skip the bracket and its lock (hot loops make many): OpenBLAS keeps them on one thread
 * itself (its cut-offs are 8192 to 10,000 elements). */
static inline int mlc_blas_begin_l12(int64_t work) { return work < 8192 ? 0 : mlc_blas_begin(work); }

#define MLC_BLAS_T double
#define MLC_BLAS_WRAP(name) mlc_cblas_d##name
#define MLC_BLAS_CALL(name) MLC_BLAS_NAME(cblas_d##name)
#include "blas_impl.h"
#undef MLC_BLAS_T
#undef MLC_BLAS_WRAP
#undef MLC_BLAS_CALL
#define MLC_BLAS_T float
#define MLC_BLAS_WRAP(name) mlc_cblas_s##name
#define MLC_BLAS_CALL(name) MLC_BLAS_NAME(cblas_s##name)
#include "blas_impl.h"
#undef MLC_BLAS_T
#undef MLC_BLAS_WRAP
#undef MLC_BLAS_CALL

#define mlc_openblas_set_num_threads MLC_BLAS_NAME(openblas_set_num_threads)
#define mlc_openblas_get_num_threads MLC_BLAS_NAME(openblas_get_num_threads)
#define mlc_openblas_get_config MLC_BLAS_NAME(openblas_get_config)
#define mlc_openblas_get_parallel MLC_BLAS_NAME(openblas_get_parallel)

/* LAPACK (Fortran ABI): every character argument is followed by its hidden length (size_t) at the
 * end of the list. Declared once here for float64 (d) and float32 (s): one prototype per routine. */
#define MLC_LAPACK_DECLARE(T, P)                                                                  \
    void MLC_BLAS_NAME(P##gesdd_)(const char *jobz, const mlc_blasint *m, const mlc_blasint *n, T *a, \
                                  const mlc_blasint *lda, T *s, T *u, const mlc_blasint *ldu, T *vt,     \
                                  const mlc_blasint *ldvt, T *work, const mlc_blasint *lwork,           \
                                  mlc_blasint *iwork, mlc_blasint *info, size_t jobz_len);             \
    void MLC_BLAS_NAME(P##syevd_)(const char *jobz, const char *uplo, const mlc_blasint *n, T *a,     \
                                  const mlc_blasint *lda, T *w, T *work, const mlc_blasint *lwork,      \
                                  mlc_blasint *iwork, const mlc_blasint *liwork, mlc_blasint *info,    \
                                  size_t jobz_len, size_t uplo_len);                                  \
    void MLC_BLAS_NAME(P##sygvd_)(const mlc_blasint *itype, const char *jobz, const char *uplo,       \
                                  const mlc_blasint *n, T *a, const mlc_blasint *lda, T *b,             \
                                  const mlc_blasint *ldb, T *w, T *work, const mlc_blasint *lwork,      \
                                  mlc_blasint *iwork, const mlc_blasint *liwork, mlc_blasint *info,    \
                                  size_t jobz_len, size_t uplo_len);                                  \
    void MLC_BLAS_NAME(P##syevr_)(const char *jobz, const char *range, const char *uplo,              \
                                  const mlc_blasint *n, T *a, const mlc_blasint *lda, const T *vl,      \
                                  const T *vu, const mlc_blasint *il, const mlc_blasint *iu,            \
                                  const T *abstol, mlc_blasint *m, T *w, T *z, const mlc_blasint *ldz,  \
                                  mlc_blasint *isuppz, T *work, const mlc_blasint *lwork,               \
                                  mlc_blasint *iwork, const mlc_blasint *liwork, mlc_blasint *info,    \
                                  size_t jobz_len, size_t range_len, size_t uplo_len);                \
    void MLC_BLAS_NAME(P##potrf_)(const char *uplo, const mlc_blasint *n, T *a,                       \
                                  const mlc_blasint *lda, mlc_blasint *info, size_t uplo_len);         \
    void MLC_BLAS_NAME(P##pocon_)(const char *uplo, const mlc_blasint *n, const T *a,                 \
                                  const mlc_blasint *lda, const T *anorm, T *rcond, T *work,           \
                                  mlc_blasint *iwork, mlc_blasint *info, size_t uplo_len);             \
    void MLC_BLAS_NAME(P##potri_)(const char *uplo, const mlc_blasint *n, T *a,                       \
                                  const mlc_blasint *lda, mlc_blasint *info, size_t uplo_len);         \
    void MLC_BLAS_NAME(P##potrs_)(const char *uplo, const mlc_blasint *n, const mlc_blasint *nrhs,    \
                                  const T *a, const mlc_blasint *lda, T *b, const mlc_blasint *ldb,     \
                                  mlc_blasint *info, size_t uplo_len);                                \
    void MLC_BLAS_NAME(P##trtrs_)(const char *uplo, const char *trans, const char *diag,              \
                                  const mlc_blasint *n, const mlc_blasint *nrhs, const T *a,            \
                                  const mlc_blasint *lda, T *b, const mlc_blasint *ldb,                 \
                                  mlc_blasint *info, size_t uplo_len, size_t trans_len,               \
                                  size_t diag_len);                                                   \
    void MLC_BLAS_NAME(P##geqrf_)(const mlc_blasint *m, const mlc_blasint *n, T *a,                   \
                                  const mlc_blasint *lda, T *tau, T *work, const mlc_blasint *lwork,    \
                                  mlc_blasint *info);                                                 \
    void MLC_BLAS_NAME(P##orgqr_)(const mlc_blasint *m, const mlc_blasint *n, const mlc_blasint *k,   \
                                  T *a, const mlc_blasint *lda, const T *tau, T *work,                 \
                                  const mlc_blasint *lwork, mlc_blasint *info);                       \
    void MLC_BLAS_NAME(P##gelqf_)(const mlc_blasint *m, const mlc_blasint *n, T *a,                   \
                                  const mlc_blasint *lda, T *tau, T *work, const mlc_blasint *lwork,    \
                                  mlc_blasint *info);                                                 \
    void MLC_BLAS_NAME(P##orglq_)(const mlc_blasint *m, const mlc_blasint *n, const mlc_blasint *k,   \
                                  T *a, const mlc_blasint *lda, const T *tau, T *work,                 \
                                  const mlc_blasint *lwork, mlc_blasint *info);                       \
    void MLC_BLAS_NAME(P##getrf_)(const mlc_blasint *m, const mlc_blasint *n, T *a,                   \
                                  const mlc_blasint *lda, mlc_blasint *ipiv, mlc_blasint *info);      \
    void MLC_BLAS_NAME(P##gesv_)(const mlc_blasint *n, const mlc_blasint *nrhs, T *a,                 \
                                 const mlc_blasint *lda, mlc_blasint *ipiv, T *b,                     \
                                 const mlc_blasint *ldb, mlc_blasint *info);

MLC_LAPACK_DECLARE(double, d)
MLC_LAPACK_DECLARE(float, s)

/* mlc_lapack_dgesdd(...), mlc_lapack_spotrf(...), ...: the names the rest of csrc/ uses. */
#define mlc_lapack_dgesdd MLC_BLAS_NAME(dgesdd_)
#define mlc_lapack_sgesdd MLC_BLAS_NAME(sgesdd_)
#define mlc_lapack_dsyevd MLC_BLAS_NAME(dsyevd_)
#define mlc_lapack_ssyevd MLC_BLAS_NAME(ssyevd_)
#define mlc_lapack_dsygvd MLC_BLAS_NAME(dsygvd_)
#define mlc_lapack_ssygvd MLC_BLAS_NAME(ssygvd_)
#define mlc_lapack_dsyevr MLC_BLAS_NAME(dsyevr_)
#define mlc_lapack_ssyevr MLC_BLAS_NAME(ssyevr_)
#define mlc_lapack_dpotrf MLC_BLAS_NAME(dpotrf_)
#define mlc_lapack_spotrf MLC_BLAS_NAME(spotrf_)
#define mlc_lapack_dpocon MLC_BLAS_NAME(dpocon_)
#define mlc_lapack_spocon MLC_BLAS_NAME(spocon_)
#define mlc_lapack_dpotri MLC_BLAS_NAME(dpotri_)
#define mlc_lapack_spotri MLC_BLAS_NAME(spotri_)
#define mlc_lapack_dpotrs MLC_BLAS_NAME(dpotrs_)
#define mlc_lapack_spotrs MLC_BLAS_NAME(spotrs_)
#define mlc_lapack_dtrtrs MLC_BLAS_NAME(dtrtrs_)
#define mlc_lapack_strtrs MLC_BLAS_NAME(strtrs_)
#define mlc_lapack_dgeqrf MLC_BLAS_NAME(dgeqrf_)
#define mlc_lapack_sgeqrf MLC_BLAS_NAME(sgeqrf_)
#define mlc_lapack_dorgqr MLC_BLAS_NAME(dorgqr_)
#define mlc_lapack_sorgqr MLC_BLAS_NAME(sorgqr_)
#define mlc_lapack_dgelqf MLC_BLAS_NAME(dgelqf_)
#define mlc_lapack_sgelqf MLC_BLAS_NAME(sgelqf_)
#define mlc_lapack_dorglq MLC_BLAS_NAME(dorglq_)
#define mlc_lapack_sorglq MLC_BLAS_NAME(sorglq_)
#define mlc_lapack_dgetrf MLC_BLAS_NAME(dgetrf_)
#define mlc_lapack_sgetrf MLC_BLAS_NAME(sgetrf_)
#define mlc_lapack_dgesv MLC_BLAS_NAME(dgesv_)
#define mlc_lapack_sgesv MLC_BLAS_NAME(sgesv_)

#endif
