"""The one sampling path: :func:`compile_model` once per model shape, :func:`run` on any data.

A model's data (``pm.Data``: ``y``, ``H``, the initial state, the prior units and scales) are
not part of its compiled form, so :func:`compile_model` keys nutpie's compilation on the model's
structure (its log-density graph, variables, the prior variant's structure and options) and
reuses it for every dataset and prior scale of the same shape; :func:`run` hands the current data to the compiled model
(``CompiledModel.with_data``) and samples. The fit, the LFO refits (``y`` with the future
masked) and the Bayesian lag smoother all sample through here. PyMC's own NUTS is the
fallback (``sampler="pymc"``).
"""

from __future__ import annotations

import hashlib
import sys
import weakref
from collections import OrderedDict

import numpy as np
import pymc as pm
import xarray as xr

from bayes_beta.errors import SpecError
from bayes_beta.specs.sampler import SAMPLERS, check_choice

__all__ = ["SAMPLERS", "compile_model", "initial_points", "log_prior", "model_data", "run"]

_COMPILED: OrderedDict[str, object] = OrderedDict()  # nutpie models compiled in this process
_COMPILED_MAX = 16
#: nutpie compilations in this process (a worker of ``fit_many`` reports it per fund).
COMPILES = [0]
_GRAPH_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> graph hash


def initial_points(variant, K: int) -> dict:
    """Starting values nutpie cannot make itself (then jittered as usual).

    nutpie's default start of an LKJ-Cholesky ``Q`` draws the sd prior through scipy on a
    read-only constant, which fails with NumPy 2.5; start the unit-free factor at
    the identity (packed lower triangle, row by row; the variant's scales multiply it as model
    data, :mod:`bayes_beta.bayesian.priors`).
    """
    if not getattr(variant, "correlated", False):
        return {}
    return {"chol_state": np.eye(K)[np.tril_indices(K)]}


def model_data(model: pm.Model, overrides: dict | None = None) -> dict[str, np.ndarray]:
    """The current values of the model's data (``pm.Data``), with ``overrides`` applied."""
    values = {v.name: np.asarray(v.get_value()) for v in model.data_vars}
    for name, value in (overrides or {}).items():
        if name not in values:
            raise SpecError(f"The model has no data {name!r}; it has {sorted(values)}.")
        values[name] = np.asarray(value, dtype=values[name].dtype)
    return values


def structure_key(model: pm.Model, extra=()) -> str:
    """Identifies a model's compiled form: its log-density graph (data enter by name, not by
    value), its variables and coordinate sizes, and ``extra`` (e.g. the prior variant).

    Kept per model object (printing the graph costs about 0.1 s; a fit asks twice)."""
    import pytensor

    if model not in _GRAPH_KEYS:
        text = pytensor.dprint(model.logp(), file="str", print_type=True)
        _GRAPH_KEYS[model] = hashlib.sha256(text.encode()).hexdigest()
    h = hashlib.sha256(_GRAPH_KEYS[model].encode())
    sizes = {name: len(values) for name, values in model.coords.items() if values is not None}
    h.update(repr((list(model.named_vars), sorted(sizes.items()), extra)).encode())
    return h.hexdigest()


def compile_model(model: pm.Model, initial: dict | None = None, extra=()):
    """nutpie's compiled form of ``model``: once per structure in this process, its sampler
    callbacks loaded from this machine's disk cache when compiled before
    (:func:`bayes_beta.bayesian.compiled.compile_cached`)."""
    from bayes_beta.bayesian.compiled import compile_cached

    key = structure_key(model, extra)
    if key in _COMPILED:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    compiled = compile_cached(model, initial, extra)
    COMPILES[0] += 1
    _COMPILED[key] = compiled
    while len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return compiled


def _log_prior_function(model: pm.Model):
    """PyMC's elementwise log-prior function of ``model`` (as ``pm.stats.compute_log_prior``
    builds it), or ``None`` when it reads model data (then it cannot serve other data)."""
    from pymc.model.transform.conditioning import remove_value_transforms
    from pytensor.graph.traversal import ancestors

    umodel = remove_value_transforms(model)
    rvs = list(umodel.free_RVs)
    outs = umodel.logp(vars=rvs, sum=False)
    data = set(model.data_vars) | set(umodel.data_vars)
    if any(v in data for v in ancestors(outs)):
        return None
    fn = umodel.compile_fn(inputs=umodel.value_vars, outs=outs, on_unused_input="ignore")
    dtypes = {umodel.rvs_to_values[rv].name: umodel.rvs_to_values[rv].type.dtype for rv in rvs}
    return fn, [rv.name for rv in rvs], dtypes


def log_prior(model: pm.Model, posterior: xr.Dataset) -> xr.Dataset:
    """The ``log_prior`` group of ``pm.stats.compute_log_prior`` (elementwise log-density of each
    free variable at each draw), with the compiled function kept per model structure: PyMC
    compiles a new one for every call, which costs time and memory when many funds of one shape
    are fitted in a process."""
    from pymc.backends.arviz import apply_function_over_dataset, coords_and_dims_for_inferencedata

    key = "log_prior:" + structure_key(model)
    if key not in _COMPILED:
        _COMPILED[key] = _log_prior_function(model)
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    entry = _COMPILED[key]
    if entry is None:
        tree = xr.DataTree.from_dict({"posterior": posterior})
        with model:
            return pm.stats.compute_log_prior(tree, extend_inferencedata=False, progressbar=False)
    fn, names, dtypes = entry
    coords, dims = coords_and_dims_for_inferencedata(model)
    return apply_function_over_dataset(fn, posterior[names].astype(dtypes, copy=False),
                                       output_var_names=names, sample_dims=("chain", "draw"),
                                       dims=dims, coords=coords, progressbar=False)


def _groups(tree, model: pm.Model) -> dict[str, xr.Dataset]:
    """Posterior and sample stats, object variables dropped, coordinates of this model."""
    keep = {}
    for group in ("posterior", "sample_stats"):
        ds = tree[group].to_dataset()
        ds = ds.drop_vars([v for v in ds.data_vars if ds[v].dtype == object])
        coords = {d: list(model.coords[d]) for d in ds.dims if d in model.coords}
        keep[group] = ds.assign_coords(coords)
    return keep


def _set_data(model: pm.Model, values: dict) -> None:
    for var in model.data_vars:
        var.set_value(np.array(values[var.name], dtype=var.dtype))


def _run_pymc(model, data, *, draws, tune, chains, seed, progress, target_accept, cores):
    old = model_data(model)
    _set_data(model, data)
    try:
        with model:
            return pm.sample(draws=draws, tune=tune, chains=chains, random_seed=seed,
                             progressbar=progress, nuts_sampler="pymc",
                             compute_convergence_checks=False, target_accept=target_accept,
                             cores=min(chains, cores or 2))
    finally:
        _set_data(model, old)


def _plain_progress_text() -> None:
    """In a notebook nutpie displays its sampler object as the progress display, whose
    ``text/plain`` would be ``<nutpie.sample._BackgroundSampler at 0x...>``; give it a plain
    text (the HTML progress is unchanged)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.display_formatter.formatters["text/plain"].for_type_by_name(
            "nutpie.sample", "_BackgroundSampler",
            lambda obj, p, cycle: p.text("nutpie sampler progress"))


def run(
    model: pm.Model,
    *,
    draws: int,
    tune: int,
    chains: int,
    seed: int | None,
    sampler: str = "nutpie",
    progress: bool = True,
    target_accept: float = 0.8,
    data: dict | None = None,
    initial: dict | None = None,
    extra=(),
    cores: int | None = None,
) -> dict[str, xr.Dataset]:
    """NUTS on ``model`` with its data (``data`` replaces some of them for this run only).

    nutpie (numba backend, compiled once per structure) by default, PyMC's own NUTS with
    ``sampler="pymc"``. ``initial``: starting values nutpie cannot make; ``extra``: what else
    tells compiled forms apart; ``cores``: threads running chains (default: all cores).
    Returns the ``posterior`` and ``sample_stats`` Datasets.
    """
    check_choice("sampler", sampler, SAMPLERS)
    values = model_data(model, data)
    if sampler == "pymc":
        tree = _run_pymc(model, values, draws=draws, tune=tune, chains=chains, seed=seed,
                         progress=progress, target_accept=target_accept, cores=cores)
        return _groups(tree, model)
    import nutpie

    compiled = compile_model(model, initial, extra).with_data(**values)
    if progress:
        _plain_progress_text()
    threads = {} if cores is None else {"cores": int(cores)}
    tree = nutpie.sample(compiled, draws=draws, tune=tune, chains=chains, seed=seed,
                         progress_bar=progress, save_warmup=False, target_accept=target_accept,
                         **threads)
    return _groups(tree, model)
