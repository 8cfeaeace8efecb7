"""scikit-learn-intelex (oneDAL) as a second reference: its patched estimators, imported lazily.

``intelex(module, name)`` is the class ``sklearnex.<module>.<name>`` with oneDAL's thread count
set to mlc's (python -m bench sets that for both sides before a family's rows run), or None, after
a one-time note, when scikit-learn-intelex is not installed (the bench extra brings it): a family
then skips those rows.
"""
import importlib

REF_NAME = "scikit-learn-intelex"
_noted = []


def intelex(module, name):
    try:
        import daal4py
        cls = getattr(importlib.import_module(f"sklearnex.{module}"), name)
    except ImportError:
        if not _noted:
            print("  (scikit-learn-intelex is not installed: its rows are skipped; "
                  "pip install scikit-learn-intelex)", flush=True)
            _noted.append(True)
        return None
    import mlc
    daal4py.daalinit(mlc.get_num_threads())  # oneDAL's threads are TBB's: threadpoolctl does not see them
    return cls
