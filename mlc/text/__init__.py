"""Text to numbers without scikit-learn: ``bag_of_words`` is CountVectorizer(min_df, max_df, max_features)
in C (tokens, counts, vocabulary, pruning), returning a CSR count matrix and the sorted terms."""
from ._bag_of_words import BagOfWords, bag_of_words

__all__ = ["bag_of_words", "BagOfWords"]
