"""Save and load fits: one netCDF file (h5netcdf) holding the whole DataTree.

The root attributes carry the schema version, the design settings, the model options, the prior
variant (JSON), the data fingerprint (sha256 of y, H, dates and names), the package version and
the sampler diagnostics; the design (``y``, ``H``, initial state, units) is rebuilt from the
``observed_data`` and ``constant_data`` groups, so ``bb.load_fit`` (which wraps
:func:`read_fit` in a :class:`~bayes_beta.Fit`) gives a fit equal to the saved one.

Saving is atomic: the file is written next to its destination under a temporary name and
renamed over it, so a failed save leaves any earlier file intact and no partial file behind.
Schema 1 files (bayes_beta 0.1, dynamics stored with the design) load too; files written by a
newer schema are refused with the reason.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import xarray as xr

from bayes_beta.bayesian.tree import SCHEMA_VERSION
from bayes_beta.data.design import Design
from bayes_beta.errors import ArgumentError, DataError
from bayes_beta.specs.options import ModelOptions
from bayes_beta.specs.priors import PriorVariant

__all__ = ["FitParts", "atomic_write", "read_fit", "write_fit"]

_UMASK = os.umask(0)
os.umask(_UMASK)


def _target(path) -> Path:
    try:
        path = Path(path)
    except TypeError as err:
        raise ArgumentError(f"path must be a file name or a pathlib.Path; got {path!r}.") from err
    if path.is_dir():
        raise ArgumentError(f"{str(path)!r} is a folder; give a file name, e.g. "
                            f"{str(path / 'fit.nc')!r}.")
    if not path.parent.is_dir():
        raise ArgumentError(f"The folder {str(path.parent)!r} does not exist; create it first "
                            f"(Path({str(path.parent)!r}).mkdir(parents=True)).")
    return path


def write_fit(tree: xr.DataTree, problems, path, variant: PriorVariant,
              options: ModelOptions) -> None:
    """Write a fit (its tree, sampler problems, prior variant and options) to ``path`` (netCDF4
    via h5netcdf), atomically; the folder must exist."""
    path = _target(path)
    tree = tree.copy()
    tree.attrs.update(sampler_problems=json.dumps(list(problems)),
                      prior_variant=json.dumps(variant.to_dict()),
                      model_options=json.dumps(options.to_dict()))
    try:
        atomic_write(path, lambda tmp: tree.to_netcdf(tmp, engine="h5netcdf"))
    except PermissionError as err:
        raise DataError(f"Cannot write to {str(path.parent)!r}: {err.strerror}. Choose a "
                        "folder you can write to.") from err


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it over ``path``:
    a failed write leaves any earlier file intact and no partial file behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # as a plain open() would create it (mkstemp: 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _design(tree: xr.DataTree, settings: dict) -> Design:
    obs = tree["observed_data"].to_dataset()
    const = tree["constant_data"].to_dataset()
    target = settings["target"]
    return Design(
        y=obs["y" if "y" in obs else target].values, H=const["factor_returns"].values,
        time=pd.DatetimeIndex(obs["time"].values), target=target,
        factors=tuple(settings["factors"]), intercept=settings["intercept"],
        initial=settings["initial"], init_window=settings["init_window"],
        b0=const["b0"].values, P0=const["P0"].values, y_unit=float(tree.attrs["y_unit"]),
        state_unit=const["state_unit"].values,
        steps_per_year=float(tree.attrs["steps_per_year"]), ols=const["ols"].values,
    )


def _read(path: Path) -> xr.DataTree:
    if not path.exists():
        raise DataError(f"No saved fit at {str(path)!r}.")
    if path.is_dir():
        raise DataError(f"{str(path)!r} is a folder, not a saved fit (a .nc file).")
    try:
        with xr.open_datatree(path, engine="h5netcdf") as handle:
            return handle.load()
    except Exception as err:  # h5py/netCDF raise many kinds; all mean "not a readable fit"
        raise DataError(f"{str(path)!r} is not a readable bayes_beta fit (truncated, or not a "
                        f"netCDF file written by Fit.save): {type(err).__name__}: {err}") from err


def _settings(tree: xr.DataTree, path: Path) -> tuple[dict, ModelOptions]:
    if "model_settings" not in tree.attrs:
        raise DataError(f"{str(path)!r} is not a bayes_beta fit (no model_settings attribute).")
    schema = int(tree.attrs.get("bayes_beta_schema", 1))
    if schema > SCHEMA_VERSION:
        raise DataError(
            f"{str(path)!r} was written by bayes_beta {tree.attrs.get('bayes_beta_version')} "
            f"(fit format {schema}); this version reads formats up to {SCHEMA_VERSION}. "
            "Upgrade bayes_beta to load it.")
    settings = json.loads(tree.attrs["model_settings"])
    if schema == 1:  # 0.1 kept the dynamics with the design; the likelihood was not saved
        options = ModelOptions(dynamics=settings.pop("dynamics", "random_walk"),
                               volatility="constant")  # the 0.1 format had one constant R
    else:
        options = ModelOptions.from_dict(json.loads(tree.attrs["model_options"]))
    return settings, options


class FitParts(NamedTuple):
    """What a saved fit holds: the arguments of :class:`~bayes_beta.Fit`."""

    tree: xr.DataTree
    design: Design
    variant: PriorVariant
    options: ModelOptions
    problems: list


def read_fit(path) -> FitParts:
    """Read a fit written by ``Fit.save``; checks the format and the data fingerprint."""
    path = Path(path)
    tree = _read(path)
    settings, options = _settings(tree, path)
    problems = json.loads(tree.attrs.pop("sampler_problems", "[]"))
    try:
        design = _design(tree, settings)
    except KeyError as err:
        raise DataError(f"{str(path)!r} lacks part of a bayes_beta fit ({err}); it was not "
                        "written by Fit.save or was edited since.") from err
    if design.fingerprint() != tree.attrs["data_fingerprint"]:
        raise DataError(f"{str(path)!r}: the stored data do not match the stored fingerprint; "
                        "the file was changed after it was saved.")
    variant = PriorVariant.from_dict(json.loads(tree.attrs["prior_variant"]))
    return FitParts(tree, design, variant, options, problems)
