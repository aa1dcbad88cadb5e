"""The one interval helper: equal-tailed intervals are NumPy's quantiles, highest-density ones
the shortest interval holding the draws, and every table names the bounds lower and upper."""

import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from bayes_beta.bayesian.intervals import bounds, describe, interval, interval_table


@pytest.fixture(scope="module")
def draws():
    rng = np.random.default_rng(0)
    return xr.DataArray(rng.gamma(2.0, size=(2, 500, 3)), dims=("chain", "draw", "factor"))


def test_eti_is_numpys_quantile_over_both_sample_dims(draws):
    lower, upper = interval(draws, 0.8)
    flat = draws.values.reshape(-1, 3)
    np.testing.assert_allclose(lower.values, np.quantile(flat, 0.1, axis=0), rtol=1e-14)
    np.testing.assert_allclose(upper.values, np.quantile(flat, 0.9, axis=0), rtol=1e-14)
    lo, hi = bounds(draws.values, 0.8, axis=(0, 1))
    np.testing.assert_array_equal(lo, lower.values)
    np.testing.assert_array_equal(hi, upper.values)


def test_hdi_is_the_shortest_interval_holding_prob_of_the_draws(draws):
    lower, upper = interval(draws, 0.8, kind="hdi")
    for k in range(3):
        x = np.sort(draws.values[..., k].ravel())
        m = int(np.floor(0.8 * len(x)))
        widths = x[m:] - x[: len(x) - m]
        i = int(np.argmin(widths))
        assert lower.values[k] == pytest.approx(x[i], abs=1e-12)
        assert upper.values[k] == pytest.approx(x[i + m], abs=1e-12)
        # a skewed law: the hdi is narrower than the eti and sits further left
        eti = np.quantile(x, [0.1, 0.9])
        assert upper.values[k] - lower.values[k] < eti[1] - eti[0]
        assert lower.values[k] < eti[0]


def test_skipna_ignores_missing_draws_and_describe_names_the_four_numbers(draws):
    x = draws.values.copy()
    x[0, :10, 1] = np.nan
    lo, hi = bounds(x, 0.9, axis=(0, 1), skipna=True)
    np.testing.assert_allclose(lo, np.nanquantile(x.reshape(-1, 3), 0.05, axis=0), rtol=1e-14)
    np.testing.assert_allclose(hi, np.nanquantile(x.reshape(-1, 3), 0.95, axis=0), rtol=1e-14)
    out = describe(draws, 0.9)
    assert sorted(out.data_vars) == ["lower", "mean", "median", "upper"]
    np.testing.assert_allclose(out["median"].values, np.median(draws.values.reshape(-1, 3), 0))


def test_renamed_columns_still_select_with_a_future_warning():
    t = interval_table(pd.DataFrame({"mean": [1.5], "eti90_lb": [1.0], "eti90_ub": [2.0]}),
                       {"eti90_lb": "lower", "eti90_ub": "upper"}, 0.9)
    assert t.columns.tolist() == ["mean", "lower", "upper"]
    with pytest.warns(FutureWarning, match="'eti90_lb' is now 'lower'"):
        assert t["eti90_lb"].iloc[0] == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert t["lower"].iloc[0] == 1.0  # the new name does not warn
        assert t[["mean", "upper"]].shape == (1, 2)
    with pytest.raises(KeyError):
        t["eti94_lb"]
