"""``Fit.forecast``: exposures and returns past the last observation, over the posterior draws.

For every posterior draw kept for exposure paths, the filter's last state ``beta_n | y_{1:n}``
is pushed through the state equation (:mod:`bayes_beta.kalman.forecast`): exposures ``h`` steps
ahead have mean ``T^h b_n + sum_{j<h} T^j c`` and covariance ``T^h P_n T^h' + sum_{j<h} T^j Q
T^j'``, and one joint future is simulated per draw. Given factor returns (a scenario or realised
data), the fund's return ``y_{n+h} = H_{n+h} beta_{n+h} + eps`` is simulated with the draw's
observation variance: constant; GARCH(1, 1) on the filter's own innovations (the filter runs on
through the simulated returns); Student-t scales ``lambda ~ InvGamma(nu/2, nu/2)`` drawn afresh;
stochastic volatility's AR(1) log-variance continued from its last value; ``known`` multipliers
read from the scenario's column. The bands therefore carry parameter, state and observation
uncertainty.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from bayes_beta.bayesian.args import check_int, check_prob
from bayes_beta.bayesian.intervals import bounds
from bayes_beta.bayesian.propagate import draw_matrices, per_draw, stack_draws
from bayes_beta.bayesian.volatility import get_volatility
from bayes_beta.data.frames import validate_frame
from bayes_beta.errors import ArgumentError
from bayes_beta.kalman.forecast import final_states, moments, simulate
from bayes_beta.linalg import psd_factor

__all__ = ["forecast", "future_dates"]

SAMPLE = ("chain", "draw")


def future_dates(time: pd.DatetimeIndex, steps: int) -> pd.DatetimeIndex:
    """``steps`` dates after the last of ``time`` at its frequency (inferred, else the most
    common spacing)."""
    freq = None
    if len(time) >= 3:
        with warnings.catch_warnings():  # pandas 3 announces an offset instead of a string
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(time[-min(len(time), 12):])
    if freq is not None:
        return pd.date_range(time[-1], periods=steps + 1, freq=freq)[1:]
    step = pd.Series(time).diff().mode().iloc[0]
    return pd.DatetimeIndex([time[-1] + step * (i + 1) for i in range(steps)])


def _scenario(fit, factors, steps):
    """``(steps, H_future (h, K) or None, multiplier or None, dates)`` from the arguments."""
    design = fit.design
    if factors is None:
        if steps is None:
            raise ArgumentError("forecast needs steps=h (exposures only) or factors=<DataFrame "
                                "of future factor returns> (exposures and returns).")
        steps = check_int("steps", steps)
        return steps, None, None, future_dates(design.time, steps)
    names = [f for f in design.factors if not (design.intercept and f == design.factors[0])]
    extra = [design.multiplier_column] if design.multiplier_column else []
    if not isinstance(factors, pd.DataFrame):
        raise ArgumentError(f"factors must be a DataFrame with the columns {names + extra} over "
                            f"future dates; got {type(factors).__name__}.")
    validate_frame(factors, columns=names + extra, name="factors", allow_all_nan=False)
    if factors.index[0] <= design.time[-1]:
        raise ArgumentError(f"factors must start after the fit's last date "
                            f"{design.time[-1]:%Y-%m-%d}; its first is "
                            f"{factors.index[0]:%Y-%m-%d}.")
    if steps is not None and check_int("steps", steps) != len(factors):
        raise ArgumentError(f"steps={steps} but factors has {len(factors)} rows; give one.")
    H = factors[names].to_numpy(dtype=float)
    if design.intercept:
        H = np.column_stack([np.ones(len(H)), H])
    mult = factors[extra[0]].to_numpy(dtype=float) if extra else None
    return len(factors), H, mult, pd.DatetimeIndex(factors.index).as_unit("ns")


def forecast(fit, steps: int | None = None, factors: pd.DataFrame | None = None, *,
             prob: float = 0.9, seed=None) -> xr.Dataset:
    """Forecast of ``fit`` (module docstring): ``steps`` ahead, or over the dates of
    ``factors`` (future factor returns: a scenario or realised data, the fit's factor columns).

    Returns a Dataset with per draw ``exposure`` (chain, draw, time, factor) and, with factors,
    ``return`` (chain, draw, time); over draws ``exposure_mean`` (the exact mean), ``exposure_sd``,
    ``exposure_lower``/``exposure_upper`` (equal-tailed ``prob`` bands of the simulated
    futures) and ``return_mean``/``return_lower``/``return_upper``. ``time`` continues the
    fit's dates at its frequency.
    """
    prob = check_prob("prob", prob)
    steps, H_future, mult, dates = _scenario(fit, factors, steps)
    design = fit.design
    draws = fit.tree["exposures"]["draw"].values
    kept = stack_draws(fit.tree["posterior"].to_dataset().sel(draw=draws))
    m = draw_matrices(kept, design, fit.options, fit.variant.correlated)
    b_n, P_n, r_n, v_n = final_states(design.y, np.ascontiguousarray(design.H), m.T, m.Q_sqrt,
                                      m.r_sqrt, m.b0, m.P0, m.c)
    rng = np.random.default_rng(seed)
    S, K = b_n.shape
    garch, r = get_volatility(fit.options.volatility).future_r(fit, kept, r_n, steps, mult, rng)
    z0, z, eps = (rng.standard_normal((S, K)), rng.standard_normal((S, steps, K)),
                  rng.standard_normal((S, steps)))
    beta, ret = simulate(m.T, m.Q_sqrt, m.c, b_n, psd_factor(P_n), z0, z, eps,
                         H_future=H_future, garch=garch, r=r, r_n=r_n, v_n=v_n)
    Q = m.Q_sqrt @ np.swapaxes(m.Q_sqrt, 1, 2)
    mean, cov = moments(b_n, P_n, m.T, Q, m.c, steps)
    tf = ("time", "factor")
    lo, hi = bounds(beta, prob, axis=0)
    ds = xr.Dataset({
        "exposure": per_draw(kept, beta, tf),
        "exposure_mean": (tf, mean[:, 1:].mean(0)),
        "exposure_sd": (tf, np.sqrt(np.diagonal(cov[:, 1:], axis1=2, axis2=3).mean(0)
                                    + mean[:, 1:].var(0))),
        "exposure_lower": (tf, lo),
        "exposure_upper": (tf, hi),
    }, coords={"time": dates, "factor": list(design.factors)})
    if H_future is not None:
        r_lo, r_hi = bounds(ret, prob, axis=0, skipna=True)
        ds["return"] = per_draw(kept, ret, ("time",)).assign_coords(time=dates)
        ds["return_mean"] = ("time", np.einsum("tk,stk->t", H_future, mean[:, 1:]) / S)
        ds["return_lower"], ds["return_upper"] = ("time", r_lo), ("time", r_hi)
    ds.attrs.update(prob=prob, steps=steps, last_date=str(design.time[-1].date()),
                    volatility=fit.options.volatility)
    return ds
