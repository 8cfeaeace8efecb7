/* linalg_syrk.c: mlc_linalg_syrk_f64 (core/linalg.h), the Gram accumulation of the one-pass
 * covariance / normal-equation kernels (PCA covariance_eigh, LinearRegression, Ridge, ElasticNet),
 * dispatched per CPU level (core/dispatch.h).
 *
 * For the thin blocks these kernels feed it (n <= a few hundred features, k a few hundred rows),
 * OpenBLAS's xSYRK reaches about half the speed of its xGEMM. Here a register tile of C, MR
 * columns j by NR rows i (i contiguous), is summed over the whole block k with one broadcast of
 * a[j, kk] and NR / VL vector loads of a[i, kk] per MR x NR / VL FMAs, then added to C once; the
 * tiles cover i >= j (the lower triangle) and the few entries above it that share a tile with it.
 * The baseline copy is OpenBLAS's xSYRK. FMA: the levels agree to rounding, not in every bit.
 * The caller's next block of X is prefetched into L2 a slice per tile, so that its copy (shift,
 * scale: memory-bound) does not wait on memory while the tiles (compute-bound) leave it idle. */
#include "blas.h"
#include "core/dispatch.h"
#include "core/linalg.h"

#if MLC_ISA_LEVEL >= 1
#include <immintrin.h>

/* Prefetch up to `lines` cache lines from p (not past end) into L2; returns where it stopped. */
static inline const char *prefetch_lines(const char *p, const char *end, int64_t lines) {
    for (int64_t q = 0; q < lines && p < end; q++, p += 64) _mm_prefetch(p, _MM_HINT_T1);
    return p;
}

/* Cache lines of next to prefetch per tile of mr columns and nr rows (all of it over the call). */
static int64_t lines_per_tile(int64_t n, int64_t mr, int64_t nr, int64_t next_bytes) {
    int64_t tiles = 0;
    for (int64_t j0 = 0; j0 < n; j0 += mr) tiles += (n - j0 + nr - 1) / nr;
    return (next_bytes / 64 + tiles) / tiles;
}
#endif

#if MLC_ISA_LEVEL == 2
#define SYRK_MR 8 /* columns j of a tile: one broadcast each */
#define SYRK_NV 3 /* 8-double vectors of rows i: 24 accumulators of 32 registers */

/* The tile C[i0 .. i0 + ni, j0 .. j0 + mj] (ni <= 8 nv), nv a constant once inlined. */
static inline __attribute__((always_inline)) void tile512(double *c, const double *a, int64_t n, int64_t k,
                                                          int64_t j0, int64_t mj, int64_t i0, int64_t ni,
                                                          const int nv) {
    __mmask8 m[SYRK_NV];
    for (int v = 0; v < SYRK_NV; v++) {
        const int64_t left = ni - 8 * v;
        m[v] = left >= 8 ? 0xff : left <= 0 ? 0 : (__mmask8)((1u << left) - 1);
    }
    __m512d acc[SYRK_MR][SYRK_NV];
#pragma GCC unroll 8
    for (int r = 0; r < SYRK_MR; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = _mm512_setzero_pd();
    const double *ak = a;
    for (int64_t kk = 0; kk < k; kk++, ak += n) {
        __m512d x[SYRK_NV];
        for (int v = 0; v < nv; v++) x[v] = _mm512_maskz_loadu_pd(m[v], ak + i0 + 8 * v);
        // columns j >= n read past a's column (the slack): their sums are never stored
#pragma GCC unroll 8
        for (int r = 0; r < SYRK_MR; r++) {
            const __m512d s = _mm512_set1_pd(ak[j0 + r]);
            for (int v = 0; v < nv; v++) acc[r][v] = _mm512_fmadd_pd(s, x[v], acc[r][v]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < SYRK_MR; r++) {
        if (r >= mj) break;
        double *cj = c + (j0 + r) * n + i0;
        for (int v = 0; v < nv; v++)
            _mm512_mask_storeu_pd(cj + 8 * v, m[v],
                                  _mm512_add_pd(acc[r][v], _mm512_maskz_loadu_pd(m[v], cj + 8 * v)));
    }
}

/* The rows i = t0 .. t0 + rows of C (the last n mod 8, rows < 8 a constant once inlined) against
 * the columns j = j0 .. j0 + 8 nv (< t0): vectors over j and broadcasts of a[i, kk], C[i, j]
 * added one by one. Without it those rows would cost a masked vector per column tile of 8. */
static inline __attribute__((always_inline)) void tail512(double *c, const double *a, int64_t n, int64_t k,
                                                          int64_t t0, int64_t j0, const int rows, const int nv) {
    __m512d acc[SYRK_MR][SYRK_NV];
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = _mm512_setzero_pd();
    const double *ak = a;
    for (int64_t kk = 0; kk < k; kk++, ak += n) {
        __m512d x[SYRK_NV];
        for (int v = 0; v < nv; v++) x[v] = _mm512_loadu_pd(ak + j0 + 8 * v);
        for (int r = 0; r < rows; r++) {
            const __m512d s = _mm512_set1_pd(ak[t0 + r]);
            for (int v = 0; v < nv; v++) acc[r][v] = _mm512_fmadd_pd(s, x[v], acc[r][v]);
        }
    }
    double sums[8 * SYRK_NV];
    for (int r = 0; r < rows; r++) {
        for (int v = 0; v < nv; v++) _mm512_storeu_pd(sums + 8 * v, acc[r][v]);
        for (int q = 0; q < 8 * nv; q++) c[(j0 + q) * n + t0 + r] += sums[q];
    }
}

static inline __attribute__((always_inline)) void tail_nv512(double *c, const double *a, int64_t n, int64_t k,
                                                             int64_t t0, int64_t j0, const int rows, int nv) {
    if (nv == 3)
        tail512(c, a, n, k, t0, j0, rows, 3);
    else if (nv == 2)
        tail512(c, a, n, k, t0, j0, rows, 2);
    else
        tail512(c, a, n, k, t0, j0, rows, 1);
}

static void tail_rows512(double *c, const double *a, int64_t n, int64_t k, int64_t t0, int64_t j0, int rows,
                         int nv) {
    switch (rows) { /* a constant per case: acc stays in registers */
    case 1: tail_nv512(c, a, n, k, t0, j0, 1, nv); break;
    case 2: tail_nv512(c, a, n, k, t0, j0, 2, nv); break;
    case 3: tail_nv512(c, a, n, k, t0, j0, 3, nv); break;
    case 4: tail_nv512(c, a, n, k, t0, j0, 4, nv); break;
    case 5: tail_nv512(c, a, n, k, t0, j0, 5, nv); break;
    case 6: tail_nv512(c, a, n, k, t0, j0, 6, nv); break;
    default: tail_nv512(c, a, n, k, t0, j0, 7, nv); break;
    }
}

void MLC_ISA(mlc_linalg_syrk_f64)(double *c, const double *a, int64_t n, int64_t k, const void *next,
                                  int64_t next_bytes) {
    const char *pf = next, *pf_end = next != NULL ? pf + next_bytes : pf;
    /* rows i < n8 by full vectors; the last n - n8 rows by tail_rows512 and one masked tile */
    const int64_t n8 = n / 8 * 8;
    const int64_t per_tile = next != NULL && n8 > 0 ? lines_per_tile(n8, SYRK_MR, 8 * SYRK_NV, next_bytes) : 0;
    for (int64_t j0 = 0; j0 < n8; j0 += SYRK_MR) {
        for (int64_t i0 = j0; i0 < n8; i0 += 8 * SYRK_NV) {
            const int64_t ni = MLC_MIN(8 * SYRK_NV, n8 - i0);
            pf = prefetch_lines(pf, pf_end, per_tile);
            if (ni > 16)
                tile512(c, a, n, k, j0, SYRK_MR, i0, ni, 3);
            else if (ni > 8)
                tile512(c, a, n, k, j0, SYRK_MR, i0, ni, 2);
            else
                tile512(c, a, n, k, j0, SYRK_MR, i0, ni, 1);
        }
        if (n8 < n && j0 % (8 * SYRK_NV) == 0)
            tail_rows512(c, a, n, k, n8, j0, (int)(n - n8), (int)MLC_MIN(SYRK_NV, (n8 - j0) / 8));
    }
    if (n8 < n) tile512(c, a, n, k, n8, n - n8, n8, n - n8, 1);
}

#elif MLC_ISA_LEVEL == 1
#define SYRK_MR 6 /* columns j of a tile */
#define SYRK_NR 8 /* rows i: two 4-double vectors; 12 accumulators of 16 registers */

void MLC_ISA(mlc_linalg_syrk_f64)(double *c, const double *a, int64_t n, int64_t k, const void *next,
                                  int64_t next_bytes) {
    const char *pf = next, *pf_end = next != NULL ? pf + next_bytes : pf;
    const int64_t per_tile = next != NULL ? lines_per_tile(n, SYRK_MR, SYRK_NR, next_bytes) : 0;
    for (int64_t j0 = 0; j0 < n; j0 += SYRK_MR) {
        const int64_t mj = MLC_MIN(SYRK_MR, n - j0);
        for (int64_t i0 = j0; i0 < n; i0 += SYRK_NR) {
            const int64_t ni = MLC_MIN(SYRK_NR, n - i0);
            pf = prefetch_lines(pf, pf_end, per_tile);
            const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
            const __m256i m0 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(ni), lane);
            const __m256i m1 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(ni - 4), lane);
            __m256d acc[SYRK_MR][2];
#pragma GCC unroll 6
            for (int r = 0; r < SYRK_MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_pd();
            const double *ak = a;
            for (int64_t kk = 0; kk < k; kk++, ak += n) {
                const __m256d v0 = _mm256_maskload_pd(ak + i0, m0);
                const __m256d v1 = _mm256_maskload_pd(ak + i0 + 4, m1);
                // columns j >= n read past a's column (the slack): their sums are never stored
#pragma GCC unroll 6
                for (int r = 0; r < SYRK_MR; r++) {
                    const __m256d s = _mm256_broadcast_sd(ak + j0 + r);
                    acc[r][0] = _mm256_fmadd_pd(s, v0, acc[r][0]);
                    acc[r][1] = _mm256_fmadd_pd(s, v1, acc[r][1]);
                }
            }
#pragma GCC unroll 6
            for (int r = 0; r < SYRK_MR; r++) {
                if (r >= mj) break;
                double *cj = c + (j0 + r) * n + i0;
                _mm256_maskstore_pd(cj, m0, _mm256_add_pd(acc[r][0], _mm256_maskload_pd(cj, m0)));
                _mm256_maskstore_pd(cj + 4, m1, _mm256_add_pd(acc[r][1], _mm256_maskload_pd(cj + 4, m1)));
            }
        }
    }
}

#else
void MLC_ISA(mlc_linalg_syrk_f64)(double *c, const double *a, int64_t n, int64_t k, const void *next,
                                  int64_t next_bytes) {
    (void)next; /* no prefetch at baseline */
    (void)next_bytes;
    mlc_cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)n, (int)k, 1.0, a, (int)n, 1.0, c, (int)n);
}
#endif
