"""notebooks/01_quickstart.ipynb runs end to end (small sampler settings) and shows its results.

The kernel is the ``python3`` kernelspec (``scripts/setup.sh`` installs it; jupyter_client runs
it with the interpreter running the tests). It inherits this process's environment, so the
notebook's parameters cell picks up ``BAYES_BETA_NB_DRAWS / _TUNE / _CHAINS``.
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_quickstart.ipynb"
SMALL = {"BAYES_BETA_NB_DRAWS": "100", "BAYES_BETA_NB_TUNE": "150", "BAYES_BETA_NB_CHAINS": "2"}


def _text(cell) -> str:
    """All text a code cell showed: streams, plain-text and HTML results."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            data = out["data"]
            parts.append(data.get("text/plain", ""))
            parts.append(data.get("text/html", ""))
    return "\n".join(parts)


def _tagged(nb, tag: str):
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]
    params = _tagged(nb, "parameters").source
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
    assert "draws=100, tune=150, chains=2" in _text(_tagged(nb, "parameters"))
    assert "priors='default', 2 chains x 100 draws, 1421 steps" in _text(_tagged(nb, "fit"))
    assert "priors='tight', 2 chains x 50 draws" in _text(_tagged(nb, "fit-tight"))

    assert "sigma_state[Mkt-RF]" in _text(_tagged(nb, "summary"))
    assert "sampler problem" in _text(_tagged(nb, "problems")) or "No sampler problems" in _text(
        _tagged(nb, "problems")
    )
    bands = _text(_tagged(nb, "bands"))
    assert "Mkt-RF" in bands and "upper" in bands
    assert "parameter_share" in _text(_tagged(nb, "variance"))
    assert "elpd_loo" in _text(_tagged(nb, "loo"))
    assert "likelihood" in _text(_tagged(nb, "psense"))
    assert "mean 90% band width" in _text(_tagged(nb, "widths"))
    assert "yearly_drift[Mkt-RF]" in _text(_tagged(nb, "fit-mine"))

    save_load = _text(_tagged(nb, "save-load"))
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
