/* kernel.c: kernel values for the SVMs: rows for the solver, blocks by GEMM, and the decision
 * values sum_s K(x, sv_s) W_sp + b_p of a fitted model (one GEMM per block of rows, then one more
 * against the coefficients), with an exp the compiler vectorises for rbf. */
#include <math.h>
#include <string.h>

#include "blas.h"
#include "svm/smo.h"

/* v[j] = exp(v[j]) for n values, in a loop the compiler vectorises (libm's exp is one call per
 * value: a tenth of a digits fit, half of its prediction). Cody-Waite reduction x = k ln2 + r,
 * |r| <= ln2 / 2, then Taylor to degree 13 (truncation < 1e-17 relative) and 2^k through the
 * exponent bits: within 1 ulp of exp in tests, far below the float rounding of the cached rows.
 * Underflow (x < -708) gives 0. GCC if-converts the clamps (and so vectorises) only without
 * trapping math; on x86-64 Linux a second copy for AVX2 + FMA (4 lanes, fused) is picked at load
 * time, about 3x libm's speed (the SSE2 copy is about libm's). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
__attribute__((optimize("no-trapping-math"), target_clones("arch=x86-64-v3", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-trapping-math")))
#endif
static void exp_inplace(double *restrict v, int64_t n) {
    const double log2e = 1.4426950408889634, shifter = 6755399441055744.0; // 1.5 * 2^52
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    for (int64_t j = 0; j < n; j++) {
        const double x0 = v[j];
        double x = x0 < -708.0 ? -708.0 : x0;
        x = x > 709.0 ? 709.0 : x;
        const double t = x * log2e + shifter; // round(x log2e) in the low bits of t
        const double kf = t - shifter;
        const double r = (x - kf * ln2_hi) - kf * ln2_lo;
        double p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        int64_t bits;
        memcpy(&bits, &t, sizeof bits);
        bits = (int64_t)((uint64_t)(bits + 1023) << 52); // 2^k, k = the low bits of t
        double scale;
        memcpy(&scale, &bits, sizeof scale);
        const double keep = x0 < -708.0 ? 0.0 : 1.0; // a select here stops the vectoriser
        v[j] = p * scale * keep;
    }
}

void mlc_svm_kernel_from_dots(const mlc_svm_kernel *k, double *v, int64_t n, double sqx, const double *sqy) {
    const double g = k->gamma, c0 = k->coef0;
    switch (k->kernel) {
    case MLC_SVM_LINEAR: return;
    case MLC_SVM_RBF:
        for (int64_t j = 0; j < n; j++) v[j] = -g * (sqx + sqy[j] - 2.0 * v[j]);
        exp_inplace(v, n);
        return;
    case MLC_SVM_POLY:
        for (int64_t j = 0; j < n; j++) v[j] = pow(g * v[j] + c0, (double)k->degree);
        return;
    default:
        for (int64_t j = 0; j < n; j++) v[j] = tanh(g * v[j] + c0);
    }
}

void mlc_svm_row_sqnorms(double *sq, const double *X, int64_t n, int64_t d) {
    for (int64_t i = 0; i < n; i++) {
        const double *x = X + i * d;
        double s = 0;
        for (int64_t t = 0; t < d; t++) s += x[t] * x[t];
        sq[i] = s;
    }
}

int mlc_svm_kernel_matrix(double *Kmat, const double *X, const double *Y, int64_t n, int64_t m,
                          int64_t d, const mlc_svm_kernel *k) {
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
    const int team = mlc_team_size(n * m * (d + 16), mlc_get_num_threads());
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


int mlc_svm_decision(double *dec, const double *X, const double *SV, const double *W, const double *b,
                     int64_t n, int64_t m, int64_t d, int64_t p, const mlc_svm_kernel *k, int n_threads) {
    if (n == 0) return MLC_OK;
    double *sqx = NULL, *sqv = NULL;
    if (k->kernel == MLC_SVM_RBF) {
        sqx = mlc_malloc(sizeof(double) * (size_t)(n + m + 1));
        if (sqx == NULL) return MLC_ENOMEM;
        sqv = sqx + n;
        mlc_svm_row_sqnorms(sqx, X, n, d);
        mlc_svm_row_sqnorms(sqv, SV, m, d);
    }
    // Per block of B rows: Kb = K(X_b, SV) (B, M) by one GEMM and the kernel's transform, then
    // dec_b = Kb W + b by a second; K(X, SV) is never held whole. Blocks go to OpenMP threads,
    // each with its own Kb, with BLAS single-threaded inside.
    const int64_t B = 64, nb = (n + B - 1) / B;
    // work in nanoseconds, about: GEMM at ~8 flops per ns, the kernel's transform a few ns per entry
    const int team = (int)MLC_MIN((int64_t)mlc_team_size(n * m * (4 + (d + p) / 8), n_threads), nb);
    int nomem = 0;
    mlc_blas_single_begin();
#pragma omp parallel num_threads(team) reduction(| : nomem)
    {
        double *Kb = mlc_malloc(sizeof(double) * (size_t)(B * (m > 0 ? m : 1)));
        if (Kb == NULL) nomem = 1;
#pragma omp for schedule(dynamic, 1)
        for (int64_t blk = 0; blk < nb; blk++) {
            if (Kb == NULL) continue;
            const int64_t i0 = blk * B, bn = MLC_MIN(B, n - i0);
            double *out = dec + i0 * p;
            for (int64_t i = 0; i < bn; i++) memcpy(out + i * p, b, sizeof(double) * (size_t)p);
            if (m == 0) continue;
            if (d > 0)
                mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)bn, (mlc_blasint)m,
                                (mlc_blasint)d, 1.0, X + i0 * d, (mlc_blasint)d, SV, (mlc_blasint)d, 0.0, Kb,
                                (mlc_blasint)m);
            else
                memset(Kb, 0, sizeof(double) * (size_t)(bn * m));
            for (int64_t i = 0; i < bn; i++) mlc_svm_kernel_from_dots(k, Kb + i * m, m, sqx ? sqx[i0 + i] : 0, sqv);
            mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)bn, (mlc_blasint)p,
                            (mlc_blasint)m, 1.0, Kb, (mlc_blasint)m, W, (mlc_blasint)p, 1.0, out, (mlc_blasint)p);
        }
        mlc_free(Kb);
    }
    mlc_blas_single_end();
    mlc_free(sqx);
    return nomem ? MLC_ENOMEM : MLC_OK;
}
