"""Bad input to the Bayesian fit: a bayes_beta error naming the column and the fix."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta import ColumnError, DataError, SpecError


@pytest.fixture
def df():
    rng = np.random.default_rng(0)
    idx = pd.date_range("2001-01-05", periods=60, freq="W-FRI")
    return pd.DataFrame(rng.normal(size=(60, 3)) * 0.01, index=idx, columns=["y", "a", "b"])


@pytest.mark.parametrize(
    "mutate, target, factors, error, message",
    [
        (None, "fund", ["a"], ColumnError, "fund"),
        (None, "y", ["a", "c"], ColumnError, "'c'"),
        (None, "y", [], DataError, "at least one factor"),
        (None, "y", ["y", "a"], DataError, "both the target and a factor"),
        (lambda d: d.assign(a=1.0), "y", ["a", "b"], DataError, "Factor 'a' is constant"),
        (
            lambda d: d.assign(b=2 * d["a"]),
            "y",
            ["a", "b"],
            DataError,
            "'b' is a linear combination of 'a'",
        ),
        (lambda d: d.assign(a=0.01), "y", ["a", "b"], DataError, "Factor 'a' is constant"),
        (lambda d: d.assign(y=0.02), "y", ["a", "b"], DataError, "Target 'y' is constant"),
        (lambda d: d.assign(b=np.nan), "y", ["a", "b"], DataError, "'b'.*NaN"),
        (lambda d: d.assign(b="x"), "y", ["a", "b"], DataError, "'b'.*numeric"),
        (lambda d: d.iloc[:12], "y", ["a", "b"], DataError, "too few rows"),
        (
            lambda d: d.assign(b=np.where(np.arange(60) < 45, np.nan, d["b"])),
            "y",
            ["a", "b"],
            DataError,
            "Only 15 rows have the target and every factor",
        ),
        (lambda d: d.iloc[::-1], "y", ["a"], DataError, "sort"),
    ],
)
def test_bad_input_is_named(df, mutate, target, factors, error, message):
    data = df if mutate is None else mutate(df)
    before = data.copy(deep=True)
    with pytest.raises(error, match=message):
        bb.build_model(data, target, factors)
    pd.testing.assert_frame_equal(data, before)


def test_factor_collinear_with_the_intercept(df):
    """mkt2 = a + 0.002 is fine without an intercept, but not identified with one."""
    data = df.assign(b=df["a"] + 0.002)
    bb.build_model(data, "y", ["a", "b"])
    with pytest.raises(DataError, match="'b' is a linear combination of 'alpha', 'a'"):
        bb.build_model(data, "y", ["a", "b"], intercept=True)
    with pytest.raises(DataError, match="'a' is constant"):
        bb.build_model(df.assign(a=0.01), "y", ["a"], intercept=True)


def test_bad_settings(df):
    with pytest.raises(SpecError, match="Unknown prior variant 'wide'"):
        bb.build_model(df, "y", ["a"], priors="wide")
    with pytest.raises(SpecError, match="dynamics must be one of"):
        bb.build_model(df, "y", ["a"], dynamics="ar2")
    with pytest.raises(SpecError, match="Unknown prior family"):
        bb.NoisePrior("gamma")
    with pytest.raises(SpecError, match="inversegamma is on variances"):
        bb.PriorVariant("x", state=bb.NoisePrior("inversegamma"), correlated=True)
    with pytest.raises(DataError, match="init_window must be between"):
        bb.build_model(df, "y", ["a"], init_window=500)


def test_model_variants_build_and_can_be_extended(df):
    import pymc as pm

    for name in bb.PRIOR_VARIANTS:
        model = bb.build_model(df, "y", ["a", "b"], priors=name)
        assert "sigma_obs" in model.named_vars
    families = ["halfnormal", "halfstudentt", "exponential", "lognormal", "inversegamma"]
    for fam in families:
        variant = bb.PriorVariant(fam, state=bb.NoisePrior(fam, 0.3))
        model = bb.build_model(
            df,
            "y",
            ["a"],
            priors=variant,
            intercept=True,
            dynamics="mean_reverting",
            initial="prior",
        )
        assert {"phi", "mu", "b0", "sigma_state"} <= set(model.named_vars)
        assert list(model.coords["factor"]) == ["alpha", "a"]
    with model:
        pm.Normal("extra", 0.0, 1.0)
    assert "extra" in model.named_vars
    logp = model.compile_logp()(model.initial_point())
    assert np.isfinite(logp)


def test_tight_prior_is_tighter_than_loose(df):
    import pymc as pm

    draws = {}
    for name in ("tight", "default", "loose"):
        model = bb.build_model(df, "y", ["a", "b"], priors=name)
        draws[name] = pm.draw(model["sigma_state"], draws=4000, random_seed=1)
    assert np.median(draws["tight"]) < np.median(draws["default"])
    assert np.quantile(draws["loose"], 0.99) > np.quantile(draws["default"], 0.99)
