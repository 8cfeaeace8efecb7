/* blas_impl.h: blas.h's wrappers for one element type, included by blas.h twice with
 *   MLC_BLAS_T          double / float
 *   MLC_BLAS_WRAP(name) mlc_cblas_d##name / mlc_cblas_s##name: the name the rest of csrc/ calls
 *   MLC_BLAS_CALL(name) the OpenBLAS symbol (cblas_d##name / cblas_s##name, prefixed)
 * Not a header of its own: see blas.h. */

static inline void MLC_BLAS_WRAP(gemm)(enum CBLAS_ORDER o, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb,
                                       mlc_blasint m, mlc_blasint n, mlc_blasint k, MLC_BLAS_T alpha,
                                       const MLC_BLAS_T *a, mlc_blasint lda, const MLC_BLAS_T *b,
                                       mlc_blasint ldb, MLC_BLAS_T beta, MLC_BLAS_T *c, mlc_blasint ldc) {
    const int single = mlc_blas_begin((int64_t)m * n * k);
    MLC_BLAS_CALL(gemm)(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    mlc_blas_end(single);
}
static inline void MLC_BLAS_WRAP(gemv)(enum CBLAS_ORDER o, enum CBLAS_TRANSPOSE t, mlc_blasint m,
                                       mlc_blasint n, MLC_BLAS_T alpha, const MLC_BLAS_T *a,
                                       mlc_blasint lda, const MLC_BLAS_T *x, mlc_blasint incx,
                                       MLC_BLAS_T beta, MLC_BLAS_T *y, mlc_blasint incy) {
    const int single = mlc_blas_begin_l12((int64_t)m * n);
    MLC_BLAS_CALL(gemv)(o, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
    mlc_blas_end(single);
}
static inline void MLC_BLAS_WRAP(ger)(enum CBLAS_ORDER o, mlc_blasint m, mlc_blasint n, MLC_BLAS_T alpha,
                                      const MLC_BLAS_T *x, mlc_blasint incx, const MLC_BLAS_T *y,
                                      mlc_blasint incy, MLC_BLAS_T *a, mlc_blasint lda) {
    const int single = mlc_blas_begin_l12((int64_t)m * n);
    MLC_BLAS_CALL(ger)(o, m, n, alpha, x, incx, y, incy, a, lda);
    mlc_blas_end(single);
}
static inline void MLC_BLAS_WRAP(syrk)(enum CBLAS_ORDER o, enum CBLAS_UPLO u, enum CBLAS_TRANSPOSE t,
                                       mlc_blasint n, mlc_blasint k, MLC_BLAS_T alpha, const MLC_BLAS_T *a,
                                       mlc_blasint lda, MLC_BLAS_T beta, MLC_BLAS_T *c, mlc_blasint ldc) {
    const int single = mlc_blas_begin((int64_t)n * n * k / 2);
    MLC_BLAS_CALL(syrk)(o, u, t, n, k, alpha, a, lda, beta, c, ldc);
    mlc_blas_end(single);
}
static inline void MLC_BLAS_WRAP(trsm)(enum CBLAS_ORDER o, enum CBLAS_SIDE side, enum CBLAS_UPLO u,
                                       enum CBLAS_TRANSPOSE t, enum CBLAS_DIAG diag, mlc_blasint m,
                                       mlc_blasint n, MLC_BLAS_T alpha, const MLC_BLAS_T *a,
                                       mlc_blasint lda, MLC_BLAS_T *b, mlc_blasint ldb) {
    const int single = mlc_blas_begin((int64_t)m * n * (side == CblasLeft ? m : n) / 2);
    MLC_BLAS_CALL(trsm)(o, side, u, t, diag, m, n, alpha, a, lda, b, ldb);
    mlc_blas_end(single);
}
static inline void MLC_BLAS_WRAP(trmm)(enum CBLAS_ORDER o, enum CBLAS_SIDE side, enum CBLAS_UPLO u,
                                       enum CBLAS_TRANSPOSE t, enum CBLAS_DIAG diag, mlc_blasint m,
                                       mlc_blasint n, MLC_BLAS_T alpha, const MLC_BLAS_T *a,
                                       mlc_blasint lda, MLC_BLAS_T *b, mlc_blasint ldb) {
    const int single = mlc_blas_begin((int64_t)m * n * (side == CblasLeft ? m : n) / 2);
    MLC_BLAS_CALL(trmm)(o, side, u, t, diag, m, n, alpha, a, lda, b, ldb);
    mlc_blas_end(single);
}
static inline MLC_BLAS_T MLC_BLAS_WRAP(dot)(mlc_blasint n, const MLC_BLAS_T *x, mlc_blasint incx,
                                            const MLC_BLAS_T *y, mlc_blasint incy) {
    const int single = mlc_blas_begin_l12(n);
    const MLC_BLAS_T r = MLC_BLAS_CALL(dot)(n, x, incx, y, incy);
    mlc_blas_end(single);
    return r;
}
static inline void MLC_BLAS_WRAP(axpy)(mlc_blasint n, MLC_BLAS_T alpha, const MLC_BLAS_T *x,
                                       mlc_blasint incx, MLC_BLAS_T *y, mlc_blasint incy) {
    const int single = mlc_blas_begin_l12(n);
    MLC_BLAS_CALL(axpy)(n, alpha, x, incx, y, incy);
    mlc_blas_end(single);
}
