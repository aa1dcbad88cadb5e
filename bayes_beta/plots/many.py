"""Figures of many funds (a :class:`~bayes_beta.FitSet`): they draw what they are given."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_drift_shrinkage", "plot_heatmap", "plot_small_fans"]


def plot_heatmap(mean, cmap: str = "RdBu_r"):
    """Heat map of exposures over time (x) by fund (y), one panel per factor; ``mean`` is a
    DataArray (fund, time, factor). Colours are centred on each factor's median exposure."""
    factors = [str(f) for f in mean["factor"].values]
    funds = [str(f) for f in mean["fund"].values]
    height = max(2.5, 0.16 * len(funds) + 1.2)
    fig, axes = plt.subplots(len(factors), 1, figsize=(10, height * len(factors)), squeeze=False)
    t = mdates.date2num(mean["time"].values)
    for ax, f in zip(axes[:, 0], factors, strict=True):
        values = mean.sel(factor=f).transpose("fund", "time").values
        centre = np.nanmedian(values)
        half = np.nanmax(np.abs(values - centre)) or 1.0
        im = ax.imshow(values, aspect="auto", interpolation="nearest", cmap=cmap,
                       vmin=centre - half, vmax=centre + half,
                       extent=(t[0], t[-1], len(funds) - 0.5, -0.5))
        ax.set_yticks(range(len(funds)), funds, fontsize=7 if len(funds) > 20 else 9)
        ax.xaxis_date()
        ax.set_title(f"Smoothed exposure to {f}")
        fig.colorbar(im, ax=ax, label=f"beta: {f}", pad=0.01)
    fig.tight_layout()
    return fig


def plot_small_fans(bands, ncols: int = 4, title: str = ""):
    """Small multiples: one fan chart per fund. ``bands`` is a list (widest first) of Datasets
    with dims (fund, time), ``mean``/``lower``/``upper`` and ``attrs['prob']``."""
    funds = [str(f) for f in bands[0]["fund"].values]
    ncols = min(ncols, len(funds))
    nrows = -(-len(funds) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.3 * nrows), sharex=True,
                             squeeze=False)
    t = bands[0]["time"].values
    alphas = [0.2 + 0.25 * i for i in range(len(bands))]
    for ax, fund in zip(axes.ravel(), bands[0]["fund"].values, strict=False):
        for b, a in zip(bands, alphas, strict=True):
            ax.fill_between(t, b["lower"].sel(fund=fund), b["upper"].sel(fund=fund),
                            color="tab:blue", alpha=a, lw=0, label=f"{b.attrs['prob']:.0%}")
        ax.plot(t, bands[-1]["mean"].sel(fund=fund), color="navy", lw=0.8, label="mean")
        ax.set_title(str(fund), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(funds):]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=7, loc="best")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_drift_shrinkage(table):
    """Each fund's yearly drift sd, independent (x) against pooled (y), one panel per factor,
    log scales; ``table`` is :func:`bayes_beta.evaluate.pooling.compare_pooling`'s. Points below
    the diagonal were pulled down by the population, above it up; the five funds pooling moved
    most are labelled."""
    factors = [c[len("drift_pooled["):-1] for c in table.columns if c.startswith("drift_pooled[")]
    fig, axes = plt.subplots(1, len(factors), figsize=(4.2 * len(factors), 4), squeeze=False)
    for ax, k in zip(axes[0], factors, strict=True):
        x, y = table[f"drift_independent[{k}]"], table[f"drift_pooled[{k}]"]
        ax.scatter(x, y, s=18, color="C0")
        lo, hi = min(x.min(), y.min()) * 0.8, max(x.max(), y.max()) * 1.25
        ax.plot([lo, hi], [lo, hi], color="0.5", lw=1, ls="--")
        for fund in table[f"drift_shift[{k}]"].abs().nlargest(5).index:
            ax.annotate(str(fund), (x[fund], y[fund]), fontsize=8, xytext=(3, 3),
                        textcoords="offset points")
        ax.set(xscale="log", yscale="log", xlim=(lo, hi), ylim=(lo, hi),
               xlabel="independent: yearly drift sd", ylabel="pooled: yearly drift sd",
               title=f"Drift of the exposure to {k}")
    fig.tight_layout()
    return fig
