"""A model fitted again in the same process reuses its compiled form; any change gets its own."""

import numpy as np
import pandas as pd
import pymc as pm

import bayes_beta as bb
from bayes_beta.inference import _model_key, compile_nutpie


def _frame(seed=0, n=60):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(n, 3)) * 0.02, index=idx, columns=["y", "a", "b"])


def test_same_model_same_key_and_compiled_object():
    df = _frame()
    m1, m2 = bb.build_model(df, "y", ["a", "b"]), bb.build_model(df.copy(), "y", ["a", "b"])
    assert _model_key(m1) == _model_key(m2)
    assert compile_nutpie(m1) is compile_nutpie(m2)


def test_any_change_gives_a_new_key():
    df = _frame()
    base = _model_key(bb.build_model(df, "y", ["a", "b"]))
    other = df.copy()
    other.iloc[3, 0] += 1e-12
    changed = [
        bb.build_model(other, "y", ["a", "b"]),
        bb.build_model(df, "y", ["a", "b"], priors="tight"),
        bb.build_model(df, "y", ["a", "b"], dynamics="mean_reverting"),
        bb.build_model(df, "y", ["a", "b"], initial="diffuse"),
        bb.build_model(df, "y", ["b", "a"]),
    ]
    extended = bb.build_model(df, "y", ["a", "b"])
    with extended:
        pm.Potential("extra", -extended["sigma_obs"])
    keys = {_model_key(m) for m in [*changed, extended]}
    assert base not in keys and len(keys) == len(changed) + 1
