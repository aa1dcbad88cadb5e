"""Propagate posterior draws of the noise parameters through filter, smoother and path draws.

For every draw ``theta_s``: the Kalman filter (per-step log-likelihood ``l_t``, filtered means
and variances), the smoother and one joint Durbin-Koopman path draw ``beta^(s)_{1:n}``, all
draws in one parallel numba pass (:func:`bayes_beta.kalman.propagate.propagate_draws`). The set
of paths is the posterior of the exposures: it integrates state *and* parameter uncertainty.
The law of total variance splits it::

    Var(beta_t | y) = E_theta[ Var(beta_t | theta, y) ] + Var_theta( E[beta_t | theta, y] )
                      (state part)                       (parameter part)

Draws travel as xarray objects: the posterior is stacked over ``(chain, draw)`` into one
``sample`` axis for the kernels, and their outputs are unstacked back.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import xarray as xr

from bayes_beta.data.design import Design
from bayes_beta.kalman.propagate import garch_variances, loglik_draws, propagate_draws
from bayes_beta.specs.statespace import psd_factor

__all__ = ["DrawMatrices", "draw_matrices", "exposures", "loglik_per_draw", "stack_draws"]

SAMPLE = ("chain", "draw")


class DrawMatrices(NamedTuple):
    """Per-draw model matrices, leading axis = draws (S)."""

    T: np.ndarray  # (S, K) the diagonal of T
    Q_sqrt: np.ndarray  # (S, K, K)
    r_sqrt: np.ndarray  # (S, 1), or (S, n) when the observation variance moves
    b0: np.ndarray  # (S, K)
    P0: np.ndarray  # (S, K, K)
    c: np.ndarray  # (S, K) control input (1 - phi) mu, or zeros


def stack_draws(posterior: xr.Dataset) -> xr.Dataset:
    """The posterior with ``(chain, draw)`` stacked into a leading ``sample`` axis."""
    return posterior.stack(sample=SAMPLE).transpose("sample", ...)


def draw_matrices(draws, design: Design) -> DrawMatrices:
    """Model matrices of each draw from a stacked posterior (or a dict of arrays, draws first);
    the observation sd per step comes from ``volatility``, or from the GARCH recursion."""
    get = lambda name: np.asarray(draws[name], dtype=float)  # noqa: E731
    S, K = get("sigma_state").shape[0], design.K
    Q_sqrt = get("L_state") if "L_state" in draws else get("sigma_state")[:, :, None] * np.eye(K)
    if "phi" in draws:
        T, c = get("phi"), (1.0 - get("phi")) * get("mu")
    else:
        T, c = np.ones((S, K)), np.zeros((S, K))
    if "b0" in draws:
        b0, P0 = get("b0"), np.zeros((S, K, K))
    else:
        b0, P0 = np.broadcast_to(design.b0, (S, K)), np.broadcast_to(design.P0, (S, K, K))
    if "volatility" in draws:
        r_sqrt = get("volatility")
    elif "garch_alpha" in draws:
        r_sqrt = np.sqrt(_garch_paths(get, design, T, Q_sqrt, b0, P0, c))
    else:
        r_sqrt = get("sigma_obs").reshape(S, 1)
    return DrawMatrices(*(np.ascontiguousarray(a) for a in (T, Q_sqrt, r_sqrt, b0, P0, c)))


def _garch_paths(get, design, T, Q_sqrt, b0, P0, c) -> np.ndarray:
    """``r_t`` (S, n) of each draw's GARCH recursion (:mod:`bayes_beta.bayesian.volatility`)."""
    r_bar = get("sigma_obs") ** 2
    p = get("garch_persistence")
    params = np.stack([r_bar * (1.0 - p), get("garch_alpha"), get("garch_gamma"), r_bar], 1)
    return garch_variances(design.y, np.ascontiguousarray(design.H), *(
        np.ascontiguousarray(a) for a in (T, Q_sqrt, params, b0, P0, c)))


def _per_draw(stacked: xr.Dataset, values: np.ndarray, dims) -> xr.DataArray:
    """Kernel output (S, ...) back to dims (chain, draw, ...)."""
    coords = xr.Coordinates.from_pandas_multiindex(stacked.indexes["sample"], "sample")
    da = xr.DataArray(values, dims=("sample", *dims), coords=coords)
    da = da.unstack("sample").transpose(*SAMPLE, *dims)
    return da.copy(data=np.ascontiguousarray(da.values))  # C order, as a saved file reads back


def loglik_per_draw(stacked: xr.Dataset, design: Design) -> xr.DataArray:
    """``l_t`` of every draw, dims (chain, draw, time): the filter alone."""
    m = draw_matrices(stacked, design)
    ll = loglik_draws(design.y, np.ascontiguousarray(design.H), m.T, m.Q_sqrt, m.r_sqrt, m.b0,
                      m.P0, m.c)
    return _per_draw(stacked, ll, ("time",))


def exposures(stacked: xr.Dataset, design: Design, seed=None) -> tuple[xr.Dataset, xr.DataArray]:
    """``(exposures, loglik_t)`` of the draws in ``stacked`` (see the module docstring).

    ``exposures`` holds per draw the joint smoothed ``path``, the real-time ``filtered_mean``
    and a ``filtered_draw`` from ``N(filtered mean, diag P_filt)``; over draws the smoothed
    mean and the law-of-total-variance parts. ``loglik_t`` has dims (chain, draw, time).
    """
    m = draw_matrices(stacked, design)
    S, K, n = m.T.shape[0], design.K, len(design.y)
    rng = np.random.default_rng(seed)
    z0, z_eta = rng.standard_normal((S, K)), rng.standard_normal((S, n, K))
    z_eps = rng.standard_normal((S, n))
    ll, path, b_filt, v_filt, b_smooth, v_smooth = propagate_draws(
        design.y, np.ascontiguousarray(design.H), m.T, m.Q_sqrt, m.r_sqrt, m.b0, m.P0,
        np.ascontiguousarray(psd_factor(m.P0)), m.c, z0, z_eta, z_eps)
    filtered_draw = b_filt + np.sqrt(np.clip(v_filt, 0.0, None)) * rng.standard_normal(
        b_filt.shape)
    tf = ("time", "factor")
    if "volatility" not in stacked and m.r_sqrt.shape[1] > 1:  # GARCH: a path of the filter
        extra = {"volatility": _per_draw(stacked, m.r_sqrt, ("time",))}
    else:
        extra = {}
    ds = xr.Dataset({
        **extra,
        "path": _per_draw(stacked, path, tf),
        "filtered_mean": _per_draw(stacked, b_filt, tf),
        "filtered_draw": _per_draw(stacked, filtered_draw, tf),
        "smoothed_mean": (tf, b_smooth.mean(0)),
        "smoothed_param_var": (tf, b_smooth.var(0)),
        "smoothed_state_var": (tf, v_smooth.mean(0)),
        "filtered_param_var": (tf, b_filt.var(0)),
        "filtered_state_var": (tf, v_filt.mean(0)),
    })
    return ds, _per_draw(stacked, ll, ("time",))
