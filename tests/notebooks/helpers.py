"""Shared helpers of the notebook-execution tests: small sampler settings, cell outputs."""

SMALL = {"BAYES_BETA_NB_DRAWS": "100", "BAYES_BETA_NB_TUNE": "150", "BAYES_BETA_NB_CHAINS": "2"}


def cell_text(cell) -> str:
    """All text a code cell showed: streams, plain-text and HTML results."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            parts.append(out["data"].get("text/plain", ""))
            parts.append(out["data"].get("text/html", ""))
    return "\n".join(parts)


def tagged(nb, tag: str):
    """The one cell carrying ``tag``."""
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def stored_clean(path):
    """The notebook at ``path``, checked: valid, python3 kernel, stored without outputs, its
    parameters cell reading the :data:`SMALL` variables."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]
    params = tagged(nb, "parameters").source
    for name in SMALL:
        assert name in params
    return nb


def executed(path, monkeypatch, tmp_path):
    """The notebook run with the :data:`SMALL` settings in ``tmp_path``; every code cell ran
    without error and the parameters reached the kernel."""
    import nbformat
    from nbclient import NotebookClient

    for key, value in SMALL.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600,  # per cell
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code_cells for o in c.outputs if o["output_type"] == "error"]
    assert not errors, errors
    assert all(c.execution_count is not None for c in code_cells)
    assert "draws=100, tune=150, chains=2" in cell_text(tagged(nb, "parameters"))
    return nb


def figures(nb) -> int:
    """How many PNG figures the code cells displayed."""
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.outputs if o["output_type"] == "display_data")
