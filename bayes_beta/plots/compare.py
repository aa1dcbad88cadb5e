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
    """Exposure bands of every variant overlaid, one panel per factor (band + median line)."""
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

    ``diff`` and ``se`` are Series indexed by variant.
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
