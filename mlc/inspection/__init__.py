"""Model inspection (scikit-learn's inspection module): permutation_importance."""
from ._permutation_importance import permutation_importance

__all__ = ["permutation_importance"]
