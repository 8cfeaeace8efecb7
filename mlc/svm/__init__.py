"""Support vector machines: SVC and SVR by SMO; LinearSVC and LinearSVR by coordinate descent (LIBLINEAR)."""
from ._kernel import SVC, SVR
from ._linear import LinearSVC, LinearSVR

__all__ = ["SVC", "SVR", "LinearSVC", "LinearSVR"]
