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
from bayes_beta.priors import PRIOR_VARIANTS, NoisePrior, PriorVariant
from bayes_beta.spec import StateSpace
from bayes_beta.specfile import ModelSpec, load_spec

_LAZY = {  # the Bayesian layer imports PyMC: loaded on first use, not with the package
    "fit": "bayes_beta.fitting",
    "sample": "bayes_beta.fitting",
    "Fit": "bayes_beta.fitting",
    "build_model": "bayes_beta.model",
    "load_fit": "bayes_beta.io",
    "KalmanSpec": "bayes_beta.classical",
    "KalmanEngine": "bayes_beta.classical",
    "BoundaryWarning": "bayes_beta.classical",
    "prior_from_mle": "bayes_beta.classical",
    "compare_priors": "bayes_beta.compare",
    "Comparison": "bayes_beta.compare",
    "lfo_cv": "bayes_beta.lfo",
}


def __getattr__(name: str):
    if name == "classical":
        import importlib

        return importlib.import_module("bayes_beta.classical")
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bayes_beta' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "PRIOR_VARIANTS",
    "BayesBetaError",
    "BoundaryWarning",
    "ColumnError",
    "Comparison",
    "DataError",
    "FilterResult",
    "Fit",
    "KalmanEngine",
    "KalmanSpec",
    "ModelSpec",
    "NoisePrior",
    "PriorVariant",
    "SamplingWarning",
    "Simulation",
    "SmootherResult",
    "SpecError",
    "StateSpace",
    "__version__",
    "build_model",
    "classical",
    "compare_priors",
    "datasets",
    "fit",
    "kalman_filter",
    "kalman_smoother",
    "lfo_cv",
    "load_fit",
    "load_spec",
    "prior_from_mle",
    "sample",
    "sample_paths",
    "simulate",
]
