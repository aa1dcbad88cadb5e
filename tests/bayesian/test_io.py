"""The fit file: atomic saves, exact round trips, and named errors for every bad file."""

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import bayes_beta as bb
from bayes_beta.bayesian import io


@pytest.fixture(scope="module")
def small_fit():
    rng = np.random.default_rng(7)
    idx = pd.date_range("2005-01-07", periods=80, freq="W-FRI")
    df = pd.DataFrame(rng.normal(size=(80, 3)) * 0.02, index=idx, columns=["fund/A", "m", "r"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        return bb.fit(df, "fund/A", ["m", "r"], draws=40, tune=60, chains=2, seed=3,
                      progress=False)


def test_round_trip_is_exact_and_keeps_the_options(small_fit, tmp_path):
    small_fit.save(tmp_path / "f.nc")
    loaded = bb.load_fit(tmp_path / "f.nc")
    assert loaded == small_fit
    other = dataclasses.replace(small_fit, options=bb.ModelOptions("mean_reverting", "scan", "constant"))
    other.save(tmp_path / "other.nc")
    assert bb.load_fit(tmp_path / "other.nc").options == bb.ModelOptions("mean_reverting", "scan", "constant")
    assert loaded.design.target == "fund/A"
    xr.testing.assert_identical(loaded.bands(0.8), small_fit.bands(0.8))
    assert loaded.tree.attrs["bayes_beta_schema"] == 2


def test_save_refuses_missing_folders_and_folders_as_files(small_fit, tmp_path):
    with pytest.raises(bb.ArgumentError, match="does not exist; create it first"):
        small_fit.save(tmp_path / "missing" / "f.nc")
    with pytest.raises(bb.ArgumentError, match="is a folder"):
        small_fit.save(tmp_path)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(bb.ArgumentError, match="does not exist"):
        small_fit.save(tmp_path / "file.txt" / "f.nc")


def test_a_failed_save_keeps_the_old_file_and_leaves_nothing(small_fit, tmp_path, monkeypatch):
    path = tmp_path / "f.nc"
    small_fit.save(path)
    before = path.read_bytes()

    def broken(self, target, **kw):
        with open(target, "wb") as fh:
            fh.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(xr.DataTree, "to_netcdf", broken)
    with pytest.raises(OSError, match="disk full"):
        small_fit.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.nc"]


def test_bad_files_are_named_with_the_reason(small_fit, tmp_path):
    good = tmp_path / "good.nc"
    small_fit.save(good)
    truncated = tmp_path / "truncated.nc"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = tmp_path / "notes.nc"
    text.write_text("not a fit")
    cases = {truncated: "not a readable bayes_beta fit", text: "not a readable bayes_beta fit",
             tmp_path: "is a folder", tmp_path / "nope.nc": "No saved fit"}
    for path, message in cases.items():
        with pytest.raises(bb.DataError, match=message) as err:
            bb.load_fit(path)
        assert str(path) in str(err.value)
    other = xr.DataTree.from_dict({"posterior": xr.Dataset({"x": ("a", [1.0])})})
    other.to_netcdf(tmp_path / "other.nc", engine="h5netcdf")
    with pytest.raises(bb.DataError, match="not a bayes_beta fit"):
        bb.load_fit(tmp_path / "other.nc")


def _rewrite(src, dst, change):
    tree = xr.open_datatree(src, engine="h5netcdf").load()
    change(tree.attrs)
    tree.to_netcdf(dst, engine="h5netcdf")


def test_newer_format_is_refused_and_the_older_one_loads(small_fit, tmp_path):
    src = tmp_path / "f.nc"
    small_fit.save(src)
    _rewrite(src, tmp_path / "new.nc", lambda a: a.update(bayes_beta_schema=99))
    with pytest.raises(bb.DataError, match="format 99.*Upgrade bayes_beta"):
        bb.load_fit(tmp_path / "new.nc")

    def to_v1(attrs):  # bayes_beta 0.1 kept the dynamics with the design settings
        settings = json.loads(attrs["model_settings"])
        attrs["model_settings"] = json.dumps({**settings, "dynamics": "mean_reverting"})
        del attrs["bayes_beta_schema"], attrs["model_options"]

    _rewrite(src, tmp_path / "v1.nc", to_v1)
    old = bb.load_fit(tmp_path / "v1.nc")
    assert old.options == bb.ModelOptions("mean_reverting", "fused", "constant")
    np.testing.assert_array_equal(old.tree["exposures"]["path"], small_fit.tree["exposures"]["path"])


def test_edited_data_fail_the_fingerprint(small_fit, tmp_path):
    src = tmp_path / "f.nc"
    small_fit.save(src)
    tree = xr.open_datatree(src, engine="h5netcdf").load()
    tree["observed_data"]["y"].values[3] += 1.0
    tree.to_netcdf(tmp_path / "edited.nc", engine="h5netcdf")
    with pytest.raises(bb.DataError, match="do not match the stored fingerprint"):
        io.read_fit(tmp_path / "edited.nc")
