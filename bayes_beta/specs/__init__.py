"""The specs layer: what a model is, as validated frozen data.

:class:`StateSpace` (the model matrices), :class:`PriorVariant` / :class:`NoisePrior` (priors
on the noise scales), :class:`ModelOptions` (dynamics, likelihood) and :class:`ModelSpec`
(TOML model files naming data, model and prior variants). No PyMC here: the Bayesian layer
turns these into PyMC variables.
"""

from bayes_beta.specs.modelfile import LfoSettings, ModelSpec, Sampling
from bayes_beta.specs.options import DYNAMICS, LIKELIHOODS, ModelOptions
from bayes_beta.specs.parse import load_spec, spec_from_dict
from bayes_beta.specs.priors import FAMILIES, PRIOR_VARIANTS, NoisePrior, PriorVariant, get_variant
from bayes_beta.specs.sources import DataSources
from bayes_beta.specs.statespace import StateSpace, check_psd, psd_factor

__all__ = [
    "DYNAMICS",
    "FAMILIES",
    "LIKELIHOODS",
    "PRIOR_VARIANTS",
    "DataSources",
    "LfoSettings",
    "ModelOptions",
    "ModelSpec",
    "NoisePrior",
    "PriorVariant",
    "Sampling",
    "StateSpace",
    "check_psd",
    "get_variant",
    "load_spec",
    "psd_factor",
    "spec_from_dict",
]
