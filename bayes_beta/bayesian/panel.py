"""Partial pooling across funds: the panel of funds' designs and the joint PyMC model.

One model over all funds of a universe. Each fund's log-likelihood is its own exact Kalman
likelihood (the batched fused Op, :mod:`bayes_beta.kalman.batch_op`: fund ``f`` is filtered from
its own first to its own last observation, from its own initial state); its noise scales share
population hyperpriors, non-centred (:class:`~bayes_beta.specs.priors.PoolingPrior`)::

    sigma_state[f, k] = u_k[f] exp(drift_mu_k + drift_tau_k drift_z[f, k])
    sigma_obs[f]      = sd(y_f) exp(obs_mu + obs_tau obs_z[f])
    GARCH:  logit garch_persistence[f] = persistence_mu + persistence_tau persistence_z[f]
            logit garch_share[f]       = share_mu + share_tau share_z[f]
    log p(y | theta) = sum_f l[f](theta_f)

The data enter as named model data (``y`` (fund, time), ``H`` (fund, time, factor), ``start``,
``stop``, the initial states and the prior units), so one compiled model serves every panel
with the same number of funds and factors. Supported: random-walk exposures, ``volatility``
``"constant"`` or ``"garch"``, diagonal ``Q``, a data-given initial state (``"ols"``,
``"diffuse"``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

from bayes_beta.bayesian.intervals import bounds
from bayes_beta.bayesian.model import add_data
from bayes_beta.bayesian.volatility import garch_terms, get_volatility
from bayes_beta.data.design import make_design
from bayes_beta.errors import ArgumentError, DataError
from bayes_beta.kalman.batch_op import kalman_loglik_batch
from bayes_beta.specs.options import VOLATILITIES, ModelOptions
from bayes_beta.specs.priors import PriorVariant

__all__ = ["FUND_VARS", "POPULATION_VARS", "Panel", "check_pooling", "fund_posterior",
           "make_panel", "panel_model", "population"]

#: Per-fund parameters of the pooled model (dims start with ``fund``).
FUND_VARS = ("sigma_state", "sigma_obs", "garch_persistence", "garch_share", "garch_alpha",
             "garch_gamma")
#: Population hyperparameters (no ``fund`` dim).
POPULATION_VARS = ("drift_mu", "drift_tau", "obs_mu", "obs_tau", "persistence_mu",
                   "persistence_tau", "share_mu", "share_tau")
def pooled_volatilities() -> tuple[str, ...]:
    """The volatility models the pooled model takes (their traits say ``pooled=True``)."""
    return tuple(name for name, traits in VOLATILITIES.items() if traits.pooled)



class Panel(NamedTuple):
    """Funds' designs on one time axis (padded: a fund is NaN outside its span)."""

    designs: dict  # fund -> bayes_beta.data.Design (its own span, from first to last observation)
    time: pd.DatetimeIndex  # the common axis
    y: np.ndarray  # (F, n)
    H: np.ndarray  # (F, n, K), zero outside a fund's span
    start: np.ndarray  # (F,) first row of each fund
    stop: np.ndarray  # (F,) one past its last row

    @property
    def funds(self) -> list:
        return list(self.designs)

    @property
    def factors(self) -> tuple:
        return next(iter(self.designs.values())).factors

    def data(self) -> dict[str, np.ndarray]:
        """The model data by name."""
        ds = list(self.designs.values())
        return {"y": self.y, "H": self.H, "start": self.start, "stop": self.stop,
                "b0_init": np.stack([d.b0 for d in ds]), "P0_init": np.stack([d.P0 for d in ds]),
                "y_unit": np.array([d.y_unit for d in ds]),
                "state_unit": np.stack([d.state_unit for d in ds])}


def check_pooling(options: ModelOptions, variant: PriorVariant, initial) -> None:
    """Refuse, before any work, what the pooled model does not cover."""
    if options.volatility not in pooled_volatilities():
        raise ArgumentError(f"pooling='partial' takes volatility in {pooled_volatilities()}; got "
                            f"{options.volatility!r}. Fit that model with pooling='none'.")
    if options.dynamics != "random_walk":
        raise ArgumentError("pooling='partial' takes dynamics='random_walk'; fit "
                            f"dynamics={options.dynamics!r} with pooling='none'.")
    if options.likelihood != "fused":
        raise ArgumentError("pooling='partial' uses the fused likelihood; drop likelihood=...")
    if variant.correlated:
        raise ArgumentError("pooling='partial' takes a diagonal Q; use a variant with "
                            "correlated=False, or pooling='none'.")
    if not isinstance(initial, str) or initial == "prior":
        raise ArgumentError("pooling='partial' takes initial='ols' or 'diffuse'.")


def make_panel(returns: pd.DataFrame, factors: pd.DataFrame, *, intercept: bool = False,
               initial: str = "ols", init_window: int | None = None) -> Panel:
    """Each fund's design (from its first to its last observation) on the common dates of
    ``returns`` and ``factors``; a fund whose data are unusable raises a
    :class:`~bayes_beta.DataError` naming it."""
    names = list(factors.columns)
    designs = {}
    for fund in returns.columns:
        observed = returns[fund].notna().to_numpy()
        if not observed.any():
            raise DataError(f"Fund {fund!r} has no return in the data (all NaN); drop it.")
        first, last = np.flatnonzero(observed)[[0, -1]]
        frame = factors.join(returns[[fund]]).iloc[first:last + 1]
        try:
            designs[fund] = make_design(frame, fund, names, intercept=intercept, initial=initial,
                                        init_window=init_window)
        except DataError as err:
            raise DataError(f"Fund {fund!r}: {err} Drop it from a pooled fit.") from None
    time = pd.DatetimeIndex(returns.index).as_unit("ns")
    F, n, K = len(designs), len(time), next(iter(designs.values())).K
    y, H = np.full((F, n), np.nan), np.zeros((F, n, K))
    start, stop = np.zeros(F, dtype=np.int64), np.zeros(F, dtype=np.int64)
    for i, d in enumerate(designs.values()):
        rows = time.get_indexer(d.time)
        start[i], stop[i] = rows[0], rows[-1] + 1
        y[i, rows], H[i, rows] = d.y, d.H
    return Panel(designs, time, y, H, start, stop)


def _lognormal(name: str, median: float, sd: float, spread: float, unit, dims, centred: bool):
    """``unit x exp(mu + tau z)``: population ``<name>_mu``, ``<name>_tau`` and the funds'
    ``<name>_z`` (non-centred), or the funds' ``<name>_log`` ``~ N(mu, tau)`` (centred)."""
    fund_dims = ("fund", *dims)
    mu = pm.Normal(f"{name}_mu", np.log(median), sd, dims=dims or None)
    tau = pm.HalfNormal(f"{name}_tau", spread, dims=dims or None)
    if centred:
        return unit * pt.exp(pm.Normal(f"{name}_log", mu, tau, dims=fund_dims))
    z = pm.Normal(f"{name}_z", 0.0, 1.0, dims=fund_dims)
    return unit * pt.exp(mu + tau * z)


def _logit_normal(name: str, mean: float, sd: float, spread: float, centred: bool):
    mu = pm.Normal(f"{name}_mu", np.log(mean / (1 - mean)), sd)
    tau = pm.HalfNormal(f"{name}_tau", spread)
    if centred:
        x = pm.Normal(f"{name}_logit", mu, tau, dims="fund")
    else:
        x = mu + tau * pm.Normal(f"{name}_z", 0.0, 1.0, dims="fund")
    return pm.Deterministic(f"garch_{name}", pm.math.sigmoid(x), dims="fund")


def _noise(pp, volatility: str, data):
    sigma_obs = pm.Deterministic("sigma_obs", _lognormal("obs", pp.obs, pp.obs_sd,
                                                         pp.obs_spread, data["y_unit"], (),
                                                         "obs" in pp.centred),
                                 dims="fund")
    r_bar = sigma_obs**2
    if get_volatility(volatility).form == "constant":
        return r_bar
    p = _logit_normal("persistence", pp.persistence, pp.persistence_sd, pp.persistence_spread,
                      "persistence" in pp.centred)
    share = _logit_normal("share", pp.share, pp.share_sd, pp.share_spread, "share" in pp.centred)
    alpha = pm.Deterministic("garch_alpha", p * share, dims="fund")
    gamma = pm.Deterministic("garch_gamma", p * (1.0 - share), dims="fund")
    return pt.stack(garch_terms(r_bar, p, alpha, gamma), axis=1)


def panel_model(panel: Panel, variant: PriorVariant, options: ModelOptions | None = None, *,
                parallel: bool = False) -> pm.Model:
    """The pooled PyMC model of a :class:`Panel` (module docstring); ``parallel``: the kernel
    runs the funds over numba's threads."""
    options = options or ModelOptions()
    pp = variant.pooling
    F, K = len(panel.designs), len(panel.factors)
    coords = {"fund": panel.funds, "factor": list(panel.factors)}
    with pm.Model(coords=coords) as model:
        data = {name: add_data(name, value) for name, value in panel.data().items()}
        data["start"], data["stop"] = (data[k].astype("int64") for k in ("start", "stop"))
        sigma_state = pm.Deterministic(
            "sigma_state", _lognormal("drift", pp.drift, pp.drift_sd, pp.drift_spread,
                                      data["state_unit"], ("factor",), "drift" in pp.centred),
            dims=("fund", "factor"))
        r = _noise(pp, options.volatility, data)
        Q = sigma_state[:, :, None] ** 2 * pt.eye(K)[None]
        H = pt.specify_shape(data["H"], (None, None, K))
        loglik = kalman_loglik_batch(data["y"], H, data["start"], data["stop"],
                                     pt.constant(np.ones((F, K))), Q, r, data["b0_init"],
                                     data["P0_init"], pt.constant(np.zeros((F, K))),
                                     noise=get_volatility(options.volatility).form,
                                     parallel=parallel)
        pm.Potential("loglik", loglik.sum())
    return model


def fund_posterior(posterior, fund):
    """Fund ``fund``'s own parameters from the joint posterior, named as in an independent
    fit (``sigma_state`` (factor), ``sigma_obs``, the GARCH parameters)."""
    names = [v for v in FUND_VARS if v in posterior.data_vars]
    return posterior[names].sel(fund=fund, drop=True)


def population(joint: xr.DataTree, prob: float = 0.9) -> pd.DataFrame:
    """The population hyperparameters with interpretable transforms, each with its posterior
    mean, sd, equal-tailed ``prob`` interval, r_hat and bulk ESS: ``drift_median[k]``
    (``exp(drift_mu_k)``: the median fund's yearly drift of exposure ``k`` in units of
    ``sd(y)/sd(H_k)``), ``drift_spread[k]`` (``exp(drift_tau_k)``, the factor by which funds'
    drifts differ per population sd), ``obs_median`` (``exp(obs_mu)``: residual sd over sd(y))
    and ``obs_spread``, and with GARCH ``persistence_median`` and ``share_median``."""
    import arviz_stats as azs

    post = joint["posterior"].to_dataset()
    if not any(v in post for v in POPULATION_VARS):
        raise DataError("This posterior has no population hyperparameters (not a pooled fit).")
    derived = {"drift_median": np.exp(post["drift_mu"]), "drift_spread": np.exp(post["drift_tau"]),
               "obs_median": np.exp(post["obs_mu"]), "obs_spread": np.exp(post["obs_tau"])}
    for name in ("persistence", "share"):
        if f"{name}_mu" in post:
            derived[f"{name}_median"] = 1.0 / (1.0 + np.exp(-post[f"{name}_mu"]))
    ds = xr.Dataset(derived)
    rows = {}
    rhat, ess = azs.rhat(ds), azs.ess(ds, method="bulk")
    for name, da in ds.items():
        entries = [()] if da.ndim == 2 else [(c,) for c in da["factor"].values]
        for entry in entries:
            x = da.sel(factor=entry[0]) if entry else da
            label = f"{name}[{entry[0]}]" if entry else name
            lo, hi = bounds(x.values, prob)
            sel = {"factor": entry[0]} if entry else {}
            rows[label] = {"mean": float(x.mean()), "sd": float(x.std()), "lower": lo,
                           "upper": hi, "r_hat": float(rhat[name].sel(sel)),
                           "ess_bulk": float(ess[name].sel(sel))}
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("parameter")
    out.attrs["prob"] = prob
    return out
