"""Data assembly for model specs: read the sources, join, build excess returns and yield changes,
aggregate to weeks (the rules are in the :mod:`bayes_beta.specfile` docstring)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_beta.datasets import load_dataset
from bayes_beta.frames import aggregate_weekly
from bayes_beta.specfile import (
    YIELD_CHANGE,
    DataSources,
    ModelSpec,
    _fail,
    _hint,
    _is_csv,
    _resolve,
)

__all__ = ["assemble"]


def _read(spec: ModelSpec, source: str, frequency: str) -> pd.DataFrame:
    if not _is_csv(source):
        return load_dataset(source, start=spec.start, end=spec.end, frequency=frequency)
    df = pd.read_csv(_resolve(spec.path, source), index_col=0, parse_dates=True)
    df.index = pd.DatetimeIndex(df.index, name="Date")
    return df.sort_index().loc[spec.start : spec.end].astype("float64")


def _spacing_days(index: pd.DatetimeIndex) -> float:
    return float(np.median(np.diff(index.as_unit("ns").asi8)) / 86400e9) if len(index) > 1 else 1.0


def _column(spec, frames: dict[str, pd.DataFrame], col: str, key: str) -> pd.Series:
    for frame in frames.values():
        if col in frame.columns:
            return frame[col]
    seen = [c for f in frames.values() for c in f.columns]
    _fail(
        spec.path,
        key,
        f"column {col!r} is in none of the sources ({', '.join(frames)});",
        _hint(col, seen),
    )


def assemble(spec: ModelSpec) -> pd.DataFrame:
    """The spec's data frame (target and factors), as described in :mod:`bayes_beta.specfile`."""
    cols = [spec.target, *spec.factors]
    if not isinstance(spec.data, DataSources):
        df = _read(spec, spec.data, spec.frequency)
        if _is_csv(spec.data) and spec.frequency == "weekly" and _spacing_days(df.index) < 5:
            df = _weekly(df, rf="RF" if "RF" in df.columns else None)
        elif _is_csv(spec.data) and spec.frequency == "daily" and _spacing_days(df.index) >= 5:
            _fail(
                spec.path, "frequency", f"{spec.data!r} is not daily.", 'use frequency = "weekly".'
            )
        for i, col in enumerate(cols):
            _column(spec, {str(spec.data): df}, col, "target" if i == 0 else "factors")
        return df[cols].dropna().copy()
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


def _weekly(daily: pd.DataFrame, rf=None, excess=(), changes=None) -> pd.DataFrame:
    """Weekly compounding; ``excess`` columns are excess returns over ``rf`` (module docstring)."""
    changes = dict(changes or {})
    total = daily.copy()
    for col in excess:
        total[col] = daily[col] + daily[rf]
    levels = list(dict.fromkeys(changes.values()))
    returns = [c for c in total.columns if c not in levels]
    weekly = aggregate_weekly(total, returns=returns, changes=changes)
    for col in excess:
        weekly[col] = weekly[col] - weekly[rf]
    return weekly
