/* least_squares.h: least squares, ridge and elastic net kernels (LinearRegression, Ridge, Lasso,
 * ElasticNet). float64 only: the Python side converts float32 input to float64.
 *
 * Legend: N samples, D features, T targets, R = min(N, D).
 * Every matrix is row-major and C-contiguous unless its comment says otherwise.
 */
#ifndef MLC_LEAST_SQUARES_H
#define MLC_LEAST_SQUARES_H

#include "core/enums.h" /* MLC_RIDGE_CHOLESKY, MLC_RIDGE_SVD */
#include "mlc.h"

/* NULL, or a message (ValueError) when the sizes or hyper-parameters are out of range. */
const char *mlc_least_squares_check_params(int64_t n, int64_t d, int64_t t);
const char *mlc_least_squares_cd_check_params(int64_t n, int64_t d, double l1_reg, double l2_reg,
                                              int64_t max_iter, double tol);

/* Weighted centring: X_offset = sum_i sw_i x_i / sum_i sw_i (zeros without fit_intercept), the
 * same for Y; then Xc = sqrt(sw) (X - X_offset), Yc = sqrt(sw) (Y - y_offset), row by row.
 *   Xc (N, D) out, or (D, N) (X centred and transposed: each feature contiguous) with transpose
 *   Yc (N, T) out;  X_offset (D) out;  y_offset (T) out
 *   X (N, D) in;  Y (N, T) in;  sw (N) in or NULL (all ones)
 * The copy runs on up to n_threads threads; the result does not depend on their number. */
int mlc_least_squares_center(double *Xc, double *Yc, double *X_offset, double *y_offset, const double *X,
                             const double *Y, const double *sw, int64_t n, int64_t d, int64_t t,
                             int fit_intercept, int transpose, int n_threads);

/* Minimum-norm least squares min ||Y - A W^T||_F by the SVD (what xGELSD computes): singular
 * values below rcond * s_max count as zero.
 *   coef (T, D) out;  s (R) out, descending;  rank out
 *   A (N, D) inout: destroyed;  Y (N, T) in */
int mlc_least_squares_lstsq(double *coef, double *s, int64_t *rank, double *A, const double *Y, int64_t n,
                            int64_t d, int64_t t, double rcond);

/* The same minimiser from the Gram matrix, by Cholesky, when A is well-conditioned (see
 * least_squares.c for the test):
 *   coef (T, D) out;  s (D) out: A's singular values, descending (set in both cases)
 *   G (D, D) in: A^T A, both triangles;  XtY (T, D) in: Y^T A
 * Returns MLC_ENOTCONVERGED when s_min <= max(1e-4, 2 rcond) s_max: the caller then uses
 * mlc_least_squares_lstsq (rank deficiency, ill-conditioning). */
int mlc_least_squares_lstsq_gram(double *coef, double *s, const double *G, const double *XtY, int64_t d,
                                 int64_t t, double rcond);

/* Ridge: for each target k, min ||Y_k - X w_k||^2 + alpha_k ||w_k||^2.
 *   coef (T, D) out;  X (N, D) in;  Y (N, T) in;  alpha (T) in, >= 0
 *   solver MLC_RIDGE_CHOLESKY (falls back to the SVD when the system is singular) or MLC_RIDGE_SVD */
int mlc_least_squares_ridge(double *coef, const double *X, const double *Y, const double *alpha, int64_t n,
                            int64_t d, int64_t t, int solver);

/* Elastic net by coordinate descent, one target:
 *   min_w 1/2 ||y - X w||^2 + l1_reg ||w||_1 + l2_reg/2 ||w||^2   (w >= 0 with positive)
 * stopping when the duality gap <= tol ||y||^2.
 *   w (D) inout (the start: zeros or a warm start);  gap out;  n_iter out (epochs run)
 *   XT (D, N) in: X transposed, each feature's column contiguous;  y (N) in
 *   selection_random: coordinates drawn uniformly (mlc_rng seeded with seed) instead of cyclic
 *   work (N + 2 D) scratch;  iwork (3 D) scratch
 * Returns MLC_ENOTCONVERGED (with w, gap and n_iter set) when max_iter epochs did not reach tol. */
int mlc_least_squares_cd_enet(double *w, double *gap, int64_t *n_iter, const double *XT, const double *y,
                              int64_t n, int64_t d, double l1_reg, double l2_reg, int64_t max_iter, double tol,
                              int positive, int selection_random, uint64_t seed, const mlc_progress *progress,
                              double *work, int64_t *iwork);

/* The centred, weighted Gram matrix and cross products in one pass over X, without a centred
 * copy: blocks of LSQ_BLOCK rows are shifted (by the mean of the first block) and scaled in a
 * cache-sized buffer and accumulated (mlc_linalg_syrk_f64, xGEMM); a rank-one correction turns the shift into
 * the exact weighted mean at the end. With Xc, Yc the centred data (as mlc_least_squares_center makes):
 *   G (D, D) out: Xc^T Xc;  XtY (T, D) out: Yc^T Xc;  yy (T) out: ||Yc_k||^2
 *   X_offset (D) out;  y_offset (T) out;  X (N, D) in;  Y (N, T) in;  sw (N) in or NULL
 * Runs on up to n_threads threads (BLAS single-threaded inside); the result does not depend on
 * their number (a fixed partition of the rows, merged in order). For D > 2048 two partials
 * would pass 64 MiB: one chunk. */
int mlc_least_squares_gram(double *G, double *XtY, double *yy, double *X_offset, double *y_offset,
                           const double *X, const double *Y, const double *sw, int64_t n, int64_t d,
                           int64_t t, int fit_intercept, int n_threads);

/* Ridge from the Gram matrix (the primal Cholesky path of mlc_least_squares_ridge):
 *   coef (T, D) out;  G (D, D) in;  XtY (T, D) in;  alpha (T) in
 * Returns MLC_ENOTCONVERGED when G + alpha I is not positive definite (the caller then uses the
 * SVD). */
int mlc_least_squares_ridge_gram(double *coef, const double *G, const double *XtY, const double *alpha,
                                 int64_t d, int64_t t);

/* mlc_least_squares_cd_enet on the Gram form: the same problem, iterates and stopping rule, with
 * X^T R = Xty - G w and R.R = y.y - 2 w.Xty + w.G w kept through q = G w (D), so a coordinate
 * costs O(D) instead of O(N). The choice for N >> D.
 *   G (D, D) in;  Xty (D) in;  yy = y.y;  work (3 D) scratch;  iwork (3 D) scratch */
int mlc_least_squares_cd_enet_gram(double *w, double *gap, int64_t *n_iter, const double *G, const double *Xty,
                                   double yy, int64_t d, double l1_reg, double l2_reg, int64_t max_iter,
                                   double tol, int positive, int selection_random, uint64_t seed,
                                   const mlc_progress *progress, double *work, int64_t *iwork);

/* Ridge (alpha_k > 0) or minimum-norm least squares (alpha_k = 0) on a CSR X centred implicitly, by
 * conjugate gradients (Jacobi-preconditioned when alpha_k > 0; see least_squares.c): for each target k, min ||Y_k - Xc w_k||^2 + alpha_k ||w_k||^2
 * with Xc = diag(s) (X - 1 x_mean^T).
 *   coef (T, D) out;  n_iter (T) out: CG iterations per target
 *   data (NNZ), indices (NNZ), indptr (N + 1) in: X as CSR (core/sparse.h)
 *   x_mean (D) in: zeros without an intercept;  s (N) in or NULL (ones): sqrt(sw)
 *   Y (N, T) in: the centred, s-scaled targets;  alpha (T) in, >= 0
 *   tol: stop when ||Xc^T y - (Xc^T Xc + alpha I) w|| <= tol ||Xc^T y||, or with dual (targets with
 *     alpha_k > 0) when ||y - (Xc Xc^T + alpha I) a|| <= tol ||y|| (w = Xc^T a), or with lsqr_rule (alpha_k
 *     = 0, primal: LinearRegression) by LSQR's tests with atol = btol = tol;  max_iter >= 1 per target
 * Returns MLC_ENOTCONVERGED (coef holding the last iterates) when a target reached max_iter. */
int mlc_least_squares_ridge_csr(double *coef, int64_t *n_iter, const double *data, const int32_t *indices,
                                const int64_t *indptr, const double *x_mean, const double *s, const double *Y,
                                const double *alpha, int64_t n, int64_t d, int64_t t, int64_t max_iter,
                                double tol, int dual, int lsqr_rule, const mlc_progress *progress,
                                int n_threads);

/* mlc_least_squares_cd_enet on a sparse X, centred implicitly (never densified): the same problem
 * for the data sqrt(sw_i) (x_i - x_mean), with
 *   data (NNZ), indices (NNZ), indptr (D + 1) in: the columns of sqrt(sw) X as CSC (the CSR arrays of
 *     its transpose, core/sparse.h's legend with rows and columns swapped)
 *   x_mean (D) in: the (weighted) column means, zeros without an intercept
 *   s (N) in or NULL (ones): sqrt(sw);  y (N) in: the centred, sqrt(sw)-scaled target
 *   work (N + 3 D + 2) scratch;  iwork (3 D) scratch */
int mlc_least_squares_cd_enet_csc(double *w, double *gap, int64_t *n_iter, const double *data,
                                  const int32_t *indices, const int64_t *indptr, const double *x_mean,
                                  const double *s, const double *y, int64_t n, int64_t d, double l1_reg,
                                  double l2_reg, int64_t max_iter, double tol, int positive, int selection_random,
                                  uint64_t seed, const mlc_progress *progress, double *work, int64_t *iwork);

/* Non-negative least squares, each target: min ||Y_k - X w_k||^2 subject to w_k >= 0
 * (Lawson-Hanson on the Gram matrix, then the final passive set refined against X).
 *   coef (T, D) out;  n_iter (T) out: subproblem solves per target
 *   X (N, D) in (centred by the caller if there is an intercept);  Y (N, T) in
 *   max_iter: cap on the solves of one target
 * Returns MLC_ENOTCONVERGED (coef holding the last feasible iterate) when a target hit max_iter. */
int mlc_least_squares_nnls(double *coef, int64_t *n_iter, const double *X, const double *Y, int64_t n,
                           int64_t d, int64_t t, int64_t max_iter);

#endif
