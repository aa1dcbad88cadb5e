"""Stochastic volatility: ``log R_t`` a stationary AR(1) whose path NUTS samples::

    log R_t = 2 log(level s) + vol_level + x_t,   vol_level ~ N(0, level_sd),
    x = AR1(vol_z; vol_persistence, vol_of_vol / sqrt(steps per year)),
    vol_persistence = 2^(-1 / (vol_half_life x steps per year)),
    vol_half_life ~ LogNormal(log half_life, half_life_sd)  (years),
    vol_z ~ N(0, 1) per step (non-centred)

with ``s = sd(y)`` (``y_unit``) and the numbers from the variant's
:class:`~bayes_beta.specs.priors.VolatilityPrior`.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from bayes_beta.bayesian.volatility.base import VolatilityModel
from bayes_beta.kalman.ar1 import ar1_path
from bayes_beta.specs.options import volatility_traits

__all__ = ["Stochastic"]


class Stochastic(VolatilityModel):
    """A log-variance AR(1) around a level relative to ``sd(y)``."""

    traits = volatility_traits("stochastic")
    variables = ("vol_level", "vol_half_life", "vol_persistence", "vol_of_vol")

    def data(self, design):
        return {"steps_per_year": np.asarray(design.steps_per_year)}

    def noise(self, variant, data):
        prior, y_unit, steps_per_year = variant.volatility, data["y_unit"], data["steps_per_year"]
        level = pm.Normal("vol_level", 0.0, prior.level_sd)
        half_life = pm.LogNormal("vol_half_life", mu=np.log(prior.half_life),
                                 sigma=prior.half_life_sd)  # years
        phi = pm.Deterministic("vol_persistence",
                               2.0 ** (-1.0 / (half_life * steps_per_year)))
        vol_of_vol = pm.HalfNormal("vol_of_vol", sigma=prior.vol_of_vol)  # per sqrt(year)
        z = pm.Normal("vol_z", 0.0, 1.0, dims="time")
        x = ar1_path(z, phi, vol_of_vol / pt.sqrt(steps_per_year))
        return pt.exp(2.0 * pt.log(prior.level * y_unit) + level + x)

    def predicted_r(self, fit, stacked, r_t, rng):
        """The AR(1) one step on from ``log R_(t-1)`` (from its stationary law at ``t = 1``)."""
        phi = stacked["vol_persistence"].values[:, None]
        sigma = stacked["vol_of_vol"].values[:, None] / np.sqrt(fit.design.steps_per_year)
        mean = (2.0 * np.log(fit.variant.volatility.level * fit.design.y_unit)
                + stacked["vol_level"].values[:, None])
        log_r = np.log(r_t)
        prev = np.concatenate([mean, log_r[:, :-1]], axis=1)
        sd = np.concatenate([sigma / np.sqrt(1 - phi**2),
                             np.broadcast_to(sigma, log_r[:, 1:].shape)], axis=1)
        return np.exp(mean + phi * (prev - mean) + sd * rng.standard_normal(log_r.shape))

    def future_r(self, fit, kept, r_n, steps, mult, rng):
        """The AR(1) continued from the last step's value."""
        get = lambda name: np.asarray(kept[name], dtype=float)  # noqa: E731
        prior, design = fit.variant.volatility, fit.design
        base = 2 * np.log(prior.level * design.y_unit) + get("vol_level")
        x = np.log(r_n) - base
        phi, sd = get("vol_persistence"), get("vol_of_vol") / np.sqrt(design.steps_per_year)
        S = r_n.shape[0]
        r = np.empty((S, steps))
        for j in range(steps):
            x = phi * x + sd * rng.standard_normal(S)
            r[:, j] = np.exp(base + x)
        return None, r
