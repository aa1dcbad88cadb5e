"""Matplotlib figures. Functions here draw what they are given and compute nothing."""

from __future__ import annotations

import matplotlib.pyplot as plt


def plot_filtered_smoothed(ds, *, width: float = 2.0, axes=None):
    r"""Filtered and smoothed exposures with ``mean +/- width * sd`` bands, one panel per factor.

    Each panel shows the filtered (real-time, orange) and smoothed (blue) means with the bands
    :math:`\text{mean} \pm \text{width} \times \text{sd}`, and a line at zero.

    Parameters
    ----------
    ds : xarray.Dataset
        The Dataset of :meth:`bayes_beta.SmootherResult.to_dataset`: dims ``time`` and
        ``factor``, variables ``filtered_mean``, ``filtered_sd``, ``smoothed_mean`` and
        ``smoothed_sd``.
    width : float, default 2.0
        Half-width of the bands in sds.
    axes : sequence of matplotlib.axes.Axes, optional
        One axis per factor to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (of ``axes`` when given).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import xarray as xr
    >>> import bayes_beta as bb
    >>> dims, n = ("time", "factor"), 30
    >>> mean, sd = np.full((n, 2), [0.6, -0.02]), np.full((n, 2), 0.05)
    >>> ds = xr.Dataset({"filtered_mean": (dims, mean), "filtered_sd": (dims, 2 * sd),
    ...                  "smoothed_mean": (dims, mean), "smoothed_sd": (dims, sd)},
    ...                 coords={"time": np.arange(n), "factor": ["Mkt-RF", "d10y"]})
    >>> fig = bb.plots.plot_filtered_smoothed(ds, width=1.0)
    >>> len(fig.axes), fig.axes[1].get_ylabel()
    (2, 'beta: d10y')
    >>> plt.close(fig)
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

    Parameters
    ----------
    bands : list of xarray.Dataset
        Datasets of :meth:`bayes_beta.Fit.bands` (dims ``time`` x ``factor``; variables
        ``lower``, ``upper`` and ``median``; ``attrs['prob']`` and ``attrs['kind']``), widest
        first; the median of the last one is drawn.
    reference : dict, optional
        Maps factor -> a constant (e.g. the full-sample OLS beta), drawn dashed.
    title : str, default ""
        Title of the first panel.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    See Also
    --------
    bayes_beta.plots.plot_bands_overlay : The bands of several prior variants.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import xarray as xr
    >>> import bayes_beta as bb
    >>> mid = np.full((30, 2), [0.6, -0.02])
    >>> def band(prob, half):
    ...     return xr.Dataset(
    ...         {"lower": (("time", "factor"), mid - half), "median": (("time", "factor"), mid),
    ...          "upper": (("time", "factor"), mid + half)},
    ...         coords={"time": np.arange(30), "factor": ["Mkt-RF", "d10y"]},
    ...         attrs={"prob": prob, "kind": "eti"})
    >>> fig = bb.plots.plot_fan([band(0.9, 0.1), band(0.5, 0.04)],
    ...                         reference={"Mkt-RF": 0.56}, title="Util")
    >>> len(fig.axes), fig.axes[0].get_title()
    (2, 'Util')
    >>> plt.close(fig)
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
    """Filtered (real-time) versus smoothed exposure bands, one panel per factor.

    Parameters
    ----------
    filtered : xarray.Dataset
        Bands from the filtered draws (:meth:`bayes_beta.Fit.bands` with
        ``source="filtered"``): dims ``time`` x ``factor``, variables ``lower``, ``upper``,
        ``median``, ``attrs['prob']``.
    smoothed : xarray.Dataset
        The same from the smoothed draws; its factors name the panels.

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
    >>> mid = np.full((30, 2), [0.6, -0.02])
    >>> def band(half):
    ...     return xr.Dataset(
    ...         {"lower": (("time", "factor"), mid - half), "median": (("time", "factor"), mid),
    ...          "upper": (("time", "factor"), mid + half)},
    ...         coords={"time": np.arange(30), "factor": ["Mkt-RF", "d10y"]},
    ...         attrs={"prob": 0.9})
    >>> fig = bb.plots.plot_two_bands(band(0.2), band(0.1))
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
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

    One panel per parameter entry: the prior in grey (cut at twenty times the largest posterior
    draw), the posterior in blue.

    Parameters
    ----------
    posterior : dict of numpy.ndarray
        ``posterior[name]``: (draws,) or (draws, k) posterior draws of a parameter.
    prior : dict of numpy.ndarray
        ``prior[name]``: (draws,) or (draws, k) prior draws, same names.
    labels : dict of list of str
        ``labels[name]`` names the k entries (``[""]`` for a scalar).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one panel per entry.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> rng = np.random.default_rng(0)
    >>> posterior = {"sigma_state": rng.gamma(20, 0.001, (500, 2)),
    ...              "sigma_obs": rng.gamma(50, 0.0003, 500)}
    >>> prior = {"sigma_state": np.abs(rng.normal(0, 0.03, (500, 2))),
    ...          "sigma_obs": np.abs(rng.normal(0, 0.02, 500))}
    >>> labels = {"sigma_state": ["Mkt-RF", "d10y"], "sigma_obs": [""]}
    >>> fig = bb.plots.plot_posterior_prior(posterior, prior, labels)
    >>> [ax.get_title() for ax in fig.axes]
    ['sigma_state Mkt-RF', 'sigma_state d10y', 'sigma_obs']
    >>> plt.close(fig)
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

    Parameters
    ----------
    bands : list of xarray.Dataset
        Datasets of :meth:`bayes_beta.Fit.volatility` (dim ``time``; variables ``lower``,
        ``upper``, ``median``; ``attrs['prob']`` and optionally ``attrs['annualized']``), widest
        first; the median of the last one is drawn.
    title : str, default ""
        Title of the panel.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (one panel).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import xarray as xr
    >>> import bayes_beta as bb
    >>> vol = 0.15 + 0.05 * np.sin(np.arange(50) / 8)
    >>> def band(prob, half):
    ...     return xr.Dataset({"lower": ("time", vol - half), "median": ("time", vol),
    ...                        "upper": ("time", vol + half)}, coords={"time": np.arange(50)},
    ...                       attrs={"prob": prob, "annualized": True})
    >>> fig = bb.plots.plot_volatility([band(0.9, 0.04), band(0.5, 0.02)], title="Util")
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (1, 'volatility (annualised)')
    >>> plt.close(fig)
    """
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
