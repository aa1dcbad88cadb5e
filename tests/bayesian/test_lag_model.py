"""The Bayesian two-step lag smoother: its likelihood, sampling and path bands."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import bayes_beta as bb
from bayes_beta.bayesian.lag_model import (
    build_lag_model,
    lag_posterior_bands,
    sample_lag_model,
    summarize_lag_posterior,
)
from bayes_beta.classical import two_step_lag_smoother


def test_bayesian_model_potential_is_the_filter_loglik():
    import pymc as pm
    from pytensor.compile.mode import Mode
    from scipy.special import logit

    z = bb.datasets.load_treasury_yields(start="2010-01", end="2010-02")["10year"]
    model = build_lag_model(z)
    assert {v.name for v in model.free_RVs} == {"a", "sigma_state", "sigma_obs"}
    names = [v.name for v in model.value_vars]
    assert names == ["a_logodds__", "sigma_state_log__", "sigma_obs_log__"]
    (potential,) = model.replace_rvs_by_values([model.potentials[0]])
    fn = model.compile_fn(
        potential,
        inputs=model.value_vars,
        point_fn=False,
        mode=Mode(linker="py", optimizer="fast_compile"),
    )
    ref = two_step_lag_smoother(z, 0.8, q=0.05**2, r=0.03**2).attrs["loglik"]
    assert float(fn(logit(0.8), np.log(0.05), np.log(0.03))) == pytest.approx(ref, rel=1e-10)
    assert isinstance(model, pm.Model)


def test_bands_of_a_point_mass_posterior_are_the_smoother():
    """With every draw at the same (a, q, r) the path draws are draws from the smoother's
    Gaussian: their mean and sd are the smoothed mean and sd, within Monte Carlo error."""
    z = bb.datasets.load_treasury_yields(start="2010-01", end="2010-04")["10year"]
    a, q_sd, r_sd = 0.7, 0.04, 0.02
    S = 4000
    post = xr.Dataset({k: (("chain", "draw"), np.full((1, S), v))
                       for k, v in (("a", a), ("sigma_state", q_sd), ("sigma_obs", r_sd))})
    bands = lag_posterior_bands(z, post, draws=S, prob=0.9, seed=1)
    ref = two_step_lag_smoother(z, a, q=q_sd**2, r=r_sd**2)
    se = ref["smoothed_sd"] / np.sqrt(S)
    assert (np.abs(bands["mean"] - ref["smoothed"]) / se).max() < 4.5
    width = (bands["upper"] - bands["lower"]) / (2 * 1.6449 * ref["smoothed_sd"])
    assert width.between(0.9, 1.1).all()


def test_sampling_and_summary():
    z = bb.datasets.load_treasury_yields(start="2015-01", end="2015-06", frequency="weekly")
    post = sample_lag_model(build_lag_model(z["10year"]), draws=100, tune=150, chains=2, seed=3)
    table = summarize_lag_posterior(post)
    assert list(table.index) == ["a", "sigma_state", "sigma_obs"]
    assert 0 < table.loc["a", "mean"] < 1
    with pytest.raises(bb.ArgumentError, match="draws"):
        sample_lag_model(build_lag_model(z["10year"]), draws=0)
    assert isinstance(table, pd.DataFrame)
