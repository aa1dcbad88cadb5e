"""notebooks/05_volatility.ipynb runs end to end (small sampler settings) and shows its results.

The kernel is the ``python3`` kernelspec; it inherits this process's environment, so the
notebook's parameters cell picks up ``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS``. At these settings
the notebook fits five volatility models and runs LFO-CV on the last two years of each (about
a minute on two cores once the models are compiled).
"""

from pathlib import Path

import pytest

from tests.notebooks.helpers import cell_text, executed, figures, stored_executed, tagged

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "05_volatility.ipynb"
MODELS = ("constant", "stochastic", "garch", "student_t")


def test_notebook_is_stored_executed():
    stored_executed(NOTEBOOK)


@pytest.mark.notebooks
def test_notebook_runs_and_compares_the_volatility_models(monkeypatch, tmp_path):
    nb = executed(NOTEBOOK, monkeypatch, tmp_path)

    # the environment reached the kernel: the fits used the small settings
    for tag in ("fit-constant", "fit-stochastic", "fit-garch", "fit-student-t"):
        assert "2 chains x 100 draws, 1421 steps" in cell_text(tagged(nb, tag)), tag
    assert "2 chains x 100 draws, 1417 steps" in cell_text(tagged(nb, "fit-known"))
    for tag, model in (("fit-stochastic", "stochastic"), ("fit-garch", "garch"),
                       ("fit-student-t", "student_t"), ("fit-known", "known")):
        assert f"volatility={model!r}" in cell_text(tagged(nb, tag)), tag

    assert "Ljung-Box(6) of squares" in cell_text(tagged(nb, "data"))
    assert "problem(s)" in cell_text(tagged(nb, "problems"))
    summary = cell_text(tagged(nb, "summary"))
    for name in ("vol_half_life", "vol_of_vol", "garch_alpha", "garch_gamma", "t_nu"):
        assert name in summary, name
    assert "garch: half-life (years)" in cell_text(tagged(nb, "half-life"))

    checks = cell_text(tagged(nb, "checks"))
    for word in ("kurtosis", "ljung_box_6", "coverage_90%", "log_score", *MODELS):
        assert word in checks, word
    coverage = cell_text(tagged(nb, "coverage"))
    for year in ("1991", "2000", "2002", "2008", "2013"):
        assert year in coverage, year
    lfo = cell_text(tagged(nb, "lfo"))
    for word in ("elpd diff", "se", "refits", *MODELS):
        assert word in lfo, word
    assert "mean 90% band width ratio stochastic / constant" in cell_text(tagged(nb, "widths"))
    known = cell_text(tagged(nb, "known-checks"))
    assert "kurtosis" in known and "elpd diff" in known

    # figures rendered inline (headless): rolling residual sd, volatility bands (own plot and
    # fit.plot_volatility), exposure bands of constant vs stochastic, known vs stochastic
    pngs = figures(nb)
    assert pngs >= 3, f"only {pngs} figures were displayed"
