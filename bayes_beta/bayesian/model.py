"""PyMC glue: a model whose likelihood is the Kalman filter's marginal log-likelihood.

    theta = (sigma_state = sqrt(diag Q) [or an LKJ-Cholesky Q], sigma_obs = sqrt(R)
             [, phi, mu for mean reversion] [, b0])          ~ a named prior variant
    log p(y | theta) = sum_t l_t(theta)                      (bayes_beta.kalman)

The data enter as named model data (``pm.Data``): ``y`` (n,), ``H`` (n, K), the initial state
``b0_init`` (K,), ``P0_init`` (K, K), the prior units ``y_unit`` and ``state_unit`` (K,) and the
prior scales ``sigma_obs_scale`` and ``sigma_state_scale`` (K,). Every random variable is
standard (:mod:`bayes_beta.bayesian.priors`; ``mu`` and ``b0`` are non-centred on the initial
state), so the graph and the sampler's starting points depend only on the model's *shape* (K,
options, the prior families and shape numbers), and one compiled model serves every dataset and
every set of prior scales of that shape (:mod:`bayes_beta.bayesian.sampling`).

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
import pytensor.tensor as pt

from bayes_beta.bayesian.modeldata import add_data
from bayes_beta.bayesian.priors import noise_dist, noise_variable, scale_data
from bayes_beta.bayesian.volatility import (
    VOLATILITY_VARS,
    observation_noise,
    volatility_data,
    volatility_variables,
)
from bayes_beta.data.design import Design, make_design
from bayes_beta.errors import SpecError
from bayes_beta.kalman.fused_op import kalman_loglik_sum
from bayes_beta.kalman.graph import Params, kalman_filter_graph
from bayes_beta.specs.options import DEFAULT_VOLATILITY, ModelOptions, volatility_traits
from bayes_beta.specs.priors import PriorVariant, get_variant

__all__ = ["DATA_VARS", "NOISE_VARS", "Setup", "add_data", "build_model", "model_from_design",
           "model_setup", "noise_vars"]

NOISE_VARS = ("sigma_state", "sigma_obs", "phi", "mu", "b0", "chol_state_corr",
              *VOLATILITY_VARS)


def noise_vars() -> tuple[str, ...]:
    """:data:`NOISE_VARS` and the scalar parameters of every registered volatility model."""
    return tuple(dict.fromkeys((*NOISE_VARS, *volatility_variables())))
DATA_VARS = ("y", "H", "b0_init", "P0_init", "y_unit", "state_unit", "sigma_obs_scale",
             "sigma_state_scale")

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


def data_values(design: Design, options: ModelOptions | None = None) -> dict[str, np.ndarray]:
    """The model data of a design, by name (:data:`DATA_VARS` and what the volatility model
    needs)."""
    volatility = options.volatility if options is not None else "constant"
    return {"y": design.y, "H": design.H, "b0_init": design.b0, "P0_init": design.P0,
            "y_unit": np.asarray(design.y_unit), "state_unit": design.state_unit,
            **volatility_data(design, volatility)}


def _state_noise(variant: PriorVariant, K: int, state_unit):
    """``Q_sqrt``: ``diag(sigma_state)``, or ``diag(state_unit x sigma_state_scale) L`` with
    ``L`` the standard LKJ-Cholesky factor ``chol_state`` (correlations ``chol_state_corr``)."""
    if not variant.correlated:
        sigma_state = noise_variable(variant.state, "sigma_state", state_unit, dims="factor")
        return pt.diag(sigma_state)
    unit = state_unit * scale_data(variant.state, "sigma_state", "factor")
    chol, _, stds = pm.LKJCholeskyCov("chol_state", n=K, eta=variant.lkj_eta,
                                      sd_dist=noise_dist(variant.state, K), compute_corr=True)
    pm.Deterministic("sigma_state", unit * stds, dims="factor")
    return pm.Deterministic("L_state", unit[:, None] * chol, dims=("factor", "factor_"))


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
    r"""The PyMC model of a :class:`~bayes_beta.data.Design` under a prior variant.

    The noise parameters :math:`\theta` get the variant's priors (unit-free, scaled by the
    design's units) and the likelihood is the Kalman filter's marginal log-likelihood
    :math:`\log p(y \mid \theta) = \sum_t \ell_t(\theta)` (a ``pm.Potential`` named
    ``loglik``). The data enter as named model data: ``y``, ``H``, ``b0_init``, ``P0_init``,
    ``y_unit``, ``state_unit`` and what the volatility model needs, so the compiled model
    serves every design of the same shape (see :mod:`bayes_beta.bayesian.model`). The model can
    be sampled with :func:`bayes_beta.sample`.

    Parameters
    ----------
    design : bayes_beta.data.Design
        The data and settings (:func:`bayes_beta.make_design`).
    variant : bayes_beta.PriorVariant
        The prior variant (e.g. ``bb.PRIOR_VARIANTS["default"]``).
    options : bayes_beta.ModelOptions, optional
        Dynamics, likelihood and volatility; default ``ModelOptions()``.

    Returns
    -------
    pymc.Model
        The model, with coordinates ``factor`` (and ``time`` for a variance per step).

    Raises
    ------
    bayes_beta.SpecError
        If ``volatility="known"`` and the design has no variance multiplier, or the design has
        one and the volatility is not ``"known"``.

    See Also
    --------
    bayes_beta.build_model : The same from a DataFrame.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.bayesian import model_from_design
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF"])
    >>> model = model_from_design(design, bb.PRIOR_VARIANTS["default"],
    ...                           bb.ModelOptions(volatility="constant"))
    >>> sorted(rv.name for rv in model.free_RVs)
    ['sigma_obs_z', 'sigma_state_z']
    >>> [data.name for data in model.data_vars]
    ['y', 'H', 'b0_init', 'P0_init', 'y_unit', 'state_unit', 'sigma_obs_scale', 'sigma_state_scale']
    """
    options = options or ModelOptions()
    coords = {"factor": list(design.factors), "factor_": list(design.factors)}
    traits = volatility_traits(options.volatility)
    if traits.per_step:  # a variance per step in the posterior
        coords["time"] = design.time
    if traits.multiplier and design.multiplier is None:
        raise SpecError(f"volatility={options.volatility!r} needs a column of variance "
                        "multipliers: pass variance_multiplier=<column> to bb.fit or "
                        "bb.build_model.")
    if not traits.multiplier and design.multiplier is not None:
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
    r"""Build the PyMC model for ``target`` on ``factors`` in ``df`` (a DatetimeIndex frame).

    The model of the exposures :math:`\beta_t` (K factors, with an ``"alpha"`` first when
    ``intercept=True``):

    .. math::

        y_t = H_t \beta_t + \varepsilon_t, \quad \varepsilon_t \sim N(0, R_t), \qquad
        \beta_t = T \beta_{t-1} + c + \eta_t, \quad \eta_t \sim N(0, Q),

    with :math:`T = I, c = 0` (``dynamics="random_walk"``) or :math:`T = \mathrm{diag}(\phi)`,
    :math:`c = (1 - \phi) \mu` (``"mean_reverting"``: :math:`\beta_t - \mu = \mathrm{diag}(\phi)
    (\beta_{t-1} - \mu) + \eta_t`). The parameters :math:`\theta` (``sigma_state``
    :math:`= \sqrt{\mathrm{diag}\, Q}` or an LKJ-Cholesky :math:`Q`, ``sigma_obs`` and the
    volatility model's parameters for :math:`R_t`, ``phi`` and ``mu``, ``b0`` with
    ``initial="prior"``) get the variant's priors, and the likelihood is the Kalman filter's
    marginal log-likelihood

    .. math::

        \log p(y \mid \theta) = \sum_t \ell_t(\theta)
        = \sum_t \log N(y_t;\, H_t b_{t|t-1},\, S_t),

    with the exposures integrated out exactly. The returned model can be extended
    (``with model: ...``) and sampled with :func:`bayes_beta.sample`.

    Parameters
    ----------
    df : pandas.DataFrame
        Time-indexed frame (a ``DatetimeIndex``) with the target and factor columns.
    target : str
        The column to explain.
    factors : str or list of str
        The factor columns.
    priors : str or bayes_beta.PriorVariant, default "default"
        A built-in variant name (``"default"``, ``"tight"``, ``"loose"``, ``"correlated"``) or
        a :class:`~bayes_beta.PriorVariant`.
    intercept : bool, default False
        Add a time-varying alpha.
    dynamics : {"random_walk", "mean_reverting"}, default "random_walk"
        The state dynamics, as above.
    initial : str or tuple, default "ols"
        ``"ols"``, ``"diffuse"``, ``"prior"`` or a given start ``(b0, P0)`` (see
        :func:`bayes_beta.make_design`).
    init_window : int, optional
        Complete rows of the OLS start (default ``max(4 K, 26)``).
    likelihood : {"fused", "scan"}, default "fused"
        The fused numba Op or the pytensor scan graph (the tests hold the two equal).
    units : tuple, optional
        Fixed ``(y_unit, state_unit)`` for the priors instead of the data's (see
        :mod:`bayes_beta.data.design`).
    volatility : {"garch", "stochastic", "student_t", "known", "constant"}, default "garch"
        The observation-variance model (:mod:`bayes_beta.bayesian.volatility`).
    variance_multiplier : str, optional
        The column of ``df`` that ``volatility="known"`` scales the variance by.

    Returns
    -------
    pymc.Model
        The model; :func:`bayes_beta.sample` samples it into a :class:`~bayes_beta.Fit`.

    Raises
    ------
    bayes_beta.ColumnError
        If the target, a factor or the multiplier column is not in ``df``.
    bayes_beta.DataError
        If the data are unusable (see :func:`bayes_beta.make_design`).
    bayes_beta.SpecError
        If a model option, the prior variant or the initial state is invalid, or the
        multiplier column and ``volatility`` disagree.

    See Also
    --------
    bayes_beta.sample : Sample the model into a fit.
    bayes_beta.fit : Build and sample in one call.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> model = bb.build_model(df.iloc[-260:], "Util", ["Mkt-RF"])
    >>> sorted(rv.name for rv in model.free_RVs)  # unit-free, with GARCH(1, 1) noise
    ['garch_persistence', 'garch_share', 'sigma_obs_z', 'sigma_state_z']
    >>> sorted(var.name for var in model.deterministics)
    ['garch_alpha', 'garch_gamma', 'sigma_obs', 'sigma_state']
    >>> model = bb.build_model(df.iloc[-260:], "Util", ["Mkt-RF", "d10y"],
    ...                        dynamics="mean_reverting", volatility="constant")
    >>> sorted(rv.name for rv in model.free_RVs)
    ['mu_z', 'phi', 'sigma_obs_z', 'sigma_state_z']
    >>> model.coords["factor"]
    ('Mkt-RF', 'd10y')
    >>> bb.build_model(df, "Util", ["Mkt-RF"], volatility="known")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: volatility='known' needs a column of variance multipliers: ...
    """
    options = ModelOptions(dynamics=dynamics, likelihood=likelihood, volatility=volatility)
    variant = get_variant(priors)
    design = make_design(df, target, factors, intercept=intercept, initial=initial,
                         init_window=init_window, units=units, multiplier=variance_multiplier)
    return model_from_design(design, variant, options)
