"""Figures of the one-step model checks: they draw what they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt

__all__ = ["plot_checks"]


def plot_checks(pit, z, coverage, cusum, alpha: float):
    """Five panels: PIT histogram (flat if the model is right), coverage by year of each
    interval, standardised innovations over time, CUSUM and CUSUM of squares with bounds."""
    fig = plt.figure(figsize=(11, 9))
    grid = fig.add_gridspec(3, 2)
    ax = fig.add_subplot(grid[0, 0])
    ax.hist(pit.to_series().dropna(), bins=20, range=(0, 1), density=True, color="C0")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_title("PIT of the one-step predictive")
    ax = fig.add_subplot(grid[0, 1])
    years = coverage.drop(index="all", errors="ignore")
    for i, col in enumerate(years.columns):
        ax.plot(years.index.astype(int), years[col], marker="o", ms=3, color=f"C{i}",
                label=f"{col} interval")
        ax.axhline(float(col.rstrip("%")) / 100, color=f"C{i}", lw=0.8, ls="--")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("Coverage by year")
    ax = fig.add_subplot(grid[1, :])
    zs = z.to_series()
    ax.plot(zs.index, zs.values, lw=0.6, color="0.3")
    ax.axhline(1.96, color="C3", lw=0.8, ls="--")
    ax.axhline(-1.96, color="C3", lw=0.8, ls="--")
    ax.set_title("Standardised one-step innovations")
    for j, (col, lo, hi, title) in enumerate((
            ("cusum", "lower", "upper", "CUSUM"),
            ("cusum_squares", "lower_squares", "upper_squares", "CUSUM of squares"))):
        ax = fig.add_subplot(grid[2, j])
        ax.plot(cusum.index, cusum[col], color="C0")
        ax.plot(cusum.index, cusum[lo], color="C3", lw=0.8, ls="--")
        ax.plot(cusum.index, cusum[hi], color="C3", lw=0.8, ls="--")
        ax.set_title(f"{title} ({1 - alpha:.0%} bounds)")
        ax.tick_params(axis="x", labelrotation=30)
    fig.tight_layout()
    return fig
