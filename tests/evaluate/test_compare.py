"""compare_priors on a short real series: the table, summaries, checks, plots and report."""

import warnings

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.data import make_design
from bayes_beta.evaluate import Comparison, compare_priors
from bayes_beta.report import comparison_report
from bayes_beta.specs import load_spec

TINY_SPEC = """
name = "tiny"
data = "example"
start = "2013-01-01"
end = "2015-12-31"
target = "Util"
factors = ["Mkt-RF", "d10y"]
[sampling]
draws = 150
tune = 150
chains = 2
seed = 1
[compare]
min_train = 130
[priors.default]
base = "default"
[priors.tight]
base = "tight"
[priors.correlated]
base = "correlated"
"""
VARIANTS = ["default", "tight", "correlated"]


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "tiny.toml"
    path.write_text(TINY_SPEC)
    return load_spec(path)


@pytest.fixture(scope="module")
def cmp(spec):
    messages = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        out = compare_priors(spec, progress=messages.append)
    assert any("LFO-CV (approx)" in m for m in messages)
    return out


def test_table_has_lfo_loo_weights_and_widths(cmp):
    t = cmp.table
    assert isinstance(cmp, Comparison) and sorted(t.index) == sorted(VARIANTS)
    for col in ("elpd_lfo", "se_lfo", "elpd_diff", "se_diff", "weight", "n_refits",
                "max_pareto_k", "elpd_loo (heuristic)", "se_loo (heuristic)",
                "width[Mkt-RF]", "width[d10y]"):
        assert col in t.columns, col
    assert t["elpd_diff"].max() == 0.0 and (t["elpd_diff"] <= 0).all()
    assert t["elpd_lfo"].is_monotonic_decreasing
    best = t.index[0]
    assert t.loc[best, "se_diff"] == 0 and (t["se_diff"].drop(best) > 0).all()
    assert t["weight"].sum() == pytest.approx(1.0) and (t["weight"] >= 0).all()
    assert (t["se_lfo"] > 0).all() and np.isfinite(t["elpd_loo (heuristic)"]).all()
    assert cmp.settings["min_train"] == 130
    for v in VARIANTS:  # each column is its own computation, read from the variant's fit
        b = cmp.fits[v].bands(0.9)
        for f in ("Mkt-RF", "d10y"):
            want = float((b["upper"] - b["lower"]).sel(factor=f).mean())
            assert t.loc[v, f"width[{f}]"] == pytest.approx(want, rel=1e-12)
        assert t.loc[v, "elpd_lfo"] == pytest.approx(float(cmp.lfo[v].elpd), rel=1e-12)
    n_obs = cmp.fits["default"].tree["log_likelihood"].sizes["time"]
    assert all(r.n_data_points == n_obs - 130 for r in cmp.lfo.values())


def test_noise_summaries_with_prior_intervals(cmp):
    noise = cmp.noise
    params = {"sigma_state[Mkt-RF]", "sigma_state[d10y]", "sigma_obs"}
    for v in VARIANTS:
        rows = noise.xs(v, level="variant")
        assert params <= set(rows.index), rows.index
        sub = rows.loc[sorted(params)]
        assert (sub["lower"] < sub["mean"]).all() and (sub["mean"] < sub["upper"]).all()
        assert (sub["prior_lower"] < sub["prior_median"]).all()
    assert (noise["sd"] > 0).all()  # the constant diagonal of the LKJ correlations is dropped
    corr = noise.loc[("correlated", "corr[d10y, Mkt-RF]")]  # one correlation for K = 2
    assert -1 < corr["lower"] < corr["upper"] < 1 and -1 < corr["prior_lower"] < 0
    assert not noise.index.get_level_values("parameter").str.startswith("chol").any()
    assert ("correlated", "corr[d10y, Mkt-RF]") in cmp.sensitivity.index
    tight = noise.loc[("tight", "sigma_state[Mkt-RF]"), "prior_median"]
    default = noise.loc[("default", "sigma_state[Mkt-RF]"), "prior_median"]
    assert tight / default == pytest.approx(0.1, rel=1e-9)  # same draws, a tenth of the scale


def test_band_widths_and_sensitivity(cmp):
    w = cmp.band_width
    assert list(w.columns) == ["Mkt-RF", "d10y"] and (w > 0).all().all()
    assert w.loc["tight", "Mkt-RF"] < w.loc["default", "Mkt-RF"]
    s = cmp.sensitivity
    assert {"prior", "likelihood", "diagnosis"} <= set(s.columns)
    assert set(s.index.get_level_values("variant")) == set(VARIANTS)


def test_prior_predictive_checks(cmp):
    pc = cmp.prior_checks
    assert set(pc["variant"]) == set(VARIANTS)
    assert set(pc["quantity"]) == {"drift per year", "obs noise sd", "return sd"}
    assert len(pc) == 4 * len(VARIANTS)
    assert (pc["prior_q05"] <= pc["prior_q50"]).all() and (pc["prior_q50"] <= pc["prior_q95"]).all()
    design = cmp.fits["default"].design
    d = pc[(pc["variant"] == "default") & (pc["quantity"] == "drift per year")]
    # HalfNormal(0.25 unit) per year: median 0.6745 * 0.25 * sd(y)/sd(H_k)
    expected = 0.6745 * 0.25 * design.state_unit * np.sqrt(design.steps_per_year)
    np.testing.assert_allclose(d["prior_q50"], expected, rtol=0.12)
    ret = pc[pc["quantity"] == "return sd"]["data"]
    assert np.allclose(ret, np.std(design.y))
    assert pc[pc["quantity"] == "obs noise sd"]["posterior_q50"].notna().all()


def _band_edges(collection):
    """``(x, lower, upper)`` of a ``fill_between`` polygon: per x, its lowest and highest y."""
    v = collection.get_paths()[0].vertices
    xs = np.unique(v[:, 0])
    return (xs, np.array([v[v[:, 0] == x, 1].min() for x in xs]),
            np.array([v[v[:, 0] == x, 1].max() for x in xs]))


def _elpd_bars(ax):
    """``(x of the dots, half-width of the +/- 1 SE bars, of the +/- 2 SE bars)``."""
    two, one = ax.containers
    dots = one.lines[0].get_xdata()
    half = lambda c: np.array([abs(s[1][0] - s[0][0]) / 2 for s in c.lines[2][0].get_segments()])  # noqa: E731
    return np.asarray(dots, dtype=float), half(one), half(two)


def test_bands_figure_draws_each_variants_bands_and_the_ols_line(cmp):
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    fig = cmp.figures()["bands"]
    prob = cmp.settings["prob"]
    design = cmp.fits["default"].design
    x = mdates.date2num(design.time)
    ols = np.linalg.lstsq(design.H, design.y, rcond=None)[0]  # the full-sample OLS beta
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == f"Util: {prob:.0%} bands"
    for k, (ax, factor) in enumerate(zip(fig.axes, ["Mkt-RF", "d10y"], strict=True)):
        assert ax.get_ylabel() == f"beta: {factor}"
        assert len(ax.collections) == len(VARIANTS)
        for i, variant in enumerate(cmp.bands):
            band = cmp.fits[variant].bands(prob).sel(factor=factor)
            xs, lo, hi = _band_edges(ax.collections[i])
            np.testing.assert_allclose(xs, x)
            np.testing.assert_allclose(lo, band["lower"].values, rtol=1e-12)
            np.testing.assert_allclose(hi, band["upper"].values, rtol=1e-12)
            assert ax.lines[i].get_label() == variant
            np.testing.assert_allclose(ax.lines[i].get_ydata(), band["median"].values)
        reference = ax.lines[len(VARIANTS)]
        np.testing.assert_allclose(reference.get_ydata(), [ols[k], ols[k]], rtol=1e-8)
    plt.close("all")


def test_noise_and_elpd_figures_draw_the_tables(cmp):
    """The forest: one panel per parameter, per variant a thick line from the posterior lower
    to upper bound, a dot at the mean and a grey prior interval; the elpd figure: a dot per
    variant at its LFO elpd difference with +/- 1 and 2 SE bars, in the table's order."""
    import matplotlib.pyplot as plt

    figs = cmp.figures()
    assert set(figs) == {"bands", "noise", "elpd"}
    noise = cmp.noise
    params = list(dict.fromkeys(noise.index.get_level_values("parameter")))
    fig = figs["noise"]
    assert [ax.get_title(loc="left") for ax in fig.axes] == params
    for ax, param in zip(fig.axes, params, strict=True):
        rows = noise.xs(param, level="parameter")
        assert ax.get_xscale() == ("log" if param.startswith("sigma") else "linear")
        assert [t.get_text() for t in ax.get_yticklabels()] == list(rows.index)
        drawn = [line for line in ax.lines if len(line.get_xdata())]  # not the legend's keys
        thick = [line for line in drawn if line.get_linewidth() == 3]
        dots = [line for line in drawn if line.get_marker() == "o"]
        assert len(thick) == len(dots) == len(rows)
        for j, (variant, row) in enumerate(rows.iterrows()):
            np.testing.assert_allclose(thick[j].get_xdata(), [row["lower"], row["upper"]])
            np.testing.assert_allclose(thick[j].get_ydata(), [-j, -j])
            np.testing.assert_allclose(dots[j].get_xdata(), [row["mean"]])
            if np.isfinite(row["prior_lower"]):
                grey = [line for line in drawn if line.get_linewidth() == 1
                        and list(line.get_ydata()) == [-j - 0.25] * 2]
                assert len(grey) == 1, (param, variant)
                np.testing.assert_allclose(grey[0].get_xdata(),
                                           [row["prior_lower"], row["prior_upper"]])
    for variant, fit in cmp.fits.items():  # the dots are the posterior means of the draws
        draws = fit.tree["posterior"]["sigma_obs"].values
        assert noise.loc[(variant, "sigma_obs"), "mean"] == pytest.approx(draws.mean(), rel=0.01)
    ax = figs["elpd"].axes[0]
    table = cmp.table
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index)
    assert f"L = {cmp.settings['min_train']}" in ax.get_xlabel()
    dots, one, two = _elpd_bars(ax)
    np.testing.assert_allclose(dots, table["elpd_diff"].to_numpy())
    np.testing.assert_allclose(one, table["se_diff"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(two, 2 * table["se_diff"].to_numpy(), atol=1e-9)
    plt.close("all")


def test_report_is_self_contained(cmp, tmp_path):
    paths = comparison_report(cmp).write(tmp_path, "report")
    for name in ("bands", "noise", "elpd", "markdown", "html"):
        assert paths[name].exists() and paths[name].stat().st_size > 0
    html = paths["html"].read_text()
    assert html.count("data:image/png;base64,") == 3 and "<table" in html
    md = paths["markdown"].read_text()
    assert "](bands.png)" in md and "elpd_lfo" in md and "heuristic" in md
    import matplotlib.pyplot as plt

    plt.close("all")


def test_dict_of_fits_without_lfo(cmp):
    import arviz as az

    fits = {k: cmp.fits[k] for k in ("default", "tight")}
    out = compare_priors(fits, lfo="none", prior_draws=200)
    assert "elpd_lfo" not in out.table and "elpd_loo (heuristic)" in out.table
    # without LFO the figure draws the PSIS-LOO elpd (arviz, computed here) minus the best
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loo = pd.Series({k: float(az.loo(f.tree).elpd) for k, f in fits.items()})
    dots, one, _ = _elpd_bars(out.plot_elpd().axes[0])
    order = list(out.table.index)
    np.testing.assert_allclose(dots, (loo - loo.max())[order].to_numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(one, 0.0, atol=1e-12)  # no error bars for the heuristic
    other = fits["tight"]
    moved = bb.Fit(other.tree, make_design(
        pd.DataFrame({"Util": other.design.y * 2, "Mkt-RF": other.design.H[:, 0],
                      "d10y": other.design.H[:, 1]}, index=other.design.time),
        "Util", ["Mkt-RF", "d10y"]), other.variant)
    with pytest.raises(bb.DataError, match="different data"):
        compare_priors({"a": fits["default"], "b": moved}, lfo="none")
    with pytest.raises(bb.DataError, match="ModelSpec or a non-empty dict"):
        compare_priors({})
