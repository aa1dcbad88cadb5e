"""Prior predictive checks: what a prior variant implies, next to what the data show.

For draws ``theta_s`` from a variant's prior (PyMC draws of the model's noise variables):

- **exposure drift per year** of factor ``k``: ``sigma_state_k * sqrt(steps per year)``, the sd of
  a random-walk exposure's change over one year;
- **observation noise sd** ``sigma_obs`` (per step; with moving volatility the median over time
  of each draw's ``sqrt(R_t)``; GARCH draws simulate with their long-run sd);
- **return sd**: the sd over time of ``y`` simulated from the state-space model on the real
  factor returns ``H`` (exposure paths from ``beta_0 ~ N(b0, P0)`` with the variant's dynamics).

The data side: ``sd(y)``; the full-sample OLS residual sd; and the realised exposure drift of a
rolling one-year OLS beta: the sd of its changes over one year, less the part due to the
estimation noise of the two windows, ``sqrt(max(Var(b_{t+w} - b_t) - 2 mean(se^2), 0))``.
With a fit, the posterior median of each prior quantity is added.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from bayes_beta.bayesian.intervals import bounds
from bayes_beta.bayesian.model import model_from_design
from bayes_beta.bayesian.propagate import DrawMatrices, draw_matrices
from bayes_beta.bayesian.volatility import get_volatility
from bayes_beta.data.design import Design
from bayes_beta.data.regression import complete_rows
from bayes_beta.kalman.simulate import simulate_states
from bayes_beta.specs.options import ModelOptions
from bayes_beta.specs.priors import PriorVariant
from bayes_beta.specs.statespace import psd_factor

__all__ = ["prior_draws", "prior_intervals", "prior_predictive", "rolling_drift"]

DRAWN = ("sigma_state", "sigma_obs", "L_state", "chol_state_corr", "phi", "mu", "b0",
         "volatility")


def prior_draws(design: Design, variant: PriorVariant, draws: int = 1000, seed=0,
                options: ModelOptions | None = None) -> dict:
    """Prior draws of the noise variables of the model.

    PyMC draws (``pm.draw``) of those of ``sigma_state``, ``sigma_obs``, ``L_state``,
    ``chol_state_corr``, ``phi``, ``mu``, ``b0`` and ``volatility`` that the model of
    ``design``, ``variant`` and ``options`` has.

    Parameters
    ----------
    design : bayes_beta.data.Design
        The data and their units (:func:`bayes_beta.make_design`).
    variant : bayes_beta.PriorVariant
        The prior variant.
    draws : int, default 1000
        The number of draws.
    seed : int or numpy.random.Generator, default 0
        The random seed.
    options : bayes_beta.ModelOptions, optional
        The model options (default ``ModelOptions()``).

    Returns
    -------
    dict of str to numpy.ndarray
        Name -> array, draws first (e.g. ``sigma_state`` (draws, K)).

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import prior_draws
    >>> from bayes_beta.specs import get_variant
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF", "d10y"])
    >>> draws = prior_draws(design, get_variant("default"), draws=200)
    >>> {name: value.shape for name, value in draws.items()}
    {'sigma_state': (200, 2), 'sigma_obs': (200,)}
    """
    import pymc as pm

    model = model_from_design(design, variant, options)
    names = [n for n in DRAWN if n in model.named_vars]
    with model:
        values = pm.draw([model[n] for n in names], draws=draws, random_seed=seed)
    return dict(zip(names, (np.asarray(v) for v in values), strict=True))


def prior_intervals(draws: dict, design: Design, prob: float = 0.9) -> pd.DataFrame:
    """Equal-tailed prior intervals of the noise parameters.

    For ``sigma_state[<factor>]``, ``sigma_obs``, ``phi[<factor>]`` and the correlations
    ``chol_state_corr[i, j]`` (``i > j``) of a correlated ``Q``, those present in ``draws``:
    the ``(1 - prob) / 2``, 0.5 and ``(1 + prob) / 2`` quantiles over the draws.

    Parameters
    ----------
    draws : dict
        Prior draws from :func:`prior_draws`.
    design : bayes_beta.data.Design
        The design (for the factor names).
    prob : float, default 0.9
        The probability of the interval.

    Returns
    -------
    pandas.DataFrame
        Index ``parameter``; columns ``lower``, ``median``, ``upper``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import prior_draws, prior_intervals
    >>> from bayes_beta.specs import get_variant
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF", "d10y"])
    >>> table = prior_intervals(prior_draws(design, get_variant("default"), draws=200), design)
    >>> table.index.tolist(), table.columns.tolist()
    (['sigma_state[Mkt-RF]', 'sigma_state[d10y]', 'sigma_obs'], ['lower', 'median', 'upper'])
    >>> bool((table["lower"] <= table["upper"]).all())
    True
    """
    columns = {}
    for name in ("sigma_state", "sigma_obs", "phi"):
        if name in draws:
            x = draws[name].reshape(len(draws[name]), -1)
            labels = [name] if name == "sigma_obs" else [f"{name}[{f}]" for f in design.factors]
            columns.update({label: x[:, j] for j, label in enumerate(labels)})
    if "chol_state_corr" in draws:
        for i, j in zip(*np.tril_indices(design.K, -1), strict=True):
            columns[f"chol_state_corr[{i}, {j}]"] = draws["chol_state_corr"][:, i, j]
    rows = [
        dict(zip(("parameter", "lower", "median", "upper"),
                 (label, *_lower_median_upper(x, prob)), strict=True))
        for label, x in columns.items()
    ]
    return pd.DataFrame(rows).set_index("parameter")


def _lower_median_upper(x, prob: float) -> tuple[float, float, float]:
    """The ``prob`` interval's bounds and the median of draws ``x``."""
    lower, upper = bounds(x, prob)
    return float(lower), float(np.median(x)), float(upper)


def simulate_returns(mats: DrawMatrices, design: Design, seed=0) -> np.ndarray:
    r"""Simulate returns with each draw's matrices on the real factor returns.

    For each draw ``s``, exposure paths from :math:`\beta_0 \sim N(b_0, P_0)` with the draw's
    dynamics and state noise, and :math:`y_t = H_t \beta_t + \varepsilon_t` with the draw's
    observation noise (step by step for moving volatility; GARCH draws simulate with their
    long-run sd). Rows where ``H_t`` is NaN stay NaN.

    Parameters
    ----------
    mats : bayes_beta.bayesian.propagate.DrawMatrices
        The per-draw matrices
        (:func:`bayes_beta.bayesian.propagate.draw_matrices` of prior or posterior draws).
    design : bayes_beta.data.Design
        The design whose ``H`` the returns are simulated on.
    seed : int or numpy.random.Generator, default 0
        The random seed.

    Returns
    -------
    numpy.ndarray
        ``y`` of shape (S, n), one simulated series per draw.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.bayesian.propagate import draw_matrices
    >>> from bayes_beta.evaluate import prior_draws, simulate_returns
    >>> from bayes_beta.specs import get_variant
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF", "d10y"])
    >>> prior = prior_draws(design, get_variant("default"), draws=100)
    >>> m = draw_matrices(prior, design, bb.ModelOptions(volatility="constant"))
    >>> simulate_returns(m, design, seed=0).shape
    (100, 260)
    """
    K, S = design.K, mats.b0.shape[0]
    rng = np.random.default_rng(seed)
    per_step = mats.r_sqrt.shape[1] > 1  # moving volatility: noise added below, step by step
    R_sqrt = np.zeros((S, 1, 1)) if per_step else mats.r_sqrt[:, :, None]
    _, y = simulate_states(mats.T[:, :, None] * np.eye(K), mats.Q_sqrt, R_sqrt, mats.b0,
                           psd_factor(mats.P0), design.H[:, None, :], rng,
                           c=mats.c[:, None, :])
    y = y[:, :, 0]
    return y + mats.r_sqrt * rng.standard_normal(y.shape) if per_step else y


def _simulated(options: ModelOptions | None) -> ModelOptions:
    """The options the prior returns are simulated under: a recursion on the filter's
    innovations (GARCH) is simulated at its long-run variance ``sigma_obs^2``."""
    options = options or ModelOptions()
    if get_volatility(options.volatility).form == "garch":
        return replace(options, volatility="constant")
    return options


def rolling_drift(design: Design, window: int | None = None) -> np.ndarray:
    r"""Realised yearly drift of each exposure from rolling OLS.

    With :math:`b_t` the OLS exposures of a rolling window of ``w`` complete rows and
    :math:`\mathrm{se}^2_t` their estimation variances, the sd of the exposures' change over
    ``w`` steps, less the part due to the estimation noise of the two windows:

    .. math::

        \mathrm{drift}_k = \sqrt{\max\left(\mathrm{Var}(b_{t+w,k} - b_{t,k})
        - 2 \, \overline{\mathrm{se}^2_{k}}, \; 0\right)}.

    Parameters
    ----------
    design : bayes_beta.data.Design
        The data.
    window : int, optional
        ``w``; default one year of steps, at least ``4 K``.

    Returns
    -------
    numpy.ndarray
        (K,) the realised drift per factor; NaN when there are fewer than ``2 w + 1``
        complete rows.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import rolling_drift
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF", "d10y"])
    >>> drift = rolling_drift(design)
    >>> drift.shape, bool((drift >= 0).all())
    ((2,), True)
    >>> rolling_drift(bb.make_design(df.iloc[-60:], "Util", ["Mkt-RF"]))  # < 2 w + 1 rows
    array([nan])
    """
    w = int(window or max(round(design.steps_per_year), 4 * design.K))
    ok = complete_rows(design.y, design.H)
    y, H = design.y[ok], design.H[ok]
    if len(y) < 2 * w + 1:
        return np.full(design.K, np.nan)
    Hw = np.lib.stride_tricks.sliding_window_view(H, w, axis=0)  # (m, K, w)
    yw = np.lib.stride_tricks.sliding_window_view(y, w)  # (m, w)
    XtX = np.einsum("mkw,mjw->mkj", Hw, Hw)
    b = np.linalg.solve(XtX, np.einsum("mkw,mw->mk", Hw, yw)[..., None])[..., 0]
    resid = yw - np.einsum("mkw,mk->mw", Hw, b)
    s2 = (resid**2).sum(1) / max(w - design.K, 1)
    se2 = s2[:, None] * np.diagonal(np.linalg.inv(XtX), axis1=1, axis2=2)
    d = b[w:] - b[:-w]
    return np.sqrt(np.clip(d.var(0) - 2 * se2.mean(0), 0.0, None))


def _obs_sd(draws: dict) -> np.ndarray:
    """``sigma_obs``, or the median over time of ``sqrt(R_t)`` when the model has no
    ``sigma_obs`` (stochastic volatility)."""
    if "sigma_obs" in draws:
        return np.asarray(draws["sigma_obs"])
    return np.median(np.asarray(draws["volatility"]), axis=-1)


def prior_predictive(
    design: Design, variant: PriorVariant, draws: int = 500, seed=0, posterior=None, prior=None,
    options: ModelOptions | None = None,
) -> pd.DataFrame:
    r"""Prior-implied quantities (5%, 50%, 95%) next to what the data show.

    For draws :math:`\theta_s` from a variant's prior (:func:`prior_draws`):

    - **drift per year** of factor ``k``: :math:`\sigma_{\mathrm{state},k}
      \sqrt{\text{steps per year}}`, the sd of a random-walk exposure's change over one year;
      the data's value is the realised drift of a rolling one-year OLS beta
      (:func:`rolling_drift`);
    - **obs noise sd** :math:`\sigma_\mathrm{obs}` (per step; with moving volatility the median
      over time of each draw's :math:`\sqrt{R_t}`); the data's value is the full-sample OLS
      residual sd;
    - **return sd**: the sd over time of ``y`` simulated from the state-space model on the real
      factor returns ``H`` (:func:`simulate_returns`: exposure paths from
      :math:`\beta_0 \sim N(b_0, P_0)` with the variant's dynamics; GARCH draws simulate with
      their long-run sd); the data's value is ``sd(y)``.

    With a fit's posterior, the posterior median of the drift and of the observation noise sd
    is added.

    Parameters
    ----------
    design : bayes_beta.data.Design
        The data and their units.
    variant : bayes_beta.PriorVariant
        The prior variant.
    draws : int, default 500
        The number of prior draws (when ``prior`` is not given).
    seed : int or numpy.random.Generator, default 0
        The random seed.
    posterior : xarray.Dataset, optional
        A fit's posterior; its medians fill ``posterior_q50``.
    prior : dict, optional
        Draws from :func:`prior_draws` to reuse (else ``draws`` new ones).
    options : bayes_beta.ModelOptions, optional
        The model options.

    Returns
    -------
    pandas.DataFrame
        One row per quantity: ``quantity``, ``factor`` (empty for the noise and return sd),
        ``prior_q05``, ``prior_q50``, ``prior_q95``, ``data``, ``posterior_q50`` (NaN without a
        posterior).

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.evaluate import prior_predictive
    >>> from bayes_beta.specs import get_variant
    >>> df = bb.datasets.load_example()
    >>> design = bb.make_design(df.iloc[-260:], "Util", ["Mkt-RF", "d10y"])
    >>> table = prior_predictive(design, get_variant("default"), draws=200)
    >>> list(zip(table["quantity"], table["factor"]))
    [('drift per year', 'Mkt-RF'), ('drift per year', 'd10y'), ('obs noise sd', ''),
     ('return sd', '')]
    >>> table.columns.tolist()[2:]
    ['prior_q05', 'prior_q50', 'prior_q95', 'data', 'posterior_q50']
    """
    prior = prior_draws(design, variant, draws, seed, options) if prior is None else prior
    spy = np.sqrt(design.steps_per_year)
    sim = simulate_returns(draw_matrices(prior, design, _simulated(options), variant.correlated),
                           design, seed)
    ok = complete_rows(design.y, design.H)
    resid = design.y[ok] - design.H[ok] @ design.ols
    realised = rolling_drift(design)
    rows = []
    post = None if posterior is None else {v: posterior[v].values for v in posterior.data_vars}

    def add(quantity, factor, draws_, data, post_draws=None):
        lo, mid, hi = _lower_median_upper(draws_, 0.9)
        med = np.nan if post_draws is None else float(np.median(post_draws))
        rows.append(dict(quantity=quantity, factor=factor, prior_q05=lo, prior_q50=mid,
                         prior_q95=hi, data=data, posterior_q50=med))

    for k, f in enumerate(design.factors):
        pk = None if post is None else post["sigma_state"][..., k] * spy
        add("drift per year", f, prior["sigma_state"][:, k] * spy, realised[k], pk)
    add("obs noise sd", "", _obs_sd(prior), float(np.std(resid, ddof=design.K)),
        None if post is None else _obs_sd(post))
    add("return sd", "", np.nanstd(sim, axis=1), float(np.std(design.y[ok])))
    return pd.DataFrame(rows)
