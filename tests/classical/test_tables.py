"""Summary tables against direct NumPy computations, and the figures of the classical workflow."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import bayes_beta as bb
from bayes_beta.classical import (
    KalmanEngine,
    KalmanSpec,
    ModelDiagnosticsPlotter,
    plot_beta_grid,
    plot_factor_contributions,
    plot_mle_on_fan,
    summarize_factor_dynamics,
    summarize_model_diagnostics,
)
from bayes_beta.classical.tables import DIAGNOSTIC_COLUMNS, FACTOR_COLUMNS

TARGET, FACTORS = "Util", ["Mkt-RF", "d10y"]


@pytest.fixture(scope="module")
def two_results():
    df = bb.datasets.load_example(start="2008", end="2016")
    df.iloc[7, 1] = np.nan  # one unobserved step
    H, y = df[FACTORS].to_numpy(), df[TARGET].to_numpy()
    a = KalmanSpec(2, "Simple Model").estimate_initial_state(H, y)
    a.set_Q_from_factor_vols(H).estimate_R_from_ols(H, y)
    b = KalmanSpec(2, "Fast drift").estimate_initial_state(H, y)
    b.set_Q_from_factor_vols(H, scale=0.1).estimate_R_from_ols(H, y)
    return [KalmanEngine(s).run(df, TARGET, FACTORS, burn=5) for s in (a, b)]


def _raw(r):
    """The arrays behind a results object, as plain NumPy."""
    v = r.residuals.to_numpy()
    return v[~np.isnan(v)], r.exposures.to_numpy()


def test_model_diagnostics_against_numpy(two_results):
    table = summarize_model_diagnostics(two_results, window=20)
    assert tuple(table.columns) == DIAGNOSTIC_COLUMNS
    assert list(table["Model Name"]) == ["Simple Model", "Fast drift"]
    for row, r in zip(table.to_dict("records"), two_results, strict=True):
        v, _ = _raw(r)
        all_v = r.residuals.to_numpy()
        last = all_v[-20:]
        assert row["Target"] == TARGET
        assert row["Date Range"] == f"{r.index[0]:%Y-%m-%d} → {r.index[-1]:%Y-%m-%d}"
        assert row["# Observations"] == len(r) - 1 == len(v)
        assert row["Final RMSE"] == pytest.approx(np.sqrt(np.nanmean(last**2)), rel=1e-12)
        assert row["Mean RMSE"] == pytest.approx(np.sqrt(np.mean(v**2)), rel=1e-12)
        assert row["Total SSE"] == pytest.approx(np.sum(v**2), rel=1e-12)
        assert row["Cumulative Log-Likelihood"] == pytest.approx(
            np.nansum(r.loglik.to_numpy()), rel=1e-12
        )
        gains = r.gains.to_numpy()
        ok = ~np.isnan(gains).any(axis=1)
        assert row["Mean Gain Norm"] == pytest.approx(
            np.mean(np.sqrt((gains[ok] ** 2).sum(1))), rel=1e-12
        )
        beta = r.exposures.to_numpy()
        drift = np.sqrt((np.diff(beta, axis=0) ** 2).sum(1))  # the first kept row's drift
        np.testing.assert_allclose(r.drift_norm.to_numpy()[1:], drift, rtol=1e-12)  # uses a
        np.testing.assert_allclose(r.drift_norm, np.linalg.norm(r.drift, axis=1))  # burned row
        assert row["Mean Drift Norm"] == pytest.approx(r.drift_norm.to_numpy().mean(), rel=1e-12)


def test_factor_dynamics_against_numpy(two_results):
    table = summarize_factor_dynamics(two_results)
    assert tuple(table.columns) == FACTOR_COLUMNS
    assert len(table) == 4
    assert list(table["Factor"]) == FACTORS * 2
    for i, r in enumerate(two_results):
        beta, H = r.exposures.to_numpy(), r.H.to_numpy()
        gains = r.gains.to_numpy()
        contrib = H * beta
        drift = r.drift.to_numpy()
        np.testing.assert_allclose(drift[1:], np.diff(beta, axis=0), rtol=1e-12, atol=1e-15)
        for k, f in enumerate(FACTORS):
            row = table.iloc[2 * i + k]
            assert row["Model Name"] == r.model_name and row["Factor"] == f
            b = beta[:, k]
            assert row["Avg Beta"] == pytest.approx(b.mean(), rel=1e-12)
            assert row["Beta Std"] == pytest.approx(b.std(ddof=1), rel=1e-12)
            assert row["Final Beta"] == b[-1]
            assert row["Beta Z-Score"] == pytest.approx((b[-1] - b.mean()) / b.std(ddof=1))
            assert row["Min Beta"] == b.min() and row["Max Beta"] == b.max()
            assert row["Drift Volatility"] == pytest.approx(drift[:, k].std(ddof=1), rel=1e-12)
            assert row["Mean Gain"] == pytest.approx(np.nanmean(gains[:, k]), rel=1e-12)
            assert row["Avg Contribution"] == pytest.approx(np.nanmean(contrib[:, k]), rel=1e-12)
            assert row["Final Contribution"] == pytest.approx(contrib[-1, k], rel=1e-12)


def test_single_results_give_one_block(two_results):
    assert len(summarize_model_diagnostics(two_results[0])) == 1
    assert len(summarize_factor_dynamics(two_results[0])) == 2


def test_tables_reject_other_objects():
    with pytest.raises(bb.DataError, match="KalmanResults"):
        summarize_model_diagnostics({"not": "results"})


# ---------------------------------------------------------------------------- figures


def test_diagnostics_plot_has_one_panel_per_metric(two_results):
    fig = ModelDiagnosticsPlotter(two_results[0]).plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    fig2 = ModelDiagnosticsPlotter(two_results).plot(
        metrics=("rmse", "drift_norm", "cumulative_log_likelihood"), window=10
    )
    assert len(fig2.axes) == 3 and len(fig2.axes[0].lines) == 2
    # each panel draws its metric of each model, not just a line
    for i, r in enumerate(two_results):
        np.testing.assert_allclose(fig2.axes[0].lines[i].get_ydata(), r.rmse(10), rtol=1e-12)
        np.testing.assert_allclose(fig2.axes[1].lines[i].get_ydata(), r.drift_norm, rtol=1e-12)
        np.testing.assert_allclose(fig2.axes[2].lines[i].get_ydata(),
                                   np.cumsum(np.nan_to_num(r.loglik)), rtol=1e-12)
    with pytest.raises(bb.DataError, match="Unknown metric"):
        ModelDiagnosticsPlotter(two_results).plot(metrics=("nope",))
    plt.close("all")


def test_beta_grid_and_contributions(two_results):
    fig = plot_beta_grid(two_results, smoothed=True)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in visible] == [f"beta: {f}" for f in FACTORS]
    assert len(visible[0].lines) == 2 * 2 + 1  # (filtered, smoothed) per model + zero line
    fig2 = plot_factor_contributions(two_results[1])
    assert len(fig2.axes) == 1 and len(fig2.axes[0].lines) == 1 + 2 + 1
    np.testing.assert_allclose(
        fig2.axes[0].lines[1].get_ydata(), two_results[1].contributions[FACTORS[0]]
    )
    plt.close("all")


def test_mle_lines_on_a_fan_chart(two_results):
    r = two_results[0]
    fig, axes = plt.subplots(2, 1)
    for ax, f in zip(axes, FACTORS, strict=True):
        ax.set_ylabel(f"beta: {f}")
    out = plot_mle_on_fan(fig, r, smoothed=True, filtered=True)
    assert out is fig
    np.testing.assert_allclose(axes[1].lines[0].get_ydata(), r.smoothed["d10y"])
    np.testing.assert_allclose(axes[1].lines[1].get_ydata(), r.exposures["d10y"])
    one, _ = plt.subplots(1, 1)
    with pytest.raises(bb.DataError, match="1 panels for 2 factors"):
        plot_mle_on_fan(one, r)
    plt.close("all")
