"""Nearest neighbours: k-nearest-neighbour classification, regression and search, brute force in C."""
from ._knn import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors"]
