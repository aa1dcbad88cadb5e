"""The evaluate layer: leave-future-out CV, comparison of prior variants, prior checks,
one-step predictive checks of the noise model, simulation-based calibration and pooled
against independent fits of many funds."""

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
