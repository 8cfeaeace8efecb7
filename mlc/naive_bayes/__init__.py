"""Naive Bayes classifiers (scikit-learn's naive_bayes): the counting and the joint log-likelihood in C.

GaussianNB (streaming mean and variance, partial_fit), MultinomialNB, ComplementNB and BernoulliNB
(scipy.sparse CSR input too, never densified) and CategoricalNB. Fitted attributes, parameters and
numbers are scikit-learn's.
"""
from ._categorical import CategoricalNB
from ._discrete import BernoulliNB, ComplementNB, MultinomialNB
from ._gaussian import GaussianNB

__all__ = ["BernoulliNB", "CategoricalNB", "ComplementNB", "GaussianNB", "MultinomialNB"]
