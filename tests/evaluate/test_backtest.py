"""``bb.backtest``: no look-ahead (changing the data after ``t`` leaves every forecast up to
``t`` unchanged), rolling OLS against ``numpy.linalg.lstsq`` window by window, bad arguments."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.errors import ArgumentError
from bayes_beta.evaluate.backtest import rolling_ols

FACTORS = ["f1", "f2"]
SMALL = {"refit": "Y", "windows": (13, 26), "draws": 60, "tune": 60, "chains": 2,
         "volatility": "constant"}


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2012-01-06", periods=n, freq="W-FRI")
    H = rng.normal(0, 0.02, (n, 2))
    beta = np.column_stack([1 + np.cumsum(rng.normal(0, 0.03, n)), np.full(n, 0.3)])
    y = (H * beta).sum(1) + rng.normal(0, 0.005, n)
    return pd.DataFrame({"fund": y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)


def test_rolling_ols_is_lstsq_window_by_window():
    df = _data()
    y, H = df["fund"].to_numpy().copy(), df[FACTORS].to_numpy()
    y[30] = np.nan  # a missing row inside a window is left out
    for t in (26, 40, 119):
        for window in (13, 26, None):
            beta, s2, inv, dof = rolling_ols(y, H, t, window)
            a = 0 if window is None else t - window
            ok = ~np.isnan(y[a:t])
            want, res, *_ = np.linalg.lstsq(H[a:t][ok], y[a:t][ok], rcond=None)
            np.testing.assert_allclose(beta, want, rtol=1e-12)
            assert dof == ok.sum() - 2 and s2 == pytest.approx(res[0] / dof, rel=1e-12)
            np.testing.assert_allclose(inv, np.linalg.inv(H[a:t][ok].T @ H[a:t][ok]), rtol=1e-10)


def test_no_look_ahead():
    df = _data()
    cut = df.index[70]
    changed = df.copy()
    changed.loc[changed.index > cut, "fund"] += 0.05  # the future changes
    changed.loc[changed.index > cut, "f1"] *= -1.0
    a = bb.backtest(df, "fund", FACTORS, seed=3, **SMALL)
    b = bb.backtest(changed, "fund", FACTORS, seed=3, **SMALL)
    assert set(a.steps["method"]) == {"bayes", "kalman_mle", "expanding_ols", "rolling_13",
                                      "rolling_26"}
    early = a.steps["date"] <= cut
    cols = ["date", "method", "forecast", "log_score", "inside"]
    pd.testing.assert_frame_equal(a.steps.loc[early, cols].reset_index(drop=True),
                                  b.steps.loc[b.steps["date"] <= cut, cols].reset_index(drop=True))
    assert not np.allclose(a.steps.loc[~early, "forecast"], b.steps.loc[~early, "forecast"])
    assert a.steps["date"].min() == df.index[26]  # once the longest window is full
    # the summaries are the steps' own averages, per method
    by_method = a.steps.groupby("method")
    np.testing.assert_allclose(a.overall["coverage"], by_method["inside"].mean(), rtol=1e-12)
    np.testing.assert_allclose(a.overall["mse"], by_method["error"].apply(lambda e: (e**2).mean()),
                               rtol=1e-12)
    assert a.table.index.names == ["year", "method"]
    fig = a.plot()
    line = fig.axes[0].lines[0]  # the first method's mse by year
    method = sorted(set(a.steps["method"]))[0]
    np.testing.assert_allclose(line.get_ydata(), a.table.xs(method, level="method")["mse"])


def test_bad_arguments_before_any_work():
    df = _data()
    with pytest.raises(ArgumentError, match="refit"):
        bb.backtest(df, "fund", FACTORS, refit="W")
    with pytest.raises(ArgumentError, match="volatility"):
        bb.backtest(df, "fund", FACTORS, volatility="stochastic")
    with pytest.raises(ArgumentError, match="no test period"):
        bb.backtest(df, "fund", FACTORS, start="2030-01-01")
    with pytest.raises(bb.DataError, match="nope"):
        bb.backtest(df, "nope", FACTORS)


def test_the_model_options_reach_the_bayesian_fits_only():
    """dynamics and initial change the Bayesian forecasts; the other methods stay as they are."""
    df = _data()
    walk = bb.backtest(df, "fund", FACTORS, seed=3, **SMALL)
    mean_rev = bb.backtest(df, "fund", FACTORS, seed=3, dynamics="mean_reverting", **SMALL)
    def forecasts(bt, method):
        return bt.steps.loc[bt.steps["method"] == method, "forecast"].to_numpy()

    for method in ("kalman_mle", "expanding_ols", "rolling_13"):
        np.testing.assert_array_equal(forecasts(walk, method), forecasts(mean_rev, method))
    assert np.max(np.abs(forecasts(walk, "bayes") - forecasts(mean_rev, "bayes"))) > 1e-6
    with pytest.raises(bb.SpecError, match="dynamics must be one of"):
        bb.backtest(df, "fund", FACTORS, dynamics="ar2", **SMALL)
