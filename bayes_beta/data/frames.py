"""Validation and weekly aggregation of time-indexed pandas DataFrames.

This is the first stage of the data flow: a user's DataFrame (one row per date, one column per
series) is checked by :func:`validate_frame` and optionally aggregated from daily to weekly rows
by :func:`aggregate_weekly`. The module is pure pandas/NumPy: it imports neither PyMC nor
matplotlib, and no function here mutates its input.

Units are the caller's: returns are expected as decimals (``0.01`` = 1%) for the compounding
formula ``prod(1 + r) - 1`` to be meaningful; levels (yields, prices) may be in any unit.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd

from bayes_beta.errors import ColumnError, DataError

__all__ = ["WEEK_FREQ", "aggregate_weekly", "as_list", "validate_frame", "weekly_excess"]

#: Weekly frequency used throughout: weeks run Saturday..Friday and are labelled by the Friday.
WEEK_FREQ = "W-FRI"

_MAX_LISTED = 30  # at most this many available column names are quoted in an error message


def validate_frame(
    df: pd.DataFrame,
    columns: Iterable[Hashable] | None = None,
    min_rows: int = 1,
    name: str = "data",
    allow_all_nan: bool = False,
) -> None:
    """Check that ``df`` is a usable time-indexed frame; raise a descriptive error if not.

    Checks, in order: ``df`` is a DataFrame with unique column names; the index is a
    ``DatetimeIndex`` without ``NaT``, without duplicate dates, without a timezone and sorted
    ascending; every name in ``columns`` exists; each checked column (``columns``, or all columns
    when ``None``) has a numeric dtype, contains no ``inf`` and (unless ``allow_all_nan``) is not
    entirely NaN; there are at least ``min_rows`` rows. NaN values are otherwise allowed (the
    filter skips missing observations).

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check; it is never modified.
    columns : iterable of hashable, optional
        The columns the caller is going to use; ``None`` (default) checks every column. A single
        string is one column.
    min_rows : int, default 1
        The minimum number of rows required.
    name : str, default "data"
        How the frame is called in error messages (e.g. ``"returns"``).
    allow_all_nan : bool, default False
        Accept columns that are entirely NaN (e.g. a series not yet started).

    Returns
    -------
    None
        Nothing: the function returns when every check passes and raises otherwise.

    Raises
    ------
    bayes_beta.ColumnError
        A requested column is missing (the message lists close matches and the available
        columns).
    bayes_beta.DataError
        Any other problem; the message names the offending column, date or row and the fix.

    See Also
    --------
    bayes_beta.aggregate_weekly : Daily rows to Friday-ending weeks.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> bb.validate_frame(df, columns=["Util", "Mkt-RF"], min_rows=100) is None
    True
    >>> bb.validate_frame(df.sort_index(ascending=False), name="returns")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: returns dates are not sorted: row 1 (...) comes after ...
    >>> bb.validate_frame(df, columns=["Utils"])
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ColumnError: data has no column 'Utils'. Close matches for 'Utils': ...
    """
    _check_type(df, name)
    _check_unique_columns(df, name)
    _check_index(df, name)
    checked = list(df.columns) if columns is None else as_list(columns)
    _check_missing_labels(checked, name)
    _check_columns_exist(df, checked, name)
    for col in checked:
        _check_column_values(df[col], col, name, allow_all_nan)
    if len(df) < min_rows:
        raise DataError(
            f"{name} has too few rows: at least {min_rows} needed, got {len(df)}. "
            "Use a longer date range or a higher data frequency."
        )


def aggregate_weekly(
    df: pd.DataFrame,
    returns: Iterable[Hashable] | None = None,
    levels: Iterable[Hashable] | None = None,
    changes: Mapping[Hashable, Hashable] | None = None,
) -> pd.DataFrame:
    r"""Aggregate daily rows to Friday-ending weeks (``W-FRI``).

    A week runs from Saturday to Friday and is labelled by its Friday, even when the market was
    closed that Friday (a week whose last trading day is a holiday Thursday is still labelled by
    the Friday). Weeks without any row in ``df`` are dropped. For week :math:`w` with days
    :math:`d` in ``df`` (NaN values skipped):

    - return column ``r``: compounded (decimals expected), NaN when the week has no valid value
      of ``r``,

      .. math::

          R_w = \prod_{d \in w} (1 + r_d) - 1;

    - level column ``x``: :math:`X_w`, the last non-NaN value of ``x`` in the week;
    - change ``new = x`` (from ``changes={"new": "x"}``): :math:`X_w - X_{w-1}`, the change of
      the weekly last level from the previous output week; NaN for the first week and for any
      week that has, or follows, a week without a valid level.

    Parameters
    ----------
    df : pandas.DataFrame
        Daily frame with a sorted ``DatetimeIndex`` (see :func:`bayes_beta.validate_frame`); not
        modified.
    returns : iterable of hashable, optional
        Columns compounded as returns. ``None`` (default) means every column of ``df`` that is
        neither in ``levels`` nor a source in ``changes``. When given explicitly, columns of
        ``df`` not named in ``returns``, ``levels`` or ``changes`` are dropped from the result.
    levels : iterable of hashable, optional
        Columns aggregated as the last level of the week (e.g. yields, prices).
    changes : mapping, optional
        Mapping ``new column name -> level column`` of week-to-week level changes, e.g.
        ``{"d10y": "10year"}``. A level column may appear both here and in ``levels``.

    Returns
    -------
    pandas.DataFrame
        A new frame indexed by the Friday week-end dates (index named ``"Date"``), with the
        columns ``returns``, then ``levels``, then the keys of ``changes``, in the order given.

    Raises
    ------
    bayes_beta.DataError
        When ``df`` is not a valid time-indexed frame (:func:`bayes_beta.validate_frame`), when
        ``changes`` is not a mapping, or when a column is given two roles (a return and a level)
        or a change's name is already an output column.
    bayes_beta.ColumnError
        When a named column does not exist.

    See Also
    --------
    bayes_beta.data.weekly_excess : The same for daily excess returns.

    Examples
    --------
    Two weeks of business days: a return of 1% a day and a yield rising 0.1 point a day.

    >>> import numpy as np
    >>> import pandas as pd
    >>> import bayes_beta as bb
    >>> days = pd.bdate_range("2024-01-01", periods=10, name="Date")
    >>> daily = pd.DataFrame({"r": 0.01, "y10": np.linspace(4.0, 4.9, 10)}, index=days)
    >>> weekly = bb.aggregate_weekly(daily, levels=["y10"], changes={"d10y": "y10"})
    >>> print(weekly.round(4))
                    r  y10  d10y
    Date
    2024-01-05  0.051  4.4   NaN
    2024-01-12  0.051  4.9   0.5
    >>> round(1.01**5 - 1, 4)  # five compounded days
    0.051
    """
    _check_type(df, "data")
    levels = as_list(levels)
    if changes is not None and not isinstance(changes, Mapping):
        raise DataError(
            "changes must map new column names to level columns, e.g. changes={'d10y': '10year'}; "
            f"got {type(changes).__name__}."
        )
    changes = dict(changes or {})
    sources = list(dict.fromkeys(changes.values()))
    if returns is None:
        not_returns = set(levels) | set(sources)
        returns = [c for c in df.columns if c not in not_returns]
    returns = as_list(returns)
    _check_roles(returns, levels, changes)
    validate_frame(df, [*returns, *levels, *sources], min_rows=1, allow_all_nan=True)

    has_rows = df.resample(WEEK_FREQ).size() > 0
    weeks = has_rows.index[has_rows.to_numpy()]
    compounded = (1.0 + df[returns]).resample(WEEK_FREQ).prod(min_count=1).loc[weeks] - 1.0
    last = df[list(dict.fromkeys([*levels, *sources]))].resample(WEEK_FREQ).last().loc[weeks]
    diffs = pd.DataFrame({new: last[src].diff() for new, src in changes.items()}, index=weeks)
    out = pd.concat([compounded, last[levels], diffs], axis=1)
    out.index.name = "Date"
    return out


def weekly_excess(
    daily: pd.DataFrame,
    excess: Iterable[Hashable],
    rf: Hashable = "RF",
    levels: Iterable[Hashable] | None = None,
    changes: Mapping[Hashable, Hashable] | None = None,
) -> pd.DataFrame:
    r"""Weekly aggregation in which the ``excess`` columns are daily excess returns over ``rf``.

    For an excess column ``x``, over the days :math:`d` of week :math:`w` on which ``x`` is
    observed:

    .. math::

        X_w = \prod_{d \in w} (1 + x_d + rf_d) - \prod_{d \in w} (1 + rf_d),

    the compounded total return minus the compounded risk-free return. Every other column is
    handled by :func:`bayes_beta.aggregate_weekly` (``rf`` itself is compounded as a return).

    Parameters
    ----------
    daily : pandas.DataFrame
        Daily frame with a sorted ``DatetimeIndex``; not modified.
    excess : iterable of hashable
        The columns holding daily excess returns over ``rf``.
    rf : hashable, default "RF"
        The column of the daily risk-free return.
    levels : iterable of hashable, optional
        Columns aggregated as the last level of the week, as in
        :func:`bayes_beta.aggregate_weekly`.
    changes : mapping, optional
        Mapping ``new column name -> level column`` of week-to-week level changes, as in
        :func:`bayes_beta.aggregate_weekly`.

    Returns
    -------
    pandas.DataFrame
        A new frame indexed by the Friday week-end dates (index named ``"Date"``).

    Raises
    ------
    bayes_beta.ColumnError
        When an ``excess`` column or ``rf`` does not exist.
    bayes_beta.DataError
        When ``daily`` is not a valid time-indexed frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from bayes_beta.data import weekly_excess
    >>> days = pd.bdate_range("2024-01-01", periods=10, name="Date")
    >>> daily = pd.DataFrame({"x": 0.01, "RF": 0.0002}, index=days)
    >>> weekly = weekly_excess(daily, excess=["x"])
    >>> print(weekly.round(6))
                       x     RF
    Date
    2024-01-05  0.051051  0.001
    2024-01-12  0.051051  0.001
    >>> round(1.0102**5 - 1.0002**5, 6)
    0.051051
    """
    excess = list(excess)
    validate_frame(daily, [*excess, rf], name="data")
    total = daily.copy()
    rf_name = {col: f"__{rf}_when_{col}__" for col in excess}  # rf on the days x is observed
    for col in excess:
        total[col] = daily[col] + daily[rf]
        total[rf_name[col]] = daily[rf].where(daily[col].notna())
    weekly = aggregate_weekly(total, levels=levels, changes=changes)
    for col in excess:
        weekly[col] = weekly[col] - weekly[rf_name[col]]
    return weekly.drop(columns=list(rf_name.values()))


def as_list(cols: Iterable[Hashable] | Hashable | None) -> list[Hashable]:
    """Column selection as a list; a single string is one column, not its characters.

    Parameters
    ----------
    cols : iterable of hashable, hashable or None
        One column label, several, or ``None``.

    Returns
    -------
    list
        The labels; empty for ``None``.

    Examples
    --------
    >>> from bayes_beta.data.frames import as_list
    >>> as_list("Util"), as_list(["Util", "Mkt-RF"]), as_list(None)
    (['Util'], ['Util', 'Mkt-RF'], [])
    """
    if cols is None:
        return []
    if isinstance(cols, str) or not isinstance(cols, Iterable):
        return [cols]
    return list(cols)


def _check_roles(
    returns: list[Hashable], levels: list[Hashable], changes: dict[Hashable, Hashable]
) -> None:
    both = [c for c in returns if c in set(levels) | set(changes.values())]
    if both:
        raise DataError(
            f"column {both[0]!r} is listed both as a return and as a level; a column is either "
            "compounded (returns=) or treated as a level (levels=, changes=), not both."
        )
    clash = [new for new in changes if new in set(returns) | set(levels)]
    if clash:
        raise DataError(
            f"change column name {clash[0]!r} is already an output column; pick another name, "
            f"e.g. changes={{'d_{clash[0]}': {changes[clash[0]]!r}}}."
        )


def _check_type(df: object, name: str) -> None:
    if not isinstance(df, pd.DataFrame):
        hint = " Use series.to_frame() first." if isinstance(df, pd.Series) else ""
        raise DataError(f"{name} must be a pandas DataFrame, got {type(df).__name__}.{hint}")


def _check_missing_labels(columns: list[Hashable], name: str) -> None:
    """``None`` and NaN labels cannot be selected by pandas (``df[[None]]`` fails)."""
    for col in columns:
        if col is None or (isinstance(col, float) and np.isnan(col)):
            raise DataError(f"{name} has a column labelled {col!r}; give it a name, e.g. "
                            f"df = df.rename(columns={{{col!r}: 'fund'}}).")


def _check_unique_columns(df: pd.DataFrame, name: str) -> None:
    dup = df.columns[df.columns.duplicated()]
    if len(dup):
        raise DataError(
            f"{name} has duplicate column name {dup[0]!r}; rename or drop it, e.g. "
            "df.loc[:, ~df.columns.duplicated()]."
        )


def _check_index(df: pd.DataFrame, name: str) -> None:
    idx = df.index
    if isinstance(df.columns, pd.MultiIndex):
        raise DataError(
            f"{name} has MultiIndex columns; flatten them first, e.g. "
            "df.columns = ['_'.join(map(str, c)) for c in df.columns]."
        )
    if not isinstance(idx, pd.DatetimeIndex):
        raise DataError(
            f"{name} must have a DatetimeIndex, got {type(idx).__name__} (dtype {idx.dtype}). "
            "Set one with df.set_index(pd.to_datetime(df['Date'])) or "
            "df.index = pd.to_datetime(df.index)."
        )
    if idx.hasnans:
        pos = int(np.flatnonzero(idx.isna())[0])
        raise DataError(
            f"{name} has a missing date (NaT) in its index at row {pos}; drop it with "
            "df[df.index.notna()]."
        )
    dup = idx.duplicated()
    if dup.any():
        first = idx[dup][0]
        raise DataError(
            f"{name} has duplicate dates, first {first.date()}: one row per date is required. "
            "Aggregate or drop them, e.g. df[~df.index.duplicated(keep='last')]."
        )
    if idx.tz is not None:
        raise DataError(
            f"{name} has timezone-aware dates ({idx.tz}); bayes_beta works with plain dates. "
            "Drop the timezone: df.tz_localize(None) keeps the local dates, "
            "df.tz_convert(None) gives UTC."
        )
    if not idx.is_monotonic_increasing:
        pos = int(np.flatnonzero(idx[1:] < idx[:-1])[0]) + 1
        raise DataError(
            f"{name} dates are not sorted: row {pos} ({idx[pos].date()}) comes after "
            f"{idx[pos - 1].date()}. Sort them with df.sort_index()."
        )


def _check_columns_exist(df: pd.DataFrame, columns: list[Hashable], name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if not missing:
        return
    available = [str(c) for c in df.columns]
    hints = []
    for col in missing:
        close = difflib.get_close_matches(str(col), available, n=3, cutoff=0.6)
        if close:
            hints.append(f" Close matches for {col!r}: {', '.join(map(repr, close))}.")
    shown = ", ".join(available[:_MAX_LISTED])
    if len(available) > _MAX_LISTED:
        shown += f", ... ({len(available) - _MAX_LISTED} more)"
    raise ColumnError(
        f"{name} has no column {', '.join(map(repr, missing))}.{''.join(hints)} "
        f"Available columns: {shown}."
    )


def _check_column_values(
    col: pd.Series, label: Hashable, name: str, allow_all_nan: bool = False
) -> None:
    dtype = col.dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise DataError(
            f"{name} column {label!r} is not numeric (dtype {dtype}). Convert it with "
            f"df[{label!r}] = pd.to_numeric(df[{label!r}], errors='coerce') "
            "(unparseable entries become NaN)."
        )
    values = col.to_numpy(dtype=float, na_value=np.nan)
    inf = np.isinf(values)
    if inf.any():
        first = col.index[int(np.flatnonzero(inf)[0])]
        raise DataError(
            f"{name} column {label!r} contains inf, first on {first.date()}; replace it, e.g. "
            "df.replace([np.inf, -np.inf], np.nan)."
        )
    if not allow_all_nan and len(values) and np.isnan(values).all():
        raise DataError(
            f"{name} column {label!r} is entirely NaN; drop it or choose a date range where it "
            "has data."
        )
