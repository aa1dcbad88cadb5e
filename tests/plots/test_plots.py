"""Figures draw what they are given: the plotted arrays equal the bands, tables and draws."""

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from bayes_beta.plots import (
    plot_bands_overlay,
    plot_elpd_diff,
    plot_fan,
    plot_filtered_smoothed,
    plot_posterior_prior,
    plot_two_bands,
)

TIME = pd.date_range("2010-01-01", periods=30, freq="W-FRI")


def _bands(prob, shift=0.0, seed=0):
    rng = np.random.default_rng(seed)
    mid = np.cumsum(rng.normal(size=(30, 2)), axis=0) + shift
    half = prob * (1 + rng.uniform(size=(30, 2)))
    ds = xr.Dataset({"mean": (("time", "factor"), mid), "median": (("time", "factor"), mid),
                     "lower": (("time", "factor"), mid - half),
                     "upper": (("time", "factor"), mid + half)},
                    coords={"time": TIME, "factor": ["mkt", "rates"]})
    ds.attrs.update(prob=prob, kind="eti", source="smoothed")
    return ds


def _envelope(collection):
    """Per x of a fill_between polygon: (x, lowest y, highest y)."""
    v = collection.get_paths()[0].vertices
    xs = np.unique(v[:, 0])
    return xs, np.array([v[v[:, 0] == x, 1].min() for x in xs]), \
        np.array([v[v[:, 0] == x, 1].max() for x in xs])


def _check_band(ax_collection, band, factor):
    xs, lo, hi = _envelope(ax_collection)
    np.testing.assert_allclose(xs, mdates.date2num(TIME))
    np.testing.assert_allclose(lo, band["lower"].sel(factor=factor).values)
    np.testing.assert_allclose(hi, band["upper"].sel(factor=factor).values)


def test_fan_chart_draws_each_band_and_the_median():
    bands = [_bands(0.95), _bands(0.5)]
    fig = plot_fan(bands, reference={"mkt": 0.7}, title="t")
    assert len(fig.axes) == 2
    for ax, factor in zip(fig.axes, ["mkt", "rates"], strict=True):
        assert ax.get_ylabel() == f"beta: {factor}"
        for coll, band in zip(ax.collections, bands, strict=True):
            _check_band(coll, band, factor)
        np.testing.assert_allclose(ax.lines[0].get_ydata(), bands[-1]["median"].sel(factor=factor))
    ols = [line for line in fig.axes[0].lines if line.get_linestyle() == "--"]
    assert ols and ols[0].get_ydata()[0] == pytest.approx(0.7)


def test_filtered_and_smoothed_bands_side_by_side():
    filtered, smoothed = _bands(0.9, seed=1), _bands(0.9, seed=2)
    fig = plot_two_bands(filtered, smoothed)
    for ax, factor in zip(fig.axes, ["mkt", "rates"], strict=True):
        _check_band(ax.collections[0], filtered, factor)
        _check_band(ax.collections[1], smoothed, factor)


def test_overlay_of_variants():
    bands = {"a": _bands(0.9, seed=1), "b": _bands(0.9, shift=3.0, seed=2)}
    fig = plot_bands_overlay(bands, reference={"rates": -0.1})
    ax = fig.axes[1]
    for coll, band in zip(ax.collections, bands.values(), strict=True):
        _check_band(coll, band, "rates")
    labels = [line.get_label() for line in ax.lines]
    assert "OLS (full sample)" in labels


def test_filtered_smoothed_sd_bands():
    rng = np.random.default_rng(3)
    ds = xr.Dataset({k: (("time", "factor"), rng.uniform(0.1, 1, (30, 2)))
                     for k in ("filtered_mean", "filtered_sd", "smoothed_mean", "smoothed_sd")},
                    coords={"time": TIME, "factor": ["mkt", "rates"]})
    fig = plot_filtered_smoothed(ds, width=2.0)
    _xs, lo, hi = _envelope(fig.axes[0].collections[0])
    m, sd = ds["filtered_mean"].sel(factor="mkt"), ds["filtered_sd"].sel(factor="mkt")
    np.testing.assert_allclose(lo, m - 2 * sd)
    np.testing.assert_allclose(hi, m + 2 * sd)


def test_posterior_over_prior_histograms_hold_the_draws():
    rng = np.random.default_rng(4)
    post = {"sigma_obs": rng.gamma(5, 0.01, 500), "sigma_state": rng.gamma(3, 0.01, (500, 2))}
    prior = {"sigma_obs": rng.gamma(2, 0.02, 800), "sigma_state": rng.gamma(2, 0.02, (800, 2))}
    fig = plot_posterior_prior(post, prior, {"sigma_obs": [""], "sigma_state": ["mkt", "rates"]})
    assert len(fig.axes) == 3
    ax = fig.axes[2]
    assert ax.get_title() == "sigma_state rates"
    heights = [p.get_height() for p in ax.patches]
    widths = [p.get_width() for p in ax.patches]
    # two density histograms (prior, posterior) of 60 + 40 bins; the posterior's is the draws'
    assert len(heights) == 100
    want, edges = np.histogram(post["sigma_state"][:, 1], bins=40, density=True)
    np.testing.assert_allclose(heights[60:], want, rtol=1e-12)
    np.testing.assert_allclose(widths[60:], np.diff(edges), rtol=1e-12)
    edges = [p.get_x() for p in ax.patches[60:]]
    assert min(edges) == pytest.approx(post["sigma_state"][:, 1].min())


def test_elpd_differences_with_error_bars():
    diff = pd.Series([0.0, -2.0, -5.5], index=["best", "mid", "worst"])
    se = pd.Series([0.0, 1.0, 2.0], index=diff.index)
    fig = plot_elpd_diff(diff, se, label="LFO")
    ax = fig.axes[0]
    points = np.concatenate([line.get_xdata() for line in ax.lines if len(line.get_xdata())])
    assert set(np.round(diff.values, 6)) <= set(np.round(points.astype(float), 6))
