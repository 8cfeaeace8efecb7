/* vmath_impl.h: core/vmath.h's array forms and row log-sum-exp, written once; vmath.h includes this
 * file twice, with T = double, SFX = f64 and with T = float, SFX = f32 (names through mlc.h's
 * MLC_SFX). Not a header of its own: no include guard on purpose.
 *   out (n) out, in (n) in; out == in is allowed. */

static inline void MLC_SFX(mlc_vexp)(T *out, const T *in, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = MLC_SFX(mlc_exp)(in[i]);
}

static inline void MLC_SFX(mlc_vlog)(T *out, const T *in, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = MLC_SFX(mlc_log)(in[i]);
}

static inline void MLC_SFX(mlc_vtanh)(T *out, const T *in, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = MLC_SFX(mlc_tanh)(in[i]);
}

static inline void MLC_SFX(mlc_vsigmoid)(T *out, const T *in, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = MLC_SFX(mlc_sigmoid)(in[i]);
}

static inline void MLC_SFX(mlc_vlog1pexp)(T *out, const T *in, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = MLC_SFX(mlc_log1pexp)(in[i]);
}

/* log(sum_j exp(x_j)) for x (n) in, n >= 1, around the row max m: every exponent is <= 0 (no
 * overflow) and the largest term is exactly 1; the sum is in double. A row max of +-inf (or a NaN in
 * x[0]) is returned as it is. */
static inline double MLC_SFX(mlc_vlogsumexp)(const T *x, int64_t n) {
    T m = x[0];
#pragma omp simd reduction(max : m)
    for (int64_t j = 1; j < n; j++) m = x[j] > m ? x[j] : m;
    if (!isfinite(m)) return m;
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < n; j++) sum += MLC_SFX(mlc_exp)(x[j] - m);
    return (double)m + log(sum);
}
