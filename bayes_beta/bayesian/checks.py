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
from bayes_beta.errors import ArgumentError
from bayes_beta.kalman.propagate import innovation_draws

__all__ = ["ModelChecks", "PredictiveChecks", "ljung_box", "mixture_scores", "model_checks",
           "predictive_checks"]


class PredictiveChecks(NamedTuple):
    """One-step predictive checks of a fit (module docstring); dims ``time``."""

    pit: xr.DataArray  # u_t, NaN where y_t or H_t is missing
    z: xr.DataArray  # Phi^-1(u_t)
    log_density: xr.DataArray  # log of the mixture density at y_t (in-sample)

    def coverage(self, prob: float = 0.9, by: str = "year") -> pd.Series:
        """Share of steps inside the central ``prob`` predictive interval, per year (or
        ``by="all"``)."""
        u = self.pit.to_series().dropna()
        inside = (u >= (1 - prob) / 2) & (u <= (1 + prob) / 2)
        return inside.groupby(u.index.year).mean() if by == "year" else \
            pd.Series({"all": inside.mean()})

    def kurtosis(self) -> float:
        """Kurtosis of ``z_t`` (3 for a Gaussian)."""
        return float(stats.kurtosis(self.z.to_series().dropna(), fisher=False))

    def ljung_box(self, lags: int = 6) -> float:
        """Ljung-Box statistic of ``z_t^2`` over ``lags`` lags (chi-square with ``lags`` df
        without volatility clustering: 12.6 is its 95% point for 6 lags)."""
        return ljung_box(self.z.to_series().dropna().to_numpy() ** 2, lags)

    def summary(self, prob: float = 0.9) -> dict:
        """The headline numbers: kurtosis, Ljung-Box (6 lags), coverage, in-sample log score."""
        return {"kurtosis": self.kurtosis(), "ljung_box_6": self.ljung_box(6),
                f"coverage_{prob:.0%}": float(self.coverage(prob, by="all").iloc[0]),
                "log_score": float(self.log_density.sum())}


def ljung_box(x: np.ndarray, lags: int) -> float:
    """``n (n + 2) sum_k rho_k^2 / (n - k)``, ``rho_k`` the lag-``k`` autocorrelation of ``x``."""
    x = np.asarray(x, dtype=float) - np.mean(x)
    n, denom = len(x), float(x @ x)
    rho = np.array([x[k:] @ x[:-k] / denom for k in range(1, lags + 1)])
    return float(n * (n + 2) * np.sum(rho**2 / (n - np.arange(1, lags + 1))))


def _predicted_r(fit, stacked, r_t: np.ndarray, rng) -> np.ndarray:
    """``R_t`` as each draw predicts it before seeing ``y_t`` (module docstring), (S, n)."""
    volatility = fit.options.volatility
    if volatility == "student_t":
        nu = stacked["t_nu"].values[:, None]
        lam = 1.0 / rng.gamma(nu / 2.0, 2.0 / nu, size=r_t.shape)  # InvGamma(nu/2, nu/2)
        return stacked["sigma_obs"].values[:, None] ** 2 * lam
    if volatility != "stochastic":
        return r_t
    phi = stacked["vol_persistence"].values[:, None]
    sigma = stacked["vol_of_vol"].values[:, None] / np.sqrt(fit.design.steps_per_year)
    mean = (2.0 * np.log(fit.variant.volatility.level * fit.design.y_unit)
            + stacked["vol_level"].values[:, None])
    log_r = np.log(r_t)
    prev = np.concatenate([mean, log_r[:, :-1]], axis=1)
    sd = np.concatenate([sigma / np.sqrt(1 - phi**2), np.broadcast_to(sigma, log_r[:, 1:].shape)],
                        axis=1)
    return np.exp(mean + phi * (prev - mean) + sd * rng.standard_normal(log_r.shape))


def mixture_scores(v: np.ndarray, S: np.ndarray):
    """``(PIT, log density)`` per step (n,) of ``y_t`` under the mixture over draws of
    ``N(y_t - v_s, S_s)`` (``v``, ``S``: (draws, n) innovations and their variances); NaN
    where a step has none."""
    pit = np.mean(special.ndtr(v / np.sqrt(S)), axis=0)
    log_dens = special.logsumexp(-0.5 * (np.log(2 * np.pi * S) + v * v / S), axis=0) \
        - np.log(v.shape[0])
    return pit, log_dens


def predictive_checks(fit, draws: int = 500, seed=0) -> PredictiveChecks:
    """The one-step predictive checks of ``fit`` from ``draws`` evenly thinned posterior draws."""
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ArgumentError(f"draws must be a positive integer; got {draws!r}.")
    stacked = stack_draws(fit.tree["posterior"].to_dataset())
    keep = np.unique(np.linspace(0, stacked.sizes["sample"] - 1, draws).round().astype(int))
    stacked = stacked.isel(sample=keep)
    design = fit.design
    m = draw_matrices(stacked, design)
    H = np.ascontiguousarray(design.H)
    n = len(design.y)
    r_t = np.broadcast_to(m.r_sqrt**2, (len(keep), n))
    v, S = innovation_draws(design.y, H, m.T, m.Q_sqrt, m.r_sqrt, m.b0, m.P0, m.c)
    S = S - r_t + _predicted_r(fit, stacked, r_t, np.random.default_rng(seed))
    pit, log_dens = mixture_scores(v, S)
    seen = np.isfinite(pit)
    pit = np.where(seen, np.clip(pit, 1e-12, 1 - 1e-12), np.nan)
    coords = {"time": pd.DatetimeIndex(design.time, name="time")}
    as_da = lambda a, name: xr.DataArray(a, dims="time", coords=coords, name=name)  # noqa: E731
    return PredictiveChecks(as_da(pit, "pit"), as_da(special.ndtri(pit), "z"),
                            as_da(np.where(seen, log_dens, 0.0), "log_density"))


class ModelChecks(NamedTuple):
    """``Fit.checks()``: one-step predictive checks as tables, and their figure (:meth:`plot`).

    ``pit``, ``z`` (time): the PIT values and standardised innovations; ``coverage``: share of
    steps inside the central 50% and 90% one-step intervals, per year and overall; ``cusum``
    (per observed step after the first ``K``): CUSUM and CUSUM of squares of ``z`` with their
    bounds at ``alpha``; ``summary``: kurtosis, Ljung-Box of ``z^2``, log score, and whether
    each CUSUM path leaves its bounds.
    """

    pit: xr.DataArray
    z: xr.DataArray
    coverage: pd.DataFrame
    cusum: pd.DataFrame
    summary: dict
    alpha: float

    def plot(self):
        """PIT histogram, coverage by year, standardised innovations, CUSUM and CUSUM of
        squares with their bounds."""
        from bayes_beta.plots.checks import plot_checks

        return plot_checks(self.pit, self.z, self.coverage, self.cusum, self.alpha)


def model_checks(fit, probs=(0.5, 0.9), alpha: float = 0.05, draws: int = 500,
                 seed=0) -> ModelChecks:
    """The checks of :class:`ModelChecks` from ``draws`` posterior draws (the mixture
    one-step predictive of :func:`predictive_checks`)."""
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
