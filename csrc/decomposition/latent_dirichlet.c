/* latent_dirichlet.c: the E-step, M-step and bound of latent Dirichlet allocation (latent_dirichlet.h).
 *
 * Variational Bayes for LDA (Blei, Ng & Jordan 2003; Hoffman, Blei & Bach 2010, "Online learning for
 * latent Dirichlet allocation", Algorithm 2): maximise the evidence lower bound
 *     L(gamma, lambda) = E_q[log p(X, theta, z, beta | alpha, eta)] - E_q[log q(theta, z, beta)]
 * over q(theta_d) = Dir(gamma_d), q(beta_k) = Dir(lambda_k), q(z_dw) = phi_dw, by coordinate ascent:
 * the E-step fits gamma (and phi) of each document with lambda fixed, the M-step sets lambda from the
 * expected counts (batch), or moves it a step rho_t = (tau_0 + t)^-kappa towards the estimate from a
 * mini-batch scaled to the whole corpus (online). The arithmetic follows scikit-learn's
 * _update_doc_distribution and _approx_bound operation for operation, so a fit from the same initial
 * lambda and gamma draws follows scikit-learn's to rounding.
 */
#include "decomposition/latent_dirichlet.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "core/reduce.h"
#include "core/vmath.h"

const char *mlc_latent_dirichlet_check_params(int64_t k, double doc_topic_prior, double topic_word_prior,
                                              int64_t max_doc_update_iter, double mean_change_tol) {
    if (k < 1) return "n_components must be >= 1";
    if (!(doc_topic_prior >= 0.0) || !isfinite(doc_topic_prior)) return "doc_topic_prior must be >= 0";
    if (!(topic_word_prior >= 0.0) || !isfinite(topic_word_prior)) return "topic_word_prior must be >= 0";
    if (max_doc_update_iter < 0) return "max_doc_update_iter must be >= 0";
    if (!(mean_change_tol >= 0.0)) return "mean_change_tol must be >= 0";
    return NULL;
}

/* ~ the steps of one inner iteration per stored count and topic: two multiply-adds and the loads */
#define LDA_ITER_WORK 4
/* E-step work counted as this many inner iterations per document (they stop at mean_change_tol) */
#define LDA_TYPICAL_ITERS 16

/* E[log theta] = psi(x) - psi(sum x) of one row x (K) in, into out (K) out. */
static void dirichlet_expectation(double *out, const double *x, int64_t k) {
    double total = 0.0;
    for (int64_t j = 0; j < k; j++) total += x[j];
    const double psi_total = mlc_digamma_f64(total);
    for (int64_t j = 0; j < k; j++) out[j] = mlc_digamma_f64(x[j]) - psi_total;
}

/* exp(E[log theta]) of one row x (K) in, into out (K) out (out == x allowed). */
static void exp_dirichlet_expectation(double *out, const double *x, int64_t k) {
    double total = 0.0;
    for (int64_t j = 0; j < k; j++) total += x[j];
    const double psi_total = mlc_digamma_f64(total);
    for (int64_t j = 0; j < k; j++) out[j] = mlc_exp_f64(mlc_digamma_f64(x[j]) - psi_total);
}

/* the steps of one digamma and exp (up to ten recurrence steps, a log, two divisions, an exp) */
#define LDA_PSI_WORK (4 * MLC_EXP_WORK)

int mlc_latent_dirichlet_exp_dirichlet(double *out, const double *in, int64_t n, int64_t k, int n_threads) {
    const int nthr = mlc_team_size(n * k * LDA_PSI_WORK, n_threads);
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t i = 0; i < n; i++) exp_dirichlet_expectation(out + i * k, in + i * k, k);
    return MLC_OK;
}

/* The chunks of the E-step: with sufficient statistics each chunk has a (D, K) partial, so there are
 * few (at most 8, and their partials within 64 MB); without, many small ones balance the threads. */
static mlc_chunks estep_chunks(int64_t n, int64_t d, int64_t k, int with_stats) {
    if (!with_stats) return mlc_chunks_even(n, 16, 4096);
    const int64_t cap = ((int64_t)1 << 23) / MLC_MAX(1, d * k);
    return mlc_chunks_even(n, 64, MLC_MAX(2, MLC_MIN(8, cap)));
}

static int64_t max_row_nnz(const int64_t *indptr, int64_t n) {
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) m = MLC_MAX(m, indptr[i + 1] - indptr[i]);
    return m;
}

/* One document's fixed point (scikit-learn's loop body). g (K) inout; expdt (K) out: exp(E[log theta])
 * after the last update; B (m, K) in: exp_beta's columns of the document's words, transposed; cnt (m)
 * in; r (m), last (K), acc (K) scratch. */
static void fit_document(double *g, double *expdt, const double *B, const double *cnt, int64_t m, int64_t k,
                         double alpha, int64_t max_iter, double tol, double *r, double *last, double *acc) {
    exp_dirichlet_expectation(expdt, g, k);
    for (int64_t it = 0; it < max_iter; it++) {
        memcpy(last, g, sizeof(double) * (size_t)k);
        for (int64_t j = 0; j < m; j++) {
            const double *b = B + j * k;
            double norm = 0.0;
#pragma omp simd reduction(+ : norm)
            for (int64_t t = 0; t < k; t++) norm += expdt[t] * b[t];
            r[j] = cnt[j] / (norm + DBL_EPSILON);
        }
        memset(acc, 0, sizeof(double) * (size_t)k);
        for (int64_t j = 0; j < m; j++) {
            const double *b = B + j * k;
            const double rj = r[j];
#pragma omp simd
            for (int64_t t = 0; t < k; t++) acc[t] += rj * b[t];
        }
        double change = 0.0;
#pragma omp simd
        for (int64_t t = 0; t < k; t++) g[t] = expdt[t] * acc[t] + alpha;
        exp_dirichlet_expectation(expdt, g, k);
        for (int64_t t = 0; t < k; t++) change += fabs(last[t] - g[t]);
        if (change / (double)k < tol) break;
    }
}

int mlc_latent_dirichlet_estep(double *gamma, double *sstats, const double *data, const int32_t *indices,
                               const int64_t *indptr, const double *exp_beta, int64_t n, int64_t d, int64_t k,
                               double doc_topic_prior, int64_t max_doc_update_iter, double mean_change_tol,
                               int n_threads, const mlc_progress *progress) {
    const int with_stats = sstats != NULL;
    const mlc_chunks ch = estep_chunks(n, d, k, with_stats);
    const int64_t nnz = indptr[n], m_max = max_row_nnz(indptr, n), dk = d * k;
    mlc_arena arena = {NULL, 0};
    double *ebT = NULL, *part = NULL;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&arena) != MLC_OK) return MLC_ENOMEM;
        ebT = mlc_arena_take(&arena, sizeof(double) * (size_t)dk);
        part = with_stats ? mlc_arena_take(&arena, sizeof(double) * (size_t)(dk * ch.count)) : NULL;
    }
    // exp_beta transposed (D, K): a word's K values are contiguous, gathered per document
    for (int64_t t = 0; t < k; t++)
        for (int64_t w = 0; w < d; w++) ebT[w * k + t] = exp_beta[t * d + w];
    mlc_par par = mlc_par_init(progress);
    const int nthr = mlc_team_size((nnz + n) * k * LDA_ITER_WORK * LDA_TYPICAL_ITERS, n_threads);
#pragma omp parallel num_threads(nthr)
    {
        const size_t kb = sizeof(double) * (size_t)k;
        mlc_arena ts = {NULL, 0};
        double *B = NULL, *r = NULL, *cnt = NULL, *expdt = NULL, *last = NULL, *acc = NULL;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1 && mlc_arena_alloc(&ts) != MLC_OK) {
                mlc_par_fail(&par, MLC_ENOMEM);
                break;
            }
            B = mlc_arena_take(&ts, kb * (size_t)m_max);
            r = mlc_arena_take(&ts, sizeof(double) * (size_t)m_max);
            cnt = mlc_arena_take(&ts, sizeof(double) * (size_t)m_max);
            expdt = mlc_arena_take(&ts, kb);
            last = mlc_arena_take(&ts, kb);
            acc = mlc_arena_take(&ts, kb);
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < ch.count; c++) {
            if (mlc_par_halted(&par)) continue;
            double *pc = with_stats ? part + c * dk : NULL;
            if (pc != NULL) memset(pc, 0, sizeof(double) * (size_t)dk);
            const int64_t end = mlc_chunk_end(ch, c);
            for (int64_t i = mlc_chunk_begin(ch, c); i < end; i++) {
                const int64_t p0 = indptr[i], m = indptr[i + 1] - p0;
                const int32_t *ids = indices + p0;
                for (int64_t j = 0; j < m; j++) {
                    memcpy(B + j * k, ebT + (int64_t)ids[j] * k, kb);
                    cnt[j] = data[p0 + j];
                }
                fit_document(gamma + i * k, expdt, B, cnt, m, k, doc_topic_prior, max_doc_update_iter,
                             mean_change_tol, r, last, acc);
                if (pc != NULL)
                    for (int64_t j = 0; j < m; j++) {
                        const double *b = B + j * k;
                        double norm = 0.0;
#pragma omp simd reduction(+ : norm)
                        for (int64_t t = 0; t < k; t++) norm += expdt[t] * b[t];
                        const double rj = cnt[j] / (norm + DBL_EPSILON);
                        double *s = pc + (int64_t)ids[j] * k;
#pragma omp simd
                        for (int64_t t = 0; t < k; t++) s[t] += expdt[t] * rj;
                    }
                if ((i & 63) == 63) mlc_par_tick(&par, i, n);
                if (mlc_par_halted(&par)) break;
            }
        }
        if (with_stats) {
            // sstats (K, D) = (the partials summed in chunk order, transposed) * exp_beta
#pragma omp for schedule(static)
            for (int64_t w = 0; w < d; w++) {
                if (mlc_par_halted(&par)) continue;
                mlc_chunks_merge(acc, part + w * k, ch.count, k, dk);
                for (int64_t t = 0; t < k; t++) sstats[t * d + w] = acc[t] * exp_beta[t * d + w];
            }
        }
        mlc_free(ts.base);
    }
    mlc_free(arena.base);
    return mlc_par_status(&par);
}

int mlc_latent_dirichlet_mstep(double *components, double *exp_beta, const double *sstats, int64_t k, int64_t d,
                               double topic_word_prior, double weight, double doc_ratio, int n_threads) {
    const int nthr = mlc_team_size(k * d * LDA_PSI_WORK, n_threads);
    const double keep = 1.0 - weight;
#pragma omp parallel for num_threads(nthr) schedule(static)
    for (int64_t t = 0; t < k; t++) {
        double *c = components + t * d;
        const double *s = sstats + t * d;
        if (weight == 1.0)
            for (int64_t w = 0; w < d; w++) c[w] = topic_word_prior + doc_ratio * s[w];
        else
            for (int64_t w = 0; w < d; w++) c[w] = c[w] * keep + weight * (topic_word_prior + doc_ratio * s[w]);
        exp_dirichlet_expectation(exp_beta + t * d, c, d);
    }
    return MLC_OK;
}

/* The Dirichlet terms of the bound for rows x (N, K) with prior `prior` and E[log] rows e (N, K):
 * sum (prior - x) e + lgamma(x) - lgamma(prior) over all entries, + N (lgamma(K prior)) - sum_i
 * lgamma(sum_j x_ij) (scikit-learn's _loglikelihood). Serial: libm's lgamma writes signgam. */
static double dirichlet_terms(const double *x, const double *e, int64_t n, int64_t k, double prior,
                              int64_t e_stride_row, int64_t e_stride_col) {
    const double lg_prior = lgamma(prior), lg_total = lgamma(prior * (double)k);
    double score = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double sum = 0.0, row = 0.0;
        for (int64_t j = 0; j < k; j++) {
            const double v = x[i * k + j];
            row += (prior - v) * e[i * e_stride_row + j * e_stride_col] + (lgamma(v) - lg_prior);
            sum += v;
        }
        score += row + (lg_total - lgamma(sum));
    }
    return score;
}

int mlc_latent_dirichlet_bound(double *score, const double *data, const int32_t *indices, const int64_t *indptr,
                               const double *gamma, const double *components, int64_t n, int64_t d, int64_t k,
                               double doc_topic_prior, double topic_word_prior, int n_threads,
                               const mlc_progress *progress) {
    const mlc_chunks ch = mlc_chunks_even(n, 64, 256);
    const int64_t nnz = indptr[n];
    mlc_arena arena = {NULL, 0};
    double *elbT = NULL, *elt = NULL, *psi_total = NULL, *part = NULL;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&arena) != MLC_OK) return MLC_ENOMEM;
        elbT = mlc_arena_take(&arena, sizeof(double) * (size_t)(d * k));
        elt = mlc_arena_take(&arena, sizeof(double) * (size_t)(n * k));
        psi_total = mlc_arena_take(&arena, sizeof(double) * (size_t)k);
        part = mlc_arena_take(&arena, sizeof(double) * (size_t)MLC_MAX(ch.count, 1));
    }
    for (int64_t t = 0; t < k; t++) {
        double total = 0.0;
        for (int64_t w = 0; w < d; w++) total += components[t * d + w];
        psi_total[t] = mlc_digamma_f64(total);
    }
    mlc_par par = mlc_par_init(progress);
    const int nthr = mlc_team_size((nnz + d) * k * 2 * MLC_EXP_WORK, n_threads);
#pragma omp parallel num_threads(nthr)
    {
        double *tmp = mlc_malloc(sizeof(double) * (size_t)k);
        if (tmp == NULL) mlc_par_fail(&par, MLC_ENOMEM);
        // E[log beta] transposed (D, K)
#pragma omp for schedule(static)
        for (int64_t w = 0; w < d; w++)
            for (int64_t t = 0; t < k; t++)
                elbT[w * k + t] = mlc_digamma_f64(components[t * d + w]) - psi_total[t];
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < ch.count; c++) {
            if (mlc_par_halted(&par)) continue;
            double s = 0.0;
            const int64_t end = mlc_chunk_end(ch, c);
            for (int64_t i = mlc_chunk_begin(ch, c); i < end; i++) {
                double *e = elt + i * k;
                dirichlet_expectation(e, gamma + i * k, k);
                for (int64_t p = indptr[i]; p < indptr[i + 1]; p++) {
                    const double *b = elbT + (int64_t)indices[p] * k;
                    for (int64_t t = 0; t < k; t++) tmp[t] = e[t] + b[t];
                    s += data[p] * mlc_vlogsumexp_f64(tmp, k);
                }
            }
            part[c] = s;
            mlc_par_tick(&par, c, ch.count);
        }
        mlc_free(tmp);
    }
    const int st = mlc_par_status(&par);
    if (st == MLC_OK) {
        score[0] = mlc_chunks_sum(part, ch.count) + dirichlet_terms(gamma, elt, n, k, doc_topic_prior, k, 1);
        score[1] = dirichlet_terms(components, elbT, k, d, topic_word_prior, 1, k);
    }
    mlc_free(arena.base);
    return st;
}
