"""Input checks of the NumPy-facing API: clear errors, and the caller's data is never changed."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta import DataError, SpecError

SPEC = bb.StateSpace.random_walk(Q=np.eye(2) * 0.01, R=0.5)


@pytest.mark.parametrize(
    "y, H, message",
    [
        (np.zeros(5), np.zeros((4, 2)), "y has 5 rows but H has 4"),
        (np.zeros(5), np.zeros((5, 3)), "H has K = 3 factor columns but the spec has K = 2"),
        (np.zeros((5, 2)), np.zeros((5, 2)), r"H of shape \(5, 2\) means m = 1"),
        (np.zeros((5, 2)), np.zeros((5, 2, 2)), r"y has m = 2 observations per step"),
        (np.array([0.0, np.inf, 0.0]), np.zeros((3, 2)), "y has an infinite value in row 1"),
        (
            np.zeros(3),
            np.array([[0.0, 0.0], [0.0, -np.inf], [0.0, 0.0]]),
            "H has an infinite value in row 1",
        ),
        (np.zeros(0), np.zeros((0, 2)), "no rows"),
        (pd.Series(["a", "b"]), np.zeros((2, 2)), "column None is not numeric"),
        (
            np.zeros(2),
            pd.DataFrame({"x": ["a", "b"], "z": [1.0, 2.0]}),
            "H column 'x' is not numeric",
        ),
    ],
)
def test_bad_inputs_raise(y, H, message):
    with pytest.raises(DataError, match=message):
        bb.kalman_filter(y, H, SPEC)


def test_spec_type_and_control_input_checks():
    with pytest.raises(SpecError, match="must be a bayes_beta.StateSpace"):
        bb.kalman_filter(np.zeros(3), np.zeros((3, 2)), {"T": 1})
    with pytest.raises(DataError, match="needs both spec.B and u"):
        bb.kalman_filter(np.zeros(3), np.zeros((3, 2)), SPEC, u=np.zeros((3, 1)))
    spec_b = SPEC.replace(B=np.ones((2, 1)))
    with pytest.raises(DataError, match=r"u must have shape \(3, 1\)"):
        bb.kalman_filter(np.zeros(3), np.zeros((3, 2)), spec_b, u=np.zeros((3, 2)))
    with pytest.raises(DataError, match="u has NaN in row 2"):
        bb.kalman_filter(np.zeros(3), np.zeros((3, 2)), spec_b, u=np.array([0.0, 0.0, np.nan]))
    for bad in (0, -5, "ten", 2.5, True):
        with pytest.raises(bb.ArgumentError, match="draws must be a positive integer"):
            bb.sample_paths(np.zeros(3), np.zeros((3, 2)), SPEC, draws=bad)
    for bad in ("abc", -1, 1.5):
        with pytest.raises(bb.ArgumentError, match="seed must be None"):
            bb.sample_paths(np.zeros(3), np.zeros((3, 2)), SPEC, seed=bad)
        with pytest.raises(bb.ArgumentError, match="seed must be None"):
            bb.simulate(SPEC, np.zeros((3, 2)), seed=bad)


def test_caller_arrays_are_not_modified():
    rng = np.random.default_rng(0)
    y = rng.normal(size=20)
    y[3] = np.nan
    H = rng.normal(size=(20, 2))
    H[5, 1] = np.nan
    y0, H0 = y.copy(), H.copy()
    bb.kalman_smoother(y, H, SPEC)
    bb.sample_paths(y, H, SPEC, draws=2, seed=0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(H, H0)


def test_single_observation_and_all_missing():
    res = bb.kalman_smoother(np.array([0.3]), np.array([[1.0, 2.0]]), SPEC)
    assert res.beta_smooth.shape == (1, 2)
    np.testing.assert_allclose(res.beta_smooth, res.beta_filt, rtol=1e-12)
    res = bb.kalman_smoother(np.full(4, np.nan), np.ones((4, 2)), SPEC)
    assert res.loglik == 0.0 and np.all(np.isnan(res.v))


@pytest.mark.parametrize("static", ["all", "one"])
def test_known_static_exposures_smooth_and_draw_without_nan(static):
    """Q = 0 with P0 = 0 (or one state with zero drift and zero initial variance): the exposure
    is known; smoother and path draws give it exactly, with zero variance, and no NaN."""
    df = bb.datasets.load_example()
    y, H = df["Util"].to_numpy(), df[["Mkt-RF", "d10y"]].to_numpy()
    if static == "all":
        Q, P0 = np.zeros((2, 2)), np.zeros((2, 2))
    else:
        Q, P0 = np.diag([1e-4, 0.0]), np.diag([0.25, 0.0])
    spec = bb.StateSpace.random_walk(Q=Q, R=[[0.015**2]], b0=[0.5, -0.02], P0=P0)
    res = bb.kalman_smoother(y, H, spec)
    paths = bb.sample_paths(y, H, spec, draws=20, seed=1)
    for x in (res.beta_smooth, res.P_smooth, paths):
        assert np.isfinite(x).all()
    np.testing.assert_allclose(res.beta_smooth[:, 1], -0.02, atol=1e-12)
    np.testing.assert_allclose(paths[:, :, 1], -0.02, atol=1e-12)
    np.testing.assert_allclose(res.P_smooth[:, 1, 1], 0.0, atol=1e-15)
    if static == "all":
        np.testing.assert_allclose(paths, np.broadcast_to([0.5, -0.02], paths.shape), atol=1e-12)


def test_zero_innovation_variance_names_the_step():
    """R = 0 and a known state: y_t is predicted exactly, S_t = 0."""
    spec = bb.StateSpace.random_walk(Q=np.zeros((2, 2)), R=[[0.0]], b0=[1.0, 0.0],
                                     P0=np.zeros((2, 2)))
    idx = pd.date_range("2020-01-03", periods=4, freq="W-FRI")
    y = pd.Series([1.0, 2.0, 3.0, 4.0], index=idx)
    with pytest.raises(bb.NumericalError, match=r"S_t .* is 0 at step 0 \(row 0, 2020-01-03\)"):
        bb.kalman_filter(y, np.ones((4, 2)), spec)
    with pytest.raises(bb.NumericalError, match="step 0"):
        bb.sample_paths(y, np.ones((4, 2)), spec, draws=2)


def test_exploding_covariances_name_the_matrix_and_step():
    spec = bb.StateSpace(T=np.eye(1) * 1e60, Q=[[1.0]], R=[[1.0]], b0=[0.0], P0=[[1.0]])
    with pytest.raises(bb.NumericalError, match="P_pred is not finite at step"):
        bb.kalman_smoother(np.full(10, np.nan), np.ones((10, 1)), spec)
