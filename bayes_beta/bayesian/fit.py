"""The user's entry points ``bb.fit``, ``bb.sample``, ``bb.fit_spec`` and the :class:`Fit`.

``fit`` builds the design and the prior variant once and passes them down: model
(:mod:`~bayes_beta.bayesian.model`) -> NUTS (:mod:`~bayes_beta.bayesian.sampling`) -> the
DataTree with propagated exposures (:mod:`~bayes_beta.bayesian.tree`) -> diagnostics. A
:class:`Fit` wraps that tree with the design, prior variant and model options, and offers
summaries, exposure bands, the variance split of the bands, plots and an exact netCDF round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from bayes_beta.bayesian import io, sampling
from bayes_beta.bayesian.args import check_bands_args, check_int, check_sampler_args
from bayes_beta.bayesian.diagnostics import check_sampling, noise_var_names
from bayes_beta.bayesian.model import Setup, model_from_design, model_setup
from bayes_beta.bayesian.tree import assemble_tree
from bayes_beta.data.design import Design, make_design
from bayes_beta.specs.options import DEFAULT_VOLATILITY, ModelOptions
from bayes_beta.specs.priors import PriorVariant, get_variant

__all__ = ["Fit", "fit", "fit_design", "fit_spec", "load_fit", "sample"]

SAMPLE_DIMS = ("chain", "draw")
SOURCES = {"smoothed": "path", "filtered": "filtered_draw"}


@dataclass(eq=False)
class Fit:
    """A Bayesian fit of time-varying exposures.

    Attributes: ``tree`` (the DataTree), ``design`` (data arrays and settings), ``variant`` (the
    prior variant), ``options`` (dynamics, likelihood), ``problems`` (sampler diagnostics).
    """

    tree: xr.DataTree
    design: Design
    variant: PriorVariant
    options: ModelOptions = field(default_factory=ModelOptions)
    problems: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ summaries
    @property
    def noise_vars(self) -> list[str]:
        return noise_var_names(self.tree["posterior"].to_dataset())

    def summary(self, prob: float = 0.94, kind: str = "eti") -> pd.DataFrame:
        """ArviZ summary of the noise parameters: mean, sd, interval, ESS, r_hat."""
        import arviz as az

        check_bands_args(prob, kind)
        return az.summary(self.tree, var_names=self.noise_vars, ci_prob=prob, ci_kind=kind)

    def bands(self, prob: float = 0.9, kind: str = "eti", source: str = "smoothed") -> xr.Dataset:
        """Exposure bands (dims time x factor): ``mean``, ``median``, ``lower``, ``upper``.

        ``source="smoothed"`` uses the joint path draws (all data, state and parameter
        uncertainty); ``"filtered"`` the real-time draws (data up to ``t`` only). ``kind`` is
        ``"eti"`` (equal-tailed) or ``"hdi"`` (highest density).
        """
        import arviz as az

        check_bands_args(prob, kind, source, SOURCES)
        draws = self.tree["exposures"][SOURCES[source]]
        interval = (az.eti if kind == "eti" else az.hdi)(draws, prob=prob, dim=list(SAMPLE_DIMS))
        out = xr.Dataset({
            "mean": draws.mean(SAMPLE_DIMS),
            "median": draws.median(SAMPLE_DIMS),
            "lower": interval.sel(ci_bound="lower", drop=True),
            "upper": interval.sel(ci_bound="upper", drop=True),
        })
        out.attrs.update(prob=prob, kind=kind, source=source)
        return out.transpose("time", "factor")

    def variance_decomposition(self, source: str = "smoothed", by_time: bool = False):
        """Split of the exposure variance by the law of total variance.

        ``total = parameter + state`` with ``parameter = Var_theta(E[beta_t | theta, y])`` and
        ``state = E_theta(Var(beta_t | theta, y))``. Returns a DataFrame per factor (averaged
        over time), or per (time, factor) with ``by_time=True``.
        """
        check_bands_args(0.5, "eti", source, SOURCES)
        ex = self.tree["exposures"]
        df = xr.Dataset({"parameter_var": ex[f"{source}_param_var"],
                         "state_var": ex[f"{source}_state_var"]}).to_dataframe()
        df = df[["parameter_var", "state_var"]]
        if not by_time:
            df = df.groupby(level="factor", sort=False).mean()
        df["total_var"] = df["parameter_var"] + df["state_var"]
        df["parameter_share"] = df["parameter_var"] / df["total_var"]
        return df

    def volatility(self, prob: float = 0.9, annualize: bool = True, kind: str = "eti"):
        """Bands of the observation volatility ``sqrt(R_t)`` over time (dims ``time``):
        ``mean``, ``median``, ``lower``, ``upper``; annualised (x sqrt(steps per year)) by
        default. Constant for ``volatility="constant"``."""
        import arviz as az

        check_bands_args(prob, kind)
        post = self.tree["posterior"]
        if "volatility" in post:
            draws = post["volatility"]
        elif "volatility" in self.tree["exposures"]:
            draws = self.tree["exposures"]["volatility"]
        else:
            time = self.tree["observed_data"]["time"]
            draws = post["sigma_obs"].expand_dims(time=time).transpose(*SAMPLE_DIMS, "time")
        draws = draws * (np.sqrt(self.design.steps_per_year) if annualize else 1.0)
        interval = (az.eti if kind == "eti" else az.hdi)(draws, prob=prob, dim=list(SAMPLE_DIMS))
        out = xr.Dataset({"mean": draws.mean(SAMPLE_DIMS), "median": draws.median(SAMPLE_DIMS),
                          "lower": interval.sel(ci_bound="lower", drop=True),
                          "upper": interval.sel(ci_bound="upper", drop=True)})
        out.attrs.update(prob=prob, kind=kind, annualized=bool(annualize),
                         volatility=self.options.volatility)
        return out

    def forecast(self, steps: int | None = None, factors=None, *, prob: float = 0.9,
                 seed=None) -> xr.Dataset:
        """Exposures ``steps`` ahead, or exposures and the fund's return over the dates of
        ``factors`` (future factor returns), per posterior draw with ``prob`` bands
        (:func:`bayes_beta.bayesian.forecast.forecast`)."""
        from bayes_beta.bayesian.forecast import forecast

        return forecast(self, steps, factors, prob=prob, seed=seed)

    def attribution(self, freq: str | None = None, source: str = "smoothed",
                    prob: float = 0.9) -> xr.Dataset:
        """Each factor's contribution ``H_{t,k} beta_{t,k}`` to the return (and the time-varying
        alpha, and the residual), per draw of the ``source`` paths, summed over the periods of
        ``freq`` (``None``, ``"M"``, ``"Q"``, ``"Y"``), with ``prob`` bands and each factor's
        share of the explained variance (:func:`bayes_beta.bayesian.attribution.attribute`)."""
        from bayes_beta.bayesian.attribution import attribute

        check_bands_args(prob, "eti", source, SOURCES)
        paths = self.tree["exposures"][SOURCES[source]]
        ds = attribute(paths, self.design.H, self.design.y, self.design.factors,
                       intercept=self.design.intercept, freq=freq, prob=prob)
        ds.attrs["source"] = source
        return ds

    def checks(self, probs=(0.5, 0.9), alpha: float = 0.05, draws: int = 500, seed=0):
        """One-step model checks: PIT values, coverage of the ``probs`` predictive intervals
        by year, standardised innovations with CUSUM and CUSUM-of-squares bounds at ``alpha``
        (:class:`bayes_beta.bayesian.checks.ModelChecks`; ``.plot()`` draws them)."""
        from bayes_beta.bayesian.checks import model_checks

        return model_checks(self, probs, alpha, draws, seed)

    # ------------------------------------------------------------------ plots
    def plot_attribution(self, attribution: xr.Dataset):
        """Per-period contributions with their bands (bars), and cumulative contributions over
        time, of an :meth:`attribution` result."""
        from bayes_beta.plots.attribution import plot_attribution

        return plot_attribution(attribution)

    def plot_forecast(self, forecast: xr.Dataset, history: int = 104):
        """Fan chart: the last ``history`` steps' smoothed bands at the forecast's probability,
        continued by the forecast's bands (one panel per factor, and the return when given)."""
        from bayes_beta.plots.exposures import plot_forecast

        bands = self.bands(forecast.attrs["prob"]).isel(time=slice(-history, None))
        return plot_forecast(bands, forecast)

    def plot_exposures(self, probs=(0.5, 0.8, 0.95), source: str = "smoothed", kind: str = "eti"):
        """Fan chart per factor over real dates, with the full-sample OLS beta for reference."""
        from bayes_beta.plots.exposures import plot_fan

        bands = [self.bands(p, kind=kind, source=source) for p in sorted(probs, reverse=True)]
        ols = dict(zip(self.design.factors, self.design.ols, strict=True))
        return plot_fan(bands, reference=ols, title=f"{self.design.target}: {source} exposures")

    def prior_draws(self, draws: int = 2000, seed: int = 0) -> dict:
        """Draws of the noise parameters from their prior (name -> array, draws first)."""
        import pymc as pm

        model = model_from_design(self.design, self.variant, self.options)
        names = self.noise_vars
        with model:
            values = pm.draw([model[n] for n in names], draws=draws, random_seed=seed)
        return dict(zip(names, values, strict=True))

    def plot_noise(self, prior_draws: int = 2000, seed: int = 0):
        """Posterior of each noise parameter with its prior."""
        from bayes_beta.plots.exposures import plot_posterior_prior

        prior = self.prior_draws(prior_draws, seed)
        post = self.tree["posterior"].to_dataset()
        posterior = {n: post[n].stack(sample=SAMPLE_DIMS).transpose("sample", ...).values
                     for n in prior}
        coords = {n: [str(c) for c in post[n]["factor"].values] if "factor" in post[n].dims
                  else [""] for n in prior}
        return plot_posterior_prior(posterior, prior, coords)

    def plot_volatility(self, probs=(0.5, 0.9)):
        """Fan chart of the annualised observation volatility over time."""
        from bayes_beta.plots.exposures import plot_volatility

        bands = [self.volatility(p) for p in sorted(probs, reverse=True)]
        return plot_volatility(bands, title=f"{self.design.target}: observation volatility "
                                            f"({self.options.volatility})")

    def plot_filtered_vs_smoothed(self, prob: float = 0.9):
        """Real-time (filtered) and smoothed exposure bands, one panel per factor."""
        from bayes_beta.plots.exposures import plot_two_bands

        return plot_two_bands(self.bands(prob, source="filtered"),
                              self.bands(prob, source="smoothed"))

    # ------------------------------------------------------------------ io
    def save(self, path) -> None:
        """Write the fit to one netCDF file, atomically (see :mod:`bayes_beta.bayesian.io`)."""
        io.write_fit(self.tree, self.problems, path, self.variant, self.options)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fit):
            return NotImplemented
        return (self.variant == other.variant and self.options == other.options
                and self.tree.identical(other.tree)
                and self.design.settings() == other.design.settings()
                and self.design.fingerprint() == other.design.fingerprint())

    def __repr__(self) -> str:
        post = self.tree["posterior"]
        vol = self.options.volatility
        vol = "" if vol == "constant" else f", volatility={vol!r}"
        return (f"Fit({self.design.target} on {list(self.design.factors)}, priors="
                f"{self.variant.name!r}{vol}, {post.sizes['chain']} chains x {post.sizes['draw']} "
                f"draws, {len(self.design.y)} steps, {len(self.problems)} sampler warnings)")


def _sample(setup: Setup, model, *, draws, tune, chains, seed, sampler, progress, target_accept,
            check, path_draws, cores=None) -> Fit:
    design, variant, options = setup
    groups = sampling.run(
        model, draws=draws, tune=tune, chains=chains, seed=seed, sampler=sampler,
        progress=progress,
        target_accept=options.target_accept if target_accept is None else target_accept,
        initial=sampling.initial_points(variant, design.K),
        extra=(repr(variant), repr(options), design.initial, design.intercept), cores=cores)
    tree = assemble_tree(groups, setup, model, seed=seed, sampler=sampler, path_draws=path_draws)
    problems = check_sampling(tree, warn=check) if check else []
    return Fit(tree, design, variant, options, problems)


def sample(model, *, draws: int = 1000, tune: int = 1000, chains: int = 4,
           seed: int | None = None, sampler: str = "nutpie", progress: bool = True,
           target_accept: float | None = None, check: bool = True, path_draws: int | str | None = None) -> Fit:
    """Sample a model from :func:`bayes_beta.build_model` (possibly extended) into a :class:`Fit`.

    ``path_draws``: how many posterior draws (over all chains, evenly thinned) are propagated
    to exposure paths: by default about 1,000 (all when there are fewer; the bands' Monte Carlo
    error is then 2% of a 90% band's width, see ``bayes_beta.bayesian.tree.PATH_DRAWS_AUTO``),
    ``"all"`` for every draw; without an integer, capped (with a warning) so that one per-draw
    exposure array stays under ``bayes_beta.bayesian.tree.PATH_VALUES_MAX`` values. The
    posterior and the log-likelihood always keep every draw.
    """
    settings = check_sampler_args(draws=draws, tune=tune, chains=chains, seed=seed,
                                  sampler=sampler, target_accept=target_accept,
                                  path_draws=path_draws)
    return _sample(model_setup(model), model, progress=progress, check=check, **settings)


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
    target_accept: float | None = None,
    intercept: bool = False,
    dynamics: str = "random_walk",
    initial: str = "ols",
    init_window: int | None = None,
    likelihood: str = "fused",
    units=None,
    volatility: str = DEFAULT_VOLATILITY,
    variance_multiplier=None,
    check: bool = True,
    path_draws: int | str | None = None,
    cores: int | None = None,
) -> Fit:
    """Fit time-varying exposures of ``target`` on ``factors`` with NUTS and propagate them.

    ``priors``: ``"default"``, ``"tight"``, ``"loose"``, ``"correlated"`` or a
    :class:`~bayes_beta.PriorVariant`. Model options as in :func:`bayes_beta.build_model`.
    Sampler problems (divergences, r_hat > 1.01, low ESS, low BFMI) are warned about and kept
    in ``fit.problems``. The same ``seed`` gives the same fit. ``path_draws`` as in
    :func:`sample`. ``target_accept``: NUTS's target acceptance rate, by default 0.8, or 0.9
    for ``volatility="stochastic"`` and ``"student_t"`` (``ModelOptions.target_accept``).
    ``cores``: threads that run the chains (default: all cores). Every argument is checked
    before any compilation or sampling.
    """
    settings = check_sampler_args(draws=draws, tune=tune, chains=chains, seed=seed,
                                  sampler=sampler, target_accept=target_accept,
                                  path_draws=path_draws)
    options = ModelOptions(dynamics=dynamics, likelihood=likelihood, volatility=volatility)
    variant = get_variant(priors)
    design = make_design(df, target, factors, intercept=intercept, initial=initial,
                         init_window=init_window, units=units, multiplier=variance_multiplier)
    if cores is not None:
        settings["cores"] = check_int("cores", cores)
    return _sample(Setup(design, variant, options), model_from_design(design, variant, options),
                   progress=progress, check=check, **settings)


def fit_design(design: Design, variant: PriorVariant, options: ModelOptions | None = None, *,
               draws: int = 1000, tune: int = 1000, chains: int = 4, seed: int | None = None,
               sampler: str = "nutpie", progress: bool = True, target_accept: float | None = None,
               check: bool = True, path_draws: int | str | None = None) -> Fit:
    """:func:`fit` from a :class:`~bayes_beta.data.Design` already built (e.g. shared by the
    variants of a comparison); the compiled model is reused across designs of one shape."""
    settings = check_sampler_args(draws=draws, tune=tune, chains=chains, seed=seed,
                                  sampler=sampler, target_accept=target_accept,
                                  path_draws=path_draws)
    options = options or ModelOptions()
    return _sample(Setup(design, variant, options), model_from_design(design, variant, options),
                   progress=progress, check=check, **settings)


def fit_spec(spec, variant: str | None = None, **overrides) -> Fit:
    """Fit one prior variant of a :class:`~bayes_beta.ModelSpec` (the first by default);
    ``overrides`` replace the spec's sampling or model settings (keywords of :func:`fit`)."""
    kwargs = {**spec.model_kwargs(), **spec.sampling_kwargs(), **overrides}
    return fit(spec.load_data(), spec.target, list(spec.factors), spec.variant(variant),
               **kwargs)


def load_fit(path) -> Fit:
    """Read a fit written by :meth:`Fit.save` (format and data fingerprint checked)."""
    return Fit(*io.read_fit(path))
