"""CUSUM and CUSUM-of-squares tests of standardised one-step residuals (Brown, Durbin and Evans
1975), with their significance bounds.

For residuals ``w_1 .. w_m`` (after the burn-in)::

    W_x = sum_{j<=x} w_j / sd(w)              bounds  +- a (sqrt(m) + 2 x / sqrt(m))
    s_x = sum_{j<=x} w_j^2 / sum_j w_j^2      bounds  x / m +- c

``a`` = 0.850, 0.948, 1.143 at the 10%, 5%, 1% levels; ``c`` from the approximation of
Edgerton and Wells (1994), ``c = b0 / sqrt(h) + b1 / h + b2 / h^1.5`` with ``h = m / 2 - 1``.
A path leaving its bounds signals a break (CUSUM: in the mean of the residuals, e.g. a missed
exposure shift; of squares: in their variance).
"""

from __future__ import annotations

import numpy as np

from bayes_beta.errors import ArgumentError

__all__ = ["CUSUM_LEVELS", "cusum", "cusum_bounds", "cusum_squares", "cusum_squares_bounds"]

#: The CUSUM bound constant ``a`` per significance level.
CUSUM_LEVELS = {0.10: 0.850, 0.05: 0.948, 0.01: 1.143}
# Edgerton and Wells (1994): b0, b1, b2 (rows) for one-sided levels 0.1, 0.05, 0.025, 0.01, 0.005
_EW = {0.1: (1.072983, -0.6698868, -0.5816458), 0.05: (1.2238734, -0.6700069, -0.7351697),
       0.025: (1.3581015, -0.6701218, -0.8858694), 0.01: (1.5174271, -0.6702672, -1.0847745),
       0.005: (1.6276236, -0.6703724, -1.2365861)}


def _residuals(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    if w.ndim != 1 or w.size < 4 or not np.all(np.isfinite(w)):
        raise ArgumentError("CUSUM needs at least 4 finite residuals in a 1-D array.")
    return w


def cusum(w) -> np.ndarray:
    """``W_x``, x = 1 .. m (module docstring)."""
    w = _residuals(w)
    return np.cumsum(w) / np.std(w, ddof=1)


def cusum_squares(w) -> np.ndarray:
    """``s_x``, x = 1 .. m (module docstring)."""
    w2 = _residuals(w) ** 2
    return np.cumsum(w2) / w2.sum()


def cusum_bounds(m: int, x, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)`` of the CUSUM at ``x`` residuals of ``m``; ``alpha`` 0.10, 0.05, 0.01."""
    if alpha not in CUSUM_LEVELS:
        raise ArgumentError(f"alpha must be one of {sorted(CUSUM_LEVELS)}; got {alpha!r}.")
    a, root = CUSUM_LEVELS[alpha], np.sqrt(m)
    upper = a * root + 2 * a * np.asarray(x, dtype=float) / root
    return -upper, upper


def cusum_squares_bounds(m: int, x, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)`` of the CUSUM of squares at ``x`` residuals of ``m``; ``alpha`` (two
    sided) 0.2, 0.1, 0.05, 0.02, 0.01."""
    key = round(alpha / 2, 6)
    if key not in _EW:
        raise ArgumentError(f"alpha must be one of {sorted(2 * k for k in _EW)}; got {alpha!r}.")
    b0, b1, b2 = _EW[key]
    h = 0.5 * m - 1
    crit = b0 / h**0.5 + b1 / h + b2 / h**1.5
    line = np.asarray(x, dtype=float) / m
    return line - crit, line + crit
