"""Partial pooling recovers a simulated population and narrows short funds' bands honestly.

A panel of 30 funds (K = 2, 520 weeks; 10 of them keep only their last 104 weeks) whose drift
and noise sds are drawn from known population distributions on the model's own unit-free scale
(``log(sigma_state / u_k) ~ N(mu_k, tau_k)``, ``log(sigma_obs / sd(y)) ~ N(obs_mu, obs_tau)``;
the units depend on the simulated returns, so the draws are rescaled until they match them).
"""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.panel import make_panel

MU, TAU = np.log([0.06, 0.10]), np.array([0.4, 0.4])  # near the 47 industries' population
OBS_MU, OBS_TAU = np.log(0.6), 0.2
FUNDS, SHORT, N, SHORT_N = 30, 10, 520, 104
FACTORS = ["f1", "f2"]


def simulate_panel(seed=0):
    """(returns, factors, true paths (F, n, K), true drift sds per step (F, K), their
    unit-free logs (F, K))."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2010-01-08", periods=N, freq="W-FRI")
    H = rng.normal(0, [0.02, 0.012], (N, 2))
    factors = pd.DataFrame(H, index=idx, columns=FACTORS)
    x_state = MU + TAU * rng.normal(size=(FUNDS, 2))
    x_obs = OBS_MU + OBS_TAU * rng.normal(size=FUNDS)
    beta0 = rng.normal([1.0, 0.3], 0.3, (FUNDS, 2))
    eta, eps = rng.normal(size=(FUNDS, N, 2)), rng.normal(size=(FUNDS, N))
    first = np.where(np.arange(FUNDS) < SHORT, N - SHORT_N, 0)
    units = np.full((FUNDS, 2), 0.02) / H.std(0) / np.sqrt(52.0)
    for _ in range(60):  # rescale until the drifts are exp(x) in the units the data imply
        drift = units * np.exp(x_state)
        paths = beta0[:, None] + np.cumsum(eta * drift[:, None], axis=1)
        y_unit = np.array([np.nanstd(np.einsum("tk,tk->t", H, p)[f:]) for p, f in
                           zip(paths, first, strict=True)])
        y = np.einsum("tk,ftk->ft", H, paths) + eps * (y_unit * np.exp(x_obs))[:, None]
        y[np.arange(N)[None] < first[:, None]] = np.nan
        returns = pd.DataFrame(y.T, index=idx, columns=[f"fund{i:02d}" for i in range(FUNDS)])
        new = np.stack([d.state_unit for d in make_panel(returns, factors).designs.values()])
        if np.abs(np.log(new / units)).max() < 1e-6:
            break
        units = np.sqrt(units * new)  # damped: the units depend on the drift they scale
    return returns, factors, paths, drift, x_state


@pytest.mark.slow
def test_pooling_recovers_population_and_narrows_short_funds(tmp_path):
    returns, factors, paths, drift, x_state = simulate_panel()
    draws = {"draws": 500, "tune": 500, "chains": 4, "volatility": "constant"}
    fs = bb.fit_many(returns, factors, store=tmp_path / "pooled", pooling="partial", seed=1,
                     progress=False, **draws)
    # the rescaling reached the model's units: the unit-free log drifts are x_state (to 5%)
    units = np.stack([fs[f].design.state_unit for f in fs.funds])
    np.testing.assert_allclose(np.log(drift / units), x_state, atol=0.05)
    # the population of these 30 funds: the mean and sd of their unit-free log drifts
    realised = np.log(drift / units)
    pop = fs.population(0.9)
    for k, name in enumerate(FACTORS):
        for label, truth in ((f"drift_median[{name}]", np.exp(realised[:, k].mean())),
                             (f"drift_spread[{name}]", np.exp(realised[:, k].std(ddof=1)))):
            row = pop.loc[label]
            assert row["lower"] <= truth <= row["upper"], (label, truth, row.to_dict())
    short = fs.funds[:SHORT]
    pooled_b = fs.bands(0.9)
    widths, cover = {"pooled": [], "independent": []}, {"pooled": [], "independent": []}
    for i, fund in enumerate(short):
        frame = factors.join(returns[[fund]]).iloc[N - SHORT_N:]
        ind = bb.fit(frame, fund, FACTORS, seed=bb.fund_seed(1, fund), progress=False,
                     check=False, **draws).bands(0.9)
        truth = paths[i, N - SHORT_N:]
        for name, b in (("pooled", pooled_b.sel(fund=fund).isel(time=slice(N - SHORT_N, None))),
                        ("independent", ind)):
            lo, hi = b["lower"].values, b["upper"].values
            widths[name].append(float((hi - lo).mean()))
            cover[name].append(float(((lo <= truth) & (truth <= hi)).mean()))
    print({k: (np.mean(widths[k]), np.mean(cover[k])) for k in widths})
    assert np.mean(widths["pooled"]) < np.mean(widths["independent"])
    assert 0.80 <= np.mean(cover["pooled"]) <= 0.97
