"""Neural networks: float32 layers over C kernels, a Sequential container, MLP and CNN estimators."""

__all__ = []
