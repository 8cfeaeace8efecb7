"""Support vector machines: SVC and SVR by SMO; LinearSVC and LinearSVR by coordinate descent (LIBLINEAR)."""
from ._kernel import *  # noqa: F401,F403
from ._kernel import __all__ as _kernel_all
from ._linear import *  # noqa: F401,F403
from ._linear import __all__ as _linear_all

__all__ = list(_kernel_all) + list(_linear_all)
