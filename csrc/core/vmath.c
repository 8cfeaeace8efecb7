/* vmath.c: core/vmath.h's array forms behind one dispatched entry point, so that the accuracy tests
 * (tests/test_vmath.py, through bind_core's _vmath) check the copy of each CPU level. */
#include <string.h>

#include "core/dispatch.h"
#include "core/vmath.h"

int MLC_ISA(mlc_vmath_apply)(void *out, const void *x, int64_t rows, int64_t cols, int f32, const char *name) {
    if (strcmp(name, "logsumexp") == 0) {
        if (cols < 1) return MLC_EINVAL;
        for (int64_t i = 0; i < rows; i++)
            ((double *)out)[i] = f32 ? mlc_vlogsumexp_f32((const float *)x + i * cols, cols)
                                     : mlc_vlogsumexp_f64((const double *)x + i * cols, cols);
        return MLC_OK;
    }
    const int64_t n = rows * cols;
    float *of = out;
    double *od = out;
    const float *xf = x;
    const double *xd = x;
    if (strcmp(name, "exp") == 0) {
        if (f32) mlc_vexp_f32(of, xf, n); else mlc_vexp_f64(od, xd, n);
    } else if (strcmp(name, "log") == 0) {
        if (f32) mlc_vlog_f32(of, xf, n); else mlc_vlog_f64(od, xd, n);
    } else if (strcmp(name, "tanh") == 0) {
        if (f32) mlc_vtanh_f32(of, xf, n); else mlc_vtanh_f64(od, xd, n);
    } else if (strcmp(name, "sigmoid") == 0) {
        if (f32) mlc_vsigmoid_f32(of, xf, n); else mlc_vsigmoid_f64(od, xd, n);
    } else if (strcmp(name, "log1pexp") == 0) {
        if (f32) mlc_vlog1pexp_f32(of, xf, n); else mlc_vlog1pexp_f64(od, xd, n);
    } else if (strcmp(name, "digamma") == 0) {
        for (int64_t i = 0; i < n; i++)
            if (f32) of[i] = (float)mlc_digamma_f64(xf[i]); else od[i] = mlc_digamma_f64(xd[i]);
    } else {
        return MLC_EINVAL;
    }
    return MLC_OK;
}
