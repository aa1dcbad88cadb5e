"""FitSet: one Dataset with a ``fund`` dim, equal to the funds' own fits; save/load exact."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

import bayes_beta as bb
from bayes_beta.bayesian.fitset import PROBS
from bayes_beta.errors import ArgumentError
from tests.bayesian.test_many import SMALL, _universe


@pytest.fixture(scope="module")
def fs(tmp_path_factory):
    """3 funds fitted by workers in this process (threads), so the test compiles once."""
    from distributed import Client, LocalCluster

    returns, factors = _universe(funds=3, seed=4)
    returns.iloc[:30, 2] = np.nan
    store = tmp_path_factory.mktemp("fitset") / "store"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        return bb.fit_many(returns, factors, store=store, client=client, seed=9,
                           progress=False, **SMALL)


def test_rows_equal_each_funds_fit(fs):
    fit = fs["fund2"]
    row = fs.data.sel(fund="fund2").dropna("time", how="all", subset=["mean"])
    np.testing.assert_allclose(row["mean"].values, fit.tree["exposures"]["smoothed_mean"].values)
    for p in (0.9, 0.5):
        bands = fit.bands(p)
        np.testing.assert_allclose(row["lower"].sel(prob=p).values, bands["lower"].values,
                                   rtol=1e-10)
        np.testing.assert_allclose(row["upper"].sel(prob=p).values, bands["upper"].values,
                                   rtol=1e-10)
    last = fit.bands(0.9).isel(time=-1)
    np.testing.assert_allclose(row["latest_lower"].values, last["lower"].values, rtol=1e-10)
    drift = fit.tree["posterior"]["sigma_state"] * np.sqrt(fit.design.steps_per_year)
    np.testing.assert_allclose(row["drift"].values, drift.mean(("chain", "draw")).values)
    evidence = fit.drift_evidence()
    np.testing.assert_allclose(row["drift_p_negligible"].values, evidence["p_negligible"],
                               rtol=1e-12)
    table = fs.table().xs("fund2", level="fund")
    assert table["drift_verdict"].tolist() == evidence["verdict"].tolist()
    assert int(row["n_obs"]) == len(fit.design.y) == 130
    assert row["parameter"].values.tolist() == ["sigma_state[f1]", "sigma_state[f2]",
                                                 "sigma_obs"]


def test_bands_at_any_probability_have_fund_time_factor(fs):
    stored = fs.bands(0.9)
    assert stored["lower"].dims == ("fund", "time", "factor")
    other = fs.bands(0.7)  # not stored: read from each fund's paths
    fit = fs["fund0"]
    np.testing.assert_allclose(other["lower"].sel(fund="fund0").values,
                               fit.bands(0.7)["lower"].values)
    assert other["lower"].sel(fund="fund2").isel(time=0).isnull().all()  # before inception
    assert (other["upper"] - other["lower"]).mean() < (stored["upper"] - stored["lower"]).mean()
    assert 0.7 not in PROBS


def test_rankings_and_change(fs):
    ranked = fs.rank("drift", "f1")
    assert ranked["drift"].is_monotonic_decreasing and len(ranked) == 3
    change = fs.change("f1", start="2005-06-01", end="2007-06-01")
    fit = fs["fund1"]
    path = fit.tree["exposures"]["path"].sel(factor="f1")
    d = (path.sel(time="2007-06-01", method="nearest")
         - path.sel(time="2005-06-01", method="nearest")).values.ravel()
    row = change.loc["fund1"]
    assert row["change"] == pytest.approx(d.mean())
    assert row["lower"] == pytest.approx(np.quantile(d, 0.05))
    assert row["p_increase"] == pytest.approx((d > 0).mean())
    by_change = fs.rank("change", "f1", start="2005-06-01", end="2007-06-01")
    assert by_change["change"].is_monotonic_decreasing
    with pytest.raises(ArgumentError, match="needs a factor"):
        fs.rank("change")
    with pytest.raises(ArgumentError, match="factor"):
        fs.rank("drift", "nope")
    with pytest.raises(ArgumentError, match="No fund"):
        fs["nope"]


def test_save_load_round_trip_is_exact(fs, tmp_path):
    fs.save(tmp_path / "fs.nc")
    back = bb.load_fitset(tmp_path / "fs.nc")
    assert back == fs
    xr.testing.assert_identical(back.data, fs.data)
    assert back["fund0"] == fs["fund0"]
    assert bb.open_store(fs.store.root) == fs


def test_figures_draw_every_fund(fs):
    fig = fs.plot_heatmap()
    assert len([a for a in fig.axes if a.get_title()]) == 2
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == fs.done
    fans = fs.plot_fans("f1")
    assert sum(ax.get_visible() for ax in fans.axes) == 3
    plt.close("all")


def test_table_has_a_row_per_fund_and_factor(fs):
    table = fs.table()
    assert len(table) == 6 and {"latest_mean", "drift", "r_hat_max"} <= set(table.columns)
