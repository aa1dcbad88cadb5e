"""Simulation-based calibration: ranks of the truth among posterior draws are uniform and the
bands cover the true paths at their nominal rates."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.evaluate import calibrate, prior_noise


def _factors(n=150, K=2, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(n, K)), index=idx, columns=[f"f{k}" for k in range(K)])


def test_prior_draws_follow_the_variant():
    rng = np.random.default_rng(1)
    draws = np.array([prior_noise(bb.PRIOR_VARIANTS["default"], (2.0, 0.1), 2, rng)[0]
                      for _ in range(20000)])
    # HalfNormal(0.25 x 0.1): mean 0.025 sqrt(2 / pi)
    np.testing.assert_allclose(draws.mean(0), 0.025 * np.sqrt(2 / np.pi), rtol=0.03)


def test_calibration_result_shapes():
    cal = calibrate(_factors(80), datasets=3, draws=60, tune=60, chains=1, thin=2, seed=1)
    assert cal.n_draws == 30 and len(cal.ranks) == 3
    assert cal.ranks.to_numpy().min() >= 0 and cal.ranks.to_numpy().max() <= 30
    assert {"sigma_state[f0]", "sigma_obs", "beta[f1] @ 79"} <= set(cal.ranks.columns)
    assert cal.coverage.loc[0.9, "coverage"] >= cal.coverage.loc[0.5, "coverage"]
    assert set(cal.uniformity.columns) == {"chi2", "p_value"}


@pytest.mark.slow
def test_ranks_are_uniform_and_bands_cover_at_nominal_rates():
    """100 datasets from the default priors (n = 150, K = 2, 2 chains x 300 draws)."""
    cal = calibrate(_factors(), datasets=100, seed=7)
    print(cal.uniformity.to_string(), cal.coverage.to_string(), sep="\n")
    assert (cal.uniformity["p_value"] > 0.01).all(), cal.uniformity
    for prob, row in cal.coverage.iterrows():
        assert abs(row["coverage"] - prob) < 3 * row["se"], (prob, row)
