"""The Bayesian fit end to end: recovery of known truth, propagation, seeds, save/load, scale."""

import warnings

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb

TRUE_SD = np.array([0.04, 0.02])  # per-step state noise sds
TRUE_OBS = 0.2


def simulated_frame(n=250, seed=0):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, 2))
    spec = bb.StateSpace.random_walk(
        Q=np.diag(TRUE_SD**2), R=[[TRUE_OBS**2]], b0=[1.0, -0.5], P0=np.zeros((2, 2))
    )
    sim = bb.simulate(spec, H, seed=seed + 1)
    idx = pd.bdate_range("2000-01-03", periods=n, freq="W-FRI")
    df = pd.DataFrame({"fund": sim.y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)
    return df, sim.beta


@pytest.fixture(scope="module")
def sim_fit():
    df, beta = simulated_frame(n=500, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        fit = bb.fit(
            df, "fund", ["f1", "f2"], draws=300, tune=400, chains=2, seed=11, progress=False
        )
    return df, beta, fit


def test_recovers_noise_and_covers_true_path(sim_fit):
    _df, beta, fit = sim_fit
    summ = fit.summary(prob=0.94)
    lo, hi = summ.filter(like="lb").iloc[:, 0], summ.filter(like="ub").iloc[:, 0]
    truth = {"sigma_state[f1]": TRUE_SD[0], "sigma_state[f2]": TRUE_SD[1], "sigma_obs": TRUE_OBS}
    for name, value in truth.items():
        assert lo[name] <= value <= hi[name], f"{name}: {value} not in [{lo[name]}, {hi[name]}]"
    bands = fit.bands(0.9)
    inside = (bands["lower"].values <= beta) & (beta <= bands["upper"].values)
    coverage = inside.mean()
    assert 0.80 <= coverage <= 0.97, f"90% bands cover {coverage:.1%} of the true path"


def test_tree_groups_and_arviz_functions_work(sim_fit):
    import arviz as az

    _, _, fit = sim_fit
    tree = fit.tree
    for group in (
        "posterior",
        "log_likelihood",
        "log_prior",
        "sample_stats",
        "observed_data",
        "constant_data",
        "exposures",
    ):
        assert group in tree.children, group
    assert tree["exposures"]["path"].dims == ("chain", "draw", "time", "factor")
    assert tree["log_likelihood"]["y"].dims == ("chain", "draw", "time")
    assert tree["observed_data"]["y"].attrs["target"] == "fund"
    assert np.isfinite(az.loo(tree).elpd)
    assert isinstance(az.summary(tree, var_names=fit.noise_vars), pd.DataFrame)
    assert len(az.psense_summary(tree)) > 0


def test_propagated_mean_is_smoother_mean_over_draws(sim_fit):
    _, _, fit = sim_fit
    ex = fit.tree["exposures"]
    path_mean = ex["path"].mean(("chain", "draw")).values
    n_draws = ex.sizes["chain"] * ex.sizes["draw"]
    se = np.sqrt((ex["smoothed_param_var"] + ex["smoothed_state_var"]).values / n_draws)
    z = (path_mean - ex["smoothed_mean"].values) / se
    assert np.abs(z).max() < 4.5


def test_variance_split_matches_the_variance_of_the_draws(sim_fit):
    """Law of total variance: parameter + state part = the variance of the path draws, within
    the Monte Carlo error of a sample variance, sd ~ var sqrt(2 / (N - 1)) (Gaussian draws),
    on average over time."""
    _, _, fit = sim_fit
    ex = fit.tree["exposures"]
    n_draws = ex.sizes["chain"] * ex.sizes["draw"]
    for source, draws in (("smoothed", "path"), ("filtered", "filtered_draw")):
        split = fit.variance_decomposition(source, by_time=True)["total_var"]
        predicted = split.to_xarray().transpose("time", "factor").values
        sample = ex[draws].var(("chain", "draw"), ddof=1).values
        z = (sample - predicted) / (predicted * np.sqrt(2.0 / (n_draws - 1)))
        assert abs(z.mean()) < 4.0 / np.sqrt(z.shape[0]) + 0.5, (source, z.mean())
        ratio = sample.mean(0) / predicted.mean(0)
        assert np.all(np.abs(ratio - 1) < 0.1), (source, ratio)
    table = fit.variance_decomposition()
    share = table["parameter_var"] / table["total_var"]
    assert np.allclose(share, table["parameter_share"]) and (share > 0).all() and (share < 1).all()


def test_same_seed_same_fit_and_exact_round_trip(sim_fit, tmp_path):
    df, _, fit = sim_fit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        again = bb.fit(
            df, "fund", ["f1", "f2"], draws=300, tune=400, chains=2, seed=11, progress=False
        )
    # the same numbers (only the creation time stamps in the attributes differ)
    for group in ("posterior", "sample_stats", "log_likelihood", "exposures"):
        assert again.tree[group].to_dataset().equals(fit.tree[group].to_dataset()), group
    path = tmp_path / "fit.nc"
    fit.save(path)
    loaded = bb.load_fit(path)
    assert loaded == fit
    np.testing.assert_array_equal(
        loaded.tree["exposures"]["path"].values, fit.tree["exposures"]["path"].values
    )
    assert loaded.tree.attrs["data_fingerprint"] == fit.design.fingerprint()
    xr_b = loaded.bands(0.8, kind="hdi")
    assert xr_b.equals(fit.bands(0.8, kind="hdi"))


def test_bands_tables_and_plots(sim_fit):
    import matplotlib.figure

    _, _, fit = sim_fit
    eti, hdi = fit.bands(0.9), fit.bands(0.9, kind="hdi", source="filtered")
    assert eti.sizes == {"time": 500, "factor": 2}
    assert (eti["lower"] <= eti["median"]).all() and (eti["median"] <= eti["upper"]).all()
    assert (hdi["upper"] - hdi["lower"] > 0).all()
    narrow = fit.bands(0.5)
    assert ((narrow["upper"] - narrow["lower"]) < (eti["upper"] - eti["lower"])).all()
    assert list(fit.variance_decomposition().index) == ["f1", "f2"]
    for fig in (
        fit.plot_exposures(),
        fit.plot_noise(prior_draws=200),
        fit.plot_filtered_vs_smoothed(),
    ):
        assert isinstance(fig, matplotlib.figure.Figure)
    # what the fan chart draws is fit.bands: the widest band first, then the median
    fig = fit.plot_exposures(probs=(0.5, 0.9))
    wide = fit.bands(0.9)
    for ax, factor in zip(fig.axes, ["f1", "f2"], strict=True):
        v = ax.collections[0].get_paths()[0].vertices
        xs = np.unique(v[:, 0])
        lo = np.array([v[v[:, 0] == x, 1].min() for x in xs])
        np.testing.assert_allclose(lo, wide["lower"].sel(factor=factor).values)
        np.testing.assert_allclose(ax.lines[0].get_ydata(),
                                   fit.bands(0.5)["median"].sel(factor=factor).values)
    for bad in (1.5, 0, "x", True):
        with pytest.raises(bb.ArgumentError, match="prob must be a number strictly between"):
            fit.bands(bad)


def test_scale_aware_default_prior_gives_same_exposures():
    df, _ = simulated_frame(150, seed=4)
    kw = dict(draws=300, tune=300, chains=2, seed=2, progress=False, check=False)
    dec = bb.fit(df, "fund", ["f1", "f2"], **kw)
    pct = bb.fit(df * 100.0, "fund", ["f1", "f2"], **kw)
    a, b = dec.bands(0.9), pct.bands(0.9)
    width = (a["upper"] - a["lower"]).mean().item()
    assert abs(a["median"] - b["median"]).max().item() < 0.1 * width
    ratio = pct.tree["posterior"]["sigma_obs"].mean() / dec.tree["posterior"]["sigma_obs"].mean()
    assert abs(float(ratio) - 100.0) < 5.0


@pytest.mark.slow
@pytest.mark.parametrize("seed", [10, 11, 12, 13])
def test_recovery_larger(seed):
    """Four chains, n = 1000: noise sds inside the 94% intervals, 90% bands cover 80-97%."""
    df, beta = simulated_frame(n=1000, seed=seed)
    fit = bb.fit(
        df, "fund", ["f1", "f2"], draws=1000, tune=1000, chains=4, seed=seed, progress=False
    )
    summ = fit.summary(prob=0.94)
    lo, hi = summ.filter(like="lb").iloc[:, 0], summ.filter(like="ub").iloc[:, 0]
    truth = {"sigma_state[f1]": TRUE_SD[0], "sigma_state[f2]": TRUE_SD[1], "sigma_obs": TRUE_OBS}
    inside = [lo[k] <= v <= hi[k] for k, v in truth.items()]
    assert sum(inside) >= 2, summ
    bands = fit.bands(0.9)
    coverage = ((bands["lower"].values <= beta) & (beta <= bands["upper"].values)).mean()
    print(f"seed {seed}: 90% band coverage {coverage:.3f}; intervals hold truth: {inside}")
    assert 0.80 <= coverage <= 0.97
