/* distance_impl.h: the entry points of distance.c for one element type, included once per type by
 * distance.c with T (double, float) and SFX (f64, f32). Everything inside works in float64: a
 * float64 input is used in place (DIRECT), a float32 one is widened row by row. */

#define DIRECT (sizeof(T) == sizeof(double))

int MLC_SFX(mlc_distance_rows)(mlc_distance_rows *r, const T *X, int64_t rows, int64_t d, int metric) {
    memset(r, 0, sizeof *r);
    r->rows = rows;
    r->d = d;
    int copy = !DIRECT || metric == MLC_METRIC_CORRELATION;
    if (copy) {
        r->own = mlc_malloc((size_t)(rows * d) * sizeof(double));
        if (r->own == NULL) return MLC_ENOMEM;
        for (int64_t i = 0; i < rows * d; i++) r->own[i] = (double)X[i];
        r->x = r->own;
    } else {
        r->x = (const double *)(const void *)X;
    }
    if (uses_gemm(metric)) {
        r->aux = mlc_malloc((size_t)rows * sizeof(double));
        if (r->aux == NULL) return MLC_ENOMEM;
        finish_rows(r, metric);
    }
    return MLC_OK;
}

/* Parallel over tiles; each thread runs BLAS single-threaded on its own tile. The f64 version
 * writes tiles straight into out; the f32 one goes through a per-thread float64 tile. */
int MLC_SFX(mlc_distance_pairwise)(T *out, const T *X, const T *Y, int64_t n, int64_t m, int64_t d,
                                   int metric, int same, int n_threads, const mlc_progress *p) {
    mlc_distance_rows rx, ry = {0}; /* ry is freed even when rx failed before it was set */
    int st = MLC_SFX(mlc_distance_rows)(&rx, X, n, d, metric);
    int st2 = (st == MLC_OK && !same) ? MLC_SFX(mlc_distance_rows)(&ry, Y, m, d, metric) : MLC_OK;
    if (same) ry = rx;
    if (st != MLC_OK || st2 != MLC_OK) {
        mlc_distance_rows_free(&rx);
        if (!same) mlc_distance_rows_free(&ry);
        return MLC_ENOMEM;
    }
    const int64_t nbx = (n + MLC_DISTANCE_BX - 1) / MLC_DISTANCE_BX;
    const int64_t nby = (m + MLC_DISTANCE_BY - 1) / MLC_DISTANCE_BY;
    const int64_t ntiles = nbx * nby;
    mlc_par par = mlc_par_init(p);
    mlc_blas_single_begin();
    const int team = MLC_MIN(mlc_team_size(n * m * d, n_threads), (int)MLC_MIN(ntiles, 64));
#pragma omp parallel num_threads(team)
    {
        double *tile = DIRECT ? NULL : mlc_malloc(sizeof(double) * MLC_DISTANCE_BX * MLC_DISTANCE_BY);
        if (!DIRECT && tile == NULL) mlc_par_fail(&par, MLC_ENOMEM);
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < ntiles; t++) {
            if (mlc_par_halted(&par)) continue;
            int64_t i0 = (t / nby) * MLC_DISTANCE_BX, j0 = (t % nby) * MLC_DISTANCE_BY;
            int64_t bx = MLC_MIN(MLC_DISTANCE_BX, n - i0), by = MLC_MIN(MLC_DISTANCE_BY, m - j0);
            if (DIRECT) {
                mlc_distance_tile((double *)(void *)(out + i0 * m + j0), m, &rx, i0, bx, &ry, j0, by,
                                  metric);
            } else {
                mlc_distance_tile(tile, MLC_DISTANCE_BY, &rx, i0, bx, &ry, j0, by, metric);
                for (int64_t i = 0; i < bx; i++)
                    for (int64_t j = 0; j < by; j++)
                        out[(i0 + i) * m + j0 + j] = (T)tile[i * MLC_DISTANCE_BY + j];
            }
            if (same && i0 < j0 + by && j0 < i0 + bx)
                for (int64_t i = MLC_MAX(i0, j0); i < MLC_MIN(i0 + bx, j0 + by); i++)
                    out[i * m + i] = 0;
            mlc_par_tick(&par, t, ntiles);
        }
        mlc_free(tile);
    }
    mlc_blas_single_end();
    mlc_distance_rows_free(&rx);
    if (!same) mlc_distance_rows_free(&ry);
    return mlc_par_status(&par);
}

#undef DIRECT
