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
