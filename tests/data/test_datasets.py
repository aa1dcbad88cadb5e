"""Tests of bayes_beta.datasets: shipped files, units, copies, weekly aggregation, the example."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bayes_beta.data.datasets as ds
from bayes_beta.data.datasets.loaders import LOADERS
from bayes_beta.data.frames import weekly_excess
from bayes_beta.errors import DataError

NAMES = ["factors", "industries", "size_value", "treasury_yields", "example"]
SHIPPED = [
    "LICENSE-Apache-2.0.txt",
    "NOTICE.md",
    "us_equity_factors_daily.csv.gz",
    "us_industries_47_daily.csv.gz",
    "us_size_value_25_daily.csv.gz",
    "us_treasury_yields_daily.csv.gz",
]


def _ols(df: pd.DataFrame) -> np.ndarray:
    X = np.column_stack([np.ones(len(df)), df["Mkt-RF"], df["d10y"]])
    return np.linalg.lstsq(X, df["Util"].to_numpy(), rcond=None)[0]


def test_data_files_and_licences_ship_inside_the_package():
    data = resources.files("bayes_beta.data.datasets").joinpath("data")
    names = sorted(p.name for p in data.iterdir() if not p.name.startswith("."))
    assert names == SHIPPED
    package_dir = Path(ds.__file__).parent
    assert Path(str(data)).resolve() == (package_dir / "data").resolve()


def test_names_and_dispatch():
    assert ds.list_datasets() == NAMES
    assert set(ds.DATASETS) == set(LOADERS) == set(NAMES)
    pd.testing.assert_frame_equal(
        ds.load_dataset("factors", start="2000", end="2000-01"), ds.load_factors("2000", "2000-01")
    )


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(DataError, match=r"unknown dataset 'industry'\. Did you mean 'industries'"):
        ds.load_dataset("industry")
    with pytest.raises(DataError, match=r"Valid names: 'factors', 'industries', 'size_value'"):
        ds.load_dataset("bonds")


@pytest.mark.parametrize(
    ("name", "shape", "first", "last"),
    [
        ("factors", (14850, 5), "1960-01-04", "2018-12-31"),
        ("industries", (14850, 47), "1960-01-04", "2018-12-31"),
        ("size_value", (13091, 25), "1964-01-02", "2015-12-31"),
        ("treasury_yields", (6816, 11), "1990-01-02", "2017-03-29"),
    ],
)
def test_daily_loaders_shape_index_dtypes(name, shape, first, last):
    df = ds.load_dataset(name)
    assert df.shape == shape
    assert isinstance(df.index, pd.DatetimeIndex)
    assert df.index.name == "Date"
    assert df.index.is_monotonic_increasing and df.index.is_unique
    assert df.index[0] == pd.Timestamp(first) and df.index[-1] == pd.Timestamp(last)
    assert (df.dtypes == "float64").all()


def test_factors_are_decimals():
    f = ds.load_factors()
    assert list(f.columns) == ["Mkt-RF", "SMB", "HML", "MOM", "RF"]
    assert abs(f["Mkt-RF"].mean()) < 0.01
    assert f["Mkt-RF"].abs().max() < 0.2  # 1987-10-19 was about -17%
    assert f.loc["1960-01-04", "Mkt-RF"] == pytest.approx(-0.0003)  # file: -0.03 (percent)
    assert f.notna().all().all()


def test_industries_keep_nan_and_size_value_are_decimals():
    ind = ds.load_industries()
    assert int(ind.isna().sum().sum()) == 3516
    assert "Util" in ind.columns and ind["Util"].abs().max() < 0.5
    sv = ds.load_size_value()
    assert sv.columns[0] == "SMALL.LoBM" and sv.columns[-1] == "BIG.HiBM"
    assert abs(sv.mean().mean()) < 0.01


def test_treasury_yields_are_percent():
    y = ds.load_treasury_yields()
    assert y["10year"].notna().all()
    assert 1.0 < y["10year"].min() and y["10year"].max() < 10.0
    assert y.loc["2017-03-29", "10year"] == pytest.approx(2.39)


def test_results_are_fresh_copies():
    a = ds.load_factors()
    b = ds.load_factors()
    assert not np.shares_memory(a.to_numpy(), b.to_numpy())
    a.loc[a.index[0], "Mkt-RF"] = 99.0
    a["extra"] = 1.0
    c = ds.load_factors()
    assert c.loc[c.index[0], "Mkt-RF"] == pytest.approx(-0.0003)
    assert "extra" not in c.columns
    e = ds.load_example()
    e.iloc[:, :] = np.nan
    assert ds.load_example().notna().all().all()


def test_start_end_slicing_is_inclusive_with_partial_dates():
    f = ds.load_factors(start="2000", end="2000-12")
    assert f.index[0] == pd.Timestamp("2000-01-03") and f.index[-1] == pd.Timestamp("2000-12-29")


def test_bad_arguments_raise_data_error():
    with pytest.raises(DataError, match=r"start='yesterday-ish' is not a date"):
        ds.load_factors(start="yesterday-ish")
    with pytest.raises(DataError, match=r"no rows from start='2030'.*covers 1960-01-04 \.\. 2018"):
        ds.load_factors(start="2030")
    with pytest.raises(DataError, match=r"frequency='monthly' is not supported.*'daily', 'weekly'"):
        ds.load_industries(frequency="monthly")


def test_weekly_factors_excess_return_by_hand():
    daily = ds.load_factors(start="1990-01-08", end="1990-01-12")  # Mon..Fri
    weekly = ds.load_factors(start="1990-01-08", end="1990-01-12", frequency="weekly")
    assert list(weekly.index) == [pd.Timestamp("1990-01-12")]
    mkt = np.prod(1 + daily["Mkt-RF"] + daily["RF"]) - np.prod(1 + daily["RF"])
    assert weekly["Mkt-RF"].iloc[0] == pytest.approx(mkt, rel=1e-12)
    assert weekly["SMB"].iloc[0] == pytest.approx(np.prod(1 + daily["SMB"]) - 1, rel=1e-12)


def test_weekly_loaders_end_on_fridays():
    for name in ["factors", "industries", "size_value", "treasury_yields"]:
        w = ds.load_dataset(name, start="2010", end="2010-06", frequency="weekly")
        assert (w.index.day_of_week == 4).all()
        assert w.index.name == "Date" and len(w) == 26
    y = ds.load_treasury_yields(start="2010-01-04", end="2010-01-08")
    wy = ds.load_treasury_yields(start="2010-01-04", end="2010-01-08", frequency="weekly")
    pd.testing.assert_series_equal(wy.iloc[0], y.iloc[-1].rename(wy.index[0]))


def test_weekly_excess_uses_rf_on_the_same_days():
    idx = pd.DatetimeIndex(pd.bdate_range("2024-01-08", periods=5), name="Date")
    daily = pd.DataFrame(
        {"x": [0.01, np.nan, 0.02, -0.01, 0.0], "RF": [0.001] * 5},
        index=idx,
    )
    out = weekly_excess(daily, excess=["x"], rf="RF")
    expected = 1.011 * 1.021 * 0.991 * 1.001 - 1.001**4
    assert list(out.columns) == ["x", "RF"]
    assert out["x"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert out["RF"].iloc[0] == pytest.approx(1.001**5 - 1, rel=1e-12)


def test_load_example_weekly():
    e = ds.load_example()
    assert list(e.columns) == ["Util", "Mkt-RF", "d10y"]
    assert e.shape == (1421, 3)
    assert e.notna().all().all()
    assert e.index[0] == pd.Timestamp("1990-01-12")  # first week (no d10y) dropped
    assert e.index[-1] == pd.Timestamp("2017-03-31")  # week of the last yield, 2017-03-29
    assert (e.index.day_of_week == 4).all()
    assert e["d10y"].abs().max() < 1.0  # percentage points
    _, beta_mkt, beta_rate = _ols(e)
    assert 0.5 < beta_mkt < 0.7
    assert -0.03 < beta_rate < -0.01


def test_load_example_daily_matches_notice():
    e = ds.load_example(frequency="daily", start="1990", end="2017-03-29")
    assert e.notna().all().all()
    _, beta_mkt, beta_rate = _ols(e)
    assert beta_mkt == pytest.approx(0.6, abs=0.05)
    assert beta_rate == pytest.approx(-0.013, abs=0.003)  # NOTICE.md: about -1.3% per point


def test_load_example_subrange():
    e = ds.load_example(start="2000-01-01", end="2000-12-31")
    assert e.index[0] == pd.Timestamp("2000-01-14") and e.index[-1] == pd.Timestamp("2000-12-29")
    assert e.notna().all().all()
