"""GARCH(1, 1) on the model's own innovations (the default observation noise)::

    R_t = omega + alpha v_(t-1)^2 + gamma R_(t-1),   R_0 = sigma_obs^2 (the long-run variance),
    alpha + gamma = garch_persistence,  alpha = persistence x garch_share,
    omega = sigma_obs^2 (1 - persistence)

``v_t`` is the filter's innovation, so ``R_t`` is a function of the past data and the
likelihood stays an exact Kalman likelihood; the recursion itself is
:mod:`bayes_beta.kalman.variance` (the filter, the propagation and the forecast kernels share
it). :func:`garch_terms` is the one place the Op's tuple ``(omega, alpha, gamma, r0)`` is made,
for PyMC variables and for arrays of draws alike.
"""

from __future__ import annotations

import numpy as np
import pymc as pm

from bayes_beta.bayesian.priors import noise_variable
from bayes_beta.bayesian.volatility.base import VolatilityModel
from bayes_beta.kalman.propagate import garch_variances
from bayes_beta.specs.options import volatility_traits

__all__ = ["Garch", "garch_terms"]


def garch_terms(r_bar, persistence, alpha, gamma):
    """``(omega, alpha, gamma, r0)`` from the long-run variance ``r_bar`` and the persistence
    ``alpha + gamma`` (scalars, arrays of draws or PyMC variables)."""
    return r_bar * (1.0 - persistence), alpha, gamma, r_bar


class Garch(VolatilityModel):
    """GARCH(1, 1) whose variance path is a function of the filter's innovations."""

    traits = volatility_traits("garch")
    form = "garch"
    variables = ("garch_persistence", "garch_alpha", "garch_gamma")

    def noise(self, variant, data):
        prior = variant.volatility
        sigma_obs = noise_variable(variant.obs, "sigma_obs", data["y_unit"])  # the long-run sd
        p = pm.Beta("garch_persistence", alpha=prior.persistence[0], beta=prior.persistence[1])
        share = pm.Beta("garch_share", alpha=prior.garch_share[0], beta=prior.garch_share[1])
        alpha = pm.Deterministic("garch_alpha", p * share)
        gamma = pm.Deterministic("garch_gamma", p * (1.0 - share))
        return garch_terms(sigma_obs**2, p, alpha, gamma)

    def r_sqrt(self, get, design, m):
        """Each draw's recursion on the data, with ``l_t`` from the same filter pass."""
        terms = garch_terms(get("sigma_obs") ** 2, get("garch_persistence"), get("garch_alpha"),
                            get("garch_gamma"))
        r, ll = garch_variances(design.y, np.ascontiguousarray(design.H), *(
            np.ascontiguousarray(a) for a in (m[0], m[1], np.stack(terms, 1), *m[2:])))
        return np.sqrt(r), ll

    def future_r(self, fit, kept, r_n, steps, mult, rng):
        """The recursion, run by the forecast on its own simulated innovations."""
        get = lambda name: np.asarray(kept[name], dtype=float)  # noqa: E731
        terms = garch_terms(get("sigma_obs") ** 2, get("garch_persistence"), get("garch_alpha"),
                            get("garch_gamma"))
        return np.column_stack(terms[:3]), None
