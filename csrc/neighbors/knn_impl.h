/* knn_impl.h: the k-neighbours entry point for one element type, included once per type by knn.c
 * with T (double, float) and SFX (f64, f32): the rows are prepared in float64 (distance.h), and
 * the search itself (kneighbors) is the same for both. */

int MLC_SFX(mlc_knn_kneighbors)(double *dist, int64_t *ind, const T *X, const T *Y, int64_t n, int64_t m,
                                int64_t d, int64_t k, int metric, int n_threads, const mlc_progress *p) {
    if (mlc_knn_check_params(k, m, metric, MLC_WEIGHTS_UNIFORM)) return MLC_EINVAL;
    mlc_distance_rows rx, ry;
    int st = MLC_SFX(mlc_distance_rows)(&rx, X, n, d, metric);
    if (st == MLC_OK) st = MLC_SFX(mlc_distance_rows)(&ry, Y, m, d, metric);
    else memset(&ry, 0, sizeof ry);
    double scale = st == MLC_OK ? screening_scale(&rx, &ry, metric) : 0.0;
    if (st == MLC_OK && scale > 0.0) st = mlc_distance_rows_add_screen(&rx, metric, 1, scale);
    if (st == MLC_OK && scale > 0.0) st = mlc_distance_rows_add_screen(&ry, metric, 0, scale);
    if (st == MLC_OK) st = kneighbors(dist, ind, &rx, &ry, k, metric, n_threads, p);
    mlc_distance_rows_free(&rx);
    mlc_distance_rows_free(&ry);
    return st;
}
