"""Bad input to the Bayesian fit: a bayes_beta error naming the column and the fix."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bayes_beta as bb
from bayes_beta import ColumnError, DataError, SpecError
from tests.helpers import sd_cdf


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
    model = bb.build_model(df, "y", ["a"], intercept=True, dynamics="mean_reverting",
                           initial="prior")
    with model:
        pm.Normal("extra", 0.0, 1.0)
    assert "extra" in model.named_vars
    point = model.initial_point()
    point["extra"] = 0.5
    logp = model.compile_logp(vars=[model["extra"]])(point)
    assert logp == pytest.approx(stats.norm.logpdf(0.5), rel=1e-12)


# The standard (scale 1) variable of each family (bayes_beta.bayesian.priors): its log-density,
# and the cdf of the documented sd prior with scale s (bayes_beta.specs.priors).
def _standard_logpdf(prior, z):
    return {
        "halfnormal": lambda: stats.halfnorm.logpdf(z),
        "halfstudentt": lambda: np.log(2.0) + stats.t.logpdf(z, prior.nu),
        "exponential": lambda: stats.expon.logpdf(z),
        "lognormal": lambda: stats.lognorm.logpdf(z, prior.log_sd),
        "inversegamma": lambda: stats.invgamma.logpdf(z, prior.alpha, scale=prior.alpha - 1),
    }[prior.family]()


FAMILIES = ["halfnormal", "halfstudentt", "exponential", "lognormal", "inversegamma"]


def test_every_family_is_checked():
    from bayes_beta.specs.priors import FAMILIES as DEFINED

    assert sorted(FAMILIES) == sorted(DEFINED)


@pytest.mark.parametrize("family", FAMILIES)
def test_noise_priors_have_the_documented_densities(df, family):
    """sd = unit x scale x z with z the family's standard variable: the model's log-density of
    z equals scipy's at several points (shape numbers away from their defaults), and draws of
    the sds pass a KS test against the documented prior with scale ``scale x unit``."""
    import pymc as pm

    shape = dict(nu=5.0, log_sd=0.6, alpha=4.0)
    obs, state = bb.NoisePrior(family, 1.5, **shape), bb.NoisePrior(family, (0.3, 0.7), **shape)
    y_unit, state_unit = 0.02, np.array([0.003, 0.005])
    model = bb.build_model(df, "y", ["a"], priors=bb.PriorVariant("x", state=state, obs=obs),
                           intercept=True, dynamics="mean_reverting", initial="prior",
                           units=(y_unit, state_unit), volatility="constant")
    assert {"phi", "mu", "b0", "sigma_state"} <= set(model.named_vars)
    assert list(model.coords["factor"]) == ["alpha", "a"]
    suffix = "_var_z" if family == "inversegamma" else "_z"  # inversegamma: z^2 is the variable
    for name, size in (("sigma_obs", 1), ("sigma_state", 2)):
        rv = model[name + suffix]
        value = model.rvs_to_values[rv].name
        assert value == f"{name}{suffix}_log__"
        logp = model.compile_logp(vars=[rv], jacobian=False)
        point = model.initial_point()
        for z in (0.05, 0.4, 1.0, 2.5):
            point[value] = np.full(np.shape(point[value]), np.log(z))
            want = size * _standard_logpdf(obs, z)
            assert logp(point) == pytest.approx(want, rel=1e-6, abs=1e-7), (name, z)
    sigma_obs, sigma_state = pm.draw([model["sigma_obs"], model["sigma_state"]], draws=2000,
                                     random_seed=1)
    assert stats.kstest(sigma_obs, sd_cdf(obs, 1.5 * y_unit)).pvalue > 1e-3
    for k, scale in enumerate(state.scale):
        law = sd_cdf(state, scale * state_unit[k])
        assert stats.kstest(sigma_state[:, k], law).pvalue > 1e-3, k
    # the KS test discriminates: the obs draws are not those of a twice wider prior
    assert stats.kstest(sigma_obs, sd_cdf(obs, 3.0 * y_unit)).pvalue < 1e-3


def test_tight_prior_is_tighter_than_loose(df):
    import pymc as pm

    draws = {}
    for name in ("tight", "default", "loose"):
        model = bb.build_model(df, "y", ["a", "b"], priors=name)
        draws[name] = pm.draw(model["sigma_state"], draws=4000, random_seed=1)
    assert np.median(draws["tight"]) < np.median(draws["default"])
    assert np.quantile(draws["loose"], 0.99) > np.quantile(draws["default"], 0.99)
