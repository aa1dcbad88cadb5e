"""``KalmanSpec``: the seed notebook's chainable builder of a classical (point-estimate) model.

    beta_t = T beta_{t-1} + eta_t,   eta_t ~ N(0, Q)        K exposures, T = I by default
    y_t    = H_t beta_t + eps_t,     eps_t ~ N(0, R)        one return per step
    beta_0 ~ N(b0, P0)

Each setter fills one piece from a documented heuristic or from maximum likelihood and returns
the spec itself, so calls chain::

    spec = (KalmanSpec(K=2, name="Simple Model")
            .estimate_initial_state(H, y)       # b0, P0 from OLS
            .set_Q_from_factor_vols(H)          # Q from the factor volatilities
            .estimate_R_from_ols(H, y))         # R from the OLS residual variance

The values are plain read-only arrays (``spec.Q``, ``spec.R``, ``spec.b0``, ``spec.P0``;
``None`` until set); :meth:`KalmanSpec.to_state_space` gives the validated
:class:`bayes_beta.StateSpace` that the filter runs on.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from bayes_beta.classical.frames import frame_arrays
from bayes_beta.classical.mle import fit_noise_mle
from bayes_beta.data.regression import ols
from bayes_beta.errors import DataError, SpecError
from bayes_beta.specs.statespace import StateSpace, check_psd

__all__ = ["DEFAULT_Q_SCALE", "KalmanSpec"]

#: Default ``c`` of :meth:`KalmanSpec.set_Q_from_factor_vols`: per-step drift sd = c beta units.
DEFAULT_Q_SCALE = 0.02


def _matrix(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.array(value, dtype=float)
    if arr.ndim == 0 and shape == (1, 1):
        arr = arr.reshape(1, 1)
    if arr.shape != shape:
        raise SpecError(f"{name} must have shape {shape}; got {arr.shape}.")
    if not np.isfinite(arr).all():
        raise SpecError(f"{name} has a non-finite entry; use finite numbers.")
    if arr.ndim == 2:
        check_psd(name, arr)
    arr.setflags(write=False)
    return arr


def _fingerprint(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else np.ascontiguousarray(p).tobytes())
    return h.hexdigest()


class KalmanSpec:
    r"""A named, mutable specification of a time-varying regression with ``K`` exposures.

    The classical (point-estimate) model of the seed notebook, with one return per step:

    .. math::

        \beta_t = T \beta_{t-1} + \eta_t, \quad \eta_t \sim N(0, Q), \qquad
        y_t = H_t \beta_t + \varepsilon_t, \quad \varepsilon_t \sim N(0, R), \qquad
        \beta_0 \sim N(b_0, P_0).

    Each setter fills one piece (``b0, P0``, ``Q`` or ``R``) from a documented heuristic, from
    maximum likelihood or from given values, and returns the spec itself, so calls chain. The
    values are plain read-only arrays, ``None`` until set; :meth:`to_state_space` gives the
    validated :class:`bayes_beta.StateSpace` that the filter runs on.

    Parameters
    ----------
    K : int
        Number of exposures (factor columns).
    name : str, default "Kalman model"
        The model name shown in tables and plots.
    T : array_like, optional
        (K, K) transition matrix; default ``I`` (random-walk exposures).

    Attributes
    ----------
    K : int
        Number of exposures.
    name : str
        The model name.
    T : numpy.ndarray
        (K, K) transition matrix (read-only).
    Q, R, b0, P0 : numpy.ndarray or None
        (K, K) state noise covariance, (1, 1) observation noise variance, (K,) initial mean and
        (K, K) initial covariance; ``None`` until set (read-only once set).
    y_sd : float or None
        ``sd(y)`` seen by the last data-based setter (used by :meth:`set_Q_from_factor_vols`).
    mle : bayes_beta.classical.MLEResult or None
        The last maximum-likelihood result.
    sources : dict
        Which rule set each piece, e.g. ``{"b0": "ols", "Q": "mle"}``.

    Raises
    ------
    bayes_beta.SpecError
        ``K`` is not a positive integer, or ``T`` is not a finite (K, K) matrix.

    See Also
    --------
    bayes_beta.classical.KalmanEngine : Runs a spec on a DataFrame.
    bayes_beta.StateSpace : The validated matrices the filter runs on.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanSpec
    >>> df = bb.datasets.load_example()
    >>> H, y = df[["Mkt-RF", "d10y"]], df["Util"]
    >>> spec = (KalmanSpec(K=2, name="Simple Model")
    ...         .estimate_initial_state(H, y)       # b0, P0 from OLS
    ...         .set_Q_from_factor_vols(H)          # Q from the factor volatilities
    ...         .estimate_R_from_ols(H, y))         # R from the OLS residual variance
    >>> spec
    KalmanSpec(K=2, name='Simple Model', b0=ols, P0=ols, Q=factor_vols, R=ols)
    >>> spec.Q.shape, spec.R.shape, spec.b0.shape, spec.P0.shape, spec.missing()
    ((2, 2), (1, 1), (2,), (2, 2), [])
    >>> spec.to_state_space().K
    2
    """

    def __init__(self, K: int, name: str = "Kalman model", T=None) -> None:
        if isinstance(K, bool) or not isinstance(K, int | np.integer) or K < 1:
            raise SpecError(f"K must be a positive integer (the number of factors); got {K!r}.")
        self.K = int(K)
        self.name = str(name)
        self.T = _matrix("T", np.eye(self.K) if T is None else T, (self.K, self.K))
        self.Q: np.ndarray | None = None
        self.R: np.ndarray | None = None
        self.b0: np.ndarray | None = None
        self.P0: np.ndarray | None = None
        self.y_sd: float | None = None  # sd(y) seen by the last data-based setter
        self.mle = None
        self._mle_key: str | None = None
        self.sources: dict[str, str] = {}

    # ------------------------------------------------------------------ data checks
    def _H(self, H) -> np.ndarray:
        H = np.array(H.to_numpy(dtype=float) if isinstance(H, pd.DataFrame) else H, dtype=float)
        if H.ndim == 1 and self.K == 1:
            H = H[:, None]
        if H.ndim != 2 or H.shape[1] != self.K:
            raise SpecError(
                f"H must have shape (n, K) = (n, {self.K}) for the spec {self.name!r}; got "
                f"{H.shape}. Pass the same factor columns the spec was made for, or "
                f"KalmanSpec(K={H.shape[-1] if H.ndim else 1})."
            )
        return H

    def _yH(self, H, y) -> tuple[np.ndarray, np.ndarray]:
        H = self._H(H)
        y = np.array(
            y.to_numpy(dtype=float) if isinstance(y, pd.Series | pd.DataFrame) else y, dtype=float
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or len(y) != len(H):
            raise DataError(
                f"y must be (n,) or (n, 1) with n = {len(H)} rows like H; got {y.shape}."
            )
        return H, y

    # ------------------------------------------------------------------ heuristics
    def estimate_initial_state(self, H, y, *, window: int | None = None, inflate: float = 1.0):
        r"""Set ``b0`` and ``P0`` from OLS of ``y`` on ``H`` (the seed's rule).

        .. math::

            b_0 = (H'H)^{-1} H'y, \qquad P_0 = \mathrm{inflate} \cdot s^2 (H'H)^{-1}, \qquad
            s^2 = \frac{\mathrm{SSE}}{n - K},

        over the first ``window`` complete rows (default: all rows, as in the seed; the filtered
        exposures then start from a full-sample estimate). ``sd(y)`` is remembered for
        :meth:`set_Q_from_factor_vols`.

        Parameters
        ----------
        H : array_like or pandas.DataFrame
            (n, K) factor returns (or (n,) when ``K = 1``).
        y : array_like or pandas.Series
            (n,) or (n, 1) target returns.
        window : int, optional
            Use only the first ``window`` complete rows.
        inflate : float, default 1.0
            Factor on the OLS covariance (must be positive).

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["b0"] = sources["P0"] = "ols"``.

        Raises
        ------
        bayes_beta.SpecError
            ``H`` does not have ``K`` columns, or ``inflate`` is not positive.
        bayes_beta.DataError
            ``y`` does not have ``H``'s rows, or ``y`` is constant.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> spec = KalmanSpec(K=2).estimate_initial_state(df[["Mkt-RF", "d10y"]], df["Util"],
        ...                                               window=104, inflate=10.0)
        >>> spec.b0.shape, spec.P0.shape, spec.sources
        ((2,), (2, 2), {'b0': 'ols', 'P0': 'ols'})
        """
        H, y = self._yH(H, y)
        if window is not None:
            rows = np.flatnonzero(np.isfinite(y) & np.isfinite(H).all(axis=1))[: int(window)]
            H, y = H[rows], y[rows]
        if not inflate > 0:
            raise SpecError(f"inflate must be positive; got {inflate}.")
        b, cov, _, _ = ols(H, y)
        self.set_initial_state(b, inflate * cov)
        self.sources.update(b0="ols", P0="ols")
        self._remember_y(y)
        return self

    def set_initial_state(self, b0, P0):
        """Set ``beta_0 ~ N(b0, P0)`` directly.

        Parameters
        ----------
        b0 : array_like
            (K,) initial mean.
        P0 : array_like
            (K, K) symmetric positive semi-definite initial covariance.

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["b0"] = sources["P0"] = "user"``.

        Raises
        ------
        bayes_beta.SpecError
            A wrong shape, a non-finite entry, or ``P0`` not symmetric PSD.

        Examples
        --------
        >>> import numpy as np
        >>> from bayes_beta.classical import KalmanSpec
        >>> spec = KalmanSpec(K=2).set_initial_state([1.0, 0.0], np.diag([0.25, 0.01]))
        >>> spec.b0, spec.sources
        (array([1., 0.]), {'b0': 'user', 'P0': 'user'})
        >>> spec.b0.flags.writeable
        False
        >>> KalmanSpec(K=2).set_initial_state([1.0], np.eye(2))
        Traceback (most recent call last):
        ...
        bayes_beta.errors.SpecError: b0 must have shape (2,); got (1,).
        """
        self.b0 = _matrix("b0", np.ravel(b0), (self.K,))
        self.P0 = _matrix("P0", P0, (self.K, self.K))
        self.sources.update(b0="user", P0="user")
        return self

    def set_Q_from_factor_vols(self, H, y=None, *, scale: float = DEFAULT_Q_SCALE):
        r"""Set ``Q`` from the factor volatilities: a drift of ``scale`` beta units per step.

        .. math::

            Q = \mathrm{diag}\left(\left(c \,
                \frac{\mathrm{sd}(y)}{\mathrm{sd}(H_k)}\right)^2\right),
            \qquad c = \mathrm{scale}\ (\text{default } 0.02).

        ``sd(y) / sd(H_k)`` is the size of a beta that would explain all of ``y``'s variation with
        factor ``k`` (the "beta unit"), so the per-step drift sd of exposure ``k`` is ``c`` such
        units: a volatile factor gets a small drift, a quiet one a large drift, and the rule gives
        the same model in percent or in decimals. Standard deviations skip NaN (``ddof = 0``).

        Parameters
        ----------
        H : array_like or pandas.DataFrame
            (n, K) factor returns.
        y : array_like or pandas.Series, optional
            The target; defaults to the one seen by :meth:`estimate_initial_state` or
            :meth:`estimate_R_from_ols`.
        scale : float, default 0.02
            ``c``, the per-step drift sd in beta units (must be positive).

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["Q"] = "factor_vols"``.

        Raises
        ------
        bayes_beta.SpecError
            No ``y`` given or seen before, ``scale`` not positive, or ``H`` without ``K`` columns.
        bayes_beta.DataError
            A factor column is constant (its beta unit is undefined), or ``y`` is constant.

        Examples
        --------
        >>> import numpy as np
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> H, y = df[["Mkt-RF", "d10y"]], df["Util"]
        >>> spec = KalmanSpec(K=2).set_Q_from_factor_vols(H, y)
        >>> bool(np.allclose(np.sqrt(np.diag(spec.Q)), 0.02 * np.nanstd(y) / np.nanstd(H, axis=0)))
        True
        >>> KalmanSpec(K=2).set_Q_from_factor_vols(H)
        Traceback (most recent call last):
        ...
        bayes_beta.errors.SpecError: set_Q_from_factor_vols needs sd(y): pass y=..., or call ...
        """
        H = self._H(H)
        if y is not None:
            _, y = self._yH(H, y)
            self._remember_y(y)
        if self.y_sd is None:
            raise SpecError(
                "set_Q_from_factor_vols needs sd(y): pass y=..., or call "
                "estimate_initial_state(H, y) first."
            )
        if not scale > 0:
            raise SpecError(f"scale must be positive; got {scale}.")
        sd_h = np.nanstd(H, axis=0)
        if np.any(sd_h == 0):
            k = int(np.flatnonzero(sd_h == 0)[0])
            raise DataError(f"Factor column {k} of H is constant; its beta unit is undefined.")
        self.Q = _matrix("Q", np.diag((scale * self.y_sd / sd_h) ** 2), (self.K, self.K))
        self.sources["Q"] = "factor_vols"
        return self

    def estimate_R_from_ols(self, H, y):
        r"""Set ``R`` to the residual variance of OLS of ``y`` on ``H``.

        .. math::

            R = \left[\frac{\mathrm{SSE}}{n - K}\right], \qquad
            \mathrm{SSE} = \sum_t (y_t - H_t \hat b)^2,

        over the complete rows. ``sd(y)`` is remembered for :meth:`set_Q_from_factor_vols`.

        Parameters
        ----------
        H : array_like or pandas.DataFrame
            (n, K) factor returns.
        y : array_like or pandas.Series
            (n,) or (n, 1) target returns.

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["R"] = "ols"``.

        Raises
        ------
        bayes_beta.SpecError
            ``H`` does not have ``K`` columns.
        bayes_beta.DataError
            ``y`` does not have ``H``'s rows, or ``y`` is constant.

        Examples
        --------
        >>> import numpy as np
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> H, y = df[["Mkt-RF", "d10y"]].to_numpy(), df["Util"].to_numpy()
        >>> spec = KalmanSpec(K=2).estimate_R_from_ols(H, y)
        >>> _, sse, _, _ = np.linalg.lstsq(H, y, rcond=None)
        >>> bool(np.isclose(spec.R[0, 0], sse[0] / (len(y) - 2)))
        True
        """
        H, y = self._yH(H, y)
        _, _, s2, _ = ols(H, y)
        self.R = _matrix("R", [[s2]], (1, 1))
        self.sources["R"] = "ols"
        self._remember_y(y)
        return self

    def set_Q(self, Q):
        """Set ``Q`` directly.

        Parameters
        ----------
        Q : array_like
            (K, K) symmetric positive semi-definite state noise covariance.

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["Q"] = "user"``.

        Raises
        ------
        bayes_beta.SpecError
            A wrong shape, a non-finite entry, or ``Q`` not symmetric PSD.

        Examples
        --------
        >>> import numpy as np
        >>> from bayes_beta.classical import KalmanSpec
        >>> spec = KalmanSpec(K=2).set_Q(np.diag([1e-4, 1e-6]))
        >>> spec.Q.shape, spec.sources
        ((2, 2), {'Q': 'user'})
        >>> KalmanSpec(K=2).set_Q(np.eye(3))
        Traceback (most recent call last):
        ...
        bayes_beta.errors.SpecError: Q must have shape (2, 2); got (3, 3).
        """
        self.Q = _matrix("Q", Q, (self.K, self.K))
        self.sources["Q"] = "user"
        return self

    def set_R(self, R):
        """Set ``R`` directly.

        Parameters
        ----------
        R : float or array_like
            The observation noise variance: a number or a (1, 1) matrix (non-negative).

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["R"] = "user"``.

        Raises
        ------
        bayes_beta.SpecError
            A wrong shape, a non-finite entry or a negative variance.

        Examples
        --------
        >>> from bayes_beta.classical import KalmanSpec
        >>> spec = KalmanSpec(K=2).set_R(2.5e-4)
        >>> spec.R
        array([[0.00025]])
        """
        self.R = _matrix("R", R, (1, 1))
        self.sources["R"] = "user"
        return self

    def _remember_y(self, y: np.ndarray) -> None:
        sd = float(np.nanstd(y))
        if not sd > 0:
            raise DataError("The target y is constant; there is nothing to explain.")
        self.y_sd = sd

    # ------------------------------------------------------------------ maximum likelihood
    def set_Q_from_mle(self, df, target_col, factor_cols, **options):
        """Set ``Q`` to its maximum-likelihood value; ``R`` is left as it was.

        ``Q`` and ``R`` are estimated jointly (:meth:`set_noise_from_mle` describes the method and
        the ``options``); only ``Q`` is stored. The joint result is kept in ``spec.mle``, and a
        later :meth:`set_R_from_mle` on the same data and options reuses it without a second run.

        Parameters
        ----------
        df : pandas.DataFrame
            The data, indexed by date.
        target_col : hashable
            The target column.
        factor_cols : hashable or sequence of hashable
            The ``K`` factor columns.
        **options
            Keyword arguments of :func:`bayes_beta.classical.fit_noise_mle` (e.g. ``n_starts=5``).

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["Q"] = "mle"``.

        Raises
        ------
        bayes_beta.ColumnError
            A column is missing.
        bayes_beta.DataError
            The frame fails the checks, or the target is constant.
        bayes_beta.SpecError
            The number of factor columns differs from ``K``, or bad ``options``.

        Warns
        -----
        bayes_beta.classical.BoundaryWarning
            A variance sits on the boundary of its parameter space (MLE sd ~ 0).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> spec = (KalmanSpec(K=2).estimate_R_from_ols(df[["Mkt-RF", "d10y"]], df["Util"])
        ...         .set_Q_from_mle(df, "Util", ["Mkt-RF", "d10y"]))
        >>> spec.sources
        {'R': 'ols', 'b0': 'ols (for mle)', 'P0': 'ols (for mle)', 'Q': 'mle'}
        """
        return self._mle(df, target_col, factor_cols, ("Q",), options)

    def set_R_from_mle(self, df, target_col, factor_cols, **options):
        """Set ``R`` to its maximum-likelihood value; ``Q`` is left as it was.

        ``Q`` and ``R`` are estimated jointly (:meth:`set_noise_from_mle` describes the method and
        the ``options``); only ``R`` is stored. The joint result is kept in ``spec.mle``.

        Parameters
        ----------
        df : pandas.DataFrame
            The data, indexed by date.
        target_col : hashable
            The target column.
        factor_cols : hashable or sequence of hashable
            The ``K`` factor columns.
        **options
            Keyword arguments of :func:`bayes_beta.classical.fit_noise_mle`.

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["R"] = "mle"``.

        Raises
        ------
        bayes_beta.ColumnError
            A column is missing.
        bayes_beta.DataError
            The frame fails the checks, or the target is constant.
        bayes_beta.SpecError
            The number of factor columns differs from ``K``, or bad ``options``.

        Warns
        -----
        bayes_beta.classical.BoundaryWarning
            A variance sits on the boundary of its parameter space (MLE sd ~ 0).

        Examples
        --------
        >>> import numpy as np
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> spec = (KalmanSpec(K=2).set_Q_from_factor_vols(df[["Mkt-RF", "d10y"]], df["Util"])
        ...         .set_R_from_mle(df, "Util", ["Mkt-RF", "d10y"]))
        >>> spec.sources["Q"], spec.sources["R"], bool(np.array_equal(spec.R, spec.mle.R))
        ('factor_vols', 'mle', True)
        """
        return self._mle(df, target_col, factor_cols, ("R",), options)

    def set_noise_from_mle(self, df, target_col, factor_cols, **options):
        r"""Set ``Q = diag(q)`` and ``R`` to their joint maximum-likelihood values.

        Maximises the filter's log-likelihood

        .. math::

            \ell(q, r) = \sum_t l_t = \sum_t \log p(y_t \mid y_{1:t-1}; q, r)

        over ``log q_k`` and ``log r`` with L-BFGS-B, exact gradients and several starts
        (:func:`bayes_beta.classical.fit_noise_mle`). ``T``, ``b0`` and ``P0`` are held fixed;
        unset ``b0, P0`` are first estimated by :meth:`estimate_initial_state` on the same data. A
        variance on the boundary (MLE sd ~ 0) raises a
        :class:`~bayes_beta.classical.BoundaryWarning`. The full result is kept in ``spec.mle``;
        a second call on the same data and options reuses it.

        Parameters
        ----------
        df : pandas.DataFrame
            The data, indexed by date.
        target_col : hashable
            The target column.
        factor_cols : hashable or sequence of hashable
            The ``K`` factor columns (their names label the result).
        **options
            Keyword arguments of :func:`bayes_beta.classical.fit_noise_mle`, e.g. ``n_starts=5``.

        Returns
        -------
        KalmanSpec
            The spec itself, with ``sources["Q"] = sources["R"] = "mle"``.

        Raises
        ------
        bayes_beta.ColumnError
            A column is missing.
        bayes_beta.DataError
            The frame fails the checks, or the target is constant.
        bayes_beta.SpecError
            The number of factor columns differs from ``K``, or bad ``options``.

        Warns
        -----
        bayes_beta.classical.BoundaryWarning
            A variance sits on the boundary of its parameter space.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> spec = KalmanSpec(K=2, name="MLE").set_noise_from_mle(df, "Util", ["Mkt-RF", "d10y"])
        >>> spec
        KalmanSpec(K=2, name='MLE', b0=ols (for mle), P0=ols (for mle), Q=mle, R=mle)
        >>> spec.mle.names, spec.mle.converged, spec.mle.at_boundary
        (('Q[Mkt-RF]', 'Q[d10y]', 'R'), True, ())
        """
        return self._mle(df, target_col, factor_cols, ("Q", "R"), options)

    def _mle(self, df, target_col, factor_cols, which, options):
        y, H, _ = frame_arrays(df, target_col, factor_cols, self.K)
        names = [factor_cols] if isinstance(factor_cols, str) else list(factor_cols)
        if self.b0 is None or self.P0 is None:
            self.estimate_initial_state(H, y)
            self.sources.update(b0="ols (for mle)", P0="ols (for mle)")
        self._remember_y(y)
        key = _fingerprint(y, H, self.T, self.b0, self.P0, repr(sorted(options.items())))
        if self.mle is not None and self._mle_key == key:
            result = self.mle  # the joint optimum on these data is known: no second run
        else:
            base = StateSpace(self.T, np.zeros((self.K, self.K)), 1.0, self.b0, self.P0)
            result = fit_noise_mle(y, H, base, names=[str(c) for c in names], **options)
            self.mle, self._mle_key = result, key
        if "Q" in which:
            self.Q = _matrix("Q", result.Q, (self.K, self.K))
            self.sources["Q"] = "mle"
        if "R" in which:
            self.R = _matrix("R", result.R, (1, 1))
            self.sources["R"] = "mle"
        return self

    # ------------------------------------------------------------------ output
    def missing(self) -> list[str]:
        """List the pieces not set yet.

        Returns
        -------
        list of str
            Those of ``"Q", "R", "b0", "P0"`` that are still ``None``, in that order.

        Examples
        --------
        >>> import numpy as np
        >>> from bayes_beta.classical import KalmanSpec
        >>> KalmanSpec(K=1).set_Q([[1e-4]]).missing()
        ['R', 'b0', 'P0']
        """
        return [n for n in ("Q", "R", "b0", "P0") if getattr(self, n) is None]

    def completed(self, H, y) -> KalmanSpec:
        """A copy with every unset piece filled from ``H, y`` by the default heuristics.

        ``b0, P0``: :meth:`estimate_initial_state`; ``R``: :meth:`estimate_R_from_ols`; ``Q``:
        :meth:`set_Q_from_factor_vols`. The spec itself is not changed.

        Parameters
        ----------
        H : array_like or pandas.DataFrame
            (n, K) factor returns.
        y : array_like or pandas.Series
            (n,) target returns.

        Returns
        -------
        KalmanSpec
            The completed copy.

        Raises
        ------
        bayes_beta.SpecError
            ``H`` does not have ``K`` columns.
        bayes_beta.DataError
            ``y`` does not match ``H``, or a column is constant.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> spec = KalmanSpec(K=2).set_R(2.5e-4)
        >>> full = spec.completed(df[["Mkt-RF", "d10y"]], df["Util"])
        >>> full.missing(), spec.missing()
        ([], ['Q', 'b0', 'P0'])
        >>> full.sources
        {'R': 'user', 'b0': 'ols', 'P0': 'ols', 'Q': 'factor_vols'}
        """
        out = self.copy()
        if out.b0 is None or out.P0 is None:
            out.estimate_initial_state(H, y)
        if out.R is None:
            out.estimate_R_from_ols(H, y)
        if out.Q is None:
            out.set_Q_from_factor_vols(H, y)
        return out

    def copy(self) -> KalmanSpec:
        """An independent copy.

        The arrays are read-only, so they are shared safely; ``sources`` is copied, so setting a
        piece of one spec leaves the other unchanged.

        Returns
        -------
        KalmanSpec
            The copy, with the same name, ``T``, pieces, ``mle`` and ``sources``.

        Examples
        --------
        >>> from bayes_beta.classical import KalmanSpec
        >>> spec = KalmanSpec(K=1, name="a").set_R(1e-4)
        >>> other = spec.copy().set_R(2e-4)
        >>> float(spec.R[0, 0]), float(other.R[0, 0]), other.name
        (0.0001, 0.0002, 'a')
        """
        out = KalmanSpec(self.K, self.name, self.T)
        out.Q, out.R, out.b0, out.P0 = self.Q, self.R, self.b0, self.P0
        out.y_sd, out.mle, out.sources = self.y_sd, self.mle, dict(self.sources)
        out._mle_key = self._mle_key
        return out

    def to_state_space(self) -> StateSpace:
        """The validated :class:`bayes_beta.StateSpace` ``(T, Q, R, b0, P0)``.

        Returns
        -------
        bayes_beta.StateSpace
            The matrices the filter runs on.

        Raises
        ------
        bayes_beta.SpecError
            A piece is not set yet (the message names the setters that fill it).

        Examples
        --------
        >>> import numpy as np
        >>> from bayes_beta.classical import KalmanSpec
        >>> spec = KalmanSpec(K=1).set_Q([[1e-4]]).set_R(1e-2).set_initial_state([1.0], [[0.25]])
        >>> ss = spec.to_state_space()
        >>> ss.K, ss.T
        (1, array([[1.]]))
        >>> KalmanSpec(K=1).set_Q([[1e-4]]).to_state_space()
        Traceback (most recent call last):
        ...
        bayes_beta.errors.SpecError: KalmanSpec 'Kalman model' has no R, b0, P0 yet; call ...
        """
        missing = self.missing()
        if missing:
            hints = {
                "Q": "set_Q_from_factor_vols(H) or set_Q_from_mle(df, target, factors)",
                "R": "estimate_R_from_ols(H, y) or set_R_from_mle(df, target, factors)",
                "b0": "estimate_initial_state(H, y)",
                "P0": "estimate_initial_state(H, y)",
            }
            raise SpecError(
                f"KalmanSpec {self.name!r} has no {', '.join(missing)} yet; call "
                + "; ".join(dict.fromkeys(hints[m] for m in missing))
                + "."
            )
        return StateSpace(T=self.T, Q=self.Q, R=self.R, b0=self.b0, P0=self.P0)

    def __repr__(self) -> str:
        parts = [f"{n}={self.sources.get(n, 'unset')}" for n in ("b0", "P0", "Q", "R")]
        return f"KalmanSpec(K={self.K}, name={self.name!r}, {', '.join(parts)})"
