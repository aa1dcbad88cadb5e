"""One observation variance for every step, and a known multiple of it per step::

    constant    R_t = sigma_obs^2
    known       R_t = sigma_obs^2 m_t        m_t a given column (model data ``multiplier``)
"""

from __future__ import annotations

import numpy as np

from bayes_beta.bayesian.priors import noise_variable
from bayes_beta.bayesian.volatility.base import VolatilityModel
from bayes_beta.errors import ArgumentError
from bayes_beta.specs.options import volatility_traits

__all__ = ["Constant", "Known"]


class Constant(VolatilityModel):
    """``R_t = sigma_obs^2``: the model the scan likelihood, pooling and backtests all take."""

    traits = volatility_traits("constant")
    form = "constant"

    def noise(self, variant, data):
        return noise_variable(variant.obs, "sigma_obs", data["y_unit"]) ** 2

    def r_sqrt(self, get, design, m):
        sigma_obs = get("sigma_obs")
        return sigma_obs.reshape(sigma_obs.shape[0], 1), None

    def future_r(self, fit, kept, r_n, steps, mult, rng):
        return None, np.repeat(np.asarray(kept["sigma_obs"], dtype=float)[:, None] ** 2, steps,
                               axis=1)


class Known(VolatilityModel):
    """``R_t = sigma_obs^2 m_t`` with the design's column of variance multipliers ``m_t``."""

    traits = volatility_traits("known")

    def data(self, design):
        return {"multiplier": design.multiplier}

    def noise(self, variant, data):
        return noise_variable(variant.obs, "sigma_obs", data["y_unit"]) ** 2 * data["multiplier"]

    def future_r(self, fit, kept, r_n, steps, mult, rng):
        if mult is None:
            raise ArgumentError("volatility='known' forecasts returns with future variance "
                                f"multipliers: add the column {fit.design.multiplier_column!r} "
                                "to factors.")
        return None, np.asarray(kept["sigma_obs"], dtype=float)[:, None] ** 2 * mult[None, :]
