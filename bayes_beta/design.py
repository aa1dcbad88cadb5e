"""From a user's DataFrame to the arrays of a time-varying regression (no PyMC, no plots).

A :class:`Design` holds ``y`` (n,), ``H`` (n, K), the dates, factor names, the data units used by
scale-aware priors, and the initial state ``beta_0 ~ N(b0, P0)``.

Initial state rules (``initial=``):

- ``"ols"`` (default): ``b0`` is the OLS estimate on the first ``init_window`` complete rows
  (default ``max(4 K, 26)``), ``P0 = 10 x`` its OLS covariance (an inflated, proper start that
  lets the data take over within a few steps). Filtered exposures inside that window therefore
  depend on the window's data; after it, they use no data beyond ``t``.
- ``"diffuse"``: ``b0 = 0``, ``P0 = diag((10 sd(y) / sd(H_k))^2)``: uses no data at all.
- ``"prior"``: ``b0`` becomes a parameter with prior ``N(b0_ols, diag(P0_ols))`` and ``P0 = 0``
  (the same marginal likelihood as ``"ols"``, with ``b0`` in the posterior).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bayes_beta.errors import DataError, SpecError
from bayes_beta.frames import validate_frame

__all__ = ["Design", "make_design"]

INITIAL_RULES = ("ols", "diffuse", "prior")
DYNAMICS = ("random_walk", "mean_reverting")
LIKELIHOODS = ("fused", "scan")
ALPHA = "alpha"


@dataclass(frozen=True, eq=False)
class Design:
    """Validated arrays and settings of a time-varying factor regression."""

    y: np.ndarray  # (n,)
    H: np.ndarray  # (n, K), a leading column of ones when intercept
    time: pd.DatetimeIndex
    target: str
    factors: tuple[str, ...]  # as in H (with "alpha" first when intercept)
    intercept: bool
    dynamics: str
    initial: str
    init_window: int
    b0: np.ndarray
    P0: np.ndarray
    y_unit: float  # sd(y)
    state_unit: np.ndarray  # (K,) sd(y)/sd(H_k)/sqrt(steps per year)
    steps_per_year: float
    ols: np.ndarray = field(repr=False)  # full-sample OLS coefficients, for reference lines
    likelihood: str = "fused"  # "fused" (numba Op, analytic gradient) or "scan" (pytensor graph)

    @property
    def K(self) -> int:
        return self.H.shape[1]

    def fingerprint(self) -> str:
        """sha256 of the data (y, H, dates, names): identifies what a fit was run on."""
        h = hashlib.sha256()
        for a in (self.y, self.H, self.time.as_unit("ns").asi8):
            h.update(np.ascontiguousarray(a).tobytes())
        h.update(repr((self.target, self.factors)).encode())
        return h.hexdigest()

    def settings(self) -> dict:
        """The model settings (JSON-friendly), saved with a fit."""
        return {
            "target": self.target,
            "factors": list(self.factors),
            "intercept": self.intercept,
            "dynamics": self.dynamics,
            "initial": self.initial,
            "init_window": self.init_window,
        }


def _steps_per_year(index: pd.DatetimeIndex) -> float:
    days = np.median(np.diff(index.as_unit("ns").asi8)) / 86400e9 if len(index) > 1 else 7.0
    return float(365.25 / days) if days > 0 else 1.0


def _check_factors(X: np.ndarray, names: list[str]) -> None:
    """Constant and perfectly collinear factors make exposures unidentified."""
    for k, name in enumerate(names):
        col = X[:, k]
        if np.nanstd(col) == 0:
            raise DataError(
                f"Factor {name!r} is constant ({col[~np.isnan(col)][0]!r}); it cannot "
                "be told apart from an intercept. Drop it or use intercept=True."
            )
    complete = X[~np.isnan(X).any(axis=1)]
    if complete.shape[0] and np.linalg.matrix_rank(complete) < X.shape[1]:
        for k in range(1, X.shape[1]):  # the first column that the earlier ones explain
            others = complete[:, :k]
            coef, *_ = np.linalg.lstsq(others, complete[:, k], rcond=None)
            resid = complete[:, k] - others @ coef
            if np.std(resid) <= 1e-10 * np.std(complete[:, k]):
                raise DataError(
                    f"Factor {names[k]!r} is perfectly collinear with the other "
                    "factors (a linear combination of them); drop one of them."
                )


def _ols(X: np.ndarray, y: np.ndarray):
    ok = ~(np.isnan(y) | np.isnan(X).any(axis=1))
    X, y = X[ok], y[ok]
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    dof = max(len(y) - X.shape[1], 1)
    s2 = float(np.sum((y - X @ coef) ** 2) / dof)
    cov = s2 * np.linalg.pinv(X.T @ X)
    return coef, 0.5 * (cov + cov.T)


def make_design(
    df: pd.DataFrame,
    target: str,
    factors,
    *,
    intercept: bool = False,
    dynamics: str = "random_walk",
    initial: str = "ols",
    init_window: int | None = None,
    likelihood: str = "fused",
) -> Design:
    """Validate ``df`` and build the :class:`Design`; ``df`` itself is never modified."""
    if isinstance(factors, str):
        factors = [factors]
    factors = list(factors)
    if not factors:
        raise DataError("Give at least one factor column, e.g. factors=['Mkt-RF'].")
    if target in factors:
        raise DataError(
            f"Column {target!r} is both the target and a factor; remove it from factors."
        )
    if dynamics not in DYNAMICS:
        raise SpecError(f"dynamics must be one of {DYNAMICS}; got {dynamics!r}.")
    if likelihood not in LIKELIHOODS:
        raise SpecError(f"likelihood must be one of {LIKELIHOODS}; got {likelihood!r}.")
    if initial not in INITIAL_RULES:
        raise SpecError(f"initial must be one of {INITIAL_RULES}; got {initial!r}.")
    K = len(factors) + int(intercept)
    min_rows = max(20, 5 * K)
    validate_frame(df, columns=[target, *factors], min_rows=min_rows, name="data")
    y = df[target].to_numpy(dtype=np.float64, na_value=np.nan)  # copies
    X = df[factors].to_numpy(dtype=np.float64, na_value=np.nan)
    _check_factors(X, factors)
    names = [ALPHA, *factors] if intercept else factors
    H = np.c_[np.ones(len(y)), X] if intercept else X
    complete = ~(np.isnan(y) | np.isnan(H).any(axis=1))
    n_ok = int(complete.sum())
    if n_ok < min_rows:
        raise DataError(
            f"Only {n_ok} rows have the target and every factor; at least {min_rows} "
            f"are needed for {K} exposures. Use a longer date range or fewer factors."
        )
    y_unit = float(np.std(y[complete]))
    if y_unit == 0:
        raise DataError(f"Target {target!r} is constant; there is nothing to explain.")
    h_sd = np.std(H[complete], axis=0)
    beta_unit = y_unit / np.where(h_sd > 0, h_sd, 1.0)  # an intercept column uses sd(y)
    spy = _steps_per_year(df.index)
    window = int(init_window) if init_window is not None else max(4 * K, 26)
    if window < K + 2 or window > n_ok:
        raise DataError(
            f"init_window must be between {K + 2} and {n_ok} complete rows; got {window}."
        )
    rows = np.flatnonzero(complete)[:window]
    if initial == "diffuse":
        b0, P0 = np.zeros(K), np.diag((10 * beta_unit) ** 2)
    else:
        b0, cov = _ols(H[rows], y[rows])
        P0 = 10.0 * cov
    ols, _ = _ols(H, y)
    return Design(
        y=y,
        H=H,
        time=pd.DatetimeIndex(df.index),
        target=str(target),
        factors=tuple(names),
        intercept=bool(intercept),
        dynamics=dynamics,
        initial=initial,
        init_window=window,
        b0=b0,
        P0=P0,
        y_unit=y_unit,
        state_unit=beta_unit / np.sqrt(spy),
        steps_per_year=spy,
        ols=ols, likelihood=likelihood,
    )
