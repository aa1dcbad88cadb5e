"""``bb.fit_many(..., pooling="partial")``: one joint run into the same store and FitSet as
independent fits; the funds' propagated log-likelihoods are the sampled model's; resume."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.pooled import read_joint
from bayes_beta.errors import ArgumentError
from bayes_beta.kalman.batch import value_grad

from .test_panel import FACTORS, _universe

SMALL = {"draws": 60, "tune": 60, "chains": 2, "volatility": "constant"}


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    returns, factors = _universe(funds=3)
    returns.iloc[:60, 1] = np.nan  # a fund with a short history
    store = tmp_path_factory.mktemp("pooled") / "store"
    fs = bb.fit_many(returns, factors, store=store, pooling="partial", seed=5, progress=False,
                     **SMALL)
    return fs, returns, factors, store


def test_pooled_fitset_works_like_independent_ones(pooled, tmp_path):
    fs, returns, _, _ = pooled
    assert fs.pooling == "partial" and fs.done == list(returns.columns)
    assert int(fs.data["n_obs"].sel(fund="fund1")) == 90
    assert fs.bands(0.9)["upper"].sizes == {"fund": 3, "time": 150, "factor": 2}
    assert set(fs.table().index.get_level_values("fund")) == set(returns.columns)
    assert fs.rank("drift").shape[0] == 3
    assert fs.change("f1").shape[0] == 3
    pop = fs.population(0.9)
    assert {"drift_median[f1]", "drift_spread[f2]", "obs_median"} <= set(pop.index)
    assert (pop["lower"] <= pop["mean"]).all() and (pop["mean"] <= pop["upper"]).all()
    fs.save(tmp_path / "fs.nc")
    assert bb.load_fitset(tmp_path / "fs.nc") == fs


def test_funds_carry_their_own_draws_of_the_joint_posterior(pooled):
    fs, _, _, store = pooled
    joint = read_joint(store)["posterior"].to_dataset()
    fit = fs["fund1"]
    assert fit.tree.attrs["pooling"] == "partial" and "log_prior" not in fit.tree.children
    np.testing.assert_array_equal(fit.tree["posterior"]["sigma_state"].values,
                                  joint["sigma_state"].sel(fund="fund1").values)
    # the propagated per-step log-likelihood sums to the sampled kernel's value, draw by draw
    post = joint.stack(sample=("chain", "draw")).transpose("sample", ...)
    d = fit.design
    for s in (0, 37, 119):
        Q = np.diag(post["sigma_state"].sel(fund="fund1").values[s] ** 2)[None]
        r = np.array([post["sigma_obs"].sel(fund="fund1").values[s] ** 2])
        ll, _ = value_grad(d.y[None], d.H[None], [0], [len(d.y)], np.ones((1, 2)), Q, r,
                           d.b0[None], d.P0[None], np.zeros((1, 2)))
        got = fit.tree["log_likelihood"]["y"].stack(sample=("chain", "draw")).values[:, s].sum()
        np.testing.assert_allclose(got, ll[0], rtol=1e-10)


def test_resume_reads_the_joint_run(pooled):
    fs, returns, factors, store = pooled
    stamp = (store / "joint.nc").stat().st_mtime_ns
    again = bb.fit_many(returns, factors, store=store, pooling="partial", seed=5,
                        progress=False, **SMALL)
    assert (store / "joint.nc").stat().st_mtime_ns == stamp
    assert again == fs
    with pytest.raises(ArgumentError, match="other settings"):
        bb.fit_many(returns, factors, store=store, pooling="partial", seed=5, progress=False,
                    **{**SMALL, "draws": 61})


def test_refused_before_any_work(tmp_path):
    returns, factors = _universe(funds=2)
    with pytest.raises(ArgumentError, match="pooling"):
        bb.fit_many(returns, factors, store=tmp_path / "a", pooling="full")
    with pytest.raises(ArgumentError, match="volatility"):
        bb.fit_many(returns, factors, store=tmp_path / "b", pooling="partial",
                    volatility="stochastic")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_pooled_data_frames_are_not_modified(pooled):
    _, returns, factors, _ = pooled
    assert returns["fund1"].isna().sum() == 60
    assert list(factors.columns) == FACTORS
    assert isinstance(returns.index, pd.DatetimeIndex)
