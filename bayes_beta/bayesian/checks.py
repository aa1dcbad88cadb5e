"""One-step-ahead predictive checks: is the observation noise model right?

For each posterior draw ``s`` the filter gives the one-step predictive of ``y_t`` given
``y_{1:t-1}``: ``N(y_t - v_t, S_t)`` with ``S_t = H_t P_pred H_t' + R_t``. ``R_t`` is the
variance the model *predicts* for step ``t`` before seeing ``y_t``:

    constant, known   sigma_obs^2 (x m_t)                  (known in advance)
    garch             omega + alpha v_(t-1)^2 + gamma R_(t-1)  (a function of the past)
    student_t         sigma_obs^2 lambda,  lambda ~ InvGamma(nu/2, nu/2) drawn afresh
    stochastic        log R_t ~ N(m + phi (log R_(t-1) - m), sigma^2)  from the draw's R_(t-1)

(the draw's own ``lambda_t`` or ``log R_t`` has seen ``y_t`` and would flatter the model; the
stochastic model's ``R_(t-1)`` is still a full-sample posterior draw, a mild look-ahead).
Over the draws the predictive is a mixture; its CDF at the observed ``y_t`` is the PIT ``u_t``
(uniform if the model is right) and ``z_t = Phi^-1(u_t)`` the standardised innovation
(standard normal, no autocorrelation in ``z_t^2``). A ``prob`` interval covers ``y_t`` when
``(1 - prob)/2 <= u_t <= (1 + prob)/2``. :func:`model_checks` (``Fit.checks``) adds coverage
by year and the CUSUM and CUSUM-of-squares tests of ``z_t`` (:mod:`bayes_beta.kalman.cusum`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special, stats

from bayes_beta.bayesian.args import check_prob
from bayes_beta.bayesian.propagate import draw_matrices, stack_draws
from bayes_beta.bayesian.volatility import get_volatility
from bayes_beta.errors import ArgumentError
from bayes_beta.kalman.propagate import innovation_draws

__all__ = ["ModelChecks", "PredictiveChecks", "ljung_box", "mixture_scores", "model_checks",
           "predictive_checks"]


class PredictiveChecks(NamedTuple):
    r"""One-step predictive checks of a fit; each a DataArray with dims ``time``.

    For each posterior draw the filter gives the one-step predictive
    :math:`N(y_t - v_t, S_t)` of :math:`y_t` given :math:`y_{1:t-1}`, with the variance the
    model predicts before seeing :math:`y_t` (see :mod:`bayes_beta.bayesian.checks`). Over the
    draws the predictive is a mixture; its CDF at the observed :math:`y_t` is the PIT
    :math:`u_t` (uniform if the model is right) and :math:`z_t = \Phi^{-1}(u_t)` the
    standardised innovation (standard normal, no autocorrelation in :math:`z_t^2`). Made by
    :func:`bayes_beta.predictive_checks`.

    Attributes
    ----------
    pit : xarray.DataArray
        :math:`u_t`, NaN where :math:`y_t` or :math:`H_t` is missing.
    z : xarray.DataArray
        :math:`\Phi^{-1}(u_t)`.
    log_density : xarray.DataArray
        The log of the mixture density at :math:`y_t` (in-sample; 0 where missing).

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> checks = bb.predictive_checks(fit)
    >>> checks.pit.dims, checks.z.sizes["time"]
    (('time',), 260)
    >>> bool(((checks.pit > 0) & (checks.pit < 1)).all())
    True
    """

    pit: xr.DataArray  # u_t, NaN where y_t or H_t is missing
    z: xr.DataArray  # Phi^-1(u_t)
    log_density: xr.DataArray  # log of the mixture density at y_t (in-sample)

    def coverage(self, prob: float = 0.9, by: str = "year") -> pd.Series:
        r"""Share of steps inside the central ``prob`` predictive interval, per year.

        Per calendar year, or over all steps with ``by="all"``.

        A step is inside when :math:`(1 - p)/2 \le u_t \le (1 + p)/2`; steps without a PIT
        are left out. A well-calibrated model covers about ``prob`` of the steps every year.

        Parameters
        ----------
        prob : float, default 0.9
            Probability of the central one-step interval.
        by : {"year", "all"}, default "year"
            One share per calendar year, or one over all steps.

        Returns
        -------
        pandas.Series
            The shares, indexed by year (or ``"all"``).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> checks = bb.predictive_checks(fit)
        >>> checks.coverage(0.9).index.tolist()
        [2012, 2013, 2014, 2015, 2016, 2017]
        >>> checks.coverage(0.9, by="all").index.tolist()
        ['all']
        """
        u = self.pit.to_series().dropna()
        inside = (u >= (1 - prob) / 2) & (u <= (1 + prob) / 2)
        return inside.groupby(u.index.year).mean() if by == "year" else \
            pd.Series({"all": inside.mean()})

    def kurtosis(self) -> float:
        """Kurtosis of ``z_t`` (3 for a Gaussian).

        The Pearson kurtosis (not the excess) of the standardised innovations; above 3 the
        model's one-step predictive has too thin tails.

        Returns
        -------
        float
            The kurtosis.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> checks = bb.predictive_checks(fit)
        >>> isinstance(checks.kurtosis(), float)
        True
        """
        return float(stats.kurtosis(self.z.to_series().dropna(), fisher=False))

    def ljung_box(self, lags: int = 6) -> float:
        """Ljung-Box statistic of ``z_t^2`` over ``lags`` lags.

        Chi-square with ``lags`` degrees of freedom without volatility clustering: 12.6 is its
        95% point for 6 lags.

        Parameters
        ----------
        lags : int, default 6
            Number of lags.

        Returns
        -------
        float
            The statistic (see :func:`bayes_beta.bayesian.checks.ljung_box`).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> checks = bb.predictive_checks(fit)
        >>> checks.ljung_box(6) >= 0
        True
        """
        return ljung_box(self.z.to_series().dropna().to_numpy() ** 2, lags)

    def summary(self, prob: float = 0.9) -> dict:
        """The headline numbers: kurtosis, Ljung-Box (6 lags), coverage, in-sample log score.

        Parameters
        ----------
        prob : float, default 0.9
            Probability of the interval whose overall coverage is reported.

        Returns
        -------
        dict
            ``kurtosis``, ``ljung_box_6``, ``coverage_<prob>`` (e.g. ``coverage_90%``) and
            ``log_score`` (the sum of the log predictive densities).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> sorted(bb.predictive_checks(fit).summary(0.9))
        ['coverage_90%', 'kurtosis', 'ljung_box_6', 'log_score']
        """
        return {"kurtosis": self.kurtosis(), "ljung_box_6": self.ljung_box(6),
                f"coverage_{prob:.0%}": float(self.coverage(prob, by="all").iloc[0]),
                "log_score": float(self.log_density.sum())}


def ljung_box(x: np.ndarray, lags: int) -> float:
    r"""``n (n + 2) sum_k rho_k^2 / (n - k)``, ``rho_k`` the lag-``k`` autocorrelation of ``x``.

    .. math::

        Q = n (n + 2) \sum_{k=1}^{L} \frac{\hat\rho_k^2}{n - k},

    with :math:`\hat\rho_k` the lag-:math:`k` sample autocorrelation of ``x`` (about its mean).
    Without autocorrelation it is approximately chi-square with :math:`L` degrees of freedom.

    Parameters
    ----------
    x : array_like
        The series (no NaN).
    lags : int
        Number of lags :math:`L`.

    Returns
    -------
    float
        The statistic.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.bayesian.checks import ljung_box
    >>> x = np.array([1.0, -1.0] * 50)  # perfectly alternating: rho_1 = -0.99
    >>> round(ljung_box(x, 1), 2)  # 100 * 102 * 0.99**2 / 99
    100.98
    >>> bool(ljung_box(np.random.default_rng(0).standard_normal(500), 6) < 30)
    True
    """
    x = np.asarray(x, dtype=float) - np.mean(x)
    n, denom = len(x), float(x @ x)
    rho = np.array([x[k:] @ x[:-k] / denom for k in range(1, lags + 1)])
    return float(n * (n + 2) * np.sum(rho**2 / (n - np.arange(1, lags + 1))))


def mixture_scores(v: np.ndarray, S: np.ndarray):
    """``(PIT, log density)`` per step (n,) of ``y_t`` under the mixture over draws of
    ``N(y_t - v_s, S_s)`` (``v``, ``S``: (draws, n) innovations and their variances); NaN
    where a step has none."""
    pit = np.mean(special.ndtr(v / np.sqrt(S)), axis=0)
    log_dens = special.logsumexp(-0.5 * (np.log(2 * np.pi * S) + v * v / S), axis=0) \
        - np.log(v.shape[0])
    return pit, log_dens


def predictive_checks(fit, draws: int = 500, seed=0) -> PredictiveChecks:
    """The one-step predictive checks of ``fit`` from ``draws`` evenly thinned posterior draws.

    The PIT, standardised innovations and log predictive densities of every step under the
    mixture over the draws of each draw's one-step predictive (see
    :mod:`bayes_beta.bayesian.checks` for the variance each volatility model predicts).

    Parameters
    ----------
    fit : bayes_beta.Fit
        The fit to check.
    draws : int, default 500
        Posterior draws used, evenly thinned over all chains (all when there are fewer).
    seed : int, default 0
        Seed of the Student-t and stochastic-volatility variance draws.

    Returns
    -------
    PredictiveChecks
        ``pit``, ``z`` and ``log_density`` over time.

    Raises
    ------
    bayes_beta.ArgumentError
        If ``draws`` is not a positive integer.

    See Also
    --------
    bayes_beta.Fit.checks : Adds coverage by year and CUSUM tests.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> checks = bb.predictive_checks(fit, draws=20)
    >>> type(checks).__name__, checks.pit.sizes["time"]
    ('PredictiveChecks', 260)
    >>> bb.predictive_checks(fit, draws=0)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: draws must be a positive integer; got 0.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ArgumentError(f"draws must be a positive integer; got {draws!r}.")
    stacked = stack_draws(fit.tree["posterior"].to_dataset())
    keep = np.unique(np.linspace(0, stacked.sizes["sample"] - 1, draws).round().astype(int))
    stacked = stacked.isel(sample=keep)
    design = fit.design
    m = draw_matrices(stacked, design, fit.options, fit.variant.correlated)
    H = np.ascontiguousarray(design.H)
    n = len(design.y)
    r_t = np.broadcast_to(m.r_sqrt**2, (len(keep), n))
    v, S = innovation_draws(design.y, H, m.T, m.Q_sqrt, m.r_sqrt, m.b0, m.P0, m.c)
    rng = np.random.default_rng(seed)
    S = S - r_t + get_volatility(fit.options.volatility).predicted_r(fit, stacked, r_t, rng)
    pit, log_dens = mixture_scores(v, S)
    seen = np.isfinite(pit)
    pit = np.where(seen, np.clip(pit, 1e-12, 1 - 1e-12), np.nan)
    coords = {"time": pd.DatetimeIndex(design.time, name="time")}
    as_da = lambda a, name: xr.DataArray(a, dims="time", coords=coords, name=name)  # noqa: E731
    return PredictiveChecks(as_da(pit, "pit"), as_da(special.ndtri(pit), "z"),
                            as_da(np.where(seen, log_dens, 0.0), "log_density"))


class ModelChecks(NamedTuple):
    r"""``Fit.checks()``: one-step predictive checks as tables, and their figure (:meth:`plot`).

    The PIT :math:`u_t` and standardised innovations :math:`z_t = \Phi^{-1}(u_t)` of the
    one-step predictive mixture (:class:`PredictiveChecks`), the coverage of central one-step
    intervals, and the CUSUM and CUSUM-of-squares paths of :math:`z_t` (Brown-Durbin-Evans and
    Edgerton-Wells bounds, :mod:`bayes_beta.kalman.cusum`), which leave their bounds when the
    model breaks (e.g. a level shift or a change of volatility).

    Attributes
    ----------
    pit : xarray.DataArray
        The PIT values :math:`u_t` (dims ``time``).
    z : xarray.DataArray
        The standardised innovations (dims ``time``).
    coverage : pandas.DataFrame
        Share of steps inside the central one-step intervals (one column per probability,
        50% and 90% by default), per year and overall (the row ``"all"``).
    cusum : pandas.DataFrame
        Per observed step after the first ``K``: ``cusum``, ``lower``, ``upper``,
        ``cusum_squares``, ``lower_squares``, ``upper_squares`` (the paths and their bounds at
        ``alpha``).
    summary : dict
        Kurtosis, Ljung-Box of :math:`z^2` (6 lags), overall coverage of the last interval,
        log score, and whether each CUSUM path leaves its bounds (``cusum_outside``,
        ``cusum_squares_outside``).
    alpha : float
        Significance level of the bounds.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> checks = fit.checks(probs=(0.5, 0.9), alpha=0.05)
    >>> checks.coverage.columns.tolist(), checks.coverage.index.tolist()
    (['50%', '90%'], [2012, 2013, 2014, 2015, 2016, 2017, 'all'])
    >>> checks.cusum.columns.tolist()
    ['cusum', 'lower', 'upper', 'cusum_squares', 'lower_squares', 'upper_squares']
    >>> type(checks.summary["cusum_outside"]), checks.alpha
    (<class 'bool'>, 0.05)
    """

    pit: xr.DataArray
    z: xr.DataArray
    coverage: pd.DataFrame
    cusum: pd.DataFrame
    summary: dict
    alpha: float

    def plot(self):
        """Plot the checks: PIT, coverage, innovations, CUSUM and CUSUM of squares.

        PIT histogram, coverage by year, standardised innovations, CUSUM and CUSUM of
        squares with their bounds.

        Returns
        -------
        matplotlib.figure.Figure
            Five panels.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = fit.checks().plot()
        >>> len(fig.axes)
        5
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from bayes_beta.plots.checks import plot_checks

        return plot_checks(self.pit, self.z, self.coverage, self.cusum, self.alpha)


def model_checks(fit, probs=(0.5, 0.9), alpha: float = 0.05, draws: int = 500,
                 seed=0) -> ModelChecks:
    """The checks of :class:`ModelChecks` from ``draws`` posterior draws.

    They use the mixture one-step predictive of :func:`predictive_checks`.

    This is :meth:`bayes_beta.Fit.checks`. The CUSUM paths start after a burn-in of ``K``
    observed steps.

    Parameters
    ----------
    fit : bayes_beta.Fit
        The fit to check.
    probs : sequence of float, default (0.5, 0.9)
        Probabilities of the central one-step intervals whose coverage is counted.
    alpha : {0.10, 0.05, 0.01}, default 0.05
        Significance level of the CUSUM bounds.
    draws : int, default 500
        Posterior draws used, evenly thinned.
    seed : int, default 0
        Seed of the Student-t and stochastic-volatility variance draws.

    Returns
    -------
    ModelChecks
        Tables and the figure of the checks.

    Raises
    ------
    bayes_beta.ArgumentError
        If a probability, ``alpha`` or ``draws`` is invalid.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> from bayes_beta.bayesian.checks import model_checks
    >>> checks = model_checks(fit, probs=(0.8,), alpha=0.10, draws=20)
    >>> checks.coverage.columns.tolist(), "coverage_80%" in checks.summary
    (['80%'], True)
    """
    from bayes_beta.kalman.cusum import cusum, cusum_bounds, cusum_squares, cusum_squares_bounds

    for p in probs:
        check_prob("probs", p)
    checks = predictive_checks(fit, draws=draws, seed=seed)
    coverage = pd.concat({f"{p:.0%}": checks.coverage(p) for p in probs}, axis=1)
    overall = pd.DataFrame({f"{p:.0%}": checks.coverage(p, by="all").to_numpy() for p in probs},
                           index=["all"])
    coverage = pd.concat([coverage, overall]).rename_axis("year")
    z = checks.z.to_series().dropna().iloc[fit.design.K:]  # after a burn-in of K steps
    m, x = len(z), np.arange(1, len(z) + 1)
    lo, hi = cusum_bounds(m, x, alpha)
    lo2, hi2 = cusum_squares_bounds(m, x, alpha)
    table = pd.DataFrame({"cusum": cusum(z.to_numpy()), "lower": lo, "upper": hi,
                          "cusum_squares": cusum_squares(z.to_numpy()), "lower_squares": lo2,
                          "upper_squares": hi2}, index=z.index)
    summary = {**checks.summary(probs[-1]),
               "cusum_outside": bool(((table["cusum"] < lo) | (table["cusum"] > hi)).any()),
               "cusum_squares_outside": bool(((table["cusum_squares"] < lo2)
                                              | (table["cusum_squares"] > hi2)).any())}
    return ModelChecks(checks.pit, checks.z, coverage, table, summary, alpha)
