/* sgd.h: stochastic gradient descent for linear models (scikit-learn's SGDClassifier / SGDRegressor).
 *
 * Legend: N samples (rows of X), D features, K problems (1 for a regressor or a binary classifier,
 * n_classes for one-vs-rest), P = D + 1 parameters of one problem (weights, then the intercept).
 *
 * One call trains K independent linear models p = w.x + b for up to max_iter epochs each (OpenMP over
 * the K problems). Problem k's target is y (regression) or, for classification, +1 where
 * codes[i] == pos_code[k] and -1 elsewhere (0 instead of -1 for the log loss, as scikit-learn does).
 *
 * Two engines:
 *  - optimizer = MLC_OPTIM_PLAIN_SGD: scikit-learn's _plain_sgd, update for update (one sample per step, the
 *    w = wscale * v trick for L2, Tsuruoka et al.'s cumulative L1 penalty, ASGD averaging), so with
 *    shuffle = 0 the coefficients equal scikit-learn's up to rounding.
 *  - optimizer = one of mlc_optim's methods (csrc/linear/optim.h): mini-batches of batch_size samples, the
 *    (sub)gradient of the mean weighted loss + penalty, one mlc_optim_step per batch.
 */
#ifndef MLC_SGD_H
#define MLC_SGD_H

#include "core/enums.h"
#include "mlc.h"

typedef struct {
    int loss;                 /* MLC_SGD_HINGE ... (core/enums.h) */
    double epsilon;           /* huber / epsilon-insensitive width */
    int penalty;              /* MLC_PENALTY_* */
    double alpha, l1_ratio;
    int fit_intercept;
    int64_t max_iter;         /* epochs */
    double tol;               /* -INFINITY: run max_iter epochs */
    int64_t n_iter_no_change;
    int shuffle;
    uint64_t seed;
    int learning_rate;        /* MLC_LR_CONSTANT, _OPTIMAL, _INVSCALING or _ADAPTIVE */
    double eta0, power_t;
    int early_stopping;       /* stop on the validation score instead of the training objective */
    double intercept_decay;   /* 1 for dense data, 0.01 for sparse (scikit-learn's) */
    int64_t average;          /* 0: off; else ASGD averaging from step t >= average */
    int optimizer;            /* MLC_OPTIM_PLAIN_SGD or a method of mlc_optim */
    int64_t batch_size;       /* optimizer engine only */
    double momentum, beta1, beta2, eps;
} mlc_sgd_params;

/* The K models being trained: caller-owned arrays, all inout. */
typedef struct {
    double *coef;             /* (K, D) */
    double *intercept;        /* (K) */
    double *avg_coef;         /* (K, D), or NULL unless average > 0 */
    double *avg_intercept;    /* (K), or NULL unless average > 0 */
    double *optim_m, *optim_v;/* (K, P) each, or NULL for MLC_OPTIM_PLAIN_SGD: the optimiser's moments */
    int64_t *optim_t;         /* (K), or NULL for MLC_OPTIM_PLAIN_SGD: optimiser steps taken */
} mlc_sgd_model;

/* Per problem and epoch, all out. */
typedef struct {
    double *loss_curve;       /* (K, max_iter): mean loss over the epoch's training samples */
    double *objective_curve;  /* (K, max_iter): mean of loss + alpha * penalty */
    double *score_curve;      /* (K, max_iter): validation accuracy / R^2 (early_stopping), or NULL */
    int64_t *n_iter;          /* (K): epochs run (on MLC_ENUMERIC: the epoch that overflowed) */
} mlc_sgd_history;

/* NULL, or what is wrong with the parameters. */
const char *mlc_sgd_check_params(int64_t n_samples, int64_t n_features, int64_t n_problems, int regression,
                                 const mlc_sgd_params *p);

/* Train the K problems.
 *   model inout, hist out (see the structs);
 *   X (N, D) in, or with indptr != NULL the data (NNZ) of a CSR X (core/sparse.h's legend: indices (NNZ),
 *   indptr (N + 1) in; sorted unique columns), whose rows are stepped on their stored features only
 *   (scikit-learn's sparse SGD; pass intercept_decay 0.01 as it does); y (N) in for regression, else NULL; codes (N) in for classification, else NULL;
 *   pos_code (K) in (classification); weight_pos, weight_neg (K) in or NULL (1): the class weights of
 *   the positive / negative samples of each problem; sample_weight (N) in or NULL;
 *   val_mask (N) in or NULL: 1 marks a validation sample (never trained on; early_stopping);
 *   t0: the step counter at the start (scikit-learn's t_, 1 on a fresh fit).
 * Problem k uses its own stream of the seeded RNG (the seed's k-th jump), so results do not depend on
 * n_threads. Returns MLC_OK, MLC_ENUMERIC (weights overflowed), MLC_ENOMEM or MLC_EINTERRUPTED. */
int mlc_sgd_fit(const mlc_sgd_model *model, const mlc_sgd_history *hist, const double *X, const int32_t *indices,
                const int64_t *indptr, const double *y,
                const int32_t *codes, const int32_t *pos_code, const double *weight_pos, const double *weight_neg,
                const double *sample_weight, const uint8_t *val_mask, int64_t n_samples, int64_t n_features,
                int64_t n_problems, double t0, const mlc_sgd_params *p, int n_threads, const mlc_progress *progress);

#endif
