/* linalg.c: LAPACK wrappers (see linalg.h). */
#include <limits.h>
#include <string.h>

#include "blas.h"
#include "core/enums.h"
#include "core/linalg.h"

static int fits(int64_t v) { return v >= 0 && v <= INT_MAX; }

static int info_status(mlc_blasint info) {
    return info == 0 ? MLC_OK : (info < 0 ? MLC_EINVAL : MLC_ENOTCONVERGED);
}

/* The workspace size LAPACK reported in work[0] (a float for xGESDD etc.), at least 1. */
#define WORK_SIZE(w) ((mlc_blasint)((w) > 1 ? (w) + 1 : 1))

#define T double
#define SFX f64
#define LAPACK(name) mlc_lapack_d##name
#define BLAS(name) mlc_cblas_d##name
#include "core/linalg_impl.h"
#undef T
#undef SFX
#undef LAPACK
#undef BLAS

#define T float
#define SFX f32
#define LAPACK(name) mlc_lapack_s##name
#define BLAS(name) mlc_cblas_s##name
#include "core/linalg_impl.h"
#undef T
#undef SFX
#undef LAPACK
#undef BLAS

int mlc_linalg_matmul_t_f64(double *c, const double *a, const double *b, int64_t n, int64_t d, int64_t k) {
    if (n == 0 || k == 0) return MLC_OK;
    if (!fits(n) || !fits(d) || !fits(k)) return MLC_EINVAL;
    const mlc_blasint ld = (mlc_blasint)MLC_MAX(d, 1);
    mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)n, (mlc_blasint)k, (mlc_blasint)d,
                    1.0, a, ld, b, ld, 0.0, c, (mlc_blasint)k);
    return MLC_OK;
}
