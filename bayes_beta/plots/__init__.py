"""Figures (matplotlib). They draw what they are given and compute nothing: every function takes
the bands, tables or arrays computed elsewhere and returns a ``Figure``."""

from bayes_beta.plots.compare import plot_bands_overlay, plot_elpd_diff, plot_noise_forest
from bayes_beta.plots.exposures import (
    plot_fan,
    plot_filtered_smoothed,
    plot_posterior_prior,
    plot_two_bands,
    plot_volatility,
)

__all__ = [
    "plot_bands_overlay",
    "plot_elpd_diff",
    "plot_fan",
    "plot_filtered_smoothed",
    "plot_noise_forest",
    "plot_posterior_prior",
    "plot_two_bands",
    "plot_volatility",
]
