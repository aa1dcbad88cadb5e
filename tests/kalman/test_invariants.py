"""Properties that hold for any model: symmetry, PSD, smoother end point, RLS, control input."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bayes_beta as bb


def _psd(rng, k, scale):
    A = rng.normal(size=(k, k))
    return scale * (A @ A.T / k + 0.05 * np.eye(k))


@st.composite
def models(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    K = draw(st.integers(1, 3))
    m = draw(st.integers(1, 2))
    n = draw(st.integers(2, 12))
    rng = np.random.default_rng(seed)
    spec = bb.StateSpace(
        T=np.eye(K) * 0.9 + 0.05 * rng.normal(size=(K, K)),
        Q=_psd(rng, K, draw(st.floats(1e-4, 1.0))),
        R=_psd(rng, m, draw(st.floats(1e-3, 10.0))),
        b0=rng.normal(size=K),
        P0=_psd(rng, K, draw(st.floats(1e-2, 100.0))),
    )
    H = rng.normal(size=(n, m, K))
    y = bb.simulate(spec, H, seed=rng).y
    y[rng.random(y.shape) < draw(st.floats(0.0, 0.4))] = np.nan
    return y, H, spec


def _assert_sym_psd(P, name):
    np.testing.assert_array_equal(P, np.swapaxes(P, -1, -2), err_msg=f"{name} not symmetric")
    eig = np.linalg.eigvalsh(P)
    scale = np.abs(P).max(axis=(-1, -2))[:, None]
    assert np.all(eig >= -1e-12 * scale), f"{name} not PSD: min eigenvalue {eig.min():.3g}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_covariances_symmetric_psd_and_smoother_ends_at_filter(model):
    y, H, spec = model
    res = bb.kalman_smoother(y, H, spec)
    for name in ("P_pred", "P_filt", "P_smooth"):
        _assert_sym_psd(getattr(res, name), name)
    # the smoother ends at the filter (to round-off: the smoother computes it as
    # beta_pred + P_pred r_(n-1), the filter by the Joseph update)
    scale = max(1.0, np.abs(res.P_filt[-1]).max())
    np.testing.assert_allclose(res.beta_smooth[-1], res.beta_filt[-1], rtol=1e-9,
                               atol=1e-10 * np.sqrt(scale))
    np.testing.assert_allclose(res.P_smooth[-1], res.P_filt[-1], rtol=1e-9, atol=1e-10 * scale)
    assert np.all(
        np.diagonal(res.P_smooth, axis1=1, axis2=2)
        <= np.diagonal(res.P_filt, axis1=1, axis2=2) * (1 + 1e-9)
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), K=st.integers(1, 3), n=st.integers(2, 30))
def test_static_exposures_are_recursive_least_squares(seed, K, n):
    """Q = 0, T = I: beta_filt_t is the ridge/GLS estimate from b0, P0 and y_1..t."""
    rng = np.random.default_rng(seed)
    r = float(rng.uniform(0.1, 2.0))
    P0 = _psd(rng, K, 5.0)
    spec = bb.StateSpace.random_walk(Q=np.zeros((K, K)), R=[[r]], b0=rng.normal(size=K), P0=P0)
    H = rng.normal(size=(n, K))
    y = H @ rng.normal(size=K) + rng.normal(size=n) * np.sqrt(r)
    res = bb.kalman_filter(y, H, spec)
    P0_inv = np.linalg.inv(P0)
    for t in range(n):
        Ht, yt = H[: t + 1], y[: t + 1]
        precision = P0_inv + Ht.T @ Ht / r
        expected = np.linalg.solve(precision, P0_inv @ spec.b0 + Ht.T @ yt / r)
        np.testing.assert_allclose(res.beta_filt[t], expected, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(res.P_filt[t], np.linalg.inv(precision), rtol=1e-7, atol=1e-12)


def test_control_input_moves_the_state():
    """With every y missing, beta_filt_t = T beta_filt_(t-1) + B u_t exactly (a NumPy loop)."""
    rng = np.random.default_rng(4)
    n, K = 15, 2
    spec = bb.StateSpace(
        T=np.array([[0.9, 0.1], [0.0, 1.0]]),
        Q=0.01 * np.eye(K),
        R=[[1.0]],
        b0=np.array([1.0, -1.0]),
        P0=np.eye(K),
        B=np.array([[0.5, 0.0], [0.0, 2.0]]),
    )
    u = rng.normal(size=(n, 2))
    H = rng.normal(size=(n, K))
    res = bb.kalman_filter(np.full(n, np.nan), H, spec, u=u)
    state = spec.b0
    for t in range(n):
        state = spec.T @ state + spec.B @ u[t]
        np.testing.assert_allclose(res.beta_filt[t], state, rtol=1e-12)
    assert res.loglik == 0.0
    # and with data, shifting u shifts the predicted state by B du
    y = bb.simulate(spec, H, seed=1, u=u).y
    a = bb.kalman_filter(y, H, spec, u=u)
    u2 = u.copy()
    u2[0] += 1.0
    b = bb.kalman_filter(y, H, spec, u=u2)
    np.testing.assert_allclose(b.beta_pred[0] - a.beta_pred[0], spec.B @ np.ones(2), rtol=1e-12)


def test_two_observations_per_step_tighten_the_estimate():
    """m = 2 copies of the same signal with R = 2 r I equal one signal with variance r."""
    rng = np.random.default_rng(8)
    n, K = 40, 2
    H1 = rng.normal(size=(n, 1, K))
    y1 = rng.normal(size=(n, 1))
    one = bb.StateSpace.random_walk(Q=0.01 * np.eye(K), R=[[0.5]])
    two = bb.StateSpace.random_walk(Q=0.01 * np.eye(K), R=np.eye(2))
    a = bb.kalman_filter(y1, H1, one)
    b = bb.kalman_filter(np.repeat(y1, 2, axis=1), np.repeat(H1, 2, axis=1), two)
    np.testing.assert_allclose(b.beta_filt, a.beta_filt, rtol=1e-9)
    np.testing.assert_allclose(b.P_filt, a.P_filt, rtol=1e-9)
