/* gradient_boosting.c: the per-stage kernels of exact gradient boosting (see gradient_boosting.h):
 * negative gradients, mean losses, the subsample mask and the terminal-region update, each with
 * scikit-learn's operations (sklearn/_loss/_loss.pyx.tp, ensemble/_gb.py), so that the same trees give
 * the same raw predictions. The trees themselves are grown by tree/tree.c. */
#include "ensemble/gradient_boosting.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *mlc_ensemble_gb_check_params(int loss, int64_t k, double param) {
    switch (loss) {
    case MLC_ENSEMBLE_LOG_LOSS_MULTICLASS:
        return k >= 3 ? NULL : "the multinomial log loss needs K >= 3 outputs";
    case MLC_ENSEMBLE_QUANTILE:
        if (!(param > 0.0 && param < 1.0)) return "the quantile loss's alpha must be in (0, 1)";
        break;
    case MLC_ENSEMBLE_HUBER:
        if (!(param >= 0.0)) return "the Huber loss's delta must be >= 0";
        break;
    case MLC_ENSEMBLE_SQUARED_ERROR:
    case MLC_ENSEMBLE_ABSOLUTE_ERROR:
    case MLC_ENSEMBLE_LOG_LOSS_BINARY:
    case MLC_ENSEMBLE_EXPONENTIAL:
        break;
    default:
        return "not a loss of gradient boosting";
    }
    return k == 1 ? NULL : "this loss needs K = 1 output";
}

/* log(1 + exp(x)), scikit-learn's log1pexp (the same branches, so the same bits). */
static inline double log1pexp(double x) {
    if (x <= -37) return exp(x);
    if (x <= -2) return log1p(exp(x));
    if (x <= 18) return log(1. + exp(x));
    if (x <= 33.3) return x + exp(-x);
    return x;
}

int mlc_ensemble_gb_negative_gradient(double *neg_grad, const double *raw, const double *y, int64_t n,
                                      int64_t k, int loss, double param, int n_threads) {
    if (mlc_ensemble_gb_check_params(loss, k, param) != NULL) return MLC_EINVAL;
    const int nthr = mlc_team_size(n * k * MLC_EXP_WORK, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const double r = raw[i * k], t = y[i];
        double g;
        switch (loss) {
        case MLC_ENSEMBLE_SQUARED_ERROR: g = r - t; break;
        case MLC_ENSEMBLE_ABSOLUTE_ERROR: g = r > t ? 1. : -1.; break;
        case MLC_ENSEMBLE_QUANTILE: g = t >= r ? -param : 1. - param; break;
        case MLC_ENSEMBLE_HUBER: g = fabs(r - t) <= param ? r - t : (r - t >= 0 ? param : -param); break;
        case MLC_ENSEMBLE_LOG_LOSS_BINARY:
            if (r > -37) {
                const double e = exp(-r);
                g = ((1 - t) - t * e) / (1 + e);
            } else g = exp(r) - t;
            break;
        case MLC_ENSEMBLE_EXPONENTIAL: {
            const double e = exp(r);
            g = -t / e + (1 - t) * e;
            break;
        }
        default: { // multinomial: softmax(raw) - onehot(y), the softmax shifted by the row's maximum
            const double *ri = raw + i * k;
            double *gi = neg_grad + i * k, mx = ri[0], sum = 0.0;
            for (int64_t c = 1; c < k; c++) mx = ri[c] > mx ? ri[c] : mx;
            for (int64_t c = 0; c < k; c++) {
                gi[c] = exp(ri[c] - mx);
                sum += gi[c];
            }
            for (int64_t c = 0; c < k; c++) gi[c] = -(gi[c] / sum - (t == (double)c));
            continue;
        }
        }
        neg_grad[i] = -g;
    }
    return MLC_OK;
}

/* The loss of one row at raw (K) in. */
static inline double row_loss(const double *r, double t, int64_t k, int loss, double param) {
    switch (loss) {
    case MLC_ENSEMBLE_SQUARED_ERROR: return 0.5 * (r[0] - t) * (r[0] - t);
    case MLC_ENSEMBLE_ABSOLUTE_ERROR: return fabs(r[0] - t);
    case MLC_ENSEMBLE_QUANTILE: return t >= r[0] ? param * (t - r[0]) : (1. - param) * (r[0] - t);
    case MLC_ENSEMBLE_HUBER: {
        const double e = fabs(t - r[0]);
        return e <= param ? 0.5 * e * e : param * (e - 0.5 * param);
    }
    case MLC_ENSEMBLE_LOG_LOSS_BINARY: return log1pexp(r[0]) - t * r[0];
    case MLC_ENSEMBLE_EXPONENTIAL: {
        const double e = exp(r[0]);
        return t / e + (1 - t) * e;
    }
    default: {
        double mx = r[0], sum = 0.0;
        for (int64_t c = 1; c < k; c++) mx = r[c] > mx ? r[c] : mx;
        for (int64_t c = 0; c < k; c++) sum += exp(r[c] - mx);
        return log(sum) + mx - r[(int64_t)t];
    }
    }
}

int mlc_ensemble_gb_loss(double *out, const double *raw, const double *y, const double *sw, const uint8_t *mask,
                         int select, int64_t n, int64_t k, int loss, double param) {
    if (mlc_ensemble_gb_check_params(loss, k, param) != NULL) return MLC_EINVAL;
    double num = 0.0, den = 0.0;
    for (int64_t i = 0; i < n; i++) {
        if (mask != NULL && (mask[i] != 0) != (select != 0)) continue;
        if (loss == MLC_ENSEMBLE_LOG_LOSS_MULTICLASS && !(y[i] >= 0 && y[i] < (double)k)) return MLC_EINVAL;
        num += sw[i] * row_loss(raw + i * k, y[i], k, loss, param);
        den += sw[i];
    }
    *out = num / den;
    return MLC_OK;
}

int mlc_ensemble_gb_sample_mask(uint8_t *mask, const double *rand, int64_t n, int64_t n_inbag) {
    int64_t bagged = 0;
    for (int64_t i = 0; i < n; i++) {
        mask[i] = rand[i] * (double)(n - i) < (double)(n_inbag - bagged);
        bagged += mask[i];
    }
    return MLC_OK;
}

/* A value, its weight and its row (the row breaks ties: a deterministic order). */
typedef struct {
    double v, w;
    int64_t i;
} weighted;

static int by_value(const void *a, const void *b) {
    const weighted *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* scikit-learn's _weighted_percentile ("inverted_cdf") of p (N) inout (sorted here): the first sorted
 * value whose cumulative weight reaches p_rank / 100 of the total (searchsorted on the running sums, as
 * numpy's cumsum adds them); NaN when every weight is 0. */
static double percentile_of(weighted *p, int64_t n, double p_rank) {
    qsort(p, (size_t)n, sizeof *p, by_value);
    double total = 0.0;
    int any = 0;
    for (int64_t i = 0; i < n; i++) {
        total += p[i].w;
        any |= p[i].w != 0.0;
    }
    if (!any) return NAN;
    double a = p_rank / 100 * total;
    if (a == 0) a = nextafter(a, a + 1); // leading zero weights are skipped at rank 0
    double c = 0.0;
    for (int64_t i = 0; i < n; i++) {
        c += p[i].w;
        if (c >= a) return p[i].v;
    }
    return p[n - 1].v;
}

/* scikit-learn's _safe_divide: 0 for a denominator below 1e-150 in size. */
static inline double safe_divide(double num, double den) { return fabs(den) < 1e-150 ? 0.0 : num / den; }

/* The loss's estimate of one leaf from its rows (R) in, in row order; p (R) scratch. */
static double leaf_value(const int64_t *rows, int64_t r, weighted *p, const double *raw, const double *y,
                         const double *neg_grad, const double *sw, int64_t k, int64_t kk, int loss, double param) {
    double num = 0.0, den = 0.0, wsum = 0.0;
    switch (loss) {
    case MLC_ENSEMBLE_LOG_LOSS_BINARY:
    case MLC_ENSEMBLE_LOG_LOSS_MULTICLASS:
    case MLC_ENSEMBLE_EXPONENTIAL: // one Newton step: sum w g / sum w h
        for (int64_t q = 0; q < r; q++) {
            const int64_t i = rows[q];
            const double g = neg_grad[i * k + kk], prob = y[i] - g;
            num += sw[i] * g;
            den += sw[i] * (loss == MLC_ENSEMBLE_EXPONENTIAL ? (y[i] == 0 ? -g : g) : prob * (1 - prob));
            wsum += sw[i];
        }
        num /= wsum;
        if (loss == MLC_ENSEMBLE_LOG_LOSS_MULTICLASS) num *= (double)(k - 1) / (double)k;
        return safe_divide(num, den / wsum);
    default: { // the absolute, quantile and Huber losses: a weighted percentile of the residuals
        for (int64_t q = 0; q < r; q++) {
            const int64_t i = rows[q];
            p[q] = (weighted){y[i] - raw[i * k + kk], sw[i], i};
        }
        const double rank = loss == MLC_ENSEMBLE_QUANTILE ? 100 * param : 50.0;
        const double median = percentile_of(p, r, rank);
        if (loss != MLC_ENSEMBLE_HUBER) return median;
        // Huber (Friedman 2001, algorithm 4): the median plus the mean of the residuals clipped at delta
        for (int64_t q = 0; q < r; q++) {
            const int64_t i = rows[q];
            const double diff = y[i] - raw[i * k + kk] - median;
            const double sign = diff > 0 ? 1.0 : (diff < 0 ? -1.0 : 0.0);
            num += sw[i] * (sign * fmin(param, fabs(diff)));
            wsum += sw[i];
        }
        return median + num / wsum;
    }
    }
}

int mlc_ensemble_gb_update(double *value, double *raw, const int64_t *children_left, const int64_t *leaf,
                           const double *y, const double *neg_grad, const double *sw, const uint8_t *mask,
                           int64_t n, int64_t k, int64_t kk, int64_t m, int loss, double param,
                           double learning_rate) {
    if (mlc_ensemble_gb_check_params(loss, k, param) != NULL || kk < 0 || kk >= k) return MLC_EINVAL;
    for (int64_t i = 0; i < n; i++)
        if (leaf[i] < 0 || leaf[i] >= m || children_left[leaf[i]] != -1) return MLC_EINVAL;
    int status = MLC_OK;
    int64_t *start = NULL, *rows = NULL;
    weighted *scratch = NULL;
    if (loss != MLC_ENSEMBLE_SQUARED_ERROR) { // squared error keeps the tree's means
        start = mlc_malloc((size_t)(m + 1) * sizeof *start);
        rows = mlc_malloc((size_t)MLC_MAX(n, 1) * sizeof *rows);
        scratch = mlc_malloc((size_t)MLC_MAX(n, 1) * sizeof *scratch);
        if (start == NULL || rows == NULL || scratch == NULL) {
            status = MLC_ENOMEM;
            goto done;
        }
        // the in-bag rows grouped by leaf, in row order (a counting sort)
        memset(start, 0, (size_t)(m + 1) * sizeof *start);
        for (int64_t i = 0; i < n; i++)
            if (mask == NULL || mask[i]) start[leaf[i] + 1]++;
        for (int64_t j = 0; j < m; j++) start[j + 1] += start[j];
        for (int64_t i = 0; i < n; i++)
            if (mask == NULL || mask[i]) rows[start[leaf[i]]++] = i;
        for (int64_t j = m; j > 0; j--) start[j] = start[j - 1];
        start[0] = 0;
        for (int64_t j = 0; j < m; j++) {
            const int64_t r = start[j + 1] - start[j];
            if (children_left[j] != -1 || r == 0) continue;
            value[j] = leaf_value(rows + start[j], r, scratch, raw, y, neg_grad, sw, k, kk, loss, param);
        }
    }
    for (int64_t i = 0; i < n; i++) raw[i * k + kk] += learning_rate * value[leaf[i]];
done:
    mlc_free(start);
    mlc_free(rows);
    mlc_free(scratch);
    return status;
}
