"""A prior family is one registered entry: a family defined in this file alone (no edit of the
package) is accepted by the specs, drawn by the model and the calibration as scipy says, and
fitted; unregistered, its name is refused again."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest
from scipy import stats

import bayes_beta as bb
from bayes_beta.bayesian.priors import Family, draw_noise, register_family, unregister_family
from bayes_beta.evaluate import prior_noise

SHAPE = 2.0  # z ~ Gamma(2, rate 2): mean 1, like the built-in families' unit scale
GAMMA = Family(lambda p, **k: pm.Gamma.dist(alpha=SHAPE, beta=SHAPE, **k),
               lambda p, name, dims: pm.Gamma(name, alpha=SHAPE, beta=SHAPE, dims=dims))


@pytest.fixture(scope="module")
def gamma():
    register_family("gamma", GAMMA)
    yield
    unregister_family("gamma")


def _frame(n=200, seed=1):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2010-01-01", periods=n, freq="W-FRI")
    H = rng.normal(0.0, 0.02, n)
    return pd.DataFrame({"y": 0.8 * H + rng.normal(0.0, 0.01, n), "a": H}, index=idx)


def test_a_family_registered_from_a_test_file_is_drawn_as_scipy_says(gamma):
    prior = bb.NoisePrior("gamma", 0.7)
    law = stats.gamma(SHAPE, scale=0.7 * 2.0 / SHAPE).cdf  # sd = unit 2.0 x scale 0.7 x z
    variant = bb.PriorVariant("g", obs=prior)
    model = bb.build_model(_frame(), "y", ["a"], variant, volatility="constant",
                           units=(2.0, 1.0))
    from_model = pm.draw(model["sigma_obs"], draws=4000, random_seed=1)
    direct = draw_noise(prior, 2.0, 4000, np.random.default_rng(2))
    calibration = np.array([prior_noise(variant, (2.0, 1.0), 1, np.random.default_rng(i))[1]
                            for i in range(2000)])
    for draws in (from_model, direct, calibration):
        assert stats.kstest(draws, law).pvalue > 1e-3
    assert stats.kstest(from_model, stats.halfnorm(scale=1.4).cdf).pvalue < 1e-6


def test_a_registered_family_fits_and_its_name_goes_with_it(gamma):
    fit = bb.fit(_frame(), "y", ["a"], bb.PriorVariant("g", obs=bb.NoisePrior("gamma", 1.0)),
                 volatility="constant", draws=150, tune=150, chains=1, seed=3, progress=False,
                 check=False)
    assert fit.variant.obs.family == "gamma"
    assert 0.005 < float(fit.tree["posterior"]["sigma_obs"].mean()) < 0.02
    assert "gamma" in bb.specs.FAMILIES


def test_unregistered_names_are_refused():
    register_family("gamma2", GAMMA)
    assert bb.NoisePrior("gamma2", 1.0).family == "gamma2"
    unregister_family("gamma2")
    with pytest.raises(bb.SpecError, match="Unknown prior family 'gamma2'"):
        bb.NoisePrior("gamma2", 1.0)
    with pytest.raises(bb.ArgumentError, match="already registered"):
        register_family("halfnormal", GAMMA)
    with pytest.raises(bb.ArgumentError, match="built-in prior family"):
        unregister_family("halfnormal")
