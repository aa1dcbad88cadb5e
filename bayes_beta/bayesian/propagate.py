"""Propagate posterior draws of the noise parameters through filter, smoother and path draws.

For every draw ``theta_s``: the Kalman filter (per-step log-likelihood ``l_t``, filtered means
and variances), the smoother and one joint Durbin-Koopman path draw ``beta^(s)_{1:n}``, all
draws in parallel numba passes (:func:`bayes_beta.kalman.propagate.propagate_seeded`). The set
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
import pandas as pd
import xarray as xr

from bayes_beta.bayesian.volatility import get_volatility
from bayes_beta.data.design import Design
from bayes_beta.kalman.propagate import loglik_draws, propagate_seeded
from bayes_beta.specs.options import ModelOptions
from bayes_beta.specs.statespace import psd_factor

__all__ = ["CHUNK_VALUES", "DrawMatrices", "draw_matrices", "draw_seeds", "exposures",
           "loglik_per_draw", "matrices_and_loglik", "per_draw", "stack_draws"]

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


def draw_matrices(draws, design: Design, options: ModelOptions,
                  correlated: bool = False) -> DrawMatrices:
    """Model matrices of each draw from a stacked posterior (or a dict of arrays, draws first)
    of the model ``options`` describe (``correlated``: the variant's full ``Q``); the
    observation sd per step comes from the volatility model
    (:meth:`~bayes_beta.bayesian.volatility.VolatilityModel.r_sqrt`)."""
    return matrices_and_loglik(draws, design, options, correlated, loglik=False)[0]


def matrices_and_loglik(draws, design: Design, options: ModelOptions, correlated: bool = False,
                        loglik: bool = True):
    """``(DrawMatrices, l_t)`` of each draw (``l_t`` (S, n), or ``None`` when not asked for):
    a volatility model that runs a recursion on the filter (GARCH) gives both in one pass."""
    get = lambda name: np.asarray(draws[name], dtype=float)  # noqa: E731
    S, K = get("sigma_state").shape[0], design.K
    Q_sqrt = get("L_state") if correlated else get("sigma_state")[:, :, None] * np.eye(K)
    if options.dynamics == "mean_reverting":
        T, c = get("phi"), (1.0 - get("phi")) * get("mu")
    else:
        T, c = np.ones((S, K)), np.zeros((S, K))
    if design.initial == "prior":
        b0, P0 = get("b0"), np.zeros((S, K, K))
    else:
        b0, P0 = np.broadcast_to(design.b0, (S, K)), np.broadcast_to(design.P0, (S, K, K))
    r_sqrt, ll = get_volatility(options.volatility).r_sqrt(get, design, (T, Q_sqrt, b0, P0, c))
    m = DrawMatrices(*(np.ascontiguousarray(a) for a in (T, Q_sqrt, r_sqrt, b0, P0, c)))
    if loglik and ll is None:
        ll = loglik_draws(design.y, np.ascontiguousarray(design.H), m.T, m.Q_sqrt, m.r_sqrt,
                          m.b0, m.P0, m.c)
    return m, ll


def per_draw(stacked: xr.Dataset, values: np.ndarray, dims) -> xr.DataArray:
    """Kernel output (S, ...) back to dims (chain, draw, ...): a reshape when the draws are
    stacked chain by chain (as :func:`stack_draws` does), an unstack otherwise."""
    chain, draw = stacked["chain"].values, stacked["draw"].values
    chains, draws = pd.unique(chain), pd.unique(draw)
    if (chain.size == chains.size * draws.size and np.array_equal(chain, np.repeat(chains, draws.size))
            and np.array_equal(draw, np.tile(draws, chains.size))):
        values = np.ascontiguousarray(values).reshape(chains.size, draws.size, *values.shape[1:])
        return xr.DataArray(values, dims=(*SAMPLE, *dims), coords={"chain": chains, "draw": draws})
    coords = xr.Coordinates.from_pandas_multiindex(stacked.indexes["sample"], "sample")
    da = xr.DataArray(values, dims=("sample", *dims), coords=coords)
    da = da.unstack("sample").transpose(*SAMPLE, *dims)
    return da.copy(data=np.ascontiguousarray(da.values))  # C order, as a saved file reads back


def draw_seeds(seed, chain, draw) -> np.ndarray:
    """A 32-bit seed per posterior draw from ``(seed, chain, draw)`` (SplitMix64 mixing), so a
    draw's exposure path does not depend on which other draws are propagated with it."""
    # a Python int: NumPy's int64 cannot hold ``base % 2**64`` (an OverflowError)
    base = int(np.random.SeedSequence().entropy) if seed is None else int(seed)
    with np.errstate(over="ignore"):  # unsigned arithmetic wraps around, as intended
        return _mix(base, chain, draw)


def _mix(base, chain, draw) -> np.ndarray:
    x = (np.uint64(base % 2**64) * np.uint64(0x9E3779B97F4A7C15)
         + np.asarray(chain, dtype=np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
         + np.asarray(draw, dtype=np.uint64) * np.uint64(0x94D049BB133111EB))
    for shift, mult in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        x = (x ^ (x >> np.uint64(shift))) * np.uint64(mult)
    return ((x ^ (x >> np.uint64(31))) >> np.uint64(32)).astype(np.uint32)


def loglik_per_draw(stacked: xr.Dataset, design: Design, options: ModelOptions,
                    correlated: bool = False) -> xr.DataArray:
    """``l_t`` of every draw, dims (chain, draw, time): the filter alone."""
    return per_draw(stacked, matrices_and_loglik(stacked, design, options, correlated)[1],
                    ("time",))


class _Moments:
    """Mean and variance over draws, merged chunk by chunk (Chan et al.'s pairwise update)."""

    def __init__(self):
        self.count, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, x: np.ndarray) -> None:
        count, mean = x.shape[0], x.mean(0)
        m2, total = ((x - mean) ** 2).sum(0), self.count + x.shape[0]
        delta = mean - self.mean
        self.mean = self.mean + delta * (count / total)
        self.m2 = self.m2 + m2 + delta**2 * (self.count * count / total)
        self.count = total

    @property
    def var(self) -> np.ndarray:
        return self.m2 / self.count


#: Values (draws x time x factor) per kernel call: bounds the working memory of the per-draw
#: filter and smoother output that is reduced to moments (four float64 arrays of this size).
CHUNK_VALUES = 4_000_000


def exposures(stacked: xr.Dataset, design: Design, options: ModelOptions, seed=None,
              matrices: DrawMatrices | None = None,
              correlated: bool = False) -> tuple[xr.Dataset, xr.DataArray]:
    """``(exposures, loglik_t)`` of the draws in ``stacked`` (see the module docstring).

    ``exposures`` holds per draw the joint smoothed ``path`` and a real-time ``filtered_draw``
    from ``N(beta_filt, diag P_filt)``; over draws the smoothed mean and the law-of-total-
    variance parts. ``loglik_t`` has dims (chain, draw, time). Each draw's random numbers come
    from its own seed (:func:`draw_seeds`), drawn inside the kernel; the filter and smoother
    output of each draw is reduced to moments chunk by chunk (:data:`CHUNK_VALUES`).
    ``matrices``: the draws' :class:`DrawMatrices` when already computed.
    """
    m = draw_matrices(stacked, design, options, correlated) if matrices is None else matrices
    S, K, n = m.T.shape[0], design.K, len(design.y)
    seeds = draw_seeds(seed, stacked["chain"].values, stacked["draw"].values)
    y, H, P0_sqrt = design.y, np.ascontiguousarray(design.H), np.ascontiguousarray(psd_factor(m.P0))
    ll, path, filtered_draw = np.empty((S, n)), np.empty((S, n, K)), np.empty((S, n, K))
    moments = {k: _Moments() for k in ("b_filt", "v_filt", "b_smooth", "v_smooth")}
    chunk = max(1, CHUNK_VALUES // (n * K))
    for a in range(0, S, chunk):
        part = slice(a, min(S, a + chunk))
        scratch = tuple(np.empty((part.stop - a, n, K)) for _ in moments)
        propagate_seeded(y, H, m.T[part], m.Q_sqrt[part], m.r_sqrt[part], m.b0[part],
                         m.P0[part], P0_sqrt[part], m.c[part], seeds[part],
                         out=(ll[part], path[part], filtered_draw[part], *scratch))
        for acc, x in zip(moments.values(), scratch, strict=True):
            acc.add(x)
    tf = ("time", "factor")
    if get_volatility(options.volatility).form == "garch":  # a path of the filter
        extra = {"volatility": per_draw(stacked, m.r_sqrt, ("time",))}
    else:
        extra = {}
    mo = moments
    ds = xr.Dataset({
        **extra,
        "path": per_draw(stacked, path, tf),
        "filtered_draw": per_draw(stacked, filtered_draw, tf),
        "smoothed_mean": (tf, mo["b_smooth"].mean),
        "smoothed_param_var": (tf, mo["b_smooth"].var),
        "smoothed_state_var": (tf, mo["v_smooth"].mean),
        "filtered_mean": (tf, mo["b_filt"].mean),
        "filtered_param_var": (tf, mo["b_filt"].var),
        "filtered_state_var": (tf, mo["v_filt"].mean),
    })
    return ds, per_draw(stacked, ll, ("time",))
