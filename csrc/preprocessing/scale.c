/* scale.c: column statistics and affine maps for the scalers (see scale.h). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/reduce.h"
#include "preprocessing/scale.h"

/* The NaN-skipping selects below (`v == v ? v : 0`) only vectorize when GCC may assume that a
 * comparison does not trap; nothing in mlc enables floating-point traps. (Clang assumes this by
 * default.) NaN itself is still honoured: this is not -ffinite-math-only. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

/* The statistics are summed in this many chunks of rows (fewer when N is small), whatever the
 * number of threads, and the chunks merged in order: the result does not depend on n_threads. */
#define SCALE_CHUNKS 64

const char *mlc_scale_check_params(double lo, double hi) {
    if (!isfinite(lo) || !isfinite(hi)) return "clip range: both ends must be finite";
    if (!(lo < hi)) return "clip range: the minimum must be smaller than the maximum";
    return NULL;
}

/* Rows per block: a block of about 16K values (128 KiB in float64) stays in L2 for its second pass. */
static int64_t block_rows(int64_t d) {
    int64_t b = ((int64_t)1 << 14) / (d > 0 ? d : 1);
    return MLC_MAX((int64_t)8, MLC_MIN((int64_t)256, b));
}

/* Chan-Golub-LeVeque pairwise update: (na, ma, Ma) += (nb, mb, Mb), column by column.
 * n* are sums of weights, m* means, M* sums of weighted squared deviations from the mean. */
static void merge_stats(double *na, double *ma, double *Ma, const double *nb, const double *mb,
                        const double *Mb, int64_t d) {
    for (int64_t j = 0; j < d; j++) {
        double a = na[j], b = nb[j];
        if (b == 0.0) continue;
        if (a == 0.0) {
            na[j] = b;
            ma[j] = mb[j];
            Ma[j] = Mb[j];
            continue;
        }
        double n = a + b;
        if (n == 0.0) { /* negative weights that cancel exactly: nothing left to describe */
            na[j] = ma[j] = Ma[j] = 0.0;
            continue;
        }
        double delta = mb[j] - ma[j];
        ma[j] += delta * (b / n);
        Ma[j] += Mb[j] + delta * delta * (a * b / n);
        na[j] = n;
    }
}

#define T double
#define SFX f64
#include "preprocessing/scale_impl.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "preprocessing/scale_impl.h"
#undef T
#undef SFX
