"""``Fit.attribution``: how much of the fund's return came from each factor, with bands.

Per posterior draw ``s`` and step ``t`` the observed return splits exactly into::

    y_t = sum_k H_{t,k} beta^(s)_{t,k}  [+ alpha^(s)_t]  + e^(s)_t

with ``beta^(s)`` a joint smoothed path draw (``source="smoothed"``, all data) or a real-time
draw (``"filtered"``, data up to ``t``), ``alpha`` the time-varying intercept when the model has
one, and ``e`` the residual. Contributions are summed over the periods of ``freq`` (``None``:
every step; ``"M"``, ``"Q"``, ``"Y"``: calendar months, quarters, years; returns add over a
period, as a simple-return approximation), then summarised over draws. Each factor's share of
the explained variance in a period is ``Cov(c_k, f) / Var(f)`` over the period's steps, with
``f = sum_k c_k`` the fitted part (shares add to 1), per draw.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from bayes_beta.bayesian.args import check_prob
from bayes_beta.bayesian.intervals import bounds
from bayes_beta.errors import ArgumentError

__all__ = ["FREQS", "attribute"]

FREQS = {None: None, "M": "ME", "Q": "QE", "Y": "YE"}
SAMPLE = ("chain", "draw")


def _periods(time: pd.DatetimeIndex, freq) -> pd.DatetimeIndex:
    """The period (its end date) of every step."""
    if freq is None:
        return time
    return time.to_period(freq[0]).to_timestamp(how="end").normalize()


def attribute(paths: xr.DataArray, H: np.ndarray, y: np.ndarray, factors, *, intercept: bool,
              freq=None, prob: float = 0.9) -> xr.Dataset:
    """Attribution from per-draw exposure paths (chain, draw, time, factor), factor returns
    ``H`` (time, factor; a leading column of ones when ``intercept``) and returns ``y``
    (module docstring). Steps where ``y`` or a factor return is missing are left out."""
    if freq not in FREQS:
        raise ArgumentError(f"freq must be None (every step), 'M', 'Q' or 'Y'; got {freq!r}.")
    prob = check_prob("prob", prob)
    time = pd.DatetimeIndex(paths["time"].values)
    ok = ~np.isnan(y) & ~np.isnan(H).any(1)
    contrib = paths.values * H[None, None]  # (chain, draw, n, K)
    names = list(factors)
    components = [("alpha" if intercept and i == 0 else str(f)) for i, f in enumerate(names)]
    fitted = contrib.sum(-1)
    resid = y[None, None] - fitted
    parts = np.concatenate([contrib, resid[..., None]], axis=-1)[:, :, ok]
    period = _periods(time[ok], freq)
    labels = pd.Index(period).unique()
    index = labels.get_indexer(period)
    summed = np.zeros((*parts.shape[:2], len(labels), parts.shape[-1]))
    np.add.at(summed, (slice(None), slice(None), index), parts)
    comp = [*components, "residual"]
    da = xr.DataArray(summed, dims=(*SAMPLE, "period", "component"),
                      coords={"chain": paths["chain"], "draw": paths["draw"], "period": labels,
                              "component": comp})
    lo, hi = bounds(summed, prob, axis=(0, 1))
    observed = np.zeros(len(labels))
    np.add.at(observed, index, y[ok])
    ds = xr.Dataset({
        "contribution": da,
        "mean": (("period", "component"), summed.mean((0, 1))),
        "lower": (("period", "component"), lo),
        "upper": (("period", "component"), hi),
        "observed": (("period",), observed),
        "cumulative": (("period", "component"), np.cumsum(summed.mean((0, 1)), axis=0)),
    }, coords={"period": labels, "component": comp})
    ds = ds.merge(_shares(contrib[:, :, ok], index, len(labels), components, labels, prob))
    ds.attrs.update(prob=prob, freq="step" if freq is None else freq)
    return ds


def _shares(contrib, index, n_periods, components, labels, prob) -> xr.Dataset:
    """Each component's share of the fitted part's variance per period (NaN for a period of
    fewer than 3 steps): mean and ``prob`` bands over draws."""
    f = contrib.sum(-1)
    out = np.full((*contrib.shape[:2], n_periods, contrib.shape[-1]), np.nan)
    for p in range(n_periods):
        rows = index == p
        if rows.sum() < 3:
            continue
        c, fp = contrib[:, :, rows], f[:, :, rows]
        c = c - c.mean(2, keepdims=True)
        fp = fp - fp.mean(2, keepdims=True)
        var = (fp**2).sum(2)
        out[:, :, p] = (c * fp[..., None]).sum(2) / np.where(var > 0, var, np.nan)[..., None]
    with warnings.catch_warnings():  # periods too short for a variance are NaN throughout
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = bounds(out, prob, axis=(0, 1), skipna=True)
        mean = np.nanmean(out, axis=(0, 1))
    dims = ("period", "factor_share")
    return xr.Dataset({"share_mean": (dims, mean), "share_lower": (dims, lo),
                       "share_upper": (dims, hi)},
                      coords={"period": labels, "factor_share": components})
