"""A store directory of many funds' fits: one file per fund, written as soon as it finishes.

Layout of ``DIR``::

    DIR/store.json               what was fitted: the fund list, the model and sampling settings
    DIR/funds/<key>.nc           a fund's Fit (bb.load_fit reads it)
    DIR/funds/<key>.summary.nc   the fund's cross-fund summary (one row of a FitSet; netCDF-3)
    DIR/funds/<key>.failed.json  a fund that failed: its reason
    DIR/index.csv                one row per fund: status, seconds, worker memory, file sizes

The per-fund files are the truth: every write is atomic (a temporary file renamed over its
destination), a fund counts as finished when its summary file exists, and the index is rebuilt
from them, so a crash loses nothing finished and a rerun skips it. ``<key>`` is a file-name-safe
form of the fund's label plus a hash of the label (two labels never share a file).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import xarray as xr

from bayes_beta.bayesian.io import atomic_write
from bayes_beta.errors import ArgumentError, DataError

__all__ = ["STORE_FORMAT", "Store", "fund_key"]

STORE_FORMAT = 1
#: Summaries are small netCDF-3 files (scipy's reader opens one in ~10 ms, h5netcdf in ~80 ms:
#: it matters when a FitSet of 1,000 funds is opened).
SUMMARY_ENGINE = "scipy"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def fund_key(fund) -> str:
    """File-name-safe key of a fund label: its readable part plus 8 hex digits of its hash."""
    label = str(fund)
    digest = hashlib.sha256(label.encode()).hexdigest()[:8]
    return f"{_SAFE.sub('_', label).strip('._')[:48] or 'fund'}-{digest}"


def _write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_text(text))


class Store:
    """The store directory ``root`` (see the module docstring)."""

    def __init__(self, root):
        try:
            self.root = Path(root)
        except TypeError as err:
            raise ArgumentError(f"store must be a folder name or a pathlib.Path; got "
                                f"{root!r}.") from err
        self.funds_dir = self.root / "funds"

    # ------------------------------------------------------------------ manifest
    @property
    def manifest_path(self) -> Path:
        return self.root / "store.json"

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def manifest(self) -> dict:
        if not self.exists():
            raise DataError(f"{str(self.root)!r} is not a bayes_beta store (no store.json); "
                            "give the folder that bb.fit_many wrote.")
        manifest = json.loads(self.manifest_path.read_text())
        if manifest.get("format", 0) > STORE_FORMAT:
            raise DataError(f"{str(self.root)!r} was written by a newer bayes_beta (store format "
                            f"{manifest['format']}); upgrade bayes_beta to read it.")
        return manifest

    def create(self, manifest: dict, resume: bool) -> None:
        """Start a store, or check that an existing one holds the same settings (``resume``)."""
        manifest = json.loads(json.dumps(manifest))  # as it reads back (tuples as lists)
        if self.root.exists() and not self.root.is_dir():
            raise ArgumentError(f"store {str(self.root)!r} is a file; give a folder.")
        if self.exists():
            old = self.manifest()
            if not resume:
                raise ArgumentError(
                    f"store {str(self.root)!r} already holds a run; pass resume=True to finish "
                    "it, or give a new folder.")
            if old["settings"] != manifest["settings"]:
                changed = sorted(k for k in set(old["settings"]) | set(manifest["settings"])
                                 if old["settings"].get(k) != manifest["settings"].get(k))
                raise ArgumentError(
                    f"store {str(self.root)!r} was written with other settings ({changed}); "
                    "resume with the same settings, or give a new folder.")
            funds = list(dict.fromkeys([*old["funds"], *manifest["funds"]]))
            manifest = {**old, "funds": funds}
        try:
            self.funds_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ArgumentError(f"Cannot create the store {str(self.root)!r}: "
                                f"{err.strerror}.") from err
        _write_text(self.manifest_path, json.dumps({**manifest, "format": STORE_FORMAT},
                                                   indent=1))

    # ------------------------------------------------------------------ per fund
    def fit_path(self, fund) -> Path:
        return self.funds_dir / f"{fund_key(fund)}.nc"

    def summary_path(self, fund) -> Path:
        return self.funds_dir / f"{fund_key(fund)}.summary.nc"

    def failed_path(self, fund) -> Path:
        return self.funds_dir / f"{fund_key(fund)}.failed.json"

    def finished(self, fund) -> bool:
        return self.summary_path(fund).is_file()

    def write_summary(self, fund, summary: xr.Dataset) -> None:
        self.failed_path(fund).unlink(missing_ok=True)
        atomic_write(self.summary_path(fund),
                     lambda tmp: summary.to_netcdf(tmp, engine=SUMMARY_ENGINE))

    def write_failure(self, fund, record: dict) -> None:
        _write_text(self.failed_path(fund), json.dumps(record, indent=1))

    def read_summary(self, fund) -> xr.Dataset:
        with xr.open_dataset(self.summary_path(fund), engine=SUMMARY_ENGINE) as ds:
            return ds.load()

    def failure(self, fund) -> dict | None:
        path = self.failed_path(fund)
        return json.loads(path.read_text()) if path.is_file() else None

    # ------------------------------------------------------------------ index
    def read_index(self) -> dict:
        """The records of ``index.csv`` (fund -> dict), empty when there is none yet."""
        path = self.root / "index.csv"
        if not path.is_file():
            return {}
        index = pd.read_csv(path, index_col="fund", dtype={"fund": str}, keep_default_na=False)
        return {str(f): {k: v for k, v in row.items() if v != ""}
                for f, row in index.to_dict(orient="index").items()}

    def write_index(self, records: dict) -> pd.DataFrame:
        """``index.csv`` from the per-fund records (fund -> dict), in the manifest's order."""
        funds = self.manifest()["funds"]
        rows = [{"fund": str(f), **records.get(f, {"status": "pending"})} for f in funds]
        index = pd.DataFrame(rows).set_index("fund")
        atomic_write(self.root / "index.csv", lambda tmp: index.to_csv(tmp))
        return index
