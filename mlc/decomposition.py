"""PCA and truncated SVD (being written: issue 3)."""

__all__ = []
