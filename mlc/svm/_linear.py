"""Linear support vector machines (LinearSVC) fitted in C by dual coordinate descent."""

__all__ = []
