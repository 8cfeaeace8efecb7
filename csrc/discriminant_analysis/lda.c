/* lda.c: linear discriminant analysis (discriminant_analysis.h), and the family's check_params. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "blas.h"
#include "core/linalg.h"
#include "discriminant_analysis/discriminant_analysis.h"
#include "discriminant_analysis/scatter.h"

const char *mlc_discriminant_analysis_check_params(int64_t n, int64_t d, int64_t c, int lda, int solver,
                                                   int shrinkage, double alpha, double reg_param, double tol) {
    if (n < 1 || d < 1) return "X must have at least one sample and one feature";
    if (c < 2) return "the number of classes must be at least 2";
    if (!mlc_da_solver_valid(solver) || (!lda && solver == MLC_DA_LSQR)) return "unknown solver";
    if (!mlc_da_shrinkage_valid(shrinkage)) return "unknown shrinkage kind";
    if (solver == MLC_DA_SVD && shrinkage != MLC_DA_SHRINKAGE_NONE) return "shrinkage not supported with 'svd' solver";
    if (shrinkage == MLC_DA_SHRINKAGE_FIXED && !(alpha >= 0.0 && alpha <= 1.0)) return "shrinkage must be in [0, 1]";
    if (!(reg_param >= 0.0 && reg_param <= 1.0)) return "reg_param must be in [0, 1]";
    if (!(tol >= 0.0)) return "tol must be >= 0";
    return NULL;
}

/* C (m, n) = A (m, k) B^T or A B (B (k, n) when !trans_b), row-major with the given leading dims. */
static void gemm(double *C, const double *A, const double *B, int64_t m, int64_t n, int64_t k, int trans_b,
                 int64_t lda, int64_t ldb, int64_t ldc) {
    if (m == 0 || n == 0) return;
    if (k == 0) {
        for (int64_t i = 0; i < m; i++) memset(C + i * ldc, 0, sizeof(double) * (size_t)n);
        return;
    }
    mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (mlc_blasint)m,
                    (mlc_blasint)n, (mlc_blasint)k, 1.0, A, (mlc_blasint)lda, B, (mlc_blasint)ldb, 0.0, C,
                    (mlc_blasint)ldc);
}

/* intercept_k = -0.5 coef_k . means_k + log prior_k */
static void intercepts(double *intercept, const double *coef, const double *means, const double *priors,
                       int64_t d, int64_t c) {
    for (int64_t k = 0; k < c; k++) {
        double dot = 0.0;
        for (int64_t j = 0; j < d; j++) dot += coef[k * d + j] * means[k * d + j];
        intercept[k] = -0.5 * dot + log(priors[k]);
    }
}

/* scikit-learn's _solve_svd from W, the within-class scatter sum (see discriminant_analysis.h).
 * Z (D D + C D), ev (2 D), cm (C, D) and u (D, C + D) scratch. */
static int solve_svd(double *coef, double *intercept, double *scalings, double *evr, int64_t *rank_out,
                     int64_t *n_evr, double *W, const double *means, const double *xbar, const double *priors,
                     int64_t n, int64_t d, int64_t c, double tol, double *Z, double *ev, double *cm, double *u) {
    double *std = ev + d;
    for (int64_t j = 0; j < d; j++) {
        std[j] = sqrt(W[j * d + j] / (double)n);
        if (std[j] == 0.0) std[j] = 1.0;
    }
    // the SVD of A = Xc / (std sqrt(N)): A^T A = V S^2 V^T is W scaled by std, D x D
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < d; j++) Z[i * d + j] = W[i * d + j] / ((double)n * std[i] * std[j]);
    int st = mlc_linalg_eigh_f64(ev, Z, d, d);
    if (st != MLC_OK) return st;
    int64_t rank = 0;
    while (rank < d && sqrt(MLC_MAX(ev[d - 1 - rank], 0.0)) > tol) rank++;
    /* W's storage becomes scal (D, rank) = V[:, :rank] / std / S: eigenvector d-1-i is column i */
    double *scal = W;
    for (int64_t j = 0; j < d; j++)
        for (int64_t i = 0; i < rank; i++)
            scal[j * rank + i] = Z[(d - 1 - i) * d + j] / std[j] / sqrt(ev[d - 1 - i]);
    /* the weighted centred means in that space, Xb (C, rank), into Z; cm = means - xbar */
    for (int64_t k = 0; k < c; k++)
        for (int64_t j = 0; j < d; j++) cm[k * d + j] = means[k * d + j] - xbar[j];
    gemm(Z, cm, scal, c, rank, d, 0, d, rank, rank);
    for (int64_t k = 0; k < c; k++) {
        const double f = sqrt((double)n * priors[k] / (double)(c - 1));
        for (int64_t i = 0; i < rank; i++) Z[k * rank + i] *= f;
    }
    const int64_t r2 = MLC_MIN(rank, c);
    int64_t rank2 = 0;
    if (r2 > 0) {
        /* Xb row-major is the column-major (rank, C) matrix Xb^T = U S2 Vt: U's columns are Xb's
         * right singular vectors, row-major rows of u (r2, rank) */
        double *s2 = ev, *vt = u + r2 * rank;
        st = mlc_linalg_svd_f64(s2, u, vt, Z, rank, c, rank, rank, r2);
        if (st != MLC_OK) return st;
        double total = 0.0;
        for (int64_t i = 0; i < r2; i++) total += s2[i] * s2[i];
        for (int64_t i = 0; i < r2; i++) evr[i] = s2[i] * s2[i] / total;
        while (rank2 < r2 && s2[rank2] > tol * s2[0]) rank2++;
    }
    *n_evr = r2;
    *rank_out = rank2;
    gemm(scalings, scal, u, d, rank2, rank, 1, rank, rank, d); /* (D, rank2) in ld D */
    /* coef in the projected space, (C, rank2) in Z, then mapped back */
    gemm(Z, cm, scalings, c, rank2, d, 0, d, d, MLC_MAX(rank2, 1));
    for (int64_t k = 0; k < c; k++) {
        double q = 0.0;
        for (int64_t i = 0; i < rank2; i++) q += Z[k * rank2 + i] * Z[k * rank2 + i];
        intercept[k] = -0.5 * q + log(priors[k]);
    }
    gemm(coef, Z, scalings, c, d, rank2, 1, MLC_MAX(rank2, 1), d, d);
    for (int64_t k = 0; k < c; k++) {
        double dot = 0.0;
        for (int64_t j = 0; j < d; j++) dot += xbar[j] * coef[k * d + j];
        intercept[k] -= dot;
    }
    return MLC_OK;
}

/* coef = means cov^+ (cov symmetric: its eigenvalues below eps times the largest |.| dropped). */
static int solve_lsqr(double *coef, const double *cov, const double *means, int64_t d, int64_t c, double *Z,
                      double *ev, double *P) {
    memcpy(Z, cov, sizeof(double) * (size_t)(d * d));
    int st = mlc_linalg_eigh_f64(ev, Z, d, d);
    if (st != MLC_OK) return st;
    const double cut = DBL_EPSILON * MLC_MAX(fabs(ev[0]), fabs(ev[d - 1]));
    /* Z column-major holds the eigenvectors in columns: row-major it is V^T */
    gemm(P, means, Z, c, d, d, 1, d, d, d); /* means V */
    for (int64_t k = 0; k < c; k++)
        for (int64_t i = 0; i < d; i++) P[k * d + i] = fabs(ev[i]) > cut ? P[k * d + i] / ev[i] : 0.0;
    gemm(coef, P, Z, c, d, d, 0, d, d, d);
    return MLC_OK;
}

/* The generalized eigenproblem Sb v = w Sw v with Sb = St - Sw: scalings by decreasing w.
 * St (D, D) is destroyed; Z (D, D), B (D, D), ev (D), P (C, D) scratch. */
static int solve_eigen(double *coef, double *scalings, double *evr, double *St, const double *cov,
                       const double *means, int64_t d, int64_t c, double *Z, double *B, double *ev, double *P) {
    for (int64_t k = 0; k < d * d; k++) Z[k] = St[k] - cov[k];
    memcpy(B, cov, sizeof(double) * (size_t)(d * d));
    int st = mlc_linalg_eigh_generalized_f64(ev, Z, B, d, d, d);
    if (st != MLC_OK) return st;
    double total = 0.0;
    for (int64_t i = 0; i < d; i++) total += ev[i];
    for (int64_t i = 0; i < d; i++) {
        /* scikit-learn sorts w / sum(w) decreasing: the order of w reversed when the sum is negative */
        evr[i] = (total > 0.0 ? ev[d - 1 - i] : ev[i]) / total;
        for (int64_t j = 0; j < d; j++) scalings[j * d + i] = Z[(d - 1 - i) * d + j];
    }
    gemm(P, means, scalings, c, d, d, 0, d, d, d);
    gemm(coef, P, scalings, c, d, d, 1, d, d, d);
    return MLC_OK;
}

int mlc_discriminant_analysis_lda_fit(double *means, double *xbar, double *covariance, double *coef,
                                      double *intercept, double *scalings, double *evr, int64_t *rank,
                                      int64_t *n_evr, const double *X, const int32_t *y, const double *priors,
                                      int64_t n, int64_t d, int64_t c, int solver, int shrinkage,
                                      double alpha, double tol, int n_threads) {
    mlc_discriminant_analysis_work w;
    const int need_cov = covariance != NULL || solver != MLC_DA_SVD;
    /* S, W, cov, St, B: (D, D) each; Z (D D + C D); ev (2 D); cm (C, D); u (D, C + D) */
    const int64_t dd = d * d;
    double *S = mlc_malloc(sizeof(double) * (size_t)(6 * dd + 2 * d + 2 * c * d + d * (c + d)));
    int st = mlc_discriminant_analysis_work_init(&w, y, n, d, c);
    if (st == MLC_OK && S == NULL) st = MLC_ENOMEM;
    if (st != MLC_OK) goto done;
    double *W = S + dd, *cov = W + dd, *St = cov + dd, *Z = St + dd, *B = Z + dd + c * d, *ev = B + dd;
    double *cm = ev + 2 * d, *u = cm + c * d;
    memset(W, 0, sizeof(double) * (size_t)(2 * dd));
    for (int64_t k = 0; k < c; k++) {
        const int64_t r0 = w.start[k], r1 = w.start[k + 1];
        double *mk = means + k * d;
        mlc_discriminant_analysis_mean(mk, X, &w, r0, r1, d, n_threads);
        mlc_discriminant_analysis_scatter(S, mk, X, &w, r0, r1, d, n_threads);
        for (int64_t i = 0; i < dd; i++) W[i] += S[i];
        if (!need_cov) continue;
        for (int64_t i = 0; i < dd; i++) S[i] /= (double)(r1 - r0);
        mlc_discriminant_analysis_shrink(S, mk, X, &w, r0, r1, d, shrinkage, alpha, n_threads);
        for (int64_t i = 0; i < dd; i++) cov[i] += priors[k] * S[i];
    }
    for (int64_t j = 0; j < d; j++) {
        xbar[j] = 0.0;
        for (int64_t k = 0; k < c; k++) xbar[j] += priors[k] * means[k * d + j];
    }
    if (covariance != NULL) memcpy(covariance, cov, sizeof(double) * (size_t)dd);
    if (solver == MLC_DA_SVD) {
        st = solve_svd(coef, intercept, scalings, evr, rank, n_evr, W, means, xbar, priors, n, d, c, tol, Z, ev,
                       cm, u);
    } else if (solver == MLC_DA_LSQR) {
        *rank = *n_evr = 0;
        st = solve_lsqr(coef, cov, means, d, c, Z, ev, cm);
        intercepts(intercept, coef, means, priors, d, c);
    } else {
        /* the total covariance about the plain mean m: (W + sum_k n_k (mean_k - m)(mean_k - m)^T) / N */
        double *m = ev;
        for (int64_t j = 0; j < d; j++) {
            m[j] = 0.0;
            for (int64_t k = 0; k < c; k++) m[j] += (double)(w.start[k + 1] - w.start[k]) * means[k * d + j];
            m[j] /= (double)n;
        }
        for (int64_t k = 0; k < c; k++) {
            const double nk = (double)(w.start[k + 1] - w.start[k]);
            for (int64_t j = 0; j < d; j++) cm[k * d + j] = means[k * d + j] - m[j];
            for (int64_t i = 0; i < d; i++)
                for (int64_t j = 0; j < d; j++) W[i * d + j] += nk * cm[k * d + i] * cm[k * d + j];
        }
        for (int64_t i = 0; i < dd; i++) St[i] = W[i] / (double)n;
        mlc_discriminant_analysis_shrink(St, m, X, &w, 0, n, d, shrinkage, alpha, n_threads);
        *rank = *n_evr = d;
        st = solve_eigen(coef, scalings, evr, St, cov, means, d, c, Z, B, ev, cm);
        if (st == MLC_OK) intercepts(intercept, coef, means, priors, d, c);
    }
done:
    mlc_discriminant_analysis_work_free(&w);
    mlc_free(S);
    return st;
}
