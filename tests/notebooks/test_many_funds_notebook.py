"""notebooks/06_many_funds.ipynb runs end to end (small sampler settings, 6 funds) and shows its
results: independent fits on a local dask cluster, the pooled fit, its population and the
comparison of the two, on the full and the short-history universe. The run is under
``-m notebooks`` (about 170 s: it starts two local clusters and samples two pooled models); the
check of the stored notebook runs by default."""

from pathlib import Path

import pytest

from tests.notebooks.helpers import cell_text, executed, figures, stored_executed, tagged

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_many_funds.ipynb"


def test_notebook_is_stored_executed():
    stored_executed(NOTEBOOK)


@pytest.mark.notebooks
def test_notebook_runs_the_many_funds_workflow(monkeypatch, tmp_path):
    monkeypatch.setenv("BAYES_BETA_NB_FUNDS", "6")
    nb = executed(NOTEBOOK, monkeypatch, tmp_path)
    assert "6 funds x 1461 weeks" in cell_text(tagged(nb, "data"))
    assert "FitSet(6 funds, 0 failed" in cell_text(tagged(nb, "independent"))
    assert "pooling: partial" in cell_text(tagged(nb, "pooled"))
    population = cell_text(tagged(nb, "population"))
    for name in ("drift_median[Mkt-RF]", "drift_spread[HML]", "obs_median",
                 "persistence_median"):
        assert name in population, name
    compare = cell_text(tagged(nb, "compare"))
    assert "elpd pooled - independent, summed over 6 funds" in compare
    assert "median band width ratio" in compare
    assert "short funds: elpd pooled - independent" in cell_text(tagged(nb, "short"))
    assert "full-history estimate inside 90% band" in cell_text(tagged(nb, "short-reference"))
    assert figures(nb) >= 4
    assert (tmp_path / "many_funds_stores" / "pooled" / "joint.nc").is_file()
