"""Bayesian two-step lag smoother: the chapter's model with priors on ``a``, ``sqrt(q)``, ``sqrt(r)``.

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
from bayes_beta.bayesian.model import add_data
from bayes_beta.classical.lag_smoother import lag_data
from bayes_beta.errors import DataError, SpecError
from bayes_beta.kalman.fused_op import kalman_loglik_sum
from bayes_beta.kalman.propagate import propagate_draws

__all__ = [
    "LAG_VARS",
    "build_lag_model",
    "lag_posterior_bands",
    "sample_lag_model",
    "summarize_lag_posterior",
]

LAG_VARS = ("a", "sigma_state", "sigma_obs")


def build_lag_model(series, a_alpha: float = 2.0, a_beta: float = 2.0, noise_scale: float = 1.0):
    """The PyMC model of the two-step lag smoother for ``series`` (see the module docstring)."""
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

    ``target_accept`` defaults to 0.9: the posterior of ``sigma_obs`` piles up near 0 (daily
    and weekly yields are close to a random walk), where smaller steps avoid divergences.
    """
    groups = sampling.run(model, draws=check_int("draws", draws), tune=check_int("tune", tune),
                          chains=check_int("chains", chains),
                          seed=check_int("seed", seed, 0, allow_none=True), progress=progress,
                          target_accept=check_prob("target_accept", target_accept),
                          extra=("lag model",))
    return groups["posterior"]


def _flat_draws(posterior) -> dict[str, np.ndarray]:
    missing = [v for v in LAG_VARS if v not in posterior]
    if missing:
        raise DataError(f"The posterior has no {missing[0]!r}; pass sample_lag_model's output.")
    return {v: np.asarray(posterior[v]).reshape(-1) for v in LAG_VARS}


def summarize_lag_posterior(posterior, prob: float = 0.9) -> pd.DataFrame:
    """Mean, sd and the central ``prob`` interval of ``a``, ``sigma_state``, ``sigma_obs``."""
    flat = _flat_draws(posterior)
    lo, hi = (1 - prob) / 2, (1 + prob) / 2
    rows = {v: {"mean": x.mean(), "sd": x.std(ddof=1), f"{lo:.0%}": np.quantile(x, lo),
                f"{hi:.0%}": np.quantile(x, hi)} for v, x in flat.items()}
    return pd.DataFrame(rows).T


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
    """Posterior bands of the smoothed level ``z*_t``: one joint path per posterior draw.

    Uses ``draws`` posterior draws spread evenly over the chains. Returns a DataFrame with
    ``raw``, ``mean``, ``median``, ``lower``, ``upper`` (the central ``prob`` interval).
    """
    check_prob("prob", prob)
    d = lag_data(series)
    flat = _flat_draws(posterior)
    total = len(flat["a"])
    pick = np.unique(np.linspace(0, total - 1, min(check_int("draws", draws), total)).astype(int))
    paths = _paths(d, flat, pick, seed)
    lo, hi = np.quantile(paths, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    out = pd.DataFrame({"raw": d.z, "mean": paths.mean(0), "median": np.median(paths, 0),
                        "lower": lo, "upper": hi}, index=d.series.index)
    out.attrs.update(prob=prob, draws=len(pick))
    return out
