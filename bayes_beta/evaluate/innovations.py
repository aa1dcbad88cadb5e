"""One-step-ahead predictive checks (PIT, standardised innovations, coverage): kept here for
the evaluate layer's users; the computation lives in :mod:`bayes_beta.bayesian.checks`, where
``Fit.checks`` uses it."""

from bayes_beta.bayesian.checks import PredictiveChecks, ljung_box, predictive_checks

__all__ = ["PredictiveChecks", "ljung_box", "predictive_checks"]
