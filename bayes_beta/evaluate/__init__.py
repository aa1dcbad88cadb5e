"""The evaluate layer: how good is a fit, and which model to choose.

Leave-future-out CV (:func:`lfo_cv`), comparison of prior variants (:func:`compare_priors`),
prior checks (:func:`prior_predictive`), one-step predictive checks of the noise model
(:func:`predictive_checks`), simulation-based calibration (:func:`calibrate`), pooled against
independent fits of many funds (:func:`compare_pooling`) and an out-of-sample backtest against
rolling OLS and the classical filter (:func:`backtest`).
"""

from bayes_beta.evaluate.backtest import Backtest, backtest, rolling_ols
from bayes_beta.evaluate.calibration import Calibration, calibrate, prior_noise
from bayes_beta.evaluate.compare import Comparison, compare_priors
from bayes_beta.evaluate.innovations import PredictiveChecks, ljung_box, predictive_checks
from bayes_beta.evaluate.lfo import Refitter, default_min_train, lfo_cv
from bayes_beta.evaluate.pooling import compare_pooling, pointwise_loo
from bayes_beta.evaluate.prior_checks import (
    prior_draws,
    prior_intervals,
    prior_predictive,
    rolling_drift,
    simulate_returns,
)

__all__ = [
    "Backtest",
    "Calibration",
    "Comparison",
    "PredictiveChecks",
    "Refitter",
    "backtest",
    "calibrate",
    "compare_pooling",
    "compare_priors",
    "default_min_train",
    "lfo_cv",
    "ljung_box",
    "pointwise_loo",
    "predictive_checks",
    "prior_draws",
    "prior_intervals",
    "prior_noise",
    "prior_predictive",
    "rolling_drift",
    "rolling_ols",
    "simulate_returns",
]
