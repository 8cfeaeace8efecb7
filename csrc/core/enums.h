/* enums.h: every enum shared with Python, each concept once, numbered once.
 *
 * Each enum is an X-macro list of X(constant, value, "name"): the constant and its value for C, the
 * name the Python side uses (module.c exports every constant as an int attribute of mlc._mlc without
 * its MLC_ prefix, and each enum as a dict name -> value in mlc._mlc.ENUMS[key], keys as in MLC_ENUMS
 * below). Values are explicit and never renumbered per family; code compares them for equality (or
 * switches on them) only, never orders them or computes with them. A family that takes a subset
 * of an enum (the optimisers, the learning-rate schedules) says so in its check_params.
 */
#ifndef MLC_ENUMS_H
#define MLC_ENUMS_H

/* Regularisation penalty of a linear model (logistic regression, SGD). */
#define MLC_PENALTY_LIST(X)                                                                        \
    X(MLC_PENALTY_NONE, 0, "none")                                                                \
    X(MLC_PENALTY_L2, 1, "l2")                                                                    \
    X(MLC_PENALTY_L1, 2, "l1")                                                                    \
    X(MLC_PENALTY_ELASTICNET, 3, "elasticnet")

/* Learning-rate schedule, t the step or epoch (the caller's unit). SGD (scikit-learn's rules):
 * constant, optimal 1 / (alpha (t0 + t)), invscaling eta0 / t^power_t, adaptive (divide by 5 on a
 * plateau). mlc_optim_lr_at (linear/optim.h): constant, invscaling eta0 / (1 + t)^power, exponential
 * eta0 gamma^t, step eta0 gamma^floor(t / step_size). */
#define MLC_LR_LIST(X)                                                                             \
    X(MLC_LR_CONSTANT, 0, "constant")                                                             \
    X(MLC_LR_OPTIMAL, 1, "optimal")                                                               \
    X(MLC_LR_INVSCALING, 2, "invscaling")                                                         \
    X(MLC_LR_ADAPTIVE, 3, "adaptive")                                                             \
    X(MLC_LR_EXPONENTIAL, 4, "exponential")                                                       \
    X(MLC_LR_STEP, 5, "step")

/* First-order update rule. linear/optim.h (mlc_optim_step) takes sgd, momentum, nesterov, adagrad,
 * adam; nn/optimizer.h takes sgd (whose momentum and nesterov are parameters, as in torch), adagrad,
 * adam, adamw, rmsprop, and sgd_velocity (scikit-learn's MLP SGD: the learning rate inside the velocity).
 * plain_sgd is no update rule: it selects the SGD family's own per-sample engine (scikit-learn's
 * _plain_sgd). */
#define MLC_OPTIM_LIST(X)                                                                          \
    X(MLC_OPTIM_SGD, 0, "sgd")                                                                    \
    X(MLC_OPTIM_ADAGRAD, 1, "adagrad")                                                            \
    X(MLC_OPTIM_ADAM, 2, "adam")                                                                  \
    X(MLC_OPTIM_ADAMW, 3, "adamw")                                                                \
    X(MLC_OPTIM_MOMENTUM, 4, "momentum")                                                          \
    X(MLC_OPTIM_NESTEROV, 5, "nesterov")                                                          \
    X(MLC_OPTIM_PLAIN_SGD, 6, "plain_sgd")                                                        \
    X(MLC_OPTIM_SGD_VELOCITY, 7, "sgd_velocity")                                                  \
    X(MLC_OPTIM_RMSPROP, 8, "rmsprop")

/* Line search of plain L-BFGS (linear/optim.h). */
#define MLC_LINESEARCH_LIST(X)                                                                     \
    X(MLC_LINESEARCH_MORE_THUENTE, 0, "more_thuente")                                             \
    X(MLC_LINESEARCH_BACKTRACKING, 1, "backtracking")

/* Logistic regression solver (linear/logistic.h): quasi-Newton, or a first-order rule of optim.h
 * (gd: full batch; sgd .. adam: mini-batches); sag, saga: linear/logistic_sag.h; newton-cg,
 * newton-cholesky: linear/logistic_newton.c. */
#define MLC_LOGISTIC_SOLVER_LIST(X)                                                                \
    X(MLC_LOGISTIC_LBFGS, 0, "lbfgs")                                                             \
    X(MLC_LOGISTIC_OWLQN, 1, "owlqn")                                                             \
    X(MLC_LOGISTIC_GD, 2, "gd")                                                                   \
    X(MLC_LOGISTIC_SGD, 3, "sgd")                                                                 \
    X(MLC_LOGISTIC_MOMENTUM, 4, "momentum")                                                       \
    X(MLC_LOGISTIC_NESTEROV, 5, "nesterov")                                                       \
    X(MLC_LOGISTIC_ADAGRAD, 6, "adagrad")                                                         \
    X(MLC_LOGISTIC_ADAM, 7, "adam")                                                               \
    X(MLC_LOGISTIC_SAG, 8, "sag")                                                                 \
    X(MLC_LOGISTIC_SAGA, 9, "saga")                                                               \
    X(MLC_LOGISTIC_NEWTON_CG, 10, "newton-cg")                                                    \
    X(MLC_LOGISTIC_NEWTON_CHOLESKY, 11, "newton-cholesky")

/* Loss of the SGD family (linear/sgd.h), by scikit-learn's names. */
#define MLC_SGD_LOSS_LIST(X)                                                                       \
    X(MLC_SGD_HINGE, 0, "hinge")                                                                  \
    X(MLC_SGD_LOG, 1, "log_loss")                                                                 \
    X(MLC_SGD_MODIFIED_HUBER, 2, "modified_huber")                                                \
    X(MLC_SGD_SQUARED_HINGE, 3, "squared_hinge")                                                  \
    X(MLC_SGD_PERCEPTRON, 4, "perceptron")                                                        \
    X(MLC_SGD_SQUARED_ERROR, 5, "squared_error")                                                  \
    X(MLC_SGD_HUBER, 6, "huber")                                                                  \
    X(MLC_SGD_EPSILON_INSENSITIVE, 7, "epsilon_insensitive")                                      \
    X(MLC_SGD_SQUARED_EPSILON_INSENSITIVE, 8, "squared_epsilon_insensitive")

/* Linear SVM and logistic-regression solver (svm/linear_svm.h), LIBLINEAR's numbers and names
 * (documentation only: nothing relies on the values). */
#define MLC_LINEAR_SVM_SOLVER_LIST(X)                                                              \
    X(MLC_LINEAR_SVM_L2R_LR, 0, "l2r_lr")                                                         \
    X(MLC_LINEAR_SVM_L2R_L2LOSS_DUAL, 1, "l2r_l2loss_svc_dual")                                   \
    X(MLC_LINEAR_SVM_L2R_L2LOSS_PRIMAL, 2, "l2r_l2loss_svc")                                       \
    X(MLC_LINEAR_SVM_L2R_L1LOSS_DUAL, 3, "l2r_l1loss_svc_dual")                                   \
    X(MLC_LINEAR_SVM_MCSVM_CS, 4, "mcsvm_cs")                                                     \
    X(MLC_LINEAR_SVM_L1R_L2LOSS, 5, "l1r_l2loss_svc")                                             \
    X(MLC_LINEAR_SVM_L1R_LR, 6, "l1r_lr")                                                         \
    X(MLC_LINEAR_SVM_L2R_LR_DUAL, 7, "l2r_lr_dual")                                               \
    X(MLC_LINEAR_SVM_L2R_L2LOSS_SVR_DUAL, 12, "l2r_l2loss_svr_dual")                              \
    X(MLC_LINEAR_SVM_L2R_L1LOSS_SVR_DUAL, 13, "l2r_l1loss_svr_dual")

/* Ridge solver (linear/least_squares.h). */
#define MLC_RIDGE_SOLVER_LIST(X)                                                                   \
    X(MLC_RIDGE_CHOLESKY, 0, "cholesky")                                                          \
    X(MLC_RIDGE_SVD, 1, "svd")

/* Kernel of the kernel SVMs (svm/smo.h), LIBSVM's numbering. */
#define MLC_SVM_KERNEL_LIST(X)                                                                     \
    X(MLC_SVM_LINEAR, 0, "linear")                                                                \
    X(MLC_SVM_POLY, 1, "poly")                                                                    \
    X(MLC_SVM_RBF, 2, "rbf")                                                                      \
    X(MLC_SVM_SIGMOID, 3, "sigmoid")

/* Distance metric (metrics/distance.h, neighbors/knn.h). */
#define MLC_METRIC_LIST(X)                                                                         \
    X(MLC_METRIC_EUCLIDEAN, 0, "euclidean")                                                       \
    X(MLC_METRIC_SQEUCLIDEAN, 1, "sqeuclidean")                                                   \
    X(MLC_METRIC_MANHATTAN, 2, "manhattan")                                                       \
    X(MLC_METRIC_COSINE, 3, "cosine")                                                             \
    X(MLC_METRIC_CORRELATION, 4, "correlation")

/* Neighbour weighting of k-NN predictions (neighbors/knn.h). */
#define MLC_WEIGHTS_LIST(X)                                                                        \
    X(MLC_WEIGHTS_UNIFORM, 0, "uniform")                                                          \
    X(MLC_WEIGHTS_DISTANCE, 1, "distance")

/* Search structure of the k-neighbours estimators (neighbors/tree.h; brute is a one-leaf tree there
 * for the minkowski family, and knn.h's tiled search for the rest). */
#define MLC_KNN_ALGORITHM_LIST(X)                                                                  \
    X(MLC_KNN_BRUTE, 0, "brute")                                                                  \
    X(MLC_KNN_KD_TREE, 1, "kd_tree")                                                              \
    X(MLC_KNN_BALL_TREE, 2, "ball_tree")

/* k-means algorithm (cluster/kmeans.h). */
#define MLC_KMEANS_ALGORITHM_LIST(X)                                                               \
    X(MLC_KMEANS_LLOYD, 0, "lloyd")                                                               \
    X(MLC_KMEANS_ELKAN, 1, "elkan")

/* Covariance type of a Gaussian mixture (mixture/gmm.h). */
#define MLC_GMM_COVARIANCE_LIST(X)                                                                 \
    X(MLC_GMM_FULL, 0, "full")                                                                    \
    X(MLC_GMM_TIED, 1, "tied")                                                                    \
    X(MLC_GMM_DIAG, 2, "diag")                                                                    \
    X(MLC_GMM_SPHERICAL, 3, "spherical")

/* Solver of linear and quadratic discriminant analysis (discriminant_analysis/discriminant_analysis.h;
 * QDA takes svd and eigen), and how the covariance estimates are shrunk: not, by Ledoit-Wolf's
 * coefficient (auto), or by a given one (fixed). */
#define MLC_DA_SOLVER_LIST(X)                                                                      \
    X(MLC_DA_SVD, 0, "svd")                                                                       \
    X(MLC_DA_LSQR, 1, "lsqr")                                                                     \
    X(MLC_DA_EIGEN, 2, "eigen")
#define MLC_DA_SHRINKAGE_LIST(X)                                                                   \
    X(MLC_DA_SHRINKAGE_NONE, 0, "none")                                                           \
    X(MLC_DA_SHRINKAGE_AUTO, 1, "auto")                                                           \
    X(MLC_DA_SHRINKAGE_FIXED, 2, "fixed")

/* What the count models' linear kernels write (naive_bayes/naive_bayes.h): the joint log-likelihood,
 * the log posterior or the posterior (predict_joint_log_proba, predict_log_proba, predict_proba). */
#define MLC_NB_OUTPUT_LIST(X)                                                                      \
    X(MLC_NB_JOINT_LOG_PROBA, 0, "joint_log_proba")                                               \
    X(MLC_NB_LOG_PROBA, 1, "log_proba")                                                           \
    X(MLC_NB_PROBA, 2, "proba")

/* Normaliser of the randomized range finder's power iterations (decomposition/pca.h). */
#define MLC_PCA_NORMALIZER_LIST(X)                                                                 \
    X(MLC_PCA_NORMALIZER_NONE, 0, "none")                                                         \
    X(MLC_PCA_NORMALIZER_QR, 1, "QR")                                                             \
    X(MLC_PCA_NORMALIZER_LU, 2, "LU")

/* Parameter initialiser (nn/init.h; "uniform" is U(-gain / sqrt(fan_in), gain / sqrt(fan_in))). */
#define MLC_NN_INIT_LIST(X)                                                                        \
    X(MLC_NN_XAVIER_UNIFORM, 0, "xavier_uniform")                                                 \
    X(MLC_NN_XAVIER_NORMAL, 1, "xavier_normal")                                                   \
    X(MLC_NN_HE_UNIFORM, 2, "he_uniform")                                                         \
    X(MLC_NN_HE_NORMAL, 3, "he_normal")                                                           \
    X(MLC_NN_UNIFORM_FAN_IN, 4, "uniform")                                                        \
    X(MLC_NN_ZEROS, 5, "zeros")                                                                   \
    X(MLC_NN_ONES, 6, "ones")

/* Pointwise activation (nn/activation.h). */
#define MLC_ACT_LIST(X)                                                                            \
    X(MLC_ACT_RELU, 0, "relu")                                                                    \
    X(MLC_ACT_LEAKY_RELU, 1, "leaky_relu")                                                        \
    X(MLC_ACT_SIGMOID, 2, "sigmoid")                                                              \
    X(MLC_ACT_TANH, 3, "tanh")                                                                    \
    X(MLC_ACT_IDENTITY, 4, "identity")

/* Loss of a network's outputs (nn/loss.h; nn/mlp.h's objective takes the first three). nll takes
 * log-probabilities (torch.nn.NLLLoss); cross_entropy and nll are mlc_nn_loss_cross_entropy's kinds,
 * the others mlc_nn_loss_pointwise's. */
#define MLC_NN_LOSS_LIST(X)                                                                        \
    X(MLC_NN_LOSS_CROSS_ENTROPY, 0, "cross_entropy")                                              \
    X(MLC_NN_LOSS_BCE_WITH_LOGITS, 1, "bce_with_logits")                                          \
    X(MLC_NN_LOSS_MSE, 2, "mse")                                                                  \
    X(MLC_NN_LOSS_NLL, 3, "nll")                                                                  \
    X(MLC_NN_LOSS_L1, 4, "l1")                                                                    \
    X(MLC_NN_LOSS_HUBER, 5, "huber")                                                              \
    X(MLC_NN_LOSS_SMOOTH_L1, 6, "smooth_l1")

/* How a loss reduces its per-element values (torch's reduction, numbered as torch's Reduction). */
#define MLC_NN_REDUCTION_LIST(X)                                                                   \
    X(MLC_NN_REDUCTION_NONE, 0, "none")                                                           \
    X(MLC_NN_REDUCTION_MEAN, 1, "mean")                                                           \
    X(MLC_NN_REDUCTION_SUM, 2, "sum")

/* Impurity criterion of a decision tree (tree/tree.h): gini and entropy (scikit-learn's log_loss too) for
 * classifiers, squared_error (and scikit-learn's friedman_mse, which it maps to it) and poisson (the
 * half Poisson deviance; targets >= 0) for regressors. */
#define MLC_TREE_CRITERION_LIST(X)                                                                 \
    X(MLC_TREE_CRITERION_GINI, 0, "gini")                                                         \
    X(MLC_TREE_CRITERION_ENTROPY, 1, "entropy")                                                   \
    X(MLC_TREE_CRITERION_SQUARED_ERROR, 2, "squared_error")                                       \
    X(MLC_TREE_CRITERION_POISSON, 3, "poisson")

/* How a decision tree chooses a node's split (tree/tree.h): the best of all candidates of each drawn
 * feature, or the best of one uniformly drawn threshold per feature (scikit-learn's RandomSplitter). */
#define MLC_TREE_SPLITTER_LIST(X)                                                                  \
    X(MLC_TREE_SPLITTER_BEST, 0, "best")                                                          \
    X(MLC_TREE_SPLITTER_RANDOM, 1, "random")

/* Loss of a gradient-boosting model (ensemble/hist_gbdt.h, ensemble/gradient_boosting.h: huber and
 * exponential; scikit-learn's half losses: squared_error is (y - raw)^2 / 2, poisson exp(raw) - y raw). */
#define MLC_ENSEMBLE_LOSS_LIST(X)                                                                  \
    X(MLC_ENSEMBLE_SQUARED_ERROR, 0, "squared_error")                                              \
    X(MLC_ENSEMBLE_LOG_LOSS_BINARY, 1, "log_loss_binary")                                          \
    X(MLC_ENSEMBLE_LOG_LOSS_MULTICLASS, 2, "log_loss_multiclass")                                  \
    X(MLC_ENSEMBLE_ABSOLUTE_ERROR, 3, "absolute_error")                                            \
    X(MLC_ENSEMBLE_QUANTILE, 4, "quantile")                                                        \
    X(MLC_ENSEMBLE_POISSON, 5, "poisson")                                                          \
    X(MLC_ENSEMBLE_HUBER, 6, "huber")                                                              \
    X(MLC_ENSEMBLE_EXPONENTIAL, 7, "exponential")

/* CPU level of mlc's dispatched kernels (core/dispatch.h). The one ordered enum: each level runs
 * everything the ones below it do, and dispatch.c indexes its tables by it. */
#define MLC_CPU_LIST(X)                                                                            \
    X(MLC_CPU_BASELINE, 0, "baseline")                                                            \
    X(MLC_CPU_AVX2, 1, "avx2")                                                                    \
    X(MLC_CPU_AVX512, 2, "avx512")

/* Every list above with its key in mlc._mlc.ENUMS and the name of its membership predicate. */
#define MLC_ENUMS(E)                                                                               \
    E("penalty", MLC_PENALTY_LIST, mlc_penalty_valid)                                             \
    E("learning_rate", MLC_LR_LIST, mlc_lr_valid)                                                 \
    E("optimizer", MLC_OPTIM_LIST, mlc_optim_valid)                                               \
    E("line_search", MLC_LINESEARCH_LIST, mlc_line_search_valid)                                  \
    E("logistic_solver", MLC_LOGISTIC_SOLVER_LIST, mlc_logistic_solver_valid)                     \
    E("sgd_loss", MLC_SGD_LOSS_LIST, mlc_sgd_loss_valid)                                          \
    E("linear_svm_solver", MLC_LINEAR_SVM_SOLVER_LIST, mlc_linear_svm_solver_valid)               \
    E("ridge_solver", MLC_RIDGE_SOLVER_LIST, mlc_ridge_solver_valid)                              \
    E("svm_kernel", MLC_SVM_KERNEL_LIST, mlc_svm_kernel_valid)                                    \
    E("metric", MLC_METRIC_LIST, mlc_metric_valid)                                                \
    E("knn_weights", MLC_WEIGHTS_LIST, mlc_weights_valid)                                         \
    E("knn_algorithm", MLC_KNN_ALGORITHM_LIST, mlc_knn_algorithm_valid)                           \
    E("kmeans_algorithm", MLC_KMEANS_ALGORITHM_LIST, mlc_kmeans_algorithm_valid)                  \
    E("covariance_type", MLC_GMM_COVARIANCE_LIST, mlc_gmm_covariance_valid)                       \
    E("da_solver", MLC_DA_SOLVER_LIST, mlc_da_solver_valid)                                       \
    E("da_shrinkage", MLC_DA_SHRINKAGE_LIST, mlc_da_shrinkage_valid)                              \
    E("nb_output", MLC_NB_OUTPUT_LIST, mlc_nb_output_valid)                                       \
    E("pca_normalizer", MLC_PCA_NORMALIZER_LIST, mlc_pca_normalizer_valid)                        \
    E("nn_init", MLC_NN_INIT_LIST, mlc_nn_init_valid)                                             \
    E("nn_activation", MLC_ACT_LIST, mlc_nn_activation_valid)                                    \
    E("nn_loss", MLC_NN_LOSS_LIST, mlc_nn_loss_valid)                                             \
    E("nn_reduction", MLC_NN_REDUCTION_LIST, mlc_nn_reduction_valid)                              \
    E("tree_criterion", MLC_TREE_CRITERION_LIST, mlc_tree_criterion_valid)                        \
    E("tree_splitter", MLC_TREE_SPLITTER_LIST, mlc_tree_splitter_valid)                           \
    E("ensemble_loss", MLC_ENSEMBLE_LOSS_LIST, mlc_ensemble_loss_valid)                           \
    E("cpu_level", MLC_CPU_LIST, mlc_cpu_level_valid)

/* The enums, and int mlc_<x>_valid(int v): whether v is one of the enum's values (a switch, so two
 * equal values in one list fail to compile). */
#define MLC_ENUM_VALUE_(c, v, s) c = v,
#define MLC_ENUM_CASE_(c, v, s) case c:
#define MLC_ENUM_DEFINE_(key, LIST, valid)                                                         \
    enum { LIST(MLC_ENUM_VALUE_) };                                                                \
    static inline int valid(int v) {                                                               \
        switch (v) {                                                                               \
        LIST(MLC_ENUM_CASE_) return 1;                                                             \
        default: return 0;                                                                         \
        }                                                                                          \
    }
MLC_ENUMS(MLC_ENUM_DEFINE_)

#endif
