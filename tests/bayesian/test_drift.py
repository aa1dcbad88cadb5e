"""``Fit.drift_evidence``: the evidence per factor on the drift of its exposure, against the
posterior draws (a NumPy reference), the prior's closed form, and known simulated truth."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bayes_beta as bb

YEARLY_DRIFT = (0.0, 0.3, 0.3)  # f0 static, f1 and f2 drifting (beta units per year)


@pytest.fixture(scope="module")
def fit():
    rng = np.random.default_rng(5)
    n, K = 520, 3
    idx = pd.date_range("2005-01-07", periods=n, freq="W-FRI")
    H = rng.normal(0.0, 0.025, (n, K))
    steps = rng.standard_normal((n, K)) * np.array(YEARLY_DRIFT) / np.sqrt(52)
    beta = np.array([1.0, 0.3, -0.2]) + np.cumsum(steps, axis=0)
    y = (H * beta).sum(1) + rng.normal(0.0, 0.01, n)
    df = pd.DataFrame(H, index=idx, columns=["f0", "f1", "f2"]).assign(fund=y)
    return bb.fit(df, "fund", ["f0", "f1", "f2"], volatility="constant", draws=400, tune=400,
                  chains=2, seed=4, progress=False, check=False)


def test_the_table_is_the_posterior_draws_read_per_factor(fit):
    table = fit.drift_evidence(threshold=0.08, prob=0.8)
    sigma = fit.tree["posterior"]["sigma_state"].transpose("chain", "draw", "factor")
    d = sigma.values.reshape(-1, 3) * np.sqrt(fit.design.steps_per_year)
    np.testing.assert_allclose(table["drift"], d.mean(0), rtol=1e-12)
    np.testing.assert_allclose(table["lower"], np.quantile(d, 0.1, axis=0), rtol=1e-12)
    np.testing.assert_allclose(table["upper"], np.quantile(d, 0.9, axis=0), rtol=1e-12)
    np.testing.assert_allclose(table["p_negligible"], (d < 0.08).mean(0), rtol=1e-12)
    assert table.index.tolist() == ["f0", "f1", "f2"] and (table["threshold"] == 0.08).all()
    assert table.attrs == {"prob": 0.8, "level": 0.1, "steps_per_year": fit.design.steps_per_year}
    per_factor = fit.drift_evidence(threshold={"f0": 0.01, "f1": 0.5, "f2": 0.08})
    np.testing.assert_allclose(per_factor["p_negligible"],
                               [(d[:, 0] < 0.01).mean(), (d[:, 1] < 0.5).mean(),
                                (d[:, 2] < 0.08).mean()], rtol=1e-12)


def test_the_default_threshold_is_five_percent_of_sd_y_over_sd_h(fit):
    y, H = fit.design.y, fit.design.H
    want = 0.05 * np.std(y, ddof=1) / np.std(H, axis=0, ddof=1)
    np.testing.assert_allclose(fit.drift_evidence()["threshold"], want, rtol=1e-6)


def test_the_prior_probability_is_the_half_normal_cdf(fit):
    table = fit.drift_evidence()
    s = np.asarray(fit.variant.state.scale) * fit.design.state_unit  # the prior sd per step
    x = table["threshold"].to_numpy() / np.sqrt(fit.design.steps_per_year)
    want = 2.0 * stats.norm.cdf(x / s) - 1.0
    np.testing.assert_allclose(table["prior_p_negligible"], want, atol=0.03)  # 4,000 draws


def test_the_static_exposure_is_told_apart_from_the_drifting_ones(fit):
    table = fit.drift_evidence()
    p = table["p_negligible"]
    assert p["f0"] > 0.5 > max(p["f1"], p["f2"]), table
    assert table.loc[["f1", "f2"], "verdict"].tolist() == ["drifting", "drifting"], table
    assert table.loc["f0", "verdict"] in ("static", "unclear"), table
    # the data moved the static factor's probability up and the drifting ones' down
    assert p["f0"] > table.loc["f0", "prior_p_negligible"]
    assert (p[["f1", "f2"]] < table.loc[["f1", "f2"], "prior_p_negligible"]).all()
    # the truth lies in the 90% intervals
    truth = np.array(YEARLY_DRIFT)
    inside = (table["lower"] <= truth) & (truth <= table["upper"])
    assert inside[["f1", "f2"]].all(), table


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"threshold": 0}, "threshold must be a positive number"),
    ({"threshold": {"f0": 0.1}}, r"missing \['f1', 'f2'\]"),
    ({"prob": 1.2}, "prob must be a number strictly between 0 and 1"),
    ({"level": 0.6}, "level must be below 0.5"),
])
def test_bad_arguments_are_refused_by_name(fit, kwargs, message):
    with pytest.raises(bb.ArgumentError, match=message):
        fit.drift_evidence(**kwargs)
