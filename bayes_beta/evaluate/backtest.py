"""``bb.backtest``: an out-of-sample comparison with no look-ahead, against what practitioners use.

The test period (after ``start``) is cut into blocks at each refit date (``refit="Y"``: every
calendar year). For a block starting at row ``i0``, every method learns from rows ``< i0`` only
and then forecasts each step ``t`` of the block one step ahead from the data up to ``t - 1``
and the realised factor returns ``H_t``:

- ``bayes``: ``bb.fit`` on the rows before the block (noise parameters learnt there); the
  filter runs forward through the block with each posterior draw, so the exposures use data up
  to ``t - 1`` and the predictive is the mixture over draws of ``N(H_t beta_{t|t-1}, S_t)``;
- ``kalman_mle``: the classical filter with maximum-likelihood ``Q``, ``R`` from the rows
  before the block (plug-in), run forward the same way;
- ``rolling_<w>``: OLS on the ``w`` rows before ``t`` (36/60 months, 156/260 weeks, 3/5 years
  of days), Student-t predictive with ``w - K`` degrees of freedom;
- ``expanding_ols``: OLS on every row before ``t``, the same predictive.

Per step: the point forecast's error ``y_t - H_t beta_{t|t-1}`` (its variance is the hedging
error), the log score of ``y_t`` and whether the central ``prob`` interval covers it. The
table summarises per year and overall: mean squared error, mean log score, hedging error
variance, coverage.
"""

from __future__ import annotations

import itertools
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from bayes_beta.bayesian.args import check_prob
from bayes_beta.bayesian.checks import mixture_scores
from bayes_beta.bayesian.propagate import draw_matrices, stack_draws
from bayes_beta.data.design import make_design
from bayes_beta.data.regression import complete_rows, ols
from bayes_beta.errors import ArgumentError
from bayes_beta.kalman.propagate import innovation_draws
from bayes_beta.specs.options import DEFAULT_VOLATILITY, VOLATILITIES, ModelOptions
from bayes_beta.specs.sampler import Sampling

__all__ = ["Backtest", "backtest", "rolling_ols"]

def backtest_volatilities() -> tuple[str, ...]:
    """The volatility models a backtest takes (their traits say ``backtest=True``)."""
    return tuple(name for name, traits in VOLATILITIES.items() if traits.backtest)


class Backtest(NamedTuple):
    """Result of :func:`backtest`: every method's one-step forecasts and their summaries.

    Attributes
    ----------
    steps : pandas.DataFrame
        One row per step and method: ``date``, ``method``, ``y``, ``forecast`` (the point
        forecast :math:`H_t \\beta_{t|t-1}`), ``error`` (``y - forecast``), ``log_score`` (the
        log predictive density of ``y``) and ``inside`` (1.0 when the central ``prob`` interval
        covers ``y``, else 0.0). Steps a method cannot forecast are left out.
    table : pandas.DataFrame
        Per ``(year, method)``: ``mse`` (mean squared error), ``log_score`` (mean),
        ``hedging_error_var`` (the variance of the error, ``ddof = 0``), ``coverage`` and
        ``steps``.
    overall : pandas.DataFrame
        The same per ``method``, over the whole test period.
    prob : float
        The nominal probability of the intervals.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> bt = bb.backtest(df.iloc[-120:], "Util", ["Mkt-RF"], start="2017-01-01", windows=(26,),
    ...                  draws=50, tune=50, chains=1, seed=1)
    >>> bt.overall.index.tolist(), bt.prob
    (['bayes', 'expanding_ols', 'kalman_mle', 'rolling_26'], 0.9)
    >>> bt.overall.columns.tolist()
    ['mse', 'log_score', 'hedging_error_var', 'coverage', 'steps']
    >>> list(bt.table.index.names), bt.steps.columns.tolist()
    (['year', 'method'], ['date', 'method', 'y', 'forecast', 'error', 'log_score', 'inside'])
    """

    steps: pd.DataFrame
    table: pd.DataFrame
    overall: pd.DataFrame
    prob: float

    def plot(self):
        """Per-year mean squared error and log score of every method.

        Returns
        -------
        matplotlib.figure.Figure
            Two panels sharing the year axis: the mean squared error and the mean log score of each
            method per year (from ``Backtest.table``).

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> bt = bb.backtest(df.iloc[-120:], "Util", ["Mkt-RF"], start="2017-01-01", windows=(26,),
        ...                  draws=50, tune=50, chains=1, seed=1)
        >>> fig = bt.plot()
        >>> len(fig.axes)
        2
        >>> plt.close("all")
        """
        from bayes_beta.plots.compare import plot_backtest

        return plot_backtest(self.table)


def rolling_ols(y: np.ndarray, H: np.ndarray, t: int, window: int | None):
    r"""OLS on the complete rows among the ``window`` rows before ``t``.

    With :math:`W` the complete rows among rows ``max(0, t - window) .. t - 1`` (all rows
    before ``t`` when ``window`` is ``None``) and :math:`n_W` their number,

    .. math::

        \hat\beta = (H_W' H_W)^{-1} H_W' y_W, \qquad
        s^2 = \frac{\lVert y_W - H_W \hat\beta \rVert^2}{n_W - K},

    computed by the project's one OLS (:func:`bayes_beta.data.regression.ols`). The backtest's
    rolling and expanding OLS forecast :math:`y_t` with a Student-t of :math:`n_W - K` degrees
    of freedom, location :math:`H_t \hat\beta` and scale
    :math:`\sqrt{s^2 (1 + H_t (H_W' H_W)^{-1} H_t')}`.

    Parameters
    ----------
    y : numpy.ndarray
        (n,) target returns (NaN allowed).
    H : numpy.ndarray
        (n, K) factor returns (NaN allowed).
    t : int
        The row being forecast; only rows before it are used.
    window : int or None
        The number of rows before ``t``, or ``None`` for all of them (expanding OLS).

    Returns
    -------
    tuple or None
        ``(beta (K,), s2, (H'H)^-1 (K, K), dof)`` with ``dof = n_W - K``, or ``None`` with
        fewer than ``K + 2`` complete rows.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import rolling_ols
    >>> df = bb.datasets.load_example()
    >>> y, H = df["Util"].to_numpy(), df[["Mkt-RF", "d10y"]].to_numpy()
    >>> beta, s2, inv, dof = rolling_ols(y, H, t=300, window=156)
    >>> bool(np.allclose(beta, np.linalg.lstsq(H[144:300], y[144:300], rcond=None)[0])), dof
    (True, 154)
    >>> rolling_ols(y, H, t=3, window=None) is None  # 3 rows for K = 2: too few
    True
    """
    a = 0 if window is None else max(0, t - window)
    K = H.shape[1]
    if complete_rows(y[a:t], H[a:t]).sum() < K + 2:
        return None
    fit = ols(H[a:t], y[a:t])
    return fit.b, fit.s2, fit.cov / fit.s2 if fit.s2 > 0 else fit.cov, fit.n - K


def _ols_steps(y, H, rows, window, prob):
    out = []
    for t in rows:
        fit = rolling_ols(y, H, t, window)
        if fit is None or np.isnan(y[t]) or np.isnan(H[t]).any():
            out.append((np.nan, np.nan, np.nan))
            continue
        beta, s2, inv, dof = fit
        mean = float(H[t] @ beta)
        scale = np.sqrt(s2 * (1.0 + H[t] @ inv @ H[t]))
        dist = stats.t(dof, loc=mean, scale=scale)
        lo, hi = dist.ppf([(1 - prob) / 2, (1 + prob) / 2])
        out.append((mean, float(dist.logpdf(y[t])), float(lo <= y[t] <= hi)))
    return out


def _mixture_steps(v, S, y, rows, prob):
    """Point forecast, log score and coverage from per-draw innovations ``v``, ``S`` (D, n)."""
    rows = np.asarray(rows)
    v, S = v[:, rows], S[:, rows]
    pit, log_score = mixture_scores(v, S)
    mean = y[rows] - v.mean(0)
    inside = ((1 - prob) / 2 <= pit) & (pit <= (1 + prob) / 2)
    seen = ~np.isnan(y[rows]) & ~np.isnan(v).any(0)
    return [(m, ls, float(c)) if ok else (np.nan, np.nan, np.nan)
            for m, ls, c, ok in zip(mean, log_score, inside, seen, strict=True)]


def _bayes_block(df, target, factors, i0, i1, prob, options):
    from bayes_beta.bayesian.fit import fit as bayes_fit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = bayes_fit(df.iloc[:i0], target, factors, progress=False, check=False, **options)
    design = make_design(df.iloc[:i1], target, factors, intercept=fit.design.intercept,
                         initial=fit.design.initial,
                         units=(fit.design.y_unit, fit.design.state_unit))  # training's start
    kept = stack_draws(fit.tree["posterior"].to_dataset())
    m = draw_matrices(kept, design, fit.options, fit.variant.correlated)
    v, S = innovation_draws(design.y, np.ascontiguousarray(design.H), m.T, m.Q_sqrt, m.r_sqrt,
                            m.b0, m.P0, m.c)
    return _mixture_steps(v, S, design.y, range(i0, i1), prob)


def _mle_block(df, target, factors, i0, i1, prob, intercept):
    from bayes_beta.classical.mle import fit_noise_mle
    from bayes_beta.kalman import kalman_filter
    from bayes_beta.specs import StateSpace

    train = make_design(df.iloc[:i0], target, factors, intercept=intercept)
    spec = StateSpace.random_walk(Q=np.eye(train.K) * 1e-4, R=np.array([[1e-4]]), b0=train.b0,
                                  P0=train.P0)
    res = fit_noise_mle(train.y, train.H, spec, warn=False)
    design = make_design(df.iloc[:i1], target, factors, intercept=intercept,
                         units=(train.y_unit, train.state_unit))
    spec = StateSpace.random_walk(Q=res.Q, R=res.R, b0=train.b0, P0=train.P0)
    f = kalman_filter(design.y, design.H, spec)
    return _mixture_steps(f.v[:, 0][None], f.S[:, 0, 0][None], design.y, range(i0, i1), prob)


def backtest(df: pd.DataFrame, target: str, factors, priors="default", *, refit: str = "Y",
             start=None, windows=None, prob: float = 0.9, intercept: bool = False,
             volatility: str = DEFAULT_VOLATILITY, dynamics: str = "random_walk",
             initial: str = "ols", draws: int = 500, tune: int = 500, chains: int = 2,
             seed: int | None = 0, target_accept: float | None = None,
             progress: bool = False) -> Backtest:
    r"""Out-of-sample one-step forecasts by the Bayesian fit and what practitioners use.

    The test period (from ``start``) is cut into blocks at each ``refit`` date (``"Y"``: every
    calendar year). For a block starting at row ``i0``, every method learns from rows
    ``< i0`` only and then forecasts each step ``t`` of the block one step ahead from the data
    up to ``t - 1`` and the realised factor returns :math:`H_t`:

    - ``bayes``: :func:`bayes_beta.fit` on the rows before the block (noise parameters learnt
      there); the filter runs forward through the block with each posterior draw ``d``, so the
      exposures use data up to ``t - 1`` and the predictive is the mixture
      :math:`\frac{1}{D} \sum_d N(y_t; H_t \beta^{(d)}_{t|t-1}, S^{(d)}_t)`;
    - ``kalman_mle``: the classical filter with maximum-likelihood ``Q``, ``R``
      (:func:`bayes_beta.classical.fit_noise_mle`) from the rows before the block (plug-in),
      run forward the same way;
    - ``rolling_<w>``: OLS on the ``w`` rows before ``t`` (:func:`rolling_ols`; by default 3 and
      5 years of steps: 36/60 months, 156/260 weeks, about 756/1260 days), Student-t predictive
      with ``w - K`` degrees of freedom;
    - ``expanding_ols``: OLS on every row before ``t``, the same predictive.

    Per step: the point forecast's error :math:`e_t = y_t - H_t \beta_{t|t-1}` (its variance
    is the hedging error), the log score :math:`\log p(y_t \mid y_{1:t-1})` and whether the
    central ``prob`` interval covers :math:`y_t`. The summaries per year and overall: mean
    squared error, mean log score, hedging error variance, coverage.

    Parameters
    ----------
    df : pandas.DataFrame
        The data, indexed by date.
    target : str
        The target column.
    factors : str or sequence of str
        The factor columns.
    priors : str or bayes_beta.PriorVariant, default "default"
        The Bayesian fit's prior variant.
    refit : {"Y", "Q", "M"}, default "Y"
        Refit every calendar year, quarter or month.
    start : str or datetime-like, optional
        The first test date; default: once the longest rolling window is full.
    windows : sequence of int, optional
        The rolling OLS windows in steps; default 3 and 5 years of steps.
    prob : float, default 0.9
        The central interval whose coverage is measured.
    intercept : bool, default False
        A time-varying alpha in the Bayesian and MLE models.
    volatility : {"garch", "constant"}, default "garch"
        The Bayesian fit's observation noise model.
    dynamics, initial : str, default "random_walk", "ols"
        The Bayesian fit's state dynamics and initial state (as in :func:`bayes_beta.fit`).
    draws, tune, chains : int, default 500, 500, 2
        The Bayesian fits' sampler settings (:class:`bayes_beta.Sampling`). Smaller than
        :func:`bayes_beta.fit`'s 1000, 1000, 4 on purpose: a backtest refits once per block
        (28 refits on the weekly example), and its scores average the one-step predictive over
        the draws, whose Monte Carlo error at 1,000 draws is far below the differences between
        methods.
    seed : int or None, default 0
        The seed of every block's Bayesian fit. ``0`` rather than a
        fresh seed on purpose: a backtest is a comparison of methods, and a fixed seed makes two
        runs on the same data give the same table; ``None`` draws a fresh one.
    target_accept : float, optional
        NUTS's target acceptance rate; ``None``: the model's default.
    progress : bool, default False
        Print the block being fitted (off by default: a backtest is usually run in a script or
        by ``bayes-beta backtest``, which turns it on unless ``--quiet``).

    Returns
    -------
    Backtest
        ``steps``, ``table`` (per year and method) and ``overall`` (per method).

    Raises
    ------
    bayes_beta.ArgumentError
        ``refit``, ``volatility`` or ``prob`` not allowed, ``start`` not a date, or a ``start``
        that leaves no test period (or no training data).
    bayes_beta.DataError
        Unusable data (:func:`bayes_beta.make_design`; a missing column raises
        :class:`bayes_beta.ColumnError`).

    See Also
    --------
    bayes_beta.evaluate.lfo_cv : Leave-future-out cross-validation of one fit.

    Examples
    --------
    One block (the weeks of 2017) on a short slice, with tiny sampling:

    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> bt = bb.backtest(df.iloc[-120:], "Util", ["Mkt-RF"], start="2017-01-01", windows=(26,),
    ...                  draws=50, tune=50, chains=1, seed=1)
    >>> bt.overall["steps"].to_dict()
    {'bayes': 13, 'expanding_ols': 13, 'kalman_mle': 13, 'rolling_26': 13}
    >>> bt.table.index.get_level_values("year").unique().tolist()
    [2017]
    >>> bb.backtest(df, "Util", ["Mkt-RF"], refit="W")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: refit must be 'Y', 'Q' or 'M'; got 'W'.
    """
    if refit not in ("Y", "Q", "M"):
        raise ArgumentError(f"refit must be 'Y', 'Q' or 'M'; got {refit!r}.")
    if volatility not in backtest_volatilities():
        raise ArgumentError(f"backtest takes volatility in {backtest_volatilities()}; got "
                            f"{volatility!r}.")
    prob = check_prob("prob", prob)
    Sampling(draws=draws, tune=tune, chains=chains, seed=seed, target_accept=target_accept)
    ModelOptions(dynamics=dynamics, volatility=volatility)
    design = make_design(df, target, factors, intercept=intercept, initial=initial)
    spy = design.steps_per_year
    steps = round(spy)  # 52 weeks, 12 months, ~252 days: windows of 3 and 5 years
    windows = tuple(windows) if windows is not None else (3 * steps, 5 * steps)
    time = design.time
    if start is None:
        first = max(windows)
    else:
        try:
            first = int(time.searchsorted(pd.Timestamp(start)))
        except (TypeError, ValueError):
            raise ArgumentError(f"start must be a date such as '2005-01-01'; got {start!r}.") \
                from None
    if first >= len(time) - 1 or first < design.K + 2:
        raise ArgumentError(f"start leaves no test period (or no training data): the data "
                            f"run {time[0]:%Y-%m-%d} .. {time[-1]:%Y-%m-%d}.")
    period = time.to_period(refit)
    cuts = [first] + [i for i in range(first + 1, len(time)) if period[i] != period[i - 1]]
    cuts.append(len(time))
    options = {"priors": priors, "draws": draws, "tune": tune, "chains": chains, "seed": seed,
               "intercept": intercept, "volatility": volatility, "dynamics": dynamics,
               "initial": initial, "target_accept": target_accept}
    y, H = design.y, design.H
    rows = []
    for b, (i0, i1) in enumerate(itertools.pairwise(cuts)):
        if progress:
            print(f"\rbacktest block {b + 1}/{len(cuts) - 1}", end="", flush=True)
        block = range(i0, i1)
        results = {"bayes": _bayes_block(df, target, factors, i0, i1, prob, options),
                   "kalman_mle": _mle_block(df, target, factors, i0, i1, prob, intercept),
                   "expanding_ols": _ols_steps(y, H, block, None, prob)}
        for w in windows:
            results[f"rolling_{w}"] = _ols_steps(y, H, block, w, prob)
        for method, values in results.items():
            for t, (mean, score, inside) in zip(block, values, strict=True):
                rows.append({"date": time[t], "method": method, "y": y[t], "forecast": mean,
                             "error": y[t] - mean, "log_score": score, "inside": inside})
    if progress:
        print()
    steps = pd.DataFrame(rows).dropna(subset=["forecast"])
    return Backtest(steps, _summary(steps, by_year=True), _summary(steps, by_year=False), prob)


def _summary(steps: pd.DataFrame, by_year: bool) -> pd.DataFrame:
    keys = [steps["date"].dt.year.rename("year"), "method"] if by_year else ["method"]
    g = steps.groupby(keys)
    return pd.DataFrame({"mse": g["error"].apply(lambda e: float(np.mean(e**2))),
                         "log_score": g["log_score"].mean(),
                         "hedging_error_var": g["error"].var(ddof=0),
                         "coverage": g["inside"].mean(), "steps": g["error"].size()})
