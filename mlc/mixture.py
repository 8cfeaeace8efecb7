"""Gaussian mixtures (being written: issue 3)."""

__all__ = []
