"""Property-based checks over input frames (hypothesis): random NaN patterns, dtypes, index and
label types, sizes. Every call gives a bayes_beta error or a finite result, and the caller's
frame is never changed."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bayes_beta as bb
from bayes_beta.data import aggregate_weekly, make_design

LABELS = st.sampled_from(["y", "fund/A", 0, 1, ("a", 1), "", "é x", 2.5, None])
DTYPES = st.sampled_from(["float64", "float32", "int64", "Int64", "object", "bool", "string"])
INDEXES = st.sampled_from(["weekly", "daily", "unsorted", "duplicated", "tz", "nat", "range",
                           "period", "seconds"])


def _index(kind, n, rng):
    base = pd.date_range("2000-01-07", periods=n, freq="W-FRI" if kind != "daily" else "B")
    if kind == "unsorted" and n > 1:
        return base[rng.permutation(n)]
    if kind == "duplicated" and n > 1:
        return base[np.r_[0, np.arange(n - 1)]]
    if kind == "tz":
        return base.tz_localize("UTC")
    if kind == "nat" and n:
        return pd.DatetimeIndex([pd.NaT, *base[1:]])
    if kind == "range":
        return pd.RangeIndex(n)
    if kind == "period":
        return base.to_period("W")
    if kind == "seconds":
        return base.as_unit("s")
    return base


def _column(dtype, values):
    if dtype == "object":
        return pd.Series(values, dtype=object)
    if dtype == "string":
        return pd.Series(values).astype("string")
    if dtype in ("int64", "bool"):
        return pd.Series(np.nan_to_num(values * 100)).astype(dtype)
    if dtype == "Int64":
        return pd.Series(np.round(values * 100)).astype("Int64")
    return pd.Series(values).astype(dtype)


@st.composite
def frames(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    n = draw(st.integers(0, 70))
    labels = draw(st.lists(LABELS, min_size=2, max_size=4, unique_by=repr))
    nan_rate = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
    cols = {}
    for label in labels:
        values = rng.normal(size=n) * 0.02
        values[rng.random(n) < nan_rate] = np.nan
        cols[label] = _column(draw(DTYPES), values).to_numpy()
    df = pd.DataFrame(cols, index=_index(draw(INDEXES), n, rng))
    df.columns = pd.Index(labels, dtype=object, tupleize_cols=False)
    return df, labels, draw(st.booleans())


def _unchanged(df, before):
    pd.testing.assert_frame_equal(df, before)
    assert df.index.equals(before.index) and list(df.columns) == list(before.columns)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(frames())
def test_design_is_finite_or_a_named_error_and_never_mutates(case):
    df, labels, intercept = case
    before = df.copy(deep=True)
    try:
        d = make_design(df, labels[0], labels[1:], intercept=intercept)
    except bb.BayesBetaError:
        _unchanged(df, before)
        return
    _unchanged(df, before)
    ok = d.observed
    assert ok.sum() >= 20
    for x in (d.b0, d.P0, d.state_unit, d.ols, d.H[ok], d.y[ok]):
        assert np.isfinite(x).all()
    assert d.y_unit > 0 and (d.state_unit > 0).all()
    assert d.factors == tuple(([bb.data.ALPHA] if intercept else []) + [str(x) for x in labels[1:]])
    spec = bb.StateSpace.random_walk(Q=np.eye(d.K) * 1e-4, R=[[d.y_unit**2]], b0=d.b0, P0=d.P0)
    res = bb.kalman_smoother(d.y, d.H, spec)
    assert np.isfinite(res.loglik) and np.isfinite(res.beta_smooth).all()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(frames())
def test_weekly_aggregation_is_a_frame_or_a_named_error(case):
    df, _, _ = case
    before = df.copy(deep=True)
    try:
        weekly = aggregate_weekly(df)
    except bb.BayesBetaError:
        _unchanged(df, before)
        return
    _unchanged(df, before)
    assert isinstance(weekly.index, pd.DatetimeIndex) and (weekly.index.day_of_week == 4).all()


@pytest.mark.parametrize("labels", [("y", "a", "b"), (0, 1, 2), ("fund/A", ("f", 1), "")])
def test_odd_labels_fit_plot_save_and_load(labels, tmp_path):
    """Labels pandas allows work end to end: fit, bands, plots, save, load."""
    import warnings

    rng = np.random.default_rng(1)
    idx = pd.date_range("2010-01-01", periods=60, freq="W-FRI")
    df = pd.DataFrame(rng.normal(size=(60, 3)) * 0.02, index=idx)
    df.columns = pd.Index(list(labels), dtype=object, tupleize_cols=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = bb.fit(df, labels[0], list(labels[1:]), draws=20, tune=40, chains=1, seed=1,
                     progress=False)
    assert list(fit.bands(0.9)["factor"].values) == [str(x) for x in labels[1:]]
    fit.plot_exposures()
    fit.save(tmp_path / "f.nc")
    assert bb.load_fit(tmp_path / "f.nc") == fit
