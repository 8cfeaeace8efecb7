"""Matrix decomposition: PCA (full, covariance_eigh, randomized) and truncated SVD, in C over LAPACK."""
from ._pca import PCA, TruncatedSVD

__all__ = ["PCA", "TruncatedSVD"]
