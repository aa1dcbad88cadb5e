"""Model specs in TOML: one file names the data, the model and a set of named prior variants.

``load_spec(path)`` reads a file (Python's :mod:`tomllib`) into a frozen, validated
:class:`ModelSpec`; every problem raises :class:`~bayes_beta.SpecError` naming the file, the key
and the fix. The format is documented in ``models/README.md``; in short::

    name = "utilities_rates"
    data = "example"                # a shipped dataset, a CSV path, or a table of sources
    frequency = "weekly"            # "daily" | "weekly"
    start = "1990-01-01"            # optional, inclusive
    target = "Util"
    factors = ["Mkt-RF", "d10y"]
    [sampling]                      # draws, tune, chains, seed, target_accept
    [compare]                       # lfo ("approx" | "exact"), min_train, k_threshold
    [priors.default]                # any number of [priors.<name>] tables
    base = "default"                # optional: start from a built-in variant
    state = { family = "halfnormal", scale = 0.25 }

Data assembly with a table ``data = { returns = "industries", factors = "factors",
yields = "treasury_yields", excess = true }``: the sources are read *daily*, joined on the dates
they share, restricted to ``start .. end``; factor names ``d<N>y`` / ``d<N>m`` become changes of
the ``<N>year`` / ``<N>month`` yield; with ``excess`` the target becomes its return minus ``RF``.
Weekly rows (``W-FRI``) are then compounded: a return ``r`` gives ``prod(1 + r) - 1``, an excess
return (the target with ``excess``, and any column named ``*-RF``) gives
``prod(1 + x + RF) - prod(1 + RF)``, a yield change is the change of the week's last level. This
reproduces :func:`bayes_beta.datasets.load_example` exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bayes_beta.datasets import DATASETS, FREQUENCIES
from bayes_beta.design import DYNAMICS, INITIAL_RULES
from bayes_beta.errors import BayesBetaError, SpecError
from bayes_beta.priors import PRIOR_VARIANTS, NoisePrior, PriorVariant

__all__ = ["DataSources", "LfoSettings", "ModelSpec", "Sampling", "load_spec"]

TOP_KEYS = ("name", "description", "data", "frequency", "start", "end", "target", "factors",
            "intercept", "dynamics", "initial", "init_window", "sampling", "compare", "priors")
VARIANT_KEYS = ("base", "description", "state", "obs", "correlated", "lkj_eta", "phi_alpha",
                "phi_beta")
NOISE_KEYS = tuple(f.name for f in dataclasses.fields(NoisePrior))
LFO_METHODS = ("approx", "exact", "none")
YIELD_CHANGE = re.compile(r"^d(\d+)([ym])$")  # d10y -> 10year, d3m -> 3month


def _where(path, key: str) -> str:
    return f"{path or '<spec>'}: {key}" if key else f"{path or '<spec>'}"


def _fail(path, key: str, problem: str, fix: str = ""):
    """Raise a SpecError naming the file and key; ``problem;`` runs on into ``fix``."""
    if fix:
        problem += f" {fix}" if problem.endswith(";") else f" Fix: {fix}"
    raise SpecError(f"{_where(path, key)}: {problem}")


def _hint(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(map(str, choices))}."


@dataclass(frozen=True)
class Sampling:
    """NUTS settings of a spec (``[sampling]``)."""

    draws: int = 1000
    tune: int = 1000
    chains: int = 4
    seed: int | None = None
    target_accept: float = 0.8


@dataclass(frozen=True)
class LfoSettings:
    """Leave-future-out settings of ``bayes-beta compare`` (``[compare]``)."""

    lfo: str = "approx"  # "approx" (PSIS with refits) | "exact" (refit every step) | "none"
    min_train: int | None = None  # L: the first prediction is for observation L + 1
    k_threshold: float = 0.7


@dataclass(frozen=True)
class DataSources:
    """Sources joined into one frame (the table form of ``data``); names or CSV paths."""

    returns: str
    factors: str | None = "factors"
    yields: str | None = None
    excess: bool = True


@dataclass(frozen=True)
class ModelSpec:
    """A validated model spec; build with :func:`load_spec` or directly (keyword arguments)."""

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
    sampling: Sampling = field(default_factory=Sampling)
    compare: LfoSettings = field(default_factory=LfoSettings)
    priors: tuple[PriorVariant, ...] = tuple(PRIOR_VARIANTS.values())
    description: str = ""
    path: Path | None = None  # the spec file; relative CSV paths are resolved from its folder

    def __post_init__(self) -> None:
        p = self.path
        object.__setattr__(self, "factors", tuple(self.factors))
        object.__setattr__(self, "priors", tuple(self.priors))
        if self.frequency not in FREQUENCIES:
            _fail(p, "frequency", f"{self.frequency!r} is not supported.",
                  _hint(self.frequency, FREQUENCIES))
        if self.dynamics not in DYNAMICS:
            _fail(p, "dynamics", f"unknown dynamics {self.dynamics!r};",
                  _hint(self.dynamics, DYNAMICS))
        if self.initial not in INITIAL_RULES:
            _fail(p, "initial", f"unknown initial-state rule {self.initial!r};",
                  _hint(self.initial, INITIAL_RULES))
        if not self.factors:
            _fail(p, "factors", "no factors given.",
                  'list at least one, e.g. factors = ["Mkt-RF"].')
        if len(set(self.factors)) < len(self.factors):
            _fail(p, "factors", f"{list(self.factors)} repeats a name.", "list each factor once.")
        if self.target in self.factors:
            _fail(p, "factors", f"the target {self.target!r} is also a factor.",
                  "remove it from factors.")
        for key in ("start", "end"):
            _check_date(p, key, getattr(self, key))
        if self.start and self.end and pd.Timestamp(self.start) > pd.Timestamp(self.end):
            _fail(p, "start", f"start {self.start} is after end {self.end}.", "swap them.")
        s = self.sampling
        for key in ("draws", "tune", "chains"):
            value = getattr(s, key)
            if not isinstance(value, int) or isinstance(value, bool) or value < (key != "tune"):
                _fail(p, f"sampling.{key}", f"must be a positive integer; got {value!r}.")
        if not 0 < s.target_accept < 1:
            _fail(p, "sampling.target_accept", f"must be in (0, 1); got {s.target_accept!r}.")
        c = self.compare
        if c.lfo not in LFO_METHODS:
            _fail(p, "compare.lfo", f"unknown method {c.lfo!r};", _hint(c.lfo, LFO_METHODS))
        if c.min_train is not None and c.min_train < 2:
            _fail(p, "compare.min_train", f"must be an integer >= 2; got {c.min_train!r}.")
        if not 0 < c.k_threshold:
            _fail(p, "compare.k_threshold", f"must be positive; got {c.k_threshold!r}.",
                  "0.7 is the usual choice.")
        if not self.priors:
            _fail(p, "priors", "no prior variants.", "add a [priors.<name>] table.")
        K = len(self.factors) + int(self.intercept)
        for v in self.priors:
            for part, size in (("state", K), ("obs", 1)):
                scale = getattr(v, part).scale
                if isinstance(scale, tuple) and len(scale) != size:
                    _fail(p, f"priors.{v.name}.{part}.scale",
                          f"{len(scale)} scales for {size} noise sd(s).",
                          f"give one number, or {size} (one per exposure, alpha first)."
                          if part == "state" else "give one number.")
        names = [v.name for v in self.priors]
        if len(set(names)) < len(names):
            _fail(p, "priors", f"variant names repeat: {names}.", "give each variant its own name.")
        _check_data(p, self.data)

    # ------------------------------------------------------------------ public
    @property
    def variant_names(self) -> list[str]:
        return [v.name for v in self.priors]

    def variant(self, name: str | None = None) -> PriorVariant:
        """The prior variant ``name`` (the first one when ``None``)."""
        if name is None:
            return self.priors[0]
        for v in self.priors:
            if v.name == name:
                return v
        _fail(self.path, f"priors.{name}", f"no variant {name!r} in this spec;",
              _hint(name, self.variant_names))

    def with_(self, **changes) -> ModelSpec:
        """A validated copy with some fields changed (e.g. ``start="2010"``)."""
        return dataclasses.replace(self, **changes)

    def model_kwargs(self) -> dict:
        """Keyword arguments of :func:`bayes_beta.fit` that describe the model."""
        return {"intercept": self.intercept, "dynamics": self.dynamics,
                "initial": self.initial, "init_window": self.init_window}

    def sampling_kwargs(self) -> dict:
        return dataclasses.asdict(self.sampling)

    def load_data(self) -> pd.DataFrame:
        """The frame with the target and factor columns, at the spec's frequency and dates."""
        try:
            from bayes_beta.specdata import assemble

            frame = assemble(self)
        except SpecError:
            raise
        except BayesBetaError as err:
            _fail(self.path, "data", str(err))
        return frame

    def fit(self, variant: str | None = None, **overrides):
        """Fit one prior variant; ``overrides`` replace sampling or model settings of bb.fit."""
        from bayes_beta.fitting import fit

        kwargs = {**self.model_kwargs(), **self.sampling_kwargs(), **overrides}
        return fit(self.load_data(), self.target, list(self.factors), self.variant(variant),
                   **kwargs)


# ---------------------------------------------------------------------- validation helpers
def _check_date(path, key, value) -> None:
    if value is None:
        return
    try:
        pd.Timestamp(value)
    except (TypeError, ValueError):
        _fail(path, key, f"{value!r} is not a date.", f'write e.g. {key} = "1990-01-01".')


def _check_source(path, key: str, source) -> None:
    if source is None:
        return
    if not isinstance(source, str) or not source:
        _fail(path, key, f"must be a dataset name or a CSV path; got {source!r}.")
    if _is_csv(source):
        if not _resolve(path, source).is_file():
            _fail(path, key, f"CSV file {str(_resolve(path, source))!r} does not exist.",
                  "give a path relative to the spec file's folder.")
    elif source not in DATASETS:
        _fail(path, key, f"unknown dataset {source!r};", _hint(source, DATASETS))


def _check_data(path, data) -> None:
    if isinstance(data, DataSources):
        for key in ("returns", "factors", "yields"):
            _check_source(path, f"data.{key}", getattr(data, key))
        if data.excess and data.factors is None:
            _fail(path, "data.excess", "an excess return needs RF from a factors source.",
                  'set factors = "factors" or excess = false.')
    else:
        _check_source(path, "data", data)


def _is_csv(source: str) -> bool:
    return source.lower().endswith((".csv", ".csv.gz")) or "/" in source or "\\" in source


def _resolve(path, source: str) -> Path:
    p = Path(source).expanduser()
    return p if p.is_absolute() or path is None else Path(path).parent / p


# ---------------------------------------------------------------------- TOML -> ModelSpec
def _typed(path, key, value, types, what):
    if value is None:
        return None
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
        _fail(path, key, f"must be {what}; got {value!r} ({type(value).__name__}).")
    return value


def _tuple(types):
    return types if isinstance(types, tuple) else (types,)


def _unknown(path, table: dict, allowed, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            _fail(path, f"{prefix}{key}", "unknown key;", _hint(key, allowed))


def _noise(path, key, table, base: NoisePrior) -> NoisePrior:
    _typed(path, key, table, dict, 'a table such as { family = "halfnormal", scale = 0.25 }')
    _unknown(path, table, NOISE_KEYS, f"{key}.")
    values = {}
    for k, v in table.items():
        if k == "family":
            values[k] = _typed(path, f"{key}.{k}", v, str, "a string")
        elif k == "scale" and isinstance(v, list):  # one per factor
            for x in v:
                _typed(path, f"{key}.{k}", x, (int, float), "a number or a list of numbers")
            values[k] = tuple(float(x) for x in v)
        else:
            values[k] = float(_typed(path, f"{key}.{k}", v, (int, float), "a number"))
    try:
        return dataclasses.replace(base, **values)
    except SpecError as err:
        _fail(path, key, str(err))


def _variant(path, name: str, table) -> PriorVariant:
    key = f"priors.{name}"
    _typed(path, key, table, dict, "a table [priors.<name>]")
    _unknown(path, table, VARIANT_KEYS, f"{key}.")
    base_name = _typed(path, f"{key}.base", table.get("base", "default"), str, "a string")
    if base_name not in PRIOR_VARIANTS:
        _fail(path, f"{key}.base", f"no built-in variant {base_name!r};",
              _hint(base_name, PRIOR_VARIANTS))
    base = PRIOR_VARIANTS[base_name]
    changes = {"name": name, "description": table.get("description", base.description
                                                       if "base" in table else "")}
    for k in ("state", "obs"):
        if k in table:
            changes[k] = _noise(path, f"{key}.{k}", table[k], getattr(base, k))
    _typed(path, f"{key}.correlated", table.get("correlated"), bool, "true or false")
    _typed(path, f"{key}.description", table.get("description"), str, "a string")
    for k in ("correlated", "lkj_eta", "phi_alpha", "phi_beta"):
        if k in table:
            if k != "correlated":
                _typed(path, f"{key}.{k}", table[k], (int, float), "a number")
            changes[k] = table[k] if k == "correlated" else float(table[k])
    try:
        return base.with_(**changes)
    except SpecError as err:
        _fail(path, key, str(err))


def _data(path, value):
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        _fail(path, "data", f"must be a dataset name, a CSV path or a table; got {value!r}.",
              'write data = "example" or data = { returns = "industries" }.')
    allowed = [f.name for f in dataclasses.fields(DataSources)]
    _unknown(path, value, allowed, "data.")
    if "returns" not in value:
        _fail(path, "data.returns", "missing: the source of the target column.",
              'add returns = "industries" (or a CSV path).')
    _typed(path, "data.excess", value.get("excess"), bool, "true or false")
    return DataSources(**value)


def _date(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def spec_from_dict(d: dict, path=None) -> ModelSpec:
    """Build a :class:`ModelSpec` from a parsed TOML document (``path`` for messages)."""
    _unknown(path, d, TOP_KEYS, "")
    for key in ("name", "data", "target", "factors"):
        if key not in d:
            _fail(path, key, "missing required key.", "see models/README.md for the format.")
    for key in ("name", "target", "description", "frequency", "dynamics", "initial"):
        _typed(path, key, d.get(key), str, "a string")
    for key in ("start", "end"):
        _typed(path, key, d.get(key), (str, dt.date), "a date string")
    factors = _typed(path, "factors", d["factors"], list, 'a list of column names, e.g. ["Mkt-RF"]')
    for f in factors:
        _typed(path, "factors", f, str, "a list of strings")
    _typed(path, "intercept", d.get("intercept"), bool, "true or false")
    _typed(path, "init_window", d.get("init_window"), int, "an integer")
    sections = {}
    for key, cls in (("sampling", Sampling), ("compare", LfoSettings)):
        table = _typed(path, key, d.get(key, {}), dict, f"a table [{key}]")
        allowed = [f.name for f in dataclasses.fields(cls)]
        _unknown(path, table, allowed, f"{key}.")
        for k, v in table.items():
            want = (str, "a string") if k == "lfo" else ((int, float), "a number")
            _typed(path, f"{key}.{k}", v, want[0], want[1])
            if k in ("draws", "tune", "chains", "seed", "min_train") and not isinstance(v, int):
                _fail(path, f"{key}.{k}", f"must be an integer; got {v!r}.")
        sections[key] = cls(**table)
    priors_table = _typed(path, "priors", d.get("priors"), dict, "tables [priors.<name>]")
    priors = (tuple(_variant(path, n, t) for n, t in priors_table.items())
              if priors_table else tuple(PRIOR_VARIANTS.values()))
    opts = {k: d[k] for k in ("frequency", "intercept", "dynamics", "initial", "init_window",
                              "description") if k in d}
    return ModelSpec(name=d["name"], data=_data(path, d["data"]), target=d["target"],
                     factors=tuple(factors), start=_date(d.get("start")), end=_date(d.get("end")),
                     priors=priors, path=path, **sections, **opts)


def load_spec(path) -> ModelSpec:
    """Read and validate a TOML model spec (see ``models/README.md``)."""
    path = Path(path)
    if not path.is_file():
        _fail(path, "", "no such file.", "check the path (relative to the current folder).")
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        _fail(path, "", f"not valid TOML: {err}.", "see https://toml.io for the syntax.")
    return spec_from_dict(doc, path=path.resolve())
