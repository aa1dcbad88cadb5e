"""Joint path draws: their moments equal the smoother's, and seeds reproduce them."""

import numpy as np

import bayes_beta as bb
from tests.kalman.oracle import oracle


def _model(m=1, seed=0):
    rng = np.random.default_rng(seed)
    spec = bb.StateSpace(
        T=np.array([[0.97, 0.0], [0.05, 0.9]]),
        Q=np.diag([0.03, 0.0]),  # a singular Q: the second exposure only moves through T
        R=np.eye(m) * 0.4,
        b0=np.array([0.4, -0.2]),
        P0=np.array([[0.5, 0.1], [0.1, 0.2]]),
    )
    n = 8
    H = rng.normal(size=(n, m, 2))
    y = bb.simulate(spec, H, seed=1).y
    y[2] = np.nan
    H[5, 0, 0] = np.nan
    return y, H, spec


def test_draws_match_the_joint_smoothing_distribution():
    """Sample mean and the full (nK x nK) covariance across time match the dense oracle."""
    y, H, spec = _model()
    D = 20000
    paths = bb.sample_paths(y, H, spec, draws=D, seed=42)
    assert paths.shape == (D, 8, 2)
    _, mean, cov = oracle(y, H, spec)
    sd = np.sqrt(np.diag(cov)).reshape(8, 2)
    z = (paths.mean(0) - mean) / (sd / np.sqrt(D))
    assert np.abs(z).max() < 4.5, f"draw mean off by {np.abs(z).max():.1f} standard errors"
    flat = paths.reshape(D, -1)
    sample_cov = np.cov(flat, rowvar=False)
    # standard error of a covariance entry: sqrt((s_ii s_jj + s_ij^2) / D)
    se = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov**2) / D)
    assert np.abs((sample_cov - cov) / se).max() < 5.0
    smooth = bb.kalman_smoother(y, H, spec)
    np.testing.assert_allclose(smooth.beta_smooth, mean, rtol=1e-9)


def test_draws_match_smoother_for_two_observations():
    y, H, spec = _model(m=2, seed=3)
    D = 8000
    paths = bb.sample_paths(y, H, spec, draws=D, seed=7)
    smooth = bb.kalman_smoother(y, H, spec)
    sd = np.sqrt(np.diagonal(smooth.P_smooth, axis1=1, axis2=2))
    assert np.abs((paths.mean(0) - smooth.beta_smooth) / (sd / np.sqrt(D))).max() < 4.5
    ratio = paths.var(0) / sd**2
    assert np.all(np.abs(ratio - 1) < 0.1)


def test_seed_reproduces_draws():
    y, H, spec = _model()
    a = bb.sample_paths(y, H, spec, draws=5, seed=123)
    b = bb.sample_paths(y, H, spec, draws=5, seed=123)
    c = bb.sample_paths(y, H, spec, draws=5, seed=124)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_simulate_is_reproducible_and_has_the_model_law():
    spec = bb.StateSpace.random_walk(
        Q=np.diag([0.01, 0.04]), R=[[0.25]], b0=[1.0, 2.0], P0=np.zeros((2, 2))
    )
    H = np.ones((400, 2))
    a, b = bb.simulate(spec, H, seed=3), bb.simulate(spec, H, seed=3)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.y.shape == (400,) and a.beta.shape == (400, 2)
    steps = np.diff(a.beta, axis=0)
    np.testing.assert_allclose(steps.var(0), [0.01, 0.04], rtol=0.2)
    np.testing.assert_allclose((a.y - a.beta.sum(1)).var(), 0.25, rtol=0.2)
