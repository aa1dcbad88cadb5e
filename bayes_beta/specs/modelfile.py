"""Model specs: one TOML file names the data, the model and a set of named prior variants.

:func:`~bayes_beta.specs.parse.load_spec` reads a file into a frozen, validated
:class:`ModelSpec`; every problem raises :class:`~bayes_beta.SpecError` naming the file, the key
and the fix. The format is documented in ``models/README.md``; in short::

    name = "utilities_rates"
    data = "example"                # a shipped dataset, a CSV path, or a table of sources
    frequency = "weekly"            # "daily" | "weekly"
    start = "1990-01-01"            # optional, inclusive
    target = "Util"
    factors = ["Mkt-RF", "d10y"]
    volatility = "garch"            # optional: "garch" (default), "constant", "stochastic",
                                    # "student_t", or "known" with variance_multiplier = "<col>"
    pooling = "none"                # many funds: "none" or "partial" (bayes-beta fit-many)
    [sampling]                      # draws, tune, chains, seed, target_accept, sampler
    [compare]                       # lfo ("approx" | "exact"), min_train, k_threshold
    [priors.default]                # any number of [priors.<name>] tables
    base = "default"                # optional: start from a built-in variant
    state = { family = "halfnormal", scale = 0.25 }

How ``data`` is read and assembled: :mod:`bayes_beta.specs.sources`. A spec is fitted with
:func:`bayes_beta.fit_spec` and compared with :func:`bayes_beta.compare_priors`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bayes_beta.data.datasets import FREQUENCIES
from bayes_beta.data.design import INITIAL_RULES
from bayes_beta.errors import ArgumentError, BayesBetaError, SpecError
from bayes_beta.specs.messages import fail, hint
from bayes_beta.specs.options import DEFAULT_VOLATILITY, DYNAMICS, VOLATILITIES, ModelOptions
from bayes_beta.specs.priors import PRIOR_VARIANTS, PriorVariant
from bayes_beta.specs.sampler import Sampling
from bayes_beta.specs.sources import DataSources, assemble, check_data, target_columns

__all__ = ["LFO_METHODS", "LfoSettings", "ModelSpec", "Sampling", "spec_sampling"]

LFO_METHODS = ("approx", "exact", "none")


@dataclass(frozen=True)
class LfoSettings:
    r"""Leave-future-out settings of ``bayes-beta compare`` (``[compare]`` of a model file).

    Parameters
    ----------
    lfo : {"approx", "exact", "none"}, default "approx"
        ``"approx"``: PSIS with refits; ``"exact"``: refit at every step; ``"none"``: no
        leave-future-out comparison.
    min_train : int, optional
        :math:`L`, the number of training observations: the first prediction is for observation
        :math:`L + 1` (at least 2).
    k_threshold : float, default 0.7
        Pareto :math:`\hat k` above which ``"approx"`` refits (positive).

    See Also
    --------
    bayes_beta.ModelSpec : The spec holding these settings (validated there).

    Examples
    --------
    >>> from bayes_beta.specs import LfoSettings
    >>> LfoSettings(min_train=1040)
    LfoSettings(lfo='approx', min_train=1040, k_threshold=0.7)
    """

    lfo: str = "approx"  # "approx" (PSIS with refits) | "exact" (refit every step) | "none"
    min_train: int | None = None  # L: the first prediction is for observation L + 1
    k_threshold: float = 0.7


@dataclass(frozen=True)
class ModelSpec:
    r"""A validated model spec; build with :func:`~bayes_beta.load_spec` or directly (keywords).

    One spec names the data, the model and a set of named prior variants; it is frozen and
    validated on construction (every problem raises :class:`bayes_beta.SpecError` naming the file,
    the key and the fix). The model is the time-varying regression

    .. math::

        \beta_t = T \beta_{t-1} + \eta_t, \quad \eta_t \sim N(0, Q), \qquad
        y_t = H_t \beta_t + \varepsilon_t, \quad \varepsilon_t \sim N(0, R),

    with ``target`` as :math:`y_t` and the ``factors`` as the columns of :math:`H_t`. A spec is
    fitted with :func:`bayes_beta.fit_spec` and its variants compared with
    :func:`bayes_beta.compare_priors`. The file format is documented in ``models/README.md``.

    Parameters
    ----------
    name : str
        Name of the spec.
    data : str or DataSources
        A shipped dataset name, a CSV path (relative to the spec file), or a
        :class:`~bayes_beta.specs.DataSources` table of sources.
    target : str
        The column to explain (``""`` for a many-target spec without a first fund).
    factors : sequence of str
        The factor columns (at least one, each once, not the target).
    frequency : {"weekly", "daily"}, default "weekly"
        The frequency of the rows.
    start, end : str, optional
        First and last date, inclusive.
    intercept : bool, default False
        Add an intercept exposure ``"alpha"``.
    dynamics : {"random_walk", "mean_reverting"}, default "random_walk"
        The state dynamics.
    initial : {"ols", "diffuse", "prior"}, default "ols"
        The initial-state rule (:func:`bayes_beta.make_design`).
    init_window : int, optional
        Rows of the OLS start.
    volatility : {"garch", "constant", "stochastic", "student_t", "known"}, default "garch"
        The observation-noise model (:class:`bayes_beta.ModelOptions`).
    variance_multiplier : str, optional
        The column of variance multipliers, needed by, and only by, ``volatility="known"``; the
        data must then come from one table.
    targets : sequence of str or "all", default ()
        Many funds (``bayes-beta fit-many``): their names, or ``"all"`` for every column of the
        returns source except the factors, ``RF`` and the variance multiplier.
    pooling : {"none", "partial"}, default "none"
        Many funds: independent fits, or one joint fit with population hyperpriors.
    sampling : Sampling, default Sampling()
        NUTS settings.
    compare : LfoSettings, default LfoSettings()
        Leave-future-out settings.
    priors : sequence of PriorVariant, default all of ``PRIOR_VARIANTS``
        The prior variants, with distinct names; a per-factor ``state`` scale needs one number
        per exposure (alpha first).
    description : str, default ""
        A one-line description.
    path : pathlib.Path, optional
        The spec file; relative CSV paths are resolved from its folder.

    Raises
    ------
    bayes_beta.SpecError
        For any invalid field (unknown choices, repeated or missing factors, a target among the
        factors, bad dates, sampling or comparison settings, priors, or data sources).

    See Also
    --------
    bayes_beta.load_spec : Reads a spec from a TOML file.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> spec = bb.ModelSpec(name="utilities", data="example", target="Util",
    ...                     factors=["Mkt-RF", "d10y"])
    >>> spec.factors, spec.volatility, spec.variant_names
    (('Mkt-RF', 'd10y'), 'garch', ['default', 'tight', 'loose', 'correlated'])
    >>> spec.load_data().shape
    (1421, 3)
    >>> bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"],
    ...              frequency="monthly")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: <spec>: frequency: 'monthly' is not supported. Fix: use one of ...
    """

    name: str
    data: str | DataSources
    target: str
    factors: tuple[str, ...]
    frequency: str = "weekly"
    start: str | None = None
    end: str | None = None
    intercept: bool = False
    dynamics: str = "random_walk"
    initial: str = "ols"
    init_window: int | None = None
    volatility: str = DEFAULT_VOLATILITY
    variance_multiplier: str | None = None  # the column of variance multipliers ("known")
    targets: tuple[str, ...] | str = ()  # many funds (bayes-beta fit-many): names, or "all"
    pooling: str = "none"  # many funds: "none" (independent fits) or "partial" (one joint fit)
    sampling: Sampling = field(default_factory=Sampling)
    compare: LfoSettings = field(default_factory=LfoSettings)
    priors: tuple[PriorVariant, ...] = tuple(PRIOR_VARIANTS.values())
    description: str = ""
    path: Path | None = None  # the spec file; relative CSV paths are resolved from its folder

    def __post_init__(self) -> None:
        object.__setattr__(self, "factors", tuple(self.factors))
        if self.targets != "all":
            object.__setattr__(self, "targets", tuple(self.targets))
        object.__setattr__(self, "priors", tuple(self.priors))
        _check_model(self)
        _check_sampling(self.path, self.sampling, self.compare)
        _check_priors(self)
        check_data(self.path, self.data)

    # ------------------------------------------------------------------ public
    @property
    def variant_names(self) -> list[str]:
        """Names of the spec's prior variants, in order.

        Returns
        -------
        list of str
            The names.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"],
        ...                     priors=[bb.PRIOR_VARIANTS["tight"]])
        >>> spec.variant_names
        ['tight']
        """
        return [v.name for v in self.priors]

    def variant(self, name: str | None = None) -> PriorVariant:
        """The prior variant ``name`` (the first one when ``None``).

        Parameters
        ----------
        name : str, optional
            Name of a variant of the spec.

        Returns
        -------
        PriorVariant
            The variant.

        Raises
        ------
        bayes_beta.SpecError
            When the spec has no variant of that name (with a did-you-mean).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"])
        >>> spec.variant().name, spec.variant("tight").state.scale
        ('default', 0.025)
        >>> spec.variant("tigt")
        Traceback (most recent call last):
        ...
        bayes_beta.errors.SpecError: <spec>: priors.tigt: no variant 'tigt' in this spec; ...
        """
        if name is None:
            return self.priors[0]
        for v in self.priors:
            if v.name == name:
                return v
        fail(self.path, f"priors.{name}", f"no variant {name!r} in this spec;",
              hint(name, self.variant_names))

    def with_(self, **changes) -> ModelSpec:
        """A validated copy with some fields changed (e.g. ``start="2010"``).

        Parameters
        ----------
        **changes
            New values of any fields.

        Returns
        -------
        ModelSpec
            The new spec (this one is unchanged).

        Raises
        ------
        bayes_beta.SpecError
            When the changed spec is invalid.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"])
        >>> spec.with_(start="2010").load_data().shape
        (377, 2)
        """
        return dataclasses.replace(self, **changes)

    def model_kwargs(self) -> dict:
        """Keyword arguments of :func:`bayes_beta.fit` that describe the model.

        Returns
        -------
        dict
            ``intercept``, ``dynamics``, ``initial``, ``init_window``, ``volatility`` and
            ``variance_multiplier``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"])
        >>> spec.model_kwargs()
        {'intercept': False, 'dynamics': 'random_walk', 'initial': 'ols', 'init_window': None,
         'volatility': 'garch', 'variance_multiplier': None}
        """
        return {"intercept": self.intercept, "dynamics": self.dynamics,
                "initial": self.initial, "init_window": self.init_window,
                "volatility": self.volatility, "variance_multiplier": self.variance_multiplier}

    def design_kwargs(self) -> dict:
        """Keyword arguments of :func:`bayes_beta.make_design` (the model's data settings).

        Returns
        -------
        dict
            ``intercept``, ``initial``, ``init_window`` and ``multiplier``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"])
        >>> design = bb.make_design(spec.load_data(), spec.target, spec.factors,
        ...                         **spec.design_kwargs())
        >>> design.factors
        ('Mkt-RF',)
        """
        return {"intercept": self.intercept, "initial": self.initial,
                "init_window": self.init_window, "multiplier": self.variance_multiplier}

    def options(self) -> ModelOptions:
        """The model options (dynamics, volatility) of the spec.

        Returns
        -------
        ModelOptions
            Options with the spec's ``dynamics`` and ``volatility``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"],
        ...                     volatility="constant")
        >>> spec.options()
        ModelOptions(dynamics='random_walk', likelihood='fused', volatility='constant')
        """
        return ModelOptions(dynamics=self.dynamics, volatility=self.volatility)

    def sampling_kwargs(self) -> dict:
        """The NUTS settings of the spec as keyword arguments.

        Returns
        -------
        dict
            ``draws``, ``tune``, ``chains``, ``seed``, ``target_accept``, ``sampler`` and
            ``path_draws``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.specs import Sampling
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF"],
        ...                     sampling=Sampling(draws=200, chains=2, seed=1))
        >>> spec.sampling_kwargs()
        {'draws': 200, 'tune': 1000, 'chains': 2, 'seed': 1, 'target_accept': None,
         'sampler': 'nutpie', 'path_draws': None}
        """
        return self.sampling.to_dict()

    def load_data(self) -> pd.DataFrame:
        """The frame with the target and factor columns, at the spec's frequency and dates.

        A shipped dataset or CSV is read as is (a daily CSV is compounded to weeks when the spec is
        weekly); a table of sources is read daily, joined on shared dates and compounded to weeks
        (:class:`bayes_beta.specs.DataSources`). Rows missing the target or a factor are dropped; a
        variance-multiplier column is kept.

        Returns
        -------
        pandas.DataFrame
            The target, the factors (and the variance multiplier), indexed by date.

        Raises
        ------
        bayes_beta.SpecError
            For a many-target spec without a single target, or any problem with the data (the
            message names the spec file and the ``data`` key).

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util", factors=["Mkt-RF", "d10y"],
        ...                     start="2010")
        >>> df = spec.load_data()
        >>> df.shape, list(df.columns)
        ((377, 3), ['Util', 'Mkt-RF', 'd10y'])
        """
        if not self.target:
            fail(self.path, "target", "this spec names many targets (targets = ...), not one.",
                 "run `bayes-beta fit-many`, or give target = \"<column>\".")
        try:
            frame = assemble(self)
        except SpecError:
            raise
        except BayesBetaError as err:
            fail(self.path, "data", str(err))
        return frame

    def target_names(self) -> list[str]:
        """The funds of a many-target spec.

        ``targets`` when given as names; ``"all"`` reads the returns source's columns, less the
        factors, ``RF`` and any variance multiplier; a single-target spec gives ``[target]``.

        Returns
        -------
        list of str
            The target column names.

        Raises
        ------
        bayes_beta.SpecError
            When the returns source cannot be read.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> spec = bb.ModelSpec(name="u", data="example", target="Util",
        ...                     factors=["Mkt-RF", "d10y"])
        >>> spec.target_names()
        ['Util']
        >>> spec.with_(target="", targets=["Util", "Banks"]).target_names()
        ['Util', 'Banks']
        >>> spec.with_(target="", targets="all").target_names()  # all but factors and RF
        ['Util']
        """
        if not self.targets:
            return [self.target]
        if self.targets != "all":
            return list(self.targets)
        try:
            return target_columns(self)
        except BayesBetaError as err:
            fail(self.path, "targets", str(err))

    def load_universe(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(returns, factors)`` of every target, for many-fund fits.

        Each fund's column is assembled exactly as :meth:`load_data` would assemble it alone (NaN
        where it has no data); the factors are the union over the funds' dates.

        Returns
        -------
        returns : pandas.DataFrame
            One column per target (:meth:`target_names`).
        factors : pandas.DataFrame
            The factor columns on the union of the funds' dates.

        Raises
        ------
        bayes_beta.SpecError
            For any problem with the data.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> from bayes_beta.specs import DataSources
        >>> spec = bb.ModelSpec(name="funds", target="", targets=["Util", "Banks"],
        ...                     data=DataSources(returns="industries", yields="treasury_yields"),
        ...                     factors=["Mkt-RF", "d10y"], start="2015")
        >>> returns, factors = spec.load_universe()
        >>> list(returns.columns), list(factors.columns), len(returns) == len(factors)
        (['Util', 'Banks'], ['Mkt-RF', 'd10y'], True)
        """
        returns, factors = {}, []
        for name in self.target_names():
            frame = dataclasses.replace(self, target=name, targets=()).load_data()
            returns[name] = frame[name]
            factors.append(frame[list(self.factors)])
        returns = pd.concat(returns, axis=1).sort_index()
        factors = pd.concat(factors).groupby(level=0).first().sort_index()
        return returns, factors


# ---------------------------------------------------------------------- validation helpers
def _check_date(path, key, value) -> None:
    if value is None:
        return
    try:
        pd.Timestamp(value)
    except (TypeError, ValueError):
        fail(path, key, f"{value!r} is not a date.", f'write e.g. {key} = "1990-01-01".')


#: Pooling across many funds: independent fits, or one joint fit with population hyperpriors.
POOLINGS = ("none", "partial")


def _check_model(spec: ModelSpec) -> None:
    p = spec.path
    if spec.frequency not in FREQUENCIES:
        fail(p, "frequency", f"{spec.frequency!r} is not supported.",
             hint(spec.frequency, FREQUENCIES))
    if spec.dynamics not in DYNAMICS:
        fail(p, "dynamics", f"unknown dynamics {spec.dynamics!r};", hint(spec.dynamics, DYNAMICS))
    if spec.volatility not in VOLATILITIES:
        fail(p, "volatility", f"unknown volatility model {spec.volatility!r};",
             hint(spec.volatility, tuple(VOLATILITIES)))
    if spec.pooling not in POOLINGS:
        fail(p, "pooling", f"unknown pooling {spec.pooling!r};", hint(spec.pooling, POOLINGS))
    if VOLATILITIES[spec.volatility].multiplier != (spec.variance_multiplier is not None):
        fail(p, "variance_multiplier", "is needed by, and only by, volatility = \"known\".",
             'set both, e.g. volatility = "known" and variance_multiplier = "rv".')
    if spec.variance_multiplier is not None and isinstance(spec.data, DataSources):
        fail(p, "variance_multiplier", "needs data from one table (a CSV or shipped dataset).",
             "add the multiplier column to a CSV at the spec's frequency.")
    rules = INITIAL_RULES[:3]  # a start given as (b0, P0) is for code, not files
    if spec.initial not in rules:
        fail(p, "initial", f"unknown initial-state rule {spec.initial!r};",
             hint(spec.initial, rules))
    if not spec.factors:
        fail(p, "factors", "no factors given.", 'list at least one, e.g. factors = ["Mkt-RF"].')
    if len(set(spec.factors)) < len(spec.factors):
        fail(p, "factors", f"{list(spec.factors)} repeats a name.", "list each factor once.")
    if spec.target in spec.factors:
        fail(p, "factors", f"the target {spec.target!r} is also a factor.",
             "remove it from factors.")
    both = [t for t in (spec.targets if spec.targets != "all" else ()) if t in spec.factors]
    if both:
        fail(p, "targets", f"{both} are also factors.", "remove them from targets.")
    if spec.targets and len(set(spec.targets)) < len(spec.targets) and spec.targets != "all":
        fail(p, "targets", f"{list(spec.targets)} repeats a name.", "list each target once.")
    for key in ("start", "end"):
        _check_date(p, key, getattr(spec, key))
    if spec.start and spec.end and pd.Timestamp(spec.start) > pd.Timestamp(spec.end):
        fail(p, "start", f"start {spec.start} is after end {spec.end}.", "swap them.")


def _check_sampling(p, s: Sampling, c: LfoSettings) -> None:
    if not isinstance(s, Sampling):
        fail(p, "sampling", f"must be a bayes_beta.specs.Sampling; got {type(s).__name__}.")
    if c.lfo not in LFO_METHODS:
        fail(p, "compare.lfo", f"unknown method {c.lfo!r};", hint(c.lfo, LFO_METHODS))
    if c.min_train is not None and c.min_train < 2:
        fail(p, "compare.min_train", f"must be an integer >= 2; got {c.min_train!r}.")
    if not 0 < c.k_threshold:
        fail(p, "compare.k_threshold", f"must be positive; got {c.k_threshold!r}.",
             "0.7 is the usual choice.")


def _check_priors(spec: ModelSpec) -> None:
    p = spec.path
    if not spec.priors:
        fail(p, "priors", "no prior variants.", "add a [priors.<name>] table.")
    K = len(spec.factors) + int(spec.intercept)
    for v in spec.priors:
        for part, size in (("state", K), ("obs", 1)):
            scale = getattr(v, part).scale
            if isinstance(scale, tuple) and len(scale) != size:
                fail(p, f"priors.{v.name}.{part}.scale",
                     f"{len(scale)} scales for {size} noise sd(s).",
                     f"give one number, or {size} (one per exposure, alpha first)."
                     if part == "state" else "give one number.")
    names = [v.name for v in spec.priors]
    if len(set(names)) < len(names):
        fail(p, "priors", f"variant names repeat: {names}.", "give each variant its own name.")


def spec_sampling(path, base: Sampling, changes: dict) -> Sampling:
    """``base`` with ``changes`` (a file's ``[sampling]`` table, the command line's options),
    validated by :class:`~bayes_beta.specs.Sampling`; a problem raises a
    :class:`~bayes_beta.SpecError` naming the file and the key (``sampling.<setting>``)."""
    try:
        return dataclasses.replace(base, **changes)
    except ArgumentError as err:  # the settings object names the setting first
        name, _, problem = str(err).partition(" ")
        fail(path, f"sampling.{name}", problem)
