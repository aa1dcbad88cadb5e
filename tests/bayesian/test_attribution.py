"""Return attribution: the parts add up to the observed return every period and every draw;
with one repeated draw the bands collapse to the plug-in values (checked against pandas)."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from bayes_beta.bayesian.attribution import attribute
from bayes_beta.errors import ArgumentError


def _paths(S=(2, 30), n=120, K=3, seed=0, same=False):
    rng = np.random.default_rng(seed)
    time = pd.date_range("2015-01-02", periods=n, freq="W-FRI")
    base = 1 + np.cumsum(rng.normal(0, 0.05, (n, K)), axis=0)
    draws = base + (0 if same else rng.normal(0, 0.1, (*S, n, K)))
    draws = np.broadcast_to(draws, (*S, n, K)).copy()
    H = np.column_stack([np.ones(n), rng.normal(0, 0.02, (n, K - 1))])
    y = (H * base).sum(1) + rng.normal(0, 0.01, n)
    y[[10, 11]] = np.nan  # holidays: left out
    paths = xr.DataArray(draws, dims=("chain", "draw", "time", "factor"),
                         coords={"time": time, "factor": ["alpha", "f1", "f2"]})
    return paths, H, y, base


@pytest.mark.parametrize("freq", [None, "M", "Q", "Y"])
def test_parts_add_up_to_the_observed_return(freq):
    paths, H, y, _ = _paths()
    att = attribute(paths, H, y, ["alpha", "f1", "f2"], intercept=True, freq=freq)
    assert list(att["component"].values) == ["alpha", "f1", "f2", "residual"]
    total = att["contribution"].sum("component")
    np.testing.assert_allclose(total.values, np.broadcast_to(att["observed"].values,
                                                             total.shape), atol=1e-12)
    shares = att["share_mean"].sum("factor_share", skipna=False)
    np.testing.assert_allclose(shares.values[np.isfinite(shares.values)], 1.0, atol=1e-10)


def test_a_point_mass_gives_the_plug_in_values():
    paths, H, y, base = _paths(same=True)
    att = attribute(paths, H, y, ["alpha", "f1", "f2"], intercept=True, freq="M")
    ok = ~np.isnan(y)
    frame = pd.DataFrame(H * base, index=paths["time"].values, columns=["alpha", "f1", "f2"])
    frame["residual"] = y - frame.sum(1)
    want = frame[ok].resample("ME").sum()
    np.testing.assert_allclose(att["mean"].values, want.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(att["lower"].values, att["upper"].values, atol=1e-12)
    np.testing.assert_allclose(att["cumulative"].values, want.cumsum().to_numpy(), atol=1e-12)


def test_bad_arguments():
    paths, H, y, _ = _paths()
    with pytest.raises(ArgumentError, match="freq must be"):
        attribute(paths, H, y, ["alpha", "f1", "f2"], intercept=True, freq="W")
    with pytest.raises(ArgumentError, match="prob"):
        attribute(paths, H, y, ["alpha", "f1", "f2"], intercept=True, prob=1.5)
