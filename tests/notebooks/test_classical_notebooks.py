"""notebooks/02_classical_workflow.ipynb and 03_yield_smoothing.ipynb run end to end.

Executed with nbclient on the ``python3`` kernel, with small sampler settings passed through the
environment (the notebooks' ``parameters`` cells read ``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS``).
Both together take about two and a half minutes warm; the runs are under ``-m notebooks``.
"""

from pathlib import Path

import pytest

from tests.notebooks.helpers import cell_text, executed, figures, stored_executed, tagged

ROOT = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = ("02_classical_workflow.ipynb", "03_yield_smoothing.ipynb")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_executed(name):
    stored_executed(ROOT / name)


@pytest.mark.notebooks
def test_classical_workflow_notebook(monkeypatch, tmp_path):
    nb = executed(ROOT / NOTEBOOKS[0], monkeypatch, tmp_path)
    assert "1421 weeks" in cell_text(tagged(nb, "data"))
    assert "Simple Model" in cell_text(tagged(nb, "heuristic"))
    assert "Cumulative Log-Likelihood" in cell_text(tagged(nb, "diagnostics"))
    assert "Beta Z-Score" in cell_text(tagged(nb, "dynamics"))
    mle = cell_text(tagged(nb, "mle"))
    assert "converged: True" in mle and "MLE Model" in mle
    assert "centred on the MLE" in cell_text(tagged(nb, "bridge"))
    assert "priors='mle', 2 chains x 100 draws" in cell_text(tagged(nb, "fit"))
    assert figures(nb) >= 6


@pytest.mark.notebooks
def test_yield_smoothing_notebook(monkeypatch, tmp_path):
    nb = executed(ROOT / NOTEBOOKS[1], monkeypatch, tmp_path)
    assert "filter RMSE (position, velocity)" in cell_text(tagged(nb, "control"))
    assert "sd of daily changes: smoothed" in cell_text(tagged(nb, "lag"))
    assert "noisiest window" in cell_text(tagged(nb, "lag-plot"))
    assert "BoundaryWarning" in cell_text(tagged(nb, "lag-mle"))
    bayes = cell_text(tagged(nb, "bayes"))
    assert "sigma_state" in bayes and "sigma_obs" in bayes
    assert "mean 90% band width" in cell_text(tagged(nb, "bayes-plot"))
    assert figures(nb) >= 3
