"""The textbook chapter's two-step lag smoother of a yield, on the package's filter.

State ``x_t = [z*_t, z*_{t-1}]`` (today's and yesterday's underlying yield), observation the
raw yield ``z_t``::

    x_t = A x_{t-1} + w_t,   A = [[a, 1 - a],      w_t ~ N(0, Q),  Q = diag(q, 0)
                                  [1,   0  ]]
    z_t = H x_t + v_t,       H = [1, 0],          v_t ~ N(0, r)

so ``z*_t = a z*_{t-1} + (1 - a) z*_{t-2} + w_t``: a weighted average of the two previous
levels plus a shock (``A`` has eigenvalues ``1`` and ``-(1 - a)``: a unit root, no mean
reversion). The second state is a copy of the first one lagged, so ``Q`` is singular; the
filter only needs ``Q`` PSD and the RTS smoother ``P_pred = A P A' + Q``, which is positive
definite whenever ``P`` is. This is the general discrete filter of the chapter (``A, B u, H,
Q, R, P0``) with ``B = 0``: :class:`bayes_beta.StateSpace` carries ``B`` and the filter takes
``u`` when a control input is wanted.

Noise (``q, r`` default): with ``s^2 = var(Δz)`` of the daily changes, ``q = r = s^2 / 3``.
For a random walk observed with noise, ``var(Δz) = q + 2 r``; the default splits it at a
signal-to-noise ratio ``q / r = 1``, and the same ``q, r`` for every ``a`` isolates the effect
of ``a``, as the chapter's experiment does. :func:`lag_noise_mle` estimates them instead.
Initial state: ``b0 = [z_1, z_1]`` (the first observed value) and ``P0 = var(z) I``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from bayes_beta.classical.mle import MLEResult, fit_noise_mle
from bayes_beta.errors import DataError, SpecError
from bayes_beta.kalman.numeric import kalman_filter, kalman_smoother
from bayes_beta.specs.statespace import StateSpace

__all__ = [
    "LagData",
    "default_noise",
    "discrete_kalman",
    "lag_data",
    "lag_noise_mle",
    "lag_state_space",
    "noisiest_window",
    "plot_lag_smoother",
    "two_step_lag_smoother",
]

H_LAG = np.array([1.0, 0.0])


def _series(series) -> pd.Series:
    if isinstance(series, pd.DataFrame):
        if series.shape[1] != 1:
            raise DataError(
                f"Pass one yield column, e.g. df['10year']; got {series.shape[1]} columns."
            )
        series = series.iloc[:, 0]
    s = series.copy() if isinstance(series, pd.Series) else pd.Series(np.asarray(series))
    if not pd.api.types.is_numeric_dtype(s.dtype):
        raise DataError(f"The series {s.name!r} is not numeric (dtype {s.dtype}).")
    s = s.astype(float)
    if np.isinf(s.to_numpy()).any():
        raise DataError(f"The series {s.name!r} contains inf; replace it by NaN.")
    if s.notna().sum() < 3:
        raise DataError("The series needs at least 3 observed values.")
    return s


def _check_a(a: float) -> float:
    a = float(a)
    if not 0.0 <= a <= 1.0:
        raise SpecError(f"a must lie in [0, 1] (the weight of the latest level); got {a}.")
    return a


def discrete_kalman(z, A, H, Q, R, x0, P0, B=None, u=None, smooth: bool = False):
    """The chapter's general discrete filter in its notation, run by :func:`bb.kalman_filter`.

    ``x_t = A x_{t-1} + B u_t + w_t`` (``w ~ N(0, Q)``), ``z_t = H x_t + v_t`` (``v ~ N(0, R)``),
    ``x_0 ~ N(x0, P0)``; ``z`` is (n, m) (or (n,) for ``m = 1``), ``H`` a constant (m, n_x)
    matrix, ``u`` (n, p) with ``B`` (n_x, p). Returns the :class:`bayes_beta.FilterResult`
    (or :class:`bayes_beta.SmootherResult` with ``smooth=True``).
    """
    z = np.asarray(z, dtype=float)
    z2 = z[:, None] if z.ndim == 1 else z
    H = np.atleast_2d(np.asarray(H, dtype=float))
    if H.shape[0] != z2.shape[1]:
        raise SpecError(f"H must have one row per measurement (m = {z2.shape[1]}); got {H.shape}.")
    spec = StateSpace(T=A, Q=Q, R=R, b0=np.ravel(x0), P0=P0, B=B)
    H_t = np.broadcast_to(H, (len(z2), *H.shape))
    return (kalman_smoother if smooth else kalman_filter)(z2, H_t, spec, u=u)


def lag_state_space(a: float, q: float, r: float, x0: float, p0: float) -> StateSpace:
    """``StateSpace(T=[[a, 1-a], [1, 0]], Q=diag(q, 0), R=[[r]], b0=[x0, x0], P0=p0 I)``."""
    a = _check_a(a)
    return StateSpace(
        T=np.array([[a, 1.0 - a], [1.0, 0.0]]),
        Q=np.diag([float(q), 0.0]),
        R=np.array([[float(r)]]),
        b0=np.array([x0, x0], dtype=float),
        P0=float(p0) * np.eye(2),
    )


def default_noise(series) -> tuple[float, float]:
    """``(q, r) = (var(Δz) / 3, var(Δz) / 3)`` from the changes of the series (see module)."""
    s = _series(series)
    s2 = float(np.nanvar(s.diff().to_numpy()))
    return s2 / 3.0, s2 / 3.0


class LagData(NamedTuple):
    """A yield series ready for the lag model: observations, design rows and the start."""

    series: pd.Series
    z: np.ndarray  # (n,) the raw yields
    H: np.ndarray  # (n, 2) rows [1, 0]
    x0: float  # the first observed value: b0 = [x0, x0]
    p0: float  # var(z): P0 = p0 I


def lag_data(series) -> LagData:
    """Check ``series`` (one numeric column, at least 3 observed values) and prepare it."""
    s = _series(series)
    z = s.dropna().to_numpy()
    return LagData(s, s.to_numpy(), np.tile(H_LAG, (len(s), 1)), float(z[0]), float(np.var(z)))


def two_step_lag_smoother(
    series, a: float, q: float | None = None, r: float | None = None, p0: float | None = None
) -> pd.DataFrame:
    """Filter and smooth ``series`` with the two-step lag model of weight ``a``.

    Returns a DataFrame on the series' index with ``raw`` (the data), ``filtered``
    (``E[z*_t | z_{1:t}]``, real time), ``smoothed`` (``E[z*_t | z_{1:n}]``, RTS) and their
    standard deviations ``filtered_sd``, ``smoothed_sd``; ``attrs`` holds ``a, q, r, p0`` and
    the log-likelihood. ``q, r`` default to :func:`default_noise`, ``p0`` to ``var(z)``.
    """
    d = lag_data(series)
    s = d.series
    dq, dr = default_noise(s)
    q, r = dq if q is None else float(q), dr if r is None else float(r)
    p0 = d.p0 if p0 is None else float(p0)
    if not (q >= 0 and r >= 0 and p0 > 0):
        raise SpecError(f"q and r must be >= 0 and p0 > 0; got q={q}, r={r}, p0={p0}.")
    spec = lag_state_space(a, q, r, d.x0, p0)
    out = kalman_smoother(d.z, d.H, spec)
    frame = pd.DataFrame(
        {
            "raw": s.to_numpy(),
            "filtered": out.beta_filt[:, 0],
            "smoothed": out.beta_smooth[:, 0],
            "filtered_sd": np.sqrt(out.P_filt[:, 0, 0]),
            "smoothed_sd": np.sqrt(np.clip(out.P_smooth[:, 0, 0], 0.0, None)),
        },
        index=s.index,
    )
    frame.attrs.update(a=float(a), q=q, r=r, p0=p0, loglik=float(out.loglik))
    return frame


def lag_noise_mle(series, a: float, **options) -> MLEResult:
    """Maximum-likelihood ``q`` and ``r`` of the two-step lag model for a fixed ``a``.

    Only ``Q[0, 0] = q`` is free (``Q[1, 1] = 0``); the units of the optimiser are
    ``sd(Δz)`` for both. ``options`` go to :func:`bayes_beta.classical.mle.fit_noise_mle`.
    The result's ``Q[0, 0]`` and ``R[0, 0]`` are ``q`` and ``r``.
    """
    d = lag_data(series)
    sd = float(np.nanstd(d.series.diff().to_numpy()))
    spec = lag_state_space(a, 0.0, 1.0, d.x0, d.p0)
    options.setdefault("units", (np.array([sd, sd]), sd))
    return fit_noise_mle(d.z, d.H, spec, free_q=[True, False], names=["level", "lag"], **options)


def noisiest_window(series, length: int = 85) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last date of the ``length`` steps with the largest sd of ``Δz`` (a noisy spell).

    The chapter zooms on 85 trading days (its days 190-275) where the noise is strongest.
    """
    s = _series(series)
    if not 2 < length <= len(s):
        raise DataError(f"length must be between 3 and {len(s)}; got {length}.")
    vol = s.diff().rolling(length, min_periods=length // 2).std()
    end = int(np.nanargmax(vol.to_numpy()))
    start = max(0, end - length + 1)
    return s.index[start], s.index[end]


def plot_lag_smoother(
    frames: dict[str, pd.DataFrame],
    window=None,
    column: str = "smoothed",
    title: str = "10-year Treasury yield: raw and two-step lag smoothed",
):
    """Raw series and the ``column`` of each frame (labelled by its key), over the whole sample
    and, when ``window = (start, end)`` is given, zoomed on that window in a second panel."""
    import matplotlib.pyplot as plt

    if not frames:
        raise DataError("Pass at least one frame from two_step_lag_smoother.")
    n_panels = 1 if window is None else 2
    fig, axes = plt.subplots(n_panels, 1, figsize=(10, 3.6 * n_panels), squeeze=False)
    first = next(iter(frames.values()))
    for i, ax in enumerate(axes[:, 0]):
        part = slice(None) if i == 0 else slice(*window)
        raw = first["raw"].loc[part]
        ax.plot(
            raw.index,
            raw,
            color="grey",
            lw=0.7 if i else 0.4,
            label="raw",
            marker="." if i else None,
            ms=3,
        )
        for label, frame in frames.items():
            sub = frame[column].loc[part]
            ax.plot(sub.index, sub, lw=1.2 if i else 0.8, label=label)
        ax.set_ylabel("yield (%)")
        ax.set_title(
            title if i == 0 else f"zoom: {raw.index[0]:%Y-%m-%d} .. {raw.index[-1]:%Y-%m-%d}",
            fontsize=10,
            loc="left",
        )
        ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
