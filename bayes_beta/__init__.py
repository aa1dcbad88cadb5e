"""bayes_beta: Bayesian estimation of time-varying factor exposures.

Pure math lives in :mod:`bayes_beta.kalman` (pytensor graphs, no PyMC); the NumPy-facing filter,
smoother, path draws and simulation in :mod:`bayes_beta.numeric`; data in :mod:`bayes_beta.datasets`.
"""

from bayes_beta import datasets
from bayes_beta.errors import BayesBetaError, ColumnError, DataError, SamplingWarning, SpecError
from bayes_beta.numeric import (
    FilterResult,
    Simulation,
    SmootherResult,
    kalman_filter,
    kalman_smoother,
    sample_paths,
    simulate,
)
from bayes_beta.spec import StateSpace

__version__ = "0.1.0"

__all__ = [
    "BayesBetaError",
    "ColumnError",
    "DataError",
    "FilterResult",
    "SamplingWarning",
    "Simulation",
    "SmootherResult",
    "SpecError",
    "StateSpace",
    "__version__",
    "datasets",
    "kalman_filter",
    "kalman_smoother",
    "sample_paths",
    "simulate",
]
