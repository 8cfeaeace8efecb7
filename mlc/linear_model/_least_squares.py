"""Least squares (being written: issue 4)."""

__all__ = []
