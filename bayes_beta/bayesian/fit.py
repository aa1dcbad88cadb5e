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
from bayes_beta.bayesian.intervals import SAMPLE_DIMS, describe, interval_table
from bayes_beta.bayesian.model import Setup, model_from_design, model_setup
from bayes_beta.bayesian.tree import assemble_tree
from bayes_beta.data.design import Design, make_design
from bayes_beta.specs.options import DEFAULT_VOLATILITY, ModelOptions
from bayes_beta.specs.priors import PriorVariant, get_variant

__all__ = ["Fit", "fit", "fit_design", "fit_spec", "load_fit", "sample"]

SOURCES = {"smoothed": "path", "filtered": "filtered_draw"}


@dataclass(eq=False)
class Fit:
    r"""A Bayesian fit of time-varying exposures: the posterior and what is derived from it.

    A ``Fit`` holds the DataTree of a fit of

    .. math::

        y_t = H_t \beta_t + \varepsilon_t, \quad \varepsilon_t \sim N(0, R_t), \qquad
        \beta_t = T \beta_{t-1} + c + \eta_t, \quad \eta_t \sim N(0, Q),

    with the design (data arrays and settings), the prior variant, the model options and the
    sampler diagnostics. It offers summaries (:meth:`summary`, :meth:`bands`,
    :meth:`variance_decomposition`, :meth:`volatility`), forecasts (:meth:`forecast`), return
    attribution (:meth:`attribution`), one-step model checks (:meth:`checks`), figures (the
    ``plot_*`` methods) and an exact netCDF round trip (:meth:`save`,
    :func:`bayes_beta.load_fit`). Fits are made by :func:`bayes_beta.fit`,
    :func:`bayes_beta.sample` and :func:`bayes_beta.fit_spec`, not by hand. Two fits are equal
    (``==``) when their prior variants, options, design settings, data fingerprints and trees
    (attributes included) are identical.

    Parameters
    ----------
    tree : xarray.DataTree
        The DataTree: groups ``posterior``, ``sample_stats``, ``log_likelihood`` (the one-step
        predictive density of each observed step; dims chain, draw, time), ``log_prior``,
        ``observed_data``, ``constant_data`` and ``exposures`` (per path draw: a joint smoothed
        ``path`` and a real-time ``filtered_draw``; over draws: the smoothed and filtered means
        and the variance split).
    design : bayes_beta.data.Design
        The data arrays (``y``, ``H``, dates, initial state, prior units) and settings.
    variant : bayes_beta.PriorVariant
        The prior variant.
    options : bayes_beta.ModelOptions, optional
        The model options (dynamics, likelihood, volatility); default ``ModelOptions()``.
    problems : list of str, optional
        The sampler diagnostics: one sentence per problem found by
        :func:`bayes_beta.bayesian.check_sampling` (empty when none).

    See Also
    --------
    bayes_beta.fit : Fit exposures and return a ``Fit``.
    bayes_beta.load_fit : Read a fit written by :meth:`save`.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> fit
    Fit(Util on ['Mkt-RF'], priors='default', volatility='garch', 1 chains x 50 draws,
        260 steps, ... sampler warnings)
    >>> sorted(fit.tree.children)
    ['constant_data', 'exposures', 'log_likelihood', 'log_prior', 'observed_data', 'posterior',
     'sample_stats']
    >>> fit.design.target, fit.design.factors, fit.variant.name
    ('Util', ('Mkt-RF',), 'default')
    >>> fit.options
    ModelOptions(dynamics='random_walk', likelihood='fused', volatility='garch')
    >>> all(isinstance(p, str) for p in fit.problems)
    True
    """

    tree: xr.DataTree
    design: Design
    variant: PriorVariant
    options: ModelOptions = field(default_factory=ModelOptions)
    problems: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ summaries
    @property
    def noise_vars(self) -> list[str]:
        """The noise parameters in the posterior, by name, in the model's order.

        The state noise sds ``sigma_state`` and the observation noise sd ``sigma_obs``, then, as
        the model has them, ``phi``, ``mu``, ``b0``, ``chol_state_corr`` and the scalar
        parameters of the volatility model (e.g. ``garch_persistence``, ``garch_alpha``,
        ``garch_gamma``). These are the parameters that :meth:`summary`, :meth:`prior_draws`
        and :meth:`plot_noise` show and :func:`bayes_beta.bayesian.check_sampling` checks.

        Returns
        -------
        list of str
            Names of variables of ``tree["posterior"]``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fit.noise_vars
        ['sigma_state', 'sigma_obs', 'garch_persistence', 'garch_alpha', 'garch_gamma']
        """
        return noise_var_names(self.tree["posterior"].to_dataset())

    def summary(self, prob: float = 0.9, kind: str = "eti") -> pd.DataFrame:
        """ArviZ summary of the noise parameters: mean, sd, interval, ESS, r_hat.

        One row per scalar entry of the :attr:`noise_vars` (a parameter with a ``factor`` dim
        has one row per factor, e.g. ``sigma_state[Mkt-RF]``), computed by ``arviz.summary``
        over every posterior draw.

        Parameters
        ----------
        prob : float, default 0.9
            Probability of the credible interval, strictly between 0 and 1 (0.9 like every
            band and table of the package; it was 0.94, ArviZ's default, before 0.9).
        kind : {"eti", "hdi"}, default "eti"
            Equal-tailed or highest-density interval.

        Returns
        -------
        pandas.DataFrame
            Columns ``mean``, ``sd``, the interval's bounds ``lower`` and ``upper``,
            ``ess_bulk``, ``ess_tail``, ``r_hat``, ``mcse_mean`` and ``mcse_sd``; ``attrs``
            ``prob`` and ``kind``. ArviZ's names of the bounds (``eti90_lb``, ``eti90_ub``)
            still select them, with a ``FutureWarning``
            (:class:`~bayes_beta.bayesian.intervals.IntervalTable`).

        Raises
        ------
        bayes_beta.ArgumentError
            If ``prob`` is not strictly between 0 and 1 or ``kind`` is not ``"eti"`` or
            ``"hdi"``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> table = fit.summary(prob=0.9)
        >>> table.index.tolist()
        ['sigma_state[Mkt-RF]', 'sigma_obs', 'garch_persistence', 'garch_alpha', 'garch_gamma']
        >>> table.columns.tolist()[:4]
        ['mean', 'sd', 'lower', 'upper']
        """
        import arviz as az

        check_bands_args(prob, kind)
        table = az.summary(self.tree, var_names=self.noise_vars, ci_prob=prob, ci_kind=kind)
        bound = {c: "lower" if c.endswith("_lb") else "upper" for c in table.columns
                 if c.endswith(("_lb", "_ub"))}
        return interval_table(table, bound, prob, kind)

    def bands(self, prob: float = 0.9, kind: str = "eti", source: str = "smoothed") -> xr.Dataset:
        r"""Exposure bands (dims time x factor): ``mean``, ``median``, ``lower``, ``upper``.

        For every date :math:`t` and factor :math:`k`: the mean, the median and the ``prob``
        interval of the exposure :math:`\beta_{t,k}` over the draws kept for exposure paths
        (each a posterior draw :math:`\theta^{(s)}` with its own state draw).
        ``source="smoothed"`` uses the joint path draws
        :math:`\beta^{(s)}_{1:n} \sim p(\beta_{1:n} \mid \theta^{(s)}, y_{1:n})` (all data,
        state and parameter uncertainty); ``"filtered"`` the real-time draws of
        :math:`\beta_t` given :math:`y_{1:t}` (data up to ``t`` only).

        Parameters
        ----------
        prob : float, default 0.9
            Probability of the band, strictly between 0 and 1.
        kind : {"eti", "hdi"}, default "eti"
            ``"eti"`` (equal-tailed) or ``"hdi"`` (highest density).
        source : {"smoothed", "filtered"}, default "smoothed"
            The draws the bands are made of, as above.

        Returns
        -------
        xarray.Dataset
            Variables ``mean``, ``median``, ``lower``, ``upper``, dims (time, factor); ``attrs``
            hold ``prob``, ``kind`` and ``source``.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``prob``, ``kind`` or ``source`` is not one of the values above.

        See Also
        --------
        plot_exposures : Fan chart of these bands.
        variance_decomposition : How much of the bands' variance the parameters make.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> bands = fit.bands(0.9)
        >>> dict(bands.sizes), sorted(bands.data_vars)
        ({'time': 260, 'factor': 1}, ['lower', 'mean', 'median', 'upper'])
        >>> bool((bands["lower"] <= bands["upper"]).all())
        True
        >>> fit.bands(0.5, kind="hdi", source="filtered").attrs
        {'prob': 0.5, 'kind': 'hdi', 'source': 'filtered'}
        """
        check_bands_args(prob, kind, source, SOURCES)
        out = describe(self.tree["exposures"][SOURCES[source]], prob, kind)
        out.attrs.update(prob=prob, kind=kind, source=source)
        return out.transpose("time", "factor")

    def variance_decomposition(self, source: str = "smoothed", by_time: bool = False):
        r"""Split of the exposure variance by the law of total variance.

        ``total = parameter + state``, with

        .. math::

            \operatorname{Var}(\beta_t \mid y) =
            \underbrace{\operatorname{Var}_\theta(E[\beta_t \mid \theta, y])}_{\text{parameter}}
            + \underbrace{E_\theta(\operatorname{Var}(\beta_t \mid \theta, y))}_{\text{state}},

        the first from the spread of the per-draw filter or smoother means, the second the
        average of their variances over the draws (``y`` is :math:`y_{1:t}` for the filtered
        source).

        Parameters
        ----------
        source : {"smoothed", "filtered"}, default "smoothed"
            Split the variance of the smoothed or of the filtered (real-time) exposures.
        by_time : bool, default False
            One row per (time, factor) instead of the average over time per factor.

        Returns
        -------
        pandas.DataFrame
            Index ``factor`` (averaged over time), or (``time``, ``factor``) with
            ``by_time=True``; columns ``parameter_var``, ``state_var``, ``total_var`` and
            ``parameter_share`` (``parameter_var / total_var``).

        Raises
        ------
        bayes_beta.ArgumentError
            If ``source`` is not ``"smoothed"`` or ``"filtered"``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> split = fit.variance_decomposition()
        >>> split.columns.tolist(), split.index.tolist()
        (['parameter_var', 'state_var', 'total_var', 'parameter_share'], ['Mkt-RF'])
        >>> bool(((split["parameter_share"] >= 0) & (split["parameter_share"] <= 1)).all())
        True
        >>> fit.variance_decomposition("filtered", by_time=True).shape
        (260, 4)
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
        r"""Bands of the observation volatility ``sqrt(R_t)`` over time (dims ``time``).

        For every date the mean, the median and the ``prob`` interval over the posterior draws
        of :math:`\sqrt{R_t}`, annualised (:math:`\times \sqrt{\text{steps per year}}`) by
        default. The draws are the posterior's ``volatility`` (stochastic, Student-t and known
        variances), the propagated GARCH path (``exposures["volatility"]``, which depends on the
        filter), or ``sigma_obs`` repeated over time: constant for ``volatility="constant"``.

        Parameters
        ----------
        prob : float, default 0.9
            Probability of the band, strictly between 0 and 1.
        annualize : bool, default True
            Multiply by :math:`\sqrt{\text{steps per year}}` (e.g. :math:`\sqrt{52.18}` for
            weekly data).
        kind : {"eti", "hdi"}, default "eti"
            Equal-tailed or highest-density interval.

        Returns
        -------
        xarray.Dataset
            Variables ``mean``, ``median``, ``lower``, ``upper`` (dims ``time``); ``attrs`` hold
            ``prob``, ``kind``, ``annualized`` and the ``volatility`` model.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``prob`` is not strictly between 0 and 1 or ``kind`` is not ``"eti"`` or
            ``"hdi"``.

        See Also
        --------
        plot_volatility : Fan chart of these bands.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> vol = fit.volatility(0.9)
        >>> dict(vol.sizes), sorted(vol.data_vars)
        ({'time': 260}, ['lower', 'mean', 'median', 'upper'])
        >>> vol.attrs["volatility"], vol.attrs["annualized"]
        ('garch', True)
        """
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
        out = describe(draws, prob, kind)
        out.attrs.update(prob=prob, kind=kind, annualized=bool(annualize),
                         volatility=self.options.volatility)
        return out

    def drift_evidence(self, threshold=None, prob: float = 0.9, *,
                       level: float = 0.1, prior_draws: int = 4000,
                       seed: int = 0) -> pd.DataFrame:
        r"""Which exposures really move: the evidence per factor on the drift of its exposure.

        The yearly drift of exposure :math:`k` is
        :math:`d_k = \sigma_{\mathrm{state},k} \sqrt{s}` with :math:`s` steps per year: the sd
        of a year's change of a random-walk exposure, in beta units per year. Per factor: its
        posterior mean and ``prob`` interval, the posterior probability that it is negligible
        (:math:`d_k <` ``threshold``), that probability under the prior, and a verdict
        (:mod:`bayes_beta.bayesian.drift`). The verdicts read the posterior: with few data, the
        prior (``prior_p_negligible``) decides much of it.

        Parameters
        ----------
        threshold : float or dict, optional
            A negligible yearly drift, in beta units per year: one number for every factor, or a
            dict factor -> number. Default: ``0.05 x sd(y) / sd(H_k)``, a drift that moves the
            factor's part of the return by less than 5% of the fund's return sd in a year
            (0.05 beta per year for a fund as volatile as the factor); scale-aware, so factors
            in other units (yield changes in percentage points) get their own.
        prob : float, default 0.9
            Probability of the interval of the drift.
        level : float, default 0.1
            ``"static"`` when ``p_negligible >= 1 - level``, ``"drifting"`` when
            ``p_negligible <= level``, ``"unclear"`` between (below 0.5).
        prior_draws : int, default 4000
            Draws of the prior for ``prior_p_negligible``.
        seed : int, default 0
            Seed of the prior draws.

        Returns
        -------
        pandas.DataFrame
            Index ``factor``; columns ``drift`` (posterior mean), ``lower``, ``upper``,
            ``threshold``, ``p_negligible``, ``prior_p_negligible`` and ``verdict``; ``attrs``
            ``prob``, ``level`` and ``steps_per_year``.

        Raises
        ------
        bayes_beta.ArgumentError
            If a ``threshold`` is not positive (or a dict misses a factor), ``prob`` is not in
            (0, 1) or ``level`` not in (0, 0.5).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> table = fit.drift_evidence()
        >>> table.columns.tolist()
        ['drift', 'lower', 'upper', 'threshold', 'p_negligible', 'prior_p_negligible', 'verdict']
        >>> bool(0 <= table.loc["Mkt-RF", "p_negligible"] <= 1)
        True
        """
        from bayes_beta.bayesian.drift import drift_evidence

        return drift_evidence(self, threshold, prob, level, prior_draws, seed)

    def forecast(self, steps: int | None = None, factors=None, *, prob: float = 0.9,
                 seed=None) -> xr.Dataset:
        r"""Forecast the exposures, and the fund's return given future factor returns.

        Exposures ``steps`` ahead, or exposures and the fund's return over the dates of
        ``factors`` (future factor returns), per posterior draw with ``prob`` bands.

        For every posterior draw kept for exposure paths, the filter's last state
        :math:`\beta_n \mid y_{1:n} \sim N(b_n, P_n)` is pushed through the state equation:
        :math:`h` steps ahead the exposures have

        .. math::

            E[\beta_{n+h}] = T^h b_n + \sum_{j<h} T^j c, \qquad
            \operatorname{Cov}(\beta_{n+h}) = T^h P_n T^{h\prime}
            + \sum_{j<h} T^j Q T^{j\prime},

        and one joint future is simulated per draw (the bands). Given factor returns (a
        scenario or realised data), the fund's return
        :math:`y_{n+h} = H_{n+h} \beta_{n+h} + \varepsilon_{n+h}` is simulated with the draw's
        observation variance: constant; GARCH(1, 1) on the filter's own innovations (the filter
        runs on through the simulated returns); Student-t scales
        :math:`\lambda \sim \text{InvGamma}(\nu/2, \nu/2)` drawn afresh; stochastic
        volatility's AR(1) log-variance continued from its last value; ``known`` multipliers
        read from the scenario's column. The bands therefore carry parameter, state and
        observation uncertainty. The dates continue the fit's at its frequency (see
        :func:`bayes_beta.bayesian.forecast.forecast`).

        Parameters
        ----------
        steps : int, optional
            Steps ahead (exposures only). With ``factors`` it may be given and must equal the
            number of rows.
        factors : pandas.DataFrame, optional
            Future factor returns over dates after the fit's last date, with the fit's factor
            columns (and the variance-multiplier column for ``volatility="known"``): a scenario
            or realised data. Then the fund's return is forecast too.
        prob : float, default 0.9
            Probability of the equal-tailed bands, strictly between 0 and 1.
        seed : int or numpy.random.Generator, optional
            Seed of the simulated futures (``numpy.random.default_rng``).

        Returns
        -------
        xarray.Dataset
            Per draw ``exposure`` (chain, draw, time, factor) and, with ``factors``, ``return``
            (chain, draw, time); over the draws ``exposure_mean`` (the exact mean),
            ``exposure_sd``, ``exposure_lower``/``exposure_upper`` (equal-tailed ``prob`` bands
            of the simulated futures) and ``return_mean``/``return_lower``/``return_upper``.
            ``attrs`` hold ``prob``, ``steps``, ``last_date`` and ``volatility``.

        Raises
        ------
        bayes_beta.ArgumentError
            If neither ``steps`` nor ``factors`` is given, ``steps`` is not a positive integer
            or disagrees with ``factors``, ``factors`` is not a DataFrame or starts on or before
            the fit's last date, ``volatility="known"`` lacks its multiplier column, or ``prob``
            is not strictly between 0 and 1.
        bayes_beta.ColumnError
            If ``factors`` lacks one of the fit's factor columns.
        bayes_beta.DataError
            If ``factors`` is not a valid time-indexed frame (see
            :func:`bayes_beta.validate_frame`).

        See Also
        --------
        plot_forecast : Fan chart of the forecast after the smoothed bands.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fc = fit.forecast(steps=4, seed=0)
        >>> dict(fc.sizes)
        {'chain': 1, 'draw': 50, 'time': 4, 'factor': 1}
        >>> fc["time"].dt.strftime("%Y-%m-%d").values.tolist()  # the fit ends on 2017-03-31
        ['2017-04-07', '2017-04-14', '2017-04-21', '2017-04-28']

        A scenario: the market falls 5% in the first week, then recovers.

        >>> import pandas as pd
        >>> weeks = pd.date_range("2017-04-07", periods=4, freq="W-FRI")
        >>> scenario = pd.DataFrame({"Mkt-RF": [-0.05, 0.0, 0.01, 0.02]}, index=weeks)
        >>> fc = fit.forecast(factors=scenario, seed=0)
        >>> fc["return"].dims, fc["return_mean"].dims
        (('chain', 'draw', 'time'), ('time',))
        >>> fit.forecast()
        Traceback (most recent call last):
        ...
        bayes_beta.errors.ArgumentError: forecast needs steps=h (exposures only) or ...
        """
        from bayes_beta.bayesian.forecast import forecast

        return forecast(self, steps, factors, prob=prob, seed=seed)

    def attribution(self, freq: str | None = None, source: str = "smoothed",
                    prob: float = 0.9) -> xr.Dataset:
        r"""Attribute the fund's return to the factors, per draw and period, with bands.

        Each factor's contribution ``H_{t,k} beta_{t,k}`` to the return (and the time-varying
        alpha, and the residual), per draw of the ``source`` paths, summed over the periods of
        ``freq``, with ``prob`` bands and each factor's share of the explained variance.

        Per draw :math:`s` and step :math:`t` the observed return splits exactly into

        .. math::

            y_t = \sum_k H_{t,k} \beta^{(s)}_{t,k} \; [+ \alpha^{(s)}_t] + e^{(s)}_t,

        with :math:`\beta^{(s)}` a joint smoothed path draw (``source="smoothed"``) or a
        real-time draw (``"filtered"``), :math:`\alpha` the time-varying intercept when the
        model has one and :math:`e` the residual. Contributions are summed over the periods
        (returns add over a period, as a simple-return approximation), then summarised over the
        draws. A factor's share of the explained variance in a period is
        :math:`\operatorname{Cov}(c_k, f) / \operatorname{Var}(f)` over the period's steps, with
        :math:`f = \sum_k c_k` the fitted part (shares add to 1; NaN for a period of fewer than
        3 steps). Steps where the return or a factor return is missing are left out (see
        :func:`bayes_beta.bayesian.attribution.attribute`).

        Parameters
        ----------
        freq : {None, "M", "Q", "Y"}, optional
            ``None`` (default): every step; ``"M"``, ``"Q"``, ``"Y"``: calendar months,
            quarters, years.
        source : {"smoothed", "filtered"}, default "smoothed"
            The exposure draws: joint smoothed paths or real-time draws.
        prob : float, default 0.9
            Probability of the equal-tailed bands, strictly between 0 and 1.

        Returns
        -------
        xarray.Dataset
            ``contribution`` (chain, draw, period, component), the components being the factors
            (``alpha`` first with an intercept) and ``residual``; over the draws ``mean``,
            ``lower``, ``upper`` and ``cumulative`` (period, component); ``observed``
            (period), the summed returns; ``share_mean``, ``share_lower``, ``share_upper``
            (period, factor_share). ``period`` holds each period's end date; ``attrs`` hold
            ``prob``, ``freq`` (``"step"`` for ``None``) and ``source``.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``freq``, ``source`` or ``prob`` is not one of the values above.

        See Also
        --------
        plot_attribution : Bars and cumulative contributions of the result.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> att = fit.attribution("Q")
        >>> att["component"].values.tolist(), dict(att["mean"].sizes)
        (['Mkt-RF', 'residual'], {'period': 20, 'component': 2})
        >>> import numpy as np
        >>> bool(np.allclose(att["contribution"].sum("component"), att["observed"]))
        True
        """
        from bayes_beta.bayesian.attribution import attribute

        check_bands_args(prob, "eti", source, SOURCES)
        paths = self.tree["exposures"][SOURCES[source]]
        ds = attribute(paths, self.design.H, self.design.y, self.design.factors,
                       intercept=self.design.intercept, freq=freq, prob=prob)
        ds.attrs["source"] = source
        return ds

    def checks(self, probs=(0.5, 0.9), alpha: float = 0.05, draws: int = 500, seed=0):
        r"""One-step model checks: PIT, interval coverage by year, CUSUM tests.

        PIT values, coverage of the ``probs`` predictive intervals by year, standardised
        innovations with CUSUM and CUSUM-of-squares bounds at ``alpha``.

        For each of ``draws`` posterior draws the filter gives the one-step predictive
        :math:`N(y_t - v_t, S_t)` of :math:`y_t` given :math:`y_{1:t-1}`, with the variance
        each volatility model predicts before seeing :math:`y_t`. Over the draws it is a
        mixture; its CDF at the observed :math:`y_t` is the PIT :math:`u_t` (uniform if the
        model is right) and :math:`z_t = \Phi^{-1}(u_t)` the standardised innovation. A
        ``prob`` interval covers :math:`y_t` when :math:`(1 - p)/2 \le u_t \le (1 + p)/2`.
        CUSUM and CUSUM of squares of :math:`z_t` (after the first ``K`` steps) are tested
        with Brown-Durbin-Evans and Edgerton-Wells bounds (see
        :mod:`bayes_beta.bayesian.checks`).

        Parameters
        ----------
        probs : sequence of float, default (0.5, 0.9)
            Probabilities of the central one-step intervals whose coverage is counted; the
            summary reports the last.
        alpha : {0.10, 0.05, 0.01}, default 0.05
            Significance level of the CUSUM bounds.
        draws : int, default 500
            Posterior draws used, evenly thinned (all when there are fewer).
        seed : int, default 0
            Seed of the Student-t and stochastic-volatility variance draws.

        Returns
        -------
        bayes_beta.bayesian.checks.ModelChecks
            The PIT, ``z``, the coverage table, the CUSUM table and a summary; ``.plot()``
            draws them.

        Raises
        ------
        bayes_beta.ArgumentError
            If a ``probs`` entry is not strictly between 0 and 1, ``draws`` is not a positive
            integer or ``alpha`` is not one of the levels above.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> checks = fit.checks()
        >>> checks.coverage.columns.tolist(), checks.coverage.index[-1]
        (['50%', '90%'], 'all')
        >>> sorted(checks.summary)
        ['coverage_90%', 'cusum_outside', 'cusum_squares_outside', 'kurtosis', 'ljung_box_6',
         'log_score']
        """
        from bayes_beta.bayesian.checks import model_checks

        return model_checks(self, probs, alpha, draws, seed)

    # ------------------------------------------------------------------ plots
    def plot_attribution(self, attribution: xr.Dataset):
        """Plot an attribution: contributions per period with bands, and cumulated.

        Per-period contributions with their bands (bars), and cumulative contributions over
        time, of an :meth:`attribution` result.

        Parameters
        ----------
        attribution : xarray.Dataset
            A result of :meth:`attribution`.

        Returns
        -------
        matplotlib.figure.Figure
            Two panels: the bars and the cumulative contributions.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = fit.plot_attribution(fit.attribution("Y"))
        >>> len(fig.axes)
        2
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from bayes_beta.plots.attribution import plot_attribution

        return plot_attribution(attribution)

    def plot_forecast(self, forecast: xr.Dataset, history: int = 104):
        """Fan chart of a forecast, continuing the last smoothed exposure bands.

        The last ``history`` steps' smoothed bands at the forecast's probability, continued by
        the forecast's bands (one panel per factor, and the return when given).

        Parameters
        ----------
        forecast : xarray.Dataset
            A result of :meth:`forecast` (its ``attrs["prob"]`` sets the bands' probability).
        history : int, default 104
            How many of the last steps of the smoothed bands are drawn before the forecast.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per factor, and one for the return when the forecast has it.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = fit.plot_forecast(fit.forecast(steps=13, seed=0), history=52)
        >>> len(fig.axes)
        1
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from bayes_beta.plots.exposures import plot_forecast

        bands = self.bands(forecast.attrs["prob"]).isel(time=slice(-history, None))
        return plot_forecast(bands, forecast)

    def plot_exposures(self, probs=(0.5, 0.8, 0.95), source: str = "smoothed", kind: str = "eti"):
        """Fan chart per factor over real dates, with the full-sample OLS beta for reference.

        Nested :meth:`bands` (widest first) and the median, one panel per factor; the OLS beta
        of the whole sample is drawn dashed.

        Parameters
        ----------
        probs : sequence of float, default (0.5, 0.8, 0.95)
            Probabilities of the nested bands.
        source : {"smoothed", "filtered"}, default "smoothed"
            Smoothed (all data) or real-time exposures, as in :meth:`bands`.
        kind : {"eti", "hdi"}, default "eti"
            Equal-tailed or highest-density bands.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per factor.

        Raises
        ------
        bayes_beta.ArgumentError
            If a probability, ``source`` or ``kind`` is invalid (as in :meth:`bands`).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = fit.plot_exposures(probs=(0.5, 0.9))
        >>> len(fig.axes), fig.axes[0].get_title()
        (1, 'Util: smoothed exposures')
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from bayes_beta.plots.exposures import plot_fan

        bands = [self.bands(p, kind=kind, source=source) for p in sorted(probs, reverse=True)]
        ols = dict(zip(self.design.factors, self.design.ols, strict=True))
        return plot_fan(bands, reference=ols, title=f"{self.design.target}: {source} exposures")

    def prior_draws(self, draws: int = 2000, seed: int = 0) -> dict:
        """Draws of the noise parameters from their prior (name -> array, draws first).

        The model is rebuilt from the fit's design, prior variant and options, and each of the
        :attr:`noise_vars` is drawn from its prior (``pymc.draw``).

        Parameters
        ----------
        draws : int, default 2000
            Number of draws.
        seed : int, default 0
            Random seed.

        Returns
        -------
        dict of str to numpy.ndarray
            One array per noise parameter, shape ``(draws,)`` or ``(draws, K)``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> prior = fit.prior_draws(draws=100)
        >>> {name: values.shape for name, values in prior.items()}
        {'sigma_state': (100, 1), 'sigma_obs': (100,), 'garch_persistence': (100,),
         'garch_alpha': (100,), 'garch_gamma': (100,)}
        """
        import pymc as pm

        model = model_from_design(self.design, self.variant, self.options)
        names = self.noise_vars
        with model:
            values = pm.draw([model[n] for n in names], draws=draws, random_seed=seed)
        return dict(zip(names, values, strict=True))

    def plot_noise(self, prior_draws: int = 2000, seed: int = 0):
        """Posterior of each noise parameter with its prior.

        A histogram of the posterior draws of every scalar entry of the :attr:`noise_vars`
        over draws from its prior (:meth:`prior_draws`).

        Parameters
        ----------
        prior_draws : int, default 2000
            Number of prior draws.
        seed : int, default 0
            Seed of the prior draws.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per scalar noise parameter.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = fit.plot_noise(prior_draws=200)
        >>> len(fig.axes) == len(fit.summary())
        True
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from bayes_beta.plots.exposures import plot_posterior_prior

        prior = self.prior_draws(prior_draws, seed)
        post = self.tree["posterior"].to_dataset()
        posterior = {n: post[n].stack(sample=SAMPLE_DIMS).transpose("sample", ...).values
                     for n in prior}
        coords = {n: [str(c) for c in post[n]["factor"].values] if "factor" in post[n].dims
                  else [""] for n in prior}
        return plot_posterior_prior(posterior, prior, coords)

    def plot_volatility(self, probs=(0.5, 0.9)):
        """Fan chart of the annualised observation volatility over time.

        Nested :meth:`volatility` bands (widest first) and their median.

        Parameters
        ----------
        probs : sequence of float, default (0.5, 0.9)
            Probabilities of the nested bands.

        Returns
        -------
        matplotlib.figure.Figure
            One panel.

        Raises
        ------
        bayes_beta.ArgumentError
            If a probability is not strictly between 0 and 1.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = fit.plot_volatility()
        >>> fig.axes[0].get_title()
        'Util: observation volatility (garch)'
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from bayes_beta.plots.exposures import plot_volatility

        bands = [self.volatility(p) for p in sorted(probs, reverse=True)]
        return plot_volatility(bands, title=f"{self.design.target}: observation volatility "
                                            f"({self.options.volatility})")

    def plot_filtered_vs_smoothed(self, prob: float = 0.9):
        """Real-time (filtered) and smoothed exposure bands, one panel per factor.

        The filtered bands use data up to each date only; the smoothed ones all data (see
        :meth:`bands`).

        Parameters
        ----------
        prob : float, default 0.9
            Probability of both bands.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per factor.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``prob`` is not strictly between 0 and 1.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> fig = fit.plot_filtered_vs_smoothed(0.8)
        >>> len(fig.axes)
        1
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from bayes_beta.plots.exposures import plot_two_bands

        return plot_two_bands(self.bands(prob, source="filtered"),
                              self.bands(prob, source="smoothed"))

    # ------------------------------------------------------------------ io
    def save(self, path) -> None:
        """Write the fit to one netCDF file, atomically (see :mod:`bayes_beta.bayesian.io`).

        The file (netCDF4 via h5netcdf) holds the whole DataTree, with the design settings, the
        model options, the prior variant, the data fingerprint and the sampler diagnostics in
        its attributes; :func:`bayes_beta.load_fit` reads it back into an equal ``Fit``. It is
        written under a temporary name next to ``path`` and renamed over it, so a failed save
        leaves any earlier file intact and no partial file behind.

        Parameters
        ----------
        path : str or pathlib.Path
            The file to write (e.g. ``"util.nc"``); its folder must exist.

        Raises
        ------
        bayes_beta.ArgumentError
            If ``path`` is not a file name, is a folder, or its folder does not exist.
        bayes_beta.DataError
            If the folder cannot be written to.

        See Also
        --------
        bayes_beta.load_fit : Read the file back.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
        >>> import tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     fit.save(Path(folder) / "util.nc")
        ...     bb.load_fit(Path(folder) / "util.nc") == fit
        True
        """
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
        extra=(variant.structure(), repr(options), design.initial, design.intercept), cores=cores)
    tree = assemble_tree(groups, setup, model, seed=seed, sampler=sampler, path_draws=path_draws)
    problems = check_sampling(tree, warn=check) if check else []
    return Fit(tree, design, variant, options, problems)


def sample(model, *, draws: int = 1000, tune: int = 1000, chains: int = 4,
           seed: int | None = None, sampler: str = "nutpie", progress: bool = True,
           target_accept: float | None = None, check: bool = True, path_draws: int | str | None = None) -> Fit:
    """Sample a model from :func:`bayes_beta.build_model` (possibly extended) into a :class:`Fit`.

    NUTS samples the model's posterior; the draws are then propagated through the Kalman filter,
    smoother and path draws into the fit's DataTree (exposure paths, log-likelihood, log-prior),
    and the sampler's diagnostics are checked. The model is compiled once per model shape and
    reused for any data of that shape (:mod:`bayes_beta.bayesian.sampling`).

    Parameters
    ----------
    model : pymc.Model
        A model made by :func:`bayes_beta.build_model`, possibly extended (``with model:
        ...``).
    draws : int, default 1000
        Posterior draws per chain (>= 1).
    tune : int, default 1000
        Warm-up draws per chain (>= 1: nutpie adapts its step size in warm-up).
    chains : int, default 4
        Number of chains (>= 1).
    seed : int, optional
        Random seed (>= 0); the same seed gives the same draws. None (default): a fresh seed is
        drawn and recorded in ``fit.tree.attrs['seed']``; pass it back to repeat the fit.
    sampler : {"nutpie", "pymc"}, default "nutpie"
        nutpie's NUTS, or PyMC's own as a fallback.
    progress : bool, default True
        Show the sampler's progress bar.
    target_accept : float, optional
        NUTS's target acceptance rate in (0, 1); by default the model options' (0.8, or 0.9
        for ``volatility="stochastic"`` and ``"student_t"``).
    check : bool, default True
        Check the diagnostics (divergences, r_hat > 1.01, low ESS, low BFMI), warn about the
        problems and keep them in ``fit.problems``.
    path_draws : int or "all", optional
        How many posterior draws (over all chains, evenly thinned) are propagated to exposure
        paths: by default about 1,000 (all when there are fewer; the bands' Monte Carlo error
        is then 2% of a 90% band's width, see ``bayes_beta.bayesian.tree.PATH_DRAWS_AUTO``),
        ``"all"`` for every draw; without an integer, capped (with a warning) so that one
        per-draw exposure array stays under ``bayes_beta.bayesian.tree.PATH_VALUES_MAX``
        values. The posterior and the log-likelihood always keep every draw.

    Returns
    -------
    Fit
        The fit, with the model's design, prior variant and options.

    Raises
    ------
    bayes_beta.ArgumentError
        If a sampler setting is invalid (checked before any compilation or sampling).
    bayes_beta.SpecError
        If ``model`` was not made by :func:`bayes_beta.build_model`.

    Warns
    -----
    bayes_beta.SamplingWarning
        One per sampler problem found (with ``check=True``).

    See Also
    --------
    bayes_beta.build_model : The model to sample.
    bayes_beta.fit : Build and sample in one call.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> model = bb.build_model(df.iloc[-260:], "Util", ["Mkt-RF"])
    >>> fit = bb.sample(model, draws=50, tune=50, chains=1, seed=1)
    >>> fit
    Fit(Util on ['Mkt-RF'], priors='default', volatility='garch', 1 chains x 50 draws,
        260 steps, ... sampler warnings)

    It is the fit :func:`bayes_beta.fit` makes with the same data, settings and seed:

    >>> import numpy as np
    >>> same = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> draws = [f.tree["posterior"]["sigma_obs"].values for f in (fit, same)]
    >>> bool(np.array_equal(*draws))
    True
    >>> import pymc as pm
    >>> bb.sample(pm.Model(), draws=50, tune=50, chains=1)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: This model was not made by bayes_beta.build_model; ...
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
    r"""Fit time-varying exposures of ``target`` on ``factors`` with NUTS and propagate them.

    The model (:func:`bayes_beta.build_model`) is the state-space regression

    .. math::

        y_t = H_t \beta_t + \varepsilon_t, \quad \varepsilon_t \sim N(0, R_t), \qquad
        \beta_t = T \beta_{t-1} + c + \eta_t, \quad \eta_t \sim N(0, Q),

    with ``y`` the target, ``H`` the factor returns (and a column of ones with an intercept),
    :math:`T = I, c = 0` for random-walk exposures. NUTS samples the noise parameters
    :math:`\theta` (the sds of :math:`Q`, :math:`R_t`'s model, ...) from

    .. math::

        p(\theta \mid y) \propto p(\theta) \prod_t N(y_t;\, H_t b_{t|t-1},\, S_t),

    the Kalman filter's marginal likelihood (the exposures integrated out exactly). Each kept
    posterior draw then goes through the filter, the smoother and a joint path draw, so the
    exposure bands carry parameter and state uncertainty. Sampler problems (divergences,
    r_hat > 1.01, low ESS, low BFMI) are warned about and kept in ``fit.problems``. The same
    ``seed`` gives the same fit. Every argument is checked before any compilation or sampling.

    Parameters
    ----------
    df : pandas.DataFrame
        Time-indexed frame with the target and factor columns (see
        :func:`bayes_beta.validate_frame`).
    target : str
        The column to explain (e.g. a fund's excess return).
    factors : str or list of str
        The factor columns.
    priors : str or bayes_beta.PriorVariant, default "default"
        ``"default"``, ``"tight"``, ``"loose"``, ``"correlated"`` or a
        :class:`~bayes_beta.PriorVariant`.
    draws : int, default 1000
        Posterior draws per chain.
    tune : int, default 1000
        Warm-up draws per chain (>= 1).
    chains : int, default 4
        Number of chains.
    seed : int, optional
        Random seed (>= 0); the same seed gives the same fit. None (default): a fresh seed is
        drawn and recorded in ``fit.tree.attrs['seed']``; pass it back to repeat the fit.
    sampler : {"nutpie", "pymc"}, default "nutpie"
        nutpie's NUTS, or PyMC's own as a fallback.
    progress : bool, default True
        Show the sampler's progress bar.
    target_accept : float, optional
        NUTS's target acceptance rate, by default 0.8, or 0.9 for
        ``volatility="stochastic"`` and ``"student_t"`` (``ModelOptions.target_accept``).
    intercept : bool, default False
        Add a time-varying alpha (a leading column of ones in ``H``).
    dynamics : {"random_walk", "mean_reverting"}, default "random_walk"
        ``T = I``, or ``T = diag(phi)`` around a long-run mean ``mu``.
    initial : str or tuple, default "ols"
        The initial state: ``"ols"``, ``"diffuse"``, ``"prior"`` or a given ``(b0, P0)`` (as in
        :func:`bayes_beta.build_model`).
    init_window : int, optional
        Complete rows of the OLS start (default ``max(4 K, 26)``).
    likelihood : {"fused", "scan"}, default "fused"
        The fused numba Op, or the pytensor scan graph (``volatility="constant"`` only).
    units : tuple, optional
        Fixed ``(y_unit, state_unit)`` for the priors instead of the data's.
    volatility : {"garch", "stochastic", "student_t", "known", "constant"}, default "garch"
        The observation-variance model (:mod:`bayes_beta.bayesian.volatility`).
    variance_multiplier : str, optional
        The column of ``df`` that ``volatility="known"`` scales the variance by.
    check : bool, default True
        Check the sampler's diagnostics and warn about problems.
    path_draws : int or "all", optional
        Posterior draws propagated to exposure paths, as in :func:`sample`.
    cores : int, optional
        Threads that run the chains (default: all cores).

    Returns
    -------
    Fit
        The fit: posterior, exposure paths, diagnostics.

    Raises
    ------
    bayes_beta.ArgumentError
        If a sampler setting is invalid (``draws``, ``tune``, ``chains``, ``cores`` integers
        >= 1, ``seed`` >= 0, ``target_accept`` in (0, 1), ``sampler``, ``path_draws``).
    bayes_beta.ColumnError
        If the target, a factor or the multiplier column is not in ``df``.
    bayes_beta.DataError
        If the data are unusable (see :func:`bayes_beta.make_design`).
    bayes_beta.SpecError
        If a model option, the prior variant or the initial state is invalid.

    Warns
    -----
    bayes_beta.SamplingWarning
        One per sampler problem found (with ``check=True``).

    See Also
    --------
    bayes_beta.build_model : The model alone, to extend and :func:`sample`.
    bayes_beta.fit_many : Many funds on dask.distributed.

    Examples
    --------
    A tiny fit (one chain of 50 draws: the sampler warns that it is too short):

    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> fit
    Fit(Util on ['Mkt-RF'], priors='default', volatility='garch', 1 chains x 50 draws,
        260 steps, ... sampler warnings)
    >>> dict(fit.tree["exposures"]["path"].sizes)
    {'chain': 1, 'draw': 50, 'time': 260, 'factor': 1}
    >>> bb.fit(df, "Util", ["Mkt-RF"], draws=0)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: draws must be an integer >= 1; got 0.
    >>> bb.fit(df, "Util", ["Mkt_RF"])
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ColumnError: data has no column 'Mkt_RF'. ...
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
    """Fit one prior variant of a :class:`~bayes_beta.ModelSpec` (the first by default).

    The spec's data are loaded (:meth:`bayes_beta.ModelSpec.load_data`) and fitted with its
    model and sampling settings; ``overrides`` replace any of them.

    Parameters
    ----------
    spec : bayes_beta.ModelSpec
        The spec, e.g. from :func:`bayes_beta.load_spec` (a TOML model file).
    variant : str, optional
        The name of one of the spec's prior variants; the first by default.
    **overrides
        Keywords of :func:`fit` that replace the spec's sampling or model settings. ``seed``
        defaults to the spec's ``[sampling]`` seed; None (default): a fresh seed is drawn and
        recorded in ``fit.tree.attrs['seed']``; pass it back to repeat the fit.

    Returns
    -------
    Fit
        The fit of the spec's target on its factors.

    Raises
    ------
    bayes_beta.SpecError
        If the spec has no variant ``variant`` or its data cannot be assembled.
    bayes_beta.ArgumentError
        If an override is invalid (as in :func:`fit`).

    See Also
    --------
    bayes_beta.load_spec : Read a model file.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> spec = bb.ModelSpec(name="util", data="example", target="Util", factors=["Mkt-RF"],
    ...                     start="2012-04-13")
    >>> fit = bb.fit_spec(spec, "default", draws=50, tune=50, chains=1, seed=1)
    >>> fit
    Fit(Util on ['Mkt-RF'], priors='default', volatility='garch', 1 chains x 50 draws, ...)
    """
    kwargs = {**spec.model_kwargs(), **spec.sampling_kwargs(), **overrides}
    return fit(spec.load_data(), spec.target, list(spec.factors), spec.variant(variant),
               **kwargs)


def load_fit(path) -> Fit:
    """Read a fit written by :meth:`Fit.save` (format and data fingerprint checked).

    The design is rebuilt from the file's ``observed_data`` and ``constant_data`` groups, so the
    fit read equals the one saved. Files of the 0.1 format load too; files written by a newer
    format are refused with the reason.

    Parameters
    ----------
    path : str or pathlib.Path
        A file written by :meth:`Fit.save`.

    Returns
    -------
    Fit
        The saved fit.

    Raises
    ------
    bayes_beta.DataError
        If there is no file at ``path``, it is a folder, truncated, not a netCDF file, not a
        bayes_beta fit, written by a newer format, or its data do not match the stored
        fingerprint (the file was edited after it was saved).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     fit.save(Path(folder) / "util.nc")
    ...     loaded = bb.load_fit(Path(folder) / "util.nc")
    >>> loaded == fit
    True
    >>> bb.load_fit("no-such-fit.nc")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: No saved fit at 'no-such-fit.nc'.
    """
    return Fit(*io.read_fit(path))
