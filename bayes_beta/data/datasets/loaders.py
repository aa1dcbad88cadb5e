"""Readers of the data files shipped in ``bayes_beta/data/datasets/data`` (units: see the package).

Each file is parsed once (``functools.cache``) and converted to its public units; every public
loader returns a deep copy, so callers may modify what they get without affecting later calls.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

from bayes_beta.data.frames import aggregate_weekly, validate_frame, weekly_excess
from bayes_beta.errors import DataError

Frequency = Literal["daily", "weekly"]
DateLike = str | pd.Timestamp | None

#: Values of the loaders' ``frequency`` argument.
FREQUENCIES: tuple[str, ...] = ("daily", "weekly")

# dataset name -> (file name, whether the file holds returns in percent to be divided by 100)
_FILES: dict[str, tuple[str, bool]] = {
    "factors": ("us_equity_factors_daily.csv.gz", True),
    "industries": ("us_industries_47_daily.csv.gz", True),
    "size_value": ("us_size_value_25_daily.csv.gz", True),
    "treasury_yields": ("us_treasury_yields_daily.csv.gz", False),
}


@functools.cache
def _daily(key: str) -> pd.DataFrame:
    """Parsed daily file in public units (cached: never modify the returned frame)."""
    filename, percent_returns = _FILES[key]
    source = resources.files("bayes_beta.data.datasets").joinpath("data", filename)
    with source.open("rb") as fh:
        raw = pd.read_csv(fh, compression="gzip")
    dates = pd.DatetimeIndex(pd.to_datetime(raw.pop("Date"), format="%Y-%m-%d"), name="Date")
    df = raw.astype("float64").set_axis(dates, axis=0)
    return df / 100.0 if percent_returns else df


def load_factors(
    start: DateLike = None, end: DateLike = None, frequency: Frequency = "daily"
) -> pd.DataFrame:
    r"""US equity factors ``Mkt-RF, SMB, HML, MOM, RF``, 1960-01-04 .. 2018-12-31, in decimals.

    Daily Fama-French factors and momentum (``Mkt-RF`` an excess return, ``RF`` the daily
    risk-free rate). Weekly (``W-FRI``): ``RF``, ``SMB``, ``HML`` and ``MOM`` are compounded,
    :math:`\prod_d (1 + x_d) - 1`; ``Mkt-RF`` is the weekly excess return

    .. math::

        \prod_d \left(1 + (\mathrm{Mkt{-}RF})_d + \mathrm{RF}_d\right)
        - \prod_d (1 + \mathrm{RF}_d),

    the compounded market return minus the compounded risk-free return. For the long-short
    factors, whose legs are not shipped, compounding the daily spread is an approximation of the
    spread of weekly leg returns.

    Parameters
    ----------
    start, end : str or pandas.Timestamp, optional
        First and last date, inclusive; partial dates like ``"2017"`` work. ``None``: the whole
        range.
    frequency : {"daily", "weekly"}, default "daily"
        Daily rows, or weeks ending on Fridays.

    Returns
    -------
    pandas.DataFrame
        A new frame with a sorted ``DatetimeIndex`` named ``"Date"``.

    Raises
    ------
    bayes_beta.DataError
        When ``start`` or ``end`` is not a date, no row falls between them, or ``frequency`` is
        not supported.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_factors(start="2018-12", frequency="weekly")
    >>> df.shape, list(df.columns)
    ((5, 5), ['Mkt-RF', 'SMB', 'HML', 'MOM', 'RF'])
    >>> df.index.name, str(df.index[0].date()), df.index[0].day_name()
    ('Date', '2018-12-07', 'Friday')
    """
    daily = _select(_daily("factors"), start, end, "factors")
    if _check_frequency(frequency) == "daily":
        return daily.copy()
    return weekly_excess(daily, excess=["Mkt-RF"], rf="RF")


def load_industries(
    start: DateLike = None, end: DateLike = None, frequency: Frequency = "daily"
) -> pd.DataFrame:
    r"""47 value-weighted US industry portfolio returns (``Agric`` .. ``Other``), in decimals.

    Total (not excess) returns, 1960-01-04 .. 2018-12-31. Missing values (industries that start
    late) are kept as NaN. Weekly: compounded over the days present, :math:`\prod_d (1 + r_d) - 1`,
    NaN for weeks with none.

    Parameters
    ----------
    start, end : str or pandas.Timestamp, optional
        First and last date, inclusive; partial dates like ``"2017"`` work. ``None``: the whole
        range.
    frequency : {"daily", "weekly"}, default "daily"
        Daily rows, or weeks ending on Fridays.

    Returns
    -------
    pandas.DataFrame
        A new frame with a sorted ``DatetimeIndex`` named ``"Date"``, one column per industry.

    Raises
    ------
    bayes_beta.DataError
        When ``start`` or ``end`` is not a date, no row falls between them, or ``frequency`` is
        not supported.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_industries(start="2018")
    >>> df.shape, list(df.columns[:3]), df.columns[-1]
    ((251, 47), ['Agric', 'Food', 'Soda'], 'Other')
    """
    daily = _select(_daily("industries"), start, end, "industries")
    if _check_frequency(frequency) == "daily":
        return daily.copy()
    return aggregate_weekly(daily)


def load_size_value(
    start: DateLike = None, end: DateLike = None, frequency: Frequency = "daily"
) -> pd.DataFrame:
    r"""The 25 Fama-French size x book-to-market portfolio returns, in decimals.

    Total returns, ``SMALL.LoBM`` .. ``BIG.HiBM``, 1964-01-02 .. 2015-12-31. Weekly: compounded,
    :math:`\prod_d (1 + r_d) - 1`.

    Parameters
    ----------
    start, end : str or pandas.Timestamp, optional
        First and last date, inclusive; partial dates like ``"2017"`` work. ``None``: the whole
        range.
    frequency : {"daily", "weekly"}, default "daily"
        Daily rows, or weeks ending on Fridays.

    Returns
    -------
    pandas.DataFrame
        A new frame with a sorted ``DatetimeIndex`` named ``"Date"``, one column per portfolio.

    Raises
    ------
    bayes_beta.DataError
        When ``start`` or ``end`` is not a date, no row falls between them, or ``frequency`` is
        not supported.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_size_value(end="1964-01-31")
    >>> df.shape, df.columns[0], df.columns[-1]
    ((22, 25), 'SMALL.LoBM', 'BIG.HiBM')
    """
    daily = _select(_daily("size_value"), start, end, "size_value")
    if _check_frequency(frequency) == "daily":
        return daily.copy()
    return aggregate_weekly(daily)


def load_treasury_yields(
    start: DateLike = None, end: DateLike = None, frequency: Frequency = "daily"
) -> pd.DataFrame:
    """US Treasury constant-maturity yields ``1month`` .. ``30year``, in PERCENT per year.

    1990-01-02 .. 2017-03-29. Yields are levels, not returns, and stay in percent as published:
    a change of ``0.1`` is 10 basis points, the unit of the seed's yield-change regressor.
    Weekly: the last available level of each week (no changes; see
    :func:`bayes_beta.datasets.load_example`).

    Parameters
    ----------
    start, end : str or pandas.Timestamp, optional
        First and last date, inclusive; partial dates like ``"2017"`` work. ``None``: the whole
        range.
    frequency : {"daily", "weekly"}, default "daily"
        Daily rows, or weeks ending on Fridays.

    Returns
    -------
    pandas.DataFrame
        A new frame with a sorted ``DatetimeIndex`` named ``"Date"``, one column per maturity.

    Raises
    ------
    bayes_beta.DataError
        When ``start`` or ``end`` is not a date, no row falls between them, or ``frequency`` is
        not supported.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_treasury_yields(start="2017", frequency="weekly")
    >>> df.shape, df.columns[0], df.columns[-1]
    ((13, 11), '1month', '30year')
    >>> float(df["10year"].iloc[-1])  # percent per year
    2.39
    """
    daily = _select(_daily("treasury_yields"), start, end, "treasury_yields")
    if _check_frequency(frequency) == "daily":
        return daily.copy()
    return aggregate_weekly(daily, levels=list(daily.columns))


def load_example(
    start: DateLike = None, end: DateLike = None, frequency: Frequency = "weekly"
) -> pd.DataFrame:
    r"""Utilities on the market and the 10-year yield change: the default example, weekly.

    Daily rows of the factor, industry and yield files are aligned by an inner join on dates
    (1990-01-02 .. 2017-03-29, the yields' range), then, per week :math:`w` (``W-FRI``, days
    :math:`d` of the week):

    - ``Util``: :math:`\prod_d (1 + \mathrm{Util}_d) - \prod_d (1 + \mathrm{RF}_d)`, the
      Utilities industry excess return;
    - ``Mkt-RF``: :math:`\prod_d (1 + (\mathrm{Mkt{-}RF})_d + \mathrm{RF}_d) -
      \prod_d (1 + \mathrm{RF}_d)`, the market excess return;
    - ``d10y``: :math:`\mathrm{10year}_w - \mathrm{10year}_{w-1}`, the change of the week's last
      10-year yield, in percentage points (0.1 = 10 bp).

    Returns are decimals. The first week (no previous yield) is dropped; there is no NaN.
    ``frequency="daily"`` gives the daily analogues: ``Util - RF``, ``Mkt-RF`` and the
    day-to-day yield change (first day dropped).

    Parameters
    ----------
    start, end : str or pandas.Timestamp, optional
        First and last date, inclusive; partial dates like ``"2017"`` work. ``None``: the whole
        range.
    frequency : {"daily", "weekly"}, default "weekly"
        Weeks ending on Fridays, or daily rows.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns ``Util``, ``Mkt-RF`` and ``d10y`` and a sorted
        ``DatetimeIndex`` named ``"Date"``.

    Raises
    ------
    bayes_beta.DataError
        When ``start`` or ``end`` is not a date, no row falls between them, or ``frequency`` is
        not supported.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> df.shape, list(df.columns)
    ((1421, 3), ['Util', 'Mkt-RF', 'd10y'])
    >>> str(df.index[0].date()), str(df.index[-1].date()), bool(df.notna().all().all())
    ('1990-01-12', '2017-03-31', True)
    >>> bb.datasets.load_example(frequency="daily").shape
    (6805, 3)
    """
    factors = _daily("factors")[["Mkt-RF", "RF"]]
    joined = factors.join(_daily("industries")[["Util"]], how="inner").join(
        _daily("treasury_yields")[["10year"]], how="inner"
    )
    daily = _select(joined.dropna(), start, end, "example")
    frame = pd.DataFrame(
        {
            "Util": daily["Util"] - daily["RF"],
            "Mkt-RF": daily["Mkt-RF"],
            "RF": daily["RF"],
            "10year": daily["10year"],
        }
    )
    if _check_frequency(frequency) == "daily":
        out = frame[["Util", "Mkt-RF"]].assign(d10y=frame["10year"].diff())
    else:
        weekly = weekly_excess(frame, excess=["Util", "Mkt-RF"], changes={"d10y": "10year"})
        out = weekly[["Util", "Mkt-RF", "d10y"]]
    out = out.iloc[1:].copy()
    validate_frame(out, min_rows=1, name="example")
    return out


def _select(df: pd.DataFrame, start: DateLike, end: DateLike, name: str) -> pd.DataFrame:
    """Rows from ``start`` to ``end`` inclusive (partial dates like ``"2017"`` allowed)."""
    for label, value in (("start", start), ("end", end)):
        try:
            if value is not None:
                pd.Timestamp(value)
        except (TypeError, ValueError) as err:
            raise DataError(f"{label}={value!r} is not a date; use e.g. '1990-01-01'.") from err
    out = df.loc[start:end]
    if out.empty:
        raise DataError(
            f"{name} has no rows from start={start!r} to end={end!r}; it covers "
            f"{df.index[0].date()} .. {df.index[-1].date()} (start must not be after end)."
        )
    return out


def _check_frequency(frequency: str) -> str:
    if frequency not in FREQUENCIES:
        raise DataError(f"frequency={frequency!r} is not supported; use one of {FREQUENCIES}.")
    return frequency


LOADERS: dict[str, Callable[..., pd.DataFrame]] = {
    "factors": load_factors,
    "industries": load_industries,
    "size_value": load_size_value,
    "treasury_yields": load_treasury_yields,
    "example": load_example,
}


#: Read-only mapping of dataset name -> one-line description.
DATASETS: Mapping[str, str] = MappingProxyType(
    {
        "factors": "US equity factors Mkt-RF, SMB, HML, MOM, RF; daily 1960-2018; decimals",
        "industries": "47 US industry portfolio returns; daily 1960-2018; decimals, NaN kept",
        "size_value": "25 Fama-French size x book-to-market portfolios; daily 1964-2015; decimals",
        "treasury_yields": "US Treasury yields 1month..30year; daily 1990-2017; percent per year",
        "example": "weekly Util and Mkt-RF excess returns, d10y yield change (points); 1990-2017",
    }
)


def list_datasets() -> list[str]:
    """Names of the shipped datasets, as accepted by :func:`bayes_beta.datasets.load_dataset`.

    Returns
    -------
    list of str
        The dataset names, in the order of ``DATASETS``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.datasets.list_datasets()
    ['factors', 'industries', 'size_value', 'treasury_yields', 'example']
    """
    return list(DATASETS)


def load_dataset(name: str, **kwargs: Any) -> pd.DataFrame:
    """Load a shipped dataset by name (see :func:`bayes_beta.datasets.list_datasets`).

    Parameters
    ----------
    name : str
        One of ``"factors"``, ``"industries"``, ``"size_value"``, ``"treasury_yields"`` and
        ``"example"``.
    **kwargs
        Passed to the dataset's loader: ``start``, ``end``, ``frequency``.

    Returns
    -------
    pandas.DataFrame
        What the loader returns.

    Raises
    ------
    bayes_beta.DataError
        For an unknown name (with a did-you-mean and the valid names), or invalid ``kwargs``
        values.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.datasets.load_dataset("factors", start="2018-12-24").shape
    (5, 5)
    >>> bb.datasets.load_dataset("industry")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: unknown dataset 'industry'. Did you mean 'industries'? ...
    """
    if name not in LOADERS:
        close = difflib.get_close_matches(str(name), list(LOADERS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise DataError(
            f"unknown dataset {name!r}.{hint} Valid names: {', '.join(map(repr, LOADERS))}."
        )
    return LOADERS[name](**kwargs)
