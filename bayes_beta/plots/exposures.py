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


def _panels(n: int, height: float = 2.8):
    fig, axes = plt.subplots(n, 1, figsize=(10, height * n), sharex=True, squeeze=False)
    return fig, axes[:, 0]


def plot_fan(bands, reference: dict | None = None, title: str = ""):
    """Fan chart: nested exposure bands (widest first) and the median, one panel per factor.

    ``bands`` is a list of Datasets from :meth:`bayes_beta.Fit.bands` (dims time x factor,
    ``attrs['prob']``); ``reference`` maps factor -> a constant (e.g. the OLS beta) drawn dashed.
    """
    factors = [str(f) for f in bands[0]["factor"].values]
    fig, axes = _panels(len(factors))
    t = bands[0]["time"].values
    alphas = [0.15 + 0.2 * i for i in range(len(bands))]
    for ax, f in zip(axes, factors, strict=True):
        for b, a in zip(bands, alphas, strict=True):
            ax.fill_between(
                t,
                b["lower"].sel(factor=f),
                b["upper"].sel(factor=f),
                color="tab:blue",
                alpha=a,
                lw=0,
                label=f"{b.attrs['prob']:.0%} {b.attrs['kind']}",
            )
        ax.plot(t, bands[-1]["median"].sel(factor=f), color="navy", lw=1.0, label="median")
        if reference and f in reference:
            ax.axhline(reference[f], color="tab:red", ls="--", lw=1.0, label="OLS (full sample)")
        ax.set_ylabel(f"beta: {f}")
    axes[0].legend(loc="upper left", ncol=len(bands) + 2, fontsize=8)
    if title:
        axes[0].set_title(title)
    fig.tight_layout()
    return fig


def plot_two_bands(filtered, smoothed):
    """Filtered (real-time) versus smoothed exposure bands, one panel per factor."""
    factors = [str(f) for f in smoothed["factor"].values]
    fig, axes = _panels(len(factors))
    t = smoothed["time"].values
    for ax, f in zip(axes, factors, strict=True):
        for ds, color, name in (
            (filtered, "tab:orange", "filtered"),
            (smoothed, "tab:blue", "smoothed"),
        ):
            ax.fill_between(
                t,
                ds["lower"].sel(factor=f),
                ds["upper"].sel(factor=f),
                color=color,
                alpha=0.25,
                lw=0,
                label=f"{name} {ds.attrs['prob']:.0%}",
            )
            ax.plot(t, ds["median"].sel(factor=f), color=color, lw=1.0, label=f"{name} median")
        ax.set_ylabel(f"beta: {f}")
    axes[0].legend(loc="upper left", ncol=4, fontsize=8)
    fig.tight_layout()
    return fig


def plot_posterior_prior(posterior: dict, prior: dict, labels: dict):
    """Histogram of each noise parameter's posterior draws over its prior draws.

    ``posterior[name]`` and ``prior[name]`` are (draws,) or (draws, k) arrays; ``labels[name]``
    names the k entries.
    """
    panels = [(n, j) for n in posterior for j in range(len(labels[n]))]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.0), squeeze=False)
    for ax, (name, j) in zip(axes[0], panels, strict=True):
        post = posterior[name].reshape(len(posterior[name]), -1)[:, j]
        pri = prior[name].reshape(len(prior[name]), -1)[:, j]
        hi = max(post.max(), min(pri.max(), post.max() * 20))
        ax.hist(pri[pri <= hi], bins=60, density=True, color="grey", alpha=0.4, label="prior")
        ax.hist(post, bins=40, density=True, color="tab:blue", alpha=0.7, label="posterior")
        ax.set_title(f"{name} {labels[name][j]}".strip(), fontsize=9)
        ax.set_yticks([])
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_volatility(bands, title: str = ""):
    """Nested bands (widest first) of the observation volatility over time, and the median.

    ``bands`` are Datasets of :meth:`bayes_beta.Fit.volatility` (dims ``time``)."""
    fig, ax = plt.subplots(1, 1, figsize=(10, 3.0))
    t = bands[0]["time"].values
    for b, a in zip(bands, [0.2 + 0.25 * i for i in range(len(bands))], strict=True):
        ax.fill_between(t, b["lower"], b["upper"], color="tab:red", alpha=a, lw=0,
                        label=f"{b.attrs['prob']:.0%} band")
    ax.plot(t, bands[-1]["median"], color="darkred", lw=1.0, label="median")
    ax.set_ylabel("volatility" + (" (annualised)" if bands[0].attrs.get("annualized") else ""))
    ax.legend(loc="upper left", fontsize=8, ncol=len(bands) + 1)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_forecast(history, forecast):
    """Exposure bands ``history`` (time, factor: mean, lower, upper) continued by a forecast's
    (``exposure_mean``, ``exposure_lower``, ``exposure_upper``), one panel per factor, and a
    panel of the return forecast when it has one."""
    factors = [str(f) for f in history["factor"].values]
    with_return = "return_mean" in forecast
    n = len(factors) + int(with_return)
    fig, axes = plt.subplots(n, 1, figsize=(9, 2.6 * n), sharex=True, squeeze=False)
    for ax, f in zip(axes[:, 0], factors, strict=False):
        h, fc = history.sel(factor=f), forecast.sel(factor=f)
        ax.fill_between(h["time"].values, h["lower"], h["upper"], color="C0", alpha=0.3,
                        lw=0, label="smoothed")
        ax.plot(h["time"].values, h["mean"], color="C0", lw=1.2)
        ax.fill_between(fc["time"].values, fc["exposure_lower"], fc["exposure_upper"],
                        color="C1", alpha=0.3, lw=0, label="forecast")
        ax.plot(fc["time"].values, fc["exposure_mean"], color="C1", lw=1.2)
        ax.axvline(h["time"].values[-1], color="0.5", lw=0.8, ls="--")
        ax.set_ylabel(f"beta: {f}")
        ax.legend(loc="upper left", fontsize=8)
    if with_return:
        ax = axes[-1, 0]
        ax.fill_between(forecast["time"].values, forecast["return_lower"],
                        forecast["return_upper"], color="C2", alpha=0.3, lw=0)
        ax.plot(forecast["time"].values, forecast["return_mean"], color="C2", lw=1.2)
        ax.set_ylabel("return")
    prob = forecast.attrs.get("prob", 0.9)
    axes[0, 0].set_title(f"Forecast past {forecast.attrs.get('last_date', '')} ({prob:.0%} bands)")
    fig.tight_layout()
    return fig
