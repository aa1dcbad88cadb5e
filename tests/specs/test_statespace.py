"""StateSpace validation: every wrong matrix is named with the fix."""

import numpy as np
import pytest

import bayes_beta as bb
from bayes_beta import SpecError

GOOD = {"T": np.eye(2), "Q": np.eye(2) * 0.1, "R": [[0.5]], "b0": [0.0, 1.0], "P0": np.eye(2)}


def make(**changes):
    return bb.StateSpace(**{**GOOD, **changes})


def test_valid_spec_copies_and_freezes_inputs():
    Q = np.eye(2) * 0.1
    spec = make(Q=Q)
    Q[0, 0] = 99.0
    assert spec.Q[0, 0] == 0.1
    with pytest.raises(ValueError):
        spec.Q[0, 0] = 1.0
    with pytest.raises(AttributeError):
        spec.Q = np.eye(2)
    assert (spec.K, spec.m) == (2, 1)
    np.testing.assert_array_equal(spec.d, [0.0])
    assert spec == make() and spec != make(R=[[0.6]])


def test_scalar_r_and_random_walk_constructor():
    spec = bb.StateSpace.random_walk(Q=np.eye(3) * 0.01, R=0.2)
    np.testing.assert_array_equal(spec.T, np.eye(3))
    assert spec.R.shape == (1, 1) and spec.P0.shape == (3, 3)
    assert spec.replace(R=[[0.3]]).R[0, 0] == 0.3


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"T": np.ones((2, 3))}, r"T must be a square \(K, K\) matrix"),
        ({"Q": np.eye(3)}, r"Q must have shape \(2, 2\); got \(3, 3\)"),
        ({"R": np.ones((1, 2))}, r"R must be a square \(m, m\) matrix"),
        ({"b0": [0.0]}, r"b0 must have shape \(2,\)"),
        ({"P0": np.eye(3)}, r"P0 must have shape \(2, 2\)"),
        ({"Q": np.array([[0.1, np.nan], [np.nan, 0.1]])}, r"Q has a non-finite entry at \(0, 1\)"),
        ({"b0": [np.inf, 0.0]}, r"b0 has a non-finite entry"),
        ({"Q": np.array([[0.1, 0.05], [0.0, 0.1]])}, r"Q must be symmetric.*\(Q \+ Q.T\) / 2"),
        ({"P0": np.array([[1.0, 2.0], [2.0, 1.0]])}, r"P0 must be positive semi-definite"),
        ({"R": [[-0.5]]}, r"R must be positive semi-definite.*non-negative variances"),
        ({"Q": [["a", "b"], ["c", "d"]]}, r"Q must be numeric"),
        ({"B": np.ones((3, 1))}, r"B must have shape \(K, p\) = \(2, p\)"),
        ({"d": [0.0, 1.0]}, r"d must have shape \(1,\)"),
    ],
)
def test_invalid_matrices_are_named(changes, message):
    with pytest.raises(SpecError, match=message):
        make(**changes)


def test_singular_psd_is_allowed():
    spec = make(Q=np.zeros((2, 2)), P0=np.array([[1.0, 1.0], [1.0, 1.0]]))
    assert np.all(spec.Q == 0)


def test_random_walk_rejects_vector_q():
    with pytest.raises(SpecError, match=r"np.diag\(q\)"):
        bb.StateSpace.random_walk(Q=[0.1, 0.2], R=1.0)
