"""Least squares and time-step helpers shared by the design, the classical layer and reports.

    b = argmin ||y - H b||^2,    s2 = sum (y - H b)^2 / (n - K),    cov_b = s2 (H'H)^-1

over the rows where ``y`` and every ``H`` entry are finite. Pure NumPy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from bayes_beta.errors import DataError

__all__ = ["OLS", "complete_rows", "ols", "steps_per_year"]


class OLS(NamedTuple):
    """Result of :func:`ols`."""

    b: np.ndarray  # (K,) coefficients
    cov: np.ndarray  # (K, K) s2 (H'H)^-1, exactly symmetric
    s2: float  # residual variance, SSE / (n - K)
    n: int  # complete rows used


def complete_rows(y: np.ndarray, H: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows where ``y_t`` and every entry of ``H_t`` are finite."""
    return np.isfinite(y) & np.isfinite(H).all(axis=1)


def ols(H, y) -> OLS:
    """OLS of ``y`` (n,) on ``H`` (n, K) over complete rows (module docstring).

    Raises :class:`~bayes_beta.DataError` when there are not more complete rows than columns.
    """
    H, y = np.asarray(H, dtype=float), np.asarray(y, dtype=float)
    ok = complete_rows(y, H)
    n, K = int(ok.sum()), H.shape[1]
    if n <= K:
        raise DataError(
            f"OLS needs more complete rows than factors: {n} rows for K = {K}. "
            "Use a longer sample or fewer factors."
        )
    Hc, yc = H[ok], y[ok]
    b, *_ = np.linalg.lstsq(Hc, yc, rcond=None)
    s2 = float(np.sum((yc - Hc @ b) ** 2) / (n - K))
    cov = s2 * np.linalg.pinv(Hc.T @ Hc)
    return OLS(b, 0.5 * (cov + cov.T), s2, n)


def steps_per_year(index: pd.DatetimeIndex) -> float:
    """Rows per year: ``(n - 1) / (days from first to last row / 365.25)`` (weekly data 52.2,
    business days about 261, months 12)."""
    if len(index) < 2:
        return 365.25 / 7.0  # one row: assume weekly data
    days = float(index.as_unit("ns").asi8[-1] - index.as_unit("ns").asi8[0]) / 86400e9
    return float((len(index) - 1) * 365.25 / days) if days > 0 else 1.0
