"""mlc: machine-learning algorithms and networks written in C, with scikit-learn-style wrappers.

Run ``python -m mlc`` for a tour: every estimator on real data next to scikit-learn.
"""
from . import _mlc
from ._threads import _init_from_environment, get_num_threads, set_num_threads

__version__ = "0.1.0"

_init_from_environment()

from . import (cluster, decomposition, exceptions, linear_model, metrics, mixture,  # noqa: E402
               neighbors, nn, preprocessing, svm)

__all__ = ["set_num_threads", "get_num_threads", "cluster", "decomposition", "exceptions",
           "linear_model", "metrics", "mixture", "neighbors", "nn", "preprocessing", "svm", "__version__"]
