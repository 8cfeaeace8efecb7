/* reduce.h: the two things every parallel loop of mlc shares.
 *
 * ---- Deterministic chunked reduction ------------------------------------------------------
 * N items (rows, blocks of rows, parameters) are split into chunks whose number and bounds depend
 * on N and the caller's constants only, never on the thread count; each chunk sums into its own
 * float64 partial, and the partials are merged in chunk order. The result is then the same bits
 * for any number of threads (llm.c and PyTorch's deterministic mode do the same).
 * Two splits, each kept where it was used (changing a site's split would change its results):
 *   mlc_chunks_sized(n, min_size, max_count): chunks of size = max(ceil(n / max_count), min_size)
 *       items, the last one shorter: chunk c is [c size, min(n, (c + 1) size)).
 *   mlc_chunks_even(n, min_size, max_count): count = min(max_count, ceil(n / min_size)) chunks of
 *       n / count items (+-1): chunk c is [n c / count, n (c + 1) / count).
 * Loop `for (c = 0; c < ch.count; c++)` over [mlc_chunk_begin(ch, c), mlc_chunk_end(ch, c)), then
 * merge with mlc_chunks_sum (scalar partials) or mlc_chunks_merge (vector partials).
 *
 * ---- Stop / out-of-memory scaffold of a parallel loop ---------------------------------------
 *   mlc_par par = mlc_par_init(progress);
 *   #pragma omp parallel
 *   { scratch = mlc_malloc(...); if (scratch == NULL) mlc_par_fail(&par, MLC_ENOMEM);
 *     #pragma omp for
 *     for (t ...) { if (mlc_par_halted(&par)) continue;  ...work...;  mlc_par_tick(&par, t, total); }
 *     mlc_free(scratch); }
 *   return mlc_par_status(&par);
 * A failure from any thread makes every thread skip its remaining iterations; the progress hook is
 * only ever called from the calling thread (OpenMP thread 0), as mlc.h requires, and its "stop"
 * becomes MLC_EINTERRUPTED. When several threads fail differently the status is the first of
 * ENOMEM, EINVAL, ENUMERIC, ENOTCONVERGED, EINTERRUPTED that happened, whatever their timing.
 */
#ifndef MLC_REDUCE_H
#define MLC_REDUCE_H

#include <omp.h>
#include <string.h>

#include "mlc.h"

typedef struct {
    int64_t n, count; /* items, chunks */
    int64_t size;     /* items per chunk (mlc_chunks_sized), or 0 for the even split */
} mlc_chunks;

static inline mlc_chunks mlc_chunks_sized(int64_t n, int64_t min_size, int64_t max_count) {
    int64_t size = (n + max_count - 1) / max_count;
    if (size < min_size) size = min_size;
    mlc_chunks ch = {n, n > 0 ? (n + size - 1) / size : 0, size};
    return ch;
}

static inline mlc_chunks mlc_chunks_even(int64_t n, int64_t min_size, int64_t max_count) {
    mlc_chunks ch = {n, MLC_MIN(max_count, (n + min_size - 1) / min_size), 0};
    return ch;
}

static inline int64_t mlc_chunk_begin(mlc_chunks ch, int64_t c) {
    return ch.size > 0 ? MLC_MIN(ch.n, c * ch.size) : ch.n * c / ch.count;
}

static inline int64_t mlc_chunk_end(mlc_chunks ch, int64_t c) { return mlc_chunk_begin(ch, c + 1); }

/* sum of part (count), in chunk order. */
static inline double mlc_chunks_sum(const double *part, int64_t count) {
    double s = 0.0;
    for (int64_t c = 0; c < count; c++) s += part[c];
    return s;
}

/* acc (len) out: chunk 0's partial, then the partial of every next chunk added in order (zeros
 * when there is no chunk). part (count, stride) in: one row of len partials per chunk. acc may be
 * part itself (in place). */
static inline void mlc_chunks_merge(double *acc, const double *part, int64_t count, int64_t len,
                                    int64_t stride) {
    if (count < 1) memset(acc, 0, sizeof(double) * (size_t)len);
    else if (acc != part) memcpy(acc, part, sizeof(double) * (size_t)len);
    for (int64_t c = 1; c < count; c++) {
        const double *src = part + c * stride;
        for (int64_t j = 0; j < len; j++) acc[j] += src[j];
    }
}

typedef struct {
    int failed;                  /* bit 1 << -status of each status seen; read and written atomically */
    const mlc_progress *progress; /* may be NULL */
} mlc_par;

static inline mlc_par mlc_par_init(const mlc_progress *progress) {
    mlc_par par = {0, progress};
    return par;
}

/* Any thread: record a failure (a negative MLC_E* status); every thread then halts. */
static inline void mlc_par_fail(mlc_par *par, int status) {
    const int bit = 1 << -status;
#pragma omp atomic update
    par->failed |= bit;
}

/* Any thread: nonzero once some thread failed or the hook asked to stop. */
static inline int mlc_par_halted(mlc_par *par) {
    int failed;
#pragma omp atomic read
    failed = par->failed;
    return failed;
}

/* Any thread: report progress; only the calling thread's call reaches the hook. */
static inline void mlc_par_tick(mlc_par *par, int64_t done, int64_t total) {
    if (omp_get_thread_num() == 0 && mlc_progress_tick(par->progress, done, total))
        mlc_par_fail(par, MLC_EINTERRUPTED);
}

/* After the region: MLC_OK, or the failure that ranks first (see the top of this file). */
static inline int mlc_par_status(const mlc_par *par) {
    static const int order[] = {MLC_ENOMEM, MLC_EINVAL, MLC_ENUMERIC, MLC_ENOTCONVERGED, MLC_EINTERRUPTED};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (par->failed & (1 << -order[i])) return order[i];
    for (int s = 1; s < 31; s++) /* a status not in the list */
        if (par->failed & (1 << s)) return -s;
    return MLC_OK;
}

#endif
