"""TOML model specs: the shipped specs load with their data; every invalid spec fails clearly."""

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.specs import DataSources, ModelSpec, load_spec

MODELS = Path(__file__).resolve().parents[2] / "models"
SHIPPED = sorted(MODELS.glob("*.toml"))
MANY = [p for p in SHIPPED if "targets" in p.read_text()]
SHIPPED = [p for p in SHIPPED if p not in MANY]

BASE = """
name = "t"
data = "example"
start = "2014-01-01"
end = "2015-12-31"
target = "Util"
factors = ["Mkt-RF", "d10y"]
"""


def write(tmp_path, text, name="spec.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_shipped_specs_are_there():
    assert {p.name for p in SHIPPED} >= {"utilities_rates.toml", "small_value.toml"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_spec_and_its_data_load(path):
    spec = load_spec(path)
    assert isinstance(spec, ModelSpec) and spec.path == path.resolve()
    df = spec.load_data()
    assert list(df.columns) == [spec.target, *spec.factors]
    assert len(df) > 500 and not df.isna().any().any()
    assert isinstance(df.index, pd.DatetimeIndex) and df.index.is_monotonic_increasing
    assert len(spec.priors) >= 4
    for name in spec.variant_names:
        assert spec.variant(name).name == name
    assert any(v.correlated for v in spec.priors)  # the LKJ variant
    with pytest.raises(AttributeError):
        spec.name = "changed"  # frozen


def test_industries_spec_names_every_industry_assembled_as_alone():
    spec = load_spec(MODELS / "industries_ff3.toml")
    assert spec.targets == "all" and MANY == [MODELS / "industries_ff3.toml"]
    names = spec.target_names()
    assert len(names) == 47 and names[0] == "Agric" and "RF" not in names
    returns, factors = spec.load_universe()
    assert returns.shape == (1461, 47) and list(factors.columns) == ["Mkt-RF", "SMB", "HML"]
    for name in ("Util", "Banks"):
        alone = spec.with_(target=name, targets=()).load_data()
        pd.testing.assert_series_equal(returns[name].dropna(), alone[name])
        pd.testing.assert_frame_equal(factors.loc[alone.index], alone[list(spec.factors)],
                                      check_freq=False)
    with pytest.raises(bb.SpecError, match="many targets"):
        spec.load_data()


def test_targets_list_gives_those_funds(tmp_path):
    spec = load_spec(write(tmp_path, BASE.replace('target = "Util"\n', "")
                           .replace('"example"', '{ returns = "industries" }')
                           .replace('["Mkt-RF", "d10y"]', '["Mkt-RF"]')
                           + 'targets = ["Util", "Banks"]'))
    assert spec.target_names() == ["Util", "Banks"] and spec.target == "Util"
    returns, _ = spec.load_universe()
    assert list(returns.columns) == ["Util", "Banks"]


def test_utilities_spec_reproduces_load_example_exactly():
    spec = load_spec(MODELS / "utilities_rates.toml")
    assert isinstance(spec.data, DataSources)
    pd.testing.assert_frame_equal(spec.load_data(), bb.datasets.load_example(), check_names=False)


def test_small_value_is_a_weekly_excess_return():
    spec = load_spec(MODELS / "small_value.toml")
    df = spec.load_data()
    daily = bb.datasets.load_size_value("1990-01-01", "1990-01-31")[["SMALL.HiBM"]].join(
        bb.datasets.load_factors("1990-01-01", "1990-01-31")[["RF"]], how="inner"
    )
    week = daily.loc["1990-01-06":"1990-01-12"]
    expected = (1 + week["SMALL.HiBM"]).prod() - (1 + week["RF"]).prod()
    assert df.loc["1990-01-12", "SMALL.HiBM"] == pytest.approx(expected, rel=1e-12)
    assert (df.index.day_of_week == 4).all()  # Friday weeks
    assert spec.variant("tight").state.scale == 0.025
    heavy = spec.variant("heavy")  # base "loose": obs prior kept, state partly overridden
    assert heavy.state.family == "halfstudentt" and heavy.obs == bb.PRIOR_VARIANTS["loose"].obs


def test_variants_compose_from_a_base_and_defaults(tmp_path):
    path = write(tmp_path, BASE + """
        [priors.a]
        base = "tight"
        state = { scale = 0.1 }
        [priors.b]
        state = { scale = [0.2, 0.05] }
        obs = { family = "lognormal", scale = 1, log_sd = 0.5 }
        correlated = true
        lkj_eta = 3
    """)
    spec = load_spec(path)
    a, b = spec.variant("a"), spec.variant("b")
    assert a.state == bb.NoisePrior("halfnormal", 0.1) and a.description.startswith("Near")
    assert b.obs == bb.NoisePrior("lognormal", 1.0, log_sd=0.5) and b.correlated
    assert b.lkj_eta == 3.0 and b.state == bb.NoisePrior("halfnormal", (0.2, 0.05))
    assert spec.variant() is a  # the first variant
    no_priors = load_spec(write(tmp_path, BASE, "p.toml"))
    assert no_priors.variant_names == list(bb.PRIOR_VARIANTS)


def test_csv_data_relative_to_the_spec_is_compounded_weekly(tmp_path):
    (tmp_path / "data").mkdir()
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2020-01-01", periods=300, name="Date")
    df = pd.DataFrame(rng.normal(0, 0.01, size=(300, 2)), index=idx, columns=["fund", "mkt"])
    df.to_csv(tmp_path / "data" / "fund.csv")
    path = write(tmp_path / "data", 'name = "c"\ndata = "fund.csv"\ntarget = "fund"\n'
                 'factors = ["mkt"]\n', "c.toml")
    weekly = load_spec(path).load_data()
    expected = bb.aggregate_weekly(df)
    pd.testing.assert_frame_equal(weekly, expected, check_freq=False)
    daily = load_spec(path).with_(frequency="daily").load_data()
    np.testing.assert_allclose(daily.to_numpy(), df.to_numpy())


def test_volatility_keys_reach_the_model(tmp_path):
    rng = np.random.default_rng(0)
    idx = pd.date_range("2020-01-03", periods=120, freq="W-FRI", name="Date")
    df = pd.DataFrame(rng.normal(0, 0.01, size=(120, 2)), index=idx, columns=["fund", "mkt"])
    df["rv"] = rng.uniform(0.5, 2.0, 120)
    df.to_csv(tmp_path / "fund.csv")
    path = write(tmp_path, 'name = "k"\ndata = "fund.csv"\ntarget = "fund"\nfactors = ["mkt"]\n'
                 'volatility = "known"\nvariance_multiplier = "rv"\n[priors.sv]\n'
                 "volatility = { half_life = 1.0, persistence = [10, 2] }\n")
    spec = load_spec(path)
    assert spec.options().volatility == "known" and spec.sampling.target_accept is None
    v = spec.variant("sv").volatility
    assert (v.half_life, v.persistence, v.vol_of_vol) == (1.0, (10.0, 2.0), 1.0)
    data = spec.load_data()
    assert list(data.columns) == ["fund", "mkt", "rv"]
    np.testing.assert_allclose(data["rv"], df["rv"])
    design = bb.make_design(data, "fund", ["mkt"], **spec.design_kwargs())
    np.testing.assert_allclose(design.multiplier, df["rv"])
    assert spec.with_(volatility="stochastic", variance_multiplier=None).options().volatility \
        == "stochastic"
    # a missing multiplier is not dropped with its row: the design names the column
    df.loc[df.index[40], "rv"] = np.nan
    df.to_csv(tmp_path / "fund.csv")
    with pytest.raises(bb.DataError, match="'rv'.*row 40"):
        bb.make_design(spec.load_data(), "fund", ["mkt"], **spec.design_kwargs())


def test_pooling_keys_reach_the_variant_and_the_spec(tmp_path):
    path = write(tmp_path, BASE + 'pooling = "partial"\n[priors.p]\n'
                 'pooling = { drift = 0.3, centred = ["obs", "drift"] }\n')
    spec = load_spec(path)
    assert spec.pooling == "partial"
    pooling = spec.variant("p").pooling
    assert (pooling.drift, pooling.centred, pooling.obs) == (0.3, ("obs", "drift"), 0.67)
    assert load_spec(MODELS / "industries_ff3.toml").pooling == "partial"


def test_with_revalidates_and_fit_kwargs():
    spec = load_spec(MODELS / "utilities_rates.toml")
    assert spec.with_(start="2010").load_data().index[0].year == 2010
    with pytest.raises(bb.SpecError, match="frequency"):
        spec.with_(frequency="monthly")
    assert spec.model_kwargs() == {"intercept": False, "dynamics": "random_walk",
                                   "initial": "ols", "init_window": None,
                                   "volatility": "garch", "variance_multiplier": None}
    assert spec.sampling_kwargs()["draws"] == 1000


# (TOML body, fragments the message must contain); every message also names the file
INVALID = {
    "unknown top key": (BASE + 'factor = ["x"]', ["factor: unknown key", "did you mean 'factors'"]),
    "missing target": ('name = "t"\ndata = "example"\nfactors = ["Mkt-RF"]',
                       ["target: missing required key"]),
    "factors not a list": (BASE.replace('["Mkt-RF", "d10y"]', '"Mkt-RF"'),
                           ["factors: must be a list of column names"]),
    "empty factors": (BASE.replace('["Mkt-RF", "d10y"]', "[]"), ["factors: no factors given"]),
    "repeated factor": (BASE.replace('"d10y"]', '"Mkt-RF"]'), ["factors:", "repeats a name"]),
    "target is a factor": (BASE.replace('"d10y"]', '"Util"]'), ["the target 'Util' is also"]),
    "bad frequency": (BASE + 'frequency = "monthly"', ["frequency: 'monthly' is not supported",
                                                       "daily, weekly"]),
    "bad dynamics": (BASE + 'dynamics = "randomwalk"', ["dynamics:", "'random_walk'"]),
    "bad initial": (BASE + 'initial = "olss"', ["initial:", "did you mean 'ols'"]),
    "bad date": (BASE.replace('"2014-01-01"', '"yesterday"'), ["start: 'yesterday' is not a date"]),
    "start after end": (BASE.replace('"2014-01-01"', '"2016-01-01"'), ["start:", "is after end"]),
    "unknown dataset": (BASE.replace('"example"', '"industrys"'),
                        ["data: unknown dataset 'industrys'", "did you mean 'industries'"]),
    "missing csv": (BASE.replace('"example"', '"nothere.csv"'),
                    ["data: CSV file", "does not exist"]),
    "data table without returns": (BASE.replace('"example"', '{ factors = "factors" }'),
                                   ["data.returns: missing"]),
    "data table unknown key": (BASE.replace('"example"', '{ returns = "industries", yield = "x" }'),
                               ["data.yield: unknown key", "did you mean 'yields'"]),
    "data wrong type": (BASE.replace('"example"', "3"), ["data: must be a dataset name"]),
    "draws zero": (BASE + "[sampling]\ndraws = 0", ["sampling.draws: must be an integer >= 1"]),
    "draws float": (BASE + "[sampling]\ndraws = 1.5", ["sampling.draws: must be an integer"]),
    "sampling unknown key": (BASE + "[sampling]\ndraw = 10", ["sampling.draw: unknown key"]),
    "bad lfo method": (BASE + '[compare]\nlfo = "exactly"', ["compare.lfo: unknown method",
                                                             "'exact'"]),
    "variant unknown key": (BASE + "[priors.a]\nstat = {}", ["priors.a.stat: unknown key",
                                                              "did you mean 'state'"]),
    "variant bad family": (BASE + '[priors.a]\nstate = { family = "halfnormall" }',
                           ["priors.a.state:", "Unknown prior family 'halfnormall'"]),
    "noise unknown key": (BASE + "[priors.a]\nstate = { sigma = 1 }",
                          ["priors.a.state.sigma: unknown key"]),
    "noise negative scale": (BASE + "[priors.a]\nobs = { scale = -1 }",
                             ["priors.a.obs:", "NoisePrior.scale must be positive"]),
    "scale list wrong length": (BASE + "[priors.a]\nstate = { scale = [0.1, 0.2, 0.3] }",
                                ["priors.a.state.scale: 3 scales for 2 noise sd(s)", "Fix: give"]),
    "scale list of strings": (BASE + '[priors.a]\nstate = { scale = ["a"] }',
                              ["priors.a.state.scale: must be a number or a list of numbers"]),
    "noise not a table": (BASE + "[priors.a]\nobs = 2", ["priors.a.obs: must be a table"]),
    "unknown base": (BASE + '[priors.a]\nbase = "tighter"', ["priors.a.base: no built-in variant",
                                                             "did you mean 'tight'"]),
    "correlated inversegamma": (BASE + '[priors.a]\ncorrelated = true\n'
                                'state = { family = "inversegamma" }',
                                ["priors.a:", "inversegamma is on variances"]),
    "correlated not bool": (BASE + '[priors.a]\ncorrelated = "yes"',
                            ["priors.a.correlated: must be true or false"]),
    "lkj eta negative": (BASE + "[priors.a]\nlkj_eta = -1",
                         ["priors.a:", "lkj_eta must be positive"]),
    "unknown volatility": (BASE + 'volatility = "stochastics"',
                           ["volatility: unknown volatility model", "did you mean 'stochastic'"]),
    "known without column": (BASE + 'volatility = "known"',
                             ["variance_multiplier: is needed by, and only by"]),
    "column without known": (BASE + 'variance_multiplier = "rv"',
                             ["variance_multiplier: is needed by, and only by"]),
    "known on a source table": (BASE.replace('"example"', '{ returns = "industries" }')
                                + 'volatility = "known"\nvariance_multiplier = "rv"',
                                ["variance_multiplier: needs data from one table"]),
    "volatility prior unknown key": (BASE + "[priors.a]\nvolatility = { halflife = 1 }",
                                     ["priors.a.volatility.halflife: unknown key",
                                      "did you mean 'half_life'"]),
    "volatility prior negative": (BASE + "[priors.a]\nvolatility = { vol_of_vol = -1 }",
                                  ["priors.a.volatility:", "vol_of_vol must be positive"]),
    "targets empty": (BASE + "targets = []", ["targets: is empty"]),
    "targets not a list": (BASE + "targets = 3", ["targets: must be a list of column names"]),
    "targets overlap factors": (BASE + 'targets = ["Banks", "Mkt-RF"]',
                                ["targets:", "are also factors"]),
    "volatility prior pair": (BASE + "[priors.a]\nvolatility = { persistence = 3 }",
                              ["priors.a.volatility.persistence: must be two numbers"]),
    "unknown pooling": (BASE + 'pooling = "full"', ["pooling: unknown pooling 'full'",
                                                    "none, partial"]),
    "pooling prior unknown key": (BASE + "[priors.a]\npooling = { drifts = 1 }",
                                  ["priors.a.pooling.drifts: unknown key",
                                   "did you mean 'drift'"]),
    "pooling prior bad group": (BASE + '[priors.a]\npooling = { centred = ["noise"] }',
                                ["priors.a.pooling:", "PoolingPrior.centred takes groups"]),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_spec_names_file_key_and_fix(tmp_path, case):
    body, fragments = INVALID[case]
    path = write(tmp_path, body)
    with pytest.raises(bb.SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert message.startswith(str(path.resolve())) or message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message, message


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(bb.SpecError, match="no such file"):
        load_spec(tmp_path / "none.toml")
    with pytest.raises(bb.SpecError, match="not valid TOML"):
        load_spec(write(tmp_path, 'name = "t\n'))


DATA_ERRORS = {
    "unknown target": (BASE.replace('"Util"', '"Utill"'),
                       ["target: column 'Utill' is in none of the sources", "did you mean 'Util'"]),
    "unknown factor": (BASE.replace('"d10y"', '"d10"'), ["factors: column 'd10'"]),
    "no such maturity": (BASE.replace('"example"', '{ returns = "industries", yields = '
                                      '"treasury_yields" }').replace('"d10y"', '"d4y"'),
                         ["factors: column '4year' is in none of the sources (yields)"]),
    "one day": (BASE.replace('"2015-12-31"', '"2014-01-02"'), ["data:", "too few rows"]),
    "dates outside": (BASE.replace("2014-01-01", "1950-01-01").replace("2015-12-31", "1950-12-31"),
                      ["data:", "has no rows"]),
}


@pytest.mark.parametrize("case", list(DATA_ERRORS))
def test_data_problems_raise_spec_errors_at_load(tmp_path, case):
    body, fragments = DATA_ERRORS[case]
    spec = load_spec(write(tmp_path, body))
    with pytest.raises(bb.SpecError) as info:
        spec.load_data()
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_weekly_csv_cannot_be_read_as_daily(tmp_path):
    idx = pd.date_range("2020-01-03", periods=60, freq="W-FRI", name="Date")
    pd.DataFrame({"fund": 0.01, "mkt": np.linspace(-0.01, 0.01, 60)}, index=idx).to_csv(
        tmp_path / "w.csv")
    spec = load_spec(write(tmp_path, 'name = "w"\ndata = "w.csv"\nfrequency = "daily"\n'
                           'target = "fund"\nfactors = ["mkt"]'))
    with pytest.raises(bb.SpecError, match="frequency: 'w.csv' is not daily"):
        spec.load_data()
