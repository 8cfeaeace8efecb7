"""Model selection and evaluation helpers: bias_variance_decomp (the bias-variance decomposition of an
estimator's loss over bootstrap replicates of its training set, mlxtend's definitions)."""
from ._bias_variance import bias_variance_decomp

__all__ = ["bias_variance_decomp"]
