"""Real US market data shipped with bayes_beta, loaded as pandas DataFrames.

Datasets (names accepted by :func:`load_dataset` and model spec files):

=================== ========================================================== ===================
name                content                                                    daily range
=================== ========================================================== ===================
``factors``         ``Mkt-RF, SMB, HML, MOM, RF`` (Fama-French + momentum)     1960-01-04 .. 2018
``industries``      47 value-weighted industry portfolios (``Agric`` .. )      1960-01-04 .. 2018
``size_value``      25 size x book-to-market portfolios (``SMALL.LoBM`` .. )   1964-01-02 .. 2015
``treasury_yields`` constant-maturity yields ``1month`` .. ``30year``          1990-01-02 .. 2017
``example``         weekly ``Util``, ``Mkt-RF`` excess returns and ``d10y``    1990-01 .. 2017-03
=================== ========================================================== ===================

Units
-----
- Returns are **decimals**: ``0.01`` is 1% (the files store percent; loaders divide by 100).
  Industry and size/value returns are total returns; ``Mkt-RF`` is an excess return and ``RF``
  the daily risk-free rate.
- Yields are **percent per year**, as published (``2.39`` is 2.39%). They are levels, not
  returns, and the seed notebook regresses on yield *changes* in percentage points, so a
  coefficient reads "return per +1 point of yield" and ``0.1`` is 10 basis points.

Every loader has ``start=None, end=None`` (inclusive; partial dates like ``"2017"`` work) and
``frequency="daily" | "weekly"``; weekly rows end on Fridays (``W-FRI``), returns compounded,
yields the last level of the week (see :func:`bayes_beta.data.frames.aggregate_weekly`). Each call
returns a new DataFrame with a sorted ``DatetimeIndex`` named ``"Date"``; files are parsed once.

Provenance and licences
-----------------------
The factor, industry and size/value files come from the ZCAPM 0.4.0 package data (BSD-3-Clause;
originally Kenneth R. French's Data Library); the yields are a modified extract of zipline-reloaded
3.2.1's ``treasury_curves.csv`` (Apache License 2.0). ``bayes_beta/data/datasets/data/NOTICE.md``
(with the BSD-3-Clause text) and ``LICENSE-Apache-2.0.txt`` ship next to the files and must be
kept with them when redistributing.
"""

from __future__ import annotations

from bayes_beta.data.datasets.loaders import (
    DATASETS,
    FREQUENCIES,
    list_datasets,
    load_dataset,
    load_example,
    load_factors,
    load_industries,
    load_size_value,
    load_treasury_yields,
)

__all__ = [
    "DATASETS",
    "FREQUENCIES",
    "list_datasets",
    "load_dataset",
    "load_example",
    "load_factors",
    "load_industries",
    "load_size_value",
    "load_treasury_yields",
]
