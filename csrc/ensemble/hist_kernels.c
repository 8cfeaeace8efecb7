/* hist_kernels.c: the hot loops of histogram gradient boosting (see hist_gbdt.h), dispatched per CPU
 * level (core/dispatch.h): binning, gradients, histograms and the split scan.
 *
 * Histograms are summed by rows: a node's rows are cut into chunks fixed by their number alone, each
 * chunk sums into its own partial and the partials are added in chunk order (core/reduce.h), so a
 * tree is the same at any thread count. The split scan is scikit-learn's (splitting.pyx) step by
 * step, so that the same histograms give the same split.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "core/reduce.h"
#include "ensemble/hist_gbdt.h"

#define HIST_CHUNK_MIN 16384 /* rows */
#define HIST_CHUNK_MAX 16
#define HIST_WORK 30         /* steps per row and feature: ~0.6 ns at 1 thread (mlc.h's unit: ~0.02 ns) */
#define HIST_AHEAD 16        /* rows */

#if MLC_ISA_ONCE
int64_t mlc_ensemble_hist_chunks(int64_t m) {
    return MLC_MAX(1, mlc_chunks_sized(m, HIST_CHUNK_MIN, HIST_CHUNK_MAX).count);
}
#endif

#define BIN_BLOCK 256 /* rows */

/* The number of the nt ascending thresholds t below x (not NaN): a binary search without branches
 * (the halving is fixed by nt alone). */
static inline int bin_of(const double *t, int64_t nt, double x) {
    if (nt == 0) return 0;
    const double *b = t;
    while (nt > 1) {
        const int64_t half = nt / 2;
        b += half & -(int64_t)(b[half - 1] < x); /* a mask, not a branch the compiler would keep */
        nt -= half;
    }
    return (int)(b - t) + (*b < x);
}

int MLC_ISA(mlc_ensemble_bin_map)(uint8_t *Xb, uint8_t *Xr, const double *X, const double *thresholds,
                                  const int64_t *offset, int64_t n, int64_t d, int missing_bin,
                                  int n_threads) {
    const int64_t n_blocks = (n + BIN_BLOCK - 1) / BIN_BLOCK;
    const int nthr = mlc_team_size(n * d * 8 * MLC_WORK_STREAM, n_threads);
    // a block of rows at a time: its X rows stay in cache while each feature's bins are written
    // as one contiguous run of Xb
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t blk = 0; blk < n_blocks; blk++) {
        const int64_t i0 = blk * BIN_BLOCK, i1 = MLC_MIN(n, i0 + BIN_BLOCK);
        for (int64_t j = 0; j < d; j++) {
            const double *t = thresholds + offset[j];
            const int64_t nt = offset[j + 1] - offset[j];
            uint8_t *out = Xb + j * n;
            for (int64_t i = i0; i < i1; i++) {
                const double x = X[i * d + j];
                out[i] = (uint8_t)(isnan(x) ? missing_bin : bin_of(t, nt, x));
            }
            if (Xr != NULL)
                for (int64_t i = i0; i < i1; i++) Xr[i * d + j] = out[i];
        }
    }
    return MLC_OK;
}

int MLC_ISA(mlc_ensemble_gradients)(float *g, float *h, const double *raw, const double *y,
                                    const double *sw, int64_t n, int64_t k, int loss, double quantile,
                                    int n_threads) {
    const int nthr = mlc_team_size(n * k * MLC_EXP_WORK, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const double w = sw != NULL ? sw[i] : 1.0, yi = y[i];
        double gi = 0.0, hi = 1.0;
        switch (loss) {
        case MLC_ENSEMBLE_SQUARED_ERROR: gi = raw[i] - yi; break;
        case MLC_ENSEMBLE_ABSOLUTE_ERROR: gi = raw[i] > yi ? 1.0 : -1.0; break;
        case MLC_ENSEMBLE_QUANTILE: gi = yi >= raw[i] ? -quantile : 1.0 - quantile; break;
        case MLC_ENSEMBLE_POISSON:
            hi = exp(raw[i]);
            gi = hi - yi;
            break;
        case MLC_ENSEMBLE_LOG_LOSS_BINARY: /* scikit-learn's cgrad_hess_half_binomial */
            if (raw[i] > -37.0) {
                const double e = exp(-raw[i]);
                gi = ((1.0 - yi) - yi * e) / (1.0 + e);
                hi = e / ((1.0 + e) * (1.0 + e));
            } else {
                hi = exp(raw[i]);
                gi = hi - yi;
            }
            break;
        case MLC_ENSEMBLE_LOG_LOSS_MULTICLASS: {
            double mx = raw[i], sum = 0.0;
            for (int64_t c = 1; c < k; c++) mx = MLC_MAX(mx, raw[c * n + i]);
            for (int64_t c = 0; c < k; c++) sum += exp(raw[c * n + i] - mx);
            for (int64_t c = 0; c < k; c++) {
                const double p = exp(raw[c * n + i] - mx) / sum;
                g[c * n + i] = (float)((p - (yi == (double)c)) * w);
                h[c * n + i] = (float)((p * (1.0 - p)) * w);
            }
            continue;
        }
        default: break;
        }
        g[i] = (float)(gi * w);
        h[i] = (float)(hi * w);
    }
    return MLC_OK;
}

/* dst (D, B) += one row: its bins x (D), gradient gi and hessian hi (with_h). */
static inline __attribute__((always_inline)) void hist_row(mlc_ensemble_hist_bin *dst, const uint8_t *x, double gi,
                                                           double hi, int64_t d, int64_t nb, int with_h) {
    for (int64_t j = 0; j < d; j++, dst += nb) {
        mlc_ensemble_hist_bin *c = dst + x[j];
        c->sum_gradients += gi;
        if (with_h) c->sum_hessians += hi;
        c->count++;
    }
}

/* dst (D, B) += the rows [b, e) of a node, in order (each bin's sums add its rows in row order). */
static void hist_rows(mlc_ensemble_hist_bin *dst, const uint8_t *Xr, const int32_t *rows, const float *g,
                      const float *h, int64_t b, int64_t e, int64_t d, int64_t nb) {
    // a node's rows are scattered: their bins and gradients are fetched HIST_AHEAD rows ahead
    if (rows != NULL && h != NULL)
        for (int64_t i = b; i < e; i++) {
            const int64_t r = rows[i], ra = rows[MLC_MIN(i + HIST_AHEAD, e - 1)];
            __builtin_prefetch(Xr + ra * d);
            __builtin_prefetch(g + ra);
            __builtin_prefetch(h + ra);
            hist_row(dst, Xr + r * d, g[r], h[r], d, nb, 1);
        }
    else if (rows != NULL)
        for (int64_t i = b; i < e; i++) {
            const int64_t r = rows[i], ra = rows[MLC_MIN(i + HIST_AHEAD, e - 1)];
            __builtin_prefetch(Xr + ra * d);
            __builtin_prefetch(g + ra);
            hist_row(dst, Xr + r * d, g[r], 0.0, d, nb, 0);
        }
    else if (h != NULL)
        for (int64_t i = b; i < e; i++) hist_row(dst, Xr + i * d, g[i], h[i], d, nb, 1);
    else
        for (int64_t i = b; i < e; i++) hist_row(dst, Xr + i * d, g[i], 0.0, d, nb, 0);
}

int MLC_ISA(mlc_ensemble_hist_build)(mlc_ensemble_hist_bin *hist, mlc_ensemble_hist_bin *scratch,
                                     const uint8_t *Xr, const int32_t *rows, const float *g,
                                     const float *h, int64_t m, int64_t d, int64_t n_bins, int n_threads) {
    const mlc_chunks ch = mlc_chunks_sized(m, HIST_CHUNK_MIN, HIST_CHUNK_MAX);
    const int64_t len = d * n_bins;
    memset(hist, 0, sizeof *hist * (size_t)len);
    if (ch.count <= 1) {
        hist_rows(hist, Xr, rows, g, h, 0, m, d, n_bins);
        return MLC_OK;
    }
    const int nthr = (int)MLC_MIN(ch.count, mlc_team_size(m * d * HIST_WORK, n_threads));
#pragma omp parallel num_threads(nthr)
    {
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < ch.count; c++) {
            mlc_ensemble_hist_bin *dst = c == 0 ? hist : scratch + (c - 1) * len;
            if (c > 0) memset(dst, 0, sizeof *dst * (size_t)len);
            hist_rows(dst, Xr, rows, g, h, mlc_chunk_begin(ch, c), mlc_chunk_end(ch, c), d, n_bins);
        }
        // each bin adds the chunks' partials in chunk order: the same sums at any thread count
#pragma omp for schedule(static)
        for (int64_t q = 0; q < len; q++)
            for (int64_t c = 1; c < ch.count; c++) {
                const mlc_ensemble_hist_bin *s = scratch + (c - 1) * len + q;
                hist[q].sum_gradients += s->sum_gradients;
                hist[q].sum_hessians += s->sum_hessians;
                hist[q].count += s->count;
            }
    }
    return MLC_OK;
}

/* ---- the split scan (scikit-learn's splitting.pyx) ---- */

static inline double node_value(double sum_gradient, double sum_hessian, double lower, double upper,
                                double l2) {
    double v = -sum_gradient / (sum_hessian + l2 + 1e-15);
    if (v < lower) v = lower;
    else if (v > upper) v = upper;
    return v;
}

/* The loss reduction of a split (XGBoost's equation 7), -1 when it breaks the monotonic constraint. */
static inline double split_gain(double gl, double hl, double gr, double hr, double loss_node, int mono,
                                double lower, double upper, double l2) {
    const double vl = node_value(gl, hl, lower, upper, l2), vr = node_value(gr, hr, lower, upper, l2);
    if ((mono == 1 && vl > vr) || (mono == -1 && vl < vr)) return -1.0;
    double gain = loss_node;
    gain -= gl * vl;
    gain -= gr * vr;
    return gain;
}

typedef struct {
    int64_t m;
    double sum_g, sum_h, value, lower, upper;
    const mlc_ensemble_params *p;
    int const_h;
} node_stats;

static void set_split(mlc_ensemble_split *s, const node_stats *ns, double gain, int64_t bin, double gl,
                      double hl, int64_t nl, int missing_left) {
    s->gain = gain;
    s->bin = (int32_t)bin;
    s->missing_go_to_left = missing_left;
    s->sum_gradient_left = gl;
    s->sum_gradient_right = ns->sum_g - gl;
    s->sum_hessian_left = hl;
    s->sum_hessian_right = ns->sum_h - hl;
    s->n_samples_left = nl;
    s->n_samples_right = ns->m - nl;
    const double l2 = ns->p->l2_regularization;
    s->value_left = node_value(s->sum_gradient_left, s->sum_hessian_left, ns->lower, ns->upper, l2);
    s->value_right = node_value(s->sum_gradient_right, s->sum_hessian_right, ns->lower, ns->upper, l2);
}

/* s inout: the best split of one numerical feature, missing values right (left to right), then,
 * when the feature has missing values, left (right to left). */
static void scan_feature(mlc_ensemble_split *s, const mlc_ensemble_hist_bin *hb, int64_t nbnm, int missing,
                         int mono, const node_stats *ns) {
    const mlc_ensemble_params *p = ns->p;
    const double loss_node = ns->sum_g * ns->value, l2 = p->l2_regularization;
    const int64_t msl = p->min_samples_leaf;
    double gl = 0.0, hl = 0.0, best = -1.0, bgl = 0.0, bhl = 0.0;
    int64_t nl = 0, bbin = -1, bnl = 0;
    for (int64_t b = 0; b < nbnm - 1 + missing; b++) {
        nl += hb[b].count;
        const int64_t nr = ns->m - nl;
        hl += ns->const_h ? (double)hb[b].count : hb[b].sum_hessians;
        const double hr = ns->sum_h - hl;
        gl += hb[b].sum_gradients;
        const double gr = ns->sum_g - gl;
        if (nl < msl) continue;
        if (nr < msl) break;
        if (hl < p->min_hessian_to_split) continue;
        if (hr < p->min_hessian_to_split) break;
        const double gain = split_gain(gl, hl, gr, hr, loss_node, mono, ns->lower, ns->upper, l2);
        if (gain > best && gain > p->min_gain_to_split) {
            best = gain;
            bbin = b;
            bgl = gl;
            bhl = hl;
            bnl = nl;
        }
    }
    if (bbin >= 0) set_split(s, ns, best, bbin, bgl, bhl, bnl, 0);
    if (!missing) return;
    double gr = 0.0, hr = 0.0;
    int64_t nr = 0;
    bbin = -1;
    best = s->gain;
    for (int64_t b = nbnm - 2; b >= 0; b--) {
        nr += hb[b + 1].count;
        const int64_t nl2 = ns->m - nr;
        hr += ns->const_h ? (double)hb[b + 1].count : hb[b + 1].sum_hessians;
        const double hl2 = ns->sum_h - hr;
        gr += hb[b + 1].sum_gradients;
        const double gl2 = ns->sum_g - gr;
        if (nr < msl) continue;
        if (nl2 < msl) break;
        if (hr < p->min_hessian_to_split) continue;
        if (hl2 < p->min_hessian_to_split) break;
        const double gain = split_gain(gl2, hl2, gr, hr, loss_node, mono, ns->lower, ns->upper, l2);
        if (gain > best && gain > p->min_gain_to_split) {
            best = gain;
            bbin = b;
            bgl = gl2;
            bhl = hl2;
            bnl = nl2;
        }
    }
    if (bbin >= 0) set_split(s, ns, best, bbin, bgl, bhl, bnl, 1);
}

typedef struct {
    int bin;
    double value;
} cat_info;

/* scikit-learn's compare_cat_infos, for the same order from the same qsort. */
static int cat_compare(const void *a, const void *b) {
    return ((const cat_info *)a)->value < ((const cat_info *)b)->value ? -1 : 1;
}

#define MIN_CAT_SUPPORT 10.0

/* s inout: the best split of a categorical feature: its bins (the missing one too) with enough
 * hessian, ordered by gradient / (hessian + 10), scanned from each end up to the middle. */
static void scan_category(mlc_ensemble_split *s, const mlc_ensemble_hist_bin *hb, int64_t nbnm, int missing,
                          int mono, const node_stats *ns) {
    const mlc_ensemble_params *p = ns->p;
    const int missing_bin = (int)p->n_bins - 1;
    const double support = (double)ns->m / ns->sum_h, loss_node = ns->sum_g * ns->value;
    cat_info cats[256];
    int n_used = 0;
    for (int b = 0; b < (int)nbnm + 1; b++) {
        const int bin = b < nbnm ? b : missing_bin;
        if (b == nbnm && !missing) break;
        const double hsum = ns->const_h ? (double)hb[bin].count : hb[bin].sum_hessians;
        if (hsum * support >= MIN_CAT_SUPPORT) cats[n_used++] = (cat_info){bin, hb[bin].sum_gradients / (hsum + MIN_CAT_SUPPORT)};
    }
    if (n_used <= 1) return;
    qsort(cats, (size_t)n_used, sizeof *cats, cat_compare);
    double best = -1.0, bgl = 0.0, bhl = 0.0;
    int64_t bnl = 0;
    int thresh = -1, bdir = 0;
    for (int dir = 1; dir >= -1; dir -= 2) {
        const int middle = dir == 1 ? (n_used + 1) / 2 : (n_used + 1) / 2 - 1;
        double gl = 0.0, hl = 0.0;
        int64_t nl = 0;
        for (int i = 0; i < middle; i++) {
            const int idx = dir == 1 ? i : n_used - 1 - i;
            const mlc_ensemble_hist_bin *c = &hb[cats[idx].bin];
            nl += c->count;
            const int64_t nr = ns->m - nl;
            hl += ns->const_h ? (double)c->count : c->sum_hessians;
            const double hr = ns->sum_h - hl;
            gl += c->sum_gradients;
            const double gr = ns->sum_g - gl;
            if (nl < p->min_samples_leaf || hl < p->min_hessian_to_split) continue;
            if (nr < p->min_samples_leaf || hr < p->min_hessian_to_split) break;
            const double gain = split_gain(gl, hl, gr, hr, loss_node, mono, ns->lower, ns->upper, p->l2_regularization);
            if (gain > best && gain > p->min_gain_to_split) {
                best = gain;
                thresh = idx;
                bgl = gl;
                bhl = hl;
                bnl = nl;
                bdir = dir;
            }
        }
    }
    if (thresh < 0) return;
    set_split(s, ns, best, 0, bgl, bhl, bnl, 0);
    memset(s->left_cat, 0, sizeof s->left_cat);
    const int lo = bdir == 1 ? 0 : thresh, hi = bdir == 1 ? thresh : n_used - 1;
    for (int i = lo; i <= hi; i++) s->left_cat[cats[i].bin >> 5] |= 1u << (cats[i].bin & 31);
    if (missing) s->missing_go_to_left = mlc_ensemble_in_bitset(s->left_cat, missing_bin);
}

#define SPLIT_MAX_TEAM 64

void MLC_ISA(mlc_ensemble_find_split)(mlc_ensemble_split *best, const mlc_ensemble_hist_bin *hist,
                                      const int32_t *n_bins_non_missing, const uint8_t *has_missing,
                                      const uint8_t *is_categorical, const int8_t *monotonic_cst,
                                      const uint8_t *allowed, int64_t d, int64_t m, double sum_gradients,
                                      double sum_hessians, double value, double lower, double upper,
                                      const mlc_ensemble_params *p, int const_hessian, int n_threads) {
    const node_stats ns = {m, sum_gradients, sum_hessians, value, lower, upper, p, const_hessian};
    mlc_ensemble_split part[SPLIT_MAX_TEAM];
    const int nthr = (int)MLC_MIN(MLC_MIN(SPLIT_MAX_TEAM, d),
                                  MLC_MAX(1, mlc_team_size(d * p->n_bins * 8, n_threads)));
    for (int t = 0; t < nthr; t++) {
        memset(&part[t], 0, sizeof part[t]);
        part[t].gain = -1.0;
        part[t].feature = -1;
    }
    // each thread scans a contiguous range of features; the ranges' bests are merged in feature
    // order with a strict >, so the first best feature wins, as in a serial scan
#pragma omp parallel num_threads(nthr)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        mlc_ensemble_split *own = &part[t];
        for (int64_t j = d * t / nt; j < d * (t + 1) / nt; j++) {
            if (allowed != NULL && !allowed[j]) continue;
            mlc_ensemble_split s;
            memset(&s, 0, sizeof s);
            s.gain = -1.0;
            const int mono = monotonic_cst != NULL ? monotonic_cst[j] : 0;
            s.is_categorical = is_categorical != NULL && is_categorical[j];
            if (s.is_categorical) scan_category(&s, hist + j * p->n_bins, n_bins_non_missing[j], has_missing[j], mono, &ns);
            else scan_feature(&s, hist + j * p->n_bins, n_bins_non_missing[j], has_missing[j], mono, &ns);
            s.feature = (int32_t)j;
            if (own->feature < 0 || s.gain > own->gain) *own = s;
        }
    }
    *best = part[0];
    for (int t = 1; t < nthr; t++)
        if (part[t].feature >= 0 && (best->feature < 0 || part[t].gain > best->gain)) *best = part[t];
}
