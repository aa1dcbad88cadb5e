"""PyMC glue: a model whose likelihood is the pytensor Kalman filter's marginal log-likelihood.

    theta = (sigma_state = sqrt(diag Q) [or an LKJ-Cholesky Q], sigma_obs = sqrt(R)
             [, phi, mu for mean reversion] [, b0])          ~ a named prior variant
    log p(y | theta) = sum_t l_t(theta)                      (bayes_beta.kalman filter)

The likelihood is the fused numba Op of :mod:`bayes_beta.kalman.fused_op` by default, or the
pytensor scan graph (``likelihood="scan"``); the tests hold the two equal.

Dynamics: ``"random_walk"`` (``T = I``) or ``"mean_reverting"``:
``beta_t - mu = diag(phi) (beta_(t-1) - mu) + eta_t``, i.e. ``T = diag(phi)`` and a control
input ``B u_t = (1 - phi) * mu`` with ``u_t = 1``.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from bayes_beta.design import Design, make_design
from bayes_beta.kalman import Params, kalman_filter_graph
from bayes_beta.kalman.fused_op import kalman_loglik_sum
from bayes_beta.priors import PriorVariant, get_variant

__all__ = ["NOISE_VARS", "build_model", "model_from_design", "model_setup"]

NOISE_VARS = ("sigma_state", "sigma_obs", "phi", "mu", "b0", "chol_state_corr")

_SETUPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Setup(NamedTuple):
    design: Design
    variant: PriorVariant


class NoiseTensors(NamedTuple):
    """Symbolic model matrices built from the noise parameters."""

    T_d: pt.TensorVariable  # the diagonal of T: ones (random walk) or phi
    Q_sqrt: pt.TensorVariable
    R_sqrt: pt.TensorVariable
    b0: pt.TensorVariable
    P0: pt.TensorVariable
    B: pt.TensorVariable


def _noise(design: Design, variant: PriorVariant) -> NoiseTensors:
    K = design.K
    sigma_obs = variant.obs.make("sigma_obs", design.y_unit)
    if variant.correlated:
        chol, _, stds = pm.LKJCholeskyCov(
            "chol_state",
            n=K,
            eta=variant.lkj_eta,
            sd_dist=variant.state.dist(design.state_unit),
            compute_corr=True,
        )
        pm.Deterministic("sigma_state", stds, dims="factor")
        Q_sqrt = pm.Deterministic("L_state", chol, dims=("factor", "factor_"))
    else:
        sigma_state = variant.state.make("sigma_state", design.state_unit, dims="factor")
        Q_sqrt = pt.diag(sigma_state)
    prior_sd = np.sqrt(np.diag(design.P0))
    if design.dynamics == "mean_reverting":
        phi = pm.Beta("phi", alpha=variant.phi_alpha, beta=variant.phi_beta, dims="factor")
        mu = pm.Normal("mu", mu=design.b0, sigma=prior_sd, dims="factor")
        T_d, B = phi, ((1.0 - phi) * mu)[:, None]
    else:
        T_d, B = np.ones(K), pt.zeros((K, 1))
    if design.initial == "prior":
        b0 = pm.Normal("b0", mu=design.b0, sigma=prior_sd, dims="factor")
        P0 = pt.zeros((K, K))
    else:
        b0 = pm.Data("b0_init", design.b0, dims="factor")
        P0 = pm.Data("P0_init", design.P0, dims=("factor", "factor_"))
    return NoiseTensors(T_d, Q_sqrt, pt.reshape(sigma_obs, (1, 1)), b0, P0, B)


def model_from_design(design: Design, variant: PriorVariant) -> pm.Model:
    """The PyMC model of a :class:`~bayes_beta.design.Design` under a prior variant."""
    coords = {"factor": list(design.factors), "factor_": list(design.factors), "time": design.time}
    with pm.Model(coords=coords) as model:
        m = _noise(design, variant)
        params = Params(pt.diag(m.T_d), m.Q_sqrt @ m.Q_sqrt.T, m.R_sqrt @ m.R_sqrt.T, m.b0,
                        m.P0, m.B)
        if design.likelihood == "fused":
            loglik = kalman_loglik_sum(design.y, design.H, m.T_d, params.Q, params.R[0, 0],
                                       params.b0, params.P0, params.B[:, 0], T_diag=True)
        else:
            u = np.ones((len(design.y), 1))
            loglik = kalman_filter_graph(design.y[:, None], design.H[:, None, :], params, u,
                                         scalar_obs=True).loglik
        pm.Potential("loglik", loglik)
    _SETUPS[model] = Setup(design, variant)
    return model


def model_setup(model: pm.Model) -> Setup:
    """The design and prior variant a model was built from (by :func:`build_model`)."""
    try:
        return _SETUPS[model]
    except KeyError:
        from bayes_beta.errors import SpecError

        raise SpecError(
            "This model was not made by bayes_beta.build_model; build it with "
            "bb.build_model(df, target, factors) and extend that model."
        ) from None


def build_model(
    df,
    target: str,
    factors,
    priors: str | PriorVariant = "default",
    *,
    intercept: bool = False,
    dynamics: str = "random_walk",
    initial: str = "ols",
    init_window: int | None = None,
    likelihood: str = "fused",
) -> pm.Model:
    """Build the PyMC model for ``target`` on ``factors`` in ``df`` (a DatetimeIndex frame).

    The returned model can be extended (``with model: ...``) and sampled with
    :func:`bayes_beta.sample`. ``priors`` is a built-in variant name (``"default"``, ``"tight"``,
    ``"loose"``, ``"correlated"``) or a :class:`~bayes_beta.PriorVariant`.
    """
    design = make_design(
        df,
        target,
        factors,
        intercept=intercept,
        dynamics=dynamics,
        initial=initial,
        init_window=init_window,
        likelihood=likelihood,
    )
    return model_from_design(design, get_variant(priors))
