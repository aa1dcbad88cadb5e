"""notebooks/07_forecasts_attribution.ipynb: shipped executed, and runs end to end with small
sampler settings (forecasts, a scenario, attribution, model checks and a backtest from 2008)."""

from pathlib import Path

import pytest

from tests.notebooks.helpers import cell_text, executed, figures, stored_executed, tagged

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "07_forecasts_attribution.ipynb"
METHODS = ("bayes", "expanding_ols", "kalman_mle", "rolling_156", "rolling_260")


def test_notebook_is_stored_executed():
    nb = stored_executed(NOTEBOOK)
    assert "4 chains x 1000 draws" in cell_text(tagged(nb, "fit"))


@pytest.mark.notebooks
def test_notebook_runs_the_forecast_workflow(monkeypatch, tmp_path):
    nb = executed(NOTEBOOK, monkeypatch, tmp_path)
    assert "volatility='garch', 2 chains x 100 draws, 1421 steps" in cell_text(tagged(nb, "fit"))
    forecast = cell_text(tagged(nb, "forecast"))
    assert "last observation 2017-03-31, 26 steps, 90% bands" in forecast
    assert "h=26 (2017-09-29)" in forecast
    assert "13-week cumulative Util return in the scenario" in cell_text(tagged(nb, "scenario"))
    attribution = cell_text(tagged(nb, "attribution"))
    assert "'alpha', 'Mkt-RF', 'd10y', 'residual'" in attribution
    assert "parts sum to the observed return: True" in attribution
    assert "Mkt-RF" in cell_text(tagged(nb, "shares"))
    assert "coverage_90%" in cell_text(tagged(nb, "checks"))
    backtest = cell_text(tagged(nb, "backtest"))
    assert "out-of-sample weeks from 2008-01-01" in backtest
    for method in METHODS:
        assert method in backtest, method
    assert figures(nb) >= 5
