/* sparse.c: CSR x dense products and column / row statistics (see sparse.h). The bodies live in
 * sparse_impl.h, included once for float64 and once for float32.
 *
 * A B (row-parallel) writes each output row from its own CSR row: no reduction. A^T B scatters
 * row i of B into the rows of Y named by row i's columns, so rows running at once would write the
 * same output: a fixed set of row chunks (not one per thread) each scatters into its own float64
 * (D, K) partial, and the partials are added in chunk order, so the result has the same bits for
 * any thread count. The chunk count is capped so that the partials stay under 64 MiB.
 *
 * The kernels are dispatched per CPU level (core/dispatch.h): SP_API(name) is the copy of
 * name_f64 / name_f32 of this object's level. A B, the row norms and the column statistics give
 * the same bits at every level (FMA contraction is off, and their sums are not vectorised); A^T B
 * too (each output element is one scalar sum in row order).
 */
#include <string.h>

#include "core/dispatch.h"
#include "core/reduce.h"
#include "core/sparse.h"

#define SP_ISA_(name) MLC_ISA(name)
#define SP_API(name) SP_ISA_(MLC_SFX(name))

#define SPARSE_CHUNKS 8
#define SPARSE_PARTIAL_BYTES ((int64_t)64 << 20)

#if MLC_ISA_ONCE
const char *mlc_sparse_check_csr(const int32_t *indices, const int64_t *indptr, int64_t n, int64_t d,
                                 int64_t nnz) {
    if (n < 0 || d < 0) return "negative shape";
    if (indptr[0] != 0 || indptr[n] != nnz) return "indptr must start at 0 and end at nnz";
    // flags or-ed over the whole array, no early exit: the loops vectorise (this runs on every call)
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (int64_t i = 0; i < n; i++) bad |= indptr[i + 1] < indptr[i];
    if (bad) return "indptr must be non-decreasing";
    // one unsigned compare: a negative index is 2^31 or more, and every int32 >= 0 fits a D past INT32_MAX
    const uint32_t limit = d > INT32_MAX ? (uint32_t)1 << 31 : (uint32_t)d;
#pragma omp simd reduction(| : bad)
    for (int64_t p = 0; p < nnz; p++) bad |= (uint32_t)indices[p] >= limit;
    if (bad) return "column index out of range";
    return NULL;
}
#endif

/* the fixed row chunks of A^T B, whose (D, K) float64 partials stay under SPARSE_PARTIAL_BYTES */
static mlc_chunks tmm_chunks(int64_t n, int64_t d, int64_t k) {
    const int64_t per = MLC_MAX(1, d * k * (int64_t)sizeof(double));
    return mlc_chunks_even(n, 256, MLC_MAX(1, MLC_MIN(SPARSE_CHUNKS, SPARSE_PARTIAL_BYTES / per)));
}

#define T double
#define SFX f64
#include "core/sparse_impl.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "core/sparse_impl.h"
#undef T
#undef SFX
