/* pca.c: PCA and truncated SVD kernels (see pca.h). The bodies live in pca_impl.h, included once
 * for float64 and once for float32.
 *
 * ---- Full solver (mlc_svd_full) ------------------------------------------------------------
 * Computes the exact thin SVD  A = U diag(s) Vt  of A = X - 1 mean^T (PCA) or A = X (truncated
 * SVD's exact path), and keeps s and Vt: PCA's principal axes are the rows of Vt, its explained
 * variances s^2 / (N - 1). Reference: LAPACK's xGESDD (Demmel, Applied Numerical Linear Algebra,
 * 1997, ch. 5), what scikit-learn's svd_solver='full' calls through scipy.linalg.svd.
 * N >= D: A is written column-major while it is centred, factored A = Q R by xGEQRF, and the
 * D x D triangle R = Ur diag(s) Vt by xGESDD; Q and U are never formed (PCA's fit needs only s
 * and Vt; transform is one GEMM), which is what xGESDD itself does first on a tall matrix, minus
 * the work on Q and U. N < D: xGESDD on the row-major copy read as the column-major X^T
 * (X^T = V diag(s) U^T: LAPACK's left factor is Vt row-major, no transposition).
 *
 * ---- Covariance solver (mlc_pca_covariance) ------------------------------------------------
 * Computes the eigendecomposition of the sample covariance C = A^T A / (N - 1), A = X - mean:
 * its eigenvalues are the explained variances, its eigenvectors the principal axes, and
 * s = sqrt(ev (N - 1)). One pass over X: C is accumulated by mlc_linalg_syrk_f64 over blocks of
 * rows shifted by the first row p (no copy of X; a shift by a data point keeps X^T X - N mean
 * mean^T's cancellation away), with the mean, in float64, then DSYEVD. Cost N D^2 + O(D^3):
 * the solver for N >> D. Accuracy: eigenvalues below ~eps * ev_max are noise (relative accuracy
 * of the squared singular values), as with scikit-learn's svd_solver='covariance_eigh'.
 *
 * ---- Randomized solver (mlc_svd_randomized) ------------------------------------------------
 * Computes an approximation of the K leading singular triplets of A (centred X or X) by
 * Halko, Martinsson & Tropp, "Finding structure with randomness", SIAM Review 53(2), 2011:
 * Algorithm 4.4 (randomized subspace iteration) with Algorithm 5.1 (direct SVD). With
 * op = A (N >= D) or A^T (N < D), so that op is m x n_op, m >= n_op:
 *     Z = Omega (n_op x L, standard normal from mlc's RNG), L = K + n_oversamples (<= n_op)
 *     repeat n_iter times:  Y = normalize(op Z),  Z = normalize(op^T Y)
 *     Q = qr(op Z);  B = Q^T op (L x n_op);  B = Uh diag(s) Vh^T (xGESDD)
 *     op ~= (Q Uh) diag(s) Vh^T; keep the first K triplets.
 * normalize is a QR (xGEQRF + xORGQR), P L of an LU (xGETRF, cheaper: it only has to keep the
 * columns from collapsing onto the top singular vector) or nothing, as in scikit-learn's
 * randomized_range_finder. The error decays like (s_{K+1} / s_K)^(2 n_iter + 1) (HMT 2011,
 * Cor. 10.10): with a gap in the spectrum the result equals the exact one to rounding.
 *
 * Both solvers share one body: the range finder of core/linalg.h (every block row-major, QR as the LQ
 * of the transposed view, LU with whole-row pivoting) and one operator that multiplies by A through
 * xGEMM or, for mlc_svd_randomized_csr (no centring: truncated SVD), through core/sparse.h's CSR
 * products A Z and A^T Z, which write row-major blocks in place: no dense A, no transposed copies,
 * two (., L) blocks of workspace (the sparse result equals the dense one to rounding).
 *
 * ---- Projection (mlc_pca_transform / mlc_pca_inverse) ---------------------------------------
 * X components^T - mean components^T (one GEMM, X not copied), divided by sqrt(ev) when
 * whitening; the inverse Y diag(scale) components + mean (one GEMM).
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "blas.h"
#include "core/linalg.h"
#include "core/reduce.h"
#include "core/sparse.h"
#include "decomposition/pca.h"

/* Rows per tile of the centring passes, and the fixed number of chunks of rows whose column sums
 * are merged in order (so the statistics do not depend on the thread count). */
#define PCA_TILE 32
#define PCA_CHUNKS 64
#define PCA_COV_CHUNKS 8 /* fixed partition of the covariance pass (thread-count independent) */

const char *mlc_pca_check_params(int64_t n, int64_t d, int64_t k, int64_t n_oversamples,
                                 int64_t n_iter, int normalizer) {
    if (n < 1 || d < 1) return "X must have at least one sample and one feature";
    if (n > INT_MAX || d > INT_MAX) return "X has more rows or columns than BLAS can index";
    if (k == 0) return NULL;
    if (k < 0 || k > MLC_MIN(n, d)) return "n_components must be in [1, min(n_samples, n_features)]";
    if (n_oversamples < 0) return "n_oversamples must be >= 0";
    if (n_iter < 0) return "n_iter must be >= 0";
    if (normalizer != MLC_PCA_NORMALIZER_NONE && normalizer != MLC_PCA_NORMALIZER_QR &&
        normalizer != MLC_PCA_NORMALIZER_LU)
        return "unknown power_iteration_normalizer code";
    return NULL;
}

#define T double
#define SFX f64
#define GEMM mlc_cblas_dgemm
#include "decomposition/pca_impl.h"
#undef T
#undef SFX
#undef GEMM

#define T float
#define SFX f32
#define GEMM mlc_cblas_sgemm
#include "decomposition/pca_impl.h"
#undef T
#undef SFX
#undef GEMM
