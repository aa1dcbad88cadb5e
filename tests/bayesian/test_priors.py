"""One table of prior families: each family's draws, as the model and the calibration make
them, follow scipy's distribution of the documented prior; an unknown family is refused."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest
from scipy import stats

import bayes_beta as bb
from bayes_beta.bayesian.priors import FAMILY_TABLE, draw_noise, family, noise_dist
from bayes_beta.evaluate import prior_noise
from bayes_beta.specs.priors import FAMILIES
from tests.helpers import sd_cdf

SCALE, UNIT = 0.7, 2.0
S = SCALE * UNIT


def _frame(n=60):
    rng = np.random.default_rng(0)
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(n, 2)), index=idx, columns=["y", "a"])


def test_the_table_has_every_family_the_specs_accept():
    assert tuple(FAMILY_TABLE) == tuple(FAMILIES)


@pytest.mark.parametrize("name", FAMILIES)
def test_model_and_calibration_draws_follow_scipys_distribution(name):
    prior = bb.NoisePrior(name, SCALE)
    variant = bb.PriorVariant("t", obs=prior)
    df = _frame()
    model = bb.build_model(df, "y", ["a"], variant, volatility="constant", units=(UNIT, 1.0))
    from_model = pm.draw(model["sigma_obs"], draws=4000, random_seed=1)
    calibration = np.array([prior_noise(variant, (UNIT, 1.0), 1, np.random.default_rng(i))[1]
                            for i in range(2000)])
    direct = draw_noise(prior, UNIT, 4000, np.random.default_rng(2))
    cdf = sd_cdf(prior, S)
    for draws in (from_model, calibration, direct):
        assert stats.kstest(draws, cdf).pvalue > 1e-3, name
    # and not the distribution of another family (the test can tell them apart)
    other = sd_cdf(bb.NoisePrior("halfnormal" if name != "halfnormal" else "exponential"), S)
    assert stats.kstest(from_model, other).pvalue < 1e-6


def test_unknown_family_is_refused_by_name():
    prior = bb.NoisePrior("halfnormal", 1.0)
    object.__setattr__(prior, "family", "gamma")  # past the spec's own check
    with pytest.raises(bb.SpecError, match="Unknown prior family 'gamma'"):
        family(prior)
    with pytest.raises(bb.SpecError, match="inversegamma is on variances"):
        noise_dist(bb.NoisePrior("inversegamma", 1.0), 2)
