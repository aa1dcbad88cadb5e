"""Tests of bayes_beta.frames: validation messages and weekly aggregation against hand numbers."""

from __future__ import annotations

import copy
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from bayes_beta.data.frames import aggregate_weekly, validate_frame
from bayes_beta.errors import ColumnError, DataError


def _frame(n: int = 6) -> pd.DataFrame:
    idx = pd.bdate_range("2024-01-01", periods=n, name="Date")
    rng = np.random.default_rng(0)
    return pd.DataFrame({"Util": rng.normal(0, 0.01, n), "Mkt-RF": rng.normal(0, 0.01, n)}, idx)


# --- validate_frame --------------------------------------------------------------------------


def test_valid_frame_passes_and_is_not_mutated():
    df = _frame()
    before = df.copy(deep=True)
    assert validate_frame(df, columns=["Util"], min_rows=6) is None
    pd.testing.assert_frame_equal(df, before)


def test_series_is_rejected_with_to_frame_hint():
    with pytest.raises(DataError, match=r"DataFrame, got Series.*to_frame\(\)"):
        validate_frame(_frame()["Util"])


def test_index_must_be_datetime():
    df = _frame().reset_index()
    msg = r"DatetimeIndex, got RangeIndex.*set_index\(pd\.to_datetime"
    with pytest.raises(DataError, match=msg):
        validate_frame(df)


def test_nat_in_index_names_row():
    df = _frame()
    df.index = pd.DatetimeIndex([*df.index[:2], pd.NaT, *df.index[3:]], name="Date")
    with pytest.raises(DataError, match=r"NaT.*row 2"):
        validate_frame(df)


def test_duplicate_dates_name_first_duplicate():
    df = _frame()
    df.index = pd.DatetimeIndex([*df.index[:3], df.index[2], *df.index[4:]], name="Date")
    with pytest.raises(DataError, match=r"duplicate dates, first 2024-01-03.*index\.duplicated"):
        validate_frame(df)


def test_unsorted_dates_name_row_and_suggest_sort_index():
    df = _frame().iloc[[0, 2, 1, 3, 4, 5]]
    with pytest.raises(DataError, match=r"row 2 \(2024-01-02\).*after 2024-01-03.*sort_index\(\)"):
        validate_frame(df, name="returns")


def test_unknown_column_lists_close_matches_and_available():
    msg = r"no column 'Utl'\. Close matches for 'Utl': 'Util'"
    with pytest.raises(ColumnError, match=msg) as e:
        validate_frame(_frame(), columns=["Utl", "Mkt-RF"])
    assert "Available columns: Util, Mkt-RF" in str(e.value)
    assert isinstance(e.value, KeyError)


def test_several_unknown_columns_are_all_named():
    with pytest.raises(ColumnError, match=r"no column 'Utl', 'zzz'"):
        validate_frame(_frame(), columns=["Utl", "zzz"])


def test_single_string_column_is_one_column():
    validate_frame(_frame(), columns="Util")


def test_non_numeric_column_names_dtype_and_fix():
    df = _frame().assign(Util=["1", "2", "x", "4", "5", "6"])
    with pytest.raises(DataError, match=r"column 'Util' is not numeric \(dtype .*pd\.to_numeric"):
        validate_frame(df)
    validate_frame(df, columns=["Mkt-RF"])  # unchecked columns may be anything


def test_inf_names_column_and_first_date():
    df = _frame()
    df.loc[df.index[3], "Mkt-RF"] = np.inf
    with pytest.raises(DataError, match=r"column 'Mkt-RF' contains inf, first on 2024-01-04"):
        validate_frame(df)


def test_all_nan_column_rejected_unless_allowed():
    df = _frame().assign(Util=np.nan)
    with pytest.raises(DataError, match=r"column 'Util' is entirely NaN"):
        validate_frame(df)
    validate_frame(df, allow_all_nan=True)


def test_too_few_rows_says_needed_and_got():
    with pytest.raises(DataError, match=r"too few rows: at least 10 needed, got 6"):
        validate_frame(_frame(), min_rows=10)


def test_duplicate_column_names_rejected():
    df = pd.concat([_frame(), _frame()[["Util"]]], axis=1)
    with pytest.raises(DataError, match=r"duplicate column name 'Util'"):
        validate_frame(df)


# --- aggregate_weekly ------------------------------------------------------------------------


@pytest.fixture
def daily() -> pd.DataFrame:
    """Three weeks with rows: a full week with a NaN day, a week whose Friday is a holiday,
    an empty week (2024-01-15..19, dropped), and a one-day week."""
    dates = pd.to_datetime(
        [
            *["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"],  # Mon..Fri
            *["2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11"],  # Mon..Thu, Fri holiday
            "2024-01-23",  # Tue, after a week without rows
        ]
    )
    return pd.DataFrame(
        {
            "r": [0.01, -0.02, np.nan, 0.03, 0.005, 0.02, 0.01, -0.01, 0.0, 0.04],
            "s": [np.nan] * 5 + [0.01, 0.02, np.nan, np.nan, -0.01],
            "y": [2.0, 2.1, 2.2, 2.15, np.nan, 2.3, 2.25, 2.4, 2.35, 2.5],
        },
        index=pd.DatetimeIndex(dates, name="Date"),
    )


def test_weekly_matches_hand_computation(daily):
    before = copy.deepcopy(daily)
    out = aggregate_weekly(daily, levels=["y"], changes={"d_y": "y"})
    pd.testing.assert_frame_equal(daily, before)  # input untouched

    expected_index = pd.DatetimeIndex(["2024-01-05", "2024-01-12", "2024-01-26"], name="Date")
    pd.testing.assert_index_equal(out.index, expected_index, check_exact=True)
    assert list(out.columns) == ["r", "s", "y", "d_y"]
    r1 = 1.01 * 0.98 * 1.03 * 1.005 - 1  # NaN day skipped
    r2 = 1.02 * 1.01 * 0.99 * 1.00 - 1  # ends Thursday, labelled Friday 2024-01-12
    s2 = 1.01 * 1.02 - 1
    np.testing.assert_allclose(out["r"], [r1, r2, 0.04], rtol=1e-14)
    np.testing.assert_allclose(out["s"], [np.nan, s2, -0.01], rtol=1e-14)  # no valid day: NaN
    np.testing.assert_allclose(out["y"], [2.15, 2.35, 2.5])  # last non-NaN level
    np.testing.assert_allclose(out["d_y"], [np.nan, 2.35 - 2.15, 2.5 - 2.35], rtol=1e-12)


def test_weekly_index_is_fridays(daily):
    out = aggregate_weekly(daily)
    assert (out.index.day_of_week == 4).all()
    assert list(out.columns) == ["r", "s", "y"]  # default: every column is a return


def test_explicit_returns_drop_unmentioned_columns(daily):
    out = aggregate_weekly(daily, returns="r", changes={"d10y": "y"})
    assert list(out.columns) == ["r", "d10y"]


def test_column_cannot_be_return_and_level(daily):
    with pytest.raises(DataError, match=r"'y' is listed both as a return and as a level"):
        aggregate_weekly(daily, returns=["r", "y"], levels=["y"])


def test_change_name_must_be_new(daily):
    with pytest.raises(DataError, match=r"change column name 'r' is already an output column"):
        aggregate_weekly(daily, changes={"r": "y"})


def test_changes_must_be_a_mapping(daily):
    with pytest.raises(DataError, match=r"changes=\{'d10y': '10year'\}"):
        aggregate_weekly(daily, changes=["y"])


def test_unknown_level_column_is_column_error(daily):
    with pytest.raises(ColumnError, match=r"no column 'yy'\. Close matches for 'yy': 'y'"):
        aggregate_weekly(daily, changes={"d": "yy"})


def test_aggregate_validates_input(daily):
    with pytest.raises(DataError, match=r"sort_index"):
        aggregate_weekly(daily.iloc[::-1])


def test_data_layer_imports_no_pymc_or_matplotlib():
    code = (
        "import sys, bayes_beta.data.frames, bayes_beta.data.datasets; "
        "print(sorted(m for m in ('pymc', 'matplotlib', 'pytensor') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
