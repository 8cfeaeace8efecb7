/* kmeans.c: k-means (see kmeans.h). The type-independent parts live here; the kernels are
 * written once in kmeans_impl.h (Lloyd/Elkan passes on dense rows), kmeans_csr_impl.h (Lloyd on CSR rows),
 * kmeans_fit_impl.h (the fits, R runs at a time) and kmeans_plusplus_impl.h (seeding), included for float64
 * and float32. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/kmeans.h"
#include "core/dispatch.h"
#include "core/reduce.h"
#include "core/sparse.h"
#if MLC_ISA_LEVEL >= 1
#include <immintrin.h>
#endif

/* The public kernels are dispatched per CPU level (core/dispatch.h): KM_API(name) is the copy of
 * name_f64 / name_f32 of this object's level. Every level gives the same bits. */
#define KM_ISA_(name) MLC_ISA(name)
#define KM_API(name) KM_ISA_(MLC_SFX(name))

/* Rows are cut into blocks of KM_BLOCK, and blocks into at most KM_GROUPS contiguous groups. A group's partial
 * sums are private to it and the groups are reduced in order: the result does not depend on
 * which thread ran which group, nor on how many threads there were. */
#define KM_BLOCK 256
#define KM_GROUPS 32
/* Lloyd queues the rows to rank, KM_TILE at most, and walks a group in windows of KM_WINDOW rows, summed
 * once the window's labels are known (while it is in cache); a bounded pass prefetches the row of X
 * KM_AHEAD rows to rank ahead. */
#define KM_TILE 64
#define KM_WINDOW 1024
#define KM_AHEAD 4
#define KM_LANES 8

static inline double lanes_sum(const double *acc) {
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

#if MLC_ISA_ONCE
const char *mlc_kmeans_check_params(int64_t n, int64_t d, int64_t k, int algorithm, int64_t max_iter,
                                    double tol) {
    if (n < 1) return "need at least one sample";
    if (d < 1) return "need at least one feature";
    if (k < 1) return "n_clusters must be >= 1";
    if (k > n) return "n_clusters must be <= n_samples";
    if (k > INT32_MAX) return "n_clusters is too large";
    if (algorithm != MLC_KMEANS_LLOYD && algorithm != MLC_KMEANS_ELKAN) return "unknown algorithm code";
    if (max_iter < 1) return "max_iter must be >= 1";
    if (!(tol >= 0.0)) return "tol must be >= 0";
    return NULL;
}
#endif

/* The groups of N rows: chunks of whole blocks (mlc_chunks_even over the blocks). A group's row of
 * partial sums is (K*D + K): the weighted sums of the clusters, then their weights. */
static mlc_chunks groups_of(int64_t n) {
    return mlc_chunks_even((n + KM_BLOCK - 1) / KM_BLOCK, 1, KM_GROUPS);
}
static int64_t n_groups(int64_t n) { return groups_of(n).count; }
static int64_t group_begin(mlc_chunks ch, int64_t g) { return mlc_chunk_begin(ch, g) * KM_BLOCK; }

/* The groups of a Lloyd pass whose partial sums have `stride` doubles: one per block while they fit in
 * KM_SUMS_BYTES (at least KM_GROUPS), so that a group whose labels did not change keeps the sums of the
 * pass before, without reading its rows (see run_pass). */
#define KM_SUMS_BYTES ((int64_t)32 << 20)
/* A fit merges the groups' sums KM_SUPER groups at a time, then those runs (merge_sums). */
#define KM_SUPER 16
static mlc_chunks sum_groups_of(int64_t n, int64_t stride) {
    const int64_t blocks = (n + KM_BLOCK - 1) / KM_BLOCK;
    return mlc_chunks_even(blocks, 1, MLC_MAX(KM_GROUPS, KM_SUMS_BYTES / (int64_t)sizeof(double) / stride));
}

/* The team of a pass over N rows doing `work` steps: at most one thread per group. */
static int pass_team(int64_t n, int64_t work, int n_threads) {
    return (int)MLC_MIN((int64_t)mlc_team_size(work, n_threads), n_groups(n));
}

/* The team of R independent runs (seedings, fits) whose passes over N rows do `work` steps each: one run per
 * thread, each single-threaded inside, when a pass alone would not occupy every thread (a busy core then
 * slows one run, not every pass); else 1: the runs in turn, each pass threaded. The same results either way. */
static int runs_team(int64_t runs, int64_t n, int64_t work, int n_threads) {
    if (runs < 2 || pass_team(n, work, n_threads) >= n_threads) return 1;
    return (int)MLC_MIN(runs, (int64_t)mlc_team_size(runs * work, n_threads));
}

/* Run q of a set, on thread `thread` of the team (its scratch), with n_threads inside. */
typedef int (*km_run_fn)(void *ctx, int64_t q, int thread, int n_threads, const mlc_progress *p);

/* Runs 0..R-1 of fn: in turn with n_threads each when team is 1 (no region around them: a region nested in
 * another would start its threads anew), else spread over the team, one thread each; only the calling
 * thread's runs reach the hook p. The first failure stops the runs not yet started. */
static int run_all(km_run_fn fn, void *ctx, int64_t runs, int team, int n_threads, const mlc_progress *p) {
    mlc_par par = mlc_par_init(p);
    if (team == 1) {
        for (int64_t q = 0; q < runs && !mlc_par_halted(&par); q++) {
            const int st = fn(ctx, q, 0, n_threads, p);
            if (st != MLC_OK) mlc_par_fail(&par, st);
        }
        return mlc_par_status(&par);
    }
#pragma omp parallel num_threads(team)
    {
        const int t = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
        for (int64_t q = 0; q < runs; q++) {
            if (mlc_par_halted(&par)) continue;
            const int st = fn(ctx, q, t, 1, t == 0 ? p : NULL);
            if (st != MLC_OK) mlc_par_fail(&par, st);
        }
    }
    return mlc_par_status(&par);
}

/* The index of the largest entry of v (N), the first of ties. */
static int64_t argmax(const double *v, int64_t n) {
    int64_t best = 0;
    for (int64_t i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

/* The first index i with cum[i] > r (cum non-decreasing), or N - 1 if there is none. */
static int64_t search_right(const double *cum, int64_t n, double r) {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > r) hi = mid;
        else lo = mid + 1;
    }
    return MLC_MIN(lo, n - 1);
}

/* A row's key for an order that depends on its values only. */
typedef struct {
    uint64_t hash;
    int64_t row;
} km_key;

static int key_cmp(const void *a, const void *b) {
    const km_key *x = a, *y = b;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The row stride of the transposed centres: K rounded up to 8 or 16 when that small, so that a row's
 * dots stay in registers (kmeans_csr_impl.h's csr_dots). */
static int64_t csr_ldc(int64_t k) { return k <= 8 ? 8 : k <= 16 ? 16 : k; }

enum { KM_LLOYD, KM_BOUNDED, KM_INERTIA };

enum { KM_GO_ON, KM_STOP_STRICT, KM_STOP_TOL };

/* The stopping rule of a Lloyd iteration, after its M-step: KM_STOP_STRICT when labels (N) repeat
 * labels_old (N), KM_STOP_TOL when the summed squared centre shifts (K) are <= tol, else KM_GO_ON
 * (labels_old then takes labels). */
static int lloyd_stop(int32_t *labels_old, const int32_t *labels, const double *shift, int64_t n, int64_t k,
                      double tol) {
    if (memcmp(labels, labels_old, sizeof(int32_t) * n) == 0) return KM_STOP_STRICT;
    double total = 0.0;
    for (int64_t j = 0; j < k; j++) total += shift[j] * shift[j];
    if (total <= tol) return KM_STOP_TOL;
    memcpy(labels_old, labels, sizeof(int32_t) * n);
    return KM_GO_ON;
}

/* The vectors of kmeans_rank_impl.h: 64 bytes (KM_V: one AVX-512 register, KM_W lanes) and 32 (KM_H), their
 * operations named by T's intrinsic suffix KM_PS (pd, ps). */
#define KM_PASTE_(a, b) a##b
#define KM_PASTE(a, b) KM_PASTE_(a, b)
#define KM_V_LOAD KM_PASTE(_mm512_loadu_, KM_PS)
#define KM_V_SET1 KM_PASTE(_mm512_set1_, KM_PS)
#define KM_V_FMA KM_PASTE(_mm512_fmadd_, KM_PS)
#define KM_V_STORE KM_PASTE(_mm512_storeu_, KM_PS)
#define KM_H_LOAD KM_PASTE(_mm256_loadu_, KM_PS)
#define KM_H_SET1 KM_PASTE(_mm256_set1_, KM_PS)
#define KM_H_FMA KM_PASTE(_mm256_fmadd_, KM_PS)
#define KM_H_STORE KM_PASTE(_mm256_storeu_, KM_PS)

#define T double
#define SFX f64
#define KM_W 8
#define KM_FMA fma
#define KM_V __m512d
#define KM_H __m256d
#define KM_PS pd
#include "cluster/kmeans_rank_impl.h"
#include "cluster/kmeans_impl.h"
#include "cluster/kmeans_plusplus_impl.h"
#include "cluster/kmeans_csr_impl.h"
#include "cluster/kmeans_fit_impl.h"
#undef T
#undef SFX
#undef KM_W
#undef KM_FMA
#undef KM_V
#undef KM_H
#undef KM_PS

#define T float
#define SFX f32
#define KM_W 16
#define KM_FMA fmaf
#define KM_V __m512
#define KM_H __m256
#define KM_PS ps
#include "cluster/kmeans_rank_impl.h"
#include "cluster/kmeans_impl.h"
#include "cluster/kmeans_plusplus_impl.h"
#include "cluster/kmeans_csr_impl.h"
#include "cluster/kmeans_fit_impl.h"
#undef T
#undef SFX
#undef KM_W
#undef KM_FMA
#undef KM_V
#undef KM_H
#undef KM_PS
