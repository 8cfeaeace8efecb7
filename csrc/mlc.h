/* mlc.h: what every kernel shares: status codes, sizes, the progress/interrupt hook, threads, the RNG.
 *
 * Conventions (DESIGN.md): a kernel is a plain function on raw row-major C-contiguous pointers;
 * argument order is outputs, const inputs, sizes (int64_t), hyper-parameters, scratch; it returns
 * MLC_OK or a negative MLC_E* status and never prints, exits or touches Python.
 *
 * Legend used in every header: N samples (rows of X), M rows of Y / training samples, D features,
 * K neighbours / clusters, C classes.
 */
#ifndef MLC_H
#define MLC_H

#include <stddef.h>
#include <stdint.h>

enum {
    MLC_OK = 0,
    MLC_EINVAL = -1,         /* an argument is out of range (the binding checked params; a bug if seen) */
    MLC_ENOMEM = -2,         /* an allocation failed */
    MLC_EINTERRUPTED = -3,   /* the progress callback asked to stop (Ctrl-C) */
    MLC_ENUMERIC = -4,       /* a non-finite value appeared where none may */
    MLC_ENOTCONVERGED = -5   /* an iterative solver hit its limit without meeting its tolerance */
};

/* A short English name for a status ("invalid argument", ...). */
const char *mlc_status_string(int status);

/* ---- progress / interrupt -------------------------------------------------------------------
 * A long kernel calls mlc_progress_tick(p, done, total) every so often, from the calling thread
 * only (OpenMP thread 0). The callback returns nonzero to ask the kernel to stop; the kernel then
 * returns MLC_EINTERRUPTED. p may be NULL (no callback). */
typedef int (*mlc_progress_fn)(void *ctx, int64_t done, int64_t total);
typedef struct {
    mlc_progress_fn fn;
    void *ctx;
} mlc_progress;

int mlc_progress_tick(const mlc_progress *p, int64_t done, int64_t total);

/* ---- log callback: silent by default (LIBLINEAR's set_print_string_function) ---- */
typedef void (*mlc_log_fn)(const char *msg);
void mlc_set_log_function(mlc_log_fn fn);
void mlc_log(const char *fmt, ...);

/* ---- threads ----------------------------------------------------------------------------------
 * One number of threads for mlc's OpenMP regions and OpenBLAS. A kernel that calls BLAS from inside
 * an OpenMP region brackets the region (outside it, on the calling thread) with
 * mlc_blas_single_begin()/end(): BLAS then runs single-threaded, with no oversubscription. */
void mlc_set_num_threads(int n);
int mlc_get_num_threads(void);
void mlc_blas_single_begin(void);
void mlc_blas_single_end(void);

/* ---- small work stays on one thread ------------------------------------------------------------
 * `work` counts the elementary steps between a fork and its join: loop elements times their cost
 * (an exp is several), a GEMM's or GEMV's multiply-adds, a LAPACK factorisation's multiply-adds per
 * column step. Below MLC_SERIAL_WORK (~4 million steps: a few ms of one core for plain loops, ~0.5
 * ms for a GEMM) a region and a BLAS/LAPACK call run on one thread, above it each thread of the team
 * gets at least half of it. Measured on 2 cores with another process holding one: a woken worker
 * (mlc's or OpenBLAS's) then waits a scheduler slice, 4-8 ms, and 2 threads lost to 1 in the median
 * or the tail up to ~2-4 million steps (GEMM 3000x64 by 64x10, GEMV 30000x64, exp over 640k); on a
 * quiet machine 2 threads start winning at ~0.3 million, so the work between ~0.3 and ~4 million
 * trades at most ~1.7x there for a bounded slowdown under load. */
#define MLC_SERIAL_WORK ((int64_t)1 << 22)
#define MLC_EXP_WORK 16 /* the steps of one exp, log or tanh (core/vmath.h's or libm's) */
int mlc_team_size(int64_t work, int n_threads);

/* The unit of `work` is the time of one sgemm multiply-add on one core (~0.02 ns at AVX-512 here), so
 * an elementwise loop counts its elements times what one costs in that time: a plain pass over float32
 * arrays (read one or two, write one: memory-bound) takes 0.10-0.14 ns an element, MLC_WORK_STREAM
 * multiply-adds (measured at 1 thread on ReLU, the residual add, on 0.5M-element batches). A loop
 * whose element costs more states its own measured multiple next to it. */
#define MLC_WORK_STREAM 6

/* A BLAS/LAPACK call doing `work` steps: mlc_blas_begin(work) makes BLAS single-threaded (a
 * mlc_blas_single_begin) when the work is below MLC_SERIAL_WORK outside a parallel region, and
 * returns whether it did; mlc_blas_end(that) undoes it. blas.h's mlc_cblas_* and linalg.h's
 * wrappers do this for every call, so a kernel needs no bracket of its own. */
int mlc_blas_begin(int64_t work);
void mlc_blas_end(int single);

/* ---- RNG: xoshiro256** seeded by splitmix64 ---- */
typedef struct {
    uint64_t s[4];
} mlc_rng;

void mlc_rng_seed(mlc_rng *rng, uint64_t seed);
uint64_t mlc_rng_next(mlc_rng *rng);
double mlc_rng_uniform(mlc_rng *rng);                 /* [0, 1), 53 random bits */
double mlc_rng_normal(mlc_rng *rng);                  /* standard normal (polar Box-Muller, no cache) */
void mlc_rng_normal_pair(mlc_rng *rng, double *z0, double *z1); /* both normals of one polar draw */
uint64_t mlc_rng_below(mlc_rng *rng, uint64_t bound); /* uniform integer in [0, bound), unbiased */
void mlc_rng_jump(mlc_rng *rng);                      /* advance 2^128 steps: independent streams */
/* Seeds stream `stream` of `seed` (a block of work whose draws must not depend on which thread runs
 * it): splitmix64 over (seed, stream), so neighbouring streams and seeds get unrelated states. */
void mlc_rng_seed_stream(mlc_rng *rng, uint64_t seed, uint64_t stream);

/* ---- one source for float32 and float64 ----------------------------------------------------
 * <x>.c defines T (double, float) and SFX (f64, f32) and includes <x>_impl.h once per type; in
 * there MLC_SFX(name) is name_f64 / name_f32, for the public kernels and the static helpers alike. */
#define MLC_CAT_(a, b) a##_##b
#define MLC_CAT(a, b) MLC_CAT_(a, b)
#define MLC_SFX(name) MLC_CAT(name, SFX)

/* ---- small helpers ---- */
#define MLC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MLC_MAX(a, b) ((a) > (b) ? (a) : (b))

/* The one aligned allocator (64-byte aligned, for SIMD and cache lines); free with mlc_free. */
void *mlc_malloc(size_t bytes);
void mlc_free(void *p);
/* For tests only (bind_core.c: _mlc._alloc_fail_in, _mlc._alloc_live, _mlc._alloc_count).
 * mlc_alloc_fail_in(n): the n-th next mlc_malloc returns NULL, once (n = 0: none); returns how many
 * allocations the previous setting still had to go (0: it fired, or there was none).
 * mlc_alloc_live: blocks not yet freed. mlc_alloc_count: mlc_malloc calls so far, failed ones too. */
int64_t mlc_alloc_fail_in(int64_t n);
int64_t mlc_alloc_live(void);
int64_t mlc_alloc_count(void);

/* A whole-fit workspace: ONE mlc_malloc block carved into named arrays, each on its own 64-byte
 * line (as mlc_malloc's blocks are). The carving code runs twice: on an arena with base NULL it
 * only adds up the bytes (every pointer it hands out is NULL), then mlc_arena_alloc allocates that
 * much and the same code hands out the real pointers, so size and layout cannot disagree.
 * Free with mlc_free(arena.base). */
typedef struct {
    char *base;
    size_t size;
} mlc_arena;

static inline size_t mlc_line_bytes(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

static inline void *mlc_arena_take(mlc_arena *a, size_t bytes) {
    void *p = a->base != NULL ? a->base + a->size : NULL;
    a->size += mlc_line_bytes(bytes);
    return p;
}

/* After the sizing pass: allocate, and rewind for the carving pass. */
static inline int mlc_arena_alloc(mlc_arena *a) {
    a->base = mlc_malloc(a->size);
    a->size = 0;
    return a->base != NULL ? MLC_OK : MLC_ENOMEM;
}

/* Top-k by partial selection. Keeps the k smallest (value, index) pairs seen so far in a max-heap
 * ordered by (value, index), so ties go to the smaller index (what a stable sort would pick).
 *   vals (k) inout, idx (k) inout, *size inout (0 at start, grows to k) */
void mlc_topk_push(double *vals, int64_t *idx, int64_t *size, int64_t k, double v, int64_t i);
/* Sort the heap ascending by (value, index) in place. */
void mlc_topk_sort(double *vals, int64_t *idx, int64_t size);

#endif
