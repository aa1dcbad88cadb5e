"""Posterior draws -> per-draw matrices -> exposures: the xarray layer over the kernels."""

import numpy as np
import pandas as pd
import xarray as xr

import bayes_beta as bb
from bayes_beta.bayesian.propagate import (
    CHUNK_VALUES,
    draw_matrices,
    draw_seeds,
    exposures,
    loglik_per_draw,
    stack_draws,
)
from bayes_beta.data import make_design
from bayes_beta.kalman.propagate import draw_normals
from bayes_beta.specs.statespace import psd_factor
from tests.kalman.reference import propagate_reference


def _frame(n=80, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI")
    H = rng.normal(size=(n, 2))
    y = H @ np.array([1.0, -0.5]) + 0.3 * rng.normal(size=n)
    return pd.DataFrame({"fund": y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)


def _posterior(**values):
    """A posterior Dataset with 2 chains x 2 draws from arrays (4, ...)."""
    def da(x):
        x = np.asarray(x, dtype=float)
        dims = ("chain", "draw") + (("factor",) if x.ndim == 2 else ())
        return (dims, x.reshape(2, 2, *x.shape[1:]))

    return xr.Dataset({k: da(v) for k, v in values.items()},
                      coords={"chain": [0, 1], "draw": [0, 1], "factor": ["f1", "f2"]})


CONSTANT = bb.ModelOptions(volatility="constant")
MEAN_REVERTING = bb.ModelOptions(dynamics="mean_reverting", volatility="constant")
GARCH = bb.ModelOptions(volatility="garch")

POST = {"sigma_obs": [0.2, 0.3, 0.25, 0.4],
        "sigma_state": [[0.03, 0.01], [0.1, 0.02], [0.05, 0.05], [0.01, 0.1]]}


def test_matrices_of_mean_reverting_draws_reach_the_kernel():
    """phi and mu become T = diag(phi) and c = (1 - phi) mu: the exposures equal the pytensor
    reference run on those matrices with the same random numbers."""
    df = _frame()
    df.iloc[5, 0] = np.nan
    design = make_design(df, "fund", ["f1", "f2"])
    post = _posterior(**POST, phi=[[0.9, 0.95], [0.99, 0.5], [0.8, 0.8], [0.7, 0.99]],
                      mu=[[1.0, 0.0], [0.5, -1.0], [0.0, 0.0], [2.0, 1.0]])
    stacked = stack_draws(post)
    ex, ll = exposures(stacked, design, MEAN_REVERTING, seed=3)
    m = draw_matrices(stacked, design, MEAN_REVERTING)
    np.testing.assert_allclose(m.T, stacked["phi"].values)
    np.testing.assert_allclose(m.c, (1 - stacked["phi"].values) * stacked["mu"].values)
    S, n = 4, len(df)
    seeds = draw_seeds(3, stacked["chain"].values, stacked["draw"].values)
    z = draw_normals(seeds, n, 2)[:3]
    ref = propagate_reference(design.y, design.H, m.T, m.Q_sqrt, m.r_sqrt, m.b0, m.P0,
                              psd_factor(m.P0), m.c, *z)
    np.testing.assert_allclose(ll.values.reshape(S, n), ref[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ex["path"].values.reshape(S, n, 2), ref[1], rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(ex["smoothed_mean"].values, ref[4].mean(0), rtol=1e-10)
    np.testing.assert_allclose(ex["filtered_state_var"].values, ref[3].mean(0), rtol=1e-10)
    np.testing.assert_allclose(ex["filtered_param_var"].values, ref[2].var(0), rtol=1e-9)
    np.testing.assert_allclose(ex["smoothed_param_var"].values, ref[4].var(0), rtol=1e-9)
    z_filt = draw_normals(seeds, n, 2)[3]
    np.testing.assert_allclose(ex["filtered_draw"].values.reshape(S, n, 2),
                               ref[2] + np.sqrt(ref[3]) * z_filt, rtol=1e-9, atol=1e-12)
    assert ex["path"].dims == ("chain", "draw", "time", "factor")
    np.testing.assert_allclose(loglik_per_draw(stacked, design, MEAN_REVERTING).values,
                               ll.values, rtol=1e-13)


def test_filtered_exposures_never_use_later_data():
    df = _frame(120)
    design = make_design(df, "fund", ["f1", "f2"], init_window=20)
    later = df.copy()
    t0 = 70
    later.iloc[t0 + 1:, 0] += 5.0
    design_later = make_design(later, "fund", ["f1", "f2"], init_window=20)
    stacked = stack_draws(_posterior(**POST))
    a, _ = exposures(stacked, design, CONSTANT, seed=1)
    b, _ = exposures(stacked, design_later, CONSTANT, seed=1)
    early = {"time": slice(0, t0 + 1)}
    for name in ("filtered_draw", "filtered_mean"):
        xr.testing.assert_equal(a[name].isel(early), b[name].isel(early))
        assert not np.allclose(a[name].isel(time=t0 + 1), b[name].isel(time=t0 + 1))
    assert not np.allclose(a["path"].isel(time=t0), b["path"].isel(time=t0))  # smoothing looks ahead


def test_initial_prior_draws_start_from_their_b0():
    design = make_design(_frame(), "fund", ["f1", "f2"], initial="prior")
    b0 = [[1.0, -0.5], [0.8, -0.4], [1.2, -0.6], [1.0, 0.0]]
    m = draw_matrices(stack_draws(_posterior(**POST, b0=b0)), design, CONSTANT)
    np.testing.assert_allclose(m.b0, b0)
    np.testing.assert_array_equal(m.P0, 0.0)


def test_chunked_moments_equal_one_pass(monkeypatch):
    """Moments merged over kernel chunks (2 draws each) equal those of one call, and every
    draw's path depends on its own seed only."""
    import bayes_beta.bayesian.propagate as module

    design = make_design(_frame(), "fund", ["f1", "f2"])
    stacked = stack_draws(_posterior(**POST))
    one, ll_one = exposures(stacked, design, CONSTANT, seed=5)
    monkeypatch.setattr(module, "CHUNK_VALUES", 2 * 80 * 2)
    assert module.CHUNK_VALUES < CHUNK_VALUES
    two, ll_two = exposures(stacked, design, CONSTANT, seed=5)
    xr.testing.assert_allclose(one, two, rtol=1e-12, atol=1e-15)
    xr.testing.assert_equal(ll_one, ll_two)
    alone, _ = exposures(stacked.isel(sample=[2]), design, CONSTANT, seed=5)
    # the same random numbers; the arithmetic may differ in the last bit (batched LAPACK)
    np.testing.assert_allclose(alone["path"].values[0, 0], one["path"].values[1, 0], rtol=1e-13)


def test_draw_seeds_differ_and_repeat():
    chain, draw = np.repeat(np.arange(4), 1000), np.tile(np.arange(1000), 4)
    seeds = draw_seeds(7, chain, draw)
    assert seeds.dtype == np.uint32 and len(np.unique(seeds)) == 4000
    np.testing.assert_array_equal(seeds, draw_seeds(7, chain, draw))
    assert not np.array_equal(seeds, draw_seeds(8, chain, draw))


def test_garch_variances_and_loglik_come_from_one_pass():
    """For GARCH draws the pass that gives r_t also gives l_t: equal to the filter run on
    those r_t, and to the kept draws' exposures pass."""
    from bayes_beta.bayesian.propagate import matrices_and_loglik
    from bayes_beta.kalman.propagate import loglik_draws

    design = make_design(_frame(), "fund", ["f1", "f2"])
    post = _posterior(**POST, garch_persistence=[0.9, 0.95, 0.8, 0.97],
                      garch_alpha=[0.1, 0.05, 0.2, 0.03], garch_gamma=[0.8, 0.9, 0.6, 0.94])
    stacked = stack_draws(post)
    m, ll = matrices_and_loglik(stacked, design, GARCH)
    assert m.r_sqrt.shape == (4, 80) and np.ptp(m.r_sqrt[0]) > 0
    ref = loglik_draws(design.y, np.ascontiguousarray(design.H), m.T, m.Q_sqrt, m.r_sqrt, m.b0,
                       m.P0, m.c)
    np.testing.assert_allclose(ll, ref, rtol=1e-12)
    _, ll_ex = exposures(stacked, design, GARCH, seed=1)
    np.testing.assert_allclose(ll_ex.values.reshape(4, 80), ll, rtol=1e-12)
