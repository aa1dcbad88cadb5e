"""bayes_beta: Bayesian estimation of time-varying factor exposures."""

from bayes_beta.errors import BayesBetaError, ColumnError, DataError, SamplingWarning, SpecError

__version__ = "0.1.0"

__all__ = [
    "BayesBetaError",
    "ColumnError",
    "DataError",
    "SamplingWarning",
    "SpecError",
    "__version__",
]
