"""Matplotlib figures of classical Kalman results; they draw what the results hold.

Every function returns a :class:`matplotlib.figure.Figure` and accepts one
:class:`~bayes_beta.classical.KalmanResults` or a list of them (models overlaid, labelled by
their names).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from bayes_beta.classical.engine import results_list
from bayes_beta.errors import DataError

__all__ = ["METRICS", "ModelDiagnosticsPlotter", "plot_beta_grid", "plot_factor_contributions"]

#: metric name -> (panel title, y label)
METRICS = {
    "residuals": ("Innovations v_t (band: ±2 sqrt(S_t))", "v_t"),
    "log_likelihood": ("Per-step log-likelihood l_t", "l_t"),
    "cumulative_log_likelihood": ("Cumulative log-likelihood sum_{s<=t} l_s", "sum l"),
    "gain_norm": ("Kalman gain norm ||K_t||", "||K_t||"),
    "drift_norm": ("Exposure drift norm ||beta_t - beta_{t-1}||", "||Δbeta_t||"),
    "rmse": ("Rolling RMSE of the innovations", "RMSE"),
}


class ModelDiagnosticsPlotter:
    """Time series of filter diagnostics, one panel per metric.

    The metrics (``METRICS`` of :mod:`bayes_beta.classical.plots`: metric name -> panel title and
    y label) are ``residuals`` (innovations :math:`v_t` with a band of
    :math:`\\pm 2 \\sqrt{S_t}`), ``log_likelihood`` (:math:`l_t`), ``cumulative_log_likelihood``
    (:math:`\\sum_{s \\le t} l_s`), ``gain_norm`` (:math:`\\lVert K_t \\rVert`), ``drift_norm``
    (:math:`\\lVert \\beta_t - \\beta_{t-1} \\rVert`) and ``rmse`` (the rolling RMSE of the
    innovations). Several models are overlaid, labelled by their names.

    Parameters
    ----------
    results : KalmanResults or iterable of KalmanResults
        The results of one model or of several.

    Attributes
    ----------
    results : list of KalmanResults
        The results drawn.

    Raises
    ------
    bayes_beta.DataError
        Nothing given, or an item that is not a ``KalmanResults``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, ModelDiagnosticsPlotter
    >>> df = bb.datasets.load_example()
    >>> a = KalmanEngine(KalmanSpec(K=1, name="market")).run(df, "Util", "Mkt-RF")
    >>> b = KalmanEngine(KalmanSpec(K=2, name="market + rates")).run(df, "Util", ["Mkt-RF", "d10y"])
    >>> plotter = ModelDiagnosticsPlotter([a, b])
    >>> len(plotter.results)
    2
    >>> fig = plotter.plot()
    >>> len(fig.axes)
    3
    >>> plt.close("all")
    """

    def __init__(self, results) -> None:
        self.results = results_list(results)

    def plot(
        self,
        metrics: Sequence[str] = ("residuals", "log_likelihood", "gain_norm"),
        window: int = 52,
        figsize: tuple[float, float] | None = None,
    ):
        """Draw the chosen diagnostics, one panel per metric, sharing the time axis.

        Parameters
        ----------
        metrics : str or sequence of str, default ("residuals", "log_likelihood", "gain_norm")
            Names among ``residuals``, ``log_likelihood``, ``cumulative_log_likelihood``,
            ``gain_norm``, ``drift_norm`` and ``rmse``.
        window : int, default 52
            The rolling window of ``rmse`` (:meth:`KalmanResults.rmse`).
        figsize : tuple of float, optional
            The figure size; default ``(10, 2.6 * number of panels)``.

        Returns
        -------
        matplotlib.figure.Figure
            The figure (with a legend when several models are drawn).

        Raises
        ------
        bayes_beta.DataError
            An unknown metric, or none.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, ModelDiagnosticsPlotter
        >>> df = bb.datasets.load_example()
        >>> res = KalmanEngine(KalmanSpec(K=1)).run(df, "Util", "Mkt-RF")
        >>> plotter = ModelDiagnosticsPlotter(res)
        >>> fig = plotter.plot(["rmse", "cumulative_log_likelihood"], window=26)
        >>> len(fig.axes)
        2
        >>> plotter.plot("sharpe")
        Traceback (most recent call last):
        ...
        bayes_beta.errors.DataError: Unknown metric ['sharpe']; choose from [...].
        >>> plt.close("all")
        """
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        unknown = [m for m in metrics if m not in METRICS]
        if unknown or not metrics:
            raise DataError(f"Unknown metric {unknown[:1]}; choose from {sorted(METRICS)}.")
        fig, axes = plt.subplots(
            len(metrics),
            1,
            figsize=figsize or (10, 2.6 * len(metrics)),
            sharex=True,
            squeeze=False,
        )
        for ax, metric in zip(axes[:, 0], metrics, strict=True):
            for r in self.results:
                self._draw(ax, r, metric, window)
            title, ylabel = METRICS[metric]
            ax.set_title(title, fontsize=10, loc="left")
            ax.set_ylabel(ylabel)
        if len(self.results) > 1:
            axes[0, 0].legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        return fig

    @staticmethod
    def _draw(ax, r, metric: str, window: int) -> None:
        label = r.model_name
        if metric == "residuals":
            line = ax.plot(r.index, r.residuals, lw=0.7, label=label)[0]
            band = 2.0 * np.sqrt(r.residual_var)
            ax.fill_between(r.index, -band, band, color=line.get_color(), alpha=0.15, lw=0)
            ax.axhline(0.0, color="grey", lw=0.6)
        elif metric == "log_likelihood":
            ax.plot(r.index, r.loglik, lw=0.7, label=label)
        elif metric == "cumulative_log_likelihood":
            ax.plot(r.index, r.loglik.fillna(0.0).cumsum(), lw=1.2, label=label)
        elif metric == "gain_norm":
            ax.plot(r.index, r.gain_norm, lw=0.8, label=label)
        elif metric == "drift_norm":
            ax.plot(r.index, r.drift_norm, lw=0.8, label=label)
        else:
            ax.plot(r.index, r.rmse(window), lw=1.2, label=f"{label} ({window} steps)")


def plot_beta_grid(results, width: float = 2.0, smoothed: bool = False, ncols: int = 2):
    """Filtered exposures with ``±width sd`` bands, one panel per factor in a grid.

    Each panel draws :math:`\\beta_{t|t,k} \\pm w \\, \\mathrm{sd}_{t,k}` of every model that has
    factor ``k`` (labelled by the model's name); unused grid cells are hidden.

    Parameters
    ----------
    results : KalmanResults or iterable of KalmanResults
        The results of one model or of several (overlaid).
    width : float, default 2.0
        ``w``, the band's half-width in filtered standard deviations.
    smoothed : bool, default False
        Add the RTS-smoothed exposures (dashed).
    ncols : int, default 2
        Columns of the grid (at most the number of factors).

    Returns
    -------
    matplotlib.figure.Figure
        The grid of panels.

    Raises
    ------
    bayes_beta.DataError
        Nothing given, or an item that is not a ``KalmanResults``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, plot_beta_grid
    >>> df = bb.datasets.load_example()
    >>> res = KalmanEngine(KalmanSpec(K=2)).run(df, "Util", ["Mkt-RF", "d10y"])
    >>> fig = plot_beta_grid(res, smoothed=True, ncols=1)
    >>> len(fig.axes), [ax.get_title(loc="left") for ax in fig.axes]
    (2, ['beta: Mkt-RF', 'beta: d10y'])
    >>> plt.close("all")
    """
    items = results_list(results)
    factors = list(dict.fromkeys(f for r in items for f in r.factors))
    ncols = max(1, min(ncols, len(factors)))
    nrows = -(-len(factors) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(5.5 * ncols, 3.0 * nrows), sharex=True, squeeze=False
    )
    for ax, f in zip(axes.ravel(), factors, strict=False):
        for r in items:
            if f not in r.factors:
                continue
            mean, sd = r.exposures[f], r.exposure_sd[f]
            line = ax.plot(r.index, mean, lw=1.0, label=f"{r.model_name} filtered")[0]
            ax.fill_between(
                r.index,
                mean - width * sd,
                mean + width * sd,
                color=line.get_color(),
                alpha=0.2,
                lw=0,
            )
            if smoothed:
                ax.plot(
                    r.index,
                    r.smoothed[f],
                    lw=1.0,
                    ls="--",
                    color=line.get_color(),
                    label=f"{r.model_name} smoothed",
                )
        ax.axhline(0.0, color="grey", lw=0.6)
        ax.set_title(f"beta: {f}", fontsize=10, loc="left")
    for ax in axes.ravel()[len(factors) :]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_factor_contributions(results, show_target: bool = True):
    """Factor contributions ``H_{t,k} beta_{t,k}`` over time, one panel per model.

    Parameters
    ----------
    results : KalmanResults or iterable of KalmanResults
        The results of one model or of several (one panel each).
    show_target : bool, default True
        Draw the target return ``y_t`` in light grey behind the contributions.

    Returns
    -------
    matplotlib.figure.Figure
        The panels.

    Raises
    ------
    bayes_beta.DataError
        Nothing given, or an item that is not a ``KalmanResults``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, plot_factor_contributions
    >>> df = bb.datasets.load_example()
    >>> res = KalmanEngine(KalmanSpec(K=2)).run(df, "Util", ["Mkt-RF", "d10y"])
    >>> fig = plot_factor_contributions(res)
    >>> len(fig.axes), len(fig.axes[0].get_lines())  # the target, two factors, the zero line
    (1, 4)
    >>> plt.close("all")
    """
    items = results_list(results)
    fig, axes = plt.subplots(len(items), 1, figsize=(10, 3.2 * len(items)), squeeze=False)
    for ax, r in zip(axes[:, 0], items, strict=True):
        if show_target:
            ax.plot(r.index, r.y, color="lightgrey", lw=0.6, label=f"{r.target} (target)")
        for f in r.factors:
            ax.plot(r.index, r.contributions[f], lw=0.8, label=f)
        ax.axhline(0.0, color="grey", lw=0.6)
        ax.set_title(
            f"{r.model_name}: factor contributions H_t,k beta_t,k", fontsize=10, loc="left"
        )
        ax.set_ylabel("return contribution")
        ax.legend(fontsize=8, loc="upper left", ncol=len(r.factors) + 1)
    fig.tight_layout()
    return fig
