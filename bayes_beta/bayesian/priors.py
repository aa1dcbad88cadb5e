"""PyMC variables from the pure-data priors of :mod:`bayes_beta.specs.priors`: one table of
families (:data:`FAMILY_TABLE`) for the models' variables, the LKJ sds and the calibration draws.

Every prior family is a scale family, so a noise sd with a prior relative to a data ``unit`` and
the variant's ``scale`` ``s`` is sampled as a standard variable ``<name>_z`` and scaled:
``sd = unit x s x z``::

    halfnormal     z ~ HalfNormal(sigma = 1)
    halfstudentt   z ~ HalfStudentT(nu, sigma = 1)
    exponential    z ~ Exponential(scale = 1)
    lognormal      z ~ LogNormal(mu = 0, sigma = log_sd)
    inversegamma   z^2 ~ InverseGamma(alpha, beta = alpha - 1)     (named <name>_var_z)

so ``sd`` has the documented prior with scale ``s x unit``. The scale ``s`` is model data
(``<name>_scale``, like the units), so prior variants that differ only in their scales share one
compiled model; the families and their shape numbers (``nu``, ``log_sd``, ``alpha``) are part of
the graph. Nothing the sampler sees depends on the data's units or the scales: NUTS works on
O(1) variables, and the starting points (which nutpie fixes when it compiles a model) are the
same for every dataset and scale of a model shape.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pymc as pm

from bayes_beta.bayesian.modeldata import add_data
from bayes_beta.errors import ArgumentError, SpecError
from bayes_beta.specs.priors import FAMILIES, NoisePrior

__all__ = ["FAMILY_TABLE", "Family", "draw_noise", "family", "noise_dist", "noise_variable",
           "register_family", "scale_data", "unregister_family"]


@dataclass(frozen=True)
class Family:
    """A prior family at scale 1: ``dist(prior, **shape)`` an unnamed PyMC distribution,
    ``rv(prior, name, dims)`` the named variable; ``on_variance``: both are of the variance
    (``sd = sqrt``)."""

    dist: Callable
    rv: Callable
    on_variance: bool = False


#: The prior families by name (the names of :data:`bayes_beta.specs.priors.FAMILIES`);
#: :func:`register_family` adds one.
FAMILY_TABLE: dict[str, Family] = {
    "halfnormal": Family(lambda p, **k: pm.HalfNormal.dist(sigma=1.0, **k),
                         lambda p, name, dims: pm.HalfNormal(name, sigma=1.0, dims=dims)),
    "halfstudentt": Family(lambda p, **k: pm.HalfStudentT.dist(nu=p.nu, sigma=1.0, **k),
                           lambda p, name, dims: pm.HalfStudentT(name, nu=p.nu, sigma=1.0,
                                                                 dims=dims)),
    "exponential": Family(lambda p, **k: pm.Exponential.dist(scale=1.0, **k),
                          lambda p, name, dims: pm.Exponential(name, scale=1.0, dims=dims)),
    "lognormal": Family(lambda p, **k: pm.LogNormal.dist(mu=0.0, sigma=p.log_sd, **k),
                        lambda p, name, dims: pm.LogNormal(name, mu=0.0, sigma=p.log_sd,
                                                           dims=dims)),
    "inversegamma": Family(
        lambda p, **k: pm.InverseGamma.dist(alpha=p.alpha, beta=p.alpha - 1.0, **k),
        lambda p, name, dims: pm.InverseGamma(name, alpha=p.alpha, beta=p.alpha - 1.0,
                                              dims=dims),
        on_variance=True),
}


BUILT_IN = tuple(FAMILY_TABLE)


def register_family(name: str, fam: Family) -> Family:
    """Add the prior family ``name``: it becomes valid in :class:`~bayes_beta.NoisePrior` (so in
    prior variants and model files), and ``fam`` makes its variables and draws everywhere (the
    models, the LKJ sds, the calibration). ``fam.dist``/``fam.rv`` are at scale 1: the
    variant's scale and the data's unit multiply them. Returns ``fam``."""
    if name in FAMILY_TABLE:
        raise ArgumentError(f"The prior family {name!r} is already registered; unregister it "
                            "first (bayes_beta.bayesian.priors.unregister_family).")
    if not isinstance(fam, Family):
        raise ArgumentError(f"register_family takes a bayes_beta.bayesian.priors.Family; got "
                            f"{type(fam).__name__}.")
    FAMILY_TABLE[name] = fam
    FAMILIES[name] = True
    return fam


def unregister_family(name: str) -> None:
    """Remove a family added by :func:`register_family` (the built-ins stay)."""
    if name in BUILT_IN:
        raise ArgumentError(f"{name!r} is a built-in prior family and stays registered.")
    FAMILY_TABLE.pop(name, None)
    FAMILIES.pop(name, None)
    _sampler.cache_clear()


def family(prior: NoisePrior) -> Family:
    """The table entry of ``prior.family``; a :class:`~bayes_beta.SpecError` naming the known
    families otherwise."""
    try:
        return FAMILY_TABLE[prior.family]
    except KeyError:
        raise SpecError(f"Unknown prior family {prior.family!r}; use one of "
                        f"{tuple(FAMILY_TABLE)}.") from None


def scale_data(prior: NoisePrior, name: str, dims=None):
    """The model data ``<name>_scale``: the prior's ``scale``, one per coordinate of ``dims``."""
    model = pm.modelcontext(None)
    shape = () if dims is None else (len(model.coords[dims]),)
    return add_data(f"{name}_scale", np.broadcast_to(np.asarray(prior.scale, dtype=float), shape))


def noise_variable(prior: NoisePrior, name: str, unit, dims=None):
    """Create the sd ``name = unit x <name>_scale x <name>_z`` in the current model (module
    docstring)."""
    scale, fam = scale_data(prior, name, dims), family(prior)
    if fam.on_variance:
        z = pm.math.sqrt(fam.rv(prior, f"{name}_var_z", dims))
    else:
        z = fam.rv(prior, f"{name}_z", dims)
    return pm.Deterministic(name, unit * scale * z, dims=dims)


def noise_dist(prior: NoisePrior, size: int):
    """An unnamed, standard PyMC distribution of ``size`` sds (the LKJ ``sd_dist``; scale 1, the
    variant's scale multiplies the factor)."""
    fam = family(prior)
    if fam.on_variance:
        raise SpecError(
            "A correlated Q takes its sds from halfnormal, halfstudentt, exponential or "
            f"lognormal; {prior.family} is on variances. Choose another family.")
    return fam.dist(prior, shape=size)


def draw_noise(prior: NoisePrior, unit, size: int, rng) -> np.ndarray:
    """``size`` prior draws of ``unit x scale x z`` (``unit`` a number or ``size`` of them),
    drawn by PyMC from the family's distribution with the random numbers of the NumPy
    Generator ``rng`` (advanced as if it had drawn them itself)."""
    fam = family(prior)
    draw = _sampler(prior.family, prior.nu, prior.log_sd, prior.alpha, int(size))
    next_rng, z = draw(rng)
    rng.bit_generator.state = next_rng.bit_generator.state
    z = np.sqrt(z) if fam.on_variance else np.asarray(z, dtype=float)
    return np.broadcast_to(np.asarray(prior.scale, dtype=float), (size,)) * unit * z


@functools.lru_cache(maxsize=64)
def _sampler(name: str, nu: float, log_sd: float, alpha: float, size: int):
    """``rng -> (next rng, z)`` for one family and size, compiled once (Python mode: the
    distribution's own NumPy sampler; about 0.1 ms a call)."""
    import pytensor
    from pytensor.tensor.random.type import random_generator_type

    prior = NoisePrior(name, 1.0, nu=nu, log_sd=log_sd, alpha=alpha)
    rng = random_generator_type("rng")
    z = FAMILY_TABLE[name].dist(prior, shape=size, rng=rng)
    return pytensor.function([rng], [z.owner.outputs[0], z], mode="FAST_COMPILE")
