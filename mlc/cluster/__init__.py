"""Clustering: k-means (Lloyd or Elkan), mini-batch k-means and k-means++ seeding, in C."""
from ._kmeans import KMeans, MiniBatchKMeans, kmeans_plusplus

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]
