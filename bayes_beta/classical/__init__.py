"""Classical (point-estimate) Kalman workflow of the seed notebook, and the textbook chapter.

- :class:`KalmanSpec` builds ``T, Q, R, b0, P0`` with chainable heuristics or maximum likelihood
  (exact gradients through the pytensor filter); :class:`KalmanEngine` runs it on a DataFrame
  into date-indexed :class:`KalmanResults`;
- tables with the seed's columns (:func:`summarize_model_diagnostics`,
  :func:`summarize_factor_dynamics`) and figures (:class:`ModelDiagnosticsPlotter`,
  :func:`plot_beta_grid`, :func:`plot_factor_contributions`);
- the chapter's general discrete filter and two-step lag smoother of the 10-year yield
  (:mod:`~bayes_beta.classical.lag_smoother`; its Bayesian version is
  :mod:`bayes_beta.bayesian.lag_model`);
- the bridge to the Bayesian fit (:func:`prior_from_mle`, :func:`plot_mle_on_fan`).

All computation runs on the kalman layer (:func:`bayes_beta.kalman_filter`,
:func:`bayes_beta.kalman_smoother`, the fused likelihood kernel for the MLE); nothing here
imports PyMC.
"""

from __future__ import annotations

from bayes_beta.classical.bridge import plot_mle_on_fan, prior_from_mle
from bayes_beta.classical.engine import KalmanEngine, KalmanResults, results_list
from bayes_beta.classical.frames import frame_arrays
from bayes_beta.classical.lag_smoother import (
    LagData,
    default_noise,
    discrete_kalman,
    lag_data,
    lag_noise_mle,
    lag_state_space,
    noisiest_window,
    plot_lag_smoother,
    two_step_lag_smoother,
)
from bayes_beta.classical.mle import BoundaryWarning, MLEResult, fit_noise_mle, noise_loglik
from bayes_beta.classical.plots import (
    ModelDiagnosticsPlotter,
    plot_beta_grid,
    plot_factor_contributions,
)
from bayes_beta.classical.spec import KalmanSpec
from bayes_beta.classical.tables import summarize_factor_dynamics, summarize_model_diagnostics

__all__ = [
    "BoundaryWarning",
    "KalmanEngine",
    "KalmanResults",
    "KalmanSpec",
    "LagData",
    "MLEResult",
    "ModelDiagnosticsPlotter",
    "default_noise",
    "discrete_kalman",
    "fit_noise_mle",
    "frame_arrays",
    "lag_data",
    "lag_noise_mle",
    "lag_state_space",
    "noise_loglik",
    "noisiest_window",
    "plot_beta_grid",
    "plot_factor_contributions",
    "plot_lag_smoother",
    "plot_mle_on_fan",
    "prior_from_mle",
    "results_list",
    "summarize_factor_dynamics",
    "summarize_model_diagnostics",
    "two_step_lag_smoother",
]
