"""Figures of a prior comparison (matplotlib). They draw what they are given and compute nothing.

Inputs come from :class:`bayes_beta.compare.Comparison`: ``bands`` (variant -> Dataset of
:meth:`bayes_beta.Fit.bands`), ``noise`` (index (variant, parameter) with posterior
``mean, lower, upper`` and ``prior_lower, prior_median, prior_upper``) and the table's elpd
differences with their standard errors.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

__all__ = ["plot_backtest", "plot_bands_overlay", "plot_elpd_diff", "plot_noise_forest"]


def _colors(n: int):
    cmap = plt.get_cmap("tab10")
    return [cmap(i % 10) for i in range(n)]


def plot_bands_overlay(bands: dict, reference: dict | None = None, title: str = ""):
    """Exposure bands of every variant overlaid, one panel per factor (band + median line).

    Parameters
    ----------
    bands : dict of xarray.Dataset
        Variant name -> its bands (:meth:`bayes_beta.Fit.bands`: dims ``time`` x ``factor``,
        variables ``lower``, ``upper``, ``median``), as in :class:`bayes_beta.Comparison`.
    reference : dict, optional
        Maps factor -> a constant (e.g. the full-sample OLS beta), drawn dashed.
    title : str, default ""
        Title of the first panel.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import xarray as xr
    >>> import bayes_beta as bb
    >>> def band(level, half):
    ...     mid = np.full((30, 2), level)
    ...     return xr.Dataset(
    ...         {"lower": (("time", "factor"), mid - half), "median": (("time", "factor"), mid),
    ...          "upper": (("time", "factor"), mid + half)},
    ...         coords={"time": np.arange(30), "factor": ["Mkt-RF", "d10y"]})
    >>> fig = bb.plots.plot_bands_overlay({"default": band(0.6, 0.1), "tight": band(0.58, 0.05)},
    ...                                   reference={"Mkt-RF": 0.56}, title="Util")
    >>> len(fig.axes), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    (2, ['default', 'tight', 'OLS (full sample)'])
    >>> plt.close(fig)
    """
    first = next(iter(bands.values()))
    factors = [str(f) for f in first["factor"].values]
    fig, axes = plt.subplots(len(factors), 1, figsize=(10, 2.8 * len(factors)), sharex=True,
                             squeeze=False)
    for ax, f in zip(axes[:, 0], factors, strict=True):
        for (name, b), color in zip(bands.items(), _colors(len(bands)), strict=True):
            t = b["time"].values
            ax.fill_between(t, b["lower"].sel(factor=f), b["upper"].sel(factor=f), color=color,
                            alpha=0.18, lw=0)
            ax.plot(t, b["median"].sel(factor=f), color=color, lw=1.0, label=name)
        if reference and f in reference:
            ax.axhline(reference[f], color="black", ls="--", lw=0.8, label="OLS (full sample)")
        ax.set_ylabel(f"beta: {f}")
    axes[0, 0].legend(loc="upper left", ncol=len(bands) + 1, fontsize=8)
    if title:
        axes[0, 0].set_title(title)
    fig.tight_layout()
    return fig


def plot_noise_forest(noise, prob: float = 0.9):
    """Forest plot: per noise parameter, each variant's posterior interval over its prior's.

    Posterior: a dot at the mean and a thick line for the interval; prior: a thin grey line
    with a tick at its median. Scale parameters (``sigma_*``) use a log axis.

    Parameters
    ----------
    noise : pandas.DataFrame
        Index (``variant``, ``parameter``); columns ``mean``, ``lower``, ``upper`` (the
        posterior) and optionally ``prior_lower``, ``prior_median``, ``prior_upper``, as
        ``noise`` of :class:`bayes_beta.Comparison`.
    prob : float, default 0.9
        The probability of the intervals, for the legend.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one panel per parameter.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> import bayes_beta as bb
    >>> index = pd.MultiIndex.from_product([["default", "tight"], ["sigma_obs", "phi"]],
    ...                                    names=["variant", "parameter"])
    >>> noise = pd.DataFrame({"mean": [0.02, 0.9, 0.021, 0.92],
    ...                       "lower": [0.018, 0.85, 0.019, 0.88],
    ...                       "upper": [0.022, 0.95, 0.023, 0.96],
    ...                       "prior_lower": [0.001, 0.7, 0.001, 0.7],
    ...                       "prior_median": [0.01, 0.93, 0.01, 0.93],
    ...                       "prior_upper": [0.04, 0.99, 0.04, 0.99]}, index=index)
    >>> fig = bb.plots.plot_noise_forest(noise)
    >>> [(ax.get_title(loc="left"), ax.get_xscale()) for ax in fig.axes]
    [('sigma_obs', 'log'), ('phi', 'linear')]
    >>> plt.close(fig)
    """
    params = list(dict.fromkeys(noise.index.get_level_values("parameter")))
    variants = list(dict.fromkeys(noise.index.get_level_values("variant")))
    colors = dict(zip(variants, _colors(len(variants)), strict=True))
    fig, axes = plt.subplots(len(params), 1, figsize=(8, 0.45 * len(variants) * len(params) + 1.2),
                             squeeze=False)
    for ax, param in zip(axes[:, 0], params, strict=True):
        rows = noise.xs(param, level="parameter")
        present = [v for v in variants if v in rows.index]
        for j, v in enumerate(present):
            r, y = rows.loc[v], -j
            if "prior_lower" in r and np.isfinite(r["prior_lower"]):
                ax.plot([r["prior_lower"], r["prior_upper"]], [y - 0.25] * 2, color="grey", lw=1)
                ax.plot([r["prior_median"]], [y - 0.25], "|", color="grey", ms=6)
            ax.plot([r["lower"], r["upper"]], [y, y], color=colors[v], lw=3)
            ax.plot([r["mean"]], [y], "o", color=colors[v], ms=4)
        ax.set_yticks([-j for j in range(len(present))], present, fontsize=8)
        ax.set_ylim(-len(present) + 0.4, 0.6)
        ax.set_title(param, fontsize=9, loc="left")
        if param.startswith("sigma"):
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
    axes[0, 0].plot([], [], color="grey", lw=1, label=f"prior {prob:.0%}")
    axes[0, 0].plot([], [], color="black", lw=3, label=f"posterior {prob:.0%}, mean")
    axes[0, 0].legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    return fig


def plot_elpd_diff(diff, se, label: str = "elpd difference"):
    """Elpd difference of each variant to the best (0) with +/- 1 and 2 SE error bars.

    Parameters
    ----------
    diff : pandas.Series
        Elpd difference of each variant to the best, indexed by variant.
    se : pandas.Series
        Standard errors of the differences, same index.
    label : str, default "elpd difference"
        The x-axis label (followed by the error-bar legend).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> import bayes_beta as bb
    >>> diff = pd.Series({"default": 0.0, "tight": -3.2, "loose": -1.1})
    >>> se = pd.Series({"default": 0.0, "tight": 1.5, "loose": 0.8})
    >>> fig = bb.plots.plot_elpd_diff(diff, se)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['default', 'tight', 'loose']
    >>> plt.close(fig)
    """
    names = list(diff.index)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.5))
    y = -np.arange(len(names))
    ax.errorbar(diff.values, y, xerr=2 * se.values, fmt="none", ecolor="lightgrey", lw=1,
                capsize=3)
    ax.errorbar(diff.values, y, xerr=se.values, fmt="o", color="tab:blue", lw=2, capsize=0)
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_yticks(y, names)
    ax.set_xlabel(f"{label}  (±1 and ±2 SE)")
    fig.tight_layout()
    return fig


def plot_backtest(table):
    """Per year, every method's mean squared error (top) and mean log score (bottom) of the
    one-step forecasts; ``table`` is :class:`bayes_beta.evaluate.backtest.Backtest`'s."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    for i, (method, rows) in enumerate(table.groupby(level="method")):
        years = rows.index.get_level_values("year")
        top.plot(years, rows["mse"], marker="o", ms=3, color=f"C{i}", label=method)
        bottom.plot(years, rows["log_score"], marker="o", ms=3, color=f"C{i}", label=method)
    top.set_ylabel("mean squared error")
    bottom.set_ylabel("mean log score")
    top.set_title("Out-of-sample one-step forecasts by year")
    top.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    return fig
