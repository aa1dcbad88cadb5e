"""TOML model files -> :class:`~bayes_beta.specs.modelfile.ModelSpec` (Python's :mod:`tomllib`).

Every key is type-checked, unknown keys get a did-you-mean, and each problem raises
:class:`~bayes_beta.SpecError` as ``<file>: <key>: <problem> Fix: <fix>``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

from bayes_beta.errors import SpecError
from bayes_beta.specs.messages import fail, hint
from bayes_beta.specs.modelfile import LfoSettings, ModelSpec, spec_sampling
from bayes_beta.specs.priors import (
    PRIOR_VARIANTS,
    NoisePrior,
    PoolingPrior,
    PriorVariant,
    VolatilityPrior,
)
from bayes_beta.specs.sampler import Sampling
from bayes_beta.specs.sources import DataSources

__all__ = ["load_spec", "spec_from_dict"]

TOP_KEYS = ("name", "description", "data", "frequency", "start", "end", "target", "targets",
            "factors",
            "intercept", "dynamics", "initial", "init_window", "volatility",
            "variance_multiplier", "pooling", "sampling", "compare", "priors")
VARIANT_KEYS = ("base", "description", "state", "obs", "correlated", "lkj_eta", "phi_alpha",
                "phi_beta", "volatility", "pooling")
VOLATILITY_KEYS = tuple(f.name for f in dataclasses.fields(VolatilityPrior))
POOLING_KEYS = tuple(f.name for f in dataclasses.fields(PoolingPrior))
NOISE_KEYS = tuple(f.name for f in dataclasses.fields(NoisePrior))


def _typed(path, key, value, types, what):
    if value is None:
        return None
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
        fail(path, key, f"must be {what}; got {value!r} ({type(value).__name__}).")
    return value


def _tuple(types):
    return types if isinstance(types, tuple) else (types,)


def _unknown(path, table: dict, allowed, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            fail(path, f"{prefix}{key}", "unknown key;", hint(key, allowed))


def _numbers(path, key, value, what) -> tuple[float, ...]:
    for x in value:
        _typed(path, key, x, (int, float), what)
    return tuple(float(x) for x in value)


def _replace(path, key, table, base, keys, example: str, parse):
    """``base`` with the keys of the inline ``table`` changed, each read by ``parse``."""
    _typed(path, key, table, dict, f"a table such as {example}")
    _unknown(path, table, keys, f"{key}.")
    values = {k: parse(f"{key}.{k}", k, v) for k, v in table.items()}
    try:
        return dataclasses.replace(base, **values)
    except SpecError as err:
        fail(path, key, str(err))


def _noise(path, key, table, base: NoisePrior) -> NoisePrior:
    def parse(where, k, v):
        if k == "family":
            return _typed(path, where, v, str, "a string")
        if k == "scale" and isinstance(v, list):  # one per factor
            return _numbers(path, where, v, "a number or a list of numbers")
        return float(_typed(path, where, v, (int, float), "a number"))

    return _replace(path, key, table, base, NOISE_KEYS,
                    '{ family = "halfnormal", scale = 0.25 }', parse)


def _volatility(path, key, table, base: VolatilityPrior) -> VolatilityPrior:
    def parse(where, k, v):
        if isinstance(getattr(base, k), tuple):  # a pair of distribution parameters
            _typed(path, where, v, list, "two numbers, e.g. [20, 1.5]")
            return _numbers(path, where, v, "two numbers")
        return float(_typed(path, where, v, (int, float), "a number"))

    return _replace(path, key, table, base, VOLATILITY_KEYS,
                    "{ half_life = 0.5, vol_of_vol = 1.0 }", parse)


def _pooling(path, key, table, base: PoolingPrior) -> PoolingPrior:
    def parse(where, k, v):
        if k == "centred":
            _typed(path, where, v, list, 'a list of groups, e.g. ["obs"]')
            return tuple(str(x) for x in v)
        return float(_typed(path, where, v, (int, float), "a number"))

    return _replace(path, key, table, base, POOLING_KEYS, "{ drift = 0.17, drift_spread = 1.0 }",
                    parse)


def _variant(path, name: str, table) -> PriorVariant:
    key = f"priors.{name}"
    _typed(path, key, table, dict, "a table [priors.<name>]")
    _unknown(path, table, VARIANT_KEYS, f"{key}.")
    base_name = _typed(path, f"{key}.base", table.get("base", "default"), str, "a string")
    if base_name not in PRIOR_VARIANTS:
        fail(path, f"{key}.base", f"no built-in variant {base_name!r};",
              hint(base_name, PRIOR_VARIANTS))
    base = PRIOR_VARIANTS[base_name]
    changes = {"name": name, "description": table.get("description", base.description
                                                       if "base" in table else "")}
    for k in ("state", "obs"):
        if k in table:
            changes[k] = _noise(path, f"{key}.{k}", table[k], getattr(base, k))
    if "volatility" in table:
        changes["volatility"] = _volatility(path, f"{key}.volatility", table["volatility"],
                                            base.volatility)
    if "pooling" in table:
        changes["pooling"] = _pooling(path, f"{key}.pooling", table["pooling"], base.pooling)
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
        fail(path, key, str(err))


def _data(path, value):
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        fail(path, "data", f"must be a dataset name, a CSV path or a table; got {value!r}.",
              'write data = "example" or data = { returns = "industries" }.')
    allowed = [f.name for f in dataclasses.fields(DataSources)]
    _unknown(path, value, allowed, "data.")
    if "returns" not in value:
        fail(path, "data.returns", "missing: the source of the target column.",
              'add returns = "industries" (or a CSV path).')
    _typed(path, "data.excess", value.get("excess"), bool, "true or false")
    return DataSources(**value)


def _date(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _targets(path, value):
    """``targets``: ``"all"`` (every column of the returns) or a list of column names."""
    if value is None:
        return ()
    if value == "all":
        return "all"
    what = 'a list of column names, e.g. ["Util", "Banks"], or "all"'
    _typed(path, "targets", value, list, what)
    if not value:
        fail(path, "targets", "is empty.", f"give {what}.")
    for t in value:
        _typed(path, "targets", t, str, what)
    return tuple(value)


def spec_from_dict(d: dict, path=None) -> ModelSpec:
    """Build a :class:`~bayes_beta.ModelSpec` from a parsed TOML document.

    Every key is type-checked, unknown keys get a did-you-mean, and each problem raises
    :class:`bayes_beta.SpecError` as ``<file>: <key>: <problem> Fix: <fix>``. Each
    ``[priors.<name>]`` table starts from a built-in variant (``base``, default ``"default"``)
    and changes the keys it gives; without ``priors`` the spec has every built-in variant.

    Parameters
    ----------
    d : dict
        The document, as ``tomllib.load`` returns it; ``name``, ``data``, ``target`` (or
        ``targets``) and ``factors`` are required.
    path : pathlib.Path, optional
        The file it came from, named in messages and used to resolve relative CSV paths.

    Returns
    -------
    ModelSpec
        The validated spec.

    Raises
    ------
    bayes_beta.SpecError
        For a missing or unknown key, a value of the wrong type, or an invalid spec.

    See Also
    --------
    bayes_beta.load_spec : Reads the document from a file.

    Examples
    --------
    >>> from bayes_beta.specs import spec_from_dict
    >>> doc = {"name": "utilities", "data": "example", "target": "Util",
    ...        "factors": ["Mkt-RF", "d10y"],
    ...        "priors": {"slow": {"base": "tight", "obs": {"scale": 0.5}}}}
    >>> spec = spec_from_dict(doc)
    >>> spec.variant_names, spec.variant("slow").state.scale, spec.variant("slow").obs.scale
    (['slow'], 0.025, 0.5)
    >>> spec_from_dict({"name": "u", "data": "example", "target": "Util", "factor": ["Mkt-RF"]})
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: <spec>: factor: unknown key; did you mean 'factors'?
    """
    _unknown(path, d, TOP_KEYS, "")
    targets = _targets(path, d.get("targets"))
    for key in ("name", "data", "target", "factors"):
        if key not in d and not (key == "target" and targets):
            fail(path, key, "missing required key.", "see models/README.md for the format.")
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
            want = ((str, "a string") if k in ("lfo", "sampler") else
                    ((int, str), 'an integer or "all"') if k == "path_draws" else
                    ((int, float), "a number"))
            _typed(path, f"{key}.{k}", v, want[0], want[1])
            if k == "min_train" and not isinstance(v, int):  # Sampling checks its own
                fail(path, f"{key}.{k}", f"must be an integer; got {v!r}.")
        sections[key] = (spec_sampling(path, Sampling(), table) if cls is Sampling
                         else cls(**table))
    priors_table = _typed(path, "priors", d.get("priors"), dict, "tables [priors.<name>]")
    priors = (tuple(_variant(path, n, t) for n, t in priors_table.items())
              if priors_table else tuple(PRIOR_VARIANTS.values()))
    opts = {k: d[k] for k in ("frequency", "intercept", "dynamics", "initial", "init_window",
                              "volatility", "variance_multiplier", "pooling", "description")
            if k in d}
    if "target" in d:
        target = d["target"]
    else:  # a many-target spec: its first fund (none yet for "all")
        target = targets[0] if isinstance(targets, tuple) else ""
    return ModelSpec(name=d["name"], data=_data(path, d["data"]), target=target,
                     targets=targets, factors=tuple(factors), start=_date(d.get("start")), end=_date(d.get("end")),
                     priors=priors, path=path, **sections, **opts)


def load_spec(path) -> ModelSpec:
    r"""Read and validate a TOML model spec (the format is documented in ``models/README.md``).

    In short::

        name = "utilities_rates"
        data = "example"                # a shipped dataset, a CSV path, or a table of sources
        frequency = "weekly"            # "daily" | "weekly"
        start = "1990-01-01"            # optional, inclusive
        target = "Util"
        factors = ["Mkt-RF", "d10y"]
        volatility = "garch"            # optional: "garch" (default), "constant", "stochastic",
                                        # "student_t", or "known" with variance_multiplier = "<col>"
        pooling = "none"                # many funds: "none" or "partial" (bayes-beta fit-many)
        [sampling]                      # draws, tune, chains, seed, target_accept
        [compare]                       # lfo ("approx" | "exact"), min_train, k_threshold
        [priors.default]                # any number of [priors.<name>] tables
        base = "default"                # optional: start from a built-in variant
        state = { family = "halfnormal", scale = 0.25 }

    Parameters
    ----------
    path : str or pathlib.Path
        The TOML file.

    Returns
    -------
    ModelSpec
        The validated spec, with ``path`` the resolved file path (relative CSV paths are read
        from its folder).

    Raises
    ------
    bayes_beta.SpecError
        When the file does not exist, is not valid TOML, or holds an invalid spec (the message
        reads ``<file>: <key>: <problem> Fix: <fix>``).

    See Also
    --------
    bayes_beta.specs.spec_from_dict : The same from a parsed document.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import bayes_beta as bb
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "utilities.toml"
    ...     _ = path.write_text('name = "utilities"\ndata = "example"\ntarget = "Util"\n'
    ...                         'factors = ["Mkt-RF", "d10y"]\n[sampling]\ndraws = 500\n')
    ...     spec = bb.load_spec(path)
    >>> spec.name, spec.factors, spec.sampling.draws
    ('utilities', ('Mkt-RF', 'd10y'), 500)
    >>> bb.load_spec("no_such_spec.toml")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: no_such_spec.toml: no such file. Fix: check the path ...
    """
    path = Path(path)
    if not path.is_file():
        fail(path, "", "no such file.", "check the path (relative to the current folder).")
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        fail(path, "", f"not valid TOML: {err}.", "see https://toml.io for the syntax.")
    return spec_from_dict(doc, path=path.resolve())
