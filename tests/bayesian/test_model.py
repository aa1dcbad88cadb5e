"""The PyMC model: likelihood choices agree, data enter as model data, priors are unit-free and
scale with the data, and the ``initial="prior"`` start has the full covariance."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest
from pytensor.compile.mode import Mode
from pytensor.graph.traversal import ancestors

import bayes_beta as bb
from bayes_beta.bayesian.model import DATA_VARS, model_setup
from bayes_beta.bayesian.sampling import model_data

PY = Mode(linker="py", optimizer="fast_compile")


def _frame(n=80, seed=5):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    df = pd.DataFrame(rng.normal(size=(n, 3)) * 0.02, index=idx, columns=["y", "a", "b"])
    df.iloc[7, 0] = np.nan
    return df


def test_fused_and_scan_likelihoods_agree():
    """The model's log-density and gradient are the same with the fused Op and the scan graph."""
    df = _frame()
    for kw in ({}, {"priors": "correlated", "dynamics": "mean_reverting", "intercept": True},
               {"initial": "prior"}):
        logps = []
        for likelihood in ("fused", "scan"):
            model = bb.build_model(df, "y", ["a", "b"], likelihood=likelihood,
                                   volatility="constant", **kw)
            ops = {type(v.owner.op).__name__ for v in ancestors([model.logp()]) if v.owner}
            assert ("KalmanLoglikValueGrad" in ops) == (likelihood == "fused"), ops
            assert ("Scan" in ops) == (likelihood == "scan"), ops
            point = model.initial_point()
            logps.append((model.compile_logp(mode=PY)(point),
                          model.compile_dlogp(mode=PY)(point)))
        np.testing.assert_allclose(logps[0][0], logps[1][0], rtol=1e-11)
        np.testing.assert_allclose(logps[0][1], logps[1][1], rtol=1e-9, atol=1e-9)


def test_a_constant_transition_skips_the_gradient_for_T():
    """Random walk: T = I is a constant, so the Op computes no T gradient (and stores no
    covariances for it); mean reversion: T = diag(phi) needs it."""
    df = _frame()
    for dynamics, grad_T in (("random_walk", False), ("mean_reverting", True)):
        model = bb.build_model(df, "y", ["a", "b"], dynamics=dynamics)
        ops = [v.owner.op for v in ancestors([model.logp()])
               if v.owner and type(v.owner.op).__name__ == "KalmanLoglikValueGrad"]
        assert len(ops) == 1 and ops[0].grad_T is grad_T and ops[0].T_diag


def test_data_are_model_data_and_the_setup_is_kept():
    df = _frame()
    model = bb.build_model(df, "y", ["a", "b"], dynamics="mean_reverting")
    values = model_data(model)
    assert set(values) == set(DATA_VARS)
    np.testing.assert_array_equal(values["y"], df["y"].to_numpy())  # NaN kept, no mask
    design, variant, options = model_setup(model)
    np.testing.assert_array_equal(values["H"], design.H)
    assert options.dynamics == "mean_reverting" and variant.name == "default"
    with pytest.raises(bb.SpecError, match="not made by bayes_beta.build_model"):
        model_setup(pm.Model())


def test_sampled_variables_are_unit_free_and_sds_scale_with_the_data():
    df = _frame()
    draws = {}
    for scale in (1.0, 100.0):
        model = bb.build_model(df * scale, "y", ["a", "b"], priors="correlated",
                               dynamics="mean_reverting")
        start = bb.build_model(df, "y", ["a", "b"], priors="correlated",
                               dynamics="mean_reverting").initial_point()
        for name, value in model.initial_point().items():
            np.testing.assert_array_equal(value, start[name], err_msg=name)
        with model:
            draws[scale] = pm.draw([model["sigma_obs"], model["sigma_state"]], draws=2000,
                                   random_seed=3)
    np.testing.assert_allclose(draws[100.0][0], 100.0 * draws[1.0][0], rtol=1e-10)
    np.testing.assert_allclose(draws[100.0][1], draws[1.0][1], rtol=1e-10)  # beta units


def test_prior_start_has_the_full_covariance():
    """``initial="prior"``: b0 ~ N(b0_ols, P0_ols) with P0's correlations (0.63 in magnitude
    on the example), so its marginal likelihood is that of the fixed start."""
    df = bb.datasets.load_example()
    model = bb.build_model(df, "Util", ["Mkt-RF", "d10y"], initial="prior")
    design = model_setup(model).design
    with model:
        b0 = pm.draw(model["b0"], draws=20000, random_seed=1)
    corr = design.P0[0, 1] / np.sqrt(design.P0[0, 0] * design.P0[1, 1])
    assert abs(corr) > 0.3
    se = np.sqrt(np.diag(design.P0) / len(b0))
    assert np.all(np.abs(b0.mean(0) - design.b0) < 4 * se)
    np.testing.assert_allclose(np.cov(b0.T), design.P0, rtol=0.05, atol=0.03 * design.P0.max())
