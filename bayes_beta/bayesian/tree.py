"""The fit's ``xarray.DataTree``: the sampler's groups plus data, log-densities and exposures.

Groups: ``posterior`` (noise parameters), ``sample_stats``, ``log_likelihood`` (one-step-ahead
predictive log-density ``l_t`` per time, dims (chain, draw, time), unobserved steps left out),
``log_prior``, ``observed_data`` (the target), ``constant_data`` (factor returns, the initial
state, units, the full-sample OLS) and ``exposures`` (per draw: a joint smoothed ``path`` and a
real-time ``filtered_draw``; over draws: the smoothed and filtered means and the
law-of-total-variance parts, dims (time, factor)). The root attributes carry the design
settings, model options, prior variant, data fingerprint, sampler and seed, and the format's
schema version. The target's series is stored as ``y`` (its column label in the ``target``
attribute and the settings), so any label pandas allows works as a file name-safe variable.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pymc as pm
import xarray as xr

from bayes_beta.bayesian.model import Setup
from bayes_beta.bayesian.propagate import (
    DrawMatrices,
    exposures,
    matrices_and_loglik,
    per_draw,
    stack_draws,
)
from bayes_beta.bayesian.sampling import log_prior
from bayes_beta.data.design import Design
from bayes_beta.errors import SpecError
from bayes_beta.version import __version__

__all__ = ["PATH_DRAWS_AUTO", "PATH_VALUES_MAX", "SCHEMA_VERSION", "assemble_tree", "path_draw_step"]

#: Version of the saved fit format (attribute ``bayes_beta_schema``).
SCHEMA_VERSION = 2
#: Default cap on draws x time x factor per exposure array.
PATH_VALUES_MAX = 50_000_000
#: Path draws kept by default: the Monte Carlo standard error of a 90% band's edges from 1,000
#: independent draws is 0.067 posterior sd (2% of the band's width); 4,000 draws give 0.033.
PATH_DRAWS_AUTO = 1000


def path_draw_step(chains: int, draws: int, n: int, K: int, path_draws: int | str | None) -> int:
    """Keep every ``step``-th draw of each chain for the exposure paths.

    ``path_draws=None`` (the default) keeps about :data:`PATH_DRAWS_AUTO` draws (all when there
    are fewer), ``"all"`` every draw, an integer about that many (total over chains). Unless an
    integer is given, the arrays are also kept under ``PATH_VALUES_MAX`` values (a warning says
    when that thins further).
    """
    total = chains * draws
    if path_draws is not None and path_draws != "all":
        if int(path_draws) < chains:
            raise SpecError(f"path_draws must be at least the number of chains ({chains}); "
                            f"got {path_draws}.")
        return max(1, -(-total // int(path_draws)))
    step = 1 if path_draws == "all" else max(1, -(-total // PATH_DRAWS_AUTO))
    cap = max(1, -(-total * n * K // PATH_VALUES_MAX))
    if cap > step:
        step = cap
        warnings.warn(
            f"Exposure paths use one draw in {step} ({chains * len(range(0, draws, step))} of "
            f"{total}) to keep each per-draw array under {PATH_VALUES_MAX:,} values "
            f"({n} times x {K} factors); bands are summaries of those draws, the posterior and "
            "log-likelihood keep all. Pass path_draws=... to choose.",
            UserWarning, stacklevel=4)
    return step


def _data_groups(design: Design) -> dict[str, xr.Dataset]:
    time, factors = design.time.rename(None), list(design.factors)
    tf = ("time", "factor")
    observed_data = xr.Dataset({"y": (("time",), design.y, {"target": design.target})},
                               coords={"time": time})
    constant_data = xr.Dataset(
        {"factor_returns": (tf, design.H), "b0": (("factor",), design.b0),
         "P0": (("factor", "factor_"), design.P0), "state_unit": (("factor",), design.state_unit),
         "ols": (("factor",), design.ols)},
        coords={"time": time, "factor": factors, "factor_": factors})
    return {"observed_data": observed_data, "constant_data": constant_data}


def attributes(setup: Setup, sampler: str, seed) -> dict:
    """The root attributes of a fit's tree (JSON strings and numbers: netCDF-safe)."""
    design, variant, options = setup
    return {
        "bayes_beta_version": __version__,
        "bayes_beta_schema": SCHEMA_VERSION,
        "model_settings": json.dumps(design.settings()),
        "model_options": json.dumps(options.to_dict()),
        "prior_variant": json.dumps(variant.to_dict()),
        "data_fingerprint": design.fingerprint(),
        "y_unit": design.y_unit,
        "steps_per_year": design.steps_per_year,
        "sampler": sampler,
        "seed": -1 if seed is None else int(seed),
    }


def assemble_tree(groups: dict, setup: Setup, model: pm.Model, *, seed=None,
                  sampler: str = "nutpie", path_draws: int | None = None) -> xr.DataTree:
    """Add log-likelihood, log-prior, data and propagated exposures to the sampler's groups.

    The ``exposures`` group holds the draws kept by :func:`path_draw_step` (every draw by
    default), labelled by their ``draw`` index in the posterior. ``model=None`` leaves out
    the ``log_prior`` group (a fund of a pooled fit, whose prior is the population's).
    """
    design, options, correlated = setup.design, setup.options, setup.variant.correlated
    post = groups["posterior"]
    step = path_draw_step(post.sizes["chain"], post.sizes["draw"], len(design.y), design.K,
                          path_draws)
    kept = stack_draws(post.isel(draw=slice(None, None, step)))
    if step == 1:
        ex, loglik_t = exposures(kept, design, options, seed=seed, correlated=correlated)
    else:  # every draw's l_t (and GARCH variances) in one pass; the kept draws reuse them
        every = stack_draws(post)
        m, ll = matrices_and_loglik(every, design, options, correlated)
        rows = np.arange(post.sizes["chain"] * post.sizes["draw"]).reshape(
            post.sizes["chain"], post.sizes["draw"])[:, ::step].ravel()
        ex, _ = exposures(kept, design, options, seed=seed,
                          matrices=DrawMatrices(*(a[rows] for a in m)), correlated=correlated)
        loglik_t = per_draw(every, ll, ("time",))
    coords = {"time": design.time.rename(None), "factor": list(design.factors)}
    ex = ex.assign_coords(coords)
    loglik = loglik_t.assign_coords(time=coords["time"]).isel(time=design.observed)
    tree = xr.DataTree.from_dict({
        "posterior": post,
        "sample_stats": groups["sample_stats"],
        "log_likelihood": xr.Dataset({"y": loglik.assign_attrs(target=design.target)}),
        **_data_groups(design),
        "exposures": ex,
    })
    if model is not None:  # a fund of a pooled fit has no prior of its own (the population's)
        tree["log_prior"] = log_prior(model, post)
    tree.attrs.update(attributes(setup, sampler, seed))
    return tree
