"""The shipped notebooks show what a reader needs, never an object's default repr: no stored
output holds ``<... at 0x...>`` or nutpie's progress object (``_BackgroundSampler``), and in
the kernel the notebook tests execute in, nutpie's progress display and PyMC models have a plain
text of their own."""

from pathlib import Path

import pytest

from tests.notebooks.helpers import execute, object_reprs, progress_text

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_outputs_show_no_object_reprs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    found = object_reprs(nb)
    assert not found, f"{path.name}:\n" + "\n".join(found)


def test_object_reprs_are_found_in_every_kind_of_output():
    nb = {"cells": [
        {"cell_type": "markdown", "source": "<x.Y object at 0x1>"},  # not an output
        {"cell_type": "code", "outputs": [
            {"output_type": "display_data",
             "data": {"text/html": "<div/>", "text/plain": ["<nutpie.sample._BackgroundSampler",
                                                            " at 0x7f38264599a0>"]}},
            {"output_type": "execute_result",
             "data": {"text/plain": "<pymc.model.core.Model object at 0x7f40bf256ab0>"}},
            {"output_type": "stream", "name": "stdout", "text": "<foo.Bar at 0xABC>\n"},
            {"output_type": "error", "ename": "E", "evalue": "",
             "traceback": ["<function f at 0x7f0>"]},
            {"output_type": "execute_result", "data": {"text/plain": "Fit(Util on ...)"}},
        ]},
    ]}
    found = object_reprs(nb)
    assert found == [
        "cell 1 output 0 (text/plain): <nutpie.sample._BackgroundSampler at 0x7f38264599a0>",
        "cell 1 output 1 (text/plain): <pymc.model.core.Model object at 0x7f40bf256ab0>",
        "cell 1 output 2 (stream): <foo.Bar at 0xABC>",
        "cell 1 output 3 (traceback): <function f at 0x7f0>",
    ]


def test_progress_text_reads_nutpies_display():
    import nbformat

    nb = nbformat.read(NOTEBOOKS[0], as_version=4)  # 01_quickstart: its fit cell's progress
    html = next(o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
                for o in c.outputs if 'class="nutpie"' in o.get("data", {}).get("text/html", ""))
    assert progress_text(html) == ("nutpie sampler: 4 of 4 chains finished, 8000 of 8000 "
                                   "iterations, 0 divergences")
    assert progress_text("") == "nutpie sampler progress"


@pytest.mark.notebooks
def test_kernel_shows_progress_and_models_as_plain_text(monkeypatch, tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        # as in the notebooks: a format registered (inline figures) before PyMC is imported
        "%matplotlib inline\nimport nutpie\nimport pymc as pm\n"
        "with pm.Model() as model:\n    pm.Normal('x')\nmodel",
        "compiled = nutpie.compile_pymc_model(model, backend='numba')\n"
        "trace = nutpie.sample(compiled, draws=50, tune=50, chains=2, cores=1, seed=1, "
        "progress_bar=True)",
    )]
    execute(nb, monkeypatch, tmp_path)
    errors = [o for c in nb.cells for o in c.outputs if o["output_type"] == "error"]
    assert not errors, errors
    assert not object_reprs(nb), object_reprs(nb)
    model, sample = nb.cells
    assert model.outputs[-1]["data"]["text/plain"] == "x ~ Normal(0, 1)"
    progress = [o for o in sample.outputs
                if 'class="nutpie"' in o.get("data", {}).get("text/html", "")]
    assert len(progress) == 1, sample.outputs
    assert progress[0]["data"]["text/plain"] == ("nutpie sampler: 2 of 2 chains finished, "
                                                 "200 of 200 iterations, 0 divergences")
