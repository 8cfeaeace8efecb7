"""HistGradientBoostingClassifier and HistGradientBoostingRegressor: scikit-learn's histogram gradient
boosting (after LightGBM), trees grown in C (csrc/ensemble/).

Each iteration computes the loss's gradients and hessians at the current raw predictions (C), grows
one tree per class on them (C: histograms, best-first splits, the leaves' values added to the raw
predictions), and checks early stopping. With early stopping off and the same bins, the trees and
predictions are scikit-learn's; randomness (the binning subsample, the validation split) is drawn
from NumPy's RandomState in scikit-learn's order, so the same random_state gives the same split."""
import numbers
import time

import numpy as np

from .. import _mlc
from .._threads import get_num_threads
from .._validation import (check_array, check_classification_targets, check_is_fitted, check_legacy_random_state,
                           check_sample_weight, check_scalar, column_or_1d, compute_class_weight, encode_labels)
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ._binning import BinMapper
from ._losses import LOSS, baseline, inverse_link, mean_loss

__all__ = ["HistGradientBoostingClassifier", "HistGradientBoostingRegressor"]

_NODE_FIELDS = ("value", "gain", "feature", "left", "right", "count", "bin", "missing_go_to_left", "is_categorical",
                "cat_bitset")
_PREDICT_FIELDS = ("value", "threshold", "feature", "left", "right", "missing_go_to_left", "is_categorical",
                   "cat_bitset")


def _scorers():
    """scikit-learn's predefined scorers that early stopping may name: scorer(est, X, y, sample_weight=None)."""
    from .. import metrics as m

    def proba(est, X):
        return est.predict_proba(X)
    return {
        "accuracy": lambda est, X, y, **kw: m.accuracy_score(y, est.predict(X), **kw),
        "neg_log_loss": lambda est, X, y, **kw: -m.log_loss(y, proba(est, X), labels=est.classes_, **kw),
        "roc_auc": lambda est, X, y, **kw: m.roc_auc_score(y, est.decision_function(X), **kw),
        "r2": lambda est, X, y, **kw: m.r2_score(y, est.predict(X), **kw),
        "neg_mean_squared_error": lambda est, X, y, **kw: -m.mean_squared_error(y, est.predict(X), **kw),
        "neg_root_mean_squared_error": lambda est, X, y, **kw: -np.sqrt(m.mean_squared_error(y, est.predict(X), **kw)),
    }


_SCORERS = _scorers()


def _float_targets(y, name):
    """A regressor's targets y (or y_val: name) as finite float64."""
    try:
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} could not be converted to floats: {e}") from e
    if not np.all(np.isfinite(y)):
        raise ValueError(f"Input {name} contains NaN or infinity.")
    return y


def _approximate_mode(class_counts, n_draws, rng):
    """scikit-learn's _approximate_mode: per-class draws of a stratified split."""
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add = min(len(inds), need)
            floored[rng.choice(inds, size=add, replace=False)] += 1
            need -= add
            if need == 0:
                break
    return floored.astype(int)


def _train_val_split(n, fraction, seed, stratify):
    """(train, validation) row indices as scikit-learn's train_test_split draws them."""
    n_test = int(np.ceil(fraction * n)) if isinstance(fraction, float) else int(fraction)
    n_train = n - n_test
    rng = check_legacy_random_state(seed)
    if stratify is None:
        perm = rng.permutation(n)
        return perm[n_test:n_test + n_train], perm[:n_test]
    classes, y_idx = np.unique(stratify, return_inverse=True)
    counts = np.bincount(y_idx)
    if np.min(counts) < 2:
        raise ValueError("The least populated class in y has only 1 member, which is too few. The minimum "
                         "number of groups for any class cannot be less than 2.")
    class_indices = np.split(np.argsort(y_idx, kind="mergesort"), np.cumsum(counts)[:-1])
    n_i = _approximate_mode(counts, n_train, rng)
    t_i = _approximate_mode(counts - n_i, n_test, rng)
    train, test = [], []
    for i in range(len(classes)):
        perm = class_indices[i].take(rng.permutation(counts[i]), mode="clip")
        train.extend(perm[:n_i[i]])
        test.extend(perm[n_i[i]:n_i[i] + t_i[i]])
    return rng.permutation(train), rng.permutation(test)


class _BaseHistGradientBoosting(BaseEstimator):
    """The boosting loop shared by the classifier and the regressor."""

    def _check_params(self):
        check_scalar(self.learning_rate, "learning_rate", numbers.Real, min_val=0.0, include_boundaries="neither")
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        if self.max_leaf_nodes is not None:
            check_scalar(self.max_leaf_nodes, "max_leaf_nodes", numbers.Integral, min_val=2)
        if self.max_depth is not None:
            check_scalar(self.max_depth, "max_depth", numbers.Integral, min_val=1)
        check_scalar(self.min_samples_leaf, "min_samples_leaf", numbers.Integral, min_val=1)
        check_scalar(self.l2_regularization, "l2_regularization", numbers.Real, min_val=0.0)
        check_scalar(self.max_features, "max_features", numbers.Real, min_val=0.0, max_val=1.0,
                     include_boundaries="right")
        if self.max_features < 1.0 and self.interaction_cst is not None:
            raise NotImplementedError("max_features < 1 together with interaction_cst is not implemented.")
        check_scalar(self.max_bins, "max_bins", numbers.Integral, min_val=2, max_val=255)
        if self.early_stopping != "auto" and not isinstance(self.early_stopping, (bool, np.bool_)):
            raise ValueError(f"early_stopping must be 'auto', True or False, got {self.early_stopping!r}.")
        if not (self.scoring == "loss" or self.scoring is None or callable(self.scoring) or self.scoring in _SCORERS):
            raise ValueError(f"scoring must be 'loss', None (the estimator's score), one of {sorted(_SCORERS)} or "
                             f"a callable scorer(estimator, X, y), got {self.scoring!r}.")
        if self.validation_fraction is not None:
            check_scalar(self.validation_fraction, "validation_fraction", numbers.Real, min_val=0.0, max_val=1.0,
                         include_boundaries="neither")
        check_scalar(self.n_iter_no_change, "n_iter_no_change", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0)
        check_scalar(self.verbose, "verbose", numbers.Integral, min_val=0)
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start must be a bool, got {self.warm_start!r}.")

    def _validate_X(self, X, reset):
        X = self._validate_data(X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan")
        return X

    def _monotonic(self, d):
        cst = self.monotonic_cst
        if cst is None:
            return None
        if isinstance(cst, dict):
            names = getattr(self, "feature_names_in_", None)
            if names is None:
                raise ValueError("monotonic_cst as a dict needs feature names: pass X as a DataFrame.")
            unknown = set(cst) - set(names)
            if unknown:
                raise ValueError(f"monotonic_cst names features not in X: {sorted(unknown)}.")
            arr = np.array([cst.get(name, 0) for name in names])
        else:
            arr = np.asarray(cst)
        if arr.shape != (d,):
            raise ValueError(f"monotonic_cst has shape {arr.shape} but the input data X has {d} features.")
        if not np.all(np.isin(arr, (-1, 0, 1))):
            raise ValueError(f"monotonic_cst must be an array-like of -1, 0 or 1, got {cst!r}.")
        if getattr(self, "n_trees_per_iteration_", 1) > 1 and np.any(arr != 0):
            raise ValueError("monotonic constraints are not supported for multiclass classification.")
        return np.ascontiguousarray(arr, dtype=np.int8)

    def _categorical(self, X_in, d):
        """is_categorical (d,) bool from categorical_features: None, 'from_dtype' (pandas category
        columns), a boolean mask, integer indices or feature names."""
        cat = self.categorical_features
        if cat is None:
            return np.zeros(d, dtype=bool)
        if isinstance(cat, str) and cat == "from_dtype":
            dtypes = getattr(X_in, "dtypes", None)
            if dtypes is None or not hasattr(X_in, "columns"):
                return np.zeros(d, dtype=bool)
            return np.array([getattr(t, "name", "") == "category" for t in dtypes], dtype=bool)
        cat = np.asarray(cat)
        if cat.size == 0:
            return np.zeros(d, dtype=bool)
        if cat.dtype.kind == "b":
            if cat.shape != (d,):
                raise ValueError(f"categorical_features set as a boolean mask must have shape (n_features,), "
                                 f"got: {cat.shape}")
            return cat.astype(bool)
        if cat.dtype.kind in "USO":
            names = getattr(self, "feature_names_in_", None)
            if names is None:
                raise ValueError("categorical_features should be passed as an array of integers or as a boolean "
                                 "mask when the model is fitted on data without feature names.")
            missing = [c for c in cat if c not in list(names)]
            if missing:
                raise ValueError(f"categorical_features has an item value {missing[0]!r} which is not a valid "
                                 "feature name of the training data.")
            cat = np.array([list(names).index(c) for c in cat])
        if cat.dtype.kind not in "iu":
            raise ValueError(f"categorical_features must be None, 'from_dtype', a boolean mask, integer indices "
                             f"or feature names, got {self.categorical_features!r}.")
        if np.any(cat < 0) or np.any(cat >= d):
            raise ValueError(f"categorical_features set as integer indices must be in [0, n_features - 1] = "
                             f"[0, {d - 1}], got {sorted(set(cat[(cat < 0) | (cat >= d)].tolist()))}.")
        mask = np.zeros(d, dtype=bool)
        mask[cat] = True
        return mask

    def _fit_categories(self, X, mask):
        """is_categorical_ (None without categorical features) and each categorical feature's
        categories: its sorted distinct non-missing values, at most max_bins of them."""
        if not mask.any():
            self.is_categorical_ = None
            self._categories = None
            return
        if self.monotonic_cst is not None and np.any(np.asarray(self._monotonic(X.shape[1]))[mask] != 0):
            raise ValueError("Categorical features cannot have monotonic constraints.")
        self.is_categorical_ = mask
        self._categories = []
        for j in np.flatnonzero(mask):
            col = X[:, j]
            cats = np.unique(col[~np.isnan(col)])
            if cats.size > self.max_bins:
                raise ValueError(f"Categorical feature at index {j} is expected to have a cardinality <= "
                                 f"{self.max_bins} but actually has a cardinality of {cats.size}.")
            self._categories.append(cats)

    def _encode_X(self, X):
        """X with its categorical features first, as their category codes (NaN: missing or unknown),
        then the numerical ones (scikit-learn's ordinal encoder in a column transformer)."""
        if self.is_categorical_ is None:
            return X
        cat = np.flatnonzero(self.is_categorical_)
        codes = np.empty((X.shape[0], len(cat)))
        for c, (j, cats) in enumerate(zip(cat, self._categories)):
            col = X[:, j]
            pos = np.minimum(np.searchsorted(cats, col), max(len(cats) - 1, 0))
            known = (cats[pos] == col) if len(cats) else np.zeros(len(col), dtype=bool)
            codes[:, c] = np.where(known, pos, np.nan)
        return np.ascontiguousarray(np.hstack([codes, X[:, ~self.is_categorical_]]))

    def _remap(self, arr):
        """A per-feature array in the order of the encoded X (categorical features first)."""
        if arr is None or self.is_categorical_ is None:
            return arr
        return np.ascontiguousarray(np.concatenate([arr[self.is_categorical_], arr[~self.is_categorical_]]))

    def _interactions(self, d):
        cst = self.interaction_cst
        if cst is None:
            return None
        if cst == "no_interactions":
            groups = [{j} for j in range(d)]
        elif cst == "pairwise":
            groups = [{i, j} for i in range(d) for j in range(i + 1, d)]
        else:
            try:
                groups = [set(int(j) for j in g) for g in cst]
            except (TypeError, ValueError):
                raise ValueError("Interaction constraints must be a sequence of tuples or lists, got: "
                                 f"{cst!r}.") from None
            bad = [j for g in groups for j in g if not 0 <= j < d]
            if bad:
                raise ValueError(f"Interaction constraints must consist of integer indices in [0, n_features - 1] "
                                 f"= [0, {d - 1}], specifying the position of features, got invalid indices: {bad}")
            rest = set(range(d)) - set().union(*groups)
            if rest:  # the features in no group form one more group
                groups.append(rest)
        mask = np.zeros((len(groups), d), dtype=np.uint8)
        for k, g in enumerate(groups):
            mask[k, sorted(g)] = 1
        return mask

    def _grower_args(self):
        return dict(max_leaf_nodes=0 if self.max_leaf_nodes is None else int(self.max_leaf_nodes),
                    max_depth=0 if self.max_depth is None else int(self.max_depth),
                    min_samples_leaf=int(self.min_samples_leaf), n_bins=int(self.max_bins) + 1,
                    l2_regularization=float(self.l2_regularization), min_hessian_to_split=1e-3,
                    shrinkage=float(self.learning_rate))

    def _is_fitted(self):
        return len(getattr(self, "_trees", [])) > 0

    def _should_stop(self, scores):
        ref = self.n_iter_no_change + 1
        if len(scores) < ref:
            return False
        reference = scores[-ref] + self.tol
        return not any(s > reference for s in scores[-ref + 1:])

    def _score(self, raw, X, y, sw, Xraw_for_scorer):
        if self.scoring == "loss":
            return -mean_loss(self._loss, y, raw, sw, self._quantile())
        scorer = (self.scoring if callable(self.scoring) else _SCORERS[self.scoring] if self.scoring is not None
                  else (lambda est, X_, y_, **kw: est.score(X_, y_, **kw)))
        yt = self.classes_[y.astype(np.intp)] if hasattr(self, "classes_") else y
        kw = {} if sw is None else dict(sample_weight=sw)  # as scikit-learn passes them
        self._raw_override = raw
        try:
            return scorer(self, Xraw_for_scorer, yt, **kw)
        finally:
            del self._raw_override

    def _quantile(self):
        return 0.5 if getattr(self, "quantile", None) is None else float(self.quantile)

    def _validation_data(self, X_val, y_val, sample_weight_val):
        """X_val, y_val, sample_weight_val passed to fit, checked and encoded as the training data."""
        if y_val is None:
            raise ValueError("X_val is provided, but y_val was not provided.")
        if X_val is None:
            raise ValueError("y_val is provided, but X_val was not provided.")
        if self.early_stopping is False:
            raise ValueError("X_val and y_val are passed to fit while at the same time early_stopping is False. "
                             "When passing X_val and y_val to fit, early_stopping should be set to either 'auto' "
                             "or True.")
        X_val = self._encode_X(self._validate_X(X_val, reset=False))
        y_val = self._encode_y_val(column_or_1d(y_val, warn=True))
        if y_val.shape[0] != X_val.shape[0]:
            raise ValueError(f"Found input variables with inconsistent numbers of samples: [{X_val.shape[0]}, "
                             f"{y_val.shape[0]}]")
        sample_weight_val = check_sample_weight(sample_weight_val, X_val.shape[0], ensure_non_negative=True)
        return X_val, y_val, sample_weight_val

    def _fit(self, X, y, sample_weight, X_val=None, y_val=None, sample_weight_val=None):
        self._check_params()
        n_threads = get_num_threads()
        X_in = X
        X = self._validate_X(X, reset=True)
        self._fit_categories(X, self._categorical(X_in, X.shape[1]))
        X = self._encode_X(X)
        y = column_or_1d(y, warn=True)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"Found input variables with inconsistent numbers of samples: [{X.shape[0]}, "
                             f"{y.shape[0]}]")
        y = self._encode_y(y)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], ensure_non_negative=True)
        sample_weight = self._finalize_sample_weight(sample_weight, y)
        n, d = X.shape
        val_given = X_val is not None or y_val is not None
        if val_given:
            X_val, y_val, sample_weight_val = self._validation_data(X_val, y_val, sample_weight_val)
        warm = self.warm_start and self._is_fitted()
        if not warm:
            rng = check_legacy_random_state(self.random_state)
            self._random_seed = rng.randint(np.iinfo(np.uint32).max, dtype="u8")
            self._feature_subsample_rng = np.random.default_rng(rng.randint(np.iinfo(np.uint32).max, dtype="u8"))
        monotonic = self._remap(self._monotonic(d))
        interaction = self._interactions(d)
        if interaction is not None and self.is_categorical_ is not None:
            interaction = np.ascontiguousarray(np.hstack([interaction[:, self.is_categorical_],
                                                          interaction[:, ~self.is_categorical_]]))
        n_cat = 0 if self.is_categorical_ is None else int(self.is_categorical_.sum())
        is_cat_remapped = np.zeros(d, dtype=np.uint8)
        is_cat_remapped[:n_cat] = 1
        known = [np.arange(len(c), dtype=np.float64) for c in self._categories or []] + [None] * (d - n_cat)
        self.do_early_stopping_ = n > 10_000 if self.early_stopping == "auto" else bool(self.early_stopping)
        use_val = self.do_early_stopping_ and (self.validation_fraction is not None or val_given)
        if use_val and val_given:
            X_tr, y_tr, sw_tr = X, y, sample_weight
            X_va, y_va, sw_va = X_val, y_val, sample_weight_val
        elif use_val:
            stratify = y if self._loss.startswith("log_loss") else None
            tr, va = _train_val_split(n, self.validation_fraction, self._random_seed, stratify)
            X_tr, y_tr, X_va, y_va = X[tr], y[tr], X[va], y[va]
            sw_tr = sample_weight[tr] if sample_weight is not None else None
            sw_va = sample_weight[va] if sample_weight is not None else None
        else:
            X_tr, y_tr, sw_tr = X, y, sample_weight
            X_va = y_va = sw_va = None
        fit_start = time.perf_counter()
        self._bin_mapper = BinMapper(n_bins=int(self.max_bins) + 1, is_categorical=is_cat_remapped,
                                     known_categories=known, random_state=self._random_seed,
                                     n_threads=n_threads).fit(X_tr, sw_tr)
        Xb, Xr = self._bin_mapper.transform(X_tr, row_major=True)
        if self.verbose:
            print(f"Binning {X_tr.nbytes / 1e9:.3f} GB of training data: {time.perf_counter() - fit_start:.3f} s")
        has_missing = np.ascontiguousarray((Xb == self._bin_mapper.missing_values_bin_idx_).any(axis=1),
                                           dtype=np.uint8)
        K = self.n_trees_per_iteration_
        quantile = self._quantile()
        if not warm:
            self._baseline_prediction = baseline(self._loss, y_tr, sw_tr, K, quantile)
            self._trees = []
            self.train_score_, self.validation_score_ = [], []
            raw = np.repeat(self._baseline_prediction[:, None], X_tr.shape[0], axis=1)
            raw_va = np.repeat(self._baseline_prediction[:, None], X_va.shape[0], axis=1) if use_val else None
            self._model = None
            if self.do_early_stopping_:
                self._record_scores(raw, X_tr, y_tr, sw_tr, raw_va, X_va, y_va, sw_va)
        else:
            if self.max_iter < self.n_iter_:
                raise ValueError(f"max_iter={self.max_iter} must be larger than or equal to n_iter_={self.n_iter_} "
                                 "when warm_start==True")
            self.train_score_, self.validation_score_ = list(self.train_score_), list(self.validation_score_)
            raw = self._raw_predict(X_tr)
            raw_va = self._raw_predict(X_va) if use_val else None
        g = np.empty((K, X_tr.shape[0]), dtype=np.float32)
        h = np.empty_like(g)
        const_hessian = self._loss == "squared_error" and sw_tr is None
        differentiable = self._loss not in ("absolute_error", "quantile")
        args = self._grower_args()
        n_groups = 0 if interaction is None else interaction.shape[0]
        size, max_nodes = _mlc.ensemble_grow_scratch_size(
            X_tr.shape[0], d, n_groups, *(args[k] for k in ("max_leaf_nodes", "max_depth", "min_samples_leaf",
                                                            "n_bins")))
        scratch = np.empty(size, dtype=np.uint8)
        y_tr64 = np.ascontiguousarray(y_tr, dtype=np.float64)
        for it in range(len(self._trees), self.max_iter):
            it_start = time.perf_counter()
            _mlc.ensemble_gradients(g, h, raw, y_tr64, sw_tr, LOSS[self._loss], quantile, n_threads)
            trees = []
            for k in range(K):
                target = raw[k] if differentiable else np.zeros(X_tr.shape[0])
                masks, state = self._feature_masks(max_nodes, d)
                out = _mlc.ensemble_grow(target, Xb, g[k], None if const_hessian else h[k],
                                         self._bin_mapper.n_bins_non_missing_, has_missing,
                                         is_cat_remapped if n_cat else None, monotonic, interaction,
                                         sample_leaf=not differentiable, n_threads=n_threads, Xr=Xr,
                                         scratch=scratch, feature_masks=masks, **args)
                if masks is not None:
                    self._feature_masks(out[11], d, state)
                tree = dict(zip(_NODE_FIELDS, out[:10]))
                if not differentiable:
                    self._update_leaves(tree, out[10], y_tr64, raw[k], sw_tr, quantile)
                    raw[k] += tree["value"][out[10]]
                tree["threshold"] = self._thresholds(tree)
                trees.append(tree)
            self._trees.append(trees)
            self._model = None
            if self.do_early_stopping_:
                if use_val:
                    self._add_trees(raw_va, X_va, len(self._trees) - 1, len(self._trees))
                stop = self._record_scores(raw, X_tr, y_tr, sw_tr, raw_va, X_va, y_va, sw_va)
            if self.verbose:
                self._print_iteration(trees, time.perf_counter() - it_start)
            if self.do_early_stopping_ and stop:
                break
        if self.verbose:
            leaves = sum(int((t["feature"] < 0).sum()) for trees in self._trees for t in trees)
            print(f"Fit {sum(map(len, self._trees))} trees in {time.perf_counter() - fit_start:.3f} s, "
                  f"({leaves} total leaves)")
        self.n_iter_ = len(self._trees)
        self._flat_model()
        self.train_score_ = np.asarray(self.train_score_)
        self.validation_score_ = np.asarray(self.validation_score_)
        return self

    def _print_iteration(self, trees, seconds):
        """verbose: one line an iteration, as scikit-learn's."""
        def depth(t):
            level, nodes = 0, [0]
            while True:
                nodes = [c for i in nodes if t["feature"][i] >= 0 for c in (t["left"][i], t["right"][i])]
                if not nodes:
                    return level
                level += 1
        leaves = sum(int((t["feature"] < 0).sum()) for t in trees)
        line = (f"[{len(self._trees)}/{self.max_iter}] {len(trees)} tree{'s' if len(trees) > 1 else ''}, {leaves} "
                f"leaves, max depth = {max(depth(t) for t in trees)}, ")
        name = "loss" if self.scoring == "loss" else "score"
        sign = -1 if self.scoring == "loss" else 1
        if self.do_early_stopping_:
            line += f"train {name}: {sign * self.train_score_[-1]:.5f}, "
            if self.validation_score_:
                line += f"val {name}: {sign * self.validation_score_[-1]:.5f}, "
        print(line + f"in {seconds:.3f}s")

    def _feature_masks(self, rows, d, state=None):
        """max_features < 1: (masks (rows, d) uint8: the features of each best-split search, drawn as
        scikit-learn's splitter draws them, the generator's state before), or (None, None). With a
        state: rewinds the generator to it and redraws `rows` masks, so that it moves on by the
        searches the tree made, as scikit-learn's."""
        if self.max_features >= 1.0:
            return None, None
        if state is not None:
            self._feature_subsample_rng.bit_generator.state = state
        before = self._feature_subsample_rng.bit_generator.state
        mask = np.zeros(d, dtype=np.uint8)
        mask[:max(1, int(np.ceil(self.max_features * d)))] = 1
        masks = np.empty((rows, d), dtype=np.uint8)
        for r in range(rows):
            masks[r] = mask
            self._feature_subsample_rng.shuffle(masks[r])
        return masks, before

    def _record_scores(self, raw, X_tr, y_tr, sw_tr, raw_va, X_va, y_va, sw_va):
        self.train_score_.append(self._score(raw, X_tr, y_tr, sw_tr, X_tr))
        if raw_va is not None:
            self.validation_score_.append(self._score(raw_va, X_va, y_va, sw_va, X_va))
            return self._should_stop(self.validation_score_)
        return self._should_stop(self.train_score_)

    def _update_leaves(self, tree, sample_leaf, y, raw, sw, quantile):
        """absolute_error and quantile: each leaf's value is the (weighted) median or quantile of its
        rows' residuals, times the learning rate (scikit-learn's _update_leaves_values)."""
        from ._losses import _percentile
        q = 50 if self._loss == "absolute_error" else 100 * quantile
        leaves = np.flatnonzero(tree["feature"] < 0)
        order = np.argsort(sample_leaf, kind="stable")
        bounds = np.searchsorted(sample_leaf[order], leaves), np.searchsorted(sample_leaf[order], leaves, "right")
        for leaf, b, e in zip(leaves, *bounds):
            idx = order[b:e]
            resid = y[idx] - raw[idx]
            tree["value"][leaf] = self.learning_rate * _percentile(resid, None if sw is None else sw[idx], q)

    def _thresholds(self, tree):
        """The raw-value threshold of each split: the upper threshold of its bin, +inf for a split
        of the values from the missing ones."""
        thr = np.full(tree["feature"].shape[0], np.inf)
        for i in np.flatnonzero((tree["feature"] >= 0) & (tree["is_categorical"] == 0)):
            f, b = tree["feature"][i], tree["bin"][i]
            t = self._bin_mapper.bin_thresholds_[f]
            thr[i] = t[b] if b < self._bin_mapper.n_bins_non_missing_[f] - 1 else np.inf
        return thr

    def _flat_model(self):
        """The trees' node arrays concatenated (tree t, class t % K), for the C predictor."""
        if getattr(self, "_model", None) is None:
            flat = [t for trees in self._trees for t in trees]
            model = {f: np.concatenate([t[f] for t in flat]) for f in _PREDICT_FIELDS}
            model["offset"] = np.concatenate([[0], np.cumsum([len(t["value"]) for t in flat])]).astype(np.int64)
            self._model = model
        return self._model

    def _add_trees(self, raw, X, it0, it1):
        """raw (K, N) += the trees of iterations [it0, it1) at X."""
        m = self._flat_model()
        K = self.n_trees_per_iteration_
        _mlc.ensemble_predict(raw, X, *(m[f] for f in _PREDICT_FIELDS), m["offset"], it0 * K, it1 * K,
                              get_num_threads())

    def _raw_predict(self, X):
        raw = np.repeat(self._baseline_prediction[:, None], X.shape[0], axis=1)
        self._add_trees(raw, X, 0, len(self._trees))
        return raw

    def _raw(self, X):
        """raw (K, N) of X for the public methods (a scorer in fit sees the raw predictions of the
        iteration being scored)."""
        override = getattr(self, "_raw_override", None)
        if override is not None:
            return override
        check_is_fitted(self, "n_iter_")
        return self._raw_predict(self._encode_X(self._validate_X(X, reset=False)))

    def _staged_raw(self, X):
        check_is_fitted(self, "n_iter_")
        X = self._encode_X(self._validate_X(X, reset=False))
        raw = np.repeat(self._baseline_prediction[:, None], X.shape[0], axis=1)
        for it in range(len(self._trees)):
            self._add_trees(raw, X, it, it + 1)
            yield raw.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


_PARAMS_DOC = """
    learning_rate : float, default=0.1
        The shrinkage applied to the leaves' values.
    max_iter : int, default=100
        The number of boosting iterations (trees per class).
    max_leaf_nodes : int or None, default=31
        The maximum number of leaves of each tree (grown best first).
    max_depth : int or None, default=None
        The maximum depth of each tree.
    min_samples_leaf : int, default=20
        The minimum number of samples per leaf.
    l2_regularization : float, default=0.0
        The L2 penalty on the leaves' values.
    max_features : float, default=1.0
        The share of the features each split searches (at least one), drawn anew for every node as
        scikit-learn draws them (not with interaction_cst).
    max_bins : int, default=255
        The number of bins of non-missing values (at most 255); missing values get one more.
    categorical_features : array-like of int, bool or str, None or 'from_dtype', default='from_dtype'
        The categorical features: indices, a boolean mask, feature names, or 'from_dtype' (the
        pandas columns of category dtype). Each may take at most max_bins distinct values; values not
        seen in fit count as missing. Splits group categories (ordered by gradient / hessian).
    monotonic_cst : array-like of {-1, 0, 1} or dict, default=None
        A monotonic increase (1) or decrease (-1) to enforce on each feature.
    interaction_cst : {'pairwise', 'no_interactions'} or sequence of lists of ints, default=None
        Groups of features that may interact (appear on one branch together).
    warm_start : bool, default=False
        Reuse the trees of the previous fit and add more.
    early_stopping : 'auto' or bool, default='auto'
        'auto': on when there are more than 10,000 samples.
    scoring : str, callable or None, default='loss'
        What early stopping watches: 'loss' (minus the loss), None (the estimator's score), a name
        ('accuracy', 'neg_log_loss', 'roc_auc', 'r2', 'neg_mean_squared_error',
        'neg_root_mean_squared_error') or scorer(est, X, y[, sample_weight]). Unlike scikit-learn, the
        training scores of a scorer are computed on all the training rows, not on a 10,000-row sample.
    validation_fraction : float or None, default=0.1
        The held-out share of the training data for early stopping (None: the training data).
    n_iter_no_change : int, default=10
        Stop when the last n_iter_no_change scores do not beat the one before them by tol.
    tol : float, default=1e-7
        The improvement early stopping asks for.
    verbose : int, default=0
        Print the binning time and one line an iteration (leaves, depth, scores, time).
    random_state : int, RandomState instance or None, default=None
        Seeds the binning subsample and the validation split (NumPy's RandomState, in scikit-learn's
        order: the same seed gives scikit-learn's split)."""


class HistGradientBoostingRegressor(RegressorMixin, _BaseHistGradientBoosting):
    __doc__ = """Histogram-based gradient boosting regression trees (scikit-learn's
    HistGradientBoostingRegressor), in C.

    Parameters
    ----------
    loss : {'squared_error', 'absolute_error', 'quantile', 'poisson'}, default='squared_error'
    quantile : float, default=None
        The quantile of loss='quantile' (in [0, 1]).""" + _PARAMS_DOC + """

    Attributes
    ----------
    n_iter_ : int
    n_trees_per_iteration_ : int (1)
    train_score_, validation_score_ : ndarray
        The scores at each iteration (the first is the model without trees); empty without early stopping.
    do_early_stopping_ : bool
    is_categorical_ : ndarray of bool or None
    n_features_in_ : int
    """

    def __init__(self, loss="squared_error", *, quantile=None, learning_rate=0.1, max_iter=100, max_leaf_nodes=31,
                 max_depth=None, min_samples_leaf=20, l2_regularization=0.0, max_features=1.0, max_bins=255,
                 categorical_features="from_dtype", monotonic_cst=None, interaction_cst=None, warm_start=False,
                 early_stopping="auto", scoring="loss", validation_fraction=0.1, n_iter_no_change=10, tol=1e-7,
                 verbose=0, random_state=None):
        self.loss = loss
        self.quantile = quantile
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_features = max_features
        self.max_bins = max_bins
        self.categorical_features = categorical_features
        self.monotonic_cst = monotonic_cst
        self.interaction_cst = interaction_cst
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.scoring = scoring
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state

    def _encode_y(self, y):
        y = _float_targets(y, "y")
        if self.loss not in ("squared_error", "absolute_error", "quantile", "poisson"):
            raise ValueError(f"loss must be one of ['absolute_error', 'poisson', 'quantile', 'squared_error'], "
                             f"got {self.loss!r}.")
        if self.loss == "quantile":
            if self.quantile is None:
                raise ValueError("quantile must be a float in [0, 1] with loss='quantile', got None.")
            check_scalar(self.quantile, "quantile", numbers.Real, min_val=0.0, max_val=1.0)
        if self.loss == "poisson" and (np.any(y < 0) or np.sum(y) <= 0):
            raise ValueError("Some value(s) of y are negative which is not allowed for Poisson regression "
                             "(or their sum is 0).")
        self._loss = self.loss
        self.n_trees_per_iteration_ = 1
        return y

    def _finalize_sample_weight(self, sample_weight, y):
        return sample_weight

    def _encode_y_val(self, y):
        return _float_targets(y, "y_val")

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the boosted trees to X (NaN allowed: missing values), y. X_val, y_val (and
        sample_weight_val): the data early stopping watches, instead of a validation_fraction of X."""
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    def predict(self, X):
        """The predictions for X."""
        raw = self._raw(X)
        return inverse_link(self._loss, raw)

    def staged_predict(self, X):
        """The predictions after each iteration (a generator)."""
        for raw in self._staged_raw(X):
            yield inverse_link(self._loss, raw)


class HistGradientBoostingClassifier(ClassifierMixin, _BaseHistGradientBoosting):
    __doc__ = """Histogram-based gradient boosting classification trees (scikit-learn's
    HistGradientBoostingClassifier), in C: log loss, one tree per iteration for two classes, one per
    class and iteration for more.

    Parameters
    ----------
    loss : {'log_loss'}, default='log_loss'""" + _PARAMS_DOC + """
    class_weight : dict or 'balanced', default=None
        Weights of the classes (multiplied into sample_weight).

    Attributes
    ----------
    classes_ : ndarray
    n_iter_ : int
    n_trees_per_iteration_ : int
    train_score_, validation_score_ : ndarray
    do_early_stopping_ : bool
    is_categorical_ : ndarray of bool or None
    n_features_in_ : int
    """

    def __init__(self, loss="log_loss", *, learning_rate=0.1, max_iter=100, max_leaf_nodes=31, max_depth=None,
                 min_samples_leaf=20, l2_regularization=0.0, max_features=1.0, max_bins=255,
                 categorical_features="from_dtype", monotonic_cst=None, interaction_cst=None, warm_start=False,
                 early_stopping="auto", scoring="loss", validation_fraction=0.1, n_iter_no_change=10, tol=1e-7,
                 verbose=0, random_state=None, class_weight=None):
        self.loss = loss
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_features = max_features
        self.max_bins = max_bins
        self.categorical_features = categorical_features
        self.monotonic_cst = monotonic_cst
        self.interaction_cst = interaction_cst
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.scoring = scoring
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.class_weight = class_weight

    def _encode_y(self, y):
        if self.loss != "log_loss":
            raise ValueError(f"loss must be 'log_loss', got {self.loss!r}.")
        check_classification_targets(y)
        classes, codes = encode_labels(y)
        if self.warm_start and self._is_fitted() and not np.array_equal(classes, self.classes_):
            raise ValueError("warm_start: the classes of y differ from the fitted classes_.")
        self.classes_ = classes
        n_classes = len(classes)
        self.n_trees_per_iteration_ = 1 if n_classes <= 2 else n_classes
        self._loss = "log_loss_binary" if n_classes <= 2 else "log_loss_multiclass"
        return codes.astype(np.float64)

    def _encode_y_val(self, y):
        codes = np.searchsorted(self.classes_, y)
        codes = np.minimum(codes, len(self.classes_) - 1)
        unknown = self.classes_[codes] != y
        if np.any(unknown):
            raise ValueError(f"y_val contains labels not in y: {sorted(set(np.asarray(y)[unknown].tolist()))}.")
        return codes.astype(np.float64)

    def _finalize_sample_weight(self, sample_weight, y):
        if self.class_weight is None:
            return sample_weight
        codes = y.astype(np.intp)
        cw = compute_class_weight(self.class_weight, self.classes_, codes, sample_weight)[codes]
        return cw if sample_weight is None else sample_weight * cw

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the boosted trees to X (NaN allowed: missing values), y. X_val, y_val (and
        sample_weight_val): the data early stopping watches, instead of a validation_fraction of X."""
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    def decision_function(self, X):
        """The raw predictions: (n_samples,) for two classes, else (n_samples, n_classes)."""
        raw = self._raw(X)
        return raw[0].copy() if raw.shape[0] == 1 else raw.T.copy()

    def predict_proba(self, X):
        """Class probabilities (n_samples, n_classes)."""
        raw = self._raw(X)
        return inverse_link(self._loss, raw)

    def predict(self, X):
        """The most probable class of each row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def staged_decision_function(self, X):
        for raw in self._staged_raw(X):
            yield raw[0].copy() if raw.shape[0] == 1 else raw.T.copy()

    def staged_predict_proba(self, X):
        """Class probabilities after each iteration (a generator)."""
        for raw in self._staged_raw(X):
            yield inverse_link(self._loss, raw)

    def staged_predict(self, X):
        """Predicted classes after each iteration (a generator)."""
        for raw in self._staged_raw(X):
            yield self.classes_[np.argmax(inverse_link(self._loss, raw), axis=1)]
