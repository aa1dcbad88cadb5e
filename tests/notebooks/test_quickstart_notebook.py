"""notebooks/01_quickstart.ipynb runs end to end (small sampler settings) and shows its results.

The kernel is the ``python3`` kernelspec (``scripts/setup.sh`` installs it; jupyter_client runs
it with the interpreter running the tests). It inherits this process's environment, so the
notebook's parameters cell picks up ``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS``.
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.notebooks.helpers import SMALL, cell_text, tagged

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_quickstart.ipynb"


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]
    params = tagged(nb, "parameters").source
    for name in SMALL:
        assert name in params


def test_notebook_runs_and_shows_results(monkeypatch, tmp_path):
    for key, value in SMALL.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,  # per cell
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    client.execute()  # raises CellExecutionError (with the traceback) on the first failing cell

    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code_cells for o in c.outputs if o["output_type"] == "error"]
    assert not errors, errors
    assert all(c.execution_count is not None for c in code_cells)

    # the environment reached the kernel: the fits used the small settings
    assert "draws=100, tune=150, chains=2" in cell_text(tagged(nb, "parameters"))
    assert "priors='default', 2 chains x 100 draws, 1421 steps" in cell_text(tagged(nb, "fit"))
    assert "priors='tight', 2 chains x 50 draws" in cell_text(tagged(nb, "fit-tight"))

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
    pngs = sum(
        "image/png" in o.get("data", {})
        for c in code_cells
        for o in c.outputs
        if o["output_type"] == "display_data"
    )
    assert pngs >= 5, f"only {pngs} figures were displayed"
