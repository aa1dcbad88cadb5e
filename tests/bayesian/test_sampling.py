"""One compiled model per model shape: data swapped in, never compiled again; any change of
structure gets its own compiled form."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest
import xarray as xr

import bayes_beta as bb
from bayes_beta.bayesian import sampling
from bayes_beta.bayesian.sampling import compile_model, model_data, run, structure_key


def _frame(seed=0, n=60):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(n, 3)) * 0.02, index=idx, columns=["y", "a", "b"])


def test_same_shape_same_key_whatever_the_data():
    m1 = bb.build_model(_frame(0), "y", ["a", "b"])
    m2 = bb.build_model(_frame(1, n=75) * 100, "y", ["a", "b"])
    assert structure_key(m1) == structure_key(m2)
    assert compile_model(m1) is compile_model(m2)


def test_any_change_of_structure_gives_a_new_key():
    df = _frame()
    base = structure_key(bb.build_model(df, "y", ["a", "b"]))
    changed = [
        bb.build_model(df, "y", ["a", "b"], priors="loose"),  # another family
        bb.build_model(df, "y", ["a", "b"], dynamics="mean_reverting"),
        bb.build_model(df, "y", ["a", "b"], initial="prior"),
        bb.build_model(df, "y", ["a"]),
        bb.build_model(df, "y", ["a", "b"], likelihood="scan", volatility="constant"),
    ]
    extended = bb.build_model(df, "y", ["a", "b"])
    with extended:
        pm.Potential("extra", -extended["sigma_obs"])
    keys = {structure_key(m) for m in [*changed, extended]}
    assert base not in keys and len(keys) == len(changed) + 1


def test_variants_that_differ_only_in_scales_share_one_compiled_model(monkeypatch):
    """"default" and "tight" differ only in the drift scale, which is model data: one key, no
    compilation for the second, and its draws scaled by its own scale."""
    df = _frame()
    default, tight = (bb.build_model(df, "y", ["a", "b"], priors=p) for p in ("default", "tight"))
    assert structure_key(default) == structure_key(tight)
    kw = dict(draws=30, tune=50, chains=2, seed=4, progress=False)
    run(default, **kw)
    from bayes_beta.bayesian import compiled

    compiles = []
    real = compiled.compile_cached
    monkeypatch.setattr(compiled, "compile_cached",
                        lambda *a, **k: compiles.append(1) or real(*a, **k))
    post = run(tight, **kw)["posterior"]
    assert compiles == []
    unit = model_data(tight)["state_unit"]
    np.testing.assert_array_equal(post["sigma_state"].values,
                                  unit * 0.025 * post["sigma_state_z"].values)
    sampling._COMPILED.clear()  # compiled again from the tight model itself: the same draws
    alone = run(bb.build_model(df, "y", ["a", "b"], priors="tight"), **kw)["posterior"]
    assert compiles == [1]
    xr.testing.assert_equal(post, alone)


def test_second_dataset_of_a_shape_compiles_nothing_and_samples_its_own_data(monkeypatch):
    """The compiled model of one dataset, given another's data, gives the same draws as a model
    compiled for that other dataset alone."""
    kw = dict(draws=30, tune=50, chains=2, seed=4, progress=False)
    first, second = _frame(1), _frame(2, n=70)
    run(bb.build_model(first, "y", ["a", "b"]), **kw)  # compiles the shape
    calls = []
    original = sampling.compile_model
    monkeypatch.setattr(sampling, "compile_model",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    from bayes_beta.bayesian import compiled

    compiles = []
    real = compiled.compile_cached
    monkeypatch.setattr(compiled, "compile_cached",
                        lambda *a, **k: compiles.append(1) or real(*a, **k))
    reused = run(bb.build_model(second, "y", ["a", "b"]), **kw)["posterior"]
    assert calls and not compiles  # the cached compilation served the second dataset
    sampling._COMPILED.clear()
    fresh = run(bb.build_model(second, "y", ["a", "b"]), **kw)["posterior"]
    assert compiles
    np.testing.assert_array_equal(reused["sigma_obs"].values, fresh["sigma_obs"].values)
    np.testing.assert_array_equal(reused["sigma_state"].values, fresh["sigma_state"].values)


def test_data_overrides_are_checked_and_do_not_stick():
    model = bb.build_model(_frame(), "y", ["a", "b"])
    y = model_data(model)["y"]
    assert model_data(model, {"y": np.zeros_like(y)})["y"].sum() == 0.0
    np.testing.assert_array_equal(model_data(model)["y"], y)
    with pytest.raises(bb.SpecError, match="no data 'yy'"):
        model_data(model, {"yy": y})


def test_pymc_sampler_takes_the_same_data_path():
    df = _frame()
    model = bb.build_model(df, "y", ["a", "b"])
    y = model_data(model)["y"].copy()
    y[40:] = np.nan
    out = run(model, draws=20, tune=30, chains=1, seed=1, sampler="pymc", progress=False,
              data={"y": y})
    assert out["posterior"].sizes == {"chain": 1, "draw": 20, "factor": 2}
    np.testing.assert_array_equal(model_data(model)["y"], df["y"].to_numpy())


@pytest.mark.parametrize("options", [
    {}, {"volatility": "stochastic"}, {"dynamics": "mean_reverting", "initial": "prior"},
    {"priors": "correlated", "volatility": "constant"},
])
def test_cached_log_prior_equals_pymcs_for_every_dataset_of_a_shape(options):
    """The log-prior function compiled once per shape gives, for a second dataset of that shape,
    what ``pm.stats.compute_log_prior`` computes afresh."""
    import xarray as xr

    from bayes_beta.bayesian.sampling import log_prior

    for seed in (0, 1):
        df = _frame(seed) * (1 + 50 * seed)
        model = bb.build_model(df, "y", ["a", "b"], **options)
        with model:
            draws = pm.sample_prior_predictive(draws=6, random_seed=seed)["prior"].to_dataset()
        post = draws[[v.name for v in model.free_RVs]].assign_coords(chain=[0])
        ours = log_prior(model, post)
        with model:
            ref = pm.stats.compute_log_prior(xr.DataTree.from_dict({"posterior": post}),
                                             extend_inferencedata=False, progressbar=False)
        xr.testing.assert_allclose(ours, ref, rtol=1e-12)
        assert set(ours.data_vars) == {v.name for v in model.free_RVs}
    # the priors are unit-free, so the function reads no data and is kept for the shape
    assert sampling._COMPILED["log_prior:" + structure_key(model)] is not None
