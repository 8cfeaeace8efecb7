/* runtime.c: status strings, the log and progress hooks, thread control, the aligned allocator. */
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>

#include "blas.h"
#include "mlc.h"

const char *mlc_status_string(int status) {
    switch (status) {
    case MLC_OK: return "ok";
    case MLC_EINVAL: return "invalid argument";
    case MLC_ENOMEM: return "out of memory";
    case MLC_EINTERRUPTED: return "interrupted";
    case MLC_ENUMERIC: return "non-finite value";
    case MLC_ENOTCONVERGED: return "did not converge";
    default: return "unknown error";
    }
}

int mlc_progress_tick(const mlc_progress *p, int64_t done, int64_t total) {
    if (p == NULL || p->fn == NULL) return 0;
    return p->fn(p->ctx, done, total);
}

static mlc_log_fn log_fn = NULL;

void mlc_set_log_function(mlc_log_fn fn) { log_fn = fn; }

void mlc_log(const char *fmt, ...) {
    if (log_fn == NULL) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    log_fn(buf);
}

static int n_threads = 0; /* 0: not set, follow OpenMP's default */

void mlc_set_num_threads(int n) {
    if (n < 1) n = 1;
    n_threads = n;
    omp_set_num_threads(n);
    mlc_openblas_set_num_threads(n);
}

/* mlc's setting, lowered by OpenMP's current limit: a threadpoolctl.threadpool_limits(...) (which
 * calls omp_set_num_threads) then limits mlc's kernels too. */
int mlc_get_num_threads(void) {
    const int omp = omp_get_max_threads();
    return n_threads > 0 ? MLC_MIN(n_threads, omp) : omp;
}

/* OpenBLAS (the pthreads build) has no per-thread setting, so a parallel region turns BLAS to one
 * thread while it runs and then puts back whatever count was in force (mlc's, or a threadpoolctl
 * limit). Nested or concurrent regions (two Python threads) share one saved count: the first to
 * enter saves and sets 1, the last to leave restores, under a mutex. */
static pthread_mutex_t blas_lock = PTHREAD_MUTEX_INITIALIZER;
static int blas_depth = 0, blas_saved = 1;

void mlc_blas_single_begin(void) {
    pthread_mutex_lock(&blas_lock);
    if (blas_depth++ == 0) {
        blas_saved = mlc_openblas_get_num_threads();
        mlc_openblas_set_num_threads(1);
    }
    pthread_mutex_unlock(&blas_lock);
}

void mlc_blas_single_end(void) {
    pthread_mutex_lock(&blas_lock);
    if (--blas_depth == 0) mlc_openblas_set_num_threads(blas_saved);
    pthread_mutex_unlock(&blas_lock);
}

int mlc_team_size(int64_t work, int n_threads) {
    if (n_threads < 2 || work < MLC_SERIAL_WORK) return 1;
    return (int)MLC_MIN((int64_t)n_threads, work / (MLC_SERIAL_WORK / 2));
}

int mlc_blas_begin(int64_t work) {
    if (work >= MLC_SERIAL_WORK || omp_in_parallel()) return 0; /* in a region BLAS is single already */
    mlc_blas_single_begin();
    return 1;
}

void mlc_blas_end(int single) {
    if (single) mlc_blas_single_end();
}

/* The test hook: fail_in counts down the allocations to the one that fails (0: none will), live
 * counts the blocks not yet freed, count every call. Atomics: mlc_malloc may run inside a parallel
 * region. */
static atomic_llong fail_in = 0, live = 0, count = 0;

int64_t mlc_alloc_fail_in(int64_t n) { return (int64_t)atomic_exchange(&fail_in, (long long)MLC_MAX(n, 0)); }

int64_t mlc_alloc_live(void) { return (int64_t)atomic_load(&live); }

int64_t mlc_alloc_count(void) { return (int64_t)atomic_load(&count); }

void *mlc_malloc(size_t bytes) {
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    long long left = atomic_load_explicit(&fail_in, memory_order_relaxed);
    while (left > 0 && !atomic_compare_exchange_weak(&fail_in, &left, left - 1)) {
    }
    if (left == 1) return NULL;
    if (bytes == 0) bytes = 64;
    bytes = (bytes + 63) & ~(size_t)63; /* aligned_alloc wants a multiple of the alignment */
    void *p = aligned_alloc(64, bytes);
    if (p != NULL) atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
    return p;
}

void mlc_free(void *p) {
    if (p == NULL) return;
    atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
    free(p);
}
