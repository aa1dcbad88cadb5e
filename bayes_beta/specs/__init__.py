"""The specs layer: what a model is, as validated frozen data.

:class:`StateSpace` (the model matrices), :class:`PriorVariant` / :class:`NoisePrior` (priors
on the noise scales, :class:`VolatilityPrior` on moving volatility, :class:`PoolingPrior` on the population of
funds), :class:`ModelOptions`
(dynamics, likelihood, observation volatility), :class:`Sampling` (the NUTS settings, one
validated object for every entry point) and :class:`ModelSpec`
(TOML model files naming data, model and prior variants). No PyMC here: the Bayesian layer
turns these into PyMC variables.
"""

from bayes_beta.specs.modelfile import LfoSettings, ModelSpec
from bayes_beta.specs.options import DYNAMICS, LIKELIHOODS, VOLATILITIES, ModelOptions
from bayes_beta.specs.parse import load_spec, spec_from_dict
from bayes_beta.specs.priors import (
    FAMILIES,
    PRIOR_VARIANTS,
    NoisePrior,
    PoolingPrior,
    PriorVariant,
    VolatilityPrior,
    get_variant,
)
from bayes_beta.specs.sampler import SAMPLERS, Sampling
from bayes_beta.specs.sources import DataSources
from bayes_beta.specs.statespace import StateSpace, check_psd, psd_factor

__all__ = [
    "DYNAMICS",
    "FAMILIES",
    "LIKELIHOODS",
    "PRIOR_VARIANTS",
    "SAMPLERS",
    "VOLATILITIES",
    "DataSources",
    "LfoSettings",
    "ModelOptions",
    "ModelSpec",
    "NoisePrior",
    "PoolingPrior",
    "PriorVariant",
    "Sampling",
    "StateSpace",
    "VolatilityPrior",
    "check_psd",
    "get_variant",
    "load_spec",
    "psd_factor",
    "spec_from_dict",
]
