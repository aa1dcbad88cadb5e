"""Exposure paths from a thinned set of draws: the log-likelihood and posterior keep all."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian import tree as tree_module
from bayes_beta.bayesian.model import model_setup
from bayes_beta.bayesian.sampling import run
from bayes_beta.errors import SpecError


@pytest.fixture(scope="module")
def sampled():
    rng = np.random.default_rng(4)
    idx = pd.date_range("2003-01-03", periods=90, freq="W-FRI")
    df = pd.DataFrame(rng.normal(size=(90, 3)) * 0.02, index=idx, columns=["y", "a", "b"])
    df.iloc[10, 0] = np.nan
    model = bb.build_model(df, "y", ["a", "b"])
    groups = run(model, draws=60, tune=100, chains=2, seed=3, progress=False)
    return model, groups


def _tree(sampled, **kw):
    model, groups = sampled
    return tree_module.assemble_tree(groups, model_setup(model), model, seed=1, **kw)


def test_thinned_paths_keep_full_log_likelihood(sampled):
    full, thin = _tree(sampled), _tree(sampled, path_draws=30)
    assert full["exposures"].sizes["draw"] == 60
    assert thin["exposures"].sizes["draw"] == 15
    np.testing.assert_array_equal(thin["exposures"]["draw"].values, np.arange(0, 60, 4))
    # log-likelihood of every draw, from the filter alone, equals the propagated one
    a = thin["log_likelihood"]["y"].values
    b = full["log_likelihood"]["y"].values
    assert a.shape == b.shape == (2, 60, 89)
    np.testing.assert_allclose(a, b, rtol=1e-10)
    # the kept draws' paths and filtered draws are those of the full propagation (each draw's
    # random numbers come from its own seed)
    for name in ("path", "filtered_draw"):
        np.testing.assert_allclose(
            thin["exposures"][name].values,
            full["exposures"][name].sel(draw=thin["exposures"]["draw"]).values, rtol=1e-12)


def test_cap_warns_and_bad_request_raises(sampled, monkeypatch):
    monkeypatch.setattr(tree_module, "PATH_VALUES_MAX", 90 * 2 * 40)
    with pytest.warns(UserWarning, match="one draw in 3 .40 of 120"):
        tree = _tree(sampled)
    assert tree["exposures"].sizes["draw"] == 20
    with pytest.raises(SpecError, match="at least the number of chains"):
        _tree(sampled, path_draws=1)


def test_default_keeps_about_path_draws_auto(sampled, monkeypatch):
    monkeypatch.setattr(tree_module, "PATH_DRAWS_AUTO", 30)
    assert _tree(sampled)["exposures"].sizes["draw"] == 15  # 2 chains x every 2nd draw
    assert _tree(sampled, path_draws="all")["exposures"].sizes["draw"] == 60
