"""Student-t observation noise as a scale mixture of normals::

    R_t = sigma_obs^2 lambda_t,   lambda_t ~ InvGamma(nu/2, nu/2),   nu - 2 ~ Gamma(a, b)

``lambda_t`` is sampled by NUTS (``t_scale``, dims ``time``); given the draws, the Kalman filter
stays exact.
"""

from __future__ import annotations

import numpy as np
import pymc as pm

from bayes_beta.bayesian.priors import noise_variable
from bayes_beta.bayesian.volatility.base import VolatilityModel
from bayes_beta.specs.options import volatility_traits

__all__ = ["StudentT"]


class StudentT(VolatilityModel):
    """Heavy-tailed returns: a variance per step drawn around ``sigma_obs^2``."""

    traits = volatility_traits("student_t")
    variables = ("t_nu",)

    def noise(self, variant, data):
        sigma_obs = noise_variable(variant.obs, "sigma_obs", data["y_unit"])
        shape, rate = variant.volatility.nu
        nu = pm.Deterministic("t_nu", 2.0 + pm.Gamma("t_nu_excess", alpha=shape, beta=rate))
        lam = pm.InverseGamma("t_scale", alpha=nu / 2.0, beta=nu / 2.0, dims="time")
        return sigma_obs**2 * lam

    def predicted_r(self, fit, stacked, r_t, rng):
        """A fresh ``lambda_t`` per draw and step: the scale is not known before ``y_t``."""
        nu = stacked["t_nu"].values[:, None]
        lam = 1.0 / rng.gamma(nu / 2.0, 2.0 / nu, size=r_t.shape)  # InvGamma(nu/2, nu/2)
        return stacked["sigma_obs"].values[:, None] ** 2 * lam

    def future_r(self, fit, kept, r_n, steps, mult, rng):
        S = r_n.shape[0]
        nu = np.asarray(kept["t_nu"], dtype=float)[:, None]
        lam = (nu / 2) / rng.gamma(nu / 2, size=(S, steps))  # InvGamma(nu/2, nu/2)
        return None, np.asarray(kept["sigma_obs"], dtype=float)[:, None] ** 2 * lam
