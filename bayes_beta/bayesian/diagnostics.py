"""Sampler diagnostics, reported loudly: divergences, r_hat, bulk/tail ESS and E-BFMI.

Each problem is a sentence naming the parameter (with its coordinate) and a remedy; they are
raised as :class:`~bayes_beta.SamplingWarning` and kept in ``Fit.problems``. The statistics are
arviz-stats' (``rhat``, ``ess``, ``bfmi``).
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from bayes_beta.bayesian.model import noise_vars
from bayes_beta.errors import SamplingWarning

__all__ = ["check_sampling", "noise_var_names"]

RHAT_MAX = 1.01
BFMI_MIN = 0.3


def noise_var_names(posterior: xr.Dataset) -> list[str]:
    """The noise parameters present in a posterior, in :func:`noise_vars` order."""
    return [v for v in noise_vars() if v in posterior.data_vars]


def _labelled(da: xr.DataArray, skip=None):
    """``("[coord, ...]", value)`` for every entry of ``da`` (``skip``: a boolean mask)."""
    if da.ndim == 0:
        yield "", float(da)
        return
    for idx in np.ndindex(da.shape):
        if skip is not None and skip[idx]:
            continue
        coords = [str(da[d].values[i]) for d, i in zip(da.dims, idx, strict=True)]
        yield f"[{', '.join(coords)}]", float(da.values[idx])


def _divergences(stats: xr.Dataset) -> list[str]:
    n_div = int(stats["diverging"].sum()) if "diverging" in stats else 0
    if not n_div:
        return []
    return [f"{n_div} divergent transitions: the posterior has regions NUTS cannot explore "
            "(often a noise sd near zero). Raise target_accept (e.g. 0.95), or use a prior "
            "that keeps the sds away from zero (e.g. priors='loose' or a LogNormal family)."]


def _convergence(tree: xr.DataTree, var_names, min_ess: float) -> list[str]:
    import arviz_stats as azs

    post = tree["posterior"].to_dataset()
    need = min_ess * post.sizes["chain"]
    rhat = azs.rhat(tree, var_names=var_names)
    ess = {kind: azs.ess(tree, var_names=var_names, method=kind) for kind in ("bulk", "tail")}
    problems = []
    for name in var_names:
        # constant entries (the unit diagonal of a correlation matrix) have no r_hat or ESS
        sd = post[name].std(("chain", "draw"))
        const = (sd <= 1e-12 * np.maximum(1.0, abs(post[name].mean(("chain", "draw"))))).values
        for label, value in _labelled(rhat[name], const):
            if not np.isfinite(value) or value > RHAT_MAX:
                problems.append(f"r_hat of {name}{label} is {value:.3f} (> {RHAT_MAX}): chains "
                                "disagree. Run more tune and draws, or more chains.")
        for kind, values in ess.items():
            for label, value in _labelled(values[name], const):
                if not np.isfinite(value) or value < need:
                    problems.append(f"{kind} ESS of {name}{label} is {value:.0f} (< {need:.0f}):"
                                    " increase draws.")
    return problems


def _energy(tree: xr.DataTree) -> list[str]:
    import arviz_stats as azs

    stats = tree["sample_stats"].to_dataset()
    if "energy" not in stats or stats.sizes.get("draw", 0) <= 2:
        return []
    bfmi = np.atleast_1d(np.asarray(azs.bfmi(tree)["energy"]))
    return [f"BFMI of chain {chain} is {value:.2f} (< {BFMI_MIN}): the sampler explores the "
            "energy poorly; reparametrise or tighten priors."
            for chain, value in enumerate(bfmi) if value < BFMI_MIN]


def check_sampling(tree: xr.DataTree, var_names=None, *, min_ess: float = 100.0,
                   warn: bool = True) -> list[str]:
    """Divergences, r_hat > 1.01, bulk/tail ESS below ``min_ess`` per chain, E-BFMI < 0.3.

    Each problem is a sentence naming the parameter (with its coordinate) and a remedy; the
    statistics are arviz-stats' (``rhat``, ``ess``, ``bfmi``). A parameter that is constant
    over the draws is not checked for r_hat and ESS. :func:`bayes_beta.fit` runs this on every
    fit and keeps the result in ``fit.problems``.

    Parameters
    ----------
    tree : xarray.DataTree
        A fit's DataTree (groups ``posterior`` and ``sample_stats``).
    var_names : list of str, optional
        The parameters checked for r_hat and ESS; by default the noise parameters present
        (``Fit.noise_vars``).
    min_ess : float, default 100.0
        The bulk and tail ESS needed per chain.
    warn : bool, default True
        Also warn about each problem.

    Returns
    -------
    list of str
        The problems found; empty when there are none.

    Warns
    -----
    bayes_beta.SamplingWarning
        One per problem (with ``warn=True``).

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.bayesian import check_sampling
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> problems = check_sampling(fit.tree, warn=False)
    >>> problems == fit.problems
    True

    One chain of 50 draws gives no r_hat and too few effective draws:

    >>> any(p.startswith("r_hat of sigma_obs") for p in problems)
    True
    >>> any("ESS" in p for p in check_sampling(fit.tree, ["sigma_obs"], min_ess=1000,
    ...                                          warn=False))
    True
    """
    var_names = var_names or noise_var_names(tree["posterior"].to_dataset())
    problems = (_divergences(tree["sample_stats"].to_dataset())
                + _convergence(tree, var_names, min_ess) + _energy(tree))
    if warn:
        for p in problems:
            warnings.warn(p, SamplingWarning, stacklevel=4)
    return problems
