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
    """Result of :func:`ols`: coefficients, their covariance and the residual variance.

    Attributes
    ----------
    b : numpy.ndarray
        (K,) least-squares coefficients.
    cov : numpy.ndarray
        (K, K) covariance of ``b``, ``s2 (H'H)^-1``, exactly symmetric.
    s2 : float
        Residual variance, ``SSE / (n - K)``.
    n : int
        Number of complete rows used.

    See Also
    --------
    bayes_beta.data.ols : The estimator that returns it.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.data import ols
    >>> res = ols(np.c_[np.ones(4), [0.0, 1.0, 2.0, 3.0]], [1.0, 3.0, 5.0, 7.0])
    >>> res.b.round(6).tolist(), res.n
    ([1.0, 2.0], 4)
    """

    b: np.ndarray  # (K,) coefficients
    cov: np.ndarray  # (K, K) s2 (H'H)^-1, exactly symmetric
    s2: float  # residual variance, SSE / (n - K)
    n: int  # complete rows used


def complete_rows(y: np.ndarray, H: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows where ``y_t`` and every entry of ``H_t`` are finite.

    These are the steps on which the Kalman filter updates (a NaN in ``y_t`` or in ``H_t``
    skips the update) and the rows :func:`ols` uses.

    Parameters
    ----------
    y : numpy.ndarray
        (n,) target values.
    H : numpy.ndarray
        (n, K) regressors (factor returns).

    Returns
    -------
    numpy.ndarray
        (n,) boolean mask, ``True`` where the row is complete.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.data import complete_rows
    >>> y = np.array([0.1, np.nan, 0.3, 0.4])
    >>> H = np.array([[1.0, 2.0], [1.0, 2.0], [np.nan, 2.0], [1.0, 2.0]])
    >>> complete_rows(y, H).tolist()
    [True, False, False, True]
    """
    return np.isfinite(y) & np.isfinite(H).all(axis=1)


def ols(H, y) -> OLS:
    r"""Ordinary least squares of ``y`` on ``H`` over the complete rows.

    Over the rows where ``y`` and every entry of ``H`` are finite (:func:`complete_rows`),
    with ``n`` such rows and ``K`` columns:

    .. math::

        b = \arg\min_b \lVert y - H b \rVert^2, \qquad
        s^2 = \frac{\sum_t (y_t - H_t b)^2}{n - K}, \qquad
        \operatorname{cov}(b) = s^2 (H'H)^{-1}.

    The covariance is made exactly symmetric. Pure NumPy.

    Parameters
    ----------
    H : array_like
        (n, K) regressors; rows with a NaN are skipped.
    y : array_like
        (n,) target; NaN rows are skipped.

    Returns
    -------
    OLS
        The coefficients ``b``, their covariance ``cov``, the residual variance ``s2`` and the
        number ``n`` of rows used.

    Raises
    ------
    bayes_beta.DataError
        When there are not more complete rows than columns (``n <= K``).

    Examples
    --------
    Utilities' excess return on the market and the 10-year yield change, full sample:

    >>> import bayes_beta as bb
    >>> from bayes_beta.data import ols
    >>> df = bb.datasets.load_example()
    >>> res = ols(df[["Mkt-RF", "d10y"]], df["Util"])
    >>> res.n, res.b.shape, res.cov.shape
    (1421, (2,), (2, 2))
    >>> round(float(res.b[0]), 3)
    0.561
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
    r"""Rows per year of a date index (weekly data 52.2, business days about 261, months 12).

    .. math::

        \text{steps per year} = \frac{n - 1}{\text{days from first to last row} / 365.25}.

    One row is assumed to be weekly data (``365.25 / 7``); rows all on the same date give 1.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The dates of the rows.

    Returns
    -------
    float
        The number of rows per year.

    Examples
    --------
    >>> import pandas as pd
    >>> import bayes_beta as bb
    >>> from bayes_beta.data import steps_per_year
    >>> round(steps_per_year(bb.datasets.load_example().index), 1)
    52.2
    >>> round(steps_per_year(pd.date_range("2020-01-31", periods=25, freq="ME")))
    12
    """
    if len(index) < 2:
        return 365.25 / 7.0  # one row: assume weekly data
    days = float(index.as_unit("ns").asi8[-1] - index.as_unit("ns").asi8[0]) / 86400e9
    return float((len(index) - 1) * 365.25 / days) if days > 0 else 1.0
