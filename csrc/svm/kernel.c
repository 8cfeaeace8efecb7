/* kernel.c: kernel values for the SVMs: rows for the solver, blocks by GEMM, and the decision
 * values sum_s K(x, sv_s) W_sp + b_p of a fitted model (one GEMM per block of rows, then one more
 * against the coefficients), with core/vmath.h's vectorised exp and tanh for rbf and sigmoid.
 * Sparse rows (CSR) get their dot products from the other side's rows by feature (CSC): a sparse x
 * meets only the entries of its own columns, O(sum over x's columns of their entries) a row. */
#include <math.h>
#include <string.h>

#include "blas.h"
#include "core/dispatch.h"
#include "core/reduce.h"
#include "core/sparse.h"
#include "core/vmath.h"
#include "svm/kernel.h"

/* Dispatched per CPU level (core/dispatch.h): the exp and tanh are core/vmath.h's vectorised bodies
 * (libm's exp is one call per value: a tenth of a digits fit, half of its prediction; the exp is 0
 * below -708.05), about 3x libm's speed in AVX2's 4 lanes; the SSE2 copy is about libm's. */
void MLC_ISA(mlc_svm_kernel_from_dots)(const mlc_svm_kernel *k, double *v, int64_t n, double sqx,
                                       const double *sqy) {
    const double g = k->gamma, c0 = k->coef0;
    switch (k->kernel) {
    case MLC_SVM_LINEAR: return;
    case MLC_SVM_RBF:
        for (int64_t j = 0; j < n; j++) v[j] = -g * (sqx + sqy[j] - 2.0 * v[j]);
        mlc_vexp_f64(v, v, n);
        return;
    case MLC_SVM_POLY:
        for (int64_t j = 0; j < n; j++) v[j] = pow(g * v[j] + c0, (double)k->degree);
        return;
    default:
        for (int64_t j = 0; j < n; j++) v[j] = g * v[j] + c0;
        mlc_vtanh_f64(v, v, n);
    }
}

/* By tiles of columns: the dot products as axpys over the features of XT (one row per feature, the
 * samples contiguous), so they run in vector lanes across samples with each sum in feature order (the
 * same bits at every level); then the kernel's transform and the rounding to float, the tile still in
 * cache. OpenBLAS's GEMV on the row-major X reduced one short row at a time. */
void MLC_ISA(mlc_svm_kernel_row)(float *out, const double *XT, const double *x, const double *sq, int64_t ld,
                                 int64_t c0, int64_t c1, int64_t d, double sqx, const mlc_svm_kernel *k) {
    enum { TILE = 512, LANES = 32 };
    double v[TILE];
    for (int64_t j0 = c0; j0 < c1; j0 += TILE) {
        const int64_t m = MLC_MIN((int64_t)TILE, c1 - j0);
        int64_t jb = 0;
        for (; jb + LANES <= m; jb += LANES) { // LANES sums stay in registers across the features
            double acc[LANES] = {0.0};
            for (int64_t f = 0; f < d; f++) {
                const double xf = x[f], *col = XT + f * ld + j0 + jb;
#pragma omp simd
                for (int64_t j = 0; j < LANES; j++) acc[j] += xf * col[j];
            }
            for (int64_t j = 0; j < LANES; j++) v[jb + j] = acc[j];
        }
        for (int64_t j = jb; j < m; j++) v[j] = 0.0;
        for (int64_t f = 0; f < d; f++) {
            const double xf = x[f], *col = XT + f * ld + j0;
#pragma omp simd
            for (int64_t j = jb; j < m; j++) v[j] += xf * col[j];
        }
        MLC_ISA(mlc_svm_kernel_from_dots)(k, v, m, sqx, sq != NULL ? sq + j0 : NULL);
        for (int64_t j = 0; j < m; j++) out[j0 + j] = (float)v[j];
    }
}

#if MLC_ISA_ONCE
void mlc_svm_row_sqnorms(double *sq, const double *X, int64_t n, int64_t d) {
    for (int64_t i = 0; i < n; i++) {
        const double *x = X + i * d;
        double s = 0;
        for (int64_t t = 0; t < d; t++) s += x[t] * x[t];
        sq[i] = s;
    }
}

int mlc_svm_kernel_matrix(double *Kmat, const double *X, const double *Y, int64_t n, int64_t m,
                          int64_t d, const mlc_svm_kernel *k, int n_threads) {
    double *sqx = NULL, *sqy = NULL;
    if (n == 0 || m == 0) return MLC_OK;
    if (k->kernel == MLC_SVM_RBF) {
        sqx = mlc_malloc(sizeof(double) * (size_t)(n + m));
        if (sqx == NULL) return MLC_ENOMEM;
        sqy = sqx + n;
        mlc_svm_row_sqnorms(sqx, X, n, d);
        mlc_svm_row_sqnorms(sqy, Y, m, d);
    }
    // K = X Y' by one GEMM per block of 64 rows, then the kernel's transform on the block (an
    // exp, pow or tanh per entry, which dominates for small D). Blocks go to OpenMP threads with
    // BLAS single-threaded inside: OpenBLAS's own threads would fight them for the cores.
    const int64_t B = 64, nb = (n + B - 1) / B;
    const int team = mlc_team_size(n * m * (d + MLC_EXP_WORK), n_threads);
    mlc_blas_single_begin();
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (int64_t b = 0; b < nb; b++) {
        const int64_t i0 = b * B, bn = MLC_MIN(B, n - i0);
        double *Kb = Kmat + i0 * m;
        if (d > 0)
            mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)bn, (mlc_blasint)m,
                            (mlc_blasint)d, 1.0, X + i0 * d, (mlc_blasint)d, Y, (mlc_blasint)d, 0.0, Kb,
                            (mlc_blasint)m);
        else
            memset(Kb, 0, sizeof(double) * (size_t)(bn * m));
        for (int64_t i = 0; i < bn; i++) mlc_svm_kernel_from_dots(k, Kb + i * m, m, sqx ? sqx[i0 + i] : 0, sqy);
    }
    mlc_blas_single_end();
    mlc_free(sqx);
    return MLC_OK;
}


void mlc_svm_rows_by_feature(int64_t *colptr, int32_t *rows, double *vals, const mlc_svm_rows *R, int64_t a0,
                             int64_t na, int64_t b0, int64_t nb, int64_t d) {
    const int64_t first[2] = {a0, b0}, count[2] = {na, nb};
    memset(colptr, 0, sizeof(int64_t) * (size_t)(d + 1));
    for (int blk = 0; blk < 2; blk++)
        for (int64_t p = R->indptr[first[blk]]; p < R->indptr[first[blk] + count[blk]]; p++)
            colptr[R->indices[p] + 1]++;
    for (int64_t f = 0; f < d; f++) colptr[f + 1] += colptr[f];
    // colptr[f] serves as column f's fill cursor, then is shifted back to its start
    for (int blk = 0, r = 0; blk < 2; blk++)
        for (int64_t i = first[blk]; i < first[blk] + count[blk]; i++, r++)
            for (int64_t p = R->indptr[i]; p < R->indptr[i + 1]; p++) {
                const int64_t at = colptr[R->indices[p]]++;
                rows[at] = r;
                vals[at] = R->data[p];
            }
    for (int64_t f = d; f > 0; f--) colptr[f] = colptr[f - 1];
    colptr[0] = 0;
}

void mlc_svm_kernel_row_csr(double *v, const int64_t *colptr, const int32_t *rows, const double *vals,
                            const int32_t *xi, const double *xv, int64_t nx, int64_t m, double sqx,
                            const double *sq, const mlc_svm_kernel *k) {
    memset(v, 0, sizeof(double) * (size_t)m);
    for (int64_t t = 0; t < nx; t++) {
        const double xf = xv[t];
        for (int64_t q = colptr[xi[t]]; q < colptr[xi[t] + 1]; q++) v[rows[q]] += xf * vals[q];
    }
    mlc_svm_kernel_from_dots(k, v, m, sqx, sq);
}

/* Kb (bn, M) out: K(x_i, sv_j) for the rows [i0, i0 + bn) of X: by GEMM (dense), or row by row
 * from the support vectors by feature (CSR; colptr, rows, vals). */
static void decision_block(double *Kb, const mlc_svm_rows *X, const mlc_svm_rows *SV, const int64_t *colptr,
                           const int32_t *rows, const double *vals, const double *sqx, const double *sqv,
                           int64_t i0, int64_t bn, int64_t m, int64_t d, const mlc_svm_kernel *k) {
    if (X->indices != NULL) {
        for (int64_t i = i0; i < i0 + bn; i++) {
            const int64_t p0 = X->indptr[i];
            mlc_svm_kernel_row_csr(Kb + (i - i0) * m, colptr, rows, vals, X->indices + p0, X->data + p0,
                                   X->indptr[i + 1] - p0, m, sqx ? sqx[i] : 0, sqv, k);
        }
        return;
    }
    if (d > 0)
        mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)bn, (mlc_blasint)m, (mlc_blasint)d,
                        1.0, X->X + i0 * d, (mlc_blasint)d, SV->X, (mlc_blasint)d, 0.0, Kb, (mlc_blasint)m);
    else
        memset(Kb, 0, sizeof(double) * (size_t)(bn * m));
    for (int64_t i = 0; i < bn; i++) mlc_svm_kernel_from_dots(k, Kb + i * m, m, sqx ? sqx[i0 + i] : 0, sqv);
}

/* sq (N) out: the squared norms of the rows of R. */
static void rows_sqnorms(double *sq, const mlc_svm_rows *R, int64_t n, int64_t d) {
    if (R->indices != NULL) mlc_sparse_csr_row_sqnorms_f64(sq, R->data, R->indptr, n, 1);
    else mlc_svm_row_sqnorms(sq, R->X, n, d);
}

int mlc_svm_decision(double *dec, const mlc_svm_rows *X, const mlc_svm_rows *SV, const double *W, const double *b,
                     int64_t n, int64_t m, int64_t d, int64_t p, const mlc_svm_kernel *k, int n_threads) {
    const int sparse = X->indices != NULL;
    if (sparse != (SV->indices != NULL)) return MLC_EINVAL;
    if (n == 0) return MLC_OK;
    const int64_t nnz = sparse ? SV->indptr[m] - SV->indptr[0] : 0;
    double *sqx = NULL, *sqv = NULL, *vals = NULL;
    int64_t *colptr = NULL;
    int32_t *rows = NULL;
    mlc_arena a = {NULL, 0};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && a.size > 0 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        if (k->kernel == MLC_SVM_RBF) sqx = mlc_arena_take(&a, sizeof(double) * (size_t)(n + m));
        if (sparse) {
            colptr = mlc_arena_take(&a, sizeof(int64_t) * (size_t)(d + 1));
            rows = mlc_arena_take(&a, sizeof(int32_t) * (size_t)nnz);
            vals = mlc_arena_take(&a, sizeof(double) * (size_t)nnz);
        }
    }
    if (sqx != NULL) {
        sqv = sqx + n;
        rows_sqnorms(sqx, X, n, d);
        rows_sqnorms(sqv, SV, m, d);
    }
    if (sparse) mlc_svm_rows_by_feature(colptr, rows, vals, SV, 0, m, 0, 0, d);
    // Per block of B rows: Kb = K(X_b, SV) (B, M) by one GEMM (or the sparse rows) and the kernel's
    // transform, then dec_b = Kb W + b by a second; K(X, SV) is never held whole. Blocks go to
    // OpenMP threads, each with its own Kb, with BLAS single-threaded inside.
    const int64_t B = 64, nb = (n + B - 1) / B;
    const int64_t work = sparse ? n * (nnz + m * (p + MLC_EXP_WORK)) : n * m * (d + p + MLC_EXP_WORK);
    const int team = (int)MLC_MIN((int64_t)mlc_team_size(work, n_threads), nb);
    mlc_par par = mlc_par_init(NULL);
    mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        double *Kb = mlc_malloc(sizeof(double) * (size_t)(B * (m > 0 ? m : 1)));
        if (Kb == NULL) mlc_par_fail(&par, MLC_ENOMEM);
#pragma omp for schedule(dynamic, 1)
        for (int64_t blk = 0; blk < nb; blk++) {
            if (mlc_par_halted(&par)) continue;
            const int64_t i0 = blk * B, bn = MLC_MIN(B, n - i0);
            double *out = dec + i0 * p;
            for (int64_t i = 0; i < bn; i++) memcpy(out + i * p, b, sizeof(double) * (size_t)p);
            if (m == 0) continue;
            decision_block(Kb, X, SV, colptr, rows, vals, sqx, sqv, i0, bn, m, d, k);
            mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)bn, (mlc_blasint)p,
                            (mlc_blasint)m, 1.0, Kb, (mlc_blasint)m, W, (mlc_blasint)p, 1.0, out, (mlc_blasint)p);
        }
        mlc_free(Kb);
    }
    mlc_blas_single_end();
    mlc_free(a.base);
    return mlc_par_status(&par);
}
#endif
