"""Leave-future-out cross-validation (Bürkner, Gabry & Vehtari 2020), one step ahead.

    elpd_LFO = sum_{i=L}^{n-1} log p(y_{i+1} | y_{1:i})
             = sum_i log  integral p(y_{i+1} | y_{1:i}, theta) p(theta | y_{1:i}) dtheta

The one-step-ahead density ``p(y_{i+1} | y_{1:i}, theta)`` is the filter's ``l_{i+1}``
(:func:`bayes_beta.propagate.propagate` gives it for any draws on any data), so no model
term is re-derived here. ``p(theta | y_{1:i})`` needs a fit on the first ``i`` observations:

- ``method="exact"`` refits at every ``i = L .. n-1``;
- ``method="approx"`` (PSIS-LFO) fits once on ``y_{1:L}`` and carries that posterior forward
  with Pareto-smoothed importance weights ``prod_{t=i*+1}^{i} l_t(theta)``, refitting at ``i``
  when the Pareto ``k`` of the weights exceeds ``k_threshold`` (0.7).

The loop and the PSIS weights are arviz-stats' :func:`arviz_stats.lfo_cv`; this module supplies
its :class:`~arviz_stats.SamplingWrapper`. A refit uses the *same* model (prior units, initial
state ``b0, P0``) as the full fit, with ``y_t`` set to NaN after ``i`` so the filter skips those
steps; the model is compiled once (``y`` becomes shared data) and only re-sampled. The prior
units ``sd(y)``, ``sd(H_k)`` come from the whole sample: that is the only use of future data,
a scale convention, identical across variants. ``L`` must cover the ``init_window`` of an
``initial="ols"`` start so that ``b0`` uses no future data either.

``p(theta | y_{1:i})`` for each refit is sampled by nutpie, like the full fit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import xarray as xr
from arviz_stats import SamplingWrapper

from bayes_beta.design import Design
from bayes_beta.errors import DataError, SpecError
from bayes_beta.inference import initial_points
from bayes_beta.priors import PriorVariant
from bayes_beta.propagate import draw_matrices, propagate

__all__ = ["Refitter", "lfo_cv", "mutable_model"]

Y_SHARED = "bayes_beta_y"


def mutable_model(model, y: np.ndarray):
    """Make the constant holding ``y`` in ``model`` a shared variable, in place; returns ``model``.

    Works on whatever graph :func:`bayes_beta.model.model_from_design` builds: the constant whose
    values equal ``y`` (NaN-aware) is replaced by ``pytensor.shared`` named :data:`Y_SHARED`,
    holding ``y``, so the model's density is unchanged until the shared value is. Use it on a
    freshly built model. (A rebuilt copy through ``pymc.model.fgraph`` would rename nested
    deterministics such as ``sigma_state`` of a correlated ``Q``.)
    """
    import pytensor
    from pytensor.graph.basic import Constant
    from pytensor.graph.fg import FunctionGraph

    fg = FunctionGraph(outputs=list(model.potentials) + list(model.observed_RVs), clone=False)
    hits = [
        v
        for v in fg.variables
        if isinstance(v, Constant)
        and np.asarray(v.data).size == y.size
        and np.array_equal(np.asarray(v.data, dtype=float).ravel(), y, equal_nan=True)
    ]
    if len(hits) != 1:
        raise SpecError(
            f"LFO refits need the model's observations as one constant; found {len(hits)}. "
            "bayes_beta.model.model_from_design changed: update bayes_beta.lfo.mutable_model."
        )
    shared = pytensor.shared(np.array(hits[0].data), name=Y_SHARED)
    fg.replace(hits[0], shared, import_missing=True)
    return model


def _posterior_groups(tree) -> dict[str, xr.Dataset]:
    keep = {}
    for group in ("posterior", "sample_stats"):
        ds = tree[group].to_dataset()
        keep[group] = ds.drop_vars([v for v in ds.data_vars if ds[v].dtype == object])
    return keep


def _flat(post: xr.Dataset) -> dict[str, np.ndarray]:
    stacked = post.stack(sample=("chain", "draw"))
    return {v: np.moveaxis(stacked[v].values, -1, 0) for v in stacked.data_vars}


class Refitter:
    """A model of one design and prior variant, compiled once and sampled on ``y_{1:i}``.

    ``sample(n_train)`` fits on the first ``n_train`` observed steps (all when ``None``);
    ``loglik_t(posterior)`` gives ``l_t`` of every step under each draw, dims (chain, draw, n);
    ``fit()`` is the full-data :class:`~bayes_beta.Fit` from the same compiled model.
    """

    def __init__(
        self,
        design: Design,
        variant: PriorVariant,
        *,
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        seed: int | None = None,
        target_accept: float = 0.8,
        progress: bool = False,
    ):
        import nutpie

        from bayes_beta.model import model_from_design

        self.design, self.variant = design, variant
        self.settings = dict(draws=draws, tune=tune, chains=chains, target_accept=target_accept)
        self.seed, self.progress = seed, progress
        self.model = model_from_design(design, variant)
        self._compiled = nutpie.compile_pymc_model(
            mutable_model(self.model, design.y),
            backend="numba",
            initial_points=initial_points(design, variant) or None,
        )
        self._shape = np.asarray(self._compiled.shared_data[self._key()]).shape
        self.observed = np.flatnonzero(~(np.isnan(design.y) | np.isnan(design.H).any(axis=1)))

    def _key(self) -> str:
        for var, key in self._compiled.shared_var_keys.items():
            if var.name == Y_SHARED:
                return key
        raise SpecError("The compiled LFO model lost its shared observations.")  # pragma: no cover

    def sample(self, n_train: int | None = None, seed: int | None = None) -> dict[str, xr.Dataset]:
        """Posterior and sample stats of a fit on the first ``n_train`` observed steps."""
        import nutpie

        y = self.design.y.copy()
        if n_train is not None:
            y[self.observed[n_train] :] = np.nan
        compiled = self._compiled.with_data(**{Y_SHARED: y.reshape(self._shape)})
        tree = nutpie.sample(
            compiled,
            seed=self.seed if seed is None else seed,
            progress_bar=self.progress,
            save_warmup=False,
            **self.settings,
        )
        return _posterior_groups(tree)

    def loglik_t(self, posterior: xr.Dataset) -> np.ndarray:
        """``l_t`` for every step (NaN-skipped steps give 0) per draw, shape (chain, draw, n)."""
        C, D = posterior.sizes["chain"], posterior.sizes["draw"]
        prop = propagate(draw_matrices(_flat(posterior), self.design), self.design, seed=0)
        return prop.loglik_t.reshape(C, D, -1)

    def fit(self, check: bool = True):
        """The full-data fit (as :func:`bayes_beta.fit` would give) from the compiled model."""
        from bayes_beta.fitting import Fit
        from bayes_beta.inference import assemble_tree, check_sampling

        groups = self.sample(None)
        tree = assemble_tree(groups, self.model, seed=self.seed, sampler="nutpie")
        problems = check_sampling(tree, warn=check) if check else []
        return Fit(tree, self.design, self.variant, problems)


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
        keep = [v for v in post.data_vars if v in ("sigma_state", "sigma_obs", "phi", "mu", "b0")]
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
        raise SpecError(f"method must be 'approx' or 'exact'; got {method!r}.")
    n_obs = fit.tree["log_likelihood"].sizes["time"]
    L = default_min_train(fit.design, n_obs) if min_train is None else int(min_train)
    needs = fit.design.init_window if fit.design.initial in ("ols", "prior") else 2
    if not needs <= L < n_obs:
        raise DataError(
            f"min_train must be between {needs} (the initial-state window, which must not see "
            f"future data) and {n_obs - 1} (observed steps - 1); got {L}."
        )
    if refitter is None:
        post = fit.tree["posterior"]
        settings = {"draws": post.sizes["draw"], "tune": post.sizes["draw"],
                    "chains": post.sizes["chain"], **refit_settings}
        refitter = Refitter(fit.design, fit.variant, **settings)
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


def default_min_train(design: Design, n_obs: int) -> int:
    """``L`` when none is given: half the observed steps, at least the initial-state window."""
    return int(min(max(n_obs // 2, design.init_window), n_obs - 1))
