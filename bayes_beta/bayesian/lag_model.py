"""Bayesian two-step lag smoother: the chapter's model with priors on ``a``, ``sqrt(q)``,
``sqrt(r)``.

Model (see :mod:`bayes_beta.classical.lag_smoother`), with ``s = sd(Δz)`` the data unit::

    a           ~ Beta(a_alpha, a_beta)              weight of the latest level, in (0, 1)
    sigma_state ~ HalfNormal(noise_scale * s)        sqrt(q), per-step shock of the level
    sigma_obs   ~ HalfNormal(noise_scale * s)        sqrt(r), measurement noise
    log p(z | a, q, r) = sum_t l_t                   the fused Kalman Op (dense T), a Potential

Sampled by :func:`bayes_beta.bayesian.sampling.run` (nutpie), like every fit. Bands on the
smoothed yield: for each of ``draws`` posterior draws ``theta_s``, one joint path
``z*^(s)_{1:n} ~ p(z* | z, theta_s)`` from the propagation kernels (Durbin-Koopman simulation
smoother); quantiles over draws at each ``t`` integrate parameter and state uncertainty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

from bayes_beta.bayesian import sampling
from bayes_beta.bayesian.args import check_int, check_prob
from bayes_beta.bayesian.intervals import bounds, interval_table
from bayes_beta.bayesian.model import add_data
from bayes_beta.classical.lag_smoother import lag_data
from bayes_beta.errors import DataError, SpecError
from bayes_beta.kalman.fused_op import kalman_loglik_sum
from bayes_beta.kalman.propagate import propagate_draws
from bayes_beta.specs.sampler import Sampling

__all__ = [
    "LAG_VARS",
    "build_lag_model",
    "lag_posterior_bands",
    "sample_lag_model",
    "summarize_lag_posterior",
]

LAG_VARS = ("a", "sigma_state", "sigma_obs")


def build_lag_model(series, a_alpha: float = 2.0, a_beta: float = 2.0, noise_scale: float = 1.0):
    r"""The PyMC model of the two-step lag smoother for ``series`` (see the module docstring).

    The state :math:`x_t = (z^*_t, z^*_{t-1})` holds today's and yesterday's underlying level
    and the observation is the raw series :math:`z_t`
    (:mod:`bayes_beta.classical.lag_smoother`), with priors on the weight and the noise sds,
    :math:`s = \mathrm{sd}(\Delta z)` the data unit:

    .. math::

        x_t = \begin{pmatrix} a & 1 - a \\ 1 & 0 \end{pmatrix} x_{t-1} + w_t, \quad
        w_t \sim N(0, \mathrm{diag}(\sigma_{\text{state}}^2, 0)), \qquad
        z_t = (1, 0)\, x_t + v_t, \quad v_t \sim N(0, \sigma_{\text{obs}}^2),

        a \sim \text{Beta}(a_\alpha, a_\beta), \quad
        \sigma_{\text{state}}, \sigma_{\text{obs}} \sim \text{HalfNormal}(c\, s), \quad
        \log p(z \mid a, q, r) = \sum_t \ell_t,

    with :math:`c` = ``noise_scale`` and the log-likelihood the fused Kalman Op (dense
    :math:`T`) as a ``pm.Potential``. The filter starts at :math:`b_0 = (z_1, z_1)` (the first
    observed value), :math:`P_0 = \mathrm{var}(z) I`.

    Parameters
    ----------
    series : pandas.Series or pandas.DataFrame
        The yield levels (one numeric column, at least 3 observed values; NaN skips a step).
    a_alpha, a_beta : float, default 2.0
        The Beta prior of ``a``, the weight of the latest level, in (0, 1).
    noise_scale : float, default 1.0
        Scale of both HalfNormal priors, in units of :math:`s`.

    Returns
    -------
    pymc.Model
        The model, with free variables ``a``, ``sigma_state``, ``sigma_obs`` and data ``y``,
        ``H``.

    Raises
    ------
    bayes_beta.SpecError
        If ``a_alpha``, ``a_beta`` or ``noise_scale`` is not positive.
    bayes_beta.DataError
        If ``series`` is not one numeric column with at least 3 observed values and no
        ``inf``, or never changes.

    See Also
    --------
    sample_lag_model : Sample the model.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.bayesian import build_lag_model
    >>> yields = bb.datasets.load_treasury_yields(start="2015", end="2016", frequency="weekly")
    >>> model = build_lag_model(yields["10year"])
    >>> sorted(rv.name for rv in model.free_RVs), [data.name for data in model.data_vars]
    (['a', 'sigma_obs', 'sigma_state'], ['y', 'H'])
    >>> build_lag_model(yields["10year"], noise_scale=0)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: a_alpha, a_beta and noise_scale must be positive.
    """
    if not (a_alpha > 0 and a_beta > 0 and noise_scale > 0):
        raise SpecError("a_alpha, a_beta and noise_scale must be positive.")
    d = lag_data(series)
    unit = float(np.nanstd(d.series.diff().to_numpy()))
    if not unit > 0:
        raise DataError("The series never changes; there is nothing to smooth.")
    with pm.Model() as model:
        z, H = add_data("y", d.z), add_data("H", d.H)
        a = pm.Beta("a", alpha=a_alpha, beta=a_beta)
        sigma_state = pm.HalfNormal("sigma_state", sigma=noise_scale * unit)
        sigma_obs = pm.HalfNormal("sigma_obs", sigma=noise_scale * unit)
        T = pt.stack([pt.stack([a, 1.0 - a]), pt.stack([pt.constant(1.0), pt.constant(0.0)])])
        zero = pt.constant(0.0)
        Q = pt.stack([pt.stack([sigma_state**2, zero]), pt.stack([zero, zero])])
        loglik = kalman_loglik_sum(z, pt.specify_shape(H, (None, 2)), T, Q, sigma_obs**2,
                                   np.array([d.x0, d.x0]), d.p0 * np.eye(2), np.zeros(2))
        pm.Potential("loglik", loglik)
    return model


def sample_lag_model(model, draws: int = 200, tune: int = 200, chains: int = 2,
                     seed: int | None = 0, progress: bool = False, target_accept: float = 0.9):
    """NUTS (nutpie); returns the posterior as an ``xarray.Dataset``.

    Sampled by :func:`bayes_beta.bayesian.sampling.run`, like every fit (compiled once per
    process and reused for any series).

    Parameters
    ----------
    model : pymc.Model
        A model from :func:`build_lag_model`.
    draws, tune, chains : int, default 200, 200, 2
        Posterior draws and warm-up draws per chain, number of chains
        (:class:`bayes_beta.Sampling`). Smaller than :func:`bayes_beta.fit`'s 1000, 1000, 4 on
        purpose: the model has three scalar parameters, and it adds parameter uncertainty to
        the chapter's lag smoother (a point-estimate workflow) for one series at a time, where
        400 draws give the bands' 5% and 95% quantiles to a few percent of their width.
    seed : int or None, default 0
        Random seed (>= 0). ``0`` rather than a fresh seed on purpose: the lag smoother's tables
        and plots are reproducible by default, as the classical workflow's are.
    progress : bool, default False
        Show the sampler's progress bar.
    target_accept : float, default 0.9
        NUTS's target acceptance rate. It defaults to 0.9: the posterior of ``sigma_obs``
        piles up near 0 (daily and weekly yields are close to a random walk), where smaller
        steps avoid divergences.

    Returns
    -------
    xarray.Dataset
        The posterior: ``a``, ``sigma_state``, ``sigma_obs`` with dims (chain, draw).

    Raises
    ------
    bayes_beta.ArgumentError
        If ``draws``, ``tune`` or ``chains`` is not a positive integer, ``seed`` is negative
        or ``target_accept`` is not strictly between 0 and 1.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.bayesian import build_lag_model, sample_lag_model
    >>> yields = bb.datasets.load_treasury_yields(start="2015", end="2016", frequency="weekly")
    >>> model = build_lag_model(yields["10year"])
    >>> posterior = sample_lag_model(model, draws=50, tune=50, chains=1, seed=1)
    >>> sorted(posterior.data_vars), dict(posterior.sizes)
    (['a', 'sigma_obs', 'sigma_state'], {'chain': 1, 'draw': 50})
    >>> bool(((posterior["a"] > 0) & (posterior["a"] < 1)).all())
    True
    """
    s = Sampling(draws=draws, tune=tune, chains=chains, seed=seed, target_accept=target_accept)
    groups = sampling.run(model, draws=s.draws, tune=s.tune, chains=s.chains, seed=s.seed,
                          progress=progress, target_accept=s.target_accept,
                          extra=("lag model",))
    return groups["posterior"]


def _flat_draws(posterior) -> dict[str, np.ndarray]:
    missing = [v for v in LAG_VARS if v not in posterior]
    if missing:
        raise DataError(f"The posterior has no {missing[0]!r}; pass sample_lag_model's output.")
    return {v: np.asarray(posterior[v]).reshape(-1) for v in LAG_VARS}


def summarize_lag_posterior(posterior, prob: float = 0.9) -> pd.DataFrame:
    """Mean, sd and the central ``prob`` interval of ``a``, ``sigma_state``, ``sigma_obs``.

    Parameters
    ----------
    posterior : xarray.Dataset or mapping
        The output of :func:`sample_lag_model` (anything holding the three variables).
    prob : float, default 0.9
        Probability of the central interval.

    Returns
    -------
    pandas.DataFrame
        One row per parameter; columns ``mean``, ``sd``, ``lower`` and ``upper`` (the
        equal-tailed ``prob`` interval); ``attrs`` ``prob``. The names of earlier releases
        (``5%`` and ``95%`` for ``prob=0.9``) still select the bounds, with a
        ``FutureWarning``.

    Raises
    ------
    bayes_beta.DataError
        If the posterior lacks one of the three variables.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.bayesian import build_lag_model, sample_lag_model
    >>> yields = bb.datasets.load_treasury_yields(start="2015", end="2016", frequency="weekly")
    >>> model = build_lag_model(yields["10year"])
    >>> posterior = sample_lag_model(model, draws=50, tune=50, chains=1, seed=1)
    >>> from bayes_beta.bayesian import summarize_lag_posterior
    >>> table = summarize_lag_posterior(posterior, prob=0.9)
    >>> table.index.tolist(), table.columns.tolist()
    (['a', 'sigma_state', 'sigma_obs'], ['mean', 'sd', 'lower', 'upper'])
    """
    check_prob("prob", prob)
    flat = _flat_draws(posterior)
    old = {f"{(1 - prob) / 2:.0%}": "lower", f"{(1 + prob) / 2:.0%}": "upper"}
    rows = {v: dict(zip(("mean", "sd", *old), (x.mean(), x.std(ddof=1), *bounds(x, prob)),
                        strict=True))
            for v, x in flat.items()}
    return interval_table(pd.DataFrame(rows).T, old, prob)


def _paths(d, flat, pick, seed) -> np.ndarray:
    """One joint path of the smoothed level per picked draw (propagation kernels)."""
    S, n = len(pick), len(d.z)
    a, q_sd, r_sd = (flat[v][pick] for v in LAG_VARS)
    T = np.zeros((S, 2, 2))
    T[:, 0, 0], T[:, 0, 1], T[:, 1, 0] = a, 1.0 - a, 1.0
    Q_sqrt = np.zeros((S, 2, 2))
    Q_sqrt[:, 0, 0] = q_sd
    b0 = np.full((S, 2), d.x0)
    eye = np.broadcast_to(np.eye(2), (S, 2, 2))
    P0, P0_sqrt = np.ascontiguousarray(d.p0 * eye), np.ascontiguousarray(np.sqrt(d.p0) * eye)
    rng = np.random.default_rng(seed)
    z0, z_eta, z_eps = (rng.standard_normal(s) for s in ((S, 2), (S, n, 2), (S, n)))
    out = propagate_draws(d.z, np.ascontiguousarray(d.H), T, Q_sqrt, r_sd[:, None].copy(), b0,
                          P0, P0_sqrt, np.zeros((S, 2)), z0, z_eta, z_eps)
    return out[1][:, :, 0]


def lag_posterior_bands(series, posterior, draws: int = 100, prob: float = 0.9,
                        seed: int | None = 0) -> pd.DataFrame:
    r"""Posterior bands of the smoothed level ``z*_t``: one joint path per posterior draw.

    For each of ``draws`` posterior draws :math:`\theta_s` (spread evenly over the chains), one
    joint path :math:`z^{*(s)}_{1:n} \sim p(z^* \mid z, \theta_s)` is drawn by the propagation
    kernels (Durbin-Koopman simulation smoother); quantiles over the draws at each :math:`t`
    integrate parameter and state uncertainty.

    Parameters
    ----------
    series : pandas.Series or pandas.DataFrame
        The series the posterior was sampled on.
    posterior : xarray.Dataset or mapping
        The output of :func:`sample_lag_model`.
    draws : int, default 100
        Posterior draws used (all when there are fewer).
    prob : float, default 0.9
        Probability of the central band, strictly between 0 and 1.
    seed : int or None, default 0
        Seed of the path draws.

    Returns
    -------
    pandas.DataFrame
        On the series' index: ``raw`` (the data), ``mean``, ``median``, ``lower``, ``upper``
        (the central ``prob`` interval); ``attrs`` hold ``prob`` and ``draws`` (the number
        used).

    Raises
    ------
    bayes_beta.ArgumentError
        If ``prob`` is not strictly between 0 and 1 or ``draws`` is not a positive integer.
    bayes_beta.DataError
        If ``series`` is unusable or the posterior lacks ``a``, ``sigma_state`` or
        ``sigma_obs``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.bayesian import build_lag_model, sample_lag_model
    >>> yields = bb.datasets.load_treasury_yields(start="2015", end="2016", frequency="weekly")
    >>> model = build_lag_model(yields["10year"])
    >>> posterior = sample_lag_model(model, draws=50, tune=50, chains=1, seed=1)
    >>> from bayes_beta.bayesian import lag_posterior_bands
    >>> bands = lag_posterior_bands(yields["10year"], posterior, draws=20)
    >>> bands.columns.tolist(), len(bands) == len(yields), bands.attrs
    (['raw', 'mean', 'median', 'lower', 'upper'], True, {'prob': 0.9, 'draws': 20})
    >>> bool((bands["lower"] <= bands["upper"]).all())
    True
    """
    check_prob("prob", prob)
    d = lag_data(series)
    flat = _flat_draws(posterior)
    total = len(flat["a"])
    pick = np.unique(np.linspace(0, total - 1, min(check_int("draws", draws), total)).astype(int))
    paths = _paths(d, flat, pick, seed)
    lo, hi = bounds(paths, prob, axis=0)
    out = pd.DataFrame({"raw": d.z, "mean": paths.mean(0), "median": np.median(paths, 0),
                        "lower": lo, "upper": hi}, index=d.series.index)
    out.attrs.update(prob=prob, draws=len(pick))
    return out
