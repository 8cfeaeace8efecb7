"""Matrix decomposition: PCA (full, covariance_eigh, randomized) and truncated SVD, in C over LAPACK;
LatentDirichletAllocation (batch and online variational Bayes), in C."""
from ._latent_dirichlet import LatentDirichletAllocation
from ._pca import PCA, TruncatedSVD

__all__ = ["PCA", "TruncatedSVD", "LatentDirichletAllocation"]
