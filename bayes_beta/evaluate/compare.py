"""Compare prior variants of one model: predictive accuracy, noise posteriors, bands, checks.

``compare_priors(spec_or_fits)`` fits every variant of a :class:`~bayes_beta.ModelSpec`
(or takes a dict ``name -> Fit``) and collects, per variant:

- **LFO-CV** (one step ahead, :mod:`bayes_beta.lfo`): ``elpd_lfo`` and its SE, the difference to
  the best variant with the SE of the paired difference, stacking weights (arviz-stats
  ``compare`` on the pointwise LFO terms), refits and the largest Pareto k;
- **PSIS-LOO** on the per-time terms, as a *heuristic*: leaving out ``y_t`` alone is not a
  forecast (the filter's ``l_s``, ``s > t``, still condition on ``y_t``); shown for reference;
- posterior summaries of every noise parameter with their prior intervals;
- the mean width of the exposure bands per factor;
- prior sensitivity by power-scaling (``arviz.psense_summary``);
- prior predictive checks (:mod:`bayes_beta.prior_checks`).

With a spec, each variant is compiled once and the same compiled model gives the full fit and
every LFO refit (see :class:`bayes_beta.lfo.Refitter`); ``Comparison.refitters`` keeps them for
further refits (e.g. ``lfo_cv(fit, method="exact", refitter=cmp.refitters[name])``).
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bayes_beta.bayesian.args import as_reporter, check_int, check_prob
from bayes_beta.data.design import make_design
from bayes_beta.errors import ArgumentError, DataError
from bayes_beta.evaluate.lfo import Refitter, check_min_train, default_min_train, lfo_cv
from bayes_beta.evaluate.prior_checks import prior_draws as draw_prior
from bayes_beta.evaluate.prior_checks import prior_intervals, prior_predictive
from bayes_beta.plots.compare import plot_bands_overlay, plot_elpd_diff, plot_noise_forest
from bayes_beta.specs.modelfile import ModelSpec

__all__ = ["Comparison", "compare_priors"]

LOO_COLS = ("elpd_loo (heuristic)", "se_loo (heuristic)", "p_loo (heuristic)")


@dataclass(eq=False)
class Comparison:
    """Result of :func:`compare_priors`: the variants side by side.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variant (index ``variant``, best LFO first). With LFO: ``elpd_lfo``,
        ``se_lfo``, ``elpd_diff`` and ``se_diff`` (to the best variant, SE of the paired
        difference), stacking ``weight``, ``n_refits``, ``max_pareto_k``; always:
        ``width[<factor>]`` (the mean band width), ``elpd_loo (heuristic)``,
        ``se_loo (heuristic)``, ``p_loo (heuristic)`` and ``sampler warnings``.
    fits : dict
        Variant -> :class:`bayes_beta.Fit`.
    noise : pandas.DataFrame
        Index ``(variant, parameter)``: the posterior ``mean``, ``sd``, ``lower``, ``upper``
        (the central ``prob`` interval), ``ess_bulk``, ``r_hat`` of every noise parameter, and
        its prior interval ``prior_lower``, ``prior_median``, ``prior_upper``.
    band_width : pandas.DataFrame
        Index ``variant``, one column per factor: the mean width over time of the ``prob``
        band.
    sensitivity : pandas.DataFrame
        Index ``(variant, parameter)``: prior and likelihood sensitivity by power-scaling
        (``arviz.psense_summary``) and its diagnosis.
    prior_checks : pandas.DataFrame
        Long: ``variant`` and the columns of :func:`~bayes_beta.evaluate.prior_predictive`.
    bands : dict
        Variant -> Dataset of ``Fit.bands(prob)``.
    lfo : dict
        Variant -> arviz-stats ``ELPDDataLFO`` (empty without LFO).
    loo : dict
        Variant -> arviz-stats ``ELPDData`` of the heuristic PSIS-LOO.
    settings : dict
        ``lfo``, ``min_train``, ``k_threshold``, ``prob`` and ``variants``.
    refitters : dict
        Variant -> :class:`~bayes_beta.evaluate.Refitter` (with a spec; empty with fits), for
        further refits, e.g. ``lfo_cv(fit, method="exact", refitter=cmp.refitters[name])``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> cmp = bb.compare_priors({"default": fit}, lfo="none", prior_draws=200)
    >>> list(cmp.fits), list(cmp.bands), cmp.lfo, cmp.refitters
    (['default'], ['default'], {}, {})
    >>> list(cmp.noise.index.names), cmp.band_width.columns.tolist()
    (['variant', 'parameter'], ['Mkt-RF'])
    >>> cmp.prior_checks.columns.tolist()[:3]
    ['variant', 'quantity', 'factor']
    """

    table: pd.DataFrame
    fits: dict
    noise: pd.DataFrame  # index (variant, parameter): posterior mean, sd, interval; prior interval
    band_width: pd.DataFrame  # index variant, columns factor
    sensitivity: pd.DataFrame  # index (variant, parameter): prior, likelihood, diagnosis
    prior_checks: pd.DataFrame  # long: variant, quantity, factor, prior quantiles, data
    bands: dict = field(repr=False)  # variant -> Dataset of Fit.bands(prob)
    lfo: dict = field(default_factory=dict, repr=False)  # variant -> ELPDDataLFO
    loo: dict = field(default_factory=dict, repr=False)  # variant -> ELPDData
    settings: dict = field(default_factory=dict)
    refitters: dict = field(default_factory=dict, repr=False)  # variant -> lfo.Refitter

    # plots draw what is computed here
    def plot_bands(self):
        """The variants' exposure bands overlaid, one panel per factor.

        The full-sample OLS exposure of each factor is drawn for reference; the title names the
        target and the band's probability.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per factor.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = bb.compare_priors({"default": fit}, lfo="none", prior_draws=200).plot_bands()
        >>> len(fig.axes)
        1
        >>> plt.close("all")
        """
        fit = next(iter(self.fits.values()))
        ols = dict(zip(fit.design.factors, fit.design.ols, strict=True))
        return plot_bands_overlay(self.bands, reference=ols,
                                  title=f"{fit.design.target}: {self.settings['prob']:.0%} bands")

    def plot_noise(self):
        """Forest plot of each noise parameter's posterior interval per variant, over its prior.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per noise parameter of ``Comparison.noise``.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> cmp = bb.compare_priors({"default": fit}, lfo="none", prior_draws=200)
        >>> fig = cmp.plot_noise()
        >>> len(fig.axes) == len(cmp.noise.index.unique("parameter"))
        True
        >>> plt.close("all")
        """
        return plot_noise_forest(self.noise, prob=self.settings["prob"])

    def plot_elpd(self):
        """The elpd difference of each variant to the best one, with its standard error.

        The LFO-CV differences (``elpd_diff``, ``se_diff`` of ``Comparison.table``) when LFO
        ran; else the heuristic PSIS-LOO elpd minus the best one (drawn without error bars).

        Returns
        -------
        matplotlib.figure.Figure
            One panel.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = bb.compare_priors({"default": fit}, lfo="none", prior_draws=200).plot_elpd()
        >>> len(fig.axes)
        1
        >>> plt.close("all")
        """
        if "elpd_diff" in self.table:
            label = f"LFO-CV elpd difference (L = {self.settings['min_train']})"
            return plot_elpd_diff(self.table["elpd_diff"], self.table["se_diff"], label=label)
        loo = self.table[LOO_COLS[0]]
        return plot_elpd_diff(loo - loo.max(), self.table[LOO_COLS[1]] * 0.0,
                              label="PSIS-LOO elpd difference (heuristic; no LFO run)")

    def figures(self) -> dict:
        """Every comparison plot, by name.

        Returns
        -------
        dict
            ``{"bands": ..., "noise": ..., "elpd": ...}``: the Figures of :meth:`plot_bands`,
            :meth:`plot_noise` and :meth:`plot_elpd`.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> figures = bb.compare_priors({"default": fit}, lfo="none", prior_draws=200).figures()
        >>> list(figures)
        ['bands', 'noise', 'elpd']
        >>> plt.close("all")
        """
        return {"bands": self.plot_bands(), "noise": self.plot_noise(), "elpd": self.plot_elpd()}

    def __repr__(self) -> str:
        return f"Comparison of {list(self.table.index)}:\n{self.table.to_string()}"


def compare_priors(
    spec_or_fits,
    *,
    variants=None,
    lfo: str | None = None,
    min_train: int | None = None,
    k_threshold: float | None = None,
    prob: float = 0.9,
    prior_draws: int = 1000,
    check: bool = True,
    progress: bool | Callable[[str], None] = False,
    **sampling,
) -> Comparison:
    r"""Compare prior variants of one model: predictive accuracy, noise posteriors, bands, checks.

    Fits every variant of a :class:`~bayes_beta.ModelSpec` (or takes a dict ``name -> Fit``)
    and collects, per variant:

    - **LFO-CV** (one step ahead, :func:`~bayes_beta.evaluate.lfo_cv`): the expected log
      predictive density

      .. math::

          \mathrm{elpd}_\mathrm{LFO} = \sum_{i=L}^{n-1} \log p(y_{i+1} \mid y_{1:i})

      and its SE, the difference to the best variant with the SE of the paired difference,
      stacking weights (arviz-stats ``compare`` on the pointwise LFO terms), refits and the
      largest Pareto k;
    - **PSIS-LOO** on the per-time terms :math:`l_t`,
      :math:`\mathrm{elpd}_\mathrm{LOO} = \sum_t \log p(y_t \mid y_{-t})`, as a *heuristic*:
      leaving out :math:`y_t` alone is not a forecast (the filter's :math:`l_s`, :math:`s > t`,
      still condition on :math:`y_t`); shown for reference;
    - posterior summaries of every noise parameter with their prior intervals;
    - the mean width of the exposure bands per factor;
    - prior sensitivity by power-scaling (``arviz.psense_summary``);
    - prior predictive checks (:func:`~bayes_beta.evaluate.prior_predictive`).

    With a spec, each variant is compiled once and the same compiled model gives the full fit
    and every LFO refit (see :class:`~bayes_beta.evaluate.Refitter`);
    ``Comparison.refitters`` keeps them for further refits (e.g.
    ``lfo_cv(fit, method="exact", refitter=cmp.refitters[name])``).

    Parameters
    ----------
    spec_or_fits : bayes_beta.ModelSpec or dict
        A model spec (each of its variants, or those named in ``variants``, is fitted) or a
        non-empty dict ``name -> Fit`` of fits on the same data.
    variants : sequence of str, optional
        The variants to compare (default all).
    lfo : {"approx", "exact", "none"}, optional
        ``"approx"`` (PSIS-LFO with refits when Pareto k > ``k_threshold``), ``"exact"``
        (refit at every step after ``min_train``) or ``"none"``; default from the spec's
        ``[compare]`` table, else ``"approx"``.
    min_train : int, optional
        ``L``, the observations of the first LFO fit; default from the spec, else half the
        sample (at least the initial-state window).
    k_threshold : float, optional
        The Pareto k above which PSIS-LFO refits; default from the spec, else 0.7.
    prob : float, default 0.9
        The probability of the bands and of the noise intervals.
    prior_draws : int, default 1000
        Prior draws for the prior intervals and checks.
    check : bool, default True
        Check each fit's sampler diagnostics (``bb.SamplingWarning``), with a spec.
    progress : bool or callable, default False
        ``True`` prints a line to stderr as work proceeds; a callable is called with each
        message instead (``bayes-beta compare`` passes its own). ``False`` (or ``None``):
        silent. The fits' own progress bars stay off: several variants run in turn.
    **sampling
        ``draws``, ``tune``, ``chains``, ``seed``, ``target_accept`` of the fits and the
        refits.

    Returns
    -------
    Comparison
        The table and the per-variant details.

    Raises
    ------
    bayes_beta.ArgumentError
        ``lfo`` not one of the choices, ``prob`` not in (0, 1), ``prior_draws`` not a positive
        integer.
    bayes_beta.DataError
        Neither a spec nor a non-empty dict, fits on different data, or ``min_train`` out of
        range.

    See Also
    --------
    bayes_beta.evaluate.lfo_cv : LFO-CV of one fit.

    Examples
    --------
    Each prior variant compiles its own model, so this example compares one variant (with
    several, ``elpd_diff`` and ``weight`` rank them):

    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> cmp = bb.compare_priors({"default": fit}, min_train=255, prior_draws=200)
    >>> cmp.table.index.name, cmp.table.index.tolist()
    ('variant', ['default'])
    >>> cmp.table.columns.tolist()
    ['elpd_lfo', 'se_lfo', 'elpd_diff', 'se_diff', 'weight', 'n_refits', 'max_pareto_k',
     'width[Mkt-RF]', 'elpd_loo (heuristic)', 'se_loo (heuristic)', 'p_loo (heuristic)',
     'sampler warnings']
    >>> cmp.settings
    {'lfo': 'approx', 'min_train': 255, 'k_threshold': 0.7, 'prob': 0.9, 'variants': ['default']}
    >>> bb.compare_priors({})
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: compare_priors needs a ModelSpec or a non-empty dict name -> Fit.
    """
    say = as_reporter(progress)
    check_prob("prob", prob)
    check_int("prior_draws", prior_draws)
    if lfo not in (None, "approx", "exact", "none"):
        raise ArgumentError(f"lfo must be 'approx', 'exact' or 'none'; got {lfo!r}.")
    if isinstance(spec_or_fits, ModelSpec):
        spec = spec_or_fits
        lfo = lfo or spec.compare.lfo
        min_train = spec.compare.min_train if min_train is None else min_train
        k_threshold = spec.compare.k_threshold if k_threshold is None else k_threshold
        names = list(variants or spec.variant_names)
        refitters = _spec_refitters(spec, names, sampling)
        if lfo != "none" and refitters:  # refuse a bad L before fitting anything
            check_min_train(next(iter(refitters.values())).design, min_train)
        fits = {}
        for name, r in refitters.items():
            say(f"fitting variant {name!r}")
            fits[name] = r.fit(check=check)
    elif isinstance(spec_or_fits, dict) and spec_or_fits:
        fits = {n: f for n, f in spec_or_fits.items() if variants is None or n in variants}
        refitters = {}
        prints = {f.design.fingerprint() for f in fits.values()}
        if len(prints) > 1:
            raise DataError("The fits were run on different data; compare fits of one dataset.")
    else:
        raise DataError("compare_priors needs a ModelSpec or a non-empty dict name -> Fit.")
    lfo, k_threshold = lfo or "approx", 0.7 if k_threshold is None else k_threshold
    first = next(iter(fits.values()))
    if lfo != "none" and min_train is None:
        min_train = default_min_train(first.design, first.tree["log_likelihood"].sizes["time"])
    settings = dict(lfo=lfo, min_train=min_train, k_threshold=k_threshold, prob=prob,
                    variants=list(fits))
    lfo_res = _lfo_all(fits, refitters, settings, sampling, say) if lfo != "none" else {}
    say("PSIS-LOO, sensitivity, summaries and prior predictive checks")
    out = _assemble(fits, lfo_res, settings, prior_draws)
    out.refitters = refitters
    return out


def _spec_refitters(spec, names, sampling) -> dict:
    design = make_design(spec.load_data(), spec.target, list(spec.factors),
                         **spec.design_kwargs())
    settings = {**spec.sampling_kwargs(), **sampling}
    return {name: Refitter(design, spec.variant(name), spec.options(), **settings)
            for name in names}


def _lfo_all(fits, refitters, settings, sampling, say) -> dict:
    out = {}
    for name, fit in fits.items():
        say(f"LFO-CV ({settings['lfo']}) of {name!r} from L = {settings['min_train']}")

        def tick(i, name=name):
            say(f"  {name}: fit on the first {i} observations")

        out[name] = lfo_cv(fit, min_train=settings["min_train"], method=settings["lfo"],
                           k_threshold=settings["k_threshold"], refitter=refitters.get(name),
                           progress=tick, **sampling)
    return out


def _assemble(fits, lfo_res, settings, prior_draws) -> Comparison:
    import arviz as az

    prob = settings["prob"]
    rows, noise, sens, checks, bands, loo = {}, [], [], [], {}, {}
    for name, fit in fits.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loo[name] = az.loo(fit.tree)
            with _quiet("arviz_stats.psense"):  # it logs a generic hint; the table says it all
                ps = az.psense_summary(fit.tree, var_names=fit.noise_vars)
            ps = ps[[_informative(p) for p in ps.index]].dropna()
            sens.append(ps.rename(index=_namer(fit.design.factors)).assign(variant=name))
        prior = draw_prior(fit.design, fit.variant, prior_draws, seed=0, options=fit.options)
        noise.append(_noise_table(fit, prior, prob).assign(variant=name))
        checks.append(prior_predictive(fit.design, fit.variant, prior=prior,
                                       posterior=fit.tree["posterior"].to_dataset(),
                                       options=fit.options)
                      .assign(variant=name))
        bands[name] = fit.bands(prob)
        width = (bands[name]["upper"] - bands[name]["lower"]).mean("time").to_pandas()
        rows[name] = {
            **{f"width[{f}]": float(w) for f, w in width.items()},
            LOO_COLS[0]: float(loo[name].elpd), LOO_COLS[1]: float(loo[name].se),
            LOO_COLS[2]: float(loo[name].p),
            "sampler warnings": len(fit.problems),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    if lfo_res:
        table = _lfo_columns(lfo_res).join(table)
    table.index.name = "variant"
    width = table.filter(like="width[").rename(columns=lambda c: c[6:-1])
    return Comparison(
        table=table,
        fits=fits,
        noise=pd.concat(noise).reset_index().set_index(["variant", "parameter"]),
        band_width=width,
        sensitivity=pd.concat(sens).rename_axis("parameter").reset_index()
        .set_index(["variant", "parameter"]),
        prior_checks=pd.concat(checks)[["variant", *checks[0].columns[:-1]]].reset_index(drop=True),
        bands=bands,
        lfo=lfo_res,
        loo=loo,
        settings=settings,
    )


CORR = re.compile(r"^chol_state_corr\[(\d+), (\d+)\]$")


def _namer(factors):
    """``chol_state_corr[i, j]`` -> ``corr[<factor i>, <factor j>]``; other labels unchanged."""

    def name(label):
        m = CORR.match(str(label))
        if m is None:
            return label
        return f"corr[{factors[int(m.group(1))]}, {factors[int(m.group(2))]}]"

    return name


def _informative(label: str) -> bool:
    """False for the redundant entries of a correlation matrix (diagonal, upper triangle)."""
    m = CORR.match(str(label))
    return m is None or int(m.group(1)) > int(m.group(2))


@contextlib.contextmanager
def _quiet(logger: str):
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _lfo_columns(lfo_res) -> pd.DataFrame:
    import arviz as az

    cols = {}
    for name, r in lfo_res.items():
        k = np.asarray(r.pareto_k) if r.pareto_k is not None else np.array([np.nan])
        cols[name] = {"elpd_lfo": float(r.elpd), "se_lfo": float(r.se),
                      "n_refits": int(r.n_refits),
                      "max_pareto_k": float(np.nanmax(k)) if np.isfinite(k).any() else np.nan}
    out = pd.DataFrame.from_dict(cols, orient="index")
    if len(lfo_res) > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cmp = az.compare(lfo_res, method="stacking", round_to="none")
        out["elpd_diff"] = cmp["elpd_diff"].astype(float)
        out["se_diff"] = cmp["dse"].astype(float)
        out["weight"] = cmp["weight"].astype(float).round(6)  # the optimiser leaves ~1e-16
    else:
        out["elpd_diff"], out["se_diff"], out["weight"] = 0.0, 0.0, 1.0
    order = ["elpd_lfo", "se_lfo", "elpd_diff", "se_diff", "weight", "n_refits", "max_pareto_k"]
    return out[order].sort_values("elpd_lfo", ascending=False)


def _noise_table(fit, prior: dict, prob: float) -> pd.DataFrame:
    """Posterior summary of each noise parameter (constant entries dropped) + prior interval."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = fit.summary(prob=prob)
    s = s[[_informative(p) for p in s.index]]
    keep = [c for c in ("mean", "sd", "lower", "upper", "ess_bulk", "r_hat") if c in s]
    p = prior_intervals(prior, fit.design, prob).add_prefix("prior_")
    return s[keep].join(p).rename(index=_namer(fit.design.factors)).rename_axis("parameter")
