"""PyMC variables from the pure-data priors of :mod:`bayes_beta.specs.priors`.

Every prior family is a scale family, so a noise sd with a prior relative to a data ``unit`` is
sampled as a unit-free variable ``<name>_z`` and scaled: ``sd = unit x z``. With ``s`` the
variant's ``scale``::

    halfnormal     z ~ HalfNormal(sigma = s)
    halfstudentt   z ~ HalfStudentT(nu, sigma = s)
    exponential    z ~ Exponential(scale = s)
    lognormal      z ~ LogNormal(mu = log s, sigma = log_sd)
    inversegamma   z^2 ~ InverseGamma(alpha, beta = (alpha - 1) s^2)   (named <name>_var_z)

so ``sd`` has the documented prior with scale ``s x unit``. Nothing the sampler sees depends on
the data's units: NUTS works on O(1) variables, and the starting points (which nutpie fixes
when it compiles a model) are the same for every dataset of a model shape.
"""

from __future__ import annotations

import numpy as np
import pymc as pm

from bayes_beta.errors import SpecError
from bayes_beta.specs.priors import NoisePrior

__all__ = ["noise_dist", "noise_variable"]


def _unit_free(prior: NoisePrior, name: str, dims):
    s = np.asarray(prior.scale, dtype=float)
    if prior.family == "halfnormal":
        return pm.HalfNormal(name, sigma=s, dims=dims)
    if prior.family == "halfstudentt":
        return pm.HalfStudentT(name, nu=prior.nu, sigma=s, dims=dims)
    if prior.family == "exponential":
        return pm.Exponential(name, scale=s, dims=dims)
    if prior.family == "lognormal":
        return pm.LogNormal(name, mu=np.log(s), sigma=prior.log_sd, dims=dims)
    var = pm.InverseGamma(f"{name[:-2]}_var_z", alpha=prior.alpha,
                          beta=(prior.alpha - 1) * s**2, dims=dims)
    return pm.math.sqrt(var)


def noise_variable(prior: NoisePrior, name: str, unit, dims=None):
    """Create the sd ``name = unit x <name>_z`` in the current model (module docstring)."""
    return pm.Deterministic(name, unit * _unit_free(prior, f"{name}_z", dims), dims=dims)


def noise_dist(prior: NoisePrior, size: int):
    """An unnamed, unit-free PyMC distribution of ``size`` sds (the LKJ ``sd_dist``)."""
    s = np.asarray(prior.scale, dtype=float)
    if prior.family == "halfnormal":
        return pm.HalfNormal.dist(sigma=s, shape=size)
    if prior.family == "halfstudentt":
        return pm.HalfStudentT.dist(nu=prior.nu, sigma=s, shape=size)
    if prior.family == "exponential":
        return pm.Exponential.dist(scale=s, shape=size)
    if prior.family == "lognormal":
        return pm.LogNormal.dist(mu=np.log(s), sigma=prior.log_sd, shape=size)
    raise SpecError(
        "A correlated Q takes its sds from halfnormal, halfstudentt, exponential or lognormal; "
        "inversegamma is on variances. Choose another family."
    )
