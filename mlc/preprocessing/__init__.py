"""Preprocessing: feature scaling (StandardScaler, MinMaxScaler) with its statistics and maps in C."""
from ._scale import MinMaxScaler, StandardScaler

__all__ = ["StandardScaler", "MinMaxScaler"]
