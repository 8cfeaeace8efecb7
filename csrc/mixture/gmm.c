/* gmm.c: Gaussian mixture models by expectation-maximisation (see gmm.h).
 *
 * The solver (mlc_gmm_fit) maximises the log-likelihood of a K-component Gaussian mixture,
 *     L(theta) = 1/N sum_i log sum_k w_k N(x_i | mu_k, Sigma_k),
 *     subject to w_k >= 0, sum_k w_k = 1, Sigma_k symmetric positive definite,
 * by EM (Dempster, Laird & Rubin 1977; Bishop, PRML 2006, section 9.2.2):
 *   E-step: r_ik = w_k N(x_i | k) / sum_j w_j N(x_i | j), and the bound L at the current theta;
 *   M-step: N_k = sum_i r_ik + 10 eps, mu_k = sum_i r_ik x_i / N_k, w_k = N_k / sum_j N_j,
 *           Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k + reg_covar I
 *           (tied: one Sigma pooled over components; diag: its diagonal; spherical: the mean of
 *           the diagonal), then U_k = L_k^-T from the Cholesky factor Sigma_k = L_k L_k^T.
 * EM never decreases L; the loop stops when L changes by less than tol (scikit-learn's rule, whose
 * GaussianMixture this reproduces step for step, including its 10 eps on N_k). It writes the
 * parameters of g, the bound of every iteration, the iteration count and whether it converged.
 */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "blas.h"
#include "core/linalg.h"
#include "core/reduce.h"
#include "core/vmath.h"
#include "mixture/gmm.h"

#define GMM_CHUNK_ROWS 1024      /* rows per reduction chunk (chunks depend on N, not threads) */
#define GMM_MAX_CHUNKS 32
#define GMM_CHUNK_DOUBLES ((int64_t)1 << 22) /* cap on all chunks' partial sums together */
#define GMM_TILE_DOUBLES ((int64_t)1 << 16)  /* an E-step tile per thread: about 512 KiB */
#define GMM_MAX_ROWS 256

static const double LOG_2PI = 1.8378770664093454836;

const char *mlc_gmm_check_params(int64_t k, int64_t d, int covariance_type) {
    if (k < 1) return "n_components must be >= 1";
    if (d < 1) return "n_features must be >= 1";
    if (!mlc_gmm_covariance_valid(covariance_type))
        return "unknown covariance_type code";
    return NULL;
}

const char *mlc_gmm_check_fit_params(int64_t n, int64_t k, int64_t max_iter, double tol, double reg_covar) {
    if (n < k) return "n_samples must be >= n_components";
    if (max_iter < 0) return "max_iter must be >= 0";
    if (!(tol >= 0.0)) return "tol must be >= 0";
    if (!(reg_covar >= 0.0)) return "reg_covar must be >= 0";
    return NULL;
}

int64_t mlc_gmm_cov_size(int64_t k, int64_t d, int covariance_type) {
    switch (covariance_type) {
    case MLC_GMM_FULL: return k * d * d;
    case MLC_GMM_TIED: return d * d;
    case MLC_GMM_DIAG: return k * d;
    default: return k;
    }
}

int mlc_gmm_init(mlc_gmm *g, int64_t k, int64_t d, int covariance_type) {
    memset(g, 0, sizeof *g);
    if (mlc_gmm_check_params(k, d, covariance_type)) return MLC_EINVAL;
    const int64_t p = mlc_gmm_cov_size(k, d, covariance_type);
    double *b = mlc_malloc(sizeof(double) * (size_t)(k + k * d + 2 * p));
    if (b == NULL) return MLC_ENOMEM;
    g->n_components = k;
    g->n_features = d;
    g->covariance_type = covariance_type;
    g->block_ = b;
    g->weights = b;
    g->means = b + k;
    g->covariances = b + k + k * d;
    g->precisions_cholesky = b + k + k * d + p;
    return MLC_OK;
}

void mlc_gmm_free(mlc_gmm *g) {
    mlc_free(g->block_);
    memset(g, 0, sizeof *g);
}

/* ---- shared pieces ------------------------------------------------------------------------- */

/* The row chunks of a reduction whose partials have per_chunk doubles (N >= 1). */
static mlc_chunks row_chunks(int64_t n, int64_t per_chunk) {
    const int64_t cap = MLC_MIN(GMM_MAX_CHUNKS, GMM_CHUNK_DOUBLES / MLC_MAX(1, per_chunk));
    return mlc_chunks_even(n, GMM_CHUNK_ROWS, MLC_MAX(1, cap));
}

/* U (D, D) out: upper with U U^T = cov^-1, i.e. L^-T for cov = L L^T; cov (D, D) in; work (D, D).
 * Row-major symmetric cov is its own column-major image: LAPACK's lower factor L, then L X = I
 * gives X = L^-1 column-major, which read row-major is L^-T. */
static int precision_cholesky_from_cov(double *U, const double *cov, int64_t d, double *work) {
    memcpy(work, cov, sizeof(double) * (size_t)(d * d));
    if (mlc_linalg_cholesky_f64(work, d, d, 0) != MLC_OK) return MLC_ENUMERIC;
    memset(U, 0, sizeof(double) * (size_t)(d * d));
    for (int64_t j = 0; j < d; j++) U[j * d + j] = 1.0;
    return mlc_linalg_lower_solve_f64(U, work, d, d, d, d) == MLC_OK ? MLC_OK : MLC_ENUMERIC;
}

int mlc_gmm_precisions_cholesky(double *prec_chol, const double *precisions, int64_t k, int64_t d,
                                int covariance_type) {
    if (mlc_gmm_check_params(k, d, covariance_type)) return MLC_EINVAL;
    if (covariance_type == MLC_GMM_DIAG || covariance_type == MLC_GMM_SPHERICAL) {
        const int64_t p = mlc_gmm_cov_size(k, d, covariance_type);
        for (int64_t t = 0; t < p; t++) {
            if (!(precisions[t] > 0.0)) return MLC_ENUMERIC;
            prec_chol[t] = sqrt(precisions[t]);
        }
        return MLC_OK;
    }
    const int64_t nmat = covariance_type == MLC_GMM_FULL ? k : 1;
    double *f = mlc_malloc(sizeof(double) * (size_t)(d * d));
    if (f == NULL) return MLC_ENOMEM;
    int st = MLC_OK;
    for (int64_t c = 0; c < nmat && st == MLC_OK; c++) {
        const double *P = precisions + c * d * d;
        double *U = prec_chol + c * d * d;
        // P = U U^T with U upper: reverse rows and columns (J P J = L L^T), factor, reverse back
        for (int64_t i = 0; i < d; i++)
            for (int64_t j = 0; j < d; j++) f[i * d + j] = P[(d - 1 - i) * d + (d - 1 - j)];
        if (mlc_linalg_cholesky_f64(f, d, d, 1) != MLC_OK) { /* column-major upper = row-major lower L */
            st = MLC_ENUMERIC;
            break;
        }
        for (int64_t i = 0; i < d; i++)
            for (int64_t j = 0; j < d; j++) U[i * d + j] = j >= i ? f[(d - 1 - i) * d + (d - 1 - j)] : 0.0;
    }
    mlc_free(f);
    return st;
}

/* ---- E-step -------------------------------------------------------------------------------- */

/* What the E-step precomputes from the parameters. Rows are shifted by s = sum_k w_k mu_k (near
 * the data's centre) so that the GEMM expansions below do not cancel digits on offset data.
 *   full:  G = (X - s) W with W (D, K*D) = [U_1 ... U_K]; ||(x - mu_k) U_k||^2 = ||g_k - b_k||^2,
 *          b_k = (mu_k - s) U_k: one GEMM per row block for all components.
 *   tied:  G = (X - s) U (D, D), then the same with b_k = (mu_k - s) U.
 *   diag/spherical: sum_j p_kj (x_j - m_kj)^2 = [(x - s)^2, x - s] . [p_k; -2 p_k m_k] + b_k,
 *          m_k = mu_k - s, b_k = sum_j p_kj m_kj^2: one GEMM of width K. */
typedef struct {
    int64_t k, d, inner, cols; /* the GEMM is (rows, inner) x (inner, cols) */
    int type;
    double *shift; /* (D) */
    double *W;     /* (inner, cols) */
    double *b;     /* (K, D) full/tied, (K) diag/spherical */
    double *cst;   /* (K): log w_k + log det U_k - D/2 log(2 pi) */
} estep_plan;

static double *take(mlc_arena *a, int64_t n_doubles) {
    return mlc_arena_take(a, sizeof(double) * (size_t)n_doubles);
}

/* n_doubles rounded up to whole 64-byte lines: the stride of per-thread slices. */
static int64_t line_doubles(int64_t n_doubles) {
    return (int64_t)(mlc_line_bytes(sizeof(double) * (size_t)n_doubles) / sizeof(double));
}

static void plan_carve(estep_plan *pl, mlc_arena *a, const mlc_gmm *g) {
    const int64_t k = g->n_components, d = g->n_features;
    const int type = g->covariance_type;
    pl->k = k;
    pl->d = d;
    pl->type = type;
    pl->inner = (type == MLC_GMM_DIAG || type == MLC_GMM_SPHERICAL) ? 2 * d : d;
    pl->cols = type == MLC_GMM_FULL ? k * d : type == MLC_GMM_TIED ? d : k;
    pl->shift = take(a, d);
    pl->W = take(a, pl->inner * pl->cols);
    pl->b = take(a, k * d);
    pl->cst = take(a, k);
}

/* pl's arrays from g's parameters. */
static void plan_fill(estep_plan *pl, const mlc_gmm *g) {
    const int64_t k = pl->k, d = pl->d;
    const int type = pl->type;
    const double *w = g->weights, *mu = g->means, *pc = g->precisions_cholesky;
    double *s = pl->shift;
    for (int64_t j = 0; j < d; j++) s[j] = 0.0;
    for (int64_t c = 0; c < k; c++)
        for (int64_t j = 0; j < d; j++) s[j] += w[c] * mu[c * d + j];
    for (int64_t c = 0; c < k; c++) {
        double logdet = 0.0;
        switch (type) {
        case MLC_GMM_FULL:
            for (int64_t j = 0; j < d; j++) logdet += log(pc[c * d * d + j * d + j]);
            break;
        case MLC_GMM_TIED:
            for (int64_t j = 0; j < d; j++) logdet += log(pc[j * d + j]);
            break;
        case MLC_GMM_DIAG:
            for (int64_t j = 0; j < d; j++) logdet += log(pc[c * d + j]);
            break;
        default: logdet = (double)d * log(pc[c]);
        }
        pl->cst[c] = log(w[c]) + logdet - 0.5 * (double)d * LOG_2PI;
    }
    if (type == MLC_GMM_FULL || type == MLC_GMM_TIED) {
        for (int64_t c = 0; c < k; c++) {
            const double *U = type == MLC_GMM_FULL ? pc + c * d * d : pc;
            if (type == MLC_GMM_FULL || c == 0)
                for (int64_t j = 0; j < d; j++)
                    memcpy(pl->W + j * pl->cols + (type == MLC_GMM_FULL ? c * d : 0), U + j * d,
                           sizeof(double) * (size_t)d);
            double *bc = pl->b + c * d;
            for (int64_t l = 0; l < d; l++) bc[l] = 0.0;
            for (int64_t j = 0; j < d; j++) { /* U upper: row j has entries l >= j */
                const double m = mu[c * d + j] - s[j];
                for (int64_t l = j; l < d; l++) bc[l] += m * U[j * d + l];
            }
        }
    } else {
        for (int64_t c = 0; c < k; c++) {
            double bc = 0.0;
            for (int64_t j = 0; j < d; j++) {
                const double u = type == MLC_GMM_DIAG ? pc[c * d + j] : pc[c];
                const double p = u * u, m = mu[c * d + j] - s[j];
                pl->W[j * k + c] = p;
                pl->W[(d + j) * k + c] = -2.0 * p * m;
                bc += p * m * m;
            }
            pl->b[c] = bc;
        }
    }
}

/* Rows i0..i0+nb: weighted log-probabilities into out (nb, K), then normalised in place.
 * A (nb, inner) and G (nb, cols) scratch. */
static void estep_rows(double *out, double *lpn, const estep_plan *pl, const double *X, int64_t i0,
                       int64_t nb, int log_space, double *A, double *G) {
    const int64_t k = pl->k, d = pl->d, inner = pl->inner, cols = pl->cols;
    const int diag = pl->type == MLC_GMM_DIAG || pl->type == MLC_GMM_SPHERICAL;
    for (int64_t r = 0; r < nb; r++) {
        const double *x = X + (i0 + r) * d;
        double *a = A + r * inner;
        for (int64_t j = 0; j < d; j++) {
            const double v = x[j] - pl->shift[j];
            if (diag) {
                a[j] = v * v;
                a[d + j] = v;
            } else {
                a[j] = v;
            }
        }
    }
    mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (mlc_blasint)nb, (mlc_blasint)cols,
                    (mlc_blasint)inner, 1.0, A, (mlc_blasint)inner, pl->W, (mlc_blasint)cols, 0.0, G,
                    (mlc_blasint)cols);
    for (int64_t r = 0; r < nb; r++) {
        const double *gr = G + r * cols;
        double *o = out + (i0 + r) * k;
        double mx = -INFINITY;
        for (int64_t c = 0; c < k; c++) {
            double q;
            if (diag) {
                q = gr[c] + pl->b[c];
            } else {
                const double *gc = pl->type == MLC_GMM_FULL ? gr + c * d : gr;
                const double *bc = pl->b + c * d;
                q = 0.0;
                for (int64_t l = 0; l < d; l++) {
                    const double t = gc[l] - bc[l];
                    q += t * t;
                }
            }
            o[c] = pl->cst[c] - 0.5 * q;
            mx = MLC_MAX(mx, o[c]);
        }
        // log-sum-exp around the largest term: no overflow, and the largest exp is exactly 1
        double lse = mx;
        if (!isfinite(mx)) {
            for (int64_t c = 0; c < k; c++) o[c] = log_space ? o[c] - lse : mlc_exp_f64(o[c] - lse);
        } else if (log_space) {
            lse = mlc_vlogsumexp_f64(o, k);
            for (int64_t c = 0; c < k; c++) o[c] -= lse;
        } else { /* one exp per entry: r = exp(o - mx) / sum */
            double sum = 0.0;
            for (int64_t c = 0; c < k; c++) {
                o[c] = mlc_exp_f64(o[c] - mx);
                sum += o[c];
            }
            lse = mx + log(sum);
            const double inv = 1.0 / sum;
            for (int64_t c = 0; c < k; c++) o[c] *= inv;
        }
        if (lpn) lpn[i0 + r] = lse;
    }
}

/* The row tile of the E-step (A (bx, inner) and G (bx, cols) per thread) and its team. */
static int64_t estep_tile_rows(const estep_plan *pl) {
    return MLC_MAX(8, MLC_MIN(GMM_MAX_ROWS, GMM_TILE_DOUBLES / (pl->inner + pl->cols)));
}

/* Its work per row: the GEMM's multiply-adds, then per component the distance read from G (D
 * terms for full and tied, one for diag and spherical) and an exp. */
static int estep_team(const estep_plan *pl, int64_t n, int n_threads) {
    const int64_t bx = estep_tile_rows(pl), nblocks = (n + bx - 1) / bx;
    const int64_t dist = pl->type == MLC_GMM_FULL || pl->type == MLC_GMM_TIED ? pl->d : 1;
    const int64_t work = n * (pl->inner * pl->cols + pl->k * (dist + MLC_EXP_WORK));
    return (int)MLC_MIN(mlc_team_size(work, n_threads), nblocks);
}

/* The row tile of the covariance passes (T (bx, D) per thread), the team of the full M-step (one
 * component per task) and of the tied scatter (one row chunk per task). Their work per row and
 * matrix: a row of T, then SYRK's D (D + 1) / 2 multiply-adds. */
static int64_t cov_tile_rows(int64_t d) { return MLC_MAX(8, MLC_MIN(GMM_MAX_ROWS, GMM_TILE_DOUBLES / d)); }

static int full_team(int64_t n, int64_t k, int64_t d, int n_threads) {
    return (int)MLC_MIN(mlc_team_size(n * k * d * (d + 3) / 2, n_threads), k);
}

static int scatter_team(int64_t n, int64_t d, int n_threads) {
    return (int)MLC_MIN(mlc_team_size(n * d * (d + 3) / 2, n_threads), row_chunks(n, d * d).count);
}

/* Everything the E-step, the M-step and the EM loop need besides g, carved from one block: a fit
 * allocates it once, mlc_gmm_e_step and mlc_gmm_m_step once per call. Per-thread tiles are slices
 * of *_slice doubles, thread t's at t * slice. */
typedef struct {
    estep_plan pl;
    double *tile_a, *tile_g; /* E-step: per thread A (bx, inner), G (bx, cols) */
    int64_t a_slice, g_slice;
    double *nk;              /* (K) */
    double *part;            /* the chunk partials of the largest M-step reduction */
    double *tile_t;          /* M-step: per thread T (bx, D) (+ (D, D) Cholesky work for full) */
    int64_t t_slice;
    double *stats;           /* tied: xbar (D), then scatter (D, D) */
    double *work;            /* tied: (D, D) Cholesky work */
    double *resp, *lpn;      /* EM: (N, K), (N) */
} gmm_work;

enum { WORK_ESTEP = 1, WORK_MSTEP = 2, WORK_EM = 4 };

static void work_carve(gmm_work *w, mlc_arena *a, const mlc_gmm *g, int64_t n, int n_threads, int parts) {
    const int64_t k = g->n_components, d = g->n_features;
    const int type = g->covariance_type;
    memset(w, 0, sizeof *w);
    if (parts & WORK_ESTEP) {
        plan_carve(&w->pl, a, g);
        const int64_t bx = estep_tile_rows(&w->pl);
        const int team = estep_team(&w->pl, n, n_threads);
        w->a_slice = line_doubles(bx * w->pl.inner);
        w->g_slice = line_doubles(bx * w->pl.cols);
        w->tile_a = take(a, team * w->a_slice);
        w->tile_g = take(a, team * w->g_slice);
    }
    if (parts & WORK_MSTEP) {
        const int64_t bx = cov_tile_rows(d);
        int64_t part = row_chunks(n, k + k * d).count * (k + k * d), team = 0;
        if (type == MLC_GMM_FULL) {
            w->t_slice = line_doubles(bx * d + d * d);
            team = full_team(n, k, d, n_threads);
        } else if (type == MLC_GMM_TIED) {
            part = MLC_MAX(part, row_chunks(n, d * d).count * d * d);
            w->t_slice = line_doubles(bx * d);
            team = scatter_team(n, d, n_threads);
            w->stats = take(a, d + d * d);
            w->work = take(a, d * d);
        } else {
            part = MLC_MAX(part, row_chunks(n, k * d).count * k * d);
        }
        w->nk = take(a, k);
        w->part = take(a, part);
        w->tile_t = take(a, team * w->t_slice);
    }
    if (parts & WORK_EM) {
        w->resp = take(a, n * k);
        w->lpn = take(a, n);
    }
}

/* w's block (free with mlc_free(a->base)). */
static int work_alloc(gmm_work *w, mlc_arena *a, const mlc_gmm *g, int64_t n, int n_threads, int parts) {
    *a = (mlc_arena){NULL, 0};
    work_carve(w, a, g, n, n_threads, parts);
    if (mlc_arena_alloc(a) != MLC_OK) return MLC_ENOMEM;
    work_carve(w, a, g, n, n_threads, parts);
    return MLC_OK;
}

static void e_step(double *resp, double *log_prob_norm, gmm_work *w, const mlc_gmm *g, const double *X,
                   int64_t n, int log_space, int n_threads) {
    estep_plan *pl = &w->pl;
    plan_fill(pl, g);
    const int64_t bx = estep_tile_rows(pl);
    const int64_t nblocks = (n + bx - 1) / bx;
    mlc_blas_single_begin();
#pragma omp parallel num_threads(estep_team(pl, n, n_threads))
    {
        double *A = w->tile_a + omp_get_thread_num() * w->a_slice;
        double *G = w->tile_g + omp_get_thread_num() * w->g_slice;
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nblocks; b++) {
            const int64_t i0 = b * bx;
            estep_rows(resp, log_prob_norm, pl, X, i0, MLC_MIN(bx, n - i0), log_space, A, G);
        }
    }
    mlc_blas_single_end();
}

int mlc_gmm_e_step(double *resp, double *log_prob_norm, const mlc_gmm *g, const double *X, int64_t n,
                   int log_space, int n_threads) {
    if (mlc_gmm_check_params(g->n_components, g->n_features, g->covariance_type)) return MLC_EINVAL;
    if (n <= 0) return MLC_OK;
    gmm_work w;
    mlc_arena a;
    if (work_alloc(&w, &a, g, n, n_threads, WORK_ESTEP) != MLC_OK) return MLC_ENOMEM;
    e_step(resp, log_prob_norm, &w, g, X, n, log_space, n_threads);
    mlc_free(a.base);
    return MLC_OK;
}

/* ---- M-step -------------------------------------------------------------------------------- */

/* xbar (D) out: column means; scatter (D, D) out: sum_i (x_i - xbar)(x_i - xbar)^T. What the tied
 * covariance needs besides the means, and independent of the responsibilities: a fit computes it
 * once. w: part and tile_t. */
static void tied_scatter(double *xbar, double *scatter, const double *X, int64_t n, int64_t d, int n_threads,
                         const gmm_work *w) {
    for (int64_t j = 0; j < d; j++) xbar[j] = 0.0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < d; j++) xbar[j] += X[i * d + j];
    for (int64_t j = 0; j < d; j++) xbar[j] /= (double)n;
    const mlc_chunks ch = row_chunks(n, d * d);
    const int64_t nch = ch.count;
    const int64_t bx = cov_tile_rows(d);
    double *part = w->part;
    mlc_blas_single_begin();
#pragma omp parallel num_threads(scatter_team(n, d, n_threads))
    {
        double *T = w->tile_t + omp_get_thread_num() * w->t_slice;
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < nch; c++) {
            double *P = part + c * d * d;
            memset(P, 0, sizeof(double) * (size_t)(d * d));
            const int64_t lo = mlc_chunk_begin(ch, c), hi = mlc_chunk_end(ch, c);
            for (int64_t i0 = lo; i0 < hi; i0 += bx) {
                const int64_t nb = MLC_MIN(bx, hi - i0);
                for (int64_t r = 0; r < nb; r++)
                    for (int64_t j = 0; j < d; j++) T[r * d + j] = X[(i0 + r) * d + j] - xbar[j];
                mlc_cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (mlc_blasint)d, (mlc_blasint)nb,
                                1.0, T, (mlc_blasint)d, 1.0, P, (mlc_blasint)d);
            }
        }
    }
    mlc_blas_single_end();
    mlc_chunks_merge(scatter, part, nch, d * d, d * d); /* the upper triangles count */
    for (int64_t j = 0; j < d; j++)
        for (int64_t l = 0; l < j; l++) scatter[j * d + l] = scatter[l * d + j];
}

/* nk (K) out: sum_i r_ik + 10 eps; g->weights, g->means out; part (chunks, K + K*D) scratch. */
static void m_step_means(double *nk, mlc_gmm *g, const double *resp, const double *X, int64_t n,
                         int n_threads, double *part) {
    const int64_t k = g->n_components, d = g->n_features, stride = k + k * d;
    const mlc_chunks ch = row_chunks(n, stride);
    const int64_t nch = ch.count;
    const int64_t bx = GMM_MAX_ROWS;
    const int team = (int)MLC_MIN(mlc_team_size(n * k * (d + 1), n_threads), nch); /* sum r and R^T X */
    mlc_blas_single_begin();
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (int64_t c = 0; c < nch; c++) {
        double *Nc = part + c * stride, *Sc = Nc + k;
        memset(Nc, 0, sizeof(double) * (size_t)stride);
        const int64_t lo = mlc_chunk_begin(ch, c), hi = mlc_chunk_end(ch, c);
        for (int64_t i = lo; i < hi; i++)
            for (int64_t t = 0; t < k; t++) Nc[t] += resp[i * k + t];
        for (int64_t i0 = lo; i0 < hi; i0 += bx) { /* S += R_b^T X_b */
            const int64_t nb = MLC_MIN(bx, hi - i0);
            mlc_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (mlc_blasint)k, (mlc_blasint)d,
                            (mlc_blasint)nb, 1.0, resp + i0 * k, (mlc_blasint)k, X + i0 * d,
                            (mlc_blasint)d, 1.0, Sc, (mlc_blasint)d);
        }
    }
    mlc_blas_single_end();
    mlc_chunks_merge(part, part, nch, stride, stride); /* chunk 0's (N, S) */
    memcpy(nk, part, sizeof(double) * (size_t)k);
    memcpy(g->means, part + k, sizeof(double) * (size_t)(k * d));
    double total = 0.0;
    for (int64_t t = 0; t < k; t++) {
        nk[t] += 10.0 * DBL_EPSILON; /* keeps an empty component's mean finite */
        total += nk[t];
    }
    for (int64_t t = 0; t < k; t++) {
        g->weights[t] = nk[t] / total;
        for (int64_t j = 0; j < d; j++) g->means[t * d + j] /= nk[t];
    }
}

/* Full covariances and their precision factors, one component per task (no reduction across
 * threads): Sigma_k = T^T T / N_k + reg I over row blocks T = sqrt(r_ik) (x_i - mu_k), by SYRK.
 * w: tile_t. */
static int m_step_full(mlc_gmm *g, const double *nk, const double *resp, const double *X, int64_t n,
                       double reg, int n_threads, const gmm_work *w) {
    const int64_t k = g->n_components, d = g->n_features;
    const int64_t bx = cov_tile_rows(d);
    mlc_par par = mlc_par_init(NULL);
    mlc_blas_single_begin();
#pragma omp parallel num_threads(full_team(n, k, d, n_threads))
    {
        double *T = w->tile_t + omp_get_thread_num() * w->t_slice;
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < k; c++) {
            double *S = g->covariances + c * d * d;
            const double *mu = g->means + c * d;
            memset(S, 0, sizeof(double) * (size_t)(d * d));
            for (int64_t i0 = 0; i0 < n; i0 += bx) {
                const int64_t nb = MLC_MIN(bx, n - i0);
                for (int64_t r = 0; r < nb; r++) {
                    const double wr = sqrt(resp[(i0 + r) * k + c]);
                    const double *x = X + (i0 + r) * d;
                    for (int64_t j = 0; j < d; j++) T[r * d + j] = wr * (x[j] - mu[j]);
                }
                mlc_cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (mlc_blasint)d, (mlc_blasint)nb,
                                1.0, T, (mlc_blasint)d, 1.0, S, (mlc_blasint)d);
            }
            for (int64_t j = 0; j < d; j++) {
                for (int64_t l = j; l < d; l++) S[j * d + l] /= nk[c];
                for (int64_t l = 0; l < j; l++) S[j * d + l] = S[l * d + j];
                S[j * d + j] += reg;
            }
            if (precision_cholesky_from_cov(g->precisions_cholesky + c * d * d, S, d, T) != MLC_OK)
                mlc_par_fail(&par, MLC_ENUMERIC);
        }
    }
    mlc_blas_single_end();
    return mlc_par_status(&par);
}
/* Sigma = (X^T X - sum_k N_k mu_k mu_k^T) / sum_k N_k + reg I, scikit-learn's pooled scatter,
 * evaluated about xbar so that it does not cancel digits on offset data:
 *   X^T X - sum_k N_k mu_k mu_k^T = scatter - sum_k N_k (mu_k - xbar)(mu_k - xbar)^T
 *                                   + (n + sum_k N_k) xbar xbar^T - t xbar^T - xbar t^T,
 * t = sum_k N_k mu_k. The last line vanishes when every row's responsibilities sum to 1 (EM),
 * not for an initialisation that gives most rows none (random_from_data, k-means++). */
static int m_step_tied(mlc_gmm *g, const double *nk, const double *xbar, const double *scatter, int64_t n,
                       double reg, double *work) {
    const int64_t k = g->n_components, d = g->n_features;
    double *S = g->covariances;
    double total = 0.0;
    for (int64_t c = 0; c < k; c++) total += nk[c];
    memcpy(S, scatter, sizeof(double) * (size_t)(d * d));
    for (int64_t c = 0; c < k; c++) {
        const double *mu = g->means + c * d;
        for (int64_t j = 0; j < d; j++) {
            const double a = nk[c] * (mu[j] - xbar[j]);
            for (int64_t l = j; l < d; l++) S[j * d + l] -= a * (mu[l] - xbar[l]);
        }
    }
    if (fabs(total - (double)n) > 1e-6 * (double)n) { /* some rows carry no responsibility */
        for (int64_t j = 0; j < d; j++) {
            double tj = 0.0;
            for (int64_t c = 0; c < k; c++) tj += nk[c] * g->means[c * d + j];
            for (int64_t l = j; l < d; l++) {
                double tl = 0.0;
                for (int64_t c = 0; c < k; c++) tl += nk[c] * g->means[c * d + l];
                S[j * d + l] += ((double)n + total) * xbar[j] * xbar[l] - tj * xbar[l] - xbar[j] * tl;
            }
        }
    }
    for (int64_t j = 0; j < d; j++) {
        for (int64_t l = j; l < d; l++) S[j * d + l] /= total;
        for (int64_t l = 0; l < j; l++) S[j * d + l] = S[l * d + j];
        S[j * d + j] += reg;
    }
    return precision_cholesky_from_cov(g->precisions_cholesky, S, d, work);
}

/* Diagonal variances sum_i r_ik (x_ij - mu_kj)^2 / N_k + reg (two passes: no cancellation), by
 * row chunks merged in order; spherical takes their mean over j. part (chunks, K*D) scratch. */
static int m_step_diag(mlc_gmm *g, const double *nk, const double *resp, const double *X, int64_t n,
                       double reg, int n_threads, double *part) {
    const int64_t k = g->n_components, d = g->n_features;
    const mlc_chunks ch = row_chunks(n, k * d);
    const int64_t nch = ch.count;
    const int team = (int)MLC_MIN(mlc_team_size(3 * n * k * d, n_threads), nch);
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (int64_t c = 0; c < nch; c++) {
        double *P = part + c * k * d;
        memset(P, 0, sizeof(double) * (size_t)(k * d));
        const int64_t lo = mlc_chunk_begin(ch, c), hi = mlc_chunk_end(ch, c);
        for (int64_t i = lo; i < hi; i++) {
            const double *x = X + i * d;
            for (int64_t t = 0; t < k; t++) {
                const double r = resp[i * k + t];
                const double *mu = g->means + t * d;
                double *p = P + t * d;
#pragma omp simd
                for (int64_t j = 0; j < d; j++) {
                    const double v = x[j] - mu[j];
                    p[j] += r * v * v;
                }
            }
        }
    }
    double *V = g->covariances;
    const int sph = g->covariance_type == MLC_GMM_SPHERICAL;
    double *acc = sph ? part : V; /* spherical: reduce into chunk 0's slot, then average */
    mlc_chunks_merge(acc, part, nch, k * d, k * d);
    int st = MLC_OK;
    for (int64_t t = 0; t < k; t++) {
        double mean = 0.0;
        for (int64_t j = 0; j < d; j++) {
            const double v = acc[t * d + j] / nk[t] + reg;
            if (sph) mean += v;
            else V[t * d + j] = v;
        }
        if (sph) V[t] = mean / (double)d;
    }
    const int64_t p = mlc_gmm_cov_size(k, d, g->covariance_type);
    for (int64_t t = 0; t < p; t++) {
        if (!(V[t] > 0.0)) st = MLC_ENUMERIC;
        g->precisions_cholesky[t] = 1.0 / sqrt(V[t]);
    }
    return st;
}

/* w->stats: the tied statistics, already computed (a fit) when have_stats, else computed here. */
static int m_step(mlc_gmm *g, const double *resp, const double *X, int64_t n, double reg, int n_threads,
                  gmm_work *w, int have_stats) {
    const int64_t d = g->n_features;
    double *nk = w->nk;
    m_step_means(nk, g, resp, X, n, n_threads, w->part);
    switch (g->covariance_type) {
    case MLC_GMM_FULL: return m_step_full(g, nk, resp, X, n, reg, n_threads, w);
    case MLC_GMM_TIED:
        if (!have_stats) tied_scatter(w->stats, w->stats + d, X, n, d, n_threads, w);
        return m_step_tied(g, nk, w->stats, w->stats + d, n, reg, w->work);
    default: return m_step_diag(g, nk, resp, X, n, reg, n_threads, w->part);
    }
}

int mlc_gmm_m_step(mlc_gmm *g, const double *resp, const double *X, int64_t n, double reg_covar,
                   int n_threads) {
    if (mlc_gmm_check_params(g->n_components, g->n_features, g->covariance_type)) return MLC_EINVAL;
    if (n < 1 || !(reg_covar >= 0.0)) return MLC_EINVAL;
    gmm_work w;
    mlc_arena a;
    if (work_alloc(&w, &a, g, n, n_threads, WORK_MSTEP) != MLC_OK) return MLC_ENOMEM;
    const int st = m_step(g, resp, X, n, reg_covar, n_threads, &w, 0);
    mlc_free(a.base);
    return st;
}

/* ---- the EM loop --------------------------------------------------------------------------- */

int mlc_gmm_fit(mlc_gmm *g, double *lower_bounds, int64_t *n_iter, int *converged, const double *X,
                int64_t n, int64_t max_iter, double tol, double reg_covar, double prev_lower_bound,
                int n_threads, const mlc_progress *p) {
    const int64_t k = g->n_components, d = g->n_features;
    *n_iter = 0;
    *converged = 0;
    if (mlc_gmm_check_params(k, d, g->covariance_type) ||
        mlc_gmm_check_fit_params(n, k, max_iter, tol, reg_covar))
        return MLC_EINVAL;
    if (max_iter == 0) return MLC_OK;
    const int tied = g->covariance_type == MLC_GMM_TIED;
    gmm_work w;
    mlc_arena a;
    int st = work_alloc(&w, &a, g, n, n_threads, WORK_ESTEP | WORK_MSTEP | WORK_EM);
    if (st != MLC_OK) return st;
    if (tied) tied_scatter(w.stats, w.stats + d, X, n, d, n_threads, &w);
    double bound = prev_lower_bound;
    mlc_blas_single_begin(); /* once for the whole loop (the steps' own brackets nest) */
    for (int64_t it = 1; st == MLC_OK && it <= max_iter; it++) {
        e_step(w.resp, w.lpn, &w, g, X, n, 0, n_threads);
        double sum = 0.0;
        for (int64_t i = 0; i < n; i++) sum += w.lpn[i];
        const double prev = bound;
        bound = sum / (double)n; /* the bound of the parameters before this M-step */
        st = m_step(g, w.resp, X, n, reg_covar, n_threads, &w, 1);
        if (st != MLC_OK) break;
        lower_bounds[it - 1] = bound;
        *n_iter = it;
        if (fabs(bound - prev) < tol) {
            *converged = 1;
            break;
        }
        if (mlc_progress_tick(p, it, max_iter)) st = MLC_EINTERRUPTED;
    }
    mlc_blas_single_end();
    mlc_free(a.base);
    return st;
}
