"""Forecast kernels: the last filtered state against the NumPy filter, the h-step moments
against ``T^h`` and summed ``Q``, simulated futures against those moments."""

import numpy as np
import pytest

from bayes_beta.kalman import kalman_filter
from bayes_beta.kalman.forecast import final_states, moments, simulate
from bayes_beta.linalg import psd_factor
from bayes_beta.specs import StateSpace

K = 2


def _case(seed=0, n=80):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, K))
    y = H @ np.array([1.0, -0.5]) + rng.normal(0, 0.5, n)
    y[-1] = np.nan  # the last return is missing: the last innovation is NaN
    phi = np.array([0.9, 0.97])
    Q = np.diag([0.02, 0.01])
    mu = np.array([0.8, -0.4])
    c = (1 - phi) * mu
    b0, P0 = np.zeros(K), np.eye(K)
    return y, H, phi, Q, c, b0, P0


def test_last_filtered_state_is_the_filters():
    y, H, phi, Q, c, b0, P0 = _case()
    spec = StateSpace(T=np.diag(phi), Q=Q, R=np.array([[0.25]]), b0=b0, P0=P0,
                      B=c[:, None])
    ref = kalman_filter(y, H, spec, u=np.ones((len(y), 1)))
    b, P, r_n, v_n = final_states(y, H, phi[None], psd_factor(Q)[None], np.array([[0.5]]),
                                  b0[None], P0[None], c[None])
    np.testing.assert_allclose(b[0], ref.beta_filt[-1], rtol=1e-10)
    np.testing.assert_allclose(P[0], ref.P_filt[-1], rtol=1e-10)
    assert r_n[0] == pytest.approx(0.25) and np.isnan(v_n[0])
    y[-1] = 0.3
    *_, v_obs = final_states(y, H, phi[None], psd_factor(Q)[None], np.array([[0.5]]), b0[None],
                             P0[None], c[None])
    ref = kalman_filter(y, H, spec, u=np.ones((len(y), 1)))
    assert v_obs[0] == pytest.approx(ref.v[-1, 0], rel=1e-10)


def test_moments_are_T_power_and_summed_Q():
    _, _, phi, Q, c, _, _ = _case()
    b_n, P_n = np.array([0.3, 0.1]), np.array([[0.2, 0.05], [0.05, 0.1]])
    mean, cov = moments(b_n[None], P_n[None], phi[None], Q[None], c[None], 6)
    T = np.diag(phi)
    for h in range(7):
        Th = np.linalg.matrix_power(T, h)
        want_m = Th @ b_n + sum(np.linalg.matrix_power(T, j) @ c for j in range(h))
        want_P = Th @ P_n @ Th.T + sum(np.linalg.matrix_power(T, j) @ Q
                                       @ np.linalg.matrix_power(T, j).T for j in range(h))
        np.testing.assert_allclose(mean[0, h], want_m, rtol=1e-12)
        np.testing.assert_allclose(cov[0, h], want_P, rtol=1e-12)
    np.testing.assert_array_equal(mean[0, 0], b_n)  # h = 0 is the last filtered state


def _point_mass(S, h, seed=1):
    _, _, phi, Q, c, _, _ = _case()
    rng = np.random.default_rng(seed)
    b_n, P_n = np.array([0.3, 0.1]), np.array([[0.2, 0.05], [0.05, 0.1]])
    rep = lambda a: np.repeat(a[None], S, axis=0)  # noqa: E731
    Hf = rng.normal(size=(h, K))
    z = (rng.standard_normal((S, K)), rng.standard_normal((S, h, K)),
         rng.standard_normal((S, h)))
    return rep(phi), rep(psd_factor(Q)), rep(c), rep(b_n), rep(psd_factor(P_n)), z, Hf, Q


def _within(sample, mean, var, z=4.5):
    se = np.sqrt(var / sample.shape[0])
    assert np.all(np.abs(sample.mean(0) - mean) < z * se), (sample.mean(0), mean)


def test_simulated_futures_match_the_moments():
    S, h = 40_000, 5
    T, Q_sqrt, c, b_n, L_n, (z0, z, eps), Hf, Q = _point_mass(S, h)
    r = np.full((S, h), 0.3)
    beta, ret = simulate(T, Q_sqrt, c, b_n, L_n, z0, z, eps, H_future=Hf, r=r)
    mean, cov = moments(b_n[:1], L_n[:1] @ L_n[:1].transpose(0, 2, 1), T[:1], Q[None], c[:1], h)
    for j in range(h):
        m, C = mean[0, j + 1], cov[0, j + 1]
        _within(beta[:, j], m, np.diag(C))
        np.testing.assert_allclose(np.cov(beta[:, j].T), C, atol=6 * np.sqrt(2 / S) * C.max())
        var_y = Hf[j] @ C @ Hf[j] + 0.3
        _within(ret[:, j], Hf[j] @ m, var_y)
        assert ret[:, j].var() == pytest.approx(var_y, rel=6 * np.sqrt(2 / S))
    no_returns = simulate(T, Q_sqrt, c, b_n, L_n, z0, z, eps, r=r)
    np.testing.assert_array_equal(no_returns[0], beta)  # the same exposures without factors
    assert np.isnan(no_returns[1]).all()


def test_garch_variance_follows_the_recursion():
    S, h = 40_000, 3
    T, Q_sqrt, c, b_n, L_n, (z0, z, eps), Hf, Q = _point_mass(S, h, seed=2)
    omega, alpha, gamma, r_n, v_n = 0.05, 0.1, 0.8, 0.4, 0.9
    garch = np.tile([omega, alpha, gamma], (S, 1))
    _, ret = simulate(T, Q_sqrt, c, b_n, L_n, z0, z, eps, H_future=Hf, garch=garch,
                      r_n=np.full(S, r_n), v_n=np.full(S, v_n))
    mean, cov = moments(b_n[:1], L_n[:1] @ L_n[:1].transpose(0, 2, 1), T[:1], Q[None], c[:1], h)
    r1 = omega + alpha * v_n**2 + gamma * r_n  # known at n: the first step is Gaussian
    var1 = Hf[0] @ cov[0, 1] @ Hf[0] + r1
    _within(ret[:, 0], Hf[0] @ mean[0, 1], var1)
    assert ret[:, 0].var() == pytest.approx(var1, rel=6 * np.sqrt(2 / S))
    # the next: r_(n+2) = omega + alpha v_(n+1)^2 + gamma r1 with v_(n+1) ~ N(0, var1) (the
    # filter's innovation, the simulated state drawn from its belief), so E[r_(n+2)] =
    # omega + alpha var1 + gamma r1, and Var y_(n+2) = H C_2 H' + E[r_(n+2)]
    var2 = Hf[1] @ cov[0, 2] @ Hf[1] + omega + alpha * var1 + gamma * r1
    assert ret[:, 1].var() == pytest.approx(var2, rel=8 * np.sqrt(2 / S))
