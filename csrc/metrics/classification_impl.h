/* classification_impl.h: the confusion counts for one weight type, included once per type by
 * classification.c with T (int64_t, double) and SFX (i64, f64). */

int MLC_SFX(mlc_metrics_confusion)(T *cm, const int32_t *y_true, const int32_t *y_pred, const T *w,
                                   int64_t n, int64_t n_classes) {
    const int64_t c = n_classes;
    memset(cm, 0, sizeof(T) * (size_t)(c * c));
    for (int64_t i = 0; i < n; i++) {
        int32_t t = y_true[i], p = y_pred[i];
        if (t >= c || p >= c) return MLC_EINVAL;
        if (t < 0 || p < 0) continue;
        cm[t * c + p] += w ? w[i] : (T)1;
    }
    return MLC_OK;
}

int MLC_SFX(mlc_metrics_class_counts)(T *tp, T *pred_sum, T *true_sum, const int32_t *y_true,
                                      const int32_t *y_pred, const T *w, int64_t n, int64_t n_classes) {
    const int64_t c = n_classes;
    memset(tp, 0, sizeof(T) * (size_t)c);
    memset(pred_sum, 0, sizeof(T) * (size_t)c);
    memset(true_sum, 0, sizeof(T) * (size_t)c);
    for (int64_t i = 0; i < n; i++) {
        int32_t t = y_true[i], p = y_pred[i];
        if (t >= c || p >= c) return MLC_EINVAL;
        T wi = w ? w[i] : (T)1;
        if (t >= 0) true_sum[t] += wi;
        if (p >= 0) pred_sum[p] += wi;
        if (t == p && t >= 0) tp[t] += wi;
    }
    return MLC_OK;
}
