"""Sampling and the fit's DataTree: NUTS (nutpie by default), diagnostics, propagation.

Groups of the DataTree: ``posterior`` (noise parameters), ``sample_stats``, ``log_likelihood``
(one-step-ahead predictive log-density ``l_t`` per time, dims (chain, draw, time), missing steps
left out), ``log_prior``, ``observed_data`` (the target), ``constant_data`` (factor returns and
the initial state), and ``exposures`` (per draw: a joint smoothed ``path`` draw, the real-time
``filtered_mean`` and a ``filtered_draw``; over draws: the smoothed mean and the law-of-total-
variance parts, dims (time, factor)).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections import OrderedDict

import numpy as np
import pymc as pm
import xarray as xr

from bayes_beta.design import Design
from bayes_beta.errors import SamplingWarning, SpecError
from bayes_beta.model import NOISE_VARS, model_setup
from bayes_beta.priors import PriorVariant
from bayes_beta.propagate import draw_matrices, loglik_terms_all, propagate

__all__ = ["assemble_tree", "check_sampling", "run_sampler"]

SAMPLERS = ("nutpie", "pymc")


def initial_points(design, variant) -> dict:
    """Starting values nutpie cannot make itself (then jittered as usual).

    nutpie's default start of an LKJ-Cholesky ``Q`` draws the sd prior through scipy on a
    read-only constant, which fails with NumPy 2.5; start it at ``diag(scale x unit)`` (packed
    lower triangle, row by row).
    """
    if not variant.correlated:
        return {}
    L = np.diag(np.asarray(variant.state.scale) * np.asarray(design.state_unit, dtype=float))
    return {"chol_state": L[np.tril_indices(design.K)]}


_COMPILED: OrderedDict[str, object] = OrderedDict()  # nutpie models compiled in this process
_COMPILED_MAX = 16


def _model_key(model: pm.Model) -> str:
    """Identifies a model for reuse of its compiled form: the data, the design settings and
    initial state, the prior variant, and the printed log-density graph (so a model extended
    after :func:`~bayes_beta.build_model` gets its own entry)."""
    import pytensor

    design, variant = model_setup(model)
    h = hashlib.sha256(design.fingerprint().encode())
    for a in (design.b0, design.P0, design.state_unit):
        h.update(np.ascontiguousarray(a, dtype=float).tobytes())
    h.update(repr((design.intercept, design.dynamics, design.initial, design.init_window,
                   design.y_unit, design.steps_per_year, design.likelihood, variant,
                   list(model.named_vars))).encode())
    h.update(pytensor.dprint(model.logp(), file="str", print_type=True).encode())
    return h.hexdigest()


def compile_nutpie(model: pm.Model):
    """nutpie's compiled form of a bayes_beta model, reused within the process when the same
    model (same data, settings, prior variant and graph) is fitted again."""
    import nutpie

    key = _model_key(model)
    if key in _COMPILED:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    compiled = nutpie.compile_pymc_model(
        model, backend="numba", initial_points=initial_points(*model_setup(model)) or None
    )
    _COMPILED[key] = compiled
    while len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return compiled


def run_sampler(
    model: pm.Model,
    *,
    draws: int,
    tune: int,
    chains: int,
    seed: int | None,
    sampler: str = "nutpie",
    progress: bool = True,
    target_accept: float = 0.8,
):
    """NUTS on ``model``: nutpie (numba backend) by default, PyMC's own sampler as fallback."""
    if sampler not in SAMPLERS:
        raise SpecError(f"sampler must be one of {SAMPLERS}; got {sampler!r}.")
    if sampler == "nutpie":
        try:
            import nutpie
        except ImportError:  # pragma: no cover - nutpie is a dependency
            warnings.warn(
                "nutpie is not installed; using PyMC's NUTS.", SamplingWarning, stacklevel=3
            )
            sampler = "pymc"
    if sampler == "nutpie":
        tree = nutpie.sample(
            compile_nutpie(model),
            draws=draws,
            tune=tune,
            chains=chains,
            seed=seed,
            progress_bar=progress,
            save_warmup=False,
            target_accept=target_accept,
        )
    else:
        with model:
            tree = pm.sample(
                draws=draws,
                tune=tune,
                chains=chains,
                random_seed=seed,
                progressbar=progress,
                nuts_sampler="pymc",
                compute_convergence_checks=False,
                target_accept=target_accept,
                cores=min(chains, 2),
            )
    keep = {}
    for group in ("posterior", "sample_stats"):
        ds = tree[group].to_dataset()
        ds = ds.drop_vars([v for v in ds.data_vars if ds[v].dtype == object])
        keep[group] = ds
    return keep


def noise_var_names(posterior: xr.Dataset) -> list[str]:
    return [v for v in NOISE_VARS if v in posterior.data_vars]


def check_sampling(
    tree: xr.DataTree, var_names=None, *, min_ess: float = 100.0, warn: bool = True
) -> list[str]:
    """Divergences, r_hat > 1.01, bulk/tail ESS below ``min_ess`` per chain, BFMI < 0.3.

    Returns the problems found (and warns with :class:`~bayes_beta.SamplingWarning`).
    """
    import arviz as az

    post = tree["posterior"].to_dataset()
    var_names = var_names or noise_var_names(post)
    n_chains = post.sizes["chain"]
    problems = []
    stats = tree["sample_stats"].to_dataset()
    if "diverging" in stats:
        n_div = int(stats["diverging"].sum())
        if n_div:
            problems.append(
                f"{n_div} divergent transitions: the posterior has regions NUTS cannot explore "
                "(often a noise sd near zero). Raise target_accept (e.g. 0.95), or use a prior "
                "that keeps the sds away from zero (e.g. priors='loose' or a LogNormal family)."
            )
    rhat = az.rhat(tree, var_names=var_names)
    ess_bulk = az.ess(tree, var_names=var_names, method="bulk")
    ess_tail = az.ess(tree, var_names=var_names, method="tail")
    for name in var_names:
        # constant entries (the unit diagonal of a correlation matrix) have no r_hat or ESS
        sd = post[name].std(("chain", "draw"))
        const = (sd <= 1e-12 * np.maximum(1.0, abs(post[name].mean(("chain", "draw"))))).values
        for label, value in _labelled(rhat[name], const):
            if not np.isfinite(value) or value > 1.01:
                problems.append(
                    f"r_hat of {name}{label} is {value:.3f} (> 1.01): chains disagree. "
                    "Run more tune and draws, or more chains."
                )
        for kind, ess in (("bulk", ess_bulk), ("tail", ess_tail)):
            for label, value in _labelled(ess[name], const):
                if not np.isfinite(value) or value < min_ess * n_chains:
                    problems.append(
                        f"{kind} ESS of {name}{label} is {value:.0f} (< "
                        f"{min_ess * n_chains:.0f}): increase draws."
                    )
    if "energy" in stats and stats.sizes.get("draw", 0) > 2:
        energy = stats["energy"].transpose("chain", "draw").values
        # E-BFMI = sum (E_i - E_(i-1))^2 / sum (E_i - mean E)^2, per chain
        bfmi = (np.diff(energy, axis=1) ** 2).sum(1) / (
            (energy - energy.mean(1, keepdims=True)) ** 2
        ).sum(1)
        for chain, value in enumerate(bfmi):
            if value < 0.3:
                problems.append(
                    f"BFMI of chain {chain} is {value:.2f} (< 0.3): the sampler "
                    "explores the energy poorly; reparametrise or tighten priors."
                )
    if warn:
        for p in problems:
            warnings.warn(p, SamplingWarning, stacklevel=3)
    return problems


def _labelled(da: xr.DataArray, skip=None):
    if da.ndim == 0:
        yield "", float(da)
        return
    for idx in np.ndindex(da.shape):
        if skip is not None and skip[idx]:
            continue
        coords = [str(da[d].values[i]) for d, i in zip(da.dims, idx, strict=True)]
        yield f"[{', '.join(coords)}]", float(da.values[idx])


def _flat(post: xr.Dataset) -> dict[str, np.ndarray]:
    stacked = post.stack(sample=("chain", "draw"))
    return {v: np.moveaxis(stacked[v].values, -1, 0) for v in stacked.data_vars}


PATH_VALUES_MAX = 50_000_000  # default cap on draws x time x factor per exposure array


def path_draw_step(chains: int, draws: int, n: int, K: int, path_draws: int | None) -> int:
    """Keep every ``step``-th draw of each chain for the exposure paths: all draws unless
    ``path_draws`` (total over chains) asks for fewer, or the arrays would pass
    ``PATH_VALUES_MAX`` values (then a warning says so)."""
    total = chains * draws
    if path_draws is not None:
        if int(path_draws) < chains:
            raise SpecError(f"path_draws must be at least the number of chains ({chains}); "
                            f"got {path_draws}.")
        return max(1, -(-total // int(path_draws)))
    step = max(1, -(-total * n * K // PATH_VALUES_MAX))
    if step > 1:
        warnings.warn(
            f"Exposure paths use one draw in {step} ({chains * len(range(0, draws, step))} of "
            f"{total}) to keep each per-draw array under {PATH_VALUES_MAX:,} values "
            f"({n} times x {K} factors); bands are summaries of those draws, the posterior and "
            "log-likelihood keep all. Pass path_draws=... to choose.",
            UserWarning, stacklevel=4)
    return step


def assemble_tree(groups: dict, model: pm.Model, *, seed=None, sampler: str = "nutpie",
                  path_draws: int | None = None):
    """Add log-likelihood, log-prior, data and propagated exposures to the sampler's groups.

    The ``exposures`` group holds the draws kept by :func:`path_draw_step` (every draw by
    default), labelled by their ``draw`` index in the posterior.
    """
    from bayes_beta import __version__

    design, variant = model_setup(model)
    post = groups["posterior"]
    C, D = post.sizes["chain"], post.sizes["draw"]
    step = path_draw_step(C, D, len(design.y), design.K, path_draws)
    kept = post.isel(draw=slice(None, None, step))
    Dk = kept.sizes["draw"]
    prop = propagate(draw_matrices(_flat(kept), design), design, seed=seed)
    loglik_t = (prop.loglik_t if step == 1
                else loglik_terms_all(draw_matrices(_flat(post), design), design))
    time, factors = design.time.rename(None), list(design.factors)
    sample_coords = {"chain": post["chain"].values, "draw": post["draw"].values}

    def per_draw(a, dims, d=D):
        return (("chain", "draw", *dims), a.reshape(C, d, *a.shape[1:]))

    observed = ~(np.isnan(design.y) | np.isnan(design.H).any(axis=1))
    loglik = xr.Dataset(
        {design.target: per_draw(loglik_t[:, observed], ("time",))},
        coords={**sample_coords, "time": time[observed]},
    )
    td, tf = ("time",), ("time", "factor")
    exposures = xr.Dataset(
        {
            "path": per_draw(prop.path, tf, Dk),
            "filtered_mean": per_draw(prop.filtered_mean, tf, Dk),
            "filtered_draw": per_draw(prop.filtered_draw, tf, Dk),
            "smoothed_mean": (tf, prop.smoothed_mean),
            "smoothed_param_var": (tf, prop.smoothed_param_var),
            "smoothed_state_var": (tf, prop.smoothed_state_var),
            "filtered_param_var": (tf, prop.filtered_param_var),
            "filtered_state_var": (tf, prop.filtered_state_var),
        },
        coords={"chain": kept["chain"].values, "draw": kept["draw"].values, "time": time,
                "factor": factors},
    )
    observed_data = xr.Dataset({design.target: (td, design.y)}, coords={"time": time})
    constant_data = xr.Dataset(
        {
            "factor_returns": (tf, design.H),
            "b0": (("factor",), design.b0),
            "P0": (("factor", "factor_"), design.P0),
            "state_unit": (("factor",), design.state_unit),
            "ols": (("factor",), design.ols),
        },
        coords={"time": time, "factor": factors, "factor_": factors},
    )
    tree = xr.DataTree.from_dict(
        {
            "posterior": post,
            "sample_stats": groups["sample_stats"],
            "log_likelihood": loglik,
            "observed_data": observed_data,
            "constant_data": constant_data,
            "exposures": exposures,
        }
    )
    with model:
        pm.stats.compute_log_prior(tree, extend_inferencedata=True, progressbar=False)
    tree.attrs.update(_attrs(design, variant, sampler, seed, __version__))
    return tree


def _attrs(design: Design, variant: PriorVariant, sampler: str, seed, version: str) -> dict:
    return {
        "bayes_beta_version": version,
        "model_settings": json.dumps(design.settings()),
        "prior_variant": json.dumps(variant.to_dict()),
        "data_fingerprint": design.fingerprint(),
        "y_unit": design.y_unit,
        "steps_per_year": design.steps_per_year,
        "sampler": sampler,
        "seed": -1 if seed is None else int(seed),
    }
