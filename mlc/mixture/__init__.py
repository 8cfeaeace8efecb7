"""Mixture models: Gaussian mixtures fitted by EM in C."""
from ._gmm import GaussianMixture

__all__ = ["GaussianMixture"]
