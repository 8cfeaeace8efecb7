/* blas.h: the one file that names BLAS/LAPACK symbols.
 *
 * Default build: the scipy-openblas32 wheel, whose symbols carry a "scipy_" prefix (LP64: 32-bit
 * blasint). MLC_BLAS_SYSTEM: a system OpenBLAS with plain names. Code elsewhere calls the mlc_
 * names below, never a cblas_/LAPACK symbol directly.
 */
#ifndef MLC_BLAS_H
#define MLC_BLAS_H

#include <cblas.h>

#ifdef MLC_BLAS_SYSTEM
#define MLC_BLAS_NAME(name) name
#else
#define MLC_BLAS_NAME(name) scipy_##name
#endif

typedef int mlc_blasint;

#define mlc_cblas_dgemm MLC_BLAS_NAME(cblas_dgemm)
#define mlc_cblas_sgemm MLC_BLAS_NAME(cblas_sgemm)
#define mlc_cblas_dgemv MLC_BLAS_NAME(cblas_dgemv)
#define mlc_cblas_ddot MLC_BLAS_NAME(cblas_ddot)
#define mlc_cblas_sdot MLC_BLAS_NAME(cblas_sdot)
#define mlc_cblas_daxpy MLC_BLAS_NAME(cblas_daxpy)
#define mlc_cblas_dnrm2 MLC_BLAS_NAME(cblas_dnrm2)
#define mlc_openblas_set_num_threads MLC_BLAS_NAME(openblas_set_num_threads)
#define mlc_openblas_get_num_threads MLC_BLAS_NAME(openblas_get_num_threads)

/* LAPACK (Fortran ABI): declared here as they are needed, one prototype per routine. */
#define mlc_lapack_dgesdd MLC_BLAS_NAME(dgesdd_)
#define mlc_lapack_dsyevd MLC_BLAS_NAME(dsyevd_)
#define mlc_lapack_dpotrf MLC_BLAS_NAME(dpotrf_)
void mlc_lapack_dgesdd(const char *jobz, const mlc_blasint *m, const mlc_blasint *n, double *a,
                       const mlc_blasint *lda, double *s, double *u, const mlc_blasint *ldu, double *vt,
                       const mlc_blasint *ldvt, double *work, const mlc_blasint *lwork,
                       mlc_blasint *iwork, mlc_blasint *info, size_t jobz_len);
void mlc_lapack_dsyevd(const char *jobz, const char *uplo, const mlc_blasint *n, double *a,
                       const mlc_blasint *lda, double *w, double *work, const mlc_blasint *lwork,
                       mlc_blasint *iwork, const mlc_blasint *liwork, mlc_blasint *info,
                       size_t jobz_len, size_t uplo_len);
void mlc_lapack_dpotrf(const char *uplo, const mlc_blasint *n, double *a, const mlc_blasint *lda,
                       mlc_blasint *info, size_t uplo_len);

#endif
