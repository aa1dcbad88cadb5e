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
    r"""The chapter's general discrete filter in its notation, run by the package's filter.

    .. math::

        x_t = A x_{t-1} + B u_t + w_t, \quad w_t \sim N(0, Q), \qquad
        z_t = H x_t + v_t, \quad v_t \sim N(0, R), \qquad x_0 \sim N(x_0, P_0).

    The matrices become a :class:`bayes_beta.StateSpace` (``T = A``) and the constant ``H`` is
    repeated over the steps; :func:`bayes_beta.kalman_filter` (or
    :func:`bayes_beta.kalman_smoother`) does the work.

    Parameters
    ----------
    z : array_like
        (n, m) measurements, or (n,) for ``m = 1``; NaN skips a step's update.
    A : array_like
        (n_x, n_x) transition matrix.
    H : array_like
        Constant (m, n_x) measurement matrix (a 1-D array is one row).
    Q : array_like
        (n_x, n_x) process noise covariance (symmetric PSD; it may be singular).
    R : array_like
        (m, m) measurement noise covariance.
    x0 : array_like
        (n_x,) initial mean.
    P0 : array_like
        (n_x, n_x) initial covariance.
    B : array_like, optional
        (n_x, p) control matrix.
    u : array_like, optional
        (n, p) control input.
    smooth : bool, default False
        Also run the RTS smoother.

    Returns
    -------
    bayes_beta.FilterResult or bayes_beta.SmootherResult
        The filter's output (``beta_filt`` are the :math:`x_{t|t}`), with the smoothed moments
        when ``smooth=True``.

    Raises
    ------
    bayes_beta.SpecError
        ``H`` without one row per measurement, or invalid matrices (shape, symmetry, PSD).
    bayes_beta.DataError
        Measurements or control inputs that do not fit the matrices.

    See Also
    --------
    bayes_beta.classical.two_step_lag_smoother : The chapter's model on a yield series.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import discrete_kalman, two_step_lag_smoother
    >>> z = bb.datasets.load_treasury_yields(start="2016-01-01")["10year"]
    >>> A = np.array([[0.5, 0.5], [1.0, 0.0]])
    >>> out = discrete_kalman(z.to_numpy(), A, H=[1.0, 0.0], Q=np.diag([2e-4, 0.0]),
    ...                       R=[[2e-4]], x0=[z.iloc[0]] * 2, P0=0.03 * np.eye(2), smooth=True)
    >>> out.beta_filt.shape == (len(z), 2)
    True
    >>> lag = two_step_lag_smoother(z, a=0.5, q=2e-4, r=2e-4, p0=0.03)  # the same model
    >>> bool(np.allclose(out.beta_smooth[:, 0], lag["smoothed"]))
    True

    A control input ``B u_t`` (here a known drift of one basis point a day):

    >>> drift = discrete_kalman(z.to_numpy(), A, [1.0, 0.0], np.diag([2e-4, 0.0]), [[2e-4]],
    ...                         [z.iloc[0]] * 2, 0.03 * np.eye(2), B=[[1.0], [0.0]],
    ...                         u=np.full((len(z), 1), 0.01))
    >>> drift.beta_filt.shape == out.beta_filt.shape
    True
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
    r"""The two-step lag model of weight ``a`` as a :class:`bayes_beta.StateSpace`.

    State :math:`x_t = [z^*_t, z^*_{t-1}]` (today's and yesterday's underlying level),

    .. math::

        x_t = A x_{t-1} + w_t, \quad
        A = \begin{bmatrix} a & 1 - a \\ 1 & 0 \end{bmatrix}, \quad
        Q = \mathrm{diag}(q, 0), \qquad
        z_t = [1, 0] \, x_t + v_t, \quad R = [[r]],

    with :math:`x_0 \sim N([x_0, x_0], p_0 I)`. ``A`` has the eigenvalues ``1`` and
    ``-(1 - a)``: a unit root, no mean reversion.

    Parameters
    ----------
    a : float
        The weight of the latest level, in ``[0, 1]``.
    q : float
        Variance of the level's shock.
    r : float
        Observation noise variance.
    x0 : float
        Initial level (both states).
    p0 : float
        Initial variance of each state.

    Returns
    -------
    bayes_beta.StateSpace
        ``StateSpace(T=[[a, 1-a], [1, 0]], Q=diag(q, 0), R=[[r]], b0=[x0, x0], P0=p0 I)``.

    Raises
    ------
    bayes_beta.SpecError
        ``a`` outside ``[0, 1]``, or invalid variances.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.classical import lag_state_space
    >>> ss = lag_state_space(0.5, q=2e-4, r=2e-4, x0=2.0, p0=0.03)
    >>> ss.T
    array([[0.5, 0.5],
           [1. , 0. ]])
    >>> np.sort(np.linalg.eigvals(ss.T).real)
    array([-0.5,  1. ])
    >>> lag_state_space(1.5, 2e-4, 2e-4, 2.0, 0.03)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: a must lie in [0, 1] (the weight of the latest level); got 1.5.
    """
    a = _check_a(a)
    return StateSpace(
        T=np.array([[a, 1.0 - a], [1.0, 0.0]]),
        Q=np.diag([float(q), 0.0]),
        R=np.array([[float(r)]]),
        b0=np.array([x0, x0], dtype=float),
        P0=float(p0) * np.eye(2),
    )


def default_noise(series) -> tuple[float, float]:
    r"""Default noise variances of the lag model from the changes of the series.

    .. math::

        q = r = \frac{s^2}{3}, \qquad s^2 = \mathrm{var}(\Delta z).

    For a random walk observed with noise, :math:`\mathrm{var}(\Delta z) = q + 2 r`; the default
    splits it at a signal-to-noise ratio :math:`q / r = 1`. Using the same ``q, r`` for every
    ``a`` isolates the effect of ``a``, as the chapter's experiment does;
    :func:`lag_noise_mle` estimates them instead.

    Parameters
    ----------
    series : pandas.Series, pandas.DataFrame or array_like
        One numeric column of levels (NaN allowed), at least 3 observed values.

    Returns
    -------
    q : float
        The level shock variance.
    r : float
        The observation noise variance.

    Raises
    ------
    bayes_beta.DataError
        Several columns, a non-numeric series, ``inf``, or fewer than 3 observed values.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import default_noise
    >>> z = bb.datasets.load_treasury_yields(start="2016-01-01")["10year"]
    >>> q, r = default_noise(z)
    >>> q == r, bool(np.isclose(q + 2 * r, np.nanvar(z.diff())))
    (True, True)
    """
    s = _series(series)
    s2 = float(np.nanvar(s.diff().to_numpy()))
    return s2 / 3.0, s2 / 3.0


class LagData(NamedTuple):
    """A yield series ready for the lag model: observations, design rows and the start.

    Built by :func:`lag_data`.

    Attributes
    ----------
    series : pandas.Series
        The checked series (float), on its own index.
    z : numpy.ndarray
        (n,) the raw yields (NaN kept).
    H : numpy.ndarray
        (n, 2) design rows ``[1, 0]``.
    x0 : float
        The first observed value: ``b0 = [x0, x0]``.
    p0 : float
        ``var(z)`` over the observed values: ``P0 = p0 I``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import lag_data
    >>> z = bb.datasets.load_treasury_yields(start="2016-01-01")["10year"]
    >>> d = lag_data(z)
    >>> d._fields
    ('series', 'z', 'H', 'x0', 'p0')
    >>> d.H[0], bool(d.x0 == z.iloc[0])
    (array([1., 0.]), True)
    """

    series: pd.Series
    z: np.ndarray  # (n,) the raw yields
    H: np.ndarray  # (n, 2) rows [1, 0]
    x0: float  # the first observed value: b0 = [x0, x0]
    p0: float  # var(z): P0 = p0 I


def lag_data(series) -> LagData:
    """Check a yield series and prepare it for the lag model.

    Parameters
    ----------
    series : pandas.Series, pandas.DataFrame or array_like
        One numeric column (a one-column frame is accepted), at least 3 observed values; NaN
        steps are skipped by the filter.

    Returns
    -------
    LagData
        The series, ``z``, the design rows, ``x0`` and ``p0``.

    Raises
    ------
    bayes_beta.DataError
        Several columns, a non-numeric series, ``inf``, or fewer than 3 observed values.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.classical import lag_data
    >>> d = lag_data([np.nan, 2.0, 2.1, 2.05])
    >>> d.z.shape, d.H.shape, d.x0
    ((4,), (4, 2), 2.0)
    >>> lag_data([2.0, np.nan])
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: The series needs at least 3 observed values.
    """
    s = _series(series)
    z = s.dropna().to_numpy()
    return LagData(s, s.to_numpy(), np.tile(H_LAG, (len(s), 1)), float(z[0]), float(np.var(z)))


def two_step_lag_smoother(
    series, a: float, q: float | None = None, r: float | None = None, p0: float | None = None
) -> pd.DataFrame:
    r"""Filter and smooth a yield series with the two-step lag model of weight ``a``.

    The underlying level :math:`z^*_t` is a weighted average of its two previous values plus a
    shock, observed with noise:

    .. math::

        z^*_t = a z^*_{t-1} + (1 - a) z^*_{t-2} + w_t, \quad w_t \sim N(0, q), \qquad
        z_t = z^*_t + v_t, \quad v_t \sim N(0, r),

    run as the state space of :func:`lag_state_space` (state :math:`[z^*_t, z^*_{t-1}]`, a
    singular ``Q``: the filter needs ``Q`` PSD only, and the RTS smoother's
    :math:`P_\mathrm{pred} = A P A' + Q` is positive definite whenever ``P`` is). The start is
    ``b0 = [z_1, z_1]`` (the first observed value) and ``P0 = p0 I``.

    Parameters
    ----------
    series : pandas.Series, pandas.DataFrame or array_like
        One numeric column of levels (NaN steps are skipped), at least 3 observed values.
    a : float
        The weight of the latest level, in ``[0, 1]``.
    q, r : float, optional
        Noise variances; default :func:`default_noise`.
    p0 : float, optional
        Initial variance; default ``var(z)``.

    Returns
    -------
    pandas.DataFrame
        On the series' index: ``raw`` (the data), ``filtered`` (:math:`E[z^*_t \mid z_{1:t}]`,
        real time), ``smoothed`` (:math:`E[z^*_t \mid z_{1:n}]`, RTS) and their standard
        deviations ``filtered_sd``, ``smoothed_sd``; ``attrs`` holds ``a, q, r, p0`` and the
        log-likelihood ``loglik``.

    Raises
    ------
    bayes_beta.SpecError
        ``a`` outside ``[0, 1]``, ``q`` or ``r`` negative, or ``p0`` not positive.
    bayes_beta.DataError
        A series that is not one numeric column with at least 3 observed values.

    See Also
    --------
    bayes_beta.classical.lag_noise_mle : Maximum-likelihood ``q, r``.
    bayes_beta.classical.plot_lag_smoother : The figure of the chapter.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import two_step_lag_smoother
    >>> z = bb.datasets.load_treasury_yields(start="2016-01-01")["10year"]
    >>> out = two_step_lag_smoother(z, a=0.5)
    >>> list(out.columns), out.index.equals(z.index)
    (['raw', 'filtered', 'smoothed', 'filtered_sd', 'smoothed_sd'], True)
    >>> sorted(out.attrs)
    ['a', 'loglik', 'p0', 'q', 'r']
    >>> bool((out["smoothed_sd"] <= out["filtered_sd"] + 1e-12).all())  # the smoother knows more
    True
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
    r"""Maximum-likelihood ``q`` and ``r`` of the two-step lag model for a fixed ``a``.

    Maximises :math:`\sum_t l_t(q, r)` of the model of :func:`two_step_lag_smoother` with
    :func:`bayes_beta.classical.fit_noise_mle`. Only ``Q[0, 0] = q`` is free (``Q[1, 1] = 0``);
    the units of the optimiser are :math:`\mathrm{sd}(\Delta z)` for both variances. The start
    is that of :func:`lag_data` (``b0 = [z_1, z_1]``, ``P0 = var(z) I``).

    Parameters
    ----------
    series : pandas.Series, pandas.DataFrame or array_like
        One numeric column of levels, at least 3 observed values.
    a : float
        The weight of the latest level, in ``[0, 1]``.
    **options
        Keyword arguments of :func:`bayes_beta.classical.fit_noise_mle` (e.g. ``n_starts``,
        ``units``).

    Returns
    -------
    MLEResult
        Its ``Q[0, 0]`` and ``R[0, 0]`` are ``q`` and ``r``; the state is labelled ``level``.

    Raises
    ------
    bayes_beta.SpecError
        ``a`` outside ``[0, 1]``, or bad ``options``.
    bayes_beta.DataError
        A series that is not one numeric column with at least 3 observed values.

    Warns
    -----
    bayes_beta.classical.BoundaryWarning
        ``q`` or ``r`` sits on the boundary (MLE sd ~ 0).

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import lag_noise_mle, two_step_lag_smoother
    >>> z = bb.datasets.load_treasury_yields(start="2016-01-01")["10year"]
    >>> res = lag_noise_mle(z, a=1.0)  # a random walk observed with noise
    >>> res.names, res.converged, res.at_boundary, float(res.Q[1, 1])
    (('Q[level]', 'R'), True, (), 0.0)
    >>> out = two_step_lag_smoother(z, 1.0, q=res.Q[0, 0], r=res.R[0, 0])
    >>> bool(abs(out.attrs["loglik"] - res.loglik) < 1e-6)
    True

    On these daily yields a weight ``a = 0.5`` leaves no room for observation noise: ``r``
    ends on its lower bound (``warn=False`` skips the
    :class:`~bayes_beta.classical.BoundaryWarning`):

    >>> lag_noise_mle(z, a=0.5, warn=False).at_boundary
    ('R',)
    """
    d = lag_data(series)
    sd = float(np.nanstd(d.series.diff().to_numpy()))
    spec = lag_state_space(a, 0.0, 1.0, d.x0, d.p0)
    options.setdefault("units", (np.array([sd, sd]), sd))
    return fit_noise_mle(d.z, d.H, spec, free_q=[True, False], names=["level", "lag"], **options)


def noisiest_window(series, length: int = 85) -> tuple[pd.Timestamp, pd.Timestamp]:
    r"""First and last date of the ``length`` steps with the largest sd of the changes.

    The sd of :math:`\Delta z` is taken over a rolling window of ``length`` steps (at least
    half of them observed); the window where it peaks is a noisy spell. The chapter zooms on 85
    trading days (its days 190-275) where the noise is strongest.

    Parameters
    ----------
    series : pandas.Series, pandas.DataFrame or array_like
        One numeric column of levels, at least 3 observed values.
    length : int, default 85
        The window's number of steps, between 3 and the series' length.

    Returns
    -------
    start : pandas.Timestamp
        The first date of the window (an index label for a non-dated series).
    end : pandas.Timestamp
        The last date of the window.

    Raises
    ------
    bayes_beta.DataError
        ``length`` out of range, or a series that is not one numeric column.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import noisiest_window
    >>> z = bb.datasets.load_treasury_yields(start="2016-01-01")["10year"]
    >>> start, end = noisiest_window(z, length=60)
    >>> len(z.loc[start:end])
    60
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
    """Raw series and the ``column`` of each frame, optionally zoomed on a window.

    The first panel shows the whole sample; with ``window = (start, end)`` a second panel zooms
    on that window (with markers on the raw data).

    Parameters
    ----------
    frames : dict of str to pandas.DataFrame
        Label -> frame from :func:`two_step_lag_smoother` (the raw series is taken from the
        first one).
    window : tuple, optional
        ``(start, end)`` labels of the zoom, e.g. from :func:`noisiest_window`.
    column : str, default "smoothed"
        The column of each frame to draw (``"filtered"`` for the real-time estimate).
    title : str, optional
        The first panel's title.

    Returns
    -------
    matplotlib.figure.Figure
        One panel, or two with a ``window``.

    Raises
    ------
    bayes_beta.DataError
        No frame given.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import noisiest_window, plot_lag_smoother, two_step_lag_smoother
    >>> z = bb.datasets.load_treasury_yields(start="2016-01-01")["10year"]
    >>> frames = {f"a = {a}": two_step_lag_smoother(z, a) for a in (0.2, 0.8)}
    >>> fig = plot_lag_smoother(frames, window=noisiest_window(z, 60))
    >>> len(fig.axes)
    2
    >>> plt.close("all")
    """
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
