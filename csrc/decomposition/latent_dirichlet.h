/* latent_dirichlet.h: latent Dirichlet allocation by variational Bayes (Blei, Ng & Jordan 2003), batch
 * and online (Hoffman, Blei & Bach 2010), the steps of scikit-learn's LatentDirichletAllocation; float64.
 *
 * Legend: N documents, D words (features), K topics, NNZ stored counts. The documents are CSR rows:
 * data (NNZ) counts >= 0, indices (NNZ) int32 words in [0, D), indptr (N + 1) int64 (core/sparse.h).
 * components (K, D): the topic-word Dirichlet parameters lambda; exp_beta (K, D): exp(E[log beta])
 * under them; gamma (N, K): the document-topic Dirichlet parameters.
 *
 * Documents are split into chunks that depend on N, D and K only (core/reduce.h); each chunk sums
 * its sufficient statistics or bound into its own partial, merged in chunk order: the same bits for
 * any thread count. Long calls tick `progress` (Ctrl-C: MLC_EINTERRUPTED).
 */
#ifndef MLC_LATENT_DIRICHLET_H
#define MLC_LATENT_DIRICHLET_H

#include "mlc.h"

/* NULL, or why the hyper-parameters are out of range (K >= 1, priors >= 0, ...). */
const char *mlc_latent_dirichlet_check_params(int64_t k, double doc_topic_prior, double topic_word_prior,
                                              int64_t max_doc_update_iter, double mean_change_tol);

/* out (N, K) out = exp(psi(in) - psi(row sums of in)): exp(E[log theta]) for theta ~ Dir(row).
 * in (N, K) in; out == in is allowed. */
int mlc_latent_dirichlet_exp_dirichlet(double *out, const double *in, int64_t n, int64_t k, int n_threads);

/* The E-step. For each document, from gamma's initial row g (scikit-learn: Gamma(100, 0.01) draws in
 * training, ones in transform), the fixed point
 *     phi_wk ∝ exp(E[log theta_k]) exp_beta_kw,   g_k = alpha + sum_w x_w phi_wk
 * iterated until the mean |change| of g is below mean_change_tol or max_doc_update_iter times.
 *   gamma (N, K) inout: the initial rows in, the fitted ones out
 *   sstats (K, D) out, or NULL to skip: sum_d exp(E[log theta_d]) (x_dw / norm_dw) exp_beta_kw with
 *       norm_dw = sum_k exp(E[log theta_dk]) exp_beta_kw + eps, scikit-learn's sufficient statistics */
int mlc_latent_dirichlet_estep(double *gamma, double *sstats, const double *data, const int32_t *indices,
                               const int64_t *indptr, const double *exp_beta, int64_t n, int64_t d, int64_t k,
                               double doc_topic_prior, int64_t max_doc_update_iter, double mean_change_tol,
                               int n_threads, const mlc_progress *progress);

/* The M-step. weight 1 (batch, doc_ratio 1): components = eta + doc_ratio sstats; else (online, step rho = weight):
 * components = (1 - rho) components + rho (eta + doc_ratio sstats). Then exp_beta = exp(E[log beta]).
 *   components (K, D) inout, exp_beta (K, D) out, sstats (K, D) in */
int mlc_latent_dirichlet_mstep(double *components, double *exp_beta, const double *sstats, int64_t k, int64_t d,
                               double topic_word_prior, double weight, double doc_ratio, int n_threads);

/* The variational bound (scikit-learn's _approx_bound) in two parts:
 *   score[0] out: the documents' part, sum_dw x_dw log sum_k exp(E[log theta_dk] + E[log beta_kw]) plus
 *       sum_d [sum_k (alpha - g_dk) E[log theta_dk] + lgamma(g_dk) - lgamma(alpha)] + lgamma(K alpha)
 *       - lgamma(sum_k g_dk)
 *   score[1] out: the topics' part, the same Dirichlet terms of components with eta and D.
 * gamma (N, K) in, components (K, D) in. */
int mlc_latent_dirichlet_bound(double *score, const double *data, const int32_t *indices, const int64_t *indptr,
                               const double *gamma, const double *components, int64_t n, int64_t d, int64_t k,
                               double doc_topic_prior, double topic_word_prior, int n_threads,
                               const mlc_progress *progress);

#endif
