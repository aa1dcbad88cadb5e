"""The observation variance ``R_t``: one registered :class:`VolatilityModel` per name of
:data:`bayes_beta.specs.VOLATILITIES` (:mod:`~bayes_beta.bayesian.volatility.base`).

With ``s = sd(y)`` (``y_unit``) and the variant's priors (``obs`` for ``sigma_obs``, the rest
from :class:`~bayes_beta.specs.priors.VolatilityPrior`), the built-ins are::

    constant    R_t = sigma_obs^2                                            (constant.py)
    known       R_t = sigma_obs^2 m_t                    m_t a given column  (constant.py)
    student_t   R_t = sigma_obs^2 lambda_t,  lambda_t ~ InvGamma(nu/2, nu/2) (student_t.py)
    stochastic  log R_t = 2 log(level s) + vol_level + x_t, x a latent AR(1) (stochastic.py)
    garch       R_t = omega + alpha v_(t-1)^2 + gamma R_(t-1)                (garch.py)

Every ``"steps"`` model adds the deterministic ``volatility = sqrt(R_t)`` (dims ``time``) to the
posterior; GARCH's path depends on the filter and is computed when draws are propagated. A new
model is one module: a :class:`VolatilityModel` subclass passed to :func:`register`.
"""

from __future__ import annotations

import pymc as pm
import pytensor.tensor as pt

from bayes_beta.bayesian.volatility.base import (
    MODELS,
    VolatilityModel,
    get_volatility,
    register,
    unregister,
    volatility_variables,
)
from bayes_beta.bayesian.volatility.constant import Constant, Known
from bayes_beta.bayesian.volatility.garch import Garch, garch_terms
from bayes_beta.bayesian.volatility.stochastic import Stochastic
from bayes_beta.bayesian.volatility.student_t import StudentT

__all__ = ["MODELS", "VOLATILITY_VARS", "VolatilityModel", "garch_terms", "get_volatility",
           "observation_noise", "register", "unregister", "volatility_data",
           "volatility_variables"]

for _model in (Constant(), Stochastic(), Garch(), StudentT(), Known()):
    register(_model)

#: Scalar parameters of the built-in volatility models (summarised and checked like the noise
#: sds); :func:`volatility_variables` adds those of registered models.
VOLATILITY_VARS = volatility_variables()


def volatility_data(design, volatility: str) -> dict:
    """The model data a volatility model needs beyond those of every model."""
    return get_volatility(volatility).data(design)


def observation_noise(variant, volatility: str, data):
    """``(r, form)``: the observation variance for the fused Op and its ``noise`` form."""
    model = get_volatility(volatility)
    r = model.noise(variant, data)
    if model.form == "steps":
        pm.Deterministic("volatility", pt.sqrt(r), dims="time")
    return r, model.form
