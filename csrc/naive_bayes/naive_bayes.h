/* naive_bayes.h: the counting and the joint log-likelihood of the naive Bayes classifiers
 * (scikit-learn's naive_bayes: Gaussian, multinomial, complement, Bernoulli, categorical), float64.
 *
 * Legend: N samples, D features, C classes, K_j categories of feature j (categorical model).
 * X (N, D) is row-major, or CSR: data (NNZ), indices (NNZ) int32, indptr (N + 1) int64 (the form of
 * core/sparse.h). y (N) in: class codes in [0, C) (a code out of range is MLC_EINVAL). w (N) in:
 * sample weights, or NULL for ones.
 *
 * Sums over rows are split by column between the threads, each sum made in row order by one thread:
 * the same bits for any thread count.
 * jll (N, C) out is the joint log-likelihood log P(c) + log P(x | c) of each row and class.
 */
#ifndef MLC_NAIVE_BAYES_H
#define MLC_NAIVE_BAYES_H

#include "core/enums.h" /* MLC_NB_JOINT_LOG_PROBA, MLC_NB_LOG_PROBA, MLC_NB_PROBA */
#include "mlc.h"

/* NULL, or why y cannot be the class codes of C classes. */
const char *mlc_naive_bayes_check_params(int64_t c);

/* The per-class sums of the count models: the one-hot product Y^T X done as a scatter (each row is
 * added to its class's row: N D adds, where the GEMM would make N D C multiply-adds).
 *   feature_count (C, D) inout: += sum over rows i of class k of w_i x_i
 *   class_count (C) inout:      += sum over rows i of class k of w_i */
int mlc_naive_bayes_count(double *feature_count, double *class_count, const double *X, const int32_t *y,
                          const double *w, int64_t n, int64_t d, int64_t c, int n_threads);
int mlc_naive_bayes_count_csr(double *feature_count, double *class_count, const double *data,
                              const int32_t *indices, const int64_t *indptr, const int32_t *y,
                              const double *w, int64_t n, int64_t d, int64_t c, int n_threads);

/* The linear joint log-likelihood of the count models and, in the same pass, its posterior: out (N, C)
 * out = X W^T + bias with output MLC_NB_JOINT_LOG_PROBA, normalised as mlc_naive_bayes_normalize does
 * with MLC_NB_LOG_PROBA / MLC_NB_PROBA (core/enums.h); W (C, D) in (feature_log_prob_, or the Bernoulli
 * model's log p - log(1 - p)), bias (C) in. Dense: one GEMM; CSR: each row summed in stored order (as
 * scipy's CSR product) against W transposed into a table of rows padded to 8 lanes. MLC_EINVAL for an
 * unknown output, MLC_ENOMEM when the table cannot be allocated. */
int mlc_naive_bayes_jll(double *out, const double *X, const double *W, const double *bias, int64_t n,
                        int64_t d, int64_t c, int output, int n_threads);
int mlc_naive_bayes_jll_csr(double *out, const double *data, const int32_t *indices, const int64_t *indptr,
                            const double *W, const double *bias, int64_t n, int64_t d, int64_t c, int output,
                            int n_threads);

/* The posterior from the joint log-likelihood, in place: out (N, C) inout, jll in, log P(c | x) =
 * jll - logsumexp_c jll out; with proba, P(c | x) = exp(jll - max_c jll) / sum_c of that. */
int mlc_naive_bayes_normalize(double *out, int64_t n, int64_t c, int proba, int n_threads);

/* GaussianNB's update by one batch, scikit-learn's partial_fit step for step. First
 * epsilon = var_smoothing max_j Var(X[:, j]) (unweighted, of this batch), taken off var; then per
 * class k present in the batch, the batch's weighted mean m and variance v (two passes: the mean,
 * then the squared deviations from it) are merged with the running ones of weight n0 =
 * class_count[k] (Chan, Golub & LeVeque 1979):
 *   n1 = sum w_i,  theta = (n1 m + n0 theta) / (n0 + n1),
 *   var = (n0 var + n1 v + n0 n1 / (n0 + n1) (theta_old - m)^2) / (n0 + n1)
 * (n0 = 0: theta = m, var = v; a weighted class whose n1 is within 1e-8 of 0 keeps theta and var);
 * last, epsilon is added back to every var.
 *   theta (C, D) inout, var (C, D) inout (GaussianNB's theta_, var_), class_count (C) inout += n1
 *   epsilon out: this batch's epsilon (scikit-learn takes the new one off the old variances too) */
int mlc_naive_bayes_gaussian_update(double *theta, double *var, double *class_count, double *epsilon,
                                    const double *X, const int32_t *y, const double *w, int64_t n,
                                    int64_t d, int64_t c, double var_smoothing, int n_threads);

/* GaussianNB's jll (N, C) out: log_prior_k - 1/2 sum_j log(2 pi var_kj) - 1/2 sum_j (x_j - theta_kj)^2
 * / var_kj, with theta (C, D) in, var (C, D) in (epsilon included), log_prior (C) in. */
int mlc_naive_bayes_gaussian_jll(double *jll, const double *X, const double *theta, const double *var,
                                 const double *log_prior, int64_t n, int64_t d, int64_t c, int n_threads);

/* CategoricalNB. X (N, D) int64 in: category codes, X[i, j] in [0, K_j) (else MLC_EINVAL).
 * offset (D + 1) in: feature j's (C, K_j) block of the flat arrays below starts at offset[j],
 * offset[j + 1] - offset[j] = C K_j.
 *   category_count (offset[D]) inout: += sum over rows i of class k with X[i, j] = t of w_i
 *   class_count (C) inout: += sum over rows i of class k of w_i */
int mlc_naive_bayes_category_count(double *category_count, double *class_count, const int64_t *X,
                                   const int64_t *offset, const int32_t *y, const double *w, int64_t n,
                                   int64_t d, int64_t c, int n_threads);
/* jll (N, C) out = log_prior_k + sum_j log_prob[offset[j] + k K_j + X[i, j]], log_prob (offset[D]) in
 * (feature_log_prob_ flattened the same way), log_prior (C) in. */
int mlc_naive_bayes_categorical_jll(double *jll, const int64_t *X, const double *log_prob,
                                    const int64_t *offset, const double *log_prior, int64_t n, int64_t d,
                                    int64_t c, int n_threads);

#endif
