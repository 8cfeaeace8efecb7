"""Support vector machines: SVC and SVR by SMO."""
from ._kernel import *  # noqa: F401,F403
from ._kernel import __all__ as _kernel_all

__all__ = list(_kernel_all)
