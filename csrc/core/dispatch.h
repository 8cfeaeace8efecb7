/* dispatch.h: runtime CPU dispatch of mlc's own hot loops (DESIGN.md, Speed).
 *
 * A dispatched kernel file (setup.py's ISA_SOURCES) is compiled once per level: baseline x86-64
 * (SSE2) with the flags of every other file, then again with -mavx2 -mfma (MLC_ISA_LEVEL 1) and
 * with -mavx512f -mavx512bw -mavx512dq -mavx512vl (MLC_ISA_LEVEL 2). In it a dispatched kernel is
 * defined as `int MLC_ISA(mlc_x_forward)(...)`, which names the three copies mlc_x_forward_baseline,
 * _avx2 and _avx512; what is not a hot loop (check_params, setup) sits inside `#if MLC_ISA_ONCE` and
 * is compiled in the baseline object only. The public name, the header's prototype that callers
 * use, is defined in dispatch.c as one call through the table of the level in force, which is chosen
 * once, when the module loads (the best level the CPU has; mlc's import applies MLC_CPU).
 *
 * Floating point: -std=c11 turns FMA contraction off in every copy, so a copy computes each element
 * with the same operations in the same order as baseline: elementwise kernels give the same bits at
 * every level; reductions vectorised with `omp simd reduction` sum in lanes of the vector width, so
 * theirs differ in the last bits.
 *
 * MLC_DISPATCH(X) lists the dispatched kernels as X(return type, name, (parameters), (arguments)).
 */
#ifndef MLC_CORE_DISPATCH_H
#define MLC_CORE_DISPATCH_H

#include "core/enums.h"
#include "core/sparse.h"
#include "mlc.h"
#include "cluster/kmeans.h"
#include "metrics/distance.h"
#include "nn/activation.h"
#include "nn/add.h"
#include "nn/batchnorm.h"
#include "nn/conv2d.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/loss.h"
#include "nn/optimizer.h"
#include "nn/pool2d.h"
#include "linear/logistic.h"
#include "naive_bayes/naive_bayes.h"
#include "ensemble/hist_gbdt.h"
#include "svm/kernel.h"
#include "svm/linear_svm.h"
#include "tree/tree.h"

#define MLC_DISPATCH(X)                                                                                  \
    X(int, mlc_nn_activation_forward, (float *out, const float *x, int64_t n, int kind, float alpha,     \
      int n_threads), (out, x, n, kind, alpha, n_threads))                                               \
    X(int, mlc_nn_activation_backward, (float *dx, const float *dout, const float *x, const float *out,  \
      int64_t n, int kind, float alpha, int n_threads), (dx, dout, x, out, n, kind, alpha, n_threads))   \
    X(int, mlc_nn_softmax_forward, (float *out, const float *x, int64_t B, int64_t C, int n_threads),    \
      (out, x, B, C, n_threads))                                                                         \
    X(int, mlc_nn_log_softmax_forward, (float *out, const float *x, int64_t B, int64_t C,                \
      int n_threads), (out, x, B, C, n_threads))                                                         \
    X(int, mlc_nn_softmax_backward, (float *dx, const float *dout, const float *out, int64_t B,          \
      int64_t C, int n_threads), (dx, dout, out, B, C, n_threads))                                       \
    X(int, mlc_nn_log_softmax_backward, (float *dx, const float *dout, const float *out, int64_t B,      \
      int64_t C, int n_threads), (dx, dout, out, B, C, n_threads))                                       \
    X(int, mlc_nn_loss_softmax_cross_entropy, (double *loss, float *dlogits, float *probs,               \
      const float *logits, const int64_t *targets, const float *sample_weight, int64_t B, int64_t C,     \
      int n_threads), (loss, dlogits, probs, logits, targets, sample_weight, B, C, n_threads))           \
    X(int, mlc_nn_loss_bce_with_logits, (double *loss, float *dlogits, const float *logits,              \
      const float *targets, const float *sample_weight, int64_t B, int64_t K, int n_threads), (loss,     \
      dlogits, logits, targets, sample_weight, B, K, n_threads))                                         \
    X(int, mlc_nn_loss_mse, (double *loss, float *dpred, const float *pred, const float *targets,        \
      const float *sample_weight, int64_t B, int64_t K, int n_threads), (loss, dpred, pred, targets,     \
      sample_weight, B, K, n_threads))                                                                   \
    X(int, mlc_nn_loss_cross_entropy, (double *loss, float *row_loss, float *dlogits, float *probs,      \
      const float *logits, const int64_t *targets, const float *class_weight,                            \
      const float *sample_weight, int64_t B, int64_t C, int kind, int64_t ignore_index,                  \
      double label_smoothing, int reduction, int n_threads), (loss, row_loss, dlogits, probs, logits,    \
      targets, class_weight, sample_weight, B, C, kind, ignore_index, label_smoothing, reduction,        \
      n_threads))                                                                                        \
    X(int, mlc_nn_loss_cross_entropy_probs, (double *loss, float *row_loss, float *dlogits,              \
      const float *logits, const float *target_probs, const float *class_weight,                         \
      const float *sample_weight, int64_t B, int64_t C, double label_smoothing, int reduction,           \
      int n_threads), (loss, row_loss, dlogits, logits, target_probs, class_weight, sample_weight, B, C, \
      label_smoothing, reduction, n_threads))                                                            \
    X(int, mlc_nn_loss_pointwise, (double *loss, float *elem_loss, float *dpred, const float *pred,      \
      const float *targets, const float *weight, const float *pos_weight, const float *sample_weight,    \
      int64_t B, int64_t K, int kind, double delta, int reduction, int n_threads), (loss, elem_loss,     \
      dpred, pred, targets, weight, pos_weight, sample_weight, B, K, kind, delta, reduction, n_threads)) \
    X(int, mlc_nn_conv2d_forward, (float *out, const float *x, const float *weight, const float *bias,   \
      int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out, int64_t KH, int64_t KW,              \
      int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w, int64_t dil_h, int64_t dil_w,    \
      int64_t groups, float *scratch, int n_threads), (out, x, weight, bias, B, C_in, H, W, C_out, KH,   \
      KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups, scratch, n_threads))                   \
    X(int, mlc_nn_conv2d_backward, (float *dx, float *dweight, float *dbias, const float *dout,          \
      const float *x, const float *weight, int64_t B, int64_t C_in, int64_t H, int64_t W, int64_t C_out, \
      int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,          \
      int64_t dil_h, int64_t dil_w, int64_t groups, float *scratch, int n_threads), (dx, dweight, dbias, \
      dout, x, weight, B, C_in, H, W, C_out, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w,     \
      groups, scratch, n_threads))                                                                       \
    X(int, mlc_nn_dense_forward, (float *out, const float *x, const float *weight, const float *bias,    \
      int64_t B, int64_t C_in, int64_t C_out, int n_threads), (out, x, weight, bias, B, C_in, C_out,     \
      n_threads))                                                                                        \
    X(int, mlc_nn_dense_backward, (float *dx, float *dweight, float *dbias, const float *dout,           \
      const float *x, const float *weight, int64_t B, int64_t C_in, int64_t C_out, int n_threads), (dx,  \
      dweight, dbias, dout, x, weight, B, C_in, C_out, n_threads))                                       \
    X(int, mlc_nn_add_forward, (float *out, const float *a, const float *b, int64_t n, int n_threads),   \
      (out, a, b, n, n_threads))                                                                         \
    X(int, mlc_nn_add_backward, (float *da, float *db, const float *dout, int64_t n, int n_threads),     \
      (da, db, dout, n, n_threads))                                                                      \
    X(int, mlc_nn_sum_squares, (double *result, const float *x, int64_t n, int n_threads), (result, x,   \
      n, n_threads))                                                                                     \
    X(int, mlc_nn_dropout_forward, (float *out, float *mask, const float *x, int64_t n, double p,        \
      uint64_t seed, int n_threads), (out, mask, x, n, p, seed, n_threads))                              \
    X(int, mlc_nn_dropout_backward, (float *dx, const float *dout, const float *mask, int64_t n,         \
      int n_threads), (dx, dout, mask, n, n_threads))                                                    \
    X(int, mlc_nn_maxpool2d_forward, (float *out, int64_t *argmax, const float *x, int64_t B,            \
      int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w,       \
      int64_t pad_h, int64_t pad_w, int n_threads), (out, argmax, x, B, C, H, W, KH, KW, stride_h,       \
      stride_w, pad_h, pad_w, n_threads))                                                                \
    X(int, mlc_nn_maxpool2d_backward, (float *dx, const float *dout, const int64_t *argmax, int64_t B,   \
      int64_t C, int64_t H, int64_t W, int64_t OH, int64_t OW, int n_threads), (dx, dout, argmax, B, C,  \
      H, W, OH, OW, n_threads))                                                                          \
    X(int, mlc_nn_avgpool2d_forward, (float *out, const float *x, int64_t B, int64_t C, int64_t H,       \
      int64_t W, int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h,              \
      int64_t pad_w, int count_include_pad, int n_threads), (out, x, B, C, H, W, KH, KW, stride_h,       \
      stride_w, pad_h, pad_w, count_include_pad, n_threads))                                             \
    X(int, mlc_nn_avgpool2d_backward, (float *dx, const float *dout, int64_t B, int64_t C, int64_t H,    \
      int64_t W, int64_t KH, int64_t KW, int64_t stride_h, int64_t stride_w, int64_t pad_h,              \
      int64_t pad_w, int count_include_pad, int n_threads), (dx, dout, B, C, H, W, KH, KW, stride_h,     \
      stride_w, pad_h, pad_w, count_include_pad, n_threads))                                             \
    X(int, mlc_nn_adaptive_avgpool2d_forward, (float *out, const float *x, int64_t B, int64_t C,         \
      int64_t H, int64_t W, int64_t OH, int64_t OW, int n_threads), (out, x, B, C, H, W, OH, OW,          \
      n_threads))                                                                                        \
    X(int, mlc_nn_adaptive_avgpool2d_backward, (float *dx, const float *dout, int64_t B, int64_t C,      \
      int64_t H, int64_t W, int64_t OH, int64_t OW, int n_threads), (dx, dout, B, C, H, W, OH, OW,        \
      n_threads))                                                                                        \
    X(int, mlc_nn_batchnorm_forward, (float *out, float *save_mean, float *save_invstd,                  \
      float *running_mean, float *running_var, const float *x, const float *gamma, const float *beta,    \
      int64_t B, int64_t C, int64_t S, int training, double momentum, double eps, int relu,              \
      int n_threads), (out, save_mean, save_invstd, running_mean, running_var, x, gamma, beta, B, C, S,  \
      training, momentum, eps, relu, n_threads))                                                         \
    X(int, mlc_nn_batchnorm_backward, (float *dx, float *dgamma, float *dbeta, const float *dout,        \
      const float *x, const float *save_mean, const float *save_invstd, const float *gamma,              \
      const float *relu_out, int64_t B, int64_t C, int64_t S, int training, int n_threads), (dx, dgamma, \
      dbeta, dout, x, save_mean, save_invstd, gamma, relu_out, B, C, S, training, n_threads))            \
    X(int, mlc_nn_optim_step, (float *params, float *state, const float *grads,                          \
      const float *decay_mask, int64_t P, const mlc_nn_optim_params *p, int64_t step, int n_threads),    \
      (params, state, grads, decay_mask, P, p, step, n_threads))                                         \
    X(int, mlc_nn_clip_grad_norm, (double *total_norm, float *grads, int64_t P, double max_norm,         \
      double norm_type, int n_threads), (total_norm, grads, P, max_norm, norm_type, n_threads))          \
    X(int, mlc_nn_clip_grad_value, (float *grads, int64_t P, double clip_value, int n_threads), (grads,  \
      P, clip_value, n_threads))                                                                         \
    X(void, mlc_svm_kernel_from_dots, (const mlc_svm_kernel *k, double *v, int64_t n, double sqx,        \
      const double *sqy), (k, v, n, sqx, sqy))                                                           \
    X(double, mlc_logistic_binary_block, (double *grad, double *z, const double *Xb, const double *w,    \
      const int32_t *y, const double *sw, double b, double scale, int64_t n, int64_t d), (grad, z, Xb,   \
      w, y, sw, b, scale, n, d))                                                                         \
    X(double, mlc_logistic_softmax_block, (double *Zt, double *scratch, const int32_t *y,                \
      const double *sw, const double *b, double scale, int64_t n, int64_t k), (Zt, scratch, y, sw, b,    \
      scale, n, k))                                                                                      \
    X(void, mlc_linear_svm_l1_column_grad, (double *gH, const double *x, const double *b,                \
      const double *c, int64_t n), (gH, x, b, c, n))                                                     \
    X(double, mlc_linear_svm_l1_column_step, (double *b, const double *x, const double *c, double a,     \
      int64_t n), (b, x, c, a, n))                                                                       \
    X(void, mlc_svm_kernel_row, (float *out, const double *XT, const double *x, const double *sq,         \
      int64_t ld, int64_t c0, int64_t c1, int64_t d, double sqx, const mlc_svm_kernel *k), (out, XT, x,  \
      sq, ld, c0, c1, d, sqx, k))                                                                        \
    X(void, mlc_distance_tile, (double *S, int64_t lds, const mlc_distance_rows *X, int64_t i0,          \
      int64_t bx, const mlc_distance_rows *Y, int64_t j0, int64_t by, int metric), (S, lds, X, i0, bx,   \
      Y, j0, by, metric))                                                                                \
    X(int, mlc_vmath_apply, (void *out, const void *x, int64_t rows, int64_t cols, int f32,               \
      const char *name), (out, x, rows, cols, f32, name))                                                \
    X(void, mlc_linalg_syrk_f64, (double *c, const double *a, int64_t n, int64_t k, const void *next,    \
      int64_t next_bytes), (c, a, n, k, next, next_bytes))                                               \
    MLC_DISPATCH_KMEANS(X, f64, double)                                                                  \
    MLC_DISPATCH_KMEANS(X, f32, float)                                                                   \
    MLC_DISPATCH_SPARSE(X, f64, double)                                                                  \
    MLC_DISPATCH_SPARSE(X, f32, float)                                                                   \
    MLC_DISPATCH_NAIVE_BAYES(X)                                                                          \
    MLC_DISPATCH_ENSEMBLE(X)

/* The histogram gradient-boosting kernels (ensemble/hist_gbdt.h). */
#define MLC_DISPATCH_ENSEMBLE(X)                                                                         \
    X(int, mlc_ensemble_bin_map, (uint8_t *Xb, uint8_t *Xr, const double *X, const double *thresholds,   \
      const int64_t *offset, int64_t n, int64_t d, int missing_bin, int n_threads), (Xb, Xr, X,          \
      thresholds, offset, n, d, missing_bin, n_threads))                                                 \
    X(int, mlc_ensemble_gradients, (float *g, float *h, const double *raw, const double *y,              \
      const double *sw, int64_t n, int64_t k, int loss, double quantile, int n_threads), (g, h, raw, y,  \
      sw, n, k, loss, quantile, n_threads))                                                              \
    X(int, mlc_ensemble_hist_build, (mlc_ensemble_hist_bin *hist, mlc_ensemble_hist_bin *scratch,        \
      const uint8_t *Xr, const int32_t *rows, const float *g, const float *h, int64_t m, int64_t d,      \
      int64_t n_bins, int n_threads), (hist, scratch, Xr, rows, g, h, m, d, n_bins, n_threads))          \
    X(void, mlc_ensemble_find_split, (mlc_ensemble_split *best, const mlc_ensemble_hist_bin *hist,       \
      const int32_t *n_bins_non_missing, const uint8_t *has_missing, const uint8_t *is_categorical,      \
      const int8_t *monotonic_cst, const uint8_t *allowed, int64_t d, int64_t m, double sum_gradients,   \
      double sum_hessians, double value, double lower, double upper, const mlc_ensemble_params *p,       \
      int const_hessian, int n_threads), (best, hist, n_bins_non_missing, has_missing, is_categorical,   \
      monotonic_cst, allowed, d, m, sum_gradients, sum_hessians, value, lower, upper, p, const_hessian,  \
      n_threads))

/* The naive Bayes kernels (naive_bayes/naive_bayes.h). */
#define MLC_DISPATCH_NAIVE_BAYES(X)                                                                      \
    X(int, mlc_naive_bayes_count, (double *feature_count, double *class_count, const double *X,          \
      const int32_t *y, const double *w, int64_t n, int64_t d, int64_t c, int n_threads),                \
      (feature_count, class_count, X, y, w, n, d, c, n_threads))                                         \
    X(int, mlc_naive_bayes_count_csr, (double *feature_count, double *class_count, const double *data,   \
      const int32_t *indices, const int64_t *indptr, const int32_t *y, const double *w, int64_t n,       \
      int64_t d, int64_t c, int n_threads), (feature_count, class_count, data, indices, indptr, y, w, n, \
      d, c, n_threads))                                                                                  \
    X(int, mlc_naive_bayes_jll_csr, (double *out, const double *data, const int32_t *indices,            \
      const int64_t *indptr, const double *W, const double *bias, int64_t n, int64_t d, int64_t c,       \
      int output, int n_threads), (out, data, indices, indptr, W, bias, n, d, c, output, n_threads))     \
    X(int, mlc_naive_bayes_normalize, (double *out, int64_t n, int64_t c, int proba, int n_threads),     \
      (out, n, c, proba, n_threads))                                                                     \
    X(int, mlc_naive_bayes_gaussian_update, (double *theta, double *var, double *class_count,            \
      double *epsilon, const double *X, const int32_t *y, const double *w, int64_t n, int64_t d,         \
      int64_t c, double var_smoothing, int n_threads), (theta, var, class_count, epsilon, X, y, w, n, d, \
      c, var_smoothing, n_threads))                                                                      \
    X(int, mlc_naive_bayes_gaussian_jll, (double *jll, const double *X, const double *theta,             \
      const double *var, const double *log_prior, int64_t n, int64_t d, int64_t c, int n_threads), (jll, \
      X, theta, var, log_prior, n, d, c, n_threads))                                                     \
    X(int, mlc_naive_bayes_category_count, (double *category_count, double *class_count,                 \
      const int64_t *X, const int64_t *offset, const int32_t *y, const double *w, int64_t n, int64_t d,  \
      int64_t c, int n_threads), (category_count, class_count, X, offset, y, w, n, d, c, n_threads))     \
    X(int, mlc_naive_bayes_categorical_jll, (double *jll, const int64_t *X, const double *log_prob,      \
      const int64_t *offset, const double *log_prior, int64_t n, int64_t d, int64_t c, int n_threads),   \
      (jll, X, log_prob, offset, log_prior, n, d, c, n_threads))                                    \
    X(int, mlc_tree_fit, (mlc_tree *tree, const float *X, const double *y, const double *sample_weight,  \
      int64_t n, int64_t d, int64_t c, const mlc_tree_params *params, int n_threads,                     \
      const mlc_progress *p), (tree, X, y, sample_weight, n, d, c, params, n_threads, p))                \
    X(int, mlc_tree_apply, (int64_t *leaf, const float *X, const int64_t *children_left,                 \
      const int64_t *children_right, const int64_t *feature, const double *threshold,                    \
      const uint8_t *missing_go_to_left, int64_t n, int64_t d, int n_threads), (leaf, X, children_left,  \
      children_right, feature, threshold, missing_go_to_left, n, d, n_threads))                          \
    X(int, mlc_tree_predict, (double *out, const float *X, const int64_t *children_left,                 \
      const int64_t *children_right, const int64_t *feature, const double *threshold,                    \
      const uint8_t *missing_go_to_left, const double *value, int64_t n, int64_t d, int64_t v,           \
      int n_threads), (out, X, children_left, children_right, feature, threshold, missing_go_to_left,    \
      value, n, d, v, n_threads))

/* The CSR kernels of one precision (core/sparse.h). */
#define MLC_DISPATCH_SPARSE(X, sfx, T)                                                                   \
    X(int, mlc_sparse_csr_mm_##sfx, (T *Y, const T *data, const int32_t *indices,                       \
      const int64_t *indptr, const T *B, int64_t n, int64_t d, int64_t k, int n_threads), (Y, data,     \
      indices, indptr, B, n, d, k, n_threads))                                                           \
    X(int, mlc_sparse_csr_tmm_##sfx, (T *Y, const T *data, const int32_t *indices,                      \
      const int64_t *indptr, const T *B, int64_t n, int64_t d, int64_t k, int n_threads), (Y, data,     \
      indices, indptr, B, n, d, k, n_threads))                                                           \
    X(int, mlc_sparse_csr_row_sqnorms_##sfx, (double *sqnorm, const T *data, const int64_t *indptr,     \
      int64_t n, int n_threads), (sqnorm, data, indptr, n, n_threads))                                   \
    X(int, mlc_sparse_csr_col_stats_##sfx, (double *mean, double *ssq, int64_t *nnz_col, const T *data, \
      const int32_t *indices, const int64_t *indptr, int64_t n, int64_t d, int n_threads), (mean, ssq,  \
      nnz_col, data, indices, indptr, n, d, n_threads))

/* The k-means kernels of one precision (cluster/kmeans.h). */
#define MLC_DISPATCH_KMEANS(X, sfx, T)                                                                   \
    X(int, mlc_kmeans_plusplus_##sfx, (T *centers, int64_t *indices, const T *X, const T *sample_weight,  \
      int64_t n, int64_t d, int64_t k, int64_t runs, int64_t n_local_trials, const uint64_t *seeds,      \
      int n_threads, const mlc_progress *p), (centers, indices, X, sample_weight, n, d, k, runs,         \
      n_local_trials, seeds, n_threads, p))                                                              \
    X(int, mlc_kmeans_fit_##sfx, (T *centers, int32_t *labels, double *inertia, int64_t *n_iter,          \
      const T *X, const T *sample_weight, const T *mean, int64_t n, int64_t d, int64_t k, int64_t runs,  \
      int algorithm, int64_t max_iter, double tol, int bounds, int n_threads, const mlc_progress *p),    \
      (centers, labels, inertia, n_iter, X, sample_weight, mean, n, d, k, runs, algorithm, max_iter, tol, \
      bounds, n_threads, p))                                                                             \
    X(int, mlc_kmeans_moments_##sfx, (double *mean, double *var, const T *X, int64_t n, int64_t d,        \
      int n_threads), (mean, var, X, n, d, n_threads))                                                   \
    X(int, mlc_kmeans_assign_##sfx, (int32_t *labels, double *inertia, const T *X,                        \
      const T *sample_weight, const T *centers, int64_t n, int64_t d, int64_t k, int n_threads,          \
      const mlc_progress *p), (labels, inertia, X, sample_weight, centers, n, d, k, n_threads, p))       \
    X(int, mlc_kmeans_minibatch_step_##sfx, (T *centers, double *weight_sums, int32_t *labels,           \
      double *inertia, const T *X, const T *sample_weight, int64_t b, int64_t d, int64_t k,              \
      int n_threads, const mlc_progress *p), (centers, weight_sums, labels, inertia, X, sample_weight,   \
      b, d, k, n_threads, p))                                                                            \
    X(int, mlc_kmeans_plusplus_csr_##sfx, (T *centers, int64_t *indices, const T *data,                  \
      const int32_t *col, const int64_t *indptr, const T *sample_weight, int64_t n, int64_t d,           \
      int64_t k, int64_t runs, int64_t n_local_trials, const uint64_t *seeds, int n_threads,             \
      const mlc_progress *p), (centers, indices, data, col, indptr, sample_weight, n, d, k, runs,        \
      n_local_trials, seeds, n_threads, p))                                                              \
    X(int, mlc_kmeans_fit_csr_##sfx, (T *centers, int32_t *labels, double *inertia, int64_t *n_iter,      \
      const T *data, const int32_t *indices, const int64_t *indptr, const T *sample_weight, int64_t n,   \
      int64_t d, int64_t k, int64_t runs, int64_t max_iter, double tol, int n_threads,                   \
      const mlc_progress *p), (centers, labels, inertia, n_iter, data, indices, indptr, sample_weight,   \
      n, d, k, runs, max_iter, tol, n_threads, p))                                                       \
    X(int, mlc_kmeans_assign_csr_##sfx, (int32_t *labels, double *inertia, const T *data,                \
      const int32_t *indices, const int64_t *indptr, const T *sample_weight, const T *centers,           \
      int64_t n, int64_t d, int64_t k, int n_threads, const mlc_progress *p), (labels, inertia, data,    \
      indices, indptr, sample_weight, centers, n, d, k, n_threads, p))                                   \
    X(int, mlc_kmeans_minibatch_step_csr_##sfx, (T *centers, double *weight_sums, int32_t *labels,       \
      double *inertia, const T *data, const int32_t *indices, const int64_t *indptr,                     \
      const T *sample_weight, int64_t b, int64_t d, int64_t k, int n_threads, const mlc_progress *p),    \
      (centers, weight_sums, labels, inertia, data, indices, indptr, sample_weight, b, d, k, n_threads,  \
      p))

/* out (rows, cols) out (rows for "logsumexp", always double) = core/vmath.h's array form `name` ("exp",
 * "log", "tanh", "sigmoid", "log1pexp", "logsumexp" per row) of x (rows, cols) in, float when f32 else
 * double; MLC_EINVAL for another name. For tests (bind_core's _vmath). */
int mlc_vmath_apply(void *out, const void *x, int64_t rows, int64_t cols, int f32, const char *name);

/* The levels are MLC_CPU_BASELINE, _AVX2, _AVX512 (core/enums.h); MLC_ISA_LEVEL below is the same
 * number as a macro, which the preprocessor can test. */
#define MLC_CPU_COUNT 3

#ifndef MLC_ISA_LEVEL
#define MLC_ISA_LEVEL 0
#endif
#define MLC_ISA_ONCE (MLC_ISA_LEVEL == 0)
#if MLC_ISA_LEVEL == 2
#define MLC_ISA(name) name##_avx512
#elif MLC_ISA_LEVEL == 1
#define MLC_ISA(name) name##_avx2
#else
#define MLC_ISA(name) name##_baseline
#endif

/* The three copies of each kernel (declared here so that each definition is checked against them). */
#define MLC_ISA_DECLARE(ret, name, params, args) ret name##_baseline params; ret name##_avx2 params; \
    ret name##_avx512 params;
MLC_DISPATCH(MLC_ISA_DECLARE)
#undef MLC_ISA_DECLARE

/* "baseline", "avx2", "avx512"; NULL for a level out of range. */
const char *mlc_cpu_name(int level);
/* 1 when this build has the level's copies and the CPU (and OS) can run them. */
int mlc_cpu_supported(int level);
/* The highest supported level. */
int mlc_cpu_best(void);
/* Makes `level` the one in force: MLC_OK, or MLC_EINVAL when it is not supported (nothing changes).
 * Called once at module load; calling it while a kernel runs in another thread is a race. */
int mlc_cpu_select(int level);
/* The level in force. */
int mlc_cpu_level(void);

#endif
