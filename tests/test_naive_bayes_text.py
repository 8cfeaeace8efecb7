"""The count models on a real bag-of-words corpus: the Rotten Tomatoes snippets (fresh / rotten /
plot), counted with NumPy into a CSR matrix. Same tolerances as tests/test_naive_bayes.py: fitted
attributes within 1e-10 relative of scikit-learn's, joint log-likelihood and log posterior within
1e-10 of each row's largest |joint log-likelihood|, the same predictions."""
import re

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import naive_bayes as skn

from mlc import naive_bayes as nb
from conftest import rotten_tomatoes_or_skip
from test_naive_bayes import assert_same_attributes, assert_same_predictions

@pytest.fixture(scope="module")
def corpus():
    """(X counts CSR (documents, words seen in >= 2 documents), y category, vocabulary)."""
    rows = rotten_tomatoes_or_skip()
    labels = np.array([r["category"] for r in rows])
    docs = [re.findall(r"[a-z']+", r["text"].lower()) for r in rows]
    doc_of = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    vocab, word_of = np.unique(np.concatenate([np.array(d, dtype=object) for d in docs]).astype(str),
                               return_inverse=True)
    pairs, counts = np.unique(doc_of * len(vocab) + word_of, return_counts=True)
    doc, word = np.divmod(pairs, len(vocab))
    df = np.bincount(word, minlength=len(vocab))
    keep = np.flatnonzero(df >= 2)
    new_id = np.full(len(vocab), -1)
    new_id[keep] = np.arange(len(keep))
    m = new_id[word] >= 0
    X = sp.csr_matrix((counts[m].astype(np.float64), (doc[m], new_id[word[m]])), shape=(len(docs), len(keep)))
    return X, labels, vocab[keep]


def test_corpus_is_the_one_described(corpus):
    X, y, vocab = corpus
    assert X.shape[0] == 13905 and X.shape[1] > 10_000
    assert sorted(np.unique(y)) == ["fresh", "plot", "rotten"]


@pytest.mark.parametrize("cls,kw", [("MultinomialNB", {}), ("MultinomialNB", {"alpha": 0.1, "fit_prior": False}),
                                    ("ComplementNB", {}), ("ComplementNB", {"norm": True}),
                                    ("BernoulliNB", {}), ("BernoulliNB", {"binarize": 1.0, "alpha": 0.5})])
def test_same_as_sklearn_on_the_corpus(corpus, cls, kw):
    X, y, _ = corpus
    rng = np.random.default_rng(0)
    test = rng.random(X.shape[0]) < 0.25
    ours = getattr(nb, cls)(**kw).fit(X[~test], y[~test])
    theirs = getattr(skn, cls)(**kw).fit(X[~test], y[~test])
    assert_same_attributes(ours, theirs)
    assert_same_predictions(ours, theirs, X[test])
    accuracy = (ours.predict(X[test]) == y[test]).mean()
    assert accuracy > 0.55  # fresh / rotten / plot from words: above the 0.53 of the majority class


def test_partial_fit_in_chunks_and_dense_copy_on_the_corpus(corpus):
    X, y, _ = corpus
    whole = nb.MultinomialNB().fit(X, y)
    chunks = nb.MultinomialNB()
    for idx in np.array_split(np.arange(X.shape[0]), 9):
        chunks.partial_fit(X[idx], y[idx], classes=np.unique(y))
    np.testing.assert_allclose(chunks.feature_count_, whole.feature_count_, rtol=1e-13)
    np.testing.assert_allclose(chunks.feature_log_prob_, whole.feature_log_prob_, rtol=1e-13)
    np.testing.assert_array_equal(chunks.predict(X), whole.predict(X))
    part = X[:1500]
    dense = nb.MultinomialNB().fit(part.toarray(), y[:1500])
    sparse = nb.MultinomialNB().fit(part, y[:1500])
    np.testing.assert_allclose(sparse.feature_log_prob_, dense.feature_log_prob_, rtol=1e-13)
    np.testing.assert_allclose(sparse.predict_log_proba(part), dense.predict_log_proba(part.toarray()),
                               rtol=1e-12, atol=1e-12)
