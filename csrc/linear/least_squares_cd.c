/* least_squares_cd.c: elastic net by coordinate descent, on X, on its Gram matrix or on a sparse X
 * (see least_squares.h).
 *
 * ---- Elastic net (mlc_least_squares_cd_enet) -----------------------------------------------------------------
 * Minimises P(w) = 1/2 ||y - X w||^2 + l1 ||w||_1 + l2/2 ||w||^2 (w >= 0 with positive) by cyclic
 * (or random) coordinate descent: Friedman, Hastie & Tibshirani, "Regularization paths for
 * generalized linear models via coordinate descent", J. Stat. Softw. 33(1), 2010. The residual
 * R = y - X w is kept up to date, so a coordinate costs one dot and (if w_j moved) one axpy:
 *     w_j <- S(X_j . R + w_j ||X_j||^2, l1) / (||X_j||^2 + l2),  S the soft threshold.
 * Stopping rule (scikit-learn's): when an epoch's largest update is <= tol * max |w_j|, the
 * duality gap G(w, theta) with theta = R scaled to dual feasibility (Fercoq, Gramfort & Salmon,
 * "Mind the duality gap", ICML 2015) is computed and the descent stops once G <= tol ||y||^2.
 * Each gap evaluation also discards features by the gap safe rule (Ndiaye et al., "Gap safe
 * screening rules for sparsity enforcing penalties", JMLR 18, 2017, eq. 11): such a w_j is 0 at
 * the optimum. Speed-up over scikit-learn (same optimum, same stopping rule): after a full epoch
 * that did not converge, epochs run over the nonzero coordinates only (glmnet's active set,
 * Friedman et al. 2010 sec. 2.6) until they converge, then a full epoch checks again.
 *
 * ---- Sparse X (mlc_least_squares_cd_enet_csc) -----------------------------------------------------
 * The same descent on the columns z_j of sqrt(sw) X stored as CSC, centred implicitly (X is never
 * densified, as scikit-learn's sparse_enet_coordinate_descent): the centred column is z_j - m_j s
 * (m_j the weighted mean of feature j, s = sqrt(sw)). scikit-learn pays O(N) per moved coordinate
 * for the centring; here the residual is kept as R = r - c s with a scalar c, so that
 *     w_j += delta:  r -= delta z_j (O(nnz_j)),  c -= delta m_j,
 *     (z_j - m_j s) . R = z_j . r - c z_j.s - m_j (s.r - c s.s),
 * with s.r kept up to date (and recomputed exactly at every gap evaluation): a coordinate costs
 * O(nnz_j), whatever the centring.
 */
#include <math.h>
#include <string.h>

#include "blas.h"
#include "linear/least_squares.h"

/* ---- elastic net ---- */

/* The problem as coordinate descent sees it: X (XT, residual form), its Gram matrix, or a CSC X. */
typedef struct {
    const double *XT, *y; /* residual form: XT (D, N), y (N) */
    double *R;            /* (N): y - X w; in sparse form r, with y - X w = r - shift[0] s */
    const double *G, *Xty; /* Gram form: G (D, D), Xty (D), yy = y.y */
    double yy;
    double *q;            /* (D): G w */
    const double *Zd;     /* sparse form: z_j = sqrt(sw) X_j as CSC (Zd, Zi, Zp), the means xm (D), */
    const int32_t *Zi;    /* s = sqrt(sw) (N) or NULL (ones), zs_j = z_j.s (D), ss = s.s, */
    const int64_t *Zp;    /* shift = [c, s.r] */
    const double *xm, *s, *zs;
    double ss;
    double *shift;
    int64_t n, d;
} enet_data;

static double sparse_dot_j(const enet_data *e, int64_t j) { /* (z_j - m_j s) . (r - c s) */
    double acc = 0.0;
    for (int64_t p = e->Zp[j]; p < e->Zp[j + 1]; p++) acc += e->Zd[p] * e->R[e->Zi[p]];
    const double c = e->shift[0];
    return acc - c * e->zs[j] - e->xm[j] * (e->shift[1] - c * e->ss);
}

static double enet_dot_j(const enet_data *e, int64_t j) { /* X_j . R */
    if (e->G != NULL) return e->Xty[j] - e->q[j];
    if (e->Zd != NULL) return sparse_dot_j(e, j);
    return mlc_cblas_ddot((int)e->n, e->XT + j * e->n, 1, e->R, 1);
}

static void enet_move_j(const enet_data *e, int64_t j, double delta) { /* w_j += delta */
    if (e->G != NULL) {
        mlc_cblas_daxpy((int)e->d, delta, e->G + j * e->d, 1, e->q, 1);
    } else if (e->Zd != NULL) {
        for (int64_t p = e->Zp[j]; p < e->Zp[j + 1]; p++) e->R[e->Zi[p]] -= delta * e->Zd[p];
        e->shift[0] -= delta * e->xm[j];
        e->shift[1] -= delta * e->zs[j];
    } else {
        mlc_cblas_daxpy((int)e->n, -delta, e->XT + j * e->n, 1, e->R, 1);
    }
}

/* Sparse form: R.R and R.y for R = r - c s; s.r recomputed exactly (it drifts by updates). */
static void sparse_residual_dots(const enet_data *e, double *R2, double *Ry) {
    const double c = e->shift[0];
    double rr = 0.0, ry = 0.0, sr = 0.0;
    for (int64_t i = 0; i < e->n; i++) {
        const double si = e->s != NULL ? e->s[i] : 1.0, Ri = e->R[i] - c * si;
        rr += Ri * Ri;
        ry += Ri * e->y[i];
        sr += si * e->R[i];
    }
    e->shift[1] = sr;
    *R2 = rr;
    *Ry = ry;
}

/* The duality gap of P at w, as scikit-learn's gap_enet: formulation A for l1 > 0, B (Duenner et
 * al. 2016) for l1 = 0 < l2, and ||X^T R||^2 (first-order condition) for plain least squares.
 * XtA (D) out: X^T R - l2 w; *dual_norm out: its max (abs) entry. In Gram form
 * R.R = y.y - 2 w.Xty + w.q, R.y = y.y - w.Xty, X^T R = Xty - q. */
static double enet_gap(double *XtA, double *dual_norm, const double *w, const enet_data *e, double l1,
                       double l2, int positive) {
    int64_t d = e->d;
    double w2 = l2 > 0 ? mlc_cblas_ddot((int)d, w, 1, w, 1) : 0.0, R2, Ry;
    if (e->G != NULL) {
        double wXty = mlc_cblas_ddot((int)d, w, 1, e->Xty, 1);
        R2 = e->yy - 2 * wXty + mlc_cblas_ddot((int)d, w, 1, e->q, 1);
        Ry = e->yy - wXty;
        for (int64_t j = 0; j < d; j++) XtA[j] = e->Xty[j] - e->q[j];
    } else if (e->Zd != NULL) {
        sparse_residual_dots(e, &R2, &Ry);
        for (int64_t j = 0; j < d; j++) XtA[j] = sparse_dot_j(e, j);
    } else {
        R2 = mlc_cblas_ddot((int)e->n, e->R, 1, e->R, 1);
        Ry = mlc_cblas_ddot((int)e->n, e->R, 1, e->y, 1);
        mlc_cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)d, (int)e->n, 1.0, e->XT, (int)e->n, e->R, 1,
                        0.0, XtA, 1);
    }
    if (l1 == 0) {
        /* with w >= 0 the conjugate of the penalty sees only the positive part of X^T R */
        double g2 = 0.0;
        for (int64_t j = 0; j < d; j++) {
            double g = positive ? MLC_MAX(XtA[j], 0.0) : XtA[j];
            g2 += g * g;
        }
        *dual_norm = g2;
        if (l2 == 0) return g2;
        return R2 + 0.5 * l2 * w2 - Ry + g2 / (2 * l2);
    }
    double dn = positive ? -INFINITY : 0.0, l1w = 0.0;
    for (int64_t j = 0; j < d; j++) {
        XtA[j] -= l2 * w[j];
        dn = positive ? MLC_MAX(dn, XtA[j]) : MLC_MAX(dn, fabs(XtA[j]));
        l1w += fabs(w[j]);
    }
    *dual_norm = dn;
    double primal = 0.5 * (R2 + l2 * w2) + l1 * l1w;
    double scale = dn > l1 ? l1 / dn : 1.0;
    double dual = -0.5 * scale * scale * (R2 + l2 * w2) + scale * Ry;
    return primal - dual;
}

/* Gap safe screening: keep in active (returns its size) the features not ruled out; an excluded
 * w_j is set to 0 and never comes back. excluded (D) inout. */
static int64_t enet_screen(int64_t *active, int64_t *excluded, double *w, const enet_data *e,
                           const double *XtA, const double *norm2, double dual_norm, double gap,
                           double l1, double l2) {
    int64_t na = 0;
    double radius = sqrt(2 * gap) / l1, denom = MLC_MAX(l1, dual_norm);
    for (int64_t j = 0; j < e->d; j++) {
        if (excluded[j]) continue;
        double dj = (1 - fabs(XtA[j] / denom)) / sqrt(norm2[j] + l2);
        if (norm2[j] != 0 && dj <= radius) {
            active[na++] = j;
        } else {
            if (w[j] != 0) enet_move_j(e, j, -w[j]);
            w[j] = 0;
            excluded[j] = 1;
        }
    }
    return na;
}

/* The descent itself, for both forms; norm2 (D) in; XtA (D) scratch. */
static int enet_run(double *w, double *gap_out, int64_t *n_iter, const enet_data *e,
                    const double *norm2, double *XtA, double l1, double l2, int64_t max_iter,
                    double tol, int positive, int selection_random, uint64_t seed,
                    const mlc_progress *progress, int64_t *iwork) {
    int64_t d = e->d;
    int64_t *active = iwork, *excluded = iwork + d, *nz = iwork + 2 * d;
    mlc_rng rng;
    mlc_rng_seed(&rng, seed);
    for (int64_t j = 0; j < d; j++) {
        excluded[j] = 0;
        active[j] = j;
    }
    double d_w_tol = tol, dual_norm;
    tol *= e->G != NULL ? e->yy : mlc_cblas_ddot((int)e->n, e->y, 1, e->y, 1);
    int screening = l1 > 0;
    double gap = enet_gap(XtA, &dual_norm, w, e, l1, l2, positive);
    *n_iter = 0;
    if (gap <= tol) {
        *gap_out = gap;
        return MLC_OK;
    }
    int64_t n_active = d, n_nz = 0;
    if (screening) n_active = enet_screen(active, excluded, w, e, XtA, norm2, dual_norm, gap, l1, l2);
    int full = 1, converged = 0;
    int64_t it;
    for (it = 0; it < max_iter; it++) {
        if ((it & 15) == 0 && mlc_progress_tick(progress, it, max_iter)) return MLC_EINTERRUPTED;
        const int64_t *set = full ? active : nz;
        int64_t n_set = full ? n_active : n_nz;
        double w_max = 0.0, d_w_max = 0.0;
        for (int64_t f = 0; f < n_set; f++) {
            int64_t j = set[selection_random ? (int64_t)mlc_rng_below(&rng, (uint64_t)n_set) : f];
            if (norm2[j] == 0.0) continue;
            double wj = w[j];
            double tmp = enet_dot_j(e, j) + wj * norm2[j];
            double nw;
            if (positive && tmp < 0)
                nw = 0.0;
            else
                nw = copysign(fmax(fabs(tmp) - l1, 0.0), tmp) / (norm2[j] + l2);
            if (nw != wj) enet_move_j(e, j, nw - wj);
            w[j] = nw;
            d_w_max = fmax(d_w_max, fabs(nw - wj));
            w_max = fmax(w_max, fabs(nw));
        }
        int small = w_max == 0.0 || d_w_max / w_max <= d_w_tol;
        if (full) {
            n_nz = 0;
            for (int64_t f = 0; f < n_active; f++)
                if (w[active[f]] != 0) nz[n_nz++] = active[f];
        }
        if (!full && it < max_iter - 1) {
            if (small) full = 1; /* the nonzero set has converged: a full epoch checks the rest */
            continue;
        }
        if (small || it == max_iter - 1) {
            gap = enet_gap(XtA, &dual_norm, w, e, l1, l2, positive);
            if (gap <= tol) {
                converged = 1;
                break;
            }
            if (screening) {
                n_active = enet_screen(active, excluded, w, e, XtA, norm2, dual_norm, gap, l1, l2);
                n_nz = 0;
                for (int64_t f = 0; f < n_active; f++)
                    if (w[active[f]] != 0) nz[n_nz++] = active[f];
            }
        }
        full = n_nz == 0 || n_nz >= n_active;
    }
    *n_iter = converged ? it + 1 : max_iter;
    *gap_out = gap;
    return converged ? MLC_OK : MLC_ENOTCONVERGED;
}

int mlc_least_squares_cd_enet(double *w, double *gap_out, int64_t *n_iter, const double *XT, const double *y,
                              int64_t n, int64_t d, double l1, double l2, int64_t max_iter, double tol,
                              int positive, int selection_random, uint64_t seed, const mlc_progress *progress,
                              double *work, int64_t *iwork) {
    if (mlc_least_squares_cd_check_params(n, d, l1, l2, max_iter, tol) != NULL) return MLC_EINVAL;
    double *R = work, *XtA = work + n, *norm2 = work + n + d;
    for (int64_t j = 0; j < d; j++) norm2[j] = mlc_cblas_ddot((int)n, XT + j * n, 1, XT + j * n, 1);
    memcpy(R, y, (size_t)n * sizeof(double));
    mlc_cblas_dgemv(CblasRowMajor, CblasTrans, (int)d, (int)n, -1.0, XT, (int)n, w, 1, 1.0, R, 1);
    enet_data e = {.XT = XT, .y = y, .R = R, .n = n, .d = d};
    return enet_run(w, gap_out, n_iter, &e, norm2, XtA, l1, l2, max_iter, tol, positive,
                    selection_random, seed, progress, iwork);
}

int mlc_least_squares_cd_enet_gram(double *w, double *gap_out, int64_t *n_iter, const double *G,
                                   const double *Xty, double yy, int64_t d, double l1, double l2,
                                   int64_t max_iter, double tol, int positive, int selection_random,
                                   uint64_t seed, const mlc_progress *progress, double *work, int64_t *iwork) {
    if (mlc_least_squares_cd_check_params(1, d, l1, l2, max_iter, tol) != NULL) return MLC_EINVAL;
    double *q = work, *XtA = work + d, *norm2 = work + 2 * d;
    for (int64_t j = 0; j < d; j++) norm2[j] = G[j * d + j];
    mlc_cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)d, (int)d, 1.0, G, (int)d, w, 1, 0.0, q, 1);
    enet_data e = {.G = G, .Xty = Xty, .yy = yy, .q = q, .n = 1, .d = d};
    return enet_run(w, gap_out, n_iter, &e, norm2, XtA, l1, l2, max_iter, tol, positive,
                    selection_random, seed, progress, iwork);
}

int mlc_least_squares_cd_enet_csc(double *w, double *gap_out, int64_t *n_iter, const double *data,
                                  const int32_t *indices, const int64_t *indptr, const double *x_mean,
                                  const double *s, const double *y, int64_t n, int64_t d, double l1, double l2,
                                  int64_t max_iter, double tol, int positive, int selection_random,
                                  uint64_t seed, const mlc_progress *progress, double *work, int64_t *iwork) {
    if (mlc_least_squares_cd_check_params(n, d, l1, l2, max_iter, tol) != NULL) return MLC_EINVAL;
    double *r = work, *XtA = work + n, *norm2 = XtA + d, *zs = norm2 + d, *shift = zs + d;
    double ss = 0.0, c = 0.0;
    for (int64_t i = 0; i < n; i++) ss += s != NULL ? s[i] * s[i] : 1.0;
    memcpy(r, y, (size_t)n * sizeof(double));
    for (int64_t j = 0; j < d; j++) {
        double zz = 0.0, z1 = 0.0;
        for (int64_t p = indptr[j]; p < indptr[j + 1]; p++) {
            zz += data[p] * data[p];
            z1 += data[p] * (s != NULL ? s[indices[p]] : 1.0);
            r[indices[p]] -= w[j] * data[p];
        }
        zs[j] = z1;
        // ||z_j - m_j s||^2, >= 0 up to the cancellation of a constant column
        norm2[j] = MLC_MAX(0.0, zz - 2 * x_mean[j] * z1 + x_mean[j] * x_mean[j] * ss);
        c -= w[j] * x_mean[j];
    }
    shift[0] = c;
    shift[1] = 0.0; /* s.r: set by the first gap evaluation, before any update */
    enet_data e = {.y = y, .R = r, .Zd = data, .Zi = indices, .Zp = indptr, .xm = x_mean, .s = s, .zs = zs,
                   .ss = ss, .shift = shift, .n = n, .d = d};
    return enet_run(w, gap_out, n_iter, &e, norm2, XtA, l1, l2, max_iter, tol, positive,
                    selection_random, seed, progress, iwork);
}
