"""bayes_beta: Bayesian estimation of time-varying factor exposures.

Layers, each importing only from those before it (``tests/test_layers.py`` holds the code to
it): :mod:`bayes_beta.data` (frames, design, shipped datasets) -> :mod:`bayes_beta.specs`
(state-space matrices, prior variants, model files) -> :mod:`bayes_beta.kalman` (pure math:
pytensor reference graphs, numba kernels, fused likelihood Op, NumPy API) ->
:mod:`bayes_beta.plots` (figures that draw, never compute) -> :mod:`bayes_beta.classical` (the
seed's point-estimate workflow) -> :mod:`bayes_beta.bayesian` (PyMC model, sampling,
propagation, ``Fit``) -> :mod:`bayes_beta.evaluate` (LFO-CV, prior comparison and checks) ->
:mod:`bayes_beta.report` (Markdown/HTML) -> :mod:`bayes_beta.cli`.

The Bayesian names (``fit``, ``Fit``, ``build_model``, ...) import PyMC and are loaded on
first use, not with the package.
"""

import sys as _sys

from bayes_beta.data import aggregate_weekly, datasets, make_design, validate_frame
from bayes_beta.errors import (
    ArgumentError,
    BayesBetaError,
    ColumnError,
    DataError,
    NumericalError,
    SamplingWarning,
    SpecError,
)
from bayes_beta.kalman import (
    FilterResult,
    Simulation,
    SmootherResult,
    kalman_filter,
    kalman_smoother,
    sample_paths,
    simulate,
)
from bayes_beta.specs import (
    PRIOR_VARIANTS,
    ModelOptions,
    ModelSpec,
    NoisePrior,
    PoolingPrior,
    PriorVariant,
    Sampling,
    StateSpace,
    VolatilityPrior,
    load_spec,
)
from bayes_beta.version import __version__

# ``bayes_beta.datasets`` (the path of earlier releases and of the documentation) is the same
# module object as ``bayes_beta.data.datasets``, so ``import bayes_beta.datasets`` and
# ``from bayes_beta.datasets import load_example`` work; its submodule is aliased too, so that
# importing it by the old path does not load a second copy.
_sys.modules.setdefault("bayes_beta.datasets", datasets)
_sys.modules.setdefault("bayes_beta.datasets.loaders", datasets.loaders)
del _sys

_LAZY = {  # name -> module; these import PyMC (or matplotlib), so they load on first use
    "fit": "bayes_beta.bayesian",
    "fit_spec": "bayes_beta.bayesian",
    "fit_many": "bayes_beta.bayesian",
    "FitSet": "bayes_beta.bayesian",
    "fund_seed": "bayes_beta.bayesian",
    "load_fitset": "bayes_beta.bayesian",
    "open_store": "bayes_beta.bayesian",
    "sample": "bayes_beta.bayesian",
    "Fit": "bayes_beta.bayesian",
    "build_model": "bayes_beta.bayesian",
    "load_fit": "bayes_beta.bayesian",
    "KalmanSpec": "bayes_beta.classical",
    "KalmanEngine": "bayes_beta.classical",
    "BoundaryWarning": "bayes_beta.classical",
    "prior_from_mle": "bayes_beta.classical",
    "compare_priors": "bayes_beta.evaluate",
    "compare_pooling": "bayes_beta.evaluate",
    "backtest": "bayes_beta.evaluate",
    "Comparison": "bayes_beta.evaluate",
    "lfo_cv": "bayes_beta.evaluate",
    "predictive_checks": "bayes_beta.evaluate",
    "prior_predictive": "bayes_beta.evaluate",
}
_SUBPACKAGES = ("bayesian", "classical", "evaluate", "plots", "report")


def __getattr__(name: str):
    import importlib

    if name in _SUBPACKAGES:
        return importlib.import_module(f"bayes_beta.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bayes_beta' has no attribute {name!r}")



__all__ = [
    "PRIOR_VARIANTS",
    "ArgumentError",
    "BayesBetaError",
    "BoundaryWarning",
    "ColumnError",
    "Comparison",
    "DataError",
    "FilterResult",
    "Fit",
    "FitSet",
    "KalmanEngine",
    "KalmanSpec",
    "ModelOptions",
    "ModelSpec",
    "NoisePrior",
    "NumericalError",
    "PoolingPrior",
    "PriorVariant",
    "Sampling",
    "SamplingWarning",
    "Simulation",
    "SmootherResult",
    "SpecError",
    "StateSpace",
    "VolatilityPrior",
    "__version__",
    "aggregate_weekly",
    "backtest",
    "bayesian",
    "build_model",
    "classical",
    "compare_pooling",
    "compare_priors",
    "datasets",
    "evaluate",
    "fit",
    "fit_many",
    "fit_spec",
    "fund_seed",
    "kalman_filter",
    "kalman_smoother",
    "lfo_cv",
    "load_fit",
    "load_fitset",
    "load_spec",
    "make_design",
    "open_store",
    "plots",
    "predictive_checks",
    "prior_from_mle",
    "prior_predictive",
    "report",
    "sample",
    "sample_paths",
    "simulate",
    "validate_frame",
]
