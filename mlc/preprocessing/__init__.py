"""Preprocessing: feature scaling (StandardScaler, MinMaxScaler, MaxAbsScaler) with its statistics and
maps in C; StandardScaler(with_mean=False) and MaxAbsScaler also on scipy.sparse input."""
from ._scale import MaxAbsScaler, MinMaxScaler, StandardScaler

__all__ = ["StandardScaler", "MinMaxScaler", "MaxAbsScaler"]
