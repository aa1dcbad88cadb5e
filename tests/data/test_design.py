"""The design: labels and indexes pandas allows work or are refused up front; the regression
design is checked as a whole (intercept included); the initial state rules."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta import DataError, SpecError
from bayes_beta.data import make_design


def _frame(columns=("y", "a", "b"), n=60, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(n, len(columns))) * 0.01, index=idx,
                        columns=list(columns))


@pytest.mark.parametrize("labels", [(0, 1, 2), ("fund/A", "mkt rf", "é"), (("f", 1), 2.5, True),
                                    ("", "a", "b")])
def test_any_distinct_labels_become_names(labels):
    df = _frame(labels)
    d = make_design(df, labels[0], list(labels[1:]))
    assert d.factors == tuple(str(x) for x in labels[1:]) and d.target == str(labels[0])
    np.testing.assert_array_equal(d.H, df[list(labels[1:])].to_numpy())


def test_labels_that_read_the_same_or_are_nan_are_refused():
    df = _frame((1, "1", "b"))
    with pytest.raises(DataError, match="all read '1'"):
        make_design(df, 1, ["1", "b"])
    with pytest.raises(DataError, match="labelled NaN"):
        make_design(_frame(("y", np.nan, "b")), "y", [np.nan, "b"])


def test_timezone_and_multiindex_columns_are_refused_with_the_fix():
    df = _frame()
    with pytest.raises(DataError, match="tz_localize"):
        make_design(df.tz_localize("US/Eastern"), "y", ["a"])
    multi = df.copy()
    multi.columns = pd.MultiIndex.from_tuples([("r", "y"), ("f", "a"), ("f", "b")])
    with pytest.raises(DataError, match="flatten"):
        make_design(multi, ("r", "y"), [("f", "a")])


def test_other_index_units_are_stored_in_nanoseconds():
    df = _frame()
    df.index = df.index.as_unit("s")
    assert make_design(df, "y", ["a"]).time.dtype == "datetime64[ns]"


def test_a_given_start_uses_no_data():
    df = _frame()
    b0, P0 = np.array([0.5, -1.0]), np.array([[0.2, 0.05], [0.05, 0.1]])
    d = make_design(df, "y", ["a", "b"], initial=(b0, P0))
    assert d.initial == "given"
    np.testing.assert_array_equal(d.b0, b0)
    np.testing.assert_array_equal(d.P0, P0)
    later = df.copy()
    later.iloc[:30, 0] += 1.0
    np.testing.assert_array_equal(make_design(later, "y", ["a", "b"], initial=(b0, P0)).b0, b0)
    with pytest.raises(SpecError, match=r"shape \(2,\)"):
        make_design(df, "y", ["a", "b"], initial=(b0[:1], P0))
    with pytest.raises(SpecError, match="symmetric"):
        make_design(df, "y", ["a", "b"], initial=(b0, [[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(SpecError, match="initial must be one of"):
        make_design(df, "y", ["a", "b"], initial="first")


def test_ols_start_is_the_window_regression():
    df = _frame()
    d = make_design(df, "y", ["a", "b"], init_window=30)
    X, y = df[["a", "b"]].to_numpy()[:30], df["y"].to_numpy()[:30]
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    np.testing.assert_allclose(d.b0, b, rtol=1e-10)
    s2 = np.sum((y - X @ b) ** 2) / 28
    np.testing.assert_allclose(d.P0, 10 * s2 * np.linalg.inv(X.T @ X), rtol=1e-8)
    assert bb.make_design is make_design
