"""Data sources of model files and their assembly into one frame.

A model file's ``data`` is a shipped dataset name, a CSV path (relative to the file), or a table
of sources ``{ returns = "industries", factors = "factors", yields = "treasury_yields",
excess = true }``. Tables are read *daily*, joined on the dates they share and restricted to
``start .. end``; factor names ``d<N>y`` / ``d<N>m`` become changes of the ``<N>year`` /
``<N>month`` yield; with ``excess`` the target becomes its return minus ``RF``. Weekly rows
(``W-FRI``) are then compounded: a return ``r`` gives ``prod(1 + r) - 1``, an excess return (the
target with ``excess``, and any column named ``*-RF``) gives ``prod(1 + x + RF) - prod(1 + RF)``,
a yield change is the change of the week's last level. This reproduces
:func:`bayes_beta.datasets.load_example` exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bayes_beta.data.datasets import DATASETS, load_dataset
from bayes_beta.data.frames import aggregate_weekly, weekly_excess
from bayes_beta.specs.messages import fail, hint

__all__ = ["YIELD_CHANGE", "DataSources", "assemble", "check_data", "is_csv", "resolve",
           "target_columns"]

YIELD_CHANGE = re.compile(r"^d(\d+)([ym])$")  # d10y -> 10year, d3m -> 3month


@dataclass(frozen=True)
class DataSources:
    r"""Sources joined into one frame (the table form of a model file's ``data``).

    Tables are read *daily*, joined on the dates they share and restricted to ``start .. end``;
    factor names ``d<N>y`` / ``d<N>m`` become changes of the ``<N>year`` / ``<N>month`` yield;
    with ``excess`` the target becomes its return minus ``RF``. Weekly rows (``W-FRI``) are then
    compounded: a return :math:`r` gives :math:`\prod_d (1 + r_d) - 1`, an excess return (the
    target with ``excess``, and any column named ``*-RF``) gives
    :math:`\prod_d (1 + x_d + \mathrm{RF}_d) - \prod_d (1 + \mathrm{RF}_d)`, a yield change is
    the change of the week's last level. This reproduces
    :func:`bayes_beta.datasets.load_example` exactly.

    Each source is a shipped dataset name or a CSV path (relative to the model file).

    Parameters
    ----------
    returns : str
        Dataset name or CSV path holding the target column(s).
    factors : str or None, default "factors"
        Dataset name or CSV path holding the factor columns and ``RF``.
    yields : str or None, default None
        Dataset name or CSV path holding yield levels (for ``d<N>y`` / ``d<N>m`` factors).
    excess : bool, default True
        Make the target an excess return over ``RF`` (needs a ``factors`` source).

    See Also
    --------
    bayes_beta.ModelSpec : Validates the sources and assembles the frame.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.specs import DataSources
    >>> sources = DataSources(returns="industries", yields="treasury_yields")
    >>> spec = bb.ModelSpec(name="u", data=sources, target="Util", factors=["Mkt-RF", "d10y"])
    >>> df = spec.load_data()
    >>> df.equals(bb.datasets.load_example().loc[df.index[0]:])
    True
    """

    returns: str
    factors: str | None = "factors"
    yields: str | None = None
    excess: bool = True


def is_csv(source: str) -> bool:
    """A CSV path (rather than a shipped dataset name)."""
    return source.lower().endswith((".csv", ".csv.gz")) or "/" in source or "\\" in source


def resolve(path, source: str) -> Path:
    """``source`` relative to the folder of the model file ``path``."""
    p = Path(source).expanduser()
    return p if p.is_absolute() or path is None else Path(path).parent / p


def _check_source(path, key: str, source) -> None:
    if source is None:
        return
    if not isinstance(source, str) or not source:
        fail(path, key, f"must be a dataset name or a CSV path; got {source!r}.")
    if is_csv(source):
        if not resolve(path, source).is_file():
            fail(path, key, f"CSV file {str(resolve(path, source))!r} does not exist.",
                 "give a path relative to the spec file's folder.")
    elif source not in DATASETS:
        fail(path, key, f"unknown dataset {source!r};", hint(source, DATASETS))


def check_data(path, data) -> None:
    if isinstance(data, DataSources):
        for key in ("returns", "factors", "yields"):
            _check_source(path, f"data.{key}", getattr(data, key))
        if data.excess and data.factors is None:
            fail(path, "data.excess", "an excess return needs RF from a factors source.",
                  'set factors = "factors" or excess = false.')
    else:
        _check_source(path, "data", data)


def _read(spec, source: str, frequency: str) -> pd.DataFrame:
    if not is_csv(source):
        return load_dataset(source, start=spec.start, end=spec.end, frequency=frequency)
    df = pd.read_csv(resolve(spec.path, source), index_col=0, parse_dates=True)
    df.index = pd.DatetimeIndex(df.index, name="Date")
    return df.sort_index().loc[spec.start : spec.end].astype("float64")


def _spacing_days(index: pd.DatetimeIndex) -> float:
    return float(np.median(np.diff(index.as_unit("ns").asi8)) / 86400e9) if len(index) > 1 else 1.0


def _column(spec, frames: dict[str, pd.DataFrame], col: str, key: str) -> pd.Series:
    for frame in frames.values():
        if col in frame.columns:
            return frame[col]
    seen = [c for f in frames.values() for c in f.columns]
    fail(
        spec.path,
        key,
        f"column {col!r} is in none of the sources ({', '.join(frames)});",
        hint(col, seen),
    )


def assemble(spec) -> pd.DataFrame:
    """The frame (target and factors) of a :class:`~bayes_beta.ModelSpec` (module docstring)."""
    cols = [spec.target, *spec.factors]
    if not isinstance(spec.data, DataSources):
        df = _read(spec, spec.data, spec.frequency)
        mult = spec.variance_multiplier
        if mult is not None:
            _column(spec, {str(spec.data): df}, mult, "variance_multiplier")
            cols.append(mult)
        if is_csv(spec.data) and spec.frequency == "weekly" and _spacing_days(df.index) < 5:
            if mult is not None:
                fail(spec.path, "variance_multiplier", f"{spec.data!r} is daily and its "
                     "multipliers cannot be made weekly by compounding.",
                     "give weekly rows with weekly multipliers.")
            df = _weekly(df, rf="RF" if "RF" in df.columns else None)
        elif is_csv(spec.data) and spec.frequency == "daily" and _spacing_days(df.index) >= 5:
            fail(
                spec.path, "frequency", f"{spec.data!r} is not daily.", 'use frequency = "weekly".'
            )
        for i, col in enumerate(cols[: 1 + len(spec.factors)]):
            _column(spec, {str(spec.data): df}, col, "target" if i == 0 else "factors")
        # a missing multiplier is an error of the design, not a row to drop silently
        return df[cols].dropna(subset=[spec.target, *spec.factors]).copy()
    src = spec.data
    frames = {"returns": _read(spec, src.returns, "daily")}
    if src.factors:
        frames["factors"] = _read(spec, src.factors, "daily")
    yields = _read(spec, src.yields, "daily") if src.yields else None
    parts, changes = (
        {spec.target: _column(spec, {"returns": frames["returns"]}, spec.target, "target")},
        {},
    )
    for f in spec.factors:
        m = YIELD_CHANGE.match(f)
        if yields is not None and m and not any(f in fr.columns for fr in frames.values()):
            level = f"{m.group(1)}{'year' if m.group(2) == 'y' else 'month'}"
            parts[level] = _column(spec, {"yields": yields}, level, "factors")
            changes[f] = level
        else:
            parts[f] = _column(spec, frames, f, "factors")
    excess = [c for c in parts if str(c).endswith("-RF")]
    if src.excess or excess:
        parts["RF"] = _column(spec, frames, "RF", "data.factors")
    daily = pd.concat(parts, axis=1, join="inner").dropna()
    if src.excess:
        daily[spec.target] = daily[spec.target] - daily["RF"]
        excess.append(spec.target)
    if spec.frequency == "daily":
        out = daily.assign(**{new: daily[lvl].diff() for new, lvl in changes.items()})
    else:
        out = _weekly(daily, rf="RF" if "RF" in daily else None, excess=excess, changes=changes)
    return out[cols].dropna().copy()


def target_columns(spec) -> list[str]:
    """Every column of the spec's returns source except the factors, ``RF`` and the variance
    multiplier (the funds of ``targets = "all"``)."""
    source = spec.data.returns if isinstance(spec.data, DataSources) else spec.data
    skip = {*spec.factors, "RF", spec.variance_multiplier}
    return [str(c) for c in _read(spec, source, "daily").columns if c not in skip]


def _weekly(daily: pd.DataFrame, rf=None, excess=(), changes=None) -> pd.DataFrame:
    """Weekly rows; ``excess`` columns are excess returns over ``rf`` (module docstring)."""
    changes = dict(changes or {})
    if excess:
        return weekly_excess(daily, list(excess), rf=rf, changes=changes)
    levels = set(changes.values())
    return aggregate_weekly(daily, returns=[c for c in daily.columns if c not in levels],
                            changes=changes)
