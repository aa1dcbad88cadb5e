"""Checks of the NumPy API's inputs (before any work) and of the recursions' results.

Bad data raise :class:`~bayes_beta.DataError`, a bad spec :class:`~bayes_beta.SpecError`, a bad
argument :class:`~bayes_beta.ArgumentError`, each naming what is wrong and the fix; a zero
innovation variance or covariances out of floating point range raise
:class:`~bayes_beta.NumericalError` naming the step and the matrix, never a silent NaN.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from bayes_beta.errors import ArgumentError, DataError, NumericalError, SpecError
from bayes_beta.specs.statespace import StateSpace

__all__ = ["as_float", "check_count", "check_finite", "check_inputs", "check_seed"]


def as_float(name: str, x) -> np.ndarray:
    if isinstance(x, pd.DataFrame | pd.Series):
        bad = [
            c
            for c, t in (x.dtypes.items() if isinstance(x, pd.DataFrame) else [(x.name, x.dtype)])
            if not pd.api.types.is_numeric_dtype(t)
        ]
        if bad:
            raise DataError(
                f"{name} column {bad[0]!r} is not numeric; convert it with pd.to_numeric."
            )
        x = x.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        arr = np.array(x, dtype=np.float64)  # a copy: the caller's data is never touched
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numeric: {exc}") from exc
    if np.isinf(arr).any():
        row = int(np.argwhere(np.isinf(arr))[0][0])
        raise DataError(
            f"{name} has an infinite value in row {row}; replace it by NaN or a number."
        )
    return arr


def check_inputs(y, H, spec: StateSpace, u=None):
    """Check the NumPy API's inputs against ``spec`` and bring them to the filter's shapes.

    Runs before any work, so that bad input fails with a message that names what is wrong and
    the fix rather than deep inside the recursions. Data are copied to float64 (the caller's
    arrays are never touched); NaN marks a missing observation, ``inf`` is refused.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        (n,) or (n, m) observations.
    H : array_like or pandas.DataFrame
        (n, K) for ``m = 1``, or (n, m, K).
    spec : StateSpace
        The model matrices (:class:`bayes_beta.StateSpace`).
    u : array_like, optional
        (n,) or (n, p) control input, required when ``spec.B`` is set (and only then); no NaN.

    Returns
    -------
    y : numpy.ndarray
        (n, m) observations.
    H : numpy.ndarray
        (n, m, K) factor values.
    u : numpy.ndarray or None
        (n, p) control input, or ``None``.
    m_was_scalar : bool
        Whether ``y`` was given as (n,).

    Raises
    ------
    bayes_beta.SpecError
        When ``spec`` is not a :class:`bayes_beta.StateSpace`.
    bayes_beta.DataError
        When a value is not numeric or infinite, the shapes of ``y``, ``H`` and ``u`` do not
        match each other or the spec, there are no rows, ``u`` is given without ``spec.B`` (or
        the reverse), or ``u`` has NaN.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.kalman import check_inputs
    >>> spec = bb.StateSpace.random_walk(Q=np.diag([1e-4, 1e-5]), R=1e-4)
    >>> y, H, u, scalar = check_inputs(np.zeros(10), np.ones((10, 2)), spec)
    >>> y.shape, H.shape, u, scalar
    ((10, 1), (10, 1, 2), None, True)
    >>> check_inputs(np.zeros(10), np.ones((10, 3)), spec)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: H has K = 3 factor columns but the spec has K = 2 states.
    """
    if not isinstance(spec, StateSpace):
        raise SpecError(f"spec must be a bayes_beta.StateSpace; got {type(spec).__name__}.")
    y, H = as_float("y", y), as_float("H", H)
    scalar = y.ndim == 1
    if y.ndim == 1:
        y = y[:, None]
    if H.ndim == 2:
        if y.shape[1] != 1:
            raise DataError(
                f"H of shape {H.shape} means m = 1, but y has {y.shape[1]} columns; "
                "pass H as (n, m, K)."
            )
        H = H[:, None, :]
    if y.ndim != 2 or H.ndim != 3:
        raise DataError(
            f"y must be (n,) or (n, m) and H (n, K) or (n, m, K); got {y.shape}, {H.shape}."
        )
    n, m, K = H.shape
    if y.shape[0] != n:
        raise DataError(f"y has {y.shape[0]} rows but H has {n}; align them on the same dates.")
    if n < 1:
        raise DataError("y and H have no rows; at least one observation is needed.")
    if y.shape[1] != m:
        raise DataError(f"y has {y.shape[1]} columns but H has m = {m} rows per step.")
    if K != spec.K:
        raise DataError(f"H has K = {K} factor columns but the spec has K = {spec.K} states.")
    if m != spec.m:
        raise DataError(f"y has m = {m} observations per step but the spec's R is {spec.R.shape}.")
    if (spec.B is None) != (u is None):
        raise DataError("A control input needs both spec.B and u (n, p); pass both or neither.")
    if u is not None:
        u = as_float("u", u)
        u = u[:, None] if u.ndim == 1 else u
        if u.shape != (n, spec.B.shape[1]):
            raise DataError(f"u must have shape ({n}, {spec.B.shape[1]}); got {u.shape}.")
        if np.isnan(u).any():
            raise DataError(
                f"u has NaN in row {int(np.argwhere(np.isnan(u))[0][0])}; "
                "a control input must be known at every step."
            )
    return y, H, u, scalar


def check_count(name: str, value) -> int:
    """A positive integer (not a bool), e.g. a number of draws."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ArgumentError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def check_seed(seed) -> np.random.Generator:
    """``None``, a non-negative integer or a ``numpy.random.Generator``, as a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ArgumentError(f"seed must be None, a non-negative integer or a "
                            f"numpy.random.Generator; got {seed!r}.")
    return np.random.default_rng(int(seed))


def _where(t: int, index) -> str:
    date = f", {pd.Timestamp(index[t]).date()}" if isinstance(index, pd.DatetimeIndex) else ""
    return f"step {t} (row {t}{date})"


def check_finite(out: list, observed: np.ndarray, index=None) -> None:
    """Raise :class:`~bayes_beta.NumericalError` at the first step where the filter's
    covariances or means are not finite numbers, or an observed innovation variance is not
    positive. ``out`` is the graph's output list (loglik, loglik_t, beta_pred, P_pred, ...)."""
    n = len(observed)
    names = ("beta_pred", "P_pred", "beta_filt", "P_filt")
    bad = {name: ~np.isfinite(out[i + 2].reshape(n, -1)).all(axis=1)
           for i, name in enumerate(names)}
    S = out[7]
    eig = np.linalg.eigvalsh(np.where(observed[:, :, None] & observed[:, None, :], S,
                                      np.eye(S.shape[-1])))
    bad_S = ~(eig.min(axis=1) > 0)
    first = min([int(np.argmax(b)) for b in (*bad.values(), bad_S) if b.any()], default=None)
    if first is None:
        return
    where = _where(first, index)
    if not bad_S[first]:
        _raise_not_finite(names, bad, first, where)
    raise NumericalError(
        f"The innovation variance S_t = H_t P_pred H_t' + R is {eig[first].min():.3g} at "
        f"{where}: that observation is predicted exactly (R = 0 and H_t P_pred H_t' = 0), so "
        "the data cannot be explained. Give R > 0, or check the factor returns at that step.")


def _raise_not_finite(names, bad, first, where):
    for name in names:
        if bad[name][first]:
            raise NumericalError(
                f"{name} is not finite at {where}: the covariances grew beyond floating point "
                "range. Check T (eigenvalues above 1 in absolute value make P_pred grow "
                "geometrically) and the scale of Q and P0 against the data.")
