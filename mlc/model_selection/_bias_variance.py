"""bias_variance_decomp: the bias-variance decomposition of an estimator's test loss over bootstrap
replicates of its training set, with mlxtend's definitions and draws (Domingos 2000, "A Unified
Bias-Variance Decomposition"; mlxtend.evaluate.bias_variance_decomp)."""
import numbers

import numpy as np

from .._validation import check_scalar

__all__ = ["bias_variance_decomp"]


def _as_array(a):
    return a.to_numpy() if hasattr(a, "to_numpy") else np.asarray(a)


def bias_variance_decomp(estimator, X_train, y_train, X_test, y_test, loss="0-1_loss", num_rounds=200,
                         random_seed=None, **fit_params):
    """Decompose the estimator's expected test loss into bias and variance over bootstrap replicates.

    The estimator is fitted num_rounds times, each time on a bootstrap replicate of (X_train, y_train)
    (n rows drawn with replacement by ``np.random.RandomState(random_seed).choice``, mlxtend's draws),
    and predicts X_test. With P the (num_rounds, n_test) predictions:

    - "0-1_loss" (classification): the main prediction of a test point is the mode of its
      predictions (ties: the smallest label); expected loss = mean(P != y_test), bias = mean(main !=
      y_test), variance = mean(P != main).
    - "mse" (regression): the main prediction is the mean of the predictions; expected loss =
      mean((P - y_test)^2), bias = mean((main - y_test)^2) (the squared bias), variance =
      mean((P - main)^2); expected loss = bias + variance.

    Parameters
    ----------
    estimator : object with fit and predict (refitted in place each round, as mlxtend does)
    X_train, y_train : array-like of shape (n_train, n_features), (n_train,)
    X_test, y_test : array-like of shape (n_test, n_features), (n_test,)
    loss : {"0-1_loss", "mse"}, default="0-1_loss"
    num_rounds : int, default=200
        The number of bootstrap replicates.
    random_seed : int or None, default=None
        Seeds the bootstrap draws.
    **fit_params : passed to estimator.fit.

    Returns
    -------
    avg_expected_loss, avg_bias, avg_var : float
        Averages over the test points.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from mlc.model_selection import bias_variance_decomp
    >>> from mlc.tree import DecisionTreeRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> loss, bias, var = bias_variance_decomp(DecisionTreeRegressor(max_depth=2), X[:300], y[:300], X[300:],
    ...                                        y[300:], loss="mse", num_rounds=20, random_seed=0)
    >>> bool(abs(loss - (bias + var)) < 1e-6 * loss)
    True
    """
    if loss not in ("0-1_loss", "mse"):
        raise ValueError(f"loss must be '0-1_loss' or 'mse', got {loss!r}.")
    check_scalar(num_rounds, "num_rounds", numbers.Integral, min_val=1)
    if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
        raise TypeError(f"estimator must have fit and predict methods, got {estimator!r}.")
    X_train, y_train, X_test, y_test = (_as_array(a) for a in (X_train, y_train, X_test, y_test))
    if X_train.shape[0] != y_train.shape[0] or X_test.shape[0] != y_test.shape[0]:
        raise ValueError(f"X and y have different numbers of rows: X_train {X_train.shape[0]}, y_train "
                         f"{y_train.shape[0]}, X_test {X_test.shape[0]}, y_test {y_test.shape[0]}.")
    if X_train.shape[0] < 1 or X_test.shape[0] < 1:
        raise ValueError("bias_variance_decomp needs at least one training and one test row.")
    rng = np.random.RandomState(random_seed)
    n = X_train.shape[0]
    preds = []
    for _ in range(num_rounds):
        idx = rng.choice(np.arange(n), size=n, replace=True)
        preds.append(np.asarray(estimator.fit(X_train[idx], y_train[idx], **fit_params).predict(X_test)).reshape(-1))
    if loss == "mse":
        P = np.asarray(preds, dtype=np.float64)
        y = np.asarray(y_test, dtype=np.float64).reshape(-1)
        if not (np.all(np.isfinite(P)) and np.all(np.isfinite(y))):
            raise ValueError("The predictions and y_test must be finite for loss='mse'.")
        avg_expected_loss = ((P - y) ** 2).mean(axis=1).mean()
        main = P.mean(axis=0)
        return float(avg_expected_loss), float(((main - y) ** 2).mean()), float(((main - P) ** 2).mean())
    y = np.asarray(y_test).reshape(-1)
    labels, codes = np.unique(np.concatenate([np.asarray(preds).reshape(-1), y]), return_inverse=True)
    codes = codes.reshape(num_rounds + 1, -1)
    P, yc = codes[:-1], codes[-1]
    # the mode of each column; argmax keeps the smallest label among equal counts, as np.bincount's argmax
    counts = np.zeros((len(labels), P.shape[1]), dtype=np.int64)
    np.add.at(counts, (P, np.arange(P.shape[1])), 1)
    main = np.argmax(counts, axis=0)
    avg_expected_loss = (P != yc).mean(axis=1).mean()
    return float(avg_expected_loss), float((main != yc).mean()), float((P != main).mean())
