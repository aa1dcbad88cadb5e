"""One-step predictive checks against an independent filter loop and statsmodels' Ljung-Box."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

import bayes_beta as bb
from bayes_beta.bayesian.propagate import stack_draws
from bayes_beta.evaluate import ljung_box


def test_ljung_box_equals_statsmodels():
    from statsmodels.stats.diagnostic import acorr_ljungbox

    x = np.random.default_rng(0).standard_t(4, size=400) ** 2
    ref = acorr_ljungbox(x, lags=[6])["lb_stat"].iloc[0]
    assert ljung_box(x, 6) == pytest.approx(ref, rel=1e-12)


@pytest.fixture(scope="module")
def small_fit():
    rng = np.random.default_rng(4)
    n = 200
    H = rng.normal(size=(n, 2))
    beta = 1.0 + np.cumsum(0.03 * rng.normal(size=(n, 2)), axis=0)
    y = (H * beta).sum(1) + 0.2 * rng.normal(size=n)
    y[[20, 21]] = np.nan
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    df = pd.DataFrame({"y": y, "a": H[:, 0], "b": H[:, 1]}, index=idx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        return bb.fit(df, "y", ["a", "b"], volatility="constant", draws=100, tune=200,
                      chains=2, seed=1, progress=False)


def test_constant_model_pit_equals_a_mixture_of_numpy_filters(small_fit):
    fit, draws = small_fit, 7
    checks = bb.predictive_checks(fit, draws=draws)
    stacked = stack_draws(fit.tree["posterior"].to_dataset())
    keep = np.unique(np.linspace(0, stacked.sizes["sample"] - 1, draws).round().astype(int))
    d = fit.design
    cdf, dens = [], []
    for s in keep:
        draw = stacked.isel(sample=s)
        spec = bb.StateSpace.random_walk(Q=np.diag(draw["sigma_state"].values ** 2),
                                         R=[[float(draw["sigma_obs"]) ** 2]],
                                         b0=d.b0, P0=d.P0)
        res = bb.kalman_filter(d.y[:, None], d.H[:, None, :], spec)
        v, S = res.v[:, 0], res.S[:, 0, 0]
        cdf.append(special.ndtr(v / np.sqrt(S)))
        dens.append(stats.norm.pdf(v, scale=np.sqrt(S)))
    seen = d.observed
    np.testing.assert_allclose(checks.pit.values[seen], np.mean(cdf, 0)[seen], rtol=1e-10)
    np.testing.assert_allclose(checks.log_density.values[seen], np.log(np.mean(dens, 0))[seen],
                               rtol=1e-10)
    assert np.isnan(checks.pit.values[~seen]).all() and (checks.log_density[~seen] == 0).all()
    # a well-specified model: about 90% coverage, Gaussian tails, no clustering
    summary = checks.summary()
    assert 0.84 <= summary["coverage_90%"] <= 0.96, summary
    assert 2.3 <= summary["kurtosis"] <= 3.8 and summary["ljung_box_6"] < 20, summary
    by_year = checks.coverage(0.9)
    assert list(by_year.index) == sorted(set(d.time[seen].year))


def test_bad_draws_are_named(small_fit):
    with pytest.raises(bb.ArgumentError, match="draws"):
        bb.predictive_checks(small_fit, draws=0)
