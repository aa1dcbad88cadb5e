"""Observation variance per step (stochastic volatility, Student-t, known) and GARCH(1, 1):
the fused kernel and Op against a dense Gaussian oracle with a time-varying R, a NumPy loop
and finite differences; the AR(1) log-variance path and its gradient."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import verify_grad

import bayes_beta as bb
from bayes_beta.kalman.ar1 import ar1_path, path_backward, path_forward
from bayes_beta.kalman.fused import loglik_terms, loglik_value_grad, variances
from bayes_beta.kalman.fused_op import kalman_loglik_sum
from bayes_beta.kalman.propagate import propagate_draws
from tests.kalman.oracle import oracle

PY = Mode(linker="py", optimizer="fast_compile")


def _case(n=30, K=2, seed=0):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, K))
    y = rng.normal(size=n)
    y[[4, 11]] = np.nan
    H[17, 1] = np.nan
    v = dict(T=rng.uniform(0.8, 0.99, K), Q=np.diag(rng.uniform(0.01, 0.05, K)),
             b0=rng.normal(size=K), P0=np.eye(K) * 0.5, c=0.05 * rng.normal(size=K))
    return y, H, v


def _spec(v, r=1.0):
    return bb.StateSpace(T=np.diag(v["T"]), Q=v["Q"], R=[[r]], b0=v["b0"], P0=v["P0"],
                         B=v["c"][:, None])


def test_per_step_variance_equals_the_oracle():
    y, H, v = _case()
    r_t = np.exp(np.random.default_rng(1).normal(size=len(y)))
    ll = loglik_terms(y, H, v["T"], v["Q"], r_t, v["b0"], v["P0"], v["c"][None], 2).sum()
    ref, mean, _ = oracle(y[:, None], H[:, None, :], _spec(v), u=np.ones((len(y), 1)),
                          R_steps=r_t[:, None, None])
    assert ll == pytest.approx(ref, rel=1e-10)
    # the propagation kernels' smoother with the same r_t is the oracle's conditional mean
    S, n = 1, len(y)
    out = propagate_draws(y, H, v["T"][None], np.sqrt(v["Q"])[None], np.sqrt(r_t)[None],
                          v["b0"][None], v["P0"][None], np.sqrt(v["P0"])[None], v["c"][None],
                          np.zeros((S, 2)), np.zeros((S, n, 2)), np.zeros((S, n)))
    np.testing.assert_allclose(out[4][0], mean, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(out[0][0].sum(), ref, rtol=1e-10)


def test_per_step_variance_gradient_matches_finite_differences():
    y, H, v = _case()
    r_t = np.exp(np.random.default_rng(1).normal(size=len(y)))
    args = (y, H, v["T"], v["Q"], r_t, v["b0"], v["P0"], v["c"][None])
    _, g = loglik_value_grad(*args, True, 2)
    eps = 1e-6
    for t in (0, 5, 11, 29):  # step 11 is unobserved: no gradient
        up, down = r_t.copy(), r_t.copy()
        up[t] += eps
        down[t] -= eps
        fd = (loglik_terms(y, H, v["T"], v["Q"], up, v["b0"], v["P0"], v["c"][None], 2).sum()
              - loglik_terms(y, H, v["T"], v["Q"], down, v["b0"], v["P0"], v["c"][None], 2)
              .sum()) / (2 * eps)
        assert g[2][t] == pytest.approx(fd, rel=1e-6, abs=1e-9), t
    assert g[2][11] == 0.0


def _garch_reference(y, H, T, Q, garch, b0, P0, c):
    """A plain NumPy filter with r_t = omega + alpha v_(t-1)^2 + gamma r_(t-1)."""
    omega, alpha, gamma, r0 = garch
    b, P, ll, r, v2 = b0.copy(), P0.copy(), 0.0, r0, 0.0
    for t in range(len(y)):
        r = r0 if t == 0 else omega + alpha * v2 + gamma * r
        b = T * b + c
        P = np.diag(T) @ P @ np.diag(T) + Q
        if np.isnan(y[t]) or np.isnan(H[t]).any():
            v2 = r
            continue
        h = H[t]
        S = h @ P @ h + r
        v = y[t] - h @ b
        k = P @ h / S
        b = b + k * v
        P = P - np.outer(k, h @ P)
        ll += -0.5 * (np.log(2 * np.pi) + np.log(S) + v * v / S)
        v2 = v * v
    return ll


def test_garch_value_and_gradient_against_a_numpy_loop():
    y, H, v = _case()
    garch = (0.2, 0.15, 0.6, 0.9)
    args = (y, H, v["T"], v["Q"])
    ll, g = loglik_value_grad(*args, garch, v["b0"], v["P0"], v["c"][None], True, 2)
    ref = _garch_reference(*args, garch, v["b0"], v["P0"], v["c"])
    assert ll == pytest.approx(ref, rel=1e-11)
    eps = 1e-6
    for i in range(4):  # omega, alpha, gamma, r0
        up, down = list(garch), list(garch)
        up[i] += eps
        down[i] -= eps
        fd = (_garch_reference(*args, up, v["b0"], v["P0"], v["c"])
              - _garch_reference(*args, down, v["b0"], v["P0"], v["c"])) / (2 * eps)
        assert g[2][i] == pytest.approx(fd, rel=1e-6), i
    for name, idx in (("T", 0), ("Q", 1), ("b0", 3), ("c", 5)):
        x = v[name].copy()
        step = np.zeros_like(x)
        step.flat[0] = eps
        hi, lo = dict(v, **{name: x + step}), dict(v, **{name: x - step})
        fd = (_garch_reference(y, H, hi["T"], hi["Q"], garch, hi["b0"], hi["P0"], hi["c"])
              - _garch_reference(y, H, lo["T"], lo["Q"], garch, lo["b0"], lo["P0"], lo["c"])) / (
            2 * eps)
        got = np.ravel(g[idx])[0]
        assert got == pytest.approx(fd, rel=1e-5, abs=1e-8), name
    r_path = variances(y, H, v["T"], v["Q"], garch, v["b0"], v["P0"], v["c"][None], 2)
    assert r_path[0] == 0.9 and np.all(r_path > 0.2)
    # the GARCH likelihood is the per-step likelihood with its own variance path
    given = loglik_terms(y, H, v["T"], v["Q"], r_path, v["b0"], v["P0"], v["c"][None], 2)
    assert given.sum() == pytest.approx(ll, rel=1e-12)


@pytest.mark.parametrize("noise", ["steps", "garch"])
def test_op_gradient_and_numba_backend(noise):
    y, H, v = _case(n=20)
    r_value = np.exp(np.random.default_rng(2).normal(size=len(y))) if noise == "steps" else \
        np.array([0.2, 0.15, 0.6, 0.9])

    def loglik(T, Q, r):
        rr = r if noise == "steps" else tuple(r[i] for i in range(4))
        return kalman_loglik_sum(y, H, T, Q, rr, v["b0"], v["P0"], v["c"], T_diag=True,
                                 noise=noise)

    verify_grad(loglik, [v["T"], v["Q"], r_value], rng=np.random.default_rng(3), mode=PY,
                eps=1e-7)
    T, Q, r = pt.vector("T"), pt.matrix("Q"), pt.vector("r")
    out = loglik(T, Q, r)
    wrt = [T, Q, r]
    fns = [pytensor.function(wrt, [out, *pytensor.grad(out, wrt)], mode=m)
           for m in ("NUMBA", PY)]
    for a, b in zip(*(f(v["T"], v["Q"], r_value) for f in fns), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_ar1_path_and_its_gradient():
    rng = np.random.default_rng(4)
    z = rng.normal(size=50)
    phi, sigma = 0.9, 0.3
    x = path_forward(z, phi, sigma)
    ref = np.empty(50)
    ref[0] = sigma / np.sqrt(1 - phi**2) * z[0]
    for t in range(1, 50):
        ref[t] = phi * ref[t - 1] + sigma * z[t]
    np.testing.assert_allclose(x, ref, rtol=1e-14)
    # stationary: x_t ~ N(0, sigma^2 / (1 - phi^2)) at every t
    many = np.array([path_forward(rng.normal(size=5), phi, sigma) for _ in range(20000)])
    np.testing.assert_allclose(many.var(0), sigma**2 / (1 - phi**2), rtol=0.05)
    verify_grad(lambda zz, p, s: ar1_path(zz, p, s).sum() + (ar1_path(zz, p, s) ** 2).sum(),
                [z, np.array(phi), np.array(sigma)], rng=rng, mode=PY, eps=1e-7)
    g = rng.normal(size=50)
    zb, _, _ = path_backward(z, phi, sigma, x, g)
    zz = pt.vector("z")
    numba_grad = pytensor.function([zz], pytensor.grad((ar1_path(zz, phi, sigma) * g).sum(), zz),
                                   mode="NUMBA")(z)
    np.testing.assert_allclose(numba_grad, zb, rtol=1e-12)


def _scan_loglik(y, H, T, Q, r, b0, P0, c, garch: bool):
    """A pytensor scan reference (Joseph form, NaN steps skipped): ``r`` a vector of per-step
    variances, or for GARCH ``(omega, alpha, gamma, r0)`` with ``r_t`` carried by the scan."""
    o = pt.as_tensor(np.isfinite(y) & np.isfinite(H).all(1), dtype="float64")
    y_c, H_c = pt.as_tensor(np.nan_to_num(y)), pt.as_tensor(np.nan_to_num(H))
    K = H.shape[1]

    def step(y_t, h, o_t, *carry):
        if garch:
            b, P, r_prev, v2, first = carry[:5]
            omega, alpha, gamma, r0 = r
            r_t = pt.switch(first, r0, omega + alpha * v2 + gamma * r_prev)
        else:
            r_t, b, P = carry[:3]
        b = T * b + c
        P = T[:, None] * P * T[None, :] + Q
        Ph = P @ h
        S = h @ Ph + r_t
        v = y_t - h @ b
        k = Ph / S
        IKh = pt.eye(K) - pt.outer(k, h)
        b_new = pt.switch(o_t, b + k * v, b)
        P_new = pt.switch(o_t, IKh @ P @ IKh.T + r_t * pt.outer(k, k), P)
        ll = o_t * -0.5 * (np.log(2 * np.pi) + pt.log(S) + v * v / S)
        if garch:
            return b_new, P_new, r_t, pt.switch(o_t, v * v, r_t), pt.constant(0.0, dtype="float64"), ll
        return b_new, P_new, ll

    if garch:
        outs = pytensor.scan(step, sequences=[y_c, H_c, o],
                             outputs_info=[b0, P0, *(pt.constant(x, dtype="float64") for x in (0.0, 0.0, 1.0)), None], return_updates=False)
    else:
        outs = pytensor.scan(step, sequences=[y_c, H_c, o, r], outputs_info=[b0, P0, None],
                             return_updates=False)
    return outs[-1].sum()


@pytest.mark.parametrize("noise", ["steps", "garch"])
def test_op_equals_the_scan_reference_in_value_and_gradient(noise):
    y, H, v = _case(n=25)
    r_value = np.exp(np.random.default_rng(4).normal(size=len(y))) if noise == "steps" else \
        np.array([0.2, 0.15, 0.6, 0.9])
    T, r, b0 = (pt.vector(name, dtype="float64") for name in ("T", "r", "b0"))
    Q = pt.matrix("Q", dtype="float64")
    rr = r if noise == "steps" else tuple(r[i] for i in range(4))
    fused = kalman_loglik_sum(y, H, T, Q, rr, b0, v["P0"], v["c"], T_diag=True, noise=noise)
    scan = _scan_loglik(y, H, T, Q, rr, b0, v["P0"], v["c"], noise == "garch")
    wrt = [T, Q, r, b0]
    vals = [pytensor.function(wrt, [out, *pytensor.grad(out, wrt)])(v["T"], v["Q"], r_value,
                                                                     v["b0"])
            for out in (fused, scan)]
    for out in vals:  # Q is symmetric: compare the gradient along symmetric directions
        out[2] = (out[2] + out[2].T) / 2
    for a, b in zip(*vals, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
