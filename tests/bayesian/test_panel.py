"""The pooled model: one fund with the hyperparameters fixed is the independent model; its
likelihood is each fund's own; what it refuses."""

import numpy as np
import pymc as pm
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.panel import check_pooling, make_panel, panel_model
from bayes_beta.errors import ArgumentError, DataError, SpecError
from bayes_beta.specs.options import ModelOptions
from bayes_beta.specs.priors import NoisePrior, PoolingPrior, PriorVariant, get_variant

from .test_many import FACTORS
from .test_many import _universe as many_universe


def _universe(n=150, funds=3, seed=0):
    return many_universe(n=n, funds=funds, seed=seed)


def _logp(model, point):
    return float(model.compile_logp()(point))


def test_one_fund_with_fixed_hyperparameters_is_the_independent_model():
    """Fixed ``mu, tau``: ``sigma = u exp(mu + tau z)`` is the LogNormal(log(s), tau) prior of
    the independent model. The log-densities differ by the constant ``sum log tau`` of the
    non-centred drift (``z = (log sigma/u - mu) / tau``); the centred ``obs`` adds nothing."""
    returns, factors = _universe(funds=1)
    mu, tau, obs_mu, obs_tau = np.log([0.2, 0.1]), 0.6, np.log(0.5), 0.3
    panel = make_panel(returns, factors)
    variant = get_variant("default")
    pooled = panel_model(panel, variant, ModelOptions(volatility="constant"))
    fixed = pm.do(pooled, {"drift_mu": mu, "drift_tau": np.full(2, tau), "obs_mu": obs_mu,
                           "obs_tau": obs_tau})
    ln = PriorVariant("ln", state=NoisePrior("lognormal", tuple(np.exp(mu)), log_sd=tau),
                      obs=NoisePrior("lognormal", float(np.exp(obs_mu)), log_sd=obs_tau))
    frame = factors.join(returns)
    indep = bb.build_model(frame, "fund0", FACTORS, ln, volatility="constant")
    rng = np.random.default_rng(1)
    gaps = []
    for _ in range(4):
        log_state = mu + tau * rng.normal(size=2)  # log(sigma_state / state_unit)
        log_obs = obs_mu + obs_tau * rng.normal()
        a = _logp(fixed, {"drift_z": ((log_state - mu) / tau)[None], "obs_log": np.array([log_obs])})
        # the independent model samples z = sigma / (unit x scale), scale = exp(mu)
        b = _logp(indep, {"sigma_state_z_log__": log_state - mu,
                          "sigma_obs_z_log__": np.array(log_obs - obs_mu)})
        gaps.append(a - b)
    np.testing.assert_allclose(gaps, 2 * np.log(tau), rtol=0, atol=1e-8)


def test_garch_likelihood_is_each_funds_own():
    """At the same noise values, the pooled model's likelihood is the sum of the independent
    models' (funds of different lengths, GARCH)."""
    returns, factors = _universe(funds=3)
    returns.iloc[:60, 1] = np.nan  # starts later
    returns.iloc[100:, 2] = np.nan  # ends earlier
    returns.iloc[[70, 71], 0] = np.nan  # holidays
    panel = make_panel(returns, factors)
    pooled = panel_model(panel, get_variant("default"), ModelOptions())
    point = pooled.initial_point()
    rng = np.random.default_rng(0)
    point = {k: v + 0.3 * rng.normal(size=np.shape(v)) for k, v in point.items()}
    outs = pooled.replace_rvs_by_values([pooled[n] for n in (
        "loglik", "sigma_state", "sigma_obs", "garch_persistence", "garch_share")])
    det = pooled.compile_fn(outs, inputs=pooled.value_vars, on_unused_input="ignore")(point)
    total, sigma_state, sigma_obs, persistence, share = det
    parts = []
    for i, fund in enumerate(panel.funds):
        frame = factors.join(returns[[fund]]).iloc[panel.start[i]:panel.stop[i]]
        model = bb.build_model(frame, fund, FACTORS)
        d = panel.designs[fund]
        scale = get_variant("default")  # sd = unit x scale x z
        values = {"sigma_state_z_log__": np.log(sigma_state[i] / d.state_unit / scale.state.scale),
                  "sigma_obs_z_log__": np.log(sigma_obs[i] / d.y_unit / scale.obs.scale),
                  "garch_persistence_logodds__": np.log(persistence[i] / (1 - persistence[i])),
                  "garch_share_logodds__": np.log(share[i] / (1 - share[i]))}
        fn = model.compile_fn(model.replace_rvs_by_values([model["loglik"]])[0],
                              inputs=model.value_vars)
        parts.append(float(fn(values)))
    np.testing.assert_allclose(total, sum(parts), rtol=1e-10)


def test_panel_aligns_funds_on_the_common_axis():
    returns, factors = _universe(funds=2)
    returns.iloc[:40, 1] = np.nan
    panel = make_panel(returns, factors)
    assert panel.start.tolist() == [0, 40] and panel.stop.tolist() == [150, 150]
    assert np.isnan(panel.y[1, :40]).all()
    np.testing.assert_array_equal(panel.y[1, 40:], returns["fund1"].to_numpy()[40:])
    assert panel.designs["fund1"].time[0] == returns.index[40]


def test_refusals_name_the_option():
    variant = get_variant("default")
    for options, match in ((ModelOptions(volatility="stochastic"), "volatility"),
                           (ModelOptions(dynamics="mean_reverting"), "dynamics"),
                           (ModelOptions(likelihood="scan", volatility="constant"), "fused")):
        with pytest.raises(ArgumentError, match=match):
            check_pooling(options, variant, "ols")
    with pytest.raises(ArgumentError, match="diagonal Q"):
        check_pooling(ModelOptions(), get_variant("correlated"), "ols")
    with pytest.raises(ArgumentError, match="initial"):
        check_pooling(ModelOptions(), variant, "prior")
    returns, factors = _universe(funds=2)
    returns["fund1"] = np.nan
    with pytest.raises(DataError, match="fund1"):
        make_panel(returns, factors)
    with pytest.raises(SpecError, match="centred"):
        PoolingPrior(centred=("nope",))
    with pytest.raises(SpecError, match="between 0 and 1"):
        PoolingPrior(persistence=1.5)


def test_pooling_prior_round_trips_with_the_variant():
    v = get_variant("default").with_(pooling=PoolingPrior(drift=0.3, centred=("obs", "drift")))
    assert PriorVariant.from_dict(v.to_dict()) == v
