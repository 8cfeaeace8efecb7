/* classification.c: label encoding, confusion counts, log-loss and the ROC curve (see
 * classification.h). */
#include <math.h>
#include <string.h>

#include "core/reduce.h"
#include "metrics/classification.h"

const char *mlc_metrics_check_params(int64_t n_classes) {
    if (n_classes < 1) return "n_classes must be >= 1";
    if (n_classes > INT32_MAX) return "n_classes must be < 2**31";
    return NULL;
}

const char *mlc_metrics_log_loss_check_params(int64_t n_classes, double eps) {
    const char *msg = mlc_metrics_check_params(n_classes);
    if (msg != NULL) return msg;
    if (!(eps > 0.0 && eps < 0.5)) return "eps must be in (0, 0.5)";
    return NULL;
}

/* Neumaier's compensated sum: s + c carries the running total with the rounding error of each
 * addition kept in c. */
typedef struct {
    double s, c;
} ksum;

static inline void ksum_add(ksum *k, double x) {
    double t = k->s + x;
    if (fabs(k->s) >= fabs(x))
        k->c += (k->s - t) + x;
    else
        k->c += (x - t) + k->s;
    k->s = t;
}

static inline double ksum_value(const ksum *k) { return k->s + k->c; }

/* ---- label encoding ------------------------------------------------------------------------ */

int mlc_metrics_mark_labels(uint8_t *present, const int64_t *y, int64_t n, int64_t lo,
                            int64_t span) {
    for (int64_t i = 0; i < n; i++) {
        // unsigned compare: one test for both ends of [0, span)
        uint64_t v = (uint64_t)y[i] - (uint64_t)lo;
        if (v >= (uint64_t)span) return MLC_EINVAL;
        present[v] = 1;
    }
    return MLC_OK;
}

int mlc_metrics_encode_labels(int32_t *codes, const int64_t *y, const int32_t *table, int64_t n,
                              int64_t lo, int64_t span) {
    for (int64_t i = 0; i < n; i++) {
        uint64_t v = (uint64_t)y[i] - (uint64_t)lo;
        if (v >= (uint64_t)span) return MLC_EINVAL;
        codes[i] = table[v];
    }
    return MLC_OK;
}

/* ---- counts -------------------------------------------------------------------------------- */

int mlc_metrics_accuracy(double *correct, double *total, const int32_t *y_true,
                         const int32_t *y_pred, const double *w, int64_t n) {
    if (w == NULL) {
        int64_t hits = 0;
        for (int64_t i = 0; i < n; i++) hits += y_true[i] == y_pred[i] && y_true[i] >= 0;
        *correct = (double)hits;
        *total = (double)n;
        return MLC_OK;
    }
    ksum hit = {0.0, 0.0}, all = {0.0, 0.0};
    for (int64_t i = 0; i < n; i++) {
        if (y_true[i] == y_pred[i] && y_true[i] >= 0) ksum_add(&hit, w[i]);
        ksum_add(&all, w[i]);
    }
    *correct = ksum_value(&hit);
    *total = ksum_value(&all);
    return MLC_OK;
}

/* One source for the integer- and float-weighted versions. */
#define T int64_t
#define SFX i64
#include "metrics/classification_impl.h"
#undef T
#undef SFX

#define T double
#define SFX f64
#include "metrics/classification_impl.h"
#undef T
#undef SFX

#define LOSS_BLOCK 4096  /* rows per partial sum: fixed, so the result ignores the thread count */
#define LOSS_PARTS 256   /* partial sums per parallel region */

int mlc_metrics_log_loss(double *loss, double *max_dev, const double *proba, const int32_t *y,
                         const double *w, int64_t n, int64_t n_classes, double eps, int n_threads) {
    const int64_t c = n_classes;
    const int64_t ncodes = c == 1 ? 2 : c;
    const double hi = 1.0 - eps;
    double part[LOSS_PARTS];
    double dev = 0.0;
    int bad = 0;
    ksum total = {0.0, 0.0};
    for (int64_t r0 = 0; r0 < n; r0 += (int64_t)LOSS_BLOCK * LOSS_PARTS) {
        const int64_t r1 = MLC_MIN(n, r0 + (int64_t)LOSS_BLOCK * LOSS_PARTS);
        const mlc_chunks ch = mlc_chunks_sized(r1 - r0, LOSS_BLOCK, LOSS_PARTS); /* LOSS_BLOCK rows each */
        const int nb = (int)ch.count;
#pragma omp parallel for num_threads(mlc_team_size((r1 - r0) * (ncodes + MLC_EXP_WORK), n_threads)) schedule(static) \
    reduction(max : dev) reduction(| : bad)
        for (int b = 0; b < nb; b++) {
            const int64_t i0 = r0 + mlc_chunk_begin(ch, b), i1 = r0 + mlc_chunk_end(ch, b);
            ksum sum = {0.0, 0.0};
            for (int64_t i = i0; i < i1; i++) {
                int32_t k = y[i];
                if (k < 0 || k >= ncodes) {
                    bad = 1;
                    break;
                }
                const double *row = proba + i * c;
                double p;
                if (c == 1) {
                    p = k == 1 ? row[0] : 1.0 - row[0];
                } else {
                    double rs = 0.0;
                    for (int64_t j = 0; j < c; j++) rs += row[j];
                    dev = MLC_MAX(dev, fabs(rs - 1.0));
                    p = row[k];
                }
                p = p < eps ? eps : (p > hi ? hi : p);
                double l = -log(p);
                ksum_add(&sum, w ? w[i] * l : l);
            }
            part[b] = ksum_value(&sum);
        }
        if (bad) return MLC_EINVAL;
        for (int b = 0; b < nb; b++) ksum_add(&total, part[b]);
    }
    *loss = ksum_value(&total);
    *max_dev = dev;
    return MLC_OK;
}

/* ---- ROC ----------------------------------------------------------------------------------- */

#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)
#define RADIX_PASSES 6 /* ceil(64 / 11) */
#define DIGIT(key, shift) (((key) >> (shift)) & (RADIX_SIZE - 1))

/* A key whose ascending unsigned order is the descending order of the doubles (-0 counts as +0,
 * since they compare equal). */
static inline uint64_t desc_key(double x) {
    uint64_t u;
    if (x == 0.0) x = 0.0;
    memcpy(&u, &x, sizeof u);
    uint64_t asc = (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
    return ~asc;
}

static inline double key_value(uint64_t key) {
    uint64_t asc = ~key;
    uint64_t u = (asc >> 63) ? asc & ~((uint64_t)1 << 63) : ~asc;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Stable LSD radix sort of keys (N) with optional payload vals (N). tk, tv (N) scratch. Returns 1
 * when the sorted data ended in the scratch buffers, 0 when it is in keys/vals. */
static int radix_sort(uint64_t *keys, double *vals, uint64_t *tk, double *tv, int64_t n,
                      int64_t *hist /* (RADIX_PASSES, RADIX_SIZE) scratch */) {
    if (n < 2) return 0;
    // the bits that differ between keys: a digit without any is the same for every key and its
    // pass is skipped (probabilities share their sign and top exponent bits)
    uint64_t varies = 0;
    for (int64_t i = 1; i < n; i++) varies |= keys[i] ^ keys[0];
    int passes[RADIX_PASSES], np_ = 0;
    for (int p = 0; p < RADIX_PASSES; p++)
        if (DIGIT(varies, p * RADIX_BITS) != 0) passes[np_++] = p;
    memset(hist, 0, sizeof(int64_t) * RADIX_PASSES * RADIX_SIZE);
    for (int64_t i = 0; i < n; i++) {
        uint64_t k = keys[i];
        for (int q = 0; q < np_; q++) hist[q * RADIX_SIZE + DIGIT(k, passes[q] * RADIX_BITS)]++;
    }
    int swapped = 0;
    uint64_t *src_k = keys, *dst_k = tk;
    double *src_v = vals, *dst_v = tv;
    for (int q = 0; q < np_; q++) {
        int64_t *h = hist + q * RADIX_SIZE;
        const int shift = passes[q] * RADIX_BITS;
        int64_t run = 0;
        for (int b = 0; b < RADIX_SIZE; b++) {
            int64_t cnt = h[b];
            h[b] = run;
            run += cnt;
        }
        if (src_v != NULL) {
            for (int64_t i = 0; i < n; i++) {
                int64_t at = h[DIGIT(src_k[i], shift)]++;
                dst_k[at] = src_k[i];
                dst_v[at] = src_v[i];
            }
        } else {
            for (int64_t i = 0; i < n; i++) dst_k[h[DIGIT(src_k[i], shift)]++] = src_k[i];
        }
        uint64_t *sk = src_k;
        src_k = dst_k;
        dst_k = sk;
        double *sv = src_v;
        src_v = dst_v;
        dst_v = sv;
        swapped = !swapped;
    }
    return swapped;
}

/* Keeps the corners of the curve: point i stays when its second differences are not both zero
 * ((x[i+1] - x[i]) != (x[i] - x[i-1]) is np.diff(x, 2) != 0, rounding included). Returns the new
 * length; compacts in place. */
static int64_t drop_collinear(double *fps, double *tps, double *thr, int64_t m) {
    if (m <= 2) return m;
    double f0 = fps[0], t0 = tps[0], f1 = fps[1], t1 = tps[1], th1 = thr[1];
    int64_t out = 1;
    for (int64_t i = 1; i + 1 < m; i++) {
        double f2 = fps[i + 1], t2 = tps[i + 1], th2 = thr[i + 1];
        if ((f2 - f1) != (f1 - f0) || (t2 - t1) != (t1 - t0)) {
            fps[out] = f1;
            tps[out] = t1;
            thr[out] = th1;
            out++;
        }
        f0 = f1, t0 = t1;
        f1 = f2, t1 = t2, th1 = th2;
    }
    fps[out] = f1;
    tps[out] = t1;
    thr[out] = th1;
    return out + 1;
}

int64_t mlc_metrics_roc_scratch_size(int64_t n, int weighted) {
    return (weighted ? 4 : 2) * n + 2 * RADIX_PASSES * RADIX_SIZE;
}

int mlc_metrics_roc_curve(double *fps, double *tps, double *thresholds, int64_t *m,
                          const double *score, const uint8_t *pos, const double *w, int64_t n,
                          int drop_intermediate, int n_threads, uint64_t *scratch) {
    *m = 0;
    if (n == 0) return MLC_OK;
    const int weighted = w != NULL;
    int64_t np_ = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(score[i])) return MLC_ENUMERIC;
        np_ += pos[i] != 0;
    }
    const int64_t nn = n - np_;
    // scratch: keys and their radix buffer (2N), weights and theirs (2N), two histograms
    uint64_t *keys = scratch, *tk = keys + n;
    double *vals = weighted ? (double *)(void *)(tk + n) : NULL, *tv = weighted ? vals + n : NULL;
    int64_t *hist = (int64_t *)(void *)(tk + (weighted ? 3 : 1) * n);

    // positives to the front, negatives after them, both in sample order (stability)
    for (int64_t i = 0, a = 0, b = np_; i < n; i++) {
        int64_t at = pos[i] ? a++ : b++;
        keys[at] = desc_key(score[i]);
        if (weighted) vals[at] = w[i];
    }
    // the two sorts are independent: one thread each
    const uint64_t *sk[2] = {keys, keys + np_};
    const double *sv[2] = {vals, weighted ? vals + np_ : NULL};
#pragma omp parallel for num_threads(MLC_MIN(mlc_team_size(n * 16, n_threads), 2)) schedule(static, 1)
    for (int part = 0; part < 2; part++) {
        int64_t off = part ? np_ : 0, len = part ? nn : np_;
        double *v = weighted ? vals + off : NULL, *t = weighted ? tv + off : NULL;
        if (radix_sort(keys + off, v, tk + off, t, len, hist + part * RADIX_PASSES * RADIX_SIZE)) {
            sk[part] = tk + off;
            sv[part] = weighted ? tv + off : NULL;
        }
    }
    const uint64_t *pk = sk[0], *nk = sk[1];
    const double *pv = sv[0], *nv = sv[1];

    // merge: each distinct key (largest score first) closes one threshold
    double tp = 0.0, fp = 0.0;
    int64_t i = 0, j = 0, out = 0;
    while (i < np_ || j < nn) {
        uint64_t k = i < np_ ? pk[i] : UINT64_MAX;
        if (j < nn && nk[j] < k) k = nk[j];
        if (weighted) {
            for (; i < np_ && pk[i] == k; i++) tp += pv[i];
            for (; j < nn && nk[j] == k; j++) fp += nv[j];
        } else {
            int64_t i0 = i, j0 = j;
            while (i < np_ && pk[i] == k) i++;
            while (j < nn && nk[j] == k) j++;
            tp += (double)(i - i0);
            fp += (double)(j - j0);
        }
        fps[out] = fp;
        tps[out] = tp;
        thresholds[out] = key_value(k);
        out++;
    }
    *m = drop_intermediate ? drop_collinear(fps, tps, thresholds, out) : out;
    return MLC_OK;
}

int mlc_metrics_roc_auc(double *auc, const double *fps, const double *tps, int64_t m) {
    *auc = NAN;
    if (m < 1 || !(fps[m - 1] > 0.0) || !(tps[m - 1] > 0.0)) return MLC_EINVAL;
    const double fl = fps[m - 1], tl = tps[m - 1];
    ksum area = {0.0, 0.0};
    double x0 = 0.0, y0 = 0.0;
    for (int64_t i = 0; i < m; i++) {
        double x1 = fps[i] / fl, y1 = tps[i] / tl;
        // np.trapezoid's term: dx * (y[i+1] + y[i]) / 2
        ksum_add(&area, (x1 - x0) * (y1 + y0) / 2.0);
        x0 = x1, y0 = y1;
    }
    *auc = ksum_value(&area);
    return MLC_OK;
}
