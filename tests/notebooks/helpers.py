"""Shared helpers of the notebook tests: the notebooks are shipped executed at full settings
(:func:`stored_executed` checks what is stored) and the tests execute them again with small
sampler settings (:func:`executed`, under ``-m notebooks``)."""

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


MAX_BYTES = 3_000_000


def stored_executed(path):
    """The notebook at ``path``, checked as shipped: valid, python3 kernel, under
    :data:`MAX_BYTES`, every code cell run once in order without error, at least one figure,
    and its parameters cell run at the notebook's own (full) settings: the stored output equals
    what the cell prints with no ``BAYES_BETA_NB_*`` variable set, and differs from what it
    prints with the :data:`SMALL` ones."""
    import contextlib
    import io
    import os

    import nbformat

    assert path.stat().st_size < MAX_BYTES, f"{path.name}: {path.stat().st_size} bytes"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), path.name
    errors = [o for c in code for o in c.outputs if o["output_type"] == "error"]
    assert not errors, errors
    assert figures(nb) >= 1
    params = tagged(nb, "parameters")
    for name in SMALL:
        assert name in params.source

    def printed(env):
        saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("BAYES_BETA_NB")}
        os.environ.update(env)
        try:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(params.source, {})
            return out.getvalue()
        finally:
            for k in env:
                os.environ.pop(k, None)
            os.environ.update(saved)

    stored = cell_text(params)
    assert stored.strip() == printed({}).strip(), f"{path.name}: not run at its full settings"
    assert stored.strip() != printed(SMALL).strip()
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
