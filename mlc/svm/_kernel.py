"""Kernel support vector machines: SVC (C-SVC) and SVR (epsilon-SVR) fitted by SMO in C.

The solver (csrc/svm/smo.c) is LIBSVM's: second-order working-set selection (Fan, Chen & Lin
2005), the same two-variable update, the same bias rho, kernel rows computed by one GEMV against X
and kept in an LRU cache of ``cache_size`` MB, and LIBSVM's shrinking (``shrinking=True``).
Prediction (csrc/svm/kernel.c) computes K(X, support vectors) block by block and multiplies each
block by the coefficients of every pair at once. Multiclass SVC is one-vs-one as in LIBSVM: one
binary problem per pair of classes (i, j), i < j, in class order, with class i as +1; the fitted
attributes (``support_`` grouped by class, ``dual_coef_`` of shape (n_classes - 1, n_SV),
``intercept_``) are laid out as scikit-learn's, so decision values can be compared one for one.

Differences from scikit-learn:
- ``probability=True`` follows LIBSVM (Platt scaling fitted on decision values from an internal
  5-fold cross-validation per pair of classes, Lin, Lin & Weng's Newton method; pairwise
  probabilities coupled by Wu, Lin & Weng's method 2), but the folds are drawn by NumPy from
  ``random_state``, not by LIBSVM's rand(): probabilities agree with scikit-learn's to about
  1e-2, not bit for bit.
- ``sample_weight`` scales each sample's bound and drops samples of weight <= 0, as LIBSVM does,
  but ``support_`` indexes the rows of X as given (scikit-learn's indexes the rows left after
  dropping, scikit-learn issue #5150 / PR #27763), NaN weights raise instead of dropping the
  sample, and a class whose weights are all zero keeps its place in ``classes_`` with no support
  vectors: its pairs vote for the other class (scikit-learn's model then loses track of the
  classes, issue #25380).
- sparse X (scipy.sparse; CSR, other formats are converted to CSR) is never densified: kernel rows
  come from the CSR rows in C (csrc/svm/kernel.c), ``support_vectors_`` is then a sparse matrix of
  the input's class, as in scikit-learn, but ``dual_coef_`` and ``coef_`` stay dense arrays
  (scikit-learn makes them sparse matrices). The fit is that of the dense copy, up to the rounding
  of the dot products. A model fitted on sparse X predicts dense X (made CSR); one fitted on dense X
  rejects sparse X, as scikit-learn does.
- the one-vs-one pairs are solved in parallel (OpenMP threads, ``mlc.set_num_threads``), each as
  LIBSVM would; the fit does not depend on the number of threads.
"""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._math import expit, linear_scores
from .._validation import (_is_sparse, check_array, check_choice, check_classification_targets, check_is_fitted,
                           check_legacy_random_state, check_scalar, check_sample_weight, compute_class_weight,
                           csr_parts, encode_labels)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, available_if
from ..exceptions import ConvergenceWarning, NotFittedError

__all__ = ["SVC", "SVR"]

_KERNELS = _mlc.ENUMS["svm_kernel"]


def _rows(X):
    """X as the C solvers take it: the dense array, or a CSR matrix's (data, indices, indptr, n_features)."""
    return csr_parts(X) if _is_sparse(X) else X


class _BaseSVM(BaseEstimator):
    """Shared: hyper-parameter checks, gamma, kernel evaluation."""

    def _check_common(self):
        check_choice(self.kernel, "kernel", tuple(_KERNELS))
        # C=inf (a hard margin) as scikit-learn allows it for SVC; for SVR the dual is then unbounded
        # along the tube and LIBSVM's SMO never stops (scikit-learn's SVR(C=np.inf) hangs), so it is refused
        check_scalar(self.C, "C", numbers.Real, min_val=0.0, include_boundaries="neither",
                     allow_inf=isinstance(self, ClassifierMixin))
        check_scalar(self.degree, "degree", numbers.Integral, min_val=0)
        check_scalar(self.coef0, "coef0", numbers.Real)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0, include_boundaries="neither")
        check_scalar(self.cache_size, "cache_size", numbers.Real, min_val=0.0, include_boundaries="neither")
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=-1)
        if isinstance(self.gamma, str):
            check_choice(self.gamma, "gamma", ("scale", "auto"))
        else:
            check_scalar(self.gamma, "gamma", numbers.Real, min_val=0.0, include_boundaries="neither")

    def _resolve_gamma(self, X):
        if self.gamma == "scale":
            var = X.multiply(X).mean() - X.mean() ** 2 if _is_sparse(X) else X.var()
            return 1.0 / (X.shape[1] * var) if var != 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _kernel_args(self):
        return dict(kernel=_KERNELS[self.kernel], degree=int(self.degree), gamma=float(self._gamma),
                    coef0=float(self.coef0))

    def _decision(self, X, SV, W, b):
        """K(X, SV) W + b (n, P), fused in C block by block."""
        return _mlc.svm_decision(_rows(X), _rows(SV), W, b, **self._kernel_args())

    @property
    def coef_(self):
        """Primal weights (linear kernel only): (1, D) for two classes or SVR, one row per pair
        of classes otherwise."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        check_is_fitted(self)
        start = getattr(self, "_sv_start", None)
        if start is None or len(start) <= 3:
            return linear_scores(self.support_vectors_.T, self.dual_coef_).T
        n_classes = len(start) - 1
        rows = []
        for i in range(n_classes):  # a pair's weights: both classes' dual coefficients times their vectors
            for j in range(i + 1, n_classes):
                si, sj = slice(start[i], start[i + 1]), slice(start[j], start[j + 1])
                rows.append(linear_scores(self.support_vectors_[si].T, self.dual_coef_[j - 1, si])
                            + linear_scores(self.support_vectors_[sj].T, self.dual_coef_[i, sj]))
        return np.array(rows)

    def _check_X(self, X):
        check_is_fitted(self)
        X = self._validate_data(X, reset=False, dtype=np.float64, accept_sparse="csr")
        fit_sparse = _is_sparse(self.support_vectors_)
        if _is_sparse(X) and not fit_sparse:
            raise ValueError(f"cannot use sparse input in {type(self).__name__!r} trained on dense data")
        if fit_sparse and not _is_sparse(X):
            import scipy.sparse
            return check_array(scipy.sparse.csr_matrix(X), dtype=np.float64, accept_sparse="csr")
        return X if _is_sparse(X) else np.ascontiguousarray(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _warn_status(self):
        if self.fit_status_ == 1:
            warnings.warn(f"Solver terminated early (max_iter={self.max_iter}). Consider pre-processing "
                          "your data with StandardScaler or MinMaxScaler.", ConvergenceWarning)


def _ovo_votes(dec, n_classes):
    """(n, K) votes: a pair's first class wins where its decision value is > 0, else its second
    (pairs in LIBSVM's order (0, 1), (0, 2), ..., (K-2, K-1))."""
    first, second = np.triu_indices(n_classes, 1)
    winner = np.where(dec > 0, first, second)
    return (winner[:, :, None] == np.arange(n_classes)).sum(axis=1).astype(np.float64)


def _positive_weights(sample_weight, n_samples):
    """(weights, kept rows): LIBSVM drops every sample whose weight is <= 0. (None, all rows)
    without weights."""
    if sample_weight is None:
        return None, np.arange(n_samples)
    weight = check_sample_weight(sample_weight, n_samples)
    keep = np.flatnonzero(weight > 0)
    if len(keep) == 0:
        raise ValueError("Invalid input - all samples have zero or negative weights.")
    return weight, keep


def _ovr_decision(dec, n_classes):
    """scikit-learn's one-vs-one -> one-vs-rest transform: votes plus confidences squashed
    into (-1/3, 1/3)."""
    first, second = np.triu_indices(n_classes, 1)
    conf = np.zeros((dec.shape[0], n_classes))
    for k, (i, j) in enumerate(zip(first, second)):
        conf[:, i] += dec[:, k]
        conf[:, j] -= dec[:, k]
    return _ovo_votes(dec, n_classes) + conf / (3 * (np.abs(conf) + 1))


class SVC(ClassifierMixin, _BaseSVM):
    """C-support vector classification (LIBSVM's C-SVC), one-vs-one for more than two classes.

    Parameters are scikit-learn's: C, kernel ('linear', 'poly', 'rbf', 'sigmoid'), degree, gamma
    ('scale', 'auto' or a float > 0), coef0, shrinking, probability (Platt scaling, LIBSVM's),
    tol, cache_size (MB, shared by the pairs solved at once), class_weight (None, 'balanced' or a
    dict label -> weight; class c's bound is C * weight[c]), max_iter (-1: no limit),
    decision_function_shape ('ovr' or 'ovo'), break_ties, random_state (the folds of
    probability's cross-validation; unused without it). fit(X, y, sample_weight=None): sample i's
    bound is C * class_weight_[y_i] * sample_weight_i.

    Attributes: support_, support_vectors_, n_support_, dual_coef_, intercept_, classes_,
    class_weight_, fit_status_ (0, or 1 when max_iter stopped a solver), n_iter_ (per pair),
    probA_, probB_ (probability=True), shape_fit_, n_features_in_.
    """

    def __init__(self, *, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0, shrinking=True,
                 probability=False, tol=1e-3, cache_size=200, class_weight=None, max_iter=-1,
                 decision_function_shape="ovr", break_ties=False, random_state=None):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Fit one binary C-SVC per pair of classes (in parallel). sample_weight scales each
        sample's bound: C * class_weight_[y_i] * sample_weight_i; samples of weight <= 0 are left
        out, as LIBSVM does. Returns self."""
        self._check_common()
        check_choice(self.decision_function_shape, "decision_function_shape", ("ovr", "ovo"))
        X, y = self._validate_data(X, y, reset=True, dtype=np.float64, order="C", accept_sparse="csr")
        check_classification_targets(y)
        self.classes_, codes = encode_labels(y)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"The number of classes has to be greater than one; got {n_classes} class")
        self.class_weight_ = compute_class_weight(self.class_weight, self.classes_, codes)
        weight, keep = _positive_weights(sample_weight, X.shape[0])
        if weight is not None and len(np.unique(codes[keep])) < 2:
            raise ValueError("Invalid input - all samples with positive weights belong to the same class.")
        self._gamma = self._resolve_gamma(X)  # from every row, as scikit-learn
        self.shape_fit_ = X.shape
        # LIBSVM's svm_group_classes: the kept rows grouped by class, in index order within a class
        order = keep[np.argsort(codes[keep], kind="stable")]
        codes_g = codes[order]
        start = np.searchsorted(codes_g, np.arange(n_classes + 1)).astype(np.int64)
        bounds = self.C * self.class_weight_[codes_g]
        if weight is not None:
            bounds = bounds * weight[order]
        Xg = X[order]
        dual, rho, n_iter, status = _mlc.svm_fit_c_svc_ovo(
            _rows(Xg), start, bounds, tol=float(self.tol), cache_size=float(self.cache_size), max_iter=int(self.max_iter),
            shrinking=bool(self.shrinking), **self._kernel_args())
        if self.probability:
            rng = check_legacy_random_state(self.random_state)
            probA, probB = [], []
            for i in range(n_classes):
                for j in range(i + 1, n_classes):
                    si, sj = slice(start[i], start[i + 1]), slice(start[j], start[j + 1])
                    if start[i] == start[i + 1] or start[j] == start[j + 1]:
                        # a class of zero weight: the pair's probability is certain, as its vote
                        a, b = 0.0, (-40.0 if start[i] < start[i + 1] else 40.0 if start[j] < start[j + 1] else 0.0)
                    else:
                        yy = np.concatenate([np.ones(si.stop - si.start), -np.ones(sj.stop - sj.start)])
                        a, b = self._platt_cv(Xg[np.r_[si, sj]], yy,
                                              np.concatenate([bounds[si], bounds[sj]]), rng)
                    probA.append(a)
                    probB.append(b)
        else:
            probA = probB = []
        # support vectors: per class, every sample with a nonzero coefficient in some pair, by index
        is_sv = np.any(dual != 0, axis=0)
        self.support_ = order[is_sv].astype(np.int32)
        self.n_support_ = np.bincount(codes_g[is_sv], minlength=n_classes).astype(np.int32)
        self.support_vectors_ = Xg[is_sv]
        self.fit_status_ = status
        self.n_iter_ = n_iter.astype(np.int32)
        self._sv_start = np.concatenate([[0], np.cumsum(self.n_support_)])
        self.probA_ = np.array(probA, dtype=np.float64)
        self.probB_ = np.array(probB, dtype=np.float64)
        if n_classes == 2:
            # scikit-learn's binary convention: positive decision values mean classes_[1]
            self.dual_coef_ = -dual[:, is_sv]
            self.intercept_ = rho
        else:
            self.dual_coef_ = dual[:, is_sv]
            self.intercept_ = -rho
            self._ovo_coef = self._pair_coef()
        self._warn_status()
        return self

    def _solve_pair(self, X, yy, bounds):
        return _mlc.svm_fit_c_svc(_rows(X), yy, bounds, tol=float(self.tol), cache_size=float(self.cache_size),
                                  max_iter=int(self.max_iter), shrinking=bool(self.shrinking),
                                  **self._kernel_args())

    def _platt_cv(self, X, yy, bounds, rng, n_folds=5):
        """LIBSVM's svm_binary_svc_probability: decision values of each sample from a model
        trained on the other folds (with the folds' own bounds, so the sample weights), then the
        sigmoid fitted to them: (A, B)."""
        n = len(yy)
        perm = rng.permutation(n)
        dec = np.empty(n)
        for f in range(n_folds):
            lo, hi = f * n // n_folds, (f + 1) * n // n_folds
            test, train = perm[lo:hi], np.concatenate([perm[:lo], perm[hi:]])
            n_pos = int(np.sum(yy[train] > 0))
            if n_pos == 0 or n_pos == len(train):
                dec[test] = 0.0 if len(train) == 0 else (1.0 if n_pos else -1.0)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                coef, rho, _, _ = self._solve_pair(X[train], yy[train], bounds[train])
            sv = coef != 0
            dec[test] = self._decision(X[test], X[train][sv], coef[sv][:, None], np.array([-rho]))[:, 0]
        return _sigmoid_train(dec, yy)

    def _pair_coef(self):
        """(n_SV, P): column k holds pair k's coefficients over all support vectors (zero off
        the pair's two classes), so that the pairs' decision values are one matrix product."""
        n_classes, s = len(self.classes_), self._sv_start
        W = np.zeros((self.dual_coef_.shape[1], n_classes * (n_classes - 1) // 2))
        k = 0
        for i in range(n_classes):
            for j in range(i + 1, n_classes):
                W[s[i]:s[i + 1], k] = self.dual_coef_[j - 1, s[i]:s[i + 1]]
                W[s[j]:s[j + 1], k] = self.dual_coef_[i, s[j]:s[j + 1]]
                k += 1
        return W

    def _ovo_decision(self, X):
        if len(self.classes_) == 2:
            return self._decision(X, self.support_vectors_, self.dual_coef_.T, self.intercept_)[:, 0]
        return self._decision(X, self.support_vectors_, self._ovo_coef, self.intercept_)

    def decision_function(self, X):
        """Binary: (n_samples,), positive for classes_[1]. Multiclass: 'ovo' gives one column per
        pair (positive for the pair's first class), 'ovr' scikit-learn's vote-based transform."""
        X = self._check_X(X)
        dec = self._ovo_decision(X)
        if len(self.classes_) > 2 and self.decision_function_shape == "ovr":
            return _ovr_decision(dec, len(self.classes_))
        return dec

    def predict(self, X):
        """The class of each row: LIBSVM's one-vs-one vote (ties to the lowest class), or with
        break_ties and 'ovr' the argmax of decision_function."""
        X = self._check_X(X)
        n_classes = len(self.classes_)
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")
        dec = self._ovo_decision(X)
        if n_classes == 2:
            return self.classes_[(dec >= 0).astype(np.intp)]
        if self.break_ties:
            return self.classes_[np.argmax(_ovr_decision(dec, n_classes), axis=1)]
        votes = _ovo_votes(dec, n_classes)
        return self.classes_[np.argmax(votes, axis=1)]


    def _check_proba(self):
        if not self.probability:
            raise AttributeError("predict_proba is not available when probability=False")
        return True

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        """log of predict_proba. Only with probability=True."""
        return np.log(self.predict_proba(X))

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Class probabilities (n_samples, n_classes): pairwise Platt sigmoids coupled as LIBSVM
        does. Only with probability=True."""
        X = self._check_X(X)
        if self.probA_.size == 0:
            raise NotFittedError("predict_proba is not available when fitted with probability=False")
        dec = self._ovo_decision(X)
        n_classes = len(self.classes_)
        if n_classes == 2:
            dec = -dec[:, None]  # LIBSVM's orientation: positive for the pair's first class
        pair = np.clip(_sigmoid_predict(dec, self.probA_, self.probB_), 1e-7, 1 - 1e-7)
        r = np.zeros((X.shape[0], n_classes, n_classes))
        k = 0
        for i in range(n_classes):
            for j in range(i + 1, n_classes):
                r[:, i, j] = pair[:, k]
                r[:, j, i] = 1 - pair[:, k]
                k += 1
        return _couple_pairwise(r)


def _sigmoid_predict(dec, A, B):
    return expit(-(dec * A + B))


def _sigmoid_train(dec, labels):
    """Platt's sigmoid 1 / (1 + exp(A f + B)) fitted by Newton's method with backtracking (Lin,
    Lin & Weng, "A note on Platt's probabilistic outputs for support vector machines", 2007)."""
    prior1 = float(np.sum(labels > 0))
    prior0 = len(labels) - prior1
    t = np.where(labels > 0, (prior1 + 1) / (prior1 + 2), 1 / (prior0 + 2))
    min_step, sigma, eps = 1e-10, 1e-12, 1e-5

    def objective(A, B):
        f = dec * A + B
        return np.sum(np.where(f >= 0, t * f + np.log1p(np.exp(-np.abs(f))),
                               (t - 1) * f + np.log1p(np.exp(-np.abs(f)))))

    A, B = 0.0, np.log((prior0 + 1) / (prior1 + 1))
    fval = objective(A, B)
    for _ in range(100):
        p = _sigmoid_predict(dec, A, B)
        q = 1 - p
        d2 = p * q
        h11, h22, h21 = sigma + np.sum(dec * dec * d2), sigma + np.sum(d2), np.sum(dec * d2)
        d1 = t - p
        g1, g2 = np.sum(dec * d1), np.sum(d1)
        if abs(g1) < eps and abs(g2) < eps:
            break
        det = h11 * h22 - h21 * h21
        dA, dB = -(h22 * g1 - h21 * g2) / det, -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        step = 1.0
        while step >= min_step:
            newf = objective(A + step * dA, B + step * dB)
            if newf < fval + 1e-4 * step * gd:
                A, B, fval = A + step * dA, B + step * dB, newf
                break
            step /= 2
        if step < min_step:
            break
    return A, B


def _couple_pairwise(r):
    """Class probabilities from pairwise ones r (n, k, k), r[i, j] = P(i | i or j): Wu, Lin & Weng
    (2004) method 2, LIBSVM's multiclass_probability, row by row until each converges."""
    n, k = r.shape[0], r.shape[1]
    Q = -r.transpose(0, 2, 1) * r
    idx = np.arange(k)
    Q[:, idx, idx] = np.sum(r.transpose(0, 2, 1) ** 2, axis=2)  # r's diagonal is 0
    p = np.full((n, k), 1.0 / k)
    eps = 0.005 / k
    active = np.ones(n, dtype=bool)
    for _ in range(max(100, k)):
        Qp = np.einsum("ntj,nj->nt", Q, p)
        pQp = np.sum(p * Qp, axis=1)
        active &= np.max(np.abs(Qp - pQp[:, None]), axis=1) >= eps
        if not active.any():
            break
        a = np.flatnonzero(active)
        pa, Qpa, pQpa, Qa = p[a], Qp[a], pQp[a], Q[a]
        for t in range(k):
            diff = (-Qpa[:, t] + pQpa) / Qa[:, t, t]
            pa[:, t] += diff
            pQpa = (pQpa + diff * (diff * Qa[:, t, t] + 2 * Qpa[:, t])) / (1 + diff) ** 2
            Qpa = (Qpa + diff[:, None] * Qa[:, t, :]) / (1 + diff)[:, None]
            pa /= (1 + diff)[:, None]
        p[a] = pa
    return p


class SVR(RegressorMixin, _BaseSVM):
    """epsilon-support vector regression (LIBSVM's epsilon-SVR).

    Parameters: kernel, degree, gamma, coef0, tol, C, epsilon (>= 0: the width of the insensitive
    tube), shrinking, cache_size (MB), max_iter (-1: no limit).
    Attributes: support_, support_vectors_, n_support_, dual_coef_ (1, n_SV) = alpha - alpha*,
    intercept_, fit_status_, n_iter_, shape_fit_, n_features_in_.
    """

    def __init__(self, *, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3, C=1.0, epsilon=0.1,
                 shrinking=True, cache_size=200, max_iter=-1):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.C = C
        self.epsilon = epsilon
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Solve the epsilon-SVR dual. sample_weight scales each sample's bound (C *
        sample_weight_i); samples of weight <= 0 are left out, as LIBSVM does. Returns self."""
        self._check_common()
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0.0)
        X, y = self._validate_data(X, y, reset=True, dtype=np.float64, order="C", y_numeric=True,
                                   accept_sparse="csr")
        y = np.ascontiguousarray(y, dtype=np.float64)
        weight, keep = _positive_weights(sample_weight, X.shape[0])
        self._gamma = self._resolve_gamma(X)  # from every row, as scikit-learn
        self.shape_fit_ = X.shape
        bounds = np.full(len(keep), float(self.C)) if weight is None else self.C * weight[keep]
        Xk = X if weight is None else X[keep]
        coef, rho, it, st = _mlc.svm_fit_epsilon_svr(_rows(Xk), y[keep], bounds, epsilon=float(self.epsilon),
                                                     tol=float(self.tol), cache_size=float(self.cache_size),
                                                     max_iter=int(self.max_iter), shrinking=bool(self.shrinking),
                                                     **self._kernel_args())
        sv = np.flatnonzero(coef != 0)
        self.support_ = keep[sv].astype(np.int32)
        self.support_vectors_ = Xk[sv]
        self.n_support_ = np.array([len(sv)], dtype=np.int32)
        self.dual_coef_ = coef[sv][None, :]
        self.intercept_ = np.array([-rho])
        self.fit_status_ = st
        self.n_iter_ = int(it)
        self._warn_status()
        return self

    def predict(self, X):
        """sum_i dual_coef_i K(x, sv_i) + intercept_."""
        X = self._check_X(X)
        return self._decision(X, self.support_vectors_, self.dual_coef_.T, self.intercept_)[:, 0]
