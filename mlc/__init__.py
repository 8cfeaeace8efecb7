"""mlc: machine-learning algorithms and networks written in C, with scikit-learn-style wrappers.

Run ``python -m mlc`` for a tour: every estimator on real data next to scikit-learn.

Families (``from mlc.<family> import <name>``; ``help(mlc.<family>)`` for more):

neighbors
    KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors, RadiusNeighborsClassifier,
    RadiusNeighborsRegressor (brute force, kd-tree, ball tree)
metrics
    pairwise_distances; accuracy_score, precision_score, recall_score, f1_score,
    precision_recall_fscore_support, confusion_matrix, roc_curve, roc_auc_score, log_loss,
    r2_score, mean_squared_error
preprocessing
    StandardScaler, MinMaxScaler, MaxAbsScaler
cluster
    KMeans, MiniBatchKMeans, kmeans_plusplus
mixture
    GaussianMixture
naive_bayes
    GaussianNB, MultinomialNB, ComplementNB, BernoulliNB, CategoricalNB
discriminant_analysis
    LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis
decomposition
    PCA, TruncatedSVD, LatentDirichletAllocation
linear_model
    LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression, SGDClassifier, SGDRegressor
svm
    SVC, SVR, LinearSVC, LinearSVR
ensemble
    HistGradientBoostingClassifier, HistGradientBoostingRegressor (histogram gradient boosting, as
    LightGBM's: binned features, best-first trees, native missing values)
    AdaBoostClassifier (SAMME), AdaBoostRegressor (AdaBoost.R2) over any mlc estimator
    GradientBoostingClassifier, GradientBoostingRegressor (exact gradient boosting on CART trees, as
    scikit-learn's)
    RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier, ExtraTreesRegressor (forests
    of CART trees grown in C in parallel, on scikit-learn's bootstrap draws), BaggingClassifier,
    BaggingRegressor (any estimator on random draws of rows and features)
inspection
    permutation_importance
tree
    DecisionTreeClassifier, DecisionTreeRegressor (CART), export_text
text
    bag_of_words (CountVectorizer's counts and vocabulary, in C; returns a BagOfWords)
nn
    estimators MLPClassifier, MLPRegressor, NeuralNetClassifier, NeuralNetRegressor;
    Sequential of layers Dense, Conv1d, Conv2d, MaxPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Dropout,
    ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, AdaptiveAvgPool2d, Identity, Flatten, Residual
    (base class Layer);
    optimisers SGD, Adagrad, Adam, AdamW, RMSprop; clip_grad_norm, clip_grad_value;
    learning-rate schedulers LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR,
    ReduceLROnPlateau, OneCycleLR;
    losses CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss, MSELoss, L1Loss, HuberLoss, SmoothL1Loss
model_selection
    bias_variance_decomp (bias and variance of an estimator's loss over bootstrap replicates, mlxtend's)
exceptions
    NotFittedError, ConvergenceWarning, DataConversionWarning, UndefinedMetricWarning,
    InvalidParameterError

Threads: ``mlc.set_num_threads(n)``, ``mlc.get_num_threads()`` (mlc's OpenMP and its OpenBLAS).
``mlc.show_config()``: the CPU level of mlc's own loops (``MLC_CPU=baseline|avx2|avx512`` forces one),
the BLAS and OpenMP runtime and their threads.
"""
import ctypes as _ctypes
import os as _os
import sys as _sys

# _mlc runs its parallel regions on its own copy of libgomp (mlc/.libs/libgomp-mlc.so.1, see setup.py),
# which reads OMP_WAIT_POLICY once, as it loads with _mlc. mlc's OpenMP regions alternate with OpenBLAS
# calls that have their own worker threads; OpenMP workers that keep spinning after a region (libgomp's
# default) hold the core an OpenBLAS worker needs, which made network training 2.5x slower on 2 cores
# (bench nn) and did not help anywhere else (bench cluster, neighbors). So mlc's copy waits passively
# unless the user chose a policy; the variable is removed again at once, so libraries loaded later
# (torch, scikit-learn: each has its own libgomp) keep their defaults.
_set_policy = "OMP_WAIT_POLICY" not in _os.environ
if _set_policy:
    _os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
# The same for mlc's OpenBLAS copy (mlc/.libs/libscipy_openblas.so), which reads OPENBLAS_THREAD_TIMEOUT
# as it loads: its workers spin 2^28 cycles (~0.1 s) after each threaded call by default, holding a core
# that whatever runs next needs (scikit-learn's fit after mlc's, mlc's own Python between two calls). 2^20
# cycles (~0.4 ms) bridges back-to-back calls. NumPy is imported first so that its copy never sees it.
import numpy as _np  # noqa: E402,F401
_set_timeout = "OPENBLAS_THREAD_TIMEOUT" not in _os.environ
if _set_timeout:
    _os.environ["OPENBLAS_THREAD_TIMEOUT"] = "20"
# An OpenMP runtime already in the global symbol scope (torch loads its libgomp with RTLD_GLOBAL) would
# win the lookup of every GOMP_*/omp_* call in _mlc over mlc's own copy: RTLD_DEEPBIND makes _mlc look in
# its own libraries first. Only then: the sanitizer runtimes refuse RTLD_DEEPBIND.
_flags = _sys.getdlopenflags()
if hasattr(_ctypes.CDLL(None), "GOMP_parallel"):
    _sys.setdlopenflags(_flags | _os.RTLD_DEEPBIND)
try:
    from . import _mlc
finally:
    _sys.setdlopenflags(_flags)
    if _set_policy:
        del _os.environ["OMP_WAIT_POLICY"]
    if _set_timeout:
        del _os.environ["OPENBLAS_THREAD_TIMEOUT"]
from ._threads import _init_from_environment, get_num_threads, set_num_threads

__version__ = "0.1.0"

_init_from_environment()

from ._config import _init_cpu_from_environment, show_config  # noqa: E402

_init_cpu_from_environment()

from . import (cluster, decomposition, discriminant_analysis, ensemble, exceptions, inspection, linear_model,  # noqa: E402
               metrics, mixture, model_selection, naive_bayes, neighbors, nn, preprocessing, svm, text, tree)

__all__ = ["set_num_threads", "get_num_threads", "show_config", "cluster", "decomposition",
           "discriminant_analysis", "ensemble", "exceptions", "inspection", "linear_model", "metrics", "mixture", "model_selection", "naive_bayes", "neighbors", "nn", "preprocessing", "svm", "text", "tree",
           "__version__"]
