"""The sampler callbacks are compiled once per machine: a fresh process that meets a model
compiled before loads them from the disk cache, draws exactly what nutpie's own compilation
draws, and a model of another structure is compiled."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import bayes_beta as bb

SCRIPT = """
import json, sys
import bayes_beta as bb
from numba.core import event
from bayes_beta.bayesian import compiled, sampling

events = []
class Count(event.Listener):
    def on_start(self, ev):
        events.append(getattr(ev.data.get("dispatcher"), "__qualname__", "?"))
    def on_end(self, ev):
        pass
event.register("numba:compile", Count())
df = bb.datasets.load_example().iloc[-200:]
for volatility in sys.argv[1:]:
    before, n = dict(compiled.STATS), len(events)
    model = bb.build_model(df, "Util", ["Mkt-RF"], volatility=volatility)
    sampling.compile_model(model)
    print(json.dumps({"key": compiled.disk_key(model), "numba_compiles": len(events) - n,
                      **{k: compiled.STATS[k] - before[k] for k in before}}))
"""


def _compile_in_subprocess(cache, *volatilities) -> list[dict]:
    env = {**os.environ, "BAYES_BETA_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, *volatilities], env=env, check=True,
                         capture_output=True, text=True, timeout=900)
    return [json.loads(line) for line in out.stdout.strip().splitlines()[-len(volatilities):]]


def test_a_fresh_process_compiles_nothing_for_a_model_compiled_before(tmp_path):
    (first,) = _compile_in_subprocess(tmp_path, "constant")
    assert (first["compiled"], first["loaded"]) == (2, 0), first
    constant, garch = _compile_in_subprocess(tmp_path, "constant", "garch")
    print(first, constant, garch)
    # the same model in a new process: both callbacks from disk, and numba compiles nothing at
    # all (no PyTensor function is built); the same structure gives the same key
    assert (constant["compiled"], constant["loaded"], constant["numba_compiles"]) == (0, 2, 0)
    assert constant["key"] == first["key"]
    # another structure (GARCH noise): another key, both callbacks compiled
    assert (garch["compiled"], garch["loaded"]) == (2, 0) and garch["numba_compiles"] > 0
    assert garch["key"] != constant["key"]
    assert len(list(tmp_path.glob("models/*.json"))) == 2


@pytest.mark.parametrize("volatility", ["garch", pytest.param("constant", marks=pytest.mark.slow)])
def test_same_draws_as_nutpies_own_compilation(volatility):
    import nutpie

    from bayes_beta.bayesian import compiled, sampling

    df = bb.datasets.load_example()
    model = bb.build_model(df.iloc[-300:], "Util", ["Mkt-RF"], volatility=volatility)
    theirs = nutpie.compile_pymc_model(model, backend="numba")
    ours = compiled.compile_cached(model)
    other = sampling.model_data(bb.build_model(df.iloc[-500:], "Util", ["Mkt-RF"],
                                               volatility=volatility))
    for a, b in ((theirs, ours), (theirs.with_data(**other), ours.with_data(**other))):
        ta = nutpie.sample(a, draws=40, tune=40, chains=2, seed=3, progress_bar=False)
        tb = nutpie.sample(b, draws=40, tune=40, chains=2, seed=3, progress_bar=False)
        for name in ta.posterior.data_vars:
            np.testing.assert_array_equal(ta.posterior[name].values, tb.posterior[name].values)
    # a changed dataset of another length is read through the user-data words
    assert ours.with_data(**other).shared_data["y"].shape == (500,)
