"""Return attribution figures: they draw what they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_attribution"]


def plot_attribution(att):
    """Top: each period's contribution of every component (mean, with the band as an error
    bar), side by side; bottom: cumulative mean contributions and the observed return over
    time. ``att`` is a :meth:`bayes_beta.Fit.attribution` Dataset."""
    comps = [str(c) for c in att["component"].values]
    periods = att["period"].values
    x = np.arange(len(periods))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7))
    width = 0.8 / len(comps)
    for i, c in enumerate(comps):
        sel = att.sel(component=c)
        mean = sel["mean"].values
        err = np.vstack([mean - sel["lower"].values, sel["upper"].values - mean])
        top.bar(x + (i - (len(comps) - 1) / 2) * width, mean, width, yerr=err, capsize=2,
                label=c, color=f"C{i}")
        bottom.plot(periods, sel["cumulative"].values, label=c, color=f"C{i}")
    bottom.plot(periods, np.cumsum(att["observed"].values), color="k", lw=1.2,
                label="observed")
    step = max(1, len(periods) // 12)
    top.set_xticks(x[::step], [str(np.datetime_as_string(p, unit="D")) for p in periods[::step]],
                   rotation=45, ha="right", fontsize=8)
    top.axhline(0, color="0.5", lw=0.8)
    prob = att.attrs.get("prob", 0.9)
    top.set_title(f"Contributions per period ({att.attrs.get('freq', '')}; {prob:.0%} bands, "
                  f"{att.attrs.get('source', 'smoothed')})")
    top.legend(fontsize=8, ncol=len(comps))
    bottom.set_title("Cumulative contributions")
    bottom.legend(fontsize=8, ncol=len(comps) + 1)
    fig.tight_layout()
    return fig
