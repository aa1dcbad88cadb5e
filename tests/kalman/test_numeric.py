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
    with pytest.raises(DataError, match="draws must be a positive integer"):
        bb.sample_paths(np.zeros(3), np.zeros((3, 2)), SPEC, draws=0)


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
    np.testing.assert_array_equal(res.beta_smooth, res.beta_filt)
    res = bb.kalman_smoother(np.full(4, np.nan), np.ones((4, 2)), SPEC)
    assert res.loglik == 0.0 and np.all(np.isnan(res.v))
