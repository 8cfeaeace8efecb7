"""Kernel support vector machines: SVC (C-SVC) and SVR (epsilon-SVR) fitted by SMO in C.

The solver (csrc/svm/smo.c) is LIBSVM's: second-order working-set selection (Fan, Chen & Lin
2005), the same two-variable update, the same bias rho, kernel rows computed by one GEMV against X
and kept in an LRU cache of ``cache_size`` MB, and LIBSVM's
shrinking (``shrinking=True``). Multiclass SVC is one-vs-one as in LIBSVM: one
binary problem per pair of classes (i, j), i < j, in class order, with class i as +1; the fitted
attributes (``support_`` grouped by class, ``dual_coef_`` of shape (n_classes - 1, n_SV),
``intercept_``) are laid out as scikit-learn's, so decision values can be compared one for one.

Differences from scikit-learn:
- ``probability=True`` follows LIBSVM (Platt scaling fitted on decision values from an internal
  5-fold cross-validation per pair of classes, Lin, Lin & Weng's Newton method; pairwise
  probabilities coupled by Wu, Lin & Weng's method 2), but the folds are drawn by NumPy from
  ``random_state``, not by LIBSVM's rand(): probabilities agree with scikit-learn's to about
  1e-2, not bit for bit.
- ``fit`` takes no ``sample_weight``; sparse input is not supported.
"""
import numbers
import warnings

import numpy as np

from .. import _mlc
from .._validation import (check_choice, check_classification_targets, check_is_fitted, check_scalar,
                           check_X_y, compute_class_weight, encode_labels)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import ConvergenceWarning, NotFittedError

__all__ = ["SVC", "SVR"]

_KERNELS = {"linear": 0, "poly": 1, "rbf": 2, "sigmoid": 3}
_CHUNK = 2048  # rows of X per kernel block at prediction time


class _BaseSVM(BaseEstimator):
    """Shared: hyper-parameter checks, gamma, kernel evaluation."""

    def _check_common(self):
        check_choice(self.kernel, "kernel", tuple(_KERNELS))
        check_scalar(self.C, "C", numbers.Real, min_val=0.0, include_boundaries="neither")
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
            var = X.var()
            return 1.0 / (X.shape[1] * var) if var != 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _kernel_args(self):
        return dict(kernel=_KERNELS[self.kernel], degree=int(self.degree), gamma=float(self._gamma),
                    coef0=float(self.coef0))

    def _kernel(self, X, Y):
        """K(X, Y) (n, m), in blocks of rows."""
        out = np.empty((X.shape[0], Y.shape[0]))
        for s in range(0, X.shape[0], _CHUNK):
            out[s:s + _CHUNK] = _mlc.svm_kernel_matrix(X[s:s + _CHUNK], Y, **self._kernel_args())
        return out

    @property
    def coef_(self):
        """Primal weights (linear kernel only): (1, D) for two classes or SVR, one row per pair
        of classes otherwise."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        check_is_fitted(self)
        start = getattr(self, "_sv_start", None)
        if start is None or len(start) <= 3:
            return self.dual_coef_ @ self.support_vectors_
        n_classes = len(start) - 1
        rows = []
        for i in range(n_classes):
            for j in range(i + 1, n_classes):
                si, sj = slice(start[i], start[i + 1]), slice(start[j], start[j + 1])
                rows.append(self.dual_coef_[j - 1, si] @ self.support_vectors_[si]
                            + self.dual_coef_[i, sj] @ self.support_vectors_[sj])
        return np.array(rows)

    def _check_X(self, X):
        check_is_fitted(self)
        return np.ascontiguousarray(self._validate_data(X, reset=False, dtype=np.float64))

    def _warn_status(self):
        if self.fit_status_ == 1:
            warnings.warn(f"Solver terminated early (max_iter={self.max_iter}). Consider pre-processing "
                          "your data with StandardScaler or MinMaxScaler.", ConvergenceWarning)


def _ovr_decision(dec, n_classes):
    """scikit-learn's one-vs-one -> one-vs-rest transform: votes plus confidences squashed
    into (-1/3, 1/3)."""
    n = dec.shape[0]
    votes = np.zeros((n, n_classes))
    conf = np.zeros((n, n_classes))
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            conf[:, i] += dec[:, k]
            conf[:, j] -= dec[:, k]
            votes[dec[:, k] > 0, i] += 1
            votes[dec[:, k] <= 0, j] += 1
            k += 1
    return votes + conf / (3 * (np.abs(conf) + 1))


class SVC(ClassifierMixin, _BaseSVM):
    """C-support vector classification (LIBSVM's C-SVC), one-vs-one for more than two classes.

    Parameters are scikit-learn's: C, kernel ('linear', 'poly', 'rbf', 'sigmoid'), degree, gamma
    ('scale', 'auto' or a float > 0), coef0, shrinking, probability
    (True is not supported yet), tol, cache_size (MB), class_weight (None, 'balanced' or a dict
    label -> weight; class c's bound is C * weight[c]), max_iter (-1: no limit),
    decision_function_shape ('ovr' or 'ovo'), break_ties, random_state (unused: nothing is random
    without probability).

    Attributes: support_, support_vectors_, n_support_, dual_coef_, intercept_, classes_,
    class_weight_, fit_status_ (0, or 1 when max_iter stopped a solver), n_iter_ (per pair),
    shape_fit_, n_features_in_.
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

    def fit(self, X, y):
        """Fit one binary C-SVC per pair of classes. Returns self."""
        self._check_common()
        check_choice(self.decision_function_shape, "decision_function_shape", ("ovr", "ovo"))
        X, y = check_X_y(X, y, dtype=np.float64, order="C", estimator=self)
        X = np.ascontiguousarray(X, dtype=np.float64)
        self._check_n_features(X, reset=True)
        check_classification_targets(y)
        self.classes_, codes = encode_labels(y)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"The number of classes has to be greater than one; got {n_classes} class")
        self.class_weight_ = compute_class_weight(self.class_weight, self.classes_, codes)
        self._gamma = self._resolve_gamma(X)
        self.shape_fit_ = X.shape
        members = [np.flatnonzero(codes == c) for c in range(n_classes)]
        pairs = [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]
        coefs, rhos, n_iter, status = [], [], [], 0
        probA, probB = [], []
        rng = np.random.RandomState(self.random_state) if self.probability else None
        for i, j in pairs:
            idx = np.concatenate([members[i], members[j]])
            yy = np.concatenate([np.ones(len(members[i])), -np.ones(len(members[j]))])
            Cp, Cn = self.C * self.class_weight_[i], self.C * self.class_weight_[j]
            if self.probability:
                a, b = self._platt_cv(X[idx], yy, Cp, Cn, rng)
                probA.append(a)
                probB.append(b)
            coef, rho, it, st = self._solve_pair(X[idx], yy, Cp, Cn)
            coefs.append((idx, coef))
            rhos.append(rho)
            n_iter.append(it)
            status = max(status, st)
        # support vectors: per class, every sample with a nonzero coefficient in some pair, by index
        is_sv = np.zeros(X.shape[0], dtype=bool)
        for idx, coef in coefs:
            is_sv[idx[coef != 0]] = True
        sv_per_class = [m[is_sv[m]] for m in members]
        self.support_ = np.concatenate(sv_per_class).astype(np.int32)
        self.n_support_ = np.array([len(s) for s in sv_per_class], dtype=np.int32)
        start = np.concatenate([[0], np.cumsum(self.n_support_)])
        pos = np.full(X.shape[0], -1)
        pos[self.support_] = np.arange(len(self.support_))
        dual = np.zeros((n_classes - 1, len(self.support_)))
        for (i, j), (idx, coef) in zip(pairs, coefs):
            nz = coef != 0
            ni = len(members[i])
            mi, mj = nz[:ni], nz[ni:]
            dual[j - 1, pos[idx[:ni][mi]]] = coef[:ni][mi]
            dual[i, pos[idx[ni:][mj]]] = coef[ni:][mj]
        self.support_vectors_ = X[self.support_]
        self.fit_status_ = status
        self.n_iter_ = np.array(n_iter, dtype=np.int32)
        self._sv_start = start
        self.probA_ = np.array(probA, dtype=np.float64)
        self.probB_ = np.array(probB, dtype=np.float64)
        if n_classes == 2:
            # scikit-learn's binary convention: positive decision values mean classes_[1]
            self.dual_coef_ = -dual
            self.intercept_ = np.array(rhos, dtype=np.float64)
        else:
            self.dual_coef_ = dual
            self.intercept_ = -np.array(rhos, dtype=np.float64)
        self._warn_status()
        return self

    def _solve_pair(self, X, yy, Cp, Cn):
        bounds = np.where(yy > 0, Cp, Cn)
        return _mlc.svm_fit_c_svc(X, yy, bounds, tol=float(self.tol), cache_size=float(self.cache_size),
                                  max_iter=int(self.max_iter), shrinking=bool(self.shrinking),
                                  **self._kernel_args())

    def _platt_cv(self, X, yy, Cp, Cn, rng, n_folds=5):
        """LIBSVM's svm_binary_svc_probability: decision values of each sample from a model
        trained on the other folds, then the sigmoid fitted to them: (A, B)."""
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
                coef, rho, _, _ = self._solve_pair(X[train], yy[train], Cp, Cn)
            sv = coef != 0
            dec[test] = self._kernel(X[test], X[train][sv]) @ coef[sv] - rho
        return _sigmoid_train(dec, yy)

    def _ovo_decision(self, X):
        K = self._kernel(X, self.support_vectors_)
        n_classes = len(self.classes_)
        if n_classes == 2:
            return K @ self.dual_coef_[0] + self.intercept_[0]
        s = self._sv_start
        out = np.empty((X.shape[0], n_classes * (n_classes - 1) // 2))
        k = 0
        for i in range(n_classes):
            for j in range(i + 1, n_classes):
                si, sj = slice(s[i], s[i + 1]), slice(s[j], s[j + 1])
                out[:, k] = K[:, si] @ self.dual_coef_[j - 1, si] + K[:, sj] @ self.dual_coef_[i, sj] \
                    + self.intercept_[k]
                k += 1
        return out

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
        votes = np.zeros((X.shape[0], n_classes), dtype=np.int64)
        k = 0
        for i in range(n_classes):
            for j in range(i + 1, n_classes):
                pos = dec[:, k] > 0
                votes[pos, i] += 1
                votes[~pos, j] += 1
                k += 1
        return self.classes_[np.argmax(votes, axis=1)]


    def _check_proba(self):
        if not self.probability:
            raise AttributeError("predict_proba is not available when probability=False")

    @property
    def predict_proba(self):
        """Class probabilities (n_samples, n_classes): pairwise Platt sigmoids coupled as LIBSVM
        does. Only with probability=True."""
        self._check_proba()
        return self._predict_proba

    @property
    def predict_log_proba(self):
        """log of predict_proba. Only with probability=True."""
        self._check_proba()
        return lambda X: np.log(self._predict_proba(X))

    def _predict_proba(self, X):
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
    f = dec * A + B
    e = np.exp(-np.abs(f))
    return np.where(f >= 0, e / (1 + e), 1 / (1 + e))


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
        f = dec * A + B
        e = np.exp(-np.abs(f))
        p = np.where(f >= 0, e / (1 + e), 1 / (1 + e))
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

    def fit(self, X, y):
        """Solve the epsilon-SVR dual. Returns self."""
        self._check_common()
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0.0)
        X, y = check_X_y(X, y, dtype=np.float64, order="C", y_numeric=True, estimator=self)
        X = np.ascontiguousarray(X, dtype=np.float64)
        y = np.ascontiguousarray(y, dtype=np.float64)
        self._check_n_features(X, reset=True)
        self._gamma = self._resolve_gamma(X)
        self.shape_fit_ = X.shape
        coef, rho, it, st = _mlc.svm_fit_epsilon_svr(X, y, C=float(self.C), epsilon=float(self.epsilon),
                                                     tol=float(self.tol), cache_size=float(self.cache_size),
                                                     max_iter=int(self.max_iter), shrinking=bool(self.shrinking),
                                                     **self._kernel_args())
        self.support_ = np.flatnonzero(coef != 0).astype(np.int32)
        self.support_vectors_ = X[self.support_]
        self.n_support_ = np.array([len(self.support_)], dtype=np.int32)
        self.dual_coef_ = coef[self.support_][None, :]
        self.intercept_ = np.array([-rho])
        self.fit_status_ = st
        self.n_iter_ = int(it)
        self._warn_status()
        return self

    def predict(self, X):
        """sum_i dual_coef_i K(x, sv_i) + intercept_."""
        X = self._check_X(X)
        return self._kernel(X, self.support_vectors_) @ self.dual_coef_[0] + self.intercept_[0]
