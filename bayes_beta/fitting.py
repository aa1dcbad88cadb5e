"""The user's entry point: ``bb.fit(df, target, factors, priors=...)`` and the :class:`Fit`.

A :class:`Fit` wraps one ``xarray.DataTree`` (see :mod:`bayes_beta.inference` for its groups)
with the design and prior variant it came from, and offers summaries, exposure bands, the
variance split of the bands, plots and an exact netCDF round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import xarray as xr

from bayes_beta.design import Design
from bayes_beta.errors import DataError
from bayes_beta.priors import PriorVariant

__all__ = ["Fit", "fit", "sample"]

SAMPLE_DIMS = ("chain", "draw")
SOURCES = {"smoothed": "path", "filtered": "filtered_draw"}


@dataclass(eq=False)
class Fit:
    """A Bayesian fit of time-varying exposures.

    Attributes: ``tree`` (the DataTree), ``design`` (data arrays and settings), ``variant`` (the
    prior variant), ``problems`` (sampler diagnostics found after sampling).
    """

    tree: xr.DataTree
    design: Design
    variant: PriorVariant
    problems: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ summaries
    @property
    def noise_vars(self) -> list[str]:
        from bayes_beta.inference import noise_var_names

        return noise_var_names(self.tree["posterior"].to_dataset())

    def summary(self, prob: float = 0.94, kind: str = "eti") -> pd.DataFrame:
        """ArviZ summary of the noise parameters: mean, sd, interval, ESS, r_hat."""
        import arviz as az

        return az.summary(self.tree, var_names=self.noise_vars, ci_prob=prob, ci_kind=kind)

    def bands(self, prob: float = 0.9, kind: str = "eti", source: str = "smoothed") -> xr.Dataset:
        """Exposure bands (dims time x factor): ``mean``, ``median``, ``lower``, ``upper``.

        ``source="smoothed"`` uses the joint path draws (all data, state and parameter
        uncertainty); ``"filtered"`` the real-time draws (data up to ``t`` only). ``kind`` is
        ``"eti"`` (equal-tailed) or ``"hdi"`` (highest density).
        """
        import arviz as az

        if not 0 < prob < 1:
            raise DataError(f"prob must be between 0 and 1; got {prob}.")
        if source not in SOURCES:
            raise DataError(f"source must be one of {sorted(SOURCES)}; got {source!r}.")
        if kind not in ("eti", "hdi"):
            raise DataError(f"kind must be 'eti' or 'hdi'; got {kind!r}.")
        draws = self.tree["exposures"][SOURCES[source]]
        interval = (az.eti if kind == "eti" else az.hdi)(draws, prob=prob, dim=list(SAMPLE_DIMS))
        out = xr.Dataset(
            {
                "mean": draws.mean(SAMPLE_DIMS),
                "median": draws.median(SAMPLE_DIMS),
                "lower": interval.sel(ci_bound="lower", drop=True),
                "upper": interval.sel(ci_bound="upper", drop=True),
            }
        )
        out.attrs.update(prob=prob, kind=kind, source=source)
        return out.transpose("time", "factor")

    def variance_decomposition(self, source: str = "smoothed", by_time: bool = False):
        """Split of the exposure variance by the law of total variance.

        ``total = parameter + state`` with ``parameter = Var_theta(E[beta_t | theta, y])`` and
        ``state = E_theta(Var(beta_t | theta, y))``. Returns a DataFrame per factor (averaged
        over time), or per (time, factor) with ``by_time=True``.
        """
        if source not in SOURCES:
            raise DataError(f"source must be one of {sorted(SOURCES)}; got {source!r}.")
        ex = self.tree["exposures"]
        df = xr.Dataset(
            {
                "parameter_var": ex[f"{source}_param_var"],
                "state_var": ex[f"{source}_state_var"],
            }
        ).to_dataframe()[["parameter_var", "state_var"]]
        if not by_time:
            df = df.groupby(level="factor", sort=False).mean()
        df["total_var"] = df["parameter_var"] + df["state_var"]
        df["parameter_share"] = df["parameter_var"] / df["total_var"]
        return df

    # ------------------------------------------------------------------ plots
    def plot_exposures(self, probs=(0.5, 0.8, 0.95), source: str = "smoothed", kind: str = "eti"):
        """Fan chart per factor over real dates, with the full-sample OLS beta for reference."""
        from bayes_beta.plots import plot_fan

        bands = [self.bands(p, kind=kind, source=source) for p in sorted(probs, reverse=True)]
        ols = dict(zip(self.design.factors, self.design.ols, strict=True))
        return plot_fan(bands, reference=ols, title=f"{self.design.target}: {source} exposures")

    def plot_noise(self, prior_draws: int = 2000, seed: int = 0):
        """Posterior of each noise parameter with its prior."""
        import pymc as pm

        from bayes_beta.model import model_from_design
        from bayes_beta.plots import plot_posterior_prior

        model = model_from_design(self.design, self.variant)
        names = self.noise_vars
        with model:
            prior = pm.draw([model[n] for n in names], draws=prior_draws, random_seed=seed)
        post = self.tree["posterior"].to_dataset()
        posterior = {
            n: post[n].stack(sample=SAMPLE_DIMS).transpose("sample", ...).values for n in names
        }
        coords = {
            n: [str(c) for c in post[n]["factor"].values] if "factor" in post[n].dims else [""]
            for n in names
        }
        return plot_posterior_prior(posterior, dict(zip(names, prior, strict=True)), coords)

    def plot_filtered_vs_smoothed(self, prob: float = 0.9):
        """Real-time (filtered) and smoothed exposure bands, one panel per factor."""
        from bayes_beta.plots import plot_two_bands

        return plot_two_bands(
            self.bands(prob, source="filtered"), self.bands(prob, source="smoothed")
        )

    # ------------------------------------------------------------------ io
    def save(self, path) -> None:
        """Write the fit to netCDF (spec, prior variant, data fingerprint, version in attrs)."""
        from bayes_beta.io import save_fit

        save_fit(self, path)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fit):
            return NotImplemented
        return (
            self.variant == other.variant
            and self.tree.identical(other.tree)
            and self.design.settings() == other.design.settings()
            and self.design.fingerprint() == other.design.fingerprint()
        )

    def __repr__(self) -> str:
        post = self.tree["posterior"]
        return (
            f"Fit({self.design.target} on {list(self.design.factors)}, priors="
            f"{self.variant.name!r}, {post.sizes['chain']} chains x {post.sizes['draw']} "
            f"draws, {len(self.design.y)} steps, {len(self.problems)} sampler warnings)"
        )


def sample(
    model,
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int | None = None,
    sampler: str = "nutpie",
    progress: bool = True,
    target_accept: float = 0.8,
    check: bool = True,
    path_draws: int | None = None,
) -> Fit:
    """Sample a model from :func:`bayes_beta.build_model` (possibly extended) into a :class:`Fit`.

    ``path_draws``: how many posterior draws (over all chains, evenly thinned) are propagated
    to exposure paths; default all, capped (with a warning) so that one per-draw exposure array
    stays under ``bayes_beta.inference.PATH_VALUES_MAX`` values.
    """
    from bayes_beta.inference import assemble_tree, check_sampling, run_sampler
    from bayes_beta.model import model_setup

    setup = model_setup(model)
    groups = run_sampler(
        model,
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
        sampler=sampler,
        progress=progress,
        target_accept=target_accept,
    )
    tree = assemble_tree(groups, model, seed=seed, sampler=sampler, path_draws=path_draws)
    problems = check_sampling(tree, warn=check) if check else []
    return Fit(tree, setup.design, setup.variant, problems)


def fit(
    df: pd.DataFrame,
    target: str,
    factors,
    priors="default",
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int | None = None,
    sampler: str = "nutpie",
    progress: bool = True,
    target_accept: float = 0.8,
    intercept: bool = False,
    dynamics: str = "random_walk",
    initial: str = "ols",
    init_window: int | None = None,
    likelihood: str = "fused",
    check: bool = True,
    path_draws: int | None = None,
) -> Fit:
    """Fit time-varying exposures of ``target`` on ``factors`` with NUTS and propagate them.

    ``priors``: ``"default"``, ``"tight"``, ``"loose"``, ``"correlated"`` or a
    :class:`~bayes_beta.PriorVariant`. Model options as in :func:`bayes_beta.build_model`.
    Sampler problems (divergences, r_hat > 1.01, low ESS, low BFMI) are warned about and kept
    in ``fit.problems``. The same ``seed`` gives the same fit. ``path_draws`` as in
    :func:`sample`.
    """
    from bayes_beta.model import build_model

    model = build_model(
        df,
        target,
        factors,
        priors,
        intercept=intercept,
        dynamics=dynamics,
        initial=initial,
        init_window=init_window,
        likelihood=likelihood,
    )
    return sample(
        model,
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
        sampler=sampler,
        progress=progress,
        target_accept=target_accept,
        check=check,
        path_draws=path_draws,
    )
