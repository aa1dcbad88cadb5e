"""Validated arrays of a target and its factor columns, for the classical workflow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_beta.data.frames import validate_frame
from bayes_beta.errors import DataError, SpecError

__all__ = ["frame_arrays"]


def frame_arrays(df: pd.DataFrame, target_col, factor_cols, K: int | None = None):
    """Validated float copies of a target column and its factor columns.

    The classical workflow's one entry point for data: ``df`` is checked as every input frame
    is (:func:`bayes_beta.validate_frame`: a sorted ``DatetimeIndex`` without duplicates or
    timezone, numeric columns without ``inf``, at least two rows), then ``df[target_col]`` and
    ``df[factor_cols]`` are copied to ``float64`` arrays (NaN kept: the filter skips those
    steps). ``df`` itself is never modified.

    Parameters
    ----------
    df : pandas.DataFrame
        The data, indexed by date.
    target_col : hashable
        The column of the target return ``y``.
    factor_cols : hashable or sequence of hashable
        The factor column(s) ``H``; a single string is one factor.
    K : int, optional
        The spec's number of exposures; when given, the number of factor columns must be ``K``.

    Returns
    -------
    y : numpy.ndarray
        (n,) copy of ``df[target_col]``.
    H : numpy.ndarray
        (n, K) copy of ``df[factor_cols]``.
    index : pandas.DatetimeIndex
        The dates of the rows.

    Raises
    ------
    bayes_beta.ColumnError
        A column is missing (with close matches).
    bayes_beta.DataError
        No factor column, the target is also a factor, or the frame fails the checks.
    bayes_beta.SpecError
        The number of factor columns differs from ``K``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import frame_arrays
    >>> df = bb.datasets.load_example()
    >>> y, H, index = frame_arrays(df, "Util", ["Mkt-RF", "d10y"], K=2)
    >>> y.shape, H.shape, H.dtype, index.name
    ((1421,), (1421, 2), dtype('float64'), 'Date')
    >>> frame_arrays(df, "Util", "Mkt-RF", K=2)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: The spec has K = 2 exposures but 1 factor columns were given ...
    """
    factors = [factor_cols] if isinstance(factor_cols, str) else list(factor_cols)
    if not factors:
        raise DataError("Give at least one factor column, e.g. factor_cols=['Mkt-RF'].")
    if target_col in factors:
        raise DataError(f"Column {target_col!r} is both the target and a factor; drop it there.")
    validate_frame(df, [target_col, *factors], min_rows=2, name="data")
    if K is not None and len(factors) != K:
        raise SpecError(
            f"The spec has K = {K} exposures but {len(factors)} factor columns were given "
            f"({', '.join(map(repr, factors))}); use KalmanSpec(K={len(factors)}) or pass "
            f"{K} factor columns."
        )
    y = df[target_col].to_numpy(dtype=np.float64, na_value=np.nan)
    H = df[factors].to_numpy(dtype=np.float64, na_value=np.nan)
    return y, H, pd.DatetimeIndex(df.index)
