"""Metrics: pairwise distances, classification, ranking and regression scores."""
from ._pairwise import PAIRWISE_METRICS, pairwise_distances
from ._classification import (accuracy_score, confusion_matrix, f1_score, log_loss,
                              precision_recall_fscore_support, precision_score, recall_score)
from ._ranking import roc_auc_score, roc_curve
from ._regression import mean_squared_error, r2_score
from ..exceptions import InvalidParameterError, UndefinedMetricWarning

__all__ = [
    "pairwise_distances", "PAIRWISE_METRICS", "accuracy_score", "precision_score", "recall_score",
    "f1_score", "precision_recall_fscore_support", "confusion_matrix", "roc_curve", "roc_auc_score",
    "log_loss", "r2_score", "mean_squared_error", "UndefinedMetricWarning", "InvalidParameterError",
]
