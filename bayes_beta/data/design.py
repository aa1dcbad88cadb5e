"""From a user's DataFrame to the arrays of a time-varying regression (pure NumPy/pandas).

A :class:`Design` holds ``y`` (n,), ``H`` (n, K), the dates, factor names, the data units used by
scale-aware priors, and the initial state ``beta_0 ~ N(b0, P0)``. It is data: model choices
(dynamics, likelihood, priors) live in :mod:`bayes_beta.specs`.

Initial state rules (``initial=``):

- ``"ols"`` (default): ``b0`` is the OLS estimate on the first ``init_window`` complete rows
  (default ``max(4 K, 26)``), ``P0 = 10 x`` its OLS covariance (an inflated, proper start that
  lets the data take over within a few steps). Filtered exposures inside that window therefore
  depend on the window's data; after it, they use no data beyond ``t``.
- ``"diffuse"``: ``b0 = 0``, ``P0 = diag((10 sd(y) / sd(H_k))^2)``: uses no data at all.
- ``"prior"``: ``b0`` becomes a parameter with prior ``N(b0_ols, P0_ols)`` (the full
  covariance) and ``P0 = 0``: the same marginal likelihood as ``"ols"``, with ``b0`` in the
  posterior.
- ``(b0, P0)``: a start given by the user, ``beta_0 ~ N(b0, P0)``; uses no data (recorded as
  ``"given"``; e.g. for simulation-based calibration, where the start must not look at ``y``).

Units: ``y_unit = sd(y)``; ``state_unit_k = sd(y) / sd(H_k) / sqrt(steps per year)`` (an
intercept column uses ``sd(y)``), so priors relative to them give the same exposures whether
returns are in percent or decimals. ``units=(y_unit, state_unit)`` fixes them instead (priors
that do not depend on the data, e.g. for simulation-based calibration).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bayes_beta.data.frames import validate_frame
from bayes_beta.data.regression import complete_rows, ols, steps_per_year
from bayes_beta.errors import DataError, SpecError
from bayes_beta.linalg import check_psd

__all__ = ["ALPHA", "INITIAL_RULES", "Design", "make_design"]

#: Initial-state rules of ``make_design`` (``"given"`` records a start ``(b0, P0)`` given by
#: the user).
INITIAL_RULES = ("ols", "diffuse", "prior", "given")
#: Name of the intercept's exposure (``intercept=True``).
ALPHA = "alpha"
_CONSTANT_RTOL = 1e-10  # sd <= this x |mean|: a constant column
_COLLINEAR_RTOL = 1e-7  # residual sd <= this x column sd: explained by the earlier columns


@dataclass(frozen=True, eq=False)
class Design:
    r"""Validated arrays and settings of a time-varying factor regression.

    The data of the model

    .. math::

        \beta_t = T \beta_{t-1} + \eta_t, \qquad y_t = H_t \beta_t + \varepsilon_t,
        \qquad \beta_0 \sim N(b_0, P_0),

    that is the target ``y``, the factor returns ``H`` (one row :math:`H_t` per date), the
    dates, the names, the data units used by scale-aware priors and the initial state
    :math:`(b_0, P_0)`. It is data: model
    choices (dynamics, likelihood, priors) live in :mod:`bayes_beta.specs`. Build it with
    :func:`bayes_beta.make_design`; it is frozen.

    Attributes
    ----------
    y : numpy.ndarray
        (n,) target values (NaN where missing).
    H : numpy.ndarray
        (n, K) factor values, with a leading column of ones when ``intercept``.
    time : pandas.DatetimeIndex
        The n dates (nanosecond unit).
    target : str
        Name of the target column.
    factors : tuple of str
        Names of the columns of ``H``, with ``"alpha"`` first when ``intercept``.
    intercept : bool
        Whether ``H`` has a leading column of ones.
    initial : str
        The initial-state rule: ``"ols"``, ``"diffuse"``, ``"prior"`` or ``"given"`` (a start
        ``(b0, P0)`` given by the user).
    init_window : int
        Number of complete rows of the OLS start.
    b0 : numpy.ndarray
        (K,) mean of :math:`\beta_0`.
    P0 : numpy.ndarray
        (K, K) covariance of :math:`\beta_0`.
    y_unit : float
        ``sd(y)``, the unit of the observation-noise sd.
    state_unit : numpy.ndarray
        (K,) ``sd(y) / sd(H_k) / sqrt(steps per year)``, the units of the state-noise sds (an
        intercept column uses ``sd(y)``).
    steps_per_year : float
        Rows per year (:func:`bayes_beta.data.steps_per_year`).
    ols : numpy.ndarray
        (K,) full-sample OLS coefficients, for reference lines.
    multiplier : numpy.ndarray or None
        (n,) given variance multipliers :math:`m_t = R_t / R`, or ``None``.
    multiplier_column : str or None
        Name of the column of variance multipliers, or ``None``.

    See Also
    --------
    bayes_beta.make_design : Builds a design from a DataFrame.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df, target="Util", factors=["Mkt-RF", "d10y"])
    >>> design.y.shape, design.H.shape, design.factors
    ((1421,), (1421, 2), ('Mkt-RF', 'd10y'))
    >>> design.initial, design.init_window, design.b0.shape, design.P0.shape
    ('ols', 26, (2,), (2, 2))
    >>> round(design.steps_per_year, 1), design.ols.round(3).tolist()
    (52.2, [0.561, -0.021])
    """

    y: np.ndarray  # (n,)
    H: np.ndarray  # (n, K), a leading column of ones when intercept
    time: pd.DatetimeIndex
    target: str
    factors: tuple[str, ...]  # as in H (with "alpha" first when intercept)
    intercept: bool
    initial: str
    init_window: int
    b0: np.ndarray
    P0: np.ndarray
    y_unit: float  # sd(y)
    state_unit: np.ndarray  # (K,) sd(y)/sd(H_k)/sqrt(steps per year)
    steps_per_year: float
    ols: np.ndarray = field(repr=False)  # full-sample OLS coefficients, for reference lines
    multiplier: np.ndarray | None = field(default=None, repr=False)  # (n,) given R_t / R
    multiplier_column: str | None = None

    @property
    def K(self) -> int:
        """Number of exposures (states): the columns of ``H``, the intercept included.

        Returns
        -------
        int
            ``H.shape[1]``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> bb.make_design(df, "Util", ["Mkt-RF", "d10y"], intercept=True).K
        3
        """
        return self.H.shape[1]

    @property
    def observed(self) -> np.ndarray:
        """Rows with the target and every factor (the steps the filter updates on).

        Returns
        -------
        numpy.ndarray
            (n,) boolean mask (:func:`bayes_beta.data.complete_rows` of ``y`` and ``H``).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> design = bb.make_design(bb.datasets.load_example(), "Util", ["Mkt-RF"])
        >>> int(design.observed.sum()), len(design.y)
        (1421, 1421)
        """
        return complete_rows(self.y, self.H)

    def fingerprint(self) -> str:
        """The sha256 digest of the data (y, H, dates, names): identifies what a fit was run on.

        The variance multipliers, when given, are part of it.

        Returns
        -------
        str
            The hexadecimal sha256 digest (64 characters).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> a = bb.make_design(df, "Util", ["Mkt-RF"]).fingerprint()
        >>> len(a), a == bb.make_design(df.copy(), "Util", ["Mkt-RF"]).fingerprint()
        (64, True)
        >>> a == bb.make_design(df.iloc[1:], "Util", ["Mkt-RF"]).fingerprint()
        False
        """
        h = hashlib.sha256()
        arrays = (self.y, self.H, self.time.as_unit("ns").asi8)
        for a in arrays if self.multiplier is None else (*arrays, self.multiplier):
            h.update(np.ascontiguousarray(a).tobytes())
        h.update(repr((self.target, self.factors)).encode())
        return h.hexdigest()

    def settings(self) -> dict:
        """The settings that shaped the arrays (JSON-friendly), saved with a fit.

        Returns
        -------
        dict
            ``target``, ``factors``, ``intercept``, ``initial``, ``init_window`` and
            ``multiplier_column``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> design = bb.make_design(bb.datasets.load_example(), "Util", ["Mkt-RF", "d10y"])
        >>> design.settings()
        {'target': 'Util', 'factors': ['Mkt-RF', 'd10y'], 'intercept': False, 'initial': 'ols',
         'init_window': 26, 'multiplier_column': None}
        """
        return {
            "target": self.target,
            "factors": list(self.factors),
            "intercept": self.intercept,
            "initial": self.initial,
            "init_window": self.init_window,
            "multiplier_column": self.multiplier_column,
        }


def check_factors(H: np.ndarray, names: list[str]) -> None:
    r"""Refuse constant columns and columns that the earlier ones explain exactly.

    ``H`` is the full design (the intercept column included), so a factor that is constant or
    collinear with the intercept is caught too. Only the rows where every entry of ``H`` is
    finite are used. Tests are relative to each column's scale: column ``k`` (other than
    ``"alpha"``) is constant when :math:`\mathrm{sd}(H_k) \le 10^{-10} |\mathrm{mean}(H_k)|`, and
    it is a linear combination of the columns before it when the residual of its least-squares fit
    on them has :math:`\mathrm{sd} \le 10^{-7} \sqrt{\mathrm{mean}(H_k^2)}`.

    Parameters
    ----------
    H : numpy.ndarray
        (n, K) design, the intercept column included.
    names : list of str
        The K column names (``"alpha"`` for the intercept).

    Returns
    -------
    None
        Nothing: the function returns when every column is usable and raises otherwise.

    Raises
    ------
    bayes_beta.DataError
        When a factor is constant or a linear combination of the columns before it.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.data import check_factors
    >>> t = np.arange(30.0)
    >>> check_factors(np.c_[np.ones(30), t, np.sin(t)], ["alpha", "a", "b"]) is None
    True
    >>> check_factors(np.c_[np.ones(30), t, 2 * t], ["alpha", "a", "b"])
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: Factor 'b' is a linear combination of 'alpha', 'a': ...
    """
    complete = H[np.isfinite(H).all(axis=1)]
    for k, name in enumerate(names):
        col = complete[:, k]
        if name != ALPHA and col.size and np.std(col) <= _CONSTANT_RTOL * abs(np.mean(col)):
            raise DataError(
                f"Factor {name!r} is constant ({col[0]!r}) on the rows used; its exposure "
                "cannot be told apart from an intercept. Drop it or use intercept=True."
            )
    for k in range(1, H.shape[1]):
        coef, *_ = np.linalg.lstsq(complete[:, :k], complete[:, k], rcond=None)
        resid = complete[:, k] - complete[:, :k] @ coef
        if np.std(resid) <= _COLLINEAR_RTOL * np.sqrt(np.mean(complete[:, k] ** 2)):
            others = ", ".join(repr(n) for n in names[:k])
            raise DataError(
                f"Factor {names[k]!r} is a linear combination of {others}: its exposure is "
                "not identified. Drop it (or one of the others)."
            )


def _given_start(initial, K: int):
    """``(b0, P0)`` of a user-given start, checked (shapes, finite, P0 symmetric PSD)."""
    try:
        b0, P0 = (np.array(x, dtype=float) for x in initial)
    except (TypeError, ValueError) as err:
        raise SpecError(f"initial must be one of {INITIAL_RULES[:3]} or a pair (b0, P0) of "
                        f"arrays; got {initial!r}.") from err
    if b0.shape != (K,) or P0.shape != (K, K) or not np.isfinite(P0).all() or \
            not np.isfinite(b0).all():
        raise SpecError(f"initial=(b0, P0) needs finite b0 of shape ({K},) and P0 of shape "
                        f"({K}, {K}) for the {K} exposures; got {b0.shape} and {P0.shape}.")
    check_psd("P0 of initial", P0)
    return b0, P0


def _initial_state(H, y, rows, initial, beta_unit):
    if not isinstance(initial, str):
        return _given_start(initial, H.shape[1])
    if initial == "diffuse":
        return np.zeros(H.shape[1]), np.diag((10 * beta_unit) ** 2)
    start = ols(H[rows], y[rows])
    return start.b, 10.0 * start.cov


def _arrays(df, target, factors, intercept):
    y = df[target].to_numpy(dtype=np.float64, na_value=np.nan)  # copies
    X = np.column_stack([df[f].to_numpy(dtype=np.float64, na_value=np.nan) for f in factors])
    names = [str(f) for f in factors]
    names = [ALPHA, *names] if intercept else names
    H = np.c_[np.ones(len(y)), X] if intercept else X
    return y, H, names


def _check_labels(target, factors) -> None:
    """Column labels become names (``str(label)``) in the fit: they must stay distinct."""
    labels = [target, *factors]
    for label in labels:
        if isinstance(label, float) and np.isnan(label):
            raise DataError("A column is labelled NaN; give it a name, e.g. "
                            "df = df.rename(columns={np.nan: 'fund'}).")
    names = [str(label) for label in labels]
    for name in set(names):
        same = [label for label in labels if str(label) == name]
        if len(same) > 1:
            raise DataError(f"Columns {same!r} all read {name!r} as names; rename one of them.")


def _units(y, H, spy, units):
    """``(y_unit, state_unit)``: from the data, or checked when given."""
    if units is not None:
        try:
            y_unit = float(units[0])
            state_unit = np.broadcast_to(np.asarray(units[1], dtype=float), (H.shape[1],)).copy()
        except (TypeError, ValueError, IndexError) as err:
            raise SpecError(f"units must be (y_unit, state_unit) with {H.shape[1]} state "
                            f"units; got {units!r}.") from err
        if not (y_unit > 0 and np.all(state_unit > 0) and np.isfinite(state_unit).all()):
            raise SpecError(f"units must be positive and finite; got {units!r}.")
        return y_unit, state_unit
    y_unit = float(np.std(y))
    h_sd = np.std(H, axis=0)
    beta_unit = y_unit / np.where(h_sd > 0, h_sd, 1.0)  # an intercept column uses sd(y)
    return y_unit, beta_unit / np.sqrt(spy)


def _multiplier(df, label, complete) -> np.ndarray:
    """The column of variance multipliers: positive and finite wherever the row is observed."""
    validate_frame(df, columns=[label], name="data")
    m = df[label].to_numpy(dtype=np.float64, na_value=np.nan)
    bad = complete & ~(np.isfinite(m) & (m > 0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"Variance multiplier column {label!r} must be positive and finite wherever the "
            f"target and factors are observed; row {first} ({df.index[first].date()}) has "
            f"{m[first]!r}. Fill or drop that row, or choose another column.")
    return np.where(complete, m, 1.0)


def _check_request(target, factors, initial, intercept) -> list:
    factors = [factors] if isinstance(factors, str) else list(factors)
    if not factors:
        raise DataError("Give at least one factor column, e.g. factors=['Mkt-RF'].")
    if any(f is target or f == target for f in factors):
        raise DataError(
            f"Column {target!r} is both the target and a factor; remove it from factors."
        )
    if len(set(factors)) < len(factors):
        raise DataError(f"factors {factors} repeat a column; list each factor once.")
    if intercept and ALPHA in factors:
        raise DataError(f"With intercept=True no factor may be called {ALPHA!r} (the "
                        "intercept's name); rename the column.")
    if isinstance(initial, str) and initial not in INITIAL_RULES[:3]:
        raise SpecError(f"initial must be one of {INITIAL_RULES[:3]} or a pair (b0, P0); got "
                        f"{initial!r}.")
    _check_labels(target, factors)
    return factors


def make_design(
    df: pd.DataFrame,
    target: str,
    factors,
    *,
    intercept: bool = False,
    initial: str = "ols",
    init_window: int | None = None,
    units=None,
    multiplier=None,
) -> Design:
    r"""Validate ``df`` and build the :class:`~bayes_beta.data.Design`; ``df`` is never modified.

    The design holds ``y`` (n,), ``H`` (n, K), the dates, the factor names, the data units used
    by scale-aware priors, and the initial state :math:`\beta_0 \sim N(b_0, P_0)` of the model

    .. math::

        \beta_t = T \beta_{t-1} + \eta_t, \qquad y_t = H_t \beta_t + \varepsilon_t.

    Initial state rules (``initial=``):

    - ``"ols"`` (default): ``b0`` is the OLS estimate on the first ``init_window`` complete rows
      (default ``max(4 K, 26)``), ``P0 = 10 x`` its OLS covariance (an inflated, proper start
      that lets the data take over within a few steps). Filtered exposures inside that window
      therefore depend on the window's data; after it, they use no data beyond ``t``.
    - ``"diffuse"``: ``b0 = 0``, ``P0 = diag((10 sd(y) / sd(H_k))^2)``: uses no data at all.
    - ``"prior"``: ``b0`` becomes a parameter with prior ``N(b0_ols, P0_ols)`` (the full
      covariance) and ``P0 = 0``: the same marginal likelihood as ``"ols"``, with ``b0`` in the
      posterior.
    - ``(b0, P0)``: a start given by the user, :math:`\beta_0 \sim N(b_0, P_0)`; uses no data
      (recorded as ``"given"``; e.g. for simulation-based calibration, where the start must not
      look at ``y``).

    Units: ``y_unit = sd(y)``; ``state_unit_k = sd(y) / sd(H_k) / sqrt(steps per year)`` (an
    intercept column uses ``sd(y)``), so priors relative to them give the same exposures whether
    returns are in percent or decimals.

    Parameters
    ----------
    df : pandas.DataFrame
        Time-indexed frame holding the target and factor columns (checked by
        :func:`bayes_beta.validate_frame`).
    target : str
        The column to explain (e.g. a fund's excess return).
    factors : str or list of str
        The factor columns, at least one.
    intercept : bool, default False
        Add a leading column of ones to ``H``, with exposure ``"alpha"``.
    initial : str or tuple of array_like, default "ols"
        ``"ols"``, ``"diffuse"``, ``"prior"`` or a pair ``(b0, P0)``, as above.
    init_window : int, optional
        Number of complete rows of the OLS start, between ``K + 2`` and the number of complete
        rows; default ``max(4 K, 26)``.
    units : tuple, optional
        ``(y_unit, state_unit)`` fixes the units instead of taking them from the data (priors
        that do not depend on the data, e.g. for simulation-based calibration); ``state_unit``
        is one number or one per exposure, all positive and finite.
    multiplier : str, optional
        The label of a column of positive variance multipliers :math:`m_t` (the observation
        variance is :math:`R m_t`; e.g. a realised-volatility proxy), checked and kept. It must
        be positive and finite wherever the target and factors are observed.

    Returns
    -------
    Design
        The validated arrays and settings.

    Raises
    ------
    bayes_beta.ColumnError
        When the target, a factor or the multiplier column does not exist.
    bayes_beta.DataError
        When the frame or a column is invalid, a column is both the target and a factor, a
        factor repeats, is constant or collinear, the target is constant, fewer than
        ``max(20, 5 K)`` rows are complete, ``init_window`` is out of range or a multiplier is
        not positive where it is needed.
    bayes_beta.SpecError
        When ``initial`` is not a known rule or a valid pair ``(b0, P0)`` (finite, right shapes,
        ``P0`` symmetric positive semi-definite), or ``units`` are invalid.

    See Also
    --------
    bayes_beta.data.Design : The result.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df, target="Util", factors=["Mkt-RF", "d10y"])
    >>> design.factors, design.initial, design.b0.round(3).tolist()
    (('Mkt-RF', 'd10y'), 'ols', [0.627, -0.015])
    >>> design.state_unit.round(4).tolist(), round(design.y_unit, 4)
    ([0.1278, 0.0229], 0.0212)

    With an intercept and a start that uses no data:

    >>> design = bb.make_design(df, "Util", "Mkt-RF", intercept=True, initial="diffuse")
    >>> design.factors, design.b0.tolist()
    (('alpha', 'Mkt-RF'), [0.0, 0.0])
    >>> bb.make_design(df, "Util", ["Mkt-RF"], initial=([0.5], [[0.1]])).initial
    'given'
    """
    factors = _check_request(target, factors, initial, intercept)
    K = len(factors) + int(intercept)
    min_rows = max(20, 5 * K)
    validate_frame(df, columns=[target, *factors], min_rows=min_rows, name="data")
    y, H, names = _arrays(df, target, factors, intercept)
    complete = complete_rows(y, H)
    n_ok = int(complete.sum())
    if n_ok < min_rows:
        raise DataError(
            f"Only {n_ok} rows have the target and every factor; at least {min_rows} "
            f"are needed for {K} exposures. Use a longer date range or fewer factors."
        )
    check_factors(H[complete], names)
    if not np.std(y[complete]) > _CONSTANT_RTOL * abs(float(np.mean(y[complete]))):
        raise DataError(f"Target {target!r} is constant; there is nothing to explain.")
    spy = steps_per_year(df.index)
    y_unit, state_unit = _units(y[complete], H[complete], spy, units)
    window = int(init_window) if init_window is not None else max(4 * K, 26)
    if window < K + 2 or window > n_ok:
        raise DataError(
            f"init_window must be between {K + 2} and {n_ok} complete rows; got {window}."
        )
    b0, P0 = _initial_state(H, y, np.flatnonzero(complete)[:window], initial,
                            state_unit * np.sqrt(spy))
    mult = None if multiplier is None else _multiplier(df, multiplier, complete)
    return Design(
        y=y, H=H, time=pd.DatetimeIndex(df.index).as_unit("ns"), target=str(target),
        factors=tuple(names),
        intercept=bool(intercept), initial=initial if isinstance(initial, str) else "given",
        init_window=window, b0=b0, P0=P0,
        y_unit=y_unit, state_unit=state_unit, steps_per_year=spy,
        ols=ols(H, y).b, multiplier=mult,
        multiplier_column=None if multiplier is None else str(multiplier),
    )
