"""Neural networks: float32 layers over C kernels (csrc/nn/), a Sequential container whose
parameters live in one flat buffer, optimisers, losses, and scikit-learn-style estimators.

    from mlc.nn import Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Dense
    from mlc.nn import NeuralNetClassifier, MLPClassifier
"""
from ._estimators import MLPClassifier, MLPRegressor, NeuralNetClassifier, NeuralNetRegressor
from ._layers import (AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dense, Dropout, Flatten, Identity, Layer,
                      LeakyReLU, MaxPool2d, ReLU, Residual, Sigmoid, Tanh)
from ._loss import BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss
from ._model import Sequential
from ._optim import SGD, Adagrad, Adam, AdamW, RMSprop, clip_grad_norm, clip_grad_value
from ._torch_layers import AdaptiveAvgPool2d, Conv1d, LogSoftmax, Softmax
from ._scheduler import (CosineAnnealingLR, ExponentialLR, LRScheduler, MultiStepLR, OneCycleLR, ReduceLROnPlateau,
                         StepLR)

__all__ = ["Layer", "Dense", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Dropout", "ReLU",
           "LeakyReLU", "Sigmoid", "Tanh", "Identity", "Flatten", "Residual", "Softmax",
           "LogSoftmax", "AdaptiveAvgPool2d", "Sequential",
           "SGD", "Adagrad", "Adam", "AdamW", "RMSprop", "clip_grad_norm", "clip_grad_value",
           "LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau",
           "OneCycleLR",
           "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss",
           "MLPClassifier", "MLPRegressor", "NeuralNetClassifier", "NeuralNetRegressor"]
