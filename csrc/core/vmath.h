/* vmath.h: exp, log, tanh, sigmoid, log1pexp (softplus) and a row log-sum-exp in float32 and float64
 * (and a scalar float64 digamma),
 * written so that GCC vectorises a loop of them at -O3 (libm's are one scalar call per value; libmvec
 * needs -ffast-math). Every body is branch-free: range reduction, a polynomial, 2^k written into the
 * exponent bits, and selects done with integer masks. With GCC's default -ftrapping-math a float
 * comparison in a ?: keeps a loop from vectorising, and SSE2 has no 64-bit integer compare, so a mask
 * is the sign of a difference: a < b  <=>  the sign bit of a - b (integers in [0, 2^63), no overflow).
 * No intrinsics, no global state: issue 12 compiles these per ISA.
 *
 * Scalar forms mlc_<fn>_f32 / _f64 (static inline, for use inside a caller's loop); array forms
 * mlc_v<fn>_f32 / _f64 (out (n) out, in (n) in, n); out == in is allowed (each element is read before
 * it is written). mlc_vlogsumexp_*(x (n) in, n) returns log(sum_j exp(x_j)) in double.
 *
 * Accuracy, asserted by tests/test_vmath.py over dense sweeps, random values across all exponents, the
 * edges and the special values. Max error in ulp of the result: float64 against numpy's (libm's)
 * exp/log/tanh in double, and sigmoid/log1pexp computed in long double; float32 against the float64
 * result before rounding (so 0.5 of each float32 bound is the final rounding itself):
 *   fn        f64   f32   domain
 *   exp       1     1.5   overflow to +inf above 709.78 (f64) / 88.72 (f32). Underflow: f64
 *                         flushes to 0 below -708.05 (results under 2^-1021.5: no subnormals,
 *                         which saves the rbf rows a second scaling); f32 underflows gradually
 *                         (subnormals, same bound on their grid), 0 below -103.97. exp(+-0) = 1,
 *                         exp(-inf) = 0
 *   log       1     1     log(+-0) = -inf, log(x < 0) = NaN (-inf too), log(+inf) = +inf;
 *                         subnormal inputs to the same bound
 *   tanh      3     3     odd (-0 stays -0); +-inf -> +-1; tanh(x) = x for tiny x, subnormals too
 *   sigmoid   3     3     no overflow; below -708.05 (f64) 0, below -87.3 (f32) subnormals, then
 *                         0 below -104; exactly 1 above 37 / 17
 *   log1pexp  2     2     softplus log(1 + e^x): x for large x, e^x for very negative x (with exp's
 *                         underflow); +inf -> +inf, -inf -> 0
 *   logsumexp   rows: max + log(sum exp(x - max)) with the sum in double (libm's log); a row max of
 *               +-inf is returned as it is
 * NaN in gives NaN out everywhere. Only +, -, *, / and integer operations are used and -std=c11 turns
 * off FMA contraction, so a vector lane gives the same bits as the scalar form on every ISA (the
 * logsumexp sums are the exception: their lane order follows the vector width). */
#ifndef MLC_CORE_VMATH_H
#define MLC_CORE_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mlc.h"

/* ---- bits ------------------------------------------------------------------------------------ */

static inline uint64_t mlc_vm_d2u(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
static inline double mlc_vm_u2d(uint64_t u) {
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}
static inline uint32_t mlc_vm_f2u(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
static inline float mlc_vm_u2f(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}
/* All ones where a < b, for a, b in [0, 2^63) (the sign of a - b; no 64-bit compare needed). */
static inline uint64_t mlc_vm_lt64(uint64_t a, uint64_t b) { return (uint64_t)((int64_t)(a - b) >> 63); }
/* mask all ones: a, all zeros: b. */
static inline double mlc_vm_sel64(uint64_t m, double a, double b) {
    return mlc_vm_u2d((mlc_vm_d2u(a) & m) | (mlc_vm_d2u(b) & ~m));
}
static inline float mlc_vm_sel32(uint32_t m, float a, float b) {
    return mlc_vm_u2f((mlc_vm_f2u(a) & m) | (mlc_vm_f2u(b) & ~m));
}

#define MLC_VM_ABS64 0x7fffffffffffffffull
#define MLC_VM_INF64 0x7ff0000000000000ull

/* ---- exp ------------------------------------------------------------------------------------- */

/* x = k ln2 + r with k = round(x / ln2) (the 1.5 * 2^52 trick: k lands in the low bits of t) and
 * |r| <= ln2 / 2; ln2 split in two (Cody & Waite) so that k ln2 is subtracted without rounding error;
 * e^r by Taylor to r^13 (truncation < 1e-17 relative) with every coefficient doubled (exact), so that
 * 2 e^r 2^(k-1) reaches k = 1024 with 2^(k-1) written into the exponent bits. |x| > 710 is clamped to
 * +-710 (e^710 overflows by itself); 2^(k-1) below the normals (x < -708.05) becomes a zero scale,
 * and a NaN x a NaN scale. */
static inline double mlc_exp_f64(double x) {
    const double shifter = 6755399441055744.0, ln2_hi = 6.93147180369123816490e-01,
                 ln2_lo = 1.90821492927058770002e-10;
    const uint64_t u = mlc_vm_d2u(x), a = u & MLC_VM_ABS64;
    const uint64_t big = mlc_vm_lt64(mlc_vm_d2u(710.0), a), nan = mlc_vm_lt64(MLC_VM_INF64, a);
    const double xc = mlc_vm_sel64(big, mlc_vm_u2d((u & ~MLC_VM_ABS64) | mlc_vm_d2u(710.0)), x);
    const double t = xc * 1.4426950408889634 + shifter;
    const double kf = t - shifter;
    const double r = (xc - kf * ln2_hi) - kf * ln2_lo;
    double p = 2.0 / 6227020800.0;
    p = p * r + 2.0 / 479001600.0;
    p = p * r + 2.0 / 39916800.0;
    p = p * r + 2.0 / 3628800.0;
    p = p * r + 2.0 / 362880.0;
    p = p * r + 2.0 / 40320.0;
    p = p * r + 2.0 / 5040.0;
    p = p * r + 2.0 / 720.0;
    p = p * r + 2.0 / 120.0;
    p = p * r + 2.0 / 24.0;
    p = p * r + 2.0 / 6.0;
    p = p * r + 1.0;
    p = p * r + 2.0;
    p = p * r + 2.0;
    const uint64_t kb = mlc_vm_d2u(t) - mlc_vm_d2u(shifter) + 2048; // k + 2048 in [1024, 3072]
    const uint64_t under = mlc_vm_lt64(kb, 2048 - 1021);
    return p * mlc_vm_u2d((((kb - 2048 + 1022) << 52) & ~under) | nan);
}

/* The same in float: Taylor to r^7 (remainder < 1e-8 relative); |x| > 104 clamped to +-104; 2^n as
 * 2^(n/2) 2^(n - n/2), so subnormal results come out right (float's range is short enough that this
 * matters: e^-90 is a subnormal). */
static inline float mlc_exp_f32(float x) {
    const uint32_t u = mlc_vm_f2u(x);
    const int32_t a = (int32_t)(u & 0x7fffffffu), ac = a < 0x42d00000 ? a : 0x42d00000; // min(|x|, 104)
    const uint32_t nan = -(uint32_t)(a > 0x7f800000);
    const float xc = mlc_vm_u2f((uint32_t)ac | (u & 0x80000000u));
    const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f; // 1.5 * 2^23
    const float r = (xc - n * 0.693359375f) - n * -2.12194440054690583e-4f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const int32_t ni = (int32_t)n, n1 = ni >> 1, n2 = ni - n1; // |n| <= 151
    return p * mlc_vm_u2f(((uint32_t)(n1 + 127) << 23) | nan) * mlc_vm_u2f((uint32_t)(n2 + 127) << 23);
}

/* ---- log ------------------------------------------------------------------------------------- */

/* fdlibm's log (as musl has it): x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f),
 * log(1 + f) = 2s + s R(s^2) with a degree-7 minimax R; subnormals are scaled by 2^54 first. */
static inline double mlc_log_f64(double x) {
    const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                 Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                 Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01, ln2_hi = 6.93147180369123816490e-01,
                 ln2_lo = 1.90821492927058770002e-10;
    const uint64_t u = mlc_vm_d2u(x), a = u & MLC_VM_ABS64;
    const uint64_t sub = mlc_vm_lt64(a, 0x0010000000000000ull);
    const uint64_t us =
        mlc_vm_d2u(mlc_vm_sel64(sub, x * 0x1p54, x)) + (0x3ff0000000000000ull - 0x3fe6a09e00000000ull);
    // k as a double without an int64 -> double conversion (SSE2 has none): 2^52 + e, minus 2^52
    const double k = (mlc_vm_u2d(0x4330000000000000ull | (us >> 52)) - 4503599627370496.0) - 1023.0 -
                     mlc_vm_sel64(sub, 54.0, 0.0);
    const double f = mlc_vm_u2d((us & 0x000fffffffffffffull) + 0x3fe6a09e00000000ull) - 1.0;
    const double hfsq = 0.5 * f * f, s = f / (2.0 + f), z = s * s, w = z * z;
    const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6)), t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    double v = s * (hfsq + t2 + t1) + k * ln2_lo - hfsq + f + k * ln2_hi;
    v = mlc_vm_sel64(mlc_vm_lt64(MLC_VM_INF64 - 1, a), x + x, v); // +-inf, NaN
    v = mlc_vm_sel64((uint64_t)((int64_t)u >> 63), NAN, v);       // x < 0, -0 (fixed next), -inf
    return mlc_vm_sel64(mlc_vm_lt64(a, 1), -INFINITY, v);          // +-0
}

/* musl's logf: the same with a degree-4 R. */
static inline float mlc_log_f32(float x) {
    const float Lg1 = 0.66666662693f, Lg2 = 0.40000972152f, Lg3 = 0.28498786688f, Lg4 = 0.24279078841f,
                ln2_hi = 6.9313812256e-01f, ln2_lo = 9.0580006145e-06f;
    const uint32_t u = mlc_vm_f2u(x), a = u & 0x7fffffffu;
    const uint32_t sub = -(uint32_t)(a < 0x00800000u);
    const uint32_t us = mlc_vm_f2u(mlc_vm_sel32(sub, x * 0x1p25f, x)) + (0x3f800000u - 0x3f3504f3u);
    const float k = (float)((int32_t)(us >> 23) - 127 - (int32_t)(sub & 25));
    const float f = mlc_vm_u2f((us & 0x007fffffu) + 0x3f3504f3u) - 1.0f;
    const float hfsq = 0.5f * f * f, s = f / (2.0f + f), z = s * s, w = z * z;
    const float t1 = w * (Lg2 + w * Lg4), t2 = z * (Lg1 + w * Lg3);
    float v = s * (hfsq + t2 + t1) + k * ln2_lo - hfsq + f + k * ln2_hi;
    v = mlc_vm_sel32(-(uint32_t)(a >= 0x7f800000u), x + x, v);
    v = mlc_vm_sel32((uint32_t)((int32_t)u >> 31), NAN, v);
    return mlc_vm_sel32(-(uint32_t)(a == 0), -INFINITY, v);
}

/* log(1 + y) for y in [0, 1] from log(1 + y) rounded: u = 1 + y loses the low bits of y, and
 * (u - 1 - y) / u puts them back (Goldberg 1991). */
static inline double mlc_vm_log1p01_f64(double y) {
    const double u = 1.0 + y;
    return mlc_log_f64(u) - ((u - 1.0) - y) / u;
}
static inline float mlc_vm_log1p01_f32(float y) {
    const float u = 1.0f + y;
    return mlc_log_f32(u) - ((u - 1.0f) - y) / u;
}

/* ---- tanh, sigmoid, log1pexp ----------------------------------------------------------------- */

/* tanh|x| = (1 - e) / (1 + e) with e = e^-2|x|; below |x| = ln2 / 2 that difference cancels, so
 * there it is -m / (2 + m) with m = expm1(-2|x|) from its Taylor series (|-2x| <= ln2: to y^16 in
 * double, y^10 in float). Both are computed, the numerator and denominator selected, and one division
 * made: it vectorises. */
static inline double mlc_tanh_f64(double x) {
    const uint64_t u = mlc_vm_d2u(x), a = u & MLC_VM_ABS64;
    const double y = -2.0 * mlc_vm_u2d(a);
    double m = 1.0 / 20922789888000.0;
    m = m * y + 1.0 / 1307674368000.0;
    m = m * y + 1.0 / 87178291200.0;
    m = m * y + 1.0 / 6227020800.0;
    m = m * y + 1.0 / 479001600.0;
    m = m * y + 1.0 / 39916800.0;
    m = m * y + 1.0 / 3628800.0;
    m = m * y + 1.0 / 362880.0;
    m = m * y + 1.0 / 40320.0;
    m = m * y + 1.0 / 5040.0;
    m = m * y + 1.0 / 720.0;
    m = m * y + 1.0 / 120.0;
    m = m * y + 1.0 / 24.0;
    m = m * y + 1.0 / 6.0;
    m = m * y + 0.5;
    m = m * y + 1.0;
    m = m * y;
    const double e = mlc_exp_f64(y);
    const uint64_t small = mlc_vm_lt64(a, mlc_vm_d2u(0.34657359027997264));
    const double t = mlc_vm_sel64(small, -m, 1.0 - e) / mlc_vm_sel64(small, 2.0 + m, 1.0 + e);
    return mlc_vm_u2d(mlc_vm_d2u(t) | (u & ~MLC_VM_ABS64));
}

static inline float mlc_tanh_f32(float x) {
    const uint32_t u = mlc_vm_f2u(x), a = u & 0x7fffffffu;
    const float y = -2.0f * mlc_vm_u2f(a);
    float m = 1.0f / 3628800.0f;
    m = m * y + 1.0f / 362880.0f;
    m = m * y + 1.0f / 40320.0f;
    m = m * y + 1.0f / 5040.0f;
    m = m * y + 1.0f / 720.0f;
    m = m * y + 1.0f / 120.0f;
    m = m * y + 1.0f / 24.0f;
    m = m * y + 1.0f / 6.0f;
    m = m * y + 0.5f;
    m = m * y + 1.0f;
    m = m * y;
    const float e = mlc_exp_f32(y);
    const uint32_t small = -(uint32_t)(a < mlc_vm_f2u(0.34657359f));
    const float t = mlc_vm_sel32(small, -m / (2.0f + m), (1.0f - e) / (1.0f + e));
    return mlc_vm_u2f(mlc_vm_f2u(t) | (u & 0x80000000u));
}

/* 1 / (1 + e^-x) with the exponent never positive: e = e^-|x|, then 1 / (1 + e) for x >= 0 (+0
 * included) and e / (1 + e) below. */
static inline double mlc_sigmoid_f64(double x) {
    const uint64_t u = mlc_vm_d2u(x);
    const double e = mlc_exp_f64(-mlc_vm_u2d(u & MLC_VM_ABS64)), s = 1.0 / (1.0 + e);
    return mlc_vm_sel64((uint64_t)((int64_t)u >> 63), e * s, s);
}

static inline float mlc_sigmoid_f32(float x) {
    const uint32_t u = mlc_vm_f2u(x);
    const float e = mlc_exp_f32(-mlc_vm_u2f(u & 0x7fffffffu)), s = 1.0f / (1.0f + e);
    return mlc_vm_sel32((uint32_t)((int32_t)u >> 31), e * s, s);
}

/* log(1 + e^x) = max(x, 0) + log1p(e^-|x|): the exponent is never positive. */
static inline double mlc_log1pexp_f64(double x) {
    const uint64_t u = mlc_vm_d2u(x);
    const double pos = mlc_vm_sel64((uint64_t)((int64_t)u >> 63), 0.0, x);
    return pos + mlc_vm_log1p01_f64(mlc_exp_f64(-mlc_vm_u2d(u & MLC_VM_ABS64)));
}

static inline float mlc_log1pexp_f32(float x) {
    const uint32_t u = mlc_vm_f2u(x);
    const float pos = mlc_vm_sel32((uint32_t)((int32_t)u >> 31), 0.0f, x);
    return pos + mlc_vm_log1p01_f32(mlc_exp_f32(-mlc_vm_u2f(u & 0x7fffffffu)));
}

/* The digamma function psi = (log Gamma)' for x >= 0 (latent Dirichlet allocation's E[log theta]):
 * psi(x) = psi(x + m) - sum_{i<m} 1/(x + i) up to x + m >= 10, the sum kept as one fraction (one
 * division), then the asymptotic series to x^-12 (scikit-learn's AS 103 stops at x^-6 from 6: ~3e-9
 * off). Within 4e-15 of scipy.special.digamma, relative (absolute near the root 1.4616); psi(0) =
 * -inf. A scalar loop (a branch-free form of ten masked steps vectorised, but was slower at SSE2). */
static inline double mlc_digamma_f64(double x) {
    double num = 0.0, den = 1.0;
    while (x < 10.0) { // n/d + 1/x = (n x + d) / (d x)
        num = num * x + den;
        den *= x;
        x += 1.0;
    }
    const double r = 1.0 / x, r2 = r * r;
    const double series =
        r2 * (1.0 / 12 - r2 * (1.0 / 120 - r2 * (1.0 / 252 - r2 * (1.0 / 240 - r2 * (1.0 / 132 - r2 * (691.0 / 32760))))));
    return log(x) - 0.5 * r - series - num / den;
}

/* ---- array forms and the row log-sum-exp, written once in vmath_impl.h ---------------------- */

#define T double
#define SFX f64
#include "core/vmath_impl.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "core/vmath_impl.h"
#undef T
#undef SFX

#endif
