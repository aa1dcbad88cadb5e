"""Simulation-based calibration: the prior draws follow the documented laws, ranks of the truth
among posterior draws are uniform and the bands cover the true paths at their nominal rates."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bayes_beta as bb
from bayes_beta.evaluate import calibrate, prior_noise
from tests.helpers import sd_cdf


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


@pytest.mark.parametrize("family", ["halfnormal", "halfstudentt", "exponential", "lognormal",
                                    "inversegamma"])
def test_prior_noise_draws_pass_a_ks_test_against_the_documented_laws(family):
    """sigma_obs with scale ``scale x y_unit``, sigma_state[k] with ``scale_k x state_unit_k``
    (shape numbers away from their defaults, a scale per factor)."""
    shape = dict(nu=5.0, log_sd=0.6, alpha=4.0)
    variant = bb.PriorVariant("x", state=bb.NoisePrior(family, (0.3, 0.7), **shape),
                              obs=bb.NoisePrior(family, 1.5, **shape))
    units = (2.0, np.array([0.1, 0.4]))
    rng = np.random.default_rng(2)
    draws = [prior_noise(variant, units, 2, rng) for _ in range(4000)]
    state = np.array([d[0] for d in draws])
    obs = np.array([d[1] for d in draws])
    assert stats.kstest(obs, sd_cdf(variant.obs, 1.5 * 2.0)).pvalue > 1e-3
    for k in range(2):
        law = sd_cdf(variant.state, variant.state.scale[k] * units[1][k])
        assert stats.kstest(state[:, k], law).pvalue > 1e-3, k
    # the two factors' sds are drawn independently
    assert abs(stats.spearmanr(state[:, 0], state[:, 1]).statistic) < 0.06
    # the test discriminates: not the law with the other factor's scale
    wrong = sd_cdf(variant.state, variant.state.scale[1] * units[1][1])
    assert stats.kstest(state[:, 0], wrong).pvalue < 1e-3


@pytest.fixture(scope="module")
def cal():
    """30 datasets from the default priors (n = 80, K = 2, one chain of 100 draws)."""
    return calibrate(_factors(80), datasets=30, draws=100, tune=100, chains=1, thin=2, seed=1)


def test_calibration_ranks_are_uniform_and_bands_cover_at_nominal_rates(cal):
    assert cal.n_draws == 50 and len(cal.ranks) == 30
    assert {"sigma_state[f0]", "sigma_state[f1]", "sigma_obs", "beta[f1] @ 79"} \
        <= set(cal.ranks.columns)
    ranks = cal.ranks.to_numpy()
    assert ranks.min() >= 0 and ranks.max() <= cal.n_draws
    # a truth outside the posterior puts its rank at 0 or L: 2 / (L + 1) = 4% when calibrated
    extreme = np.mean((ranks == 0) | (ranks == cal.n_draws))
    assert extreme < 0.12, extreme
    assert (cal.uniformity["p_value"] > 1e-3).all(), cal.uniformity
    for prob, row in cal.coverage.iterrows():
        assert abs(row["coverage"] - prob) < max(3.5 * row["se"], 0.02), (prob, row)
        assert row["se"] < 0.1, row


def test_uniformity_is_a_chi_square_test_of_the_rank_counts(cal):
    """Ten bins of equal width over 0 .. L, against scipy's chi-square test."""
    for name, ranks in cal.ranks.items():
        counts, _ = np.histogram(ranks, bins=10, range=(0, cal.n_draws + 1))
        assert counts.sum() == len(ranks)
        want = stats.chisquare(counts)
        row = cal.uniformity.loc[name]
        assert row["chi2"] == pytest.approx(want.statistic, rel=1e-12)
        assert row["p_value"] == pytest.approx(want.pvalue, rel=1e-12)


@pytest.mark.slow
def test_ranks_are_uniform_and_bands_cover_at_nominal_rates():
    """100 datasets from the default priors (n = 150, K = 2, 2 chains x 300 draws)."""
    cal = calibrate(_factors(), datasets=100, seed=7)
    print(cal.uniformity.to_string(), cal.coverage.to_string(), sep="\n")
    assert (cal.uniformity["p_value"] > 0.01).all(), cal.uniformity
    for prob, row in cal.coverage.iterrows():
        assert abs(row["coverage"] - prob) < 3 * row["se"], (prob, row)
