"""Prior checks: the realised drift of rolling OLS, prior intervals, simulated returns."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.propagate import draw_matrices
from bayes_beta.data import make_design
from bayes_beta.evaluate.prior_checks import (
    prior_draws,
    prior_intervals,
    rolling_drift,
    simulate_returns,
)


def test_rolling_drift_recovers_a_known_drift():
    rng = np.random.default_rng(0)
    n, sd = 5000, 0.02
    H = rng.normal(size=(n, 1))
    beta = 1.0 + np.cumsum(rng.normal(0, sd, n))
    idx = pd.date_range("1900-01-05", periods=n, freq="W-FRI")
    df = pd.DataFrame({"y": H[:, 0] * beta + rng.normal(0, 0.1, n), "f": H[:, 0]}, index=idx)
    design = make_design(df, "y", ["f"])
    drift = rolling_drift(design)
    assert drift[0] == pytest.approx(sd * np.sqrt(design.steps_per_year), rel=0.15)


def test_prior_intervals_from_draws():
    design = make_design(bb.datasets.load_example("2015", "2016"), "Util", ["Mkt-RF", "d10y"])
    draws = prior_draws(design, bb.PRIOR_VARIANTS["tight"], draws=4000, seed=1)
    iv = prior_intervals(draws, design, prob=0.9)
    assert list(iv.index) == ["sigma_state[Mkt-RF]", "sigma_state[d10y]", "sigma_obs"]
    # HalfNormal(s): 95% quantile 1.96 s
    s = 0.025 * design.state_unit[0]
    assert iv.loc["sigma_state[Mkt-RF]", "upper"] == pytest.approx(1.96 * s, rel=0.08)


def test_simulated_returns_have_the_model_variance():
    """Static exposures (Q = 0) and a known b0: Var(y_t) = (H_t b0)^2 * 0 + r, so the simulated
    returns are H_t b0 plus noise of sd sqrt(r), draw by draw; NaN rows of H stay NaN."""
    df = bb.datasets.load_example("2014", "2016")
    df.iloc[3, 1] = np.nan
    design = make_design(df, "Util", ["Mkt-RF", "d10y"], initial="prior")
    S = 4000
    draws = {"sigma_obs": np.full(S, 0.01), "sigma_state": np.zeros((S, 2)),
             "b0": np.tile([0.8, -0.05], (S, 1))}
    y = simulate_returns(draw_matrices(draws, design, bb.ModelOptions(volatility="constant")),
                         design, seed=2)
    assert np.isnan(y[:, 3]).all()
    ok = ~np.isnan(design.H).any(axis=1)
    mean = design.H[ok] @ np.array([0.8, -0.05])
    z = (y[:, ok].mean(0) - mean) / (0.01 / np.sqrt(S))
    assert np.abs(z).max() < 5
    assert y[:, ok].std(0).mean() == pytest.approx(0.01, rel=0.02)
