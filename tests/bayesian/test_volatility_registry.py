"""A volatility model is one registered object: a model defined in this file alone (no edit of
the package) works end to end, and the built-ins answer every question through the registry."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.priors import noise_variable
from bayes_beta.bayesian.volatility import (
    MODELS,
    VolatilityModel,
    get_volatility,
    register,
    unregister,
)
from bayes_beta.specs.options import VOLATILITIES, VolatilityTraits

SPLIT = pd.Timestamp("2008-01-04")


class TwoRegime(VolatilityModel):
    """``R_t = sigma_obs^2`` before :data:`SPLIT` and ``(regime_ratio sigma_obs)^2`` from it on:
    the regime dates are known, the ratio is estimated."""

    traits = VolatilityTraits("two_regime")
    variables = ("regime_ratio",)

    def data(self, design):
        return {"regime": (design.time >= SPLIT).astype(float)}

    def noise(self, variant, data):
        sigma_obs = noise_variable(variant.obs, "sigma_obs", data["y_unit"])
        ratio = pm.LogNormal("regime_ratio", 0.0, 1.0)
        return sigma_obs**2 * (1.0 + (ratio**2 - 1.0) * data["regime"])

    def future_r(self, fit, kept, r_n, steps, mult, rng):
        return None, np.repeat(r_n[:, None], steps, axis=1)  # the last regime goes on


@pytest.fixture(scope="module")
def two_regime():
    register(TwoRegime())
    yield
    unregister("two_regime")


def _frame(n=416, seed=3):
    """Static exposures; the noise sd doubles at SPLIT (the truth: regime_ratio = 2)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2004-01-02", periods=n, freq="W-FRI")
    H = rng.normal(0.0, 0.02, size=(n, 2))
    sd = np.where(idx >= SPLIT, 0.02, 0.01)
    y = H @ np.array([0.9, -0.3]) + sd * rng.standard_normal(n)
    return pd.DataFrame({"fund": y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)


def test_a_model_registered_from_a_test_file_works_end_to_end(two_regime):
    df = _frame()
    fit = bb.fit(df, "fund", ["f1", "f2"], volatility="two_regime", draws=300, tune=300,
                 chains=2, seed=1, progress=False, check=False)
    ratio = fit.tree["posterior"]["regime_ratio"]
    assert abs(float(ratio.mean()) - 2.0) < 0.25, float(ratio.mean())
    assert "regime_ratio" in fit.summary().index
    # the propagated paths use each draw's own variance path (the deterministic volatility)
    vol = fit.tree["posterior"]["volatility"]
    late = vol.sel(time=slice(SPLIT, None)).isel(time=0) / vol.isel(time=0)
    np.testing.assert_allclose(late.values, ratio.values, rtol=1e-12)
    bands = fit.bands(0.9)
    assert bands["lower"].dims == ("time", "factor")
    inside = ((bands["lower"] <= [0.9, -0.3]) & ([0.9, -0.3] <= bands["upper"])).mean()
    assert float(inside) > 0.8
    fc = fit.forecast(steps=4, seed=0)  # a random walk: the mean stays at the last filtered one
    last = fit.tree["exposures"]["filtered_mean"].isel(time=-1).values
    np.testing.assert_allclose(fc["exposure_mean"].values, np.tile(last, (4, 1)), rtol=1e-10)
    checks = bb.predictive_checks(fit, draws=100)
    assert abs(checks.summary()["coverage_90%"] - 0.9) < 0.05
    with pytest.raises(bb.ArgumentError, match="backtest takes volatility in"):
        bb.backtest(df, "fund", ["f1", "f2"], volatility="two_regime")


def test_unregistered_names_are_refused_with_the_registered_ones():
    class Other(TwoRegime):
        traits = VolatilityTraits("other_regime")

    register(Other())
    assert bb.ModelOptions(volatility="other_regime").volatility == "other_regime"
    unregister("other_regime")
    assert "other_regime" not in VOLATILITIES and "other_regime" not in MODELS
    with pytest.raises(bb.SpecError, match=r"volatility must be one of \('constant'"):
        bb.ModelOptions(volatility="other_regime")


@pytest.mark.parametrize("name", ["constant", "stochastic", "garch", "student_t", "known"])
def test_builtins_are_registered_with_their_traits(name):
    model = get_volatility(name)
    assert model.name == name and VOLATILITIES[name] is model.traits
    assert model.traits.scan == (name == "constant")
    assert model.traits.pooled == model.traits.backtest == (name in ("constant", "garch"))
    assert model.traits.multiplier == (name == "known")
    assert bb.ModelOptions(volatility=name).target_accept == (
        0.9 if name in ("stochastic", "student_t") else 0.8)
