/* least_squares.c: least squares, ridge and elastic net kernels (see least_squares.h).
 *
 * ---- Centring (mlc_least_squares_center) ----------------------------------------------------------------
 * With an intercept, min_{w,b} sum_i sw_i (y_i - x_i w - b)^2 (+ penalty on w only) has
 * b = y_mean - x_mean w for the sw-weighted means, and w solves the problem without intercept on
 * sqrt(sw_i) (x_i - x_mean), sqrt(sw_i) (y_i - y_mean): every solver below sees that data only
 * (scikit-learn's _preprocess_data + _rescale_data).
 *
 * ---- Least squares (mlc_least_squares_lstsq) ------------------------------------------------------------
 * Minimises ||Y - A W^T||_F; among the minimisers returns the one of least norm,
 * W^T = V diag(1/s) U^T Y over the singular values s > rcond * s_max (the others count as zero:
 * rank). The SVD is LAPACK's xGESDD (core/linalg.c), what xGELSD (scipy.linalg.lstsq, hence
 * scikit-learn's LinearRegression) does by a different route: the results agree to rounding.
 * Golub & Van Loan, Matrix Computations, 4th ed., sec. 5.5.
 *
 * ---- Least squares on the normal equations (mlc_least_squares_lstsq_gram) -------------------------------
 * The same objective from G = A^T A, B = A^T Y (one pass over X: mlc_least_squares_gram) when A is
 * well-conditioned: W^T = G^{-1} B by Cholesky (xPOTRF, xPOTRS), n d^2 + d^3/3 flops against the
 * SVD's ~4 n d^2 + a copy of X. The switch: the eigenvalues of G (xSYEVD, values only, d^3 flops)
 * are s_i^2 to an absolute error ~ d eps s_max^2, so s_i = sqrt(lambda_i) are A's singular values
 * (singular_values_) and s_min / s_max is its exact condition, not an estimate. Cholesky runs only
 * when s_min > max(LSQ_NORMAL_COND, 2 rcond) s_max: then no singular value is cut (rank = d, the
 * answer is xGELSD's) and the normal equations lose at most cond(A)^2 eps <= 1e-8 in relative
 * accuracy (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. 20.4).
 * Otherwise (ill-conditioned, rank-deficient, s near the cut) the caller takes the SVD above,
 * with its minimum-norm answer.
 *
 * ---- Ridge (mlc_least_squares_ridge) ---------------------------------------------------------------------
 * Minimises ||y_k - X w_k||^2 + alpha_k ||w_k||^2 for each target k (Hoerl & Kennard 1970).
 * Cholesky: N >= D solves the normal equations (X^T X + alpha I) w = X^T y (one xSYRK, one
 * xPOTRF per distinct alpha, xPOTRS for all targets sharing it); N < D the dual
 * (X X^T + alpha I) a = y, w = X^T a, an N x N system instead. A singular system (alpha = 0 on
 * rank-deficient data) falls back to the SVD, as scikit-learn does.
 * SVD: w = V diag(s / (s^2 + alpha)) U^T y (singular values <= 1e-15 dropped).
 *
 * ---- Ridge and least squares on a sparse X (mlc_least_squares_ridge_csr) ------------------------------
 * The same objective for each target, min ||y_k - Xc w||^2 + alpha_k ||w||^2, on a CSR X centred
 * implicitly: Xc = S (X - 1 x_mean^T), S = diag(s), so Xc v = s * (X v - x_mean.v) and
 * Xc^T u = X^T (s * u) - x_mean (s.u), X never densified. The system and stopping rule are scikit-learn's
 * sparse_cg: conjugate gradients from 0 (Hestenes & Stiefel 1952) on the normal equations
 * (Xc^T Xc + alpha I) w = Xc^T y, stopping when the residual ||Xc^T y - (Xc^T Xc + alpha I) w|| <=
 * tol ||Xc^T y||; or, with `dual` (scikit-learn's choice when D > N) and alpha > 0, on
 * (Xc Xc^T + alpha I) a = y, w = Xc^T a, stopping when ||y - (Xc Xc^T + alpha I) a|| <= tol ||y||.
 * With alpha > 0 the iteration is preconditioned by the system's diagonal (Jacobi: the squared norms
 * of Xc's columns, or rows, plus alpha; Saad, Iterative Methods for Sparse Linear Systems, 2nd ed.,
 * sec. 9.2): the stopping rule and the solution are the same, and on text-like data, whose column
 * norms span orders of magnitude, it takes several times fewer iterations. A primal step needs
 * Xc^T Xc p: one pass over the stored entries (each row's x_i.p is scattered back along the row while
 * it is in cache) where the dual needs two. alpha = 0 runs plain CG: from 0 its iterates stay in the
 * row space of Xc, so the limit is the minimum-norm least squares solution (LinearRegression), where
 * scikit-learn runs LSQR (Paige & Saunders 1982), the same iterates in exact arithmetic: with
 * `lsqr_rule` the iteration stops by LSQR's tests with atol = btol = tol instead, ||Xc^T r|| <=
 * tol ||A||_F ||r|| or ||r|| <= tol (||y|| + ||A||_F ||w||), r = y - Xc w, ||A||_F estimated as LSQR does.
 *
 * ---- Non-negative least squares (mlc_least_squares_nnls) -------------------------------------------------
 * Minimises ||y_k - X w_k||^2 subject to w_k >= 0 for each target k: Lawson & Hanson's active set
 * method ("Solving Least Squares Problems", 1974, ch. 23; scipy.optimize.nnls), run on the Gram
 * form G = X^T X, b = X^T y as in Bro & De Jong, "A fast non-negativity-constrained least squares
 * algorithm", J. Chemometrics 11, 1997: each subproblem min ||y - X_P w_P|| on the passive set P
 * is a Cholesky solve of G_PP (O(|P|^3), nothing of size N). Once the active set is final, two
 * steps of iterative refinement with the residual computed on X give w_P a least squares solve's
 * accuracy rather than that of the normal equations (cond(X_P)^2 eps).
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "blas.h"
#include "core/linalg.h"
#include "core/reduce.h"
#include "core/sparse.h"
#include "linear/least_squares.h"

#define LSQ_TILE 32
#define LSQ_BLOCK 128 /* rows per block of the Gram pass: the block and the next one stay in L2 */
#define LSQ_CHUNKS 8   /* fixed partition of the rows of the Gram pass (thread-count independent) */
#define LSQ_ACC_BYTES ((int64_t)64 << 20) /* cap on the chunks' partial Gram matrices together */
#define LSQ_NORMAL_COND 1e-4 /* s_min / s_max below which least squares leaves the normal equations */

const char *mlc_least_squares_check_params(int64_t n, int64_t d, int64_t t) {
    if (n < 1 || d < 1) return "X must have at least one sample and one feature";
    if (t < 1) return "y must have at least one target";
    if (n > INT_MAX || d > INT_MAX || t > INT_MAX) return "X has more rows or columns than BLAS can index";
    return NULL;
}

const char *mlc_least_squares_cd_check_params(int64_t n, int64_t d, double l1_reg, double l2_reg,
                                              int64_t max_iter, double tol) {
    const char *msg = mlc_least_squares_check_params(n, d, 1);
    if (msg != NULL) return msg;
    if (!(l1_reg >= 0) || !(l2_reg >= 0) || !isfinite(l1_reg) || !isfinite(l2_reg))
        return "alpha must be a finite number >= 0";
    if (max_iter < 1) return "max_iter must be >= 1";
    if (!(tol >= 0)) return "tol must be >= 0";
    return NULL;
}

int mlc_least_squares_center(double *Xc, double *Yc, double *X_offset, double *y_offset, const double *X,
                             const double *Y, const double *sw, int64_t n, int64_t d, int64_t t,
                             int fit_intercept, int transpose, int n_threads) {
    memset(X_offset, 0, (size_t)d * sizeof(double));
    memset(y_offset, 0, (size_t)t * sizeof(double));
    if (fit_intercept) {
        double wsum = 0.0;
        for (int64_t i = 0; i < n; i++) {
            double wi = sw != NULL ? sw[i] : 1.0;
            wsum += wi;
            const double *xi = X + i * d, *yi = Y + i * t;
#pragma omp simd
            for (int64_t j = 0; j < d; j++) X_offset[j] += wi * xi[j];
            for (int64_t k = 0; k < t; k++) y_offset[k] += wi * yi[k];
        }
        if (!(wsum > 0)) return MLC_EINVAL;
        for (int64_t j = 0; j < d; j++) X_offset[j] /= wsum;
        for (int64_t k = 0; k < t; k++) y_offset[k] /= wsum;
    }
    if (Xc == NULL) return MLC_OK; /* offsets only */
    for (int64_t i = 0; i < n; i++) {
        double r = sw != NULL ? sqrt(sw[i]) : 1.0;
        for (int64_t k = 0; k < t; k++) Yc[i * t + k] = r * (Y[i * t + k] - y_offset[k]);
    }
    /* element-wise, so any thread count gives the same bits; the transposed copy goes by
     * LSQ_TILE x LSQ_TILE tiles so that reads and writes both stay in cache lines */
    int nthr = mlc_team_size(n * d, n_threads);
    int64_t n_tiles = (n + LSQ_TILE - 1) / LSQ_TILE;
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t b = 0; b < n_tiles; b++) {
        int64_t i0 = b * LSQ_TILE, i1 = MLC_MIN(n, i0 + LSQ_TILE);
        for (int64_t j0 = 0; j0 < d; j0 += LSQ_TILE) {
            int64_t j1 = MLC_MIN(d, j0 + LSQ_TILE);
            for (int64_t i = i0; i < i1; i++) {
                double r = sw != NULL ? sqrt(sw[i]) : 1.0;
                const double *xi = X + i * d;
                if (transpose)
                    for (int64_t j = j0; j < j1; j++) Xc[j * n + i] = r * (xi[j] - X_offset[j]);
                else
#pragma omp simd
                    for (int64_t j = j0; j < j1; j++) Xc[i * d + j] = r * (xi[j] - X_offset[j]);
            }
        }
    }
    return MLC_OK;
}

/* coef (T, D) = V diag(f(s_i, k)) U^T Y for the thin SVD A = U diag(s) V^T of A (N, D), where
 * f = 1/s above rcond * s_max (alpha == NULL: least squares) or s / (s^2 + alpha_k) (ridge).
 * A is destroyed. The row-major A is LAPACK's column-major A^T = U' S V'^T, so LAPACK's u is
 * V^T row-major (R, D) and its vt is U row-major (N, R): no transposition anywhere. */
static int svd_solve(double *coef, double *s_out, int64_t *rank, double *A, const double *Y,
                     const double *alpha, int64_t n, int64_t d, int64_t t, double rcond) {
    int64_t r = MLC_MIN(n, d);
    double *s = mlc_malloc((size_t)r * sizeof(double));
    double *vt = mlc_malloc((size_t)(r * d) * sizeof(double)); /* V^T (R, D) */
    double *u = mlc_malloc((size_t)(n * r) * sizeof(double));  /* U (N, R) */
    double *tmp = mlc_malloc((size_t)(r * t) * sizeof(double)); /* U^T Y (R, T) */
    int st = MLC_ENOMEM;
    if (s == NULL || vt == NULL || u == NULL || tmp == NULL) goto done;
    st = mlc_linalg_svd_f64(s, vt, u, A, d, n, d, d, r);
    if (st != MLC_OK) goto done;
    mlc_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)r, (int)t, (int)n, 1.0, u, (int)r,
                    Y, (int)t, 0.0, tmp, (int)t);
    int64_t rk = 0;
    double cut = rcond * s[0];
    for (int64_t i = 0; i < r; i++) {
        if (alpha == NULL) {
            double f = s[i] > cut ? 1.0 / s[i] : 0.0;
            rk += s[i] > cut;
            for (int64_t k = 0; k < t; k++) tmp[i * t + k] *= f;
        } else {
            for (int64_t k = 0; k < t; k++)
                tmp[i * t + k] *= s[i] > 1e-15 ? s[i] / (s[i] * s[i] + alpha[k]) : 0.0;
        }
    }
    mlc_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)t, (int)d, (int)r, 1.0, tmp, (int)t,
                    vt, (int)d, 0.0, coef, (int)d);
    if (s_out != NULL) memcpy(s_out, s, (size_t)r * sizeof(double));
    if (rank != NULL) *rank = rk;
done:
    mlc_free(s);
    mlc_free(vt);
    mlc_free(u);
    mlc_free(tmp);
    return st;
}

int mlc_least_squares_lstsq(double *coef, double *s, int64_t *rank, double *A, const double *Y, int64_t n,
                            int64_t d, int64_t t, double rcond) {
    if (mlc_least_squares_check_params(n, d, t) != NULL) return MLC_EINVAL;
    return svd_solve(coef, s, rank, A, Y, NULL, n, d, t, rcond);
}

/* Cholesky of G + alpha I (m x m, symmetric, copied into A), then B (m, nrhs column-major,
 * ld m) <- (G + alpha I)^{-1} B. Returns MLC_ENOTCONVERGED when not positive definite. */
static int chol_solve(double *A, const double *G, double alpha, double *B, int64_t m, int64_t nrhs) {
    memcpy(A, G, (size_t)(m * m) * sizeof(double));
    for (int64_t j = 0; j < m; j++) A[j * m + j] += alpha;
    int st = mlc_linalg_cholesky_f64(A, m, m, 0);
    if (st != MLC_OK) return st;
    return mlc_linalg_cholesky_solve_f64(B, A, m, nrhs, m, m) == MLC_OK ? MLC_OK : MLC_EINVAL;
}

static int ridge_cholesky(double *coef, const double *X, const double *Y, const double *alpha,
                          int64_t n, int64_t d, int64_t t) {
    int primal = n >= d;
    int64_t m = primal ? d : n;
    double *G = mlc_malloc((size_t)(m * m) * sizeof(double));
    double *A = mlc_malloc((size_t)(m * m) * sizeof(double));
    double *B = mlc_malloc((size_t)(m * t) * sizeof(double)); /* (T, m) row-major = (m, T) col-major */
    int st = MLC_ENOMEM;
    if (G == NULL || A == NULL || B == NULL) goto done;
    if (primal) {
        /* G = X^T X, B = Y^T X: the right-hand sides X^T y_k as the rows of B */
        mlc_cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d, (int)n, 1.0, X, (int)d, 0.0, G,
                        (int)d);
        mlc_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)t, (int)d, (int)n, 1.0, Y,
                        (int)t, X, (int)d, 0.0, B, (int)d);
    } else {
        /* dual: G = X X^T, B = Y^T */
        mlc_cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)n, (int)d, 1.0, X, (int)d, 0.0,
                        G, (int)n);
        for (int64_t i = 0; i < n; i++)
            for (int64_t k = 0; k < t; k++) B[k * n + i] = Y[i * t + k];
    }
    /* row-major lower = column-major upper: mirror so that LAPACK's "L" reads the full matrix */
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < i; j++) G[j * m + i] = G[i * m + j];
    /* one factorisation per run of equal alphas */
    for (int64_t k0 = 0; k0 < t;) {
        int64_t k1 = k0 + 1;
        while (k1 < t && alpha[k1] == alpha[k0]) k1++;
        st = chol_solve(A, G, alpha[k0], B + k0 * m, m, k1 - k0);
        if (st != MLC_OK) goto done;
        k0 = k1;
    }
    if (primal)
        memcpy(coef, B, (size_t)(t * d) * sizeof(double));
    else /* w_k = X^T a_k: coef (T, D) = B (T, N) X */
        mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)t, (int)d, (int)n, 1.0, B,
                        (int)n, X, (int)d, 0.0, coef, (int)d);
    st = MLC_OK;
done:
    mlc_free(G);
    mlc_free(A);
    mlc_free(B);
    return st;
}

int mlc_least_squares_ridge(double *coef, const double *X, const double *Y, const double *alpha, int64_t n,
                            int64_t d, int64_t t, int solver) {
    if (mlc_least_squares_check_params(n, d, t) != NULL) return MLC_EINVAL;
    for (int64_t k = 0; k < t; k++)
        if (!(alpha[k] >= 0)) return MLC_EINVAL;
    if (solver == MLC_RIDGE_CHOLESKY) {
        int st = ridge_cholesky(coef, X, Y, alpha, n, d, t);
        if (st != MLC_ENOTCONVERGED) return st;
    }
    double *A = mlc_malloc((size_t)(n * d) * sizeof(double));
    if (A == NULL) return MLC_ENOMEM;
    memcpy(A, X, (size_t)(n * d) * sizeof(double));
    int st = svd_solve(coef, NULL, NULL, A, Y, alpha, n, d, t, 0.0);
    mlc_free(A);
    return st;
}

/* One pass over X. Centring needs the means, which would cost a pass of their own; instead each
 * row is centred at a pilot shift c (the plain mean of the first block of rows), and the exact
 * centring is a rank-one correction at the end: with S = sum_i w_i (x_i - c), W = sum_i w_i,
 *     sum_i w_i (x_i - m)(x_i - m)^T = sum_i w_i (x_i - c)(x_i - c)^T - S S^T / W,  m = c + S / W.
 * m - c is of the order of the spread of X over sqrt(LSQ_BLOCK) rows, so the subtraction loses
 * nothing (unlike X^T X - W m m^T when |m| >> the spread). */
int mlc_least_squares_gram(double *G, double *XtY, double *yy, double *X_offset, double *y_offset,
                           const double *X, const double *Y, const double *sw, int64_t n, int64_t d,
                           int64_t t, int fit_intercept, int n_threads) {
    if (mlc_least_squares_check_params(n, d, t) != NULL) return MLC_EINVAL;
    /* the shifts go to X_offset, y_offset, then become the means */
    memset(X_offset, 0, (size_t)d * sizeof(double));
    memset(y_offset, 0, (size_t)t * sizeof(double));
    if (fit_intercept) {
        int64_t b = MLC_MIN(n, LSQ_BLOCK);
        for (int64_t i = 0; i < b; i++) {
#pragma omp simd
            for (int64_t j = 0; j < d; j++) X_offset[j] += X[i * d + j];
            for (int64_t k = 0; k < t; k++) y_offset[k] += Y[i * t + k];
        }
        for (int64_t j = 0; j < d; j++) X_offset[j] /= (double)b;
        for (int64_t k = 0; k < t; k++) y_offset[k] /= (double)b;
    }
    /* a fixed number of chunks of rows, each summed into its own (G, XtY, yy, S_x, S_y, W) and
     * merged in order: the same bits whatever the thread count. Fewer chunks when their D x D
     * partials would pass LSQ_ACC_BYTES (then one chunk, one thread). */
    int64_t max_chunks = MLC_MAX(1, LSQ_ACC_BYTES / (d * d * (int64_t)sizeof(double)));
    const mlc_chunks ch = mlc_chunks_even(n, LSQ_BLOCK, MLC_MIN(LSQ_CHUNKS, max_chunks));
    const int64_t n_chunks = ch.count;
    int64_t part = d * d + t * d + t + d + t + 1;
    double *acc = mlc_malloc((size_t)(n_chunks * part) * sizeof(double));
    /* each chunk's buf is followed by its ybuf: mlc_linalg_syrk_f64's slack */
    double *bufs = mlc_malloc((size_t)(n_chunks * LSQ_BLOCK * (d + t)) * sizeof(double));
    int st = MLC_OK;
    if (acc == NULL || bufs == NULL) {
        st = MLC_ENOMEM;
        goto done;
    }
    const double *xs = X_offset, *ys = y_offset;
    int nthr = n_chunks > 1 ? (int)MLC_MIN(n_chunks, mlc_team_size(n * d * d, n_threads)) : 1;
    if (nthr > 1) mlc_blas_single_begin();
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t c = 0; c < n_chunks; c++) {
        double *Gc = acc + c * part, *XtYc = Gc + d * d, *yyc = XtYc + t * d, *sx = yyc + t;
        double *sy = sx + d, *wsum = sy + t;
        double *buf = bufs + c * LSQ_BLOCK * (d + t), *ybuf = buf + LSQ_BLOCK * d;
        int64_t r0 = mlc_chunk_begin(ch, c), r1 = mlc_chunk_end(ch, c);
        memset(Gc, 0, (size_t)(d * d) * sizeof(double));
        memset(yyc, 0, (size_t)(2 * t + d + 1) * sizeof(double));
        for (int64_t i0 = r0; i0 < r1; i0 += LSQ_BLOCK) {
            int64_t b = MLC_MIN(LSQ_BLOCK, r1 - i0);
            for (int64_t i = 0; i < b; i++) {
                double wi = sw != NULL ? sw[i0 + i] : 1.0, r = sw != NULL ? sqrt(wi) : 1.0;
                const double *xi = X + (i0 + i) * d, *yi = Y + (i0 + i) * t;
                double *bi = buf + i * d;
#pragma omp simd
                for (int64_t j = 0; j < d; j++) {
                    double v = xi[j] - xs[j];
                    sx[j] += wi * v;
                    bi[j] = r * v;
                }
                for (int64_t k = 0; k < t; k++) {
                    double v = yi[k] - ys[k];
                    sy[k] += wi * v;
                    ybuf[i * t + k] = r * v;
                    yyc[k] += wi * v * v;
                }
                *wsum += wi;
            }
            double beta = i0 == r0 ? 0.0 : 1.0;
            /* the row-major upper triangle of Gc += buf^T buf, with the next block prefetched */
            const int64_t next = MLC_MIN(LSQ_BLOCK, r1 - i0 - b);
            mlc_linalg_syrk_f64(Gc, buf, d, b, X + (i0 + b) * d, next * d * (int64_t)sizeof(double));
            mlc_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)t, (int)d, (int)b, 1.0, ybuf,
                            (int)t, buf, (int)d, beta, XtYc, (int)d);
        }
    }
    if (nthr > 1) mlc_blas_single_end();
    /* merge in chunk order into chunk 0 (of G, the upper triangle: the lower is not all set) */
    double *G0 = acc, *XtY0 = G0 + d * d, *rest0 = XtY0 + t * d;
    for (int64_t c = 1; c < n_chunks; c++)
        for (int64_t i = 0; i < d; i++)
            for (int64_t j = i; j < d; j++) G0[i * d + j] += acc[c * part + i * d + j];
    mlc_chunks_merge(XtY0, XtY0, n_chunks, t * d + 2 * t + d + 1, part);
    const double *yy0 = rest0, *sx = yy0 + t, *sy = sx + d, W = sx[d + t];
    if (fit_intercept && !(W > 0)) {
        st = MLC_EINVAL;
        goto done;
    }
    /* the rank-one corrections (none without an intercept: the shift is 0 and S unused) */
    double f = fit_intercept ? 1.0 / W : 0.0;
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = i; j < d; j++) G[i * d + j] = G[j * d + i] = G0[i * d + j] - f * sx[i] * sx[j];
    for (int64_t k = 0; k < t; k++) {
        for (int64_t j = 0; j < d; j++) XtY[k * d + j] = XtY0[k * d + j] - f * sy[k] * sx[j];
        yy[k] = yy0[k] - f * sy[k] * sy[k];
        y_offset[k] += f * sy[k];
    }
    for (int64_t j = 0; j < d; j++) X_offset[j] += f * sx[j];
done:
    mlc_free(acc);
    mlc_free(bufs);
    return st;
}

int mlc_least_squares_ridge_gram(double *coef, const double *G, const double *XtY, const double *alpha,
                                 int64_t d, int64_t t) {
    double *A = mlc_malloc((size_t)(d * d) * sizeof(double));
    if (A == NULL) return MLC_ENOMEM;
    memcpy(coef, XtY, (size_t)(t * d) * sizeof(double));
    int st = MLC_OK;
    for (int64_t k0 = 0; k0 < t && st == MLC_OK;) {
        int64_t k1 = k0 + 1;
        while (k1 < t && alpha[k1] == alpha[k0]) k1++;
        st = chol_solve(A, G, alpha[k0], coef + k0 * d, d, k1 - k0);
        k0 = k1;
    }
    mlc_free(A);
    return st;
}

int mlc_least_squares_lstsq_gram(double *coef, double *s, const double *G, const double *XtY, int64_t d,
                                 int64_t t, double rcond) {
    if (mlc_least_squares_check_params(d, d, t) != NULL || !(rcond >= 0)) return MLC_EINVAL;
    double *A = mlc_malloc((size_t)(d * d) * sizeof(double));
    if (A == NULL) return MLC_ENOMEM;
    memcpy(A, G, (size_t)(d * d) * sizeof(double));
    int st = mlc_linalg_eigvalsh_f64(s, A, d, d);
    if (st != MLC_OK) goto done;
    /* ascending eigenvalues -> descending singular values */
    for (int64_t i = 0; i < d / 2; i++) {
        double v = s[i];
        s[i] = s[d - 1 - i];
        s[d - 1 - i] = v;
    }
    for (int64_t i = 0; i < d; i++) s[i] = sqrt(MLC_MAX(s[i], 0.0));
    if (!(s[d - 1] > MLC_MAX(LSQ_NORMAL_COND, 2 * rcond) * s[0])) {
        st = MLC_ENOTCONVERGED;
        goto done;
    }
    memcpy(coef, XtY, (size_t)(t * d) * sizeof(double));
    st = chol_solve(A, G, 0.0, coef, d, t);
done:
    mlc_free(A);
    return st;
}

/* ---- sparse ridge / least squares ---- */

/* The implicitly centred operator Xc = S (X - 1 x_mean^T) of a CSR X. */
typedef struct {
    const double *data;
    const int32_t *indices;
    const int64_t *indptr;
    const double *x_mean, *s; /* (D); (N) or NULL (ones) */
    int64_t n, d;
    int n_threads;
} csr_centred;

static void xc_apply(const csr_centred *A, double *u, const double *v) { /* u (N) = Xc v */
    mlc_sparse_csr_mm_f64(u, A->data, A->indices, A->indptr, v, A->n, A->d, 1, A->n_threads);
    const double mv = mlc_cblas_ddot((int)A->d, A->x_mean, 1, v, 1);
    for (int64_t i = 0; i < A->n; i++) u[i] = (A->s != NULL ? A->s[i] : 1.0) * (u[i] - mv);
}

/* v (D) = Xc^T u; su (N) scratch */
static int xc_apply_t(const csr_centred *A, double *v, const double *u, double *su) {
    double sdotu = 0.0;
    for (int64_t i = 0; i < A->n; i++) {
        su[i] = (A->s != NULL ? A->s[i] : 1.0) * u[i];
        sdotu += su[i];
    }
    int st = mlc_sparse_csr_tmm_f64(v, A->data, A->indices, A->indptr, su, A->n, A->d, 1, A->n_threads);
    for (int64_t j = 0; j < A->d; j++) v[j] -= A->x_mean[j] * sdotu;
    return st;
}

/* v (D) = Xc^T Xc p + alpha p, returning p.v = ||Xc p||^2 + alpha ||p||^2, in ONE pass over the stored
 * entries: row i's t_i = s_i (x_i.p - x_mean.p) is scattered back along the same row while it is in
 * cache. ch: fixed row chunks; part ((ch.count - 1) D) scratch: the partials of chunks 1.. (chunk 0
 * writes v), merged in chunk order (bits independent of n_threads). */
static double xtx_apply(const csr_centred *A, double *v, const double *p, double alpha, mlc_chunks ch,
                        double *part) {
    const int64_t d = A->d;
    const double mp = mlc_cblas_ddot((int)d, A->x_mean, 1, p, 1);
    double tt[LSQ_CHUNKS], st[LSQ_CHUNKS]; /* per chunk: sum t_i^2, sum s_i t_i */
    const int nthr = (int)MLC_MIN(ch.count, mlc_team_size(2 * A->indptr[A->n] + ch.count * d, A->n_threads));
#pragma omp parallel for num_threads(nthr) schedule(dynamic, 1)
    for (int64_t c = 0; c < ch.count; c++) {
        double *acc = c == 0 ? v : part + (c - 1) * d;
        memset(acc, 0, sizeof(double) * (size_t)d);
        double sum_tt = 0.0, sum_st = 0.0;
        for (int64_t i = mlc_chunk_begin(ch, c); i < mlc_chunk_end(ch, c); i++) {
            const int64_t b = A->indptr[i], e = A->indptr[i + 1];
            double xp = 0.0;
            for (int64_t q = b; q < e; q++) xp += A->data[q] * p[A->indices[q]];
            const double si = A->s != NULL ? A->s[i] : 1.0, t = si * (xp - mp), u = si * t;
            sum_tt += t * t;
            sum_st += u;
            for (int64_t q = b; q < e; q++) acc[A->indices[q]] += u * A->data[q];
        }
        tt[c] = sum_tt;
        st[c] = sum_st;
    }
    for (int64_t c = 1; c < ch.count; c++) {
        const double *src = part + (c - 1) * d;
        for (int64_t j = 0; j < d; j++) v[j] += src[j];
    }
    const double su = mlc_chunks_sum(st, ch.count);
    for (int64_t j = 0; j < d; j++) v[j] += alpha * p[j] - A->x_mean[j] * su;
    return mlc_chunks_sum(tt, ch.count) + alpha * mlc_cblas_ddot((int)d, p, 1, p, 1);
}

/* The squared norms of Xc's columns (by_rows = 0: sum_i s_i^2 (x_ij - m_j)^2) or rows (by_rows = 1:
 * s_i^2 ||x_i - m||^2), from one pass over the stored entries: out (D) or (N). An expanded norm that
 * cancels to below 1e-12 of its terms counts as 0 (a column constant but for rounding). */
static void xc_sqnorms(double *out, const csr_centred *A, int by_rows, double *tmp) {
    const int64_t n = A->n, d = A->d;
    const double *m = A->x_mean;
    if (by_rows) {
        const double mm = mlc_cblas_ddot((int)d, m, 1, m, 1);
        for (int64_t i = 0; i < n; i++) {
            double xx = 0.0, xm = 0.0;
            for (int64_t q = A->indptr[i]; q < A->indptr[i + 1]; q++) {
                xx += A->data[q] * A->data[q];
                xm += A->data[q] * m[A->indices[q]];
            }
            const double si = A->s != NULL ? A->s[i] : 1.0, c = xx - 2.0 * xm + mm;
            out[i] = c > 1e-12 * (xx + mm) ? si * si * c : 0.0;
        }
        return;
    }
    double *sx = tmp, ss = 0.0; /* sx (D): sum_i s_i^2 x_ij; ss: sum_i s_i^2 */
    memset(out, 0, sizeof(double) * (size_t)d);
    memset(sx, 0, sizeof(double) * (size_t)d);
    for (int64_t i = 0; i < n; i++) {
        const double si2 = A->s != NULL ? A->s[i] * A->s[i] : 1.0;
        ss += si2;
        for (int64_t q = A->indptr[i]; q < A->indptr[i + 1]; q++) {
            out[A->indices[q]] += si2 * A->data[q] * A->data[q];
            sx[A->indices[q]] += si2 * A->data[q];
        }
    }
    for (int64_t j = 0; j < d; j++) {
        const double c = out[j] - 2.0 * m[j] * sx[j] + m[j] * m[j] * ss;
        out[j] = c > 1e-12 * (out[j] + m[j] * m[j] * ss) ? c : 0.0;
    }
}

/* The fixed row chunks of xtx_apply: at most LSQ_CHUNKS, and few enough that their (D) partials cost
 * at most 1/16 of the pass over the entries and stay under LSQ_ACC_BYTES together. */
static mlc_chunks xtx_chunks(int64_t n, int64_t d, int64_t nnz) {
    const int64_t cap = MLC_MIN(LSQ_CHUNKS, MLC_MIN(nnz / (16 * d + 1), LSQ_ACC_BYTES / (8 * d + 8)));
    return mlc_chunks_even(n, 256, MLC_MAX(1, cap));
}

/* Conjugate gradients for one target, from 0: the primal system (Xc^T Xc + alpha I) w = Xc^T y, or with
 * dual (alpha > 0) (Xc Xc^T + alpha I) a = y with w = Xc^T a kept along (w += step Xc^T p). With alpha > 0,
 * preconditioned by the system's diagonal sq + alpha (sq: xc_sqnorms); alpha = 0 runs plain CG, whose
 * iterates stay in Xc's row space (the minimum-norm solution). Stops when ||b - A x|| <= tol ||b||, or
 * with lsqr_rule (primal, alpha = 0) by LSQR's tests (see the top of the file).
 *   w (D) out;  sq (D), or (N) with dual, in;  work (6 M + LSQ_CHUNKS D + N) scratch, M = D, or N with dual
 * Returns 1 when converged, 0 after max_iter iterations, or a status < 0. */
static int cg_target(double *w, int64_t *n_iter, const csr_centred *A, const double *y, double alpha, int dual,
                     const double *sq, int64_t max_iter, double tol, int lsqr_rule, mlc_chunks ch,
                     const mlc_progress *progress, double *work) {
    const int64_t n = A->n, d = A->d, m = dual ? n : d;
    double *x = dual ? work : w, *r = work + m, *z = r + m, *p = z + m, *q = p + m, *minv = q + m;
    double *xv = minv + m, *part = xv + d, *su = part + (LSQ_CHUNKS - 1) * d; /* xv (D): Xc^T p (dual) */
    memset(w, 0, (size_t)d * sizeof(double));
    memset(x, 0, (size_t)m * sizeof(double));
    if (dual) memcpy(r, y, (size_t)n * sizeof(double));
    else {
        int st = xc_apply_t(A, r, y, su); /* b = Xc^T y */
        if (st != MLC_OK) return st;
    }
    for (int64_t j = 0; j < m; j++) minv[j] = alpha > 0 ? 1.0 / (sq[j] + alpha) : 1.0;
    for (int64_t j = 0; j < m; j++) p[j] = z[j] = minv[j] * r[j];
    double rz = mlc_cblas_ddot((int)m, r, 1, z, 1);
    const double bnorm = sqrt(mlc_cblas_ddot((int)m, r, 1, r, 1)), stop = tol * bnorm;
    // LSQR's tests: ||y - Xc w||^2 falls by step r.z a step, and ||A||_F is estimated as LSQR does, by the
    // trace of the Lanczos matrix, whose diagonal is 1/step_j + beta_{j-1}/step_{j-1} in CG's terms
    const double ynorm = lsqr_rule ? sqrt(mlc_cblas_ddot((int)A->n, y, 1, y, 1)) : 0.0;
    double rn2 = ynorm * ynorm, anorm2 = 0.0, prev = 0.0; /* prev: beta_{j-1} / step_{j-1} */
    int64_t it = 0;
    int converged = bnorm <= stop;
    while (!converged && it < max_iter) {
        if (mlc_progress_tick(progress, it, max_iter)) return MLC_EINTERRUPTED;
        it++;
        double pq;
        if (dual) {
            int st = xc_apply_t(A, xv, p, su);
            if (st != MLC_OK) return st;
            xc_apply(A, q, xv);
            mlc_cblas_daxpy((int)n, alpha, p, 1, q, 1);
            pq = mlc_cblas_ddot((int)n, p, 1, q, 1);
        } else {
            pq = xtx_apply(A, q, p, alpha, ch, part);
        }
        if (!(pq > 0)) { /* Xc p = 0 with alpha = 0: p, in Xc's row space, is 0 to rounding */
            converged = 1;
            break;
        }
        const double step = rz / pq;
        mlc_cblas_daxpy((int)m, step, p, 1, x, 1);
        if (dual) mlc_cblas_daxpy((int)d, step, xv, 1, w, 1);
        mlc_cblas_daxpy((int)m, -step, q, 1, r, 1);
        const double rnorm = sqrt(mlc_cblas_ddot((int)m, r, 1, r, 1));
        for (int64_t j = 0; j < m; j++) z[j] = minv[j] * r[j];
        const double rz1 = mlc_cblas_ddot((int)m, r, 1, z, 1), beta = rz1 / rz;
        if (lsqr_rule) {
            rn2 = MLC_MAX(rn2 - step * rz, 0.0);
            anorm2 += 1.0 / step + prev;
            prev = beta / step;
            const double an = sqrt(anorm2), resid = sqrt(rn2), wnorm = sqrt(mlc_cblas_ddot((int)d, w, 1, w, 1));
            converged = rnorm <= tol * an * resid || resid <= tol * (ynorm + an * wnorm);
        } else {
            converged = rnorm <= stop;
        }
        rz = rz1;
        for (int64_t j = 0; j < m; j++) p[j] = z[j] + beta * p[j];
    }
    *n_iter = it;
    return converged;
}

int mlc_least_squares_ridge_csr(double *coef, int64_t *n_iter, const double *data, const int32_t *indices,
                                const int64_t *indptr, const double *x_mean, const double *s, const double *Y,
                                const double *alpha, int64_t n, int64_t d, int64_t t, int64_t max_iter,
                                double tol, int dual, int lsqr_rule, const mlc_progress *progress,
                                int n_threads) {
    if (mlc_least_squares_check_params(n, d, t) != NULL || max_iter < 1 || !(tol >= 0)) return MLC_EINVAL;
    const int64_t m = MLC_MAX(n, d);
    double *buf = mlc_malloc((size_t)(3 * n + (LSQ_CHUNKS + 2) * d + 6 * m + 1) * sizeof(double));
    if (buf == NULL) return MLC_ENOMEM;
    double *y = buf, *sq = y + n, *sq_dual = sq + d, *work = sq_dual + n;
    const csr_centred A = {data, indices, indptr, x_mean, s, n, d, n_threads};
    const mlc_chunks ch = xtx_chunks(n, d, indptr[n]);
    int st = MLC_OK, converged_all = 1, have_sq = 0, have_sq_dual = 0;
    for (int64_t k = 0; k < t; k++) {
        const int dual_k = dual && alpha[k] > 0;
        if (alpha[k] > 0 && !(dual_k ? have_sq_dual : have_sq)) {
            xc_sqnorms(dual_k ? sq_dual : sq, &A, dual_k, work);
            *(dual_k ? &have_sq_dual : &have_sq) = 1;
        }
        for (int64_t i = 0; i < n; i++) y[i] = Y[i * t + k];
        st = cg_target(coef + k * d, n_iter + k, &A, y, alpha[k], dual_k, dual_k ? sq_dual : sq, max_iter, tol,
                       lsqr_rule && !dual_k, ch, progress, work);
        if (st < 0) break;
        converged_all &= st;
        st = MLC_OK;
    }
    mlc_free(buf);
    if (st == MLC_OK && !converged_all) st = MLC_ENOTCONVERGED;
    return st;
}

/* ---- non-negative least squares ---- */

/* Lawson-Hanson on the Gram form for one target: min 1/2 w^T G w - b^T w, w >= 0.
 * state[j]: 0 zero set, 1 passive set (P, listed in pset), 2 set aside until w next moves (its
 * column was numerically dependent on P, or its solve came out <= 0: Lawson & Hanson's guard
 * against cycling). A (D, D), s (D), g (D) scratch. *n_iter counts the subproblem solves. */
static int nnls_gram(double *w, int64_t *n_iter, const double *G, const double *b, int64_t d,
                     int64_t max_iter, double *A, double *s, double *g, int64_t *pset, int64_t *state) {
    int64_t np = 0, it = 0;
    double bmax = 0.0;
    for (int64_t j = 0; j < d; j++) {
        w[j] = 0.0;
        state[j] = 0;
        bmax = MLC_MAX(bmax, fabs(b[j]));
    }
    for (;;) {
        /* g = b - G w = X^T (y - X w), the negative gradient; w lives on P only. The tolerance is
         * the rounding of that sum: 10 D eps (|b| + |G| |w|). */
        double scale = bmax;
        memcpy(g, b, (size_t)d * sizeof(double));
        for (int64_t a = 0; a < np; a++) {
            const double *Gk = G + pset[a] * d;
            double wk = w[pset[a]];
            for (int64_t j = 0; j < d; j++) g[j] -= wk * Gk[j];
            scale = MLC_MAX(scale, fabs(wk) * Gk[pset[a]]);
        }
        double tol = 10.0 * (double)d * DBL_EPSILON * scale;
        int64_t jmax = -1;
        for (int64_t j = 0; j < d; j++)
            if (state[j] == 0 && g[j] > tol && (jmax < 0 || g[j] > g[jmax])) jmax = j;
        if (jmax < 0) break; /* KKT: g_j <= 0 off P (and g_j = 0 on P by construction) */
        pset[np++] = jmax;
        state[jmax] = 1;
        for (int first = 1;; first = 0) {
            if (++it > max_iter) {
                *n_iter = it - 1;
                return MLC_ENOTCONVERGED;
            }
            /* s_P = G_PP^{-1} b_P by Cholesky; s = 0 off P */
            for (int64_t a = 0; a < np; a++) {
                for (int64_t c = 0; c < np; c++) A[a * np + c] = G[pset[a] * d + pset[c]];
                s[a] = b[pset[a]];
            }
            int sc = mlc_linalg_cholesky_f64(A, np, np, 0);
            if (sc == MLC_OK) sc = mlc_linalg_cholesky_solve_f64(s, A, np, 1, np, np);
            if (sc == MLC_EINVAL) return MLC_EINVAL;
            if (first && (sc != MLC_OK || s[np - 1] <= 0)) {
                state[jmax] = 2; /* dependent on P or pointing the wrong way: not this time */
                np--;
                break;
            }
            if (sc != MLC_OK) return MLC_ENUMERIC; /* G_PP was positive definite a step ago */
            /* feasible: take it. Else step from w towards s until the first w_i hits 0 */
            double alpha = 1.0;
            int64_t hit = -1;
            for (int64_t a = 0; a < np; a++)
                if (s[a] <= 0) {
                    double wi = w[pset[a]], r = wi / (wi - s[a]);
                    if (r < alpha) {
                        alpha = r;
                        hit = a;
                    }
                }
            for (int64_t a = 0; a < np; a++) w[pset[a]] += alpha * (s[a] - w[pset[a]]);
            for (int64_t j = 0; j < d; j++)
                if (state[j] == 2) state[j] = 0; /* w moved: every column gets another chance */
            if (hit < 0) break;
            w[pset[hit]] = 0.0;
            int64_t keep = 0; /* P loses every coordinate at (or rounded below) zero */
            for (int64_t a = 0; a < np; a++) {
                int64_t j = pset[a];
                if (w[j] > 0) {
                    pset[keep++] = j;
                } else {
                    w[j] = 0.0;
                    state[j] = 0;
                }
            }
            np = keep;
            if (np == 0) break;
        }
    }
    *n_iter = it;
    return MLC_OK;
}

int mlc_least_squares_nnls(double *coef, int64_t *n_iter, const double *X, const double *Y, int64_t n,
                           int64_t d, int64_t t, int64_t max_iter) {
    if (mlc_least_squares_check_params(n, d, t) != NULL || max_iter < 1) return MLC_EINVAL;
    double *G = mlc_malloc((size_t)(d * d + t * d + d * d + 2 * d + n) * sizeof(double));
    int64_t *iw = mlc_malloc((size_t)(2 * d) * sizeof(int64_t));
    if (G == NULL || iw == NULL) {
        mlc_free(G);
        mlc_free(iw);
        return MLC_ENOMEM;
    }
    double *B = G + d * d, *A = B + t * d, *s = A + d * d, *g = s + d, *r = g + d;
    int64_t *pset = iw, *state = iw + d;
    mlc_cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d, (int)n, 1.0, X, (int)d, 0.0, G, (int)d);
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < i; j++) G[j * d + i] = G[i * d + j];
    mlc_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)t, (int)d, (int)n, 1.0, Y, (int)t, X,
                    (int)d, 0.0, B, (int)d);
    int st = MLC_OK;
    for (int64_t k = 0; k < t; k++) {
        double *w = coef + k * d;
        /* many small Cholesky factorisations: threading them costs more than it brings */
        mlc_blas_single_begin();
        int sk = nnls_gram(w, n_iter + k, G, B + k * d, d, max_iter, A, s, g, pset, state);
        mlc_blas_single_end();
        if (sk != MLC_OK) {
            if (sk != MLC_ENOTCONVERGED) break;
            st = sk;
            continue;
        }
        /* The active set is exact, but w_P came through G_PP, i.e. with an error of order
         * cond(X_P)^2 eps. Two steps of iterative refinement with the residual taken on X
         * (corrected semi-normal equations: Bjorck, BIT 27, 1987) bring it to a least squares
         * solve's accuracy; a step that would leave the orthant is not taken. */
        int64_t np = 0;
        for (int64_t j = 0; j < d; j++)
            if (w[j] > 0) pset[np++] = j;
        if (np == 0) continue;
        for (int64_t a = 0; a < np; a++)
            for (int64_t c = 0; c < np; c++) A[a * np + c] = G[pset[a] * d + pset[c]];
        int sc = mlc_linalg_cholesky_f64(A, np, np, 0);
        for (int step = 0; step < 2 && sc == MLC_OK; step++) {
            for (int64_t i = 0; i < n; i++) r[i] = Y[i * t + k];
            mlc_cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, -1.0, X, (int)d, w, 1, 1.0, r, 1);
            mlc_cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, 1.0, X, (int)d, r, 1, 0.0, g, 1);
            for (int64_t a = 0; a < np; a++) s[a] = g[pset[a]];
            sc = mlc_linalg_cholesky_solve_f64(s, A, np, 1, np, np);
            int inside = sc == MLC_OK;
            for (int64_t a = 0; a < np && inside; a++) inside = w[pset[a]] + s[a] > 0;
            if (!inside) break;
            for (int64_t a = 0; a < np; a++) w[pset[a]] += s[a];
        }
    }
    mlc_free(G);
    mlc_free(iw);
    return st;
}
