"""Every public callable runs with only its required arguments, without a seed (issue 23).

``bb.fit(df, target, factors, ...)`` without ``seed`` once crashed after sampling, and no test
saw it because every test passed a seed. Here every public callable -- the ``__all__`` of the
package and of each subpackage, walked, so a new public name is covered without editing this
file -- and every public method of :class:`bayes_beta.Fit` and :class:`bayes_beta.FitSet` is
called with only its required arguments (from ``ARGS``, a table keyed by parameter name, and
``OVERRIDES`` where a name means something else to one callable) plus small size knobs
(``KNOBS``, passed only where the callable has that keyword), on tiny data; its result must
have the type its docstring's ``Returns`` section names. The seed's own promises (an unseeded
run records a fresh seed; that seed repeats it) and the unseeded many-funds, backtest,
comparison, lag-model and command-line paths are tested at the end.

The sampled models are few and shared (module-scoped fixtures; ``fit_many`` runs on one
in-process dask worker), so each is compiled once.
"""

from __future__ import annotations

import importlib
import inspect
import numbers
import pkgutil
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb

pytestmark = pytest.mark.filterwarnings("ignore")  # tiny runs: the sampler warns, rightly

#: Public names that are not called here, with the reason (a test checks they still exist).
NOT_CALLED: dict[str, str] = {}

TINY = {"draws": 30, "tune": 30, "chains": 2}
#: Size knobs, passed only where the callable has the keyword and its default has that type.
KNOBS = {**TINY, "progress": False, "datasets": 2, "prior_draws": 50}
#: Callables whose ``**kwargs`` reach a sampler (they get ``TINY``), and the other callables
#: with ``**kwargs`` (a new callable with ``**kwargs`` must join one of the two).
SAMPLER_KWARGS = {"fit_many", "fit_spec", "lfo_cv", "compare_priors"}
OTHER_KWARGS = {"prior_from_mle", "load_dataset", "lag_noise_mle"}


# ------------------------------------------------------------------ the public names
def _public_modules() -> dict[str, object]:
    """``bayes_beta`` and its submodules with an ``__all__`` (``pkgutil``), and the modules
    named in an ``__all__`` (``bayes_beta.datasets``), by name."""
    found = {"bayes_beta": bb}
    for info in pkgutil.iter_modules(bb.__path__, "bayes_beta."):
        if info.name.endswith("__main__"):  # runs a job when imported
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__"):
            found[info.name] = module
    todo = list(found.values())
    while todo:
        module = todo.pop()
        for name in module.__all__:
            obj = getattr(module, name)
            if (inspect.ismodule(obj) and obj.__name__.startswith("bayes_beta")
                    and obj.__name__ not in found and hasattr(obj, "__all__")):
                found[obj.__name__] = obj
                todo.append(obj)
    return found


def _public_objects() -> dict[str, object]:
    """Every public function and class, once, by its short name."""
    out, seen = {}, set()
    for module in _public_modules().values():
        for name in module.__all__:
            obj = getattr(module, name)
            if id(obj) in seen or inspect.ismodule(obj):
                continue
            seen.add(id(obj))
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue  # exceptions and warnings are raised, not called
            if inspect.isfunction(obj) or inspect.isclass(obj):
                assert name not in out, f"two public objects are called {name!r}"
                out[name] = obj
    return out


PUBLIC = _public_objects()
FUNCTIONS = sorted(n for n, o in PUBLIC.items() if inspect.isfunction(o))
CLASSES = sorted(n for n, o in PUBLIC.items() if inspect.isclass(o))
FIT_METHODS = sorted(f"Fit.{n}" for n, _ in inspect.getmembers(bb.Fit, inspect.isfunction)
                     if not n.startswith("_"))
FITSET_METHODS = sorted(f"FitSet.{n}" for n, _ in inspect.getmembers(bb.FitSet, inspect.isfunction)
                        if not n.startswith("_"))


# ------------------------------------------------------------------ documented return types
_BUILTIN = {"float": numbers.Real, "int": numbers.Integral, "bool": (bool, np.bool_), "str": str,
            "list": list, "dict": dict, "tuple": tuple, "None": type(None)}


def _resolve(word: str):
    """The type a docstring names (``pandas.DataFrame``, ``Fit``, ``list of str``, ...)."""
    word = word.strip().split(" of ")[0].split("[")[0].strip()
    if word in _BUILTIN:
        return _BUILTIN[word]
    if "." in word:
        module, _, attr = word.rpartition(".")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            pass
    if word.split(".")[-1] in PUBLIC and inspect.isclass(PUBLIC[word.split(".")[-1]]):
        return PUBLIC[word.split(".")[-1]]
    for module in _public_modules().values():
        obj = getattr(module, word.split(".")[-1], None)
        if inspect.isclass(obj):
            return obj
    pytest.fail(f"cannot resolve the documented return type {word!r}: add it to _BUILTIN in "
                "tests/test_public_defaults.py or fix the docstring")


def documented_returns(obj) -> list[tuple]:
    """The Returns section as one tuple of accepted types per returned value (none: ``None``,
    as numpydoc has it)."""
    doc = inspect.getdoc(obj) or ""
    match = re.search(r"^Returns\n-+\n(.*?)(?=^\w[\w ]*\n-+\n|\Z)", doc, re.S | re.M)
    if match is None:
        return [(type(None),)]
    entries = [line for line in match.group(1).splitlines() if line and not line[0].isspace()]
    return [tuple(_resolve(alt) for alt in entry.split(" : ")[-1].split(" or "))
            for entry in entries]


def check_returns(obj, result) -> None:
    types = documented_returns(obj)
    name = obj.__qualname__
    if len(types) > 1:  # several named values: a tuple of them
        assert isinstance(result, tuple) and len(result) == len(types), (name, type(result))
        for value, accepted in zip(result, types, strict=True):
            assert isinstance(value, accepted), (name, type(value), accepted)
    else:
        assert isinstance(result, types[0]), (name, type(result), types[0])


# ------------------------------------------------------------------ shared data and fits
@pytest.fixture(scope="module")
def frame():
    return bb.datasets.load_example().iloc[-150:]


@pytest.fixture(scope="module")
def fit(frame):
    """The tiny unseeded fit the Fit methods share."""
    return bb.fit(frame, "Util", ["Mkt-RF"], progress=False, **TINY)


@pytest.fixture(scope="module")
def universe():
    """Two industries on the market over 150 weeks: (returns, factors)."""
    returns = bb.datasets.load_industries(frequency="weekly")[["Util", "Banks"]].iloc[-150:]
    factors = bb.datasets.load_factors(frequency="weekly")[["Mkt-RF"]].loc[returns.index]
    return returns, factors


@pytest.fixture(scope="module")
def client():
    """One dask worker thread in this process (it reuses the models compiled here); tcp, so
    the command line can reach it with ``--scheduler``."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def fitsets(universe, client, tmp_path_factory):
    """Unseeded ``fit_many`` of the two funds, pooled and not, by pooling."""
    returns, factors = universe
    root = tmp_path_factory.mktemp("many")
    return {pooling: bb.fit_many(returns, factors, store=root / pooling, client=client,
                                 pooling=pooling, progress=False, **TINY)
            for pooling in ("none", "partial")}


@pytest.fixture(scope="module")
def yields():
    return bb.datasets.load_treasury_yields(frequency="weekly")["10year"].iloc[-150:]


@pytest.fixture(scope="module")
def lag_posterior(yields):
    from bayes_beta.bayesian import build_lag_model, sample_lag_model

    return sample_lag_model(build_lag_model(yields), seed=None, **TINY)


@pytest.fixture(scope="module")
def state_space():
    return bb.StateSpace.random_walk(Q=[[4e-4]], R=[[2.5e-4]], b0=[0.5], P0=[[0.25]])


@pytest.fixture(scope="module")
def kalman_results(frame):
    from bayes_beta.classical import KalmanEngine, KalmanSpec

    return KalmanEngine(KalmanSpec(K=1)).run(frame, "Util", ["Mkt-RF"])


@pytest.fixture(scope="module")
def model_spec(frame):
    return bb.ModelSpec(name="tiny", data="example", target="Util", factors=["Mkt-RF"],
                        start=str(frame.index[0].date()))


@pytest.fixture(scope="module")
def comparison(fit):
    return bb.compare_priors({"default": fit}, lfo="none", prior_draws=50)


@pytest.fixture(scope="module")
def backtested():
    """An unseeded backtest (``seed=None``; the default is 0) over the last 20 weeks."""
    df = bb.datasets.load_example().iloc[-280:]
    return bb.backtest(df, "Util", ["Mkt-RF"], seed=None, **TINY)


@pytest.fixture(scope="module")
def saved(fit, fitsets, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    fit.save(folder / "fit.nc")
    fitsets["none"].save(folder / "fitset.nc")
    return folder


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _prior(fx):
    from bayes_beta.evaluate import prior_draws

    return prior_draws(fx("fit").design, fx("fit").variant, draws=50)


def _spec_file(fx):
    path = fx("tmp_path") / "tiny.toml"
    path.write_text(f'name = "tiny"\ndata = "example"\nstart = "{fx("frame").index[0].date()}"\n'
                    'target = "Util"\nfactors = ["Mkt-RF"]\n')
    return path


#: Required arguments by parameter name; ``fx(name)`` gives a fixture's value.
ARGS = {
    "df": lambda fx: fx("frame"),
    "data": lambda fx: "example",
    "target": lambda fx: "Util",
    "target_col": lambda fx: "Util",
    "factors": lambda fx: ["Mkt-RF"],
    "factor_cols": lambda fx: ["Mkt-RF"],
    "factor": lambda fx: "Mkt-RF",
    "names": lambda fx: ["Mkt-RF"],
    "name": lambda fx: "factors",
    "title": lambda fx: "tiny",
    "priors": lambda fx: "default",
    "fit": lambda fx: fx("fit"),
    "tree": lambda fx: fx("fit").tree,
    "design": lambda fx: fx("fit").design,
    "variant": lambda fx: fx("fit").variant,
    "model": lambda fx: bb.build_model(fx("frame"), "Util", ["Mkt-RF"]),
    "spec": lambda fx: fx("state_space"),
    "spec_or_fits": lambda fx: {"default": fx("fit")},
    "spec_or_values": lambda fx: fx("kalman_results"),
    "results": lambda fx: fx("kalman_results"),
    "fs": lambda fx: fx("fitsets")["none"],
    "pooled": lambda fx: fx("fitsets")["partial"],
    "independent": lambda fx: fx("fitsets")["none"],
    "returns": lambda fx: fx("universe")[0],
    "store": lambda fx: fx("tmp_path") / "store",
    "path": lambda fx: fx("tmp_path") / "out.nc",
    "cmp": lambda fx: fx("comparison"),
    "bt": lambda fx: fx("backtested"),
    "seed": lambda fx: None,  # fund_seed's: the seed of an unseeded run
    "fund": lambda fx: "Util",
    "y": lambda fx: fx("frame")["Util"].to_numpy(),
    "H": lambda fx: fx("frame")[["Mkt-RF"]].to_numpy(),
    "index": lambda fx: fx("frame").index,
    "K": lambda fx: 1,
    "M": lambda fx: np.eye(2),
    "d": lambda fx: {"name": "tiny", "data": "example", "target": "Util", "factors": ["Mkt-RF"]},
    "daily": lambda fx: bb.datasets.load_factors(frequency="daily").iloc[-30:],
    "excess": lambda fx: ["Mkt-RF"],
    "series": lambda fx: fx("yields"),
    "posterior": lambda fx: fx("lag_posterior"),
    "frames": lambda fx: {"a = 0.5": bb.classical.two_step_lag_smoother(fx("yields"), 0.5)},
    "fig": lambda fx: fx("fit").plot_exposures(),
    "a": lambda fx: 0.5,
    "q": lambda fx: 2e-4,
    "r": lambda fx: 2e-4,
    "p0": lambda fx: 0.03,
    "z": lambda fx: fx("yields").to_numpy(),
    "A": lambda fx: np.array([[0.5, 0.5], [1.0, 0.0]]),
    "Q": lambda fx: np.diag([2e-4, 0.0]),
    "R": lambda fx: np.array([[2e-4]]),
    "x0": lambda fx: np.full(2, fx("yields").iloc[0]),
    "P0": lambda fx: 0.03 * np.eye(2),
    "log_q": lambda fx: np.log([4e-4]),
    "log_r": lambda fx: float(np.log(2.5e-4)),
    "n_obs": lambda fx: 150,
    "x": lambda fx: np.random.default_rng().standard_normal(100),
    "lags": lambda fx: 6,
    "t": lambda fx: 100,
    "window": lambda fx: 52,
    "units": lambda fx: (1.0, 0.1),
    "rng": lambda fx: np.random.default_rng(),
    "mats": lambda fx: __import__("bayes_beta.bayesian.propagate", fromlist=["draw_matrices"])
    .draw_matrices(_prior(fx), fx("fit").design, bb.ModelOptions(volatility="constant")),
    "bands": lambda fx: [fx("fit").bands(0.9), fx("fit").bands(0.5)],
    "filtered": lambda fx: fx("fit").bands(source="filtered"),
    "smoothed": lambda fx: fx("fit").bands(),
    "ds": lambda fx: bb.kalman_smoother(fx("frame")["Util"].to_numpy(),
                                        fx("frame")[["Mkt-RF"]].to_numpy(),
                                        fx("state_space")).to_dataset(),
    "noise": lambda fx: fx("comparison").noise,
    "diff": lambda fx: pd.Series({"default": 0.0, "tight": -2.0}),
    "se": lambda fx: pd.Series({"default": 0.0, "tight": 1.0}),
    "prior": lambda fx: {"sigma_obs": np.abs(np.random.default_rng().normal(0, 0.02, 50))},
    "labels": lambda fx: {"sigma_obs": [""]},
    "attribution": lambda fx: fx("fit").attribution(),
    "forecast": lambda fx: fx("fit").forecast(4),
}

#: Where a parameter name means something else to one callable: ``"callable.param"``.
OVERRIDES = {
    "aggregate_weekly.df": ARGS["daily"],
    "backtest.df": lambda fx: bb.datasets.load_example().iloc[-280:],  # 5 years of windows
    "calibrate.factors": lambda fx: fx("frame")[["Mkt-RF"]].iloc[-60:],
    "fit_many.factors": lambda fx: fx("universe")[1],
    "fit_spec.spec": lambda fx: fx("model_spec"),
    "KalmanEngine.spec": lambda fx: bb.KalmanSpec(K=1),
    "DataSources.returns": lambda fx: "industries",
    "FitSet.data": lambda fx: fx("fitsets")["none"].data,
    "discrete_kalman.H": lambda fx: np.array([1.0, 0.0]),
    "lag_state_space.x0": lambda fx: 2.0,
    "plot_bands_overlay.bands": lambda fx: {"default": fx("fit").bands()},
    "plot_volatility.bands": lambda fx: [fx("fit").volatility()],
    "plot_posterior_prior.posterior": lambda fx: {"sigma_obs": fx("fit").tree["posterior"]
                                                  ["sigma_obs"].values.ravel()},
    "prior_intervals.draws": _prior,
    "sample_lag_model.model": lambda fx: __import__("bayes_beta.bayesian", fromlist=["x"])
    .build_lag_model(fx("yields")),
    "load_fit.path": lambda fx: fx("saved") / "fit.nc",
    "load_fitset.path": lambda fx: fx("saved") / "fitset.nc",
    "open_store.path": lambda fx: fx("fitsets")["none"].store.root,
    "load_spec.path": _spec_file,
    "Fit.forecast.steps": lambda fx: 4,  # forecast needs steps or factors
}


def _call_args(name: str, obj, request, skip=()) -> dict:
    """Required arguments from the tables, knobs where the callable takes them."""
    fx = request.getfixturevalue
    sig = inspect.signature(obj)
    kwargs = {}
    for p in sig.parameters.values():
        if p.name in skip or p.kind in (p.VAR_POSITIONAL,):
            continue
        if p.kind is p.VAR_KEYWORD:
            if name in SAMPLER_KWARGS:
                kwargs.update(TINY)
            continue
        key = f"{name}.{p.name}"
        if key in OVERRIDES:
            kwargs[p.name] = OVERRIDES[key](fx)
        elif p.default is p.empty:
            if p.name not in ARGS:
                pytest.fail(f"{name}() requires {p.name!r}, which tests/test_public_defaults.py "
                            f"does not know: add {p.name!r} to ARGS (or '{key}' to OVERRIDES), "
                            f"or {name!r} with a reason to NOT_CALLED")
            kwargs[p.name] = ARGS[p.name](fx)
        elif p.name in KNOBS and type(p.default) is type(KNOBS[p.name]):
            kwargs[p.name] = KNOBS[p.name]
        elif p.name == "client":
            kwargs[p.name] = fx("client")
    return kwargs


def _returned_classes() -> set:
    """The classes a public function or a public class's method documents that it returns
    (``list of KalmanResults`` counts ``KalmanResults``)."""
    sources = [PUBLIC[n] for n in FUNCTIONS]
    for name in CLASSES:
        sources += [m for n, m in inspect.getmembers(PUBLIC[name], inspect.isfunction)
                    if not n.startswith("_") and "\nReturns\n" in (inspect.getdoc(m) or "")]
    out = set()
    for obj in sources:
        doc = inspect.getdoc(obj) or ""
        match = re.search(r"^Returns\n-+\n(.*?)(?=^\w[\w ]*\n-+\n|\Z)", doc, re.S | re.M)
        for line in (match.group(1).splitlines() if match else []):
            if line and not line[0].isspace():
                for alt in line.split(" : ")[-1].split(" or "):
                    out.update(_resolve(part) for part in re.split(r" of | to ", alt))
    return out


# ------------------------------------------------------------------ the walk
def test_the_walk_finds_the_public_api():
    assert {"fit", "fit_many", "sample", "fit_spec", "backtest", "compare_priors", "lfo_cv",
            "calibrate", "build_lag_model", "load_example", "fit_report"} <= set(FUNCTIONS)
    assert {"Fit", "FitSet", "KalmanSpec"} <= set(CLASSES)
    assert {"Fit.forecast", "Fit.checks", "Fit.attribution", "Fit.bands", "Fit.summary",
            "Fit.save", "Fit.variance_decomposition", "Fit.plot_exposures"} <= set(FIT_METHODS)


def test_not_called_names_still_exist():
    stale = sorted(set(NOT_CALLED) - set(PUBLIC) - set(FIT_METHODS) - set(FITSET_METHODS))
    assert not stale, f"NOT_CALLED names that are no longer public: {stale}"


def test_every_kwargs_callable_is_classified():
    with_kwargs = {n for n in FUNCTIONS if any(
        p.kind is p.VAR_KEYWORD for p in inspect.signature(PUBLIC[n]).parameters.values())}
    assert with_kwargs == SAMPLER_KWARGS | OTHER_KWARGS, (
        "a public callable with **kwargs: add it to SAMPLER_KWARGS (they reach a sampler) or "
        f"OTHER_KWARGS; differences {sorted(with_kwargs ^ (SAMPLER_KWARGS | OTHER_KWARGS))}")


@pytest.mark.parametrize("name", [n for n in FUNCTIONS if n not in NOT_CALLED])
def test_function_runs_with_required_arguments_only(name, request):
    obj = PUBLIC[name]
    result = obj(**_call_args(name, obj, request))
    check_returns(obj, result)


@pytest.mark.parametrize("name", [n for n in CLASSES if n not in NOT_CALLED])
def test_class_builds_from_required_arguments(name, request):
    """A class is built from its required arguments; one that needs an argument the tables
    do not know must be the documented result of a public callable (so its type is checked
    there) or be listed in NOT_CALLED."""
    cls = PUBLIC[name]
    params = [p for p in inspect.signature(cls).parameters.values()
              if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    unknown = [p.name for p in params if p.name not in ARGS and f"{name}.{p.name}" not in OVERRIDES]
    if unknown:
        assert cls in _returned_classes(), (
            f"{name} needs {unknown}: add them to ARGS, or {name!r} with a reason to NOT_CALLED")
        return
    assert isinstance(cls(**_call_args(name, cls, request)), cls)


@pytest.mark.parametrize("name", [n for n in FIT_METHODS if n not in NOT_CALLED])
def test_fit_method_runs_with_required_arguments_only(name, fit, request):
    method = getattr(bb.Fit, name.split(".")[1])
    result = method(fit, **_call_args(name, method, request, skip=("self",)))
    check_returns(method, result)


@pytest.mark.parametrize("pooling", ["none", "partial"])
@pytest.mark.parametrize("name", [n for n in FITSET_METHODS if n not in NOT_CALLED])
def test_fitset_method_runs_with_required_arguments_only(name, pooling, fitsets, request):
    method = getattr(bb.FitSet, name.split(".")[1])
    kwargs = _call_args(name, method, request, skip=("self",))
    if name == "FitSet.population" and pooling == "none":  # documented: pooled FitSets only
        with pytest.raises(bb.ArgumentError, match="pooling"):
            method(fitsets[pooling], **kwargs)
        return
    check_returns(method, method(fitsets[pooling], **kwargs))


# ------------------------------------------------------------------ the seed's promises
def _draws(fit):
    return (fit.tree["posterior"]["sigma_obs"].values, fit.tree["exposures"]["path"].values)


def test_an_unseeded_fit_records_a_seed_that_repeats_it(fit, frame):
    seed = fit.tree.attrs["seed"]
    assert isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0
    again = bb.fit(frame, "Util", ["Mkt-RF"], seed=int(seed), progress=False, **TINY)
    for a, b in zip(_draws(fit), _draws(again), strict=True):
        np.testing.assert_array_equal(a, b)


def test_two_unseeded_fits_differ_and_one_seed_gives_one_fit(fit, frame):
    other = bb.fit(frame, "Util", ["Mkt-RF"], progress=False, **TINY)
    assert other.tree.attrs["seed"] != fit.tree.attrs["seed"]
    assert not np.array_equal(_draws(other)[0], _draws(fit)[0])
    one, two = (bb.fit(frame, "Util", ["Mkt-RF"], seed=12345, progress=False, **TINY)
                for _ in range(2))
    assert one.tree.attrs["seed"] == 12345
    for a, b in zip(_draws(one), _draws(two), strict=True):
        np.testing.assert_array_equal(a, b)


def test_sample_and_fit_spec_record_their_seeds(frame, model_spec):
    sampled = bb.sample(bb.build_model(frame, "Util", ["Mkt-RF"]), progress=False, **TINY)
    specced = bb.fit_spec(model_spec, progress=False, **TINY)
    assert sampled.tree.attrs["seed"] >= 0 and specced.tree.attrs["seed"] >= 0


def test_seeds_beyond_64_bits_are_refused_before_compiling(frame, fit, yields):
    from bayes_beta.bayesian import build_lag_model, sample_lag_model
    from bayes_beta.evaluate import Refitter

    with pytest.raises(bb.ArgumentError, match=r"seed must be an integer in \[0, 2\*\*64\)"):
        bb.fit(frame, "Util", ["Mkt-RF"], seed=2**64)
    with pytest.raises(bb.ArgumentError, match="2\\*\\*64"):
        sample_lag_model(build_lag_model(yields), seed=2**64)
    with pytest.raises(bb.ArgumentError, match="2\\*\\*64"):
        Refitter(fit.design, fit.variant, seed=2**64)
    with pytest.raises(bb.ArgumentError, match="2\\*\\*64"):
        bb.fit_many(frame[["Util"]], frame[["Mkt-RF"]], store="unused", seed=2**64)
    with pytest.raises(bb.ArgumentError, match="seed must be an integer >= 0"):
        bb.specs.Sampling(seed=-1)  # the one settings object refuses it, before any spec
    # the largest seed still runs: the NUTS seed is 64-bit, the path draws' seeds wrap
    top = bb.fit(frame, "Util", ["Mkt-RF"], seed=2**64 - 1, progress=False, **TINY)
    assert int(top.tree.attrs["seed"]) == 2**64 - 1


def test_lfo_refit_seeds_stay_within_64_bits(fit):
    from bayes_beta.evaluate.lfo import FilterWrapper

    class Stub:
        seed = 2**64 - 1

        def sample(self, n_train, seed=None):
            return seed

    assert FilterWrapper(Stub()).sample(10) == 9  # (2**64 - 1 + 10) mod 2**64
    Stub.seed = 7
    assert FilterWrapper(Stub()).sample(10) == 17  # as before


def test_unseeded_many_funds_record_their_seeds(fitsets, universe):
    from bayes_beta.bayesian.pooled import read_joint

    returns, _ = universe
    for pooling, fs in fitsets.items():
        assert sorted(fs.done) == sorted(returns.columns) and len(fs.failed) == 0, pooling
        seeds = {f: int(fs.data["seed"].sel(fund=f)) for f in fs.done}
        assert all(s >= 0 for s in seeds.values()) and len(set(seeds.values())) == 2, pooling
        for f, s in seeds.items():
            assert int(fs[f].tree.attrs["seed"]) == s
    index = pd.read_csv(fitsets["none"].store.root / "index.csv", index_col="fund")
    assert (index["seed"] >= 0).all()
    joint_seed = int(read_joint(fitsets["partial"].store.root).attrs["seed"])
    assert joint_seed >= 0
    for f in returns.columns:
        assert int(fitsets["partial"].data["seed"].sel(fund=f)) == bb.fund_seed(joint_seed, f)


def test_the_recorded_seed_repeats_a_pooled_run(fitsets, universe, client, tmp_path):
    from bayes_beta.bayesian.pooled import read_joint

    returns, factors = universe
    first = fitsets["partial"]
    seed = int(read_joint(first.store.root).attrs["seed"])
    again = bb.fit_many(returns, factors, store=tmp_path / "again", pooling="partial",
                        seed=seed, progress=False, **TINY)
    for f in returns.columns:
        for a, b in zip(_draws(first[f]), _draws(again[f]), strict=True):
            np.testing.assert_array_equal(a, b)


def test_unseeded_backtest_comparison_and_calibration(backtested, model_spec, frame):
    from bayes_beta.evaluate import calibrate

    assert "bayes" in set(backtested.steps["method"])
    assert backtested.steps.query("method == 'bayes'")["forecast"].notna().all()
    cmp = bb.compare_priors(model_spec, variants=["default"], min_train=145, prior_draws=50,
                            **TINY)
    assert cmp.fits["default"].tree.attrs["seed"] >= 0
    assert np.isfinite(cmp.table.loc["default", "elpd_lfo"])
    cal = calibrate(frame[["Mkt-RF"]].iloc[-60:], datasets=2, seed=None, **TINY)
    assert len(cal.ranks) == 2


def test_unseeded_lag_model(yields, lag_posterior):
    from bayes_beta.bayesian import lag_posterior_bands

    assert dict(lag_posterior.sizes) == {"chain": 2, "draw": 30}
    bands = lag_posterior_bands(yields, lag_posterior, seed=None)
    assert (bands["lower"] <= bands["upper"]).all()


def test_unseeded_forecast_and_checks(fit):
    assert fit.forecast(4, seed=None)["exposure"].notnull().all()
    assert np.isfinite(fit.checks(seed=None, draws=30).summary["log_score"])
    assert len(bb.predictive_checks(fit, draws=30, seed=None).pit) == len(fit.design.y)


@pytest.mark.parametrize("volatility", ["student_t", "stochastic"])
def test_unseeded_variance_draws_of_forecasts_and_checks(volatility, frame):
    """Student-t scales and stochastic log-variances are drawn in the forecast and the checks:
    ``seed=None`` draws fresh ones, a seed repeats them."""
    fit = bb.fit(frame, "Util", ["Mkt-RF"], volatility=volatility, progress=False, **TINY)
    assert fit.tree.attrs["seed"] >= 0
    scenario = pd.DataFrame({"Mkt-RF": [0.01, -0.02]},
                            index=pd.date_range(fit.design.time[-1], periods=3, freq="W-FRI")[1:])
    fresh = [fit.forecast(factors=scenario, seed=None)["return"].values for _ in range(2)]
    assert not np.array_equal(*fresh)
    again = [fit.forecast(factors=scenario, seed=3)["return"].values for _ in range(2)]
    np.testing.assert_array_equal(*again)
    pits = [fit.checks(seed=seed, draws=30).pit.values for seed in (None, None, 5, 5)]
    assert not np.array_equal(pits[0], pits[1])
    np.testing.assert_array_equal(pits[2], pits[3])


# ------------------------------------------------------------------ the command line
CLI_SMALL = ["--draws", "30", "--tune", "30", "--chains", "2", "--quiet"]


def _cli_spec(tmp_path, frame, many: bool = False):
    start = frame.index[0].date()
    if many:
        body = ('name = "many"\ndata = { returns = "industries", factors = "factors" }\n'
                f'start = "{start}"\ntargets = ["Util", "Banks"]\nfactors = ["Mkt-RF"]\n')
    else:
        body = (f'name = "tiny"\ndata = "example"\nstart = "{start}"\ntarget = "Util"\n'
                'factors = ["Mkt-RF"]\n[compare]\nmin_train = 145\n'
                '[priors.default]\nbase = "default"\n')
    path = tmp_path / ("many.toml" if many else "tiny.toml")
    path.write_text(body)
    return path


def test_cli_fit_compare_and_backtest_without_seed(frame, fit, tmp_path, capsys):
    from bayes_beta.cli import main

    spec = str(_cli_spec(tmp_path, frame))
    assert main(["fit", spec, "--out", str(tmp_path / "fit"), *CLI_SMALL]) == 0
    assert bb.load_fit(tmp_path / "fit" / "fit_default.nc").tree.attrs["seed"] >= 0
    assert main(["compare", spec, "--out", str(tmp_path / "cmp"), *CLI_SMALL]) == 0
    start = str(frame.index[-8].date())
    assert main(["backtest", spec, "--out", str(tmp_path / "bt"), "--start", start,
                 *CLI_SMALL]) == 0
    assert (tmp_path / "bt" / "overall.csv").is_file()
    assert "error" not in capsys.readouterr().err


def test_cli_fit_many_without_seed(frame, client, tmp_path, capsys):
    from bayes_beta.cli import main

    spec = str(_cli_spec(tmp_path, frame, many=True))
    address = client.scheduler.address
    for pooling in ("none", "partial"):
        out = tmp_path / pooling
        assert main(["fit-many", spec, "--out", str(out), "--scheduler", address,
                     "--pooling", pooling, *CLI_SMALL]) == 0, capsys.readouterr().err
        fs = bb.load_fitset(out / "fitset.nc")
        assert len(fs.done) == 2 and (fs.data["seed"] >= 0).all()

