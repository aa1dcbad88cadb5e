"""The ``bayes-beta`` command, run in a subprocess as a user would.

Each command that writes a report runs once, in a module-scoped fixture: one test checks the
files it wrote, another opens its ``report*.html`` in headless Chromium (:mod:`tests.browser`;
skipped, saying what to install, without playwright or Chromium).
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bayes_beta.cli import main
from tests.browser import assert_reads_well, check_report, require_chromium

ROOT = Path(__file__).resolve().parents[1]
TINY = """
name = "tiny"
data = { returns = "industries", factors = "factors", yields = "treasury_yields" }
start = "2014-01-01"
end = "2016-06-30"
target = "Util"
factors = ["Mkt-RF", "d10y"]
[sampling]
draws = 1000
tune = 1000
chains = 4
seed = 3
[compare]
min_train = 100
[priors.default]
base = "default"
[priors.heavy]
state = { family = "halfstudentt", scale = 1.0, nu = 3 }
"""
SMALL = ["--draws", "120", "--tune", "120", "--chains", "2"]


def run(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "bayes_beta.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


@pytest.fixture(scope="module")
def tiny_spec(tmp_path_factory):
    """The tiny spec, shared by the module's command runs."""
    path = tmp_path_factory.mktemp("spec") / "tiny.toml"
    path.write_text(TINY)
    return path


@pytest.fixture(scope="module")
def chromium():
    """Chromium's path; skips only the browser tests when playwright or Chromium is missing
    (listed first, so a skip comes before the command runs)."""
    return require_chromium()


def browse(res, html, name: str, images: int):
    """Open a command's HTML report in Chromium and check it reads on a phone."""
    assert res.returncode == 0, res.stderr[-3000:]
    measured = check_report(html, name)
    print({k: v for k, v in measured.items() if k not in ("toc_links", "h2_ids")})
    assert_reads_well(measured, images=images)
    return measured


def test_help_lists_commands_and_options():
    top = run("--help")
    assert top.returncode == 0
    for word in ("check", "fit", "compare", "models/README.md"):
        assert word in top.stdout
    cmp = run("compare", "--help")
    for option in ("--out", "--variants", "--lfo", "exact", "--min-train", "--draws", "--tune",
                   "--chains", "--seed", "--quiet", "report.html"):
        assert option in cmp.stdout, option
    fit = run("fit", "--help")
    assert "--variant" in fit.stdout and "fit_<V>.nc" in fit.stdout


def test_check_prints_the_data_summary():
    res = run("check", "models/utilities_rates.toml")
    assert res.returncode == 0, res.stderr
    assert "1421 weekly rows" in res.stdout and "variant 'correlated'" in res.stdout


@pytest.mark.parametrize(
    ("body", "extra", "message"),
    [
        ('name = "x"\ndata = "example"\ntarget = "Util"\nfactors = ["Mkt-RF"]\nfrequency = "m"',
         [], "frequency: 'm' is not supported"),
        ('name = "x"\ndata = "example"\ntarget = "Utl"\nfactors = ["Mkt-RF"]', [],
         "target: column 'Utl'"),
        (TINY, ["--variants", "default,nope"], "priors.nope: no variant 'nope'"),
        (TINY, ["--draws", "0"], "sampling.draws: must be an integer >= 1"),
        (TINY, ["--min-train", "1"], "compare.min_train: must be an integer >= 2"),
    ],
    ids=["bad key value", "unknown column", "unknown variant", "bad draws", "bad min-train"],
)
def test_bad_specs_fail_fast_with_exit_2(tmp_path, body, extra, message):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    start = time.perf_counter()
    res = run("compare", path, "--out", tmp_path / "out", *extra)
    assert res.returncode == 2
    assert message in res.stderr and str(path.name) in res.stderr
    assert res.stdout == "" and not (tmp_path / "out").exists()
    assert time.perf_counter() - start < 60  # no model was compiled


def test_missing_spec_and_usage_errors(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "none.toml"), "--out", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["compare", "spec.toml"])  # --out is required
    assert info.value.code == 2


@pytest.fixture(scope="module")
def compared(tiny_spec, tmp_path_factory):
    """``bayes-beta compare`` run once: (result, output folder)."""
    out = tmp_path_factory.mktemp("compare") / "out"
    return run("compare", tiny_spec, "--out", out, *SMALL), out


def test_compare_writes_every_promised_file(compared):
    res, out = compared
    assert res.returncode == 0, res.stderr[-3000:]
    assert "LFO-CV (approx)" in res.stderr and "fitting variant 'heavy'" in res.stderr
    assert "elpd_lfo" in res.stdout
    expected = ["comparison.csv", "noise.csv", "band_width.csv", "sensitivity.csv",
                "prior_checks.csv", "bands.png", "noise.png", "elpd.png", "report.md",
                "report.html", "fits/fit_default.nc", "fits/fit_heavy.nc"]
    for name in expected:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and 'src="bands.png"' not in html
    md = (out / "report.md").read_text()
    assert all(f"]({p}.png)" in md for p in ("bands", "noise", "elpd"))
    import bayes_beta as bb

    fit = bb.load_fit(out / "fits" / "fit_heavy.nc")
    assert fit.variant.name == "heavy" and fit.tree["posterior"].sizes["draw"] == 120


def test_compare_report_reads_in_a_browser(chromium, compared):
    res, out = compared
    browse(res, out / "report.html", "compare", images=3)


@pytest.fixture(scope="module")
def fitted(tiny_spec, tmp_path_factory):
    """``bayes-beta fit --variant heavy`` run once: (result, output folder)."""
    out = tmp_path_factory.mktemp("fit")
    return run("fit", tiny_spec, "--variant", "heavy", "--out", out, *SMALL, "--quiet"), out


def test_fit_writes_the_fit_and_its_report(fitted):
    res, tmp_path = fitted
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stderr.count("[") == 0  # --quiet: no progress lines
    for name in ("fit_heavy.nc", "summary_heavy.csv", "bands_heavy.csv", "drift_heavy.csv",
                 "report_heavy.md",
                 "report_heavy.html", "heavy_exposures.png", "heavy_filtered_vs_smoothed.png",
                 "heavy_forecast.png", "heavy_attribution.png", "heavy_checks.png"):
        assert (tmp_path / name).is_file(), name
    assert "sigma_obs" in res.stdout
    report = (tmp_path / "report_heavy.md").read_text()
    for heading in ("Which exposures move", "Forecast: exposures 13 steps ahead",
                    "Return attribution by year", "Model checks"):
        assert heading in report, heading


def test_fit_report_reads_in_a_browser(chromium, fitted):
    res, out = fitted
    browse(res, out / "report_heavy.html", "fit", images=len(list(out.glob("heavy_*.png"))))


@pytest.fixture(scope="module")
def backtested(tiny_spec, tmp_path_factory):
    """``bayes-beta backtest`` run once: (result, output folder's parent; the output is bt/)."""
    tmp_path = tmp_path_factory.mktemp("backtest")
    res = run("backtest", tiny_spec, "--out", tmp_path / "bt", "--start", "2016-06-01",
              "--draws", "60", "--tune", "60", "--chains", "2", "--volatility", "constant",
              "--quiet")
    return res, tmp_path


def test_backtest_writes_its_tables_and_report(backtested, tiny_spec):
    res, tmp_path = backtested
    assert res.returncode == 0, res.stderr[-3000:]
    for name in ("steps.csv", "by_year.csv", "overall.csv", "backtest.png", "report.md",
                 "report.html"):
        assert (tmp_path / "bt" / name).is_file(), name
    for method in ("bayes", "kalman_mle", "rolling_156", "rolling_260", "expanding_ols"):
        assert method in res.stdout, method
    bad = run("backtest", tiny_spec, "--out", tmp_path / "bt2", "--start", "soon", "--quiet")
    assert bad.returncode == 2 and "start must be a date" in bad.stderr


def test_backtest_report_reads_in_a_browser(chromium, backtested):
    res, tmp_path = backtested
    browse(res, tmp_path / "bt" / "report.html", "backtest", images=1)


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "{file}"], "is a file; give a folder"),
    (["--out", "{file}/sub"], "cannot be written to"),
    (["--out", "{out}", "--prob", "1.5"], "--prob must be strictly between 0 and 1"),
    (["--out", "{out}", "--min-train", "5"], "min_train must be an integer between"),
    (["--out", "{out}", "--draws", "0"], "sampling.draws: must be an integer >= 1"),
])
def test_bad_options_exit_2_with_one_line_before_sampling(tiny, tmp_path, args, message,
                                                         monkeypatch, capsys):
    from bayes_beta.bayesian import sampling

    monkeypatch.setattr(sampling, "run", lambda *a, **k: pytest.fail("sampling started"))
    (tmp_path / "afile").write_text("x")
    args = [a.format(file=tmp_path / "afile", out=tmp_path / "out") for a in args]
    assert main(["compare", str(tiny), *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_runtime_failure_exits_1_and_debug_shows_the_traceback(tiny, tmp_path, monkeypatch,
                                                              capsys):
    import bayes_beta.bayesian  # noqa: F401  (loads the module whose fit is replaced)

    fit_module = sys.modules["bayes_beta.bayesian.fit"]

    def boom(*args, **kwargs):
        raise RuntimeError("sampler crashed")

    monkeypatch.setattr(fit_module, "fit", boom)
    assert main(["fit", str(tiny), "--out", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "failed: RuntimeError: sampler crashed" in err and "--debug" in err
    assert err.count("\n") == 1
    with pytest.raises(RuntimeError, match="sampler crashed"):
        main(["fit", str(tiny), "--out", str(tmp_path), "--debug"])


def test_volatility_option_overrides_the_spec(tiny, tmp_path, capsys):
    out = tmp_path / "garch"
    assert main(["fit", str(tiny), "--out", str(out), "--volatility", "garch", "--quiet",
                 "--draws", "60", "--tune", "100", "--chains", "2"]) == 0
    assert "garch_alpha" in capsys.readouterr().out
    assert (out / "default_volatility.png").is_file()
    assert "One-step predictive checks" in (out / "report_default.md").read_text()
    import bayes_beta as bb

    fit = bb.load_fit(out / "fit_default.nc")
    assert fit.options.volatility == "garch" and "volatility" in fit.tree["exposures"]
    # "known" needs a multiplier column: refused before any sampling, naming the key
    assert main(["fit", str(tiny), "--out", str(out), "--volatility", "known", "--quiet"]) == 2
    assert "variance_multiplier" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["fit", str(tiny), "--out", str(out), "--volatility", "sv"])
    assert info.value.code == 2


MANY = """
name = "many"
data = { returns = "industries", factors = "factors", excess = true }
start = "2013-01-01"
end = "2015-12-31"
targets = ["Util", "Banks", "Agric"]
factors = ["Mkt-RF", "SMB"]
volatility = "constant"
[sampling]
draws = 80
tune = 80
chains = 2
seed = 4
"""


@pytest.fixture(scope="module")
def fitted_many(tmp_path_factory):
    """``bayes-beta fit-many`` run once on two funds: (result, spec, output folder)."""
    tmp_path = tmp_path_factory.mktemp("many")
    spec = tmp_path / "many.toml"
    spec.write_text(MANY)
    out = tmp_path / "out"
    res = run("fit-many", spec, "--out", out, "--workers", "1", "--funds", "Util,Banks",
              "--quiet")
    return res, spec, out


def test_fit_many_writes_every_promised_file(fitted_many):
    res, spec, out = fitted_many
    assert res.returncode == 0, res.stderr
    assert "FitSet(2 funds, 0 failed" in res.stdout
    for name in ("fitset.nc", "table.csv", "drift.csv", "failed.csv", "heatmap.png",
                 "fans_Mkt-RF.png", "fans_SMB.png", "report.md", "report.html",
                 "store/store.json", "store/index.csv"):
        assert (out / name).is_file(), name
    assert len(list((out / "store" / "funds").glob("*.summary.nc"))) == 2
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64") == 3 and "Drift" in html
    import bayes_beta as bb

    fs = bb.load_fitset(out / "fitset.nc")
    assert fs.funds == ["Util", "Banks"] and fs["Banks"].design.target == "Banks"
    again = run("fit-many", spec, "--out", out, "--funds", "Util,Banks", "--quiet")
    assert again.returncode == 0, again.stderr  # resumes: nothing left to fit


def test_fit_many_report_reads_in_a_browser(chromium, fitted_many):
    res, _, out = fitted_many
    browse(res, out / "report.html", "fit-many", images=3)


def test_fit_many_pooled_writes_the_population(tmp_path):
    spec = tmp_path / "many.toml"
    spec.write_text(MANY)
    out = tmp_path / "out"
    res = run("fit-many", spec, "--out", out, "--pooling", "partial", "--quiet")
    assert res.returncode == 0, res.stderr
    assert "FitSet(3 funds, 0 failed" in res.stdout
    assert (out / "store" / "joint.nc").is_file()
    report = (out / "report.md").read_text()
    assert "Population (partial pooling" in report and "drift_median[Mkt-RF]" in report
    bad = run("fit-many", spec, "--out", tmp_path / "o", "--pooling", "partial",
              "--volatility", "stochastic")
    assert bad.returncode == 2 and "volatility" in bad.stderr
    assert not (tmp_path / "o" / "store").exists()


def test_fit_many_bad_input_exits_2_before_work(tmp_path, tiny):
    spec = tmp_path / "many.toml"
    spec.write_text(MANY)
    res = run("fit-many", spec, "--out", tmp_path / "o", "--funds", "Util,Nope")
    assert res.returncode == 2 and "Nope" in res.stderr
    assert not (tmp_path / "o").exists()
    one = run("fit", spec, "--out", tmp_path / "o2")
    assert one.returncode == 2 and "fit-many" in one.stderr
    check = run("check", spec)
    assert check.returncode == 0 and "3 targets" in check.stdout
