/* scatter.h: the class statistics lda.c and qda.c share (internal to the family; the legend is
 * discriminant_analysis.h's). A pass works on the rows order[r0 .. r1) of X (one class, or all of
 * them), split into a fixed set of chunks whose partials are merged in order. */
#ifndef MLC_DISCRIMINANT_ANALYSIS_SCATTER_H
#define MLC_DISCRIMINANT_ANALYSIS_SCATTER_H

#include "mlc.h"

typedef struct {
    int64_t *order;  /* (N) the rows sorted by class, stably */
    int64_t *start;  /* (C + 1) class k's rows are order[start[k] .. start[k + 1]) */
    double *part;    /* (chunks, D D + D) the chunks' partial sums */
    double *buf;     /* (chunks, block rows D + 8) a chunk's centred rows (8: syrk's slack) */
    int64_t chunks;  /* the most chunks of a pass */
} mlc_discriminant_analysis_work;

/* Allocates w for X (N, D) and sorts the rows by class. MLC_EINVAL: a code of y (N) is outside
 * 0 .. C-1 or a class has no row; MLC_ENOMEM. Free with ..._work_free (also after a failure). */
int mlc_discriminant_analysis_work_init(mlc_discriminant_analysis_work *w, const int32_t *y, int64_t n,
                                        int64_t d, int64_t c);
void mlc_discriminant_analysis_work_free(mlc_discriminant_analysis_work *w);

/* mean (D) out: the mean of the rows order[r0 .. r1) of X (N, D) in. */
void mlc_discriminant_analysis_mean(double *mean, const double *X, const mlc_discriminant_analysis_work *w,
                                    int64_t r0, int64_t r1, int64_t d, int n_threads);

/* S (D, D) out: their scatter sum (x - mean)(x - mean)^T, symmetric; mean (D) in. */
void mlc_discriminant_analysis_scatter(double *S, const double *mean, const double *X,
                                       const mlc_discriminant_analysis_work *w, int64_t r0, int64_t r1,
                                       int64_t d, int n_threads);

/* cov (D, D) inout: the covariance of those rows about mean (D) in, shrunk in place (shrinkage
 * MLC_DA_SHRINKAGE_*, alpha when fixed); auto makes one more pass over the rows. */
void mlc_discriminant_analysis_shrink(double *cov, const double *mean, const double *X,
                                      const mlc_discriminant_analysis_work *w, int64_t r0, int64_t r1,
                                      int64_t d, int shrinkage, double alpha, int n_threads);

#endif
