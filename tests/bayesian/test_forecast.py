"""``Fit.forecast``: future dates at the data's frequency, simulated futures against the exact
moments, a scenario with known exposures, bad arguments named before any work."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.errors import ArgumentError

FACTORS = ["f1", "f2"]
BETA = np.array([1.2, -0.3])
SMALL = {"draws": 150, "tune": 150, "chains": 2, "progress": False, "check": False}
SAMPLE = ("chain", "draw")


def _fund(n=300, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2010-01-01", periods=n, freq="W-FRI")
    H = rng.normal(0, 0.02, (n, 2))
    y = H @ BETA + rng.normal(0, 0.004, n)  # static exposures
    return pd.DataFrame({"fund": y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)


@pytest.fixture(scope="module")
def fit():
    return bb.fit(_fund(), "fund", FACTORS, "tight", seed=3, volatility="constant", **SMALL)


def _future(fit, h=8, seed=5):
    rng = np.random.default_rng(seed)
    dates = pd.date_range(fit.design.time[-1], periods=h + 1, freq="W-FRI")[1:]
    return pd.DataFrame(rng.normal(0, 0.02, (h, 2)), index=dates, columns=FACTORS)


def test_dates_continue_at_the_data_frequency(fit):
    fc = fit.forecast(steps=6, seed=1)
    want = pd.date_range(fit.design.time[-1], periods=7, freq="W-FRI")[1:]
    pd.testing.assert_index_equal(pd.DatetimeIndex(fc["time"].values), want, check_names=False,
                                  check_freq=False)
    assert fc["exposure"].dims == ("chain", "draw", "time", "factor")
    assert "return" not in fc and fc.attrs["prob"] == 0.9


def test_simulated_futures_agree_with_the_exact_mean(fit):
    fc = fit.forecast(factors=_future(fit), seed=2)
    n_draws = fc.sizes["chain"] * fc.sizes["draw"]
    se = fc["exposure"].std(SAMPLE) / np.sqrt(n_draws)
    assert (abs(fc["exposure"].mean(SAMPLE) - fc["exposure_mean"]) < 4.5 * se).all()
    se_r = fc["return"].std(SAMPLE) / np.sqrt(n_draws)
    assert (abs(fc["return"].mean(SAMPLE) - fc["return_mean"]) < 4.5 * se_r).all()
    assert ((fc["exposure_lower"] < fc["exposure_mean"])
            & (fc["exposure_mean"] < fc["exposure_upper"])).all()
    # the exposure sd grows with the horizon (the random walk adds Q each step)
    assert (fc["exposure_sd"].diff("time") > 0).all()


def test_a_scenario_with_known_exposures_gives_their_return(fit):
    future = _future(fit)
    fc = fit.forecast(factors=future, seed=4)
    want = future.to_numpy() @ BETA
    sd = np.sqrt((future.to_numpy() ** 2 * fc["exposure_sd"].values ** 2).sum(1))
    assert np.all(np.abs(fc["return_mean"].values - want) < 4 * sd + 1e-4)


def test_bad_arguments_are_named(fit):
    with pytest.raises(ArgumentError, match="steps=h"):
        fit.forecast()
    future = _future(fit)
    with pytest.raises(ArgumentError, match="must start after"):
        fit.forecast(factors=future.set_axis(fit.design.time[-8:]))
    with pytest.raises(bb.DataError, match="f2"):
        fit.forecast(factors=future.drop(columns="f2"))
    with pytest.raises(ArgumentError, match="steps=3 but factors has 8 rows"):
        fit.forecast(steps=3, factors=future)
    with pytest.raises(ArgumentError, match="steps"):
        fit.forecast(steps=0)
    assert list(future.columns) == FACTORS  # the caller's frame is left alone


def test_attribution_and_forecast_figures_draw_their_arrays(fit):
    import matplotlib.pyplot as plt

    fc = fit.forecast(factors=_future(fit), seed=6)
    fig = fit.plot_forecast(fc, history=52)
    assert len(fig.axes) == 3  # two factors and the return
    line = fig.axes[0].lines[1]  # the forecast mean
    np.testing.assert_allclose(line.get_ydata(), fc["exposure_mean"].sel(factor="f1").values)
    att = fit.attribution("Q", source="filtered")
    assert att.attrs["source"] == "filtered" and att.sizes["component"] == 3
    fig2 = fit.plot_attribution(att)
    bars = [p.get_height() for p in fig2.axes[0].patches[: att.sizes["period"]]]
    np.testing.assert_allclose(bars, att["mean"].sel(component="f1").values)
    plt.close("all")


def test_checks_give_tables_and_a_figure(fit):
    import matplotlib.pyplot as plt

    ch = fit.checks(draws=100)
    assert list(ch.coverage.columns) == ["50%", "90%"] and ch.coverage.index[-1] == "all"
    assert ((ch.coverage >= 0) & (ch.coverage <= 1)).all().all()
    n_obs = int(fit.design.observed.sum())
    assert len(ch.cusum) == n_obs - fit.design.K
    assert ch.cusum["cusum_squares"].iloc[-1] == pytest.approx(1.0)
    assert {"kurtosis", "ljung_box_6", "coverage_90%", "cusum_outside"} <= set(ch.summary)
    fig = ch.plot()
    np.testing.assert_allclose(fig.axes[-2].lines[0].get_ydata(), ch.cusum["cusum"].to_numpy())
    plt.close("all")
