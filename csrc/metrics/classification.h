/* classification.h: counting kernels behind the classification and ranking metrics.
 *
 * Legend: N samples, C classes, M distinct score thresholds (M <= N), S the span of an integer
 * label range (hi - lo + 1).
 *
 * Labels reach these kernels as int32 codes: the position of each sample's label among the
 * metric's classes, 0 <= code < C. A negative code means "not among the requested labels": the
 * sample is skipped (scikit-learn's confusion_matrix with a `labels` subset). A code >= C is a
 * caller bug and gives MLC_EINVAL.
 *
 * Weights: every `w` may be NULL (each sample weighs 1). Sums of weights run in sample order, as
 * NumPy's bincount and cumsum do, so weighted counts and ROC points are bit-identical to
 * scikit-learn's; the scalar sums (accuracy, log-loss, AUC) are compensated (Neumaier) and agree
 * with NumPy's pairwise sums to a few ulps.
 */
#ifndef MLC_METRICS_CLASSIFICATION_H
#define MLC_METRICS_CLASSIFICATION_H

#include "mlc.h"

/* NULL or a message: n_classes within [1, 2^31). */
const char *mlc_metrics_check_params(int64_t n_classes);
/* NULL or a message: log-loss clipping eps within (0, 0.5). */
const char *mlc_metrics_log_loss_check_params(int64_t n_classes, double eps);

/* ---- label encoding (integer labels in a small range: O(N), no sort) ----------------------- */

/* Marks which values of [lo, lo + S) occur in y: present[y[i] - lo] = 1 (other entries untouched).
 * present (S) inout; y (N) in. MLC_EINVAL if a value falls outside the range. */
int mlc_metrics_mark_labels(uint8_t *present, const int64_t *y, int64_t n, int64_t lo,
                            int64_t span);

/* codes[i] = table[y[i] - lo]. codes (N) out; y (N) in; table (S) in. MLC_EINVAL if a value falls
 * outside the range. */
int mlc_metrics_encode_labels(int32_t *codes, const int64_t *y, const int32_t *table, int64_t n,
                              int64_t lo, int64_t span);

/* ---- counts --------------------------------------------------------------------------------- */

/* The weighted number of samples whose codes agree (both >= 0), and the total weight of all N.
 * correct (1) out; total (1) out; y_true (N) in; y_pred (N) in; w (N) in or NULL. */
int mlc_metrics_accuracy(double *correct, double *total, const int32_t *y_true,
                         const int32_t *y_pred, const double *w, int64_t n);

/* cm[t * C + p] += weight of each sample with true code t and predicted code p (skipping negative
 * codes). cm (C, C) out, zeroed here; y_true (N) in; y_pred (N) in; w (N) in or NULL.
 * _i64: integer weights (scikit-learn keeps an int64 matrix then); _f64: float weights. */
int mlc_metrics_confusion_i64(int64_t *cm, const int32_t *y_true, const int32_t *y_pred,
                              const int64_t *w, int64_t n, int64_t n_classes);
int mlc_metrics_confusion_f64(double *cm, const int32_t *y_true, const int32_t *y_pred,
                              const double *w, int64_t n, int64_t n_classes);

/* Per-class true positives, predicted and true totals (precision/recall/F without the C x C
 * matrix). tp (C) out; pred_sum (C) out; true_sum (C) out, all zeroed here; y_true (N) in;
 * y_pred (N) in; w (N) in or NULL. */
int mlc_metrics_class_counts_i64(int64_t *tp, int64_t *pred_sum, int64_t *true_sum,
                                 const int32_t *y_true, const int32_t *y_pred, const int64_t *w,
                                 int64_t n, int64_t n_classes);
int mlc_metrics_class_counts_f64(double *tp, double *pred_sum, double *true_sum,
                                 const int32_t *y_true, const int32_t *y_pred, const double *w,
                                 int64_t n, int64_t n_classes);

/* Cross-entropy of one-hot targets: loss = sum_i w_i * -log(clip(proba[i, y[i]], eps, 1 - eps)),
 * and max_dev = max_i |sum_j proba[i, j] - 1| (0 when C == 1), for the "do not sum to one" check.
 * C == 1 means binary with proba holding P(class 1) only: P(class 0) = 1 - proba[i].
 * Rows go in fixed blocks of partial sums, over n_threads threads from 65536 rows on: the result
 * does not depend on the thread count.
 * loss (1) out; max_dev (1) out; proba (N, C) in; y (N) in, codes in [0, max(C, 2));
 * w (N) in or NULL. */
int mlc_metrics_log_loss(double *loss, double *max_dev, const double *proba, const int32_t *y,
                         const double *w, int64_t n, int64_t n_classes, double eps, int n_threads);

/* ---- ROC ------------------------------------------------------------------------------------
 * The curve of a binary problem: for each distinct score t, from the highest down, the weight of
 * positives (tps) and of negatives (fps) scored >= t. Ties collapse to one threshold.
 *
 * Method: positives and negatives are split, each sorted by descending score with a stable LSD
 * radix sort on the order-preserving bit pattern of the double (11-bit digits, passes whose digit
 * is constant skipped), then merged. Within ties both keep sample order, so the running sums are
 * the ones of scikit-learn's stable descending argsort followed by cumsum, bit for bit.
 *
 * drop_intermediate removes the points collinear with both neighbours (second differences of fps
 * and tps both zero), keeping the first and the last: scikit-learn's rule.
 *
 * fps (N) out; tps (N) out; thresholds (N) out: the first *m entries are written;
 * m (1) out; score (N) in, finite; pos (N) in, 1 = positive class, 0 = negative;
 * w (N) in or NULL (zero weights are the caller's to drop first, as scikit-learn does);
 * scratch (mlc_metrics_roc_scratch_size(N, w != NULL)) scratch.
 * The two sorts run on two of n_threads threads from 65536 samples on; the result does not
 * depend on the thread count.
 * MLC_ENUMERIC for a non-finite score. */
int64_t mlc_metrics_roc_scratch_size(int64_t n, int weighted);
int mlc_metrics_roc_curve(double *fps, double *tps, double *thresholds, int64_t *m,
                          const double *score, const uint8_t *pos, const double *w, int64_t n,
                          int drop_intermediate, int n_threads, uint64_t *scratch);

/* Trapezoidal area under (fps / fps[M-1], tps / tps[M-1]) with (0, 0) prepended. Both totals must
 * be > 0 (MLC_EINVAL otherwise). auc (1) out; fps (M) in; tps (M) in. */
int mlc_metrics_roc_auc(double *auc, const double *fps, const double *tps, int64_t m);

#endif
