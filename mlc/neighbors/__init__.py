"""Nearest neighbours: k-nearest-neighbour and radius search, classification and regression, by brute
force or a kd-tree / ball tree in C."""
from ._knn import VALID_METRICS, KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from ._radius import RadiusNeighborsClassifier, RadiusNeighborsRegressor

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors", "RadiusNeighborsClassifier",
           "RadiusNeighborsRegressor", "VALID_METRICS"]
