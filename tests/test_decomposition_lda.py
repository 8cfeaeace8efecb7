"""LatentDirichletAllocation against scikit-learn's: the same random_state draws the same initial
components_ and E-step starts, so fits, transforms, bounds and perplexities agree to rounding (the
perplexity within 1e-6 relative; mlc's digamma is the exact one, scikit-learn's AS 103 is ~3e-9 off),
on generated counts and on the Rotten Tomatoes snippets counted by scikit-learn's CountVectorizer;
batch, online and partial_fit; dense and CSR; the same bits at 1 and 2 threads; bad input.
The E-step stops a document when its mean change is below mean_change_tol (1e-3): a rounding-level
difference can stop one a step earlier or later, so a few transform rows differ by up to ~1e-5 (atol)."""
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import LatentDirichletAllocation as SkLDA
from sklearn.utils.estimator_checks import parametrize_with_checks

import mlc
from mlc.decomposition import LatentDirichletAllocation as LDA
from conftest import assert_rss_stable, interrupted_while, needs_rss, rotten_tomatoes_or_skip

PERPLEXITY_RTOL = 1e-6
TRANSFORM_ATOL = 1e-5


def _counts(n=300, d=80, k=5, seed=0, density=1.0):
    """Counts drawn from an LDA model: n documents of ~40 words over d words and k topics."""
    rng = np.random.RandomState(seed)
    beta = rng.dirichlet(np.full(d, 0.1), size=k)
    theta = rng.dirichlet(np.full(k, 0.3), size=n)
    X = np.vstack([rng.multinomial(rng.poisson(40 * density) + 1, t @ beta) for t in theta]).astype(np.float64)
    return X


@pytest.fixture(scope="module")
def snippets():
    """Every 4th Rotten Tomatoes snippet (3,477 documents), counted by CountVectorizer."""
    from sklearn.feature_extraction.text import CountVectorizer
    texts = [r["text"] for r in rotten_tomatoes_or_skip()][::4]
    return CountVectorizer(min_df=3, max_df=0.5, stop_words="english").fit_transform(texts).astype(np.float64)


def assert_same_model(m, s, rtol=1e-6):
    np.testing.assert_allclose(m.components_, s.components_, rtol=rtol, atol=rtol * np.abs(s.components_).max())
    np.testing.assert_allclose(m.exp_dirichlet_component_, s.exp_dirichlet_component_, rtol=rtol,
                               atol=rtol * np.abs(s.exp_dirichlet_component_).max())
    assert m.n_iter_ == s.n_iter_ and m.n_batch_iter_ == s.n_batch_iter_
    assert m.doc_topic_prior_ == s.doc_topic_prior_ and m.topic_word_prior_ == s.topic_word_prior_
    np.testing.assert_allclose(m.bound_, s.bound_, rtol=PERPLEXITY_RTOL)


@pytest.mark.parametrize("method", ["batch", "online"])
@pytest.mark.parametrize("sparse", [False, True])
def test_fit_equals_scikit_learn_on_generated_counts(method, sparse):
    X = _counts()
    Xin = sp.csr_matrix(X) if sparse else X
    kw = dict(n_components=5, learning_method=method, max_iter=8, batch_size=64, random_state=0)
    s, m = SkLDA(**kw).fit(Xin), LDA(**kw).fit(Xin)
    assert_same_model(m, s)
    np.testing.assert_allclose(m.transform(Xin), s.transform(Xin), rtol=1e-6, atol=TRANSFORM_ATOL)
    np.testing.assert_allclose(m.transform(Xin, normalize=False), s.transform(Xin, normalize=False), rtol=1e-6,
                               atol=1e-3)
    np.testing.assert_allclose(m.perplexity(Xin), s.perplexity(Xin), rtol=PERPLEXITY_RTOL)
    np.testing.assert_allclose(m.perplexity(Xin, sub_sampling=True), s.perplexity(Xin, sub_sampling=True),
                               rtol=PERPLEXITY_RTOL)
    np.testing.assert_allclose(m.score(Xin), s.score(Xin), rtol=PERPLEXITY_RTOL)


@pytest.mark.parametrize("method", ["batch", "online"])
def test_fit_equals_scikit_learn_on_rotten_tomatoes(snippets, method):
    X = snippets
    kw = dict(n_components=10, learning_method=method, max_iter=3, batch_size=256, random_state=1)
    s, m = SkLDA(**kw).fit(X), LDA(**kw).fit(X)
    assert_same_model(m, s, rtol=1e-5)
    held = X[:300]
    np.testing.assert_allclose(m.perplexity(held), s.perplexity(held), rtol=PERPLEXITY_RTOL)
    np.testing.assert_allclose(m.transform(held), s.transform(held), rtol=1e-5, atol=TRANSFORM_ATOL)


def test_same_initial_components_same_perplexity(snippets):
    """From scikit-learn's fitted components_ (set on both), the same perplexity and transform."""
    s = SkLDA(n_components=8, max_iter=2, random_state=0).fit(snippets)
    m = LDA(n_components=8, max_iter=0, random_state=0).fit(snippets[:5])
    m.components_ = s.components_.copy()
    m.exp_dirichlet_component_ = s.exp_dirichlet_component_.copy()
    np.testing.assert_allclose(m.perplexity(snippets), s.perplexity(snippets), rtol=PERPLEXITY_RTOL)
    np.testing.assert_allclose(m.transform(snippets), s.transform(snippets), rtol=1e-6, atol=TRANSFORM_ATOL)


def test_init_components_hook():
    X = _counts(seed=3)

    class Doubled(LDA):
        def _init_components(self, n_features):
            return 2.0 * super()._init_components(n_features)

    s = SkLDA(4, max_iter=3, random_state=0)
    s._init_latent_vars(X.shape[1])
    s.components_ = 2.0 * s.components_
    from sklearn.decomposition._online_lda_fast import _dirichlet_expectation_2d
    s.exp_dirichlet_component_ = np.exp(_dirichlet_expectation_2d(s.components_))
    for _ in range(3):
        s._em_step(X, total_samples=X.shape[0], batch_update=True)
    m = Doubled(4, max_iter=3, random_state=0).fit(X)
    np.testing.assert_allclose(m.components_, s.components_, rtol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_partial_fit_in_chunks_equals_scikit_learn(sparse):
    X = _counts(n=400, seed=1)
    Xin = sp.csr_matrix(X) if sparse else X
    kw = dict(n_components=6, batch_size=50, total_samples=4000, learning_decay=0.8, random_state=0)
    s, m = SkLDA(**kw), LDA(**kw)
    for chunk in np.array_split(np.arange(400), 3):
        s.partial_fit(Xin[chunk])
        m.partial_fit(Xin[chunk])
    np.testing.assert_allclose(m.components_, s.components_, rtol=1e-6)
    assert m.n_batch_iter_ == s.n_batch_iter_
    np.testing.assert_allclose(m.perplexity(Xin), s.perplexity(Xin), rtol=PERPLEXITY_RTOL)


def test_evaluate_every_and_verbose_as_scikit_learn(capsys):
    X = _counts(seed=2)
    kw = dict(n_components=4, max_iter=30, evaluate_every=2, perp_tol=0.5, random_state=0, verbose=1)
    s = SkLDA(**kw).fit(X)
    out_s = capsys.readouterr().out
    m = LDA(**kw).fit(X)
    out_m = capsys.readouterr().out
    assert m.n_iter_ == s.n_iter_ < 30
    assert out_m.count("iteration:") == out_s.count("iteration:") and "perplexity:" in out_m
    np.testing.assert_allclose(m.bound_, s.bound_, rtol=PERPLEXITY_RTOL)


def test_random_state_none_draws_from_numpy_global_state():
    X = _counts(seed=4)
    np.random.seed(7)
    s = SkLDA(3, max_iter=2).fit(X)
    np.random.seed(7)
    m = LDA(3, max_iter=2).fit(X)
    np.testing.assert_allclose(m.components_, s.components_, rtol=1e-6)


def test_priors_and_float32_input():
    X = _counts(seed=5)
    kw = dict(n_components=3, doc_topic_prior=0.5, topic_word_prior=0.05, max_iter=4, max_doc_update_iter=7,
              mean_change_tol=1e-5, random_state=0)
    s, m = SkLDA(**kw).fit(X), LDA(**kw).fit(X)
    assert_same_model(m, s)
    out = m.transform(X.astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, m.transform(X), rtol=1e-6)


def test_same_bits_at_one_and_two_threads(threads):
    X = sp.csr_matrix(_counts(n=3000, d=400, k=10, seed=6))
    fits = {}
    for n_jobs in (1, 2):
        for method in ("batch", "online"):
            m = LDA(10, learning_method=method, max_iter=2, batch_size=512, random_state=0, n_jobs=n_jobs).fit(X)
            fits[n_jobs, method] = (m.components_, m.transform(X), m.bound_, m.score(X))
    for method in ("batch", "online"):
        for a, b in zip(fits[1, method], fits[2, method]):
            np.testing.assert_array_equal(a, b)


def test_fitted_attributes_names_and_pickle():
    pd = pytest.importorskip("pandas")
    X = _counts(seed=8)
    df = pd.DataFrame(X, columns=[f"w{i}" for i in range(X.shape[1])])
    m = LDA(4, max_iter=2, random_state=0).fit(df)
    assert m.n_features_in_ == X.shape[1] and list(m.feature_names_in_) == list(df.columns)
    assert m.get_feature_names_out().tolist() == [f"latentdirichletallocation{i}" for i in range(4)]
    out = LDA(4, max_iter=2, random_state=0).set_output(transform="pandas").fit_transform(df)
    assert list(out.columns) == m.get_feature_names_out().tolist()
    np.testing.assert_allclose(out.to_numpy(), m.transform(df), rtol=1e-12)
    back = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(back.transform(df), m.transform(df))


@parametrize_with_checks([LDA(), LDA(learning_method="online", random_state=0)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


# ---- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw,match", [
    ({"n_components": 0}, "n_components == 0, must be >= 1"),
    ({"n_components": 2.5}, "n_components must be an instance"),
    ({"doc_topic_prior": -0.1}, "doc_topic_prior == -0.1, must be >= 0"),
    ({"topic_word_prior": 2.0}, "topic_word_prior == 2.0, must be <= 1"),
    ({"learning_method": "sgd"}, "learning_method must be one of"),
    ({"learning_decay": 0.5}, "learning_decay == 0.5, must be > 0.5"),
    ({"learning_decay": 1.5}, "learning_decay == 1.5, must be <= 1"),
    ({"learning_offset": 0.5}, "learning_offset == 0.5, must be >= 1"),
    ({"max_iter": -1}, "max_iter == -1, must be >= 0"),
    ({"batch_size": 0}, "batch_size == 0, must be >= 1"),
    ({"total_samples": 0}, "total_samples == 0, must be > 0"),
    ({"perp_tol": -1.0}, "perp_tol == -1.0, must be >= 0"),
    ({"mean_change_tol": float("nan")}, "mean_change_tol == nan, must be a finite number"),
    ({"max_doc_update_iter": -2}, "max_doc_update_iter == -2, must be >= 0"),
    ({"n_jobs": 0}, "n_jobs must be None"),
])
def test_bad_hyper_parameters(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        LDA(**kw).fit(_counts(n=20))


def test_bad_input():
    X = _counts(n=30)
    with pytest.raises(ValueError, match="Negative values in data passed to LatentDirichletAllocation.fit"):
        LDA(2).fit(X - 1)
    with pytest.raises(ValueError, match="Negative values in data passed to LatentDirichletAllocation.fit"):
        LDA(2).fit(sp.csr_matrix(X) * -1)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="contains NaN"):
        LDA(2).fit(bad)
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="contains infinity"):
        LDA(2).fit(bad)
    with pytest.raises(ValueError, match="0 sample"):
        LDA(2).fit(np.zeros((0, 5)))
    with pytest.raises(ValueError, match="Expected 2D array, got 1D"):
        LDA(2).fit(X[0])
    with pytest.raises(ValueError, match="Found array with dim 3"):
        LDA(2).fit(X[None])
    with pytest.raises(ValueError, match="strings"):
        LDA(2).fit(np.array([["a", "b"], ["c", "d"]]))
    m = LDA(2, max_iter=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 79 features, but LatentDirichletAllocation is expecting 80"):
        m.transform(sp.csr_matrix(X[:, :-1]))
    with pytest.raises(ValueError, match="X has 81 features"):
        m.partial_fit(np.hstack([X, X[:, :1]]))
    with pytest.raises(ValueError, match="Negative values in data passed to LatentDirichletAllocation.transform"):
        m.transform(-X)
    with pytest.raises(ValueError, match="Negative values in data passed to LatentDirichletAllocation.perplexity"):
        m.perplexity(-X)
    with pytest.raises(mlc.exceptions.NotFittedError):
        LDA(2).transform(X)


def test_kernels_reject_wrong_shapes():
    from mlc import _mlc
    from mlc.decomposition._latent_dirichlet import _documents
    X = _counts(n=10, d=6)
    docs = _documents(X)
    eb = np.ones((3, 6))
    with pytest.raises(ValueError, match="gamma"):
        _mlc.latent_dirichlet_estep(docs, np.ones((9, 3)), eb, 0.1, 10, 1e-3)
    with pytest.raises(ValueError, match="exp_beta"):
        _mlc.latent_dirichlet_estep(docs, np.ones((10, 3)), np.ones((3, 5)), 0.1, 10, 1e-3)
    with pytest.raises(TypeError, match="CSR tuple"):
        _mlc.latent_dirichlet_estep(X, np.ones((10, 3)), eb, 0.1, 10, 1e-3)
    bad = (docs[0], docs[1] + 100, docs[2], docs[3])
    with pytest.raises(ValueError):
        _mlc.latent_dirichlet_estep(bad, np.ones((10, 3)), eb, 0.1, 10, 1e-3)
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        _mlc.latent_dirichlet_estep(docs, np.ones((10, 0)), np.ones((0, 6)), 0.1, 10, 1e-3)
    with pytest.raises(ValueError, match="weight"):
        _mlc.latent_dirichlet_mstep(np.ones((3, 6)), np.ones((3, 6)), np.ones((3, 6)), 0.1, 1.5)


# ---- interrupts and leaks -------------------------------------------------------------------------
def test_ctrl_c_stops_a_fit():
    X = sp.csr_matrix(_counts(n=4000, d=300, seed=9))
    interrupted_while(lambda: LDA(20, max_iter=50, random_state=0).fit(X))


@needs_rss
def test_fit_transform_loop_does_not_grow_rss():
    X = _counts(n=40, d=20, seed=10)
    Xs = sp.csr_matrix(X)

    def once():
        m = LDA(3, max_iter=2, learning_method="online", batch_size=16, random_state=0).fit(Xs)
        m.transform(X)
        m.perplexity(Xs)

    assert_rss_stable(once)
