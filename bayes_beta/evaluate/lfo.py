"""Leave-future-out cross-validation (Bürkner, Gabry & Vehtari 2020), one step ahead.

    elpd_LFO = sum_{i=L}^{n-1} log p(y_{i+1} | y_{1:i})
             = sum_i log  integral p(y_{i+1} | y_{1:i}, theta) p(theta | y_{1:i}) dtheta

The one-step-ahead density ``p(y_{i+1} | y_{1:i}, theta)`` is the filter's ``l_{i+1}``
(:func:`bayes_beta.bayesian.propagate.loglik_per_draw` gives it for any draws), so no model
term is re-derived here. ``p(theta | y_{1:i})`` needs a fit on the first ``i`` observations:

- ``method="exact"`` refits at every ``i = L .. n-1``;
- ``method="approx"`` (PSIS-LFO) fits once on ``y_{1:L}`` and carries that posterior forward
  with Pareto-smoothed importance weights ``prod_{t=i*+1}^{i} l_t(theta)``, refitting at ``i``
  when the Pareto ``k`` of the weights exceeds ``k_threshold`` (0.7).

The loop and the PSIS weights are arviz-stats' :func:`arviz_stats.lfo_cv`; this module supplies
its :class:`~arviz_stats.SamplingWrapper`. A refit uses the *same* model (prior units, initial
state ``b0, P0``) as the full fit, with ``y_t`` set to NaN after ``i`` so the filter skips those
steps: the model data ``y`` is swapped and the compiled model re-sampled
(:func:`bayes_beta.bayesian.sampling.run`). The prior
units ``sd(y)``, ``sd(H_k)`` come from the whole sample: that is the only use of future data,
a scale convention, identical across variants. ``L`` must cover the ``init_window`` of an
``initial="ols"`` start so that ``b0`` uses no future data either.

``p(theta | y_{1:i})`` for each refit is sampled by nutpie through the same path as the fit.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable

import numpy as np
import xarray as xr
from arviz_stats import SamplingWrapper

from bayes_beta.bayesian import sampling
from bayes_beta.bayesian.fit import Fit, fit_design
from bayes_beta.bayesian.model import NOISE_VARS, model_from_design
from bayes_beta.bayesian.propagate import loglik_per_draw, stack_draws
from bayes_beta.data.design import Design
from bayes_beta.errors import ArgumentError, DataError
from bayes_beta.specs.options import ModelOptions
from bayes_beta.specs.priors import PriorVariant

__all__ = ["Refitter", "check_min_train", "default_min_train", "lfo_cv"]


class Refitter:
    """A model of one design, prior variant and options, sampled on ``y_{1:i}``.

    ``sample(n_train)`` fits on the first ``n_train`` observed steps (all when ``None``);
    ``loglik_t(posterior)`` gives ``l_t`` of every step under each draw, dims (chain, draw, n);
    ``fit()`` is the full-data :class:`~bayes_beta.Fit`. Every fit of the same model shape
    shares one compiled model (:mod:`bayes_beta.bayesian.sampling`).
    """

    def __init__(self, design: Design, variant: PriorVariant, options: ModelOptions | None = None,
                 *, draws: int = 1000, tune: int = 1000, chains: int = 4,
                 seed: int | None = None, target_accept: float | None = None, progress: bool = False):
        self.design, self.variant = design, variant
        self.options = options or ModelOptions()
        self.settings = dict(draws=draws, tune=tune, chains=chains, target_accept=(
            self.options.target_accept if target_accept is None else target_accept))
        self.seed, self.progress = seed, progress
        self.model = model_from_design(design, variant, self.options)
        self.observed = np.flatnonzero(design.observed)

    def sample(self, n_train: int | None = None, seed: int | None = None) -> dict[str, xr.Dataset]:
        """Posterior and sample stats of a fit on the first ``n_train`` observed steps."""
        y = self.design.y.copy()
        if n_train is not None:
            y[self.observed[n_train]:] = np.nan
        return sampling.run(
            self.model, seed=self.seed if seed is None else seed, progress=self.progress,
            data={"y": y}, extra=(repr(self.variant), repr(self.options), self.design.initial,
                                  self.design.intercept),
            initial=sampling.initial_points(self.variant, self.design.K),
            **self.settings)

    def loglik_t(self, posterior: xr.Dataset) -> np.ndarray:
        """``l_t`` for every step (NaN-skipped steps give 0) per draw, shape (chain, draw, n)."""
        return loglik_per_draw(stack_draws(posterior), self.design).values

    def fit(self, check: bool = True) -> Fit:
        """The full-data fit (as :func:`bayes_beta.fit` gives it)."""
        return fit_design(self.design, self.variant, self.options, seed=self.seed,
                          progress=self.progress, check=check, **self.settings)


class FilterWrapper(SamplingWrapper):
    """arviz-stats' refit interface on top of a :class:`Refitter` (positions = observed steps)."""

    def __init__(self, refitter: Refitter, callback: Callable[[int], None] | None = None):
        super().__init__(model=refitter)
        self.refitter, self.callback, self.n_refits = refitter, callback, 0

    def sel_observations(self, idx):
        idx = np.asarray(idx, dtype=int)
        return int(idx.min()), idx

    def sample(self, modified_observed_data):
        n_train = modified_observed_data
        self.n_refits += 1
        if self.callback is not None:
            self.callback(n_train)
        seed = None if self.refitter.seed is None else self.refitter.seed + n_train
        return self.refitter.sample(n_train, seed=seed)

    def get_inference_data(self, fitted_model):
        # PSIS's relative efficiency uses the ESS of every posterior variable: keep the noise
        # scales (constant entries, e.g. a correlation matrix's diagonal, have no ESS)
        post = fitted_model["posterior"]
        keep = [v for v in post.data_vars if v in NOISE_VARS and v != "chol_state_corr"]
        return xr.DataTree.from_dict({"posterior": post[keep], "full_posterior": post})

    def log_likelihood__i(self, excluded_obs, idata__i):
        post = idata__i["full_posterior"].to_dataset()
        ll = self.refitter.loglik_t(post)[:, :, self.refitter.observed[excluded_obs]]
        return xr.DataArray(ll, dims=("chain", "draw", "time"))


def lfo_cv(
    fit,
    *,
    min_train: int | None = None,
    method: str = "approx",
    k_threshold: float = 0.7,
    refitter: Refitter | None = None,
    callback: Callable[[int], None] | None = None,
    **refit_settings,
):
    """One-step-ahead LFO-CV of ``fit`` (see the module docstring); an ``ELPDDataLFO``.

    ``min_train`` is ``L`` (default: half the observed steps, at least the ``init_window`` of
    an OLS start); ``refitter`` reuses a compiled model, else one is built from ``fit.design``
    and ``fit.variant`` with ``refit_settings`` (draws, tune, chains, seed; default: the
    fit's chains and draws). ``callback(i)`` is called before each (re)fit on ``y_{1:i}``.
    The result has ``elpd``, ``se``, ``elpd_i`` (pointwise), ``pareto_k``, ``refits``,
    ``n_refits`` (for ``"approx"`` not counting the first fit on ``y_{1:L}``).
    """
    import arviz_stats

    if method not in ("approx", "exact"):
        raise ArgumentError(f"method must be 'approx' or 'exact'; got {method!r}.")
    if isinstance(k_threshold, bool) or not isinstance(k_threshold, numbers.Real):
        raise ArgumentError(f"k_threshold must be a number (0.7 is usual; below 0 refits at "
                            f"every step); got {k_threshold!r}.")
    L = check_min_train(fit.design, min_train)
    if refitter is None:
        post = fit.tree["posterior"]
        settings = {"draws": post.sizes["draw"], "tune": post.sizes["draw"],
                    "chains": post.sizes["chain"], **refit_settings}
        refitter = Refitter(fit.design, fit.variant, fit.options, **settings)
    wrapper = FilterWrapper(refitter, callback)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LFO-CV triggered", category=UserWarning)
        res = arviz_stats.lfo_cv(
            fit.tree,
            wrapper,
            min_observations=L,
            forecast_horizon=1,
            method=method,
            k_threshold=k_threshold,
            pointwise=True,
        )
    return res


def check_min_train(design: Design, min_train) -> int:
    """``L``, checked: after the initial-state window (which must not see future data) and
    before the last observed step; the default when ``None``."""
    n_obs = int(design.observed.sum())
    if min_train is None:
        return default_min_train(design, n_obs)
    needs = design.init_window if design.initial in ("ols", "prior") else 2
    if isinstance(min_train, bool) or not isinstance(min_train, numbers.Integral) or \
            not needs <= min_train < n_obs:
        raise DataError(
            f"min_train must be an integer between {needs} (the initial-state window, which "
            f"must not see future data) and {n_obs - 1} (observed steps - 1); got {min_train!r}.")
    return int(min_train)


def default_min_train(design: Design, n_obs: int) -> int:
    """``L`` when none is given: half the observed steps, at least the initial-state window."""
    return int(min(max(n_obs // 2, design.init_window), n_obs - 1))
