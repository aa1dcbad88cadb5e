"""``KalmanEngine``: run a :class:`KalmanSpec` on a DataFrame and collect per-step results.

The computation is :func:`bayes_beta.kalman_smoother` (the pytensor filter and smoother);
this module only turns its arrays into date-indexed pandas objects. Per step ``t``:

- ``exposures``       ``beta_{t|t}``, filtered (real-time) exposures; ``exposure_sd`` the
  square roots of ``diag P_{t|t}``; ``covariances`` ``P_{t|t}`` (n, K, K);
- ``smoothed``        ``beta_{t|n}`` from the smoother (all data), ``smoothed_sd``;
- ``residuals``       innovations ``v_t = y_t - H_t beta_{t|t-1}``; ``residual_var`` ``S_t``;
- ``loglik``          ``l_t = log p(y_t | y_{1:t-1})``;
- ``gains``           ``K_t`` (one column per factor); ``gain_norm`` ``||K_t||_2``;
- ``drift``           ``beta_{t|t} - beta_{t-1|t-1}`` per factor; ``drift_norm`` its norm
  ``||beta_{t|t} - beta_{t-1|t-1}||_2`` (``beta_{0|0} = b0`` for the first
  step, so a burned-in sample still has a drift at its first row);
- ``contributions``   ``H_{t,k} beta_{t|t,k}``.

Unobserved steps (NaN in ``y_t`` or ``H_t``) have NaN residuals, gains and log-likelihood
(the filter skips them: no update, ``l_t = 0`` in the total).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bayes_beta.classical.frames import frame_arrays
from bayes_beta.classical.spec import KalmanSpec
from bayes_beta.errors import DataError, SpecError
from bayes_beta.kalman.numeric import kalman_smoother
from bayes_beta.specs.statespace import StateSpace

__all__ = ["KalmanEngine", "KalmanResults", "results_list"]


@dataclass(frozen=True, eq=False)
class KalmanResults:
    r"""Per-step output of :meth:`KalmanEngine.run`, indexed by date.

    Every frame has one column per factor, every series and frame the dates of the run (after
    ``burn``). Unobserved steps (NaN in ``y_t`` or ``H_t``) have NaN residuals, gains and
    log-likelihood (the filter skips them: no update, ``l_t = 0`` in the total).

    Attributes
    ----------
    model_name : str
        The spec's (or engine's) name.
    target : str
        The target column.
    factors : tuple of str
        The factor columns.
    y : pandas.Series
        The target returns :math:`y_t`.
    H : pandas.DataFrame
        The factor returns :math:`H_t`.
    exposures : pandas.DataFrame
        Filtered (real-time) exposures :math:`\beta_{t|t}`.
    exposure_sd : pandas.DataFrame
        Square roots of :math:`\mathrm{diag}\, P_{t|t}`.
    covariances : numpy.ndarray
        (n, K, K) filtered covariances :math:`P_{t|t}`.
    smoothed : pandas.DataFrame
        Smoothed exposures :math:`\beta_{t|n}` (RTS smoother, all data).
    smoothed_sd : pandas.DataFrame
        Square roots of :math:`\mathrm{diag}\, P_{t|n}`.
    residuals : pandas.Series
        Innovations :math:`v_t = y_t - H_t \beta_{t|t-1}`.
    residual_var : pandas.Series
        Innovation variances :math:`S_t`.
    loglik : pandas.Series
        :math:`l_t = \log p(y_t \mid y_{1:t-1})`.
    gains : pandas.DataFrame
        Kalman gains :math:`K_t` (one column per factor).
    gain_norm : pandas.Series
        :math:`\lVert K_t \rVert_2`.
    drift_norm : pandas.Series
        :math:`\lVert \beta_{t|t} - \beta_{t-1|t-1} \rVert_2` (:math:`\beta_{0|0} = b_0` for the
        first step, so a burned-in sample still has a drift at its first row).
    drift : pandas.DataFrame
        :math:`\beta_{t|t} - \beta_{t-1|t-1}` per factor.
    contributions : pandas.DataFrame
        :math:`H_{t,k} \beta_{t|t,k}`.
    spec : bayes_beta.StateSpace
        The matrices the filter ran on (unset pieces filled).
    burn : int
        Rows computed and then dropped from every output.
    filled : tuple of str
        The pieces of the spec that were filled on the data by the default heuristics.
    index : pandas.DatetimeIndex
        The dates (property).

    See Also
    --------
    bayes_beta.classical.summarize_model_diagnostics : One row of diagnostics per model.
    bayes_beta.classical.plot_beta_grid : The exposures with bands.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec
    >>> df = bb.datasets.load_example()
    >>> res = KalmanEngine(KalmanSpec(K=2, name="Simple")).run(df, "Util", ["Mkt-RF", "d10y"])
    >>> res
    KalmanResults('Simple': Util on ['Mkt-RF', 'd10y'], 1421 steps 1990-01-12..2017-03-31, ...)
    >>> len(res), res.exposures.shape, res.covariances.shape, list(res.smoothed.columns)
    (1421, (1421, 2), (1421, 2, 2), ['Mkt-RF', 'd10y'])
    >>> res.filled
    ('Q', 'R', 'b0', 'P0')
    """

    model_name: str
    target: str
    factors: tuple[str, ...]
    y: pd.Series
    H: pd.DataFrame
    exposures: pd.DataFrame
    exposure_sd: pd.DataFrame
    covariances: np.ndarray
    smoothed: pd.DataFrame
    smoothed_sd: pd.DataFrame
    residuals: pd.Series
    residual_var: pd.Series
    loglik: pd.Series
    gains: pd.DataFrame
    gain_norm: pd.Series
    drift_norm: pd.Series
    drift: pd.DataFrame
    contributions: pd.DataFrame
    spec: StateSpace
    burn: int = 0
    filled: tuple[str, ...] = field(default=())

    @property
    def index(self) -> pd.DatetimeIndex:
        """The dates of the results (after ``burn``).

        Returns
        -------
        pandas.DatetimeIndex
            The index shared by every frame and series of the results.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanEngine, KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> res = KalmanEngine(KalmanSpec(K=1)).run(df, "Util", "Mkt-RF", burn=10)
        >>> res.index.equals(df.index[10:]), res.index.equals(res.residuals.index)
        (True, True)
        """
        return self.exposures.index

    def rmse(self, window: int | None = 52) -> pd.Series:
        r"""Rolling RMSE of the innovations.

        .. math::

            \mathrm{RMSE}_t = \sqrt{\frac{1}{|W_t|} \sum_{s \in W_t} v_s^2},

        with :math:`W_t` the observed steps among the last ``window`` steps up to ``t``, or among
        all steps up to ``t`` (the expanding RMSE) when ``window`` is ``None``. Unobserved steps are
        skipped (``min_periods=1``).

        Parameters
        ----------
        window : int or None, default 52
            The number of steps (52: a year of weeks), or ``None`` for the expanding RMSE.

        Returns
        -------
        pandas.Series
            ``rmse`` on the dates of the results.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanEngine, KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> res = KalmanEngine(KalmanSpec(K=1)).run(df, "Util", "Mkt-RF")
        >>> r = res.rmse(26)
        >>> r.name, len(r), bool(r.notna().all())
        ('rmse', 1421, True)
        """
        sq = self.residuals**2
        roll = sq.expanding(min_periods=1) if window is None else sq.rolling(window, min_periods=1)
        return np.sqrt(roll.mean()).rename("rmse")

    def __len__(self) -> int:
        return len(self.exposures)

    def __repr__(self) -> str:
        idx = self.index
        return (
            f"KalmanResults({self.model_name!r}: {self.target} on {list(self.factors)}, "
            f"{len(self)} steps {idx[0].date()}..{idx[-1].date()}, "
            f"loglik={np.nansum(self.loglik):.4g})"
        )


class KalmanEngine:
    """Runs a :class:`KalmanSpec` (or a :class:`bayes_beta.StateSpace`) on a DataFrame.

    The computation is :func:`bayes_beta.kalman_smoother` (the filter and the RTS smoother);
    the engine turns its arrays into the date-indexed :class:`KalmanResults`.

    Parameters
    ----------
    spec : KalmanSpec or bayes_beta.StateSpace
        The model. A ``StateSpace`` must have one return per step and no control input; it is
        converted to a complete :class:`KalmanSpec`.
    name : str, optional
        The model name in results, tables and plots (default: the spec's name).

    Attributes
    ----------
    spec : KalmanSpec
        The model (never modified by :meth:`run`).
    name : str
        The model name.

    Raises
    ------
    bayes_beta.SpecError
        ``spec`` is neither a ``KalmanSpec`` nor a ``StateSpace``, or the ``StateSpace`` has
        several observations per step or a control input.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine
    >>> df = bb.datasets.load_example()
    >>> ss = bb.StateSpace.random_walk(Q=np.diag([0.02**2, 0.002**2]), R=[[0.015**2]],
    ...                                b0=[0.5, 0.0], P0=np.diag([0.25, 0.01]))
    >>> engine = KalmanEngine(ss, name="Given noise")
    >>> engine.spec
    KalmanSpec(K=2, name='Given noise', b0=user, P0=user, Q=user, R=user)
    >>> engine.run(df, "Util", ["Mkt-RF", "d10y"]).filled
    ()
    """

    def __init__(self, spec: KalmanSpec | StateSpace, name: str | None = None) -> None:
        if isinstance(spec, StateSpace):
            if spec.m != 1 or spec.B is not None:
                raise SpecError("KalmanEngine runs one return per step without control input.")
            ks = KalmanSpec(spec.K, name or "Kalman model", spec.T)
            ks.set_Q(spec.Q).set_R(spec.R).set_initial_state(spec.b0, spec.P0)
            spec = ks
        if not isinstance(spec, KalmanSpec):
            raise SpecError(
                f"KalmanEngine needs a KalmanSpec or a StateSpace; got {type(spec).__name__}."
            )
        self.spec = spec
        self.name = name or spec.name

    def run(self, df: pd.DataFrame, target_col, factor_cols, burn: int = 0) -> KalmanResults:
        """Filter and smooth ``df[target_col]`` on ``df[factor_cols]``.

        Pieces of the spec that are still unset are filled on these data by the default heuristics
        (:meth:`KalmanSpec.completed`; listed in ``results.filled``); the spec itself and ``df``
        are not modified. ``burn`` rows are computed and then dropped from every output (they still
        shape the later estimates).

        Parameters
        ----------
        df : pandas.DataFrame
            The data, indexed by date.
        target_col : hashable
            The target column.
        factor_cols : hashable or sequence of hashable
            The ``K`` factor columns.
        burn : int, default 0
            Rows to drop from the start of every output.

        Returns
        -------
        KalmanResults
            The per-step results.

        Raises
        ------
        bayes_beta.ColumnError
            A column is missing.
        bayes_beta.DataError
            The frame fails the checks, or ``burn`` is not an integer in ``0 .. n - 1``.
        bayes_beta.SpecError
            The number of factor columns differs from the spec's ``K``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.classical import KalmanEngine, KalmanSpec
        >>> df = bb.datasets.load_example()
        >>> res = KalmanEngine(KalmanSpec(K=2)).run(df, "Util", ["Mkt-RF", "d10y"], burn=52)
        >>> len(res), res.burn, str(res.index[0].date())
        (1369, 52, '1991-01-11')
        >>> KalmanEngine(KalmanSpec(K=2)).run(df, "Util", ["Mkt-RF", "d10y"], burn=1421)
        Traceback (most recent call last):
        ...
        bayes_beta.errors.DataError: burn = 1421 drops every row: the data have 1421 rows. ...
        """
        y, H, index = frame_arrays(df, target_col, factor_cols, self.spec.K)
        factors = tuple(
            str(c) for c in ([factor_cols] if isinstance(factor_cols, str) else factor_cols)
        )
        if isinstance(burn, bool) or not isinstance(burn, int | np.integer) or burn < 0:
            raise DataError(f"burn must be a non-negative integer; got {burn!r}.")
        if burn >= len(y):
            raise DataError(
                f"burn = {burn} drops every row: the data have {len(y)} rows. "
                f"Use burn < {len(y)}, e.g. burn=0."
            )
        missing = tuple(self.spec.missing())
        ss = self.spec.completed(H, y).to_state_space()
        out = kalman_smoother(y, H, ss)
        return _results(self.name, str(target_col), factors, y, H, index, ss, out, burn, missing)


def _results(name, target, factors, y, H, index, ss, out, burn, filled) -> KalmanResults:
    observed = np.isfinite(y) & np.isfinite(H).all(axis=1)
    beta = out.beta_filt
    prev = np.vstack([ss.b0[None, :], beta[:-1]])
    gains = np.where(observed[:, None], out.K[:, :, 0], np.nan)
    cols = list(factors)
    keep = slice(burn, None)

    def frame(a):
        return pd.DataFrame(a[keep], index=index[keep], columns=cols)

    def series(a, label):
        return pd.Series(a[keep], index=index[keep], name=label)

    def sd(P):
        return np.sqrt(np.clip(np.diagonal(P, axis1=1, axis2=2), 0.0, None))

    return KalmanResults(
        model_name=name,
        target=target,
        factors=factors,
        y=series(y, target),
        H=frame(H),
        exposures=frame(beta),
        exposure_sd=frame(sd(out.P_filt)),
        covariances=np.array(out.P_filt[keep]),
        smoothed=frame(out.beta_smooth),
        smoothed_sd=frame(sd(out.P_smooth)),
        residuals=series(out.v[:, 0], "residual"),
        residual_var=series(out.S[:, 0, 0], "residual_var"),
        loglik=series(np.where(observed, out.loglik_t, np.nan), "loglik"),
        gains=frame(gains),
        gain_norm=series(np.linalg.norm(gains, axis=1), "gain_norm"),
        drift_norm=series(np.linalg.norm(beta - prev, axis=1), "drift_norm"),
        drift=frame(beta - prev),
        contributions=frame(H * beta),
        spec=ss,
        burn=int(burn),
        filled=filled,
    )


def results_list(results) -> list[KalmanResults]:
    """One :class:`KalmanResults` or several, as a list (tables and plots take either).

    Parameters
    ----------
    results : KalmanResults or iterable of KalmanResults
        The results of one model or of several.

    Returns
    -------
    list of KalmanResults
        The results, in the order given.

    Raises
    ------
    bayes_beta.DataError
        Nothing is given, or an item is not a ``KalmanResults``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, results_list
    >>> df = bb.datasets.load_example()
    >>> res = KalmanEngine(KalmanSpec(K=1)).run(df, "Util", "Mkt-RF")
    >>> len(results_list(res)), len(results_list([res, res]))
    (1, 2)
    >>> results_list([])
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: Pass a KalmanResults (from KalmanEngine(spec).run(...)) ...
    """
    items = [results] if isinstance(results, KalmanResults) else list(results)
    if not items or not all(isinstance(r, KalmanResults) for r in items):
        raise DataError(
            "Pass a KalmanResults (from KalmanEngine(spec).run(...)) or a list of them."
        )
    return items
