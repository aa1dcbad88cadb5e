r"""One interval helper behind every band, summary and table.

A ``prob`` interval of draws :math:`x^{(1)}, \dots, x^{(S)}` is either

* ``"eti"``, equal-tailed: the :math:`(1 - p)/2` and :math:`(1 + p)/2` quantiles (linear
  interpolation between order statistics, as :func:`numpy.quantile`), or
* ``"hdi"``, highest density: the shortest interval holding a fraction :math:`p` of the draws,

both computed by arviz-stats. :func:`describe` adds the ``mean`` and ``median``; every public
result that reports an interval names its bounds ``lower`` and ``upper`` (``exposure_lower``,
``latest_lower`` where a prefix says which quantity).

>>> import numpy as np, xarray as xr
>>> draws = xr.DataArray(np.arange(100.0).reshape(1, 100), dims=("chain", "draw"))
>>> lower, upper = interval(draws, 0.9)
>>> float(lower), float(upper)
(4.95, 94.05)
>>> sorted(describe(draws, 0.9).data_vars)
['lower', 'mean', 'median', 'upper']
>>> [float(b) for b in bounds(np.arange(100.0), 0.9)]
[4.95, 94.05]
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["KINDS", "SAMPLE_DIMS", "IntervalTable", "bounds", "describe", "interval",
           "interval_table"]

#: The sample dimensions of posterior draws.
SAMPLE_DIMS = ("chain", "draw")
#: The interval kinds.
KINDS = ("eti", "hdi")


def interval(draws: xr.DataArray, prob: float = 0.9, kind: str = "eti",
             dim=SAMPLE_DIMS, skipna: bool = False) -> tuple[xr.DataArray, xr.DataArray]:
    """``(lower, upper)``: the ``prob`` interval of ``draws`` over ``dim`` (see the module)."""
    import arviz_stats as azs

    dims = [dim] if isinstance(dim, str) else list(dim)
    if kind == "eti":
        out = azs.eti(draws, prob=prob, dim=dims, skipna=skipna)
    else:
        out = azs.hdi(draws, prob=prob, dim=dims, skipna=skipna)
    return out.sel(ci_bound="lower", drop=True), out.sel(ci_bound="upper", drop=True)


def describe(draws: xr.DataArray, prob: float = 0.9, kind: str = "eti",
             dim=SAMPLE_DIMS) -> xr.Dataset:
    """``mean``, ``median``, ``lower`` and ``upper`` of ``draws`` over ``dim``."""
    lower, upper = interval(draws, prob, kind, dim)
    return xr.Dataset({"mean": draws.mean(dim), "median": draws.median(dim),
                       "lower": lower, "upper": upper})


def bounds(x, prob: float = 0.9, axis=None, skipna: bool = False):
    """``(lower, upper)``: the equal-tailed ``prob`` interval of a NumPy array over ``axis``
    (all axes when ``None``); arrays of the remaining axes, or floats."""
    from arviz_stats.base import array_stats

    x = np.asarray(x, dtype=float)
    axes = tuple(range(x.ndim)) if axis is None else axis
    out = array_stats.eti(x, prob, axis=axes, skipna=skipna)
    return out[..., 0][()], out[..., 1][()]


class IntervalTable(pd.DataFrame):
    """A table whose interval columns are ``lower`` and ``upper``; the names they had in earlier
    releases (``eti94_lb``, ``5%``, ...) still select them, with a ``FutureWarning``, until the
    next minor release."""

    _metadata = ["renamed"]  # noqa: RUF012 (pandas reads this list)

    @property
    def _constructor(self):
        return IntervalTable

    def __getitem__(self, key):
        renamed = getattr(self, "renamed", None) or {}
        if isinstance(key, str) and key in renamed and key not in self.columns:
            warnings.warn(f"The column {key!r} is now {renamed[key]!r}; the old name will be "
                          "removed in the next minor release.", FutureWarning, stacklevel=2)
            key = renamed[key]
        return super().__getitem__(key)


def interval_table(table: pd.DataFrame, renamed: dict[str, str], prob: float,
                   kind: str = "eti") -> IntervalTable:
    """``table`` with the columns ``renamed`` (old name -> ``lower``/``upper``), the old names
    kept as deprecated aliases, and ``attrs`` ``prob`` and ``kind``.

    >>> import pandas as pd
    >>> t = interval_table(pd.DataFrame({"5%": [1.0], "95%": [2.0]}),
    ...                    {"5%": "lower", "95%": "upper"}, 0.9)
    >>> t.columns.tolist(), t.attrs
    (['lower', 'upper'], {'prob': 0.9, 'kind': 'eti'})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     float(t["5%"].iloc[0]), caught[0].category.__name__
    (1.0, 'FutureWarning')
    """
    out = IntervalTable(table.rename(columns=renamed))
    out.renamed = dict(renamed)
    out.attrs.update(prob=prob, kind=kind)
    return out
