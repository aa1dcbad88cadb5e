"""notebooks/01_quickstart.ipynb runs end to end (small sampler settings) and shows its results.

The kernel is the ``python3`` kernelspec (``scripts/setup.sh`` installs it; jupyter_client runs
it with the interpreter running the tests). It inherits this process's environment, so the
notebook's parameters cell picks up ``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS``.
"""

from pathlib import Path

import pytest

from tests.notebooks.helpers import cell_text, executed, figures, stored_executed, tagged

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_quickstart.ipynb"


def test_notebook_is_stored_executed():
    stored_executed(NOTEBOOK)


@pytest.mark.notebooks
def test_notebook_runs_and_shows_results(monkeypatch, tmp_path):
    nb = executed(NOTEBOOK, monkeypatch, tmp_path)

    # the environment reached the kernel: the fits used the small settings
    assert "draws=100, tune=150, chains=2" in cell_text(tagged(nb, "parameters"))
    assert "priors='default', volatility='garch', 2 chains x 100 draws, 1421 steps" in cell_text(
        tagged(nb, "fit"))
    assert "priors='tight', volatility='garch', 2 chains x 50 draws" in cell_text(
        tagged(nb, "fit-tight"))

    assert "sigma_state[Mkt-RF]" in cell_text(tagged(nb, "summary"))
    assert "sampler problem" in cell_text(tagged(nb, "problems")) or "No sampler problems" in cell_text(
        tagged(nb, "problems")
    )
    bands = cell_text(tagged(nb, "bands"))
    assert "Mkt-RF" in bands and "upper" in bands
    assert "parameter_share" in cell_text(tagged(nb, "variance"))
    assert "elpd_loo" in cell_text(tagged(nb, "loo"))
    assert "likelihood" in cell_text(tagged(nb, "psense"))
    assert "mean 90% band width" in cell_text(tagged(nb, "widths"))
    assert "yearly_drift[Mkt-RF]" in cell_text(tagged(nb, "fit-mine"))

    save_load = cell_text(tagged(nb, "save-load"))
    assert "round trip equal: True" in save_load
    assert "bands equal: True" in save_load

    # figures rendered inline (headless): fan chart, filtered vs smoothed, noise, variance
    # share, prior comparison
    pngs = figures(nb)
    assert pngs >= 5, f"only {pngs} figures were displayed"
