"""Shared helpers of the notebook tests: the notebooks are shipped executed at full settings
(:func:`stored_executed` checks what is stored) and the tests execute them again with small
sampler settings (:func:`executed`, under ``-m notebooks``).

An output shows what a reader needs, never an object's default repr (``<... at 0x...>``): the
kernel that executes a notebook (:func:`execute`) gives nutpie's progress display and PyMC models
a plain text of their own (:data:`KERNEL_STARTUP`), and :func:`object_reprs` finds any left."""

import inspect
import re

SMALL = {"BAYES_BETA_NB_DRAWS": "100", "BAYES_BETA_NB_TUNE": "150", "BAYES_BETA_NB_CHAINS": "2"}

#: an object's default repr (``<pymc.model.core.Model object at 0x7f...>``, IPython's
#: ``<nutpie.sample._BackgroundSampler at 0x...>``, ``<function f at 0x...>``), or nutpie's
#: progress object by name
OBJECT_REPR = re.compile(r"<[^<>\n]* at 0x[0-9a-fA-F]+>|_BackgroundSampler")


def progress_text(html: str) -> str:
    """The plain text of nutpie's HTML progress display: chains finished, iterations (tuning
    included) and divergences, e.g. ``nutpie sampler: 4 of 4 chains finished, 8000 of 8000
    iterations, 0 divergences``. (Self-contained: the kernel runs a copy.)"""
    import re

    chains = re.search(r'id="total-chains">\s*(\d+)', html)
    finished = re.search(r"Finished Chains:\s*<span[^>]*>\s*(\d+)", html)
    bar = re.search(r'id="total-progress-bar"\s+max="(\d+)"\s+value="(\d+)"', html)
    divergences = re.findall(r"</progress>\s*</td>\s*<td>\d+</td>\s*<td>(\d+)</td>", html)
    parts = []
    if chains and finished:
        parts.append(f"{finished.group(1)} of {chains.group(1)} chains finished")
    if bar:
        parts.append(f"{bar.group(2)} of {bar.group(1)} iterations")
    if divergences:
        parts.append(f"{sum(map(int, divergences))} divergences")
    return "nutpie sampler: " + ", ".join(parts) if parts else "nutpie sampler progress"


#: run by the kernel before a notebook (an IPython startup file), for two objects whose
#: text/plain would otherwise be their address (the HTML progress and the LaTeX model unchanged):
#: nutpie displays its sampler object as the progress display (its text: :func:`progress_text`);
#: PyMC registers its models' plain text with IPython when imported, but into the printers that
#: the shell's formatter copied already if anything registered a format before (``%matplotlib
#: inline`` before ``import pymc`` does), so it is registered here by name, before any import
KERNEL_STARTUP = """\
def _bayes_beta_plain_text():
{}
    def model_text(model, p, cycle):
        try:
            text = model.str_repr()
        except Exception:
            text = f"PyMC model with {{len(model.free_RVs)}} free variables"
        for i, line in enumerate(text.splitlines()):
            if i:
                p.break_()
            p.text(line)

    plain = get_ipython().display_formatter.formatters["text/plain"]
    plain.for_type_by_name("nutpie.sample", "_BackgroundSampler",
                           lambda obj, p, cycle: p.text(progress_text(obj._html or "")))
    plain.for_type_by_name("pymc.model.core", "Model", model_text)


_bayes_beta_plain_text()
del _bayes_beta_plain_text
"""


def kernel_startup() -> str:
    """:data:`KERNEL_STARTUP` with :func:`progress_text` defined inside it."""
    source = "".join("    " + line if line.strip() else line
                     for line in inspect.getsource(progress_text).splitlines(keepends=True))
    return KERNEL_STARTUP.format(source)


def object_reprs(nb) -> list[str]:
    """``"cell <i> output <j> (<kind>): <repr>"`` for every object repr a stored output shows
    (streams, every MIME type of a result or display, tracebacks)."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        for j, out in enumerate(cell.get("outputs", [])):
            texts = {"stream": out.get("text", "")} if out["output_type"] == "stream" else {}
            texts.update(out.get("data", {}))
            if out["output_type"] == "error":
                texts["traceback"] = out.get("traceback", [])
            for kind, text in texts.items():
                text = "".join(text) if isinstance(text, list) else text
                if isinstance(text, str):
                    found += [f"cell {i} output {j} ({kind}): {m.group(0)}"
                              for m in OBJECT_REPR.finditer(text)]
    return found


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

    for key, value in SMALL.items():
        monkeypatch.setenv(key, value)
    nb = execute(nbformat.read(path, as_version=4), monkeypatch, tmp_path)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code_cells for o in c.outputs if o["output_type"] == "error"]
    assert not errors, errors
    assert all(c.execution_count is not None for c in code_cells)
    assert "draws=100, tune=150, chains=2" in cell_text(tagged(nb, "parameters"))
    assert not object_reprs(nb), object_reprs(nb)
    return nb


def execute(nb, monkeypatch, tmp_path):
    """``nb`` executed in place in a ``python3`` kernel working in ``tmp_path``, which runs
    :data:`KERNEL_STARTUP` first (from its own IPython directory, ``tmp_path/.ipython``)."""
    from nbclient import NotebookClient

    startup = tmp_path / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-bayes-beta-plain-text.py").write_text(kernel_startup(), encoding="utf-8")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / ".ipython"))
    NotebookClient(nb, kernel_name="python3", timeout=600,  # per cell
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def figures(nb) -> int:
    """How many PNG figures the code cells displayed."""
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.outputs if o["output_type"] == "display_data")
