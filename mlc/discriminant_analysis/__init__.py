"""Linear and quadratic discriminant analysis (scikit-learn's mlc.discriminant_analysis)."""
from ._lda import LinearDiscriminantAnalysis
from ._qda import QuadraticDiscriminantAnalysis

__all__ = ["LinearDiscriminantAnalysis", "QuadraticDiscriminantAnalysis"]
