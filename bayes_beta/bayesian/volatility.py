"""The observation variance ``R_t`` of each model of :data:`bayes_beta.specs.VOLATILITIES`.

With ``s = sd(y)`` (``y_unit``) and the variant's priors (``obs`` for ``sigma_obs``, the rest
from :class:`~bayes_beta.specs.priors.VolatilityPrior`)::

    constant    R_t = sigma_obs^2
    known       R_t = sigma_obs^2 m_t                    m_t a given column (model data)
    student_t   R_t = sigma_obs^2 lambda_t,  lambda_t ~ InvGamma(nu/2, nu/2),  nu - 2 ~ Gamma
    stochastic  log R_t = 2 log(level s) + vol_level + x_t,  vol_level ~ N(0, level_sd),
                x = AR1(vol_z; vol_persistence, vol_of_vol / sqrt(steps per year)),
                vol_persistence = 2^(-1 / (vol_half_life x steps per year)),
                vol_half_life ~ LogNormal(log half_life, half_life_sd)  (years),
                vol_z ~ N(0, 1) per step (non-centred: NUTS samples the whole path)
    garch       R_t = omega + alpha v_(t-1)^2 + gamma R_(t-1),  R_0 = sigma_obs^2 (long-run),
                alpha + gamma = garch_persistence,  alpha = persistence x garch_share,
                omega = sigma_obs^2 (1 - persistence)

Every model but GARCH adds the deterministic ``volatility = sqrt(R_t)`` (dims ``time``) to the
posterior; GARCH's path depends on the filter and is computed when draws are propagated.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from bayes_beta.bayesian.priors import noise_variable
from bayes_beta.kalman.ar1 import ar1_path

__all__ = ["VOLATILITY_VARS", "observation_noise", "volatility_data"]

#: Scalar parameters of the volatility models (summarised and checked like the noise sds).
VOLATILITY_VARS = ("vol_level", "vol_half_life", "vol_persistence", "vol_of_vol", "t_nu", "garch_persistence",
                   "garch_alpha", "garch_gamma")


def volatility_data(design, volatility: str) -> dict[str, np.ndarray]:
    """The model data a volatility model needs beyond those of every model."""
    if volatility == "known":
        return {"multiplier": design.multiplier}
    if volatility == "stochastic":
        return {"steps_per_year": np.asarray(design.steps_per_year)}
    return {}


def _stochastic(prior, y_unit, steps_per_year):
    level = pm.Normal("vol_level", 0.0, prior.level_sd)
    half_life = pm.LogNormal("vol_half_life", mu=np.log(prior.half_life),
                             sigma=prior.half_life_sd)  # years
    phi = pm.Deterministic("vol_persistence",
                           2.0 ** (-1.0 / (half_life * steps_per_year)))
    vol_of_vol = pm.HalfNormal("vol_of_vol", sigma=prior.vol_of_vol)  # per sqrt(year)
    z = pm.Normal("vol_z", 0.0, 1.0, dims="time")
    x = ar1_path(z, phi, vol_of_vol / pt.sqrt(steps_per_year))
    return pt.exp(2.0 * pt.log(prior.level * y_unit) + level + x)


def _student_t(variant, y_unit):
    sigma_obs = noise_variable(variant.obs, "sigma_obs", y_unit)
    shape, rate = variant.volatility.nu
    nu = pm.Deterministic("t_nu", 2.0 + pm.Gamma("t_nu_excess", alpha=shape, beta=rate))
    lam = pm.InverseGamma("t_scale", alpha=nu / 2.0, beta=nu / 2.0, dims="time")
    return sigma_obs**2 * lam


def _garch(variant, y_unit):
    prior = variant.volatility
    sigma_obs = noise_variable(variant.obs, "sigma_obs", y_unit)  # the long-run sd
    p = pm.Beta("garch_persistence", alpha=prior.persistence[0], beta=prior.persistence[1])
    share = pm.Beta("garch_share", alpha=prior.garch_share[0], beta=prior.garch_share[1])
    alpha = pm.Deterministic("garch_alpha", p * share)
    gamma = pm.Deterministic("garch_gamma", p * (1.0 - share))
    r_bar = sigma_obs**2
    return (r_bar * (1.0 - p), alpha, gamma, r_bar)


def observation_noise(variant, volatility: str, data):
    """``(r, form)``: the observation variance for the fused Op and its ``noise`` form."""
    y_unit = data["y_unit"]
    if volatility == "garch":
        return _garch(variant, y_unit), "garch"
    if volatility == "stochastic":
        r = _stochastic(variant.volatility, y_unit, data["steps_per_year"])
    elif volatility == "student_t":
        r = _student_t(variant, y_unit)
    else:
        sigma_obs = noise_variable(variant.obs, "sigma_obs", y_unit)
        if volatility == "constant":
            return sigma_obs**2, "constant"
        r = sigma_obs**2 * data["multiplier"]
    pm.Deterministic("volatility", pt.sqrt(r), dims="time")
    return r, "steps"
