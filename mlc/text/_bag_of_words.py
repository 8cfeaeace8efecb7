"""bag_of_words: scikit-learn's CountVectorizer(min_df, max_df, max_features) with its other defaults,
without scikit-learn. Python lowercases and encodes the documents (str.lower is Unicode's full case
mapping) and says which code points are word characters; the C kernel (csrc/text/) tokenises, counts,
builds and sorts the vocabulary and the CSR matrix and drops the pruned columns."""
import re
import sys
from numbers import Integral
from typing import NamedTuple

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from ..exceptions import InvalidParameterError

_OUTPUTS = ("csr", "arrays", "dense")
_word = None


def _word_table():
    """The bitset (bit c % 8 of byte c // 8) of the code points that the regex \\w matches: Python's own
    definition (str.isalnum() or '_') for this Python's Unicode version. Made once, ~0.1 s."""
    global _word
    if _word is None:
        every = np.arange(sys.maxunicode + 1, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
        word = np.zeros(len(every), dtype=bool)
        for m in re.finditer(r"\w+", every):
            word[m.start():m.end()] = True
        _word = np.packbits(word, bitorder="little")
    return _word


class BagOfWords(NamedTuple):
    """What bag_of_words returns: ``counts, terms = bag_of_words(docs)``.

    counts: the (n_documents, n_terms) int64 count matrix, a scipy.sparse.csr_matrix (output="csr"),
    a (data, indices, indptr) tuple of NumPy arrays (output="arrays") or a dense ndarray ("dense").
    terms: object ndarray of the terms in column order (sorted), CountVectorizer's
    get_feature_names_out(). ``.vocabulary`` is the dict term -> column (its vocabulary_).
    """
    counts: object
    terms: np.ndarray

    @property
    def vocabulary(self):
        return {term: i for i, term in enumerate(self.terms)}


def _check_df(value, name):
    ok = (isinstance(value, float) and 0.0 <= value <= 1.0) or (isinstance(value, Integral) and value >= 1)
    if not ok:
        raise InvalidParameterError(f"The {name!r} parameter of bag_of_words must be a float in the range "
                                    f"[0.0, 1.0] or an int in the range [1, inf). Got {value!r} instead.")


def _encode(docs):
    """(UTF-8 of the lowercased documents joined, doc_start (N + 1) int64) after CountVectorizer's checks."""
    if isinstance(docs, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    if isinstance(docs, (bytes, bytearray)):
        raise TypeError("Iterable over raw text documents expected, bytes object received "
                        "(pass a list of documents)")
    try:
        docs = list(docs)
    except TypeError:
        raise TypeError(f"Iterable over raw text documents expected, got {type(docs).__name__}") from None
    try:
        if any(not isinstance(d, str) for d in docs):
            raise AttributeError
        encoded = [d.lower().encode("utf-8", "surrogatepass") for d in docs]
    except AttributeError:
        encoded = []
        for i, d in enumerate(docs):
            if isinstance(d, (bytes, bytearray)):
                d = bytes(d).decode("utf-8")  # CountVectorizer's encoding='utf-8', decode_error='strict'
            elif not isinstance(d, str):
                if isinstance(d, float) and d != d:
                    raise ValueError("np.nan is an invalid document, expected byte or unicode string.")
                raise TypeError(f"documents must be str (or UTF-8 bytes); document {i} is a "
                                f"{type(d).__name__}: {d!r:.40}")
            encoded.append(d.lower().encode("utf-8", "surrogatepass"))
    doc_start = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=doc_start[1:])
    return b"".join(encoded), doc_start


def bag_of_words(docs, min_df=1, max_df=1.0, max_features=None, *, output="csr"):
    """The document-term count matrix and the vocabulary of a corpus, in C: exactly what scikit-learn's
    ``CountVectorizer(min_df=min_df, max_df=max_df, max_features=max_features).fit_transform(docs)`` gives
    (its other parameters at their defaults: lowercase, tokens of 2+ word characters by the pattern
    ``(?u)\\b\\w\\w+\\b``, terms sorted), with the same errors.

    Parameters
    ----------
    docs : iterable of str
        The documents (bytes items are decoded as UTF-8, as CountVectorizer does).
    min_df, max_df : float in [0.0, 1.0] or int >= 1
        Keep the terms found in at least ``min_df`` and at most ``max_df`` documents (a float is a
        fraction of the documents).
    max_features : int >= 1 or None
        Then keep the ``max_features`` terms of highest total count (ties at the cut broken as
        CountVectorizer breaks them: by NumPy's argsort of the negated counts in term order).
    output : {"csr", "arrays", "dense"}
        The form of ``counts``: a scipy.sparse.csr_matrix (scipy is imported for it, and only for it),
        a ``(data, indices, indptr)`` tuple of int64, int32, int64 arrays, or a dense int64 ndarray. The
        last two need NumPy only.

    Returns
    -------
    BagOfWords
        ``(counts, terms)``: counts (n_documents, n_terms) int64 with columns in term order; terms the
        object ndarray of terms; ``.vocabulary`` the dict term -> column.

    The work runs on ``mlc.get_num_threads()`` threads (documents split between them) without the GIL;
    the result does not depend on the number of threads.
    """
    _check_df(min_df, "min_df")
    _check_df(max_df, "max_df")
    if max_features is not None and not (isinstance(max_features, Integral) and max_features >= 1):
        raise InvalidParameterError("The 'max_features' parameter of bag_of_words must be an int in the range "
                                    f"[1, inf) or None. Got {max_features!r} instead.")
    if output not in _OUTPUTS:
        raise InvalidParameterError(f"output must be one of {_OUTPUTS}, got {output!r}")
    text, doc_start = _encode(docs)
    word = None if text.isascii() else _word_table()
    blob, df, tf, indptr, indices, counts = _mlc.text_count(text, doc_start, word, n_threads=get_num_threads())
    if df.size == 0:
        raise ValueError("empty vocabulary: no document has a token of 2 or more word characters")
    n_doc = doc_start.size - 1
    # CountVectorizer's thresholds and comparisons, to the letter (an int is a count, a float a fraction)
    max_doc_count = max_df if isinstance(max_df, Integral) else max_df * n_doc
    min_doc_count = min_df if isinstance(min_df, Integral) else min_df * n_doc
    if max_doc_count < min_doc_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    keep = (df <= max_doc_count) & (df >= min_doc_count)
    if max_features is not None and keep.sum() > max_features:
        # NumPy's argsort is not stable, so the terms kept among equal counts at the cut are the ones
        # CountVectorizer keeps only if it is the same call on the same array: the one line done in NumPy
        top = (-tf[keep]).argsort()[:max_features]
        new = np.zeros(df.size, dtype=bool)
        new[np.flatnonzero(keep)[top]] = True
        keep = new
    if not keep.any():
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    terms = np.array(blob.decode("utf-8", "surrogatepass").split("\n")[:-1], dtype=object)
    if not keep.all():
        _mlc.text_prune(indptr, indices, counts, np.where(keep, np.cumsum(keep) - 1, -1).astype(np.int32))
        indices, counts = indices[:indptr[-1]].copy(), counts[:indptr[-1]].copy()
        terms = terms[keep]
    shape = (n_doc, terms.size)
    if output == "arrays":
        return BagOfWords((counts, indices, indptr), terms)
    if output == "dense":
        dense = np.zeros(shape, dtype=np.int64)
        dense[np.repeat(np.arange(n_doc), np.diff(indptr)), indices] = counts
        return BagOfWords(dense, terms)
    try:
        import scipy.sparse as sp
    except ImportError:
        raise ImportError("bag_of_words(output='csr') returns a scipy.sparse matrix and scipy is not installed: "
                          "pip install scipy, or pass output='arrays' (data, indices, indptr) or "
                          "output='dense'") from None
    X = sp.csr_matrix((counts, indices, indptr), shape=shape)
    X.has_sorted_indices = True
    return BagOfWords(X, terms)
