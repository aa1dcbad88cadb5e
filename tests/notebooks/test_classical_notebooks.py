"""notebooks/02_classical_workflow.ipynb and 03_yield_smoothing.ipynb run end to end.

Executed with nbclient on the ``python3`` kernel, with small sampler settings passed through the
environment (the notebooks' ``parameters`` cells read ``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS``).
Both together take about two and a half minutes warm, hence the slow mark.
"""

from pathlib import Path

import nbformat
import pytest

from tests.notebooks.helpers import SMALL, cell_text, tagged

ROOT = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = ("02_classical_workflow.ipynb", "03_yield_smoothing.ipynb")


def _pngs(nb) -> int:
    return sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o["output_type"] == "display_data"
    )


def _run(name: str, monkeypatch, tmp_path):
    from nbclient import NotebookClient

    for key, value in SMALL.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(ROOT / name, as_version=4)
    NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o["output_type"] == "error"
    ]
    assert not errors, errors
    assert "draws=100, tune=150, chains=2" in cell_text(tagged(nb, "parameters"))
    return nb


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_without_outputs(name):
    nb = nbformat.read(ROOT / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


@pytest.mark.slow
def test_classical_workflow_notebook(monkeypatch, tmp_path):
    nb = _run(NOTEBOOKS[0], monkeypatch, tmp_path)
    assert "1421 weeks" in cell_text(tagged(nb, "data"))
    assert "Simple Model" in cell_text(tagged(nb, "heuristic"))
    assert "Cumulative Log-Likelihood" in cell_text(tagged(nb, "diagnostics"))
    assert "Beta Z-Score" in cell_text(tagged(nb, "dynamics"))
    mle = cell_text(tagged(nb, "mle"))
    assert "converged: True" in mle and "MLE Model" in mle
    assert "centred on the MLE" in cell_text(tagged(nb, "bridge"))
    assert "priors='mle', 2 chains x 100 draws" in cell_text(tagged(nb, "fit"))
    assert _pngs(nb) >= 6


@pytest.mark.slow
def test_yield_smoothing_notebook(monkeypatch, tmp_path):
    nb = _run(NOTEBOOKS[1], monkeypatch, tmp_path)
    assert "filter RMSE (position, velocity)" in cell_text(tagged(nb, "control"))
    assert "sd of daily changes: smoothed" in cell_text(tagged(nb, "lag"))
    assert "noisiest window" in cell_text(tagged(nb, "lag-plot"))
    assert "BoundaryWarning" in cell_text(tagged(nb, "lag-mle"))
    bayes = cell_text(tagged(nb, "bayes"))
    assert "sigma_state" in bayes and "sigma_obs" in bayes
    assert "mean 90% band width" in cell_text(tagged(nb, "bayes-plot"))
    assert _pngs(nb) >= 3
