"""notebooks/04_compare_noise_priors.ipynb runs end to end with small sampler settings.

The kernel (``python3``) inherits this process's environment, so the parameters cell picks up
``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS`` and ``BAYES_BETA_NB_OUT`` (where the report goes).
"""

from pathlib import Path

import pytest

from tests.notebooks.helpers import cell_text, executed, figures, stored_executed, tagged

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04_compare_noise_priors.ipynb"


def test_notebook_is_stored_executed():
    nb = stored_executed(NOTEBOOK)
    assert nb.cells[2].cell_type == "code" and tagged(nb, "parameters") is nb.cells[2]


@pytest.mark.notebooks
def test_notebook_runs_and_compares_the_variants(monkeypatch, tmp_path):
    monkeypatch.setenv("BAYES_BETA_NB_OUT", str(tmp_path / "report"))
    nb = executed(NOTEBOOK, monkeypatch, tmp_path)
    assert "1421 weekly rows" in cell_text(tagged(nb, "spec"))
    table = cell_text(tagged(nb, "compare"))
    for word in ("elpd_lfo", "se_diff", "weight", "heuristic", "default", "tight", "heavy",
                 "correlated"):
        assert word in table, word
    assert "drift per year" in cell_text(tagged(nb, "prior-checks"))
    assert "sigma_state[d10y]" in cell_text(tagged(nb, "noise"))
    assert "likelihood" in cell_text(tagged(nb, "psense"))
    assert "exact" in cell_text(tagged(nb, "exact")) and "26 refits" in cell_text(tagged(nb, "exact"))
    for name in ("report.md", "report.html", "bands.png", "noise.png", "elpd.png"):
        assert (tmp_path / "report" / name).is_file(), name
    pngs = figures(nb)
    assert pngs >= 3, f"only {pngs} figures were displayed"
