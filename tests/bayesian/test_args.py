"""Every sampler argument is checked before any compilation or sampling."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian import sampling


@pytest.fixture
def df():
    rng = np.random.default_rng(0)
    idx = pd.date_range("2001-01-05", periods=60, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(60, 2)) * 0.01, index=idx, columns=["y", "a"])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"draws": 0}, "draws must be an integer >= 1; got 0"),
    ({"draws": -5}, "draws must be an integer >= 1"),
    ({"draws": 10.0}, "draws must be an integer"),
    ({"chains": 0}, "chains must be an integer >= 1"),
    ({"tune": 0}, "tune must be an integer >= 1"),
    ({"seed": "abc"}, "seed must be an integer >= 0"),
    ({"seed": -1}, "seed must be an integer >= 0"),
    ({"target_accept": 1.5}, "target_accept must be a number strictly between 0 and 1"),
    ({"target_accept": 0}, "target_accept"),
    ({"sampler": "metropolis"}, "sampler must be one of"),
    ({"path_draws": 0}, "path_draws must be an integer >= 1"),
])
def test_bad_sampler_arguments_fail_before_any_work(df, monkeypatch, kwargs, message):
    monkeypatch.setattr(sampling, "run", lambda *a, **k: pytest.fail("sampling started"))
    with pytest.raises(bb.ArgumentError, match=message):
        bb.fit(df, "y", ["a"], **kwargs)
    with pytest.raises(bb.ArgumentError, match=message):
        bb.sample(bb.build_model(df, "y", ["a"]), **kwargs)
