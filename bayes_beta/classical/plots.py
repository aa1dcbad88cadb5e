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
    """Time series of filter diagnostics, one panel per metric (see :data:`METRICS`)."""

    def __init__(self, results) -> None:
        self.results = results_list(results)

    def plot(
        self,
        metrics: Sequence[str] = ("residuals", "log_likelihood", "gain_norm"),
        window: int = 52,
        figsize: tuple[float, float] | None = None,
    ):
        """Draw ``metrics`` (``rmse`` uses a rolling ``window``); returns the Figure."""
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

    ``smoothed=True`` adds the RTS-smoothed exposures (dashed).
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
    """Factor contributions ``H_{t,k} beta_{t,k}`` over time (one panel per model).

    With ``show_target`` the target return ``y_t`` is drawn in light grey behind them.
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
