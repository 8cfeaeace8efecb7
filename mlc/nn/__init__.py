"""Neural networks: float32 layers over C kernels (csrc/nn/), a Sequential container whose
parameters live in one flat buffer, optimisers, and scikit-learn-style estimators.

    from mlc.nn import Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Dense
    from mlc.nn import NeuralNetClassifier, MLPClassifier
"""
from .estimators import *  # noqa: F401,F403
from .estimators import __all__ as _est_all
from .layers import *  # noqa: F401,F403
from .layers import __all__ as _layers_all
from .model import Sequential
from .optim import *  # noqa: F401,F403
from .optim import __all__ as _optim_all

__all__ = list(_layers_all) + ["Sequential"] + list(_optim_all) + list(_est_all)
