"""notebooks/04_compare_noise_priors.ipynb runs end to end with small sampler settings.

The kernel (``python3``) inherits this process's environment, so the parameters cell picks up
``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS`` and ``BAYES_BETA_NB_OUT`` (where the report goes).
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.notebooks.helpers import SMALL, cell_text, tagged

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04_compare_noise_priors.ipynb"


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]
    assert nb.cells[2].cell_type == "code" and tagged(nb, "parameters") is nb.cells[2]
    for name in SMALL:
        assert name in nb.cells[2].source


def test_notebook_runs_and_compares_the_variants(monkeypatch, tmp_path):
    for key, value in SMALL.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("BAYES_BETA_NB_OUT", str(tmp_path / "report"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code_cells for o in c.outputs if o["output_type"] == "error"]
    assert "draws=100, tune=150, chains=2" in cell_text(tagged(nb, "parameters"))
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
    pngs = sum("image/png" in o.get("data", {}) for c in code_cells for o in c.outputs
               if o["output_type"] == "display_data")
    assert pngs >= 3, f"only {pngs} figures were displayed"
