"""Naive Bayes: mlc vs scikit-learn. GaussianNB on 10^6 x 50 generated measurements; MultinomialNB on a
generated 100k-document bag-of-words corpus (Zipf word frequencies, CSR, 50k words, 20 topics). Each row times fit + predict_proba
(the counting and the joint log-likelihood); the quality is the training accuracy of each side."""
import numpy as np

from bench._harness import compare, selected


def _gaussian_data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=0.2, size=(k, d))
    y = rng.integers(0, k, n)
    X = centers[y] + rng.normal(size=(n, d)) * rng.uniform(0.5, 2.0, size=(k, d))[y]
    return X, y


def _corpus(n_docs, n_words, words_per_doc, k, seed=0):
    """Documents of k topics: 49 words in 50 from one Zipf distribution over the vocabulary, the rest from
    the topic's own shuffle of it (so the classes overlap, as real text does)."""
    import scipy.sparse as sp
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n_docs)
    p = 1.0 / np.arange(1, n_words + 1) ** 1.1
    p /= p.sum()
    ranks = rng.choice(n_words, size=(n_docs, words_per_doc), p=p)
    perms = np.stack([rng.permutation(n_words) for _ in range(k)])
    topical = rng.random((n_docs, words_per_doc)) < 0.02
    cols = np.where(topical, perms[y[:, None], ranks], ranks).ravel()
    rows = np.repeat(np.arange(n_docs), words_per_doc)
    X = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_docs, n_words))
    X.sum_duplicates()
    return X, y


def rows(quick=False):
    import sklearn.naive_bayes as skn

    import mlc.naive_bayes as nb

    repeats = 2 if quick else 7
    n, d, k = (100_000, 50, 10) if quick else (1_000_000, 50, 10)
    work = f"GaussianNB fit+predict_proba {n}x{d} k={k}"
    if selected(work):
        X, y = _gaussian_data(n, d, k)
        yield compare("naive_bayes", work, lambda: nb.GaussianNB().fit(X, y).predict_proba(X),
                      lambda: skn.GaussianNB().fit(X, y).predict_proba(X),
                      lambda p: float((p.argmax(axis=1) == y).mean()), "train accuracy", repeats=repeats)
    n_docs, n_words = (10_000, 20_000) if quick else (100_000, 50_000)
    work = f"MultinomialNB fit+predict_proba sparse {n_docs} docs x {n_words} words k=20"
    if selected(work):
        X, y = _corpus(n_docs, n_words, 80, 20)
        yield compare("naive_bayes", work, lambda: nb.MultinomialNB().fit(X, y).predict_proba(X),
                      lambda: skn.MultinomialNB().fit(X, y).predict_proba(X),
                      lambda p: float((p.argmax(axis=1) == y).mean()), "train accuracy", repeats=repeats)
