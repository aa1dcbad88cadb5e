"""``bb.fit_many(..., pooling="partial")``: one joint NUTS run over all funds, then each fund's
exposures, into the same store and :class:`~bayes_beta.FitSet` as independent fits.

The joint model is :mod:`bayes_beta.bayesian.panel`'s. It is sampled once, in this process,
through the one sampling path (:func:`bayes_beta.bayesian.sampling.run`, compiled once per number
of funds and factors); the kernel runs the funds one after the other when the chains already
occupy every core, and over numba's threads otherwise. The joint posterior and sampler
statistics are written to ``DIR/joint.nc``. Each fund's draws of its own parameters are then
propagated exactly as an independent fit's are (:func:`~bayes_beta.bayesian.tree.assemble_tree`:
filter, smoother, joint path draws, per-step log-likelihood) into a
:class:`~bayes_beta.Fit`, written to the store with its summary row. A fund's ``Fit`` has no
``log_prior`` group: its prior is the population's, in ``joint.nc``.

A rerun with ``resume=True`` reads ``joint.nc`` instead of sampling again and propagates only the
funds not yet written. Sampler problems of the joint run are reported once and kept in each
fund's ``Fit.problems`` when they concern that fund or the population.
"""

from __future__ import annotations

import os
import re
import time
import warnings

import pandas as pd
import xarray as xr

from bayes_beta.bayesian import sampling
from bayes_beta.bayesian.args import fresh_seed
from bayes_beta.bayesian.diagnostics import check_sampling
from bayes_beta.bayesian.fitset import FitSet, open_store
from bayes_beta.bayesian.io import atomic_write
from bayes_beta.bayesian.model import Setup
from bayes_beta.bayesian.panel import (
    FUND_VARS,
    POPULATION_VARS,
    check_pooling,
    fund_posterior,
    make_panel,
    panel_model,
)
from bayes_beta.bayesian.perfund import fund_seed, save_fund
from bayes_beta.bayesian.store import Store
from bayes_beta.bayesian.tree import assemble_tree
from bayes_beta.specs.options import ModelOptions
from bayes_beta.specs.priors import get_variant
from bayes_beta.specs.sampler import Sampling

__all__ = ["JOINT_FILE", "fit_pooled", "read_joint"]

JOINT_FILE = "joint.nc"
_LABEL = re.compile(r"\[([^,\]]+)")


def read_joint(root) -> xr.DataTree | None:
    """The joint posterior and sampler statistics of a pooled store, or ``None``."""
    path = Store(root).root / JOINT_FILE
    if not path.is_file():
        return None
    with xr.open_datatree(path, engine="h5netcdf") as tree:
        return tree.load()


def _write_joint(store: Store, groups: dict, attrs: dict) -> xr.DataTree:
    tree = xr.DataTree.from_dict({k: groups[k] for k in ("posterior", "sample_stats")})
    tree.attrs.update(attrs)
    atomic_write(store.root / JOINT_FILE, lambda tmp: tree.to_netcdf(tmp, engine="h5netcdf"))
    return tree


def _sample_joint(panel, variant, options, store, *, draws, tune, chains, seed,
                  progress, target_accept, cores, sampler="nutpie") -> xr.DataTree:
    cores = cores or os.cpu_count() or 1
    model = panel_model(panel, variant, options, parallel=chains < cores)
    start = time.perf_counter()
    groups = sampling.run(model, draws=draws, tune=tune, chains=chains, seed=seed,
                          sampler=sampler, progress=progress, target_accept=target_accept,
                          extra=("pooled", repr(variant), repr(options)), cores=cores)
    attrs = {"sampling_seconds": time.perf_counter() - start, "pooling": "partial",
             "seed": -1 if seed is None else int(seed)}
    return _write_joint(store, groups, attrs)


def _fund_problems(problems: list[str], fund, funds: set) -> list[str]:
    """The joint run's problems that concern ``fund`` or no fund in particular."""
    keep = []
    for p in problems:
        label = _LABEL.search(p)
        if label is None or label.group(1) not in funds or label.group(1) == str(fund):
            keep.append(p)
    return keep


def _propagate(fund, panel, joint, variant, options, problems, *, seed, path_draws):
    from bayes_beta.bayesian.fit import Fit

    design = panel.designs[fund]
    groups = {"posterior": fund_posterior(joint["posterior"].to_dataset(), fund),
              "sample_stats": joint["sample_stats"].to_dataset()}
    tree = assemble_tree(groups, Setup(design, variant, options), None, seed=seed,
                         path_draws=path_draws)
    tree.attrs["pooling"] = "partial"
    return Fit(tree, design, variant, options, problems)


def fit_pooled(returns: pd.DataFrame, factors: pd.DataFrame, priors, *, store: Store,
               settings: dict, options: dict, resume: bool, keep: str, seed, progress: bool,
               cores: int | None = None) -> FitSet:
    """The pooled fit behind ``bb.fit_many(..., pooling="partial")`` (module docstring);
    ``returns``/``factors`` are checked and aligned, ``settings`` are the store's."""
    variant = get_variant(priors)
    model_options, nuts = ModelOptions.pick(options), Sampling.pick(options)
    initial = options.get("initial", "ols")
    check_pooling(model_options, variant, initial)
    panel = make_panel(returns, factors, intercept=options.get("intercept", False),
                       initial=initial, init_window=options.get("init_window"))
    store.create({"funds": panel.funds, "factors": [str(f) for f in factors.columns],
                  "settings": {**settings, "seed": seed}}, resume=resume)
    joint = read_joint(store.root) if resume else None
    target_accept = nuts.target_accept or model_options.target_accept
    if joint is None:
        # an unseeded run draws its seed now and records it in joint.nc (and, as
        # fund_seed(seed, fund), in each fund's fit), so it can be repeated
        seed = fresh_seed() if seed is None else seed
        joint = _sample_joint(panel, variant, model_options, store,
                              draws=nuts.draws, tune=nuts.tune, chains=nuts.chains, seed=seed,
                              progress=progress, target_accept=target_accept, cores=cores,
                              sampler=nuts.sampler)
    elif seed is None and int(joint.attrs.get("seed", -1)) >= 0:
        seed = int(joint.attrs["seed"])  # a resumed unseeded run: the seed it drew
    names = [v for v in (*POPULATION_VARS, *FUND_VARS) if v in joint["posterior"].data_vars]
    problems = check_sampling(joint, names, warn=options.get("check", True))
    records, funds = store.read_index(), set(map(str, panel.funds))
    for fund in panel.funds:
        if store.finished(fund):
            records[fund] = {**records.get(fund, {}), "status": "done", "resumed": True}
            continue
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = _propagate(fund, panel, joint, variant, model_options,
                             _fund_problems(problems, fund, funds), seed=fund_seed(seed, fund),
                             path_draws=nuts.path_draws)
        summary = save_fund(store, fund, fit, keep)
        seconds = time.perf_counter() - t0
        summary["seconds"] = seconds
        store.write_summary(fund, summary)
        records[fund] = {"status": "done", "seconds": seconds, "problems": len(fit.problems),
                         "fit_mb": store.fit_path(fund).stat().st_size / 1e6}
        if progress:
            print(f"\rpropagated {len(records)}/{len(panel.funds)} funds", end="", flush=True)
    if progress:
        print()
    store.write_index(records)
    return open_store(store.root)
