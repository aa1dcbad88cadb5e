"""Save and load fits: one netCDF file (h5netcdf) holding the whole DataTree.

The root attributes carry the model settings, the prior variant (JSON), the data fingerprint
(sha256 of y, H, dates and names), the package version and the sampler diagnostics; the design
(``y``, ``H``, initial state, units) is rebuilt from the ``observed_data`` and ``constant_data``
groups, so :func:`load_fit` gives a :class:`~bayes_beta.Fit` equal to the saved one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import xarray as xr

from bayes_beta.design import Design
from bayes_beta.errors import DataError
from bayes_beta.priors import PriorVariant

__all__ = ["load_fit", "save_fit"]


def save_fit(fit, path) -> None:
    """Write ``fit`` to ``path`` (netCDF4 via h5netcdf); the parent folder must exist."""
    tree = fit.tree.copy()
    tree.attrs["sampler_problems"] = json.dumps(list(fit.problems))
    tree.to_netcdf(Path(path), engine="h5netcdf")


def _design(tree: xr.DataTree) -> Design:
    settings = json.loads(tree.attrs["model_settings"])
    obs = tree["observed_data"].to_dataset()
    const = tree["constant_data"].to_dataset()
    target = settings["target"]
    return Design(
        y=obs[target].values,
        H=const["factor_returns"].values,
        time=pd.DatetimeIndex(obs["time"].values),
        target=target,
        factors=tuple(settings["factors"]),
        intercept=settings["intercept"],
        dynamics=settings["dynamics"],
        initial=settings["initial"],
        init_window=settings["init_window"],
        b0=const["b0"].values,
        P0=const["P0"].values,
        y_unit=float(tree.attrs["y_unit"]),
        state_unit=const["state_unit"].values,
        steps_per_year=float(tree.attrs["steps_per_year"]),
        ols=const["ols"].values,
    )


def load_fit(path):
    """Read a fit written by :meth:`Fit.save`; checks the stored data fingerprint."""
    from bayes_beta.fitting import Fit

    path = Path(path)
    if not path.exists():
        raise DataError(f"No saved fit at {str(path)!r}.")
    with xr.open_datatree(path, engine="h5netcdf") as handle:
        tree = handle.load()
    if "model_settings" not in tree.attrs:
        raise DataError(f"{str(path)!r} is not a bayes_beta fit (no model_settings attribute).")
    problems = json.loads(tree.attrs.pop("sampler_problems", "[]"))
    design = _design(tree)
    if design.fingerprint() != tree.attrs["data_fingerprint"]:
        raise DataError(
            f"{str(path)!r}: the stored data do not match the stored fingerprint; "
            "the file was changed after it was saved."
        )
    variant = PriorVariant.from_dict(json.loads(tree.attrs["prior_variant"]))
    return Fit(tree, design, variant, problems)
