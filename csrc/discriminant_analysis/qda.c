/* qda.c: quadratic discriminant analysis (discriminant_analysis.h). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "blas.h"
#include "core/linalg.h"
#include "discriminant_analysis/discriminant_analysis.h"
#include "discriminant_analysis/scatter.h"

#define QDA_BLOCK 64 /* rows per block of the decision function */

/* rotation (D, D) out = V from the thin SVD of the class's centred rows A (m, D), m > D, column-major
 * in A (destroyed): QR first, then the SVD of R (D, D). s (D) out: the singular values.
 * R, U (D, D) scratch. */
static int class_svd(double *rotation, double *s, double *A, int64_t m, int64_t d, double *R, double *U) {
    int st = mlc_linalg_qr_f64(A, m, d, m, 0);
    if (st != MLC_OK) return st;
    for (int64_t j = 0; j < d; j++)
        for (int64_t i = 0; i < d; i++) R[i + j * d] = i <= j ? A[i + j * m] : 0.0;
    /* Vt column-major (D, D) is V row-major: the rotation as it is */
    return mlc_linalg_svd_f64(s, U, rotation, R, d, d, d, d, d);
}

int mlc_discriminant_analysis_qda_fit(double *means, double *rotations, double *scalings, double *covariance,
                                      int64_t *rank, const double *X, const int32_t *y, int64_t n, int64_t d,
                                      int64_t c, int solver, int shrinkage, double alpha, double reg_param,
                                      double tol, int n_threads) {
    mlc_discriminant_analysis_work w;
    double *A = NULL, *S = NULL;
    int st = mlc_discriminant_analysis_work_init(&w, y, n, d, c);
    if (st != MLC_OK) goto done;
    int64_t most = 0;
    for (int64_t k = 0; k < c; k++) most = MLC_MAX(most, w.start[k + 1] - w.start[k]);
    /* S, R, U (D, D), ev (D); svd: A (most, D) the centred rows of a class, column-major */
    S = mlc_malloc(sizeof(double) * (size_t)(3 * d * d + d));
    if (solver == MLC_DA_SVD) A = mlc_malloc(sizeof(double) * (size_t)(most * d));
    if (S == NULL || (solver == MLC_DA_SVD && A == NULL)) {
        st = MLC_ENOMEM;
        goto done;
    }
    double *R = S + d * d, *U = R + d * d, *ev = U + d * d;
    for (int64_t k = 0; k < c; k++) {
        const int64_t r0 = w.start[k], r1 = w.start[k + 1], m = r1 - r0;
        double *mk = means + k * d, *rot = rotations + k * d * d, *sk = scalings + k * d;
        double *cov = covariance != NULL ? covariance + k * d * d : NULL;
        mlc_discriminant_analysis_mean(mk, X, &w, r0, r1, d, n_threads);
        if (solver == MLC_DA_SVD) {
            if (m <= d) { /* fewer singular values than features: not full rank */
                rank[k] = m;
                memset(rot, 0, sizeof(double) * (size_t)(d * d));
                memset(sk, 0, sizeof(double) * (size_t)d);
                if (cov != NULL) memset(cov, 0, sizeof(double) * (size_t)(d * d));
                continue;
            }
            for (int64_t i0 = 0; i0 < m; i0 += QDA_BLOCK) /* a tile of rows, written column by column */
                for (int64_t j = 0; j < d; j++)
                    for (int64_t i = i0; i < MLC_MIN(i0 + QDA_BLOCK, m); i++)
                        A[j * m + i] = X[w.order[r0 + i] * d + j] - mk[j];
            st = class_svd(rot, sk, A, m, d, R, U);
            if (st != MLC_OK) goto done;
            for (int64_t i = 0; i < d; i++) sk[i] = (1.0 - reg_param) * (sk[i] * sk[i] / (double)m) + reg_param;
            if (cov != NULL) /* R diag(s) R^T */
                for (int64_t i = 0; i < d; i++)
                    for (int64_t j = 0; j < d; j++) {
                        double v = 0.0;
                        for (int64_t l = 0; l < d; l++) v += rot[i * d + l] * sk[l] * rot[j * d + l];
                        cov[i * d + j] = v;
                    }
        } else {
            mlc_discriminant_analysis_scatter(S, mk, X, &w, r0, r1, d, n_threads);
            for (int64_t i = 0; i < d * d; i++) S[i] /= (double)m;
            mlc_discriminant_analysis_shrink(S, mk, X, &w, r0, r1, d, shrinkage, alpha, n_threads);
            if (cov != NULL) memcpy(cov, S, sizeof(double) * (size_t)(d * d));
            st = mlc_linalg_eigh_f64(ev, S, d, d);
            if (st != MLC_OK) goto done;
            /* ascending eigenpairs, eigenvector i in column i of S (column-major): reversed */
            for (int64_t i = 0; i < d; i++) {
                sk[i] = ev[d - 1 - i];
                for (int64_t j = 0; j < d; j++) rot[j * d + i] = S[(d - 1 - i) * d + j];
            }
        }
        rank[k] = 0;
        for (int64_t i = 0; i < d; i++) rank[k] += sk[i] > tol;
    }
done:
    mlc_discriminant_analysis_work_free(&w);
    mlc_free(A);
    mlc_free(S);
    return st;
}

int mlc_discriminant_analysis_qda_decision(double *scores, const double *X, const double *means,
                                           const double *rotations, const double *scalings,
                                           const double *log_priors, int64_t n, int64_t d, int64_t c,
                                           int n_threads) {
    if (n == 0) return MLC_OK;
    const int64_t blocks = (n + QDA_BLOCK - 1) / QDA_BLOCK;
    const int nthr = (int)MLC_MIN(blocks, mlc_team_size(n * c * d * d, n_threads));
    /* Wk = R_k diag(s_k^-1/2) (C, D, D), logdet (C), then per thread two (block, D) buffers */
    double *Wk = mlc_malloc(sizeof(double) * (size_t)(c * d * d + c + nthr * 2 * QDA_BLOCK * d));
    if (Wk == NULL) return MLC_ENOMEM;
    double *logdet = Wk + c * d * d, *bufs = logdet + c;
    for (int64_t k = 0; k < c; k++) {
        logdet[k] = 0.0;
        for (int64_t i = 0; i < d; i++) logdet[k] += log(scalings[k * d + i]);
        for (int64_t j = 0; j < d; j++)
            for (int64_t i = 0; i < d; i++)
                Wk[(k * d + j) * d + i] = rotations[(k * d + j) * d + i] / sqrt(scalings[k * d + i]);
    }
    if (nthr > 1) mlc_blas_single_begin();
#pragma omp parallel num_threads(nthr)
    {
        double *xc = bufs + (int64_t)omp_get_thread_num() * 2 * QDA_BLOCK * d, *z = xc + QDA_BLOCK * d;
#pragma omp for schedule(static)
        for (int64_t blk = 0; blk < blocks; blk++) {
            const int64_t i0 = blk * QDA_BLOCK, b = MLC_MIN(QDA_BLOCK, n - i0);
            for (int64_t k = 0; k < c; k++) {
                const double *mk = means + k * d;
                for (int64_t i = 0; i < b; i++)
                    for (int64_t j = 0; j < d; j++) xc[i * d + j] = X[(i0 + i) * d + j] - mk[j];
                mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)b, (mlc_blasint)d,
                                (mlc_blasint)d, 1.0, xc, (mlc_blasint)d, Wk + k * d * d, (mlc_blasint)d, 0.0, z,
                                (mlc_blasint)d);
                for (int64_t i = 0; i < b; i++) {
                    double q = 0.0;
                    for (int64_t j = 0; j < d; j++) q += z[i * d + j] * z[i * d + j];
                    scores[(i0 + i) * c + k] = -0.5 * (q + logdet[k]) + log_priors[k];
                }
            }
        }
    }
    if (nthr > 1) mlc_blas_single_end();
    mlc_free(Wk);
    return MLC_OK;
}
