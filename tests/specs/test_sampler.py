"""One sampler-settings object: every entry point refuses the same bad setting with the same
message, before any work, and uses the same defaults unless its docstring says why not."""

import inspect

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian import sampling
from bayes_beta.bayesian.fit import fit_design
from bayes_beta.bayesian.lag_model import sample_lag_model
from bayes_beta.evaluate.lfo import Refitter
from bayes_beta.specs import ModelOptions, Sampling

BAD = [
    ({"draws": 0}, "draws must be an integer >= 1; got 0"),
    ({"tune": 0}, "tune must be an integer >= 1; got 0"),
    ({"chains": 1.5}, "chains must be an integer >= 1"),
    ({"seed": -1}, "seed must be an integer >= 0"),
    ({"seed": 2**64}, r"seed must be an integer in \[0, 2\*\*64\)"),
    ({"target_accept": 1.0}, "target_accept must be a number strictly between 0 and 1"),
]


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    idx = pd.date_range("2001-01-05", periods=80, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(80, 2)) * 0.01, index=idx, columns=["y", "a"])


@pytest.fixture
def no_sampling(monkeypatch):
    monkeypatch.setattr(sampling, "run", lambda *a, **k: pytest.fail("sampling started"))


@pytest.mark.parametrize(("kwargs", "message"), BAD, ids=[str(k) for k, _ in BAD])
def test_every_entry_point_refuses_a_bad_setting_with_one_message(frame, no_sampling, tmp_path,
                                                                 kwargs, message):
    calls = {
        "Sampling": lambda: Sampling(**kwargs),
        "fit": lambda: bb.fit(frame, "y", ["a"], **kwargs),
        "sample": lambda: bb.sample(bb.build_model(frame, "y", ["a"]), **kwargs),
        "fit_many": lambda: bb.fit_many(frame[["y"]], frame[["a"]], store=tmp_path / "s",
                                        **kwargs),
        "backtest": lambda: bb.backtest(frame, "y", ["a"], **kwargs),
        "Refitter": lambda: Refitter(bb.make_design(frame, "y", ["a"]),
                                     bb.PRIOR_VARIANTS["default"], **kwargs),
    }
    for name, call in calls.items():
        with pytest.raises(bb.ArgumentError, match=message):
            call()
        assert not (tmp_path / "s").exists(), name
    # a model file names the file and the key, with the same words
    (key, value), = kwargs.items()
    toml = tmp_path / "m.toml"
    toml.write_text('name = "m"\ndata = "example"\ntarget = "Util"\nfactors = ["Mkt-RF"]\n'
                    f"[sampling]\n{key} = {value}\n")
    with pytest.raises(bb.SpecError, match=f"m.toml.*sampling.{key}: "
                       + message.split(" ", 1)[1]):
        bb.load_spec(toml)


def test_a_bad_sampler_is_an_argument_error_everywhere(frame):
    with pytest.raises(bb.ArgumentError, match="sampler must be one of"):
        Sampling(sampler="metropolis")
    with pytest.raises(bb.ArgumentError, match="sampler must be one of"):
        sampling.run(bb.build_model(frame, "y", ["a"]), draws=1, tune=1, chains=1, seed=0,
                     sampler="metropolis")


def test_defaults_are_the_settings_objects_unless_documented():
    defaults = Sampling()
    same = [bb.fit, bb.sample, Refitter.__init__, fit_design]
    for func in same:
        params = inspect.signature(func).parameters
        for name in ("draws", "tune", "chains", "seed", "target_accept", "sampler"):
            if name in params:
                assert params[name].default == getattr(defaults, name), (func, name)
    # those that differ say why in their docstrings
    for func in (bb.backtest, sample_lag_model):
        params = inspect.signature(func).parameters
        assert params["draws"].default != defaults.draws
        assert "on purpose" in inspect.getdoc(func), func


def test_pick_takes_only_its_own_keys_over_the_defaults():
    kwargs = {"draws": 200, "volatility": "constant", "chains": 2, "intercept": True}
    assert Sampling.pick(kwargs) == Sampling(draws=200, chains=2)
    assert Sampling.pick(kwargs, tune=300) == Sampling(draws=200, tune=300, chains=2)
    assert ModelOptions.pick(kwargs) == ModelOptions(volatility="constant")
    seeds = {Sampling().resolved().seed for _ in range(5)}  # fresh: 5 draws in [0, 2**31)
    assert len(seeds) == 5 and all(isinstance(s, int) for s in seeds)
    assert Sampling(seed=5).resolved().seed == 5
