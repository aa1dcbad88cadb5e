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
    lo, hi = summ["lower"], summ["upper"]
    assert summ.attrs == {"prob": 0.94, "kind": "eti"}
    sigma_obs = fit.tree["posterior"]["sigma_obs"].values.ravel()  # arviz rounds the table
    assert lo["sigma_obs"] == pytest.approx(np.quantile(sigma_obs, 0.03), rel=0.01)
    assert hi["sigma_obs"] == pytest.approx(np.quantile(sigma_obs, 0.97), rel=0.01)
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
    assert az.summary(tree, var_names=fit.noise_vars).index.tolist() == \
        fit.summary().index.tolist() == ["sigma_state[f1]", "sigma_state[f2]", "sigma_obs",
                                         "garch_persistence", "garch_alpha", "garch_gamma"]
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


def _band_edges(collection):
    """``(x, lower, upper)`` of a ``fill_between`` polygon: per x, its lowest and highest y."""
    v = collection.get_paths()[0].vertices
    xs = np.unique(v[:, 0])
    return (xs, np.array([v[v[:, 0] == x, 1].min() for x in xs]),
            np.array([v[v[:, 0] == x, 1].max() for x in xs]))


def _assert_band(collection, band, factor, x):
    xs, lo, hi = _band_edges(collection)
    np.testing.assert_allclose(xs, x)
    np.testing.assert_allclose(lo, band["lower"].sel(factor=factor).values, rtol=1e-12)
    np.testing.assert_allclose(hi, band["upper"].sel(factor=factor).values, rtol=1e-12)


def test_bands_tables_and_plots(sim_fit):
    _, _, fit = sim_fit
    eti, hdi = fit.bands(0.9), fit.bands(0.9, kind="hdi", source="filtered")
    assert eti.sizes == {"time": 500, "factor": 2}
    assert (eti["lower"] <= eti["median"]).all() and (eti["median"] <= eti["upper"]).all()
    assert (hdi["upper"] - hdi["lower"] > 0).all()
    narrow = fit.bands(0.5)
    assert ((narrow["upper"] - narrow["lower"]) < (eti["upper"] - eti["lower"])).all()
    assert list(fit.variance_decomposition().index) == ["f1", "f2"]
    for bad in (1.5, 0, "x", True):
        with pytest.raises(bb.ArgumentError, match="prob must be a number strictly between"):
            fit.bands(bad)


def test_exposure_figures_draw_the_bands_and_the_ols_line(sim_fit):
    """The fan chart: one panel per factor named after it, the nested bands widest first with
    vertices at fit.bands(p) over the dates, the median line, and the full-sample OLS beta
    (an independent least-squares fit) dashed; the filtered-vs-smoothed figure likewise."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    df, _, fit = sim_fit
    x = mdates.date2num(fit.design.time)
    ols = np.linalg.lstsq(df[["f1", "f2"]].to_numpy(), df["fund"].to_numpy(), rcond=None)[0]
    probs = (0.5, 0.8, 0.95)
    fig = fit.plot_exposures(probs=probs)
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "fund: smoothed exposures"
    for k, (ax, factor) in enumerate(zip(fig.axes, ["f1", "f2"], strict=True)):
        assert ax.get_ylabel() == f"beta: {factor}"
        assert len(ax.collections) == len(probs)
        for collection, prob in zip(ax.collections, sorted(probs, reverse=True), strict=True):
            _assert_band(collection, fit.bands(prob), factor, x)
        median, reference = ax.lines[0], ax.lines[1]
        np.testing.assert_allclose(median.get_ydata(),
                                   fit.bands(0.5)["median"].sel(factor=factor).values)
        np.testing.assert_allclose(reference.get_ydata(), [ols[k], ols[k]], rtol=1e-8)
        assert reference.get_linestyle() == "--"
    fig = fit.plot_filtered_vs_smoothed(0.8)
    assert len(fig.axes) == 2
    for ax, factor in zip(fig.axes, ["f1", "f2"], strict=True):
        assert ax.get_ylabel() == f"beta: {factor}"
        for i, source in enumerate(("filtered", "smoothed")):
            band = fit.bands(0.8, source=source)
            _assert_band(ax.collections[i], band, factor, x)
            np.testing.assert_allclose(ax.lines[i].get_ydata(),
                                       band["median"].sel(factor=factor).values)
    # the filtered band is the wider one on average (less data behind each date)
    width = lambda c: np.mean(_band_edges(c)[2] - _band_edges(c)[1])  # noqa: E731
    assert all(width(ax.collections[0]) > width(ax.collections[1]) for ax in fig.axes)
    plt.close("all")


def test_noise_figure_draws_posterior_and_prior_histograms(sim_fit):
    """One panel per scalar noise parameter, titled by it; the bars are the density histogram
    (40 bins) of the posterior draws over that (60 bins) of the prior draws."""
    import matplotlib.pyplot as plt

    _, _, fit = sim_fit
    fig = fit.plot_noise(prior_draws=300, seed=4)
    post = fit.tree["posterior"]
    prior = fit.prior_draws(300, seed=4)
    panels = [(name, k) for name in fit.noise_vars
              for k in (range(post.sizes["factor"]) if "factor" in post[name].dims else [None])]
    assert len(fig.axes) == len(panels) == len(fit.summary())
    for ax, (name, k) in zip(fig.axes, panels, strict=True):
        draws = post[name].values.reshape(-1, *post[name].shape[2:])
        pri = prior[name]
        if k is not None:
            draws, pri = draws[:, k], pri[:, k]
        title = name if k is None else f"{name} {fit.design.factors[k]}"
        assert ax.get_title() == title
        heights = np.array([p.get_height() for p in ax.patches])
        assert len(heights) == 60 + 40
        hi = max(draws.max(), min(pri.max(), draws.max() * 20))
        want_prior, _ = np.histogram(pri[pri <= hi], bins=60, density=True)
        want_post, _ = np.histogram(draws, bins=40, density=True)
        np.testing.assert_allclose(heights[:60], want_prior, rtol=1e-10)
        np.testing.assert_allclose(heights[60:], want_post, rtol=1e-10)
    plt.close("all")


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
    lo, hi = summ["lower"], summ["upper"]
    truth = {"sigma_state[f1]": TRUE_SD[0], "sigma_state[f2]": TRUE_SD[1], "sigma_obs": TRUE_OBS}
    inside = [lo[k] <= v <= hi[k] for k, v in truth.items()]
    assert sum(inside) >= 2, summ
    bands = fit.bands(0.9)
    coverage = ((bands["lower"].values <= beta) & (beta <= bands["upper"].values)).mean()
    print(f"seed {seed}: 90% band coverage {coverage:.3f}; intervals hold truth: {inside}")
    assert 0.80 <= coverage <= 0.97
