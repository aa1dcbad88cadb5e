"""Matplotlib figures. Functions here draw what they are given and compute nothing."""

from __future__ import annotations

import matplotlib.pyplot as plt


def plot_filtered_smoothed(ds, *, width: float = 2.0, axes=None):
    """Filtered and smoothed exposures with ``mean +/- width * sd`` bands, one panel per factor.

    ``ds`` is the Dataset of :meth:`bayes_beta.SmootherResult.to_dataset`. Returns the Figure.
    """
    factors = list(ds["factor"].values)
    if axes is None:
        fig, axes = plt.subplots(
            len(factors), 1, figsize=(10, 2.8 * len(factors)), sharex=True, squeeze=False
        )
        axes = axes[:, 0]
    else:
        fig = axes[0].figure
    t = ds["time"].values
    for ax, f in zip(axes, factors, strict=True):
        for kind, color in (("filtered", "tab:orange"), ("smoothed", "tab:blue")):
            mean = ds[f"{kind}_mean"].sel(factor=f).values
            sd = ds[f"{kind}_sd"].sel(factor=f).values
            ax.plot(t, mean, color=color, lw=1.2, label=f"{kind} mean")
            ax.fill_between(
                t,
                mean - width * sd,
                mean + width * sd,
                color=color,
                alpha=0.2,
                lw=0,
                label=f"{kind} ±{width:g} sd",
            )
        ax.set_ylabel(f"beta: {f}")
        ax.axhline(0.0, color="grey", lw=0.6)
    axes[0].legend(loc="upper left", ncol=2, fontsize=8)
    fig.tight_layout()
    return fig
