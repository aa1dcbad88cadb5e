"""Bayesian two-step lag smoother: the chapter's model with priors on ``a``, ``sqrt(q)``, ``sqrt(r)``.

Model (see :mod:`bayes_beta.classical.lag_smoother`), with ``s = sd(Δz)`` the data unit::

    a           ~ Beta(a_alpha, a_beta)              weight of the latest level, in (0, 1)
    sigma_state ~ HalfNormal(noise_scale * s)        sqrt(q), per-step shock of the level
    sigma_obs   ~ HalfNormal(noise_scale * s)        sqrt(r), measurement noise
    log p(z | a, q, r) = sum_t l_t                   pytensor filter, as a pm.Potential

NUTS by nutpie (numba backend). Bands on the smoothed yield: for each of ``draws`` posterior
draws ``theta_s``, one joint path ``z*^(s)_{1:n} ~ p(z* | z, theta_s)`` from
:func:`bayes_beta.sample_paths` (Durbin-Koopman simulation smoother); quantiles over draws at
each ``t`` integrate parameter and state uncertainty. Keep ``n`` moderate (weekly levels, or a
sub-window of daily data): every draw runs a filter and a smoother over the series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_beta.classical.lag_smoother import _design, _series, _start, lag_state_space
from bayes_beta.errors import DataError, SpecError

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
    import pymc as pm
    import pytensor.tensor as pt

    from bayes_beta.kalman import Params, kalman_filter_graph

    if not (a_alpha > 0 and a_beta > 0 and noise_scale > 0):
        raise SpecError("a_alpha, a_beta and noise_scale must be positive.")
    s = _series(series)
    z, H = _design(s)
    x0, p0 = _start(s)
    unit = float(np.nanstd(s.diff().to_numpy()))
    if not unit > 0:
        raise DataError("The series never changes; there is nothing to smooth.")
    with pm.Model() as model:
        a = pm.Beta("a", alpha=a_alpha, beta=a_beta)
        sigma_state = pm.HalfNormal("sigma_state", sigma=noise_scale * unit)
        sigma_obs = pm.HalfNormal("sigma_obs", sigma=noise_scale * unit)
        one, zero = pt.constant(1.0), pt.constant(0.0)
        T = pt.stack([pt.stack([a, one - a]), pt.stack([one, zero])])
        Q = pt.stack([pt.stack([sigma_state**2, zero]), pt.stack([zero, zero])])
        R = pt.reshape(sigma_obs**2, (1, 1))
        params = Params(T, Q, R, np.array([x0, x0]), p0 * np.eye(2))
        filt = kalman_filter_graph(z[:, None], H[:, None, :], params, scalar_obs=True)
        pm.Potential("loglik", filt.loglik)
    return model


def sample_lag_model(
    model,
    draws: int = 200,
    tune: int = 200,
    chains: int = 2,
    seed: int | None = 0,
    progress: bool = False,
    target_accept: float = 0.9,
):
    """NUTS with nutpie (numba backend); returns the posterior as an ``xarray.Dataset``.

    ``target_accept`` defaults to 0.9: the posterior of ``sigma_obs`` piles up near 0 (daily
    and weekly yields are close to a random walk), where smaller steps avoid divergences.
    """
    import nutpie

    compiled = nutpie.compile_pymc_model(model, backend="numba")
    trace = nutpie.sample(
        compiled,
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
        progress_bar=progress,
        target_accept=target_accept,
    )
    post = trace["posterior"]
    return post.to_dataset() if hasattr(post, "to_dataset") else post


def _flat_draws(posterior) -> dict[str, np.ndarray]:
    missing = [v for v in LAG_VARS if v not in posterior]
    if missing:
        raise DataError(f"The posterior has no {missing[0]!r}; pass sample_lag_model's output.")
    return {v: np.asarray(posterior[v]).reshape(-1) for v in LAG_VARS}


def summarize_lag_posterior(posterior, prob: float = 0.9) -> pd.DataFrame:
    """Mean, sd and the central ``prob`` interval of ``a``, ``sigma_state``, ``sigma_obs``."""
    flat = _flat_draws(posterior)
    lo, hi = (1 - prob) / 2, (1 + prob) / 2
    rows = {
        v: {
            "mean": x.mean(),
            "sd": x.std(ddof=1),
            f"{lo:.0%}": np.quantile(x, lo),
            f"{hi:.0%}": np.quantile(x, hi),
        }
        for v, x in flat.items()
    }
    return pd.DataFrame(rows).T


def lag_posterior_bands(
    series, posterior, draws: int = 100, prob: float = 0.9, seed: int | None = 0
) -> pd.DataFrame:
    """Posterior bands of the smoothed level ``z*_t``: one joint path per posterior draw.

    Uses ``draws`` posterior draws spread evenly over the chains. Returns a DataFrame with
    ``raw``, ``mean``, ``median``, ``lower``, ``upper`` (the central ``prob`` interval).
    """
    from bayes_beta.numeric import sample_paths

    if not 0 < prob < 1:
        raise DataError(f"prob must be between 0 and 1; got {prob}.")
    s = _series(series)
    z, H = _design(s)
    x0, p0 = _start(s)
    flat = _flat_draws(posterior)
    total = len(flat["a"])
    pick = np.unique(np.linspace(0, total - 1, min(int(draws), total)).astype(int))
    rng = np.random.default_rng(seed)
    paths = np.empty((len(pick), len(z)))
    for i, j in enumerate(pick):
        spec = lag_state_space(
            flat["a"][j], flat["sigma_state"][j] ** 2, flat["sigma_obs"][j] ** 2, x0, p0
        )
        paths[i] = sample_paths(z, H, spec, draws=1, seed=rng)[0, :, 0]
    lo, hi = np.quantile(paths, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    out = pd.DataFrame(
        {"raw": z, "mean": paths.mean(0), "median": np.median(paths, 0), "lower": lo, "upper": hi},
        index=s.index,
    )
    out.attrs.update(prob=prob, draws=len(pick))
    return out
