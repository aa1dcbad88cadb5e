"""Validated arrays of a target and its factor columns, for the classical workflow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_beta.data.frames import validate_frame
from bayes_beta.errors import DataError, SpecError

__all__ = ["frame_arrays"]


def frame_arrays(df: pd.DataFrame, target_col, factor_cols, K: int | None = None):
    """Validated copies ``(y (n,), H (n, K), index)`` of ``df[target_col]``, ``df[factor_cols]``.

    Raises :class:`~bayes_beta.ColumnError` for a missing column, :class:`~bayes_beta.SpecError`
    when the number of factor columns differs from the spec's ``K``.
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
