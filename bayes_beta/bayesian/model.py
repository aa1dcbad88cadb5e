"""PyMC glue: a model whose likelihood is the Kalman filter's marginal log-likelihood.

    theta = (sigma_state = sqrt(diag Q) [or an LKJ-Cholesky Q], sigma_obs = sqrt(R)
             [, phi, mu for mean reversion] [, b0])          ~ a named prior variant
    log p(y | theta) = sum_t l_t(theta)                      (bayes_beta.kalman)

The data enter as named model data (``pm.Data``): ``y`` (n,), ``H`` (n, K), the initial state
``b0_init`` (K,), ``P0_init`` (K, K), and the prior units ``y_unit`` and ``state_unit`` (K,).
Every random variable is unit-free (:mod:`bayes_beta.bayesian.priors`; ``mu`` and ``b0`` are
non-centred on the initial state), so the graph and the sampler's starting points depend only on
the model's *shape* (K, options, prior variant), and one compiled model serves every dataset of
that shape (:mod:`bayes_beta.bayesian.sampling`).

The likelihood is the fused numba Op of :mod:`bayes_beta.kalman.fused_op` (``"fused"``) or the
pytensor scan graph (``"scan"``); the tests hold the two equal.

Dynamics: ``"random_walk"`` (``T = I``) or ``"mean_reverting"``:
``beta_t - mu = diag(phi) (beta_(t-1) - mu) + eta_t``, i.e. ``T = diag(phi)`` and a control
input ``c = (1 - phi) mu``. ``initial="prior"``: ``b0 ~ N(b0_init, P0_init)`` (full covariance)
and ``P0 = 0``, which has the same marginal likelihood as the fixed start ``N(b0_init, P0_init)``.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt

from bayes_beta.bayesian.priors import noise_dist, noise_variable
from bayes_beta.bayesian.volatility import VOLATILITY_VARS, observation_noise, volatility_data
from bayes_beta.data.design import Design, make_design
from bayes_beta.errors import SpecError
from bayes_beta.kalman.fused_op import kalman_loglik_sum
from bayes_beta.kalman.graph import Params, kalman_filter_graph
from bayes_beta.specs.options import DEFAULT_VOLATILITY, ModelOptions
from bayes_beta.specs.priors import PriorVariant, get_variant

__all__ = ["DATA_VARS", "NOISE_VARS", "Setup", "add_data", "build_model", "model_from_design",
           "model_setup"]

NOISE_VARS = ("sigma_state", "sigma_obs", "phi", "mu", "b0", "chol_state_corr",
              *VOLATILITY_VARS)
DATA_VARS = ("y", "H", "b0_init", "P0_init", "y_unit", "state_unit")

_SETUPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Setup(NamedTuple):
    """What a model was built from."""

    design: Design
    variant: PriorVariant
    options: ModelOptions


class Matrices(NamedTuple):
    """Symbolic model matrices built from the noise parameters and the model data."""

    T_d: pt.TensorVariable  # the diagonal of T: ones (random walk) or phi
    Q_sqrt: pt.TensorVariable
    r: object  # the observation variance: a scalar, one per step, or a GARCH tuple
    form: str  # its form for the fused Op: "constant", "steps" or "garch"
    b0: pt.TensorVariable
    P0: pt.TensorVariable
    c: pt.TensorVariable  # the control input (1 - phi) mu, or zeros


def add_data(name: str, value) -> pt.TensorVariable:
    """Model data ``name`` holding ``value`` as a float array (NaN kept as NaN: ``pm.Data``
    would turn an array with NaN into a masked array, which the kernels cannot take)."""
    var = pytensor.shared(np.array(value, dtype=np.float64), name=name)
    pm.modelcontext(None).register_data_var(var)
    return var


def data_values(design: Design, options: ModelOptions | None = None) -> dict[str, np.ndarray]:
    """The model data of a design, by name (:data:`DATA_VARS` and what the volatility model
    needs)."""
    volatility = options.volatility if options is not None else "constant"
    return {"y": design.y, "H": design.H, "b0_init": design.b0, "P0_init": design.P0,
            "y_unit": np.asarray(design.y_unit), "state_unit": design.state_unit,
            **volatility_data(design, volatility)}


def _state_noise(variant: PriorVariant, K: int, state_unit):
    """``Q_sqrt``: ``diag(sigma_state)``, or ``diag(state_unit) L`` with ``L`` the unit-free
    LKJ-Cholesky factor ``chol_state`` (correlations ``chol_state_corr``)."""
    if not variant.correlated:
        sigma_state = noise_variable(variant.state, "sigma_state", state_unit, dims="factor")
        return pt.diag(sigma_state)
    chol, _, stds = pm.LKJCholeskyCov("chol_state", n=K, eta=variant.lkj_eta,
                                      sd_dist=noise_dist(variant.state, K), compute_corr=True)
    pm.Deterministic("sigma_state", state_unit * stds, dims="factor")
    return pm.Deterministic("L_state", state_unit[:, None] * chol, dims=("factor", "factor_"))


def _matrices(design: Design, variant: PriorVariant, options: ModelOptions, data) -> Matrices:
    """The model matrices; every random variable is unit-free (``*_z``, ``phi``, the LKJ
    factor) and scaled by the model data, so nothing the sampler sees depends on the data."""
    K = design.K
    r, form = observation_noise(variant, options.volatility, data)
    Q_sqrt = _state_noise(variant, K, data["state_unit"])
    b0, P0 = data["b0_init"], data["P0_init"]
    if options.dynamics == "mean_reverting":
        phi = pm.Beta("phi", alpha=variant.phi_alpha, beta=variant.phi_beta, dims="factor")
        mu_z = pm.Normal("mu_z", 0.0, 1.0, dims="factor")  # mu ~ N(b0, diag P0)
        mu = pm.Deterministic("mu", b0 + pt.sqrt(pt.diag(P0)) * mu_z, dims="factor")
        T_d, c = phi, (1.0 - phi) * mu
    else:  # constants: the Op then skips the gradient for T (no stored covariances)
        T_d, c = pt.constant(np.ones(K)), pt.constant(np.zeros(K))
    if design.initial == "prior":  # b0 ~ N(b0_init, P0_init), the full covariance
        b0_z = pm.Normal("b0_z", 0.0, 1.0, dims="factor")
        b0 = pm.Deterministic("b0", b0 + pt.linalg.cholesky(P0) @ b0_z, dims="factor")
        P0 = pt.zeros((K, K))
    return Matrices(T_d, Q_sqrt, r, form, b0, P0, c)


def _loglik(m: Matrices, y, H, likelihood: str):
    Q = m.Q_sqrt @ m.Q_sqrt.T
    if likelihood == "fused":
        return kalman_loglik_sum(y, H, m.T_d, Q, m.r, m.b0, m.P0, m.c, T_diag=True,
                                 noise=m.form)
    params = Params(pt.diag(m.T_d), Q, pt.reshape(m.r, (1, 1)), m.b0, m.P0, m.c[:, None])
    u = pt.ones((y.shape[0], 1))
    return kalman_filter_graph(y[:, None], H[:, None, :], params, u, scalar_obs=True).loglik


def model_from_design(design: Design, variant: PriorVariant,
                      options: ModelOptions | None = None) -> pm.Model:
    """The PyMC model of a :class:`~bayes_beta.data.Design` under a prior variant."""
    options = options or ModelOptions()
    coords = {"factor": list(design.factors), "factor_": list(design.factors)}
    if options.volatility not in ("constant", "garch"):  # a variance per step in the posterior
        coords["time"] = design.time
    if options.volatility == "known" and design.multiplier is None:
        raise SpecError("volatility='known' needs a column of variance multipliers: pass "
                        "variance_multiplier=<column> to bb.fit or bb.build_model.")
    if options.volatility != "known" and design.multiplier is not None:
        raise SpecError(f"variance_multiplier={design.multiplier_column!r} is used only by "
                        f"volatility='known'; got volatility={options.volatility!r}.")
    with pm.Model(coords=coords) as model:
        data = {name: add_data(name, value)
                for name, value in data_values(design, options).items()}
        m = _matrices(design, variant, options, data)
        H = pt.specify_shape(data["H"], (None, design.K))
        pm.Potential("loglik", _loglik(m, data["y"], H, options.likelihood))
    _SETUPS[model] = Setup(design, variant, options)
    return model


def model_setup(model: pm.Model) -> Setup:
    """The design, prior variant and options a model was built from (by :func:`build_model`)."""
    try:
        return _SETUPS[model]
    except KeyError:
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
    units=None,
    volatility: str = DEFAULT_VOLATILITY,
    variance_multiplier=None,
) -> pm.Model:
    """Build the PyMC model for ``target`` on ``factors`` in ``df`` (a DatetimeIndex frame).

    The returned model can be extended (``with model: ...``) and sampled with
    :func:`bayes_beta.sample`. ``priors`` is a built-in variant name (``"default"``, ``"tight"``,
    ``"loose"``, ``"correlated"``) or a :class:`~bayes_beta.PriorVariant`. ``initial``: ``"ols"``,
    ``"diffuse"``, ``"prior"`` or a given start ``(b0, P0)``; ``units``: fixed
    ``(y_unit, state_unit)`` for the priors instead of the data's (see
    :mod:`bayes_beta.data.design`); ``volatility``: the observation-variance model
    (:mod:`bayes_beta.bayesian.volatility`), ``variance_multiplier`` the column of ``df`` that
    ``volatility="known"`` scales the variance by.
    """
    options = ModelOptions(dynamics=dynamics, likelihood=likelihood, volatility=volatility)
    variant = get_variant(priors)
    design = make_design(df, target, factors, intercept=intercept, initial=initial,
                         init_window=init_window, units=units, multiplier=variance_multiplier)
    return model_from_design(design, variant, options)
