"""Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018).

For ``i = 1..N``: draw ``theta_i`` (the noise sds) from the prior and ``beta_0 ~ N(b0, P0)``,
simulate the exposures ``beta_{1:n}`` and returns ``y`` on the given factor returns ``H``, fit
the model to ``y``, and record the rank of each true value among ``L`` (thinned) posterior
draws. If the sampler and the propagation are right, every rank is uniform on ``0..L``. The
exposures are checked the same way at a few dates, and the 50% and 90% bands must cover the
true paths at their nominal rates (standard errors across datasets).

The model's priors must not depend on the simulated data, so the fits use a given start
``initial=(b0, P0)`` and fixed ``units``; both are the ones the simulation draws from.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from bayes_beta.bayesian.args import SEED_LIMIT, check_int, check_seed, fresh_seed
from bayes_beta.bayesian.fit import fit
from bayes_beta.bayesian.priors import draw_noise
from bayes_beta.kalman.numeric import simulate
from bayes_beta.specs.priors import PriorVariant, get_variant
from bayes_beta.specs.statespace import StateSpace

__all__ = ["Calibration", "calibrate", "prior_noise"]


class Calibration(NamedTuple):
    """Result of :func:`calibrate`.

    Attributes
    ----------
    ranks : pandas.DataFrame
        Dataset x quantity: the rank of each true value among the ``n_draws`` posterior draws,
        in ``0 .. n_draws``. Quantities: ``sigma_state[<factor>]``, ``sigma_obs`` and
        ``beta[<factor>] @ <position>`` at the checked dates.
    n_draws : int
        ``L``, the number of (thinned) posterior draws each rank is taken among.
    uniformity : pandas.DataFrame
        Per quantity: ``chi2``, the chi-square statistic of the ranks' counts in bins of equal
        width, and its ``p_value`` (``bins - 1`` degrees of freedom).
    coverage : pandas.DataFrame
        Per nominal probability (index ``prob``: 0.5 and 0.9): ``coverage``, the mean share of
        the true exposure path inside the band, and ``se``, its standard error across datasets.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import calibrate
    >>> factors = bb.datasets.load_example()[["Mkt-RF"]].iloc[-100:]
    >>> cal = calibrate(factors, datasets=2, draws=50, tune=50, chains=1, thin=5)
    >>> cal._fields
    ('ranks', 'n_draws', 'uniformity', 'coverage')
    >>> cal.ranks.shape, cal.n_draws, bool(cal.ranks.isin(range(11)).all().all())
    ((2, 7), 10, True)
    >>> cal.coverage.index.name, cal.coverage.index.tolist(), cal.coverage.columns.tolist()
    ('prob', [0.5, 0.9], ['coverage', 'se'])
    """

    ranks: pd.DataFrame  # dataset x quantity: ranks in 0..n_draws
    n_draws: int  # L, the posterior draws each rank is taken among
    uniformity: pd.DataFrame  # quantity: chi-square statistic, p-value (bins of equal width)
    coverage: pd.DataFrame  # nominal probability: mean coverage of the true paths, its SE


def prior_noise(variant: PriorVariant, units, K: int, rng) -> tuple[np.ndarray, float]:
    r"""One draw of the noise sds from a variant's (uncorrelated) priors.

    With :math:`s` a prior's ``scale`` times its unit (``y_unit`` for the observation noise,
    ``state_unit`` of factor ``k`` for the state noise), the distributions of
    :mod:`bayes_beta.bayesian.priors`, drawn by PyMC from the same table of families the models
    use (:func:`bayes_beta.bayesian.priors.draw_noise`):

    - ``halfnormal``: :math:`|N(0, s^2)|`;
    - ``halfstudentt``: :math:`|s \, t_\nu|`;
    - ``exponential``: :math:`\mathrm{Exponential}(\text{scale} = s)`;
    - ``lognormal``: :math:`s \exp(\sigma z)`, :math:`z \sim N(0, 1)`, :math:`\sigma` =
      ``log_sd``;
    - ``inversegamma`` (on the variance): :math:`\mathrm{sd}^2 \sim
      \mathrm{InverseGamma}(\alpha, \beta = (\alpha - 1) s^2)`.

    Parameters
    ----------
    variant : bayes_beta.PriorVariant
        The variant whose ``state`` and ``obs`` priors are drawn from.
    units : tuple
        ``(y_unit, state_unit)``; ``state_unit`` a number or one per factor.
    K : int
        The number of factors.
    rng : numpy.random.Generator
        The random numbers.

    Returns
    -------
    sigma_state : numpy.ndarray
        (K,) state noise sds (per step).
    sigma_obs : float
        The observation noise sd.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.evaluate import prior_noise
    >>> from bayes_beta.specs import get_variant
    >>> sigma_state, sigma_obs = prior_noise(get_variant("default"), (1.0, 0.1), 2,
    ...                                      np.random.default_rng(0))
    >>> sigma_state.shape, isinstance(sigma_obs, float), bool((sigma_state >= 0).all())
    ((2,), True, True)
    """
    y_unit, state_unit = units
    state = draw_noise(variant.state, np.broadcast_to(state_unit, (K,)), K, rng)
    return np.array(state), float(draw_noise(variant.obs, y_unit, 1, rng)[0])


def _ranks(fitted, truth: dict, path: np.ndarray, dates, thin: int) -> dict:
    post = fitted.tree["posterior"].isel(draw=slice(None, None, thin))
    out = {}
    for name, value in truth.items():
        draws = post[name].values.reshape(-1, *np.shape(value))
        for j, v in enumerate(np.atleast_1d(value)):
            label = f"{name}[{fitted.design.factors[j]}]" if np.ndim(value) else name
            out[label] = int((draws.reshape(len(draws), -1)[:, j] < v).sum())
    paths = fitted.tree["exposures"]["path"].isel(draw=slice(None, None, thin)).values
    paths = paths.reshape(-1, *paths.shape[2:])
    for t in dates:
        for k, factor in enumerate(fitted.design.factors):
            out[f"beta[{factor}] @ {t}"] = int((paths[:, t, k] < path[t, k]).sum())
    return out


def _uniformity(ranks: pd.DataFrame, n_draws: int, bins: int) -> pd.DataFrame:
    from scipy.stats import chisquare

    rows = {}
    for col in ranks:
        counts = np.bincount(np.minimum(ranks[col].to_numpy() * bins // (n_draws + 1), bins - 1),
                             minlength=bins)
        stat, p = chisquare(counts)
        rows[col] = {"chi2": float(stat), "p_value": float(p)}
    return pd.DataFrame.from_dict(rows, orient="index")


def calibrate(
    factors: pd.DataFrame,
    variant: str | PriorVariant = "default",
    *,
    datasets: int = 100,
    units=(1.0, 0.1),
    b0=None,
    P0=None,
    draws: int = 300,
    tune: int = 300,
    chains: int = 2,
    thin: int = 3,
    dates=None,
    bins: int = 10,
    seed: int | None = 0,
    progress: bool | Callable[[int], None] = False,
) -> Calibration:
    r"""Simulation-based calibration of a prior variant on given factor returns.

    Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018): for
    :math:`i = 1 \dots N`, draw :math:`\theta_i` (the noise sds) from the prior and
    :math:`\beta_0 \sim N(b_0, P_0)`, simulate the exposures :math:`\beta_{1:n}` and returns
    :math:`y` on the factor returns ``H``, fit the model to ``y`` and record the rank of each
    true value among :math:`L` (thinned) posterior draws,

    .. math::

        r_i = \#\{\, l \le L : \theta^{(l)} < \theta_i \,\} \in \{0, \dots, L\}.

    If the sampler and the propagation are right, every rank is uniform on ``0 .. L`` (tested
    by a chi-square over ``bins`` bins of equal width). The exposures are checked the same way
    at a few dates, and the 50% and 90% bands must cover the true paths at their nominal rates
    (standard errors across datasets).

    The model's priors must not depend on the simulated data, so the fits use the given start
    ``initial=(b0, P0)`` and fixed ``units``, both the ones the simulation draws from, and a
    constant observation variance (``volatility="constant"``).

    Parameters
    ----------
    factors : pandas.DataFrame
        Factor returns with a ``DatetimeIndex``; one exposure per column.
    variant : str or bayes_beta.PriorVariant, default "default"
        The prior variant under test.
    datasets : int, default 100
        ``N``, the number of simulated datasets.
    units : tuple, default (1.0, 0.1)
        ``(y_unit, state_unit)`` of the priors.
    b0, P0 : array_like, optional
        The start; default ``1`` and ``0.25 I``.
    draws, tune, chains : int, default 300, 300, 2
        Sampler settings of each fit (``draws x chains`` posterior draws).
    thin : int, default 3
        Keep every ``thin``-th draw: ``L = chains * ceil(draws / thin)``.
    dates : sequence of int, optional
        Positions at which exposure ranks are taken; default the first, quarter points and the
        last.
    bins : int, default 10
        The number of bins of the uniformity test.
    seed : int or None, default 0
        Seeds the simulation (and, as ``seed + i``, the fit of dataset ``i``); ``None`` draws a
        fresh one.
    progress : bool or callable, default False
        ``True`` prints a line to stderr after each dataset; a callable is called with the
        dataset's index instead. ``False`` (or ``None``): silent.

    Returns
    -------
    Calibration
        The ranks, ``L``, the uniformity tests and the band coverage.

    Raises
    ------
    bayes_beta.ArgumentError
        ``datasets`` (or a sampler setting) is not a positive integer.
    bayes_beta.SpecError
        An unknown variant name, or a bad start ``b0``, ``P0``.

    Examples
    --------
    The cheapest meaningful run (two datasets; a real check takes hundreds):

    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import calibrate
    >>> factors = bb.datasets.load_example()[["Mkt-RF"]].iloc[-100:]
    >>> cal = calibrate(factors, datasets=2, draws=50, tune=50, chains=1, thin=5)
    >>> cal.ranks.columns.tolist()
    ['sigma_state[Mkt-RF]', 'sigma_obs', 'beta[Mkt-RF] @ 0', 'beta[Mkt-RF] @ 25', ...]
    >>> cal.uniformity.columns.tolist(), len(cal.uniformity)
    (['chi2', 'p_value'], 7)
    """
    variant = get_variant(variant)
    n, K = factors.shape
    b0 = np.ones(K) if b0 is None else np.asarray(b0, dtype=float)
    P0 = 0.25 * np.eye(K) if P0 is None else np.asarray(P0, dtype=float)
    dates = [0, n // 4, n // 2, 3 * n // 4, n - 1] if dates is None else list(dates)
    seed = fresh_seed() if seed is None else check_seed(seed)  # ``seed + i`` needs an int
    rng = np.random.default_rng(seed)
    rows, covered = [], {0.5: [], 0.9: []}
    for i in range(check_int("datasets", datasets)):
        sigma_state, sigma_obs = prior_noise(variant, units, K, rng)
        spec = StateSpace.random_walk(Q=np.diag(sigma_state**2), R=[[sigma_obs**2]], b0=b0,
                                      P0=P0)
        sim = simulate(spec, factors.to_numpy(), seed=rng)
        df = factors.assign(y=sim.y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = fit(df, "y", list(factors.columns), variant, initial=(b0, P0), units=units,
                         volatility="constant", draws=draws, tune=tune, chains=chains,
                         seed=(seed + i) % SEED_LIMIT, progress=False, check=False)
        rows.append(_ranks(fitted, {"sigma_state": sigma_state, "sigma_obs": sigma_obs},
                           sim.beta, dates, thin))
        for prob in covered:
            band = fitted.bands(prob)
            inside = (band["lower"].values <= sim.beta) & (sim.beta <= band["upper"].values)
            covered[prob].append(inside.mean())
        if callable(progress):
            progress(i)
        elif progress:
            print(f"calibration: dataset {i + 1}/{datasets}", file=sys.stderr, flush=True)
    ranks = pd.DataFrame(rows)
    n_draws = chains * len(range(0, draws, thin))
    coverage = pd.DataFrame({p: {"coverage": np.mean(c), "se": np.std(c, ddof=1) / np.sqrt(len(c))}
                             for p, c in covered.items()}).T.rename_axis("prob")
    return Calibration(ranks, n_draws, _uniformity(ranks, n_draws, bins), coverage)
