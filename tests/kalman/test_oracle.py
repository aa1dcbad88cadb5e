"""Filter log-likelihood and smoother against the exact joint Gaussian (n = 6)."""

import numpy as np
import pytest

import bayes_beta as bb
from tests.kalman.oracle import oracle


def _spec(m, rng, control=False):
    A = rng.normal(size=(m, m))
    return bb.StateSpace(
        T=np.array([[0.95, 0.1], [-0.05, 0.8]]),
        Q=np.array([[0.04, 0.01], [0.01, 0.02]]),
        R=A @ A.T / m + 0.2 * np.eye(m),
        b0=np.array([0.5, -0.3]),
        P0=np.array([[0.5, 0.1], [0.1, 0.3]]),
        B=np.array([[1.0], [0.5]]) if control else None,
        d=rng.normal(size=m) * 0.1,
    )


@pytest.mark.parametrize("m", [1, 2])
@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize("control", [False, True])
def test_filter_and_smoother_equal_dense_gaussian(m, missing, control):
    rng = np.random.default_rng(100 * m + 10 * missing + control)
    n = 6
    spec = _spec(m, rng, control)
    H = rng.normal(size=(n, m, 2))
    u = rng.normal(size=(n, 1)) if control else None
    y = bb.simulate(spec, H, seed=5, u=u).y
    if missing:
        y[1] = np.nan
        if m == 2:
            y[3, 0] = np.nan
        H[4, 0, 1] = np.nan
    loglik, mean, cov = oracle(y, H, spec, u)
    res = bb.kalman_smoother(y, H, spec, u=u)
    np.testing.assert_allclose(res.loglik, loglik, rtol=1e-10)
    np.testing.assert_allclose(res.beta_smooth, mean, rtol=1e-9, atol=1e-12)
    blocks = np.stack([cov[2 * t : 2 * t + 2, 2 * t : 2 * t + 2] for t in range(n)])
    np.testing.assert_allclose(res.P_smooth, blocks, rtol=1e-9, atol=1e-12)


def test_each_step_is_the_one_step_predictive_density():
    """l_t = log p(y_1..t) - log p(y_1..t-1): the per-step terms are predictive densities."""
    rng = np.random.default_rng(3)
    spec = _spec(1, rng)
    H = rng.normal(size=(6, 1, 2))
    y = bb.simulate(spec, H, seed=9).y
    res = bb.kalman_filter(y, H, spec)
    cumulative = [oracle(y[: t + 1], H[: t + 1], spec)[0] for t in range(6)]
    np.testing.assert_allclose(res.loglik_t, np.diff(cumulative, prepend=0.0), rtol=1e-10)
