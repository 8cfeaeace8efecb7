/* distance.c: pairwise distances by tiles (see distance.h); the float64/float32 entry points are
 * written once in distance_impl.h. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "core/dispatch.h"
#include "core/reduce.h"
#include "metrics/distance.h"

/* sum_k |x_k - y_k|: the manhattan metric has no GEMM form, this loop is all of its work. */
static inline double manhattan(const double *x, const double *y, int64_t d) {
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (int64_t k = 0; k < d; k++) s += fabs(x[k] - y[k]);
    return s;
}

/* Only mlc_distance_tile is dispatched per CPU level (core/dispatch.h). */
#if MLC_ISA_ONCE
const char *mlc_distance_check_params(int metric) {
    if (!mlc_metric_valid(metric)) return "unknown metric code";
    return NULL;
}

static int uses_gemm(int metric) { return metric != MLC_METRIC_MANHATTAN; }

/* After x (and its copy) is in place: centre rows for correlation, fill aux. */
static void finish_rows(mlc_distance_rows *r, int metric) {
    const int64_t d = r->d;
    for (int64_t i = 0; i < r->rows; i++) {
        double *row = r->own ? r->own + i * d : NULL;
        const double *x = r->x + i * d;
        if (metric == MLC_METRIC_CORRELATION) {
            double mean = 0.0;
            for (int64_t j = 0; j < d; j++) mean += x[j];
            mean /= (double)d;
            for (int64_t j = 0; j < d; j++) row[j] -= mean;
        }
        double s = 0.0;
        for (int64_t j = 0; j < d; j++) s += x[j] * x[j];
        if (metric == MLC_METRIC_COSINE || metric == MLC_METRIC_CORRELATION)
            r->aux[i] = s > 0.0 ? 1.0 / sqrt(s) : 0.0; /* 0: similarity 0, distance 1 */
        else
            r->aux[i] = s;
    }
}


void mlc_distance_rows_free(mlc_distance_rows *r) {
    mlc_free(r->own);
    mlc_free(r->aux);
    mlc_free(r->xf);
    mlc_free(r->nrm);
    r->df = 0;
    r->own = r->aux = r->nrm = NULL;
    r->xf = NULL;
}

int mlc_distance_rows_add_screen(mlc_distance_rows *r, int metric, int query, double scale) {
    const int64_t rows = r->rows, d = r->d;
    const int euclid = metric == MLC_METRIC_EUCLIDEAN || metric == MLC_METRIC_SQEUCLIDEAN;
    const int64_t df = euclid ? d + 1 : d;
    r->df = df;
    r->fscale = euclid ? scale : 1.0;
    r->xf = mlc_malloc((size_t)(rows * df) * sizeof(float));
    r->nrm = mlc_malloc((size_t)rows * sizeof(double));
    if (r->xf == NULL || r->nrm == NULL) return MLC_ENOMEM;
    for (int64_t i = 0; i < rows; i++) {
        const double *x = r->x + i * d;
        float *f = r->xf + i * df;
        const double sq = mlc_distance_dot_direct(x, x, d);
        r->nrm[i] = sqrt(sq);
        if (euclid) {
            for (int64_t k = 0; k < d; k++) f[k] = (float)((query ? -2.0 : 1.0) * scale * x[k]);
            f[d] = query ? 1.0f : (float)(scale * scale * sq);
        } else {
            const double scale = (query ? -1.0 : 1.0) * r->aux[i]; /* aux: 1/||x||, or 0 */
            for (int64_t k = 0; k < d; k++) f[k] = (float)(scale * x[k]);
        }
    }
    return MLC_OK;
}

double mlc_distance_unreduce(double v, int metric) {
    return metric == MLC_METRIC_EUCLIDEAN ? sqrt(v) : v;
}

double mlc_distance_sq_direct(const double *x, const double *y, int64_t d) {
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (int64_t k = 0; k < d; k++) {
        double t = x[k] - y[k];
        s += t * t;
    }
    return s;
}

double mlc_distance_dot_direct(const double *x, const double *y, int64_t d) {
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (int64_t k = 0; k < d; k++) s += x[k] * y[k];
    return s;
}

double mlc_distance_exact(const mlc_distance_rows *X, int64_t i, const mlc_distance_rows *Y, int64_t j, int metric) {
    const int64_t d = X->d;
    const double *x = X->x + i * d, *y = Y->x + j * d;
    if (metric == MLC_METRIC_COSINE || metric == MLC_METRIC_CORRELATION) {
        double v = 1.0 - mlc_distance_dot_direct(x, y, d) * X->aux[i] * Y->aux[j];
        return v < 0.0 ? 0.0 : (v > 2.0 ? 2.0 : v);
    }
    if (metric == MLC_METRIC_MANHATTAN) return manhattan(x, y, d);
    return mlc_distance_sq_direct(x, y, d);
}

void mlc_distance_tile_screen(float *S, int64_t lds, const mlc_distance_rows *X, int64_t i0, int64_t bx,
                              const mlc_distance_rows *Y, int64_t j0, int64_t by) {
    const int64_t df = X->df;
    mlc_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)bx, (mlc_blasint)by,
                    (mlc_blasint)df, 1.0f, X->xf + i0 * df, (mlc_blasint)df, Y->xf + j0 * df,
                    (mlc_blasint)df, 0.0f, S, (mlc_blasint)lds);
}
#endif

void MLC_ISA(mlc_distance_tile)(double *S, int64_t lds, const mlc_distance_rows *X, int64_t i0, int64_t bx,
                                const mlc_distance_rows *Y, int64_t j0, int64_t by, int metric) {
    const int64_t d = X->d;
    const double *xs = X->x + i0 * d, *ys = Y->x + j0 * d;
    if (metric == MLC_METRIC_MANHATTAN) {
        for (int64_t i = 0; i < bx; i++)
            for (int64_t j = 0; j < by; j++)
                S[i * lds + j] = manhattan(xs + i * d, ys + j * d, d);
        return;
    }
    // one GEMM per tile: S = X_tile . Y_tile^T
    mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)bx, (mlc_blasint)by,
                    (mlc_blasint)d, 1.0, xs, (mlc_blasint)d, ys, (mlc_blasint)d, 0.0, S,
                    (mlc_blasint)lds);
    const double *ay = Y->aux + j0;
    for (int64_t i = 0; i < bx; i++) {
        double *s = S + i * lds;
        const double ax = X->aux[i0 + i];
        if (metric == MLC_METRIC_COSINE || metric == MLC_METRIC_CORRELATION) {
#pragma omp simd
            for (int64_t j = 0; j < by; j++) {
                double v = 1.0 - s[j] * ax * ay[j];
                s[j] = v < 0.0 ? 0.0 : (v > 2.0 ? 2.0 : v);
            }
            continue;
        }
        // a vectorised pass, then a direct recomputation of the rare pairs that need refining
        int refine = 0;
#pragma omp simd reduction(| : refine)
        for (int64_t j = 0; j < by; j++) {
            double norms = ax + ay[j];
            double v = norms - 2.0 * s[j];
            refine |= v < MLC_DISTANCE_REFINE * norms;
            s[j] = v;
        }
        if (refine) {
            for (int64_t j = 0; j < by; j++) {
                double norms = ax + ay[j];
                if (s[j] < MLC_DISTANCE_REFINE * norms)
                    s[j] = mlc_distance_sq_direct(xs + i * d, ys + j * d, d);
            }
        }
        if (metric == MLC_METRIC_EUCLIDEAN) {
#pragma omp simd
            for (int64_t j = 0; j < by; j++) s[j] = sqrt(s[j] > 0.0 ? s[j] : 0.0);
        } else {
#pragma omp simd
            for (int64_t j = 0; j < by; j++) s[j] = s[j] > 0.0 ? s[j] : 0.0;
        }
    }
}

#if MLC_ISA_ONCE
#define T double
#define SFX f64
#include "metrics/distance_impl.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "metrics/distance_impl.h"
#undef T
#undef SFX
#endif
